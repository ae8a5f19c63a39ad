"""Front matter is read as YAML really is: the tool against PyYAML, case by case.

``tests/front_matter_cases.txt`` holds front matter as teams write it (its header
says where the cases come from and how a case is written). The reference for each
is what the docs build reads: markdown-it with mdit-py-plugins' front matter rule
finds the block, as myst-parser and mdformat-frontmatter do, and ``yaml.safe_load``
reads it. The tool, standard library only, must read exactly that, or refuse the
document in one line naming a line of it: never a silent difference.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .extension_modules import tool

CASES_FILE = Path(__file__).with_name("front_matter_cases.txt")
HEADER = re.compile(r"^=== (?P<name>.+?)(?P<marks>(?: \([a-z-]+\))*)(?P<refused> -> refused)?$")
MARKDOWN = MarkdownIt("commonmark").use(front_matter_plugin)
NONE = object()
"""The reference's answer for a document without front matter."""


@dataclass(frozen=True)
class Case:
    """One document of the corpus, and whether the corpus says the tool refuses it."""

    name: str
    text: str
    refused: bool


def load_cases() -> list[Case]:
    """Read the corpus: ``=== NAME (marks) [-> refused]`` and the document's lines."""
    found: list[tuple[re.Match[str], list[str]]] = []
    for line in CASES_FILE.read_text(encoding="utf-8").split("\n"):
        header = HEADER.match(line)
        if header:
            found.append((header, []))
        elif found:
            found[-1][1].append(line)
    cases = []
    for header, lines in found:
        marks = set(re.findall(r"\(([a-z-]+)\)", header["marks"]))
        while lines and not lines[-1]:
            lines.pop()
        text = "\n".join(lines) + ("" if "no-eol" in marks else "\n")
        if "escaped" in marks:
            text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        if "crlf" in marks:
            text = text.replace("\n", "\r\n")
        if "cr" in marks:
            text = text.replace("\n", "\r")
        cases.append(Case(header["name"], text, bool(header["refused"])))
    return cases


CASES = load_cases()


def reference(text: str) -> Any:
    """What the docs build reads: mdit-py-plugins delimits, ``yaml.safe_load`` reads.

    Sphinx reads sources as ``utf-8-sig``, so a byte order mark never reaches
    the parser. ``NONE`` for a document without front matter; the exception
    when PyYAML refuses it.
    """
    tokens = MARKDOWN.parse(text.removeprefix("\ufeff"))
    if not tokens or tokens[0].type != "front_matter":
        return NONE
    try:
        return yaml.safe_load(tokens[0].content)
    except (yaml.YAMLError, ValueError) as problem:
        return problem


def same(left: Any, right: Any) -> bool:
    """Equal values of equal types all the way down (``True`` is not ``1``; NaN is NaN)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right)


def test_the_corpus_holds_at_least_200_cases_with_distinct_names() -> None:
    names = [case.name for case in CASES]
    assert len(names) >= 200
    assert len(set(names)) == len(names)
    sources = {name.split(":")[0] for name in names}
    assert {"issue", "tool", "jekyll", "hugo", "mkdocs", "sphinx", "docusaurus"} <= sources


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_tool_reads_front_matter_as_pyyaml_or_refuses_in_one_line(case: Case) -> None:
    expected = reference(case.text)
    try:
        read, _lines = tool.yaml_front_matter(case.text, "docs/work/0001-x/shaping.md")
    except tool.TeamFileError as refusal:
        message = str(refusal)
        lines = len(re.split(r"\r\n|\r|\n", case.text))
        assert "\n" not in message and "; " in message, message
        assert message.startswith(f"docs/work/0001-x/shaping.md:{refusal.line}: "), message
        assert 1 <= refusal.line <= lines, message
        assert case.refused, f"refused, but the corpus says it is read: {message}"
        return
    assert not case.refused, f"read as {read!r}, but the corpus says it is refused"
    if expected is NONE:
        assert read == {}, "the docs build sees no front matter here"
        return
    assert not isinstance(expected, Exception), f"PyYAML refuses it ({expected}), the tool read it"
    assert same(read, {} if expected is None else expected), (read, expected)


def test_the_corpus_reads_most_cases_teams_write() -> None:
    """The subset covers real front matter: every tool, Jekyll, Hugo and Docusaurus case
    that is flat (no nested mapping) is read, not refused."""
    flat = [
        case
        for case in CASES
        if case.name.split(":")[0] in ("tool", "jekyll", "hugo", "mkdocs", "docusaurus")
        and isinstance(reference(case.text), dict)
        and not any(isinstance(v, dict) for v in reference(case.text).values())
        and not any(isinstance(v, list) and any(isinstance(i, dict) for i in v)
                    for v in reference(case.text).values())
    ]  # fmt: skip
    refused = [case.name for case in flat if case.refused]
    assert len(flat) >= 60
    assert refused == ["jekyll: ampersand start"], refused


def matter_of(text: str) -> dict[Any, Any]:
    return dict(tool.read_front_matter(text, "docs/work/0001-x/shaping.md"))


def refusal_of(text: str) -> str:
    with pytest.raises(tool.TeamFileError) as refused:
        tool.read_front_matter(text, "docs/work/0001-x/shaping.md")
    return str(refused.value)


def test_a_comment_after_the_size_is_not_part_of_it() -> None:
    assert matter_of("---\nsize: small  # was medium\n---\n")["size"] == "small"


def test_quotes_and_escapes_read_as_yaml_reads_them() -> None:
    text = "---\ntitle: 'It''s proj'\nowner: \"\\x41BC \\u00e9\"\n---\n"
    assert matter_of(text) == {"title": "It's proj", "owner": "ABC é"}


def test_a_folded_title_is_its_text_not_the_indicator() -> None:
    assert matter_of("---\ntitle: >-\n  Carrier\n  cache\n---\n")["title"] == "Carrier cache"


def test_created_reads_as_the_date_yaml_makes_of_it() -> None:
    assert matter_of("---\ncreated: 2026-01-05\n---\n")["created"] == datetime.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: 2026\n---\n", ':2: title must be text, not a number 2026; quote it:'),
        ("---\nsize: small\ntitle:\n---\n", ":3: title must be text, not nothing; quote it"),
        ("---\nstatus: yes\n---\n", ":2: status must be text, not true/false True; quote it"),
        ("---\ncreated: 12\n---\n", ":2: created must be a date, not a number; write it as"),
        ("---\nui: 1\n---\n", ":2: ui must be true or false, not a number; write ui: true"),
        ("---\nlinks: [1]\n---\n", ":2: links must be a list of file names;"),
        ("---\ntitle: x\nsize small\n---\n", ":3: front matter: a line without `key: value`;"),
        ("---\ntitle: x\ntitle: y\n---\n", ":3: front matter: key 'title' given twice (first on"),
        ("---\ntitle: x\n\n# Body\n", ":1: front matter opened by the --- on this line is never"),
        ('---\ntitle: "proj\n---\n', ":2: front matter: a quoted value that does not end on its"),
        ("---\ntitle:\tx\n---\n", ":2: front matter: a tab outside quotes;"),
        ("---\n<<<<<<< HEAD\nsize: small\n---\n", ":2: front matter: a merge conflict marker;"),
    ],
)  # fmt: skip
def test_a_value_the_tool_cannot_use_is_one_line_naming_its_line(text: str, message: str) -> None:
    found = refusal_of(text)
    assert found.startswith("docs/work/0001-x/shaping.md:") and message in found, found
    assert "\n" not in found
