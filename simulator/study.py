"""Studies: one question, a baseline, its variants, seeds and metrics, in a YAML file (studies/).

Every arm runs on the same seeds (the baseline scenario's seed, +1, ...): common random numbers,
so each variant's paired difference to the baseline cancels the luck both share. Tasks run on
Dask as sweeps do. A variant is the baseline's scenario with overrides, or another scenario file
(paths are relative to the study file), optionally with overrides of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simulator.headlines import HEADLINES, known
from simulator.scenario import LedgerBackend, ScenarioError, load_yaml, parse_scenario
from simulator.stats import paired
from simulator.sweep import SweepError, SweepProgress, Task, run_jobs

DEFAULT_METRICS = [h.key for h in HEADLINES]
MAX_TASKS = 2_000


class StudyError(SweepError):
    """A study file that cannot run: names the field at fault and what is allowed."""


class Arm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=60)
    scenario: str | None = Field(None, description="scenario file; default: the baseline's")
    overrides: dict[str, Any] = Field(default_factory=dict, description="dotted field -> value")


class StudySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=2_000)
    baseline: Arm
    variants: list[Arm] = Field(min_length=1, max_length=20)
    seeds: int = Field(5, ge=1, le=200)
    metrics: list[str] = Field(default_factory=lambda: list(DEFAULT_METRICS), min_length=1)
    ledger: LedgerBackend = "revm"

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, metrics: list[str]) -> list[str]:
        unknown = [m for m in metrics if not known(m)]
        if unknown:
            allowed = ", ".join(DEFAULT_METRICS)
            raise ValueError(
                f"unknown metrics {unknown}; allowed: {allowed}, market_share.<venue>, "
                "refusals.<rule ID>"
            )
        return metrics


@dataclass(frozen=True)
class Study:
    name: str
    spec: StudySpec
    documents: dict[str, dict[str, Any]]  # arm name -> scenario document
    base_seed: int

    def with_seeds(self, seeds: int) -> Study:
        if not 1 <= seeds <= 200:
            raise StudyError(f"--seeds {seeds}: between 1 and 200")
        spec = self.spec.model_copy(update={"seeds": seeds})
        return Study(self.name, spec, self.documents, self.base_seed)

    @property
    def arms(self) -> list[Arm]:
        return [self.spec.baseline, *self.spec.variants]

    def jobs(self) -> list[tuple[dict[str, Any], Task]]:
        pairs = [(arm, k) for arm in self.arms for k in range(self.spec.seeds)]
        return [
            (self.documents[arm.name], Task(i, arm.overrides, self.base_seed + k))
            for i, (arm, k) in enumerate(pairs)
        ]


def load_study(path: Path) -> Study:
    """Read a study file and check every arm is a valid scenario before anything runs."""
    try:
        spec = StudySpec.model_validate(load_yaml(path.read_bytes(), str(path)))
    except OSError as exc:
        raise StudyError(f"{path}: cannot read it ({exc.strerror})") from None
    except ScenarioError as exc:
        raise StudyError(str(exc)) from None
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise StudyError(f"{path}: {where}") from None
    names = [arm.name for arm in [spec.baseline, *spec.variants]]
    if len(set(names)) != len(names):
        raise StudyError(f"{path}: arm names must differ; got {names}")
    if spec.baseline.scenario is None:
        raise StudyError(f"{path}: baseline.scenario: the baseline needs a scenario file")
    if (1 + len(spec.variants)) * spec.seeds > MAX_TASKS:
        raise StudyError(f"{path}: at most {MAX_TASKS:,} runs (arms x seeds)")
    documents: dict[str, dict[str, Any]] = {}
    base_seed = 0
    for i, arm in enumerate([spec.baseline, *spec.variants]):
        where = "baseline" if i == 0 else f"variants.{i - 1}"
        file = path.parent / (arm.scenario or spec.baseline.scenario)
        try:
            document = load_yaml(file.read_bytes(), str(file))
            scenario = parse_scenario(document, str(file), arm.overrides)
        except OSError as exc:
            raise StudyError(f"{path}: {where}.scenario: cannot read {file} ({exc})") from None
        except ScenarioError as exc:
            raise StudyError(f"{path}: {where} ({arm.name}): {exc}") from None
        documents[arm.name] = document
        if i == 0:
            base_seed = scenario.seed
    return Study(path.stem, spec, documents, base_seed)


@dataclass
class StudyResult:
    study: Study
    runs: pd.DataFrame  # one row per arm and seed: arm, seed and every headline figure
    differences: pd.DataFrame  # one row per variant and metric (see simulator.stats.Paired)
    info: dict[str, Any]


def run_study(
    study: Study,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: SweepProgress | None = None,
) -> StudyResult:
    jobs = study.jobs()
    rows, info = run_jobs(jobs, study.spec.ledger, scheduler, workers, progress)
    arm_of = {
        task.index: arm.name for (_, task), arm in zip(jobs, _arm_per_job(study), strict=True)
    }
    rows.insert(0, "arm", rows["task"].map(arm_of))
    keep = ["arm", "seed", *[c for c in rows.columns if known(c)], "wall_s"]
    runs = rows[[c for c in keep if c in rows.columns]]
    return StudyResult(study, runs, differences(runs, study), info)


def _arm_per_job(study: Study) -> list[Arm]:
    return [arm for arm in study.arms for _ in range(study.spec.seeds)]


def differences(runs: pd.DataFrame, study: Study) -> pd.DataFrame:
    """Each variant against the baseline, seed by seed, for each of the study's metrics."""
    base = runs[runs["arm"] == study.spec.baseline.name]
    out = []
    for arm in study.spec.variants:
        both = base.merge(runs[runs["arm"] == arm.name], on="seed", suffixes=("_b", "_v"))
        for metric in study.spec.metrics:
            if f"{metric}_b" not in both:  # e.g. a venue that has no share in either arm
                continue
            out.append(
                {
                    "arm": arm.name,
                    "metric": metric,
                    **paired(both[f"{metric}_b"], both[f"{metric}_v"]).row(),
                }
            )
    return pd.DataFrame(out)


def write_study(result: StudyResult, target: Path) -> None:
    """runs.csv, differences.csv, study.json and report.html (the same figures, with charts)."""
    from simulator.reports import DIFF_COLUMNS, interval_page

    target.mkdir(parents=True, exist_ok=True)
    study = result.study
    result.runs.to_csv(target / "runs.csv", index=False)
    result.differences[DIFF_COLUMNS].to_csv(target / "differences.csv", index=False)
    meta = {
        "name": study.name,
        **study.spec.model_dump(),
        "base_seed": study.base_seed,
        **result.info,
    }
    (target / "study.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
    title = f"Study: {study.name} ({study.spec.seeds} seeds per arm)"
    page = interval_page(title, study.spec.question, result.differences, "differences.csv")
    page.heading("Every run (one row per arm and seed)")
    page.figures(result.runs, "runs.csv")
    (target / "report.html").write_text(page.render())
