#!/usr/bin/env bash
# Formats the package as CI checks it: swift-format with .swift-format (140 columns, 4 spaces), then the
# comments and plain string literals swift-format cannot break are wrapped (Scripts/wrap-long-lines.py),
# then swift-format once more. CI runs `swift format lint --strict` on the same paths.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Examples Fuzz Benchmarks/Benchmarks Package.swift Benchmarks/Package.swift)
swift format format --in-place --recursive "${paths[@]}"
find Sources Tests Examples Fuzz Benchmarks/Benchmarks -name '*.swift' -print0 | xargs -0 python3 Scripts/wrap-long-lines.py
swift format format --in-place --recursive "${paths[@]}"
