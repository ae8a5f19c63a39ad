"""Copier's per-file costs do not grow with the number of rendered files.

Written in copier's own test style, for ``tests/`` of copier-org/copier
(there, ``build_file_tree`` comes from ``tests.helpers``; here it is inlined so
the file runs against any copier on ``sys.path``, e.g. the bench's patched copy).
"""

from __future__ import annotations

import stat
from pathlib import Path

import copier
import pytest
from jinja2.sandbox import SandboxedEnvironment
from plumbum import local
from plumbum.cmd import git

ANSWERS_PATH_TEMPLATE = ".copier-answers-{{ module_name }}.yml"


def build_file_tree(spec: dict[Path, str]) -> None:
    """What ``tests.helpers.build_file_tree`` does, for plain text files."""
    for path, content in spec.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def template_with_files(root: Path, count: int) -> Path:
    build_file_tree(
        {
            root / "copier.yml": (
                f'_answers_file: "{ANSWERS_PATH_TEMPLATE}"\n'
                "module_name:\n    type: str\n    default: mod\n"
            ),
            root / "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
            **{root / "pkg" / f"file_{i}.txt": f"file {i}\n" for i in range(count)},
        }
    )
    return root


def git_init_dst(dst: Path) -> Path:
    dst.mkdir()
    with local.cwd(dst):
        git("init", "-q")
    return dst


def count_git_file_mode_reads(tmp_path: Path, count: int) -> int:
    src = template_with_files(tmp_path / f"src{count}", count)
    dst = git_init_dst(tmp_path / f"dst{count}")
    trace = tmp_path / f"trace{count}.txt"
    with local.env(GIT_TRACE=str(trace)):
        copier.run_copy(str(src), dst, defaults=True, unsafe=True)
    return trace.read_text().count("core.fileMode")


def test_git_file_mode_read_once_per_render(tmp_path: Path) -> None:
    assert count_git_file_mode_reads(tmp_path, 3) == 1
    assert count_git_file_mode_reads(tmp_path, 30) == 1


def count_answers_path_renders(tmp_path: Path, count: int, monkeypatch: pytest.MonkeyPatch) -> int:
    src = template_with_files(tmp_path / f"src{count}", count)
    sources: list[str] = []
    original = SandboxedEnvironment.from_string

    def spy(self: SandboxedEnvironment, source: str, *args: object, **kwargs: object) -> object:
        sources.append(str(source))
        return original(self, source, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(SandboxedEnvironment, "from_string", spy)
        copier.run_copy(str(src), tmp_path / f"dst{count}", defaults=True, unsafe=True)
    assert (tmp_path / f"dst{count}" / ".copier-answers-mod.yml").is_file()
    return sources.count(ANSWERS_PATH_TEMPLATE)


def test_answers_path_rendered_once_per_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = count_answers_path_renders(tmp_path, 3, monkeypatch)
    many = count_answers_path_renders(tmp_path, 30, monkeypatch)
    assert few == many


@pytest.mark.skipif(not hasattr(stat, "S_IXUSR"), reason="needs POSIX modes")
def test_executable_bits_still_synced_for_every_file_with_file_mode_false(
    tmp_path: Path,
) -> None:
    src = template_with_files(tmp_path / "src", 3)
    dst = git_init_dst(tmp_path / "dst")
    copier.run_copy(str(src), dst, defaults=True, unsafe=True)
    with local.cwd(dst):
        git("config", "core.fileMode", "false")
        git("add", "-A")
        git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "v1")
    for path in (src / "pkg").iterdir():
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    copier.run_copy(str(src), dst, defaults=True, unsafe=True, overwrite=True)
    with local.cwd(dst):
        staged = git("ls-files", "--stage", "--", "pkg").splitlines()
    assert len(staged) == 3
    assert all(line.startswith("100755 ") for line in staged)
