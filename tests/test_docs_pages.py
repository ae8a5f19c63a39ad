"""The template's own pages (README.md, RELEASING.md, CHANGELOG.md, docs/) hold up.

They are formatted as the repository's `.mdformat.toml` says, every relative link
lands on a file (and a heading, when it names one), the README links every how-to
page, the supported copier range is written the same way wherever it appears, and
what docs/how-to/adopting.md says copier does today is what copier does.
"""

from __future__ import annotations

import itertools
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from packaging.requirements import Requirement
from packaging.version import Version

from .conftest import ROOT, copier_cli, git, run

PAGES = sorted(
    [
        ROOT / "README.md",
        ROOT / "RELEASING.md",
        ROOT / "CHANGELOG.md",
        *(ROOT / "docs").rglob("*.md"),
    ]
)
HOW_TO = {
    "docs/how-to/updating.md",
    "docs/how-to/fleet.md",
    "docs/how-to/adopting.md",
    "docs/how-to/developing.md",
    "RELEASING.md",
}
"""Pages the README must link: updating, fleet, adopting, releasing, developing."""
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", flags=re.I)
"""A link with a scheme (https:, mailto:) leaves the repository: not checked here."""
COPIER_RANGE = re.compile(
    r"(?<![\w-])copier(?![\w-])\s*((?:[<>=!~]=?=?)\s*\d[\w.*]*(?:\s*,\s*(?:[<>=!~]=?=?)\s*\d[\w.*]*)*)"
)
"""`copier` directly followed by a version range (`copier>=9.6,<10`); not
`copier-template-extensions`, not `copier 9.x` in prose."""
MARKDOWN = MarkdownIt("commonmark").enable("table")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_pages_pass_mdformat() -> None:
    """The pages keep the formatting a generated project's pages keep."""
    assert (ROOT / ".mdformat.toml").is_file()
    result = run([sys.executable, "-m", "mdformat", "--check", *map(relative, PAGES)], ROOT,
                 check=False)  # fmt: skip
    assert result.returncode == 0, (
        f"{result.stderr}fix with: uv run mdformat README.md RELEASING.md CHANGELOG.md docs"
    )


def heading_anchors(page: Path) -> set[str]:
    """GitHub's anchors for the page's headings: lower case, punctuation dropped,
    spaces as hyphens, `-1`, `-2` ... for repeats."""
    tokens = MARKDOWN.parse(page.read_text(encoding="utf-8"))
    anchors: set[str] = set()
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "heading_open":
            continue
        text = "".join(child.content for child in inline.children or [])
        anchor = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        repeat, unique = 0, anchor
        while unique in anchors:
            repeat += 1
            unique = f"{anchor}-{repeat}"
        anchors.add(unique)
    return anchors


def links(page: Path) -> list[str]:
    """Every link and image target in the page, code spans and blocks left out."""
    found = []
    for token in MARKDOWN.parse(page.read_text(encoding="utf-8")):
        for child in token.children or []:
            target = child.attrGet("href") if child.type == "link_open" else None
            target = child.attrGet("src") if child.type == "image" else target
            if target is not None:
                found.append(str(target))
    return found


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in links(page):
        if SCHEME.match(target):
            continue
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in heading_anchors(destination):
            broken.append(f"{target}: no heading with that anchor")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_relative_links_resolve(page: Path) -> None:
    broken = broken_links(page)
    assert not broken, f"{relative(page)}: {broken}"


def test_link_check_finds_a_broken_link_and_a_broken_anchor(tmp_path: Path) -> None:
    """The link check itself fails on what it must catch."""
    (tmp_path / "there.md").write_text("# Here it is\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md#here-it-is) [gone](missing.md) [anchor](there.md#nowhere) "
        "[web](https://example.com/x.md) `[code](missing.md)`\n"
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "there.md#nowhere: no heading with that anchor",
    ]


def test_readme_links_every_how_to_page() -> None:
    readme = ROOT / "README.md"
    targets = {target.partition("#")[0] for target in links(readme) if not SCHEME.match(target)}
    assert targets >= HOW_TO, f"README.md does not link {sorted(HOW_TO - targets)}"


def supported_copier_range() -> str:
    """The copier requirement of the template's dev group: the one source."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = pyproject["dependency-groups"]["dev"]
    (entry,) = [entry for entry in dev if Requirement(entry).name == "copier"]
    return entry.removeprefix("copier").replace(" ", "")


def copier_ranges() -> dict[str, set[str]]:
    """Every copier version range written in the repository's files, by file."""
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    found: dict[str, set[str]] = {}
    for name in listed.splitlines():
        path = ROOT / name
        # `uv sync --locked` checks the lock; this file holds examples for the search.
        if name in {"uv.lock", relative(Path(__file__))} or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        ranges = {match.replace(" ", "") for match in COPIER_RANGE.findall(text)}
        if ranges:
            found[name] = ranges
    return found


def test_every_copier_range_is_the_dev_group_one() -> None:
    """A copier bump changes pyproject.toml; this lists every other place to change."""
    supported = supported_copier_range()
    found = copier_ranges()
    # The places a user reads or runs it: a broken search would find none of them.
    assert {
        "README.md",
        "docs/how-to/updating.md",
        "extensions/process.yml",  # the one source of the commands templates give
    } <= set(found)
    stale = {name: ranges for name, ranges in found.items() if ranges != {supported}}
    assert not stale, f"not {supported!r}: {stale}"


def test_min_copier_version_is_the_ranges_lower_bound() -> None:
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    lower = [s for s in supported_copier_range().split(",") if s.startswith(">=")]
    assert len(lower) == 1, supported_copier_range()
    assert Version(str(spec["_min_copier_version"])) == Version(lower[0].removeprefix(">="))


def test_copier_range_search_reads_what_people_write() -> None:
    text = (
        "uvx --from 'copier>=9.6,<10' --with copier-template-extensions copier\n"
        '"copier >= 9.5, < 10"  copier-template-extensions>=0.3.4  copier 9.x  copier==9.4.1\n'
    )
    assert COPIER_RANGE.findall(text) == [">=9.6,<10", ">= 9.5, < 10", "==9.4.1"]


@pytest.mark.slow  # the copier command line, twice
def test_adopting_page_says_what_copier_does_to_an_existing_repository(tmp_path: Path) -> None:
    """docs/how-to/adopting.md: without `existing_repo`, a copy into a project stops before
    writing anything, with `--overwrite` too, and names the adoption command."""
    mine = {
        "README.md": "# Acme\n",
        "pyproject.toml": '[project]\nname = "acme"\n',
        ".github/workflows/ci.yml": "name: ours\n",
        ".gitignore": "ours\n",
        "src/acme/app.py": "print('ours')\n",
    }
    for name, text in mine.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    command = ["copy", "--trust", "--defaults", "--vcs-ref", "HEAD", "--data", "package_name=acme",
               str(ROOT), "."]  # fmt: skip
    for extra in ((), ("--overwrite",)):
        stopped = copier_cli(*command[:-2], *extra, *command[-2:], cwd=tmp_path, check=False)
        assert stopped.returncode != 0
        last = stopped.stderr.strip().splitlines()[-1]
        assert "already holds a Python project (pyproject.toml, src); nothing was written" in last
        assert "--data existing_repo=true --answers-file .copier-answers.lifecycle.yml" in last
        written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
        assert written == set(mine)
        assert all((tmp_path / name).read_text() == text for name, text in mine.items())
    page = (ROOT / "docs" / "how-to" / "adopting.md").read_text()
    assert "nothing was written" in page and "`--overwrite`" in page
    # The procedure it gives instead is tested in tests/test_adoption.py.
    assert "--data existing_repo=true --answers-file .copier-answers.lifecycle.yml" in page
