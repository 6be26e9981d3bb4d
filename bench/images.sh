#!/usr/bin/env bash
# Image benchmark: radcase vs Hugo resizing the same large JPEGs.
#
#   bash bench/images.sh [--cases 100] [--images 4] [--size 1600] [--rounds 3] [--seed 1]
#                        [--radcase PATH] [--image-generator PATH] [--keep]
#
# Installs Hugo and GNU time from Debian if missing, builds radcase and the generator
# (examples/gen_image_site.rs) in release (unless given), generates both sites into a temp
# dir under /tmp, then runs R interleaved rounds of: the I/O floor (cp -r), radcase cold,
# radcase warm (same cache), hugo cold, hugo warm (same resources/ and cache). Prints median
# wall time, cpu and peak RSS. Exits non-zero if any build fails or writes the wrong number
# or sizes of resized files. bench/run.sh runs this as part of everything. See bench/README.md.
set -euo pipefail

CASES=100
IMAGES=4
SIZE=1600
ROUNDS=3
SEED=1
RADCASE_ARG=
GEN_ARG=
KEEP=0

usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }

while (($#)); do
    case "$1" in
        --cases | --images | --size | --rounds | --seed | --radcase | --image-generator)
            (($# >= 2)) || { echo "$1 needs a value" >&2; exit 2; }
            set -- "$1=$2" "${@:3}"
            ;;
        --cases=*) CASES=${1#*=}; shift ;;
        --images=*) IMAGES=${1#*=}; shift ;;
        --size=*) SIZE=${1#*=}; shift ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --radcase=*) RADCASE_ARG=${1#*=}; shift ;;
        --image-generator=*) GEN_ARG=${1#*=}; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

# shellcheck source=bench/tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

for opt in CASES IMAGES SIZE ROUNDS SEED; do need_number "--${opt,,}" "${!opt}"; done
((CASES >= 1 && IMAGES >= 1 && ROUNDS >= 1)) || {
    echo "--cases, --images and --rounds must be at least 1" >&2
    exit 2
}
# Both tools make a 1024 px and a 320 px wide copy; smaller sources would not be resized.
((SIZE > 1024)) || { echo "--size must be above 1024 (the large width)" >&2; exit 2; }

require_tools
use_radcase "$RADCASE_ARG"
use_image_generator "$GEN_ARG"
make_workdir radcase-imgbench "$KEEP"
start_results
image_site "$CASES" "$IMAGES" "$SIZE" "$ROUNDS"
report "$ROUNDS"
