"""The generated GitHub Actions workflows are valid and keep the process's promises.

actionlint comes from a PyPI wheel that ships its binary (see pyproject.toml),
so this runs offline. Every kind and size is linted; the test-plan reminder
follows the size's cadence; the release runs on a version tag, repeats CI and
publishes (or, from medium up, drafts) a GitHub release; and CI, pre-commit
and the README give the same commands.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import KINDS, SIZES

MATRIX = [(kind, size) for kind in KINDS for size in SIZES]
WORKFLOWS = ("ci.yml", "test-plan.yml", "release.yml", "template-update.yml")
# Cron expressions of the manual test plan reminder, documented in test-plan.yml.
CADENCE = {
    "small": "0 9 1 1,7 *",  # twice a year
    "medium": "0 9 1 1,4,7,10 *",  # quarterly
    "large": "0 9 1 * *",  # monthly
}


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("actionlint is not installed: run `uv sync` for the template's dev tools")
    return found


def lint(project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-no-color", *files],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def load(project: Path, name: str) -> dict:
    return yaml.safe_load((project / ".github" / "workflows" / name).read_text())


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as True.
    return workflow.get("on", workflow.get(True))


def run_lines(workflow: dict) -> list[str]:
    lines = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            lines.extend(line.strip() for line in step.get("run", "").splitlines())
    return [line for line in lines if line]


@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_workflows_pass_actionlint(kind_size_projects, kind: str, size: str) -> None:
    project = kind_size_projects[kind, size]
    found = sorted(p.name for p in (project / ".github" / "workflows").glob("*.yml"))
    assert found == sorted(WORKFLOWS)
    result = lint(project, *(f".github/workflows/{name}" for name in WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(kind_size_projects, tmp_path: Path) -> None:
    """The linter really runs: a typo in an expression is an error."""
    workflow = tmp_path / ".github" / "workflows" / "broken.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.no_such_context }}\n"
    )
    result = lint(tmp_path, ".github/workflows/broken.yml")
    assert result.returncode != 0
    assert "no_such_context" in result.stdout


@pytest.mark.parametrize("size", SIZES)
def test_test_plan_reminder_follows_the_size_cadence(kind_size_projects, size: str) -> None:
    workflow = load(kind_size_projects["service", size], "test-plan.yml")
    on = triggers(workflow)
    assert [entry["cron"] for entry in on["schedule"]] == [CADENCE[size]]
    assert "workflow_dispatch" in on
    assert workflow["permissions"]["issues"] == "write"
    script = "\n".join(run_lines(workflow))
    assert "gh issue create" in script
    assert "docs/test-plan.md" in script
    assert "--state open" in script  # no second issue while one is open
    assert ("execution log" in script) == (size != "small")


@pytest.mark.parametrize("size", SIZES)
def test_release_runs_on_version_tags_and_repeats_ci(kind_size_projects, size: str) -> None:
    workflow = load(kind_size_projects["library", size], "release.yml")
    assert triggers(workflow) == {"push": {"tags": ["v*"]}}
    jobs = workflow["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/ci.yml"
    assert "workflow_call" in triggers(load(kind_size_projects["library", size], "ci.yml"))
    assert jobs["build"]["needs"] == "checks"
    assert jobs["release"]["needs"] == "build"
    assert workflow["permissions"] == {"contents": "read"}
    assert jobs["release"]["permissions"] == {"contents": "write"}
    script = "\n".join(run_lines(workflow))
    assert "uv version --short" in script  # the tag must match pyproject.toml
    assert "uv build" in script
    assert "gh release create" in script
    assert "docs/release-checklist.md" in script
    # From medium up a named person makes the go/no-go call: the release is a draft.
    assert ("--draft" in script) == (size != "small")


@pytest.mark.parametrize("kind", KINDS)
def test_ci_pre_commit_and_readme_give_the_same_commands(kind_size_projects, kind: str) -> None:
    project = kind_size_projects[kind, "small"]
    ci = run_lines(load(project, "ci.yml"))
    readme = (project / "README.md").read_text()
    tests_section = readme.split("## Tests", 1)[1].split("\n## ", 1)[0]
    setup_section = readme.split("## Development setup", 1)[1].split("\n## ", 1)[0]
    for command in ci:
        if command.startswith("uv sync"):
            assert command in setup_section, command
        else:
            assert command in tests_section, f"CI runs {command!r}; the README does not say so"
    assert any(line.startswith("uv run pytest --cov") for line in ci)
    # The docs and Markdown tools come from the process-owned tools/requirements.txt,
    # never from the team's pyproject.toml (an update must not need a hand edit there).
    tools = "uv run --with-requirements tools/requirements.txt"
    assert any(line.startswith(f"{tools} sphinx-build -W") for line in ci)
    for line in ci:
        if "sphinx" in line or "mdformat" in line:
            assert line.startswith(f"{tools} "), line
    required = (project / "tools" / "requirements.txt").read_text()
    for package in ("sphinx", "myst-parser", "sphinxcontrib-mermaid", "furo", "mdformat-gfm"):
        assert f"\n{package}>=" in required, package
    hooks = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    for repo in hooks["repos"]:
        assert repo["repo"] == "local"  # nothing downloaded from GitHub
        for hook in repo["hooks"]:
            assert hook["language"] == "system"
            # Each hook is the fixing form of a command CI checks.
            tool = re.sub(r" --fix$", "", hook["entry"])
            assert any(line.startswith(tool) for line in ci), hook["entry"]
