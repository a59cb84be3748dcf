// SPDX-License-Identifier: BSD-3-Clause
/*
 * hello-dma: the README's "Using the library" flow, with public headers
 * only.  A machine with RAM, a PCI bus and a software SMMU; a device behind
 * the SMMU gets a coherent buffer through the DMA API, writes into it
 * through the IOMMU, and faults on an address nothing maps.
 *
 * Build: cc hello-dma.c $(pkg-config --cflags --libs softiommu)
 * Exit status: 0 when every step did what the comment says.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <softiommu/dma.h>
#include <softiommu/machine.h>

#define DEV_NAME "0000:00:02.0"

static int fail(const char *what, int err)
{
	fprintf(stderr, "hello-dma: %s: %s (%s)\n", what, sio_strerror(err),
		sio_errno_name(err));
	return 1;
}

int main(void)
{
	struct sio_device_decl nic = {
		.bus = "pci",
		.name = DEV_NAME,
		.compatible = "e1000e",
		.iommu = "smmu0",
		.ids = { 0x10 },
		.num_ids = 1,
	};
	struct sio_machine *m;
	struct sio_device *dev;
	uint64_t dma, phys;
	char *buf;
	int ret, status = 1;

	/* Any thread may call the library: no set-up beyond this. */
	m = sio_machine_create("hello");
	if (sio_is_err(m))
		return fail("sio_machine_create", sio_ptr_err(m));
	ret = sio_machine_add_memory(m, 0, 64 << 20); /* RAM at 0x40000000 */
	if (!ret)
		ret = sio_machine_add_bus(m, "pci");
	if (!ret)
		ret = sio_machine_add_smmu(m, "smmu0", NULL); /* defaults */
	if (!ret)
		ret = sio_machine_add_device(m, &nic);
	if (ret) {
		fail("building the machine", ret);
		goto out_machine;
	}
	dev = sio_machine_get_device(m, DEV_NAME);
	if (!dev) {
		fprintf(stderr, "hello-dma: %s not found\n", DEV_NAME);
		goto out_machine;
	}

	buf = sio_dma_alloc_coherent(dev, 4096, &dma, &phys);
	if (!buf) {
		fprintf(stderr, "hello-dma: sio_dma_alloc_coherent failed\n");
		goto out_dev;
	}
	/* The device writes through the IOMMU; the CPU sees the bytes. */
	ret = sio_dma_write(dev, dma, "hi", 3);
	if (ret) {
		fail("sio_dma_write", ret);
		goto out_buf;
	}
	if (strcmp(buf, "hi")) {
		fprintf(stderr, "hello-dma: the buffer holds \"%.3s\"\n", buf);
		goto out_buf;
	}
	printf("device wrote \"%s\" through the IOMMU (%s)\n", buf,
	       dma != phys ? "translated" : "not translated");

	/* Nothing is mapped at 0x10000: the SMMU faults the transaction. */
	ret = sio_dma_write(dev, 0x10000, "x", 1);
	if (ret != -EFAULT) {
		fprintf(stderr, "hello-dma: DMA to an unmapped IOVA gave %d\n",
			ret);
		goto out_buf;
	}
	printf("DMA to an unmapped IOVA: -%s\n", sio_errno_name(ret));
	status = 0;

out_buf:
	sio_dma_free_coherent(dev, 4096, buf, dma);
out_dev:
	sio_machine_put_device(dev);
out_machine:
	sio_machine_destroy(m);
	if (!status)
		printf("hello-dma: OK\n");
	return status;
}
