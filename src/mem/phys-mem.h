/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simulated machine RAM: a lazily backed physical address range, a buddy
 * page-frame allocator over it, checked PA <-> host pointer conversion,
 * 64-bit atomic accessors for page-table entries and DMA byte copies.
 * Kernel counterpart: mm/page_alloc.c, include/linux/io.h (phys_to_virt)
 */
#ifndef SIO_MEM_PHYS_MEM_H
#define SIO_MEM_PHYS_MEM_H

#include "base/types.h"
#include "base/err.h"
#include "base/mutex.h"

/* Default first physical address of RAM: PA 0 is never RAM (0 = "none"). */
#define SIO_PHYS_MEM_DEFAULT_BASE 0x40000000ULL
/* Default RAM size. */
#define SIO_PHYS_MEM_DEFAULT_SIZE (1ULL << 30)
/* Largest block the allocator hands out: 2^SIO_PHYS_MAX_ORDER frames. */
#define SIO_PHYS_MAX_ORDER   18
#define SIO_PHYS_FRAME_SHIFT 12
#define SIO_PHYS_FRAME_SIZE  (1ULL << SIO_PHYS_FRAME_SHIFT)

/**
 * struct sio_phys_mem - simulated physical memory of one machine
 * @base: first physical address of RAM (frame aligned, never 0)
 * @size: bytes of RAM (a multiple of the frame size)
 * @host: host mapping of [@base, @base + @size); MAP_NORESERVE, so only
 *        touched frames cost host memory
 * @nr_frames: @size >> SIO_PHYS_FRAME_SHIFT
 * @max_order: largest order allocatable (bounded by the alignment of @base)
 * @lock: protects the buddy state below (@frame_state, @next, @prev,
 *        @free_head, @nr_free).  A leaf lock: it may be taken under any
 *        other lock and nothing is taken inside it.
 * @frame_state: per frame, SIO_PHYS_FRAME_* flags | order of the block it
 *        heads (only meaningful on block heads)
 * @next: free-list links (frame index, UINT32_MAX = end), per free block head
 * @prev: free-list back links
 * @free_head: first free block of each order
 * @nr_free: free frames (under @lock; read racily by the counters)
 * @nr_live: allocated frames (atomic; the leak counter)
 *
 * Fields other than the counters are private to phys-mem.c; the inline helpers
 * below only read @base, @size and @host, which never change after creation.
 */
struct sio_phys_mem {
	u64 base;
	u64 size;
	u8 *host;
	u64 nr_frames;
	unsigned int max_order;

	spinlock_t lock;
	u8 *frame_state;
	u32 *next;
	u32 *prev;
	u32 free_head[SIO_PHYS_MAX_ORDER + 1];
	u64 nr_free;
	long nr_live;
};

/*
 * Create and destroy simulated RAM.  Kernel-doc for the out-of-line functions
 * of this header is in phys-mem.c.
 */
struct sio_phys_mem *sio_phys_mem_create(u64 base, u64 size);

void sio_phys_mem_destroy(struct sio_phys_mem *mem);

/* 2^@order zeroed, naturally aligned frames at *@pa: 0, -EINVAL or -ENOMEM. */
int sio_phys_alloc_pages(struct sio_phys_mem *mem, unsigned int order,
			 gfp_t gfp, u64 *pa);

/* Free a block from sio_phys_alloc_pages(); WARNs on a bad PA or order. */
void sio_phys_free_pages(struct sio_phys_mem *mem, u64 pa, unsigned int order);

/**
 * sio_phys_order_for_size() - smallest order whose block holds @size bytes
 * @size: bytes (0 counts as one frame)
 *
 * Context: any.  Return: the order (may exceed SIO_PHYS_MAX_ORDER).
 */
static inline unsigned int sio_phys_order_for_size(u64 size)
{
	u64 frames = (size + SIO_PHYS_FRAME_SIZE - 1) >> SIO_PHYS_FRAME_SHIFT;

	return frames <= 1 ? 0 : 64 - __builtin_clzll(frames - 1);
}

/* Frames currently allocated (leak checks).  Context: any; racy snapshot. */
long sio_phys_nr_live_pages(struct sio_phys_mem *mem);
/* Frames currently free.  Context: any; racy snapshot. */
u64 sio_phys_nr_free_pages(struct sio_phys_mem *mem);

/**
 * sio_phys_range_valid() - is [@pa, @pa + @len) entirely inside RAM?
 * @mem: the memory
 * @pa: physical address
 * @len: bytes (0 is valid iff @pa is inside RAM)
 *
 * Context: any.  Return: true if it is.
 */
static inline bool sio_phys_range_valid(const struct sio_phys_mem *mem, u64 pa,
					size_t len)
{
	return pa >= mem->base && pa - mem->base < mem->size &&
	       len <= mem->size - (pa - mem->base);
}

/**
 * sio_phys_to_virt() - host pointer for a physical range
 * @mem: the memory
 * @pa: physical address
 * @len: bytes the caller will access from @pa
 *
 * Context: any.
 * Return: the host pointer, or NULL (a lookup miss, not an error pointer)
 * when [@pa, @pa + @len) is not entirely inside RAM.
 */
static inline void *sio_phys_to_virt(const struct sio_phys_mem *mem, u64 pa,
				     size_t len)
{
	if (!sio_phys_range_valid(mem, pa, len))
		return NULL;
	return mem->host + (pa - mem->base);
}

/**
 * sio_virt_to_phys() - physical address of a host pointer into RAM
 * @mem: the memory
 * @p: a pointer returned by sio_phys_to_virt() (or into the same range)
 *
 * Context: any.  Return: the physical address, or 0 if @p is not in RAM.
 */
static inline u64 sio_virt_to_phys(const struct sio_phys_mem *mem,
				   const void *p)
{
	const u8 *c = p;

	if (c < mem->host || (u64)(c - mem->host) >= mem->size)
		return 0;
	return mem->base + (u64)(c - mem->host);
}

/*
 * 64-bit accessors for words shared between a CPU-side writer (io-pgtable,
 * drivers writing queues and descriptors) and a device-side reader (the
 * hardware walker).  All are single-copy atomic.  Pairing: a writer
 * publishes a table with sio_phys_write64_release() or sio_phys_cmpxchg64()
 * after initialising it; a walker reads entries with
 * sio_phys_read64_acquire() so that it sees the initialised table.
 *
 * @pa must be 8-byte aligned and inside RAM.  The plain accessors WARN and
 * read 0 / drop the write otherwise (a driver bug); the walker, which must
 * turn a bad address into a fault event instead, uses sio_phys_try_read64().
 */

/* WARN about a misaligned or out-of-RAM access by the plain accessors. */
void __sio_phys_bad_access(const struct sio_phys_mem *mem, u64 pa);

static inline u64 *__sio_phys_word(const struct sio_phys_mem *mem, u64 pa)
{
	if (unlikely((pa & 7) || !sio_phys_range_valid(mem, pa, 8))) {
		__sio_phys_bad_access(mem, pa);
		return NULL;
	}
	return (u64 *)(void *)(mem->host + (pa - mem->base));
}

/* Relaxed load.  Context: any.  Return: the word, 0 on a bad address. */
static inline u64 sio_phys_read64(const struct sio_phys_mem *mem, u64 pa)
{
	u64 *p = __sio_phys_word(mem, pa);

	return p ? __atomic_load_n(p, __ATOMIC_RELAXED) : 0;
}

/* Acquire load (pairs with a release store or cmpxchg).  Context: any. */
static inline u64 sio_phys_read64_acquire(const struct sio_phys_mem *mem,
					  u64 pa)
{
	u64 *p = __sio_phys_word(mem, pa);

	return p ? __atomic_load_n(p, __ATOMIC_ACQUIRE) : 0;
}

/* Relaxed store.  Context: any. */
static inline void sio_phys_write64(const struct sio_phys_mem *mem, u64 pa,
				    u64 val)
{
	u64 *p = __sio_phys_word(mem, pa);

	if (p)
		__atomic_store_n(p, val, __ATOMIC_RELAXED);
}

/* Release store: earlier writes are visible to an acquiring reader. */
static inline void sio_phys_write64_release(const struct sio_phys_mem *mem,
					    u64 pa, u64 val)
{
	u64 *p = __sio_phys_word(mem, pa);

	if (p)
		__atomic_store_n(p, val, __ATOMIC_RELEASE);
}

/**
 * sio_phys_cmpxchg64() - compare-and-exchange a word (acquire-release)
 * @mem: the memory
 * @pa: 8-byte aligned physical address
 * @old: expected value; on failure, updated with the value found
 * @new: value to store if the word equals *@old
 *
 * Context: any.  Return: true if @new was stored.
 */
static inline bool sio_phys_cmpxchg64(const struct sio_phys_mem *mem, u64 pa,
				      u64 *old, u64 new)
{
	u64 *p = __sio_phys_word(mem, pa);

	if (!p)
		return false;
	return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

/* Atomic exchange (acquire-release).  Return: the previous word (0 if bad). */
static inline u64 sio_phys_xchg64(const struct sio_phys_mem *mem, u64 pa,
				  u64 val)
{
	u64 *p = __sio_phys_word(mem, pa);

	return p ? __atomic_exchange_n(p, val, __ATOMIC_ACQ_REL) : 0;
}

/**
 * sio_phys_try_read64() - acquire load that reports a bad address
 * @mem: the memory
 * @pa: physical address
 * @val: where the word is stored
 *
 * For the hardware walker: an address outside RAM or misaligned is an
 * external abort for the device, not a software bug, so no WARN.
 *
 * Context: any.  Return: 0, or -EFAULT if @pa is misaligned or not in RAM.
 */
static inline int sio_phys_try_read64(const struct sio_phys_mem *mem, u64 pa,
				      u64 *val)
{
	if ((pa & 7) || !sio_phys_range_valid(mem, pa, 8))
		return -EFAULT;
	*val = __atomic_load_n((u64 *)(void *)(mem->host + (pa - mem->base)),
			       __ATOMIC_ACQUIRE);
	return 0;
}

/* Device DMA into / out of RAM: 0, or -EFAULT if the range is not in RAM. */
int sio_phys_copy_to(struct sio_phys_mem *mem, u64 pa, const void *src,
		     size_t len);

int sio_phys_copy_from(struct sio_phys_mem *mem, u64 pa, void *dst, size_t len);

#endif /* SIO_MEM_PHYS_MEM_H */
