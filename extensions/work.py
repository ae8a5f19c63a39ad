"""Jinja globals for pieces of work: the data file and the first piece, made by the shipped tool.

Every generated repository gets ``tools/lifecycle.py``, which starts each piece
of work from ``.lifecycle/process.json``. So that ``copier copy`` makes the
repository's first piece of work exactly as the tool makes the fiftieth, this
module builds that data from ``extensions/process.yml`` and renders the first
piece with the tool's own functions, loaded from ``template/tools/lifecycle.py``:
section prompts become Markdown in one place only.

Public surface (globals that read the answers from the template context):

* ``work_process_json()``: the contents of ``.lifecycle/process.json``.
* ``first_work_folder()``: ``0001-<slug of the project name>``.
* ``work_has(file)``: whether the first piece's kit has ``file`` (file names).
* ``work_document(file)``: a document of the first piece of work.
* ``work_index()``: ``docs/work/index.md`` listing the first piece.
* ``stage_duties(stage)``: the names of the repository's duties at a stage.
* ``duty_lines(name, form="list")``: a duty's who, when and done-when lines.
* ``kept_line()``: the line of ``docs/lifecycle.md`` naming the documents kept.
* ``lifecycle_checks()``: the tool's check registry, for the list in ``docs/lifecycle.md``.

Standard library, Jinja2 and PyYAML only, like ``process.py`` beside it.
"""

from __future__ import annotations

import json
import runpy
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

if TYPE_CHECKING:  # template/tools/ is on mypy's path: the one model of process.json
    from lifecycle import Process

HERE = Path(__file__).resolve().parent
PROCESS_MODULE = HERE / "process.py"


@cache
def _process() -> ModuleType:
    """``process.py`` beside this file, loaded when first needed, by reuse.py's loader.

    Not at import: copier executes this file for every Jinja environment (four
    per update), and only the project's renders use the process.
    """
    load_module = runpy.run_path(str(HERE / "reuse.py"))["load_module"]
    module: ModuleType = load_module("process", PROCESS_MODULE)
    return module


def _markdown(text: str) -> str:
    """``text`` as Markdown shows it as typed: the ``markdown`` filter, loaded by reuse.py."""
    load_module = runpy.run_path(str(HERE / "reuse.py"))["load_module"]
    module = load_module("markdown_text", HERE / "markdown_text.py")
    return str(module.markdown_text(text))


def tool() -> ModuleType:
    """The shipped ``tools/lifecycle.py`` (``process.tool``): its renderer is the only one."""
    return _process().tool()


LEFT_TO_AN_ADOPTED_REPOSITORY = frozenset({"README.md", ".github/workflows/ci.yml"})
"""Documents of the process that adoption (``existing_repo``) never writes, as copier.yml's
``_exclude`` says: the repository keeps its own README and CI, under any name, so the
lifecycle check does not ask for these paths there."""


@cache
def process_data(
    name: str,
    kind: str,
    owner: str,
    size: str,
    has_ui: bool,
    ratings: tuple[tuple[str, str], ...] = (),
    adopted: bool = False,
) -> Process:
    """The process for this repository, for every size: what ``.lifecycle/process.json`` holds.

    Each list is process.yml's, under its name, with its items as written there
    (the tool's ``Process`` types: no field is renamed), keeping only:

    * the items of this kind (sizes are not filtered: each piece of work has
      its own size, so the tool needs every item with its ``min_size``);
    * an item a rubric answer of this repository adds (``added_by``) with
      ``min_size`` the smallest size, as it applies at every size;
    * a document's ``sections`` (a list's name in process.yml) as that list;
    * in an adopted repository, no artefact it keeps under its own name.
    """
    process_module = _process()
    process = process_module.load_process()

    answers = dict(ratings)
    applies, scope = tool().applies, process_module.scope_of(kind)
    smallest, largest = process_module.SIZES[0], process_module.SIZES[-1]

    def items(key: str) -> list[Any]:
        """The items of list ``key`` of this kind, those a rubric answer adds made ``smallest``.

        Both by the tool's ``applies``: at the largest size with a UI only the
        kind decides; at the smallest, only ``min_size`` and ``added_by``. A
        ``sections`` field naming a list becomes that list's items, alike.
        """
        kept = []
        for item in process[key]:
            if not applies(scope, item, largest, True):
                continue
            if adopted:
                item = process_module.as_adopted(item)
            if applies(scope, item, smallest, True, answers):
                item = {**item, "min_size": smallest}
            if isinstance(item.get("sections"), str):
                item = {**item, "sections": items(item["sections"])}
            kept.append(dict(item))  # a copy: process.yml's parsed items are shared
        return kept

    artefacts = items("artefacts")
    if adopted:
        artefacts = [
            item for item in artefacts if item["path"] not in LEFT_TO_AN_ADOPTED_REPOSITORY
        ]
    data: Process = {
        "schema": tool().PROCESS_SCHEMA,
        "project": {
            "name": name,
            "kind": kind,
            "owner": owner,
            # As the documents show it (Markdown text): sync rewrites their duty lines.
            "owner_markdown": _markdown(owner),
            "size": size,
            "has_ui": has_ui,
        },
        "sizes": list(process_module.sizes.SIZES),
        "ratings": dict(process_module.sizes.RATINGS),
        "commands": process_module.commands(),
        "stages": list(process["stages"]),
        "size_rubric": items("size_rubric"),
        "work_statuses": items("work_statuses"),
        "work_front_matter": items("work_front_matter"),
        "rfc_records": items("rfc_records"),
        "artefacts": artefacts,
        "work_kit": items("work_kit"),
        "stage_duties": items("stage_duties"),
        "release_checklist": items("release_checklist"),
        "release_sign_off": items("release_sign_off"),
        "production_readiness": items("production_readiness"),
        "release_phases": items("release_phases"),
        "test_plan_cadence": items("test_plan_cadence"),
    }
    return data


def _answers(context: Context) -> tuple[str, str, str, str, bool]:
    return (
        str(context["project_name"]),
        str(context["project_kind"]),
        str(context["owner"]),
        str(context["project_size"]),
        bool(context["has_ui"]),
    )


def _repository_process(context: Context) -> Process:
    """The process of the repository being rendered, with its rubric answers applied."""
    questions = _process().rubric_questions()
    ratings = tuple((flag, str(context.get(question, ""))) for flag, question in questions.items())
    adopted = bool(context.get("existing_repo", False))
    return process_data(*_answers(context), ratings=ratings, adopted=adopted)


@pass_context
def work_process_json(context: Context) -> str:
    """The text of ``.lifecycle/process.json``: stable, readable JSON."""
    return json.dumps(_repository_process(context), indent=2, ensure_ascii=False) + "\n"


def lifecycle_checks() -> list[Any]:
    """The checks ``tools/lifecycle.py check`` reports, from its registry (one ``Check`` each).

    ``docs/lifecycle.md`` lists them from here, so the page and the report
    always show the same codes and families.
    """
    return list(tool().REGISTRY)


@pass_context
def stage_duties(context: Context, stage: str) -> list[str]:
    """The names of the repository's duties at ``stage``, in ``process.yml`` order, each once."""
    process = _repository_process(context)
    names = [item["text"] for item in process["stage_duties"] if item["stage"] == stage]
    return [name for name in dict.fromkeys(names) if tool().duty(process, name) is not None]


def kept_line() -> str:
    """The map's marked line naming the kept documents: none at a copy; ``sync`` lists them."""
    return str(tool().kept_line([]))


@pass_context
def duty_lines(context: Context, name: str, form: str = "list", **values: str) -> str:
    """The who, when and done-when lines of the repository's duty ``name``, by the shipped tool.

    ``form="list"`` gives Markdown list items and ``"checkbox"`` the done-when
    line as a task (the owner escaped as Markdown text in both); ``"sentence"``
    one line for an issue template's comment or a form; ``"who"`` its who
    line alone. ``values`` replace or add placeholders' values (the reminder's
    ``cadence_who`` and ``plan_owner``). ``"marked"`` gives the list
    items each ending with the tool's ``DUTY_MARK``, for a team-owned document
    (``sync`` keeps them current when an answer changes).
    """
    process = _repository_process(context)
    found = tool().duty(process, name)
    if found is None:
        raise KeyError(f"this repository has no duty {name!r}; see stage_duties in process.yml")
    if form == "marked":
        return "\n".join(tool().marked_duty_lines(process, name))
    owner = str(context["owner"])
    if form not in ("sentence", "who"):
        owner = context.environment.filters["markdown"](owner)
    size = str(context["project_size"])
    cadence = _process().process_items("test_plan_cadence", size)[-1]
    filled = {
        "cadence_who": cadence["who"],
        "cadence_run": cadence["run"],
        "cadence": cadence["text"],
        "owner": owner,
    }
    filled.update(values)  # a replaced placeholder keeps its place: {owner} still comes after
    return str(tool().who_when_done(found, filled, form)).rstrip("\n")


def _first_work(context: Context) -> Any:
    name, _kind, owner, size, has_ui = _answers(context)
    link = str(context.get("design_link") or "") if has_ui else ""
    shipped = tool()
    return shipped.Work(
        title=shipped.clean_title(name),
        size=size,
        owner=owner,
        created=shipped.today(),
        has_ui=has_ui,
        design_link=link,
        status=shipped.Statuses.of(process_data(*_answers(context))).first,
    )


@pass_context
def first_work_folder(context: Context) -> str:
    """``0001-<slug>``: the folder of the repository's first piece of work."""
    return f"0001-{tool().slug(_first_work(context).title)}"


@pass_context
def work_has(context: Context, file: str) -> bool:
    """Whether the first piece of work's kit (its size, its UI answer) has ``file``."""
    work = _first_work(context)
    process = process_data(*_answers(context))
    return file in [doc["file"] for doc in tool().kit(process, work.size, work.has_ui)]


@pass_context
def work_document(context: Context, file: str) -> str:
    """A document of the first piece of work, rendered by the shipped tool."""
    work = _first_work(context)
    process = process_data(*_answers(context))
    doc = next(doc for doc in tool().kit(process, work.size, work.has_ui) if doc["file"] == file)
    return str(tool().render_document(process, doc, work))


@pass_context
def work_index(context: Context) -> str:
    """``docs/work/index.md`` with the first piece of work, as the tool writes it."""
    process = process_data(*_answers(context))
    folder = Path("docs") / "work" / first_work_folder(context)
    piece = tool().Piece.starting(process, folder, _first_work(context))
    return str(tool().render_index(process, [piece]))


class WorkExtension(Extension):
    """Register the globals above on copier's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals.update(
            work_process_json=work_process_json,
            first_work_folder=first_work_folder,
            work_has=work_has,
            work_document=work_document,
            work_index=work_index,
            stage_duties=stage_duties,
            duty_lines=duty_lines,
            kept_line=kept_line,
            lifecycle_checks=lifecycle_checks,
        )
