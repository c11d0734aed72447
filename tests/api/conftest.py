"""API fixtures: the app on SQLite and, where reachable, on the PostgreSQL at 127.0.0.1:5432."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from simulator.chain.toolchain import free_port

POSTGRES_SERVER = os.environ.get(
    "STOSIM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# a run small enough for tests: T+0 venues, two days, a dozen investors
TINY = {"market.days": 2, "investors.0.count": 6, "investors.1.count": 2, "investors.2.count": 2}


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _reset_postgres(url: str) -> None:
    """An empty database again: every table, the migrations' bookkeeping included."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test session's own on the PostgreSQL server, dropped at the end, so
    that test sessions running at the same time never share tables."""
    if not postgres_reachable():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    from sqlalchemy import create_engine, text

    name = f"stosim_test_{os.getpid()}_{int(time.time())}"
    admin = create_engine(
        POSTGRES_SERVER, isolation_level="AUTOCOMMIT"
    )  # "test" is only the way in
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


def settings(database_url: str, **values: Any) -> Settings:
    """The app's settings in tests: TestClient sends 'Host: testserver'."""
    return Settings(database_url=database_url, allowed_hosts=["testserver"], **values)


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings(database_url, max_concurrent_runs=2))) as test_client:
        yield test_client


def scenario_id(client: TestClient, name: str) -> int:
    return next(s["id"] for s in client.get("/api/scenarios").json() if s["name"] == name)


def wait_for(
    get: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool], timeout: float = 240
) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = get()
        if done(state):
            return state
        time.sleep(0.5)
    raise AssertionError(f"timed out; last state {state}")


class Server:
    """`stosim serve` in a process of its own, for tests that kill it or drive it over HTTP."""

    def __init__(self, database_url: str, env: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        stosim = Path(sys.executable).parent / "stosim"
        self.process = subprocess.Popen(
            [stosim, "serve", "--port", str(self.port)], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_for(self._health, lambda h: h.get("status") == "ok", timeout=60)
        return self

    def _health(self) -> dict[str, Any]:
        try:
            return dict(requests.get(f"{self.url}/api/health", timeout=2).json())
        except requests.RequestException:
            return {}

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def make(database_url: str | None = None, env: dict[str, str] | None = None) -> Server:
        server = Server(database_url or f"sqlite:///{tmp_path / 'served.db'}", env)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()
