#!/usr/bin/env bash
# Renders a sweep's report.html to report.png with headless Chromium (Debian: apt-get install chromium), so that
# the page can be looked at and committed beside results.
#   bin/render-report.sh DIR [HEIGHT]   (HEIGHT: pixels from the top, default 3000 — the statistics and the first
#                                      plots; a long report needs more, e.g. 12000 for all of a 120-run sweep)
set -euo pipefail
dir="$(cd "${1:?usage: bin/render-report.sh SWEEP_DIR [HEIGHT]}" && pwd)"
height="${2:-3000}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
  echo "render-report: no Chromium found; install it (apt-get install chromium) and run again" >&2
  exit 1
fi
[ -f "$dir/report.html" ] || { echo "render-report: $dir/report.html not found; run the sweep first" >&2; exit 1; }
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,"$height" \
  --screenshot="$dir/report.png" "file://$dir/report.html" 2>/dev/null
echo "render-report: $dir/report.png"
