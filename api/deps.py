"""Typed dependencies shared by the routers, and the error responses they document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from sqlmodel import Session

from api.models import RunRow
from api.schemas import MAX_ID, ErrorBody, RunPublic
from api.settings import Settings
from api.worker import RunPool


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_pool(request: Request) -> RunPool:
    return request.app.state.pool


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="a run's id")]
ScenarioId = Annotated[int, Path(ge=1, le=MAX_ID, description="a scenario's id")]
SweepId = Annotated[int, Path(ge=1, le=MAX_ID, description="a sweep's id")]
PoolDep = Annotated[RunPool, Depends(get_pool)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

WHY = {
    401: "an API token is needed (the server has STOSIM_API_TOKENS) and none or a wrong one came",
    404: "no such scenario, run or sweep",
    409: "not possible in the run's or sweep's current status",
    413: "the request body is larger than the server's limit (STOSIM_MAX_BODY_BYTES)",
    429: "the queue of runs or sweeps is full; try again later",
    503: "the server is stopping and takes no new runs",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries of the error responses a route can give."""
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in codes}


def unprocessable(problems: list[tuple[str, str]], where: str = "body") -> HTTPException:
    """422 in FastAPI's own error shape, naming each field."""
    detail = [
        {"loc": [where, *[p for p in path.split(".") if p]], "msg": message, "type": "value_error"}
        for path, message in problems
    ]
    return HTTPException(status_code=422, detail=detail)


def run_or_404(session: Session, run_id: int) -> RunRow:
    run = session.get(RunRow, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail=f"no run {run_id}")
    return run


def public(run: RunRow) -> RunPublic:
    duration = (
        (run.finished_at - run.started_at).total_seconds()
        if run.finished_at and run.started_at
        else None
    )
    data: dict[str, Any] = run.model_dump()
    return RunPublic(**data, duration_s=duration)
