/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDA: allocate the lowest free integer id in a range.
 * Kernel counterpart: include/linux/idr.h, lib/idr.c
 */
#ifndef SIO_BASE_IDA_H
#define SIO_BASE_IDA_H

#include "base/mutex.h"

struct ida {
	struct mutex lock;	/* protects everything below */
	unsigned long *bitmap;	/* one bit per id, grown on demand */
	unsigned int nbits;
};

/* Kernel-doc in ida.c; every function may sleep (the IDA lock is a mutex). */
void ida_init(struct ida *ida);
void ida_destroy(struct ida *ida);

/* The lowest free id in [@min, @max], or -EINVAL/-ENOSPC/-ENOMEM. */
int ida_alloc_range(struct ida *ida, unsigned int min, unsigned int max, gfp_t gfp);
static inline int ida_alloc(struct ida *ida, gfp_t gfp)
{
	return ida_alloc_range(ida, 0, INT_MAX, gfp);
}
/* WARN if @id is not allocated. */
void ida_free(struct ida *ida, unsigned int id);

#endif /* SIO_BASE_IDA_H */
