// SPDX-License-Identifier: GPL-2.0
/*
 * libntmm's UTF-16 to UTF-8 conversion (userlib/src/text.c) on the host,
 * under ASan and UBSan: every code point, alone and inside a string, against
 * glibc's iconv; every surrogate without its other half refused with
 * ERROR_INVALID_PARAMETER; the last error left alone on success.
 */
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "../../userlib/src/internal.h"
#include "tap.h"

/* @cp as UTF-16 into @w (a pair above the BMP); the units written. */
static size_t put_utf16(WCHAR *w, long cp)
{
	if (cp < 0x10000) {
		w[0] = (WCHAR)cp;
		return 1;
	}
	w[0] = (WCHAR)(0xD800 + ((cp - 0x10000) >> 10));
	w[1] = (WCHAR)(0xDC00 + ((cp - 0x10000) & 0x3FF));
	return 2;
}

/* glibc's UTF-8 for the UTF-16 units @w[0..n), into @out (NUL-terminated); 0 on failure. */
static int reference(iconv_t cd, const WCHAR *w, size_t n, char *out, size_t size)
{
	char *in = (char *)w, *o = out;
	size_t inleft = n * sizeof(WCHAR), outleft = size - 1;

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1)
		return 0;
	*o = '\0';
	return 1;
}

/* Every code point but the surrogates, alone and between ASCII letters. */
static void test_every_code_point(void)
{
	iconv_t cd = iconv_open("UTF-8", "UTF-16LE");
	long cp, bad = 0, mismatches = 0, failures = 0, count = 0;
	WCHAR w[8];
	char want[16], *got;
	size_t n;

	if (!tap_ok(cd != (iconv_t)-1, "iconv from UTF-16LE to UTF-8 is there"))
		return;
	for (cp = 1; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		w[0] = 'a';
		n = 1 + put_utf16(w + 1, cp);
		w[n++] = 'z';
		w[n] = 0;
		count++;
		if (!reference(cd, w, n, want, sizeof(want))) {
			failures++;
			continue;
		}
		SetLastError(12345);
		got = ntmm_utf16_to_utf8(w);
		if (!got || strcmp(got, want) || GetLastError() != 12345) {
			if (!mismatches)
				bad = cp;
			mismatches++;
		}
		free(got);
	}
	iconv_close(cd);
	tap_eq(failures, 0, "iconv converts every code point");
	tap_ok(count == 0x10FFFF - 0x800 && !mismatches,
	       "all %ld code points convert as iconv converts them, last error kept "
	       "(%ld differ, the first U+%04lX)", count, mismatches, bad);
}

/* Surrogates without their other half, at the start, middle and end. */
static void test_lone_surrogates(void)
{
	long c, refused = 0, total = 0;
	WCHAR w[4];
	char *got;
	int pos;

	for (c = 0xD800; c <= 0xDFFF; c++) {
		for (pos = 0; pos < 3; pos++) {
			w[0] = 'a';
			w[1] = 'b';
			w[2] = 0;
			w[3] = 0;
			w[pos] = (WCHAR)c;
			/* A high one followed by a high one, or a low one after a letter. */
			if (pos == 0 && c <= 0xDBFF)
				w[1] = (WCHAR)c;
			SetLastError(0);
			got = ntmm_utf16_to_utf8(w);
			total++;
			if (!got && GetLastError() == ERROR_INVALID_PARAMETER)
				refused++;
			free(got);
		}
	}
	tap_eq(refused, total, "every unpaired surrogate (start, middle, end; high before high) "
	       "refused with ERROR_INVALID_PARAMETER");
}

static void test_cases(void)
{
	static const WCHAR empty[] = { 0 };
	static const WCHAR mixed[] = { 'h', 0xE9, 'l', 0x20AC, 0xD83D, 0xDE00, '/', 0xFFFF, 0 };
	static const WCHAR reversed[] = { 0xDE00, 0xD83D, 0 };
	static const WCHAR high_at_end[] = { 'x', 0xDBFF, 0 };
	char *s;

	s = ntmm_utf16_to_utf8(empty);
	tap_ok(s && !*s, "the empty string: an empty, malloc'd string");
	free(s);
	s = ntmm_utf16_to_utf8(mixed);
	tap_ok(s && !strcmp(s, "h\xC3\xA9l\xE2\x82\xAC\xF0\x9F\x98\x80/\xEF\xBF\xBF"),
	       "ASCII, U+00E9, U+20AC, a surrogate pair (U+1F600) and U+FFFF in one string");
	free(s);
	SetLastError(0);
	tap_ok(!ntmm_utf16_to_utf8(reversed) && GetLastError() == ERROR_INVALID_PARAMETER,
	       "a pair in the wrong order: ERROR_INVALID_PARAMETER");
	SetLastError(0);
	tap_ok(!ntmm_utf16_to_utf8(high_at_end) && GetLastError() == ERROR_INVALID_PARAMETER,
	       "a high surrogate before the terminator: ERROR_INVALID_PARAMETER, none read past");
	SetLastError(0);
	tap_ok(!ntmm_utf16_to_utf8(NULL) && GetLastError() == ERROR_INVALID_PARAMETER,
	       "NULL: ERROR_INVALID_PARAMETER");
}

int main(void)
{
	test_cases();
	test_lone_surrogates();
	test_every_code_point();
	return tap_done();
}
