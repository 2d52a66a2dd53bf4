#!/bin/sh
# libwinmm as a distribution ships it: the shared library's soname and
# versioned exports, winmm.pc after make install, and a Windows program
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
so=userlib/libwinmm.so.1
check "soname is libwinmm.so.1" \
	"readelf -d $so | grep -q 'Library soname: \[libwinmm.so.1\]'"
check "every exported function carries a WINMM_ version" \
	"! nm -D --defined-only $so | grep ' T ' | grep -v '@@WINMM_1\.[01]\$' | grep -q ."
check "the first release's functions keep WINMM_1.0, later ones WINMM_1.1" \
	"nm -D $so | grep -q ' VirtualAlloc@@WINMM_1.0\$' &&
	 nm -D $so | grep -q ' QueryWorkingSetEx@@WINMM_1.1\$'"
check "no internal symbol leaks (winmm_ioctl is hidden)" \
	"! nm -D $so | grep -q winmm_ioctl"

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s install DESTDIR="$dest" PREFIX=/usr >/dev/null
export PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
check "winmm.pc is found after make install" "pkg-config --exists winmm"
cflags=$(pkg-config --cflags winmm) libs=$(pkg-config --libs winmm)
check "a Windows program builds against the installed library via pkg-config" \
	"cc $cflags tests/user/getsysteminfo_unchanged.c $libs -o $dest/prog"
check "and runs (without the module GetSystemInfo still answers)" \
	"LD_LIBRARY_PATH=$dest/usr/lib $dest/prog >/dev/null 2>&1"
check "it is linked against libwinmm.so.1" \
	"LD_LIBRARY_PATH=$dest/usr/lib ldd $dest/prog | grep -q 'libwinmm.so.1 => $dest'"
echo "1..$n"
[ $failed = 0 ]
