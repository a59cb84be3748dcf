// SPDX-License-Identifier: BSD-3-Clause
/*
 * user-domain: a VFIO-like owner on the IOMMU core API (softiommu/iommu.h),
 * with public headers only.  It claims a device's group for itself, gives
 * it a paging domain of its own, maps a buffer at an IOVA it chooses, lets
 * the device DMA through that mapping, unmaps, and hands the group back.
 *
 * Build: cc user-domain.c $(pkg-config --cflags --libs softiommu)
 * Exit status: 0 when every step did what the comment says.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <softiommu/dma.h>
#include <softiommu/iommu.h>
#include <softiommu/machine.h>

#define DEV_NAME  "0000:00:03.0"
#define BUF_SIZE  8192
#define USER_IOVA 0x100000UL

static int owner; /* the ownership cookie: any address unique to us */

static void fail(const char *what, int err)
{
	fprintf(stderr, "user-domain: %s: %s (%s)\n", what, sio_strerror(err),
		sio_errno_name(err));
}

/* Claim @group, attach a fresh paging domain, DMA through a mapping. */
static int own_and_dma(struct sio_device *dev, struct iommu_group *group,
		       char *cpu, uint64_t phys)
{
	struct iommu_domain *domain;
	char back[8] = { 0 };
	size_t unmapped;
	int ret;

	/* Pointer returns are a domain or an error pointer, never NULL. */
	domain = iommu_paging_domain_alloc_flags(dev, ~0u);
	if (!sio_is_err(domain)) {
		fprintf(stderr, "user-domain: bogus flags were accepted\n");
		iommu_domain_free(domain);
		return -EINVAL;
	}
	printf("paging domain with bogus flags: -%s\n",
	       sio_errno_name(sio_ptr_err(domain)));

	/* No driver uses the device's DMA API: the group can be ours. */
	ret = iommu_group_claim_dma_owner(group, &owner);
	if (ret) {
		fail("iommu_group_claim_dma_owner", ret);
		return ret;
	}
	domain = iommu_paging_domain_alloc(dev);
	if (sio_is_err(domain)) {
		ret = sio_ptr_err(domain);
		fail("iommu_paging_domain_alloc", ret);
		goto out_release;
	}
	ret = iommu_attach_group(domain, group);
	if (ret) {
		fail("iommu_attach_group", ret);
		goto out_free;
	}
	ret = iommu_map(domain, USER_IOVA, phys, BUF_SIZE,
			IOMMU_READ | IOMMU_WRITE, SIO_GFP_KERNEL);
	if (ret) {
		fail("iommu_map", ret);
		goto out_detach;
	}
	if (iommu_iova_to_phys(domain, USER_IOVA + 16) != phys + 16) {
		fprintf(stderr,
			"user-domain: the domain translates elsewhere\n");
		ret = -EINVAL;
		goto out_unmap;
	}

	/* The device writes at our IOVA; the bytes land in the buffer. */
	ret = sio_dma_write(dev, USER_IOVA + 16, "owned", 6);
	if (ret) {
		fail("sio_dma_write", ret);
		goto out_unmap;
	}
	ret = sio_dma_read(dev, USER_IOVA + 16, back, 6);
	if (ret || strcmp(cpu + 16, "owned") || strcmp(back, "owned")) {
		fprintf(stderr,
			"user-domain: DMA through the user domain: %d\n", ret);
		ret = ret ? ret : -EIO;
		goto out_unmap;
	}
	printf("device wrote \"%s\" at IOVA %#lx of the user domain\n",
	       cpu + 16, USER_IOVA + 16);

out_unmap:
	unmapped = iommu_unmap(domain, USER_IOVA, BUF_SIZE);
	if (!ret && unmapped != BUF_SIZE) {
		fprintf(stderr, "user-domain: unmapped %zu bytes\n", unmapped);
		ret = -EINVAL;
	}
	/* Unmapped: the same transaction now faults. */
	if (!ret && sio_dma_read(dev, USER_IOVA + 16, back, 1) != -EFAULT) {
		fprintf(stderr, "user-domain: DMA after unmap did not fault\n");
		ret = -EINVAL;
	}
	if (!ret)
		printf("DMA after unmap: -EFAULT\n");
out_detach:
	iommu_detach_group(domain, group);
out_free:
	iommu_domain_free(domain);
out_release:
	/* The group returns to its default (DMA API) domain. */
	iommu_group_release_dma_owner(group);
	return ret;
}

int main(void)
{
	struct sio_device_decl decl = {
		.bus = "pci",
		.name = DEV_NAME,
		.iommu = "smmu0",
		.ids = { 0x18 },
		.num_ids = 1,
	};
	struct iommu_group *group;
	struct sio_machine *m;
	struct sio_device *dev;
	uint64_t dma, phys;
	char *cpu;
	int ret;

	m = sio_machine_create("user-domain");
	if (sio_is_err(m)) {
		fail("sio_machine_create", sio_ptr_err(m));
		return 1;
	}
	ret = sio_machine_add_memory(m, 0, 64 << 20);
	if (!ret)
		ret = sio_machine_add_bus(m, "pci");
	if (!ret)
		ret = sio_machine_add_smmu(m, "smmu0", NULL);
	if (!ret)
		ret = sio_machine_add_device(m, &decl); /* no driver binds it */
	if (ret) {
		fail("building the machine", ret);
		goto out_machine;
	}
	dev = sio_machine_get_device(m, DEV_NAME);
	if (!dev) {
		ret = -ENODEV;
		fail(DEV_NAME, ret);
		goto out_machine;
	}
	/* Lookups return NULL for "none": the device sits behind an IOMMU. */
	group = iommu_group_get(dev);
	if (!group) {
		ret = -ENODEV;
		fail("iommu_group_get", ret);
		goto out_dev;
	}
	/*
	 * RAM to map: the public API has no RAM allocator of its own yet, so
	 * borrow a coherent buffer while the group is on its default domain
	 * (a VMM would map its guest RAM here).
	 */
	cpu = sio_dma_alloc_coherent(dev, BUF_SIZE, &dma, &phys);
	if (!cpu) {
		ret = -ENOMEM;
		fail("sio_dma_alloc_coherent", ret);
		goto out_group;
	}
	printf("iommu group %d, buffer at PA %#llx\n", iommu_group_id(group),
	       (unsigned long long)phys);

	ret = own_and_dma(dev, group, cpu, phys);

	sio_dma_free_coherent(dev, BUF_SIZE, cpu, dma);
out_group:
	iommu_group_put(group);
out_dev:
	sio_machine_put_device(dev);
out_machine:
	sio_machine_destroy(m);
	if (!ret)
		printf("user-domain: OK\n");
	return ret ? 1 : 0;
}
