"""Shared fixtures for the template's tests.

pytest-copie renders the template found by ``--template`` (default: the folder
pytest starts in). We pin it to the repository root so ``pytest tests/x.py``
from any folder tests this template, not whatever is in the current folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("service", "library")
SIZES = ("small", "medium", "large")


def pytest_configure(config: pytest.Config) -> None:
    """Point pytest-copie at this repository whatever the working folder."""
    if config.getoption("template", default=None) in (None, ".", Path(".")):
        config.option.template = str(ROOT)


@pytest.fixture(scope="session", autouse=True)
def _offline_toolchain() -> Iterator[None]:
    """Keep uv from fetching Python builds; only the package registry is allowed."""
    previous = os.environ.get("UV_PYTHON_DOWNLOADS")
    os.environ["UV_PYTHON_DOWNLOADS"] = "never"
    yield
    if previous is None:
        os.environ.pop("UV_PYTHON_DOWNLOADS", None)
    else:
        os.environ["UV_PYTHON_DOWNLOADS"] = previous


def run(cmd: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command and fail the test with its output when it fails."""
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(cmd)} failed in {cwd} with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.invalid",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.invalid",
    # No user or system git configuration: nothing on this machine helps.
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
"""Environment for git in tests, so they pass on a machine with no git identity."""


def git(*args: str, cwd: Path) -> str:
    """Run git with the test identity on a fresh ``main`` branch; return its output."""
    command = ["git", "-c", "init.defaultBranch=main", *args]
    return run(command, cwd=cwd, env={**os.environ, **GIT_IDENTITY}).stdout


@pytest.fixture(scope="session")
def kind_size_projects(copie_session) -> dict[tuple[str, str], Path]:
    """One project per kind and size (other answers at their defaults), rendered once."""
    rendered = {}
    for kind in KINDS:
        for size in SIZES:
            result = copie_session.copy(extra_answers={"project_kind": kind, "project_size": size})
            assert result.exit_code == 0, result.exception
            rendered[kind, size] = result.project_dir
    return rendered


def uv() -> str:
    """Path of the uv executable the generated projects are driven with."""
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is not on PATH; install the dev tools with the README's test command")
    return found


@pytest.fixture(scope="session")
def synced_project(kind_size_projects) -> Callable[[str, str], Path]:
    """Return a function giving the project for a kind and size, synced once.

    ``uv sync --all-groups`` installs the dev and docs tools, so the copy,
    service, docs and workflow tests share one rendered project and one
    environment per kind and size instead of each making its own.
    """
    synced: set[tuple[str, str]] = set()

    def get(kind: str, size: str) -> Path:
        project = kind_size_projects[kind, size]
        if (kind, size) not in synced:
            run([uv(), "sync", "--all-groups", "--quiet"], cwd=project)
            synced.add((kind, size))
        return project

    return get
