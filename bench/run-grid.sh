#!/usr/bin/env bash
# The grid back to back: AotNet (Native AOT, x86-64-v3) and PyTorch alternately, RUNS times each, then the ratios.
#   bash bench/run-grid.sh [OUT_DIR] [RUNS] [-- options for both grids, e.g. --topologies mlp784 --budget 3]
# Writes OUT_DIR/aotnet-N.{md,json}, OUT_DIR/torch-N.{md,json} and OUT_DIR/ratios.md (default OUT_DIR artifacts/grid-runs, RUNS 2).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/grid-runs}
runs=${2:-2}
shift $(( $# < 2 ? $# : 2 )) || true
[[ ${1:-} == -- ]] && shift
mkdir -p "$out"
dotnet publish bench/AotNet.Grid -c Release -o artifacts/grid -v quiet -nologo >/dev/null
python=${PYTHON:-/usr/bin/python3}
for i in $(seq 1 "$runs"); do
  echo "run $i/$runs: aotnet-grid ($(uptime | sed 's/.*load/load/'))" >&2
  artifacts/grid/aotnet-grid "$@" --json "$out/aotnet-$i.json" > "$out/aotnet-$i.md"
  echo "run $i/$runs: torch_grid.py ($(uptime | sed 's/.*load/load/'))" >&2
  "$python" bench/peers/torch_grid.py "$@" --json "$out/torch-$i.json" > "$out/torch-$i.md"
done
"$python" bench/peers/grid_ratios.py --aotnet "$out"/aotnet-*.json --torch "$out"/torch-*.json > "$out/ratios.md"
cat "$out/ratios.md"
