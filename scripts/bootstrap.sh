#!/usr/bin/env bash
# Create the project's virtual environment (.venv) and install desist with its
# dev extras in editable mode. Idempotent: re-running only reconciles packages.
# Called by `make install` (the Makefile touches .venv/.installed afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  PYTHON=python3
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "bootstrap: Python 3.11 is required (found: $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi

# A venv whose interpreter is gone (e.g. moved checkout) is rebuilt from scratch.
if [[ -d .venv ]] && ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
  echo "bootstrap: .venv is broken; recreating it" >&2
  rm -rf .venv
fi

if [[ ! -x .venv/bin/python ]]; then
  if ! "$PYTHON" -m venv .venv; then
    rm -rf .venv
    # Debian splits venv/ensurepip into python3-venv; install it when we can.
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "bootstrap: installing python3-venv with apt-get" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv .venv
    else
      echo "bootstrap: 'python3 -m venv' failed; on Debian install it with: apt-get install -y python3-venv" >&2
      exit 1
    fi
  fi
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
# Quiet on success; pip still prints errors to stderr on failure.
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
echo "bootstrap: .venv ready ($(.venv/bin/python --version))"
