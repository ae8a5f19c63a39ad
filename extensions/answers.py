"""The rules for the free-text answers, and how answers safely reach files.

Copier loads this file by path (through ``copier_template_extensions``), so it
stays importable on its own: standard library and Jinja2 only.

Why a module: every validator in ``copier.yml`` is one call of a filter here,
so every rule is a plain function with unit tests (tests/test_answers.py),
and each filter is named after the question it checks:

* filters ``project_name_problem``, ``package_name_problem``,
  ``description_problem``, ``owner_problem``, ``design_link_problem``,
  ``rfc_repository_problem`` and ``rfc_category_problem``:
  the rule an answer breaks, or an empty string.
* filter ``refuse_bad_data``: every ``--data``/``--data-file`` answer checked
  for its type and rule up front, refused in one line without a traceback.
* filter ``to_package_name``: a valid, importable Python package name derived
  from any project name (non-ASCII welcome); the ``package_name`` default.
* filter ``quoted``: a double-quoted string literal valid in TOML, YAML and
  Python, so answers never break the files they land in.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata

from jinja2 import Environment
from jinja2.ext import Extension

MAX_NAME_LENGTH = 80
MAX_PACKAGE_LENGTH = 50
MAX_DESCRIPTION_LENGTH = 200
MAX_LINK_LENGTH = 300
_PACKAGE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
OWNER_HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$")
_PATH_LIKE_RE = re.compile(r"^(/|~/|\.{1,2}/|[A-Za-z]:/)")
"""A project name that starts like a file path (``/``, ``~/``, ``./``, ``../``, ``C:/``)."""
_LINK_RE = re.compile(r"^(?P<scheme>[A-Za-z]+)://(?P<host>[^/?#]*)")
_HOST_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")
_URL_CHARS_RE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
"""ASCII URL characters that Markdown tools keep as they are inside ``<...>``.

mdformat (through markdown-it) percent-encodes anything else in an autolink,
such as non-ASCII letters, brackets or a lone ``%``; refusing them keeps the
rendered note identical to its formatted form.
"""


def to_package_name(project_name: str) -> str:
    """Derive an importable package name from a free-text project name.

    Accents are folded to ASCII ("Café" -> "cafe"); anything else that is not
    a letter or digit becomes one underscore. Names that could not be imported
    as they are (empty, leading digit, keyword, standard-library module) get
    an ``app`` prefix or suffix, so the default always passes validation.
    """
    ascii_name = (
        unicodedata.normalize("NFKD", project_name).encode("ascii", "ignore").decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:MAX_PACKAGE_LENGTH]
    slug = slug.strip("_")
    if not slug:
        return "app"
    if slug[0].isdigit():
        slug = f"app_{slug}"[:MAX_PACKAGE_LENGTH].rstrip("_")
    if keyword.iskeyword(slug) or slug in sys.stdlib_module_names:
        slug = f"{slug}_app"
    return slug


# Copier shows a refusal as "Validation error for question 'NAME': MESSAGE" on
# one terminal line, cut at the terminal's width: at 80 columns only 34 to 41
# characters of MESSAGE fit after that prefix. So every message is the rule
# alone, in at most that many characters (`message_budget`); copier's prefix
# already names the question. tests/test_questionnaire.py checks every message
# against that budget, and in a real 80-column session.
TERMINAL_COLUMNS = 80
VALIDATION_PREFIX = "Validation error for question '{name}': "
ONE_LINE_RULE = "must be one line of plain text."
NOT_EMPTY_RULE = "must not be empty or only spaces."
NO_PADDING_RULE = "must not start or end with spaces."


def project_name_problem(project_name: str) -> str:
    """Return the rule a project name breaks, or ``""`` when it is fine.

    The name only reaches Markdown and YAML (never Python source or a file
    name: the package name is derived from it), so any language, quotes and
    Jinja-looking text are fine. A path is refused because it is almost always
    a destination folder typed into the wrong question.
    """
    if not project_name.strip():
        return NOT_EMPTY_RULE
    if any(unicodedata.category(char).startswith("C") for char in project_name):
        return ONE_LINE_RULE
    if project_name != project_name.strip():
        return NO_PADDING_RULE
    if len(project_name) > MAX_NAME_LENGTH:
        return f"must be at most {MAX_NAME_LENGTH} characters."
    if not any(char.isalnum() for char in project_name):
        return "must contain a letter or a digit."
    if "\\" in project_name or _PATH_LIKE_RE.match(project_name):
        return "must be a name, not a file path."
    return ""


def package_name_problem(name: str) -> str:
    """Return the rule a package name breaks, or ``""`` when it is fine."""
    if not _PACKAGE_RE.match(name):
        return "must be a-z 0-9 _, a letter first."
    if len(name) > MAX_PACKAGE_LENGTH:
        return f"must be at most {MAX_PACKAGE_LENGTH} characters."
    if keyword.iskeyword(name):
        return "must not be a Python keyword."
    if name in sys.stdlib_module_names:
        return "must not shadow a stdlib module."
    return ""


def description_problem(description: str) -> str:
    """Return the rule a description breaks, or ``""`` when it is fine."""
    if not description.strip():
        return NOT_EMPTY_RULE
    if any(unicodedata.category(char).startswith("C") for char in description):
        return ONE_LINE_RULE
    if description != description.strip():
        return NO_PADDING_RULE
    if len(description) > MAX_DESCRIPTION_LENGTH:
        return f"must be at most {MAX_DESCRIPTION_LENGTH} characters."
    return ""


def owner_problem(owner: str) -> str:
    """Return the rule an owner handle breaks, or ``""`` when it is fine.

    The owner lands in CODEOWNERS, which only understands GitHub handles.
    """
    if not OWNER_HANDLE.match(owner):
        return "must be a GitHub @user or @org/team."
    return ""


def design_link_problem(link: str) -> str:
    """Return the rule a design link breaks, or ``""`` when it is fine.

    Empty means "no designs yet" and is fine. Anything else is shown as a
    Markdown autolink (``<URL>``) in docs/design.md, so it must be one web
    address a browser opens: no ``javascript:`` or file paths, no spaces or
    control characters that would end the link early, no credentials that
    would be committed for everyone to read, and only characters Markdown
    keeps as they are.
    """
    if link == "":
        return ""
    if any(unicodedata.category(char).startswith("C") for char in link):
        return ONE_LINE_RULE
    if len(link) > MAX_LINK_LENGTH:
        return f"must be at most {MAX_LINK_LENGTH} characters."
    if any(char.isspace() for char in link):
        return "must have no spaces: use %20."
    parts = _LINK_RE.match(link)
    if parts is None or parts["scheme"].lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if "@" in parts["host"]:
        return "must not hold a user or password."
    if not _HOST_RE.match(parts["host"]):
        return "must have a host, like figma.com."
    if not _URL_CHARS_RE.match(link):
        return "must be ASCII: encode others as %XX"
    return ""


_REPOSITORY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
_CATEGORY_RE = re.compile(r"^[\w][\w .&+-]{0,63}$")
"""Letters (any language), digits and `` .&+-``: no quotes or line breaks, so the
name stays one plain value in the workflow file it lands in."""


def rfc_repository_problem(repository: str) -> str:
    """Return the rule the RFC discussions repository breaks, or ``""`` when it is fine.

    Empty means RFCs are not posted anywhere; otherwise the GitHub ``owner/name``
    whose Discussions hold the organisation's RFCs.
    """
    if repository and not _REPOSITORY_RE.match(repository):
        return "must be owner/name, or empty."
    return ""


def rfc_category_problem(category: str) -> str:
    """Return the rule the RFC discussion category breaks, or ``""`` when it is fine."""
    if not _CATEGORY_RE.match(category):
        return "must be 1-64 letters, digits, .&+-"
    return ""


PROBLEMS = {
    "project_name": project_name_problem,
    "package_name": package_name_problem,
    "description": description_problem,
    "owner": owner_problem,
    "design_link": design_link_problem,
    "rfc_repository": rfc_repository_problem,
    "rfc_category": rfc_category_problem,
}
"""Each free-text question and its rule, as its ``validator`` in copier.yml calls it."""
YES_OR_NO_QUESTIONS = ("existing_repo", "has_ui")
YES_OR_NO_WORDS = {"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}
"""What copier reads as a yes or a no; anything else it would cast to true."""
TEXT_RULE = "must be text: put it in quotes."
YES_OR_NO_RULE = "must be true or false."


def type_problem(name: str, value: object) -> str:
    """The rule a ``--data`` or ``--data-file`` value breaks by its type, or ``""``.

    Copier casts before any validator sees the answer: ``description: yes`` in
    a data file arrives as the text "True", and ``has_ui: maybe`` as true.
    """
    if name in PROBLEMS and not isinstance(value, str):
        return TEXT_RULE
    word = isinstance(value, str) and value.strip().lower() in YES_OR_NO_WORDS
    if name in YES_OR_NO_QUESTIONS and not (isinstance(value, bool) or word or value in (0, 1)):
        return YES_OR_NO_RULE
    return ""


def data_problem(data: object) -> str:
    """Copier's own refusal line for the first given answer that breaks a rule, or ``""``."""
    if not hasattr(data, "items"):
        return ""
    for name, value in data.items():
        problem = type_problem(str(name), value)
        if not problem and name in PROBLEMS:
            problem = PROBLEMS[name](value)
        if problem:
            return VALIDATION_PREFIX.format(name=name) + problem
    return ""


def refuse_bad_data(data: object) -> bool:
    """``True``, or stop copier with one line when a given answer breaks its rule.

    Copier reports a refused ``--data`` value as a ``ValueError`` with a
    40-line traceback around the one line that matters; a ``UserMessageError``
    raised while copier renders a question's ``when`` is printed alone, before
    anything is written. copier.yml calls this from the first question every
    repository is asked (``project_kind``), so every given answer is checked
    before any question is asked.
    """
    problem = data_problem(data)
    if not problem:
        return True
    try:
        from copier.errors import UserMessageError
    except ImportError:  # outside copier (the unit tests): the same line, as a ValueError
        raise ValueError(problem) from None

    class AnswerRefused(UserMessageError, ValueError):
        """Copier's command line prints it alone; its API raises a ValueError, as before."""

    raise AnswerRefused(problem)


def quoted(value: object) -> str:
    """Quote a value as a double-quoted literal valid in TOML, YAML and Python."""
    return json.dumps(str(value), ensure_ascii=False)


class AnswersExtension(Extension):
    """Register the answer validators, ``to_package_name`` and ``quoted``."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            to_package_name=to_package_name,
            project_name_problem=project_name_problem,
            package_name_problem=package_name_problem,
            description_problem=description_problem,
            owner_problem=owner_problem,
            design_link_problem=design_link_problem,
            rfc_repository_problem=rfc_repository_problem,
            rfc_category_problem=rfc_category_problem,
            refuse_bad_data=refuse_bad_data,
            quoted=quoted,
        )
