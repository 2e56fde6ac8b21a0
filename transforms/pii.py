"""Personal data (SPEC §4.3): a survey IP becomes a keyed hash; its region in brackets may stay."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl

IP_PATTERN = r"^\s*([^(（\s]+)\s*(?:[(（](.*)[)）])?\s*$"


class PiiKeyMissing(Exception):
    def __str__(self) -> str:
        return (
            "问卷含来自IP，但未设置密钥：请设置环境变量 ASSESS_PII_KEY"
            "（或 Prefect Secret 块 assess-pii-key）后重试"
        )


def pseudonymise_ip(frame: pl.DataFrame, column: str, key: bytes | None) -> pl.DataFrame:
    """Replace `column` ("117.173.12.34(四川-遂宁)") by ip_hash (HMAC-SHA256 hex) and ip_region.

    HMAC has no polars expression, so it runs once per distinct address, not per row.
    """
    parts = frame.select(
        pl.col(column).str.extract(IP_PATTERN, 1).alias("_ip"),
        pl.col(column).str.extract(IP_PATTERN, 2).str.strip_chars().alias("ip_region"),
    )
    addresses = parts["_ip"].drop_nulls().unique().sort()
    if addresses.len() and key is None:
        raise PiiKeyMissing()
    digests = pl.DataFrame(
        {
            "_ip": addresses,
            "ip_hash": [
                hmac.new(key or b"", a.encode(), hashlib.sha256).hexdigest()
                for a in addresses.to_list()
            ],
        },
        schema={"_ip": pl.String, "ip_hash": pl.String},
    )
    hashed = parts.join(digests, on="_ip", how="left", maintain_order="left")
    return pl.concat([frame.drop(column), hashed.select("ip_hash", "ip_region")], how="horizontal")
