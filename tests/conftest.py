"""Shared fixtures for the template's tests.

pytest-copie renders the template found by ``--template`` (default: the folder
pytest starts in). We pin it to the repository root so ``pytest tests/x.py``
from any folder tests this template, not whatever is in the current folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from .extension_modules import ROOT, process, sizes, updates


def team_owned_paths() -> set[str]:
    """The team-owned paths: what copier.yml `_exclude` leaves out of updates only.

    Read by the update message's own code (extensions/updates.py), so tests
    and message agree on the one list.
    """
    return set(updates.team_owned(ROOT))


KINDS: tuple[str, ...] = process.KINDS
SIZES: tuple[str, ...] = sizes.SIZES
"""The kinds and sizes every matrix of tests runs over, as the template defines them."""


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


def run(
    cmd: Sequence[str | Path], cwd: Path | None = None, *, check: bool = True, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run a command, output captured as text; fail the test with its output when ``check``.

    The one subprocess runner of the tests. ``check=False`` where a failure is
    the outcome under test: the caller asserts on the result, with
    ``outputs(result)`` in its message. Unless ``env`` says otherwise, git gets
    the throwaway identity and no user or system configuration
    (``GIT_IDENTITY``), so tests pass on a machine where git was never set up.
    Other keywords (``env``, ``input``, ``stdin``, ``timeout``) go to ``subprocess.run``.
    """
    kwargs.setdefault("env", {**os.environ, **GIT_IDENTITY})
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if check and result.returncode != 0:
        command = " ".join(map(str, cmd))
        pytest.fail(f"{command} failed in {cwd or Path.cwd()} with {result.returncode}:\n"
                    + outputs(result))  # fmt: skip
    return result


def outputs(result: subprocess.CompletedProcess[str]) -> str:
    """A finished command's stdout and stderr, labelled, for an assertion message."""
    return f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def copier_cli(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real copier command line, as a team runs it; stdin closed, so it never waits."""
    command = [sys.executable, "-m", "copier", *args]
    return run(command, cwd, check=check, stdin=subprocess.DEVNULL)


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
    return run(command, cwd=cwd).stdout


TEST_ANSWERS = {"project_name": "Acme Billing", "owner": "@acme/billing"}
"""Answers every shared project is rendered with, besides those a test gives."""
SHARED_DEFAULTS = {"project_kind": "service", "has_ui": False}
"""copier.yml's defaults, spelled out so `render()` and `render(has_ui=False)` share a project."""


def copy_working_tree(dest: Path) -> Path:
    """Copy the files git would commit from the working tree (tracked or new, not ignored)."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    for name in listed.stdout.split("\0"):
        source = ROOT / name
        if name and source.is_file():  # a tracked file deleted in the working tree is gone
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def clone_without_tags(dest: Path, *, checkout: bool = True) -> Path:
    """Clone this repository's history into ``dest``, leaving its release tags behind.

    Tests tag template versions of their own (``v1.0.0``, ``v2.0.0``...) in
    clones. This repository's release tags would make that fail (``tag
    'v1.0.0' already exists``) or, being newer, become the version copier
    updates to. Every clone of this repository in tests/ goes through here
    (tests/test_release_tags.py checks both).
    """
    command = ["git", "clone", "--quiet", "--no-tags", "--no-hardlinks"]
    run([*command, *([] if checkout else ["--no-checkout"]), str(ROOT), str(dest)], ROOT)
    return dest


@pytest.fixture(scope="session")
def template_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as it stands in the working tree, in a plain folder.

    Copier clones a git template (uncommitted edits included) before every
    render, which costs more than a small render itself. A plain folder is
    read in place, so renders that test content use this copy. Tests of what
    copier does with a real git template (``_commit``, ``_src_path``, updates)
    use ``ROOT`` or a tagged copy (``tests/update_harness.py``).
    """
    return copy_working_tree(tmp_path_factory.mktemp("template"))


def made_once(folder: Path, make: Callable[[Path], None]) -> Path:
    """Run ``make(folder)`` unless a process of this session already has; return ``folder``.

    An exclusive lock on ``folder`` makes the other pytest-xdist workers wait
    for the first one and then reuse what it made. After a failed ``make`` the
    next caller starts again from an empty folder, and fails with its own message.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".done").exists():
            for leftover in folder.iterdir():
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover)
                elif leftover.name != ".lock":
                    leftover.unlink()
            make(folder)
            (folder / ".done").touch()
    return folder


@pytest.fixture(scope="session")
def session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder all pytest-xdist workers of this session share (each has its own basetemp)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def render(copie_session, template_folder: Path, session_folder: Path) -> Callable[..., Path]:
    """Return a function rendering a project once per session for each set of answers.

    ``render(project_kind="library", project_size="large")`` renders with
    those answers over ``TEST_ANSWERS`` (the rest at their defaults) the first
    time and returns the same folder afterwards, in every xdist worker: one
    render per set of answers per session. Treat it as read-only: a test that
    edits files copies it first (``editable_copy``).
    """
    rendered: dict[str, Path] = {}

    def get(**answers: object) -> Path:
        data = {**SHARED_DEFAULTS, **TEST_ANSWERS, **answers}
        key = repr(sorted(data.items()))
        if key not in rendered:

            def copy(folder: Path) -> None:
                result = copie_session.copy(extra_answers=data, template_dir=template_folder)
                assert result.exit_code == 0, result.exception
                shutil.move(result.project_dir, folder / "project")

            digest = hashlib.sha256(key.encode()).hexdigest()[:16]
            rendered[key] = made_once(session_folder / "renders" / digest, copy) / "project"
        return rendered[key]

    return get


def editable_copy(project: Path, parent: Path) -> Path:
    """Copy a shared rendered project under ``parent`` so a test may change it."""
    return Path(shutil.copytree(project, parent / project.name, symlinks=True))


@pytest.fixture(scope="session")
def kind_size_projects(render) -> dict[tuple[str, str], Path]:
    """One project per kind and size, without a UI; read-only."""
    return {
        (kind, size): render(project_kind=kind, project_size=size)
        for kind in KINDS
        for size in SIZES
    }


def uv() -> str:
    """Path of the uv executable the generated projects are driven with."""
    found = shutil.which("uv")
    if found is None:
        pytest.fail("uv is not on PATH; install the dev tools with the README's test command")
    return found


@pytest.fixture(scope="session")
def synced_project(kind_size_projects, session_folder: Path) -> Callable[[str, str], Path]:
    """Return a function giving the project for a kind and size, synced once per session.

    ``uv sync --all-groups`` installs the dev and docs tools, so the copy,
    service, docs and workflow tests share one rendered project and one
    environment per kind and size instead of each making its own (in every
    xdist worker). The environment lives in a copy of the shared render, so
    tests that list the files copier wrote never see ``.venv`` or ``uv.lock``.
    """

    def get(kind: str, size: str) -> Path:
        def sync(folder: Path) -> None:
            project = editable_copy(kind_size_projects[kind, size], folder)
            run([uv(), "sync", "--all-groups", "--quiet"], cwd=project)

        return made_once(session_folder / "synced" / f"{kind}-{size}", sync) / "project"

    return get


@pytest.fixture(scope="session")
def project_suite(synced_project, session_folder: Path) -> Callable[[str, str], str]:
    """Return a function giving the verbose output of a synced project's own suite.

    Each generated suite runs once per session (in one xdist worker), with
    coverage, in the way its README and CI run it (``uv run pytest``); the copy
    and service tests read the same output instead of running the suite again.
    """

    def get(kind: str, size: str) -> str:
        def test(folder: Path) -> None:
            command = [uv(), "run", "--quiet", "pytest", "-p", "no:cacheprovider", "-v", "--cov"]
            output = run(command, cwd=synced_project(kind, size)).stdout
            (folder / "output.txt").write_text(output)

        folder = made_once(session_folder / "suites" / f"{kind}-{size}", test)
        return (folder / "output.txt").read_text()

    return get
