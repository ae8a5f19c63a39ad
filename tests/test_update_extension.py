"""The update message's filter reads the pre-update version from git, never the worktree."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .conftest import ROOT, run
from .extension_modules import updates
from .update_harness import commit_all

committed_answer, UNKNOWN = updates.committed_answer, updates.UNKNOWN


def test_reads_the_committed_answer_not_the_worktree(tmp_path: Path) -> None:
    run(["git", "init", "-q"], tmp_path)
    answers = tmp_path / ".copier-answers.yml"
    answers.write_text("_commit: v1.2.0\n_src_path: /templates/lifecycle\nproject_name: x\n")
    commit_all(tmp_path, "v1.2.0")
    answers.write_text("_commit: v1.3.0\n")  # what copier writes during the update
    assert committed_answer(tmp_path, "_commit") == "v1.2.0"
    assert committed_answer(tmp_path, "_src_path") == "/templates/lifecycle"
    assert committed_answer(tmp_path, "missing") == UNKNOWN


def test_unknown_outside_git_or_before_the_first_commit(tmp_path: Path) -> None:
    assert committed_answer(tmp_path, "_commit") == UNKNOWN
    run(["git", "init", "-q"], tmp_path)
    assert committed_answer(tmp_path, "_commit") == UNKNOWN
    assert committed_answer(tmp_path / "missing-dir", "_commit") == UNKNOWN


def test_registered_as_a_jinja_filter(tmp_path: Path) -> None:
    env = jinja2.Environment(extensions=[updates.UpdateExtension])
    rendered = env.from_string('{{ dst | committed_answer("_commit") }}').render(dst=tmp_path)
    assert rendered == UNKNOWN


CHANGELOG = """# Process changelog

Intro.

## Unreleased

- Next thing.

## 1.1.0

### Process changes
- Second.

## 1.0.0 (2026-11-30)

### Process changes
- First.
"""


def test_changelog_between_gives_the_entries_after_old_up_to_new(tmp_path: Path) -> None:
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)
    between = updates.changelog_between
    assert between(tmp_path, "v1.0.0", "v1.1.0") == "## 1.1.0\n\n### Process changes\n- Second."
    assert between(tmp_path, "1.1.0", "1.1.0") == ""
    everything = between(tmp_path, UNKNOWN, "1.1.0")
    assert "- First." in everything and "- Second." in everything
    assert "Next thing" not in everything
    # An update to an untagged commit after the newest release includes Unreleased.
    assert "- Next thing." in between(tmp_path, "1.1.0", "1.1.0.post3.dev0+g1234abc")
    assert between(tmp_path / "missing", "1.0.0", "1.1.0") == ""


def test_an_empty_unreleased_section_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG.replace("- Next thing.\n", ""))
    between = updates.changelog_between(tmp_path, "1.1.0", "1.1.0.post3.dev0+g1234abc")
    assert between == ""


def test_a_commit_recorded_before_the_first_tag_starts_after_the_release_it_had(
    tmp_path: Path,
) -> None:
    """Repositories made from the untagged template record a commit as ``_commit``."""
    run(["git", "init", "-q", "-b", "main"], tmp_path)
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)

    def commit(message: str) -> str:
        commit_all(tmp_path, message)
        return run(["git", "rev-parse", "--short", "HEAD"], tmp_path).stdout.strip()

    before = commit("before any release")
    (tmp_path / "a.txt").write_text("1.0.0\n")
    run(["git", "tag", "v1.0.0", commit("1.0.0")], tmp_path)
    (tmp_path / "a.txt").write_text("after 1.0.0\n")
    after = commit("after 1.0.0")
    (tmp_path / "a.txt").write_text("1.1.0\n")
    run(["git", "tag", "v1.1.0", commit("1.1.0")], tmp_path)

    assert updates.released_before(tmp_path, after) == "v1.0.0"
    assert updates.changelog_between(tmp_path, after, "v1.1.0") == (
        "## 1.1.0\n\n### Process changes\n- Second."
    )
    # A commit older than every tag has had no release: every entry is new to it.
    assert updates.released_before(tmp_path, before) == ""
    assert "- First." in updates.changelog_between(tmp_path, before, "v1.1.0")
    # A hash that also spells a version (4 beta 12345) is still read as a commit.
    assert updates.RECORDED_COMMIT.fullmatch("4b12345") and updates.version_key("4b12345")
    between = updates.changelog_between(tmp_path, "4b12345", "v1.1.0").splitlines()
    assert [line for line in between if line.startswith("## ")] == [
        "## 1.1.0",
        "## 1.0.0 (2026-11-30)",
    ]
    # Neither a hash of this history nor a hash at all.
    assert updates.released_before(tmp_path, "0123abcd") == ""
    assert updates.released_before(tmp_path, "HEAD~1") == ""


def test_team_owned_is_the_skip_list_and_the_update_only_exclusions() -> None:
    owned = set(updates.team_owned(ROOT))
    assert {"README.md", "docs/roadmap.md", "src/**", "tests/**"} <= owned
    assert "docs/lifecycle.md" not in owned
    assert updates.team_owned(ROOT / "missing") == []


def test_conflicted_and_beside_files_come_from_git(tmp_path: Path) -> None:
    run(["git", "init", "-q"], tmp_path)
    (tmp_path / "a.md").write_text("a\n")
    commit_all(tmp_path, "start")
    blob = run(["git", "hash-object", "-w", "a.md"], tmp_path).stdout.strip()
    index = "".join(f"100644 {blob} {stage}\ta.md\n" for stage in (1, 2, 3))
    unmerged = "0 " + "0" * 40 + "\ta.md\n" + index
    run(["git", "update-index", "--index-info"], tmp_path, input=unmerged)
    (tmp_path / "b.md.from-template").write_text("b\n")
    assert updates.conflicted_files(tmp_path) == ["a.md"]
    assert updates.delivered_beside(tmp_path) == ["b.md.from-template"]
    assert updates.conflicted_files(tmp_path / "missing") == []


def test_the_changelog_reader_orders_versions_as_pep_440_does() -> None:
    """One reader (template_status.py's, copied here): pre-releases, post-releases, brackets."""
    key = updates.version_key
    ordered = [
        "1.0.dev1",
        "1.0a1",
        "1.0b2",
        "1.0rc1",
        "1.0",
        "1.0.0.post1.dev0",
        "1.0.post1",
        "v1.1",
    ]
    assert sorted(ordered, key=lambda v: key(v) or ()) == ordered
    assert key("1.0") == key("v1.0.0") and key("unknown") is None
    changelog = "## [1.1.0] - 2026-01-01\n- Second.\n\n## 1.0.0\n- First.\n"
    assert updates.entries_between(changelog, "1.0.0", "1.1.0rc1") == ""
    assert (
        updates.entries_between(changelog, "1.0.0", "1.1.0") == "## [1.1.0] - 2026-01-01\n- Second."
    )
