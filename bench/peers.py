"""Other teams' templates, timed beside ours: ``python -m bench.run --peer PATH``.

Why: a ratio over the trivial template says how much a template costs its
users, but not whether that is a lot for a real template. Peers answer that:
each is copied (defaults) and updated (between its two newest tags, or from
``HEAD~5`` to ``HEAD`` without two tags) in the same interleaved rounds as
ours, so their ratios over trivial sit beside ours in one table.

Nothing of a peer is kept or committed: ``PATH`` (a git directory, bare or
not, or a checkout) is cloned into the bench's temporary folder. The bench
works offline: a peer's ``_tasks`` are skipped (``--skip-tasks``; ours has
none), git may only use local paths, and HTTP goes to a dead loopback proxy,
so a hook that would reach the network fails at once. A peer that cannot be
copied or updated that way is left out with the reason, never a figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench import cases
from bench.templates import project_files
from bench.timing import BenchError, Case, run

COMMITS_WITHOUT_TAGS = 5
"""Without two tags, the update goes from ``HEAD~5`` to ``HEAD``."""
OPTIONS = ("--skip-tasks",)
"""Every copier command of a peer: its tasks may need the network (``uv sync``, ``gh``)."""
DEAD_PROXY = "http://127.0.0.1:9"
"""Port 9 (discard) on loopback: nothing listens, so any HTTP request fails at once."""
FILLER = "benchdemo"
"""The answer to a text question without a default: a valid name, package and slug."""


def offline_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` where git may only use local paths and every HTTP client hits a dead proxy."""
    proxies = {name: DEAD_PROXY for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
    lower = {name.lower(): value for name, value in proxies.items()}
    return {**env, **proxies, **lower, "GIT_ALLOW_PROTOCOL": "file", "NO_PROXY": "", "no_proxy": ""}


def peer_name(path: Path) -> str:
    """A short name for the report: the folder, or its parent for ``repo`` and ``.git``."""
    path = path.resolve()
    name = path.parent.name if path.name in ("repo", ".git") else path.name
    return name.removesuffix(".git")


def refs(repo: Path, env: dict[str, str]) -> tuple[str, str]:
    """The versions an update goes between: the two newest tags, else ``HEAD~N`` and ``HEAD``."""
    tags = run(["git", "tag", "--sort=-v:refname"], repo, env).stdout.split()
    if len(tags) >= 2:
        return tags[1], tags[0]
    shas = run(["git", "rev-list", "--max-count", str(COMMITS_WITHOUT_TAGS + 1), "HEAD"], repo, env)
    commits = shas.stdout.split()
    if len(commits) < 2:
        raise BenchError(f"{repo}: fewer than two tags and two commits, nothing to update between")
    return commits[-1], commits[0]


def _questions(repo: Path) -> dict[str, Any]:
    """The questions of ``copier.yml`` (or ``copier.yaml``), every YAML document merged."""
    for name in ("copier.yml", "copier.yaml"):
        path = repo / name
        if path.is_file():
            merged: dict[str, Any] = {}
            for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                merged.update(document if isinstance(document, dict) else {})
            return {k: v for k, v in merged.items() if not k.startswith("_")}
    raise BenchError(f"{repo}: no copier.yml, not a copier template")


def answers_without_default(repo: Path) -> dict[str, str]:
    """An answer for each question that has no default, so ``--defaults`` can run.

    The first choice where there are choices, ``false`` for a yes/no question,
    else ``FILLER``; a question with a default keeps it, as users' would.
    """
    data = {}
    for key, spec in _questions(repo).items():
        if not isinstance(spec, dict) or spec.get("default") not in (None, ""):
            continue
        choices = spec.get("choices")
        if isinstance(choices, dict) and choices:
            first = next(iter(choices.values()))
            data[key] = str(first.get("value", "") if isinstance(first, dict) else first)
        elif isinstance(choices, list) and choices:
            data[key] = str(choices[0])
        elif spec.get("type") == "bool":
            data[key] = "false"
        elif spec.get("type") in ("int", "float"):
            data[key] = "0"
        elif spec.get("type") not in ("yaml", "json"):
            data[key] = FILLER
    return data


def _commit(answers: str) -> str:
    found = re.search(r"^_commit: *(.+)$", answers, re.MULTILINE)
    return found[1].strip() if found else ""


def answers_file(project: Path) -> Path:
    """The copier answers file a copy wrote at the project's root."""
    found = sorted(project.glob(".copier-answers*.yml")) + sorted(project.glob(".copier/*.yml"))
    if not found:
        raise BenchError(f"{project}: the copy wrote no copier answers file")
    return found[0]


@dataclass
class Peer:
    """A peer template ready to time: its clone, the versions, its answers, a master at ``old``."""

    name: str
    template: Path
    old: str
    new: str
    data: dict[str, str]
    master: Path
    env: dict[str, str]

    def copy_case(self) -> Case:
        """A copy of ``new`` with defaults into a fresh folder, checked for its answers file."""

        def command(folder: Path) -> tuple[list[str], Path]:
            dest = folder / cases.PROJECT
            options = (*OPTIONS, "--vcs-ref", self.new)
            return cases.copy_command(self.template, dest, self.data, options=options), folder

        def check(folder: Path) -> None:
            answers_file(folder / cases.PROJECT)

        return Case(f"copy peer {self.name}", command, check, self.env)

    def update_case(self) -> Case:
        """An update of a clone of the master from ``old`` to ``new``, no file lost."""
        before = project_files(self.master)
        started = _commit(answers_file(self.master).read_text(encoding="utf-8"))

        def prepare(folder: Path) -> None:
            run(["cp", "-a", str(self.master), str(folder / cases.PROJECT)], folder, self.env)
            run(["git", "update-index", "-q", "--refresh"], folder / cases.PROJECT, self.env)

        def command(folder: Path) -> tuple[list[str], Path]:
            options = ["--trust", "--defaults", *OPTIONS, "--vcs-ref", self.new]
            return [*cases.copier_cli(), "update", *options], folder / cases.PROJECT

        def check(folder: Path) -> None:
            project = folder / cases.PROJECT
            if _commit(answers_file(project).read_text(encoding="utf-8")) == started:
                raise BenchError(f"update peer {self.name}: the project stayed at {started}")
            lost = [path for path in before if not (project / path).exists()]
            if lost:
                raise BenchError(f"update peer {self.name}: the update removed {lost[:3]}")

        return Case(f"update peer {self.name}", command, check, self.env, prepare)


def build_peer(source: Path, work: Path, env: dict[str, str]) -> Peer | str:
    """Clone ``source``, make its master at the older version and try both commands once.

    Returns the peer, or the reason it is left out (the command's last line).
    """
    name = peer_name(source)
    peer_env = offline_env(env)
    try:
        template = work / "template"
        template.parent.mkdir(parents=True, exist_ok=True)
        run(["git", "clone", "-q", str(source), str(template)], work, peer_env)
        old, new = refs(template, peer_env)
        data = answers_without_default(template)
        master = work / "master" / cases.PROJECT
        master.parent.mkdir(parents=True)
        command = cases.copy_command(template, master, data, options=(*OPTIONS, "--vcs-ref", old))
        run(command, master.parent, peer_env)
        cases.commit_all(master, peer_env, f"Start from {name} {old}")
        run(["git", "gc", "-q"], master, peer_env)
        peer = Peer(name, template, old, new, data, master, peer_env)
        for case in (peer.copy_case(), peer.update_case()):  # untimed: fail here, not mid-run
            case.sample(work / "probe" / case.name.replace(" ", "-"))
    except BenchError as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        return f"skipped: {lines[-1] if lines else error}"
    return peer
