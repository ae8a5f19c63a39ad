"""extensions/reuse.py: what an update's two template versions share, and what they never share.

Copier makes a fresh Jinja environment, with freshly executed extension
modules, for every render. These tests stand in for two template versions
with two folders and two environments, as an update has them.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2 import pass_context
from jinja2.sandbox import SandboxedEnvironment

from .extension_modules import reuse


def version(folder: Path, files: dict[str, str]) -> Path:
    """One template version: ``files`` written under ``folder``."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def environment(folder: Path, **filters: object) -> jinja2.Environment:
    """An environment like copier's: sandboxed, loading from ``folder``, with ReuseExtension."""
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)), extensions=[reuse.ReuseExtension]
    )
    env.filters.update(filters)
    return env


def compiled(env: jinja2.Environment, name: str) -> object:
    """The code object a template runs, to tell a compiled template from a shared one."""
    return env.get_template(name).root_render_func.__code__


def test_identical_templates_compile_once_for_two_versions(tmp_path: Path) -> None:
    files = {"docs/a.md.jinja": "# {{ name | upper }}\n"}
    old = environment(version(tmp_path / "v1", files))
    new = environment(version(tmp_path / "v2", files))
    assert compiled(old, "docs/a.md.jinja") is compiled(new, "docs/a.md.jinja")
    assert new.get_template("docs/a.md.jinja").render(name="x") == "# X"


def test_a_changed_template_renders_its_own_source(tmp_path: Path) -> None:
    old = environment(version(tmp_path / "v1", {"a.jinja": "old {{ name }}"}))
    new = environment(version(tmp_path / "v2", {"a.jinja": "new {{ name }}"}))
    assert old.get_template("a.jinja").render(name="x") == "old x"
    assert new.get_template("a.jinja").render(name="x") == "new x"


def test_a_filter_that_changed_how_it_is_called_recompiles(tmp_path: Path) -> None:
    """Compiled code passes the context to a ``pass_context`` filter: never share it across."""
    files = {"a.jinja": "{{ name | shout }}"}

    @pass_context
    def shout_with_context(context: object, value: str) -> str:
        return f"{value}!"

    old = environment(version(tmp_path / "v1", files), shout=lambda value: f"{value}!")
    new = environment(version(tmp_path / "v2", files), shout=shout_with_context)
    assert compiled(old, "a.jinja") is not compiled(new, "a.jinja")
    assert new.get_template("a.jinja").render(name="x") == "x!"


def test_other_syntax_settings_recompile(tmp_path: Path) -> None:
    folder = version(tmp_path / "v1", {"a.jinja": "{{ name }}\n"})
    plain = environment(folder)
    kept = environment(folder)
    kept.keep_trailing_newline = True
    assert plain.get_template("a.jinja").render(name="x") == "x"
    assert kept.get_template("a.jinja").render(name="x") == "x\n"


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
