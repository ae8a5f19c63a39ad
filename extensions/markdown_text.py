"""Answers as Markdown text: shown as typed, and already in mdformat's form.

Copier loads this file by path (through ``copier_template_extensions``), so it
stays importable on its own: standard library and Jinja2 only.

Why a module: a project name like ``ops_*beta*`` must neither turn into
emphasis in the generated documents nor fail the project's own Markdown check
in CI; the escaping rules follow mdformat's, which is subtle enough to deserve
its own file and tests (tests/test_markdown_text.py).

* filter ``markdown``: ``{{ project_name | markdown }}``, or
  ``markdown("heading")`` / ``markdown("paragraph")`` where the text starts a
  heading or a line of its own.
"""

from __future__ import annotations

import html.entities
import re
import unicodedata

from jinja2 import Environment
from jinja2.ext import Extension

# An answer in a Markdown file must show as typed (`*beta*` is not emphasis,
# `- x` not a list) and must already be in the form mdformat writes, or the
# project fails its own `mdformat --check` in CI. These rules escape what
# mdformat (with mdformat-gfm) escapes when it writes text, in the same order,
# so the result is a fixed point of mdformat; tests/test_markdown_text.py
# checks both properties against mdformat and markdown-it themselves.
_WHITESPACE = frozenset(
    "\t\n\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_BRACKET_PAIR = re.compile(r"\[[^\[\]]*\](?![:(])")
_LESS_THAN = re.compile(r"<(?:[^ ]|$)")  # as mdformat matches it: `<<` is one match
_REFERENCE = re.compile(r"&(#[0-9]{1,7}|#[Xx][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]*);")


def _flanks(char: str | None) -> bool:
    """Whether ``char`` next to ``_`` lets it open or close emphasis."""
    return char is None or char in _WHITESPACE or unicodedata.category(char)[0] in "PS"


def _escape_emphasis(text: str) -> str:
    """Escape each `*` unless spaced on both sides; each `_` that could delimit emphasis."""
    out = []
    for i, char in enumerate(text):
        before = text[i - 1] if i else None
        after = text[i + 1] if i + 1 < len(text) else None
        spaced = before in _WHITESPACE and after in _WHITESPACE
        if char == "*" and not spaced:
            char = "\\*"
        elif char == "_" and not spaced and (_flanks(before) or _flanks(after)):
            char = "\\_"
        out.append(char)
    return "".join(out)


def _escape_brackets(text: str) -> str:
    """Escape `[` and `]`, except a pair with no bracket inside that cannot start a link."""
    kept: set[int] = set()
    for match in _BRACKET_PAIR.finditer(text):
        kept.update((match.start(), match.end() - 1))
    return "".join(
        "\\" + char if char in "[]" and i not in kept else char for i, char in enumerate(text)
    )


def _escape_reference(match: re.Match[str]) -> str:
    """Escape `&` where the text would read as a character reference (`&amp;`, `&#35;`)."""
    name = match.group(1)
    if name.startswith("#") or f"{name};" in html.entities.html5:
        return "\\" + match.group()
    return match.group()


def _escape_line_start(line: str) -> str:
    """Escape what would turn a paragraph's line into a heading, quote, list, rule or task."""
    if re.match(r"#{1,6}( |$)", line) or line.startswith(">") or re.match(r"[-*+]( |$)", line):
        line = "\\" + line
    for mark in ")", ".":
        if re.match(rf"[0-9]+\{mark}( |$)", line):
            line = line.replace(mark, "\\" + mark, 1)
    bare = line.replace(" ", "")
    for mark in "*-_":
        if len(bare) >= 3 and set(bare) == {mark}:
            line = line.replace(mark, "\\" + mark, 1)
    if set(line) == {"-"}:
        line = line.replace("-", "\\-", 1)
    elif set(line) == {"="}:
        line = line.replace("=", "\\=", 1)
    line = re.sub(r"^\[([ xX])\]", r"\[\1\]", line)  # a task list box (GFM)
    if set(line) <= set("|-: "):  # a table's delimiter row (GFM)
        line = line.replace("-", "\\-", 1)
    return line


def markdown_text(value: object, block: str = "inline") -> str:
    """``value`` as Markdown that shows it as typed and that mdformat leaves alone.

    ``block`` says where the text goes: ``"inline"`` (inside a line),
    ``"heading"`` (after ``# ``) or ``"paragraph"`` (a line of its own, where
    a leading ``-`` or ``1.`` would start a list). Runs of spaces and tabs
    become one space, as every Markdown renderer shows them.
    """
    if block not in ("inline", "heading", "paragraph"):
        raise ValueError(f"block must be inline, heading or paragraph, not {block!r}")
    text = re.sub(r"[ \t]+", " ", str(value)).replace("\\", "\\\\")
    text = _escape_brackets(_escape_emphasis(text))
    text = _LESS_THAN.sub(lambda match: "\\" + match.group(), text).replace("`", "\\`")
    text = _REFERENCE.sub(_escape_reference, text).replace("~~", "\\~~")
    if block == "heading" and text.endswith("#"):
        text = text[:-1] + "\\#"
    if block == "paragraph":
        text = _escape_line_start(text)
    return text


class MarkdownExtension(Extension):
    """Register the ``markdown`` filter."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["markdown"] = markdown_text
