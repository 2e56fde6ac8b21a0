"""Appeals (申诉, appeals/) and review decisions (复核决定, decisions/): docs/appeals.md.

A unit contests one line item of its score; the leadership-group office decides, on an appeal
or on its own inspection. Both name a line as the dashboard and the workbooks show it: the rule
(its code or its Chinese label), and the task, month and ref where the line has them. Whether a
line with those values exists is known only once the run has scored (transforms/scoring/
decisions.py); here each row is checked on its own.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.codes import ACTIONS, ADD_BONUS, ADD_PENALTY, CHANGE, CONTESTABLE, one_of
from schemas.fields import Field, SheetChoice, SourceSpec, isin, optional, required, row_check

LINE_FIELDS = (  # the line an appeal or a decision names
    Field("rule_id", "规则", aliases=("规则编号",), required_column=False),
    Field("task_id", "任务编号", "id", required_column=False),
    Field("month", "月份", "month", required_column=False),
    Field("ref", "凭证或文号", aliases=("凭证号", "文号", "社区编码"), required_column=False),
)
APPEAL_FIELDS = (
    Field("appeal_no", "申诉编号", "id"),
    Field("unit_id", "单位编码", "id", aliases=("责任单位编码",)),
    *LINE_FIELDS,
    Field("reason", "申诉理由", "free_text"),
    Field("submitted_on", "提交日期", "date"),
)
DECISION_FIELDS = (
    Field("decision_no", "决定文号", aliases=("文号",)),
    Field("decided_on", "决定日期", "date"),
    Field("appeal_no", "申诉编号", "id", required_column=False),
    Field("unit_id", "单位编码", "id", aliases=("责任单位编码",)),
    Field("action", "处理", aliases=("处理方式",)),
    *LINE_FIELDS[:3],
    Field("ref", "凭证或文号", aliases=("凭证号", "社区编码"), required_column=False),
    Field("points", "分值", "number", required_column=False),
    Field("reason", "理由", "free_text", aliases=("决定理由",)),
)

APPEAL_SHEET = "申诉填报"  # the sheet of each unit's findings workbook made for filing appeals
APPEALS = SourceSpec(
    "appeals",
    APPEAL_FIELDS,
    SheetChoice(APPEAL_SHEET),
    folder="appeals",
    label="申诉",
    tables=("appeals",),
    optional=True,
    # not filtered at the as-of date either: a decision may answer it (the list shows dates)
)
DECISIONS = SourceSpec(
    "decisions",
    DECISION_FIELDS,
    folder="decisions",
    label="复核决定",
    tables=("decisions",),
    optional=True,
    # not filtered at the as-of date: a later decision is listed, not applied (6.10)
)


def _names_a_rule() -> pa.Check:
    return isin(CONTESTABLE, "不是可申诉的得分规则（写规则编号或看板上的规则名称）")


def appeal_schema(unit_ids: list[str]) -> pa.DataFrameSchema:
    f = {x.name: x for x in APPEAL_FIELDS}
    return pa.DataFrameSchema(
        {
            "appeal_no": required(f["appeal_no"]),
            "unit_id": required(f["unit_id"], checks=isin(unit_ids, "不是责任单位表中的单位")),
            "rule_id": required(f["rule_id"], checks=_names_a_rule()),
            "task_id": optional(f["task_id"]),
            "month": optional(f["month"]),
            "ref": optional(f["ref"]),
            "reason": required(f["reason"]),
            "submitted_on": required(f["submitted_on"]),
        },
        strict=False,
    )


def decision_schema(unit_ids: list[str]) -> pa.DataFrameSchema:
    """Whether the appeal it answers exists is known with the appeals (scoring/decisions.py)."""
    f = {x.name: x for x in DECISION_FIELDS}
    action, points = pl.col("action"), pl.col("points")
    adds = action.is_in([ADD_BONUS, ADD_PENALTY])
    needs_points = adds | (action == CHANGE)
    return pa.DataFrameSchema(
        {
            "decision_no": required(f["decision_no"]),
            "decided_on": required(f["decided_on"]),
            "appeal_no": optional(f["appeal_no"]),
            "unit_id": required(f["unit_id"], checks=isin(unit_ids, "不是责任单位表中的单位")),
            "action": required(f["action"], checks=isin(ACTIONS, one_of(ACTIONS))),
            "rule_id": optional(
                f["rule_id"],
                checks=[
                    _names_a_rule(),
                    row_check(
                        adds | pl.col("rule_id").is_not_null() | pl.col("appeal_no").is_not_null(),
                        "未填写（维持、撤销、改分须写明所针对的得分规则，或写明所答复的申诉编号）",
                    ),
                ],
            ),
            "task_id": optional(f["task_id"]),
            "month": optional(f["month"]),
            "ref": optional(f["ref"]),
            "points": optional(
                f["points"],
                checks=[
                    pa.Check.in_range(0, 100, error="超出0-100范围"),
                    row_check(
                        ~needs_points | points.is_not_null(), "未填写（改分、加分、扣分须写分值）"
                    ),
                    row_check(
                        needs_points | points.is_null(), "维持、撤销不填分值（分值以原明细为准）"
                    ),
                    row_check(~adds | (points > 0), "加分、扣分的分值须大于0"),
                ],
            ),
            "reason": required(f["reason"]),
        },
        strict=False,
    )
