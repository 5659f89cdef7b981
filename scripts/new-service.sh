#!/usr/bin/env bash
# Creates a medbox service from the templates in scripts/templates/service/:
#
#   scripts/new-service.sh NAME PORT ["SUMMARY"]
#
#   NAME     [a-z][a-z0-9]*, e.g. portal; the binary is medbox-NAME
#   PORT     its default HTTPS port (1024-65535, free in cmake/services.cmake)
#   SUMMARY  one line saying what it does (unit Description=, package summary)
#
# What it does, nothing else:
#   1. adds NAME's row to cmake/services.cmake (or keeps the row a planned
#      service already has, when its port is PORT): from then on the build,
#      unit, system user, preset, package, firewall port and harness know it;
#   2. writes services/NAME/ and tests/api/NAME.test.mjs from the template
#      tree, replacing @name@, @Name@, @NAME@, @port@ and @summary@ in paths
#      and contents: a service with one small resource (notes), its table,
#      store, handlers, openapi.json, unit tests and API test;
#   3. lists the package medbox-NAME in the application server's image
#      (images/fragments/40-profile-application/packages).
# It refuses to overwrite anything. Build and test it with the commands it
# prints; record its security score in docs/units.md (the units test asks).
# scripts/tests/new_service_test.sh runs it on a copy of the tree.
set -euo pipefail

die() { echo "new-service.sh: $*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
templates=$root/scripts/templates/service
table=$root/cmake/services.cmake
image_packages=$root/images/fragments/40-profile-application/packages

[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: scripts/new-service.sh NAME PORT [\"SUMMARY\"]"
name=$1
port=$2
summary=${3:-$name service}
[[ $name =~ ^[a-z][a-z0-9]*$ ]] || die "NAME \"$name\": expected [a-z][a-z0-9]* (it becomes a C++ namespace and a user name)"
[[ $port =~ ^[1-9][0-9]*$ ]] && ((port >= 1024 && port <= 65535)) || die "PORT \"$port\": expected 1024-65535"
[[ $summary != *[\"\\\;@]* ]] || die "SUMMARY: no quotes, backslashes, semicolons or @ please"
Name=${name^}
NAME=${name^^}

[ -d "$templates" ] || die "no template tree at $templates"
[ ! -e "$root/services/$name" ] || die "services/$name exists already"
[ ! -e "$root/tests/api/$name.test.mjs" ] || die "tests/api/$name.test.mjs exists already"

# --- 1. the row -----------------------------------------------------------------
row_port=$(sed -n "s/^medbox_service_row($name PORT \([0-9]*\) .*/\1/p" "$table")
if [ -n "$row_port" ]; then
    [ "$row_port" = "$port" ] || die "cmake/services.cmake reserves port $row_port for $name, not $port"
    echo "cmake/services.cmake: keeping the planned row of $name (port $port)"
else
    ! grep -Eq "^medbox_service_row\([a-z0-9]+ PORT $port " "$table" ||
        die "port $port is taken in cmake/services.cmake: $(grep -E "^medbox_service_row\([a-z0-9]+ PORT $port " "$table")"
    marker='# --- end of the table'
    grep -q "^$marker" "$table" || die "cmake/services.cmake has no \"$marker\" line"
    row="medbox_service_row($name PORT $port INBOUND no PRESET enable\n  SUMMARY \"$summary\"\n  WHY \"$Name: $summary.\")"
    sed -i "/^$marker/i $row" "$table"
    echo "cmake/services.cmake: added the row of $name (port $port, internal, enabled)"
fi

# --- 2. the files ---------------------------------------------------------------------
# sed replacement text: escape what sed treats specially.
esc() { printf '%s' "$1" | sed 's/[&/\]/\\&/g'; }
subst="s/@name@/$(esc "$name")/g; s/@Name@/$(esc "$Name")/g; s/@NAME@/$(esc "$NAME")/g; s/@port@/$(esc "$port")/g; s/@summary@/$(esc "$summary")/g"
created=()
while IFS= read -r -d '' src; do
    rel=${src#"$templates"/}
    dst=$root/$(printf '%s' "$rel" | sed "$subst")
    [ ! -e "$dst" ] || die "$dst exists already"
    mkdir -p "$(dirname "$dst")"
    sed "$subst" "$src" >"$dst"
    created+=("${dst#"$root"/}")
done < <(find "$templates" -type f -print0 | sort -z)
left=$(grep -l '@\(name\|Name\|NAME\|port\|summary\)@' "${created[@]/#/$root/}" || true)
[ -z "$left" ] || die "placeholders left in: $left"
printf 'wrote %s\n' "${created[@]}"

# --- 3. a place in the image ------------------------------------------------------
if [ -f "$image_packages" ] && ! grep -qx "medbox-$name" "$image_packages"; then
    printf '\n# %s: %s.\nmedbox-%s\n' "$Name" "$summary" "$name" >>"$image_packages"
    echo "${image_packages#"$root"/}: added medbox-$name"
fi

cat <<EOF

Next:
  scripts/build.sh   (or: cmake -S . -B build && cmake --build build --target medbox-$name ${name}_tests)
  ctest --test-dir build -R '^$Name|api_$name\$|systemd_units\$'
  Record the score line systemd_units prints for medbox-$name.service in
  docs/units.md ("Scores"); say in cmake/services.cmake why the preset
  enables it (WHY) and whether LAN peers may reach it (INBOUND).
EOF
