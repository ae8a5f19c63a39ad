"""A lead sees every repository on one page: `tools/lifecycle.py fleet`.

Real repositories are made from three real versions of this template (tags in
a git copy of the working tree), with real pieces of work, an overdue test
plan, a release whose gate fails, a repository from another template and a URL
that cannot be cloned. The report is read as JSON, Markdown and HTML; the page
is opened from ``file://`` in headless Chromium with every host unreachable.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, run
from .test_docs_site import CHROMIUM, dom
from .update_harness import commit_all, copy_project

TOOL = ROOT / "template" / "tools" / "lifecycle.py"
VERSIONS = ("v90.0.0", "v90.1.0", "v90.2.0")
"""Tags no real release of this template will use, so a clone with real tags still works."""

DISCUSSION = "https://github.com/orgs/acme/discussions/7"
pytestmark = pytest.mark.slow


def three_versions(dest: Path) -> Path:
    """This working tree as three tagged template versions (each a real commit)."""
    dest.mkdir(parents=True)
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    for name in filter(None, listed.stdout.split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes((ROOT / name).read_bytes())
    run(["git", "init", "-q", "-b", "main"], dest)
    for number, tag in enumerate(VERSIONS):
        (dest / "RELEASE-NOTE.txt").write_text(f"template release {number}\n")
        commit_all(dest, f"Template {tag}")
        run(["git", "tag", tag], dest)
    return dest


def set_front_matter(path: Path, key: str, value: str) -> None:
    """Change one front matter line, as a team edits a document."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", text, count=1))


def tree_digest(folder: Path) -> str:
    """One hash over every file's path and bytes (git's own folder included)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Six sources surveyed once: three from this template, one other, two URLs."""
    base = tmp_path_factory.mktemp("fleet")
    template = three_versions(base / "template")
    billing = copy_project(
        template,
        VERSIONS[0],
        base / "billing",
        {"project_name": "Billing", "owner": "@acme/billing"},
    )
    money = copy_project(
        template,
        VERSIONS[1],
        base / "money",
        {
            "project_name": "Money",
            "project_kind": "library",
            "project_size": "medium",
            "owner": "@acme/money",
        },
    )
    run([sys.executable, "tools/lifecycle.py", "new", "Carrier cache", "--size", "medium"], money)
    cache = money / "docs" / "work" / "0002-carrier-cache"
    set_front_matter(cache / "shaping.md", "status", "accepted")
    set_front_matter(cache / "rfc.md", "status", "review")
    rfc = (cache / "rfc.md").read_text(encoding="utf-8")
    announced = next(line for line in rfc.splitlines() if line.startswith("- Announced: "))
    (cache / "rfc.md").write_text(rfc.replace(announced, f"- Announced: <{DISCUSSION}>"))
    first = next((money / "docs" / "work").glob("0001-*/shaping.md"))
    set_front_matter(first, "created", "2024-01-02")  # the plan has never run since
    commit_all(money, "Carrier cache RFC in review")
    parcels = copy_project(
        template,
        VERSIONS[2],
        base / "parcels",
        {"project_name": "Parcels", "project_size": "large", "owner": "@acme/parcels"},
    )
    run([sys.executable, "tools/lifecycle.py", "release", "v0.1.0"], parcels)
    commit_all(parcels, "Release record v0.1.0")
    other = base / "other"
    other.mkdir()
    (other / ".copier-answers.yml").write_text("_src_path: gh:someone/else\nproject: x\n")
    broken = base / "broken"
    (broken / ".lifecycle").mkdir(parents=True)
    (broken / ".copier-answers.yml").write_text("project_kind: [service\n")
    (broken / ".lifecycle" / "process.json").write_text("{}")
    sources = base / "sources.txt"
    sources.write_text(
        f"# the organisation\n{money}\n{other}\n{broken}\n"
        f"file://{base}/missing.git  # gone\nfile://{parcels}\n"
    )
    digests = {path: tree_digest(path) for path in (billing, money, parcels)}
    out = base / "report"
    done = run(
        [
            sys.executable,
            str(TOOL),
            "fleet",
            str(billing),
            "--sources",
            str(sources),
            "--json",
            str(out / "fleet.json"),
            "--html",
            str(out / "index.html"),
            "--markdown",
            str(out / "summary.md"),
        ],
        base,
    )
    return {
        "report": json.loads((out / "fleet.json").read_text(encoding="utf-8")),
        "stdout": done.stdout,
        "markdown": (out / "summary.md").read_text(encoding="utf-8"),
        "page": out / "index.html",
        "digests": digests,
        "base": base,
    }


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {repo.get("name", repo["source"]): repo for repo in report["repositories"]}


def test_every_source_is_listed_in_order_and_none_is_dropped(fleet) -> None:
    repos = fleet["report"]["repositories"]
    assert fleet["report"]["schema"] == 1
    assert [repo["state"] for repo in repos] == [
        "ok",
        "ok",
        "other",
        "unreadable",
        "unreadable",
        "ok",
    ]
    assert [repo.get("name") for repo in repos if repo["state"] == "ok"] == [
        "Billing",
        "Money",
        "Parcels",
    ]
    other, broken, missing = repos[2], repos[3], repos[4]
    assert "no lifecycle template answers file" in other["reason"]
    assert broken["reason"].startswith(".copier-answers.yml:1: "), broken["reason"]
    assert missing["source"].endswith("missing.git")
    assert missing["reason"], "an unreadable source says why"


def test_each_repository_says_how_many_template_releases_it_is_behind(fleet) -> None:
    repos = by_name(fleet["report"])
    behind = {name: repos[name]["template"]["behind"] for name in ("Billing", "Money", "Parcels")}
    assert behind == {"Billing": 2, "Money": 1, "Parcels": 0}
    assert {repos[name]["template"]["newest"] for name in behind} == {VERSIONS[-1]}
    assert repos["Billing"]["template"]["version"] == VERSIONS[0]


def test_each_repository_is_judged_by_its_own_check(fleet) -> None:
    repos = by_name(fleet["report"])
    assert repos["Money"]["check"]["test_plan"] in ("warn", "fail")
    assert "2024-01-02" in repos["Money"]["check"]["test_plan_detail"]
    assert repos["Billing"]["check"]["test_plan"] == "pass"
    assert repos["Billing"]["check"]["failing"] == []
    assert fleet["report"]["by_owner"]["@acme/money"]["test_plan_overdue"] == 1
    assert fleet["report"]["by_owner"]["@acme/billing"]["test_plan_overdue"] == 0


def test_work_in_flight_shows_each_piece_with_its_stage_and_owner(fleet) -> None:
    pieces = by_name(fleet["report"])["Money"]["pieces"]
    cache = next(piece for piece in pieces if piece["title"] == "Carrier cache")
    assert cache["status"] == "review"
    assert cache["owner"] == "@acme/money"
    assert cache["stage"] not in ("Done", "", "Unknown")
    assert fleet["report"]["by_owner"]["@acme/money"]["in_flight"] == 2
    assert sum(fleet["report"]["by_stage"].values()) == 4  # one piece each, two in Money


def test_the_last_release_and_whether_its_gate_passed(fleet) -> None:
    repos = by_name(fleet["report"])
    release = repos["Parcels"]["release"]
    assert release["tag"] == "v0.1.0"
    assert release["gate"] == "fail"  # a record nobody ticked yet
    assert release["failing"]
    assert repos["Billing"]["release"] == {"tag": "", "gate": "", "failing": []}


def test_every_rfc_of_the_organisation_is_in_one_index(fleet) -> None:
    repos = by_name(fleet["report"])
    assert repos["Billing"]["rfcs"] == []  # a small piece of work has no RFC
    cache = next(rfc for rfc in repos["Money"]["rfcs"] if rfc["title"] == "Carrier cache")
    assert cache["status"] == "review"
    assert cache["discussion"] == DISCUSSION
    assert cache["path"] == "docs/work/0002-carrier-cache/rfc.md"
    assert [rfc["title"] for rfc in repos["Parcels"]["rfcs"]] == ["Parcels"]
    page = fleet["page"].read_text(encoding="utf-8")
    rfcs = page.split('id="rfcs"', 1)[1]
    assert rfcs.count("<tr><td>") == 3
    assert f"<td>{DISCUSSION}</td>" in rfcs


def test_each_rfc_shows_since_when_it_holds_its_status(fleet) -> None:
    """The day an RFC reached its status comes from its history, on the page and in the summary."""
    repos = by_name(fleet["report"])
    cache = next(rfc for rfc in repos["Money"]["rfcs"] if rfc["title"] == "Carrier cache")
    # the team set "review" by hand and nobody ran sync: no dated item, so no date is shown
    assert not cache["history"][-1].startswith("review ")
    parcels = repos["Parcels"]["rfcs"][0]
    since = parcels["history"][-1].split()[1]
    assert parcels["history"][-1] == f"{parcels['status']} {since}"
    page = fleet["page"].read_text(encoding="utf-8").split('id="rfcs"', 1)[1]
    assert "<th>Since</th>" in page
    assert f"<td>Parcels</td><td>{parcels['status']}</td><td>{since}</td>" in page
    assert "<td>Carrier cache</td><td>review</td><td></td>" in page
    rows = [line for line in fleet["markdown"].splitlines() if line.startswith("| RFC |")]
    assert rows == ["| RFC | Status | Since | Owner | Repository | Discussion | Supersedes |"]
    assert (
        f"| Parcels | {parcels['status']} | {since} | @acme/parcels | Parcels |"
        in fleet["markdown"]
    )
    assert (
        f"| Carrier cache | review |  | @acme/money | Money | {DISCUSSION} |" in fleet["markdown"]
    )


def test_the_survey_only_reads(fleet) -> None:
    for path, digest in fleet["digests"].items():
        assert tree_digest(path) == digest, f"fleet changed {path}"


def test_the_documented_schema_names_every_field_the_report_has(fleet) -> None:
    """docs/how-to/fleet.md documents the JSON; every emitted key is in it, and none more."""
    page = (ROOT / "docs" / "how-to" / "fleet.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_.]+)` \|", page, re.MULTILINE))

    def fields(value: dict[str, Any], prefix: str, opaque: set[str]) -> set[str]:
        found = set()
        for key, inner in value.items():
            path = prefix + key
            found.add(path)
            items = inner if isinstance(inner, list) else [inner]
            for item in items:
                if isinstance(item, dict) and path not in opaque:
                    found |= fields(item, path + ".", opaque)
        return found

    report = fleet["report"]
    emitted = fields({k: v for k, v in report.items()}, "", {"by_owner", "by_stage"})
    emitted -= {key for key in emitted if key.startswith("repositories.")}
    for repo in report["repositories"]:
        emitted |= fields(repo, "", {"check.counts"})
    assert documented, "no schema table found in docs/how-to/fleet.md"
    assert emitted == documented


def test_the_markdown_fits_a_job_summary(fleet) -> None:
    summary = fleet["markdown"]
    assert summary == fleet["stdout"]
    assert summary.startswith("## Lifecycle across 6 repositories")
    row = next(line for line in summary.splitlines() if line.startswith("| Billing |"))
    assert f"{VERSIONS[0]}, 2 behind {VERSIONS[-1]}" in row
    assert "| not from this template |" in summary
    assert "| cannot be read |" in summary
    assert "| @acme/money | 1 | 1 | " in summary


def test_the_page_loads_nothing_and_sorts_offline(fleet, tmp_path) -> None:
    page = fleet["page"].read_text(encoding="utf-8")
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=", page), "the page must load nothing"
    assert "default-src 'none'" in page
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed here (apt-get install chromium); CI runs this")
    url = fleet["page"].as_uri()
    shown = dom(f"{url}#sort=Owner:descending", tmp_path / "descending")
    table = shown.split('id="repositories"', 1)[1]
    owners = re.findall(r"<tr><td>[^<]*</td><td>(@acme/[a-z]+)</td>", table)
    assert owners == ["@acme/parcels", "@acme/money", "@acme/billing"]
    assert 'aria-sort="descending"' in table
    plain = dom(url, tmp_path / "plain").split('id="repositories"', 1)[1]
    assert re.findall(r"<tr><td>[^<]*</td><td>(@acme/[a-z]+)</td>", plain) == [
        "@acme/billing",
        "@acme/money",
        "@acme/parcels",
    ]


def test_the_weekly_workflow_passes_actionlint_and_zizmor(tmp_path) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "lifecycle.py").write_bytes(TOOL.read_bytes())
    run([sys.executable, "tools/lifecycle.py", "fleet", "--workflow", "acme"], tmp_path)
    workflow = tmp_path / ".github" / "workflows" / "lifecycle-fleet.yml"
    text = workflow.read_text(encoding="utf-8")
    assert 'ORGANISATION: "acme"' in text
    assert "persist-credentials: false" in text
    run([str(Path(sys.executable).parent / "actionlint"), str(workflow)], tmp_path)
    run([str(Path(sys.executable).parent / "zizmor"), "--offline", str(workflow)], tmp_path)
    again = run([sys.executable, "tools/lifecycle.py", "fleet", "--workflow", "acme"], tmp_path)
    assert "Wrote .github/workflows/lifecycle-fleet.yml" in again.stdout
    workflow.write_text("name: ours\n")
    refused = run(
        [sys.executable, "tools/lifecycle.py", "fleet", "--workflow", "acme"], tmp_path, check=False
    )
    assert refused.returncode == 2
    assert "this tool did not write it" in refused.stderr
    assert workflow.read_text() == "name: ours\n"


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        ([], 2, "give at least one SOURCE"),
        (["--workflow", "acme inc"], 2, "--workflow must be a GitHub organisation name"),
        (["--sources", "listing.json"], 3, "listing.json:1: not a list of"),
        (["--sources", "absent.txt"], 3, "absent.txt:1: cannot be read"),
    ],
)
def test_bad_arguments_are_one_line(tmp_path, arguments, status, message) -> None:
    (tmp_path / "listing.json").write_text('[{"name": "x"}]')
    done = run([sys.executable, str(TOOL), "fleet", *arguments], tmp_path, check=False)
    assert done.returncode == status
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
