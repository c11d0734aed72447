"""Kill the server during a run, restart it: the run shows as interrupted, never stuck as
running; finished runs are intact; no chain is left behind."""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil
import requests

from .conftest import TINY, Server, wait_for


def _anvil_children_of(pid: int) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if p.name() == "anvil"]
    except psutil.NoSuchProcess:
        return []


def test_killed_server_leaves_runs_interrupted_and_results_intact(
    server_factory: Callable[..., Server],
):
    server = server_factory()
    api = f"{server.url}/api"
    sid = next(s["id"] for s in requests.get(f"{api}/scenarios").json() if s["name"] == "t0-dvp")
    done = requests.post(f"{api}/runs", json={"scenario_id": sid, "overrides": TINY}).json()
    finished = wait_for(
        lambda: requests.get(f"{api}/runs/{done['id']}").json(), lambda r: r["status"] == "finished"
    )
    trades_before = requests.get(f"{api}/runs/{done['id']}/trades.csv").text

    # long enough to be caught running: runs take seconds now; on Anvil (not the default
    # embedded ledger), whose chain must not outlive the server
    overrides = {"market.days": 300, "ledger.backend": "anvil"}
    long_run = requests.post(
        f"{api}/runs", json={"scenario_id": sid, "overrides": overrides}
    ).json()
    wait_for(
        lambda: requests.get(f"{api}/runs/{long_run['id']}").json(),
        lambda r: r["status"] == "running" and r["progress"] > 0,
    )
    chains = _anvil_children_of(server.process.pid if server.process else 0)
    assert chains, "the running run has a chain of its own"
    server.kill()

    deadline = time.time() + 60
    while time.time() < deadline and any(
        p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in chains
    ):
        time.sleep(0.5)
    assert not [p for p in chains if p.is_running() and p.status() != psutil.STATUS_ZOMBIE], (
        "orphaned chain"
    )

    restarted = Server(server.database_url).start()
    try:
        api = f"{restarted.url}/api"
        interrupted = requests.get(f"{api}/runs/{long_run['id']}").json()
        assert interrupted["status"] == "interrupted"
        assert "server stopped" in interrupted["error"]
        again = requests.get(f"{api}/runs/{done['id']}").json()
        assert again["status"] == "finished" and again["summary"] == finished["summary"]
        assert requests.get(f"{api}/runs/{done['id']}/trades.csv").text == trades_before
    finally:
        restarted.stop()
