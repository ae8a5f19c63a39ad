"""Bench entry point: time the goals of issues 12, 16 and 23 in one interleaved run.

    uv run python -m bench.run                  # 5 rounds, stock and patched copier
    uv run python -m bench.run --rounds 3 --no-patch --team-files 2000
    uv run python -m bench.run --fast-suite     # also time pytest -m "not slow"
    uv run python -m bench.run --peer ../other-template   # time another template beside ours

Why one run: every goal is a ratio between cases that ran in the same rounds,
under the same load, so the figures can be compared side by side. See
docs/benchmarks.md for the method and the latest figures. The bench exits
non-zero only when a command it times fails; a missed goal is a finding.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cases, peers, report, templates
from bench.patched_copier import build_patched_copier, with_patched_copier
from bench.report import Figure, Goal, GoalRow
from bench.timing import BenchError, Case, isolated_env, measure, paired_ratio, run

SIZE = {"project_size": "large"}
SCALE_LAYOUTS: dict[str, tuple[str, ...]] = {"src+tests": ("src", "tests"), "lib": ("lib",)}

# (goal, case timed, case it is divided by); the scale labels get the file count.
RATIO_GOALS: tuple[tuple[Goal, str, str], ...] = (
    (Goal("copy large: ours over the plain floor", 1.10), "copy ours", "copy floor"),
    (Goal("update large: ours over the plain floor", 1.20), "update ours", "update floor"),
    (Goal("copy large: ours over a trivial template", 1.45), "copy ours", "copy trivial"),
    (Goal("update large: ours over a trivial template", 1.90), "update ours", "update trivial"),
    (
        Goal("update, {n} team files in src/ and tests/, over none", 1.3),
        "update src+tests",
        "update ours",
    ),
    (Goal("update, {n} team files in lib/, over none", None), "update lib", "update ours"),
    (Goal("copy: plain floor over trivial (copier's cost)", None), "copy floor", "copy trivial"),
    (
        Goal("update: plain floor over trivial (copier's cost)", None),
        "update floor",
        "update trivial",
    ),
)
LIFECYCLE = Goal(f"lifecycle check, {cases.PIECES_OF_WORK} pieces of work", 0.5, "s")
FLEET = Goal("fleet report, {n} repositories, 2 cores", 60.0, "s")
SUITES: tuple[tuple[Goal, str, tuple[str, ...]], ...] = (
    (Goal('fast subset (-m "not slow"), 2 cores', 30.0, "s"), "fast_suite", ("-m", "not slow")),
    (Goal("full suite, 2 cores", 300.0, "s"), "full_suite", ()),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--team-files", type=int, default=20_000, help="scale case size")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale case")
    parser.add_argument(
        "--fleet-repositories",
        type=int,
        default=cases.FLEET_REPOSITORIES,
        help=f"repositories the fleet report reads (default {cases.FLEET_REPOSITORIES})",
    )
    parser.add_argument("--no-patch", action="store_true", help="stock copier only")
    parser.add_argument("--fast-suite", action="store_true", help='time pytest -m "not slow"')
    parser.add_argument("--full-suite", action="store_true", help="time the whole suite")
    parser.add_argument("--source", type=Path, default=templates.ROOT, help="template checkout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--peer",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="another template (git dir or checkout) to time beside ours; repeatable",
    )
    parser.add_argument("--json", type=Path, default=templates.ROOT / "bench/results/latest.json")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0 or args.team_files < 1:
        parser.error("--rounds and --team-files must be at least 1, --warmup at least 0")
    args.source = args.source.resolve()
    return args


def update_master(
    template: Path,
    dest: Path,
    env: dict[str, str],
    data: dict[str, str],
    team: tuple[Sequence[str], int] = ((), 0),
) -> Path:
    """A committed project at v1, with ``team`` = (folders, count) team files, to clone."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    project = cases.copy_project(template, dest, env, data, ref="v1")
    roots, count = team
    if count:
        templates.write_team_files(project, roots, count)
    cases.commit_all(project, env, "Start from template v1")
    run(["git", "gc", "-q"], project, env)  # packed, like a team's repository
    return project


@dataclass
class Setup:
    """Everything built before the timing: our template, the floor's size, the cases."""

    ours: Path
    floor_files: int
    by_variant: dict[str, dict[str, Case]]
    peer_results: dict[str, peers.Peer | str] = field(default_factory=dict)  # or why left out

    def interleaved(self) -> list[Case]:
        """Each case name, then each variant: the two sides of a ratio run close in time."""
        names = list(dict.fromkeys(n for made in self.by_variant.values() for n in made))
        return [made[n] for n in names for made in self.by_variant.values() if n in made]


def build(args: argparse.Namespace, work: Path, variants: dict[str, dict[str, str]]) -> Setup:
    """The three templates, one master project per update case, every case per variant."""
    env = next(iter(variants.values()))
    trivial = templates.build_trivial_template(work / "trivial", env)
    ours = templates.build_our_template(work / "ours", env, args.source)
    listing = templates.project_files(cases.copy_project(ours, work / "listing", env, SIZE))
    floor = templates.build_trivial_template(work / "floor", env, listing)
    ours_changed = templates.our_changed_file(ours).removeprefix("template/")
    ours_changed = ours_changed.removesuffix(".jinja")
    masters = {
        "trivial": (update_master(trivial, work / "m/trivial", env, {}), "README.md"),
        "floor": (update_master(floor, work / "m/floor", env, {}), "README.md"),
        "ours": (update_master(ours, work / "m/ours", env, SIZE), ours_changed),
    }
    if not args.no_scale:
        for layout, roots in SCALE_LAYOUTS.items():
            team = (roots, args.team_files)
            master = update_master(ours, work / f"m/{layout}", env, SIZE, team)
            masters[layout] = (master, ours_changed)
    by_variant: dict[str, dict[str, Case]] = {}
    for variant, venv in variants.items():
        made = {
            "copy trivial": cases.copy_case("copy trivial", trivial, venv, {}),
            "copy floor": cases.copy_case("copy floor", floor, venv, {}),
            "copy ours": cases.copy_case("copy ours", ours, venv, SIZE),
        }
        for name, (master, changed) in masters.items():
            made[f"update {name}"] = cases.update_case(f"update {name}", master, changed, venv)
        for case in made.values():
            case.name = f"{variant}: {case.name}"
        by_variant[variant] = made
    setup = Setup(ours, len(listing), by_variant)
    first, made = next(iter(variants)), next(iter(by_variant.values()))
    for number, source in enumerate(args.peer):  # stock copier only: peers are not ours to patch
        peer = peers.build_peer(source.resolve(), work / "peers" / str(number), env)
        name = peer.name if isinstance(peer, peers.Peer) else peers.peer_name(source)
        setup.peer_results[name] = peer
        shown = f"{peer.old} -> {peer.new}" if isinstance(peer, peers.Peer) else peer
        print(f"Peer {name}: {shown}")
        if isinstance(peer, peers.Peer):
            for case in (peer.copy_case(), peer.update_case()):
                made[case.name] = case
                case.name = f"{first}: {case.name}"
    return setup


def peer_rows(setup: Setup) -> list[tuple[str, dict[str, Figure], dict[str, float]]]:
    """Ours and each peer: copy and update over trivial (wall, and CPU), stock copier."""
    made = next(iter(setup.by_variant.values()))
    rows = []
    for name, peer in {"ours (large)": None, **setup.peer_results}.items():
        top = "{} ours" if peer is None else "{} peer " + name
        wall: dict[str, Figure] = {}
        cpu: dict[str, float] = {}
        for kind in ("copy", "update"):
            if isinstance(peer, str):
                wall[kind] = peer
                continue
            case, trivial = made[top.format(kind)], made[f"{kind} trivial"]
            wall[kind] = paired_ratio(case, trivial)
            cpu[kind] = paired_ratio(case, trivial, cpu=True)
        rows.append((name, wall, cpu))
    return rows


def time_suite(args: argparse.Namespace, pytest_args: Sequence[str], env: dict[str, str]) -> Figure:
    """Wall seconds of one run of the template's own pytest suite, or why it failed."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=args.source, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    last = (result.stdout.strip().splitlines() or ["no output"])[-1]
    return seconds if result.returncode == 0 else f"failed: {last}"


def goal_rows(
    args: argparse.Namespace,
    setup: Setup,
    lifecycle: Figure,
    env: dict[str, str],
    fleet: Figure = "not timed",
) -> list[GoalRow]:
    """Every goal with its figure per variant; ratios are medians of per-round ratios."""
    rows = []
    for goal, top, bottom in RATIO_GOALS:
        row = GoalRow(Goal(goal.label.format(n=f"{args.team_files:,}"), goal.limit))
        for variant, made in setup.by_variant.items():
            if top not in made:
                row.measured[variant] = "skipped (--no-scale)"
                continue
            row.measured[variant] = paired_ratio(made[top], made[bottom])
            row.cpu[variant] = paired_ratio(made[top], made[bottom], cpu=True)
        rows.append(row)
    surveyed = Goal(FLEET.label.format(n=args.fleet_repositories), FLEET.limit, FLEET.unit)
    fixed: list[tuple[Goal, Figure]] = [(LIFECYCLE, lifecycle), (surveyed, fleet)]
    for goal, flag, pytest_args in SUITES:
        fixed.append(
            (goal, time_suite(args, pytest_args, env) if getattr(args, flag) else "not timed")
        )
    first, *others = setup.by_variant
    for goal, figure in fixed:  # not copier's work: one figure, under the first variant
        rows.append(GoalRow(goal, {first: figure, **dict.fromkeys(others, "same")}))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="lifecycle-bench-"))
    try:
        env = isolated_env(work / "env")
        variants = {f"copier {version('copier')}": env}
        if not args.no_patch:
            patched = with_patched_copier(env, build_patched_copier(work / "patched", env))
            probe = "import copier._main as m; assert hasattr(m.Worker, '_dst_git_file_mode')"
            run([sys.executable, "-c", probe], work, patched)  # the copy is the one imported
            variants["patched"] = patched
        commit = run(["git", "describe", "--always", "--dirty"], args.source, env).stdout.strip()
        print(
            f"Bench: {', '.join(variants)}; Python {platform.python_version()}; "
            f"{os.cpu_count()} CPUs; template {commit}; {args.warmup}+{args.rounds} rounds"
        )
        load = [os.getloadavg()[0]]
        setup = build(args, work, variants)
        lifecycle_project = cases.lifecycle_project(setup.ours, work / "lifecycle", env)
        timed = setup.interleaved()
        check = None
        if isinstance(lifecycle_project, Path):
            check = cases.lifecycle_check_case(lifecycle_project, env)
            timed.append(check)
        listing = cases.fleet_sources(setup.ours, work / "fleet", env, args.fleet_repositories)
        survey = cases.fleet_case(listing, env) if isinstance(listing, Path) else None
        if survey:
            timed.append(survey)
        measure(timed, args.rounds, args.warmup, work)
        load.append(os.getloadavg()[0])
        lifecycle: Figure = check.median if check else str(lifecycle_project)
        fleet: Figure = survey.median if survey else str(listing)
        rows = goal_rows(args, setup, lifecycle, env, fleet)
        names = list(variants)
        print(
            f"\nLoad average {load[0]:.1f} before, {load[1]:.1f} after the timings; "
            f"the floor writes the {setup.floor_files} files of a large project.\n"
        )
        print(report.goals_table(rows, names))
        medians = {
            v: {c.name.split(": ", 1)[1]: c.median for c in made.values()}
            for v, made in setup.by_variant.items()
        }
        if setup.peer_results:
            print()
            print(report.peers_table(peer_rows(setup)))
        print()
        print(report.medians_table(medians, names))
        report.save_json(
            args.json,
            {
                "environment": f"{', '.join(names)}; template {commit}; load {load}",
                "goals": [
                    {"goal": r.goal.label, "limit": r.goal.limit, **r.measured} for r in rows
                ],
                "peers": [
                    {"template": name, "over trivial": wall, "cpu over trivial": cpu}
                    for name, wall, cpu in peer_rows(setup)
                ],
                "samples": {c.name: [(t.wall, t.cpu) for t in c.timings] for c in timed},
            },
        )
    except BenchError as error:
        print(f"bench aborted: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
