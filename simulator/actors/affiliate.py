"""The conflict of interest the issuance/distribution split (KR-SEP-1) prevents: a venue whose
operator belongs to an issuer's related-party group, allowed to list that group's tokens when
separation is off, and using its position (behaviour.conflicts):

- the group's primary offerings are priced above value;
- a support desk of the group (a professional account, KYC'd and funded like any investor)
  keeps bids in the group's tokens above their true value on the affiliated venue;
- rival issuers' listings on the affiliated venue are delayed (logged as CONFLICT-DELAY).

Who is affiliated is decided from the scenario: the venue's operator shares a related-party
group (not 0) with the asset's issuer, and KR-SEP-1 is off.
"""

from __future__ import annotations

from simulator.actors.investor import Investor, OrderIntent
from simulator.actors.market_maker import Cancel, Submit
from simulator.actors.view import PublicMarket, on_tick
from simulator.behaviour import Conflicts
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


class SupportDesk(Investor):
    """Keeps bids for its group's tokens above their true value on the affiliated venue."""

    role = "support_desk"

    def __init__(
        self, *args: object, params: Conflicts, tokens: dict[str, str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params = params
        self.tokens = tokens  # asset -> the affiliated venue it supports it on
        self.bids: list[tuple[str, str, int]] = []

    def subscription_request(self, offering_price: int, wants: bool) -> int:
        return 0  # it supports the aftermarket, not the offering

    def support(self, market: PublicMarket, submit: Submit, cancel: Cancel) -> None:
        for venue, asset, order_id in self.bids:
            cancel(venue, asset, order_id)
        self.bids = []
        if not market.session_open:
            return
        for asset, venue in sorted(self.tokens.items()):
            if venue not in market.listings.get(asset, []):
                continue
            price = on_tick(market.fundamental[asset] * (1 + self.params.support_premium_pct / 100))
            quantity = min(self.available_cash() // 20, 5_000_000) // max(price, 1)
            if quantity > 0:
                placed = submit(self, OrderIntent(venue, asset, "buy", int(quantity), price))
                if placed is not None:
                    self.bids.append((venue, asset, placed))
