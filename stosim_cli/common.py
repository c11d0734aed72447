"""What the CLI's commands share: the consoles, quiet mode, errors, `--set` and output paths.

Quiet by default: the compiler's, brownie's (Anvil launch and shutdown) and Dask's chatter is
held back unless `-v` is given, and then goes to stderr; stdout carries only what a script would
parse (tables, a deploy manifest).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from simulator.errors import StosimError

err = Console(stderr=True)
OUT = Path("out")
_verbose = False


def set_verbose(verbose: bool) -> None:
    global _verbose
    _verbose = verbose
    if not verbose:
        # Dask workers are other processes: they read their log levels from the environment
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
        os.environ.setdefault("DASK_DISTRIBUTED__LOGGING__DISTRIBUTED", "error")


@contextlib.contextmanager
def hushed() -> Iterator[Console]:
    """Hold back what libraries print (compiler output, "Launching 'anvil ...'") unless -v; it
    is shown on stderr if the command fails. Yields a console on the real stderr for progress."""
    console = Console(file=sys.stderr)
    if _verbose:
        with contextlib.redirect_stdout(sys.stderr):
            yield console
        return
    held = io.StringIO()
    try:
        with contextlib.redirect_stdout(held), contextlib.redirect_stderr(held):
            yield console
    except BaseException:
        if held.getvalue().strip():
            console.print("[dim]" + escape(held.getvalue().strip()[-4_000:]) + "[/dim]")
        raise


def fail(exc: StosimError | str) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)  # no inserted breaks
    return typer.Exit(1)


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """`--set FIELD=VALUE` options -> overrides; values read as YAML scalars (0, 2.5, true)."""
    overrides: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise StosimError(
                f"--set {item!r}: expected FIELD=VALUE, e.g. venues.0.settlement_days=0"
            )
        try:
            overrides[name] = yaml.safe_load(value.strip()) if value.strip() else ""
        except yaml.YAMLError:
            raise StosimError(f"--set {name}: {value!r} is not a plain value") from None
    return overrides


def safe_name(name: str) -> str:
    """A scenario name as one folder name under out/: no absolute path, no climbing out with
    ../, nothing but letters, digits, '.', '_' and '-'."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    return cleaned or "run"


def default_out(*parts: str) -> Path:
    """out/<parts...>, each part made safe; checked to stay inside out/."""
    target = OUT.joinpath(*[safe_name(p) for p in parts])
    if not target.resolve().is_relative_to(OUT.resolve()):
        raise StosimError(f"output path {target} would leave {OUT}/")
    return target
