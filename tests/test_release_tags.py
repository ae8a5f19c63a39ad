"""The suite passes in a clone of this repository that carries its real release tags.

Releases tag this repository (``v1.0.0`` at 709b686, then ``v2.0.0``...), and
the release workflow runs the whole suite before each tag. Test fixtures tag
template versions of their own (``v1.0.0``, ``v2.0.0``) in clones, and copier
renders a git template at its newest tag unless told otherwise: a fixture that
cloned the tags fails with ``tag 'v1.0.0' already exists``, and a test that
copies this repository without ``--vcs-ref HEAD`` tests the last release
instead of the working tree. Here the update tests run in such a clone, and a
fixture changed to keep the tags is shown to fail there.

The same release, seen from a team: a repository made from the untagged
template (``_commit`` is a commit hash) updates to the first tags, and its
message quotes only what came after the release its commit already had.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import (
    ROOT,
    clone_without_tags,
    copier_cli,
    copy_working_tree,
    editable_copy,
    outputs,
    run,
)
from .extension_modules import process
from .update_harness import commit_all

FIRST_RELEASE = ("v1.0.0", "709b686")
"""The first release: the commit whose CHANGELOG first had a version entry (1.0.0),
where the release workflow would have tagged it."""
NEXT_RELEASE = "v2.0.0"
"""The release after it. Where this repository lacks it, the clone tags the working
tree with it, as the release commit would be."""
AFTER_THE_RELEASE = "# Changed after the newest release (tests/test_release_tags.py).\n"
"""Appended to the clone's tools/lifecycle.py in a commit after every tag: a copy of
the newest tag instead of the working tree then has another tools/lifecycle.py."""
UNTAGGED_COPY = "25aa780"
"""A commit of main after 1.0.0 and before any tag existed: teams copied such commits."""

UPDATE_TESTS = (
    # Real `copier update` between template versions that fixtures tag in clones.
    "tests/test_work_update.py",
    "tests/test_update_message.py",
    "tests/test_update.py::test_update_refuses_a_dirty_worktree",
)
FIXTURE_TESTS = (
    # --setup-only: a clone of this history tagged 0.1.0, 0.2.0 and 9.0.0.
    "tests/test_update.py::test_a_repository_from_real_history_updates_and_passes_its_own_checks",
)
COPY_TESTS = (
    # Each copies this repository itself with the copier command line.
    "tests/test_copy.py::test_defaults_need_no_data",
    "tests/test_questionnaire.py::test_example_answers_file_renders_without_questions",
)
COLLIDING_TEST = "tests/test_work_update.py"
"""Its fixture clones this repository and tags the clone ``v1.0.0`` and ``v2.0.0``."""

pytestmark = pytest.mark.slow  # clones, pytest in them, real copies and updates


def tags(repo: Path) -> dict[str, str]:
    """Each tag of ``repo`` and the commit it points to."""
    listed = run(["git", "tag", "--format=%(refname:short) %(objectname)^{}"], repo).stdout
    return {
        name: run(["git", "rev-parse", "--short", target], repo).stdout.strip()
        for name, target in (line.split() for line in listed.splitlines())
    }


@pytest.fixture(scope="module")
def released_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A maintainer's clone after the releases: every tag, then development on top."""
    dest = tmp_path_factory.mktemp("released") / "lifecycle"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], ROOT)
    present = tags(dest)
    if FIRST_RELEASE[0] not in present:
        run(["git", "tag", "-a", "-m", "Lifecycle template 1.0.0", *FIRST_RELEASE], dest)
    run(["git", "rm", "-rq", "--", "."], dest)
    copy_working_tree(dest)
    run(["git", "add", "-A"], dest)
    # Empty when the working tree is all committed (as in CI after the release).
    run(["git", "commit", "-q", "--no-verify", "--allow-empty", "-m", "The working tree"], dest)
    if NEXT_RELEASE not in present:
        run(["git", "tag", "-a", "-m", "Lifecycle template 2.0.0", NEXT_RELEASE], dest)
    tool = dest / "template" / "tools" / "lifecycle.py"
    tool.write_text(tool.read_text() + AFTER_THE_RELEASE)
    commit_all(dest, "Development after the newest release")
    return dest


def pytest_in(clone: Path, *args: str, check: bool = True) -> str:
    """Run the clone's own tests with ``args``, in one process; return its report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    command = [sys.executable, "-m", "pytest", "-n0", "-p", "no:cacheprovider", "-q", *args]
    result = run(command, clone, check=False, env=env, timeout=1500)
    if check:
        assert result.returncode == 0, outputs(result)
    return result.stdout + result.stderr


def test_the_clone_carries_the_releases_and_is_past_them(released_clone: Path) -> None:
    found = tags(released_clone)
    assert found[FIRST_RELEASE[0]] == FIRST_RELEASE[1]
    assert NEXT_RELEASE in found
    assert run(["git", "describe", "--tags"], released_clone).stdout.startswith(NEXT_RELEASE + "-")


def test_update_tests_pass_beside_the_release_tags(released_clone: Path) -> None:
    report = pytest_in(released_clone, *UPDATE_TESTS)
    assert " passed" in report and "skipped" not in report, report
    report = pytest_in(released_clone, "--setup-only", *FIXTURE_TESTS)
    assert "error" not in report.lower(), report


def test_a_fixture_that_keeps_the_release_tags_fails_there(
    released_clone: Path, tmp_path: Path
) -> None:
    """The test above can fail: the same fixture, cloning with the tags, collides."""
    colliding = tmp_path / "colliding"
    run(["git", "clone", "--quiet", str(released_clone), str(colliding)], tmp_path)
    conftest = colliding / "tests" / "conftest.py"
    text = conftest.read_text()
    assert '"--no-tags", ' in text
    conftest.write_text(text.replace('"--no-tags", ', "", 1))
    report = pytest_in(colliding, "--setup-only", COLLIDING_TEST, check=False)
    assert f"tag '{FIRST_RELEASE[0]}' already exists" in report, report


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


UPDATE = shlex.split(process.commands()["update"])  # update --trust --defaults --skip-answered


def test_a_repository_made_before_the_first_tag_updates_to_the_release(tmp_path: Path) -> None:
    """Made from the untagged template, then the template is released: the documented
    update moves it to the newest tag and quotes the entries after 1.0.0, not all."""
    template = clone_without_tags(tmp_path / "lifecycle", checkout=False)
    run(["git", "checkout", "--quiet", "-B", "main", UNTAGGED_COPY], template)
    project = tmp_path / "acme-billing"
    copier_cli("copy", "--trust", "--defaults", str(template), str(project), cwd=tmp_path)
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"]
    assert recorded == UNTAGGED_COPY  # no tag yet: copier records the commit
    run(["git", "init", "-q", "-b", "main"], project)
    commit_all(project, "Start from the lifecycle template")

    # The release: 1.0.0 where it was due, then the working tree as 2.0.0.
    run(["git", "tag", "-a", "-m", "Lifecycle template 1.0.0", *FIRST_RELEASE], template)
    run(["git", "rm", "-rq", "--", "."], template)
    copy_working_tree(template)
    commit_all(template, "Release 2.0.0")
    run(["git", "tag", "-a", "-m", "Lifecycle template 2.0.0", NEXT_RELEASE], template)

    copier = f"{sys.executable} -m copier"
    status = run([sys.executable, "tools/template_status.py", "--copier", copier], project).stdout
    assert f"; the latest is {NEXT_RELEASE[1:]}." in status, status
    assert "\n## 1.0.0" not in status, status

    done = copier_cli(*UPDATE, cwd=project)
    message = done.stdout + done.stderr
    assert f"moved from lifecycle template {UNTAGGED_COPY} to {NEXT_RELEASE}." in message
    quoted = message.split("versions after", 1)[1]
    assert "\n## " in quoted, message  # what came after 1.0.0 ...
    assert "\n## 1.0.0" not in quoted, message  # ... and not the release the commit had
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == NEXT_RELEASE
    commit_all(project, f"Update to lifecycle template {NEXT_RELEASE}")

    again = copier_cli(*UPDATE, cwd=project)
    text = again.stdout + again.stderr
    assert f"is already up to date with lifecycle template {NEXT_RELEASE}." in text, text
    assert "Nothing to review or commit." in text

    # A new repository from the released template records the newest tag.
    fresh = tmp_path / "acme-money"
    copier_cli("copy", "--trust", "--defaults", str(template), str(fresh), cwd=tmp_path)
    assert yaml.safe_load((fresh / ".copier-answers.yml").read_text())["_commit"] == NEXT_RELEASE


@pytest.mark.parametrize("recorded", [UNTAGGED_COPY, "709b686"])
def test_the_fleet_report_calls_a_commit_before_the_releases_behind(
    render, tmp_path: Path, recorded: str
) -> None:
    """``_commit: 25aa780`` is a commit, not version 25: behind the newest release."""
    template = tmp_path / "lifecycle.git"
    run(["git", "init", "-q", "-b", "main", str(template)], tmp_path)
    run(["git", "commit", "-q", "--allow-empty", "-m", "Template"], template)
    for tag in (FIRST_RELEASE[0], NEXT_RELEASE):
        run(["git", "tag", tag], template)
    project = editable_copy(render(), tmp_path)
    answers = project / ".copier-answers.yml"
    kept = [line for line in answers.read_text().splitlines() if not line.startswith("_")]
    recorded_by_copier = [f"_commit: '{recorded}'", f"_src_path: {template}"]
    answers.write_text("\n".join([*recorded_by_copier, *kept]) + "\n")
    report = tmp_path / "fleet.json"
    tool = project / "tools" / "lifecycle.py"
    done = run([sys.executable, str(tool), "fleet", str(project), "--json", str(report)], tmp_path)
    found = json.loads(report.read_text())
    position = found["repositories"][0]["template"]
    assert (position["version"], position["newest"], position["behind"]) == (
        recorded,
        NEXT_RELEASE,
        None,
    )
    assert next(iter(found["by_owner"].values()))["behind"] == 1
    assert f"{recorded} (a commit from before the releases), behind {NEXT_RELEASE}" in done.stdout
