"""The stosim command line: help, version, deploy and its chain lifecycle."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests
from typer.testing import CliRunner

from simulator import __version__
from stosim_cli.main import app

STOSIM = Path(sys.executable).parent / "stosim"
runner = CliRunner()


def _anvils_on(rpc_url: str) -> list[int]:
    """Anvil processes serving this URL's port (other tests may run chains of their own)."""
    port = rpc_url.rsplit(":", 1)[1]
    found = []
    for p in psutil.process_iter(["name", "cmdline"]):
        cmdline = p.info["cmdline"] or []
        try:
            running = p.info["name"] == "anvil" and p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:  # gone between the listing and the look
            continue
        if running and port in cmdline and "--port" in cmdline:
            found.append(p.pid)
    return found


def _gone(rpc_url: str) -> bool:
    """The chain was stopped on the way out; on a loaded machine it may take a moment to go."""
    deadline = time.time() + 20
    while _anvils_on(rpc_url) and time.time() < deadline:
        time.sleep(0.5)
    return _anvils_on(rpc_url) == []


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "deploy" in result.output and "version" in result.output


def test_version():
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"stosim {__version__}"


def test_deploy_exit_prints_a_manifest_and_leaves_no_chain_running():
    run = subprocess.run([STOSIM, "deploy", "--exit"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    manifest = json.loads(run.stdout)
    assert manifest["chain_id"] == 31337
    for name in ("MarketRegistry", "InvestorRegistry", "CashToken", "InvestorLimitRule"):
        assert manifest["contracts"][name].startswith("0x")
    assert set(manifest["venues"]) == {"NXT", "KDX"}
    assert "registrar (KSD)" in manifest["accounts"]
    assert _gone(manifest["rpc_url"])


def test_deploy_moves_to_a_free_port_when_8545_is_busy():
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            busy.bind(("127.0.0.1", 8545))
        except OSError:
            pytest.skip("8545 is already taken by something else, which is the same situation")
        busy.listen()
        run = subprocess.run(
            [STOSIM, "deploy", "--exit"], capture_output=True, text=True, timeout=300
        )
    assert run.returncode == 0, run.stderr
    assert not json.loads(run.stdout)["rpc_url"].endswith(":8545")


def test_deploy_on_an_explicitly_busy_port_says_so():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["deploy", "--exit", "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} is in use" in result.output


def test_deploy_to_an_unreachable_rpc_names_the_url():
    result = runner.invoke(app, ["deploy", "--rpc", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach a chain at http://127.0.0.1:9" in result.output


def test_deploy_keeps_the_chain_until_interrupted_then_stops_it():
    proc = subprocess.Popen(
        [STOSIM, "deploy"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.time() + 300
        lines = []
        assert proc.stdout is not None
        while time.time() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("}"):
                break
        manifest = json.loads("".join(lines))
        assert _anvils_on(manifest["rpc_url"]), "a fresh chain should be running while deploy waits"
        body = {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}
        block = requests.post(manifest["rpc_url"], json=body, timeout=10).json()["result"]
        assert int(block, 16) > 0
    finally:
        os.kill(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.terminate()  # never leave a chain behind, even when the test fails
            proc.wait(timeout=60)
    assert proc.returncode == 0
    assert _gone(manifest["rpc_url"])


def test_schema_describes_the_scenario_file():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"market", "regime", "firms", "assets", "offerings", "venues", "investors"} <= set(
        schema["properties"]
    )


def test_a_chain_dies_with_the_process_that_started_it_even_when_killed(tmp_path: Path):
    """SIGKILL leaves brownie no time to stop its Anvil: the launcher ties the two together."""
    script = tmp_path / "hold_a_chain.py"
    script.write_text(
        "import time\n"
        "from simulator.chain.brownie_ledger import BrownieLedger\n"
        "from simulator.chain.toolchain import free_port\n"
        "ledger = BrownieLedger.start(free_port())\n"
        "print(ledger.rpc_url, flush=True)\n"
        "time.sleep(600)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        rpc_url = ""
        while not rpc_url.startswith("http"):
            line = holder.stdout.readline() if holder.stdout else ""
            assert line, "the chain did not start"
            rpc_url = line.strip()
        assert _anvils_on(rpc_url), "the chain runs"
        holder.kill()
        holder.wait(timeout=30)
        deadline = time.time() + 20
        while _anvils_on(rpc_url) and time.time() < deadline:
            time.sleep(0.2)
        assert not _anvils_on(rpc_url), "the chain outlived the killed process"
    finally:
        holder.kill()
