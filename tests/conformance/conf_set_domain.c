// SPDX-License-Identifier: BSD-3-Clause
/*
 * Conformance: setting a group's domain, rollback, MUST_SUCCEED,
 * require_direct, deferred attach, PCI reset (spec §2.5, §4.3, rules 16-22).
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

TEST_F(iommu_core, rule_16_set_current_domain_again_no_driver_call)
{
	struct mock_iommu_config legacy = {
		.flags = MOCK_IOMMU_F_LEGACY_DEFAULT };
	struct iommu_attach_handle h1 = { 0 }, h2 = { 0 };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2;
	struct iommu_domain *p;
	struct iommu_group *g;
	unsigned long c0;

	FX_REQUIRE_MOCK(fx);
	test_add_dev(d1, fx, DEV1, "iommu0", NULL);
	g = fx_group(d1);

	/* Core domain when already on the default domain. */
	c0 = attach_calls(fx->iommu);
	iommu_detach_group(fx_default_domain(d1), g);
	EXPECT_EQ(c0, attach_calls(fx->iommu));
	EXPECT_EQ(fx_default_domain(d1), fx_group_domain(d1));

	/* Replace with the domain already attached. */
	test_alloc_paging(p, d1);
	test_ok(iommu_attach_group_handle(p, g, &h1));
	EXPECT_EQ(c0 + 1, attach_calls(fx->iommu));
	test_ok(iommu_replace_group_handle(g, p, &h2));
	EXPECT_EQ(c0 + 1, attach_calls(fx->iommu));
	EXPECT_EQ(p, fx_group_domain(d1));
	EXPECT_EQ(&h2, iommu_attach_handle_get(g, IOMMU_NO_PASID, 0));
	iommu_detach_group_handle(p, g);
	EXPECT_EQ(fx_default_domain(d1), fx_group_domain(d1));
	iommu_domain_free(p);

	/* Legacy default == blocked domain: claiming changes nothing. */
	iommu1 = fx_iommu_create(fx, "iommu1", &legacy);
	ASSERT_FALSE(IS_ERR(iommu1));
	test_add_dev(d2, fx, DEV2, "iommu1", NULL);
	c0 = attach_calls(iommu1);
	test_claim_dev(d2, OWNER_A);
	EXPECT_EQ(c0, attach_calls(iommu1));
	EXPECT_EQ(fx_default_domain(d2), fx_group_domain(d2));
	iommu_device_release_dma_owner(d2);
	EXPECT_EQ(c0, attach_calls(iommu1));
}

TEST_F(iommu_core, rule_17_attach_failure_rolls_back_earlier_devices)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2, *d3;
	struct iommu_domain *p, *def;
	struct iommu_group *g;
	struct fx_snap s;
	unsigned long c0;

	FX_REQUIRE_MOCK(fx);
	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	test_add_dev(d3, fx, DEV3, "iommu0", "slot0");
	g = fx_group(d1);
	ASSERT_EQ(g, fx_group(d3));
	def = fx_default_domain(d1);
	test_alloc_paging(p, d1);

	fx_snap_take(fx, &s);
	c0 = attach_calls(fx->iommu);
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ATTACH, 1, DEV3,
				       -ENOSPC));
	test_err_attach_group(ENOSPC, p, g);
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(def, fx_group_domain(d1));
	EXPECT_EQ(def, fx_hw_domain(fx, d1));
	EXPECT_EQ(def, fx_hw_domain(fx, d2));
	EXPECT_EQ(def, fx_hw_domain(fx, d3));
	/* d1, d2 to p; d3 fails; d1, d2 back; d3 not touched again. */
	EXPECT_EQ(c0 + 5, attach_calls(fx->iommu));

	/* Nothing was left half-done: the same attach now succeeds. */
	test_attach_group(p, g);
	EXPECT_EQ(p, fx_hw_domain(fx, d3));
	iommu_detach_group(p, g);
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_18_must_succeed_attempts_all_sets_domain)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2, *d3;
	struct iommu_domain *p, *def, *blocking;
	struct sio_iommu_group_info gi;
	struct iommu_group *g;

	FX_REQUIRE_MOCK(fx);
	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	test_add_dev(d3, fx, DEV3, "iommu0", "slot0");
	g = fx_group(d1);
	def = fx_default_domain(d1);
	test_claim_group(g, OWNER_A);
	blocking = fx_blocking_domain(d1);
	ASSERT_NOT_NULL(blocking);
	test_alloc_paging(p, d1);
	test_attach_group(p, g);

	/* Release goes back to the default domain with MUST_SUCCEED. */
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ATTACH, 1, DEV2,
				       -ENODEV));
	iommu_group_release_dma_owner(g);
	EXPECT_EQ(1, NEW_WARNS());
	ASSERT_EQ(0, fx_group_info(d1, &gi));
	EXPECT_EQ(def, gi.domain);
	EXPECT_NULL(gi.owner);
	EXPECT_EQ(0, gi.owner_cnt);
	EXPECT_EQ(def, fx_hw_domain(fx, d1));
	EXPECT_EQ(blocking, fx_hw_domain(fx, d2));	/* failed: blocked */
	EXPECT_EQ(def, fx_hw_domain(fx, d3));		/* still attempted */

	/* Repair d2 so the teardown sees a consistent group. */
	test_claim_group(g, OWNER_A);
	iommu_group_release_dma_owner(g);
	EXPECT_EQ(def, fx_hw_domain(fx, d2));
	iommu_domain_free(p);
	test_expect_warns(1);
}

TEST_F(iommu_core, rule_19_blocked_to_require_direct_device_einval)
{
	struct mock_iommu_config noblk = { .flags = MOCK_IOMMU_F_NO_BLOCKED };
	struct fx *fx = &self->fx;
	struct sio_iommu_group_info gi;
	struct iommu_device *iommu1;
	struct iommu_domain *blocked, *def;
	struct sio_device *d1, *d2;
	struct fx_snap s;

	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	d1 = fx_dev_alloc(fx, DEV1, "iommu0", NULL);
	ASSERT_FALSE(IS_ERR(d1));
	d1->fw.resv[0] = (struct sio_fw_resv){ 0x100000, 0x1000,
		IOMMU_READ | IOMMU_WRITE, IOMMU_RESV_DIRECT };
	d1->fw.num_resv = 1;
	ASSERT_EQ(0, fx_dev_add(fx, d1));

	/* Static BLOCKED-type domain. */
	blocked = fx->iommu->ops->blocked_domain;
	if (blocked) {
		fx_snap_take(fx, &s);
		test_err_attach_dev(EINVAL, blocked, d1);
		ASSERT_STATE_UNCHANGED(fx, &s);
	}
	/* The group's blocking domain (claim). */
	test_err_claim_group(EINVAL, fx_group(d1), OWNER_A);
	test_err_claim_dev(EINVAL, d1, OWNER_A);
	ASSERT_EQ(0, fx_group_info(d1, &gi));
	EXPECT_EQ(0, gi.owner_cnt);
	EXPECT_NULL(gi.owner);
	EXPECT_EQ(gi.default_domain, gi.domain);

	if (!fx_is_mock(fx))
		return;
	/* A driver without a static blocked domain: a paging blocking one. */
	iommu1 = fx_iommu_create(fx, "iommu1", &noblk);
	ASSERT_FALSE(IS_ERR(iommu1));
	d2 = fx_dev_alloc(fx, DEV2, "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(d2));
	d2->fw.resv[0] = d1->fw.resv[0];
	d2->fw.num_resv = 1;
	ASSERT_EQ(0, fx_dev_add(fx, d2));
	def = fx_default_domain(d2);
	test_err_claim_dev(EINVAL, d2, OWNER_A);
	ASSERT_EQ(0, fx_group_info(d2, &gi));
	EXPECT_EQ(0, gi.owner_cnt);
	EXPECT_NULL(gi.owner);
	EXPECT_EQ(def, gi.domain);
	EXPECT_EQ(def, fx_hw_domain(fx, d2));
}

TEST_F(iommu_core, rule_20_deferred_attach_skips_default_only)
{
	struct mock_iommu_config cfg = {
		.flags = MOCK_IOMMU_F_DEFERRED_ATTACH };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2;
	struct iommu_domain *p;

	FX_REQUIRE_MOCK(fx);
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));
	test_add_dev(d1, fx, DEV1, "iommu1", NULL);
	test_add_dev(d2, fx, DEV2, "iommu1", NULL);
	ASSERT_NOT_NULL(fx_default_domain(d1));
	EXPECT_EQ(fx_default_domain(d1), fx_group_domain(d1));
	/* The default domain is not attached yet. */
	EXPECT_EQ(0, attach_calls(iommu1));
	EXPECT_NULL(fx_hw_domain(fx, d1));

	/* Lazily, at the first DMA map. */
	test_ok(iommu_deferred_attach(d1, fx_default_domain(d1)));
	EXPECT_EQ(1, attach_calls(iommu1));
	EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d1));

	/* Any other domain attaches at once and clears the flag. */
	test_alloc_paging(p, d2);
	test_attach_dev(p, d2);
	EXPECT_EQ(2, attach_calls(iommu1));
	EXPECT_EQ(p, fx_hw_domain(fx, d2));
	iommu_detach_device(p, d2);
	EXPECT_EQ(3, attach_calls(iommu1));
	EXPECT_EQ(fx_default_domain(d2), fx_hw_domain(fx, d2));
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_21_pci_reset_in_progress_ebusy)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1;
	struct iommu_domain *p;
	struct iommu_group *g;
	struct fx_snap s;

	test_add_dev(d1, fx, DEV1, "iommu0", NULL);
	g = fx_group(d1);
	test_alloc_paging(p, d1);
	test_ok(pci_dev_reset_iommu_prepare(d1));
	if (fx_is_mock(fx))
		EXPECT_EQ(fx_blocking_domain(d1), fx_hw_domain(fx, d1));
	fx_snap_take(fx, &s);
	test_err_attach_group(EBUSY, p, g);
	test_err_claim_group(EBUSY, g, OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	pci_dev_reset_iommu_done(d1);
	if (fx_is_mock(fx))
		EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d1));
	test_attach_group(p, g);
	iommu_detach_group(p, g);
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_22_pci_reset_prepare_twice_ebusy_warn)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1;

	test_add_dev(d1, fx, DEV1, "iommu0", NULL);
	test_ok(pci_dev_reset_iommu_prepare(d1));
	test_err(EBUSY, pci_dev_reset_iommu_prepare(d1));
	EXPECT_EQ(1, NEW_WARNS());
	pci_dev_reset_iommu_done(d1);
	test_expect_warns(1);
}

TEST_HARNESS_MAIN
