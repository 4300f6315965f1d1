#!/usr/bin/env bash
# Installs Prowler (PyPI) into .build-prowler/venv, starts moto_server on a loopback port, seeds one key of
# each kind with the AWS CLI, and runs Prowler's kms_cmk_rotation_enabled check and `kms-rotation audit` on
# the same keys (Scripts/compare-prowler.py prints the table). Not run by `swift test` or .ci/run: measured by
# hand and written to Docs/comparison.md. moto is permissive where AWS is strict (an EXTERNAL key is Enabled
# before any import; RotationPeriodInDays is not kept), so this measures the tools on moto's answers.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build-prowler/venv
version=${PROWLER_VERSION:-5.46.0}
if [ ! -x "$venv/bin/prowler" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "prowler==$version" || { echo "error: pip install prowler failed (is PyPI reachable?)" >&2; exit 1; }
fi
[ -x .build/debug/kms-rotation ] || swift build --product kms-rotation
command -v moto_server >/dev/null || { echo "error: moto_server not found (pip install 'moto[server]')" >&2; exit 1; }
command -v aws >/dev/null || { echo "error: the AWS CLI is needed to seed the keys" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
moto_server -p "$port" > "$work/moto.log" 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done

# Fake credentials for moto only; nothing here reaches AWS.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
endpoint="http://127.0.0.1:$port"
create() { AWS_ENDPOINT_URL=$endpoint aws kms create-key "$@" --query KeyMetadata.KeyId --output text; }
kms() { AWS_ENDPOINT_URL=$endpoint aws kms "$@"; }
{
  id=$(create --description on); kms enable-key-rotation --key-id "$id"; echo "$id rotation-on"
  id=$(create --description off); echo "$id rotation-off"
  id=$(create --description long); kms enable-key-rotation --key-id "$id" --rotation-period-in-days 730; echo "$id every-730-days"
  id=$(create --description disabled); kms disable-key --key-id "$id"; echo "$id disabled"
  id=$(create --origin EXTERNAL --description imported); echo "$id imported-material"
  id=$(create --key-spec RSA_2048 --key-usage SIGN_VERIFY --description rsa); echo "$id asymmetric"
  id=$(create --key-spec HMAC_256 --key-usage GENERATE_VERIFY_MAC --description hmac); echo "$id hmac"
  id=$(create --description pending); kms schedule-key-deletion --key-id "$id" --pending-window-in-days 7 >/dev/null
  echo "$id pending-deletion"
} > "$work/keys.txt"

start=$(date +%s.%N)
AWS_ENDPOINT_URL=$endpoint "$venv/bin/prowler" aws -c kms_cmk_rotation_enabled -f us-east-1 --output-formats csv \
  -o "$work/prowler" --no-banner > "$work/prowler.log" 2>&1 || true
prowler_seconds=$(python3 -c "import time; print(round(time.time() - $start, 2))")
start=$(date +%s.%N)
.build/debug/kms-rotation audit --endpoint-url "$endpoint" --region us-east-1 --max-rotation-period-days 365 \
  --format json --output "$work/kms-rotation.json" || true
ours_seconds=$(python3 -c "import time; print(round(time.time() - $start, 2))")
python3 Scripts/compare-prowler.py --keys "$work/keys.txt" --prowler "$work/prowler" --ours "$work/kms-rotation.json" \
  --prowler-version "$version" --timings "$prowler_seconds" "$ours_seconds"
