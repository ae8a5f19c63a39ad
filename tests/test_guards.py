"""Guards in generated repos: update leftovers never land, and `behind` is reported."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import editable_copy, git, run
from .update_harness import NEWEST_ENTRY_AFTER, AddText, build_template_repo


def guard(project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """The project's leftover guard; exit 1 (leftovers found) is an outcome tests assert."""
    return run([sys.executable, "tools/check_leftovers.py", *files], project, check=False)


@pytest.fixture
def project(render, tmp_path: Path) -> Path:
    """A freshly generated project, committed, that the test may change."""
    project = editable_copy(render(), tmp_path)
    git("init", "--quiet", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "start", cwd=project)
    return project


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
    lines = result.stdout.splitlines()
    first = len((project / "README.md").read_text().splitlines()) - 4
    assert f"README.md: conflict markers on lines {first}, {first + 4}; resolve them" in lines
    assert len([line for line in lines if line.startswith("README.md")]) == 1


def test_template_version_beside_a_team_file_fails_until_merged(project: Path) -> None:
    (project / "docs" / "lifecycle.md.from-template").write_text("# Lifecycle\n")
    result = guard(project)
    assert result.returncode == 1
    assert (
        "docs/lifecycle.md.from-template: the template's version of docs/lifecycle.md; "
        "merge it in, then delete it"
    ) in result.stdout


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


CHANGELOG_V2 = AddText(
    "CHANGELOG.md",
    "\n## v2.0.0\n\n### Process changes\n- Release checklist: confirm the rollback plan.\n\n"
    "### What a team must do\n- Run `copier update --trust`.\n",
    after=NEWEST_ENTRY_AFTER,
)


@pytest.mark.slow
def test_template_status_reports_versions_and_changes(tmp_path: Path) -> None:
    repo = build_template_repo(tmp_path / "template", [CHANGELOG_V2]).path
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


# ------------------------------------------------ dependency bot and pre-commit
# (Owners: CODEOWNERS and docs/lifecycle.md's table are checked in test_ownership.py.)


def test_dependabot_ignores_exactly_the_actions_the_template_pins(render) -> None:
    project = render(project_size="large", has_ui=True)
    used = set()
    for workflow in (project / ".github" / "workflows").glob("*.yml"):
        for match in re.finditer(r"uses:\s*([^\s@]+)@", workflow.read_text()):
            used.add(match.group(1))
    config = yaml.safe_load((project / ".github" / "dependabot.yml").read_text())
    actions = next(u for u in config["updates"] if u["package-ecosystem"] == "github-actions")
    ignored = {rule["dependency-name"] for rule in actions["ignore"]}
    assert used, "the template's workflows use no actions?"
    assert ignored == used
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert ecosystems == {"uv", "github-actions"}


def test_pre_commit_and_ci_run_the_leftover_guard(render, tmp_path: Path) -> None:
    project = editable_copy(render(project_size="small"), tmp_path)
    hooks = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    hook = next(h for h in hooks if h["id"] == "update-leftovers")
    ci = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    lint_steps = "\n".join(step.get("run", "") for step in ci["jobs"]["lint"]["steps"])
    assert hook["entry"] in lint_steps
    # The hook's own command, as pre-commit runs it on the staged files.
    (project / "notes.md").write_text("<<<<<<< before updating\nmine\n")
    command = [*hook["entry"].split(), "notes.md", "README.md"]
    result = run(command, project, check=False)
    assert result.returncode == 1
    assert "notes.md: conflict markers on lines 1;" in result.stdout
