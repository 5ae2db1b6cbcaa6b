#!/usr/bin/env bash
# Runs one short aotnet experiment five ways and prints which give the same bits (every saved weight and every
# results.json value but the timings): the App dll under the JIT with DOTNET_PreferredVectorBitWidth = 128, 256
# and 512, the native x64 binary, and the ARM64 binary under qemu-user (docs/arm64.md).
#
#   scripts/compare-bits.sh [--no-publish] EXPERIMENT [aotnet options…]
#   scripts/compare-bits.sh imdb --epochs 2
#   scripts/compare-bits.sh boston --epochs 3 --folds 2
#
# First it builds the App and publishes both binaries (incremental; --no-publish uses what artifacts/ holds).
# Data: $AOTNET_TEST_DATA, else ../shared/data/keras (hash-checked by every run: managed code, no libssl needed).
# Exit code 0 when all runs agree, 1 when some differ. The runs' files stay in the folder printed at the end.
# The comparison: scripts/CompareBits (the tests' BitDiff), built on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

publish=1
if [ "${1:-}" = "--no-publish" ]; then publish=0; shift; fi
if [ $# -lt 1 ] || [[ "$1" == -* ]]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
experiment=$1; shift
data=${AOTNET_TEST_DATA:-$(cd .. && pwd)/shared/data/keras}
if [ ! -d "$data" ]; then
  echo "compare-bits: no dataset folder $data: set AOTNET_TEST_DATA to the folder holding the Keras files" >&2
  exit 2
fi

jit_dll=src/App/bin/Release/net10.0/aotnet.dll
x64=artifacts/aotnet/aotnet
arm64=artifacts/aotnet-arm64/aotnet
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
sysroot=${AOTNET_ARM64_SYSROOT:-/usr/aarch64-linux-gnu}

if [ "$publish" = 1 ]; then
  echo "building the App and publishing the x64 and arm64 binaries (incremental)"
  dotnet build src/App -c Release -v q -nologo >/dev/null || { echo "compare-bits: dotnet build src/App failed" >&2; exit 1; }
  dotnet publish src/App -c Release -o artifacts/aotnet -v q -nologo >/dev/null || { echo "compare-bits: x64 publish failed" >&2; exit 1; }
  if [ -n "$qemu" ]; then
    if ! dotnet publish src/App -c Release -r linux-arm64 -o artifacts/aotnet-arm64 -v q -nologo >/dev/null; then
      echo "compare-bits: arm64 publish failed (tools: docs/arm64.md); comparing without it" >&2
      arm64=/nonexistent/aotnet-arm64 # never an out-of-date binary
    fi
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/aotnet-compare-bits.XXXXXX")
runs=()
run() { # LABEL COMMAND…: runs the experiment into $work/LABEL and adds LABEL=DIR to runs
  local label=$1; shift
  local dir="$work/$label" started code=0
  mkdir -p "$dir"
  started=$(date +%s%N)
  "$@" "$experiment" "${options[@]}" --data-dir "$data" --out "$dir" --save-weights "$dir/weights.safetensors" \
       --quiet >"$dir/stdout" 2>"$dir/stderr" || code=$?
  if [ "$code" -eq 0 ]; then
    printf '  %-12s %5d ms\n' "$label" $((($(date +%s%N) - started) / 1000000))
    runs+=("$label=$dir")
  else
    echo "  $label: failed (exit $code): $(head -c 400 "$dir/stderr")"
  fi
}
options=("$@")

echo "running: aotnet $experiment ${options[*]}"
if [ -f "$jit_dll" ]; then
  for bits in 128 256 512; do
    run "jit-$bits" env -u DOTNET_EnableAVX512 -u DOTNET_EnableAVX512F DOTNET_PreferredVectorBitWidth=$bits dotnet "$jit_dll"
  done
else
  echo "jit: skipped, no $jit_dll (dotnet build src/App -c Release)"
fi
if [ -x "$x64" ]; then run x64-native "$x64"; else echo "x64-native: skipped, no $x64 (dotnet publish src/App -c Release -o artifacts/aotnet)"; fi
if [ -z "$qemu" ]; then
  echo "arm64-qemu: skipped, no qemu-aarch64-static (apt-get install qemu-user-static)"
elif [ ! -f "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
  echo "arm64-qemu: skipped, no arm64 sysroot at $sysroot (apt-get install libc6-dev-arm64-cross, or set AOTNET_ARM64_SYSROOT)"
elif [ ! -x "$arm64" ]; then
  echo "arm64-qemu: skipped, no $arm64 (dotnet publish src/App -c Release -r linux-arm64 -o artifacts/aotnet-arm64)"
else
  run arm64-qemu "$qemu" -L "$sysroot" "$arm64"
fi

if [ ${#runs[@]} -lt 2 ]; then
  echo "compare-bits: fewer than two runs succeeded; their output is in $work" >&2
  exit 1
fi
rc=0
dotnet run --project scripts/CompareBits -c Release -v q -- "${runs[@]}" || rc=$?
echo "runs' files: $work"
exit $rc
