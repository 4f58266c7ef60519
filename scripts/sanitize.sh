#!/usr/bin/env bash
# The test suite on an AddressSanitizer + UndefinedBehaviorSanitizer build of the addon: builds it into
# native/build-asan (gcc's -fsanitize=address,undefined; the regular build in native/build is untouched), loads it
# through NEUROSIEVE_ADDON with the sanitizer runtimes preloaded into node (and into the CLI processes the tests
# spawn), and runs vitest. Any report (heap overflow, use after free, signed overflow, misaligned load, ...)
# aborts the process and fails the test that triggered it. Leak checking is off: node itself keeps memory
# until exit by design.
#
#   scripts/sanitize.sh                 # the whole suite, except the browser suite (chromium does not run
#                                       # under a preloaded ASan runtime)
#   scripts/sanitize.sh test/io         # some files only
set -euo pipefail
cd "$(dirname "$0")/.."

build=native/build-asan
npx cmake-js compile -d native -O "$build" --CDNS_SANITIZE=ON >"$build.log" 2>&1 || { tail -n 40 "$build.log"; exit 1; }
# cmake-js owns CMAKE_CXX_FLAGS: check the flags reached the compiler (an uninstrumented build would pass anything).
if ! nm -D "$build/Release/neurosieve.node" | grep __asan_report >/dev/null; then  # not -q: nm would die of SIGPIPE (pipefail)
  echo "sanitize.sh: $build/Release/neurosieve.node is not instrumented (see $build.log)" >&2
  exit 1
fi

export NEUROSIEVE_ADDON="$PWD/$build/Release/neurosieve.node"
LD_PRELOAD="$(g++ -print-file-name=libasan.so) $(g++ -print-file-name=libubsan.so)"
export LD_PRELOAD
# Reports also go to files: a CLI process the tests spawn prints its report to a stderr the test may not show.
reports="$PWD/$build/reports"
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:print_summary=1:allocator_may_return_null=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
export CI=true

if [ $# -eq 0 ]; then set -- --exclude test/report/report-page.test.ts; fi
status=0
npx vitest run "$@" || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitize.sh: sanitizer reports:" >&2
  for r in "$reports"/*; do echo "== $r" >&2; head -n 40 "$r" >&2; done
  status=1
fi
exit $status
