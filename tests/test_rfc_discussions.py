"""RFCs shared where the organisation reads them: the RFC discussions workflow.

The generated script runs against a recorded GitHub exchange: ``gh`` on PATH
is a stand-in that answers each request with GitHub's recorded reply and logs
what it was sent, so the tests read every request as GitHub would receive it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import editable_copy, git, run

FAKE_GH = Path(__file__).parent / "data" / "fake_gh.py"
DISCUSSION = "https://github.com/acme/rfcs/discussions/12"
HOSTILE_TITLE = 'Cache $(touch PWNED) `touch PWNED` "quoted" \\ back'
RFC_ANSWERS = {"project_size": "medium", "rfc_repository": "acme/rfcs"}


def comments_call(token: str, reply: Any) -> dict[str, Any]:
    return {"arguments": ["api", "repos/acme/parcels/issues/7/comments"], "token": token,
            "reply": reply}  # fmt: skip


def graphql_call(operation: str, reply: Any) -> dict[str, Any]:
    return {"arguments": ["api", "graphql"], "operation": operation, "token": "discussions-token",
            "reply": {"data": reply}}  # fmt: skip


CATEGORIES = graphql_call(
    "Categories",
    {"repository": {"id": "R_kgDOrfcs", "discussionCategories": {"nodes": [
        {"id": "DIC_general", "name": "General"}, {"id": "DIC_rfcs", "name": "RFCs"}]}}},
)  # fmt: skip
CREATE = graphql_call(
    "Create", {"createDiscussion": {"discussion": {"id": "D_kwDO12", "url": DISCUSSION}}}
)
FIND = graphql_call("Find", {"repository": {"discussion": {"id": "D_kwDO12", "closed": False}}})
COMMENT = graphql_call("Comment", {"addDiscussionComment": {"comment": {"id": "DC_kwDO1"}}})
CLOSE = graphql_call("Close", {"closeDiscussion": {"discussion": {"id": "D_kwDO12"}}})
POSTED = {"arguments": ["api", "--method", "POST", "repos/acme/parcels/issues/7/comments"],
          "token": "pr-token", "reply": {"id": 99}}  # fmt: skip


@pytest.fixture
def repository(render, tmp_path: Path) -> Path:
    """A medium repository with RFC sharing on; its RFC changed on a branch."""
    project = editable_copy(render(**RFC_ANSWERS), tmp_path)
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "Start", cwd=project)
    return project


def rfc_path(project: Path) -> Path:
    return next((project / "docs" / "work").glob("*/rfc.md"))


def change_rfc(project: Path, title: str | None = None, **front_matter: str) -> None:
    """Edit the RFC as a team would, and commit it."""
    path = rfc_path(project)
    text = path.read_text(encoding="utf-8")
    if title is not None:
        text = text.replace(text.split("\n")[1], f"title: {json.dumps(title)}", 1)
    for key, value in front_matter.items():
        lines = text.split("\n")
        index = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if index is None:
            lines.insert(1, f"{key}: {value}")
        else:
            lines[index] = f"{key}: {value}"
        text = "\n".join(lines)
    text = text.replace(
        "_TODO: one paragraph a busy reader can stop after._",
        "Cache carrier quotes for ten minutes; quotes change rarely.",
    )
    path.write_text(text, encoding="utf-8")
    git("commit", "-q", "-am", "Change the RFC", cwd=project)


def share(project: Path, tmp_path: Path, exchange: list[dict[str, Any]], merged: bool = False):
    """Run the generated script as the workflow does, with gh replaying ``exchange``."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir(exist_ok=True)
    gh = bin_folder / "gh"
    gh.write_text(f"#!{sys.executable}\n" + FAKE_GH.read_text(encoding="utf-8"))
    gh.chmod(0o755)
    (tmp_path / "exchange.json").write_text(json.dumps(exchange))
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    base = git("rev-list", "--max-parents=0", "HEAD", cwd=project).strip()
    env = {
        **os.environ,
        "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}",
        "FAKE_GH_EXCHANGE": str(tmp_path / "exchange.json"),
        "FAKE_GH_LOG": str(log),
        "RFC_REPOSITORY": "acme/rfcs",
        "RFC_CATEGORY": "RFCs",
        "PR_REPOSITORY": "acme/parcels",
        "PR_NUMBER": "7",
        "PR_URL": "https://github.com/acme/parcels/pull/7",
        "PR_MERGED": "true" if merged else "false",
        "BASE_SHA": base,
        "DISCUSSIONS_TOKEN": "discussions-token",
        "GITHUB_TOKEN": "pr-token",
    }
    done = run([sys.executable, "tools/rfc_discussion.py"], project, check=False, env=env)
    sent = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done, sent


def test_sharing_is_off_by_default(render) -> None:
    project = render(project_size="medium")
    assert not (project / ".github" / "workflows" / "rfc-discussions.yml").exists()
    assert not (project / "tools" / "rfc_discussion.py").exists()


def test_the_workflow_passes_actionlint_and_zizmor_with_least_privilege(render) -> None:
    project = render(**RFC_ANSWERS)
    workflow = project / ".github" / "workflows" / "rfc-discussions.yml"
    text = workflow.read_text(encoding="utf-8")
    assert "permissions: {}" in text
    assert "      contents: read\n      pull-requests: write\n" in text
    assert 'RFC_REPOSITORY: "acme/rfcs"' in text and 'RFC_CATEGORY: "RFCs"' in text
    assert "head.repo.full_name == github.repository" in text  # forks get no secrets
    bin_folder = Path(sys.executable).parent
    run([str(bin_folder / "actionlint"), str(workflow)], project)
    run([str(bin_folder / "zizmor"), "--offline", str(workflow)], project)


def test_a_new_rfc_starts_one_discussion_and_the_pull_request_gets_its_link(
    repository, tmp_path
) -> None:
    change_rfc(repository, title=HOSTILE_TITLE)
    exchange = [comments_call("pr-token", []), CATEGORIES, CREATE, POSTED]
    done, sent = share(repository, tmp_path, exchange)
    assert done.returncode == 0, done.stderr
    assert len(sent) == len(exchange)
    create = sent[2]["payload"]["variables"]
    assert create["title"] == f"RFC: {HOSTILE_TITLE}"  # exactly as typed, as JSON data
    assert create["categoryId"] == "DIC_rfcs" and create["repositoryId"] == "R_kgDOrfcs"
    assert "Cache carrier quotes for ten minutes" in create["body"]
    assert "https://github.com/acme/parcels/pull/7" in create["body"]
    comment = sent[3]["payload"]["body"]
    assert f"Shared as {DISCUSSION}" in comment
    assert f"discussion: {DISCUSSION}" in comment
    assert not list(repository.rglob("PWNED")) and not list(tmp_path.rglob("PWNED"))
    assert f"started {DISCUSSION}" in done.stdout


def test_a_later_push_comments_on_the_same_discussion(repository, tmp_path) -> None:
    change_rfc(repository, status="review")
    ours = f"<!-- rfc-discussion: {rfc_path(repository).relative_to(repository).as_posix()} -->"
    earlier = [{"id": 99, "body": f"{ours}\nShared as {DISCUSSION}\n\nAdd this line..."}]
    done, sent = share(repository, tmp_path, [comments_call("pr-token", earlier), FIND, COMMENT])
    assert done.returncode == 0, done.stderr
    assert [call["payload"]["variables"].get("number") for call in sent[1:2]] == [12]
    assert "status review" in sent[2]["payload"]["variables"]["body"]
    assert f"commented on {DISCUSSION}" in done.stdout


def test_a_merged_accepted_rfc_closes_its_discussion_as_resolved(repository, tmp_path) -> None:
    change_rfc(repository, status="accepted", discussion=DISCUSSION)
    exchange = [comments_call("pr-token", []), FIND, COMMENT, CLOSE]
    done, sent = share(repository, tmp_path, exchange, merged=True)
    assert done.returncode == 0, done.stderr
    assert sent[3]["payload"]["variables"] == {"discussionId": "D_kwDO12", "reason": "RESOLVED"}
    assert f"closed {DISCUSSION} (accepted)" in done.stdout


def test_a_missing_category_is_one_line_naming_it(repository, tmp_path) -> None:
    change_rfc(repository)
    no_category = graphql_call(
        "Categories", {"repository": {"id": "R_1", "discussionCategories": {"nodes": []}}}
    )
    done, _ = share(repository, tmp_path, [comments_call("pr-token", []), no_category])
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "rfc_discussion.py: acme/rfcs has no discussion category 'RFCs': create it, or change "
        "the answer rfc_category"
    ]


def test_without_its_token_the_job_says_which_secret_to_store(repository, tmp_path) -> None:
    change_rfc(repository)
    bin_folder = tmp_path / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("DISCUSSIONS_TOKEN",)}
    done = run([sys.executable, "tools/rfc_discussion.py"], repository, check=False,
               env={**env, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"})  # fmt: skip
    assert done.returncode == 1
    assert "RFC_DISCUSSIONS_TOKEN" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
