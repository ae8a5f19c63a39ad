"""The real interactive questionnaire, driven in a pseudo-terminal like a person would.

Copier asks through prompt_toolkit, which needs a terminal: pexpect gives it
one. ``PROMPT_TOOLKIT_NO_CPR=1`` stops each question from waiting about a
second for a cursor-position reply the pty never sends.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jinja2
import pexpect
import pytest
import yaml

from .conftest import ROOT, run

ENTER = "\r"
DOWN = "\x1b[B"
UP = "\x1b[A"
CLEAR = "\x15"  # Ctrl-U: empties a pre-filled default before typing
QUESTION = "🎤"  # copier starts every question with this
STYLE = r"(?:\x1b\[[0-9;]*m)*"  # colour codes between the microphone and the help text
# A question line; copier draws it again with the answer, so a question is new
# only when its help text differs from the previous one.
QUESTION_LINE = f"{QUESTION}{STYLE} ?([^\x1b\r\n]+)"
MAX_QUESTIONS_FOR_A_SERVICE = 12  # without a UI; a UI adds the design link
DESIGN_LINK = "https://www.figma.com/design/AbC12/Billing?node-id=1-2"
# Copier commits a dirty template in a temporary clone; fixed dates give both
# runs of a comparison the same `_commit` while the template is being edited.
COPIER_ENV = {
    **os.environ,
    "PROMPT_TOOLKIT_NO_CPR": "1",
    "TERM": "xterm",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}


def questions() -> dict[str, dict]:
    """The questions in copier.yml, in the order they are asked."""
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {name: value for name, value in spec.items() if not name.startswith("_")}


class Questionnaire:
    """A running `copier copy` in a pty, with a transcript for failure messages."""

    def __init__(self, destination: Path) -> None:
        self.transcript: list[str] = []
        self.last_help = "\0"  # no question seen yet
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "copier", "copy", "--trust", str(ROOT), str(destination)],
            cwd=str(destination.parent),
            env=COPIER_ENV,
            encoding="utf-8",
            timeout=60,
            dimensions=(50, 250),  # wide enough that no help text wraps
        )
        self.child.logfile_read = self

    def write(self, text: str) -> None:  # pexpect logs what it reads here
        self.transcript.append(text)

    def flush(self) -> None:
        pass

    def screen(self) -> str:
        """The transcript without terminal escape codes, for error messages."""
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(self.transcript))[-3000:]

    def expect(self, pattern: str | type[pexpect.EOF]) -> int:
        try:
            return self.child.expect([pattern])
        except (pexpect.TIMEOUT, pexpect.EOF):
            pytest.fail(f"expected {pattern!r}; the screen ends with:\n{self.screen()}")

    def answer(self, help_text: str, keys: str) -> None:
        """Wait for the question whose help starts with ``help_text``, then press ``keys``."""
        self.expect(f"{QUESTION}{STYLE} ?{re.escape(help_text)}")
        self.last_help = help_text
        self.child.send(keys)

    def enter_to_the_end(self, keys: dict[str, str] | None = None) -> int:
        """Press Enter at every remaining question; return how many were asked.

        ``keys`` maps the start of a question's help text to the keys pressed
        there instead of Enter.
        """
        asked = 0
        while self.child.expect([QUESTION_LINE, pexpect.EOF]) == 0:
            help_text = self.child.match.group(1)
            if not help_text.startswith(self.last_help):
                asked += 1
                self.last_help = help_text
                pressed = [k for start, k in (keys or {}).items() if help_text.startswith(start)]
                self.child.send(pressed[0] if pressed else ENTER)
        self.finish()
        return asked

    def finish(self) -> None:
        if self.child.isalive():
            self.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus == 0, self.screen()


def defaults_copy_command(destination: str, *data: str) -> list[str]:
    """`copier copy --trust --defaults [--data NAME=VALUE ...] TEMPLATE DESTINATION`."""
    data_args = (arg for item in data for arg in ("--data", item))
    copy = ["copy", "--trust", "--defaults", *data_args, str(ROOT), destination]
    return [sys.executable, "-m", "copier", *copy]


def defaults_copy(destination: Path, *data: str) -> None:
    """Run :func:`defaults_copy_command` in the destination's parent; fail the test if it fails."""
    run(defaults_copy_command(destination.name, *data), cwd=destination.parent, env=COPIER_ENV)


def is_asked(name: str, data: dict[str, object]) -> bool:
    """Whether copier asks (and records) question ``name`` given the other answers."""
    when = questions()[name].get("when", True)
    if isinstance(when, str):
        when = jinja2.Environment().from_string(when).render(**data).strip().lower() == "true"
    return bool(when)


def tree(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


def answers(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


@pytest.mark.slow  # a real copier session in a pty
@pytest.mark.parametrize("has_ui", [False, True], ids=["no-ui", "ui"])
def test_enter_at_every_question_gives_the_defaults_project(tmp_path: Path, has_ui: bool) -> None:
    """The short path: Enter, Enter, ... and at most 12 questions for a service.

    With a UI (`y` at that question, Enter everywhere else) the design link is
    asked too, and only then: one more question, one more recorded answer.
    """
    (tmp_path / "asked").mkdir()
    (tmp_path / "defaults").mkdir()
    asked = tmp_path / "asked" / "acme-billing"
    keys = {"Does the work change": "y"} if has_ui else {}
    count = Questionnaire(asked).enter_to_the_end(keys)
    expected = tmp_path / "defaults" / "acme-billing"
    defaults_copy(expected, *(["has_ui=true"] if has_ui else []))

    assert count == MAX_QUESTIONS_FOR_A_SERVICE + has_ui
    recorded = [name for name in answers(asked) if not name.startswith("_")]
    assert count == len(recorded)  # each recorded answer was asked exactly once
    assert ("design_link" in recorded) is has_ui
    assert answers(asked) == answers(expected)
    assert answers(asked)["project_kind"] == "service"
    assert answers(asked)["has_ui"] is has_ui
    assert tree(asked) == tree(expected)
    assert (asked / "docs" / "work" / "0001-acme-billing" / "design.md").is_file() is has_ui


@pytest.mark.slow  # a real copier session in a pty
def test_invalid_answers_show_the_rule_and_ask_again(tmp_path: Path) -> None:
    destination = tmp_path / "project"
    session = Questionnaire(destination)
    session.answer("What kind of project", ENTER)
    session.answer("Project name", CLEAR + "../evil" + ENTER)
    # The rule appears before any other question does: copier asks again.
    assert session.child.expect(["project_name must be a name, not a file path", QUESTION]) == 0
    session.child.send(CLEAR + "Billing Café" + ENTER)
    # The derived package name is offered as the next default.
    session.answer("Python import name", "")
    session.expect("billing_cafe")
    session.child.send(CLEAR + "json" + ENTER)
    assert (
        session.child.expect(["must not shadow the standard-library module 'json'", QUESTION]) == 0
    )
    session.child.send(CLEAR + "billing_core" + ENTER)
    session.answer("One sentence", CLEAR + "   " + ENTER)
    assert session.child.expect(["description must not be empty", QUESTION]) == 0
    session.child.send(CLEAR + "Bills customers." + ENTER)
    session.answer("Owning team", CLEAR + "acme" + ENTER)
    assert session.child.expect(["owner must be a GitHub handle", QUESTION]) == 0
    session.child.send(CLEAR + "@acme/payments" + ENTER)
    session.answer("Does the work change", "y")
    # Asked only because of the yes above; empty is fine, a non-web link is not.
    session.answer("Link to the designs", "javascript:alert(1)" + ENTER)
    assert session.child.expect(["design_link must be an http:// or https:// URL", QUESTION]) == 0
    session.child.send(CLEAR + "https://www.figma.com/design/AbC12/Billing a" + ENTER)
    # The terminal redraws only what changed since the previous message: look for
    # a part of the new rule ("write a space as %20") that the previous one lacked.
    assert session.child.expect([re.escape("%20)"), QUESTION]) == 0
    session.child.send(CLEAR + DESIGN_LINK + ENTER)
    rest = session.enter_to_the_end()

    recorded = answers(destination)
    assert rest == len([name for name in recorded if not name.startswith("_")]) - 7
    assert recorded["project_name"] == "Billing Café"
    assert recorded["package_name"] == "billing_core"
    assert recorded["description"] == "Bills customers."
    assert recorded["owner"] == "@acme/payments"
    assert recorded["has_ui"] is True
    assert recorded["design_link"] == DESIGN_LINK
    assert (destination / "src" / "billing_core" / "__init__.py").is_file()
    design = (destination / "docs" / "work" / "0001-billing-cafe" / "design.md").read_text()
    assert f"- All designs: <{DESIGN_LINK}>\n" in design


@pytest.mark.slow  # the copier command line
def test_invalid_data_stops_before_writing_with_the_rule(tmp_path: Path) -> None:
    """Without a terminal to ask again, copier stops; its last line names question and rule."""
    bad = "project_name=C:\\work\\billing"
    result = subprocess.run(
        defaults_copy_command("out", bad),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=COPIER_ENV,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "ValueError: Validation error for question 'project_name': project_name must be a "
        "name, not a file path: no backslashes, and no leading /, ~, ./, ../ or drive letter."
    )
    assert not (tmp_path / "out").exists()


# Every select and yes/no question, the keys that pick a non-default answer,
# and that answer. A new select, confirm or multiselect question must be added.
KEYED = {
    "project_kind": ("What kind of project", DOWN + ENTER, "library"),
    "has_ui": ("Does the work change", "y", True),
    "size_scope": ("Size rubric 1/3", DOWN + ENTER, "moderate"),
    "size_impact": ("Size rubric 2/3", ENTER, "low"),
    "size_risk": ("Size rubric 3/3", DOWN + DOWN + ENTER, "high"),
    # The rubric now recommends large (the default); Up overrides it.
    "project_size": ("Project size", UP + ENTER, "medium"),
    "python_version": ("Lowest Python version", DOWN + DOWN + ENTER, "3.13"),
    "license": ("License of the code", DOWN + ENTER, "MIT"),
}


@pytest.mark.slow  # a real copier session in a pty
def test_select_and_confirm_questions_are_driven_with_keys(tmp_path: Path) -> None:
    keyed = {
        name
        for name, spec in questions().items()
        if "choices" in spec or spec.get("type") == "bool" or spec.get("multiselect")
    }
    assert keyed == set(KEYED), "every select, confirm and multiselect question is driven"

    destination = tmp_path / "project"
    session = Questionnaire(destination)
    by_help = {str(spec["help"])[:20]: name for name, spec in questions().items()}
    driven = []
    while session.child.expect([QUESTION_LINE, pexpect.EOF]) == 0:
        help_text = session.child.match.group(1)
        if help_text.startswith(session.last_help):
            continue  # the answered question, drawn again
        session.last_help = help_text[:20]
        name = by_help[help_text[:20]]
        if name == "project_size":  # after high risk the rubric recommends large
            assert "The rubric recommends large" in help_text
        session.child.send(KEYED[name][1] if name in KEYED else ENTER)
        driven.append(name)
    session.finish()
    assert set(KEYED) <= set(driven)

    recorded = answers(destination)
    assert {name: recorded[name] for name in KEYED} == {
        name: value for name, (_, _, value) in KEYED.items()
    }
    pyproject = tomllib.loads((destination / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.13"
    assert pyproject["project"]["license"] == "MIT"
    assert pyproject["project"]["description"] == "A library that does one thing well."
    assert (destination / "src" / "project" / "core.py").is_file()


@pytest.mark.slow  # renders a project and runs ruff on it
@pytest.mark.parametrize("kind", ["service", "library"])
def test_example_answers_file_renders_without_questions(tmp_path: Path, kind: str) -> None:
    """The README's `--data-file examples/<kind>.yml` command, with every answer given."""
    example = ROOT / "examples" / f"{kind}.yml"
    data = yaml.safe_load(example.read_text())
    assert set(data) == set(questions()), "an example answers every question"
    # A question whose `when` is false for these answers is not recorded.
    asked = {name: value for name, value in data.items() if is_asked(name, data)}
    assert "design_link" not in asked or data["has_ui"]
    assert data["project_kind"] == kind
    command = ["copy", "--trust", "--defaults", "--data-file", str(example), str(ROOT), "out"]
    result = subprocess.run(
        [sys.executable, "-m", "copier", *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    recorded = answers(tmp_path / "out")
    assert {name: value for name, value in recorded.items() if not name.startswith("_")} == asked
    assert (tmp_path / "out" / "src" / data["package_name"] / "__init__.py").is_file()
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        run([sys.executable, "-m", "ruff", *args], cwd=tmp_path / "out")
    assert f"--data-file examples/{kind}.yml" in (ROOT / "README.md").read_text()


def readme_questionnaire_rows() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Questionnaire\n", 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if re.match(r"^\| *\d+ *\|", line)
    ]


def test_readme_shows_the_questionnaire_in_order() -> None:
    """README "Questionnaire": every question, in the order asked, with its default."""
    rows = readme_questionnaire_rows()
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(questions()) + 1)]
    assert [row[2].strip("`") for row in rows] == list(questions())
    for row, (name, spec) in zip(rows, questions().items(), strict=True):
        default = str(spec["default"])
        if "{" not in default:  # a literal default is shown as it is
            shown = {True: "yes", False: "no"}.get(spec["default"], default)
            assert shown in row[3], (name, row[3])
        assert row[4], f"{name}: the README says what it changes"


def test_every_question_has_help_and_every_free_text_answer_a_validator() -> None:
    """Help on every question; each validator is one call of a unit-tested rule."""
    for name, spec in questions().items():
        assert str(spec.get("help", "")).strip(), f"{name} has no help"
        assert "default" in spec, f"{name} has no default"
        if spec.get("type") == "str" and "choices" not in spec:
            validator = str(spec.get("validator"))
            assert re.fullmatch(rf"\{{\{{ {name} \| [a-z]+_problem \}}\}}", validator), name
