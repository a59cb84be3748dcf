// SPDX-License-Identifier: BSD-3-Clause
/*
 * SMMU driver core: instance creation over the hardware model (ID-register
 * discovery, stream table, queues, enabling), registration with the IOMMU
 * core, device probe/release from firmware stream IDs, grouping, the ops.
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c
 * (arm_smmu_device_hw_probe, arm_smmu_device_reset, arm_smmu_probe_device)
 */
#include <string.h>

#include "drivers/smmu/smmu-priv.h"

/* A linear stream table larger than this is not worth its memory here. */
#define SMMU_STRTAB_MAX_LOG2	16
/* Linear CD tables: at most 2^12 PASIDs per device. */
#define SMMU_MAX_SSID_BITS	12
/* The software MSI window the kernel driver reserves. */
#define SMMU_MSI_IOVA_BASE	0x8000000ULL
#define SMMU_MSI_IOVA_LENGTH	0x100000ULL

/*
 * smmu_instances_lock protects smmu_instances.  A leaf, taken inside the
 * core's probe lock (probe_device looks the instance up) and never held
 * across a call out of this file.  Initialised once, on first use.
 */
static struct mutex smmu_instances_lock;
static LIST_HEAD(smmu_instances);
static pthread_once_t smmu_instances_once = PTHREAD_ONCE_INIT;

static void smmu_instances_init(void)
{
	mutex_init(&smmu_instances_lock);
}

/**
 * smmu_dev_master() - the SMMU master record of @dev
 * @dev: any device
 * Context: any; the record lives from probe_device to release_device.
 * Return: the record, or NULL when this driver did not probe @dev.
 */
struct smmu_master *smmu_dev_master(struct sio_device *dev)
{
	return dev && dev->iommu ? dev_iommu_priv_get(dev) : NULL;
}

/* A driver instance already owns @hw.  Context: smmu_instances_lock held. */
static bool smmu_hw_claimed(struct sio_hw_smmu *hw)
{
	struct smmu_device *smmu;

	lockdep_assert_held(&smmu_instances_lock);
	list_for_each_entry(smmu, &smmu_instances, node)
		if (smmu->hw == hw)
			return true;
	return false;
}

static struct smmu_device *smmu_find_instance(struct sio_device *dev)
{
	struct smmu_device *smmu, *found = NULL;

	pthread_once(&smmu_instances_once, smmu_instances_init);
	mutex_lock(&smmu_instances_lock);
	list_for_each_entry(smmu, &smmu_instances, node)
		if (smmu->ready && smmu->iommu.machine == dev->machine &&
		    !strcmp(smmu->iommu.name, dev->fw.iommu)) {
			found = smmu;
			break;
		}
	mutex_unlock(&smmu_instances_lock);
	return found;
}

/* ------------------------------------------------------------ driver ops */

static void smmu_remove_streams(struct smmu_master *master, unsigned int n)
{
	struct smmu_device *smmu = master->smmu;
	unsigned int i;

	mutex_lock(&smmu->streams_lock);
	for (i = 0; i < n; i++)
		xa_erase(&smmu->streams, master->sids[i]);
	mutex_unlock(&smmu->streams_lock);
}

static struct iommu_device *smmu_probe_device(struct sio_device *dev)
{
	struct smmu_master *master;
	struct smmu_device *smmu;
	const uint32_t *ids;
	unsigned int num = 0, i;
	int ret;

	ids = sio_dev_iommu_ids(dev, &num);
	if (!num)
		return ERR_PTR(-ENODEV);
	smmu = smmu_find_instance(dev);
	if (!smmu)
		return ERR_PTR(-ENODEV);
	if (num > SIO_FW_MAX_IDS)
		return ERR_PTR(-EINVAL);
	for (i = 0; i < num; i++) {
		if ((u64)ids[i] >> smmu->strtab_log2) {
			dev_err(dev, "stream ID 0x%x out of range for %s",
				ids[i], smmu->iommu.name);
			return ERR_PTR(-ERANGE);
		}
	}

	master = kzalloc(sizeof(*master), GFP_KERNEL);
	if (!master)
		return ERR_PTR(-ENOMEM);
	master->smmu = smmu;
	master->dev = dev;
	master->num_sids = num;
	memcpy(master->sids, ids, num * sizeof(ids[0]));
	master->ssid_bits = min(sio_dev_pasid_bits(dev), smmu->ssid_bits);
	xa_init(&master->pasids);
	if (smmu->s1) {
		ret = smmu_master_get_cd_table(master);
		if (ret)
			goto err_free;
	}

	mutex_lock(&smmu->streams_lock);
	for (i = 0; i < num; i++) {
		ret = xa_insert(&smmu->streams, ids[i], master, GFP_KERNEL);
		if (ret) {
			mutex_unlock(&smmu->streams_lock);
			if (ret == -EBUSY) {
				dev_err(dev, "stream 0x%x already in tree",
					ids[i]);
				ret = -EINVAL;
			}
			smmu_remove_streams(master, i);
			goto err_free;
		}
	}
	mutex_unlock(&smmu->streams_lock);
	dev_iommu_priv_set(dev, master);
	return &smmu->iommu;

err_free:
	smmu_master_free_cd_table(master);
	xa_destroy(&master->pasids);
	kfree(master);
	return ERR_PTR(ret);
}

static void smmu_release_device(struct sio_device *dev)
{
	struct smmu_master *master = smmu_dev_master(dev);
	struct smmu_device *smmu;
	unsigned int i;

	if (WARN_ON(!master))
		return;
	smmu = master->smmu;
	/* The release domain (blocked) aborted it already; make sure. */
	for (i = 0; i < master->num_sids; i++)
		smmu_write_ste_abort(smmu, master->sids[i]);
	WARN(master->nr_pasids, "%s %s: %s released with %u PASIDs attached",
	     SMMU_DRV_NAME, smmu->iommu.name, dev->name, master->nr_pasids);
	smmu_remove_streams(master, master->num_sids);
	/* Wait for a fault report that found this master. */
	mutex_lock(&smmu->fault_lock);
	mutex_unlock(&smmu->fault_lock);
	smmu_master_free_cd_table(master);
	xa_destroy(&master->pasids);
	dev_iommu_priv_set(dev, NULL);
	kfree(master);
}

static struct iommu_group *smmu_device_group(struct sio_device *dev)
{
	if (dev->fw.alias[0])
		return sio_alias_device_group(dev);
	return generic_device_group(dev);
}

static void smmu_get_resv_regions(struct sio_device *dev,
				  struct iommu_resv_list *list)
{
	iommu_resv_list_add(list, SMMU_MSI_IOVA_BASE, SMMU_MSI_IOVA_LENGTH,
			    IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO,
			    IOMMU_RESV_SW_MSI);
}

static bool smmu_capable(struct sio_device *dev, enum iommu_cap cap)
{
	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
	case IOMMU_CAP_ENFORCE_CACHE_COHERENCY:
	case IOMMU_CAP_NOEXEC:
	case IOMMU_CAP_DEFERRED_FLUSH:
		return true;
	default:
		return false;
	}
}

const struct iommu_ops smmu_ops = {
	.name = "smmu",
	.capable = smmu_capable,
	.domain_alloc_paging = smmu_domain_alloc_paging,
	.domain_alloc_paging_flags = smmu_domain_alloc_paging_flags,
	.probe_device = smmu_probe_device,
	.release_device = smmu_release_device,
	.device_group = smmu_device_group,
	.get_resv_regions = smmu_get_resv_regions,
	.default_domain_ops = &smmu_paging_ops,
	.identity_domain = &smmu_identity_domain,
	.blocked_domain = &smmu_blocked_domain,
	.release_domain = &smmu_blocked_domain,
	.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
};

struct iommu_domain smmu_identity_domain = {
	.type = IOMMU_DOMAIN_IDENTITY,
	.ops = &smmu_identity_ops,
	.owner = &smmu_ops,
};

struct iommu_domain smmu_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &smmu_blocked_ops,
	.owner = &smmu_ops,
};

/* ---------------------------------------------------- hardware bring-up */

/* Read what the hardware implements.  Return: 0 or -EINVAL. */
static int smmu_hw_probe(struct smmu_device *smmu)
{
	u32 idr0 = sio_hw_smmu_read32(smmu->hw, SIO_SMMU_IDR0);
	u32 idr1 = sio_hw_smmu_read32(smmu->hw, SIO_SMMU_IDR1);
	u32 idr5 = sio_hw_smmu_read32(smmu->hw, SIO_SMMU_IDR5);

	smmu->s1 = idr0 & SIO_SMMU_IDR0_S1P;
	smmu->s2 = idr0 & SIO_SMMU_IDR0_S2P;
	smmu->nesting = (idr0 & SIO_SMMU_IDR0_NEST) && smmu->s1 && smmu->s2;
	smmu->pri = idr0 & SIO_SMMU_IDR0_PRI;
	smmu->stall = idr0 & SIO_SMMU_IDR0_STALL;
	if (!smmu->s1 && !smmu->s2) {
		pr_err("%s %s: no translation support!", SMMU_DRV_NAME,
		       smmu->iommu.name);
		return -EINVAL;
	}
	smmu->sid_bits = SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_SIDSIZE, idr1);
	smmu->ssid_bits = min_t(unsigned int,
				SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_SSIDSIZE,
						   idr1),
				SMMU_MAX_SSID_BITS);
	if (!smmu->s1)
		smmu->ssid_bits = 0;
	smmu->oas = SIO_SMMU_FIELD_GET(SIO_SMMU_IDR5_OAS, idr5);
	smmu->ias = SIO_SMMU_FIELD_GET(SIO_SMMU_IDR5_IAS, idr5);
	smmu->pgsize_bitmap = 0;
	if (idr5 & SIO_SMMU_IDR5_GRAN4K)
		smmu->pgsize_bitmap |= SZ_4K | SZ_2M | SZ_1G;
	if (idr5 & SIO_SMMU_IDR5_GRAN16K)
		smmu->pgsize_bitmap |= SZ_16K | SZ_32M;
	if (idr5 & SIO_SMMU_IDR5_GRAN64K)
		smmu->pgsize_bitmap |= SZ_64K | SZ_512M;
	if (!smmu->pgsize_bitmap || sio_smmu_bits_to_ps(smmu->oas) < 0)
		return -EINVAL;
	pr_info("%s %s: ias %u-bit, oas %u-bit, %u-bit SIDs, %u-bit SSIDs, stages%s%s%s",
		SMMU_DRV_NAME, smmu->iommu.name, smmu->ias, smmu->oas,
		smmu->sid_bits, smmu->ssid_bits, smmu->s1 ? " 1" : "",
		smmu->s2 ? " 2" : "", smmu->nesting ? " (nesting)" : "");
	return 0;
}

/* Allocate the stream table with every entry aborting.  Return: 0/-errno. */
static int smmu_strtab_init(struct smmu_device *smmu)
{
	u64 abort = SIO_SMMU_STE0_V |
		    SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG,
					SIO_SMMU_STE0_CONFIG_ABORT);
	u64 sid, n;
	int ret;

	smmu->strtab_log2 = min(smmu->sid_bits, (unsigned int)SMMU_STRTAB_MAX_LOG2);
	n = 1ULL << smmu->strtab_log2;
	smmu->strtab_order = sio_phys_order_for_size(n * SIO_SMMU_STE_SIZE);
	ret = sio_phys_alloc_pages(smmu->mem, smmu->strtab_order, GFP_KERNEL,
				   &smmu->strtab_pa);
	if (ret)
		return ret;
	for (sid = 0; sid < n; sid++)
		sio_phys_write64(smmu->mem,
				 smmu->strtab_pa + sid * SIO_SMMU_STE_SIZE,
				 abort);
	sio_hw_smmu_write64(smmu->hw, SIO_SMMU_STRTAB_BASE, smmu->strtab_pa);
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_STRTAB_BASE_CFG,
			    SIO_SMMU_FIELD_PREP(SIO_SMMU_STRTAB_CFG_LOG2SIZE,
						smmu->strtab_log2) |
			    SIO_SMMU_FIELD_PREP(SIO_SMMU_STRTAB_CFG_FMT,
						SIO_SMMU_STRTAB_CFG_FMT_LINEAR));
	return 0;
}

static void smmu_write_cr0(struct smmu_device *smmu, u32 val)
{
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_CR0, val);
	WARN(sio_hw_smmu_read32(smmu->hw, SIO_SMMU_CR0ACK) != val,
	     "%s %s: CR0 not acknowledged", SMMU_DRV_NAME, smmu->iommu.name);
}

/* Enable queues and translation (arm_smmu_device_reset).  */
static void smmu_hw_enable(struct smmu_device *smmu)
{
	u64 inv[2][2] = {
		{ SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP, SIO_SMMU_CMD_CFGI_ALL),
		  0 },
		{ SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
				      SIO_SMMU_CMD_TLBI_NSNH_ALL), 0 },
	};
	u32 cr0 = SIO_SMMU_CR0_CMDQEN;

	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_IRQ_CTRL,
			    SIO_SMMU_IRQ_CTRL_GERROR_IRQEN |
			    SIO_SMMU_IRQ_CTRL_EVTQ_IRQEN);
	smmu_write_cr0(smmu, cr0);
	/* Nothing cached may survive from before the reset. */
	smmu_cmdq_issue(smmu, (const u64 (*)[2])inv, 2, true);
	cr0 |= SIO_SMMU_CR0_EVTQEN;
	smmu_write_cr0(smmu, cr0);
	cr0 |= SIO_SMMU_CR0_SMMUEN;
	smmu_write_cr0(smmu, cr0);
}

static void smmu_hw_disable(struct smmu_device *smmu)
{
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_IRQ_CTRL, 0);
	smmu_write_cr0(smmu, 0);
	sio_hw_smmu_write32(smmu->hw, SIO_SMMU_GBPA, SIO_SMMU_GBPA_ABORT);
}

static void smmu_free(struct smmu_device *smmu)
{
	if (smmu->strtab_pa)
		sio_phys_free_pages(smmu->mem, smmu->strtab_pa,
				    smmu->strtab_order);
	smmu_cmdq_free(smmu);
	smmu_evtq_free(smmu);
	ida_destroy(&smmu->asid_ida);
	ida_destroy(&smmu->vmid_ida);
	xa_destroy(&smmu->streams);
	mutex_destroy(&smmu->fault_lock);
	mutex_destroy(&smmu->streams_lock);
	mutex_destroy(&smmu->cmdq_lock);
	kfree(smmu);
}

/**
 * smmu_iommu_create() - bind the SMMU driver to the machine's SMMU @name
 * @m: the machine; its RAM holds every table the driver writes
 * @name: the SMMU's instance name (sio_hw_smmu_add()), matched against
 *	devices' firmware "iommu"
 * @cfg: how to run it; NULL = defaults, checker off
 *
 * As a kernel driver binds to a platform device: resets the hardware,
 * reads the ID registers, allocates the stream table (every entry
 * aborting) and the queues, starts the event thread, enables translation,
 * then registers with the IOMMU core (which probes the devices behind it).
 *
 * Context: may sleep; takes the core's probe lock and group mutexes.
 * Return: the instance, ERR_PTR(-EINVAL) (bad arguments, no memory on @m,
 * hardware without stage 1 or stage 2, unsupported granules),
 * ERR_PTR(-ENODEV) (no SMMU of that name on @m), ERR_PTR(-EEXIST) (a
 * driver instance is already bound to it), ERR_PTR(-ENOMEM).
 */
struct iommu_device *smmu_iommu_create(struct sio_machine *m, const char *name,
				       const struct smmu_iommu_config *cfg)
{
	struct sio_hw_smmu *hw;
	struct smmu_device *smmu;
	int ret;

	if (!m || !m->mem || !name || !name[0] ||
	    strlen(name) >= sizeof(smmu->iommu.name))
		return ERR_PTR(-EINVAL);
	/* The machine made the hardware; the driver binds to it. */
	hw = sio_hw_smmu_find(m, name);
	if (!hw)
		return ERR_PTR(-ENODEV);
	smmu = kzalloc(sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return ERR_PTR(-ENOMEM);
	if (cfg)
		smmu->cfg = *cfg;
	strcpy(smmu->iommu.name, name);
	smmu->iommu.machine = m;
	smmu->mem = m->mem;
	smmu->hw = hw;
	mutex_init(&smmu->cmdq_lock);
	mutex_init(&smmu->streams_lock);
	mutex_init(&smmu->fault_lock);
	xa_init(&smmu->streams);
	ida_init(&smmu->asid_ida);
	ida_init(&smmu->vmid_ida);

	/*
	 * Claim the hardware: one driver instance per SMMU.  Listed but not
	 * ready, so probe does not find it before it is programmed.
	 */
	pthread_once(&smmu_instances_once, smmu_instances_init);
	mutex_lock(&smmu_instances_lock);
	if (smmu_hw_claimed(hw)) {
		mutex_unlock(&smmu_instances_lock);
		ret = -EEXIST;
		goto err_free;
	}
	list_add_tail(&smmu->node, &smmu_instances);
	mutex_unlock(&smmu_instances_lock);

	ret = smmu_hw_probe(smmu);
	if (ret)
		goto err_unclaim;
	ret = smmu_strtab_init(smmu);
	if (ret)
		goto err_unclaim;
	ret = smmu_cmdq_init(smmu);
	if (ret)
		goto err_unclaim;
	ret = smmu_evtq_init(smmu);
	if (ret)
		goto err_unclaim;
	sio_hw_smmu_set_check_iotlb(smmu->hw, smmu->cfg.check_iotlb);
	smmu_hw_enable(smmu);
	smmu->iommu.max_pasids = smmu->ssid_bits ? 1U << smmu->ssid_bits : 0;

	/* Findable before registration: registration probes devices. */
	mutex_lock(&smmu_instances_lock);
	smmu->ready = true;
	mutex_unlock(&smmu_instances_lock);
	ret = iommu_device_register(&smmu->iommu, &smmu_ops, m);
	if (ret)
		goto err_disable;
	return &smmu->iommu;

err_disable:
	smmu_hw_disable(smmu);
	smmu_evtq_stop(smmu);
err_unclaim:
	mutex_lock(&smmu_instances_lock);
	list_del(&smmu->node);
	mutex_unlock(&smmu_instances_lock);
err_free:
	smmu_free(smmu);
	return ERR_PTR(ret);
}

/**
 * smmu_iommu_destroy() - unbind the driver from its SMMU
 * @iommu: from smmu_iommu_create(); NULL/ERR_PTR is a no-op
 *
 * Unregisters the instance (releasing every device behind it), stops its
 * event thread and disables the SMMU with GBPA set to abort: the hardware
 * stays on the machine, and the devices behind it now abort every
 * transaction.
 *
 * Context: may sleep.
 */
void smmu_iommu_destroy(struct iommu_device *iommu)
{
	struct smmu_device *smmu;

	if (IS_ERR_OR_NULL(iommu) || WARN_ON(!smmu_iommu_is(iommu)))
		return;
	smmu = to_smmu_device(iommu);
	iommu_device_unregister(iommu);
	mutex_lock(&smmu_instances_lock);
	list_del(&smmu->node);
	mutex_unlock(&smmu_instances_lock);
	smmu_hw_disable(smmu);
	smmu_evtq_stop(smmu);
	WARN(!xa_empty(&smmu->streams),
	     "%s %s: destroyed with devices still probed", SMMU_DRV_NAME,
	     iommu->name);
	smmu_free(smmu);
}

/**
 * smmu_iommu_is() - is @iommu an instance of this driver?
 * @iommu: any IOMMU instance, or NULL/ERR_PTR
 *
 * Context: any.
 * Return: true if @iommu is an SMMU driver instance.
 */
bool smmu_iommu_is(const struct iommu_device *iommu)
{
	return !IS_ERR_OR_NULL(iommu) && iommu->ops == &smmu_ops;
}

/**
 * smmu_iommu_hw() - the hardware model of an instance (to translate device
 * transactions, read registers and memory, read statistics)
 * @iommu: an SMMU instance
 *
 * Context: any; the model lives as long as the instance.
 * Return: the model, or NULL if @iommu is not an SMMU.
 */
struct sio_hw_smmu *smmu_iommu_hw(struct iommu_device *iommu)
{
	return smmu_iommu_is(iommu) ? to_smmu_device(iommu)->hw : NULL;
}

/**
 * smmu_iommu_get_stats() - snapshot the driver-side counters
 * @iommu: an SMMU instance
 * @st: filled in (all zero if @iommu is not an SMMU)
 *
 * Context: any thread; lock-free, each counter exact when read.
 */
void smmu_iommu_get_stats(struct iommu_device *iommu,
			  struct smmu_iommu_stats *st)
{
	struct smmu_device *smmu;

	memset(st, 0, sizeof(*st));
	if (!smmu_iommu_is(iommu))
		return;
	smmu = to_smmu_device(iommu);
	st->cmds = __atomic_load_n(&smmu->st_cmds, __ATOMIC_RELAXED);
	st->syncs = __atomic_load_n(&smmu->st_syncs, __ATOMIC_RELAXED);
	st->cmd_errors = __atomic_load_n(&smmu->st_cmd_errors,
					 __ATOMIC_RELAXED);
	st->gerror_irqs = __atomic_load_n(&smmu->st_gerror_irqs,
					  __ATOMIC_RELAXED);
	st->events = __atomic_load_n(&smmu->st_events, __ATOMIC_RELAXED);
	st->evtq_overflows = __atomic_load_n(&smmu->st_evtq_overflows,
					     __ATOMIC_RELAXED);
	st->faults_reported = __atomic_load_n(&smmu->st_faults_reported,
					      __ATOMIC_RELAXED);
}

/**
 * smmu_iommu_submit_cmd() - submit one raw command, then a CMD_SYNC, through
 * the driver's command queue (diagnostics and fault injection)
 * @iommu: an SMMU instance
 * @cmd0: command word 0 (opcode in bits 7:0)
 * @cmd1: command word 1
 *
 * An illegal command is reported by the hardware (CERROR_ILL); the driver
 * WARNs, skips it by rewriting its slot with a CMD_SYNC, acknowledges the
 * error and resumes the queue.
 *
 * Context: may sleep; takes the instance's cmdq_lock (innermost of the
 * driver's locks), and the model consumes the command in this thread.
 * Return: 0; -EIO if the hardware refused a command (and it was skipped);
 * -EINVAL if @iommu is not an SMMU.
 */
int smmu_iommu_submit_cmd(struct iommu_device *iommu, u64 cmd0, u64 cmd1)
{
	u64 cmd[1][2] = { { cmd0, cmd1 } };

	if (!smmu_iommu_is(iommu))
		return -EINVAL;
	return smmu_cmdq_issue(to_smmu_device(iommu),
			       (const u64 (*)[2])cmd, 1, true);
}

/**
 * smmu_dev_attached_domain() - the domain the stream table entries of @dev's
 * RID were last programmed for (static identity/blocked or a paging domain)
 * @dev: any device
 *
 * For tests and diagnostics: no reference is taken, so the answer may be
 * stale as soon as the lock is dropped.
 *
 * Context: any thread not holding the driver's locks; takes
 * smmu_instances_lock, then the instance's streams_lock (leaves, one after
 * the other).
 * Return: the domain, or NULL (not an SMMU master, or never attached).
 */
struct iommu_domain *smmu_dev_attached_domain(struct sio_device *dev)
{
	struct iommu_domain *d = NULL;
	struct smmu_master *master;
	struct smmu_device *smmu;

	if (!dev || !dev->fw.num_ids)
		return NULL;
	smmu = smmu_find_instance(dev);
	if (!smmu)
		return NULL;
	mutex_lock(&smmu->streams_lock);
	master = xa_load(&smmu->streams, dev->fw.ids[0]);
	if (master && master->dev == dev)
		d = master->rid_domain;
	mutex_unlock(&smmu->streams_lock);
	return d;
}
