#!/bin/sh
# libntmm as a distribution ships it: the shared library's soname and
# versioned exports, ntmm.pc after make install, and a Windows program
# linked dynamically through pkg-config. Run from the top of the tree
# after make userlib. TAP output; exit 1 on any failure.
n=0 failed=0
check() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
	fi
}
so=userlib/libntmm.so.1
check "soname is libntmm.so.1" \
	"readelf -d $so | grep -q 'Library soname: \[libntmm.so.1\]'"
check "every exported function carries a NTMM_ version" \
	"! nm -D --defined-only $so | grep ' T ' | grep -v '@@NTMM_1\.[0-3]\$' | grep -q ."
check "the first release's functions keep NTMM_1.0, later ones NTMM_1.1 to NTMM_1.3" \
	"nm -D $so | grep -q ' VirtualAlloc@@NTMM_1.0\$' &&
	 nm -D $so | grep -q ' QueryWorkingSetEx@@NTMM_1.1\$' &&
	 nm -D $so | grep -q ' HeapAlloc@@NTMM_1.2\$' &&
	 nm -D $so | grep -q ' CloseHandle@@NTMM_1.3\$'"
check "no internal symbol leaks (ntmm_ioctl is hidden)" \
	"! nm -D $so | grep -q ntmm_ioctl"

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
check "ntmm.pc is found after make install" "pkg-config --exists ntmm"
cflags=$(pkg-config --cflags ntmm) libs=$(pkg-config --libs ntmm)
check "a Windows program builds against the installed library via pkg-config" \
	"cc $cflags tests/user/getsysteminfo_unchanged.c $libs -o $dest/prog"
check "and runs (without the module GetSystemInfo still answers)" \
	"LD_LIBRARY_PATH=$dest/usr/lib $dest/prog >/dev/null 2>&1"
check "it is linked against libntmm.so.1" \
	"LD_LIBRARY_PATH=$dest/usr/lib ldd $dest/prog | grep -q 'libntmm.so.1 => $dest'"
echo "1..$n"
[ $failed = 0 ]
