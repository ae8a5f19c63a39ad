"""This repository's release workflow tags the newest CHANGELOG version, once.

The workflow's own shell steps run here, in real git repositories: the version
step against this CHANGELOG.md, the tag step against a bare "origin", with a
stand-in for the `gh` command that records what it was asked to publish.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import yaml
from packaging.version import Version

from .conftest import ROOT, run
from .update_harness import commit_all

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def step(job: str, name: str) -> str:
    steps = workflow()["jobs"][job]["steps"]
    return next(s["run"] for s in steps if s.get("name", "").startswith(name))


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run(["bash", "-eo", "pipefail", "-c", script], cwd, env=env)


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def newest_changelog_version() -> str:
    return re.search(r"^## (\d\S*)", (ROOT / "CHANGELOG.md").read_text(), re.M).group(1)


def test_actions_are_pinned_and_permissions_are_least() -> None:
    spec = workflow()
    assert spec["permissions"] == {}
    for name, job in spec["jobs"].items():
        assert job["timeout-minutes"] <= 60, name
        expected = {"contents": "write"} if name == "tag" else {"contents": "read"}
        assert job["permissions"] == expected, name
        for used in (s["uses"] for s in job["steps"] if "uses" in s):
            assert PINNED.match(used), used


def test_changelog_versions_run_newest_first_below_an_optional_unreleased() -> None:
    """Between releases ``## Unreleased`` is the top entry; a release renames it (RELEASING.md)."""
    text = (ROOT / "CHANGELOG.md").read_text()
    entries = re.split(r"^## ", text, flags=re.M)[1:]
    headings = [entry.split("\n", 1)[0] for entry in entries]
    assert "Unreleased" not in headings[1:], headings  # only ever the top entry
    released = [e for h, e in zip(headings, entries, strict=True) if h != "Unreleased"]
    versions = [Version(entry.split()[0]) for entry in released]
    assert versions == sorted(versions, reverse=True) and Version("1.0.0") in versions
    for entry in released:
        for part in ("### Process changes", "### Files an update touches",
                     "### New in user-owned files", "### What a team must do"):  # fmt: skip
            assert part in entry, (entry.split("\n", 1)[0], part)


def test_tags_the_newest_version_once_with_its_entry_as_notes(tmp_path: Path) -> None:
    origin, repo = tmp_path / "origin.git", tmp_path / "repo"
    run(["git", "init", "-q", "--bare", str(origin)], tmp_path)
    run(["git", "init", "-q", "-b", "main", str(repo)], tmp_path)
    (repo / "CHANGELOG.md").write_text((ROOT / "CHANGELOG.md").read_text())
    commit_all(repo, "A release")
    run(["git", "remote", "add", "origin", str(origin)], repo)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text('#!/bin/sh\necho "$@" > "$GH_LOG"\ncp notes.md "$GH_LOG.notes"\n')
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    version = newest_changelog_version()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_LOG": str(tmp_path / "gh")}

    found = tmp_path / "found"
    run_step(step("version", "Read the newest"), repo, {**env, "GITHUB_OUTPUT": str(found)})
    assert outputs(found) == {"version": version, "tag": f"v{version}", "release": "true"}

    head = run(["git", "rev-parse", "HEAD"], repo).stdout.strip()
    run_step(step("tag", "Tag the commit"), repo,
             {**env, "TAG": f"v{version}", "VERSION": version, "GITHUB_SHA": head})  # fmt: skip
    tagged = run(["git", "rev-parse", f"v{version}^{{commit}}"], origin).stdout.strip()
    assert tagged == head
    assert (tmp_path / "gh").read_text().split()[:3] == ["release", "create", f"v{version}"]
    notes = (tmp_path / "gh.notes").read_text()
    entry = (ROOT / "CHANGELOG.md").read_text().split(f"## {version}\n", 1)[1].split("\n## ")[0]
    assert notes.strip() == entry.strip()
    assert "## Unreleased" not in notes

    again = tmp_path / "again"
    run_step(step("version", "Read the newest"), repo, {**env, "GITHUB_OUTPUT": str(again)})
    assert outputs(again)["release"] == "false"  # the tag exists: nothing to do
