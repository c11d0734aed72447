// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Rule IDs of kr-sto-rules.md as they appear on-chain; STO-* are stosim's own token rules.
/// An ID is its text left-aligned in a bytes32 ("KR-SEP-1" then zero bytes): no string to build
/// or hash on the hot paths.
library RuleIds {
    bytes32 internal constant SEP_1 = "KR-SEP-1";
    bytes32 internal constant SEP_2 = "KR-SEP-2";
    bytes32 internal constant LIC_1 = "KR-LIC-1";
    bytes32 internal constant LIC_2 = "KR-LIC-2";
    bytes32 internal constant LIC_3 = "KR-LIC-3";
    bytes32 internal constant MKT_1 = "KR-MKT-1";
    bytes32 internal constant MKT_2 = "KR-MKT-2";
    bytes32 internal constant SET_1 = "KR-SET-1";
    bytes32 internal constant SET_2 = "KR-SET-2";
    bytes32 internal constant SET_3 = "KR-SET-3";
    bytes32 internal constant INV_1 = "KR-INV-1";
    bytes32 internal constant INV_2 = "KR-INV-2";
    bytes32 internal constant INV_3 = "KR-INV-3";
    bytes32 internal constant INV_4 = "KR-INV-4";
    bytes32 internal constant ISS_1 = "KR-ISS-1";
    bytes32 internal constant ISS_2 = "KR-ISS-2";
    bytes32 internal constant DIS_1 = "KR-DIS-1";
    bytes32 internal constant LED_2 = "KR-LED-2";
    bytes32 internal constant LOCKUP = "STO-LOCKUP";
    bytes32 internal constant HOLDER_CAP = "STO-HOLDERCAP";

    // Each rule's bit in MarketRegistry.disabledRules, the one word of rules switched off, which
    // a contract reads once per batch or transfer instead of asking rule by rule.
    uint256 internal constant SEP_1_BIT = 1 << 0;
    uint256 internal constant SEP_2_BIT = 1 << 1;
    uint256 internal constant LIC_1_BIT = 1 << 2;
    uint256 internal constant LIC_2_BIT = 1 << 3;
    uint256 internal constant LIC_3_BIT = 1 << 4;
    uint256 internal constant MKT_1_BIT = 1 << 5;
    uint256 internal constant MKT_2_BIT = 1 << 6;
    uint256 internal constant SET_1_BIT = 1 << 7;
    uint256 internal constant SET_2_BIT = 1 << 8;
    uint256 internal constant SET_3_BIT = 1 << 9;
    uint256 internal constant INV_1_BIT = 1 << 10;
    uint256 internal constant INV_2_BIT = 1 << 11;
    uint256 internal constant INV_3_BIT = 1 << 12;
    uint256 internal constant INV_4_BIT = 1 << 13;
    uint256 internal constant ISS_1_BIT = 1 << 14;
    uint256 internal constant ISS_2_BIT = 1 << 15;
    uint256 internal constant DIS_1_BIT = 1 << 16;
    uint256 internal constant LED_2_BIT = 1 << 17;
    uint256 internal constant LOCKUP_BIT = 1 << 18;
    uint256 internal constant HOLDER_CAP_BIT = 1 << 19;

    /// @notice The bit of rule `id` in the word of switched-off rules; 0 for an ID that no
    /// contract enforces (a scenario may switch off rules modelled off-chain, e.g. KR-MKT-3).
    function bitOf(bytes32 id) internal pure returns (uint256) {
        if (id == SEP_1) return SEP_1_BIT;
        if (id == SEP_2) return SEP_2_BIT;
        if (id == LIC_1) return LIC_1_BIT;
        if (id == LIC_2) return LIC_2_BIT;
        if (id == LIC_3) return LIC_3_BIT;
        if (id == MKT_1) return MKT_1_BIT;
        if (id == MKT_2) return MKT_2_BIT;
        if (id == SET_1) return SET_1_BIT;
        if (id == SET_2) return SET_2_BIT;
        if (id == SET_3) return SET_3_BIT;
        if (id == INV_1) return INV_1_BIT;
        if (id == INV_2) return INV_2_BIT;
        if (id == INV_3) return INV_3_BIT;
        if (id == INV_4) return INV_4_BIT;
        if (id == ISS_1) return ISS_1_BIT;
        if (id == ISS_2) return ISS_2_BIT;
        if (id == DIS_1) return DIS_1_BIT;
        if (id == LED_2) return LED_2_BIT;
        if (id == LOCKUP) return LOCKUP_BIT;
        if (id == HOLDER_CAP) return HOLDER_CAP_BIT;
        return 0;
    }

    /// @notice Whether the rule of `bit` is in force under the word `disabled`.
    function inForce(uint256 disabled, uint256 bit) internal pure returns (bool) {
        return disabled & bit == 0;
    }

    /// @notice An ID as text (its bytes up to the first zero byte), for events that carry strings.
    function toString(bytes32 id) internal pure returns (string memory) {
        uint256 length = 0;
        while (length < 32 && id[length] != 0) length++;
        bytes memory text = new bytes(length);
        for (uint256 i = 0; i < length; i++) {
            text[i] = id[i];
        }
        return string(text);
    }
}
