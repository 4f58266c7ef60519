#!/bin/sh
# Installs the reference peers `npm run bench` compares neurosieve with: Debian's numpy (numpy.corrcoef on OpenBLAS),
# scipy and scikit-learn, and Debian's PyTorch (python3-torch, the NeuroX probe of bench/peers/analyze_reference.py; that
# peer falls back to a numpy loop without it; NEUROSIEVE_BENCH_NO_TORCH=1 leaves it out, ~180 packages).
# Idempotent: packages already installed are left as they are. Needs root (or sudo).
#
#   sudo scripts/install-bench-peers.sh
#
# The bench uses /usr/bin/python3 (Debian's Python, which sees these packages); NEUROSIEVE_BENCH_PYTHON overrides it.
set -eu

PACKAGES="python3-numpy python3-scipy python3-sklearn libopenblas0-pthread"
if [ "${NEUROSIEVE_BENCH_NO_TORCH:-0}" != "1" ]; then
  PACKAGES="$PACKAGES python3-torch"
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-bench-peers: apt-get not found: install numpy (with OpenBLAS), scipy and scikit-learn for /usr/bin/python3 yourself" >&2
  exit 1
fi

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  echo "install-bench-peers: already installed:$(printf ' %s' $PACKAGES)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "install-bench-peers: run as root (or install sudo) to install:$missing" >&2
  exit 1
fi

echo "install-bench-peers: installing$missing"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
/usr/bin/python3 -c 'import numpy; print("install-bench-peers: numpy", numpy.__version__, "ready for /usr/bin/python3")'
