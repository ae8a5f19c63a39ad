"""A file the tool cannot read is one line, ``path:line: problem; fix``, never a traceback.

Each story breaks one file of a rendered project as a team (or an editor, or a bad
merge) might: a document with bytes that are not UTF-8, a binary file under a
document's name, front matter the tool refuses, a broken ``.lifecycle/waivers.toml``,
a broken ``pyproject.toml`` under ``check --release``, invalid JSON or a newer
schema in ``.lifecycle/process.json``. Every command that reads the file answers
with that one line and exit 3 and writes nothing; ``check`` instead reports an
unreadable document as a finding of its own (LC108), next to every other check of
the piece. The pre-commit hook, run as pre-commit runs it, shows the same line.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .conftest import editable_copy, outputs, run

ONE_LINE = re.compile(r"lifecycle\.py: (?P<path>[^:\n]+):(?P<line>[0-9]+): [^\n]+; [^\n]+\n")


def tool(project: Path, *args: str) -> object:
    return run([sys.executable, "tools/lifecycle.py", *args], project, check=False)


def tree(project: Path) -> dict[str, bytes]:
    """Every file of the project and its bytes: what "writes nothing" compares."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.parts
    }


@pytest.fixture
def project(render, tmp_path: Path) -> Path:
    """A medium service with its first piece of work, and a second one started by ``new``."""
    copy = editable_copy(render(project_size="medium"), tmp_path)
    started = tool(copy, "new", "Carrier cache", "--size", "medium")
    assert started.returncode == 0, outputs(started)
    return copy


def first_piece(project: Path) -> Path:
    return sorted((project / "docs" / "work").glob("0001-*"))[0]


def not_utf8(project: Path) -> tuple[str, int]:
    path = first_piece(project) / "shaping.md"
    text = path.read_text(encoding="utf-8").replace("## ", "## Caf\xe9 ", 1)
    path.write_bytes(text.encode("latin-1", "replace"))
    line = text.split("\n").index(next(x for x in text.split("\n") if "Caf\xe9" in x)) + 1
    return path.relative_to(project).as_posix(), line


def binary(project: Path) -> tuple[str, int]:
    path = first_piece(project) / "shaping.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")  # the NUL is on line 3
    return path.relative_to(project).as_posix(), 3


def numeric_title(project: Path) -> tuple[str, int]:
    path = first_piece(project) / "shaping.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", "title: 2026", text, count=1, flags=re.M))
    return path.relative_to(project).as_posix(), 2


def unterminated_quote(project: Path) -> tuple[str, int]:
    path = first_piece(project) / "rfc.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "', 'title: "\\q', 1))
    return path.relative_to(project).as_posix(), 2


BROKEN_DOCUMENTS: dict[str, Callable[[Path], tuple[str, int]]] = {
    "bytes that are not UTF-8": not_utf8,
    "a binary file": binary,
    "a title that is a number": numeric_title,
    "an escape YAML does not know": unterminated_quote,
}


def assert_one_line(result: object, path: str, line: int) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert ONE_LINE.fullmatch(stderr), outputs(result)  # type: ignore[arg-type]
    found = ONE_LINE.fullmatch(stderr)
    assert found and (found["path"], int(found["line"])) == (path, line), stderr
    assert "Traceback" not in stderr + result.stdout  # type: ignore[attr-defined]


@pytest.mark.parametrize("breaking", BROKEN_DOCUMENTS, ids=list(BROKEN_DOCUMENTS))
def test_a_document_the_tool_cannot_read_stops_every_command_in_one_line(
    project: Path, breaking: str
) -> None:
    path, line = BROKEN_DOCUMENTS[breaking](project)
    before = tree(project)
    for command in (["sync"], ["status"], ["new", "Ledger export", "--size", "small"]):
        result = tool(project, *command)
        assert result.returncode == 3, (command, outputs(result))
        assert_one_line(result, path, line)
        assert result.stdout == "", command
        assert tree(project) == before, f"{command} wrote something"
    released = tool(project, "release", "v0.1.0")  # the record reads no piece of work
    assert released.returncode == 0, outputs(released)


@pytest.mark.parametrize("breaking", BROKEN_DOCUMENTS, ids=list(BROKEN_DOCUMENTS))
def test_check_reports_an_unreadable_document_and_still_checks_the_others(
    project: Path, breaking: str
) -> None:
    healthy = json.loads(tool(project, "check", "--format", "json").stdout)["results"]
    path, line = BROKEN_DOCUMENTS[breaking](project)
    result = tool(project, "check", "--format", "json")
    assert result.returncode == 1, outputs(result)
    assert result.stderr == ""
    results = json.loads(result.stdout)["results"]
    [unreadable] = [r for r in results if r["code"] == "LC108"]
    assert (unreadable["file"], unreadable["line"], unreadable["outcome"]) == (path, line, "fail")
    assert "; " in unreadable["detail"] and "\n" not in unreadable["detail"]
    # Every other check still runs: the same codes on the same files, plus LC108 (the size,
    # LC106, is read from the piece's next document when its first cannot be read).
    assert len(results) == len(healthy) + 1
    assert sorted(r["code"] for r in healthy) == sorted(
        r["code"] for r in results if r["code"] != "LC108"
    )
    assert {(r["code"], r["file"]) for r in healthy if r["code"] != "LC106"} == {
        (r["code"], r["file"]) for r in results if r["code"] not in ("LC108", "LC106")
    }
    skipped = [r for r in results if r["file"] == path and r["outcome"] == "skip"]
    assert skipped and all(r["detail"] == "skipped: LC108 did not pass" for r in skipped)
    text = tool(project, "check")
    assert re.search(rf"^FAIL LC108 \[[^]]+\] {re.escape(path)}:{line}: ", text.stdout, re.M)


def test_the_pre_commit_hook_shows_the_one_line(project: Path) -> None:
    path, line = numeric_title(project)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    [hook] = [h for r in config["repos"] for h in r["hooks"] if h["id"] == "lifecycle-structure"]
    result = run([*shlex.split(hook["entry"]), *hook.get("args", [])], project, check=False)
    assert result.returncode == 1, outputs(result)
    [finding] = [x for x in result.stdout.splitlines() if x.startswith("FAIL LC108")]
    assert re.match(rf"FAIL LC108 \[Project shaping\] {re.escape(path)}:{line}: ", finding)
    assert "(title must be text, not a number 2026; quote it" in finding
    assert "Traceback" not in result.stdout + result.stderr


def break_waivers(project: Path) -> tuple[str, int]:
    (project / ".lifecycle" / "waivers.toml").write_text('[[waiver]]\ncode = "VAL07\n')
    return ".lifecycle/waivers.toml", 2


def break_process(project: Path) -> tuple[str, int]:
    path = project / ".lifecycle" / "process.json"
    path.write_text(path.read_text().replace('"sizes": [', '"sizes": [,', 1))
    line = path.read_text().split("\n").index(next(x for x in path.read_text().split("\n")
                                                   if '"sizes": [,' in x)) + 1  # fmt: skip
    return ".lifecycle/process.json", line


def test_a_broken_waivers_file_is_one_line_for_check_and_status(project: Path) -> None:
    path, line = break_waivers(project)
    before = tree(project)
    for command in (["check"], ["check", "--format", "json"], ["status"]):
        result = tool(project, *command)
        assert result.returncode == 3, (command, outputs(result))
        assert_one_line(result, path, line)
        assert "is not valid TOML" in result.stderr
    assert tool(project, "sync").returncode == 0  # sync never reads waivers
    assert tree(project) == {
        **before,
        **{k: v for k, v in tree(project).items() if k not in before},
    }


def test_a_broken_pyproject_is_one_line_for_the_release_gate(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "acme"\nversion = 0.1.0"\n')
    result = tool(project, "check", "--release", "v0.1.0")
    assert result.returncode == 3, outputs(result)
    assert_one_line(result, "pyproject.toml", 3)
    assert tool(project, "check").returncode in (0, 1)  # only the release gate reads it


def test_invalid_process_json_is_one_line_for_every_command(project: Path) -> None:
    path, line = break_process(project)
    before = tree(project)
    new = ["new", "X", "--size", "small"]
    for command in (["check"], ["sync"], ["status"], ["release", "v0.1.0"], new):
        result = tool(project, *command)
        assert result.returncode == 3, (command, outputs(result))
        assert_one_line(result, path, line)
        assert "is not valid JSON" in result.stderr
        assert tree(project) == before, f"{command} wrote something"


def test_a_newer_process_file_is_read_where_it_can_be(project: Path) -> None:
    path = project / ".lifecycle" / "process.json"
    process = json.loads(path.read_text())
    process["schema"] += 1
    process["work_front_matter"].append(
        {"text": "reviewer", "meaning": "who reviews it", "min_size": "small"}
    )  # a key this tool has no value for
    process["work_kit"][0]["sections"].append(
        {"title": "Huge only", "min_size": "huge", "text": "_TODO_", "has_ui": False}
    )
    process["extra_list"] = [{"anything": 1}]
    path.write_text(json.dumps(process))
    started = tool(project, "new", "Ledger export", "--size", "small")
    assert started.returncode == 0, outputs(started)
    checked = tool(project, "check")
    assert checked.returncode in (0, 1) and "Traceback" not in outputs(checked)
    assert tool(project, "sync").returncode == 0


def test_a_newer_process_file_the_tool_cannot_read_names_both_versions(project: Path) -> None:
    path = project / ".lifecycle" / "process.json"
    process = json.loads(path.read_text())
    schema = process["schema"]
    process["schema"] = schema + 1
    process["work_kit"] = {"moved": "elsewhere"}
    path.write_text(json.dumps(process))
    before = tree(project)
    for command in (["check"], ["sync"], ["new", "X", "--size", "small"]):
        result = tool(project, *command)
        assert result.returncode == 3, outputs(result)
        assert_one_line(result, ".lifecycle/process.json", 1)
        assert f"written for process schema {schema + 1}, this tool reads {schema}" in result.stderr
        assert "copier update" in result.stderr
        assert tree(project) == before
