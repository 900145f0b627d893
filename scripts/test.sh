#!/usr/bin/env bash
# The README's test command (and CI's, via .ci/run): installs what is missing, builds, then runs
#   1. cargo test                                  native unit and integration tests
#   2. wasm-pack test --headless --chrome --firefox  tests/web.rs, web_gemm.rs, no_alloc.rs in a dedicated worker, both browsers
#   3. node --test tests/js/                        the page's JS units in Node (no browser)
#   4. node --test tests/e2e/                       the served page in headless Chromium (playwright-core), the
#                                                   soak's short version, and a smoke path in headless Firefox
#                                                   through geckodriver (tests/e2e/firefox/; skipped, and counted
#                                                   as skipped below, only if Firefox or geckodriver is missing)
# Every step runs even if an earlier one failed; a summary follows; the exit status is non-zero if
# any step failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bold() { printf '\033[1m%s\033[0m\n' "$*"; }

bash scripts/setup.sh --test
bash scripts/build.sh

results=()
failed=0

# run_step NAME COMMAND...: runs the command, records PASS/FAIL and its duration.
TEST_LOG=$(mktemp)
trap 'rm -f "$TEST_LOG"' EXIT

run_step() {
  local name=$1
  shift
  bold "=== $name: $*"
  local start=$SECONDS status=0
  # Keep a copy of every step's output to count the tests at the end (pipefail keeps the status).
  "$@" 2>&1 | tee -a "$TEST_LOG" || status=$?
  local took=$((SECONDS - start))
  if [ "$status" -eq 0 ]; then
    results+=("PASS  $name (${took}s)")
  else
    results+=("FAIL  $name (${took}s, exit $status)")
    failed=1
  fi
}

# --- 1. Native tests -------------------------------------------------------------------------------
run_step "cargo test (native)" cargo test
# Accuracy targets on the real data (ignored by default: they train), in release mode. The multi-minute
# best_mlp target is left out (cargo counts it as "filtered out", not as passed) unless MNIST_BEST_MLP=1.
if [ "${MNIST_BEST_MLP:-}" = 1 ]; then
  run_step "cargo test --release (accuracy on real MNIST, with best_mlp)" cargo test --release --test accuracy -- --include-ignored
else
  echo "accuracy: best_mlp is not run (minutes of training); MNIST_BEST_MLP=1 bash scripts/test.sh runs it"
  run_step "cargo test --release (accuracy on real MNIST; best_mlp not run)" cargo test --release --test accuracy -- --include-ignored --skip best_mlp
fi

# --- 2. Browser tests of the wasm code ---------------------------------------------------------------
# Only tests/web.rs targets the browser (the other integration tests are native). The capabilities
# file adds quiet-Chromium flags (no background networking); wasm-bindgen-test-runner adds headless.
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
# Explicit driver paths and --mode no-install: wasm-pack must never download a driver or wasm-bindgen.
run_step "wasm-pack test (Chrome, Firefox)" \
  wasm-pack test --mode no-install --headless --chrome --firefox \
  --chromedriver "$(command -v chromedriver)" --geckodriver "$(command -v geckodriver)" -- --test web --test web_gemm --test no_alloc

# --- 3. Unit tests of the page's JavaScript, in Node -------------------------------------------------
run_step "JS unit tests (Node)" node --test --test-reporter=spec tests/js/

# --- 4. End-to-end tests of the served page ----------------------------------------------------------
e2e() {
  local log dir pid url status=0
  dir=$(mktemp -d)
  log="$dir/serve.log"
  node scripts/serve.mjs --port 0 >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do
    url=$(awk '/^Serving /{ print $NF; exit }' "$log")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "${url:-}" ]; then
    echo "e2e: the server did not start:" >&2
    cat "$log" >&2
    kill "$pid" 2>/dev/null || true
    return 1
  fi
  echo "e2e: serving at $url"
  BASE_URL="$url" node --test --test-concurrency=1 --test-reporter=spec tests/e2e/ || status=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  return "$status"
}
run_step "e2e page tests (headless Chromium; Firefox smoke)" e2e

# --- Summary -------------------------------------------------------------------------------------------
echo
bold "=== Summary"
for line in "${results[@]}"; do
  case "$line" in
    PASS*) printf '\033[32m%s\033[0m\n' "$line" ;;
    *) printf '\033[31m%s\033[0m\n' "$line" ;;
  esac
done
# Individual tests counted from the runners' own summaries: cargo and wasm-bindgen-test print
# "test result: ok. N passed; M failed", node's test runner "ℹ pass N" / "ℹ fail M" / "ℹ skipped K"
# (or "# pass N"). Node's skipped tests are counted apart and named: a skip is not a pass.
counts=$(sed 's/\x1b\[[0-9;]*m//g' "$TEST_LOG" | awk '
  /test result: .* passed; .* failed/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;/) p += $i; if ($(i+1) ~ /^failed;/) f += $i } }
  /^(ℹ|#) pass [0-9]+$/ { p += $3 }
  /^(ℹ|#) fail [0-9]+$/ { f += $3 }
  /^(ℹ|#) skipped [0-9]+$/ { s += $3 }
  END { printf "%d %d %d", p, f, s }')
read -r passed_tests failed_tests skipped_tests <<< "$counts"
echo "tests: $passed_tests passed, $failed_tests failed, $skipped_tests skipped"
# Which node tests were skipped, and why (the spec reporter marks them "﹣ name (time) # reason";
# e.g. the Firefox smoke path where Firefox is missing).
sed 's/\x1b\[[0-9;]*m//g' "$TEST_LOG" | grep -E '^ *﹣ ' | sed 's/^ *﹣ /  skipped: /' || true
if [ "$failed" -ne 0 ]; then
  bold "Some tests failed."
  exit 1
fi
bold "All tests passed. Screenshots: test-results/"
