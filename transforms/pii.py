"""Personal data (docs/inputs.md, surveys): a survey IP becomes a keyed hash; its region in brackets may stay."""

from __future__ import annotations

import hashlib

import duckdb
import polars as pl

IP_PATTERN = r"^\s*([^(（\s]+)\s*(?:[(（](.*)[)）])?\s*$"


class PiiKeyMissing(Exception):
    def __str__(self) -> str:
        return (
            "问卷含来自IP，但未设置密钥：请设置环境变量 ASSESS_PII_KEY"
            "（或 Prefect Secret 块 assess-pii-key）后重试"
        )


def hmac_sha256_hex(key: bytes, messages: pl.Series) -> pl.Series:
    """hmac.new(key, m.encode(), hashlib.sha256).hexdigest() for every message m (null → null).

    HMAC (RFC 2104) is sha256((K ^ opad) || sha256((K ^ ipad) || m)), K the key (hashed first
    when longer than a block) padded with zero bytes to the 64-byte block. polars has no
    SHA-256; DuckDB's is vectorised, runs on every core and frees Python meanwhile (a Python
    loop over two million survey addresses took seconds).
    """
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    pads = {"ipad": bytes(b ^ 0x36 for b in key), "opad": bytes(b ^ 0x5C for b in key)}
    with duckdb.connect() as con:
        con.register("messages", pl.DataFrame({"m": messages.cast(pl.String)}))
        hashed = con.sql(
            "SELECT sha256($opad::BLOB || unhex(sha256($ipad::BLOB || encode(m)))) FROM messages",
            params=pads,
        ).pl()
    return hashed.to_series().alias(messages.name)


def pseudonymise_ip(frame: pl.DataFrame, column: str, key: bytes | None) -> pl.DataFrame:
    """Replace `column` ("117.173.12.34(四川-遂宁)") by ip_hash (HMAC-SHA256 hex) and ip_region."""
    parts = (
        frame.select(pl.col(column).str.extract_groups(IP_PATTERN).alias("_parts"))
        .unnest("_parts")  # one regex pass; the groups are fields "1" and "2"
        .select(pl.col("1").alias("_ip"), pl.col("2").str.strip_chars().alias("ip_region"))
    )
    if key is None and parts["_ip"].null_count() < parts.height:
        raise PiiKeyMissing()
    ip_hash = hmac_sha256_hex(key or b"", parts["_ip"]).alias("ip_hash")
    return frame.drop(column).with_columns(ip_hash, parts["ip_region"])
