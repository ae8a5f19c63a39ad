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
import yaml

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


TOOL_COMMANDS = {name: process.command_line(name) for name in ("sync", "check", "release")}
"""``python3 tools/lifecycle.py sync`` and the others, as process.yml spells them."""
TOOL_INVOCATION = re.compile(r"lifecycle\.py (sync|check|release)\b")
CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
COMMAND_LINE = re.compile(r"^\s*(?:run:\s*|-\s+)?(python3? .*)$")
SCRIPT_COMMANDS = {
    name: process.command_line(name).split(" && ")[0] for name in ("install-uv", "leftovers")
}
"""The other scripts a document tells a team to run: ``python3 tools/install_uv.py``..."""


def stray_tool_commands(text: str) -> list[str]:
    """Each command for a repository script, in a code span or on a command line, spelled
    otherwise than process.yml's ``commands`` (``tools/lifecycle.py sync`` without
    ``python3``, ``lifecycle.py check``...). A marker comment (``<!-- ... -->``) names
    the tool as text a file must hold, and is no command."""
    found = []
    for line in lines_of(text):
        pieces = CODE_SPAN.findall(line)
        command = COMMAND_LINE.match(line)
        pieces += [command[1]] if command else []
        for piece in pieces:
            if piece.startswith("<!--"):
                continue
            for match in TOOL_INVOCATION.finditer(piece):
                spelled = TOOL_COMMANDS[match[1]]
                if match[1] == "release":  # followed by the tag the team releases
                    spelled = spelled.removesuffix(" vX.Y.Z")
                if spelled not in piece:
                    found.append(piece)
            for spelled in SCRIPT_COMMANDS.values():
                name = spelled.split("/")[-1]
                if piece.startswith("python") and name in piece and spelled not in piece:
                    found.append(piece)
    return found


def messages() -> dict[str, str]:
    """copier.yml's messages, as templates: what a team reads after a copy or update."""
    config = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    return {key: config[key] for key in ("_message_after_copy", "_message_after_update")}


def test_a_stray_tool_command_is_found() -> None:
    """The search itself: each way a script's command was once written is caught."""
    assert stray_tool_commands("the project's own `tools/lifecycle.py sync` adds")
    assert stray_tool_commands("| `check` | its own `lifecycle.py check` |")
    assert stray_tool_commands("(made by \\`lifecycle.py release TAG\\`)")
    assert stray_tool_commands("    python tools/check_leftovers.py")
    assert stray_tool_commands("run `python tools/install_uv.py` first")
    assert not stray_tool_commands("run `python3 tools/lifecycle.py check --release vX.Y.Z`")
    assert not stray_tool_commands("        run: python3 tools/lifecycle.py check")
    assert not stray_tool_commands(
        "ends with `<!-- cadence: kept current by tools/lifecycle.py sync -->`"
    )
    assert not stray_tool_commands("a file `tools/check_leftovers.py` reads")


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
        if path.suffix in (".md", ".yml", ".json"):  # what a team reads; not code
            stray = stray_tool_commands(text)
            assert not stray, (path.relative_to(project), stray)
    assert UPDATE in (project / "README.md").read_text()
    assert UPDATE in (project / "docs" / "lifecycle.md").read_text()


def test_this_repository_pages_spell_every_command_one_way() -> None:
    pages = [ROOT / "README.md", ROOT / "RELEASING.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not wrong_spellings(text), (page.relative_to(ROOT), wrong_spellings(text))
        assert not stray_tool_commands(text), (page.relative_to(ROOT), stray_tool_commands(text))
    for source in ("copier.yml", "template/tools/template_status.py"):
        text = (ROOT / source).read_text(encoding="utf-8")
        assert not wrong_spellings(text), (source, wrong_spellings(text))
    for name, message in messages().items():
        assert not stray_tool_commands(message), (name, stray_tool_commands(message))


def test_template_status_runs_the_same_update_command(render) -> None:
    """It reads the command from .lifecycle/process.json, as the documents give it."""
    project = render()
    script = "import json, template_status; print(json.dumps(template_status.update_arguments()))"
    printed = run(
        [sys.executable, "-c", script], project, env={**os.environ, "PYTHONPATH": "tools"}
    ).stdout
    assert json.loads(printed) == ["update", *UPDATE_OPTIONS.split()]
