"""`copier copy` produces a project that is green straight away, for every kind and size."""

from __future__ import annotations

import os
import re
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import (
    GIT_IDENTITY,
    KINDS,
    ROOT,
    SHARED_DEFAULTS,
    SIZES,
    copier_cli,
    copy_working_tree,
    editable_copy,
    git,
    outputs,
    run,
    uv,
)
from .extension_modules import process

# The documented answers API (README "Answers"). A new question must
# be added here and to the README, so the API never changes by accident.
ANSWERS_API = {
    "project_name",
    "package_name",
    "description",
    "owner",
    "project_kind",
    "has_ui",
    "size_scope",
    "size_impact",
    "size_risk",
    "project_size",
    "python_version",
    "license",
}
# Answers asked and recorded only under a condition (copier.yml `when`).
CONDITIONAL_API = {
    "design_link": "has_ui",
    # Asked only where the destination already holds a project (tests/test_adoption.py).
    "existing_repo": "_copier_conf.dst_path | asks_existing_repo(_copier_conf.answers_file)",
    # RFC sharing: asked from medium up, the category only with a repository.
    "rfc_repository": "project_size != 'small'",
    "rfc_category": "project_size != 'small' and rfc_repository != ''",
}
# Computed answers (copier.yml `when: false`): in the render context, never asked
# nor recorded, so they are no part of the answers API.
COMPUTED = {"recommended_size", "adoption_kept"}
"""adoption_kept: the answers file template records it in adopted repositories
(tests/test_adoption.py); copier itself never does."""
MATRIX = [(kind, size) for kind in KINDS for size in SIZES]


def ruff(*args: str, cwd: Path) -> None:
    run([sys.executable, "-m", "ruff", *args], cwd=cwd)


@pytest.mark.slow  # the copier command line
def test_defaults_need_no_data(tmp_path: Path) -> None:
    """The README's generate command, with nothing but a folder name."""
    command = ["copy", "--trust", "--defaults", "--vcs-ref", "HEAD", str(ROOT), "acme-billing"]
    result = copier_cli(*command, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "acme-billing"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "acme-billing"
    assert answers["package_name"] == "acme_billing"
    assert answers["project_kind"] == "service"
    assert answers["project_size"] == "small"
    assert (project / "src" / "acme_billing" / "__init__.py").is_file()
    assert "Next steps" in result.stderr + result.stdout
    # The working tree, even where this repository carries newer release tags.
    tool = "tools/lifecycle.py"
    assert (project / tool).read_bytes() == (ROOT / "template" / tool).read_bytes()
    # Replayable by `copier update`: an absolute source, the commit, only real answers.
    assert Path(answers["_src_path"]).is_absolute()
    assert Path(answers["_src_path"]).resolve() == ROOT
    assert "_commit" in answers
    recorded = {key for key in answers if not key.startswith("_")}
    assert recorded == ANSWERS_API  # has_ui is false: no design_link


@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_every_kind_and_size_passes_ruff(kind_size_projects, kind: str, size: str) -> None:
    project = kind_size_projects[kind, size]
    ruff("check", "--no-cache", ".", cwd=project)
    ruff("format", "--check", "--no-cache", ".", cwd=project)


@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_every_kind_and_size_has_the_skeleton(kind_size_projects, kind: str, size: str) -> None:
    project = kind_size_projects[kind, size]
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    for name in (
        "pyproject.toml",
        "ruff.toml",
        "README.md",
        "LICENSE",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        f"src/{package}/__init__.py",
        f"src/{package}/py.typed",
        "tests/integration/test_installed_package.py",
    ):
        assert (project / name).is_file(), name
    kind_module = {"service": "settings.py", "library": "core.py"}
    assert (project / "src" / package / kind_module[kind]).is_file()
    other = next(m for k, m in kind_module.items() if k != kind)
    assert not (project / "src" / package / other).exists()


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_generated_project_passes_its_own_tests(project_suite, kind: str, size: str) -> None:
    """`uv sync --all-groups` then `uv run pytest`, exactly as the generated README says."""
    output = project_suite(kind, size)
    assert re.search(r"\b\d+ passed\b", output), output
    assert re.search(r"\b\d+ (failed|errors?)\b", output) is None, output
    assert "tests/integration/" in output and "tests/unit/" in output


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "size"), MATRIX)
def test_every_kind_and_size_passes_mypy_strict(synced_project, kind: str, size: str) -> None:
    """`uv run mypy`, as the README, pre-commit and CI run it, with the generated config."""
    project = synced_project(kind, size)
    output = run([uv(), "run", "--quiet", "mypy"], cwd=project).stdout
    assert re.search(r"^Success: no issues found in [1-9]\d* source files$", output, re.M), output


@pytest.mark.slow
def test_mypy_config_is_strict_and_finds_a_type_error(synced_project, tmp_path: Path) -> None:
    """The configured check really runs on src/: an untyped function fails it."""
    project = editable_copy(synced_project("library", "small"), tmp_path)
    config = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    (project / "src" / package / "loose.py").write_text(
        '"""Untyped."""\n\n\ndef f(x):\n    return x\n'
    )
    result = run([uv(), "run", "--quiet", "mypy"], project, check=False)
    assert result.returncode == 1, outputs(result)
    assert "loose.py:4: error: Function is missing a type annotation" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_integration_marker_selects_the_integration_tests(synced_project, kind: str) -> None:
    """The marker is registered (the suite runs with --strict-markers) and selects real tests."""
    project = synced_project(kind, "small")
    command = [
        uv(),
        "run",
        "--quiet",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-v",
        "-m",
        "integration",
    ]
    output = run(command, cwd=project).stdout
    ran = re.findall(r"^(\S+)::\S+ PASSED", output, flags=re.M)
    assert ran and all(path.startswith("tests/integration/") for path in ran), output
    assert re.search(r"\b\d+ deselected\b", output), output


def test_shared_renders_use_copier_defaults() -> None:
    """Tests' `render()` spells out some defaults; they must be copier.yml's."""
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    for name, value in SHARED_DEFAULTS.items():
        assert spec[name]["default"] == value, name


def test_conditional_answers_match_copier_yml() -> None:
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    questions = {name for name in spec if not name.startswith("_")}
    assert questions == ANSWERS_API | set(CONDITIONAL_API) | COMPUTED
    for name in COMPUTED:
        assert spec[name]["when"] is False, name
    for name, condition in CONDITIONAL_API.items():
        assert spec[name]["when"] == f"{{{{ {condition} }}}}", name
    # Always asked; its `when` only refuses bad --data answers first (always true).
    assert spec["project_kind"]["when"] == "{{ _copier_conf.data | refuse_bad_data }}"
    for name in ANSWERS_API - {"project_kind"}:
        assert "when" not in spec[name], name


def test_a_ui_project_records_the_design_link(render) -> None:
    """With has_ui the design link is one more recorded answer, replayed by updates."""
    link = "https://www.figma.com/design/AbC12/Billing?node-id=1-2"
    project = render(has_ui=True, design_link=link)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert {key for key in answers if not key.startswith("_")} == ANSWERS_API | {"design_link"}
    assert answers["design_link"] == link
    first = project / "docs" / "work" / "0001-acme-billing"  # the first piece of work
    assert f"- All designs: <{link}>\n" in (first / "design.md").read_text()

    default = render(has_ui=True)
    answers = yaml.safe_load((default / ".copier-answers.yml").read_text())
    assert answers["design_link"] == ""
    design = (default / "docs" / "work" / "0001-acme-billing" / "design.md").read_text()
    assert "All designs" not in design
    assert "- _TODO: a link to each wireframe or mock-up" in design


def test_a_design_link_without_a_ui_is_not_recorded_or_rendered(render) -> None:
    """`when` is false: copier drops the answer, and no file may use it either."""
    link = "https://www.figma.com/design/AbC12/Billing"
    project = render(has_ui=False, design_link=link)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert "design_link" not in answers
    assert not list(project.glob("docs/work/*/design.md"))
    for path in project.rglob("*"):
        if path.is_file():
            assert link not in path.read_text(errors="replace"), path


@pytest.mark.parametrize(
    ("license_id", "first_words"),
    [
        ("MIT", "MIT License"),
        ("Apache-2.0", "Apache License"),
        ("BSD-3-Clause", "BSD 3-Clause License"),
        ("Proprietary", "Copyright (c)"),
    ],
)
def test_license_file_matches_answer(render, license_id: str, first_words: str) -> None:
    project = render(license=license_id, owner="@acme/payments")
    text = (project / "LICENSE").read_text()
    assert text.lstrip().startswith(first_words)
    if license_id != "Apache-2.0":  # Apache's text names no holder; the others must
        assert "acme" in text
    pyproject = (project / "pyproject.toml").read_text()
    if license_id == "Proprietary":
        assert "Private :: Do Not Upload" in pyproject
    else:
        assert f'license = "{license_id}"' in pyproject


@pytest.mark.slow  # the copier command line
def test_missing_trust_is_explained(template_folder: Path, tmp_path: Path) -> None:
    command = ["copy", "--defaults", str(template_folder), "acme-billing"]
    result = copier_cli(*command, cwd=tmp_path, check=False)
    assert result.returncode == 4
    assert "unsafe" in result.stderr
    assert not (tmp_path / "acme-billing").exists()
    readme = (ROOT / "README.md").read_text()
    assert "--trust" in readme
    assert "trust:" in readme  # the settings-file alternative


@pytest.mark.slow  # the copier command line
def test_missing_extension_package_is_explained(template_folder: Path, tmp_path: Path) -> None:
    """Without copier-template-extensions copier names the module; the README names the fix."""
    hide = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'copier_template_extensions':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from copier._cli import CopierApp\n"
        "sys.argv = ['copier', *sys.argv[1:]]\n"
        "CopierApp.run()\n"
    )
    command = [sys.executable, "-c", hide, "copy", "--trust", "--defaults", template_folder, "x"]
    result = run(command, tmp_path, check=False)
    assert result.returncode != 0, outputs(result)
    assert "copier_template_extensions" in result.stderr
    assert "could not load some Jinja extensions" in result.stderr
    assert "copier-template-extensions" in (ROOT / "README.md").read_text()


def test_only_files_that_use_jinja_are_templates() -> None:
    """A `.jinja` file costs a compile on every copy and three per update (docs/benchmarks.md)."""
    needless = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "template").rglob("*.jinja")
        if not any(mark in path.read_text(encoding="utf-8") for mark in ("{{", "{%", "{#"))
    ]
    assert not needless, f"drop the .jinja suffix: {needless}"


COMMAND = re.compile(r"^ {2,}((?:cd|uv|uvx|git) .*?)(?:\s+# .*)?$", flags=re.M)
"""A command line in a copier message (indented; a trailing comment is dropped)."""


def message_commands(message: str) -> list[str]:
    return COMMAND.findall(message)


def test_after_copy_message_gives_the_readme_commands(render) -> None:
    """Each step the message gives (but cd and the first commit) is the README's, verbatim."""
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    # A new project's message: the part after the adoption message (existing_repo).
    update = process.command_line("update")  # what `{{ command("update") }}` renders
    message = spec["_message_after_copy"].replace('{{ command("update") }}', update)
    commands = message_commands(message.split("{%- else %}", 1)[1])
    assert commands[0].startswith("cd ")
    assert commands[1] == "uv sync --all-groups"  # the docs group too: the docs build needs it
    first_commit = next(i for i, c in enumerate(commands) if c.startswith("git init"))
    assert first_commit > 1  # after `uv sync`, so uv.lock is in the first commit
    assert commands[-1] == update
    readme = (ROOT / "README.md").read_text()
    assert "uvx --from 'copier>=9.6,<10' --with copier-template-extensions copier copy" in readme
    for kind in KINDS:
        generated = (render(project_kind=kind) / "README.md").read_text()
        setup = generated.split("## Development setup", 1)[1].split("\n## ", 1)[0]
        for command in commands[1:first_commit] + commands[first_commit + 1 :]:
            assert f"\n{command}" in setup, command
        assert "uv.lock" in setup and "uv sync --locked" in setup


@pytest.mark.slow  # the copier command line, uv, the generated suite, and copier from PyPI
def test_following_the_after_copy_message_works(tmp_path: Path) -> None:
    """Copy from a released template, then run the message's commands in order."""
    template = copy_working_tree(tmp_path / "lifecycle-template")
    git("init", "--quiet", cwd=template)
    git("add", "-A", cwd=template)
    git("commit", "--quiet", "-m", "v1", cwd=template)
    git("tag", "v1.0.0", cwd=template)
    copied = copier_cli(
        "copy", "--trust", "--defaults", str(template), "acme-billing", cwd=tmp_path
    )
    assert copied.returncode == 0, copied.stderr
    commands = message_commands(copied.stderr + copied.stdout)
    assert len(commands) == 6, copied.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}
    env.update(GIT_IDENTITY, UV_PYTHON_DOWNLOADS="never")
    project = tmp_path / "acme-billing"
    assert commands[0] == "cd acme-billing"  # the folder as the user named it
    for command in commands[1:]:
        run(["bash", "-c", f"set -euo pipefail\n{command}"], project, env=env, timeout=600)
        if command.startswith("git init"):
            assert "uv.lock" in git("ls-files", cwd=project).split()
        if command.startswith("git") or command.startswith("uvx"):
            assert git("status", "--porcelain", cwd=project) == "", command
    # A built source distribution holds the package and its tests, not the lock file.
    run([uv(), "build", "--quiet", "--out-dir", str(tmp_path / "dist")], cwd=project, env=env)
    (sdist,) = (tmp_path / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    assert "uv.lock" not in names and "pyproject.toml" in names
    assert any(name.startswith("tests/unit/") for name in names)
    assert list((tmp_path / "dist").glob("*.whl"))  # the wheel builds from the sdist
