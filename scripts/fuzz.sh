#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address and undefined-behaviour
# sanitizers) in their own build folder and runs each for a bounded time
# from its checked-in seeds (docs/fuzzing.md).
#   scripts/fuzz.sh                      every target, 20 s each, into build-fuzz/
#   scripts/fuzz.sh -t 600 mllp_framer   one target for ten minutes
#   scripts/fuzz.sh -B DIR               another build folder (the ctest test fuzz_smoke uses build/fuzz-clang)
# New inputs the fuzzer finds go to DIR/fuzz-work/NAME (not into the seeds);
# a crash leaves its input in DIR/fuzz-artifacts/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=20
build=build-fuzz
while getopts "t:B:h" opt; do
  case $opt in
    t) seconds=$OPTARG ;;
    B) build=$OPTARG ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
command -v clang++ >/dev/null || { echo "fuzz: clang++ is not installed (scripts/deps.sh installs clang)" >&2; exit 1; }

gen=()
command -v ninja >/dev/null && [ ! -f "$build/Makefile" ] && gen=(-G Ninja)
command -v ccache >/dev/null && gen+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
start=$(date +%s)
CC=clang CXX=clang++ cmake -S . -B "$build" "${gen[@]}" -DMEDBOX_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target medbox_fuzz_all -j"${MEDBOX_FUZZ_JOBS:-2}" >"$build/fuzz-build.log" 2>&1 ||
  { tail -40 "$build/fuzz-build.log"; echo "fuzz: build failed (full log: $build/fuzz-build.log)" >&2; exit 1; }
echo "fuzz: targets built in $(($(date +%s) - start)) s"

mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"
failed=()
for corpus_file in "$build"/fuzz/*.corpus; do
  name=$(basename "$corpus_file" .corpus)
  if (($#)) && [[ " $* " != *" $name "* ]]; then continue; fi
  seeds=$(cat "$corpus_file")
  work="$build/fuzz-work/$name"
  log="$build/fuzz-logs/$name.log"
  mkdir -p "$work"
  # -timeout: one input taking this long is a finding (a parser that hangs);
  # -rss_limit_mb: so is one that eats memory.
  if "$build/fuzz/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/fuzz-artifacts/$name-" "$work" "$seeds" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $name: ${runs:-?} inputs in ${seconds} s, no finding"
  else
    echo "fuzz: $name FAILED; the input is in $build/fuzz-artifacts/, the end of $log:" >&2
    tail -40 "$log" >&2
    failed+=("$name")
  fi
done
echo "fuzz: done in $(($(date +%s) - start)) s"
((${#failed[@]} == 0)) || { echo "fuzz: findings in ${failed[*]}" >&2; exit 1; }
