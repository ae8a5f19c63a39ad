"""What a piece of work's front matter records: dated statuses, succession, an RFC's links.

``new`` writes each document's first ``history:`` item; ``sync`` appends the
status a team set by hand, with the day, adding one line and changing none;
``check`` reports a status without a date (LC111), succession that is not
named both ways (LC112), an RFC without its discussion (LC113) or resolution
(LC114), and a ``links:`` path that does not exist (LC115). Unit tests run the
shipped tool on repositories holding process data; the last tests run the
command in rendered projects, and a real ``copier update`` of a repository made
before these checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .conftest import copier_cli, editable_copy, run
from .test_lifecycle_check import (
    DAY,
    DISCUSSION,
    PROCESS,
    START,
    link_rfc,
    make_repo,
    set_status,
    start,
)
from .test_lifecycle_tool import tool
from .update_harness import build_history_repo, commit_all, copy_project

CODES = ("LC111", "LC112", "LC113", "LC114", "LC115")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START))  # 2026-01-01
    return make_repo(tmp_path / "repo", PROCESS)


def results(repo: Path, code: str, release: str = "") -> list[object]:
    return [r for r in tool.check(repo, tool.load_process(repo), release) if r.code == code]


GATE = "v0.1.0"
"""The release these checks gate: outside ``--release`` they only warn (an update that
brings them must not turn a team's CI red), so the failing cases are read at the gate."""


def gated(repo: Path, code: str) -> list[object]:
    return results(repo, code, release=GATE)


def outcomes(repo: Path, code: str) -> list[tuple[str, str]]:
    return [(r.file.rsplit("/", 1)[-1], r.outcome) for r in results(repo, code)]


def history(path: Path) -> list[str]:
    return list(tool.read_front_matter(path.read_text())["history"])


def sync(repo: Path) -> None:
    assert tool.main(["--root", str(repo), "sync"]) == 0


def add_front_matter(path: Path, lines: str) -> None:
    """The team adds front matter lines, just before the closing ``---``."""
    head, body = path.read_text().split("\n---\n", 1)
    path.write_text(f"{head}\n{lines.rstrip()}\n---\n{body}")


# ------------------------------------------------------------------ dated statuses
def test_new_dates_the_first_status_of_every_document(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    for path in folder.glob("*.md"):
        assert history(path) == ["draft 2026-01-01"], path.name
    assert {outcome for _, outcome in outcomes(repo, "LC111")} == {"pass"}


def test_a_status_set_by_hand_warns_until_sync_dates_it(repo: Path, monkeypatch) -> None:
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    set_status(folder, "review")
    [warning, _] = results(repo, "LC111")
    assert warning.outcome == "warn" and warning.file.endswith("shaping.md")
    assert "status 'review' is not the last history item ('draft 2026-01-01')" in warning.detail
    assert warning.detail.endswith("run `python3 tools/lifecycle.py sync`")
    assert warning.line == shaping.read_text().splitlines().index("history:") + 1
    assert results(repo, "LC111", release="v0.1.0")[0].outcome == "fail"

    before = shaping.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 3 * DAY))
    sync(repo)
    after = shaping.read_bytes()
    assert history(shaping) == ["draft 2026-01-01", "review 2026-01-04"]
    # One line added after the list's last item; every other line as it was, in order.
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    at = old.index(b"  - draft 2026-01-01\n") + 1
    assert new == [*old[:at], b"  - review 2026-01-04\n", *old[at:]]
    assert {outcome for _, outcome in outcomes(repo, "LC111")} == {"pass"}

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + 9 * DAY))
    sync(repo)  # the same status a later day: nothing to add
    assert shaping.read_bytes() == after


def test_sync_says_what_it_dated_and_a_second_run_has_nothing_to_add(repo: Path, capsys) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "accepted")
    capsys.readouterr()
    sync(repo)
    out = capsys.readouterr().out
    assert "  dated status 'accepted' in docs/work/0001-carrier-cache/shaping.md" in out
    assert out.endswith("sync: added 0 section(s), dated 2 status(es).\n")
    sync(repo)
    assert capsys.readouterr().out == "sync: nothing to add.\n"


def test_sync_keeps_crlf_the_teams_indentation_and_its_own_lines(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    text = shaping.read_text().replace("  - draft 2026-01-01\n", "- draft 2025-12-30 # ok\n")
    text = text.replace("status: draft", "status: review")
    text = text.replace("history:\n", "history:  \n")  # trailing spaces are the team's too
    shaping.write_bytes(text.replace("\n", "\r\n").encode())
    before = shaping.read_bytes()
    sync(repo)
    after = shaping.read_bytes()
    at = before.index(b"- draft 2025-12-30 # ok\r\n") + len(b"- draft 2025-12-30 # ok\r\n")
    assert after == before[:at] + b"- review 2026-01-01\r\n" + before[at:]


def test_a_document_made_before_history_gets_the_list_added(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    for path in folder.glob("*.md"):
        path.write_text(path.read_text().replace("history:\n  - draft 2026-01-01\n", ""))
    [first, _] = results(repo, "LC111")
    assert first.outcome == "warn" and "no history in the front matter" in first.detail
    shaping = folder / "shaping.md"
    before = shaping.read_text().splitlines(keepends=True)
    sync(repo)
    close = before.index("---\n", 1)
    assert shaping.read_text().splitlines(keepends=True) == [
        *before[:close],
        "history:\n",
        "  - draft 2026-01-01\n",
        *before[close:],
    ]
    assert {outcome for _, outcome in outcomes(repo, "LC111")} == {"pass"}


def test_an_inline_history_is_left_as_written_and_reported(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    shaping.write_text(
        shaping.read_text().replace("history:\n  - draft 2026-01-01\n", "history: []\n")
    )
    before = shaping.read_text()
    sync(repo)
    assert shaping.read_text() == before
    [finding, _] = results(repo, "LC111")
    assert (finding.file.rsplit("/", 1)[-1], finding.outcome) == ("shaping.md", "warn")
    assert finding.detail.endswith(
        "write history: as a list, one `- STATUS YYYY-MM-DD` line each, then run `python3 "
        "tools/lifecycle.py sync`"
    )


def test_a_dated_status_needs_a_real_date(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text().replace("draft 2026-01-01", "draft 2026-13-01"))
    [finding, _] = results(repo, "LC111")
    assert finding.outcome == "warn"
    assert "history item 'draft 2026-13-01' has no date; write it as draft YYYY-MM-DD" in (
        finding.detail
    )


def test_a_history_goes_oldest_first(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    text = shaping.read_text().replace("status: draft", "status: review")
    shaping.write_text(
        text.replace("  - draft 2026-01-01\n", "  - draft 2026-02-01\n  - review 2026-01-05\n")
    )
    [finding, _] = results(repo, "LC111")
    assert finding.detail == (
        "history item 'review 2026-01-05' comes after 'draft 2026-02-01'; keep them oldest first"
    )


def test_an_unknown_status_is_not_dated(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    set_status(folder, "wip")
    before = (folder / "shaping.md").read_text()
    sync(repo)
    assert (folder / "shaping.md").read_text() == before
    assert {r.outcome for r in results(repo, "LC111")} == {"skip"}  # LC103 fails first


# ------------------------------------------------------------------ succession
def test_succession_is_named_both_ways(repo: Path) -> None:
    old = start(repo, "Carrier cache", "small")
    new = start(repo, "Carrier cache two", "small")
    add_front_matter(new / "shaping.md", "supersedes:\n  - 0001-carrier-cache")
    [finding] = [r for r in gated(repo, "LC112") if r.outcome == "fail"]
    assert finding.file == "docs/work/0002-carrier-cache-two/shaping.md"
    assert finding.detail == (
        "supersedes: 0001-carrier-cache does not name 0002-carrier-cache-two under "
        "superseded_by; add it there"
    )
    lines = (new / "shaping.md").read_text().splitlines()
    assert lines[finding.line - 1] == "  - 0001-carrier-cache"
    add_front_matter(old / "test-cases.md", "superseded_by: 0002-carrier-cache-two")
    assert {outcome for _, outcome in outcomes(repo, "LC112")} == {"pass"}
    # The other way round: one side alone is reported on its own document.
    (new / "shaping.md").write_text(
        (new / "shaping.md").read_text().replace("supersedes:\n  - 0001-carrier-cache\n", "")
    )
    [finding] = [r for r in gated(repo, "LC112") if r.outcome == "fail"]
    assert finding.file == "docs/work/0001-carrier-cache/test-cases.md"
    assert "does not name 0001-carrier-cache under supersedes" in finding.detail


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("0009-nowhere", "'0009-nowhere' is not a folder in docs/work/"),
        ("0001-carrier-cache", "'0001-carrier-cache' is this piece of work itself"),
        ("carrier cache", "'carrier cache' is neither a folder in docs/work/ nor a URL"),
        ("ftp://example.com/rfc", "'ftp://example.com/rfc' is not an http(s) URL"),
        ("https://github.com/acme/other/blob/main/docs/work/0004-x/rfc.md", ""),
    ],
)
def test_a_succession_entry_is_an_existing_folder_or_a_url(
    repo: Path, entry: str, problem: str
) -> None:
    folder = start(repo, "Carrier cache", "small")
    add_front_matter(folder / "shaping.md", f'superseded_by:\n  - "{entry}"')
    [result] = [r for r in gated(repo, "LC112") if r.file.endswith("shaping.md")]
    assert (result.outcome, result.detail) == (
        ("fail", f"superseded_by: {problem}") if problem else ("pass", "")
    )


def test_an_unreadable_document_is_its_own_finding_not_a_crash(repo: Path) -> None:
    old = start(repo, "Carrier cache", "small")
    new = start(repo, "Carrier cache two", "small")
    add_front_matter(new / "shaping.md", "supersedes: 0001-carrier-cache")
    (old / "shaping.md").write_bytes(b"---\ntitle: \0\n---\n")
    found = tool.check(repo, tool.load_process(repo))
    assert [r.code for r in found if r.outcome == "fail"] == ["LC108"]
    assert "LC112" in [r.code for r in found if r.outcome == "warn"]
    [back] = [r for r in found if r.code == "LC112" and r.outcome == "warn"]
    assert back.detail.startswith("supersedes: 0001-carrier-cache does not name")


# ------------------------------------------------------------------ an RFC's links
def test_an_rfc_in_review_names_its_discussion(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    assert gated(repo, "LC113") == []  # a draft needs none yet
    set_status(folder, "review")
    [finding] = gated(repo, "LC113")
    assert (finding.outcome, finding.file) == ("fail", "docs/work/0001-carrier-cache/rfc.md")
    assert "add `discussion: https://...` to its front matter" in finding.detail
    assert "or a URL on its Announced: line" in finding.detail
    rfc = folder / "rfc.md"
    text = rfc.read_text()
    announced = next(line for line in text.splitlines() if "Announced:" in line)
    example = f"<!--\n- Announced: <{DISCUSSION}>\n-->"
    rfc.write_text(text.replace(announced, f"{announced}\n\n{example}"))
    assert [r.outcome for r in gated(repo, "LC113")] == ["fail"]  # a comment is no link
    rfc.write_text(text.replace(announced, f"- Announced: <{DISCUSSION}>"))
    [passed] = gated(repo, "LC113")
    assert passed.outcome == "pass"
    assert rfc.read_text().splitlines()[passed.line - 1] == f"- Announced: <{DISCUSSION}>"
    assert gated(repo, "LC114") == []  # in review: no resolution yet


def test_an_accepted_rfc_links_its_resolution(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    add_front_matter(folder / "rfc.md", f"discussion: {DISCUSSION}")
    set_status(folder, "accepted")
    assert [r.outcome for r in gated(repo, "LC113")] == ["pass"]
    [finding] = gated(repo, "LC114")
    assert finding.outcome == "fail" and "add `resolution: https://...`" in finding.detail
    add_front_matter(folder / "rfc.md", "resolution: see the thread")
    [finding] = gated(repo, "LC114")
    assert finding.detail == (
        "resolution 'see the thread' is neither a URL nor a path in the repository"
    )
    rfc = folder / "rfc.md"
    rfc.write_text(rfc.read_text().replace("resolution: see the thread", "resolution: shaping.md"))
    assert [r.outcome for r in gated(repo, "LC114")] == ["pass"]  # a note in the repository


def test_the_sizes_an_rfc_needs_its_links_at_come_from_the_process(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "medium")
    set_status(folder, "accepted")
    process = tool.load_process(repo)

    def failed(process: dict[str, object]) -> list[str]:
        found = tool.check(repo, process, GATE)
        return [r.code for r in found if r.outcome == "fail" and r.code in ("LC113", "LC114")]

    assert failed(process) == ["LC113", "LC114"]
    records = [{**record, "min_size": "large"} for record in process["rfc_records"]]
    assert failed({**process, "rfc_records": records}) == []
    link_rfc(folder)
    assert failed(process) == []


def test_the_fleet_index_lists_each_rfc_with_its_dates_and_resolution(
    repo: Path, monkeypatch
) -> None:
    folder = start(repo, "Carrier cache", "medium")
    link_rfc(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + DAY))
    set_status(folder, "accepted")
    sync(repo)
    [rfc] = tool.rfcs_of(repo, PROCESS, tool.work_folders(repo))
    assert rfc["history"] == ["draft 2026-01-01", "accepted 2026-01-02"]
    assert (rfc["discussion"], rfc["resolution"]) == (DISCUSSION, f"{DISCUSSION}#decision")


# ------------------------------------------------------------------ links
def test_a_links_path_must_exist_and_urls_and_issues_are_left_alone(repo: Path) -> None:
    folder = start(repo, "Carrier cache", "small")
    shaping = folder / "shaping.md"
    entries = '  - missing.md\n  - "../../test-plan.md#execution-log"\n'
    entries += '  - "https://example.com/x"\n  - "#12"\n'
    shaping.write_text(shaping.read_text().replace("links:\n", f"links:\n{entries}", 1))
    (folder / "test-cases.md").write_text(
        (folder / "test-cases.md").read_text().replace('"shaping.md"', '"../../../../etc"')
    )
    found = [(r.file.rsplit("/", 1)[-1], r.outcome, r.detail) for r in gated(repo, "LC115")]
    assert found == [
        ("shaping.md", "fail", "links: 'missing.md' does not exist"),
        ("test-cases.md", "fail", "links: '../../../../etc' points outside the repository"),
    ]
    [missing] = [r for r in gated(repo, "LC115") if r.file.endswith("shaping.md")]
    assert shaping.read_text().splitlines()[missing.line - 1] == "  - missing.md"


# ------------------------------------------------------------------ rendered projects
def check_json(project: Path, *args: str) -> dict[str, object]:
    result = run([sys.executable, "tools/lifecycle.py", "check", "--format", "json", *args],
                 project, check=False)  # fmt: skip
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_a_fresh_project_passes_every_records_check(render) -> None:
    project = render(project_kind="service", project_size="large", has_ui=True)
    found = check_json(project)["results"]
    assert isinstance(found, list)
    seen = {r["code"]: r["outcome"] for r in found if r["code"] in CODES}
    assert seen == {"LC111": "pass", "LC112": "pass", "LC115": "pass"}  # a draft RFC: no links due


def test_a_broken_project_fails_each_records_check_with_its_code(render, tmp_path: Path) -> None:
    project = editable_copy(render(project_kind="service", project_size="medium"), tmp_path)
    [folder] = (project / "docs" / "work").glob("0001-*")
    set_status(folder, "accepted")  # by hand: no date, no discussion, no resolution
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text().replace("links:\n", "links:\n  - nowhere.md\n", 1))
    add_front_matter(shaping, "supersedes: 0007-gone")
    result = run([sys.executable, "tools/lifecycle.py", "check", "--release", "v0.1.0"],
                 project, check=False)  # fmt: skip
    assert result.returncode == 1
    for code in CODES:
        assert f"FAIL {code} " in result.stdout, code
    run([sys.executable, "tools/lifecycle.py", "sync"], project)
    outcome = {r["code"]: r["outcome"] for r in check_json(project)["results"]
               if r["code"] == "LC111"}  # fmt: skip
    assert outcome == {"LC111": "pass"}


BEFORE_RECORDS = "a1c7e35"
"""main before documents recorded their statuses' dates (the registry had just landed)."""


@pytest.mark.slow
def test_an_update_dates_the_statuses_of_a_repository_made_before_history(
    tmp_path: Path,
) -> None:
    template = build_history_repo(tmp_path / "lifecycle", {"v1.0.0": BEFORE_RECORDS}, "v2.0.0")
    answers = {"project_name": "Acme Billing", "project_size": "medium"}
    project = copy_project(template, "v1.0.0", tmp_path / "acme-billing", answers)
    [folder] = (project / "docs" / "work").glob("0001-*")
    assert "history:" not in (folder / "shaping.md").read_text()
    shaping = folder / "shaping.md"
    shaping.write_text(shaping.read_text().replace("status: draft", "status: accepted"))
    with shaping.open("a") as note:
        note.write("\nFinance closes the books on the 3rd working day.\n")
    commit_all(project, "The team agrees its shaping note")
    before = {path.name: path.read_text() for path in folder.glob("*.md")}

    copier_cli("update", "--trust", "--defaults", "--vcs-ref", "v2.0.0", cwd=project)

    for path in folder.glob("*.md"):
        now = path.read_text().splitlines()
        kept = iter(now)
        assert all(line in kept for line in before[path.name].splitlines()), path.name
        added = len(now) - len(before[path.name].splitlines())
        assert added == 2 and "history:" in now, path.name
    assert history(shaping)[-1].startswith("accepted ")
    result = run([sys.executable, "tools/lifecycle.py", "check"], project, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 fail" in result.stdout
