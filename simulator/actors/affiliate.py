"""The conflict of interest the issuance/distribution split (KR-SEP-1) prevents: a venue whose
operator belongs to an issuer's related-party group, allowed to list that group's tokens when
separation is off, and using its position (behaviour.conflicts):

- the group's primary offerings are priced above value;
- the venue rebates part of its fees on the group's tokens (FeeRebates), cross-subsidized by
  the group, to pull their trading onto its venue;
- a support desk of the group (a professional account, KYC'd and funded like any investor)
  keeps bids in the group's tokens above their true value on the affiliated venue;
- rival issuers' listings on the affiliated venue are delayed (logged as CONFLICT-DELAY);
- the desk trades ahead of its venue's order flow: it sees a client's marketable buy arrive,
  takes part of it at the best ask first, and offers what it bought at the client's limit.

Who is affiliated is decided from the scenario: the venue's operator shares a related-party
group (not 0) with the asset's issuer, and KR-SEP-1 is off.
"""

from __future__ import annotations

from simulator.actors.investor import Investor, OrderIntent
from simulator.actors.market_maker import Cancel, Submit
from simulator.actors.view import PublicMarket, on_tick
from simulator.behaviour import Conflicts
from simulator.chain.ledger import Ledger
from simulator.eventlog import EventLog
from simulator.events import FeeCharged, TradedAhead
from simulator.scenario import Asset, Scenario, Venue

DELAY = "CONFLICT-DELAY"  # a conflicted venue's own choice, not a rule


def affiliated_venues(scenario: Scenario, asset: Asset) -> list[Venue]:
    """Venues whose operator is related to the asset's issuer and may list it (KR-SEP-1 off)."""
    if scenario.regime.enabled("KR-SEP-1"):
        return []
    group = scenario.firm(asset.issuer).group
    return [v for v in scenario.venues if group and scenario.firm(v.operator).group == group]


def is_rival(scenario: Scenario, venue: Venue, asset: Asset) -> bool:
    """An asset of another issuer, on a venue that is affiliated with some issuer."""
    group = scenario.firm(venue.operator).group
    issuers = {f.group for f in scenario.firms if f.role == "issuer"}
    affiliated = group != 0 and group in issuers and not scenario.regime.enabled("KR-SEP-1")
    return affiliated and scenario.firm(asset.issuer).group != group


REBATE = "rebate"  # a fee kind: negative amounts, the venue paying back part of its fee


class FeeRebates:
    """A conflicted venue pays back `fee_waiver_pct` of its fee on its group's tokens to both
    sides of every settled trade, from the operator's account. Logged as negative fees of kind
    "rebate", so fee totals, venue revenue and the fees investors paid are net of it."""

    def __init__(
        self, venue: str, operator: str, cash: str, assets: set[str], share: float,
        ledger: Ledger, log: EventLog,
    ) -> None:  # fmt: skip
        self.venue, self.operator, self.cash = venue, operator, cash
        self.assets, self.share = assets, share
        self.ledger, self.log = ledger, log

    def pay(self, t: int, paid: list[tuple[int, str, Investor, int]]) -> None:
        rebates = [
            (trade_id, party, int(fee * self.share))
            for trade_id, asset, party, fee in paid
            if asset in self.assets and int(fee * self.share) > 0
        ]
        if not rebates:
            return
        self.ledger.transact_many([
            ("CashToken", self.cash, "transfer", (party.address, amount), self.operator)
            for _, party, amount in rebates
        ])  # fmt: skip
        for trade_id, party, amount in rebates:
            party.cash += amount
            self.log.append(FeeCharged(
                t, trade_id, self.venue, party.name, party.party_type, self.venue, "venue",
                -amount, REBATE,
            ))  # fmt: skip


class SupportDesk(Investor):
    """Keeps bids for its group's tokens above their true value on the affiliated venue."""

    role = "support_desk"

    def __init__(
        self, *args: object, params: Conflicts, tokens: dict[str, str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params = params
        self.tokens = tokens  # asset -> the affiliated venue it supports it on
        self.venues = set(tokens.values())
        self.bids: list[tuple[str, str, int]] = []  # its resting orders, renewed every tick
        self.resell: dict[tuple[str, str], int] = {}  # (venue, asset) -> price it offers at

    def subscription_request(self, offering_price: int, wants: bool) -> int:
        return 0  # it supports the aftermarket, not the offering

    def trade_ahead(
        self,
        market: PublicMarket,
        client: Investor,
        intent: OrderIntent,
        submit: Submit,
        cancel: Cancel,
    ) -> TradedAhead | None:
        """Front-running: a client's buy that will take the best ask on the desk's venue; the
        desk takes a share of it at that ask first (the client is left with the next price up,
        or waits) and offers what it bought above the ask it took."""
        share = self.params.trade_ahead_share
        if not share or intent.side != "buy" or intent.venue not in self.venues:
            return None
        quote = market.quotes.get((intent.venue, intent.asset))
        ask = quote.best_ask if quote else 0
        if not ask or ask > intent.limit_price:  # not marketable: nothing to take ahead of
            return None
        quantity = min(int(intent.quantity * share), self.available_cash() // 2 // ask)
        if quantity <= 0:
            return None
        placed = submit(self, OrderIntent(intent.venue, intent.asset, "buy", quantity, ask))
        if placed is None:
            return None
        cancel(intent.venue, intent.asset, placed)  # only the best ask: what is left goes
        markup = on_tick(ask * (1 + self.params.trade_ahead_markup_bps / 1e4))
        offer = max(intent.limit_price, markup)
        self.resell[intent.venue, intent.asset] = offer
        return TradedAhead(
            market.now, intent.venue, intent.asset, self.name, client.name, quantity, ask, offer
        )

    def support(self, market: PublicMarket, submit: Submit, cancel: Cancel) -> None:
        for venue, asset, order_id in self.bids:
            cancel(venue, asset, order_id)
        self.bids = []
        if not market.session_open:
            return
        for (venue, asset), price in sorted(self.resell.items()):
            units = self.available_tokens(asset)  # settled: it never sells short (KR-MKT-2)
            if units > 0 and venue in market.listings.get(asset, []):
                placed = submit(self, OrderIntent(venue, asset, "sell", units, price))
                if placed is not None:
                    self.bids.append((venue, asset, placed))
        for asset, venue in sorted(self.tokens.items()):
            if venue not in market.listings.get(asset, []):
                continue
            price = on_tick(market.fundamental[asset] * (1 + self.params.support_premium_pct / 100))
            quantity = min(self.available_cash() // 20, 5_000_000) // max(price, 1)
            if quantity > 0:
                placed = submit(self, OrderIntent(venue, asset, "buy", int(quantity), price))
                if placed is not None:
                    self.bids.append((venue, asset, placed))
