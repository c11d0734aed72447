"""Scenario files: the library in scenarios/ loads, and bad files give a ScenarioError that names
the field path and what is allowed, never a traceback. No chain needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from simulator.scenario import ScenarioError, apply_overrides, load_scenario, parse_scenario
from simulator.workload import estimate
from stosim_cli.main import app

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BASELINE = SCENARIOS / "baseline-2027.yaml"
FILES = sorted(SCENARIOS.glob("*.yaml"))
runner = CliRunner()


def baseline() -> dict[str, Any]:
    return yaml.safe_load(BASELINE.read_text())


def write(tmp_path: Path, data: Any, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = baseline()
    change(data)
    return data


def problems_of(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems, "a ScenarioError lists at least one problem"
    return info.value.problems


def message_at(problems: list[tuple[str, str]], field: str) -> str:
    """The message of the problem at exactly this field path."""
    found = [message for path, message in problems if path == field]
    assert found, f"no problem at {field!r}: {problems}"
    return found[0]


# ---- the library ----


def test_the_library_exists():
    assert BASELINE in FILES
    assert len(FILES) >= 2


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_scenario_loads_and_states_its_question(path: Path):
    scenario = load_scenario(path)
    assert path.read_text().startswith("# Question: "), "opens with a '# Question:' comment"
    assert scenario.question.strip(), "has a non-empty question field"
    # short enough to run in about a minute: time grows with the orders (simulator/workload.py;
    # the embedded ledger runs about ten times as many in a minute as Anvil)
    limit = 20_000 if scenario.ledger.backend == "revm" else 2_000
    assert estimate(scenario).orders <= limit, "short enough to run in about a minute"


def test_scenario_names_are_unique():
    names = [load_scenario(path).name for path in FILES]
    assert len(names) == len(set(names)), names


# ---- bad files ----

BAD: list[Any] = [
    pytest.param(
        lambda d: d["market"].update(lenght=10), "market.lenght", "unknown key", id="unknown-key"
    ),
    pytest.param(lambda d: d["market"].update(days="ten"), "market.days", "integer", id="type"),
    pytest.param(
        lambda d: d["offerings"][0].update(quantity=-5),
        "offerings.0.quantity",
        "greater than 0",
        id="negative-size",
    ),
    pytest.param(
        lambda d: d["assets"][0].update(kind="gold"),
        "assets.0.kind",
        "music_royalty",
        id="unknown-asset-kind",
    ),
    pytest.param(
        lambda d: d["investors"][0].update({"class": "vip"}),
        "investors.0.class",
        "professional",
        id="unknown-investor-class",
    ),
    pytest.param(
        lambda d: d["investors"][0]["strategies"].update(noise=0.5),
        "investors.0.strategies",
        "add up to 1",
        id="strategy-shares",
    ),
    pytest.param(lambda d: d.update(schema_version=2), "schema_version", "1", id="schema-version"),
]


@pytest.mark.parametrize(("change", "field", "word"), BAD)
def test_a_bad_value_names_its_field_and_what_is_allowed(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], field: str, word: str
):
    problems = problems_of(write(tmp_path, changed(change)))
    assert word in message_at(problems, field)


def test_an_unknown_rule_id_lists_the_allowed_ones(tmp_path: Path):
    problems = problems_of(
        write(tmp_path, changed(lambda d: d["regime"]["rules"].update({"KR-XYZ-9": False})))
    )
    # the check sits on Regime, so the path is "regime"; "regime.rules" would be more precise
    [message] = [m for p, m in problems if p in ("regime", "regime.rules")]
    assert "KR-XYZ-9" in message
    assert "allowed" in message and "KR-SEP-1" in message


REFERENCES: list[Any] = [
    pytest.param(
        lambda d: d["assets"][0].update(issuer="nobody"),
        "assets.0.issuer",
        "unknown firm",
        id="issuer-not-a-firm",
    ),
    pytest.param(
        lambda d: d["assets"][1].update(issuer="mirae-sec"),
        "assets.1.issuer",
        "role",
        id="issuer-not-an-issuer",
    ),
    pytest.param(
        lambda d: d["venues"][0].update(operator="mirae-sec"),
        "venues.0.operator",
        "role",
        id="operator-not-a-venue-operator",
    ),
    pytest.param(
        lambda d: d["venues"][1].update(operator="nobody"),
        "venues.1.operator",
        "unknown firm",
        id="operator-not-a-firm",
    ),
    pytest.param(
        lambda d: d["offerings"][0].update(asset="NOPE"),
        "offerings.0.asset",
        "unknown asset",
        id="offering-for-unknown-asset",
    ),
]


@pytest.mark.parametrize(("change", "field", "word"), REFERENCES)
def test_an_inconsistent_reference_has_its_own_field_path(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], field: str, word: str
):
    problems = problems_of(write(tmp_path, changed(change)))
    assert word in message_at(problems, field)


def test_an_offering_for_an_unknown_asset_leaves_the_asset_without_one(tmp_path: Path):
    problems = problems_of(write(tmp_path, changed(lambda d: d["offerings"][0].update(asset="X"))))
    assert "SEOUL1" in message_at(problems, "offerings")


def test_duplicate_ids_are_reported_at_the_second_one(tmp_path: Path):
    problems = problems_of(write(tmp_path, changed(lambda d: d["venues"][1].update(id="NXT"))))
    assert "duplicate" in message_at(problems, "venues.1.id")


def test_every_problem_is_reported_at_once(tmp_path: Path):
    def two_problems(d: dict[str, Any]) -> None:
        d["market"]["days"] = 0
        d["venues"][0]["settlement_days"] = -1

    problems = problems_of(write(tmp_path, changed(two_problems)))
    assert {"market.days", "venues.0.settlement_days"} <= {path for path, _ in problems}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        pytest.param("market: {days: [1, 2\n", "YAML", id="malformed-yaml"),
        pytest.param("- schema_version: 1\n- name: x\n", "mapping", id="list-not-mapping"),
        pytest.param("", "mapping", id="empty-file"),
    ],
)
def test_a_file_that_is_no_scenario_is_reported_for_the_file(tmp_path: Path, text: str, word: str):
    assert word in message_at(problems_of(write(tmp_path, text)), "")


def test_a_missing_file(tmp_path: Path):
    assert "cannot read" in message_at(problems_of(tmp_path / "nowhere.yaml"), "")


def test_the_error_message_lists_every_problem_with_its_path(tmp_path: Path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, changed(lambda d: d["market"].update(lenght=10))))
    assert "market.lenght: unknown key" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


# ---- the command line ----


def test_cli_validate_accepts_the_baseline():
    result = runner.invoke(app, ["validate", str(BASELINE)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "baseline-2027" in result.output


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(changed(lambda d: d["market"].update(lenght=10)), "market.lenght", id="key"),
        pytest.param(changed(lambda d: d["market"].update(days="ten")), "market.days", id="type"),
        pytest.param(
            changed(lambda d: d["venues"][0].update(operator="mirae-sec")),
            "venues.0.operator",
            id="reference",
        ),
        pytest.param("market: {days: [1, 2\n", "YAML", id="malformed"),
    ],
)
def test_cli_validate_rejects_a_bad_file_without_a_traceback(tmp_path: Path, data: Any, field: str):
    result = runner.invoke(app, ["validate", str(write(tmp_path, data))])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert field in result.output
    assert "Traceback" not in result.output


def test_cli_validate_a_missing_file(tmp_path: Path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nowhere.yaml")])
    assert result.exit_code == 1
    assert "cannot read" in result.output and "Traceback" not in result.output


def test_cli_validate_prints_brackets_in_a_bad_file_literally(tmp_path: Path):
    result = runner.invoke(
        app, ["validate", str(write(tmp_path, changed(lambda d: d["market"].update({"[/x]": 1}))))]
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "market.[/x]" in result.output


# ---- overrides ----


def test_apply_overrides_sets_nested_values_and_list_elements():
    data = baseline()
    result = apply_overrides(
        data,
        {
            "market.days": 3,
            "venues.0.settlement_days": 0,
            "investors.2.strategies.noise": 0.3,
            "regime.params.max_venue_licences": 3,
        },
    )
    assert result["market"]["days"] == 3
    assert result["venues"][0]["settlement_days"] == 0
    assert result["venues"][1]["settlement_days"] == 2
    assert result["investors"][2]["strategies"]["noise"] == 0.3
    assert result["regime"]["params"] == {"max_venue_licences": 3}
    assert data == baseline(), "the input is not changed"


def test_overrides_are_validated_like_the_file():
    scenario = load_scenario(BASELINE, {"venues.0.settlement_days": 0, "market.days": 3})
    assert scenario.venues[0].settlement_days == 0
    assert scenario.venues[1].settlement_days == 2
    assert scenario.market.days == 3
    with pytest.raises(ScenarioError) as info:
        parse_scenario(baseline(), "baseline", {"venues.0.settlement_days": 11})
    assert "less than or equal to 10" in message_at(info.value.problems, "venues.0.settlement_days")


BASELINE_TEXT = (
    Path(__file__).resolve().parents[2] / "scenarios" / "baseline-2027.yaml"
).read_text()


@pytest.mark.parametrize(
    ("text", "field", "word"),
    [
        pytest.param(
            BASELINE_TEXT.replace("start: 2027-02-04", "start: 2027-02-30"),
            "market.start",
            "not a real date",
            id="impossible-date",
        ),
        pytest.param(
            BASELINE_TEXT.replace("name: baseline-2027", "name: baseline-2027\nname: other"),
            "name",
            "duplicate key on line",
            id="duplicate-key",
        ),
        pytest.param(
            BASELINE_TEXT.replace(
                "    operator: kdx\n", "    operator: kdx\n    attractiveness: .inf\n"
            ),
            "venues.1.attractiveness",
            "finite",
            id="infinite",
        ),
        pytest.param(
            BASELINE_TEXT.replace("median_krw: 3000000,", f"median_krw: {2**256},"),
            "investors.0.budget.median_krw",
            "less than or equal to 1000000000000000",
            id="above-2^256",
        ),
        pytest.param(
            BASELINE_TEXT.replace(
                "fees: {maker_bps: 100,", f"fees: {{listing_fee: {2**257}, maker_bps: 100,"
            ),
            "venues.1.fees.listing_fee",
            "less than or equal",
            id="listing-fee-above-2^256",
        ),
    ],
)
def test_cli_validate_names_the_field_of_each_unusable_value(
    tmp_path: Path, text: str, field: str, word: str
):
    """Each of these used to validate and then crash the run, or give a traceback."""
    assert text != BASELINE_TEXT
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert f"{field}: " in result.output and word in result.output, result.output
    assert "Traceback" not in result.output
