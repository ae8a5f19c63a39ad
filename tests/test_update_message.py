"""The update message: the summary first, in at most 40 lines, then the changelog.

Real updates with the documented command (``commands`` in process.yml) between
two versions of this template (``PROCESS_CHANGES`` of test_update_sync.py: v2
adds sections that the update's sync adds to the team's documents), and
answer changes at one version, which move no version at all.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from .conftest import copier_cli
from .extension_modules import process
from .test_update_sync import ANSWERS, PROCESS_CHANGES
from .update_harness import (
    NEWEST_ENTRY_AFTER,
    AddText,
    TemplateRepo,
    build_template_repo,
    commit_all,
    copy_project,
)

pytestmark = pytest.mark.slow  # real template versions, copies and updates

UPDATE_OPTIONS = shlex.split(process.commands()["update"])  # update --trust --defaults ...
CHANGELOG_HEADER = "What changed in the process, and what your team must do"
MAX_SUMMARY_LINES = 40
V2_ENTRY = "## 2.0.0\n\n### Process changes\n\n- Test plans gain an accessibility section.\n"
"""v2's own CHANGELOG entry, on top of whatever this working tree's CHANGELOG holds."""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    changes = (*PROCESS_CHANGES, AddText("CHANGELOG.md", "\n" + V2_ENTRY, after=NEWEST_ENTRY_AFTER))
    return build_template_repo(tmp_path_factory.mktemp("template") / "lifecycle", changes)


def update(project: Path, *args: str) -> str:
    """The documented update command; return the message copier printed (from its first line)."""
    done = copier_cli(*UPDATE_OPTIONS, *args, cwd=project)
    output = done.stdout + done.stderr
    start = output.index('"Acme Billing" ')
    return output[start:]


def summary_of(message: str) -> list[str]:
    return message.split(CHANGELOG_HEADER, 1)[0].rstrip().splitlines()


def test_a_new_version_is_summed_up_before_its_changelog(
    template: TemplateRepo, tmp_path: Path
) -> None:
    project = copy_project(template.path, template.v1, tmp_path / "acme-billing", ANSWERS)
    message = update(project)

    summary = summary_of(message)
    assert summary[0] == '"Acme Billing" moved from lifecycle template v1.0.0 to v2.0.0.'
    assert len(summary) <= MAX_SUMMARY_LINES, "\n".join(summary)
    text = "\n".join(summary)
    assert "Conflicts: none." in text
    assert "Lifecycle sync added 2 section(s)." in text, text  # the test plan and the RFC
    assert "Next step: review the changes" in text
    assert 'git commit -m "Update to lifecycle template v2.0.0"' in text
    # The full changelog comes after the summary, not before it.
    assert message.index(CHANGELOG_HEADER) > message.index("Next step")
    quoted = message.split(CHANGELOG_HEADER, 1)[1]
    assert "versions after v1.0.0):\n\n" + V2_ENTRY in quoted  # v2's entry first, as written
    assert "\n## 1.0.0" not in quoted  # the version the project came from is not news


def test_an_answer_change_names_the_answer_and_nothing_new_says_up_to_date(
    template: TemplateRepo, tmp_path: Path
) -> None:
    answers = {**ANSWERS, "project_size": "small"}
    project = copy_project(template.path, template.v2, tmp_path / "acme-billing", answers)
    message = update(project, "--data", "project_size=large")

    summary = summary_of(message)
    assert summary[0] == '"Acme Billing" stays at lifecycle template v2.0.0; answers changed:'
    assert "  project_size: small → large" in summary
    assert len(summary) <= MAX_SUMMARY_LINES
    assert "moved from" not in message and "No entry" not in message
    assert CHANGELOG_HEADER not in message  # no version moved: no changelog to quote
    # Medium and up ask for an RFC repository: its default is recorded too.
    assert '  rfc_repository: (not set) → ""' in summary
    assert 'git commit -m "Change the lifecycle answers: project_size, rfc_repository"' in message
    commit_all(project, "Change the lifecycle answers: project_size, rfc_repository")

    again = update(project)
    assert again.splitlines()[0] == (
        '"Acme Billing" is already up to date with lifecycle template v2.0.0.'
    )
    assert "Nothing to review or commit." in again
    assert "Answers changed" not in again and CHANGELOG_HEADER not in again


MARKED = (" <!-- process line: kept current by tools/lifecycle.py sync -->",)


def test_an_answer_change_rewrites_only_process_lines_and_names_what_it_keeps(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """``--data project_size=large --data has_ui=false`` on a filled-in small UI repository.

    The test plan's who, when and done-when lines and its cadence sentence
    follow the new size; every other line of the team's is byte for byte as it
    was. The first piece's design note is kept, and both the message and
    docs/lifecycle.md say so.
    """
    answers = {**ANSWERS, "project_size": "small", "has_ui": "true"}
    project = copy_project(template.path, template.v2, tmp_path / "acme-billing", answers)
    plan = project / "docs" / "test-plan.md"
    team_plan = plan.read_bytes().replace(b"\n", b"\r\n") + b"We also test on Fridays.\r\n"
    plan.write_bytes(team_plan)
    design = project / "docs" / "work" / "0001-acme-billing" / "design.md"
    design.write_text(design.read_text() + "\nThe export screen gets a progress bar.\n")
    commit_all(project, "The team's own lines")

    message = update(project, "--data", "project_size=large", "--data", "has_ui=false")

    summary = summary_of(message)
    assert "  project_size: small → large" in summary and "  has_ui: true → false" in summary
    assert all(len(line) <= 80 for line in message.splitlines()), message
    kept = summary.index(next(line for line in summary if line.startswith("Kept:")))
    assert "  docs/work/0001-acme-billing/design.md" in summary[kept:]
    assert 'git commit -m "Change the lifecycle answers: ' in message
    assert "Update to lifecycle template" not in message
    # The map names the kept design note, with a link that works from docs/.
    lifecycle = (project / "docs" / "lifecycle.md").read_text()
    assert (
        "Kept although the answers no longer call for them: "
        "[docs/work/0001-acme-billing/design.md](work/0001-acme-billing/design.md)."
    ) in lifecycle
    # The test plan: process lines rewritten to the large size, the team's lines untouched.
    after = plan.read_bytes()
    old_lines, new_lines = team_plan.split(b"\r\n"), after.split(b"\r\n")
    marked = [line for line in old_lines if line.endswith(tuple(m.encode() for m in MARKED))]
    assert len(marked) == 3
    cadence = [line for line in old_lines if line.endswith(b"tools/lifecycle.py sync -->")]
    process_lines = set(cadence)
    assert all(line not in new_lines for line in process_lines), "every process line is new"
    remaining = iter(new_lines)
    assert all(line in remaining for line in old_lines if line not in process_lines)
    text = after.decode()
    assert "every month" in text and "twice a year" not in text
    assert "- **Who:** the plan owner named in the plan" in text
    assert b"\n" not in after.replace(b"\r\n", b""), "the plan keeps its CRLF endings"
    assert "The export screen gets a progress bar." in design.read_text()
