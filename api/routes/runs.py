"""Runs: start (202), status and progress, results (fees, liquidity, settlement, refusals),
trades (paginated and CSV), comparisons and fee-structure comparisons, delete."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Response
from sqlmodel import Session, col, delete, func, select

from api.db import newest_first, unfinished
from api.deps import (
    MAX_ID,
    PoolDep,
    RunId,
    SessionDep,
    SettingsDep,
    public,
    run_or_404,
    unprocessable,
)
from api.models import ResultRow, RunRow, ScenarioRow, TradeRow
from api.routes.scenarios import check, resolve
from api.schemas import (
    Comparison,
    FeeComparisonCreate,
    FeeComparisonStarted,
    RunCreate,
    RunList,
    RunPublic,
    Table,
    TradePage,
    TradePublic,
)
from api.worker import RunPool
from simulator.scenario import Scenario

router = APIRouter(prefix="/api", tags=["runs"])

MAX_INVESTORS = 2_000  # per API run: each investor is a chain account
MAX_DAYS = 400
RESULTS = {
    "fees": ("fees", "fees_by_party", "fees_by_segment"),
    "liquidity": ("liquidity", "market_shares", "quote_series"),
    "settlement": ("settlement", "settlement_fails"),
    "refusals": ("refusals",),
    "outcomes": ("investor_outcomes",),
    "competition": ("share_paths", "spreads", "consolidated", "venue_pnl", "liquidity_providers"),
}
COMPARED = (
    "total_settled_value_krw", "trade_count", "fees_krw", "fees_bps", "hhi",
    "quoted_spread_bps_mean", "effective_spread_bps_mean", "order_to_match_mean_s",
    "match_to_settle_mean_s", "match_to_settle_p95_s", "settlement_fails",
)  # fmt: skip


def bounded(scenario: Scenario) -> None:
    investors = sum(g.count for g in scenario.investors)
    problems = []
    if investors > MAX_INVESTORS:
        problems.append(
            ("scenario.investors", f"{investors} investors; the API runs at most {MAX_INVESTORS}")
        )
    if scenario.market.days > MAX_DAYS:
        problems.append(
            (
                "scenario.market.days",
                f"{scenario.market.days} days; the API runs at most {MAX_DAYS}",
            )
        )
    if problems:
        raise unprocessable(problems)


def start_run(
    session: Session,
    pool: RunPool,
    limit: int,
    row: ScenarioRow,
    seed: int | None,
    overrides: dict[str, Any],
    label: str,
) -> RunRow:
    scenario = check(row.document, overrides)
    bounded(scenario)
    waiting = unfinished(session, RunRow)
    if waiting >= limit:
        raise HTTPException(
            status_code=429, detail=f"{waiting} runs are queued or running; try again later"
        )
    run = RunRow(
        scenario_id=row.id or 0,
        scenario_name=scenario.name,
        label=label,
        seed=scenario.seed if seed is None else seed,
        ledger=scenario.ledger.backend,
        overrides=overrides,
    )
    session.add(run)
    session.commit()
    session.refresh(run)
    pool.submit(run.id or 0)
    return run


@router.post("/runs", response_model=RunPublic, status_code=202, summary="Start a run")
def create_run(
    body: RunCreate, session: SessionDep, pool: PoolDep, settings: SettingsDep
) -> RunPublic:
    row = resolve(session, body.scenario_id, body.scenario)
    run = start_run(
        session, pool, settings.max_queued_runs, row, body.seed, body.overrides, body.label
    )
    return public(run)


@router.get("/runs", response_model=RunList, summary="List runs, newest first")
def list_runs(
    session: SessionDep,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(50, ge=1, le=500),
) -> RunList:
    rows, total = newest_first(session, RunRow, offset, limit)
    return RunList(data=[public(r) for r in rows], count=total)


@router.get("/runs/{run_id}", response_model=RunPublic, summary="Run status and progress")
def read_run(run_id: RunId, session: SessionDep) -> RunPublic:
    return public(run_or_404(session, run_id))


@router.delete("/runs/{run_id}", status_code=204, summary="Delete a run and its results")
def delete_run(run_id: RunId, session: SessionDep) -> Response:
    run = run_or_404(session, run_id)
    if run.status in ("queued", "running"):
        raise HTTPException(
            status_code=409, detail=f"run {run_id} is {run.status}; delete it when it ends"
        )
    session.exec(delete(TradeRow).where(col(TradeRow.run_id) == run_id))
    session.exec(delete(ResultRow).where(col(ResultRow.run_id) == run_id))
    session.delete(run)
    session.commit()
    return Response(status_code=204)


@router.get(
    "/runs/{run_id}/results/{group}", response_model=list[Table], summary="A run's metric tables"
)
def read_results(run_id: RunId, group: str, session: SessionDep) -> list[Table]:
    """group: fees | liquidity | settlement | refusals | outcomes | competition."""
    if group not in RESULTS:
        raise unprocessable(
            [("group", f"unknown result group {group!r}; allowed: {', '.join(RESULTS)}")], "path"
        )
    run = _finished(session, run_id)
    rows = session.exec(
        select(ResultRow).where(ResultRow.run_id == run.id, col(ResultRow.name).in_(RESULTS[group]))
    ).all()
    return [
        Table(run_id=run_id, name=r.name, rows=r.records)
        for r in sorted(rows, key=lambda r: RESULTS[group].index(r.name))
    ]


@router.get("/runs/{run_id}/trades", response_model=TradePage, summary="A run's trades, paginated")
def read_trades(
    run_id: RunId,
    session: SessionDep,
    offset: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(100, ge=1, le=1_000),
) -> TradePage:
    _finished(session, run_id)
    where = col(TradeRow.run_id) == run_id
    total = session.exec(select(func.count()).select_from(TradeRow).where(where)).one()
    rows = session.exec(
        select(TradeRow).where(where).order_by(col(TradeRow.trade_id)).offset(offset).limit(limit)
    ).all()
    return TradePage(
        run_id=run_id,
        offset=offset,
        limit=limit,
        total=total,
        data=[TradePublic(**r.model_dump()) for r in rows],
    )


@router.get("/runs/{run_id}/trades.csv", summary="A run's trades as CSV", response_class=Response)
def read_trades_csv(run_id: RunId, session: SessionDep) -> Response:
    _finished(session, run_id)
    rows = session.exec(
        select(TradeRow).where(col(TradeRow.run_id) == run_id).order_by(col(TradeRow.trade_id))
    ).all()
    out = io.StringIO()
    fields = list(TradePublic.model_fields)
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for r in rows:
        writer.writerow({f: getattr(r, f) for f in fields})
    headers = {"Content-Disposition": f'attachment; filename="run-{run_id}-trades.csv"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)


@router.get(
    "/compare", response_model=Comparison, summary="Several runs side by side, with differences"
)
def compare(
    session: SessionDep,
    ids: str = Query(..., description="run ids, comma-separated", examples=["1,2"]),
) -> Comparison:
    try:
        run_ids = [int(i) for i in ids.split(",") if i.strip()]
    except ValueError:
        raise unprocessable([("ids", "comma-separated run ids, e.g. 1,2,3")], "query") from None
    if not 1 <= len(run_ids) <= 20 or not all(1 <= i <= MAX_ID for i in run_ids):
        raise unprocessable(
            [("ids", f"between 1 and 20 run ids, each from 1 to {MAX_ID}")], "query"
        )
    runs = [run_or_404(session, i) for i in run_ids]
    rows = []
    for key in COMPARED:
        values = [(r.summary or {}).get(key) for r in runs]
        base = values[0]
        diffs = [
            v - base if isinstance(v, (int, float)) and isinstance(base, (int, float)) else None
            for v in values
        ]
        rows.append({"metric": key, "values": values, "difference_to_first": diffs})
    return Comparison(runs=[public(r) for r in runs], metrics=rows)


@router.post(
    "/fee-comparisons",
    response_model=FeeComparisonStarted,
    status_code=202,
    summary="Compare fee structures",
)
def compare_fees(
    body: FeeComparisonCreate, session: SessionDep, pool: PoolDep, settings: SettingsDep
) -> FeeComparisonStarted:
    """One scenario, several fee schedules applied to every venue: starts one run per schedule;
    GET the returned comparison to read them side by side (complete when all have finished)."""
    row = session.get(ScenarioRow, body.scenario_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no scenario {body.scenario_id}")
    venues = len(row.document.get("venues", []))
    run_ids = []
    for structure in body.structures:
        fees = structure.fees.model_dump()
        overrides = {**body.overrides, **{f"venues.{i}.fees": fees for i in range(venues)}}
        run = start_run(
            session, pool, settings.max_queued_runs, row, body.seed, overrides, structure.label
        )
        run_ids.append(run.id or 0)
    return FeeComparisonStarted(
        run_ids=run_ids, comparison=f"/api/compare?ids={','.join(map(str, run_ids))}"
    )


def _finished(session: Session, run_id: int) -> RunRow:
    run = run_or_404(session, run_id)
    if run.status != "finished":
        raise HTTPException(
            status_code=409,
            detail=f"run {run_id} is {run.status}; results exist once it has finished",
        )
    return run
