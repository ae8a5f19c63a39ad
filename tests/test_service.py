"""The service kind keeps the production-readiness promises, for every size.

Each generated project runs its own suite (status route healthy, failing and
unauthorised cases included; the open liveness route; API docs off by default),
and the template's test also drives the real server from outside, so a project
whose tests were too weak would still fail.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import SIZES, run

pytestmark = pytest.mark.slow

STATUS_TESTS = (
    "tests/unit/test_app.py::test_status_is_200_with_json_when_every_dependency_works PASSED",
    "tests/unit/test_app.py::test_status_is_500_and_names_the_failed_dependency PASSED",
    "tests/unit/test_app.py::test_status_needs_the_token[no-token] PASSED",
    "tests/unit/test_app.py::test_status_refuses_everyone_until_a_token_is_configured PASSED",
    "tests/unit/test_app.py::test_health_needs_no_token_and_checks_nothing[no-token-set] PASSED",
    "tests/unit/test_app.py::test_api_docs_are_off_by_default[/openapi.json] PASSED",
    "tests/unit/test_app.py::test_the_api_docs_setting_turns_them_on[/docs] PASSED",
    "tests/integration/test_service.py::test_status_route_follows_the_dependency PASSED",
    "tests/integration/test_service.py::test_logs_go_to_stdout PASSED",
)


def package_of(project: Path) -> str:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]


@pytest.mark.parametrize("size", SIZES)
def test_service_suite_covers_the_status_route(synced_project, project_suite, size: str) -> None:
    project = synced_project("service", size)
    output = project_suite("service", size)  # `uv run pytest -v --cov`
    for line in STATUS_TESTS:
        assert line in output, f"{line!r} missing from:\n{output}"
    assert re.search(r"\b\d+ failed\b", output) is None
    package = package_of(project)
    assert f"src/{package}/status.py" in output  # the coverage table lists the modules


@pytest.mark.parametrize("size", SIZES)
def test_library_suite_runs_its_doctest(synced_project, project_suite, size: str) -> None:
    project = synced_project("library", size)
    package = package_of(project)
    output = project_suite("library", size)
    assert f"src/{package}/core.py::{package}.core.mean PASSED" in output
    assert re.search(r"\b\d+ failed\b", output) is None


# ------------------------------------------------ the real server, from outside


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def get_status(port: int, token: str | None, path: str = "/status") -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture
def dependency() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    yield server
    server.close()


def start_service(project: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    package = package_of(project)
    prefix = f"{package.upper()}_"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    return subprocess.Popen(
        [str(project / ".venv" / "bin" / "python"), "-m", package],
        cwd=project,
        env={**clean, **{prefix + k: v for k, v in env.items()}},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_port(process: subprocess.Popen[str], port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    out, err = process.communicate(timeout=10)
    pytest.fail(f"service never listened on {port}:\n{out}\n{err}")


def test_generated_service_answers_status_over_http(synced_project, dependency) -> None:
    project = synced_project("service", "small")
    port = free_port()
    upstream = f"tcp://127.0.0.1:{dependency.getsockname()[1]}"
    process = start_service(
        project,
        {"PORT": str(port), "STATUS_TOKEN": "t0ken", "DEPENDENCIES": json.dumps({"up": upstream})},
    )
    try:
        wait_for_port(process, port)
        assert get_status(port, None, "/health") == (200, {"status": "ok"})
        for path in ("/docs", "/redoc", "/openapi.json"):  # off unless API_DOCS is set
            assert get_status(port, None, path)[0] == 404, path
        assert get_status(port, None)[0] == 401
        assert get_status(port, "wrong")[0] == 401
        code, body = get_status(port, "t0ken")
        assert (code, body["status"], body["checks"]["up"]["ok"]) == (200, "ok", True)
        dependency.close()
        code, body = get_status(port, "t0ken")
        assert (code, body["status"], body["checks"]["up"]["ok"]) == (500, "error", False)
        assert get_status(port, None, "/health")[0] == 200  # liveness ignores dependencies
        assert "ConnectionRefusedError" in body["checks"]["up"]["error"]
    finally:
        process.terminate()
        out, err = process.communicate(timeout=15)
    assert "status check failed: up" in out  # logs on stdout, not stderr
    assert "status check failed" not in err


def test_invalid_configuration_stops_start_up_naming_the_setting(synced_project) -> None:
    project = synced_project("service", "small")
    process = start_service(project, {"PORT": "http"})
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "port" in err
    assert "valid integer" in err


def test_default_settings_keep_the_service_private(synced_project) -> None:
    project = synced_project("service", "small")
    package = package_of(project)
    code = (
        f"from {package}.settings import Settings; "
        "s = Settings(_env_file=None); print(s.host, s.status_token)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(f"{package.upper()}_")}
    python = str(project / ".venv" / "bin" / "python")
    result = run([python, "-c", code], cwd=project, env=env)
    assert result.stdout.split() == ["127.0.0.1", "None"]
