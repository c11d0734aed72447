"""schemathesis against the served OpenAPI schema: no 5xx, responses match the schema.

schemathesis needs a newer Hypothesis than eth-brownie pins, so it runs from .venv-tools
(installed by ./run-tests) against a live server."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Server

SCHEMATHESIS = Path(__file__).resolve().parents[2] / ".venv-tools" / "bin" / "schemathesis"


def test_api_conforms_to_its_openapi_schema(server_factory: Callable[..., Server]):
    if not SCHEMATHESIS.exists():
        pytest.skip("schemathesis is installed by ./run-tests into .venv-tools")
    # at most one queued run and sweep, so generated requests cannot pile up simulations
    server = server_factory(env={"STOSIM_MAX_QUEUED_RUNS": "1", "STOSIM_MAX_QUEUED_SWEEPS": "1"})
    run = subprocess.run(
        [
            SCHEMATHESIS, "run", f"{server.url}/openapi.json",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--max-examples", "25", "--seed", "1", "--no-color",
        ],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
