"""The answer rules in extensions/answers.py, tested with plain Jinja2."""

from __future__ import annotations

import keyword

import jinja2
import mdformat
import pytest

from .extension_modules import answers


@pytest.fixture
def env() -> jinja2.Environment:
    return jinja2.Environment(
        extensions=[answers.AnswersExtension], undefined=jinja2.StrictUndefined
    )


def test_filters_in_jinja(env) -> None:
    rendered = env.from_string(
        "{{ 'Café Crème' | to_package_name }} {{ 'say \"hi\"' | quoted }}"
    ).render()
    assert rendered == 'cafe_creme "say \\"hi\\""'


@pytest.mark.parametrize(
    ("project_name", "package"),
    [
        ("acme-billing", "acme_billing"),
        ("Acme Billing API", "acme_billing_api"),
        ("Café Crème", "cafe_creme"),
        ("数据服务", "app"),
        ("3D viewer", "app_3d_viewer"),
        ("class", "class_app"),
        ("json", "json_app"),
        ("  --weird__name--  ", "weird_name"),
        ("x" * 200, "x" * answers.MAX_PACKAGE_LENGTH),
    ],
)
def test_package_name_is_derived_and_always_valid(project_name: str, package: str) -> None:
    derived = answers.to_package_name(project_name)
    assert derived == package
    assert answers.package_name_problem(derived) == ""
    assert derived.isidentifier() and not keyword.iskeyword(derived)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        (" padded", "must not start or end with spaces"),
        ("two\nlines", "one line"),
        ("x" * 81, "at most 80"),
        ("---", "a letter or a digit"),
        ("C:\\Users\\me\\billing", "not a file path"),
        ("billing\\v2", "not a file path"),
        ("../../etc/passwd", "not a file path"),
        ("./billing", "not a file path"),
        ("/srv/billing", "not a file path"),
        ("~/billing", "not a file path"),
        ("C:/billing", "not a file path"),
    ],
)
def test_bad_project_names_name_the_rule(value: str, rule: str) -> None:
    problem = answers.project_name_problem(value)
    assert problem.startswith("must ")
    assert rule in problem


@pytest.mark.parametrize(
    "value",
    [
        "acme-billing",
        "Café Crème",
        "数据服务",
        "Billing (v2)",
        "TCP/IP tools",
        "X: the game",
        'The "Best" app',
        "{{ 7*7 }}",
        "~tilde",
    ],
)
def test_good_project_names_pass(value: str) -> None:
    assert answers.project_name_problem(value) == ""


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("Acme", "a-z 0-9 _, a letter first"),
        ("9lives", "a-z 0-9 _, a letter first"),
        ("my-pkg", "a-z 0-9 _, a letter first"),
        ("café", "a-z 0-9 _, a letter first"),
        ("class", "keyword"),
        ("json", "stdlib module"),
        ("a" * 51, "at most 50"),
    ],
)
def test_bad_package_names_name_the_rule(value: str, rule: str) -> None:
    problem = answers.package_name_problem(value)
    assert problem.startswith("must ")
    assert rule in problem


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("@acme/payments", True),
        ("@jdoe", True),
        ("@acme/team.name_x", True),
        ("acme/payments", False),
        ("@", False),
        ("@acme/payments; rm -rf /", False),
        ("@-acme", False),
    ],
)
def test_owner_must_be_a_github_handle(value: str, ok: bool) -> None:
    problem = answers.owner_problem(value)
    assert (problem == "") is ok
    if not ok:
        assert problem.startswith("must ")


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "must not be empty"),
        ("a\nb", "one line"),
        ("ends with a newline\n", "one line"),
        ("x" * 201, "at most 200"),
        (" leading space", "must not start or end with spaces"),
        ("trailing space ", "must not start or end with spaces"),
    ],
)
def test_bad_descriptions_name_the_rule(value: str, rule: str) -> None:
    problem = answers.description_problem(value)
    assert problem.startswith("must ")
    assert rule in problem


@pytest.mark.parametrize(
    "value",
    [
        "",
        "https://www.figma.com/design/AbC123/Billing?node-id=1-2&t=x_Y",
        "http://wiki.internal:8080/Design/Billing%20v2#States",
        "HTTPS://MIRO.COM/app/board/uXjVN1a2b3c=/",
        "https://drive.example.com/drive/folders/1a-B_c~d?usp=sharing;x=(1)*2,'3'!$",
        "https://example.com/@team/boards",
        "https://localhost",
        "https://example.com/" + "a" * (answers.MAX_LINK_LENGTH - len("https://example.com/")),
    ],
)
def test_good_design_links_pass(value: str) -> None:
    assert answers.design_link_problem(value) == ""
    if value:
        assert markdown_formatted(f"- All designs: <{value}>\n")


def markdown_formatted(text: str) -> bool:
    """mdformat, with the generated project's settings, leaves ``text`` as it is."""
    options = {"wrap": "keep", "number": False}
    return mdformat.text(text, options=options, extensions={"gfm"}) == text


def test_every_accepted_link_character_stays_as_it_is_in_markdown() -> None:
    """The character rule matches what mdformat keeps inside `<...>`, character by character."""
    accepted = []
    for code in range(0x20, 0x250):
        link = f"https://example.com/a{chr(code)}b"
        line = f"- All designs: <{link}>\n"
        if answers.design_link_problem(link) == "":
            accepted.append(chr(code))
            assert markdown_formatted(line), link
        else:
            assert answers.design_link_problem(link).startswith("must ")
    assert set("-._~:/?#@!$&'()*+,;=") <= set(accepted)
    assert not set(accepted) & set(' <>"`{}|^[]é')


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (" ", "no spaces"),
        ("https://example.com/a b", "no spaces"),
        ("https://example.com/\u00a0", "no spaces"),
        ("https://example.com/a\nhttps://evil.example", "one line"),
        ("https://example.com/\r", "one line"),
        ("https://example.com/\t", "one line"),
        ("https://exa\u200bmple.com", "one line"),
        ("https://example.com/" + "a" * answers.MAX_LINK_LENGTH, "at most 300"),
        ("javascript:alert(1)", "http:// or https://"),
        ("JavaScript://example.com/%0Aalert(1)", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("ftp://example.com/designs", "http:// or https://"),
        ("www.figma.com/file/abc", "http:// or https://"),
        ("../../designs", "http:// or https://"),
        ("/srv/designs", "http:// or https://"),
        ("C:\\Designs\\billing.fig", "http:// or https://"),
        ("https:/example.com", "http:// or https://"),
        ("https://", "host, like"),
        ("https:///designs", "host, like"),
        ("https://user:secret@example.com/designs", "user or password"),
        ("https://-example.com", "host, like"),
        ("https://exämple.com", "host, like"),
        ("https://example.com/Café", "ASCII"),
        ("https://example.com/<script>", "ASCII"),
        ('https://example.com/"quoted"', "ASCII"),
        ("https://example.com/{{ 7*7 }}".replace(" ", ""), "ASCII"),
        ("https://example.com/a|b^c`d\\e", "ASCII"),
        ("https://example.com/?filter[a]=b", "ASCII"),
        ("https://example.com/100%", "as %XX"),
        ("https://example.com/%zz", "as %XX"),
    ],
)
def test_bad_design_links_name_the_rule(value: str, rule: str) -> None:
    problem = answers.design_link_problem(value)
    assert problem.startswith("must ")
    assert rule in problem


def test_design_link_problem_in_jinja(env) -> None:
    template = env.from_string("{{ link | design_link_problem }}")
    assert template.render(link="https://miro.com/app/board/x=/") == ""
    assert "http:// or https://" in template.render(link="javascript:alert(1)")
