"""The ``markdown`` filter, checked against mdformat and its Markdown parser.

Two properties for every value, in every place an answer lands in Markdown
(a heading, a paragraph of its own, the middle of a line):

* mdformat leaves the text alone, so a generated project passes its own
  `mdformat --check` whatever its name and description;
* the parser reads it back as plain text equal to the answer (runs of spaces
  shown as one), so `*beta*` is never emphasis and `- x` never a list. The
  one exception is mdformat's own: it writes `<<tag>` as `\\<<tag>`, which
  reads as `<` and an HTML tag, and a check must pass, so we write it so too.

The parser is the one mdformat builds, with the plugins a generated project
installs (mdformat-gfm, mdformat-frontmatter).
"""

from __future__ import annotations

import random
import re
import tomllib

import mdformat
import mdformat.plugins
import pytest
from mdformat._util import build_mdit
from mdformat.renderer import MDRenderer

from .conftest import ROOT
from .extension_modules import markdown_text
from .test_hostile_answers import ACCEPTED

OPTIONS = tomllib.loads((ROOT / "template" / ".mdformat.toml").read_text())
EXTENSIONS = set(mdformat.plugins.PARSER_EXTENSIONS)  # what the mdformat CLI enables
PARSER = build_mdit(MDRenderer, mdformat_opts=OPTIONS, extensions=EXTENSIONS)
# Where answers land: the Markdown around them, and the block the answer sits in.
PLACES = {
    "heading": ("# {}\n", ["heading"]),
    "paragraph": ("# Title\n\n{}\n", ["heading", "paragraph"]),
    "inline": ("- the owner ({}) keeps it.\n", ["bullet_list", "list_item", "paragraph"]),
}

NAMES = [
    "Acme Billing",
    "Acme *beta*",
    "Acme * Billing",
    "a*b",
    "_private",
    "ops_tools_",
    "snake_case name",
    "C:\\Users\\me\\",
    "a  b\t c",
    "Foo #",
    "C# service ##",
    "#1 service",
    "# not a heading",
    "R&D tools",
    "Q&amp;A &#35; &#x41; &nosuch; &copy",
    "<internal>",
    "a < b > c",
    "[draft] Billing",
    "Billing [v2](http://x) and [ref]: x",
    "[x] done",
    "[ ] todo",
    "x`y` ``z``",
    "~~old~~ and ~single~",
    "a|b | c",
    "www.example.com and https://example.com/a_b_",
    "- a list",
    "+ plus",
    "* star",
    "1. first",
    "2024) year",
    "> quote",
    "---",
    "- - -",
    "===",
    "***",
    "___",
    "```",
    "~~~",
    "<div>x</div>",
    "Ends with !",
    "![image](x.png)",
    "back\\slash \\* \\_",
    "Ω 🚀 数据 مشروع",
    'The "Best" app\'s',
    "{{ 7*7 }} {% if x %}",
    "__init__ and **bold**",
    "a_b_c _a_ a_",
    "[a]b[c]d]",
    "<<div>x",
]
ALPHABET = "ab _*\\`<>[]()#-+=.~&;:!| 1x#\t"


def random_values(count: int, seed: int = 7) -> list[str]:
    """Short strings over Markdown's special characters (seeded, so failures repeat)."""
    rng = random.Random(seed)
    values = []
    for _ in range(count):
        value = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))).strip()
        if value:
            values.append(value)
    return values


def hostile_values() -> list[str]:
    return [case.value for case in ACCEPTED if case.question in ("project_name", "description")]


VALUES = sorted(set(NAMES + hostile_values() + random_values(400)))


def inline_text(tokens: list) -> tuple[str, list[str]]:
    """The plain text of an inline token, and the kinds of anything that is not text."""
    text, other = "", []
    for child in tokens:
        if child.type == "text":
            text += child.content
        elif child.type == "softbreak":
            text += "\n"
        elif child.type in ("link_open", "link_close") and child.info == "auto":
            continue  # a bare URL made a link: its text is still the text
        elif child.type.startswith("gfm_autolink") or child.markup == "linkify":
            continue
        else:
            other.append(child.type)
    return text, other


@pytest.mark.parametrize("place", PLACES)
def test_answers_survive_mdformat_and_read_back_as_typed(place: str) -> None:
    around, expected_blocks = PLACES[place]
    problems = []
    for value in VALUES:
        text = markdown_text.markdown_text(value, place)
        document = around.format(text)
        formatted = mdformat.text(document, options=OPTIONS, extensions=EXTENSIONS)
        if formatted != document:
            problems.append(f"{value!r}: mdformat changes {document!r} to {formatted!r}")
            continue
        tokens = PARSER.parse(document)
        blocks = [token.type.removesuffix("_open") for token in tokens if token.nesting == 1]
        inline = [token for token in tokens if token.type == "inline"][-1]
        shown, other = inline_text(inline.children or [])
        expected = re.sub(r"[ \t]+", " ", value)
        if place == "inline":
            expected = f"the owner ({expected}) keeps it."
        if blocks != expected_blocks:
            problems.append(f"{value!r}: {document!r} parses as {blocks}")
        elif re.search(r"<<[^ ]", value):
            continue  # mdformat writes `<<x` as `\<<x`, where `<x` may read as HTML: stable only
        elif other or shown.strip() != expected.strip():
            problems.append(f"{value!r}: {document!r} shows {shown!r} {other}")
    assert not problems, f"{len(problems)} of {len(VALUES)} values:\n" + "\n".join(problems[:20])


def test_ordinary_text_is_unchanged() -> None:
    for value in ("Acme Billing", "Bills customers every month.", "@acme/billing", "snake_case"):
        for place in PLACES:
            assert markdown_text.markdown_text(value, place) == value


def test_unknown_place_is_refused() -> None:
    with pytest.raises(ValueError, match="inline, heading or paragraph"):
        markdown_text.markdown_text("x", "table")
