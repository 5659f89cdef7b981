#!/usr/bin/env bash
# clang-format over the project's C++ files (core, services, appliance, bench,
# tests), with the style in .clang-format.
#   scripts/format.sh --check [FILE...]   report files that differ; exit 1 if any
#   scripts/format.sh [FILE...]           rewrite them in place
# Without FILEs: every tracked .h/.hpp/.cpp/.cc under those folders (git
# ls-files, so build folders and untracked scratch files are left alone).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=fix
if [ "${1:-}" = "--check" ]; then mode=check; shift; fi
case ${1:-} in -*) echo "usage: $0 [--check] [FILE...]" >&2; exit 2 ;; esac

# Debian 12's clang-format is version 14; other versions format some
# constructs differently, so a check is only stable with one version.
cf=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}
[ -n "$cf" ] || { echo "format: clang-format not installed (apt-get install clang-format)" >&2; exit 2; }

if (($#)); then
    files=("$@")
else
    mapfile -t files < <(git ls-files -- core services appliance bench tests | grep -E '\.(h|hpp|cpp|cc)$')
fi
((${#files[@]})) || exit 0

if [ "$mode" = check ]; then
    # -Werror makes --dry-run fail on the first difference of each file; the
    # warnings name the file and line.
    if printf '%s\0' "${files[@]}" | xargs -0 -P2 -n 25 "$cf" --style="file:$PWD/.clang-format" --dry-run -Werror --ferror-limit=3; then
        echo "format: ${#files[@]} files match .clang-format"
    else
        echo "format: files above differ from .clang-format; run scripts/format.sh to fix them" >&2
        exit 1
    fi
else
    printf '%s\0' "${files[@]}" | xargs -0 -P2 -n 25 "$cf" --style="file:$PWD/.clang-format" -i
fi
