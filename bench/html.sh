#!/usr/bin/env bash
# The HTML report at scale: renders 100,000 findings (the same synthetic scan as the
# criterion bench `cargo bench -p proscribe-report --bench html`), then opens the page in
# headless Chromium and reports the file size, the render time and how long the page takes
# to become usable (load to the first page of the table drawn), plus a sort and a filter
# over all findings. Needs what scripts/test installs (chromium, node, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
out="${CARGO_TARGET_DIR:-target}/bench-html"
mkdir -p "$out"
cargo run --quiet --release -p proscribe-report --example html_sample -- "$n" "$out/report.html"
modules="${PROSCRIBE_BROWSER_MODULES:-$HOME/.cache/proscribe-browser}"
for run in 1 2 3; do
  PROSCRIBE_LOAD_ONLY=1 PROSCRIBE_BROWSER_MODULES="$modules" \
    node tests/browser/check_report.mjs "$out/report.html" | sed "s/^/chromium run $run: /"
done
