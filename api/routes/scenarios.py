"""Scenarios: the built-in library and uploaded ones; validation with field paths."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import ScenarioId, SessionDep, errors
from api.guards import require_token
from api.schemas import ScenarioDetail, ScenarioPublic, ScenarioUpload, Validation
from api.services import scenarios as service

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
    return service.validation(upload)


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
    return service.upload(session, upload)
