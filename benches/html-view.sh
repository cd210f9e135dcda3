#!/usr/bin/env bash
# The HTML view benchmark: a synthetic graph (default 5,000 nodes, 20,000 edges) laid out and
# written by examples/synthetic_view.rs, then drawn in headless Chromium by
# tests/browser/bench-view.js, which prints frame times in milliseconds as JSON.
#   bash benches/html-view.sh [NODES EDGES [FRAMES]]
# Needs what tests/install-tools.sh installs (Chromium, node, tests/browser/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-5000}
edges=${2:-20000}
frames=${3:-120}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo run --quiet --release --example synthetic_view -- "$dir" "$nodes" "$edges"
mkdir -p target/screenshots
(cd tests/browser && node bench-view.js "$dir/graph.html" "$frames" "$PWD/../../target/screenshots/bench-zoomed.png")
