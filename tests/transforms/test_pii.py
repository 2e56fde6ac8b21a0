"""transforms.pii: the keyed hash is exactly Python's hmac, for any key and address."""

from __future__ import annotations

import hashlib
import hmac
import random

import polars as pl
import pytest

from transforms.pii import PiiKeyMissing, hmac_sha256_hex, pseudonymise_ip


def reference(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def addresses(n: int) -> list[str]:
    rnd = random.Random(7)
    ipv4 = [".".join(str(rnd.randint(0, 255)) for _ in range(4)) for _ in range(n)]
    ipv6 = [":".join(f"{rnd.randint(0, 0xFFFF):x}" for _ in range(8)) for _ in range(n // 10)]
    odd = ["", "1", "２２３.１.２.３", "地址未知", "ip-é-ß-😀", "x" * 64, "y" * 65, "z" * 300]
    return ipv4 + ipv6 + odd


@pytest.mark.parametrize(
    "key",
    [
        b"k",
        b"",
        b"bench-pii-key",
        b"\x00\xff" * 20,
        b"a" * 63,
        b"a" * 64,  # one block: used as is
        b"a" * 65,  # longer than a block: hashed first
        "很长的密钥".encode() * 30,  # 450 bytes
        bytes(range(256)),
    ],
    ids=lambda k: f"{len(k)} bytes",
)
def test_hmac_sha256_hex_equals_hmac(key):
    messages = addresses(2000)
    hashed = hmac_sha256_hex(key, pl.Series(messages)).to_list()
    assert hashed == [reference(key, m) for m in messages]


def test_hmac_sha256_hex_of_nothing():
    assert hmac_sha256_hex(b"k", pl.Series([], dtype=pl.String)).to_list() == []
    assert hmac_sha256_hex(b"k", pl.Series([None], dtype=pl.String)).to_list() == [None]


def test_pseudonymise_ip_hashes_every_row_in_order():
    ips = addresses(500)
    cells = [f"{ip}(四川-遂宁)" if i % 3 else ip for i, ip in enumerate(ips)]
    cells += ["117.173.12.34（重庆 ）", " 117.173.12.34 ", None, "117.173.12.34(四川-遂宁)"]
    frame = pl.DataFrame({"_row": range(len(cells)), "ip": cells, "q1": ["满意"] * len(cells)})
    key = b"s" * 100
    out = pseudonymise_ip(frame, "ip", key)
    assert out.columns == ["_row", "q1", "ip_hash", "ip_region"]
    assert out["_row"].to_list() == list(range(len(cells)))
    expected = [None if ip == "" else reference(key, ip) for ip in ips]  # "" is no address
    expected += [reference(key, "117.173.12.34")] * 2 + [None, reference(key, "117.173.12.34")]
    assert out["ip_hash"].to_list() == expected
    assert out["ip_region"].to_list()[-4:] == ["重庆", None, None, "四川-遂宁"]


def test_pseudonymise_ip_needs_a_key_only_when_there_are_addresses():
    frame = pl.DataFrame({"ip": ["1.2.3.4(四川-遂宁)"]})
    with pytest.raises(PiiKeyMissing):
        pseudonymise_ip(frame, "ip", None)
    empty = pseudonymise_ip(pl.DataFrame({"ip": [None]}, schema={"ip": pl.String}), "ip", None)
    assert empty.rows() == [(None, None)]
