"""Every command a document or message gives has one spelling, and it runs as written.

The commands live in the ``commands`` list of ``extensions/process.yml``;
templates and messages render them with ``{{ command("update") }}``. Here every
rendered project, the after-copy message and this repository's own pages are
searched for any other spelling of the update command, so a copied command
never stops to ask (without a terminal) or misses the repository's answers file.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import KINDS, ROOT, SIZES, run
from .extension_modules import process

UPDATE = process.command_line("update")
COPIER = process.command_line("copier")
UPDATE_OPTIONS = process.commands()["update"].removeprefix("update ")
"""What follows ``copier update``: ``--trust --defaults ...``."""

INVOCATION = re.compile(r"copier update(?P<options>(?: +--?[a-z][^\s`]*(?: +[^-\s`][^\s`]*)?)*)")
"""``copier update`` and the options after it, up to the end of the command."""
UVX_COPIER = re.compile(r"uvx --from 'copier[^']*'[^`\n]*? copier(?![\w-])")

THIRD_PARTY = {
    # Renovate's own command line, quoted to say what Renovate runs.
    "copier update --skip-answered --defaults --trust --answers-file .copier-answers.yml"
    " --vcs-ref v1.3.0",
}


def lines_of(text: str) -> Iterator[str]:
    """Each logical line: a shell line continued with a backslash is one line."""
    yield from text.replace("\\\n", " ").splitlines()


def wrong_spellings(text: str) -> list[str]:
    """Each update command in ``text`` not spelled as ``process.yml`` says."""
    found = []
    for line in lines_of(text):
        squeezed = re.sub(r" {2,}", " ", line)
        for match in INVOCATION.finditer(squeezed):
            options = match["options"].strip()
            if options and not options.startswith(UPDATE_OPTIONS) and match[0] not in THIRD_PARTY:
                found.append(match[0])
        for match in UVX_COPIER.finditer(squeezed):
            if match[0] != COPIER:
                found.append(match[0])
    return found


def text_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and ".git" not in path.parts and path.suffix != ".pyc":
            yield path


def test_the_update_command_needs_no_terminal_and_replays_the_answers() -> None:
    assert "--defaults" in UPDATE.split() and "--trust" in UPDATE.split()
    assert UPDATE.startswith(COPIER + " update ")
    other = process.command_line("update", ".copier-answers.lifecycle.yml")
    assert other == f"{UPDATE} --answers-file .copier-answers.lifecycle.yml"


def test_a_wrong_spelling_is_found() -> None:
    """The search itself: each way the update command was once written is caught."""
    assert wrong_spellings("run `copier update --trust --conflict inline`, read")
    assert wrong_spellings("To update: `copier update --trust` on a clean worktree")
    assert wrong_spellings(f"{COPIER} update --trust \\\n  --defaults --answers-file x")
    assert not wrong_spellings(f"run `{UPDATE} --data project_size=large`")
    assert not wrong_spellings("`copier update` brings later process changes in")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", SIZES)
def test_rendered_projects_spell_every_command_one_way(render, kind: str, size: str) -> None:
    project = render(project_kind=kind, project_size=size, has_ui=size == "large")
    for path in text_files(project):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not wrong_spellings(text), (path.relative_to(project), wrong_spellings(text))
    assert UPDATE in (project / "README.md").read_text()
    assert UPDATE in (project / "docs" / "lifecycle.md").read_text()


def test_this_repository_pages_spell_every_command_one_way() -> None:
    pages = [ROOT / "README.md", ROOT / "RELEASING.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not wrong_spellings(text), (page.relative_to(ROOT), wrong_spellings(text))
    for source in ("copier.yml", "template/tools/template_status.py"):
        text = (ROOT / source).read_text(encoding="utf-8")
        assert not wrong_spellings(text), (source, wrong_spellings(text))


def test_template_status_runs_the_same_update_command(render) -> None:
    """It reads the command from .lifecycle/process.json, as the documents give it."""
    project = render()
    script = "import json, template_status; print(json.dumps(template_status.update_arguments()))"
    printed = run(
        [sys.executable, "-c", script], project, env={**os.environ, "PYTHONPATH": "tools"}
    ).stdout
    assert json.loads(printed) == ["update", *UPDATE_OPTIONS.split()]
