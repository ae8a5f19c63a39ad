"""Adopting the lifecycle into an existing repository (`existing_repo`).

The promise: only the process goes in, no file the repository had is changed,
names come from the repository's own pyproject.toml, the pieces-of-work kit
works, and the next `copier update` leaves the repository's files alone. The
slow tests check it on real projects nobody here wrote: source distributions
downloaded from PyPI during the session, adopted with the real copier CLI.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tarfile
from pathlib import Path

import jinja2
import pytest
import yaml

from .conftest import ROOT, copier_cli, copy_working_tree, run
from .extension_modules import adopt
from .update_harness import AddText, Expect, build_history_repo, build_template_repo, commit_all

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


@pytest.mark.parametrize(
    ("files", "name", "package"),
    [
        ({"setup.py": "from setuptools import setup\nsetup(\n    name='six',\n)\n"}, "six", ""),
        ({"pyproject.toml": '[project]\nname = "scout-browser"\n', "scout/__init__.py": "",
          "tests/__init__.py": ""}, "scout-browser", "scout"),
        ({"pyproject.toml": '[project]\nname = "fs"\n[tool.hatch.build.targets.wheel]\n'
          'packages = ["backend/app"]\n', "backend/app/__init__.py": ""}, "fs", "app"),
        ({"pyproject.toml": '[project]\nname = "attrs"\n[tool.hatch.build.targets.wheel]\n'
          'packages = ["src/attr", "src/attrs"]\n'}, "attrs", "attrs"),
        ({"pyproject.toml": '[project]\nname = "x-y"\n[tool.flit.module]\nname = "xy"\n'},
         "x-y", "xy"),
        ({"pyproject.toml": '[project]\nname = "a"\n[tool.setuptools]\npackages = ["b"]\n'},
         "a", "b"),
    ],
)  # fmt: skip
def test_names_come_from_what_the_project_really_declares_and_imports(
    tmp_path: Path, files: dict[str, str], name: str, package: str
) -> None:
    """setup.py's literal name, the packaging tool's package setting, the one flat package."""
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert (adopt.existing_project_name(tmp_path), adopt.existing_package(tmp_path)) == (
        name,
        package,
    )


def test_the_update_message_names_the_repositorys_own_checks(tmp_path: Path) -> None:
    """A repository without uv is not told to run uv."""
    assert adopt.own_checks(tmp_path, False) == adopt.UV_CHECKS  # the template made it
    assert adopt.own_checks(tmp_path, True).startswith("python3 -m pytest")
    (tmp_path / "tox.ini").write_text("[tox]\n")
    assert adopt.own_checks(tmp_path, True) == "tox"
    (tmp_path / "uv.lock").write_text("")
    assert adopt.own_checks(tmp_path, True) == adopt.UV_CHECKS


def test_tools_ruff_toml_extends_the_repositorys_own_ruff_settings(tmp_path: Path) -> None:
    """The file ruff finds first in the root (pyproject.toml only with [tool.ruff]); `src`
    kept at its default, the root and src/, unless the repository sets its own."""
    default_src = 'src = ["..", "../src"]'
    assert adopt.tools_ruff_lines(tmp_path) == [default_src]  # ruff's defaults, as before
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert adopt.tools_ruff_lines(tmp_path) == [default_src]  # no [tool.ruff]: not ruff's
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nsrc = ["lib"]\n')
    assert adopt.tools_ruff_lines(tmp_path) == ['extend = "../pyproject.toml"']
    (tmp_path / "ruff.toml").write_text("line-length = 79\n")
    assert adopt.tools_ruff_lines(tmp_path) == ['extend = "../ruff.toml"', default_src]
    (tmp_path / ".ruff.toml").write_text("not toml [")  # unreadable: ruff would fail too
    assert adopt.tools_ruff_lines(tmp_path) == ['extend = "../ruff.toml"', default_src]
    (tmp_path / ".ruff.toml").write_text('src = ["."]\n')
    assert adopt.tools_ruff_lines(tmp_path) == ['extend = "../.ruff.toml"']
    assert adopt.tools_ruff_lines(None) == [default_src]


def test_existing_repo_is_asked_in_a_project_the_template_did_not_make(tmp_path: Path) -> None:
    answers = ".copier-answers.yml"
    assert not adopt.asks_existing_repo(tmp_path, answers)  # a new folder
    (tmp_path / "setup.py").write_text("")
    assert adopt.asks_existing_repo(tmp_path, answers)  # someone's project
    (tmp_path / answers).write_text("_commit: v1.0.0\nproject_kind: service\n")
    assert not adopt.asks_existing_repo(tmp_path, answers)  # the template made it
    (tmp_path / answers).write_text("_commit: v1.0.0\nexisting_repo: true\nproject_kind: service\n")
    assert adopt.asks_existing_repo(tmp_path, answers)  # adopted: recorded again
    (tmp_path / answers).write_text("_commit: v3.1.0\n_src_path: gh:acme/base\nlicense: MIT\n")
    assert adopt.asks_existing_repo(tmp_path, answers)  # another template's answers file


def test_existing_repo_cannot_change_once_recorded(tmp_path: Path) -> None:
    """An update that flipped it would delete CI files, or write a skeleton over theirs."""
    answers = tmp_path / ".copier-answers.lifecycle.yml"
    assert adopt.existing_repo_problem(True, tmp_path, answers.name) == ""  # first copy
    answers.write_text("_commit: v1.0.0\nexisting_repo: true\nproject_kind: library\n")
    assert adopt.existing_repo_problem(True, tmp_path, answers.name) == ""
    assert "cannot change" in adopt.existing_repo_problem(False, tmp_path, answers.name)
    answers.write_text("_commit: v1.0.0\nproject_kind: library\n")  # made before the answer
    assert adopt.existing_repo_problem(False, tmp_path, answers.name) == ""
    assert "recorded: false" in adopt.existing_repo_problem(True, tmp_path, answers.name)


def test_wrong_turns_stop_with_one_line_that_gives_the_right_command(tmp_path: Path) -> None:
    """A copy without existing_repo into a project, or over another template's answers file."""
    assert adopt.existing_repo_problem(False, tmp_path, ".copier-answers.yml") == ""  # empty
    (tmp_path / "setup.py").write_text("")
    problem = adopt.existing_repo_problem(False, tmp_path, ".copier-answers.yml")
    assert problem.startswith("this folder already holds a Python project (setup.py);")
    assert "--data existing_repo=true --answers-file .copier-answers.lifecycle.yml" in problem
    assert adopt.existing_repo_problem(True, tmp_path, ".copier-answers.yml") == ""
    (tmp_path / ".copier-answers.yml").write_text("_src_path: gh:acme/base\nlicense: MIT\n")
    for answer in (True, False):
        problem = adopt.existing_repo_problem(answer, tmp_path, ".copier-answers.yml")
        assert problem.startswith(".copier-answers.yml holds the answers of gh:acme/base;")
        assert "--answers-file .copier-answers.lifecycle.yml" in problem
        assert "\n" not in problem and "existing_repo" not in problem


def test_filters_outside_copier_give_the_empty_answer() -> None:
    """Rendered without `_copier_conf` (tests, an old environment): no error, no project."""
    environment = jinja2.Environment(extensions=[AdoptionExtension])
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    outside = {"_copier_conf": {}, "_folder_name": "x"}
    assert environment.from_string(spec["existing_repo"]["when"]).render(outside) == "False"
    assert environment.from_string(spec["project_name"]["default"]).render(outside) == "x"


def test_the_files_a_repository_had_are_found_under_any_name_it_uses(tmp_path: Path) -> None:
    """Same path in another case, `.yaml` for `.yml`, GitHub's other places, same purpose."""
    assert adopt.adoption_kept(tmp_path, ANSWERS_FILE, False) == []
    assert adopt.adoption_kept(tmp_path, ANSWERS_FILE, True) == []  # nothing there yet
    for path in (
        ".github/pull_request_template.md",
        ".github/ISSUE_TEMPLATE/bug-report.md",
        ".github/ISSUE_TEMPLATE/Feature_Request.yml",
        ".github/ISSUE_TEMPLATE/config.yaml",
        ".github/workflows/template-update.yaml",
        "CODEOWNERS",
        "docs/lifecycle.md",
        "tools/requirements.txt",
        "docs/other.md",
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("theirs\n")
    assert adopt.adoption_kept(tmp_path, ANSWERS_FILE, True) == [
        ".github/CODEOWNERS",
        ".github/ISSUE_TEMPLATE/bug.md",
        ".github/ISSUE_TEMPLATE/config.yml",
        ".github/ISSUE_TEMPLATE/feature.md",
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/workflows/template-update.yml",
        "docs/lifecycle.md",
        "tools/requirements.txt",
    ]


def test_the_recorded_list_wins_over_what_is_there_now(tmp_path: Path) -> None:
    """After adoption the template's own files are there too: only the record tells them apart."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/lifecycle.md").write_text("written by the adoption\n")
    (tmp_path / ANSWERS_FILE).write_text(
        "_commit: v1.0.0\nexisting_repo: true\nadoption_kept:\n- .github/CODEOWNERS\n"
    )
    assert adopt.adoption_kept(tmp_path, ANSWERS_FILE, True) == [".github/CODEOWNERS"]
    (tmp_path / ANSWERS_FILE).write_text(
        "_commit: v1.0.0\nexisting_repo: true\nadoption_kept: []\n"
    )
    assert adopt.adoption_kept(tmp_path, ANSWERS_FILE, True) == []


def test_a_repository_adopted_before_the_record_is_read_from_its_history(tmp_path: Path) -> None:
    """The commit that added the answers file tells the repository's files from the adoption's."""
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/CODEOWNERS").write_text("* @theirs\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    make_repo(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/lifecycle.md").write_text("written by the adoption\n")
    (tmp_path / ANSWERS_FILE).write_text("_commit: v1.0.0\nexisting_repo: true\nproject_kind: x\n")
    commit_all(tmp_path, "Adopt the lifecycle process")
    assert adopt.adoption_kept(tmp_path, ANSWERS_FILE, True) == [".github/CODEOWNERS"]


def test_the_message_names_the_lines_that_put_the_pages_in_the_sites_nav(tmp_path: Path) -> None:
    """A strict MkDocs or Sphinx (MyST) build may refuse pages no nav lists: name the lines."""
    (tmp_path / "docs/work/0001-x").mkdir(parents=True)
    for page in ("lifecycle.md", "work/index.md", "work/0001-x/shaping.md", "test-plan.md"):
        (tmp_path / "docs" / page).write_text("# Page\n")
    kept = ["docs/test-plan.md"]  # theirs: the site lists it already, or not, as they chose
    assert adopt.docs_site_lines(tmp_path, kept) == []  # no site
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    assert adopt.docs_site_lines(tmp_path, kept) == []  # MkDocs finds every page itself
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav:\n  - Home: index.md\n")
    assert adopt.docs_site_lines(tmp_path, kept) == [
        "Your MkDocs site lists its pages in mkdocs.yml; add these under nav:",
        "  - Lifecycle:",
        "      - lifecycle.md",
        "      - work/0001-x/shaping.md",
        "      - work/index.md",
    ]
    (tmp_path / "mkdocs.yml").unlink()
    (tmp_path / "docs/conf.py").write_text('extensions = ["sphinx.ext.autodoc"]\n')
    assert adopt.docs_site_lines(tmp_path, kept) == []  # Sphinx reads no Markdown
    (tmp_path / "docs/conf.py").write_text('extensions = ["myst_parser"]\n')
    (tmp_path / "docs/index.rst").write_text("Home\n")
    lines = adopt.docs_site_lines(tmp_path, kept)
    assert lines[1:4] == ["docs/index.rst:", "   lifecycle", "   work/index"]  # it lists the rest
    assert lines[5:] == [
        "   myst_heading_anchors = 3",
        '   extensions.append("sphinxcontrib.mermaid")',
        '   myst_fence_as_directive = ["mermaid"]',
    ]


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
    # Without --answers-file: one line naming the answers file to use, nothing written.
    wrong = copier_cli(
        "copy", "--trust", "--defaults", "--data", "existing_repo=true", str(template), str(repo),
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert wrong.returncode != 0
    assert (
        wrong.stderr.strip()
        .splitlines()[-1]
        .endswith(
            ".copier-answers.yml holds the answers of gh:acme/python-base; nothing was written. "
            f"Add --answers-file {ANSWERS_FILE} so each template keeps its own."
        )
    )
    assert snapshot(repo) == before
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
    assert answers["adoption_kept"] == [".github/PULL_REQUEST_TEMPLATE.md"]
    assert (answers["project_name"], answers["package_name"]) == ("acme-widgets", "acme_widgets")
    # CODEOWNERS and the ownership table name the files the adoption wrote, none of theirs.
    owned = [line.split()[0][1:] for line in (repo / ".github/CODEOWNERS").read_text().splitlines()
             if line.startswith("/")]  # fmt: skip
    assert owned and all(path in added for path in owned), owned
    lifecycle = (repo / "docs/lifecycle.md").read_text()
    table = re.findall(r"^\| `([^`]+)` \| (?:process|user) ", lifecycle, flags=re.MULTILINE)
    assert table and all((repo / path).exists() and path not in before for path in table), table
    assert "acme-widgets" in (repo / "docs/lifecycle.md").read_text()
    output = kit_and_update(template, repo)
    # The update read our answers file, not the other template's.
    assert '"acme-widgets" is already up to date with lifecycle template v1.0.0' in output, output
    assert (repo / ".copier-answers.yml").read_text() == other_answers


@pytest.mark.slow  # the real copier CLI, twice
def test_a_copy_into_a_project_without_existing_repo_writes_nothing(tmp_path: Path) -> None:
    """With or without --overwrite: one line that gives the adoption's options, no file."""
    template = tagged_template(tmp_path / "template")
    repo = tmp_path / "acme"
    (repo / "src/acme").mkdir(parents=True)
    (repo / "src/acme/__init__.py").write_text('"""Acme."""\n')
    (repo / "setup.py").write_text("from setuptools import setup\n\nsetup(name='acme')\n")
    before = make_repo(repo)
    for extra in ((), ("--overwrite",)):
        result = copier_cli(
            "copy", "--trust", "--defaults", *extra, str(template), str(repo), cwd=tmp_path,
            check=False,
        )  # fmt: skip
        assert result.returncode != 0
        assert (
            result.stderr.strip()
            .splitlines()[-1]
            .endswith(
                "this folder already holds a Python project (setup.py, src); nothing was written. "
                "To add only the process, run the same command with --data existing_repo=true "
                f"--answers-file {ANSWERS_FILE}"
            )
        ), result.stderr[-500:]
        assert snapshot(repo) == before
        assert run(["git", "status", "--porcelain"], repo).stdout == ""


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


# ------------------------------------------------------------------ later versions
LATER = (
    AddText("template/docs/lifecycle.md.jinja", "v2: the lifecycle map changed.",
            delivered=(Expect("docs/lifecycle.md", "v2: the lifecycle map changed."),)),
    AddText("template/.github/PULL_REQUEST_TEMPLATE.md.jinja", "- [ ] v2: the PR item.",
            delivered=(Expect(".github/PULL_REQUEST_TEMPLATE.md", "- [ ] v2: the PR item."),)),
    AddText("extensions/process.yml",
            "  - text: v2 the release item.\n    phase: candidate\n    min_size: small",
            after="release_checklist:",
            delivered=(Expect("docs/release-checklist.md", "v2 the release item."),)),
    AddText("template/.github/ISSUE_TEMPLATE/bug.md.jinja", "v2: the bug template.",
            delivered=(Expect(".github/ISSUE_TEMPLATE/bug.md", "v2: the bug template."),)),
    AddText("template/.github/CODEOWNERS.jinja", "# v2: the code owners.",
            delivered=(Expect(".github/CODEOWNERS", "# v2: the code owners."),)),
    AddText("template/.github/workflows/template-update.yml.jinja", "# v2: the update workflow.",
            delivered=(Expect(".github/workflows/template-update.yml",
                              "# v2: the update workflow."),)),
    AddText("template/.github/workflows/test-plan.yml.jinja", "# v2: the reminder.",
            delivered=(Expect(".github/workflows/lifecycle-test-plan.yml", "# v2: the reminder"),)),
    AddText("template/tools/requirements.txt", "# v2: the docs tools.",
            delivered=(Expect("tools/requirements.txt", "# v2: the docs tools."),)),
    # Files of the repository's own: the change must not reach them.
    AddText("template/.github/ISSUE_TEMPLATE/feature.md.jinja", "v2: the feature template."),
    AddText("template/.github/ISSUE_TEMPLATE/config.yml", "# v2: the issue chooser."),
)  # fmt: skip
"""A later template version that changes every kind of file an adoption writes."""


def compare_kept_files_as_the_message_says(message: str, repo: Path) -> None:
    """Run the reference copy and each diff the after-copy message gives for the kept files."""
    commands = [line.strip() for line in message.splitlines() if line.startswith("  ")]
    (render,) = [c for c in commands if " copier copy " in c]
    prefix = "uvx --from 'copier>=9.6,<10' --with copier-template-extensions copier "
    assert render.startswith(prefix)
    run([sys.executable, "-m", "copier", *shlex.split(render.removeprefix(prefix))], repo)
    diffs = [shlex.split(c) for c in commands if c.startswith("diff -u ")]
    assert sorted(d[-1] for d in diffs) == [
        ".github/ISSUE_TEMPLATE/config.yml",
        ".github/ISSUE_TEMPLATE/feature_request.md",
    ]
    for diff in diffs:
        result = run(diff, repo, check=False)
        assert result.returncode == 1 and result.stdout.startswith("--- "), result.stderr


@pytest.mark.slow  # the real copier CLI: an adoption, a reference copy and an update
def test_a_later_version_reaches_every_file_the_adoption_wrote(tmp_path: Path) -> None:
    """Process files written at adoption are process-owned: they get every later change by
    the same three-way merge as in a new repository; the repository's own stay as they are."""
    template = build_template_repo(tmp_path / "template", LATER)
    repo = tmp_path / "widgets"
    (repo / "src/acme_widgets").mkdir(parents=True)
    (repo / "src/acme_widgets/__init__.py").write_text('"""Widgets."""\n')
    (repo / "pyproject.toml").write_text('[project]\nname = "acme-widgets"\nversion = "1.0"\n')
    (repo / ".github/ISSUE_TEMPLATE").mkdir(parents=True)
    (repo / ".github/ISSUE_TEMPLATE/feature_request.md").write_text("Our feature form\n")
    (repo / ".github/ISSUE_TEMPLATE/config.yml").write_text("blank_issues_enabled: false\n")
    before = make_repo(repo)
    adopted = copier_cli(
        "copy", "--trust", "--defaults", "--vcs-ref", template.v1, "--data", "existing_repo=true",
        "--data", "project_size=large", "--data", "rfc_repository=acme/rfcs",
        "--answers-file", ANSWERS_FILE, str(template.path),
        str(repo), cwd=tmp_path,
    )  # fmt: skip
    added = assert_adopted_without_touching(repo, before)
    compare_kept_files_as_the_message_says(adopted.stdout + adopted.stderr, repo)
    written = {p for p in added if not p.startswith("docs/work/") and p != ANSWERS_FILE}
    kept = {".github/ISSUE_TEMPLATE/config.yml", ".github/ISSUE_TEMPLATE/feature.md"}
    assert written == set(adopt.ADOPTED_FILES) - kept  # the list names every adopted file
    assert yaml.safe_load((repo / ANSWERS_FILE).read_text())["adoption_kept"] == sorted(kept)
    pr_template = repo / ".github/PULL_REQUEST_TEMPLATE.md"
    pr_template.write_text("Our own note.\n\n" + pr_template.read_text())  # a team edit
    commit_all(repo, "Adopt the lifecycle process")
    own = {path: content for path, content in snapshot(repo).items() if path in before}

    result = copier_cli(
        "update", "--trust", "--defaults", "--answers-file", ANSWERS_FILE, cwd=repo
    )  # the command docs/how-to/adopting.md gives
    for expect in template.delivered("large"):
        assert expect.line in (repo / expect.path).read_text(), (expect.path, result.stderr)
    assert pr_template.read_text().startswith("Our own note.\n")
    assert {path: snapshot(repo)[path] for path in own} == own  # theirs: byte-identical
    assert not (repo / ".github/ISSUE_TEMPLATE/feature.md").exists()
    status = run(["git", "status", "--porcelain"], repo).stdout
    assert ".rej" not in status and "<<<<<<<" not in pr_template.read_text()
    answers = yaml.safe_load((repo / ANSWERS_FILE).read_text())
    assert (answers["_commit"], answers["adoption_kept"]) == (template.v2, sorted(kept))


# ------------------------------------------------------------------ true documents
PATH_NAMED = re.compile(
    r"(?<![\w/.<-])(\.?[\w-]+(?:/[\w.-]+)*\.(?:md|ya?ml|py|toml|txt|json|cfg|ini))(?![\w/-])"
)
"""A file path named in a document, in backticks or not (``docs/runbook.md``)."""

NAMED_BUT_NOT_WRITTEN = {
    ".lifecycle/waivers.toml": "the team's own file, made when it first waives a finding",
    "docs/lifecycle-status.md": "made by `lifecycle.py status` when the team asks for it",
}
"""Paths a document names that need not exist, each with the reason."""

PLACEHOLDER = re.compile(r"X\.Y\.Z|TAG|PATH|NAME|<|\*|NNNN|0002-")
"""A path that stands for many (``docs/releases/vX.Y.Z.md``), not one file."""

CLAIMS = {
    "the release workflow": ".github/workflows/release.yml",
    "`release.yml`": ".github/workflows/release.yml",
    "CI job `lifecycle`": ".github/workflows/ci.yml",
    "in pre-commit": ".pre-commit-config.yaml",
    "(pre-commit": ".pre-commit-config.yaml",
    "at every docs build": "docs/conf.py",
    "and the docs build": "docs/conf.py",
    "docs site's": "docs/conf.py",
}
"""Phrases that say the repository has a workflow, a job, a hook or a docs build of the
template's, and the file of the template's that would make it true."""


def adopted_documents(repo: Path, added: set[str]) -> dict[str, str]:
    """Every document the adoption wrote (Markdown pages, issue and PR templates,
    CODEOWNERS), with its text."""
    return {
        path: (repo / path).read_text(encoding="utf-8")
        for path in sorted(added)
        if path.endswith(".md")
        or (path.startswith(".github/") and not path.startswith(".github/workflows/"))
    }


def untrue_statements(repo: Path, added: set[str], answers_file: str) -> list[str]:
    """What the adopted documents say that is not so in ``repo``: a link or a path to a
    file it lacks, a workflow, job, hook or docs build it lacks, an update command for the
    wrong answers file, a uv command where the repository has no uv, a file of the
    repository's own claimed for the template."""
    problems = []
    for path, text in adopted_documents(repo, added).items():
        folder = (repo / path).parent
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:|#", target):
                continue  # a URL, or a section of the same page
            if not (folder / target.split("#")[0]).exists():
                problems.append(f"{path}: links {target}, which does not exist")
        for named in PATH_NAMED.findall(text):
            if named in NAMED_BUT_NOT_WRITTEN or PLACEHOLDER.search(named):
                continue
            if "/" not in named:  # a file's name: a piece's `design.md`, `release.yml`
                found = any(p.rpartition("/")[2] == named for p in snapshot(repo))
            else:
                found = (repo / named).exists() or (folder / named).exists()
            if not found:
                problems.append(f"{path}: names {named}, which does not exist")
        for phrase, needed in CLAIMS.items():
            if phrase.lower() in text.lower() and not (repo / needed).exists():
                problems.append(f"{path}: says {phrase!r}, but there is no {needed}")
        for line in text.splitlines():
            command = re.search(r"copier update --|template_status\.py --", line)
            if command and f"--answers-file {answers_file}" not in line:
                problems.append(f"{path}: a command without --answers-file: {line.strip()}")
            if not (repo / "uv.lock").exists() and re.search(r"`uv (?!tool)", line):
                problems.append(f"{path}: a uv command in a repository without uv: {line}")
            if ".copier-answers.yml" in line:
                problems.append(f"{path}: names .copier-answers.yml, not {answers_file}")
    lifecycle = (repo / "docs/lifecycle.md").read_text()
    table = re.findall(r"^\| `([^`]+)` \| (?:process|user|copier) ", lifecycle, re.MULTILINE)
    owners = re.findall(r"^/(\S+)", (repo / ".github/CODEOWNERS").read_text(), re.MULTILINE)
    for listed in (*table, *owners):
        if listed.rstrip("/") not in {p.rstrip("/") for p in added} and not any(
            p.startswith(listed) for p in added
        ):
            problems.append(f"ownership: {listed} is not a file the adoption wrote")
    return problems


@pytest.mark.slow  # the real copier CLI, twice
@pytest.mark.parametrize("kind", ["library", "service"])
def test_every_adopted_document_is_true_for_the_repository(tmp_path: Path, kind: str) -> None:
    """The documents an adoption writes link and name only files that are there, claim
    no workflow, job, hook or docs build the adoption did not add, give every command
    with the answers file, and list as the template's only the files it wrote."""
    repo = tmp_path / "widgets"
    (repo / "src/acme_widgets").mkdir(parents=True)
    (repo / "src/acme_widgets/__init__.py").write_text('"""Widgets."""\n')
    (repo / "pyproject.toml").write_text('[project]\nname = "acme-widgets"\nversion = "1.0"\n')
    (repo / ".github").mkdir()
    (repo / ".github/pull_request_template.md").write_text("Our checklist\n")
    before = make_repo(repo)
    adopt_into(
        tagged_template(tmp_path / "template"), repo, "project_size=large", f"project_kind={kind}",
        "has_ui=true", "design_link=https://design.example/acme", "rfc_repository=acme/rfcs",
    )  # fmt: skip
    added = assert_adopted_without_touching(repo, before)
    assert ".github/PULL_REQUEST_TEMPLATE.md" not in added  # theirs, lower case
    problems = untrue_statements(repo, added, ANSWERS_FILE)
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------ the host's checks
STRICT_RUFF = """[project]
name = "acme-strict"
version = "1.0"

[tool.ruff]
line-length = 79

[tool.ruff.lint]
select = ["ALL"]
ignore = ["CPY001", "D203", "D213"]

[tool.ruff.format]
quote-style = "single"
"""
"""A host whose ruff settings our tools would break: every rule, 79 columns, single quotes."""


def whitespace_problems(repo: Path, paths: set[str]) -> list[str]:
    """What pre-commit's end-of-file-fixer and trailing-whitespace hooks would change."""
    problems = []
    for path in sorted(paths):
        data = (repo / path).read_bytes()
        if data and (not data.endswith(b"\n") or data.endswith(b"\n\n")):
            problems.append(f"{path}: does not end in exactly one newline")
        if any(line != line.rstrip() for line in data.decode().splitlines()):
            problems.append(f"{path}: trailing whitespace")
    return problems


@pytest.mark.slow  # the real copier CLI and ruff
def test_the_hosts_own_ruff_and_whitespace_hooks_stay_green(tmp_path: Path) -> None:
    """Ruff takes the closest config: tools/ruff.toml extends the host's and leaves our
    tools out, so a host's strict ruff passes without an edit of its own files; every
    added file ends in one newline and has no trailing whitespace."""
    repo = tmp_path / "strict"
    (repo / "src/acme_strict").mkdir(parents=True)
    (repo / "src/acme_strict/__init__.py").write_text('"""Strict widgets."""\n')
    (repo / "pyproject.toml").write_text(STRICT_RUFF)
    before = make_repo(repo)
    ruff = str(Path(sys.executable).with_name("ruff"))
    checks = ([ruff, "check", "--no-cache", "."], [ruff, "format", "--check", "--no-cache", "."])
    for command in checks:
        run(command, repo)  # green before
    adopt_into(tagged_template(tmp_path / "template"), repo)
    added = assert_adopted_without_touching(repo, before)
    assert "tools/ruff.toml" in added
    for command in checks:
        result = run(command, repo, check=False)
        assert result.returncode == 0, result.stdout + result.stderr  # green after
    assert whitespace_problems(repo, added) == []


# ------------------------------------------------------------------ real layouts, real checks
LAYOUTS = {
    # name: (sdists, project name, package); the first sdist is the repository, unless a
    # monorepo, where every sdist goes under packages/ beside a workspace pyproject.toml.
    "src layout, strict ruff, dynamic version": (("attrs==23.2.0",), "attrs", "attrs"),
    "flat package, its own tools/": (("idna==3.7",), "idna", "idna"),
    "setup.py only, one module": (("six==1.16.0",), "six", "six"),
    "mkdocs site": (("Markdown==3.6",), "Markdown", "markdown"),
    "monorepo": (("idna==3.7", "six==1.16.0"), "acme-mono", "acme_mono"),
}
"""Real projects from PyPI, one per layout an adoption must handle."""

MONOREPO_ROOT = """[project]
name = "acme-mono"
version = "0.1.0"

[tool.uv.workspace]
members = ["packages/*"]
"""


def layout_repo(layout: str, cache: Path, dest: Path) -> Path:
    """The repository of ``layout``, unpacked from its real sdists (not yet in git)."""
    pins, _, _ = LAYOUTS[layout]
    if layout != "monorepo":
        return unpack(download_sdist(pins[0], cache), dest)
    repo = dest / "acme-mono"
    for pin in pins:
        top = unpack(download_sdist(pin, cache), dest / pin)
        (repo / "packages").mkdir(parents=True, exist_ok=True)
        top.rename(repo / "packages" / top.name)
    (repo / "pyproject.toml").write_text(MONOREPO_ROOT)
    return repo


FINDING = re.compile(r"^\S+:\d+:\d+: ")
"""A line of ruff's concise output that names one finding (path:line:column:)."""


def host_checks(repo: Path) -> dict[str, tuple[int, list[str]]]:
    """What the repository's own ruff says, as its own settings make it (exit code, findings):
    on the whole tree, and on each Python file by name with ``--force-exclude``, as the
    pre-commit hooks run it (on a commit that adds our tools, they are named too)."""
    ruff = str(Path(sys.executable).with_name("ruff"))
    named = run(["git", "ls-files", "-co", "--exclude-standard", "*.py"], repo).stdout.split()
    concise = ["--no-cache", "--output-format", "concise"]
    results = {}
    for name, command in {
        "ruff check": [ruff, "check", "--no-fix", *concise, "."],
        "ruff format": [ruff, "format", "--check", *concise, "."],
        "pre-commit ruff": [ruff, "check", "--no-fix", "--force-exclude", *concise, *named],
        "pre-commit ruff-format": [ruff, "format", "--check", "--force-exclude", *concise, *named],
    }.items():
        result = run(command, repo, check=False)
        findings = [line for line in result.stdout.splitlines() if FINDING.match(line)]
        results[name] = (result.returncode, sorted(findings))  # not the count of clean files
    return results


@pytest.mark.slow  # downloads from PyPI; the real copier CLI, ruff, and an update
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_real_project_keeps_its_checks_and_receives_later_versions(
    tmp_path: Path, sdist_cache: Path, layout: str
) -> None:
    """Adopt a real project: its ruff says exactly what it said before, every added file
    passes the whitespace hooks, and a later version reaches the files the adoption wrote."""
    _, name, package = LAYOUTS[layout]
    repo = layout_repo(layout, sdist_cache, tmp_path / "unpacked")
    before = make_repo(repo)
    checks_before = host_checks(repo)
    template = build_template_repo(tmp_path / "template", LATER)
    copier_cli(
        "copy", "--trust", "--defaults", "--vcs-ref", template.v1, "--data", "existing_repo=true",
        "--answers-file", ANSWERS_FILE, str(template.path), str(repo), cwd=tmp_path,
    )  # fmt: skip
    added = assert_adopted_without_touching(repo, before)
    answers = yaml.safe_load((repo / ANSWERS_FILE).read_text())
    assert (answers["project_name"], answers["package_name"]) == (name, package)
    assert host_checks(repo) == checks_before
    assert whitespace_problems(repo, added) == []
    commit_all(repo, "Adopt the lifecycle process")
    own = {path: content for path, content in snapshot(repo).items() if path in before}
    updated = copier_cli(
        "update", "--trust", "--defaults", "--answers-file", ANSWERS_FILE, cwd=repo
    )
    message = updated.stdout + updated.stderr
    next_steps = message.rpartition("Next step:")[2].split("What changed in the process")[0]
    assert "git add -A" in next_steps  # the summary's own steps, not the changelog after them
    assert "uv sync" not in next_steps  # none of these projects uses uv
    theirs = set(answers["adoption_kept"])
    for expect in template.delivered("small"):
        if expect.path not in theirs:  # a file of theirs stays byte-identical (below)
            assert expect.line in (repo / expect.path).read_text(), expect.path
    assert {path: snapshot(repo)[path] for path in own} == own
    assert host_checks(repo) == checks_before


HOST_TOOL = '''"""Release helper: single-line imports, as the repository's own ruff wants."""

from os import path
from os import sep

import click

print(path, sep, click)
'''
"""A tool of the repository's own in tools/: green under click's isort settings, not ours."""


@pytest.mark.slow  # downloads from PyPI; the real copier CLI and ruff
def test_the_hosts_own_tools_keep_the_hosts_own_ruff_settings(
    tmp_path: Path, sdist_cache: Path
) -> None:
    """tools/ruff.toml extends the repository's own settings (click's: in pyproject.toml,
    `src`, `fix = true`, single-line imports) and leaves out only our tools: the
    repository's own files in tools/ get every finding they got before, and no other."""
    repo = unpack(download_sdist("click==8.2.1", sdist_cache), tmp_path / "unpacked")
    (repo / "tools").mkdir()
    (repo / "tools/release.py").write_text(HOST_TOOL)
    (repo / "tools/stale.py").write_text('"""Theirs, with a finding of its own."""\n\nimport os\n')
    before = make_repo(repo)
    ruff = str(Path(sys.executable).with_name("ruff"))
    ours = run(
        [ruff, "check", "--no-cache", "--config", str(ROOT / "template/ruff.toml"),
         "tools/release.py"], repo, check=False,
    )  # fmt: skip
    assert ours.returncode == 1 and "I001" in ours.stdout  # our rules would fail it
    checks_before = host_checks(repo)
    assert "tools/stale.py:3:8: F401" in "\n".join(checks_before["ruff check"][1])
    assert not any("release.py" in line for _, found in checks_before.values() for line in found)
    adopt_into(tagged_template(tmp_path / "template"), repo)
    assert_adopted_without_touching(repo, before)
    assert 'extend = "../pyproject.toml"' in (repo / "tools/ruff.toml").read_text()
    assert host_checks(repo) == checks_before


HATCH_HOSTS = {
    # sdist: (hatch, its extra requirements); hatch 1.14 predates virtualenv 20.31.
    "hatchling==1.25.0": ("hatch==1.18.2", ()),  # no config-path: `--config` hatch's own
    "hatch==1.14.1": ("hatch==1.14.1", ("virtualenv<20.31",)),  # config-path, green before
}
"""Real repositories formatted by pypa/hatch's `hatch fmt` (ruff with hatch's generated
settings), in both of its modes: hatch's rules given by `--config`, so ruff reads no
tools/ruff.toml, or (`config-path`, hatch's own repository) written beside the
repository's settings, which extend them."""


def hatch_fmt(repo: Path, data: Path, hatch: str, extra: tuple[str, ...]) -> list[str]:
    """What `hatch fmt --check` reports in ``repo`` (its findings and totals, in order)."""
    command = ["uv", "tool", "run", "--from", hatch, *(f"--with={w}" for w in extra), "hatch"]
    env = {**os.environ, "HATCH_DATA_DIR": str(data / "data"), "HATCH_CACHE_DIR": str(data)}
    result = run([*command, "fmt", "--check"], repo, check=False, env=env, timeout=600)
    if "Found " not in result.stdout and "formatted" not in result.stdout:
        pytest.skip(f"hatch did not run (PyPI unreachable?): {result.stderr.strip()[-300:]}")
    setup = ("Creating environment", "Checking dependencies", "Syncing dependencies")
    return [line for line in result.stdout.splitlines() if not line.startswith(setup)]


@pytest.mark.slow  # downloads the sdist and hatch from PyPI; the real copier CLI
@pytest.mark.parametrize("pin", sorted(HATCH_HOSTS))
def test_hatch_fmt_says_what_it_said_before_the_adoption(
    tmp_path: Path, sdist_cache: Path, pin: str
) -> None:
    """Our tools are skipped (tools/.ignore, tools/ruff.toml), the repository's own files
    in tools/ are checked as before, and nothing else changes in what hatch reports."""
    hatch, extra = HATCH_HOSTS[pin]
    repo = unpack(download_sdist(pin, sdist_cache), tmp_path / "unpacked")
    (repo / "tools").mkdir()
    (repo / "tools/release.py").write_text('"""Theirs."""\n\nimport sys\n\nprint(sys.argv)\n')
    before = make_repo(repo)
    data = tmp_path / "hatch"
    hatch_fmt(repo, data, hatch, extra)  # hatch writes its settings, then checks
    reported = hatch_fmt(repo, data, hatch, extra)
    assert any("tools/release.py:5:1" in line for line in reported)  # T201: theirs, checked
    adopt_into(tagged_template(tmp_path / "template"), repo)
    assert_adopted_without_touching(repo, before)  # hatch's own runs changed nothing either
    assert hatch_fmt(repo, data, hatch, extra) == reported
    (repo / "tools/.ignore").unlink()
    (repo / "tools/ruff.toml").unlink()  # without both, hatch's rules reach our tools
    assert any("tools/lifecycle.py" in line for line in hatch_fmt(repo, data, hatch, extra))


# ------------------------------------------------------------------ adopted before the record
ADOPTED_EARLIER = "25aa780"
"""A real commit of this repository whose adoption recorded no `adoption_kept` and kept
every adopted file with a common name, the template's own included, from every update."""


@pytest.mark.slow  # a clone of this repository's history, the real copier CLI twice
def test_a_repository_adopted_earlier_receives_the_changes_it_missed(tmp_path: Path) -> None:
    """Its history tells its own files from the adoption's: the update merges into the
    adoption's files, records the list, and leaves the repository's own as they are."""
    template = build_history_repo(tmp_path / "template", {"1.0.0": ADOPTED_EARLIER}, "9.0.0")
    repo = tmp_path / "widgets"
    (repo / "src/acme_widgets").mkdir(parents=True)
    (repo / "src/acme_widgets/__init__.py").write_text('"""Widgets."""\n')
    (repo / "pyproject.toml").write_text('[project]\nname = "acme-widgets"\nversion = "1.0"\n')
    (repo / ".github").mkdir()
    (repo / ".github/PULL_REQUEST_TEMPLATE.md").write_text("Our checklist\n")
    before = make_repo(repo)
    copier_cli(
        "copy", "--trust", "--defaults", "--vcs-ref", "1.0.0", "--data", "existing_repo=true",
        "--answers-file", ANSWERS_FILE, str(template), str(repo), cwd=tmp_path,
    )  # fmt: skip
    assert "adoption_kept" not in (repo / ANSWERS_FILE).read_text()
    assert "/.github/workflows/ci.yml" in (repo / ".github/CODEOWNERS").read_text()
    commit_all(repo, "Adopt the lifecycle process")
    copier_cli("update", "--trust", "--defaults", "--answers-file", ANSWERS_FILE, cwd=repo)
    answers = yaml.safe_load((repo / ANSWERS_FILE).read_text())
    assert (answers["_commit"], answers["adoption_kept"]) == (
        "9.0.0", [".github/PULL_REQUEST_TEMPLATE.md"]
    )  # fmt: skip
    codeowners = (repo / ".github/CODEOWNERS").read_text()
    assert "/.github/workflows/ci.yml" not in codeowners  # the new version reached it
    assert "/tools/ruff.toml" in codeowners
    assert "CODEOWNERS (`.github/CODEOWNERS`)" in (repo / "docs/lifecycle.md").read_text()
    assert (repo / ".github/PULL_REQUEST_TEMPLATE.md").read_bytes() == before[
        ".github/PULL_REQUEST_TEMPLATE.md"
    ]
    assert "<<<<<<<" not in codeowners


# ------------------------------------------------------------------ the host's docs site
MKDOCS = ["uv", "tool", "run", "--from", "mkdocs==1.6.1", "mkdocs", "build", "--strict"]
SPHINX = [
    "uv", "tool", "run", "--from", "sphinx==8.1.3", "--with", "myst-parser==4.0.0",
    "--with", "sphinxcontrib-mermaid==1.0.0", "sphinx-build", "-W", "-n", "-q", "docs", "_site",
]  # fmt: skip


def message_block(message: str, start: str, end: str) -> list[str]:
    """The indented lines of the message between the line containing ``start`` and ``end``."""
    block = message[message.index(start) : message.index(end)]
    return [line.strip() for line in block.splitlines() if line.startswith("   ")]


@pytest.mark.slow  # the real copier CLI, MkDocs and Sphinx from PyPI
def test_the_hosts_strict_docs_builds_pass_after_adoption(tmp_path: Path) -> None:
    """MkDocs --strict passes untouched; Sphinx -W -n passes with the lines the message names."""
    template = tagged_template(tmp_path / "template")
    mkdocs = tmp_path / "mk"
    (mkdocs / "docs").mkdir(parents=True)
    (mkdocs / "pyproject.toml").write_text('[project]\nname = "acme"\n')
    (mkdocs / "mkdocs.yml").write_text("site_name: Acme\nnav:\n  - Home: index.md\n")
    (mkdocs / "docs/index.md").write_text("# Acme\n")
    sphinx = tmp_path / "sx"
    (sphinx / "docs").mkdir(parents=True)
    (sphinx / "pyproject.toml").write_text('[project]\nname = "acme"\n')
    (sphinx / "docs/conf.py").write_text('project = "Acme"\nextensions = ["myst_parser"]\n')
    (sphinx / "docs/index.rst").write_text("Acme\n====\n\n.. toctree::\n\n")
    for repo, build in ((mkdocs, MKDOCS), (sphinx, SPHINX)):
        make_repo(repo)
        run(build, repo, timeout=600)  # green before
        adopted = adopt_into(template, repo, "project_size=large")
        message = adopted.stdout + adopted.stderr
        if repo is sphinx:
            assert run(build, repo, check=False, timeout=600).returncode != 0  # pages unlisted
            toctree = message_block(message, "to a toctree in", "and these to docs/conf.py")
            settings = message_block(message, "and these to docs/conf.py", "Next steps")
            with (repo / "docs/index.rst").open("a") as index:
                index.writelines(f"   {page}\n" for page in toctree)
            with (repo / "docs/conf.py").open("a") as conf:
                conf.writelines(f"{line}\n" for line in settings)
        result = run(build, repo, check=False, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr  # green after
