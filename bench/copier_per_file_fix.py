"""Run the copier command line with two per-file costs made once per render.

An experiment for ``bench/run.py --copier-fix``, never used by the template:
it measures what two small changes to copier would save every template, so
they can be proposed upstream with figures (see docs/benchmarks.md).

1. ``Worker._sync_git_index_executable_bit`` runs ``git config core.fileMode``
   in a subprocess for every rendered file. The setting cannot change during
   one render, so it is read once per worker; files are still synced one by
   one where it is ``false``, exactly as copier does.
2. ``Worker.answers_relpath`` renders the answers-file path, with a full
   render context, for every part of every path. Answers are fixed while the
   files are rendered, so it is rendered once per ``_render_template`` call.

Usage: ``python bench/copier_per_file_fix.py copy|update ...`` (copier's own
arguments).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from copier._main import Worker
from copier._vcs import get_git
from plumbum import ProcessExecutionError

_original_sync = Worker._sync_git_index_executable_bit
_original_answers_relpath = Worker.answers_relpath.fget
_original_render_template = Worker._render_template


def _file_mode(worker: Worker) -> str:
    """``core.fileMode`` in the destination, read once per worker ("" when unset)."""
    if "_bench_file_mode" not in worker.__dict__:
        try:
            git = get_git(context_dir=worker.subproject.local_abspath)
            value = git("config", "--type=bool", "--get", "core.fileMode").strip()
        except (ProcessExecutionError, OSError):
            value = ""
        worker.__dict__["_bench_file_mode"] = value
    return worker.__dict__["_bench_file_mode"]


def _sync(self: Worker, dst_relpath: Path, src_mode: int) -> None:
    if _file_mode(self) == "false":  # the only case where copier changes the index
        _original_sync(self, dst_relpath, src_mode)


def _answers_relpath(self: Worker) -> Path:
    cached = self.__dict__.get("_bench_answers_relpath")
    if cached is not None:
        return cached
    return _original_answers_relpath(self)


def _render_template(self: Worker, *args: Any, **kwargs: Any) -> Any:
    self.__dict__["_bench_answers_relpath"] = _original_answers_relpath(self)
    try:
        return _original_render_template(self, *args, **kwargs)
    finally:
        del self.__dict__["_bench_answers_relpath"]


Worker._sync_git_index_executable_bit = _sync  # type: ignore[method-assign]
Worker.answers_relpath = property(_answers_relpath)  # type: ignore[method-assign,assignment]
Worker._render_template = _render_template  # type: ignore[method-assign]

if __name__ == "__main__":
    from copier._cli import CopierApp

    sys.argv = ["copier", *sys.argv[1:]]
    CopierApp.run()
