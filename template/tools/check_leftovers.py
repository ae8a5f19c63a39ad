"""Fail when a `copier update` left something behind that must not be committed.

An update that meets your own edits leaves git conflict markers in the file
(``<<<<<<< before updating`` ... ``>>>>>>> after updating``) or, with
``--conflict rej``, a ``*.rej`` file next to it. Both are easy to commit by
accident and silently break docs or code, so pre-commit and CI run this check.
Owned by the lifecycle template; it needs only the standard library.

Where the template added a file at a path where you keep your own, the update
leaves yours alone and writes the template's version beside it as
``PATH.from-template``: merge what you want into yours, then delete it.

Usage: ``python3 tools/check_leftovers.py [FILE ...]`` (no files: every file
git tracks, plus untracked ``*.rej`` and ``*.from-template`` files). Each file is
reported once, even while git holds it in several conflict stages.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

# Only the opening and closing markers: a line of seven "=" alone is also a
# Markdown or reStructuredText underline, so it is not evidence on its own.
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def git_files() -> list[str]:
    """List tracked files plus untracked, non-ignored ones (where .rej files appear)."""
    output = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    # An unmerged file is listed once per conflict stage: keep the first.
    return list(dict.fromkeys(name for name in output.decode().split("\0") if name))


def problems(paths: Iterable[str]) -> list[str]:
    """Return one message per file with a leftover in ``paths``."""
    found = []
    for name in dict.fromkeys(paths):
        path = Path(name)
        if path.suffix == ".rej":
            found.append(f"{name}: rejected update hunk; apply it by hand, then delete the file")
            continue
        if name.endswith(".from-template"):
            kept = name.removesuffix(".from-template")
            found.append(f"{name}: the template's version of {kept}; merge it in, then delete it")
            continue
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            continue
        if b"\0" in data[:8192]:
            continue  # binary
        lines = data.decode("utf-8", "replace").splitlines()
        numbers = [
            str(number)
            for number, line in enumerate(lines, 1)
            if line.startswith(MARKERS) or line == MARKERS[0].strip()
        ]
        if numbers:
            found.append(f"{name}: conflict markers on lines {', '.join(numbers)}; resolve them")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Print every leftover and return 1 if there is any."""
    args = list(sys.argv[1:] if argv is None else argv)
    found = problems(args or git_files())
    for message in found:
        print(message)
    if found:
        print("Update leftovers found: see docs/lifecycle.md, 'Updating from the template'.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
