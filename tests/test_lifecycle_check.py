"""``tools/lifecycle.py check`` and ``sync``: lifecycle duties as findings, sections kept current.

Unit tests import the shipped tool by path with the process data
extensions/work.py builds (as test_lifecycle_tool.py does); the others run the
command in projects rendered by copier, and across a real ``copier update``
that changes the repository's size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import KINDS, ROOT, SIZES, copier_cli, copy_working_tree, editable_copy, run
from .test_lifecycle_tool import tool, work_extension
from .update_harness import AddText, build_template_repo, commit_all, copy_project

PROCESS = work_extension.process_data("Acme Billing", "service", "@acme/billing", "small", False)
MEDIUM = work_extension.process_data("Acme Billing", "service", "@acme/billing", "medium", False)
DAY = 86400
START = 1_767_225_600  # 2026-01-01
TEMPLATE = ROOT / "template"


def make_repo(root: Path, process: dict[str, object]) -> Path:
    """A repository holding the process data and every repository-level document it needs."""
    (root / ".lifecycle").mkdir(parents=True)
    (root / ".lifecycle" / "process.json").write_text(json.dumps(process))
    project = process["project"]
    assert isinstance(project, dict)
    for doc in process["documents"]:  # type: ignore[attr-defined]
        path = root / doc["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        sections = tool.required_sections(process, doc["sections"], project["size"], False)
        body = "".join(tool.render_section(s, tool.Work("", "", "", "")) + "\n" for s in sections)
        path.write_text(f"# {doc['text']}\n\nIntro line the team wrote.\n\n{body}")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", PROCESS)


def start(repo: Path, title: str, size: str, *extra: str) -> Path:
    assert tool.main(["--root", str(repo), "new", title, "--size", size, *extra]) == 0
    return sorted((repo / "docs" / "work").glob("0*"))[-1]


def failures(repo: Path) -> list[object]:
    return [r for r in tool.check(repo, tool.load_process(repo)) if r.outcome == "fail"]


def set_status(folder: Path, status: str) -> None:
    for path in folder.glob("*.md"):
        lines = path.read_text().splitlines(keepends=True)
        index = next(i for i, line in enumerate(lines) if line.startswith("status: "))
        lines[index] = f"status: {status}\n"
        path.write_text("".join(lines))


def fill_placeholders(folder: Path) -> None:
    for path in folder.glob("*.md"):
        path.write_text(path.read_text().replace("_TODO", "Written"))


# ------------------------------------------------------------------ check
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("ui", [False, True])
def test_a_fresh_piece_of_work_passes(repo: Path, size: str, ui: bool) -> None:
    start(repo, "Carrier cache", size, *(["--ui"] if ui else []))
    results = tool.check(repo, tool.load_process(repo))
    assert results and all(r.outcome == "pass" for r in results), results


def test_a_missing_section_names_the_file_and_the_section(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    rfc = folder / "rfc.md"
    rfc.write_text(rfc.read_text().replace("## Alternatives considered\n", "## Other ideas\n"))
    [finding] = failures(repo)
    assert finding.code == "ARC02"
    assert finding.file == "docs/work/0001-carrier-cache/rfc.md"
    assert "'## Alternatives considered'" in finding.detail
    assert finding.url == "docs/lifecycle.md#architecture"


def test_a_missing_document_skips_the_checks_that_need_it(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    (folder / "rollout.md").unlink()
    results = [r for r in tool.check(repo, PROCESS) if r.file.endswith("rollout.md")]
    assert [(r.code, r.outcome) for r in results] == [
        ("DLV01", "fail"),
        ("DLV02", "skip"),
        ("DLV03", "skip"),
    ]


def test_an_unknown_status_or_size_fails(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    assert {f.code for f in failures(repo)} == {"SHP03", "VAL03"}
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text().replace("size: small", "size: huge"))
    assert [f.code for f in failures(repo)] == ["SHP06"]


def test_a_repository_document_must_exist_with_its_sections(repo: Path) -> None:
    (repo / "docs" / "release-checklist.md").unlink()
    plan = repo / "docs" / "test-plan.md"
    plan.write_text(plan.read_text().replace("## When to run it\n", ""))
    found = {(f.code, f.file) for f in failures(repo)}
    assert found == {("DLV00", "docs/release-checklist.md"), ("VAL02", "docs/test-plan.md")}


def test_a_done_piece_has_no_placeholder_and_an_accepted_rfc(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    set_status(folder, "done")
    found = failures(repo)
    assert {f.code for f in found} == {"SHP04", "ARC04", "VAL04", "DLV04"}
    assert all(f.line > 0 and "placeholder left in '## " in f.detail for f in found)
    fill_placeholders(folder)
    assert failures(repo) == []
    rfc = folder / "rfc.md"
    rfc.write_text(rfc.read_text().replace("status: done", "status: dropped"))
    assert [f.code for f in failures(repo)] == ["ARC05"]
    rfc.write_text(rfc.read_text().replace("status: dropped", "status: accepted"))
    assert failures(repo) == []


def test_a_piece_in_progress_may_keep_its_placeholders(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    (folder / "shaping.md").write_text((folder / "shaping.md").read_text().replace("draft", "done"))
    assert failures(repo) == []


def test_the_command_exits_1_on_a_failure_and_every_format_reads(repo: Path, capsys) -> None:
    folder = start(repo, "Carrier cache", "small")
    assert tool.main(["--root", str(repo), "check"]) == 0
    capsys.readouterr()
    set_status(folder, "wip")
    assert tool.main(["--root", str(repo), "check", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["fail"] == 2
    failed = [r for r in report["results"] if r["outcome"] == "fail"]
    assert {r["code"] for r in failed} == {"SHP03", "VAL03"}
    assert all(r["rule"] and r["url"].startswith("docs/lifecycle.md#") for r in failed)
    assert tool.main(["--root", str(repo), "check", "--format", "markdown"]) == 1
    markdown = capsys.readouterr().out
    assert "| Code | Stage | File | Rule | Detail |" in markdown
    assert "[SHP03](docs/lifecycle.md#project-shaping)" in markdown
    assert tool.main(["--root", str(repo), "check"]) == 1
    text = capsys.readouterr().out
    assert "FAIL SHP03 [Project shaping] docs/work/0001-carrier-cache/shaping.md" in text


def test_in_github_actions_the_markdown_report_goes_to_the_job_summary(
    repo: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    summary = tmp_path / "summary.md"
    summary.write_text("Earlier step.\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert tool.main(["--root", str(repo), "check"]) == 1
    written = summary.read_text()
    assert written.startswith("Earlier step.\n## Lifecycle check\n")
    assert "[SHP03](docs/lifecycle.md#project-shaping)" in written
    assert "FAIL SHP03" in capsys.readouterr().out


def test_an_old_repository_without_pieces_of_work_is_advised_not_failed(repo: Path, capsys) -> None:
    (repo / "docs" / "test-plan.md").write_text("# Manual test plan\n\nOur old plan.\n")
    assert tool.main(["--root", str(repo), "check"]) == 0
    out = capsys.readouterr().out
    assert "FAIL VAL02" in out and "Advisory only" in out
    start(repo, "Carrier cache", "small")
    assert tool.main(["--root", str(repo), "check"]) == 1
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert tool.main(["--root", str(repo), "check"]) == 0
    assert "Our old plan." in (repo / "docs" / "test-plan.md").read_text()


def test_the_structure_check_leaves_out_the_cadence(tmp_path: Path, monkeypatch) -> None:
    repo = make_repo(tmp_path / "repo", MEDIUM)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    start(repo, "Carrier cache", "small")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 400 * DAY))
    assert tool.main(["--root", str(repo), "check"]) == 1
    assert tool.main(["--root", str(repo), "check", "--structure"]) == 0


def test_a_waiver_with_a_reason_is_shown_and_one_without_is_a_finding(repo: Path, capsys) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    waivers = repo / ".lifecycle" / "waivers.toml"
    waivers.write_text(
        '[[waiver]]\ncode = "SHP03"\nreason = "Imported from the old tracker"\n\n'
        '[[waiver]]\ncode = "VAL03"\nfile = "docs/work/0001-carrier-cache/test-cases.md"\n'
    )
    assert [(f.code, f.detail) for f in failures(repo)] == [
        ("VAL03", "status 'wip'"),
        ("LC001", "waiver 2 (VAL03) has no reason"),
    ]
    waivers.write_text(waivers.read_text() + 'reason = "Same"\n')
    assert failures(repo) == []
    assert tool.main(["--root", str(repo), "check"]) == 0
    assert "waived: Imported from the old tracker" in capsys.readouterr().out


def test_a_waiver_for_another_file_does_not_apply(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    (repo / ".lifecycle" / "waivers.toml").write_text(
        '[[waiver]]\ncode = "SHP03"\nfile = "docs/elsewhere.md"\nreason = "Not this one"\n'
    )
    assert {f.code for f in failures(repo)} == {"SHP03", "VAL03"}


def test_check_runs_in_half_a_second_on_fifty_pieces(repo: Path) -> None:
    for number in range(50):
        start(repo, f"Piece {number}", SIZES[number % 3])
    import time

    began = time.perf_counter()
    results = tool.check(repo, tool.load_process(repo))
    assert time.perf_counter() - began < 0.5
    assert len(results) > 500 and all(r.outcome == "pass" for r in results)


def log_run(plan: Path, date: str) -> None:
    header = "| -- | -- | -- | -- | -- | -- |\n"
    row = f"| {date} | abc1234 | staging | @ana | pass | none |\n"
    plan.write_text(plan.read_text().replace(header, header + row, 1))


def test_the_test_plan_runs_within_its_cadence(tmp_path: Path, monkeypatch) -> None:
    repo = make_repo(tmp_path / "repo", MEDIUM)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    start(repo, "Carrier cache", "small")
    assert failures(repo) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 100 * DAY))
    [finding] = failures(repo)
    assert (finding.code, finding.file) == ("VAL07", "docs/test-plan.md")
    assert "no run logged since work started on 2026-01-01, 100 days ago" in finding.detail
    assert "every quarter" in finding.detail
    plan = repo / "docs" / "test-plan.md"
    log_run(plan, "2026-03-20")
    assert failures(repo) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 200 * DAY))
    [finding] = failures(repo)
    assert "last run 2026-03-20" in finding.detail
    assert plan.read_text().splitlines()[finding.line - 1] == "## Execution log"


def test_a_small_plan_has_no_log_and_no_cadence_check(repo: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    start(repo, "Carrier cache", "small")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 1000 * DAY))
    assert failures(repo) == []
    assert not [r for r in tool.check(repo, PROCESS) if r.code == "VAL07"]


def test_the_workflow_and_the_check_read_one_cadence() -> None:
    items = work_extension._process_module().load_process()["test_plan_cadence"]
    workflow = (TEMPLATE / ".github" / "workflows" / "test-plan.yml.jinja").read_text()
    assert 'project_items("test_plan_cadence") | last' in workflow
    assert "cron:" in workflow and "cadence.cron" in workflow
    assert [item["months"] for item in MEDIUM["test_plan_cadence"]] == [
        item["months"] for item in items
    ]


# ------------------------------------------------------------------ release
def tick_all(path: Path) -> None:
    path.write_text(path.read_text().replace("- [ ] ", "- [x] "))


def test_a_release_needs_its_record_a_log_row_and_readiness(tmp_path: Path, capsys) -> None:
    repo = make_repo(tmp_path / "repo", MEDIUM)
    (repo / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "0.1.0"\n')
    readiness = repo / "docs" / "production-readiness.md"
    items = tool.repository_items(MEDIUM, "production_readiness")
    readiness.write_text("# Production readiness\n\n" + "".join(f"- [ ] {i}\n" for i in items))
    assert failures(repo) == []
    found = [r for r in tool.check(repo, MEDIUM, "v0.1.0") if r.outcome == "fail"]
    assert [(f.code, f.file) for f in found] == [
        ("DLV11", "docs/releases/v0.1.0.md"),
        ("VAL13", "docs/test-plan.md"),
        ("DLV14", "docs/production-readiness.md"),
    ]
    assert tool.main(["--root", str(repo), "release", "v0.1.0"]) == 0
    record = repo / "docs" / "releases" / "v0.1.0.md"
    checklist = tool.repository_items(MEDIUM, "release_checklist")
    [unticked] = [r for r in tool.check(repo, MEDIUM, "v0.1.0") if r.code == "DLV12"]
    assert unticked.outcome == "fail" and unticked.detail.startswith(f"{len(checklist)} open: ")
    assert checklist[0].rstrip(".") in unticked.detail
    tick_all(record)
    lines = record.read_text().replace(
        f"- [x] {checklist[-1]}", f"- [ ] {checklist[-1]} N/A: nobody to tell"
    )
    record.write_text(lines)
    log_run(repo / "docs" / "test-plan.md", "2026-11-30 (v0.1.0)")
    tick_all(readiness)
    assert [r for r in tool.check(repo, MEDIUM, "v0.1.0") if r.outcome == "fail"] == []
    assert [f.code for f in tool.check(repo, MEDIUM, "v0.2.0") if f.outcome == "fail"] == [
        "DLV10",
        "DLV11",
        "VAL13",
    ]
    record.write_text(lines.replace("N/A: nobody to tell", "N/A:"))
    [open_item] = [r for r in tool.check(repo, MEDIUM, "v0.1.0") if r.outcome == "fail"]
    assert open_item.code == "DLV12" and checklist[-1].rstrip(".") in open_item.detail
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "release", "v0.1.0"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert tool.main(["--root", str(repo), "release", "0.1"]) == 2
    assert tool.main(["--root", str(repo), "check", "--release", "latest"]) == 2


def test_a_library_has_no_readiness_gate_and_a_small_plan_no_log_row(tmp_path: Path) -> None:
    library = work_extension.process_data("Acme", "library", "@acme/lib", "small", False)
    repo = make_repo(tmp_path / "repo", library)
    (repo / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "1.0.0"\n')
    assert tool.main(["--root", str(repo), "release", "v1.0.0"]) == 0
    tick_all(repo / "docs" / "releases" / "v1.0.0.md")
    results = tool.check(repo, library, "v1.0.0")
    assert all(r.outcome == "pass" for r in results)
    assert {r.code for r in results} >= {"DLV10", "DLV11", "DLV12"}
    assert not {"VAL13", "DLV14"} & {r.code for r in results}


# ------------------------------------------------------------------ sync
def test_sync_adds_missing_sections_in_reading_order_and_keeps_every_line(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    rfc = folder / "rfc.md"
    original = rfc.read_text()
    edited = original.replace("## Alternatives considered\n", "## Other ideas\n")
    edited = edited.replace("## Summary\n", "## Summary\n\nOur own line.\n")
    rfc.write_text(edited)
    assert tool.sync(repo, PROCESS) == [
        ("docs/work/0001-carrier-cache/rfc.md", "Alternatives considered")
    ]
    synced = rfc.read_text()
    team = edited.splitlines()
    kept = iter(synced.splitlines())
    assert all(line in kept for line in team), "every team line, in order"
    titles = [t for _, level, t in tool.headings(synced.splitlines()) if level == 2]
    required = [s["title"] for s in tool.kit(PROCESS, "medium", False)[1]["sections"]]
    added_at = titles.index("Alternatives considered")
    assert titles[added_at - 1] == required[required.index("Alternatives considered") - 1]
    assert failures(repo) == []
    assert tool.sync(repo, PROCESS) == []
    assert rfc.read_text() == synced


def test_sync_prints_what_it_added(repo: Path, capsys) -> None:
    plan = repo / "docs" / "test-plan.md"
    plan.write_text(plan.read_text().replace("## Smoke checklist\n", "## Smoke\n"))
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert "added '## Smoke checklist' to docs/test-plan.md" in capsys.readouterr().out
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert "sync: nothing to add." in capsys.readouterr().out


def test_sync_puts_a_first_section_before_the_others() -> None:
    lines = ["# Title", "", "Intro.", "", "## B", "", "b"]
    sections = [{"title": "A", "text": "_TODO: a._"}, {"title": "B", "text": "b"}]
    synced, added = tool.sync_lines(list(lines), sections)
    assert added == ["A"]
    assert synced == ["# Title", "", "Intro.", "", "## A", "", "_TODO: a._", "", "## B", "", "b"]


def test_headings_inside_code_fences_are_not_sections() -> None:
    lines = ["## A", "```", "## B", "```"]
    assert list(tool.section_bodies(lines)) == ["A"]


# ------------------------------------------------------------------ rendered projects
def run_check(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The project's own lifecycle tool; exit 1 (duties open) is an outcome tests assert."""
    return run([sys.executable, "tools/lifecycle.py", *args], project, check=False)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("ui", [False, True])
def test_fresh_projects_pass_check(render, kind: str, size: str, ui: bool) -> None:
    project = render(project_kind=kind, project_size=size, has_ui=ui)
    result = run_check(project, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 fail" in result.stdout


def test_a_fresh_project_is_not_ready_to_release_until_the_team_fills_it_in(
    render, tmp_path: Path
) -> None:
    project = editable_copy(render(project_kind="service", project_size="medium"), tmp_path)
    result = run_check(project, "check", "--release", "v0.1.0")
    assert result.returncode == 1
    assert "VAL13 [Validate] docs/test-plan.md" in result.stdout
    assert "DLV11 [Deliver to production] docs/releases/v0.1.0.md" in result.stdout
    assert run_check(project, "release", "v0.1.0").returncode == 0
    result = run_check(project, "check", "--release", "v0.1.0")
    assert "DLV12 [Deliver to production] docs/releases/v0.1.0.md" in result.stdout
    assert "CI is green on the commit being released" in result.stdout
    tick_all(project / "docs" / "releases" / "v0.1.0.md")
    tick_all(project / "docs" / "production-readiness.md")
    log_run(project / "docs" / "test-plan.md", "2026-11-30 v0.1.0")
    result = run_check(project, "check", "--release", "v0.1.0")
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_a_size_change_is_named_by_check_and_filled_in_by_sync(tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    copy_working_tree(template)
    run(["git", "init", "-q", "-b", "main"], template)
    commit_all(template, "Template v1.0.0")
    run(["git", "tag", "v1.0.0"], template)
    answers = {"project_name": "Acme Billing", "project_size": "small"}
    project = copy_project(template, "v1.0.0", tmp_path / "project", answers)
    plan = project / "docs" / "test-plan.md"
    team_line = "Run it on the staging cluster, never on production.\n"
    plan.write_text(
        plan.read_text().replace("## Smoke checklist\n", f"{team_line}\n## Smoke checklist\n")
    )
    commit_all(project, "The team writes its test plan")
    before = plan.read_text()
    copier_cli("update", "--trust", "--defaults", "--data", "project_size=large", cwd=project)
    assert plan.read_text() == before, "copier leaves the team's plan alone"
    result = run_check(project, "check")
    assert result.returncode == 1
    assert "VAL02 [Validate] docs/test-plan.md" in result.stdout
    assert "'## Execution log'" in result.stdout
    synced = run_check(project, "sync")
    assert (
        synced.returncode == 0 and "added '## Execution log' to docs/test-plan.md" in synced.stdout
    )
    after = plan.read_text().splitlines()
    kept = iter(after)
    assert all(line in kept for line in before.splitlines()), "no team line lost or moved"
    final = run_check(project, "check")
    assert final.returncode == 0, final.stdout


@pytest.mark.slow
def test_a_new_test_plan_section_reaches_an_existing_repository_through_sync(
    tmp_path: Path,
) -> None:
    new_section = (
        "  - title: Accessibility checks\n"
        "    min_size: small\n"
        '    text: "_TODO: the keyboard and screen-reader checks every run includes._"\n'
    )
    change = AddText("extensions/process.yml", new_section, after="test_plan_sections:")
    template = build_template_repo(tmp_path / "template", [change])
    answers = {"project_name": "Acme Billing", "project_size": "small"}
    project = copy_project(template.path, template.v1, tmp_path / "project", answers)
    plan = project / "docs" / "test-plan.md"
    plan.write_text(plan.read_text() + "\nWe run it on Fridays.\n")
    commit_all(project, "The team writes its test plan")
    before = plan.read_text()
    copier_cli("update", "--trust", "--defaults", cwd=project)
    assert plan.read_text() == before
    result = run_check(project, "check")
    assert result.returncode == 1
    assert "'## Accessibility checks'" in result.stdout
    synced = run_check(project, "sync")
    assert "added '## Accessibility checks' to docs/test-plan.md" in synced.stdout
    text = plan.read_text()
    assert text.index("## Accessibility checks") < text.index("## Smoke checklist")
    kept = iter(text.splitlines())
    assert all(line in kept for line in before.splitlines())
    assert run_check(project, "check").returncode == 0
