"""Tell whether this repository is behind the lifecycle template, and bring it up to date.

Without options it runs ``copier check-update`` and, when a newer template
version exists, prints the process changelog entries between the version this
repository uses and the latest one, so a team can judge the update before
running it. It never fails because the repository is behind: being behind is
news, not a broken build.

With ``--apply`` it also runs the update, on a new branch
``template-update/<version>`` (the current branch is left as it was), commits
the result, conflict markers included, and writes a pull-request body: the
two versions, the changelog entries in between, the files with conflicts and
what to do next. The weekly ``template-update.yml`` workflow pushes that branch
and opens one pull request per version; a person reviews and merges it.

For that workflow it writes ``key=value`` lines to ``$GITHUB_OUTPUT`` when set:
``behind``, ``current`` and ``version`` always, plus ``branch`` and
``conflicts`` with ``--apply``. Owned by the lifecycle
template; it needs only the standard library, git and copier (``uvx --from
'copier>=9.6,<10' --with copier-template-extensions copier`` in CI).

A repository that adopted the template beside another copier template keeps
this template's answers in its own file (``.copier-answers.lifecycle.yml``):
``--answers-file`` names it, for reading and for copier (9.14 or later).

Usage: ``python3 tools/template_status.py [--apply] [--copier CMD] [--summary FILE]
[--answers-file FILE]``
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
from dataclasses import dataclass
from pathlib import Path

from check_leftovers import git_files, problems

DEFAULT_ANSWERS_FILE = ".copier-answers.yml"
BRANCH_PREFIX = "template-update/"
SYNC_START = "Ran `python3 tools/lifecycle.py sync` for the updated process:"
"""The line ``migrations/sync_lifecycle.py`` prints before sync's own report."""


@dataclass(frozen=True)
class Status:
    """What ``copier check-update`` says about this repository."""

    current: str
    latest: str
    behind: bool


def source_path(answers: str, answers_file: str = DEFAULT_ANSWERS_FILE) -> str:
    """Read ``_src_path`` from the answers file without a YAML dependency."""
    for line in answers.splitlines():
        if line.startswith("_src_path:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    raise SystemExit(f"{answers_file} has no _src_path; was this repo made with copier?")


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


# The changelog reader, the one the template has: tools/generate.py copies this
# block into extensions/updates.py (copier's update message), edit it here.
# begin changelog reader
VERSION = re.compile(
    r"v?(?P<release>\d+(?:\.\d+)*)(?:(?P<pre>a|b|rc)(?P<pre_n>\d+))?"
    r"(?:\.post(?P<post>\d+))?(?:\.dev(?P<dev>\d+))?(?:\+[\w.]+)?"
)
"""A PEP 440 version as tags spell it: ``v1.2.0``, ``1.3.0rc1``, ``1.1.0.post3.dev0+g12ab``."""
CHANGELOG_HEADING = re.compile(r"^## \[?(?P<version>v?\d[^\s\]]*)\]?")
"""A changelog entry's heading, ``## v1.2.0`` or ``## [1.2.0] - 2026-01-01``."""
VersionKey = tuple[tuple[int, ...], tuple[int, int, int], int, float]


def version_key(version: str) -> VersionKey | None:
    """Order versions as PEP 440 does (``1.0.dev1 < 1.0rc1 < 1.0 < 1.0.post1``); None if not one."""
    match = VERSION.fullmatch(version.strip())
    if match is None:
        return None
    release = tuple(int(part) for part in match["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]  # 1.0.0 is 1.0
    if match["pre"]:
        pre = (0, ("a", "b", "rc").index(match["pre"]), int(match["pre_n"]))
    elif match["dev"] and not match["post"]:
        pre = (-1, 0, 0)  # a development release comes before the pre-releases
    else:
        pre = (1, 0, 0)
    post = int(match["post"]) if match["post"] else -1
    dev = int(match["dev"]) if match["dev"] else float("inf")
    return release, pre, post, dev


def entries_between(changelog: str, current: str, latest: str, unreleased: bool = False) -> str:
    """Return the changelog entries for versions after ``current`` up to ``latest``.

    An entry is a ``## VERSION`` heading and its text. A ``current`` that is no
    version (none recorded) keeps every entry up to ``latest``; a ``latest``
    that is none keeps every one after ``current``. With ``unreleased``, the
    ``## Unreleased`` entry counts when ``latest`` is past the newest versioned
    one (an update to an untagged commit).
    """
    low, high = version_key(current), version_key(latest)
    entries: list[tuple[VersionKey | None, list[str]]] = []
    for line in changelog.splitlines():
        if line.startswith("## "):
            match = CHANGELOG_HEADING.match(line)
            entries.append((version_key(match["version"]) if match else None, [line]))
        elif entries:
            entries[-1][1].append(line)
    newest = max((v for v, _ in entries if v is not None), default=None)
    chosen = []
    for version, lines in entries:
        if version is None:
            wanted = (
                unreleased
                and lines[0].strip() == "## Unreleased"
                and any(line.strip() for line in lines[1:])
                and (high is None or newest is None or high > newest)
            )
        else:
            wanted = (low is None or version > low) and (high is None or version <= high)
        if wanted:
            chosen.append("\n".join(lines).strip())
    return "\n\n".join(chosen)


# end changelog reader
def changelog_link(source: str, version: str) -> str:
    """Return a browsable changelog link for hosted templates, else the path."""
    hosted = re.match(r"^(?:https://|git@)(github\.com|gitlab\.com)[/:](.+?)(?:\.git)?/?$", source)
    if hosted:
        host, repo = hosted.groups()
        return f"https://{host}/{repo}/blob/v{version}/CHANGELOG.md"
    return f"{source} (CHANGELOG.md at v{version})"


PROCESS_FILE = Path(".lifecycle") / "process.json"
"""Where the update command lives (``commands`` in the template's ``process.yml``)."""


def update_arguments() -> list[str]:
    """Copier's update options, as every document and message of this repository gives them.

    Read from ``.lifecycle/process.json`` (the template writes both files at the
    same version), so this tool runs exactly the command a team would type.
    """
    try:
        commands = json.loads(PROCESS_FILE.read_text(encoding="utf-8"))["commands"]
        return shlex.split(commands["update"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SystemExit(
            f"{PROCESS_FILE}: no update command ({error}); run this from the repository root"
        ) from None


def process_command(name: str) -> str:
    """Command ``name`` as every document gives it (``.lifecycle/process.json``)."""
    try:
        return str(json.loads(PROCESS_FILE.read_text(encoding="utf-8"))["commands"][name])
    except (OSError, ValueError, KeyError, TypeError):
        return f"python3 tools/lifecycle.py {name}"  # a process file made before the command


def answers_file_args(answers_file: str) -> list[str]:
    """Copier's ``--answers-file`` option, left out for the default so copier 9.6+ still works."""
    return [] if answers_file == DEFAULT_ANSWERS_FILE else ["--answers-file", answers_file]


def check(copier: Sequence[str], answers_file: str = DEFAULT_ANSWERS_FILE) -> Status:
    """Ask copier whether a newer template version exists."""
    checked = subprocess.run(
        [*copier, "check-update", "--output-format", "json", *answers_file_args(answers_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if checked.returncode != 0:
        raise SystemExit(f"copier check-update failed:\n{checked.stderr}")
    status = json.loads(checked.stdout)
    return Status(
        current=status["current_version"],
        latest=status["latest_version"],
        behind=bool(status["update_available"]),
    )


def changes(status: Status, answers_file: str) -> tuple[str, str]:
    """Return the changelog entries between the two versions, and where to read them all."""
    source = source_path(Path(answers_file).read_text(encoding="utf-8"), answers_file)
    entries = entries_between(changelog_at(source, status.latest), status.current, status.latest)
    if not entries:
        entries = "(The changelog has no entries for these versions.)"
    return entries, changelog_link(source, status.latest)


def report(
    status: Status, answers_file: str = DEFAULT_ANSWERS_FILE, copier: Sequence[str] = ("copier",)
) -> str:
    """Return the Markdown report of ``check`` mode."""
    if not status.behind:
        return f"Up to date with the lifecycle template (version {status.current})."
    entries, link = changes(status, answers_file)
    command = shlex.join([*copier, *update_arguments(), *answers_file_args(answers_file)])
    lines = [
        f"This repository uses lifecycle template version {status.current}; "
        f"the latest is {status.latest}.",
        "",
        f"Process changelog: {link}",
        "",
        entries,
        "",
        f"To update: `{command}` on a clean worktree, then resolve any conflict",
        "markers (see docs/lifecycle.md, 'Updating from the template').",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ --apply
def git(*args: str) -> str:
    """Run git here and return its output; stop with git's message when it fails."""
    result = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def refuse_dirty_tree() -> None:
    """Stop before writing anything when the update could mix with uncommitted work."""
    if git("status", "--porcelain"):
        raise SystemExit(
            "template_status.py --apply: the worktree has uncommitted or untracked files; "
            "commit or stash them first."
        )


def refuse_existing_branch(branch: str) -> None:
    """Never reset a branch where someone may already have resolved conflicts."""
    exists = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        capture_output=True,
        check=False,
    )
    if exists.returncode == 0:
        raise SystemExit(
            f"template_status.py --apply: branch {branch} already exists; switch to it to "
            f"continue, or delete it (git branch -D {branch}) to start again."
        )


def conflicted_files() -> list[str]:
    """Files holding conflict markers or ``.rej`` hunks, found as check_leftovers.py finds them."""
    return sorted({message.split(":", 1)[0] for message in problems(git_files())})


def sync_report(output: str) -> list[str]:
    """Return what the update's ``tools/lifecycle.py sync`` printed, up to its summary.

    Every update ends with that sync (the template's ``migrations/sync_lifecycle.py``);
    a template version without it gives nothing, and the body leaves the part out.
    """
    lines = output.splitlines()
    if SYNC_START not in lines:
        return [line for line in lines if line.startswith("Lifecycle sync ")]
    report = []
    for line in lines[lines.index(SYNC_START) + 1 :]:
        report.append(line.strip())
        if line.startswith("sync: "):
            break
    return report


def apply(copier: Sequence[str], status: Status, answers_file: str) -> tuple[str, list[str]]:
    """Update on a new branch, commit it, and return the pull-request body and conflicts."""
    branch = BRANCH_PREFIX + status.latest
    start = git("rev-parse", "--abbrev-ref", "HEAD")
    if start == "HEAD":  # a detached checkout: come back to the commit itself
        start = git("rev-parse", "HEAD")
    git("switch", "--quiet", "-c", branch)
    updated = subprocess.run(
        [
            *copier,
            *update_arguments(),
            *answers_file_args(answers_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if updated.returncode != 0:
        # The tree was clean: put it back exactly as it was, and drop the branch.
        git("reset", "--quiet", "--hard")
        git("clean", "--quiet", "-fd")
        git("checkout", "--quiet", start)  # a branch name, or a commit when detached
        git("branch", "--quiet", "-D", branch)
        raise SystemExit(f"copier update failed; nothing changed:\n{updated.stderr}")
    conflicts = conflicted_files()
    git("add", "--all")
    message = f"Update to lifecycle template {status.latest}"
    if conflicts:
        message += " (with conflicts to resolve)"
    # --no-verify: the leftovers hook would refuse the conflict markers this commit
    # carries on purpose; CI runs the same check on the pull request.
    git("commit", "--quiet", "--no-verify", "-m", message)
    synced = sync_report(updated.stdout)
    return pull_request_body(status, branch, conflicts, answers_file, synced), conflicts


def pull_request_body(
    status: Status,
    branch: str,
    conflicts: Sequence[str],
    answers_file: str,
    synced: Sequence[str] = (),
) -> str:
    """Write what a reviewer reads: versions, process changes, conflicts, next steps."""
    entries, link = changes(status, answers_file)
    entries = re.sub(r"^(#+) ", r"#\1 ", entries, flags=re.MULTILINE)  # nest under ours
    lines = [
        f"This pull request updates the repository from lifecycle template version "
        f"{status.current} to {status.latest}. It was made by "
        f"`python3 tools/template_status.py --apply` on branch `{branch}`; nothing reaches "
        "the default branch until a person merges it.",
        "",
        f"## Process changes between {status.current} and {status.latest}",
        "",
        entries,
        "",
        f"Full changelog: {link}",
        "",
        "## Conflicts",
        "",
    ]
    if conflicts:
        lines += [
            "The update met the team's own edits in these files. Each holds both versions "
            "between `<<<<<<< before updating` (the team's lines) and `>>>>>>> after updating` "
            "(the template's); CI fails until they are resolved:",
            "",
            *(f"- `{name}`" for name in conflicts),
        ]
    else:
        lines.append("None: every template change merged cleanly with the team's edits.")
    if synced:
        lines += [
            "",
            f"## Added by `{process_command('sync')}`",
            "",
            "The update ran sync, which adds each section the process now requires to the "
            "team's documents and never changes a team line. Each added section is a "
            "`_TODO_` to fill in, except in a piece of work already done or dropped, "
            "which gets a note that the section came after the work:",
            "",
            *(f"- {line}" for line in synced),
        ]
    lines += [
        "",
        "## What to do",
        "",
        f"1. `git fetch origin && git switch {branch}`.",
    ]
    if conflicts:
        lines.append(
            "1. In each file above keep what is right from both sides and delete the marker "
            "lines; `python3 tools/check_leftovers.py` must print nothing."
        )
    lines += [
        '1. Do what the changelog\'s "What a team must do" says for each version.',
        "1. Run the checks from the README (`uv sync && uv run pytest && uv run ruff check .`), "
        "commit and push.",
        "1. When CI is green and the changes are reviewed, mark the pull request ready and "
        'merge it. See docs/lifecycle.md, "Updating from the template".',
    ]
    return "\n".join(lines)


def write_outputs(values: dict[str, str]) -> None:
    """Append ``key=value`` lines to ``$GITHUB_OUTPUT`` for the workflow's next steps."""
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as output:
            output.writelines(f"{key}={value}\n" for key, value in values.items())


def flag(value: bool) -> str:
    """Spell a boolean as GitHub Actions expressions compare it: ``'true'``/``'false'``."""
    return "true" if value else "false"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the report (``--apply``: the pull-request body); write the workflow outputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copier", default="copier", help="command that runs copier")
    parser.add_argument(
        "--apply",
        action="store_true",
        help=f"update on a new branch {BRANCH_PREFIX}<version> and commit it",
    )
    parser.add_argument(
        "--summary",
        default=os.environ.get("GITHUB_STEP_SUMMARY"),
        help="also append the report to this file (default: $GITHUB_STEP_SUMMARY)",
    )
    parser.add_argument(
        "--answers-file",
        default=DEFAULT_ANSWERS_FILE,
        help=f"this template's answers file (default: {DEFAULT_ANSWERS_FILE}; "
        "another one needs copier 9.14 or later)",
    )
    args = parser.parse_args(argv)
    if not Path(args.answers_file).is_file():
        raise SystemExit(
            f"template_status.py --answers-file: {args.answers_file} is not a file here; "
            "name this template's answers file, e.g. .copier-answers.lifecycle.yml."
        )
    copier = shlex.split(args.copier)
    if args.apply:
        refuse_dirty_tree()
    status = check(copier, args.answers_file)
    values = {"behind": flag(status.behind), "current": status.current, "version": status.latest}
    if args.apply and status.behind:
        branch = BRANCH_PREFIX + status.latest
        refuse_existing_branch(branch)
        text, conflicts = apply(copier, status, args.answers_file)
        values |= {"branch": branch, "conflicts": flag(bool(conflicts))}
    else:
        text = report(status, args.answers_file, copier)
        if args.apply:
            values |= {"branch": "", "conflicts": "false"}
    print(text)
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(text + "\n")
    write_outputs(values)
    if status.behind and os.environ.get("GITHUB_ACTIONS") == "true":
        print("::warning title=Lifecycle template update available::" + text.splitlines()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
