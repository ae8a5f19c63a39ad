"""tools/generate.py: the copies of the template's facts are written from their one source.

README.md's answers table, copier.yml's rubric questions and the tool's
sizes, ratings, rubric flags and owner rule are generated between markers;
the check fails when a file differs from what the generator would write.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from .conftest import ROOT, run
from .extension_modules import answers, tool

SOURCES = (
    "tools/generate.py",
    "tools/install_uv.py",
    "extensions",
    "README.md",
    "copier.yml",
    "template/tools",
    "migrations",
)


def checkout(folder: Path) -> Path:
    """The generator and every file it reads or writes, copied under ``folder``."""
    for relative in SOURCES:
        source, target = ROOT / relative, folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return folder


def generate(folder: Path, *args: str, check: bool = True):
    return run([sys.executable, str(folder / "tools/generate.py"), *args], folder, check=check)


def test_every_generated_copy_is_what_the_generator_writes() -> None:
    """Run after every edit of a source: `uv run python tools/generate.py`."""
    generate(ROOT, "--check")


def test_an_edited_source_makes_its_copies_stale_until_generated(tmp_path: Path) -> None:
    """One edit in process.yml reaches copier.yml, README.md and the tool, and only there."""
    copy = checkout(tmp_path)
    process = copy / "extensions/process.yml"
    process.write_text(
        process.read_text().replace('label: "effort and people"', 'label: "effort and teams"')
    )
    stale = generate(copy, "--check", check=False)
    assert stale.returncode == 1
    assert "README.md, template/tools/lifecycle.py" in stale.stdout
    generate(copy)
    assert "| Size rubric 1/3 - effort and teams |" in (copy / "README.md").read_text()
    assert '"scope": "effort and teams",' in (copy / "template/tools/lifecycle.py").read_text()
    generate(copy, "--check")


def test_a_question_without_readme_words_stops_the_generator(tmp_path: Path) -> None:
    copy = checkout(tmp_path)
    config = copy / "copier.yml"
    config.write_text(config.read_text() + "\nextra_question:\n  type: str\n  default: x\n")
    result = generate(copy, check=False)
    assert result.returncode != 0 and "_readme_answers lacks ['extra_question']" in result.stderr


def test_the_tool_accepts_exactly_the_owner_handles_the_questionnaire_accepts() -> None:
    for handle in ("@acme", "@acme/billing-team", "@" + "a" * 39, "@a/" + "b" * 100):
        assert bool(tool.OWNER.fullmatch(handle)) == (answers.owner_problem(handle) == ""), handle
    assert not tool.OWNER.fullmatch("@" + "a" * 40)


def test_the_shipped_uv_bootstrap_is_the_template_s_own_until_generated(tmp_path: Path) -> None:
    """One source: an edit of tools/install_uv.py reaches the shipped copy, byte for byte."""
    copy = checkout(tmp_path)
    shipped, source = copy / "template/tools/install_uv.py", copy / "tools/install_uv.py"
    assert shipped.read_bytes() == source.read_bytes()
    source.write_text(source.read_text() + "# edited\n")
    stale = generate(copy, "--check", check=False)
    assert stale.returncode == 1
    assert "template/tools/install_uv.py" in stale.stdout
    generate(copy)
    assert shipped.read_bytes() == source.read_bytes()
    shipped.write_text("# edited by hand\n")  # an edit of the copy is undone, not kept
    assert generate(copy, "--check", check=False).returncode == 1
    generate(copy)
    assert shipped.read_bytes() == source.read_bytes()
