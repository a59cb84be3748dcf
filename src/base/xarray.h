/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xarray: a sparse map from unsigned long to pointer.  Writers serialise on
 * xa_lock; xa_load() and iteration are RCU-safe (nodes are freed after a
 * grace period).  Entries may be reserved: a reserved index reads as NULL
 * but makes xa_insert() fail with -EBUSY, exactly what the IOMMU core's
 * pasid_array needs.  Pointers stored must be 4-byte aligned; the low two
 * bits are free for xa_tag_pointer().
 * Kernel counterpart: include/linux/xarray.h, lib/xarray.c
 */
#ifndef SIO_BASE_XARRAY_H
#define SIO_BASE_XARRAY_H

#include "base/err.h"
#include "base/mutex.h"

struct xa_node;

struct xarray {
	spinlock_t xa_lock;		/* serialises writers; readers use RCU */
	unsigned int xa_flags;
	struct xa_node *xa_head;	/* RCU-protected root (NULL = empty) */
	unsigned long xa_next_alloc;	/* hint for xa_alloc */
};

#define XA_FLAGS_ALLOC		0x1u	/* xa_alloc ids start at 0 */
#define XA_FLAGS_ALLOC1		0x2u	/* xa_alloc ids start at 1 */

struct xa_limit {
	u32 max;
	u32 min;
};
#define XA_LIMIT(_min, _max) ((struct xa_limit){ .min = (_min), .max = (_max) })
#define xa_limit_32b XA_LIMIT(0, UINT_MAX)

/*
 * Error pointers returned by xa_store()/xa_cmpxchg(): the negative errno
 * itself, as ERR_PTR() encodes it, so xa_err(xa_store(...)) == -ENOMEM.
 */
#define MAX_ERRNO_XA 4095
static inline bool xa_is_err(const void *entry)
{
	return (unsigned long)entry >= (unsigned long)-MAX_ERRNO_XA;
}
static inline int xa_err(const void *entry)
{
	return xa_is_err(entry) ? (int)(long)entry : 0;
}

/* Tagged pointers: tag in bits 0-1. */
static inline void *xa_tag_pointer(void *p, unsigned long tag)
{
	return (void *)((unsigned long)p | tag);
}
static inline void *xa_untag_pointer(void *entry)
{
	return (void *)((unsigned long)entry & ~3UL);
}
static inline unsigned int xa_pointer_tag(void *entry)
{
	return (unsigned int)((unsigned long)entry & 3UL);
}

#define xa_init(xa) xa_init_flags((xa), 0)
void xa_init_flags(struct xarray *xa, unsigned int flags);
/* Free every node; entries themselves are the caller's.  Context: no readers. */
void xa_destroy(struct xarray *xa);

#define xa_lock(xa) spin_lock(&(xa)->xa_lock)
#define xa_unlock(xa) spin_unlock(&(xa)->xa_lock)

/*
 * Kernel-doc for every function below in xarray.c.  The __xa_*() variants
 * expect xa_lock held; the others take it (never nest two xarray locks).
 */

/* The entry at @index (NULL if none or reserved); takes RCU itself. */
void *xa_load(struct xarray *xa, unsigned long index);

/* Return: old entry (NULL if none/reserved), or xa_err-encoded -ENOMEM. */
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *__xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);

/* Return: 0, -EBUSY if occupied or reserved, -ENOMEM. */
int xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
int __xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);

/*
 * xa_cmpxchg() - store @entry if the current entry is @old (NULL matches a
 * reserved slot too).  Return: the entry that was there, or xa_err pointer.
 */
void *xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		 void *entry, gfp_t gfp);
void *__xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		   void *entry, gfp_t gfp);

/* Reserve @index if empty (nothing happens if occupied).  Return: 0 or -ENOMEM. */
int xa_reserve(struct xarray *xa, unsigned long index, gfp_t gfp);
/* Drop a reservation; an occupied index is left alone. */
void xa_release(struct xarray *xa, unsigned long index);

/* Return: the old entry (NULL if none or reserved). */
void *xa_erase(struct xarray *xa, unsigned long index);
void *__xa_erase(struct xarray *xa, unsigned long index);

/* Allocate the lowest free id in @limit (XA_FLAGS_ALLOC*). Return 0/-EBUSY/-ENOMEM. */
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit, gfp_t gfp);

/* True if no entry and no reservation is present. */
bool xa_empty(const struct xarray *xa);

/*
 * xa_find() - first present entry at index >= *@index and <= @max; stores
 * its index in *@index.  xa_find_after() starts after *@index.  Reserved
 * slots are skipped.  Context: takes the RCU read lock itself.
 */
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max);
void *xa_find_after(struct xarray *xa, unsigned long *index, unsigned long max);

#define xa_for_each(xa, index, entry)                                         \
	for (index = 0, entry = xa_find((xa), &(index), ULONG_MAX); entry;    \
	     entry = xa_find_after((xa), &(index), ULONG_MAX))

#endif /* SIO_BASE_XARRAY_H */
