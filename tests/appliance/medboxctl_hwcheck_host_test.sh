#!/bin/bash
# medboxctl hw check on the machine running the tests.
#
# Usage: medboxctl_hwcheck_host_test.sh MEDBOXCTL PROFILE.json
#
# The build and CI machines are small VMs, so they do not match a server
# profile. This test does not hard-code what they lack: it works out, with
# other tools (lscpu, lsblk, free, plain reads of /sys), which of the
# profile's checks this machine must fail, and asserts that medboxctl reports
# exactly those mismatches (no more, no fewer), the right exit code, and the
# same key figures.
#
# The oracle handles profiles with one disk group and NICs of one speed
# (application, database, backup). On a machine with a hardware-RAID
# controller it cannot see member disks, so disk checks are left out there.
set -uo pipefail

MEDBOXCTL=${1:?usage: $0 MEDBOXCTL PROFILE.json}
PROFILE=${2:?usage: $0 MEDBOXCTL PROFILE.json}
SKIP=77

for tool in jq lscpu lsblk free awk; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit $SKIP; }
done

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

prof() { jq -r "$1 // empty" "$PROFILE"; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }  # a >= b, as numbers

declare -A expect_fail=()
declare -A found=()

# --- CPU -------------------------------------------------------------------
sockets=$(lscpu -p=SOCKET | grep -v '^#' | sort -u | wc -l)
threads=$(lscpu -p=CPU,SOCKET | grep -v '^#' | awk -F, '{n[$2]++} END {m = -1; for (s in n) if (m < 0 || n[s] < m) m = n[s]; print m}')
found[cpu.sockets]=$sockets
found[cpu.threadsPerSocket]=$threads
if min=$(prof .cpu.sockets.min) && [ -n "$min" ]; then ge "$sockets" "$min" || expect_fail[cpu.sockets]=1; fi
if min=$(prof .cpu.threadsPerSocket.min) && [ -n "$min" ]; then ge "$threads" "$min" || expect_fail[cpu.threadsPerSocket]=1; fi

# Nominal clock: cpufreq's base_frequency, else "@ x.xxGHz" in the model
# name, else the highest current "cpu MHz".
if [ -r /sys/devices/system/cpu/cpu0/cpufreq/base_frequency ]; then
    mhz=$(awk '{print $1 / 1000}' /sys/devices/system/cpu/cpu0/cpufreq/base_frequency)
elif ghz=$(grep -m1 '^model name' /proc/cpuinfo | grep -oE '@ *[0-9.]+ *GHz' | grep -oE '[0-9.]+') && [ -n "$ghz" ]; then
    mhz=$(awk -v g="$ghz" 'BEGIN {print g * 1000}')
else
    mhz=$(awk -F: '/^cpu MHz/ {v = $2 + 0; if (v > m) m = v} END {print m + 0}' /proc/cpuinfo)
fi
if min=$(prof .cpu.frequencyMHz.min) && [ -n "$min" ]; then
    if [ -z "$mhz" ] || [ "$mhz" = 0 ]; then expect_fail[cpu.frequencyMHz]=1; else ge "$mhz" "$min" || expect_fail[cpu.frequencyMHz]=1; fi
fi

# Last-level cache per socket: lscpu's total for the highest non-instruction level, divided by sockets.
llc_bytes=$(lscpu -B -C=LEVEL,TYPE,ALL-SIZE 2>/dev/null | awk 'NR > 1 && $2 != "Instruction" && $1 >= lvl {lvl = $1; size = $3} END {print size + 0}')
if [ "${llc_bytes:-0}" -gt 0 ]; then
    cache_mib=$(awk -v b="$llc_bytes" -v s="$sockets" 'BEGIN {print b / s / 1048576}')
else
    cache_mib=$(awk -F: '/^cache size/ {print $2 / 1024; exit}' /proc/cpuinfo)
fi
if min=$(prof .cpu.cachePerSocketMiB.min) && [ -n "$min" ]; then
    if [ -z "$cache_mib" ]; then expect_fail[cpu.cachePerSocketMiB]=1; else ge "$cache_mib" "$min" || expect_fail[cpu.cachePerSocketMiB]=1; fi
fi

# --- memory ----------------------------------------------------------------
mem_mib=$(free -m | awk '/^Mem:/ {print $2}')
found[memory.totalMiB]=$mem_mib
if min=$(prof .memory.totalMiB.min) && [ -n "$min" ]; then
    tol=$(prof .memory.totalMiB.tolerancePercent); tol=${tol:-0}
    threshold=$(awk -v m="$min" -v t="$tol" 'BEGIN {x = m * (100 - t) / 100; printf "%d", (x == int(x)) ? x : int(x)}')
    ge "$mem_mib" "$threshold" || expect_fail[memory.totalMiB]=1
fi

# --- disks -----------------------------------------------------------------
raid=0
for p in /sys/class/scsi_host/*/proc_name; do
    [ -r "$p" ] && grep -qxE 'megaraid_sas|hpsa|smartpqi|aacraid|mpi3mr|3w-9xxx|arcmsr' "$p" && raid=1
done
ngroups=$(jq '.disks // [] | length' "$PROFILE")
check_disks=1
if [ "$raid" = 1 ] || [ "$ngroups" -gt 1 ]; then
    echo "note: disk checks left out (hardware RAID present or several disk groups)"
    check_disks=0
elif [ "$ngroups" = 1 ]; then
    role=$(prof '.disks[0].role'); count=$(prof '.disks[0].count'); min_gb=$(prof '.disks[0].minSizeGB')
    transports=" $(jq -r '.disks[0].transports | join(" ")' "$PROFILE") "
    suitable=0
    while read -r line; do
        eval "$line"  # NAME= SIZE= TRAN= TYPE= RM= from lsblk -P
        [ "$TYPE" = disk ] && [ "$RM" = 0 ] || continue
        case "$NAME" in zram*|loop*|ram*) continue ;; esac
        case "$transports" in *" ${TRAN:-other} "*) ;; *) continue ;; esac
        ge "$SIZE" "$(awk -v g="$min_gb" 'BEGIN {printf "%.0f", g * 1e9}')" && suitable=$((suitable + 1))
    done < <(lsblk -d -b -n -P -o NAME,SIZE,TRAN,TYPE,RM)
    [ "$suitable" -ge "$count" ] || expect_fail[disks.$role]=1
fi

# --- NICs: physical ports are the ones not under /sys/devices/virtual --------
ports_ok=0
nic_speeds=()
for link in /sys/class/net/*; do
    target=$(readlink "$link")
    case "$target" in */virtual/*) continue ;; esac
    [ -e "$link/wireless" ] && continue
    speed=$(cat "$link/speed" 2>/dev/null || echo -1)
    nic_speeds+=("${speed:--1}")
done
need_ports=$(jq '[.nics // [] | .[].count] | add // 0' "$PROFILE")
if [ "$need_ports" -gt 0 ]; then
    min_speed=$(jq '[.nics[].minSpeedMbps] | max' "$PROFILE")
    for s in "${nic_speeds[@]:-}"; do [ -n "$s" ] && [ "$s" -ge "$min_speed" ] 2>/dev/null && ports_ok=$((ports_ok + 1)); done
    # Ports are handed to roles in order; the last roles go without.
    jq -r '.nics[] | "\(.role) \(.count)"' "$PROFILE" | {
        left=$ports_ok
        while read -r role count; do
            if [ "$left" -ge "$count" ]; then left=$((left - count)); else echo "$role"; left=0; fi
        done
    } >/tmp/medboxctl-hwcheck-nics.$$
    while read -r role; do expect_fail[nics.$role]=1; done </tmp/medboxctl-hwcheck-nics.$$
    rm -f /tmp/medboxctl-hwcheck-nics.$$
fi

# --- FC HBAs -----------------------------------------------------------------
if count=$(prof .fcHbas.count) && [ -n "$count" ]; then
    min=$(prof .fcHbas.minSpeedGbit)
    fc_ok=0
    for h in /sys/class/fc_host/*; do
        [ -d "$h" ] || continue
        max=$(cat "$h/supported_speeds" "$h/speed" 2>/dev/null | grep -oE '[0-9]+ *Gbit' | grep -oE '[0-9]+' | sort -n | tail -1)
        [ -n "$max" ] && [ "$max" -ge "$min" ] && fc_ok=$((fc_ok + 1))
    done
    [ "$fc_ok" -ge "$count" ] || expect_fail[fcHbas]=1
fi

# --- power supplies ----------------------------------------------------------
if min=$(prof .powerSupplies.min) && [ -n "$min" ]; then
    dmi=0
    for raw in /sys/firmware/dmi/entries/39-*/raw; do
        [ -r "$raw" ] || continue
        bits=$(od -An -tu1 -j14 -N1 "$raw" | tr -d ' ')
        [ -n "$bits" ] && [ $((bits & 2)) -ne 0 ] && [ $((bits & 4)) -eq 0 ] && dmi=$((dmi + 1))
    done
    mains=0
    for ps in /sys/class/power_supply/*; do
        [ "$(cat "$ps/type" 2>/dev/null)" = Mains ] && [ "$(cat "$ps/online" 2>/dev/null)" = 1 ] && mains=$((mains + 1))
    done
    psus=$(( dmi > mains ? dmi : mains ))
    [ "$psus" -ge "$min" ] || expect_fail[powerSupplies]=1
fi

# --- run medboxctl and compare ---------------------------------------------------
out=$("$MEDBOXCTL" hw check --profile "$PROFILE")
rc=$?
echo "$out"
echo "--- oracle: sockets=$sockets threads/socket=$threads clock=${mhz}MHz llc/socket=${cache_mib}MiB mem=${mem_mib}MiB nic-speeds=${nic_speeds[*]:-none}"

reported=$(echo "$out" | sed -n 's/^MISMATCH \([^:]*\):.*/\1/p' | sort)
if [ "$check_disks" = 0 ]; then reported=$(echo "$reported" | grep -v '^disks\.'); fi
expected=$(for k in "${!expect_fail[@]}"; do echo "$k"; done | sort)
if [ "$reported" = "$expected" ]; then
    pass "mismatches are exactly: $(echo $expected)"
else
    fail "mismatch sets differ"
    diff <(echo "$expected") <(echo "$reported") | sed 's/^</  expected only:/; s/^>/  reported only:/'
fi

if [ -n "$expected" ]; then want=1; else want=0; fi
[ "$rc" = "$want" ] && pass "exit code $rc" || fail "exit code $rc, expected $want"

# Every check of the profile is reported, ok or not.
total_checks=$(echo "$out" | grep -cE '^(ok      |MISMATCH) ')
want_checks=$(jq '[(.cpu // {} | keys | map(select(. != "why")) | length), (if .memory then 1 else 0 end),
                   (.disks // [] | length), (.nics // [] | length), (if .fcHbas then 1 else 0 end),
                   (if .powerSupplies then 1 else 0 end)] | add' "$PROFILE")
[ "$total_checks" = "$want_checks" ] && pass "$total_checks checks reported" || fail "$total_checks checks reported, profile has $want_checks"

# Key figures agree with the other tools.
echo "$out" | grep -qE "^[A-Za-z ]+cpu\.sockets: .*, found ${found[cpu.sockets]}( |$)" && pass "socket count ${found[cpu.sockets]}" || fail "socket count is not ${found[cpu.sockets]}"
echo "$out" | grep -qE "^[A-Za-z ]+cpu\.threadsPerSocket: .*, found ${found[cpu.threadsPerSocket]}( |$)" && pass "threads per socket ${found[cpu.threadsPerSocket]}" || fail "threads per socket is not ${found[cpu.threadsPerSocket]}"
echo "$out" | grep -qE "^[A-Za-z ]+memory\.totalMiB: .*found MemTotal ${found[memory.totalMiB]} MiB" && pass "memory ${found[memory.totalMiB]} MiB" || fail "memory is not ${found[memory.totalMiB]} MiB"

[ "$failures" = 0 ] && { echo "PASS"; exit 0; }
echo "$failures failure(s)"
exit 1
