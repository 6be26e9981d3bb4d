#!/usr/bin/env bash
# Cold-build benchmark: radcase vs Hugo on the same generated text-only site.
#
#   bash bench/text-sites.sh [--cases 5000] [--rounds 3] [--seed 1] [--radcase PATH] [--keep]
#
# Installs Hugo and GNU time from Debian if missing, builds radcase in release (unless
# --radcase is given), generates both sites into a temp dir under /tmp, then runs R
# interleaved rounds of cold builds (radcase with a new empty cache, hugo) and prints median
# wall time, cpu and peak RSS. Exits non-zero if any build fails. bench/run.sh runs this and
# more (warm builds, Hugo with share cards, images, serve). See bench/README.md.
set -euo pipefail

CASES=5000
ROUNDS=3
SEED=1
RADCASE_ARG=
KEEP=0

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; }

while (($#)); do
    case "$1" in
        --cases | --rounds | --seed | --radcase)
            (($# >= 2)) || { echo "$1 needs a value" >&2; exit 2; }
            set -- "$1=$2" "${@:3}"
            ;;
        --cases=*) CASES=${1#*=}; shift ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --radcase=*) RADCASE_ARG=${1#*=}; shift ;;
        --keep) KEEP=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

# shellcheck source=bench/tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

need_number --cases "$CASES"
need_number --rounds "$ROUNDS"
need_number --seed "$SEED"
((CASES >= 1 && ROUNDS >= 1)) || { echo "--cases and --rounds must be at least 1" >&2; exit 2; }

require_tools
use_radcase "$RADCASE_ARG"
make_workdir radcase-bench "$KEEP"
start_results
text_site "$CASES" "$ROUNDS" 0 radcase-cold hugo-cold
report "$ROUNDS"
