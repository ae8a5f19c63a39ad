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
* global ``project_has(name)``: whether that project gets the artefact
  called ``name``, for the templates' file names.
* global ``process_stages()``: the stages, in order (``stages`` in ``process.yml``).
* global ``rubric_answers()``: each rubric question's label and the project's answer.
"""

from __future__ import annotations

import runpy
import shlex
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

HERE = Path(__file__).resolve().parent
PROCESS_FILE = HERE / "process.yml"
"""The data file with every list whose items depend on the project size."""

if TYPE_CHECKING:  # extensions/ is on mypy's path: the checker reads the real modules
    import reuse
    import sizes
    from lifecycle import Scope  # template/tools/: the one model of process.json
else:
    # The files beside this one, never another template version's, by reuse.py's
    # loader (the one the template has), which runpy hands over first.
    reuse = runpy.run_path(str(HERE / "reuse.py"))["load_module"]("reuse", HERE / "reuse.py")
    sizes = reuse.load_module("sizes", HERE / "sizes.py")
TOOL_FILE = reuse.module_file(HERE.parent / "template" / "tools" / "lifecycle.py")
"""The tool every generated repository ships: the one ``applies`` and the one renderer."""
SIZES: tuple[str, ...] = sizes.SIZES
RATINGS: dict[str, str] = sizes.RATINGS

KINDS: tuple[str, ...] = ("service", "library")
"""Project kinds. An item with ``kind`` set reaches only projects of that kind."""


@cache
def tool() -> ModuleType:
    """The shipped ``tools/lifecycle.py`` of this template version, loaded when first needed.

    Executed once per process and file (``reuse.py``, ``shared``): each Jinja
    environment loads this module and ``work.py`` loads another, and the tool
    is the largest module either needs; another template version's tool is
    another file.
    """
    return reuse.load_module("lifecycle_template_tool", TOOL_FILE, shared=True)


@cache
def load_process(path: Path = PROCESS_FILE) -> dict[str, Any]:
    """Read and check ``process.yml`` once.

    A broken item (no ``text``, an unknown ``min_size``, a ``stage`` that is
    not one of ``stages``) fails the render instead of silently dropping a
    checklist line from every project.
    """
    # Parsed once per process per content: an update renders twice from the same file.
    data = reuse.load_yaml(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} must map list names to lists of items")
    stages = data.get("stages", [])
    if not isinstance(stages, list) or not all(isinstance(s, str) and s for s in stages):
        raise ValueError(f"{path.name}: 'stages' must list the stages' names, in order")
    flags = {str(item.get("flag")) for item in data.get("size_rubric") or []}
    for key, items in data.items():
        if key == "stages":
            continue
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
            if "stage" in item and item["stage"] not in stages:
                raise ValueError(f"{where} has stage {item['stage']!r}; use one of 'stages'")
            for flag, rating in (item.get("added_by") or {}).items():
                if flag not in flags or rating not in RATINGS:
                    raise ValueError(f"{where} has added_by {flag}: {rating}; use {sorted(flags)}")
    statuses = [str(item.get("text")) for item in data.get("work_statuses") or []]
    for number, item in enumerate(data.get("rfc_records") or [], start=1):
        unknown = [status for status in item.get("at") or [] if status not in statuses]
        if unknown:  # a status renamed in work_statuses alone would silently end the check
            raise ValueError(
                f"{path.name}: rfc_records[{number}] has at {unknown}; use names of work_statuses"
            )
    return data


def process_stages() -> list[str]:
    """The stages every piece of work goes through, in order (``stages`` in ``process.yml``)."""
    return list(load_process()["stages"])


def rubric_questions() -> dict[str, str]:
    """Each rubric flag (``scope``) with the ``copier.yml`` question that answers it."""
    return {item["flag"]: item["question"] for item in load_process()["size_rubric"]}


@pass_context
def rubric_answers(context: Context) -> list[tuple[str, str]]:
    """Each rubric question's label (``process.yml``) with the project's answer, in order."""
    rubric = load_process()["size_rubric"]
    return [(str(item["label"]), str(context.get(item["question"], ""))) for item in rubric]


def process_items(
    key: str,
    size: str,
    has_ui: bool = False,
    kind: str | None = None,
    ratings: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Return the items of list ``key`` that a ``size`` project gets, in order.

    Kept by the shipped tool's ``applies``, the one rule the tool also uses
    on ``process.json``: from ``min_size`` up, or at any size when one of
    ``ratings`` (rubric flag to answer, such as ``{"risk": "high"}``) matches
    its ``added_by``; a ``has_ui`` item only with ``has_ui``; an item with a
    ``kind`` only for that kind (``kind=None`` keeps every kind).
    Unknown keys raise, so a typo in a template is a render error rather
    than an empty checklist.
    """
    process = load_process()
    if key not in process or key == "stages":
        lists = sorted(set(process) - {"stages"})
        raise KeyError(f"unknown process list {key!r}; expected one of {lists}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {list(KINDS)}")
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {list(SIZES)}")
    applies = tool().applies
    return [
        dict(item)
        for item in process[key]
        if applies(scope_of(kind or item.get("kind")), item, size, has_ui, ratings)
    ]


def scope_of(kind: str | None) -> Scope:
    """What the tool's ``applies`` reads of ``process.json``, for a repository of ``kind``."""
    return {"sizes": list(SIZES), "project": {"kind": kind}}


@pass_context
def project_items(context: Context, key: str) -> list[dict[str, Any]]:
    """The items of list ``key`` for the project being rendered (size, UI, kind, rubric).

    An item with ``answer: NAME`` is kept only when that answer is set (a file
    an optional feature adds, such as the RFC discussions workflow).
    """
    questions = rubric_questions()
    ratings = {flag: str(context.get(question, "")) for flag, question in questions.items()}
    items = process_items(
        key,
        str(context["project_size"]),
        bool(context.get("has_ui", False)),
        str(context["project_kind"]),
        ratings,
    )
    adopted = bool(context.get("existing_repo", False))
    return [
        as_adopted(item) if adopted else item
        for item in items
        if not item.get("answer") or context.get(item["answer"])
    ]


def as_adopted(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` as an adopted repository (``existing_repo``) has it: its ``adopted_text``.

    Why: an adoption writes none of the template's CI, release workflow or docs site,
    so an item that names them says instead what the team runs itself. The same text
    goes to the documents and to ``.lifecycle/process.json``, so the tool's checks and
    the release record agree with the checklist.
    """
    if "adopted_text" not in item:
        return item
    return {**item, "text": item["adopted_text"]}


FILE_LISTS = ("artefacts", "tooling")
"""The lists of ``process.yml`` whose items are files of the repository (``path``)."""


@pass_context
def project_has(context: Context, name: str) -> bool:
    """Whether the project being rendered gets the artefact or tool file called ``name``.

    For a template's file name, where ``process.yml`` decides whether the file
    exists (``{% if project_has("runbook.md") %}runbook.md{% endif %}``): a
    file name cannot hold the artefact's folder, so its last part names it,
    and a name two artefacts share is a render error, never a guess.
    """
    process = load_process()
    paths = [item["path"] for key in FILE_LISTS for item in process[key]]
    named = [path for path in paths if path.rsplit("/", 1)[-1] == name]
    if len(named) != 1:
        raise KeyError(f"{len(named)} files of process.yml are called {name!r}; need one")
    kept = [item["path"] for key in FILE_LISTS for item in project_items(context, key)]
    return named[0] in kept


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
    """Register the globals above."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["process_items"] = process_items
        environment.globals["project_items"] = project_items
        environment.globals["project_has"] = project_has
        environment.globals["process_stages"] = process_stages
        environment.globals["rubric_answers"] = rubric_answers
        environment.globals["command"] = command
