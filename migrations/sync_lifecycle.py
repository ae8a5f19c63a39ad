"""Migration: run the project's own ``tools/lifecycle.py sync`` at the end of every update.

Run by ``migrations/after_update.py`` after every ``copier update`` (and on
its own by hand), with copier's own Python, in the real project: copier runs
migrations only there, after its three-way merge
and before ``_message_after_update``, never in the old and new renders it makes
to compare.

Why: a new template version, or an answer change such as
``--data project_size=large``, can make a section required that a team's
documents (docs/test-plan.md, each piece of work's notes) lack. Copier never
writes those documents, so the lifecycle check in CI would fail until someone
ran ``sync`` by hand. The project's tool is the one the update just brought, so
it knows the new process; it adds only placeholders and never changes a team line.

This script never fails the update: a missing tool, a tool with conflict
markers or a sync that fails each get one line saying what to run by hand.
Its output, between ``START`` and the tool's ``sync:`` summary line, is what
``tools/template_status.py`` copies into the template-update pull request. Its
last line (the outcome) also goes to ``REPORT`` in the git folder, where the
update message reads it for its summary (extensions/updates.py ``sync_summary``).
"""

from __future__ import annotations

import contextlib
import io
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

TOOL = Path("tools") / "lifecycle.py"
PROCESS = Path(".lifecycle") / "process.json"
START = "Ran `python3 tools/lifecycle.py sync` for the updated process:"
BY_HAND = "run `python3 tools/lifecycle.py sync` yourself once it is fixed."
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
REPORT = "lifecycle-sync-report.txt"
"""The outcome file, under ``git rev-parse --git-path`` (never in the worktree)."""


def report_path() -> Path | None:
    """Where this update's outcome line goes, or None outside a git repository."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--git-path", REPORT],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def record(outcome: str) -> None:
    """Leave ``outcome`` for the update message; an empty one removes an earlier update's."""
    path = report_path()
    if path is None:
        return
    try:
        if outcome:
            path.write_text(outcome + "\n", encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # the message then just leaves the line out


def conflicted(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines())


def run_tool() -> tuple[int, str, str]:
    """Run ``tools/lifecycle.py sync``; return its exit code, stdout and stderr.

    In this process when copier's Python can run the tool (3.11+): a second
    interpreter would cost every update about 50 ms. Else with ``python3``, as
    CI runs it. A tool that breaks (the team edited it) counts as a failed sync.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - copier may run on an older Python
        done = subprocess.run(
            [shutil.which("python3") or sys.executable, str(TOOL), "sync"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        return done.returncode, done.stdout, done.stderr
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            tool = runpy.run_path(str(TOOL), run_name="lifecycle_tool")
            code = tool["main"](["sync"])
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
        except Exception as error:  # any fault of the tool is a failed sync
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
            code = 1
    return code, out.getvalue(), err.getvalue()


def main() -> int:
    """Sync, print what it did, and leave the outcome line for the update message."""
    outcome = sync_and_report()
    record(outcome)
    return 0


def sync_and_report() -> str:
    """Run sync and print its report; return the one-line outcome (``""``: no tool)."""
    if not TOOL.is_file():
        return ""  # a repository whose process has no lifecycle tool: nothing to sync
    for path in (TOOL, PROCESS):
        if path.is_file() and conflicted(path):
            line = f"Lifecycle sync skipped: {path} holds conflict markers; {BY_HAND}"
            print(line)
            return line
    try:
        code, stdout, stderr = run_tool()
    except (OSError, subprocess.SubprocessError) as error:
        line = f"Lifecycle sync skipped: {error}; {BY_HAND}"
        print(line)
        return line
    if code != 0:
        last = (stderr.strip() or stdout.strip() or "no output").splitlines()[-1]
        line = f"Lifecycle sync failed ({last}); {BY_HAND}"
        print(line)
        return line
    print(START)
    print(stdout.rstrip("\n"), flush=True)
    lines = stdout.strip().splitlines()
    return lines[-1].strip() if lines else ""


if __name__ == "__main__":
    sys.exit(main())
