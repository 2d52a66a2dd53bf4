// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The process's one descriptor of /dev/ntmm: opened on first use, from
 * whichever thread comes first (pthread_once), checked with the version
 * handshake, and reopened lazily in a forked child, whose address space is
 * not the parent's (the module refuses the inherited descriptor).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libntmm.h>
#include "internal.h"

static pthread_once_t device_once = PTHREAD_ONCE_INIT;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static int device_fd = -1;
static DWORD device_error;	/* why device_fd is -1 */
static struct ntmm_version device_version;

static void device_after_fork(void)
{
	/* The child is single-threaded here: resetting the once is safe. */
	if (device_fd >= 0)
		close(device_fd);
	device_fd = -1;
	device_once = (pthread_once_t)PTHREAD_ONCE_INIT;
}

static void device_register_atfork(void)
{
	pthread_atfork(NULL, NULL, device_after_fork);
}

static void device_open(void)
{
	struct ntmm_version v = { .size = sizeof(v) };
	int fd;

	pthread_once(&atfork_once, device_register_atfork);
	fd = open(NTMM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		device_error = ERROR_DEVICE_NOT_AVAILABLE;
		fprintf(stderr, "libntmm: cannot open %s: %s (is ntmm.ko loaded?)\n",
			NTMM_DEVICE_PATH, strerror(errno));
		return;
	}
	if (ioctl(fd, NTMM_IOC_VERSION, &v) || v.abi_version != NTMM_ABI_VERSION) {
		device_error = ERROR_NOT_SUPPORTED;
		fprintf(stderr, "libntmm: %s speaks ABI %u, this library ABI %u\n",
			NTMM_DEVICE_PATH, v.abi_version, NTMM_ABI_VERSION);
		close(fd);
		return;
	}
	device_version = v;
	device_fd = fd;
}

static int device_get(void)
{
	pthread_once(&device_once, device_open);
	if (device_fd < 0)
		SetLastError(device_error);
	return device_fd;
}

int ntmm_device_fd(void)
{
	return __atomic_load_n(&device_fd, __ATOMIC_ACQUIRE);
}

int ntmm_ioctl(unsigned long cmd, void *arg)
{
	int fd = device_get();

	if (fd < 0)
		return -1;
	if (ioctl(fd, cmd, arg) == 0)
		return 0;
	switch (errno) {
	case EFAULT:
		SetLastError(ERROR_NOACCESS);
		break;
	case ENOMEM:
		SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		break;
	default:
		SetLastError(ERROR_INVALID_PARAMETER);
		break;
	}
	return -1;
}

NTMM_EXPORT BOOL WINAPI NtmmGetVersion(DWORD *AbiVersion, ULONGLONG *Features)
{
	if (device_get() < 0)
		return FALSE;
	if (AbiVersion)
		*AbiVersion = device_version.abi_version;
	if (Features)
		*Features = device_version.features;
	return TRUE;
}
