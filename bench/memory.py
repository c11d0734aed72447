"""Memory per settled trade on the embedded ledger, from the first trades to the last.

    .venv/bin/python bench/memory.py [--trades 300000] [--window 100000]

Settles `--trades` trades (bench/settlement.py's market, settleBatch transactions of the
simulator's batch size, every batch's TradeSettled events counted) and samples the process's
resident memory (current, not peak) along the way. Prints the growth per settled trade over the
first and the last `--window` trades: flat memory means the last window grows no more than the
first. Also prints settlements per second and how often the ledger carried its state into a
fresh EVM (simulator/chain/revm_state.py); `--no-carry-over` measures the unbounded journal instead.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from settlement import Trades, adapter_batches, prepare

from simulator.chain import revm_ledger
from simulator.chain.revm_ledger import RevmLedger

STEP = 4_000  # trades between samples


def resident_bytes() -> int:
    """The process's resident set size now (Linux: /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def measure(trades: int, window: int) -> dict[str, Any]:
    ledger = RevmLedger.start()
    setup = prepare(ledger, trades)
    orders = Trades(setup)
    samples = [(0, resident_bytes())]
    started = time.perf_counter()
    settled = 0
    while settled < trades:
        step = min(STEP, trades - settled)
        done = adapter_batches(ledger, setup, orders, step)
        assert done == step, f"{done} of {step} settled"
        settled += step
        samples.append((settled, resident_bytes()))
    wall = time.perf_counter() - started
    window = min(window, trades // 2)

    def growth(first: int, last: int) -> float:
        """Least-squares slope of resident memory over trades in [first, last]: the journal's
        saw-tooth (it grows, then is carried over) averages out."""
        points = [(n, b) for n, b in samples if first <= n <= last]
        mean_n = sum(n for n, _ in points) / len(points)
        mean_b = sum(b for _, b in points) / len(points)
        spread = sum((n - mean_n) ** 2 for n, _ in points)
        return sum((n - mean_n) * (b - mean_b) for n, b in points) / spread if spread else 0.0

    return {
        "trades": trades,
        "window": window,
        "wall_s": wall,
        "settled_per_s": trades / wall,
        "first_window_bytes_per_trade": growth(0, window),
        "last_window_bytes_per_trade": growth(trades - window, trades),
        "start_mib": samples[0][1] / 2**20,
        "end_mib": samples[-1][1] / 2**20,
        "carry_overs": ledger.carry_overs,
        "carry_over_s": ledger.carry_over_seconds,
        "storage_slots": ledger.slots_held,
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=300_000)
    parser.add_argument("--window", type=int, default=100_000)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--no-carry-over", action="store_true", help="the journal unbounded, as before issue 16"
    )
    args = parser.parse_args()
    if args.no_carry_over:
        revm_ledger.CARRY_OVER_ENTRIES = 2**62
    found = measure(args.trades, args.window)
    print(
        f"{found['trades']:,} trades in {found['wall_s']:.1f} s "
        f"({found['settled_per_s']:,.0f}/s), {found['carry_overs']} carry-overs taking "
        f"{found['carry_over_s']:.1f} s, {found['storage_slots']:,} storage slots at the end\n"
        f"resident memory {found['start_mib']:,.0f} MiB -> {found['end_mib']:,.0f} MiB\n"
        f"growth per settled trade: first {found['window']:,} "
        f"{found['first_window_bytes_per_trade']:,.0f} B, last {found['window']:,} "
        f"{found['last_window_bytes_per_trade']:,.0f} B"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
