#!/usr/bin/env bash
# Records a CPU profile (perf, 4 kHz, with stacks) of each server's full-speed phase of one load run (PROFILE_FIXED_RATE=1:
# also of its 1,000/s phase, into NAME-fixed.data), and prints where a push's CPU goes at full speed, by stage, for the
# relay and for the bare YARP baseline.
#   tests/MpEventRelay.LoadTest/profile/record.sh [harness arguments…]      (as root; perf from apt: linux-perf)
# Both servers are left to the JIT here (the harness as built, not published): JIT code is named through perf maps
# (DOTNET_PerfMapEnabled; W^X off so perf can read the code's pages), precompiled ReadyToRun code only by its assembly.
# Build first: dotnet build -c Release tests/MpEventRelay.LoadTest
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=${PROFILE_OUT:-/tmp/mprelay-profile}
mkdir -p "$out"
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
declare -A seen
dotnet run -c Release --no-build --project tests/MpEventRelay.LoadTest -- --rounds 1 --relay relay=trail-on "$@" | tee "$out/run.txt" | while IFS= read -r line; do
  echo "$line"
  if [[ "$line" =~ phase\ on\ ([^ ]+)\ \(pid\ ([0-9]+)\)\ starts ]]; then
    name=${BASH_REMATCH[1]} pid=${BASH_REMATCH[2]}
    seen[$name]=$(( ${seen[$name]:-0} + 1 ))
    if [[ ${seen[$name]} == 1 ]]; then # a server's first phase is at full speed (then, each round, the fixed rate's)
      (perf record -F 3999 -g -p "$pid" -o "$out/$name.data" -- sleep 4 >/dev/null 2>&1 &) # the phase lasts 4–6 s
    fi
    if [[ ${seen[$name]} == 2 && -n "${PROFILE_FIXED_RATE:-}" ]]; then
      (perf record -F 3999 -g -p "$pid" -o "$out/$name-fixed.data" -- sleep 8 >/dev/null 2>&1 &)
    fi
  fi
done
for name in yarp relay; do
  label=$([[ $name == yarp ]] && echo "baseline YARP" || echo "$name")
  cpu=$(grep -E "^\| $label, full speed" "$out/run.txt" | awk -F'|' '{print $7}' | tr -d ' ')
  perf script -i "$out/$name.data" -F comm,tid,ip,sym,dso 2>/dev/null > "$out/$name.stacks"
  echo "== $label: $cpu µs of CPU a push"
  python3 tests/MpEventRelay.LoadTest/profile/attribute.py "$out/$name.stacks" "$cpu"
done
