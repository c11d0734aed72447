"""A deferred trade as Venue.finalize takes it back: the leg and due date the venue emitted in
TradeAccepted, which the venue stores only as their hash (contracts/venue/DeferredTrades.sol)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PendingTrade = tuple[tuple[int, str, str, str, int, int, int, int, bool], int]
"""((tradeId, token, buyer, seller, quantity, price, buyerFee, sellerFee, buyerIsMaker), due),
the field order of DeferredTrades.PendingTrade."""


def pending_trade(accepted: Mapping[str, Any]) -> PendingTrade:
    """The PendingTrade of a TradeAccepted event's arguments."""
    a = accepted
    leg = (
        int(a["tradeId"]),
        str(a["token"]),
        str(a["buyer"]),
        str(a["seller"]),
        int(a["quantity"]),
        int(a["price"]),
        int(a["buyerFee"]),
        int(a["sellerFee"]),
        bool(a["buyerIsMaker"]),
    )
    return leg, int(a["due"])
