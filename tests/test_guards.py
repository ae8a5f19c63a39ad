"""Guards in generated repos: update leftovers never land, and `behind` is reported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, run

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


def git(*args: str, cwd: Path) -> str:
    return run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}).stdout


def guard(project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "tools/check_leftovers.py", *files],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project(copie) -> Path:
    result = copie.copy()
    assert result.exit_code == 0, result.exception
    git("init", "--quiet", cwd=result.project_dir)
    git("add", "-A", cwd=result.project_dir)
    git("commit", "--quiet", "-m", "start", cwd=result.project_dir)
    return result.project_dir


def test_clean_tree_passes(project: Path) -> None:
    result = guard(project)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_conflict_markers_fail(project: Path) -> None:
    readme = project / "README.md"
    readme.write_text(
        readme.read_text()
        + "<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n"
    )
    result = guard(project)
    assert result.returncode == 1
    assert "README.md:" in result.stdout
    assert "conflict marker '<<<<<<< before updating'" in result.stdout
    assert "conflict marker '>>>>>>> after updating'" in result.stdout


def test_rej_file_fails_even_untracked(project: Path) -> None:
    (project / "ruff.toml.rej").write_text("@@ -1 +1 @@\n-a\n+b\n")
    result = guard(project)
    assert result.returncode == 1
    assert "ruff.toml.rej: rejected update hunk" in result.stdout


def test_markdown_underline_is_not_a_conflict(project: Path) -> None:
    (project / "notes.md").write_text("Title\n=======\n\ntext\n")
    assert guard(project).returncode == 0


def test_guard_runs_on_named_files_as_pre_commit_does(project: Path) -> None:
    (project / "a.py").write_text("x = 1\n>>>>>>> after updating\n")
    (project / "b.py").write_text("y = 2\n")
    assert guard(project, "b.py").returncode == 0
    assert guard(project, "a.py", "b.py").returncode == 1


# ------------------------------------------------------------ update status


def _template_repo(tmp: Path) -> Path:
    """This template's working tree as a git repo with two tagged versions."""
    repo = tmp / "template"
    files = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT
    ).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git("init", "--quiet", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "--quiet", "-m", "v1", cwd=repo)
    git("tag", "v1.0.0", cwd=repo)
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text()
    entry = (
        "## v2.0.0\n\n### Changed\n- Release checklist: confirm the rollback plan.\n\n"
        "### What a team must do\n- Run `copier update --trust`.\n\n"
    )
    head, sep, rest = text.partition("\n## ")
    changelog.write_text(f"{head}\n{entry}## {rest}" if sep else text + "\n" + entry)
    git("commit", "--quiet", "-am", "v2", cwd=repo)
    git("tag", "v2.0.0", cwd=repo)
    return repo


@pytest.mark.slow
def test_template_status_reports_versions_and_changes(tmp_path: Path) -> None:
    repo = _template_repo(tmp_path)
    project = tmp_path / "acme-billing"
    copy = ["copy", "--trust", "--defaults", "--vcs-ref", "v1.0.0", str(repo), str(project)]
    run([sys.executable, "-m", "copier", *copy], cwd=tmp_path)
    git("init", "--quiet", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "start", cwd=project)
    summary = tmp_path / "summary.md"
    copier = f"{sys.executable} -m copier"
    result = run(
        [sys.executable, "tools/template_status.py", "--copier", copier, "--summary", str(summary)],
        cwd=project,
    )
    assert "uses lifecycle template version 1.0.0; the latest is 2.0.0" in result.stdout
    assert "Release checklist: confirm the rollback plan." in result.stdout
    assert "What a team must do" in result.stdout
    assert "Unreleased" not in result.stdout
    assert summary.read_text().strip() == result.stdout.strip()

    run(
        [sys.executable, "-m", "copier", "update", "--trust", "--defaults", "--vcs-ref", "v2.0.0"],
        cwd=project,
    )
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "update", cwd=project)
    current = run(
        [sys.executable, "tools/template_status.py", "--copier", copier], cwd=project
    ).stdout
    assert current.strip() == "Up to date with the lifecycle template (version 2.0.0)."
