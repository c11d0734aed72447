"""The `stosim` command line."""

from __future__ import annotations

import json
import signal
import time
from typing import Annotated, Any

import typer
from rich.console import Console

from simulator import __version__
from simulator.errors import StosimError

app = typer.Typer(
    help="stosim: simulate Korean tokenized-securities markets with the contracts in the loop.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


@app.command()
def version() -> None:
    """Print stosim's version."""
    typer.echo(f"stosim {__version__}")


@app.command()
def deploy(
    rpc: Annotated[
        str | None,
        typer.Option(help="Deploy to the chain at this URL instead of starting a fresh Anvil."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="Port for the fresh Anvil (default 8545, or a free one if taken)."),
    ] = None,
    exit_: Annotated[
        bool,
        typer.Option(
            "--exit", help="Print the manifest and stop the chain instead of keeping it running."
        ),
    ] = False,
) -> None:
    """Deploy the market's contracts and print a JSON manifest (RPC URL, contracts, accounts).

    With a fresh Anvil the chain keeps running until interrupted (Ctrl-C), so that you can talk
    to the contracts with web3 or any other client; --exit stops it after printing.
    """
    from simulator.chain.brownie_ledger import BrownieLedger
    from simulator.chain.deploy import deploy_market, list_sample_issue

    try:
        err.print("[dim]compiling contracts and starting the chain...[/dim]")
        ledger = BrownieLedger.attach(rpc) if rpc else BrownieLedger.start(port)
    except StosimError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    try:
        market = deploy_market(ledger)
        list_sample_issue(ledger, market)
        typer.echo(json.dumps(market.manifest(), indent=2))
        if ledger.owns_chain and not exit_:
            err.print(f"[green]chain running at {ledger.rpc_url}[/green]; press Ctrl-C to stop it")
            _wait_for_interrupt()
    except StosimError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        ledger.close()


def _wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM, so that the caller's cleanup stops the chain either way."""

    def _stop(*_: Any) -> None:
        raise KeyboardInterrupt

    # both explicitly: a shell that starts a job in the background makes it ignore SIGINT
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        err.print("stopping the chain")


if __name__ == "__main__":
    app()
