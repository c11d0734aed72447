"""The seam between stosim and a ledger: toolchain, chain backends and market deployment."""
