"""extensions/reuse.py: what an update's two template versions share, and what they never share.

Copier executes our extension modules afresh for every render. These tests
stand in for two template versions with two folders, as an update has them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
