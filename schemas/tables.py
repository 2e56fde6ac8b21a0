"""The warehouse contract (docs/data-dictionary.md): every core and mart table, its columns, dtypes and COMMENTs.

One definition serves three purposes: the frames the transforms hand over, the DDL the
warehouse creates, and the data dictionary analysts read. Comments are "中文名：含义".
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schemas.codes import CHANGE_TEXT, COMPONENT_TEXT, REASON_TEXT, RULE_TEXT, STATUS_TEXT, listed

MONEY = pl.Decimal(18, 2)


@dataclass(frozen=True)
class Col:
    name: str
    dtype: pl.DataType
    comment: str


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    comment: str
    columns: tuple[Col, ...]
    key: tuple[
        str, ...
    ]  # the natural key: one row per ...; also the sort order of a published table

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        return {c.name: c.dtype for c in self.columns}


def _t(schema: str, name: str, comment: str, key: tuple[str, ...], *cols: Col) -> Table:
    return Table(schema, name, comment, cols, key)


S, INT, F, D, B = pl.String(), pl.Int32(), pl.Float64(), pl.Date(), pl.Boolean()
YEAR = Col("year", INT, "考核年度")
SOURCE_FILE = Col("file", S, "来源文件：收件箱内的相对路径")
SOURCE_SHEET = Col("sheet", S, "来源工作表：CSV 为空")
SOURCE_ROW = Col("row_number", INT, "来源行号：与表格软件一致，表头为第1行")
PROVENANCE = (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)

# ---------------------------------------------------------------- core: cleaned facts
UNITS = _t(
    "core",
    "units",
    "责任单位：年度计划中的责任单位",
    ("year", "unit_id"),
    YEAR,
    Col("unit_id", S, "单位编码"),
    Col("unit_name", S, "单位名称"),
    Col("unit_type", S, "单位类型：部门 或 镇街"),
    Col("communities", pl.List(S), "联系社区：社区编码列表（“全部”已展开）"),
)
COMMUNITIES = _t(
    "core",
    "communities",
    "试点社区",
    ("year", "community_id"),
    YEAR,
    Col("community_id", S, "社区编码"),
    Col("community_name", S, "社区名称"),
    Col("town", S, "所属镇街"),
    Col("pilot_type", S, "试点类型：便民服务型、社会组织参与型、社会服务项目化"),
)
TASKS = _t(
    "core",
    "tasks",
    "目标任务：年度计划中的任务",
    ("year", "task_id"),
    YEAR,
    Col("task_id", S, "任务编号"),
    Col("unit_id", S, "责任单位编码"),
    Col("task_name", S, "任务内容"),
    Col("category", S, "任务类别：硬件改造、软件提升、服务亮点、场景呈现"),
    Col("metric", S, "指标类型：进度（目标100）或 数量"),
    Col("target", F, "目标值"),
    Col("weight", F, "权重"),
    Col("start_month", INT, "开始月份"),
    Col("due_month", INT, "完成月份"),
    Col("budget", MONEY, "预算资金（元）"),
)
REPORTS = _t(
    "core",
    "reports",
    "进度月报：全部已入库的报送（含更正重报），is_effective 标出每个任务-月份的有效报告",
    ("year", "task_id", "month", "submitted_on", "file", "row_number"),
    YEAR,
    Col("task_id", S, "任务编号"),
    Col("unit_id", S, "单位编码"),
    Col("month", INT, "报告月份（1-12）"),
    Col("progress", F, "完成进度（百分点，0-100）"),
    Col("actual", F, "实际完成值（累计）"),
    Col("submitted_on", D, "报送日期"),
    Col("note", S, "本月工作情况"),
    *PROVENANCE,
    Col("is_effective", B, "是否有效报告：同一任务-月份中报送日期最晚者（再按文件名、行号）"),
)
HONORS = _t(
    "core",
    "honors",
    "荣誉表彰：单位报送的荣誉",
    ("year", "unit_id", "file", "row_number"),
    YEAR,
    Col("unit_id", S, "单位编码"),
    Col("honor", S, "荣誉名称"),
    Col("level", S, "级别：国家级、省级、市级"),
    Col("document_no", S, "文号：无文号不加分"),
    Col("awarded_on", D, "授予日期"),
    *PROVENANCE,
)
APPEALS = _t(
    "core",
    "appeals",
    "申诉：单位对某条得分明细提出的申诉（找不到或对应多条明细的已隔离），见 docs/appeals.md",
    ("year", "appeal_no"),
    YEAR,
    Col("appeal_no", S, "申诉编号（年度内唯一）"),
    Col("unit_id", S, "单位编码"),
    Col("rule_id", S, "所申诉明细的规则编号"),
    Col("task_id", S, "所申诉明细的任务编号（有则填）"),
    Col("month", INT, "所申诉明细的月份（有则填）"),
    Col("ref", S, "所申诉明细的凭证号、文号或社区编码（有则填）"),
    Col("reason", S, "申诉理由"),
    Col("submitted_on", D, "提交日期"),
    *PROVENANCE,
)
DECISIONS = _t(
    "core",
    "decisions",
    "复核决定：领导小组办公室对申诉或平时考核的决定（找不到或对应多条明细的已隔离）",
    ("year", "decision_no", "file", "row_number"),
    YEAR,
    Col("decision_no", S, "决定文号"),
    Col("decided_on", D, "决定日期：基准日之后的决定列出、不计分"),
    Col("appeal_no", S, "所答复的申诉编号；平时考核为空"),
    Col("unit_id", S, "单位编码"),
    Col("action", S, "处理：维持、撤销、改分、加分、扣分"),
    Col("rule_id", S, "所针对明细的规则编号（加分、扣分可空）"),
    Col("task_id", S, "所针对明细的任务编号"),
    Col("month", INT, "所针对明细的月份"),
    Col("ref", S, "所针对明细的凭证号、文号或社区编码"),
    Col("points", F, "改分：新分值（正数）；加分、扣分：分值；维持、撤销为空"),
    Col("reason", S, "理由"),
    *PROVENANCE,
)
LEDGER = _t(
    "core",
    "ledger_entries",
    "项目资金台账：去重后的有效台账行（冲突凭证已隔离）",
    ("year", "voucher_no", "file", "row_number"),
    YEAR,
    Col("entry_date", D, "日期"),
    Col("voucher_no", S, "凭证号"),
    Col("task_id", S, "项目编号（任务编号）"),
    Col("source", S, "资金来源"),
    Col("kind", S, "类型：下达、支出、退回"),
    Col("amount", MONEY, "金额（元，精确到分）"),
    Col("summary", S, "摘要"),
    *PROVENANCE,
)
VOUCHER_CONFLICTS = _t(
    "core",
    "voucher_conflicts",
    "冲突凭证：同一凭证号而其他字段不同的台账行（全部隔离，并扣分）",
    ("year", "voucher_no", "file", "row_number"),
    YEAR,
    Col("voucher_no", S, "凭证号"),
    Col("task_id", S, "项目编号（任务编号），可能不是有效任务"),
    Col("entry_date", D, "日期"),
    Col("kind", S, "类型"),
    Col("amount", MONEY, "金额（元）"),
    *PROVENANCE,
)
SURVEY_RESPONSES = _t(
    "core",
    "survey_responses",
    "满意度问卷答卷：全部已入库答卷，含有效标记与无效原因（个人信息已去除）",
    ("year", "file", "row_number"),
    YEAR,
    Col("response_no", S, "序号"),
    Col("submitted_at", pl.Datetime("us"), "提交答卷时间"),
    Col("seconds", INT, "所用时间（秒）"),
    Col("channel", S, "来源（渠道）"),
    Col("ip_hash", S, "来自IP 的密钥哈希（HMAC-SHA256），不含原始IP"),
    Col("ip_region", S, "IP 归属地区（括号内文字）"),
    Col("community_answer", S, "社区题的回答（原文）"),
    Col("community_id", S, "回答所指的试点社区编码；无法识别为空"),
    Col("items_answered", INT, "已作答的满意度题数"),
    Col("items_satisfied", INT, "回答为满意类（非常满意、满意、基本满意）的题数"),
    Col("score", F, "答卷得分：已作答满意度题的平均分"),
    Col("is_valid", B, "是否有效答卷"),
    Col("invalid_reason", S, "无效原因"),
    *PROVENANCE,
)
SURVEY_ANSWERS = _t(
    "core",
    "survey_answers",
    "满意度问卷逐题回答（满意度题），按选项文字记录",
    ("year", "file", "row_number", "question"),
    YEAR,
    SOURCE_FILE,
    SOURCE_ROW,
    Col("question", INT, "题号"),
    Col("answer", S, "回答（选项文字）；跳过为空"),
    Col("answer_score", F, "该题得分"),
)

# ---------------------------------------------------------------- mart: results
TASK_MONTH_STATUS = _t(
    "mart",
    "task_month_status",
    "任务月度红黄绿状态",
    ("year", "task_id", "month"),
    YEAR,
    Col("task_id", S, "任务编号"),
    Col("unit_id", S, "责任单位编码"),
    Col("month", INT, "月份"),
    Col("planned", F, "计划进度（百分点）"),
    Col("progress", F, "实际进度（百分点）；无报告为空"),
    Col("gap", F, "进度差 = 计划进度 - 实际进度；无报告为空"),
    Col("status", S, f"状态：{listed(STATUS_TEXT)}"),
    Col("reason", S, f"原因：{listed(REASON_TEXT)}"),
    Col("late", B, "是否迟报：首次报送晚于截止日"),
)
FUNDING_EXECUTION = _t(
    "mart",
    "funding_execution",
    "任务资金执行情况",
    ("year", "task_id"),
    YEAR,
    Col("task_id", S, "任务编号"),
    Col("unit_id", S, "责任单位编码"),
    Col("allocated", MONEY, "下达资金（元）"),
    Col("spent", MONEY, "支出资金（元）= 支出 - 退回"),
    Col("execution", F, "执行率 = 支出 / 下达；下达为0时为空"),
    Col(
        "status",
        S,
        "资金状态（评估月）：green、yellow、red；超支（支出大于下达）为 red；未开始或无下达且未超支为空",
    ),
)
COMMUNITY_SATISFACTION = _t(
    "mart",
    "community_satisfaction",
    "社区群众满意度",
    ("year", "community_id"),
    YEAR,
    Col("community_id", S, "社区编码"),
    Col("valid_responses", INT, "有效答卷数"),
    Col("invalid_responses", INT, "无效答卷数"),
    Col("score", F, "满意度得分：有效答卷得分的平均"),
    Col("satisfaction_rate", F, "满意率（0-1）：满意类回答占已作答题目的比例"),
)
SCORE_LINE_ITEM = _t(
    "mart",
    "score_line_item",
    "得分明细：每一分的来源（规则、任务、月份、凭证或文号）",
    ("year", "unit_id", "component", "rule_id", "task_id", "month", "ref"),
    YEAR,
    Col("unit_id", S, "单位编码"),
    Col("component", S, f"组成：{listed(COMPONENT_TEXT)}"),
    Col("rule_id", S, f"规则编号（见 docs/scoring.md）：{listed(RULE_TEXT)}"),
    Col("points", F, "分值（扣分为负，保留全部精度）"),
    Col("task_id", S, "来源任务编号"),
    Col("month", INT, "来源月份"),
    Col("ref", S, "来源凭证号、文号或社区编码"),
    Col("detail", S, "说明"),
)
UNIT_SCORE = _t(
    "mart",
    "unit_score",
    "单位年度考核得分、排名与等次",
    ("year", "unit_id"),
    YEAR,
    Col("unit_id", S, "单位编码"),
    Col("unit_name", S, "单位名称"),
    Col(
        "work",
        pl.Decimal(8, 2),
        "工作实绩得分：其明细之和，四舍五入到2位（远离零）；尚无已开始的任务时为空",
    ),
    Col(
        "satisfaction",
        pl.Decimal(8, 2),
        "群众满意度得分：其明细之和，四舍五入到2位；临时结果尚无可计答卷时为空（未测评）",
    ),
    Col("bonus", pl.Decimal(8, 2), "加分（封顶后，正数，四舍五入到2位）"),
    Col("penalty", pl.Decimal(8, 2), "扣分（封顶后，正数，四舍五入到2位）"),
    Col(
        "total",
        pl.Decimal(8, 2),
        "总分 = max(0, 工作实绩 + 满意度 + 加分 − 扣分)，按四舍五入后的四项计算（空值按0计）",
    ),
    Col("rank", INT, "排名（无并列）"),
    Col("grade", S, "等次：优秀、良好、合格、不合格；临时结果为空（年终评定）"),
    Col("red_months", INT, "红灯任务-月数"),
    Col("yellow_months", INT, "黄灯任务-月数"),
    Col("is_final", B, "是否最终结果（评估至12月）"),
    Col("run_id", S, "产生该结果的运行编号"),
)
WARNING_LIST = _t(
    "mart",
    "warning_list",
    "预警清单：评估月 M 为红灯或黄灯的每项任务，及 M-1 月红黄、M 月转绿（已恢复）的任务；"
    "变化为本次运行内 M 月与 M-1 月相比，当月每晚相同，复算亦同",
    ("year", "task_id"),
    YEAR,
    Col("task_id", S, "任务编号"),
    Col("unit_id", S, "责任单位编码"),
    Col("task_name", S, "任务内容"),
    Col("month", INT, "评估月份 M（本次运行的最后评估月）"),
    Col("status", S, f"M 月状态：{listed(STATUS_TEXT)}"),
    Col("reason", S, f"M 月状态原因：{listed(REASON_TEXT)}"),
    Col("planned", F, "M 月计划进度（百分点）"),
    Col("progress", F, "M 月实际进度（百分点）；未报送为空"),
    Col("months_in_row", INT, "连续月数：截至 M 月连续为当前状态（红或黄）的月数"),
    Col("previous_status", S, "M-1 月状态（本次运行）；任务 M 月才开始时为空"),
    Col(
        "change",
        S,
        f"变化：{listed({k: v for k, v in CHANGE_TEXT.items() if k != 'new'})}（M 月与 M-1 月相比）",
    ),
    Col("run_id", S, "产生该清单的运行编号"),
)
STATUS_CORRECTION = _t(
    "mart",
    "status_correction",
    "状态更正：早于 M 的月份，本次运行的状态与上月发布（M-1 月的最新发布运行）所说不同的任务-月份"
    "（如补报、更正后由红转绿），与本月变化分开列出",
    ("year", "task_id", "month"),
    YEAR,
    Col("task_id", S, "任务编号"),
    Col("unit_id", S, "责任单位编码"),
    Col("task_name", S, "任务内容"),
    Col("month", INT, "被更正的月份"),
    Col("status", S, "本次运行该月的状态"),
    Col("reason", S, "本次运行该月的状态原因"),
    Col("previous_status", S, "上月发布运行中该月的状态"),
    Col("previous_reason", S, "上月发布运行中该月的状态原因"),
    Col("previous_run_id", S, "上月发布运行的编号"),
    Col("run_id", S, "产生该清单的运行编号"),
)
RANK_CHANGE = _t(
    "mart",
    "rank_change",
    "排名变化：各单位本次的排名与总分，及上月发布（M-1 月的最新发布运行）的排名与总分",
    ("year", "unit_id"),
    YEAR,
    Col("unit_id", S, "单位编码"),
    Col("rank", INT, "本次排名"),
    Col("total", pl.Decimal(8, 2), "本次总分"),
    Col("previous_rank", INT, "上月发布的排名；无上月发布或上月未参评为空"),
    Col("previous_total", pl.Decimal(8, 2), "上月发布的总分"),
    Col("movement", S, "名次变化：up 上升、down 下降、same 不变；无上月发布为空"),
    Col("previous_run_id", S, "上月发布运行的编号；无则为空"),
    Col("run_id", S, "产生该结果的运行编号"),
)

# ---------------------------------------------------------------- audit: runs, inputs, quarantine
QUARANTINE = _t(
    "audit",
    "quarantine",
    "隔离行：未能入库的输入行（或整个文件）及可操作的原因",
    ("run_id", "source", "file", "sheet", "row_number", "column"),
    Col("run_id", S, "运行编号"),
    Col("year", INT, "考核年度"),
    Col("source", S, "来源：units、communities、tasks、reports、honors、funding、surveys"),
    SOURCE_FILE,
    SOURCE_SHEET,
    Col("row_number", INT, "行号（表头为第1行）；整个文件被拒收时为空"),
    Col("column", S, "出问题的列（中文表头）；整行或整文件问题为空"),
    Col("value", S, "原始值"),
    Col("reason", S, "原因（中文，单位可据此更正）"),
    Col("unit_id", S, "该行所属单位编码（可识别时），用于向单位反馈"),
    Col("task_id", S, "该行所写的任务编号（可识别时）：已报送但未入库的月报不算未报送"),
    Col("month", INT, "该行所写的报告月份（可识别时）"),
)
RUN = _t(
    "audit",
    "run",
    "运行记录：每次运行一行（含失败的运行）",
    ("run_id",),
    Col("run_id", S, "运行编号"),
    Col("year", INT, "考核年度"),
    Col("as_of", D, "评估基准日：此日之后报送或发生的数据不计入结果"),
    Col("last_month", INT, "最后评估月份 M（0 表示尚无到期月份）"),
    Col("is_final", B, "是否最终结果（M = 12）"),
    Col("trigger", S, "触发方式：nightly 定时、manual 手动、rerun 复算"),
    Col(
        "status", S, "状态：published 已发布、failed 失败、reproduced 复算一致、differs 复算不一致"
    ),
    Col("message", S, "说明：失败原因或复算结论"),
    Col("rules_sha256", S, "所用 rules.toml 的 SHA-256（归档可取回）"),
    Col("code_version", S, "程序版本"),
    Col("replays_run_id", S, "复算时：被复算的运行编号"),
    Col("started_at", pl.Datetime("us", "UTC"), "开始时间（UTC）"),
    Col("finished_at", pl.Datetime("us", "UTC"), "结束时间（UTC）"),
    Col("stage_seconds", S, "各阶段耗时（秒，JSON）"),
    Col(
        "semantics_version",
        INT,
        "评分口径版本（空 = 1，即 2026-12-03 之前的版本）；复算按此版本重算",
    ),
    Col("rules_resolved", S, "实际使用的全部规则参数（含默认值，JSON）；复算按此重算"),
)
INPUT_FILE = _t(
    "audit",
    "input_file",
    "运行的输入文件：哈希、大小、归档位置与行数核对（读取 = 入库 + 重复 + 隔离）",
    ("run_id", "file", "sheet"),
    Col("run_id", S, "运行编号"),
    Col("year", INT, "考核年度"),
    Col("source", S, "来源：plan、reports、honors、funding、surveys"),
    SOURCE_FILE,
    SOURCE_SHEET,
    Col("sha256", S, "文件内容的 SHA-256，即归档键；未读取的路径为空"),
    Col("size_bytes", pl.Int64(), "文件大小（字节）；未读取的路径为空"),
    Col(
        "status",
        S,
        "状态：loaded 已读取、rejected 整个文件被拒收（含不读取的符号链接和子文件夹中的文件）、"
        "skipped 临时文件或锁文件，未读取",
    ),
    Col("reason", S, "拒收或跳过的原因"),
    Col("rows_read", pl.Int64(), "读取行数（不含表头和空行）"),
    Col("rows_loaded", pl.Int64(), "入库行数"),
    Col("rows_duplicate", pl.Int64(), "重复行数（完全相同的行只计一次）"),
    Col("rows_quarantined", pl.Int64(), "隔离行数"),
)
PUBLICATION = _t(
    "audit",
    "publication",
    "各年度当前发布的运行",
    ("year",),
    Col("year", INT, "考核年度"),
    Col("run_id", S, "当前发布的运行编号"),
    Col("published_at", pl.Datetime("us", "UTC"), "发布时间（UTC）"),
)
RERUN_DIFF = _t(
    "audit",
    "rerun_diff",
    "复算差异：复算结果与已发布结果不同的行，逐行逐列",
    ("rerun_id", "table_name", "row_key", "column_name"),
    Col("rerun_id", S, "复算的运行编号"),
    Col("run_id", S, "被复算的已发布运行编号"),
    Col("table_name", S, "结果表"),
    Col("row_key", S, "行键（JSON）"),
    Col("column_name", S, "不同的列；整行缺失或多出时为空"),
    Col("published", S, "已发布的值"),
    Col("rerun", S, "复算得到的值"),
    Col("kind", S, "差异类型：changed 值不同、missing 复算缺少该行、extra 复算多出该行"),
    Col("reason", S, "差异的原因：按当前口径复算（--current）时为引起该差异的口径变更"),
)

APPROVAL = _t(
    "audit",
    "approval",
    "定稿记录：年度最终结果的批准（assess approve），及依复核决定改动定稿结果的发布（--replace --document）",
    ("year", "run_id", "document"),
    Col("year", INT, "考核年度"),
    Col("run_id", S, "定稿的运行编号（该年度此后以它为准）"),
    Col("document", S, "定稿或改动所依据的文号，如 大英目考〔2022〕3号"),
    Col("approved_by", S, "操作人（系统用户名，或 ASSESS_USER）"),
    Col("approved_at", pl.Datetime("us", "UTC"), "定稿时间（UTC）"),
    Col("replaces_run_id", S, "依复核决定改动时：此前定稿的运行编号；首次定稿为空"),
)

AUDIT_TABLES = (RUN, INPUT_FILE, PUBLICATION, QUARANTINE, RERUN_DIFF, APPROVAL)

CORE_TABLES = (
    UNITS,
    COMMUNITIES,
    TASKS,
    REPORTS,
    HONORS,
    LEDGER,
    VOUCHER_CONFLICTS,
    SURVEY_RESPONSES,
    SURVEY_ANSWERS,
    APPEALS,
    DECISIONS,
)
MART_TABLES = (
    TASK_MONTH_STATUS,
    FUNDING_EXECUTION,
    COMMUNITY_SATISFACTION,
    SCORE_LINE_ITEM,
    UNIT_SCORE,
)


def conform(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Select and cast a frame to a table's columns, in contract order, sorted by its key.

    A frame already in key order is not sorted again: sorting copies every column, and core
    tables of millions of rows usually arrive in key order (file, row)."""
    shaped = frame.select(pl.col(c.name).cast(c.dtype) for c in table.columns)
    key = list(table.key)
    if _in_key_order(shaped, key):
        return shaped
    return shaped.sort(key, nulls_last=True, maintain_order=True)


def _in_key_order(frame: pl.DataFrame, key: list[str]) -> bool:
    """Every row <= the next, comparing the key columns in turn (one pass, no sort)."""
    if frame.height < 2 or frame.select(pl.any_horizontal(pl.col(key).is_null().any())).item():
        return frame.height < 2  # nulls: leave the order to sort(nulls_last=True)
    before = pl.lit(True)  # rows equal on every key column are in order
    for column in reversed(key):
        this, following = pl.col(column), pl.col(column).shift(-1)
        before = (this < following) | ((this == following) & before)
    return frame.select(before.head(frame.height - 1).all()).item()


# Outputs for people (issue 5): not part of the published marts or their history.
TASK_FORECAST = _t(
    "mart",
    "task_forecast",
    "年终预测：已开始、尚未完成的任务按自身进度推算到完成月份（预计逾期），方法见 docs/forecast.md",
    ("year", "task_id"),
    YEAR,
    Col("task_id", S, "任务编号"),
    Col("unit_id", S, "责任单位编码"),
    Col("task_name", S, "任务内容"),
    Col("month", INT, "评估月份 M（预测所依据的最后评估月）"),
    Col("status", S, "M 月状态：green 绿、yellow 黄、red 红"),
    Col("due_month", INT, "完成月份"),
    Col("last_report_month", INT, "最近一次有效报告的月份（M 及以前；无报告为开始月份前一月）"),
    Col("last_progress", F, "最近一次有效报告的进度（百分点）"),
    Col("pace", F, "自身进度：每月完成的百分点（最近进度 ÷ 已过月数）"),
    Col("projected", F, "按自身进度推算到完成月份的进度（百分点，最多100）"),
    Col("needed_pace", F, "按期完成还需的每月百分点"),
    Col("finish_month", INT, "按自身进度预计完成的月份（可晚于12月）；进度为0时为空"),
    Col("at_risk", B, "按自身进度到完成月份不足100：预计逾期"),
    Col("flagged", B, "今天为绿灯或黄灯、但预计逾期的任务（需要提前督办）"),
    Col("run_id", S, "产生该预测的运行编号"),
)
UNIT_FORECAST = _t(
    "mart",
    "unit_forecast",
    "年终预测：各单位工作实绩得分的年终推算范围（按任务自身进度与最近进度）",
    ("year", "unit_id"),
    YEAR,
    Col("unit_id", S, "单位编码"),
    Col("month", INT, "评估月份 M"),
    Col("work_low", F, "年终工作实绩得分推算的较低值"),
    Col("work_high", F, "年终工作实绩得分推算的较高值"),
    Col("run_id", S, "产生该预测的运行编号"),
)

APPEAL = _t(
    "mart",
    "appeal",
    "申诉清单：每件申诉、所申诉的明细及其分值、复核结果（待复核在前）",
    ("year", "appeal_no"),
    YEAR,
    Col("appeal_no", S, "申诉编号"),
    Col("unit_id", S, "单位编码"),
    Col("component", S, "所申诉明细的组成"),
    Col("rule_id", S, "所申诉明细的规则编号"),
    Col("task_id", S, "所申诉明细的任务编号"),
    Col("month", INT, "所申诉明细的月份"),
    Col("ref", S, "所申诉明细的凭证号、文号或社区编码"),
    Col("points", F, "所申诉明细的分值（扣分为负）"),
    Col("detail", S, "所申诉明细的说明"),
    Col("reason", S, "申诉理由"),
    Col("submitted_on", D, "提交日期"),
    Col("status", S, "复核结果：待复核、维持、撤销、改分（答复它的决定的处理）"),
    Col("decision_no", S, "答复它的决定文号（基准日及以前）；待复核为空"),
    Col("decided_on", D, "决定日期"),
    Col("points_after", F, "复核后该明细的分值（撤销为0）；待复核、维持同原分值"),
    Col("days_waiting", INT, "待复核：提交至基准日的天数；已决定：提交至决定的天数"),
    Col("run_id", S, "产生该清单的运行编号"),
)
REVIEW_DECISION = _t(
    "mart",
    "review_decision",
    "复核决定及其是否计分：基准日之后的决定列出、不计分；同一明细的多个决定以最晚者为准",
    ("year", "decision_no", "unit_id", "rule_id", "task_id", "month", "ref"),
    YEAR,
    Col("decision_no", S, "决定文号"),
    Col("decided_on", D, "决定日期"),
    Col("appeal_no", S, "所答复的申诉编号"),
    Col("unit_id", S, "单位编码"),
    Col("action", S, "处理：维持、撤销、改分、加分、扣分"),
    Col("component", S, "所针对明细（或新增明细）的组成"),
    Col("rule_id", S, "所针对明细的规则编号；加分、扣分为新增明细的规则编号"),
    Col("task_id", S, "任务编号"),
    Col("month", INT, "月份"),
    Col("ref", S, "所针对明细的凭证号、文号或社区编码"),
    Col("points", F, "决定的分值（改分为新分值，加分、扣分为分值）"),
    Col("line_points", F, "该决定增加的明细的分值（decision_* 明细）；维持与未计分为空"),
    Col("applied", B, "是否计入本次得分"),
    Col("not_applied", S, "未计分的原因：决定日期晚于基准日、已被同一明细更晚的决定取代"),
    Col("reason", S, "理由"),
    Col("run_id", S, "产生该清单的运行编号"),
)

OFFICE_TABLES = (
    WARNING_LIST,
    STATUS_CORRECTION,
    RANK_CHANGE,
    TASK_FORECAST,
    UNIT_FORECAST,
    APPEAL,
    REVIEW_DECISION,
)
