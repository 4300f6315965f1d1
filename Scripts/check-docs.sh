#!/usr/bin/env bash
# Checks the DocC catalogs of the four libraries against their public symbols: `docc convert --analyze`
# must print no warning (a link to a symbol that is not public, an undocumented parameter), and every
# public top-level symbol must be listed in a Topics group of its catalog. Needs a debug build
# (`swift build`). `swift package dump-symbol-graph` relinks the products with every trait enabled (the
# default traits), so run it after anything that needs a build without them.
#
#   Scripts/check-docs.sh    # KMSRotation, KMSRotationTesting, KMSRotationIaC, KMSRotationNIO
set -euo pipefail
cd "$(dirname "$0")/.."

swift package "$@" dump-symbol-graph --minimum-access-level public > /dev/null 2>&1
graphs=$(find .build -path '*/symbolgraph' -type d | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

check() {  # MODULE CATALOG
  local module=$1 catalog=$2
  mkdir -p "$work/$module"
  cp "$graphs/$module.symbols.json" "$work/$module/"
  find "$graphs" -name "$module@*.symbols.json" -exec cp {} "$work/$module/" \;
  docc convert "$catalog" --additional-symbol-graph-dir "$work/$module" --analyze \
    --output-path "$work/$module.doccarchive" --fallback-display-name "$module" \
    --fallback-bundle-identifier "$module" > "$work/$module.log" 2>&1 || true
  # A link to another module's symbol (``HTTPTransport`` from KMSRotationTesting) cannot resolve when one
  # module is converted alone; those are dropped when the symbol is public in KMSRotation.
  python3 - "$work/$module.log" "$graphs/KMSRotation.symbols.json" > "$work/$module.problems" <<'PY'
import json, re, sys
log, core = sys.argv[1], sys.argv[2]
public = {s["pathComponents"][0] for s in json.load(open(core))["symbols"]} | {"KMSRotation"}
for line in open(log):
    if not (re.match(r"(warning|error):", line) or re.search(r": (warning|error):", line)):
        continue
    missing = re.search(r"'([^']+)' doesn't exist at '/(\w+)", line)
    if missing and missing.group(2) != "KMSRotation" and missing.group(1).split("/")[0] in public:
        continue
    print(line.rstrip())
PY
  if [[ -s "$work/$module.problems" ]]; then
    cat "$work/$module.problems"
    echo "error: docc found problems in $catalog (above)" >&2
    status=1
  fi
  python3 - "$work/$module/$module.symbols.json" "$catalog" <<'PY' || status=1
import json, pathlib, sys
graph, catalog = sys.argv[1], pathlib.Path(sys.argv[2])
text = "\n".join(p.read_text() for p in catalog.glob("*.md"))
names = sorted({s["pathComponents"][0] for s in json.load(open(graph))["symbols"] if len(s["pathComponents"]) == 1})
missing = [n for n in names if f"``{n}``" not in text]
if missing:
    print(f"error: {catalog}: public symbols in no Topics group: {', '.join(missing)}", file=sys.stderr)
    sys.exit(1)
print(f"{catalog}: {len(names)} public top-level symbols, all in a Topics group")
PY
}

check KMSRotation Sources/KMSRotation/KMSRotation.docc
check KMSRotationTesting Sources/KMSRotationTesting/KMSRotationTesting.docc
check KMSRotationIaC Sources/KMSRotationIaC/Documentation.docc
check KMSRotationNIO Sources/KMSRotationNIO/Documentation.docc
exit $status
