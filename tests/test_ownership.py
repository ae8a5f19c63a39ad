"""The ownership model is written down once in copier.yml and documented to match."""

from __future__ import annotations

import yaml

from .conftest import ROOT

# The user-owned paths: the lifecycle documents a team fills in, its code, and the
# documentation site's pages (docs/conf.py stays process-owned).
CONTRACT_USER_OWNED = {
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
    "docs/index.md",
    "docs/reference/api.md",
}


def skip_if_exists() -> list[str]:
    return yaml.safe_load((ROOT / "copier.yml").read_text())["_skip_if_exists"]


def updating_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Updating\n")
    return readme[start : readme.index("\n## ", start + 1)]


def test_user_owned_files_are_exactly_the_contract() -> None:
    assert set(skip_if_exists()) == CONTRACT_USER_OWNED


def test_readme_ownership_table_lists_every_user_owned_path() -> None:
    section = updating_section()
    missing = [path for path in skip_if_exists() if f"`{path}`" not in section]
    assert not missing, f"README 'Updating' table lacks {missing}"


def test_migrations_never_use_a_shell_string() -> None:
    migrations = yaml.safe_load((ROOT / "copier.yml").read_text()).get("_migrations") or []
    for migration in migrations:
        command = migration["command"] if isinstance(migration, dict) else migration
        assert isinstance(command, list), migration
