#!/usr/bin/env bash
# Sets up a Debian machine for Recurrent, once; every later run finds everything there and skips it.
#
#   - Debian packages: python3-dev (the embedded-Python bridge), python3-numpy, python3-venv (a
#     fallback interpreter for the venv), libopenblas-dev and
#     pkg-config (BLAS, which the forward pass runs on), zlib1g-dev (compressed .npz archives);
#   - a virtual environment with torch (the oracle) outside the repository, at
#     $RECURRENT_TORCH_ENV (default: ~/.local/share/recurrent/torch-venv).
#
# Environment: RECURRENT_TORCH_ENV (where the venv lives), RECURRENT_TORCH_VERSION (default 2.15.0),
# RECURRENT_SKIP_TORCH=1 (set up only the Debian packages).
set -euo pipefail

say() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

torch_version=${RECURRENT_TORCH_VERSION:-2.15.0}
torch_env=${RECURRENT_TORCH_ENV:-$HOME/.local/share/recurrent/torch-venv}
packages=(python3-dev python3-numpy python3-venv libopenblas-dev pkg-config zlib1g-dev chromium)

command -v swift >/dev/null || fail "swift is not on PATH; install the Swift 6 toolchain first"

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
        fail "installing ${missing[*]} needs root: run as root, or install them with apt-get yourself"
    fi
    "${sudo[@]}" apt-get update -qq || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || fail "apt-get install ${missing[*]} failed"
else
    say "Debian packages present: ${packages[*]}"
fi

if [ "${RECURRENT_SKIP_TORCH:-0}" = 1 ]; then
    say "RECURRENT_SKIP_TORCH=1: not setting up torch"
    exit 0
fi

has_torch() {
    "$torch_env/bin/python" - "$torch_version" 2>/dev/null <<'PY'
import sys, torch, numpy
sys.exit(0 if torch.__version__.split("+")[0] == sys.argv[1] else 1)
PY
}

if has_torch; then
    say "torch $torch_version present in $torch_env"
else
    # The bridge embeds Debian's CPython 3.11, which can import a torch built for any CPython 3.11.
    python=""
    for candidate in python3.11 python3 /usr/bin/python3; do
        if command -v "$candidate" >/dev/null \
            && "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            python=$(command -v "$candidate")
            break
        fi
    done
    [ -n "$python" ] || fail "no CPython 3.11 with venv and ensurepip found (apt-get install python3-venv provides them)"
    say "creating $torch_env with $python"
    rm -rf "$torch_env"
    mkdir -p "$(dirname "$torch_env")"
    "$python" -m venv "$torch_env" || fail "could not create the virtual environment $torch_env"
    say "installing torch==$torch_version, numpy and safetensors from PyPI (about 5 GB, a few minutes)"
    "$torch_env/bin/python" -m pip install --quiet --disable-pip-version-check \
        "torch==$torch_version" numpy safetensors || fail "pip install torch==$torch_version failed"
    has_torch || fail "torch $torch_version does not import from $torch_env"
    say "torch $torch_version installed in $torch_env"
fi
