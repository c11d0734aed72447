"""Hostile and out-of-range input (issue 17, observations 3, 4, 5 and 9): 64-bit ids and seeds,
ids never reused, NUL bytes, YAML alias bombs and recursive aliases, chunked bodies past the
limit, and the OpenAPI document's contract."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from .conftest import TINY, scenario_id, wait_for

BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""  # 272 bytes, 4.8 million strings once expanded


def _counts(client: TestClient) -> tuple[int, int]:
    return len(client.get("/api/scenarios").json()), client.get("/api/runs").json()["count"]


def test_ids_and_seeds_are_64_bit_and_ids_are_never_reused(client: TestClient):
    sid = scenario_id(client, "t0-dvp")
    seed = 2**62 + 12345
    run = client.post(
        "/api/runs", json={"scenario_id": sid, "seed": seed, "overrides": TINY}
    ).json()
    assert client.get(f"/api/runs/{run['id']}").json()["seed"] == seed
    for big in (2**31, 2**53):
        for path in (f"/api/runs/{big}", f"/api/scenarios/{big}", f"/api/sweeps/{big}"):
            assert client.get(path).status_code == 404, path
    assert client.get(f"/api/runs/{2**63}").status_code == 422
    too_big = client.post("/api/runs", json={"scenario_id": 2**63})
    assert too_big.status_code == 422 and too_big.json()["detail"][0]["loc"] == [
        "body",
        "scenario_id",
    ]
    assert client.post("/api/runs", json={"scenario_id": 2**53}).status_code == 404

    wait_for(
        lambda: client.get(f"/api/runs/{run['id']}").json(), lambda r: r["status"] == "finished"
    )
    assert client.delete(f"/api/runs/{run['id']}").status_code == 204
    again = client.post("/api/runs", json={"scenario_id": sid, "overrides": TINY}).json()
    assert again["id"] > run["id"]  # the newest id is not handed out a second time
    client.post(f"/api/runs/{again['id']}/cancel")


def test_nul_bytes_are_refused_naming_the_field(client: TestClient):
    sid = scenario_id(client, "t0-dvp")
    document = client.get(f"/api/scenarios/{sid}").json()["document"]
    before = _counts(client)
    cases = [
        ("/api/runs", {"scenario_id": sid, "label": "a\x00b"}, ["body", "label"]),
        ("/api/runs", {"scenario": {**document, "name": "x\x00y"}}, ["body", "scenario", "name"]),
        ("/api/runs", {"scenario_id": sid, "overrides": {"market.days": "\x00"}},
         ["body", "overrides", "market", "days"]),
        ("/api/scenarios", {"document": {**document, "question": "\x00"}},
         ["body", "document", "question"]),
        ("/api/scenarios", {"yaml": 'schema_version: 1\nname: "a\\0b"\n'},
         ["body", "document", "name"]),
    ]  # fmt: skip
    for path, body, loc in cases:
        response = client.post(path, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"][0]["loc"] == loc, response.json()
        assert "NUL" in response.json()["detail"][0]["msg"]
    assert _counts(client) == before


def test_yaml_alias_bombs_and_recursive_aliases_are_refused(client: TestClient):
    for text, why in ((BOMB, "aliases"), ("a: &a [*a]\n", "recursive alias"),
                      ("a: &a {b: *a}\n", "recursive alias"), ("[" * 5_000, "nested")):  # fmt: skip
        response = client.post("/api/scenarios", json={"yaml": text})
        assert response.status_code == 422, response.text
        detail = response.json()["detail"][0]
        assert detail["loc"] == ["body", "yaml"] and why in detail["msg"], detail
        checked = client.post("/api/scenarios/validate", json={"yaml": text}).json()
        assert checked["valid"] is False and checked["problems"][0]["field"] == "yaml"
        assert why in checked["problems"][0]["message"]
    assert client.get("/api/health").json()["status"] == "ok"


def test_body_limit_holds_for_chunked_bodies(client: TestClient):
    sid = scenario_id(client, "t0-dvp")
    document = client.get(f"/api/scenarios/{sid}").json()["document"]
    before = _counts(client)
    padded = {"document": {**document, "question": "q" * 2_000_000}}
    import json

    payload = json.dumps(padded).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent with Transfer-Encoding: chunked
        for i in range(0, len(payload), 65_536):
            yield payload[i : i + 65_536]

    response = client.post(
        "/api/scenarios", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert _counts(client) == before
    small = json.dumps({"document": document}).encode()
    accepted = client.post(
        "/api/scenarios/validate", content=iter([small[:100], small[100:]]),
        headers={"content-type": "application/json"},
    )  # fmt: skip
    assert accepted.status_code == 200 and accepted.json()["valid"] is True


def test_openapi_documents_every_status_code_and_the_validate_route_is_its_own(
    client: TestClient,
):
    assert client.get("/api/scenarios/validate").status_code == 405  # not taken by /{id}
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]

    def codes(path: str, method: str) -> set[str]:
        return set(paths[path][method]["responses"])

    assert {"202", "404", "413", "422", "429"} <= codes("/api/runs", "post")
    assert {"200", "404", "409"} <= codes("/api/runs/{run_id}/cancel", "post")
    assert {"204", "404"} <= codes("/api/runs/{run_id}", "delete")
    assert {"200", "404", "409", "422"} <= codes("/api/runs/{run_id}/trades", "get")
    assert {"202", "404", "413", "422", "429"} <= codes("/api/fee-comparisons", "post")
    assert {"202", "404", "413", "422", "429"} <= codes("/api/sweeps", "post")
    assert {"200", "404", "409"} <= codes("/api/sweeps/{sweep_id}/results", "get")
    assert {"200", "503"} <= codes("/api/health", "get")
    assert all("400" in op["responses"] for p in paths.values() for op in p.values())
    upload = schema["paths"]["/api/scenarios"]["post"]["requestBody"]["content"]
    branches = upload["application/json"]["schema"]
    assert len(branches.get("anyOf", branches.get("oneOf", []))) == 2  # document or yaml
    status = schema["components"]["schemas"]["RunPublic"]["properties"]["status"]
    run = schema["components"]["schemas"][status["$ref"].rsplit("/", 1)[1]]  # the RunStatus enum
    assert set(run["enum"]) == {"queued", "running", "finished", "failed", "interrupted",
                                "cancelled"}  # fmt: skip


def test_listing_scenarios_reads_no_documents(client: TestClient):
    from sqlalchemy import event

    statements: list[str] = []
    engine = client.app.state.engine  # type: ignore[attr-defined]

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        listed = client.get("/api/scenarios").json()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert listed and all(s["question"] for s in listed if s["source"] == "builtin")
    assert not [s for s in statements if "document" in s], statements


def test_a_bad_database_url_is_one_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    stosim = Path(sys.executable).parent / "stosim"
    for url, cause in (
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot open the store"),
        ("nosuchdb://x", "is not usable"),
    ):
        run = subprocess.run(
            [stosim, "serve", "--port", "1"], env={**os.environ, "DATABASE_URL": url},
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert run.returncode == 1
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and cause in lines[0] and "Traceback" not in run.stderr, lines
