"""The template's Jinja extension modules, imported by path as copier imports them.

Copier loads ``extensions/*.py`` by file path, never as a package, so the
tests do the same: one import each, shared by every test module.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from .conftest import ROOT


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "extensions" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling resolve the module by name
    spec.loader.exec_module(module)
    return module


sizes = _load("sizes")
answers = _load("answers")
markdown_text = _load("markdown_text")
process = _load("process")
work = _load("work")
"""Builds .lifecycle/process.json; ``work.tool()`` is the shipped tools/lifecycle.py."""
reuse = _load("reuse")
adopt = _load("adopt")

EXTENSIONS = [
    sizes.SizesExtension,
    answers.AnswersExtension,
    markdown_text.MarkdownExtension,
    process.ProcessExtension,
]
"""Every extension that registers a filter, test or global, as copier.yml lists them."""
