#!/usr/bin/env bash
# Idempotent set-up, all inside the checkout: a virtual environment (.venv) with stosim and its
# Python dependencies, and node_modules with Anvil, solcjs and OpenZeppelin. Each part is redone
# only when its manifest changed, so a second call costs well under a second.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '[stosim setup] %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { say "missing '$1': $2"; exit 1; }; }
fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    python="$candidate"; break
  fi
done
[ -n "$python" ] || { say "stosim needs Python 3.11 (eth-brownie's compiled wheels); install python3.11"; exit 1; }
need node "install Node.js 20 or newer"
need npm "install npm (comes with Node.js)"

py_key=$(fingerprint pyproject.toml)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.stosim-stamp 2>/dev/null)" != "$py_key" ]; then
  say "installing Python dependencies into .venv (first time: about 2 minutes)"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
  echo "$py_key" > .venv/.stosim-stamp
fi

# Test-only tools that cannot share the main environment: schemathesis needs a Hypothesis far
# newer than the one eth-brownie pins, so it lives in .venv-tools and is driven over HTTP.
if [ "${1:-}" = "--test-tools" ]; then
  tools_key="schemathesis==4.32.5"
  if [ ! -x .venv-tools/bin/schemathesis ] || [ "$(cat .venv-tools/.stosim-stamp 2>/dev/null)" != "$tools_key" ]; then
    say "installing test tools into .venv-tools (schemathesis)"
    [ -x .venv-tools/bin/python ] || "$python" -m venv .venv-tools
    .venv-tools/bin/python -m pip install --quiet --disable-pip-version-check "$tools_key"
    echo "$tools_key" > .venv-tools/.stosim-stamp
  fi
  # Slither (static analysis of contracts/, tests/contracts/test_static_analysis.py): its own
  # environment, as its dependencies do not fit eth-brownie's pins.
  slither_key="slither-analyzer==0.11.6"
  if [ ! -x .venv-slither/bin/slither ] || [ "$(cat .venv-slither/.stosim-stamp 2>/dev/null)" != "$slither_key" ]; then
    say "installing test tools into .venv-slither (slither-analyzer)"
    [ -x .venv-slither/bin/python ] || "$python" -m venv .venv-slither
    .venv-slither/bin/python -m pip install --quiet --disable-pip-version-check "$slither_key"
    echo "$slither_key" > .venv-slither/.stosim-stamp
  fi
  # Debian's Chromium for the dashboard test. A system package, so only on CI machines (CI=true)
  # or when asked (STOSIM_INSTALL_BROWSER=1); elsewhere the dashboard test is skipped.
  wants_browser="${STOSIM_INSTALL_BROWSER:-${CI:-}}"
  if [ "$wants_browser" = "1" ] || [ "$wants_browser" = "true" ] &&
     ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing chromium and chromium-driver (Debian) for the dashboard test"
    (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1 ||
      say "could not install chromium; the dashboard test will be skipped"
  fi
fi

node_key=$(fingerprint package.json package-lock.json)
if [ ! -d node_modules ] || [ "$(cat node_modules/.stosim-stamp 2>/dev/null)" != "$node_key" ]; then
  say "installing Node tools into node_modules (anvil, solcjs, OpenZeppelin)"
  # `npm ci`: installs exactly the committed lock (which lists every platform's Anvil package)
  # and never rewrites it, so set-up leaves the checkout as it was; npm's report goes to stderr,
  # keeping stdout for stosim's own output (a deploy manifest piped into a file)
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$node_key" > node_modules/.stosim-stamp
fi
