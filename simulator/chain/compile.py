"""Compile the contracts when their sources changed, and only then.

A run on the embedded ledger needs nothing of brownie once the store of compiled contracts
(artifacts.STORE) matches the sources: brownie, with its ASTs, is loaded only to compile.
"""

from __future__ import annotations

from simulator.chain import artifacts


def ensure_compiled() -> None:
    """Make the store of compiled contracts current, compiling through brownie if it is not."""
    if artifacts.store_is_current():
        return
    from simulator.chain.brownie_ledger import load_project

    load_project()  # compiles, and writes the store
