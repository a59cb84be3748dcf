/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared test fixture helpers for the IOMMU core tests (conformance, stress,
 * fail_nth): a machine with a PCI bus hooked to the IOMMU core, IOMMU
 * instances of a chosen driver kind, devices with a firmware description,
 * a DMA-API test driver and a driver_managed_dma ("VFIO-like") test driver,
 * and state snapshots to prove "no state change on a failed operation".
 */
#ifndef SIO_TESTS_CONFORMANCE_FIXTURE_H
#define SIO_TESTS_CONFORMANCE_FIXTURE_H

#include "harness.h"
#include "base/base.h"
#include "dev/device.h"
#include "bus/bus.h"
#include "core/subsys.h"
#include "drivers/mock/mock.h"
#include "drivers/smmu/smmu.h"
#include "mem/phys-mem.h"
#include <softiommu/iommu.h>
#include <softiommu/iommu-driver.h>

/* IOMMU driver kinds a fixture variant can run over. */
enum fx_kind {
	FX_KIND_MOCK,
	FX_KIND_SMMU,
};

#define FX_MAX_DEVS	32
#define FX_MAX_IOMMUS	4

/**
 * struct fx - one test machine
 * @m: the machine
 * @pci: its PCI bus (hooked to the IOMMU core, autoprobe off)
 * @kind: driver kind of every IOMMU instance
 * @iommu: the instance made at setup ("iommu0")
 * @dma_drv: a DMA-API driver ("fx-dma"): its bind goes through
 *	iommu_device_use_default_domain
 * @vfio_drv: a driver_managed_dma driver ("fx-vfio")
 */
struct fx {
	struct sio_machine *m;
	struct sio_bus *pci;
	enum fx_kind kind;
	struct iommu_device *iommu;
	struct iommu_device *iommus[FX_MAX_IOMMUS];
	unsigned int niommus;
	struct sio_device *devs[FX_MAX_DEVS];
	unsigned int ndevs;
	struct sio_driver dma_drv;
	struct sio_driver vfio_drv;
	bool drivers_registered;
	u32 next_sid;
	struct sio_phys_mem *mem;	/* machine RAM (SMMU kinds) */
};

/* Probe counters of the test drivers (per process). */
extern int fx_dma_probe_calls, fx_dma_remove_calls;
extern int fx_vfio_probe_calls, fx_vfio_remove_calls;

/**
 * fx_init() - build the machine, the PCI bus, the test drivers and, unless
 * @no_iommu, the IOMMU instance "iommu0" of @kind
 * Return: 0 or -errno (nothing left allocated on failure... fx_fini() is
 * still safe to call).
 */
int fx_init(struct fx *fx, enum fx_kind kind, bool no_iommu);
/* Tear everything down (devices, drivers, instances, core, machine). */
void fx_fini(struct fx *fx);

/*
 * fx_iommu_create() - another instance of the fixture's kind
 * @cfg: mock configuration (NULL = defaults); other kinds take what applies
 * Return: the instance or ERR_PTR.
 */
struct iommu_device *fx_iommu_create(struct fx *fx, const char *name,
				     const struct mock_iommu_config *cfg);
/**
 * struct fx_smmu_config - an SMMU as a test describes it
 * @hw: the hardware the machine makes (sio_hw_smmu_add())
 * @drv: how the driver runs it (smmu_iommu_create())
 */
struct fx_smmu_config {
	struct sio_hw_smmu_config hw;
	struct smmu_iommu_config drv;
};

/* Default hardware, driver checker on. */
void fx_smmu_config_default(struct fx_smmu_config *cfg);
/* Put SMMU @name on @m and bind the driver (@cfg NULL: the default). */
struct iommu_device *fx_smmu_create(struct sio_machine *m, const char *name,
				    const struct fx_smmu_config *cfg);
/* Unbind the driver and take the SMMU off @m. */
void fx_smmu_destroy(struct sio_machine *m, struct iommu_device *iommu);

/* Destroy one instance made by fx_init()/fx_iommu_create(). */
void fx_iommu_destroy(struct fx *fx, struct iommu_device *iommu);
bool fx_is_mock(const struct fx *fx);

/*
 * fx_dev_alloc() - a PCI device, initialised but not added
 * @iommu: instance name in its firmware description (NULL/"" = none)
 * @alias: firmware alias: devices sharing one share a group (NULL = none)
 * The caller may edit dev->fw, dev->untrusted... then fx_dev_add().
 */
struct sio_device *fx_dev_alloc(struct fx *fx, const char *name,
				const char *iommu, const char *alias);
/* Add; on failure the device is put (freed).  Return: 0 or -errno. */
int fx_dev_add(struct fx *fx, struct sio_device *dev);
/* fx_dev_alloc + fx_dev_add.  Return: the device or ERR_PTR. */
struct sio_device *fx_add_dev(struct fx *fx, const char *name,
			      const char *iommu, const char *alias);
/* Unregister (unbinding first) and forget a device. */
void fx_del_dev(struct fx *fx, struct sio_device *dev);

/* Bind @dev to the DMA-API / VFIO-like test driver.  Return: 0/-errno. */
int fx_bind_dma(struct fx *fx, struct sio_device *dev);
int fx_bind_vfio(struct fx *fx, struct sio_device *dev);
void fx_unbind(struct sio_device *dev);

/* Group state of @dev (zeroed info and -ENODEV if it has no group). */
int fx_group_info(struct sio_device *dev, struct sio_iommu_group_info *info);
/* Shorthands; 0/NULL when @dev has no group. */
unsigned int fx_owner_cnt(struct sio_device *dev);
struct iommu_domain *fx_group_domain(struct sio_device *dev);
struct iommu_domain *fx_default_domain(struct sio_device *dev);
struct iommu_domain *fx_blocking_domain(struct sio_device *dev);
/* Domain the driver's "hardware" uses for @dev's RID (mock: exact). */
struct iommu_domain *fx_hw_domain(struct fx *fx, struct sio_device *dev);
/* Count of WARNs (whole process) since the last sio_warn_reset(). */
unsigned long fx_warns(void);

/**
 * struct fx_snap - everything a failed operation must leave unchanged
 */
struct fx_snap {
	unsigned int ndevs;
	struct {
		struct sio_device *dev;
		bool has_group;
		struct sio_iommu_group_info gi;
		struct iommu_domain *hw;
	} d[FX_MAX_DEVS];
	unsigned long domains_live[FX_MAX_IOMMUS];
	long alloc_live;
};

void fx_snap_take(struct fx *fx, struct fx_snap *s);
/* Return: true if equal; else false with the first difference in @buf. */
bool fx_snap_same(struct fx *fx, const struct fx_snap *s, char *buf,
		  size_t len);

#define ASSERT_STATE_UNCHANGED(fx, snap)                                      \
	do {                                                                  \
		char __b[256];                                                \
		if (!fx_snap_same((fx), (snap), __b, sizeof(__b))) {          \
			__sio_test_report(_metadata, __FILE__, __LINE__,      \
					  "state changed: %s", __b);          \
			_metadata->failed = 1;                                \
			__sio_test_abort();                                   \
		}                                                             \
	} while (0)

/* Domains stay consistent: every device of @dev's group is on group->domain. */
#define ASSERT_INVARIANTS(fx) ASSERT_EQ(0, sio_iommu_check_invariants((fx)->m))

/* Skip unless the fixture runs over the mock (tests using its flags/inject). */
#define FX_REQUIRE_MOCK(fx)                                                   \
	do {                                                                  \
		if (!fx_is_mock(fx))                                          \
			SKIP(return, "needs mock driver behaviour");          \
	} while (0)

/*
 * Helper triplets, iommufd_utils.h style:
 *   _test_x(...) returns 0/-errno; test_x(...) asserts success;
 *   test_err_x(ERRNO, ...) asserts the positive ERRNO.
 */
#define test_ok(expr) ASSERT_EQ(0, (expr))
#define test_err(err, expr) ASSERT_EQ(-(err), (expr))

#define test_claim_group(g, o) test_ok(iommu_group_claim_dma_owner(g, o))
#define test_err_claim_group(e, g, o) test_err(e, iommu_group_claim_dma_owner(g, o))
#define test_claim_dev(d, o) test_ok(iommu_device_claim_dma_owner(d, o))
#define test_err_claim_dev(e, d, o) test_err(e, iommu_device_claim_dma_owner(d, o))
#define test_use_default(d) test_ok(iommu_device_use_default_domain(d))
#define test_err_use_default(e, d) test_err(e, iommu_device_use_default_domain(d))
#define test_attach_dev(dom, d) test_ok(iommu_attach_device(dom, d))
#define test_err_attach_dev(e, dom, d) test_err(e, iommu_attach_device(dom, d))
#define test_attach_group(dom, g) test_ok(iommu_attach_group(dom, g))
#define test_err_attach_group(e, dom, g) test_err(e, iommu_attach_group(dom, g))
#define test_bind_dma(fx, d) test_ok(fx_bind_dma(fx, d))
#define test_err_bind_dma(e, fx, d) test_err(e, fx_bind_dma(fx, d))
#define test_bind_vfio(fx, d) test_ok(fx_bind_vfio(fx, d))
#define test_map(dom, iova, pa, sz) test_ok(iommu_map(dom, iova, pa, sz, IOMMU_READ | IOMMU_WRITE, GFP_KERNEL))
#define test_err_map(e, dom, iova, pa, sz) test_err(e, iommu_map(dom, iova, pa, sz, IOMMU_READ | IOMMU_WRITE, GFP_KERNEL))

/* Allocate a paging domain for @dev or fail the test. */
#define test_alloc_paging(dom_out, dev)                                       \
	do {                                                                  \
		(dom_out) = iommu_paging_domain_alloc(dev);                   \
		ASSERT_FALSE(IS_ERR_OR_NULL(dom_out));                        \
	} while (0)

/* Add a device or fail the test. */
#define test_add_dev(dev_out, fx, name, iommu, alias)                         \
	do {                                                                  \
		(dev_out) = fx_add_dev(fx, name, iommu, alias);               \
		ASSERT_FALSE(IS_ERR_OR_NULL(dev_out));                        \
	} while (0)

/*
 * Write/read /sys/kernel/iommu_groups/<id of @dev's group>/type.
 * Return: bytes or -errno (-ENODEV: no group).
 */
ssize_t fx_group_type_write(struct fx *fx, struct sio_device *dev,
			    const char *type);
ssize_t fx_group_type_read(struct fx *fx, struct sio_device *dev, char *buf,
			   size_t len);

/* The group of @dev without keeping a reference (the device holds one). */
struct iommu_group *fx_group(struct sio_device *dev);

#endif /* SIO_TESTS_CONFORMANCE_FIXTURE_H */
