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
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from .commonmark_cases import corpus
from .test_lifecycle_tool import PROCESS, tool

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


def test_refusals_are_rare_and_each_one_line() -> None:
    refused = [name for name, text in CORPUS if isinstance(tool_scan(text), tool.TeamFileError)]
    assert len(refused) <= len(CORPUS) // 20, refused
    assert "reference: refdef then html" in refused  # where the two readers disagree


RFC = next(doc for doc in PROCESS["kit"] if doc["file"] == "shaping.md")
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


@pytest.mark.parametrize("where", ["piece", "plain"])
@pytest.mark.parametrize(("name", "text"), CORPUS, ids=IDS)
def test_sync_twice_changes_nothing_and_keeps_every_team_line(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    document = tmp_path / "shaping.md"
    original = ((FRONT if where == "piece" else "") + text).encode()
    document.write_bytes(original)
    try:
        tool.sync_file(document, SECTIONS, "shaping.md")
    except tool.TeamFileError as refusal:
        assert document.read_bytes() == original, "a refused document is left as it was"
        assert "\n" not in str(refusal)
        return
    once = document.read_bytes()
    assert tool.sync_file(document, SECTIONS, "shaping.md") == []
    assert document.read_bytes() == once, "the second sync changed the document"
    assert lines_in_order(original, once), "a team line was lost, changed or moved"
    lines = tool.split_lines(once.decode())
    bodies = tool.section_bodies(lines, "shaping.md")
    assert all(section["title"] in bodies for section in SECTIONS), "check would still be red"
    if b"\r\n" in original and b"\n" not in original.replace(b"\r\n", b""):
        assert b"\n" not in once.replace(b"\r\n", b""), "a CRLF file stays CRLF"
