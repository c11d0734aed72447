"""stosim's benchmark, one command, every figure measured in the same run on this machine:

    .venv/bin/python bench/run.py            # the whole table (several minutes)
    .venv/bin/python bench/run.py --quick    # smaller sizes, to check that it works

1. DvP settlements per second: a brownie call loop, a web3 loop, raw JSON-RPC batches, the stosim
   Anvil adapter and the embedded ledger (bench/settlement.py), with ratios to the brownie loop;
2. the 2027 baseline end to end on both ledgers: wall time and settled trades per second (and a
   check that both ledgers give the same summary);
3. the baseline at scale on the embedded ledger (default one simulated year, 5,000 investors),
   in a process of its own: wall time, settled trades per second, peak memory (max RSS);
4. memory per settled trade on the embedded ledger, first and last 100,000 trades
   (bench/memory.py);
5. whole scenarios on Anvil (500 investors x 60 days) and the largest case (100,000 investors x
   30 days on the embedded ledger, which must fit in 8 GiB);
6. sweep throughput on a local Dask cluster with 1 and 2 workers.

The figures are printed as a table, then each of issue 16's targets beside the figure reached,
and written to out/bench.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline-2027.yaml"
sys.path.insert(0, str(Path(__file__).parent))


def scaled(investors: int, days: int) -> dict[str, int]:
    """Overrides for the baseline with `investors` in its classes' proportions (75/15/10%)."""
    general, income = investors * 75 // 100, investors * 15 // 100
    return {
        "market.days": days,
        "investors.0.count": general,
        "investors.1.count": income,
        "investors.2.count": investors - general - income,
    }


def peak_resident_bytes() -> int:
    """This process's peak resident memory (Linux: VmHWM). Not getrusage's ru_maxrss: that
    survives fork and exec, so a child would report its parent's peak if it was higher."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(ledger: str, investors: int, days: int) -> None:
    """In a process of its own: one run of the baseline; prints its figures as JSON. The wall
    time includes deploying the contracts (and, on Anvil, starting the node)."""
    from simulator.runner import run_scenario
    from simulator.scenario import load_scenario

    overrides = scaled(investors, days) if investors else None
    scenario = load_scenario(BASELINE, overrides=overrides)
    started = time.perf_counter()
    result = run_scenario(scenario, ledger=ledger)  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    settled = len(result.tables["trade_settled"])
    peak = peak_resident_bytes()
    print(json.dumps({
        "ledger": ledger, "investors": sum(g.count for g in scenario.investors),
        "days": scenario.market.days, "wall_s": wall, "settled": settled,
        "settled_per_s": settled / wall, "events": len(result.log), "peak_bytes": peak,
        "summary": result.summary,
    }))  # fmt: skip


def memory_child(trades: int, window: int) -> dict[str, Any]:
    """bench/memory.py in a process of its own (its resident memory is the measure)."""
    out = ROOT / "out" / "bench-memory.json"
    subprocess.run(
        [sys.executable, str(Path(__file__).parent / "memory.py"), "--trades", str(trades),
         "--window", str(window), "--json", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: dict[str, Any] = json.loads(out.read_text())
    return found


def run_child(ledger: str, investors: int = 0, days: int = 0) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", ledger, str(investors), str(days)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def sweep_throughput(workers: int, seeds: int, overrides: dict[str, int]) -> dict[str, Any]:
    import yaml

    from simulator.scenario import apply_overrides
    from simulator.sweep import Sweep, run_sweep

    document = apply_overrides(yaml.safe_load(BASELINE.read_text()), overrides)
    sweep = Sweep(document, {"venues.0.settlement_days": [0, 2]}, seeds=seeds, ledger="revm")
    result = run_sweep(sweep, workers=workers)
    return result.info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the bench runs")
    parser.add_argument("--scale-investors", type=int, default=5_000)
    parser.add_argument("--scale-days", type=int, default=365)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    from settlement import measure

    quick = args.quick
    figures: dict[str, Any] = {}
    rows: list[tuple[str, str, str]] = []

    rates = measure(50 if quick else 300, 400 if quick else 2_000)
    figures["settlement_per_s"] = rates
    base = rates["brownie loop"]
    for way, rate in rates.items():
        rows.append((f"settlements/s: {way}", f"{rate:,.0f}", f"{rate / base:.1f}x brownie"))

    runs = {ledger: run_child(ledger) for ledger in ("anvil", "revm")}
    assert runs["anvil"]["summary"] == runs["revm"]["summary"], "the ledgers disagree"
    figures["baseline"] = {
        k: {x: v for x, v in r.items() if x != "summary"} for k, r in runs.items()
    }
    for ledger, r in runs.items():
        rows.append(
            (
                f"baseline on {ledger}: wall",
                f"{r['wall_s']:.1f} s",
                f"{r['settled']} trades settled, chain start included",
            )
        )
        rows.append(
            (f"baseline on {ledger}: settled/s", f"{r['settled_per_s']:,.0f}", "end to end")
        )
        rows.append(
            (
                f"baseline on {ledger}: peak memory",
                f"{r['peak_bytes'] / 2**20:,.0f} MiB",
                "max RSS of the run's process (Anvil's own not included)",
            )
        )
    rows.append(
        (
            "baseline speed-up revm/anvil",
            f"{runs['anvil']['wall_s'] / runs['revm']['wall_s']:.1f}x",
            "same summary",
        )
    )

    investors, days = (500, 20) if quick else (args.scale_investors, args.scale_days)
    big = run_child("revm", investors, days)
    figures["scale"] = {x: v for x, v in big.items() if x != "summary"}
    label = f"baseline {days} days, {investors:,} investors (revm)"
    rows.append((f"{label}: wall", f"{big['wall_s']:.1f} s", f"{big['settled']:,} trades settled"))
    rows.append(
        (f"{label}: settled/s", f"{big['settled_per_s']:,.0f}", "agents, matching and chain")
    )
    rows.append((f"{label}: peak memory", f"{big['peak_bytes'] / 2**30:.2f} GiB", "max RSS"))

    trades, window = (20_000, 8_000) if quick else (300_000, 100_000)
    memory = memory_child(trades, window)
    figures["memory"] = {k: v for k, v in memory.items() if k != "samples"}
    first, last = memory["first_window_bytes_per_trade"], memory["last_window_bytes_per_trade"]
    rows.append(
        (
            f"memory per settled trade, first / last {window:,}",
            f"{first:,.0f} / {last:,.0f} B",
            f"{trades:,} trades, {memory['carry_overs']} carry-overs, "
            f"{memory['start_mib']:,.0f} -> {memory['end_mib']:,.0f} MiB resident",
        )
    )

    anvil_size = (100, 10) if quick else (500, 60)
    anvil = run_child("anvil", *anvil_size)
    figures["anvil_scenario"] = {x: v for x, v in anvil.items() if x != "summary"}
    rows.append(
        (
            f"{anvil_size[0]} investors x {anvil_size[1]} days on anvil: settled/s",
            f"{anvil['settled_per_s']:,.0f}",
            f"{anvil['settled']:,} trades in {anvil['wall_s']:.1f} s",
        )
    )
    largest_size = (2_000, 10) if quick else (100_000, 30)
    largest = run_child("revm", *largest_size)
    figures["largest"] = {x: v for x, v in largest.items() if x != "summary"}
    rows.append(
        (
            f"{largest_size[0]:,} investors x {largest_size[1]} days (revm): peak memory",
            f"{largest['peak_bytes'] / 2**30:.2f} GiB",
            f"{largest['settled']:,} trades in {largest['wall_s']:.1f} s",
        )
    )

    # tasks of a few seconds each, so that the workers' start-up does not dominate
    sweep_size = scaled(40, 5) if quick else scaled(300, 30)
    seeds = 2 if quick else 4
    sweeps = {w: sweep_throughput(w, seeds, sweep_size) for w in (1, 2)}
    figures["sweep"] = sweeps
    for w, info in sweeps.items():
        rows.append(
            (
                f"sweep, {w} worker(s): tasks/s",
                f"{info['tasks_per_s']:.2f}",
                f"{info['tasks']} tasks in {info['wall_s']:.1f} s",
            )
        )
    rows.append(
        (
            "sweep speed-up 2 vs 1 workers",
            f"{sweeps[2]['tasks_per_s'] / sweeps[1]['tasks_per_s']:.2f}x",
            f"{multiprocessing.cpu_count()} cores",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'value':>14}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>14}  {note}")
    print_targets(figures, quick)
    out = ROOT / "out" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")


def targets(figures: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Issue 16's targets: (target, figure reached, met)."""
    scale, memory = figures["scale"], figures["memory"]
    embedded = figures["settlement_per_s"]["embedded ledger (revm)"]
    first, last = memory["first_window_bytes_per_trade"], memory["last_window_bytes_per_trade"]
    anvil, largest = figures["anvil_scenario"], figures["largest"]
    return [
        ("one year x 5,000 investors (revm): wall < 60 s", f"{scale['wall_s']:.0f} s",
         scale["wall_s"] < 60),
        ("one year x 5,000 investors (revm): peak < 2 GiB",
         f"{scale['peak_bytes'] / 2**30:.2f} GiB", scale["peak_bytes"] < 2 * 2**30),
        ("memory per settled trade flat (last window <= first)",
         f"{first:,.0f} -> {last:,.0f} B", last <= first),
        ("embedded settlement >= 10,000 trades/s", f"{embedded:,.0f}/s", embedded >= 10_000),
        ("whole scenario at scale >= 5,000 settled/s", f"{scale['settled_per_s']:,.0f}/s",
         scale["settled_per_s"] >= 5_000),
        ("anvil 500 x 60 days >= 300 settled/s", f"{anvil['settled_per_s']:,.0f}/s",
         anvil["settled_per_s"] >= 300),
        ("100,000 investors x 30 days within 8 GiB",
         f"{largest['peak_bytes'] / 2**30:.2f} GiB", largest["peak_bytes"] < 8 * 2**30),
        ("baseline peak well under 300 MiB (< 200 MiB)",
         f"{figures['baseline']['revm']['peak_bytes'] / 2**20:,.0f} MiB",
         figures["baseline"]["revm"]["peak_bytes"] < 200 * 2**20),
    ]  # fmt: skip


def print_targets(figures: dict[str, Any], quick: bool) -> None:
    rows = targets(figures)
    width = max(len(t) for t, _, _ in rows)
    sizes = "(quick sizes)" if quick else ""
    print(f"\n{'target (issue 16)':<{width}}  {'reached':>14}  {sizes}")
    for target, reached, met in rows:
        print(f"{target:<{width}}  {reached:>14}  {'met' if met else 'not met'}")


if __name__ == "__main__":
    main()
