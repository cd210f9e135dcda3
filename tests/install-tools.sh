#!/usr/bin/env bash
# Installs what the tests use to check our outputs with the real tools, only where missing:
# Debian packages (graphviz, xmllint, jing, igraph, PostgreSQL, Chromium) and a Python venv
# with networkx and pandas in .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v dot >/dev/null || need_apt+=(graphviz)
command -v xmllint >/dev/null || need_apt+=(libxml2-utils)
command -v jing >/dev/null || need_apt+=(jing)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
python3 -c 'import igraph' 2>/dev/null || [ -e /usr/lib/python3/dist-packages/igraph ] || need_apt+=(python3-igraph)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-tools: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import networkx, pandas, jsonschema' 2>/dev/null; then
  echo "install-tools: creating .venv with networkx, pandas and jsonschema"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check networkx pandas jsonschema
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "install-tools: installing playwright-core into tests/browser (drives Debian's Chromium)"
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
