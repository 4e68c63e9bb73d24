"""Benchmark the synthetic partnership generator: wall time, peak memory and rows for N people.

    PYTHONPATH=src python benchmarks/bench_synth.py                      # 1,000,000 people
    PYTHONPATH=src python benchmarks/bench_synth.py --people 50000 --out var/synth
    PYTHONPATH=src python benchmarks/bench_synth.py --write-docs         # update docs/benchmarks.md

The time is generation alone (everything built in memory); with ``--out`` the time to write Parquet is
reported separately. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from desist.core.synth import (  # noqa: E402 (the path is set up above so the script runs from a checkout)
    DEFAULT_AS_OF,
    GENERATOR_VERSION,
    generate_partnership,
    write_partnership,
)

START = "<!-- bench:synth:start -->"
END = "<!-- bench:synth:end -->"
DOCS = ROOT / "docs" / "benchmarks.md"


def machine() -> str:
    """'N cores, M GB' for this machine."""
    cores = os.cpu_count() or 1
    gb = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    gb = round(int(line.split()[1]) / 1024**2)  # GiB, as machines are sold
                    break
    except OSError:
        pass
    return f"{cores} cores, {gb} GB" if gb else f"{cores} cores"


def peak_rss_bytes() -> int:
    """Peak resident memory of this process (ru_maxrss is kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def section(
    people: int,
    seed: int,
    seconds: float,
    rss: int,
    counts: dict[str, int],
    host: str,
    write_seconds: float | None,
) -> str:
    """The Markdown section for docs/benchmarks.md."""
    total = sum(counts.values())
    command = "PYTHONPATH=src python benchmarks/bench_synth.py"
    if people != 1_000_000:
        command += f" --people {people}"
    if seed != 1:
        command += f" --seed {seed}"
    command += " --out var/synth --write-docs" if write_seconds is not None else " --write-docs"
    written = (
        f" Writing it all as Parquet took a further {write_seconds:.1f} s."
        if write_seconds is not None
        else ""
    )
    paragraph = (
        "`desist.core.synth.generate_partnership` builds a whole synthetic Kent and Medway partnership in "
        "memory: people, families and households, addresses over time, criminal histories with sentences, "
        "requirements and licence conditions, registers, involvements, agency extracts with injected errors "
        "and the truth table. The time is generation alone; peak RSS is the process's maximum resident "
        f"memory.{written} Generator {GENERATOR_VERSION}, seed {seed}, as of {DEFAULT_AS_OF.isoformat()}, "
        f"measured {date.today().isoformat()}. Reproduce with:"
    )
    lines = [
        START,
        "## Synthetic partnership generator",
        "",
        *textwrap.wrap(paragraph, width=105),
        "",
        "```",
        command,
        "```",
        "",
        "| people | seconds | peak RSS | total rows | machine |",
        "|---:|---:|---:|---:|---|",
        f"| {people:,} | {seconds:.1f} | {rss / 1e9:.1f} GB | {total:,} | {host} |",
        "",
        "Rows per table:",
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {name} | {n:,} |" for name, n in counts.items()],
        END,
    ]
    return "\n".join(lines) + "\n"


def write_docs(text: str, path: Path = DOCS) -> None:
    """Replace the generator's section of docs/benchmarks.md (create the file if need be)."""
    if path.exists():
        current = path.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(START) + r".*?" + re.escape(END) + r"\n?", re.DOTALL)
        if pattern.search(current):
            updated = pattern.sub(lambda _m: text, current, count=1)
        else:
            updated = current.rstrip("\n") + "\n\n" + text
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        updated = "# Benchmarks\n\n" + text
    path.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="also write Parquet files here and time it")
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS.relative_to(ROOT)}")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    world = generate_partnership(people=args.people, seed=args.seed)
    seconds = time.perf_counter() - started
    rss = peak_rss_bytes()
    counts = world.row_counts()
    host = machine()

    width = max(len(name) for name in counts)
    for name, n in counts.items():
        print(f"{name:<{width}}  {n:>12,}")
    print()
    print("| people | seconds | peak RSS | total rows | machine |")
    print("|---:|---:|---:|---:|---|")
    print(f"| {args.people:,} | {seconds:.1f} | {rss / 1e9:.1f} GB | {sum(counts.values()):,} | {host} |")
    write_seconds = None
    if args.out:
        started = time.perf_counter()
        write_partnership(world, args.out)
        write_seconds = time.perf_counter() - started
        print(f"\nwrote Parquet to {args.out} in {write_seconds:.1f} s")
    if args.write_docs:
        write_docs(section(args.people, args.seed, seconds, rss, counts, host, write_seconds))
        print(f"\nupdated {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
