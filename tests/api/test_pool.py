"""Runs under faults (issue 17, observations 1 and 2): progress and phase from the start, runs
cancelled while queued or running (process and chain stop), a run process that dies fails only
its own run, and run processes die with a killed server in every phase, set-up included."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import psutil
import requests
from fastapi.testclient import TestClient

from .conftest import TINY, Server, scenario_id, wait_for

# long enough to be caught running, on Anvil: a chain process of its own
LONG = {"market.days": 300, "ledger.backend": "anvil"}  # a chain of its own to stop


def _gone(pid: int | None) -> bool:
    try:
        return pid is None or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _chains_below(pid: int) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if p.name() == "anvil"]
    except psutil.NoSuchProcess:
        return []


def _start(client: TestClient, overrides: dict) -> dict:
    body = {"scenario_id": scenario_id(client, "t0-dvp"), "overrides": overrides}
    response = client.post("/api/runs", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def test_runs_report_their_phase_and_are_cancelled_queued_or_running(client: TestClient):
    running = _start(client, LONG)
    second = _start(client, LONG)
    queued = _start(client, LONG)  # two run at once in the fixture's pool: this one waits
    state = wait_for(
        lambda: client.get(f"/api/runs/{running['id']}").json(),
        lambda r: r["status"] == "running",
    )
    assert state["phase"] in ("starting", "simulating")  # reported before the first order
    assert client.get(f"/api/runs/{queued['id']}").json()["status"] == "queued"

    cancelled = client.post(f"/api/runs/{queued['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"

    wait_for(
        lambda: client.get(f"/api/runs/{running['id']}").json(),
        lambda r: r["phase"] == "simulating" and r["progress"] > 0,
    )
    pid = client.app.state.pool.pids()[running["id"]]  # type: ignore[attr-defined]
    chains = _chains_below(pid)
    assert chains, "a running Anvil run has a chain of its own"
    stopped = client.post(f"/api/runs/{running['id']}/cancel").json()
    assert stopped["status"] == "cancelled" and stopped["error"] == "cancelled on request"
    wait_for(
        lambda: {"gone": _gone(pid) and all(_gone(c.pid) for c in chains)}, lambda s: s["gone"], 30
    )
    assert client.post(f"/api/runs/{running['id']}/cancel").status_code == 409
    # a running run can be deleted outright: cancelled first
    assert client.delete(f"/api/runs/{second['id']}").status_code == 204
    assert client.get(f"/api/runs/{second['id']}").status_code == 404
    health = client.get("/api/health").json()
    assert health["pool"]["processes_died"] == 0
    wait_for(lambda: client.get("/api/health").json()["pool"], lambda p: p["running"] == 0, 30)


def test_a_dead_run_process_fails_only_its_own_run(client: TestClient):
    doomed = _start(client, LONG)
    wait_for(
        lambda: client.get(f"/api/runs/{doomed['id']}").json(), lambda r: r["status"] == "running"
    )
    os.kill(client.app.state.pool.pids()[doomed["id"]], signal.SIGKILL)  # type: ignore[attr-defined]
    failed = wait_for(
        lambda: client.get(f"/api/runs/{doomed['id']}").json(), lambda r: r["status"] != "running"
    )
    assert failed["status"] == "failed"
    assert "the run's process died: killed by signal 9 (SIGKILL)" in failed["error"]
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["pool"]["processes_died"] == 1

    after = [_start(client, TINY) for _ in range(2)]  # the next runs are unaffected
    for run in after:
        done = wait_for(
            lambda run=run: client.get(f"/api/runs/{run['id']}").json(),
            lambda r: r["status"] not in ("queued", "running"),
        )
        assert done["status"] == "finished", done["error"]
    statuses = [r["status"] for r in client.get("/api/runs").json()["data"]]
    assert "queued" not in statuses and "running" not in statuses


def _run_processes(server: Server) -> list[psutil.Process]:
    assert server.process is not None
    return psutil.Process(server.process.pid).children(recursive=True)


def test_run_processes_die_with_a_killed_server_even_during_set_up(
    server_factory: Callable[..., Server],
):
    server = server_factory()
    api = f"{server.url}/api"
    sid = next(s["id"] for s in requests.get(f"{api}/scenarios").json() if s["name"] == "t0-dvp")
    # 2,000 investors: onboarding them on Anvil takes long, with no progress report meanwhile
    big = {"investors.0.count": 1_600, "investors.1.count": 300, "investors.2.count": 100}
    run = requests.post(f"{api}/runs", json={"scenario_id": sid, "overrides": big}).json()
    wait_for(
        lambda: requests.get(f"{api}/runs/{run['id']}").json(), lambda r: r["phase"] == "starting"
    )
    descendants = _run_processes(server)
    assert descendants, "the run has a process of its own"
    server.kill()
    deadline = time.time() + 20
    while time.time() < deadline and not all(_gone(p.pid) for p in descendants):
        time.sleep(0.2)
    left = [p for p in descendants if not _gone(p.pid)]
    assert not left, f"left running after the server died: {[p.name() for p in left]}"
