# shellcheck shell=bash
# The cached root file systems the nspawn tests boot (tests/nspawn/*_test.sh).
# Sourced; tests/lib/container.sh then boots the root.
#
# A root is built once and kept in $MEDBOX_CACHE (default
# /var/cache/medbox-test) as NAME-KEY, KEY being a hash of everything it is
# made from (for a Debian root: the suite, the package list and the caller's
# recipe version), so a changed list builds a new root and an unchanged one
# is reused. Tests boot it under --volatile=overlay, so it stays pristine.
# One builder per NAME at a time (flock); the others wait and reuse its root.
# Roots of the same NAME not used for $NSPAWN_ROOT_KEEP_MINUTES (default 60)
# are removed when a new one is built: images are 200-550 MB each, and a
# root still booted by another test was used a moment ago.
#
# The caller defines say MESSAGE and fail MESSAGE (as for container.sh).

NSPAWN_CACHE=${MEDBOX_CACHE:-/var/cache/medbox-test}
NSPAWN_ROOT_KEEP_MINUTES=${NSPAWN_ROOT_KEEP_MINUTES:-60}

# nspawn_lib_packages BINARY...: adds to the array `packages` the Debian
# packages that provide the shared libraries the binaries link (found with
# ldd and one dpkg -S, rather than kept by hand), and sets the array `libs`.
# Fails when a library belongs to no package.
nspawn_lib_packages() {
    local bin lib owner owners query=()
    libs=()
    for bin in "$@"; do
        mapfile -t -O "${#libs[@]}" libs < <(ldd "$bin" | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}')
    done
    mapfile -t libs < <(printf '%s\n' "${libs[@]}" | sort -u)
    # Merged /usr: a library may be registered under /lib or /usr/lib.
    for lib in "${libs[@]}"; do query+=("$lib" "$(readlink -f "$lib")" "/usr$lib" "${lib#/usr}"); done
    owners=$(dpkg -S "${query[@]}" 2>/dev/null || true)
    for lib in "${libs[@]}"; do
        owner=$(awk -F': ' -v a="$lib" -v b="$(readlink -f "$lib")" -v c="/usr$lib" -v d="${lib#/usr}" \
            '$NF == a || $NF == b || $NF == c || $NF == d {split($1, p, ":"); print p[1]; exit}' <<<"$owners")
        [ -n "$owner" ] || fail "no Debian package provides $lib (needed by $*)"
        packages+=("$owner")
    done
}

# nspawn_cached_root NAME KEY TIMEOUT BUILDER [ARGS...]: sets `root` to
# $NSPAWN_CACHE/NAME-KEY; if it is missing, runs BUILDER ARGS... DIR (at
# most TIMEOUT seconds; a command, or a shell function that needs nothing
# but its arguments) to create the root file system in DIR, a temporary
# folder renamed into place only when the builder succeeded. The builder's
# output goes to $NSPAWN_CACHE/NAME-build.log.
nspawn_cached_root() {
    local name=$1 key=$2 limit=$3
    shift 3
    root=$NSPAWN_CACHE/$name-$key
    mkdir -p "$NSPAWN_CACHE"
    exec 9>"$NSPAWN_CACHE/.$name.lock"
    flock 9
    if [ ! -d "$root" ]; then
        local old
        for old in "$NSPAWN_CACHE/$name"-*; do
            [ -d "$old" ] && [[ $old != *.tmp ]] || continue
            [ -z "$(find "$old.used" -mmin "-$NSPAWN_ROOT_KEEP_MINUTES" 2>/dev/null)" ] || continue
            say "removing the unused root $old"
            rm -rf "$old" "$old.used"
        done
        say "building the root file system $root"
        rm -rf "$root.tmp"
        # timeout(1) runs programs: a builder that is a shell function runs in
        # a child bash that imports it.
        # shellcheck disable=SC2163 # exports the function named by $1
        ! declare -F "$1" >/dev/null || export -f "$1"
        if ! timeout "$limit" bash -c '"$@"' builder "$@" "$root.tmp" >"$NSPAWN_CACHE/$name-build.log" 2>&1; then
            tail -30 "$NSPAWN_CACHE/$name-build.log"
            # A builder stopped by timeout(1) leaves its scratch folders.
            rm -rf "$root.tmp" "$root.tmp".*
            exec 9>&-
            fail "building the root failed (see $NSPAWN_CACHE/$name-build.log)"
        fi
        mv "$root.tmp" "$root"
        say "root file system built"
    else
        say "reusing the cached root $root"
    fi
    touch "$root.used"
    exec 9>&-
}

# nspawn_mmdebstrap SUITE PACKAGES DIR: a minimal Debian root with the
# comma-separated PACKAGES (a builder for nspawn_cached_root).
nspawn_mmdebstrap() {
    mmdebstrap --quiet --variant=minbase --include="$2" "$1" "$3"
}

# nspawn_debian_root NAME RECIPE_VERSION PACKAGE...: sets `root` to a cached
# minimal Debian bookworm root with these packages; the key is the one the
# tests used before they shared this helper, so existing caches stay valid.
# Exits 77 (skipped) when it must be built and mmdebstrap is missing.
nspawn_debian_root() {
    local name=$1 version=$2 suite=bookworm include key
    shift 2
    include=$(printf '%s\n' "$@" | sort -u | paste -sd, -)
    key=$(printf '%s %s %s' "$suite" "$include" "$version" | sha256sum | cut -c1-16)
    if [ ! -d "$NSPAWN_CACHE/$name-$key" ] && ! command -v mmdebstrap >/dev/null; then
        echo "SKIP: no cached root and mmdebstrap not installed"
        exit 77
    fi
    echo "# packages: $include"
    nspawn_cached_root "$name" "$key" 900 nspawn_mmdebstrap "$suite" "$include"
}
