"""The bundled demo inbox is exactly what its generator writes."""

from pathlib import Path

from demo.make_demo import make_demo

COMMITTED = Path(__file__).resolve().parents[1] / "demo" / "inbox"


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generator_reproduces_the_committed_demo_inbox(tmp_path):
    make_demo(tmp_path)
    fresh, committed = _files(tmp_path), _files(COMMITTED)
    assert sorted(fresh) == sorted(committed)
    assert [name for name in fresh if fresh[name] != committed[name]] == []
    assert {
        "2021/plan/units.xlsx",
        "2021/plan/communities.csv",
        "2021/plan/tasks.xls",
        "2021/plan/rules.toml",
    } <= set(fresh)
