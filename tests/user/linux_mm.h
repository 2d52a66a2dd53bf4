/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tests' view of ntmm memory from Linux's side, through Linux's own
 * interfaces only: /proc/PID/status and /proc/meminfo fields, the
 * /proc/PID/maps entry around an address, /proc/buddyinfo, pipes that
 * carry whole buffers, kernel core dumps (core_pattern, the ELF
 * program headers of a core file), and vm-run's scratch disk.
 */
#ifndef NTMM_TESTS_LINUX_MM_H
#define NTMM_TESTS_LINUX_MM_H

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The "NAME:  N kB" field of the file @path, in kB; -1 if absent. */
static inline long proc_field_kb(const char *path, const char *name)
{
	char line[256];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* A field of /proc/self/status (or of @pid's), in kB. */
static inline long status_kb_of(int pid, const char *name)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	return proc_field_kb(path, name);
}

static inline long status_kb(const char *name)
{
	return status_kb_of(0, name);
}

/* A /proc/meminfo field in kB. */
static inline long meminfo_kb(const char *name)
{
	return proc_field_kb("/proc/meminfo", name);
}

struct maps_entry {
	unsigned long start, end, offset, inode;
	char perms[8];
	char dev[16];
	char name[256];
};

/* Parse one /proc/PID/maps line; 1 on success. */
static inline int maps_parse(const char *line, struct maps_entry *e)
{
	int pos = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &e->start, &e->end, e->perms,
		   &e->offset, e->dev, &e->inode, &pos) < 6)
		return 0;
	if (pos) {
		snprintf(e->name, sizeof(e->name), "%s", line + pos);
		e->name[strcspn(e->name, "\n")] = '\0';
	}
	return 1;
}

/*
 * Call @fn for each entry of /proc/self/maps, in address order, until it
 * returns non-zero (which is returned).
 */
static inline int maps_each(int (*fn)(const struct maps_entry *e, void *arg), void *arg)
{
	struct maps_entry e;
	char line[512];
	int r = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (!r && fgets(line, sizeof(line), f))
		if (maps_parse(line, &e))
			r = fn(&e, arg);
	fclose(f);
	return r;
}

struct maps_find_arg {
	unsigned long addr;
	struct maps_entry *out;
};

static inline int maps_find_fn(const struct maps_entry *e, void *arg)
{
	struct maps_find_arg *a = arg;

	if (a->addr >= e->start && a->addr < e->end) {
		*a->out = *e;
		return 1;
	}
	return 0;
}

/* The /proc/self/maps entry containing @addr: 1 if there is one. */
static inline int maps_find(const void *addr, struct maps_entry *e)
{
	struct maps_find_arg a = { (unsigned long)addr, e };

	return maps_each(maps_find_fn, &a) == 1;
}

/*
 * An ntmm mapping as Linux shows it: the same backing (device and name) as
 * the entry around a known ntmm allocation. Regions may be one file or
 * several, so the inode is not compared.
 */
static inline int maps_same_backing(const struct maps_entry *a, const struct maps_entry *b)
{
	return !strcmp(a->dev, b->dev) && !strcmp(a->name, b->name);
}

/* Rss of /proc/self/smaps entries overlapping [start, end), in kB. */
static inline long smaps_rss_kb(unsigned long start, unsigned long end)
{
	char line[512];
	struct maps_entry e;
	int in = 0;
	long sum = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (maps_parse(line, &e) && strchr(line, '-') < strchr(line, ' ')) {
			in = e.start < end && e.end > start;
			continue;
		}
		if (in && !strncmp(line, "Rss:", 4))
			sum += strtol(line + 4, NULL, 10);
	}
	fclose(f);
	return sum;
}

/* The "@field: N kB" line of the /proc/self/smaps entry holding @addr, in kB (-1: none). */
static inline long smaps_field_kb(const void *addr, const char *field)
{
	unsigned long a = (unsigned long)addr;
	size_t n = strlen(field);
	char line[512];
	struct maps_entry e;
	int in = 0;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (maps_parse(line, &e) && strchr(line, '-') < strchr(line, ' ')) {
			in = e.start <= a && a < e.end;
			continue;
		}
		if (in && !strncmp(line, field, n) && line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

/*
 * Free memory in /proc/buddyinfo in blocks of 2^@order pages: each free
 * block of that order or more counts as the blocks of @order it holds. All
 * nodes; the DMA zone only if @dma, else every zone but DMA. Prints the
 * lines if @show.
 */
static inline long buddy_blocks(int order, int dma, int show)
{
	char line[512], zone[32], *p;
	long sum = 0, n;
	int node, o, pos;
	FILE *f = fopen("/proc/buddyinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (show)
			printf("# %s", line);
		if (sscanf(line, "Node %d, zone %31s %n", &node, zone, &pos) < 2)
			continue;
		if (!strcmp(zone, "DMA") != !!dma)
			continue;
		for (p = line + pos, o = 0; ; o++) {
			char *end;

			n = strtol(p, &end, 10);
			if (end == p)
				break;
			if (o >= order)
				sum += n << (o - order);
			p = end;
		}
	}
	fclose(f);
	return sum;
}

/* Whole reads and writes of a pipe or file: 0 on success. */
static inline int xfer_all(int fd, void *buf, size_t len, int do_write)
{
	char *p = buf;

	while (len) {
		ssize_t n = do_write ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static inline int read_all(int fd, void *buf, size_t len)
{
	return xfer_all(fd, buf, len, 0);
}

static inline int write_all(int fd, const void *buf, size_t len)
{
	return xfer_all(fd, (void *)buf, len, 1);
}

/* A deterministic byte pattern, different for each @seed and each page. */
static inline unsigned char pattern_byte(unsigned int seed, unsigned long i)
{
	return (unsigned char)(seed * 131 + i * 7 + (i >> 12) * 13 + 1);
}

static inline void pattern_fill(void *p, unsigned long len, unsigned int seed)
{
	unsigned char *c = p;
	unsigned long i;

	for (i = 0; i < len; i++)
		c[i] = pattern_byte(seed, i);
}

/* Bytes of [p, p + len) that differ from the pattern. */
static inline unsigned long pattern_diff(const void *p, unsigned long len, unsigned int seed)
{
	const unsigned char *c = p;
	unsigned long i, bad = 0;

	for (i = 0; i < len; i++)
		bad += c[i] != pattern_byte(seed, i);
	return bad;
}

/*
 * waitpid with a deadline: the child's status, or -1 after @seconds (the
 * child is then killed and reaped, so a test fails instead of hanging).
 */
static inline int wait_for(pid_t pid, int seconds, int *status)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long waited;

	for (waited = 0; waited < seconds * 100L; waited++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -1;
}

/*
 * Kernel core dumps into /tmp/core.PID with no size limit. Returns 0 if
 * set; the previous pattern is kept in @old (restore with core_restore).
 */
static inline int core_setup(char *old, size_t oldlen)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int fd = open("/proc/sys/kernel/core_pattern", O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, old, oldlen - 1);
	old[n > 0 ? n : 0] = '\0';
	if (lseek(fd, 0, SEEK_SET) || write(fd, "/tmp/core.%p", 12) != 12) {
		close(fd);
		return -1;
	}
	close(fd);
	return setrlimit(RLIMIT_CORE, &rl);
}

static inline void core_restore(const char *old)
{
	int fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, old, strlen(old)) < 0)
			perror("core_pattern");
		close(fd);
	}
}

/*
 * Read @len bytes at virtual address @addr from the ELF core file @path:
 * the PT_LOAD segment holding @addr, from its file part. Returns the bytes
 * the file holds there (0 if the address is in no segment or past its
 * p_filesz, as a segment the kernel chose not to dump), -1 on a bad file.
 */
static inline long core_read(const char *path, unsigned long addr, void *buf, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	long got = 0;
	int fd = open(path, O_RDONLY), i;

	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_type != ET_CORE || eh.e_phentsize != sizeof(ph)) {
		close(fd);
		return -1;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * sizeof(ph)) != sizeof(ph))
			break;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr || addr >= ph.p_vaddr + ph.p_memsz)
			continue;
		if (addr - ph.p_vaddr >= ph.p_filesz)
			break;
		if (len > ph.p_filesz - (addr - ph.p_vaddr))
			len = ph.p_filesz - (addr - ph.p_vaddr);
		got = pread(fd, buf, len, ph.p_offset + (addr - ph.p_vaddr));
		break;
	}
	close(fd);
	return got;
}

/* Is /mnt a block-device filesystem (vm-run --disk), not the initramfs? */
static inline int have_disk(void)
{
	struct statfs sf;
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/mounts", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "/dev/", 5) && strstr(line, " /mnt "))
			found = 1;
	fclose(f);
	return found && statfs("/mnt", &sf) == 0;
}

#endif /* NTMM_TESTS_LINUX_MM_H */
