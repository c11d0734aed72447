"""The whole fee stack of a tokenized security, by segment, beyond the venue's own fees:

- issuance: KSD's registration fee (once) and the account manager's fee (per year, on the
  issue's value), both paid by the issuer; the underwriter's fee (simulator/actors/issuer.py);
- distribution: the venue's maker/taker and listing fees (on-chain, in the Venue contract) and
  the broker's commission, by side and by size tier;
- settlement: KSD's fee per settled trade and side, and the settlement bank's (or deposit
  token's) fee in bps;
- custody: the account manager's fee on holdings, per year, charged monthly;
- taxes: the securities transaction tax on the seller's proceeds.

Every charge here moves cash on the ledger (a transfer from the payer) and is logged as a
`FeeCharged` with its kind; `SEGMENT` maps each kind to its segment for the metrics.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Krw = Annotated[int, Field(ge=0, lt=2**128, description="Korean won")]
Bps = Annotated[float, Field(ge=0, le=10_000, description="basis points")]

SEGMENT = {
    "registration": "issuance",
    "account_management": "issuance",
    "underwriting": "issuance",
    "listing": "distribution",
    "maker": "distribution",
    "taker": "distribution",
    "commission": "distribution",
    "rebate": "distribution",  # a conflicted venue paying back part of its fee (negative)
    "ksd_settlement": "settlement",
    "bank_settlement": "settlement",
    "custody": "custody",
    "transaction_tax": "tax",
}
ONE_OFF = {"registration", "underwriting", "listing"}  # not a cost of trading
PER_TRADE = (
    "maker", "taker", "rebate", "commission", "ksd_settlement", "bank_settlement",
    "transaction_tax",
)  # fmt: skip
# custody and account management are neither: periodic fees on holdings and on the issue


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tier(Strict):
    from_krw: Krw = Field(description="the tier applies to trades worth at least this")
    bps: Bps


class Commission(Strict):
    """A broker's commission on each trade of its clients, by side and size tier."""

    firm: str = Field(description="the securities firm acting as broker (a firm id)")
    buy_bps: Bps = 0
    sell_bps: Bps = 0
    min_krw: Krw = 0
    tiers: list[Tier] = Field(
        [],
        description="lower rates for larger trades: the highest tier reached sets the rate",
    )

    def fee(self, side: str, value: int) -> int:
        bps = self.buy_bps if side == "buy" else self.sell_bps
        for tier in sorted(self.tiers, key=lambda t: t.from_krw):
            if value >= tier.from_krw:
                bps = tier.bps
        return max(int(value * bps / 10_000), self.min_krw) if value else 0


class FeeStack(Strict):
    registration_fee_krw: Krw = Field(0, description="KSD's fee to register an issue (issuer)")
    account_management_bps_year: Bps = Field(
        0, description="the account manager's yearly fee on the issue's value (issuer)"
    )
    ksd_fee_krw: Krw = Field(0, description="KSD's fee per settled trade and side")
    bank_fee_bps: Bps = Field(0, description="settlement bank or deposit-token fee per side")
    custody_bps_year: Bps = Field(0, description="the account manager's fee on holdings")
    transaction_tax_bps: Bps = Field(0, description="securities transaction tax on sales")

    def post_trade(self, side: str, value: int) -> dict[str, int]:
        """What one side of a settled trade pays besides the venue's and broker's fees."""
        charges = {
            "ksd_settlement": self.ksd_fee_krw if value else 0,
            "bank_settlement": int(value * self.bank_fee_bps / 10_000),
            "transaction_tax": int(value * self.transaction_tax_bps / 10_000)
            if side == "sell"
            else 0,
        }
        return {kind: amount for kind, amount in charges.items() if amount > 0}
