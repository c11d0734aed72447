"""A cross-venue arbitrageur: a professional investor that, when one venue's best bid is above
another's best ask by more than both taker fees, buys on the cheap venue and sells on the dear
one at once. It holds inventory from the offering, since short selling is not allowed
(KR-MKT-2): without tokens it can only take the buying leg's side of the trade later."""

from __future__ import annotations

from simulator.actors.investor import Investor, OrderIntent
from simulator.actors.market_maker import Cancel, Submit
from simulator.actors.view import PublicMarket, fee_for
from simulator.behaviour import Arbitrageurs


class Arbitrageur(Investor):
    role = "arbitrageur"

    def __init__(self, *args: object, params: Arbitrageurs, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params = params

    def subscription_request(self, offering_price: int, wants: bool) -> int:
        return int(self.budget * self.params.inventory_share) // offering_price

    def scan(self, market: PublicMarket, submit: Submit, cancel: Cancel) -> None:
        """Take every crossed pair of venues whose edge after fees beats the minimum; what does
        not fill at once is cancelled (it never rests a quote)."""
        if not market.session_open:
            return
        for asset, venues in sorted(market.listings.items()):
            quotes = {v: market.quotes.get((v, asset)) for v in venues}
            bids = [(q.best_bid, v) for v, q in quotes.items() if q and q.best_bid]
            asks = [(q.best_ask, v) for v, q in quotes.items() if q and q.best_ask]
            if not bids or not asks:
                continue
            (bid, sell_at), (ask, buy_at) = max(bids), min(asks)
            if sell_at == buy_at or bid <= ask:
                continue
            sell_q, buy_q = quotes[sell_at], quotes[buy_at]
            assert sell_q is not None and buy_q is not None
            quantity = min(sell_q.bid_depth, buy_q.ask_depth, self.available_tokens(asset))
            quantity = min(quantity, max(self.available_cash(), 0) // (ask * 2))
            if quantity <= 0:
                continue
            value = quantity * ask
            fees = fee_for(market.fees[buy_at], value, maker=False) + fee_for(
                market.fees[sell_at], quantity * bid, maker=False
            )
            edge_bps = ((bid - ask) * quantity - fees) / value * 1e4
            if edge_bps < self.params.min_edge_bps:
                continue
            for venue, side, price in ((buy_at, "buy", ask), (sell_at, "sell", bid)):
                order_id = submit(self, OrderIntent(venue, asset, side, int(quantity), price))
                if order_id is not None:
                    cancel(venue, asset, order_id)
