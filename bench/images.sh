#!/usr/bin/env bash
# Image benchmark: radcase vs Hugo resizing the same large JPEGs.
#
#   bash bench/images.sh [--cases 100] [--images 4] [--size 1600] [--rounds 3] [--seed 1] [--keep]
#
# Installs Hugo and GNU time from Debian if missing, builds radcase and the generator
# (examples/gen_image_site.rs) in release, generates both sites into a temp dir under /tmp,
# then runs R interleaved rounds of: radcase cold, radcase warm (same cache), hugo cold.
# Prints median wall time, images/s and peak RSS. Exits non-zero if any build fails or
# writes the wrong number or sizes of resized files. See bench/README.md.
set -euo pipefail

CASES=100
IMAGES=4
SIZE=1600
ROUNDS=3
SEED=1
KEEP=0

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }

while (($#)); do
    case "$1" in
        --cases) CASES=${2:?--cases needs a number}; shift 2 ;;
        --cases=*) CASES=${1#*=}; shift ;;
        --images) IMAGES=${2:?--images needs a number}; shift 2 ;;
        --images=*) IMAGES=${1#*=}; shift ;;
        --size) SIZE=${2:?--size needs a number}; shift 2 ;;
        --size=*) SIZE=${1#*=}; shift ;;
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --seed) SEED=${2:?--seed needs a number}; shift 2 ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for n in "$CASES" "$IMAGES" "$SIZE" "$ROUNDS" "$SEED"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "not a number: $n" >&2; exit 2; }
done
((CASES >= 1 && IMAGES >= 1 && ROUNDS >= 1)) || {
    echo "--cases, --images and --rounds must be at least 1" >&2
    exit 2
}
# Both tools make a 1024 px and a 320 px wide copy; smaller sources would not be resized.
((SIZE > 1024)) || { echo "--size must be above 1024 (the large width)" >&2; exit 2; }

SOURCES=$((CASES * IMAGES))
EXPECTED=$((SOURCES * 2))
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# shellcheck source=bench/tools.sh
source "$REPO/bench/tools.sh"

log "cargo build --release (radcase and examples/gen_image_site.rs)"
(cd "$REPO" && cargo build --release --quiet --bin radcase --example gen_image_site)
RADCASE="$REPO/target/release/radcase"
GEN="$REPO/target/release/examples/gen_image_site"
[[ -x $RADCASE && -x $GEN ]] || die "missing $RADCASE or $GEN after cargo build"

# --- sites ------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/radcase-imgbench.XXXXXX)
if ((KEEP)); then
    log "keeping $WORK"
else
    trap 'rm -rf "$WORK"' EXIT
fi
SITE="$WORK/site"
log "generating $CASES cases × $IMAGES JPEGs of ${SIZE}×${SIZE} px (seed $SEED) in $SITE"
"$GEN" "$SITE" --cases "$CASES" --images "$IMAGES" --size "$SIZE" --seed "$SEED" >&2
SOURCE_BYTES=$(du -sb "$SITE/radcase/content" | cut -f1)

# Hugo's own view of its imaging settings (key names differ between versions: check them).
HUGO_IMAGING=$(hugo config --source "$SITE/hugo" | grep -i 'imaging' | head -n 3 || true)
log "hugo config: ${HUGO_IMAGING:-<no imaging line>}"
if ! grep -qi 'lanczos' <<<"$HUGO_IMAGING" || ! grep -q '82' <<<"$HUGO_IMAGING"; then
    log "warning: hugo does not report quality 82 / Lanczos: check [imaging] for hugo $HUGO_VERSION"
fi

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# count_resized OUT: JPEG files under OUT/cases (the sources are never published).
count_resized() { find "$1/cases" -type f \( -name '*.jpg' -o -name '*.jpeg' \) | wc -l; }

# run_build KIND ROUND: one build, timed; appends "kind round wall_s kib cpu_s resized out".
#   radcase-cold: fresh empty cache dir, fresh output
#   radcase-warm: the cache the cold build of this round filled, fresh output
#   hugo-cold:    no resources/_gen, fresh empty --cacheDir, fresh destination
run_build() {
    # New output paths every run, deleted only at the end: on ext4 (at least on these
    # VMs), writing while a just-deleted tree is being freed is much slower.
    local kind=$1 round=$2 out="$WORK/out-$1-$2" logf="$WORK/log-$1-$2.txt" timef="$WORK/time.txt"
    local -a cmd
    case "$kind" in
        radcase-cold)
            mkdir "$WORK/cache-radcase-$round"
            cmd=("$RADCASE" build "$SITE/radcase" --output "$out" --cache-dir "$WORK/cache-radcase-$round")
            ;;
        radcase-warm)
            cmd=("$RADCASE" build "$SITE/radcase" --output "$out" --cache-dir "$WORK/cache-radcase-$round")
            ;;
        hugo-cold)
            rm -rf "$SITE/hugo/resources" "$SITE/hugo/.hugo_build.lock"
            mkdir "$WORK/cache-hugo-$round"
            cmd=(hugo --source "$SITE/hugo" --destination "$out" --cacheDir "$WORK/cache-hugo-$round" --quiet)
            ;;
    esac
    sync # flush the previous run's writes so they are not billed to this one
    if ! /usr/bin/time -f '%e %M %U %S' -o "$timef" "${cmd[@]}" >"$logf" 2>&1; then
        tail -n 30 "$logf" >&2
        die "$kind build (round $round): ${cmd[*]}"
    fi
    local secs kib usr sys resized
    read -r secs kib usr sys <"$timef"
    resized=0
    [[ -d $out/cases ]] && resized=$(count_resized "$out")
    ((resized == EXPECTED)) ||
        die "$kind (round $round) wrote $resized resized JPEGs under $out/cases, expected $EXPECTED ($SOURCES sources × 2 widths)"
    if [[ $kind == radcase-* ]]; then
        # "N images: X processed, Y from the cache"
        local summary processed cached
        summary=$(grep -oE '[0-9]+ images: [0-9]+ processed, [0-9]+ from the cache' "$logf" || true)
        [[ -n $summary ]] || die "$kind (round $round): no image summary in its output ($logf)"
        read -r _ _ processed _ cached _ <<<"${summary//,/}"
        if [[ $kind == radcase-cold ]] && ((processed != SOURCES)); then
            die "radcase cold build (round $round) processed $processed images, expected $SOURCES: $summary"
        fi
        if [[ $kind == radcase-warm ]] && ((processed != 0 || cached != SOURCES)); then
            die "radcase warm build (round $round) did not take every image from the cache: $summary"
        fi
    fi
    local cpu mib
    cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')
    mib=$(awk -v k="$kib" 'BEGIN { print k / 1024 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$round" "$secs" "$kib" "$cpu" "$resized" "$out" >>"$RESULTS"
    printf '    round %d  %-13s %7.2f s wall  %7.2f s cpu  %7.1f MiB  %5d resized\n' \
        "$round" "$kind" "$secs" "$cpu" "$mib" "$resized" >&2
}

# busy_percent: how busy the CPUs are over the next 2 seconds (the load average would still
# count the generator that just finished).
busy_percent() {
    local -a a b
    read -r -a a </proc/stat
    sleep 2
    read -r -a b </proc/stat
    awk -v u1="${a[1]}" -v n1="${a[2]}" -v s1="${a[3]}" -v i1="${a[4]}" -v w1="${a[5]:-0}" \
        -v q1="${a[6]:-0}" -v x1="${a[7]:-0}" -v t1="${a[8]:-0}" \
        -v u2="${b[1]}" -v n2="${b[2]}" -v s2="${b[3]}" -v i2="${b[4]}" -v w2="${b[5]:-0}" \
        -v q2="${b[6]:-0}" -v x2="${b[7]:-0}" -v t2="${b[8]:-0}" 'BEGIN {
            busy = (u2 + n2 + s2 + q2 + x2 + t2) - (u1 + n1 + s1 + q1 + x1 + t1)
            idle = (i2 + w2) - (i1 + w1)
            printf "%.0f", (busy + idle > 0) ? 100 * busy / (busy + idle) : 0 }'
}

log "$ROUNDS rounds, interleaved: radcase cold, radcase warm, hugo cold ($(nproc) cores)"
BUSY=$(busy_percent)
if ((BUSY > 20)); then
    log "warning: the CPUs are ${BUSY}% busy with other work: it will skew the timings"
fi
for ((r = 1; r <= ROUNDS; r++)); do
    run_build radcase-cold "$r"
    run_build radcase-warm "$r"
    run_build hugo-cold "$r"
done

# --- report -----------------------------------------------------------------------------
python3 - "$RESULTS" "$CASES" "$IMAGES" "$SIZE" "$ROUNDS" "$HUGO_VERSION" "$SOURCE_BYTES" "$(nproc)" <<'PY'
import statistics
import struct
import sys
from collections import Counter
from pathlib import Path

path, cases, images, size, rounds, hugo_version, source_bytes, cores = sys.argv[1:]
sources = int(cases) * int(images)


def jpeg_width(p: Path) -> int:
    """Width from the first SOF marker of a JPEG."""
    with open(p, "rb") as f:
        data = f.read(1 << 16)
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 2 if marker != 0xFF else 1
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return struct.unpack(">H", data[i + 7:i + 9])[0]
        i += 2 + length
    return 0


runs: dict[str, list[tuple[float, int, float]]] = {}
failed = False
with open(path) as f:
    for line in f:
        kind, rnd, secs, kib, cpu, resized, out = line.rstrip("\n").split("\t")
        runs.setdefault(kind, []).append((float(secs), int(kib), float(cpu)))
        widths = Counter(jpeg_width(p) for p in Path(out, "cases").rglob("*.jp*g"))
        if widths != Counter({1024: sources, 320: sources}):
            print(f"FAILED: {kind} round {rnd}: widths of the resized JPEGs are {dict(widths)}, "
                  f"expected {{1024: {sources}, 320: {sources}}}", file=sys.stderr)
            failed = True
if failed:
    sys.exit(1)

print(f"\n{sources} source JPEGs ({cases} cases × {images}, {size}×{size} px, {int(source_bytes) / 1e6:.0f} MB), "
      f"each resized to 1024 and 320 px wide, JPEG quality 82, Lanczos; "
      f"{rounds} rounds, hugo {hugo_version}, {cores} cores\n")
header = (f"{'build':<14}{'median s':>10}{'min s':>8}{'max s':>8}{'cpu s':>8}"
          f"{'images/s':>10}{'peak RSS MiB':>14}{'resized':>9}")
print(header)
print("-" * len(header))
medians = {}
for kind in ("radcase-cold", "radcase-warm", "hugo-cold"):
    rs = runs[kind]
    secs = [s for s, _, _ in rs]
    med = statistics.median(secs)
    medians[kind] = med
    rss = statistics.median(k for _, k, _ in rs) / 1024
    cpu = statistics.median(c for _, _, c in rs)
    ips = f"{sources / med:.1f}" if med > 0 else "inf"
    print(f"{kind:<14}{med:>10.2f}{min(secs):>8.2f}{max(secs):>8.2f}{cpu:>8.2f}"
          f"{ips:>10}{rss:>14.1f}{2 * sources:>9}")

rc, rw, hc = medians["radcase-cold"], medians["radcase-warm"], medians["hugo-cold"]
print()
if rc > 0:
    ratio = hc / rc
    verdict = "met" if ratio >= 4 else "NOT met"
    print(f"hugo_cold / radcase_cold = {ratio:.2f}   (target >= 4: {verdict})")
    pct = 100 * rw / rc
    verdict = "met" if pct < 5 else "NOT met"
    print(f"radcase warm / radcase cold = {pct:.1f} %   (target < 5 %: {verdict})")
else:
    print("radcase cold build took under 0.01 s: no ratios")
PY
