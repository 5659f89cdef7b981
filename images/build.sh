#!/usr/bin/env bash
# Builds the medbox appliance image of one server profile, or of all of them:
#
#   images/build.sh [PROFILE|all] [--build-dir DIR] [--no-build | --debs DIR]
#                   [--out DIR] [--rootfs-only] [--bundle [verity|plain]]
#
#   PROFILE      a name from hwprofiles/ (application, database, backup,
#                frontend); default: all
#   --build-dir  a configured CMake build tree to reuse (it is built, then
#                packaged); default: build-image/, configured RelWithDebInfo
#   --out DIR    output folder; default: out/
#   --no-build   package the build tree as it is (it must be built already;
#                the boot test uses the tree ctest runs in)
#   --debs DIR   use the medbox .deb packages in DIR; no build, no cpack
#   --rootfs-only  the root file system folder only: no tar, no disk image
#                  (what the boot test needs)
#   --bundle [FORMAT]  also the signed RAUC update bundle of the root file
#                  system (docs/update.md); FORMAT verity (default) or plain
#
# Steps (docs/image.md): build the project; make the .deb packages with
# CPack; per profile, mmdebstrap a Debian 12 "minbase" root with the packages
# of the layers in images/fragments/ (10-base, 20-hardening, 30-medbox,
# 40-profile-<name>) plus our .debs, copy the layers' files in, apply the
# presets, clean up; then a reproducible tar of the root and a GPT disk
# image (images/lib/mkdisk.sh).
#
# Output, per profile, in OUT/<profile>/:
#   rootfs/        the root file system (systemd-nspawn -b -D rootfs boots it)
#   rootfs.tar     the same as a tar (sorted, numeric owners, no atime/ctime)
#   disk.raw       GPT: BIOS boot (GRUB core), ESP (shim, GRUB, grubenv), root slot A
#   medbox-<profile>-<version>.raucb  with --bundle: the update bundle
#   manifest.txt   inputs, Debian packages with versions, enabled units, sizes
#   SHA256SUMS     of rootfs.tar and disk.raw
# and OUT/debs/ the medbox packages (with -dbgsym .ddeb files).
#
# Reproducible (docs/image.md says how close): SOURCE_DATE_EPOCH is the last
# git commit's time unless set; identifiers derive from the profile name.
# Downloaded Debian packages are kept in $MEDBOX_IMAGE_CACHE
# (default /var/cache/medbox-image) between runs.
# MEDBOX_IMAGE_VERSION overrides the image version (IMAGE_VERSION in
# os-release, the bundle's version; default: the project version).
# MEDBOX_SIGNING_DIR: the update signing CA and signer (docs/update.md);
# default $MEDBOX_IMAGE_CACHE/signing-dev, a development CA made on first use.
#
# Needs root, mmdebstrap, e2fsprogs, dosfstools, mtools, fdisk, python3,
# cmake; see .ci/packages-image.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

profile_arg=all
build_dir=$src/build-image
out=$src/out
with_disk=1
with_build=1
debs_dir=""
bundle_format=""
while (($#)); do
    case $1 in
        --build-dir) build_dir=$(readlink -f "${2:?--build-dir needs a folder}"); shift 2 ;;
        --out) out=$(readlink -m "${2:?--out needs a folder}"); shift 2 ;;
        --rootfs-only) with_disk=0; shift ;;
        --no-build) with_build=0; shift ;;
        --debs) debs_dir=$(readlink -f "${2:?--debs needs a folder}"); shift 2 ;;
        --bundle)
            bundle_format=verity
            if [[ ${2:-} == @(verity|plain) ]]; then bundle_format=$2; shift; fi
            shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) profile_arg=$1; shift ;;
    esac
done

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap --mode=root, file ownership in the image)"
for tool in mmdebstrap mkfs.ext4 debugfs mkfs.vfat mcopy sfdisk python3 cmake cpack grub-mkimage openssl; do
    command -v "$tool" >/dev/null || die "$tool is missing (Debian packages: .ci/packages-image.txt)"
done

suite=bookworm
mirror=${MEDBOX_IMAGE_MIRROR:-http://deb.debian.org/debian}
security_mirror=${MEDBOX_IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
cache=${MEDBOX_IMAGE_CACHE:-/var/cache/medbox-image}/debs
version=${MEDBOX_IMAGE_VERSION:-$(sed -n 's/^project(medbox VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")}
[[ $version =~ ^[0-9][0-9A-Za-z.+~-]{0,40}$ ]] || die "bad image version '$version' (MEDBOX_IMAGE_VERSION or the project version)"
signing=${MEDBOX_SIGNING_DIR:-${MEDBOX_IMAGE_CACHE:-/var/cache/medbox-image}/signing-dev}
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH
# Same sort order, messages, time zone and file modes wherever the image is
# built (CPack writes the .deb's ar headers with the umask's modes).
export LC_ALL=C.UTF-8 TZ=UTC
umask 022

if [ "$profile_arg" = all ]; then
    profiles=()
    for f in "$src"/hwprofiles/*.json; do profiles+=("$(basename "$f" .json)"); done
else
    [ -f "$src/hwprofiles/$profile_arg.json" ] || die "no profile $profile_arg (hwprofiles/*.json)"
    profiles=("$profile_arg")
fi
for p in "${profiles[@]}"; do
    [ -d "$here/fragments/40-profile-$p" ] || die "profile $p has no images/fragments/40-profile-$p/ (its packages and presets)"
done

if [ -n "$bundle_format" ]; then
    ((with_disk)) || die "--bundle needs the disk image (not --rootfs-only)"
    for tool in rauc mksquashfs; do
        command -v "$tool" >/dev/null || die "$tool is missing for --bundle (packages rauc, squashfs-tools)"
    done
fi

started=$SECONDS
mkdir -p "$cache"
# One image build at a time on this machine: builds share the package cache.
exec 8>"$cache/../.build.lock"
flock 8
current_dir=""
# Never leave mounts behind in the output, whatever fails.
trap '[ -z "$current_dir" ] || unmount_below "$current_dir"' EXIT
mkdir -p "$out" "$cache"

# --- 1. build and package --------------------------------------------------------
if [ -n "$debs_dir" ]; then
    log "using the packages in $debs_dir"
else
    if [ ! -f "$build_dir/CMakeCache.txt" ]; then
        log "configuring $build_dir (RelWithDebInfo)"
        gen=()
        command -v ninja >/dev/null && gen=(-G Ninja)
        # -ffile-prefix-map: no build path in the binaries, so they do not depend
        # on where the checkout is.
        cmake -S "$src" -B "$build_dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            "-DCMAKE_CXX_FLAGS=-ffile-prefix-map=$src=." "-DCMAKE_C_FLAGS=-ffile-prefix-map=$src=." >/dev/null
    fi
    [ -f "$build_dir/CPackConfig.cmake" ] || die "$build_dir has no CPackConfig.cmake (does CMakeLists.txt include cmake/packaging.cmake?)"
    if ((with_build)); then
        log "building $build_dir"
        cmake --build "$build_dir" -j"$(nproc)" >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; die "build failed; see $out/build.log"; }
    fi
    log "packaging (cpack) into $out/debs"
    rm -rf "$out/debs"
    cpack --config "$build_dir/CPackConfig.cmake" -B "$out/debs" >"$out/cpack.log" 2>&1 || { tail -30 "$out/cpack.log"; die "cpack failed; see $out/cpack.log"; }
    rm -rf "$out/debs/_CPack_Packages"
    debs_dir=$out/debs
fi
built_at=$SECONDS

# deb_path NAME: the .deb CPack made for package NAME, if it is one of ours.
deb_path() {
    local f
    for f in "$debs_dir/$1"_*.deb; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}

# --- 2. one image per profile ------------------------------------------------------
# The feature layers a hardware profile needs, one name a line (35-feature-*).
profile_features() {
    python3 -B -c '
import json, sys
p = json.load(open(sys.argv[1]))
if p.get("fcHbas"): print("fc")
if any("ha" in n.get("carries", []) for n in p.get("nics", [])): print("ha")
' "$1"
}

build_profile() {
    local profile=$1 t0=$SECONDS
    local dir=$out/$profile
    # Feature layers (35-feature-<name>) follow what the profile's hardware
    # has: "fc" with FC HBAs, "ha" when a NIC carries the failover link.
    local feature features=()
    for feature in $(profile_features "$src/hwprofiles/$profile.json"); do
        features+=("$here/fragments/35-feature-$feature")
    done
    local layers=("$here"/fragments/[0-9][0-9]-base "$here"/fragments/[0-9][0-9]-hardening
                  "$here"/fragments/[0-9][0-9]-medbox "${features[@]}"
                  "$here/fragments/40-profile-$profile" "$dir/layer-generated")
    log "$profile: layers ${layers[*]##*/}"
    current_dir=$dir
    unmount_below "$dir"
    rm -rf "$dir"
    mkdir -p "$dir"

    # The generated part of the profile layer: host name, NIC names, fstab,
    # systemd-repart definitions.
    python3 -B "$here/lib/profile-layer.py" "$src/hwprofiles/$profile.json" "$dir/layer-generated" \
        "$(medbox_uuid "$profile/esp")"
    # The CA RAUC checks bundles against (a development one unless
    # MEDBOX_SIGNING_DIR names the production keys; docs/update.md).
    "$here/lib/bundle.sh" keys "$signing"
    install -D -m 0644 "$signing/ca.pem" "$dir/layer-generated/extra/etc/rauc/keyring.pem"

    # Packages of all layers, sorted and without duplicates; our own package
    # names become the paths of the .debs just built.
    local names=() pkgs=() debs=() dpkgopts=() name layer
    for layer in "${layers[@]}"; do
        [ -f "$layer/packages" ] && mapfile -t -O "${#names[@]}" names < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$layer/packages")
        [ -f "$layer/dpkg.cfg" ] && dpkgopts+=("--dpkgopt=$layer/dpkg.cfg")
    done
    mapfile -t names < <(printf '%s\n' "${names[@]}" | sort -u)
    local deb
    for name in "${names[@]}"; do
        if [[ $name == medbox-* ]]; then
            deb=$(deb_path "$name") || die "$profile: no .deb for $name in $debs_dir (is it built?)"
            debs+=("--include=$deb")
        else
            pkgs+=("$name")
        fi
    done
    local include
    include=$(IFS=,; echo "${pkgs[*]}")

    # mmdebstrap: Debian 12 minbase plus the layers' packages and our .debs.
    #  merged-usr hook: /bin etc. as symlinks (as debootstrap does) instead of
    #    the usrmerge package, which would pull in perl;
    #  file-mirror-automount hook: makes the local .debs visible to dpkg inside;
    #  eatmydata hook: dpkg without fsync (3-4 times faster on our disks; the
    #    root is written once and checked afterwards, a crash means a rebuild);
    #  sync-in/sync-out + essential/unlink: the package cache outside the root;
    #  essential-hook: the layers' skeleton/ trees before the other packages
    #    are installed; customize-hooks: extra/ trees, presets, clean-up;
    #  without_extra_fds: see images/lib/common.sh ("Bad fd number" under ctest).
    log "$profile: mmdebstrap ($suite, ${#pkgs[@]} Debian packages + ${#debs[@]} medbox packages)"
    local layer_args
    layer_args=$(printf ' %q' "${layers[@]}")
    # shellcheck disable=SC2016 # "$1" is for the hook's shell: the root folder
    if ! without_extra_fds mmdebstrap --variant=minbase --mode=root --format=directory \
        --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
        --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
        --hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
        --aptopt='Acquire::Retries "3"' \
        "${dpkgopts[@]}" \
        --include="$include" "${debs[@]}" \
        --skip=essential/unlink \
        --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
        --setup-hook="sync-in $cache /var/cache/apt/archives/" \
        --essential-hook="$here/lib/layers.sh skeleton \"\$1\"$layer_args" \
        --customize-hook="sync-out /var/cache/apt/archives $cache" \
        --customize-hook="$here/lib/layers.sh extra \"\$1\"$layer_args" \
        --customize-hook="$here/lib/finish.sh \"\$1\" $profile $version" \
        "$suite" "$dir/rootfs" \
        "deb $mirror $suite main non-free-firmware" \
        "deb $mirror $suite-updates main non-free-firmware" \
        "deb $security_mirror $suite-security main non-free-firmware" \
        >"$dir/mmdebstrap.log" 2>&1; then
        tail -40 "$dir/mmdebstrap.log"
        die "$profile: mmdebstrap failed; see $dir/mmdebstrap.log"
    fi
    # Our own packages are not cached: they change with every build. The
    # automount hook leaves the empty files and folders it bind-mounted them on.
    rm -f "$cache"/medbox-*.deb
    if [ -d "$dir/rootfs$debs_dir" ]; then
        find "$dir/rootfs$debs_dir" -maxdepth 1 -name 'medbox-*.deb' -size 0 -delete
        rmdir -p --ignore-fail-on-non-empty "$dir/rootfs$debs_dir"
    fi
    clamp_mtimes "$dir/rootfs" "$SOURCE_DATE_EPOCH"
    local rootfs_at=$SECONDS

    if ((!with_disk)); then
        write_manifest "$profile" "$dir" $((rootfs_at - t0)) $((SECONDS - t0))
        log "$profile: root file system done in $((SECONDS - t0)) s"
        return 0
    fi

    # A tar of the root: the unit of comparison between builds.
    tar --create --file="$dir/rootfs.tar" --directory="$dir/rootfs" \
        --sort=name --numeric-owner --format=posix --xattrs --xattrs-include='security.capability' \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
        --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime .

    log "$profile: disk image"
    "$here/lib/mkdisk.sh" "$dir/rootfs" "$profile" "$dir/disk.raw" "$dir/root.ext4" >"$dir/mkdisk.log"
    cat "$dir/mkdisk.log" >&2
    local sums=(rootfs.tar disk.raw)
    if [ -n "$bundle_format" ]; then
        log "$profile: RAUC bundle ($bundle_format) signed with $signing"
        "$here/lib/bundle.sh" bundle "$dir/root.ext4" "$profile" "$version" "$signing" \
            "$dir/medbox-$profile-$version.raucb" "$bundle_format"
        sums+=("medbox-$profile-$version.raucb")
    fi
    rm -f "$dir/root.ext4"

    write_manifest "$profile" "$dir" $((rootfs_at - t0)) $((SECONDS - t0))
    (cd "$dir" && sha256sum "${sums[@]}" >SHA256SUMS)
    log "$profile: done in $((SECONDS - t0)) s: $(awk '{print $2 " " substr($1, 1, 16)}' "$dir/SHA256SUMS" | paste -sd' ')"
}

write_manifest() {
    local profile=$1 dir=$2 rootfs_s=$3 total_s=$4
    {
        echo "# medbox image manifest: profile $profile, version $version"
        echo "source: $(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)"
        echo "SOURCE_DATE_EPOCH: $SOURCE_DATE_EPOCH ($(date -u -d "@$SOURCE_DATE_EPOCH" +%FT%TZ))"
        echo "mirrors: $mirror $suite $suite-updates; $security_mirror $suite-security"
        echo "build: project and packages $((built_at - started)) s (shared by all profiles), root file system $rootfs_s s, profile total $total_s s"
        echo "rootfs: $(du -s --apparent-size --block-size=1M "$dir/rootfs" | cut -f1) MiB apparent, $(find "$dir/rootfs" -xdev | wc -l) entries"
        if [ -f "$dir/rootfs.tar" ]; then
            echo "rootfs.tar: $(( $(stat -c %s "$dir/rootfs.tar") / 1048576 )) MiB"
        fi
        if [ -f "$dir/disk.raw" ]; then
            echo "disk.raw: $(( $(stat -c %s "$dir/disk.raw") / 1048576 )) MiB ($(du -s --block-size=1M "$dir/disk.raw" | cut -f1) MiB allocated)"
        fi
        echo
        echo "## medbox packages"
        (cd "$debs_dir" && sha256sum -- *.deb)
        echo
        echo "## Debian packages (dpkg-query)"
        # shellcheck disable=SC2016 # dpkg-query's format, not shell
        chroot "$dir/rootfs" dpkg-query -W -f='${Package} ${Version}\n' | sort
        echo
        echo "## enabled units (after systemctl preset-all)"
        systemctl --root="$dir/rootfs" list-unit-files --state=enabled --no-legend --no-pager | awk '{print $1}' | sort
    } >"$dir/manifest.txt"
}

for p in "${profiles[@]}"; do
    build_profile "$p"
done
log "all done in $((SECONDS - started)) s (project build and packages $((built_at - started)) s); output in $out"
