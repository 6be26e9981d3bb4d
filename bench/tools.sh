# shellcheck shell=bash
# Shared by the benchmark scripts (sourced, not run): logging, installing the tools the
# comparison needs from Debian's packages when they are missing, building (or taking) the
# binaries, the temp dir, the busy-machine warning, timing one build and reading radcase's
# summary line. Nothing runs when sourced: every script calls what it needs.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# need_number NAME VALUE: exits 2 unless VALUE is a non-negative integer.
need_number() {
    [[ $2 =~ ^[0-9]+$ ]] || { echo "$1: not a number: $2" >&2; exit 2; }
}

SUDO=()
if ((EUID != 0)) && command -v sudo >/dev/null; then SUDO=(sudo); fi
APT_UPDATED=0
apt_install() {
    if ((APT_UPDATED == 0)); then
        "${SUDO[@]}" apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "$@" >/dev/null
}

# require_tools: Hugo and GNU time from Debian if missing, python3 present; sets HUGO_VERSION.
require_tools() {
    if ! command -v hugo >/dev/null; then
        log "installing hugo (Debian package)"
        apt_install hugo
    fi
    if [[ ! -x /usr/bin/time ]]; then
        log "installing GNU time (Debian package)"
        apt_install time
    fi
    command -v python3 >/dev/null || die "python3 is required"
    HUGO_VERSION=$(hugo version | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n1 | tr -d v)
    export HUGO_VERSION
    log "hugo $HUGO_VERSION"
}

# cargo_target_dir: where cargo puts this repo's binaries (honours CARGO_TARGET_DIR).
cargo_target_dir() {
    cargo metadata --format-version 1 --no-deps --manifest-path "$REPO/Cargo.toml" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

# use_radcase [PATH]: sets RADCASE to PATH, or builds radcase in release when PATH is empty.
use_radcase() {
    if [[ -n ${1:-} ]]; then
        [[ -x $1 && ! -d $1 ]] || die "--radcase $1: not an executable file"
        RADCASE=$(realpath "$1")
    else
        log "cargo build --release --bin radcase"
        (cd "$REPO" && cargo build --release --quiet --bin radcase)
        RADCASE="$(cargo_target_dir)/release/radcase"
        [[ -x $RADCASE ]] || die "missing $RADCASE after cargo build"
    fi
    log "radcase: $RADCASE ($("$RADCASE" --version))"
}

# use_image_generator [PATH]: sets GEN to PATH, or builds examples/gen_image_site.rs in
# release when PATH is empty.
use_image_generator() {
    if [[ -n ${1:-} ]]; then
        [[ -x $1 && ! -d $1 ]] || die "--image-generator $1: not an executable file"
        GEN=$(realpath "$1")
    else
        log "cargo build --release --example gen_image_site"
        (cd "$REPO" && cargo build --release --quiet --example gen_image_site)
        GEN="$(cargo_target_dir)/release/examples/gen_image_site"
        [[ -x $GEN ]] || die "missing $GEN after cargo build"
    fi
}

# make_workdir NAME KEEP: sets WORK to a new temp dir under /tmp, deleted at exit unless KEEP is 1.
make_workdir() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    if (($2)); then
        log "keeping $WORK"
    else
        # shellcheck disable=SC2064 # expand WORK now: it is the dir to delete
        trap "rm -rf '$WORK'" EXIT
    fi
}

# busy_percent: how busy the CPUs are over the next 2 seconds (the load average would still
# count work that just finished, such as generating the site).
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

# warn_if_busy: a warning when other work is running (both tools use every core, so it skews
# the timings): the CPUs more than 20 % busy over 2 s, or a load average above half the cores.
warn_if_busy() {
    local load busy cores
    cores=$(nproc)
    read -r load _ </proc/loadavg
    busy=$(busy_percent)
    if ((busy > 20)) || awk -v l="$load" -v n="$cores" 'BEGIN { exit !(l > n / 2) }'; then
        log "warning: the machine is busy (CPUs ${busy}% busy, load average $load on $cores cores): other work will skew the timings"
    fi
}

# timed LABEL LOG CMD...: runs CMD once under GNU time, its stdout and stderr to LOG, after a
# sync (so the previous run's writes are not billed to it). Exits if CMD fails. Sets T_WALL
# (s), T_KIB (peak RSS), T_USR, T_SYS and T_CPU (user + system s).
timed() {
    local label=$1 logf=$2
    shift 2
    sync
    if ! /usr/bin/time -f '%e %M %U %S' -o "$logf.time" "$@" >"$logf" 2>&1; then
        tail -n 30 "$logf" >&2
        die "$label: $*"
    fi
    read -r T_WALL T_KIB T_USR T_SYS <"$logf.time"
    T_CPU=$(awk -v u="$T_USR" -v s="$T_SYS" 'BEGIN { print u + s }')
}

# hugo_fresh SITE CACHE: what a cold Hugo build starts from: no resources/ (processed
# images), no build lock, a new empty cache dir.
hugo_fresh() {
    rm -rf "$1/resources" "$1/.hugo_build.lock" "$2"
    mkdir -p "$2"
}

# radcase_summary LOG: reads radcase's last line,
#   "Built P pages in S sections (F files, N images: X processed, Y from the cache,
#    C share cards: D drawn, E from the cache) into OUT in T ms"
# and sets RS_IMAGES, RS_PROCESSED, RS_IMAGES_CACHED, RS_CARDS, RS_DRAWN, RS_CARDS_CACHED
# (the share card ones are -1 when a radcase that has no share cards wrote the line).
radcase_summary() {
    local line re
    line=$(grep -E '^Built [0-9]+ pages' "$1" | tail -n 1 || true)
    re='([0-9]+) images: ([0-9]+) processed, ([0-9]+) from the cache(, ([0-9]+) share cards: ([0-9]+) drawn, ([0-9]+) from the cache)?'
    [[ $line =~ $re ]] || die "no summary line (\"Built N pages ... N images: ...\") in $1"
    RS_IMAGES=${BASH_REMATCH[1]}
    RS_PROCESSED=${BASH_REMATCH[2]}
    RS_IMAGES_CACHED=${BASH_REMATCH[3]}
    RS_CARDS=${BASH_REMATCH[5]:--1}
    RS_DRAWN=${BASH_REMATCH[6]:--1}
    RS_CARDS_CACHED=${BASH_REMATCH[7]:--1}
}

# check_radcase_images LABEL LOG SOURCES cold|warm: a cold build processes every source
# image, a warm one takes every one from the cache.
check_radcase_images() {
    radcase_summary "$2"
    local got="$RS_IMAGES images: $RS_PROCESSED processed, $RS_IMAGES_CACHED from the cache"
    if [[ $4 == cold ]] && ((RS_IMAGES != $3 || RS_PROCESSED != $3)); then
        die "$1 processed $RS_PROCESSED of $RS_IMAGES images, expected all $3: $got"
    fi
    if [[ $4 == warm ]] && ((RS_IMAGES != $3 || RS_PROCESSED != 0 || RS_IMAGES_CACHED != $3)); then
        die "$1 did not take every one of $3 images from the cache: $got"
    fi
}

# count_resized OUT: JPEG files under OUT/cases (the image sites never publish the sources).
count_resized() {
    [[ -d $1/cases ]] || { echo 0; return; }
    find "$1/cases" -type f \( -name '*.jpg' -o -name '*.jpeg' \) | wc -l
}

# count_html OUT: .html files under OUT.
count_html() {
    [[ -d $1 ]] || { echo 0; return; }
    find "$1" -type f -name '*.html' | wc -l
}

# --- runs and results ------------------------------------------------------------------
# The functions below use these globals: RADCASE (use_radcase), HUGO_VERSION (require_tools),
# WORK (make_workdir), SEED, RESULTS and META (start_results) and, for image sites,
# IMAGES_PER_CASE.

# start_results: empty RESULTS (one line per timed run: site, variant, round, wall s, peak
# RSS KiB, cpu s, files) and META (site descriptions, skipped variants, extra lines) in WORK.
start_results() {
    RESULTS="$WORK/results.tsv"
    META="$WORK/meta.tsv"
    : >"$RESULTS"
    : >"$META"
}

# record SITE VARIANT ROUND WALL_S PEAK_KIB CPU_S FILES: one line of RESULTS.
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# meta_site NAME KIND N DESCRIPTION, meta_skip NAME VARIANT REASON, meta_line NAME TEXT:
# what report.py prints besides the runs (KIND: text, images or serve).
meta_site() { printf 'site\t%s\t%s\t%s\t%s\n' "$@" >>"$META"; }
meta_skip() { printf 'skip\t%s\t%s\t%s\n' "$@" >>"$META"; }
meta_line() { printf 'line\t%s\t%s\n' "$@" >>"$META"; }

# report ROUNDS: per site, the table of medians and the targets (bench/report.py).
report() { python3 "$BENCH_DIR/report.py" "$RESULTS" "$META" "$1" "$HUGO_VERSION" "$(nproc)"; }

# gen_text DIR N CARDS: the radcase and hugo sites (and with CARDS=1 hugo-cards) of N text
# cases in DIR, from SEED.
gen_text() {
    local -a flags=()
    if (($3)); then flags=(--hugo-cards); fi
    log "generating $2 text cases (seed $SEED) in $1"
    python3 "$BENCH_DIR/gen_text_site.py" "$1" --cases "$2" --seed "$SEED" \
        --hugo-version "$HUGO_VERSION" "${flags[@]}"
}

# gen_images DIR CASES PER_CASE SIZE: the radcase and hugo image sites in DIR (GEN from
# use_image_generator), from SEED; warns when Hugo does not report the imaging settings the
# comparison needs (its key names differ between versions).
gen_images() {
    log "generating $2 cases × $3 JPEGs of ${4}×${4} px (seed $SEED) in $1"
    "$GEN" "$1" --cases "$2" --images "$3" --size "$4" --seed "$SEED" >&2
    local imaging
    imaging=$(hugo config --source "$1/hugo" | grep -i 'imaging' | head -n 3 || true)
    log "hugo config: ${imaging:-<no imaging line>}"
    if ! grep -qi 'lanczos' <<<"$imaging" || ! grep -q '82' <<<"$imaging"; then
        log "warning: hugo does not report quality 82 / Lanczos: check [imaging] for hugo $HUGO_VERSION"
    fi
}

# verbose_lines SITE LOG: radcase -v's share card timings in LOG, as report lines of SITE.
verbose_lines() {
    local stage
    while read -r stage; do
        meta_line "$1" "radcase -v, cold build of round 1: $stage"
    done < <(grep -E '^ +(share cards|drawing one share card) ' "$2" | tr -s ' ' | sed 's/^ //')
}

# run_variant SITE DIR VARIANT ROUND KIND N: one timed run of VARIANT on the sites in DIR
# (DIR/radcase, DIR/hugo, DIR/hugo-cards), a new output folder each time (deleted only at the
# end: on ext4 here, writing while a just-deleted tree is being freed is much slower), then
# checks its output. KIND is text (N cases) or images (N source JPEGs).
#   floor             cp -r DIR/radcase/content to a new folder
#   radcase-cold      radcase -v build, new empty --cache-dir
#   radcase-warm      the same with the cache the cold build of this round filled
#   hugo[-cards]-cold no resources/, no build lock, new empty --cacheDir
#   hugo[-cards]-warm the same --cacheDir and resources/ the cold build of this round left
run_variant() {
    local site=$1 dir=$2 variant=$3 r=$4 kind=$5 n=$6
    local out="$dir/out-$3-$4" logf="$dir/log-$3-$4.txt" hsite=hugo count
    local -a cmd
    if [[ $variant == hugo-cards-* ]]; then hsite=hugo-cards; fi
    case "$variant" in
        floor)
            cmd=(cp -r "$dir/radcase/content" "$out")
            ;;
        radcase-cold | radcase-warm)
            if [[ $variant == radcase-cold ]]; then mkdir "$dir/cache-radcase-$r"; fi
            cmd=("$RADCASE" -v build "$dir/radcase" --output "$out" --cache-dir "$dir/cache-radcase-$r")
            ;;
        hugo-cold | hugo-warm | hugo-cards-cold | hugo-cards-warm)
            if [[ $variant == *-cold ]]; then hugo_fresh "$dir/$hsite" "$dir/cache-$hsite-$r"; fi
            cmd=(hugo --source "$dir/$hsite" --destination "$out" --cacheDir "$dir/cache-$hsite-$r" --quiet)
            ;;
        *) die "unknown variant $variant" ;;
    esac
    timed "$site $variant (round $r)" "$logf" "${cmd[@]}"
    local label="$site $variant (round $r)" temp=${variant##*-}
    case "$kind:$variant" in
        *:floor)
            count=$(find "$out" -type f | wc -l)
            ((count > 0)) || die "$label copied no files"
            ;;
        text:*)
            count=$(count_html "$out")
            ((count > 0)) || die "$label wrote no HTML files into $out"
            ;;
        images:*)
            count=$(count_resized "$out")
            ((count == 2 * n)) ||
                die "$label wrote $count resized JPEGs under $out/cases, expected $((2 * n)) ($n sources × 2 widths)"
            python3 "$BENCH_DIR/imgsize.py" sizes "$out/cases" '*.jp*g' "1024x*=$n,320x*=$n" >"$logf.sizes" ||
                die "$label: $(cat "$logf.sizes")"
            ;;
    esac
    case "$kind:$variant" in
        *:radcase-*)
            # text: N cases, no images; images: N sources, IMAGES_PER_CASE a case
            local cases=$n sources=0
            if [[ $kind == images ]]; then cases=$((n / IMAGES_PER_CASE)) sources=$n; fi
            check_radcase_images "$label" "$logf" "$sources" "$temp"
            ((RS_CARDS >= 0)) || die "$label: radcase's summary line names no share cards ($logf)"
            # One card per case, and the site's own card (the home page's and the lists').
            local cards=$((cases + 1))
            ((RS_CARDS == cards)) ||
                die "$label made $RS_CARDS share cards, expected one per case and the site's ($cards)"
            if [[ $temp == cold ]] && ((RS_DRAWN != cards)); then
                die "$label drew $RS_DRAWN of $RS_CARDS share cards, expected all"
            fi
            if [[ $temp == warm ]] && ((RS_DRAWN != 0 || RS_CARDS_CACHED != cards)); then
                die "$label did not take every share card from the cache: $RS_DRAWN drawn, $RS_CARDS_CACHED from the cache"
            fi
            ;;&
        text:radcase-* | text:hugo-cards-*)
            python3 "$BENCH_DIR/imgsize.py" og-images "$out" "$n" 1200x630 >"$logf.cards" ||
                die "$label: share cards: $(cat "$logf.cards")"
            ;;
    esac
    record "$site" "$variant" "$r" "$T_WALL" "$T_KIB" "$T_CPU" "$count"
    printf '    %-12s round %d  %-16s %8.2f s wall %8.2f s cpu %8.1f MiB %7d files\n' "$site" "$r" "$variant" \
        "$T_WALL" "$T_CPU" "$(awk -v k="$T_KIB" 'BEGIN { print k / 1024 }')" "$count" >&2
}

# skip_unlisted SITE REASON ALL_VARIANTS -- LISTED_VARIANTS: a skip record for every variant
# of ALL not in LISTED.
skip_unlisted() {
    local site=$1 reason=$2 v
    shift 2
    local -a all=()
    while (($#)) && [[ $1 != -- ]]; do all+=("$1"); shift; done
    shift
    for v in "${all[@]}"; do
        [[ " $* " == *" $v "* ]] || meta_skip "$site" "$v" "$reason"
    done
}

TEXT_VARIANTS=(floor radcase-cold radcase-warm hugo-cold hugo-warm hugo-cards-cold hugo-cards-warm)
IMAGE_VARIANTS=(floor radcase-cold radcase-warm hugo-cold hugo-warm)

# text_site N ROUNDS CARDS_MAX [VARIANT...]: generates the N-case text sites in WORK/text-N
# and runs ROUNDS interleaved rounds of the variants (default: all of TEXT_VARIANTS); Hugo
# with cards only up to CARDS_MAX cases. Sets SITE_DIR.
text_site() {
    local n=$1 rounds=$2 cards_max=$3 site="text-$1" r v cards=0
    shift 3
    local -a variants=("$@") kept=()
    ((${#variants[@]})) || variants=("${TEXT_VARIANTS[@]}")
    SITE_DIR="$WORK/text-$n"
    meta_site "$site" text "$n" "$n cases, seed $SEED"
    for v in "${variants[@]}"; do
        if [[ $v != hugo-cards-* ]]; then
            kept+=("$v")
        elif ((n <= cards_max)); then
            kept+=("$v")
            cards=1
        else
            meta_skip "$site" "$v" "skipped: $n cases > --hugo-cards-max $cards_max"
        fi
    done
    skip_unlisted "$site" "not run by ${0##*/}" "${TEXT_VARIANTS[@]}" -- "${variants[@]}"
    variants=("${kept[@]}")
    gen_text "$SITE_DIR" "$n" "$cards"
    warn_if_busy
    log "$site: $rounds rounds of ${variants[*]}"
    for ((r = 1; r <= rounds; r++)); do
        for v in "${variants[@]}"; do run_variant "$site" "$SITE_DIR" "$v" "$r" text "$n"; done
    done
    if [[ -f $SITE_DIR/log-radcase-cold-1.txt ]]; then
        verbose_lines "$site" "$SITE_DIR/log-radcase-cold-1.txt"
    fi
    for v in radcase-cold hugo-cards-cold; do
        if [[ -f $SITE_DIR/log-$v-1.txt.cards ]]; then
            meta_line "$site" "share cards of $v, round 1: $(cat "$SITE_DIR/log-$v-1.txt.cards")"
        fi
    done
}

# image_site CASES PER_CASE SIZE ROUNDS [VARIANT...]: generates the image sites in
# WORK/images-CASES and runs ROUNDS interleaved rounds of the variants (default: all of
# IMAGE_VARIANTS). Sets IMAGES_PER_CASE and SITE_DIR.
image_site() {
    local cases=$1 size=$3 rounds=$4 site="images-$1" r v
    IMAGES_PER_CASE=$2
    shift 4
    local -a variants=("$@")
    ((${#variants[@]})) || variants=("${IMAGE_VARIANTS[@]}")
    local sources=$((cases * IMAGES_PER_CASE))
    SITE_DIR="$WORK/images-$cases"
    gen_images "$SITE_DIR" "$cases" "$IMAGES_PER_CASE" "$size"
    meta_site "$site" images "$sources" "$cases cases × $IMAGES_PER_CASE JPEGs of $size px \
($(du -sm "$SITE_DIR/radcase/content" | cut -f1) MB), resized to 1024 and 320 px wide, quality 82, Lanczos"
    skip_unlisted "$site" "not run by ${0##*/}" "${IMAGE_VARIANTS[@]}" -- "${variants[@]}"
    warn_if_busy
    log "$site: $rounds rounds of ${variants[*]}"
    for ((r = 1; r <= rounds; r++)); do
        for v in "${variants[@]}"; do run_variant "$site" "$SITE_DIR" "$v" "$r" images "$sources"; done
    done
}
