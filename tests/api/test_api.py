"""The API on SQLite and PostgreSQL: scenarios, validation, runs and their results, trades,
comparisons of fee structures, failures and bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import TINY, scenario_id, wait_for


def _finished(client: TestClient, run_id: int) -> dict:
    return wait_for(
        lambda: client.get(f"/api/runs/{run_id}").json(),
        lambda r: r["status"] not in ("queued", "running"),
    )


def test_built_in_scenarios_are_listed_and_readable(client: TestClient):
    listed = client.get("/api/scenarios").json()
    names = {s["name"] for s in listed}
    assert {"baseline-2027", "t0-dvp"} <= names
    one = client.get(f"/api/scenarios/{scenario_id(client, 'baseline-2027')}").json()
    assert one["source"] == "builtin" and one["document"]["schema_version"] == 1 and one["question"]
    assert client.get("/api/scenarios/9999").status_code == 404


def test_validation_names_the_fields(client: TestClient):
    bad = "schema_version: 1\nname: x\nmarket: {lenght: 3}\n"
    result = client.post("/api/scenarios/validate", json={"yaml": bad}).json()
    assert result["valid"] is False
    assert {
        "field": "market.lenght",
        "message": "unknown key (not part of schema version 1)",
    } in result["problems"]
    document = client.get(f"/api/scenarios/{scenario_id(client, 'baseline-2027')}").json()[
        "document"
    ]
    assert client.post("/api/scenarios/validate", json={"document": document}).json() == {
        "valid": True, "name": "baseline-2027", "problems": []
    }  # fmt: skip
    upload = client.post("/api/scenarios", json={"yaml": bad})
    assert upload.status_code == 422
    assert upload.json()["detail"][0]["loc"][:3] == ["body", "scenario", "market"]


def test_bad_requests_get_422_naming_the_field_and_unknown_ids_404(client: TestClient):
    sid = scenario_id(client, "t0-dvp")
    cases = [
        (
            {"scenario_id": sid, "overrides": {"market.days": -1}},
            ["body", "scenario", "market", "days"],
        ),
        ({"scenario_id": sid, "seed": -5}, ["body", "seed"]),
        ({"scenario_id": sid, "colour": "red"}, ["body", "colour"]),
        ({}, ["body", "scenario_id"]),
        (
            {"scenario_id": sid, "overrides": {"investors.0.count": 100_000}},
            ["body", "scenario", "investors"],
        ),
    ]
    for body, loc in cases:
        response = client.post("/api/runs", json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["loc"] == loc
    assert client.post("/api/runs", json={"scenario_id": 424242}).status_code == 404
    for path in ("/api/runs/777", "/api/runs/777/trades", "/api/runs/777/results/fees"):
        assert client.get(path).status_code == 404
    assert client.delete("/api/runs/777").status_code == 404
    huge = client.post("/api/scenarios/validate", content=b"{" + b" " * 2_000_000 + b"}",
                       headers={"content-type": "application/json"})  # fmt: skip
    assert huge.status_code == 413


def test_fee_structures_compared_side_by_side(client: TestClient):
    body = {
        "scenario_id": scenario_id(client, "t0-dvp"),
        "seed": 5,
        "overrides": TINY,
        "structures": [
            {"label": "maker-taker", "fees": {"maker_bps": 0, "taker_bps": 20}},
            {"label": "flat", "fees": {"flat_fee": 1000}},
        ],
    }
    started = client.post("/api/fee-comparisons", json=body)
    assert started.status_code == 202
    run_ids = started.json()["run_ids"]
    runs = [_finished(client, i) for i in run_ids]
    assert [r["status"] for r in runs] == ["finished", "finished"], runs
    comparison = client.get(started.json()["comparison"]).json()
    assert [r["label"] for r in comparison["runs"]] == ["maker-taker", "flat"]
    fees = next(m for m in comparison["metrics"] if m["metric"] == "fees_krw")
    assert fees["values"][0] != fees["values"][1]
    assert fees["difference_to_first"] == [0, fees["values"][1] - fees["values"][0]]

    run_id = run_ids[0]
    tables = {t["name"]: t["rows"] for t in client.get(f"/api/runs/{run_id}/results/fees").json()}
    assert tables["fees"] and all(row["krw"] >= 0 for row in tables["fees"])
    settlement = client.get(f"/api/runs/{run_id}/results/settlement").json()
    assert settlement[0]["name"] == "settlement"
    assert client.get(f"/api/runs/{run_id}/results/refusals").status_code == 200
    liquidity = {t["name"] for t in client.get(f"/api/runs/{run_id}/results/liquidity").json()}
    assert liquidity == {"liquidity", "market_shares", "quote_series"}

    page = client.get(f"/api/runs/{run_id}/trades", params={"limit": 5}).json()
    assert page["total"] >= len(page["data"]) > 0 and len(page["data"]) <= 5
    assert {t["status"] for t in page["data"]} <= {"settled", "failed", "pending"}
    csv_text = client.get(f"/api/runs/{run_id}/trades.csv").text
    assert csv_text.splitlines()[0].startswith("trade_id,matched_t,venue")
    assert len(csv_text.splitlines()) == page["total"] + 1

    assert client.delete(f"/api/runs/{run_id}").status_code == 204
    assert client.get(f"/api/runs/{run_id}").status_code == 404
    assert client.get(f"/api/runs/{run_ids[1]}").json()["status"] == "finished"


def test_a_failing_run_is_failed_with_its_reason_and_the_server_keeps_serving(client: TestClient):
    # the music issuer is no account-management institution: registering its tokens itself
    # is refused on-chain under KR-LIC-2, which ends the run
    body = {
        "scenario_id": scenario_id(client, "t0-dvp"),
        "overrides": {**TINY, "assets.1.account_manager": None},
    }
    run = client.post("/api/runs", json=body).json()
    done = _finished(client, run["id"])
    assert done["status"] == "failed"
    assert "KR-LIC-2" in done["error"]
    assert client.get(f"/api/runs/{run['id']}/trades").status_code == 409
    assert client.get("/api/health").json()["status"] == "ok"
