"""`copier update` runs the project's own `tools/lifecycle.py sync`: the build stays green.

v1 is this working tree; v2 adds a required section to the RFC of medium pieces
of work and to the team-owned test plan (``PROCESS_CHANGES``). A v1 project with
team edits, a piece of work in progress and one marked done is updated with the
real copier command line; then the generated CI job ``lifecycle`` runs as CI
runs it. Every team line must still be there, in order; the done piece gets a
note instead of a ``_TODO_``; a document holding conflict markers is left alone
and named.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import copier_cli, run
from .extension_modules import tool as lifecycle_tool
from .update_harness import AddText, TemplateRepo, build_template_repo, commit_all, copy_project

pytestmark = pytest.mark.slow  # real template versions, copies and updates

RFC_SECTION = "Data retention"
PLAN_SECTION = "Accessibility checks"
PROCESS_CHANGES = (
    AddText(
        "extensions/process.yml",
        f"  - title: {RFC_SECTION}\n    min_size: medium\n"
        '    text: "_TODO: how long the work keeps each kind of data, and who deletes it._"',
        after="new data collected or exposed, its classification",
    ),
    AddText(
        "extensions/process.yml",
        f"  - title: {PLAN_SECTION}\n    min_size: small\n"
        '    text: "_TODO: keyboard-only and screen-reader checks for each flow._"',
        after="test_plan_sections:",
    ),
    # A change to the tool itself, where a team may have its own local line too.
    AddText("template/tools/lifecycle.py", "# v2: the tool changed at its end."),
)
SYNC_RAN = "Ran `python3 tools/lifecycle.py sync` for the updated process:"
LATE = "_Not filled in: this section joined the process after this work was done._"
ANSWERS = {"project_name": "Acme Billing", "project_kind": "service", "project_size": "medium"}
FIRST = "docs/work/0001-acme-billing"
DONE = "docs/work/0002-carrier-cache"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    return build_template_repo(tmp_path_factory.mktemp("template") / "lifecycle", PROCESS_CHANGES)


def tool(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "tools/lifecycle.py", *args], project, check=False)


def lifecycle_job(project: Path) -> subprocess.CompletedProcess[str]:
    """Run the generated CI job ``lifecycle``'s ``run:`` steps, as CI runs them (bash -e)."""
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    script = "\n".join(
        step["run"] for step in workflow["jobs"]["lifecycle"]["steps"] if "run" in step
    )
    assert "tools/lifecycle.py check" in script
    return run(["bash", "-e", "-c", script], project, check=False)


CADENCE_MARK = "<!-- cadence:"
"""Ends the test plan's one process line, which sync rewrites when the size changes."""


def team_lines(text: str) -> list[str]:
    """The lines a team owns: not blank, not a marked process line (sync rewrites those)."""
    marks = (CADENCE_MARK, lifecycle_tool.DUTY_MARK)
    return [
        line for line in text.splitlines() if line.strip() and not any(m in line for m in marks)
    ]


def in_order(before: str, after: str) -> bool:
    """Every non-blank line of ``before`` is in ``after``, in the same order."""
    remaining = iter(after.splitlines())
    return all(line in remaining for line in team_lines(before))


def finish(folder: Path) -> None:
    """What a team does when a piece of work ships: fill every placeholder in, mark it done.

    Its RFC names the discussion it had and where the decision was announced.
    """
    for path in folder.glob("*.md"):
        lines = []
        for line in path.read_text().splitlines():
            if line.startswith("status: "):
                line = "status: done"
                if path.name == "rfc.md":
                    thread = "https://github.com/acme/rfcs/discussions/3"
                    lines += [f"discussion: {thread}", f"resolution: {thread}#decision"]
            elif "_TODO" in line:
                line = "Written by the team: we did this and checked it."
            lines.append(line)
        path.write_text("\n".join(lines) + "\n")


def team_project(template: TemplateRepo, dest: Path) -> Path:
    """A v1 project with team lines in its test plan and first RFC, and a second piece done."""
    project = copy_project(template.path, template.v1, dest, ANSWERS)
    plan = project / "docs/test-plan.md"
    plan.write_text(plan.read_text() + "\nWe run the plan on the staging cluster on Fridays.\n")
    rfc = project / FIRST / "rfc.md"
    rfc.write_text(rfc.read_text().replace("## Summary\n", "## Summary\n\nThe ledger moves.\n", 1))
    started = tool(project, "new", "Carrier cache", "--size", "medium")
    assert started.returncode == 0, started.stderr
    finish(project / DONE)
    assert lifecycle_job(project).returncode == 0, "v1 is green before the update"
    commit_all(project, "Our own work")
    return project


def update(project: Path, *args: str) -> str:
    done = copier_cli("update", "--trust", "--defaults", "--conflict", "inline", *args, cwd=project)
    return done.stdout + done.stderr


def documents(project: Path) -> Iterator[Path]:
    yield project / "docs/test-plan.md"
    yield from sorted((project / "docs/work").glob("*/*.md"))


def test_an_update_adds_the_new_sections_and_the_lifecycle_job_stays_green(
    template: TemplateRepo, tmp_path: Path
) -> None:
    project = team_project(template, tmp_path / "acme-billing")
    before = {path: path.read_text() for path in documents(project)}
    output = update(project)

    assert SYNC_RAN in output
    assert f"added '## {PLAN_SECTION}' to docs/test-plan.md" in output
    assert f"added '## {RFC_SECTION}' to {FIRST}/rfc.md" in output
    assert f"added '## {RFC_SECTION}' to {DONE}/rfc.md" in output
    # The message sums it up; the same sync dates the statuses set before dates were kept.
    assert "Lifecycle sync added 3 section(s), dated " in output
    job = lifecycle_job(project)
    assert job.returncode == 0, job.stdout + job.stderr
    assert "LC102" not in job.stdout  # the report lists every finding that did not pass
    assert " 0 fail" in job.stdout
    for path, text in before.items():
        assert in_order(text, path.read_text()), f"a team line was lost or moved in {path}"

    in_progress = (project / FIRST / "rfc.md").read_text()
    body = in_progress.split(f"## {RFC_SECTION}\n", 1)[1].split("\n## ", 1)[0]
    assert "_TODO: how long the work keeps each kind of data" in body
    done = (project / DONE / "rfc.md").read_text()
    body = done.split(f"## {RFC_SECTION}\n", 1)[1].split("\n## ", 1)[0]
    assert body.strip() == LATE
    plan = (project / "docs/test-plan.md").read_text()
    assert plan.index(f"## {PLAN_SECTION}") < plan.index("## Scope")  # first in the process
    # Reading order: the new section sits after the one before it in the process.
    assert done.index("## Security and privacy") < done.index(f"## {RFC_SECTION}")
    assert done.index(f"## {RFC_SECTION}") < done.index("## Testing and rollout")
    # What sync wrote keeps the project's Markdown formatter (pre-commit, CI) happy.
    synced = ["docs/test-plan.md", f"{FIRST}/rfc.md", f"{DONE}/rfc.md"]
    run([sys.executable, "-m", "mdformat", "--check", *synced], project)
    # Idempotent: the next sync has nothing to add.
    assert "sync: nothing to add." in tool(project, "sync").stdout


def test_an_index_from_before_its_markers_keeps_every_team_line_through_an_update(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """The index as older versions wrote it (no markers), with the team's own lines."""
    project = team_project(template, tmp_path / "acme-billing")
    index = project / "docs/work/index.md"
    old = [line for line in index.read_text().splitlines() if not line.startswith("<!--")]
    at = old.index("| Number | Title | Size | Status | Owner | Stage |")
    old[at:at] = ["Our board: <https://example.invalid/board>", ""]
    old.insert(old.index("```{toctree}"), "Pieces before 0002 are in the old tracker.\n")
    index.write_text("\n".join(old) + "\n")
    commit_all(project, "Our lines in the index")
    before = index.read_text()
    output = update(project)
    assert "  updated docs/work/index.md" in output
    after = index.read_text()
    assert in_order("\n".join(line for line in before.splitlines() if not line.startswith("|")),
                    after)  # fmt: skip
    assert "| [0002](0002-carrier-cache/shaping.md) | Carrier cache | medium | done |" in after
    assert sum(line.startswith("<!--") for line in after.splitlines()) == 2
    job = lifecycle_job(project)
    assert job.returncode == 0 and "LC110" not in job.stdout, job.stdout + job.stderr


def test_a_conflicted_document_is_left_alone_and_named(
    template: TemplateRepo, tmp_path: Path
) -> None:
    project = team_project(template, tmp_path / "acme-billing")
    plan = project / "docs/test-plan.md"
    # A branch merge the team committed half-resolved.
    half_merged = plan.read_text() + (
        "\n<<<<<<< HEAD\nRun it on Fridays.\n=======\nRun it on Mondays.\n>>>>>>> cadence\n"
    )
    plan.write_text(half_merged)
    commit_all(project, "Merge branch 'cadence'")
    output = update(project)

    assert plan.read_text() == half_merged, "sync never touches a file mid-merge"
    assert "skipped docs/test-plan.md: it holds conflict markers" in output
    assert f"added '## {RFC_SECTION}' to {FIRST}/rfc.md" in output, "the rest is synced"
    # The team resolves the conflict, then runs sync: the section arrives and CI is green.
    plan.write_text(half_merged.replace("<<<<<<< HEAD\n", "").split("=======\n")[0])
    synced = tool(project, "sync")
    assert f"added '## {PLAN_SECTION}' to docs/test-plan.md" in synced.stdout
    assert lifecycle_job(project).returncode == 0


def test_a_conflicted_tool_never_fails_the_update(template: TemplateRepo, tmp_path: Path) -> None:
    """The migration says, in one line, that it could not run sync, and the update goes on."""
    project = copy_project(template.path, template.v1, tmp_path / "acme-billing", ANSWERS)
    script = template.path / "migrations" / "sync_lifecycle.py"
    tool_file = project / "tools/lifecycle.py"
    original = tool_file.read_text()
    tool_file.write_text(original + "# our own local line\n")  # where v2 adds one: a conflict
    commit_all(project, "Our own line in the tool")
    plan = (project / "docs/test-plan.md").read_text()
    skipped = (
        "Lifecycle sync skipped: tools/lifecycle.py holds conflict markers; "
        "run `python3 tools/lifecycle.py sync` yourself once it is fixed."
    )
    output = update(project)  # and it succeeds
    assert skipped in output.splitlines()
    assert "Lifecycle sync: not run, because tools/lifecycle.py" in output  # the message
    assert "<<<<<<< before updating" in tool_file.read_text()
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text()
    assert (project / "docs/test-plan.md").read_text() == plan
    tool_file.write_text(original)  # resolved
    assert f"added '## {PLAN_SECTION}' to docs/test-plan.md" in tool(project, "sync").stdout
    (project / ".lifecycle/process.json").unlink()  # the tool refuses: exit 2
    done = run([sys.executable, str(script)], project)
    assert done.stdout.startswith("Lifecycle sync failed (lifecycle.py: error: .lifecycle/")
    assert done.stdout.count("\n") == 1
    tool_file.unlink()  # a process without the tool: nothing to say
    assert run([sys.executable, str(script)], project).stdout == ""


def test_an_unreadable_document_makes_the_updates_sync_write_nothing_and_say_why(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """The tool's one line reaches the update message; no document is half-synced or created."""
    project = copy_project(template.path, template.v1, tmp_path / "acme-billing", ANSWERS)
    for title in ("Carrier cache", "Ledger export"):
        assert tool(project, "new", title, "--size", "small").returncode == 0
    raised = project / "docs/work/0002-carrier-cache/shaping.md"  # sync would make its RFC
    raised.write_text(raised.read_text().replace("size: small", "size: large", 1))
    broken = project / "docs/work/0003-ledger-export/shaping.md"
    broken.write_text(broken.read_text().replace('title: "Ledger export"', "title: 2026", 1))
    commit_all(project, "Our own work")
    plan = (project / "docs/test-plan.md").read_text()
    output = update(project)  # and it succeeds
    line = (
        "Lifecycle sync changed nothing: docs/work/0003-ledger-export/shaping.md:2: title must be"
        ' text, not a number 2026; quote it: title: "..."; then run `python3 tools/lifecycle.py'
        " sync` yourself once it is fixed."
    )
    assert line in output.splitlines(), output
    assert "Traceback" not in output and "JSONDecodeError" not in output
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text()
    assert (project / "docs/test-plan.md").read_text() == plan
    assert not (project / "docs/work/0002-carrier-cache/rfc.md").exists()
    untracked = run(["git", "status", "--porcelain", "--untracked-files=all"], project).stdout
    assert "docs/work/" not in untracked, untracked
    broken.write_text(broken.read_text().replace("title: 2026", 'title: "Ledger export"', 1))
    synced = tool(project, "sync")  # fixed: the same sync now runs
    assert synced.returncode == 0, synced.stderr
    assert "created docs/work/0002-carrier-cache/rfc.md" in synced.stdout
    assert f"added '## {PLAN_SECTION}' to docs/test-plan.md" in synced.stdout


def test_a_size_change_leaves_the_lifecycle_job_green(
    template: TemplateRepo, tmp_path: Path
) -> None:
    answers = {**ANSWERS, "project_size": "small"}
    project = copy_project(template.path, template.v2, tmp_path / "acme-billing", answers)
    assert tool(project, "new", "Carrier cache", "--size", "small").returncode == 0
    plan = project / "docs/test-plan.md"
    plan.write_text(plan.read_text() + "\nWe run the plan on the staging cluster on Fridays.\n")
    commit_all(project, "Our own work")
    before = {path: path.read_text() for path in documents(project)}
    output = update(project, "--data", "project_size=large")

    assert "added '## Test cases' to docs/test-plan.md" in output
    cadence = next(line for line in plan.read_text().splitlines() if "<!-- cadence:" in line)
    assert "every month" in cadence, "the plan promises the large size's cadence"
    job = lifecycle_job(project)
    assert job.returncode == 0, job.stdout + job.stderr
    for path, text in before.items():
        assert in_order(text, path.read_text()), f"a team line was lost or moved in {path}"


READINESS = "docs/production-readiness.md"
TEAM_RELEASE_ITEM = "Our own: the status page announces the release."


def today() -> str:
    return datetime.date.today().isoformat()


def release_ready(project: Path, tag: str) -> Path:
    """Make the release record and settle every gate but readiness, as a team does."""
    made = tool(project, "release", tag)
    assert made.returncode == 0, made.stderr
    record = project / "docs" / "releases" / f"{tag}.md"
    text = record.read_text().replace("- [ ] ", "- [x] ")
    record.write_text(text.replace("_TODO: @handle_ | _TODO: YYYY-MM-DD_", "@ana | 2026-11-30"))
    plan = project / "docs/test-plan.md"
    header = "| -- | -- | -- | -- | -- | -- |\n"
    row = f"| {today()} ({tag}) | abc1234 | staging | @ana | pass | none |\n"
    plan.write_text(plan.read_text().replace(header, header + row, 1))
    return record


def test_a_size_change_adds_the_readiness_items_and_the_release_gate_names_exactly_them(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """Small to large: sync adds the new items, check stays green, the gate names them."""
    answers = {**ANSWERS, "project_size": "small"}
    project = copy_project(template.path, template.v2, tmp_path / "acme-billing", answers)
    assert tool(project, "new", "Carrier cache", "--size", "small").returncode == 0
    readiness = project / READINESS
    filled = readiness.read_text().replace("- [ ] ", "- [x] ")
    filled = filled.replace("- _TODO: item, link_", "- Logs: https://grafana.example/d/acme")
    readiness.write_text(filled)
    checklist = project / "docs/release-checklist.md"
    # First in its phase, away from where the template adds lines: no conflict.
    phase = "### Before the release candidate\n\n"
    checklist.write_text(
        checklist.read_text().replace(phase, f"{phase}- [ ] {TEAM_RELEASE_ITEM}\n")
    )
    commit_all(project, "Our readiness, filled in, and our own release item")

    output = update(project, "--data", "project_size=large")

    process = json.loads((project / ".lifecycle/process.json").read_text())
    new = [i["text"] for i in process["production_readiness"] if i["min_size"] != "small"]
    assert len(new) >= 7
    assert "Conflicts: none." in output
    assert f"added {len(new)} item(s) to {READINESS}:" in output
    assert all(f"- [ ] {item}" in output for item in new), "the message lists each item"
    assert in_order(filled, readiness.read_text()), "every team line kept, in order"
    assert TEAM_RELEASE_ITEM in checklist.read_text(), "the update keeps the team's item"
    job = lifecycle_job(project)
    assert job.returncode == 0, job.stdout + job.stderr
    assert "LC107" not in job.stdout  # nothing is missing: sync added it all
    # What sync wrote keeps the project's Markdown formatter (pre-commit, CI) happy.
    run(
        [sys.executable, "-m", "mdformat", "--check", READINESS, "docs/release-checklist.md"],
        project,
    )

    record = release_ready(project, "v0.1.0")
    assert f"- [x] {TEAM_RELEASE_ITEM}" in record.read_text(), "the team's item reached the record"
    gate = tool(project, "check", "--release", "v0.1.0")
    assert gate.returncode == 1
    failing = [line for line in gate.stdout.splitlines() if line.startswith("FAIL ")]
    assert len(failing) == 1 and failing[0].startswith(
        f"FAIL DLV14 [Deliver to production] {READINESS}"
    )
    named = failing[0].split(f"({len(new)} not ticked: ", 1)[1].split(") See ", 1)[0]
    assert named == " / ".join(item.rstrip(".") for item in new), "exactly the unticked items"
    readiness.write_text(readiness.read_text().replace("- [ ] ", "- [x] "))
    gate = tool(project, "check", "--release", "v0.1.0")
    assert gate.returncode == 0, gate.stdout
