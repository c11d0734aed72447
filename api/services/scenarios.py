"""Scenarios: documents from uploads, validation with field paths, and resolving the scenario a
request names."""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import HTTPException
from sqlalchemy import select
from sqlmodel import Session

from api.db import store_scenario
from api.deps import unprocessable
from api.guards import refuse_nul
from api.models import ScenarioRow
from api.schemas import Problem, ScenarioDocument, ScenarioPublic, ScenarioUpload, Validation
from simulator.safe_yaml import safe_load
from simulator.scenario import Scenario, ScenarioError, parse_scenario


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


def listing(session: Session) -> list[ScenarioPublic]:
    # the columns of the listing only: documents are read one at a time, by id
    table = ScenarioRow.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in ("id", "name", "source", "question", "created_at")]
    rows = session.execute(select(*columns).order_by(table.c.id)).all()
    return [
        ScenarioPublic(id=i, name=n, source=s, question=q, created_at=c) for i, n, s, q, c in rows
    ]


def scenario_or_404(session: Session, scenario_id: int | None) -> ScenarioRow:
    found = session.get(ScenarioRow, scenario_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no scenario {scenario_id}")
    return found


def public(row: ScenarioRow) -> ScenarioPublic:
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
    found = scenario_or_404(session, scenario_id)
    return found, found.document


def validation(upload: ScenarioUpload) -> Validation:
    """Every problem of the scenario with its field path, the YAML text's own included."""
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


def upload(session: Session, upload: ScenarioUpload) -> ScenarioPublic:
    """Validate and store an uploaded scenario (the same document twice is stored once)."""
    document = document_of(upload)
    scenario = check(document)
    row = store_scenario(session, scenario.name, "uploaded", document)
    session.commit()
    return public(row)
