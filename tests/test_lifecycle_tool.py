"""template/tools/lifecycle.py, the command every generated repository ships.

Imported by path, like the repository runs it, with the process data built
from extensions/process.yml by extensions/work.py (what copier renders into
``.lifecycle/process.json``). Projects rendered by copier are tested in
test_work_kits.py.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import sys
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, SIZES, run
from .extension_modules import sizes, tool, work

TOOL_PATH = ROOT / "template" / "tools" / "lifecycle.py"


work_extension = work
PROCESS = work_extension.process_data("Acme Billing", "service", "@acme/billing", "small", False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with nothing but the process data, as copier renders it."""
    (tmp_path / ".lifecycle").mkdir()
    (tmp_path / ".lifecycle" / "process.json").write_text(json.dumps(PROCESS))
    return tmp_path


def new(repo: Path, *args: str) -> int:
    return int(tool.main(["--root", str(repo), "new", *args]))


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*") if p.is_file()
    }


def headings(text: str) -> list[str]:
    return [line[3:] for line in text.splitlines() if line.startswith("## ")]


# ------------------------------------------------------------------ sizing
@pytest.mark.parametrize("ratings", list(product(sizes.RATINGS, repeat=3)))
def test_rubric_recommends_exactly_as_the_questionnaire(ratings: tuple[str, ...]) -> None:
    assert tool.recommend_size(PROCESS, ratings) == sizes.recommend_size(ratings)


def test_rubric_flags_recommend_and_size_overrides(repo: Path, capsys) -> None:
    assert new(repo, "Carrier cache", "--scope", "low", "--impact", "moderate") == 0
    assert "a medium piece of work (the rubric recommends medium)" in capsys.readouterr().out
    assert (repo / "docs/work/0001-carrier-cache/rfc.md").is_file()
    assert new(repo, "Label printing", "--risk", "high", "--size", "small") == 0
    assert "a small piece of work (the rubric recommends large)" in capsys.readouterr().out
    assert not (repo / "docs/work/0002-label-printing/rfc.md").exists()


# ------------------------------------------------------------------ the kit
@pytest.mark.parametrize("ui", [False, True])
def test_kits_grow_strictly_with_size(ui: bool) -> None:
    def kit(size: str) -> set[tuple[str, str]]:
        work = tool.Work(title="X", size=size, owner="@a", created="2026-01-01", has_ui=ui)
        return {
            (doc["file"], heading)
            for doc in tool.kit(PROCESS, size, ui)
            for heading in headings(tool.render_document(PROCESS, doc, work))
        }

    small, medium, large = (kit(size) for size in SIZES)
    assert small < medium < large
    assert {name for name, _ in small} == {"shaping.md", "test-cases.md"} | (
        {"design.md"} if ui else set()
    )
    assert {name for name, _ in medium} == {name for name, _ in small} | {"rfc.md", "rollout.md"}


def test_new_writes_the_kit_the_index_and_says_what_to_do_first(repo: Path, capsys) -> None:
    assert new(repo, "Carrier cache", "--size", "medium", "--ui", "--owner", "@acme/ship") == 0
    out = capsys.readouterr().out
    folder = repo / "docs/work/0001-carrier-cache"
    expected = ["shaping.md", "rfc.md", "design.md", "test-cases.md", "rollout.md"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    for name in expected:
        assert f"created docs/work/0001-carrier-cache/{name}" in out
        text = (folder / name).read_text()
        matter = tool.read_front_matter(text)
        assert list(matter) == ["title", "size", "status", "owner", "created", "links", "history"]
        assert matter["title"] == "Carrier cache"
        assert matter["size"] == "medium"
        assert matter["status"] == "draft"
        assert matter["owner"] == "@acme/ship"
        assert str(matter["created"]) == tool.today()  # YAML reads a date
        assert matter["links"] == [other for other in expected if other != name]
        assert matter["history"] == [f"draft {tool.today()}"]
        assert "- **Who:**" in text and "- **Done when:**" in text and "_TODO" in text
    assert out.splitlines()[-1].startswith(
        "First: fill in docs/work/0001-carrier-cache/shaping.md (Shaping note)"
    )
    index = (repo / "docs/work/index.md").read_text()
    row = "| [0001](0001-carrier-cache/shaping.md) | Carrier cache | medium | draft | @acme/ship |"
    assert f"{row} Project shaping |" in index


def test_the_index_lists_every_piece_with_its_stage(repo: Path) -> None:
    assert new(repo, "First thing", "--size", "small") == 0
    assert new(repo, "Second thing", "--size", "large") == 0
    # The team accepts the second piece's shaping note: it moves to architecture.
    shaping = repo / "docs/work/0002-second-thing/shaping.md"
    shaping.write_text(shaping.read_text().replace("status: draft", "status: accepted", 1))
    assert new(repo, "Third thing", "--scope", "moderate") == 0
    rows = [line for line in (repo / "docs/work/index.md").read_text().splitlines()
            if line.startswith("| [")]  # fmt: skip
    assert [row.split(" | ")[1] for row in rows] == ["First thing", "Second thing", "Third thing"]
    assert rows[1].endswith("| large | draft | @acme/billing | Architecture |")
    assert rows[2].startswith("| [0003](0003-third-thing/shaping.md) | Third thing | medium |")


@pytest.mark.parametrize(
    ("statuses", "stage"),
    [
        (("draft", "draft"), ("Project shaping", "draft")),
        (("accepted", "review"), ("Validate", "review")),
        # Agreed but not shipped yet: at the last document still open, never "Done".
        (("accepted", "accepted"), ("Validate", "accepted")),
        (("done", "accepted"), ("Validate", "accepted")),
        (("done", "done"), ("Done", "done")),
        # One document dropped does not make a shipped piece "Dropped".
        (("done", "dropped"), ("Done", "done")),
        (("dropped", "dropped"), ("Dropped", "dropped")),
        # The shaping note dropped: the work will not happen, whatever the others say.
        (("dropped", "draft"), ("Dropped", "dropped")),
    ],
)
def test_one_stage_definition_tells_done_from_dropped_and_accepted(
    statuses: tuple[str, str], stage: tuple[str, str]
) -> None:
    docs = list(zip(("shaping.md", "test-cases.md"), statuses, strict=True))
    assert tool.piece_stage(PROCESS, docs) == stage


def test_status_meanings_are_data_so_a_renamed_status_keeps_working() -> None:
    """Rename every status in the process data: the stages follow, nothing names them."""
    renamed = {"draft": "wip", "review": "proposed", "accepted": "agreed",
               "done": "shipped", "dropped": "abandoned"}  # fmt: skip
    statuses = [{**item, "text": renamed[item["text"]]} for item in PROCESS["work_statuses"]]
    process: Any = {**PROCESS, "work_statuses": statuses}
    docs = [("shaping.md", "shipped"), ("test-cases.md", "agreed")]
    assert tool.piece_stage(process, docs) == ("Validate", "agreed")
    assert tool.piece_stage(process, [(n, "shipped") for n, _ in docs]) == ("Shipped", "shipped")
    assert tool.piece_stage(process, [(n, "abandoned") for n, _ in docs])[0] == "Abandoned"
    assert tool.Statuses.of(process).closing(["shipped", "abandoned"]) == "shipped"


def test_front_matter_round_trips_any_title_and_owner() -> None:
    work = tool.Work(title='Say "hi" (v2): 100% / R&D', size="large", owner="@o/t-1",
                     created="2026-01-02", status="draft")  # fmt: skip
    text = tool.front_matter(PROCESS, work, ["a.md", "b c.md"])
    assert tool.read_front_matter(text + "# Body\n") == {
        "title": work.title,
        "size": "large",
        "status": "draft",
        "owner": "@o/t-1",
        "created": datetime.date(2026, 1, 2),  # as yaml.safe_load reads it
        "links": ["a.md", "b c.md"],
        "history": [f"draft {tool.today()}"],
    }
    assert tool.read_front_matter("# No front matter\n") == {}


def test_rendered_documents_are_formatted_markdown(repo: Path) -> None:
    """mdformat, with the generated project's settings, leaves every kit document alone."""
    (repo / ".mdformat.toml").write_text((ROOT / "template" / ".mdformat.toml").read_text())
    title = 'Ship labels: v2 (R&D) - 1.5 / "fast", why? yes! a+b=c Ünïcödé 日本'
    assert new(repo, title, "--size", "large", "--ui") == 0
    files = sorted(str(p) for p in (repo / "docs").rglob("*.md"))
    assert len(files) == 6
    run([sys.executable, "-m", "mdformat", "--check", *files])
    assert [p.name for p in (repo / "docs/work").glob("0001-*")] == [
        "0001-ship-labels-v2-r-d-1-5-fast-why-yes-a-b"
    ]


def shown_heading(markdown: str) -> str:
    """The text a reader sees in a document's first heading (CommonMark, as GitHub renders)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    inline = next(tokens[i + 1] for i, tok in enumerate(tokens) if tok.type == "heading_open")
    assert all(child.type in ("text", "softbreak") for child in inline.children or [])
    return "".join(child.content for child in inline.children or [])


@pytest.mark.parametrize("title", ["Café Crème *beta*", "ops_*beta*", "Fix __init__ and *x* _y_"])
def test_a_title_with_emphasis_marks_shows_as_typed(repo: Path, title: str) -> None:
    """Not emphasis in the heading nor in the index: escaped as mdformat writes them."""
    (repo / ".mdformat.toml").write_text((ROOT / "template" / ".mdformat.toml").read_text())
    assert new(repo, title, "--size", "medium") == 0
    folder = next((repo / "docs/work").glob("0001-*"))
    for document in sorted(folder.glob("*.md")):
        text = document.read_text()
        assert tool.read_front_matter(text)["title"] == title
        assert shown_heading(text.split("\n---\n", 1)[1]).endswith(f": {title}")
    index = (repo / "docs/work/index.md").read_text()
    row = next(line for line in index.splitlines() if line.startswith("| [0001]"))
    assert f"| {tool.markdown_title(title)} |" in row and "\\*" in row
    files = sorted(str(p) for p in (repo / "docs").rglob("*.md"))
    run([sys.executable, "-m", "mdformat", "--check", *files])


# ------------------------------------------------------------------ titles
@pytest.mark.parametrize(
    ("title", "rule"),
    [
        ("", "title must not be empty."),
        ("  padded", "without leading, trailing or double spaces"),
        ("two\nlines", "title must be one line"),
        ("x" * 81, "at most 80 characters"),
        ("---", "title must contain a letter or digit."),
        ("ops `beta` [x]", "it contains '[]`'"),
        ("a `code` [link] <tag> #1 ~x~ \\", "letters, digits, spaces and"),
    ],
)
def test_bad_titles_name_the_rule(title: str, rule: str) -> None:
    assert rule in tool.title_problem(title)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Acme Billing", "Acme Billing"),
        ("ops_*beta*", "ops_*beta*"),  # emphasis marks are kept, and escaped in Markdown
        ("Café Crème *beta*", "Café Crème *beta*"),
        ("{{ 7*7 }}", "7*7"),
        ("Café Crème", "Café Crème"),
        ("***", "First piece of work"),
    ],
)
def test_project_names_become_valid_titles(name: str, title: str) -> None:
    assert tool.clean_title(name) == title
    assert tool.title_problem(title) == ""


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Carrier cache", "carrier-cache"),
        ("Café Crème", "cafe-creme"),
        ("日本", "work"),
        (
            "A very long title that goes on and on past forty",
            "a-very-long-title-that-goes-on-and-on",
        ),
    ],
)
def test_slugs_are_ascii_folder_names(title: str, slug: str) -> None:
    assert tool.slug(title) == slug


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Carrier Cache", "--size", "small"], "title 'Carrier Cache' clashes with"),
        (["carrier-cache!", "--size", "small"], "clashes with docs/work/0001-carrier-cache"),
        (["Other", "--size", "huge"], "argument --size: invalid choice: 'huge'"),
        (["Other", "--risk", "extreme"], "argument --risk: invalid choice: 'extreme'"),
        (["Other"], "--size: give --size small|medium|large, or rate the work"),
        (["Other", "--size", "small", "--colour"], "unrecognized arguments: --colour"),
        (["Other `x`", "--size", "small"], "title may use letters, digits, spaces"),
        (["Other", "--size", "small", "--owner", "bob"], "--owner must be a GitHub handle"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(
    repo: Path, capsys, args: list[str], message: str
) -> None:
    assert new(repo, "Carrier cache", "--size", "small") == 0
    capsys.readouterr()
    before = tree(repo)
    try:
        status = new(repo, *args)
    except SystemExit as exit_:  # argparse's own refusals
        status = int(str(exit_.code))
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert message in captured.err
    assert tree(repo) == before


def test_a_repository_without_process_data_is_told_what_to_do(tmp_path: Path, capsys) -> None:
    assert new(tmp_path, "Carrier cache", "--size", "small") == 2
    assert ".lifecycle/process.json not found" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def interpreter(version: str) -> str:
    """A working ``python3.X`` on this machine, or skip."""
    pyenv = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    for found in [shutil.which(f"python{version}"), *map(str, pyenv)]:
        if found and run([found, "-c", "pass"], check=False).returncode == 0:
            return found
    pytest.skip(f"no Python {version} here")


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_the_command_line_runs_as_a_script(repo: Path, version: str) -> None:
    """`python3 tools/lifecycle.py` from the repository root, standard library only."""
    (repo / "tools").mkdir()
    (repo / "tools" / "lifecycle.py").write_text(TOOL_PATH.read_text())
    run([interpreter(version), "-I", "tools/lifecycle.py", "new", "Carrier cache", "--size",
         "small"], repo)  # fmt: skip
    assert (repo / "docs/work/0001-carrier-cache/shaping.md").is_file()


# ------------------------------------------------------------------ code quality
@pytest.mark.slow  # mypy takes a few seconds
def test_the_tool_passes_ruff_with_the_generated_rules_and_mypy_strict() -> None:
    config = str(ROOT / "template" / "ruff.toml")
    for args in (["check"], ["format", "--check"]):
        command = [sys.executable, "-m", "ruff", *args, "--no-cache", "--config", config]
        run([*command, TOOL_PATH])
    run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", TOOL_PATH])


# ------------------------------------------------------------------ kind and duties
def test_the_kit_keeps_only_the_repository_kind() -> None:
    """Even given every kind's items, a library's piece gets the library's rollout and sections."""
    service = work_extension.process_data("Acme", "service", "@acme/billing", "medium", False)
    library = work_extension.process_data("Acme", "library", "@acme/billing", "medium", False)
    rollouts = [
        doc for doc in service["work_kit"] + library["work_kit"] if doc["file"] == "rollout.md"
    ]
    every_section = [section for doc in rollouts for section in doc["sections"]]
    every_kind = [{**doc, "sections": every_section} for doc in rollouts]
    for data, kind in ((library, "library"), (service, "service")):
        mixed: Any = {**data, "work_kit": every_kind}
        kept = tool.kit(mixed, "large", False)
        assert [doc["kind"] for doc in kept] == [kind]
        work = tool.Work(title="X", size="large", owner="@a", created="2026-01-01")
        titles = headings(tool.render_document(mixed, kept[0], work))
        assert ("Deprecations" in titles) is (kind == "library")
        assert ("Staged rollout" in titles) is (kind == "service")
        assert len(titles) == len(set(titles))


@pytest.mark.parametrize("kind", ["service", "library"])
def test_the_release_record_and_the_index_say_who_when_and_done_from_the_process(
    kind: str,
) -> None:
    data = work_extension.process_data("Acme", kind, "@acme/billing", "medium", False)
    release = [duty for duty in data["stage_duties"] if duty["text"] == tool.RELEASE_DUTY]
    assert len(release) == 1 and release[0]["kind"] == kind
    record = tool.render_release(data, "v1.2.0rc1")
    assert tool.who_when_done(release[0]) in record
    assert ("until the version is on PyPI" in record) is (kind == "library")
    index = tool.render_index(data, [])
    duty = tool.duty(data, tool.INDEX_DUTY)
    assert duty is not None and tool.who_when_done(duty) in index
    assert (tool.duty(data, "Runbook") is None) is (kind == "library")


# ------------------------------------------------------------------ a piece, the index
def test_a_piece_is_read_once_with_its_documents_in_kit_order(repo: Path) -> None:
    assert new(repo, "Carrier cache", "--size", "medium") == 0
    folder = repo / "docs/work/0001-carrier-cache"
    (folder / "notes.md").write_text("# Not a kit document\n")
    (folder / "rfc.md").write_text((folder / "rfc.md").read_text().replace("draft", "review", 1))
    piece = tool.Piece.read(PROCESS, folder)
    found = (piece.number, piece.slug, piece.title, piece.size)
    assert found == (1, "carrier-cache", "Carrier cache", "medium")
    assert [doc.name for doc in piece.documents] == [
        "shaping.md", "rfc.md", "test-cases.md", "rollout.md"]  # fmt: skip
    assert [doc.status for doc in piece.documents] == ["draft", "review", "draft", "draft"]
    assert (piece.stage, piece.status, piece.owner) == ("Project shaping", "draft", "@acme/billing")


def index_of(text: str) -> str:
    piece = tool.Piece.of(PROCESS, Path("docs/work/0001-x"), {"shaping.md": "---\n"
                          'title: "X"\nsize: small\nstatus: done\n---\n'})  # fmt: skip
    return tool.refreshed_index("docs/work/index.md", text, [piece])


def test_the_index_table_is_replaced_and_every_other_byte_kept() -> None:
    block = "\r\n".join(tool.index_block([]))
    text = f"# Ours\r\n\r\nTeam line\r\n\r\n{block}\r\n\r\nMore of ours"  # CRLF, no final newline
    refreshed = index_of(text)
    assert refreshed.startswith("# Ours\r\n\r\nTeam line\r\n\r\n" + tool.INDEX_BEGIN + "\r\n")
    assert refreshed.endswith(tool.INDEX_END + "\r\n\r\nMore of ours")
    assert "| [0001](0001-x/shaping.md) | X | small | done |  | Done |\r\n" in refreshed
    assert "\n" not in refreshed.replace("\r\n", "")
    assert index_of(refreshed) == refreshed


def test_an_index_without_a_table_gets_the_block_before_its_toctree() -> None:
    refreshed = index_of("# Ours\n\nA line.\n```{toctree}\n*/*\n```\n")
    assert refreshed.startswith(f"# Ours\n\nA line.\n\n{tool.INDEX_BEGIN}\n")
    assert refreshed.endswith(f"{tool.INDEX_END}\n\n```{{toctree}}\n*/*\n```\n")
    assert index_of(refreshed) == refreshed


def test_team_lines_written_between_the_markers_are_kept_too() -> None:
    """The markers say the table is the tool's; a line the team wrote there anyway stays."""
    table = tool.entries_table([], "")
    text = "\n".join([tool.INDEX_BEGIN, "Above, ours.", *table[:1], "Among the rows, ours.",
                      *table[1:], "", tool.INDEX_END]) + "\n"  # fmt: skip
    refreshed = index_of(text)
    lines = refreshed.splitlines()
    assert lines.index("Above, ours.") < lines.index(tool.INDEX_HEADER)
    row = "| [0001](0001-x/shaping.md) | X | small | done |  | Done |"
    assert lines.index("Among the rows, ours.") > lines.index(row)
    assert index_of(refreshed) == refreshed


def test_a_schema_1_process_file_still_reads_for_the_fleet(tmp_path: Path) -> None:
    """``fleet`` reads repositories on older template versions: schema 1 names still work."""
    data = json.loads(json.dumps(PROCESS))
    old = {new: name for name, new in tool.SCHEMA_1_NAMES.items()}
    schema_1 = {old.get(key, key): value for key, value in data.items() if key != "stages"}
    schema_1["schema"] = 1
    schema_1["statuses"] = [
        {"name": s["text"], **{k: bool(s.get(k)) for k in ("settled", "closed", "abandoned")}}
        for s in data["work_statuses"]
    ]
    schema_1["front_matter"] = tool.front_matter_keys(PROCESS)
    schema_1["rfc_records"] = [
        {"key": r["text"], **{k: v for k, v in r.items() if k != "text"}}
        for r in data["rfc_records"]
    ]
    (tmp_path / ".lifecycle").mkdir()
    (tmp_path / ".lifecycle" / "process.json").write_text(json.dumps(schema_1))
    read = tool.load_process(tmp_path)
    assert tool.Statuses.of(read) == tool.Statuses.of(PROCESS)
    assert tool.kit(read, "large", True) == tool.kit(PROCESS, "large", True)
    assert tool.front_matter_keys(read) == tool.front_matter_keys(PROCESS)
    assert [r["text"] for r in read["rfc_records"]] == ["discussion", "resolution"]
    documents = [*PROCESS["work_kit"], *PROCESS["artefacts"]]
    assert set(read["stages"]) == {doc["stage"] for doc in documents}


BANNER = re.compile(r"^# -{10,} (?P<title>\S.*)$")
MAX_SECTION_LINES = 450


def section_problems(text: str) -> list[str]:
    """Name each rule of issue #23 the tool's ``text`` breaks: short sections, each described.

    A section runs from its banner line (``# ---- name``) to the next one; the
    module docstring lists every banner's name, in order, as its table of contents.
    """
    lines = text.splitlines()
    banners = [(n, found["title"]) for n, line in enumerate(lines) if (found := BANNER.match(line))]
    starts, titles = [n for n, _ in banners], [title for _, title in banners]
    problems = []
    for start, end, title in zip(starts, [*starts[1:], len(lines)], titles, strict=True):
        if end - start > MAX_SECTION_LINES:
            problems.append(f"{title}: {end - start} lines, over {MAX_SECTION_LINES}")
        if not lines[start + 1].startswith("# "):
            problems.append(f"{title}: no comment under its banner says what it holds")
    if len(set(titles)) != len(titles):
        problems.append("two sections share a name")
    if starts and starts[0] > MAX_SECTION_LINES:
        problems.append(f"{starts[0]} lines before the first section")
    docstring = text.split('"""', 2)[1]
    toc = re.findall(r"^ +[0-9]+\. (.+)$", docstring, re.MULTILINE)
    if toc != titles:
        problems.append(f"the docstring's table of contents {toc} is not the sections {titles}")
    return problems


def test_the_tool_is_short_sections_each_described_and_listed() -> None:
    assert section_problems(TOOL_PATH.read_text(encoding="utf-8")) == []


def test_a_long_undescribed_or_unlisted_section_is_named() -> None:
    banner = "# " + "-" * 66 + " "
    text = '"""Tool.\n\n    1. one\n"""\n' + banner + "one\n# Holds one.\nA = 1\n"
    assert section_problems(text) == []
    long = text + banner + "two\n" + "B = 2\n" * (MAX_SECTION_LINES + 1)
    assert section_problems(long) == [
        f"two: {MAX_SECTION_LINES + 2} lines, over {MAX_SECTION_LINES}",
        "two: no comment under its banner says what it holds",
        "the docstring's table of contents ['one'] is not the sections ['one', 'two']",
    ]
