"""Pieces of work in generated projects: `python3 tools/lifecycle.py new` for every kind and size.

Each rendered project (both kinds, every size) starts a piece of work of each
size, with and without ``--ui``, and one sized by the rubric flags, with the
command a team runs. The kits must match the project's own
``.lifecycle/process.json``, grow strictly from small to large, carry their
front matter, and all be listed in the index; the project's own checks must
still pass afterwards.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from .conftest import KINDS, SIZES, run
from .test_lifecycle_tool import headings, tool

FRONT_MATTER = ["title", "size", "status", "owner", "created", "links", "history"]
PIECES = [(size, ui) for size in SIZES for ui in (False, True)]


def start_pieces(project: Path) -> dict[str, tuple[str, bool]]:
    """Start one piece of work per size and UI answer, and one sized by the rubric."""
    started = {}
    for size, ui in PIECES:
        title = f"{size.title()} work{' with screens' if ui else ''}"
        args = ["new", title, "--size", size, *(["--ui"] if ui else [])]
        out = run([sys.executable, "tools/lifecycle.py", *args], cwd=project).stdout
        folder = re.search(r"^Started (docs/work/[^/]+)/", out, flags=re.M)
        assert folder, out
        started[folder.group(1)] = (size, ui)
    rubric = ["--scope", "moderate", "--impact", "low", "--risk", "low"]
    out = run([sys.executable, "tools/lifecycle.py", "new", "Rated work", *rubric], cwd=project)
    assert "a medium piece of work (the rubric recommends medium)" in out.stdout
    started["docs/work/0008-rated-work"] = ("medium", False)
    return started


@pytest.fixture(scope="module")
def projects_with_work(
    kind_size_projects, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], tuple[Path, dict[str, tuple[str, bool]]]]:
    """Each kind and size, copied, with seven pieces of work started after the first."""
    made = {}
    for (kind, size), shared in kind_size_projects.items():
        project = Path(
            shutil.copytree(shared, tmp_path_factory.mktemp(f"work-{kind}-{size}") / "p")
        )
        made[kind, size] = (project, start_pieces(project))
    return made


@pytest.mark.parametrize(("kind", "size"), [(k, s) for k in KINDS for s in SIZES])
def test_new_makes_the_kit_of_each_size(projects_with_work, kind: str, size: str) -> None:
    project, started = projects_with_work[kind, size]
    process = json.loads((project / ".lifecycle" / "process.json").read_text())
    kits: dict[tuple[str, bool], set[tuple[str, str]]] = {}
    for folder, (piece_size, ui) in started.items():
        expected = [doc["file"] for doc in tool.kit(process, piece_size, ui)]
        assert sorted(p.name for p in (project / folder).iterdir()) == sorted(expected), folder
        found = set()
        for name in expected:
            text = (project / folder / name).read_text()
            matter = tool.read_front_matter(text)
            assert list(matter) == FRONT_MATTER, (folder, name)
            assert (matter["size"], matter["status"]) == (piece_size, "draft")
            assert matter["owner"] == "@acme/billing"
            assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(matter["created"]))
            assert matter["links"] == [other for other in expected if other != name]
            assert matter["history"] == [f"draft {matter['created']}"]  # dated from the start
            found |= {(name, heading) for heading in headings(text)}
        kits.setdefault((piece_size, ui), found)
    for ui in (False, True):
        small, medium, large = (kits[s, ui] for s in SIZES)
        assert small < medium < large, ui
    # The first piece, made by copier, is the kit of the repository's size.
    (first,) = project.glob("docs/work/0001-*")
    assert sorted(p.name for p in first.iterdir()) == sorted(
        doc["file"] for doc in tool.kit(process, size, False)
    )


@pytest.mark.parametrize(("kind", "size"), [(k, s) for k in KINDS for s in SIZES])
def test_the_index_lists_every_piece(projects_with_work, kind: str, size: str) -> None:
    project, started = projects_with_work[kind, size]
    index = (project / "docs" / "work" / "index.md").read_text()
    rows = re.findall(r"^\| \[(\d{4})\]\(([^)]+)\) \| ([^|]+) \| (\w+) \| (\w+) \|", index, re.M)
    folders = ["docs/work/0001-acme-billing", *started]
    assert [number for number, *_ in rows] == [f"{n:04d}" for n in range(1, 9)]
    for (_, link, _, piece_size, status), folder in zip(rows, folders, strict=True):
        assert (project / "docs" / "work" / link).is_file()
        assert link.startswith(folder.removeprefix("docs/work/") + "/")
        assert piece_size == started.get(folder, (size, False))[0]
        assert status == "draft"


def written_by_new(kind_size_projects, projects_with_work, kind: str, size: str) -> set[str]:
    """Every file that differs between the fresh project and the one after `new`."""
    fresh, (project, _) = kind_size_projects[kind, size], projects_with_work[kind, size]
    before = {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    after = {p.relative_to(project): p.read_bytes() for p in project.rglob("*") if p.is_file()}
    changed = before.keys() | after.keys()
    return {str(path) for path in changed if before.get(path) != after.get(path)}


@pytest.mark.parametrize(("kind", "size"), [(k, s) for k in KINDS for s in SIZES])
def test_new_writes_only_markdown_under_docs_work(
    kind_size_projects, projects_with_work, kind: str, size: str
) -> None:
    """So the project's code checks (pytest, mypy: tests/test_copy.py) are not affected by
    `new`; the Markdown and the docs site it does change are checked below."""
    written = written_by_new(kind_size_projects, projects_with_work, kind, size)
    assert "docs/work/index.md" in written and len(written) > len(PIECES)
    assert all(path.startswith("docs/work/") and path.endswith(".md") for path in written), written


@pytest.mark.slow  # ruff, mdformat and a docs build per kind and size
@pytest.mark.parametrize(("kind", "size"), [(k, s) for k in KINDS for s in SIZES])
def test_the_project_checks_still_pass_after_new(
    projects_with_work, synced_project, tmp_path: Path, kind: str, size: str
) -> None:
    """The generated project's own checks on what `new` changes, run with its own pinned tools.

    Its test suite is not run again: `new` writes only Markdown under docs/work/
    (the test above), which the suite never reads, and tests/test_copy.py runs it.
    """
    project, _ = projects_with_work[kind, size]
    tools = synced_project(kind, size) / ".venv" / "bin"
    run([str(tools / "ruff"), "check", "--no-cache", "."], cwd=project)
    run([str(tools / "ruff"), "format", "--check", "--no-cache", "."], cwd=project)
    run([str(tools / "mdformat"), "--check", "README.md", "docs", ".github"], cwd=project)
    run([str(tools / "sphinx-build"), "-W", "-q", "-b", "html", "docs", str(tmp_path)], cwd=project)
    for page in project.glob("docs/work/*/*.md"):
        assert (tmp_path / page.relative_to(project / "docs").with_suffix(".html")).is_file()


# ------------------------------------------------------------------ the docs
def test_lifecycle_map_opens_with_start_here_and_a_true_example(
    kind_size_projects, tmp_path: Path
) -> None:
    """The worked example in docs/lifecycle.md is what the command really prints."""
    shared = kind_size_projects["service", "small"]
    text = (shared / "docs" / "lifecycle.md").read_text()
    assert re.findall(r"^## .+$", text, flags=re.M)[0] == "## Start here"
    start = text.split("## Start here\n", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"```sh\n(python3 tools/lifecycle\.py new .+)\n```", start)
    printed = re.search(r"```text\n(.+?)\n```", start, flags=re.S)
    assert command and printed
    for old in ("docs/shaping.md", "docs/rfcs/0001-initial-design.md", "docs/design.md"):
        assert f"`{old}`" in start  # how a repository made before maps onto the flow
    project = Path(shutil.copytree(shared, tmp_path / "p"))
    # The example is the repository's second piece of work.
    args = re.findall(r'"[^"]+"|\S+', command.group(1))[2:]
    out = run([sys.executable, "tools/lifecycle.py", *(a.strip('"') for a in args)], cwd=project)
    expected = printed.group(1).splitlines()
    assert out.stdout.splitlines()[:-1] == expected[:-1]
    assert out.stdout.splitlines()[-1].startswith(expected[-1].removesuffix(" ..."))


@pytest.mark.parametrize("size", SIZES)
def test_the_new_work_issue_form_asks_the_rubric(kind_size_projects, size: str) -> None:
    import yaml

    project = kind_size_projects["library", size]
    form = yaml.safe_load((project / ".github/ISSUE_TEMPLATE/new-work.yml").read_text())
    process = json.loads((project / ".lifecycle" / "process.json").read_text())
    dropdowns = [item for item in form["body"] if item["type"] == "dropdown"]
    assert [item["id"] for item in dropdowns] == ["scope", "impact", "risk"]
    for dropdown, question in zip(dropdowns, process["size_rubric"], strict=True):
        assert question["text"] in dropdown["attributes"]["label"]
        assert dropdown["attributes"]["options"] == list(question["choices"].values())
        assert dropdown["validations"]["required"] is True
    intro = form["body"][0]["attributes"]["value"]
    assert "python3 tools/lifecycle.py new" in intro and "--scope" in intro
