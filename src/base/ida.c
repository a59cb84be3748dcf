// SPDX-License-Identifier: BSD-3-Clause
/*
 * IDA: lowest free integer id in a range, over a bitmap that grows on
 * demand.
 * Kernel counterpart: lib/idr.c (ida_*)
 */
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/ida.h"

#define BITS_PER_LONG 64

/**
 * ida_init() - set up an empty IDA
 * @ida: the IDA
 *
 * Context: any thread; @ida must not be in use.
 */
void ida_init(struct ida *ida)
{
	mutex_init(&ida->lock);
	ida->bitmap = NULL;
	ida->nbits = 0;
}

/**
 * ida_destroy() - free every id and the IDA's memory
 * @ida: the IDA
 *
 * Ids still allocated are dropped silently, as in the kernel.
 *
 * Context: may sleep (takes @ida's lock); nobody may use @ida concurrently
 * or afterwards without ida_init().
 */
void ida_destroy(struct ida *ida)
{
	mutex_lock(&ida->lock);
	kfree(ida->bitmap);
	ida->bitmap = NULL;
	ida->nbits = 0;
	mutex_unlock(&ida->lock);
	mutex_destroy(&ida->lock);
}

static bool ida_test(const struct ida *ida, unsigned int id)
{
	return id < ida->nbits &&
	       (ida->bitmap[id / BITS_PER_LONG] & (1UL << (id % BITS_PER_LONG)));
}

/* First clear bit >= @from below nbits, or nbits.  Caller holds the lock. */
static unsigned int __ida_find_zero(struct ida *ida, unsigned int from)
{
	unsigned int i = from;
	unsigned long w;

	lockdep_assert_held(&ida->lock);
	while (i < ida->nbits) {
		w = ~ida->bitmap[i / BITS_PER_LONG] >> (i % BITS_PER_LONG);
		if (w)
			return min(i + (unsigned int)__builtin_ctzl(w), ida->nbits);
		i = ALIGN_DOWN(i, BITS_PER_LONG) + BITS_PER_LONG;
	}
	return ida->nbits;
}

/* Grow the bitmap to cover @id.  Caller holds the lock. */
static int __ida_grow(struct ida *ida, unsigned int id, gfp_t gfp)
{
	unsigned long nbits = roundup_pow_of_two((unsigned long)id + 1);
	unsigned long *bm;

	lockdep_assert_held(&ida->lock);
	if (nbits < 256)
		nbits = 256;
	bm = kzalloc(nbits / 8, gfp);
	if (!bm)
		return -ENOMEM;
	if (ida->bitmap)
		memcpy(bm, ida->bitmap, ida->nbits / 8);
	kfree(ida->bitmap);
	ida->bitmap = bm;
	ida->nbits = (unsigned int)nbits;
	return 0;
}

/**
 * ida_alloc_range() - allocate the lowest free id in [@min, @max]
 * @ida: the IDA
 * @min: lowest acceptable id
 * @max: highest acceptable id (clamped to INT_MAX)
 * @gfp: flags for growing the bitmap
 *
 * Context: may sleep; takes @ida's lock, a leaf (only the allocator runs
 * inside it).
 * Return: the id, -EINVAL if @min > @max, -ENOSPC if the range is full,
 * -ENOMEM if the bitmap could not grow.
 */
int ida_alloc_range(struct ida *ida, unsigned int min, unsigned int max,
		    gfp_t gfp)
{
	unsigned int id;
	int ret;

	if (max > INT_MAX)
		max = INT_MAX;
	if (min > max)
		return -EINVAL;
	mutex_lock(&ida->lock);
	id = __ida_find_zero(ida, min);
	if (id < min)
		id = min;
	if (id > max) {
		ret = -ENOSPC;
		goto unlock;
	}
	if (id >= ida->nbits) {
		ret = __ida_grow(ida, id, gfp);
		if (ret)
			goto unlock;
	}
	ida->bitmap[id / BITS_PER_LONG] |= 1UL << (id % BITS_PER_LONG);
	ret = (int)id;
unlock:
	mutex_unlock(&ida->lock);
	return ret;
}

/**
 * ida_free() - release an id from ida_alloc_range()
 * @ida: the IDA
 * @id: the id; freeing an id that is not allocated WARNs and does nothing
 *
 * Context: may sleep; takes @ida's lock (a leaf).
 */
void ida_free(struct ida *ida, unsigned int id)
{
	mutex_lock(&ida->lock);
	if (WARN(!ida_test(ida, id),
		 "ida_free called for id=%u which is not allocated.", id))
		goto unlock;
	ida->bitmap[id / BITS_PER_LONG] &= ~(1UL << (id % BITS_PER_LONG));
unlock:
	mutex_unlock(&ida->lock);
}
