"""Metrics of a run: pure functions from the event tables (`EventLog.tables()`) to DataFrames.

Fees (KRW and bps of settled value), liquidity per venue and asset (spreads, depth, volume,
turnover, Amihud illiquidity, fill rates), settlement latencies and fails, venue market shares
with the HHI, outcomes per investor class, refusals by rule and stage; `all_metrics` gathers the
tables and `summary` digests them into a small JSON-serialisable dict of headline figures.

No I/O, no randomness; rows are sorted by their grouping keys ("ALL" rows come last). A missing
or empty table is read as an empty one with its event's columns, so nothing raises on an empty
log: the result is then an empty frame with its columns, or NaN values.

"Traded value" means one thing everywhere: the matched value, quantity * price of every matched
trade (settled or not); settled value is named as such. Trading fees (maker/taker) are charged
when a trade settles, so their bps are of settled value; they are kept apart from one-off fees
(listing, underwriting), which no trade explains.

Liquidity is computed in `liquidity.py`, settlement times in `settlement_times.py`, and the
readers they share in `metric_tables.py`; this module gathers them with the fee, share, outcome
and refusal tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from simulator import events as ev
from simulator.fee_stack import ONE_OFF, PER_TRADE, SEGMENT
from simulator.liquidity import liquidity
from simulator.metric_tables import (
    ALL,
    COLUMNS,
    FEE_KEYS,
    Tables,
    _num,
    _opened,
    _table,
    _traded,
)
from simulator.parties import INVESTOR_PARTY, investor_party
from simulator.settlement_times import settlement, settlement_fails

# re-exported: the metric functions and the readers competition.py and efficiency.py build on
__all__ = [
    "ALL", "COLUMNS", "Tables", "_num", "_opened", "_table", "all_metrics", "fees",
    "fees_by_party", "fees_by_segment", "investor_outcomes", "liquidity", "market_shares",
    "refusals", "settlement", "settlement_fails", "summary",
]  # fmt: skip

TRADING_FEES = PER_TRADE  # charged on every trade; the rest are one-off or periodic fees


def _settled_value(tables: Tables) -> float:
    """Total settled value of all trades (KRW); NaN when nothing settled."""
    total = float(_table(tables, ev.TradeSettled)["value"].sum())
    return total if total > 0 else math.nan


def _party_value(tables: Tables, settled: bool = False) -> pd.Series:
    """Traded (or only settled) value per party type ("investor:<class>"), both sides of every
    trade it took."""
    trades = _traded(tables)
    if settled:
        trades = trades[trades["trade_id"].isin(_table(tables, ev.TradeSettled)["trade_id"])]
    sides = [trades.groupby(f"{side}_class")["value"].sum() for side in ("buyer", "seller")]
    traded = pd.concat(sides).groupby(level=0).sum()
    return traded.rename(index=investor_party)


def fees(tables: Tables) -> pd.DataFrame:
    charged = _table(tables, ev.FeeCharged)
    out = charged.groupby(FEE_KEYS, as_index=False).agg(
        krw=("amount", "sum"), count=("amount", "size")
    )
    out["bps_of_settled_value"] = out["krw"] / _settled_value(tables) * 1e4
    return out[COLUMNS["fees"]].reset_index(drop=True)


def fees_by_party(tables: Tables) -> pd.DataFrame:
    """Per party type: all fees paid and received, and the trading fees it paid in bps of its
    own settled value (NaN for a party that does not trade, such as an issuer)."""
    charged = _table(tables, ev.FeeCharged)
    trading = charged[charged["fee_kind"].isin(TRADING_FEES)]
    out = pd.DataFrame(
        {
            "paid_krw": charged.groupby("payer_type")["amount"].sum(),
            "received_krw": charged.groupby("payee_type")["amount"].sum(),
            "paid_trading_krw": trading.groupby("payer_type")["amount"].sum(),
        }
    )
    out = out.fillna(0).astype("int64").rename_axis("party_type").sort_index()
    own = _party_value(tables, settled=True).reindex(out.index).fillna(0).astype("int64")
    out["settled_value"] = own
    out["paid_bps"] = out["paid_trading_krw"] / own.where(own > 0).astype(float) * 1e4
    return out.reset_index()[COLUMNS["fees_by_party"]]


def fees_by_segment(tables: Tables) -> pd.DataFrame:
    """Every fee by segment of the stack (issuance, distribution, settlement, custody, tax),
    kind, payer and payee type; trading fees in bps of the payer's own settled value."""
    charged = _table(tables, ev.FeeCharged)
    out = charged.groupby(["fee_kind", "payer_type", "payee_type"], as_index=False).agg(
        krw=("amount", "sum"), count=("amount", "size")
    )
    out["segment"] = out["fee_kind"].map(SEGMENT).fillna("other")
    out["one_off"] = out["fee_kind"].isin(ONE_OFF)
    own = out["payer_type"].map(_party_value(tables, settled=True)).astype(float)
    out["bps_of_payer_settled_value"] = (out["krw"] / own.where(own > 0) * 1e4).where(
        ~out["one_off"]
    )
    out = out.sort_values(["segment", "fee_kind", "payer_type", "payee_type"], kind="stable")
    return out[COLUMNS["fees_by_segment"]].reset_index(drop=True)


def market_shares(tables: Tables) -> pd.DataFrame:
    settled = _table(tables, ev.TradeSettled)
    opened = _table(tables, ev.VenueOpened)
    venues = sorted(
        set(opened.loc[opened["entered"].astype(bool), "venue"]) | set(settled["venue"])
    )
    assets = sorted(set(_table(tables, ev.AssetIssued)["asset"]) | set(settled["asset"]))
    every = pd.MultiIndex.from_product([assets, venues], names=["asset", "venue"])
    per_asset = settled.groupby(["asset", "venue"])["value"].sum().reindex(every, fill_value=0)
    per_asset = per_asset.reset_index()  # venues that traded nothing keep a row (share 0)
    overall = per_asset.groupby("venue", as_index=False)["value"].sum().assign(asset=ALL)
    out = pd.concat([per_asset, overall], ignore_index=True)
    out = out.rename(columns={"value": "settled_value"})
    total = out.groupby("asset")["settled_value"].transform("sum").astype(float)
    out["share"] = out["settled_value"] / total.where(total > 0)
    hhi = ((out["share"] * 100) ** 2).groupby(out["asset"]).transform("sum")
    out["hhi"] = hhi.where(total > 0)
    return out[COLUMNS["market_shares"]]


def _per_investor(states: pd.DataFrame) -> pd.DataFrame:
    """Each investor's class, first and last wealth, and whether it is present at the start."""
    ordered = states.sort_values("t", kind="stable")
    ordered = ordered.assign(wealth=ordered["cash"] + ordered["holdings_value"])
    per = ordered.groupby("investor").agg(
        investor_class=("investor_class", "last"), start=("wealth", "first"), end=("wealth", "last")
    )
    at_start = ordered.loc[ordered["t"] == ordered["t"].min(), "investor"]
    return per.assign(at_start=per.index.isin(at_start))


def investor_outcomes(tables: Tables) -> pd.DataFrame:
    per = _per_investor(_table(tables, ev.InvestorState))
    out = per.groupby("investor_class").agg(
        investors=("at_start", "sum"), start_wealth=("start", "sum"), end_wealth=("end", "sum")
    )
    out["pnl"] = out["end_wealth"] - out["start_wealth"]
    out["pnl_pct"] = out["pnl"] / out["start_wealth"].where(out["start_wealth"] != 0) * 100
    traded = _party_value(tables).rename(index=lambda p: p.removeprefix(INVESTOR_PARTY))
    out["traded_value"] = traded.reindex(out.index, fill_value=0).astype("int64")
    paid = _table(tables, ev.FeeCharged).groupby("payer_type")["amount"].sum()
    payer_types = [investor_party(c) for c in out.index]
    out["fees_paid"] = paid.reindex(payer_types, fill_value=0).to_numpy(dtype="int64")
    refused = _table(tables, ev.Refused)["actor"].map(per["investor_class"]).value_counts()
    out["refusals"] = refused.reindex(out.index, fill_value=0).astype("int64")
    out["investors"] = out["investors"].astype("int64")
    return out.reset_index()[COLUMNS["investor_outcomes"]]


def refusals(tables: Tables) -> pd.DataFrame:
    refused = _table(tables, ev.Refused)[["rule_id", "stage"]]
    failed = _table(tables, ev.TradeFailed)[["rule_id"]].assign(stage="settlement")
    both = pd.concat([refused, failed], ignore_index=True)
    return both.groupby(["rule_id", "stage"]).size().rename("count").reset_index()


def all_metrics(tables: Tables) -> dict[str, pd.DataFrame]:
    from simulator import competition, efficiency  # they build on this module's readers

    return {
        "fees": fees(tables),
        "fees_by_party": fees_by_party(tables),
        "fees_by_segment": fees_by_segment(tables),
        "liquidity": liquidity(tables),
        "settlement": settlement(tables),
        "settlement_fails": settlement_fails(tables),
        "market_shares": market_shares(tables),
        "investor_outcomes": investor_outcomes(tables),
        "refusals": refusals(tables),
        **competition.all_competition(tables),
        "efficiency": efficiency.efficiency(tables),
        "value_outcomes": efficiency.value_outcomes(tables),
        "news": efficiency.news_incorporation(tables),
    }


def _get(metrics: Mapping[str, pd.DataFrame], key: str) -> pd.DataFrame:
    frame = metrics.get(key)
    return frame if frame is not None else pd.DataFrame(columns=COLUMNS[key])


def summary(metrics: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    shares = _get(metrics, "market_shares")
    overall = shares[shares["asset"] == ALL]
    total = float(overall["settled_value"].sum())
    fees_krw = int(_get(metrics, "fees")["krw"].sum())
    trading = int(_get(metrics, "fees_by_party")["paid_trading_krw"].sum())
    segments = _get(metrics, "fees_by_segment")
    liq = _get(metrics, "liquidity")
    traded = float(liq["traded_value"].sum())
    settle = _get(metrics, "settlement")
    row = settle[settle["venue"] == ALL]
    at = row.iloc[0] if len(row) else pd.Series(index=settle.columns, dtype=float)
    refused = _get(metrics, "refusals").groupby("rule_id")["count"].sum()
    return {
        "total_settled_value_krw": int(total),
        "trade_count": int(liq["trade_count"].sum()),
        "traded_value_krw": int(traded),
        "fees_krw": fees_krw,
        "trading_fees_krw": trading,
        "one_off_fees_krw": int(segments.loc[segments["one_off"].astype(bool), "krw"].sum()),
        # what a party pays per side of a settled trade (a buyer and a seller each)
        "fees_bps": _num(trading / (2 * total) * 1e4 if total > 0 else None),
        "market_share": {
            str(v): _num(s) for v, s in zip(overall["venue"], overall["share"], strict=True)
        },
        "hhi": _num(overall["hhi"].iloc[0]) if len(overall) else None,
        "order_to_match_mean_s": _num(at["order_to_match_mean"]),
        "order_to_match_p95_s": _num(at["order_to_match_p95"]),
        "match_to_settle_mean_s": _num(at["match_to_settle_mean"]),
        "match_to_settle_p95_s": _num(at["match_to_settle_p95"]),
        "settlement_fails": int(settle.loc[settle["venue"] == ALL, "failed"].sum()),
        "quoted_spread_bps_mean": _num(liq["quoted_spread_bps"].astype(float).mean()),
        "effective_spread_bps_mean": _num(liq["effective_spread_bps"].astype(float).mean()),
        "refusals": {str(rule): int(n) for rule, n in refused.items()},
    }
