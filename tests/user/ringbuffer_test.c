// SPDX-License-Identifier: GPL-2.0
/*
 * Microsoft's ring-buffer example (examples/ringbuffer.cpp, built unchanged
 * as /bin/ringbuffer): one section mapped twice, back to back, into a split
 * placeholder. It prints what it found; this checks that line, and that
 * everything it made is gone once it exits.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ntmm_debugfs.h"
#include "tap.h"

int main(void)
{
	long sections = ntmm_debugfs("sections");
	char line[128] = "";
	FILE *p = popen("/bin/ringbuffer", "r");
	int status;

	if (!tap_ok(p != NULL, "run the example"))
		return tap_done();
	if (!fgets(line, sizeof(line), p))
		line[0] = 0;
	status = pclose(p);
	tap_ok(!strcmp(line, "The buffer wraps as expected\n"), "it says: %.*s",
	       (int)strcspn(line, "\n"), line);
	tap_ok(WIFEXITED(status) && !WEXITSTATUS(status), "it exits 0 (status %#x)", status);
	tap_eq(ntmm_debugfs("sections"), sections, "its section went with it");
	return tap_done();
}
