"""No command damages a team's files: every write is planned in full, then made at once.

On projects rendered by copier, with the shipped ``tools/lifecycle.py`` run as a
team runs it: symbolic links out of the repository, read-only files, a full
disk and ``kill -9`` in the middle of ``sync``, parallel ``new``, the index's
team lines and duplicate numbers.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import editable_copy, outputs, run
from .extension_modules import tool

FIRST = "docs/work/0001-acme-billing"
INDEX = "docs/work/index.md"


def lifecycle(project: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the project's own tool from its root, as a team does."""
    return run([sys.executable, "tools/lifecycle.py", *args], project, check=False, **kwargs)


def snapshot(folder: Path) -> dict[str, object]:
    """Every file's bytes and mode, and every link's target, without following links."""
    found: dict[str, object] = {}
    for top, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(top) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_file():
                found[key] = (path.read_bytes(), path.stat().st_mode)
            else:
                found[key] = "folder"
    return found


def without_last_section(path: Path) -> None:
    """Remove a document's last ``## `` section, so ``sync`` has something to add."""
    lines = path.read_text().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line.startswith("## "))
    path.write_text("".join(lines[:last]))


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refusal prints on stderr (the test fails on more)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, outputs(result)
    return lines[0]


@pytest.fixture
def project(render, tmp_path: Path) -> Path:
    """A medium service (its test plan has sections), free to change."""
    return editable_copy(render(project_size="medium"), tmp_path / "inside")


# ------------------------------------------------------------------ symbolic links
def link_out(project: Path, link: str, outside: Path) -> None:
    """Make ``link`` a symbolic link to a copy outside, which ``sync`` would change."""
    target = outside / Path(link).name
    path = project / link
    if link == "docs/work/0002-x":
        shutil.copytree(project / FIRST, target)
        matter = target / "shaping.md"
        matter.write_text(matter.read_text().replace('"Acme Billing"', '"Outside piece"', 1))
        without_last_section(target / "shaping.md")
    elif link == "docs/releases":
        target.mkdir(parents=True)
    else:
        shutil.move(path, target)
        without_last_section(target / "0001-acme-billing/shaping.md" if path.name == "work"
                             else target)  # fmt: skip
    path.symlink_to(target, target_is_directory=target.is_dir())


COMMANDS = {
    "new": ["new", "Another piece", "--size", "small"],
    "sync": ["sync"],
    "release": ["release", "v0.1.0"],
}
WRITES_THROUGH = {
    ("docs/work", "new"),
    ("docs/work/0002-x", "sync"),
    ("docs/test-plan.md", "sync"),
    ("docs/work", "sync"),
    ("docs/releases", "release"),
}
"""The commands that would write through each link: refused. The others never touch it."""


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(
    "link", ["docs/work/0002-x", "docs/test-plan.md", "docs/work", "docs/releases"]
)
def test_no_command_writes_through_a_symbolic_link_out_of_the_repository(
    project: Path, tmp_path: Path, link: str, command: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    link_out(project, link, outside)
    before, outside_before = snapshot(project), snapshot(outside)
    result = lifecycle(project, *COMMANDS[command])
    assert snapshot(outside) == outside_before, outputs(result)
    if (link, command) in WRITES_THROUGH:
        assert result.returncode == 3, outputs(result)
        line = one_line(result)
        assert "outside the repository" in line and link in line
        assert snapshot(project) == before
    else:
        assert result.returncode == 0, outputs(result)


# ------------------------------------------------------------------ read-only files
def test_a_read_only_document_stops_sync_before_anything_is_written(project: Path) -> None:
    """The test plan would be synced first; the read-only shaping note stops both."""
    without_last_section(project / "docs/test-plan.md")
    shaping = project / FIRST / "shaping.md"
    without_last_section(shaping)
    shaping.chmod(0o444)  # write_files treats it as read-only even for root
    before = snapshot(project)
    result = lifecycle(project, "sync")
    assert result.returncode == 3, outputs(result)
    assert one_line(result).startswith(f"lifecycle.py: {FIRST}/shaping.md:1: is read-only;")
    assert snapshot(project) == before
    shaping.chmod(0o644)
    assert lifecycle(project, "sync").returncode == 0
    assert lifecycle(project, "sync").stdout.strip() == "sync: nothing to add."


def test_a_read_only_index_stops_new_and_leaves_no_folder(project: Path) -> None:
    (project / INDEX).chmod(0o444)
    before = snapshot(project)
    result = lifecycle(project, *COMMANDS["new"])
    assert result.returncode == 3, outputs(result)
    assert one_line(result).startswith(f"lifecycle.py: {INDEX}:1: is read-only;")
    assert snapshot(project) == before


# ------------------------------------------------------------------ a full disk
@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` at ``folder`` (root only), or skip where that is not allowed."""
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mounted = run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder], check=False)
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not allow a tmpfs mount: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        run(["umount", "-l", folder], check=False)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until ``leave`` bytes or fewer are free."""
    with (folder / "filler").open("wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"x" * 4096)
    with contextlib.suppress(OSError):
        os.truncate(folder / "filler", max(0, (folder / "filler").stat().st_size - leave))


def test_a_full_disk_during_sync_changes_no_file(project: Path, tmp_path: Path) -> None:
    """A real small file system: the first file may fit, the next does not; none changes."""
    with small_disk(tmp_path / "disk", "8m") as disk:
        repo = Path(shutil.copytree(project, disk / "project", symlinks=True,
                                    ignore=shutil.ignore_patterns(".git")))  # fmt: skip
        without_last_section(repo / "docs/test-plan.md")
        shaping = repo / FIRST / "shaping.md"
        without_last_section(shaping)
        shaping.write_text(shaping.read_text() + "Team notes. " * 20_000 + "\n")
        fill(disk, leave=8192)
        before = snapshot(repo)
        result = lifecycle(repo, "sync")
        assert result.returncode == 3, outputs(result)
        assert "No space left on device" in one_line(result)
        assert snapshot(repo) == before


def test_an_injected_full_disk_at_the_second_write_changes_no_file(
    project: Path, monkeypatch, capsys
) -> None:
    """Where no tmpfs can be mounted: ENOSPC at the second file's flush, in the tool itself."""
    without_last_section(project / "docs/test-plan.md")
    without_last_section(project / FIRST / "shaping.md")
    calls = []

    def fsync(descriptor: int) -> None:
        calls.append(descriptor)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tool.os, "fsync", fsync)
    before = snapshot(project)
    assert tool.main(["--root", str(project), "sync"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0] and "no file was changed" in err[0]
    assert snapshot(project) == before


# ------------------------------------------------------------------ kill -9
@pytest.mark.slow  # about two dozen runs of sync on a large document
def test_kill_9_during_sync_leaves_each_file_old_or_new(project: Path, tmp_path: Path) -> None:
    """Kill sync ever closer to the moment the large file changes, then around it."""
    plan, shaping = project / "docs/test-plan.md", project / FIRST / "shaping.md"
    without_last_section(plan)
    without_last_section(shaping)
    notes = "x" * 100_000  # 30 MB in few lines: slow to write, quick to read
    plan.write_text(plan.read_text() + "".join(f"Notes {n}: {notes}\n" for n in range(300)))
    old = {path: path.read_bytes() for path in (plan, shaping)}
    finished = editable_copy(project, tmp_path / "finished")
    began = time.monotonic()
    assert lifecycle(finished, "sync").returncode == 0
    took = time.monotonic() - began
    new = {path: (finished / path.relative_to(project)).read_bytes() for path in old}
    assert all(new[path] != old[path] for path in old)

    names = {p.name for p in (project / "docs").rglob("*")}
    assert ".*.[0-9]*.tmp" in (project / ".gitignore").read_text().splitlines()

    def killed_after(delay: float) -> bool:
        """Kill a sync after ``delay`` seconds; return whether the large file is the new one."""
        for path, data in old.items():
            path.write_bytes(data)
        command = [sys.executable, "tools/lifecycle.py", "sync"]
        quiet = subprocess.DEVNULL
        process = subprocess.Popen(command, cwd=project, stdout=quiet, stderr=quiet)
        time.sleep(max(0.0, delay))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path in old:
            data = path.read_bytes()
            assert data in (old[path], new[path]), f"{path} is neither old nor new after {delay}s"
        # What a kill may leave is a temporary file beside its target, which git ignores.
        left = {p.name for p in (project / "docs").rglob("*")} - names
        assert all(fnmatch.fnmatch(name, ".*.[0-9]*.tmp") for name in left), left
        return plan.read_bytes() == new[plan]

    early, late = 0.0, took * 1.5
    for _ in range(10):  # bisect to the moment the large file is replaced
        middle = (early + late) / 2
        early, late = (early, middle) if killed_after(middle) else (middle, late)
    for _ in range(14):  # and kill all around it
        killed_after(random.uniform(early - 0.02, late + 0.02))


# ------------------------------------------------------------------ the index
def set_status(path: Path, status: str) -> None:
    text = path.read_text()
    path.write_text(text.replace("status: draft", f"status: {status}", 1))


def test_sync_refreshes_a_stale_index_and_keeps_every_team_line(project: Path) -> None:
    index = project / INDEX
    lines = index.read_text().splitlines(keepends=True)
    team_top, team_bottom = "Our own note above the table.\n", "\nAnd a link below it.\n"
    lines.insert(1, "\n" + team_top)
    index.write_text("".join(lines) + team_bottom)
    set_status(project / FIRST / "shaping.md", "accepted")
    check = lifecycle(project, "check")
    assert "WARN LC110" in check.stdout and "run `python3 tools/lifecycle.py sync`" in check.stdout
    result = lifecycle(project, "sync")
    assert result.returncode == 0 and "  updated docs/work/index.md" in result.stdout
    text = index.read_text()
    assert team_top in text and text.endswith(team_bottom)
    assert "| medium | draft | @acme/billing | Architecture |" in text  # the RFC is next
    assert "LC110" not in lifecycle(project, "check").stdout
    assert lifecycle(project, "sync").stdout.strip() == "sync: nothing to add."


def test_new_keeps_the_team_lines_of_the_index(project: Path) -> None:
    index = project / INDEX
    index.write_text(index.read_text() + "\nA line the team wrote.\n")
    assert lifecycle(project, *COMMANDS["new"]).returncode == 0
    text = index.read_text()
    assert text.endswith("\nA line the team wrote.\n")
    assert "| [0002](0002-another-piece/shaping.md) | Another piece | small |" in text


def test_an_index_from_before_the_markers_is_migrated_without_losing_a_team_line(
    project: Path,
) -> None:
    """The old index: no markers, the table the tool wrote, and the team's lines around it."""
    index = project / INDEX
    old = [line for line in index.read_text().splitlines(keepends=True)
           if not line.startswith("<!--")]  # fmt: skip
    at = next(i for i, line in enumerate(old) if line.startswith("| Number |"))
    old.insert(at, "Team intro, kept.\n\n")
    index.write_text("".join(old).replace("```{toctree}", "Team outro, kept.\n\n```{toctree}"))
    before = index.read_text().splitlines()
    assert "no markers around the table" in lifecycle(project, "check").stdout
    assert lifecycle(project, "sync").returncode == 0
    after = index.read_text().splitlines()
    rows = [line for line in after if line.startswith("| ")]
    assert len(rows) == 3, after  # header, rule, the one piece: the old table was replaced
    team = iter(after)  # every line that is not the old table is kept, in order
    assert all(line in team for line in before if not line.startswith("|"))
    assert sum(line.startswith("<!--") for line in after) == 2
    assert lifecycle(project, "sync").stdout.strip() == "sync: nothing to add."


def test_a_title_with_a_pipe_cannot_shift_the_columns(project: Path) -> None:
    shaping = project / FIRST / "shaping.md"
    shaping.write_text(shaping.read_text().replace('"Acme Billing"', '"Acme | Billing"', 1))
    assert lifecycle(project, "sync").returncode == 0
    row = next(line for line in (project / INDEX).read_text().splitlines()
               if line.startswith("| [0001]"))  # fmt: skip
    assert "| Acme \\| Billing |" in row
    assert row.replace("\\|", "").count("|") == 7


def test_a_broken_marker_pair_is_one_line_and_nothing_is_written(project: Path) -> None:
    index = project / INDEX
    index.write_text("\n".join(line for line in index.read_text().splitlines()
                               if not line.startswith("<!-- end")) + "\n")  # fmt: skip
    set_status(project / FIRST / "shaping.md", "accepted")
    before = snapshot(project)
    result = lifecycle(project, "sync")
    assert result.returncode == 3, outputs(result)
    assert "markers around the table lifecycle.py keeps are not one pair" in one_line(result)
    assert snapshot(project) == before


# ------------------------------------------------------------------ numbers
def test_check_reports_two_folders_with_one_number_and_how_to_renumber(project: Path) -> None:
    """Two branches each started piece 0002, then were merged."""
    for name in ("0002-from-one-branch", "0002-from-another"):
        shutil.copytree(project / FIRST, project / "docs/work" / name)
        shaping = project / "docs/work" / name / "shaping.md"
        shaping.write_text(shaping.read_text().replace('"Acme Billing"', f'"{name}"', 1))
    lifecycle(project, "sync")
    result = lifecycle(project, "check")
    assert result.returncode == 1
    finding = next(line for line in result.stdout.splitlines() if "LC109" in line)
    assert finding.startswith("FAIL LC109 [Project shaping] docs/work/0002-from-one-branch:")
    assert "shares number 0002 with 0002-from-another" in finding
    assert "git mv docs/work/0002-from-one-branch docs/work/0003-from-one-branch" in finding


@pytest.mark.slow  # twenty processes at once
def test_twenty_new_at_once_take_twenty_numbers_and_the_index_lists_all(project: Path) -> None:
    def start(number: int) -> subprocess.CompletedProcess[str]:
        return lifecycle(project, "new", f"Piece {number}", "--size", "small")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(start, range(20)))
    assert all(result.returncode == 0 for result in results), [outputs(r) for r in results]
    folders = sorted(p.name for p in (project / "docs/work").iterdir() if p.is_dir())
    assert [name[:4] for name in folders] == [f"{n:04d}" for n in range(1, 22)], folders
    rows = [line for line in (project / INDEX).read_text().splitlines() if line.startswith("| [")]
    assert len(rows) == 21
    assert "LC109" not in lifecycle(project, "check").stdout


@pytest.mark.slow  # ten processes at once
def test_the_same_title_started_twice_at_once_gives_one_piece_and_one_line(project: Path) -> None:
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: lifecycle(project, *COMMANDS["new"]), range(10)))
    assert sorted(result.returncode for result in results) == [0] + [2] * 9
    for result in results:
        if result.returncode:
            assert "clashes with docs/work/0002-another-piece" in one_line(result)
    assert len(list((project / "docs/work").glob("*-another-piece"))) == 1


def test_a_stale_index_warns_in_pull_requests_and_fails_a_release(project: Path) -> None:
    set_status(project / FIRST / "shaping.md", "accepted")
    assert "WARN LC110" in lifecycle(project, "check").stdout
    release = lifecycle(project, "check", "--release", "v0.1.0", "--only", "LC110")
    assert release.returncode == 1 and "FAIL LC110" in release.stdout, outputs(release)


def test_new_refuses_an_index_with_conflict_markers_in_one_line(project: Path) -> None:
    index = project / INDEX
    index.write_text(index.read_text() + "<<<<<<< before updating\nours\n=======\n>>>>>>> after\n")
    at = len(index.read_text().splitlines()) - 3
    before = snapshot(project)
    result = lifecycle(project, *COMMANDS["new"])
    assert result.returncode == 3, outputs(result)
    assert one_line(result) == (
        f"lifecycle.py: {INDEX}:{at}: holds conflict markers; "
        "resolve them, then run the command again"
    )
    assert snapshot(project) == before
