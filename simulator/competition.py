"""Metrics of competition between venues and of liquidity provision: pure functions from the
event tables to DataFrames (as simulator/metrics.py).

- venue share paths: value matched per day and venue, shares and the HHI per day (every venue
  that opened appears, with zero when it traded nothing); time to tip = the first day from which
  the leading venue keeps more than 80% of each later day's value;
- spreads: quoted, cum-fee (quoted + the taker fee on both sides, in bps of the mid: a round
  trip's cost to a liquidity taker; fees taken at a 1 m KRW trade, flat fees included) and
  consolidated (best bid and ask across venues);
- cross-venue price dispersion and trade-throughs (a trade at a worse price than another venue
  showed at that moment);
- venue profit and loss (fee revenue - operating and entry costs);
- market makers' and arbitrageurs' profit and loss and inventory.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from simulator import events as ev
from simulator.metrics import COLUMNS, Tables, _num, _opened, _table
from simulator.parties import PartyType

DAY = 86_400
TIP_SHARE = 0.8


def _venues(tables: Tables) -> list[str]:
    named = _opened(tables) | set(_table(tables, ev.TradeMatched)["venue"])
    named |= set(_table(tables, ev.QuoteSnapshot)["venue"])
    return sorted(named)


def share_paths(tables: Tables) -> pd.DataFrame:
    """Per day and venue: value matched, share of the day's value, and the day's HHI."""
    trades = _table(tables, ev.TradeMatched)
    value = (trades["quantity"] * trades["price"]).astype(float)
    daily = value.groupby([trades["t"] // DAY, trades["venue"]]).sum()
    days = sorted(set(daily.index.get_level_values(0))) if len(daily) else []
    index = pd.MultiIndex.from_product([days, _venues(tables)], names=["day", "venue"])
    out = daily.reindex(index, fill_value=0.0).rename("traded_value").reset_index()
    total = out.groupby("day")["traded_value"].transform("sum")
    out["share"] = out["traded_value"] / total.where(total > 0)
    out["hhi"] = ((out["share"] * 100) ** 2).groupby(out["day"]).transform("sum")
    return out[COLUMNS["share_paths"]]


def time_to_tip(paths: pd.DataFrame) -> float:
    """First day from which one venue keeps more than 80% of every later day's value; NaN if
    the market never tips."""
    if paths.empty:
        return math.nan
    leaders = paths.loc[paths.groupby("day")["share"].idxmax().dropna()]
    tipped = (leaders["share"] > TIP_SHARE).to_numpy()
    same = (leaders["venue"] == leaders["venue"].iloc[-1]).to_numpy()
    ok = tipped & same
    if not ok[-1]:
        return math.nan
    first = len(ok) - int(np.argmin(ok[::-1])) if not ok.all() else 0
    return float(leaders["day"].iloc[first])


def spreads(tables: Tables) -> pd.DataFrame:
    """Per venue and asset: quoted and cum-fee spreads (bps of the mid), from the snapshots."""
    q = _table(tables, ev.QuoteSnapshot)
    bid, ask = q["best_bid"].astype(float), q["best_ask"].astype(float)
    two_sided = (bid > 0) & (ask > 0)
    quoted = ((ask - bid) / ((ask + bid) / 2) * 1e4).where(two_sided)
    frame = q.assign(quoted=quoted, cum_fee=quoted + 2 * q["taker_fee_bps"].astype(float))
    out = frame.groupby(["venue", "asset"]).agg(
        quoted_spread_bps=("quoted", "mean"), cum_fee_spread_bps=("cum_fee", "mean")
    )
    return out.reset_index()[COLUMNS["spreads"]]


def consolidated(tables: Tables) -> pd.DataFrame:
    """Per asset: the consolidated (best across venues) quoted spread, and the dispersion of
    venue mids (max - min over their mean, bps) where two or more venues quote both sides."""
    q = _table(tables, ev.QuoteSnapshot)
    bid = q["best_bid"].astype(float).where(q["best_bid"] > 0)
    ask = q["best_ask"].astype(float).where(q["best_ask"] > 0)
    frame = q.assign(bid=bid, ask=ask, mid=(bid + ask) / 2)
    at = frame.groupby(["asset", "t"]).agg(
        bid=("bid", "max"), ask=("ask", "min"), hi=("mid", "max"), lo=("mid", "min"),
        mean=("mid", "mean"), quoting=("mid", "count"),
    )  # fmt: skip
    at["spread"] = (at["ask"] - at["bid"]) / ((at["ask"] + at["bid"]) / 2) * 1e4
    at["dispersion"] = ((at["hi"] - at["lo"]) / at["mean"] * 1e4).where(at["quoting"] >= 2)
    out = at.groupby("asset").agg(
        consolidated_spread_bps=("spread", "mean"), mid_dispersion_bps=("dispersion", "mean")
    )
    return out.reset_index()[COLUMNS["consolidated"]]


def venue_pnl(tables: Tables) -> pd.DataFrame:
    """Per venue: fee revenue, operating and entry costs, profit and loss (KRW)."""
    fees = _table(tables, ev.FeeCharged)
    revenue = fees[fees["payee_type"] == PartyType.VENUE].groupby("payee")["amount"].sum()
    costs = _table(tables, ev.VenueCost).pivot_table(
        index="venue", columns="cost_kind", values="amount", aggfunc="sum", fill_value=0
    )
    out = pd.DataFrame(index=pd.Index(_venues(tables), name="venue"))
    out["fee_revenue_krw"] = revenue.reindex(out.index, fill_value=0)
    for kind in ("operating", "entry"):
        column = costs[kind] if kind in costs else pd.Series(dtype="int64")
        out[f"{kind}_cost_krw"] = column.reindex(out.index, fill_value=0)
    out = out.fillna(0).astype("int64")
    out["pnl_krw"] = out["fee_revenue_krw"] - out["operating_cost_krw"] - out["entry_cost_krw"]
    return out.reset_index()[COLUMNS["venue_pnl"]]


def liquidity_providers(tables: Tables) -> pd.DataFrame:
    """Per market maker or arbitrageur: wealth at the first and last close, profit and loss,
    mean and largest inventory per asset."""
    snaps = _table(tables, ev.InventorySnapshot)
    cols = COLUMNS["liquidity_providers"]
    if snaps.empty:
        return pd.DataFrame(columns=cols)
    states = _table(tables, ev.InvestorState)
    start = states[states["t"] == 0].set_index("investor")["cash"]
    wealth = snaps.sort_values("t", kind="stable").groupby("agent")["wealth"].last()
    out = snaps.groupby(["agent", "role", "asset"]).agg(
        mean_inventory=("quantity", "mean"), max_inventory=("quantity", "max")
    )
    out = out.reset_index()
    out["pnl_krw"] = (out["agent"].map(wealth) - out["agent"].map(start)).astype(float)
    return out[cols]


def trade_through_share(tables: Tables) -> float:
    trades = _table(tables, ev.TradeMatched)
    return float(trades["trade_through"].astype(float).mean()) if len(trades) else math.nan


def _shares(paths: pd.DataFrame) -> dict[str, float | None]:
    """Each venue's share of the value matched over the given days."""
    value = paths.groupby("venue")["traded_value"].sum()
    total = float(value.sum())
    return {str(v): _num(x / total) if total > 0 else None for v, x in value.items()}


def all_competition(tables: Tables) -> dict[str, pd.DataFrame]:
    return {
        "share_paths": share_paths(tables),
        "spreads": spreads(tables),
        "consolidated": consolidated(tables),
        "venue_pnl": venue_pnl(tables),
        "liquidity_providers": liquidity_providers(tables),
    }


def summary(tables: Tables, metrics: dict[str, pd.DataFrame]) -> dict[str, Any]:
    paths = metrics["share_paths"]
    days = sorted(paths["day"].unique())

    def week(chosen: list[Any]) -> pd.DataFrame:
        return paths[paths["day"].isin(chosen)]

    def hhi(frame: pd.DataFrame) -> int | float | None:
        return _num(frame.groupby("day")["hhi"].first().mean()) if len(frame) else None

    trades = _table(tables, ev.TradeMatched)
    pnl = metrics["venue_pnl"].set_index("venue")["pnl_krw"]
    closed = set(_table(tables, ev.TradeSettled)["trade_id"]) | set(
        _table(tables, ev.TradeFailed)["trade_id"]
    )
    pending = trades[~trades["trade_id"].isin(closed)]
    return {
        "matched_value_krw": int((trades["quantity"] * trades["price"]).sum()),
        "pending_trades": len(pending),
        "pending_value_krw": int((pending["quantity"] * pending["price"]).sum()),
        "hhi_first_day": hhi(week(days[:1])),
        "hhi_first_week": hhi(week(days[:5])),
        "hhi_last_week": hhi(week(days[-5:])),
        "time_to_tip_day": _num(time_to_tip(paths)),
        "cum_fee_spread_bps_mean": _num(metrics["spreads"]["cum_fee_spread_bps"].mean()),
        "consolidated_spread_bps_mean": _num(
            metrics["consolidated"]["consolidated_spread_bps"].mean()
        ),
        "mid_dispersion_bps_mean": _num(metrics["consolidated"]["mid_dispersion_bps"].mean()),
        "trade_through_share": _num(trade_through_share(tables)),
        "venue_pnl_krw": {str(v): int(x) for v, x in pnl.items()},
        "last_week_share": _shares(week(days[-5:])),
        "fees_by_segment_krw": {
            str(k): int(v)
            for k, v in metrics["fees_by_segment"].groupby("segment")["krw"].sum().items()
        },
    }


def fee_elasticity(volume_a: float, volume_b: float, fee_a: float, fee_b: float) -> float:
    """Arc elasticity of order flow to fees between two runs (or the means of two arms):
    d ln(volume) / d ln(total fee). NaN when either is not positive or the fees are equal."""
    if min(volume_a, volume_b, fee_a, fee_b) <= 0 or fee_a == fee_b:
        return math.nan
    return math.log(volume_b / volume_a) / math.log(fee_b / fee_a)
