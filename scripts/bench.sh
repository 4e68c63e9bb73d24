#!/usr/bin/env bash
# Run the benchmarks behind docs/benchmarks.md. `make bench` runs each at a small size to prove they work
# (minutes); `make bench SIZE=full` runs them at the sizes the docs report (hours, PostgreSQL clusters started
# and removed by the scripts themselves). Add WRITE_DOCS=1 to rewrite the figures in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SIZE=${SIZE:-small}
docs=()
[[ ${WRITE_DOCS:-0} == 1 ]] && docs=(--write-docs)

run() {
  echo
  echo "==== $* ===="
  local started=$SECONDS
  "$PY" "$@" "${docs[@]}"
  echo "---- $((SECONDS - started)) s"
}

if [[ $SIZE == full ]]; then
  run benchmarks/bench_synth.py
  run benchmarks/bench_pages.py --people 250000 --postgres
  run benchmarks/bench_risk.py --people 1250000
  run benchmarks/bench_import.py --rows 100000 --postgres
  run benchmarks/bench_import_web.py --rows 1000000 --postgres
  run benchmarks/bench_measures.py
  run benchmarks/bench_release.py
  run benchmarks/bench_workqueue.py
  run benchmarks/bench_linkage.py --sizes 100000,250000,500000,1000000 --incremental 10000 --compare
  run benchmarks/bench_linkage_public.py
else
  docs=()  # small runs never overwrite the documented figures
  run benchmarks/bench_synth.py --people 5000
  run benchmarks/bench_pages.py --people 3000 --sqlite "$(mktemp -d)/bench.sqlite3" --repeat 2
  run benchmarks/bench_import.py --rows 2000
  run benchmarks/bench_release.py --supervised 2000 --releases 100 --repeat 2
  run benchmarks/bench_workqueue.py --supervised 2000 --releases 100 --repeat 2
  run benchmarks/bench_linkage.py --sizes 20000 --incremental 1000
fi
