/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the SMMU driver's files: the instance, per-device
 * "master" records, domains, and the command/event queue helpers.
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h
 */
#ifndef SIO_DRIVERS_SMMU_SMMU_PRIV_H
#define SIO_DRIVERS_SMMU_SMMU_PRIV_H

#include "drivers/smmu/smmu.h"
#include "dev/device.h"
#include "pgtable/io-pgtable.h"

#ifndef SZ_4K
#define SZ_4K		0x1000UL
#define SZ_16K		0x4000UL
#define SZ_64K		0x10000UL
#define SZ_2M		0x200000UL
#define SZ_32M		0x2000000UL
#define SZ_512M		0x20000000UL
#define SZ_1G		0x40000000UL
#endif

#define SMMU_DRV_NAME		"arm-smmu-v3"
#define SMMU_CMDQ_DEFAULT_LOG2	8
#define SMMU_EVTQ_DEFAULT_LOG2	7
/* ASID/VMID 0 are reserved (bypass and stage-1-only STEs use VMID 0). */
#define SMMU_ID_MAX		0xffff
/* Above this many pages an invalidation is done for the whole ASID/VMID. */
#define SMMU_TLBI_MAX_OPS	64

/* A queue the driver owns in simulated memory. */
struct smmu_queue {
	u64 pa;			/* base, aligned to its size */
	unsigned int order;	/* frames allocated */
	unsigned int log2;	/* 2^log2 entries */
	u32 ptr;		/* driver's index: PROD (cmdq) or CONS (evtq) */
};

/**
 * struct smmu_device - one SMMU instance
 *
 * Immutable after smmu_iommu_create() unless a lock is named.
 *
 * @cmdq_lock: serialises command producers: the cmdq slots, @cmdq.ptr and
 *	the error recovery.  Taken inside the group mutex (attach) and the
 *	domain's page-table callers (map/unmap hold no core lock); nothing of
 *	the driver is taken inside it (the model's queue lock and the GERROR
 *	interrupt line are).
 * @streams_lock: protects @streams (SID -> master) and every master's
 *	attachment pointers read by the event thread.  A leaf: taken inside
 *	the group mutex, the probe lock and @fault_lock.
 * @fault_lock: held by the event thread across a record's lookup and its
 *	report_iommu_fault() call, so that release_device and domain free can
 *	wait for an in-flight report (they take and drop it).  Taken inside
 *	the group mutex; fault handlers run under it and must not take a
 *	group mutex or free the domain.
 * @evtq_sync: protects @evtq_passes, @evtq_stopping and @evtq_waiters, the
 *	handshake between the event thread and smmu_iommu_flush_events().  A
 *	leaf: taken by the event thread between passes (no lock held) and by
 *	flushers under whatever they hold; only completions are signalled
 *	inside it.
 */
struct smmu_device {
	struct iommu_device iommu;		/* registered with the core */
	struct list_head node;			/* on smmu_instances */
	bool ready;				/* programmed: probe may find it;
						 * under smmu_instances_lock */
	struct sio_hw_smmu *hw;			/* the machine's; not ours to free */
	struct sio_phys_mem *mem;
	struct smmu_iommu_config cfg;

	/* From the ID registers. */
	bool s1, s2, nesting, pri, stall;
	unsigned int sid_bits, ssid_bits, ias, oas;
	unsigned long pgsize_bitmap;		/* all granules' page sizes */

	/* Stream table: 2^strtab_log2 STEs. */
	u64 strtab_pa;
	unsigned int strtab_order;
	unsigned int strtab_log2;

	struct mutex cmdq_lock;
	struct smmu_queue cmdq;			/* ptr = PROD, under cmdq_lock */
	struct smmu_queue evtq;			/* ptr = CONS, event thread */

	struct mutex streams_lock;
	struct xarray streams;			/* SID -> struct smmu_master */

	struct ida asid_ida;
	struct ida vmid_ida;

	struct mutex fault_lock;
	struct sio_kthread *evtq_thread;
	struct mutex evtq_sync;
	u64 evtq_passes;			/* under evtq_sync */
	bool evtq_stopping;			/* under evtq_sync */
	struct list_head evtq_waiters;		/* smmu_evtq_waiter, evtq_sync */

	/* Counters (atomic). */
	u64 st_cmds, st_syncs, st_cmd_errors, st_gerror_irqs;
	u64 st_events, st_evtq_overflows, st_faults_reported;
};

static inline struct smmu_device *to_smmu_device(struct iommu_device *iommu)
{
	return container_of(iommu, struct smmu_device, iommu);
}

enum smmu_stage {
	SMMU_STAGE_1,
	SMMU_STAGE_2,
};

/**
 * struct smmu_domain - a paging domain bound to one SMMU instance
 * @smmu: the instance whose device allocated it
 * @stage: which translation stage its table is for
 * @asid: stage 1: ASID tagging its IOTLB entries
 * @vmid: stage 2: VMID tagging its IOTLB entries
 * @pgtbl: the io-pgtable (its configuration holds TTB/TCR or VTTBR/VTCR)
 * @cfg: copy of the io-pgtable outputs (CD/STE fields)
 * @fmt: io-pgtable format
 */
struct smmu_domain {
	struct iommu_domain domain;
	struct smmu_device *smmu;
	enum smmu_stage stage;
	u16 asid;
	u16 vmid;
	struct io_pgtable_ops *pgtbl;
	struct io_pgtable_cfg cfg;
	enum io_pgtable_fmt fmt;
};

static inline struct smmu_domain *to_smmu_domain(struct iommu_domain *d)
{
	return container_of(d, struct smmu_domain, domain);
}

/**
 * struct smmu_master - what the driver knows about one probed device
 * @smmu: its instance
 * @dev: the device
 * @sids: its stream IDs (@num_sids)
 * @ssid_bits: substream ID bits usable by this device (min of device and
 *	hardware); 0 = no PASIDs
 * @cd_pa: its context-descriptor table (2^@ssid_bits CDs), allocated at
 *	probe on stage-1 hardware (0 = none)
 * @cd_order: frames of the CD table
 * @rid_domain: domain of the RID (static identity/blocked or a paging
 *	domain), NULL before the first attach.  Written under the group mutex
 *	and @smmu->streams_lock; read by the event thread under the latter.
 * @pasids: PASID -> struct smmu_domain (stage 1), same locking
 * @nr_pasids: entries in @pasids (group mutex)
 */
struct smmu_master {
	struct smmu_device *smmu;
	struct sio_device *dev;
	u32 sids[SIO_FW_MAX_IDS];
	unsigned int num_sids;
	unsigned int ssid_bits;
	u64 cd_pa;
	unsigned int cd_order;
	struct iommu_domain *rid_domain;
	struct xarray pasids;
	unsigned int nr_pasids;
};

/* smmu-main.c */
extern const struct iommu_ops smmu_ops;
extern struct iommu_domain smmu_identity_domain;
extern struct iommu_domain smmu_blocked_domain;
struct smmu_master *smmu_dev_master(struct sio_device *dev);

/* smmu-cmdq.c */
int smmu_cmdq_init(struct smmu_device *smmu);
void smmu_cmdq_free(struct smmu_device *smmu);
int smmu_cmdq_issue(struct smmu_device *smmu, const u64 (*cmds)[2],
		    unsigned int n, bool sync);
void smmu_cmd_cfgi_ste(struct smmu_device *smmu, u32 sid);
void smmu_cmd_cfgi_cd(struct smmu_device *smmu, u32 sid, u32 ssid);
void smmu_gerror_irq(struct sio_hw_smmu *hw, void *data);

/* smmu-evtq.c */
int smmu_evtq_init(struct smmu_device *smmu);
void smmu_evtq_stop(struct smmu_device *smmu);
void smmu_evtq_free(struct smmu_device *smmu);

/* smmu-domain.c */
extern const struct iommu_domain_ops smmu_paging_ops;
extern const struct iommu_domain_ops smmu_identity_ops;
extern const struct iommu_domain_ops smmu_blocked_ops;
struct iommu_domain *smmu_domain_alloc_paging(struct sio_device *dev);
struct iommu_domain *smmu_domain_alloc_paging_flags(struct sio_device *dev,
						    unsigned int flags,
						    const void *user_data);
void smmu_write_ste_abort(struct smmu_device *smmu, u32 sid);
int smmu_master_get_cd_table(struct smmu_master *master);
void smmu_master_free_cd_table(struct smmu_master *master);
bool smmu_domain_is_paging(const struct iommu_domain *d);

#endif /* SIO_DRIVERS_SMMU_SMMU_PRIV_H */
