#!/usr/bin/env bash
# The whole benchmark in one command: radcase vs Hugo on text sites and an image site, the
# I/O floor of each, and `radcase serve` start-to-first-page, with the targets checked.
#
#   bash bench/run.sh [--seed 1] [--text 1000,10000] [--images 200] [--rounds 3]
#                     [--hugo-cards-max 1000] [--serve-cases 1000]
#                     [--radcase PATH] [--image-generator PATH] [--keep]
#
# --text: text site sizes in cases (comma-separated, "" or 0 for none); --images: cases of
# the image site (4 JPEGs of 1600x1600 px each; 0 skips it); --hugo-cards-max: above this
# many cases, Hugo with share cards is skipped (about 100 s per 1,000 pages); --serve-cases:
# the text site serve is timed on (0 skips); --radcase / --image-generator: use these
# binaries instead of building them with cargo. Exits non-zero if a build fails or writes
# the wrong output; targets not met are reported, not failures. See bench/README.md.
set -euo pipefail

SEED=1
TEXT=1000,10000
IMAGES=200
ROUNDS=3
HUGO_CARDS_MAX=1000
SERVE_CASES=1000
RADCASE_ARG=
GEN_ARG=
KEEP=0

usage() { sed -n '2,14s/^# \{0,1\}//p' "$0"; }

while (($#)); do
    case "$1" in
        --seed | --text | --images | --rounds | --hugo-cards-max | --serve-cases | --radcase | --image-generator)
            (($# >= 2)) || { echo "$1 needs a value" >&2; exit 2; }
            set -- "$1=$2" "${@:3}"
            ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --text=*) TEXT=${1#*=}; shift ;;
        --images=*) IMAGES=${1#*=}; shift ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --hugo-cards-max=*) HUGO_CARDS_MAX=${1#*=}; shift ;;
        --serve-cases=*) SERVE_CASES=${1#*=}; shift ;;
        --radcase=*) RADCASE_ARG=${1#*=}; shift ;;
        --image-generator=*) GEN_ARG=${1#*=}; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

# shellcheck source=bench/tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

for opt in SEED IMAGES ROUNDS HUGO_CARDS_MAX SERVE_CASES; do
    need_number "--$(tr '[:upper:]_' '[:lower:]-' <<<"$opt")" "${!opt}"
done
((ROUNDS >= 1)) || { echo "--rounds must be at least 1" >&2; exit 2; }
TEXT_SIZES=()
IFS=, read -r -a _sizes <<<"$TEXT"
for n in "${_sizes[@]}"; do
    need_number --text "$n"
    if ((n > 0)); then TEXT_SIZES+=("$n"); fi
done

require_tools
use_radcase "$RADCASE_ARG"
if ((IMAGES > 0)); then use_image_generator "$GEN_ARG"; fi
make_workdir radcase-run "$KEEP"
start_results
log "$ROUNDS rounds, seed $SEED, $(nproc) cores, work dir $WORK"

# --- text sites --------------------------------------------------------------------------
for n in "${TEXT_SIZES[@]}"; do
    text_site "$n" "$ROUNDS" "$HUGO_CARDS_MAX"
done

# --- radcase serve: start to first page, empty cache -----------------------------------------
if ((SERVE_CASES > 0)); then
    site="serve-$SERVE_CASES" dir="$WORK/text-$SERVE_CASES"
    if [[ ! -d $dir/radcase ]]; then gen_text "$dir" "$SERVE_CASES" 0; fi
    meta_site "$site" serve "$SERVE_CASES" "radcase serve on the $SERVE_CASES-case text site, empty cache"
    warn_if_busy
    log "$site: $ROUNDS rounds of radcase serve start to first page"
    for ((r = 1; r <= ROUNDS; r++)); do
        mkdir "$dir/cache-serve-$r"
        sync
        secs=$(python3 "$BENCH_DIR/first_page.py" "$RADCASE" "$dir/radcase" "$dir/cache-serve-$r" \
            "$dir/log-serve-$r.txt") || die "$site (round $r): radcase serve ($dir/log-serve-$r.txt)"
        read -r first url_line <<<"$secs"
        record "$site" serve-first-page "$r" "$first" 0 0 0
        printf '    %-12s round %d  first page %.2f s (address printed at %.2f s)\n' "$site" "$r" "$first" "$url_line" >&2
    done
fi

# --- image site ------------------------------------------------------------------------------
if ((IMAGES > 0)); then
    image_site "$IMAGES" 4 1600 "$ROUNDS"
fi

# --- report ------------------------------------------------------------------------------
report "$ROUNDS"
