"""Admission and access (issue 17, observations 1, 6 and 7): requests sized against the server's
limits (422 naming the field and the limit), the queue bound held under concurrent requests, all
or nothing for fee comparisons and inline scenarios, a second server leaving the first one's runs
alone, API tokens on writes, the Host header, and the docs served without a CDN."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests
from fastapi.testclient import TestClient

from api.main import create_app
from api.serve import warnings
from api.settings import Settings

from .conftest import TINY, Server, scenario_id, settings, wait_for

HUGE = {"investors.0.count": 1_960, "investors.0.orders_per_day": 1_000, "market.days": 400}


def _counts(client: TestClient) -> tuple[int, int, int]:
    return (
        len(client.get("/api/scenarios").json()),
        client.get("/api/runs").json()["count"],
        client.get("/api/sweeps").json()["count"],
    )


def test_work_is_bounded_naming_the_field_and_the_limit(client: TestClient):
    sid = scenario_id(client, "t0-dvp")
    document = client.get(f"/api/scenarios/{sid}").json()["document"]
    before = _counts(client)
    refused = client.post("/api/runs", json={"scenario_id": sid, "overrides": HUGE})
    assert refused.status_code == 422
    details = refused.json()["detail"]
    assert details[0]["loc"] == ["body", "scenario", "investors", "0", "orders_per_day"]
    assert "784,011,200 orders (investors x orders_per_day x days); at most" in details[0]["msg"]
    assert any("GiB of memory" in d["msg"] for d in details)
    inline = client.post("/api/runs", json={"scenario": {**document, "market": {"days": 401}}})
    assert inline.status_code == 422
    assert inline.json()["detail"][0]["loc"] == ["body", "scenario", "market", "days"]
    grid = {"investors.0.count": [6, 1_900], "investors.0.orders_per_day": [100]}
    sweep = client.post("/api/sweeps", json={"scenario_id": sid, "grid": grid, "seeds": 2})
    assert sweep.status_code == 422  # one grid point is too big: 2.7 million orders
    detail = sweep.json()["detail"][0]
    assert detail["loc"] == ["body", "scenario", "investors", "0", "orders_per_day"]
    assert "at most 1,000,000" in detail["msg"]
    fees = client.post("/api/fee-comparisons", json={
        "scenario_id": sid, "overrides": HUGE,
        "structures": [{"label": "a", "fees": {"flat_fee": 1}}]})  # fmt: skip
    assert fees.status_code == 422
    assert _counts(client) == before  # nothing stored for a refused request


def test_the_queue_bound_holds_under_concurrent_requests(database_url: str):
    app = create_app(settings(database_url, max_queued_runs=4, max_concurrent_runs=1))
    with TestClient(app) as client:
        sid = scenario_id(client, "t0-dvp")
        document = client.get(f"/api/scenarios/{sid}").json()["document"]
        body = {"scenario_id": sid, "overrides": {"market.days": 300}}
        with ThreadPoolExecutor(12) as pool:
            codes = list(pool.map(lambda _: client.post("/api/runs", json=body).status_code,
                                  range(24)))  # fmt: skip
        assert codes.count(202) == 4 and codes.count(429) == 20, codes
        runs = client.get("/api/runs").json()
        assert runs["count"] == 4

        before = _counts(client)
        client.post(f"/api/runs/{runs['data'][0]['id']}/cancel")  # room for one run, not three
        structures = [{"label": str(i), "fees": {"flat_fee": i}} for i in range(3)]
        fees = client.post(
            "/api/fee-comparisons",
            json={"scenario_id": sid, "overrides": TINY, "structures": structures},
        )
        assert fees.status_code == 429
        inline = client.post("/api/runs", json={"scenario": {**document, "name": "never-stored"}})
        assert inline.status_code == 202  # fills the one free place
        assert client.post("/api/runs", json={
            "scenario": {**document, "name": "refused-too"}}).status_code == 429  # fmt: skip
        names = {s["name"] for s in client.get("/api/scenarios").json()}
        assert "refused-too" not in names and "never-stored" in names
        assert _counts(client)[1] == before[1] + 1
        for run in client.get("/api/runs").json()["data"]:
            client.post(f"/api/runs/{run['id']}/cancel")


def test_a_second_server_leaves_the_first_servers_runs_alone(
    server_factory: Callable[..., Server],
):
    first = server_factory()
    api = f"{first.url}/api"
    sid = next(s["id"] for s in requests.get(f"{api}/scenarios").json() if s["name"] == "t0-dvp")
    run = requests.post(f"{api}/runs", json={"scenario_id": sid, "overrides": {"market.days": 300}})
    run_id = run.json()["id"]
    wait_for(
        lambda: requests.get(f"{api}/runs/{run_id}").json(), lambda r: r["status"] == "running"
    )
    second = Server(first.database_url).start()
    try:
        seen = requests.get(f"{second.url}/api/runs/{run_id}").json()
        assert seen["status"] == "running", seen
        first.kill()  # now its runs are abandoned: the live server says so
        gone = wait_for(
            lambda: requests.get(f"{second.url}/api/runs/{run_id}").json(),
            lambda r: r["status"] != "running", timeout=30,
        )  # fmt: skip
        assert gone["status"] == "interrupted"
    finally:
        second.stop()


def test_tokens_protect_writes_and_the_host_header_is_checked(database_url: str):
    app = create_app(settings(database_url, api_tokens=["s3cret-token"]))
    with TestClient(app) as client:
        sid = scenario_id(client, "t0-dvp")  # reads need no token
        body = {"scenario_id": sid, "overrides": TINY}
        refused = client.post("/api/runs", json=body)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        wrong = {"Authorization": "Bearer nope"}
        assert client.post("/api/runs", json=body, headers=wrong).status_code == 401
        assert client.delete("/api/runs/1", headers=wrong).status_code == 401
        assert client.get("/api/runs").json()["count"] == 0
        good = {"Authorization": "Bearer s3cret-token"}
        run = client.post("/api/runs", json=body, headers=good)
        assert run.status_code == 202
        assert client.post(f"/api/runs/{run.json()['id']}/cancel", headers=good).status_code == 200
        schema = client.get("/openapi.json").json()
        assert schema["paths"]["/api/runs"]["post"]["security"] == [{"HTTPBearer": []}]
        rebound = client.get("/api/runs", headers={"Host": "attacker.example"})
        assert rebound.status_code == 400


def test_serve_warns_beyond_loopback_and_docs_work_offline(client: TestClient):
    loopback = Settings()
    assert warnings(loopback, "127.0.0.1") == [] and warnings(loopback, "::1") == []
    said = warnings(loopback, "0.0.0.0")
    assert any("without an API token" in w for w in said)
    assert not any("API token" in w for w in warnings(Settings(api_tokens=["t"]), "0.0.0.0"))
    page = client.get("/docs").text
    assert "cdn" not in page.lower() and "/static-offline-docs/swagger-ui-bundle.js" in page
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    assert "security" not in client.get("/openapi.json").json()["paths"]["/api/runs"]["post"]
