// SPDX-License-Identifier: BSD-3-Clause
/*
 * The public API under misuse (issue 8, defect 9; the cases of
 * ../shared/repro/api-misuse.c): NULL machines, arguments, buffers and
 * results get -EINVAL (never a crash), unterminated or out-of-range
 * declaration fields get -EINVAL, and a device reference held after
 * sio_machine_remove_device() or sio_machine_destroy() stays safe to use:
 * its DMA and every entry point taking it give -ENODEV, a mapping error or
 * a clean no-op, never a use-after-free (the ASan build checks).  Each test
 * runs in its own process, and fails on a leak or an unexpected WARN.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "harness.h"
#include "base/bug.h"
#include <softiommu/dma.h>
#include <softiommu/iommu.h>
#include <softiommu/machine.h>

#define DEV0	"0000:00:02.0"

/* RAM, a PCI bus, an SMMU and one device behind it; @dev referenced. */
static struct sio_machine *mk(struct sio_device **dev)
{
	struct sio_device_decl nic = { .bus = "pci", .name = DEV0,
				       .iommu = "smmu0", .ids = { 0x10 },
				       .num_ids = 1 };
	struct sio_machine *m = sio_machine_create("t");

	if (sio_is_err(m))
		return m;
	/* Strict: an unmap is invalidated before it returns. */
	if (sio_iommu_set_default_domain_policy(m, SIO_IOMMU_DEFAULT_UNSET, 1) ||
	    sio_machine_add_memory(m, 0x40000000, 16 << 20) ||
	    sio_machine_add_bus(m, "pci") ||
	    sio_machine_add_smmu(m, "smmu0", NULL) ||
	    sio_machine_add_device(m, &nic)) {
		sio_machine_destroy(m);
		return NULL;
	}
	*dev = sio_machine_get_device(m, DEV0);
	return m;
}

TEST(null_machine_and_arguments)
{
	struct sio_iommu_decl io = { .kind = "mock", .name = "m0" };
	struct sio_device_decl dd = { .bus = "pci", .name = "x" };
	struct sio_driver_decl dr = { .bus = "pci", .name = "d",
				      .kind = "dma-api" };
	struct sio_machine *bad = (struct sio_machine *)(intptr_t)-ENOMEM;
	struct sio_machine *m;
	char buf[8];

	sio_machine_destroy(NULL);
	sio_machine_destroy(bad);
	sio_machine_put_device(NULL);
	EXPECT_EQ(-EINVAL, sio_machine_add_bus(NULL, "pci"));
	EXPECT_EQ(-EINVAL, sio_machine_add_bus(bad, "pci"));
	EXPECT_EQ(-EINVAL, sio_machine_add_memory(NULL, 0, 1 << 20));
	EXPECT_EQ(-EINVAL, sio_machine_add_iommu(NULL, &io));
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(NULL, "s", NULL));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(NULL, &dd));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(NULL, &dr));
	EXPECT_EQ(-EINVAL, sio_machine_remove_device(NULL, "x"));
	EXPECT_EQ(-EINVAL, sio_machine_remove_driver(NULL, "pci", "d"));
	EXPECT_NULL(sio_machine_get_device(NULL, "x"));
	EXPECT_EQ(-EINVAL, sio_machine_sysfs_read(NULL, "/sys", buf, 8));
	EXPECT_EQ(-EINVAL, sio_machine_sysfs_write(NULL, "/sys", "x", 1));
	EXPECT_FALSE(sio_machine_iommu_kind_known(NULL));
	EXPECT_FALSE(sio_machine_driver_kind_known(NULL));

	/* A machine with a NULL name is fine; NULL arguments are not. */
	m = sio_machine_create(NULL);
	ASSERT_FALSE(sio_is_err(m));
	EXPECT_EQ(-EINVAL, sio_machine_add_bus(m, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_add_bus(m, "isa"));
	EXPECT_EQ(0, sio_machine_add_bus(m, "pci"));
	EXPECT_EQ(-EEXIST, sio_machine_add_bus(m, "pci"));
	EXPECT_NULL(sio_machine_get_device(m, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_add_iommu(m, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_remove_device(m, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_remove_driver(m, NULL, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, NULL, NULL));
	EXPECT_EQ(-EINVAL, sio_machine_sysfs_read(m, NULL, buf, 8));
	EXPECT_EQ(-EINVAL, sio_machine_sysfs_read(m, "/sys", NULL, 8));
	EXPECT_EQ(-EINVAL, sio_machine_sysfs_write(m, "/sys", NULL, 8));
	sio_machine_destroy(m);
}

TEST(memory_declarations)
{
	struct sio_machine *m = sio_machine_create("t");

	ASSERT_FALSE(sio_is_err(m));
	EXPECT_EQ(-EINVAL, sio_machine_add_memory(m, 0x40000000, 0));
	EXPECT_EQ(-EINVAL, sio_machine_add_memory(m, 0x40000001, 4096));
	EXPECT_EQ(-EINVAL,
		  sio_machine_add_memory(m, 0xfffffffffffff000ULL, 0x2000));
	EXPECT_EQ(-EINVAL, sio_machine_add_memory(m, 0x40000000, 1ULL << 62));
	EXPECT_EQ(0, sio_machine_add_memory(m, 0, 0x10000));
	EXPECT_EQ(-EEXIST, sio_machine_add_memory(m, 0x40000000, 1 << 20));
	sio_machine_destroy(m);
}

TEST(iommu_declarations)
{
	struct sio_machine *m = sio_machine_create("t");
	struct sio_iommu_decl io;
	struct sio_smmu_decl d;
	char longname[200];

	ASSERT_FALSE(sio_is_err(m));
	ASSERT_EQ(0, sio_machine_add_bus(m, "pci"));
	memset(&d, 0, sizeof(d));
	d.iotlb_ways = 3;
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, "a", &d));
	memset(&d, 0, sizeof(d));
	d.ias = 99;
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, "b", &d));
	memset(&d, 0, sizeof(d));
	d.ssid_bits_set = true;
	d.ssid_bits = 64;
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, "c", &d));
	memset(&d, 0, sizeof(d));
	d.iotlb_entries = 0xffffffffu;
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, "d", &d));
	/* Bits the declaration does not define. */
	memset(&d, 0, sizeof(d));
	d.granules = 0xff;
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, "e", &d));
	memset(&d, 0, sizeof(d));
	d.features = 0xffffffff;
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, "f", &d));
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	EXPECT_EQ(-EINVAL, sio_machine_add_smmu(m, longname, NULL));
	EXPECT_EQ(0, sio_machine_add_smmu(m, "s", NULL));
	EXPECT_EQ(-EEXIST, sio_machine_add_smmu(m, "s", NULL));

	/* Unterminated fixed-size fields, unknown flags and types. */
	memset(&io, 0, sizeof(io));
	strcpy(io.kind, "mock");
	memset(io.name, 'n', sizeof(io.name));
	EXPECT_EQ(-EINVAL, sio_machine_add_iommu(m, &io));
	strcpy(io.name, "m0");
	memset(io.kind, 'k', sizeof(io.kind));
	EXPECT_EQ(-EINVAL, sio_machine_add_iommu(m, &io));
	strcpy(io.kind, "mock");
	io.flags = 1u << 31;
	EXPECT_EQ(-EINVAL, sio_machine_add_iommu(m, &io));
	io.flags = 0;
	io.def_domain_type = 12345;
	EXPECT_EQ(-EINVAL, sio_machine_add_iommu(m, &io));
	io.def_domain_type = 0;
	EXPECT_EQ(0, sio_machine_add_iommu(m, &io));
	sio_machine_destroy(m);
}

TEST(device_declarations)
{
	struct sio_device_decl d = { .bus = "pci", .name = DEV0,
				     .iommu = "smmu0", .ids = { 0x10 },
				     .num_ids = 100 };
	struct sio_machine *m = sio_machine_create("t");
	char buf[64];

	ASSERT_FALSE(sio_is_err(m));
	ASSERT_EQ(0, sio_machine_add_memory(m, 0x40000000, 16 << 20));
	ASSERT_EQ(0, sio_machine_add_bus(m, "pci"));
	ASSERT_EQ(0, sio_machine_add_smmu(m, "smmu0", NULL));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	d.num_ids = 1;
	memset(d.name, 'A', sizeof(d.name));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	strcpy(d.name, "x1");
	memset(d.bus, 'p', sizeof(d.bus));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	strcpy(d.bus, "pci");
	memset(d.iommu, 'i', sizeof(d.iommu));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	strcpy(d.iommu, "smmu0");
	memset(d.compatible, 'c', sizeof(d.compatible));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	d.compatible[0] = '\0';
	memset(d.alias, 'a', sizeof(d.alias));
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	d.alias[0] = '\0';
	d.num_resv = 99;
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	d.num_resv = 1;
	d.resv[0].start = 0xfffffffffffff000ULL;
	d.resv[0].length = 0x2000;
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));	/* wraps */
	d.resv[0].start = 0x1000;
	d.resv[0].length = 0;
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));	/* empty */
	d.resv[0].length = 0x1000;
	d.resv[0].type = 99;
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));	/* no such type */
	d.num_resv = 0;
	d.pasid_bits = 64;
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	d.pasid_bits = 0;
	strcpy(d.name, "");
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	strcpy(d.name, "../x");
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	strcpy(d.name, "a/b");
	EXPECT_EQ(-EINVAL, sio_machine_add_device(m, &d));
	EXPECT_EQ(-ENOENT, sio_machine_sysfs_read(m,
		"/sys/bus/pci/devices/a/b/iommu_group/type", buf, sizeof(buf)));
	strcpy(d.name, "x1");
	EXPECT_EQ(0, sio_machine_add_device(m, &d));
	EXPECT_EQ(-EEXIST, sio_machine_add_device(m, &d));
	sio_machine_destroy(m);
}

TEST(driver_declarations)
{
	struct sio_driver_decl dr = { .bus = "pci", .name = "e1000e",
				      .kind = "dma-api", .num_ids = 99 };
	struct sio_machine *m = sio_machine_create("t");

	ASSERT_FALSE(sio_is_err(m));
	ASSERT_EQ(0, sio_machine_add_bus(m, "pci"));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, &dr));
	dr.num_ids = 1;
	memset(dr.ids[0], 'i', sizeof(dr.ids[0]));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, &dr));
	strcpy(dr.ids[0], "e1000e");
	memset(dr.kind, 'k', sizeof(dr.kind));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, &dr));
	strcpy(dr.kind, "nope");
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, &dr));
	strcpy(dr.kind, "dma-api");
	memset(dr.needs, 'n', sizeof(dr.needs));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, &dr));
	dr.needs[0] = '\0';
	memset(dr.name, 'n', sizeof(dr.name));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, &dr));
	strcpy(dr.name, "e1000e");
	memset(dr.bus, 'b', sizeof(dr.bus));
	EXPECT_EQ(-EINVAL, sio_machine_add_driver(m, &dr));
	strcpy(dr.bus, "platform");
	EXPECT_EQ(-ENODEV, sio_machine_add_driver(m, &dr));
	strcpy(dr.bus, "pci");
	EXPECT_EQ(0, sio_machine_add_driver(m, &dr));
	EXPECT_EQ(-ENODEV, sio_machine_remove_driver(m, "pci", "nope"));
	EXPECT_EQ(0, sio_machine_remove_driver(m, "pci", "e1000e"));
	sio_machine_destroy(m);
}

TEST(sysfs_arguments)
{
	static const char type[] = "/sys/kernel/iommu_groups/0/type";
	static const char ovr[] =
		"/sys/bus/pci/devices/" DEV0 "/driver_override";
	struct sio_device *dev = NULL;
	struct sio_machine *m = mk(&dev);
	static char big[1 << 16];
	char buf[64] = { 0 };

	ASSERT_NOT_NULL(m);
	ASSERT_NOT_NULL(dev);
	/* The result is a string: @len - 1 bytes at most, NUL-terminated. */
	EXPECT_EQ(0, sio_machine_sysfs_read(m, type, buf, 0));
	EXPECT_EQ(0, sio_machine_sysfs_read(m, type, buf, 1));
	EXPECT_EQ('\0', buf[0]);
	EXPECT_EQ(3, sio_machine_sysfs_read(m, type, buf, 4));
	EXPECT_STREQ("DMA", buf);
	EXPECT_GT(0, sio_machine_sysfs_read(m, "sys/kernel", buf, 8));
	EXPECT_EQ(-ENOENT, sio_machine_sysfs_read(m,
		"/sys/kernel/iommu_groups/0/../../../sys/kernel/iommu_groups/0/type",
		buf, 8));
	EXPECT_EQ(-EINVAL, sio_machine_sysfs_write(m, type, "DMA", 0));
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(-EINVAL, sio_machine_sysfs_write(m, ovr, big, sizeof(big)));
	/* Bytes past @len, or past a NUL, are not part of the value. */
	EXPECT_EQ(8, sio_machine_sysfs_write(m, type, "identityXXXX", 8));
	EXPECT_EQ(9, sio_machine_sysfs_read(m, type, buf, sizeof(buf)));
	EXPECT_STREQ("identity\n", buf);
	EXPECT_EQ(5, sio_machine_sysfs_write(m, ovr, "vf\0io", 5));
	EXPECT_EQ(3, sio_machine_sysfs_read(m, ovr, buf, sizeof(buf)));
	EXPECT_STREQ("vf\n", buf);
	sio_machine_put_device(dev);
	sio_machine_destroy(m);
}

/* Device-side DMA and the DMA API with bad arguments on a live device. */
TEST(dma_arguments)
{
	struct sio_device *dev = NULL;
	struct sio_machine *m = mk(&dev);
	uint64_t dma0 = 0, phys = 0, d2 = 0, pa, io;
	char buf[64];
	char *cpu;

	ASSERT_NOT_NULL(m);
	ASSERT_NOT_NULL(dev);
	EXPECT_EQ(-EINVAL, sio_dma_read(NULL, 0, buf, 4));
	EXPECT_EQ(-EINVAL, sio_dma_read(dev, 0, NULL, 4));
	EXPECT_EQ(-EINVAL, sio_dma_write(dev, 0, NULL, 4));
	EXPECT_EQ(-EINVAL, sio_dma_read_pasid(dev, 1, 0, NULL, 4));
	EXPECT_EQ(-EINVAL, sio_dma_write_pasid(NULL, 1, 0, buf, 4));
	EXPECT_EQ(0, sio_dma_read(dev, 0x1234, buf, 0));
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, ~0ULL, buf, 2));
	EXPECT_EQ(-EFAULT, sio_dma_write(dev, ~0ULL - 1, buf, 8));
	EXPECT_EQ(-EINVAL, sio_dma_translate(dev, 0, 0, &pa));
	EXPECT_EQ(-EINVAL, sio_dma_translate(dev, 0, 7, &pa));
	EXPECT_EQ(-EINVAL, sio_dma_translate(dev, 0, SIO_DMA_READ, NULL));
	EXPECT_EQ(-EINVAL, sio_dma_translate(NULL, 0, SIO_DMA_READ, &pa));
	EXPECT_EQ(-EINVAL, sio_dma_translate_pasid(dev, 1, 0, SIO_DMA_READ,
						   NULL));
	EXPECT_EQ(-EFAULT, sio_dma_read_pasid(dev, 0xffffffff, 0, buf, 4));

	cpu = sio_dma_alloc_coherent(dev, 8192, &dma0, &phys);
	ASSERT_NOT_NULL(cpu);
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR, sio_dma_map(NULL, phys, 4096, 0));
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR, sio_dma_map(dev, phys, 0, 0));
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR, sio_dma_map(dev, phys, 1ULL << 40, 0));
	io = sio_dma_map(dev, phys, 4096, SIO_DMA_TO_DEVICE);
	ASSERT_NE(SIO_DMA_MAPPING_ERROR, io);
	/* The IOMMU enforces the direction. */
	EXPECT_EQ(-EFAULT, sio_dma_write(dev, io, "x", 1));
	EXPECT_EQ(0, sio_dma_read(dev, io, buf, 16));
	sio_dma_unmap(dev, io, 4096, SIO_DMA_TO_DEVICE);
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, io, buf, 4));
	sio_dma_unmap(NULL, 0, 4096, 0);

	EXPECT_NULL(sio_dma_alloc_coherent(NULL, 4096, &d2, NULL));
	EXPECT_NULL(sio_dma_alloc_coherent(dev, 0, &d2, NULL));
	EXPECT_NULL(sio_dma_alloc_coherent(dev, 1ULL << 40, &d2, NULL));
	EXPECT_NULL(sio_dma_alloc_coherent(dev, (size_t)-1, &d2, NULL));
	EXPECT_NULL(sio_dma_alloc_coherent(dev, 17 << 20, &d2, NULL));
	EXPECT_NULL(sio_dma_alloc_coherent(dev, 4096, NULL, NULL));
	sio_dma_free_coherent(dev, 4096, NULL, 0);
	sio_dma_free_coherent(NULL, 4096, cpu, dma0);
	sio_dma_free_coherent(dev, 8192, cpu, dma0);
	sio_machine_put_device(dev);
	sio_machine_destroy(m);
}

/*
 * The kernel DMA API WARNs on these caller bugs (a bad direction, an
 * address beyond the IOMMU's output size, an unmap of DMA_MAPPING_ERROR, a
 * free of what is not RAM, a double free); softiommu does too, and stays
 * memory-safe.
 */
TEST(dma_api_caller_bugs_warn)
{
	struct sio_device *dev = NULL;
	struct sio_machine *m = mk(&dev);
	uint64_t dma0 = 0, phys = 0, dma1 = 0;
	unsigned long w = sio_warn_count();
	char x[16], *cpu, *cpu1;

	ASSERT_NOT_NULL(m);
	ASSERT_NOT_NULL(dev);
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR,
		  sio_dma_map(dev, 0x40000000, 4096, (enum sio_dma_direction)7));
	EXPECT_LT(w, sio_warn_count());
	w = sio_warn_count();
	/* Beyond what the IOMMU can output: its page tables WARN. */
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR, sio_dma_map(dev, ~0ULL - 100, 4096, 0));
	EXPECT_LT(w, sio_warn_count());
	w = sio_warn_count();
	sio_dma_unmap(dev, SIO_DMA_MAPPING_ERROR, 4096, 0);
	EXPECT_LT(w, sio_warn_count());
	cpu = sio_dma_alloc_coherent(dev, 8192, &dma0, &phys);
	cpu1 = sio_dma_alloc_coherent(dev, 4096, &dma1, NULL);
	ASSERT_NOT_NULL(cpu);
	ASSERT_NOT_NULL(cpu1);
	w = sio_warn_count();
	sio_dma_free_coherent(dev, 4096, x, dma0);	/* not RAM */
	EXPECT_LT(w, sio_warn_count());
	sio_dma_free_coherent(dev, 8192, cpu, dma0);
	sio_dma_free_coherent(dev, 4096, cpu1, dma1);
	w = sio_warn_count();
	sio_dma_free_coherent(dev, 8192, cpu, dma0);	/* twice */
	EXPECT_LT(w, sio_warn_count());
	sio_machine_put_device(dev);
	sio_machine_destroy(m);
	/* How many WARNs each layer adds is theirs to say: at least one each. */
	test_expect_warns(-1);
}

static int count_region(const struct iommu_resv_region *r, void *data)
{
	(void)r;
	(*(int *)data)++;
	return 0;
}

/* The public iommu.h entry points that take a device, on @dev. */
static void iommu_calls_on_gone_device(struct __test_metadata *_metadata,
				       struct sio_device *dev)
{
	struct iommu_attach_handle h = { 0 };
	struct iommu_domain *d;
	int n = 0;

	EXPECT_NULL(iommu_group_get(dev));
	EXPECT_FALSE(device_iommu_mapped(dev));
	EXPECT_EQ(-ENODEV, iommu_probe_device(dev));
	EXPECT_NULL(iommu_group_get(dev));	/* not probed back in */
	iommu_release_device(dev);
	d = iommu_paging_domain_alloc(dev);
	EXPECT_EQ(-ENODEV, sio_ptr_err(d));
	d = iommu_paging_domain_alloc_flags(dev, 0);
	EXPECT_EQ(-ENODEV, sio_ptr_err(d));
	EXPECT_EQ(-ENODEV, iommu_attach_device(NULL, dev));
	iommu_detach_device(NULL, dev);
	EXPECT_NULL(iommu_get_domain_for_dev(dev));
	EXPECT_NULL(iommu_get_dma_domain(dev));
	EXPECT_EQ(0, iommu_device_use_default_domain(dev));
	iommu_device_unuse_default_domain(dev);
	EXPECT_EQ(-ENODEV, iommu_device_claim_dma_owner(dev, &h));
	EXPECT_EQ(-ENODEV, iommu_attach_device_pasid((void *)&h, dev, 1, &h));
	EXPECT_EQ(-ENODEV, iommu_replace_device_pasid((void *)&h, dev, 1, &h));
	iommu_detach_device_pasid(NULL, dev, 1);
	EXPECT_EQ(IOMMU_PASID_INVALID, iommu_alloc_global_pasid(dev));
	EXPECT_EQ(0, pci_dev_reset_iommu_prepare(dev));
	pci_dev_reset_iommu_done(dev);
	EXPECT_EQ(-ENODEV, iommu_for_each_resv_region(dev, count_region, &n));
	EXPECT_EQ(0, n);
}

/*
 * After sio_machine_remove_device() a held reference is safe: DMA aborts
 * (-ENODEV, never untranslated to RAM), the DMA API refuses to map, frees
 * and unmaps are clean, the IOMMU API sees a device without IOMMU.
 */
TEST(held_device_after_remove)
{
	struct sio_device *dev = NULL;
	struct sio_machine *m = mk(&dev);
	uint64_t d = 0, p = 0, pa;
	char b[8];
	char *c;

	ASSERT_NOT_NULL(m);
	ASSERT_NOT_NULL(dev);
	c = sio_dma_alloc_coherent(dev, 4096, &d, &p);
	ASSERT_NOT_NULL(c);
	ASSERT_EQ(0, sio_machine_remove_device(m, DEV0));
	EXPECT_EQ(-ENODEV, sio_machine_remove_device(m, DEV0));
	EXPECT_NULL(sio_machine_get_device(m, DEV0));
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, d, b, 4));
	strcpy(c, "SECRET");
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, p, b, 6));
	EXPECT_EQ(-ENODEV, sio_dma_write(dev, p, "PWNED", 5));
	EXPECT_STREQ("SECRET", c);
	EXPECT_EQ(-ENODEV, sio_dma_read_pasid(dev, 1, d, b, 4));
	EXPECT_EQ(-ENODEV, sio_dma_translate(dev, d, SIO_DMA_READ, &pa));
	EXPECT_EQ(-ENODEV, sio_dma_translate_pasid(dev, 1, d, SIO_DMA_READ,
						   &pa));
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR, sio_dma_map(dev, p, 4096, 0));
	EXPECT_NULL(sio_dma_alloc_coherent(dev, 4096, &pa, NULL));
	iommu_calls_on_gone_device(_metadata, dev);
	sio_dma_free_coherent(dev, 4096, c, d);
	sio_machine_put_device(dev);
	sio_machine_destroy(m);
}

/*
 * After sio_machine_destroy() a held reference is still safe: the device
 * is orphaned (no bus, no IOMMU), its DMA gives -ENODEV, the DMA API maps
 * nothing, a coherent buffer allocated before stays valid until freed, and
 * the last put frees what the machine left behind.
 */
TEST(held_device_after_destroy)
{
	struct sio_device *dev = NULL, *dev2 = NULL;
	struct sio_machine *m = mk(&dev);
	uint64_t d = 0, p = 0, pa;
	char b[8];
	char *c;

	ASSERT_NOT_NULL(m);
	ASSERT_NOT_NULL(dev);
	dev2 = sio_machine_get_device(m, DEV0);
	ASSERT_NOT_NULL(dev2);
	c = sio_dma_alloc_coherent(dev, 4096, &d, &p);
	ASSERT_NOT_NULL(c);
	sio_machine_destroy(m);

	strcpy(c, "SECRET");
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, d, b, 4));
	EXPECT_EQ(-ENODEV, sio_dma_write(dev, p, "PWNED", 5));
	EXPECT_STREQ("SECRET", c);
	EXPECT_EQ(-ENODEV, sio_dma_write_pasid(dev, 1, d, "x", 1));
	EXPECT_EQ(-ENODEV, sio_dma_translate(dev, d, SIO_DMA_WRITE, &pa));
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR, sio_dma_map(dev, p, 4096, 0));
	sio_dma_unmap(dev, d, 4096, 0);
	EXPECT_NULL(sio_dma_alloc_coherent(dev, 4096, &pa, NULL));
	iommu_calls_on_gone_device(_metadata, dev);
	iommu_free_global_pasid(dev, 1);
	sio_machine_put_device(dev2);
	sio_dma_free_coherent(dev, 4096, c, d);
	sio_machine_put_device(dev);
}

/* Same, with nothing done in between: the put frees everything. */
TEST(put_after_destroy)
{
	struct sio_device *dev = NULL;
	struct sio_machine *m = mk(&dev);
	char b[4];

	ASSERT_NOT_NULL(m);
	ASSERT_NOT_NULL(dev);
	sio_machine_destroy(m);
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, 0x1000, b, 4));
	sio_machine_put_device(dev);
}

static volatile int dma_go;

static void *dma_thread(void *arg)
{
	struct sio_device *dev = arg;
	unsigned long n = 0;
	char b[16];

	while (__atomic_load_n(&dma_go, __ATOMIC_ACQUIRE) || n < 1000) {
		sio_dma_read(dev, 0xfffff000, b, 8);
		n++;
	}
	return NULL;
}

/*
 * A device removed while another thread is doing DMA on it: the DMA
 * starts failing with -ENODEV, nothing crashes.  (Destroying the whole
 * machine meanwhile is a caller bug: see sio_machine_destroy().)
 */
TEST(remove_during_dma)
{
	struct sio_device *dev = NULL;
	struct sio_machine *m = mk(&dev);
	uint64_t d = 0, p = 0;
	pthread_t t;
	char b[8];
	char *c;

	ASSERT_NOT_NULL(m);
	ASSERT_NOT_NULL(dev);
	c = sio_dma_alloc_coherent(dev, 8192, &d, &p);
	ASSERT_NOT_NULL(c);
	__atomic_store_n(&dma_go, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_create(&t, NULL, dma_thread, dev));
	EXPECT_EQ(0, sio_machine_remove_device(m, DEV0));
	__atomic_store_n(&dma_go, 0, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, d, b, 4));
	sio_dma_free_coherent(dev, 8192, c, d);
	sio_machine_put_device(dev);
	sio_machine_destroy(m);
}

TEST_HARNESS_MAIN
