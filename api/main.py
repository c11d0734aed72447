"""The FastAPI application, built by `create_app(settings)`: store, run pool, routers, page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from api.db import digest, init_store, make_engine, store_scenario
from api.guards import BodyLimit
from api.models import ScenarioRow
from api.presence import Presence
from api.routes import comparisons, runs, scenarios, service, sweeps
from api.services.run_pages import RunPages
from api.services.scenarios import jsonable
from api.settings import Settings
from api.sweeps import Sweeper
from api.worker import RunPool
from simulator import __version__
from simulator.safe_yaml import safe_load
from simulator.scenario import ScenarioError, load_scenario

BAD_REQUEST = {
    "description": "a Host header this server does not answer to (STOSIM_ALLOWED_HOSTS; plain "
    "text), or a body that is not JSON",
    "content": {
        "text/plain": {"schema": {"type": "string"}},
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}},
    },
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        init_store(engine)
        sync_builtin_scenarios(engine, settings.scenarios_dir)
        presence = Presence(engine).start()
        app.state.engine, app.state.settings, app.state.presence = engine, settings, presence
        app.state.pool = RunPool(engine, settings.database_url, settings.max_concurrent_runs)
        app.state.sweeper = Sweeper(engine, settings.dask_scheduler, settings.sweep_workers)
        yield
        app.state.sweeper.shutdown()
        app.state.pool.shutdown()
        presence.stop()
        engine.dispose()

    # the docs' Swagger UI and ReDoc assets come from the installed fastapi-offline package
    app = FastAPIOffline(
        title="stosim",
        version=__version__,
        description="Run Korean token-securities market scenarios and compare their outcomes.",
        lifespan=lifespan,
        responses={400: BAD_REQUEST},
    )
    app.state.settings, app.state.run_pages = settings, RunPages()
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.include_router(scenarios.router)
    app.include_router(runs.router)
    app.include_router(comparisons.router)
    app.include_router(sweeps.router)
    app.include_router(service.router)
    app.add_exception_handler(StarletteHTTPException, _allow_every_method)
    _document_access(app, settings)

    return app


async def _allow_every_method(request: Request, exc: Exception) -> Response:
    """FastAPI's 405 names one route's methods in Allow; name every method the OpenAPI document
    gives the path (a literal path such as /api/scenarios/validate before /{scenario_id})."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        path = request.url.path
        table = _methods(request.app)
        exact = [methods for literal, _, methods in table if literal == path]
        matching = exact or [methods for _, pattern, methods in table if pattern.match(path)]
        if matching:
            headers["Allow"] = ", ".join(sorted(set().union(*matching)))
    return await http_exception_handler(
        request, StarletteHTTPException(exc.status_code, exc.detail, headers)
    )


def _methods(app: FastAPI) -> list[tuple[str, re.Pattern[str], set[str]]]:
    """Each documented path, as a pattern, with its methods."""
    if not hasattr(app.state, "methods"):
        app.state.methods = [
            (path, re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"),
             {m.upper() for m in operations})
            for path, operations in app.openapi()["paths"].items()
        ]  # fmt: skip
    return list(app.state.methods)


def _document_access(app: FastAPI, settings: Settings) -> None:
    """The OpenAPI document asks for a token only when the server has tokens."""
    if settings.api_tokens:
        return
    build = app.openapi

    def without_tokens() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path in schema["paths"].values():
                for operation in path.values():
                    operation.pop("security", None)
                    operation.get("responses", {}).pop("401", None)
            schema.get("components", {}).pop("securitySchemes", None)
        return app.openapi_schema or {}

    app.openapi = without_tokens  # type: ignore[method-assign]


def sync_builtin_scenarios(engine: Engine, directory: Path) -> None:
    """Store the library's scenario files (new or changed ones) as built-in scenarios."""
    with Session(engine) as session:
        stored = {
            r.name: r
            for r in session.exec(select(ScenarioRow).where(ScenarioRow.source == "builtin")).all()
        }
        for path in sorted(directory.glob("*.yaml")):
            try:
                scenario = load_scenario(path)
                document = jsonable(safe_load(path.read_text()))
            except (ScenarioError, OSError, ValueError):
                continue  # a broken library file is reported by `stosim validate`, not served
            row = stored.get(scenario.name)
            if row is None:
                store_scenario(session, scenario.name, "builtin", document)
            elif row.document != document:
                row.document, row.digest = document, digest(document)
                row.question = str(document.get("question", ""))
                session.add(row)
        session.commit()
