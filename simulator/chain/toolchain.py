"""Where the checkout keeps its tools, and the process environment brownie needs to use them.

stosim installs everything inside the checkout (see toolchain/setup.sh): Anvil and solcjs come
from node_modules, and py-solc-x finds solcjs through the wrapper in toolchain/solcx.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
from pathlib import Path

from simulator.errors import ToolchainError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOLC_VERSION = "0.8.37"
SOLCX_DIR = PROJECT_ROOT / "toolchain" / "solcx"
NODE_MODULES = PROJECT_ROOT / "node_modules"
ANVIL_LAUNCHER_DIR = PROJECT_ROOT / "toolchain" / "bin"  # `anvil` that dies with its parent

_ANVIL_PLATFORMS = {
    ("Linux", "x86_64"): "linux-amd64",
    ("Linux", "aarch64"): "linux-arm64",
    ("Darwin", "x86_64"): "darwin-amd64",
    ("Darwin", "arm64"): "darwin-arm64",
}


def anvil_binary() -> Path:
    """The native anvil executable from the npm package @foundry-rs/anvil.

    The native binary is used rather than the package's Node launcher, so that stopping the
    chain stops Anvil itself and leaves no process behind.
    """
    suffix = _ANVIL_PLATFORMS.get((platform.system(), platform.machine()))
    if suffix:
        native = NODE_MODULES / "@foundry-rs" / f"anvil-{suffix}" / "bin" / "anvil"
        if native.exists():
            return native
    launcher = NODE_MODULES / ".bin" / "anvil"
    if launcher.exists():
        return launcher
    raise ToolchainError(
        f"anvil not found under {NODE_MODULES}; run toolchain/setup.sh to install it"
    )


def prepare_environment() -> None:
    """Point py-solc-x at the solcjs wrapper; fail early if Node or the wrapper is missing."""
    if shutil.which("node") is None:
        raise ToolchainError("node is not on PATH; stosim compiles Solidity with solcjs (Node.js)")
    wrapper = SOLCX_DIR / f"solc-v{SOLC_VERSION}"
    if not wrapper.exists() or not (NODE_MODULES / "solc").exists():
        raise ToolchainError(
            "the solcjs wrapper or node_modules/solc is missing; "
            f"run toolchain/setup.sh in {PROJECT_ROOT}"
        )
    os.environ["SOLCX_BINARY_PATH"] = str(SOLCX_DIR)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR: a port left in TIME_WAIT by a chain that just stopped counts as free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS considers free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def choose_port(preferred: int = 8545, host: str = "127.0.0.1") -> int:
    """The preferred port if it is free, otherwise one the OS hands out."""
    return preferred if port_is_free(preferred, host) else free_port(host)
