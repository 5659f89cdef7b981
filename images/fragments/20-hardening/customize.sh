#!/usr/bin/env bash
# 20-hardening: edits to files Debian packages own, run by images/lib/layers.sh
# after this layer's extra/ tree is copied in: customize.sh ROOT.
set -euo pipefail
root=${1:?root folder}

# /etc/login.defs (login(1), useradd(8)): files of new users are not world
# readable; local passwords (the console's break-glass root, if a site sets
# one) expire yearly and cannot be cycled back at once; SHA-crypt, if ever
# chosen over Debian's yescrypt, is slow.
defs=$root/etc/login.defs
set_def() { # set_def KEY VALUE: replaces the line, or appends it
    if grep -qE "^#?[[:space:]]*$1[[:space:]]" "$defs"; then
        sed -i -E "s|^#?[[:space:]]*$1[[:space:]].*|$1\t\t$2|" "$defs"
    else
        printf '%s\t\t%s\n' "$1" "$2" >>"$defs"
    fi
}
set_def UMASK 027
set_def PASS_MIN_DAYS 1
set_def PASS_MAX_DAYS 365
set_def SHA_CRYPT_MIN_ROUNDS 500000
set_def SHA_CRYPT_MAX_ROUNDS 1000000

# sshd's configuration says who may log in and how: readable by root only.
chmod 0600 "$root/etc/ssh/sshd_config"

# Folders that packages drop cron jobs into (no cron daemon is installed, but
# a site may add one): for root only, so nobody learns what runs when.
for d in cron.d cron.daily cron.hourly cron.weekly cron.monthly; do
    if [ -d "$root/etc/$d" ]; then chmod 0700 "$root/etc/$d"; fi
done
