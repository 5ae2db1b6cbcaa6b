#!/usr/bin/env bash
# Shows report.html as a browser does: headless Chromium (Debian: apt-get install chromium) renders it and saves a
# PNG of the page's top WIDTH x HEIGHT pixels.
#   scripts/report-screenshot.sh [REPORT.html] [OUT.png] [WIDTH] [HEIGHT]
# defaults: aotnet-out/report.html, report.png, 1400 x 2000. docs/report.png (the README's picture) is made with
#   scripts/report-screenshot.sh aotnet-out/report.html docs/report.png 1400 1500
set -euo pipefail
report=${1:-aotnet-out/report.html}
png=${2:-report.png}
width=${3:-1400}
height=${4:-2000}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "report-screenshot: no Chromium found; install it (Debian: apt-get install chromium)" >&2
  exit 2
fi
if [ ! -f "$report" ]; then
  echo "report-screenshot: $report does not exist; run aotnet first (e.g. ./artifacts/aotnet/aotnet all)" >&2
  exit 2
fi
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: Chromium refuses to run as root otherwise (CI and containers); the page is a local file without scripts
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$png" "$url" >/dev/null 2>&1
test -s "$png"
echo "wrote $png (${width}x${height}) from $report"
