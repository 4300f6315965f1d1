#!/usr/bin/env bash
# Measures the release `kms-rotation` binary (and Benchmarks' StreamingScan) against the loopback KMS
# stand-in (Tests/KMSRotationIntegrationTests/Support/kms_standin.py) over real HTTP, from outside:
# /usr/bin/time for wall time, CPU (user + sys) and peak RSS; the stand-in for requests, requests in
# flight, throttles and per-Region arrivals. Results go to Docs/benchmarks.md by hand.
#
#   Scripts/bench-standin.sh cpu     # 1,000 keys in 4 Regions at 20 ms: CPU per request, requests in flight
#   Scripts/bench-standin.sh busy    # 10,000 keys in 1 Region, no added latency: the CLI's and the streaming
#                                    # API's CPU per request when the event loops never idle (task-clock, 3 runs each)
#   Scripts/bench-standin.sh curve   # --concurrency 1..64, with and without a 20 request/s bucket per Region
#   Scripts/bench-standin.sh scale   # 100,000 keys in one Region: the CLI's JSON report and the streaming API
#   Scripts/bench-standin.sh streaming  # the streaming API alone (the second half of scale)
#
# KMS_ROTATION_ARGS adds options to every `audit` (e.g. KMS_ROTATION_ARGS="--http-client urlsession");
# STREAMING_SCAN_HTTP_CLIENT=urlsession makes StreamingScan send with URLSession (default NIOHTTPTransport).
#
# Needs: swift build -c release --product kms-rotation (and, for scale, the Benchmarks package's
# StreamingScan: cd Benchmarks && swift build -c release --product StreamingScan); python3; /usr/bin/time.
# The stand-in runs with --no-verify (no SigV4 check: botocore's signer would make the Python server, not
# the client, the bottleneck); the acceptance tests run it with the check.
set -euo pipefail
cd "$(dirname "$0")/.."

STANDIN=Tests/KMSRotationIntegrationTests/Support/kms_standin.py
BIN=${KMS_ROTATION_BIN:-.build/release/kms-rotation}
STREAMING=${STREAMING_SCAN_BIN:-Benchmarks/.build/release/StreamingScan}
WORK=$(mktemp -d)
STANDIN_PID=""
cleanup() {
  if [[ -n "$STANDIN_PID" ]]; then kill "$STANDIN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=AKIDSTANDINTEST AWS_SECRET_ACCESS_KEY=standin-secret-key-for-tests AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_KMS AWS_RETRY_MODE

# start_standin ARGS...: starts the stand-in, sets PORT.
start_standin() {
  python3 "$STANDIN" --no-verify --serve-forever "$@" > "$WORK/ready" 2>"$WORK/standin.err" &
  STANDIN_PID=$!
  for _ in $(seq 1 600); do
    if grep -q '"port"' "$WORK/ready" 2>/dev/null; then break; fi
    sleep 0.1
  done
  PORT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$WORK/ready")
}

stop_standin() {
  kill "$STANDIN_PID" 2>/dev/null || true
  wait "$STANDIN_PID" 2>/dev/null || true
  STANDIN_PID=""
}

# summarize LABEL RATE: one line from /usr/bin/time's output and the stand-in's counters.
summarize() {
  curl -s "http://127.0.0.1:$PORT/stats" > "$WORK/stats.json"
  python3 - "$1" "$2" "$WORK/time" "$WORK/stats.json" <<'PY'
import json, sys
label, rate, time_file, stats_file = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
wall, user, system, rss_kb = open(time_file).read().split()[-4:]
stats = json.load(open(stats_file))
cpu = float(user) + float(system)
requests = stats["requests"]
# The bucket's ideal, as issue #10 defines it: the calls the busiest Region needed (every answer that was
# not a throttle) divided by `rate`; and, stricter, less the burst a full bucket allows at the start.
needed = {region: len(times) for region, times in stats["arrivals"].items()}
busiest = max(needed.values()) if needed else 0
line = (f"{label}: wall {float(wall):.2f} s, cpu {cpu:.2f} s, requests {requests}, "
        f"{cpu / max(requests, 1) * 1e6:.0f} us cpu/request, max in flight {stats['maxInFlight']}, "
        f"throttled {stats['throttled']}, faulted {stats['faulted']}, peak RSS {int(rss_kb) / 1024:.1f} MB")
if rate > 0:
    calls = busiest - stats["throttled"] / max(len(needed), 1)
    ideal = calls / rate
    strict = max(calls - rate, 0) / rate
    line += f", ideal {ideal:.2f} s (busiest Region ~{calls:.0f} calls), ratio {float(wall) / ideal:.2f}"
    line += f" (less the burst: ideal {strict:.2f} s, ratio {float(wall) / strict:.2f})" if strict else ""
print(line, flush=True)
PY
}

# audit LABEL RATE CLI-ARGS...: runs the CLI under /usr/bin/time against the running stand-in.
audit() {
  local label=$1 rate=$2
  shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$BIN" audit --endpoint-url "http://127.0.0.1:$PORT" --format json \
    --output "$WORK/report.json" ${KMS_ROTATION_ARGS:-} "$@" || true
  summarize "$label" "$rate"
}

REGIONS4=(--region us-east-1 --region eu-west-1 --region ap-southeast-2 --region sa-east-1)

case "${1:-}" in
  cpu)
    for run in 1 2 3; do
      start_standin --regions us-east-1,eu-west-1,ap-southeast-2,sa-east-1 --keys-per-region 250 --latency 0.02 --no-truth
      audit "1,000 keys, 4 Regions, 20 ms, --concurrency 8 (run $run)" 0 "${REGIONS4[@]}"
      stop_standin
    done
    ;;
  busy)
    # perf's task-clock counts the process's own CPU time to the microsecond; /usr/bin/time's user + sys move
    # in 10 ms ticks. Each run alternates the CLI and StreamingScan against one stand-in.
    start_standin --regions us-east-1 --keys-per-region 10000 --no-truth
    requests() { curl -s "http://127.0.0.1:$PORT/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }
    cpu_ms() {
      if command -v perf > /dev/null && perf stat -x, -e task-clock true > /dev/null 2>&1; then
        perf stat -x, -e task-clock -o "$WORK/perf" "$@" > /dev/null 2>&1 || true
        grep task-clock "$WORK/perf" | cut -d, -f1
      else
        /usr/bin/time -f "%U %S" -o "$WORK/time" "$@" > /dev/null 2>&1 || true
        awk '{ print ($1 + $2) * 1000 }' "$WORK/time"
      fi
    }
    for run in 1 2 3; do
      before=$(requests)
      ms=$(cpu_ms "$BIN" audit --endpoint-url "http://127.0.0.1:$PORT" --format json --output "$WORK/report.json" \
        ${KMS_ROTATION_ARGS:-} --region us-east-1)
      n=$(( $(requests) - before ))
      python3 -c "print(f'CLI --format json, 10,000 keys, 1 Region (run $run): {float(\"$ms\") * 1000 / $n:.0f} us cpu/request ({$n} requests)')"
      if [[ -f "$STREAMING" && -x "$STREAMING" ]]; then
        before=$(requests)
        ms=$(cpu_ms "$STREAMING" "http://127.0.0.1:$PORT" us-east-1 8)
        n=$(( $(requests) - before ))
        python3 -c "print(f'StreamingScan, 10,000 keys, 1 Region (run $run): {float(\"$ms\") * 1000 / $n:.0f} us cpu/request ({$n} requests)')"
      fi
    done
    stop_standin
    ;;
  curve)
    for concurrency in 1 2 4 8 16 32 64; do
      start_standin --regions us-east-1,eu-west-1,ap-southeast-2,sa-east-1 --keys-per-region 250 --latency 0.02 --no-truth
      audit "no throttling, 1,000 keys/4 Regions, 20 ms, --concurrency $concurrency" 0 "${REGIONS4[@]}" --concurrency "$concurrency"
      stop_standin
    done
    for concurrency in 1 2 4 8 16 32 64; do
      start_standin --regions us-east-1,eu-west-1,ap-southeast-2,sa-east-1 --keys-per-region 100 --latency 0.02 --rate 20 --no-truth
      audit "20 req/s per Region, 400 keys/4 Regions, 20 ms, --concurrency $concurrency" 20 "${REGIONS4[@]}" --concurrency "$concurrency"
      stop_standin
    done
    for concurrency in 8 32; do
      start_standin --regions us-east-1,eu-west-1,ap-southeast-2,sa-east-1 --keys-per-region 100 --latency 0.02 --rate 20 \
        --fault-every 9 --no-truth
      audit "20 req/s per Region + a 500 every 9th, 400 keys/4 Regions, --concurrency $concurrency" 20 "${REGIONS4[@]}" \
        --concurrency "$concurrency"
      stop_standin
    done
    ;;
  scale)
    start_standin --regions us-east-1 --keys-per-region 100000 --no-truth
    audit "100,000 keys, 1 Region, CLI --format json, --concurrency 8" 0 --region us-east-1
    ls -l "$WORK/report.json" | awk '{ printf "  JSON report: %.1f MB\n", $5 / 1048576 }'
    stop_standin
    "$0" streaming
    ;;
  streaming)
    if [[ -f "$STREAMING" && -x "$STREAMING" ]]; then
      start_standin --regions us-east-1 --keys-per-region 100000 --no-truth
      /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$STREAMING" "http://127.0.0.1:$PORT" us-east-1 8
      summarize "100,000 keys, 1 Region, streaming API (RotationChecker.findings()), concurrency 8" 0
      stop_standin
    else
      echo "StreamingScan not built ($STREAMING): cd Benchmarks && swift build -c release --product StreamingScan" >&2
    fi
    ;;
  *)
    sed -n '2,20p' "$0"
    exit 64
    ;;
esac
