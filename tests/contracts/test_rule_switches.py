"""The regulator's rule switches (issue 16): one word of RuleIds bits read by the contracts, and
the same switches by rule ID as before (isEnabled, RuleSwitched)."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import Scene

RULE_IDS_SOL = Path(__file__).resolve().parents[2] / "contracts" / "common" / "RuleIds.sol"


def rule_bits() -> dict[str, int]:
    """Rule ID -> its bit in MarketRegistry.disabledRules, as RuleIds.sol declares them."""
    text = RULE_IDS_SOL.read_text()
    ids = dict(re.findall(r'bytes32 internal constant (\w+) = "([\w-]+)"', text))
    bits = dict(re.findall(r"uint256 internal constant (\w+)_BIT = 1 << (\d+)", text))
    assert set(ids) == set(bits)
    return {ids[name]: 1 << int(bits[name]) for name in ids}


def _word(scene: Scene) -> int:
    return int(scene.call("MarketRegistry", scene.market.registry, "disabledRules"))


def test_every_rule_has_its_own_bit():
    bits = rule_bits()
    assert len(set(bits.values())) == len(bits)


def test_a_switch_sets_and_clears_the_rules_bit_and_is_an_event(scene: Scene):
    base, bit = _word(scene), rule_bits()["KR-INV-2"]
    tx = scene.registry("setRuleEnabled", "KR-INV-2", False)
    assert [(e.args["ruleId"], e.args["enabled"]) for e in tx.named("RuleSwitched")] == [
        ("KR-INV-2", False)
    ]
    assert _word(scene) == base | bit
    assert not scene.call("MarketRegistry", scene.market.registry, "isEnabled", "KR-INV-2")
    scene.registry("setRuleEnabled", "KR-INV-2", True)
    assert _word(scene) == base & ~bit
    assert scene.call("MarketRegistry", scene.market.registry, "isEnabled", "KR-INV-2")


def test_a_rule_no_contract_enforces_is_switched_by_id_only(scene: Scene):
    base = _word(scene)
    scene.registry("setRuleEnabled", "KR-MKT-3", False)  # modelled off-chain
    assert _word(scene) == base
    assert not scene.call("MarketRegistry", scene.market.registry, "isEnabled", "KR-MKT-3")
