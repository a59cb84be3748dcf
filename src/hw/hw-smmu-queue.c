// SPDX-License-Identifier: BSD-3-Clause
/*
 * Software SMMU queues: command consumption and execution, event records,
 * PRI page requests (and their overflow behaviour).
 * Kernel counterpart: none (hardware; see arm-smmu-v3.c for the driver side)
 */
#include "hw/hw-smmu-priv.h"

static unsigned int hw_smmu_q_log2(struct sio_hw_smmu_queue *q)
{
	return SIO_SMMU_FIELD_GET(SIO_SMMU_Q_BASE_LOG2SIZE,
				  atomic_load(&q->base));
}

static u64 hw_smmu_q_slot(struct sio_hw_smmu_queue *q, u32 ptr)
{
	u64 base = atomic_load(&q->base);
	unsigned int log2 = SIO_SMMU_FIELD_GET(SIO_SMMU_Q_BASE_LOG2SIZE, base);

	return (base & SIO_SMMU_Q_BASE_ADDR) +
	       (u64)sio_hw_smmu_q_idx(ptr, log2) * q->ent_size;
}

/* --------------------------------------------------------------- commands */

static void hw_smmu_dev_pri_response(struct sio_hw_smmu *smmu, u32 sid,
				     bool ssv, u32 ssid, u16 grpid,
				     enum sio_hw_pri_resp code)
{
	mutex_lock(&smmu->dev_lock);
	if (smmu->dev_ops && smmu->dev_ops->pri_response)
		smmu->dev_ops->pri_response(smmu->dev_data, sid, ssv, ssid,
					    grpid, code);
	mutex_unlock(&smmu->dev_lock);
}

/* Check the SID/SSID fields of a command.  Return: true if in range. */
static bool hw_smmu_cmd_ids_ok(struct sio_hw_smmu *smmu, u64 c0, bool ssid)
{
	u64 sid = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_SID, c0);

	if (smmu->cfg.sid_bits < 32 && (sid >> smmu->cfg.sid_bits))
		return false;
	if (ssid && (SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_SSID, c0) >>
		     smmu->cfg.ssid_bits))
		return false;
	return true;
}

/* RANGE and ADDR of a TLBI by address.  Return: true if well formed. */
static bool hw_smmu_cmd_range_ok(u64 c0, u64 c1, u64 *addr, unsigned int *log2)
{
	*log2 = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_RANGE, c0);
	*addr = c1 & SIO_SMMU_CMD1_ADDR;
	if (!*log2)
		return true;
	if (*log2 < 12 || *log2 > 52)
		return false;
	return IS_ALIGNED(*addr, 1ULL << *log2);
}

static void hw_smmu_cmd_sync(struct sio_hw_smmu *smmu, u64 c0, u64 c1)
{
	u64 msi = c1 & SIO_SMMU_CMD1_MSIADDR;

	atomic_fetch_add(&smmu->sync_count, 1);
	sio_hw_smmu_stat_inc(smmu, syncs);
	if (SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_CS, c0) == SIO_SMMU_SYNC_CS_IRQ &&
	    msi) {
		u32 *p = sio_phys_to_virt(smmu->mem, msi, 4);

		/* A bad MSI address is an abort on the bus: nothing written. */
		if (p)
			__atomic_store_n(p, (u32)SIO_SMMU_FIELD_GET(
					 SIO_SMMU_CMD0_MSIDATA, c0),
					 __ATOMIC_RELEASE);
	}
}

/* Consume one injected TLBI drop.  Return: true if this TLBI is dropped. */
static bool hw_smmu_tlbi_dropped(struct sio_hw_smmu *smmu)
{
	int n = atomic_load_explicit(&smmu->drop_tlbi, memory_order_relaxed);

	while (n > 0)
		if (atomic_compare_exchange_weak(&smmu->drop_tlbi, &n, n - 1))
			return true;
	return false;
}

/* Execute one command.  Return: SIO_SMMU_CERROR_*. */
static int hw_smmu_cmd_exec(struct sio_hw_smmu *smmu, u64 c0, u64 c1)
{
	u32 sid = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_SID, c0);
	u32 ssid = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_SSID, c0);
	bool ssv = c0 & SIO_SMMU_CMD0_SSV;
	u16 vmid = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_VMID, c0);
	u16 asid = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_ASID, c0);
	unsigned int log2;
	u64 addr;

	switch (SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_OP, c0)) {
	case SIO_SMMU_CMD_CFGI_STE:
		if (!hw_smmu_cmd_ids_ok(smmu, c0, false))
			return SIO_SMMU_CERROR_ILL;
		/* The STE and every CD cached through it. */
		sio_hw_smmu_cfg_inv(smmu, sio_hw_smmu_cfg_key(false, sid, 0),
				    SIO_HW_SMMU_CFG_KEY_VALID |
					    GENMASK_ULL(43, 20));
		sio_hw_smmu_stat_inc(smmu, cfg_inv_cmds);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_CFGI_ALL:
		sio_hw_smmu_cfg_inv(smmu, SIO_HW_SMMU_CFG_KEY_VALID,
				    SIO_HW_SMMU_CFG_KEY_VALID);
		sio_hw_smmu_stat_inc(smmu, cfg_inv_cmds);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_CFGI_CD:
		if (!hw_smmu_cmd_ids_ok(smmu, c0, true))
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_cfg_inv(smmu, sio_hw_smmu_cfg_key(true, sid, ssid),
				    ~0ULL);
		sio_hw_smmu_stat_inc(smmu, cfg_inv_cmds);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_CFGI_CD_ALL:
		if (!hw_smmu_cmd_ids_ok(smmu, c0, false))
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_cfg_inv(smmu, sio_hw_smmu_cfg_key(true, sid, 0),
				    SIO_HW_SMMU_CFG_KEY_VALID |
					    SIO_HW_SMMU_CFG_KEY_CD |
					    GENMASK_ULL(43, 20));
		sio_hw_smmu_stat_inc(smmu, cfg_inv_cmds);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_TLBI_NH_ALL:
		if (!smmu->cfg.stage1)
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_stat_inc(smmu, iotlb_inv_cmds);
		if (!hw_smmu_tlbi_dropped(smmu))
			sio_hw_smmu_iotlb_inv_vmid(smmu, vmid, true);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_TLBI_NH_ASID:
		if (!smmu->cfg.stage1)
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_stat_inc(smmu, iotlb_inv_cmds);
		if (!hw_smmu_tlbi_dropped(smmu))
			sio_hw_smmu_iotlb_inv_asid(smmu, vmid, asid);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_TLBI_NH_VA:
		if (!smmu->cfg.stage1 ||
		    !hw_smmu_cmd_range_ok(c0, c1, &addr, &log2))
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_stat_inc(smmu, iotlb_inv_cmds);
		if (!hw_smmu_tlbi_dropped(smmu))
			sio_hw_smmu_iotlb_inv_range(smmu, false, vmid, asid,
						    addr, log2);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_TLBI_S12_VMALL:
		if (!smmu->cfg.stage2)
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_stat_inc(smmu, iotlb_inv_cmds);
		if (!hw_smmu_tlbi_dropped(smmu))
			sio_hw_smmu_iotlb_inv_vmid(smmu, vmid, false);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_TLBI_S2_IPA:
		if (!smmu->cfg.stage2 ||
		    !hw_smmu_cmd_range_ok(c0, c1, &addr, &log2))
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_stat_inc(smmu, iotlb_inv_cmds);
		if (!hw_smmu_tlbi_dropped(smmu))
			sio_hw_smmu_iotlb_inv_range(smmu, true, vmid, 0, addr,
						    log2);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_TLBI_NSNH_ALL:
		sio_hw_smmu_stat_inc(smmu, iotlb_inv_cmds);
		if (!hw_smmu_tlbi_dropped(smmu))
			sio_hw_smmu_iotlb_inv_all(smmu);
		return SIO_SMMU_CERROR_NONE;
	case SIO_SMMU_CMD_ATC_INV: {
		bool global = c1 & SIO_SMMU_CMD1_ATC_GLOBAL;
		unsigned int sz = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD1_ATC_SIZE,
						     c1);

		if (!hw_smmu_cmd_ids_ok(smmu, c0, ssv) || sz > 52)
			return SIO_SMMU_CERROR_ILL;
		mutex_lock(&smmu->dev_lock);
		if (smmu->dev_ops && smmu->dev_ops->atc_inv)
			smmu->dev_ops->atc_inv(smmu->dev_data, sid, ssv, ssid,
					       c1 & SIO_SMMU_CMD1_ADDR,
					       (u64)4096 << sz, global);
		mutex_unlock(&smmu->dev_lock);
		return SIO_SMMU_CERROR_NONE;
	}
	case SIO_SMMU_CMD_PRI_RESP: {
		u64 resp = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD1_RESP, c1);

		if (!smmu->cfg.pri || !hw_smmu_cmd_ids_ok(smmu, c0, ssv) ||
		    resp > SIO_SMMU_PRI_RESP_SUCC)
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_stat_inc(smmu, pri_responses);
		hw_smmu_dev_pri_response(
			smmu, sid, ssv, ssid,
			SIO_SMMU_FIELD_GET(SIO_SMMU_CMD1_GRPID, c1),
			(enum sio_hw_pri_resp)resp);
		return SIO_SMMU_CERROR_NONE;
	}
	case SIO_SMMU_CMD_RESUME: {
		u64 resp = SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_RESUME_RESP, c0);

		if (!smmu->cfg.stall || !hw_smmu_cmd_ids_ok(smmu, c0, false) ||
		    resp > SIO_SMMU_RESUME_ABORT)
			return SIO_SMMU_CERROR_ILL;
		sio_hw_smmu_stat_inc(smmu, resumes);
		mutex_lock(&smmu->dev_lock);
		if (smmu->dev_ops && smmu->dev_ops->resume)
			smmu->dev_ops->resume(smmu->dev_data, sid,
					      SIO_SMMU_FIELD_GET(
						      SIO_SMMU_CMD1_STAG, c1),
					      resp == SIO_SMMU_RESUME_RETRY);
		mutex_unlock(&smmu->dev_lock);
		return SIO_SMMU_CERROR_NONE;
	}
	case SIO_SMMU_CMD_SYNC:
		if (SIO_SMMU_FIELD_GET(SIO_SMMU_CMD0_CS, c0) > SIO_SMMU_SYNC_CS_SEV)
			return SIO_SMMU_CERROR_ILL;
		hw_smmu_cmd_sync(smmu, c0, c1);
		return SIO_SMMU_CERROR_NONE;
	}
	return SIO_SMMU_CERROR_ILL;
}

/**
 * sio_hw_smmu_cmdq_consume() - execute commands from CONS up to PROD
 * @smmu: the SMMU
 *
 * Stops at the first illegal command (CONS.ERR, GERROR.CMDQ_ERR, GERROR
 * interrupt) and while an error is unacknowledged.
 *
 * Context: takes cmdq.lock (and dev_lock for device callbacks); raises the
 * GERROR interrupt after dropping it.  Caller holds no model lock.
 */
void sio_hw_smmu_cmdq_consume(struct sio_hw_smmu *smmu)
{
	struct sio_hw_smmu_queue *q = &smmu->cmdq;
	bool error = false;

	spin_lock(&q->lock);
	while (sio_hw_smmu_cr0(smmu) & SIO_SMMU_CR0_CMDQEN) {
		u32 cons = atomic_load(&q->cons);
		u32 prod = atomic_load_explicit(&q->prod, memory_order_acquire);
		unsigned int log2 = hw_smmu_q_log2(q);
		u64 slot = hw_smmu_q_slot(q, cons), c0, c1;
		int cerror;

		if (SIO_SMMU_FIELD_GET(SIO_SMMU_CMDQ_CONS_ERR, cons) ||
		    sio_hw_smmu_q_empty(prod, cons, log2))
			break;
		if (sio_phys_try_read64(smmu->mem, slot, &c0) ||
		    sio_phys_try_read64(smmu->mem, slot + 8, &c1))
			cerror = SIO_SMMU_CERROR_ABT;
		else
			cerror = hw_smmu_cmd_exec(smmu, c0, c1);
		if (cerror) {
			atomic_store_explicit(&q->cons, cons |
				SIO_SMMU_FIELD_PREP(SIO_SMMU_CMDQ_CONS_ERR,
						    cerror),
				memory_order_release);
			sio_hw_smmu_gerror_toggle(smmu,
						  SIO_SMMU_GERROR_CMDQ_ERR);
			sio_hw_smmu_stat_inc(smmu, cmd_errors);
			pr_debug("%s: command queue error %d at 0x%x", smmu->name,
				 cerror, cons);
			error = true;
			break;
		}
		sio_hw_smmu_stat_inc(smmu, cmds);
		atomic_store_explicit(&q->cons, sio_hw_smmu_q_inc(cons, log2),
				      memory_order_release);
	}
	spin_unlock(&q->lock);
	if (error)
		sio_hw_smmu_raise_irq(smmu, SIO_HW_SMMU_IRQ_GERROR);
}

/* ------------------------------------------------------- event/PRI queues */

enum hw_smmu_rec_result {
	HW_SMMU_REC_QUEUED,
	HW_SMMU_REC_DISABLED,
	HW_SMMU_REC_OVERFLOW,
	HW_SMMU_REC_ABORT,
};

/*
 * Append a record of @n words to @q (evtq or priq).  Context: takes @q->lock.
 */
static enum hw_smmu_rec_result hw_smmu_q_append(struct sio_hw_smmu *smmu,
						struct sio_hw_smmu_queue *q,
						u32 en_bit, u32 abt_bit,
						const u64 *rec, int n)
{
	enum hw_smmu_rec_result r;
	u32 prod, cons;
	unsigned int log2;
	u64 slot;
	int i;

	spin_lock(&q->lock);
	if ((sio_hw_smmu_cr0(smmu) & (en_bit | SIO_SMMU_CR0_SMMUEN)) !=
	    (en_bit | SIO_SMMU_CR0_SMMUEN)) {
		r = HW_SMMU_REC_DISABLED;
		goto out_unlock;
	}
	log2 = hw_smmu_q_log2(q);
	prod = atomic_load(&q->prod);
	cons = atomic_load_explicit(&q->cons, memory_order_acquire);
	if (sio_hw_smmu_q_full(prod, cons, log2)) {
		/* One OVFLG toggle per episode, acknowledged via OVACKFLG. */
		if ((prod & SIO_SMMU_Q_OVF) == (cons & SIO_SMMU_Q_OVF))
			atomic_store_explicit(&q->prod, prod ^ SIO_SMMU_Q_OVF,
					      memory_order_release);
		r = HW_SMMU_REC_OVERFLOW;
		goto out_unlock;
	}
	slot = hw_smmu_q_slot(q, prod);
	if (!sio_phys_range_valid(smmu->mem, slot, q->ent_size)) {
		sio_hw_smmu_gerror_toggle(smmu, abt_bit);
		r = HW_SMMU_REC_ABORT;
		goto out_unlock;
	}
	for (i = 0; i < n; i++)
		sio_phys_write64(smmu->mem, slot + 8 * i, rec[i]);
	/* Pairs with the driver's acquire read of PROD. */
	atomic_store_explicit(&q->prod, sio_hw_smmu_q_inc(prod, log2),
			      memory_order_release);
	r = HW_SMMU_REC_QUEUED;
out_unlock:
	spin_unlock(&q->lock);
	return r;
}

/**
 * sio_hw_smmu_evtq_record() - queue an event record
 * @smmu: the SMMU
 * @rec: the four words
 *
 * Context: takes evtq.lock; raises EVTQ (or GERROR) after dropping it.
 * Return: true if the record was queued, false if dropped (queue disabled,
 * full, or unwritable).
 */
bool sio_hw_smmu_evtq_record(struct sio_hw_smmu *smmu, const u64 rec[4])
{
	switch (hw_smmu_q_append(smmu, &smmu->evtq, SIO_SMMU_CR0_EVTQEN,
				 SIO_SMMU_GERROR_EVTQ_ABT_ERR, rec,
				 SIO_SMMU_EVT_DWORDS)) {
	case HW_SMMU_REC_QUEUED:
		sio_hw_smmu_stat_inc(smmu, events);
		sio_hw_smmu_raise_irq(smmu, SIO_HW_SMMU_IRQ_EVTQ);
		return true;
	case HW_SMMU_REC_OVERFLOW:
		sio_hw_smmu_stat_inc(smmu, events_dropped);
		sio_hw_smmu_raise_irq(smmu, SIO_HW_SMMU_IRQ_EVTQ);
		return false;
	case HW_SMMU_REC_ABORT:
		sio_hw_smmu_raise_irq(smmu, SIO_HW_SMMU_IRQ_GERROR);
		return false;
	case HW_SMMU_REC_DISABLED:
		break;
	}
	return false;
}

/**
 * sio_hw_smmu_priq_record() - queue a page request
 * @smmu: the SMMU
 * @sid, @ssid_valid, @ssid, @grpid, @last, @perm, @addr: the request
 *
 * Context: takes priq.lock, then (overflow of a last request) dev_lock for
 * the automatic response; raises PRIQ after dropping priq.lock.
 * Return: 0 queued, -ENOSPC dropped on overflow, -ENODEV PRI disabled or
 * the queue unwritable.
 */
int sio_hw_smmu_priq_record(struct sio_hw_smmu *smmu, u32 sid, bool ssid_valid,
			    u32 ssid, u16 grpid, bool last, unsigned int perm,
			    u64 addr)
{
	u64 rec[SIO_SMMU_PRI_DWORDS];

	rec[0] = SIO_SMMU_FIELD_PREP(SIO_SMMU_PRI0_SID, sid) |
		 (ssid_valid ? SIO_SMMU_PRI0_SSV |
			       SIO_SMMU_FIELD_PREP(SIO_SMMU_PRI0_SSID, ssid) :
			       0) |
		 ((perm & SIO_HW_ACCESS_READ) ? SIO_SMMU_PRI0_READ : 0) |
		 ((perm & SIO_HW_ACCESS_WRITE) ? SIO_SMMU_PRI0_WRITE : 0) |
		 ((perm & SIO_HW_ACCESS_EXEC) ? SIO_SMMU_PRI0_EXEC : 0) |
		 ((perm & SIO_HW_ACCESS_PRIV) ? SIO_SMMU_PRI0_PRIV : 0) |
		 (last ? SIO_SMMU_PRI0_LAST : 0);
	rec[1] = SIO_SMMU_FIELD_PREP(SIO_SMMU_PRI1_GRPID, grpid) |
		 (addr & SIO_SMMU_PRI1_ADDR);

	switch (hw_smmu_q_append(smmu, &smmu->priq, SIO_SMMU_CR0_PRIQEN,
				 SIO_SMMU_GERROR_PRIQ_ABT_ERR, rec,
				 SIO_SMMU_PRI_DWORDS)) {
	case HW_SMMU_REC_QUEUED:
		sio_hw_smmu_stat_inc(smmu, pri_requests);
		sio_hw_smmu_raise_irq(smmu, SIO_HW_SMMU_IRQ_PRIQ);
		return 0;
	case HW_SMMU_REC_OVERFLOW:
		sio_hw_smmu_stat_inc(smmu, pri_dropped);
		if (last) {
			sio_hw_smmu_stat_inc(smmu, pri_auto_responses);
			hw_smmu_dev_pri_response(smmu, sid, ssid_valid, ssid,
						 grpid, SIO_HW_PRI_RESP_SUCC);
		}
		sio_hw_smmu_raise_irq(smmu, SIO_HW_SMMU_IRQ_PRIQ);
		return -ENOSPC;
	case HW_SMMU_REC_ABORT:
		sio_hw_smmu_raise_irq(smmu, SIO_HW_SMMU_IRQ_GERROR);
		return -ENODEV;
	case HW_SMMU_REC_DISABLED:
		break;
	}
	return -ENODEV;
}

/**
 * sio_hw_smmu_page_request() - a device sends a PRI page request (ATS path)
 * @smmu: the SMMU
 * @sid: StreamID of the device
 * @ssid_valid: the request carries a PASID
 * @ssid: the PASID
 * @grpid: page request group index (9 bits)
 * @last: last request of the group (a response will follow for the group)
 * @perm: SIO_HW_ACCESS_* bits requested
 * @addr: page address (low 12 bits ignored)
 *
 * Context: any thread; takes the PRI queue lock, then calls the PRIQ (or
 * GERROR) interrupt handler in this thread after dropping it, or the
 * device's pri_response callback on overflow: the caller must hold no lock
 * those take.
 * Return: 0 queued; -ENOSPC the queue was full (request dropped, overflow
 * flagged, automatic SUCCESS response for a last request); -ENODEV when PRI
 * is not implemented or not enabled (CR0.SMMUEN and CR0.PRIQEN), or the
 * queue's memory is unusable (GERROR.PRIQ_ABT_ERR); -EINVAL for a bad @sid,
 * @ssid or @grpid.
 */
int sio_hw_smmu_page_request(struct sio_hw_smmu *smmu, u32 sid,
			     bool ssid_valid, u32 ssid, u16 grpid, bool last,
			     unsigned int perm, u64 addr)
{
	if (!smmu->cfg.pri)
		return -ENODEV;
	if ((sid >> smmu->cfg.sid_bits) || grpid > 0x1ff ||
	    (ssid_valid && (ssid >> smmu->cfg.ssid_bits)))
		return -EINVAL;
	return sio_hw_smmu_priq_record(smmu, sid, ssid_valid, ssid, grpid, last,
				       perm, addr & ~0xfffULL);
}
