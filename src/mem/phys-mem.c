// SPDX-License-Identifier: BSD-3-Clause
/*
 * Simulated machine RAM: lazily backed host mapping and a buddy allocator
 * of 4 KiB frames whose free frames are always zero.
 * Kernel counterpart: mm/page_alloc.c
 */
#include <string.h>
#include <sys/mman.h>

#include "base/base.h"
#include "mem/phys-mem.h"

#define FRAME_FREE  0x80 /* head of a free block */
#define FRAME_ALLOC 0x40 /* head of an allocated block */
#define FRAME_ORDER 0x1f
#define NIL	    UINT32_MAX
#define PA_LIMIT    (1ULL << 52) /* largest LPAE output address space */

/* Blocks from this order up are zeroed by dropping their host pages. */
#define ZERO_BY_MADVISE_ORDER 4

static void *map_anon(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static size_t meta_bytes(u64 nr_frames)
{
	/* frame_state[], padded to 4 bytes, then next[] and prev[] */
	return ALIGN((size_t)nr_frames, 4) +
	       (size_t)nr_frames * 2 * sizeof(u32);
}

static void __free_list_push(struct sio_phys_mem *mem, u32 idx,
			     unsigned int order)
{
	u32 head = mem->free_head[order];

	lockdep_assert_held(&mem->lock);
	mem->frame_state[idx] = FRAME_FREE | order;
	mem->prev[idx] = NIL;
	mem->next[idx] = head;
	if (head != NIL)
		mem->prev[head] = idx;
	mem->free_head[order] = idx;
}

static void __free_list_del(struct sio_phys_mem *mem, u32 idx,
			    unsigned int order)
{
	u32 next = mem->next[idx], prev = mem->prev[idx];

	lockdep_assert_held(&mem->lock);
	if (prev != NIL)
		mem->next[prev] = next;
	else
		mem->free_head[order] = next;
	if (next != NIL)
		mem->prev[next] = prev;
	mem->frame_state[idx] = 0;
}

/**
 * sio_phys_mem_create() - create simulated RAM
 * @base: first physical address (frame aligned, non-zero; 0 picks
 *        SIO_PHYS_MEM_DEFAULT_BASE)
 * @size: bytes (frame aligned, non-zero; 0 picks SIO_PHYS_MEM_DEFAULT_SIZE);
 *        base + size must not exceed 2^52
 *
 * The host mapping is reserved, not committed: only frames that are
 * touched cost host memory.  The largest block order is bounded by the
 * alignment of @base.
 *
 * Context: any thread; may sleep.
 * Return: the memory, ERR_PTR(-EINVAL) for a bad range, ERR_PTR(-ENOMEM).
 */
struct sio_phys_mem *sio_phys_mem_create(u64 base, u64 size)
{
	struct sio_phys_mem *mem;
	unsigned int order;
	u8 *meta;
	u64 i;

	if (!base)
		base = SIO_PHYS_MEM_DEFAULT_BASE;
	if (!size)
		size = SIO_PHYS_MEM_DEFAULT_SIZE;
	if (!IS_ALIGNED(base, SIO_PHYS_FRAME_SIZE) ||
	    !IS_ALIGNED(size, SIO_PHYS_FRAME_SIZE) || base >= PA_LIMIT ||
	    size > PA_LIMIT - base || (size >> SIO_PHYS_FRAME_SHIFT) >= NIL ||
	    size > (u64)SIZE_MAX / 2)
		return ERR_PTR(-EINVAL);

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return ERR_PTR(-ENOMEM);
	mem->base = base;
	mem->size = size;
	mem->nr_frames = size >> SIO_PHYS_FRAME_SHIFT;
	mem->max_order = min_t(unsigned int, SIO_PHYS_MAX_ORDER,
			       __builtin_ctzll(base) - SIO_PHYS_FRAME_SHIFT);
	mem->host = map_anon(size);
	if (!mem->host)
		goto err_free_mem;
	meta = map_anon(meta_bytes(mem->nr_frames));
	if (!meta)
		goto err_unmap_host;
	mem->frame_state = meta;
	mem->next = (u32 *)(void *)(meta + ALIGN(mem->nr_frames, 4));
	mem->prev = mem->next + mem->nr_frames;
	spin_lock_init(&mem->lock);

	/* Carve RAM into the largest naturally aligned free blocks. */
	for (order = 0; order <= SIO_PHYS_MAX_ORDER; order++)
		mem->free_head[order] = NIL;
	spin_lock(&mem->lock);
	for (i = 0; i < mem->nr_frames; i += 1ULL << order) {
		order = mem->max_order;
		while (order && (!IS_ALIGNED(i, 1ULL << order) ||
				 i + (1ULL << order) > mem->nr_frames))
			order--;
		__free_list_push(mem, (u32)i, order);
	}
	mem->nr_free = mem->nr_frames;
	spin_unlock(&mem->lock);
	return mem;

err_unmap_host:
	munmap(mem->host, size);
err_free_mem:
	kfree(mem);
	return ERR_PTR(-ENOMEM);
}

/**
 * sio_phys_mem_destroy() - release simulated RAM
 * @mem: memory from sio_phys_mem_create(), or NULL/ERR_PTR (ignored)
 *
 * WARNs if frames are still allocated (a leak of page tables or buffers);
 * the memory is released anyway.
 *
 * Context: may sleep; no other user of @mem may be running.
 */
void sio_phys_mem_destroy(struct sio_phys_mem *mem)
{
	if (IS_ERR_OR_NULL(mem))
		return;
	WARN(sio_phys_nr_live_pages(mem),
	     "sio_phys_mem: %ld frames still allocated at destroy",
	     sio_phys_nr_live_pages(mem));
	mutex_destroy(&mem->lock);
	munmap(mem->frame_state, meta_bytes(mem->nr_frames));
	munmap(mem->host, mem->size);
	kfree(mem);
}

/* Frame allocations take part in fail-nth sweeps like kmalloc does. */
static bool frame_alloc_injected(gfp_t gfp)
{
	return sio_fail_nth_should_fail(gfp);
}

/**
 * sio_phys_alloc_pages() - allocate 2^@order zeroed, naturally aligned frames
 * @mem: the memory
 * @order: log2 of the number of frames (0..mem->max_order)
 * @gfp: GFP_* flags; the allocation takes part in fail-nth injection
 * @pa: where the physical address of the first frame is stored
 *
 * Free frames are kept zeroed, so nothing is cleared here.
 *
 * Context: any thread, under any lock; takes @mem->lock, a leaf.
 * Return: 0 with *@pa set, -EINVAL for an order above mem->max_order,
 * -ENOMEM when no block is free or when fail-nth injection fires.
 */
int sio_phys_alloc_pages(struct sio_phys_mem *mem, unsigned int order,
			 gfp_t gfp, u64 *pa)
{
	unsigned int k;
	u32 idx;

	if (order > mem->max_order)
		return -EINVAL;
	if (frame_alloc_injected(gfp))
		return -ENOMEM;

	spin_lock(&mem->lock);
	for (k = order; k <= mem->max_order; k++)
		if (mem->free_head[k] != NIL)
			break;
	if (k > mem->max_order) {
		spin_unlock(&mem->lock);
		return -ENOMEM;
	}
	idx = mem->free_head[k];
	__free_list_del(mem, idx, k);
	/* Split: the upper halves go back on the free lists. */
	while (k > order) {
		k--;
		__free_list_push(mem, idx + (1U << k), k);
	}
	mem->frame_state[idx] = FRAME_ALLOC | order;
	mem->nr_free -= 1ULL << order;
	spin_unlock(&mem->lock);

	/* Free frames are zero: nothing to clear. */
	__atomic_add_fetch(&mem->nr_live, 1L << order, __ATOMIC_RELAXED);
	*pa = mem->base + ((u64)idx << SIO_PHYS_FRAME_SHIFT);
	return 0;
}

static void zero_block(struct sio_phys_mem *mem, u32 idx, unsigned int order)
{
	u8 *p = mem->host + ((u64)idx << SIO_PHYS_FRAME_SHIFT);
	size_t bytes = (size_t)SIO_PHYS_FRAME_SIZE << order;

	/* Dropping the host pages both zeroes them and returns the memory. */
	if (order >= ZERO_BY_MADVISE_ORDER && !madvise(p, bytes, MADV_DONTNEED))
		return;
	memset(p, 0, bytes);
}

/**
 * sio_phys_free_pages() - free a block from sio_phys_alloc_pages()
 * @mem: the memory
 * @pa: its physical address
 * @order: the order it was allocated with
 *
 * Zeroes the block (outside @mem->lock) and merges it with free buddies.
 * WARNs (and does nothing) on a double free, a wrong order or a PA that is
 * not the head of an allocated block.  The caller guarantees that nobody,
 * the hardware walker included, still accesses the block.
 *
 * Context: any thread, under any lock; takes @mem->lock, a leaf.
 */
void sio_phys_free_pages(struct sio_phys_mem *mem, u64 pa, unsigned int order)
{
	u64 off = pa - mem->base;
	unsigned int k;
	u32 idx;
	u8 state;

	if (WARN(pa < mem->base || off >= mem->size || order > mem->max_order ||
			 !IS_ALIGNED(off, SIO_PHYS_FRAME_SIZE << order),
		 "sio_phys_free_pages: bad block %#llx order %u",
		 (unsigned long long)pa, order))
		return;
	idx = (u32)(off >> SIO_PHYS_FRAME_SHIFT);

	spin_lock(&mem->lock);
	state = mem->frame_state[idx];
	if (state == (FRAME_ALLOC | order))
		mem->frame_state[idx] = 0; /* ours until it is on a list */
	spin_unlock(&mem->lock);
	if (WARN(state != (FRAME_ALLOC | order),
		 "sio_phys_free_pages: %#llx order %u is not an allocated block (state %#x)",
		 (unsigned long long)pa, order, state))
		return;

	zero_block(mem, idx, order);
	__atomic_sub_fetch(&mem->nr_live, 1L << order, __ATOMIC_RELAXED);

	spin_lock(&mem->lock);
	mem->nr_free += 1ULL << order;
	for (k = order; k < mem->max_order; k++) {
		u32 buddy = idx ^ (1U << k);

		if (buddy >= mem->nr_frames ||
		    mem->frame_state[buddy] != (FRAME_FREE | k))
			break;
		__free_list_del(mem, buddy, k);
		idx = min(idx, buddy);
	}
	__free_list_push(mem, idx, k);
	spin_unlock(&mem->lock);
}

/**
 * sio_phys_nr_live_pages() - frames currently allocated (leak checks)
 * @mem: the memory
 *
 * Context: any thread; a lock-free, racy snapshot.
 * Return: the number of allocated frames.
 */
long sio_phys_nr_live_pages(struct sio_phys_mem *mem)
{
	return __atomic_load_n(&mem->nr_live, __ATOMIC_RELAXED);
}

/**
 * sio_phys_nr_free_pages() - frames currently free
 * @mem: the memory
 *
 * Context: any thread; takes @mem->lock (a leaf).  The value may be stale
 * by the time the caller looks at it.
 * Return: the number of free frames.
 */
u64 sio_phys_nr_free_pages(struct sio_phys_mem *mem)
{
	u64 n;

	spin_lock(&mem->lock);
	n = mem->nr_free;
	spin_unlock(&mem->lock);
	return n;
}

/**
 * __sio_phys_bad_access() - WARN about a misaligned or out-of-RAM access
 * by the plain 64-bit accessors
 * @mem: the memory
 * @pa: the bad physical address
 *
 * Out of line so the inline accessors stay small; such an access is a
 * driver or page-table bug.
 *
 * Context: any thread, under any lock.
 */
void __sio_phys_bad_access(const struct sio_phys_mem *mem, u64 pa)
{
	WARN(1, "sio_phys: bad 64-bit access at %#llx (RAM %#llx-%#llx)",
	     (unsigned long long)pa, (unsigned long long)mem->base,
	     (unsigned long long)(mem->base + mem->size - 1));
}

/**
 * sio_phys_copy_to() - device DMA write: copy bytes into RAM
 * @mem: the memory
 * @pa: destination physical address
 * @src: source bytes (host memory)
 * @len: bytes
 *
 * Not atomic: concurrent accesses to the same bytes see a mix.
 *
 * Context: any thread; takes no lock.
 * Return: 0, or -EFAULT if [@pa, @pa + @len) is not in RAM (nothing is
 * copied then).
 */
int sio_phys_copy_to(struct sio_phys_mem *mem, u64 pa, const void *src,
		     size_t len)
{
	void *dst = sio_phys_to_virt(mem, pa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

/**
 * sio_phys_copy_from() - device DMA read: copy bytes out of RAM
 * @mem: the memory
 * @pa: source physical address
 * @dst: destination (host memory)
 * @len: bytes
 *
 * Not atomic, like sio_phys_copy_to().
 *
 * Context: any thread; takes no lock.
 * Return: 0, or -EFAULT if [@pa, @pa + @len) is not in RAM (@dst is left
 * untouched then).
 */
int sio_phys_copy_from(struct sio_phys_mem *mem, u64 pa, void *dst, size_t len)
{
	const void *src = sio_phys_to_virt(mem, pa, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}
