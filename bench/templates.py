"""The templates and projects the bench times: trivial, plain floor, ours, and team files.

Why these three templates:

* the **trivial** template (three questions, three files) is the yardstick:
  absolute seconds differ between machines, a ratio to it in the same run does not;
* the **floor** template is the trivial one plus a plain file at every path a
  copy of ours writes: same files, no Jinja, no questions. Its time is what
  copier itself costs for that many files, so ours over the floor is our own cost;
* **ours** is the working tree as it is (uncommitted edits included), so the
  bench times what would be committed, and the lead can rerun it after a merge.

Each template lives in a throw-away git repo tagged ``v1`` and ``v2`` (one
appended line) so that ``copier update`` does real work.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from bench.timing import BenchError, run

ROOT = Path(__file__).resolve().parent.parent
ANSWERS_FILE = ".copier-answers.yml"
V2_LINE = "Process change for the benchmark (template v2)."

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
TRIVIAL_CHANGED_FILE = "template/README.md.jinja"

# Our file that v2 changes: the first that exists wins, so the bench does not
# break when another change renames a process document. Process-owned only: an
# update leaves team-owned files (README.md, say) alone, so the change would not land.
OUR_CHANGED_FILE_CANDIDATES: tuple[str, ...] = (
    "template/docs/lifecycle.md.jinja",
    "template/docs/release-checklist.md.jinja",
    "template/.github/PULL_REQUEST_TEMPLATE.md.jinja",
)


def _release(repo: Path, tag: str, env: dict[str, str]) -> None:
    """Commit everything in ``repo`` and tag it."""
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-q", "--no-verify", "-m", f"Release {tag}"], repo, env)
    run(["git", "tag", tag], repo, env)


def _release_v1_and_v2(repo: Path, changed_file: str, env: dict[str, str]) -> None:
    """Tag the tree as v1, append ``V2_LINE`` to ``changed_file``, tag v2, then pack.

    Packed, as users' templates are: copier clones a remote template into a
    packed mirror, and a template developer's checkout is packed by git. Left
    loose, a local clone hard-links every object into up to 256 folders and
    deletes them again on cleanup, which costs ours (about 270 distinct objects)
    0.15 s of system time per clone and the floor (one shared blob) nearly none.
    """
    run(["git", "init", "-q"], repo, env)
    _release(repo, "v1", env)
    path = repo / changed_file
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text.rstrip()}\n\n{V2_LINE}\n", encoding="utf-8")
    _release(repo, "v2", env)
    run(["git", "repack", "-a", "-d", "-q"], repo, env)


def build_trivial_template(dest: Path, env: dict[str, str], plain: Iterable[str] = ()) -> Path:
    """The trivial template; with ``plain`` project paths, the floor template.

    Each path in ``plain`` (except the trivial template's own files) gets a
    plain file copied as it is.
    """
    for name, text in TRIVIAL_FILES.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    own = {name.removeprefix("template/").removesuffix(".jinja") for name in TRIVIAL_FILES}
    for name in plain:
        if name not in own and name != ANSWERS_FILE:
            path = dest / "template" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("Plain text, copied as it is.\n", encoding="utf-8")
    _release_v1_and_v2(dest, TRIVIAL_CHANGED_FILE, env)
    return dest


def working_tree_files(source: Path, env: dict[str, str]) -> list[str]:
    """Files git would commit in ``source``: tracked and new, minus ignored and deleted."""
    listed = run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], source, env
    ).stdout
    return sorted({name for name in listed.split("\0") if name and (source / name).is_file()})


def our_changed_file(template: Path) -> str:
    """The file of ours that v2 changes."""
    for candidate in OUR_CHANGED_FILE_CANDIDATES:
        if (template / candidate).is_file():
            return candidate
    raise BenchError(f"none of {OUR_CHANGED_FILE_CANDIDATES} exists in {template}")


def build_our_template(dest: Path, env: dict[str, str], source: Path = ROOT) -> Path:
    """Our template: v1 is the working tree of ``source``, v2 adds one line to a process file."""
    for name in working_tree_files(source, env):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
    _release_v1_and_v2(dest, our_changed_file(dest), env)
    return dest


def project_files(project: Path) -> list[str]:
    """Relative paths of every file in a generated project, ``.git`` never entered."""
    found = []
    for folder, dirs, files in os.walk(project):
        dirs[:] = [name for name in dirs if name != ".git"]
        found += [(Path(folder) / name).relative_to(project).as_posix() for name in files]
    return sorted(found)


def write_team_files(project: Path, roots: Sequence[str], total: int) -> list[Path]:
    """Write ``total`` small team-owned modules spread evenly over ``roots``.

    The update scale case (issue 16): a team's own code must not make updates
    slower. 100 files a folder, like a real package tree rather than one huge
    folder, which would time the file system instead of copier.
    """
    written: list[Path] = []
    for index in range(total):
        root = roots[index % len(roots)]
        number = index // len(roots)
        path = project / root / "team_code" / f"part_{number // 100:03d}" / f"m_{number:05d}.py"
        if number % 100 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'"""Team module {index}."""\n\nVALUE = {index}\n', encoding="utf-8")
        written.append(path)
    return written
