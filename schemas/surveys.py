"""Survey platform exports, the 问卷星 layout: meta columns, then one column per question
(docs/validation.md)."""

from __future__ import annotations

import pandera.polars as pa

from schemas.fields import Field, SourceSpec, isin, required

SURVEY_FIELDS = (
    Field("response_no", "序号", "id", required_column=False),
    Field("submitted_at", "提交答卷时间", "datetime"),
    Field("seconds", "所用时间", "seconds"),
    Field("channel", "来源", required_column=False),
    Field("ip", "来自IP", required_column=False),
    Field("total", "总分", "text", required_column=False),
)


SURVEYS = SourceSpec(
    "surveys",
    SURVEY_FIELDS,
    questions=True,
    folder="surveys",
    label="满意度问卷",
    tables=("survey_responses", "survey_answers"),
    known_at="submitted_at",
)

# A question column is headed "N、question text" (or "N." / "N．").
QUESTION_HEADER = r"^\s*(\d+)\s*[、.．]"


def question_column(number: int) -> str:
    return f"q{number}"


def survey_schema(items: list[int], options: list[str]) -> pa.DataFrameSchema:
    """Expects the typed frame with every satisfaction item decoded to its option text."""
    f = {x.name: x for x in SURVEY_FIELDS}
    columns = {
        "submitted_at": required(f["submitted_at"]),
        "seconds": required(f["seconds"]),
    }
    for number in items:
        columns[question_column(number)] = pa.Column(
            str, nullable=True, checks=isin(options, "不是有效的选项：应为 " + "、".join(options))
        )
    return pa.DataFrameSchema(columns, strict=False)
