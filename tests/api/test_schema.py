"""schemathesis with every check against the served OpenAPI document, on SQLite and on
PostgreSQL: no 5xx, every status code and content type documented, responses match their schemas,
schema-valid requests accepted (or refused as tests/api/schemathesis.toml explains) and invalid
ones refused, writes refused without the API token.

schemathesis needs a newer Hypothesis than eth-brownie pins, so it runs from .venv-tools
(installed by ./run-tests) against a live server."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Server

HERE = Path(__file__).resolve().parent
SCHEMATHESIS = HERE.parents[1] / ".venv-tools" / "bin" / "schemathesis"
TOKEN = "schemathesis-token"


def test_api_conforms_to_its_openapi_schema(
    server_factory: Callable[..., Server], database_url: str, tmp_path: Path
):
    if not SCHEMATHESIS.exists():
        pytest.skip("schemathesis is installed by ./run-tests into .venv-tools")
    # at most one queued run and sweep, so generated requests cannot pile up simulations; a
    # token, so that the checks on authentication have something to check
    server = server_factory(
        database_url,
        env={"STOSIM_MAX_QUEUED_RUNS": "1", "STOSIM_MAX_QUEUED_SWEEPS": "1",
             "STOSIM_API_TOKENS": TOKEN},
    )  # fmt: skip
    run = subprocess.run(
        [
            SCHEMATHESIS, "--config-file", HERE / "schemathesis.toml", "run",
            f"{server.url}/openapi.json", "--checks", "all",
            "--header", f"Authorization: Bearer {TOKEN}",
            "--max-examples", "25", "--seed", "1", "--no-color",
        ],
        capture_output=True, text=True, timeout=1_200, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
