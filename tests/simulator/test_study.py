"""Studies end to end: a small study file run by `stosim study` on a local Dask cluster, its
paired differences, and its HTML report checked figure by figure against the CSV."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulator.study import StudyError, load_study

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"market.days": 4, "investors.0.count": 8, "investors.1.count": 2, "investors.2.count": 2}
STOSIM = Path(sys.executable).parent / "stosim"


def write_study(tmp_path: Path, **changes: object) -> Path:
    study = {
        "question": "Does T+0 shorten settlement in a small market?",
        "baseline": {"name": "T+2", "scenario": str(ROOT / "scenarios" / "baseline-2027.yaml"),
                     "overrides": {**SMALL, "market.days": 6, "market.holidays": []}},
        "variants": [
            {"name": "T+0", "scenario": str(ROOT / "scenarios" / "t0-dvp.yaml"),
             "overrides": {**SMALL, "market.days": 6, "market.holidays": []}},
        ],
        "seeds": 3,
        "metrics": ["match_to_settle_mean_s", "trade_count", "fees_bps", "market_share.NXT"],
        **changes,
    }  # fmt: skip
    path = tmp_path / "small-study.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False))
    return path


class Tables(HTMLParser):
    """The report's tables of figures: for each, its CSV name and every cell's exact value."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.columns: dict[str, list[str]] = {}
        self._csv: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "data-csv" in found:
            self._csv = str(found["data-csv"])
            self.tables[self._csv], self.columns[self._csv] = [], []
        elif self._csv and tag == "tr":
            self.tables[self._csv].append([])
        elif self._csv and tag == "th":
            self.columns[self._csv].append(str(found["data-column"]))
        elif self._csv and tag == "td":
            self.tables[self._csv][-1].append(str(found["data-value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._csv = None


def same(shown: str, stored: object) -> bool:
    if isinstance(stored, float) and math.isnan(stored):
        return shown == ""
    if isinstance(stored, int | float) and not isinstance(stored, bool):
        return math.isclose(float(shown), float(stored), rel_tol=1e-9, abs_tol=1e-12)
    return shown == str(stored)


def test_a_small_study_end_to_end_its_report_matches_its_csv(tmp_path: Path):
    out = tmp_path / "out"
    done = subprocess.run(
        [str(STOSIM), "study", str(write_study(tmp_path)), "--workers", "1", "--out", str(out)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Does T+0 shorten settlement" in done.stdout and "T+0" in done.stdout

    runs = pd.read_csv(out / "runs.csv")
    assert sorted(runs["arm"].unique()) == ["T+0", "T+2"]
    # common random numbers: both arms ran the same three seeds
    assert sorted(runs[runs["arm"] == "T+0"]["seed"]) == sorted(runs[runs["arm"] == "T+2"]["seed"])
    assert len(runs) == 6

    differences = pd.read_csv(out / "differences.csv")
    settle = differences.set_index("metric").loc["match_to_settle_mean_s"]
    assert settle["n"] == 3 and settle["high"] < 0  # T+0 settles sooner on every seed
    assert settle["verdict"].startswith("lower than the baseline")
    base = runs[runs["arm"] == "T+2"].set_index("seed")["match_to_settle_mean_s"]
    var = runs[runs["arm"] == "T+0"].set_index("seed")["match_to_settle_mean_s"]
    assert settle["diff_mean"] == pytest.approx((var - base).mean())

    # the HTML report carries exactly the CSV's figures, table by table
    parser = Tables()
    parser.feed((out / "report.html").read_text())
    for name, frame in (("differences.csv", differences), ("runs.csv", runs)):
        assert parser.columns[name] == list(frame.columns), name
        body = [row for row in parser.tables[name] if row]
        assert len(body) == len(frame), name
        for shown, stored in zip(body, frame.itertuples(index=False), strict=True):
            for cell, value in zip(shown, stored, strict=True):
                assert same(cell, value), (name, cell, value)
    # and its charts: the interval chart's rows are the differences
    html = (out / "report.html").read_text()
    assert "vegaEmbed" in html and "https://" not in html.split("<script>")[0]
    meta = json.loads((out / "study.json").read_text())
    assert meta["seeds"] == 3 and meta["base_seed"] == 2027


def test_a_study_file_with_a_bad_field_is_refused_before_anything_runs(tmp_path: Path):
    with pytest.raises(StudyError, match="metrics") as caught:
        load_study(write_study(tmp_path, metrics=["fees_bsp"]))
    assert "allowed" in str(caught.value)
    bad_override = write_study(tmp_path, variants=[{"name": "x", "overrides": {"market.days": -1}}])
    with pytest.raises(StudyError, match=r"(?s)variants.0 \(x\).*market.days"):
        load_study(bad_override)
    with pytest.raises(StudyError, match="arm names must differ"):
        load_study(write_study(tmp_path, variants=[{"name": "T+2"}]))


def test_every_library_study_loads_and_opens_with_its_question():
    files = sorted((ROOT / "studies").glob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        study = load_study(path)
        assert path.read_text().startswith("# Question:"), path
        assert study.spec.question and len(study.jobs()) >= 2 * study.spec.seeds


def test_findings_are_written_between_the_readme_markers(tmp_path: Path):
    from simulator.findings import END, START, update_readme

    studies, results = tmp_path / "studies", tmp_path / "results"
    studies.mkdir()
    file = write_study(studies)
    where = results / file.stem
    where.mkdir(parents=True)
    (where / "study.json").write_text(json.dumps({"seeds": 5, "ledger": "revm"}))
    rows = [
        {"arm": "T+0", "metric": "match_to_settle_mean_s", "n": 5, "baseline_mean": 333_344.0,
         "diff_mean": -330_000.0, "low": -340_000.0, "high": -320_000.0,
         "verdict": "lower than the baseline"},
        {"arm": "T+0", "metric": "trade_count", "n": 5, "baseline_mean": 230.0, "diff_mean": 2.0,
         "low": -5.0, "high": 9.0, "verdict": "cannot tell apart with 5 seeds"},
        {"arm": "T+0", "metric": "market_share.NXT", "n": 0, "baseline_mean": None,
         "diff_mean": None, "low": None, "high": None, "verdict": "no value in both arms"},
    ]  # fmt: skip
    pd.DataFrame(rows).to_csv(where / "differences.csv", index=False)
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n## Findings\n\n{START}\nold\n{END}\n\n## After\n")
    assert update_readme(readme, studies, results) == 1
    text = readme.read_text()
    assert "old" not in text and text.endswith(f"{END}\n\n## After\n")
    assert "**Does T+0 shorten settlement in a small market?**" in text
    assert "| T+0 | match to settlement, mean (s) | 333,344 s (3.9 d) | -330,000 s (-3.8 d)" in text
    assert "no difference the seeds can tell apart in trades matched" in text
    assert "no figure in one of the arms for market share NXT" in text
    readme.write_text("# no markers\n")
    with pytest.raises(Exception, match="markers"):
        update_readme(readme, studies, results)
