#!/usr/bin/env bash
# Configures and builds everything into ./build (warnings are errors under CI).
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
gen=()
command -v ninja >/dev/null && [ ! -f build/Makefile ] && gen=(-G Ninja)
# ccache, where installed, makes rebuilds in a second checkout cheap.
command -v ccache >/dev/null && gen+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B build "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEDBOX_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)"
