"""Metrics on a small hand-built log, every expected number worked out by hand in the comments.

The log: assets APT (1,000 units) and ART (500); venues alpha and beta; investors i1, i3, i4
(general) and i2 (professional). Six matched trades:

    trade  t       venue  asset  qty  price   value   mid_before  buyer(class)  seller(class)
    T1     25      alpha  APT    4    10,100  40,400  10,000      i2 (prof)     i1 (gen)
    T2     50      alpha  APT    6    10,000  60,000  NaN         i2 (prof)     i1 (gen)
    T3     86,500  alpha  APT    4    12,500  50,000  12,500      i1 (gen)      i2 (prof)
    T4     300     beta   APT    1    9,600   9,600   10,000      i3 (gen)      i2 (prof)
    T5     400     alpha  ART    3    10,000  30,000  NaN         i3 (gen)      i1 (gen)
    T6     500     beta   ART    1    10,000  10,000  10,000      i2 (prof)     i3 (gen)

T2 fails settlement; the others settle, for a settled value of 140,000 KRW:
alpha 40,400 + 50,000 + 30,000 = 120,400 and beta 9,600 + 10,000 = 19,600.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from simulator import metrics as m
from simulator.eventlog import EventLog
from simulator.events import (
    AssetIssued,
    Event,
    FeeCharged,
    InvestorState,
    OrderSubmitted,
    QuoteSnapshot,
    Refused,
    TradeFailed,
    TradeMatched,
    TradeSettled,
)

NAN = math.nan
GEN, PRO = "general", "professional"

# (order_id, t, investor, class, venue, asset, side, quantity, limit)
ORDERS = [
    (1, 10, "i1", GEN, "alpha", "APT", "sell", 10, 10_000),
    (2, 20, "i2", PRO, "alpha", "APT", "buy", 4, 10_100),
    (3, 30, "i2", PRO, "alpha", "APT", "buy", 10, 10_050),
    (4, 86_450, "i1", GEN, "alpha", "APT", "buy", 4, 12_500),
    (5, 86_400, "i2", PRO, "alpha", "APT", "sell", 4, 12_500),
    (7, 290, "i3", GEN, "beta", "APT", "buy", 1, 9_600),
    (8, 200, "i2", PRO, "beta", "APT", "sell", 2, 9_600),
    (9, 400, "i3", GEN, "alpha", "ART", "buy", 3, 10_000),
    (10, 350, "i1", GEN, "alpha", "ART", "sell", 3, 10_000),
]  # T6's orders (11, 12) are not in the log

# (trade_id, t, venue, asset, buyer, seller, quantity, price, buy id, sell id, mid_before)
TRADES = [
    (1, 25, "alpha", "APT", "i2", "i1", 4, 10_100, 2, 1, 10_000.0),
    (2, 50, "alpha", "APT", "i2", "i1", 6, 10_000, 3, 1, NAN),
    (3, 86_500, "alpha", "APT", "i1", "i2", 4, 12_500, 4, 5, 12_500.0),
    (4, 300, "beta", "APT", "i3", "i2", 1, 9_600, 7, 8, 10_000.0),
    (5, 400, "alpha", "ART", "i3", "i1", 3, 10_000, 9, 10, NAN),
    (6, 500, "beta", "ART", "i2", "i3", 1, 10_000, 11, 12, 10_000.0),
]
CLASS = {"i1": GEN, "i2": PRO, "i3": GEN}
SETTLED_AT = {1: 125, 3: 86_800, 4: 400, 5: 600, 6: 500}  # match_to_settle 100, 300, 100, 200, 0


def build_events() -> list[Event]:
    out: list[Event] = [
        AssetIssued(0, "APT", "real_estate", "issuer1", 1_000, 10_000),
        AssetIssued(0, "ART", "art", "issuer1", 500, 10_000),
    ]
    out += [OrderSubmitted(t, i, inv, c, v, a, s, q, p) for i, t, inv, c, v, a, s, q, p in ORDERS]
    for tid, t, v, a, buyer, seller, q, p, bid, sid, mid in TRADES:
        out.append(
            TradeMatched(
                t, tid, v, a, buyer, seller, CLASS[buyer], CLASS[seller], q, p, "buy", bid, sid, mid
            )
        )
        if tid in SETTLED_AT:
            out.append(TradeSettled(SETTLED_AT[tid], tid, v, a, q, p, q * p))
    out += [
        TradeFailed(1_000, 2, "alpha", "APT", "R-CASH", "insufficient cash"),
        FeeCharged(25, 1, "alpha", "i2", "investor:professional", "alpha", "venue", 140, "taker"),
        FeeCharged(25, 1, "alpha", "i1", "investor:general", "alpha", "venue", 70, "maker"),
        FeeCharged(25, 1, "alpha", "i1", "investor:general", "KSD", "registrar", 28, "maker"),
        FeeCharged(86_500, 3, "alpha", "i1", "investor:general", "alpha", "venue", 140, "taker"),
        FeeCharged(0, 0, "beta", "issuer1", "issuer", "beta", "venue", 1_400, "listing"),
        # alpha APT: spreads 100 on a mid of 10,000 (100 bps) and 200 (200 bps), one-sided once
        QuoteSnapshot(5, "alpha", "APT", 9_950, 10_050, 3, 7),
        QuoteSnapshot(60, "alpha", "APT", 9_900, 10_100, 5, 5),
        QuoteSnapshot(70, "alpha", "APT", 0, 10_100, 0, 4),
        QuoteSnapshot(5, "beta", "APT", 9_500, 10_500, 1, 1),  # 1,000 on 10,000: 1,000 bps
        QuoteSnapshot(5, "beta", "BND", 0, 0, 0, 0),  # an empty book, never traded
        Refused(15, "order", "i3", "alpha", "APT", "R-LIMIT", "investment limit", 0),
        Refused(0, "listing", "issuer1", "beta", "ART", "R-LIST", "not eligible", 0),
        # wealth = cash + holdings_value; i4 only appears at the end
        InvestorState(0, "i1", GEN, 1_000_000, 100_000),
        InvestorState(0, "i2", PRO, 2_000_000, 0),
        InvestorState(0, "i3", GEN, 500_000, 0),
        InvestorState(90_000, "i1", GEN, 1_050_000, 0),
        InvestorState(90_000, "i2", PRO, 1_950_000, 75_000),
        InvestorState(90_000, "i3", GEN, 480_000, 40_000),
        InvestorState(90_000, "i4", GEN, 400_000, 0),
    ]
    return out


def make_tables(events: list[Event]) -> dict[str, pd.DataFrame]:
    log = EventLog()
    for event in events:
        log.append(event)
    return log.tables()


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return make_tables(build_events())


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return frame.to_dict("records")


def test_fees(tables: dict[str, pd.DataFrame]) -> None:
    out = m.fees(tables)
    assert list(out.columns) == m.COLUMNS["fees"]
    # bps of the 140,000 KRW settled: 28 -> 2, 70 + 140 = 210 -> 15, 140 -> 10, 1,400 -> 100
    assert records(out) == [
        dict(payer_type="investor:general", payee_type="registrar", payee="KSD", venue="alpha",
             krw=28, bps_of_settled_value=pytest.approx(2.0), count=1),
        dict(payer_type="investor:general", payee_type="venue", payee="alpha", venue="alpha",
             krw=210, bps_of_settled_value=pytest.approx(15.0), count=2),
        dict(payer_type="investor:professional", payee_type="venue", payee="alpha",
             venue="alpha", krw=140, bps_of_settled_value=pytest.approx(10.0), count=1),
        dict(payer_type="issuer", payee_type="venue", payee="beta", venue="beta",
             krw=1_400, bps_of_settled_value=pytest.approx(100.0), count=1),
    ]  # fmt: skip


def test_fees_by_party(tables: dict[str, pd.DataFrame]) -> None:
    out = m.fees_by_party(tables)
    assert list(out.columns) == m.COLUMNS["fees_by_party"]
    assert list(out["party_type"]) == [
        "investor:general",
        "investor:professional",
        "issuer",
        "registrar",
        "venue",
    ]
    assert list(out["paid_krw"]) == [28 + 70 + 140, 140, 1_400, 0, 0]
    assert list(out["received_krw"]) == [0, 0, 0, 28, 70 + 140 + 140 + 1_400]
    assert list(out["paid_trading_krw"]) == [28 + 70 + 140, 140, 0, 0, 0]  # listing: one-off
    # each party's own settled value (both sides; T2 failed): general bought 50,000 + 9,600 +
    # 30,000 and sold 40,400 + 30,000 + 10,000; professional bought 40,400 + 10,000 and sold
    # 50,000 + 9,600
    assert list(out["settled_value"]) == [170_000, 110_000, 0, 0, 0]
    # 238 / 170,000 * 1e4 = 14 bps; 140 / 110,000 * 1e4 = 12.7; no settled value: NaN
    assert list(out["paid_bps"]) == pytest.approx(
        [14.0, 140 / 110_000 * 1e4, NAN, NAN, NAN], nan_ok=True
    )


def test_liquidity(tables: dict[str, pd.DataFrame]) -> None:
    out = m.liquidity(tables).set_index(["venue", "asset"])
    assert list(out.reset_index().columns) == m.COLUMNS["liquidity"]
    assert list(out.index) == [
        ("alpha", "APT"),
        ("alpha", "ART"),
        ("beta", "APT"),
        ("beta", "ART"),
        ("beta", "BND"),
    ]
    alpha_apt = out.loc[("alpha", "APT")].to_dict()
    assert alpha_apt == {
        "quoted_spread_bps": pytest.approx(150.0),  # mean of 100 and 200 (one-sided skipped)
        # T1: 2 * |10,100 - 10,000| / 10,000 = 200 bps; T3 at its mid: 0; T2 (no mid) skipped
        "effective_spread_bps": pytest.approx(100.0),
        "depth_at_best": pytest.approx(8.0),  # (10 + 10 + 4) / 3
        "two_sided_share": pytest.approx(2 / 3),
        "trade_count": 3,
        "traded_quantity": 14,  # 4 + 6 + 4
        "traded_value": 150_400,  # 40,400 + 60,000 + 50,000
        "turnover": pytest.approx(0.014),  # 14 / 1,000
        # day 0 closes at 10,000 (T2, the last), day 1 at 12,500 with 50,000 KRW traded:
        # |12,500 / 10,000 - 1| = 0.25; 0.25 / 50,000 * 1e6 = 5
        "amihud": pytest.approx(5.0),
        # orders 1, 2, 3, 4, 5: filled 10 + 4 + 6 + 4 + 4 = 28 of 10 + 4 + 10 + 4 + 4 = 32
        "fill_rate": pytest.approx(0.875),
    }
    beta_apt = out.loc[("beta", "APT")]
    assert beta_apt["quoted_spread_bps"] == pytest.approx(1_000.0)
    assert beta_apt["effective_spread_bps"] == pytest.approx(800.0)  # 2 * 400 / 10,000
    assert beta_apt["depth_at_best"] == 2.0 and beta_apt["two_sided_share"] == 1.0
    assert beta_apt["turnover"] == pytest.approx(0.001)
    assert math.isnan(beta_apt["amihud"])  # a single trading day
    assert beta_apt["fill_rate"] == pytest.approx(2 / 3)  # 1 of 1 and 1 of 2
    alpha_art = out.loc[("alpha", "ART")]
    assert math.isnan(alpha_art["quoted_spread_bps"]) and math.isnan(alpha_art["depth_at_best"])
    assert math.isnan(alpha_art["effective_spread_bps"])  # T5 had no mid
    assert alpha_art["turnover"] == pytest.approx(0.006)  # 3 / 500
    assert alpha_art["fill_rate"] == 1.0
    beta_art = out.loc[("beta", "ART")]
    assert beta_art["effective_spread_bps"] == 0.0
    assert math.isnan(beta_art["fill_rate"])  # its orders are not in the log
    bnd = out.loc[("beta", "BND")]
    assert (bnd["trade_count"], bnd["traded_quantity"], bnd["traded_value"]) == (0, 0, 0)
    assert bnd["depth_at_best"] == 0.0 and bnd["two_sided_share"] == 0.0
    assert math.isnan(bnd["quoted_spread_bps"]) and math.isnan(bnd["turnover"])  # not issued


def test_liquidity_day_length(tables: dict[str, pd.DataFrame]) -> None:
    # with 2-day "days" all of alpha APT's trades fall on one day: no return, no Amihud figure
    out = m.liquidity(tables, day_seconds=2 * 86_400).set_index(["venue", "asset"])
    assert math.isnan(out.loc[("alpha", "APT"), "amihud"])


def test_settlement(tables: dict[str, pd.DataFrame]) -> None:
    out = m.settlement(tables)
    assert list(out.columns) == m.COLUMNS["settlement"]
    assert list(out["venue"]) == ["alpha", "beta", "ALL"]
    rows = out.set_index("venue")
    # order_to_match: T1 25 - 10 = 15, T2 50 - 10 = 40, T3 86,500 - 86,400 = 100, T5 400 - 350
    # = 50 on alpha; T4 300 - 200 = 100 on beta (T6's orders are unknown)
    # alpha [15, 40, 50, 100]: p50 45, p95 at rank 2.85: 50 + 0.85 * 50, p99 50 + 0.97 * 50
    alpha = rows.loc["alpha"]
    assert [alpha[f"order_to_match_{s}"] for s in ("mean", "p50", "p95", "p99")] == (
        pytest.approx([51.25, 45.0, 92.5, 98.5])
    )
    # match_to_settle alpha [100, 300, 200] (T2 failed): p95 at rank 1.9: 200 + 0.9 * 100
    assert [alpha[f"match_to_settle_{s}"] for s in ("mean", "p50", "p95", "p99")] == (
        pytest.approx([200.0, 200.0, 290.0, 298.0])
    )
    assert (alpha["settled"], alpha["failed"], alpha["fail_rate"]) == (3, 1, 0.25)
    beta = rows.loc["beta"]
    assert beta["order_to_match_mean"] == 100.0 and beta["order_to_match_p99"] == 100.0
    # beta match_to_settle [100, 0]: mean 50, p95 at rank 0.95: 95
    assert beta["match_to_settle_mean"] == 50.0 and beta["match_to_settle_p95"] == 95.0
    assert (beta["settled"], beta["failed"], beta["fail_rate"]) == (2, 0, 0.0)
    total = rows.loc["ALL"]
    # all [15, 40, 50, 100, 100]: mean 61; all settle [0, 100, 100, 200, 300]: mean 140,
    # p95 at rank 3.8: 200 + 0.8 * 100 = 280
    assert total["order_to_match_mean"] == 61.0 and total["order_to_match_p95"] == 100.0
    assert total["match_to_settle_mean"] == 140.0
    assert total["match_to_settle_p95"] == pytest.approx(280.0)
    assert (total["settled"], total["failed"]) == (5, 1)
    assert total["fail_rate"] == pytest.approx(1 / 6)


def test_settlement_fails(tables: dict[str, pd.DataFrame]) -> None:
    assert records(m.settlement_fails(tables)) == [
        {"venue": "alpha", "rule_id": "R-CASH", "reason": "insufficient cash", "count": 1}
    ]


def test_market_shares(tables: dict[str, pd.DataFrame]) -> None:
    out = m.market_shares(tables)
    assert list(out.columns) == m.COLUMNS["market_shares"]
    assert list(zip(out["asset"], out["venue"], out["settled_value"], strict=True)) == [
        ("APT", "alpha", 90_400),
        ("APT", "beta", 9_600),
        ("ART", "alpha", 30_000),
        ("ART", "beta", 10_000),
        ("ALL", "alpha", 120_400),
        ("ALL", "beta", 19_600),
    ]
    assert list(out["share"]) == pytest.approx([0.904, 0.096, 0.75, 0.25, 0.86, 0.14])
    # HHI: 90.4^2 + 9.6^2 = 8,172.16 + 92.16; 75^2 + 25^2 = 6,250; 86^2 + 14^2 = 7,396 + 196
    assert list(out["hhi"]) == pytest.approx([8_264.32] * 2 + [6_250.0] * 2 + [7_592.0] * 2)


def test_investor_outcomes(tables: dict[str, pd.DataFrame]) -> None:
    out = m.investor_outcomes(tables)
    assert list(out.columns) == m.COLUMNS["investor_outcomes"]
    assert records(out) == [
        {
            "investor_class": GEN,
            "investors": 2,  # i1 and i3; i4 arrives later
            "start_wealth": 2_000_000,  # 1,100,000 + 500,000 + i4's only state 400,000
            "end_wealth": 1_970_000,  # 1,050,000 + 520,000 + 400,000
            "pnl": -30_000,
            "pnl_pct": pytest.approx(-1.5),
            # sold T1, T2, T5, T6: 40,400 + 60,000 + 30,000 + 10,000; bought T3, T4, T5:
            # 50,000 + 9,600 + 30,000 (T5 counts on both sides)
            "traded_value": 230_000,
            "fees_paid": 238,  # 70 + 28 + 140
            "refusals": 1,  # i3; the issuer's refusal belongs to no class
        },
        {
            "investor_class": PRO,
            "investors": 1,
            "start_wealth": 2_000_000,
            "end_wealth": 2_025_000,
            "pnl": 25_000,
            "pnl_pct": pytest.approx(1.25),
            "traded_value": 170_000,  # bought 40,400 + 60,000 + 10,000, sold 50,000 + 9,600
            "fees_paid": 140,
            "refusals": 0,
        },
    ]


def test_refusals(tables: dict[str, pd.DataFrame]) -> None:
    assert records(m.refusals(tables)) == [
        {"rule_id": "R-CASH", "stage": "settlement", "count": 1},
        {"rule_id": "R-LIMIT", "stage": "order", "count": 1},
        {"rule_id": "R-LIST", "stage": "listing", "count": 1},
    ]


def test_summary(tables: dict[str, pd.DataFrame]) -> None:
    out = m.summary(m.all_metrics(tables))
    assert out == {
        "total_settled_value_krw": 140_000,
        "trade_count": 6,
        "traded_value_krw": 200_000,
        "fees_krw": 1_778,
        "trading_fees_krw": 378,  # 28 + 70 + 140 + 140; the 1,400 listing fee is one-off
        "one_off_fees_krw": 1_400,
        "fees_bps": 13.5,  # 378 / (2 sides * 140,000 settled) * 1e4
        "market_share": {"alpha": 0.86, "beta": 0.14},
        "hhi": 7_592.0,
        "order_to_match_mean_s": 61.0,
        "order_to_match_p95_s": 100.0,
        "match_to_settle_mean_s": 140.0,
        "match_to_settle_p95_s": 280.0,
        "settlement_fails": 1,
        "quoted_spread_bps_mean": 575.0,  # (150 + 1,000) / 2, rows without quotes skipped
        "effective_spread_bps_mean": 300.0,  # (100 + 800 + 0) / 3
        "refusals": {"R-CASH": 1, "R-LIMIT": 1, "R-LIST": 1},
    }
    assert json.loads(json.dumps(out)) == out


def test_all_metrics_keys_and_order_independence() -> None:
    forward = m.all_metrics(make_tables(build_events()))
    backward = m.all_metrics(make_tables(build_events()[::-1]))
    assert list(forward) == list(m.COLUMNS)
    for key, frame in forward.items():
        pd.testing.assert_frame_equal(frame, backward[key], check_dtype=False, obj=key)


def test_rounding() -> None:
    assert m._num(1 / 3) == 0.333333
    assert m._num(123_456_789.0) == 123_457_000.0
    assert m._num(math.nan) is None and m._num(math.inf) is None and m._num(None) is None
    assert m._num(pd.Series([7]).sum()) == 7 and isinstance(m._num(pd.Series([7]).sum()), int)


@pytest.mark.parametrize("empty", [EventLog().tables(), {}], ids=["empty_log", "no_tables"])
def test_empty(empty: dict[str, pd.DataFrame]) -> None:
    out = m.all_metrics(empty)
    for key, frame in out.items():
        assert list(frame.columns) == m.COLUMNS[key], key
        assert len(frame) == (1 if key == "settlement" else 0), key
    total = out["settlement"].iloc[0]
    assert total["venue"] == "ALL" and (total["settled"], total["failed"]) == (0, 0)
    assert math.isnan(total["fail_rate"]) and math.isnan(total["order_to_match_p95"])
    digest = m.summary(out)
    assert digest["total_settled_value_krw"] == 0 and digest["fees_bps"] is None
    assert digest["market_share"] == {} and digest["hhi"] is None and digest["refusals"] == {}
    assert json.loads(json.dumps(digest)) == digest
    assert m.summary({}) == digest
