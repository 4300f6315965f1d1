#!/usr/bin/env bash
# Runs the built test suite with the wall clock moved ahead (default: 9 years), so a fixture that would
# expire within that time fails today instead of on the day it expires.
#
#   Scripts/test-clock-shifted.sh [YEARS] [extra test-runner arguments, e.g. --filter Auth]
#
# Needs `swift build --build-tests` first. The shift comes from Scripts/clock-shift/clock-shift.c, an
# LD_PRELOAD shim that moves CLOCK_REALTIME, gettimeofday and time only: libfaketime also intercepts
# pthread waits, and the concurrent Swift test runner deadlocks in them. Child processes (the kms-rotation
# binary, moto_server) inherit the shift, so both sides of every integration test agree on the time.
set -euo pipefail
cd "$(dirname "$0")/.."

years="${1:-9}"
shift || true
bin_path=$(swift build --show-bin-path)
shim="$bin_path/clock-shift.so"
cc -shared -fPIC -O2 -o "$shim" Scripts/clock-shift/clock-shift.c -ldl

seconds=$(( years * 365 * 86400 ))
echo "clock moved ahead by $years years: $(CLOCK_SHIFT_SECONDS=$seconds LD_PRELOAD=$shim date -u +%Y-%m-%dT%H:%M:%SZ)"
runner=$(find "$bin_path" -maxdepth 1 -name '*PackageTests.xctest' | head -n 1)
[ -n "$runner" ] || { echo "error: no test bundle under $bin_path; run swift build --build-tests first" >&2; exit 1; }
CLOCK_SHIFT_SECONDS=$seconds LD_PRELOAD="$shim" "$runner" --testing-library swift-testing "$@"
