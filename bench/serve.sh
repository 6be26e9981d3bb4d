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
# shellcheck source=bench/tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

for opt in CASES EDITS REQUESTS CONNECTIONS SEED; do need_number "--${opt,,}" "${!opt}"; done
make_workdir radcase-serve-bench "$KEEP"

log "building radcase and serve_bench (release)"
(cd "$REPO" && cargo build --release --quiet --bin radcase --example serve_bench)
TARGET=$(cargo_target_dir)

log "generating $CASES cases in $WORK"
python3 "$BENCH_DIR/gen_text_site.py" "$WORK" --cases "$CASES" --seed "$SEED" >/dev/null

log "nproc $(nproc); running serve_bench"
"$TARGET/release/examples/serve_bench" "$WORK/radcase" "$TARGET/release/radcase" \
    "$EDITS" "$REQUESTS" "$CONNECTIONS"
