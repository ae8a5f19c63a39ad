"""The generated GitHub Actions workflows are valid, safe and keep the process's promises.

actionlint and zizmor come from PyPI wheels that ship their binaries (see
pyproject.toml), so this runs offline. Every kind and size is linted and
audited (zizmor at medium severity or higher finds nothing); the test-plan reminder
follows the size's cadence; the release runs on a version tag, repeats CI and
publishes (or, from medium up, drafts) a GitHub release; and CI, pre-commit
and the README give the same commands.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import KINDS, SIZES, TEST_ANSWERS, editable_copy, git, outputs, run

MATRIX = [(kind, size) for kind in KINDS for size in SIZES]
WORKFLOWS = ("ci.yml", "test-plan.yml", "release.yml", "template-update.yml")
# The manual test plan reminder runs every Monday; the lifecycle check (VAL07)
# decides from the execution log whether the plan is due at the size's cadence.
REMINDER_CRON = "0 9 * * 1"
CADENCE = {"small": "twice a year", "medium": "every quarter", "large": "every month"}


def dev_tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one of the template's dev tools (installed beside this Python) in ``cwd``."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed: run `uv sync` for the template's dev tools")
    return run([found, *args], cwd, check=False)


def zizmor(project: Path) -> subprocess.CompletedProcess[str]:
    """Audit a project's workflows and Dependabot file as a security reviewer would.

    ``--offline``: no GitHub API calls; ``--no-config``: nothing in the project
    can silence an audit.
    """
    args = ("--offline", "--no-config", "--min-severity", "medium", ".")
    return dev_tool("zizmor", *args, cwd=project)


def lint(project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return dev_tool("actionlint", "-no-color", *files, cwd=project)


def write_workflow(project: Path, name: str, step: str) -> None:
    """A one-job, one-step workflow that grants no permissions."""
    workflow = project / ".github" / "workflows" / name
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      {step}\n"
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
    write_workflow(tmp_path, "broken.yml", "- run: echo ${{ github.no_such_context }}")
    result = lint(tmp_path, ".github/workflows/broken.yml")
    assert result.returncode != 0
    assert "no_such_context" in result.stdout


@pytest.mark.parametrize("size", SIZES)
def test_test_plan_reminder_follows_the_size_cadence(kind_size_projects, size: str) -> None:
    workflow = load(kind_size_projects["service", size], "test-plan.yml")
    on = triggers(workflow)
    assert [entry["cron"] for entry in on["schedule"]] == [REMINDER_CRON]
    assert "workflow_dispatch" in on
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["open-issue"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    opening = job["steps"][-1]
    assert opening["if"] == "steps.due.outputs.due == 'true'"
    assert "gh issue create" in opening["run"]
    assert "docs/test-plan.md" in opening["run"]
    assert "--state open" in opening["run"]  # no second issue while one is open
    assert "execution log" in opening["run"]  # every size logs its runs
    assert CADENCE[size] in opening["run"]


def decision_step(
    project: Path, tmp_path: Path, event: str, epoch: int
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the reminder's decision step exactly as GitHub runs it; return it, its outputs file."""
    [step] = [
        step
        for step in load(project, "test-plan.yml")["jobs"]["open-issue"]["steps"]
        if step.get("id") == "due"
    ]
    output = tmp_path / f"output-{event}-{epoch}"
    output.write_text("")
    env = {
        **os.environ,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_EVENT_NAME": event,
        "RUNNER_TEMP": str(tmp_path),
        "SOURCE_DATE_EPOCH": str(epoch),
    }
    return run(
        ["bash", "-eo", "pipefail", "-c", step["run"]], project, env=env, check=False
    ), output


def decide(project: Path, tmp_path: Path, event: str, epoch: int) -> dict[str, str]:
    """Run the reminder's decision step; return its outputs (the step must succeed)."""
    result, output = decision_step(project, tmp_path, event, epoch)
    assert result.returncode == 0, outputs(result)
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


@pytest.mark.parametrize(
    ("broken", "text", "line"),
    [
        (".lifecycle/waivers.toml", '[[waiver]]\ncode = "VAL07\n', 2),
        (".lifecycle/process.json", "{not json", 1),
    ],
)
def test_the_reminder_stops_with_the_tools_line_when_the_check_cannot_run(
    kind_size_projects, tmp_path: Path, broken: str, text: str, line: int
) -> None:
    """Exit 3 is not "findings": the step says the tool's line, decides nothing, reads no JSON."""
    project = editable_copy(kind_size_projects["library", "small"], tmp_path / "project")
    (project / broken).write_text(text)
    result, output = decision_step(project, tmp_path, "schedule", 0)
    said = result.stdout + result.stderr
    assert result.returncode == 3, said
    assert f"::error title=Lifecycle check could not run (exit 3)::{broken}:{line}: " in said
    assert f"lifecycle.py: {broken}:{line}: is not valid " in result.stderr
    assert "Traceback" not in said and "JSONDecodeError" not in said
    assert output.read_text() == "", "no decision, no issue"


def log_a_run(project: Path, date: datetime.date) -> None:
    """Replace the execution log's placeholder row by a run on ``date``."""
    plan = project / "docs" / "test-plan.md"
    lines = plan.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("| _TODO: YYYY-MM-DD_"))
    lines[at] = f"| {date} | abc1234 | staging | @ana | pass | none |\n"
    plan.write_text("".join(lines))


@pytest.mark.parametrize("size", SIZES)
def test_the_reminder_opens_an_issue_only_when_the_check_says_the_plan_is_overdue(
    kind_size_projects, tmp_path: Path, size: str
) -> None:
    project = editable_copy(kind_size_projects["library", size], tmp_path / "project")
    today = datetime.date.today()
    epoch = int(
        datetime.datetime(today.year, today.month, today.day, tzinfo=datetime.UTC).timestamp()
    )
    day = 86400
    # A fresh repository: the plan is due from the day its first piece of work started.
    assert decide(project, tmp_path, "schedule", epoch)["due"] == "false"
    log_a_run(project, today - datetime.timedelta(days=10))
    assert decide(project, tmp_path, "schedule", epoch)["due"] == "false"
    assert decide(project, tmp_path, "workflow_dispatch", epoch)["due"] == "true"
    late = decide(project, tmp_path, "schedule", epoch + 400 * day)
    assert late["due"] == "true"
    assert late["detail"].startswith(f"warn: last run {today - datetime.timedelta(days=10)}")
    assert CADENCE[size] in late["detail"]
    # No piece of work: the check is advisory (exit 0), the outcome still decides.
    shutil.rmtree(project / "docs" / "work")
    assert decide(project, tmp_path, "schedule", epoch + 400 * day)["due"] == "true"
    assert decide(project, tmp_path, "schedule", epoch)["due"] == "false"
    (project / ".lifecycle" / "waivers.toml").write_text(
        '[[waiver]]\ncode = "VAL07"\nreason = "Run by the platform team"\n'
    )
    waived = decide(project, tmp_path, "schedule", epoch + 400 * day)
    assert waived["due"] == "false" and waived["detail"].startswith("waived: ")


FAKE_GH = """#!/usr/bin/env bash
# Answers `gh issue list` with no open issue and records every other call's arguments.
if [ "$1 $2" = "issue list" ]; then echo 0; exit 0; fi
printf '%s\\0' "$@" >> "$GH_CALLS"
"""


def opened_issue(project: Path, tmp_path: Path) -> str:
    """Run the reminder's issue step with a stand-in gh; return the body it sent."""
    [step] = [
        step
        for step in load(project, "test-plan.yml")["jobs"]["open-issue"]["steps"]
        if "gh issue create" in step.get("run", "")
    ]
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir(exist_ok=True)
    (bin_folder / "gh").write_text(FAKE_GH)
    (bin_folder / "gh").chmod(0o755)
    calls = tmp_path / "calls"
    calls.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
        "GH_CALLS": str(calls),
        "GH_REPO": "acme/billing",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": "abc1234",
        "LABEL": "manual-test-plan",
        "CADENCE": "warn: last run 2025-01-01",
    }
    result = run(["bash", "-eo", "pipefail", "-c", step["run"]], project, env=env, check=False)
    assert result.returncode == 0, outputs(result)
    created = calls.read_text().split("\0")
    return created[created.index("--body") + 1]


def who_line(body: str) -> str:
    return next(line for line in body.splitlines() if line.startswith("Who: "))


def test_the_reminder_issue_names_the_owner_the_plan_names(
    kind_size_projects, tmp_path: Path
) -> None:
    """The handle in the plan's Owner section, not the owner answered at copy time."""
    project = editable_copy(kind_size_projects["service", "medium"], tmp_path / "project")
    plan = project / "docs" / "test-plan.md"
    text = plan.read_text()
    # While the section is a _TODO_, the repository's owner is the plan's owner.
    assert "## Owner\n\n_TODO" in text
    default = who_line(opened_issue(project, tmp_path))
    assert default.startswith(f"Who: the plan owner, {TEST_ANSWERS['owner']}, keeps it current")
    assert "by default" not in default
    named = text.replace(
        text[text.index("## Owner") :].split("\n\n")[1],
        "Ana (@ana-qa) owns the plan; $(touch pwned) stays text.",
    )
    plan.write_text(named)
    who = who_line(opened_issue(project, tmp_path))
    assert who == (
        "Who: the plan owner, @ana-qa, keeps it current and makes sure it runs;"
        " any team member can run it."
    )
    assert not list(project.rglob("pwned"))
    # A small plan has no Owner section: its Who line names the project lead.
    small = editable_copy(kind_size_projects["service", "small"], tmp_path / "small")
    assert f"the project lead ({TEST_ANSWERS['owner']})" in who_line(opened_issue(small, tmp_path))


@pytest.mark.parametrize("size", SIZES)
def test_release_runs_on_version_tags_and_repeats_ci(kind_size_projects, size: str) -> None:
    workflow = load(kind_size_projects["library", size], "release.yml")
    assert triggers(workflow) == {"push": {"tags": ["v*"]}}
    jobs = workflow["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/ci.yml"
    assert "workflow_call" in triggers(load(kind_size_projects["library", size], "ci.yml"))
    assert jobs["build"]["needs"] == "checks"
    # A library publishes to PyPI first, then makes the GitHub release.
    assert jobs["publish"]["needs"] == "build"
    assert jobs["release"]["needs"] == "publish"
    assert workflow["permissions"] == {}
    assert jobs["checks"]["permissions"] == jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["release"]["permissions"] == {"contents": "write"}
    # Trusted publishing: only the publish job may mint an OIDC token, in the pypi environment.
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["publish"]["environment"]["name"] == "pypi"
    publish = jobs["publish"]["steps"][-1]["uses"]
    assert re.fullmatch(r"pypa/gh-action-pypi-publish@[0-9a-f]{40}", publish)
    for name, job in jobs.items():
        assert name == "publish" or "id-token" not in job.get("permissions", {}), name
    service = load(kind_size_projects["service", size], "release.yml")["jobs"]
    assert "publish" not in service and service["release"]["needs"] == "build"
    # A tag-triggered build never restores a cache a pull request could have written.
    setup_uv = next(s for s in jobs["build"]["steps"] if "setup-uv" in s.get("uses", ""))
    assert setup_uv["with"]["enable-cache"] is False
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
    # Shell control around a command (mypy runs only where pyproject.toml configures
    # it, so an update never turns an old repository's CI red) is not a command.
    # An `else` branch is the fallback for repositories made before a tool was
    # configured in their pyproject.toml; new repositories run the `then` branch.
    control = ("if ", "else", "fi", "echo ")
    fallback = False
    for command in ci:
        if command.startswith(("else", "fi")):
            fallback = command.startswith("else")
            continue
        if fallback or command.startswith(control) or command.startswith(".github/"):
            continue
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


@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_workflows_pass_zizmor(kind_size_projects, kind: str, size: str) -> None:
    result = zizmor(kind_size_projects[kind, size])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_catches_an_unpinned_action(kind_size_projects, tmp_path: Path) -> None:
    """The auditor really runs: a tag-pinned checkout that keeps its credentials is found."""
    write_workflow(tmp_path, "unsafe.yml", "- uses: actions/checkout@v5")
    result = zizmor(tmp_path)
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout
    assert "artipacked" in result.stdout


PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40})  # (v\d+\.\d+\.\d+)$")


@pytest.mark.parametrize("size", SIZES)
def test_jobs_are_pinned_bounded_and_least_privileged(kind_size_projects, size: str) -> None:
    """Each action by commit with its version; each job a timeout and its own permissions."""
    project = kind_size_projects["service", size]
    pins: dict[str, set[tuple[str, str]]] = {}
    for name in WORKFLOWS:
        text = (project / ".github" / "workflows" / name).read_text()
        for line in text.splitlines():
            if re.match(r"^\s*(?:- )?uses: ", line) and "uses: ./" not in line:
                match = PINNED.match(line)
                assert match, f"{name}: {line.strip()} is not pinned by commit with a # vX.Y.Z"
                pins.setdefault(match[1], set()).add((match[2], match[3]))
        workflow = load(project, name)
        assert workflow["permissions"] == {}, f"{name} grants permissions to every job"
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}: job {job_name} has no permissions"
            if "steps" in job:  # a job calling a reusable workflow has no timeout of its own
                assert 0 < job["timeout-minutes"] <= 30, f"{name}: job {job_name}"
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, name
    # One version of each action across the workflows, so one template change updates it.
    assert all(len(versions) == 1 for versions in pins.values()), pins
    ci = load(project, "ci.yml")
    assert ci["concurrency"]["group"].startswith("ci-")
    assert ci["concurrency"]["cancel-in-progress"] is True


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_ci_lint_job_passes_in_the_synced_project(
    synced_project, tmp_path: Path, kind: str, size: str
) -> None:
    """Every command of CI's lint job (ruff, mypy, zizmor, mdformat, leftovers) passes."""
    project = editable_copy(synced_project(kind, size), tmp_path)
    git("init", "--quiet", cwd=project)  # CI checks out a git repository
    git("add", "-A", cwd=project)
    lint_job = load(project, "ci.yml")["jobs"]["lint"]
    scripts = [
        step["run"] for step in lint_job["steps"] if "run" in step and "uv sync" not in step["run"]
    ]
    assert any("zizmor" in script and "mypy" in script for script in scripts)
    for script in scripts:
        # As GitHub runs a `run:` block: the whole script, in bash, stopping at the first error.
        run(["bash", "-eo", "pipefail", "-c", script], project)


def test_ci_names_conflict_markers_before_any_formatter_runs(render, tmp_path: Path) -> None:
    """A conflicted template-update pull request: CI's lint step fails on the markers first."""
    project = editable_copy(render(), tmp_path)
    git("init", "-q", cwd=project)
    checklist = project / "docs" / "release-checklist.md"
    checklist.write_text(
        checklist.read_text()
        + "<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n"
    )
    git("add", "-A", cwd=project)
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    lint_step = next(
        step
        for step in workflow["jobs"]["lint"]["steps"]
        if step.get("name", "").startswith("Lint")
    )
    assert lint_step["run"].splitlines()[0] == "python3 tools/check_leftovers.py"
    # No uv on PATH: a command after the check would fail with "command not found".
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    result = run(["bash", "-e", "-c", lint_step["run"]], project, check=False, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "docs/release-checklist.md" in output, output
    assert "conflict markers" in output and "command not found" not in output, output
