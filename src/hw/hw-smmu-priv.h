/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the software SMMU model shared by hw-smmu.c (registers,
 * IRQs), hw-smmu-queue.c (queues), hw-smmu-iotlb.c (IOTLB + configuration
 * cache), hw-smmu-decode.c (STE/CD fetch and decode), hw-smmu-walk.c
 * (walker) and hw-smmu-translate.c (the transaction path).  Names:
 * sio_hw_smmu_* here and in hw-smmu.h, hw_smmu_* for what one file keeps
 * to itself; smmu_* belongs to the driver.
 * Kernel counterpart: none (hardware)
 */
#ifndef SIO_HW_HW_SMMU_PRIV_H
#define SIO_HW_HW_SMMU_PRIV_H

#include <stdatomic.h>
#include "base/base.h"
#include "pgtable/fmt/arm-lpae.h"
#include "hw/hw-smmu.h"

/* ------------------------------------------------------------ counters */

struct sio_hw_smmu_counters {
	_Atomic u64 iotlb_hits, iotlb_misses, iotlb_fills, iotlb_evictions;
	_Atomic u64 iotlb_inv_entries, iotlb_inv_cmds;
	_Atomic u64 cfg_hits, cfg_misses, cfg_inv_cmds;
	_Atomic u64 walks, walk_reads;
	_Atomic u64 cmds, cmd_errors, syncs;
	_Atomic u64 events, events_dropped;
	_Atomic u64 pri_requests, pri_dropped, pri_auto_responses;
	_Atomic u64 pri_responses, stalls, resumes, faults;
	_Atomic u64 check_mismatches;
};

#define sio_hw_smmu_stat_inc(smmu, f) \
	atomic_fetch_add_explicit(&(smmu)->stats.f, 1, memory_order_relaxed)
#define sio_hw_smmu_stat_add(smmu, f, n) \
	atomic_fetch_add_explicit(&(smmu)->stats.f, (n), memory_order_relaxed)

/*
 * Per-thread counters for the transaction hot path (hits, misses, fills):
 * one block per (thread, SMMU), written only by its thread with plain
 * load + store (no locked instruction), read and summed by
 * sio_hw_smmu_get_stats().  Blocks live on &smmu->tstats until the SMMU is
 * destroyed.  @base is what sio_hw_smmu_reset_stats() saw (under
 * &smmu->tstats_lock); a reading is @c - @base.
 */
enum {
	SIO_HW_SMMU_TS_iotlb_hits,
	SIO_HW_SMMU_TS_iotlb_misses,
	SIO_HW_SMMU_TS_iotlb_fills,
	SIO_HW_SMMU_TS_iotlb_evictions,
	SIO_HW_SMMU_TS_cfg_hits,
	SIO_HW_SMMU_TS_walks,
	SIO_HW_SMMU_TS_NR,
};

struct sio_hw_smmu_tstats {
	struct list_head node;		/* on smmu->tstats */
	const void *owner;		/* the owning thread's token */
	_Atomic u64 c[SIO_HW_SMMU_TS_NR];
	u64 base[SIO_HW_SMMU_TS_NR]; /* under smmu->tstats_lock */
};

/* --------------------------------------------------------------- queues */

/**
 * struct sio_hw_smmu_queue - one of the three queues
 * @lock: cmdq: serialises consumption (and the device callbacks it makes);
 *	evtq/priq: serialises the model's producers.  Nests inside
 *	&smmu->ctrl_lock and the interrupt line locks; see hw-smmu.c.
 * @base: the *_BASE register
 * @prod: the *_PROD register
 * @cons: the *_CONS register
 * @ent_size: bytes per entry
 * @max_log2: largest LOG2SIZE accepted (IDR1)
 */
struct sio_hw_smmu_queue {
	spinlock_t lock;
	_Atomic u64 base;
	_Atomic u32 prod;
	_Atomic u32 cons;
	unsigned int ent_size;
	unsigned int max_log2;
};

/* ------------------------------------------------------------------ IOTLB */

/* Translation regime a cached entry belongs to (tag). */
enum sio_hw_smmu_kind {
	SIO_HW_SMMU_KIND_S1 = 1,
	SIO_HW_SMMU_KIND_S2 = 2,
	SIO_HW_SMMU_KIND_NESTED = 3,
};

/* Permission bits of a cached translation / walk result. */
#define SIO_HW_SMMU_PERM_R BIT(0)
#define SIO_HW_SMMU_PERM_W BIT(1)
#define SIO_HW_SMMU_PERM_X BIT(2)
#define SIO_HW_SMMU_PERM_U BIT(3) /* unprivileged access allowed */
#define SIO_HW_SMMU_PERM_ALL                                            \
	(SIO_HW_SMMU_PERM_R | SIO_HW_SMMU_PERM_W | SIO_HW_SMMU_PERM_X | \
	 SIO_HW_SMMU_PERM_U)

/*
 * One IOTLB entry.  @seq is a sequence counter: even = stable, odd = a
 * writer (fill or invalidation) owns the slot; writers take it with a
 * compare-and-exchange even -> odd and release it with a store of +1.
 * Readers never write it: they read @seq, the words, then @seq again and
 * retry/ignore on a change (lock-free lookups).  All words are atomics so
 * the races are defined (and TSan-clean).
 *
 * @tag: bit 0 valid, bits 2:1 kind, bits 8:3 log2 size, 31:16 VMID,
 *	47:32 ASID
 * @iova: input address of the entry (size aligned)
 * @pa: output address (size aligned) | SIO_HW_SMMU_PERM_* bits in 3:0
 * @suspect: coherency checker, AFTER_SYNC mode: (seq << 32) | (sync count
 *	+ 1) when this incarnation was first found stale; 0 otherwise.  Not
 *	covered by @seq.
 * @ref: clock replacement reference bit (not covered by @seq)
 */
struct sio_hw_smmu_tlb_slot {
	_Atomic u64 seq;
	_Atomic u64 tag;
	_Atomic u64 iova;
	_Atomic u64 pa;
	_Atomic u64 suspect;
	_Atomic u8 ref;
};

#define SIO_HW_SMMU_TLB_TAG_VALID BIT_ULL(0)
#define SIO_HW_SMMU_TLB_TAG_KIND  GENMASK_ULL(2, 1)
#define SIO_HW_SMMU_TLB_TAG_SHIFT GENMASK_ULL(8, 3)
#define SIO_HW_SMMU_TLB_TAG_VMID  GENMASK_ULL(31, 16)
#define SIO_HW_SMMU_TLB_TAG_ASID  GENMASK_ULL(47, 32)

/**
 * struct sio_hw_smmu_iotlb - the IOTLB: sets x ways of slots
 * @slots: nsets * ways slots, set-major
 * @hands: per-set clock hand
 * @nsets: number of sets (power of two)
 * @ways: ways per set
 * @policy: replacement policy
 * @regions: SIO_HW_SMMU_TLB_REGIONS counters: valid entries whose 512-entry
 *	aligned region (2 MiB for 4 KiB entries) hashes to the bucket; a
 *	range invalidation skips the entry sizes whose buckets are all zero
 * @epoch: bumped by every TLBI before it scans; a fill that started its
 *	walk under an older epoch is abandoned (so a walk that saw an old PTE
 *	cannot install it after the TLBI that should have removed it)
 */
struct sio_hw_smmu_iotlb {
	struct sio_hw_smmu_tlb_slot *slots;
	_Atomic u32 *regions;	/* valid entries per region bucket */
	_Atomic u32 *hands;
	unsigned int nsets;
	unsigned int ways;
	enum sio_hw_iotlb_policy policy;
	_Atomic u64 epoch;
};

/* ---------------------------------------------------- configuration cache */

/*
 * One cached STE (words 0-3) or CD (words 0-1).  Same sequence protocol as
 * the IOTLB slots.  @key: bit 63 valid, bit 62 CD, bits 43:20 SID, 19:0
 * SSID.
 */
struct sio_hw_smmu_cfg_slot {
	_Atomic u64 seq;
	_Atomic u64 key;
	_Atomic u64 w[4];
};

#define SIO_HW_SMMU_CFG_KEY_VALID BIT_ULL(63)
#define SIO_HW_SMMU_CFG_KEY_CD	  BIT_ULL(62)

struct sio_hw_smmu_cfg_cache {
	struct sio_hw_smmu_cfg_slot *slots;
	unsigned int nslots;	/* power of two; 2-way: pairs of slots */
	/*
	 * As sio_hw_smmu_iotlb.epoch, but bumped twice by CFGI: odd while the
	 * invalidation scans, even again after, so that a decoded stream
	 * configuration read under an even epoch that did not change is
	 * known not to predate a completed CFGI (hw-smmu-translate.c).
	 */
	_Atomic u64 epoch;
	_Atomic u32 victim;	/* alternates the way replaced */
};

/* ------------------------------------------------------ decoded structures */

struct sio_hw_smmu_tls;

/**
 * struct sio_hw_smmu_stream_cfg - a stream's resolved configuration
 * @ste, @cd: decoded STE and (when @use_s1) CD
 * @use_s1, @use_s2: stages that apply
 * @bypass: the transaction bypasses translation
 * @ncfg: STEs + CDs it was built from (cfg_hits per reuse)
 * @tag: sio_hw_smmu_tlb_tag() of the regime
 * @shifts: leaf sizes the regime can produce (bit n = 2^n bytes)
 */
struct sio_hw_smmu_stream_cfg {
	struct sio_hw_smmu_ste ste;
	struct sio_hw_smmu_cd cd;
	bool use_s1;
	bool use_s2;
	bool bypass;
	unsigned int ncfg;
	u64 tag;
	u64 shifts;
};

/**
 * struct sio_hw_smmu_fault - a fault found by the walker or the config path
 * @event: SIO_SMMU_EVT_* type (0 = none)
 * @s2: raised by stage 2
 * @class: SIO_SMMU_EVT_CLASS_*
 * @ipa: for stage-2 faults, the address stage 2 was translating
 */
struct sio_hw_smmu_fault {
	u8 event;
	bool s2;
	u8 class;
	u64 ipa;
};

/**
 * struct sio_hw_smmu_walk_out - result of a (possibly nested) walk
 * @oa: output address of the input address
 * @ipa: the address stage 2 was given (stage-1 output, or the input of a
 *	stage-2-only walk)
 * @size_shift: log2 of the bytes the translation covers (aligned block)
 * @s1_perms, @s2_perms: SIO_HW_SMMU_PERM_* of each stage
 *	(SIO_HW_SMMU_PERM_ALL for a stage not involved)
 * @fault: set when the walk itself faulted (translation, access flag,
 *	address size, external abort, or a stage-2 fault on a table fetch)
 */
struct sio_hw_smmu_walk_out {
	u64 oa;
	u64 ipa;
	unsigned int size_shift;
	unsigned int s1_perms;
	unsigned int s2_perms;
	struct sio_hw_smmu_fault fault;
};

/* --------------------------------------------------------------- the SMMU */

struct sio_hw_smmu_irq_line {
	struct mutex lock;	/* held while the handler runs; outermost */
	sio_hw_smmu_irq_fn fn;	/* under @lock */
	void *data;		/* under @lock */
	_Atomic int pending;	/* raised again while being handled */
};

/**
 * struct sio_hw_smmu - the model
 *
 * Lock order (outermost first): irq[*].lock -> ctrl_lock -> cmdq.lock ->
 * dev_lock; evtq.lock and priq.lock are leaves (interrupts are raised and
 * device callbacks made after dropping them).  Slot sequence counters in
 * the caches are spin "locks" held for a few stores, never across a call.
 */
struct sio_hw_smmu {
	struct sio_phys_mem *mem;
	struct sio_hw_smmu_config cfg;
	char name[32];

	/* Constant after creation */
	u32 idr0, idr1, idr2, idr5;
	unsigned int ias, oas;
	u64 leaf_shifts;		/* bit n: 2^n is a possible leaf size */

	/*
	 * Serialises writes of CR0, GBPA, IRQ_CTRL, STRTAB_* and *_BASE (the
	 * read side is lock-free: registers are atomics).  Nests outside
	 * cmdq.lock (enabling the command queue consumes it).
	 */
	struct mutex ctrl_lock;
	_Atomic u32 cr0;
	_Atomic u32 gbpa;
	_Atomic u32 irq_ctrl;
	_Atomic u64 strtab_base;
	_Atomic u32 strtab_cfg;
	_Atomic u32 gerror;		/* written under cmdq.lock / queue locks */
	_Atomic u32 gerrorn;		/* written under cmdq.lock */

	struct sio_hw_smmu_queue cmdq;
	struct sio_hw_smmu_queue evtq;
	struct sio_hw_smmu_queue priq;

	struct sio_hw_smmu_irq_line irq[SIO_HW_SMMU_NR_IRQS];

	/* Protects dev_ops/dev_data; held while calling them.  A leaf. */
	struct mutex dev_lock;
	const struct sio_hw_smmu_dev_ops *dev_ops;
	void *dev_data;

	struct sio_hw_smmu_iotlb tlb;
	struct sio_hw_smmu_cfg_cache cfgc;

	_Atomic int check_mode;		/* enum sio_hw_check_mode */
	_Atomic u64 sync_count;		/* CMD_SYNCs completed */
	_Atomic int drop_tlbi;		/* TLBIs left to ignore (tests) */
	_Atomic u32 next_stag;
	_Atomic u32 next_grpid;

	struct sio_hw_smmu_counters stats;

	u64 id;				/* unique per SMMU ever created */
	/* Protects the @tstats list and the blocks' @base.  A leaf. */
	struct mutex tstats_lock;
	struct list_head tstats;
};

/* hw-smmu-translate.c: per-thread state */

#define SIO_HW_SMMU_SCFG_WAYS 4 /* decoded stream configs per thread+SMMU */
#define SIO_HW_SMMU_TLS_CTX   2 /* SMMUs a thread keeps state for */

/*
 * One thread's view of one SMMU: its counter block and its cache of
 * decoded stream configurations.  Only its thread touches it.  @key of an
 * entry: bit 63 valid, bit 62 SSV, 43:20 SID, 19:0 SSID; @epoch: the even
 * configuration-cache epoch it was built under (valid while unchanged).
 */
struct sio_hw_smmu_tls {
	u64 smmu_id;
	struct sio_hw_smmu_tstats *ts;
	struct {
		u64 key;
		u64 epoch;
		u32 strtab_cfg;
		struct sio_hw_smmu_stream_cfg sc;
	} ent[SIO_HW_SMMU_SCFG_WAYS];
	unsigned int victim;
};

struct sio_hw_smmu_tls *__sio_hw_smmu_tls_attach(struct sio_hw_smmu *smmu);
void sio_hw_smmu_tstats_free(struct sio_hw_smmu *smmu);
void sio_hw_smmu_tstats_sum(struct sio_hw_smmu *smmu,
			    u64 sum[SIO_HW_SMMU_TS_NR]);
void sio_hw_smmu_tstats_reset(struct sio_hw_smmu *smmu);

extern __thread struct sio_hw_smmu_tls sio_hw_smmu_tls[SIO_HW_SMMU_TLS_CTX];

/* This thread's state for @smmu, or NULL (out of memory).  Context: any. */
static inline struct sio_hw_smmu_tls *
sio_hw_smmu_tls_get(struct sio_hw_smmu *smmu)
{
	struct sio_hw_smmu_tls *x =
		&sio_hw_smmu_tls[smmu->id & (SIO_HW_SMMU_TLS_CTX - 1)];

	if (likely(x->smmu_id == smmu->id))
		return x;
	return __sio_hw_smmu_tls_attach(smmu);
}

/* Count @n events @f on the hot path: this thread's block if it has one. */
#define sio_hw_smmu_hot_add(smmu, x, f, n)                                   \
	do {                                                                 \
		struct sio_hw_smmu_tls *__x = (x);                           \
		if (likely(__x)) {                                           \
			_Atomic u64 *__c = &__x->ts->c[SIO_HW_SMMU_TS_##f];  \
			u64 __v = atomic_load_explicit(__c,                  \
						       memory_order_relaxed); \
			atomic_store_explicit(__c, __v + (n),                \
					      memory_order_relaxed);         \
		} else {                                                     \
			sio_hw_smmu_stat_add(smmu, f, n);                    \
		}                                                            \
	} while (0)

/* hw-smmu.c */
void sio_hw_smmu_raise_irq(struct sio_hw_smmu *smmu,
			   enum sio_hw_smmu_irq which);
void sio_hw_smmu_gerror_toggle(struct sio_hw_smmu *smmu, u32 bits);

/* hw-smmu-queue.c */
void sio_hw_smmu_cmdq_consume(struct sio_hw_smmu *smmu);
bool sio_hw_smmu_evtq_record(struct sio_hw_smmu *smmu, const u64 rec[4]);
int sio_hw_smmu_priq_record(struct sio_hw_smmu *smmu, u32 sid, bool ssid_valid,
			    u32 ssid, u16 grpid, bool last, unsigned int perm,
			    u64 addr);

/* hw-smmu-iotlb.c */
int sio_hw_smmu_iotlb_init(struct sio_hw_smmu *smmu);
void sio_hw_smmu_iotlb_free(struct sio_hw_smmu *smmu);
u64 sio_hw_smmu_tlb_tag(enum sio_hw_smmu_kind kind, u16 vmid, u16 asid);
#define SIO_HW_SMMU_TLB_REGIONS 1024u
bool sio_hw_smmu_iotlb_lookup(struct sio_hw_smmu *smmu, u64 tag, u64 shifts,
			      u64 iova, u64 *pa, unsigned int *size_shift,
			      unsigned int *perms,
			      struct sio_hw_smmu_tlb_slot **slot,
			      u64 *slot_seq);
void sio_hw_smmu_iotlb_fill(struct sio_hw_smmu *smmu, struct sio_hw_smmu_tls *x,
			    u64 tag, u64 epoch, u64 iova, u64 oa,
			    unsigned int size_shift, unsigned int perms);
u64 sio_hw_smmu_iotlb_epoch(struct sio_hw_smmu *smmu);
void sio_hw_smmu_iotlb_inv_all(struct sio_hw_smmu *smmu);
void sio_hw_smmu_iotlb_inv_vmid(struct sio_hw_smmu *smmu, u16 vmid,
				bool nh_only);
void sio_hw_smmu_iotlb_inv_asid(struct sio_hw_smmu *smmu, u16 vmid, u16 asid);
void sio_hw_smmu_iotlb_inv_range(struct sio_hw_smmu *smmu, bool stage2,
				 u16 vmid, u16 asid, u64 addr,
				 unsigned int log2len);
unsigned long sio_hw_smmu_iotlb_count_valid(struct sio_hw_smmu *smmu);

u64 sio_hw_smmu_cfg_epoch(struct sio_hw_smmu *smmu);
bool sio_hw_smmu_cfg_lookup(struct sio_hw_smmu *smmu, u64 key, u64 *w, int n);
void sio_hw_smmu_cfg_fill(struct sio_hw_smmu *smmu, u64 key, u64 epoch,
			  const u64 *w, int n);
void sio_hw_smmu_cfg_inv(struct sio_hw_smmu *smmu, u64 key, u64 mask);

static inline u64 sio_hw_smmu_cfg_key(bool cd, u32 sid, u32 ssid)
{
	return SIO_HW_SMMU_CFG_KEY_VALID | (cd ? SIO_HW_SMMU_CFG_KEY_CD : 0) |
	       ((u64)(sid & 0xffffff) << 20) | (ssid & 0xfffff);
}

/* hw-smmu-decode.c */
u8 sio_hw_smmu_ste_pa(struct sio_hw_smmu *smmu, u32 sid, u64 *pa);
u8 sio_hw_smmu_fetch_ste(struct sio_hw_smmu *smmu, u64 pa, u64 w[4]);
int sio_hw_smmu_fetch_cd(struct sio_hw_smmu *smmu,
			 const struct sio_hw_smmu_ste *ste, u32 ssid, u64 w[2],
			 struct sio_hw_smmu_fault *f);
u8 sio_hw_smmu_decode_ste(struct sio_hw_smmu *smmu, const u64 *w,
			  struct sio_hw_smmu_ste *ste);
u8 sio_hw_smmu_decode_cd(struct sio_hw_smmu *smmu, const u64 *w,
			 const struct sio_hw_smmu_ste *ste,
			 struct sio_hw_smmu_cd *cd);

/* hw-smmu-walk.c */
int sio_hw_smmu_walk_s2(struct sio_hw_smmu *smmu,
			const struct sio_hw_smmu_ste *ste, u64 ipa, u8 class,
			bool count, struct sio_hw_smmu_walk_out *out);
int sio_hw_smmu_walk_s1(struct sio_hw_smmu *smmu,
			const struct sio_hw_smmu_cd *cd,
			const struct sio_hw_smmu_ste *nest_ste, u64 iova,
			bool count, struct sio_hw_smmu_walk_out *out);
int sio_hw_smmu_s2_fetch64(struct sio_hw_smmu *smmu,
			   const struct sio_hw_smmu_ste *ste, u64 ipa, u8 class,
			   u64 *val, struct sio_hw_smmu_fault *fault);

/* Is the access allowed by @perms?  Context: any. */
static inline bool sio_hw_smmu_perms_allow(unsigned int perms,
					   unsigned int access)
{
	if ((access & SIO_HW_ACCESS_READ) && !(perms & SIO_HW_SMMU_PERM_R))
		return false;
	if ((access & SIO_HW_ACCESS_WRITE) && !(perms & SIO_HW_SMMU_PERM_W))
		return false;
	if ((access & SIO_HW_ACCESS_EXEC) && !(perms & SIO_HW_SMMU_PERM_X))
		return false;
	if (!(access & SIO_HW_ACCESS_PRIV) && !(perms & SIO_HW_SMMU_PERM_U))
		return false;
	return true;
}

/* Register helpers */
static inline u32 sio_hw_smmu_cr0(struct sio_hw_smmu *smmu)
{
	return atomic_load_explicit(&smmu->cr0, memory_order_acquire);
}

/* Queue pointer helpers: index | wrap bit at @log2. */
static inline u32 sio_hw_smmu_q_idx(u32 p, unsigned int log2)
{
	return p & ((1U << log2) - 1);
}
static inline u32 sio_hw_smmu_q_wrp(u32 p, unsigned int log2)
{
	return p & (1U << log2);
}
static inline u32 sio_hw_smmu_q_inc(u32 p, unsigned int log2)
{
	return (p & SIO_SMMU_Q_OVF) |
	       (((p & ((2U << log2) - 1)) + 1) & ((2U << log2) - 1));
}
static inline bool sio_hw_smmu_q_full(u32 prod, u32 cons, unsigned int log2)
{
	return sio_hw_smmu_q_idx(prod, log2) == sio_hw_smmu_q_idx(cons, log2) &&
	       sio_hw_smmu_q_wrp(prod, log2) != sio_hw_smmu_q_wrp(cons, log2);
}
static inline bool sio_hw_smmu_q_empty(u32 prod, u32 cons, unsigned int log2)
{
	return sio_hw_smmu_q_idx(prod, log2) == sio_hw_smmu_q_idx(cons, log2) &&
	       sio_hw_smmu_q_wrp(prod, log2) == sio_hw_smmu_q_wrp(cons, log2);
}

#endif /* SIO_HW_HW_SMMU_PRIV_H */
