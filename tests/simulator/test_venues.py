"""Venues as businesses in whole runs: fee policies that move fees on-chain, entry decided by a
break-even test, the incumbents' exclusivity logged, and zero-share venues in every table."""

from __future__ import annotations

from .literature import entrant, summaries_and_tables


def test_a_share_seeking_venue_below_its_target_cuts_its_fees_on_chain():
    """A target of the whole market is never reached: every review cuts, down to the floor."""
    policy = {"kind": "share", "review_days": 2, "step_bps": 5, "target_share": 1.0}
    tables, _ = summaries_and_tables({"venues.1.fee_policy": policy}, seed=2)
    changes = tables["fee_schedule_changed"]
    assert len(changes) >= 2 and set(changes["venue"]) == {"B"}
    assert list(changes["taker_bps"]) == [10, 5, 0][: len(changes)]
    # the chain charged the new schedule: B's last fees are the policy's last step
    fees = tables["fee_charged"].query("venue == 'B' and fee_kind == 'taker'")
    late = fees[fees["t"] > changes["t"].max()]
    settled = tables["trade_settled"].set_index("trade_id")["value"]
    if len(late):
        bps = (late["amount"].sum() / settled.loc[late["trade_id"]].sum()) * 1e4
        assert abs(bps - changes["taker_bps"].iloc[-1]) < 1


def test_a_venue_above_its_target_share_raises_its_fees():
    policy = {"kind": "share", "review_days": 2, "step_bps": 5, "target_share": 0.0}
    tables, _ = summaries_and_tables({"venues.0.fee_policy": policy}, seed=2)
    changes = tables["fee_schedule_changed"]
    assert set(changes["venue"]) == {"A"} and changes["taker_bps"].is_monotonic_increasing
    assert changes["taker_bps"].iloc[0] == 20


def test_an_entrant_enters_only_when_it_breaks_even_and_then_appears_in_every_table():
    tables, result = summaries_and_tables({}, extra=entrant(10**6), seed=1)
    opened = tables["venue_opened"].set_index("venue")
    assert bool(opened.loc["C", "entered"]) and opened.loc["C", "expected_revenue_krw"] > 10**6
    costs = tables["venue_cost"].query("venue == 'C'")
    assert costs.query("cost_kind == 'entry'")["amount"].sum() == 10**6
    tables, result = summaries_and_tables({}, extra=entrant(10**12), seed=1)
    assert not bool(tables["venue_opened"].set_index("venue").loc["C", "entered"])
    assert "C" not in result.summary["market_share"]  # it never opened


def test_an_incumbents_exclusivity_refuses_the_entrants_listings_and_logs_why():
    overrides = {"firms.3.incumbent": False, "regime.incumbent_exclusivity_days": 4}
    tables, result = summaries_and_tables(overrides, seed=1)
    refused = tables["refused"].query("rule_id == 'REG-EXCL'")
    assert set(refused["venue"]) == {"B"} and len(refused) == 2  # both assets, at day 0
    listed = tables["listing_decided"].query("venue == 'B' and accepted")
    assert (listed["t"] == 4 * 86_400).all() and len(listed) == 2
    for name in ("market_shares", "venue_pnl", "settlement"):
        assert "B" in set(result.metrics[name]["venue"]), name


def test_a_revenue_seeking_venue_moves_its_fees_and_turns_back_when_revenue_falls():
    policy = {"kind": "revenue", "review_days": 2, "step_bps": 5}
    tables, _ = summaries_and_tables({"venues.0.fee_policy": policy}, seed=3)
    steps = tables["fee_schedule_changed"]["taker_bps"].diff().dropna()
    assert len(steps) >= 1 and set(steps.abs()) == {5}
    first = tables["fee_schedule_changed"]["taker_bps"].iloc[0]
    assert first == 10  # its first move is a cut
