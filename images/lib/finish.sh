#!/usr/bin/env bash
# Last step inside mmdebstrap (--customize-hook, after the layers' extra/
# trees): identifies the image, applies the presets, and removes what must not
# ship or would make two builds differ.
#
#   finish.sh ROOT PROFILE VERSION
set -euo pipefail

root=${1:?usage: finish.sh ROOT PROFILE VERSION}
profile=${2:?profile}
version=${3:?version}

# Identify the image (os-release(5) IMAGE_ID/IMAGE_VERSION): medboxctl,
# support and the boot test read which profile and build a machine runs.
osr=$root/usr/lib/os-release
sed -i '/^IMAGE_ID=/d; /^IMAGE_VERSION=/d' "$osr"
printf 'IMAGE_ID=medbox-%s\nIMAGE_VERSION=%s\n' "$profile" "$version" >>"$osr"

# Enable or disable every unit as the presets say (each line there has its
# reason); offline, inside the image, with the image's own systemctl.
echo "I: systemctl preset-all"
chroot "$root" systemctl preset-all 2>&1 | sed 's/^/   /' >&2

# Mount point of the EFI system partition (/etc/fstab; mounted only to
# update the boot loader or kernel).
install -d -m 0700 "$root/boot/efi"

# SSH host keys are made on each machine's first start (20-hardening): an
# image-wide key would be shared by every appliance.
rm -f "$root"/etc/ssh/ssh_host_*_key "$root"/etc/ssh/ssh_host_*_key.pub

# First boot makes the machine ID (machine-id(5): an empty file means
# "not yet initialised"); mmdebstrap empties it too, this states it.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# mmdebstrap copied the build machine's resolver configuration.
cat >"$root/etc/resolv.conf" <<'EOF'
# DNS servers of this site (resolv.conf(5)): written at installation, e.g.
# nameserver 10.10.2.53
EOF

# No package sources by default: a hospital network rarely reaches a public
# mirror, and the appliance is updated as a whole by signed bundles
# (docs/update.md), not package by package. A site with its own Debian mirror
# adds it as a file in /etc/apt/sources.list.d/ (docs/install.md).
rm -f "$root"/etc/apt/sources.list.d/*
cat >"$root/etc/apt/sources.list" <<'EOF'
# No package sources: medbox is updated by signed update bundles (medboxctl
# update; /usr/share/doc/medbox). To reach the hospital's own Debian mirror,
# add a deb822 file such as /etc/apt/sources.list.d/hospital.sources:
#   Types: deb
#   URIs: http://mirror.hospital.example/debian
#   Suites: bookworm bookworm-updates
#   Components: main non-free-firmware
EOF

# Backups of package databases, caches and logs of the build itself.
rm -f "$root"/var/lib/dpkg/*-old "$root"/var/cache/debconf/*-old \
      "$root"/var/cache/ldconfig/aux-cache "$root"/var/log/apt/eipp.log.xz
find "$root/var/log" -type f \( -name '*.log' -o -name '*.log.*' \) -delete
# The downloaded packages: images/build.sh keeps them outside the image (an
# earlier hook copied them out); mmdebstrap leaves what it found there.
# (The lock file too: it came from that cache with its old modification time.)
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/archives/partial/* \
       "$root"/var/cache/apt/archives/lock \
       "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/tmp/* "$root"/var/tmp/*
