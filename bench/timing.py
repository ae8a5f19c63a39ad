"""Run and time commands the way users run them, on a machine shared with other work.

Why it is built this way:

* Users pay for the ``copier`` command line, import included, so every figure
  times a real subprocess, never an in-process call.
* A shared machine drifts, so every case runs once per round, all cases
  interleaved, after an untimed warm-up round; reports use medians of the
  ratios *within* a round, never single runs.
* Every timed command is checked afterwards: a command that failed fast would
  otherwise flatter the template.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class BenchError(RuntimeError):
    """A command the bench runs failed, so its timing would mean nothing."""


def isolated_env(workdir: Path) -> dict[str, str]:
    """Environment for every command: empty copier settings, a throw-away git identity.

    A user's copier ``trust`` list or defaults, or their global git hooks and
    signing, would otherwise change what is timed; git's automatic gc, started
    in the background by a large commit, would slow whatever runs next.
    ``PYTHONDONTWRITEBYTECODE`` is dropped because users' Python keeps compiled
    modules: without them every run compiles copier from source, adding about
    0.9 s to both sides of every ratio and making the template look cheaper than
    users see it. A caller's ``PYTHONPATH`` is dropped because it would decide
    which copier runs; the patched variant sets its own.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    settings = workdir / "copier-settings.yml"
    settings.write_text("{}\n", encoding="utf-8")
    gitconfig = workdir / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Benchmark\n\temail = bench@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
        "[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n",
        encoding="utf-8",
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    env.update(
        COPIER_SETTINGS_PATH=str(settings),
        COPIER_CACHE_DIR=str(workdir / "copier-cache"),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        UV_PYTHON_DOWNLOADS="never",
    )
    return env


def run(
    cmd: Sequence[str], cwd: Path, env: dict[str, str], ok_codes: tuple[int, ...] = (0,)
) -> subprocess.CompletedProcess[str]:
    """Run a command; raise ``BenchError`` with its output when it fails.

    ``ok_codes`` admits exit codes a tool uses for findings; a Python
    traceback is a failure whatever the exit code.
    """
    result = subprocess.run(
        list(cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode not in ok_codes or "Traceback (most recent call last)" in result.stderr:
        raise BenchError(
            f"{' '.join(cmd)} failed in {cwd} with exit code {result.returncode}:\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return result


@dataclass(frozen=True)
class Timing:
    """One successful command: wall-clock seconds, and CPU seconds of it and its children.

    Wall time is what users wait for; CPU time (git subprocesses included)
    hardly moves when other jobs share the machine, so it is the steadier gauge.
    """

    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    cmd: Sequence[str], cwd: Path, env: dict[str, str], ok_codes: tuple[int, ...] = (0,)
) -> Timing:
    """Time one command; raise ``BenchError`` when it fails."""
    cpu = _children_cpu()
    start = time.perf_counter()
    run(cmd, cwd, env, ok_codes)
    wall = time.perf_counter() - start
    return Timing(wall, _children_cpu() - cpu)


Command = Callable[[Path], tuple[list[str], Path]]


@dataclass
class Case:
    """One timed command: how to prepare a fresh folder, what to run, what proves it worked.

    ``prepare`` runs untimed before every sample; ``command`` returns the
    command and its working directory; ``check`` raises ``BenchError`` when
    the command did not do its job.
    """

    name: str
    command: Command
    check: Callable[[Path], None]
    env: dict[str, str]
    prepare: Callable[[Path], None] = lambda _folder: None
    ok_codes: tuple[int, ...] = (0,)
    timings: list[Timing] = field(default_factory=list)

    def sample(self, folder: Path) -> Timing:
        """Prepare ``folder``, time the command once, check its result."""
        folder.mkdir(parents=True)
        self.prepare(folder)
        cmd, cwd = self.command(folder)
        timing = timed(cmd, cwd, self.env, self.ok_codes)
        self.check(folder)
        return timing

    @property
    def median(self) -> float:
        """Median wall seconds of the kept samples."""
        return statistics.median(t.wall for t in self.timings)


def paired_ratio(top: Case, bottom: Case, cpu: bool = False) -> float:
    """Median over rounds of ``top / bottom`` within the same round, wall or CPU seconds.

    Both sides of one round ran minutes apart at most, so a burst of load from
    other work moves both; the median of paired ratios discards such rounds.
    """
    pairs = zip(top.timings, bottom.timings, strict=True)
    if cpu:
        return statistics.median(t.cpu / b.cpu for t, b in pairs)
    return statistics.median(t.wall / b.wall for t, b in pairs)


def measure(
    cases: Sequence[Case],
    rounds: int,
    warmup: int,
    workdir: Path,
    log: Callable[[str], None] = print,
) -> None:
    """Sample every case once per round, in the same order, after untimed warm-up rounds."""
    for number in range(warmup + rounds):
        kept = number >= warmup
        label = f"round {number - warmup + 1}/{rounds}" if kept else "warm-up"
        for index, case in enumerate(cases):
            timing = case.sample(workdir / "runs" / f"{number}-{index}")
            if kept:
                case.timings.append(timing)
            log(f"  {label:<11} {case.name:<44} {timing.wall:6.2f} s  (CPU {timing.cpu:.2f} s)")
