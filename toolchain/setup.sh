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

node_key=$(fingerprint package.json package-lock.json)
if [ ! -d node_modules ] || [ "$(cat node_modules/.stosim-stamp 2>/dev/null)" != "$node_key" ]; then
  say "installing Node tools into node_modules (anvil, solcjs, OpenZeppelin)"
  # `npm install` (not `npm ci`): the lock holds only the Anvil binary package of the platform
  # it was made on, and `npm ci` refuses a lock without every optional platform package
  npm install --no-audit --no-fund --loglevel=error
  echo "$node_key" > node_modules/.stosim-stamp
fi
