"""Run a Python script and sample its stack every tick of CPU time it uses.

    python bench/sampler.py OUT.json SCRIPT [ARGS...]

Why CPU time: the machine is shared, so a wall-clock profiler (cProfile's
default timer, or sampling on wall time) charges other people's jobs to
whatever was running. ``ITIMER_PROF`` ticks only while this process runs
(user or system), so the same command gives the same profile under load.
The kernel delivers it at its own tick (4 ms here), so one sample stands for
``cpu / samples`` seconds; a sampling profiler adds almost nothing to what it
measures, where cProfile triples Jinja's compile time.

Each subprocess the script waits for is recorded too, with its own CPU time
(``os.wait4``): copier's git commands and our migration are not in the stacks.
Standard library only: it runs inside copier's Python, under copier's CLI.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import runpy
import signal
import subprocess
import sys
from collections import Counter
from types import FrameType
from typing import Any

INTERVAL = 0.001
"""Asked for; the kernel rounds it up to its tick."""


class Sampler:
    """Counts of identical stacks, and the CPU seconds of each waited-for subprocess."""

    def __init__(self) -> None:
        self.stacks: Counter[tuple[str, ...]] = Counter()
        self.children: list[tuple[list[str], float]] = []

    def sample(self, _signal: int, frame: FrameType | None) -> None:
        stack = []
        while frame is not None:
            code = frame.f_code
            stack.append(f"{code.co_filename}:{code.co_firstlineno}:{code.co_name}")
            frame = frame.f_back
        self.stacks[tuple(reversed(stack))] += 1

    def watch_subprocesses(self) -> None:
        """Record each subprocess's CPU seconds where ``subprocess`` reaps it."""
        children = self.children

        def try_wait(popen: Any, flags: int) -> tuple[int, int]:
            try:
                pid, status, usage = os.wait4(popen.pid, flags)
            except ChildProcessError:
                return popen.pid, 0  # what subprocess does: someone else reaped it
            if pid:
                args = popen.args if isinstance(popen.args, list | tuple) else [popen.args]
                children.append(([str(arg) for arg in args], usage.ru_utime + usage.ru_stime))
            return pid, status

        subprocess.Popen._try_wait = try_wait  # type: ignore[attr-defined]

    def report(self) -> dict[str, Any]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        waited = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "cpu": own.ru_utime + own.ru_stime,
            "children_cpu": waited.ru_utime + waited.ru_stime,
            "stacks": [[list(stack), count] for stack, count in self.stacks.items()],
            "children": self.children,
        }


def main(argv: list[str]) -> None:
    out, script, *args = argv
    sampler = Sampler()
    sampler.watch_subprocesses()

    def save() -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        with open(out, "w", encoding="utf-8") as file:
            json.dump(sampler.report(), file)

    atexit.register(save)  # copier leaves through sys.exit
    signal.signal(signal.SIGPROF, sampler.sample)
    signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
