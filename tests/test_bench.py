"""bench/run.py works: its building blocks, and one short run end to end.

These tests prove the benchmark measures what it claims (real copies and
updates that are checked); they never assert anything about speed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_run"] = bench
_spec.loader.exec_module(bench)


def test_verdict_is_an_upper_bound() -> None:
    assert bench.verdict(1.3, 1.3) == "PASS"
    assert bench.verdict(1.31, 1.3) == "MISS"
    assert bench.verdict(9.0, None) == "-"


def test_table_is_markdown_with_aligned_columns() -> None:
    table = bench.format_table([["copy large", "1.00 s"]], ["case", "ours"])
    lines = table.splitlines()
    assert lines[0].startswith("| case")
    assert set(lines[1].replace("|", "").replace(" ", "")) == {"-"}
    assert len({len(line) for line in lines}) == 1


def test_arguments_are_validated() -> None:
    args = bench.parse_args(["--rounds", "1", "--sizes", "small, large", "--no-suite"])
    assert (args.rounds, args.sizes, args.no_suite) == (1, ["small", "large"], True)
    with pytest.raises(SystemExit):
        bench.parse_args(["--sizes", "huge"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--rounds", "0"])


def test_a_failing_command_stops_the_benchmark(tmp_path: Path) -> None:
    env = bench.isolated_env(tmp_path)
    with pytest.raises(bench.BenchError, match="exit code"):
        bench.timed([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, env)


def test_timing_counts_the_child_process_cpu(tmp_path: Path) -> None:
    env = bench.isolated_env(tmp_path)
    busy = "total = sum(i * i for i in range(2_000_000))"
    timing = bench.timed([sys.executable, "-c", busy], tmp_path, env)
    assert timing.cpu > 0
    assert timing.wall > 0


def test_our_template_repo_is_the_working_tree_without_ignored_files(tmp_path: Path) -> None:
    env = bench.isolated_env(tmp_path / "env")
    repo = bench.build_our_template(tmp_path / "ours", env)
    tags = subprocess.run(
        ["git", "tag"], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tags == ["v1", "v2"]
    assert (repo / "copier.yml").read_bytes() == (ROOT / "copier.yml").read_bytes()
    assert not (repo / ".venv").exists()
    changed = repo / bench.process_file(repo)
    assert changed.read_text(encoding="utf-8").rstrip().endswith(bench.V2_LINE)


def test_floor_template_has_a_plain_file_at_each_project_path(tmp_path: Path) -> None:
    env = bench.isolated_env(tmp_path / "env")
    paths = ["README.md", ".copier-answers.yml", "docs/lifecycle.md", ".github/CODEOWNERS"]
    repo = bench.build_trivial_template(tmp_path / "floor", env, paths)
    files = {p.relative_to(repo).as_posix() for p in repo.rglob("*") if ".git" not in p.parts}
    plain = {"template/docs/lifecycle.md", "template/.github/CODEOWNERS"}
    assert plain <= files  # README.md and the answers file are the trivial template's own
    assert {f for f in files if (repo / f).is_file()} == plain | set(bench.TRIVIAL_FILES)
    for name in plain:
        assert "{" not in (repo / name).read_text(encoding="utf-8")


@pytest.mark.slow
def test_one_round_end_to_end(tmp_path: Path) -> None:
    """One timed round, small copy and update and the floor: every command runs and is checked."""
    env = bench.isolated_env(tmp_path / "env")
    comparisons = bench.build_comparisons(tmp_path, env, ["small"], "small")
    lines: list[str] = []
    bench.measure(comparisons, rounds=1, warmup=0, workdir=tmp_path, env=env, log=lines.append)

    labels = [comp.label for comp in comparisons]
    assert labels[:2] == ["copy small", "update v1->v2 (small)"]
    listed = [p for p in (tmp_path / "listing" / "p").rglob("*") if p.is_file()]
    assert len(listed) > 30  # a small project: the floor has as many files
    assert labels[2:] == [f"floor {op} ({len(listed)} plain files)" for op in ("copy", "update")]
    for comp in comparisons:
        assert len(comp.ours.samples) == len(comp.trivial.samples) == 1
        assert comp.ratio > 0
        assert len(comp.paired_ratios) == 1
    assert len(lines) == 8
    table = bench.comparison_table(comparisons)
    assert "update v1->v2 (small)" in table
    assert "PASS" in table or "MISS" in table

    # The check behind every sample rejects a copy that ignored its answers.
    trivial = tmp_path / "trivial-template"
    wrong = bench.copy_case("trivial with size", trivial, env, {"project_size": "large"})
    with pytest.raises(bench.BenchError, match="project_size=large missing"):
        wrong.sample(tmp_path / "wrong", env)
