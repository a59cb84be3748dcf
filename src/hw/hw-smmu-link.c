// SPDX-License-Identifier: BSD-3-Clause
/*
 * The software SMMU on a machine: its input side as the machine's link
 * target for the devices behind it (transactions and page requests in),
 * and its messages to those devices (page responses, resumes, ATC
 * invalidations) routed back through the link by stream ID.
 * Kernel counterpart: none (the SMMU's place in the PCIe/AMBA fabric).
 */
#include "dev/dma-link.h"
#include "hw/hw-smmu.h"
#include <softiommu/dma.h>

_Static_assert(SIO_DMA_READ == SIO_HW_ACCESS_READ, "access bits");
_Static_assert(SIO_DMA_WRITE == SIO_HW_ACCESS_WRITE, "access bits");

/* struct sio_dma_target_ops.translate: @priv is the SMMU. */
static int hw_smmu_link_translate(void *priv, const struct sio_dma_txn *txn,
				  u64 *pa, size_t *contig)
{
	/* The model implements untranslated transactions only (no ATS yet). */
	if (txn->type != SIO_DMA_TXN_UNTRANSLATED)
		return -EOPNOTSUPP;
	return sio_hw_smmu_translate(priv, txn->sid, txn->pasid_valid,
				     txn->pasid, txn->addr, txn->access, pa,
				     contig);
}

/* struct sio_dma_target_ops.page_request: @priv is the SMMU. */
static int hw_smmu_link_page_request(void *priv, u32 sid, bool pasid_valid,
				     u32 pasid, u16 grpid, bool last,
				     unsigned int perm, u64 addr)
{
	return sio_hw_smmu_page_request(priv, sid, pasid_valid, pasid, grpid,
					last, perm, addr);
}

static const struct sio_dma_target_ops hw_smmu_target_ops = {
	.name = "smmu",
	.translate = hw_smmu_link_translate,
	.page_request = hw_smmu_link_page_request,
};

/* The model's device messages, @data being its link target. */
static void hw_smmu_link_pri_response(void *data, u32 sid, bool ssid_valid,
				      u32 ssid, u16 grpid,
				      enum sio_hw_pri_resp code)
{
	static const enum sio_dma_prg_resp pcie[] = {
		[SIO_HW_PRI_RESP_DENY] = SIO_DMA_PRG_INVALID,
		[SIO_HW_PRI_RESP_FAIL] = SIO_DMA_PRG_FAILURE,
		[SIO_HW_PRI_RESP_SUCC] = SIO_DMA_PRG_SUCCESS,
	};

	/* The command's RESP field, in the code the device's PRI sees. */
	sio_dma_target_pri_response(data, sid, ssid_valid, ssid, grpid,
				    (unsigned int)code < ARRAY_SIZE(pcie) ?
					    pcie[code] : SIO_DMA_PRG_FAILURE);
}

static void hw_smmu_link_resume(void *data, u32 sid, u16 stag, bool retry)
{
	sio_dma_target_resume(data, sid, stag, retry);
}

static void hw_smmu_link_atc_inv(void *data, u32 sid, bool ssid_valid,
				 u32 ssid, u64 addr, u64 size, bool global)
{
	sio_dma_target_atc_inv(data, sid, ssid_valid, ssid, addr, size, global);
}

static const struct sio_hw_smmu_dev_ops hw_smmu_link_dev_ops = {
	.pri_response = hw_smmu_link_pri_response,
	.resume = hw_smmu_link_resume,
	.atc_inv = hw_smmu_link_atc_inv,
};

/**
 * sio_hw_smmu_add() - build an SMMU and put it on a machine
 * @m: the machine (its RAM must exist)
 * @cfg: as sio_hw_smmu_create(); @cfg->name is the instance name device
 *	firmware descriptions use
 *
 * The machine wires every device behind @cfg->name to the SMMU's input
 * side: from now on their transactions go through it (out of reset: as
 * GBPA says), and its page responses, resumes and ATC invalidations reach
 * them.  A driver binds to it with smmu_iommu_create().
 *
 * Context: may sleep.
 * Return: the SMMU; ERR_PTR(-EINVAL) (no RAM, bad @cfg), -EEXIST (the
 * name is taken on @m), -ENOMEM; nothing changed on error.
 */
struct sio_hw_smmu *sio_hw_smmu_add(struct sio_machine *m,
				    const struct sio_hw_smmu_config *cfg)
{
	struct sio_dma_target *t;
	struct sio_hw_smmu *smmu;

	if (!m || !m->mem || !cfg || !cfg->name || !cfg->name[0])
		return ERR_PTR(-EINVAL);
	smmu = sio_hw_smmu_create(m->mem, cfg);
	if (IS_ERR(smmu))
		return smmu;
	t = sio_dma_target_add(m, sio_hw_smmu_name(smmu), &hw_smmu_target_ops,
			       smmu);
	if (IS_ERR(t)) {
		sio_hw_smmu_destroy(smmu);
		return ERR_CAST(t);
	}
	sio_hw_smmu_set_dev_ops(smmu, &hw_smmu_link_dev_ops, t);
	return smmu;
}

/**
 * sio_hw_smmu_remove() - take an SMMU off its machine and free it
 * @m: the machine it was added to
 * @smmu: from sio_hw_smmu_add(); NULL/ERR_PTR ignored
 *
 * The devices behind it abort every transaction from now on.
 *
 * Context: may sleep; no driver bound to @smmu, no transaction in flight.
 */
void sio_hw_smmu_remove(struct sio_machine *m, struct sio_hw_smmu *smmu)
{
	struct sio_dma_target *t;

	if (IS_ERR_OR_NULL(smmu))
		return;
	t = sio_dma_target_lookup(m, sio_hw_smmu_name(smmu),
				  &hw_smmu_target_ops);
	if (WARN_ON(!t || sio_dma_target_priv(t) != smmu))
		return;
	/* On return no message to a device is in flight. */
	sio_hw_smmu_set_dev_ops(smmu, NULL, NULL);
	sio_dma_target_remove(t);
	sio_hw_smmu_destroy(smmu);
}

/**
 * sio_hw_smmu_find() - the SMMU named @name on @m
 * @m: the machine
 * @name: instance name
 *
 * Context: may sleep (takes the machine's link lock).
 * Return: the SMMU, or NULL if there is none (a lookup).
 */
struct sio_hw_smmu *sio_hw_smmu_find(struct sio_machine *m, const char *name)
{
	struct sio_dma_target *t;

	t = sio_dma_target_lookup(m, name, &hw_smmu_target_ops);
	return t ? sio_dma_target_priv(t) : NULL;
}
