import pytest

from tests.plan_fixture import COMMUNITIES, PLAN_FILES, TASKS, UNITS, YEAR, csv, plan
from transforms.plan import PlanError, build_plan


def test_plan_loads_units_communities_tasks():
    p = plan()
    assert p.units.sort("unit_id")["communities"].to_list() == [["C1", "C2"], ["C1"], []]
    tasks = p.tasks.sort("task_id")
    assert [str(b) for b in tasks["budget"]] == ["300000.00", "0.00", "1000000.00", "0.00", "0.00"]
    assert tasks["weight"].to_list() == [2.0, 1.0, 1.0, 1.0, 1.0]
    assert p.rules.survey.items == (2, 3)
    assert p.rules.weights.work == 80  # default kept


def _with(name: str, data: bytes):
    return [(n, data if n == name else d) for n, d in PLAN_FILES]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([f for f in PLAN_FILES if f[0] != "plan/tasks.csv"], "缺少tasks"),
        (_with("plan/units.csv", UNITS + "U1,县民政局2,部门,\n".encode()), '单位编码 "U1" 重复'),
        (
            _with("plan/tasks.csv", TASKS + "T6,U9,x,硬件改造,进度,100,1,1,2,\n".encode()),
            '责任单位编码 "U9" 不是责任单位表中的单位',
        ),
        (_with("plan/units.csv", UNITS + "U4,县残联,部门,\n".encode()), "U4 没有任何目标任务"),
        (_with("plan/units.csv", UNITS + "U4,县残联,部门,C9\n".encode()), "C9 不是试点社区"),
        (
            _with("plan/tasks.csv", TASKS + "T6,U1,x,硬件改造,进度,100,0,1,2,\n".encode()),
            '权重 "0" 权重必须大于0',
        ),
        (_with("plan/rules.toml", b"[bonus]\ncapp = 3\n"), "bonus.capp 是未知参数"),
        (_with("plan/rules.toml", b"[bonus]\ncap = 'five'\n"), "bonus.cap = 'five' 无效：必须是数"),
        (
            _with("plan/communities.csv", csv(["社区编码", "社区名称"], [["C1", "x"]])),
            "缺少必需的列：所属镇街、试点类型",
        ),
    ],
)
def test_invalid_plan_fails_with_one_line(files, message):
    with pytest.raises(PlanError) as exc:
        build_plan(YEAR, files)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_plan_accepts_chinese_file_stems_and_english_headers():
    units = csv(
        ["unit_id", "unit_name", "unit_type", "communities"],
        [
            ["U1", "县民政局", "部门", "C1、C2"],
            ["U2", "盐井街道", "镇街", "C1"],
            ["U3", "县妇联", "部门", ""],
        ],
    )
    files = [
        ("plan/责任单位.csv", units),
        ("plan/试点社区.csv", COMMUNITIES),
        ("plan/目标任务.csv", TASKS),
    ]
    p = build_plan(YEAR, files)
    assert p.units.sort("unit_id")["communities"].to_list() == [["C1", "C2"], ["C1"], []]
