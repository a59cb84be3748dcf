// SPDX-License-Identifier: BSD-3-Clause
/*
 * Software SMMU caches: the IOTLB (set-associative, tagged by VMID, ASID,
 * regime and page size; lock-free lookups) and the configuration cache of
 * STEs and CDs, with their invalidation.
 * Kernel counterpart: none (hardware)
 *
 * Both caches are arrays of slots protected by per-slot sequence counters
 * (see struct sio_hw_smmu_tlb_slot).  A reader copies a slot between two reads
 * of its counter; a writer (fill or invalidation) owns a slot while its
 * counter is odd.  Fills race with invalidations through the cache epoch:
 * every invalidation bumps the epoch before scanning, and a fill whose walk
 * started under an older epoch is abandoned after it owns its slot; the
 * epoch bump and the slot ownership are sequentially consistent atomics, so
 * either the fill sees the new epoch or the scan sees (and waits for) the
 * fill.
 */
#include <sched.h>
#include "hw/hw-smmu-priv.h"

/* ---------------------------------------------------------- slot protocol */

/* Take ownership of a slot.  Return: the even sequence it had. */
static u64 slot_lock(_Atomic u64 *seq)
{
	u64 s;

	for (;;) {
		s = atomic_load_explicit(seq, memory_order_relaxed);
		if (!(s & 1) && atomic_compare_exchange_weak(seq, &s, s + 1))
			break;
		sched_yield();
	}
	/* Order the odd sequence before the data stores (seqcount writer). */
	atomic_thread_fence(memory_order_release);
	return s;
}

/* Try once.  Return: true and *@old = the even sequence when owned. */
static bool slot_trylock(_Atomic u64 *seq, u64 *old)
{
	u64 s = atomic_load_explicit(seq, memory_order_relaxed);

	if ((s & 1) || !atomic_compare_exchange_strong(seq, &s, s + 1))
		return false;
	atomic_thread_fence(memory_order_release);
	*old = s;
	return true;
}

static void slot_unlock(_Atomic u64 *seq, u64 old)
{
	atomic_store_explicit(seq, old + 2, memory_order_release);
}

static inline u64 ld(_Atomic u64 *p)
{
	return atomic_load_explicit(p, memory_order_relaxed);
}

static inline void st(_Atomic u64 *p, u64 v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

/* Snapshot the words of a tlb slot.  Return: false if torn or being written. */
static bool tlb_slot_read(struct sio_hw_smmu_tlb_slot *s, u64 *tag, u64 *iova,
			  u64 *pa, u64 *seq)
{
	u64 s1 = atomic_load_explicit(&s->seq, memory_order_acquire), s2;

	if (s1 & 1)
		return false;
	*tag = ld(&s->tag);
	*iova = ld(&s->iova);
	*pa = ld(&s->pa);
	atomic_thread_fence(memory_order_acquire);
	s2 = atomic_load_explicit(&s->seq, memory_order_relaxed);
	*seq = s1;
	return s1 == s2;
}

/* ------------------------------------------------------------------ IOTLB */

/**
 * sio_hw_smmu_iotlb_init() - allocate the IOTLB and the configuration cache
 * @smmu: the SMMU being created; its configuration is already checked
 *
 * Both start empty (every slot invalid, epochs 0).
 *
 * Context: sio_hw_smmu_create(), before @smmu is visible; may sleep.
 * Return: 0, or -ENOMEM (nothing is left allocated).
 */
int sio_hw_smmu_iotlb_init(struct sio_hw_smmu *smmu)
{
	struct sio_hw_smmu_iotlb *t = &smmu->tlb;
	struct sio_hw_smmu_cfg_cache *c = &smmu->cfgc;

	t->ways = smmu->cfg.iotlb_ways;
	t->nsets = smmu->cfg.iotlb_entries / t->ways;
	t->policy = smmu->cfg.iotlb_policy;
	t->slots = kcalloc((size_t)t->nsets * t->ways, sizeof(*t->slots),
			   GFP_KERNEL);
	if (!t->slots)
		return -ENOMEM;
	t->hands = kcalloc(t->nsets, sizeof(*t->hands), GFP_KERNEL);
	if (!t->hands)
		goto err_free_slots;
	t->regions = kcalloc(SIO_HW_SMMU_TLB_REGIONS, sizeof(*t->regions),
			     GFP_KERNEL);
	if (!t->regions)
		goto err_free_hands;
	c->nslots = smmu->cfg.cfg_cache_entries;
	c->slots = kcalloc(c->nslots, sizeof(*c->slots), GFP_KERNEL);
	if (!c->slots)
		goto err_free_regions;
	return 0;

err_free_regions:
	kfree(t->regions);
err_free_hands:
	kfree(t->hands);
err_free_slots:
	kfree(t->slots);
	return -ENOMEM;
}

/**
 * sio_hw_smmu_iotlb_free() - free what sio_hw_smmu_iotlb_init() allocated
 * @smmu: the SMMU being destroyed
 *
 * Context: sio_hw_smmu_destroy(); no other thread may use @smmu.
 */
void sio_hw_smmu_iotlb_free(struct sio_hw_smmu *smmu)
{
	kfree(smmu->cfgc.slots);
	kfree(smmu->tlb.regions);
	kfree(smmu->tlb.hands);
	kfree(smmu->tlb.slots);
}

/**
 * sio_hw_smmu_tlb_tag() - the IOTLB tag of a translation regime
 * @kind: stage 1, stage 2 or nested
 * @vmid: the stream's VMID (0 without stage 2)
 * @asid: the CD's ASID (0 for stage 2 only)
 *
 * The size field is left 0: sio_hw_smmu_iotlb_fill() adds it per entry.
 *
 * Context: any; a pure function.
 * Return: the tag, with its valid bit set.
 */
u64 sio_hw_smmu_tlb_tag(enum sio_hw_smmu_kind kind, u16 vmid, u16 asid)
{
	return SIO_HW_SMMU_TLB_TAG_VALID |
	       SIO_SMMU_FIELD_PREP(SIO_HW_SMMU_TLB_TAG_KIND, kind) |
	       SIO_SMMU_FIELD_PREP(SIO_HW_SMMU_TLB_TAG_VMID, vmid) |
	       SIO_SMMU_FIELD_PREP(SIO_HW_SMMU_TLB_TAG_ASID, asid);
}

/*
 * Set of a translation.  The regime kind is not hashed, so that an
 * invalidation by (VMID, ASID, address) finds stage-1 and nested entries
 * with one probe.  Consecutive pages of one context land in consecutive
 * sets.
 */
static unsigned int tlb_set(struct sio_hw_smmu_iotlb *t, u64 tag, u64 iova,
			    unsigned int shift)
{
	u64 ctx =
		(tag & (SIO_HW_SMMU_TLB_TAG_VMID | SIO_HW_SMMU_TLB_TAG_ASID)) ^
		shift;

	ctx *= 0x9e3779b97f4a7c15ULL;
	return (unsigned int)(((iova >> shift) + (ctx >> 40)) &
			      (t->nsets - 1));
}

/*
 * Region bucket of an entry of 2^@shift bytes at @iova: its aligned
 * 512-entry region (2 MiB for 4 KiB pages), hashed with the size.
 */
static unsigned int tlb_region(u64 iova, unsigned int shift)
{
	u64 r = ((iova >> shift) >> 9) ^ ((u64)shift << 56);

	r *= 0x9e3779b97f4a7c15ULL;
	return (unsigned int)(r >> 40) & (SIO_HW_SMMU_TLB_REGIONS - 1);
}

static void tlb_region_dec(struct sio_hw_smmu_iotlb *t, u64 tag, u64 iova)
{
	atomic_fetch_sub(
		&t->regions[tlb_region(
			iova,
			SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_SHIFT, tag))],
		1);
}

static struct sio_hw_smmu_tlb_slot *tlb_way(struct sio_hw_smmu_iotlb *t,
					    unsigned int set, unsigned int way)
{
	return &t->slots[(size_t)set * t->ways + way];
}

/**
 * sio_hw_smmu_iotlb_epoch() - the IOTLB's invalidation epoch
 * @smmu: the SMMU
 *
 * Read before a walk and handed to sio_hw_smmu_iotlb_fill(), which
 * abandons the fill if a TLBI started meanwhile.
 *
 * Context: any thread; lock-free.
 * Return: the epoch (bumped by every TLBI before it scans).
 */
u64 sio_hw_smmu_iotlb_epoch(struct sio_hw_smmu *smmu)
{
	return atomic_load(&smmu->tlb.epoch);
}

/**
 * sio_hw_smmu_iotlb_lookup() - find a cached translation
 * @smmu: the SMMU
 * @tag: sio_hw_smmu_tlb_tag() of the transaction's context
 * @shifts: bit n set: try entries of 2^n bytes
 * @iova: input address
 * @pa: output address of @iova on a hit
 * @size_shift: the entry's log2 size
 * @perms: the entry's SIO_HW_SMMU_PERM_*
 * @slot: the slot that hit (for the checker)
 * @slot_seq: its sequence when read
 *
 * Context: any thread; lock-free.
 * Return: true on a hit.
 */
bool sio_hw_smmu_iotlb_lookup(struct sio_hw_smmu *smmu, u64 tag, u64 shifts,
			      u64 iova, u64 *pa, unsigned int *size_shift,
			      unsigned int *perms,
			      struct sio_hw_smmu_tlb_slot **slot, u64 *slot_seq)
{
	struct sio_hw_smmu_iotlb *t = &smmu->tlb;

	while (shifts) {
		unsigned int shift = __builtin_ctzll(shifts);
		u64 want =
			(tag & ~SIO_HW_SMMU_TLB_TAG_SHIFT) |
			SIO_SMMU_FIELD_PREP(SIO_HW_SMMU_TLB_TAG_SHIFT, shift);
		u64 base = iova & ~((1ULL << shift) - 1);
		unsigned int set = tlb_set(t, tag, iova, shift), w;

		shifts &= shifts - 1;
		for (w = 0; w < t->ways; w++) {
			struct sio_hw_smmu_tlb_slot *s = tlb_way(t, set, w);
			u64 etag, eiova, epa, seq;

			if (!tlb_slot_read(s, &etag, &eiova, &epa, &seq))
				continue;	/* being rewritten: a miss */
			if (etag != want || eiova != base)
				continue;
			if (t->policy == SIO_HW_IOTLB_CLOCK &&
			    !atomic_load_explicit(&s->ref,
						  memory_order_relaxed))
				atomic_store_explicit(&s->ref, 1,
						      memory_order_relaxed);
			*pa = (epa & ~0xfffULL) | (iova - base);
			*size_shift = shift;
			*perms = epa & SIO_HW_SMMU_PERM_ALL;
			*slot = s;
			*slot_seq = seq;
			return true;
		}
	}
	return false;
}

static __thread u64 tlb_rand_state;

static unsigned int tlb_victim(struct sio_hw_smmu_iotlb *t, unsigned int set)
{
	unsigned int w, i;

	for (w = 0; w < t->ways; w++)
		if (!(ld(&tlb_way(t, set, w)->tag) & SIO_HW_SMMU_TLB_TAG_VALID))
			return w;
	if (t->policy == SIO_HW_IOTLB_RANDOM) {
		u64 x = tlb_rand_state;

		if (!x)
			x = (u64)(uintptr_t)&tlb_rand_state | 1;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		tlb_rand_state = x;
		return (unsigned int)(x & (t->ways - 1));
	}
	/* Clock: clear reference bits until an unreferenced way comes up. */
	/*
	 * Plain loads and stores: racing fills may pick the same victim or
	 * lose a reference bit, which only costs a refill.
	 */
	for (i = 0; i < 2 * t->ways; i++) {
		_Atomic u8 *ref;
		u32 h = atomic_load_explicit(&t->hands[set],
					     memory_order_relaxed);

		atomic_store_explicit(&t->hands[set], h + 1,
				      memory_order_relaxed);
		w = h & (t->ways - 1);
		ref = &tlb_way(t, set, w)->ref;
		if (!atomic_load_explicit(ref, memory_order_relaxed))
			return w;
		atomic_store_explicit(ref, 0, memory_order_relaxed);
	}
	return w;
}

/**
 * sio_hw_smmu_iotlb_fill() - cache a translation found by a walk
 * @smmu: the SMMU
 * @x: the calling thread's state (counters), or NULL
 * @tag: context tag
 * @epoch: sio_hw_smmu_iotlb_epoch() read before the walk started
 * @iova: input address
 * @oa: output address of @iova
 * @size_shift: log2 of the translation's (aligned) size
 * @perms: SIO_HW_SMMU_PERM_* of the translation
 *
 * Best effort: skipped if the victim slot is busy or an invalidation ran
 * since @epoch.
 *
 * Context: any thread.
 */
void sio_hw_smmu_iotlb_fill(struct sio_hw_smmu *smmu, struct sio_hw_smmu_tls *x,
			    u64 tag, u64 epoch, u64 iova, u64 oa,
			    unsigned int size_shift, unsigned int perms)
{
	struct sio_hw_smmu_iotlb *t = &smmu->tlb;
	u64 mask = (1ULL << size_shift) - 1;
	unsigned int set = tlb_set(t, tag, iova, size_shift);
	struct sio_hw_smmu_tlb_slot *s = tlb_way(t, set, tlb_victim(t, set));
	unsigned int region = tlb_region(iova, size_shift);
	u64 old, otag;

	if (!slot_trylock(&s->seq, &old))
		return;
	/*
	 * Count the new entry in its region before the epoch check, both
	 * sequentially consistent: pairs with sio_hw_smmu_iotlb_inv_range(),
	 * which bumps the epoch before it reads the counters.  Either the
	 * invalidation sees the count or this fill sees the new epoch.
	 */
	atomic_fetch_add(&t->regions[region], 1);
	if (atomic_load(&t->epoch) != epoch) {
		atomic_fetch_sub(&t->regions[region], 1);
		slot_unlock(&s->seq, old);
		return;
	}
	otag = ld(&s->tag);
	st(&s->tag,
	   (tag & ~SIO_HW_SMMU_TLB_TAG_SHIFT) |
		   SIO_SMMU_FIELD_PREP(SIO_HW_SMMU_TLB_TAG_SHIFT, size_shift));
	if (otag & SIO_HW_SMMU_TLB_TAG_VALID) {
		tlb_region_dec(t, otag, ld(&s->iova));
		sio_hw_smmu_hot_add(smmu, x, iotlb_evictions, 1);
	}
	st(&s->iova, iova & ~mask);
	st(&s->pa, ((oa & ~mask) & ~0xfffULL) | (perms & SIO_HW_SMMU_PERM_ALL));
	st(&s->suspect, 0);
	atomic_store_explicit(&s->ref, 1, memory_order_relaxed);
	slot_unlock(&s->seq, old);
	sio_hw_smmu_hot_add(smmu, x, iotlb_fills, 1);
}

/* Start an invalidation: later fills of older walks are abandoned. */
static void tlb_inv_begin(struct sio_hw_smmu *smmu)
{
	atomic_fetch_add(&smmu->tlb.epoch, 1);
}

typedef bool (*tlb_match_fn)(u64 tag, u64 iova, const void *arg);

/* Invalidate @s if it matches; re-checked with the slot owned. */
static void tlb_inv_slot(struct sio_hw_smmu *smmu,
			 struct sio_hw_smmu_tlb_slot *s, tlb_match_fn match,
			 const void *arg)
{
	u64 tag, iova, old;

	/*
	 * A slot being written (odd) may be a fill that passed the epoch
	 * check: wait for it by taking the slot.  A stable slot that does not
	 * match can be skipped without taking it: a fill that takes it after
	 * this load of the sequence sees the new epoch and gives up.
	 */
	if (!(atomic_load(&s->seq) & 1)) {
		tag = atomic_load(&s->tag);
		if (!(tag & SIO_HW_SMMU_TLB_TAG_VALID) ||
		    !match(tag, atomic_load(&s->iova), arg))
			return;
	}
	old = slot_lock(&s->seq);
	tag = ld(&s->tag);
	iova = ld(&s->iova);
	if ((tag & SIO_HW_SMMU_TLB_TAG_VALID) && match(tag, iova, arg)) {
		st(&s->tag, 0);
		tlb_region_dec(&smmu->tlb, tag, iova);
		sio_hw_smmu_stat_inc(smmu, iotlb_inv_entries);
	}
	slot_unlock(&s->seq, old);
}

static void tlb_inv_scan(struct sio_hw_smmu *smmu, tlb_match_fn match,
			 const void *arg)
{
	struct sio_hw_smmu_iotlb *t = &smmu->tlb;
	size_t i, n = (size_t)t->nsets * t->ways;

	for (i = 0; i < n; i++)
		tlb_inv_slot(smmu, &t->slots[i], match, arg);
}

static bool match_all(u64 tag, u64 iova, const void *arg)
{
	return true;
}

struct tlb_inv_arg {
	u16 vmid;
	u16 asid;
	bool nh_only;	/* stage-1 and nested entries only */
	bool stage2;	/* range: stage-2 entries instead of stage-1/nested */
	u64 start;
	u64 last;
};

static bool tag_is_nh(u64 tag)
{
	u64 kind = SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_KIND, tag);

	return kind == SIO_HW_SMMU_KIND_S1 || kind == SIO_HW_SMMU_KIND_NESTED;
}

static bool match_vmid(u64 tag, u64 iova, const void *arg)
{
	const struct tlb_inv_arg *a = arg;

	return SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_VMID, tag) == a->vmid &&
	       (!a->nh_only || tag_is_nh(tag));
}

static bool match_asid(u64 tag, u64 iova, const void *arg)
{
	const struct tlb_inv_arg *a = arg;

	return SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_VMID, tag) == a->vmid &&
	       SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_ASID, tag) == a->asid &&
	       tag_is_nh(tag);
}

static bool match_range(u64 tag, u64 iova, const void *arg)
{
	const struct tlb_inv_arg *a = arg;
	unsigned int shift = SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_SHIFT, tag);
	u64 end = iova + ((1ULL << shift) - 1);

	if (SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_VMID, tag) != a->vmid)
		return false;
	if (a->stage2) {
		if (SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_KIND, tag) !=
		    SIO_HW_SMMU_KIND_S2)
			return false;
	} else if (!tag_is_nh(tag) ||
		   SIO_SMMU_FIELD_GET(SIO_HW_SMMU_TLB_TAG_ASID, tag) !=
			   a->asid) {
		return false;
	}
	return iova <= a->last && end >= a->start;
}

/**
 * sio_hw_smmu_iotlb_inv_all() - TLBI_NSNH_ALL: drop every IOTLB entry
 * @smmu: the SMMU
 *
 * Bumps the epoch first, so a fill whose walk started earlier is abandoned.
 *
 * Context: the command-queue consumer (cmdq.lock held), concurrently with
 * lookups and fills; lock-free, but waits for a slot a fill owns (a few
 * stores).
 */
void sio_hw_smmu_iotlb_inv_all(struct sio_hw_smmu *smmu)
{
	tlb_inv_begin(smmu);
	tlb_inv_scan(smmu, match_all, NULL);
}

/**
 * sio_hw_smmu_iotlb_inv_vmid() - TLBI_NH_ALL / TLBI_S12_VMALL
 * @smmu: the SMMU
 * @vmid: the VMID whose entries go
 * @nh_only: only stage-1 and nested entries (TLBI_NH_ALL); false also drops
 *           stage-2 entries (TLBI_S12_VMALL)
 *
 * Context: as sio_hw_smmu_iotlb_inv_all().
 */
void sio_hw_smmu_iotlb_inv_vmid(struct sio_hw_smmu *smmu, u16 vmid,
				bool nh_only)
{
	struct tlb_inv_arg a = { .vmid = vmid, .nh_only = nh_only };

	tlb_inv_begin(smmu);
	tlb_inv_scan(smmu, match_vmid, &a);
}

/**
 * sio_hw_smmu_iotlb_inv_asid() - TLBI_NH_ASID: drop the stage-1 and nested
 * entries of one address space
 * @smmu: the SMMU
 * @vmid: the VMID the ASID belongs to
 * @asid: the ASID
 *
 * Context: as sio_hw_smmu_iotlb_inv_all().
 */
void sio_hw_smmu_iotlb_inv_asid(struct sio_hw_smmu *smmu, u16 vmid, u16 asid)
{
	struct tlb_inv_arg a = { .vmid = vmid, .asid = asid };

	tlb_inv_begin(smmu);
	tlb_inv_scan(smmu, match_asid, &a);
}

/* May an entry of 2^@sh bytes in [@a->start, @a->last] be valid? */
static bool tlb_regions_live(struct sio_hw_smmu_iotlb *t,
			     const struct tlb_inv_arg *a, unsigned int sh)
{
	u64 r, first = (a->start >> sh) >> 9, last = (a->last >> sh) >> 9;

	if (last - first >= SIO_HW_SMMU_TLB_REGIONS)
		return true;
	for (r = first; r <= last; r++)
		if (atomic_load(&t->regions[tlb_region(r << 9 << sh, sh)]))
			return true;
	return false;
}

/**
 * sio_hw_smmu_iotlb_inv_range() - TLBI_NH_VA / TLBI_S2_IPA
 * @smmu: the SMMU
 * @stage2: stage-2-only entries (else stage-1 and nested of @asid)
 * @vmid: VMID
 * @asid: ASID (ignored for @stage2)
 * @addr: address
 * @log2len: 0 = the entries containing @addr, else 2^@log2len bytes
 *
 * For each possible entry size, skips it when no valid entry of that size
 * lies in the regions the range touches (the region counters), else probes
 * the sets its pages would use; scans the whole IOTLB instead when that is
 * fewer slots.  Cost O(min(pages, capacity)); a block entry is matched by
 * its own size, so a range inside it removes it.
 *
 * Context: command-queue consumer (cmdq.lock held).
 */
void sio_hw_smmu_iotlb_inv_range(struct sio_hw_smmu *smmu, bool stage2,
				 u16 vmid, u16 asid, u64 addr,
				 unsigned int log2len)
{
	struct sio_hw_smmu_iotlb *t = &smmu->tlb;
	struct tlb_inv_arg a = {
		.vmid = vmid, .asid = stage2 ? 0 : asid, .stage2 = stage2,
		.start = addr,
		.last = log2len ? addr + ((1ULL << log2len) - 1) : addr,
	};
	u64 tag = sio_hw_smmu_tlb_tag(stage2 ? SIO_HW_SMMU_KIND_S2 :
					       SIO_HW_SMMU_KIND_S1,
				      vmid, a.asid);
	u64 shifts, live = 0, probes = 0;

	/* Sequentially consistent bump before the counter loads below. */
	tlb_inv_begin(smmu);
	for (shifts = smmu->leaf_shifts; shifts; shifts &= shifts - 1) {
		unsigned int sh = __builtin_ctzll(shifts);
		u64 pages = ((a.last >> sh) - (a.start >> sh)) + 1;

		if (pages > t->ways && !tlb_regions_live(t, &a, sh))
			continue;
		live |= BIT_ULL(sh);
		probes += pages;
		if (probes >= t->nsets)
			break;
	}
	if (probes >= t->nsets) {
		tlb_inv_scan(smmu, match_range, &a);
		return;
	}
	for (shifts = live; shifts; shifts &= shifts - 1) {
		unsigned int sh = __builtin_ctzll(shifts), w;
		u64 va;

		for (va = a.start >> sh; va <= a.last >> sh; va++) {
			unsigned int set = tlb_set(t, tag, va << sh, sh);

			for (w = 0; w < t->ways; w++)
				tlb_inv_slot(smmu, tlb_way(t, set, w),
					     match_range, &a);
		}
	}
}

/**
 * sio_hw_smmu_iotlb_count_valid() - IOTLB entries valid now (statistics)
 * @smmu: the SMMU
 *
 * Scans every slot.
 *
 * Context: any thread; lock-free, so a racy snapshot while the SMMU is busy.
 * Return: the number of valid entries.
 */
unsigned long sio_hw_smmu_iotlb_count_valid(struct sio_hw_smmu *smmu)
{
	struct sio_hw_smmu_iotlb *t = &smmu->tlb;
	size_t i, n = (size_t)t->nsets * t->ways;
	unsigned long valid = 0;

	for (i = 0; i < n; i++)
		if (ld(&t->slots[i].tag) & SIO_HW_SMMU_TLB_TAG_VALID)
			valid++;
	return valid;
}

/* ---------------------------------------------------- configuration cache */

static unsigned int cfg_set(struct sio_hw_smmu_cfg_cache *c, u64 key)
{
	u64 h = key * 0x9e3779b97f4a7c15ULL;

	return (unsigned int)((h >> 32) & ((c->nslots / 2) - 1));
}

/**
 * sio_hw_smmu_cfg_epoch() - the configuration cache's invalidation epoch
 * @smmu: the SMMU
 *
 * Read before fetching an STE or CD and handed to sio_hw_smmu_cfg_fill().
 *
 * Context: any thread; lock-free.
 * Return: the epoch: odd while a CFGI scans, bumped twice per CFGI.
 */
u64 sio_hw_smmu_cfg_epoch(struct sio_hw_smmu *smmu)
{
	return atomic_load(&smmu->cfgc.epoch);
}

/**
 * sio_hw_smmu_cfg_lookup() - find a cached STE or CD
 * @smmu: the SMMU
 * @key: sio_hw_smmu_cfg_key()
 * @w: where the @n cached words are copied
 * @n: 4 for an STE, 2 for a CD
 *
 * Context: any thread; lock-free.
 * Return: true on a hit.
 */
bool sio_hw_smmu_cfg_lookup(struct sio_hw_smmu *smmu, u64 key, u64 *w, int n)
{
	struct sio_hw_smmu_cfg_cache *c = &smmu->cfgc;
	unsigned int set = cfg_set(c, key), way;
	int i;

	for (way = 0; way < 2; way++) {
		struct sio_hw_smmu_cfg_slot *s = &c->slots[set * 2 + way];
		u64 s1 = atomic_load_explicit(&s->seq, memory_order_acquire);
		u64 k;

		if (s1 & 1)
			continue;
		k = ld(&s->key);
		for (i = 0; i < n; i++)
			w[i] = ld(&s->w[i]);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) != s1)
			continue;
		if (k == key) {
			sio_hw_smmu_stat_inc(smmu, cfg_hits);
			return true;
		}
	}
	sio_hw_smmu_stat_inc(smmu, cfg_misses);
	return false;
}

/**
 * sio_hw_smmu_cfg_fill() - cache an STE or CD fetched from memory
 * @smmu: the SMMU
 * @key: sio_hw_smmu_cfg_key() of the structure
 * @epoch: sio_hw_smmu_cfg_epoch() read before the fetch
 * @w: the structure's words
 * @n: 4 for an STE, 2 for a CD
 *
 * Best effort, as sio_hw_smmu_iotlb_fill(): skipped if the chosen slot is
 * busy or a CFGI ran since @epoch.
 *
 * Context: any translating thread; lock-free, never waits.
 */
void sio_hw_smmu_cfg_fill(struct sio_hw_smmu *smmu, u64 key, u64 epoch,
			  const u64 *w, int n)
{
	struct sio_hw_smmu_cfg_cache *c = &smmu->cfgc;
	unsigned int set = cfg_set(c, key), way;
	struct sio_hw_smmu_cfg_slot *s;
	u64 old;
	int i;

	if (!(ld(&c->slots[set * 2].key) & SIO_HW_SMMU_CFG_KEY_VALID))
		way = 0;
	else if (!(ld(&c->slots[set * 2 + 1].key) & SIO_HW_SMMU_CFG_KEY_VALID))
		way = 1;
	else
		way = atomic_fetch_add_explicit(&c->victim, 1,
						memory_order_relaxed) & 1;
	s = &c->slots[set * 2 + way];
	if (!slot_trylock(&s->seq, &old))
		return;
	if (atomic_load(&c->epoch) == epoch) {
		st(&s->key, key);
		for (i = 0; i < 4; i++)
			st(&s->w[i], i < n ? w[i] : 0);
	}
	slot_unlock(&s->seq, old);
}

/**
 * sio_hw_smmu_cfg_inv() - CFGI_*: drop cached STEs and CDs
 * @smmu: the SMMU
 * @key: sio_hw_smmu_cfg_key() of what goes
 * @mask: the key bits that must match (the valid and SID bits for
 *        CFGI_STE, which drops the stream's CDs too; the valid bit alone
 *        for CFGI_ALL)
 *
 * Makes the epoch odd while it scans and even again after, so decoded
 * configurations cached per thread from before are not used again.
 *
 * Context: the command-queue consumer (cmdq.lock held), concurrently with
 * lookups and fills; lock-free, but waits for a slot a fill owns.
 */
void sio_hw_smmu_cfg_inv(struct sio_hw_smmu *smmu, u64 key, u64 mask)
{
	struct sio_hw_smmu_cfg_cache *c = &smmu->cfgc;
	unsigned int i;

	atomic_fetch_add(&c->epoch, 1);		/* odd: invalidating */
	for (i = 0; i < c->nslots; i++) {
		struct sio_hw_smmu_cfg_slot *s = &c->slots[i];
		u64 k, old;

		if (!(atomic_load(&s->seq) & 1)) {
			k = atomic_load(&s->key);
			if (!(k & SIO_HW_SMMU_CFG_KEY_VALID) ||
			    (k & mask) != (key & mask))
				continue;
		}
		old = slot_lock(&s->seq);
		k = ld(&s->key);
		if ((k & SIO_HW_SMMU_CFG_KEY_VALID) &&
		    (k & mask) == (key & mask))
			st(&s->key, 0);
		slot_unlock(&s->seq, old);
	}
	atomic_fetch_add(&c->epoch, 1);		/* even: done */
}
