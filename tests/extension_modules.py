"""Every module the tests load by path, loaded once, as the template loads them.

Copier loads ``extensions/*.py`` by file path, never as a package, and a
generated repository runs ``tools/lifecycle.py`` as a script, so the tests
do the same, with the template's one loader (``reuse.load_module``): one
import each, shared by every test module. Each is loaded when this module is
imported, so a renamed or moved file fails every test module at collection
with an ``ImportError`` naming its path, not one test deep in the suite.

A type checker reads the real modules instead (``extensions/``,
``template/tools/`` and ``tools/`` on its path), so a test's use of a
function the module lacks is an error before the tests run.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS_DIR = ROOT / "extensions"

if TYPE_CHECKING:
    import adopt
    import answers
    import install_uv
    import lifecycle as tool
    import markdown_text
    import process
    import reuse
    import sizes
    import updates
    import work
else:
    # runpy hands over reuse.py's loader, which then loads reuse.py itself and the rest.
    reuse = runpy.run_path(str(EXTENSIONS_DIR / "reuse.py"))["load_module"](
        "reuse", EXTENSIONS_DIR / "reuse.py"
    )
    sizes = reuse.load_module("sizes", EXTENSIONS_DIR / "sizes.py")
    answers = reuse.load_module("answers", EXTENSIONS_DIR / "answers.py")
    markdown_text = reuse.load_module("markdown_text", EXTENSIONS_DIR / "markdown_text.py")
    process = reuse.load_module("process", EXTENSIONS_DIR / "process.py")
    work = reuse.load_module("work", EXTENSIONS_DIR / "work.py")
    """Builds .lifecycle/process.json; ``work.tool()`` is the shipped tools/lifecycle.py."""
    updates = reuse.load_module("updates", EXTENSIONS_DIR / "updates.py")
    adopt = reuse.load_module("adopt", EXTENSIONS_DIR / "adopt.py")
    tool = work.tool()
    """template/tools/lifecycle.py, the very module the extensions render with."""
    install_uv = reuse.load_module("install_uv", ROOT / "tools" / "install_uv.py")

EXTENSIONS = [
    sizes.SizesExtension,
    answers.AnswersExtension,
    markdown_text.MarkdownExtension,
    process.ProcessExtension,
]
"""Every extension that registers a filter, test or global, as copier.yml lists them."""
