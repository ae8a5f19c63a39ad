"""A repository made before pieces of work existed, updated to this template with `copier update`.

v1 is the template as released before this change (``PREVIOUS``, from this
repository's history); v2 is the working tree. The team's documents of v1
(shaping note, first RFC, design note) must come through unchanged (copier
deletes a file only the old version renders unless `_exclude` keeps it out of
both), and `tools/lifecycle.py new` must then work and keep the docs build green.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import clone_without_tags, copier_cli, copy_working_tree, run
from .update_harness import commit_all, copy_project

PREVIOUS = "acc0a4e"
"""The last commit of the template before pieces of work (main when this was built)."""
OLD_DOCUMENTS = ("docs/shaping.md", "docs/rfcs/0001-initial-design.md", "docs/design.md")
TEAM_LINES = {
    "docs/shaping.md": "Finance closes the books on the 3rd working day.\n",
    "docs/rfcs/0001-initial-design.md": "We keep the ledger in Postgres.\n",
    "docs/design.md": "The invoice list shows the newest first.\n",
}

pytestmark = pytest.mark.slow  # two template versions, a copy and an update


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with v1.0.0 = ``PREVIOUS`` and v2.0.0 = this working tree."""
    dest = tmp_path_factory.mktemp("versions") / "lifecycle"
    clone_without_tags(dest, checkout=False)
    run(["git", "checkout", "--quiet", "-B", "main", PREVIOUS], dest)
    run(["git", "tag", "v1.0.0"], dest)
    run(["git", "rm", "-r", "--quiet", "."], dest)
    copy_working_tree(dest)
    commit_all(dest, "Template v2.0.0: pieces of work")
    run(["git", "tag", "v2.0.0"], dest)
    return dest


def old_project(template: Path, dest: Path) -> tuple[Path, dict[str, str]]:
    """A v1 project whose team wrote into its shaping note, first RFC and design note."""
    answers = {"project_name": "Acme Billing", "project_size": "medium", "has_ui": "true"}
    project = copy_project(template, "v1.0.0", dest, answers)
    for path in OLD_DOCUMENTS:
        assert (project / path).is_file(), f"v1 made {path}"
        with (project / path).open("a") as document:
            document.write("\n" + TEAM_LINES[path])
    commit_all(project, "The team writes its documents")
    return project, {path: (project / path).read_text() for path in OLD_DOCUMENTS}


def update(project: Path) -> None:
    copier_cli("update", "--trust", "--defaults", "--conflict", "inline", cwd=project)


def test_an_old_repository_gains_the_command_and_its_site_still_builds(
    template: Path, synced_project, tmp_path: Path
) -> None:
    project, before = old_project(template, tmp_path / "acme-billing")
    update(project)
    assert (project / "tools" / "lifecycle.py").is_file()
    assert (project / ".lifecycle" / "process.json").is_file()
    assert not (project / "docs" / "work").exists(), "an update never starts a piece of work"
    lifecycle = (project / "docs" / "lifecycle.md").read_text()
    assert "**Repositories created before pieces of work existed**" in lifecycle
    commit_all(project, "Update to v2.0.0")

    out = run([sys.executable, "tools/lifecycle.py", "new", "Carrier cache", "--risk", "high"],
              cwd=project).stdout  # fmt: skip
    assert "Started docs/work/0001-carrier-cache/: a large piece of work" in out
    for name in ("shaping.md", "rfc.md", "test-cases.md", "rollout.md"):
        assert (project / "docs" / "work" / "0001-carrier-cache" / name).is_file()
    assert "| Carrier cache | large | draft |" in (project / "docs/work/index.md").read_text()
    assert {path: (project / path).read_text() for path in OLD_DOCUMENTS} == before

    # The old home page has no entry for docs/work/: the site still builds with -W.
    run([sys.executable, "-m", "mdformat", "--check", "README.md", "docs", ".github"], cwd=project)
    # The docs tools of a synced project of the same name, kind and size (its package too).
    sphinx = synced_project("service", "medium") / ".venv" / "bin" / "sphinx-build"
    run([str(sphinx), "-W", "-q", "-b", "html", "docs", str(tmp_path / "html")], cwd=project)
    assert (tmp_path / "html" / "work" / "0001-carrier-cache" / "rfc.html").is_file()


def test_an_old_repository_keeps_its_documents(template: Path, tmp_path: Path) -> None:
    project, before = old_project(template, tmp_path / "acme-billing")
    update(project)
    for path in OLD_DOCUMENTS:
        assert (project / path).is_file(), f"{path} was deleted"
        assert (project / path).read_text() == before[path], f"{path} changed"
