"""Migration: a new process-owned file meets the team's own file at the same path.

Run by ``migrations/after_update.py`` after every ``copier update``, with
copier's own Python, in the real project.

Why: when a template version adds a file (``docs/lifecycle.md``, the pull
request template...) at a path where the team already keeps its own file,
copier three-way merges the two against an *empty* base, so the whole file
becomes one conflict block. Such a file is an add/add conflict: copier records
it as unmerged with the empty blob as the base (stage 1), the team's committed
file as stage 2 and the template's new file as stage 3.

For each one this script puts the team's file back exactly as committed and
writes the template's version beside it as ``PATH.from-template``; the update
message names both, with one instruction. Every other conflict is left as it is.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
BESIDE_SUFFIX = ".from-template"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def unmerged() -> dict[str, dict[int, str]]:
    """Unmerged paths in the project: ``{path: {stage: blob}}``."""
    stages: dict[str, dict[int, str]] = {}
    for line in git("ls-files", "--unmerged", "-z", ".").split("\0"):
        if line:
            info, path = line.split("\t", 1)
            _mode, blob, stage = info.split()
            stages.setdefault(path, {})[int(stage)] = blob
    return stages


def main() -> None:
    for path, blobs in unmerged().items():
        if blobs.get(1) != EMPTY_BLOB or 2 not in blobs or 3 not in blobs:
            continue  # an ordinary overlap: the markers are the right answer
        template_text = subprocess.run(
            ["git", "cat-file", "blob", blobs[3]], capture_output=True, check=True
        ).stdout
        Path(path + BESIDE_SUFFIX).write_bytes(template_text)
        git("checkout", "HEAD", "--", path)  # the team's file, index and worktree
        print(f"Kept your {path}; the template's version is in {path}{BESIDE_SUFFIX}")


if __name__ == "__main__":
    main()
