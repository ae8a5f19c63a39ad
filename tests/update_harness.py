"""Build real template versions and real projects for the `copier update` tests.

A template version is a git tag in a temporary copy of this repository. v1 is
the working tree as it is (uncommitted edits included, like pytest-copie);
v2 is v1 plus a list of declarative *process changes* (the dataclasses below),
so a new kind of change is one line in ``tests/test_update.py``.

Projects are rendered and updated with the real copier command line, and
committed with real git, with a throwaway identity and no global git config, so
the tests also pass on a machine where git has never been configured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from copier import run_copy

from .conftest import SIZES, clone_without_tags, copy_working_tree, run

CONFLICT_START = "<<<<<<< before updating"
CONFLICT_MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
MIGRATION_SCRIPT = "migrations/move_file.py"


def commit_all(repo: Path, message: str) -> None:
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "--no-verify", "-m", message], repo)


# ------------------------------------------------------------ process changes
@dataclass(frozen=True)
class Expect:
    """A line a process change puts into a generated file (path in the project).

    ``sizes`` limits it to projects of those sizes (a checklist item for large
    projects only, a document medium and large projects have).
    """

    path: str
    line: str
    sizes: tuple[str, ...] = SIZES


@dataclass(frozen=True)
class AddText:
    """Insert ``text`` into a template file, after the first line containing ``after``.

    ``after=None`` appends at the end. ``delivered`` lists what an updated
    project must then contain; ``fresh_only`` what only new projects get (the
    change is in a user-owned file, which ``copier update`` must not touch).
    """

    source: str
    text: str
    after: str | None = None
    delivered: tuple[Expect, ...] = ()
    fresh_only: tuple[Expect, ...] = ()

    def apply(self, template: Path) -> None:
        insert_text(template / self.source, self.text, self.after)


@dataclass(frozen=True)
class AddFile:
    """A new template file; every updated project gets it."""

    source: str
    text: str
    delivered: tuple[Expect, ...] = ()
    fresh_only: tuple[Expect, ...] = ()

    def apply(self, template: Path) -> None:
        target = template / self.source
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.text)


@dataclass(frozen=True)
class MoveFile:
    """Rename a process-owned template file and add the migration that moves the team's copy.

    ``old`` and ``new`` are project paths; the template paths are the same
    below ``template/``. ``text`` is appended to the moved file, so the test
    proves the team's edits and the template's change both arrive.
    """

    old: str
    new: str
    version: str
    text: str = ""
    delivered: tuple[Expect, ...] = ()
    fresh_only: tuple[Expect, ...] = ()

    def apply(self, template: Path) -> None:
        source = template / "template" / self.old
        target = template / "template" / self.new
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
        if self.text:
            insert_text(target, self.text, None)
        add_migration(
            template / "copier.yml",
            self.version,
            [
                "{{ _copier_python }}",
                f"{{{{ _copier_conf.src_path }}}}/{MIGRATION_SCRIPT}",
                self.old,
                self.new,
            ],
        )

    @property
    def moves(self) -> Mapping[str, str]:
        return {self.old: self.new}


ProcessChange = AddText | AddFile | MoveFile


NEWEST_ENTRY_AFTER = "[RELEASING.md](RELEASING.md)."
"""The line of CHANGELOG.md's introduction after which a new top entry goes: the same
line before and after a release (``## Unreleased`` exists only between releases)."""


def insert_text(path: Path, text: str, after: str | None) -> None:
    """Insert ``text`` (whole lines) after the first line containing ``after``, or at the end."""
    lines = path.read_text().splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    new = text if text.endswith("\n") else text + "\n"
    if after is None:
        lines.append(new)
    else:
        index = next((i for i, line in enumerate(lines) if after in line), None)
        if index is None:
            raise AssertionError(f"{path}: no line contains {after!r}")
        lines.insert(index + 1, new)
    path.write_text("".join(lines))


def add_migration(copier_yml: Path, version: str, command: list[str]) -> None:
    """Append a list-form, after-stage migration to ``_migrations`` in ``copier.yml``.

    Parsed and written back as YAML, so any layout of the file (no ``_migrations``,
    an empty or a filled list, comments anywhere) gets the same entry; the
    comments go, which copier never reads. tests/test_ownership.py checks that
    nothing else changes.
    """
    config = yaml.safe_load(copier_yml.read_text())
    migrations = config.get("_migrations") or []
    migrations.append(
        {"version": version, "command": list(command), "when": "{{ _stage == 'after' }}"}
    )
    config["_migrations"] = migrations
    copier_yml.write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=float("inf"))
    )


# --------------------------------------------------------- template versions
@dataclass(frozen=True)
class TemplateRepo:
    """A temporary git copy of this template with tags ``v1`` and ``v2``."""

    path: Path
    v1: str
    v2: str
    changes: tuple[ProcessChange, ...]

    @property
    def moves(self) -> dict[str, str]:
        return {k: v for c in self.changes if isinstance(c, MoveFile) for k, v in c.moves.items()}

    def delivered(self, size: str) -> list[Expect]:
        """What every updated project of ``size`` must contain."""
        return [e for c in self.changes for e in c.delivered if size in e.sizes]

    def fresh_only(self, size: str) -> list[Expect]:
        """What only new projects of ``size`` get (changes to user-owned files)."""
        return [e for c in self.changes for e in c.fresh_only if size in e.sizes]


def build_template_repo(
    dest: Path, changes: Iterable[ProcessChange], v1: str = "v1.0.0", v2: str = "v2.0.0"
) -> TemplateRepo:
    """v1 = this working tree; v2 = v1 plus ``changes``; both tagged in a new repo at ``dest``."""
    dest.mkdir(parents=True)
    copy_working_tree(dest)
    run(["git", "init", "-q", "-b", "main"], dest)
    commit_all(dest, f"Template {v1}")
    run(["git", "tag", v1], dest)
    changes = tuple(changes)
    for change in changes:
        change.apply(dest)
    commit_all(dest, f"Template {v2}")
    run(["git", "tag", v2], dest)
    return TemplateRepo(path=dest, v1=v1, v2=v2, changes=changes)


# ------------------------------------------------------------------ projects
@dataclass
class UserEdit:
    """What a team does to its repository: add ``text`` after ``after``, or at the end.

    ``replace`` names a whole line to replace with ``text`` instead.
    ``path`` may contain ``{package}``. ``new_file=True`` creates the file.
    Every non-blank line of ``text`` is a line no update may lose.
    """

    path: str
    text: str
    after: str | None = None
    replace: str | None = None  # a whole line to replace with ``text`` instead
    new_file: bool = False
    conflicts: bool = False  # the template changes the same spot: markers expected
    sizes: tuple[str, ...] = SIZES  # project sizes that have this file

    def resolved(self, package: str) -> str:
        return self.path.replace("{package}", package)

    def written(self, package: str) -> str:
        return self.text.replace("{package}", package)

    def apply(self, project: Path, package: str) -> None:
        target = project / self.resolved(package)
        if self.new_file:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.written(package))
        elif self.replace is not None:
            lines = target.read_text().splitlines(keepends=True)
            index = lines.index(self.replace + "\n")
            lines[index] = self.written(package).rstrip("\n") + "\n"
            target.write_text("".join(lines))
        else:
            insert_text(target, self.written(package), self.after)


def copy_project(template: Path, ref: str, dest: Path, answers: Mapping[str, str]) -> Path:
    """``copier copy`` one version into ``dest`` and commit it like a team would.

    Copier's Python API in-process: the same code path as the command line
    without two seconds of interpreter start-up per project. Updates, whose
    messages and migrations the tests read, go through the command line.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    run_copy(
        str(template),
        dest,
        data=dict(answers),
        vcs_ref=ref,
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    run(["git", "init", "-q", "-b", "main"], dest)
    commit_all(dest, f"Start from the lifecycle template {ref}")
    return dest


def generated_files(project: Path) -> list[str]:
    """Project files tracked by git, as posix paths."""
    listed = run(["git", "ls-files", "-z"], project).stdout
    return sorted(name for name in listed.split("\0") if name)


def conflicted(text: str) -> bool:
    return bool(CONFLICT_MARKER.search(text))


# ------------------------------------------------------------------ history
def build_history_repo(dest: Path, old: Mapping[str, str], new: str) -> Path:
    """A clone of this repository: real earlier commits tagged, the working tree as ``new``.

    ``old`` maps a PEP 440 tag to a commit of this repository's history, so
    projects made from what teams really got can be updated to this tree.
    """
    clone_without_tags(dest)
    for tag, commit in old.items():
        run(["git", "tag", tag, commit], dest)
    run(["git", "rm", "-rq", "--", "."], dest)  # files this tree deleted stay deleted
    copy_working_tree(dest)
    run(["git", "add", "-A"], dest)
    # Empty when the working tree is all committed: the tag still marks it.
    run(["git", "commit", "-q", "--no-verify", "--allow-empty", "-m", f"Template {new}"], dest)
    run(["git", "tag", new], dest)
    return dest


def ci_commands(project: Path) -> list[str]:
    """Every ``run:`` script of the project's CI workflow, in job order (the checks CI runs)."""
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    return [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]
