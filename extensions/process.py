"""The process content: the lists in ``process.yml``, filtered for a project.

Copier loads this file by path (through ``copier_template_extensions``), so it
stays importable on its own: standard library, Jinja2 and PyYAML (which copier
itself depends on). The size rules come from ``sizes.py`` beside it, loaded by
path under a name of its own (an update loads two template versions).

Why a module: size-varying process content (a checklist, the sections of a
document, the artefacts of each stage) lives only in ``process.yml``, so a
process change is one edit in that file; this module reads and checks it once
and hands each template the items a project gets.

* global ``process_items(key, size, has_ui=False)``: the items of one list
  that a project of ``size`` gets, in file order.
"""

from __future__ import annotations

import importlib.util
import itertools
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from jinja2 import Environment
from jinja2.ext import Extension

PROCESS_FILE = Path(__file__).with_name("process.yml")
"""The data file with every list whose items depend on the project size."""
_LOADS = itertools.count()


def _load_sizes() -> ModuleType:
    """``sizes.py`` beside this file, never another template version's."""
    path = Path(__file__).with_name("sizes.py")
    spec = importlib.util.spec_from_file_location(f"lifecycle_sizes_{next(_LOADS)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sizes = _load_sizes()
SIZES: tuple[str, ...] = sizes.SIZES


@cache
def load_process(path: Path = PROCESS_FILE) -> dict[str, list[dict[str, Any]]]:
    """Read and check ``process.yml`` once.

    A broken item (no ``text``, an unknown ``min_size``) fails the render
    instead of silently dropping a checklist line from every project.
    """
    # libyaml's loader (in PyYAML's wheels) reads the file ten times faster than
    # the pure-Python one, and an update loads it three times (old copy, new copy, merge).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} must map list names to lists of items")
    for key, items in data.items():
        if not isinstance(items, list) or not items:
            raise ValueError(f"{path.name}: {key!r} must be a non-empty list")
        for number, item in enumerate(items, start=1):
            where = f"{path.name}: {key}[{number}]"
            if not isinstance(item, dict) or not str(item.get("text", "")).strip():
                raise ValueError(f"{where} needs a non-empty 'text'")
            if item.get("min_size") not in SIZES:
                raise ValueError(f"{where} has min_size {item.get('min_size')!r}; use {SIZES}")
    return data


def process_items(key: str, size: str, has_ui: bool = False) -> list[dict[str, Any]]:
    """Return the items of list ``key`` that a ``size`` project gets, in order.

    An item is kept when ``size`` is at least its ``min_size``, so each list
    only grows from small to large; items with ``has_ui: true`` are kept only
    when ``has_ui`` is true. Unknown keys raise, so a typo in a template is a
    render error rather than an empty checklist.
    """
    process = load_process()
    if key not in process:
        raise KeyError(f"unknown process list {key!r}; expected one of {sorted(process)}")
    return [
        dict(item)
        for item in process[key]
        if sizes.size_at_least(size, item["min_size"]) and (has_ui or not item.get("has_ui", False))
    ]


class ProcessExtension(Extension):
    """Register the ``process_items`` global."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["process_items"] = process_items
