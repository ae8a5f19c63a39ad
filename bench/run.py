"""Benchmark what the lifecycle template costs its users, against a trivial template.

Run it from the repository root::

    uv run python bench/run.py                 # 5 rounds, every size, both test suites
    uv run python bench/run.py --rounds 9 --no-suite

Why it is built this way:

* Users pay for the ``copier`` command line, including copier's own import
  (about 0.6 s), so every figure times the real CLI in a subprocess.
* A machine shared with other work drifts, so the two sides of a comparison run
  interleaved (trivial, ours, trivial, ours, ...) after one untimed warm-up
  round, and the report uses medians, never single runs or means.
* Absolute seconds differ between machines; the ratio to a trivial
  three-question template copied and updated in the same run does not.
* Both templates live in throw-away git repositories tagged ``v1`` and ``v2``,
  so ``copier update`` does real work. Ours is the working tree as it is,
  uncommitted edits included, plus one appended line for ``v2``: the script
  does not depend on any particular artefact file.
* Every timed command is checked (exit code and the files it should have
  written): timing a command that failed fast would flatter the template.
* Copier reads an empty settings file and git a throw-away global config, so
  neither the user's trust list nor their git hooks change the figures.

The script prints medians, ratios and PASS/MISS per target; it never fails on a
missed target (a benchmark is not a test). It exits non-zero only when a
command it times fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES: tuple[str, ...] = ("small", "medium", "large")
RESULTS_DIR = ROOT / "bench" / "results"

# Targets from issue 7. Ratios are ours / trivial; suite times are seconds.
COPY_RATIO_TARGET = 1.3
UPDATE_RATIO_TARGET = 1.6
FAST_SUITE_TARGET = 30.0
FULL_SUITE_TARGET = 300.0

# Files of ours that v2 appends a line to: the first that exists wins. Any
# rendered, unconditional file works; a process document is the realistic case.
PROCESS_FILE_CANDIDATES: tuple[str, ...] = (
    "template/docs/lifecycle.md.jinja",
    "template/README.md.jinja",
)
V2_LINE = "Process change for the benchmark (template v2)."
PROJECT_FOLDER = "acme-billing"
ANSWERS_FILE = ".copier-answers.yml"

# A trivial template: three questions, three small files, nothing else.
TRIVIAL_FILES: dict[str, str] = {
    "copier.yml": (
        "_subdirectory: template\n"
        "_answers_file: .copier-answers.yml\n"
        "project_name:\n  type: str\n  help: Project name\n  default: demo\n"
        "description:\n  type: str\n  help: One sentence\n  default: A demo project.\n"
        "author:\n  type: str\n  help: Who owns it\n  default: Jane Doe\n"
    ),
    "template/README.md.jinja": "# {{ project_name }}\n\n{{ description }}\n",
    "template/LICENSE.jinja": "Copyright {{ author }}. All rights reserved.\n",
    "template/{{ _copier_conf.answers_file }}.jinja": (
        "# Changes here will be overwritten by Copier\n{{ _copier_answers | to_nice_yaml }}"
    ),
}
TRIVIAL_PROCESS_FILE = "template/README.md.jinja"


class BenchError(RuntimeError):
    """A command the benchmark runs failed, so its timing would mean nothing."""


# --------------------------------------------------------------------- plumbing


def isolated_env(workdir: Path) -> dict[str, str]:
    """Environment for every command: empty copier settings, a throw-away git identity.

    A user's copier ``trust`` list or defaults, or their global git hooks and
    signing, would otherwise change what is timed.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    settings = workdir / "copier-settings.yml"
    settings.write_text("{}\n", encoding="utf-8")
    gitconfig = workdir / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Benchmark\n\temail = bench@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    # Users' Python caches compiled modules; a machine that sets
    # PYTHONDONTWRITEBYTECODE would make every run compile copier from source,
    # adding the same second to both sides and shrinking every ratio.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        COPIER_SETTINGS_PATH=str(settings),
        COPIER_CACHE_DIR=str(workdir / "copier-cache"),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        UV_PYTHON_DOWNLOADS="never",
    )
    return env


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command; raise ``BenchError`` with its output when it fails."""
    result = subprocess.run(
        list(cmd), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchError(
            f"{' '.join(cmd)} failed in {cwd} with exit code {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


@dataclass(frozen=True)
class Timing:
    """One successful command: wall-clock seconds, and CPU seconds of it and its children.

    Wall time is what users wait for. CPU time (user + system, git
    subprocesses included) hardly moves when other jobs share the machine,
    so its ratio is the steadier estimate of the wall ratio on an idle one.
    """

    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> Timing:
    """Time one command; raise ``BenchError`` when it fails."""
    cpu = _children_cpu()
    start = time.perf_counter()
    run(cmd, cwd, env)
    wall = time.perf_counter() - start
    return Timing(wall, _children_cpu() - cpu)


COPIER_FIX = Path(__file__).with_name("copier_per_file_fix.py")
_copier_fix = False  # set by --copier-fix


def copier_cli() -> list[str]:
    """The copier command users run: the installed entry script, else ``python -m copier``.

    With ``--copier-fix`` every side runs copier with two per-file costs made
    once per render (``bench/copier_per_file_fix.py``), to size an upstream fix.
    """
    if _copier_fix:
        return [sys.executable, str(COPIER_FIX)]
    script = Path(sys.executable).with_name("copier")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "copier"]


def copier_version(env: dict[str, str]) -> str:
    """Copier's version as its CLI reports it (``copier 9.19.1``)."""
    return run([*copier_cli(), "--version"], ROOT, env).stdout.strip()


# ------------------------------------------------------------ template repos


def _release(repo: Path, tag: str, env: dict[str, str]) -> None:
    """Commit everything in ``repo`` and tag it."""
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-q", "--no-verify", "-m", f"Release {tag}"], repo, env)
    run(["git", "tag", tag], repo, env)


def _append_line(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(f"{text}\n{line}\n", encoding="utf-8")


def build_trivial_template(dest: Path, env: dict[str, str], plain: Iterable[str] = ()) -> Path:
    """A three-question template in a git repo, tagged v1 and v2 (one appended line).

    ``plain`` adds a plain, unrendered file at each of those project paths. With
    our project's paths this is the *floor* template: as many files as ours and
    nothing else, so its time over the trivial one is copier's own cost per file.
    """
    for name, text in TRIVIAL_FILES.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    trivial = {name.removeprefix("template/").removesuffix(".jinja") for name in TRIVIAL_FILES}
    for name in plain:
        if name not in trivial and name != ANSWERS_FILE:
            path = dest / "template" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("Plain text, copied as it is.\n", encoding="utf-8")
    run(["git", "init", "-q"], dest, env)
    _release(dest, "v1", env)
    _append_line(dest / TRIVIAL_PROCESS_FILE, V2_LINE)
    _release(dest, "v2", env)
    return dest


def data_options(data: dict[str, str] | None) -> list[str]:
    """``--data KEY=VALUE`` for each answer, as the copier command line takes them."""
    return [arg for key, value in (data or {}).items() for arg in ("--data", f"{key}={value}")]


def project_files(
    template: Path, env: dict[str, str], data: dict[str, str], dest: Path
) -> list[str]:
    """The files a copy of ``template`` (latest tag) with ``data`` writes, as relative paths."""
    data_args = data_options(data)
    copy = [*copier_cli(), "copy", "--trust", "--defaults", *data_args, str(template), str(dest)]
    run(copy, dest.parent, env)
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())


def working_tree_files(source: Path, env: dict[str, str]) -> list[str]:
    """Files of the working tree that git would commit: tracked and new, minus ignored."""
    listed = run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], source, env
    ).stdout
    return sorted({name for name in listed.split("\0") if name and (source / name).is_file()})


def process_file(template: Path) -> str:
    """The file of ours that v2 changes: the first candidate present in the tree."""
    for candidate in PROCESS_FILE_CANDIDATES:
        if (template / candidate).is_file():
            return candidate
    raise BenchError(f"none of {PROCESS_FILE_CANDIDATES} exists in {template}")


def build_our_template(dest: Path, env: dict[str, str], source: Path = ROOT) -> Path:
    """Our template in a git repo: v1 = the working tree as it is, v2 = v1 + one line."""
    for name in working_tree_files(source, env):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
    run(["git", "init", "-q"], dest, env)
    _release(dest, "v1", env)
    _append_line(dest / process_file(dest), V2_LINE)
    _release(dest, "v2", env)
    return dest


# --------------------------------------------------------------------- cases


@dataclass
class Case:
    """One timed command: how to prepare a fresh folder, what to run, what proves it worked.

    ``prepare`` runs untimed before every sample; ``command`` is timed;
    ``check`` raises ``BenchError`` when the command did not do its job.
    """

    name: str
    command: Callable[[Path], tuple[list[str], Path]]
    check: Callable[[Path], None]
    prepare: Callable[[Path], None] = lambda _folder: None
    timings: list[Timing] = field(default_factory=list)

    def sample(self, folder: Path, env: dict[str, str]) -> Timing:
        """Prepare ``folder``, time the command once, check its result."""
        folder.mkdir(parents=True)
        self.prepare(folder)
        cmd, cwd = self.command(folder)
        timing = timed(cmd, cwd, env)
        self.check(folder)
        return timing

    @property
    def samples(self) -> list[float]:
        """Wall-clock seconds of the kept samples."""
        return [timing.wall for timing in self.timings]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(timing.cpu for timing in self.timings)


def _answers(project: Path) -> str:
    path = project / ANSWERS_FILE
    if not path.is_file():
        raise BenchError(f"{path} was not written")
    return path.read_text(encoding="utf-8")


def copy_case(
    name: str, template: Path, env: dict[str, str], data: dict[str, str] | None = None
) -> Case:
    """``copier copy --trust --defaults`` of ``template`` (latest tag) into a new folder."""
    data_args = data_options(data)

    def command(folder: Path) -> tuple[list[str], Path]:
        dst = folder / PROJECT_FOLDER
        return [
            *copier_cli(),
            "copy",
            "--trust",
            "--defaults",
            *data_args,
            str(template),
            str(dst),
        ], folder

    def check(folder: Path) -> None:
        answers = _answers(folder / PROJECT_FOLDER)
        for key, value in (data or {}).items():
            if f"{key}: {value}" not in answers:
                raise BenchError(f"copy {name}: {key}={value} missing from the answers file")

    return Case(name, command, check)


def update_case(
    name: str,
    template: Path,
    changed_file: str,
    env: dict[str, str],
    data: dict[str, str] | None = None,
) -> Case:
    """``copier update --trust --defaults`` from v1 to v2 on a git-committed project.

    The copy at v1 and the commit happen in ``prepare``, untimed, for every sample.
    """
    data_args = data_options(data)
    rendered = changed_file.removeprefix("template/").removesuffix(".jinja")

    def prepare(folder: Path) -> None:
        dst = folder / PROJECT_FOLDER
        copy = [*copier_cli(), "copy", "--trust", "--defaults", "--vcs-ref", "v1"]
        run([*copy, *data_args, str(template), str(dst)], folder, env)
        run(["git", "init", "-q"], dst, env)
        run(["git", "add", "-A"], dst, env)
        run(["git", "commit", "-q", "--no-verify", "-m", "Start from template v1"], dst, env)

    def command(folder: Path) -> tuple[list[str], Path]:
        return [*copier_cli(), "update", "--trust", "--defaults"], folder / PROJECT_FOLDER

    def check(folder: Path) -> None:
        project = folder / PROJECT_FOLDER
        if "_commit: v2" not in _answers(project):
            raise BenchError(f"update {name}: the project did not move to v2")
        if V2_LINE not in (project / rendered).read_text(encoding="utf-8"):
            raise BenchError(f"update {name}: the v2 change is missing from {rendered}")

    return Case(name, command, check, prepare)


# ---------------------------------------------------------------- measuring


@dataclass
class Comparison:
    """Ours against the trivial template for one operation, with an optional target."""

    label: str
    ours: Case
    trivial: Case
    target: float | None = None

    @property
    def ratio(self) -> float:
        """Median of ours over median of trivial: the figure the targets are about."""
        return self.ours.median / self.trivial.median

    @property
    def cpu_ratio(self) -> float:
        """The same ratio in CPU seconds: steadier when the machine is busy."""
        return self.ours.cpu_median / self.trivial.cpu_median

    @property
    def paired_ratios(self) -> list[float]:
        """Ours over trivial within each round; their spread shows how noisy the run was."""
        return [o / t for o, t in zip(self.ours.samples, self.trivial.samples, strict=True)]


def measure(
    comparisons: Sequence[Comparison],
    rounds: int,
    warmup: int,
    workdir: Path,
    env: dict[str, str],
    log: Callable[[str], None] = print,
) -> None:
    """Fill every case's samples: warm-up rounds first (discarded), then interleaved rounds.

    Within a round each comparison runs trivial then ours, so slow drift on a
    shared machine hits both sides alike.
    """
    for number in range(warmup + rounds):
        kept = number >= warmup
        label = f"round {number - warmup + 1}/{rounds}" if kept else "warm-up"
        for comparison in comparisons:
            for case in (comparison.trivial, comparison.ours):
                slug = re.sub(r"[^a-z0-9]+", "-", case.name.lower()).strip("-")
                timing = case.sample(workdir / "runs" / f"{number}-{slug}", env)
                if kept:
                    case.timings.append(timing)
                log(f"  {label:<12} {case.name:<24} {timing.wall:6.2f} s  (CPU {timing.cpu:.2f} s)")


@dataclass
class SuiteTiming:
    """Wall time of one run of the template's own test suite."""

    label: str
    args: list[str]
    target: float
    seconds: float = 0.0
    passed: bool = False
    summary: str = ""


def time_suite(suite: SuiteTiming, basetemp: Path, env: dict[str, str]) -> SuiteTiming:
    """Run the template's own pytest suite once, as a developer would, and time it."""
    cmd = [sys.executable, "-m", "pytest", "-q", f"--basetemp={basetemp}", *suite.args]
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    suite.seconds = time.perf_counter() - start
    suite.passed = result.returncode == 0
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    suite.summary = lines[-1] if lines else result.stderr.strip()[-200:]
    return suite


# ---------------------------------------------------------------- reporting


def verdict(value: float, target: float | None) -> str:
    """PASS or MISS against an upper bound; ``-`` when there is no target."""
    if target is None:
        return "-"
    return "PASS" if value <= target else "MISS"


def format_table(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    """A Markdown table, readable in a terminal and pasteable into docs/benchmarks.md."""
    rows = [list(header), *[list(row) for row in rows]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def comparison_table(comparisons: Sequence[Comparison]) -> str:
    """Medians, the ratio the targets judge, and the per-round ratios' range as a noise gauge."""
    rows = []
    for comp in comparisons:
        target = f"<= {comp.target:.1f}x" if comp.target is not None else "-"
        paired = comp.paired_ratios
        rows.append(
            [
                comp.label,
                f"{comp.ours.median:.2f} s",
                f"{comp.trivial.median:.2f} s",
                f"{comp.ratio:.2f}x",
                f"{min(paired):.2f}-{max(paired):.2f}x",
                f"{comp.cpu_ratio:.2f}x",
                target,
                verdict(comp.ratio, comp.target),
            ]
        )
    header = [
        "case",
        "ours (median)",
        "trivial (median)",
        "ratio",
        "per round",
        "CPU ratio",
        "target",
        "result",
    ]
    return format_table(rows, header)


def suite_table(suites: Sequence[SuiteTiming]) -> str:
    rows = []
    for suite in suites:
        result = verdict(suite.seconds, suite.target) if suite.passed else "FAILED"
        rows.append(
            [
                suite.label,
                f"{suite.seconds:.1f} s",
                f"<= {suite.target:.0f} s",
                result,
                suite.summary,
            ]
        )
    return format_table(rows, ["test suite", "wall time", "target", "result", "pytest summary"])


def environment_summary(env: dict[str, str], source: Path = ROOT) -> str:
    """One line naming everything the figures depend on."""
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    fix = " with the per-file fix" if _copier_fix else ""
    return (
        f"{copier_version(env)}{fix}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}, template {commit or '?'}"
    )


# ---------------------------------------------------------------------- main


def build_comparisons(
    workdir: Path,
    env: dict[str, str],
    sizes: Sequence[str],
    update_size: str,
    source: Path = ROOT,
    floor: bool = True,
) -> list[Comparison]:
    """The template repos, one copy comparison per size, the update comparison and the floor.

    The floor comparisons (no target) time the *floor* template, with as many
    plain files as our ``update_size`` project, against the trivial one: the
    share of our ratios that is copier's cost per file, whatever the files hold.
    """
    trivial = build_trivial_template(workdir / "trivial-template", env)
    ours = build_our_template(workdir / "our-template", env, source)
    comparisons = [
        Comparison(
            f"copy {size}",
            copy_case(f"ours copy {size}", ours, env, {"project_size": size}),
            copy_case(f"trivial copy ({size})", trivial, env),
            COPY_RATIO_TARGET if size == "large" else None,
        )
        for size in sizes
    ]
    comparisons.append(
        Comparison(
            f"update v1->v2 ({update_size})",
            update_case(
                f"ours update {update_size}",
                ours,
                process_file(ours),
                env,
                {"project_size": update_size},
            ),
            update_case("trivial update", trivial, TRIVIAL_PROCESS_FILE, env),
            UPDATE_RATIO_TARGET,
        )
    )
    if floor:
        (workdir / "listing").mkdir()
        paths = project_files(ours, env, {"project_size": update_size}, workdir / "listing" / "p")
        floor_template = build_trivial_template(workdir / "floor-template", env, paths)
        label = f"{len(paths)} plain files"
        comparisons += [
            Comparison(
                f"floor copy ({label})",
                copy_case("floor copy", floor_template, env),
                copy_case("trivial copy (floor)", trivial, env),
            ),
            Comparison(
                f"floor update ({label})",
                update_case("floor update", floor_template, TRIVIAL_PROCESS_FILE, env),
                update_case("trivial update (floor)", trivial, TRIVIAL_PROCESS_FILE, env),
            ),
        ]
    return comparisons


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per case (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument(
        "--sizes", default=",".join(SIZES), help="comma-separated sizes to copy (default: all)"
    )
    parser.add_argument(
        "--update-size", default="large", choices=SIZES, help="size of the updated project"
    )
    parser.add_argument("--no-suite", action="store_true", help="skip timing the test suite")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the plain-files floor comparisons"
    )
    parser.add_argument(
        "--copier-fix",
        action="store_true",
        help="run copier with its per-file git call and answers-path render made once per "
        "render (an upstream proposal, bench/copier_per_file_fix.py); implies --no-suite",
    )
    parser.add_argument("--no-full-suite", action="store_true", help="time the fast subset only")
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT,
        help="git checkout of the template to time (default: this one); "
        "the test suite is only timed for this checkout",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--json", type=Path, default=RESULTS_DIR / "latest.json", help="where to save results"
    )
    args = parser.parse_args(argv)
    args.sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    unknown = sorted(set(args.sizes) - set(SIZES))
    if unknown:
        parser.error(f"unknown sizes {unknown}; expected some of {list(SIZES)}")
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be at least 1 and --warmup at least 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    global _copier_fix
    args = parse_args(argv)
    _copier_fix = args.copier_fix
    if args.copier_fix:
        args.no_suite = True
    workdir = Path(tempfile.mkdtemp(prefix="lifecycle-bench-"))
    try:
        env = isolated_env(workdir)
        source = args.source.resolve()
        summary = environment_summary(env, source)
        print(f"Benchmark: {summary}")
        print(f"Working in {workdir}; {args.warmup} warm-up + {args.rounds} timed rounds")
        load = [os.getloadavg()[0]]
        comparisons = build_comparisons(
            workdir, env, args.sizes, args.update_size, source, floor=not args.no_floor
        )
        measure(comparisons, args.rounds, args.warmup, workdir, env)
        load.append(os.getloadavg()[0])
        suites = []
        if not args.no_suite and source == ROOT:
            suites.append(
                SuiteTiming('fast subset (-m "not slow")', ["-m", "not slow"], FAST_SUITE_TARGET)
            )
            if not args.no_full_suite:
                suites.append(SuiteTiming("full suite", [], FULL_SUITE_TARGET))
            for suite in suites:
                print(f"  timing the {suite.label} ...", flush=True)
                time_suite(suite, workdir / f"pytest-{len(suite.args)}", env)
        print()
        print(
            f"Load average (1 min) {load[0]:.1f} before and {load[1]:.1f} after the timings "
            f"on {os.cpu_count()} CPUs: a busy machine widens the per-round range."
        )
        print()
        print(comparison_table(comparisons))
        if suites:
            print()
            print(suite_table(suites))
        save_json(args.json, comparisons, suites, f"{summary}, load {load[0]:.1f}-{load[1]:.1f}")
    except BenchError as error:
        print(f"benchmark aborted: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def save_json(
    path: Path,
    comparisons: Sequence[Comparison],
    suites: Sequence[SuiteTiming],
    summary: str,
) -> None:
    """Keep the raw samples too, so a surprising median can be looked into later."""
    data = {
        "environment": summary,
        "comparisons": [
            {
                "label": comp.label,
                "ours": comp.ours.samples,
                "trivial": comp.trivial.samples,
                "ours_cpu": [timing.cpu for timing in comp.ours.timings],
                "trivial_cpu": [timing.cpu for timing in comp.trivial.timings],
                "ratio": comp.ratio,
                "cpu_ratio": comp.cpu_ratio,
                "target": comp.target,
            }
            for comp in comparisons
        ],
        "suites": [
            {"label": s.label, "seconds": s.seconds, "passed": s.passed, "target": s.target}
            for s in suites
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"\nraw samples saved to {path}")


if __name__ == "__main__":
    sys.exit(main())
