"""Adopting the lifecycle into an existing repository (`existing_repo`).

The promise: only the process goes in, no file the repository had is changed,
names come from the repository's own pyproject.toml, the pieces-of-work kit
works, and the next `copier update` leaves the repository's files alone. The
slow tests check it on real projects nobody here wrote: source distributions
downloaded from PyPI during the session, adopted with the real copier CLI.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import jinja2
import pytest
import yaml

from .conftest import ROOT, copier_cli, copy_working_tree, run
from .extension_modules import adopt
from .update_harness import commit_all

AdoptionExtension = adopt.AdoptionExtension

ANSWERS_FILE = ".copier-answers.lifecycle.yml"
"""The answers file the how-to gives, so it never clashes with another template's."""

# Small pure-Python projects whose sdists carry their own README and
# pyproject.toml; pluggy's also its .github/ workflows, docs site (docs/conf.py),
# pre-commit config and CHANGELOG, and its name in setup.cfg (project name,
# package, sdist pin).
REAL_PROJECTS = {
    "pluggy": ("pluggy", "pluggy", "pluggy==1.5.0"),
    "tomli": ("tomli", "tomli", "tomli==2.0.1"),
}


# ------------------------------------------------------------------ filters
def test_filters_read_the_existing_project(tmp_path: Path) -> None:
    assert not adopt.holds_project(tmp_path)
    assert not adopt.holds_project(tmp_path / "missing")
    assert adopt.existing_project_name(tmp_path) == ""
    assert adopt.existing_package(tmp_path) == ""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "Acme-Widgets"\n')
    assert adopt.holds_project(tmp_path)
    assert adopt.existing_project_name(tmp_path) == "Acme-Widgets"
    assert adopt.existing_package(tmp_path) == ""  # no package folder to point at
    (tmp_path / "acme_widgets").mkdir()
    (tmp_path / "acme_widgets" / "__init__.py").write_text("")
    assert adopt.existing_package(tmp_path) == "acme_widgets"
    for name in ("zeta", "acme_widgets", "alpha"):  # src/ wins; the one named like the project
        (tmp_path / "src" / name).mkdir(parents=True)
        (tmp_path / "src" / name / "__init__.py").write_text("")
    assert adopt.existing_package(tmp_path) == "acme_widgets"
    (tmp_path / "pyproject.toml").write_text("not toml [")
    assert adopt.existing_project_name(tmp_path) == ""
    assert adopt.existing_package(tmp_path) == "acme_widgets"  # the first, sorted
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = zeta\n")  # where older ones keep it
    assert adopt.existing_project_name(tmp_path) == "zeta"
    assert adopt.existing_package(tmp_path) == "zeta"


def test_existing_repo_is_asked_in_a_project_the_template_did_not_make(tmp_path: Path) -> None:
    answers = ".copier-answers.yml"
    assert not adopt.asks_existing_repo(tmp_path, answers)  # a new folder
    (tmp_path / "setup.py").write_text("")
    assert adopt.asks_existing_repo(tmp_path, answers)  # someone's project
    (tmp_path / answers).write_text("_commit: v1.0.0\nproject_name: x\n")
    assert not adopt.asks_existing_repo(tmp_path, answers)  # the template made it
    (tmp_path / answers).write_text("_commit: v1.0.0\nexisting_repo: true\n")
    assert adopt.asks_existing_repo(tmp_path, answers)  # adopted: recorded again


def test_existing_repo_cannot_change_once_recorded(tmp_path: Path) -> None:
    """An update that flipped it would delete CI files, or write a skeleton over theirs."""
    answers = tmp_path / ".copier-answers.lifecycle.yml"
    assert adopt.existing_repo_problem(True, tmp_path, answers.name) == ""  # first copy
    answers.write_text("_commit: v1.0.0\nexisting_repo: true\n")
    assert adopt.existing_repo_problem(True, tmp_path, answers.name) == ""
    assert "cannot change" in adopt.existing_repo_problem(False, tmp_path, answers.name)
    answers.write_text("_commit: v1.0.0\n")  # made before the answer existed: a new project
    assert adopt.existing_repo_problem(False, tmp_path, answers.name) == ""
    assert "recorded: false" in adopt.existing_repo_problem(True, tmp_path, answers.name)


def test_filters_outside_copier_give_the_empty_answer() -> None:
    """Rendered without `_copier_conf` (tests, an old environment): no error, no project."""
    environment = jinja2.Environment(extensions=[AdoptionExtension])
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    outside = {"_copier_conf": {}, "_folder_name": "x"}
    assert environment.from_string(spec["existing_repo"]["when"]).render(outside) == "False"
    assert environment.from_string(spec["project_name"]["default"]).render(outside) == "x"


# ------------------------------------------------------------------ helpers
def tagged_template(dest: Path) -> Path:
    """This working tree as a released template (tag v1.0.0), as teams copy it."""
    copy_working_tree(dest)
    run(["git", "init", "-q", "-b", "main"], dest)
    commit_all(dest, "Template v1.0.0")
    run(["git", "tag", "v1.0.0"], dest)
    return dest


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file of the repository outside .git, with its bytes."""
    return {
        path.relative_to(repo).as_posix(): path.read_bytes()
        for path in sorted(repo.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(repo).parts
    }


def make_repo(repo: Path) -> dict[str, bytes]:
    """`git init` and commit ``repo`` as it is; return its files."""
    run(["git", "init", "-q", "-b", "main"], repo)
    commit_all(repo, "The project as its authors made it")
    return snapshot(repo)


def adopt_into(template: Path, repo: Path, *data: str) -> subprocess.CompletedProcess[str]:
    """The how-to's command: the real copier CLI, its own answers file."""
    data_args = [arg for item in ("existing_repo=true", *data) for arg in ("--data", item)]
    return copier_cli(
        "copy", "--trust", "--defaults", *data_args, "--answers-file", ANSWERS_FILE,
        str(template), str(repo), cwd=repo.parent,
    )  # fmt: skip


def assert_adopted_without_touching(repo: Path, before: dict[str, bytes]) -> set[str]:
    """Every file the repository had is byte-identical; return the paths the adoption added."""
    after = snapshot(repo)
    changed = [path for path, content in before.items() if after.get(path) != content]
    assert not changed, f"adoption changed or deleted the repository's files: {changed}"
    added = set(after) - set(before)
    skeleton = [p for p in added if p.split("/")[0] in {"src", "tests"} or "/" not in p]
    assert skeleton == [ANSWERS_FILE], f"no code skeleton or root files: {skeleton}"
    for process_file in ("docs/lifecycle.md", "tools/lifecycle.py", ".lifecycle/process.json"):
        assert process_file in added, process_file
    assert any(p.startswith("docs/work/0001-") for p in added)
    return added


def kit_and_update(template: Path, repo: Path) -> str:
    """Commit the adoption, start a piece of work, then an immediate update changes nothing."""
    commit_all(repo, "Adopt the lifecycle process")
    run([sys.executable, "tools/lifecycle.py", "new", "Try the kit", "--size", "small"], repo)
    assert (repo / "docs/work/0002-try-the-kit/shaping.md").is_file()
    run([sys.executable, "tools/lifecycle.py", "check", "--structure"], repo)  # after adoption
    commit_all(repo, "Start a piece of work")
    committed = snapshot(repo)
    update = copier_cli("update", "--trust", "--defaults", "--answers-file", ANSWERS_FILE, cwd=repo)
    status = run(["git", "status", "--porcelain"], repo).stdout
    assert status == "", f"an immediate update changed files:\n{status}"
    assert snapshot(repo) == committed
    return update.stdout + update.stderr


# ------------------------------------------------------------------ a made-up repository
@pytest.mark.slow  # the real copier CLI, three times
def test_existing_repo_is_asked_only_where_a_project_is(tmp_path: Path) -> None:
    """`when` sees the destination: a new folder is not asked; a project folder is, and a
    repository that already uses another copier template keeps that template's answers."""
    template = tagged_template(tmp_path / "template")
    copier_cli("copy", "--trust", "--defaults", str(template), "fresh", cwd=tmp_path)
    fresh = yaml.safe_load((tmp_path / "fresh/.copier-answers.yml").read_text())
    assert "existing_repo" not in fresh
    assert (tmp_path / "fresh/src/fresh/__init__.py").is_file()

    repo = tmp_path / "widgets-checkout"  # the folder name is not the project's name
    (repo / "src" / "acme_widgets").mkdir(parents=True)
    (repo / "src" / "acme_widgets" / "__init__.py").write_text('"""Widgets."""\n')
    (repo / "pyproject.toml").write_text('[project]\nname = "acme-widgets"\nversion = "1.0"\n')
    (repo / "README.md").write_text("# Acme widgets\n\nOur own words.\n")
    (repo / ".github/workflows").mkdir(parents=True)
    (repo / ".github/workflows/ci.yml").write_text("name: ours\non: push\n")
    (repo / ".github/PULL_REQUEST_TEMPLATE.md").write_text("Our checklist\n")
    (repo / ".gitignore").write_text("build/\n")
    (repo / "docs").mkdir()
    (repo / "docs/index.md").write_text("# Our docs\n")
    (repo / "CHANGELOG.md").write_text("# Changes\n")
    # Layered on another copier template, which keeps the default answers file.
    other_answers = "_commit: v3.1.0\n_src_path: gh:acme/python-base\nlicense: MIT\n"
    (repo / ".copier-answers.yml").write_text(other_answers)
    before = make_repo(repo)
    result = adopt_into(template, repo)
    assert "No file your repository already had was changed" in result.stdout + result.stderr
    added = assert_adopted_without_touching(repo, before)
    assert ".github/ISSUE_TEMPLATE/new-work.yml" in added  # the repository had none
    # The weekly update workflow reads our answers file, not the other template's.
    assert ".github/workflows/template-update.yml" in added
    update_workflow = (repo / ".github/workflows/template-update.yml").read_text()
    assert f'ANSWERS_FILE: "{ANSWERS_FILE}"' in update_workflow
    assert f"--answers-file {ANSWERS_FILE}`" in (repo / "docs/lifecycle.md").read_text()
    # The reminder workflow under a name no workflow of theirs has, same content.
    assert ".github/workflows/test-plan.yml" not in added
    reminder = (repo / ".github/workflows/lifecycle-test-plan.yml").read_text()
    assert reminder.startswith("# Opens an issue asking the team to run the manual test plan")
    assert "name: Manual test plan" in reminder and "cron:" in reminder
    answers = yaml.safe_load((repo / ANSWERS_FILE).read_text())
    assert answers["existing_repo"] is True
    assert (answers["project_name"], answers["package_name"]) == ("acme-widgets", "acme_widgets")
    assert "acme-widgets" in (repo / "docs/lifecycle.md").read_text()
    output = kit_and_update(template, repo)
    # The update read our answers file, not the other template's.
    assert '"acme-widgets" is already up to date with lifecycle template v1.0.0' in output, output
    assert (repo / ".copier-answers.yml").read_text() == other_answers


# ------------------------------------------------------------------ real projects from PyPI
@pytest.fixture(scope="session")
def sdist_cache(request: pytest.FixtureRequest) -> Path:
    """Where downloaded source distributions are kept between sessions."""
    return Path(request.config.cache.mkdir("sdists"))


def download_sdist(pin: str, cache: Path) -> Path:
    """``pip download`` the sdist of ``pin`` into ``cache`` (once); skip if PyPI is unreachable."""
    name, version = pin.split("==")
    found = sorted(cache.glob(f"{name}-{version}.tar.gz"))
    if not found:
        result = run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:",
             "--no-deps", "--dest", str(cache), pin],
            check=False, timeout=300,
        )  # fmt: skip
        found = sorted(cache.glob(f"{name}-{version}.tar.gz"))
        if result.returncode != 0 or not found:
            if "No module named pip" in result.stderr:  # pip is in the dev group
                pytest.fail("pip is missing from the dev tools; it fetches the sdists")
            pytest.skip(f"PyPI unreachable, cannot download {pin}: {result.stderr.strip()[-300:]}")
    return found[0]


def unpack(sdist: Path, dest: Path) -> Path:
    """The sdist's files as a repository folder (PKG-INFO and all, as shipped)."""
    with tarfile.open(sdist) as archive:
        archive.extractall(dest, filter="data")
    (top,) = dest.iterdir()
    return top


@pytest.mark.slow  # downloads from PyPI, the real copier CLI twice
@pytest.mark.parametrize("project", sorted(REAL_PROJECTS))
def test_adopting_a_real_project_changes_none_of_its_files(
    tmp_path: Path, sdist_cache: Path, project: str
) -> None:
    name, package, pin = REAL_PROJECTS[project]
    repo = unpack(download_sdist(pin, sdist_cache), tmp_path / "unpacked")
    assert (repo / "pyproject.toml").is_file() and (repo / "PKG-INFO").is_file()
    before = make_repo(repo)
    template = tagged_template(tmp_path / "template")
    adopt_into(template, repo)
    added = assert_adopted_without_touching(repo, before)
    answers = yaml.safe_load((repo / ANSWERS_FILE).read_text())
    assert (answers["project_name"], answers["package_name"]) == (name, package)
    assert answers["project_kind"] == "service"  # the kind is still an answer: the default
    if (repo / ".github/workflows").is_dir() and project == "pluggy":
        # Their own workflows stay; ours come in only where no file of theirs has the name.
        ours = {p for p in added if p.startswith(".github/workflows/")}
        assert ours == {
            ".github/workflows/lifecycle-test-plan.yml",
            ".github/workflows/template-update.yml",  # it reads our answers file
        }
        assert (repo / "docs/conf.py").read_bytes() == before["docs/conf.py"]
    kit_and_update(template, repo)


@pytest.mark.slow  # the real copier CLI, twice
def test_an_update_cannot_turn_adoption_on_in_a_generated_repository(tmp_path: Path) -> None:
    """Flipping the answer would make the update delete the template's CI and tooling."""
    template = tagged_template(tmp_path / "template")
    copier_cli("copy", "--trust", "--defaults", str(template), "acme", cwd=tmp_path)
    project = tmp_path / "acme"
    run(["git", "init", "-q", "-b", "main"], project)
    commit_all(project, "Start")
    before = snapshot(project)
    result = copier_cli(
        "update", "--trust", "--defaults", "--data", "existing_repo=true", cwd=project, check=False
    )
    assert result.returncode != 0
    assert (
        "existing_repo" in result.stderr and "cannot change after the first copy" in result.stderr
    )
    assert snapshot(project) == before
    assert run(["git", "status", "--porcelain"], project).stdout == ""
