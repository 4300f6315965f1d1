#!/usr/bin/env bash
# Installs Checkov (PyPI) into .build-checkov/venv and compares it with kms-rotation iac on Examples/iac
# (Scripts/compare-checkov.py). Not run by `swift test` or .ci/run: the comparison is measured by hand and
# written to Docs/comparison.md.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-checkov/venv
if [ ! -x "$venv/bin/checkov" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet checkov || { echo "error: pip install checkov failed (is PyPI reachable?)" >&2; exit 1; }
fi
[ -x .build/debug/kms-rotation ] || swift build --product kms-rotation
python3 Scripts/compare-checkov.py --checkov "$venv/bin/checkov" "$@"
