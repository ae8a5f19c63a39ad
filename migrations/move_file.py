"""Migration: a process-owned file moved in the template; carry the team's edits along.

Run by ``copier update`` (an ``after``-stage entry in ``copier.yml``
``_migrations``), with copier's own Python and list-form arguments::

    move_file.py OLD_PATH NEW_PATH

Why a script: copier's update diffs the old rendering against the project path
by path, without rename detection. On its own it renders the file at the new
path, deletes the old one and drops the team's edits to it (they are only left
in git history). This script finishes the move with a real three-way merge:

* base:   OLD_PATH as the previous template version rendered it (rendered
          again here, from the answers and version committed at ``HEAD``),
* ours:   OLD_PATH as the team last committed it (``HEAD``: copier refuses to
          update a dirty worktree and never commits),
* theirs: NEW_PATH as the new template version just rendered it.

Edits that do not overlap with the template's change merge cleanly; overlapping
ones become the same conflict markers copier writes. If the team had deleted
OLD_PATH, NEW_PATH is removed too (a deleted process-owned file stays deleted).
Nothing else happens when the team never changed OLD_PATH or already has NEW_PATH.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from copier import run_copy

ANSWERS_FILE = ".copier-answers.yml"
LABELS = ("before updating", "last update", "after updating")


def committed(path: str) -> bytes | None:
    """Content of ``path`` at ``HEAD`` (relative to the project), or None if absent."""
    shown = subprocess.run(["git", "show", f"HEAD:./{path}"], capture_output=True, check=False)
    return shown.stdout if shown.returncode == 0 else None


def render_previous(old: str) -> bytes:
    """Render the previous template version with the committed answers; return ``old``."""
    answers = yaml.safe_load(committed(ANSWERS_FILE) or b"{}") or {}
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    with tempfile.TemporaryDirectory(prefix="lifecycle-move.") as tmp:
        run_copy(
            answers["_src_path"],
            tmp,
            data=data,
            vcs_ref=answers["_commit"],
            defaults=True,
            unsafe=True,  # the same template the user trusted for this update
            quiet=True,
            skip_tasks=True,
        )
        rendered = Path(tmp, old)
        return rendered.read_bytes() if rendered.is_file() else b""


def move(old: str, new: str) -> str:
    """Merge the team's edits of ``old`` into ``new``; return what happened."""
    ours = committed(old)
    if committed(new) is not None:
        return f"{new} already existed; left {old} and {new} as they are."
    target = Path(new)
    if not target.is_file():
        return f"the template no longer renders {new}; nothing to move."
    base = render_previous(old)
    if ours is None:
        if base:  # the previous version made it, so the team deleted it on purpose
            target.unlink()
            return f"you had deleted {old}, so {new} was not added."
        return f"{old} was not in the last commit; nothing to carry over."
    if ours == base:
        Path(old).unlink(missing_ok=True)
        return f"{old} had no edits of yours; {new} is the template's new version."
    theirs = target.read_bytes()
    with tempfile.TemporaryDirectory(prefix="lifecycle-move.") as tmp:
        base_file, theirs_file = Path(tmp, "base"), Path(tmp, "theirs")
        base_file.write_bytes(base)
        theirs_file.write_bytes(theirs)
        target.write_bytes(ours)
        labels = [arg for label in LABELS for arg in ("-L", label)]
        merged = subprocess.run(
            ["git", "merge-file", *labels, "--", new, str(base_file), str(theirs_file)],
            capture_output=True,
            check=False,
        )
    Path(old).unlink(missing_ok=True)
    if merged.returncode < 0 or merged.returncode > 127:
        raise SystemExit(f"git merge-file failed on {new}: {merged.stderr.decode()}")
    if merged.returncode:
        return f"moved {old} to {new}; resolve the conflict markers in {new}."
    return f"moved {old} to {new} with your edits merged."


def main(argv: list[str]) -> int:
    """Command line entry: ``move_file.py OLD NEW``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"lifecycle template: {move(*argv)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
