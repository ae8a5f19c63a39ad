"""extensions/process.yml and `process_items`, tested with plain Jinja2 (no copier).

The rendered documents are checked in test_artefacts.py; here we check the
data and the one function that reads it, so a broken process file is caught
with a clear message before any project is rendered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import product
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from .conftest import ROOT, SIZES
from .extension_modules import EXTENSIONS, process, tool, work

PROCESS = yaml.safe_load((ROOT / "extensions" / "process.yml").read_text())
STAGES = tuple(PROCESS["stages"])
# Lists whose contents must strictly grow from small to large (issue 3).
STRICTLY_GROWING = ("release_checklist", "test_plan_sections", "rfc_sections")


def texts(key: str, size: str, has_ui: bool = False) -> list[str]:
    return [item["text"] for item in process.process_items(key, size, has_ui)]


@pytest.fixture
def env() -> jinja2.Environment:
    return jinja2.Environment(extensions=EXTENSIONS, undefined=jinja2.StrictUndefined)


def test_process_items_in_jinja(env) -> None:
    template = env.from_string(
        '{% for item in process_items("release_checklist", size) %}{{ item.text }}\n{% endfor %}'
    )
    for size in SIZES:
        lines = template.render(size=size).splitlines()
        expected = [
            item["text"]
            for item in PROCESS["release_checklist"]
            if SIZES.index(item["min_size"]) <= SIZES.index(size) and not item.get("has_ui")
        ]
        assert lines == expected


@pytest.mark.parametrize("key", sorted(set(PROCESS) - {"stages"}))
def test_every_list_accumulates_with_size(key: str) -> None:
    for has_ui in (False, True):
        small, medium, large = (set(texts(key, size, has_ui)) for size in SIZES)
        assert small <= medium <= large
        assert large == {item["text"] for item in PROCESS[key] if has_ui or not item.get("has_ui")}


@pytest.mark.parametrize("key", STRICTLY_GROWING)
def test_required_lists_strictly_grow(key: str) -> None:
    small, medium, large = (set(texts(key, size)) for size in SIZES)
    assert small < medium < large, key


def test_large_rfc_has_at_least_eight_sections() -> None:
    for kind in ("service", "library"):
        items = process.process_items("rfc_sections", "large", kind=kind)
        titles = [item["title"] for item in items]
        assert len(titles) >= 8
        assert len(set(titles)) == len(titles)
        needed = ("Summary", "Motivation", "Proposal", "Security and privacy", "Open questions")
        assert set(needed) <= set(titles), kind
    proposal = next(i for i in PROCESS["rfc_sections"] if i["title"] == "Proposal")
    assert "```mermaid" in proposal["text"]


@pytest.mark.parametrize("key", [k for k in PROCESS if k.endswith("_sections")])
def test_sections_have_unique_titles(key: str) -> None:
    for kind in ("service", "library"):  # one kind may replace a section of the other's
        titles = [item["title"] for item in process.process_items(key, "large", True, kind)]
        assert len(set(titles)) == len(titles), (key, kind)


def test_has_ui_items_only_with_ui() -> None:
    ui_only = {item["text"] for item in PROCESS["work_kit"] if item.get("has_ui")}
    assert "Design note" in ui_only
    for size in SIZES:
        assert not ui_only & set(texts("work_kit", size, has_ui=False))
        assert ui_only <= set(texts("work_kit", size, has_ui=True))


def test_returned_items_are_copies() -> None:
    items = process.process_items("release_checklist", "small")
    items[0]["text"] = "changed by a template"
    assert process.process_items("release_checklist", "small")[0]["text"] != "changed by a template"


def test_unknown_list_or_size_is_an_error(env) -> None:
    with pytest.raises(KeyError, match="unknown process list 'release_checklst'"):
        env.from_string('{{ process_items("release_checklst", "small") }}').render()
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        process.process_items("release_checklist", "huge")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- just a list\n", "must map list names"),
        ("release_checklist: []\n", "must be a non-empty list"),
        ("release_checklist:\n  - min_size: small\n", "needs a non-empty 'text'"),
        ("release_checklist:\n  - text: Ship it\n    min_size: huge\n", "has min_size 'huge'"),
    ],
)
def test_broken_process_file_fails_loudly(tmp_path: Path, content: str, message: str) -> None:
    broken = tmp_path / "process.yml"
    broken.write_text(content)
    with pytest.raises(ValueError, match=message):
        process.load_process(broken)


def test_every_stage_has_an_artefact_for_every_size() -> None:
    for item in PROCESS["artefacts"]:
        assert item["stage"] in STAGES, item
        assert item["ownership"] in ("process", "user"), item
    for item in PROCESS["work_kit"]:
        assert item["stage"] in STAGES, item
    for size in SIZES:
        for has_ui in (False, True):
            stages = {
                i["stage"]
                for key in ("artefacts", "work_kit")
                for i in process.process_items(key, size, has_ui)
            }
            # Design is linked from the architecture artefacts when there is no UI.
            expected = set(STAGES) if has_ui else set(STAGES) - {"Design"}
            assert stages == expected, (size, has_ui)


# Each list of process.yml that .lifecycle/process.json carries, and where it lands there:
# under its own name, or (a list of sections) where a document's ``sections`` names it.
def under(key: str) -> Callable[[Any], Any]:
    """Read list ``key`` of process.json, where it lands under its own name."""
    return lambda data: data[key]


IN_PROCESS_JSON: dict[str, Callable[[Any], Any]] = {
    **{
        key: under(key)
        for key in (
            "artefacts",
            "work_kit",
            "stage_duties",
            "release_checklist",
            "release_phases",
            "release_sign_off",
            "production_readiness",
            "test_plan_cadence",
        )
    },
    "test_plan_sections": lambda data: next(
        doc["sections"] for doc in data["artefacts"] if doc["path"] == "docs/test-plan.md"
    ),
}
RUBRIC = [item["flag"] for item in PROCESS["size_rubric"]]
ANSWERS = [
    (kind, size, has_ui, dict(zip(RUBRIC, rated, strict=True)))
    for kind in ("service", "library")
    for size in SIZES
    for has_ui in (False, True)
    for rated in product(("low", "moderate", "high"), repeat=len(RUBRIC))
]


def test_the_templates_and_the_tool_keep_the_same_items_under_every_answer() -> None:
    """The template's filter on process.yml and the tool on the rendered process.json agree.

    Every combination of kind, size, UI and rubric answers: a rule that one
    side applies and the other forgets (a rubric answer's ``added_by``, a kind)
    shows here as a list that differs.
    """
    for kind, size, has_ui, ratings in ANSWERS:
        data = json.loads(
            json.dumps(
                work.process_data(
                    "Acme", kind, "@acme", size, has_ui, ratings=tuple(ratings.items())
                )
            )
        )
        for key, where in IN_PROCESS_JSON.items():
            by_template = [
                item.get("title", item["text"])
                for item in process.process_items(key, size, has_ui, kind, ratings)
            ]
            by_tool = [
                item.get("title", item["text"])
                for item in where(data)
                if tool.applies(data, item, size, has_ui)
            ]
            assert by_tool == by_template, (key, kind, size, has_ui, ratings)


ARTEFACTS = {item["path"] for key in ("artefacts", "tooling") for item in PROCESS[key]}
CONDITIONAL_FILES = [
    path.relative_to(ROOT / "template").as_posix()
    for path in sorted((ROOT / "template").rglob("*"))
    if path.is_file() and "{%" in path.name
]


def test_whether_an_artefact_file_exists_is_decided_by_process_yml(env) -> None:
    """A template file name that decides an artefact's existence asks process.yml, nothing else.

    Rendered under every kind, size, UI and rubric answer, each such name is
    there exactly when the project's artefacts list its path, so moving an
    artefact to another size or kind is one edit in process.yml.
    """
    decided = set()
    for name in (name for name in CONDITIONAL_FILES if "project_has(" in name):
        template = env.from_string(name.removesuffix(".jinja"))
        for (kind, size, has_ui, ratings), rfc in product(ANSWERS, ("", "acme/rfcs")):
            context = {"project_kind": kind, "project_size": size, "has_ui": has_ui}
            context |= {f"size_{flag}": rating for flag, rating in ratings.items()}
            context |= {"existing_repo": False, "package_name": "pkg", "rfc_repository": rfc}
            rendered = template.render(**context)
            expected = {
                item["path"]
                for key in ("artefacts", "tooling")
                for item in process.process_items(key, size, has_ui, kind, ratings)
                if not item.get("answer") or context.get(item["answer"])
            }
            for path in ARTEFACTS:
                if name.removesuffix(".jinja").rsplit("/", 1)[0] == path.rsplit("/", 1)[0] and (
                    f'project_has("{path.rsplit("/", 1)[-1]}")' in name
                ):
                    decided.add(path)
                    assert (rendered == path) == (path in expected), (name, context)
    assert decided == {
        "docs/roadmap.md",
        "docs/runbook.md",
        ".github/ISSUE_TEMPLATE/epic.md",
        ".github/workflows/rfc-discussions.yml",
        "tools/rfc_discussion.py",
    }
    for name in CONDITIONAL_FILES:
        assert "project_size" not in name and "size_" not in name, f"{name}: ask project_has"


def test_an_item_in_an_unknown_stage_fails_loudly(tmp_path: Path) -> None:
    """A stage misspelt in one item is a render error naming the item, not a lost document."""
    broken = tmp_path / "process.yml"
    text = (
        "stages: [Planning]\nartefacts:\n  - text: Plan\n    stage: Planing\n    min_size: small\n"
    )
    broken.write_text(text)
    with pytest.raises(ValueError, match=r"artefacts\[1\] has stage 'Planing'"):
        process.load_process.__wrapped__(broken)
