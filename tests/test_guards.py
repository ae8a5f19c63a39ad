"""Guards in generated repos: update leftovers never land, and `behind` is reported."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pathspec
import pytest
import yaml

from .conftest import TEST_ANSWERS, editable_copy, git, run, team_owned_paths
from .update_harness import AddText, build_template_repo


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
    after="## Unreleased",
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


# ------------------------------------------------ owners and dependency bot

OWNERSHIP_MATRIX = [(size, ui) for size in ("small", "medium", "large") for ui in (False, True)]


def rendered_files(project: Path) -> set[str]:
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def user_owned(paths: set[str]) -> set[str]:
    spec = pathspec.PathSpec.from_lines("gitignore", team_owned_paths())  # as copier matches it
    return {path for path in paths if spec.match_file(path)}


@pytest.fixture(scope="module")
def sized_projects(render) -> dict[tuple[str, bool], Path]:
    """Read-only projects for each size, with and without a UI."""
    return {(size, ui): render(project_size=size, has_ui=ui) for size, ui in OWNERSHIP_MATRIX}


@pytest.mark.parametrize(("size", "ui"), OWNERSHIP_MATRIX)
def test_codeowners_lists_exactly_the_process_owned_files(sized_projects, size, ui) -> None:
    project = sized_projects[size, ui]
    files = rendered_files(project) - {".copier-answers.yml"}
    process_owned = files - user_owned(files)
    rules = [
        line.split()
        for line in (project / ".github" / "CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert all(owners == [TEST_ANSWERS["owner"]] for _, *owners in rules)
    listed = [path.removeprefix("/") for path, *_ in rules]
    assert len(listed) == len(set(listed))
    assert set(listed) == process_owned


@pytest.mark.parametrize(("size", "ui"), OWNERSHIP_MATRIX)
def test_ownership_table_covers_every_generated_file(sized_projects, size, ui) -> None:
    project = sized_projects[size, ui]
    table = (project / "docs" / "lifecycle.md").read_text().split("## Who owns which file")[1]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1]
    files = rendered_files(project)
    skipped = user_owned(files)
    for path in files:
        owner = rows.get(path) or next(
            (rows[row] for row in rows if row.endswith("/") and path.startswith(row)), None
        )
        assert owner is not None, f"{path} is missing from the ownership table"
        expected = (
            "copier"
            if path == ".copier-answers.yml"
            else ("user" if path in skipped else "process")
        )
        assert owner == expected, path


def test_dependabot_ignores_exactly_the_actions_the_template_pins(sized_projects) -> None:
    project = sized_projects["large", True]
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


def test_pre_commit_and_ci_run_the_leftover_guard(sized_projects, tmp_path: Path) -> None:
    project = editable_copy(sized_projects["small", False], tmp_path)
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
