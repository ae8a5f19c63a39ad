"""The suite passes in a clone of this repository that carries real release tags.

Releases tag this repository (``v1.0.0``, then ``v1.1.0``...), and the release
workflow runs the whole suite before each tag. Test fixtures tag template
versions of their own in clones, and copier renders a git template at its
newest tag unless told otherwise: in a tagged repository a fixture that cloned
the tags fails with ``tag 'v1.0.0' already exists``, and a test that copies
this repository without ``--vcs-ref HEAD`` tests the last release instead of
the working tree. Here the suite's own fixtures and copies run in such a clone.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, clone_without_tags, copy_working_tree, outputs, run

RELEASE_TAGS = ("v1.0.0", "v1.1.0")
"""Release tags the clone carries (added where this repository lacks them)."""
OLD_RELEASE = "acc0a4e"
"""Where missing release tags point: a template long before this one, so a test
that renders the newest tag instead of the working tree fails loudly."""

FIXTURE_TESTS = (
    # --setup-only: the fixtures that build template versions by tagging clones.
    "tests/test_work_update.py::test_an_old_repository_keeps_its_documents",
    "tests/test_update.py::test_update_refuses_a_dirty_worktree",
    "tests/test_update.py::test_a_repository_from_real_history_updates_and_passes_its_own_checks",
)
COPY_TESTS = (
    # Run in full: each copies this repository itself with the copier command line.
    "tests/test_copy.py::test_defaults_need_no_data",
    "tests/test_questionnaire.py::test_example_answers_file_renders_without_questions",
)

pytestmark = pytest.mark.slow  # a clone, pytest in it, three copier copies


@pytest.fixture(scope="module")
def released_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository as a maintainer's clone after releases: its tags, the working tree on top."""
    dest = tmp_path_factory.mktemp("released") / "lifecycle"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], ROOT)
    present = set(run(["git", "tag"], dest).stdout.split())
    for tag in RELEASE_TAGS:
        if tag not in present:
            run(["git", "tag", tag, OLD_RELEASE], dest)
    run(["git", "rm", "-rq", "--", "."], dest)
    copy_working_tree(dest)
    run(["git", "add", "-A"], dest)
    # Empty when the working tree is all committed: the release tags still point elsewhere.
    run(["git", "commit", "-q", "--no-verify", "--allow-empty", "-m", "The working tree"], dest)
    return dest


def pytest_in(clone: Path, *args: str) -> str:
    """Run the clone's own test suite with ``args``, in one process; return its report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    command = [sys.executable, "-m", "pytest", "-n0", "-p", "no:cacheprovider", "-q", *args]
    result = run(command, clone, check=False, env=env, timeout=900)
    assert result.returncode == 0, outputs(result)
    return result.stdout


def test_the_clone_carries_the_release_tags(released_clone: Path) -> None:
    tags = run(["git", "tag"], released_clone).stdout.split()
    assert set(RELEASE_TAGS) <= set(tags)


def test_fixtures_that_tag_versions_work_beside_release_tags(released_clone: Path) -> None:
    report = pytest_in(released_clone, "--setup-only", *FIXTURE_TESTS)
    assert "error" not in report.lower(), report


def test_copies_of_this_repository_render_the_working_tree_not_the_newest_tag(
    released_clone: Path,
) -> None:
    report = pytest_in(released_clone, *COPY_TESTS)
    assert " passed" in report and "skipped" not in report, report


def test_clones_for_fixtures_leave_the_release_tags_behind(
    released_clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tests.conftest.ROOT", released_clone)
    clone = clone_without_tags(tmp_path / "clone")
    assert run(["git", "tag"], clone).stdout == ""
