"""Personal data (SPEC §4.3): a survey IP becomes a keyed hash; its region in brackets may stay."""

from __future__ import annotations

import hashlib

import polars as pl

IP_PATTERN = r"^\s*([^(（\s]+)\s*(?:[(（](.*)[)）])?\s*$"


class PiiKeyMissing(Exception):
    def __str__(self) -> str:
        return (
            "问卷含来自IP，但未设置密钥：请设置环境变量 ASSESS_PII_KEY"
            "（或 Prefect Secret 块 assess-pii-key）后重试"
        )


def hmac_sha256_hex(key: bytes, messages: list[str]) -> list[str]:
    """hmac.new(key, m.encode(), hashlib.sha256).hexdigest() for every message m.

    HMAC (RFC 2104) is sha256((K ^ opad) || sha256((K ^ ipad) || m)), K the key (hashed first
    when longer than a block) padded with zero bytes to the 64-byte block. hmac.new sets up
    both padded keys again for every message; here they are hashed once and each message
    continues a copy of those states, about 2.5 times faster.
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner_start = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer_start = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(message: str) -> str:
        inner = inner_start.copy()
        inner.update(message.encode())
        outer = outer_start.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    return [digest(m) for m in messages]


def pseudonymise_ip(frame: pl.DataFrame, column: str, key: bytes | None) -> pl.DataFrame:
    """Replace `column` ("117.173.12.34(四川-遂宁)") by ip_hash (HMAC-SHA256 hex) and ip_region.

    HMAC has no polars expression, so it runs once per distinct address, not per row.
    """
    parts = (
        frame.select(pl.col(column).str.extract_groups(IP_PATTERN).alias("_parts"))
        .unnest("_parts")  # one regex pass; the groups are fields "1" and "2"
        .select(pl.col("1").alias("_ip"), pl.col("2").str.strip_chars().alias("ip_region"))
    )
    addresses = parts["_ip"].drop_nulls().unique()
    if addresses.len() and key is None:
        raise PiiKeyMissing()
    digests = pl.DataFrame(
        {"_ip": addresses, "ip_hash": hmac_sha256_hex(key or b"", addresses.to_list())},
        schema={"_ip": pl.String, "ip_hash": pl.String},
    )
    hashed = parts.join(digests, on="_ip", how="left", maintain_order="left")
    return pl.concat([frame.drop(column), hashed.select("ip_hash", "ip_region")], how="horizontal")
