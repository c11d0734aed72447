"""The run list, the most read response of the API (the dashboard polls it every few seconds).

A page is rebuilt only when it would differ: two narrow queries (how many runs; the id, status,
phase and progress of the page's runs, which change whenever anything shown changes: a run's
other fields are fixed at admission or written together with its status) are compared with the
ones the cached page was built from. No page is ever stale, and a poll of an unchanged list
costs no JSON decoding, no ORM objects and no validation, so readers stay fast while runs
execute beside them."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import Response
from sqlalchemy import Engine, bindparam, func, select, true
from sqlmodel import Session

from api.db import newest_first
from api.deps import public
from api.models import RunRow
from api.schemas import RunList

RUNS = RunRow.__table__  # type: ignore[attr-defined]
_PAGE = (
    select(RUNS.c.id, RUNS.c.status, RUNS.c.phase, RUNS.c.progress)
    .order_by(RUNS.c.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
    .subquery()
)
_TOTAL = select(func.count().label("n")).select_from(RUNS).subquery()
# the count and the page's stamp in one round trip (one row with the count when the page is empty)
STAMP = (
    select(_TOTAL.c.n, _PAGE.c.id, _PAGE.c.status, _PAGE.c.phase, _PAGE.c.progress)
    .select_from(_TOTAL.outerjoin(_PAGE, true()))
    .order_by(_PAGE.c.id.desc())
)
MAX_PAGES = 64  # pages kept (offset, limit pairs); the dashboard asks for one


class RunPages:
    """Serialized pages of the run list, each with the stamp it was built from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[tuple[int, int], tuple[Any, bytes]] = {}

    def page(self, engine: Engine, offset: int, limit: int) -> Response:
        # outside a transaction: no BEGIN and ROLLBACK round trips around one read
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            rows = connection.execute(STAMP, {"limit": limit, "offset": offset}).all()
        stamp = tuple(tuple(row) for row in rows)
        with self._lock:
            cached = self._pages.get((offset, limit))
        if cached is not None and cached[0] == stamp:
            body = cached[1]
        else:
            with Session(engine) as session:
                runs, count = newest_first(session, RunRow, offset, limit)
                page = RunList(data=[public(r) for r in runs], count=count)
            body = page.model_dump_json().encode()
            with self._lock:
                if len(self._pages) >= MAX_PAGES:
                    self._pages.clear()
                self._pages[(offset, limit)] = (stamp, body)
        return Response(body, media_type="application/json")
