"""The documentation site builds with warnings as errors, for every kind and size.

Its index globs the Markdown lifecycle documents and RFCs, so each page in
``docs/`` and ``docs/rfcs/`` must appear in it; the API reference comes from
docstrings and mermaid fences become diagrams.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import KINDS, SIZES, run

pytestmark = pytest.mark.slow

MATRIX = [(kind, size) for kind in KINDS for size in SIZES]
API_NAMES = {
    "service": (
        "Settings",
        "status_token",  # each setting, from its attribute docstring
        "Bearer token the status route requires",
        "create_app",
        "status_report",
        "configure_logging",
    ),
    "library": ("mean",),
}


def sphinx(project: Path, source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The README's docs command, with the project's own environment."""
    python = str(project / ".venv" / "bin" / "python")
    return subprocess.run(
        [python, "-m", "sphinx", "-W", "-b", "html", str(source), str(out)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def build(project: Path, source: Path, out: Path) -> None:
    result = sphinx(project, source, out)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_docs_build_with_warnings_as_errors(synced_project, tmp_path, kind, size) -> None:
    project = synced_project(kind, size)
    out = tmp_path / "html"
    # Exactly the command the README and CI give.
    run(
        [str(project / ".venv" / "bin" / "sphinx-build"), "-W", "-b", "html", "docs", str(out)],
        cwd=project,
    )
    index = (out / "index.html").read_text()
    pages = [*sorted(project.glob("docs/*.md")), project / "docs" / "work" / "index.md"]
    for page in pages:
        if page == project / "docs" / "index.md":
            continue
        target = page.relative_to(project / "docs").with_suffix(".html").as_posix()
        assert f'href="{target}"' in index, f"{target} is not in the index toctree"
        assert (out / target).is_file()
    assert 'class="mermaid"' in index  # the overview diagram
    kit = sorted(project.glob("docs/work/0001-*/*.md"))
    assert kit, "the first piece of work has documents"
    for page in kit:  # in the site, through the index of pieces of work
        assert (out / page.relative_to(project / "docs").with_suffix(".html")).is_file(), page
    api = (out / "reference" / "api.html").read_text()
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    for name in API_NAMES[kind]:
        assert name in api, f"{name} missing from the API reference"
    assert f"{package}." in api
    # autodoc's output was rendered, not shown as reStructuredText source.
    assert ".. py:" not in api
    assert "automodule" not in api


def copy_docs(project: Path, tmp_path: Path) -> Path:
    source = tmp_path / "docs"
    shutil.copytree(project / "docs", source, ignore=shutil.ignore_patterns("_build"))
    return source


def test_new_markdown_pages_and_rfcs_appear_without_editing_the_index(
    synced_project, tmp_path
) -> None:
    project = synced_project("service", "small")
    source = copy_docs(project, tmp_path)
    (source / "rfcs").mkdir(exist_ok=True)
    (source / "rfcs" / "0042-queue.md").write_text(
        "# RFC 0042: a queue\n\n```mermaid\nflowchart LR\n  A --> B\n```\n"
    )
    (source / "runbook.md").write_text("# Runbook\n\nSee [the API](reference/api.md).\n")
    build(project, source, tmp_path / "html")
    index = (tmp_path / "html" / "index.html").read_text()
    assert 'href="rfcs/0042-queue.html"' in index
    assert 'href="runbook.html"' in index
    rfc = (tmp_path / "html" / "rfcs" / "0042-queue.html").read_text()
    assert 'class="mermaid"' in rfc


def test_a_broken_link_between_pages_fails_the_build(synced_project, tmp_path) -> None:
    project = synced_project("library", "small")
    source = copy_docs(project, tmp_path)
    (source / "runbook.md").write_text("# Runbook\n\nSee [the plan](no-such-page.md).\n")
    result = sphinx(project, source, tmp_path / "html")
    assert result.returncode != 0
    assert "no-such-page" in result.stderr


def test_links_to_repository_files_outside_docs_are_allowed(synced_project, tmp_path) -> None:
    """GitHub resolves ../README.md; the site shows it as text instead of failing."""
    project = synced_project("library", "small")
    source = copy_docs(project, tmp_path)
    (source / "runbook.md").write_text(
        "# Runbook\n\nRead [the README](../README.md) and [CI](../.github/workflows/ci.yml).\n"
    )
    build(project, source, tmp_path / "html")


def test_a_project_without_rfcs_still_builds(synced_project, tmp_path) -> None:
    project = synced_project("library", "small")
    source = copy_docs(project, tmp_path)
    shutil.rmtree(source / "rfcs", ignore_errors=True)
    for page in source.glob("*.md"):
        if page.name != "index.md":
            page.unlink()
    build(project, source, tmp_path / "html")
    assert (tmp_path / "html" / "reference" / "api.html").is_file()


def test_the_design_note_with_a_design_link_builds(synced_project, render, tmp_path):
    """With a UI the design note is a page of the site, and the design link a real link."""
    link = "https://www.figma.com/design/AbC12/Billing?node-id=1-2&t=x_y*z*"
    with_ui = render(project_kind="service", has_ui=True, design_link=link)
    project = synced_project("service", "small")  # its environment has the docs tools
    source = copy_docs(project, tmp_path)
    first = "work/0001-acme-billing"
    shutil.copy(with_ui / "docs" / first / "design.md", source / first / "design.md")
    shutil.copy(project / "README.md", tmp_path / "README.md")  # conf.py reads its title
    build(project, source, tmp_path / "html")
    page = (tmp_path / "html" / first / "design.html").read_text()
    assert f'href="{html.escape(link)}"' in page


def test_the_site_shows_the_project_name_as_typed(synced_project, render, tmp_path) -> None:
    """The README's title is escaped Markdown; conf.py reads it back to the name itself."""
    name = "Ops *beta* [v2] <edge> `x` R&D_"
    typed = render(project_kind="library", project_size="small", project_name=name)
    title = (typed / "README.md").read_text().splitlines()[0]
    assert title == r"# Ops \*beta\* [v2] \<edge> \`x\` R&D\_"
    project = synced_project("library", "small")  # its environment has the docs tools
    source = copy_docs(project, tmp_path)
    shutil.copy(typed / "README.md", tmp_path / "README.md")  # conf.py reads its title
    build(project, source, tmp_path / "html")
    assert html.escape(name, quote=False) in (tmp_path / "html" / "index.html").read_text()
