"""The real interactive questionnaire, driven in a pseudo-terminal like a person would.

Copier asks through prompt_toolkit, which needs a terminal: pexpect gives it
one. ``PROMPT_TOOLKIT_NO_CPR=1`` stops each question from waiting about a
second for a cursor-position reply the pty never sends.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import jinja2
import pexpect
import pytest
import yaml

from .conftest import ROOT, copier_cli, outputs, run
from .extension_modules import answers as answer_rules
from .test_adoption import AdoptionExtension

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
    """The questions in copier.yml, in the order they are asked (computed answers left out)."""
    spec = yaml.safe_load((ROOT / "copier.yml").read_text())
    return {
        name: value
        for name, value in spec.items()
        if not name.startswith("_") and value.get("when") is not False  # computed answers
    }


class Screen:
    """The rows a terminal shows after the bytes a program wrote, as plain text.

    Just enough of a VT100 for prompt_toolkit's output: cursor moves (``CR``,
    ``LF``, ``ESC[nA/B/C/D``), erase to the end of the line or screen
    (``ESC[K``, ``ESC[J``); colours and modes are ignored. Like the terminal
    with autowrap off (prompt_toolkit's ``ESC[?7l``), text past the last column
    is dropped: what does not fit is what the user does not see.
    """

    ESCAPE = re.compile(r"\x1b\[([?0-9;]*)([A-Za-z])")

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.rows: list[list[str]] = [[]]
        self.row = self.col = 0

    def feed(self, text: str) -> None:
        at = 0
        while at < len(text):
            escape = self.ESCAPE.match(text, at)
            if escape:
                self._control(escape.group(1), escape.group(2))
                at = escape.end()
                continue
            self._char(text[at])
            at += 1

    def _control(self, argument: str, command: str) -> None:
        count = int(argument) if argument.isdigit() else 1
        if command == "A":
            self.row = max(0, self.row - count)
        elif command == "B":
            self.row += count
        elif command == "C":
            self.col = min(self.columns, self.col + count)
        elif command == "D":
            self.col = max(0, self.col - count)
        elif command in "JK":
            self._line()[self.col :] = []
            if command == "J":
                del self.rows[self.row + 1 :]

    def _line(self) -> list[str]:
        while len(self.rows) <= self.row:
            self.rows.append([])
        return self.rows[self.row]

    def _char(self, char: str) -> None:
        if char == "\r":
            self.col = 0
        elif char == "\n":
            self.row += 1
        elif char >= " " and char != "\x7f":
            width = 2 if unicodedata.east_asian_width(char) in "WF" else 1
            if self.col + width > self.columns:
                return
            line = self._line()
            line.extend(" " * (self.col + width - len(line)))
            line[self.col : self.col + width] = [char] + [""] * (width - 1)
            self.col += width

    def lines(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.rows]


class Questionnaire:
    """A running `copier copy` in a pty, with a transcript for failure messages."""

    def __init__(self, destination: Path, columns: int = 250) -> None:
        self.transcript: list[str] = []
        self.last_help = "\0"  # no question seen yet
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "copier", "copy", "--trust", "--vcs-ref", "HEAD", str(ROOT), str(destination)],
            cwd=str(destination.parent),
            env=COPIER_ENV,
            encoding="utf-8",
            timeout=60,
            dimensions=(50, columns),  # 250 by default: wide enough that nothing is cut
        )
        self.columns = columns
        self.child.logfile_read = self

    def write(self, text: str) -> None:  # pexpect logs what it reads here
        self.transcript.append(text)

    def flush(self) -> None:
        pass

    def visible(self) -> list[str]:
        """The terminal's rows now, as the user sees them at this width."""
        screen = Screen(self.columns)
        screen.feed("".join(self.transcript))
        return screen.lines()

    def settle(self) -> list[str]:
        """Read until the program has been quiet for half a second; return the visible rows.

        Use it only while copier waits for keys: what it reads is gone for ``expect``.
        """
        while True:
            try:
                self.child.read_nonblocking(65536, timeout=0.5)
            except pexpect.TIMEOUT:
                return self.visible()

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
    at_head = ("--vcs-ref", "HEAD")  # the working tree, never the latest release tag
    copy = ["copy", "--trust", "--defaults", *at_head, *data_args, str(ROOT), destination]
    return [sys.executable, "-m", "copier", *copy]


def defaults_copy(destination: Path, *data: str) -> None:
    """Run :func:`defaults_copy_command` in the destination's parent; fail the test if it fails."""
    run(defaults_copy_command(destination.name, *data), cwd=destination.parent, env=COPIER_ENV)


def is_asked(name: str, data: dict[str, object]) -> bool:
    """Whether copier asks (and records) question ``name`` given the other answers."""
    when = questions()[name].get("when", True)
    if isinstance(when, str):
        environment = jinja2.Environment(
            extensions=[AdoptionExtension, answer_rules.AnswersExtension]
        )
        # Outside copier there is no destination: `existing_repo` is not asked.
        context = {"_copier_conf": {"data": {}}, **data}
        when = environment.from_string(when).render(context).strip().lower() == "true"
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
    assert session.child.expect(["must be a name, not a file path", QUESTION]) == 0
    session.child.send(CLEAR + "Billing Café" + ENTER)
    # The derived package name is offered as the next default.
    session.answer("Python import name", "")
    session.expect("billing_cafe")
    session.child.send(CLEAR + "json" + ENTER)
    assert session.child.expect(["must not shadow a stdlib module", QUESTION]) == 0
    session.child.send(CLEAR + "billing_core" + ENTER)
    session.answer("One sentence", CLEAR + "   " + ENTER)
    assert session.child.expect(["must not be empty or only spaces", QUESTION]) == 0
    session.child.send(CLEAR + "Bills customers." + ENTER)
    session.answer("Owning team", CLEAR + "acme" + ENTER)
    assert session.child.expect(["must be a GitHub @user or @org/team", QUESTION]) == 0
    session.child.send(CLEAR + "@acme/payments" + ENTER)
    session.answer("Does the work change", "y")
    # Asked only because of the yes above; empty is fine, a non-web link is not.
    session.answer("Link to the designs", "javascript:alert(1)" + ENTER)
    assert session.child.expect(["must start with http:// or https://", QUESTION]) == 0
    session.child.send(CLEAR + "https://www.figma.com/design/AbC12/Billing a" + ENTER)
    # The terminal redraws only what changed since the previous message: look for
    # a part of the new rule ("use %20") that the previous one lacked.
    assert session.child.expect([re.escape("use %20"), QUESTION]) == 0
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
    result = run(defaults_copy_command("out", bad), tmp_path, stdin=subprocess.DEVNULL,
                 env=COPIER_ENV, check=False)  # fmt: skip
    assert result.returncode != 0, outputs(result)
    assert result.stderr.strip().splitlines()[-1] == (
        "Validation error for question 'project_name': must be a name, not a file path."
    )
    assert "Traceback" not in result.stderr, "one line, not copier's traceback"
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # the copier command line
@pytest.mark.parametrize(
    ("data", "line"),
    [
        # YAML reads yes as true; copier would write the text "True".
        ("description: yes\n", "Validation error for question 'description': must be text"),
        ('has_ui: "maybe"\n', "Validation error for question 'has_ui': must be true or false."),
        ("project_name: 2026\n", "Validation error for question 'project_name': must be text"),
    ],
)
def test_a_data_file_answer_of_the_wrong_type_is_refused_by_name(
    tmp_path: Path, data: str, line: str
) -> None:
    (tmp_path / "answers.yml").write_text(data)
    command = [*defaults_copy_command("out"), "--data-file", str(tmp_path / "answers.yml")]
    result = run(command, tmp_path, stdin=subprocess.DEVNULL, env=COPIER_ENV, check=False)
    assert result.returncode != 0, outputs(result)
    assert result.stderr.strip().splitlines()[-1].startswith(line), outputs(result)
    assert "Traceback" not in result.stderr
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
    # existing_repo is asked only where the folder already holds a project
    # (tests/test_adoption.py); this session starts in a new folder.
    keyed -= {"existing_repo"}
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
    command = ["copy", "--trust", "--defaults", "--vcs-ref", "HEAD", "--data-file", str(example),
               str(ROOT), "out"]  # fmt: skip
    copier_cli(*command, cwd=tmp_path)
    recorded = answers(tmp_path / "out")
    assert {name: value for name, value in recorded.items() if not name.startswith("_")} == asked
    assert (tmp_path / "out" / "src" / data["package_name"] / "__init__.py").is_file()
    tool = "tools/lifecycle.py"  # the working tree's, not the newest release tag's
    assert (tmp_path / "out" / tool).read_bytes() == (ROOT / "template" / tool).read_bytes()
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        run([sys.executable, "-m", "ruff", *args], cwd=tmp_path / "out")
    assert f"--data-file examples/{kind}.yml" in (ROOT / "README.md").read_text()


def test_the_readme_words_for_a_templated_default_say_what_it_renders() -> None:
    """README "Answers" is generated (tools/generate.py); a templated default needs words."""
    words = yaml.safe_load((ROOT / "copier.yml").read_text())["_readme_answers"]
    description = jinja2.Environment().from_string(questions()["description"]["default"])
    shown = words["description"]["default"]
    assert f"`{description.render(project_kind='service')}`" in shown, shown
    assert description.render(project_kind="library").startswith("A library ")
    assert "`A library ...` for a library" in shown, shown


def test_every_question_has_help_and_every_free_text_answer_a_validator() -> None:
    """Help on every question; each validator is one call of a unit-tested rule named
    after its question (``project_name_problem`` for ``project_name``)."""
    for name, spec in questions().items():
        assert str(spec.get("help", "")).strip(), f"{name} has no help"
        assert "default" in spec, f"{name} has no default"
        if spec.get("type") == "str" and "choices" not in spec:
            validator = str(spec.get("validator"))
            assert validator == f"{{{{ {name} | {name}_problem }}}}", name


NARROW = 80
"""Columns of the narrowest terminal we design for."""
QUESTION_MARGIN = 3
"""Cells before a help text or choice on its line: the microphone (2 cells) and a space."""
VALIDATION_PREFIX = "Validation error for question '{name}': "
"""What copier writes before a validator's message, on the same single line."""


def test_every_question_line_fits_an_80_column_terminal() -> None:
    """Copier draws each help text and each choice on one line that the terminal cuts.

    The size question's help is checked with its longest recommendation.
    """
    budget = NARROW - QUESTION_MARGIN
    for name, spec in questions().items():
        help_text = str(spec["help"])
        assert "{{" not in help_text or name == "project_size", name
        shown = re.sub(r"\{\{.*?\}\}", max(("small", "medium", "large"), key=len), help_text)
        assert len(shown) <= budget, f"{name}: {len(shown)} > {budget}: {shown}"
        for label in spec.get("choices") or []:
            assert len(str(label)) <= budget, f"{name}: {label}"


def test_the_size_question_starts_with_the_recommendation() -> None:
    assert str(questions()["project_size"]["help"]).startswith(
        "The rubric recommends {{ recommended_size }}."
    )


def test_text_questions_with_a_default_say_that_ctrl_u_clears_it() -> None:
    """The default is pre-filled and typing appends to it (`acme-billingPayments`)."""
    text = [
        name
        for name, spec in questions().items()
        if spec.get("type") == "str" and "choices" not in spec and spec.get("default")
    ]
    assert text == [
        "project_name",
        "package_name",
        "description",
        "owner",
        "rfc_category",
    ]
    for name in text:
        assert "Ctrl-U clears the default" in str(questions()[name]["help"]), name


# One answer per message each validator can give (the test below counts its
# `return` statements), and the words that state the rule.
RULES: dict[str, list[tuple[str, str]]] = {
    "project_name": [
        ("", "must not be empty"),
        ("two\nlines", "must be one line"),
        (" padded", "must not start or end with spaces"),
        ("x" * 81, "must be at most 80 characters"),
        ("---", "must contain a letter or a digit"),
        ("../evil", "must be a name, not a file path"),
    ],
    "package_name": [
        ("Acme", "must be a-z 0-9 _, a letter first"),
        ("a" * 51, "must be at most 50 characters"),
        ("class", "must not be a Python keyword"),
        ("json", "must not shadow a stdlib module"),
    ],
    "description": [
        ("   ", "must not be empty"),
        ("a\rb", "must be one line"),
        ("Bills. ", "must not start or end with spaces"),
        ("y" * 201, "must be at most 200 characters"),
    ],
    "owner": [("acme", "must be a GitHub @user or @org/team")],
    "design_link": [
        ("https://example.com/\t", "must be one line"),
        ("https://example.com/" + "a" * 300, "must be at most 300 characters"),
        ("https://example.com/a b", "must have no spaces"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("https://user:secret@example.com", "must not hold a user or password"),
        ("https://-example.com", "must have a host, like figma.com"),
        ("https://example.com/Café", "must be ASCII: encode others as %XX"),
    ],
    "rfc_repository": [("acme", "must be owner/name, or empty")],
    "rfc_category": [('R"FCs', "must be 1-64 letters, digits, .&+-")],
}


def validator(name: str) -> Callable[[str], str]:
    """The ``*_problem`` function that copier.yml calls for question ``name``."""
    match = re.fullmatch(r"\{\{ \w+ \| (\w+) \}\}", str(questions()[name]["validator"]))
    assert match, name
    return getattr(answer_rules, match.group(1))


def messages_in_source(function: str) -> int:
    """How many non-empty messages ``function`` in extensions/answers.py can return."""
    tree = ast.parse((ROOT / "extensions" / "answers.py").read_text())
    body = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    returns = [node for node in ast.walk(body) if isinstance(node, ast.Return)]
    return sum(not (isinstance(r.value, ast.Constant) and r.value.value == "") for r in returns)


@pytest.mark.parametrize("name", list(RULES))
def test_every_validation_message_states_its_rule_where_a_terminal_shows_it(name: str) -> None:
    """The rule is in a message's first 60 characters, and on an 80-column line.

    Copier prints the message after "Validation error for question 'NAME': " on
    one line cut at the terminal's width, so the rule must come first.
    """
    check = validator(name)
    messages = set()
    for answer, rule in RULES[name]:
        message = check(answer)
        messages.add(message)
        assert rule in message[:60], (answer, message)
        shown = (VALIDATION_PREFIX.format(name=name) + message)[:NARROW]
        assert rule in shown, f"at {NARROW} columns only {shown!r} shows"
    assert len(messages) == messages_in_source(check.__name__), "a message has no case here"


@pytest.mark.parametrize("name", list(RULES))
def test_every_validation_line_fits_an_80_column_terminal(name: str) -> None:
    """Copier's prefix and the whole message, on one line that the terminal cuts at 80."""
    for answer, _rule in RULES[name]:
        line = VALIDATION_PREFIX.format(name=name) + validator(name)(answer)
        assert len(line) <= NARROW, f"{len(line)} columns: {line!r}"


def typeable(answer: str) -> bool:
    """Whether a person can type ``answer`` at a prompt (no control characters)."""
    return all(char >= " " and char != "\x7f" for char in answer)


@pytest.mark.slow  # a real copier session in a pty
def test_at_80_columns_every_validation_message_shows_whole(tmp_path: Path) -> None:
    """Each typeable bad answer, typed at its question: the whole refusal is on screen."""
    session = Questionnaire(tmp_path / "project", columns=NARROW)
    session.answer("What kind of project", ENTER)
    # Each free-text question: the questions answered before it, its help, a good answer.
    medium = [("Size rubric 1/3", ENTER), ("Size rubric 2/3", DOWN + ENTER),
              ("Size rubric 3/3", ENTER), ("The rubric recommends", ENTER)]  # fmt: skip
    steps = {
        "project_name": ([], "Project name", "Payments Gateway"),
        "package_name": ([], "Python import name", "payments_gateway"),
        "description": ([], "One sentence", "Takes payments."),
        "owner": ([], "Owning team", "@acme/payments"),
        "design_link": ([("Does the work change", "y")], "Link to the designs", DESIGN_LINK),
        "rfc_repository": (medium, "Repository for the RFC", "acme/rfcs"),
        "rfc_category": ([], "Discussion category", "RFCs"),
    }
    assert set(steps) == set(RULES), "a validator without a question here"
    for name, (before, help_start, fine) in steps.items():
        for help_text, keys in before:
            session.answer(help_text, keys)
        session.answer(help_start, "")
        for answer, _rule in RULES[name]:
            if not typeable(answer) or answer == "":
                continue
            session.child.send(CLEAR + answer + ENTER)
            line = VALIDATION_PREFIX.format(name=name) + validator(name)(answer)
            rows = session.settle()
            assert line in rows, f"{line!r} not shown whole:\n" + "\n".join(rows[-6:])
        session.child.send(CLEAR + fine + ENTER)
    session.enter_to_the_end()


@pytest.mark.slow  # a real copier session in a pty
def test_at_80_columns_every_hint_and_rule_shows(tmp_path: Path) -> None:
    """What a user sees on an 80-column terminal: the Ctrl-U hint, a whole rule, the size."""
    destination = tmp_path / "project"
    session = Questionnaire(destination, columns=NARROW)
    session.answer("What kind of project", ENTER)
    session.answer("Project name", "")
    help_row = f"{QUESTION} {questions()['project_name']['help']}"
    assert help_row in session.settle()
    session.child.send(CLEAR + "../evil" + ENTER)
    session.expect("Validation error")
    rule = "Validation error for question 'project_name': must be a name, not a file path"
    assert any(row.startswith(rule) for row in session.settle()), session.visible()
    session.child.send(CLEAR + "Payments Gateway" + ENTER)
    for help_start in ("Python import name", "One sentence", "Owning team", "Does the work"):
        session.answer(help_start, ENTER)
    session.answer("Size rubric 1/3", ENTER)
    session.answer("Size rubric 2/3", DOWN + ENTER)  # moderate: the rubric recommends medium
    session.answer("Size rubric 3/3", ENTER)
    session.answer("The rubric recommends", "")
    size_row = f"{QUESTION} The rubric recommends medium. Project size (how much process"
    assert any(row.startswith(size_row) for row in session.settle()), session.visible()
    session.child.send(ENTER)
    session.enter_to_the_end()

    recorded = answers(destination)
    assert recorded["project_name"] == "Payments Gateway"  # Ctrl-U cleared the default
    assert recorded["package_name"] == "payments_gateway"
    assert recorded["project_size"] == "medium"
