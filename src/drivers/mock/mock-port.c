// SPDX-License-Identifier: BSD-3-Clause
/*
 * The mock driver's software DMA port: how a device behind a mock IOMMU
 * reaches "translation hardware" (there is none; the mock's own records of
 * what it attached and mapped play that part).  Registered at probe_device,
 * removed at release_device.
 * Kernel counterpart: none (drivers/iommu/iommufd/selftest.c has no DMA).
 */
#include "drivers/mock/mock-priv.h"
#include "hw/dma-port.h"

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
 * struct sio_dma_port_ops.translate: @hw is the device itself, @sid unused.
 * Translates through the domain the mock last attached to the RID or to
 * @pasid, honouring the mapping's recorded permissions.
 */
static int mock_port_translate(void *hw, u32 sid, bool pasid_valid, u32 pasid,
			       u64 iova, unsigned int access, u64 *pa,
			       size_t *len)
{
	struct sio_device *dev = hw;
	struct iommu_domain *d;
	size_t valid = 0;
	unsigned int type;
	int prot = 0;
	u64 out;

	if (!access || (access & ~(SIO_DMA_READ | SIO_DMA_WRITE)))
		return -EINVAL;
	/*
	 * What the "hardware" was programmed with.  Divergence: the domain
	 * is not pinned; DMA racing with the freeing of its domain is a test
	 * bug the mock does not model.
	 */
	d = pasid_valid ? mock_dev_pasid_domain(dev, pasid) :
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

static const struct sio_dma_port_ops mock_port_ops = {
	.name = "mock",
	.translate = mock_port_translate,
};

/**
 * mock_port_connect() - route @dev's DMA through the mock's software port
 * @dev: a device being probed by the mock driver
 *
 * Context: may sleep (probe_device); takes the DMA port table lock, no mock
 * lock held.
 * Return: 0, or the error of sio_dev_set_dma_port() (-ENOSPC).
 */
int mock_port_connect(struct sio_device *dev)
{
	return sio_dev_set_dma_port(dev, &mock_port_ops, dev, 0);
}

/**
 * mock_port_disconnect() - undo mock_port_connect() (release_device)
 * @dev: the device
 *
 * Context: may sleep; takes the DMA port table lock, no mock lock held.
 */
void mock_port_disconnect(struct sio_device *dev)
{
	sio_dev_clear_dma_port(dev);
}
