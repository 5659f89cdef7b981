#!/usr/bin/env bash
# Copies the skeleton/ or extra/ trees of image layers into a root file
# system, in the order given (images/build.sh passes them sorted by number):
#
#   layers.sh skeleton|extra ROOT LAYER_DIR...
#
# Called from mmdebstrap hooks: "skeleton" from --essential-hook (before the
# non-essential packages are installed, so their maintainer scripts see the
# files, e.g. the initramfs settings and /etc/fstab), "extra" from
# --customize-hook (after, so the files win over packaged defaults).
#
# With "extra", a layer's executable customize.sh then runs with ROOT as its
# argument: edits to files that Debian packages own (e.g. /etc/login.defs),
# which a copied file would replace wholesale.
#
# Files become root:root, 0644 (0755 if executable in the checkout), folders
# 0755, whatever the checkout's umask; symlinks are copied as symlinks.
# Nothing is written through a symlink that already exists in ROOT.
set -euo pipefail

kind=${1:?usage: layers.sh skeleton|extra ROOT LAYER_DIR...}
root=${2:?root folder}
shift 2
case $kind in skeleton|extra) ;; *) echo "layers.sh: unknown kind $kind" >&2; exit 2 ;; esac

for layer in "$@"; do
    src=$layer/$kind
    if [ -d "$src" ]; then
        echo "I: layer $(basename "$layer"): copying $kind/"
        while IFS= read -r -d '' rel; do
            rel=${rel#./}
            from=$src/$rel
            to=$root/$rel
            if [ -L "$from" ]; then
                rm -rf "$to"
                ln -s "$(readlink "$from")" "$to"
            elif [ -d "$from" ]; then
                if [ -L "$to" ] && [ -d "$to" ]; then
                    continue  # e.g. /lib -> usr/lib on merged-/usr: write below the target
                fi
                [ -d "$to" ] || install -d -m 0755 "$to"
            else
                [ -L "$to" ] && rm -f "$to"
                mode=0644
                [ -x "$from" ] && mode=0755
                install -m "$mode" -o root -g root "$from" "$to"
            fi
        done < <(cd "$src" && find . -mindepth 1 -print0 | sort -z)
    fi
    if [ "$kind" = extra ] && [ -x "$layer/customize.sh" ]; then
        echo "I: layer $(basename "$layer"): running customize.sh"
        "$layer/customize.sh" "$root"
    fi
done
