// SPDX-License-Identifier: BSD-3-Clause
/*
 * IOVA range caches: per-CPU-slot magazine pairs and a depot of full
 * magazines per size class (Bonwick's magazines), depot trimming, and the
 * alloc_iova_fast()/free_iova_fast() entry points built on them.
 * Kernel counterpart: drivers/iommu/iova.c (the rcache half)
 */
#include <assert.h>

#include "base/alloc.h"
#include "base/bug.h"
#include "base/err.h"
#include "base/workqueue.h"
#include "dma/dma-priv.h"
#include "dma/iova.h"

struct iova_magazine {
	union {
		unsigned long size; /* pfns in use, while loaded */
		struct iova_magazine *next; /* in the depot (always full) */
	};
	unsigned long pfns[IOVA_MAG_SIZE];
};
static_assert(sizeof(struct iova_magazine) == 1024, "a magazine is 1 KiB");

struct iova_cpu_rcache {
	/*
	 * Protects loaded and prev.  Taken by whoever runs on this slot's
	 * CPU (uncontended in the common case) and by cache flushes.  Nests
	 * outside the depot lock and iova_rbtree_lock; inside a flush-queue
	 * ring lock.
	 */
	spinlock_t lock;
	struct iova_magazine *loaded; /* never NULL once set up */
	struct iova_magazine *prev; /* never NULL once set up */
	char pad[64]; /* keep slots off each other's lines */
};

struct iova_rcache {
	/*
	 * Protects depot, depot_size and dying.  Nests inside a slot lock;
	 * never held with iova_rbtree_lock; queues the trimming work inside.
	 */
	spinlock_t lock;
	unsigned int depot_size;
	struct iova_magazine *depot; /* singly linked full magazines */
	bool dying; /* teardown: do not re-arm @work */
	struct iova_cpu_rcache *cpu_rcaches; /* nr_cpu_slots of them */
	struct iova_domain *iovad;
	struct workqueue_struct *wq;
	struct delayed_work work; /* depot trimming */
};

/* ceil(log2(size)) */
static unsigned int order_base_2(unsigned long size)
{
	return size <= 1 ? 0 : ilog2_ul(size - 1) + 1;
}

static struct iova_magazine *iova_magazine_alloc(gfp_t gfp)
{
	struct iova_magazine *mag = kmalloc(sizeof(*mag), gfp);

	if (mag)
		mag->size = 0;
	return mag;
}

static bool iova_magazine_full(const struct iova_magazine *mag)
{
	return mag->size == IOVA_MAG_SIZE;
}

static bool iova_magazine_empty(const struct iova_magazine *mag)
{
	return mag->size == 0;
}

static void iova_magazine_push(struct iova_magazine *mag, unsigned long pfn)
{
	mag->pfns[mag->size++] = pfn;
}

/* Highest-index pfn <= @limit_pfn, swap-removed; 0 if none qualifies. */
static unsigned long iova_magazine_pop(struct iova_magazine *mag,
				       unsigned long limit_pfn)
{
	unsigned long i, pfn;

	for (i = mag->size; i-- > 0;) {
		if (mag->pfns[i] <= limit_pfn) {
			pfn = mag->pfns[i];
			mag->pfns[i] = mag->pfns[--mag->size];
			return pfn;
		}
	}
	return 0;
}

/* Give every pfn of @mag back to the tree; @mag ends empty. */
static void iova_magazine_free_pfns(struct iova_magazine *mag,
				    struct iova_domain *iovad)
{
	unsigned long i;

	spin_lock(&iovad->iova_rbtree_lock);
	for (i = 0; i < mag->size; i++) {
		struct iova *iova = __iova_find(iovad, mag->pfns[i]);

		if (WARN_ON(!iova))
			continue;
		__iova_remove(iovad, iova);
		kfree(iova);
	}
	spin_unlock(&iovad->iova_rbtree_lock);
	mag->size = 0;
}

static void __iova_depot_push(struct iova_rcache *rcache,
			      struct iova_magazine *mag)
{
	lockdep_assert_held(&rcache->lock);
	mag->next = rcache->depot;
	rcache->depot = mag;
	rcache->depot_size++;
}

static struct iova_magazine *__iova_depot_pop(struct iova_rcache *rcache)
{
	struct iova_magazine *mag = rcache->depot;

	lockdep_assert_held(&rcache->lock);
	rcache->depot = mag->next;
	rcache->depot_size--;
	mag->size = IOVA_MAG_SIZE;
	return mag;
}

/* Arm trimming if the depot holds more than one magazine per CPU slot. */
static void __iova_depot_schedule_trim(struct iova_rcache *rcache)
{
	lockdep_assert_held(&rcache->lock);
	if (!rcache->dying && rcache->depot_size > rcache->iovad->nr_cpu_slots)
		queue_delayed_work(rcache->wq, &rcache->work,
				   IOVA_DEPOT_DELAY_MS);
}

/* Trimming: one magazine back to the tree per period, down to the limit. */
static void iova_depot_work_func(struct work_struct *work)
{
	struct iova_rcache *rcache =
		container_of(to_delayed_work(work), struct iova_rcache, work);
	struct iova_magazine *mag = NULL;

	spin_lock(&rcache->lock);
	if (rcache->depot_size > rcache->iovad->nr_cpu_slots)
		mag = __iova_depot_pop(rcache);
	spin_unlock(&rcache->lock);
	if (!mag)
		return;

	iova_magazine_free_pfns(mag, rcache->iovad);
	kfree(mag);

	spin_lock(&rcache->lock);
	__iova_depot_schedule_trim(rcache);
	spin_unlock(&rcache->lock);
}

/* Free magazines, locks and arrays of @rcaches (partially set up is fine). */
static void iova_rcaches_release(struct iova_rcache *rcaches,
				 unsigned int nr_slots)
{
	struct iova_magazine *mag;
	unsigned int i, j;

	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &rcaches[i];

		/* The pfns die with the tree; only the magazines go here. */
		while ((mag = rcache->depot)) {
			rcache->depot = mag->next;
			kfree(mag);
		}
		if (rcache->cpu_rcaches) {
			for (j = 0; j < nr_slots; j++) {
				kfree(rcache->cpu_rcaches[j].loaded);
				kfree(rcache->cpu_rcaches[j].prev);
				mutex_destroy(&rcache->cpu_rcaches[j].lock);
			}
			kfree(rcache->cpu_rcaches);
		}
		mutex_destroy(&rcache->lock);
	}
	kfree(rcaches);
}

/**
 * iova_domain_init_rcaches() - set up the range caches of @iovad
 * @iovad: an initialised domain without rcaches
 *
 * Allocates, per size class, two empty magazines for every CPU slot and
 * prepares the depot trimming work.
 * Context: may sleep.
 * Return: 0, -ENOMEM (nothing left allocated), -EBUSY if already done.
 */
int iova_domain_init_rcaches(struct iova_domain *iovad)
{
	unsigned int nr_slots = sio_dma_nr_cpu_slots();
	struct iova_rcache *rcaches;
	struct workqueue_struct *wq;
	unsigned int i, j;

	if (WARN_ON(!iovad->granule))
		return -EINVAL;
	if (iovad->rcaches)
		return -EBUSY;

	rcaches = kcalloc(IOVA_RANGE_CACHE_MAX_SIZE, sizeof(*rcaches),
			  GFP_KERNEL);
	if (!rcaches)
		return -ENOMEM;
	/* Every lock first, so the release path can destroy them all. */
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		spin_lock_init(&rcaches[i].lock);
		rcaches[i].iovad = iovad;
		INIT_DELAYED_WORK(&rcaches[i].work, iova_depot_work_func);
	}
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &rcaches[i];

		rcache->cpu_rcaches = kzalloc(
			nr_slots * sizeof(*rcache->cpu_rcaches), GFP_KERNEL);
		if (!rcache->cpu_rcaches)
			goto out_release;
		for (j = 0; j < nr_slots; j++)
			spin_lock_init(&rcache->cpu_rcaches[j].lock);
		for (j = 0; j < nr_slots; j++) {
			struct iova_cpu_rcache *cpu_rcache =
				&rcache->cpu_rcaches[j];

			cpu_rcache->loaded = iova_magazine_alloc(GFP_KERNEL);
			cpu_rcache->prev = iova_magazine_alloc(GFP_KERNEL);
			if (!cpu_rcache->loaded || !cpu_rcache->prev)
				goto out_release;
		}
	}
	wq = sio_dma_wq_get();
	if (!wq)
		goto out_release;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++)
		rcaches[i].wq = wq;

	iovad->nr_cpu_slots = nr_slots;
	iovad->rcaches = rcaches;
	return 0;

out_release:
	iova_rcaches_release(rcaches, nr_slots);
	return -ENOMEM;
}

/**
 * free_iova_rcaches() - stop trimming and free every cache of @iovad
 * @iovad: the domain, being torn down
 *
 * Cached pfns stay in the tree (put_iova_domain() frees it).
 * Context: may sleep; no other user of @iovad.
 */
void free_iova_rcaches(struct iova_domain *iovad)
{
	struct iova_rcache *rcaches = iovad->rcaches;
	unsigned int i;

	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &rcaches[i];

		/* The work re-arms itself only while !dying. */
		spin_lock(&rcache->lock);
		rcache->dying = true;
		spin_unlock(&rcache->lock);
		cancel_delayed_work_sync(&rcache->work);
	}
	sio_dma_wq_put();
	iova_rcaches_release(rcaches, iovad->nr_cpu_slots);
	iovad->rcaches = NULL;
}

static void swap_mags(struct iova_cpu_rcache *cpu_rcache)
{
	struct iova_magazine *tmp = cpu_rcache->loaded;

	cpu_rcache->loaded = cpu_rcache->prev;
	cpu_rcache->prev = tmp;
}

/*
 * Into CPU slot @slot's cache.  False if there was no room: the caller
 * frees @pfn to the tree.
 */
static bool iova_rcache_insert(struct iova_domain *iovad, unsigned long pfn,
			       unsigned long size, unsigned int slot)
{
	unsigned int log_size = order_base_2(size);
	struct iova_cpu_rcache *cpu_rcache;
	struct iova_magazine *new_mag;
	struct iova_rcache *rcache;
	bool can_insert = false;

	if (!iovad->rcaches || log_size >= IOVA_RANGE_CACHE_MAX_SIZE)
		return false;
	rcache = &iovad->rcaches[log_size];
	cpu_rcache = &rcache->cpu_rcaches[slot % iovad->nr_cpu_slots];

	spin_lock(&cpu_rcache->lock);
	if (!iova_magazine_full(cpu_rcache->loaded)) {
		can_insert = true;
	} else if (!iova_magazine_full(cpu_rcache->prev)) {
		swap_mags(cpu_rcache);
		can_insert = true;
	} else {
		new_mag = iova_magazine_alloc(GFP_ATOMIC);
		if (new_mag) {
			spin_lock(&rcache->lock);
			__iova_depot_push(rcache, cpu_rcache->loaded);
			__iova_depot_schedule_trim(rcache);
			spin_unlock(&rcache->lock);
			cpu_rcache->loaded = new_mag;
			can_insert = true;
		}
	}
	if (can_insert)
		iova_magazine_push(cpu_rcache->loaded, pfn);
	spin_unlock(&cpu_rcache->lock);
	return can_insert;
}

/* A cached pfn whose range of @size ends at or below @limit_pfn, or 0. */
static unsigned long iova_rcache_get(struct iova_domain *iovad,
				     unsigned long size,
				     unsigned long limit_pfn)
{
	unsigned int log_size = order_base_2(size);
	struct iova_cpu_rcache *cpu_rcache;
	struct iova_rcache *rcache;
	unsigned long pfn = 0;
	bool has_pfn = false;

	if (!iovad->rcaches || log_size >= IOVA_RANGE_CACHE_MAX_SIZE ||
	    limit_pfn < size - 1)
		return 0;
	rcache = &iovad->rcaches[log_size];
	cpu_rcache =
		&rcache->cpu_rcaches[sio_dma_cpu_slot(iovad->nr_cpu_slots)];

	spin_lock(&cpu_rcache->lock);
	if (!iova_magazine_empty(cpu_rcache->loaded)) {
		has_pfn = true;
	} else if (!iova_magazine_empty(cpu_rcache->prev)) {
		swap_mags(cpu_rcache);
		has_pfn = true;
	} else {
		spin_lock(&rcache->lock);
		if (rcache->depot) {
			kfree(cpu_rcache->loaded);
			cpu_rcache->loaded = __iova_depot_pop(rcache);
			has_pfn = true;
		}
		spin_unlock(&rcache->lock);
	}
	if (has_pfn)
		pfn = iova_magazine_pop(cpu_rcache->loaded,
					limit_pfn - (size - 1));
	spin_unlock(&cpu_rcache->lock);
	return pfn;
}

/**
 * free_cpu_cached_iovas() - return one CPU slot's magazines to the tree
 * @cpu: slot index (taken modulo the slot count)
 * @iovad: the domain
 *
 * Context: any; takes the slot lock, then iova_rbtree_lock.
 */
void free_cpu_cached_iovas(unsigned int cpu, struct iova_domain *iovad)
{
	unsigned int i;

	if (!iovad->rcaches)
		return;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_cpu_rcache *cpu_rcache =
			&iovad->rcaches[i]
				 .cpu_rcaches[cpu % iovad->nr_cpu_slots];

		spin_lock(&cpu_rcache->lock);
		iova_magazine_free_pfns(cpu_rcache->loaded, iovad);
		iova_magazine_free_pfns(cpu_rcache->prev, iovad);
		spin_unlock(&cpu_rcache->lock);
	}
}

/**
 * free_global_cached_iovas() - return every depot magazine to the tree
 * @iovad: the domain
 *
 * Context: any; takes each depot lock, then iova_rbtree_lock.
 */
void free_global_cached_iovas(struct iova_domain *iovad)
{
	struct iova_magazine *mag, *next;
	unsigned int i;

	if (!iovad->rcaches)
		return;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &iovad->rcaches[i];

		/* Detach under the lock, give back outside it. */
		spin_lock(&rcache->lock);
		mag = rcache->depot;
		rcache->depot = NULL;
		rcache->depot_size = 0;
		spin_unlock(&rcache->lock);
		for (; mag; mag = next) {
			next = mag->next;
			mag->size = IOVA_MAG_SIZE;
			iova_magazine_free_pfns(mag, iovad);
			kfree(mag);
		}
	}
}

/*
 * cpu_spread refill after a miss: take an aligned block of
 * IOVA_SPREAD_PFNS granules, return its top range and cache the others in
 * this CPU slot, lowest first, so that they come back top-down as single
 * allocations would.  Two CPUs then map into different page-table cache
 * lines.  Return: a pfn, or 0 (no memory, no such block: allocate singly).
 */
static unsigned long iova_rcache_refill(struct iova_domain *iovad,
					unsigned long size,
					unsigned long limit_pfn)
{
	unsigned int log_size = order_base_2(size), n, i, pushed = 0;
	struct iova *nodes[IOVA_SPREAD_PFNS];
	struct iova_cpu_rcache *cpu_rcache;

	if (!iovad->cpu_spread || !iovad->rcaches ||
	    size >= IOVA_SPREAD_PFNS || log_size >= IOVA_RANGE_CACHE_MAX_SIZE)
		return 0;
	n = IOVA_SPREAD_PFNS / size;
	for (i = 0; i < n; i++) {
		nodes[i] = kzalloc(sizeof(*nodes[i]), GFP_ATOMIC);
		if (!nodes[i])
			goto err_free_nodes;
	}
	if (alloc_iova_block(iovad, size, limit_pfn, nodes, n))
		goto err_free_nodes;

	cpu_rcache = &iovad->rcaches[log_size]
			      .cpu_rcaches[sio_dma_cpu_slot(iovad->nr_cpu_slots)];
	spin_lock(&cpu_rcache->lock);
	for (; pushed + 1 < n && !iova_magazine_full(cpu_rcache->loaded);
	     pushed++)
		iova_magazine_push(cpu_rcache->loaded, nodes[pushed]->pfn_lo);
	spin_unlock(&cpu_rcache->lock);
	/* No room left in the magazine: back to the tree. */
	for (i = pushed; i + 1 < n; i++)
		__free_iova(iovad, nodes[i]);
	return nodes[n - 1]->pfn_lo;

err_free_nodes:
	while (i-- > 0)
		kfree(nodes[i]);
	return 0;
}

/**
 * alloc_iova_fast() - allocate through the range caches
 * @iovad: the domain
 * @size: pfns; below 32 rounded up to a power of two
 * @limit_pfn: highest pfn the range may use (inclusive)
 * @flush_rcache: on failure, empty every cache and retry once
 *
 * The result is always size-aligned (rule 79).  With the rcaches set up
 * the fast path takes one uncontended lock (this CPU slot's).
 * Context: any; takes a CPU slot lock, maybe the depot and tree locks.
 * Return: the first pfn, or 0 when no room.
 */
unsigned long alloc_iova_fast(struct iova_domain *iovad, unsigned long size,
			      unsigned long limit_pfn, bool flush_rcache)
{
	unsigned long pfn;
	struct iova *new;
	unsigned int cpu;

	if (!size)
		return 0;
	/* Below the largest cached size, round up so the range is reusable. */
	if (size < (1UL << (IOVA_RANGE_CACHE_MAX_SIZE - 1)))
		size = roundup_pow_of_two(size);

	pfn = iova_rcache_get(iovad, size, limit_pfn);
	if (pfn)
		return pfn;
	pfn = iova_rcache_refill(iovad, size, limit_pfn);
	if (pfn)
		return pfn;

	for (;;) {
		new = alloc_iova(iovad, size, limit_pfn, true);
		if (new)
			return new->pfn_lo;
		if (!flush_rcache)
			return 0;
		/* Cached ranges may be what blocks us: flush once, retry. */
		flush_rcache = false;
		for (cpu = 0; cpu < iovad->nr_cpu_slots; cpu++)
			free_cpu_cached_iovas(cpu, iovad);
		free_global_cached_iovas(iovad);
	}
}

/**
 * free_iova_fast() - give back a range from alloc_iova_fast()
 * @iovad: the domain
 * @pfn: its first pfn
 * @size: the size passed to alloc_iova_fast()
 *
 * Context: any; as alloc_iova_fast().
 */
void free_iova_fast(struct iova_domain *iovad, unsigned long pfn,
		    unsigned long size)
{
	if (iovad->rcaches &&
	    iova_rcache_insert(iovad, pfn, size,
			       sio_dma_cpu_slot(iovad->nr_cpu_slots)))
		return;
	free_iova(iovad, pfn);
}

/**
 * free_iova_fast_slot() - free_iova_fast() into CPU slot @slot's cache
 * @iovad: the allocator
 * @pfn: first pfn of the range
 * @size: its size in granules
 * @slot: CPU slot (taken modulo the number of slots)
 *
 * For a flush queue releasing, from any CPU, what another CPU queued: the
 * range goes back where that CPU will allocate it again.
 * Context: any; takes the slot's cache lock (or the tree lock).
 */
void free_iova_fast_slot(struct iova_domain *iovad, unsigned long pfn,
			 unsigned long size, unsigned int slot)
{
	if (iova_rcache_insert(iovad, pfn, size, slot))
		return;
	free_iova(iovad, pfn);
}

/**
 * iova_rcache_cached_pfns() - pfns held by @iovad's range caches, depots
 * included (ranges times their class size)
 * @iovad: the domain
 *
 * Context: any; takes each slot and depot lock in turn (racy unless the
 * caller quiesced the domain; for tests and the bench).
 * Return: the pfn count (0 without range caches).
 */
unsigned long iova_rcache_cached_pfns(struct iova_domain *iovad)
{
	unsigned long n = 0;
	unsigned int i, j;

	if (!iovad->rcaches)
		return 0;
	for (i = 0; i < IOVA_RANGE_CACHE_MAX_SIZE; i++) {
		struct iova_rcache *rcache = &iovad->rcaches[i];

		for (j = 0; j < iovad->nr_cpu_slots; j++) {
			struct iova_cpu_rcache *c = &rcache->cpu_rcaches[j];

			spin_lock(&c->lock);
			n += (c->loaded->size + c->prev->size) << i;
			spin_unlock(&c->lock);
		}
		spin_lock(&rcache->lock);
		n += ((unsigned long)rcache->depot_size * IOVA_MAG_SIZE) << i;
		spin_unlock(&rcache->lock);
	}
	return n;
}

/**
 * iova_rcache_depot_size() - magazines in the depot of one size class
 * @iovad: the domain
 * @log_size: the class, 0..IOVA_RANGE_CACHE_MAX_SIZE - 1
 *
 * Context: any; takes the depot lock (racy snapshot, for tests).
 * Return: the count (0 without range caches or for a bad @log_size).
 */
unsigned int iova_rcache_depot_size(struct iova_domain *iovad,
				    unsigned int log_size)
{
	unsigned int n;

	if (!iovad->rcaches || log_size >= IOVA_RANGE_CACHE_MAX_SIZE)
		return 0;
	spin_lock(&iovad->rcaches[log_size].lock);
	n = iovad->rcaches[log_size].depot_size;
	spin_unlock(&iovad->rcaches[log_size].lock);
	return n;
}
