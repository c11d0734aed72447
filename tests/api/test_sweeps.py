"""Sweeps through the API: start, follow progress, read the aggregate; bad requests name the
field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import scenario_id, wait_for

GRID = {"venues.0.fees.taker_bps": [5, 20], "market.days": [2], "investors.0.count": [6]}


def test_a_sweep_is_started_followed_and_read(client: TestClient):
    started = client.post(
        "/api/sweeps",
        json={"scenario_id": scenario_id(client, "t0-dvp"), "grid": GRID, "seeds": 2},
    )
    assert started.status_code == 202, started.text
    sweep = started.json()
    assert sweep["tasks_total"] == 4 and sweep["ledger"] == "revm"
    early = client.get(f"/api/sweeps/{sweep['id']}/results")
    assert early.status_code in (200, 409)
    done = wait_for(
        lambda: client.get(f"/api/sweeps/{sweep['id']}").json(),
        lambda s: s["status"] not in ("queued", "running"),
    )
    assert done["status"] == "finished", done["error"]
    assert done["tasks_done"] == 4 and done["eta_s"] == 0 and done["info"]["tasks"] == 4
    results = client.get(f"/api/sweeps/{sweep['id']}/results").json()
    assert len(results["runs"]) == 4
    fees = [r for r in results["summary"] if r["metric"] == "fees_krw"]  # one row per grid point
    assert [r["venues.0.fees.taker_bps"] for r in fees] == [5, 20]
    assert all(r["n"] == 2 and r["ci95_low"] <= r["mean"] <= r["ci95_high"] for r in fees)
    listed = client.get("/api/sweeps").json()
    assert listed["count"] >= 1 and listed["data"][0]["id"] == sweep["id"]


def test_bad_sweeps_get_422_naming_the_field_and_unknown_ids_404(client: TestClient):
    sid = scenario_id(client, "t0-dvp")
    cases = [
        ({"scenario_id": sid, "grid": {"market.days": [-1]}}, "grid"),
        ({"scenario_id": sid, "grid": {}}, "grid"),
        ({"scenario_id": sid, "grid": {"market.days": [2]}, "seeds": 0}, "seeds"),
        ({"scenario_id": sid, "grid": {"market.days": [2]}, "ledger": "ganache"}, "ledger"),
        ({"scenario_id": sid, "grid": {"investors.0.count": [100_000]}}, "scenario"),
        ({"scenario_id": sid, "grid": {"market.days": [2]}, "seeds": 100,
          "colour": "red"}, "colour"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post("/api/sweeps", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"][0]["loc"][1] == field, (body, response.json())
    assert client.get("/api/sweeps/99999").status_code == 404
    assert client.get("/api/sweeps/99999/results").status_code == 404
    assert client.post("/api/sweeps", json={"scenario_id": 99999, "grid": GRID}).status_code == 404
    assert client.get("/api/health").json()["status"] == "ok"
