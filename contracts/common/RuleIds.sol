// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Rule IDs of kr-sto-rules.md as they appear on-chain; STO-* are stosim's own token rules.
library RuleIds {
    string internal constant SEP_1 = "KR-SEP-1";
    string internal constant SEP_2 = "KR-SEP-2";
    string internal constant LIC_1 = "KR-LIC-1";
    string internal constant LIC_2 = "KR-LIC-2";
    string internal constant LIC_3 = "KR-LIC-3";
    string internal constant MKT_1 = "KR-MKT-1";
    string internal constant MKT_2 = "KR-MKT-2";
    string internal constant SET_1 = "KR-SET-1";
    string internal constant SET_2 = "KR-SET-2";
    string internal constant SET_3 = "KR-SET-3";
    string internal constant INV_1 = "KR-INV-1";
    string internal constant INV_2 = "KR-INV-2";
    string internal constant INV_3 = "KR-INV-3";
    string internal constant INV_4 = "KR-INV-4";
    string internal constant ISS_1 = "KR-ISS-1";
    string internal constant ISS_2 = "KR-ISS-2";
    string internal constant DIS_1 = "KR-DIS-1";
    string internal constant LED_2 = "KR-LED-2";
    string internal constant LOCKUP = "STO-LOCKUP";
    string internal constant HOLDER_CAP = "STO-HOLDERCAP";
}
