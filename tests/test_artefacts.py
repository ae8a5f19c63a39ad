"""The lifecycle artefacts rendered for every size, with and without a UI.

Snapshots: `tests/snapshots/<size>[-ui].txt` holds each size's rendered
artefacts (service kind, fixed answers), each file under a `==> path <==`
line, so a process change shows up as a reviewable diff. One file per size,
not one per artefact: copier clones this whole repository for every copy and
five times per update, and each tracked file makes that slower for every user.
After an intended change, regenerate them and review `git diff`:

    UPDATE_SNAPSHOTS=1 uv run pytest tests/test_artefacts.py -k snapshot
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from . import update_harness as harness
from .conftest import (
    KINDS,
    ROOT,
    SIZES,
    copier_cli,
    editable_copy,
    git,
    run,
    uv,
)
from .extension_modules import process, tool, work
from .test_process import PROCESS, STAGES

SNAPSHOTS = ROOT / "tests" / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
ANSWERS = {"project_name": "Acme Billing", "owner": "@acme/billing"}
UI = (False, True)
# Every rendered combination: both kinds, every size, UI on and off.
MATRIX = [(kind, size, ui) for kind in KINDS for size in SIZES for ui in UI]
# Files written by this template's process, compared with the snapshots.
SNAPSHOT_FILES = sorted(
    item["path"]
    for item in PROCESS["artefacts"]
    if not item["path"].startswith(".github/workflows")
)
FIRST = "docs/work/0001-acme-billing"
"""The first piece of work of a project named "Acme Billing"."""
CREATED = re.compile(r"^created: [0-9]{4}-[0-9]{2}-[0-9]{2}$", flags=re.M)
"""The date a piece of work started: the day of the render, so snapshots mask it."""
DATED = re.compile(r"^(  - [a-z]+) [0-9]{4}-[0-9]{2}-[0-9]{2}$", flags=re.M)
"""A ``history:`` item: its status and the day of the render, masked too."""
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")  # `${{ }}` is GitHub Actions syntax
PLACEHOLDER = "_TODO"
OTHER_PLACEHOLDERS = re.compile(r"\bTBD\b|\bXXX\b|\bFIXME\b|lorem ipsum|<your[ -]|\[insert", re.I)


def combo_name(size: str, ui: bool) -> str:
    return f"{size}-ui" if ui else size


@pytest.fixture(scope="module")
def projects(render) -> dict[tuple[str, str, bool], Path]:
    """One rendered project per kind, size and has_ui; read-only."""
    return {
        (kind, size, ui): render(**ANSWERS, project_kind=kind, project_size=size, has_ui=ui)
        for kind, size, ui in MATRIX
    }


def sections(markdown: str) -> dict[str, str]:
    """Map each `## ` heading to the text under it."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def headings(path: Path) -> list[str]:
    return list(sections(path.read_text()))


def checklist(path: Path, heading: str) -> list[str]:
    body = sections(path.read_text())[heading]
    return re.findall(r"^- \[ \] (.+)$", body, flags=re.M)


def release_record(project: Path, tag: str = "v0.1.0") -> Path:
    """The record ``tools/lifecycle.py release TAG`` makes, from the project's own process data."""
    process_data = json.loads((project / ".lifecycle" / "process.json").read_text())
    record = project.parent / f"release-{project.name}-{tag}.md"
    record.write_text(work.tool().render_release(process_data, tag))
    return record


def internal_links(path: Path, project: Path) -> list[Path]:
    """Targets of relative links that stay inside the project."""
    targets = []
    for target in LINK.findall(path.read_text()):
        if re.match(r"^[a-z]+:|^#", target):
            continue
        resolved = (path.parent / target.split("#")[0]).resolve()
        if resolved.is_relative_to(project.resolve()):
            targets.append(resolved)
    return targets


def artefact_files(project: Path, size: str, ui: bool) -> list[str]:
    """The artefacts process.yml promises for this project; each must exist."""
    kind = "library" if "core.py" in {p.name for p in project.glob("src/*/*.py")} else "service"
    paths = [item["path"] for item in process.process_items("artefacts", size, ui, kind)]
    for path in paths:
        assert (project / path).is_file(), path
    return paths


def kit_files(project: Path) -> list[str]:
    """The documents of the project's first piece of work, as project paths."""
    return sorted(p.relative_to(project).as_posix() for p in (project / FIRST).glob("*.md"))


def markdown_files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*.md") if ".venv" not in p.parts)


# ------------------------------------------------------------------ the map
@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_every_stage_links_an_existing_artefact(projects, kind: str, size: str, ui: bool) -> None:
    project = projects[kind, size, ui]
    lifecycle = project / "docs" / "lifecycle.md"
    by_stage = sections(lifecycle.read_text())
    for stage in STAGES:
        assert stage in by_stage, f"no section for {stage!r}"
        body = by_stage[stage]
        linked = [t for t in LINK.findall(body) if not re.match(r"^[a-z]+:", t)]
        assert linked, f"{stage!r} links no artefact"
        for target in linked:
            assert (lifecycle.parent / target).is_file(), f"{stage!r} links missing {target}"
        if stage == "Design" and not ui:  # no design note: its lines are Architecture's
            assert "lines under Architecture" in body
            continue
        for part in ("**Who:**", "**When:**", "**Done when:**"):
            assert part in body, f"{stage!r} lacks {part}"
    # The stage sections come in handbook order.
    order = [h for h in by_stage if h in STAGES]
    assert order == list(STAGES)


@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_relative_links_resolve(projects, kind: str, size: str, ui: bool) -> None:
    project = projects[kind, size, ui]
    for path in markdown_files(project):
        for target in internal_links(path, project):
            assert target.exists(), f"{path.relative_to(project)} links missing {target}"


def test_design_stage_depends_on_ui(projects) -> None:
    with_ui = sections((projects["service", "medium", True] / "docs/lifecycle.md").read_text())
    without = sections((projects["service", "medium", False] / "docs/lifecycle.md").read_text())
    design = f"({FIRST.removeprefix('docs/')}/design.md)"
    assert design in with_ui["Design"]
    assert design not in without["Design"]
    assert f"({FIRST.removeprefix('docs/')}/rfc.md)" in without["Design"]
    for size in SIZES:
        assert (projects["service", size, True] / FIRST / "design.md").is_file()
        assert not (projects["service", size, False] / FIRST / "design.md").exists()


@pytest.mark.parametrize(
    ("rubric", "chosen", "recommended", "lighter"),
    [
        ({"size_scope": "low", "size_impact": "low", "size_risk": "low"}, None, "small", False),
        ({"size_scope": "moderate", "size_risk": "high"}, "medium", "large", True),
        ({"size_impact": "moderate"}, "large", "medium", False),
    ],
)
def test_map_records_rubric_recommendation_and_choice(
    render, rubric: dict[str, str], chosen: str | None, recommended: str, lighter: bool
) -> None:
    answers = {**rubric, **({"project_size": chosen} if chosen else {})}
    text = (render(**answers) / "docs" / "lifecycle.md").read_text()
    size = sections(text)["Project size"]
    for question in ("size_scope", "size_impact", "size_risk"):
        assert rubric.get(question, "low") in size
    assert f"Recommended size (the highest answer): **{recommended}**" in size
    assert f"Chosen size: **{chosen or recommended}**" in size
    assert ("lighter than the rubric recommends" in size) is lighter


# ------------------------------------------------------------ the documents
def test_rfcs_by_size(projects) -> None:
    small = projects["service", "small", False]
    assert not (small / FIRST / "rfc.md").exists()
    architecture = sections((small / "docs/lifecycle.md").read_text())["Architecture"]
    assert "(../.github/ISSUE_TEMPLATE/decision.md)" in architecture  # an issue, not an RFC
    medium = projects["service", "medium", False] / FIRST / "rfc.md"
    large = projects["service", "large", False] / FIRST / "rfc.md"
    assert set(headings(medium)) < set(headings(large))
    assert len(headings(large)) >= 8
    text = large.read_text()
    assert "```mermaid" in text
    assert text.startswith('---\ntitle: "Acme Billing"\nsize: large\nstatus: draft\n')
    for target in ("production-readiness.md", "infrastructure-request.md"):
        assert f"(../../{target})" in sections(text)["Related documents"]
    assert "mini RFC" in medium.read_text() and "mini RFC" not in text


def test_sections_and_items_strictly_grow_in_rendered_files(projects) -> None:
    def rendered(size: str) -> Path:
        return projects["service", size, False] / "docs"

    plans = [set(headings(rendered(s) / "test-plan.md")) for s in SIZES]
    assert plans[0] < plans[1] < plans[2]
    assert "Execution log" in plans[1]
    for needed in ("Approach", "Pass and fail criteria", "Exploratory charters", "Approvals"):
        assert needed in plans[2] - plans[1]
    releases = [set(checklist(rendered(s) / "release-checklist.md", "Items")) for s in SIZES]
    assert releases[0] < releases[1] < releases[2]


@pytest.mark.parametrize(("size", "ui"), [(s, u) for s in SIZES for u in UI])
def test_rendered_lists_come_from_process_yml(projects, size: str, ui: bool) -> None:
    """One edit in process.yml changes every file that shows the list."""
    project = projects["service", size, ui]

    def items(key: str) -> list[str]:
        return [i["text"] for i in process.process_items(key, size, ui, "service")]

    def titles(key: str) -> list[str]:
        return [i["title"] for i in process.process_items(key, size, ui, "service")]

    assert checklist(project / "docs/release-checklist.md", "Items") == items("release_checklist")
    assert checklist(release_record(project), "Items") == items("release_checklist")
    assert checklist(project / "docs/production-readiness.md", "Checklist") == items(
        "production_readiness"
    )
    pr = project / ".github/PULL_REQUEST_TEMPLATE.md"
    assert checklist(pr, "Lifecycle checklist") == items("pull_request_checklist")
    assert headings(project / "docs/test-plan.md") == titles("test_plan_sections")
    for doc in process.process_items("work_kit", size, ui, "service"):
        assert headings(project / FIRST / doc["file"]) == titles(doc["sections"]), doc["file"]
    assert len(kit_files(project)) == len(process.process_items("work_kit", size, ui, "service"))
    fields = re.findall(
        r"^\| (.+?) \| _TODO_ \|$",
        (project / "docs/infrastructure-request.md").read_text(),
        flags=re.M,
    )
    assert fields == items("infrastructure_request")


@pytest.mark.parametrize("size", SIZES)
def test_readme_layout_by_size(projects, size: str) -> None:
    base = ["Development setup", "Configuration", "Usage", "Tests", "Contributing", "License"]
    extra = ["Architecture", "Documentation", "Runbook", "Maintainers"]
    found = headings(projects["service", size, False] / "README.md")
    expected = base[:4] + (extra if size == "large" else []) + base[4:]
    assert found == expected
    library = headings(projects["library", size, False] / "README.md")
    assert "Configuration" not in library
    assert library[-1] == "License"


@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_every_document_says_who_when_and_done(projects, kind: str, size: str, ui: bool) -> None:
    project = projects[kind, size, ui]
    paths = artefact_files(project, size, ui)
    docs = [p for p in paths if p.startswith("docs/") and p != "docs/lifecycle.md"]
    docs += kit_files(project)
    assert len(docs) >= 7
    for path in docs:  # lifecycle.md says it per stage, checked above
        text = (project / path).read_text()
        for part in ("**Who:**", "**When:**", "**Done when:**"):
            assert part in text, f"{path} lacks {part}"
    forms = [project / p for p in paths if p.startswith(".github/") and p.endswith(".md")]
    assert len(forms) >= 5
    for path in forms:  # issue and pull request forms say it in a leading comment
        comment = path.read_text().split("<!--", 1)[1].split("-->", 1)[0]
        for part in ("Who:", "When:", "Done when:"):
            assert part in comment, f"{path.relative_to(project)} lacks {part}"


@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_placeholders_are_recognisable(projects, kind: str, size: str, ui: bool) -> None:
    """User-owned documents have `_TODO: ..._` placeholders, and no other kind."""
    project = projects[kind, size, ui]
    for name in artefact_files(project, size, ui) + kit_files(project):
        path = project / name
        text = path.read_text()
        assert not OTHER_PLACEHOLDERS.search(text), path
        # Every TODO is an italic `_TODO_` or `_TODO: ..._`, so it renders as one.
        for line in text.splitlines():
            for match in re.finditer(r"TODO", line):
                assert line[match.start() - 1] == "_", f"{path}: {line}"
    for item in process.process_items("artefacts", size, ui, kind):
        path = project / item["path"]
        assert path.is_file(), item["path"]
        # The index of pieces of work is data the tool writes, not a document to fill in.
        written_by_tool = item["path"] in ("README.md", "docs/work/index.md")
        if item["ownership"] == "user" and path.suffix == ".md" and not written_by_tool:
            assert PLACEHOLDER in path.read_text(), item["path"]
    for name in kit_files(project):
        assert PLACEHOLDER in (project / name).read_text(), name


# ------------------------------------------------------------ hygiene
@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_no_leftover_jinja(projects, kind: str, size: str, ui: bool) -> None:
    project = projects[kind, size, ui]
    checked = 0
    for path in project.rglob("*"):
        if not path.is_file() or ".git" in path.parts:
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        checked += 1
        match = LEFTOVER_JINJA.search(text)
        assert match is None, (
            f"{path.relative_to(project)}: {text[match.start() : match.start() + 60]!r}"
        )
    assert checked > 20


NOT_FORMATTED = re.compile(r'Error: File "([^"]+)" is not formatted\.')


def mdformat_check(files: list[Path]) -> set[Path]:
    """Run `mdformat --check` on ``files`` in one process; return those it would change.

    mdformat reads each file's nearest ``.mdformat.toml`` (every project is
    checked with its own settings) and reports every file, wrapping long
    messages, so the report is read with whitespace collapsed. Any other
    output (a crash, a bad setting) fails the test.
    """
    result = run([sys.executable, "-m", "mdformat", "--check", *files], check=False)
    report = " ".join(result.stderr.split())
    assert not NOT_FORMATTED.sub("", report).strip(), f"mdformat failed:\n{result.stderr}"
    found = {Path(path) for path in NOT_FORMATTED.findall(report)}
    assert bool(found) == (result.returncode != 0), result.stderr
    return found


@pytest.fixture(scope="module")
def unformatted(projects) -> set[Path]:
    """Every project's Markdown that mdformat would change, found in a single run."""
    return mdformat_check(
        [path for project in projects.values() for path in markdown_files(project)]
    )


@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_markdown_is_formatted(projects, unformatted, kind: str, size: str, ui: bool) -> None:
    """mdformat, with the generated project's own settings, changes nothing."""
    project = projects[kind, size, ui]
    files = [str(p.relative_to(project)) for p in markdown_files(project)]
    assert "docs/lifecycle.md" in files and ".github/PULL_REQUEST_TEMPLATE.md" in files
    assert not [path for path in unformatted if path.is_relative_to(project)]


def test_markdown_check_catches_bad_formatting(projects, tmp_path: Path) -> None:
    """The formatting check can fail: a mis-formatted table is reported, by name."""
    project = editable_copy(projects["service", "small", False], tmp_path)
    plan = project / "docs" / "test-plan.md"
    plan.write_text(plan.read_text() + "\n|a|b|\n|---|---|\n|1|2|\n")
    assert mdformat_check([plan, project / "README.md"]) == {plan}


@pytest.mark.slow
def test_generated_project_checks_its_own_markdown(synced_project) -> None:
    """The generated project's CI command passes with its own pinned tools."""
    project = synced_project("service", "large")
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    command = "mdformat --check README.md docs .github"
    tools = "uv run --with-requirements tools/requirements.txt"
    assert f"{tools} {command}" in workflow
    run([uv(), *tools.split()[1:], "--quiet", *command.split()], cwd=project)


def test_markdown_tool_is_in_both_dev_groups() -> None:
    import tomllib

    template_dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    generated = (ROOT / "template" / "pyproject.toml.jinja").read_text()
    for package in ("mdformat", "mdformat-gfm", "mdformat-frontmatter"):
        assert any(dep.startswith(f"{package}>=") for dep in template_dev), package
        assert f'"{package}>=' in generated, package


# ------------------------------------------------------------ snapshots
SNAPSHOT_HEADER = re.compile(r"^==> (.+) <==\n", flags=re.M)


def join_snapshot(files: dict[str, str]) -> str:
    """Files as one text, each under a `==> path <==` line (sorted, so diffs are stable)."""
    for path, text in files.items():
        assert text.endswith("\n") and not SNAPSHOT_HEADER.search(text), path
    return "".join(f"==> {path} <==\n{text}" for path, text in sorted(files.items()))


def split_snapshot(text: str) -> dict[str, str]:
    """The inverse of `join_snapshot`."""
    parts = SNAPSHOT_HEADER.split(text)
    assert parts[0] == "", "a snapshot starts with a `==> path <==` line"
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_snapshot_format_round_trips() -> None:
    files = {"b.md": "# B\n\n==> not a header\n", "a/x.yml": "x: 1\n", "c": "\n"}
    assert split_snapshot(join_snapshot(files)) == files
    assert join_snapshot(files).startswith("==> a/x.yml <==\nx: 1\n==> b.md <==\n")


def masked(text: str) -> str:
    """A rendered file with the day of the render written as ``YYYY-MM-DD``."""
    return DATED.sub(r"\1 YYYY-MM-DD", CREATED.sub("created: YYYY-MM-DD", text))


@pytest.mark.parametrize(("size", "ui"), [(s, u) for s in SIZES for u in UI])
def test_snapshot(projects, size: str, ui: bool) -> None:
    project = projects["service", size, ui]
    snapshot = SNAPSHOTS / f"{combo_name(size, ui)}.txt"
    paths = [p for p in SNAPSHOT_FILES if (project / p).is_file()] + kit_files(project)
    rendered = {p: masked((project / p).read_text()) for p in paths}
    stored_text = snapshot.read_text() if snapshot.is_file() else ""
    if UPDATE and stored_text != join_snapshot(rendered):
        # Rewritten, so nothing left to compare: report it as skipped, never as passed.
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(join_snapshot(rendered))
        pytest.skip(f"{snapshot.name} rewritten: review `git diff tests/snapshots`")
    hint = "run `UPDATE_SNAPSHOTS=1 uv run pytest tests/test_artefacts.py -k snapshot`"
    stored = split_snapshot(stored_text) if stored_text else {}
    assert set(stored) == set(rendered), f"files differ from {snapshot.name}; {hint}"
    for path, text in rendered.items():
        if text != stored[path]:
            diff = "".join(
                difflib.unified_diff(
                    stored[path].splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"snapshot/{path}",
                    f"rendered/{path}",
                )
            )
            pytest.fail(f"{path} differs from its snapshot; {hint}\n{diff}")


def test_snapshots_are_one_file_per_size() -> None:
    """Nothing else lives in the snapshot folder (an old per-artefact folder, say)."""
    expected = {f"{combo_name(s, u)}.txt" for s in SIZES for u in UI}
    assert {path.name for path in SNAPSHOTS.iterdir()} == expected


# ------------------------------------------------------------ copier update
def copier_trusted(*args: str, cwd: Path) -> None:
    """The copier command line with `--trust --defaults`, as the lifecycle docs give it."""
    copier_cli(*args, "--trust", "--defaults", cwd=cwd)


@pytest.mark.slow
def test_one_process_edit_reaches_an_existing_project(tmp_path: Path) -> None:
    """A new release-checklist item in process.yml arrives via `copier update`.

    Process-owned files take the change and keep the team's edits; user-owned
    files keep every line the team wrote, even when the size grows (the update's
    sync only adds the sections a document lacks).
    """
    template = tmp_path / "template"
    for part in ("copier.yml", "extensions", "migrations", "template"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, template / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            template.mkdir(exist_ok=True)
            shutil.copy(source, template / part)
    git("init", "-q", cwd=template)
    harness.commit_all(template, "v1")
    git("tag", "v1.0.0", cwd=template)

    project = tmp_path / "project"
    copier_trusted(
        "copy", "--data", "project_size=medium", str(template), str(project), cwd=tmp_path
    )
    git("init", "-q", cwd=project)
    harness.commit_all(project, "start")
    checklist_file = project / "docs" / "release-checklist.md"
    checklist_file.write_text(checklist_file.read_text() + "\nTeam note: we release on Tuesdays.\n")
    plan = project / "docs" / "test-plan.md"
    plan.write_text("# Manual test plan\n\nOur own plan.\n")
    harness.commit_all(project, "team edits")

    new_item = "Feature flags for this release are listed with their default values."
    process_yml = template / "extensions" / "process.yml"
    process_yml.write_text(
        process_yml.read_text().replace(
            "release_checklist:\n",
            f"release_checklist:\n  - text: {new_item}\n"
            "    phase: candidate\n    min_size: small\n",
        )
    )
    harness.commit_all(template, "v1.1: one new release item")
    git("tag", "v1.1.0", cwd=template)

    copier_trusted("update", cwd=project)
    assert checklist(checklist_file, "Items")[0] == new_item
    assert "Team note: we release on Tuesdays." in checklist_file.read_text()
    run([sys.executable, "tools/lifecycle.py", "release", "v1.1.0"], cwd=project)
    assert checklist(project / "docs" / "releases" / "v1.1.0.md", "Items")[0] == new_item
    # The team's plan keeps its lines; the update's sync adds the sections it lacks after them.
    team_plan = "# Manual test plan\n\nOur own plan.\n"
    assert plan.read_text().startswith(team_plan) and "\n## " in plan.read_text()

    harness.commit_all(project, "update to v1.1.0")
    assert not (project / "docs" / "roadmap.md").exists()
    copier_trusted("update", "--data", "project_size=large", cwd=project)
    assert (project / "docs" / "roadmap.md").is_file()
    large = process.process_items("release_checklist", "large", kind="service")
    large_items = [i["text"] for i in large]
    assert set(large_items) < set(checklist(checklist_file, "Items"))
    assert plan.read_text().startswith(team_plan)
    assert "Chosen size: **large**" in (project / "docs" / "lifecycle.md").read_text()

    # The command docs/lifecycle.md gives for work that starts to change what users see.
    harness.commit_all(project, "grow to large")
    lifecycle_text = (project / "docs" / "lifecycle.md").read_text()
    link = "https://miro.com/app/board/uXjVN1a2b3c=/"
    command = (
        "copier update --trust --defaults --skip-answered --data has_ui=true --data design_link=URL"
    )
    assert f" {command}`" in lifecycle_text  # after the copier the page tells how to run
    copier_trusted("update", "--data", "has_ui=true", "--data", f"design_link={link}", cwd=project)
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["design_link"] == link
    # The first piece of work is the team's: an update never adds documents to it.
    assert not list((project / "docs" / "work").glob("*/design.md"))
    pr_template = (project / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text()
    assert "Visible changes match the design note" in pr_template
    # A piece of work that changes what users see gets its design note from the tool.
    run([sys.executable, "tools/lifecycle.py", "new", "Checkout redesign", "--size", "small",
         "--ui"], cwd=project)  # fmt: skip
    assert (project / "docs" / "work" / "0002-checkout-redesign" / "design.md").is_file()


# ------------------------------------------------------- kind, rubric, on-call
SERVICE_ONLY = re.compile(r"deploy|canary|pre-production|support staff|production", re.I)
"""Words of a service's release that a library's release documents must not use."""


@pytest.mark.parametrize("size", SIZES)
def test_a_library_releases_by_publishing_not_deploying(projects, size: str) -> None:
    project = projects["library", size, True]
    release_docs = [
        "docs/release-checklist.md",
        "docs/test-plan.md",
        ".github/ISSUE_TEMPLATE/release.md",
        *(p for p in kit_files(project) if p.endswith("test-cases.md")),
    ]
    for path in release_docs:
        found = SERVICE_ONLY.findall((project / path).read_text())
        assert not found, f"{path} mentions {found}"
    checklist_doc = sections((project / "docs/release-checklist.md").read_text())
    for policy in ("Versioning", "Deprecation policy", "Publishing to PyPI"):
        assert policy in checklist_doc, policy
    items = " ".join(checklist(release_record(project), "Items"))
    for gate in ("semantic versioning", "deprecated first", "PyPI", "depend on this library"):
        assert gate in items, gate
    assert "### Publish\n" in (project / "docs/release-checklist.md").read_text()
    assert not (project / "docs/runbook.md").exists()
    readiness = " ".join(checklist(project / "docs/production-readiness.md", "Checklist"))
    assert "supported Python versions" in readiness
    assert "status route" not in readiness and "Monitoring alerts" not in readiness


NOT_FOR_A_LIBRARY = re.compile(r"deploy|canar(y|ies)|on[- ]call|pre-production", re.I)
"""How a service runs in production: no document of a library's process may speak of it."""


def library_documents(project: Path) -> list[str]:
    """Every document a library's team reads: docs, the work kit, issue and PR templates."""
    found = [p.relative_to(project).as_posix() for p in markdown_files(project)]
    found += [p.relative_to(project).as_posix() for p in project.glob(".github/**/*.yml")]
    return sorted(found)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("ui", UI)
def test_no_library_document_speaks_of_deploys_or_on_call(projects, size: str, ui: bool) -> None:
    project = projects["library", size, ui]
    paths = library_documents(project)
    assert {f"{FIRST}/shaping.md", ".github/ISSUE_TEMPLATE/bug.md"} <= set(paths)
    assert (f"{FIRST}/rollout.md" in paths) is (size != "small")
    for path in paths:
        found = NOT_FOR_A_LIBRARY.findall((project / path).read_text())
        assert not found, f"{path} mentions {found}"
    assert NOT_FOR_A_LIBRARY.search("the person on call")  # the check can fail


def test_every_size_of_library_work_plans_a_release_not_a_rollout() -> None:
    """Each kit `tools/lifecycle.py new` makes in a library, every size, with and without UI."""
    lifecycle_tool = work.tool()
    data = work.process_data("Acme Billing", "library", "@acme/billing", "small", False)
    for size in SIZES:
        for ui in UI:
            piece = lifecycle_tool.Work("Cache", size, "@acme/billing", "2026-01-01", ui)
            for doc in lifecycle_tool.kit(data, size, ui):
                text = lifecycle_tool.render_document(data, doc, piece)
                assert not NOT_FOR_A_LIBRARY.findall(text), (size, ui, doc["file"])
                assert not re.findall(r"\bproduction\b(?![- ]readiness)", text, re.I), doc["file"]
    rollout = next(d for d in lifecycle_tool.kit(data, "large", False) if d["file"] == "rollout.md")
    piece = lifecycle_tool.Work("C", "large", "@a", "")
    text = lifecycle_tool.render_document(data, rollout, piece)
    for needed in ("## Versioning", "## Deprecations", "PyPI", "## Telling dependents"):
        assert needed in text, needed


@pytest.mark.parametrize("size", ["medium", "large"])
def test_service_work_plans_for_on_call_and_incidents(projects, size: str) -> None:
    """The RFC and the rollout note of a medium or large service name on-call and incidents."""
    project = projects["service", size, False]
    rfc = sections((project / FIRST / "rfc.md").read_text())
    rollout = sections((project / FIRST / "rollout.md").read_text())
    rollout_text = "".join(rollout.values())
    for where, text in (("rfc.md", rfc["Observability"]), ("rollout.md", rollout_text)):
        assert re.search(r"on[- ]call", text), where
        assert "Incident response" in text, where
    assert "on call" in (project / FIRST / "rollout.md").read_text().split("## ", 1)[0]
    runbook = headings(project / "docs/runbook.md")
    for named in re.findall(r"docs/runbook\.md, ([A-Z][\w -]+)\)", rollout_text):
        assert named in runbook, named


@pytest.mark.parametrize("size", SIZES)
def test_a_service_has_a_runbook_for_on_call_and_incidents(projects, size: str) -> None:
    project = projects["service", size, False]
    runbook = project / "docs/runbook.md"
    assert runbook.is_file() == (size != "small")
    text = (project / "docs/release-checklist.md").read_text()
    assert "### Rollout\n" in text and "### Publish\n" not in text
    if size == "small":
        return
    found = headings(runbook)
    for needed in ("On-call", "Alerts", "Rollback", "Incident response", "Post-incident review"):
        assert needed in found, needed
    # Every runbook section a release item names exists.
    for item in checklist(project / "docs/release-checklist.md", "Items"):
        for title in re.findall(r"docs/runbook\.md, ([A-Za-z -]+)\)", item):
            assert title in found, item


def test_release_issue_version_matches_the_release_workflow(projects) -> None:
    """The issue is titled with the tag the workflow accepts: v + the pyproject version."""
    project = projects["library", "large", False]
    front = (project / ".github/ISSUE_TEMPLATE/release.md").read_text().split("---")[1]
    assert yaml.safe_load(front)["title"] == "Release vX.Y.Z"
    workflow = (project / ".github/workflows/release.yml").read_text()
    assert 'if [ "v$version" != "$GITHUB_REF_NAME" ]' in workflow
    assert yaml.safe_load(workflow)[True] == {"push": {"tags": ["v*"]}}  # YAML reads `on` as True
    body = (project / ".github/ISSUE_TEMPLATE/release.md").read_text()
    assert "docs/releases/vX.Y.Z.md" in body and "- [ ] " in sections(body)["Done when"]
    # The large sign-off table is in the record the issue links, where the gate reads it.
    record = release_record(project).read_text()
    assert "| Release manager | _TODO: @handle_ |" in sections(record)["Sign-off"]


def test_rubric_answers_add_their_items_at_a_fixed_size(render) -> None:
    calm = render(**ANSWERS, project_size="medium")
    risky = render(**ANSWERS, project_size="medium", size_risk="high", size_impact="high",
                   size_scope="high")  # fmt: skip
    rehearsal = "The rollback has been rehearsed in pre-production."
    assert rehearsal not in checklist(calm / "docs/release-checklist.md", "Items")
    assert rehearsal in checklist(risky / "docs/release-checklist.md", "Items")
    readiness = [checklist(p / "docs/production-readiness.md", "Checklist") for p in (calm, risky)]
    assert not any("privacy and data review" in i for i in readiness[0])
    assert any("privacy and data review" in i for i in readiness[1])
    assert not (calm / "docs/roadmap.md").exists()
    assert (risky / "docs/roadmap.md").is_file()
    assert "(roadmap.md)" in (risky / "docs/lifecycle.md").read_text()


RUBRIC_PLACES = {
    "artefacts": lambda project, item: (project / item["path"]).is_file(),
    "stage_duties": lambda project, item: (
        f"\n{item['text']}:\n" in (project / "docs/lifecycle.md").read_text()
    ),
    "release_checklist": lambda project, item: (
        item["text"] in checklist(project / "docs/release-checklist.md", "Items")
    ),
    "production_readiness": lambda project, item: (
        item["text"] in checklist(project / "docs/production-readiness.md", "Checklist")
    ),
    "pull_request_checklist": lambda project, item: (
        item["text"]
        in checklist(project / ".github/PULL_REQUEST_TEMPLATE.md", "Lifecycle checklist")
    ),
}
"""Where an item of each list that a rubric answer can add shows in a rendered project."""


def added_by(key: str, kind: str, flag: str) -> list[dict]:
    return [
        item
        for item in PROCESS[key]
        if (item.get("added_by") or {}).get(flag) == "high" and item.get("kind", kind) == kind
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("flag", ["scope", "impact", "risk"])
def test_each_high_rubric_answer_adds_its_items_to_a_small_project(
    render, kind: str, flag: str
) -> None:
    """Each high answer brings its items whatever the size; a moderate one does not."""
    lists = set(PROCESS) - {"stages"}
    assert {k for k in lists for i in PROCESS[k] if i.get("added_by")} <= set(RUBRIC_PLACES)
    expected = {key: added_by(key, kind, flag) for key in RUBRIC_PLACES}
    assert any(expected.values()), f"a high {flag} adds nothing to a {kind}"
    high, moderate = (
        render(**ANSWERS, project_kind=kind, project_size="small", **{f"size_{flag}": rating})
        for rating in ("high", "moderate")
    )
    for key, items in expected.items():
        for item in items:
            assert RUBRIC_PLACES[key](high, item), (key, item["text"])
            assert not RUBRIC_PLACES[key](moderate, item), (key, item["text"])


def test_small_work_with_high_effort_gets_a_roadmap_and_its_epic(render) -> None:
    """A roadmap names an epic per phase, so the epic template comes with it."""
    project = render(**ANSWERS, project_size="small", size_scope="high")
    assert (project / "docs/roadmap.md").is_file()
    assert (project / ".github/ISSUE_TEMPLATE/epic.md").is_file()
    planning = sections((project / "docs/lifecycle.md").read_text())["Planning"]
    assert "(../.github/ISSUE_TEMPLATE/epic.md)" in planning and "(roadmap.md)" in planning
    assert "epic issue" in (project / "docs/roadmap.md").read_text()
    assert not (render(**ANSWERS, project_size="small") / ".github/ISSUE_TEMPLATE/epic.md").exists()


def test_ui_projects_test_and_release_accessibility(projects) -> None:
    for size in SIZES:
        with_ui, without = projects["service", size, True], projects["service", size, False]
        assert "Accessibility" in headings(with_ui / "docs/test-plan.md")
        assert "Accessibility" not in headings(without / "docs/test-plan.md")
        items = checklist(with_ui / "docs/release-checklist.md", "Items")
        assert any("accessibility" in item for item in items), size


def test_handbook_duties_have_a_place(projects) -> None:
    """Timely reviews, RFCs shared beyond the team, and when a design note replaces the RFC."""
    project = projects["service", "medium", True]
    pr = sections((project / ".github/PULL_REQUEST_TEMPLATE.md").read_text())
    assert "within one working day" in pr["Review"]
    rfc = (project / FIRST / "rfc.md").read_text()
    assert "outside the owning team" in sections(rfc)["Review"]
    assert "announcement or discussion" in sections(rfc)["Review"]
    lifecycle_md = (project / "docs/lifecycle.md").read_text()
    assert "design note may stand in for the RFC" in lifecycle_md
    assert "within one working day" in sections(lifecycle_md)["Implementation"]


def test_who_when_done_are_written_once(projects) -> None:
    """The map shows each kit document's lines exactly as the document does."""
    project = projects["service", "large", True]
    lifecycle_md = (project / "docs/lifecycle.md").read_text()
    for name in ("shaping.md", "rfc.md", "design.md"):
        lines = re.findall(r"^- \*\*(?:Who|When|Done when):\*\* .+$",
                           (project / FIRST / name).read_text(), flags=re.M)  # fmt: skip
        assert len(lines) == 3
        for line in lines:
            assert line in lifecycle_md, (name, line)


WRITTEN_BY_HAND = re.compile(r"\b(?:Who|When|Done when):(?!(?:\*\*)? ?\{)")
"""A who, when or done-when label followed by text rather than a Jinja or f-string field."""


def test_no_template_writes_who_when_or_done_itself(template_folder: Path) -> None:
    """Every who/when/done line is an item of process.yml; templates only fill it in."""
    found = []
    # The files git would commit: a checkout's ignored caches (__pycache__) are not the template.
    for path in sorted((template_folder / "template").rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if WRITTEN_BY_HAND.search(line):
                found.append(f"{path.relative_to(template_folder)}:{number}: {line.strip()[:80]}")
    assert not found, "who/when/done written in a template:\n" + "\n".join(found)
    assert WRITTEN_BY_HAND.search("- **Who:** the author of the change.")  # the check can fail
    assert WRITTEN_BY_HAND.search("<!-- Who: whoever finds the bug. -->")


def duty_values(size: str) -> dict[str, str]:
    """What the placeholders of a duty become in a project rendered with ANSWERS."""
    cadence = process.process_items("test_plan_cadence", size)[-1]
    return {
        "cadence_who": cadence["who"],
        "cadence_run": cadence["run"],
        "cadence": cadence["text"],
        "owner": ANSWERS["owner"],  # a plain handle: the same escaped as Markdown
    }


def duty_forms(item: dict, values: dict[str, str]) -> tuple[str, str, str]:
    """A duty's lines as a Markdown list, a one-line sentence (issue templates), a marked list."""
    who, when, done = (item[key] for key in ("who", "when", "done"))
    for name, value in values.items():
        who, when, done = (t.replace("{" + name + "}", value) for t in (who, when, done))
    mark = f" {tool.DUTY_MARK}"  # a team document's lines are marked process text
    return (
        f"- **Who:** {who}\n- **When:** {when}\n- **Done when:** {done}\n",
        f"Who: {who} When: {when} Done when: {done}",
        f"- **Who:** {who}{mark}\n- **When:** {when}{mark}\n- **Done when:** {done}{mark}\n",
    )


@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_every_rendered_who_line_is_a_process_item(
    projects, kind: str, size: str, ui: bool
) -> None:
    """Each "Who:" in a generated file starts the lines of a duty or kit document of process.yml."""
    project = projects[kind, size, ui]
    values = duty_values(size)
    items = process.process_items("stage_duties", "large", True, kind)
    items += process.process_items("work_kit", "large", True, kind)
    forms = [form for item in items for form in duty_forms(item, values)]
    cadence = process.process_items("test_plan_cadence", size)[-1]
    reminder = cadence.get("reminder_who", cadence["who"]).replace("{plan_owner}", "$plan_owner")
    forms.append(f"Who: {reminder.replace('{owner}', ANSWERS['owner'])}.")  # the reminder issue
    skipped = {"tools/lifecycle.py", ".lifecycle/process.json"}  # the renderer and its data
    checked = 0
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if not path.is_file() or relative in skipped or ".venv" in path.parts:
            continue
        text = path.read_text()
        for match in re.finditer(r"(?:- \*\*)?Who:", text):
            start = match.start()
            assert any(text.startswith(form, start) for form in forms), (
                f"{relative}: {text[start : start + 120]!r} is not a process item's lines"
            )
            checked += 1
        assert text.count("Done when:") <= text.count("Who:"), relative
    assert checked >= 12


@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_every_duty_opens_its_document_and_is_on_the_map(
    projects, kind: str, size: str, ui: bool
) -> None:
    """One item, the same lines in docs/lifecycle.md and at the top of the file it names."""
    project = projects[kind, size, ui]
    lifecycle_md = (project / "docs/lifecycle.md").read_text()
    values = duty_values(size)
    duties = process.process_items("stage_duties", size, ui, kind)
    assert {item["stage"] for item in duties} >= set(STAGES) - {"Design"}
    for name in dict.fromkeys(item["text"] for item in duties):
        item = [i for i in duties if i["text"] == name][-1]  # a larger size replaces the line
        listed, sentence, marked = duty_forms(item, values)
        assert f"{name}:\n\n{listed}" in lifecycle_md, name
        if item.get("path"):
            text = (project / item["path"]).read_text()
            assert any(form in text for form in (listed, sentence, marked)), (name, item["path"])


def test_sections_added_by_size_keep_reading_order(projects) -> None:
    found = headings(projects["service", "large", False] / FIRST / "shaping.md")
    assert found.index("Appetite") < found.index("Done when") < found.index("Success metrics")


@pytest.mark.parametrize("size", SIZES)
def test_test_plan_cadence_and_roles_come_from_one_place(projects, size: str) -> None:
    project = projects["library", size, False]
    cadence = process.process_items("test_plan_cadence", size)[-1]
    who = cadence["who"].replace("{owner}", ANSWERS["owner"])
    plan = (project / "docs/test-plan.md").read_text()
    validate = sections((project / "docs/lifecycle.md").read_text())["Validate"]
    workflow = (project / ".github/workflows/test-plan.yml").read_text()
    for text in (plan, validate):
        assert cadence["text"] in text and cadence["run"] in text and who in text
    assert f"it runs {cadence['text']}" in workflow  # the check (VAL07) decides when
    # The reminder's issue names who the plan names: its Owner section from medium up.
    reminder = cadence.get("reminder_who", cadence["who"])
    assert f"Run {cadence['run']} in" in workflow
    assert (
        "Who: "
        + reminder.replace("{owner}", ANSWERS["owner"]).replace("{plan_owner}", "$plan_owner")
        in workflow
    )
    assert ("$plan_owner" in workflow) == (size != "small")
    if size == "small":  # a small plan has no cases: nobody is asked to run them
        assert "Test cases" not in headings(project / "docs/test-plan.md")
        assert "every test case" not in plan + workflow and "every case" not in workflow


@pytest.mark.parametrize(("kind", "size", "ui"), MATRIX)
def test_every_place_a_checklist_names_exists(projects, kind: str, size: str, ui: bool) -> None:
    """A file or `(file, Section)` an item names is in the project, so the item can be done."""
    project = projects[kind, size, ui]
    items = checklist(project / "docs/release-checklist.md", "Items")
    items += checklist(project / "docs/production-readiness.md", "Checklist")
    items += checklist(project / ".github/PULL_REQUEST_TEMPLATE.md", "Lifecycle checklist")
    assert items
    for item in items:
        for path in re.findall(r"\b(docs/[\w./-]+\.md)\b", item):
            assert (project / path).is_file(), (path, item)
        for path, title in re.findall(r"\((docs/[\w./-]+\.md), ([A-Z][\w -]+)\)", item):
            assert title in headings(project / path), (path, title, item)
