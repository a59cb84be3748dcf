/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The software SMMU hardware model: creation, register access (the only way
 * a driver reaches it), interrupts, the device-side translation and page
 * request API, statistics and the IOTLB coherency checker.
 * Kernel counterpart: none (this is the hardware; see hw-smmu-regs.h)
 */
#ifndef SIO_HW_HW_SMMU_H
#define SIO_HW_HW_SMMU_H

#include "base/types.h"
#include "mem/phys-mem.h"
#include "pgtable/fmt/arm-lpae.h"
#include "hw/hw-smmu-regs.h"

struct sio_hw_smmu;

/* Granule bits of struct sio_hw_smmu_config.granules. */
#define SIO_HW_SMMU_GRAN_4K	BIT(0)
#define SIO_HW_SMMU_GRAN_16K	BIT(1)
#define SIO_HW_SMMU_GRAN_64K	BIT(2)

/* Replacement policy of the IOTLB within a set. */
enum sio_hw_iotlb_policy {
	SIO_HW_IOTLB_CLOCK,	/* second chance (LRU-ish), per-set hand */
	SIO_HW_IOTLB_RANDOM,	/* random way, per-thread xorshift */
};

/**
 * struct sio_hw_smmu_config - what the hardware implements
 * @name: instance name for the log ("smmu0"); copied
 * @stage1: stage-1 translation (IDR0.S1P)
 * @stage2: stage-2 translation (IDR0.S2P)
 * @nesting: both stages at once (IDR0.NEST; needs @stage1 and @stage2)
 * @ats: ATS (IDR0.ATS; ATC_INV is accepted either way)
 * @pri: PRI queue and STE1.PRI (IDR0.PRI)
 * @stall: CD0.S stall model (IDR0.STALL)
 * @sid_bits: StreamID bits, 1..24
 * @ssid_bits: SubstreamID (PASID) bits, 0..20
 * @ias: input address bits, 32..52
 * @oas: output address bits, one of 32, 36, 40, 42, 44, 48, 52
 * @granules: SIO_HW_SMMU_GRAN_* mask (non-empty)
 * @iotlb_entries: IOTLB capacity; rounded up to a power of two; 0 = 1024
 * @iotlb_ways: associativity, 1..16 (power of two); 0 = 4
 * @iotlb_policy: replacement within a set
 * @cfg_cache_entries: STE/CD cache capacity (power of two); 0 = 256
 * @cmdq_max_log2, @evtq_max_log2, @priq_max_log2: largest queue the
 *	driver may configure (IDR1), 1..19; 0 = 8
 * @gbpa_abort: GBPA.ABORT out of reset: while no driver has enabled the
 *	SMMU (CR0.SMMUEN = 0) incoming transactions abort; false (the
 *	default) lets them bypass, as QEMU's SMMUv3 and most implementations
 *	ship
 */
struct sio_hw_smmu_config {
	const char *name;
	bool stage1;
	bool stage2;
	bool nesting;
	bool ats;
	bool pri;
	bool stall;
	unsigned int sid_bits;
	unsigned int ssid_bits;
	unsigned int ias;
	unsigned int oas;
	unsigned int granules;
	unsigned int iotlb_entries;
	unsigned int iotlb_ways;
	enum sio_hw_iotlb_policy iotlb_policy;
	unsigned int cfg_cache_entries;
	unsigned int cmdq_max_log2;
	unsigned int evtq_max_log2;
	unsigned int priq_max_log2;
	bool gbpa_abort;
};

/*
 * Kernel-doc for the functions of this header, with their lock rules, at
 * their definitions: hw-smmu.c, hw-smmu-link.c, hw-smmu-translate.c,
 * hw-smmu-queue.c and hw-smmu-decode.c.
 */

/* Fill @cfg with a full-featured configuration. */
void sio_hw_smmu_config_default(struct sio_hw_smmu_config *cfg);

/*
 * Build an SMMU, out of reset, over @mem (which must outlive it); free it
 * once nothing uses it any more.
 */
struct sio_hw_smmu *sio_hw_smmu_create(struct sio_phys_mem *mem,
				       const struct sio_hw_smmu_config *cfg);

void sio_hw_smmu_destroy(struct sio_hw_smmu *smmu);

struct sio_machine;

/* Put an SMMU on a machine, take it off, look it up (hw-smmu-link.c). */
struct sio_hw_smmu *sio_hw_smmu_add(struct sio_machine *m,
				    const struct sio_hw_smmu_config *cfg);
void sio_hw_smmu_remove(struct sio_machine *m, struct sio_hw_smmu *smmu);
struct sio_hw_smmu *sio_hw_smmu_find(struct sio_machine *m, const char *name);

/* The instance name given at creation.  Context: any. */
const char *sio_hw_smmu_name(const struct sio_hw_smmu *smmu);

/*
 * Register access (see hw-smmu-regs.h), the only way a driver reaches the
 * model.  Reads are lock-free; a write of CMDQ_PROD consumes the command
 * queue in the calling thread.
 */
u32 sio_hw_smmu_read32(struct sio_hw_smmu *smmu, u32 offset);

void sio_hw_smmu_write32(struct sio_hw_smmu *smmu, u32 offset, u32 val);

/* 64-bit registers (the *_BASE ones).  Context: as the 32-bit versions. */
u64 sio_hw_smmu_read64(struct sio_hw_smmu *smmu, u32 offset);
void sio_hw_smmu_write64(struct sio_hw_smmu *smmu, u32 offset, u64 val);

/* Interrupt lines. */
enum sio_hw_smmu_irq {
	SIO_HW_SMMU_IRQ_EVTQ,
	SIO_HW_SMMU_IRQ_PRIQ,
	SIO_HW_SMMU_IRQ_GERROR,
	SIO_HW_SMMU_NR_IRQS,
};

typedef void (*sio_hw_smmu_irq_fn)(struct sio_hw_smmu *smmu, void *data);

/* Connect an interrupt line; the handler runs in the raising thread. */
int sio_hw_smmu_set_irq_handler(struct sio_hw_smmu *smmu,
				enum sio_hw_smmu_irq which,
				sio_hw_smmu_irq_fn fn, void *data);

/* PRG response codes delivered to the device (SIO_SMMU_PRI_RESP_* values). */
enum sio_hw_pri_resp {
	SIO_HW_PRI_RESP_DENY = SIO_SMMU_PRI_RESP_DENY,
	SIO_HW_PRI_RESP_FAIL = SIO_SMMU_PRI_RESP_FAIL,
	SIO_HW_PRI_RESP_SUCC = SIO_SMMU_PRI_RESP_SUCC,
};

/**
 * struct sio_hw_smmu_dev_ops - messages from the SMMU to devices
 * @pri_response: a PRI_RESP command (or an automatic response on PRI queue
 *	overflow) for page request group @grpid of @sid
 * @resume: a RESUME command for stalled transaction @stag of @sid
 * @atc_inv: an ATC_INV command; @size = 0 with @global means "everything"
 *
 * Called from the thread that consumes the command queue, with the
 * command-queue lock held (or from a translating thread on PRI overflow),
 * always under the model's device-callback lock: record and wake only;
 * never call back into the SMMU.  Any member may be
 * NULL.
 */
struct sio_hw_smmu_dev_ops {
	void (*pri_response)(void *data, u32 sid, bool ssid_valid, u32 ssid,
			     u16 grpid, enum sio_hw_pri_resp code);
	void (*resume)(void *data, u32 sid, u16 stag, bool retry);
	void (*atc_inv)(void *data, u32 sid, bool ssid_valid, u32 ssid,
			u64 addr, u64 size, bool global);
};

/* Connect the device side (device-DMA layer); NULL @ops disconnects. */
void sio_hw_smmu_set_dev_ops(struct sio_hw_smmu *smmu,
			     const struct sio_hw_smmu_dev_ops *ops, void *data);

/* Transaction access bits (also the PRI permission bits). */
#define SIO_HW_ACCESS_READ	BIT(0)
#define SIO_HW_ACCESS_WRITE	BIT(1)
#define SIO_HW_ACCESS_EXEC	BIT(2)
#define SIO_HW_ACCESS_PRIV	BIT(3)

/**
 * struct sio_hw_smmu_txn_result - what happened to one transaction
 * @pa: output address (valid when @ret == 0)
 * @contig: bytes valid from @pa within the translated page or block
 * @ret: as sio_hw_smmu_translate()
 * @event: SIO_SMMU_EVT_* type of the fault or configuration error, 0 if
 *	none (also set when the fault was silent or became a page request)
 * @stage2: the fault was raised by stage 2
 * @recorded: an event record was queued (or dropped on overflow)
 * @page_request: a page request was queued (@ret == -EAGAIN)
 * @stalled: the transaction stalled with @stag (@ret == -EAGAIN)
 * @iotlb_hit: the translation came from the IOTLB
 * @stag: stall tag
 * @grpid: page request group index of the queued request
 */
struct sio_hw_smmu_txn_result {
	u64 pa;
	size_t contig;
	int ret;
	u8 event;
	bool stage2;
	bool recorded;
	bool page_request;
	bool stalled;
	bool iotlb_hit;
	u16 stag;
	u16 grpid;
};

/*
 * Translate one device transaction: 0, -EFAULT (terminated), -EAGAIN (page
 * request queued or stalled: retry), -EINVAL.  _ex() reports the details.
 */
int sio_hw_smmu_translate(struct sio_hw_smmu *smmu, u32 sid, bool ssid_valid,
			  u32 ssid, u64 iova, unsigned int access, u64 *pa,
			  size_t *contig);

int sio_hw_smmu_translate_ex(struct sio_hw_smmu *smmu, u32 sid,
			     bool ssid_valid, u32 ssid, u64 iova,
			     unsigned int access,
			     struct sio_hw_smmu_txn_result *res);

/* A device sends a PRI page request (ATS path). */
int sio_hw_smmu_page_request(struct sio_hw_smmu *smmu, u32 sid,
			     bool ssid_valid, u32 ssid, u16 grpid, bool last,
			     unsigned int perm, u64 addr);

/**
 * struct sio_hw_smmu_stats - counters since creation or the last reset
 *
 * IOTLB: @iotlb_hits, @iotlb_misses (lookups that walked), @iotlb_fills,
 * @iotlb_evictions (a valid entry replaced by a fill), @iotlb_inv_entries
 * (entries removed by TLBI), @iotlb_inv_cmds (TLBI commands),
 * @iotlb_capacity and @iotlb_valid (entries valid now).  Configuration
 * cache: @cfg_hits, @cfg_misses, @cfg_inv_cmds.  Walker: @walks,
 * @walk_reads (descriptor reads, all stages).  Queues: @cmds (consumed),
 * @cmd_errors, @syncs, @events (recorded), @events_dropped (overflow),
 * @pri_requests, @pri_dropped, @pri_auto_responses, @pri_responses,
 * @stalls, @resumes.  @faults: transactions terminated or deferred by a
 * fault.  @check_mismatches: stale IOTLB hits found by the checker.
 */
struct sio_hw_smmu_stats {
	u64 iotlb_hits;
	u64 iotlb_misses;
	u64 iotlb_fills;
	u64 iotlb_evictions;
	u64 iotlb_inv_entries;
	u64 iotlb_inv_cmds;
	u64 iotlb_capacity;
	u64 iotlb_valid;
	u64 cfg_hits;
	u64 cfg_misses;
	u64 cfg_inv_cmds;
	u64 walks;
	u64 walk_reads;
	u64 cmds;
	u64 cmd_errors;
	u64 syncs;
	u64 events;
	u64 events_dropped;
	u64 pri_requests;
	u64 pri_dropped;
	u64 pri_auto_responses;
	u64 pri_responses;
	u64 stalls;
	u64 resumes;
	u64 faults;
	u64 check_mismatches;
};

/* Snapshot the counters (racy but each counter is exact).  Context: any. */
void sio_hw_smmu_get_stats(struct sio_hw_smmu *smmu,
			   struct sio_hw_smmu_stats *st);
/* Zero the counters.  Context: any. */
void sio_hw_smmu_reset_stats(struct sio_hw_smmu *smmu);

/* How the IOTLB coherency checker reacts to a stale hit. */
enum sio_hw_check_mode {
	SIO_HW_CHECK_OFF,
	/* Every hit re-walks; any difference WARNs at once. */
	SIO_HW_CHECK_STRICT,
	/*
	 * Every hit re-walks; a difference WARNs only when the same cached
	 * entry is found stale again by a lookup that began after a CMD_SYNC
	 * completed since the first sighting: tolerates the legitimate
	 * window between a PTE change and its TLBI in concurrent tests (it
	 * can be fooled by an unrelated SYNC from another thread inside that
	 * window).
	 */
	SIO_HW_CHECK_AFTER_SYNC,
};

/* The IOTLB coherency checker: re-walk on every hit and WARN on a stale one. */
void sio_hw_smmu_set_check_iotlb(struct sio_hw_smmu *smmu, bool on);
void sio_hw_smmu_set_check_mode(struct sio_hw_smmu *smmu,
				enum sio_hw_check_mode mode);

/* An erratum on request: the next @n TLBI commands do nothing. */
void sio_hw_smmu_inject_drop_tlbi(struct sio_hw_smmu *smmu, unsigned int n);

/**
 * struct sio_hw_smmu_ste - a stream table entry as the model decodes it
 * @w: the entry's words
 * @config: STE0.Config (SIO_SMMU_STE0_CONFIG_*)
 * @s1ctxptr: stage 1 (S1_TRANS, NESTED): CD table address (an IPA when
 *	nested)
 * @s1cdmax: log2 of the CDs in the table (0: one CD, no SubstreamIDs)
 * @s1dss: what a transaction without a SubstreamID does when @s1cdmax
 *	is not 0 (SIO_SMMU_STE1_S1DSS_*)
 * @s1stalld: stalls disallowed for this stream
 * @pri: page requests enabled for this stream (STE1.PRI)
 * @vmid: STE2.S2VMID (0 without stage-2 support)
 * @s2: stage 2 (S2_TRANS, NESTED): the walk geometry, OAS clamped to the
 *	implemented one
 * @s2ttb: stage-2 table base
 * @s2affd: access-flag faults disabled at stage 2
 * @s2r: stage-2 faults are recorded
 */
struct sio_hw_smmu_ste {
	u64 w[4];
	unsigned int config;
	u64 s1ctxptr;
	unsigned int s1cdmax;
	unsigned int s1dss;
	bool s1stalld;
	bool pri;
	u16 vmid;
	struct arm_lpae_geom s2;
	u64 s2ttb;
	bool s2affd;
	bool s2r;
};

/**
 * struct sio_hw_smmu_cd - a context descriptor as the model decodes it
 * @w: the descriptor's words
 * @s1: the stage-1 walk geometry (OAS clamped to the implemented one)
 * @ttb: stage-1 table base (TTB0; an IPA when the stream is nested)
 * @asid: CD0.ASID
 * @epd0: walks disabled (every translation faults)
 * @affd: access-flag faults disabled
 * @stall: faults stall the transaction (CD0.S)
 * @record: faults are recorded (CD0.R)
 */
struct sio_hw_smmu_cd {
	u64 w[2];
	struct arm_lpae_geom s1;
	u64 ttb;
	u16 asid;
	bool epd0;
	bool affd;
	bool stall;
	bool record;
};

/**
 * struct sio_hw_smmu_ste_desc - what sio_hw_smmu_describe_ste() found
 * @sid: the StreamID asked for
 * @pa: physical address of its STE (0 when @sid is outside the table)
 * @valid: STE0.V
 * @config: STE0.Config as written (also for an invalid or refused STE)
 * @event: 0 when a transaction would use the STE, else the configuration
 *	event it would record (SIO_SMMU_EVT_C_BAD_STREAMID, _F_STE_FETCH,
 *	_C_BAD_STE)
 * @ste: the decoded STE; @ste.w is set once the STE was read, the other
 *	fields are meaningful only when @event is 0
 */
struct sio_hw_smmu_ste_desc {
	u32 sid;
	u64 pa;
	bool valid;
	unsigned int config;
	u8 event;
	struct sio_hw_smmu_ste ste;
};

/**
 * struct sio_hw_smmu_cd_desc - what sio_hw_smmu_describe_cd() found
 * @ssid: the SubstreamID (CD index) asked for
 * @addr: address of the CD: a PA, or an IPA when @ipa
 * @ipa: the stream is nested: @addr and @cd.ttb are IPAs
 * @valid: CD0.V
 * @event: 0 when a transaction would use the CD, else what it would get:
 *	SIO_SMMU_EVT_C_BAD_SUBSTREAMID, _F_CD_FETCH, _C_BAD_CD, or a stage-2
 *	fault type when @stage2
 * @stage2: @event is a stage-2 fault on the CD fetch (nested streams)
 * @cd: the decoded CD; @cd.w is set once the CD was read, the other fields
 *	are meaningful only when @event is 0
 */
struct sio_hw_smmu_cd_desc {
	u32 ssid;
	u64 addr;
	bool ipa;
	bool valid;
	u8 event;
	bool stage2;
	struct sio_hw_smmu_cd cd;
};

/*
 * sio_hw_smmu_describe_ste(), sio_hw_smmu_describe_cd(): decode a stream's
 * STE and one of its CDs from memory with the decoder the transaction path
 * uses, for dumps and debuggers.  See hw-smmu-decode.c for the contracts.
 */
int sio_hw_smmu_describe_ste(struct sio_hw_smmu *smmu, u32 sid,
			     struct sio_hw_smmu_ste_desc *d);
int sio_hw_smmu_describe_cd(struct sio_hw_smmu *smmu,
			    const struct sio_hw_smmu_ste_desc *ste, u32 ssid,
			    struct sio_hw_smmu_cd_desc *d);

/* "abort", "bypass", "stage 1", "stage 2", "nested" or "reserved". */
const char *sio_hw_smmu_ste_config_name(unsigned int config);

#endif /* SIO_HW_HW_SMMU_H */
