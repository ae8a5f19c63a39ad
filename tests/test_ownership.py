"""File ownership is written down in copier.yml, and everything else is checked against it.

copier.yml states it twice, because copier needs it twice and the file must
stay plain YAML and Jinja that older template versions can render:
`_skip_if_exists` (copy and recopy keep the team's file) and the team-owned
block of `_exclude` (the old version's render in an update leaves it out).
These tests hold the two lists equal, and hold every other place that names
owners to them: the update message's `team_owned`, the `ownership` of each file
in extensions/process.yml, the README table, RELEASING.md, and in rendered
projects `.github/CODEOWNERS` and docs/lifecycle.md's "Who owns which file"
table. No literal copy of the list lives here.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pathspec
import pytest
import yaml

from .conftest import ROOT, SIZES, TEST_ANSWERS, team_owned_paths
from .extension_modules import adopt
from .test_process import PROCESS
from .update_harness import add_migration

CODE_SKELETON = {"src/**", "tests/**"}
"""Team-owned but kept out of `_skip_if_exists`: as skip patterns they would cost one
`git apply --exclude` per team file on every update; `_exclude` already keeps updates out."""
MADE_ONCE = CODE_SKELETON | {"docs/reference/api.md", "docs/work"}
"""What `copier copy` renders and `copier update` never does (README: "Never touched")."""


def copier_yml() -> dict:
    return yaml.safe_load((ROOT / "copier.yml").read_text())


def skip_if_exists() -> set[str]:
    """The plain `_skip_if_exists` paths; templated ones depend on `existing_repo`."""
    return {path for path in copier_yml()["_skip_if_exists"] if "{" not in path}


# Files an adopted repository (existing_repo) had at adoption, as the answers file
# records them (`adoption_kept`): theirs is never changed; the rest is process-owned.
ADOPTED_REPO_KEEPS = {".github/ISSUE_TEMPLATE/bug.md", ".github/CODEOWNERS", "docs/lifecycle.md"}
# What an adopted repository never gets, on copy or update: code, packaging, site, tooling.
ADOPTED_REPO_NEVER = {
    "/src", "/tests", "pyproject.toml", "README.md", "LICENSE", "docs/conf.py",
    "docs/index.md", "/docs/reference", ".gitignore", ".pre-commit-config.yaml",
    ".mdformat.toml", "/ruff.toml", ".github/dependabot.yml", ".github/workflows/ci.yml",
    ".github/workflows/release.yml", ".github/workflows/test-plan.yml",
}  # fmt: skip


def test_adopted_repositories_keep_their_files() -> None:
    """Copier renders each `_skip_if_exists` entry as one pattern, with the answers: the
    recorded files are skipped and left out of every render; the process files are not."""
    templated = [path for path in copier_yml()["_skip_if_exists"] if "{" in path]
    assert len(templated) == len(adopt.ADOPTED_FILES)  # room for every file a host may have
    every = sorted(adopt.ADOPTED_FILES)
    for existing_repo, kept, expected in (
        (True, sorted(ADOPTED_REPO_KEEPS), ADOPTED_REPO_KEEPS),
        (True, every, set(every)),
        (True, [], set()),
        (False, [], set()),
    ):
        answers = {"existing_repo": existing_repo, "adoption_kept": kept}
        rendered = {
            jinja2.Environment().from_string(path).render(answers) for path in templated
        } - {""}
        assert rendered == expected
        for operation in ("copy", "update"):
            entries = copier_yml()["_exclude"]
            context = {"_copier_operation": operation, "_copier_conf": {"exclude": []}}
            lines = "\n".join(
                jinja2.Environment().from_string(entry).render(context, **answers)
                for entry in entries
            ).splitlines()
            never = (ADOPTED_REPO_NEVER | expected) if existing_repo else set()
            assert never <= {line.strip() for line in lines}, operation
            assert not (set(every) - expected) & {line.strip() for line in lines}


def excluded(operation: str, old_render: bool) -> set[str]:
    """What `_exclude` renders to; ``old_render``: in the old version's render of an update,
    where copier passes the new version's `_exclude` entries as `_copier_conf.exclude`."""
    entries = copier_yml()["_exclude"]
    conf = {"exclude": entries if old_render else []}
    rendered = "\n".join(
        jinja2.Environment()
        .from_string(entry)
        .render(_copier_operation=operation, _copier_conf=conf)
        for entry in entries
    )
    return {line.strip() for line in rendered.splitlines() if line.strip()}


def team_owned_spec() -> pathspec.PathSpec:
    """The team-owned paths as copier matches them (gitignore patterns)."""
    return pathspec.PathSpec.from_lines("gitignore", team_owned_paths())


def test_exclusions_apply_to_updates_only() -> None:
    """A new repository gets every file; an update never renders the skeleton, its API
    page or the pieces of work."""
    assert excluded("copy", old_render=False) == set()
    assert excluded("copy", old_render=True) == set()
    assert excluded("update", old_render=False) == MADE_ONCE


def test_the_old_render_leaves_out_exactly_the_skipped_files() -> None:
    """The team-owned block of `_exclude` lists `_skip_if_exists`, no more, no less: a path
    missing there is deleted by the first update whose new version stops rendering it."""
    block = excluded("update", old_render=True) - excluded("update", old_render=False)
    assert block, "the team-owned block of `_exclude` renders in the old version's render"
    assert block == skip_if_exists() - MADE_ONCE
    assert excluded("update", old_render=True) == skip_if_exists() | MADE_ONCE


def test_the_update_message_reads_the_same_team_owned_paths() -> None:
    """extensions/updates.py `team_owned` (the message's "never changes" list)."""
    assert team_owned_paths() == skip_if_exists() | CODE_SKELETON
    assert not skip_if_exists() & CODE_SKELETON


def readme_ownership_rows() -> dict[str, set[str]]:
    """The README's "Updating" table: owner ("you", "the template", "copier") -> paths."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Updating\n")
    section = readme[start : readme.index("\n## ", start + 1)]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            paths = {path for path in re.findall(r"`([^`\s]+)`", cells[0])}
            rows.setdefault(cells[1], set()).update(paths)
    return rows


def test_readme_table_lists_exactly_the_team_owned_paths() -> None:
    rows = readme_ownership_rows()
    assert set(rows) == {"you", "the template", "copier"}, "README 'Updating' table owners"
    assert rows["you"] == team_owned_paths(), "README 'Updating' table, rows owned by you"
    for path in rows["the template"]:
        assert owners_in_process_yml(path) == {"process"}, f"README: {path} (the template)"


def process_yml_files() -> list[dict]:
    """Every generated file process.yml names, with its `ownership`."""
    items = PROCESS["artefacts"] + PROCESS["tooling"]
    assert items and {item["ownership"] for item in items} == {"user", "process"}
    return items


def owners_in_process_yml(pattern: str) -> set[str]:
    """The `ownership` of every process.yml file the gitignore-style ``pattern`` matches."""
    spec = pathspec.PathSpec.from_lines("gitignore", [pattern])
    return {
        item["ownership"]
        for item in process_yml_files()
        if spec.match_file(item["path"] + ("any-file" if item["path"].endswith("/") else ""))
    }


def test_process_yml_ownership_is_what_copier_yml_does() -> None:
    """Each file's `ownership` in process.yml: user-owned files are the team-owned paths."""
    owned = team_owned_spec()
    for item in process_yml_files():
        path = item["path"] + ("any-file" if item["path"].endswith("/") else "")
        assert owned.match_file(path) is (item["ownership"] == "user"), item["path"]
    # The other way: a team-owned path process.yml does not name is one the template
    # no longer renders, kept for repositories made before (checked on rendered projects).
    assert team_owned_paths() - unnamed_team_owned_paths(), "process.yml names team files"


def unnamed_team_owned_paths() -> set[str]:
    """Team-owned paths no process.yml file matches: documents of older template versions."""
    return {path for path in team_owned_paths() if not owners_in_process_yml(path)}


def releasing_paths(kind: str) -> set[str]:
    """The paths RELEASING.md names in its "**Process-owned** (...)" or "**Team-owned** (...)"."""
    text = (ROOT / "RELEASING.md").read_text()
    match = re.search(rf"^- \*\*{kind}\*\* \((.*?)\):", text, flags=re.M | re.S)
    assert match, kind
    return set(re.findall(r"`([^`\s]+)`", match.group(1))) - {"copier.yml"}


def test_releasing_names_team_and_process_owned_files_as_copier_yml_does() -> None:
    owned = team_owned_spec()
    # Besides paths, the bullet names the settings and "the filled-in documents under docs/".
    team = releasing_paths("Team-owned") - {"_skip_if_exists", "_exclude", "docs/"}
    assert team and team <= team_owned_paths(), team - team_owned_paths()
    for path in team:
        assert owners_in_process_yml(path) == {"user"}, f"RELEASING.md: {path} (team-owned)"
    process = releasing_paths("Process-owned")
    assert process, "RELEASING.md names process-owned files"
    assert not [path for path in process if owned.match_file(path)]
    for path in process:
        assert owners_in_process_yml(path) == {"process"}, f"RELEASING.md: {path}"


# ------------------------------------------------------------- rendered projects
OWNERSHIP_MATRIX = [(size, ui) for size in SIZES for ui in (False, True)]


def project_files(project: Path) -> set[str]:
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def lifecycle_ownership_table(project: Path) -> dict[str, str]:
    """docs/lifecycle.md "Who owns which file": path (a folder ends in /) -> owner."""
    text = (project / "docs" / "lifecycle.md").read_text()
    table = text.split("\n## Who owns which file\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([^`]+)` \| (process|user|copier) \|", table, flags=re.M))


@pytest.mark.parametrize(("size", "ui"), OWNERSHIP_MATRIX)
def test_codeowners_lists_exactly_the_process_owned_files(render, size, ui) -> None:
    project = render(project_size=size, has_ui=ui)
    files = project_files(project) - {".copier-answers.yml"}
    owned = team_owned_spec()
    process_owned = {path for path in files if not owned.match_file(path)}
    rules = [
        line.split()
        for line in (project / ".github" / "CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules and all(owners == [TEST_ANSWERS["owner"]] for _, *owners in rules)
    listed = [path.removeprefix("/") for path, *_ in rules]
    assert len(listed) == len(set(listed))
    assert set(listed) == process_owned


@pytest.mark.parametrize(("size", "ui"), OWNERSHIP_MATRIX)
def test_lifecycle_map_names_the_owner_of_every_file(render, size, ui) -> None:
    """Every row is a file or folder the project has, and every file has a row (its own,
    or its folder's) with the owner copier.yml gives it."""
    project = render(project_size=size, has_ui=ui)
    rows = lifecycle_ownership_table(project)
    assert rows, "docs/lifecycle.md has an ownership table"
    for path in rows:
        assert (project / path).is_dir() if path.endswith("/") else (project / path).is_file()
    for item in process_yml_files():  # each file process.yml names has its own row
        assert item["path"] in rows or not (project / item["path"]).exists(), item["path"]
    owned = team_owned_spec()
    for path in project_files(project):
        owner = rows.get(path) or next(
            (rows[row] for row in rows if row.endswith("/") and path.startswith(row)), None
        )
        assert owner is not None, f"{path} is missing from the ownership table"
        expected = "copier" if path == ".copier-answers.yml" else "process"
        assert owner == ("user" if owned.match_file(path) else expected), path
    # The team-owned paths process.yml leaves out are documents of older versions only.
    older = pathspec.PathSpec.from_lines("gitignore", unnamed_team_owned_paths())
    assert not [path for path in project_files(project) if older.match_file(path)]


def shell_string_migrations(migrations: list[object]) -> list[object]:
    """The `_migrations` entries whose command is not a list: copier runs those through a
    shell, where an answer could run commands."""
    commands = [entry["command"] if isinstance(entry, dict) else entry for entry in migrations]
    return [entry for entry, command in zip(migrations, commands, strict=True)
            if not isinstance(command, list)]  # fmt: skip


def test_migrations_never_use_a_shell_string() -> None:
    migrations = copier_yml()["_migrations"]
    assert migrations, "copier.yml has migrations to check"
    assert shell_string_migrations(migrations) == []


def test_a_shell_string_migration_is_caught() -> None:
    shell = {"version": "v2.0.0", "command": "python3 move.py {{ project_name }}"}
    listed = {"version": "v2.0.0", "command": ["python3", "move.py"]}
    assert shell_string_migrations([listed, shell, "echo hi"]) == [shell, "echo hi"]


@pytest.mark.parametrize("layout", ["as it is", "no _migrations", "empty", "flow list"])
def test_the_update_tests_migration_is_list_form_and_changes_nothing_else(
    tmp_path: Path, layout: str
) -> None:
    """The harness's v2 move migration (tests/update_harness.py) is what RELEASING.md asks for,
    appended last whatever the layout of copier.yml, with every other setting unchanged."""
    before = copier_yml()
    existing = {"as it is": before["_migrations"], "no _migrations": None, "empty": [],
                "flow list": before["_migrations"]}[layout]  # fmt: skip
    assert before["_migrations"], "copier.yml has migrations to keep"
    text = (ROOT / "copier.yml").read_text()
    if layout != "as it is":
        start = text.index("\n_migrations:\n")
        end = text.index("\n_message_after_copy:")
        listed = (
            ""
            if existing is None
            else "_migrations: "
            + yaml.safe_dump(existing, default_flow_style=True, width=float("inf"))
        )
        text = text[: start + 1] + listed + text[end:]
    copier_yml_copy = tmp_path / "copier.yml"
    copier_yml_copy.write_text(text)
    assert yaml.safe_load(text).get("_migrations") == existing, "the layout under test"
    command = ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/migrations/move_file.py",
               "a \"quoted\" path.md", "b.md"]  # fmt: skip
    add_migration(copier_yml_copy, "v2.0.0", command)
    after = yaml.safe_load(copier_yml_copy.read_text())
    added = {"version": "v2.0.0", "command": command, "when": "{{ _stage == 'after' }}"}
    assert after["_migrations"] == [*(existing or []), added]
    assert shell_string_migrations(after["_migrations"]) == []
    # The same settings in the same order (copier asks the questions in file order).
    assert [k for k in after if k != "_migrations"] == [k for k in before if k != "_migrations"]
    assert {k: v for k, v in after.items() if k != "_migrations"} == {
        k: v for k, v in before.items() if k != "_migrations"
    }
