#!/usr/bin/env bash
# Signing keys and RAUC bundles of the medbox image (docs/update.md):
#
#   bundle.sh keys KEYDIR
#       makes a development CA and a bundle-signing certificate in KEYDIR
#       (outside git) unless they exist: ca.pem (installed in the image as
#       /etc/rauc/keyring.pem), ca.key, signer.pem, signer.key. A production
#       KEYDIR holds the vendor's ca.pem, signer.pem and signer.key (or
#       PKCS#11 URLs in signer.pem.url / signer.key.url) instead; nothing here
#       then touches it.
#   bundle.sh bundle ROOT.EXT4 PROFILE VERSION KEYDIR OUT.RAUCB [FORMAT]
#       the RAUC bundle of one root file system image: compatible
#       medbox-PROFILE, version VERSION, one image for the "rootfs" slot
#       class; FORMAT verity (default, what an appliance installs) or plain
#       (for machines without device-mapper; see docs/update.md). Signed with
#       KEYDIR's signer and checked against its ca.pem.
# Needs openssl, rauc and mksquashfs (squashfs-tools).
set -euo pipefail
die() { printf 'bundle: %s\n' "$*" >&2; exit 1; }

signer_ref() {  # KEYDIR NAME: a PKCS#11 URL if NAME.url exists, else the file
    if [ -f "$1/$2.url" ]; then cat "$1/$2.url"; else echo "$1/$2"; fi
}

keys() {
    local dir=${1:?KEYDIR}
    if [ -f "$dir/ca.pem" ]; then
        [ -f "$dir/signer.pem" ] || [ -f "$dir/signer.pem.url" ] || die "$dir has ca.pem but no signer.pem"
        return 0
    fi
    mkdir -p "$dir"
    chmod 0700 "$dir"
    # Development only: says so in its name, valid ten years.
    openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -sha256 \
        -subj "/O=medbox development/CN=medbox development update CA ($(hostname))" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    openssl req -newkey rsa:3072 -nodes -sha256 -subj "/O=medbox development/CN=medbox development bundle signer" \
        -keyout "$dir/signer.key" -out "$dir/signer.csr" 2>/dev/null
    openssl x509 -req -in "$dir/signer.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 3650 -sha256 -out "$dir/signer.pem" \
        -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n') 2>/dev/null
    rm -f "$dir/signer.csr" "$dir/ca.srl"
    chmod 0600 "$dir"/*.key
    echo "bundle: made a development signing CA in $dir (not for production: docs/update.md)" >&2
}

bundle() {
    local root=${1:?ROOT.EXT4} profile=${2:?PROFILE} version=${3:?VERSION} dir=${4:?KEYDIR} out=${5:?OUT.RAUCB}
    local format=${6:-verity} work
    [ -f "$root" ] || die "no root file system image $root"
    [[ $format == @(verity|plain) ]] || die "format must be verity or plain, not $format"
    [ -f "$dir/ca.pem" ] || die "no ca.pem in $dir (bundle.sh keys $dir)"
    work=$(mktemp -d "${out%/*}/.bundle.XXXXXX")
    # shellcheck disable=SC2064 # expand now: the trap runs after this function
    trap "rm -rf '$work'" EXIT
    mkdir "$work/content"
    cp --sparse=always "$root" "$work/content/rootfs.ext4"
    cat >"$work/content/manifest.raucm" <<MANIFEST
[update]
compatible=medbox-$profile
version=$version
description=medbox $profile image $version
build=${SOURCE_DATE_EPOCH:-0}

[bundle]
format=$format

[image.rootfs]
filename=rootfs.ext4
MANIFEST
    rm -f "$out"

    rauc bundle --cert="$(signer_ref "$dir" signer.pem)" --key="$(signer_ref "$dir" signer.key)" \
        --keyring="$dir/ca.pem" "$work/content" "$out" >"$work/rauc.log" 2>&1 ||
        { cat "$work/rauc.log" >&2; die "rauc bundle failed"; }
}

case ${1:-} in
    keys) shift; keys "$@" ;;
    bundle) shift; bundle "$@" ;;
    *) die "usage: bundle.sh keys KEYDIR | bundle ROOT.EXT4 PROFILE VERSION KEYDIR OUT.RAUCB [verity|plain]" ;;
esac
