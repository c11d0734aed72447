"""The FastAPI application, built by `create_app(settings)`: store, run pool, routers, page."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import Session, select

from api.db import init_store, make_engine
from api.models import ScenarioRow
from api.routes import runs, scenarios, sweeps
from api.routes.scenarios import jsonable
from api.settings import Settings
from api.sweeps import Sweeper
from api.worker import RunPool
from simulator import __version__
from simulator.scenario import ScenarioError, load_scenario

DASHBOARD = Path(__file__).parent / "static" / "dashboard.html"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        init_store(engine)
        sync_builtin_scenarios(engine, settings.scenarios_dir)
        app.state.engine, app.state.settings = engine, settings
        app.state.pool = RunPool(settings.database_url, settings.max_concurrent_runs)
        app.state.sweeper = Sweeper(engine, settings.dask_scheduler, settings.sweep_workers)
        yield
        app.state.sweeper.shutdown()
        app.state.pool.shutdown()
        engine.dispose()

    app = FastAPI(
        title="stosim",
        version=__version__,
        description="Run Korean token-securities market scenarios and compare their outcomes.",
        lifespan=lifespan,
    )

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
            return JSONResponse(
                {"detail": f"request body larger than {settings.max_body_bytes:,} bytes"}, 413
            )
        return await call_next(request)

    app.include_router(scenarios.router)
    app.include_router(runs.router)
    app.include_router(sweeps.router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard() -> Response:
        return HTMLResponse(DASHBOARD.read_text())

    @app.get("/api/charts", tags=["service"], summary="Chart definitions (Vega-Lite)")
    def chart_definitions() -> dict[str, object]:
        """The charts of the dashboard and the HTML reports (simulator/charts.py), each reading
        the named dataset `rows`, and the label with unit of every headline metric."""
        return chart_specs()

    @app.get("/static/vega.js", include_in_schema=False)
    def vega_bundle() -> Response:
        from simulator.html import vega_javascript

        return Response(vega_javascript(), media_type="text/javascript")

    @app.get("/api/health", tags=["service"], summary="Liveness and the run pool's load")
    def health(request: Request) -> dict[str, object]:
        return {
            "status": "ok",
            "version": __version__,
            "active_runs": request.app.state.pool.active(),
        }

    return app


@functools.cache
def chart_specs() -> dict[str, object]:
    from simulator.charts import templates
    from simulator.headlines import HEADLINES

    return {"charts": templates(), "labels": {h.key: h.title for h in HEADLINES}}


def sync_builtin_scenarios(engine: object, directory: Path) -> None:
    """Store the library's scenario files (new or changed ones) as built-in scenarios."""
    with Session(engine) as session:  # type: ignore[arg-type]
        stored = {
            r.name: r
            for r in session.exec(select(ScenarioRow).where(ScenarioRow.source == "builtin")).all()
        }
        for path in sorted(directory.glob("*.yaml")):
            try:
                scenario = load_scenario(path)
            except ScenarioError:
                continue  # a broken library file is reported by `stosim validate`, not served
            document = jsonable(yaml.safe_load(path.read_text()))
            row = stored.get(scenario.name)
            if row is None:
                session.add(ScenarioRow(name=scenario.name, source="builtin", document=document))
            elif row.document != document:
                row.document = document
                session.add(row)
        session.commit()
