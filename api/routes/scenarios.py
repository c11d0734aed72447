"""Scenarios: the built-in library and uploaded ones; validation with field paths."""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlmodel import Session

from api.db import store_scenario
from api.deps import ScenarioId, SessionDep, errors, unprocessable
from api.guards import refuse_nul, require_token
from api.models import ScenarioRow
from api.schemas import (
    Problem,
    ScenarioDetail,
    ScenarioDocument,
    ScenarioPublic,
    ScenarioUpload,
    Validation,
)
from simulator.safe_yaml import safe_load
from simulator.scenario import Scenario, ScenarioError, parse_scenario

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])


def jsonable(document: Any) -> Any:
    """YAML gives dates and times as objects; the store keeps JSON (ISO strings)."""
    return json.loads(json.dumps(document, default=str))


def document_of(upload: ScenarioUpload) -> Any:
    if isinstance(upload, ScenarioDocument):
        document = upload.document
    else:
        try:
            document = jsonable(safe_load(upload.yaml))
        except yaml.YAMLError as exc:
            raise unprocessable([("yaml", f"not valid YAML: {exc}")]) from None
    refuse_nul(document, "document")
    return document


def check(document: Any, overrides: dict[str, Any] | None = None) -> Scenario:
    refuse_nul(document, "scenario")
    refuse_nul(overrides or {}, "overrides")
    try:
        return parse_scenario(document, "scenario", overrides)
    except ScenarioError as exc:
        raise unprocessable(
            [(f"scenario.{p}" if p else "scenario", m) for p, m in exc.problems]
        ) from None
    except (KeyError, IndexError, ValueError, TypeError, RecursionError) as exc:
        raise unprocessable([("overrides", f"cannot apply: {exc!r}")]) from None


@router.get("", response_model=list[ScenarioPublic], summary="List stored scenarios")
def list_scenarios(session: SessionDep) -> list[ScenarioPublic]:
    # the columns of the listing only: documents are read one at a time, by id
    table = ScenarioRow.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in ("id", "name", "source", "question", "created_at")]
    rows = session.execute(select(*columns).order_by(table.c.id)).all()
    return [
        ScenarioPublic(id=i, name=n, source=s, question=q, created_at=c) for i, n, s, q, c in rows
    ]


@router.post(
    "/validate",
    response_model=Validation,
    summary="Validate a scenario (errors with field paths)",
    responses=errors(413),
)
def validate_scenario(upload: ScenarioUpload) -> Validation:
    """Every problem of the scenario comes back as a problem with its field path (200), the
    YAML text's own included."""
    try:
        document = document_of(upload)
    except HTTPException as exc:
        details: list[dict[str, Any]] = exc.detail  # type: ignore[assignment]  # unprocessable()
        problems = [
            Problem(field=".".join(map(str, d["loc"][1:])), message=d["msg"]) for d in details
        ]
        return Validation(valid=False, problems=problems)
    try:
        scenario = parse_scenario(document, "scenario")
    except ScenarioError as exc:
        return Validation(
            valid=False, problems=[Problem(field=p, message=m) for p, m in exc.problems]
        )
    return Validation(valid=True, name=scenario.name)


@router.get(
    "/{scenario_id:int}",
    response_model=ScenarioDetail,
    summary="Read a scenario",
    responses=errors(404),
)
def read_scenario(scenario_id: ScenarioId, session: SessionDep) -> ScenarioDetail:
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no scenario {scenario_id}")
    return ScenarioDetail(**_public(row).model_dump(), document=row.document)


@router.post(
    "",
    response_model=ScenarioPublic,
    status_code=201,
    summary="Upload a scenario (the same document twice is stored once)",
    responses=errors(401, 413),
    dependencies=[Depends(require_token)],
)
def upload_scenario(upload: ScenarioUpload, session: SessionDep) -> ScenarioPublic:
    document = document_of(upload)
    scenario = check(document)
    row = store_scenario(session, scenario.name, "uploaded", document)
    session.commit()
    return _public(row)


def _public(row: ScenarioRow) -> ScenarioPublic:
    return ScenarioPublic(
        id=row.id or 0, name=row.name, source=row.source, question=row.question,
        created_at=row.created_at,
    )  # fmt: skip


def resolve(
    session: Session, scenario_id: int | None, document: dict[str, Any] | None
) -> tuple[ScenarioRow | None, dict[str, Any]]:
    """The scenario a request names: a stored one by id, or a whole document (validated and
    stored by the caller, only once the request is admitted). Exactly one must be given."""
    if (scenario_id is None) == (document is None):
        raise unprocessable([("scenario_id", "give exactly one of 'scenario_id' or 'scenario'")])
    if document is not None:
        return None, document
    found = session.get(ScenarioRow, scenario_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no scenario {scenario_id}")
    return found, found.document
