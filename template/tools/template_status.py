"""Tell whether this repository is behind the lifecycle template, and what changed.

Runs ``copier check-update`` and, when a newer template version exists, prints
the process changelog entries between the version this repository uses and
the latest one, so a team can judge the update before running it. It never
fails because the repository is behind: being behind is news, not a broken
build. Owned by the lifecycle template; it needs only the standard library
and copier (``uvx --from 'copier>=9.4,<10' copier`` in CI).

Usage: ``python3 tools/template_status.py [--copier CMD] [--summary FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ANSWERS_FILE = Path(".copier-answers.yml")
HEADING = re.compile(r"^## \[?v?(\d+(?:\.\d+)*)\]?")


def version_key(version: str) -> tuple[int, ...]:
    """Order plain release versions such as ``1.10.0`` numerically."""
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def source_path(answers: str) -> str:
    """Read ``_src_path`` from the answers file without a YAML dependency."""
    for line in answers.splitlines():
        if line.startswith("_src_path:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    raise SystemExit(f"{ANSWERS_FILE} has no _src_path; was this repo made with copier?")


def changelog_at(source: str, version: str) -> str:
    """Return the template's CHANGELOG.md as of the tag for ``version``."""
    tags = (f"v{version}", version)
    if Path(source).is_dir():
        for tag in tags:
            shown = subprocess.run(
                ["git", "-C", source, "show", f"{tag}:CHANGELOG.md"],
                capture_output=True,
                text=True,
                check=False,
            )
            if shown.returncode == 0:
                return shown.stdout
        return ""
    with tempfile.TemporaryDirectory() as folder:
        for tag in tags:
            cloned = subprocess.run(
                ["git", "clone", "--quiet", "--depth", "1", "--branch", tag, source, folder],
                capture_output=True,
                check=False,
            )
            if cloned.returncode == 0:
                return (Path(folder) / "CHANGELOG.md").read_text(encoding="utf-8")
    return ""


def entries_between(changelog: str, current: str, latest: str) -> str:
    """Keep the changelog sections for versions after ``current`` up to ``latest``."""
    kept: list[str] = []
    keep = False
    for line in changelog.splitlines():
        match = HEADING.match(line)
        if match:
            version = version_key(match.group(1))
            keep = version_key(current) < version <= version_key(latest)
        elif line.startswith("## "):
            keep = False  # "Unreleased" and other non-version sections
        if keep:
            kept.append(line)
    return "\n".join(kept).strip()


def changelog_link(source: str, version: str) -> str:
    """Return a browsable changelog link for hosted templates, else the path."""
    hosted = re.match(r"^(?:https://|git@)(github\.com|gitlab\.com)[/:](.+?)(?:\.git)?/?$", source)
    if hosted:
        host, repo = hosted.groups()
        return f"https://{host}/{repo}/blob/v{version}/CHANGELOG.md"
    return f"{source} (CHANGELOG.md at v{version})"


def report(copier: Sequence[str]) -> tuple[str, bool]:
    """Return a Markdown report and whether an update is available."""
    checked = subprocess.run(
        [*copier, "check-update", "--output-format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if checked.returncode != 0:
        raise SystemExit(f"copier check-update failed:\n{checked.stderr}")
    status = json.loads(checked.stdout)
    current, latest = status["current_version"], status["latest_version"]
    if not status["update_available"]:
        return f"Up to date with the lifecycle template (version {current}).", False
    source = source_path(ANSWERS_FILE.read_text(encoding="utf-8"))
    changes = entries_between(changelog_at(source, latest), current, latest)
    lines = [
        f"This repository uses lifecycle template version {current}; the latest is {latest}.",
        "",
        f"Process changelog: {changelog_link(source, latest)}",
        "",
        changes or "(The changelog has no entries for these versions.)",
        "",
        "To update: `copier update --trust` on a clean worktree, then resolve any conflict",
        "markers (see docs/lifecycle.md, 'Updating from the template').",
    ]
    return "\n".join(lines), True


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report; with ``--summary`` also append it to that file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copier", default="copier", help="command that runs copier")
    parser.add_argument(
        "--summary",
        default=os.environ.get("GITHUB_STEP_SUMMARY"),
        help="also append the report to this file (default: $GITHUB_STEP_SUMMARY)",
    )
    args = parser.parse_args(argv)
    text, behind = report(shlex.split(args.copier))
    print(text)
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(text + "\n")
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
            output.write(f"behind={'true' if behind else 'false'}\n")
    if behind and os.environ.get("GITHUB_ACTIONS") == "true":
        print("::warning title=Lifecycle template update available::" + text.splitlines()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
