"""Typed dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from sqlmodel import Session

from api.models import RunRow
from api.schemas import RunPublic
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
MAX_ID = 2**53  # ids and offsets stay within what every store's integer columns hold
RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="a run's id")]
ScenarioId = Annotated[int, Path(ge=1, le=MAX_ID, description="a scenario's id")]
PoolDep = Annotated[RunPool, Depends(get_pool)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


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
