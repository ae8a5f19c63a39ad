"""Jinja filters that read an existing repository, for adopting the lifecycle into it.

Why a module of its own: adoption asks copier questions about the destination
folder (does it already hold a Python project? what does it call itself?), and
only a filter can answer them: copier renders question ``when`` and ``default``
with ``_copier_conf.dst_path`` in the context, but offers no file access.

Public surface (filters; each takes the destination path and never fails, so a
missing or unreadable file gives the empty answer):

* ``holds_project``: the folder has ``pyproject.toml``, ``setup.py`` or ``src/``.
* ``asks_existing_repo``: whether to ask ``existing_repo``: a project is there,
  and it is not a repository the template made (whose answers file lacks it).
* ``existing_project_name``: ``[project] name`` from its ``pyproject.toml`` (or
  ``[metadata] name`` from ``setup.cfg``, where older projects keep it), or "".
* ``existing_repo_problem``: the rule an ``existing_repo`` answer breaks, or "":
  it cannot change once recorded in the destination's answers file.
* ``existing_package``: its import package (``src/<pkg>/`` or a top-level
  ``<pkg>/__init__.py`` matching the project name), or "".

Standard library and Jinja2 only, like the other extensions.
"""

from __future__ import annotations

import configparser
import os
import re
import tomllib
from pathlib import Path

from jinja2 import Environment, Undefined
from jinja2.ext import Extension

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "src")
"""What tells a folder already holds a Python project."""


def _folder(dst_path: object) -> Path | None:
    """The destination as a Path, or None when it is unknown (rendered outside copier)."""
    if dst_path is None or isinstance(dst_path, Undefined) or not str(dst_path):
        return None
    return Path(os.fspath(dst_path))  # type: ignore[call-overload]


def holds_project(dst_path: object) -> bool:
    """Whether copier is writing into a folder that already holds a Python project."""
    folder = _folder(dst_path)
    return folder is not None and any((folder / name).exists() for name in PROJECT_MARKERS)


def _recorded_adoption(folder: Path, answers_file: object) -> bool | None:
    """``existing_repo`` as the destination's answers file records it; None without one."""
    if isinstance(answers_file, Undefined) or not str(answers_file):
        return None
    try:
        text = (folder / str(answers_file)).read_text(encoding="utf-8")
    except OSError:
        return None
    return re.search(r"^existing_repo:\s*true\s*$", text, flags=re.MULTILINE) is not None


def asks_existing_repo(dst_path: object, answers_file: object) -> bool:
    """Ask only where a project is and it is not one the template made.

    A repository the template made already holds a project at every update; asking
    there would add a new answer to its answers file on each first update.
    """
    folder = _folder(dst_path)
    if folder is None or not holds_project(folder):
        return False
    return _recorded_adoption(folder, answers_file) is not False


def existing_project_name(dst_path: object) -> str:
    """The name the repository gives itself in its packaging metadata, or "" if none."""
    folder = _folder(dst_path)
    if folder is None:
        return ""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if isinstance(name, str) and name:
        return name
    setup_cfg = configparser.ConfigParser(interpolation=None)
    try:
        setup_cfg.read(folder / "setup.cfg", encoding="utf-8")
    except (OSError, configparser.Error):
        return ""
    return setup_cfg.get("metadata", "name", fallback="").strip()


def _import_name(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")


def existing_package(dst_path: object) -> str:
    """The repository's own import package, or "" when it cannot be told.

    ``src/<pkg>/`` wins (the one matching the project name if there are several);
    otherwise a top-level package named after the project.
    """
    folder = _folder(dst_path)
    if folder is None:
        return ""
    wanted = _import_name(existing_project_name(folder))
    src = folder / "src"
    if src.is_dir():
        found = sorted(
            path.name
            for path in src.iterdir()
            if path.is_dir() and (path / "__init__.py").is_file() and path.name.isidentifier()
        )
        if wanted in found:
            return wanted
        if found:
            return found[0]
    if wanted and (folder / wanted / "__init__.py").is_file():
        return wanted
    return ""


def existing_repo_problem(answer: object, dst_path: object, answers_file: object) -> str:
    """Refuse to flip ``existing_repo`` in a repository that already recorded it.

    Why: an update renders the old answers to see what the team changed, and
    copier deletes a file the old render has and the new one lacks. Turning
    adoption on later would delete the template's CI and tooling files; turning it
    off would write a skeleton over an adopted repository's own files.
    """
    folder = _folder(dst_path)
    recorded = None if folder is None else _recorded_adoption(folder, answers_file)
    if recorded is not None and bool(answer) != recorded:  # None: a first copy
        return (
            f"cannot change after the first copy (recorded: {str(recorded).lower()}); "
            "copy into a fresh branch instead."
        )
    return ""


class AdoptionExtension(Extension):
    """Register the filters above on copier's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            holds_project=holds_project,
            asks_existing_repo=asks_existing_repo,
            existing_project_name=existing_project_name,
            existing_package=existing_package,
            existing_repo_problem=existing_repo_problem,
        )
