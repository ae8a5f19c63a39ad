"""Work copier would have us redo for every Jinja environment, done once per Python process.

Copier builds a Jinja environment for every render (one per ``copier copy``,
four per ``copier update``: the questionnaire, the old version, the new
version, the project), and ``copier_template_extensions`` executes our
extension modules afresh for each. Each fresh module would compile
``tools/lifecycle.py`` again and parse ``process.yml`` again, although the
two versions an update renders nearly always share them. This module keeps
those results for the life of the process, keyed by a file's bytes, so two
template versions share what is identical and never what differs. Compiled
Jinja templates are not shared: a shared bytecode cache would need a key for
everything in an environment that changes the compiled code, for about 4% of
an update's CPU (docs/benchmarks.md).

* ``load_module(name, path, shared=False)``: a fresh module from ``path``, compiled
  once per content (``shared``: one module per path and content).
  The one way the template's code loads a module by path: the extensions and
  the tests (``tests/extension_modules.py``) call it. This file
  itself is reached with the standard library's ``runpy.run_path``, since a
  loader cannot load itself.
* ``module_file(path)``: ``path``, or an ``ImportError`` naming it when it is
  missing, for a module loaded later: a renamed file fails at import time.
* ``load_yaml(path)``: ``path`` parsed once per content. Shared: never mutate it.

The caches live in one ``sys.modules`` entry: this module is itself executed
afresh for every environment, so its own globals would not outlive one render.
Standard library and PyYAML (which copier depends on) only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import sys
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import yaml

STORE = "_lifecycle_template_reuse"
"""The ``sys.modules`` entry that holds the caches for the life of the process."""


def _cache(kind: str) -> dict[Any, Any]:
    store = sys.modules.setdefault(STORE, ModuleType(STORE))
    caches: dict[str, dict[Any, Any]] = store.__dict__.setdefault("caches", {})
    return caches.setdefault(kind, {})


def _digest(content: bytes) -> bytes:
    return hashlib.sha256(content).digest()


def module_file(path: Path) -> Path:
    """Return ``path`` if it is a file, else raise ``ImportError`` naming it.

    Called at import time for a module loaded only when first needed, so a
    renamed or moved file stops the render at once, with its path, instead of
    failing in whichever template happens to need it.
    """
    if not path.is_file():
        raise ImportError(f"{path}: no such module file (renamed or moved?)", path=str(path))
    return path


def load_module(name: str, path: Path, shared: bool = False) -> ModuleType:
    """Execute the module at ``path`` afresh, under a name of its own.

    A fresh module per call, so each template version runs its own file and
    reads the files beside it, never a module another version left in
    ``sys.modules``; the unique name lets its dataclasses resolve. Only the
    compiled code is shared, between files with the same bytes.

    ``shared=True`` returns one module per file path and content for the life
    of the process instead: for a module that keeps no state of its own (the
    shipped tool), which every extension and environment of one template
    version would otherwise execute again. Another version's file has another
    path, so it still gets its own.
    """
    source = module_file(path).read_bytes()
    key = _digest(source)
    modules: dict[tuple[str, bytes], ModuleType] = _cache("modules")
    if shared and (str(path.resolve()), key) in modules:
        return modules[str(path.resolve()), key]
    codes: dict[bytes, CodeType] = _cache("code")
    code = codes.get(key)
    if code is None:
        code = codes[key] = compile(source, str(path), "exec", dont_inherit=True)
    loads = _cache("loads").setdefault("count", itertools.count())
    spec = importlib.util.spec_from_file_location(f"{name}_{next(loads)}", path)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    exec(code, module.__dict__)  # our own file, run as an import would run it
    if shared:
        modules[str(path.resolve()), key] = module
    return module


def load_yaml(path: Path) -> Any:
    """The YAML file at ``path``, parsed once per process per content. Shared: never mutate it."""
    text = path.read_bytes()
    parsed: dict[bytes, Any] = _cache("yaml")
    key = _digest(text)
    if key not in parsed:
        # libyaml's loader (in PyYAML's wheels) is ten times faster than the pure-Python one.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        parsed[key] = yaml.load(text, Loader=loader)
    return parsed[key]
