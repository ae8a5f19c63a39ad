"""Documents tell the truth about the repository after its answers change.

The test plan's cadence line is process text inside a team document: an HTML
comment marks it, and `tools/lifecycle.py sync` (run by every update) rewrites
that one line when the project size changes, and nothing else.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .conftest import GIT_IDENTITY, editable_copy, run
from .extension_modules import tool, updates

PLAN = "docs/test-plan.md"
MARK = "<!-- cadence: kept current by tools/lifecycle.py sync -->"


def resize(project: Path, size: str) -> None:
    """What an update with ``--data project_size=SIZE`` does to the process file."""
    path = project / ".lifecycle" / "process.json"
    process = json.loads(path.read_text())
    process["project"]["size"] = size
    path.write_text(json.dumps(process, indent=2) + "\n")


def cadence_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.endswith(MARK))


def test_a_new_size_brings_its_cadence_line_and_keeps_every_team_line(
    render, tmp_path: Path
) -> None:
    project = editable_copy(render(project_size="small"), tmp_path)
    plan = project / PLAN
    before = plan.read_text()
    assert "twice a year" in cadence_line(before)
    team = before.replace(
        "_TODO: any trigger of your own",
        "After every schema change; _TODO: any trigger of your own",
    )
    team += "\nWe run the plan on the staging cluster on Fridays.\n"
    plan.write_bytes(team.replace("\n", "\r\n").encode())  # a team on Windows
    resize(project, "large")

    out = run([sys.executable, "tools/lifecycle.py", "sync"], project).stdout
    assert f"updated the cadence line of {PLAN}" in out
    after = plan.read_bytes().decode()
    assert "every month" in cadence_line(after.replace("\r\n", "\n"))
    assert "twice a year" not in cadence_line(after.replace("\r\n", "\n"))
    # Every other line is still there, in order (sync also adds the large sections).
    old_line = cadence_line(team)
    remaining = iter(after.replace("\r\n", "\n").splitlines())
    duty = tool.DUTY_MARK  # the who, when and done-when lines follow the size too
    assert all(
        line in remaining for line in team.splitlines() if line != old_line and duty not in line
    )
    assert (
        "- **When:** write a check for every user-visible feature as it is built; run every"
        in after
    )
    assert old_line not in after
    assert "After every schema change" in after
    assert "\n" not in after.replace("\r\n", ""), "the file's line endings are kept"
    assert (
        "sync: nothing to add"
        in run([sys.executable, "tools/lifecycle.py", "sync"], project).stdout
    )


def test_a_python_newer_than_the_machine_has_is_named(tmp_path: Path) -> None:
    assert updates.missing_python(f"{sys.version_info[0]}.{sys.version_info[1]}") == ""
    assert updates.missing_python("3.99") == "3.99"  # no such Python anywhere yet


def test_a_machine_without_a_git_identity_is_told_how_to_set_one(tmp_path: Path) -> None:
    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "EMAIL": ""}
    run(["git", "init", "-q", str(tmp_path)], tmp_path)
    with_identity = {**os.environ, **GIT_IDENTITY}
    without = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | env
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(with_identity)
        assert updates.git_identity_missing(tmp_path) is False
        os.environ.clear()
        os.environ.update(without)
        (tmp_path / ".git" / "config").write_text("[user]\n\tuseConfigOnly = true\n")
        assert updates.git_identity_missing(tmp_path) is True
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_duty_lines_follow_a_new_owner_and_unmarked_ones_only_when_untouched(
    render, tmp_path: Path
) -> None:
    """A marked line follows the answers; an unmarked one (a repository made before the
    mark) only while it is exactly what the process wrote; a line a team changed stays."""
    project = editable_copy(render(project_size="small"), tmp_path)
    plan, infra = project / PLAN, project / "docs" / "infrastructure-request.md"
    old = plan.read_text().replace(f" {tool.DUTY_MARK}", "")  # as an older version wrote it
    plan.write_text(old)
    ours = "- **Who:** Bo (@bo) files it; the platform team reviews."
    infra_before = infra.read_text()
    who = next(line for line in infra_before.splitlines() if line.startswith("- **Who:** "))
    infra.write_text(infra_before.replace(who, ours))
    resize(project, "large")  # the owner stays: the unmarked lines are the process's own
    out = run([sys.executable, "tools/lifecycle.py", "sync"], project).stdout
    assert f"updated the duty lines of {PLAN}" in out
    after = plan.read_text()
    assert after.count(tool.DUTY_MARK) == 3, "each rewritten line carries the mark"
    assert "every month" in next(line for line in after.splitlines() if "**When:**" in line)
    assert ours in infra.read_text(), "a line the team changed is theirs"
    others = [line for line in old.splitlines() if not line.startswith("- **") and MARK not in line]
    remaining = iter(after.splitlines())
    assert all(line in remaining for line in others)

    path = project / ".lifecycle" / "process.json"  # then --data owner=@acme/qa
    process = json.loads(path.read_text())
    process["project"].update(owner="@acme/qa", owner_markdown="@acme/qa")
    path.write_text(json.dumps(process, indent=2) + "\n")
    run([sys.executable, "tools/lifecycle.py", "sync"], project)
    assert "(by default @acme/qa) keeps it current" in plan.read_text()
    assert ours in infra.read_text()
    assert plan.read_text().replace("@acme/qa", "@acme/billing") == after
