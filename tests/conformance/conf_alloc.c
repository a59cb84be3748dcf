// SPDX-License-Identifier: BSD-3-Clause
/*
 * Conformance: domain allocation — per-device paging allocation, domain
 * initialisation, and the historic bus-wide allocation with two drivers
 * (spec §4.1, §4.2, rules 29-31; seed 002).
 */
#include "iommu_core_fixture.h"

#define DEV1 "0000:00:01.0"
#define DEV2 "0000:00:02.0"

TEST_F(iommu_core, rule_29_paging_alloc_enodev_eopnotsupp_enomem)
{
	struct mock_iommu_config nullalloc = {
		.flags = MOCK_IOMMU_F_ALLOC_NULL };
	struct mock_iommu_config nopaging = {
		.flags = MOCK_IOMMU_F_NO_PAGING_OP };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1, *iommu2;
	struct sio_device *bare, *d1, *d2;
	struct iommu_domain *dom;
	struct fx_snap s;

	/* No IOMMU behind the device. */
	test_add_dev(bare, fx, DEV1, NULL, NULL);
	fx_snap_take(fx, &s);
	dom = iommu_paging_domain_alloc(bare);
	EXPECT_EQ(ERR_PTR(-ENODEV), dom);
	dom = iommu_paging_domain_alloc_flags(bare, IOMMU_HWPT_ALLOC_PASID);
	EXPECT_EQ(ERR_PTR(-ENODEV), dom);
	ASSERT_STATE_UNCHANGED(fx, &s);

	if (!fx_is_mock(fx))
		return;
	/* A driver returning NULL: -ENOMEM. */
	iommu1 = fx_iommu_create(fx, "iommu1", &nullalloc);
	ASSERT_FALSE(IS_ERR(iommu1));
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 1, 1));
	test_add_dev(d1, fx, DEV2, "iommu1", NULL);
	fx_snap_take(fx, &s);
	EXPECT_EQ(ERR_PTR(-ENOMEM), iommu_paging_domain_alloc(d1));
	ASSERT_STATE_UNCHANGED(fx, &s);

	/* A driver error is returned as is. */
	test_add_dev(d2, fx, "0000:00:03.0", "iommu0", NULL);
	fx_snap_take(fx, &s);
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ALLOC_PAGING, 1,
				       NULL, -ENOSPC));
	EXPECT_EQ(ERR_PTR(-ENOSPC), iommu_paging_domain_alloc(d2));
	/* Flags the driver does not support: its -EOPNOTSUPP. */
	EXPECT_EQ(ERR_PTR(-EOPNOTSUPP),
		  iommu_paging_domain_alloc_flags(d2,
					IOMMU_HWPT_ALLOC_DIRTY_TRACKING));
	ASSERT_STATE_UNCHANGED(fx, &s);

	/*
	 * A driver with neither paging op cannot register at all (the
	 * driver contract's mandatory ops), so the core's -EOPNOTSUPP path is
	 * unreachable: registration says -EINVAL and leaves nothing behind.
	 */
	fx_snap_take(fx, &s);
	iommu2 = fx_iommu_create(fx, "iommu2", &nopaging);
	EXPECT_EQ(ERR_PTR(-EINVAL), iommu2);
	ASSERT_STATE_UNCHANGED(fx, &s);
}

TEST_F(iommu_core, rule_30_allocated_domain_unmanaged_owner_ops)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *p, *q;
	struct sio_device *d;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	test_alloc_paging(p, d);
	EXPECT_EQ(IOMMU_DOMAIN_UNMANAGED, p->type);
	EXPECT_EQ(IOMMU_DOMAIN_UNMANAGED, iommu_domain_type(p));
	EXPECT_EQ(fx->iommu->ops, p->owner);
	EXPECT_NE(0, p->pgsize_bitmap);
	/* The mock leaves domain->ops NULL: the core fills default_domain_ops. */
	EXPECT_EQ(fx->iommu->ops->default_domain_ops, p->ops);
	EXPECT_NOT_NULL(p->ops);

	q = iommu_paging_domain_alloc_flags(d, 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(q));
	EXPECT_EQ(IOMMU_DOMAIN_UNMANAGED, q->type);
	EXPECT_EQ(fx->iommu->ops, q->owner);
	EXPECT_NE(p, q);
	if (fx_is_mock(fx)) {
		EXPECT_TRUE(mock_domain_is(p));
		EXPECT_TRUE(mock_domain_is(q));
	}
	iommu_domain_free(p);
	iommu_domain_free(q);
}

TEST_F(iommu_core, rule_31_legacy_bus_alloc_two_drivers_warn_once)
{
	struct mock_iommu_config alt = { .flags = MOCK_IOMMU_F_ALT_DRIVER };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct iommu_domain *a, *b;
	struct sio_device *d1, *d2, *bare;

	FX_REQUIRE_MOCK(fx);
	/* No device on the bus has an IOMMU: NULL, no WARN. */
	test_add_dev(bare, fx, "0000:00:00.0", NULL, NULL);
	EXPECT_NULL(iommu_domain_alloc(fx->pci));
	EXPECT_EQ(0, NEW_WARNS());

	/* One driver: its domain, no WARN. */
	test_add_dev(d1, fx, DEV1, "iommu0", NULL);
	a = iommu_domain_alloc(fx->pci);
	ASSERT_FALSE(IS_ERR_OR_NULL(a));
	EXPECT_EQ(fx->iommu->ops, a->owner);
	EXPECT_EQ(IOMMU_DOMAIN_UNMANAGED, a->type);
	EXPECT_EQ(0, NEW_WARNS());
	iommu_domain_free(a);

	/* Two drivers: WARN once; the first device's driver allocates. */
	iommu1 = fx_iommu_create(fx, "mock2-0", &alt);
	ASSERT_FALSE(IS_ERR(iommu1));
	test_add_dev(d2, fx, DEV2, "mock2-0", NULL);
	a = iommu_domain_alloc(fx->pci);
	ASSERT_FALSE(IS_ERR_OR_NULL(a));
	EXPECT_EQ(fx->iommu->ops, a->owner);
	EXPECT_EQ(1, NEW_WARNS());
	EXPECT_EQ(1, sio_log_search("Multiple IOMMU drivers present", 0));
	b = iommu_domain_alloc(fx->pci);
	ASSERT_FALSE(IS_ERR_OR_NULL(b));
	EXPECT_EQ(fx->iommu->ops, b->owner);
	/* WARN_ONCE: logged once (the base still counts each firing). */
	EXPECT_EQ(1, sio_log_search("Multiple IOMMU drivers present", 0));
	/* The allocated domain works with the first driver's devices. */
	test_attach_dev(a, d1);
	iommu_detach_device(a, d1);
	test_err_attach_dev(EINVAL, b, d2);
	iommu_domain_free(a);
	iommu_domain_free(b);
	test_expect_warns(-1);
}

TEST_HARNESS_MAIN
