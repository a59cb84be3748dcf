// SPDX-License-Identifier: BSD-3-Clause
/*
 * The mock driver's input side: how a device behind a mock IOMMU reaches
 * "translation hardware" (there is none; the mock's own records of what it
 * attached and mapped play that part), through the same device <-> IOMMU
 * link as the SMMU model.  Added with the instance, removed with it.
 * Kernel counterpart: none (drivers/iommu/iommufd/selftest.c has no DMA).
 */
#include "drivers/mock/mock-priv.h"
#include "dev/dma-link.h"
#include <softiommu/dma.h>

/* Log the fault and report it to the domain's handler, as hardware would. */
static int mock_port_fault(struct sio_device *dev, struct iommu_domain *d,
			   bool pasid_valid, u64 iova, unsigned int access,
			   const char *why)
{
	dev_err(dev, "mock-iommu: DMA %s fault: iova %#llx%s %s%s",
		(access & SIO_DMA_WRITE) ? "write" : "read",
		(unsigned long long)iova, pasid_valid ? " pasid" : "", why,
		d ? "" : " (no domain)");
	if (d)
		report_iommu_fault(d, dev, (unsigned long)iova,
				   (access & SIO_DMA_WRITE) ? IOMMU_FAULT_WRITE :
							      IOMMU_FAULT_READ);
	return -EFAULT;
}

/*
 * struct sio_dma_target_ops.translate: @priv is the mock instance.
 * Translates through the domain the mock last attached to the RID or to
 * the PASID, honouring the mapping's recorded permissions; a device the
 * mock has not probed (or has released) has no domain and faults.
 */
static int mock_target_translate(void *priv, const struct sio_dma_txn *txn,
				 u64 *pa, size_t *len)
{
	struct sio_device *dev = txn->dev;
	unsigned int access = txn->access;
	bool pasid_valid = txn->pasid_valid;
	u64 iova = txn->addr;
	struct iommu_domain *d;
	size_t valid = 0;
	unsigned int type;
	int prot = 0;
	u64 out;

	if (!access || (access & ~(SIO_DMA_READ | SIO_DMA_WRITE)))
		return -EINVAL;
	/* The mock models no ATS: a translated or ATS request is refused. */
	if (txn->type != SIO_DMA_TXN_UNTRANSLATED)
		return -EOPNOTSUPP;
	/*
	 * What the "hardware" was programmed with.  Divergence: the domain
	 * is not pinned; DMA racing with the freeing of its domain is a test
	 * bug the mock does not model.
	 */
	d = pasid_valid ? mock_dev_pasid_domain(dev, txn->pasid) :
			  mock_dev_attached_domain(dev);
	if (!d)
		return mock_port_fault(dev, NULL, pasid_valid, iova, access,
				       "translation (blocked)");
	type = iommu_domain_type(d);
	if (type == IOMMU_DOMAIN_BLOCKED)
		return mock_port_fault(dev, d, pasid_valid, iova, access,
				       "translation (blocked)");
	if (type == IOMMU_DOMAIN_IDENTITY) {
		*pa = iova;
		*len = 0;
		return 0;
	}
	if (mock_domain_translate(d, (unsigned long)iova, &out, &prot, &valid))
		return mock_port_fault(dev, d, pasid_valid, iova, access,
				       "translation");
	if (((access & SIO_DMA_READ) && !(prot & IOMMU_READ)) ||
	    ((access & SIO_DMA_WRITE) && !(prot & IOMMU_WRITE)))
		return mock_port_fault(dev, d, pasid_valid, iova, access,
				       "permission");
	*pa = out;
	*len = valid;
	return 0;
}

static const struct sio_dma_target_ops mock_target_ops = {
	.name = "mock",
	.translate = mock_target_translate,
};

/**
 * mock_target_add() - put the mock's input side on the machine
 * @mi: the instance being created (before it registers with the core)
 *
 * Every device whose firmware names the instance sends its DMA here from
 * now on, probed or not.
 *
 * Context: may sleep; no mock lock held.
 * Return: 0, or the error of sio_dma_target_add() (-EEXIST, -ENOMEM).
 */
int mock_target_add(struct mock_iommu *mi)
{
	struct sio_dma_target *t;

	t = sio_dma_target_add(mi->iommu.machine, mi->iommu.name,
			       &mock_target_ops, mi);
	if (IS_ERR(t))
		return (int)PTR_ERR(t);
	mi->target = t;
	return 0;
}

/**
 * mock_target_remove() - undo mock_target_add() (instance destruction)
 * @mi: the instance
 *
 * Its devices' DMA aborts from now on (-ENODEV).
 *
 * Context: may sleep; no mock lock held.
 */
void mock_target_remove(struct mock_iommu *mi)
{
	sio_dma_target_remove(mi->target);
	mi->target = NULL;
}
