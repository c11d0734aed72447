"""The solcjs wrapper speaks native solc's command-line protocol, as py-solc-x expects."""

from __future__ import annotations

import json
import subprocess

import solcx

from simulator.chain.toolchain import SOLC_VERSION, SOLCX_DIR, prepare_environment

WRAPPER = SOLCX_DIR / f"solc-v{SOLC_VERSION}"

TOKEN_SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Probe is ERC20 { constructor() ERC20("Probe", "PRB") { _mint(msg.sender, 1); } }
"""


def _standard_json(source: str) -> str:
    return json.dumps(
        {
            "language": "Solidity",
            "sources": {"Probe.sol": {"content": source}},
            "settings": {
                "outputSelection": {"*": {"*": ["abi", "evm.bytecode", "evm.deployedBytecode"]}}
            },
        }
    )


def test_version_line_is_what_py_solc_x_parses():
    out = subprocess.run([WRAPPER, "--version"], capture_output=True, text=True, check=True).stdout
    assert f"Version: {SOLC_VERSION}+commit" in out


def test_compiles_openzeppelin_import_through_a_pipe_past_64kb():
    run = subprocess.run(
        [WRAPPER, "--standard-json", "--allow-paths", "."],
        input=_standard_json(TOKEN_SOURCE),
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(run.stdout) > 65_536, "output this large used to be cut off in a pipe"
    output = json.loads(run.stdout)
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"]
    assert output["contracts"]["Probe.sol"]["Probe"]["evm"]["bytecode"]["object"]


def test_compile_errors_come_back_as_json_not_a_crash():
    output = json.loads(
        subprocess.run(
            [WRAPPER, "--standard-json"],
            input=_standard_json("contract {"),
            capture_output=True,
            text=True,
        ).stdout
    )
    assert any(e["severity"] == "error" for e in output["errors"])


def test_py_solc_x_sees_the_wrapper_as_an_installed_compiler():
    prepare_environment()
    assert SOLC_VERSION in {str(v) for v in solcx.get_installed_solc_versions()}
    assert solcx.install.get_executable(SOLC_VERSION) == WRAPPER


def test_no_arguments_is_a_usage_error():
    run = subprocess.run([WRAPPER], capture_output=True, text=True)
    assert run.returncode == 2
    assert "usage" in run.stderr
