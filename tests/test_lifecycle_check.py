"""``tools/lifecycle.py check`` and ``sync``: lifecycle duties as findings, sections kept current.

Unit tests import the shipped tool by path with the process data
extensions/work.py builds (as test_lifecycle_tool.py does); the others run the
command in projects rendered by copier. A real ``copier update`` (a new
version, a size change), which runs ``sync`` itself, is in test_update_sync.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import KINDS, ROOT, SIZES, editable_copy, run
from .extension_modules import process, reuse
from .test_lifecycle_tool import tool, work_extension

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
    for doc in process["artefacts"]:  # type: ignore[attr-defined]
        path = root / doc["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        sections = tool.required_sections(process, doc.get("sections", []), project["size"], False)
        body = "".join(tool.render_section(s, tool.Work("", "", "", "")) + "\n" for s in sections)
        text = f"# {doc['text']}\n\nIntro line the team wrote.\n\n{body}"
        if doc.get("checklist"):  # every item of its size, unticked, as copier writes it
            lines, _ = tool.sync_checklist_lines(text.splitlines(), process, doc)
            text = "\n".join(lines) + "\n"
        path.write_text(text)
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


DISCUSSION = "https://github.com/acme/rfcs/discussions/7"


def link_rfc(folder: Path) -> None:
    """The team names its RFC's discussion and resolution, as medium and larger RFCs must."""
    rfc = folder / "rfc.md"
    links = f"discussion: {DISCUSSION}\nresolution: {DISCUSSION}#decision\n"
    rfc.write_text(rfc.read_text().replace("\nstatus: ", f"\n{links}status: ", 1))


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
    assert finding.code == "LC102"
    assert finding.file == "docs/work/0001-carrier-cache/rfc.md"
    assert "'## Alternatives considered'" in finding.detail
    assert finding.url == "docs/lifecycle.md#checks"


def test_a_missing_document_skips_the_checks_that_need_it(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    (folder / "rollout.md").unlink()
    results = [r for r in tool.check(repo, PROCESS) if r.file.endswith("rollout.md")]
    assert [(r.code, r.outcome) for r in results] == [
        ("LC101", "fail"),
        ("LC102", "skip"),
        ("LC116", "skip"),
        ("LC103", "skip"),
    ]


def test_an_unknown_status_or_size_fails(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    assert [(f.code, f.file) for f in failures(repo)] == [
        ("LC103", "docs/work/0001-carrier-cache/shaping.md"),
        ("LC103", "docs/work/0001-carrier-cache/test-cases.md"),
    ]
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text().replace("size: small", "size: huge"))
    assert [f.code for f in failures(repo)] == ["LC106"]
    skipped = [r for r in tool.check(repo, PROCESS) if r.file.startswith("docs/work/0001")]
    assert {r.outcome for r in skipped if r.code != "LC106"} == {"skip"}
    assert "skipped: LC106 did not pass" in [r.detail for r in skipped]


def test_a_repository_document_must_exist_with_its_sections(repo: Path) -> None:
    (repo / "docs" / "release-checklist.md").unlink()
    plan = repo / "docs" / "test-plan.md"
    plan.write_text(plan.read_text().replace("## When to run it\n", ""))
    found = {(f.code, f.file) for f in failures(repo)}
    assert found == {("LC100", "docs/release-checklist.md"), ("LC102", "docs/test-plan.md")}


def test_a_done_piece_has_no_placeholder_and_an_accepted_rfc(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    link_rfc(folder)
    set_status(folder, "done")
    found = failures(repo)
    assert [f.code for f in found] == ["LC104"] * 4
    assert [f.file.rsplit("/")[-1] for f in found] == [
        "shaping.md",
        "rfc.md",
        "test-cases.md",
        "rollout.md",
    ]
    assert all(f.line > 0 and "placeholder left in '## " in f.detail for f in found)
    fill_placeholders(folder)
    assert failures(repo) == []
    rfc = folder / "rfc.md"
    rfc.write_text(rfc.read_text().replace("status: done", "status: dropped"))
    assert [f.code for f in failures(repo)] == ["LC105"]
    rfc.write_text(rfc.read_text().replace("status: dropped", "status: accepted"))
    assert failures(repo) == []


def test_renamed_statuses_keep_the_done_checks_working(tmp_path: Path) -> None:
    """Statuses renamed in process.yml: their meaning is data, so the checks still bite."""
    names = {"draft": "wip", "review": "proposed", "accepted": "agreed",
             "done": "shipped", "dropped": "abandoned"}  # fmt: skip
    statuses = [{**item, "text": names[item["text"]]} for item in MEDIUM["work_statuses"]]
    repo = make_repo(tmp_path / "renamed", {**MEDIUM, "work_statuses": statuses})
    folder = start(repo, "Carrier cache", "medium")
    assert "status: wip" in (folder / "shaping.md").read_text()
    set_status(folder, "shipped")
    assert [f.code for f in failures(repo)] == ["LC104"] * 4
    fill_placeholders(folder)
    rfc = folder / "rfc.md"
    rfc.write_text(rfc.read_text().replace("status: shipped", "status: abandoned"))
    assert [f.code for f in failures(repo)] == ["LC105"]


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
    assert [r["code"] for r in failed] == ["LC103", "LC103"]
    assert all(r["family"] == "Documents" for r in failed)
    assert all(r["rule"] and r["url"].startswith("docs/lifecycle.md#") for r in failed)
    assert tool.main(["--root", str(repo), "check", "--format", "markdown"]) == 1
    markdown = capsys.readouterr().out
    assert "| Outcome | Code | Stage | File | Rule | Detail |" in markdown
    assert "[LC103](docs/lifecycle.md#checks)" in markdown
    assert tool.main(["--root", str(repo), "check"]) == 1
    text = capsys.readouterr().out
    assert "FAIL LC103 [Project shaping] docs/work/0001-carrier-cache/shaping.md" in text


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
    assert "[LC103](docs/lifecycle.md#checks)" in written
    assert "FAIL LC103" in capsys.readouterr().out


def test_an_old_repository_without_pieces_of_work_is_advised_not_failed(repo: Path, capsys) -> None:
    (repo / "docs" / "test-plan.md").write_text("# Manual test plan\n\nOur old plan.\n")
    assert tool.main(["--root", str(repo), "check"]) == 0
    out = capsys.readouterr().out
    assert "FAIL LC102" in out and "Advisory only" in out
    start(repo, "Carrier cache", "small")
    assert tool.main(["--root", str(repo), "check"]) == 1
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert tool.main(["--root", str(repo), "check"]) == 0
    assert "Our old plan." in (repo / "docs" / "test-plan.md").read_text()


def test_the_structure_check_leaves_out_the_cadence(tmp_path: Path, monkeypatch, capsys) -> None:
    repo = make_repo(tmp_path / "repo", MEDIUM)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    start(repo, "Carrier cache", "small")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 400 * DAY))
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "check"]) == 0
    assert "WARN VAL07" in capsys.readouterr().out
    assert tool.main(["--root", str(repo), "check", "--structure", "--format", "json"]) == 0
    codes = {r["code"] for r in json.loads(capsys.readouterr().out)["results"]}
    assert "VAL07" not in codes and "LC102" in codes


def findings(repo: Path, release: str = "") -> list[object]:
    """Failures and warnings: what the report shows besides waivers."""
    results = tool.check(repo, tool.load_process(repo), release)
    return [r for r in results if r.outcome in ("fail", "warn")]


def test_an_overdue_plan_warns_in_a_pull_request_and_fails_a_release(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    repo = make_repo(tmp_path / "repo", MEDIUM)
    (repo / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "0.1.0"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    start(repo, "Carrier cache", "small")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 100 * DAY))
    [warning] = findings(repo)
    assert (warning.code, warning.outcome) == ("VAL07", "warn")
    released = [r for r in findings(repo, "v0.1.0") if r.code == "VAL07"]
    assert [r.outcome for r in released] == ["fail"]
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "check", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "0 fail, 1 warn" in markdown
    assert "| warn | [VAL07](docs/lifecycle.md#checks) | Validate | `docs/test-plan.md:" in markdown
    assert tool.main(["--root", str(repo), "check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["warn"] == 1 and report["summary"]["fail"] == 0
    assert tool.main(["--root", str(repo), "check", "--release", "v0.1.0"]) == 1
    assert "FAIL VAL07" in capsys.readouterr().out
    (repo / ".lifecycle" / "waivers.toml").write_text(
        '[[waiver]]\ncode = "VAL07"\nreason = "The plan moved to the staging team"\n'
    )
    assert findings(repo) == []
    [waived] = [r for r in tool.check(repo, MEDIUM) if r.code == "VAL07"]
    assert waived.outcome == "waived" and "moved to the staging team" in waived.detail


OLD_FAMILIES = ("SHP", "ARC", "DSG", "PLN", "IMP", "VAL", "DOC", "DLV", "LC")
OLD_NUMBERS = ("00", "01", "02", "03", "04", "05", "06", "07", "10", "11", "12", "13", "14")


def test_every_code_the_stage_based_scheme_accepted_names_exactly_one_check() -> None:
    # What known_codes() accepted before the registry: a family per stage (or LC) x a rule.
    old = {f"{family}{number}" for family in OLD_FAMILIES for number in OLD_NUMBERS} | {"LC001"}
    assert len(old) == 118
    for code in old:
        named = [c for c in tool.REGISTRY if code == c.code or code in c.aliases]
        assert len(named) == 1, (code, named)
        # The old code's rule number is the new code's last two digits (LC001 kept as is).
        assert named[0].code[-2:] == code[-2:], (code, named[0].code)
    assert set(tool.ALIASES) | set(tool.CHECKS) == old | set(tool.CHECKS)


def test_each_check_is_declared_once_and_requires_declared_checks() -> None:
    codes = [check.code for check in tool.REGISTRY]
    assert len(codes) == len(set(codes)) == len(tool.CHECKS)
    assert not set(tool.ALIASES) & set(codes)  # an alias never hides another check
    aliases = [alias for check in tool.REGISTRY for alias in check.aliases]
    assert len(aliases) == len(set(aliases))
    for check in tool.REGISTRY:
        assert check.rule.endswith(".") and check.url.startswith("docs/lifecycle.md#")
        assert set(check.requires) <= set(codes) - {check.code}
    assert [c.code for c in tool.REGISTRY if c.warn_outside_release] == [
        "LC107",
        "LC110",
        "LC116",
        "VAL07",
        "LC111",
        "LC112",
        "LC113",
        "LC114",
        "LC115",
    ]


def test_only_keeps_the_named_checks_and_rejects_an_unknown_code(repo: Path, capsys) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "check", "--only", "VAL07", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in report["results"]] == ["VAL07"]
    assert tool.main(["--root", str(repo), "check", "--only", "LC103", "--only", "VAL07"]) == 1
    out = capsys.readouterr().out
    assert out.count("FAIL LC103") == 2 and "3 checks:" in out
    assert tool.main(["--root", str(repo), "check", "--only", "VAL99"]) == 2
    assert "--only: unknown check code 'VAL99'" in capsys.readouterr().err


def test_only_with_an_old_code_keeps_what_it_named_and_names_the_new_code(
    repo: Path, capsys
) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "check", "--only", "SHP03", "--format", "json"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [(r["code"], r["file"]) for r in report["results"]] == [
        ("LC103", f"docs/work/{folder.name}/shaping.md")
    ]
    assert "note: --only SHP03: SHP03 is now LC103" in captured.err


def test_the_advisory_note_keeps_the_json_report_valid(repo: Path, capsys) -> None:
    (repo / "docs" / "test-plan.md").write_text("# Manual test plan\n\nOur old plan.\n")
    assert tool.main(["--root", str(repo), "check", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["fail"] >= 1
    assert "Advisory only" in captured.err


def test_a_waiver_with_a_reason_is_shown_and_one_without_is_a_finding(repo: Path, capsys) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    waivers = repo / ".lifecycle" / "waivers.toml"
    waivers.write_text(
        '[[waiver]]\ncode = "LC103"\nfile = "docs/work/0001-carrier-cache/shaping.md"\n'
        'reason = "Imported from the old tracker"\n\n'
        '[[waiver]]\ncode = "LC103"\nfile = "docs/work/0001-carrier-cache/test-cases.md"\n'
    )
    assert [(f.code, f.detail) for f in failures(repo)] == [
        ("LC103", "status 'wip'"),
        ("LC001", "waiver 2 (LC103) has no reason"),
    ]
    waivers.write_text(waivers.read_text() + 'reason = "Same"\n')
    assert failures(repo) == []
    assert tool.main(["--root", str(repo), "check"]) == 0
    assert "waived: Imported from the old tracker" in capsys.readouterr().out


def test_a_waiver_naming_an_old_code_still_applies_and_names_the_new_code(
    repo: Path, capsys
) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    (repo / ".lifecycle" / "waivers.toml").write_text(
        '[[waiver]]\ncode = "SHP03"\nreason = "Imported from the old tracker"\n'
    )
    # SHP03 named the status of shaping documents: it still covers them, and only them.
    assert [(f.code, f.file) for f in failures(repo)] == [
        ("LC103", f"docs/work/{folder.name}/test-cases.md")
    ]
    [waived] = [r for r in tool.check(repo, PROCESS) if r.outcome == "waived"]
    assert waived.file.endswith("shaping.md")
    assert waived.detail.endswith(
        "waived: Imported from the old tracker; waiver 1: SHP03 is now LC103"
    )
    tool.main(["--root", str(repo), "check"])
    assert "SHP03 is now LC103" in capsys.readouterr().out


def test_a_waiver_for_another_file_does_not_apply(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    (repo / ".lifecycle" / "waivers.toml").write_text(
        '[[waiver]]\ncode = "LC103"\nfile = "docs/elsewhere.md"\nreason = "Not this one"\n'
    )
    assert [f.code for f in failures(repo)] == ["LC103", "LC103"]


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
    assert findings(repo) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 100 * DAY))
    [finding] = findings(repo)
    assert (finding.code, finding.file) == ("VAL07", "docs/test-plan.md")
    assert "no run logged since work started on 2026-01-01, 100 days ago" in finding.detail
    assert "every quarter" in finding.detail
    plan = repo / "docs" / "test-plan.md"
    log_run(plan, "2026-03-20")
    assert findings(repo) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 200 * DAY))
    [finding] = findings(repo)
    assert "last run 2026-03-20" in finding.detail
    assert plan.read_text().splitlines()[finding.line - 1] == "## Execution log"


def test_a_small_plan_logs_its_runs_and_has_its_cadence_checked(repo: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    start(repo, "Carrier cache", "small")
    assert "## Execution log" in (repo / "docs" / "test-plan.md").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 180 * DAY))
    assert findings(repo) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 200 * DAY))
    [finding] = findings(repo)
    assert finding.code == "VAL07" and "twice a year" in finding.detail
    log_run(repo / "docs" / "test-plan.md", "2026-07-01")
    assert findings(repo) == []


def test_the_workflow_and_the_check_read_one_cadence() -> None:
    items = process.load_process()["test_plan_cadence"]
    workflow = (TEMPLATE / ".github" / "workflows" / "test-plan.yml.jinja").read_text()
    assert 'project_items("test_plan_cadence") | last' in workflow
    assert "python3 tools/lifecycle.py check --only VAL07 --format json" in workflow
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
    boxes = "".join(f"- [ ] {i}\n" for i in items)
    readiness.write_text(f"# Production readiness\n\n{boxes}\n## Evidence\n\n- CI: the run.\n")
    assert failures(repo) == []
    found = [r for r in tool.check(repo, MEDIUM, "v0.1.0") if r.outcome == "fail"]
    assert [(f.code, f.file) for f in found] == [
        ("DLV11", "docs/releases/v0.1.0.md"),
        ("DLV13", "docs/test-plan.md"),
        ("DLV14", "docs/production-readiness.md"),
    ]
    assert tool.main(["--root", str(repo), "release", "v0.1.0"]) == 0
    record = repo / "docs" / "releases" / "v0.1.0.md"
    checklist = tool.release_gate_items(MEDIUM)
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
        "DLV13",
    ]
    record.write_text(lines.replace("N/A: nobody to tell", "N/A:"))
    [open_item] = [r for r in tool.check(repo, MEDIUM, "v0.1.0") if r.outcome == "fail"]
    assert open_item.code == "DLV12" and checklist[-1].rstrip(".") in open_item.detail
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "release", "v0.1.0"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert tool.main(["--root", str(repo), "release", "0.1"]) == 2
    assert tool.main(["--root", str(repo), "check", "--release", "latest"]) == 2


def test_the_gate_waits_for_the_items_before_the_tag_and_the_sign_off(tmp_path: Path) -> None:
    """Deploying, publishing and verifying happen after the tag: they cannot block it."""
    large = work_extension.process_data("Acme", "service", "@acme/billing", "large", False)
    repo = make_repo(tmp_path / "repo", large)
    (repo / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "1.0.0"\n')
    assert tool.main(["--root", str(repo), "release", "v1.0.0"]) == 0
    record = repo / "docs" / "releases" / "v1.0.0.md"
    text = record.read_text()
    every = tool.repository_items(large, "release_checklist")
    before = tool.release_gate_items(large)
    after = [item for item in every if item not in before]
    assert before and after and "The tagged version is deployed to production." in after
    assert text.index("### Before the release candidate") < text.index("### Rollout")
    assert text.index(tool.AFTER_THE_TAG) < text.index("### Rollout")
    for item in before:
        text = text.replace(f"- [ ] {item}", f"- [x] {item}")
    record.write_text(text)
    [gate] = [r for r in tool.check(repo, large, "v1.0.0") if r.code == "DLV12"]
    assert gate.outcome == "fail"
    roles = tool.repository_items(large, "release_sign_off")
    assert len(roles) == 4
    assert gate.detail == "4 open: " + " / ".join(f"sign-off by {role}" for role in roles)
    record.write_text(text.replace("_TODO: @handle_ | _TODO: YYYY-MM-DD_", "@ana | 2026-11-30"))
    [gate] = [r for r in tool.check(repo, large, "v1.0.0") if r.code == "DLV12"]
    assert gate.outcome == "pass", gate.detail
    assert all(f"- [ ] {item}" in record.read_text() for item in after)


def test_a_library_has_no_readiness_gate_and_a_small_plan_no_log_row(tmp_path: Path) -> None:
    library = work_extension.process_data("Acme", "library", "@acme/lib", "small", False)
    repo = make_repo(tmp_path / "repo", library)
    (repo / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "1.0.0"\n')
    assert tool.main(["--root", str(repo), "release", "v1.0.0"]) == 0
    tick_all(repo / "docs" / "releases" / "v1.0.0.md")
    results = tool.check(repo, library, "v1.0.0")
    assert all(r.outcome == "pass" for r in results if r.code != "VAL07")
    assert [r.outcome for r in results if r.code == "VAL07"] == ["skip"]  # no run, no work
    assert {r.code for r in results} >= {"DLV10", "DLV11", "DLV12"}
    assert not {"DLV13", "DLV14"} & {r.code for r in results}


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


def raise_size(folder: Path, size: str) -> None:
    """The team raises a piece's size in its first document's front matter."""
    shaping = folder / "shaping.md"
    text = shaping.read_text()
    shaping.write_text(text.replace("size: small", f"size: {size}", 1))


def test_sync_creates_the_documents_a_raised_size_requires(repo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    folder = start(repo, "Carrier cache", "small", "--owner", "@acme/carriers")
    start(repo, "Small fix", "small")
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text() + "\nThe team's own notes.\n")
    kept = {path.name: path.read_bytes() for path in folder.glob("*.md")}
    raise_size(folder, "medium")
    kept["shaping.md"] = shaping.read_bytes()
    # The new size's documents are missing, and its sections in the existing ones.
    assert sorted(f.code for f in failures(repo)) == ["LC101", "LC101", "LC102", "LC102"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 30 * DAY))
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "sync"]) == 0
    out = capsys.readouterr().out
    made = sorted(p.name for p in folder.glob("*.md") if p.name not in kept)
    expected = sorted(
        d["file"] for d in tool.kit(PROCESS, "medium", False) if d["file"] not in kept
    )
    assert made == expected == ["rfc.md", "rollout.md"]
    for name in made:
        assert f"  created docs/work/0001-carrier-cache/{name}" in out
    assert "  updated docs/work/index.md" in out
    assert "sync: created 2 document(s), added " in out
    for name, before in kept.items():
        lines = iter((folder / name).read_text().splitlines())
        assert all(line in lines for line in before.decode().splitlines()), f"{name} lost a line"
    work = tool.Work("Carrier cache", "medium", "@acme/carriers", "2026-01-01", status="draft")
    for doc in tool.kit(PROCESS, "medium", False):
        if doc["file"] in made:
            assert (folder / doc["file"]).read_text() == tool.render_document(PROCESS, doc, work)
    assert failures(repo) == []
    index = (repo / "docs" / "work" / "index.md").read_text()
    assert "| Carrier cache | medium | draft | @acme/carriers |" in index
    assert "| Small fix | small |" in index
    before = {p: p.read_bytes() for p in repo.rglob("*.md")}
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert "sync: nothing to add." in capsys.readouterr().out
    assert {p: p.read_bytes() for p in repo.rglob("*.md")} == before


def test_ui_true_in_the_front_matter_brings_a_design_note(repo: Path, capsys) -> None:
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text().replace("size: small\n", "size: small\nui: true\n", 1))
    assert [(f.code, f.file) for f in failures(repo)] == [
        ("LC101", "docs/work/0001-carrier-cache/design.md")
    ]
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert "created docs/work/0001-carrier-cache/design.md" in capsys.readouterr().out
    assert "# Design note: Carrier cache" in (folder / "design.md").read_text()
    assert failures(repo) == []


def drop_section(path: Path, title: str) -> None:
    """A section the process added after the document was written: the document lacks it."""
    lines = path.read_text().splitlines(keepends=True)
    bodies = tool.section_bodies([line.rstrip("\n") for line in lines])
    start, end = bodies[title]
    path.write_text("".join(lines[:start] + lines[end:]))


@pytest.mark.parametrize("closed", ["done", "dropped"])
def test_a_closed_piece_gets_a_note_not_a_placeholder(repo: Path, closed: str) -> None:
    folder = start(repo, "Carrier cache", "medium")
    fill_placeholders(folder)
    link_rfc(folder)
    set_status(folder, closed)
    rfc = folder / "rfc.md"
    drop_section(rfc, "Alternatives considered")
    before = rfc.read_text()
    assert tool.sync(repo, PROCESS) == [
        ("docs/work/0001-carrier-cache/rfc.md", "Alternatives considered")
    ]
    body = rfc.read_text().split("## Alternatives considered\n", 1)[1].split("\n## ", 1)[0]
    assert body.strip() == tool.LATE_SECTION.format(status=closed)
    assert tool.PLACEHOLDER not in body
    kept = iter(rfc.read_text().splitlines())
    assert all(line in kept for line in before.splitlines())
    assert failures(repo) == []  # check 04: a done piece has no _TODO_ left


def test_a_piece_in_progress_still_gets_the_placeholder(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    fill_placeholders(folder)
    set_status(folder, "done")
    (folder / "rollout.md").write_text(
        (folder / "rollout.md").read_text().replace("status: done", "status: review")
    )
    drop_section(folder / "rfc.md", "Alternatives considered")
    tool.sync(repo, PROCESS)
    body = (folder / "rfc.md").read_text().split("## Alternatives considered\n", 1)[1]
    assert body.lstrip().startswith("_TODO: each option you rejected")


def test_a_document_a_done_piece_gains_is_done_with_notes(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    fill_placeholders(folder)
    set_status(folder, "done")
    raise_size(folder, "medium")
    assert tool.main(["--root", str(repo), "sync"]) == 0
    rfc = (folder / "rfc.md").read_text()
    assert tool.read_front_matter(rfc)["status"] == "done"
    assert tool.PLACEHOLDER not in rfc.split("\n## ", 1)[1]
    assert failures(repo) == []  # an update's sync never turns the team's CI red
    gate = [
        r for r in tool.check(repo, tool.load_process(repo), "v0.1.0") if r.code.startswith("LC")
    ]
    assert [f.code for f in gate if f.outcome == "fail"] == ["LC113", "LC114"]  # the team's to name
    link_rfc(folder)
    gate = [
        r for r in tool.check(repo, tool.load_process(repo), "v0.1.0") if r.code.startswith("LC")
    ]
    assert [f.code for f in gate if f.outcome == "fail"] == []


def test_sync_skips_and_names_a_document_with_conflict_markers(repo: Path, capsys) -> None:
    folder = start(repo, "Carrier cache", "medium")
    drop_section(folder / "rfc.md", "Alternatives considered")
    plan = repo / "docs" / "test-plan.md"
    plan.write_text(plan.read_text().replace("## Smoke checklist\n", "## Smoke\n"))
    conflicted = {
        plan: plan.read_text() + "<<<<<<< HEAD\nFridays.\n=======\nMondays.\n>>>>>>> cadence\n",
        folder / "shaping.md": (folder / "shaping.md").read_text()
        + "<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n",
    }
    for path, text in conflicted.items():
        path.write_text(text)
    rfc_before = (folder / "rfc.md").read_text()
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "sync"]) == 0
    out = capsys.readouterr().out
    for path, text in conflicted.items():
        assert path.read_text() == text, "left exactly as it was"
        relative = path.relative_to(repo).as_posix()
        assert f"  skipped {relative}: it holds conflict markers; resolve them" in out
    # The shaping note gives the piece its front matter: the whole piece waits.
    assert (folder / "rfc.md").read_text() == rfc_before
    assert "sync: nothing to add; skipped 2 document(s) with conflict markers." in out
    # Resolved: the next sync adds what was missing.
    plan.write_text(conflicted[plan].split("<<<<<<< ")[0])
    (folder / "shaping.md").write_text(conflicted[folder / "shaping.md"].split("<<<<<<< ")[0])
    assert tool.main(["--root", str(repo), "sync"]) == 0
    out = capsys.readouterr().out
    assert "added '## Smoke checklist' to docs/test-plan.md" in out
    assert "added '## Alternatives considered' to docs/work/0001-carrier-cache/rfc.md" in out


def test_sync_keeps_crlf_line_endings_and_a_missing_final_newline(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    rfc = folder / "rfc.md"
    text = rfc.read_text().replace("## Alternatives considered\n", "## Other ideas\n")
    crlf = text.replace("\n", "\r\n").encode()
    rfc.write_bytes(crlf)
    assert tool.sync(repo, PROCESS) == [
        ("docs/work/0001-carrier-cache/rfc.md", "Alternatives considered")
    ]
    synced = rfc.read_bytes()
    assert synced.count(b"\n") == synced.count(b"\r\n"), "every line still ends in CRLF"
    assert b"## Alternatives considered\r\n" in synced
    kept = iter(synced.split(b"\r\n"))
    assert all(line in kept for line in crlf.split(b"\r\n")), "every team line, in order"
    assert failures(repo) == []
    assert tool.sync(repo, PROCESS) == [] and rfc.read_bytes() == synced
    plan = repo / "docs" / "test-plan.md"
    lines = plan.read_text().replace("## Smoke checklist\n", "## Smoke\n").rstrip("\n")
    plan.write_bytes(lines.encode())
    assert tool.sync(repo, PROCESS) == [("docs/test-plan.md", "Smoke checklist")]
    after = plan.read_bytes()
    assert not after.endswith(b"\n"), "no final newline was added"
    assert b"\r" not in after
    kept = iter(after.split(b"\n"))
    assert all(line in kept for line in lines.encode().split(b"\n"))


def test_split_endings_gives_each_line_its_own_ending() -> None:
    assert tool.split_endings("a\r\nb\nc") == (["a", "b", "c"], ["\r\n", "\n", ""])
    assert tool.split_endings("a\x0cb\r\n") == (["a\x0cb"], ["\r\n"])
    assert tool.split_endings("") == ([], [])


def test_the_status_page_shows_each_stage_the_cadence_and_the_findings(
    repo: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))
    assert "None yet" in tool.render_status(repo, PROCESS)
    folder = start(repo, "Carrier cache", "medium")
    start(repo, "Small fix", "small")
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text().replace("status: draft", "status: done"))
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "status"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# Lifecycle status\n")
    assert "| [0001](work/0001-carrier-cache/shaping.md) | Carrier cache | medium | draft |" in page
    assert "| Architecture |" in page  # shaping done: the piece is at the RFC
    assert "| [0002](work/0002-small-fix/shaping.md) | Small fix | small |" in page
    assert "**On time:** no run logged since work started on 2026-01-01, 0 days ago" in page
    # The index still says draft: the page says so, and sync brings it up to date.
    assert "| warn | [LC110](lifecycle.md#checks) |" in page
    assert "the table is out of date; run `python3 tools/lifecycle.py sync`" in page
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert "Every lifecycle check passes." in tool.render_status(repo, PROCESS)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 200 * DAY))
    page = tool.render_status(repo, PROCESS)
    assert "**Overdue:** no run logged since work started on 2026-01-01, 200 days ago" in page
    assert "| warn | [VAL07](lifecycle.md#checks) | Validate | `docs/test-plan.md:" in page


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


def test_every_rule_has_one_code_in_every_kind_size_and_layout(render) -> None:
    codes_of: dict[str, set[str]] = {}
    families_of: dict[str, set[str]] = {}
    for kind in KINDS:
        for size in SIZES:
            for ui in (False, True):
                project = render(project_kind=kind, project_size=size, has_ui=ui)
                for args in ((), ("--release", "v0.1.0")):
                    result = run_check(project, "check", "--format", "json", *args)
                    for found in json.loads(result.stdout)["results"]:
                        codes_of.setdefault(found["rule"], set()).add(found["code"])
                        families_of.setdefault(found["family"], set()).add(found["code"])
                page = (project / "docs" / "lifecycle.md").read_text()
                listed = re.findall(r"^\| `([A-Z]+[0-9]+)` \| ([^|]+) \|", page, flags=re.M)
                assert listed == [(c.code, c.family) for c in tool.REGISTRY]
    assert codes_of and all(len(codes) == 1 for codes in codes_of.values()), codes_of
    rule_of = {code: rule for rule, codes in codes_of.items() for code in codes}
    assert all(tool.CHECKS[code].rule == rule for code, rule in rule_of.items())
    # The families the page lists are the ones the reports use (LC001 needs a waivers file).
    assert set(families_of) == {c.family for c in tool.REGISTRY} - {"Waivers"}


def test_a_fresh_project_is_not_ready_to_release_until_the_team_fills_it_in(
    render, tmp_path: Path
) -> None:
    project = editable_copy(render(project_kind="service", project_size="medium"), tmp_path)
    result = run_check(project, "check", "--release", "v0.1.0")
    assert result.returncode == 1
    assert "DLV13 [Validate] docs/test-plan.md" in result.stdout
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


def test_sync_in_a_rendered_project_makes_a_raised_pieces_kit_and_keeps_crlf(
    render, tmp_path: Path
) -> None:
    project = editable_copy(render(project_kind="service", project_size="small"), tmp_path)
    [folder] = sorted((project / "docs" / "work").glob("0001-*"))
    shaping = folder / "shaping.md"
    matter = tool.read_front_matter(shaping.read_text())
    raise_size(folder, "large")
    plan = project / "docs" / "test-plan.md"
    team = plan.read_text().replace("## Smoke checklist\n", "## Smoke\n") + "Our own line.\n"
    plan.write_bytes(team.replace("\n", "\r\n").encode())
    result = run_check(project, "sync")
    assert result.returncode == 0, result.stderr
    process = tool.load_process(project)
    large = [d["file"] for d in tool.kit(process, "large", False)]
    for name in ("rfc.md", "rollout.md"):
        assert name in large
        assert f"created {folder.relative_to(project).as_posix()}/{name}" in result.stdout
        made = tool.read_front_matter((folder / name).read_text())
        assert [made[k] for k in ("title", "size", "owner", "created")] == [
            matter["title"],
            "large",
            matter["owner"],
            matter["created"],
        ]
    assert "added '## Smoke checklist' to docs/test-plan.md" in result.stdout
    synced = plan.read_bytes()
    assert synced.count(b"\n") == synced.count(b"\r\n") and synced.endswith(b"Our own line.\r\n")
    index = (project / "docs" / "work" / "index.md").read_text()
    assert f"| {matter['title']} | large |" in index
    assert run_check(project, "check").returncode == 0
    again = run_check(project, "sync")
    assert "sync: nothing to add." in again.stdout and plan.read_bytes() == synced


@pytest.mark.parametrize(
    ("pyproject", "tag", "outcome", "detail"),
    [
        ('[project]\nname = "a"\nversion = "0.28.1"\n', "0.28.1", "pass", "'0.28.1'"),
        ('[project]\nname = "a"\nversion = "0.28.1"\n', "v0.28.1", "pass", "'0.28.1'"),
        ('[project]\nname = "a"\nversion = "0.28.1"\n', "0.28.2", "fail", "'0.28.1'"),
        ('[project]\nname = "a"\ndynamic = ["version"]\n', "1.4.0", "skip", "dynamic"),
        ("[tool.black]\nline-length = 88\n", "v2.0.0", "skip", "setup.py"),
        (None, "v2.0.0", "skip", "no pyproject.toml"),
    ],
)
def test_the_gate_accepts_the_hosts_tag_form_and_version_source(
    repo: Path, pyproject: str | None, tag: str, outcome: str, detail: str
) -> None:
    """An adopted project keeps its tag form (httpx: 0.28.1) and its version source."""
    if pyproject is not None:
        (repo / "pyproject.toml").write_text(pyproject)
    [version] = [r for r in tool.check(repo, PROCESS, tag) if r.code == "DLV10"]
    assert (version.outcome, detail in version.detail) == (outcome, True), version.detail


def renamed(process_data: dict, old: str, new: str) -> dict:
    """The process a new template version brings: section ``old`` renamed ``new``."""
    data = json.loads(json.dumps(process_data))
    for doc in [*data["artefacts"], *data["work_kit"]]:
        for section in doc.get("sections") or []:
            if section["title"] == old:
                section.update(title=new, renamed_from=old)
    return data


def test_a_renamed_section_is_named_with_both_headings_and_never_added_twice(
    tmp_path: Path, capsys
) -> None:
    repo = make_repo(tmp_path / "repo", PROCESS)
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    plan = repo / "docs" / "test-plan.md"
    plan.write_text(
        plan.read_text().replace("## Smoke checklist\n", "## Smoke checklist\n\nOurs.\n")
    )
    before = {path: path.read_bytes() for path in (plan, shaping)}
    (repo / ".lifecycle" / "process.json").write_text(
        json.dumps(
            renamed(
                renamed(PROCESS, "Smoke checklist", "Smoke checks"),
                "Problem and user value",
                "Pain",
            )
        )
    )
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert "Smoke checks" not in capsys.readouterr().out
    assert {path: path.read_bytes() for path in (plan, shaping)} == before, "no second section"

    found = findings(repo)
    assert {(r.code, r.outcome) for r in found} == {("LC116", "warn")}, found  # no LC102
    by_file = {r.file: r for r in found}
    smoke = by_file["docs/test-plan.md"]
    assert smoke.detail == (
        "'## Smoke checklist' is now '## Smoke checks': rename the heading (keep the text under it)"
    )
    assert plan.read_text().splitlines()[smoke.line - 1] == "## Smoke checklist"
    assert (
        "'## Problem and user value' is now '## Pain'"
        in by_file[f"{folder.relative_to(repo).as_posix()}/shaping.md"].detail
    )
    # The release gate holds it; an update's pull request only warns.
    assert {r.outcome for r in findings(repo, "v0.1.0") if r.code == "LC116"} == {"fail"}
    # Renamed by the team: nothing left to say, and sync still adds nothing.
    plan.write_text(plan.read_text().replace("## Smoke checklist\n", "## Smoke checks\n"))
    shaping.write_text(shaping.read_text().replace("## Problem and user value\n", "## Pain\n"))
    assert findings(repo) == []
    assert tool.main(["--root", str(repo), "sync"]) == 0
    assert "nothing to add" in capsys.readouterr().out


def renamed_process(tmp_path: Path, old: str, new: str, everywhere: bool = True) -> Path:
    """A copy of the template's extensions and tool whose process.yml renames status ``old``.

    ``everywhere``: in ``work_statuses`` and wherever process.yml names it
    (``rfc_records``' ``at``); otherwise in ``work_statuses`` alone.
    """
    copy = tmp_path / "template-copy"
    shutil.copytree(ROOT / "extensions", copy / "extensions")
    (copy / "template" / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "template" / "tools" / "lifecycle.py", copy / "template" / "tools")
    yml = copy / "extensions" / "process.yml"
    text = yml.read_text(encoding="utf-8")
    assert f"  - text: {old}\n" in text
    text = text.replace(f"  - text: {old}\n", f"  - text: {new}\n", 1)
    if everywhere:
        text = re.sub(rf"(at: \[[^\]]*)\b{old}\b", rf"\g<1>{new}", text)
    yml.write_text(text, encoding="utf-8")
    return copy / "extensions"


def test_a_status_renamed_in_process_yml_renames_it_in_every_check(tmp_path: Path) -> None:
    """Rename ``accepted`` in a copy of process.yml: new, the done checks and the RFC links follow.

    The tool names no status: what each one means (settled, closed) and where
    an RFC needs its links (``rfc_records``) come from process.yml through
    process.json, under process.yml's own names.
    """
    loaded = reuse.load_module("work", renamed_process(tmp_path, "accepted", "agreed") / "work.py")
    data = json.loads(json.dumps(loaded.process_data("Acme", "service", "@acme", "medium", False)))
    assert [item["text"] for item in data["work_statuses"]][2] == "agreed"
    repo = make_repo(tmp_path / "repo", data)
    folder = start(repo, "Carrier cache", "medium")
    fill_placeholders(folder)
    set_status(folder, "agreed")
    assert tool.main(["--root", str(repo), "sync"]) == 0  # dates each status in its history
    rfc = folder / "rfc.md"
    assert failures(repo) == []  # agreed is settled: the piece moves on

    def gate() -> list[str]:
        results = tool.check(repo, tool.load_process(repo), "v0.1.0")
        return [r.code for r in results if r.code.startswith("LC") and r.outcome == "fail"]

    assert gate() == ["LC113", "LC114"]  # an agreed RFC names its records, as process.yml says
    link_rfc(folder)
    assert gate() == []
    rfc.write_text(rfc.read_text().replace("status: agreed", "status: accepted", 1))
    assert "LC103" in [f.code for f in failures(repo)]  # the old name is no status any more


def test_a_status_renamed_in_work_statuses_alone_stops_the_render(tmp_path: Path) -> None:
    """The RFC records still naming the old status would check nothing: process.py refuses it."""
    extensions = renamed_process(tmp_path, "accepted", "agreed", everywhere=False)
    copied = reuse.load_module("process", extensions / "process.py")
    with pytest.raises(ValueError, match=r"rfc_records\[1\] has at \['accepted'\]"):
        copied.load_process()
