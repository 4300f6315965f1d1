#!/usr/bin/env bash
# Builds and runs the libFuzzer targets under Fuzz/ (Linux, Swift's -sanitize=fuzzer,address).
#
#   Scripts/fuzz.sh TARGET SECONDS     build TARGET and fuzz it for SECONDS (default 60)
#   Scripts/fuzz.sh all SECONDS        every target in turn, SECONDS each
#   Scripts/fuzz.sh build TARGET       build only
#
# Targets: shared-config, sts-xml, kms-json, organizations-json, suppressions.
#
# How it builds: each target is one swiftc invocation of every library source plus Fuzz/FuzzSupport.swift
# and the target's file, as module KMSRotation (so internal parsers are reachable), instrumented with
# -sanitize=fuzzer,address. The library's two dependencies (swift-crypto, swift-log) are not
# instrumented: `swift build --product KMSRotation` builds them once, and the fuzzer imports their
# modules from .build and links their object files. Corpora grow in .build/fuzz/corpus/<target>
# (seeded from the committed Fuzz/corpus/<target>); crashes land in .build/fuzz/artifacts/<target>.
# Leak detection is off: FoundationXML leaks a CFString per XML parse error (libxml2 error callback),
# which is not this library's and would stop every run at once.
# Every crash found becomes a regression test in Tests/KMSRotationTests/Hardening/.
# Not run in CI (too long): `swift test` runs the regression tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

declare -A FILES=(
  [shared-config]=SharedConfig.swift
  [sts-xml]=STSXML.swift
  [kms-json]=KMSJSON.swift
  [organizations-json]=OrganizationsJSON.swift
  [suppressions]=Suppressions.swift
)
ORDER=(shared-config sts-xml kms-json organizations-json suppressions)

usage() { sed -n '2,8p' "$0"; exit 64; }

dependencies() {
  if [ ! -d "$BIN/Modules" ] || [ ! -f "$BIN/Modules/Crypto.swiftmodule" ] && [ ! -d "$BIN/Modules/Crypto.swiftmodule" ]; then
    swift build --product KMSRotation >&2
  fi
}

build() {
  local target=$1 file=${FILES[$1]:-}
  [ -n "$file" ] || { echo "unknown target: $target" >&2; usage; }
  dependencies
  mkdir -p .build/fuzz
  local objects
  objects=$(find "$BIN/Logging.build" "$BIN/Crypto.build" "$BIN/CryptoBoringWrapper.build" \
                 "$BIN/CCryptoBoringSSL.build" "$BIN/CCryptoBoringSSLShims.build" "$BIN/CXKCP.build" "$BIN/CXKCPShims.build" -name '*.o' 2>/dev/null | sort)
  # Compile a snapshot of the sources, so that editing them during a long fuzz build is harmless.
  local snapshot=.build/fuzz/src/$target
  rm -rf "$snapshot" && mkdir -p "$snapshot" && cp -R Sources/KMSRotation "$snapshot/" && cp -R Fuzz "$snapshot/"
  # shellcheck disable=SC2046
  swiftc -sanitize=fuzzer,address -parse-as-library -module-name KMSRotation -package-name swift_kms_rotation -swift-version 6 -enable-upcoming-feature ExistentialAny -O -g \
    -I "$BIN/Modules" -Xcc -I -Xcc .build/checkouts/swift-crypto/Sources/CCryptoBoringSSL/include \
    $(find "$snapshot/KMSRotation" -name '*.swift' | sort) "$snapshot/Fuzz/FuzzSupport.swift" "$snapshot/Fuzz/$file" \
    $objects -lstdc++ -o ".build/fuzz/$target" 2> >(grep -v "ld.gold: warning: Cannot export local symbol" >&2)
  echo ".build/fuzz/$target"
}

run() {
  local target=$1 seconds=${2:-60}
  build "$target" >/dev/null
  local corpus=.build/fuzz/corpus/$target artifacts=.build/fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  cp -n Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  # detect_leaks=0 twice: libFuzzer's flag stops it checking between inputs, and ASAN_OPTIONS stops
  # LeakSanitizer's check at exit, which otherwise reports FoundationXML's leak and fails a clean run.
  ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" ".build/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=20 \
    -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$artifacts/" "$corpus"
}

BIN=$(swift build --show-bin-path)
case "${1:-}" in
  all) for target in "${ORDER[@]}"; do run "$target" "${2:-60}"; done ;;
  build) build "${2:?target}" ;;
  ""|-h|--help) usage ;;
  *) run "$1" "${2:-60}" ;;
esac
