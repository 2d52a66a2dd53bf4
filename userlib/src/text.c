// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Text for Linux: the W functions' UTF-16 strings as the UTF-8 that Linux
 * names files and objects with.
 */
#include <stdlib.h>

#include "internal.h"

#define SURROGATE_HIGH(c)	((c) >= 0xD800 && (c) <= 0xDBFF)
#define SURROGATE_LOW(c)	((c) >= 0xDC00 && (c) <= 0xDFFF)

/*
 * The code point at @s[*i], moving *i past it; -1 for a surrogate without
 * its other half (UTF-8 cannot carry one, and Linux names are UTF-8).
 */
static long utf16_next(LPCWSTR s, size_t *i)
{
	WCHAR c = s[(*i)++];

	if (SURROGATE_LOW(c))
		return -1;
	if (!SURROGATE_HIGH(c))
		return c;
	if (!SURROGATE_LOW(s[*i]))
		return -1;
	return 0x10000 + (((long)c - 0xD800) << 10) + (s[(*i)++] - 0xDC00);
}

static size_t utf8_length(long cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static char *utf8_put(char *out, long cp)
{
	size_t n = utf8_length(cp), k;
	static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };

	if (n == 1) {
		*out++ = (char)cp;
		return out;
	}
	for (k = n - 1; k > 0; k--) {
		out[k] = (char)(0x80 | (cp & 0x3F));
		cp >>= 6;
	}
	out[0] = (char)(lead[n] | cp);
	return out + n;
}

char *ntmm_utf16_to_utf8(LPCWSTR s)
{
	size_t i = 0, len = 0;
	char *buf, *out;
	long cp;

	if (!s) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	/* First the length, which also proves every surrogate paired. */
	while (s[i]) {
		cp = utf16_next(s, &i);
		if (cp < 0) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return NULL;
		}
		len += utf8_length(cp);
	}
	buf = malloc(len + 1);
	if (!buf) {
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	out = buf;
	for (i = 0; s[i];)
		out = utf8_put(out, utf16_next(s, &i));
	*out = '\0';
	return buf;
}
