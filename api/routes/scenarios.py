"""Scenarios: the built-in library and uploaded ones; validation with field paths."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from api.db import store_scenario
from api.deps import ScenarioId, SessionDep, errors
from api.guards import require_token
from api.schemas import Problem, ScenarioDetail, ScenarioPublic, ScenarioUpload, Validation
from api.services import scenarios as service
from simulator.scenario import ScenarioError, parse_scenario

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])


@router.get("", response_model=list[ScenarioPublic], summary="List stored scenarios")
def list_scenarios(session: SessionDep) -> list[ScenarioPublic]:
    return service.listing(session)


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
        document = service.document_of(upload)
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
    row = service.scenario_or_404(session, scenario_id)
    return ScenarioDetail(**service.public(row).model_dump(), document=row.document)


@router.post(
    "",
    response_model=ScenarioPublic,
    status_code=201,
    summary="Upload a scenario (the same document twice is stored once)",
    responses=errors(401, 413),
    dependencies=[Depends(require_token)],
)
def upload_scenario(upload: ScenarioUpload, session: SessionDep) -> ScenarioPublic:
    document = service.document_of(upload)
    scenario = service.check(document)
    row = store_scenario(session, scenario.name, "uploaded", document)
    session.commit()
    return service.public(row)
