"""Rule IDs: the rules of kr-sto-rules.md (switchable under a scenario's `regime.rules`) and
stosim's own token rules. The contracts name the same IDs in contracts/common/RuleIds.sol
(tests/rules/test_registry.py keeps the two in step)."""

from __future__ import annotations

import enum


class RuleId(enum.StrEnum):
    SEP_1 = "KR-SEP-1"
    SEP_2 = "KR-SEP-2"
    LIC_1 = "KR-LIC-1"
    LIC_2 = "KR-LIC-2"
    LIC_3 = "KR-LIC-3"
    MKT_1 = "KR-MKT-1"
    MKT_2 = "KR-MKT-2"
    MKT_3 = "KR-MKT-3"
    MKT_4 = "KR-MKT-4"
    SET_1 = "KR-SET-1"
    SET_2 = "KR-SET-2"
    SET_3 = "KR-SET-3"
    INV_1 = "KR-INV-1"
    INV_2 = "KR-INV-2"
    INV_3 = "KR-INV-3"
    INV_4 = "KR-INV-4"
    ISS_1 = "KR-ISS-1"
    ISS_2 = "KR-ISS-2"
    DIS_1 = "KR-DIS-1"
    LED_1 = "KR-LED-1"
    LED_2 = "KR-LED-2"


class TokenRuleId(enum.StrEnum):
    """Compliance modules a token may carry beyond the law: not switchable by the regime."""

    LOCKUP = "STO-LOCKUP"
    HOLDER_CAP = "STO-HOLDERCAP"


# the order of kr-sto-rules.md, as scenarios and the schema list them
RULE_IDS: tuple[str, ...] = tuple(RuleId)
