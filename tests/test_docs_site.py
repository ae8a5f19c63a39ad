"""The documentation site builds with warnings as errors, for every kind and size.

Its index globs the Markdown lifecycle documents and RFCs, so each page in
``docs/`` and ``docs/rfcs/`` must appear in it (the lifecycle map first, then
the documents in stage order; templates stay out); the API reference comes
from docstrings and mermaid fences become diagrams, drawn by a copy of mermaid
served from the site itself. A real headless Chromium, with every host but
127.0.0.1 unreachable, checks what a reader sees.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from .conftest import KINDS, ROOT, SIZES, TEST_ANSWERS, run, uv
from .extension_modules import process

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
    return run([python, "-m", "sphinx", "-W", "-b", "html", source, out], project, check=False)


def build(project: Path, source: Path, out: Path) -> None:
    result = sphinx(project, source, out)
    assert result.returncode == 0, result.stdout + result.stderr


TEMPLATE_PAGES = ("rfcs/0000-template.html",)
"""Pages a team copies and never fills in: built, but in no navigation."""
HOLDER = TEST_ANSWERS["owner"].lstrip("@").split("/")[0]
"""The copyright holder LICENSE names for the test answers (the owner's organisation)."""


def stage_order(
    size: str, has_ui: bool = False, kind: str = "service", status: bool = True
) -> list[str]:
    """The lifecycle pages in the order the sidebar must list them.

    The map comes first, then the status page the build makes (``status``: the
    build had the repository's tools/lifecycle.py), then each document of
    ``docs/`` in the order of the stages in extensions/process.yml.
    """
    pages = [
        item["path"][len("docs/") :].replace(".md", ".html")
        for item in process.process_items("artefacts", size, has_ui, kind)
        if re.fullmatch(r"docs/[^/]+\.md", item["path"]) and item["path"] != "docs/lifecycle.md"
    ]
    return ["lifecycle.html", *(["lifecycle-status.html"] if status else []), *pages]


def sidebar_links(page: str) -> list[str]:
    """The links of furo's navigation tree, in the order shown."""
    tree = page.split('class="sidebar-tree"', 1)[1].split("</aside>", 1)[0]
    return re.findall(
        r'<li class="toctree-l1[^"]*"><a class="reference internal" href="([^"#]+)"', tree
    )


EXTERNAL = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)=\"(?:https?:)?//", re.IGNORECASE)
"""A script or stylesheet tag that loads from another host."""


def assert_offline_site(out: Path, drawn: bool = True) -> None:
    """No page loads anything from another host, and nothing as an ES module (file://).

    ``drawn``: mermaid is in the site's _static and each page with a diagram
    loads it and the drawing script as classic scripts.
    """
    for page in out.rglob("*.html"):
        text = page.read_text()
        assert not EXTERNAL.search(text), page
        assert "cdn.jsdelivr" not in text and 'type="module"' not in text, page
        if drawn and 'class="mermaid"' in text:
            scripts = re.findall(r"<script[^>]*src=\"([^\"?]*mermaid/[^\"?]+)", text)
            assert [s.rsplit("/", 1)[1] for s in scripts] == ["mermaid.min.js", "draw.js"], page
    assert (out / "_static" / "mermaid" / "mermaid.min.js").is_file() == drawn
    if drawn:
        assert (out / "_static" / "mermaid" / "mermaid.min.js").stat().st_size > 1_000_000


@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_docs_build_with_warnings_as_errors(synced_project, tmp_path, kind, size) -> None:
    project = synced_project(kind, size)
    out = tmp_path / "html"
    # Exactly the command the README and CI give.
    tools = ["run", "--with-requirements", "tools/requirements.txt"]
    run([uv(), *tools, "sphinx-build", "-W", "-b", "html", "docs", str(out)], cwd=project)
    index = (out / "index.html").read_text()
    pages = [*sorted(project.glob("docs/*.md")), project / "docs" / "work" / "index.md"]
    for page in pages:
        if page == project / "docs" / "index.md":
            continue
        target = page.relative_to(project / "docs").with_suffix(".html").as_posix()
        assert (out / target).is_file()
        if target in TEMPLATE_PAGES:
            assert f'href="{target}"' not in index, f"{target} is a template, not a page to read"
        else:
            assert f'href="{target}"' in index, f"{target} is not in the index toctree"
    assert 'class="mermaid"' in index  # the overview diagram
    assert 'class="mermaid"' in (out / "lifecycle.html").read_text()  # the stages
    rfcs = [f"rfcs/{page.stem}.html" for page in sorted(project.glob("docs/rfcs/*.md"))]
    expected = [
        *stage_order(size, kind=kind),
        "work/index.html",
        *(r for r in rfcs if r not in TEMPLATE_PAGES),
        "reference/api.html",
    ]
    assert sidebar_links(index) == expected
    assert f"Copyright &#169; {HOLDER}" in index
    assert_offline_site(out)
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
    # As git has them: the build output and the generated status page are ignored.
    ignored = shutil.ignore_patterns("_build", "lifecycle-status.md", "lifecycle-pieces")
    shutil.copytree(project / "docs", source, ignore=ignored)
    return source


def copy_repository(project: Path, tmp_path: Path) -> Path:
    """The docs with what the status page is made from: tools/, .lifecycle/, .github/, README."""
    source = copy_docs(project, tmp_path)
    for folder in ("tools", ".lifecycle", ".github"):
        shutil.copytree(project / folder, tmp_path / folder)
    shutil.copy(project / "README.md", tmp_path / "README.md")
    return source


def test_the_status_page_shows_each_piece_of_work_and_the_test_plan_cadence(
    synced_project, tmp_path
) -> None:
    project = synced_project("service", "medium")
    source = copy_repository(project, tmp_path)
    [first] = sorted((source / "work").glob("0001-*"))
    shaping = first / "shaping.md"
    shaping.write_text(shaping.read_text().replace("status: draft", "status: done", 1))
    build(project, source, tmp_path / "html")
    assert (source / "lifecycle-status.md").is_file()
    page = (tmp_path / "html" / "lifecycle-status.html").read_text()
    assert "Lifecycle status" in page
    link = f'<td><p><a class="reference internal" href="work/{first.name}/shaping.html">'
    row = re.search(rf"{re.escape(link)}.*?</tr>", page, re.DOTALL)
    assert row, "the first piece of work has a row linking its documents"
    cells = [html.unescape(c) for c in re.findall(r"<td><p>(.*?)</p></td>", row.group(0))]
    assert cells[1:] == ["Acme Billing", "medium", "draft", "@acme/billing", "Architecture"]
    assert "On time:" in page and "no run logged since work started on" in page
    assert "the plan runs every quarter" in page
    # The status moved without `sync`: the one open finding is the index's stale table.
    assert "LC110" in page and "the table is out of date" in page
    assert "0 fail" in page
    index = (tmp_path / "html" / "index.html").read_text()
    assert sidebar_links(index)[:2] == ["lifecycle.html", "lifecycle-status.html"]


def test_a_document_the_tool_cannot_read_fails_the_build_with_its_one_line(
    synced_project, tmp_path
) -> None:
    """The build's error is the tool's line (path:line: problem; fix), not Sphinx's bug report."""
    project = synced_project("service", "medium")
    source = copy_repository(project, tmp_path)
    [first] = sorted((source / "work").glob("0001-*"))
    shaping = first / "shaping.md"
    shaping.write_text(
        re.sub(r"^title: .*$", "title: 2026", shaping.read_text(), count=1, flags=re.M)
    )
    result = sphinx(project, source, tmp_path / "html")
    output = result.stdout + result.stderr
    line = f"docs/work/{first.name}/shaping.md:2: title must be text, not a number 2026; quote it"
    assert result.returncode != 0, output
    assert f"ERROR: the Lifecycle status page could not be made: {line}" in output
    assert "open an issue" not in output and "Traceback" not in output
    assert line in (source / "lifecycle-status.md").read_text()  # the page says it too


def test_a_home_page_without_a_glob_gets_the_status_page(synced_project, tmp_path) -> None:
    """A team's own home page, listing its pages by name, still builds with -W."""
    project = synced_project("library", "small")
    source = copy_repository(project, tmp_path)
    pages = [
        page.relative_to(source).with_suffix("").as_posix()
        for page in [*sorted(source.glob("*.md")), *sorted(source.glob("reference/*.md"))]
        if page.stem not in ("index", "lifecycle-status")
    ]
    (source / "index.md").write_text(
        "# Acme\n\nOur own home page.\n\n```{toctree}\n" + "\n".join(pages) + "\n```\n"
    )
    build(project, source, tmp_path / "html")
    index = (tmp_path / "html" / "index.html").read_text()
    assert 'href="lifecycle-status.html"' in index
    assert 'href="work/index.html"' in index


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


def test_a_template_page_keeps_its_own_front_matter(synced_project, tmp_path) -> None:
    """A template that has front matter already still builds outside every toctree."""
    project = synced_project("library", "medium")
    source = copy_docs(project, tmp_path)
    template = source / "rfcs" / "0000-template.md"  # a team's own RFC template
    template.parent.mkdir(exist_ok=True)
    template.write_text("---\nstatus: template\n---\n# RFC NNNN: title\n")
    build(project, source, tmp_path / "html")
    assert (tmp_path / "html" / "rfcs" / "0000-template.html").is_file()


def test_pages_a_team_adds_come_after_the_lifecycle_documents(synced_project, tmp_path) -> None:
    project = synced_project("library", "small")
    source = copy_docs(project, tmp_path)
    (source / "a-runbook.md").write_text("# A runbook\n")
    (source / "zz-glossary.md").write_text("# Glossary\n")
    build(project, source, tmp_path / "html")
    links = sidebar_links((tmp_path / "html" / "index.html").read_text())
    lifecycle_pages = stage_order("small", status=False)
    assert links[: len(lifecycle_pages) + 2] == [
        *lifecycle_pages,
        "a-runbook.html",
        "zz-glossary.html",
    ]


# ------------------------------------------------------ the stage diagram
def stage_diagram(lifecycle_md: str) -> str:
    """The first fenced block of docs/lifecycle.md, which must be the stage diagram."""
    match = re.search(r"^```(\w*)\n(.*?)^```$", lifecycle_md, re.MULTILINE | re.DOTALL)
    assert match and match.group(1) == "mermaid", "docs/lifecycle.md opens with a mermaid fence"
    return match.group(2)


@pytest.mark.parametrize(("size", "has_ui"), [("small", False), ("large", True)])
def test_lifecycle_opens_with_the_stages_and_their_documents(render, size, has_ui) -> None:
    """The diagram is drawn from extensions/process.yml: every stage in order, its documents."""
    project = render(project_kind="library", project_size=size, has_ui=has_ui)
    text = (project / "docs" / "lifecycle.md").read_text()
    diagram = stage_diagram(text)
    assert text.index("```mermaid") < text.index("\n## ")  # before the first section
    assert diagram.startswith("flowchart TD\n")
    lists = yaml.safe_load((ROOT / "extensions" / "process.yml").read_text())
    stages = list(dict.fromkeys(item["stage"] for item in lists["artefacts"]))
    drawn = re.findall(r'^    subgraph stage(\d+)\["\d+\. ([^"]+)"\]$', diagram, re.MULTILINE)
    assert [name for _, name in drawn] == stages
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert [h for h in headings if h in stages] == stages  # the sections follow the same order
    for number, stage in drawn:
        block = diagram.split(f'subgraph stage{number}["', 1)[1].split("\n    end\n", 1)[0]
        documents = re.findall(r'^        doc\d+_\w+[\(\[]"([^"]+)"[\)\]]$', block, re.MULTILINE)
        expected = [
            item["text"]
            for item in process.process_items("artefacts", size, has_ui, "library")
            if item["stage"] == stage
        ]
        if expected or stage != "Design":
            assert documents == expected, stage
        else:  # no UI: the stage is drawn with the reason it has no document
            assert documents == ["No design note: nothing users see changes"]
    for number in range(2, len(stages) + 1):
        assert f"    stage{number - 1} --> stage{number}\n" in diagram


# ------------------------------------------------------ in a real browser
CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # tests and CI run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Every host name but 127.0.0.1 fails to resolve: the site must work offline.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=20000",  # ms of page time for scripts to draw the diagrams
]


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without a log line per request in the test output."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1 (browsers load ES modules over http only)."""
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def dom(url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, as headless Chromium has it."""
    profile.mkdir()
    command = [CHROMIUM or "chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    return run([*command, "--dump-dom", url], cwd=profile, timeout=180).stdout


def drawn_diagrams(page: str) -> list[str]:
    """The SVG mermaid drew inside each `<pre class="mermaid">`; source text is no SVG."""
    blocks = re.findall(r'<pre[^>]*class="mermaid"[^>]*>(.*?)</pre>', page, re.DOTALL)
    assert blocks, "no mermaid block on the page"
    return [block for block in blocks if block.lstrip().startswith("<svg")]


def test_a_reader_sees_drawn_diagrams_and_the_stage_order_offline(
    synced_project, served, tmp_path
) -> None:
    """Built, served from 127.0.0.1 and opened in Chromium with no other host reachable."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed here (apt-get install chromium); CI runs this")
    project = synced_project("service", "medium")
    site, base = served
    build(project, project / "docs", site)
    index = dom(f"{base}/index.html", tmp_path / "profile-index")
    lifecycle_page = dom(f"{base}/lifecycle.html", tmp_path / "profile-lifecycle")
    status = dom(f"{base}/lifecycle-status.html", tmp_path / "profile-status")
    first = sorted((project / "docs" / "work").glob("0001-*"))[0].name
    assert f'href="work/{first}/shaping.html"' in status
    assert "Project shaping" in status  # the first piece of work's stage
    assert "no run logged since work started on" in status  # the cadence line

    assert len(drawn_diagrams(index)) == 1, "the overview diagram is not drawn"
    [stages] = drawn_diagrams(lifecycle_page)
    lists = yaml.safe_load((ROOT / "extensions" / "process.yml").read_text())
    for number, stage in enumerate(dict.fromkeys(i["stage"] for i in lists["artefacts"]), 1):
        assert f"{number}. {stage}" in stages, f"stage {stage} is not in the drawn diagram"
    assert sidebar_links(index) == [
        *stage_order("medium"),
        "work/index.html",
        "reference/api.html",
    ]
    assert f"Copyright © {HOLDER}" in index


def piece_tree(page: str) -> list[tuple[str, list[str]]]:
    """Each second-level entry of the sidebar (a piece of work), with the links under it."""
    tree = page.split('class="sidebar-tree"', 1)[1].split("</aside>", 1)[0]
    link = r'<li class="toctree-l{}[^"]*"><a class="reference internal" href="([^"#]+)"'
    found = []
    for block in re.split(r'(?=<li class="toctree-l2)', tree)[1:]:
        href = re.match(link.format(2), block)
        assert href, block[:200]
        found.append((href.group(1), re.findall(link.format(3), block)))
    return found


def kit_order(kind: str) -> list[str]:
    """The work kit's documents in the order of `stages:` in extensions/process.yml."""
    lists = yaml.safe_load((ROOT / "extensions" / "process.yml").read_text())
    kit = [item for item in lists["work_kit"] if item.get("kind") in (None, kind)]
    return [
        item["file"][: -len(".md")]
        for stage in lists["stages"]
        for item in kit
        if item["stage"] == stage
    ]


def needs_chromium() -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed here (apt-get install chromium); CI runs this")


def test_opened_from_disk_the_site_draws_lists_each_piece_and_links_the_releases(
    synced_project, tmp_path
) -> None:
    """file://.../index.html, as people open a Sphinx build: diagrams drawn, pieces nested."""
    needs_chromium()
    project = synced_project("service", "medium")
    source = copy_repository(project, tmp_path)
    shutil.copy(project / "pyproject.toml", tmp_path / "pyproject.toml")
    tool = [str(project / ".venv" / "bin" / "python"), "tools/lifecycle.py"]
    run([*tool, "new", "Carrier cache", "--size", "large"], tmp_path)
    for tag in ("v0.2.0", "v0.10.0"):
        run([*tool, "release", tag], tmp_path)
    out = tmp_path / "html"
    build(project, source, out)
    assert_offline_site(out)

    index = dom((out / "index.html").as_uri(), tmp_path / "profile-index")
    assert len(drawn_diagrams(index)) == 1, "the overview diagram is not drawn from file://"
    lifecycle_page = dom((out / "lifecycle.html").as_uri(), tmp_path / "profile-lifecycle")
    assert len(drawn_diagrams(lifecycle_page)) == 1, "the stage diagram is not drawn from file://"

    pieces = sorted(folder.name for folder in (source / "work").iterdir() if folder.is_dir())
    assert len(pieces) == 2
    tree = piece_tree(index)
    assert [href for href, _ in tree] == [f"lifecycle-pieces/{name}.html" for name in pieces]
    for (href, documents), name in zip(tree, pieces, strict=True):
        on_disk = {page.stem for page in (source / "work" / name).glob("*.md")}
        expected = [doc for doc in kit_order("service") if doc in on_disk]
        assert documents == [f"work/{name}/{doc}.html" for doc in expected], href
        assert len(expected) == len(on_disk) >= 2
    piece = (out / "lifecycle-pieces" / f"{pieces[1]}.html").read_text()
    assert "0002 Carrier cache" in piece
    links = sidebar_links(index)
    assert links[-3:] == ["reference/api.html", "releases/v0.10.0.html", "releases/v0.2.0.html"]
    assert "Releases" in index
    # A piece removed from docs/work/ leaves no page behind, and the build stays clean.
    shutil.rmtree(source / "work" / pieces[1])
    run([*tool, "sync"], tmp_path)  # the index's table no longer lists it
    build(project, source, tmp_path / "html-again")
    assert not (source / "lifecycle-pieces" / f"{pieces[1]}.md").exists()
    assert (source / "lifecycle-pieces" / f"{pieces[0]}.md").is_file()


# Real earlier commit of this repository: the docs site as teams first got it,
# its docs group without mermaidx (tests/test_update.py updates from it too).
BEFORE_MERMAIDX = "f274545"


def test_an_old_repository_draws_its_diagrams_offline_after_an_update(
    synced_project, tmp_path
) -> None:
    """A repository whose pyproject.toml predates mermaidx, updated by a real `copier update`."""
    needs_chromium()
    synced_project("service", "medium")  # the docs tools are in uv's cache
    from .conftest import copier_cli
    from .update_harness import build_history_repo, commit_all

    template = build_history_repo(tmp_path / "lifecycle", {"0.2.0": BEFORE_MERMAIDX}, "9.0.0")
    project = tmp_path / "acme-billing"
    copier_cli("copy", "--trust", "--defaults", "--vcs-ref", "0.2.0",
               "--data", "project_name=Acme Billing", "--data", "project_size=medium",
               str(template), str(project), cwd=tmp_path)  # fmt: skip
    run(["git", "init", "-q", "-b", "main"], project)
    commit_all(project, "Start from the lifecycle template 0.2.0")
    pyproject = (project / "pyproject.toml").read_text()
    assert "sphinxcontrib-mermaid" in pyproject and "mermaidx" not in pyproject
    copier_cli("update", "--trust", "--defaults", "--vcs-ref", "9.0.0", cwd=project)
    assert (project / "pyproject.toml").read_text() == pyproject  # the team's, untouched
    commit_all(project, "Update to the lifecycle template")

    # The process-owned docs command, as CI and the hooks run it.
    out = tmp_path / "html"
    tools = [uv(), "run", "--with-requirements", "tools/requirements.txt"]
    run([*tools, "sphinx-build", "-W", "-b", "html", "docs", str(out)], project)
    assert_offline_site(out)
    index = dom((out / "index.html").as_uri(), tmp_path / "profile-index")
    assert drawn_diagrams(index), "the diagram is not drawn offline from file://"
    # The team's own environment, as its README says (`uv run sphinx-build`), has no
    # mermaidx: the build takes the one uv keeps for tools/requirements.txt, offline.
    run([uv(), "sync", "--all-groups", "--quiet"], project)
    python = project / ".venv" / "bin" / "python"
    assert run([python, "-c", "import importlib.util as u; print(u.find_spec('mermaidx'))"],
               project).stdout.strip() == "None"  # fmt: skip
    own = tmp_path / "html-own"
    run([uv(), "run", "--offline", "sphinx-build", "-W", "-b", "html", "docs", str(own)], project)
    assert_offline_site(own)
    assert drawn_diagrams(dom((own / "index.html").as_uri(), tmp_path / "profile-own"))
    # Without uv at all, the diagrams stay source text: never the internet.
    bare = tmp_path / "html-bare"
    env = {**os.environ, "PATH": str(python.parent)}
    run([python, "-m", "sphinx", "-W", "-b", "html", "docs", str(bare)], project, env=env)
    assert_offline_site(bare, drawn=False)
