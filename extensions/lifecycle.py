"""Jinja extension behind the lifecycle template.

Copier loads this file by path (through ``copier_template_extensions``), so it
must stay importable on its own: standard library, Jinja2 and PyYAML (which
copier itself depends on).

Public surface, used by ``copier.yml`` and ``template/``:

* filter ``recommend_size``: the size the rubric recommends for a list of
  ratings (``low`` / ``moderate`` / ``high``). The most severe rating wins,
  because an artefact that is too light is the failure we want to avoid.
* test ``at_least``: ``{% if project_size is at_least("medium") %}``.
* filter ``package_name``: a valid, importable Python package name derived
  from any project name (non-ASCII welcome).
* filter ``quoted``: a double-quoted string literal valid in TOML, YAML and
  Python, so answers never break the files they land in.
* filter ``markdown`` (``markdown_text``): an answer as Markdown text that
  shows as typed and that mdformat leaves alone, so a name like ``ops_*beta*``
  neither turns into emphasis nor fails the project's Markdown check.
* filters ``name_problem``, ``package_problem``, ``description_problem``,
  ``owner_problem`` and ``link_problem``: the rule an answer breaks, or an
  empty string; the validators in ``copier.yml`` are one call each, so every
  rule is unit-tested.
* global ``process_items(key, size, has_ui=False)``: the items of one list in
  ``extensions/process.yml`` (a checklist, the sections of a document, the
  artefacts of each stage) that a project of ``size`` gets, in file order.
  Size-varying process content lives only there, so a process change is one
  edit in that file.
* global ``project_items(key)``: the same for the project being rendered,
  filtered by its size, UI, kind and rubric answers.

Everything is a plain function too, so tests can call it without Jinja.
"""

from __future__ import annotations

import html.entities
import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

SIZES: tuple[str, ...] = ("small", "medium", "large")
"""Project sizes, lightest first. Artefacts accumulate from left to right."""

RATINGS: dict[str, str] = {"low": "small", "moderate": "medium", "high": "large"}
"""What one rubric answer implies on its own."""

KINDS: tuple[str, ...] = ("service", "library")
"""Project kinds. An item with ``kind`` set reaches only projects of that kind."""

RUBRIC_FLAGS: dict[str, str] = {"scope": "size_scope", "impact": "size_impact", "risk": "size_risk"}
"""Each rubric flag of an item's ``added_by``, with the ``copier.yml`` question that answers it."""


PROCESS_FILE = Path(__file__).with_name("process.yml")
"""The data file with every list whose items depend on the project size."""

RUBRIC: dict[str, str] = {
    "size_scope": "Effort and people: days for one person (low), weeks for one or two "
    "people or a second team such as platform engineering (moderate), months or several "
    "teams (high).",
    "size_impact": "Who notices and what data it touches: developers only and public data "
    "(low), a known group of users or confidential data (moderate), all users, changed "
    "default behaviour or regulated data (high).",
    "size_risk": "How hard to undo and how much is unknown: well understood and reverted in "
    "an hour (low), open questions, new infrastructure of a known kind or a flag rollback "
    "(moderate), a spike needed, a new kind of infrastructure or a one-way change such as a "
    "data migration (high).",
}
"""The rubric questions asked in ``copier.yml``, with what each rating means."""

MAX_NAME_LENGTH = 80
MAX_PACKAGE_LENGTH = 50
MAX_DESCRIPTION_LENGTH = 200
MAX_LINK_LENGTH = 300
_PACKAGE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_OWNER_RE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$")
_PATH_LIKE_RE = re.compile(r"^(/|~/|\.{1,2}/|[A-Za-z]:/)")
"""A project name that starts like a file path (``/``, ``~/``, ``./``, ``../``, ``C:/``)."""
_LINK_RE = re.compile(r"^(?P<scheme>[A-Za-z]+)://(?P<host>[^/?#]*)")
_HOST_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")
_URL_CHARS_RE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
"""ASCII URL characters that Markdown tools keep as they are inside ``<...>``.

mdformat (through markdown-it) percent-encodes anything else in an autolink,
such as non-ASCII letters, brackets or a lone ``%``; refusing them keeps the
rendered note identical to its formatted form.
"""


def recommend_size(ratings: Iterable[str]) -> str:
    """Return the size implied by the most severe rating.

    Unknown ratings raise ``ValueError`` rather than being ignored: a typo in
    the questionnaire must not quietly shrink a project's process.
    """
    sizes = []
    for rating in ratings:
        if rating not in RATINGS:
            raise ValueError(f"unknown rating {rating!r}; expected one of {list(RATINGS)}")
        sizes.append(SIZES.index(RATINGS[rating]))
    return SIZES[max(sizes, default=0)]


def size_at_least(size: str, minimum: str) -> bool:
    """Tell whether ``size`` gets everything a ``minimum``-sized project gets."""
    for value in (size, minimum):
        if value not in SIZES:
            raise ValueError(f"unknown size {value!r}; expected one of {list(SIZES)}")
    return SIZES.index(size) >= SIZES.index(minimum)


def package_name(project_name: str) -> str:
    """Derive an importable package name from a free-text project name.

    Accents are folded to ASCII ("Café" -> "cafe"); anything else that is not
    a letter or digit becomes one underscore. Names that could not be imported
    as they are (empty, leading digit, keyword, standard-library module) get
    an ``app`` prefix or suffix, so the default always passes validation.
    """
    ascii_name = (
        unicodedata.normalize("NFKD", project_name).encode("ascii", "ignore").decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:MAX_PACKAGE_LENGTH]
    slug = slug.strip("_")
    if not slug:
        return "app"
    if slug[0].isdigit():
        slug = f"app_{slug}"[:MAX_PACKAGE_LENGTH].rstrip("_")
    if keyword.iskeyword(slug) or slug in sys.stdlib_module_names:
        slug = f"{slug}_app"
    return slug


# Copier shows a refusal as "Validation error for question 'NAME': MESSAGE" on
# one terminal line, cut at the terminal's width: at 80 columns only about the
# first 34 characters of MESSAGE show. So each message starts with the rule in
# a few words and leaves examples and details to the end; copier's prefix
# already names the question. tests/test_lifecycle_extension.py checks every
# message against that budget.
ONE_LINE_RULE = "must be one line: no line breaks or control characters."
NOT_EMPTY_RULE = "must not be empty or only spaces."
NO_PADDING_RULE = "must not start or end with spaces."


def name_problem(project_name: str) -> str:
    """Return the rule a project name breaks, or ``""`` when it is fine.

    The name only reaches Markdown and YAML (never Python source or a file
    name: the package name is derived from it), so any language, quotes and
    Jinja-looking text are fine. A path is refused because it is almost always
    a destination folder typed into the wrong question.
    """
    if not project_name.strip():
        return NOT_EMPTY_RULE
    if any(unicodedata.category(char).startswith("C") for char in project_name):
        return ONE_LINE_RULE
    if project_name != project_name.strip():
        return NO_PADDING_RULE
    if len(project_name) > MAX_NAME_LENGTH:
        return f"must be at most {MAX_NAME_LENGTH} characters."
    if not any(char.isalnum() for char in project_name):
        return "must contain a letter or a digit."
    if "\\" in project_name or _PATH_LIKE_RE.match(project_name):
        return (
            "must be a name, not a file path: no backslashes, and no leading "
            "/, ~, ./, ../ or drive letter."
        )
    return ""


def package_problem(name: str) -> str:
    """Return the rule a package name breaks, or ``""`` when it is fine."""
    if not _PACKAGE_RE.match(name):
        return (
            "must use only a-z, 0-9 and _, and start with a letter "
            "(lowercase ASCII, like billing_core)."
        )
    if len(name) > MAX_PACKAGE_LENGTH:
        return f"must be at most {MAX_PACKAGE_LENGTH} characters."
    if keyword.iskeyword(name):
        return f"must not be a Python keyword ({name!r})."
    if name in sys.stdlib_module_names:
        return f"must not shadow stdlib module {name!r}: the import would find it first."
    return ""


def description_problem(description: str) -> str:
    """Return the rule a description breaks, or ``""`` when it is fine."""
    if not description.strip():
        return NOT_EMPTY_RULE
    if any(unicodedata.category(char).startswith("C") for char in description):
        return ONE_LINE_RULE
    if description != description.strip():
        return NO_PADDING_RULE
    if len(description) > MAX_DESCRIPTION_LENGTH:
        return f"must be at most {MAX_DESCRIPTION_LENGTH} characters."
    return ""


def owner_problem(owner: str) -> str:
    """Return the rule an owner handle breaks, or ``""`` when it is fine.

    The owner lands in CODEOWNERS, which only understands GitHub handles.
    """
    if not _OWNER_RE.match(owner):
        return "must be a GitHub handle: @user or @org/team."
    return ""


def link_problem(link: str) -> str:
    """Return the rule a design link breaks, or ``""`` when it is fine.

    Empty means "no designs yet" and is fine. Anything else is shown as a
    Markdown autolink (``<URL>``) in docs/design.md, so it must be one web
    address a browser opens: no ``javascript:`` or file paths, no spaces or
    control characters that would end the link early, no credentials that
    would be committed for everyone to read, and only characters Markdown
    keeps as they are.
    """
    if link == "":
        return ""
    if any(unicodedata.category(char).startswith("C") for char in link):
        return ONE_LINE_RULE
    if len(link) > MAX_LINK_LENGTH:
        return f"must be at most {MAX_LINK_LENGTH} characters."
    if any(char.isspace() for char in link):
        return "must contain no spaces (use %20), or be empty."
    parts = _LINK_RE.match(link)
    if parts is None or parts["scheme"].lower() not in ("http", "https"):
        return (
            "must start with http:// or https://, like https://www.figma.com/file/..., or be empty."
        )
    if "@" in parts["host"]:
        return "must have no user name or password: everyone can read it."
    if not _HOST_RE.match(parts["host"]):
        return "must have a host name after http(s)://, like www.figma.com."
    if not _URL_CHARS_RE.match(link):
        return (
            "must be URL-safe ASCII: percent-encode anything else as %XX (kept as they are: "
            "letters, digits and - . _ ~ : / ? # @ ! $ & ' ( ) * + , ; =)."
        )
    return ""


def quoted(value: object) -> str:
    """Quote a value as a double-quoted literal valid in TOML, YAML and Python."""
    return json.dumps(str(value), ensure_ascii=False)


# ---------------------------------------------------------------- Markdown text
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
    kept = set()
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


@cache
def load_process(path: Path = PROCESS_FILE) -> dict[str, list[dict[str, Any]]]:
    """Read and check ``process.yml`` once.

    A broken item (no ``text``, an unknown ``min_size``) fails the render
    instead of silently dropping a checklist line from every project.
    """
    # libyaml's loader (in PyYAML's wheels) reads the file ten times faster than
    # the pure-Python one, and an update loads it three times (old copy, new copy, merge).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} must map list names to lists of items")
    for key, items in data.items():
        if not isinstance(items, list) or not items:
            raise ValueError(f"{path.name}: {key!r} must be a non-empty list")
        for number, item in enumerate(items, start=1):
            where = f"{path.name}: {key}[{number}]"
            if not isinstance(item, dict) or not str(item.get("text", "")).strip():
                raise ValueError(f"{where} needs a non-empty 'text'")
            if item.get("min_size") not in SIZES:
                raise ValueError(f"{where} has min_size {item.get('min_size')!r}; use {SIZES}")
            if item.get("kind", KINDS[0]) not in KINDS:
                raise ValueError(f"{where} has kind {item.get('kind')!r}; use {KINDS}")
            for flag, rating in (item.get("added_by") or {}).items():
                if flag not in RUBRIC_FLAGS or rating not in RATINGS:
                    raise ValueError(f"{where} has added_by {flag}: {rating}; use {RUBRIC_FLAGS}")
    return data


def _added_by_rating(item: dict[str, Any], ratings: dict[str, str] | None) -> bool:
    """Whether one of the project's rubric answers brings the item whatever the size.

    A high risk earns a rollback rehearsal even in a project sized medium: the
    answer names a danger that the chosen size does not make go away.
    """
    wanted = item.get("added_by") or {}
    return bool(ratings) and any(ratings.get(flag) == rating for flag, rating in wanted.items())


def process_items(
    key: str,
    size: str,
    has_ui: bool = False,
    kind: str | None = None,
    ratings: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Return the items of list ``key`` that a ``size`` project gets, in order.

    An item is kept when ``size`` is at least its ``min_size``, or when one of
    ``ratings`` (rubric flag to answer, such as ``{"risk": "high"}``) matches
    its ``added_by``; items with ``has_ui: true`` are kept only when
    ``has_ui`` is true; items with a ``kind`` only for that kind (``kind=None``
    keeps every kind). Unknown keys raise, so a typo in a template is a render
    error rather than an empty checklist.
    """
    process = load_process()
    if key not in process:
        raise KeyError(f"unknown process list {key!r}; expected one of {sorted(process)}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {list(KINDS)}")
    return [
        dict(item)
        for item in process[key]
        if (size_at_least(size, item["min_size"]) or _added_by_rating(item, ratings))
        and (has_ui or not item.get("has_ui", False))
        and (kind is None or item.get("kind", kind) == kind)
    ]


@pass_context
def project_items(context: Context, key: str) -> list[dict[str, Any]]:
    """The items of list ``key`` for the project being rendered (size, UI, kind, rubric)."""
    ratings = {flag: str(context.get(question, "")) for flag, question in RUBRIC_FLAGS.items()}
    return process_items(
        key,
        str(context["project_size"]),
        bool(context.get("has_ui", False)),
        str(context["project_kind"]),
        ratings,
    )


class LifecycleExtension(Extension):
    """Register the lifecycle filters and tests on copier's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            recommend_size=recommend_size,
            package_name=package_name,
            name_problem=name_problem,
            package_problem=package_problem,
            description_problem=description_problem,
            owner_problem=owner_problem,
            link_problem=link_problem,
            quoted=quoted,
            markdown=markdown_text,
        )
        environment.tests["at_least"] = size_at_least
        environment.globals["SIZES"] = SIZES
        environment.globals["process_items"] = process_items
        environment.globals["project_items"] = project_items
