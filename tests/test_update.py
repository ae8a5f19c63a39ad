"""`copier update` delivers process changes and never loses a line a team wrote.

Two real template versions are built once per session in a temporary git repo
(v1 = this working tree, v2 = v1 + ``PROCESS_CHANGES``). Projects are rendered
from v1 with copier, committed, edited like a team would (``USER_EDITS``),
committed again and updated to v2 with the real ``copier update --conflict
inline`` command line.

A new kind of process change or team edit is one line. For example, once the
lifecycle documents exist::

    AddText("extensions/process.yml", "  - text: Rotate the deploy keys\n    min_size: large",
            after="release_checklist:",
            delivered=(Expect("docs/release-checklist.md", "Rotate the deploy keys",
                              sizes=("large",)),)),
    AddText("template/docs/test-plan.md.jinja", "## Accessibility\n", after="## Scope",
            fresh_only=(Expect("docs/test-plan.md", "## Accessibility"),)),

    UserEdit("docs/test-plan.md", "| 2026-11-27 | checkout | pass | @ana |",
             after="## Execution log"),
    UserEdit("docs/work/0001-acme-billing/rfc.md", "We chose Postgres.", after="## Decision",
             sizes=("medium", "large")),
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import GIT_IDENTITY, SIZES, copier_cli, run, team_owned_paths, uv
from .update_harness import (
    CONFLICT_START,
    NEWEST_ENTRY_AFTER,
    AddFile,
    AddText,
    Expect,
    MoveFile,
    TemplateRepo,
    UserEdit,
    build_history_repo,
    build_template_repo,
    ci_commands,
    commit_all,
    conflicted,
    copy_project,
    generated_files,
    insert_text,
)

V2_CHANGELOG = "## 2.0.0\n\n### Process changes\n- Docstrings are required in src/ (ruff rule D).\n"

PROCESS_CHANGES = (
    # The release's own CHANGELOG entry: the update message shows its text.
    AddText("CHANGELOG.md", "\n" + V2_CHANGELOG, after=NEWEST_ENTRY_AFTER),
    # A new rule in a process-owned file the team also edited (elsewhere).
    AddText(
        "template/ruff.toml",
        '# v2: docstrings are required in src/ (rule D), see CHANGELOG "2.0.0".',
        after="select = ",
        delivered=(Expect("ruff.toml", "# v2: docstrings are required in src/ (rule D)"),),
    ),
    # A process-owned file the team never touches.
    AddText(
        "template/.pre-commit-config.yaml",
        "# v2: run `uv run pre-commit install` once per clone.",
        after="# your editor use the same versions",
        delivered=(Expect(".pre-commit-config.yaml", "# v2: run `uv run pre-commit install`"),),
    ),
    # The same spot as a team edit: a conflict, never a silent overwrite.
    AddText(
        "template/.gitignore",
        "*.sqlite3",
        delivered=(Expect(".gitignore", "*.sqlite3"),),
    ),
    # A new section in a user-owned file: new projects get it, existing ones keep theirs.
    AddText(
        "template/README.md.jinja",
        "## Support\n\nAsk in the owning team's channel before opening an issue.\n",
        after="## Contributing",
        fresh_only=(Expect("README.md", "## Support"),),
    ),
    # A new process file.
    AddFile(
        "template/.github/SUPPORT.md",
        "# Getting help\n\nAsk the owning team first; process questions go to the template.\n",
        delivered=(Expect(".github/SUPPORT.md", "# Getting help"),),
    ),
    # The typical process change: one new item in extensions/process.yml.
    AddText(
        "extensions/process.yml",
        "  - text: The rollback plan is written down and was tried on the release candidate.\n"
        "    phase: candidate\n"
        "    min_size: small",
        after="release_checklist:",
        delivered=(
            Expect("docs/release-checklist.md", "The rollback plan is written down"),
            Expect(".lifecycle/process.json", "The rollback plan is written down"),
        ),
    ),
    # A new section in a user-owned document: the update's `tools/lifecycle.py sync`
    # adds it to existing projects, as a placeholder, changing no team line.
    AddText(
        "extensions/process.yml",
        "  - title: Accessibility checks\n    min_size: small\n"
        '    text: "_TODO: keyboard-only and screen-reader checks for each flow._"',
        after="test_plan_sections:",
        delivered=(Expect("docs/test-plan.md", "## Accessibility checks"),),
    ),
    # A renamed process-owned file: the migration carries the team's edits along.
    MoveFile(
        ".github/workflows/ci.yml",
        ".github/workflows/checks.yml",
        version="v2.0.0",
        text="      - name: Build\n        run: uv build\n",
        delivered=(Expect(".github/workflows/checks.yml", "run: uv build"),),
    ),
)

CODE_EDITS = (
    UserEdit(
        "src/{package}/client.py",
        '"""HTTP client for the billing API."""\n\nTIMEOUT_SECONDS = 5.0\n',
        new_file=True,
    ),
    UserEdit(
        "tests/unit/test_client.py",
        "from importlib import import_module\n\n\n"
        "def test_timeout_is_short() -> None:\n"
        '    assert import_module("{package}.client").TIMEOUT_SECONDS < 10\n',
        new_file=True,
    ),
)
"""A new module and its test: the team's code, which an update never touches."""

USER_EDITS = (
    UserEdit("README.md", "## Runbook\n\nPage #acme-oncall before every deploy.\n"),
    UserEdit("pyproject.toml", '  "httpx>=0.27",', after="dependencies = ["),
    *CODE_EDITS,
    UserEdit(
        ".github/workflows/ci.yml",
        "      - name: Audit licences\n        run: uv run python -m pip list\n",
        after="persist-credentials: false",
    ),
    UserEdit("ruff.toml", '"scripts/**" = ["T201"]'),
    UserEdit(".gitignore", "/local-data/", conflicts=True),
    UserEdit(
        "docs/work/0001-acme-billing/shaping.md",
        "Finance closes the books on the 3rd working day.",
        after="## ",
    ),
    UserEdit(
        "docs/test-plan.md", "- [ ] An invoice downloads as a PDF.", after="## Smoke checklist"
    ),
    UserEdit(
        "docs/test-plan.md",
        "| 2026-11-20 | 3f2c1aa | staging | @ana | pass | none |",
        after="| -- | -- | -- | -- | -- | -- |",
        sizes=("medium", "large"),
    ),
    UserEdit(
        "docs/work/0001-acme-billing/rfc.md",
        "We keep the ledger in Postgres and publish invoice events.",
        after="## Summary",
        sizes=("medium", "large"),
    ),
    UserEdit("docs/release-checklist.md", "- [ ] Tell the finance team in #billing-news."),
    UserEdit(
        ".github/workflows/deploy.yml",
        "# Our own deploy workflow.\nname: Deploy\non: workflow_dispatch\n",
        new_file=True,
    ),
)

# Each test renders projects and runs copier several times.
pytestmark = pytest.mark.slow

ANSWERS = {"project_name": "Acme Billing", "project_kind": "service"}


@pytest.fixture(scope="module", autouse=True)
def _throwaway_git_identity() -> Iterator[None]:
    """Give copier's in-process git calls the tests' throwaway identity and no git config,
    as ``run`` gives every subprocess: nothing depends on this machine's git setup."""
    saved = {key: os.environ.get(key) for key in GIT_IDENTITY}
    os.environ.update(GIT_IDENTITY)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    return build_template_repo(tmp_path_factory.mktemp("template") / "lifecycle", PROCESS_CHANGES)


def package_of(project: Path) -> str:
    return answer(project, "package_name")


def answer(project: Path, name: str) -> str:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())[name]


def edits_for(project: Path) -> list[UserEdit]:
    """The ``USER_EDITS`` that apply to this project's size."""
    return [edit for edit in USER_EDITS if answer(project, "project_size") in edit.sizes]


def edit_and_commit(project: Path) -> dict[str, str]:
    """Apply ``USER_EDITS``; return every tracked file's committed content."""
    package = package_of(project)
    for edit in edits_for(project):
        edit.apply(project, package)
    commit_all(project, "Our own work")
    return {name: (project / name).read_text() for name in generated_files(project)}


def update(project: Path, *args: str, check: bool = True):
    return copier_cli("update", "--trust", "--defaults", "--conflict", "inline", *args,
                  cwd=project, check=check)  # fmt: skip


@pytest.fixture(scope="module")
def updated(template_repo: TemplateRepo, tmp_path_factory: pytest.TempPathFactory):
    """Per size: (project after update, its files before the update, update output, fresh v2)."""
    results = {}
    for size in SIZES:
        base = tmp_path_factory.mktemp(f"update-{size}")
        answers = {**ANSWERS, "project_size": size}
        project = copy_project(template_repo.path, template_repo.v1, base / "acme-billing", answers)
        before = edit_and_commit(project)
        output = update(project)
        fresh = copy_project(template_repo.path, template_repo.v2, base / "fresh" / "acme-billing",
                       answers)  # fmt: skip
        results[size] = (project, before, output.stdout + output.stderr, fresh)
    return results


def user_lines_by_file(project: Path, moves: dict[str, str]) -> Iterator[tuple[str, str]]:
    package = package_of(project)
    for edit in edits_for(project):
        path = edit.resolved(package)
        for line in edit.written(package).splitlines():
            if line.strip():
                yield moves.get(path, path), line


@pytest.mark.parametrize("size", SIZES)
def test_process_change_reaches_every_process_owned_file(updated, template_repo, size) -> None:
    project, _, _, _ = updated[size]
    for expect in template_repo.delivered(size):
        assert expect.line in (project / expect.path).read_text(), expect


@pytest.mark.parametrize("size", SIZES)
def test_user_owned_files_are_not_touched(updated, template_repo, size) -> None:
    project, before, _, fresh = updated[size]
    for expect in template_repo.fresh_only(size):
        assert expect.line in (fresh / expect.path).read_text(), f"fresh copy lacks {expect}"
        assert (project / expect.path).read_text() == before[expect.path]
    package = package_of(project)
    for name in ("README.md", "pyproject.toml", "LICENSE", f"src/{package}/client.py"):
        assert (project / name).read_text() == before[name], name


@pytest.mark.parametrize("size", SIZES)
def test_every_user_line_survives(updated, template_repo, size) -> None:
    project, _, _, _ = updated[size]
    for path, line in user_lines_by_file(project, template_repo.moves):
        assert line in (project / path).read_text().splitlines(), (path, line)


@pytest.mark.parametrize("size", SIZES)
def test_conflicts_only_where_both_sides_changed_the_same_lines(updated, size) -> None:
    project, _, _, fresh = updated[size]
    expected = {edit.path for edit in edits_for(project) if edit.conflicts}
    found = {
        name
        for name in generated_files(project)
        if (project / name).exists() and conflicted((project / name).read_text())
    } | {name for name in _untracked(project) if conflicted((project / name).read_text())}
    assert found == expected
    for name in expected:
        text = (project / name).read_text()
        assert CONFLICT_START in text
    # A process-owned file nobody edited is exactly what a new project gets.
    for name in (".pre-commit-config.yaml", ".github/dependabot.yml"):
        assert (project / name).read_text() == (fresh / name).read_text(), name


def _untracked(project: Path) -> list[str]:
    out = run(["git", "ls-files", "--others", "--exclude-standard", "-z"], project).stdout
    return [name for name in out.split("\0") if name]


@pytest.mark.parametrize("size", SIZES)
def test_migration_moved_the_renamed_file_with_the_team_edits(updated, size) -> None:
    project, _, output, _ = updated[size]
    old, new = project / ".github/workflows/ci.yml", project / ".github/workflows/checks.yml"
    assert not old.exists()
    workflow = yaml.safe_load(new.read_text())  # merged cleanly, still valid YAML
    steps = [step.get("name") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "Audit licences" in steps  # the team's step
    assert "Build" in steps  # the template's new step
    assert "moved .github/workflows/ci.yml to .github/workflows/checks.yml" in output


@pytest.mark.parametrize("size", SIZES)
def test_answers_file_is_at_v2_and_message_names_both_versions(updated, size) -> None:
    project, _, output, _ = updated[size]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v2.0.0"
    assert answers["project_size"] == size
    assert "moved from lifecycle template v1.0.0 to v2.0.0." in output
    assert "CHANGELOG.md, versions after v1.0.0):\n\n## 2.0.0\n" in output


def test_updated_project_still_passes_ruff(updated) -> None:
    project, _, _, _ = updated["small"]
    run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)


# ------------------------------------------------------------- random edits
def random_edits(project: Path, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Insert or replace ``count`` lines at random spots; return (file, new line) pairs."""
    candidates = [
        name
        for name in generated_files(project)
        if name != ".copier-answers.yml" and "\0" not in (project / name).read_text()
    ]
    made = []
    for number in range(count):
        name = rng.choice(candidates)
        path = project / name
        lines = path.read_text().splitlines(keepends=True)
        line = f"# team note {rng.randrange(10**6)}-{number}\n"
        position = rng.randrange(len(lines) + 1)
        replaceable = position < len(lines) and not lines[position].startswith("# team note")
        if replaceable and rng.random() < 0.4:
            lines[position] = line  # change an existing line
        else:
            lines.insert(position, line)
        path.write_text("".join(lines))
        made.append((name, line.rstrip("\n")))
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_line_edits_survive_an_update(template_repo, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    size = SIZES[seed % len(SIZES)]
    kind = rng.choice(["service", "library"])
    answers = {**ANSWERS, "project_kind": kind, "project_size": size}
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", answers)
    made = random_edits(project, rng, count=25)
    commit_all(project, "Random edits")
    update(project)
    for name, line in made:
        path = project / template_repo.moves.get(name, name)
        assert line in path.read_text().splitlines(), (seed, name, line)
    edited = {template_repo.moves.get(name, name) for name, _ in made}
    for name in generated_files(project):
        path = project / name
        if name not in edited and path.exists():
            assert not conflicted(path.read_text()), (seed, name)


# ---------------------------------------------------------- recopy, downgrade
def test_recopy_keeps_user_owned_files_and_resets_process_owned_ones(
    template_repo, tmp_path: Path
) -> None:
    """docs/how-to/updating.md: recopy re-renders from scratch with the recorded answers."""
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    settings = project / "src/acme_billing/settings.py"
    template_settings = settings.read_text()
    settings.write_text(template_settings + "# our own setting\n")
    before = edit_and_commit(project)
    result = copier_cli("recopy", "--trust", "--defaults", "--overwrite", cwd=project)
    # docs/how-to/updating.md: recopy writes the skeleton's files over the team's.
    assert settings.read_text() == template_settings
    assert "Copying from template version 2.0.0" in result.stderr
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2.0.0"
    # User-owned: kept as the team left them.
    assert (project / "README.md").read_text() == before["README.md"]
    assert (project / "pyproject.toml").read_text() == before["pyproject.toml"]
    # Process-owned: the template's v2 text; the team's edits are gone (git has them).
    ruff_toml = (project / "ruff.toml").read_text()
    assert "# v2: docstrings are required" in ruff_toml
    assert '"scripts/**"' not in ruff_toml
    # No migrations, no deletions: the old workflow stays beside the new one.
    assert (project / ".github/workflows/ci.yml").read_text() == before[".github/workflows/ci.yml"]
    assert (project / ".github/workflows/checks.yml").is_file()
    assert not any(conflicted((project / n).read_text()) for n in generated_files(project))


def test_downgrade_is_refused_and_leaves_the_project_alone(template_repo, tmp_path: Path) -> None:
    project = copy_project(template_repo.path, template_repo.v2, tmp_path / "acme-billing", ANSWERS)
    head = run(["git", "rev-parse", "HEAD"], project).stdout
    result = update(project, "--vcs-ref", template_repo.v1, check=False)
    assert result.returncode != 0
    assert "Downgrades are not supported" in result.stderr
    assert run(["git", "status", "--porcelain"], project).stdout == ""
    assert run(["git", "rev-parse", "HEAD"], project).stdout == head


def test_update_refuses_a_dirty_worktree(template_repo, tmp_path: Path) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    (project / "ruff.toml").write_text("# uncommitted\n")
    result = update(project, check=False)
    assert result.returncode != 0
    assert "Destination repository is dirty" in result.stderr
    assert (project / "ruff.toml").read_text() == "# uncommitted\n"


def test_untouched_project_updates_to_exactly_a_fresh_copy(template_repo, tmp_path: Path) -> None:
    """With no team edits, an update gives what `copier copy` of v2 gives.

    Except in user-owned files the template changed: those stay as v1 made them.
    """
    answers = {**ANSWERS, "project_size": "medium", "project_kind": "library"}
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", answers)
    kept = {
        expect.path: (project / expect.path).read_bytes()
        for expect in template_repo.fresh_only("medium")
    }
    update(project)
    fresh = copy_project(
        template_repo.path, template_repo.v2, tmp_path / "fresh" / "acme-billing", answers
    )
    on_disk = sorted(
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(project).parts
    )
    assert on_disk == generated_files(fresh)
    for name in on_disk:
        expected = kept[name] if name in kept else (fresh / name).read_bytes()
        assert (project / name).read_bytes() == expected, name


def test_overlapping_edits_in_a_moved_file_and_deleted_files(template_repo, tmp_path: Path) -> None:
    """Overlaps in a moved file become markers; deletions follow the ownership model.

    A deleted user-owned file comes back (copier recreates `_skip_if_exists`
    files); a deleted process-owned file stays deleted.
    """
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    workflow = project / ".github/workflows/ci.yml"
    workflow.write_text(
        workflow.read_text() + "      - name: Our smoke test\n        run: make smoke\n"
    )
    (project / "LICENSE").unlink()
    (project / ".pre-commit-config.yaml").unlink()
    commit_all(project, "Our own work")
    output = update(project)
    moved = (project / ".github/workflows/checks.yml").read_text()
    assert CONFLICT_START in moved
    assert "      - name: Our smoke test" in moved.splitlines()
    assert "        run: uv build" in moved.splitlines()
    assert "resolve the conflict markers in .github/workflows/checks.yml" in output.stderr
    assert (project / "LICENSE").is_file()
    assert not (project / ".pre-commit-config.yaml").exists()


def test_changing_the_kind_never_touches_the_code(template_repo, tmp_path: Path) -> None:
    """service -> library: the code skeleton is created once; src/ and tests/ stay as they are."""
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    settings = project / "src/acme_billing/settings.py"
    settings.write_text(settings.read_text() + "# our own setting\n")
    commit_all(project, "Our own work")
    team = team_files(project)
    update(project, "--data", "project_kind=library")
    assert answer(project, "project_kind") == "library"
    assert_team_files_kept(project, team)
    assert not (project / "src/acme_billing/core.py").exists()  # new repositories only
    assert not (project / "tests/unit/test_core.py").exists()
    assert run(["git", "status", "--porcelain", "--", "src", "tests"], project).stdout == ""


@pytest.mark.parametrize("kind", ["service", "library"])
def test_a_smaller_size_and_no_ui_keep_every_filled_in_document(
    template_repo, tmp_path: Path, kind: str
) -> None:
    """large with a UI -> small without: the RFC, roadmap and design note stay, as written."""
    answers = {**ANSWERS, "project_kind": kind, "project_size": "large", "has_ui": "true"}
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", answers)
    first = "docs/work/0001-acme-billing"  # the first piece of work, sized large, with a UI
    documents = (f"{first}/rfc.md", "docs/roadmap.md", f"{first}/design.md")
    for name in documents:
        insert_text(project / name, "\nStatus: Accepted by the architecture review.\n", None)
    commit_all(project, "Our decisions")
    team = team_files(project)
    output = update(project, "--data", "project_size=small", "--data", "has_ui=false")
    assert (answer(project, "project_size"), answer(project, "has_ui")) == ("small", False)
    assert_team_files_kept(project, team)
    kept = (output.stdout + output.stderr).split("Kept:", 1)[1].split("\n\n", 1)[0]
    assert "an update never\ndeletes yours" in kept
    # The repository-level documents the new size lacks, and the first piece's design
    # note now that nothing users see changes (a piece keeps its own size: its RFC stays
    # called for).
    repository_level = ["docs/roadmap.md"] + (["docs/runbook.md"] if kind == "service" else [])
    listed = [line.strip() for line in kept.splitlines() if line.startswith("  ")]
    assert listed == [*repository_level, f"{first}/design.md"]
    # The process-owned epic form belongs to medium and large: it goes.
    assert not (project / ".github/ISSUE_TEMPLATE/epic.md").exists()


def test_a_larger_size_creates_the_documents_it_calls_for(template_repo, tmp_path: Path) -> None:
    answers = {**ANSWERS, "project_size": "small"}
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", answers)
    shaping_note = project / "docs/work/0001-acme-billing/shaping.md"
    insert_text(shaping_note, "\nFinance closes the books on the 3rd.\n", None)
    commit_all(project, "Our shaping")
    shaping = shaping_note.read_bytes()
    output = update(project, "--data", "project_size=large")
    fresh = copy_project(template_repo.path, template_repo.v2, tmp_path / "fresh" / "acme-billing",
                   {**answers, "project_size": "large"})  # fmt: skip
    name = "docs/roadmap.md"  # a repository-level document that large calls for
    assert (project / name).read_bytes() == (fresh / name).read_bytes(), name
    # The first piece of work keeps its own size: no RFC appears in it, nothing changes.
    assert shaping_note.read_bytes() == shaping
    assert not (shaping_note.parent / "rfc.md").exists()
    created = (output.stdout + output.stderr).split("New documents", 1)[1].split("\n\n", 1)[0]
    assert "docs/roadmap.md" in created and "docs/work" not in created


def test_a_new_template_file_where_the_team_has_its_own(template_repo, tmp_path: Path) -> None:
    """v2 adds .github/SUPPORT.md; this team already wrote one: theirs stays, v2's goes beside."""
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    ours = "# Support\n\nCall the billing on-call phone.\n"
    (project / ".github/SUPPORT.md").write_text(ours)
    commit_all(project, "Our support page")
    output = update(project)
    message = output.stdout + output.stderr
    assert (project / ".github/SUPPORT.md").read_text() == ours
    beside = project / ".github/SUPPORT.md.from-template"
    assert beside.read_text() == (template_repo.path / "template/.github/SUPPORT.md").read_text()
    assert "Beside your own files, the template's version of each" in message
    assert "\n  .github/SUPPORT.md.from-template\n" in message
    assert not conflicted((project / ".github/SUPPORT.md").read_text())
    assert ".github/SUPPORT.md" not in run(["git", "diff", "--name-only", "HEAD"], project).stdout
    guard = run([sys.executable, "tools/check_leftovers.py"], project, check=False)
    assert guard.returncode == 1
    assert guard.stdout.splitlines()[0] == (
        ".github/SUPPORT.md.from-template: the template's version of .github/SUPPORT.md; "
        "merge it in, then delete it"
    )


@pytest.mark.parametrize("size", SIZES)
def test_message_shows_changelog_conflicts_and_versions(updated, size) -> None:
    _, _, output, _ = updated[size]
    assert V2_CHANGELOG.strip() in output  # the entry's own text
    assert "## 1.0.0" not in output  # the version the project came from is not repeated
    conflicts = output.split("Conflicts:", 1)[1].split("\n\n", 1)[0]
    assert conflicts.splitlines()[-1] == "  .gitignore"


@pytest.mark.parametrize("size", SIZES)
def test_check_leftovers_names_each_conflicted_file_once(updated, size) -> None:
    """Copier records a conflicted file in three index stages; the guard says it once."""
    project, _, _, _ = updated[size]
    stages = run(["git", "ls-files", "--stage", "--", ".gitignore"], project).stdout.splitlines()
    assert len(stages) == 3
    guard = run([sys.executable, "tools/check_leftovers.py"], project, check=False)
    assert guard.returncode == 1
    lines = [line for line in guard.stdout.splitlines() if line.startswith(".gitignore")]
    assert len(lines) == 1 and "conflict markers on lines" in lines[0]


def test_a_deleted_file_stays_deleted_when_the_template_moves_it(
    template_repo, tmp_path: Path
) -> None:
    project = copy_project(template_repo.path, template_repo.v1, tmp_path / "acme-billing", ANSWERS)
    (project / ".github/workflows/ci.yml").unlink()
    commit_all(project, "We run CI elsewhere")
    output = update(project)
    assert not (project / ".github/workflows/ci.yml").exists()
    assert not (project / ".github/workflows/checks.yml").exists()
    assert "you had deleted .github/workflows/ci.yml" in output.stderr


# ------------------------------------------------------------------ history
# Real earlier commits of this repository, as teams got them: the first with
# update support (no docs site, a settings-only service) and the one that
# added the service skeleton and the docs site.
HISTORY = {"0.1.0": "5edff5f", "0.2.0": "f274545"}
NEW = "9.0.0"  # the working tree, above any real release

TEAM_WORK = (
    UserEdit("README.md", "\n## Runbook\n\nPage the on-call engineer before every deploy.\n"),
    UserEdit("docs/shaping.md", "\nFinance closes the books on the 3rd working day.\n"),
    UserEdit("docs/test-plan.md", "\n- [ ] An invoice downloads as a PDF.\n"),
    *CODE_EDITS,
    UserEdit(
        ".github/workflows/deploy.yml",
        "name: Deploy\non: workflow_dispatch\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo deploy\n",
        new_file=True,
    ),
)


@pytest.fixture(scope="session")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_history_repo(tmp_path_factory.mktemp("history") / "lifecycle", HISTORY, NEW)


def data(answers: dict[str, str]) -> list[str]:
    return [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]


SYNCED_DOCUMENTS = ("docs/test-plan.md", "docs/production-readiness.md", "docs/work/")
"""Team documents the update's ``tools/lifecycle.py sync`` may add sections or items to."""


DUTY_MARK = b"<!-- process line: kept current by tools/lifecycle.py sync -->"
"""The end of a who, when or done-when line that ``sync`` keeps current (process text)."""


def without_process_lines(text: bytes, now: bytes) -> list[bytes]:
    """``text``'s lines less the process lines: the cadence line, and each duty line whose
    label (``- **Who:**``) ``now`` has as a marked line, as ``sync`` rewrites them."""
    marked = {line.split(b":** ")[0] for line in now.splitlines() if line.endswith(DUTY_MARK)}
    return [
        line
        for line in text.splitlines()
        if b"<!-- cadence:" not in line and line.split(b":** ")[0] not in marked
    ]


def assert_team_files_kept(project: Path, team: dict[str, bytes]) -> None:
    """Every team-owned file is as it was, except sections and checklist items the update's
    sync added to a team document (there every line the team had is still there, in order)
    and the process lines sync keeps current (the cadence line, marked who/when/done lines)."""
    for name, content in team.items():
        now = (project / name).read_bytes()
        if now == content:
            continue
        kept = without_process_lines(content, now)
        if name.startswith(SYNCED_DOCUMENTS):
            remaining = iter(now.splitlines())
            assert all(line in remaining for line in kept), name
        else:
            assert without_process_lines(now, now) == kept, name


def team_files(project: Path) -> dict[str, bytes]:
    """Every team-owned file the project has, with its content."""
    import pathspec

    spec = pathspec.PathSpec.from_lines("gitignore", team_owned_paths())
    return {
        name: (project / name).read_bytes()
        for name in generated_files(project)
        if spec.match_file(name)
    }


@pytest.mark.parametrize(
    ("tag", "answers", "changed"),
    [
        ("0.1.0", {"project_size": "medium"}, {}),
        # An old version without any protection, and every answer change at once.
        (
            "0.2.0",
            {"project_size": "large", "has_ui": "true"},
            {"project_size": "small", "has_ui": "false", "project_kind": "library"},
        ),
    ],
)
def test_a_repository_from_real_history_updates_and_passes_its_own_checks(
    history_repo: Path, tmp_path: Path, tag: str, answers: dict[str, str], changed: dict[str, str]
) -> None:
    project = tmp_path / "acme-billing"
    copier_cli("copy", "--trust", "--defaults", "--vcs-ref", tag,
               "--data", "project_name=Acme Billing", *data(answers), str(history_repo),
               str(project), cwd=tmp_path)  # fmt: skip
    run(["git", "init", "-q", "-b", "main"], project)
    commit_all(project, f"Start from the lifecycle template {tag}")
    for edit in TEAM_WORK:
        edit.apply(project, package_of(project))
    commit_all(project, "Our own work")
    team = team_files(project)

    output = update(project, "--vcs-ref", NEW, *data(changed))
    message = output.stdout + output.stderr

    # Not one team-owned file changed or went missing, whatever the answers.
    assert_team_files_kept(project, team)
    assert f"moved from lifecycle template {tag} to {NEW}" in message
    assert "## 1.0.0" in message  # the CHANGELOG entries in between, as text
    if changed:
        kept = message.split("Kept:", 1)[1].split("\n\n", 1)[0]
        for document in ("docs/design.md", "docs/roadmap.md", "docs/rfcs/0001-initial-design.md"):
            assert f"\n  {document}" in kept, document
    # No conflicts, nothing left beside, and the project's own checks all pass
    # (every command of its CI workflow, as CI runs them), with no hand edit.
    assert "Conflicts: none." in message
    commit_all(project, "Update to the lifecycle template")
    for script in ci_commands(project):
        run(["bash", "-euo", "pipefail", "-c", script], project)
    run([uv(), "run", "--quiet", "ruff", "format", "--check", "."], project)
