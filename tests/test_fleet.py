"""Keeping a fleet current: `template_status.py --apply`, its workflow, and Renovate's command.

Real template versions (``tests/update_harness.py``), real copier, real git,
offline. The tool's ``$GITHUB_OUTPUT`` values are read from real runs, and the
workflow's ``if:`` conditions are evaluated against them: a tool that always
wrote ``behind=false`` would leave the update job idle, and a test here fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from copier import run_copy

from .conftest import GIT_IDENTITY, KINDS, ROOT, SIZES, copier_cli, run
from .test_commands import stray_tool_commands
from .update_harness import (
    AddText,
    TemplateRepo,
    add_migration,
    build_template_repo,
    commit_all,
    conflicted,
    copy_project,
    generated_files,
)

pytestmark = pytest.mark.slow

WORKFLOW = Path(".github/workflows/template-update.yml")  # as rendered in a project
COPIER = f"{sys.executable} -m copier"
ANSWERS = {"project_name": "Acme Billing", "project_kind": "service", "project_size": "small"}
BRANCH = "template-update/2.0.0"

CHANGES = (
    AddText(
        "CHANGELOG.md",
        "\n## v2.0.0\n\n### Process changes\n- Release checklist: confirm the rollback plan.\n\n"
        "### What a team must do\n- Nothing.\n",
        after="## Unreleased",
    ),
    AddText("template/.gitignore", "*.sqlite3"),
    AddText(
        "extensions/process.yml",
        "  - text: The rollback plan was tried on the release candidate.\n"
        "    phase: candidate\n    min_size: small",
        after="release_checklist:",
    ),
    # A new section in the team-owned test plan: the update's sync adds it.
    AddText(
        "extensions/process.yml",
        "  - title: Accessibility checks\n    min_size: small\n"
        '    text: "_TODO: keyboard-only and screen-reader checks for each flow._"',
        after="test_plan_sections:",
    ),
)


@dataclass
class ToolRun:
    """One run of the tool: its result, the outputs it wrote and the body file."""

    result: subprocess.CompletedProcess[str]
    outputs: dict[str, str]
    body: str


class AppliedProject(NamedTuple):
    """A project the tool ran on with --apply, and the commit its main had before."""

    project: Path
    main_before: str
    applied: ToolRun


class CurrentProject(NamedTuple):
    """A project already current, its HEAD before, and the tool's check and --apply runs."""

    project: Path
    head_before: str
    checked: ToolRun
    applied: ToolRun


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    return build_template_repo(tmp_path_factory.mktemp("fleet") / "lifecycle", CHANGES)


def status(project: Path, *args: str) -> ToolRun:
    """Run the project's own tool as the workflow does, with a fresh $GITHUB_OUTPUT."""
    outputs, body = project.parent / "github-output", project.parent / "pull-request.md"
    for path in (outputs, body):
        path.unlink(missing_ok=True)
    env = {**os.environ, **GIT_IDENTITY, "GITHUB_OUTPUT": str(outputs)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    env.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "tools/template_status.py", "--copier", COPIER, *args]
    result = run([*command, "--summary", str(body)], project, env=env, check=False)
    written = dict(
        line.split("=", 1) for line in outputs.read_text().splitlines()
    ) if outputs.exists() else {}  # fmt: skip
    return ToolRun(result, written, body.read_text() if body.exists() else "")


def head(project: Path, ref: str = "HEAD") -> str:
    return run(["git", "rev-parse", ref], project).stdout.strip()


def show(project: Path, ref: str, path: str) -> str:
    return run(["git", "show", f"{ref}:{path}"], project).stdout


@pytest.fixture(scope="module")
def behind(template_repo: TemplateRepo, tmp_path_factory: pytest.TempPathFactory) -> AppliedProject:
    """A project one version behind, updated with --apply."""
    project = copy_project(template_repo.path, template_repo.v1,
                     tmp_path_factory.mktemp("behind") / "acme-billing", ANSWERS)  # fmt: skip
    main = head(project)
    return AppliedProject(project, main, status(project, "--apply"))


@pytest.fixture(scope="module")
def conflicting(template_repo: TemplateRepo, tmp_path_factory: pytest.TempPathFactory):
    """A project one version behind whose team edited the line the template changes."""
    project = copy_project(template_repo.path, template_repo.v1,
                     tmp_path_factory.mktemp("conflict") / "acme-billing", ANSWERS)  # fmt: skip
    with (project / ".gitignore").open("a") as gitignore:
        gitignore.write("/local-data/\n")
    commit_all(project, "Our own ignore rule")
    return project, status(project, "--apply")


@pytest.fixture(scope="module")
def current(
    template_repo: TemplateRepo, tmp_path_factory: pytest.TempPathFactory
) -> CurrentProject:
    """A project already at the latest version."""
    project = copy_project(template_repo.path, template_repo.v2,
                     tmp_path_factory.mktemp("current") / "acme-billing", ANSWERS)  # fmt: skip
    before = head(project)
    return CurrentProject(project, before, status(project), status(project, "--apply"))


# ------------------------------------------------------------------ --apply
def test_apply_updates_on_a_new_branch_and_leaves_main_alone(behind) -> None:
    project, main, step = behind.project, behind.main_before, behind.applied
    assert step.result.returncode == 0, step.result.stderr
    assert head(project, "main") == main
    assert "*.sqlite3" not in show(project, "main", ".gitignore")
    assert run(["git", "branch", "--show-current"], project).stdout.strip() == BRANCH
    assert "*.sqlite3" in show(project, BRANCH, ".gitignore").splitlines()
    assert "_commit: v2.0.0" in show(project, BRANCH, ".copier-answers.yml")
    assert head(project, f"{BRANCH}~1") == main  # one commit on top of main
    subject = run(["git", "log", "-1", "--format=%s", BRANCH], project).stdout.strip()
    assert subject == "Update to lifecycle template 2.0.0"
    assert run(["git", "status", "--porcelain"], project).stdout == ""


def test_apply_body_names_both_versions_and_the_changelog_entries(behind) -> None:
    step = behind.applied
    body = step.body
    assert "from lifecycle template version 1.0.0 to 2.0.0" in body
    assert "## Process changes between 1.0.0 and 2.0.0" in body
    assert "- Release checklist: confirm the rollback plan." in body
    assert "### v2.0.0\n" in body  # the changelog's headings, one level down
    assert "#### What a team must do" in body
    assert "Unreleased" not in body
    assert "None: every template change merged cleanly" in body
    assert f"git switch {BRANCH}" in body
    assert step.result.stdout.strip() == body.strip()


def test_apply_body_lists_what_the_updates_sync_added(behind) -> None:
    body = behind.applied.body
    assert "## Added by `python3 tools/lifecycle.py sync`" in body
    # Every command the body gives is spelled as process.yml says (the changelog's
    # entries, quoted between its heading and "Full changelog:", are the template's words).
    written = body.split("\n## Process changes", 1)[0] + body.split("\nFull changelog:", 1)[1]
    assert not stray_tool_commands(written), stray_tool_commands(written)
    assert "- added '## Accessibility checks' to docs/test-plan.md" in body
    assert "- sync: added 1 section(s)." in body
    assert "## Accessibility checks" in show(behind.project, BRANCH, "docs/test-plan.md")


def test_apply_outputs_for_a_clean_update(behind) -> None:
    step = behind.applied
    assert step.outputs == {
        "behind": "true",
        "current": "1.0.0",
        "version": "2.0.0",
        "branch": BRANCH,
        "conflicts": "false",
    }


def test_apply_lists_conflicted_files_and_says_so(conflicting) -> None:
    project, step = conflicting
    assert step.result.returncode == 0, step.result.stderr
    assert step.outputs["conflicts"] == "true"
    assert step.outputs["behind"] == "true"
    assert "- `.gitignore`" in step.body
    assert "None: every template change" not in step.body
    committed = show(project, BRANCH, ".gitignore")
    assert conflicted(committed)  # committed as found, for the team to resolve in the PR
    assert "/local-data/" in committed and "*.sqlite3" in committed
    assert "/local-data/" in show(project, "main", ".gitignore")
    assert "*.sqlite3" not in show(project, "main", ".gitignore")
    subject = run(["git", "log", "-1", "--format=%s", BRANCH], project).stdout.strip()
    assert subject == "Update to lifecycle template 2.0.0 (with conflicts to resolve)"


def test_current_repo_is_reported_and_nothing_is_created(current) -> None:
    project, before, check, applied = current  # a CurrentProject
    for step in (check, applied):
        assert step.result.returncode == 0, step.result.stderr
        assert step.outputs["behind"] == "false"
        assert step.outputs["version"] == "2.0.0"
    assert check.outputs == {"behind": "false", "current": "2.0.0", "version": "2.0.0"}
    assert applied.outputs["conflicts"] == "false" and applied.outputs["branch"] == ""
    assert head(project) == before
    assert run(["git", "branch", "--list", "template-update/*"], project).stdout == ""
    assert run(["git", "status", "--porcelain"], project).stdout == ""


def test_check_mode_outputs_say_behind(template_repo, tmp_path: Path) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    before = head(project)
    step = status(project)
    assert step.outputs == {"behind": "true", "current": "1.0.0", "version": "2.0.0"}
    assert head(project) == before
    assert run(["git", "branch", "--list", "template-update/*"], project).stdout == ""


def test_apply_refuses_a_dirty_tree_and_an_existing_branch(template_repo, tmp_path) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    (project / "notes.txt").write_text("work in progress\n")
    step = status(project, "--apply")
    assert step.result.returncode == 1
    assert step.result.stderr.strip().count("\n") == 0  # one line
    assert "uncommitted or untracked files" in step.result.stderr
    assert step.outputs == {}
    assert run(["git", "branch", "--list", "template-update/*"], project).stdout == ""
    (project / "notes.txt").unlink()
    run(["git", "branch", BRANCH], project)
    step = status(project, "--apply")
    assert step.result.returncode == 1
    assert f"branch {BRANCH} already exists" in step.result.stderr
    assert run(["git", "status", "--porcelain"], project).stdout == ""


@dataclass(frozen=True)
class FailingMigration:
    """A v2 migration that exits non-zero after copier has written the new files."""

    def apply(self, template: Path) -> None:
        command = ["{{ _copier_python }}", "-c", "import sys; sys.exit(3)"]
        add_migration(template / "copier.yml", "v2.0.0", command)


def test_apply_puts_everything_back_when_copier_fails(tmp_path: Path) -> None:
    broken = build_template_repo(tmp_path / "lifecycle", [*CHANGES, FailingMigration()])
    project = copy_project(broken.path, broken.v1, tmp_path / "acme-billing", ANSWERS)
    before = head(project)
    step = status(project, "--apply")
    assert step.result.returncode == 1
    assert "copier update failed; nothing changed" in step.result.stderr
    assert step.outputs == {}
    assert run(["git", "branch", "--show-current"], project).stdout.strip() == "main"
    assert head(project) == before
    assert run(["git", "status", "--porcelain", "--ignored"], project).stdout == ""
    assert run(["git", "branch", "--list", "template-update/*"], project).stdout == ""


def test_apply_with_another_answers_file_updates_a_layered_repo(template_repo, tmp_path) -> None:
    """Answers in .copier-answers.lifecycle.yml, another template's in .copier-answers.yml."""
    project, answers_file = tmp_path / "acme-billing", ".copier-answers.lifecycle.yml"
    run_copy(str(template_repo.path), project, data=ANSWERS, vcs_ref=template_repo.v1,
             answers_file=answers_file, defaults=True, unsafe=True, quiet=True)  # fmt: skip
    other = "_commit: v3.1.0\n_src_path: gh:acme/python-base\nlicense: MIT\n"
    (project / ".copier-answers.yml").write_text(other)
    run(["git", "init", "-q", "-b", "main"], project)
    commit_all(project, "Layered on two templates")
    main = head(project)
    # The workflow copier rendered here passes this answers file to both runs of the tool.
    loaded = workflow(project)
    assert loaded["env"]["ANSWERS_FILE"] == answers_file
    tool_runs = [step["run"] for job in loaded["jobs"].values() for step in job["steps"]
                 if "tools/template_status.py" in step.get("run", "")]  # fmt: skip
    assert len(tool_runs) == 2, tool_runs
    assert all('--answers-file "$ANSWERS_FILE"' in command for command in tool_runs), tool_runs
    step = status(project, "--apply", "--answers-file", answers_file)
    assert step.result.returncode == 0, step.result.stderr
    assert step.outputs == {"behind": "true", "current": "1.0.0", "version": "2.0.0",
                            "branch": BRANCH, "conflicts": "false"}  # fmt: skip
    assert run(["git", "branch", "--show-current"], project).stdout.strip() == BRANCH
    assert head(project, "main") == main
    assert "Release checklist: confirm the rollback plan." in step.body
    assert "*.sqlite3" in show(project, BRANCH, ".gitignore")
    assert "_commit: v2.0.0" in show(project, BRANCH, answers_file)
    assert show(project, BRANCH, ".copier-answers.yml") == other  # the other template's
    assert run(["git", "status", "--porcelain"], project).stdout == ""


def test_an_answers_file_that_is_not_there_is_refused(template_repo, tmp_path) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    step = status(project, "--apply", "--answers-file", ".copier-answers.lifecycle.yml")
    assert step.result.returncode == 1
    assert step.result.stderr.strip().count("\n") == 0  # one line
    assert "--answers-file: .copier-answers.lifecycle.yml is not a file" in step.result.stderr
    assert step.outputs == {}
    assert run(["git", "branch", "--list", "template-update/*"], project).stdout == ""


# ----------------------------------------------------------------- workflow
OUTPUT_REFERENCE = re.compile(r"\b(steps|needs)\.([\w-]+)\.outputs\.([\w-]+)")
CONDITION = re.compile(r"^(steps|needs)\.([\w-]+)\.outputs\.([\w-]+) == '(\w+)'$")


def workflow(project: Path) -> dict:
    """The update workflow as copier rendered it for ``project``."""
    return yaml.safe_load((project / WORKFLOW).read_text())


def tool_steps(job: dict) -> dict[str, str]:
    """Step id -> mode, for the steps that run template_status.py."""
    return {
        step["id"]: "apply" if "--apply" in step["run"] else "check"
        for step in job.get("steps", [])
        if "tools/template_status.py" in step.get("run", "")
    }


def resolve(kind: str, name: str, key: str, job: dict, jobs: dict) -> tuple[str, str] | None:
    """Map an output reference to (mode, key) of the tool; None for another step's output."""
    if kind == "needs":
        value = jobs[name]["outputs"][key]
        inner = OUTPUT_REFERENCE.search(value)
        assert inner, value
        return resolve(*inner.groups(), jobs[name], jobs)
    mode = tool_steps(job).get(name)
    return (mode, key) if mode else None


def references(jobs: dict):
    """Every (job, text, reference) where the workflow reads a step or job output."""
    for job_name, job in jobs.items():
        texts = [job.get("if", ""), *job.get("outputs", {}).values()]
        for step in job.get("steps", []):
            texts += [step.get("if", ""), step.get("run", ""), *step.get("env", {}).values()]
        for text in texts:
            for match in OUTPUT_REFERENCE.finditer(str(text)):
                yield job_name, match.groups()


def test_workflow_reads_only_outputs_the_tool_writes(behind, current) -> None:
    """And reads the decisions: behind (both modes) and conflicts (apply)."""
    written = {"check": set(current[2].outputs), "apply": set(behind[2].outputs)}
    jobs = workflow(behind.project)["jobs"]
    read: dict[str, set[str]] = {"check": set(), "apply": set()}
    for job_name, (kind, name, key) in references(jobs):
        found = resolve(kind, name, key, jobs[job_name], jobs)
        if found:
            mode, key = found
            assert key in written[mode], f"the workflow reads {key!r}; {mode} mode never writes it"
            read[mode].add(key)
    assert "behind" in read["check"]
    assert {"behind", "branch", "version", "conflicts"} <= read["apply"]


def runs(condition: str, job: dict, jobs: dict, outputs: dict[str, dict[str, str]],
         others: dict[str, str]) -> bool:  # fmt: skip
    """Evaluate an ``if:`` made of ``X.outputs.Y == 'v'`` terms joined by ``&&``."""
    if not condition:
        return True
    result = True
    for term in condition.split("&&"):
        match = CONDITION.match(term.strip())
        if not match:  # a condition on something else (a secret): not a decision here
            continue
        kind, name, key, expected = match.groups()
        found = resolve(kind, name, key, job, jobs)
        value = outputs[found[0]][found[1]] if found else others[key]
        result = result and value == expected
    return result


def decisions(project: Path, check: ToolRun, apply: ToolRun) -> dict[str, bool]:
    """Which of the update job's steps run, given the tool's real outputs (a push succeeds)."""
    jobs = workflow(project)["jobs"]
    outputs = {"check": check.outputs, "apply": apply.outputs}
    update = jobs["update"]
    taken = {"update job": runs(update["if"], update, jobs, outputs, {})}
    for step in update["steps"]:
        if "name" in step and "if" in step and "env." not in step["if"]:
            taken[step["name"]] = taken["update job"] and runs(
                step["if"], update, jobs, outputs, {"pushed": "true"}
            )
    return taken


def test_workflow_opens_a_pull_request_when_behind(behind, template_repo, tmp_path) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    taken = decisions(project, status(project), behind[2])
    assert taken["update job"]
    assert taken["Push the branch unless someone already worked on it"]
    assert taken["Open or refresh the pull request for this version"]
    assert not taken["Label the pull request as needing conflict resolution"]
    assert taken["Drop the conflict label after a clean refresh"]


def test_workflow_labels_a_conflicted_update(conflicting, template_repo, tmp_path) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    taken = decisions(project, status(project), conflicting[1])
    assert taken["Label the pull request as needing conflict resolution"]
    assert not taken["Drop the conflict label after a clean refresh"]


def test_workflow_stays_idle_when_current(current) -> None:
    check, applied = current.checked, current.applied
    taken = decisions(current.project, check, applied)
    assert not taken["update job"]
    assert not any(taken.values())


def test_workflow_permissions_are_per_job_and_least(behind) -> None:
    loaded = workflow(behind.project)
    assert loaded["permissions"] == {}
    jobs = loaded["jobs"]
    assert jobs["check"]["permissions"] == {"contents": "read"}
    assert jobs["update"]["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    }
    assert loaded["concurrency"]["group"] == "template-update"
    for job in jobs.values():
        assert job["timeout-minutes"] <= 20
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["persist-credentials"] is False
    script = "\n".join(step.get("run", "") for step in jobs["update"]["steps"])
    assert "gh pr create" in script and "--draft" in script
    assert "gh issue" not in script


# ------------------------------------------------------------------ Renovate
def renovate_update(project: Path, version: str, trust: bool = True):
    """The command Renovate's copier manager runs (``--trust`` only with ``allowScripts``)."""
    trusted = ["--trust"] if trust else []
    return copier_cli("update", "--skip-answered", "--defaults", *trusted,
                  "--answers-file", ".copier-answers.yml", "--vcs-ref", version,
                  cwd=project, check=False)  # fmt: skip


RENOVATE_PROJECTS = [("small", "library"), ("medium", "service"), ("large", "library")]
"""Every size once and both kinds, not all six pairs: what Renovate adds to the update
tests (tests/test_update.py, every size and both kinds) is its command line."""


def test_renovate_projects_cover_every_kind_and_size() -> None:
    assert {kind for _, kind in RENOVATE_PROJECTS} == set(KINDS)
    assert {size for size, _ in RENOVATE_PROJECTS} == set(SIZES)


@pytest.mark.parametrize(("size", "kind"), RENOVATE_PROJECTS)
def test_renovate_command_updates_cleanly(template_repo, tmp_path, kind, size) -> None:
    answers = {**ANSWERS, "project_kind": kind, "project_size": size}
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", answers)
    result = renovate_update(project, template_repo.v2)
    assert result.returncode == 0, result.stderr
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text()
    assert "*.sqlite3" in (project / ".gitignore").read_text().splitlines()
    checklist = (project / "docs" / "release-checklist.md").read_text()
    assert "The rollback plan was tried on the release candidate." in checklist
    unmerged = run(["git", "diff", "--name-only", "--diff-filter=U"], project).stdout
    assert unmerged == ""  # nothing for Renovate to flag as conflicted
    for name in generated_files(project):
        assert not conflicted((project / name).read_text()), name
    # The project's own checks still pass on what Renovate would commit.
    run([sys.executable, "tools/check_leftovers.py"], project)
    run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)
    run([sys.executable, "-m", "mdformat", "--check", "README.md", "docs", ".github"], project)
    assert "## Accessibility checks" in (project / "docs" / "test-plan.md").read_text()
    run([sys.executable, "tools/lifecycle.py", "check"], project)  # the update ran sync


def test_renovate_without_allow_scripts_changes_nothing(template_repo, tmp_path) -> None:
    """Without --trust copier refuses the template: the preset's trust setting is needed."""
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    result = renovate_update(project, template_repo.v2, trust=False)
    assert result.returncode != 0
    assert "unsafe" in result.stderr.lower()
    assert run(["git", "status", "--porcelain"], project).stdout == ""


def test_renovate_preset_lets_copier_trust_the_template() -> None:
    preset = json.loads((ROOT / "renovate" / "lifecycle-template.json").read_text())
    rules = [rule for rule in preset["packageRules"] if rule.get("matchManagers") == ["copier"]]
    assert len(rules) == 1
    assert rules[0]["ignoreScripts"] is False
    guide = (ROOT / "docs" / "how-to" / "fleet.md").read_text()
    for setting in ("allowScripts", "ignoreScripts", "renovate/lifecycle-template.json"):
        assert setting in guide, setting


# ------------------------------------------------- the workflow's push step
def push_step(project: Path, remote: Path) -> tuple[str, subprocess.CompletedProcess[str]]:
    """Run the workflow's push script as the runner would, against a local bare remote."""
    step = next(s for s in workflow(project)["jobs"]["update"]["steps"] if s.get("id") == "push")
    output = project.parent / "push-output"
    output.unlink(missing_ok=True)
    run(["git", "fetch", "--quiet", "--prune", "origin"], project)
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "BRANCH": BRANCH,
        "BASE": "main",
        "GH_TOKEN": "token",
        "GITHUB_REPOSITORY": "acme/billing",
        "GITHUB_OUTPUT": str(output),
        # The script pushes to github.com; point that address at the local remote.
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{remote}.insteadOf",
        "GIT_CONFIG_VALUE_0": "https://x-access-token:token@github.com/acme/billing.git",
    }
    result = run(["bash", "-e", "-c", step["run"]], project, env=env)
    return output.read_text().strip(), result


def remote_branch(remote: Path) -> str:
    return run(["git", "rev-parse", f"refs/heads/{BRANCH}"], remote).stdout.strip()


def reapply(project: Path) -> None:
    """Next week's run: a fresh checkout of main, the update made again."""
    run(["git", "switch", "--quiet", "main"], project)
    run(["git", "branch", "--quiet", "-D", BRANCH], project)
    run(["git", "commit", "--quiet", "--allow-empty", "-m", "Main moved on"], project)
    run(["git", "push", "--quiet", "origin", "main"], project)
    assert status(project, "--apply").result.returncode == 0


def test_push_step_never_overwrites_a_branch_people_worked_on(template_repo, tmp_path) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    remote = tmp_path / "remote.git"
    run(["git", "init", "--quiet", "--bare", "-b", "main", str(remote)], tmp_path)
    run(["git", "remote", "add", "origin", str(remote)], project)
    run(["git", "push", "--quiet", "origin", "main"], project)
    assert status(project, "--apply").result.returncode == 0

    # First run: no branch yet, so it is created.
    assert push_step(project, remote)[0] == "pushed=true"
    assert remote_branch(remote) == head(project)

    # A later run while nobody touched the branch: refreshed on top of the new main.
    reapply(project)
    assert push_step(project, remote)[0] == "pushed=true"
    assert remote_branch(remote) == head(project)

    # Someone resolves something on the branch: the next run leaves it alone.
    human = {**os.environ, **GIT_IDENTITY, "GIT_COMMITTER_EMAIL": "ana@example.invalid"}
    run(["git", "commit", "--quiet", "--allow-empty", "-m", "Resolve by hand"], project, env=human)
    run(["git", "push", "--quiet", "origin", BRANCH], project)
    resolved = remote_branch(remote)
    reapply(project)
    outputs, result = push_step(project, remote)
    assert outputs == "pushed=false"
    assert "has commits by people" in result.stdout
    assert remote_branch(remote) == resolved
