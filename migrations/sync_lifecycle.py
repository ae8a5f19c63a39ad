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
markers or a sync that fails each get one line saying what to run by hand. A
team document the tool cannot read stops the sync before it writes anything,
and the line is the tool's own: the file, the line, what is wrong and the fix.
Its output, between ``START`` and the tool's ``sync:`` summary line, is what
``tools/template_status.py`` copies into the template-update pull request.
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
UNREADABLE = 3
"""The tool's exit status for a team file it cannot read: it wrote nothing and said why."""


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
    if not TOOL.is_file():
        return 0  # a repository whose process has no lifecycle tool: nothing to sync
    for path in (TOOL, PROCESS):
        if path.is_file() and conflicted(path):
            print(f"Lifecycle sync skipped: {path} holds conflict markers; {BY_HAND}")
            return 0
    try:
        code, stdout, stderr = run_tool()
    except (OSError, subprocess.SubprocessError) as error:
        print(f"Lifecycle sync skipped: {error}; {BY_HAND}")
        return 0
    if code != 0:
        last = (stderr.strip() or stdout.strip() or "no output").splitlines()[-1]
        if code == UNREADABLE:  # the tool's own line names the file, the line and the fix
            where = last.removeprefix("lifecycle.py: ")
            print(f"Lifecycle sync changed nothing: {where}; then {BY_HAND}")
        else:
            print(f"Lifecycle sync failed ({last}); {BY_HAND}")
        return 0
    print(START)
    print(stdout.rstrip("\n"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
