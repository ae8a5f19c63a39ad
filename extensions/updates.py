"""Jinja extension for the update message: what an update did, read from git and the template.

Copier does not put the version a project is updated *from* into the render
context: by the time ``_message_after_update`` is rendered, ``_commit`` and
``_copier_answers`` already hold the new version. ``copier update`` refuses to
run on a dirty worktree and never commits, so the project's ``HEAD`` still
holds the answers file as it was before the update: the filters below read the
old version from there, and the project's worktree for what the update left.

Public surface (filters, for ``copier.yml`` messages):

* ``committed_answer``: ``{{ _copier_conf.dst_path | committed_answer("_commit") }}``
  is an answer in the answers file committed at ``HEAD``, or ``"unknown"``.
* ``changelog_between``: ``{{ src | changelog_between(old, new) }}`` is the text
  of the template's CHANGELOG.md entries newer than ``old`` up to ``new``.
* ``conflicted_files``: paths copier left with conflict markers (unmerged in git).
* ``delivered_beside``: ``PATH.from-template`` files the update wrote next to a
  team's own file (``migrations/keep_team_files.py``).
* ``kept_documents``: team-owned documents the answers no longer call for but
  that exist (an update never deletes them).
* ``new_documents``: ``{{ src | new_documents(dst) }}``, team-owned documents the
  update created because the repository had none at that path.
* ``changed_answers``: ``{{ dst | changed_answers(answers_file, _copier_answers) }}``,
  one ``name: old → new`` line per answer the update changed.
* ``missing_python``: ``{{ python_version | missing_python }}`` is the version when
  this machine has no Python that recent (``uv sync`` would download one), else ``""``.
* ``git_identity_missing``: whether a commit in ``dst`` would fail for want of a
  git user name and e-mail (the after-copy steps commit).
* ``answers_subject``: ``{{ answered | answers_subject }}``, the commit subject
  after an answer change, naming the answers within the message's 80 columns.
* ``sync_summary``: the one-line outcome of the update's ``tools/lifecycle.py sync``
  (``migrations/sync_lifecycle.py`` leaves it in the git folder), or ``""``.

Standard library, Jinja2 and PyYAML (a dependency of copier) only. Every
filter returns a plain value and swallows its own failures: a message must never
break an update.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context
from packaging.version import InvalidVersion, Version

UNKNOWN = "unknown"
BESIDE_SUFFIX = ".from-template"
TEMPLATE_SUFFIX = ".jinja"
VERSION_HEADING = re.compile(r"^## v?(\d\S*)")


def git(dst_path: object, *args: str) -> str | None:
    """Output of ``git ARGS`` in ``dst_path``, or None on any failure."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=os.fspath(dst_path),  # type: ignore[call-overload]
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError, TypeError):
        return None
    return done.stdout if done.returncode == 0 else None


def committed_answer(dst_path: object, key: str, answers_file: str = ".copier-answers.yml") -> str:
    """Return ``key`` from the answers file as committed at ``HEAD`` in ``dst_path``.

    ``git show HEAD:./FILE`` is relative to ``dst_path``, so a project inside a
    bigger repository works too. Any failure gives ``UNKNOWN``.
    """
    shown = git(dst_path, "show", f"HEAD:./{answers_file}")
    for line in (shown or "").splitlines():
        name, sep, value = line.partition(":")
        if sep and name == key:
            return value.strip().strip("'\"") or UNKNOWN
    return UNKNOWN


def as_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def released_before(src_path: object, commit: str) -> Version | None:
    """The newest version tag in ``commit``'s history, in the template's git clone at ``src_path``.

    ``copier copy`` from a template without tags records the commit's short hash
    as ``_commit``; once the template is released, the entries that repository
    lacks are those after the last release it already had. None when ``commit``
    is not a commit there or no version tag precedes it.
    """
    if not re.fullmatch(r"[0-9a-f]{4,40}", commit):
        return None
    found = git(src_path, "describe", "--tags", "--abbrev=0", "--match", "*[0-9]*", commit)
    return as_version((found or "").strip())


def changelog_between(src_path: object, old: str, new: str) -> str:
    """The CHANGELOG.md entries of the template at ``src_path`` after ``old``, up to ``new``.

    An entry is a ``## VERSION`` heading and its text. ``## Unreleased`` counts
    when ``new`` is past the newest versioned entry (an update to an untagged
    commit) and holds any text. An ``old`` that is a commit, not a version (a
    repository made before the template had tags), starts after the newest tag
    that commit contains (``released_before``); one no tag precedes includes
    every entry.
    """
    try:
        text = (Path(os.fspath(src_path)) / "CHANGELOG.md").read_text(encoding="utf-8")  # type: ignore[call-overload]
    except (OSError, TypeError):
        return ""
    low, high = as_version(old) or released_before(src_path, old), as_version(new)
    entries: list[tuple[Version | None, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            match = VERSION_HEADING.match(line)
            entries.append((as_version(match.group(1)) if match else None, [line]))
        elif entries:
            entries[-1][1].append(line)
    newest = max((v for v, _ in entries if v is not None), default=None)
    chosen = []
    for version, lines in entries:
        if version is None:
            wanted = (
                lines[0].strip() == "## Unreleased"
                and any(line.strip() for line in lines[1:])
                and (high is None or newest is None or high > newest)
            )
        else:
            wanted = (low is None or version > low) and (high is None or version <= high)
        if wanted:
            chosen.append("\n".join(lines).strip())
    return "\n\n".join(chosen)


def conflicted_files(dst_path: object) -> list[str]:
    """Files copier left with conflict markers: it records them as unmerged in git."""
    listed = git(dst_path, "diff", "--name-only", "--diff-filter=U")
    return sorted(set((listed or "").split()))


def delivered_beside(dst_path: object) -> list[str]:
    """Untracked ``*.from-template`` files: the template's version next to a team's file."""
    listed = git(dst_path, "ls-files", "--others", "--exclude-standard", f"*{BESIDE_SUFFIX}")
    return sorted((listed or "").split())


@cache
def copier_config(src_path: str) -> dict[str, Any]:
    """The template's ``copier.yml`` at ``src_path``, parsed once: the message reads it three times.

    libyaml's loader when PyYAML has it (ten times faster than the pure-Python
    one). Shared between callers, so never mutated.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    config = yaml.load((Path(src_path) / "copier.yml").read_text(encoding="utf-8"), Loader=loader)
    return config if isinstance(config, dict) else {}


def team_owned(src_path: object) -> list[str]:
    """The template's team-owned paths: ``_skip_if_exists`` plus what ``_exclude`` keeps out
    of updates only (the code skeleton), as the template at ``src_path`` lists them.
    """
    try:
        config = copier_config(os.fspath(src_path))  # type: ignore[call-overload]
        entries = config.get("_exclude") or []
        plain = Environment()
        found: dict[str, set[str]] = {"copy": set(), "update": set()}
        for operation, paths in found.items():
            # The old version's render, which sees every entry in `_copier_conf.exclude`.
            context = {"_copier_operation": operation, "_copier_conf": {"exclude": entries}}
            for entry in entries:
                rendered = plain.from_string(entry).render(context)
                paths.update(line.strip() for line in rendered.splitlines() if line.strip())
        # Templated entries are the adopted repositories' own files (existing_repo), not
        # documents every repository's team fills in.
        skipped = {path for path in config.get("_skip_if_exists") or [] if "{" not in path}
        owned = skipped | (found["update"] - found["copy"])
        # A folder left out of updates whole (``docs/work``) is listed once, as ``docs/work/**``.
        owned -= {path for path in owned if f"{path}/**" in owned}
    except Exception:  # a message must never break an update
        return []
    return sorted(owned)


def rendered_paths(context: Context) -> set[str]:
    """Every project path the template renders with the answers in ``context``.

    Copier's own rule: the ``.jinja`` suffix is dropped, each path part is
    rendered, and a part that renders empty leaves the file out. A part with
    no ``{`` has no Jinja to render: it is kept as it is, uncompiled; a
    templated part (``{{package_name}}`` heads every module) is rendered once.
    """
    conf = context.get("_copier_conf")
    src = Path(os.fspath(conf["src_path"]))
    config = copier_config(str(src))
    root = src / config.get("_subdirectory", "")
    variables = context.get_all()
    templated: dict[str, str] = {}

    def render(part: str) -> str:
        if "{" not in part:
            return part
        if part not in templated:
            templated[part] = context.environment.from_string(part).render(variables)
        return templated[part]

    paths = set()
    for file in (p for p in root.rglob("*") if p.is_file()):
        parts = list(PurePosixPath(file.relative_to(root).as_posix()).parts)
        parts[-1] = parts[-1].removesuffix(TEMPLATE_SUFFIX)
        rendered = [render(part) for part in parts]
        if all(rendered):
            paths.add("/".join(rendered))
    return paths


def documents(context: Context, dst_path: object) -> Iterator[tuple[str, bool, bool]]:
    """(path, exists, rendered) for each team-owned path that names one file."""
    conf = context.get("_copier_conf")
    try:
        rendered = rendered_paths(context)
        owned = team_owned(conf["src_path"])
    except Exception:  # a message must never break an update
        return
    for path in owned:
        if not any(char in path for char in "*?["):
            exists = (Path(os.fspath(dst_path)) / path).is_file()  # type: ignore[call-overload]
            yield path, exists, path in rendered


@pass_context
def kept_documents(context: Context, dst_path: object) -> list[str]:
    """Team documents that exist although the answers no longer call for them.

    The single files copier skips, plus what the project's updated tool calls
    kept (``kept_documents``): documents under a folder the template owns
    as a glob (``docs/work/**``), such as a piece's design note after
    ``--data has_ui=false``. The tool's list is the one ``docs/lifecycle.md`` shows.
    """
    found = documents(context, dst_path)
    kept = {path for path, exists, rendered in found if exists and not rendered}
    try:
        root = Path(os.fspath(dst_path))  # type: ignore[call-overload]
        shipped = _tool()
        kept.update(shipped.kept_documents(root, shipped.load_process(root)))
    except Exception:  # a message must never break an update
        pass
    return sorted(kept)


@cache
def _tool() -> Any:
    """The template's ``tools/lifecycle.py`` (the version the update brought), by reuse.py."""
    here = Path(__file__).resolve().parent
    load_module = runpy.run_path(str(here / "reuse.py"))["load_module"]
    tool_file = here.parent / "template" / "tools" / "lifecycle.py"
    return load_module("lifecycle_template_tool", tool_file, shared=True)


def new_documents(src_path: object, dst_path: object) -> list[str]:
    """Team documents this update created (untracked): the repository had none there."""
    single = [path for path in team_owned(src_path) if not any(c in path for c in "*?[")]
    if not single:
        return []
    listed = git(dst_path, "ls-files", "--others", "--exclude-standard", "--", *single)
    return sorted((listed or "").split())


SYNC_REPORT = "lifecycle-sync-report.txt"
"""Where ``migrations/sync_lifecycle.py`` leaves its outcome, inside the git folder
(``git rev-parse --git-path``): never in the worktree, never committed."""
NOT_SET = "(not set)"


def answer_text(value: object) -> str:
    """An answer as the answers file spells it: ``true``, ``large``, ``(not set)``."""
    if value is None:
        return NOT_SET
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if str(value) != "" else '""'


def changed_answers(dst_path: object, answers_file: str, new: object) -> list[str]:
    """``name: old → new`` for each answer that differs from the answers file at ``HEAD``.

    An update with ``--data project_size=large`` moves no version: without
    these lines its message could only say "from v2.0.0 to v2.0.0". Copier's
    own keys (``_commit``, ``_src_path``) are left out.
    """
    try:
        shown = git(dst_path, "show", f"HEAD:./{answers_file}")
        old = yaml.safe_load(shown or "") or {}
        # What copier wrote is the truth (it keeps answers the render context lacks).
        written = Path(os.fspath(dst_path)) / answers_file  # type: ignore[arg-type]
        if written.is_file():
            new = yaml.safe_load(written.read_text(encoding="utf-8")) or {}
        if not isinstance(old, dict) or not hasattr(new, "items"):
            return []
        names = [name for name in {**old, **dict(new.items())} if not str(name).startswith("_")]
        return [
            f"{name}: {answer_text(old.get(name))} → {answer_text(new.get(name))}"  # type: ignore[attr-defined]
            for name in names
            if answer_text(old.get(name)) != answer_text(new.get(name))  # type: ignore[attr-defined]
        ]
    except Exception:  # a message must never break an update
        return []


COMMIT_LINE = '    git commit -m ""'
"""The message's commit command around its subject: the line must fit in 80 columns."""


def answers_subject(answered: object, width: int = 80 - len(COMMIT_LINE)) -> str:
    """A commit subject naming the changed answers (``changed_answers`` lines), in ``width``.

    ``Change the lifecycle answers: has_ui, project_size``; when the names do
    not fit, the first ones and how many more.
    """
    names = [str(line).split(":", 1)[0].strip() for line in answered or []]  # type: ignore[attr-defined]
    prefix = "Change the lifecycle answers: "
    for shown in range(len(names), 0, -1):
        rest = f" and {len(names) - shown} more" if shown < len(names) else ""
        subject = prefix + ", ".join(names[:shown]) + rest
        if len(subject) <= width:
            return subject
    return prefix.rstrip(": ")


def sync_summary(dst_path: object) -> str:
    """The outcome line ``migrations/sync_lifecycle.py`` wrote for this update, or ``""``.

    The migration rewrites (or removes) the file on every update, so it never
    tells of an earlier one.
    """
    where = (git(dst_path, "rev-parse", "--git-path", SYNC_REPORT) or "").strip()
    if not where:
        return ""
    path = Path(os.fspath(dst_path)) / where  # type: ignore[arg-type]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def missing_python(version: object) -> str:
    """``version`` when no Python at least that recent is on this machine, else ``""``.

    The project's ``requires-python`` is ``>=version``; without one, ``uv sync``
    downloads a Python build from the internet, which an offline or locked-down
    machine refuses, so the after-copy message names it first.
    """
    try:
        major, minor = (int(part) for part in str(version).split(".")[:2])
    except ValueError:
        return ""
    if sys.version_info[:2] >= (major, minor):
        return ""
    for later in range(minor, minor + 12):
        # A program of that name may not run: pyenv puts a shim for every version
        # it knows on PATH, and the shim of one not selected exits 127 (so does uv).
        program = shutil.which(f"python{major}.{later}")
        if program and _runs_python(program, major, minor):
            return ""
    uv = shutil.which("uv")
    if uv:  # a Python uv installed earlier counts too; `uv python find` never downloads
        try:
            found = subprocess.run(
                [uv, "python", "find", f">={major}.{minor}"],
                capture_output=True,
                check=False,
                timeout=30,
            )
            if found.returncode == 0:
                return ""
        except (OSError, subprocess.SubprocessError):
            pass
    return f"{major}.{minor}"


def _runs_python(program: str, major: int, minor: int) -> bool:
    """Whether ``program`` runs and is a Python at least ``major.minor``."""
    code = f"import sys; sys.exit(sys.version_info[:2] < ({major}, {minor}))"
    try:
        done = subprocess.run([program, "-c", code], capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def git_identity_missing(dst_path: object) -> bool:
    """Whether ``git commit`` in ``dst_path`` would stop with "Please tell me who you are"."""
    return any(
        git(dst_path, "var", name) is None for name in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")
    )


class UpdateExtension(Extension):
    """Register the update message's filters for ``copier.yml``."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            committed_answer=committed_answer,
            changelog_between=changelog_between,
            conflicted_files=conflicted_files,
            delivered_beside=delivered_beside,
            kept_documents=kept_documents,
            answers_subject=answers_subject,
            new_documents=new_documents,
            changed_answers=changed_answers,
            sync_summary=sync_summary,
            missing_python=missing_python,
            git_identity_missing=git_identity_missing,
        )
