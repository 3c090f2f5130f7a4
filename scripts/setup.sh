# Idempotent setup shared by the project's commands; source it, then call the
# `ensure_*` functions a command needs. Every step checks before it acts, so a
# second run costs seconds.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*" >&2; }

# Runs a command as root, through sudo when we are not root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "error: '$*' needs root, and sudo is not available" >&2; return 1
  fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Installing the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

# The nightly toolchain that builds the shipped wasm module (scripts/build-wasm:
# `-Z build-std` is nightly-only), and
# the standard library's source it compiles. Pinned by date, so the module
# does not change when a machine's floating `nightly` does:
# nightly-2026-05-20 is rustc 1.97.0-nightly (e50aa6fba 2026-05-19), the
# nightly this machine kind ships, downloaded in seconds where missing.
# KQL_WASM_NIGHTLY names another toolchain. There is no fallback to stable:
# that module would be 3% bigger and differ from what was measured and tested.
WASM_NIGHTLY="${KQL_WASM_NIGHTLY:-nightly-2026-05-20}"
ensure_nightly_std_source() {
  if ! rustc "+$WASM_NIGHTLY" -V >/dev/null 2>&1; then
    step "Installing the Rust toolchain $WASM_NIGHTLY for the wasm build"
    rustup toolchain install "$WASM_NIGHTLY" --profile minimal
  fi
  if ! rustup component list --installed --toolchain "$WASM_NIGHTLY" | grep -qx rust-src; then
    step "Installing the standard library's source (rust-src) for $WASM_NIGHTLY"
    rustup component add rust-src --toolchain "$WASM_NIGHTLY"
  fi
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
  local version
  version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if [ -z "$version" ]; then
    echo "error: wasm-bindgen is not in Cargo.lock" >&2
    return 1
  fi
  if "$TOOLS/bin/wasm-bindgen" --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
    return 0
  fi
  step "Installing wasm-bindgen-cli $version into .tools (a few minutes, once per machine)"
  # --locked can fail when the CLI's own lockfile pins a crate version the
  # registry mirror lacks (see ../shared/design/toolchain.md); retry without it.
  local fast_build=(env CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256)
  "${fast_build[@]}" cargo install wasm-bindgen-cli --version "$version" --root "$TOOLS" --locked \
    || "${fast_build[@]}" cargo install wasm-bindgen-cli --version "$version" --root "$TOOLS"
}

# Debian's Chromium and its WebDriver, for the headless browser tests.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    return 0
  fi
  step "Installing Debian's chromium and chromium-driver"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
}

# npm packages exactly as package-lock.json records them; reinstalled only when the lock changes.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.lock-checksum" checksum
  checksum="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$checksum" ]; then
    return 0
  fi
  step "Installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
  mkdir -p "$ROOT/node_modules"
  echo "$checksum" > "$stamp"
}
