// SPDX-License-Identifier: BSD-3-Clause
/*
 * Software SMMU model: creation, the register file, interrupt lines, device
 * callbacks, statistics and the checker switch.
 * Kernel counterpart: none (hardware; the driver side is arm-smmu-v3.c)
 */
#include <string.h>
#include "hw/hw-smmu-priv.h"

/* Source of sio_hw_smmu.id: never reused, so per-thread state keyed by it
 * cannot outlive its SMMU unnoticed. */
static _Atomic u64 hw_smmu_next_id = 1;

/**
 * sio_hw_smmu_config_default() - a full-featured configuration
 * @cfg: filled in: both stages, nesting, ATS, PRI, stall, 16 SID bits,
 *	 20 SSID bits, IAS/OAS 48, all granules, 1024-entry 4-way clock IOTLB,
 *	 256-entry configuration cache, 256-entry queues, named "smmu0"
 *
 * Context: any.
 */
void sio_hw_smmu_config_default(struct sio_hw_smmu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "smmu0";
	cfg->stage1 = true;
	cfg->stage2 = true;
	cfg->nesting = true;
	cfg->ats = true;
	cfg->pri = true;
	cfg->stall = true;
	cfg->sid_bits = 16;
	cfg->ssid_bits = 20;
	cfg->ias = 48;
	cfg->oas = 48;
	cfg->granules = SIO_HW_SMMU_GRAN_4K | SIO_HW_SMMU_GRAN_16K |
			SIO_HW_SMMU_GRAN_64K;
	cfg->iotlb_entries = 1024;
	cfg->iotlb_ways = 4;
	cfg->iotlb_policy = SIO_HW_IOTLB_CLOCK;
	cfg->cfg_cache_entries = 256;
	cfg->cmdq_max_log2 = 8;
	cfg->evtq_max_log2 = 8;
	cfg->priq_max_log2 = 8;
}

static int hw_smmu_check_config(struct sio_hw_smmu_config *c)
{
	if (!c->iotlb_entries)
		c->iotlb_entries = 1024;
	if (!c->iotlb_ways)
		c->iotlb_ways = 4;
	if (!c->cfg_cache_entries)
		c->cfg_cache_entries = 256;
	if (!c->cmdq_max_log2)
		c->cmdq_max_log2 = 8;
	if (!c->evtq_max_log2)
		c->evtq_max_log2 = 8;
	if (!c->priq_max_log2)
		c->priq_max_log2 = 8;
	if (!c->stage1 && !c->stage2)
		return -EINVAL;
	if (c->nesting && !(c->stage1 && c->stage2))
		return -EINVAL;
	if (c->sid_bits < 1 || c->sid_bits > 24 || c->ssid_bits > 20)
		return -EINVAL;
	if (c->ias < 32 || c->ias > 52 || sio_smmu_bits_to_ps(c->oas) < 0)
		return -EINVAL;
	if (!c->granules || (c->granules & ~(SIO_HW_SMMU_GRAN_4K |
					     SIO_HW_SMMU_GRAN_16K |
					     SIO_HW_SMMU_GRAN_64K)))
		return -EINVAL;
	if (c->iotlb_entries > (1U << 20) || c->cfg_cache_entries > (1U << 16))
		return -EINVAL;
	if (!is_power_of_2(c->iotlb_ways) || c->iotlb_ways > 16)
		return -EINVAL;
	if (c->iotlb_policy != SIO_HW_IOTLB_CLOCK &&
	    c->iotlb_policy != SIO_HW_IOTLB_RANDOM)
		return -EINVAL;
	if (c->cmdq_max_log2 > 19 || c->evtq_max_log2 > 19 ||
	    c->priq_max_log2 > 19)
		return -EINVAL;
	c->iotlb_entries = roundup_pow_of_two(c->iotlb_entries);
	if (c->iotlb_entries < c->iotlb_ways)
		c->iotlb_entries = c->iotlb_ways;
	c->cfg_cache_entries = roundup_pow_of_two(c->cfg_cache_entries);
	if (c->cfg_cache_entries < 2)
		c->cfg_cache_entries = 2;
	return 0;
}

/* Every leaf size a walk may produce with the implemented granules. */
static u64 hw_smmu_leaf_shifts(const struct sio_hw_smmu_config *c)
{
	static const unsigned int gs[] = { 12, 14, 16 };
	static const unsigned int gbit[] = { SIO_HW_SMMU_GRAN_4K,
					     SIO_HW_SMMU_GRAN_16K,
					     SIO_HW_SMMU_GRAN_64K };
	u64 shifts = 0;
	unsigned int i, lvl;

	for (i = 0; i < ARRAY_SIZE(gs); i++) {
		struct arm_lpae_geom g = {
			.granule_shift = gs[i],
			.bits_per_level = gs[i] - 3,
			.oas = c->oas,
		};

		if (!(c->granules & gbit[i]))
			continue;
		for (lvl = 0; lvl < ARM_LPAE_MAX_LEVELS; lvl++)
			if (arm_lpae_leaf_allowed(&g, lvl))
				shifts |= BIT_ULL(arm_lpae_lvl_shift(&g, lvl));
	}
	return shifts;
}

static void hw_smmu_init_queue(struct sio_hw_smmu_queue *q,
			       unsigned int ent_size, unsigned int max_log2)
{
	q->ent_size = ent_size;
	q->max_log2 = max_log2;
	atomic_init(&q->base, 0);
	atomic_init(&q->prod, 0);
	atomic_init(&q->cons, 0);
}

/**
 * sio_hw_smmu_create() - build an SMMU over simulated memory
 * @mem: the machine's physical memory (must outlive the SMMU)
 * @cfg: what it implements (copied; zero sizes pick defaults); NULL =
 *	 sio_hw_smmu_config_default()
 *
 * The SMMU comes out of reset: CR0 = 0 (everything disabled),
 * GBPA.ABORT = @cfg->gbpa_abort, all queues empty, caches empty.  It is not
 * on any machine: sio_hw_smmu_add() puts one there.
 *
 * Context: may sleep.
 * Return: the SMMU, ERR_PTR(-EINVAL) for a NULL @mem or an inconsistent
 * @cfg, ERR_PTR(-ENOMEM).
 */
struct sio_hw_smmu *sio_hw_smmu_create(struct sio_phys_mem *mem,
				       const struct sio_hw_smmu_config *cfg)
{
	struct sio_hw_smmu *smmu;
	struct sio_hw_smmu_config c;
	int ret;

	if (!mem)
		return ERR_PTR(-EINVAL);
	if (cfg)
		c = *cfg;
	else
		sio_hw_smmu_config_default(&c);
	ret = hw_smmu_check_config(&c);
	if (ret)
		return ERR_PTR(ret);

	smmu = kzalloc(sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return ERR_PTR(-ENOMEM);
	smmu->mem = mem;
	smmu->cfg = c;
	snprintf(smmu->name, sizeof(smmu->name), "%s",
		 c.name ? c.name : "smmu");
	smmu->cfg.name = smmu->name;
	smmu->ias = c.ias;
	smmu->oas = c.oas;
	smmu->leaf_shifts = hw_smmu_leaf_shifts(&c);

	smmu->idr0 = SIO_SMMU_IDR0_COHACC | SIO_SMMU_IDR0_ASID16 |
		     SIO_SMMU_IDR0_VMID16;
	if (c.stage1)
		smmu->idr0 |= SIO_SMMU_IDR0_S1P;
	if (c.stage2)
		smmu->idr0 |= SIO_SMMU_IDR0_S2P;
	if (c.nesting)
		smmu->idr0 |= SIO_SMMU_IDR0_NEST;
	if (c.ats)
		smmu->idr0 |= SIO_SMMU_IDR0_ATS;
	if (c.pri)
		smmu->idr0 |= SIO_SMMU_IDR0_PRI;
	if (c.stall)
		smmu->idr0 |= SIO_SMMU_IDR0_STALL;
	smmu->idr1 = SIO_SMMU_FIELD_PREP(SIO_SMMU_IDR1_SIDSIZE, c.sid_bits) |
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_IDR1_SSIDSIZE, c.ssid_bits) |
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_IDR1_CMDQS, c.cmdq_max_log2) |
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_IDR1_EVTQS, c.evtq_max_log2) |
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_IDR1_PRIQS, c.priq_max_log2);
	smmu->idr2 = c.iotlb_entries;
	smmu->idr5 = SIO_SMMU_FIELD_PREP(SIO_SMMU_IDR5_OAS, c.oas) |
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_IDR5_IAS, c.ias);
	if (c.granules & SIO_HW_SMMU_GRAN_4K)
		smmu->idr5 |= SIO_SMMU_IDR5_GRAN4K;
	if (c.granules & SIO_HW_SMMU_GRAN_16K)
		smmu->idr5 |= SIO_SMMU_IDR5_GRAN16K;
	if (c.granules & SIO_HW_SMMU_GRAN_64K)
		smmu->idr5 |= SIO_SMMU_IDR5_GRAN64K;

	smmu->id = atomic_fetch_add(&hw_smmu_next_id, 1);
	mutex_init(&smmu->tstats_lock);
	INIT_LIST_HEAD(&smmu->tstats);
	mutex_init(&smmu->ctrl_lock);
	spin_lock_init(&smmu->cmdq.lock);
	spin_lock_init(&smmu->evtq.lock);
	spin_lock_init(&smmu->priq.lock);
	mutex_init(&smmu->dev_lock);
	/* One lock class per line: a handler may raise another line. */
	mutex_init(&smmu->irq[SIO_HW_SMMU_IRQ_EVTQ].lock);
	mutex_init(&smmu->irq[SIO_HW_SMMU_IRQ_PRIQ].lock);
	mutex_init(&smmu->irq[SIO_HW_SMMU_IRQ_GERROR].lock);
	hw_smmu_init_queue(&smmu->cmdq, SIO_SMMU_CMD_SIZE, c.cmdq_max_log2);
	hw_smmu_init_queue(&smmu->evtq, SIO_SMMU_EVT_SIZE, c.evtq_max_log2);
	hw_smmu_init_queue(&smmu->priq, SIO_SMMU_PRI_SIZE, c.priq_max_log2);
	atomic_init(&smmu->gbpa, c.gbpa_abort ? SIO_SMMU_GBPA_ABORT : 0);

	ret = sio_hw_smmu_iotlb_init(smmu);
	if (ret)
		goto err_free_smmu;
	return smmu;

err_free_smmu:
	mutex_destroy(&smmu->tstats_lock);
	mutex_destroy(&smmu->irq[SIO_HW_SMMU_IRQ_GERROR].lock);
	mutex_destroy(&smmu->irq[SIO_HW_SMMU_IRQ_PRIQ].lock);
	mutex_destroy(&smmu->irq[SIO_HW_SMMU_IRQ_EVTQ].lock);
	mutex_destroy(&smmu->dev_lock);
	mutex_destroy(&smmu->priq.lock);
	mutex_destroy(&smmu->evtq.lock);
	mutex_destroy(&smmu->cmdq.lock);
	mutex_destroy(&smmu->ctrl_lock);
	kfree(smmu);
	return ERR_PTR(ret);
}

/**
 * sio_hw_smmu_destroy() - free an SMMU
 * @smmu: the SMMU, or NULL/ERR_PTR (ignored)
 *
 * Context: may sleep; no other thread may be using @smmu (translating,
 * writing registers, or inside an interrupt handler).
 */
void sio_hw_smmu_destroy(struct sio_hw_smmu *smmu)
{
	int i;

	if (IS_ERR_OR_NULL(smmu))
		return;
	sio_hw_smmu_iotlb_free(smmu);
	sio_hw_smmu_tstats_free(smmu);
	mutex_destroy(&smmu->tstats_lock);
	for (i = 0; i < SIO_HW_SMMU_NR_IRQS; i++)
		mutex_destroy(&smmu->irq[i].lock);
	mutex_destroy(&smmu->dev_lock);
	mutex_destroy(&smmu->priq.lock);
	mutex_destroy(&smmu->evtq.lock);
	mutex_destroy(&smmu->cmdq.lock);
	mutex_destroy(&smmu->ctrl_lock);
	kfree(smmu);
}

/**
 * sio_hw_smmu_name() - the instance name given at creation
 * @smmu: the SMMU
 *
 * Context: any.
 * Return: the name ("smmu0"), valid as long as @smmu.
 */
const char *sio_hw_smmu_name(const struct sio_hw_smmu *smmu)
{
	return smmu->name;
}

/* ------------------------------------------------------------ interrupts */

/* The line this thread is handling, to turn re-raising into "pending". */
static __thread struct sio_hw_smmu *hw_smmu_in_irq[SIO_HW_SMMU_NR_IRQS];

static const u32 hw_smmu_irq_enable_bit[SIO_HW_SMMU_NR_IRQS] = {
	[SIO_HW_SMMU_IRQ_EVTQ] = SIO_SMMU_IRQ_CTRL_EVTQ_IRQEN,
	[SIO_HW_SMMU_IRQ_PRIQ] = SIO_SMMU_IRQ_CTRL_PRIQ_IRQEN,
	[SIO_HW_SMMU_IRQ_GERROR] = SIO_SMMU_IRQ_CTRL_GERROR_IRQEN,
};

/**
 * sio_hw_smmu_raise_irq() - deliver an interrupt if the line is enabled
 * @smmu: the SMMU
 * @which: the line
 *
 * A handler that causes its own line to fire again (e.g. a GERROR handler
 * whose acknowledgement hits another illegal command) is called again
 * after it returns instead of recursing.
 *
 * Context: no model lock held except possibly another line's lock.
 */
void sio_hw_smmu_raise_irq(struct sio_hw_smmu *smmu, enum sio_hw_smmu_irq which)
{
	struct sio_hw_smmu_irq_line *l = &smmu->irq[which];

	if (!(atomic_load(&smmu->irq_ctrl) & hw_smmu_irq_enable_bit[which]))
		return;
	if (hw_smmu_in_irq[which] == smmu) {
		atomic_store(&l->pending, 1);
		return;
	}
	mutex_lock(&l->lock);
	hw_smmu_in_irq[which] = smmu;
	do {
		atomic_store(&l->pending, 0);
		if (l->fn)
			l->fn(smmu, l->data);
	} while (atomic_exchange(&l->pending, 0));
	hw_smmu_in_irq[which] = NULL;
	mutex_unlock(&l->lock);
}

/**
 * sio_hw_smmu_set_irq_handler() - connect an interrupt line
 * @smmu: the SMMU
 * @which: the line
 * @fn: handler (NULL disconnects)
 * @data: passed to @fn
 *
 * The handler runs in whatever thread raised the interrupt, holding only
 * the line's lock; it may read and write registers (e.g. GERRORN) but
 * should normally just wake the driver's thread.  When this returns, no
 * call of the previous handler is still running.  Interrupts are only
 * delivered while enabled in IRQ_CTRL.
 *
 * Context: may sleep: takes the line's lock, waiting for a running
 * handler.  Not from inside a handler of the same line.
 * Return: 0, or -EINVAL for a bad line.
 */
int sio_hw_smmu_set_irq_handler(struct sio_hw_smmu *smmu,
				enum sio_hw_smmu_irq which,
				sio_hw_smmu_irq_fn fn, void *data)
{
	struct sio_hw_smmu_irq_line *l;

	if ((unsigned int)which >= SIO_HW_SMMU_NR_IRQS)
		return -EINVAL;
	l = &smmu->irq[which];
	mutex_lock(&l->lock);
	l->fn = fn;
	l->data = data;
	mutex_unlock(&l->lock);
	return 0;
}

/**
 * sio_hw_smmu_set_dev_ops() - connect the device side (device-DMA layer)
 * @smmu: the SMMU
 * @ops: the callbacks (NULL disconnects); must stay valid while connected
 * @data: passed to every callback
 *
 * Context: may sleep; takes the device-callback lock (held around every
 * callback), so that on return no callback of the previous ops is running.
 * Not from inside a callback.
 */
void sio_hw_smmu_set_dev_ops(struct sio_hw_smmu *smmu,
			     const struct sio_hw_smmu_dev_ops *ops, void *data)
{
	mutex_lock(&smmu->dev_lock);
	smmu->dev_ops = ops;
	smmu->dev_data = data;
	mutex_unlock(&smmu->dev_lock);
}

/**
 * sio_hw_smmu_gerror_toggle() - flag global errors (GERROR ^= @bits)
 * @smmu: the SMMU
 * @bits: SIO_SMMU_GERROR_* bits that become active
 *
 * Only bits not already active toggle.  The caller raises the interrupt.
 * Context: the lock of the queue the error belongs to.
 */
void sio_hw_smmu_gerror_toggle(struct sio_hw_smmu *smmu, u32 bits)
{
	u32 g = atomic_load(&smmu->gerror), n = atomic_load(&smmu->gerrorn);

	bits &= ~(g ^ n);		/* already active: no second toggle */
	atomic_fetch_xor(&smmu->gerror, bits);
}

/* ------------------------------------------------------------- registers */

static bool hw_smmu_q_disabled(struct sio_hw_smmu *smmu, u32 en_bit,
			       const char *reg)
{
	return !WARN(sio_hw_smmu_cr0(smmu) & en_bit,
		     "%s: %s written while enabled; ignored", smmu->name, reg);
}

/**
 * sio_hw_smmu_read32() - read a 32-bit register (see hw-smmu-regs.h)
 * @smmu: the SMMU
 * @offset: SIO_SMMU_* register offset
 *
 * Reads of the output queues' PROD and the command queue's CONS are
 * acquire loads: the entries they cover are visible to the reader.
 *
 * Context: any thread, interrupt handlers and device callbacks included;
 * lock-free.
 * Return: the value; 0 (and a WARN) for an unknown offset.
 */
u32 sio_hw_smmu_read32(struct sio_hw_smmu *smmu, u32 offset)
{
	switch (offset) {
	case SIO_SMMU_IDR0:
		return smmu->idr0;
	case SIO_SMMU_IDR1:
		return smmu->idr1;
	case SIO_SMMU_IDR2:
		return smmu->idr2;
	case SIO_SMMU_IDR5:
		return smmu->idr5;
	case SIO_SMMU_CR0:
	case SIO_SMMU_CR0ACK:
		return atomic_load(&smmu->cr0);
	case SIO_SMMU_GBPA:
		return atomic_load(&smmu->gbpa);
	case SIO_SMMU_IRQ_CTRL:
	case SIO_SMMU_IRQ_CTRLACK:
		return atomic_load(&smmu->irq_ctrl);
	case SIO_SMMU_GERROR:
		return atomic_load(&smmu->gerror);
	case SIO_SMMU_GERRORN:
		return atomic_load(&smmu->gerrorn);
	case SIO_SMMU_STRTAB_BASE_CFG:
		return atomic_load(&smmu->strtab_cfg);
	case SIO_SMMU_CMDQ_PROD:
		return atomic_load(&smmu->cmdq.prod);
	case SIO_SMMU_CMDQ_CONS:
		return atomic_load_explicit(&smmu->cmdq.cons,
					    memory_order_acquire);
	case SIO_SMMU_EVTQ_PROD:
		return atomic_load_explicit(&smmu->evtq.prod,
					    memory_order_acquire);
	case SIO_SMMU_EVTQ_CONS:
		return atomic_load(&smmu->evtq.cons);
	case SIO_SMMU_PRIQ_PROD:
		return atomic_load_explicit(&smmu->priq.prod,
					    memory_order_acquire);
	case SIO_SMMU_PRIQ_CONS:
		return atomic_load(&smmu->priq.cons);
	}
	WARN(1, "%s: read32 of unknown register 0x%x", smmu->name, offset);
	return 0;
}

/**
 * sio_hw_smmu_read64() - read a 64-bit register (STRTAB_BASE, *Q_BASE)
 * @smmu: the SMMU
 * @offset: SIO_SMMU_* register offset
 *
 * Context: any thread; lock-free.
 * Return: the value; 0 (and a WARN) for an unknown offset.
 */
u64 sio_hw_smmu_read64(struct sio_hw_smmu *smmu, u32 offset)
{
	switch (offset) {
	case SIO_SMMU_STRTAB_BASE:
		return atomic_load(&smmu->strtab_base);
	case SIO_SMMU_CMDQ_BASE:
		return atomic_load(&smmu->cmdq.base);
	case SIO_SMMU_EVTQ_BASE:
		return atomic_load(&smmu->evtq.base);
	case SIO_SMMU_PRIQ_BASE:
		return atomic_load(&smmu->priq.base);
	}
	WARN(1, "%s: read64 of unknown register 0x%x", smmu->name, offset);
	return 0;
}

/* Keep the index, wrap and (where meaningful) overflow bits of a pointer. */
static u32 hw_smmu_q_ptr_mask(struct sio_hw_smmu_queue *q)
{
	unsigned int log2 = SIO_SMMU_FIELD_GET(SIO_SMMU_Q_BASE_LOG2SIZE,
					       atomic_load(&q->base));

	return ((2U << log2) - 1) | SIO_SMMU_Q_OVF;
}

/*
 * Output queues (events, page requests): the driver consumes, so CONS is
 * its to write at any time (release: the records it read are free again);
 * PROD belongs to the model and is writable only while the queue is
 * disabled (e.g. to reset it), as on SMMUv3.
 */
static void hw_smmu_outq_write_cons(struct sio_hw_smmu_queue *q, u32 val)
{
	atomic_store_explicit(&q->cons, val & hw_smmu_q_ptr_mask(q),
			      memory_order_release);
}

static void hw_smmu_outq_write_prod(struct sio_hw_smmu *smmu,
				    struct sio_hw_smmu_queue *q, u32 en_bit,
				    const char *reg, u32 val)
{
	spin_lock(&q->lock);
	if (hw_smmu_q_disabled(smmu, en_bit, reg))
		atomic_store(&q->prod, val & hw_smmu_q_ptr_mask(q));
	spin_unlock(&q->lock);
}

static void hw_smmu_write_cr0(struct sio_hw_smmu *smmu, u32 val)
{
	u32 old;

	val &= SIO_SMMU_CR0_SMMUEN | SIO_SMMU_CR0_PRIQEN |
	       SIO_SMMU_CR0_EVTQEN | SIO_SMMU_CR0_CMDQEN;
	if (!smmu->cfg.pri)
		val &= ~SIO_SMMU_CR0_PRIQEN;
	mutex_lock(&smmu->ctrl_lock);
	old = atomic_exchange(&smmu->cr0, val);
	mutex_unlock(&smmu->ctrl_lock);
	if ((val & SIO_SMMU_CR0_CMDQEN) && !(old & SIO_SMMU_CR0_CMDQEN))
		sio_hw_smmu_cmdq_consume(smmu);
}

static void hw_smmu_write_gerrorn(struct sio_hw_smmu *smmu, u32 val)
{
	bool resume = false;

	spin_lock(&smmu->cmdq.lock);
	atomic_store(&smmu->gerrorn, val);
	if (!((atomic_load(&smmu->gerror) ^ val) & SIO_SMMU_GERROR_CMDQ_ERR)) {
		u32 cons = atomic_load(&smmu->cmdq.cons);

		if (SIO_SMMU_FIELD_GET(SIO_SMMU_CMDQ_CONS_ERR, cons)) {
			atomic_store(&smmu->cmdq.cons,
				     cons & ~SIO_SMMU_CMDQ_CONS_ERR);
			resume = true;
		}
	}
	spin_unlock(&smmu->cmdq.lock);
	if (resume)
		sio_hw_smmu_cmdq_consume(smmu);
}

/**
 * sio_hw_smmu_write32() - write a 32-bit register
 * @smmu: the SMMU
 * @offset: SIO_SMMU_* register offset
 * @val: value
 *
 * A write of CMDQ_PROD (or of CR0 enabling the command queue, or of GERRORN
 * acknowledging a command error) consumes the command queue in the calling
 * thread before returning.  Writes the hardware ignores (a queue pointer or
 * table base while enabled, a read-only or unknown register) WARN.
 *
 * Context: any thread, an interrupt handler included.  CR0 and STRTAB
 * writes take ctrl_lock; command consumption takes cmdq.lock, and dev_lock
 * around device callbacks, then calls the GERROR handler in this thread
 * after a command error: the caller must hold no lock a handler or device
 * callback takes.  Must not be called from a device callback.
 */
void sio_hw_smmu_write32(struct sio_hw_smmu *smmu, u32 offset, u32 val)
{
	switch (offset) {
	case SIO_SMMU_CR0:
		hw_smmu_write_cr0(smmu, val);
		return;
	case SIO_SMMU_GBPA:
		atomic_store(&smmu->gbpa, val & SIO_SMMU_GBPA_ABORT);
		return;
	case SIO_SMMU_IRQ_CTRL:
		atomic_store(&smmu->irq_ctrl,
			     val & (SIO_SMMU_IRQ_CTRL_GERROR_IRQEN |
				    SIO_SMMU_IRQ_CTRL_PRIQ_IRQEN |
				    SIO_SMMU_IRQ_CTRL_EVTQ_IRQEN));
		return;
	case SIO_SMMU_GERRORN:
		hw_smmu_write_gerrorn(smmu, val);
		return;
	case SIO_SMMU_STRTAB_BASE_CFG:
		mutex_lock(&smmu->ctrl_lock);
		if (hw_smmu_q_disabled(smmu, SIO_SMMU_CR0_SMMUEN,
				       "STRTAB_BASE_CFG"))
			atomic_store(&smmu->strtab_cfg,
				     val & (SIO_SMMU_STRTAB_CFG_LOG2SIZE |
					    SIO_SMMU_STRTAB_CFG_FMT));
		mutex_unlock(&smmu->ctrl_lock);
		return;
	case SIO_SMMU_CMDQ_PROD:
		atomic_store_explicit(&smmu->cmdq.prod,
				      val & hw_smmu_q_ptr_mask(&smmu->cmdq) &
					      ~SIO_SMMU_Q_OVF,
				      memory_order_release);
		sio_hw_smmu_cmdq_consume(smmu);
		return;
	case SIO_SMMU_CMDQ_CONS:
		spin_lock(&smmu->cmdq.lock);
		if (hw_smmu_q_disabled(smmu, SIO_SMMU_CR0_CMDQEN, "CMDQ_CONS"))
			atomic_store(&smmu->cmdq.cons,
				     val & hw_smmu_q_ptr_mask(&smmu->cmdq) &
					     ~SIO_SMMU_Q_OVF);
		spin_unlock(&smmu->cmdq.lock);
		return;
	case SIO_SMMU_EVTQ_CONS:
		hw_smmu_outq_write_cons(&smmu->evtq, val);
		return;
	case SIO_SMMU_EVTQ_PROD:
		hw_smmu_outq_write_prod(smmu, &smmu->evtq, SIO_SMMU_CR0_EVTQEN,
					"EVTQ_PROD", val);
		return;
	case SIO_SMMU_PRIQ_CONS:
		hw_smmu_outq_write_cons(&smmu->priq, val);
		return;
	case SIO_SMMU_PRIQ_PROD:
		hw_smmu_outq_write_prod(smmu, &smmu->priq, SIO_SMMU_CR0_PRIQEN,
					"PRIQ_PROD", val);
		return;
	}
	WARN(1, "%s: write32 of read-only or unknown register 0x%x",
	     smmu->name, offset);
}

static void hw_smmu_write_q_base(struct sio_hw_smmu *smmu,
				 struct sio_hw_smmu_queue *q, u32 en_bit,
				 const char *reg, u64 val)
{
	unsigned int log2 = SIO_SMMU_FIELD_GET(SIO_SMMU_Q_BASE_LOG2SIZE, val);

	if (WARN(log2 > q->max_log2, "%s: %s LOG2SIZE %u > %u", smmu->name,
		 reg, log2, q->max_log2))
		val = (val & ~SIO_SMMU_Q_BASE_LOG2SIZE) |
		      SIO_SMMU_FIELD_PREP(SIO_SMMU_Q_BASE_LOG2SIZE,
					  q->max_log2);
	mutex_lock(&smmu->ctrl_lock);
	if (hw_smmu_q_disabled(smmu, en_bit, reg))
		atomic_store(&q->base, val & (SIO_SMMU_Q_BASE_ADDR |
					      SIO_SMMU_Q_BASE_LOG2SIZE));
	mutex_unlock(&smmu->ctrl_lock);
}

/**
 * sio_hw_smmu_write64() - write a 64-bit register (STRTAB_BASE, *Q_BASE)
 * @smmu: the SMMU
 * @offset: SIO_SMMU_* register offset
 * @val: value; a LOG2SIZE above the implemented maximum is clamped (WARN)
 *
 * Ignored (WARN) while the table or queue it describes is enabled.
 *
 * Context: any thread; takes ctrl_lock.
 */
void sio_hw_smmu_write64(struct sio_hw_smmu *smmu, u32 offset, u64 val)
{
	switch (offset) {
	case SIO_SMMU_STRTAB_BASE:
		mutex_lock(&smmu->ctrl_lock);
		if (hw_smmu_q_disabled(smmu, SIO_SMMU_CR0_SMMUEN,
				       "STRTAB_BASE"))
			atomic_store(&smmu->strtab_base,
				     val & SIO_SMMU_STRTAB_BASE_ADDR);
		mutex_unlock(&smmu->ctrl_lock);
		return;
	case SIO_SMMU_CMDQ_BASE:
		hw_smmu_write_q_base(smmu, &smmu->cmdq, SIO_SMMU_CR0_CMDQEN,
				     "CMDQ_BASE", val);
		return;
	case SIO_SMMU_EVTQ_BASE:
		hw_smmu_write_q_base(smmu, &smmu->evtq, SIO_SMMU_CR0_EVTQEN,
				     "EVTQ_BASE", val);
		return;
	case SIO_SMMU_PRIQ_BASE:
		hw_smmu_write_q_base(smmu, &smmu->priq, SIO_SMMU_CR0_PRIQEN,
				     "PRIQ_BASE", val);
		return;
	}
	WARN(1, "%s: write64 of unknown register 0x%x", smmu->name, offset);
}

/* ------------------------------------------------------ stats and checker */

/**
 * sio_hw_smmu_get_stats() - snapshot the counters
 * @smmu: the SMMU
 * @st: filled in
 *
 * Racy against running transactions, but each counter is exact when read.
 *
 * Context: any thread; takes tstats_lock (a leaf) and scans the IOTLB.
 */
void sio_hw_smmu_get_stats(struct sio_hw_smmu *smmu,
			   struct sio_hw_smmu_stats *st)
{
	struct sio_hw_smmu_counters *c = &smmu->stats;
	u64 ts[SIO_HW_SMMU_TS_NR] = { 0 };

	memset(st, 0, sizeof(*st));
#define SNAP(f) st->f = atomic_load_explicit(&c->f, memory_order_relaxed)
	SNAP(iotlb_hits);
	SNAP(iotlb_misses);
	SNAP(iotlb_fills);
	SNAP(iotlb_evictions);
	SNAP(iotlb_inv_entries);
	SNAP(iotlb_inv_cmds);
	SNAP(cfg_hits);
	SNAP(cfg_misses);
	SNAP(cfg_inv_cmds);
	SNAP(walks);
	SNAP(walk_reads);
	SNAP(cmds);
	SNAP(cmd_errors);
	SNAP(syncs);
	SNAP(events);
	SNAP(events_dropped);
	SNAP(pri_requests);
	SNAP(pri_dropped);
	SNAP(pri_auto_responses);
	SNAP(pri_responses);
	SNAP(stalls);
	SNAP(resumes);
	SNAP(faults);
	SNAP(check_mismatches);
#undef SNAP
	sio_hw_smmu_tstats_sum(smmu, ts);
#define TS(f) st->f += ts[SIO_HW_SMMU_TS_##f]
	TS(iotlb_hits);
	TS(iotlb_misses);
	TS(iotlb_fills);
	TS(iotlb_evictions);
	TS(cfg_hits);
	TS(walks);
#undef TS
	st->iotlb_capacity = (u64)smmu->tlb.nsets * smmu->tlb.ways;
	st->iotlb_valid = sio_hw_smmu_iotlb_count_valid(smmu);
}

/**
 * sio_hw_smmu_reset_stats() - zero the counters
 * @smmu: the SMMU
 *
 * iotlb_capacity and iotlb_valid are not counters and are unaffected.
 *
 * Context: any thread; takes tstats_lock (a leaf).  Counts made
 * concurrently may survive the reset.
 */
void sio_hw_smmu_reset_stats(struct sio_hw_smmu *smmu)
{
	_Atomic u64 *p = (_Atomic u64 *)(void *)&smmu->stats;
	size_t i, n = sizeof(smmu->stats) / sizeof(*p);

	for (i = 0; i < n; i++)
		atomic_store_explicit(&p[i], 0, memory_order_relaxed);
	sio_hw_smmu_tstats_reset(smmu);
}

/**
 * sio_hw_smmu_set_check_mode() - choose how the IOTLB coherency checker
 * reacts to a stale hit
 * @smmu: the SMMU
 * @mode: SIO_HW_CHECK_OFF, _STRICT or _AFTER_SYNC (see the enum)
 *
 * Context: any thread; applies to lookups that start after it.
 */
void sio_hw_smmu_set_check_mode(struct sio_hw_smmu *smmu,
				enum sio_hw_check_mode mode)
{
	atomic_store(&smmu->check_mode, (int)mode);
}

/**
 * sio_hw_smmu_set_check_iotlb() - turn the IOTLB coherency checker on/off
 * @smmu: the SMMU
 * @on: true = SIO_HW_CHECK_STRICT, false = off
 *
 * With the checker on, every IOTLB hit walks the tables again and WARNs if
 * the cached translation (output address or permissions) differs: a
 * missing invalidation somewhere in the stack.
 *
 * Context: any thread; applies to lookups that start after it.
 */
void sio_hw_smmu_set_check_iotlb(struct sio_hw_smmu *smmu, bool on)
{
	sio_hw_smmu_set_check_mode(smmu, on ? SIO_HW_CHECK_STRICT :
					      SIO_HW_CHECK_OFF);
}

/**
 * sio_hw_smmu_inject_drop_tlbi() - make the next @n TLBI commands no-ops
 * @smmu: the SMMU
 * @n: how many (0 cancels what is left)
 *
 * A hardware erratum for tests of the checkers above the model (the IOTLB
 * coherency checker, isolation oracles): the commands are consumed and
 * complete, but nothing is invalidated.  Configuration invalidations
 * (CFGI_*) are not affected.
 *
 * Context: any.
 */
void sio_hw_smmu_inject_drop_tlbi(struct sio_hw_smmu *smmu, unsigned int n)
{
	atomic_store(&smmu->drop_tlbi, (int)min_t(unsigned int, n, INT_MAX));
}
