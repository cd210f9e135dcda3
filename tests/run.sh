#!/usr/bin/env bash
# Every test: installs the external tools the tests check exports with (when missing), then
# runs formatting, lints and the whole test suite with those tools required.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-tools.sh
export KGRAPH_REQUIRE_TOOLS=1
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked --profile quick-release
