"""Work copier would have us redo for every Jinja environment, done once per Python process.

Copier builds a Jinja environment for every render (one per ``copier copy``,
four per ``copier update``: the questionnaire, the old version, the new
version, the project), and ``copier_template_extensions`` executes our
extension modules afresh for each. Each fresh module would compile
``tools/lifecycle.py`` again, parse ``process.yml`` again and compile every
Jinja template again, although the two versions an update renders share
nearly all of them. This module keeps those results for the life of the
process, keyed by what they are made from (a file's bytes, a template's name
and source, the environment's syntax), so two template versions share what is
identical and never what differs.

* ``load_module(name, path)``: a fresh module from ``path``, compiled once per content.
* ``load_yaml(path)``: ``path`` parsed once per content. Shared: never mutate it.
* ``ReuseExtension``: gives the environment a bytecode cache that shares
  compiled templates with the process's other environments.

The caches live in one ``sys.modules`` entry: this module is itself executed
afresh for every environment, so its own globals would not outlive one render.
Standard library, Jinja2 and PyYAML (which copier depends on) only.
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
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.ext import Extension

STORE = "_lifecycle_template_reuse"
"""The ``sys.modules`` entry that holds the caches for the life of the process."""


def _cache(kind: str) -> dict[Any, Any]:
    store = sys.modules.setdefault(STORE, ModuleType(STORE))
    caches: dict[str, dict[Any, Any]] = store.__dict__.setdefault("caches", {})
    return caches.setdefault(kind, {})


def _digest(content: bytes) -> bytes:
    return hashlib.sha256(content).digest()


def load_module(name: str, path: Path) -> ModuleType:
    """Execute the module at ``path`` afresh, under a name of its own.

    A fresh module per call, so each template version runs its own file and
    reads the files beside it, never a module another version left in
    ``sys.modules``; the unique name lets its dataclasses resolve. Only the
    compiled code is shared, between files with the same bytes.
    """
    source = path.read_bytes()
    codes: dict[bytes, CodeType] = _cache("code")
    code = codes.get(key := _digest(source))
    if code is None:
        code = codes[key] = compile(source, str(path), "exec", dont_inherit=True)
    loads = _cache("loads").setdefault("count", itertools.count())
    spec = importlib.util.spec_from_file_location(f"{name}_{next(loads)}", path)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    exec(code, module.__dict__)  # our own file, run as an import would run it
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


def _compiled_as(environment: Environment) -> tuple[Any, ...]:
    """Everything besides the source that changes what Jinja compiles a template to.

    The syntax settings, the extensions and their tags, and for each filter
    and test whether it is passed the context: compiled code calls them that
    way. Globals and the filters' own code are looked up when a template runs.
    """
    env = environment
    settings = (
        type(env).__qualname__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        env.autoescape if isinstance(env.autoescape, bool) else env.autoescape.__qualname__,
        getattr(env.finalize, "__qualname__", env.finalize),
    )
    extensions = tuple(sorted((key, tuple(sorted(e.tags))) for key, e in env.extensions.items()))
    calls = tuple(
        (kind, name, str(getattr(function, "jinja_pass_arg", "")))
        for kind, functions in (("filter", env.filters), ("test", env.tests))
        for name, function in sorted(functions.items())
    )
    return settings, extensions, calls


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by every environment of the process that compiles alike.

    The key is the template's name (its path in the template), the checksum of
    its source and ``_compiled_as``; not the file name, which is a new
    temporary clone for every render. A template compiled for one clone
    therefore names that clone in a traceback. A template found here is not
    compiled, so the extensions' ``preprocess`` hooks do not run for it:
    copier's only one (``YieldExtension``) resets state that copier reads after
    rendering a path name, and path names are compiled afresh every time.
    """

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return name

    def __init__(self) -> None:
        self._compiled_as: tuple[Any, ...] | None = None

    def _key(self, bucket: Bucket) -> tuple[Any, ...]:
        # One cache per environment, and its filters are all registered by the
        # time it loads its first template (copier adds its own right after
        # building it), so the fingerprint is taken once.
        if self._compiled_as is None:
            self._compiled_as = _compiled_as(bucket.environment)
        return bucket.key, bucket.checksum, self._compiled_as

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = _cache("jinja").get(self._key(bucket))

    def dump_bytecode(self, bucket: Bucket) -> None:
        _cache("jinja")[self._key(bucket)] = bucket.code


class ReuseExtension(Extension):
    """Give copier's environment the shared bytecode cache (copier sets none)."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        if environment.bytecode_cache is None:
            environment.bytecode_cache = SharedBytecodeCache()
