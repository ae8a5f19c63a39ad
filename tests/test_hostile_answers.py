"""Bad and hostile answers to every free-text question: refused clearly, or harmless.

Each case states its expected outcome. A refused answer must name the question
and the rule it breaks, and leave nothing on disk. An accepted answer must give
a project with ordinary file names, nothing written outside the destination,
the answer kept literally (never rendered as Jinja, never run by a shell), and
a project that passes ruff, its Markdown check and its own test suite. Accepted
answers are rendered in batches, each answer in at least one batch, since the
project's checks cost seconds per project.

Renders run in-process through copier's Python API, from a plain copy of the
template (``template_folder``), so the corpus stays fast.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

import pytest
import yaml
from copier import run_copy

from .conftest import ROOT, run, uv
from .extension_modules import answers, markdown_text


@dataclass(frozen=True)
class Case:
    """One answer to one question, and what must happen to it."""

    question: str
    label: str
    value: str
    rule: str | None = None
    """Part of the expected refusal message; ``None`` means the answer is accepted."""

    @property
    def id(self) -> str:
        return f"{self.question}-{self.label}"


def _cases(question: str, rows: list[tuple[str, str, str | None]]) -> list[Case]:
    return [Case(question, label, value, rule) for label, value, rule in rows]


EMPTY = "must not be empty"
NOT_A_PATH = "not a file path"
ONE_LINE = "one line"
IDENTIFIER = "a-z 0-9 _, a letter first"
HANDLE = "GitHub @user or @org/team"
WEB_URL = "start with http:// or https://"
NO_SPACES = "no spaces"
HOST = "a host, like"
URL_CHARACTERS = "encode others as %XX"
REPOSITORY = "must be owner/name"
CATEGORY = "must be 1-64 letters"

CORPUS: list[Case] = [
    *_cases(
        "project_name",
        [
            ("traversal", "../../outside", NOT_A_PATH),
            ("traversal-inside", "a/../../b", None),
            ("absolute", "/etc/passwd", NOT_A_PATH),
            ("home", "~/billing", NOT_A_PATH),
            ("windows", "C:\\Users\\me\\billing", NOT_A_PATH),
            ("windows-relative", "..\\..\\evil", NOT_A_PATH),
            ("jinja", "{{ 7*7 }} {% include '/etc/passwd' %} {# c #}", None),
            ("jinja-escape", "{{ cycler.__init__.__globals__.os.popen('touch pwned') }}", None),
            ("shell", "$(touch pwned); `touch pwned` | rm -rf ~ && echo", None),
            ("empty", "", EMPTY),
            ("whitespace", "   ", EMPTY),
            ("tab", "\t", EMPTY),
            ("padded", " billing ", "must not start or end with spaces"),
            ("longest", "x" * 80, None),
            ("too-long", "x" * 81, "at most 80"),
            ("chinese", "数据服务\N{FULLWIDTH COLON}测试", None),
            ("accents-dash-emoji-rtl", "Ωmega\N{EN DASH}Café 🚀 مشروع", None),
            ("zero-width", "bill\u200bing", ONE_LINE),
            ("quotes", 'The "Best" app\'s a"""b\'\'\'c"', None),
            ("yaml-keyword", "yes", None),
            ("yaml-syntax", "- [a]: {b} # c", None),
            ("markdown-html", "# Title <script>alert(1)</script>", None),
            ("newline", "two\nlines", ONE_LINE),
            ("carriage-return", "billing\r", ONE_LINE),
            ("symbols-only", "---", "a letter or a digit"),
        ],
    ),
    *_cases(
        "package_name",
        [
            ("traversal", "../evil", IDENTIFIER),
            ("absolute", "/abs", IDENTIFIER),
            ("windows", "C:\\evil", IDENTIFIER),
            ("jinja", "{{ 7*7 }}", IDENTIFIER),
            ("shell", "x; rm -rf /", IDENTIFIER),
            ("empty", "", IDENTIFIER),
            ("whitespace", "  ", IDENTIFIER),
            ("too-long", "a" * 51, "at most 50"),
            ("non-ascii", "café", IDENTIFIER),
            ("quote", "it's", IDENTIFIER),
            ("newline", "a\nb", IDENTIFIER),
            ("keyword", "import", "keyword"),
            ("stdlib", "os", "stdlib module"),
            ("longest", "a" * 50, None),
            ("ordinary", "billing_2", None),
        ],
    ),
    *_cases(
        "description",
        [
            ("traversal-absolute", "../../etc/passwd or /etc/passwd", None),
            ("windows", "C:\\Users\\me\\", None),
            ("jinja", "{{ 7*7 }} {% if true %}x{% endif %} {# c #}", None),
            ("shell", "`touch pwned`; $(touch pwned) && echo > pwned", None),
            ("empty", "", EMPTY),
            ("whitespace", " \t ", EMPTY),
            ("padded", " Bills customers.", "must not start or end with spaces"),
            ("longest", "y" * 200, None),
            ("too-long", "y" * 201, "at most 200"),
            ("chinese-dashes-emoji", "数据服务\N{FULLWIDTH COMMA}为团队 — \N{EN DASH} 🎉", None),
            ("quotes", 'Says "hi", \'bye\', """ and \'\'\' to the "strangler"', None),
            ("toml-breakout", '" # ] [tool.evil] x = "', None),
            ("newline", "a\nb", ONE_LINE),
            ("toml-newline", 'x"\n[tool.evil]\ny = "', ONE_LINE),
            ("crlf", "a\r\nb", ONE_LINE),
        ],
    ),
    *_cases(
        "owner",
        [
            ("traversal", "../../etc", HANDLE),
            ("absolute", "/etc/passwd", HANDLE),
            ("windows", "C:\\team", HANDLE),
            ("jinja", "@{{ 7*7 }}", HANDLE),
            ("shell", "@org/team; rm -rf /", HANDLE),
            ("empty", "", HANDLE),
            ("whitespace", "   ", HANDLE),
            ("too-long", "@" + "a" * 40, HANDLE),
            ("non-ascii", "@ünïcode", HANDLE),
            ("quote", '@org/te"am', HANDLE),
            ("newline", "@org\n/team", HANDLE),
            ("team", "@acme/payments", None),
            ("user", "@jdoe", None),
            ("dotted-team", "@acme/team.name_x", None),
        ],
    ),
    # Asked only with a UI, so these render with has_ui true (see WITH).
    *_cases(
        "design_link",
        [
            ("empty", "", None),
            ("whitespace", "   ", NO_SPACES),
            ("traversal", "../../outside", WEB_URL),
            ("traversal-in-url", "https://example.com/../../etc/passwd", None),
            ("absolute", "/etc/passwd", WEB_URL),
            ("file-url", "file:///etc/passwd", WEB_URL),
            ("windows", "C:\\Designs\\billing.fig", WEB_URL),
            ("windows-unc", "\\\\server\\share\\designs", WEB_URL),
            ("javascript", "javascript:alert(document.cookie)", WEB_URL),
            ("javascript-slashes", "JavaScript://example.com/%0Aalert(1)", WEB_URL),
            ("data-url", "data:text/html,<script>alert(1)</script>", WEB_URL),
            ("no-scheme", "www.figma.com/file/abc", WEB_URL),
            ("jinja", "https://example.com/{{7*7}}{%raw%}", URL_CHARACTERS),
            ("jinja-encoded", "https://example.com/%7B%7B7*7%7D%7D", None),
            ("shell", "https://example.com/$(touch pwned)", NO_SPACES),
            ("shell-literal", "https://example.com/$(touch%20pwned);touch$IFS'pwned'&&rm", None),
            ("newline", "https://example.com/a\nhttps://evil.example", ONE_LINE),
            ("crlf", "https://example.com/\r\n", ONE_LINE),
            ("longest", "https://example.com/" + "a" * 280, None),
            ("too-long", "https://example.com/" + "a" * 281, "at most 300"),
            ("quote", 'https://example.com/"onmouseover="alert(1)', URL_CHARACTERS),
            ("quote-single", "https://example.com/it's", None),
            ("non-ascii", "https://example.com/数据/Café", URL_CHARACTERS),
            ("non-ascii-host", "https://bücher.example/designs", HOST),
            ("markdown-breakout", "https://example.com/>[x](javascript:alert(1))", URL_CHARACTERS),
            ("markdown-html", "https://example.com/<script>alert(1)</script>", URL_CHARACTERS),
            ("markdown-emphasis", "https://example.com/_a_*b*~~c~~&amp;#x", None),
            ("credentials", "https://user:secret@example.com/designs", "user or password"),
            ("figma", "https://www.figma.com/design/AbC12/Billing?node-id=1-2&t=x", None),
        ],
    ),
    # Asked only from medium up (see WITH).
    *_cases(
        "rfc_repository",
        [
            ("empty", "", None),
            ("whitespace", "  ", REPOSITORY),
            ("traversal", "../../outside", REPOSITORY),
            ("absolute", "/etc/passwd", REPOSITORY),
            ("windows", "C:\\rfcs", REPOSITORY),
            ("jinja", "acme/{{ 7*7 }}", REPOSITORY),
            ("shell", "acme/rfcs; touch pwned", REPOSITORY),
            ("newline", "acme/rfcs\nx: y", REPOSITORY),
            ("too-long", "acme/" + "r" * 101, REPOSITORY),
            ("quote", 'acme/rf"cs', REPOSITORY),
            ("non-ascii", "acmé/rfcs", REPOSITORY),
            ("url", "https://github.com/acme/rfcs", REPOSITORY),
            ("ordinary", "acme/rfcs", None),
            ("dotted", "acme-corp/engineering.rfcs_2", None),
        ],
    ),
    *_cases(
        "rfc_category",
        [
            ("empty", "", CATEGORY),
            ("whitespace", "   ", CATEGORY),
            ("traversal", "../../x", CATEGORY),
            ("absolute", "/etc/passwd", CATEGORY),
            ("windows", "C:\\x", CATEGORY),
            ("jinja", "{{ 7*7 }}", CATEGORY),
            ("shell", "RFCs $(touch pwned)", CATEGORY),
            ("newline", "RFCs\nx: y", CATEGORY),
            ("too-long", "R" * 65, CATEGORY),
            ("quote", 'R"FCs', CATEGORY),
            ("non-ascii", "Décisions & RFC", None),
            ("chinese", "技术提案", None),
            ("ordinary", "Ideas and RFCs", None),
        ],
    ),
]
FREE_TEXT = (
    "project_name",
    "package_name",
    "description",
    "owner",
    "design_link",
    "rfc_repository",
    "rfc_category",
)
WITH: dict[str, dict[str, object]] = {
    "design_link": {"has_ui": True},
    "rfc_repository": {"project_size": "medium"},
    "rfc_category": {
        "project_size": "medium",
        "rfc_repository": "acme/rfcs",
    },
}
"""Other answers a question needs to be asked at all (its `when` in copier.yml)."""
ACCEPTED = [case for case in CORPUS if case.rule is None]
REFUSED = [case for case in CORPUS if case.rule is not None]
ORDINARY_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def snapshot(folder: Path, skip: Path) -> set[str]:
    """Every path below ``folder`` except the destination, to spot stray writes."""
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path != skip and skip not in path.parents
    }


def render(template: Path, parent: Path, data: dict[str, object]) -> Path:
    """Render ``template`` as `copier copy --trust --defaults --data ...` would."""
    destination = parent / "project"
    run_copy(str(template), str(destination), data=data, defaults=True, unsafe=True, quiet=True)
    return destination


def test_corpus_covers_every_free_text_question() -> None:
    """Each free-text question gets every kind of bad input the issue lists."""
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    free_text = {
        name
        for name, spec in questions.items()
        if not name.startswith("_")
        and spec.get("type") == "str"
        and "choices" not in spec
        and spec.get("when") is not False  # a computed answer is never typed
    }
    assert free_text == set(FREE_TEXT)
    kinds = ("traversal", "absolute", "windows", "jinja", "shell", "empty", "whitespace")
    for question in FREE_TEXT:
        labels = {case.label for case in CORPUS if case.question == question}
        for kind in (*kinds, "newline", "too-long", "quote", "non-ascii|chinese"):
            assert any(re.search(kind, label) for label in labels), (question, kind)
        assert "validator" in questions[question], question


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.id)
def test_bad_answer_is_refused_naming_question_and_rule(
    template_folder: Path, tmp_path: Path, case: Case
) -> None:
    before = snapshot(tmp_path, tmp_path / "project")
    with pytest.raises(ValueError) as refused:
        render(
            template_folder, tmp_path, {**WITH.get(case.question, {}), case.question: case.value}
        )
    message = str(refused.value)
    assert f"question '{case.question}'" in message
    # Copier names the question; the rule follows at once, so it shows on a narrow terminal.
    assert f"Validation error for question '{case.question}': must " in message
    assert case.rule in message
    assert not (tmp_path / "project").exists()
    assert snapshot(tmp_path, tmp_path / "project") == before


@pytest.mark.parametrize(
    "case", [case for case in CORPUS if case.question == "project_name"], ids=lambda c: c.id
)
def test_a_bad_project_name_is_never_reported_as_a_package_problem(case: Case) -> None:
    """The package name's default is derived so it always passes its own validator."""
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    # Derived from the name unless an existing repository's own package passes the rule.
    default = questions["package_name"]["default"]
    assert "{%- if found and not (found | package_name_problem) %}{{ found }}" in default
    assert default.endswith("{%- else %}{{ project_name | to_package_name }}{% endif %}")
    derived = answers.to_package_name(case.value)
    assert answers.package_name_problem(derived) == ""
    assert (answers.project_name_problem(case.value) == "") is (case.rule is None)


def check_accepted(template: Path, parent: Path, data: dict[str, object]) -> Path:
    """Render ``data`` and check the project is safe and literal; return it."""
    project = parent / "project"
    before = snapshot(parent, project)
    # pytest's own cache folder may appear meanwhile (another worker's test uses it).
    cwd_before = set(os.listdir()) - {".pytest_cache"}
    render(template, parent, data)
    assert snapshot(parent, project) == before, "something was written beside the project"
    cwd_after = set(os.listdir()) - {".pytest_cache"}
    assert cwd_after == cwd_before, "something was written in the working folder"
    for path in project.rglob("*"):
        relative = path.relative_to(project)
        assert all(ORDINARY_NAME.match(part) for part in relative.parts), relative
        assert project in path.resolve().parents, relative
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    readme = (project / "README.md").read_text()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    for question, value in data.items():
        assert answers[question] == value, question  # YAML kept the answer exactly
    # In Markdown an answer is escaped so it shows as typed (tests/test_markdown_text.py).
    if "project_name" in data:
        title = markdown_text.markdown_text(data["project_name"], "heading")
        assert readme.startswith(f"# {title}\n")
    if "description" in data:
        assert pyproject["project"]["description"] == data["description"]
        assert f"\n{markdown_text.markdown_text(data['description'], 'paragraph')}\n" in readme
    if "owner" in data:
        assert markdown_text.markdown_text(data["owner"]) in readme
    if "package_name" in data:
        assert (project / "src" / data["package_name"] / "__init__.py").is_file()
    if "design_link" in data:
        (design_file,) = project.glob("docs/work/0001-*/design.md")
        design = design_file.read_text()
        section = design.split("## Wireframes and mock-ups\n", 1)[1].split("\n## ", 1)[0]
        if data["design_link"]:  # a Markdown autolink, exactly as given
            assert section.startswith(f"\n- All designs: <{data['design_link']}>\n"), section
        else:
            assert "All designs" not in section and "_TODO: a link" in section, section
    workflow = project / ".github" / "workflows" / "rfc-discussions.yml"
    if data.get("rfc_repository"):
        steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["share"]["steps"]
        env = next(step["env"] for step in steps if "env" in step)
        assert env["RFC_REPOSITORY"] == data["rfc_repository"]  # exactly as typed
        assert env["RFC_CATEGORY"] == data.get("rfc_category", "RFCs")
    else:
        assert not workflow.exists()
    assert not any(parent.rglob("pwned")), "a shell ran an answer"
    return project


def test_jinja_in_answers_stays_literal(template_folder: Path, tmp_path: Path) -> None:
    """Copier never renders an answer: `{{ 7*7 }}` is text, not 49, everywhere."""
    data = {"project_name": "{{ 7*7 }}", "description": "{% if true %}yes{% endif %}"}
    project = check_accepted(template_folder, tmp_path, data)
    for name in ("README.md", "pyproject.toml"):
        assert "49" not in (project / name).read_text(), name
    # The answers file also records the template's temporary path, which may hold "49".
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    recorded = {key: value for key, value in answers.items() if key != "_src_path"}
    assert "49" not in yaml.safe_dump(recorded), recorded
    assert (project / "README.md").read_text().startswith("# {{ 7\\*7 }}\n")  # `*` escaped
    assert "{% if true %}yes{% endif %}" in (project / "README.md").read_text()
    # The derived package name comes from the literal text too.
    assert (project / "src" / "app_7_7" / "__init__.py").is_file()


def test_no_answer_can_reach_a_shell() -> None:
    """Tasks and migrations, if any, must be lists: a string command runs in a shell."""
    questions = yaml.safe_load((ROOT / "copier.yml").read_text())
    for key in ("_tasks", "_migrations"):
        for entry in questions.get(key) or []:
            command = entry.get("command") if isinstance(entry, dict) else entry
            assert isinstance(command, list), f"{key} entry runs through a shell: {entry!r}"


def accepted_batches() -> list[dict[str, object]]:
    """Every accepted answer, packed into as few projects as the longest list needs.

    Running `uv sync` and the project's tests costs seconds per project, so
    batch ``i`` combines the ``i``-th accepted answer of each question; every
    accepted answer lands in at least one batch. ``package_name`` is given only
    in the first batches, so the others use the name derived from a hostile
    project name, which is what most users get; ``design_link`` too, so the
    batches after it have no UI, the default.
    """
    per_question = {
        question: [case.value for case in ACCEPTED if case.question == question]
        for question in FREE_TEXT
    }
    count = max(len(values) for values in per_question.values())
    batches: list[dict[str, object]] = [{} for _ in range(count)]
    for question, values in per_question.items():
        given_once = question in (
            "package_name",
            "design_link",
            "rfc_repository",
            "rfc_category",
        )
        if not given_once:
            for batch, value in zip(batches, islice(cycle(values), count), strict=True):
                batch.update(WITH.get(question, {}))
                batch[question] = value
            continue
        needs = WITH.get(question, {})
        free = (b for b in batches if all(b.get(k, v) == v for k, v in needs.items()))
        for batch, value in zip(free, values, strict=False):  # where its needs hold
            batch.update(needs)
            batch[question] = value
    return batches


BATCHES = accepted_batches()


def test_every_accepted_answer_is_in_a_batch() -> None:
    """So the batches below check each accepted answer, with what it needs (`WITH`)."""
    assert ACCEPTED
    for case in ACCEPTED:
        needs = {**WITH.get(case.question, {}), case.question: case.value}
        assert any(needs.items() <= batch.items() for batch in BATCHES), case.id


@pytest.mark.slow  # one render, ruff, mdformat, `uv sync` and the suite per batch
@pytest.mark.parametrize("data", BATCHES, ids=[f"batch{i}" for i in range(len(BATCHES))])
def test_accepted_answers_give_a_project_that_passes_its_own_tests(
    template_folder: Path, tmp_path: Path, data: dict[str, object]
) -> None:
    """Safe and literal (``check_accepted``), then the project's own checks: ruff, its
    Markdown check (its CI command) and its test suite all pass with the answers."""
    project = check_accepted(template_folder, tmp_path, data)
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        run([sys.executable, "-m", "ruff", *args], cwd=project)
    run([sys.executable, "-m", "mdformat", "--check", "README.md", "docs", ".github"], cwd=project)
    run([uv(), "sync", "--quiet"], cwd=project)
    result = run([uv(), "run", "--quiet", "pytest", "-p", "no:cacheprovider"], cwd=project)
    assert " passed" in result.stdout and "failed" not in result.stdout


# A guard that makes every socket connection fail, then runs the copier CLI.
# It first proves the guard works, so a broken guard cannot pass silently.
NO_NETWORK = """
import socket, sys
class NetworkUsed(OSError):
    pass
def refuse(*args, **kwargs):
    raise NetworkUsed(f"network access during rendering: {args!r}")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
try:
    socket.create_connection(("127.0.0.1", 9))
except NetworkUsed:
    pass
else:
    sys.exit("the network guard did not trigger")
from copier._cli import CopierApp
sys.argv = ["copier", *sys.argv[1:]]
CopierApp.run()
"""


def _no_network_namespace() -> list[str]:
    """`unshare -n` (no network interfaces at all) where the machine allows it."""
    try:
        probe = run(["unshare", "-n", "true"], check=False)
    except FileNotFoundError:
        return []
    return ["unshare", "-n"] if probe.returncode == 0 else []


@pytest.mark.slow  # the copier command line
def test_rendering_needs_no_network(tmp_path: Path) -> None:
    command = [
        *_no_network_namespace(),
        sys.executable,
        "-c",
        NO_NETWORK,
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref",
        "HEAD",
        "--data",
        "project_kind=library",
        str(ROOT),
        "offline",
    ]
    result = run(command, tmp_path)
    assert "network access during rendering" not in result.stderr
    assert (tmp_path / "offline" / "src" / "offline" / "core.py").is_file()
