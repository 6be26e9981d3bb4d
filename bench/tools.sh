# Shared by the benchmark scripts (sourced, not run): logging, and installing the tools the
# comparison needs from Debian's packages when they are missing. Sets HUGO_VERSION.

log() { printf '==> %s\n' "$*" >&2; }

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

if ! command -v hugo >/dev/null; then
    log "installing hugo (Debian package)"
    apt_install hugo
fi
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time (Debian package)"
    apt_install time
fi
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }

HUGO_VERSION=$(hugo version | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n1 | tr -d v)
export HUGO_VERSION
log "hugo $HUGO_VERSION"
