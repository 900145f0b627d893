#!/usr/bin/env bash
# Installs what the build (and, with --test, the browser tests) need, skipping whatever is already
# present at the right version. Safe to re-run; used by scripts/run.sh and scripts/test.sh.
#
#   bash scripts/setup.sh          # wasm32 target, wasm-bindgen-cli, wasm-pack, npm packages
#   bash scripts/setup.sh --test   # ... plus Debian chromium, chromium-driver, firefox-esr; geckodriver
#
# Sources: crates.io (cargo install), npm (npm ci), Debian apt. Nothing else is downloaded.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1

with_test=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
fail() { printf '\033[31msetup: error:\033[0m %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"

command -v cargo >/dev/null || fail "cargo not found; install Rust with rustup (https://rustup.rs) first"
command -v rustup >/dev/null || fail "rustup not found; the wasm32 target is installed with rustup"
command -v node >/dev/null || fail "node not found; install Node.js 18 or newer (e.g. apt-get install nodejs npm)"
command -v npm >/dev/null || fail "npm not found; install npm (e.g. apt-get install npm)"

# --- Rust target ---------------------------------------------------------------------------------
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rust target wasm32-unknown-unknown: present"
else
  say "installing rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown || fail "rustup target add wasm32-unknown-unknown failed"
fi

# --- wasm-bindgen-cli: must match the wasm-bindgen crate version in Cargo.lock exactly ------------
# The lock file lists `name = "wasm-bindgen"` followed by `version = "x.y.z"`.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || fail "could not read the wasm-bindgen version from Cargo.lock"

installed_version() { # prints the version a tool reports, or nothing
  "$1" --version 2>/dev/null | awk '{ print $2; exit }' || true
}

if [ "$(installed_version wasm-bindgen)" = "$WASM_BINDGEN_VERSION" ]; then
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"
else
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install, takes a few minutes)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force \
    || fail "cargo install wasm-bindgen-cli --version =$WASM_BINDGEN_VERSION failed"
fi

if [ "$(installed_version wasm-pack)" = "$WASM_PACK_VERSION" ]; then
  say "wasm-pack $WASM_PACK_VERSION: present"
else
  say "installing wasm-pack $WASM_PACK_VERSION (cargo install, takes a few minutes)"
  cargo install wasm-pack --version "=$WASM_PACK_VERSION" --force \
    || fail "cargo install wasm-pack --version =$WASM_PACK_VERSION failed"
fi

# --- npm packages (uPlot for the page, playwright-core for the page tests) ------------------------
# node_modules/.mnist-setup-stamp holds the hash of the package-lock.json last installed from.
lock_hash=$( { cat package.json; cat package-lock.json 2>/dev/null || true; } | sha256sum | cut -d' ' -f1)
if [ "$(cat node_modules/.mnist-setup-stamp 2>/dev/null || true)" = "$lock_hash" ] \
   && [ -d node_modules/uplot ] && [ -d node_modules/playwright-core ]; then
  say "npm packages: present"
else
  say "installing npm packages"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund || fail "npm ci failed"
  else
    npm install --no-audit --no-fund || fail "npm install failed"
  fi
  lock_hash=$( { cat package.json; cat package-lock.json; } | sha256sum | cut -d' ' -f1)
  echo "$lock_hash" > node_modules/.mnist-setup-stamp
fi

# --- Browsers and drivers for the tests -----------------------------------------------------------
if [ "$with_test" = 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || command -v firefox >/dev/null || missing+=(firefox-esr)
  if [ "${#missing[@]}" -eq 0 ]; then
    say "chromium, chromium-driver, firefox-esr: present"
  else
    sudo=""
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null || fail "need root (or sudo) to apt-get install ${missing[*]}"
      sudo=sudo
    fi
    say "installing ${missing[*]} (apt)"
    $sudo apt-get update -q || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" \
      || fail "apt-get install ${missing[*]} failed"
  fi

  if [ "$(installed_version geckodriver)" = "$GECKODRIVER_VERSION" ]; then
    say "geckodriver $GECKODRIVER_VERSION: present"
  else
    say "installing geckodriver $GECKODRIVER_VERSION (cargo install)"
    cargo install geckodriver --version "=$GECKODRIVER_VERSION" --force \
      || fail "cargo install geckodriver --version =$GECKODRIVER_VERSION failed"
  fi
fi

say "done"
