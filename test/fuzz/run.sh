#!/usr/bin/env bash
# Fuzzing the C++ readers with libFuzzer (Debian's clang): builds one target per reader (test/fuzz/fuzz_*.cc:
# .npy, safetensors, NeuroX JSON lines, the stats check) with AddressSanitizer + UBSan, replays every stored
# finding (test/fuzz/findings/<target>/: each must now be refused cleanly), then fuzzes each target from the seed
# corpus test/fuzz/seeds/<target>/. A finding is saved under test/fuzz/findings/<target>/ and fails the run: fix
# the reader, keep the file.
#
# Two modes, because a gate must give the same answer on the same commit:
#   test/fuzz/run.sh                   # CI (.ci/run): a fixed seed and a fixed number of runs per target
#                                      # (FUZZ_SEED, default 1; FUZZ_RUNS overrides the per-target counts below;
#                                      # ~1.5 min for the four),
#                                      # so the gate depends neither on luck nor on the machine's speed
#   FUZZ_SECONDS=600 test/fuzz/run.sh  # a hunt: random seed, time-bound; run it by hand and commit what it finds
set -euo pipefail
cd "$(dirname "$0")/../.."

# Debian's clang and its compiler-rt (libFuzzer, sanitizers), installed when missing.
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang libclang-rt-dev
fi

# Runs per target in the reproducible mode, about 20 s each on a 2-core AMD EPYC: the JSON lines reader starts
# its parser threads for every input (~900 inputs/s under ASan), the others run 20,000-50,000 inputs/s.
declare -A default_runs=([jsonl]=20000 [npy]=400000 [safetensors]=400000 [stats]=1000000)
build="native/build-fuzz"
mkdir -p "$build"
# The readers and what they need from the addon's sources (no Node-API: the targets call the readers directly).
# The NeuroX HDF5 reader is left out for its no-HDF5 twin (neurox_hdf5_missing.cc, what a build without libhdf5
# links): HDF5 files are parsed by libhdf5, not by our code, so there is nothing of ours to fuzz there.
sources=()
for src in native/src/io/*.cc; do [ "$src" = native/src/io/neurox_hdf5_source.cc ] || sources+=("$src"); done
sources+=(native/src/stats/check.cc native/src/core/thread_pool.cc)
flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -Inative/src -pthread)

# The readers are compiled once (instrumented for coverage), then linked into each target.
objects=()
for src in "${sources[@]}"; do
  obj="$build/$(echo "${src#native/src/}" | tr / _).o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find native/src -name '*.h' -newer "$obj" | head -n 1)" ]; then
    clang++ "${flags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
  fi
  objects+=("$obj")
done

status=0
for src in test/fuzz/fuzz_*.cc; do
  target="$(basename "$src" .cc)"
  name="${target#fuzz_}"
  bin="$build/$target"
  if [ ! -x "$bin" ] || [ -n "$(find "$src" test/fuzz/*.h "${objects[@]}" -newer "$bin" 2>/dev/null)" ]; then
    echo "build $target"
    clang++ "${flags[@]}" -fsanitize=fuzzer "$src" "${objects[@]}" -o "$bin"
  fi
  findings="test/fuzz/findings/$name"
  mkdir -p "$findings" "$build/corpus-$name"
  # Earlier findings: replayed once each, they must pass now.
  if compgen -G "$findings/*" >/dev/null; then
    "$bin" -runs=0 "$findings"/* >"$build/$target.replay.log" 2>&1 || { echo "FAIL $target: a stored finding crashes again (see $build/$target.replay.log)"; status=1; }
  fi
  if [ -n "${FUZZ_SECONDS:-}" ]; then
    budget=(-max_total_time="$FUZZ_SECONDS")
    what="for ${FUZZ_SECONDS} s (random seed)"
  else
    runs="${FUZZ_RUNS:-${default_runs[$name]:-100000}}"
    budget=(-seed="${FUZZ_SEED:-1}" -runs="$runs")
    what="for $runs runs from seed ${FUZZ_SEED:-1}"
  fi
  echo "fuzz $target $what"
  # The corpus starts from the seeds alone in the reproducible mode (a corpus grown by earlier hunts on this
  # machine would change what the same seed explores); a hunt keeps growing its corpus across runs.
  corpus="$build/corpus-$name"
  [ -z "${FUZZ_SECONDS:-}" ] && { rm -rf "$corpus"; mkdir -p "$corpus"; }
  if ! "$bin" "$corpus" "test/fuzz/seeds/$name" "${budget[@]}" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$findings/" -print_final_stats=1 >"$build/$target.log" 2>&1; then
    echo "FAIL $target: finding saved in $findings/ (log: $build/$target.log)"
    tail -n 30 "$build/$target.log"
    status=1
  else
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/$target.log" | tr '\n' ' '
    echo
  fi
done
exit $status
