"""Scenarios: the built-in library and uploaded ones; validation with field paths."""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import APIRouter, HTTPException
from sqlmodel import Session, select

from api.db import store_scenario
from api.deps import ScenarioId, SessionDep, unprocessable
from api.models import ScenarioRow
from api.schemas import Problem, ScenarioDetail, ScenarioPublic, ScenarioUpload, Validation
from simulator.scenario import Scenario, ScenarioError, parse_scenario

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])


def jsonable(document: Any) -> Any:
    """YAML gives dates and times as objects; the store keeps JSON (ISO strings)."""
    return json.loads(json.dumps(document, default=str))


def document_of(upload: ScenarioUpload) -> Any:
    if (upload.document is None) == (upload.yaml is None):
        raise unprocessable(
            [("document", "give exactly one of 'document' (JSON) or 'yaml' (text)")]
        )
    if upload.yaml is not None:
        try:
            return jsonable(yaml.safe_load(upload.yaml))
        except yaml.YAMLError as exc:
            raise unprocessable([("yaml", f"not valid YAML: {exc}")]) from None
    return upload.document


def check(document: Any, overrides: dict[str, Any] | None = None) -> Scenario:
    try:
        return parse_scenario(document, "scenario", overrides)
    except ScenarioError as exc:
        raise unprocessable(
            [(f"scenario.{p}" if p else "scenario", m) for p, m in exc.problems]
        ) from None
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise unprocessable([("overrides", f"cannot apply: {exc!r}")]) from None


def _public(row: ScenarioRow) -> ScenarioPublic:
    return ScenarioPublic(
        id=row.id or 0,
        name=row.name,
        source=row.source,
        question=str(row.document.get("question", "")),
        created_at=row.created_at,
    )


@router.get("", response_model=list[ScenarioPublic], summary="List stored scenarios")
def list_scenarios(session: SessionDep) -> list[ScenarioPublic]:
    return [_public(r) for r in session.exec(select(ScenarioRow).order_by(ScenarioRow.id)).all()]  # type: ignore[arg-type]


@router.get("/{scenario_id}", response_model=ScenarioDetail, summary="Read a scenario")
def read_scenario(scenario_id: ScenarioId, session: SessionDep) -> ScenarioDetail:
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no scenario {scenario_id}")
    return ScenarioDetail(**_public(row).model_dump(), document=row.document)


@router.post(
    "/validate", response_model=Validation, summary="Validate a scenario (errors with field paths)"
)
def validate_scenario(upload: ScenarioUpload) -> Validation:
    document = document_of(upload)
    try:
        scenario = parse_scenario(document, "scenario")
    except ScenarioError as exc:
        return Validation(
            valid=False, problems=[Problem(field=p, message=m) for p, m in exc.problems]
        )
    return Validation(valid=True, name=scenario.name)


@router.post("", response_model=ScenarioPublic, status_code=201, summary="Upload a scenario")
def upload_scenario(upload: ScenarioUpload, session: SessionDep) -> ScenarioPublic:
    document = document_of(upload)
    scenario = check(document)
    return _public(store_scenario(session, scenario.name, "uploaded", document))


def resolve(
    session: Session, scenario_id: int | None, document: dict[str, Any] | None
) -> ScenarioRow:
    """The scenario a request names: a stored one by id, or a whole document (stored as
    uploaded). Exactly one of the two must be given."""
    if (scenario_id is None) == (document is None):
        raise unprocessable([("scenario_id", "give exactly one of 'scenario_id' or 'scenario'")])
    if document is not None:
        return store_scenario(session, check(document).name, "uploaded", document)
    found = session.get(ScenarioRow, scenario_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no scenario {scenario_id}")
    return found
