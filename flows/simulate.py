"""The rules what-if (assess simulate): a published run's archived inputs scored under draft rules.

Nothing of the published year is written: the warehouse is only read (one read-only session),
the archive only fetched from, and the office folder never touched. What comes out is the
comparison (transforms/simulate.py) and, for the office, a workbook and a printable page in a
folder of its own (office/workbooks/simulation.py; docs/simulate.md).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

from prefect import flow

from flows import config, progress
from flows.assess_year import Stopwatch, compute
from flows.failures import SimulationPlace, one_line
from flows.rerun import archived_inputs
from flows.runs import new_run_id
from office.workbooks.simulation import write_simulation
from schemas.rules import Rules, RulesError, parse_rules
from schemas.semantics import Semantics
from transforms.plan import read_rules_text
from transforms.simulate import Simulation, simulate, summary_line


@dataclass
class SimulationResult:
    year: int
    draft: Path
    run_id: str | None = None
    error: str | None = None
    simulation: Simulation | None = None
    out_dir: Path | None = None

    @property
    def summary(self) -> str:
        return summary_line(self.simulation) if self.simulation else ""


def draft_rules(path: Path, base: Rules) -> Rules:
    """The draft over the run's own rules (it names only what it changes), checked by the rules
    model with the same Chinese messages as rules.toml."""
    if not path.is_file():
        raise RulesError(f"草案规则文件不存在：{path}")
    return parse_rules(read_rules_text(path.read_bytes(), path.name), path.name, base)


def default_out(year: int, draft: Path) -> Path:
    """./规则模拟/<year>_<draft stem>/ in the current folder: apart from the year's office files."""
    return Path("规则模拟") / f"{year}_{draft.stem}"


@flow(name="simulate-year", log_prints=False)
def simulate_year(
    year: int,
    rules: str,
    run_id: str | None = None,
    warehouse: str | None = None,
    out: str | None = None,
) -> SimulationResult:
    """Score a published run's archived inputs under draft rules and compare (never publishes)."""
    result = SimulationResult(year, Path(rules), run_id)
    watch = Stopwatch(progress.stage)
    conf: config.Settings | None = None
    try:
        conf = config.settings(warehouse=warehouse)
        if not result.draft.is_file():
            raise RulesError(f"草案规则文件不存在：{result.draft}")
        run, files, published = conf.warehouse.published_run(year, run_id)
        result.run_id = run.run_id
        with watch.stage("take_in"):
            taken, _ = archived_inputs(conf.archive, files)
        archived = next((t.data for t in taken if t.file == "plan/rules.toml"), None)
        before = (
            Rules.model_validate_json(run.rules_resolved)
            if run.rules_resolved
            else parse_rules(read_rules_text(archived) if archived else None)
        )
        draft = draft_rules(result.draft, before)
        got = compute(
            year,
            run.as_of,
            taken,
            watch,
            lambda: config.pii_key() or os.urandom(32),  # ip_hash never reaches a mart
            semantics=Semantics.of(run.semantics_version),
            rules=draft,
        )
        result.simulation = simulate(published, got.marts, before, draft)
        target = Path(out) if out else default_out(year, result.draft)
        if target.resolve().is_relative_to(conf.out.resolve()):
            raise SimulationPlace(
                f"模拟结果不写入正式的办公文件夹 {conf.out}，请用 --out 指定另一个文件夹"
            )
        # office/simulation.py reads the run as its audit.run row (a dict)
        result.out_dir = write_simulation(target, result.simulation, asdict(run), result.draft.name)
    except Exception as exc:  # every way a simulation can fail ends here, in one line
        place = conf.warehouse if conf else None
        result.error = one_line(exc, place, result.run_id or new_run_id(year))
    return result
