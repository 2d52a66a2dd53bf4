# shellcheck shell=bash
# Shared helpers for the ntmm scripts: the cache location and package checks.

NTMM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NTMM_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ntmm
JOBS=$(nproc)

die() { echo "${0##*/}: $*" >&2; exit 1; }
log() { echo "[${0##*/}] $*" >&2; }

# need_pkgs PKG...: install missing Debian packages when root, else name them.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing Debian packages: ${missing[*]} (apt-get install them, or run as root)"
	fi
	log "installing: ${missing[*]}"
	# A fresh machine may never have fetched the package lists.
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
			die "apt-get install ${missing[*]} failed"
	fi
}

# Packages every VM run needs on the host.
VM_HOST_PKGS=(qemu-system-x86 busybox-static cpio kmod gcc make libc6-dev)
# Packages the debug kernel build needs.
KERNEL_BUILD_PKGS=(linux-source-6.12 bc bison flex libelf-dev libssl-dev xz-utils dwarves)
