"""The tool reads team documents as CommonMark does, or refuses them in one line.

Differential: for every document of the corpus (``commonmark_cases``: issue 22's
cases, the CommonMark specification's kinds of block, real documents and
generated ones) the tool's top-level headings (level, text, line) and task
boxes equal what markdown-it-py reads (``MarkdownIt("commonmark")``), or the
tool refused the document with a one-line ``TeamFileError``. Never a silent
difference. Then ``sync`` on every document: twice, the second run changes
nothing, and every team line is still there, in order, with its own ending.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from .commonmark_cases import corpus
from .conftest import copier_cli, editable_copy, run
from .test_lifecycle_tool import PROCESS, tool
from .update_harness import AddText, build_template_repo, commit_all, copy_project

CORPUS = corpus()
IDS = [name for name, _ in CORPUS]
MARKDOWN_IT = MarkdownIt("commonmark")
BOX = re.compile(r"\[([ xX])\][ \t]+\S")


def reference_headings(text: str) -> list[tuple[int, int, str]]:
    """markdown-it's top-level headings: (first line, level, text with each line stripped)."""
    tokens = MARKDOWN_IT.parse(text)
    found = []
    for position, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0:
            assert token.map is not None
            content = tokens[position + 1].content
            title = "\n".join(line.strip(" \t") for line in content.split("\n"))
            found.append((token.map[0], int(token.tag[1]), title))
    return found


def reference_boxes(text: str) -> dict[int, bool]:
    """markdown-it's task boxes: list items whose first paragraph starts ``[x] text``."""
    tokens = MARKDOWN_IT.parse(text)
    found = {}
    for position, token in enumerate(tokens[:-2]):
        following = tokens[position + 1]
        if (
            token.type == "list_item_open"
            and following.type == "paragraph_open"
            and token.map is not None
            and following.map is not None
            and following.map[0] == token.map[0]
        ):
            ticked = BOX.match(tokens[position + 2].content)
            if ticked:
                found[token.map[0]] = ticked[1] != " "
    return found


def tool_scan(text: str) -> object:
    """The tool's reading of ``text`` (no front matter), or its one-line refusal."""
    try:
        return tool.scan_markdown(tool.split_lines(text), "doc.md", start=0)
    except tool.TeamFileError as refusal:
        return refusal


def assert_refusal(refusal: BaseException) -> None:
    """A refusal is one line: ``doc.md:N: what is ambiguous; how to write it plainly``."""
    message = str(refusal)
    assert "\n" not in message
    assert re.fullmatch(r"doc\.md:[0-9]+: [^;]+; .+", message), message


def test_the_corpus_is_large_and_covers_every_kind_of_block() -> None:
    written = [name for name in IDS if not name.startswith(("generated", "readme", "repo"))]
    assert len(written) >= 300
    assert len(CORPUS) >= 600
    assert sum(name.startswith("readme") for name in IDS) >= 10, "READMEs from the dev env"


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=IDS)
def test_the_tool_sees_the_headings_markdown_it_sees(name: str, text: str) -> None:
    scan = tool_scan(text)
    if isinstance(scan, tool.TeamFileError):
        assert_refusal(scan)
        return
    assert isinstance(scan, tool.Scan)
    found = [(heading.index, heading.level, heading.title) for heading in scan.headings]
    assert found == reference_headings(text)


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=IDS)
def test_the_tool_sees_the_task_boxes_markdown_it_sees(name: str, text: str) -> None:
    scan = tool_scan(text)
    if isinstance(scan, tool.Scan):
        assert scan.boxes == reference_boxes(text)


GFM = MarkdownIt("commonmark").enable("table")


def reference_rows(text: str) -> set[int]:
    """The rows (header and body) of markdown-it's top-level GFM tables."""
    rows, top = set(), False
    for token in GFM.parse(text):
        if token.type == "table_open":
            top = token.level == 0
        if token.type == "tr_open" and top and token.map is not None:
            rows.add(token.map[0])
    return rows


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=IDS)
def test_the_tool_reads_the_table_rows_github_shows(name: str, text: str) -> None:
    scan = tool_scan(text)
    if isinstance(scan, tool.Scan):
        assert set(scan.rows) == reference_rows(text)


def test_refusals_are_rare_and_each_one_line() -> None:
    refused = [name for name, text in CORPUS if isinstance(tool_scan(text), tool.TeamFileError)]
    assert len(refused) <= len(CORPUS) // 20, refused
    assert "reference: refdef then html" in refused  # where the two readers disagree


RFC = next(doc for doc in PROCESS["work_kit"] if doc["file"] == "shaping.md")
SECTIONS = [
    section for section in RFC["sections"] if tool.applies(PROCESS, section, "small", False)
]
FRONT = '---\ntitle: "Corpus"\nsize: small\nstatus: draft\n---\n\n'


def lines_in_order(before: bytes, after: bytes) -> bool:
    """Every line of ``before`` is in ``after`` in the same order, with its own line ending.

    The last line may gain an ending when a section is added after it.
    """
    old = zip(*tool.split_endings(before.decode()), strict=True)
    remaining = iter(zip(*tool.split_endings(after.decode()), strict=True))
    return all(
        any(line == new and ending in (new_ending, "") for new, new_ending in remaining)
        for line, ending in old
    )


def sync_file(path: Path) -> list[str]:
    """Sync one document as ``sync`` does: planned in full, then written by ``write_files``."""
    synced, added = tool.synced_text(tool.read_text(path, path.name), SECTIONS, "shaping.md")
    if added:
        tool.write_files(path.parent, {path: synced})
    return added


@pytest.mark.parametrize("where", ["piece", "plain"])
@pytest.mark.parametrize(("name", "text"), CORPUS, ids=IDS)
def test_sync_twice_changes_nothing_and_keeps_every_team_line(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    document = tmp_path / "shaping.md"
    original = ((FRONT if where == "piece" else "") + text).encode()
    document.write_bytes(original)
    try:
        sync_file(document)
    except tool.TeamFileError as refusal:
        assert document.read_bytes() == original, "a refused document is left as it was"
        assert "\n" not in str(refusal)
        return
    once = document.read_bytes()
    assert sync_file(document) == []
    assert document.read_bytes() == once, "the second sync changed the document"
    assert lines_in_order(original, once), "a team line was lost, changed or moved"
    lines = tool.split_lines(once.decode())
    bodies = tool.section_bodies(lines, "shaping.md")
    assert all(section["title"] in bodies for section in SECTIONS), "check would still be red"
    if b"\r\n" in original and b"\n" not in original.replace(b"\r\n", b""):
        assert b"\n" not in once.replace(b"\r\n", b""), "a CRLF file stays CRLF"


# ------------------------------------------------------------------ the readers the tool feeds
def test_a_box_ticked_only_in_a_fence_or_a_comment_is_still_open() -> None:
    item = "Logs go to stdout."
    for text in (
        f"```\n- [x] {item}\n```\n- [ ] {item}\n",
        f"<!--\n- [x] {item}\n-->\n- [ ] {item}\n",
        f"    - [x] {item}\n",
        f"> ```\n> - [x] {item}\n> ```\n",
    ):
        assert tool.open_items(text, [item]) == [item], text
    assert tool.open_items(f"<!-- draft -->\n\n+ [X] {item}\n", [item]) == []
    assert tool.open_items(f"1. [x] {item}\n", [item]) == []


def test_a_run_shown_in_a_fence_or_a_comment_is_not_a_logged_run() -> None:
    lines = tool.split_lines(
        "## Execution log\n\n| Date | Who |\n| -- | -- |\n| 2026-01-02 | @a |\n\n"
        "```\n| 2030-01-01 | example |\n```\n<!--\n| 2029-01-01 | old |\n-->\n"
    )
    assert tool.newest_run(lines)[0] == tool.datetime.date(2026, 1, 2)


def test_a_run_logged_in_a_table_without_outer_pipes_counts() -> None:
    lines = tool.split_lines("## Execution log\n\nDate | Who\n--- | ---\n2026-03-04 | @a\n")
    assert tool.newest_run(lines)[0] == tool.datetime.date(2026, 3, 4)
    lines = tool.split_lines("## Execution log\n\n| 2026-03-04 | @a |\n")  # no table
    assert tool.newest_run(lines)[0] is None


def test_a_sign_off_row_in_a_fence_does_not_hide_the_real_one() -> None:
    text = "| Role | Who |\n| -- | -- |\n| Owner | _TODO_ |\n\n```\n| Owner | @a |\n```\n"
    assert tool.open_sign_offs(text, ["Owner"]) == ["sign-off by Owner"]
    assert tool.open_sign_offs("```\n| Owner | _TODO_ |\n```\n", ["Owner"]) == []


def test_a_placeholder_in_a_fence_or_comment_of_a_section_still_counts() -> None:
    """Decided: every line of a required section counts, so a pasted prompt is found."""
    for body in ("```\n_TODO: fill in_\n```", "<!-- _TODO: later -->"):
        lines = tool.split_lines(f"## Risks\n\n{body}\n\n## Next\n\nDone.\n")
        bodies = tool.section_bodies(lines)
        assert tool.placeholder_line(lines, bodies, ["Risks"])[0] == "Risks"


@pytest.mark.parametrize("opening", ["---", "\ufeff---", "--- "])
def test_front_matter_is_not_read_as_markdown(opening: str) -> None:
    lines = [opening, "title: x", "size: small", "---", "", "## Risks", "", "Some."]
    assert tool.headings(lines) == [(5, 2, "Risks")]


def test_a_heading_that_may_be_a_link_definition_is_refused_in_one_line() -> None:
    lines = ["---", "size: small", "---", "", "[Risks]: /risks", "======"]
    with pytest.raises(tool.TeamFileError) as refused:
        tool.section_bodies(lines, "docs/x.md")
    assert str(refused.value).startswith("docs/x.md:5: this heading's text starts like a link")


# ------------------------------------------------------------------ rendered projects
def run_tool(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "tools/lifecycle.py", *args], project, check=False)


@pytest.fixture
def project(render, tmp_path: Path) -> Path:
    return editable_copy(render(project_kind="service", project_size="small"), tmp_path)


SEEN_AS_SMOKE = {
    "setext": "Smoke checklist\n---------------\n",
    "indented": " ## Smoke checklist\n",  # after the list above it: 2 would be inside
    "tab after hashes": "##\tSmoke checklist\n",
    "trailing tab": "## Smoke checklist\t\n",
    "closing hashes": "## Smoke checklist ##\n",
}


@pytest.mark.parametrize("heading", SEEN_AS_SMOKE.values(), ids=SEEN_AS_SMOKE.keys())
def test_a_heading_commonmark_sees_is_a_section_and_sync_adds_no_copy(
    project: Path, heading: str
) -> None:
    plan = project / "docs" / "test-plan.md"
    plan.write_text(plan.read_text().replace("## Smoke checklist\n", heading, 1))
    before = plan.read_bytes()
    checked = run_tool(project, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "sync: nothing to add." in run_tool(project, "sync").stdout
    assert plan.read_bytes() == before


HIDDEN_SMOKE = {
    "html comment": "<!--\n## Smoke checklist\n-->\n",
    "backtick fence": "```\n## Smoke checklist\n```\n",
    "tilde fence": "~~~\n## Smoke checklist\n~~~\n",
    "indented code": "    ## Smoke checklist\n",
    "block quote": "> ## Smoke checklist\n",
    "inside the list above": "  ## Smoke checklist\n",
}


@pytest.mark.parametrize("hidden", HIDDEN_SMOKE.values(), ids=HIDDEN_SMOKE.keys())
def test_a_section_commonmark_does_not_see_fails_check_and_sync_adds_it_once(
    project: Path, hidden: str
) -> None:
    plan = project / "docs" / "test-plan.md"
    plan.write_text(plan.read_text().replace("## Smoke checklist\n", hidden, 1))
    checked = run_tool(project, "check")
    assert checked.returncode == 1
    assert "docs/test-plan.md" in checked.stdout and "'## Smoke checklist'" in checked.stdout
    synced = run_tool(project, "sync")
    assert "added '## Smoke checklist' to docs/test-plan.md" in synced.stdout
    assert run_tool(project, "check").returncode == 0
    once = plan.read_bytes()
    assert "sync: nothing to add." in run_tool(project, "sync").stdout
    assert plan.read_bytes() == once
    assert hidden.encode() in once, "the team's lines stay"


def shaping_of(project: Path) -> Path:
    [folder] = sorted((project / "docs" / "work").glob("0001-*"))
    return folder / "shaping.md"


def without_last_section(path: Path) -> str:
    """Drop the document's last ``## `` section: the one sync will add at the end."""
    text = path.read_text()
    last = text.rindex("\n## ")
    title = text[last + 4 :].split("\n", 1)[0]
    path.write_text(text[: last + 1])
    return title


@pytest.mark.parametrize(
    "ending",
    ["```text\nexample output\n", "````\n```\n~~~\n## Looks like a heading\n", "```\n~~~\n"],
    ids=["unclosed fence", "unclosed with a shorter closer", "backtick fence holding tildes"],
)
def test_sync_after_an_unclosed_fence_adds_the_section_once(project: Path, ending: str) -> None:
    shaping = shaping_of(project)
    title = without_last_section(shaping)
    shaping.write_text(shaping.read_text() + "\n" + ending)
    team = shaping.read_text()
    first = run_tool(project, "sync")
    assert first.returncode == 0, first.stderr
    assert f"added '## {title}'" in first.stdout
    text = shaping.read_text()
    assert text.startswith(team), "the team's lines stay, in order; the fence is closed after"
    assert text.count(f"## {title}\n") == 1
    assert run_tool(project, "check").returncode == 0
    assert "sync: nothing to add." in run_tool(project, "sync").stdout
    assert shaping.read_text() == text


def test_sync_refuses_to_add_a_section_inside_an_unclosed_comment(project: Path) -> None:
    shaping = shaping_of(project)
    without_last_section(shaping)
    shaping.write_text(shaping.read_text() + "\n<!-- notes for later\n")
    team = shaping.read_bytes()
    refused = run_tool(project, "sync")
    assert refused.returncode == 3
    [line] = refused.stderr.strip().splitlines()
    assert "shaping.md:" in line and "never closed" in line and "-->" in line
    assert shaping.read_bytes() == team


def test_a_cr_only_document_is_read_line_by_line(project: Path) -> None:
    plan = project / "docs" / "test-plan.md"
    plan.write_bytes(plan.read_bytes().replace(b"\n", b"\r"))
    before = plan.read_bytes()
    assert run_tool(project, "check").returncode == 0
    assert "sync: nothing to add." in run_tool(project, "sync").stdout
    assert plan.read_bytes() == before
    plan.write_bytes(before.replace(b"## Smoke checklist\r", b"Our smoke checks:\r", 1))
    assert "added '## Smoke checklist'" in run_tool(project, "sync").stdout
    synced = plan.read_bytes()
    assert b"\n" not in synced and synced.count(b"## Smoke checklist\r") == 1, "CR stays CR"
    assert "sync: nothing to add." in run_tool(project, "sync").stdout


# ------------------------------------------------------------------ a real copier update
FOLLOW_UP = "Follow-ups"
AFTER_OPEN_QUESTIONS = AddText(
    "extensions/process.yml",
    f"  - title: {FOLLOW_UP}\n    min_size: medium\n"
    '    text: "_TODO: what this RFC leaves for later, and who picks it up._"',
    after='text: "- _TODO: a question, marked **blocking** if the RFC',
)


@pytest.mark.slow
def test_an_update_after_an_unclosed_fence_adds_the_section_once_and_the_next_adds_nothing(
    tmp_path: Path,
) -> None:
    """v2 adds a last RFC section; the team's RFC ends inside a fence it never closed."""
    template = build_template_repo(tmp_path / "lifecycle", [AFTER_OPEN_QUESTIONS])
    answers = {"project_name": "Acme Billing", "project_kind": "service", "project_size": "medium"}
    project = copy_project(template.path, template.v1, tmp_path / "acme-billing", answers)
    [rfc] = sorted((project / "docs" / "work").glob("0001-*/rfc.md"))
    team = rfc.read_text() + "\n```text\n$ make migrate\n"
    rfc.write_text(team)
    assert run_tool(project, "check").returncode == 0, "v1 asks for nothing after the fence"
    commit_all(project, "Our RFC, with a fence left open")

    first = copier_cli("update", "--trust", "--defaults", cwd=project)
    output = first.stdout + first.stderr
    assert output.count(f"added '## {FOLLOW_UP}'") == 1, output
    updated = rfc.read_text()
    assert updated.startswith(team) and updated.count(f"## {FOLLOW_UP}\n") == 1
    assert run_tool(project, "check").returncode == 0
    commit_all(project, "Update to v2")

    run(["git", "commit", "-q", "--allow-empty", "-m", "Template v3"], template.path)
    run(["git", "tag", "v3.0.0"], template.path)
    second = copier_cli("update", "--trust", "--defaults", cwd=project)
    assert "added '## " not in second.stdout + second.stderr
    assert rfc.read_text() == updated, "the next update adds nothing"
