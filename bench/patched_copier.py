"""A throw-away copy of the installed copier with ``copier-per-file-cost.patch`` applied.

Why: copier pays a ``git config`` subprocess and a full render of the
answers-file path for every file it writes, so a template with many files is
slow whatever the files hold. The fix belongs upstream (see
``bench/upstream/README.md``); until it lands, the bench measures it by running
the very patch it proposes, applied with ``patch -p1`` to a copy of copier that
only the timed subprocesses see (first on ``PYTHONPATH``). The installed copier,
and every test, stay as they are.
"""

from __future__ import annotations

import compileall
import shutil
from pathlib import Path

import copier

from bench.timing import run

PATCH = Path(__file__).with_name("copier-per-file-cost.patch")


def installed_copier() -> Path:
    """The folder of the copier package the bench's Python imports."""
    return Path(copier.__file__).resolve().parent


def build_patched_copier(dest: Path, env: dict[str, str]) -> Path:
    """Copy copier into ``dest/copier``, apply the patch, precompile it; return ``dest``.

    ``dest`` is what goes first on ``PYTHONPATH``. The modules are compiled
    here because users' copier has its bytecode cached (see ``isolated_env``).
    ``patch`` fails loudly, naming the hunk, when copier's source has moved on.
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        installed_copier(), dest / "copier", ignore=shutil.ignore_patterns("__pycache__")
    )
    run(["patch", "-p1", "--forward", "--batch", "-i", str(PATCH)], dest, env)
    compileall.compile_dir(dest / "copier", quiet=1)
    return dest


def with_patched_copier(env: dict[str, str], patched: Path) -> dict[str, str]:
    """``env`` with the patched copy first on ``PYTHONPATH``."""
    return {**env, "PYTHONPATH": str(patched)}
