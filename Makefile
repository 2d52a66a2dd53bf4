# SPDX-License-Identifier: GPL-2.0
# ntmm: the Windows memory manager for Linux. See README.md.
#
#   make              libntmm (.so, .a, ntmm.pc) and ntmm.ko for the running kernel
#   make demo         boot the stock 6.12 kernel in a VM and run examples/sysinfo
#   make check        every test: host, debug-kernel VM (KUnit + userspace), stock 6.1 and 6.12
#   make bench        benchmarks against native Linux, in a VM on the stock 6.12 kernel
#   make module KDIR=/lib/modules/$(uname -r)/build
#   make install PREFIX=/usr/local

VERSION   := 0.1.0
SOVERSION := 1
PREFIX    ?= /usr/local
KDIR      ?= /lib/modules/$(shell uname -r)/build
CC        ?= cc
CFLAGS    ?= -O2 -g
WARN      := -Wall -Wextra -Werror
LIB_CFLAGS := -std=gnu11 $(WARN) -fPIC -fvisibility=hidden -pthread \
	-Iuserlib/include -Iuapi

LIB_SRCS := $(wildcard userlib/src/*.c)
LIB_OBJS := $(LIB_SRCS:userlib/src/%.c=userlib/obj/%.o)
LIB_HDRS := $(wildcard userlib/include/*.h userlib/src/*.h) uapi/linux/ntmm.h
LIB_A    := userlib/libntmm.a
LIB_SO   := userlib/libntmm.so.$(SOVERSION)
LIB_PC   := userlib/ntmm.pc

USER_TEST_SRCS := $(wildcard tests/user/*.c)
USER_TESTS     := $(USER_TEST_SRCS:tests/user/%.c=build/tests/user/%) \
		  build/tests/user/abi_layout_cxx_test build/tests/user/ringbuffer
TEST_CFLAGS    := -std=gnu11 $(WARN) -O2 -g -pthread -static \
		  -Iuserlib/include -Iuapi -Itests
HOST_TEST_CFLAGS := -std=gnu11 $(WARN) -O1 -g -pthread \
		  -fsanitize=address,undefined -fno-sanitize-recover=all \
		  -Itests/host/include -Iuapi

.PHONY: all userlib module check demo bench host-test user-tests examples install clean
all: userlib
	@if [ -d "$(KDIR)" ]; then $(MAKE) module; \
	else echo "no kernel build tree at $(KDIR): skipping ntmm.ko (make module KDIR=...)"; fi

userlib: $(LIB_A) $(LIB_SO) $(LIB_PC)

userlib/obj/%.o: userlib/src/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(LIB_OBJS) userlib/libntmm.map
	$(CC) -shared -pthread -Wl,-soname,libntmm.so.$(SOVERSION) \
		-Wl,--version-script=userlib/libntmm.map -Wl,-z,defs -o $@ $(LIB_OBJS)
	ln -sf libntmm.so.$(SOVERSION) userlib/libntmm.so

$(LIB_PC): userlib/ntmm.pc.in
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' $< >$@

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Userspace tests: static, so they run in the busybox VM on any kernel.
user-tests: $(USER_TESTS) build/examples/sysinfo build/tools/ntmm-poolmon

# Tools, static like the tests so they run in the VM too.
build/tools/%: tools/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< $(LIB_A) -o $@

build/tests/user/%: tests/user/%.c $(LIB_A) tests/tap.h tests/abi/layout.h $(wildcard tests/user/*.h)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< $(LIB_A) -o $@

build/tests/user/abi_layout_cxx_test: tests/user/abi_layout_test.c $(LIB_A) tests/abi/layout.h
	@mkdir -p $(@D)
	$(CXX) -x c++ -std=gnu++17 $(WARN) -O2 -static -Iuserlib/include -Iuapi -Itests \
		$< -x none $(LIB_A) -o $@

# Microsoft's ring-buffer example, C++ as the documentation has it, run by
# ringbuffer_test; wmain's caller is the build's, as with MinGW's -municode.
# At -O0: it reads ringBuffer[bufferSize] just after writing ringBuffer[0],
# and to C++ those are different objects, so GCC -O2 loads before it stores.
build/tests/user/ringbuffer: examples/ringbuffer.cpp $(LIB_A)
	@mkdir -p $(@D)
	$(CXX) -std=gnu++17 $(WARN) -O0 -static -Dwmain=main -Iuserlib/include -Iuapi \
		$< $(LIB_A) -o $@

build/examples/%: examples/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< $(LIB_A) -o $@

# Host tests: module sources built with the shims of tests/host/include,
# under ASan and UBSan.
build/tests/host/nt_rules_test: tests/host/nt_rules_test.c module/vm/nt_rules.c \
		module/vm/nt_rules.h module/vm/nt_rules_kunit.c module/ntstatus.h \
		uapi/linux/ntmm.h $(wildcard tests/host/include/*/*.h) tests/tap.h
	@mkdir -p $(@D)
	$(CC) $(HOST_TEST_CFLAGS) $< -o $@

# libntmm's heap allocator, pure, over an mmap page provider.
HEAP_CORE_SRCS := userlib/src/heap_core.c userlib/src/heap_core_walk.c
build/tests/host/heap_core_test: tests/host/heap_core_test.c $(HEAP_CORE_SRCS) \
		userlib/src/heap_core.h userlib/src/heap_core_internal.h tests/tap.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O1 -g -pthread -fsanitize=address,undefined \
		-fno-sanitize-recover=all -Itests $< $(HEAP_CORE_SRCS) -o $@

# libntmm's UTF-16 to UTF-8 conversion, against iconv (with error.c's last error).
TEXT_SRCS := userlib/src/text.c userlib/src/error.c
build/tests/host/text_test: tests/host/text_test.c $(TEXT_SRCS) userlib/src/internal.h \
		userlib/include/windows.h uapi/linux/ntmm.h tests/tap.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O1 -g -pthread -fsanitize=address,undefined \
		-fno-sanitize-recover=all -Iuserlib/include -Iuapi -Itests $< $(TEXT_SRCS) -o $@

host-test: build/tests/host/nt_rules_test build/tests/host/heap_core_test \
		build/tests/host/text_test userlib
	build/tests/host/nt_rules_test
	build/tests/host/heap_core_test
	build/tests/host/text_test
	tests/host/shared_lib_test.sh

check:
	scripts/check

build/bench/%: bench/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< $(LIB_A) -o $@

# Linked dynamically: it opens Debian's libmimalloc.so.2 (there is no static one).
MIMALLOC_SO := /usr/lib/x86_64-linux-gnu/libmimalloc.so.2
build/bench/heap_bench: bench/heap_bench.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -g -pthread -Iuserlib/include -Iuapi -Itests $< $(LIB_A) -ldl -o $@

# (i) needs a block device (--disk); the 4-thread row of (e) a VM with 4 CPUs (--nodes 4).
bench: build/bench/vm_bench build/bench/section_bench build/bench/process_bench
	scripts/vm-run --kernel 6.12 --mem 3G --disk 256M build/bench/vm_bench
	scripts/vm-run --kernel 6.12 --mem 3G --disk 512M build/bench/section_bench
	scripts/vm-run --kernel 6.12 build/bench/process_bench
	scripts/vm-run --kernel 6.12 --mem 3G --nodes 4 build/bench/vm_bench e4
	bash -c '. scripts/lib.sh && need_pkgs libmimalloc-dev' && $(MAKE) build/bench/heap_bench
	scripts/vm-run --kernel 6.12 --with $(MIMALLOC_SO) build/bench/heap_bench
	scripts/vm-run --kernel 6.12 --build-module bench/pool_bench bench/pool_bench/show

demo: build/examples/sysinfo
	scripts/vm-run --kernel 6.12 build/examples/sysinfo

install: userlib
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/ntmm/linux
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libntmm.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libntmm.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' userlib/ntmm.pc.in \
		>$(DESTDIR)$(PREFIX)/lib/pkgconfig/ntmm.pc
	install -m 644 userlib/include/*.h $(DESTDIR)$(PREFIX)/include/ntmm/
	install -m 644 uapi/linux/ntmm.h $(DESTDIR)$(PREFIX)/include/ntmm/linux/

clean:
	rm -rf build userlib/obj userlib/libntmm.a userlib/libntmm.so* userlib/ntmm.pc
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
