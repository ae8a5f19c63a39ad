"""Run the lifecycle: start pieces of work, check their duties, keep documents current.

Every piece of work (a task, a feature, a project) runs the lifecycle, sized on
its own: ``new`` makes ``docs/work/NNNN-slug/`` with that size's documents and
lists it in ``docs/work/index.md``. What the kit holds (documents, sections,
front matter, statuses, the size rubric) is read from ``.lifecycle/process.json``,
which ``copier update`` keeps current, so the next piece of work always starts
from the template's latest process. Documents already written are the team's:
this tool never rewrites a line of them (it only adds sections, and in the
index keeps the table between its two markers current). ``copier copy`` makes the repository's first
piece of work with the functions below, so there is one way to start work.

Owned by the lifecycle template; standard library only (Python 3.11+).

Usage::

    python3 tools/lifecycle.py new "Carrier cache" --size medium [--ui]
    python3 tools/lifecycle.py new "Carrier cache" --scope low --impact moderate --risk high
    python3 tools/lifecycle.py check [--format text|json|markdown] [--structure]
    python3 tools/lifecycle.py check --release v1.2.0
    python3 tools/lifecycle.py check --only VAL07 --format json
    python3 tools/lifecycle.py release v1.2.0
    python3 tools/lifecycle.py sync
    python3 tools/lifecycle.py status
    python3 tools/lifecycle.py fleet ../billing https://github.com/acme/money.git --html fleet.html
    python3 tools/lifecycle.py fleet --workflow acme

The rubric flags recommend a size as the questionnaire does (the highest
rating wins); ``--size`` overrides the recommendation.

``check`` turns each document's "done when" into findings with stable codes
(a family per stage), ``check --release`` adds the release gates, ``release``
makes the release record to tick, ``sync`` adds the sections and checklist
items a process update or a size change requires to the team's documents, as
placeholders (and the documents a raised size adds to a piece of work), and
``status`` prints the docs site's "Lifecycle status" page; ``fleet`` reports
many repositories at once (template version, check, test plan, work in flight,
last release). See
the comment above ``WAIVERS_FILE`` for why this is not a repo-review plugin.

Sections, in order (each starts with a banner ``# ---- name``)::

     1. the process model
     2. shared names
     3. errors and writing files
     4. process data
     5. titles
     6. YAML scalars
     7. YAML mappings and block scalars
     8. reading documents
     9. writing documents
    10. a piece of work
    11. the index
    12. starting a piece of work
    13. CommonMark: lines, headings and tables
    14. CommonMark: blocks
    15. check: the registry
    16. check: documents and sections
    17. check: records, history and links
    18. check: the repository and its cadence
    19. check: waivers, running and reporting
    20. sync: adding sections
    21. sync: the plan
    22. sync: checklists
    23. sync: refreshed lines
    24. release: checklists and gates
    25. release: the record
    26. status
    27. fleet: surveying repositories
    28. fleet: the report
    29. fleet: the workflow
    30. the commands
    31. the command line
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import html
import itertools
import json
import os
import random
import re
import string
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn, NotRequired, TypedDict, TypeVar

if TYPE_CHECKING:  # ReadOnly is in typing from Python 3.13; the checker alone reads it
    from typing_extensions import ReadOnly


# ------------------------------------------------------------------ the process model
# First, because every later section reads the process through these types;
# nothing here runs.
# The one typed model of ``.lifecycle/process.json``. ``extensions/work.py`` builds
# the file with these types from ``extensions/process.yml``, under the same
# names: each list is process.yml's list of that name, with the items this
# repository's kind keeps, fields as written there. Two things are resolved,
# never renamed: a document's ``sections`` is the list that process.yml's
# ``sections:`` names, and an item a rubric answer adds (``added_by``) has
# ``min_size`` the smallest size. Readers use ``.get`` for a NotRequired field.
class Scope(TypedDict):
    """What ``applies`` reads of the process: its sizes and the repository's kind."""

    sizes: ReadOnly[list[str]]
    project: ReadOnly[Kind]


class Kind(TypedDict):
    """The part of ``Project`` that decides which items a repository keeps."""

    kind: ReadOnly[str | None]


class Project(TypedDict):
    """The repository's answers: name, kind, owner, size and whether it has a UI."""

    name: str
    kind: str
    owner: str
    size: str
    has_ui: bool


class Item(TypedDict):
    """What every item of a process list has: its text and what ``applies`` reads."""

    text: str
    min_size: str
    has_ui: NotRequired[bool]
    kind: NotRequired[str]
    added_by: NotRequired[dict[str, str]]
    """Rubric flag to answer: the item belongs at any size when an answer matches."""


class Status(Item):
    """A status of a document of a piece of work (``work_statuses``), with its meaning."""

    meaning: str
    settled: NotRequired[bool]
    """The document is agreed: the piece moves on to its next document."""
    closed: NotRequired[bool]
    """Nothing is left to do on the document."""
    abandoned: NotRequired[bool]
    """The work will not happen."""


class FrontMatterKey(Item):
    """A key of the front matter every document of a piece starts with (``work_front_matter``)."""

    meaning: str
    optional: NotRequired[bool]
    """Written by the team when it applies; ``new`` does not write it."""


class RubricQuestion(Item):
    """A size question (``size_rubric``): its flag and choices, rating to wording."""

    flag: str
    label: str
    question: str
    choices: dict[str, str]


class RfcRecord(Item):
    """A link an RFC names at the statuses ``at`` (``rfc_records``); ``text`` is its key."""

    file: str
    at: list[str]
    section: NotRequired[str]
    label: NotRequired[str]


class Section(Item):
    """A ``## section`` of a document: ``title``, and ``text`` the prompt it starts with."""

    title: str
    lists_design_link: NotRequired[bool]
    release_row: NotRequired[str]
    cadence_line: NotRequired[str]
    cadence_reminder: NotRequired[str]
    cadence_reminder_adopted: NotRequired[str]


class Duty(Item):
    """A duty of a stage (``stage_duties``): who does it, when, and what done looks like."""

    stage: str
    who: str
    when: str
    done: str
    path: NotRequired[str]
    """The file that opens with these lines."""


class KitDocument(Duty):
    """A document of a piece of work (``work_kit``), with its sections."""

    file: str
    sections: list[Section]
    size_notes: NotRequired[dict[str, str]]


class Artefact(Item):
    """A repository document of a stage (``artefacts``)."""

    path: str
    stage: str
    ownership: NotRequired[str]
    sections: NotRequired[list[Section]]
    checklist: NotRequired[str]
    """The list whose items the document holds as ``- [ ]`` lines."""
    checklist_section: NotRequired[str]


class ChecklistItem(Item):
    """A line of a repository checklist (``release_checklist``, ``production_readiness``...)."""

    phase: NotRequired[str]


class ReleasePhase(Item):
    """A phase of a release (``release_phases``); ``gate`` phases come before the tag."""

    phase: str
    gate: NotRequired[bool]


class Cadence(Item):
    """How often the manual test plan runs (``test_plan_cadence``)."""

    months: int
    run: str
    who: str


class Process(TypedDict):
    """The contents of ``.lifecycle/process.json``: process.yml's lists, for one repository."""

    schema: int
    project: Project
    sizes: list[str]
    ratings: dict[str, str]
    """Each rubric rating with the size it recommends."""
    stages: list[str]
    size_rubric: list[RubricQuestion]
    work_statuses: list[Status]
    work_front_matter: list[FrontMatterKey]
    rfc_records: list[RfcRecord]
    commands: dict[str, str]
    artefacts: list[Artefact]
    work_kit: list[KitDocument]
    stage_duties: list[Duty]
    release_checklist: list[ChecklistItem]
    release_sign_off: list[ChecklistItem]
    production_readiness: list[ChecklistItem]
    release_phases: list[ReleasePhase]
    test_plan_cadence: list[Cadence]


# ------------------------------------------------------------------ shared names
# Paths, limits and the questionnaire's names that every section below uses;
# the generated part is rewritten by tools/generate.py from extensions/.
PROCESS_FILE = Path(".lifecycle") / "process.json"
WORK_FOLDER = Path("docs") / "work"
INDEX_FILE = WORK_FOLDER / "index.md"
INDEX_DUTY = "Index of the pieces of work"
RELEASE_DUTY = "Release"
"""Names of the duties (``stage_duties`` in the template's process.yml) this tool writes out."""
MAX_TITLE_LENGTH = 80
MAX_SLUG_LENGTH = 40
TITLE_PUNCTUATION = frozenset(" -.,'\"():&?!+=/*_")
"""Characters a title may use besides letters and digits.

Each of them shows as typed in a Markdown heading or table cell and is left
alone by mdformat once ``markdown_title`` escapes what could be emphasis
(``*beta*``, ``_x_``), so a title shows as typed wherever it is written.
"""
# generated by tools/generate.py from the template's extensions/: edit there, then run it
SIZES = ("small", "medium", "large")
"""The sizes the command line offers; the process data says what each one gets."""
RATINGS = ("low", "moderate", "high")
RUBRIC_FLAGS = {
    "scope": "effort and people",
    "impact": "impact: who notices, what data",
    "risk": "risk: how hard to undo, how much unknown",
}
"""Each rubric flag of ``new`` (``--scope``...), with the question it rates."""
OWNER = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$")
"""A GitHub handle, as the questionnaire accepts it (``owner_problem``)."""
# end of generated text
FOLDER = re.compile(r"^(?P<number>[0-9]{4})-(?P<slug>[a-z0-9-]+)$")


# ------------------------------------------------------------------ errors and writing files
# The two errors the command line turns into one line, and the only functions
# that write a team's files (inside the repository, all or nothing).
class UsageError(Exception):
    """A bad argument: the message names it and the rule it breaks."""


EXIT_UNREADABLE = 3
"""Exit status when a team file cannot be read or written as asked (not a finding: 1)."""


class TeamFileError(Exception):
    """A file in the repository that the tool cannot read or write as asked.

    Team files are precious: the tool never guesses what one means and never
    writes half of a change. It stops instead, with one line a team can act
    on, ``path:line: what is wrong; what to do``, and exit status 3.
    """

    def __init__(self, path: str, line: int, problem: str, fix: str) -> None:
        """Keep the parts apart, so a check can report them as a finding too."""
        super().__init__(f"{path}:{line}: {problem}; {fix}")
        self.path, self.line, self.problem, self.fix = path, line, problem, fix


def inside(root: Path, path: Path) -> Path:
    """Return ``path`` resolved, or refuse one that resolves outside ``root``.

    Symbolic links are followed before the test, so a link under ``docs/`` that
    points elsewhere cannot make ``new``, ``sync`` or ``release`` write there.
    """
    top = root.resolve()
    resolved = path.resolve()
    if resolved != top and top not in resolved.parents:
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        raise TeamFileError(
            shown,
            1,
            f"resolves to {resolved}, outside the repository (a symbolic link?)",
            "make it a plain file or folder inside the repository, then run the command again",
        )
    return resolved


def write_files(root: Path, files: Mapping[Path, str]) -> None:
    """Write every planned file, or none when any one of them cannot be written.

    Each text is computed in full by the caller first. Every target is checked
    (inside the repository, its folder creatable, an existing file writable)
    before the first byte is written; then every file is written to a temporary
    file beside it and flushed to disk, and only when all are staged is each
    moved over its target with ``os.replace``: a full disk changes no file, and
    a kill leaves each file the old one or the new one, never a third. An
    existing file keeps its mode. Texts are written as given:
    callers keep a file's own line endings.
    """
    for path in files:
        target = inside(root, path)
        folder = next(parent for parent in (target, *target.parents) if parent.exists())
        shown = path.relative_to(root).as_posix()
        if target.exists() and not target.stat().st_mode & 0o222:  # even for root
            raise TeamFileError(shown, 1, "is read-only", "make it writable, then run again")
        if not os.access(folder if folder != target else target.parent, os.W_OK):
            raise TeamFileError(
                shown,
                1,
                f"cannot be written: {folder} is read-only",
                "make it writable, then run the command again",
            )
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            target = inside(root, path)
            shown = path.relative_to(root).as_posix()
            staged.append((stage_file(target, text.encode("utf-8"), shown), target))
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)


def replace_file(target: Path, data: bytes, shown: str) -> None:
    """Write one file atomically: staged beside it (``stage_file``), then ``os.replace``."""
    temporary = stage_file(target, data, shown)
    try:
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def stage_file(target: Path, data: bytes, shown: str) -> Path:
    """Write ``data`` to a flushed temporary file beside ``target``, with its mode; return it.

    ``write_files`` stages every file of a change before the first one replaces
    its target, so a full disk or a kill while staging leaves every target as it was.
    """
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        with temporary.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
    except OSError as problem:
        temporary.unlink(missing_ok=True)
        raise TeamFileError(
            shown,
            1,
            f"could not be written ({problem.strerror or problem}); no file was changed",
            "free the space or fix the permission, then run the command again",
        ) from problem
    return temporary


# ------------------------------------------------------------------ process data
# Loading process.json (and its older schema) and the questions asked of it:
# what a size gets, who/when/done of a duty, the recommended size.
PROCESS_SCHEMA = 2
"""The version of ``.lifecycle/process.json``'s layout (``Process``) this tool reads.

``extensions/work.py`` writes it into the file. Raise it when the layout
changes; a newer file is read as far as it has what this tool needs (extra keys
are ignored), else refused in one line naming both versions. An older file is
read through ``from_schema_1``: ``copier update`` writes the file and this
tool together, from one template version, but ``fleet`` reads the pieces of
work of repositories still on older template versions with this tool. Schema 2
took process.yml's names (``work_kit``, was ``kit``; see ``SCHEMA_1_NAMES``).
"""
RESTORE_PROCESS = (
    f"restore it with `git checkout -- {PROCESS_FILE.as_posix()}`; `copier update` rewrites it"
)
_SECTION = {"title": str, "min_size": str, "text": str}
_DUTY = {"text": str, "stage": str, "min_size": str, "who": str, "when": str, "done": str}
_ITEM = {"text": str, "min_size": str}
PROCESS_SHAPE: dict[str, Any] = {
    "project": {"kind": str, "owner": str, "size": str, "has_ui": bool},
    "sizes": [str],
    "ratings": {},
    "stages": [str],
    "work_statuses": [_ITEM],
    "work_front_matter": [_ITEM],
    "rfc_records": [{**_ITEM, "file": str, "at": [str]}],
    "work_kit": [{**_DUTY, "file": str, "sections": [_SECTION]}],
    "artefacts": [{**_ITEM, "path": str, "stage": str}],
    "stage_duties": [_DUTY],
    "release_checklist": [_ITEM],
    "release_sign_off": [_ITEM],
    "production_readiness": [_ITEM],
    "release_phases": [{**_ITEM, "phase": str}],
    "test_plan_cadence": [{**_ITEM, "months": int, "run": str}],
}
"""What the tool reads from process.json (``Process``): each key's type, items' keys for lists."""


SCHEMA_1_NAMES = {
    "kit": "work_kit",
    "duties": "stage_duties",
    "documents": "artefacts",
    "statuses": "work_statuses",
    "front_matter": "work_front_matter",
    "rubric": "size_rubric",
}
"""Schema 1's name of each list that schema 2 calls by its process.yml name."""


def from_schema_1(data: dict[str, Any]) -> dict[str, Any]:
    """Return schema 1 process data in schema 2's layout, for ``fleet`` and old files.

    Schema 1 wrote each status's and RFC record's ``text`` as ``name`` and
    ``key``, the front matter as bare key names, and lacked some lists.
    """
    new = {SCHEMA_1_NAMES.get(key, key): value for key, value in data.items()}
    sizes = data.get("sizes") or [""]
    for key in PROCESS_SHAPE:
        if isinstance(PROCESS_SHAPE[key], list):
            new.setdefault(key, [])
    new["work_statuses"] = [
        {"text": item.get("name"), "meaning": "", "min_size": sizes[0], **item}
        for item in new["work_statuses"]
        if isinstance(item, dict)
    ]
    new["work_front_matter"] = [
        {"text": key, "meaning": "", "min_size": sizes[0]} for key in new["work_front_matter"]
    ]
    new["rfc_records"] = [
        {"text": item.get("key"), **item} for item in new["rfc_records"] if isinstance(item, dict)
    ]
    if not new["stages"]:
        docs = [*new["work_kit"], *new["artefacts"]]
        new["stages"] = list(dict.fromkeys(d["stage"] for d in docs if isinstance(d, dict)))
    return new


def shape_problem(value: Any, shape: Any, where: str) -> str:
    """Say where ``value`` lacks what ``shape`` asks (a type, keys, or list items), or ``""``."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{where} is not an object"
        for key, inner in shape.items():
            if key not in value:
                return f"{where} has no {key!r}"
            problem = shape_problem(value[key], inner, f"{where}.{key}")
            if problem:
                return problem
        return ""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is not a list"
        for number, item in enumerate(value):
            problem = shape_problem(item, shape[0], f"{where}[{number}]")
            if problem:
                return problem
        return ""
    return "" if isinstance(value, shape) else f"{where} is not {shape.__name__}"


def process_problem(data: Any) -> str:
    """Say what this tool needs that process data lacks, or ``""`` when it can read it."""
    problem = shape_problem(data, PROCESS_SHAPE, "process")
    if problem:
        return problem
    if data["project"]["size"] not in data["sizes"]:
        return f"the project's size {data['project']['size']!r} is not one of its sizes"
    if not data["work_statuses"]:
        return "process.work_statuses is empty"
    return ""


def load_process(root: Path) -> Process:
    """Read the process data copier rendered into this repository, or refuse it in one line.

    Invalid JSON, or a file that lacks what this tool reads, is a ``TeamFileError``;
    a file written for another schema names both versions and how to catch up.
    """
    path = root / PROCESS_FILE
    if not path.is_file():
        raise UsageError(
            f"{PROCESS_FILE} not found under {root}: give the repository root with --root, "
            "or bring the repository up to date with `copier update`."
        )
    shown = PROCESS_FILE.as_posix()
    try:
        data = json.loads(read_text(path, root))
    except json.JSONDecodeError as broken:
        raise TeamFileError(
            shown, broken.lineno, f"is not valid JSON ({broken.msg})", RESTORE_PROCESS
        ) from None
    schema = data.get("schema", 1) if isinstance(data, dict) else None
    if schema == 1:
        data = from_schema_1(data)
    problem = process_problem(data)
    if problem and isinstance(schema, int) and schema > PROCESS_SCHEMA:
        raise TeamFileError(
            shown,
            1,
            f"written for process schema {schema}, this tool reads {PROCESS_SCHEMA} ({problem})",
            "run `copier update` to bring tools/lifecycle.py up to date with it",
        )
    if problem:
        raise TeamFileError(shown, 1, f"cannot be read: {problem}", RESTORE_PROCESS)
    result: Process = data
    return result


def size_at_least(process: Scope, size: str, minimum: str) -> bool:
    """Tell whether a ``size`` piece of work gets what a ``minimum`` one gets.

    A ``minimum`` this tool does not know (a newer process's size) is met by no
    size: the item is for a process this tool cannot run yet.
    """
    sizes = process["sizes"]
    if size not in sizes or minimum not in sizes:
        return False
    return sizes.index(size) >= sizes.index(minimum)


def applies(
    process: Scope,
    item: Item,
    size: str,
    has_ui: bool,
    ratings: Mapping[str, str] | None = None,
) -> bool:
    """Whether an item of the process belongs to work of this size, UI answer and rubric answers.

    The one rule, also the template's (``process_items`` in its extensions):
    an item belongs from its ``min_size`` up, or at any size when one of
    ``ratings`` (rubric flag to answer, such as ``{"risk": "high"}``) is one
    of its ``added_by``: a high risk earns a rollback rehearsal whatever the
    size. An item with ``has_ui`` needs a UI; one with a ``kind`` belongs only
    to a repository of that kind: a library plans a release to PyPI, not a
    rollout to servers.
    """
    kind = item.get("kind")
    added_by = item.get("added_by") or {}
    return (
        (
            size_at_least(process, size, item["min_size"])
            or any((ratings or {}).get(flag) == rating for flag, rating in added_by.items())
        )
        and (has_ui or not item.get("has_ui", False))
        and kind in (None, process["project"]["kind"])
    )


def kit(process: Process, size: str, has_ui: bool) -> list[KitDocument]:
    """Return the documents a piece of work of ``size`` gets, in stage order."""
    return [doc for doc in process["work_kit"] if applies(process, doc, size, has_ui)]


def duty(process: Process, name: str) -> Duty | None:
    """Return the repository's duty ``name``: the last item its size, UI and kind keep.

    ``process.yml`` lists a duty once per size where its lines change, so the
    last item a repository keeps is the one that speaks for its size.
    """
    project = process["project"]
    kept = [
        item
        for item in process["stage_duties"]
        if item["text"] == name and applies(process, item, project["size"], project["has_ui"])
    ]
    return kept[-1] if kept else None


def who_when_done(item: Duty, values: Mapping[str, str] | None = None, form: str = "list") -> str:
    """Return the who, when and done-when lines of a duty or kit document.

    The only place these lines are written: every document, issue template and
    the lifecycle map show them through this function, so they cannot drift
    apart. ``values`` fill ``{name}`` placeholders, in order. ``form="list"``
    gives three Markdown list items; ``"sentence"`` one line, for an issue
    template's leading comment or a form's description; ``"checkbox"`` the
    done-when line alone, as the item an issue ticks when it is done; ``"who"``
    the who line alone, as a sentence (the test-plan reminder's issue).
    """
    parts = []
    for text in (item["who"], item["when"], item["done"]):
        for name, value in (values or {}).items():
            text = text.replace("{" + name + "}", value)
        parts.append(text)
    who, when, done = parts
    if form == "sentence":
        return f"Who: {who} When: {when} Done when: {done}"
    if form == "who":
        return f"Who: {who}"
    if form == "checkbox":
        return f"- [ ] {done[:1].upper()}{done[1:]}"
    return f"- **Who:** {who}\n- **When:** {when}\n- **Done when:** {done}\n"


def duty_lines(process: Process, name: str) -> list[str]:
    """Return duty ``name``'s lines as a one-item list, or no item when the repository lacks it."""
    found = duty(process, name)
    owner = {"owner": str(process["project"].get("owner", ""))}
    return [who_when_done(found, owner)] if found else []


DUTY_MARK = "<!-- process line: kept current by tools/lifecycle.py sync -->"
"""The end of each who, when and done-when line a team document opens with.

The lines are process text inside a team document: they follow the answers
(a larger size brings the test plan's monthly cadence, a new owner its
handle). ``sync`` rewrites a line ending with this comment, and no other."""


def duty_values(process: Process, size: str) -> dict[str, str]:
    """Return what a duty's placeholders become at ``size``: the cadence, then the owner.

    ``{cadence_who}`` holds ``{owner}``, so the owner is filled in last. The
    owner is the answer as Markdown text (``owner_markdown``, escaped by the
    template as every document shows it), or as typed in older process files.
    """
    project = process["project"]
    values: dict[str, str] = {}
    cadences = [
        item
        for item in process.get("test_plan_cadence", [])
        if size_at_least(process, size, item["min_size"])
    ]
    if cadences:
        values["cadence_who"] = str(cadences[-1].get("who", ""))
        values["cadence_run"] = str(cadences[-1].get("run", ""))
        values["cadence"] = str(cadences[-1]["text"])
    values["owner"] = str(project.get("owner_markdown", project.get("owner", "")))
    return values


def duty_at(process: Process, name: str, size: str) -> Duty | None:
    """Return duty ``name`` as a repository of ``size`` (and this kind and UI answer) has it."""
    kept = [
        item
        for item in process.get("stage_duties", [])
        if item["text"] == name and applies(process, item, size, process["project"]["has_ui"])
    ]
    return kept[-1] if kept else None


def marked_duty_lines(process: Process, name: str) -> list[str]:
    """Return duty ``name``'s three lines as a team document opens with them, each marked."""
    found = duty_at(process, name, process["project"]["size"])
    if found is None:
        return []
    size = process["project"]["size"]
    listed = who_when_done(found, duty_values(process, size)).splitlines()
    return [f"{line} {DUTY_MARK}" for line in listed]


def label(line: str) -> str:
    """Return the list marker and bold label a duty line starts with (up to ``:** ``)."""
    end = line.find(":** ")
    return line[: end + len(":** ")] if line.startswith("- **") and end > 0 else ""


def recommend_size(process: Process, ratings: Iterable[str]) -> str:
    """Return the size the most severe rating recommends, as the questionnaire does."""
    sizes: list[str] = process["sizes"]
    implied = [sizes.index(process["ratings"][rating]) for rating in ratings]
    return sizes[max(implied, default=0)]


# ------------------------------------------------------------------ titles
# A piece of work's title: the rules it must follow, how it shows in Markdown
# and the folder slug made from it.
def title_problem(title: str) -> str:
    """Return the rule a title breaks, or ``""`` when it is fine."""
    if not title.strip():
        return "title must not be empty."
    if title != " ".join(title.split()):
        return "title must be one line, without leading, trailing or double spaces."
    if len(title) > MAX_TITLE_LENGTH:
        return f"title must be at most {MAX_TITLE_LENGTH} characters."
    if not any(char.isalnum() for char in title):
        return "title must contain a letter or digit."
    bad = sorted({char for char in title if not (char.isalnum() or char in TITLE_PUNCTUATION)})
    if bad:
        allowed = "".join(sorted(TITLE_PUNCTUATION - {" "}))
        return (
            f"title may use letters, digits, spaces and {allowed} only; "
            f"it contains {''.join(bad)!r}."
        )
    return ""


# generated by tools/generate.py from extensions/markdown_text.py: edit there, then run it
_WHITESPACE = frozenset(
    "\t\n\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)


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


# end of generated text


def markdown_title(title: str) -> str:
    """Return ``title`` as Markdown that shows it as typed: `*` and `_` are not emphasis."""
    return _escape_emphasis(title)


def clean_title(text: str, fallback: str = "First piece of work") -> str:
    """Return the nearest valid title to ``text``: other characters become spaces.

    The repository's first piece of work is named after the project, whose
    name may hold anything a person types (``ops_*beta*``).
    """
    kept = "".join(c if c.isalnum() or c in TITLE_PUNCTUATION else " " for c in text)
    title = " ".join(kept.split())[:MAX_TITLE_LENGTH].strip()
    return title if title and not title_problem(title) else fallback


def slug(title: str) -> str:
    """Return a title's folder name part: ASCII letters, digits and single hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(words) > MAX_SLUG_LENGTH:
        words = words[:MAX_SLUG_LENGTH].rsplit("-", 1)[0]
    return words or "work"


# ------------------------------------------------------------------ YAML scalars
# The first half of the standard-library YAML reader for front matter: the
# scalar rules and how one value (plain, quoted, flow list) is scanned.
# Front matter is read as YAML really is, with the standard library only: the tool
# runs under a bare python3 in pre-commit, CI, the workflows, the docs build and the
# after-update migration, where PyYAML may be missing. The reader accepts a
# well-defined subset of YAML and gives exactly PyYAML's ``yaml.safe_load`` answer
# (YAML 1.1 types, as PyYAML resolves them) on everything it accepts; anything else
# is refused with one line naming the line (tests/test_front_matter.py proves both
# over a corpus). The subset: a block mapping of keys at the start of the line;
# values that are plain scalars (with `` # comments``; continued on indented lines,
# as copier writes a long answer), single- or double-quoted scalars on one line
# (every PyYAML escape), block scalars (``|`` and ``>`` with chomping and
# indentation indicators), and one-line scalars in block (``- item``) or flow
# (``[a, b]``) lists. Not read: nested mappings or lists, multi-line quoted
# scalars, anchors, aliases, tags, flow mappings, and tabs outside quotes, block
# scalars and comments (PyYAML refuses most of those too). A key given twice is
# refused although PyYAML keeps the last: the team meant one of them.
NOT_PRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""Characters PyYAML refuses, and the line breaks only YAML sees (NEL, U+2028, U+2029)."""
MARKDOWN_LINE = re.compile(r"\r\n|\r|\n")
"""Line endings as CommonMark (markdown-it) splits a document: CRLF, CR or LF."""
INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
"""Characters that cannot start a plain YAML scalar (``-?:`` can, before a non-space)."""
BLOCK_HEADER = r"[|>](?P<a>[+-]?)(?P<digit>[1-9]?)(?P<b>[+-]?)(?: +(?:#.*)?)?$"
AFTER_VALUE = re.compile(r" *(?:#.*)?$")
SIMPLE_ITEM = re.compile(
    r'(?P<indent> *)- +(?:"(?P<quoted>[^"\\]*)"|(?P<plain>[A-Za-z0-9_./][^\s#:]*(?: [^\s#:]+)*)) *'
)
"""A list item most lists are made of, ``- word`` or ``- "text"``: read at once."""
SIMPLE_LINE = re.compile(
    r'(?P<key>[A-Za-z_][A-Za-z0-9_]*): +(?:"(?P<quoted>[^"\\]*)"'
    r"|(?P<plain>[A-Za-z0-9_./][^\s#:]*(?: [^\s#:]+)*)) *"
)
"""The line most front matter is made of, ``key: word`` or ``key: "text"``: read at once."""
ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
"""The one-character escapes of a double-quoted YAML scalar, as PyYAML reads them."""
ESCAPE_DIGITS = {"x": 2, "u": 4, "U": 8}
YAML_BOOL = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
RESOLVE_BOOL = r"yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
RESOLVE_FLOAT = (
    r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
RESOLVE_INT = (
    r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
)
RESOLVE_NULL = r"~|null|Null|NULL"
RESOLVE_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
RESOLVE_TIMESTAMP = (
    r"(?P<year>[0-9]{4})-(?P<month>[0-9][0-9]?)-(?P<day>[0-9][0-9]?)"
    r"(?:[Tt]|[ \t]+)(?P<hour>[0-9][0-9]?):(?P<minute>[0-9][0-9]):(?P<second>[0-9][0-9])"
    r"(?:\.(?P<fraction>[0-9]*))?"
    r"(?:[ \t]*(?P<tz>Z|(?P<sign>[-+])(?P<tzh>[0-9][0-9]?)(?::(?P<tzm>[0-9][0-9]))?))?"
)
"""PyYAML's implicit types (YAML 1.1), tried in its order: bool, float, int, null, timestamp.

Patterns, not compiled ones: ``re`` compiles each the first time a value needs it,
so a run whose front matter is all text never pays for them."""
QUOTE_IT = 'quote the value ("...") or write it as `key: value` on one line'
ONE_VALUE = 'make each item one word or quoted text, e.g. [a.md, "b c.md"] or `- "b: c.md"`'


class _Refusal(Exception):
    """YAML outside the subset this reader takes: the content line, the problem, the fix."""

    def __init__(self, index: int, problem: str, fix: str = QUOTE_IT) -> None:
        """Keep the parts, for ``TeamFileError``."""
        super().__init__(problem)
        self.index, self.problem, self.fix = index, problem, fix


def resolve_plain(text: str, index: int) -> Any:
    """Return what PyYAML's safe loader makes of a plain (unquoted) scalar."""
    if not text:
        return None
    first = text[0]
    if first not in "yYnNtTfFoO~-+.0123456789<=":
        return text  # no implicit type starts so: the common case, ``size: small``
    try:
        if first in "yYnNtTfFoO" and re.fullmatch(RESOLVE_BOOL, text):
            return YAML_BOOL[text.lower()]
        if first in "-+0123456789." and re.fullmatch(RESOLVE_FLOAT, text):
            return yaml_float(text)
        if first in "-+0123456789" and re.fullmatch(RESOLVE_INT, text):
            return yaml_int(text)
        if first in "~nN" and re.fullmatch(RESOLVE_NULL, text):
            return None
        if first in "0123456789" and re.fullmatch(RESOLVE_DATE, text):
            return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        stamp = re.fullmatch(RESOLVE_TIMESTAMP, text) if first in "0123456789" else None
        if stamp:
            return yaml_timestamp(stamp)
    except (ValueError, OverflowError) as problem:
        raise _Refusal(index, f"{text!r} is not a valid number or date ({problem})") from None
    if text in ("<<", "="):
        raise _Refusal(index, f"{text!r} is a YAML merge or value indicator")
    return text


def yaml_int(text: str) -> int:
    """Read an integer as PyYAML does: sign, ``0b``, ``0x``, leading-0 octal, base 60, ``_``."""
    value = text.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if value[0] == "0":
        return sign * int(value, 8)
    total = 0
    for part in value.split(":"):
        total = total * 60 + int(part)
    return sign * total


def yaml_float(text: str) -> float:
    """Read a float as PyYAML does: ``.inf``, ``.nan``, base 60, ``_``."""
    value = text.replace("_", "").lower()
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == ".inf":
        return sign * float("inf")
    if value == ".nan":
        return float("nan")
    total = 0.0
    for part in value.split(":"):
        total = total * 60 + float(part)
    return sign * total


def yaml_timestamp(stamp: re.Match[str]) -> datetime.datetime:
    """Read a date and time as PyYAML does: naive without a zone, else a fixed offset."""
    fraction = int((stamp["fraction"] or "")[:6].ljust(6, "0"))
    zone: datetime.tzinfo | None = None
    if stamp["sign"]:
        delta = datetime.timedelta(hours=int(stamp["tzh"]), minutes=int(stamp["tzm"] or 0))
        zone = datetime.timezone(-delta if stamp["sign"] == "-" else delta)
    elif stamp["tz"]:
        zone = datetime.UTC
    year, month, day, hour, minute, second = (
        int(stamp[name]) for name in ("year", "month", "day", "hour", "minute", "second")
    )
    return datetime.datetime(year, month, day, hour, minute, second, fraction, tzinfo=zone)


def scan_plain(line: str, start: int, index: int, flow: bool) -> tuple[str, int]:
    """Scan a plain scalar on one line from ``start``; return its text and where it ends.

    As PyYAML does: it ends before `` #``, before ``:`` and a space (or the line's
    end) and, in a flow sequence, before ``,[]{}`` too; spaces inside are kept.
    """
    stops = " ,[]{}" if flow else " "
    end = position = start
    while position < len(line):
        char = line[position]
        if char == "\t":
            raise _Refusal(index, "a tab outside quotes", "use spaces, or quote the value")
        if char == ":" and (position + 1 == len(line) or line[position + 1] in stops):
            break
        if flow and char in ",?[]{}":
            break
        if char == " ":
            if position + 1 < len(line) and line[position + 1] == "#":
                break
        else:
            end = position + 1
        position += 1
    return line[start:end], end


def scan_quoted(line: str, start: int, index: int) -> tuple[str, int]:
    """Scan a single- or double-quoted scalar that ends on its line; return it and its end."""
    quote = line[start]
    end = line.find(quote, start + 1)
    if end > 0 and (
        line[end + 1 : end + 2] != "'" if quote == "'" else "\\" not in line[start:end]
    ):
        return line[start + 1 : end], end + 1  # the common case: no escape, no doubled quote
    chunks: list[str] = []
    position = start + 1
    while position < len(line):
        char = line[position]
        if char == quote:
            if quote == "'" and line.startswith("''", position):
                chunks.append("'")
                position += 2
                continue
            return "".join(chunks), position + 1
        if char == "\\" and quote == '"':
            position = _escape(line, position, index, chunks)
            continue
        chunks.append(char)
        position += 1
    raise _Refusal(index, "a quoted value that does not end on its line", "close the quote")


def _escape(line: str, position: int, index: int, chunks: list[str]) -> int:
    """Read the escape at ``line[position]`` (a backslash); return the position after it."""
    code = line[position + 1 : position + 2]
    if code in ESCAPES:
        chunks.append(ESCAPES[code])
        return position + 2
    digits = ESCAPE_DIGITS.get(code, 0)
    hexadecimal = line[position + 2 : position + 2 + digits]
    shown = line[position : position + 2 + digits]
    if digits and len(hexadecimal) == digits and all(c in string.hexdigits for c in hexadecimal):
        number = int(hexadecimal, 16)
        if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF:
            chunks.append(chr(number))
            return position + 2 + digits
        raise _Refusal(
            index,
            f"escape {shown!r} is no character (a surrogate half, or beyond U+10FFFF)",
            "write the character itself, or \\U0001F600 for one beyond U+FFFF",
        )
    fix = 'use a YAML escape such as \\" or \\x41, or single quotes'
    if not code:
        fix = "write the value on one line"
    raise _Refusal(index, f"unknown escape {shown!r} in a double-quoted value", fix)


def scan_scalar(line: str, start: int, index: int, flow: bool) -> tuple[Any, int]:
    """Read one scalar (quoted or plain) from ``start``; return its value and its end."""
    if line[start] in "'\"":
        return scan_quoted(line, start, index)
    rest = line[start + 1 : start + 2]
    can_start = line[start] not in INDICATORS or (
        line[start] in "-?:" and rest not in ("", " ") and not (flow and rest in ",[]{}")
    )
    if flow and line[start] in "-?:":
        can_start = False
    if not can_start:
        shown = line[start]
        raise _Refusal(index, f"a value starting with {shown!r} (a YAML indicator)")
    text, end = scan_plain(line, start, index, flow)
    return resolve_plain(text, index), end


def _spaces(line: str, position: int) -> int:
    """Skip spaces (never tabs: YAML does not separate tokens with them here)."""
    while position < len(line) and line[position] == " ":
        position += 1
    return position


def _end_of_value(line: str, position: int, index: int) -> None:
    """Refuse anything but spaces and a comment after a value."""
    if not AFTER_VALUE.match(line, position):
        raise _Refusal(index, f"unexpected {line[position:].strip()!r} after the value")


def flow_sequence(line: str, start: int, index: int) -> list[Any]:
    """Read ``[a, 'b', "c"]`` (scalars only, on one line) as PyYAML does."""
    items: list[Any] = []
    position = _spaces(line, start + 1)
    while True:
        if position >= len(line):
            raise _Refusal(index, "a [list] that does not end on its line", "close it with ]")
        if line[position] == "]":
            _end_of_value(line, position + 1, index)
            return items
        if line[position] in ",#[{":
            raise _Refusal(index, "a [list] holding an empty, nested or commented item", ONE_VALUE)
        value, position = scan_scalar(line, position, index, flow=True)
        items.append(value)
        position = _spaces(line, position)
        if line[position : position + 1] == ",":
            position = _spaces(line, position + 1)
        elif line[position : position + 1] != "]":
            raise _Refusal(index, "a [list] item that is not followed by , or ]", ONE_VALUE)


# ------------------------------------------------------------------ YAML mappings and block scalars
# The second half of the YAML reader: block scalars, block lists and the
# mapping of keys that parse_yaml reads a front matter block into.
def block_scalar(header: re.Match[str], text: str, start: int) -> tuple[str, int]:
    """Read a ``|`` or ``>`` block scalar's body from ``text[start:]`` as PyYAML does.

    A port of PyYAML's scanner (indentation, folding, chomping), so ``|-`` and
    ``>+`` read exactly as the docs build reads them. Returns the value and the
    position where the body ends.
    """
    folded = header.group(0)[0] == ">"
    sign = header["a"] or header["b"]
    chomping = {"+": True, "-": False}.get(sign)
    position = start
    column = 0

    def breaks(indent: int) -> list[str]:
        nonlocal position, column
        found: list[str] = []
        while column < indent and text[position : position + 1] == " ":
            position, column = position + 1, column + 1
        while text[position : position + 1] == "\n":
            found.append("\n")
            position, column = position + 1, 0
            while column < indent and text[position : position + 1] == " ":
                position, column = position + 1, column + 1
        return found

    if header["digit"]:
        indent = int(header["digit"])
        leading = breaks(indent)
    else:
        leading, deepest = [], 0
        while text[position : position + 1] in (" ", "\n") and position < len(text):
            if text[position] == "\n":
                leading.append("\n")
                position, column = position + 1, 0
            else:
                position, column = position + 1, column + 1
                deepest = max(deepest, column)
        indent = max(1, deepest)
    chunks: list[str] = []
    line_break = ""
    while column == indent and position < len(text):
        chunks.extend(leading)
        leading_non_space = text[position] not in " \t"
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        chunks.append(text[position:end])
        position, column = end, column + end - position
        line_break = "\n" if position < len(text) else ""
        if line_break:
            position, column = position + 1, 0
        leading = breaks(indent)
        if column == indent and position < len(text):
            if folded and line_break == "\n" and leading_non_space and text[position] not in " \t":
                if not leading:
                    chunks.append(" ")
            else:
                chunks.append(line_break)
        else:
            break
    if chomping is not False:
        chunks.append(line_break)
    if chomping is True:
        chunks.extend(leading)
    return "".join(chunks), position


def _blank(line: str) -> bool:
    """Tell a line PyYAML skips between tokens: spaces, then nothing or a comment."""
    return AFTER_VALUE.fullmatch(line) is not None


def _key(line: str, index: int) -> tuple[Any, int]:
    """Read the key of a ``key: value`` line; return it and the position after the colon."""
    if line[0] in "'\"":
        key, position = scan_quoted(line, 0, index)
    else:
        if line[0] in INDICATORS and not (line[0] in "-?:" and line[1:2] not in ("", " ")):
            raise _Refusal(index, f"a line starting with {line[0]!r}", "write `key: value`")
        text, position = scan_plain(line, 0, index, flow=False)
        key = resolve_plain(text, index)
    position = _spaces(line, position)
    if line[position : position + 1] != ":" or line[position + 1 : position + 2] not in ("", " "):
        raise _Refusal(index, "a line without `key: value`", "write `key: value`, or remove it")
    return key, position + 1


def _sequence(lines: Sequence[str], start: int) -> tuple[list[Any], int]:
    """Read the ``- item`` lines from ``start``; return the items and the next line."""
    items: list[Any] = []
    column = len(lines[start]) - len(lines[start].lstrip(" "))
    index = start
    while index < len(lines):
        line = lines[index]
        if _blank(line):
            index += 1
            continue
        simple = SIMPLE_ITEM.fullmatch(line)
        if simple and len(simple["indent"]) == column:
            quoted = simple["quoted"]
            items.append(quoted if quoted is not None else resolve_plain(simple["plain"], index))
            index += 1
            if quoted is None and _continued_item(lines, index, column):
                raise _Refusal(index, "a list item continued on the next line", QUOTE_IT)
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0 and not (column == 0 and re.match(r"-( |$)", line)):
            break
        if indent != column or not re.match(r"-( |$)", line[indent:]):
            raise _Refusal(
                index, "a list item indented unlike the first", "indent every `- item` alike"
            )
        position = _spaces(line, indent + 1)
        if AFTER_VALUE.fullmatch(line, position):
            items.append(None)
        else:
            if line[position] in "[{|>" or re.match(r"[-?:](?: |$)", line[position:]):
                raise _Refusal(index, "a list item that is not a single value", ONE_VALUE)
            value, position = scan_scalar(line, position, index, flow=False)
            if line[_spaces(line, position) : _spaces(line, position) + 1] == ":":
                raise _Refusal(
                    index, "a list item holding `key: value` (a nested mapping)", ONE_VALUE
                )
            _end_of_value(line, position, index)
            items.append(value)
        index += 1
        if _continued_item(lines, index, column):
            raise _Refusal(index, "a list item continued on the next line", QUOTE_IT)
    return items, index


def _continued_item(lines: Sequence[str], index: int, column: int) -> bool:
    """Tell whether line ``index`` is text deeper than the list: PyYAML folds it into the item."""
    if index >= len(lines) or _blank(lines[index]):
        return False
    line = lines[index]
    deeper = len(line) - len(line.lstrip(" "))
    return deeper > column and not line.lstrip(" ").startswith("- ")


def _continued(lines: Sequence[str], index: int) -> bool:
    """Tell whether indented text follows (after empty lines): PyYAML folds it into the value."""
    while index < len(lines) and not lines[index].strip(" "):
        index += 1
    return index < len(lines) and lines[index][:1] in (" ", "\t") and not _blank(lines[index])


def parse_yaml(lines: Sequence[str], first: int = 2) -> tuple[dict[Any, Any], dict[Any, int]]:
    """Read front matter lines as ``yaml.safe_load`` does; return the mapping and each key's line.

    Raises ``_Refusal`` (with the content line) for YAML outside the subset, for
    YAML that PyYAML itself refuses, and for a key given twice (PyYAML keeps
    the last one silently). ``first``: the file line of ``lines[0]``, for messages.
    """
    text = "\n".join(lines)
    bad = NOT_PRINTABLE.search(text)
    if bad:
        index = text.count("\n", 0, bad.start())
        raise _Refusal(
            index,
            f"holds the character U+{ord(bad[0]):04X}, which YAML refuses or reads as a line break",
            "remove it, or write it as an escape (\\u2028) in double quotes",
        )
    found: dict[Any, Any] = {}
    where: dict[Any, int] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        if _blank(line):
            index += 1
            continue
        if line.startswith((*CONFLICT_MARKERS, CONFLICT_SEPARATOR)):
            raise _Refusal(index, "a merge conflict marker", "resolve the conflict first")
        if line[0] in " \t" or line.startswith(("---", "...")):
            problem = "an indented line" if line[0] in " \t" else "a YAML document marker"
            fix = "start each key at the beginning of the line; quote multi-line values"
            raise _Refusal(index, f"{problem} outside a list or a | block", fix)
        simple = SIMPLE_LINE.fullmatch(line)
        key, position = (simple["key"], 0) if simple else _key(line, index)
        if simple:
            key = resolve_plain(key, index)
        if key in found:
            raise _Refusal(
                index,
                f"key {key!r} given twice (first on line {where[key] + first})",
                "keep one of them",
            )
        where[key] = index
        if simple:
            quoted, plain = simple["quoted"], simple["plain"]
            index += 1
            if quoted is None and _continued(lines, index):
                plain, index = folded_plain(lines, index, plain)
            found[key] = quoted if quoted is not None else resolve_plain(plain, where[key])
            continue
        position = _spaces(line, position)
        rest = line[position:]
        index += 1
        header = re.match(BLOCK_HEADER, rest) if rest.startswith(("|", ">")) else None
        if AFTER_VALUE.fullmatch(rest):
            upcoming = next((n for n in range(index, len(lines)) if not _blank(lines[n])), None)
            following = lines[upcoming] if upcoming is not None else ""
            if re.match(r" *-( |$)", following):
                found[key], index = _sequence(lines, upcoming)  # type: ignore[arg-type]
                continue
            if following[:1] in (" ", "\t"):
                raise _Refusal(
                    upcoming or index,
                    "an indented line under a key: a nested mapping or a continued value",
                    "put the value on the key's line (quote it), or make it a `- item` list",
                )
            found[key] = None
        elif header:
            start = sum(len(line) + 1 for line in lines[:index])
            value, end = block_scalar(header, text, start)
            found[key] = value
            index = text.count("\n", 0, end) if end < len(text) else len(lines)
        elif rest.startswith(("|", ">")):
            raise _Refusal(
                index - 1,
                f"a block header YAML does not read ({rest.strip()!r})",
                "write | or > (with - or + and one digit 1-9 if needed), the text below it",
            )
        elif rest.startswith("["):
            found[key] = flow_sequence(line, position, index - 1)
        elif rest.startswith("{"):
            raise _Refusal(index - 1, "a {mapping} value", "write the value as text or a list")
        else:
            value, end = scan_scalar(line, position, index - 1, flow=False)
            if line[_spaces(line, end) : _spaces(line, end) + 1] == ":":
                raise _Refusal(index - 1, "a second `: ` in the value", QUOTE_IT)
            _end_of_value(line, end, index - 1)
            found[key] = value
            if _continued(lines, index):
                if line[position] in "'\"" or _spaces(line, end) < len(line):
                    raise _Refusal(index, "a value continued on the next line", QUOTE_IT)
                folded, index = folded_plain(lines, index, line[position:end])
                found[key] = resolve_plain(folded, where[key])
    return found, where


def folded_plain(lines: Sequence[str], index: int, text: str) -> tuple[str, int]:
    """Fold a plain value's indented continuation lines into it as PyYAML does.

    Each line break becomes a space, or stays a line break for each empty line
    between; the value ends at a line at the start of the line or a comment.
    Returns the whole text and the line after it.
    """
    chunks, breaks = [text], 0
    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip(" ")
        if not stripped:
            breaks, index = breaks + 1, index + 1
            continue
        if stripped == line or stripped[0] == "#":
            break
        more, end = scan_plain(line, len(line) - len(stripped), index, flow=False)
        chunks += ["\n" * breaks or " ", more]
        breaks, index = 0, index + 1
        after = _spaces(line, end)
        if after < len(line):
            if line[after] != "#":
                raise _Refusal(index - 1, "a second `: ` in the value", QUOTE_IT)
            break
    return "".join(chunks), index


# ------------------------------------------------------------------ reading documents
# Reading a team's file as text and its front matter as values, with the
# one-line problem (path:line) a file that cannot be read gets.
def front_matter_lines(text: str) -> tuple[list[str], bool] | None:
    """Return the lines between a document's front matter markers, and whether it is closed.

    Front matter is delimited as the docs build (myst-parser) and mdformat (with
    mdformat-frontmatter) both find it, through mdit-py-plugins' front matter rule:
    the document's very first line is three or more ``-``; the block ends at the
    first later line that is at least as many ``-`` (after at most three spaces,
    with only spaces or tabs after them) or that is ``...`` at the start of the line
    (spaces or tabs after it). Lines end as CommonMark ends them (CRLF, CR or
    LF). A leading byte order mark is skipped, as Sphinx reads sources
    (``utf-8-sig``). ``None``: the document has no front matter. Not closed: the
    docs build reads the whole document as Markdown, which is never what a team meant.
    """
    text = text.removeprefix("\ufeff")
    if not text.startswith("---"):
        return None
    if "\r" in text:
        text = MARKDOWN_LINE.sub("\n", text)
    opener = "-" * len(re.match("-*", text)[0])  # type: ignore[index]
    lines: list[str] = []
    position = 0
    while position <= len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end]
        position = end + 1
        if lines:
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            marker = stripped.startswith(opener) and not stripped.strip("-\t ")
            if (indent <= 3 and marker) or (line.startswith("...") and not line[3:].strip(" \t")):
                return lines, True
        lines.append(line)
    return lines, False


def shown_path(path: Path, root: Path | None = None) -> str:
    """Name a file as messages do: from the repository root (below ``docs/`` without one)."""
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    parts = path.parts
    if "docs" in parts:
        start = len(parts) - 1 - parts[::-1].index("docs")
        return Path(*parts[start:]).as_posix()
    return path.as_posix()


def read_text(path: Path, root: Path | str | None = None) -> str:
    """Return a team file's text as written (line endings kept), or refuse it in one line.

    A file that is not UTF-8 text (other bytes, a binary file under a ``.md``
    name, a NUL byte) or that cannot be opened is a ``TeamFileError`` naming
    the line where the problem starts, never a traceback. ``root``: the
    repository the message names the file from, or the name to give it.
    """
    shown = root if isinstance(root, str) else shown_path(path, root)
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise TeamFileError(
            shown,
            1,
            f"cannot be read ({problem.strerror or problem})",
            "make it a readable file, then run the command again",
        ) from None
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise TeamFileError(
            shown,
            line,
            "holds a NUL byte: it is a binary file, not text",
            "restore the text from git, or move the binary file elsewhere",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = data.count(b"\n", 0, problem.start) + 1
        raise TeamFileError(
            shown,
            line,
            f"is not UTF-8 text (byte 0x{data[problem.start]:02x})",
            "save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
        ) from None


def read_document(path: Path, root: Path | None = None) -> tuple[str, dict[Any, Any]]:
    """Return a document's text and its checked front matter, or refuse it in one line."""
    text = read_text(path, root)
    return text, read_front_matter(text, shown_path(path, root))


TEXT_KEYS = ("title", "size", "status", "owner")
"""Front matter keys the tool reads as text: a number, a date or nothing there is a mistake."""


def yaml_front_matter(text: str, path: str = "<text>") -> tuple[dict[Any, Any], dict[Any, int]]:
    """Return a document's front matter exactly as ``yaml.safe_load`` reads it, and each key's line.

    ``{}`` when the document has none (or its front matter holds only comments).
    Refused with ``TeamFileError`` naming the line: front matter that is never
    closed, and YAML outside the subset ``parse_yaml`` reads.
    """
    found = front_matter_lines(text)
    if found is None:
        return {}, {}
    lines, closed = found
    if not closed:
        raise TeamFileError(
            path,
            1,
            "front matter opened by the --- on this line is never closed",
            "end it with a line of --- after its last key",
        )
    if lines[0].strip("-").strip(" \t"):
        raise TeamFileError(
            path, 1, "text after the --- that opens the front matter", "move it to a line below"
        )
    try:
        matter, where = parse_yaml(lines[1:])
    except _Refusal as refusal:
        raise TeamFileError(
            path, refusal.index + 2, f"front matter: {refusal.problem}", refusal.fix
        ) from None
    return matter, {key: line + 2 for key, line in where.items()}


def read_yaml(text: str, path: str) -> dict[Any, Any]:
    """Read a whole YAML file (copier's answers file) with the front matter reader's subset."""
    lines = MARKDOWN_LINE.split(text.removeprefix("\ufeff"))
    try:
        return parse_yaml(lines[:-1] if lines and not lines[-1] else lines, first=1)[0]
    except _Refusal as refusal:
        raise TeamFileError(path, refusal.index + 1, refusal.problem, refusal.fix) from None


def read_front_matter(text: str, path: str = "<text>") -> dict[Any, Any]:
    """Return a document's front matter as YAML reads it, each value the tool uses checked.

    ``title: 2026`` or ``title:`` is refused in one line (PyYAML reads a number
    and nothing); ``size: small  # was medium`` reads ``small``.
    """
    matter, where = yaml_front_matter(text, path)
    for key, value in matter.items():
        problem = value_problem(key, value)
        if problem:
            problem_text, fix = problem
            raise TeamFileError(path, where[key], problem_text, fix)
    return matter


def value_problem(key: Any, value: Any) -> tuple[str, str] | None:
    """Return what is wrong with a front matter value the tool reads, and the fix, or ``None``."""
    if key in TEXT_KEYS and not isinstance(value, str):
        shown = "nothing" if value is None else f"{yaml_kind(value)} {value!r}"
        return f"{key} must be text, not {shown}", f'quote it: {key}: "..."'
    if key == "created" and not isinstance(value, str | datetime.date):
        return f"created must be a date, not {yaml_kind(value)}", "write it as created: YYYY-MM-DD"
    if key == "created" and isinstance(value, datetime.datetime):
        return "created must be a date without a time", "write it as created: YYYY-MM-DD"
    if key == "ui" and not isinstance(value, bool | str):
        return f"ui must be true or false, not {yaml_kind(value)}", "write ui: true or ui: false"
    if key == "links" and not (
        value is None or (isinstance(value, list) and all(isinstance(i, str) for i in value))
    ):
        return "links must be a list of file names", "write one `- name.md` line per link"
    return None


def yaml_kind(value: Any) -> str:
    """Name the YAML type PyYAML gave a value, for a one-line message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    return "text"


# ------------------------------------------------------------------ writing documents
# The Markdown new writes: a document's front matter, who/when/done and
# section prompts; the only place prompts become text.
def front_matter_keys(process: Process) -> list[str]:
    """Return the front matter keys ``new`` writes, in order: those not marked ``optional``."""
    return [key["text"] for key in process["work_front_matter"] if not key.get("optional")]


def front_matter(process: Process, work: Work, links: Sequence[str]) -> str:
    """Return the YAML block every document of a piece of work starts with."""
    values: dict[str, str | Sequence[str]] = {
        "title": json.dumps(work.title, ensure_ascii=False),
        "size": work.size,
        "status": work.status,
        "owner": json.dumps(work.owner, ensure_ascii=False),
        "created": work.created,
        "links": [json.dumps(link, ensure_ascii=False) for link in links],
        "history": [history_item(work.status, today())],
    }
    lines = ["---"]
    for name in front_matter_keys(process):
        if name not in values:
            continue  # a key a newer process adds: this tool has no value for it
        value = values[name]
        if isinstance(value, str):
            lines.append(f"{name}: {value}")
        else:
            lines.append(f"{name}:" if value else f"{name}: []")
            lines.extend(f"  - {item}" for item in value)
    return "\n".join([*lines, "---"]) + "\n"


def render_document(process: Process, doc: KitDocument, work: Work) -> str:
    """One document of a piece of work: front matter, who/when/done, then its sections.

    This is the only place section prompts become Markdown, for ``new`` and for
    the first piece of work ``copier copy`` makes.
    """
    siblings = [other["file"] for other in kit(process, work.size, work.has_ui)]
    links = [name for name in siblings if name != doc["file"]]
    parts = [
        front_matter(process, work, links),
        f"# {doc['text']}: {markdown_title(work.title)}\n",
        who_when_done(doc),
    ]
    note = doc.get("size_notes", {}).get(work.size)
    if note:
        parts.append(f"{note}\n")
    parts += [
        render_section(section, work)
        for section in doc["sections"]
        if applies(process, section, work.size, work.has_ui)
    ]
    return "\n".join(parts)


def render_section(section: Section, work: Work) -> str:
    """Return one ``## title`` section with its prompt (``sync`` will insert missing ones)."""
    body = section["text"]
    if work.design_link and section.get("lists_design_link"):
        body = f"- All designs: <{work.design_link}>\n{body}"
    return f"## {section['title']}\n\n{body}\n"


# ------------------------------------------------------------------ a piece of work
# A piece of work as new records it and as the tool reads it back from its
# folder: its documents, their statuses, the stage it is at.
@dataclass(frozen=True)
class Work:
    """One piece of work, as its documents' front matter records it."""

    title: str
    size: str
    owner: str
    created: str
    has_ui: bool = False
    design_link: str = ""
    status: str = ""
    """What its documents' front matter says; ``new`` gives the process's first status."""


@dataclass(frozen=True)
class Statuses:
    """What each status of ``process.json`` means, as data: no status name is written here.

    ``settled`` statuses move a piece on to its next document's stage;
    ``closed`` ones end a document's work (nothing more is filled in);
    ``abandoned`` ones close it because the work will not happen. Renaming a
    status in ``process.yml`` renames it here too.
    """

    names: tuple[str, ...]
    settled: frozenset[str]
    closed: frozenset[str]
    abandoned: frozenset[str]

    @classmethod
    def of(cls, process: Process) -> Statuses:
        """Read the statuses and their meaning from the process data."""
        items = process["work_statuses"]
        return cls(
            names=tuple(item["text"] for item in items),
            settled=frozenset(item["text"] for item in items if item.get("settled")),
            closed=frozenset(item["text"] for item in items if item.get("closed")),
            abandoned=frozenset(item["text"] for item in items if item.get("abandoned")),
        )

    @property
    def first(self) -> str:
        """The status a new document starts with."""
        return self.names[0] if self.names else ""

    def closing(self, statuses: Sequence[str]) -> str:
        """Return the status that closes a piece whose documents have ``statuses``, or ``""``.

        A piece is closed when every document is settled and one is closed; a
        status that finishes the work wins over one that abandons it, so one
        dropped rollout note does not make a shipped piece "Dropped".
        """
        if not statuses or not all(status in self.settled for status in statuses):
            return ""
        ends = [n for n in self.names if n in self.closed and n not in self.abandoned]
        ends += [n for n in self.names if n in self.abandoned]
        return next((status for status in ends if status in statuses), "")


@dataclass(frozen=True)
class Document:
    """One kit document of a piece of work: its text as on disk and its front matter."""

    name: str
    path: Path
    text: str
    matter: Mapping[str, Any]
    problem: TeamFileError | None = None
    """Why the document cannot be read (then ``text`` and ``matter`` are empty)."""

    @property
    def status(self) -> str:
        """The document's ``status:`` (``""`` when it has none)."""
        return str(self.matter.get("status", ""))

    @property
    def conflicted(self) -> bool:
        """Whether the document holds conflict markers (mid-merge: left alone)."""
        return holds_conflict(self.text)


@dataclass(frozen=True)
class Piece:
    """One piece of work, read once from its folder: what index, check, sync and status use."""

    number: int
    slug: str
    folder: Path
    documents: tuple[Document, ...]
    """The kit documents the folder holds, in kit order."""
    title: str
    size: str
    owner: str
    created: str
    has_ui: bool
    status: str
    """The status the index shows: of the document that sets the stage."""
    stage: str

    @classmethod
    def read(cls, process: Process, folder: Path, root: Path | None = None) -> Piece:
        """Read the kit documents of ``folder`` (each once) and what they say of the piece.

        A document the tool cannot read is kept with its ``problem`` (``check``
        reports it, ``sync`` refuses in one line) and never hides the others.
        """
        texts, problems = {}, {}
        for name in dict.fromkeys(doc["file"] for doc in process["work_kit"]):
            path = folder / name
            if path.is_file():
                try:
                    texts[name] = read_document(path, root)[0]
                except TeamFileError as problem:
                    problems[name] = problem
        return cls.of(process, folder, texts, problems)

    @classmethod
    def of(
        cls,
        process: Process,
        folder: Path,
        texts: Mapping[str, str],
        problems: Mapping[str, TeamFileError] | None = None,
    ) -> Piece:
        """Build the piece of ``folder`` whose kit documents hold ``texts`` (read or planned)."""
        order = list(dict.fromkeys(doc["file"] for doc in process["work_kit"]))
        ui_files = {doc["file"] for doc in process["work_kit"] if doc.get("has_ui")}
        problems = problems or {}
        documents = tuple(
            Document(name, folder / name, texts[name], read_front_matter(texts[name]))
            if name in texts
            else Document(name, folder / name, "", {}, problems[name])
            for name in order
            if name in texts or name in problems
        )
        readable = [doc for doc in documents if doc.problem is None]
        first = readable[0].matter if readable else {}
        stage, status = piece_stage(process, [(doc.name, doc.status) for doc in readable])
        match = FOLDER.match(folder.name)
        return cls(
            number=int(match["number"]) if match else 0,
            slug=match["slug"] if match else folder.name,
            folder=folder,
            documents=documents,
            title=str(first.get("title", folder.name)),
            size=str(first.get("size", "")),
            owner=str(first.get("owner", "")),
            created=str(first.get("created", "")),
            has_ui=any(doc.name in ui_files for doc in documents) or marked_ui(first),
            status=status,
            stage=stage,
        )

    @classmethod
    def starting(cls, process: Process, folder: Path, work: Work) -> Piece:
        """Build the piece ``new`` is about to write for ``work`` in ``folder``."""
        texts = {
            doc["file"]: render_document(process, doc, work)
            for doc in kit(process, work.size, work.has_ui)
        }
        return cls.of(process, folder, texts)

    def document(self, name: str) -> Document | None:
        """Return the kit document ``name``, when the folder holds it."""
        return next((doc for doc in self.documents if doc.name == name), None)

    def work(self, process: Process) -> Work:
        """Return the piece as ``render_document`` takes it, for documents ``sync`` makes.

        A closed piece's new documents are closed too (``Statuses.closing``);
        otherwise they start at the first status, like ``new``.
        """
        statuses = Statuses.of(process)
        return Work(
            title=self.title,
            size=self.size,
            owner=self.owner or str(process["project"]["owner"]),
            created=self.created or today(),
            has_ui=self.has_ui,
            status=statuses.closing([doc.status for doc in self.documents]) or statuses.first,
        )


def piece_stage(process: Process, docs: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Return a piece of work's stage and status from its documents' (file, status) pairs.

    The one definition the index and the status page share. A piece is at the
    stage of its first document, in kit order, that is not settled; once all
    are settled, of the last one not closed yet (agreed, not yet shipped).
    Closed, it reads as its closing status: "Done", or "Dropped" when the work
    will not happen (its first document abandoned, or every one).
    """
    statuses = Statuses.of(process)
    stages = {doc["file"]: doc["stage"] for doc in process["work_kit"]}
    if not docs:
        first = process["work_kit"][0]["stage"] if process["work_kit"] else "Unknown"
        return first, statuses.first
    if docs[0][1] in statuses.abandoned:
        return docs[0][1].capitalize(), docs[0][1]
    for name, status in docs:
        if status not in statuses.settled:
            return stages.get(name, "Unknown"), status
    unclosed = [(name, status) for name, status in docs if status not in statuses.closed]
    if unclosed:
        name, status = unclosed[-1]
        return stages.get(name, "Unknown"), status
    closing = statuses.closing([status for _, status in docs])
    return closing.capitalize(), closing


def read_pieces(root: Path, process: Process) -> list[Piece]:
    """Read every piece of work of the repository, in folder order."""
    return [Piece.read(process, folder, root) for folder in work_folders(root)]


def readable(pieces: Sequence[Piece]) -> list[Piece]:
    """Return ``pieces``, or stop at the first document the tool cannot read (one line).

    ``check`` reports such a document as a finding; every other command that
    reads pieces (``new``, ``status``, ``fleet``) stops there instead.
    """
    for piece in pieces:
        for document in piece.documents:
            if document.problem is not None:
                raise document.problem
    return list(pieces)


# ------------------------------------------------------------------ the index
# docs/work/index.md: the table between its two markers, rebuilt from each
# piece's front matter; lines outside the markers are the team's.
INDEX_BEGIN = (
    "<!-- lifecycle.py keeps the table below current from each piece's front matter;"
    " write your own lines outside these two markers -->"
)
INDEX_END = "<!-- end of the table lifecycle.py keeps -->"
INDEX_HEADER = "| Number | Title | Size | Status | Owner | Stage |"
INDEX_RULE = "| -- | -- | -- | -- | -- | -- |"
TOCTREE = "```{toctree}"


def cell(text: str) -> str:
    """Return ``text`` as one table cell: one line, and a ``|`` cannot shift the columns."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown_table(columns: Sequence[str], rows: Iterable[Iterable[object]]) -> list[str]:
    """Return a Markdown table's lines, every cell passed through :func:`cell`."""
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("--" for _ in columns) + " |"]
    return lines + ["| " + " | ".join(cell(str(text)) for text in row) + " |" for row in rows]


def entries_table(pieces: Sequence[Piece], folder: str) -> list[str]:
    """Return the table of pieces of work, each linked to its first document under ``folder``.

    The index (in docs/work/) and the status page (in docs/) show the same table.
    """
    lines = [INDEX_HEADER, INDEX_RULE]
    for piece in pieces:
        number = piece.folder.name[:4]
        first = piece.documents[0].name if piece.documents else ""
        link = f"[{number}]({folder}{piece.folder.name}/{first})" if first else number
        cells = (markdown_title(piece.title), piece.size, piece.status, piece.owner, piece.stage)
        lines.append(f"| {link} | " + " | ".join(cell(text) for text in cells) + " |")
    return lines


def index_block(
    pieces: Sequence[Piece], above: Sequence[str] = (), below: Sequence[str] = ()
) -> list[str]:
    """Return the part of ``docs/work/index.md`` the tool owns: the table between markers.

    ``above`` and ``below`` are lines the team wrote between the markers
    anyway: they are kept, before and after the table, each group set apart.
    """
    lines = [INDEX_BEGIN, ""]
    lines += [*above, ""] if above else []
    lines += [*entries_table(pieces, ""), ""]
    lines += [*below, ""] if below else []
    return [*lines, INDEX_END]


def render_index(process: Process, pieces: Sequence[Piece]) -> str:
    """``docs/work/index.md`` as a new repository gets it; after that the team owns it."""
    lines = [
        "# Pieces of work",
        "",
        "Every piece of work runs the lifecycle with a kit of its own size. "
        'Start one with `python3 tools/lifecycle.py new "Title" --size small` '
        "(or rate it with `--scope`, `--impact` and `--risk`); see the lifecycle map, "
        "[lifecycle.md](../lifecycle.md).",
        "",
        *duty_lines(process, INDEX_DUTY),
        *index_block(pieces),
    ]
    lines += ["", TOCTREE, ":hidden:", ":glob:", "", "*/*", "```"]
    return "\n".join(lines) + "\n"


def index_span(path: str, lines: Sequence[str]) -> tuple[int, int, bool]:
    """Return where the tool's table is in the index's ``lines``: (start, end, found).

    Between the two markers; in an index from before the markers, the table
    the tool wrote (its header row, rule and rows), which the marked block
    then replaces. Without either, the block goes before the toctree, or at
    the end (``found`` is false). A marker without its partner is refused:
    which lines are the team's cannot be told.
    """
    begins = [i for i, line in enumerate(lines) if line.strip() == INDEX_BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == INDEX_END]
    if begins or ends:
        if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
            at = (begins or ends)[-1] + 1
            raise TeamFileError(
                path,
                at,
                "the markers around the table lifecycle.py keeps are not one pair, in order",
                f"keep one '{INDEX_BEGIN[:24]}...' line above the table and one "
                f"'{INDEX_END}' line below it, then run sync",
            )
        return begins[0], ends[0] + 1, True
    for start, line in enumerate(lines[:-1]):
        if line.strip() == INDEX_HEADER and lines[start + 1].strip() == INDEX_RULE:
            end = start + 2
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            return start, end, True
    at = next((i for i, line in enumerate(lines) if line.strip() == TOCTREE), len(lines))
    return at, at, False


def refreshed_index(path: str, text: str, pieces: Sequence[Piece]) -> str:
    """Return the index ``text`` with the tool's table current; every other line byte for byte."""
    lines = split_endings(text)[0]
    start, end, found = index_span(path, lines)
    # The tool owns the table's rows and blank lines; any other line is the team's.
    inner = lines[start + 1 : end - 1] if found and lines[start].strip() == INDEX_BEGIN else []
    rows = [i for i, line in enumerate(inner) if line.lstrip().startswith("|")]
    first = rows[0] if rows else len(inner)
    team = [(i, line) for i, line in enumerate(inner) if line.strip() and i not in rows]
    above = [line for i, line in team if i < first]
    block = index_block(pieces, above, [line for i, line in team if i > first])
    if not found:  # set the new block apart from the team's lines around it
        block = ([""] if start > 0 and lines[start - 1].strip() else []) + block
        block += [""] if start < len(lines) and lines[start].strip() else []
    return spliced(text, start, end, block)


def spliced(text: str, start: int, end: int, new_lines: Sequence[str]) -> str:
    """Return ``text`` with its lines ``start`` to ``end`` replaced by ``new_lines``.

    Every other line keeps its own ending (CRLF, LF); new lines take the file's
    usual one, and a file without a final newline still has none.
    """
    lines, endings = split_endings(text)
    newline = "\r\n" if endings.count("\r\n") > endings.count("\n") else "\n"
    final = not endings or endings[-1] != ""
    kept = list(zip(lines, endings, strict=True))
    out = [*kept[:start], *((line, newline) for line in new_lines), *kept[end:]]
    last = len(out) - 1
    return "".join(
        line + (ending or newline if position < last or final else "")
        for position, (line, ending) in enumerate(out)
    )


# ------------------------------------------------------------------ starting a piece of work
# new: claim the next folder (one new at a time), write its documents and
# list it in the index.
def work_folders(root: Path) -> list[Path]:
    """Return the folders of the existing pieces of work, in number order."""
    base = root / WORK_FOLDER
    if not base.is_dir():
        return []
    return sorted(path for path in base.iterdir() if path.is_dir() and FOLDER.match(path.name))


NEW_LOCK = ".lifecycle-new.lock"
"""A folder in ``docs/work/`` that exists while one ``new`` picks a number and writes the index."""
LOCK_WAIT = 45.0
LOCK_STALE = 30.0
"""Seconds to wait for another ``new``, and the age at which its lock was left by a killed run."""


@contextlib.contextmanager
def one_new_at_a_time(root: Path, base: Path) -> Iterator[None]:
    """Let one ``new`` at a time pick a number and rebuild the index (a lock by ``mkdir``).

    Two at once would both see the same highest number, and the index one of
    them writes would lack the other's piece. ``mkdir`` is atomic on every
    file system; a lock older than ``LOCK_STALE`` was left by a killed run.
    """
    lock = base / NEW_LOCK
    shown = lock.relative_to(root).as_posix()
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            lock.mkdir()
            break
        except FileExistsError:
            try:
                if time.time() - lock.stat().st_mtime > LOCK_STALE:
                    lock.rmdir()
                    continue
            except OSError:
                continue
            if time.monotonic() > deadline:
                raise TeamFileError(
                    shown,
                    1,
                    f"another `lifecycle.py new` has held this lock for over {LOCK_WAIT:.0f} s",
                    "when no other runs, delete the folder and run the command again",
                ) from None
            time.sleep(0.02 + random.random() * 0.05)
        except OSError as problem:
            raise TeamFileError(
                shown,
                1,
                f"cannot be created ({problem.strerror or problem})",
                f"make {WORK_FOLDER.as_posix()}/ writable, then run the command again",
            ) from problem
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.rmdir()


def clash(pieces: Sequence[Piece], work: Work) -> None:
    """Refuse a title another piece has, or whose folder name another folder has."""
    wanted = slug(work.title)
    for piece in pieces:
        same_slug = piece.slug == wanted and wanted != "work"
        if piece.title.casefold() == work.title.casefold() or same_slug:
            raise UsageError(
                f"title {work.title!r} clashes with {WORK_FOLDER.as_posix()}/{piece.folder.name}: "
                "each piece of work needs its own title."
            )


def claim_folder(base: Path, pieces: Sequence[Piece], wanted: str) -> Path:
    """Create the new piece's folder under the next number no folder uses; return it.

    ``mkdir`` fails when the folder exists, so a number is never taken twice,
    even by a ``new`` that does not hold the lock (an older tool): the next
    number is tried instead.
    """
    number = max((piece.number for piece in pieces), default=0) + 1
    while True:
        folder = base / f"{number:04d}-{wanted}"
        taken = any(path.name.startswith(f"{number:04d}-") for path in base.iterdir())
        if not taken:
            try:
                folder.mkdir()
                return folder
            except FileExistsError:
                pass
        number += 1


def index_text(root: Path, process: Process, pieces: Sequence[Piece]) -> str:
    """Return the index as it should be: the team's file with the table current, or a new one."""
    path = root / INDEX_FILE
    if not path.is_file():
        return render_index(process, pieces)
    text, shown = read_text(path), INDEX_FILE.as_posix()
    if holds_conflict(text):
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith(CONFLICT_MARKERS))
        raise TeamFileError(
            shown, at + 1, "holds conflict markers", "resolve them, then run the command again"
        )
    return refreshed_index(shown, text, pieces)


def new(root: Path, process: Process, work: Work) -> tuple[Path, list[Path]]:
    """Create a piece of work's folder and kit, and refresh the index; return what was written.

    Everything is computed before the first write, and written in one
    ``write_files``; when that refuses, the folder just made is removed again.
    """
    problem = title_problem(work.title)
    if problem:
        raise UsageError(problem)
    base = root / WORK_FOLDER
    inside(root, base)
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as problem_:
        raise TeamFileError(
            WORK_FOLDER.as_posix(),
            1,
            f"cannot be created ({problem_.strerror or problem_})",
            "make docs/ writable, then run the command again",
        ) from problem_
    with one_new_at_a_time(root, base):
        pieces = readable(read_pieces(root, process))
        clash(pieces, work)
        folder = claim_folder(base, pieces, slug(work.title))
        try:
            started_piece = Piece.starting(process, folder, work)
            files = {doc.path: doc.text for doc in started_piece.documents}
            files[root / INDEX_FILE] = index_text(root, process, [*pieces, started_piece])
            write_files(root, files)
        except BaseException:
            with contextlib.suppress(OSError):
                folder.rmdir()
            raise
    return folder, list(files)


# ----------------------------------------------------------- CommonMark: lines, headings and tables
# The first half of the CommonMark reader: line ends, headings, tables and
# list items, as patterns and small scanners.
LINE_END = re.compile(r"\r\n|\r|\n")
"""What ends a line in CommonMark: LF, CR or CRLF (never U+2028, form feed, ...)."""
ATX_START = re.compile(r"(?P<hashes>#{1,6})(?:[ \t]+|$)")
FENCE_START = re.compile(r"(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
SETEXT = re.compile(r"(?:=+|-+)[ \t]*$")
THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
LIST_MARKER = re.compile(r"(?P<marker>[-+*]|(?P<number>[0-9]{1,9})[.)])(?=[ \t]|$)")
TASK_BOX = re.compile(r"\[(?P<mark>[ xX])\](?:[ \t]|$)")
_TAG_NAME = "[A-Za-z][A-Za-z0-9-]*"
_ATTRIBUTE = (
    r"(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*"
    r"(?:\s*=\s*(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\"))?)"
)
BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
HTML_BLOCKS: tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...] = (
    (
        re.compile(r"<(?:script|pre|style|textarea)(?=[ \t\n\v\f\r>]|$)", re.I),
        re.compile(r"</(?:script|pre|style|textarea)>", re.I),
    ),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(rf"</?(?:{BLOCK_TAGS})(?=\s|/?>|$)", re.I), None),
    (re.compile(rf"(?:<{_TAG_NAME}{_ATTRIBUTE}*\s*/?>|</{_TAG_NAME}\s*>)\s*$"), None),
)
"""The seven kinds of HTML block: how each starts, and what ends it (``None``: a blank line).
The last kind cannot interrupt a paragraph."""
TEXT, CODE, HTML = "text", "code", "html"
BLOCK_STARTS = frozenset("#`~<>-*+_=0123456789")
"""The first characters of every line that can start a block (other than indented code)."""
ODD_SPACES = frozenset("\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000")
ODD_SPACES |= {chr(c) for c in range(0x2000, 0x200B)}
"""Spaces that markdown-it strips from a heading's ends and CommonMark keeps."""
PLAIN_DOUBT = BLOCK_STARTS | {" ", "\t"}
"""First characters that need the full reading; a line starting otherwise is plain text."""
EMPHASIS_DOUBT = frozenset(("", " ", "\t", "_", "*"))
"""After a first ``_`` or ``*``, what may still make a thematic break or a list item."""
LIST_DOUBT = PLAIN_DOUBT | {"[", ""}
"""First characters of a list item's text that need the full reading (a box, a block, none)."""
LAZY_DOUBT = frozenset("#`~<>-*+_=")
"""First characters of an over-indented lazy line that markdown-it may read as a new block."""


@dataclass
class Heading:
    """A top-level heading as CommonMark sees it: first line index, level, stripped text."""

    index: int
    level: int
    title: str


@dataclass
class Scan:
    """What CommonMark sees in a document, line by line (see ``scan_markdown``).

    ``kinds[i]`` is ``code`` for a line of fenced or indented code (fences
    included), ``html`` for a line of an HTML block (comments included) and
    ``text`` otherwise; ``boxes`` maps the line of each list item that starts
    with a task box to whether it is ticked; ``fence`` is the opening line of a
    top-level fence still open at the end (an unclosed fence runs to the end of
    the document), ``open_html`` the index of a top-level HTML block only its
    own end closes (a comment) still open there, else -1; ``rows`` the lines of
    top-level tables, as GitHub reads them (header and body, not the delimiter).
    """

    lines: list[str]
    headings: list[Heading]
    kinds: list[str]
    boxes: dict[int, bool]
    fence: str = ""
    open_html: int = -1
    rows: frozenset[int] = frozenset()


def split_lines(text: str) -> list[str]:
    """Split Markdown into lines at LF, CR or CRLF, as CommonMark does (not ``splitlines``)."""
    lines = LINE_END.split(text) if "\r" in text else text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def expand_tabs(line: str) -> str:
    """Replace tabs by spaces to the next tab stop of 4, as CommonMark reads block structure."""
    return line.expandtabs(4) if "\t" in line else line


def body_start(lines: Sequence[str]) -> int:
    """Return the index of the first line after the front matter (0 when there is none).

    The front matter is not Markdown: read as CommonMark, its ``---`` lines
    would be a thematic break and a setext heading made of its keys.
    """
    if not lines or lines[0].removeprefix("\ufeff").rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index + 1
    return 0


def _refuse(where: str, index: int, problem: str, fix: str) -> NoReturn:
    """Stop reading a document whose structure this tool cannot be sure of."""
    raise TeamFileError(where or "<document>", index + 1, problem, fix)


def atx_heading(where: str, index: int, opening: re.Match[str]) -> tuple[int, str]:
    """Return the level and text of an ATX heading (``opening`` matched at its ``#``).

    The optional closing sequence goes when a space or tab precedes it, as
    CommonMark says: ``# C#`` keeps its ``#``, ``# Title ##`` does not.
    """
    content = opening.string[opening.end() :].rstrip(" \t")
    bare = content.rstrip("#")
    if bare != content and (not bare or bare[-1] in " \t"):
        content = bare
    return len(opening["hashes"]), _heading_title(where, index, content)


def _heading_title(where: str, index: int, text: str) -> str:
    """Strip a heading's text as CommonMark does: spaces and tabs, nothing else."""
    title = text.strip(" \t")
    if title and (title[0] in ODD_SPACES or title[-1] in ODD_SPACES):
        _refuse(
            where,
            index,
            "the heading starts or ends with an unusual space character",
            "remove it, so every reader sees the same title",
        )
    return title


def html_kind(body: str, in_paragraph: bool) -> int | None:
    """Return which of the seven kinds of HTML block ``body`` starts, or ``None``."""
    for number, (opener, _) in enumerate(HTML_BLOCKS):
        if opener.match(body) and (number < 6 or not in_paragraph):
            return number
    return None


DELIMITER_CELL = re.compile(r":?-+:?")


def delimiter_cells(line: str) -> int:
    """Return how many columns a table's delimiter row (``| -- | :-: |``) has, or 0."""
    body = line.strip(" \t")
    if expand_tabs(line)[:4] == "    " or len(body) < 2 or body[0] not in "|-:":
        return 0
    if body[1] not in "|-: \t" or (body[0] == "-" and body[1] in " \t"):
        return 0
    if body.strip("|-: \t"):
        return 0
    cells = body.split("|")
    count = 0
    for position, cell in enumerate(cells):
        cell = cell.strip(" \t")
        if not cell and position in (0, len(cells) - 1):
            continue
        if not DELIMITER_CELL.fullmatch(cell):
            return 0
        count += 1
    return count


def row_cells(line: str) -> list[str]:
    """Split a table row into its cells, as GFM does (a backslash keeps a pipe in its cell)."""
    cells = re.split(r"(?<!\\)\|", line.strip(" \t"))
    if cells and cells[0].strip(" \t") == "":
        cells.pop(0)
    if cells and cells[-1].strip(" \t") == "":
        cells.pop()
    return [cell.replace("\\|", "|").strip(" \t") for cell in cells]


def ends_table(line: str) -> bool:
    """Whether ``line`` ends a table's body: blank, code, or the start of another block."""
    body = line.lstrip(" \t")
    if not body or len(expand_tabs(line)) - len(expand_tabs(line).lstrip(" ")) >= 4:
        return True
    if body[0] in ">`~#" and (body[0] == ">" or FENCE_START.match(body) or ATX_START.match(body)):
        return True
    if THEMATIC.match(body) or LIST_MARKER.match(body):
        return True
    return body[0] == "<" and html_kind(body, True) is not None


def table_rows(
    lines: Sequence[str], kinds: Sequence[str], piped: Sequence[int], titles: set[int], where: str
) -> frozenset[int]:
    """Return the rows of the top-level tables, as markdown-it's GFM tables read them.

    A table is a paragraph line holding ``|`` over a delimiter row with as many
    columns; its body runs to a blank line or another block. A heading over a
    delimiter row is a table on GitHub and a heading in CommonMark: refused.
    """
    rows: set[int] = set()
    taken: set[int] = set()
    heads = set(piped)
    for index in piped:
        if index in taken or index + 1 >= len(lines) or kinds[index + 1] != TEXT:
            continue
        columns = delimiter_cells(lines[index + 1])
        if not columns or expand_tabs(lines[index])[:4] == "    ":
            continue
        if len(row_cells(lines[index])) != columns:
            continue
        rows.add(index)
        taken.update((index, index + 1))
        after = index + 2
        while after < len(lines) and kinds[after] == TEXT and not ends_table(lines[after]):
            rows.add(after)
            taken.add(after)
            after += 1
    others = [i for i, line in enumerate(lines[:-1]) if "|" in line and i not in heads]
    for index in others:
        if index in taken or kinds[index] != TEXT:
            continue
        if kinds[index + 1] == TEXT and delimiter_cells(lines[index + 1]):
            _refuse(
                where,
                index,
                "this line is a table's header on GitHub but not in CommonMark"
                if index not in titles
                else "this heading is followed by a table's delimiter row",
                "put a blank line before the table, and the table outside lists and quotes",
            )
    return frozenset(rows)


def plain_item(line: str) -> bool:
    """Whether ``line`` is ``- text`` whose text starts no block: a list item read quickly."""
    if line[1:2] != " ":
        return False
    first = line[2:3]
    if first not in LIST_DOUBT:
        return True
    return first in "*_" and line[3:4] not in ("", " ", "\t") and not THEMATIC.match(line, 2)


def _starts_block(body: str, indent: int) -> bool:
    """Whether a line would start a block that cannot interrupt a paragraph.

    After a link reference definition, markdown-it starts such a block where
    the CommonMark reference reads paragraph text: the tool refuses to choose.
    """
    if indent >= 4 or HTML_BLOCKS[6][0].match(body):
        return True
    marker = LIST_MARKER.match(body)
    return marker is not None and (
        not body[marker.end() :].strip(" ")
        or (marker["number"] is not None and int(marker["number"]) != 1)
    )


class _Block:
    """An open container: a block quote (``need`` < 0) or a list item (content column)."""

    def __init__(self, need: int, blank_start: bool = False) -> None:
        self.need = need
        self.empty = blank_start


def scan_markdown(lines: Sequence[str], where: str = "", start: int | None = None) -> Scan:
    """Tell, line by line, what CommonMark sees in a document (``read_blocks``), once per text.

    ``check`` asks about the same document for its sections, placeholders and
    rows; the answer for the same lines is the same, so it is kept.
    """
    key = (tuple(lines), where, start)
    found = _SCANS.get(key)
    if found is None:
        found = _SCANS[key] = read_blocks(key[0], where, start)
        if len(_SCANS) > 64:
            del _SCANS[next(iter(_SCANS))]
    return found


# ------------------------------------------------------------------ CommonMark: blocks
# The block reader (read_blocks), on its own because it is long: it tells,
# line by line, what CommonMark sees in a document.
_SCANS: dict[tuple[tuple[str, ...], str, int | None], Scan] = {}


def read_blocks(lines: Sequence[str], where: str = "", start: int | None = None) -> Scan:
    """Tell, line by line, what CommonMark sees in a document (front matter skipped).

    One pass in the way the CommonMark specification describes: containers
    (block quotes, list items) are continued or closed, then new blocks start
    (ATX and setext headings, fences, HTML blocks, thematic breaks, list items,
    indented code), then the line joins the open leaf or starts a paragraph,
    lazy continuation included. Only headings outside every container are
    sections. Where a reading could differ (a setext heading whose text may be a
    link reference definition), it raises ``TeamFileError`` instead of guessing.
    """
    start = body_start(lines) if start is None else start
    kinds = [TEXT] * len(lines)
    headings: list[Heading] = []
    boxes: dict[int, bool] = {}
    blocks: list[_Block] = []
    leaf = ""  # "", "para", "fence", "icode", "html"
    para_start = 0
    maybe_definition = False
    fence = ("", 0)
    fence_line = 0
    html_end: re.Pattern[str] | None = None
    html_line = -1
    piped: list[int] = []
    for index in range(start, len(lines)):
        raw = lines[index]
        # Lines that start at the margin close every container (a quote wants its
        # ">", a list item its indent) and the leaf in them: read them quickly.
        lead = raw[:1]
        if not raw or (lead in " \t" and not raw.strip(" \t")):
            if leaf in ("", "para") and all(b.need >= 0 and not b.empty for b in blocks):
                leaf = ""  # a blank line ends the paragraph; list items go on
                continue
        elif lead not in PLAIN_DOUBT or (lead in "_*" and raw[1:2] not in EMPHASIS_DOUBT):
            if blocks or leaf not in ("fence", "html"):
                if leaf != "para":
                    blocks.clear()
                    leaf, para_start = "para", index
                    maybe_definition = lead == "[" and ("]:" in raw or "]" not in raw)
                if "|" in raw and not blocks:
                    piped.append(index)
                continue
        elif lead == "#":
            opening = ATX_START.match(raw)
            if opening and (blocks or leaf not in ("fence", "html")):
                blocks.clear()
                level, title = atx_heading(where, index, opening)
                headings.append(Heading(index, level, title))
                leaf = ""
                continue
        elif lead in "-*+" and (blocks or leaf not in ("fence", "html")) and plain_item(raw):
            blocks[:] = [_Block(2)]
            leaf, para_start, maybe_definition = "para", index, False
            continue
        if not blocks and leaf == "fence" and raw[:1] not in " \t" + fence[0]:
            kinds[index] = CODE
            continue
        line = expand_tabs(raw)
        pos, matched = 0, 0
        blank = not line.strip(" ")
        closed_leaf = False
        for block in blocks:
            indent = len(line) - len(line[pos:].lstrip(" ")) - pos
            blank = not line[pos:].strip(" ")
            if block.need < 0:
                if indent <= 3 and line[pos + indent : pos + indent + 1] == ">":
                    pos += indent + 1
                    if line[pos : pos + 1] == " ":
                        pos += 1
                    matched += 1
                    continue
                break
            if blank:
                if block.empty:
                    break
                pos = len(line)
                matched += 1
                continue
            if indent >= block.need:
                pos += block.need
                matched += 1
                continue
            break
        all_matched = matched == len(blocks)
        rest = line[pos:]
        blank = not rest.strip(" ")
        indent = len(rest) - len(rest.lstrip(" "))
        if not blank:
            for block in blocks[:matched]:
                block.empty = False
        if not all_matched and leaf != "para":
            leaf = ""
        # The open leaf accepts the line when every container continues.
        if all_matched and leaf == "fence":
            kinds[index] = CODE
            char, length = fence
            body = rest.strip(" ")
            if indent <= 3 and body and set(body) == {char} and len(body) >= length:
                leaf = ""
            continue
        if all_matched and leaf == "html":
            kinds[index] = HTML
            if html_end is None:
                if blank:
                    leaf = ""
                    kinds[index] = TEXT
            elif html_end.search(rest):
                leaf = ""
            continue
        if leaf == "icode":
            if indent >= 4 or blank:
                kinds[index] = CODE
                continue
            leaf = ""
        paragraph = all_matched and leaf == "para"
        lazy_para = leaf == "para" and not all_matched
        opened = False
        while True:
            indent = len(rest) - len(rest.lstrip(" "))
            body = rest[indent:]
            if paragraph and maybe_definition and _starts_block(body, indent):
                _refuse(
                    where,
                    index,
                    "this line follows what may be a link reference definition, and"
                    " Markdown readers disagree on where that ends",
                    "put a blank line before this line",
                )
            if indent >= 4:
                if lazy_para and (body[:1] in LAZY_DOUBT or body[:1].isdigit()):
                    _refuse(
                        where,
                        index,
                        "this indented line continues a paragraph in a list or quote"
                        " lazily, and Markdown readers disagree on it",
                        "indent it as the text above it, or put a blank line before it",
                    )
                if paragraph or lazy_para or blank:
                    break
                kinds[index] = CODE
                del blocks[matched:]
                leaf = "icode"
                closed_leaf = True
                break
            lead = body[:1]
            if lead not in BLOCK_STARTS:
                break
            if lead == ">":
                del blocks[matched:]
                for block in blocks:
                    block.empty = False
                blocks.append(_Block(-1))
                matched = len(blocks)
                rest = body[1:]
                if rest.startswith(" "):
                    rest = rest[1:]
                paragraph = lazy_para = False
                leaf = ""
                opened = True
                blank = not rest.strip(" ")
                continue
            if lead == "#" and ATX_START.match(body):
                del blocks[matched:]
                leaf = ""
                closed_leaf = True
                if not blocks:
                    text = raw.lstrip(" \t")
                    opening = ATX_START.match(text)
                    assert opening is not None
                    level, title = atx_heading(where, index, opening)
                    headings.append(Heading(index, level, title))
                break
            found = FENCE_START.match(body) if lead in "`~" else None
            if found and not (found["fence"][0] == "`" and "`" in found["info"]):
                del blocks[matched:]
                leaf, fence, fence_line = "fence", (found["fence"][0], len(found["fence"])), index
                kinds[index] = CODE
                closed_leaf = True
                break
            kind = None if lead != "<" else html_kind(body, paragraph or lazy_para)
            if kind is not None:
                del blocks[matched:]
                html_end = HTML_BLOCKS[kind][1]
                html_line = index
                kinds[index] = HTML
                leaf = "" if html_end is not None and html_end.search(body) else "html"
                closed_leaf = True
                break
            if paragraph and SETEXT.match(body):
                if "|" in lines[index - 1]:
                    _refuse(
                        where,
                        index - 1,
                        "this line is a heading in CommonMark but a table on GitHub",
                        "write the heading as '## title', or put a blank line before the table",
                    )
                if maybe_definition:
                    _refuse(
                        where,
                        para_start,
                        "this heading's text starts like a link reference definition",
                        "write the heading as '# title' or '## title'",
                    )
                boxes.pop(para_start, None)
                if not blocks:
                    text = "\n".join(
                        _heading_title(where, at, lines[at]) for at in range(para_start, index)
                    )
                    level = 1 if body[0] == "=" else 2
                    headings.append(Heading(para_start, level, text))
                leaf = ""
                closed_leaf = True
                break
            if THEMATIC.match(body):
                del blocks[matched:]
                leaf = ""
                closed_leaf = True
                break
            marker = LIST_MARKER.match(body)
            if marker:
                after = body[marker.end() :]
                empty = not after.strip(" ")
                number = marker["number"]
                if paragraph and (empty or (number is not None and int(number) != 1)):
                    break
                spaces = len(after) - len(after.lstrip(" "))
                width = marker.end()
                if empty or spaces >= 5:
                    spaces = 1
                need = indent + width + spaces
                del blocks[matched:]
                for block in blocks:
                    block.empty = False
                blocks.append(_Block(need, blank_start=empty))
                matched = len(blocks)
                rest = body[width + spaces :] if not empty else ""
                box = TASK_BOX.match(rest)
                if box and rest[box.end() :].strip(" "):
                    boxes[index] = box["mark"] != " "
                paragraph = lazy_para = False
                leaf = ""
                opened = True
                blank = not rest.strip(" ")
                continue
            break
        if closed_leaf:
            continue
        if not blank and lazy_para and not opened:
            continue
        if len(blocks) > matched:
            del blocks[matched:]
            leaf = ""
        if blank:
            leaf = ""
            continue
        for block in blocks:
            block.empty = False
        if "|" in raw and not blocks:
            piped.append(index)
        if leaf != "para":
            leaf, para_start = "para", index
            first = rest.lstrip(" ")
            maybe_definition = first.startswith("[") and ("]:" in first or "]" not in first)
    rows = (
        table_rows(lines, kinds, piped, {heading.index for heading in headings}, where)
        if "|" in "".join(lines)
        else frozenset()
    )
    return Scan(
        list(lines),
        headings,
        kinds,
        boxes,
        lines[fence_line] if leaf == "fence" and not blocks else "",
        html_line if leaf == "html" and html_end is not None and not blocks else -1,
        rows,
    )


# ------------------------------------------------------------------ check: the registry
# Every check declared once (code, family, rule, prerequisites), the outcomes,
# and the Checker that runs them; the sections below hold the check families.
# The check model follows scientific-python's repo-review: every check is
# declared once in REGISTRY with a code that never changes, its family, a
# one-sentence rule, a link to docs/lifecycle.md and the checks it requires; a
# check whose prerequisite did not pass is skipped, not failed again; a team
# waives a check with a reason. It is built
# on the standard library rather than as a repo-review plugin because a plugin
# needs repo-review (and its dependencies) installed in every team's
# environment, CI job and pre-commit hook; ``python3 tools/lifecycle.py check``
# runs offline with nothing but the Python the repository already has.
WAIVERS_FILE = Path(".lifecycle") / "waivers.toml"
LIFECYCLE_PAGE = "docs/lifecycle.md"
CHECKS_URL = f"{LIFECYCLE_PAGE}#checks"


@dataclass(frozen=True)
class Check:
    """One rule of ``check``, declared once, with a code that never changes.

    A document's stage is not part of the code (moving a document to another
    stage in process.yml must not rename its findings and orphan a team's
    waivers): per-document results name the document as their file instead.
    ``requires``: a result of this check is skipped, not failed again, when one
    of these did not pass on the same file or on the piece of work holding it.
    ``aliases``: the codes earlier template versions gave this rule (a prefix
    per stage, such as ``SHP03``); waivers and ``--only`` naming one still apply.
    """

    code: str
    family: str
    rule: str
    requires: tuple[str, ...] = ()
    url: str = CHECKS_URL
    warn_outside_release: bool = False
    aliases: tuple[str, ...] = ()


RECORDS = "History and links"
"""The family of the checks on what a document's front matter records beyond its status:
the dates of its statuses, its succession, an RFC's discussion and resolution, its links.

Their codes are ``LC111``-``LC115``, next to the other ``LC1xx`` document rules and not
an ``RFC`` prefix: three of the five apply to every document of a piece of work (a
shaping note's status has a date and its links exist too), and a code never changes
once teams waive it, so it must not name the one document kind it started with.

All five warn outside ``check --release``: they judge records a team wrote before these
rules existed, and an update must never turn a team's CI red; the release gate holds them."""

REGISTRY = (
    Check(
        "LC100",
        "Documents",
        "The repository-level document the process requires for this repository's size exists.",
        aliases=("SHP00", "ARC00", "DSG00", "PLN00", "IMP00", "VAL00", "DOC00", "DLV00", "LC00"),
    ),
    Check(
        "LC101",
        "Documents",
        "Each document the kit of a piece of work's size requires exists.",
        requires=("LC106",),
        aliases=("SHP01", "ARC01", "DSG01", "PLN01", "IMP01", "VAL01", "DOC01", "DLV01", "LC01"),
    ),
    Check(
        "LC102",
        "Documents",
        "The document has every section the process requires for its size.",
        requires=("LC100", "LC101", "LC108"),
        aliases=("SHP02", "ARC02", "DSG02", "PLN02", "IMP02", "VAL02", "DOC02", "DLV02", "LC02"),
    ),
    Check(
        "LC103",
        "Documents",
        "The document's front matter status is one of the process's statuses.",
        requires=("LC101", "LC108"),
        aliases=("SHP03", "ARC03", "DSG03", "PLN03", "IMP03", "VAL03", "DOC03", "DLV03", "LC03"),
    ),
    Check(
        "LC104",
        "Documents",
        "A piece of work marked done has no _TODO_ placeholder left in its required sections.",
        requires=("LC101",),
        aliases=("SHP04", "ARC04", "DSG04", "PLN04", "IMP04", "VAL04", "DOC04", "DLV04", "LC04"),
    ),
    Check(
        "LC105",
        "Documents",
        "A piece of work marked done (medium and large) has its RFC accepted.",
        requires=("LC101",),
        aliases=("SHP05", "ARC05", "DSG05", "PLN05", "IMP05", "VAL05", "DOC05", "DLV05", "LC05"),
    ),
    Check(
        "LC106",
        "Documents",
        "A piece of work's front matter size is one of the process's sizes.",
        aliases=("SHP06", "ARC06", "DSG06", "PLN06", "IMP06", "VAL06", "DOC06", "DLV06", "LC06"),
    ),
    Check(
        "LC107",
        "Documents",
        "A repository checklist (production readiness, the release checklist) holds every item"
        " the process requires for the repository's size (sync adds the missing ones).",
        requires=("LC100", "LC108"),
        # The release will ask for the item, and sync adds it in one command: a
        # warning tells a team long before release day, without turning an
        # unrelated pull request red.
        warn_outside_release=True,
    ),
    Check(
        "LC108",
        "Documents",
        "The tool can read the document: UTF-8 text, with front matter in the YAML it reads.",
    ),
    Check(
        "LC109",
        "Documents",
        "No two folders of pieces of work share a number.",
    ),
    Check(
        "LC110",
        "Documents",
        "The index's table shows each piece of work as its documents' front matter says.",
        warn_outside_release=True,
    ),
    Check(
        "LC116",
        "Documents",
        "A section the process renamed is under its new heading (sync never renames"
        " a team's heading).",
        requires=("LC100", "LC101", "LC108"),
        # A new template version renames the section, not the team: a warning
        # until the release gate, so an update never turns a team's CI red.
        warn_outside_release=True,
    ),
    Check(
        "VAL07",
        "Test plan",
        "The manual test plan ran within its cadence (the execution log's newest date).",
        requires=("LC100",),
        warn_outside_release=True,
        aliases=("SHP07", "ARC07", "DSG07", "PLN07", "IMP07", "DOC07", "DLV07", "LC07"),
    ),
    Check(
        "DLV10",
        "Release",
        "The release tag names the package version in pyproject.toml (v1.2.0 or 1.2.0),"
        " where that version is static.",
        aliases=("SHP10", "ARC10", "DSG10", "PLN10", "IMP10", "VAL10", "DOC10", "LC10"),
    ),
    Check(
        "DLV11",
        "Release",
        "The release has its record, docs/releases/vX.Y.Z.md"
        " (made by `python3 tools/lifecycle.py release vX.Y.Z`).",
        aliases=("SHP11", "ARC11", "DSG11", "PLN11", "IMP11", "VAL11", "DOC11", "LC11"),
    ),
    Check(
        "DLV12",
        "Release",
        "Every item of the release record before the tag is ticked or marked N/A: reason,"
        " and its sign-off is filled in.",
        requires=("DLV11",),
        aliases=("SHP12", "ARC12", "DSG12", "PLN12", "IMP12", "VAL12", "DOC12", "LC12"),
    ),
    Check(
        "DLV13",
        "Release",
        "The manual test plan's execution log has a row for this release.",
        aliases=("SHP13", "ARC13", "DSG13", "PLN13", "IMP13", "VAL13", "DOC13", "LC13"),
    ),
    Check(
        "DLV14",
        "Release",
        "Every production-readiness item of a service that its file holds is ticked or marked"
        " N/A: reason (LC107 names the items the file lacks).",
        aliases=("SHP14", "ARC14", "DSG14", "PLN14", "IMP14", "VAL14", "DOC14", "LC14"),
    ),
    Check(
        "LC111",
        RECORDS,
        "The document's current status has its date: the last item of its front matter"
        " history, oldest first (sync writes it).",
        requires=("LC108", "LC103"),
        warn_outside_release=True,
    ),
    Check(
        "LC112",
        RECORDS,
        "Each supersedes and superseded_by entry is a URL, or a piece of work in docs/work/"
        " that names this one back.",
        requires=("LC108", "LC101"),
        warn_outside_release=True,
    ),
    Check(
        "LC113",
        RECORDS,
        "An RFC in review or later names its discussion: a discussion URL in its front"
        " matter, or a URL on its Announced line (at the sizes of rfc_records in the process).",
        requires=("LC103",),
        warn_outside_release=True,
    ),
    Check(
        "LC114",
        RECORDS,
        "An accepted, done or dropped RFC links its resolution: a resolution URL (or path)"
        " in its front matter (at the sizes of rfc_records in the process).",
        requires=("LC103",),
        warn_outside_release=True,
    ),
    Check(
        "LC115",
        RECORDS,
        "Each links entry that is a path (not a URL or #number) names a file or folder"
        " that exists in the repository.",
        requires=("LC108", "LC101"),
        warn_outside_release=True,
    ),
    Check(
        "LC001",
        "Waivers",
        "Every waiver in .lifecycle/waivers.toml gives a reason.",
        url=f"{LIFECYCLE_PAGE}#waivers",
    ),
)
"""Every check, in the order docs/lifecycle.md lists them. To add one: declare it
here, record it with ``checker.add(CODE, ...)`` in the function that reads its
file, and test it; the runner does skipping, softening, waivers and ``--only``."""
CHECKS = {check.code: check for check in REGISTRY}
ALIASES = {alias: check.code for check in REGISTRY for alias in check.aliases}
"""Old code -> new code (data written once from the stage-based scheme)."""
OLD_FAMILIES = {
    "Project shaping": "SHP",
    "Architecture": "ARC",
    "Design": "DSG",
    "Planning": "PLN",
    "Implementation": "IMP",
    "Validate": "VAL",
    "Document": "DOC",
    "Deliver to production": "DLV",
}
"""The stage-based scheme's prefix of each stage (``LC`` for any other): an old code
in a waiver keeps covering exactly what it covered, the results of that stage."""
EXECUTION_LOG = "Execution log"
LOG_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PLACEHOLDER = "_TODO"
PASS, FAIL, SKIP, WAIVED, WARN = "pass", "fail", "skip", "waived", "warn"
OUTCOMES = (PASS, FAIL, WARN, SKIP, WAIVED)


@dataclass
class Result:
    """The outcome of one check on one file."""

    code: str
    stage: str
    file: str
    rule: str
    url: str
    outcome: str
    detail: str = ""
    line: int = 0
    family: str = ""


def names(code: str, result: Result) -> bool:
    """Tell whether a code a team wrote (in a waiver, after ``--only``) names ``result``.

    An old code names what it named before: its rule, on a document of its stage.
    """
    if code == result.code:
        return True
    return ALIASES.get(code) == result.code and code[:-2] == OLD_FAMILIES.get(result.stage, "LC")


def known_code(code: str) -> str:
    """Return the registry's code for ``code`` (itself, or the one an old code became)."""
    if code in CHECKS:
        return code
    if code in ALIASES:
        return ALIASES[code]
    raise UsageError(
        f"--only: unknown check code {code!r}; codes look like VAL07 (see {CHECKS_URL})."
    )


class Checker:
    """The one runner: records results and skips a check whose ``requires`` did not pass."""

    def __init__(self) -> None:
        """Start with no results."""
        self.results: list[Result] = []
        self.not_passed: set[tuple[str, str]] = set()
        self.scopes: dict[str, set[str]] = {}  # a subject and every folder above it

    def add(
        self,
        code: str,
        stage: str,
        file: str,
        ok: bool | None,
        detail: str = "",
        line: int = 0,
        subject: str = "",
    ) -> bool:
        """Record check ``code`` on ``file`` (``ok=None``: skipped); return whether it passed.

        ``subject`` (default ``file``) is what other checks' ``requires`` look at:
        a check that did not pass on a piece of work's folder blocks every
        check requiring it on the folder's files.
        """
        check = CHECKS[code]
        subject = subject or file
        scopes = self.scopes.get(subject)
        if scopes is None:  # asked again for each check on the same file: worked out once
            parents = PurePosixPath(subject).parents
            scopes = self.scopes[subject] = {subject, *(folder.as_posix() for folder in parents)}
        blocked = [r for r in check.requires if any((r, s) in self.not_passed for s in scopes)]
        if blocked:
            ok, detail, line = None, f"skipped: {blocked[0]} did not pass", 0
        outcome = SKIP if ok is None else PASS if ok else FAIL
        if outcome != PASS:
            self.not_passed.add((code, subject))
        self.results.append(
            Result(
                code=code,
                stage=stage,
                file=file,
                rule=check.rule,
                url=check.url,
                outcome=outcome,
                detail=detail,
                line=line,
                family=check.family,
            )
        )
        return outcome == PASS


# ------------------------------------------------------------------ check: documents and sections
# The checks of one piece of work's documents: readable, at the right status,
# with their required sections and no placeholder left.
def headings(lines: Sequence[str], where: str = "") -> list[tuple[int, int, str]]:
    """Return (line index, level, title) of every top-level heading, as CommonMark sees it."""
    return [(h.index, h.level, h.title) for h in scan_markdown(lines, where).headings]


def table_lines(lines: Sequence[str], where: str = "", start: int = 0, end: int = -1) -> list[str]:
    """Return the table rows from ``start`` to ``end``, as GitHub shows them (``Scan.rows``).

    A row shown in a fence or an HTML comment is an example, not a record.
    """
    rows = scan_markdown(lines, where).rows
    stop = len(lines) if end < 0 else end
    return [lines[index] for index in range(start, stop) if index in rows]


def text_lines(lines: Sequence[str], where: str = "", start: int = 0, end: int = -1) -> list[str]:
    """Return the lines from ``start`` to ``end`` that CommonMark reads as text (not code or HTML).

    A table row, a ticked box or a date shown in a fence or an HTML comment is
    an example, not a record: only text lines count as rows and items.
    """
    kinds = scan_markdown(lines, where).kinds
    stop = len(lines) if end < 0 else end
    return [lines[index] for index in range(start, stop) if kinds[index] == TEXT]


def section_bodies(lines: Sequence[str], where: str = "") -> dict[str, tuple[int, int]]:
    """Map each ``## title`` to the (start, end) line indexes of its heading and body."""
    marks = [(index, level, title) for index, level, title in headings(lines, where) if level <= 2]
    bodies: dict[str, tuple[int, int]] = {}
    for position, (index, level, title) in enumerate(marks):
        end = marks[position + 1][0] if position + 1 < len(marks) else len(lines)
        if level == 2:
            bodies.setdefault(title, (index, end))
    return bodies


def required_sections(
    process: Process, sections: Sequence[Section], size: str, has_ui: bool
) -> list[Section]:
    """Return the sections a document of this size and UI answer must have, in reading order."""
    return [section for section in sections if applies(process, section, size, has_ui)]


def former_titles(section: Mapping[str, Any]) -> list[str]:
    """Return the titles a section had before the process renamed it (``renamed_from``)."""
    value = section.get("renamed_from") or []
    return [value] if isinstance(value, str) else [str(title) for title in value]


def held_title(section: Mapping[str, Any], bodies: Mapping[str, Any]) -> str:
    """Return the heading a document holds a section under: its title, a former one, or ``""``.

    A section under its old heading holds the team's text: ``sync`` adds no
    second one beside it, and ``check`` (LC116) asks the team to rename it.
    """
    if section["title"] in bodies:
        return str(section["title"])
    return next((old for old in former_titles(section) if old in bodies), "")


def cannot_read(checker: Checker, problem: TeamFileError, stage: str) -> None:
    """Record a document the tool cannot read as a failure of its own (LC108), once.

    The detail is the one line every other command prints for it, so the team
    reads the same problem and fix in ``check``, ``sync`` and the docs build.
    Only failures are recorded: every document read is a pass nobody needs listed.
    """
    if any(r.code == "LC108" and r.file == problem.path for r in checker.results):
        return
    detail = f"{problem.problem}; {problem.fix}"
    checker.add("LC108", stage, problem.path, False, detail, problem.line)


def read_or_report(checker: Checker, path: Path, root: Path, stage: str) -> str:
    """Return a file's text, or ``""`` once ``cannot_read`` has recorded why it cannot be read."""
    try:
        return read_text(path, root)
    except TeamFileError as problem:
        cannot_read(checker, problem, stage)
        return ""


def check_sections(
    checker: Checker,
    process: Process,
    stage: str,
    relative: str,
    lines: Sequence[str],
    sections: Sequence[Mapping[str, Any]],
) -> list[str]:
    """Check a document's required sections; return the titles it lacks.

    A section under a title it had before the process renamed it is not
    missing (LC102): LC116 names the old heading and the new one instead.
    """
    bodies = section_bodies(lines, relative)
    missing = [section["title"] for section in sections if not held_title(section, bodies)]
    detail = "missing section" + ("s " if len(missing) > 1 else " ") if missing else ""
    checker.add(
        "LC102", stage, relative, not missing, detail + ", ".join(f"'## {t}'" for t in missing)
    )
    renamed = [
        (held_title(section, bodies), str(section["title"]))
        for section in sections
        if held_title(section, bodies) not in ("", section["title"])
    ]
    if renamed:
        old, new = renamed[0]
        detail = f"'## {old}' is now '## {new}': rename the heading (keep the text under it)"
        if len(renamed) > 1:
            detail += f", and {len(renamed) - 1} more: " + ", ".join(
                f"'## {o}' to '## {n}'" for o, n in renamed[1:]
            )
        checker.add("LC116", stage, relative, False, detail, bodies[old][0] + 1)
    elif sections:
        checker.add("LC116", stage, relative, True)
    return missing


def placeholder_line(
    lines: Sequence[str], bodies: Mapping[str, tuple[int, int]], titles: Sequence[str]
) -> tuple[str, int]:
    """Return the first required section holding a placeholder, and its 1-based line.

    Every line of the section counts, code and HTML comments included: a
    prompt pasted into a fence or hidden in a comment is still unfinished work.
    """
    for title in titles:
        start, end = bodies.get(title, (0, 0))
        for index in range(start, end):
            if PLACEHOLDER in lines[index]:
                return title, index + 1
    return "", 0


def check_piece(checker: Checker, root: Path, process: Process, piece: Piece) -> None:
    """Check one piece of work: its kit's documents, sections, statuses and done-ness.

    A document the tool cannot read is a finding of its own (LC108) and never
    hides the piece's other documents.
    """
    relative = piece.folder.relative_to(root).as_posix()
    stages = {doc["file"]: doc["stage"] for doc in process["work_kit"]}
    unreadable = {doc.name for doc in piece.documents if doc.problem is not None}
    for document in piece.documents:
        if document.problem is not None:
            cannot_read(checker, document.problem, stages[document.name])
    readable = [doc for doc in piece.documents if doc.problem is None]
    if unreadable and not readable:
        return  # nothing left to read the piece's size from; each document has its finding
    size = piece.size
    first_stage = process["work_kit"][0]["stage"]
    first = readable[0].name if readable else process["work_kit"][0]["file"]
    sized = size in process["sizes"]
    checker.add("LC106", first_stage, f"{relative}/{first}", sized, f"size {size!r}", 2,
                subject=relative)  # fmt: skip
    statuses = Statuses.of(process)
    present = {doc.name for doc in piece.documents}
    # Without a known size there is no kit: the documents there are reported skipped.
    required = (
        kit(process, size, piece.has_ui)
        if sized
        else [doc for doc in process["work_kit"] if doc["file"] in present]
    )
    status_of: dict[str, str] = {}
    section_lines: dict[str, tuple[list[str], list[str]]] = {}
    for doc in required:
        path, stage = f"{relative}/{doc['file']}", doc["stage"]
        found = piece.document(doc["file"])
        exists = found is not None
        if not checker.add("LC101", stage, path, exists, "" if exists else "file not found"):
            checker.add("LC102", stage, path, False)  # the runner records it skipped
            checker.add("LC116", stage, path, False)
            checker.add("LC103", stage, path, False)
            continue
        assert found is not None
        if found.problem is not None:  # LC108 failed on it: the runner records these skipped
            for code in ("LC102", "LC116", "LC103", *RECORDS_ON_EVERY_DOCUMENT):
                checker.add(code, stage, path, False)
            continue
        lines = split_lines(found.text)
        wanted = required_sections(process, doc["sections"], size, piece.has_ui)
        titles = [s["title"] for s in wanted]
        check_sections(checker, process, stage, path, lines, wanted)
        status_of[doc["file"]] = found.status
        known = found.status in statuses.names
        checker.add("LC103", stage, path, known, f"status {found.status!r}")
        section_lines[doc["file"]] = (lines, titles)
        check_records(checker, root, process, size, stage, path, lines, found.matter)
    closing = "" if unreadable else statuses.closing(list(status_of.values()))
    if not closing or closing in statuses.abandoned:
        return
    for doc in required:
        if doc["file"] not in section_lines or status_of[doc["file"]] in statuses.abandoned:
            continue
        lines, titles = section_lines[doc["file"]]
        where = f"{relative}/{doc['file']}"
        title, line = placeholder_line(lines, section_bodies(lines, where), titles)
        detail = f"placeholder left in '## {title}'" if title else ""
        checker.add("LC104", doc["stage"], where, not title, detail, line)
    rfc = next((doc for doc in required if doc["file"] == rfc_file(process)), None)
    if rfc is not None and rfc["file"] in status_of:
        status = status_of[rfc["file"]]
        ok = status in statuses.settled - statuses.abandoned
        where = f"{relative}/{rfc['file']}"
        checker.add("LC105", rfc["stage"], where, ok, f"RFC status {status!r}")


def rfc_file(process: Process) -> str:
    """Return the kit document that is a piece's RFC: the one its ``rfc_records`` name."""
    return next((record["file"] for record in process["rfc_records"]), RFC_FILE)


# ---------------------------------------------------------------- check: records, history and links
# The front matter records every document keeps: history, links, RFC
# discussion and resolution, and succession between pieces.
HISTORY = "history"
HISTORY_ITEM = re.compile(r"^(?P<status>\S+)(?: +(?P<date>\S+))?$")
SUCCESSION = {"supersedes": "superseded_by", "superseded_by": "supersedes"}
"""Each succession key and the key the piece it names must use back."""
RFC_RECORD_CODES = {"discussion": "LC113", "resolution": "LC114"}
RECORDS_ON_EVERY_DOCUMENT = ("LC111", "LC112", "LC115")
"""The record checks every readable document gets: an unreadable one has them skipped."""
"""The check of each ``rfc_records`` key of process.json (which says when and from which size)."""
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
WEB_URL = re.compile(r"https?://[^\s<>()\[\]]+")
SYNC_COMMAND = "run `python3 tools/lifecycle.py sync`"
"""The fix of a finding ``sync`` fixes (a status without its date, a checklist item missing)."""
INLINE_HISTORY_FIX = (
    f"write {HISTORY}: as a list, one `- STATUS YYYY-MM-DD` line each, then {SYNC_COMMAND}"
)


def history_item(status: str, date: str) -> str:
    """One item of a document's ``history:``: the status and the day it was first seen."""
    return f"{status} {date}"


def listed(matter: Mapping[str, Any], key: str) -> list[str]:
    """Return a front matter value as a list of strings: a list, one value, or none."""
    value = matter.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(item) for item in value if item is not None]  # ``- #12`` unquoted is empty
    return [str(value)]


def key_line(lines: Sequence[str], key: str, item: str = "") -> int:
    """Return the 1-based line of front matter ``key``, or of its list item holding ``item``.

    0 when it is not there, so a finding then names the file alone.
    """
    if not lines or lines[0].strip() != "---":
        return 0
    in_key = False
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if line.startswith(f"{key}:"):
            if not item or item in line:
                return number
            in_key = True
        elif in_key and line[:1] in (" ", "\t", "-"):
            if item in line:
                return number
        else:
            in_key = False
    return 0


def is_web_url(text: str) -> bool:
    """Whether ``text`` is one ``http(s)://host...`` URL: the shape, never a request."""
    return WEB_URL.fullmatch(text) is not None


def path_problem(root: Path, folder: Path, entry: str) -> str:
    """Return why a relative path written in a document does not name a file, or ``""``.

    Relative to the document's folder, as Markdown links are; a ``#fragment`` is
    left out. A URL or an issue (``#12``) is not a path: ``""``.
    """
    path = entry.split("#", 1)[0]
    if not path or SCHEME.match(entry):
        return ""
    target = (folder / path).resolve()
    if not target.is_relative_to(root.resolve()):
        return f"{entry!r} points outside the repository"
    return "" if target.exists() else f"{entry!r} does not exist"


def status_dated(matter: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether the document's status is the last item of its history, dated, oldest first."""
    status = str(matter.get("status", ""))
    items = listed(matter, HISTORY)
    if not items:
        missing = f"no {HISTORY} in the front matter"
        return False, f"status {status!r} has no date: {missing}; {SYNC_COMMAND}"
    match = HISTORY_ITEM.match(items[-1].strip())
    if match is None or match["status"] != status:
        last = items[-1]
        return False, f"status {status!r} is not the last {HISTORY} item ({last!r}); {SYNC_COMMAND}"
    try:
        datetime.date.fromisoformat(match["date"] or "")
    except ValueError:
        last = items[-1]
        return False, f"{HISTORY} item {last!r} has no date; write it as {status} YYYY-MM-DD"
    return oldest_first(items)


def oldest_first(items: Sequence[str]) -> tuple[bool, str]:
    """Whether the dated items of a history go oldest first (the fleet's RFC index reads them)."""
    dated: list[tuple[datetime.date, str]] = []
    for item in items:
        match = HISTORY_ITEM.match(item.strip())
        try:
            dated.append((datetime.date.fromisoformat((match and match["date"]) or ""), item))
        except ValueError:
            continue
    for (day, item), (later, after) in itertools.pairwise(dated):
        if later < day:
            return False, f"{HISTORY} item {after!r} comes after {item!r}; keep them oldest first"
    return True, ""


def rfc_link(
    root: Path, folder: Path, record: RfcRecord, lines: Sequence[str], matter: Any
) -> tuple[bool, str, int]:
    """Find the link an RFC record asks for: its front matter key, or a labelled line.

    Return whether it is there, the detail of a finding, and its line.
    """
    key = record["text"]
    for value in listed(matter, key)[:1]:
        line = key_line(lines, key)
        if is_web_url(value):
            return True, "", line
        problem = path_problem(root, folder, value) if not SCHEME.match(value) else ""
        if not problem and not value.startswith("#"):
            return True, "", line
        return False, f"{key} {value!r} is neither a URL nor a path in the repository", line
    label = record.get("label")
    if label:
        start, end = section_bodies(lines).get(record.get("section", ""), (0, 0))
        kinds = scan_markdown(lines).kinds  # a line in a comment or fence is an example
        for index in range(start, end):
            line_text = lines[index]
            if kinds[index] == TEXT and str(label) in line_text and WEB_URL.search(line_text):
                return True, "", index + 1
    where = f" or a URL on its {label} line" if label else ""
    status = matter.get("status", "")
    return False, f"RFC status {status!r}: add `{key}: https://...` to its front matter{where}", 0


def check_records(
    checker: Checker,
    root: Path,
    process: Process,
    size: str,
    stage: str,
    path: str,
    lines: Sequence[str],
    matter: Mapping[str, Any],
) -> None:
    """Check what a document's front matter records: its status's date, its links, an RFC's."""
    dated, detail = status_dated(matter)
    if not dated and detail.endswith(SYNC_COMMAND) and history_insertion(lines, "") is None:
        detail = detail.removesuffix(SYNC_COMMAND) + INLINE_HISTORY_FIX  # sync cannot add to it
    line = key_line(lines, HISTORY) or key_line(lines, "status")
    checker.add("LC111", stage, path, dated, detail, line)
    folder = (root / path).parent
    missing = [
        (entry, problem)
        for entry in listed(matter, "links")
        if (problem := path_problem(root, folder, entry))
    ]
    for entry, problem in missing:
        line = key_line(lines, "links", entry)
        checker.add("LC115", stage, path, False, f"links: {problem}", line)
    if not missing:
        checker.add("LC115", stage, path, True)
    status = str(matter.get("status", ""))
    for record in process["rfc_records"]:
        if (
            PurePosixPath(path).name == record["file"]
            and size in process["sizes"]
            and size_at_least(process, size, record["min_size"])
            and status in record["at"]
        ):
            ok, detail, line = rfc_link(root, folder, record, lines, matter)
            checker.add(RFC_RECORD_CODES[record["text"]], stage, path, ok, detail, line)


def check_succession(checker: Checker, process: Process, pieces: Sequence[Piece]) -> None:
    """Check ``supersedes`` and ``superseded_by`` both ways across the repository's pieces.

    An entry that is a piece folder must exist and name this piece back under
    the other key; a URL (another repository) is checked for its shape only.
    The documents are the ones ``check`` already read (``Piece.read``), not read again.
    """
    stages = {doc["file"]: doc["stage"] for doc in process["work_kit"]}
    claims: dict[str, dict[str, set[str]]] = {}
    documents: list[tuple[str, str, list[str], Mapping[str, Any]]] = []
    for piece in pieces:
        for found in piece.documents:
            if found.problem is not None or found.name not in stages:
                continue  # its own finding (LC108) says why; the runner skips its other checks
            folder = piece.folder.name
            documents.append((folder, found.name, split_lines(found.text), found.matter))
            for key in SUCCESSION:
                named = {entry.strip().rstrip("/") for entry in listed(found.matter, key)}
                claims.setdefault(folder, {}).setdefault(key, set()).update(named)
    for folder, name, lines, front in documents:
        relative = f"{WORK_FOLDER.as_posix()}/{folder}/{name}"
        problems = []
        for key, back in SUCCESSION.items():
            for entry in listed(front, key):
                problem = succession_problem(claims, folder, key, back, entry.strip().rstrip("/"))
                if problem:
                    problems.append((problem, key_line(lines, key, entry)))
        for problem, line in problems:
            checker.add("LC112", stages[name], relative, False, problem, line)
        if not problems:
            checker.add("LC112", stages[name], relative, True)


def succession_problem(
    claims: Mapping[str, Mapping[str, set[str]]], piece: str, key: str, back: str, entry: str
) -> str:
    """Return what is wrong with one succession entry of ``piece``, or ``""``."""
    if SCHEME.match(entry):
        return "" if is_web_url(entry) else f"{key}: {entry!r} is not an http(s) URL"
    if not FOLDER.match(entry):
        return f"{key}: {entry!r} is neither a folder in {WORK_FOLDER.as_posix()}/ nor a URL"
    if entry == piece:
        return f"{key}: {entry!r} is this piece of work itself"
    if entry not in claims:
        return f"{key}: {entry!r} is not a folder in {WORK_FOLDER.as_posix()}/"
    if piece not in claims[entry].get(back, set()):
        return f"{key}: {entry} does not name {piece} under {back}; add it there"
    return ""


# ------------------------------------------------------------ check: the repository and its cadence
# The checks of the repository as a whole: its own documents, the test plan's
# cadence, the numbering of pieces and the index.
def check_repository(
    checker: Checker,
    root: Path,
    process: Process,
    structure: bool = False,
    pieces: Sequence[Piece] = (),
) -> None:
    """Check the repository-level documents of the repository's size."""
    project = process["project"]
    for doc in process["artefacts"]:
        if not applies(process, doc, project["size"], project["has_ui"]):
            continue
        path = root / doc["path"]
        found = path.is_file()
        detail = "" if found else "file not found"
        if not checker.add("LC100", doc["stage"], doc["path"], found, detail):
            if doc.get("sections"):
                checker.add("LC102", doc["stage"], doc["path"], False)  # recorded skipped
                checker.add("LC116", doc["stage"], doc["path"], False)
            if doc.get("checklist"):
                checker.add("LC107", doc["stage"], doc["path"], False)  # recorded skipped
            continue
        sections = required_sections(
            process, doc.get("sections", []), project["size"], project["has_ui"]
        )
        text = ""
        if sections or doc.get("checklist"):
            try:
                text = read_text(path, root)
            except TeamFileError as problem:
                cannot_read(checker, problem, doc["stage"])
                if sections:
                    checker.add("LC102", doc["stage"], doc["path"], False)  # recorded skipped
                    checker.add("LC116", doc["stage"], doc["path"], False)
                if doc.get("checklist"):
                    checker.add("LC107", doc["stage"], doc["path"], False)
                continue
        if doc.get("checklist"):
            check_checklist(checker, process, doc, text)
        if sections:
            lines = split_lines(text)
            missing = check_sections(checker, process, doc["stage"], doc["path"], lines, sections)
            if not structure and any(s["title"] == EXECUTION_LOG for s in sections):
                ran = None if EXECUTION_LOG in missing else lines
                check_cadence(checker, pieces, process, doc["stage"], doc["path"], ran)


def cadence(process: Process) -> Cadence | None:
    """Return the test plan's cadence for the repository's size (the last item it gets)."""
    items = [
        item
        for item in process["test_plan_cadence"]
        if size_at_least(process, process["project"]["size"], item["min_size"])
    ]
    return items[-1] if items else None


def newest_run(lines: Sequence[str], where: str = "") -> tuple[datetime.date | None, int]:
    """Return the newest date in the execution log's table, and the log's heading line."""
    start, end = section_bodies(lines, where)[EXECUTION_LOG]
    dates = []
    for line in table_lines(lines, where, start, end):
        cells = row_cells(line) or [""]
        match = LOG_DATE.fullmatch(cells[0])
        if match:
            try:
                dates.append(datetime.date.fromisoformat(match[0]))
            except ValueError:
                continue
    return max(dates, default=None), start + 1


def started(pieces: Sequence[Piece]) -> datetime.date | None:
    """Return the date the oldest piece of work started: a plan never run is due from then."""
    for piece in pieces:
        try:
            return datetime.date.fromisoformat(piece.created)
        except ValueError:
            continue
    return None


def check_cadence(
    checker: Checker,
    pieces: Sequence[Piece],
    process: Process,
    stage: str,
    file: str,
    lines: Sequence[str] | None,
) -> None:
    """Check that the manual test plan ran within its cadence."""
    every = cadence(process)
    if lines is None or every is None:
        checker.add("VAL07", stage, file, None, "skipped: no execution log or no cadence")
        return
    last, line = newest_run(lines, file)
    origin = started(pieces)
    if last is None and origin is None:
        checker.add("VAL07", stage, file, None, "skipped: no run logged and no piece of work")
        return
    since = last or origin
    assert since is not None
    age = (datetime.date.fromisoformat(today()) - since).days
    months = int(every["months"])
    what = f"last run {since}" if last else f"no run logged since work started on {since}"
    detail = f"{what}, {age} days ago; the plan runs {every['text']} ({months * 31} days)"
    checker.add("VAL07", stage, file, age <= months * 31, detail, line)


def check_numbers(checker: Checker, root: Path, process: Process, pieces: Sequence[Piece]) -> None:
    """Check that no two folders share a number (two branches each made one, then merged)."""
    stage = process["work_kit"][0]["stage"]
    free = max(piece.number for piece in pieces) + 1
    seen: dict[int, Piece] = {}
    clashes = 0
    for piece in pieces:
        first = seen.setdefault(piece.number, piece)
        if first is piece:
            continue
        clashes += 1
        folder = piece.folder.relative_to(root).as_posix()
        target = f"{WORK_FOLDER.as_posix()}/{free:04d}-{piece.slug}"
        detail = (
            f"shares number {piece.number:04d} with {first.folder.name}; renumber it: "
            f"`git mv {folder} {target}`, then run `python3 tools/lifecycle.py sync`"
        )
        checker.add("LC109", stage, folder, False, detail)
        free += 1
    if not clashes:
        checker.add("LC109", stage, WORK_FOLDER.as_posix(), True)


def check_index(checker: Checker, root: Path, process: Process, pieces: Sequence[Piece]) -> None:
    """Check that the index's table says what the pieces' front matter says (``sync`` fixes it)."""
    stage = process["work_kit"][0]["stage"]
    path, shown = root / INDEX_FILE, INDEX_FILE.as_posix()
    if not path.is_file():
        checker.add("LC110", stage, shown, None, "skipped: the index does not exist")
        return
    text = read_text(path)
    lines = split_endings(text)[0]
    if holds_conflict(text):
        checker.add("LC110", stage, shown, None, "skipped: the index holds conflict markers")
        return
    try:
        start, _end, found = index_span(shown, lines)
        current = refreshed_index(shown, text, pieces) == text
    except TeamFileError as problem:
        checker.add("LC110", stage, shown, False, f"{problem.problem}; {problem.fix}", problem.line)
        return
    marked = any(line.strip() == INDEX_BEGIN for line in lines)
    what = "is out of date" if marked else "has no markers around the table lifecycle.py keeps"
    detail = "" if current else f"the table {what}; run `python3 tools/lifecycle.py sync`"
    checker.add("LC110", stage, shown, current, detail, start + 1 if found and not current else 0)


# ------------------------------------------------------------ check: waivers, running and reporting
# Running every check, applying the team's waivers, and the text, JSON and
# Markdown reports of the findings.
def read_toml(path: Path, root: Path, fix: str) -> dict[str, Any]:
    """Read a team's TOML file, or refuse it in one line naming the line TOML stops at."""
    import tomllib

    text = read_text(path, root)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        message = str(problem)
        at = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", message)
        line = int(at[1]) if at and at[1] else text.count("\n") + 1
        what = message[: at.start()].strip() if at else message
        raise TeamFileError(
            shown_path(path, root), line, f"is not valid TOML ({what})", fix
        ) from None


def read_waivers(root: Path) -> list[dict[str, str]]:
    """Read the team's ``[[waiver]]`` tables: ``code``, optional ``file``, ``reason``."""
    path = root / WAIVERS_FILE
    if not path.is_file():
        return []
    fix = f"fix the TOML; each waiver is a [[waiver]] table (see {LIFECYCLE_PAGE}#waivers)"
    data = read_toml(path, root, fix)
    waivers = data.get("waiver", [])
    if not isinstance(waivers, list) or not all(isinstance(w, dict) for w in waivers):
        raise TeamFileError(WAIVERS_FILE.as_posix(), 1, "waivers are not [[waiver]] tables", fix)
    return [{key: str(value) for key, value in waiver.items()} for waiver in waivers]


def apply_waivers(checker: Checker, waivers: Sequence[Mapping[str, str]]) -> None:
    """Turn failures a waiver covers into ``waived`` (showing its reason); flag reasonless ones.

    A waiver naming an old code still applies, and says which code to write instead.
    """
    for number, waiver in enumerate(waivers, start=1):
        reason = waiver.get("reason", "").strip()
        code = waiver.get("code", "?")
        label = f"waiver {number} ({code})"
        note = f"; waiver {number}: {code} is now {ALIASES[code]}" if code in ALIASES else ""
        checker.add(
            "LC001",
            "Lifecycle check",
            WAIVERS_FILE.as_posix(),
            bool(reason),
            f"{label} has no reason" if not reason else note.lstrip("; "),
        )
        if not reason:
            continue
        for result in checker.results:
            same_file = waiver.get("file", result.file) == result.file
            if result.outcome in (FAIL, WARN) and names(code, result) and same_file:
                result.outcome = WAIVED
                result.detail = f"{result.detail}; waived: {reason}{note}".lstrip("; ")


def check(
    root: Path,
    process: Process,
    release: str = "",
    structure: bool = False,
    only: Sequence[str] = (),
) -> list[Result]:
    """Run every check on the repository at ``root`` (and the gates of ``release``).

    ``structure`` leaves out what depends on the date (the test plan's
    cadence), for the pre-commit hook: a commit never fails because time passed.
    ``only`` keeps the results those codes (or old codes) name.
    """
    checker = Checker()
    pieces = read_pieces(root, process)
    check_repository(checker, root, process, structure, pieces)
    for piece in pieces:
        check_piece(checker, root, process, piece)
    if pieces:
        check_numbers(checker, root, process, pieces)
        check_index(checker, root, process, pieces)
    check_succession(checker, process, pieces)
    if release:
        check_release(checker, root, process, release)
    else:
        soften(checker.results)
    apply_waivers(checker, read_waivers(root))
    if only:
        return [r for r in checker.results if any(names(code, r) for code in only)]
    return checker.results


def soften(results: Sequence[Result]) -> None:
    """Turn failures of checks declared ``warn_outside_release`` into warnings (no ``--release``).

    Time passing (the test plan's cadence) must not turn an unrelated pull
    request red, nor an index that only needs ``sync``; a release, and the
    scheduled workflow reading the outcome, act on them.
    """
    for result in results:
        if result.outcome == FAIL and CHECKS[result.code].warn_outside_release:
            result.outcome = WARN


def format_results(results: Sequence[Result], form: str) -> str:
    """Render results as ``text`` (failures), ``markdown`` (a table) or ``json`` (all)."""
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in OUTCOMES}
    summary = summary_line(results)
    shown = [result for result in results if result.outcome in (FAIL, WARN, WAIVED)]
    if form == "json":
        payload = {"summary": counts, "results": [result.__dict__ for result in results]}
        return json.dumps(payload, indent=2, ensure_ascii=False)
    if form == "markdown":
        lines = ["## Lifecycle check", "", summary, ""]
        lines += findings_table(shown) if shown else ["Every lifecycle check passes."]
        return "\n".join(lines)
    lines = []
    for r in shown:
        where = f"{r.file}:{r.line}" if r.line else r.file
        lines.append(
            f"{r.outcome.upper()} {r.code} [{r.stage}] {where}: {r.rule} ({r.detail}) See {r.url}"
        )
    lines.append(summary)
    return "\n".join(lines)


def summary_line(results: Sequence[Result]) -> str:
    """Return ``N checks: a pass, b fail, ...``, every outcome named, in ``OUTCOMES`` order."""
    counts = ", ".join(f"{sum(r.outcome == o for r in results)} {o}" for o in OUTCOMES)
    return f"{len(results)} checks: {counts}."


def findings_table(results: Sequence[Result], in_docs: bool = False) -> list[str]:
    """Markdown table rows of findings; ``in_docs``: links relative to ``docs/`` (the site)."""
    lines = [
        "| Outcome | Code | Stage | File | Rule | Detail |",
        "| -- | -- | -- | -- | -- | -- |",
    ]
    for r in results:
        where = f"{r.file}:{r.line}" if r.line else r.file
        detail = r.detail.replace("|", "\\|")
        url = r.url.removeprefix("docs/") if in_docs else r.url
        lines.append(
            f"| {r.outcome} | [{r.code}]({url}) | {r.stage} | `{where}` | {r.rule} | {detail} |"
        )
    return lines


# ------------------------------------------------------------------ sync: adding sections
# Adding missing sections to a document's lines, keeping every line the team
# wrote byte for byte (its own line ending too); a file in conflict is left alone.
def sync_lines(
    lines: list[str], sections: Sequence[Section], where: str = "", after: str = ""
) -> tuple[list[str], list[str]]:
    """Insert each missing section after the one before it in the process; return lines, titles.

    Lines are only inserted: every existing line stays, in order, unchanged.
    The first section follows the section ``after`` (a document's checklist,
    which comes before its other sections) when the file has it.
    A section goes where a top-level heading starts, or at the end; there a
    fence left open is closed first (it ran to the end anyway, so the page
    reads the same), or the new heading would be code and be added again on
    every run. An HTML comment left open at the end is refused for that reason.
    """
    added: list[str] = []
    for position, section in enumerate(sections):
        bodies = section_bodies(lines, where)
        if held_title(section, bodies):
            continue  # under its title, or its old one: the team's text is there
        before = [held_title(s, bodies) for s in sections[:position] if held_title(s, bodies)]
        if not before and after in bodies:
            before = [after]
        if before:
            at = bodies[before[-1]][1]
        else:
            starts = sorted(start for start, _ in bodies.values())
            at = starts[0] if starts else len(lines)
        block = render_section(section, Work("", "", "", "")).rstrip("\n").split("\n")
        closer = open_block_closer(scan_markdown(lines, where), where) if at == len(lines) else []
        previous = closer[-1] if closer else lines[at - 1] if at > 0 else ""
        if previous.strip():
            block.insert(0, "")
        block[:0] = closer
        if at < len(lines):
            block.append("")
        lines[at:at] = block
        added.append(section["title"])
    return lines, added


def open_block_closer(scan: Scan, where: str) -> list[str]:
    """Return the line that closes a fence left open at the end of a document (or none).

    An HTML block that only its own end closes (a comment, ``<pre>``...) is
    refused instead: what closes it depends on how it opened, and the team
    should choose where the comment ends.
    """
    if scan.open_html >= 0:
        _refuse(
            where,
            scan.open_html,
            "this HTML block (a comment?) is never closed, so a section added after it"
            " would be hidden in it",
            "close it (a comment ends with -->), then run sync again",
        )
    if not scan.fence:
        return []
    found = FENCE_START.match(scan.fence.lstrip(" \t"))
    assert found is not None
    return [found["fence"]]


class _Kept(str):
    """A line the file already had, remembering its position (to give back its own ending)."""

    number: int


def split_endings(text: str) -> tuple[list[str], list[str]]:
    """Split ``text`` into lines and each line's ending: CRLF, LF, CR or none.

    No ending is that of a last line without a final newline. The line
    endings are CommonMark's (``LINE_END``), so a CR-only file is many lines,
    not one, while a form feed or U+2028 stays inside its line.
    """
    parts = LINE_END.split(text)
    found = LINE_END.findall(text)
    tail = parts.pop()
    lines, endings = parts, found
    if tail:
        lines.append(tail)
        endings.append("")
    return lines, endings


def synced_text(
    text: str, sections: Sequence[Section], where: str = "", after: str = ""
) -> tuple[str, list[str]]:
    """Return a document's text with its missing sections added, and their titles."""
    kept, endings = kept_lines(text)
    synced, added = sync_lines(kept, sections, where, after)
    return (joined_lines(synced, endings) if added else text), added


def kept_lines(text: str) -> tuple[list[str], list[str]]:
    """Split a team file's text into lines that remember their position, and each ending.

    Lines are then only inserted among them; ``joined_lines`` gives every kept
    line its own ending back.
    """
    lines, endings = split_endings(text)
    kept: list[str] = []
    for index, line in enumerate(lines):
        mark = _Kept(line)
        mark.number = index
        kept.append(mark)
    return kept, endings


def joined_lines(synced: Sequence[str], endings: Sequence[str]) -> str:
    """Join lines again: each kept line byte for byte with its own ending (``kept_lines``).

    A CRLF file stays CRLF, and a file without a final newline still has none;
    inserted lines take the file's usual ending.
    """
    newline = max(("\n", "\r\n", "\r"), key=endings.count)
    final = not endings or endings[-1] != ""
    out = []
    for position, line in enumerate(synced):
        last = position == len(synced) - 1
        if isinstance(line, _Kept) and endings[line.number]:
            ending = endings[line.number]
        else:
            ending = newline if not last or final else ""
        out.append(line + ending)
    return "".join(out)


def marked_ui(matter: Mapping[str, Any]) -> bool:
    """Whether a first document's front matter says ``ui: true``: the work now changes screens.

    A piece started without ``--ui`` gets its design note from ``sync`` once
    the team adds that line; ``check`` then asks for it.
    """
    return str(matter.get("ui", "")).strip().lower() in ("true", "yes")


CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
"""How git and copier start and end a conflict block: a file holding one is mid-merge."""
CONFLICT_SEPARATOR = "======="
"""The line between a conflict block's two sides."""
LATE_SECTION = "_Not filled in: this section joined the process after this work was {status}._"
"""What ``sync`` writes, instead of a ``_TODO_``, in a section a closed piece of work lacks."""


def holds_conflict(text: str) -> bool:
    """Whether ``text`` holds conflict markers: ``sync`` leaves such a file for the team.

    Inserting sections into a file mid-merge could put them inside one side of a
    conflict, and its front matter may hold two sizes; the team resolves first.
    """
    return any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines())


def late_sections(process: Process, sections: Sequence[Section], work: Work) -> list[Section]:
    """Return the sections as ``sync`` writes them: a closed piece gets a note, not a TODO.

    Check 04 wants no ``_TODO_`` in a done piece; a section the process added
    after the work closed has nothing to say, and a placeholder would turn it red.
    """
    if work.status not in Statuses.of(process).closed:
        return list(sections)
    return [{**section, "text": LATE_SECTION.format(status=work.status)} for section in sections]


# ------------------------------------------------------------------ sync: the plan
# What sync would change in each piece of work and repository document,
# planned first and written all at once.
@dataclass
class SyncPlan:
    """Every change ``sync`` makes, computed before the first byte is written."""

    files: dict[Path, str] = field(default_factory=dict)
    created: list[Path] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    conflicted: list[Path] = field(default_factory=list)
    items: list[tuple[str, list[str]]] = field(default_factory=list)
    index: bool = False
    dated: list[tuple[str, str]] = field(default_factory=list)
    """(file, status) of each document whose status ``sync`` dates in its history."""


def plan_repository_documents(root: Path, process: Process, plan: SyncPlan) -> None:
    """Plan the sections the repository's own documents (the test plan) lack."""
    project = process["project"]
    size, has_ui = project["size"], project["has_ui"]
    for doc in process["artefacts"]:
        path = root / doc["path"]
        if not (doc.get("sections") and applies(process, doc, size, has_ui) and path.is_file()):
            continue
        text = read_text(path)
        if holds_conflict(text):
            plan.conflicted.append(path)
            continue
        sections = required_sections(process, doc.get("sections", []), size, has_ui)
        synced, titles = synced_text(text, sections, doc["path"], doc.get("checklist_section", ""))
        if titles:
            plan.files[path] = synced
            plan.added += [(doc["path"], title) for title in titles]


def plan_piece(root: Path, process: Process, piece: Piece, plan: SyncPlan) -> Piece:
    """Plan a piece's missing documents and sections; return the piece as it will be.

    A piece is left alone when its first document holds conflict markers (its
    front matter is not settled) or its size is unknown (``check`` says so).
    New documents get the piece's title, owner and start date (``Piece.work``).
    """
    for document in piece.documents:
        if document.problem is not None:
            raise document.problem
    plan.conflicted += [doc.path for doc in piece.documents if doc.conflicted]
    if not piece.documents or piece.documents[0].conflicted or piece.size not in process["sizes"]:
        return piece
    work = piece.work(process)
    texts = {doc.name: doc.text for doc in piece.documents}
    for doc in kit(process, piece.size, piece.has_ui):
        required = required_sections(process, doc["sections"], piece.size, piece.has_ui)
        sections = late_sections(process, required, work)
        found, path = piece.document(doc["file"]), piece.folder / doc["file"]
        if found is None and not path.exists():
            texts[doc["file"]] = render_document(process, {**doc, "sections": sections}, work)
            plan.files[path] = texts[doc["file"]]
            plan.created.append(path)
        elif found is not None and not found.conflicted:
            relative = path.relative_to(root).as_posix()
            synced, titles = synced_text(found.text, sections, relative)
            if titles:
                texts[doc["file"]] = plan.files[path] = synced
                plan.added += [(relative, title) for title in titles]
    return Piece.of(process, piece.folder, texts)


def plan_sync(root: Path, process: Process) -> SyncPlan:
    """Compute everything ``sync`` changes: sections, documents, the index's table.

    Documents holding conflict markers are named and left alone. The index is
    refreshed from the pieces as they will be once the plan is written.
    """
    plan = SyncPlan()
    plan_repository_documents(root, process, plan)
    plan_checklists(root, process, plan)
    pieces = [plan_piece(root, process, piece, plan) for piece in read_pieces(root, process)]
    plan_dates(root, process, plan)
    index = root / INDEX_FILE
    if index.is_file():
        text = read_text(index)
        if holds_conflict(text):
            plan.conflicted.append(index)
        elif pieces:
            refreshed = refreshed_index(INDEX_FILE.as_posix(), text, pieces)
            if refreshed != text:
                plan.files[index] = refreshed
                plan.index = True
    return plan


def history_insertion(lines: Sequence[str], item: str) -> tuple[int, list[str]] | None:
    """Return where ``item`` goes in the front matter's ``history:`` list, and the lines to add.

    After the list's last line (the key and the list first when the front matter
    has none); ``None`` when there is no front matter, or ``history:`` holds an
    inline value a new line cannot follow (``history: []``): then ``check`` tells.
    """
    if not lines or lines[0].strip() != "---":
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if close is None:
        return None
    key = next((i for i in range(1, close) if lines[i].startswith(f"{HISTORY}:")), None)
    if key is None:
        return close, [f"{HISTORY}:", f"  - {item}"]
    if lines[key][len(HISTORY) + 1 :].strip():
        return None
    end, bullet = key + 1, "  - "
    while end < close and lines[end][:1] in (" ", "\t", "-"):
        text = lines[end].lstrip()
        if text.startswith("- "):
            bullet = lines[end][: len(lines[end]) - len(text)] + "- "
        end += 1
    return end, [f"{bullet}{item}"]


def dated_text(process: Process, text: str, date: str, path: str = "<text>") -> str:
    """Return ``text`` with its current status dated in ``history:``, or ``""`` when it is.

    Lines are only added, each with the file's usual ending; every line the
    file had is kept byte for byte, in order. Run twice on one day, the second
    run adds nothing: the status is then the list's last item.
    """
    matter = read_front_matter(text, path)
    status = str(matter.get("status", ""))
    if status not in {item["text"] for item in process["work_statuses"]}:
        return ""
    items = listed(matter, HISTORY)
    if items and items[-1].split(" ", 1)[0].strip() == status:
        return ""
    lines, endings = split_endings(text)
    found = history_insertion(lines, history_item(status, date))
    if found is None:
        return ""
    at, added = found
    newline = "\r\n" if endings.count("\r\n") > endings.count("\n") else "\n"
    out = [line + ending for line, ending in zip(lines, endings, strict=True)]
    out[at:at] = [line + newline for line in added]
    return "".join(out)


def plan_dates(root: Path, process: Process, plan: SyncPlan) -> None:
    """Date each document's status that its history does not end with, on top of the plan.

    Teams change ``status:`` by hand; the day ``sync`` first sees a status is its
    date (``check`` warns until it has one; every ``copier update`` runs ``sync``). A
    document holding conflict markers is left alone, as by the other steps.
    """
    names = list(dict.fromkeys(doc["file"] for doc in process["work_kit"]))
    for folder in work_folders(root):
        for name in names:
            path = folder / name
            if not path.is_file():
                continue
            shown = path.relative_to(root).as_posix()
            text = plan.files.get(path) or read_text(path, shown)  # line endings as written
            if holds_conflict(text):
                continue
            new_text = dated_text(process, text, today(), shown)
            if new_text:
                plan.files[path] = new_text
                plan.dated.append((shown, str(read_front_matter(text, shown).get("status", ""))))


def sync(root: Path, process: Process) -> list[tuple[str, str]]:
    """Make every change ``plan_sync`` plans, in one ``write_files``; return the sections added.

    Nothing is written when any one file cannot be: a read-only document or a
    symbolic link out of the repository stops the whole sync, with one line.
    """
    plan = plan_sync(root, process)
    write_files(root, plan.files)
    return plan.added


# ------------------------------------------------------------------ sync: checklists
# Adding the checklist items and phases a process update requires, under the
# right phase heading, without touching a ticked box.
def item_end(lines: Sequence[str], index: int, end: int) -> int:
    """Return the index after the checklist item at ``index``: its wrapped lines stay with it."""
    after = index + 1
    while after < end and lines[after].strip() and not CHECKBOX.match(lines[after]):
        if lines[after].lstrip().startswith(("#", "- ", "* ", "+ ")):
            break
        after += 1
    return after


def trimmed_end(lines: Sequence[str], start: int, end: int) -> int:
    """Return the index after the last non-blank line of ``lines[start:end]``, else ``start``."""
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def insert_block(lines: list[str], at: int, block: list[str]) -> None:
    """Insert ``block`` at ``at``, with a blank line on each side that touches text."""
    if at > 0 and lines[at - 1].strip():
        block.insert(0, "")
    if at < len(lines) and lines[at].strip():
        block.append("")
    lines[at:at] = block


def phase_region(lines: Sequence[str], start: int, end: int, title: str) -> tuple[int, int] | None:
    """Return the lines under ``### title`` inside ``lines[start:end]``, or None without one."""
    marks = [(index, level, name) for index, level, name in headings(lines) if start < index < end]
    for position, (index, level, name) in enumerate(marks):
        if level == 3 and name == title:
            later = [i for i, lvl, _ in marks[position + 1 :] if lvl <= 3]
            return index + 1, later[0] if later else end
    return None


def add_phase_heading(
    lines: list[str], start: int, end: int, phases: Sequence[str], title: str
) -> None:
    """Add ``### title`` to a checklist section, after the phase before it, else before the next."""
    position = phases.index(title)
    for earlier in reversed(phases[:position]):
        region = phase_region(lines, start, end, earlier)
        if region is not None:
            insert_block(lines, trimmed_end(lines, *region), [f"### {title}"])
            return
    for later in phases[position + 1 :]:
        region = phase_region(lines, start, end, later)
        if region is not None:
            insert_block(lines, region[0] - 1, [f"### {title}"])
            return
    insert_block(lines, trimmed_end(lines, start + 1, end), [f"### {title}"])


def add_item(
    lines: list[str], start: int, end: int, item: str, before: Sequence[str], after: Sequence[str]
) -> None:
    """Insert ``- [ ] item`` into ``lines[start:end]``, beside its neighbours in the process.

    After the nearest earlier item of the process the file holds, else before
    the nearest later one, else after the last checklist line, else at the end.
    """
    for neighbour in reversed(before):
        at = item_line(lines[start:end], neighbour)
        if at is not None:
            lines.insert(item_end(lines, start + at, end), f"- [ ] {item}")
            return
    for neighbour in after:
        at = item_line(lines[start:end], neighbour)
        if at is not None:
            lines.insert(start + at, f"- [ ] {item}")
            return
    boxes = [index for index in range(start, end) if CHECKBOX.match(lines[index])]
    if boxes:
        lines.insert(item_end(lines, boxes[-1], end), f"- [ ] {item}")
        return
    insert_block(lines, trimmed_end(lines, start, end), [f"- [ ] {item}"])


def sync_checklist_lines(
    lines: list[str], process: Process, doc: Artefact
) -> tuple[list[str], list[str]]:
    """Add each checklist item the repository's size requires and ``lines`` lack; return both.

    Items go under the document's ``## checklist_section`` (added at the end
    when the file has none), in the ``### phase`` heading of their phase
    (added in phase order when missing). Lines are only inserted: every
    existing line stays, in order, unchanged.
    """
    entries = repository_entries(process, doc["checklist"])
    phases = {p["phase"]: p["text"] for p in repository_kept(process, process["release_phases"])}
    order = list(phases.values())
    title = doc["checklist_section"]
    added: list[str] = []
    for entry in entries:
        if item_line(lines, entry["text"]) is not None:
            continue
        if title not in section_bodies(lines):
            insert_block(lines, trimmed_end(lines, 0, len(lines)), [f"## {title}"])
        start, end = section_bodies(lines)[title]
        peers = [e["text"] for e in entries if e.get("phase") == entry.get("phase")]
        position = peers.index(entry["text"])
        heading = phases.get(str(entry.get("phase")))
        if heading is not None:
            if phase_region(lines, start, end, heading) is None:
                add_phase_heading(lines, start, end, order, heading)
                start, end = section_bodies(lines)[title]
            region = phase_region(lines, start, end, heading)
            assert region is not None
            start, end = region
        else:
            start += 1
        add_item(lines, start, end, entry["text"], peers[:position], peers[position + 1 :])
        added.append(entry["text"])
    return lines, added


def plan_checklists(root: Path, process: Process, plan: SyncPlan) -> None:
    """Plan the items each repository checklist lacks (``SyncPlan.items``: file, items).

    A size change (an update with ``--data project_size=large``) or a new
    template version makes items required that a team's own checklist (such as
    docs/production-readiness.md, never rewritten by an update) does not hold;
    ``check --release`` would then ask for lines the file never had. A file with
    conflict markers is left alone and named.
    """
    project = process["project"]
    for doc in process["artefacts"]:
        path = root / doc["path"]
        if not (
            doc.get("checklist")
            and path.is_file()
            and applies(process, doc, project["size"], project["has_ui"])
        ):
            continue
        text = plan.files.get(path) or read_text(path, doc["path"])
        if holds_conflict(text):
            if path not in plan.conflicted:
                plan.conflicted.append(path)
            continue
        kept, endings = kept_lines(text)
        synced, items = sync_checklist_lines(kept, process, doc)
        if items:
            plan.files[path] = joined_lines(synced, endings)
            plan.items.append((doc["path"], items))


# ------------------------------------------------------------------ sync: refreshed lines
# The lines sync rewrites to the current process and answers: marked process
# lines, who/when/done lines, and the line naming documents the answers dropped.
def rewritten_lines(path: Path, replace: Callable[[str], str | None]) -> str | None:
    """Return ``path``'s text with each line ``replace`` gives a new one for, or None.

    ``replace`` gets a line without its ending and returns its new text, or
    None to keep it; each line keeps its own ending, every other byte stays.
    None when the file is absent, holds conflict markers, or nothing changes.
    The one loop behind every line ``sync`` keeps current.
    """
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    if holds_conflict(text):
        return None
    lines = text.splitlines(keepends=True)
    for index, old in enumerate(lines):
        body = old.rstrip("\r\n")
        new = replace(body)
        if new is not None and new != body:
            lines[index] = new + old[len(body) :]
    result = "".join(lines)
    return None if result == text else result


def marked_line(mark: str, line: str) -> Callable[[str], str | None]:
    """Return the ``rewritten_lines`` rule: the line ending with ``mark`` becomes ``line``."""
    return lambda body: line if body.endswith(mark) else None


def refresh_marked_lines(root: Path, process: Process) -> list[str]:
    """Rewrite each marked process line of a team document to the current process.

    A line ending with a section's ``cadence_line`` marker (an HTML comment) is
    process text inside a team document: after ``--data project_size=large``
    the test plan must promise the new cadence. Only such a line changes, with
    its own line ending; every other line is left byte for byte. Returns the
    paths changed.
    """
    size = process["project"]["size"]
    cadences = [
        c for c in process["test_plan_cadence"] if size_at_least(process, size, c["min_size"])
    ]
    changed: list[str] = []
    for doc in process["artefacts"]:
        path = root / doc["path"]
        marked = [s for s in doc.get("sections", []) if "cadence_line" in s]
        if not marked or not cadences or not path.is_file():
            continue
        cadence, section = cadences[-1], marked[0]
        adopted = (root / ".github" / "workflows" / "lifecycle-test-plan.yml").is_file()
        reminder = section.get("cadence_reminder_adopted" if adopted else "cadence_reminder", "")
        line = section["cadence_line"].format(
            run=cadence.get("run", ""), text=cadence["text"], reminder=reminder
        )
        mark = line[line.rindex("<!--") :]
        text = rewritten_lines(path, marked_line(mark, line))
        if text is not None:
            write_files(root, {path: text})
            changed.append(doc["path"])
    return changed


def refresh_duty_lines(root: Path, process: Process) -> list[str]:
    """Rewrite the who, when and done-when lines of each team document to the answers.

    A line ending with ``DUTY_MARK`` is process text: it becomes the current
    line with the same label. A line without the mark is rewritten only when
    it is, byte for byte, what the process wrote for some size (a repository
    made before the mark existed), so a line a team changed is never touched.
    The index of pieces of work is left out: the tool writes its lines itself.
    Each line keeps its own line ending. Returns the paths changed.
    """
    changed: list[str] = []
    names = {
        str(item.get("path", "")): str(item["text"]) for item in process.get("stage_duties", [])
    }
    for doc in process.get("artefacts", []):
        path, name = root / doc["path"], names.get(doc["path"], "")
        if doc.get("ownership") != "user" or not name or doc["path"] == INDEX_FILE.as_posix():
            continue
        current = {label(line): line for line in marked_duty_lines(process, name)}
        if not current or not path.is_file():
            continue
        earlier: set[str] = set()
        for size in process["sizes"]:
            found = duty_at(process, name, size)
            if found is not None:
                earlier.update(who_when_done(found, duty_values(process, size)).splitlines())

        def duty(
            body: str, current: dict[str, str] = current, earlier: set[str] = earlier
        ) -> str | None:
            new = current.get(label(body))
            return new if new and (body.endswith(DUTY_MARK) or body in earlier) else None

        text = rewritten_lines(path, duty)
        if text is not None:
            write_files(root, {path: text})
            changed.append(doc["path"])
    return changed


KEPT_MARK = "<!-- kept: kept current by tools/lifecycle.py sync -->"
"""The end of the line in ``docs/lifecycle.md`` that names the documents kept."""
LIFECYCLE_MAP = Path("docs") / "lifecycle.md"


def kept_documents(root: Path, process: Process) -> list[str]:
    """Return the team's documents that exist although the answers no longer call for them.

    A repository document whose item no longer applies (``docs/roadmap.md``
    after a smaller size), and, when the repository says it changes nothing
    users see, each piece of work's UI document (its design note). An update
    never deletes them; the map names each one so a reader knows it is kept.
    """
    project = process["project"]
    size, has_ui = project["size"], project["has_ui"]
    kept = [
        doc["path"]
        for doc in process.get("artefacts", [])
        if doc.get("ownership") == "user"
        and (root / doc["path"]).is_file()
        and not applies(process, doc, size, has_ui)
    ]
    if not has_ui:
        files = {str(doc["file"]) for doc in process["work_kit"] if doc.get("has_ui")}
        for folder in work_folders(root):
            kept += [
                (folder / name).relative_to(root).as_posix()
                for name in sorted(files)
                if (folder / name).is_file()
            ]
    return sorted(kept)


def kept_line(paths: Sequence[str]) -> str:
    """Return the map's line naming the kept documents ``paths``, each a link from ``docs/``."""
    links = [
        f"[{path}]({PurePosixPath(path).relative_to('docs')})"
        if path.startswith("docs/")
        else f"`{path}`"
        for path in paths
    ]
    named = ", ".join(links) if links else "none"
    return f"Kept although the answers no longer call for them: {named}. {KEPT_MARK}"


def refresh_kept_line(root: Path, process: Process) -> bool:
    """Rewrite the map's marked line to the documents kept now; return whether it changed."""

    def kept(body: str) -> str | None:  # the documents are looked up only for the marked line
        return kept_line(kept_documents(root, process)) if body.endswith(KEPT_MARK) else None

    path = root / LIFECYCLE_MAP
    text = rewritten_lines(path, kept)
    if text is None:
        return False
    write_files(root, {path: text})
    return True


# ------------------------------------------------------------------ release: checklists and gates
# Repository checklists (LC107) and check --release: items open or missing,
# the package version and the gates a release must pass.
RELEASES_FOLDER = Path("docs") / "releases"
TAG = re.compile(
    r"^v?(?P<version>[0-9]+\.[0-9]+\.[0-9]+(?:(?:a|b|rc)[0-9]+)?(?:[-.+][0-9A-Za-z.+-]+)?)$"
)
"""A release tag: the version, a pre-release such as ``v1.2.0rc1`` included, with
or without a leading ``v`` (new repositories tag ``v1.2.0``, the form their release
workflow expects; an adopted one keeps the form it has always used, such as ``0.28.1``)."""
CHECKBOX = re.compile(r"^\s*[-*] \[[ xX]\] (?P<text>.*)$")
"""A checklist line, ticked or not: ``- [ ] text``."""
READINESS = Path("docs") / "production-readiness.md"
RELEASE_CHECKLIST = Path("docs") / "release-checklist.md"
NOT_APPLICABLE = re.compile(r"N/A: *(?P<reason>\S.*)$")


def item_line(lines: Sequence[str], item: str, where: str = "") -> int | None:
    """Return the index of the line holding checklist ``item``, or None when no line does.

    The one rule for where an item is: ``open_items`` reads that line's box,
    ``missing_items`` and ``sync`` tell an item the file lacks from an open one.
    Only a line CommonMark reads as text counts: an item shown in a fence or an
    HTML comment is an example, not the item.
    """
    kinds = scan_markdown(lines, where).kinds
    return next(
        (index for index, line in enumerate(lines) if item in line and kinds[index] == TEXT),
        None,
    )


def open_items(text: str, items: Sequence[str], where: str = "") -> list[str]:
    """Return the checklist items neither ticked nor marked ``N/A: reason`` in ``text``.

    An item ``text`` lacks is open too; ``missing_items`` tells which those are.
    It is ticked when its line starts a list item with ``[x]`` (``Scan.boxes``).
    """
    lines = split_lines(text)
    boxes = scan_markdown(lines, where).boxes
    missing = []
    for item in items:
        at = item_line(lines, item, where)
        line = "" if at is None else lines[at]
        settled = at is not None and PLACEHOLDER not in line
        ticked = at is not None and boxes.get(at, False)
        if not (settled and (ticked or NOT_APPLICABLE.search(line))):
            missing.append(item)
    return missing


def missing_items(text: str, items: Sequence[str], where: str = "") -> list[str]:
    """Return the checklist items no line of ``text`` holds at all (not merely unticked)."""
    lines = split_lines(text)
    return [item for item in items if item_line(lines, item, where) is None]


def open_detail(items: Sequence[str], state: str = "open") -> str:
    """Name the open items of a checklist, one after the other ("" when there is none)."""
    if not items:
        return ""
    return f"{len(items)} {state}: " + " / ".join(item.rstrip(".") for item in items)


def missing_detail(items: Sequence[str], fix: str) -> str:
    """Name the items a file lacks, and what adds them ("" when it lacks none)."""
    if not items:
        return ""
    named = " / ".join(item.rstrip(".") for item in items)
    return f"{len(items)} missing from your file: {named}; {fix}"


def check_checklist(checker: Checker, process: Process, doc: Artefact, text: str) -> None:
    """Check that a repository checklist holds every item of the repository's size (LC107).

    A size change or a new template version adds items to the process that a
    team-owned file such as docs/production-readiness.md never received;
    ``sync`` adds them. Outside ``--release`` this only warns (``soften``).
    """
    items = [entry["text"] for entry in repository_entries(process, doc["checklist"])]
    absent = missing_items(text, items)
    checker.add(
        "LC107", doc["stage"], doc["path"], not absent, missing_detail(absent, SYNC_COMMAND)
    )


def package_version(root: Path) -> tuple[str, str]:
    """Return the static ``[project] version`` and ``""``, or ``""`` and why there is none.

    A version that is ``dynamic`` (from the tag, as hatch-vcs or setuptools-scm do,
    or from a file) or set in ``setup.py`` has no static value to compare with the tag.
    """
    path = root / "pyproject.toml"
    if not path.is_file():
        return "", "no pyproject.toml (a setup.py version is not compared)"
    data = read_toml(path, root, "fix the TOML, then run the check again")
    project = data.get("project")
    if not isinstance(project, dict):
        return "", "no [project] table in pyproject.toml (a setup.py version is not compared)"
    if "version" in (project.get("dynamic") or []):
        return "", "the version is dynamic (set by the build from the tag or a file)"
    return str(project.get("version", "")), ""


Kept = TypeVar("Kept", bound=Item)
"""An item type of a repository-level list (a TypeVar: the tool runs on Python 3.11, which
lacks ``def f[T]()``; a project on 3.12 lints it with UP047, on 3.11 the noqa is unused)."""


def repository_kept(process: Process, items: Iterable[Kept]) -> list[Kept]:  # noqa: UP047, RUF100
    """Return the ``items`` of a repository-level list that apply to the repository."""
    project = process["project"]
    return [item for item in items if applies(process, item, project["size"], project["has_ui"])]


def checklists(process: Process) -> dict[str, list[ChecklistItem]]:
    """Return the lists of checklist items, by the name an artefact's ``checklist`` gives."""
    return {
        "release_checklist": process["release_checklist"],
        "release_sign_off": process["release_sign_off"],
        "production_readiness": process["production_readiness"],
    }


def repository_entries(process: Process, key: str) -> list[ChecklistItem]:
    """Return the items of checklist ``key`` that apply to the repository."""
    return repository_kept(process, checklists(process).get(key, []))


def repository_items(process: Process, key: str) -> list[str]:
    """Return the texts of a repository-level checklist for the repository's size."""
    return [item["text"] for item in repository_entries(process, key)]


def check_release(checker: Checker, root: Path, process: Process, tag: str) -> None:
    """Check the release gates for ``tag``: version, record, test-plan row, readiness.

    Each document, and the stage its findings belong to, is the process data's:
    the artefact holding the release checklist, the one with the execution log.
    """
    releasing = checklist_document(process, "release_checklist")
    stage = releasing["stage"] if releasing else "Deliver to production"
    version, unknown = package_version(root)
    checker.add(
        "DLV10",
        stage,
        "pyproject.toml",
        None if unknown else tag.removeprefix("v") == version,
        f"skipped: {unknown}" if unknown else f"tag {tag!r}, package version {version!r}",
    )
    record = root / RELEASES_FOLDER / f"{tag}.md"
    relative = (RELEASES_FOLDER / f"{tag}.md").as_posix()
    found = record.is_file()
    if checker.add("DLV11", stage, relative, found, "" if found else "file not found"):
        items = release_gate_items(process, release_checklist_text(root, process))
        text = read_or_report(checker, record, root, stage)
        absent = missing_items(text, items, relative)
        unticked = [item for item in open_items(text, items, relative) if item not in absent]
        sign_offs = repository_items(process, "release_sign_off")
        unticked += open_sign_offs(text, sign_offs, relative)
        detail = "; ".join(
            part
            for part in (
                open_detail(unticked),
                missing_detail(absent, f"copy them from {RELEASE_CHECKLIST} into the record"),
            )
            if part
        )
        checker.add("DLV12", stage, relative, not (unticked or absent), detail)
    else:
        checker.add("DLV12", stage, relative, False)  # the runner records it skipped
    plan_doc = next(
        (
            d
            for d in process["artefacts"]
            if any(s["title"] == EXECUTION_LOG for s in d.get("sections", []))
        ),
        None,
    )
    where, validate = (plan_doc["path"], plan_doc["stage"]) if plan_doc else ("", "")
    plan = root / where
    project = process["project"]
    log = next(
        (
            s
            for s in required_sections(
                process,
                plan_doc.get("sections", []) if plan_doc else [],
                project["size"],
                project["has_ui"],
            )
            if s["title"] == EXECUTION_LOG
        ),
        None,
    )
    # A small plan logs its runs for the cadence, but only from ``release_row``
    # up does a release need a row naming it (older process data: any log does).
    if log is not None and size_at_least(
        process, project["size"], log.get("release_row", log["min_size"])
    ):
        text = read_or_report(checker, plan, root, validate) if plan.is_file() else ""
        lines = split_lines(text)
        bodies = section_bodies(lines, where)
        if EXECUTION_LOG not in bodies:
            checker.add("DLV13", validate, where, None, "skipped: no execution log")
        else:
            start, end = bodies[EXECUTION_LOG]
            names = {tag, tag.removeprefix("v")}
            rows = [
                line
                for line in table_lines(lines, where, start, end)
                if any(name in line for name in names)
            ]
            checker.add(
                "DLV13",
                validate,
                where,
                bool(rows),
                f"a row mentions {tag}" if rows else f"no row mentions {tag}",
                start + 1,
            )
    if project["kind"] == "service":
        ready = checklist_document(process, "production_readiness")
        readiness = ready["path"] if ready else READINESS.as_posix()
        path = root / readiness
        if not path.is_file():
            checker.add("DLV14", stage, readiness, None, "skipped: the file does not exist")
            return
        # An item the file lacks is LC107's finding ("run sync"), not an unticked one.
        text = read_or_report(checker, path, root, stage)
        items = repository_items(process, "production_readiness")
        absent = missing_items(text, items, readiness)
        unticked = [item for item in open_items(text, items, readiness) if item not in absent]
        checker.add("DLV14", stage, readiness, not unticked, open_detail(unticked, "not ticked"))


# ------------------------------------------------------------------ release: the record
# release: the release record a team ticks, made from the process's phases
# and the team's own items.
def checklist_document(process: Process, key: str) -> Artefact | None:
    """Return the repository document holding checklist ``key`` (its ``checklist``)."""
    return next((d for d in process["artefacts"] if d.get("checklist") == key), None)


def release_checklist_text(root: Path, process: Process) -> str:
    """Return docs/release-checklist.md as the team keeps it ("" when there is none)."""
    doc = checklist_document(process, "release_checklist")
    path = root / (doc["path"] if doc else RELEASE_CHECKLIST)
    return read_text(path, root) if path.is_file() else ""


def team_release_items(process: Process, text: str) -> list[dict[str, Any]]:
    """Return the team's own items of its release checklist ``text``, each with its phase.

    A team item is a checkbox line of the checklist section that holds no item
    of the process (of any size), with the lines it wraps onto. Its phase is
    that of the ``### phase`` heading above it; under a heading of the team's
    own, the phase before; above every heading, the first phase. ``after`` is
    the item above it in its phase, so the record keeps the file's order.
    """
    doc = checklist_document(process, "release_checklist")
    lines = text.splitlines()
    section = section_bodies(lines).get(doc["checklist_section"] if doc else "Items")
    if section is None:
        return []
    start, end = section
    phases = repository_kept(process, process["release_phases"])
    by_title = {phase["text"]: phase["phase"] for phase in phases}
    known = [item["text"] for item in process["release_checklist"]]
    marks = {index: title for index, level, title in headings(lines) if level == 3}
    phase = phases[0]["phase"] if phases else ""
    above = ""
    found: list[dict[str, Any]] = []
    for index in range(start + 1, end):
        if index in marks:
            if marks[index] in by_title and by_title[marks[index]] != phase:
                phase, above = by_title[marks[index]], ""
            continue
        box = CHECKBOX.match(lines[index])
        if box is None:
            continue
        process_item = next((item for item in known if item in lines[index]), None)
        # An item wrapped over several lines reaches the record whole, on one line.
        wrapped = lines[index + 1 : item_end(lines, index, end)]
        text = " ".join([box["text"].strip(), *(line.strip() for line in wrapped)])
        if process_item is None:
            found.append({"text": text, "phase": phase, "after": above})
        above = process_item or text
    return found


def release_entries(process: Process, checklist: str = "") -> list[dict[str, Any]]:
    """Return the release checklist's items: the process's, and the team's own in ``checklist``.

    ``checklist`` is the text of docs/release-checklist.md: the items a team
    added there (``team_release_items``) join their phase, after the item they
    follow in the file, so every new release record carries them.
    """
    entries = [dict(item) for item in repository_entries(process, "release_checklist")]
    for item in team_release_items(process, checklist) if checklist else []:
        texts = [entry["text"] for entry in entries]
        peers = [i for i, entry in enumerate(entries) if entry.get("phase") == item["phase"]]
        if not item["after"]:
            at = peers[0] if peers else len(entries)  # first in its phase
        elif item["after"] in texts:
            at = texts.index(item["after"]) + 1
        else:  # after an item of another size: last in its phase
            at = peers[-1] + 1 if peers else len(entries)
        entries.insert(at, {"text": item["text"], "phase": item["phase"], "team": True})
    return entries


def render_release(process: Process, tag: str, checklist: str = "") -> str:
    """Return the release record: this size's release checklist by phase, and its sign-off.

    The record is where a release's items are ticked, in a pull request, and
    what ``check --release`` reads; the release issue only links it. The
    team's own items of ``checklist`` (docs/release-checklist.md) are in it too.
    """
    items = release_entries(process, checklist)
    lines = [
        "---",
        f"release: {tag}",
        f"created: {today()}",
        "orphan: true",
        "---",
        "",
        f"# Release {tag}",
        "",
        *duty_lines(process, RELEASE_DUTY),
        "## Items",
    ]
    phases = repository_kept(process, process["release_phases"])
    known = {phase["phase"] for phase in phases}
    # Items of process data without phases (or of an unknown one) come first, ungrouped.
    groups = [("", [item for item in items if item.get("phase") not in known])]
    groups += [(p["text"], [i for i in items if i.get("phase") == p["phase"]]) for p in phases]
    gate = gated_phases(process)
    noted = False
    for heading, group in groups:
        if not group:
            continue
        if gate and heading and not noted and group[0].get("phase") not in gate:
            lines += ["", AFTER_THE_TAG]
            noted = True
        lines += ["", f"### {heading}"] if heading else []
        lines += ["", *(f"- [ ] {item['text']}" for item in group)]
    roles = repository_items(process, "release_sign_off")
    if roles:
        lines += ["", "## Sign-off", "", "| Role | Who | Date |", "| -- | -- | -- |"]
        lines += [
            f"| {role} | {PLACEHOLDER}: @handle_ | {PLACEHOLDER}: YYYY-MM-DD_ |" for role in roles
        ]
    return "\n".join(lines) + "\n"


AFTER_THE_TAG = (
    "The release workflow checks the items above before it builds the tag; tick the"
    " items below as they happen, and close the release issue when every one is."
)


def gated_phases(process: Process) -> set[str]:
    """Return the release phases settled before the tag (``gate: true``)."""
    return {phase["phase"] for phase in process["release_phases"] if phase.get("gate")}


def release_gate_items(process: Process, checklist: str = "") -> list[str]:
    """Return the release-checklist items ``check --release`` requires: the gated phases'.

    Items of later phases (publish, deploy, verify) happen after the tag, so a
    release cannot wait for them; process data without phases gates every item.
    The team's own items in ``checklist`` (docs/release-checklist.md) count too.
    """
    gate = gated_phases(process)
    return [
        item["text"]
        for item in release_entries(process, checklist)
        if not gate or item.get("phase") in gate
    ]


def open_sign_offs(text: str, roles: Sequence[str], where: str = "") -> list[str]:
    """Return the sign-off roles whose row in ``text`` still holds a placeholder."""
    rows = [row_cells(line) for line in table_lines(split_lines(text), where)]
    return [
        f"sign-off by {role}"
        for role in roles
        if any(row[:1] == [role] and PLACEHOLDER in "|".join(row) for row in rows)
    ]


# ------------------------------------------------------------------ status
# The docs site's Lifecycle status page: stages, the test plan's cadence and
# open findings.
STATUS_PAGE = Path("docs") / "lifecycle-status.md"
"""Where the docs build writes the status page (docs/conf.py); git ignores it."""
CADENCE_WORDS = {
    PASS: "On time",
    WARN: "Overdue",
    FAIL: "Overdue",
    SKIP: "Not checked",
    WAIVED: "Waived",
}


def render_status(root: Path, process: Process) -> str:
    """Return the "Lifecycle status" page: stages, the test plan's cadence, open findings.

    The docs build makes it afresh from the repository every time, so it is
    never stale and never committed; links are relative to ``docs/``.
    """
    pieces = readable(read_pieces(root, process))
    results = check(root, process)
    lines = [
        "# Lifecycle status",
        "",
        f"Made by `python3 tools/lifecycle.py status` when this site was built ({today()}), "
        "from the documents in the repository; edit those, not this page. "
        "How each check works: [Lifecycle check](lifecycle.md#lifecycle-check).",
        "",
        "## Pieces of work",
        "",
    ]
    if pieces:
        lines += entries_table(pieces, "work/")
    else:
        lines.append("None yet: start one with `python3 tools/lifecycle.py new`.")
    runs = [result for result in results if result.code == "VAL07"]
    lines += ["", "## Manual test plan", ""]
    if runs:
        run = runs[0]
        lines.append(f"**{CADENCE_WORDS[run.outcome]}:** {run.detail} ([test plan](test-plan.md)).")
    else:
        lines.append("Not checked: this repository's test plan has no execution log.")
    shown = [result for result in results if result.outcome in (FAIL, WARN, WAIVED)]
    lines += ["", "## Open findings", "", summary_line(results), ""]
    lines += findings_table(shown, in_docs=True) if shown else ["Every lifecycle check passes."]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ fleet: surveying repositories
# fleet, part one: reading each repository (cloned or in place) and asking
# its own tools/lifecycle.py for its state.
# ``fleet`` answers a lead's question across repositories: which are behind
# the template, which have an overdue test plan or a failing gate, what work
# is in flight. Each repository is judged by its own ``tools/lifecycle.py``
# (``check --format json``), so a repository on an older template version is
# judged by the process it follows, not by this tool's. Sources are only read:
# a URL is cloned shallow into a temporary folder, a path is read in place.
FLEET_SCHEMA = 1
FLEET_JOBS = 8
FLEET_TIMEOUT = 300
RELEASE_VERSION = re.compile(r"^v?(?P<version>[0-9]+(?:\.[0-9]+)*)$")
RECORDED_VERSION = re.compile(r"^v?(?P<version>[0-9]+(?:\.[0-9]+)*)")
RECORDED_COMMIT = re.compile(r"[0-9a-f]{7,40}")
"""What copier records as ``_commit`` for a template without tags: a commit, not a version."""


def fleet_sources(arguments: Sequence[str], listing: Path | None) -> list[str]:
    """Return the sources to survey: the arguments, then ``--sources FILE``.

    The file is one source a line (``#`` starts a comment), or the JSON that
    ``gh repo list ORG --json url`` prints.
    """
    sources = list(arguments)
    if listing is not None:
        text = read_text(listing, str(listing))
        if text.lstrip().startswith("["):
            try:
                rows = json.loads(text)
                sources += [str(row["url"]) for row in rows]
            except (ValueError, TypeError, KeyError) as problem:
                raise TeamFileError(
                    str(listing),
                    1,
                    f"not a list of objects with a url ({problem})",
                    "give `gh repo list ORG --json url` output, or one source a line",
                ) from problem
        else:
            sources += [line.split("#")[0].strip() for line in text.splitlines()]
    sources = [source for source in sources if source]
    if not sources:
        raise UsageError("fleet: give at least one SOURCE (a path or a git URL) or --sources FILE.")
    return sources


def release_key(version: str) -> tuple[int, ...] | None:
    """Return a final release's version as numbers (``v1.2.0`` -> (1, 2, 0)), else None."""
    match = RELEASE_VERSION.match(version)
    return tuple(int(part) for part in match["version"].split(".")) if match else None


def template_releases(source: str) -> list[str]:
    """Return the template's final release tags, oldest first (``git ls-remote``)."""
    output = subprocess.run(
        ["git", "ls-remote", "--tags", "--refs", source],
        capture_output=True,
        text=True,
        timeout=FLEET_TIMEOUT,
        check=False,
    )
    if output.returncode != 0:
        return []
    tags = [line.rpartition("refs/tags/")[2] for line in output.stdout.splitlines()]
    return sorted((tag for tag in tags if release_key(tag)), key=lambda tag: release_key(tag) or ())


def template_position(recorded: str, releases: Sequence[str]) -> dict[str, Any]:
    """Say where a repository's recorded ``_commit`` stands among the template's releases."""
    newest = releases[-1] if releases else ""
    # A commit from before the template's first tag: never updated to a release, and
    # only the template's history says how many releases it lacks (not "25" of 25aa780).
    match = None if RECORDED_COMMIT.fullmatch(recorded) else RECORDED_VERSION.match(recorded)
    if match is None or not releases:
        return {"version": recorded, "newest": newest, "behind": None}
    version = tuple(int(part) for part in match["version"].split("."))
    later = [tag for tag in releases if (release_key(tag) or ()) > version]
    return {"version": recorded, "newest": newest, "behind": len(later)}


def before_the_releases(position: Mapping[str, Any]) -> bool:
    """Whether ``template_position`` found a commit recorded before the template's releases."""
    recorded = str(position["version"])
    return bool(position["newest"]) and RECORDED_COMMIT.fullmatch(recorded) is not None


def answers_of(root: Path) -> tuple[str, dict[str, Any]] | None:
    """Return this template's answers file and answers, or None when it has none.

    A repository may carry several templates' answers files; ours is the one
    beside ``.lifecycle/process.json`` whose answers name a project kind.
    """
    for path in sorted(root.glob(".copier-answers*.yml")):
        answers = read_yaml(read_text(path, path.name), path.name)
        if "project_kind" in answers or "project_size" in answers:
            return path.name, dict(answers)
    return None


def own_tool(root: Path, *arguments: str) -> tuple[int, dict[str, Any], str]:
    """Run the repository's own ``tools/lifecycle.py check --format json``.

    Return its exit status, its report (empty when it printed none) and its
    last line on stderr, so an unreadable repository says why.
    """
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    done = subprocess.run(
        [
            sys.executable,
            str(root / "tools" / "lifecycle.py"),
            "--root",
            str(root),
            "check",
            "--format",
            "json",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=FLEET_TIMEOUT,
        check=False,
        env=environment,
    )
    try:
        report = json.loads(done.stdout) if done.stdout.strip() else {}
    except ValueError:
        report = {}
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return done.returncode, report, last


def check_summary(status: int, report: Mapping[str, Any], problem: str) -> dict[str, Any]:
    """Reduce a check report to its counts, failing codes and the test plan's outcome."""
    results = report.get("results", [])
    failing = sorted({r["code"] for r in results if r.get("outcome") == FAIL})
    cadence_results = [r for r in results if r.get("code") == "VAL07"]
    return {
        "exit": status,
        "counts": report.get("summary", {}),
        "failing": failing,
        "test_plan": cadence_results[0]["outcome"] if cadence_results else "unknown",
        "test_plan_detail": cadence_results[0].get("detail", "") if cadence_results else "",
        "problem": problem if status >= 2 else "",
    }


ANNOUNCED = re.compile(r"^- Announced: .*?(?P<url>https?://\S+?)[>)]*$")
RFC_FILE = "rfc.md"
"""A piece's RFC when the process data names none (``rfc_file``)."""


def rfcs_of(root: Path, process: Process, folders: Sequence[Path]) -> list[dict[str, Any]]:
    """Return every RFC of the pieces of work: title, status and its dates, owner, links.

    The discussion is the front matter's ``discussion`` link, else the URL on
    the RFC's "Announced:" line; ``supersedes`` and ``superseded_by`` are read
    from the front matter when the team records them.
    """
    found = []
    for folder in folders:
        path = folder / rfc_file(process)
        if not path.is_file():
            continue
        shown = path.relative_to(root).as_posix()
        text = read_text(path, shown)
        matter = read_front_matter(text)
        seen = text_lines(split_lines(text), shown)  # not a link shown in a fence or comment
        announced = [m["url"] for m in map(ANNOUNCED.match, seen) if m]
        found.append(
            {
                "path": path.relative_to(root).as_posix(),
                "title": str(matter.get("title", folder.name)),
                "status": str(matter.get("status", "")),
                "owner": str(matter.get("owner", process.get("project", {}).get("owner", ""))),
                "created": str(matter.get("created", "")),
                "discussion": str(matter.get("discussion", "") or (announced or [""])[0]),
                "supersedes": matter.get("supersedes", []) or [],
                "superseded_by": matter.get("superseded_by", []) or [],
                "resolution": str(matter.get("resolution", "") or ""),
                "history": listed(matter, HISTORY),
            }
        )
    return found


def newest_release(root: Path) -> str:
    """Return the newest release record's tag under docs/releases/, or ""."""
    folder = root / RELEASES_FOLDER
    tags = [path.stem for path in folder.glob("*.md")] if folder.is_dir() else []
    tags = [tag for tag in tags if release_key(tag.replace("rc", "."))]
    return max(tags, key=lambda tag: release_key(tag.replace("rc", ".")) or (), default="")


def survey_folder(root: Path, source: str, releases: dict[str, list[str]]) -> dict[str, Any]:
    """Describe one repository's template version, check, test plan, work and last release."""
    entry: dict[str, Any] = {"source": source, "state": "ok", "reason": ""}
    found = answers_of(root)
    if found is None or not (root / PROCESS_FILE).is_file():
        entry.update(state="other", reason="no lifecycle template answers file or process data")
        return entry
    answers_file, answers = found
    src = str(answers.get("_src_path", ""))
    if src not in releases:
        releases[src] = template_releases(src) if src else []
    process = load_process(root)
    project = process.get("project", {})
    entry.update(
        name=str(project.get("name", root.name)),
        owner=str(project.get("owner", "")),
        kind=str(project.get("kind", "")),
        size=str(project.get("size", "")),
        answers_file=answers_file,
        template={
            "source": src,
            **template_position(str(answers.get("_commit", "")), releases[src]),
        },
    )
    entry["check"] = check_summary(*own_tool(root))
    folders = work_folders(root)
    entry["rfcs"] = rfcs_of(root, process, folders)
    entry["pieces"] = [
        {
            "folder": piece.folder.name,
            "title": piece.title,
            "size": piece.size,
            "status": piece.status,
            "owner": piece.owner,
            "stage": piece.stage,
        }
        for piece in readable([Piece.read(process, folder, root) for folder in folders])
    ]
    tag = newest_release(root)
    entry["release"] = {"tag": tag, "gate": "", "failing": []}
    if tag:
        status, report, _ = own_tool(root, "--release", tag)
        gate = check_summary(status, report, "")
        entry["release"].update(gate="pass" if status == 0 else "fail", failing=gate["failing"])
    return entry


def survey(source: str, releases: dict[str, list[str]]) -> dict[str, Any]:
    """Survey one source; a source that cannot be read is reported with why, never dropped."""
    local = Path(source).expanduser()
    try:
        if local.is_dir():
            return survey_folder(local.resolve(), source, releases)
        if local.exists() or not re.match(r"^(https?|ssh|git|file)://|^[\w.-]+@[\w.-]+:", source):
            return {"source": source, "state": "unreadable", "reason": "not a folder or a git URL"}
        with tempfile.TemporaryDirectory(prefix="lifecycle-fleet-") as scratch:
            clone = Path(scratch) / "repo"
            done = subprocess.run(
                ["git", "clone", "--quiet", "--depth", "1", source, str(clone)],
                capture_output=True,
                text=True,
                timeout=FLEET_TIMEOUT,
                check=False,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
            )
            if done.returncode != 0:
                why = (done.stderr.strip().splitlines() or ["git clone failed"])[-1]
                return {"source": source, "state": "unreadable", "reason": why}
            return survey_folder(clone, source, releases)
    except (UsageError, TeamFileError, OSError, subprocess.SubprocessError) as problem:
        return {"source": source, "state": "unreadable", "reason": str(problem)}


# ------------------------------------------------------------------ fleet: the report
# fleet, part two: every source surveyed in parallel, summarised by owner and
# stage, and the report's Markdown and HTML forms.
def fleet(sources: Sequence[str], jobs: int = FLEET_JOBS) -> dict[str, Any]:
    """Survey every source in parallel (bounded) and summarise by owner and by stage."""
    releases: dict[str, list[str]] = {}
    for source in sources:  # one ls-remote per template, before the threads share the cache
        local = Path(source).expanduser()
        try:
            found = answers_of(local) if local.is_dir() else None
        except TeamFileError:  # survey() reports it as that repository's reason
            found = None
        if found and (src := str(found[1].get("_src_path", ""))) and src not in releases:
            releases[src] = template_releases(src)
    from concurrent.futures import ThreadPoolExecutor  # the fleet alone: 4 ms at every start

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(sources)))) as pool:
        repositories = list(pool.map(lambda source: survey(source, releases), sources))
    owners: dict[str, dict[str, int]] = {}
    stages: dict[str, int] = {}
    for repo in repositories:
        if repo["state"] != "ok":
            continue
        row = owners.setdefault(
            repo["owner"],
            {"repositories": 0, "behind": 0, "failing": 0, "test_plan_overdue": 0, "in_flight": 0},
        )
        row["repositories"] += 1
        row["behind"] += bool(repo["template"]["behind"]) or before_the_releases(repo["template"])
        row["failing"] += bool(repo["check"]["failing"])
        row["test_plan_overdue"] += repo["check"]["test_plan"] in (FAIL, WARN)
        for piece in repo["pieces"]:
            stages[piece["stage"]] = stages.get(piece["stage"], 0) + 1
            row["in_flight"] += piece["stage"] not in ("Done", "Dropped")
    return {
        "schema": FLEET_SCHEMA,
        "generated": today(),
        "repositories": repositories,
        "by_owner": dict(sorted(owners.items())),
        "by_stage": stages,
    }


def fleet_row(repo: Mapping[str, Any]) -> dict[str, str]:
    """Return one repository's cells, as text, for the Markdown and HTML tables."""
    if repo["state"] != "ok":
        why = "not from this template" if repo["state"] == "other" else "cannot be read"
        return {
            "Repository": repo["source"],
            "Owner": "",
            "Template": "",
            "Check": why,
            "Test plan": "",
            "Release gate": "",
            "Work in flight": repo["reason"],
        }
    template = repo["template"]
    behind = template["behind"]
    version = template["version"] or "unknown"
    if before_the_releases(template):
        position = f"{version} (a commit from before the releases), behind {template['newest']}"
    elif behind is None:
        position = f"{version} (newest unknown)"
    else:
        position = (
            f"{version}, {behind} behind {template['newest']}" if behind else f"{version}, current"
        )
    check = repo["check"]
    verdict = check["problem"] or (", ".join(check["failing"]) or "passes")
    release = repo["release"]
    gate = f"{release['tag']}: {release['gate']}" if release["tag"] else "no release yet"
    flight = [p for p in repo["pieces"] if p["stage"] not in ("Done", "Dropped")]
    work = "; ".join(f"{p['title']} ({p['stage']}, {p['owner']})" for p in flight) or "none"
    return {
        "Repository": repo.get("name", repo["source"]),
        "Owner": repo["owner"],
        "Template": position,
        "Check": verdict,
        "Test plan": check["test_plan"],
        "Release gate": gate,
        "Work in flight": work,
    }


def status_since(rfc: Mapping[str, Any]) -> str:
    """Return the day an RFC reached its current status, from its ``history:``, or ``""``.

    The last item counts only when it names the current status: an undated or
    stale history shows no date rather than a wrong one (``check`` reports it).
    """
    items = rfc.get("history") or []
    match = HISTORY_ITEM.match(str(items[-1]).strip()) if items else None
    if match is None or match["status"] != rfc.get("status"):
        return ""
    return match["date"] or ""


def rfc_rows(report: Mapping[str, Any]) -> list[list[str]]:
    """One row per RFC across the organisation: title, status, since, owner, repository..."""
    return [
        [
            str(rfc["title"]),
            str(rfc["status"]),
            status_since(rfc),
            str(rfc["owner"]),
            str(repo["name"]),
            str(rfc["discussion"]),
            ", ".join(map(str, rfc["supersedes"])),
        ]
        for repo in report["repositories"]
        if repo["state"] == "ok"
        for rfc in repo["rfcs"]
    ]


OWNER_COLUMNS = ["Owner", "Repositories", "Behind", "Failing", "Test plan overdue", "In flight"]
RFC_COLUMNS = ["RFC", "Status", "Since", "Owner", "Repository", "Discussion", "Supersedes"]


def render_fleet_markdown(report: Mapping[str, Any]) -> str:
    """Render the report as Markdown, short enough for a GitHub Actions job summary."""
    rows = [fleet_row(repo) for repo in report["repositories"]]
    lines = [f"## Lifecycle across {len(rows)} repositories", ""]
    lines += markdown_table(list(rows[0]) if rows else ["Repository"], (r.values() for r in rows))
    owners = report["by_owner"].items()
    lines += ["", *markdown_table(OWNER_COLUMNS, ([o, *c.values()] for o, c in owners))]
    rfcs = rfc_rows(report)
    if rfcs:
        lines += ["", *markdown_table(RFC_COLUMNS, rfcs)]
    return "\n".join(lines) + "\n"


FLEET_STYLE = """\
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; cursor: pointer; }
th[aria-sort=ascending]::after { content: " \\25B2"; }
th[aria-sort=descending]::after { content: " \\25BC"; }
"""
FLEET_SCRIPT = """\
// Sort a table by one column, as a click on its heading does; "#sort=Owner" or
// "#sort=Owner:descending" in the address opens the page sorted that way.
function sortBy(table, th, descending) {
  const column = [...th.parentNode.children].indexOf(th);
  table.querySelectorAll("th").forEach(other => other.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  const body = table.tBodies[0];
  const rows = [...body.rows].sort((a, b) => a.cells[column].textContent.localeCompare(
    b.cells[column].textContent, undefined, {numeric: true}));
  if (descending) rows.reverse();
  rows.forEach(row => body.appendChild(row));
}
for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("th").forEach(th => th.addEventListener("click",
    () => sortBy(table, th, th.getAttribute("aria-sort") === "ascending")));
}
const asked = decodeURIComponent(location.hash).match(/^#sort=([^:]+)(:descending)?$/);
const table = document.getElementById("repositories");
const th = asked && [...table.querySelectorAll("th")].find(th => th.textContent === asked[1]);
if (th) sortBy(table, th, Boolean(asked[2]));
"""


def html_table(columns: Sequence[str], rows: Iterable[Sequence[str]], name: str) -> str:
    """Return a sortable HTML table with the id ``name``; every cell is escaped text."""
    head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    head = f"<thead><tr>{head}</tr></thead>"
    return f'<table class="sortable" id="{name}">{head}<tbody>{body}</tbody></table>'


def render_fleet_html(report: Mapping[str, Any]) -> str:
    """Render one self-contained page: it loads nothing, so it works from ``file://``."""
    rows = [fleet_row(repo) for repo in report["repositories"]]
    owners = html_table(
        OWNER_COLUMNS,
        ([owner, *map(str, counts.values())] for owner, counts in report["by_owner"].items()),
        "owners",
    )
    stages = html_table(["Stage", "Pieces"], sorted(report["by_stage"].items()), "stages")
    rfcs = html_table(RFC_COLUMNS, rfc_rows(report), "rfcs")
    repositories = html_table(
        list(rows[0]) if rows else ["Repository"], (list(r.values()) for r in rows), "repositories"
    )
    security = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{security}">
<title>Lifecycle across repositories</title>
<style>
{FLEET_STYLE}</style></head><body>
<h1>Lifecycle across {len(rows)} repositories</h1>
<p>Made {html.escape(report["generated"])} by <code>python3 tools/lifecycle.py fleet</code>.
Click a column heading to sort.</p>
<h2>By owner</h2>
{owners}
<h2>Pieces of work by stage</h2>
{stages}
<h2>Repositories</h2>
{repositories}
<h2>RFCs across the organisation</h2>
{rfcs}
<script>
{FLEET_SCRIPT}</script>
</body></html>
"""


# ------------------------------------------------------------------ fleet: the workflow
# fleet --workflow: the GitHub workflow that runs fleet for an organisation.
FLEET_WORKFLOW = Path(".github") / "workflows" / "lifecycle-fleet.yml"
ORGANISATION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?")
ORGANISATION_SLOT = "{organisation}"
FLEET_WORKFLOW_TEXT = """\
# The lifecycle across the organisation {organisation}: every Monday, one page
# with each repository's template version, lifecycle check, test plan, work in
# flight and last release gate. Written by `python3 tools/lifecycle.py fleet
# --workflow {organisation}`; run that again to refresh this file after a
# template update. The report is a workflow artifact, and the GitHub Pages
# site when Pages is set to "GitHub Actions" (the deploy job is skipped otherwise).
# A read-only token that sees the private repositories goes in the secret
# FLEET_TOKEN (fine-grained: contents and metadata read); without it only
# public repositories are read.
name: Lifecycle across the organisation

on:
  schedule:
    - cron: "0 6 * * 1"  # 06:00 UTC every Monday
  workflow_dispatch:

permissions: {}

concurrency:
  group: lifecycle-fleet
  cancel-in-progress: true

jobs:
  report:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09  # v5.1.0
        with:
          persist-credentials: false
      - name: Report every repository
        env:
          GH_TOKEN: ${{ secrets.FLEET_TOKEN || github.token }}
          ORGANISATION: "{organisation}"
        run: |
          gh auth setup-git
          sources="$RUNNER_TEMP/sources.json"
          gh repo list "$ORGANISATION" --no-archived --limit 1000 --json url > "$sources"
          mkdir -p _site
          python3 tools/lifecycle.py fleet --sources "$sources" --json _site/fleet.json \\
            --html _site/index.html --markdown "$GITHUB_STEP_SUMMARY" > /dev/null
      - uses: actions/upload-artifact@b7c566a772e6b6bfb58ed0dc250532a479d7789f  # v6.0.0
        with:
          name: lifecycle-fleet
          path: _site/
      - uses: actions/upload-pages-artifact@56afc609e74202658d3ffba0e8f6dda462b719fa  # v3.0.1
        with:
          path: _site/

  pages:
    needs: report
    if: vars.LIFECYCLE_FLEET_PAGES == 'true'
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e  # v4.0.5
"""


def fleet_workflow(root: Path, organisation: str) -> Path:
    """Write the weekly organisation report workflow; never over the team's own file."""
    if not ORGANISATION.fullmatch(organisation):
        raise UsageError(
            f"--workflow must be a GitHub organisation name such as acme; got {organisation!r}."
        )
    path = root / FLEET_WORKFLOW
    mine = FLEET_WORKFLOW_TEXT.split(ORGANISATION_SLOT)[0]
    if path.exists() and not read_text(path, FLEET_WORKFLOW.as_posix()).startswith(mine):
        raise UsageError(
            f"{FLEET_WORKFLOW.as_posix()} exists and this tool did not write it; "
            "move it away, then run the command again."
        )
    write_files(root, {path: FLEET_WORKFLOW_TEXT.replace(ORGANISATION_SLOT, organisation)})
    return path


# ------------------------------------------------------------------ the commands
# What each command does once its arguments are parsed: run dispatches to
# run_check, run_sync, run_release, run_status and run_fleet.
def run(options: argparse.Namespace) -> int:
    """Run one parsed command; errors propagate to ``main``, which reports them."""
    if options.command == "check":
        return run_check(
            options.root, options.format, options.release, options.structure, options.only
        )
    if options.command == "release":
        return run_release(options.root, options.tag)
    if options.command == "sync":
        return run_sync(options.root)
    if options.command == "status":
        return run_status(options.root)
    if options.command == "fleet":
        return run_fleet(options)
    ratings = [rating for rating in (options.scope, options.impact, options.risk) if rating]
    process = load_process(options.root)
    if options.size is None and not ratings:
        raise UsageError(
            "--size: give --size small|medium|large, or rate the work with "
            "--scope, --impact and --risk (low|moderate|high)."
        )
    recommended = recommend_size(process, ratings)
    owner = options.owner or process["project"]["owner"]
    if not OWNER.fullmatch(owner):
        raise UsageError(f"--owner must be a GitHub handle such as @org/team; got {owner!r}.")
    work = Work(
        title=options.title,
        size=options.size or recommended,
        owner=owner,
        created=today(),
        has_ui=options.ui,
        status=Statuses.of(process).first,
    )
    folder, written = new(options.root, process, work)
    report(options.root, process, work, recommended if ratings else "", folder, written)
    return 0


def run_check(
    root: Path, form: str, release: str = "", structure: bool = False, only: Sequence[str] = ()
) -> int:
    """Print the report (and in GitHub Actions, its Markdown form to the job summary).

    Exit 1 when a check fails (warnings, waived and skipped ones do not). ``only``
    keeps the results of those codes: the scheduled test-plan workflow asks for
    ``VAL07`` alone and reads its outcome from the JSON report.

    A repository made before pieces of work (none in ``docs/work/``) gets the report
    but exit 0: ``copier update`` brings this tool into it, and an update must
    never turn a team's CI red. Its first ``lifecycle.py new`` turns the gate on.
    """
    if release and not TAG.match(release):
        raise UsageError(f"--release must be a tag like v1.2.3 or 1.2.3; got {release!r}.")
    for code in only:
        if known_code(code) != code:  # on stderr, so a JSON report stays valid JSON
            print(f"note: --only {code}: {code} is now {known_code(code)}", file=sys.stderr)
    results = check(root, load_process(root), release, structure, only)
    print(format_results(results, form))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:  # GitHub Actions shows this file as the job's summary
        with Path(summary).open("a", encoding="utf-8") as page:
            page.write(format_results(results, "markdown") + "\n")
    failed = any(result.outcome == FAIL for result in results)
    if failed and not work_folders(root):
        print(  # on stderr under --format json, so the report stays valid JSON
            f"\nAdvisory only: this repository has no piece of work in {WORK_FOLDER.as_posix()}/ "
            "yet, so these "
            "findings do not fail; run `python3 tools/lifecycle.py sync`, then start your "
            "first piece of work with `python3 tools/lifecycle.py new` to turn the gate on.",
            file=sys.stderr if form == "json" else sys.stdout,
        )
        return 0
    return 1 if failed else 0


def run_sync(root: Path) -> int:
    """Add missing sections, documents and index rows, and say which; exit 0 (nothing is fine).

    Every change is planned first and written in one ``write_files``: when one
    file cannot be written, none is. The lines kept current (the cadence, the
    who/when/done lines, the kept documents) are rewritten after it, file by file,
    from what the plan wrote.
    """
    process = load_process(root)
    plan = plan_sync(root, process)
    write_files(root, plan.files)
    # The marked process lines (the test plan's cadence), after the plan's writes.
    refreshed = refresh_marked_lines(root, process)
    duties = refresh_duty_lines(root, process)
    if refresh_kept_line(root, process):
        duties.append(LIFECYCLE_MAP.as_posix())
    for path in plan.conflicted:
        print(
            f"  skipped {path.relative_to(root).as_posix()}: it holds conflict markers; "
            "resolve them, then run `python3 tools/lifecycle.py sync` again"
        )
    for path in plan.created:
        print(f"  created {path.relative_to(root).as_posix()}")
    if plan.index:
        print(f"  updated {INDEX_FILE.as_posix()}")
    for file, title in plan.added:
        print(f"  added '## {title}' to {file}")
    for file, texts in plan.items:
        print(f"  added {len(texts)} item(s) to {file}:")
        for text in texts:
            print(f"    - [ ] {text}")
    for file, status in plan.dated:
        print(f"  dated status '{status}' in {file} ({HISTORY}: {today()})")
    for file in refreshed:
        print(f"  updated the cadence line of {file} to the current project size")
    for file in duties:
        if file == LIFECYCLE_MAP.as_posix():
            print(f"  updated the list of kept documents in {file}")
        else:
            print(f"  updated the duty lines of {file} (who, when, done when)")
    count = sum(len(texts) for _, texts in plan.items)
    made = f"created {len(plan.created)} document(s), " if plan.created else ""
    lined = len(set(refreshed) | set(duties))
    made += f"updated process lines in {lined} file(s), " if lined else ""
    what = [f"{len(plan.added)} section(s)"] if plan.added or not (count or made) else []
    what += [f"{count} item(s)"] if count else []
    said = f"{made}added {' and '.join(what)}" if what else made.removesuffix(", ")
    dates = f", dated {len(plan.dated)} status(es)" if plan.dated else ""
    anything = made or plan.added or count or plan.dated
    done = f"sync: {said}{dates}" if anything else ""
    if not done:
        done = f"sync: updated {INDEX_FILE.as_posix()}" if plan.index else "sync: nothing to add"
    conflicted = len(plan.conflicted)
    left = f"; skipped {conflicted} document(s) with conflict markers" if conflicted else ""
    print(f"{done}{left}.")
    return 0


def run_release(root: Path, tag: str) -> int:
    """Write ``docs/releases/TAG.md`` from the release checklist; never overwrite one."""
    if not TAG.match(tag):
        raise UsageError(f"tag must look like v1.2.3 or 1.2.3; got {tag!r}.")
    process = load_process(root)
    path = root / RELEASES_FOLDER / f"{tag}.md"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} exists already; it is the team's record.")
    checklist = release_checklist_text(root, process)
    marker = next(
        (
            n
            for n, line in enumerate(checklist.splitlines(), 1)
            if line.startswith(CONFLICT_MARKERS)
        ),
        0,
    )
    if marker:  # the team's own items would come from both sides of a merge
        raise TeamFileError(
            RELEASE_CHECKLIST.as_posix(),
            marker,
            "holds conflict markers, so its items are not settled",
            "resolve them, then run the release command again",
        )
    write_files(root, {path: render_release(process, tag, checklist)})
    print(f"Created {path.relative_to(root).as_posix()}: tick each item or mark it N/A: reason.")
    return 0


def run_status(root: Path) -> int:
    """Print the status page (Markdown); exit 0 whatever it shows, 2 for a bad repository."""
    print(render_status(root, load_process(root)), end="")
    return 0


def run_fleet(options: argparse.Namespace) -> int:
    """Survey the sources; print Markdown, and write the JSON/HTML/Markdown files asked for."""
    if options.workflow:
        path = fleet_workflow(options.root, options.workflow)
        print(f"Wrote {path.relative_to(options.root).as_posix()}: commit it; see its comment.")
        return 0
    report = fleet(fleet_sources(options.sources, options.sources_file), options.jobs)
    outputs = {
        options.json: json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        options.html: render_fleet_html(report),
        options.markdown: render_fleet_markdown(report),
    }
    for path, text in outputs.items():
        if path is not None:
            replace_file(path, text.encode("utf-8"), str(path))
    print(render_fleet_markdown(report), end="")
    return 0


def today() -> str:
    """Today's date, or the one ``SOURCE_DATE_EPOCH`` fixes (reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    return datetime.date.today().isoformat()


def report(
    root: Path, process: Process, work: Work, recommended: str, folder: Path, written: list[Path]
) -> None:
    """Say what was created and what to do first."""
    relative = folder.relative_to(root).as_posix()
    why = f" (the rubric recommends {recommended})" if recommended else ""
    print(f"Started {relative}/: a {work.size} piece of work{why}.")
    for path in written:
        print(f"  {'updated' if path.name == 'index.md' else 'created'} {path.relative_to(root)}")
    first = kit(process, work.size, work.has_ui)[0]
    print(
        f"First: fill in {relative}/{first['file']} ({first['text']}); {first['who']} "
        f"Done when {first['done']}"
    )


# ------------------------------------------------------------------ the command line
# Argument parsing and main, last: main turns every error into one line and
# an exit status.
class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line naming it, and exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print one line instead of the usage text plus the message."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    """Build the command line: ``new``, ``check`` and ``sync``."""
    top = _Parser(prog="lifecycle.py", description="Run the lifecycle for each piece of work.")
    top.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the repository root (default: the folder above tools/)",
    )
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    start = commands.add_parser("new", help="start a piece of work with the kit of its size")
    start.add_argument("title", help="what the work is called, e.g. 'Carrier cache'")
    start.add_argument("--size", choices=SIZES, help="the size; overrides the rubric")
    start.add_argument("--ui", action="store_true", help="the work changes what users see")
    for flag, question in RUBRIC_FLAGS.items():
        start.add_argument(f"--{flag}", choices=RATINGS, help=f"size rubric, {question}")
    start.add_argument(
        "--owner", help="GitHub handle answerable for the work (default: the repo's)"
    )
    checking = commands.add_parser("check", help="report the lifecycle duties that are open")
    checking.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="report format"
    )
    checking.add_argument(
        "--structure",
        action="store_true",
        help="documents and sections only, nothing that depends on the date (pre-commit)",
    )
    checking.add_argument(
        "--release", default="", metavar="TAG", help="also check the gates of this release"
    )
    checking.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="CODE",
        help="report only this check (repeatable), e.g. VAL07, the test plan's cadence",
    )
    making = commands.add_parser(
        "release", help="make docs/releases/TAG.md from the release checklist"
    )
    making.add_argument("tag", help="the release tag, e.g. v1.2.0")
    commands.add_parser(
        "sync",
        help="add the sections and documents the process now requires, as placeholders",
    )
    surveying = commands.add_parser(
        "fleet",
        help="report many repositories: template version, check, test plan, work, release",
    )
    surveying.add_argument("sources", nargs="*", metavar="SOURCE", help="a path or a git URL")
    surveying.add_argument(
        "--sources",
        dest="sources_file",
        type=Path,
        metavar="FILE",
        help="one source a line, or the output of `gh repo list ORG --json url`",
    )
    surveying.add_argument("--json", type=Path, metavar="FILE", help="write the report as JSON")
    surveying.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained page")
    surveying.add_argument("--markdown", type=Path, metavar="FILE", help="write it as Markdown")
    surveying.add_argument(
        "--workflow",
        metavar="ORG",
        help="instead, write the weekly workflow that reports every repository of ORG",
    )
    surveying.add_argument(
        "--jobs", type=int, default=FLEET_JOBS, help="repositories read at once (default 8)"
    )
    commands.add_parser(
        "status",
        help="print the Lifecycle status page (Markdown): stages, test plan cadence, findings",
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0 done, 1 a check failed, 2 a bad argument or repository set-up, 3 a team
    file that cannot be read or written as asked, 4 a fault in this tool. Each
    problem is one line on stderr, never a traceback: this runs in pre-commit
    hooks, CI, the docs build and ``copier update``, where a traceback hides
    the one line that says what to do (``LIFECYCLE_DEBUG=1`` shows it).
    """
    options = parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(options)
    except UsageError as problem:
        print(f"lifecycle.py: error: {problem}", file=sys.stderr)
        return 2
    except TeamFileError as problem:
        print(f"lifecycle.py: {problem}", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as fault:  # the last line of defence: one line, not a traceback
        if os.environ.get("LIFECYCLE_DEBUG"):
            raise
        print(
            f"lifecycle.py: internal error ({type(fault).__name__}: {fault}); "
            "run again with LIFECYCLE_DEBUG=1 and report the traceback to the template's owners",
            file=sys.stderr,
        )
        return 4


if __name__ == "__main__":
    sys.exit(main())
