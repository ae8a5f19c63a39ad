"""Jinja filters that read an existing repository, for adopting the lifecycle into it.

Why a module of its own: adoption asks copier questions about the destination
folder (does it already hold a Python project? what does it call itself?), and
only a filter can answer them: copier renders question ``when`` and ``default``
with ``_copier_conf.dst_path`` in the context, but offers no file access.

Public surface (filters; each takes the destination path and never fails, so a
missing or unreadable file gives the empty answer):

* ``holds_project``: the folder has ``pyproject.toml``, ``setup.py`` or ``src/``.
* ``asks_existing_repo``: whether to ask ``existing_repo``: a project is there,
  and it is not a repository the template made (whose answers file lacks it).
* ``existing_project_name``: ``[project] name`` from its ``pyproject.toml`` (or
  ``[metadata] name`` from ``setup.cfg``, or the literal ``name=`` of the
  ``setup()`` call in ``setup.py``, where older projects keep it), or "".
* ``existing_repo_problem``: the rule an ``existing_repo`` answer breaks, or "":
  it cannot change once recorded in the destination's answers file.
* ``existing_package``: its import package (``src/<pkg>/`` or a top-level
  ``<pkg>/__init__.py`` matching the project name), or "".
* ``adoption_kept``: the files an adoption writes that the repository already
  had (at that path, under another case or extension, or a file of the same
  purpose): they stay the repository's at every update. Recorded in the answers
  file at adoption, and read back from there ever after.
* ``kept_lines``: the after-copy message's lines on the kept files, each with a
  command that compares it with the template's version.
* ``docs_site_lines``: the after-copy message's lines that name what to add to
  the repository's MkDocs nav or Sphinx toctree for the pages the adoption wrote.
* ``tools_ruff_lines``: the settings of the adopted ``tools/ruff.toml``: the
  repository's own ruff configuration, extended, so its own files in ``tools/``
  are checked exactly as before, and our tools left out.
* ``own_checks``: the command that runs an adopted repository's own checks
  (uv, tox, nox, hatch, poetry), for the update message.
* ``adopted_items``: process.yml items (``artefacts``, ``tooling``) as an adopted
  repository has them: only files the adoption wrote, under the names it used.

Standard library, Jinja2 and PyYAML (a dependency of copier) only.
"""

from __future__ import annotations

import configparser
import contextlib
import os
import re
import subprocess
import tomllib
from pathlib import Path, PurePosixPath

import yaml
from jinja2 import Environment, Undefined
from jinja2.ext import Extension

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "src")
"""What tells a folder already holds a Python project."""


def _folder(dst_path: object) -> Path | None:
    """The destination as a Path, or None when it is unknown (rendered outside copier)."""
    if dst_path is None or isinstance(dst_path, Undefined) or not str(dst_path):
        return None
    return Path(os.fspath(dst_path))  # type: ignore[call-overload]


def holds_project(dst_path: object) -> bool:
    """Whether copier is writing into a folder that already holds a Python project."""
    folder = _folder(dst_path)
    return folder is not None and any((folder / name).exists() for name in PROJECT_MARKERS)


OUR_ANSWERS = ("project_kind", "project_size")
"""Answers every answers file this template writes holds, and another template's lacks."""

ADOPTION_ANSWERS_FILE = ".copier-answers.lifecycle.yml"
"""The answers file docs/how-to/adopting.md gives: never another template's."""


def _answers(folder: Path, answers_file: object) -> dict[str, object] | None:
    """The destination's answers file as a mapping; None without a readable one."""
    if isinstance(answers_file, Undefined) or not str(answers_file):
        return None
    try:
        data = yaml.safe_load((folder / str(answers_file)).read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def _other_templates(folder: Path, answers_file: object) -> str:
    """The template that wrote the destination's answers file if it is not this one, or ""."""
    data = _answers(folder, answers_file)
    if data is None or any(name in data for name in OUR_ANSWERS):
        return ""
    return str(data.get("_src_path") or "another template")


def _recorded_adoption(folder: Path, answers_file: object) -> bool | None:
    """``existing_repo`` as this template's answers file records it; None without one."""
    data = _answers(folder, answers_file)
    if data is None or _other_templates(folder, answers_file):
        return None
    return data.get("existing_repo") is True


def asks_existing_repo(dst_path: object, answers_file: object) -> bool:
    """Ask only where a project is and it is not one the template made.

    A repository the template made already holds a project at every update; asking
    there would add a new answer to its answers file on each first update.
    """
    folder = _folder(dst_path)
    if folder is None or not holds_project(folder):
        return False
    return _recorded_adoption(folder, answers_file) is not False


def existing_project_name(dst_path: object) -> str:
    """The name the repository gives itself in its packaging metadata, or "" if none."""
    folder = _folder(dst_path)
    if folder is None:
        return ""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if isinstance(name, str) and name:
        return name
    setup_cfg = configparser.ConfigParser(interpolation=None)
    with contextlib.suppress(OSError, configparser.Error):
        setup_cfg.read(folder / "setup.cfg", encoding="utf-8")
    name = setup_cfg.get("metadata", "name", fallback="").strip()
    return name or _setup_py_name(folder)


SETUP_PY_NAME = re.compile(r"""\bsetup\s*\((?:[^()]|\([^()]*\))*?\bname\s*=\s*["']([^"']+)["']""")
"""``name="..."`` among the arguments of the ``setup(...)`` call, as a literal."""


def _setup_py_name(folder: Path) -> str:
    """The literal ``name=`` a ``setup.py`` passes to ``setup()``, or "" (never run)."""
    try:
        text = (folder / "setup.py").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    found = SETUP_PY_NAME.search(text)
    return found.group(1).strip() if found else ""


def _import_name(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")


NOT_PACKAGES = {"tests", "test", "docs", "doc", "examples", "scripts", "tools", "benchmarks"}
"""Top-level folders with an ``__init__.py`` that are not what the project ships."""


def _declared_packages(folder: Path) -> list[str]:
    """The packages the packaging settings name: setuptools, hatch, flit or poetry."""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    candidates: list[object] = []
    setuptools = tool.get("setuptools", {})
    if isinstance(setuptools, dict) and isinstance(setuptools.get("packages"), list):
        candidates += setuptools["packages"]
    hatch = tool.get("hatch", {})
    wheel = (
        hatch.get("build", {}).get("targets", {}).get("wheel", {})
        if isinstance(hatch, dict)
        else {}
    )
    if isinstance(wheel, dict) and isinstance(wheel.get("packages"), list):
        candidates += wheel["packages"]
    flit = tool.get("flit", {})
    if isinstance(flit, dict) and isinstance(flit.get("module"), dict):
        candidates.append(flit["module"].get("name"))
    poetry = tool.get("poetry", {})
    if isinstance(poetry, dict) and isinstance(poetry.get("packages"), list):
        candidates += [item.get("include") for item in poetry["packages"] if isinstance(item, dict)]
    names = [str(candidate or "").rstrip("/").rpartition("/")[2] for candidate in candidates]
    return [name for name in names if name.isidentifier()]


def existing_package(dst_path: object) -> str:
    """The repository's own import package, or "" when it cannot be told.

    The one its packaging settings name wins (the one named like the project, if
    they name several); then ``src/<pkg>/`` (the one matching
    the project name if there are several); then a top-level package named after
    the project, or the only top-level package (``scout`` for ``scout-browser``).
    """
    folder = _folder(dst_path)
    if folder is None:
        return ""
    wanted = _import_name(existing_project_name(folder))
    declared = _declared_packages(folder)
    if declared:
        return wanted if wanted in declared else declared[0]
    for base in (folder / "src", folder):
        try:
            found = sorted(
                path.name
                for path in base.iterdir()
                if path.is_dir()
                and (path / "__init__.py").is_file()
                and path.name.isidentifier()
                and path.name not in NOT_PACKAGES
            )
        except OSError:
            continue
        if wanted in found:
            return wanted
        if found and (base.name == "src" or len(found) == 1):
            return found[0]
    return ""


def existing_repo_problem(answer: object, dst_path: object, answers_file: object) -> str:
    """Refuse to flip ``existing_repo`` in a repository that already recorded it.

    Why: an update renders the old answers to see what the team changed, and
    copier deletes a file the old render has and the new one lacks. Turning
    adoption on later would delete the template's CI and tooling files; turning it
    off would write a skeleton over an adopted repository's own files.
    """
    folder = _folder(dst_path)
    if folder is None:
        return ""
    other = _other_templates(folder, answers_file)
    if other:
        return (
            f"{answers_file} holds the answers of {other}; nothing was written. "
            f"Add --answers-file {ADOPTION_ANSWERS_FILE} so each template keeps its own."
        )
    recorded = _recorded_adoption(folder, answers_file)
    if recorded is not None and bool(answer) != recorded:  # None: a first copy
        return (
            f"cannot change after the first copy (recorded: {str(recorded).lower()}); "
            "copy into a fresh branch instead."
        )
    if recorded is None and not answer and holds_project(folder):
        found = ", ".join(name for name in PROJECT_MARKERS if (folder / name).exists())
        return (
            f"this folder already holds a Python project ({found}); nothing was written. "
            "To add only the process, run the same command with --data existing_repo=true "
            f"--answers-file {ADOPTION_ANSWERS_FILE}"
        )
    return ""


ADOPTED_FILES = (
    ".github/CODEOWNERS",
    ".github/ISSUE_TEMPLATE/bug.md",
    ".github/ISSUE_TEMPLATE/config.yml",
    ".github/ISSUE_TEMPLATE/decision.md",
    ".github/ISSUE_TEMPLATE/epic.md",
    ".github/ISSUE_TEMPLATE/feature.md",
    ".github/ISSUE_TEMPLATE/new-work.yml",
    ".github/ISSUE_TEMPLATE/release.md",
    ".github/PULL_REQUEST_TEMPLATE.md",
    ".github/workflows/lifecycle-test-plan.yml",
    ".github/workflows/rfc-discussions.yml",
    ".github/workflows/template-update.yml",
    ".lifecycle/process.json",
    "docs/infrastructure-request.md",
    "docs/lifecycle.md",
    "docs/production-readiness.md",
    "docs/release-checklist.md",
    "docs/roadmap.md",
    "docs/runbook.md",
    "docs/test-plan.md",
    "tools/.ignore",
    "tools/check_leftovers.py",
    "tools/lifecycle.py",
    "tools/requirements.txt",
    "tools/rfc_discussion.py",
    "tools/ruff.toml",
    "tools/template_status.py",
)
"""Every file an adoption may write outside docs/work/ (tests/test_adoption.py
checks the list against a real adoption of every size). copier.yml has one
``_skip_if_exists`` entry per possible recorded path."""

KEPT_ANSWER = "adoption_kept"
"""The answers-file key that records which of ADOPTED_FILES the repository had."""

SAME_PURPOSE = {
    ".github/PULL_REQUEST_TEMPLATE.md": (
        "pull_request_template.md",
        "docs/pull_request_template.md",
        ".github/pull_request_template/",
    ),
    ".github/CODEOWNERS": ("codeowners", "docs/codeowners"),
}
"""Other places GitHub reads the same file from (lower case): one there covers ours."""

ISSUE_PURPOSE = {"bug.md": ("bug",), "feature.md": ("feature", "enhancement")}
"""Issue templates whose purpose a repository's own template of another name covers:
one whose name contains a word here (``bug-report.md``, ``feature_request.yml``)."""


def _covering(path: str, had: dict[str, str]) -> str:
    """The repository's file that stands for ``path``, or "" (``had``: lower case to real).

    At that path in any case, with ``.yaml`` for ``.yml``, at another place GitHub
    reads the same file from, or an issue template of the same purpose.
    """
    wanted = path.lower()
    for other in (
        wanted,
        wanted[:-4] + ".yaml" if wanted.endswith(".yml") else "",
        *SAME_PURPOSE.get(path, ()),
    ):
        if other in had:
            return had[other]
        if other.endswith("/"):
            inside = sorted(p for p in had if p.startswith(other))
            if inside:
                return had[inside[0]]
    folder, _, name = path.rpartition("/")
    if folder == ".github/ISSUE_TEMPLATE" and name in ISSUE_PURPOSE:
        for other in sorted(had):
            other_folder, _, other_name = other.rpartition("/")
            if other_folder == folder.lower() and any(
                word in PurePosixPath(other_name).stem for word in ISSUE_PURPOSE[name]
            ):
                return had[other]
    return ""


def _files_in(folder: Path) -> dict[str, str]:
    """The repository's files that could cover an adopted file: lower case to real path.

    Only the folders the template writes to, and the root: a monorepo's other
    trees are never walked.
    """
    found: dict[str, str] = {}
    for top in ("", ".github", "docs", "tools", ".lifecycle"):
        base = folder / top
        pattern = "**/*" if top == ".github" else "*"
        try:
            paths = list(base.glob(pattern)) if base.is_dir() else []
        except OSError:
            continue
        for path in paths:
            if path.is_file():
                real = path.relative_to(folder).as_posix()
                found[real.lower()] = real
    return found


def _recorded_kept(folder: Path, answers_file: object) -> list[str] | None:
    """``adoption_kept`` as the answers file records it; None where it records none."""
    data = _answers(folder, answers_file)
    value = None if data is None else data.get(KEPT_ANSWER)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


def _git_lines(folder: Path, *args: str) -> list[str] | None:
    """Output lines of ``git -C folder ARGS``, or None when git fails."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.splitlines()


def _had_before_adoption(folder: Path, answers_file: object) -> set[str] | None:
    """The files committed before the commit that added the answers file (lower case).

    Why: a repository adopted before ``adoption_kept`` existed records nothing;
    its history still tells the files it had from the ones the adoption wrote.
    None when git cannot tell (no repository, the answers file never committed).
    """
    added = _git_lines(folder, "log", "--diff-filter=A", "--format=%H", "--", str(answers_file))
    if not added:
        return None
    parent = _git_lines(folder, "rev-parse", "--verify", "--quiet", f"{added[-1]}^")
    if not parent:
        return set()  # the adoption was the first commit: nothing was there before
    listed = _git_lines(folder, "ls-tree", "-r", "--name-only", parent[0])
    return None if listed is None else {line.lower() for line in listed}


def adoption_kept(dst_path: object, answers_file: object, existing_repo: object) -> list[str]:
    """The adopted files that stay the repository's own: recorded, else found.

    At the first copy, the ADOPTED_FILES the repository already covers (see
    ``_covered``). Ever after, the list the answers file recorded, so a later
    template version can never take the template's files for the team's, nor the
    other way round. A repository adopted before the list existed is read from
    its git history; without one, every adopted file present counts as its own.
    """
    folder = _folder(dst_path)
    if not existing_repo or folder is None:
        return []
    recorded = _recorded_kept(folder, answers_file)
    if recorded is not None:
        return recorded
    had = _files_in(folder)
    if _recorded_adoption(folder, answers_file):
        before = _had_before_adoption(folder, answers_file)
        if before is not None:
            written = set(had) - before  # the adoption's own files: process-owned
            earlier = {path: path for path in before}
            return [p for p in ADOPTED_FILES if p.lower() not in written and _covering(p, earlier)]
    return [p for p in ADOPTED_FILES if _covering(p, had)]


def kept_lines(
    kept: object, dst_path: object, src_path: object, commit: object, answers_file: object
) -> list[str]:
    """Message lines: each file kept at adoption, and one command that compares it.

    Why: the template wrote none of its own where the repository had a file, so a
    team that wants the template's text needs a reference copy rendered from the
    recorded template source, version and answers (copier's temporary clone is gone
    when the message shows), and the repository's own file to compare it with.
    """
    folder = _folder(dst_path)
    paths = sorted(set(kept)) if isinstance(kept, list) else []
    if folder is None or not paths:
        return []
    had = _files_in(folder)
    reference = "../lifecycle-reference"
    lines = [
        "Kept: your repository had these, so the template wrote none of its own and",
        "no update changes them. To compare one with the template's version, render",
        "a reference copy once:",
        "  uvx --from 'copier>=9.6,<10' --with copier-template-extensions copier copy"
        f" --trust --defaults --data-file {answers_file} --data existing_repo=false"
        f" --vcs-ref {commit} {src_path} {reference}",
        "then, for each:",
    ]
    for path in paths:
        theirs = _covering(path, had) or path
        lines.append(f"  diff -u {reference}/{path} {theirs}")
    return lines


ADOPTED_NAMES = {".github/workflows/test-plan.yml": ".github/workflows/lifecycle-test-plan.yml"}
"""Process files an adoption writes under another name (theirs may hold the usual one)."""


def adopted_items(
    items: list[dict[str, object]], existing_repo: object, kept: object
) -> list[dict[str, object]]:
    """``items`` (process.yml entries with a ``path``) as they are in this repository.

    Why: an adopted repository has only the files the adoption wrote, some under
    another name, and its own where ``adoption_kept`` says so; documents and
    CODEOWNERS that list the usual set there name files it lacks, or claim its own
    files for the template. A repository the template made gets ``items`` unchanged.
    """
    if not existing_repo:
        return items
    own = set(kept) if isinstance(kept, list) else set()
    found = []
    for item in items:
        path = str(item["path"])
        path = ADOPTED_NAMES.get(path, path)
        written = path in ADOPTED_FILES or path.startswith("docs/work/")
        if written and not (item.get("ownership") == "process" and path in own):
            found.append({**item, "path": path})
    return found


def _added_pages(folder: Path, docs: str, kept: list[str]) -> list[str]:
    """The Markdown pages the adoption wrote under ``docs`` (paths inside it, no suffix)."""
    pages = [
        path
        for path in ADOPTED_FILES
        if path.startswith("docs/") and path.endswith(".md") and path not in kept
    ]
    root = folder / docs
    work = sorted(p.relative_to(folder).as_posix() for p in (root / "work").rglob("*.md"))
    found = [p for p in [*pages, *work] if (folder / p).is_file() and p.startswith(docs + "/")]
    return [p[len(docs) + 1 : -3] for p in found]


def docs_site_lines(dst_path: object, kept: object) -> list[str]:
    """Message lines: the exact lines that wire the added pages into the repository's site.

    Why: a strict build (``mkdocs build --strict``, ``sphinx-build -W``) of a
    repository's own site may refuse pages that no nav or toctree lists, and the
    adoption never edits the repository's files. Nothing for a site that lists
    pages itself (MkDocs without ``nav``) or never reads Markdown (Sphinx without MyST).
    """
    folder = _folder(dst_path)
    own = kept if isinstance(kept, list) else []
    if folder is None:
        return []
    try:
        mkdocs = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    except OSError:
        mkdocs = ""
    if mkdocs:
        docs_dir = re.search(r"^docs_dir:\s*['\"]?([^'\"\s#]+)", mkdocs, flags=re.MULTILINE)
        docs = (docs_dir.group(1) if docs_dir else "docs").strip("/")
        pages = _added_pages(folder, docs, own)
        if not re.search(r"^nav:", mkdocs, flags=re.MULTILINE) or not pages:
            return []
        return [
            "Your MkDocs site lists its pages in mkdocs.yml; add these under nav:",
            "  - Lifecycle:",
            *(f"      - {page}.md" for page in pages),
        ]
    try:
        conf = (folder / "docs" / "conf.py").read_text(encoding="utf-8")
    except OSError:
        return []
    # work/index lists the pieces of work in a toctree of its own.
    pages = [p for p in _added_pages(folder, "docs", own) if p.count("/") == 0 or p == "work/index"]
    if "myst" not in conf or not pages:
        return []  # Sphinx reads no Markdown page: nothing for it to warn about
    index = next((n for n in ("index.md", "index.rst") if (folder / "docs" / n).is_file()), "")
    lines = [
        "Your Sphinx site builds Markdown pages; add these lines to a toctree in",
        f"docs/{index or 'index.rst'}:",
        *(f"   {page}" for page in pages),
    ]
    settings = []
    if "myst_heading_anchors" not in conf:  # links to a section: [list of checks](#checks)
        settings.append("   myst_heading_anchors = 3")
    if "sphinxcontrib.mermaid" not in conf:  # the stage diagram (sphinxcontrib-mermaid)
        settings.append('   extensions.append("sphinxcontrib.mermaid")')
    if "myst_fence_as_directive" not in conf:  # a ```mermaid fence, as GitHub draws it
        settings.append('   myst_fence_as_directive = ["mermaid"]')
    if settings:
        lines += ["and these to docs/conf.py (for `sphinx-build -W -n`):", *settings]
    return lines


RUFF_CONFIGS = (".ruff.toml", "ruff.toml", "pyproject.toml")
"""Where ruff looks for its settings in a folder, first wins (pyproject.toml only with
a ``[tool.ruff]`` table)."""


def tools_ruff_lines(dst_path: object) -> list[str]:
    """The lines of ``tools/ruff.toml`` that hand ``tools/`` back to the repository's ruff.

    Why: ruff takes the configuration closest to each file, so any ``tools/ruff.toml``
    governs every file in ``tools/``, the repository's own ones too. Extending the
    repository's own configuration keeps their rules for their files; ``src`` keeps
    its default (the repository root and ``src/``, not ``tools/``), else the import
    order of their tools would change. Our tools are excluded there (and in
    ``tools/.ignore``): the template checks them, and no host setting can pass them all.
    """
    folder = _folder(dst_path)
    lines = []
    settings: dict[str, object] = {}
    for name in RUFF_CONFIGS if folder is not None else ():
        try:
            data = tomllib.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if name == "pyproject.toml":
            tool = data.get("tool")
            ruff = tool.get("ruff") if isinstance(tool, dict) else None
            if not isinstance(ruff, dict):
                continue
            data = ruff
        lines.append(f'extend = "../{name}"')
        settings = data
        break
    if "src" not in settings:
        lines.append('src = ["..", "../src"]')
    return lines


UV_CHECKS = "uv sync --all-groups && uv run pytest && uv run ruff check ."
"""The checks of a repository the template made (it uses uv)."""


def own_checks(dst_path: object, existing_repo: object) -> str:
    """The command that runs the repository's own checks, for the update message.

    Why: an adopted repository keeps its own toolchain; telling one without uv to
    run ``uv sync`` sends its team to a tool it does not use.
    """
    folder = _folder(dst_path)
    if not existing_repo or folder is None or (folder / "uv.lock").is_file():
        return UV_CHECKS
    try:
        pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        pyproject = ""
    if (folder / "tox.ini").is_file() or "[tool.tox" in pyproject:
        return "tox"
    if (folder / "noxfile.py").is_file():
        return "nox"
    if "[tool.hatch.envs" in pyproject:
        return "hatch test"
    if (folder / "poetry.lock").is_file():
        return "poetry run pytest"
    return "python3 -m pytest    # or your repository's own checks"


class AdoptionExtension(Extension):
    """Register the filters above on copier's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            holds_project=holds_project,
            asks_existing_repo=asks_existing_repo,
            existing_project_name=existing_project_name,
            existing_package=existing_package,
            existing_repo_problem=existing_repo_problem,
            adoption_kept=adoption_kept,
            adopted_items=adopted_items,
            kept_lines=kept_lines,
            docs_site_lines=docs_site_lines,
            own_checks=own_checks,
            tools_ruff_lines=tools_ruff_lines,
        )
