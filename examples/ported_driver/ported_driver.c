// SPDX-License-Identifier: GPL-2.0
/*
 * ported_driver: memory code as a Windows driver writes it, unchanged but
 * for the module boilerplate. Records live in non-paged pool (they are
 * touched from a timer, which cannot sleep), a lookup table in paged pool,
 * each under its own tag, so ntmm-poolmon shows "Rcrd" and "Tabl".
 */
#include <linux/module.h>
#include <linux/timer.h>
#include <ntmm/wdm.h>

#define RECORD_TAG	('drcR')	/* "Rcrd" */
#define TABLE_TAG	('lbaT')	/* "Tabl" */
#define RECORDS		16

typedef struct _RECORD {
	struct _RECORD *Next;
	ULONG Id;
	UCHAR Payload[120];
} RECORD, *PRECORD;

static PRECORD Records;
static PVOID Table;
static struct timer_list Tick;

static void FreeRecords(void)
{
	while (Records) {
		PRECORD next = Records->Next;

		ExFreePoolWithTag(Records, RECORD_TAG);
		Records = next;
	}
}

/* Runs in softirq context: only non-paged pool may be used here. */
static void TickRoutine(struct timer_list *t)
{
	PRECORD r = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*r), RECORD_TAG);

	if (r) {
		r->Id = RECORDS;
		r->Next = Records;
		Records = r;
	}
}

static int __init DriverEntry(void)
{
	ULONG i;

	for (i = 0; i < RECORDS; i++) {
		PRECORD r = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*r), RECORD_TAG);

		if (!r) {
			FreeRecords();
			return -ENOMEM;
		}
		r->Id = i;
		r->Next = Records;
		Records = r;
	}
	Table = ExAllocatePool2(POOL_FLAG_PAGED, 64 * 1024, TABLE_TAG);
	if (!Table) {
		FreeRecords();
		return -ENOMEM;
	}
	timer_setup(&Tick, TickRoutine, 0);
	mod_timer(&Tick, jiffies + 1);
	pr_info("ported_driver: %u records in non-paged pool, a 64 KiB table in paged pool\n",
		RECORDS);
	return 0;
}

static void __exit DriverUnload(void)
{
	del_timer_sync(&Tick);
	FreeRecords();
	ExFreePoolWithTag(Table, TABLE_TAG);
}

module_init(DriverEntry);
module_exit(DriverUnload);
MODULE_DESCRIPTION("A Windows driver's pool usage, ported with ntmm's wdm.h");
MODULE_LICENSE("GPL");
