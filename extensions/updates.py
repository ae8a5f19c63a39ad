"""Jinja extension for the update messages.

Copier does not put the version a project is updated *from* into the render
context: by the time ``_message_after_update`` is rendered, ``_commit`` and
``_copier_answers`` already hold the new version. ``copier update`` refuses to
run on a dirty worktree and never commits, so the project's ``HEAD`` still
holds the answers file as it was before the update. The filter below reads the
old version from there.

Public surface:

* filter ``committed_answer``: ``{{ _copier_conf.dst_path | committed_answer("_commit") }}``
  is the value of an answer in the answers file committed at ``HEAD``, or
  ``"unknown"`` when it cannot be read (not a git repository, no commit yet).

Standard library and Jinja2 only (PyYAML is avoided: the answers file's
top-level ``key: value`` lines are all we need).
"""

from __future__ import annotations

import os
import subprocess

from jinja2 import Environment
from jinja2.ext import Extension

UNKNOWN = "unknown"


def committed_answer(dst_path: object, key: str, answers_file: str = ".copier-answers.yml") -> str:
    """Return ``key`` from the answers file as committed at ``HEAD`` in ``dst_path``.

    ``git show HEAD:./FILE`` is relative to ``dst_path``, so a project inside a
    bigger repository works too. Any failure gives ``UNKNOWN``: a message must
    never break an update.
    """
    try:
        shown = subprocess.run(
            ["git", "show", f"HEAD:./{answers_file}"],
            cwd=os.fspath(dst_path),  # type: ignore[arg-type]
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError, TypeError):
        return UNKNOWN
    if shown.returncode != 0:
        return UNKNOWN
    for line in shown.stdout.splitlines():
        name, sep, value = line.partition(":")
        if sep and name == key:
            return value.strip().strip("'\"") or UNKNOWN
    return UNKNOWN


class UpdateExtension(Extension):
    """Register ``committed_answer`` for ``copier.yml`` messages."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["committed_answer"] = committed_answer
