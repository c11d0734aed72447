"""Runs: start (202), status and progress, cancel, delete, results (fees, liquidity,
settlement, refusals), trades (paginated and CSV)."""

from __future__ import annotations

import csv
import io
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from api.admission import RunSpec, admit_runs
from api.deps import (
    PoolDep,
    RunId,
    SessionDep,
    errors,
    public,
    run_or_404,
)
from api.guards import refuse_nul, require_token
from api.schemas import MAX_ID, RunCreate, RunList, RunPublic, Table, TradePage, TradePublic
from api.services import runs as service
from api.services.scenarios import resolve

router = APIRouter(prefix="/api", tags=["runs"])
ResultGroup = Literal["fees", "liquidity", "settlement", "refusals", "outcomes", "competition"]
write = [Depends(require_token)]


@router.post(
    "/runs", response_model=RunPublic, status_code=202, summary="Start a run",
    responses=errors(401, 404, 413, 429, 503), dependencies=write,
)  # fmt: skip
def create_run(body: RunCreate, request: Request, session: SessionDep) -> RunPublic:
    """Admitted against the server's limits (orders = investors x orders_per_day x days,
    investors, days, assets, estimated memory and time: a 422 names the field and the limit) and
    the queue bound (429); nothing is stored for a refused request."""
    refuse_nul(body.label, "label")
    row, document = resolve(session, body.scenario_id, body.scenario)
    (run,) = admit_runs(
        request, session, row, document, [RunSpec(body.seed, body.overrides, body.label)]
    )
    return public(run)


@router.get("/runs", response_model=RunList, summary="List runs, newest first")
def list_runs(
    request: Request,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(50, ge=1, le=500),
) -> Response:
    return request.app.state.run_pages.page(request.app.state.engine, offset, limit)


@router.get(
    "/runs/{run_id:int}", response_model=RunPublic, summary="Run status, phase and progress",
    responses=errors(404),
)  # fmt: skip
def read_run(run_id: RunId, session: SessionDep) -> RunPublic:
    return public(run_or_404(session, run_id))


@router.post(
    "/runs/{run_id:int}/cancel", response_model=RunPublic,
    summary="Cancel a queued or running run (its process and chain stop)",
    responses=errors(401, 404, 409), dependencies=write,
)  # fmt: skip
def cancel_run(run_id: RunId, session: SessionDep, pool: PoolDep) -> RunPublic:
    run_or_404(session, run_id)
    if not service.cancel(session, pool, run_id):
        run = run_or_404(session, run_id)
        raise HTTPException(
            status_code=409, detail=f"run {run_id} has already ended ({run.status})"
        )
    session.expire_all()
    return public(run_or_404(session, run_id))


@router.delete(
    "/runs/{run_id:int}", status_code=204,
    summary="Delete a run and its results (a queued or running run is cancelled first)",
    responses=errors(401, 404), dependencies=write,
)  # fmt: skip
def delete_run(run_id: RunId, session: SessionDep, pool: PoolDep) -> Response:
    run_or_404(session, run_id)
    service.delete_run(session, pool, run_id)
    return Response(status_code=204)


@router.get(
    "/runs/{run_id:int}/results/{group}", response_model=list[Table],
    summary="A run's metric tables", responses=errors(404, 409),
)  # fmt: skip
def read_results(run_id: RunId, group: ResultGroup, session: SessionDep) -> list[Table]:
    """group: fees | liquidity | settlement | refusals | outcomes | competition."""
    run = service.finished(session, run_id)
    return [
        Table(run_id=run_id, name=r.name, rows=r.records)
        for r in service.result_rows(session, run, group)
    ]


@router.get(
    "/runs/{run_id:int}/trades", response_model=TradePage, summary="A run's trades, paginated",
    responses=errors(404, 409),
)  # fmt: skip
def read_trades(
    run_id: RunId,
    session: SessionDep,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=1_000),
) -> TradePage:
    service.finished(session, run_id)
    total, rows = service.trade_page(session, run_id, offset, limit)
    return TradePage(
        run_id=run_id,
        offset=offset,
        limit=limit,
        total=total,
        data=[TradePublic(**r.model_dump()) for r in rows],
    )


@router.get(
    "/runs/{run_id:int}/trades.csv", summary="A run's trades as CSV", response_class=Response,
    responses={**errors(404, 409), 200: {"content": {"text/csv": {}}, "description": "CSV"}},
)  # fmt: skip
def read_trades_csv(run_id: RunId, session: SessionDep) -> Response:
    service.finished(session, run_id)
    rows = service.all_trades(session, run_id)
    out = io.StringIO()
    fields = list(TradePublic.model_fields)
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for r in rows:
        writer.writerow({f: getattr(r, f) for f in fields})
    headers = {"Content-Disposition": f'attachment; filename="run-{run_id}-trades.csv"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)
