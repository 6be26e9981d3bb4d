#!/usr/bin/env bash
# Dev-server benchmark: incremental and full rebuild latency and load on `radcase serve`.
#
#   bash bench/serve.sh [--cases 1000] [--edits 30] [--requests 10000] [--connections 50] [--seed 1] [--keep]
#
# Builds radcase and examples/serve_bench.rs in release, generates a text-only site of N
# cases with bench/gen_text_site.py into a temp dir under /tmp, then runs serve_bench on it:
# edits one case's Markdown E times (write -> reload event, write -> new page served), rewrites
# config.toml (full rebuild), and sends R requests over C keep-alive connections while a case
# is rewritten every 100 ms. Exits non-zero if any request fails. See bench/README.md.
set -euo pipefail

CASES=1000
EDITS=30
REQUESTS=10000
CONNECTIONS=50
SEED=1
KEEP=0

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }

while (($#)); do
    case "$1" in
        --cases) CASES=${2:?}; shift 2 ;;
        --edits) EDITS=${2:?}; shift 2 ;;
        --requests) REQUESTS=${2:?}; shift 2 ;;
        --connections) CONNECTIONS=${2:?}; shift 2 ;;
        --seed) SEED=${2:?}; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for n in "$CASES" "$EDITS" "$REQUESTS" "$CONNECTIONS" "$SEED"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done

log() { printf '==> %s\n' "$*" >&2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/radcase-serve-bench.XXXXXX)
if ((KEEP == 0)); then trap 'rm -rf "$WORK"' EXIT; fi

log "building radcase and serve_bench (release)"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin radcase --example serve_bench
TARGET=$(cargo metadata --format-version 1 --no-deps --manifest-path "$ROOT/Cargo.toml" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

log "generating $CASES cases in $WORK"
python3 "$ROOT/bench/gen_text_site.py" "$WORK" --cases "$CASES" --seed "$SEED" >/dev/null

log "nproc $(nproc); running serve_bench"
"$TARGET/release/examples/serve_bench" "$WORK/radcase" "$TARGET/release/radcase" \
    "$EDITS" "$REQUESTS" "$CONNECTIONS"
