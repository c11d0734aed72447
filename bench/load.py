"""Latency of the API under load, on loopback only, bounded in time and requests:

    .venv/bin/python bench/load.py                    # SQLite and PostgreSQL (if reachable)
    .venv/bin/python bench/load.py --store sqlite --seconds 20

It starts `stosim serve` on 127.0.0.1 (a port of its own) with a fresh store (a temporary SQLite
file, or a database of its own on the PostgreSQL server, dropped afterwards), then runs 20 clients
for `--seconds` (each client a process of its own): 16 read `GET /api/runs` back to back, 4
submit small runs (`POST /api/runs`,
t0-dvp for two days: 202, or 429 once the queue is full), so runs execute in the server's run
processes while the readers are timed. Prints p50/p99/max per store and writes out/load.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests
from sqlalchemy.exc import OperationalError

from simulator.chain.toolchain import free_port

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TINY = {"market.days": 2, "investors.0.count": 6, "investors.1.count": 2, "investors.2.count": 2}
MAX_REQUESTS = 200_000  # a hard stop, whatever the duration
CLIENT_NICE = 5


class Store:
    """A fresh, empty store for one measurement, removed afterwards."""

    def __init__(self, kind: str, postgres: str) -> None:
        self.kind, self.postgres = kind, postgres
        self.tmp = tempfile.TemporaryDirectory(prefix="stosim-load-")
        self.name = f"stosim_load_{os.getpid()}_{int(time.time())}"

    def open(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{Path(self.tmp.name) / 'load.db'}"
        from sqlalchemy import create_engine, text

        with create_engine(self.postgres, isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.postgres.rsplit("/", 1)[0] + f"/{self.name}"

    def close(self) -> None:
        if self.kind == "postgresql":
            from sqlalchemy import create_engine, text

            with create_engine(self.postgres, isolation_level="AUTOCOMMIT").connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.tmp.cleanup()


class Served:
    """`stosim serve` on 127.0.0.1 in a process of its own."""

    def __init__(self, database_url: str, port: int) -> None:
        env = {**os.environ, "DATABASE_URL": database_url}
        stosim = Path(sys.executable).parent / "stosim"
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [stosim, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve(database_url: str, port: int) -> Served:
    server = Served(database_url, port)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if requests.get(f"{server.base}/api/health", timeout=2).ok:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.stop()
    raise SystemExit("the server did not start within 90 s")


def _client(base: str, kind: str, sid: int, stop: float, budget: int, out: Any) -> None:
    """One client, in a process of its own (threads would measure the client's own GIL), at a
    lower priority than the server: on a remote machine, clients would not take its CPU."""
    os.nice(CLIENT_NICE)
    times: list[float] = []
    statuses: Counter[str] = Counter()
    body = {"scenario_id": sid, "overrides": TINY}
    with requests.Session() as http:
        while time.time() < stop and len(times) < budget:
            started = time.perf_counter()
            try:
                if kind == "GET":
                    code = str(http.get(f"{base}/api/runs", timeout=30).status_code)
                else:
                    code = str(http.post(f"{base}/api/runs", json=body, timeout=30).status_code)
            except requests.RequestException as exc:
                code = type(exc).__name__
            times.append(time.perf_counter() - started)
            statuses[f"{kind} {code}"] += 1
            if kind == "POST":
                time.sleep(0.2)
    out.put((kind, times, dict(statuses)))


def measure(base: str, seconds: float, readers: int, submitters: int) -> dict[str, Any]:
    scenarios = requests.get(f"{base}/api/scenarios", timeout=10).json()
    sid = next(s["id"] for s in scenarios if s["name"] == "t0-dvp")
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    stop = time.time() + seconds
    budget = MAX_REQUESTS // (readers + submitters)
    kinds = ["GET"] * readers + ["POST"] * submitters
    clients = [
        context.Process(target=_client, args=(base, kind, sid, stop, budget, out)) for kind in kinds
    ]
    for client in clients:
        client.start()
    reads: list[float] = []
    posts: list[float] = []
    statuses: Counter[str] = Counter()
    for _ in clients:
        kind, times, counts = out.get(timeout=seconds + 120)
        (reads if kind == "GET" else posts).extend(times)
        statuses.update(counts)
    for client in clients:
        client.join()
    return {
        "reads": len(reads), "read_p50_ms": _pct(reads, 50), "read_p99_ms": _pct(reads, 99),
        "read_max_ms": max(reads) * 1000 if reads else None,
        "posts": len(posts), "post_p50_ms": _pct(posts, 50), "post_p99_ms": _pct(posts, 99),
        "statuses": dict(statuses),
    }  # fmt: skip


def _pct(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return None
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=30.0, help="at most 300")
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--submitters", type=int, default=4)
    parser.add_argument("--postgres", default=POSTGRES, help="server URL (its 'test' database)")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 300 or args.readers + args.submitters > 64:
        raise SystemExit("at most 300 seconds and 64 clients")
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    results = {}
    for kind in stores:
        store = Store(kind, args.postgres)
        try:
            url = store.open()
        except OperationalError as exc:
            print(f"no PostgreSQL to measure ({str(exc.orig).strip()})", file=sys.stderr)
            continue
        server = serve(url, free_port())
        try:
            idle = measure(server.base, 3, 1, 0)
            loaded = measure(server.base, args.seconds, args.readers, args.submitters)
            results[kind] = {"idle_p50_ms": idle["read_p50_ms"], **loaded}
        finally:
            server.stop()
            store.close()
    print(f"{'store':<11}{'idle p50':>9}{'p50':>8}{'p99':>8}{'max':>8}{'reads':>8}  submits")
    for kind, r in results.items():
        print(
            f"{kind:<11}{_ms(r['idle_p50_ms']):>9}{_ms(r['read_p50_ms']):>8}"
            f"{_ms(r['read_p99_ms']):>8}{_ms(r['read_max_ms']):>8}{r['reads']:>8}  {r['statuses']}"
        )
    out = ROOT / "out" / "load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


if __name__ == "__main__":
    main()
