"""The bench's pieces measure what they claim; nothing here asserts anything about speed.

Fast tests build the pieces without copier; the slow ones run copier once or
twice (never the full bench) to prove the floor matches a real project, the
patched copy is the one imported, and one round of ``main`` reports every goal.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import cases, peers, profile, report, run, templates, timing
from bench.patched_copier import PATCH, build_patched_copier, with_patched_copier

from .conftest import ROOT


def test_verdict_is_an_upper_bound() -> None:
    assert report.verdict(1.3, 1.3) == "PASS"
    assert report.verdict(1.31, 1.3) == "MISS"
    assert report.verdict(9.0, None) == "-"
    assert report.verdict("not built yet", 0.5) == "-"


def test_goals_table_puts_the_variants_side_by_side() -> None:
    rows = [
        report.GoalRow(report.Goal("copy", 1.1), {"stock": 1.2, "patched": 1.05}, {"stock": 1.15}),
        report.GoalRow(report.Goal("check", 0.5, "s"), {"stock": "not built yet"}),
    ]
    lines = report.goals_table(rows, ["stock", "patched"]).splitlines()
    assert len({len(line) for line in lines}) == 1  # aligned Markdown
    assert [cell.strip() for cell in lines[2].split("|")[1:-1]] == [
        "copy",
        "≤ 1.10x",
        "1.20x (CPU 1.15x)",
        "MISS",
        "1.05x",
        "PASS",
    ]
    assert "not built yet" in lines[3] and "not timed" in lines[3]


def test_a_failing_command_stops_the_bench(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path)
    with pytest.raises(timing.BenchError, match="exit code 3"):
        timing.timed([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, env)
    # An accepted exit code does not excuse a crash.
    with pytest.raises(timing.BenchError, match="exit code 1"):
        timing.timed([sys.executable, "-c", "1/0"], tmp_path, env, ok_codes=(0, 1))


def test_isolated_env_keeps_bytecode_and_drops_a_callers_pythonpath(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    env = timing.isolated_env(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env and "PYTHONPATH" not in env
    assert Path(env["COPIER_SETTINGS_PATH"]).read_text(encoding="utf-8") == "{}\n"


def test_ratios_are_paired_within_rounds() -> None:
    def case(walls: list[float]) -> timing.Case:
        made = timing.Case("c", lambda f: ([], f), lambda f: None, {})
        made.timings = [timing.Timing(w, w) for w in walls]
        return made

    # Round 2 ran under load on both sides: pairing cancels it.
    assert timing.paired_ratio(case([2.0, 8.0, 2.2]), case([1.0, 4.0, 1.0])) == 2.0


def test_measure_interleaves_cases_and_drops_warmup(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path / "env")
    order: list[str] = []

    def make(name: str) -> timing.Case:
        def command(folder: Path) -> tuple[list[str], Path]:
            order.append(name)
            return [sys.executable, "-c", "pass"], folder

        return timing.Case(name, command, lambda f: None, env)

    made = [make("a"), make("b")]
    timing.measure(made, rounds=2, warmup=1, workdir=tmp_path, log=lambda line: None)
    assert order == ["a", "b"] * 3
    assert [len(c.timings) for c in made] == [2, 2]


def test_floor_template_has_a_plain_file_at_each_project_path(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path / "env")
    paths = ["README.md", ".copier-answers.yml", "docs/lifecycle.md", ".github/CODEOWNERS"]
    repo = templates.build_trivial_template(tmp_path / "floor", env, paths)
    plain = {"template/docs/lifecycle.md", "template/.github/CODEOWNERS"}
    assert set(templates.project_files(repo)) == plain | set(templates.TRIVIAL_FILES)
    for name in plain:
        assert "{" not in (repo / name).read_text(encoding="utf-8")


def test_our_template_repo_is_the_working_tree_tagged_twice(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path / "env")
    repo = templates.build_our_template(tmp_path / "ours", env)
    tags = timing.run(["git", "tag"], repo, env).stdout.split()
    assert tags == ["v1", "v2"]
    assert (repo / "copier.yml").read_bytes() == (ROOT / "copier.yml").read_bytes()
    assert not (repo / ".venv").exists()
    changed = repo / templates.our_changed_file(repo)
    assert changed.read_text(encoding="utf-8").rstrip().endswith(templates.V2_LINE)
    # Packed like a user's template: a clone hard-links no loose objects.
    counts = timing.run(["git", "count-objects", "-v"], repo, env).stdout
    assert "count: 0\n" in counts and "packs: 1\n" in counts


def test_scale_generator_writes_the_requested_files(tmp_path: Path) -> None:
    written = templates.write_team_files(tmp_path, ("src", "tests"), 1001)
    assert len(written) == len(set(written)) == 1001
    on_disk = templates.project_files(tmp_path)
    assert len(on_disk) == 1001
    assert sum(name.startswith("src/") for name in on_disk) == 501
    assert sum(name.startswith("tests/") for name in on_disk) == 500
    assert max(len(list(p.iterdir())) for p in tmp_path.glob("*/team_code/*")) <= 100


def test_update_check_rejects_an_update_that_lost_files(tmp_path: Path) -> None:
    master = tmp_path / "master"
    (master / "src").mkdir(parents=True)
    (master / "src" / "team.py").write_text("VALUE = 1\n", encoding="utf-8")
    (master / "README.md").write_text("# demo\n", encoding="utf-8")
    case = cases.update_case("update", master, "README.md", {})
    project = tmp_path / "sample" / cases.PROJECT
    project.mkdir(parents=True)
    (project / templates.ANSWERS_FILE).write_text("_commit: v2\n", encoding="utf-8")
    (project / "README.md").write_text(f"# demo\n{templates.V2_LINE}\n", encoding="utf-8")
    with pytest.raises(timing.BenchError, match="removed files"):
        case.check(tmp_path / "sample")
    (project / "src").mkdir()
    (project / "src" / "team.py").write_text("VALUE = 1\n", encoding="utf-8")
    case.check(tmp_path / "sample")


FAKE_TOOL = """import sys, pathlib
command = sys.argv[1]
if "--help" in sys.argv:
    sys.exit(0 if command in ("new", "check") else 2)
work = pathlib.Path("docs/work")
if command == "new":
    (work / f"{len(list(work.glob('*'))) + 1:04d}-piece").mkdir(parents=True)
elif command == "check":
    print(f"{len(list(work.iterdir()))} pieces, 1 finding")
    sys.exit(1 if len(sys.argv) == 2 else 1 / 0)
"""


def test_lifecycle_check_is_timed_only_with_a_tool_that_has_new_and_check(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path / "env")
    project = tmp_path / "project"
    assert cases.add_pieces_of_work(project, env) == "not built yet (no tools/lifecycle.py)"
    (project / "tools").mkdir(parents=True)
    (project / "tools" / "lifecycle.py").write_text("import sys; sys.exit(2)\n", encoding="utf-8")
    assert "has no `new`" in str(cases.add_pieces_of_work(project, env))

    (project / "tools" / "lifecycle.py").write_text(FAKE_TOOL, encoding="utf-8")
    assert cases.add_pieces_of_work(project, env) == project
    assert len(list((project / "docs" / "work").iterdir())) == cases.PIECES_OF_WORK
    check = cases.lifecycle_check_case(project, env)
    check.sample(tmp_path / "sample")  # exit code 1, findings: a full check
    crash = cases.lifecycle_check_case(project, env)
    crash.command = lambda _f: (["python3", cases.LIFECYCLE_TOOL, "check", "x"], project)
    with pytest.raises(timing.BenchError, match="exit code 1"):
        crash.sample(tmp_path / "crash")  # a traceback is never a figure


def test_patch_applies_cleanly_and_the_copy_is_what_subprocesses_import(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path / "env")
    patched = build_patched_copier(tmp_path / "patched", env)
    assert not list(patched.rglob("*.rej")) and not list(patched.rglob("*.orig"))
    probe = "import copier._main as m; print(m.__file__, hasattr(m.Worker, '_dst_git_file_mode'))"
    out = timing.run([sys.executable, "-c", probe], tmp_path, with_patched_copier(env, patched))
    assert out.stdout.split() == [str(patched / "copier" / "_main.py"), "True"]
    stock = timing.run([sys.executable, "-c", probe], tmp_path, env).stdout.split()
    assert stock[1] == "False"  # the installed copier is left as it is
    assert "+++ b/copier/_main.py" in PATCH.read_text(encoding="utf-8")


def test_a_peer_gets_an_answer_for_each_question_without_a_default(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text(
        "_subdirectory: project\n"
        "name: {type: str}\n"
        "kept: {type: str, default: mine}\n"
        "empty: {type: str, default: ''}\n"
        "flag: {type: bool}\n"
        "count: {type: int}\n"
        "platform: {type: str, choices: [github.com, gitlab.com]}\n"
        "docs: {type: str, choices: {Sphinx: sphinx, README: readme}}\n"
        "extra: {type: yaml}\n"
        "---\n"
        "more: {type: str}\n",
        encoding="utf-8",
    )
    assert peers.answers_without_default(tmp_path) == {
        "name": peers.FILLER,
        "empty": peers.FILLER,
        "flag": "false",
        "count": "0",
        "platform": "github.com",
        "docs": "sphinx",
        "more": peers.FILLER,
    }
    with pytest.raises(timing.BenchError, match="not a copier template"):
        peers.answers_without_default(tmp_path / "nowhere")


def test_a_peer_updates_between_its_two_newest_tags_else_from_head_5(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path / "env")
    repo = tmp_path / "mirrors" / "acme+template" / "repo"
    repo.mkdir(parents=True)
    timing.run(["git", "init", "-q"], repo, env)
    for number in range(8):
        (repo / "file.txt").write_text(f"{number}\n", encoding="utf-8")
        cases.commit_all(repo, env, f"commit {number}")
    commits = timing.run(["git", "rev-list", "HEAD"], repo, env).stdout.split()
    assert peers.refs(repo, env) == (commits[5], commits[0])
    for tag, commit in (("1.9.0", commits[3]), ("1.10.0", commits[2]), ("1.2.0", commits[1])):
        timing.run(["git", "tag", tag, commit], repo, env)
    assert peers.refs(repo, env) == ("1.9.0", "1.10.0")  # by version, not by name or date
    assert peers.peer_name(repo) == "acme+template"
    offline = peers.offline_env(env)
    assert offline["HTTPS_PROXY"] == offline["http_proxy"] == peers.DEAD_PROXY
    assert offline["GIT_ALLOW_PROTOCOL"] == "file"


@pytest.mark.slow
def test_upstream_test_fails_on_stock_copier_and_passes_on_the_patched_one(
    tmp_path: Path,
) -> None:
    env = timing.isolated_env(tmp_path / "env")
    patched = build_patched_copier(tmp_path / "patched", env)
    test = ROOT / "bench" / "upstream" / "test_per_file_cost.py"
    cmd = [sys.executable, "-m", "pytest", "-q", "-n0", "-p", "no:cacheprovider", str(test)]
    cmd += [f"--rootdir={test.parent}", f"--basetemp={tmp_path / 'pt'}"]

    def outcome(run_env: dict[str, str]) -> str:
        result = subprocess.run(cmd, env=run_env, capture_output=True, text=True, check=False)
        return result.stdout.strip().splitlines()[-1]

    assert outcome(with_patched_copier(env, patched)).startswith("3 passed")
    assert outcome(env).startswith("2 failed, 1 passed")


@pytest.mark.slow
def test_floor_has_the_file_list_of_a_large_project(tmp_path: Path) -> None:
    env = timing.isolated_env(tmp_path / "env")
    ours = templates.build_our_template(tmp_path / "ours", env)
    project = cases.copy_project(ours, tmp_path / "large", env, {"project_size": "large"})
    listing = templates.project_files(project)
    floor = templates.build_trivial_template(tmp_path / "floor", env, listing)
    floor_copy = cases.copy_project(floor, tmp_path / "floor-copy", env, {})
    assert templates.project_files(floor_copy) == listing
    assert len(listing) > 30


@pytest.mark.slow
def test_one_round_reports_every_goal(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    args = ["--rounds", "1", "--warmup", "0", "--team-files", "20", "--json", str(out)]
    args += ["--fleet-repositories", "4"]
    env = timing.isolated_env(tmp_path / "env")
    peer = templates.build_trivial_template(tmp_path / "peer", env)  # tagged v1 and v2
    args += ["--peer", str(peer), "--peer", str(tmp_path / "no-such-template")]
    assert run.main([*args, "--no-patch"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    goals = {row["goal"]: row for row in data["goals"]}
    assert len(goals) == len(run.RATIO_GOALS) + 2 + len(run.SUITES)  # + lifecycle and fleet
    stock = next(key for key in data["goals"][0] if key.startswith("copier "))
    assert isinstance(goals["fleet report, 4 repositories, 2 cores"][stock], float)
    for goal, _top, _bottom in run.RATIO_GOALS:
        assert isinstance(goals[goal.label.format(n="20")][stock], float)
    assert all(len(samples) == 1 for samples in data["samples"].values())
    by_name = {row["template"]: row["over trivial"] for row in data["peers"]}
    assert list(by_name) == ["ours (large)", "peer", "no-such-template"]
    assert all(
        isinstance(by_name[name][kind], float)
        for name in ("ours (large)", "peer")
        for kind in ("copy", "update")
    )
    assert by_name["no-such-template"]["copy"].startswith("skipped: ")


BUSY_SCRIPT = """import subprocess, sys, time
def burn():
    start = time.process_time()
    while time.process_time() - start < 0.15:
        pass
burn()
subprocess.run([sys.executable, "-c", "pass"], check=True)
"""


def test_sampler_charges_cpu_time_to_the_stack_and_records_each_subprocess(tmp_path: Path) -> None:
    script = tmp_path / "busy.py"
    script.write_text(BUSY_SCRIPT, encoding="utf-8")
    out = tmp_path / "profile.json"
    timing.run([sys.executable, str(profile.SAMPLER), str(out), str(script)], tmp_path, {})
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["cpu"] >= 0.15
    in_burn = sum(count for stack, count in found["stacks"] if stack[-1].endswith(":burn"))
    assert in_burn >= 0.8 * sum(count for _stack, count in found["stacks"])
    [(args, cpu)] = found["children"]
    assert args[1:] == ["-c", "pass"] and cpu > 0


def test_profile_puts_each_sample_in_its_first_matching_category() -> None:
    ask = ["copier/_main.py:604:_ask", "jinja2/environment.py:731:compile"]
    found = profile.categorise(
        {
            "cpu": 0.4,
            "stacks": [
                [[*ask, "loader.py:90:_import_template_module"], 1],  # module loading, not _ask
                [ask, 2],
                [["copier/_main.py:849:_render_file", "x/extensions/work.py:1:duty_lines"], 1],
            ],
            "children": [
                [["/venv/bin/python", "/tmp/clone/migrations/after_update.py"], 0.05],
                [["/usr/bin/git", "clone"], 0.02],
            ],
        }
    )
    assert found == {
        profile.CATEGORIES[1][0]: 100,
        profile.CATEGORIES[3][0]: 200,
        profile.CATEGORIES[5][0]: 100,
        profile.MIGRATION: 50,
        profile.GIT: 20,
    }
