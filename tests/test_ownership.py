"""The ownership model is written down once in copier.yml and documented to match."""

from __future__ import annotations

import jinja2
import yaml

from .conftest import ROOT, team_owned_paths

# The team-owned paths: the lifecycle documents a team fills in, its code, and the
# documentation site's pages (docs/conf.py stays process-owned).
CONTRACT_TEAM_OWNED = {
    "README.md",
    "pyproject.toml",
    "LICENSE",
    "src/**",
    "tests/**",
    "docs/work/**",
    # Where repositories made before docs/work/ keep their first piece's documents.
    "docs/shaping.md",
    "docs/rfcs/0001-initial-design.md",
    "docs/design.md",
    "docs/roadmap.md",
    "docs/test-plan.md",
    "docs/production-readiness.md",
    "docs/infrastructure-request.md",
    "docs/runbook.md",
    "docs/index.md",
    "docs/reference/api.md",
}
# Kept out of `_skip_if_exists`: as skip patterns they cost one `git apply
# --exclude` per team file on every update; `_exclude` already keeps updates out.
CODE_SKELETON = {"src/**", "tests/**"}


def copier_yml() -> dict:
    return yaml.safe_load((ROOT / "copier.yml").read_text())


def updating_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Updating\n")
    return readme[start : readme.index("\n## ", start + 1)]


def test_team_owned_files_are_exactly_the_contract() -> None:
    assert team_owned_paths() == CONTRACT_TEAM_OWNED


def test_copy_and_recopy_keep_the_same_team_files_except_the_code_skeleton() -> None:
    """`_skip_if_exists` is the team-owned list without src/** and tests/**."""
    assert set(copier_yml()["_skip_if_exists"]) == CONTRACT_TEAM_OWNED - CODE_SKELETON


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


def test_exclusions_apply_to_updates_only() -> None:
    """A new repository gets every file; an update never renders src/, tests/ or the
    pieces of work, and the old version's render (what copier compares against) has no
    team-owned file."""
    assert excluded("copy", old_render=False) == set()
    made_once = CODE_SKELETON | {"docs/reference/api.md", "docs/work"}
    assert excluded("update", old_render=False) == made_once
    assert excluded("update", old_render=True) == CONTRACT_TEAM_OWNED | {"docs/work"}


def test_readme_ownership_table_lists_every_team_owned_path() -> None:
    section = updating_section()
    missing = [path for path in sorted(team_owned_paths()) if f"`{path}`" not in section]
    assert not missing, f"README 'Updating' table lacks {missing}"


def test_migrations_never_use_a_shell_string() -> None:
    migrations = copier_yml().get("_migrations") or []
    for migration in migrations:
        command = migration["command"] if isinstance(migration, dict) else migration
        assert isinstance(command, list), migration
