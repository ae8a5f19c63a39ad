"""The update message's filter reads the pre-update version from git, never the worktree."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import jinja2

from .conftest import ROOT
from .update_harness import commit_all, sh

# Loaded by path, as copier loads it.
_spec = importlib.util.spec_from_file_location("updates", ROOT / "extensions" / "updates.py")
assert _spec is not None and _spec.loader is not None
updates = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(updates)
committed_answer, UNKNOWN = updates.committed_answer, updates.UNKNOWN


def test_reads_the_committed_answer_not_the_worktree(tmp_path: Path) -> None:
    sh(["git", "init", "-q"], tmp_path)
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text("_commit: v1.2.0\n_src_path: /templates/lifecycle\nproject_name: x\n")
    commit_all(tmp_path, "v1.2.0")
    answers.write_text("_commit: v1.3.0\n")  # what copier writes during the update
    assert committed_answer(tmp_path, "_commit") == "v1.2.0"
    assert committed_answer(tmp_path, "_src_path") == "/templates/lifecycle"
    assert committed_answer(tmp_path, "missing") == UNKNOWN


def test_unknown_outside_git_or_before_the_first_commit(tmp_path: Path) -> None:
    assert committed_answer(tmp_path, "_commit") == UNKNOWN
    sh(["git", "init", "-q"], tmp_path)
    assert committed_answer(tmp_path, "_commit") == UNKNOWN
    assert committed_answer(tmp_path / "missing-dir", "_commit") == UNKNOWN


def test_registered_as_a_jinja_filter(tmp_path: Path) -> None:
    env = jinja2.Environment(extensions=[updates.UpdateExtension])
    rendered = env.from_string('{{ dst | committed_answer("_commit") }}').render(dst=tmp_path)
    assert rendered == UNKNOWN
