#!/usr/bin/env bash
# Cold-build benchmark: radcase vs Hugo on the same generated text-only site.
#
#   bash bench/text-sites.sh [--cases 5000] [--rounds 3] [--seed 1] [--keep]
#
# Installs Hugo and GNU time from Debian if missing, builds radcase in release, generates
# both sites into a temp dir under /tmp, then runs R interleaved rounds of cold builds
# (radcase, hugo, radcase, hugo, ...) and prints median wall time, pages/s and peak RSS.
# Exits non-zero if any build fails. See bench/README.md.
set -euo pipefail

CASES=5000
ROUNDS=3
SEED=1
KEEP=0

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }

while (($#)); do
    case "$1" in
        --cases) CASES=${2:?--cases needs a number}; shift 2 ;;
        --cases=*) CASES=${1#*=}; shift ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --seed) SEED=${2:?--seed needs a number}; shift 2 ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for n in "$CASES" "$ROUNDS" "$SEED"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
((CASES >= 1 && ROUNDS >= 1)) || { echo "--cases and --rounds must be at least 1" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=bench/tools.sh
source "$REPO/bench/tools.sh"

log "cargo build --release"
(cd "$REPO" && cargo build --release --quiet)
RADCASE="$REPO/target/release/radcase"
[[ -x $RADCASE ]] || { echo "missing $RADCASE after cargo build" >&2; exit 1; }

# --- sites ------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/radcase-bench.XXXXXX)
if ((KEEP)); then
    log "keeping $WORK"
else
    trap 'rm -rf "$WORK"' EXIT
fi
SITE="$WORK/site"
log "generating $CASES cases (seed $SEED) in $SITE"
python3 "$REPO/bench/gen_text_site.py" "$SITE" --cases "$CASES" --seed "$SEED" \
    --hugo-version "$HUGO_VERSION"

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# run_build TOOL ROUND: one cold build, appends "tool round wall_s kib html cpu_s" to RESULTS.
run_build() {
    # A new output path every run, and no deleting until the end: on ext4 (at least on
    # these VMs), creating files while a just-deleted tree is being freed is several times
    # slower and gets slower round after round, which would swamp the build times.
    local tool=$1 round=$2 out="$WORK/out-$1-$2" logf="$WORK/log-$1-$2.txt" timef="$WORK/time.txt"
    local -a cmd
    case "$tool" in
        radcase)
            cmd=("$RADCASE" build "$SITE/radcase" --output "$out")
            ;;
        hugo)
            rm -rf "$SITE/hugo/resources" "$SITE/hugo/.hugo_build.lock" "$WORK/hugo-cache"
            mkdir -p "$WORK/hugo-cache"
            cmd=(hugo --source "$SITE/hugo" --destination "$out" --cacheDir "$WORK/hugo-cache" --quiet)
            ;;
    esac
    sync # flush the previous run's writes so they are not billed to this one
    if ! /usr/bin/time -f '%e %M %U %S' -o "$timef" "${cmd[@]}" >"$logf" 2>&1; then
        echo "FAILED: $tool build (round $round): ${cmd[*]}" >&2
        tail -n 30 "$logf" >&2
        exit 1
    fi
    local secs kib usr sys html
    read -r secs kib usr sys <"$timef"
    html=0
    [[ -d $out ]] && html=$(find "$out" -type f -name '*.html' | wc -l)
    if ((html == 0)); then
        echo "FAILED: $tool wrote no HTML files (round $round)" >&2
        exit 1
    fi
    local cpu mib
    cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')
    mib=$(awk -v k="$kib" 'BEGIN { print k / 1024 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$secs" "$kib" "$html" "$cpu" >>"$RESULTS"
    printf '    round %d  %-8s %6.2f s wall  %6.2f s cpu  %7.1f MiB  %6d html\n' \
        "$round" "$tool" "$secs" "$cpu" "$mib" "$html" >&2
}

log "$ROUNDS rounds of cold builds, interleaved ($(nproc) cores)"
read -r LOAD1 _ </proc/loadavg
if awk -v l="$LOAD1" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    log "warning: load average $LOAD1 on $(nproc) cores: other work will skew the timings"
fi
for ((r = 1; r <= ROUNDS; r++)); do
    run_build radcase "$r"
    run_build hugo "$r"
done

# --- report -----------------------------------------------------------------------------
python3 - "$RESULTS" "$CASES" "$ROUNDS" "$HUGO_VERSION" <<'PY'
import statistics
import sys

path, cases, rounds, hugo_version = sys.argv[1:]
runs: dict[str, list[tuple[float, int, int, float]]] = {}
with open(path) as f:
    for line in f:
        tool, _round, secs, kib, html, cpu = line.split("\t")
        runs.setdefault(tool, []).append((float(secs), int(kib), int(html), float(cpu)))

print(f"\n{cases} cases, {rounds} cold builds per tool (hugo {hugo_version})\n")
header = (f"{'tool':<9}{'median s':>10}{'min s':>8}{'max s':>8}{'cpu s':>8}"
          f"{'html files':>12}{'pages/s':>10}{'peak RSS MiB':>14}")
print(header)
print("-" * len(header))
medians = {}
for tool in ("radcase", "hugo"):
    rs = runs[tool]
    secs = [s for s, _, _, _ in rs]
    med = statistics.median(secs)
    medians[tool] = med
    rss = statistics.median(k for _, k, _, _ in rs) / 1024
    cpu = statistics.median(c for _, _, _, c in rs)
    htmls = sorted({h for _, _, h, _ in rs})
    html = htmls[-1]
    html_txt = str(html) if len(htmls) == 1 else "/".join(map(str, htmls))
    pps = f"{html / med:.0f}" if med > 0 else "inf"
    print(f"{tool:<9}{med:>10.2f}{min(secs):>8.2f}{max(secs):>8.2f}{cpu:>8.2f}"
          f"{html_txt:>12}{pps:>10}{rss:>14.1f}")
if medians["radcase"] > 0:
    print(f"\nhugo_time / radcase_time = {medians['hugo'] / medians['radcase']:.2f}"
          "  (above 1: radcase is faster)")
else:
    print("\nhugo_time / radcase_time = n/a (radcase took under 0.01 s)")
PY
