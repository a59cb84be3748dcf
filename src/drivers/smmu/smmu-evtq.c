// SPDX-License-Identifier: BSD-3-Clause
/*
 * SMMU driver event queue: the "threaded IRQ" that drains event records,
 * logs them the way the kernel driver does, and turns unrecoverable
 * translation faults into report_iommu_fault() on the faulting domain.
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c
 * (arm_smmu_evtq_thread, arm_smmu_handle_evt, arm_smmu_dump_event)
 */
#include "drivers/smmu/smmu-priv.h"

/* How long the thread sleeps when nothing wakes it (a safety net). */
#define SMMU_EVTQ_IDLE_MS	1000

/* A smmu_iommu_flush_events() caller waiting for the event thread. */
struct smmu_evtq_waiter {
	struct list_head node;		/* on smmu->evtq_waiters */
	u64 target;			/* wake when evtq_passes reaches it */
	struct completion done;
};

static const char *smmu_event_name(unsigned int type)
{
	switch (type) {
	case SIO_SMMU_EVT_F_UUT:		return "F_UUT";
	case SIO_SMMU_EVT_C_BAD_STREAMID:	return "C_BAD_STREAMID";
	case SIO_SMMU_EVT_F_STE_FETCH:		return "F_STE_FETCH";
	case SIO_SMMU_EVT_C_BAD_STE:		return "C_BAD_STE";
	case SIO_SMMU_EVT_F_BAD_ATS_TREQ:	return "F_BAD_ATS_TREQ";
	case SIO_SMMU_EVT_F_STREAM_DISABLED:	return "F_STREAM_DISABLED";
	case SIO_SMMU_EVT_C_BAD_SUBSTREAMID:	return "C_BAD_SUBSTREAMID";
	case SIO_SMMU_EVT_F_CD_FETCH:		return "F_CD_FETCH";
	case SIO_SMMU_EVT_C_BAD_CD:		return "C_BAD_CD";
	case SIO_SMMU_EVT_F_WALK_EABT:		return "F_WALK_EABT";
	case SIO_SMMU_EVT_F_TRANSLATION:	return "F_TRANSLATION";
	case SIO_SMMU_EVT_F_ADDR_SIZE:		return "F_ADDR_SIZE";
	case SIO_SMMU_EVT_F_ACCESS:		return "F_ACCESS";
	case SIO_SMMU_EVT_F_PERMISSION:		return "F_PERMISSION";
	default:				return "UNKNOWN";
	}
}

static const char *smmu_event_reason(unsigned int type)
{
	switch (type) {
	case SIO_SMMU_EVT_C_BAD_STREAMID:
		return "StreamID out of range";
	case SIO_SMMU_EVT_C_BAD_STE:
		return "Invalid stream table entry";
	case SIO_SMMU_EVT_F_STREAM_DISABLED:
		return "Transaction without SubstreamID on a stream requiring one";
	case SIO_SMMU_EVT_C_BAD_SUBSTREAMID:
		return "SubstreamID out of range or not allowed";
	case SIO_SMMU_EVT_C_BAD_CD:
		return "Invalid context descriptor";
	case SIO_SMMU_EVT_F_TRANSLATION:
		return "Translation fault";
	case SIO_SMMU_EVT_F_ADDR_SIZE:
		return "Address size fault";
	case SIO_SMMU_EVT_F_ACCESS:
		return "Access flag fault";
	case SIO_SMMU_EVT_F_PERMISSION:
		return "Permission fault";
	case SIO_SMMU_EVT_F_WALK_EABT:
		return "External abort on a table walk";
	default:
		return "Fetch abort or unexpected event";
	}
}

static const char *smmu_class_str(unsigned int class)
{
	switch (class) {
	case SIO_SMMU_EVT_CLASS_CD:	return "CD fetch";
	case SIO_SMMU_EVT_CLASS_TT:	return "TT fetch";
	case SIO_SMMU_EVT_CLASS_IN:	return "in translation";
	default:			return "reserved";
	}
}

static bool smmu_event_is_fault(unsigned int type)
{
	return type == SIO_SMMU_EVT_F_TRANSLATION ||
	       type == SIO_SMMU_EVT_F_ADDR_SIZE ||
	       type == SIO_SMMU_EVT_F_ACCESS ||
	       type == SIO_SMMU_EVT_F_PERMISSION;
}

/* Decode and log one record, kernel style. */
static void smmu_dump_event(struct smmu_device *smmu, const u64 evt[4],
			    struct sio_device *client)
{
	unsigned int type = SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_TYPE, evt[0]);
	const char *name = smmu->iommu.name;
	int i;

	pr_info("%s %s: event 0x%02x received:", SMMU_DRV_NAME, name, type);
	for (i = 0; i < SIO_SMMU_EVT_DWORDS; i++)
		pr_info("%s %s: \t0x%016llx", SMMU_DRV_NAME, name,
			(unsigned long long)evt[i]);
	pr_info("%s %s: event: %s client: %s sid: 0x%llx ssid: 0x%llx iova: 0x%llx ipa: 0x%llx",
		SMMU_DRV_NAME, name, smmu_event_name(type),
		client ? client->name : "(unassigned sid)",
		(unsigned long long)SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_SID,
						       evt[0]),
		(evt[0] & SIO_SMMU_EVT0_SSV) ?
			(unsigned long long)SIO_SMMU_FIELD_GET(
				SIO_SMMU_EVT0_SSID, evt[0]) : 0ULL,
		(unsigned long long)evt[2], (unsigned long long)evt[3]);
	if (!smmu_event_is_fault(type) && type != SIO_SMMU_EVT_F_WALK_EABT) {
		pr_info("%s %s: \"%s\"", SMMU_DRV_NAME, name,
			smmu_event_reason(type));
		return;
	}
	pr_info("%s %s: %s %s %s %s \"%s\"%s class: %s stag: 0x%llx",
		SMMU_DRV_NAME, name,
		(evt[1] & SIO_SMMU_EVT1_PNU) ? "priv" : "unpriv",
		(evt[1] & SIO_SMMU_EVT1_IND) ? "inst" : "data",
		(evt[1] & SIO_SMMU_EVT1_RNW) ? "read" : "write",
		(evt[1] & SIO_SMMU_EVT1_S2) ? "s2" : "s1",
		smmu_event_reason(type),
		(evt[1] & SIO_SMMU_EVT1_STALL) ? " stall" : "",
		smmu_class_str(SIO_SMMU_FIELD_GET(SIO_SMMU_EVT1_CLASS, evt[1])),
		(unsigned long long)SIO_SMMU_FIELD_GET(SIO_SMMU_EVT1_STAG,
						       evt[1]));
}

/* The domain of the stream/substream of @evt.  streams_lock held. */
static struct iommu_domain *smmu_evt_domain(struct smmu_master *master,
					    const u64 evt[4])
{
	struct smmu_domain *sd;

	lockdep_assert_held(&master->smmu->streams_lock);
	if (evt[0] & SIO_SMMU_EVT0_SSV) {
		sd = xa_load(&master->pasids,
			     SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_SSID, evt[0]));
		return sd ? &sd->domain : NULL;
	}
	if (!smmu_domain_is_paging(master->rid_domain))
		return NULL;
	return master->rid_domain;
}

/* Resume a stalled transaction with an abort: no IOPF handling yet. */
static void smmu_evt_resume_abort(struct smmu_device *smmu, const u64 evt[4])
{
	u64 cmd[1][2] = { {
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP, SIO_SMMU_CMD_RESUME) |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID,
				    SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_SID,
						       evt[0])) |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_RESUME_RESP,
				    SIO_SMMU_RESUME_ABORT),
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_STAG,
				    SIO_SMMU_FIELD_GET(SIO_SMMU_EVT1_STAG,
						       evt[1])),
	} };

	smmu_cmdq_issue(smmu, (const u64 (*)[2])cmd, 1, true);
}

/* Handle one record.  Context: event thread, fault_lock held. */
static void smmu_handle_event(struct smmu_device *smmu, const u64 evt[4])
{
	unsigned int type = SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_TYPE, evt[0]);
	u32 sid = SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_SID, evt[0]);
	struct iommu_domain *domain = NULL;
	struct smmu_master *master;
	struct sio_device *dev = NULL;

	lockdep_assert_held(&smmu->fault_lock);
	mutex_lock(&smmu->streams_lock);
	master = xa_load(&smmu->streams, sid);
	if (master) {
		dev = master->dev;
		domain = smmu_evt_domain(master, evt);
	}
	mutex_unlock(&smmu->streams_lock);

	smmu_dump_event(smmu, evt, dev);
	if (evt[1] & SIO_SMMU_EVT1_STALL) {
		smmu_evt_resume_abort(smmu, evt);
		return;
	}
	/*
	 * Unrecoverable faults go to the domain's legacy handler.  The master
	 * and domain stay valid: release_device and domain free wait for
	 * fault_lock, which this thread holds.
	 */
	if (!smmu_event_is_fault(type) || !domain)
		return;
	__atomic_add_fetch(&smmu->st_faults_reported, 1, __ATOMIC_RELAXED);
	report_iommu_fault(domain, dev, (unsigned long)evt[2],
			   (evt[1] & SIO_SMMU_EVT1_RNW) ? IOMMU_FAULT_READ :
							  IOMMU_FAULT_WRITE);
}

/* Drain the event queue once.  Context: event thread. */
static void smmu_evtq_drain(struct smmu_device *smmu)
{
	struct smmu_queue *q = &smmu->evtq;
	u32 wrap = (2U << q->log2) - 1, prod, cons;
	u64 evt[SIO_SMMU_EVT_DWORDS], slot;
	int i;

	for (;;) {
		prod = sio_hw_smmu_read32(smmu->hw, SIO_SMMU_EVTQ_PROD);
		cons = q->ptr;
		if ((prod & SIO_SMMU_Q_OVF) != (cons & SIO_SMMU_Q_OVF)) {
			pr_err("%s %s: EVTQ overflow detected -- events lost",
			       SMMU_DRV_NAME, smmu->iommu.name);
			__atomic_add_fetch(&smmu->st_evtq_overflows, 1,
					   __ATOMIC_RELAXED);
			/* Acknowledge: OVACKFLG follows OVFLG. */
			q->ptr = (cons & ~SIO_SMMU_Q_OVF) |
				 (prod & SIO_SMMU_Q_OVF);
			cons = q->ptr;
			sio_hw_smmu_write32(smmu->hw, SIO_SMMU_EVTQ_CONS, cons);
		}
		if ((prod & wrap) == (cons & wrap))
			return;
		slot = q->pa + (u64)(cons & ((1U << q->log2) - 1)) *
			       SIO_SMMU_EVT_SIZE;
		for (i = 0; i < SIO_SMMU_EVT_DWORDS; i++)
			evt[i] = sio_phys_read64_acquire(smmu->mem,
							 slot + 8 * i);
		/* Free the slot first, like the kernel driver. */
		q->ptr = (((cons & wrap) + 1) & wrap) | (cons & SIO_SMMU_Q_OVF);
		sio_hw_smmu_write32(smmu->hw, SIO_SMMU_EVTQ_CONS, q->ptr);
		__atomic_add_fetch(&smmu->st_events, 1, __ATOMIC_RELAXED);

		mutex_lock(&smmu->fault_lock);
		smmu_handle_event(smmu, evt);
		mutex_unlock(&smmu->fault_lock);
	}
}

/*
 * Count a finished pass and release the flushers it satisfies.  Return:
 * true if a flusher still waits (it wants the next pass at once).
 */
static bool smmu_evtq_pass_done(struct smmu_device *smmu)
{
	struct smmu_evtq_waiter *w, *tmp;
	bool more;

	mutex_lock(&smmu->evtq_sync);
	smmu->evtq_passes++;
	list_for_each_entry_safe(w, tmp, &smmu->evtq_waiters, node) {
		if (smmu->evtq_passes < w->target)
			continue;
		list_del(&w->node);
		complete(&w->done);
	}
	more = !list_empty(&smmu->evtq_waiters);
	mutex_unlock(&smmu->evtq_sync);
	return more;
}

static int smmu_evtq_thread(void *data)
{
	struct smmu_device *smmu = data;

	while (!sio_kthread_should_stop()) {
		smmu_evtq_drain(smmu);
		if (!smmu_evtq_pass_done(smmu))
			sio_kthread_sleep_ms(SMMU_EVTQ_IDLE_MS);
	}
	return 0;
}

/* The EVTQ interrupt: wake the thread.  Context: any thread, line lock. */
static void smmu_evtq_irq(struct sio_hw_smmu *hw, void *data)
{
	struct smmu_device *smmu = data;

	sio_kthread_wake(smmu->evtq_thread);
}

/**
 * smmu_evtq_init() - allocate the event queue, program EVTQ_BASE, start
 * the event thread and connect the EVTQ and GERROR interrupts
 * @smmu: the instance (event queue disabled)
 * Context: may sleep.
 * Return: 0, -ENOMEM, -EAGAIN (thread).
 */
int smmu_evtq_init(struct smmu_device *smmu)
{
	struct smmu_queue *q = &smmu->evtq;
	unsigned int max_log2 = SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_EVTQS,
				sio_hw_smmu_read32(smmu->hw, SIO_SMMU_IDR1));
	char tname[16];
	int ret;

	q->log2 = smmu->cfg.evtq_log2 ? smmu->cfg.evtq_log2 :
					SMMU_EVTQ_DEFAULT_LOG2;
	q->log2 = min(max(q->log2, 1U), max_log2);
	q->order = sio_phys_order_for_size((u64)SIO_SMMU_EVT_SIZE << q->log2);
	ret = sio_phys_alloc_pages(smmu->mem, q->order, GFP_KERNEL, &q->pa);
	if (ret)
		return ret;
	q->ptr = 0;
	sio_hw_smmu_write64(smmu->hw, SIO_SMMU_EVTQ_BASE,
			    q->pa | SIO_SMMU_FIELD_PREP(SIO_SMMU_Q_BASE_LOG2SIZE,
							q->log2));
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_EVTQ_PROD, 0);
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_EVTQ_CONS, 0);

	mutex_init(&smmu->evtq_sync);
	INIT_LIST_HEAD(&smmu->evtq_waiters);
	/* Thread names are short: "evtq-" and the start of the name. */
	snprintf(tname, sizeof(tname), "evtq-%.10s", smmu->iommu.name);
	smmu->evtq_thread = sio_kthread_run(smmu_evtq_thread, smmu, tname);
	if (IS_ERR(smmu->evtq_thread)) {
		ret = PTR_ERR(smmu->evtq_thread);
		smmu->evtq_thread = NULL;
		goto err_sync;
	}
	sio_hw_smmu_set_irq_handler(smmu->hw, SIO_HW_SMMU_IRQ_EVTQ,
				    smmu_evtq_irq, smmu);
	sio_hw_smmu_set_irq_handler(smmu->hw, SIO_HW_SMMU_IRQ_GERROR,
				    smmu_gerror_irq, smmu);
	return 0;

err_sync:
	mutex_destroy(&smmu->evtq_sync);
	sio_phys_free_pages(smmu->mem, q->pa, q->order);
	q->pa = 0;
	return ret;
}

/**
 * smmu_evtq_stop() - disconnect the interrupts and stop the event thread
 * @smmu: the instance (its interrupts already disabled in IRQ_CTRL)
 * Context: may sleep; not from the event thread.
 */
void smmu_evtq_stop(struct smmu_device *smmu)
{
	struct smmu_evtq_waiter *w, *tmp;

	if (!smmu->evtq_thread)
		return;
	/* On return no handler runs, so nothing wakes a stopped thread. */
	sio_hw_smmu_set_irq_handler(smmu->hw, SIO_HW_SMMU_IRQ_EVTQ, NULL,
				    NULL);
	sio_hw_smmu_set_irq_handler(smmu->hw, SIO_HW_SMMU_IRQ_GERROR, NULL,
				    NULL);
	mutex_lock(&smmu->evtq_sync);
	smmu->evtq_stopping = true;
	/* No more passes for the flushers: let them return. */
	list_for_each_entry_safe(w, tmp, &smmu->evtq_waiters, node) {
		list_del(&w->node);
		complete(&w->done);
	}
	mutex_unlock(&smmu->evtq_sync);
	sio_kthread_stop(smmu->evtq_thread);
	smmu->evtq_thread = NULL;
}

/**
 * smmu_evtq_free() - free the event queue memory and the handshake state
 * @smmu: the instance (thread stopped, queue disabled)
 * Context: may sleep.
 */
void smmu_evtq_free(struct smmu_device *smmu)
{
	if (!smmu->evtq.pa)
		return;
	mutex_destroy(&smmu->evtq_sync);
	sio_phys_free_pages(smmu->mem, smmu->evtq.pa, smmu->evtq.order);
	smmu->evtq.pa = 0;
}

/**
 * smmu_iommu_flush_events() - wait until the event thread consumed every
 * event record the hardware queued before this call
 * @iommu: an SMMU instance (anything else returns at once)
 *
 * On return each such record has been processed, and any fault it reports
 * handed to report_iommu_fault().  Returns at once while the event thread
 * is stopping or absent.
 *
 * Context: sleeps; takes the instance's evtq_sync (a leaf) and then waits
 * for the event thread, so the caller must not hold fault_lock or anything
 * a fault handler takes.  Not from a fault handler.
 */
void smmu_iommu_flush_events(struct iommu_device *iommu)
{
	struct smmu_evtq_waiter w;
	struct smmu_device *smmu;

	if (!smmu_iommu_is(iommu))
		return;
	smmu = to_smmu_device(iommu);
	mutex_lock(&smmu->evtq_sync);
	if (smmu->evtq_stopping || !smmu->evtq_thread) {
		mutex_unlock(&smmu->evtq_sync);
		return;
	}
	init_completion(&w.done);
	/* A pass in progress may have missed our records; the next cannot. */
	w.target = smmu->evtq_passes + 2;
	list_add_tail(&w.node, &smmu->evtq_waiters);
	/* The thread runs passes back to back while anyone waits. */
	sio_kthread_wake(smmu->evtq_thread);
	mutex_unlock(&smmu->evtq_sync);
	/* Completed, and off the list, by smmu_evtq_pass_done() or _stop(). */
	wait_for_completion(&w.done);
	destroy_completion(&w.done);
}
