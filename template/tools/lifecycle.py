"""Run the lifecycle: start pieces of work, check their duties, keep documents current.

Every piece of work (a task, a feature, a project) runs the lifecycle, sized on
its own: ``new`` makes ``docs/work/NNNN-slug/`` with that size's documents and
lists it in ``docs/work/index.md``. What the kit holds (documents, sections,
front matter, statuses, the size rubric) is read from ``.lifecycle/process.json``,
which ``copier update`` keeps current, so the next piece of work always starts
from the template's latest process. Documents already written are the team's:
this tool never rewrites them. ``copier copy`` makes the repository's first
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
makes the release record to tick, ``sync`` adds the sections a process
update or a size change requires to the team's documents, as placeholders (and
the documents a raised size adds to a piece of work), and ``status`` prints the
docs site's "Lifecycle status" page; ``fleet`` reports many repositories at
once (template version, check, test plan, work in flight, last release). See
the comment above ``WAIVERS_FILE`` for why this is not a repo-review plugin.
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

PROCESS_FILE = Path(".lifecycle") / "process.json"
WORK_FOLDER = Path("docs") / "work"
INDEX_FILE = WORK_FOLDER / "index.md"
INDEX_DUTY = "Index of the pieces of work"
RELEASE_DUTY = "Release"
"""Names of the duties (``stage_duties`` in the template's process.yml) this tool writes out."""
MAX_TITLE_LENGTH = 80
MAX_SLUG_LENGTH = 40
TITLE_PUNCTUATION = frozenset(" -.,'\"():&?!+=/")
"""Characters a title may use besides letters and digits.

Each of them shows as typed in a Markdown heading or table cell and is left
alone by mdformat, so a title never needs escaping anywhere it is written.
"""
SIZES = ("small", "medium", "large")
"""The sizes the command line offers; the process data says what each one gets."""
RATINGS = ("low", "moderate", "high")
RUBRIC_FLAGS = {
    "scope": "effort and people",
    "impact": "who notices, what data",
    "risk": "reversibility, unknowns",
}
OWNER = re.compile(r"@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?")
FOLDER = re.compile(r"^(?P<number>[0-9]{4})-(?P<slug>[a-z0-9-]+)$")
FRONT_MATTER_LINE = re.compile(r"^(?P<key>[a-z_]+):(?: (?P<value>.*))?$")

Process = Mapping[str, Any]
"""The contents of ``.lifecycle/process.json`` (see ``extensions/process.yml``)."""


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


# ------------------------------------------------------------------ writing
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
    before the first byte is written; then each file is written to a temporary
    file beside it, flushed to disk and moved over the target with
    ``os.replace``, so a kill or a full disk leaves the old file or the new one,
    never a third. An existing file keeps its mode. Texts are written as given:
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
    for path, text in files.items():
        replace_file(inside(root, path), text.encode("utf-8"), path.relative_to(root).as_posix())


def replace_file(target: Path, data: bytes, shown: str) -> None:
    """Write one file atomically: a temporary file beside it, flushed, then ``os.replace``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temporary, mode)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as problem:
        raise TeamFileError(
            shown,
            1,
            f"could not be written ({problem.strerror or problem}); the file is as it was",
            "free the space or fix the permission, then run the command again",
        ) from problem


@dataclass(frozen=True)
class Work:
    """One piece of work, as its documents' front matter records it."""

    title: str
    size: str
    owner: str
    created: str
    has_ui: bool = False
    design_link: str = ""
    status: str = "draft"


@dataclass
class Entry:
    """A row of the index: one folder under ``docs/work/``."""

    folder: str
    title: str
    size: str
    status: str
    owner: str
    stage: str
    first: str = "shaping.md"


# ------------------------------------------------------------------ process data
def load_process(root: Path) -> dict[str, Any]:
    """Read the process data copier rendered into this repository."""
    path = root / PROCESS_FILE
    if not path.is_file():
        raise UsageError(
            f"{PROCESS_FILE} not found under {root}: give the repository root with --root, "
            "or bring the repository up to date with `copier update`."
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def size_at_least(process: Process, size: str, minimum: str) -> bool:
    """Tell whether a ``size`` piece of work gets what a ``minimum`` one gets."""
    sizes: list[str] = process["sizes"]
    return sizes.index(size) >= sizes.index(minimum)


def applies(process: Process, item: Mapping[str, Any], size: str, has_ui: bool) -> bool:
    """Whether a kit document, section or duty belongs to a piece of this size and UI answer.

    An item with a ``kind`` belongs only to a repository of that kind: a
    library's piece of work plans a release to PyPI, not a rollout to servers.
    """
    kind = item.get("kind")
    return (
        size_at_least(process, size, item["min_size"])
        and (has_ui or not item.get("has_ui", False))
        and kind in (None, process["project"]["kind"])
    )


def kit(process: Process, size: str, has_ui: bool) -> list[dict[str, Any]]:
    """Return the documents a piece of work of ``size`` gets, in stage order."""
    return [doc for doc in process["kit"] if applies(process, doc, size, has_ui)]


def duty(process: Process, name: str) -> Mapping[str, Any] | None:
    """Return the repository's duty ``name``: the last item its size, UI and kind keep.

    ``process.yml`` lists a duty once per size where its lines change, so the
    last item a repository keeps is the one that speaks for its size.
    """
    project = process["project"]
    kept = [
        item
        for item in process.get("duties", [])
        if item["text"] == name and applies(process, item, project["size"], project["has_ui"])
    ]
    return kept[-1] if kept else None


def who_when_done(
    item: Mapping[str, Any], values: Mapping[str, str] | None = None, form: str = "list"
) -> str:
    """Return the who, when and done-when lines of a duty or kit document.

    The only place these lines are written: every document, issue template and
    the lifecycle map show them through this function, so they cannot drift
    apart. ``values`` fill ``{name}`` placeholders, in order. ``form="list"``
    gives three Markdown list items; ``"sentence"`` one line, for an issue
    template's leading comment or a form's description; ``"checkbox"`` the
    done-when line alone, as the item an issue ticks when it is done.
    """
    parts = []
    for key in ("who", "when", "done"):
        text = str(item[key])
        for name, value in (values or {}).items():
            text = text.replace("{" + name + "}", value)
        parts.append(text)
    who, when, done = parts
    if form == "sentence":
        return f"Who: {who} When: {when} Done when: {done}"
    if form == "checkbox":
        return f"- [ ] {done[:1].upper()}{done[1:]}"
    return f"- **Who:** {who}\n- **When:** {when}\n- **Done when:** {done}\n"


def duty_lines(process: Process, name: str) -> list[str]:
    """Return duty ``name``'s lines as a one-item list, or no item when the repository lacks it."""
    found = duty(process, name)
    owner = {"owner": str(process["project"].get("owner", ""))}
    return [who_when_done(found, owner)] if found else []


def recommend_size(process: Process, ratings: Iterable[str]) -> str:
    """Return the size the most severe rating recommends, as the questionnaire does."""
    sizes: list[str] = process["sizes"]
    implied = [sizes.index(process["ratings"][rating]) for rating in ratings]
    return sizes[max(implied, default=0)]


# ------------------------------------------------------------------ titles
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


# ------------------------------------------------------------------ front matter
def front_matter(process: Process, work: Work, links: Sequence[str]) -> str:
    """Return the YAML block every document of a piece of work starts with."""
    values: dict[str, str | Sequence[str]] = {
        "title": json.dumps(work.title, ensure_ascii=False),
        "size": work.size,
        "status": work.status,
        "owner": json.dumps(work.owner, ensure_ascii=False),
        "created": work.created,
        "links": [json.dumps(link, ensure_ascii=False) for link in links],
    }
    lines = ["---"]
    for name in process["front_matter"]:
        value = values[name]
        if isinstance(value, str):
            lines.append(f"{name}: {value}")
        else:
            lines.append(f"{name}:" if value else f"{name}: []")
            lines.extend(f"  - {item}" for item in value)
    return "\n".join([*lines, "---"]) + "\n"


def _scalar(text: str) -> str:
    """Read a front matter value: JSON-style double quotes (as written here) or plain."""
    text = text.strip()
    if text.startswith('"'):
        value = json.loads(text)
        return str(value)
    return text.strip("'")


def read_front_matter(text: str) -> dict[str, str | list[str]]:
    """Parse the front matter ``front_matter`` writes: ``key: value`` and ``- item`` lines.

    Enough YAML for the documents this tool makes and for hand edits that keep
    their shape; anything else gives an empty mapping rather than a crash.
    """
    lines = text.splitlines()
    if not lines or lines[0] != "---" or "---" not in lines[1:]:
        return {}
    found: dict[str, str | list[str]] = {}
    key = ""
    for line in lines[1 : lines.index("---", 1)]:
        item = line.strip()
        if item.startswith("- ") and isinstance(found.get(key), list):
            found[key].append(_scalar(item[2:]))  # type: ignore[union-attr]
            continue
        match = FRONT_MATTER_LINE.match(line)
        if match is None:
            continue
        key, value = match["key"], (match["value"] or "").strip()
        found[key] = [] if value in ("", "[]") else _scalar(value)
    return found


# ------------------------------------------------------------------ rendering
def render_document(process: Process, doc: Mapping[str, Any], work: Work) -> str:
    """One document of a piece of work: front matter, who/when/done, then its sections.

    This is the only place section prompts become Markdown, for ``new`` and for
    the first piece of work ``copier copy`` makes.
    """
    siblings = [other["file"] for other in kit(process, work.size, work.has_ui)]
    links = [name for name in siblings if name != doc["file"]]
    parts = [
        front_matter(process, work, links),
        f"# {doc['text']}: {work.title}\n",
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


def render_section(section: Mapping[str, Any], work: Work) -> str:
    """Return one ``## title`` section with its prompt (``sync`` will insert missing ones)."""
    body = section["text"]
    if work.design_link and section.get("lists_design_link"):
        body = f"- All designs: <{work.design_link}>\n{body}"
    return f"## {section['title']}\n\n{body}\n"


def stage_of(process: Process, docs: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Return a piece of work's stage and status from its documents' (file, status) pairs.

    A piece of work is at the stage of its first document, in kit order, that
    is not settled yet; "Done" when every document is settled.
    """
    settled = {status["name"] for status in process["statuses"] if status.get("settled")}
    stages = {doc["file"]: doc["stage"] for doc in process["kit"]}
    for name, status in docs:
        if status not in settled:
            return stages.get(name, "Unknown"), status
    return "Done", docs[-1][1] if docs else "draft"


def read_entry(process: Process, folder: Path) -> Entry:
    """Return the index row of one folder, from the front matter of its documents."""
    order = [doc["file"] for doc in process["kit"]]
    present = sorted(
        (path for path in folder.glob("*.md") if path.name in order),
        key=lambda path: order.index(path.name),
    )
    matters = [(path.name, read_front_matter(path.read_text(encoding="utf-8"))) for path in present]
    first = matters[0][1] if matters else {}
    stage, status = stage_of(process, [(name, str(m.get("status", ""))) for name, m in matters])
    return Entry(
        folder=folder.name,
        title=str(first.get("title", folder.name)),
        size=str(first.get("size", "")),
        status=status,
        owner=str(first.get("owner", "")),
        stage=stage,
        first=matters[0][0] if matters else "",
    )


def entries_table(entries: Sequence[Entry], folder: str) -> list[str]:
    """Return the table of pieces of work, each linked to its first document under ``folder``.

    The index (in docs/work/) and the status page (in docs/) show the same table.
    """
    lines = [
        "| Number | Title | Size | Status | Owner | Stage |",
        "| -- | -- | -- | -- | -- | -- |",
    ]
    for entry in entries:
        number = entry.folder[:4]
        link = f"[{number}]({folder}{entry.folder}/{entry.first})" if entry.first else number
        lines.append(
            f"| {link} | {entry.title} | {entry.size} | {entry.status} | "
            f"{entry.owner} | {entry.stage} |"
        )
    return lines


def render_index(process: Process, entries: Sequence[Entry]) -> str:
    """``docs/work/index.md``: every piece of work, rebuilt from the documents' front matter."""
    lines = [
        "# Pieces of work",
        "",
        "Every piece of work runs the lifecycle with a kit of its own size. "
        'Start one with `python3 tools/lifecycle.py new "Title" --size small` '
        "(or rate it with `--scope`, `--impact` and `--risk`); see the lifecycle map, "
        "[lifecycle.md](../lifecycle.md).",
        "",
        *duty_lines(process, INDEX_DUTY),
        *entries_table(entries, ""),
    ]
    lines += ["", "```{toctree}", ":hidden:", ":glob:", "", "*/*", "```"]
    return "\n".join(lines) + "\n"


def starting_entry(process: Process, folder: str, work: Work) -> Entry:
    """Return the index row of a piece of work that is just starting, at its first stage."""
    first = kit(process, work.size, work.has_ui)[0]
    return Entry(
        folder=folder,
        title=work.title,
        size=work.size,
        status=work.status,
        owner=work.owner,
        stage=first["stage"],
        first=first["file"],
    )


# ------------------------------------------------------------------ the command
def work_folders(root: Path) -> list[Path]:
    """Return the folders of the existing pieces of work, in number order."""
    base = root / WORK_FOLDER
    if not base.is_dir():
        return []
    return sorted(path for path in base.iterdir() if path.is_dir() and FOLDER.match(path.name))


def plan_new(root: Path, process: Process, work: Work) -> tuple[Path, dict[Path, str]]:
    """Return the folder and every file ``new`` writes, checked before any is written."""
    problem = title_problem(work.title)
    if problem:
        raise UsageError(problem)
    folders = work_folders(root)
    wanted = slug(work.title)
    for folder in folders:
        entry = read_entry(process, folder)
        same_title = entry.title.casefold() == work.title.casefold()
        match = FOLDER.match(folder.name)
        if same_title or (match and match["slug"] == wanted and wanted != "work"):
            raise UsageError(
                f"title {work.title!r} clashes with {WORK_FOLDER.as_posix()}/{folder.name}: "
                "each piece of work needs its own title."
            )
    numbers = [int(folder.name[:4]) for folder in folders]
    folder = root / WORK_FOLDER / f"{max(numbers, default=0) + 1:04d}-{wanted}"
    files = {
        folder / doc["file"]: render_document(process, doc, work)
        for doc in kit(process, work.size, work.has_ui)
    }
    entries = [read_entry(process, existing) for existing in folders]
    entries.append(starting_entry(process, folder.name, work))
    files[root / INDEX_FILE] = render_index(process, entries)
    return folder, files


def new(root: Path, process: Process, work: Work) -> tuple[Path, list[Path]]:
    """Create a piece of work's folder and kit, and refresh the index; return what was written."""
    folder, files = plan_new(root, process, work)
    write_files(root, files)
    return folder, list(files)


# ------------------------------------------------------------------ check
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
        requires=("LC100", "LC101"),
        aliases=("SHP02", "ARC02", "DSG02", "PLN02", "IMP02", "VAL02", "DOC02", "DLV02", "LC02"),
    ),
    Check(
        "LC103",
        "Documents",
        "The document's front matter status is one of the process's statuses.",
        requires=("LC101",),
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
        "The release tag equals v + the package version in pyproject.toml.",
        aliases=("SHP10", "ARC10", "DSG10", "PLN10", "IMP10", "VAL10", "DOC10", "LC10"),
    ),
    Check(
        "DLV11",
        "Release",
        "The release has its record, docs/releases/TAG.md (made by `lifecycle.py release TAG`).",
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
        "Every production-readiness item of a service is ticked or marked N/A: reason.",
        aliases=("SHP14", "ARC14", "DSG14", "PLN14", "IMP14", "VAL14", "DOC14", "LC14"),
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
HEADING = re.compile(r"^(?P<hashes>#{1,6}) +(?P<title>.+?) *#* *$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
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


def headings(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """Return (line index, level, title) of every Markdown heading outside code fences."""
    found: list[tuple[int, int, str]] = []
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            found.append((index, len(match["hashes"]), match["title"]))
    return found


def section_bodies(lines: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Map each ``## title`` to the (start, end) line indexes of its heading and body."""
    marks = [(index, level, title) for index, level, title in headings(lines) if level <= 2]
    bodies: dict[str, tuple[int, int]] = {}
    for position, (index, level, title) in enumerate(marks):
        end = marks[position + 1][0] if position + 1 < len(marks) else len(lines)
        if level == 2:
            bodies.setdefault(title, (index, end))
    return bodies


def required_sections(
    process: Process, sections: Sequence[Mapping[str, Any]], size: str, has_ui: bool
) -> list[Mapping[str, Any]]:
    """Return the sections a document of this size and UI answer must have, in reading order."""
    return [section for section in sections if applies(process, section, size, has_ui)]


class Checker:
    """The one runner: records results and skips a check whose ``requires`` did not pass."""

    def __init__(self) -> None:
        """Start with no results."""
        self.results: list[Result] = []
        self.not_passed: set[tuple[str, str]] = set()

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
        scopes = {subject, *(folder.as_posix() for folder in PurePosixPath(subject).parents)}
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


def check_sections(
    checker: Checker,
    process: Process,
    stage: str,
    relative: str,
    lines: Sequence[str],
    sections: Sequence[Mapping[str, Any]],
) -> list[str]:
    """Check a document's required sections; return the titles it lacks."""
    bodies = section_bodies(lines)
    missing = [section["title"] for section in sections if section["title"] not in bodies]
    detail = "missing section" + ("s " if len(missing) > 1 else " ") if missing else ""
    checker.add(
        "LC102", stage, relative, not missing, detail + ", ".join(f"'## {t}'" for t in missing)
    )
    return missing


def placeholder_line(
    lines: Sequence[str], bodies: Mapping[str, tuple[int, int]], titles: Sequence[str]
) -> tuple[str, int]:
    """Return the first required section holding a placeholder, and its 1-based line."""
    for title in titles:
        start, end = bodies.get(title, (0, 0))
        for index in range(start, end):
            if PLACEHOLDER in lines[index]:
                return title, index + 1
    return "", 0


def check_piece(checker: Checker, root: Path, process: Process, folder: Path) -> None:
    """Check one piece of work: its kit's documents, sections, statuses and done-ness."""
    texts = {
        path.name: path.read_text(encoding="utf-8")
        for path in folder.glob("*.md")
        if path.is_file()
    }
    matters = {name: read_front_matter(text) for name, text in texts.items()}
    relative = folder.relative_to(root).as_posix()
    order = [doc["file"] for doc in process["kit"]]
    known = [name for name in order if name in matters]
    size = str(matters[known[0]].get("size", "")) if known else ""
    first_stage = process["kit"][0]["stage"]
    where = f"{relative}/{known[0] if known else process['kit'][0]['file']}"
    sized = size in process["sizes"]
    checker.add("LC106", first_stage, where, sized, f"size {size!r}", 2, subject=relative)
    has_ui = bool(known) and ("design.md" in matters or marked_ui(matters[known[0]]))
    statuses = {status["name"] for status in process["statuses"]}
    # Without a known size there is no kit: the documents there are reported skipped.
    required = (
        kit(process, size, has_ui)
        if sized
        else [doc for doc in process["kit"] if doc["file"] in texts]
    )
    status_of: dict[str, str] = {}
    section_lines: dict[str, tuple[list[str], list[str]]] = {}
    for doc in required:
        path, stage = f"{relative}/{doc['file']}", doc["stage"]
        if not checker.add("LC101", stage, path, doc["file"] in texts, "file not found"):
            checker.add("LC102", stage, path, False)  # the runner records it skipped
            checker.add("LC103", stage, path, False)
            continue
        lines = texts[doc["file"]].splitlines()
        titles = [s["title"] for s in required_sections(process, doc["sections"], size, has_ui)]
        check_sections(checker, process, stage, path, lines, [{"title": t} for t in titles])
        status = str(matters[doc["file"]].get("status", ""))
        status_of[doc["file"]] = status
        checker.add("LC103", stage, path, status in statuses, f"status {status!r}")
        section_lines[doc["file"]] = (lines, titles)
    settled = {status["name"] for status in process["statuses"] if status.get("settled")}
    done = (
        bool(status_of)
        and "done" in status_of.values()
        and all(status in settled for status in status_of.values())
    )
    if not done:
        return
    for doc in required:
        if doc["file"] not in section_lines or status_of[doc["file"]] == "dropped":
            continue
        lines, titles = section_lines[doc["file"]]
        title, line = placeholder_line(lines, section_bodies(lines), titles)
        detail = f"placeholder left in '## {title}'" if title else ""
        checker.add("LC104", doc["stage"], f"{relative}/{doc['file']}", not title, detail, line)
    rfc = next((doc for doc in required if doc["file"] == "rfc.md"), None)
    if rfc is not None and "rfc.md" in status_of:
        status = status_of["rfc.md"]
        ok = status in ("accepted", "done")
        checker.add("LC105", rfc["stage"], f"{relative}/rfc.md", ok, f"RFC status {status!r}")


def check_repository(
    checker: Checker, root: Path, process: Process, structure: bool = False
) -> None:
    """Check the repository-level documents of the repository's size."""
    project = process["project"]
    for doc in process.get("documents", []):
        if not applies(process, doc, project["size"], project["has_ui"]):
            continue
        path = root / doc["path"]
        if not checker.add("LC100", doc["stage"], doc["path"], path.is_file(), "file not found"):
            if doc["sections"]:
                checker.add("LC102", doc["stage"], doc["path"], False)  # recorded skipped
            continue
        sections = required_sections(process, doc["sections"], project["size"], project["has_ui"])
        if sections:
            lines = path.read_text(encoding="utf-8").splitlines()
            missing = check_sections(checker, process, doc["stage"], doc["path"], lines, sections)
            if not structure and any(s["title"] == EXECUTION_LOG for s in sections):
                ran = None if EXECUTION_LOG in missing else lines
                check_cadence(checker, root, process, doc["stage"], doc["path"], ran)


def cadence(process: Process) -> Mapping[str, Any] | None:
    """Return the test plan's cadence for the repository's size (the last item it gets)."""
    items = [
        item
        for item in process.get("test_plan_cadence", [])
        if size_at_least(process, process["project"]["size"], item["min_size"])
    ]
    return items[-1] if items else None


def newest_run(lines: Sequence[str]) -> tuple[datetime.date | None, int]:
    """Return the newest date in the execution log's table, and the log's heading line."""
    start, end = section_bodies(lines)[EXECUTION_LOG]
    dates = []
    for line in lines[start:end]:
        cells = line.strip().strip("|").split("|")
        match = LOG_DATE.fullmatch(cells[0].strip()) if line.lstrip().startswith("|") else None
        if match:
            try:
                dates.append(datetime.date.fromisoformat(match[0]))
            except ValueError:
                continue
    return max(dates, default=None), start + 1


def started(root: Path, process: Process) -> datetime.date | None:
    """Return the date the oldest piece of work started: a plan never run is due from then."""
    for folder in work_folders(root):
        for doc in process["kit"]:
            path = folder / doc["file"]
            if path.is_file():
                created = str(read_front_matter(path.read_text(encoding="utf-8")).get("created"))
                try:
                    return datetime.date.fromisoformat(created)
                except ValueError:
                    break
    return None


def check_cadence(
    checker: Checker,
    root: Path,
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
    last, line = newest_run(lines)
    origin = started(root, process)
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


def read_waivers(root: Path) -> list[dict[str, str]]:
    """Read the team's ``[[waiver]]`` tables: ``code``, optional ``file``, ``reason``."""
    path = root / WAIVERS_FILE
    if not path.is_file():
        return []
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as problem:
        raise UsageError(f"{WAIVERS_FILE}: not valid TOML ({problem}).") from problem
    waivers = data.get("waiver", [])
    if not isinstance(waivers, list) or not all(isinstance(w, dict) for w in waivers):
        raise UsageError(f"{WAIVERS_FILE}: waivers are [[waiver]] tables with code and reason.")
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
    check_repository(checker, root, process, structure)
    for folder in work_folders(root):
        check_piece(checker, root, process, folder)
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
    request red; a release, and the scheduled workflow reading the outcome, act on it.
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


# ------------------------------------------------------------------ sync
def sync_lines(
    lines: list[str], sections: Sequence[Mapping[str, Any]]
) -> tuple[list[str], list[str]]:
    """Insert each missing section after the one before it in the process; return lines, titles.

    Lines are only inserted: every existing line stays, in order, unchanged.
    """
    added: list[str] = []
    for position, section in enumerate(sections):
        bodies = section_bodies(lines)
        if section["title"] in bodies:
            continue
        before = [s["title"] for s in sections[:position] if s["title"] in bodies]
        if before:
            at = bodies[before[-1]][1]
        else:
            starts = sorted(start for start, _ in bodies.values())
            at = starts[0] if starts else len(lines)
        block = render_section(section, Work("", "", "", "")).rstrip("\n").split("\n")
        if at > 0 and lines[at - 1].strip():
            block.insert(0, "")
        if at < len(lines):
            block.append("")
        lines[at:at] = block
        added.append(section["title"])
    return lines, added


class _Kept(str):
    """A line the file already had, remembering its position (to give back its own ending)."""

    number: int


def split_endings(text: str) -> tuple[list[str], list[str]]:
    """Split ``text`` into lines and each line's ending: CRLF, LF or none.

    No ending is that of a last line without a final newline. Only LF ends a
    line (CRLF is LF after CR), so a stray CR or form feed inside a line stays in it.
    """
    parts = text.split("\n")
    tail = parts.pop()
    lines = [part.removesuffix("\r") for part in parts]
    endings = ["\r\n" if part.endswith("\r") else "\n" for part in parts]
    if tail:
        lines.append(tail)
        endings.append("")
    return lines, endings


def sync_file(path: Path, sections: Sequence[Mapping[str, Any]]) -> list[str]:
    """Add a document's missing sections in place; return their titles.

    Each existing line is written back byte for byte with its own ending: a
    CRLF file stays CRLF, and a file without a final newline still has none.
    Inserted lines take the file's usual ending.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    lines, endings = split_endings(text)
    kept: list[str] = []
    for index, line in enumerate(lines):
        mark = _Kept(line)
        mark.number = index
        kept.append(mark)
    synced, added = sync_lines(kept, sections)
    if not added:
        return added
    newline = "\r\n" if endings.count("\r\n") > endings.count("\n") else "\n"
    final = not endings or endings[-1] != ""
    out = []
    for position, line in enumerate(synced):
        last = position == len(synced) - 1
        if isinstance(line, _Kept) and endings[line.number]:
            ending = endings[line.number]
        else:
            ending = newline if not last or final else ""
        out.append(line + ending)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("".join(out))
    return added


def marked_ui(matter: Mapping[str, Any]) -> bool:
    """Whether a first document's front matter says ``ui: true``: the work now changes screens.

    A piece started without ``--ui`` gets its design note from ``sync`` once
    the team adds that line; ``check`` then asks for it.
    """
    return str(matter.get("ui", "")).strip().lower() in ("true", "yes")


CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
"""How git and copier start and end a conflict block: a file holding one is mid-merge."""
CLOSED = ("done", "dropped")
"""The statuses that close a piece of work: nobody comes back to fill in a new section."""
LATE_SECTION = "_Not filled in: this section joined the process after this work was {status}._"
"""What ``sync`` writes, instead of a ``_TODO_``, in a section a closed piece of work lacks."""


def holds_conflict(path: Path) -> bool:
    """Whether ``path`` holds conflict markers: ``sync`` leaves it for the team to resolve.

    Inserting sections into a file mid-merge could put them inside one side of a
    conflict, and its front matter may hold two sizes; the team resolves first.
    """
    with path.open(encoding="utf-8", errors="replace") as handle:
        return any(line.startswith(CONFLICT_MARKERS) for line in handle)


def conflicted_documents(root: Path, process: Process) -> list[Path]:
    """Return the documents ``sync`` would read or change that hold conflict markers."""
    project = process["project"]
    paths = [
        root / doc["path"]
        for doc in process.get("documents", [])
        if doc["sections"] and applies(process, doc, project["size"], project["has_ui"])
    ]
    kit_files = sorted({doc["file"] for doc in process["kit"]})
    paths += [folder / name for folder in work_folders(root) for name in kit_files]
    paths.append(root / INDEX_FILE)
    return [path for path in paths if path.is_file() and holds_conflict(path)]


def closed_as(process: Process, statuses: Sequence[str]) -> str:
    """``done`` or ``dropped`` when every document is settled and one of them says so, else ""."""
    settled = {status["name"] for status in process["statuses"] if status.get("settled")}
    if not statuses or not all(status in settled for status in statuses):
        return ""
    return next((status for status in CLOSED if status in statuses), "")


def late_sections(sections: Sequence[Mapping[str, Any]], work: Work) -> list[Mapping[str, Any]]:
    """Return the sections as ``sync`` writes them: a closed piece gets a note, not a TODO.

    Check 04 wants no ``_TODO_`` in a done piece; a section the process added
    after the work closed has nothing to say, and a placeholder would turn it red.
    """
    if work.status not in CLOSED:
        return list(sections)
    return [{**section, "text": LATE_SECTION.format(status=work.status)} for section in sections]


def piece_of_work(process: Process, folder: Path) -> tuple[Work, dict[str, Path]] | None:
    """Return a folder's piece of work, from its first document's front matter, and its files.

    ``None`` when no kit document is there, its size is unknown (``check`` says
    so) or the first document holds conflict markers (its front matter is not
    settled). The work's status is ``done`` or ``dropped`` when the piece is
    closed (``closed_as``), so documents made for it now are closed too;
    otherwise the first status, like ``new``.
    """
    present = {path.name: path for path in folder.glob("*.md")}
    first = next((present[d["file"]] for d in process["kit"] if d["file"] in present), None)
    if first is None or holds_conflict(first):
        return None
    matter = read_front_matter(first.read_text(encoding="utf-8"))
    size = str(matter.get("size", ""))
    if size not in process["sizes"]:
        return None
    kit_files = {doc["file"] for doc in process["kit"]}
    statuses = [
        str(read_front_matter(path.read_text(encoding="utf-8")).get("status", ""))
        for name, path in present.items()
        if name in kit_files
    ]
    work = Work(
        title=str(matter.get("title", folder.name)),
        size=size,
        owner=str(matter.get("owner", process["project"]["owner"])),
        created=str(matter.get("created", today())),
        has_ui="design.md" in present or marked_ui(matter),
        status=closed_as(process, statuses) or process["statuses"][0]["name"],
    )
    return work, present


def create_missing_documents(root: Path, process: Process) -> list[Path]:
    """Write the kit documents a piece of work's size now requires and it lacks.

    A team raises a piece's size in its front matter (``size: medium``); the
    new size's documents (an RFC, a rollout plan) are made by the same
    renderer as ``new``, with the piece's title, owner and creation date. An
    existing file is never touched. The index is rebuilt when one was made.
    A closed piece's new document is closed too, with no ``_TODO_`` (``late_sections``).
    """
    created: list[Path] = []
    for folder in work_folders(root):
        found = piece_of_work(process, folder)
        if found is None:
            continue
        work, present = found
        for doc in kit(process, work.size, work.has_ui):
            path = folder / doc["file"]
            if doc["file"] not in present and not path.exists():
                late = {**doc, "sections": late_sections(doc["sections"], work)}
                path.write_text(render_document(process, late, work), encoding="utf-8")
                created.append(path)
    index = root / INDEX_FILE
    if created and index.is_file() and not holds_conflict(index):
        entries = [read_entry(process, folder) for folder in work_folders(root)]
        index.write_text(render_index(process, entries), encoding="utf-8")
    return created


def sync(root: Path, process: Process) -> list[tuple[str, str]]:
    """Add every required section a team document lacks; return (file, section) pairs added.

    A document holding conflict markers is left as it is (``conflicted_documents``
    names it). A closed piece of work gets a note, not a placeholder (``late_sections``).
    """
    added: list[tuple[str, str]] = []
    project = process["project"]
    for doc in process.get("documents", []):
        path = root / doc["path"]
        if (
            doc["sections"]
            and path.is_file()
            and not holds_conflict(path)
            and applies(process, doc, project["size"], project["has_ui"])
        ):
            sections = required_sections(
                process, doc["sections"], project["size"], project["has_ui"]
            )
            added += [(doc["path"], title) for title in sync_file(path, sections)]
    for folder in work_folders(root):
        found = piece_of_work(process, folder)
        if found is None:
            continue
        work, present = found
        size, has_ui = work.size, work.has_ui
        for doc in kit(process, size, has_ui):
            path = present.get(doc["file"])
            if path is not None and not holds_conflict(path):
                sections = required_sections(process, doc["sections"], size, has_ui)
                relative = path.relative_to(root).as_posix()
                added += [(relative, t) for t in sync_file(path, late_sections(sections, work))]
    return added


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
        c
        for c in process.get("test_plan_cadence", [])
        if size_at_least(process, size, c["min_size"])
    ]
    changed: list[str] = []
    for doc in process.get("documents", []):
        path = root / doc["path"]
        templates = [s["cadence_line"] for s in doc.get("sections", []) if "cadence_line" in s]
        if not templates or not cadences or not path.is_file() or holds_conflict(path):
            continue
        cadence = cadences[-1]
        line = templates[0].format(run=cadence.get("run", ""), text=cadence["text"])
        mark = line[line.rindex("<!--") :]
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        lines = text.splitlines(keepends=True)
        for index, old in enumerate(lines):
            body = old.rstrip("\r\n")
            if body.endswith(mark) and body != line:
                lines[index] = line + old[len(body) :]
        if "".join(lines) != text:
            write_files(root, {path: "".join(lines)})
            changed.append(doc["path"])
    return changed


# ------------------------------------------------------------------ release
RELEASES_FOLDER = Path("docs") / "releases"
TAG = re.compile(
    r"^v(?P<version>[0-9]+\.[0-9]+\.[0-9]+(?:(?:a|b|rc)[0-9]+)?(?:[-.+][0-9A-Za-z.+-]+)?)$"
)
"""A release tag: ``v`` and the version, a pre-release such as ``v1.2.0rc1`` included
(the form ``uv version`` writes, so the release workflow's tag check passes)."""
TICKED = re.compile(r"^\s*[-*] \[[xX]\] ")
NOT_APPLICABLE = re.compile(r"N/A: *(?P<reason>\S.*)$")


def open_items(text: str, items: Sequence[str]) -> list[str]:
    """Return the checklist items neither ticked nor marked ``N/A: reason`` in ``text``."""
    lines = text.splitlines()
    missing = []
    for item in items:
        line = next((line for line in lines if item in line), None)
        settled = line is not None and PLACEHOLDER not in line
        if not (settled and (TICKED.match(line or "") or NOT_APPLICABLE.search(line or ""))):
            missing.append(item)
    return missing


def open_detail(items: Sequence[str]) -> str:
    """Name the open items of a checklist, one after the other."""
    return f"{len(items)} open: " + " / ".join(item.rstrip(".") for item in items)


def package_version(root: Path) -> str:
    """Return ``[project] version`` from pyproject.toml, or ``""`` when it is not there."""
    import tomllib

    path = root / "pyproject.toml"
    if not path.is_file():
        return ""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return str(data.get("project", {}).get("version", ""))


def repository_entries(process: Process, key: str) -> list[dict[str, Any]]:
    """Return the items of a repository-level list that apply to the repository."""
    project = process["project"]
    return [
        item
        for item in process.get(key, [])
        if applies(process, item, project["size"], project["has_ui"])
    ]


def repository_items(process: Process, key: str) -> list[str]:
    """Return the texts of a repository-level checklist for the repository's size."""
    return [item["text"] for item in repository_entries(process, key)]


def check_release(checker: Checker, root: Path, process: Process, tag: str) -> None:
    """Check the release gates for ``tag``: version, record, test-plan row, readiness."""
    stage = "Deliver to production"
    version = package_version(root)
    checker.add(
        "DLV10",
        stage,
        "pyproject.toml",
        tag == f"v{version}",
        f"tag {tag!r}, package version {version!r}",
    )
    record = root / RELEASES_FOLDER / f"{tag}.md"
    relative = (RELEASES_FOLDER / f"{tag}.md").as_posix()
    if checker.add("DLV11", stage, relative, record.is_file(), "file not found"):
        items = release_gate_items(process)
        text = record.read_text(encoding="utf-8")
        unticked = open_items(text, items)
        unticked += open_sign_offs(text, repository_items(process, "release_sign_off"))
        checker.add("DLV12", stage, relative, not unticked, open_detail(unticked))
    else:
        checker.add("DLV12", stage, relative, False)  # the runner records it skipped
    plan_doc = next(
        (d for d in process.get("documents", []) if d["path"] == "docs/test-plan.md"), None
    )
    plan = root / "docs" / "test-plan.md"
    project = process["project"]
    log = next(
        (
            s
            for s in required_sections(
                process, (plan_doc or {}).get("sections", []), project["size"], project["has_ui"]
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
        lines = plan.read_text(encoding="utf-8").splitlines() if plan.is_file() else []
        bodies = section_bodies(lines)
        if EXECUTION_LOG not in bodies:
            checker.add("DLV13", "Validate", "docs/test-plan.md", None, "skipped: no execution log")
        else:
            start, end = bodies[EXECUTION_LOG]
            names = {tag, tag.removeprefix("v")}
            rows = [
                line
                for line in lines[start:end]
                if line.lstrip().startswith("|") and any(name in line for name in names)
            ]
            checker.add(
                "DLV13",
                "Validate",
                "docs/test-plan.md",
                bool(rows),
                f"no row mentions {tag}",
                start + 1,
            )
    if project["kind"] == "service":
        path = root / "docs" / "production-readiness.md"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        unticked = open_items(text, repository_items(process, "production_readiness"))
        checker.add(
            "DLV14",
            stage,
            "docs/production-readiness.md",
            not unticked,
            open_detail(unticked),
        )


def render_release(process: Process, tag: str) -> str:
    """Return the release record: this size's release checklist by phase, and its sign-off.

    The record is where a release's items are ticked, in a pull request, and
    what ``check --release`` reads; the release issue only links it.
    """
    items = repository_entries(process, "release_checklist")
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
    phases = repository_entries(process, "release_phases")
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
    return {phase["phase"] for phase in process.get("release_phases", []) if phase.get("gate")}


def release_gate_items(process: Process) -> list[str]:
    """Return the release-checklist items ``check --release`` requires: the gated phases'.

    Items of later phases (publish, deploy, verify) happen after the tag, so a
    release cannot wait for them; process data without phases gates every item.
    """
    gate = gated_phases(process)
    return [
        item["text"]
        for item in repository_entries(process, "release_checklist")
        if not gate or item.get("phase") in gate
    ]


def open_sign_offs(text: str, roles: Sequence[str]) -> list[str]:
    """Return the sign-off roles whose row in ``text`` still holds a placeholder."""
    rows = [line for line in text.splitlines() if line.lstrip().startswith("|")]
    return [
        f"sign-off by {role}"
        for role in roles
        if any(row.split("|")[1].strip() == role and PLACEHOLDER in row for row in rows)
    ]


def run_release(root: Path, tag: str) -> int:
    """Write ``docs/releases/TAG.md`` from the release checklist; never overwrite one."""
    if not TAG.match(tag):
        raise UsageError(f"tag must look like v1.2.3; got {tag!r}.")
    process = load_process(root)
    path = root / RELEASES_FOLDER / f"{tag}.md"
    if path.exists():
        raise UsageError(f"{path.relative_to(root)} exists already; it is the team's record.")
    write_files(root, {path: render_release(process, tag)})
    print(f"Created {path.relative_to(root).as_posix()}: tick each item or mark it N/A: reason.")
    return 0


# ------------------------------------------------------------------ status
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
    results = check(root, process)
    entries = [read_entry(process, folder) for folder in work_folders(root)]
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
    if entries:
        lines += entries_table(entries, "work/")
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


def run_status(root: Path) -> int:
    """Print the status page (Markdown); exit 0 whatever it shows, 2 for a bad repository."""
    print(render_status(root, load_process(root)), end="")
    return 0


# ------------------------------------------------------------------ fleet
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
                    f"not a list of {{'url': ...}} objects ({problem})",
                    "give `gh repo list ORG --json url` output, or one source a line",
                ) from problem
        else:
            sources += [line.split("#")[0].strip() for line in text.splitlines()]
    sources = [source for source in sources if source]
    if not sources:
        raise UsageError("fleet: give at least one SOURCE (a path or a git URL) or --sources FILE.")
    return sources


def read_text(path: Path, shown: str) -> str:
    """Read a file as UTF-8, or stop with one line naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise TeamFileError(shown, 1, f"cannot be read ({problem})", "check the path") from problem


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
    match = RECORDED_VERSION.match(recorded)
    newest = releases[-1] if releases else ""
    if match is None or not releases:
        return {"version": recorded, "newest": newest, "behind": None}
    version = tuple(int(part) for part in match["version"].split("."))
    later = [tag for tag in releases if (release_key(tag) or ()) > version]
    return {"version": recorded, "newest": newest, "behind": len(later)}


def answers_of(root: Path) -> tuple[str, dict[str, Any]] | None:
    """Return this template's answers file and answers, or None when it has none.

    A repository may carry several templates' answers files; ours is the one
    beside ``.lifecycle/process.json`` whose answers name a project kind.
    """
    for path in sorted(root.glob(".copier-answers*.yml")):
        answers = read_front_matter("---\n" + read_text(path, path.name) + "\n---\n")
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


def rfcs_of(root: Path, process: Process, folders: Sequence[Path]) -> list[dict[str, Any]]:
    """Return every RFC of the pieces of work: title, status, owner, discussion, succession.

    The discussion is the front matter's ``discussion`` link, else the URL on
    the RFC's "Announced:" line; ``supersedes`` and ``superseded_by`` are read
    from the front matter when the team records them.
    """
    found = []
    for folder in folders:
        path = folder / RFC_FILE
        if not path.is_file():
            continue
        text = read_text(path, path.relative_to(root).as_posix())
        matter = read_front_matter(text)
        announced = [m["url"] for m in map(ANNOUNCED.match, text.splitlines()) if m]
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
            "folder": row.folder,
            "title": row.title,
            "size": row.size,
            "status": row.status,
            "owner": row.owner,
            "stage": row.stage,
        }
        for row in (read_entry(process, folder) for folder in folders)
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


def fleet(sources: Sequence[str], jobs: int = FLEET_JOBS) -> dict[str, Any]:
    """Survey every source in parallel (bounded) and summarise by owner and by stage."""
    releases: dict[str, list[str]] = {}
    for source in sources:  # one ls-remote per template, before the threads share the cache
        local = Path(source).expanduser()
        found = answers_of(local) if local.is_dir() else None
        if found and (src := str(found[1].get("_src_path", ""))) and src not in releases:
            releases[src] = template_releases(src)
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
        row["behind"] += bool(repo["template"]["behind"])
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
    if behind is None:
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


def render_fleet_markdown(report: Mapping[str, Any]) -> str:
    """Render the report as Markdown, short enough for a GitHub Actions job summary."""
    rows = [fleet_row(repo) for repo in report["repositories"]]
    columns = list(rows[0]) if rows else ["Repository"]
    lines = [f"## Lifecycle across {len(rows)} repositories", ""]
    lines += ["| " + " | ".join(columns) + " |", "| " + " | ".join("--" for _ in columns) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row.values()) + " |")
    lines += [
        "",
        "| Owner | Repositories | Behind | Failing | Test plan overdue | In flight |",
        "| -- | -- | -- | -- | -- | -- |",
    ]
    for owner, counts in report["by_owner"].items():
        lines.append(f"| {owner} | " + " | ".join(str(n) for n in counts.values()) + " |")
    return "\n".join(lines) + "\n"


FLEET_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Lifecycle across repositories</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }}
table {{ border-collapse: collapse; margin-bottom: 2rem; }}
th, td {{ border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; cursor: pointer; }}
th[aria-sort=ascending]::after {{ content: " \\25B2"; }}
th[aria-sort=descending]::after {{ content: " \\25BC"; }}
</style></head><body>
<h1>Lifecycle across {count} repositories</h1>
<p>Made {generated} by <code>python3 tools/lifecycle.py fleet</code>.
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
// Sort a table by one column, as a click on its heading does; "#sort=Owner" or
// "#sort=Owner:descending" in the address opens the page sorted that way.
function sortBy(table, th, descending) {{
  const column = [...th.parentNode.children].indexOf(th);
  table.querySelectorAll("th").forEach(other => other.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  const body = table.tBodies[0];
  const rows = [...body.rows].sort((a, b) => a.cells[column].textContent.localeCompare(
    b.cells[column].textContent, undefined, {{numeric: true}}));
  if (descending) rows.reverse();
  rows.forEach(row => body.appendChild(row));
}}
for (const table of document.querySelectorAll("table.sortable")) {{
  table.querySelectorAll("th").forEach(th => th.addEventListener("click",
    () => sortBy(table, th, th.getAttribute("aria-sort") === "ascending")));
}}
const asked = decodeURIComponent(location.hash).match(/^#sort=([^:]+)(:descending)?$/);
const table = document.getElementById("repositories");
const th = asked && [...table.querySelectorAll("th")].find(th => th.textContent === asked[1]);
if (th) sortBy(table, th, Boolean(asked[2]));
</script>
</body></html>
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
    owner_columns = ["Owner", "Repositories", "Behind", "Failing", "Test plan overdue", "In flight"]
    return FLEET_PAGE.format(
        count=len(rows),
        generated=html.escape(report["generated"]),
        owners=html_table(
            owner_columns,
            ([owner, *map(str, counts.values())] for owner, counts in report["by_owner"].items()),
            "owners",
        ),
        stages=html_table(["Stage", "Pieces"], sorted(report["by_stage"].items()), "stages"),
        rfcs=html_table(
            ["RFC", "Status", "Owner", "Repository", "Discussion", "Supersedes"],
            (
                [
                    rfc["title"],
                    rfc["status"],
                    rfc["owner"],
                    repo["name"],
                    rfc["discussion"],
                    ", ".join(map(str, rfc["supersedes"])),
                ]
                for repo in report["repositories"]
                if repo["state"] == "ok"
                for rfc in repo["rfcs"]
            ),
            "rfcs",
        ),
        repositories=html_table(
            list(rows[0]) if rows else ["Repository"],
            (list(r.values()) for r in rows),
            "repositories",
        ),
    )


FLEET_WORKFLOW = Path(".github") / "workflows" / "lifecycle-fleet.yml"
ORGANISATION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?")
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

permissions: {{}}

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
          GH_TOKEN: ${{{{ secrets.FLEET_TOKEN || github.token }}}}
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
      url: ${{{{ steps.deployment.outputs.page_url }}}}
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
    mine = FLEET_WORKFLOW_TEXT.split("{organisation}")[0]
    if path.exists() and not read_text(path, FLEET_WORKFLOW.as_posix()).startswith(mine):
        raise UsageError(
            f"{FLEET_WORKFLOW.as_posix()} exists and this tool did not write it; "
            "move it away, then run the command again."
        )
    write_files(root, {path: FLEET_WORKFLOW_TEXT.format(organisation=organisation)})
    return path


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
        start.add_argument(f"--{flag}", choices=RATINGS, help=f"size rubric: {question}")
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
        status=process["statuses"][0]["name"],
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
        raise UsageError(f"--release must be a tag like v1.2.3; got {release!r}.")
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
    """Add missing sections and say which; exit 0 (nothing to add is fine too)."""
    process = load_process(root)
    conflicted = conflicted_documents(root, process)
    created = create_missing_documents(root, process)
    added = sync(root, process)
    refreshed = refresh_marked_lines(root, process)
    for path in conflicted:
        print(
            f"  skipped {path.relative_to(root).as_posix()}: it holds conflict markers; "
            "resolve them, then run `python3 tools/lifecycle.py sync` again"
        )
    for path in created:
        print(f"  created {path.relative_to(root).as_posix()}")
    if created and (root / INDEX_FILE).is_file() and root / INDEX_FILE not in conflicted:
        print(f"  updated {INDEX_FILE.as_posix()}")
    for file, title in added:
        print(f"  added '## {title}' to {file}")
    for file in refreshed:
        print(f"  updated the cadence line of {file} to the current project size")
    made = f"created {len(created)} document(s), " if created else ""
    made += f"updated {len(refreshed)} cadence line(s), " if refreshed else ""
    done = f"sync: {made}added {len(added)} section(s)" if made or added else "sync: nothing to add"
    left = f"; skipped {len(conflicted)} document(s) with conflict markers" if conflicted else ""
    print(f"{done}{left}.")
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


if __name__ == "__main__":
    sys.exit(main())
