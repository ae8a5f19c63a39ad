"""What the bench times, and the check that proves each command did its job.

Why the checks: a copy that ignored its answers, or an update that never
reached v2 or lost a team file, can be fast; timing it would flatter us.

Update cases start from a *master* project (copied at v1 and committed once,
untimed) that each sample clones with ``cp -a``; the git index is then
refreshed, untimed, so the timed update does not pay for rehashing files that
only look changed because they were copied.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.templates import ANSWERS_FILE, V2_LINE, project_files
from bench.timing import BenchError, Case, run

PROJECT = "acme-billing"


def copier_cli() -> list[str]:
    """The copier command users run: the installed entry script beside this Python.

    The entry script imports ``copier`` through ``sys.path``, so a patched copy
    first on ``PYTHONPATH`` replaces the installed one for that process only.
    """
    script = Path(sys.executable).with_name("copier")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "copier"]


def data_options(data: dict[str, str]) -> list[str]:
    """``--data KEY=VALUE`` for each answer."""
    return [arg for key, value in data.items() for arg in ("--data", f"{key}={value}")]


def _answers(project: Path) -> str:
    path = project / ANSWERS_FILE
    if not path.is_file():
        raise BenchError(f"{path} was not written")
    return path.read_text(encoding="utf-8")


def copy_command(
    template: Path,
    dest: Path,
    data: dict[str, str],
    ref: str | None = None,
    options: Sequence[str] = (),
) -> list[str]:
    """``copier copy --trust --defaults`` of ``template`` at ``ref``; as users run it without.

    ``options``: more of copier's options (a peer's ``--skip-tasks``, bench/peers.py).
    """
    given = ["--trust", "--defaults", *(["--vcs-ref", ref] if ref else []), *options]
    return [*copier_cli(), "copy", *given, *data_options(data), str(template), str(dest)]


def copy_project(
    template: Path, dest: Path, env: dict[str, str], data: dict[str, str], ref: str | None = None
) -> Path:
    """A copy of ``template`` at ``ref`` (default: the latest tag) in ``dest``, untimed."""
    run(copy_command(template, dest, data, ref), dest.parent, env)
    return dest


def copy_case(name: str, template: Path, env: dict[str, str], data: dict[str, str]) -> Case:
    """A copy of the latest tag into a fresh folder, checked against its answers."""

    def command(folder: Path) -> tuple[list[str], Path]:
        return copy_command(template, folder / PROJECT, data), folder

    def check(folder: Path) -> None:
        answers = _answers(folder / PROJECT)
        for key, value in data.items():
            if f"{key}: {value}" not in answers:
                raise BenchError(f"{name}: {key}={value} missing from the answers file")

    return Case(name, command, check, env)


def commit_all(project: Path, env: dict[str, str], message: str) -> None:
    """``git init`` (if needed), add everything and commit: copier updates a clean git tree."""
    if not (project / ".git").exists():
        run(["git", "init", "-q"], project, env)
    run(["git", "add", "-A"], project, env)
    run(["git", "commit", "-q", "--no-verify", "-m", message], project, env)


def update_case(name: str, master: Path, changed_file: str, env: dict[str, str]) -> Case:
    """``copier update --trust --defaults`` from v1 to v2 on a clone of ``master``.

    ``changed_file`` is the project path v2 appends ``V2_LINE`` to. The check
    also looks for every file of ``master``: an update that deleted team files fails.
    """
    files_before = project_files(master)

    def prepare(folder: Path) -> None:
        run(["cp", "-a", str(master), str(folder / PROJECT)], folder, env)
        run(["git", "update-index", "-q", "--refresh"], folder / PROJECT, env)

    def command(folder: Path) -> tuple[list[str], Path]:
        return [*copier_cli(), "update", "--trust", "--defaults"], folder / PROJECT

    def check(folder: Path) -> None:
        project = folder / PROJECT
        if "_commit: v2" not in _answers(project):
            raise BenchError(f"{name}: the project did not move to v2")
        if V2_LINE not in (project / changed_file).read_text(encoding="utf-8"):
            raise BenchError(f"{name}: the v2 change is missing from {changed_file}")
        lost = [path for path in files_before if not (project / path).exists()]
        if lost:
            raise BenchError(f"{name}: the update removed files from the project: {lost[:3]}")

    return Case(name, command, check, env, prepare)


LIFECYCLE_TOOL = "tools/lifecycle.py"
PIECES_OF_WORK = 50


def lifecycle_project(template: Path, dest: Path, env: dict[str, str]) -> Path | str:
    """A large project with ``PIECES_OF_WORK`` pieces of work, or why there is none.

    The tool is built in parallel with this bench: until the generated project
    has ``tools/lifecycle.py`` with ``check`` and ``new``, the answer is a
    sentence for the report, never a made-up figure. Pieces of work are made
    with the tool's own ``new``, as a team would.
    """
    project = copy_project(template, dest, env, {"project_size": "large"})
    return add_pieces_of_work(project, env)


def add_pieces_of_work(project: Path, env: dict[str, str]) -> Path | str:
    """``project`` with ``PIECES_OF_WORK`` pieces of work made by its tool, or why not."""
    tool = project / LIFECYCLE_TOOL
    if not tool.is_file():
        return f"not built yet (no {LIFECYCLE_TOOL})"
    for command in ("new", "check"):
        asked = subprocess.run(
            ["python3", LIFECYCLE_TOOL, command, "--help"],
            cwd=project,
            env=env,
            capture_output=True,
        )
        if asked.returncode != 0:  # argparse: 2 for an unknown subcommand
            return f"not built yet ({LIFECYCLE_TOOL} has no `{command}`)"
    work = project / "docs" / "work"

    def made() -> int:
        return sum(1 for p in work.iterdir() if p.is_dir()) if work.is_dir() else 0

    try:
        for number in range(PIECES_OF_WORK):
            if made() >= PIECES_OF_WORK:
                break
            title = f"Bench piece of work {number}"
            size = ("small", "medium", "large")[number % 3]  # `new` needs a size
            run(["python3", LIFECYCLE_TOOL, "new", title, "--size", size], project, env)
    except BenchError as error:
        return f"`{LIFECYCLE_TOOL} new TITLE` failed: {str(error).splitlines()[0]}"
    if made() < PIECES_OF_WORK:
        return f"`new` made {made()} pieces of work under docs/work/, not {PIECES_OF_WORK}"
    commit_all(project, env, "Fifty pieces of work")
    return project


def lifecycle_check_case(project: Path, env: dict[str, str]) -> Case:
    """``python3 tools/lifecycle.py check`` in a prepared project, read-only, so never re-made.

    Exit code 1 is the tool reporting findings in documents nobody filled in
    yet: still a full check, so it counts; a traceback does not.
    """

    def command(_folder: Path) -> tuple[list[str], Path]:
        return ["python3", LIFECYCLE_TOOL, "check"], project

    def check(_folder: Path) -> None:
        """Nothing to check beyond the exit code: ``check`` writes nothing."""

    return Case(
        f"lifecycle check ({PIECES_OF_WORK} pieces of work)", command, check, env, ok_codes=(0, 1)
    )


FLEET_REPOSITORIES = 200


def fleet_sources(
    template: Path, dest: Path, env: dict[str, str], count: int = FLEET_REPOSITORIES
) -> Path | str:
    """A list of ``count`` repositories at two template versions, or why none.

    One real copy per version (tags ``v1`` and ``v2``), each committed, then
    copied folder for folder: every repository is a real generated one, and the
    set-up costs two renders instead of two hundred.
    """
    dest.mkdir(parents=True)
    masters = []
    for ref in ("v1", "v2"):
        master = copy_project(template, dest / f"master-{ref}", env, {}, ref)
        commit_all(master, env, f"Start from {ref}")
        masters.append(master)
    asked = subprocess.run(
        ["python3", LIFECYCLE_TOOL, "fleet", "--help"], cwd=masters[1], env=env, capture_output=True
    )
    if asked.returncode != 0:
        return f"not built yet ({LIFECYCLE_TOOL} has no `fleet`)"
    listing = dest / "sources.txt"
    repositories = []
    for number in range(count):
        repository = dest / f"repository-{number:03d}"
        run(["cp", "-a", str(masters[number % 2]), str(repository)], dest, env)
        repositories.append(str(repository))
    listing.write_text("\n".join(repositories) + "\n", encoding="utf-8")
    return listing


def fleet_case(listing: Path, env: dict[str, str]) -> Case:
    """``lifecycle.py fleet`` over every repository of ``listing``, checked for all of them."""
    count = len(listing.read_text(encoding="utf-8").split())
    lead = listing.parent / "master-v2"

    def command(folder: Path) -> tuple[list[str], Path]:
        report = folder / "fleet.json"
        return [
            "python3",
            LIFECYCLE_TOOL,
            "fleet",
            "--sources",
            str(listing),
            "--json",
            str(report),
        ], lead

    def check(folder: Path) -> None:
        report = json.loads((folder / "fleet.json").read_text(encoding="utf-8"))
        states = [repository["state"] for repository in report["repositories"]]
        if states != ["ok"] * count:
            raise BenchError(f"fleet: {states.count('ok')} of {count} read")

    return Case(f"fleet report ({count} repositories)", command, check, env)
