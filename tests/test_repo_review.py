"""Generated projects pass scientific-python's repo-review (sp-repo-review), offline.

Every check that applies passes. The checks that do not apply are listed in the
generated ``[tool.repo-review.ignore]`` with a reason each; this test proves each
reason is still true (the hook it names is there) and that no ignore is stale:
without the table, exactly the ignored checks fail.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import KINDS, SIZES, editable_copy, outputs, run

MATRIX = [(kind, size) for kind in KINDS for size in SIZES]
# Checks ignored because repo-review only recognises remote pre-commit hook
# repositories: each names the `repo: local` hook that does the same job.
LOCAL_HOOK_FOR = {
    "PC110": "ruff-format",
    "PC140": "mypy",
    "PC180": "mdformat",
    "PC190": "ruff-check",
    "SEC001": "zizmor",
}


def repo_review(project: Path) -> dict[str, dict]:
    """Run sp-repo-review on a folder and return its checks by code."""
    found = shutil.which("sp-repo-review", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("sp-repo-review is not installed: run `uv sync` for the template's dev tools")
    result = run([found, "--format", "json", "."], project, check=False)  # exit 1: a check fails
    assert result.stdout, outputs(result)
    return json.loads(result.stdout)["checks"]


def failed(checks: dict[str, dict]) -> set[str]:
    return {code for code, check in checks.items() if check["result"] is False}


@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_repo_review_passes(kind_size_projects, kind: str, size: str) -> None:
    project = kind_size_projects[kind, size]
    checks = repo_review(project)
    assert len(checks) > 40, "repo-review ran no checks?"
    problems = {code: checks[code]["err_msg"] for code in failed(checks)}
    assert not problems, problems
    ignored = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["repo-review"]
    for code, reason in ignored["ignore"].items():
        assert checks[code]["result"] is None, code  # reported as skipped
        assert checks[code]["skip_reason"] == reason
        assert len(reason) > 30, f"{code} needs a reason a reader can act on"


@pytest.mark.parametrize("kind", KINDS)
def test_every_ignored_check_would_fail_and_its_reason_holds(
    kind_size_projects, tmp_path: Path, kind: str
) -> None:
    project = editable_copy(kind_size_projects[kind, "medium"], tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    ignored = set(tomllib.loads(text)["tool"]["repo-review"]["ignore"])
    hooks = {
        hook["id"]
        for repo in yaml.safe_load((project / ".pre-commit-config.yaml").read_text())["repos"]
        if repo["repo"] == "local"
        for hook in repo["hooks"]
    }
    for code, hook in LOCAL_HOOK_FOR.items():
        assert code in ignored and hook in hooks, (code, hook)
    # Without the table, the ignored checks and no others fail: no ignore is stale.
    table = re.search(r"^\[tool\.repo-review\.ignore\]\n(?:.+\n)+", text, flags=re.M)
    assert table is not None
    pyproject.write_text(text.replace(table.group(0), ""))
    assert failed(repo_review(project)) == ignored
