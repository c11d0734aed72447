"""The run list, the most read response of the API (the dashboard polls it): built straight from
the columns it shows and serialized by pydantic's core in one step, so that it stays fast while
runs execute beside it."""

from __future__ import annotations

from fastapi import Response
from sqlmodel import Session

from api.db import newest_first
from api.deps import public
from api.models import RunRow
from api.schemas import RunList


def run_page(session: Session, offset: int, limit: int) -> Response:
    rows, total = newest_first(session, RunRow, offset, limit)
    page = RunList(data=[public(r) for r in rows], count=total)
    return Response(page.model_dump_json(), media_type="application/json")
