// SPDX-License-Identifier: BSD-3-Clause
/*
 * The benchmarks' simulated system (see sys.h), assembled through the
 * public machine API, the SMMU driver's constructor and the IOMMU core's
 * default-domain policy.
 */
#include <stdio.h>
#include <string.h>
#include <softiommu/iommu.h>
#include <softiommu/machine.h>
#include "dev/device.h"
#include "drivers/smmu/smmu.h"
#include "mem/phys-mem.h"
#include "machine/machine-priv.h"
#include "sys.h"

#define BENCH_SYS_RAM	(1ULL << 30)
#define BENCH_SYS_DEV	"0000:00:02.0"

int bench_sys_create(struct bench_sys *s, bool strict,
		     unsigned int iotlb_entries)
{
	struct smmu_iommu_config cfg = { 0 };
	struct sio_hw_smmu_config hwcfg;
	struct sio_device_decl dd = { 0 };
	struct sio_driver_decl drv = { 0 };
	int ret;

	memset(s, 0, sizeof(*s));
	s->strict = strict;
	s->m = sio_machine_create(strict ? "bench-strict" : "bench-lazy");
	if (IS_ERR(s->m)) {
		ret = (int)PTR_ERR(s->m);
		s->m = NULL;
		snprintf(s->why, sizeof(s->why), "machine: %d", ret);
		return ret;
	}
	ret = sio_iommu_set_default_domain_policy(s->m, 0, strict ? 1 : 0);
	if (ret) {
		snprintf(s->why, sizeof(s->why), "default-domain policy: %d",
			 ret);
		goto err;
	}
	/* The machine owns its RAM and frees it last in its destroy. */
	if (!s->m->mem) {
		ret = sio_machine_add_memory(s->m, 0, BENCH_SYS_RAM);
		if (ret) {
			snprintf(s->why, sizeof(s->why), "RAM: %d", ret);
			goto err;
		}
	}
	ret = sio_machine_add_bus(s->m, "pci");
	if (ret) {
		snprintf(s->why, sizeof(s->why), "pci bus: %d", ret);
		goto err;
	}
	sio_hw_smmu_config_default(&hwcfg);
	if (iotlb_entries)
		hwcfg.iotlb_entries = iotlb_entries;
	/* The machine makes the SMMU; the driver binds to it. */
	s->hw = sio_hw_smmu_add(s->m, &hwcfg);
	if (IS_ERR(s->hw)) {
		ret = (int)PTR_ERR(s->hw);
		s->hw = NULL;
		snprintf(s->why, sizeof(s->why), "sio_hw_smmu_add: %d", ret);
		goto err;
	}
	s->iommu = smmu_iommu_create(s->m, "smmu0", &cfg);
	if (IS_ERR(s->iommu)) {
		ret = (int)PTR_ERR(s->iommu);
		s->iommu = NULL;
		snprintf(s->why, sizeof(s->why), "smmu_iommu_create: %d", ret);
		goto err;
	}
	snprintf(drv.bus, sizeof(drv.bus), "pci");
	snprintf(drv.name, sizeof(drv.name), "bench-dma");
	snprintf(drv.kind, sizeof(drv.kind), "dma-api");
	snprintf(drv.ids[0], sizeof(drv.ids[0]), "bench,dma");
	drv.num_ids = 1;
	ret = sio_machine_add_driver(s->m, &drv);
	if (ret) {
		snprintf(s->why, sizeof(s->why), "dma-api driver: %d", ret);
		goto err;
	}
	snprintf(dd.bus, sizeof(dd.bus), "pci");
	snprintf(dd.name, sizeof(dd.name), BENCH_SYS_DEV);
	snprintf(dd.compatible, sizeof(dd.compatible), "bench,dma");
	snprintf(dd.iommu, sizeof(dd.iommu), "smmu0");
	dd.ids[0] = 0x10;
	dd.num_ids = 1;
	ret = sio_machine_add_device(s->m, &dd);
	if (ret) {
		snprintf(s->why, sizeof(s->why), "device: %d", ret);
		goto err;
	}
	s->dev = sio_machine_find_device(s->m, BENCH_SYS_DEV);
	if (!s->dev || !s->dev->driver) {
		ret = -ENODEV;
		snprintf(s->why, sizeof(s->why), "device not bound to the "
			 "DMA-API driver");
		goto err;
	}
	return 0;
err:
	bench_sys_destroy(s);
	return ret;
}

void *bench_sys_alloc(struct bench_sys *s, unsigned int order)
{
	u64 pa;

	if (s->nbufs == ARRAY_SIZE(s->bufs) ||
	    sio_phys_alloc_pages(s->m->mem, order, GFP_KERNEL, &pa))
		return NULL;
	s->bufs[s->nbufs] = pa;
	s->buf_order[s->nbufs++] = order;
	return sio_phys_to_virt(s->m->mem, pa, 1);
}

void bench_sys_destroy(struct bench_sys *s)
{
	unsigned int i;

	if (s->dev)
		sio_put_device(s->dev);
	s->dev = NULL;
	if (s->m)
		sio_machine_remove_device(s->m, BENCH_SYS_DEV);
	if (s->iommu)
		smmu_iommu_destroy(s->iommu);
	s->iommu = NULL;
	if (s->hw)
		sio_hw_smmu_remove(s->m, s->hw);
	s->hw = NULL;
	for (i = 0; i < s->nbufs; i++)
		sio_phys_free_pages(s->m->mem, s->bufs[i], s->buf_order[i]);
	s->nbufs = 0;
	if (s->m) {
		sio_machine_destroy(s->m);
		s->m = NULL;
	}
}

struct sio_hw_smmu *bench_sys_hw(struct bench_sys *s)
{
	return s->iommu ? smmu_iommu_hw(s->iommu) : NULL;
}
