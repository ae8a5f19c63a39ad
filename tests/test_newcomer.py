"""A newcomer's first commands work on a fresh machine, and CI runs the same ones.

The quick start installs uv with ``tools/install_uv.py`` (PyPI only, no pip, no
virtual environment), because ``pip install uv`` fails on Debian and Ubuntu's
system Python (``externally-managed-environment``) and a fresh Ubuntu has no pip.
These tests run the README's commands as written, with the machine's system
Python, a fresh home folder and no uv on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import (
    GIT_IDENTITY,
    KINDS,
    ROOT,
    SIZES,
    copy_working_tree,
    editable_copy,
    git,
    outputs,
    run,
)
from .extension_modules import install_uv, process

SYSTEM_PYTHON = Path("/usr/bin/python3")
BARE_PATH = "/usr/bin:/bin"
"""PATH of a fresh Debian or Ubuntu machine: system Python and git, no uv."""


def console_blocks(section: str) -> list[list[str]]:
    """The command lines of each ```console block in a README section."""
    readme = (ROOT / "README.md").read_text()
    text = readme.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [
        [line for line in block.splitlines() if line and not line.startswith("#")]
        for block in blocks
    ]


def whole_suite_command() -> str:
    return console_blocks("Developing the template")[0][0]


NETWORK_SETTINGS = re.compile(r"CERT|CA_BUNDLE|SSL|PROXY", flags=re.I)
"""How this machine reaches PyPI (certificate authority, proxy): the network's, kept."""


def fresh_env(home: Path, path: str = BARE_PATH) -> dict[str, str]:
    """A login on a new machine: nothing from this session's uv, venv or PATH."""
    network = {k: v for k, v in os.environ.items() if NETWORK_SETTINGS.search(k)}
    return {
        **network,
        "HOME": str(home),
        "PATH": path,
        "LANG": "C.UTF-8",
        "UV_PYTHON_DOWNLOADS": "never",
    }


def test_ci_runs_exactly_the_readme_whole_suite_command() -> None:
    command = whole_suite_command()
    assert command.startswith("python3 tools/install_uv.py && ")
    assert command.endswith("uv run --locked pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(rf"^{re.escape(command)} \|\| status=\$\?$", ci, flags=re.M), ci


def test_quick_start_is_two_commands_install_then_copy() -> None:
    install, copy = console_blocks("Quick start")[0]
    assert install == whole_suite_command().removesuffix(" && uv run --locked pytest")
    assert copy.startswith("uvx --from 'copier>=9.6,<10' --with copier-template-extensions ")
    assert "pip install" not in install


@pytest.mark.parametrize(("pytest_exit", "message"), [(0, False), (1, False), (5, True)])
def test_ci_fails_loudly_when_pytest_collects_nothing(
    tmp_path: Path, pytest_exit: int, message: bool
) -> None:
    """`.ci/run` passes pytest's exit status on; 5 (no tests collected) is named."""
    checkout = tmp_path / "checkout"
    for name in (".ci/run", "tools/install_uv.py"):
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text((ROOT / name).read_text())
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "uv").write_text(f"#!/bin/sh\nexit {pytest_exit}\n")
    (fake_bin / "uv").chmod(0o755)
    env = fresh_env(tmp_path, f"{fake_bin}:{BARE_PATH}")
    result = run(["bash", checkout / ".ci" / "run"], env=env, check=False)
    assert result.returncode == pytest_exit, outputs(result)
    assert ("collected no tests" in result.stderr) == message


def externally_managed(python: Path) -> bool:
    code = "import sysconfig; print(sysconfig.get_path('stdlib'))"
    stdlib = run([python, "-c", code], check=False).stdout
    return (Path(stdlib.strip()) / "EXTERNALLY-MANAGED").is_file()


@pytest.mark.slow  # downloads uv and copier from PyPI into a fresh home folder
def test_quick_start_works_with_an_externally_managed_system_python(tmp_path: Path) -> None:
    if not (SYSTEM_PYTHON.is_file() and externally_managed(SYSTEM_PYTHON)):
        pytest.skip(f"{SYSTEM_PYTHON} is not an externally managed (PEP 668) Python here")
    home = tmp_path / "home"
    home.mkdir()
    env = fresh_env(home)
    # The old first command fails here, as on a fresh Debian or Ubuntu machine.
    pip = run([SYSTEM_PYTHON, "-m", "pip", "install", "uv"], env=env, check=False)
    assert pip.returncode != 0, outputs(pip)
    assert re.search(r"externally-managed-environment|No module named pip", pip.stderr)
    # A clone of the template, then the README's quick start as written.
    clone = copy_working_tree(tmp_path / "lifecycle-template")
    git("init", "--quiet", cwd=clone)
    git("add", "-A", cwd=clone)
    git("commit", "--quiet", "-m", "clone", cwd=clone)
    script = "set -euo pipefail\n" + "\n".join(console_blocks("Quick start")[0]) + "\n"
    git_env = {k: v for k, v in os.environ.items() if k.startswith("GIT_")}
    result = run(["bash", "-c", script], clone, env={**env, **git_env}, timeout=600)
    assert "installed uv" in result.stdout
    assert (home / ".local" / "bin" / "uv").is_file()
    project = tmp_path / "acme-billing"
    assert (project / "pyproject.toml").is_file()
    assert (project / ".copier-answers.yml").is_file()


UV_WHEELS = [
    {"filename": f"uv-0.9.0-py3-none-{tags}.whl"}
    for tags in (
        "macosx_10_12_x86_64",
        "macosx_11_0_arm64",
        "manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64",
        "manylinux_2_17_x86_64.manylinux2014_x86_64",
        "manylinux_2_28_ppc64le",
        "musllinux_1_1_x86_64",
        "win_amd64",
    )
] + [{"filename": "uv-0.9.0.tar.gz"}]
"""The shape of uv's files on PyPI (tags as PyPI lists them)."""


@pytest.mark.parametrize(
    ("system", "machine", "libc", "expected"),
    [
        ("Linux", "x86_64", ("glibc", "2.35"), "manylinux_2_17_x86_64.manylinux2014_x86_64"),
        ("Linux", "aarch64", ("glibc", "2.31"), "manylinux_2_17_aarch64."),
        ("Linux", "x86_64", ("", ""), "musllinux_1_1_x86_64"),
        ("Darwin", "arm64", ("", ""), "macosx_11_0_arm64"),
        ("Darwin", "x86_64", ("", ""), "macosx_10_12_x86_64"),
    ],
)
def test_install_uv_picks_the_wheel_for_the_platform(
    system: str, machine: str, libc: tuple[str, str], expected: str
) -> None:
    wheel = install_uv.pick_wheel(UV_WHEELS, system, machine, libc)
    assert f"-none-{expected}" in wheel["filename"]


@pytest.mark.parametrize(
    ("system", "machine", "libc"),
    [("Linux", "ppc64le", ("glibc", "2.17")), ("Windows", "AMD64", ("", ""))],
    ids=["glibc-too-old", "windows"],
)
def test_install_uv_names_the_platform_it_cannot_serve(
    system: str, machine: str, libc: tuple[str, str]
) -> None:
    with pytest.raises(SystemExit, match=f"no uv wheel for {system} {machine}; install uv") as e:
        install_uv.pick_wheel(UV_WHEELS, system, machine, libc)
    assert all(len(line) <= 80 for line in str(e.value).splitlines())


# ------------------------------------------------ the bootstrap a generated project ships
INSTALL_UV = process.command_line("install-uv")
"""``python3 tools/install_uv.py && export PATH=...``: the one spelling, from process.yml."""


def setup_commands(project: Path) -> list[str]:
    """The command lines of each ```console block of a generated README's setup section."""
    readme = (project / "README.md").read_text()
    text = readme.split("\n## Development setup\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line]


def typical_width(line: str, home: Path) -> int:
    """A message line's width on a machine whose home folder is /home/ada."""
    return len(line.replace(str(home), "/home/ada"))


def test_the_template_and_every_generated_project_install_uv_the_same_way(render) -> None:
    """One bootstrap, one command: the template's quick start and each project's README."""
    assert console_blocks("Quick start")[0][0] == INSTALL_UV
    for kind in KINDS:
        project = render(project_kind=kind)
        shipped = project / "tools" / "install_uv.py"
        assert shipped.read_bytes() == (ROOT / "tools" / "install_uv.py").read_bytes()
        commands = setup_commands(project)
        assert commands[0] == INSTALL_UV, commands
        assert commands[1].startswith("uv sync"), "uv is installed before the first uv command"


def test_an_adopted_repository_gets_no_bootstrap(render) -> None:
    """Its README is the team's and names no bootstrap, so none is added beside its tools."""
    project = render(existing_repo=True)
    assert not (project / "tools" / "install_uv.py").exists()
    assert "install_uv" not in (project / ".github" / "CODEOWNERS").read_text()


def one_liner(project: Path, home: Path, then: str = "command -v uv") -> str:
    """The README's install line as a newcomer pastes it, then ``then``: its output."""
    script = f"set -euo pipefail\n{setup_commands(project)[0]}\n{then}\n"
    result = run(["bash", "-c", script], project, env=fresh_env(home), check=False, timeout=300)
    assert result.returncode == 0, outputs(result)
    return result.stdout


def test_each_install_uv_message_is_true_in_the_quick_start_one_liner(
    render, tmp_path: Path
) -> None:
    """uv from an earlier run, a shell whose PATH lacks it: no download, and the advice is
    the very export the one-liner runs next, after which this shell finds uv."""
    project = editable_copy(render(), tmp_path)
    home = tmp_path / "home"
    uv_bin = home / ".local" / "bin"
    uv_bin.mkdir(parents=True)
    (uv_bin / "uv").write_text("#!/bin/sh\necho uv 0.0.0\n")
    (uv_bin / "uv").chmod(0o755)
    lines = one_liner(project, home).splitlines()
    export = INSTALL_UV.split(" && ", 1)[1]
    assert lines == [
        f"uv is already installed: {uv_bin / 'uv'}",
        f"This shell's PATH lacks {uv_bin}; this adds it:",
        f"  {export}",
        str(uv_bin / "uv"),  # `command -v uv` after the export: this shell finds it
    ]
    assert all(typical_width(line, home) <= 80 for line in lines), lines
    # A new shell that has the folder on PATH: one line, nothing to add.
    env = fresh_env(home, f"{uv_bin}:{BARE_PATH}")
    again = run([sys.executable, "tools/install_uv.py"], project, env=env).stdout
    assert again == f"uv is already installed: {uv_bin / 'uv'}\n"


def test_install_uv_says_in_one_message_that_pypi_cannot_be_reached(render, tmp_path: Path) -> None:
    """Offline (here: a proxy that refuses every connection), no traceback, nothing written."""
    project = editable_copy(render(), tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in fresh_env(home).items() if "proxy" not in k.lower()}
    env["https_proxy"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    result = run([SYSTEM_PYTHON, "tools/install_uv.py"], project, env=env, check=False)
    assert result.returncode == 1, outputs(result)
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.startswith("install_uv: cannot download from PyPI (")
    assert rest[0] == "  check the network (a proxy needs HTTPS_PROXY), then run this again:"
    assert rest[1] == "  https://pypi.org/pypi/uv/json"
    assert all(len(line) <= 80 for line in rest)
    assert not (home / ".local").exists()


@pytest.mark.slow  # downloads uv from PyPI into a fresh home folder
def test_a_teammate_without_uv_sets_up_a_generated_project_from_its_readme(
    render, tmp_path: Path
) -> None:
    """PATH lacking uv, an empty home folder, PyPI the only server reached."""
    if not SYSTEM_PYTHON.is_file():
        pytest.skip(f"no {SYSTEM_PYTHON} here")
    project = editable_copy(render(), tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    out = one_liner(project, home, "uv --version")
    uv_bin = home / ".local" / "bin"
    lines = out.splitlines()
    assert re.fullmatch(rf"installed uv \d+\.\d+\.\d+\S* in {re.escape(str(uv_bin))}", lines[0])
    assert lines[1:3] == [
        f"This shell's PATH lacks {uv_bin}; this adds it:",
        f"  {INSTALL_UV.split(' && ', 1)[1]}",
    ]
    assert lines[3].startswith("uv "), "the export made this shell find uv"
    assert (uv_bin / "uvx").is_file()


# ------------------------------------------------ what the after-copy message warns of
def stand_in(folder: Path, name: str, status: int) -> None:
    """A program ``name`` in ``folder`` that exits with ``status`` (127: a pyenv shim of a
    version not selected, which prints "command not found")."""
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"#!/bin/sh\nexit {status}\n")
    (folder / name).chmod(0o755)


def copy_message(template: Path, target: Path, env: dict[str, str], *data: str) -> str:
    """The after-copy message of a real ``copier copy`` run with ``env``."""
    extra = [arg for item in data for arg in ("--data", item)]
    command = [sys.executable, "-m", "copier", "copy", "--trust", "--defaults", *extra]
    result = run([*command, str(template), str(target)], env=env, stdin=subprocess.DEVNULL)
    return result.stderr.split("\n\n", 1)[-1] if "is ready in" in result.stderr else ""


def newer_python() -> str:
    """The lowest python_version choice newer than the Python running the tests."""
    choices = yaml.safe_load((ROOT / "copier.yml").read_text())["python_version"]["choices"]
    newer = [c for c in choices if tuple(map(int, c.split("."))) > sys.version_info[:2]]
    if not newer:
        pytest.skip(f"Python {sys.version_info[0]}.{sys.version_info[1]} meets every choice")
    return newer[0]


@pytest.mark.parametrize("shim", [127, 0], ids=["pyenv-shim-that-fails", "python-that-runs"])
def test_a_python_the_machine_cannot_run_is_named_before_uv_sync(
    template_folder: Path, tmp_path: Path, shim: int
) -> None:
    """No uv, and `python3.X` on PATH only as a pyenv shim that exits 127: the message
    says so before its `uv sync` step; a `python3.X` that runs is no warning."""
    version = newer_python()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    for minor in range(int(version.split(".")[1]), 20):
        stand_in(bin_dir, f"python3.{minor}", shim)
    home = tmp_path / "home"
    home.mkdir()
    env = {**fresh_env(home, str(bin_dir)), **GIT_IDENTITY}
    message = copy_message(template_folder, tmp_path / "p", env, f"python_version={version}")
    assert "uv sync --all-groups" in message, message
    warning = f"This machine has no Python {version} or later that runs"
    assert (warning in message) == (shim == 127), message
    if shim == 127:
        assert message.index(warning) < message.index("uv sync --all-groups")
    # Every line but the update command fits 80 columns, in a folder named as people
    # name one (the update command is one line, to be copied whole).
    update = process.command_line("update")
    lines = [line for line in message.splitlines() if line.strip() != update]
    lines = [line.replace(str(tmp_path / "p"), "/home/ada/acme-billing") for line in lines]
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]


def test_no_git_identity_is_named_with_commands_that_make_the_commit_work(
    template_folder: Path, tmp_path: Path
) -> None:
    """HOME an empty folder: the message's first commit would fail, the message says so,
    and the two `git config` commands it gives make that very commit succeed."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**fresh_env(home, BARE_PATH), "GIT_CONFIG_NOSYSTEM": "1"}
    # Never guess a name from the machine (as git may from /etc/passwd and the host name).
    env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="user.useConfigOnly")
    env["GIT_CONFIG_VALUE_0"] = "true"
    copier_env = {**env, "PATH": f"{Path(sys.executable).parent}:{BARE_PATH}"}
    project = tmp_path / "p"
    message = copy_message(template_folder, project, copier_env)
    assert "No git identity is set on this machine" in message, message
    commit = next(line.strip() for line in message.splitlines() if "git commit" in line)
    failed = run(["bash", "-c", commit], project, env=env, check=False)
    assert failed.returncode != 0 and "Please tell me who you are" in failed.stderr
    settings = re.findall(r"`(git config --global [^`]+)`", message)
    assert len(settings) == 2, message
    for setting in settings:
        run(["bash", "-c", setting], project, env=env)
    done = run(["bash", "-c", commit.replace("git init && ", "")], project, env=env)
    assert done.returncode == 0
    assert "Ada Lovelace" in git("log", "-1", "--format=%an", cwd=project)


def test_the_first_piece_of_work_is_titled_as_the_project_name_was_typed(render) -> None:
    """`Café Crème *beta*`: the first piece's title keeps the emphasis marks, and its
    documents and the index show them (escaped), passing the project's own checks."""
    name = "Café Crème *beta*"
    project = render(project_name=name)
    folder = project / "docs" / "work" / "0001-cafe-creme-beta"
    shaping = (folder / "shaping.md").read_text()
    assert f'title: "{name}"' in shaping
    assert "# Shaping note: Café Crème \\*beta\\*" in shaping
    index = (project / "docs" / "work" / "index.md").read_text()
    assert "| Café Crème \\*beta\\* | small |" in index
    run([sys.executable, "tools/lifecycle.py", "check"], project)
    run([sys.executable, "-m", "mdformat", "--check", "docs"], project)


# ------------------------------------------------ what each size choice promises
SIZE_CHOICES = {
    "small": "Small: a shaping note and test cases for each piece of work; no RFC",
    "medium": "Medium: adds a short RFC (one to three pages) and a rollout or release plan",
    "large": "Large: adds a full RFC, a roadmap, more readiness checks, release sign-offs",
}


def readiness_checks(project: Path) -> int:
    return (project / "docs" / "production-readiness.md").read_text().count("\n- [ ] ")


@pytest.mark.parametrize("kind", KINDS)
def test_each_size_choice_says_what_the_size_gets(kind_size_projects, kind: str) -> None:
    """Every claim of the project_size choices holds in a rendered project of that size."""
    choices = yaml.safe_load((ROOT / "copier.yml").read_text())["project_size"]["choices"]
    assert {value: text for text, value in choices.items()} == SIZE_CHOICES
    small, medium, large = (kind_size_projects[kind, size] for size in SIZES)

    def kit(project: Path) -> set[str]:
        (folder,) = (project / "docs" / "work").glob("0001-*")
        return {path.name for path in folder.glob("*.md")}

    assert kit(small) == {"shaping.md", "test-cases.md"}  # ...; no RFC
    assert kit(medium) - kit(small) == {"rfc.md", "rollout.md"}
    (rfc,) = (medium / "docs" / "work").glob("0001-*/rfc.md")
    assert "one to three pages" in rfc.read_text()  # a short RFC
    (rfc,) = (large / "docs" / "work").glob("0001-*/rfc.md")
    assert "one to three pages" not in rfc.read_text()  # a full RFC
    assert kit(large) == kit(medium)
    assert (large / "docs" / "roadmap.md").is_file()
    assert not (medium / "docs" / "roadmap.md").exists()
    assert readiness_checks(large) > readiness_checks(medium) >= readiness_checks(small)
    signed = [
        "## Sign-off" in (p / "docs/release-checklist.md").read_text()
        for p in (small, medium, large)
    ]
    assert signed == [False, False, True]
