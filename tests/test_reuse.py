"""extensions/reuse.py: what an update's two template versions share, and what they never share.

Copier executes our extension modules afresh for every render. These tests
stand in for two template versions with two folders, as an update has them.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, run
from .extension_modules import reuse


def version(folder: Path, files: dict[str, str]) -> Path:
    """One template version: ``files`` written under ``folder``."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_modules_are_fresh_and_share_only_compiled_code(tmp_path: Path) -> None:
    source = "from pathlib import Path\nHERE = Path(__file__).parent\nSEEN = []\n"
    first = reuse.load_module("probe", version(tmp_path / "v1", {"m.py": source}) / "m.py")
    second = reuse.load_module("probe", version(tmp_path / "v2", {"m.py": source}) / "m.py")
    assert first is not second and first.__name__ != second.__name__
    assert first.SEEN is not second.SEEN
    assert [first.HERE.name, second.HERE.name] == ["v1", "v2"]
    changed = version(tmp_path / "v3", {"m.py": "VALUE = 3\n"}) / "m.py"
    assert reuse.load_module("probe", changed).VALUE == 3


def test_yaml_is_parsed_once_per_content(tmp_path: Path) -> None:
    one = version(tmp_path / "v1", {"p.yml": "items: [a, b]\n"}) / "p.yml"
    same = version(tmp_path / "v2", {"p.yml": "items: [a, b]\n"}) / "p.yml"
    other = version(tmp_path / "v3", {"p.yml": "items: [c]\n"}) / "p.yml"
    assert reuse.load_yaml(one) is reuse.load_yaml(same)
    assert reuse.load_yaml(other) == {"items": ["c"]}


@pytest.mark.parametrize("text", ["- a\n", "a: 1\n"])
def test_yaml_change_is_seen(tmp_path: Path, text: str) -> None:
    path = version(tmp_path, {"p.yml": "a: 0\n"}) / "p.yml"
    reuse.load_yaml(path)
    path.write_text(text, encoding="utf-8")
    assert reuse.load_yaml(path) == reuse.yaml.safe_load(text)


def template_copy(folder: Path) -> Path:
    """The template's extensions and shipped tool, copied under ``folder`` to break on purpose."""
    for part in ("extensions", "template/tools"):
        shutil.copytree(ROOT / part, folder / part)
    return folder


@pytest.mark.parametrize("moved", ["extensions/sizes.py", "template/tools/lifecycle.py"])
def test_a_moved_module_stops_the_import_naming_its_path(tmp_path: Path, moved: str) -> None:
    copy = template_copy(tmp_path)
    (copy / moved).rename(copy / f"{moved}.old")
    with pytest.raises(ImportError, match=re.escape(str(copy / moved))):
        reuse.load_module("process", copy / "extensions" / "process.py")


LOADING_BY_PATH = re.compile(
    "|".join(
        ["spec_from_file_" + "location", "exec_" + "module", r"run_path\(", "SourceFile" + "Loader"]
    )
)
"""The ways to load a module by path (spelt in parts so this line does not match)."""


def test_every_module_loaded_by_path_goes_through_the_one_loader() -> None:
    """Only reuse.py loads a module by path; the others reach its loader through runpy.

    The exceptions are the after-update migration, which runs the
    repository's own tool, a file of the team's repository, not the template's,
    and the bench's profiler, which runs copier's command-line script as ``__main__``.
    """
    allowed = {"extensions/reuse.py", "migrations/sync_lifecycle.py", "bench/sampler.py"}
    found = []
    tracked = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"], ROOT)
    for relative in tracked.stdout.split():
        if relative.startswith("template/") or relative in allowed:
            continue
        text = (ROOT / relative).read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            match = LOADING_BY_PATH.search(line)
            if match and not (match.group() == "run_path(" and "reuse" in line.lower()):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


TYPED_TESTS = (
    "conftest.py",
    "extension_modules.py",
    "test_adoption.py",
    "test_answers.py",
    "test_artefacts.py",
    "test_docs_site.py",
    "test_generate.py",
    "test_lifecycle_tool.py",
    "test_markdown_text.py",
    "test_newcomer.py",
    "test_process.py",
    "test_reuse.py",
    "test_sizes.py",
    "test_update_extension.py",
)
"""Test modules that pass mypy against the real modules behind tests/extension_modules.py."""


@pytest.mark.slow
def test_a_type_checker_sees_every_module_the_tests_load() -> None:
    """mypy reads the real modules behind tests/extension_modules.py: a missing name fails."""
    files = [f"tests/{name}" for name in TYPED_TESTS]
    run([sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent", *files], ROOT)


def test_a_shared_module_is_one_per_file_and_content(tmp_path: Path) -> None:
    """The shipped tool is executed once per template version, however many loaders ask."""
    source = "SEEN = []\n"
    first = version(tmp_path / "v1", {"m.py": source}) / "m.py"
    second = version(tmp_path / "v2", {"m.py": source}) / "m.py"
    shared = reuse.load_module("probe", first, shared=True)
    assert reuse.load_module("probe", first, shared=True) is shared
    assert reuse.load_module("probe", second, shared=True) is not shared
    assert reuse.load_module("probe", first) is not shared
    first.write_text("SEEN = [1]\n")
    assert reuse.load_module("probe", first, shared=True).SEEN == [1]
