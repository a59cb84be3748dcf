// SPDX-License-Identifier: BSD-3-Clause
/*
 * Conformance: the attach API — device/group attach and detach, foreign
 * domains, group handles (spec §4.3, rules 23-28).
 */
#include "iommu_core_fixture.h"

#define DEV1 "0000:00:01.0"
#define DEV2 "0000:00:02.0"
#define DEV3 "0000:00:03.0"

static unsigned long attach_calls(struct iommu_device *iommu)
{
	struct mock_iommu_stats st;

	mock_iommu_get_stats(iommu, &st);
	return st.attach_calls;
}

TEST_F(iommu_core, rule_23_attach_device_no_group_enodev_shared_einval)
{
	struct fx *fx = &self->fx;
	struct sio_device *lone, *d1, *d2, *bare;
	struct iommu_domain *p;
	struct fx_snap s;

	test_add_dev(lone, fx, DEV3, "iommu0", NULL);
	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	test_add_dev(bare, fx, "0000:00:04.0", NULL, NULL);
	ASSERT_EQ(fx_group(d1), fx_group(d2));
	test_alloc_paging(p, lone);

	fx_snap_take(fx, &s);
	test_err_attach_dev(ENODEV, p, bare);
	ASSERT_STATE_UNCHANGED(fx, &s);
	test_err_attach_dev(EINVAL, p, d1);
	test_err_attach_dev(EINVAL, p, d2);
	ASSERT_STATE_UNCHANGED(fx, &s);

	/* A singleton group is fine. */
	test_attach_dev(p, lone);
	EXPECT_EQ(p, fx_group_domain(lone));
	iommu_detach_device(p, lone);
	EXPECT_EQ(fx_default_domain(lone), fx_group_domain(lone));
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_24_attach_over_external_domain_ebusy)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *p1, *p2;
	struct sio_device *d;
	struct iommu_group *g;
	struct fx_snap s;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	g = fx_group(d);
	test_alloc_paging(p1, d);
	test_alloc_paging(p2, d);
	test_attach_group(p1, g);

	fx_snap_take(fx, &s);
	test_err_attach_group(EBUSY, p2, g);
	test_err_attach_dev(EBUSY, p2, d);
	/* Even the same domain again: use replace instead. */
	test_err_attach_group(EBUSY, p1, g);
	ASSERT_STATE_UNCHANGED(fx, &s);

	/* From the blocking domain (owned) an attach is allowed. */
	iommu_detach_group(p1, g);
	test_claim_group(g, OWNER_A);
	test_attach_group(p2, g);
	EXPECT_EQ(p2, fx_group_domain(d));
	iommu_detach_group(p2, g);
	iommu_group_release_dma_owner(g);
	iommu_domain_free(p1);
	iommu_domain_free(p2);
}

TEST_F(iommu_core, rule_25_attach_other_drivers_domain_einval)
{
	struct mock_iommu_config alt = { .flags = MOCK_IOMMU_F_ALT_DRIVER };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct iommu_domain *p2, *blocked, *ident;
	struct sio_device *d1, *d2;
	struct fx_snap s;

	FX_REQUIRE_MOCK(fx);
	iommu1 = fx_iommu_create(fx, "mock2-0", &alt);
	ASSERT_FALSE(IS_ERR(iommu1));
	ASSERT_NE(fx->iommu->ops, iommu1->ops);
	test_add_dev(d1, fx, DEV1, "iommu0", NULL);
	test_add_dev(d2, fx, DEV2, "mock2-0", NULL);
	test_alloc_paging(p2, d2);
	EXPECT_EQ(iommu1->ops, p2->owner);

	fx_snap_take(fx, &s);
	test_err_attach_dev(EINVAL, p2, d1);
	test_err_attach_group(EINVAL, p2, fx_group(d1));
	/* Static domains of the other driver are foreign too. */
	test_err_attach_dev(EINVAL, iommu1->ops->blocked_domain, d1);
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(0, NEW_WARNS());	/* the mock's checker saw nothing */

	/* The driver's own static blocked and identity domains are fine. */
	blocked = fx->iommu->ops->blocked_domain;
	ident = fx->iommu->ops->identity_domain;
	ASSERT_NOT_NULL(blocked);
	ASSERT_NOT_NULL(ident);
	test_attach_dev(blocked, d1);
	EXPECT_EQ(blocked, fx_hw_domain(fx, d1));
	iommu_detach_device(blocked, d1);
	test_attach_dev(ident, d1);
	EXPECT_EQ(ident, fx_hw_domain(fx, d1));
	iommu_detach_device(ident, d1);
	EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d1));
	iommu_domain_free(p2);
}

TEST_F(iommu_core, rule_26_detach_returns_to_blocking_or_default)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *p;
	struct sio_device *d;
	struct iommu_group *g;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	g = fx_group(d);
	test_alloc_paging(p, d);

	/* Not owned: back to the default domain. */
	test_attach_dev(p, d);
	iommu_detach_device(p, d);
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));
	test_attach_group(p, g);
	iommu_detach_group(p, g);
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));
	if (fx_is_mock(fx))
		EXPECT_EQ(fx_default_domain(d), fx_hw_domain(fx, d));

	/* Owned: back to the blocking domain. */
	test_claim_dev(d, OWNER_A);
	test_attach_group(p, g);
	iommu_detach_group(p, g);
	EXPECT_NOT_NULL(fx_blocking_domain(d));
	EXPECT_EQ(fx_blocking_domain(d), fx_group_domain(d));
	test_attach_dev(p, d);
	iommu_detach_device(p, d);
	EXPECT_EQ(fx_blocking_domain(d), fx_group_domain(d));
	if (fx_is_mock(fx))
		EXPECT_EQ(fx_blocking_domain(d), fx_hw_domain(fx, d));
	EXPECT_EQ(1, fx_owner_cnt(d));
	iommu_device_release_dma_owner(d);
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_27_attach_group_handle_null_einval_twice_ebusy)
{
	struct iommu_attach_handle h1 = { 0 }, h2 = { 0 };
	struct fx *fx = &self->fx;
	struct iommu_domain *p, *q;
	struct sio_device *d;
	struct iommu_group *g;
	struct fx_snap s;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	g = fx_group(d);
	test_alloc_paging(p, d);
	test_alloc_paging(q, d);

	fx_snap_take(fx, &s);
	test_err(EINVAL, iommu_attach_group_handle(p, g, NULL));
	ASSERT_STATE_UNCHANGED(fx, &s);

	test_ok(iommu_attach_group_handle(p, g, &h1));
	EXPECT_EQ(p, h1.domain);
	EXPECT_EQ(p, fx_group_domain(d));
	EXPECT_EQ(&h1, iommu_attach_handle_get(g, IOMMU_NO_PASID, 0));
	fx_snap_take(fx, &s);
	test_err(EBUSY, iommu_attach_group_handle(q, g, &h2));
	test_err(EBUSY, iommu_attach_group_handle(p, g, &h2));
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(&h1, iommu_attach_handle_get(g, IOMMU_NO_PASID, 0));

	iommu_detach_group_handle(p, g);
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));
	EXPECT_TRUE(IS_ERR(iommu_attach_handle_get(g, IOMMU_NO_PASID, 0)));
	iommu_domain_free(p);
	iommu_domain_free(q);
}

TEST_F(iommu_core, rule_28_replace_group_handle_direct_switch)
{
	struct iommu_attach_handle h1 = { 0 }, h2 = { 0 };
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2;
	struct iommu_domain *p, *q;
	struct iommu_group *g;
	struct fx_snap s;
	unsigned long c0 = 0;

	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	g = fx_group(d1);
	test_claim_group(g, OWNER_A);
	test_alloc_paging(p, d1);
	test_alloc_paging(q, d1);

	fx_snap_take(fx, &s);
	test_err(EINVAL, iommu_replace_group_handle(g, NULL, &h2));
	test_err(EINVAL, iommu_replace_group_handle(g, q, NULL));
	ASSERT_STATE_UNCHANGED(fx, &s);

	test_ok(iommu_attach_group_handle(p, g, &h1));
	if (fx_is_mock(fx))
		c0 = attach_calls(fx->iommu);
	test_ok(iommu_replace_group_handle(g, q, &h2));
	EXPECT_EQ(q, fx_group_domain(d1));
	EXPECT_EQ(q, h2.domain);
	EXPECT_EQ(&h2, iommu_attach_handle_get(g, IOMMU_NO_PASID, 0));
	if (fx_is_mock(fx)) {
		/* One attach per device, straight to q: no blocking detour. */
		EXPECT_EQ(c0 + 2, attach_calls(fx->iommu));
		EXPECT_EQ(q, fx_hw_domain(fx, d1));
		EXPECT_EQ(q, fx_hw_domain(fx, d2));
	}
	iommu_detach_group_handle(q, g);
	EXPECT_EQ(fx_blocking_domain(d1), fx_group_domain(d1));
	iommu_group_release_dma_owner(g);
	iommu_domain_free(p);
	iommu_domain_free(q);
}

TEST_HARNESS_MAIN
