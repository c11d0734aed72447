"""Who takes part: investor classes and the party types that pay and receive fees. One
definition for the scenario schema, the actors, the metrics and the mapping to the contracts
(`simulator.chain.deploy.CHAIN_INVESTOR_CLASS`)."""

from __future__ import annotations

import enum


class InvestorClass(enum.StrEnum):
    """KR-INV-2: annual limits for general and income-qualified investors; professionals none."""

    GENERAL = "general"
    INCOME_QUALIFIED = "income_qualified"
    PROFESSIONAL = "professional"


class PartyType(enum.StrEnum):
    """The kind of actor that pays or receives (fee and investor tables); an investor's is
    `investor_party(its class)`."""

    ISSUER = "issuer"
    VENUE = "venue"
    REGISTRAR = "registrar"
    UNDERWRITER = "underwriter"


INVESTOR_PARTY = "investor:"


def investor_party(investor_class: str) -> str:
    """An investor's party type, e.g. "investor:general"."""
    return f"{INVESTOR_PARTY}{investor_class}"
