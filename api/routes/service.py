"""The service itself: the dashboard, chart definitions, Vega's bundle and health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.schemas import Health, PoolState
from api.services import pages
from api.version import VERSION

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard() -> Response:
    return HTMLResponse(pages.dashboard_html())


@router.get("/api/charts", tags=["service"], summary="Chart definitions (Vega-Lite)")
def chart_definitions() -> dict[str, object]:
    """The charts of the dashboard and the HTML reports (simulator/charts.py), each reading
    the named dataset `rows`, and the label with unit of every headline metric."""
    return pages.chart_specs()


@router.get("/static/vega.js", include_in_schema=False)
def vega_bundle() -> Response:
    return Response(pages.vega_javascript(), media_type="text/javascript")


@router.get(
    "/api/health", tags=["service"], response_model=Health,
    summary="Liveness, and the run pool's state (503 when it cannot take runs)",
    responses={503: {"model": Health, "description": "the run pool cannot take runs"}},
)  # fmt: skip
async def health(request: Request) -> Response:
    pool = request.app.state.pool.state()
    ok = pool["dispatcher"] == "alive"
    body = Health(
        status="ok" if ok else "degraded", version=VERSION, active_runs=pool["running"],
        pool=PoolState(**pool),
    )  # fmt: skip
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
