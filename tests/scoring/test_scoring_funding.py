"""Funding execution (docs/scoring.md, 6.4): exact money, its status at M, overspent is red."""

from decimal import Decimal

import pytest
from scoring_builders import D, entry, run, task, unit

AS_OF = D(2021, 7, 5)  # M = 6

TASKS = [
    task("F1", "U1", start=1, due=10),  # planned(6) = 60
    task("F2", "U1", start=1, due=10),
    task("F3", "U1", start=1, due=10),
    task("F4", "U1", start=1, due=10),
    task("F5", "U1", start=8, due=10),  # not started at M
    task("F6", "U1", start=1, due=10),
    task("F7", "U1", start=1, due=10),
    task("F8", "U1", start=8, due=10),
]
LEDGER = [
    entry("F1", "下达", "10000.00"),
    entry("F1", "下达", "5000.00", date=D(2021, 7, 6)),  # after as-of: left out
    entry("F1", "支出", "7000.10"),
    entry("F1", "退回", "1000.10"),
    entry("F2", "下达", "10000.00"),
    entry("F2", "支出", "3000.00"),
    # F3: no entries
    entry("F4", "支出", "500.00"),
    entry("F5", "下达", "1000.00"),
    entry("F6", "下达", "10000.00"),
    entry("F6", "支出", "2000.00"),
    entry("F7", "下达", "100.00"),
    entry("F7", "支出", "12400.00"),  # 124 times its allocation
    entry("F8", "下达", "100.00"),
    entry("F8", "支出", "200.00"),
    entry("ZZ", "下达", "99.00"),  # not a task of the plan
]


def test_funding_execution_mart():
    result = run(as_of=AS_OF, units=[unit("U1")], tasks=TASKS, ledger=LEDGER)
    funding = result["funding_execution"]
    assert funding.columns == [
        "year",
        "task_id",
        "unit_id",
        "allocated",
        "spent",
        "execution",
        "status",
    ]
    assert funding.drop("year", "unit_id").rows() == [
        ("F1", Decimal("10000.00"), Decimal("6000.00"), pytest.approx(0.6), "green"),  # gap 0
        ("F2", Decimal("10000.00"), Decimal("3000.00"), pytest.approx(0.3), "yellow"),  # gap 30
        ("F3", Decimal("0.00"), Decimal("0.00"), None, None),
        ("F4", Decimal("0.00"), Decimal("500.00"), None, "red"),  # spent, nothing allocated
        ("F5", Decimal("1000.00"), Decimal("0.00"), 0.0, None),  # M < start_month
        ("F6", Decimal("10000.00"), Decimal("2000.00"), pytest.approx(0.2), "red"),  # gap 40
        ("F7", Decimal("100.00"), Decimal("12400.00"), 124.0, "red"),  # overspent, gap -12340
        ("F8", Decimal("100.00"), Decimal("200.00"), 2.0, None),  # overspent, M < start_month
    ]


def test_money_is_exact_decimal():
    ledger = [
        entry("F1", "下达", "0.30"),
        entry("F1", "下达", "0.10", voucher="b"),
        entry("F1", "支出", "0.20"),
        entry("F1", "支出", "0.10", voucher="c"),
    ]
    funding = run(as_of=AS_OF, units=[unit("U1")], tasks=TASKS[:1], ledger=ledger)[
        "funding_execution"
    ]
    assert funding["allocated"].to_list() == [Decimal("0.40")]
    assert funding["spent"].to_list() == [Decimal("0.30")]
    assert funding["execution"].to_list() == [0.75]


def test_funding_at_its_edges():
    # M = 6. H1: an entry dated on the as-of date counts; H2 starts in M itself (planned 1/5);
    # H3: 100 × 0.895 puts the gap at 10.5, just over yellow_gap; H4: less than 1.00 allocated;
    # H5: 0.99 of 1.00, exactly
    tasks = [
        task("H1", "U1", start=1, due=6),
        task("H2", "U1", start=6, due=10),
        task("H3", "U1", start=1, due=6),
        task("H4", "U1", start=1, due=6),
        task("H5", "U1", start=1, due=6),
    ]
    ledger = [
        entry("H1", "下达", "100.00"),
        entry("H1", "支出", "95.00", date=AS_OF),
        entry("H2", "下达", "100.00"),
        entry("H2", "支出", "20.00"),
        entry("H3", "下达", "1000.00"),
        entry("H3", "支出", "895.00"),
        entry("H4", "下达", "0.50"),
        entry("H4", "支出", "0.50"),
        entry("H5", "下达", "1.00"),
        entry("H5", "支出", "0.99"),
    ]
    funding = run(as_of=AS_OF, units=[unit("U1")], tasks=tasks, ledger=ledger)["funding_execution"]
    assert funding.drop("year", "unit_id").rows() == [
        ("H1", Decimal("100.00"), Decimal("95.00"), 0.95, "green"),
        ("H2", Decimal("100.00"), Decimal("20.00"), 0.2, "green"),  # gap 0
        ("H3", Decimal("1000.00"), Decimal("895.00"), 0.895, "yellow"),
        ("H4", Decimal("0.50"), Decimal("0.50"), 1.0, "green"),
        ("H5", Decimal("1.00"), Decimal("0.99"), 0.99, "green"),
    ]


@pytest.mark.parametrize(
    ("spent", "status"),
    [
        ("499.00", "green"),  # gap 60 - 49.9 is 10.100000000000001: on the edge
        ("499.10", "green"),  # gap 10.09: just inside
        ("498.90", "yellow"),  # gap 10.11: just outside
    ],
)
def test_the_funding_light_edge_is_compared_in_decimals(spent, status):
    funding = run(
        as_of=AS_OF,
        units=[unit("U1")],
        tasks=[task("E", "U1", start=1, due=10)],  # planned(6) = 60
        ledger=[entry("E", "下达", "1000.00"), entry("E", "支出", spent)],
        rules="[light]\nyellow_gap = 10.1\n",
    )["funding_execution"]
    assert funding["status"].to_list() == [status]
