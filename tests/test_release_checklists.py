"""The repository's checklists keep up with the process, and the release gate says what is open.

A size change or a new template version makes checklist items required that a
team-owned file (docs/production-readiness.md) never received. ``sync`` adds
them beside their neighbours; ``check`` warns about a missing one (LC107) long
before release day, and ``check --release`` tells an item missing from the file
from one not ticked. The team's own items in docs/release-checklist.md reach
every new release record, and its gate. The real ``copier update`` of this
scenario is in test_update_sync.py.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from .conftest import editable_copy, run
from .test_lifecycle_check import make_repo, start, tick_all
from .test_lifecycle_tool import tool, work_extension

SMALL = work_extension.process_data("Acme Billing", "service", "@acme/billing", "small", False)
MEDIUM = work_extension.process_data("Acme Billing", "service", "@acme/billing", "medium", False)
LARGE = work_extension.process_data("Acme Billing", "service", "@acme/billing", "large", False)
READINESS = "docs/production-readiness.md"
CHECKLIST = "docs/release-checklist.md"
SYNC = "run `python3 tools/lifecycle.py sync`"
TEAM_ITEM = "Our own: the status page announces the release."
TEAM_LATE_ITEM = "Our own: the team writes the release notes blog post."


def resize(repo: Path, process: dict[str, object]) -> None:
    """What ``copier update --data project_size=...`` does to the process file, and only that."""
    (repo / ".lifecycle" / "process.json").write_text(json.dumps(process))


def items(process: dict[str, object], key: str) -> list[str]:
    return list(tool.repository_items(process, key))


def sync(repo: Path, capsys) -> str:
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "sync"]) == 0
    return str(capsys.readouterr().out)


def result(results: list[object], code: str, file: str) -> object:
    [found] = [r for r in results if r.code == code and r.file == file]  # type: ignore[attr-defined]
    return found


def phase_of(lines: list[str], index: int) -> str:
    """The ``### phase`` heading above line ``index``."""
    return next(line[4:] for line in reversed(lines[:index]) if line.startswith("### "))


# ------------------------------------------------------------------ sync
def test_sync_adds_the_readiness_items_a_larger_size_requires_and_keeps_every_team_line(
    tmp_path: Path, capsys
) -> None:
    repo = make_repo(tmp_path / "repo", SMALL)
    readiness = repo / READINESS
    small = items(SMALL, "production_readiness")
    last = f"- [ ] {small[-1]}"  # the item the first new one follows in the process
    team = readiness.read_text().replace(
        last, f"- [x] {small[-1]}\n  Evidence: the restore drill of 2026-10-02."
    )
    team = team.replace(f"- [ ] {small[0]}", f"- [x] {small[0]}") + "\nOur own closing line.\n"
    readiness.write_bytes(team.replace("\n", "\r\n").encode())
    before = team.splitlines()
    resize(repo, LARGE)

    out = sync(repo, capsys)
    new = [item for item in items(LARGE, "production_readiness") if item not in small]
    assert len(new) >= 7
    assert f"  added {len(new)} item(s) to {READINESS}:" in out
    assert all(f"    - [ ] {item}" in out for item in new)
    assert out.splitlines()[-1].endswith(" item(s).")
    synced = readiness.read_bytes()
    assert synced.count(b"\n") == synced.count(b"\r\n"), "the file's line endings are kept"
    lines = synced.decode().splitlines()
    # The sign-off table of a large repository follows the evidence, as a new one has it.
    assert f"  added '## Sign-off' to {READINESS}" in out
    sign_off = lines.index("## Sign-off")
    assert lines[sign_off - 1] == "" and lines[sign_off + 1] == ""
    table = lines[sign_off + 2 : sign_off + 7]
    assert table[0] == "| Reviewer | Area | Date |" and len(tool.table_lines(table)) == 4
    assert lines[sign_off + 7] == ""
    assert tool.section_bodies(before)["Evidence"][1] == sign_off, "right after Evidence"
    # Only the new items and the table were inserted: every team line is there, unchanged.
    del lines[sign_off : sign_off + 8]
    assert [line for line in lines if line not in {f"- [ ] {i}" for i in new}] == before
    where = [tool.item_line(lines, item) for item in items(LARGE, "production_readiness")]
    assert where == sorted(where), "each item sits where the process puts it"
    evidence = lines.index("  Evidence: the restore drill of 2026-10-02.")
    assert lines[evidence + 1] == f"- [ ] {new[0]}", "a wrapped item keeps its own lines"
    # Idempotent: the next run adds nothing and changes no byte.
    assert "sync: nothing to add." in sync(repo, capsys)
    assert readiness.read_bytes() == synced


def test_sync_puts_each_missing_release_item_in_its_phase_and_keeps_the_teams_items(
    tmp_path: Path, capsys
) -> None:
    repo = make_repo(tmp_path / "repo", SMALL)
    checklist = repo / CHECKLIST
    text = checklist.read_text()
    ci = "- [ ] CI is green on the commit being released.\n"
    text = text.replace(ci, ci + f"- [ ] {TEAM_ITEM}\n")
    # The team dropped the whole last phase, heading and all.
    text = text.split("### After the release")[0].rstrip("\n") + "\n"
    checklist.write_text(text)
    before = text.splitlines()
    resize(repo, LARGE)

    out = sync(repo, capsys)
    assert f"item(s) to {CHECKLIST}:" in out
    lines = checklist.read_text().splitlines()
    phases = {p["phase"]: p["text"] for p in tool.repository_kept(LARGE, LARGE["release_phases"])}
    for entry in tool.repository_entries(LARGE, "release_checklist"):
        at = tool.item_line(lines, entry["text"])
        assert at is not None, entry["text"]
        assert phase_of(lines, at) == phases[entry["phase"]], entry["text"]
    remaining = iter(lines)
    assert all(line in remaining for line in before), "team lines kept, in order"
    team_item = lines.index(f"- [ ] {TEAM_ITEM}")
    assert phase_of(lines, team_item) == "Go or no-go"
    assert lines.index(ci.rstrip("\n")) < team_item
    assert lines.index("### Rollout") < lines.index("### After the release")
    assert "sync: nothing to add." in sync(repo, capsys)


LOGS = "Logs go to stdout, with levels set by configuration."
DEPLOYED = "The tagged version is deployed to production."
SHAPES = {
    "empty": "",
    "a title without a final newline": "# Ours",
    "items but no checklist heading": f"# Ours\n\n- [x] {LOGS}\n",
    "the heading last, no final newline": "# Ours\n\n## Checklist",
    "prose, then another section": "# Ours\n\n## Checklist\n\nWe tick.\n\n## Evidence\n\n- a\n",
    "a fence holding a heading": "# Ours\n\n## Checklist\n\n```\n## Not a heading\n```\n",
    "one phase only": f"# Ours\n\n## Items\n\n### Rollout\n\n- [ ] {DEPLOYED}\n\n## Sign-off\n",
    "CRLF": f"# Ours\r\n\r\n## Checklist\r\n\r\n- [ ] {LOGS}\r\n",
}
"""Team checklists of every shape: sync completes each once and keeps its lines."""


@pytest.mark.parametrize("path", [READINESS, CHECKLIST])
@pytest.mark.parametrize("shape", SHAPES)
def test_sync_completes_a_checklist_of_any_shape_once_and_keeps_its_lines(
    tmp_path: Path, capsys, path: str, shape: str
) -> None:
    repo = make_repo(tmp_path / "repo", LARGE)
    team = SHAPES[shape].encode()
    (repo / path).write_bytes(team)
    sync(repo, capsys)
    synced = (repo / path).read_bytes()
    [doc] = [d for d in LARGE["artefacts"] if d["path"] == path]
    every = [e["text"] for e in tool.repository_entries(LARGE, doc["checklist"])]
    assert tool.missing_items(synced.decode(), every) == []
    remaining = iter(synced.splitlines(keepends=True))
    assert all(line in remaining for line in team.splitlines(keepends=True) if line.endswith(b"\n"))
    assert synced.startswith(team.rstrip(b"\r\n").split(b"\n")[0])
    assert ("\r\n" in SHAPES[shape]) is (b"\r\n" in synced)
    assert "sync: nothing to add." in sync(repo, capsys)
    assert (repo / path).read_bytes() == synced


def test_sync_leaves_a_checklist_with_conflict_markers_alone_and_names_it(
    tmp_path: Path, capsys
) -> None:
    repo = make_repo(tmp_path / "repo", SMALL)
    readiness = repo / READINESS
    half_merged = readiness.read_text() + "<<<<<<< HEAD\n- [x] Ours\n=======\n>>>>>>> theirs\n"
    readiness.write_text(half_merged)
    resize(repo, LARGE)
    out = sync(repo, capsys)
    assert readiness.read_text() == half_merged
    assert f"skipped {READINESS}: it holds conflict markers" in out
    assert f"item(s) to {CHECKLIST}" in out, "the other checklist is synced"


# ------------------------------------------------------------------ the gate
def test_check_warns_about_a_missing_item_and_the_gate_tells_it_from_an_unticked_one(
    tmp_path: Path, capsys
) -> None:
    """Missing: run sync (LC107, a warning until --release). Not ticked: tick it (DLV14)."""
    repo = make_repo(tmp_path / "repo", LARGE)
    (repo / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "0.1.0"\n')
    start(repo, "Carrier cache", "small")  # the gate is on
    ticked = "".join(f"- [x] {item}\n" for item in items(SMALL, "production_readiness"))
    evidence = "## Evidence\n\n- All: the dashboard.\n\n## Sign-off\n\n| Reviewer | Date |\n"
    (repo / READINESS).write_text(f"# Production readiness\n\n## Checklist\n\n{ticked}\n{evidence}")
    new = [
        i
        for i in items(LARGE, "production_readiness")
        if i not in items(SMALL, "production_readiness")
    ]

    # An unrelated pull request: told, not failed.
    warned = result(tool.check(repo, LARGE), "LC107", READINESS)
    assert warned.outcome == "warn"
    assert warned.detail.startswith(f"{len(new)} missing from your file: ")
    assert warned.detail.endswith(SYNC) and new[0].rstrip(".") in warned.detail
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "check"]) == 0
    assert f"WARN LC107 [Deliver to production] {READINESS}" in capsys.readouterr().out

    # The release: missing is a failure of its own, and not called "not ticked".
    released = tool.check(repo, LARGE, "v0.1.0")
    assert result(released, "LC107", READINESS).outcome == "fail"
    readiness = result(released, "DLV14", READINESS)
    assert readiness.outcome == "pass" and readiness.detail == ""

    sync(repo, capsys)
    released = tool.check(repo, LARGE, "v0.1.0")
    assert result(released, "LC107", READINESS).outcome == "pass"
    unticked = result(released, "DLV14", READINESS)
    assert unticked.outcome == "fail"
    assert unticked.detail == f"{len(new)} not ticked: " + " / ".join(i.rstrip(".") for i in new)
    assert "missing" not in unticked.detail
    tick_all(repo / READINESS)
    assert result(tool.check(repo, LARGE, "v0.1.0"), "DLV14", READINESS).outcome == "pass"


def test_a_team_item_in_the_release_checklist_reaches_the_next_record_and_its_gate(
    tmp_path: Path, capsys
) -> None:
    repo = make_repo(tmp_path / "repo", MEDIUM)
    (repo / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = "0.2.0"\n')
    checklist = repo / CHECKLIST
    ci = "- [ ] CI is green on the commit being released.\n"
    text = checklist.read_text().replace(ci, ci + f"- [ ] {TEAM_ITEM}\n")
    checklist.write_text(text.rstrip("\n") + f"\n- [ ] {TEAM_LATE_ITEM}\n")  # After the release
    assert tool.main(["--root", str(repo), "release", "v0.2.0"]) == 0
    record = repo / "docs" / "releases" / "v0.2.0.md"
    lines = record.read_text().splitlines()
    assert lines[lines.index(ci.rstrip("\n")) + 1] == f"- [ ] {TEAM_ITEM}", "in its place"
    assert phase_of(lines, lines.index(f"- [ ] {TEAM_ITEM}")) == "Go or no-go"
    assert phase_of(lines, lines.index(f"- [ ] {TEAM_LATE_ITEM}")) == "After the release"

    gated = tool.release_gate_items(MEDIUM)
    text = record.read_text()
    for item in gated:  # the process's items before the tag, not the team's
        text = text.replace(f"- [ ] {item}", f"- [x] {item}")
    record.write_text(text)
    gate = result(tool.check(repo, MEDIUM, "v0.2.0"), "DLV12", "docs/releases/v0.2.0.md")
    assert gate.outcome == "fail"
    assert gate.detail == f"1 open: {TEAM_ITEM.rstrip('.')}", "the team's late item waits"
    record.write_text(text.replace(f"- [ ] {TEAM_ITEM}", f"- [x] {TEAM_ITEM}"))
    gate = result(tool.check(repo, MEDIUM, "v0.2.0"), "DLV12", "docs/releases/v0.2.0.md")
    assert gate.outcome == "pass", gate.detail
    # A checklist mid-merge gives no record: its items would come from both sides.
    record.unlink()
    resolved = checklist.read_text()
    checklist.write_text(resolved + "<<<<<<< HEAD\n- [ ] Ours\n=======\n>>>>>>> x\n")
    capsys.readouterr()
    assert tool.main(["--root", str(repo), "release", "v0.2.0"]) == 3
    assert capsys.readouterr().err.startswith(f"lifecycle.py: {CHECKLIST}:")
    assert not record.exists()
    checklist.write_text(resolved)
    # A record made before the team added its item lacks it: the gate says so, and how.
    record.write_text(text.replace(f"- [ ] {TEAM_ITEM}\n", ""))
    gate = result(tool.check(repo, MEDIUM, "v0.2.0"), "DLV12", "docs/releases/v0.2.0.md")
    assert gate.outcome == "fail"
    assert gate.detail == (
        f"1 missing from your file: {TEAM_ITEM.rstrip('.')}; copy them from {CHECKLIST} "
        "into the record"
    )


def test_a_team_item_wrapped_over_lines_reaches_the_record_whole(tmp_path: Path) -> None:
    """A long item a team wrapped (as mdformat and editors do) loses none of its words."""
    repo = make_repo(tmp_path / "repo", MEDIUM)
    checklist = repo / CHECKLIST
    ci = "- [ ] CI is green on the commit being released.\n"
    wrapped = "- [ ] Our own: the status page announces the release\n  and links its notes.\n"
    checklist.write_text(checklist.read_text().replace(ci, ci + wrapped))
    assert tool.main(["--root", str(repo), "release", "v0.2.0"]) == 0
    lines = (repo / "docs" / "releases" / "v0.2.0.md").read_text().splitlines()
    whole = "- [ ] Our own: the status page announces the release and links its notes."
    assert lines[lines.index(ci.rstrip("\n")) + 1] == whole
    assert "  and links its notes." not in lines, "no stray continuation line"
    gated = tool.release_gate_items(MEDIUM, checklist.read_text())
    assert "Our own: the status page announces the release and links its notes." in gated


# ------------------------------------------------------------------ truthful details
ABSENT = re.compile(r"not found|does not exist")
FAILING = re.compile(r"not found|does not exist|missing|no row|open:|not ticked|placeholder")


def json_report(project: Path, *args: str) -> list[dict[str, object]]:
    done = run(
        [sys.executable, "tools/lifecycle.py", "check", "--format", "json", *args],
        project,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return list(json.loads(done.stdout)["results"])


def test_every_detail_of_the_json_report_agrees_with_the_files_on_disk(
    render, tmp_path: Path
) -> None:
    project = editable_copy(render(project_kind="service", project_size="medium"), tmp_path)
    (project / "docs" / "runbook.md").unlink()  # some findings really are about absent files
    [folder] = sorted((project / "docs" / "work").glob("0001-*"))
    (folder / "test-cases.md").unlink()
    seen = set()
    for step in ("before the record", "the record made"):
        if step == "the record made":
            run([sys.executable, "tools/lifecycle.py", "release", "v0.1.0"], project)
        for found in json_report(project) + json_report(project, "--release", "v0.1.0"):
            exists = (project / str(found["file"])).exists()
            detail = str(found["detail"])
            if found["code"] == "LC115" and found["outcome"] != "pass":
                # Its detail names the linked entry that is missing, not its own file.
                entry = re.fullmatch(r"links: '([^']+)' does not exist", detail)
                assert entry, found
                target = (project / str(found["file"])).parent / entry[1]
                assert exists and not target.exists(), found
                continue
            says_absent = bool(ABSENT.search(detail))
            seen.add((exists, says_absent))
            assert not (exists and says_absent), found
            if found["outcome"] == "pass":
                assert not FAILING.search(detail), found
                assert exists, found
    assert (True, False) in seen and (False, True) in seen, "both kinds were checked"
