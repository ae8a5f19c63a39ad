"""Where a copy and an update spend their CPU time: ours beside the floor and trivial.

    uv run python -m bench.profile               # 3 samples of each command
    uv run python -m bench.profile --samples 5 --source ../other-checkout

Why: the bench says how far ours is above the floor; this says what the
difference is made of, so a goal out of reach can be explained and a change
aimed at the largest part. Each command is copier's CLI, as the bench times
it, run under ``bench/sampler.py`` (CPU-time samples, so the shared machine's
load does not move the split); each sample is put in the first category of
``CATEGORIES`` its stack matches, and the subprocesses are split into our
migration and git. Figures are milliseconds of CPU, the mean over samples:
read differences under about 15 ms as noise (one sample is 4 ms).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/profile.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cases, report, templates
from bench.run import SIZE, update_master
from bench.timing import BenchError, isolated_env, run

SAMPLER = Path(__file__).with_name("sampler.py")


def _any(*marks: str) -> Callable[[Sequence[str]], bool]:
    return lambda stack: any(mark in frame for frame in stack for mark in marks)


# First match wins: a stack inside the questionnaire that loads our modules is module loading.
CATEGORIES: tuple[tuple[str, Callable[[Sequence[str]], bool]], ...] = (
    ("Python start, copier's import", _any("copier/__init__.py:1:<module>")),
    ("our extension modules, compiled per Jinja environment", _any(":_import_template_module")),
    ("update message (our filters, copier's render)", _any("_main.py:373:_print_message")),
    ("questionnaire (copier renders every question field)", _any("_main.py:604:_ask")),
    ("copier.yml parse (pure-Python YAML)", _any("_template.py:267:_raw_config")),
    (
        "our filters and globals in file templates (the shipped tool's load included)",
        lambda stack: _any("/extensions/")(stack) and _any("_main.py:849:_render_file")(stack),
    ),
    ("compiling file templates", _any("environment.py:981:get_template")),
    ("rendering file templates (Jinja, copier's writes)", _any("_main.py:849:_render_file")),
    (
        "rendering paths (each part, the answers file's per file)",
        _any("_main.py:1173:_render_path"),
    ),
    ("_exclude / _skip_if_exists matchers", _any("_path_matcher", "match_skip", "match_exclude")),
    ("everything else in copier's process", lambda _stack: True),
)
MIGRATION = "our after-update migration (a Python process: sync)"
GIT = "git subprocesses (clones, checkouts, per-file config, merge)"
COMMANDS = ("copy", "update")
TEMPLATES = ("trivial", "floor", "ours")


def categorise(profile: dict[str, Any]) -> Counter[str]:
    """CPU milliseconds of one sampled command, by category."""
    samples = sum(count for _stack, count in profile["stacks"]) or 1
    each = profile["cpu"] * 1000 / samples
    found: Counter[str] = Counter()
    for stack, count in profile["stacks"]:
        name = next(name for name, matches in CATEGORIES if matches(stack))
        found[name] += count * each
    for args, cpu in profile["children"]:
        found[MIGRATION if any(a.endswith("after_update.py") for a in args) else GIT] += cpu * 1000
    return found


def table(means: dict[str, Counter[str]]) -> str:
    """One row per category, one column per command, and the totals."""
    names = [name for name, _ in CATEGORIES] + [MIGRATION, GIT]
    columns = list(means)
    body = [[name, *(f"{means[c][name]:.0f}" for c in columns)] for name in names]
    body.append(["**total**", *(f"**{sum(means[c].values()):.0f}**" for c in columns)])
    return report.format_table(body, ["CPU ms (mean)", *columns])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--source", type=Path, default=templates.ROOT, help="template checkout")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="lifecycle-profile-"))
    try:
        env = isolated_env(work / "env")
        made = {
            "trivial": templates.build_trivial_template(work / "trivial", env),
            "ours": templates.build_our_template(work / "ours", env, args.source.resolve()),
        }
        listing = cases.copy_project(made["ours"], work / "listing", env, SIZE)
        made["floor"] = templates.build_trivial_template(
            work / "floor", env, templates.project_files(listing)
        )
        data = {name: SIZE if name == "ours" else {} for name in TEMPLATES}
        masters = {n: update_master(made[n], work / "m" / n, env, data[n]) for n in TEMPLATES}
        profiles: dict[str, list[Counter[str]]] = {}
        for number in range(args.samples):  # interleaved, as the bench runs them
            for command in COMMANDS:
                for name in TEMPLATES:
                    folder = work / "runs" / f"{number}-{command}-{name}"
                    folder.mkdir(parents=True)
                    if command == "copy":
                        cmd, cwd = cases.copy_command(made[name], folder / "p", data[name]), folder
                    else:
                        run(["cp", "-a", str(masters[name]), str(folder / "p")], folder, env)
                        run(["git", "update-index", "-q", "--refresh"], folder / "p", env)
                        cmd, cwd = (
                            [*cases.copier_cli(), "update", "--trust", "--defaults"],
                            folder / "p",
                        )
                    out = folder / "profile.json"
                    run([sys.executable, str(SAMPLER), str(out), *cmd], cwd, env)
                    found = categorise(json.loads(out.read_text(encoding="utf-8")))
                    profiles.setdefault(f"{command} {name}", []).append(found)
        means = {
            column: Counter({k: statistics.mean(p[k] for p in runs) for k in set().union(*runs)})
            for column, runs in profiles.items()
        }
        print(table(means))
    except BenchError as error:
        print(f"profile aborted: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
