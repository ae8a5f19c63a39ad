"""Install uv from PyPI with nothing but Python's standard library.

Why this exists: the usual ways fail on a fresh machine. On Debian and Ubuntu,
`pip install uv` stops with `externally-managed-environment` (and a fresh
Ubuntu has no pip, nor `python3 -m venv`, at all); `curl ... | sh` needs curl
and a host that some networks block. Every machine that can install Python
packages can reach PyPI, so this script takes uv's wheel from there, checks its
SHA-256 against PyPI's, and copies the `uv` and `uvx` programs it holds into
~/.local/bin (where uv's own installer puts them).

    python3 tools/install_uv.py              # nothing to do when uv is on PATH
    python3 tools/install_uv.py --dir DIR    # somewhere else; also $UV_INSTALL_DIR

Runs on Python 3.8 or later (macOS's own python3 included), on Linux (glibc
or musl) and macOS.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import re
import shutil
import stat
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

PYPI_JSON = "https://pypi.org/pypi/uv/json"
PROGRAMS = ("uv", "uvx")


def platform_matches(tag: str, system: str, machine: str, libc: tuple[str, str]) -> bool:
    """Whether a wheel's platform tag (``manylinux_2_17_x86_64``, say) runs on this platform.

    ``libc`` is :func:`platform.libc_ver` on Linux: ``("glibc", "2.36")``, or
    empty names on musl (Alpine).
    """
    if system == "Darwin":
        arch = {"arm64": "arm64", "x86_64": "x86_64"}.get(machine)
        return arch is not None and re.fullmatch(rf"macosx_\d+_\d+_{arch}", tag) is not None
    if system != "Linux":
        return False
    if libc[0] == "glibc":
        here = tuple(int(part) for part in libc[1].split(".")[:2])
        legacy = re.fullmatch(rf"manylinux2014_{machine}", tag)
        modern = re.fullmatch(rf"manylinux_(\d+)_(\d+)_{machine}", tag)
        if legacy:
            return here >= (2, 17)
        return modern is not None and here >= (int(modern[1]), int(modern[2]))
    return re.fullmatch(rf"musllinux_\d+_\d+_{machine}", tag) is not None


def pick_wheel(files: list[dict], system: str, machine: str, libc: tuple[str, str]) -> dict:
    """Return the first wheel of the release with a platform tag that runs here."""
    for file in files:
        name = file["filename"]
        if not name.endswith(".whl"):
            continue
        tags = name[: -len(".whl")].split("-")[-1].split(".")
        if any(platform_matches(tag, system, machine, libc) for tag in tags):
            return file
    raise SystemExit(
        f"install_uv: PyPI has no uv wheel for {system} {machine}; install uv another way:\n"
        "  https://docs.astral.sh/uv/getting-started/installation/"
    )


def download(url: str) -> bytes:
    """Return what ``url`` holds, or stop with one message naming the network problem."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except (OSError, ValueError) as error:  # URLError and timeouts are OSErrors
        reason = getattr(error, "reason", error)
        raise SystemExit(
            f"install_uv: cannot download from PyPI ({reason});\n"
            "  check the network (a proxy needs HTTPS_PROXY), then run this again:\n"
            f"  {url}"
        ) from None


def install(version: str | None, target: Path) -> Path:
    """Download uv (the newest release, or ``version``) and put its programs in ``target``."""
    url = PYPI_JSON if version is None else PYPI_JSON.replace("/json", f"/{version}/json")
    release = json.loads(download(url))
    libc = platform.libc_ver() if platform.system() == "Linux" else ("", "")
    wheel = pick_wheel(release["urls"], platform.system(), platform.machine(), libc)
    data = download(urllib.parse.urljoin(url, wheel["url"]))  # a mirror may give a relative URL
    if hashlib.sha256(data).hexdigest() != wheel["digests"]["sha256"]:
        raise SystemExit(
            "install_uv: the download does not match PyPI's SHA-256; nothing installed.\n"
            f"  {wheel['filename']}"
        )
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for program in PROGRAMS:
            member = next(
                n for n in archive.namelist() if re.fullmatch(rf"[^/]+\.data/scripts/{program}", n)
            )
            destination = target / program
            destination.write_bytes(archive.read(member))
            executable = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
            destination.chmod(destination.stat().st_mode | executable)
    print(f"installed uv {release['info']['version']} in {target}")
    return target / "uv"


def main(argv: list[str] | None = None) -> int:
    """Install uv unless it is on PATH, then say how this shell finds it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_dir = os.environ.get("UV_INSTALL_DIR") or str(Path.home() / ".local" / "bin")
    parser.add_argument("--dir", default=default_dir, help=f"where uv goes (default {default_dir})")
    parser.add_argument("--version", help="a uv release, e.g. 0.9.5 (default: the newest)")
    parser.add_argument("--force", action="store_true", help="install even if uv is on PATH")
    args = parser.parse_args(argv)
    found = shutil.which("uv")
    if found and not args.force:
        print(f"uv is already installed: {found}")
        return 0
    target = Path(args.dir).expanduser().absolute()
    installed = target / "uv"
    if installed.is_file() and os.access(installed, os.X_OK) and not args.force:
        # Installed by an earlier run, in a shell whose PATH lacks the folder: no new download.
        print(f"uv is already installed: {installed}")
    else:
        install(args.version, target)
    on_path = [Path(folder).expanduser() for folder in os.environ.get("PATH", "").split(os.pathsep)]
    if target not in on_path:
        print(path_advice(target))
    return 0


def path_advice(target: Path) -> str:
    """Return what to run so this shell finds uv (the quick start runs it next).

    A program cannot change its shell's PATH; the export can. In the home
    folder's usual place it is written as the quick start writes it.
    """
    folder, home = str(target), str(Path.home())
    if folder.startswith(home + os.sep):
        folder = "$HOME" + folder[len(home) :]
    return f'This shell\'s PATH lacks {target}; this adds it:\n  export PATH="{folder}:$PATH"'


if __name__ == "__main__":
    sys.exit(main())
