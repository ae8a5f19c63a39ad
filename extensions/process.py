"""The process content: the lists in ``process.yml``, filtered for a project.

Copier loads this file by path (through ``copier_template_extensions``), so it
stays importable on its own: standard library, Jinja2 and PyYAML (which copier
itself depends on). The size rules come from ``sizes.py`` beside it, loaded by
path under a name of its own (an update loads two template versions).

Why a module: size-varying process content (a checklist, the sections of a
document, the artefacts of each stage) lives only in ``process.yml``, so a
process change is one edit in that file; this module reads and checks it once
and hands each template the items a project gets.

* global ``process_items(key, size, has_ui=False, kind=None, ratings=None)``:
  the items of one list that a project of ``size`` gets, in file order.
* global ``project_items(key)``: the same for the project being rendered,
  filtered by its size, UI, kind and rubric answers.
* global ``command(name)``: a command a document or message gives, from the
  ``commands`` list, for the repository being rendered.
"""

from __future__ import annotations

import importlib.util
import shlex
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

PROCESS_FILE = Path(__file__).with_name("process.yml")
"""The data file with every list whose items depend on the project size."""


def _load_reuse() -> ModuleType:
    """``reuse.py`` beside this file, executed afresh like every module of this version."""
    path = Path(__file__).with_name("reuse.py")
    spec = importlib.util.spec_from_file_location("lifecycle_reuse", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reuse = _load_reuse()
sizes = reuse.load_module("lifecycle_sizes", Path(__file__).with_name("sizes.py"))
"""``sizes.py`` beside this file, never another template version's."""
SIZES: tuple[str, ...] = sizes.SIZES
RATINGS: dict[str, str] = sizes.RATINGS

KINDS: tuple[str, ...] = ("service", "library")
"""Project kinds. An item with ``kind`` set reaches only projects of that kind."""

RUBRIC_FLAGS: dict[str, str] = {"scope": "size_scope", "impact": "size_impact", "risk": "size_risk"}
"""Each rubric flag of an item's ``added_by``, with the ``copier.yml`` question that answers it."""


@cache
def load_process(path: Path = PROCESS_FILE) -> dict[str, list[dict[str, Any]]]:
    """Read and check ``process.yml`` once.

    A broken item (no ``text``, an unknown ``min_size``) fails the render
    instead of silently dropping a checklist line from every project.
    """
    # Parsed once per process per content: an update renders twice from the same file.
    data = reuse.load_yaml(path)
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
        if (sizes.size_at_least(size, item["min_size"]) or _added_by_rating(item, ratings))
        and (has_ui or not item.get("has_ui", False))
        and (kind is None or item.get("kind", kind) == kind)
    ]


@pass_context
def project_items(context: Context, key: str) -> list[dict[str, Any]]:
    """The items of list ``key`` for the project being rendered (size, UI, kind, rubric).

    An item with ``answer: NAME`` is kept only when that answer is set (a file
    an optional feature adds, such as the RFC discussions workflow).
    """
    ratings = {flag: str(context.get(question, "")) for flag, question in RUBRIC_FLAGS.items()}
    items = process_items(
        key,
        str(context["project_size"]),
        bool(context.get("has_ui", False)),
        str(context["project_kind"]),
        ratings,
    )
    return [item for item in items if not item.get("answer") or context.get(item["answer"])]


DEFAULT_ANSWERS_FILE = ".copier-answers.yml"


def commands() -> dict[str, str]:
    """Each command of ``process.yml``'s ``commands`` list by name, as written there."""
    return {str(item["name"]): str(item["text"]) for item in load_process()["commands"]}


def command_line(name: str, answers_file: str = DEFAULT_ANSWERS_FILE) -> str:
    """The one spelling of command ``name`` for a repository with ``answers_file``.

    ``update`` is the whole copier command line, run through ``uvx`` so it
    needs no install, with ``--answers-file`` where the repository keeps this
    template's answers elsewhere (copier would read the default file instead).
    """
    known = commands()
    if name not in known:
        raise KeyError(f"unknown command {name!r}; expected one of {sorted(known)}")
    if name != "update":
        return known[name]
    line = f"{known['copier']} {known['update']}"
    if answers_file != DEFAULT_ANSWERS_FILE:
        line += f" --answers-file {shlex.quote(answers_file)}"
    return line


@pass_context
def command(context: Context, name: str) -> str:
    """``command_line(name)`` for the repository being rendered (its answers file)."""
    conf = context.get("_copier_conf")
    found = conf.get("answers_file") if isinstance(conf, Mapping) else None
    if found is None:
        found = getattr(conf, "answers_file", None)
    return command_line(name, str(found or DEFAULT_ANSWERS_FILE))


class ProcessExtension(Extension):
    """Register the ``process_items``, ``project_items`` and ``command`` globals."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["process_items"] = process_items
        environment.globals["project_items"] = project_items
        environment.globals["command"] = command
