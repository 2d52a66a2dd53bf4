// SPDX-License-Identifier: GPL-2.0
/*
 * ntmm-poolmon: the kernel pools by tag, as Windows' poolmon shows them,
 * read through NtQuerySystemInformation(SystemPoolTagInformation).
 *
 *   ntmm-poolmon [-b | -c] [-n COUNT] [-d SECONDS]
 *     -b  sort by bytes outstanding (the default)
 *     -c  sort by allocations
 *     -n  print COUNT times (default 1: one shot; 0: until interrupted)
 *     -d  seconds between prints (default 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <windows.h>

struct row {
	char tag[5];
	const char *type;
	unsigned long long allocs, frees, bytes;
};

static int by_bytes;

static int compare(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	unsigned long long kx = by_bytes ? x->bytes : x->allocs;
	unsigned long long ky = by_bytes ? y->bytes : y->allocs;

	if (kx != ky)
		return kx < ky ? 1 : -1;
	return strcmp(x->tag, y->tag);
}

/* A tag's characters in memory order, '.' for what cannot be printed. */
static void tag_name(const SYSTEM_POOLTAG *t, char out[5])
{
	int i;

	for (i = 0; i < 4; i++)
		out[i] = t->Tag[i] >= 0x20 && t->Tag[i] < 0x7f ? (char)t->Tag[i] : '.';
	out[4] = '\0';
}

static int show(void)
{
	PSYSTEM_POOLTAG_INFORMATION info = NULL;
	ULONG len = 0, i, n = 0;
	struct row *rows;
	NTSTATUS st;

	do {
		free(info);
		info = len ? malloc(len) : NULL;
		st = NtQuerySystemInformation(SystemPoolTagInformation, info, len, &len);
	} while (st == STATUS_INFO_LENGTH_MISMATCH);
	if (st) {
		fprintf(stderr, "ntmm-poolmon: NtQuerySystemInformation: status %#x\n",
			(unsigned int)st);
		free(info);
		return 1;
	}
	rows = calloc(2 * (info->Count + 1), sizeof(*rows));
	for (i = 0; i < info->Count; i++) {
		const SYSTEM_POOLTAG *t = &info->TagInfo[i];

		if (t->NonPagedAllocs) {
			tag_name(t, rows[n].tag);
			rows[n].type = "Nonp";
			rows[n].allocs = t->NonPagedAllocs;
			rows[n].frees = t->NonPagedFrees;
			rows[n++].bytes = t->NonPagedUsed;
		}
		if (t->PagedAllocs) {
			tag_name(t, rows[n].tag);
			rows[n].type = "Paged";
			rows[n].allocs = t->PagedAllocs;
			rows[n].frees = t->PagedFrees;
			rows[n++].bytes = t->PagedUsed;
		}
	}
	qsort(rows, n, sizeof(*rows), compare);
	printf(" Tag  Type      Allocs      Frees       Diff      Bytes\n");
	for (i = 0; i < n; i++)
		printf(" %-4s %-5s %10llu %10llu %10lld %10llu\n", rows[i].tag, rows[i].type,
		       rows[i].allocs, rows[i].frees,
		       (long long)(rows[i].allocs - rows[i].frees), rows[i].bytes);
	fflush(stdout);
	free(rows);
	free(info);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, count = 1, delay = 1, i;

	by_bytes = 1;
	while ((opt = getopt(argc, argv, "bcn:d:")) != -1) {
		switch (opt) {
		case 'b':
			by_bytes = 1;
			break;
		case 'c':
			by_bytes = 0;
			break;
		case 'n':
			count = atoi(optarg);
			break;
		case 'd':
			delay = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: ntmm-poolmon [-b | -c] [-n COUNT] [-d SECONDS]\n");
			return 2;
		}
	}
	for (i = 0; count == 0 || i < count; i++) {
		if (i) {
			sleep(delay);
			printf("\n");
		}
		if (show())
			return 1;
	}
	return 0;
}
