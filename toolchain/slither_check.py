#!/usr/bin/env python3
"""Static analysis of contracts/ with Slither, as the tests run it (test_static_analysis.py).

The whole project is compiled as one solc standard-JSON unit through the project's solcjs
wrapper (crytic-compile's brownie mode crashes on file-level declarations), exported once, and
analysed from that export: Slither's detectors, then slither-check-erc for the ERC-20
conformance of SecurityToken and CashToken. Findings in OpenZeppelin (node_modules) are the
library's, not ours, and are left out. Exit status 1 when a High finding remains, a Medium one
is not triaged in contracts/SLITHER.md, or a token fails ERC-20 conformance.

Usage: python toolchain/slither_check.py [--out DIR]    (needs .venv-slither: setup.sh --test-tools)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".venv-slither" / "bin"
SOLC = ROOT / "toolchain" / "solcx" / "solc-v0.8.37"
TRIAGE = ROOT / "contracts" / "SLITHER.md"
ERC20_TOKENS = ("SecurityToken", "CashToken")
# Advisory only: ERC-20 itself has approve(); OpenZeppelin 5 dropped increaseAllowance on purpose.
ERC_ADVISORIES = {"lack_of_erc20_race_condition_protection"}


def standard_json_input() -> dict[str, object]:
    """Every contract of the project in one compilation unit, settings as brownie-config.yaml."""
    sources = {
        str(p.relative_to(ROOT)): {"content": p.read_text()}
        for p in sorted((ROOT / "contracts").rglob("*.sol"))
    }
    return {
        "language": "Solidity",
        "sources": sources,
        "settings": {
            "remappings": ["@openzeppelin/=node_modules/@openzeppelin/"],
            "optimizer": {"enabled": True, "runs": 200},
            "evmVersion": "cancun",
            "outputSelection": {
                "*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"], "": ["ast"]}
            },
        },
    }


def compile_once(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    source = out / "contracts.json"
    source.write_text(json.dumps(standard_json_input()))
    export = out / "export"
    subprocess.run(
        [TOOLS / "crytic-compile", source, "--compile-force-framework", "solc-json",
         "--solc", SOLC, "--export-format", "standard", "--export-dir", export],
        cwd=ROOT, check=True, capture_output=True,  # imports resolve from the project root
    )  # fmt: skip
    (exported,) = export.glob("*.json")
    return exported


def _run_json(cmd: list[Any], report: Path) -> dict[str, Any]:
    report.unlink(missing_ok=True)
    subprocess.run([*cmd, "--json", report], cwd=ROOT, capture_output=True)  # exits 1 on findings
    data = json.loads(report.read_text())
    if not data.get("success"):
        raise RuntimeError(f"{cmd[0]} failed: {data.get('error')}")
    results = data.get("results")
    return results if isinstance(results, dict) else {}


def finding_key(finding: dict[str, Any]) -> str:
    """`check Contract.function` (or `check Contract`), as the triage file names findings."""
    elements = finding.get("elements") or [{}]
    first = elements[0]
    name = first.get("name", "")
    parent = first.get("type_specific_fields", {}).get("parent", {})
    if first.get("type") == "function" and parent.get("name"):
        name = f"{parent['name']}.{name}"
    elif first.get("type") == "node":
        function = parent.get("type_specific_fields", {}).get("parent", {})
        name = f"{function.get('name', '')}.{parent.get('name', '')}"
    return f"{finding['check']} {name}"


def ours(finding: dict[str, Any]) -> bool:
    files = [e["source_mapping"]["filename_relative"] for e in finding.get("elements") or []]
    return not all(f.startswith("node_modules/") for f in files)


def triaged() -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", TRIAGE.read_text(), flags=re.MULTILINE))


def analyse(out: Path) -> dict[str, Any]:
    exported = compile_once(out)
    results = _run_json(
        [TOOLS / "slither", exported, "--compile-force-framework", "standard"], out / "slither.json"
    )
    findings = [f for f in results.get("detectors", []) if ours(f)]
    by_impact: dict[str, list[str]] = {}
    for finding in findings:
        by_impact.setdefault(str(finding["impact"]), []).append(finding_key(finding))
    erc: dict[str, list[str]] = {}
    for token in ERC20_TOKENS:
        checked = _run_json(
            [TOOLS / "slither-check-erc", exported, token, "--erc", "erc20",
             "--compile-force-framework", "standard"],
            out / f"erc20-{token}.json",
        )  # fmt: skip
        erc[token] = sorted(set(checked.get("erc-conformance", {})) - ERC_ADVISORIES)
    known = triaged()
    return {
        "by_impact": {k: sorted(set(v)) for k, v in sorted(by_impact.items())},
        "high": sorted(set(by_impact.get("High", []))),
        "untriaged_medium": sorted(set(by_impact.get("Medium", [])) - known),
        "erc20_failures": erc,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "slither")
    report = analyse(parser.parse_args().out)
    print(json.dumps(report, indent=2))
    failed = report["high"] or report["untriaged_medium"]
    failed = failed or any(report["erc20_failures"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
