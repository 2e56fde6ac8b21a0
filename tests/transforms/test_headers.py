"""validate.conform_headers: which column is which field, and when a file is rejected whole."""

from __future__ import annotations

import pytest

from schemas.fields import Field
from transforms.validate import Rejected, conform_headers

FIELDS = (
    Field("unit_id", "单位编码", "id", aliases=("责任单位编码",)),
    Field("progress", "完成进度", "percent"),
    Field("amount", "金额(元)", "money", aliases=("金额",)),
    Field("note", "本月工作情况", "free_text", required_column=False),
)


def test_headers_match_after_trimming_folding_and_aliases():
    columns = [" 单位编码", "ｐｒｏｇｒｅｓｓ", "金额（元）", "备注", "联系电话", "_row"]
    assert conform_headers(columns, FIELDS) == {
        " 单位编码": "unit_id",
        "ｐｒｏｇｒｅｓｓ": "progress",
        "金额（元）": "amount",
    }


@pytest.mark.parametrize(
    "columns",
    [
        ["单位编码", "完成进度", "金额", "完成进度\u3000"],
        ["单位编码", "完成进度", "金额", "progress"],
        ["单位编码", "progress", "金额", "完成进度"],
    ],
)
def test_a_field_named_twice_rejects_the_file_and_says_which(columns):
    with pytest.raises(Rejected) as exc:
        conform_headers(columns, FIELDS)
    assert str(exc.value) == "列名重复：完成进度"
    assert exc.value.readable == {"单位编码": "unit_id", "金额": "amount"}


def test_a_header_repeated_as_written_is_seen_through_its_suffix():
    columns = ["单位编码", "完成进度", "金额", "完成进度_2"]  # read.Sheet names the second so
    with pytest.raises(Rejected, match="列名重复：完成进度"):
        conform_headers(columns, FIELDS, written=["单位编码", "完成进度", "金额", "完成进度"])


def test_personal_columns_are_dropped_before_matching():
    columns = ["单位编码", "完成进度", "金额", "手机", "手机"]
    assert conform_headers(columns, FIELDS) == {
        "单位编码": "unit_id",
        "完成进度": "progress",
        "金额": "amount",
    }


def test_missing_required_columns_are_named():
    with pytest.raises(Rejected) as exc:
        conform_headers(["单位编码", "备注"], FIELDS)
    assert str(exc.value) == "缺少必需的列：完成进度、金额(元)"
    assert exc.value.readable == {"单位编码": "unit_id"}
