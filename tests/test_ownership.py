"""The ownership model is written down once in copier.yml and documented to match."""

from __future__ import annotations

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
    "docs/shaping.md",
    "docs/rfcs/0001-initial-design.md",
    "docs/design.md",
    "docs/roadmap.md",
    "docs/test-plan.md",
    "docs/production-readiness.md",
    "docs/infrastructure-request.md",
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


def test_team_owned_paths_are_excluded_from_updates_only() -> None:
    """A new repository gets every file; an update renders none of the team's."""
    entries = copier_yml()["_exclude"]
    assert len(entries) == 1 and '_copier_operation == "update"' in entries[0]


def test_readme_ownership_table_lists_every_team_owned_path() -> None:
    section = updating_section()
    missing = [path for path in sorted(team_owned_paths()) if f"`{path}`" not in section]
    assert not missing, f"README 'Updating' table lacks {missing}"


def test_migrations_never_use_a_shell_string() -> None:
    migrations = copier_yml().get("_migrations") or []
    for migration in migrations:
        command = migration["command"] if isinstance(migration, dict) else migration
        assert isinstance(command, list), migration
