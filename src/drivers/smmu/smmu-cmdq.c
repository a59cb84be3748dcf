// SPDX-License-Identifier: BSD-3-Clause
/*
 * SMMU driver command queue: building commands, submitting batches under
 * the producer lock, CMD_SYNC, and recovery from a command the hardware
 * refused (CERROR_ILL / CERROR_ABT: WARN, skip it, acknowledge GERROR).
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c (cmdq)
 */
#include "drivers/smmu/smmu-priv.h"

/* Lock attempts before a contended producer sleeps (smmu_cmdq_lock()). */
#define SMMU_CMDQ_SPINS 256

static inline void smmu_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static u32 smmu_q_wrap_mask(const struct smmu_queue *q)
{
	return (2U << q->log2) - 1;
}

static u32 smmu_q_inc(const struct smmu_queue *q, u32 ptr)
{
	return (ptr + 1) & smmu_q_wrap_mask(q);
}

static u64 smmu_q_slot_pa(const struct smmu_queue *q, u32 ptr, size_t ent)
{
	return q->pa + (u64)(ptr & ((1U << q->log2) - 1)) * ent;
}

/**
 * smmu_cmdq_init() - allocate the command queue and program CMDQ_BASE
 * @smmu: the instance (command queue disabled)
 * Context: may sleep.
 * Return: 0 or -ENOMEM.
 */
int smmu_cmdq_init(struct smmu_device *smmu)
{
	struct smmu_queue *q = &smmu->cmdq;
	unsigned int max_log2 = SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_CMDQS,
				sio_hw_smmu_read32(smmu->hw, SIO_SMMU_IDR1));
	int ret;

	q->log2 = smmu->cfg.cmdq_log2 ? smmu->cfg.cmdq_log2 :
					SMMU_CMDQ_DEFAULT_LOG2;
	q->log2 = min(max(q->log2, 1U), max_log2);
	q->order = sio_phys_order_for_size((u64)SIO_SMMU_CMD_SIZE << q->log2);
	ret = sio_phys_alloc_pages(smmu->mem, q->order, GFP_KERNEL, &q->pa);
	if (ret)
		return ret;
	q->ptr = 0;
	sio_hw_smmu_write64(smmu->hw, SIO_SMMU_CMDQ_BASE,
			    q->pa | SIO_SMMU_FIELD_PREP(SIO_SMMU_Q_BASE_LOG2SIZE,
							q->log2));
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_CMDQ_PROD, 0);
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_CMDQ_CONS, 0);
	return 0;
}

/**
 * smmu_cmdq_free() - free the command queue memory
 * @smmu: the instance (command queue disabled)
 * Context: may sleep.
 */
void smmu_cmdq_free(struct smmu_device *smmu)
{
	if (smmu->cmdq.pa)
		sio_phys_free_pages(smmu->mem, smmu->cmdq.pa, smmu->cmdq.order);
	smmu->cmdq.pa = 0;
}

static const char *smmu_cerror_str(unsigned int err)
{
	switch (err) {
	case SIO_SMMU_CERROR_ILL:
		return "Illegal command";
	case SIO_SMMU_CERROR_ABT:
		return "Abort on command fetch";
	default:
		return "Unknown command queue error";
	}
}

/*
 * Publish @prod and check the hardware consumed everything.  On a command
 * error: WARN, replace the refused command with a CMD_SYNC, acknowledge
 * GERROR.CMDQ_ERR (consumption resumes in this thread), and look again.
 * Return: 0, or -EIO if at least one command was refused.
 */
static int __smmu_cmdq_publish(struct smmu_device *smmu, u32 prod)
{
	struct smmu_queue *q = &smmu->cmdq;
	unsigned int err, tries = 0;
	u32 cons, gerror, gerrorn;
	u64 slot, c0, c1;
	int ret = 0;

	lockdep_assert_held(&smmu->cmdq_lock);
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_CMDQ_PROD, prod);
	for (;;) {
		cons = sio_hw_smmu_read32(smmu->hw, SIO_SMMU_CMDQ_CONS);
		err = SIO_SMMU_FIELD_GET(SIO_SMMU_CMDQ_CONS_ERR, cons);
		cons &= smmu_q_wrap_mask(q);
		if (!err) {
			WARN(cons != prod,
			     "%s %s: command queue stalled (prod 0x%x cons 0x%x)",
			     SMMU_DRV_NAME, smmu->iommu.name, prod, cons);
			return ret;
		}
		if (WARN_ON(++tries > (1U << q->log2)))
			return -EIO;
		slot = smmu_q_slot_pa(q, cons, SIO_SMMU_CMD_SIZE);
		c0 = sio_phys_read64(smmu->mem, slot);
		c1 = sio_phys_read64(smmu->mem, slot + 8);
		WARN(1, "%s %s: CMDQ error (cons 0x%08x): %s; skipping command 0x%016llx 0x%016llx",
		     SMMU_DRV_NAME, smmu->iommu.name, cons,
		     smmu_cerror_str(err), (unsigned long long)c0,
		     (unsigned long long)c1);
		__atomic_add_fetch(&smmu->st_cmd_errors, 1, __ATOMIC_RELAXED);
		/* Skip it: a CMD_SYNC in its place is always legal. */
		sio_phys_write64(smmu->mem, slot,
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
						     SIO_SMMU_CMD_SYNC));
		sio_phys_write64_release(smmu->mem, slot + 8, 0);
		gerror = sio_hw_smmu_read32(smmu->hw, SIO_SMMU_GERROR);
		gerrorn = sio_hw_smmu_read32(smmu->hw, SIO_SMMU_GERRORN);
		gerrorn = (gerrorn & ~SIO_SMMU_GERROR_CMDQ_ERR) |
			  (gerror & SIO_SMMU_GERROR_CMDQ_ERR);
		sio_hw_smmu_write32(smmu->hw, SIO_SMMU_GERRORN, gerrorn);
		ret = -EIO;
	}
}

/*
 * Take the producer lock.  It is held only while the model consumes a
 * batch (well under a microsecond), so with lockdep off a contended
 * producer spins a little before sleeping: a futex sleep and wake-up costs
 * several times the hold.  With lockdep on, a plain mutex_lock() keeps the
 * ordering checks.
 */
static void smmu_cmdq_lock(struct smmu_device *smmu)
{
	unsigned int spins;

	if (!sio_lockdep_enabled()) {
		for (spins = 0; spins < SMMU_CMDQ_SPINS; spins++) {
			if (!mutex_is_locked(&smmu->cmdq_lock) &&
			    mutex_trylock(&smmu->cmdq_lock))
				return;
			smmu_cpu_relax();
		}
	}
	mutex_lock(&smmu->cmdq_lock);
}

/**
 * smmu_cmdq_issue() - submit @n commands, optionally followed by CMD_SYNC
 * @smmu: the instance
 * @cmds: the commands (two words each)
 * @n: how many
 * @sync: append a CMD_SYNC (every command before it is complete on return)
 *
 * The model consumes synchronously, so a batch never has to wait for
 * space: the queue is empty whenever the producer lock is free.
 *
 * Context: may sleep; takes @smmu->cmdq_lock.
 * Return: 0, or -EIO if the hardware refused a command (it was skipped).
 */
int smmu_cmdq_issue(struct smmu_device *smmu, const u64 (*cmds)[2],
		    unsigned int n, bool sync)
{
	struct smmu_queue *q = &smmu->cmdq;
	unsigned int cap = (1U << q->log2) - 1, batch = 0, i;
	u64 sync_cmd[2] = {
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP, SIO_SMMU_CMD_SYNC) |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_CS, SIO_SMMU_SYNC_CS_NONE),
		0,
	};
	int ret = 0;

	smmu_cmdq_lock(smmu);
	for (i = 0; i < n + (sync ? 1 : 0); i++) {
		const u64 *c = i < n ? cmds[i] : sync_cmd;
		u64 slot = smmu_q_slot_pa(q, q->ptr, SIO_SMMU_CMD_SIZE);

		sio_phys_write64(smmu->mem, slot, c[0]);
		/* The release store orders the slot before PROD. */
		sio_phys_write64_release(smmu->mem, slot + 8, c[1]);
		q->ptr = smmu_q_inc(q, q->ptr);
		if (++batch == cap) {
			ret |= __smmu_cmdq_publish(smmu, q->ptr);
			batch = 0;
		}
	}
	if (batch)
		ret |= __smmu_cmdq_publish(smmu, q->ptr);
	mutex_unlock(&smmu->cmdq_lock);
	__atomic_add_fetch(&smmu->st_cmds, n + (sync ? 1 : 0),
			   __ATOMIC_RELAXED);
	if (sync)
		__atomic_add_fetch(&smmu->st_syncs, 1, __ATOMIC_RELAXED);
	return ret ? -EIO : 0;
}

/**
 * smmu_cmd_cfgi_ste() - CFGI_STE for @sid, then CMD_SYNC
 * @smmu: the instance
 * @sid: the stream whose STE changed
 * Context: may sleep; takes the command queue lock.
 */
void smmu_cmd_cfgi_ste(struct smmu_device *smmu, u32 sid)
{
	u64 cmd[1][2] = { {
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP, SIO_SMMU_CMD_CFGI_STE) |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, sid),
		SIO_SMMU_CMD1_LEAF,
	} };

	smmu_cmdq_issue(smmu, (const u64 (*)[2])cmd, 1, true);
}

/**
 * smmu_cmd_cfgi_cd() - CFGI_CD for (@sid, @ssid), then CMD_SYNC
 * @smmu: the instance
 * @sid: the stream
 * @ssid: the substream whose CD changed
 * Context: may sleep; takes the command queue lock.
 */
void smmu_cmd_cfgi_cd(struct smmu_device *smmu, u32 sid, u32 ssid)
{
	u64 cmd[1][2] = { {
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP, SIO_SMMU_CMD_CFGI_CD) |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, sid) |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SSID, ssid),
		SIO_SMMU_CMD1_LEAF,
	} };

	smmu_cmdq_issue(smmu, (const u64 (*)[2])cmd, 1, true);
}

/**
 * smmu_gerror_irq() - the GERROR interrupt handler
 * @hw: the model
 * @data: the instance
 *
 * Command errors are recovered by the producer that saw them (it holds the
 * command queue lock and runs this handler in its own thread), so this
 * only counts and reports the other global errors.
 *
 * Context: the thread that raised the error; the model's GERROR line lock
 * held; must not take the command queue lock.
 */
void smmu_gerror_irq(struct sio_hw_smmu *hw, void *data)
{
	struct smmu_device *smmu = data;
	u32 gerror = sio_hw_smmu_read32(hw, SIO_SMMU_GERROR);
	u32 gerrorn = sio_hw_smmu_read32(hw, SIO_SMMU_GERRORN);
	u32 active = (gerror ^ gerrorn) & ~SIO_SMMU_GERROR_CMDQ_ERR;

	__atomic_add_fetch(&smmu->st_gerror_irqs, 1, __ATOMIC_RELAXED);
	if (!active)
		return;
	pr_err("%s %s: unexpected global error reported (0x%08x), this could be serious",
	       SMMU_DRV_NAME, smmu->iommu.name, active);
	sio_hw_smmu_write32(hw, SIO_SMMU_GERRORN, gerrorn ^ active);
}
