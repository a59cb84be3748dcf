// SPDX-License-Identifier: BSD-3-Clause
/*
 * Conformance: groups, probe, default domains, sysfs type, release
 * (spec §2, checkable rules 1-15), over every IOMMU driver kind.
 */
#include "iommu_core_fixture.h"

#define DEV1 "0000:00:01.0"
#define DEV2 "0000:00:02.0"
#define DEV3 "0000:00:03.0"

static struct mock_iommu_stats stats(struct iommu_device *iommu)
{
	struct mock_iommu_stats st;

	mock_iommu_get_stats(iommu, &st);
	return st;
}

TEST_F(iommu_core, rule_01_probe_already_probed_returns_0)
{
	struct fx *fx = &self->fx;
	struct mock_iommu_stats st0, st1;
	struct sio_device *d;
	struct fx_snap s;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	ASSERT_NOT_NULL(fx_group(d));
	fx_snap_take(fx, &s);
	st0 = stats(fx->iommu);
	ASSERT_EQ(0, iommu_probe_device(d));
	ASSERT_STATE_UNCHANGED(fx, &s);
	st1 = stats(fx->iommu);
	if (fx_is_mock(fx)) {
		EXPECT_EQ(st0.probed, st1.probed);
		EXPECT_EQ(st0.attach_calls, st1.attach_calls);
		EXPECT_EQ(st0.alloc_calls, st1.alloc_calls);
	}
}

TEST_F(iommu_core, rule_02_probe_no_matching_iommu_enodev_bus_scan_ok)
{
	struct fx *fx = &self->fx;
	struct sio_device *none, *nosuch, *noids, *good;
	struct iommu_device *iommu1;
	struct fx_snap s;

	test_add_dev(none, fx, DEV1, NULL, NULL);
	test_add_dev(nosuch, fx, DEV2, "nosuch", NULL);
	ASSERT_NULL(fx_group(none));
	ASSERT_NULL(fx_group(nosuch));
	fx_snap_take(fx, &s);
	test_err(ENODEV, iommu_probe_device(none));
	test_err(ENODEV, iommu_probe_device(nosuch));
	ASSERT_STATE_UNCHANGED(fx, &s);

	/* A bus scan ignores devices the new IOMMU does not handle. */
	noids = fx_dev_alloc(fx, DEV3, "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(noids));
	noids->fw.num_ids = 0;
	ASSERT_EQ(0, fx_dev_add(fx, noids));
	test_add_dev(good, fx, "0000:00:04.0", "iommu1", NULL);
	iommu1 = fx_iommu_create(fx, "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(iommu1));
	EXPECT_NULL(fx_group(noids));
	EXPECT_NULL(fx_group(nosuch));
	EXPECT_NOT_NULL(fx_group(good));
	EXPECT_NOT_NULL(fx_default_domain(good));
	test_err(ENODEV, iommu_probe_device(noids));
}

TEST_F(iommu_core, rule_03_device_group_null_einval_warn)
{
	struct mock_iommu_config cfg = { .flags = MOCK_IOMMU_F_NULL_GROUP };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d;
	struct fx_snap s;

	FX_REQUIRE_MOCK(fx);
	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));
	/* A failed IOMMU probe does not fail device_add (bus notifier). */
	test_add_dev(d, fx, DEV1, "iommu1", NULL);
	EXPECT_NULL(fx_group(d));
	EXPECT_EQ(1, NEW_WARNS());
	fx_snap_take(fx, &s);
	test_err(EINVAL, iommu_probe_device(d));
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(2, NEW_WARNS());
	/* The failed probe was unwound: the driver released the device. */
	EXPECT_EQ(0, stats(iommu1).probed);
	test_expect_warns(2);
}

TEST_F(iommu_core, rule_04_joining_device_gets_current_group_domain)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2, *d3;
	struct iommu_domain *blocking, *p;
	struct iommu_group *g;

	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	g = fx_group(d1);
	test_claim_group(g, OWNER_A);
	blocking = fx_group_domain(d1);
	ASSERT_NOT_NULL(blocking);
	ASSERT_EQ(blocking, fx_blocking_domain(d1));

	/* Joins a user-owned group: on the blocking domain, not the default. */
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	ASSERT_EQ(g, fx_group(d2));
	EXPECT_EQ(blocking, fx_group_domain(d2));
	EXPECT_EQ(1, fx_owner_cnt(d2));
	if (fx_is_mock(fx))
		EXPECT_EQ(blocking, fx_hw_domain(fx, d2));
	iommu_group_release_dma_owner(g);
	EXPECT_EQ(fx_default_domain(d1), fx_group_domain(d1));
	if (fx_is_mock(fx)) {
		EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d1));
		EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d2));
	}

	/* Joins a group on an external domain: on that domain. */
	test_alloc_paging(p, d1);
	test_attach_group(p, g);
	test_add_dev(d3, fx, DEV3, "iommu0", "slot0");
	ASSERT_EQ(g, fx_group(d3));
	EXPECT_EQ(p, fx_group_domain(d3));
	if (fx_is_mock(fx))
		EXPECT_EQ(p, fx_hw_domain(fx, d3));
	iommu_detach_group(p, g);
	EXPECT_EQ(fx_default_domain(d3), fx_group_domain(d3));
	if (fx_is_mock(fx))
		EXPECT_EQ(fx_default_domain(d3), fx_hw_domain(fx, d3));
	iommu_domain_free(p);
}

/* Bus scan observer: no group gets its default domain before the end. */
static struct fx *rule5_fx;
static int rule5_hook_calls, rule5_early_defaults;

static void rule5_probe_hook(struct sio_device *dev, void *data)
{
	unsigned int i;

	rule5_hook_calls++;
	for (i = 0; i < rule5_fx->ndevs; i++) {
		struct sio_device *o = rule5_fx->devs[i];

		if (o != dev && fx_group(o) && fx_default_domain(o))
			rule5_early_defaults++;
	}
}

TEST_F(iommu_core, rule_05_bus_scan_default_domain_after_all_devices)
{
	struct mock_iommu_config cfg = { .probe_hook = rule5_probe_hook };
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2, *d3;
	struct iommu_device *iommu1;

	FX_REQUIRE_MOCK(fx);
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	rule5_fx = fx;
	test_add_dev(d1, fx, DEV1, "iommu1", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu1", "slot0");
	test_add_dev(d3, fx, DEV3, "iommu1", NULL);
	ASSERT_NULL(fx_group(d1));

	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));
	EXPECT_EQ(3, rule5_hook_calls);
	EXPECT_EQ(0, rule5_early_defaults);
	ASSERT_EQ(fx_group(d1), fx_group(d2));
	ASSERT_NE(fx_group(d1), fx_group(d3));
	/* Once per group: two groups, two DMA domains. */
	EXPECT_EQ(2, stats(iommu1).alloc_calls);
	EXPECT_EQ(2, stats(iommu1).domains_live);
	ASSERT_NOT_NULL(fx_default_domain(d1));
	EXPECT_EQ(fx_default_domain(d1), fx_group_domain(d2));
	EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d1));
	EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d2));
	EXPECT_EQ(fx_default_domain(d3), fx_hw_domain(fx, d3));
}

TEST_F(iommu_core, rule_06_identity_wins_over_dma_in_one_group)
{
	static const char *const ident[] = { DEV2, NULL };
	static const char *const dma[] = { DEV1, NULL };
	struct mock_iommu_config cfg = { .wish_identity = ident,
					 .wish_dma = dma };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2;

	FX_REQUIRE_MOCK(fx);
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	test_add_dev(d1, fx, DEV1, "iommu1", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu1", "slot0");
	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));
	ASSERT_EQ(fx_group(d1), fx_group(d2));
	ASSERT_NOT_NULL(fx_default_domain(d1));
	EXPECT_EQ(IOMMU_DOMAIN_IDENTITY,
		  iommu_domain_type(fx_default_domain(d1)));
	EXPECT_EQ(fx_default_domain(d1), fx_hw_domain(fx, d2));
}

TEST_F(iommu_core, rule_07_untrusted_forces_dma_identity_wish_einval)
{
	struct mock_iommu_config cfg = {
		.def_domain_type = IOMMU_DOMAIN_IDENTITY };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2;
	struct fx_snap s;

	/* Global passthrough, lazy: the untrusted device still gets DMA. */
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 1, 0));
	d1 = fx_dev_alloc(fx, DEV1, "iommu0", NULL);
	ASSERT_FALSE(IS_ERR(d1));
	d1->untrusted = true;
	ASSERT_EQ(0, fx_dev_add(fx, d1));
	ASSERT_NOT_NULL(fx_default_domain(d1));
	EXPECT_EQ(IOMMU_DOMAIN_DMA, iommu_domain_type(fx_default_domain(d1)));

	if (!fx_is_mock(fx))
		return;
	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));
	d2 = fx_dev_alloc(fx, DEV2, "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(d2));
	d2->untrusted = true;
	ASSERT_EQ(0, fx_dev_add(fx, d2));
	EXPECT_NULL(fx_group(d2));
	fx_snap_take(fx, &s);
	test_err(EINVAL, iommu_probe_device(d2));
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(0, stats(iommu1).probed);
}

TEST_F(iommu_core, rule_08_default_domain_fallback_to_dma)
{
	struct mock_iommu_config noid = { .flags = MOCK_IOMMU_F_NO_IDENTITY };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2, *d3;
	struct mock_iommu_stats st0;
	struct fx_snap s;

	FX_REQUIRE_MOCK(fx);
	/* Global IDENTITY, driver without identity domain → DMA. */
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 1, 1));
	iommu1 = fx_iommu_create(fx, "iommu1", &noid);
	ASSERT_FALSE(IS_ERR(iommu1));
	test_add_dev(d1, fx, DEV1, "iommu1", NULL);
	ASSERT_NOT_NULL(fx_default_domain(d1));
	EXPECT_EQ(IOMMU_DOMAIN_DMA, iommu_domain_type(fx_default_domain(d1)));

	/* Global DMA-FQ whose allocation fails → DMA. */
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 0));
	st0 = stats(fx->iommu);
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ALLOC_PAGING, 1,
				       DEV2, -ENOMEM));
	test_add_dev(d2, fx, DEV2, "iommu0", NULL);
	ASSERT_NOT_NULL(fx_default_domain(d2));
	EXPECT_EQ(IOMMU_DOMAIN_DMA, iommu_domain_type(fx_default_domain(d2)));
	EXPECT_EQ(st0.alloc_calls + 2, stats(fx->iommu).alloc_calls);

	/* Global DMA whose allocation fails → -EINVAL, no group. */
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ALLOC_PAGING, 1,
				       DEV3, -ENOMEM));
	test_add_dev(d3, fx, DEV3, "iommu0", NULL);
	EXPECT_NULL(fx_group(d3));
	fx_snap_take(fx, &s);
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ALLOC_PAGING, 1,
				       DEV3, -ENOMEM));
	test_err(EINVAL, iommu_probe_device(d3));
	ASSERT_STATE_UNCHANGED(fx, &s);
}

TEST_F(iommu_core, rule_09_legacy_default_domain_type_mismatch_einval)
{
	struct mock_iommu_config cfg = { .flags = MOCK_IOMMU_F_LEGACY_DEFAULT };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2;
	struct fx_snap s;

	FX_REQUIRE_MOCK(fx);
	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));
	test_add_dev(d1, fx, DEV1, "iommu1", NULL);
	/* The legacy static default domain is used as is. */
	ASSERT_EQ(iommu1->ops->default_domain, fx_default_domain(d1));
	EXPECT_EQ(IOMMU_DOMAIN_BLOCKED, iommu_domain_type(fx_default_domain(d1)));

	fx_snap_take(fx, &s);
	EXPECT_EQ(-EINVAL, fx_group_type_write(fx, d1, "identity"));
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(-EINVAL, fx_group_type_write(fx, d1, "DMA"));
	ASSERT_STATE_UNCHANGED(fx, &s);

	/* An untrusted device asks for DMA: refused at probe. */
	d2 = fx_dev_alloc(fx, DEV2, "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(d2));
	d2->untrusted = true;
	ASSERT_EQ(0, fx_dev_add(fx, d2));
	EXPECT_NULL(fx_group(d2));
	fx_snap_take(fx, &s);
	test_err(EINVAL, iommu_probe_device(d2));
	ASSERT_STATE_UNCHANGED(fx, &s);
}

TEST_F(iommu_core, rule_10_default_domain_alloc_pasid_flag_retry)
{
	struct mock_iommu_config pasid = { .max_pasids = 64 };
	struct mock_iommu_config nopasid = {
		.max_pasids = 64, .flags = MOCK_IOMMU_F_NO_ALLOC_PASID };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1, *iommu2;
	struct sio_device *d1, *d2, *d3, *d4;
	struct mock_iommu_stats st;

	FX_REQUIRE_MOCK(fx);
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	iommu1 = fx_iommu_create(fx, "iommu1", &pasid);
	ASSERT_FALSE(IS_ERR(iommu1));
	iommu2 = fx_iommu_create(fx, "iommu2", &nopasid);
	ASSERT_FALSE(IS_ERR(iommu2));

	d1 = fx_dev_alloc(fx, DEV1, "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(d1));
	d1->fw.pasid_bits = 4;
	ASSERT_EQ(0, fx_dev_add(fx, d1));
	st = stats(iommu1);
	EXPECT_EQ(1, st.alloc_calls);
	EXPECT_EQ(IOMMU_HWPT_ALLOC_PASID, st.last_alloc_flags);
	EXPECT_NOT_NULL(fx_default_domain(d1));

	/* Without PASID capability: no flag. */
	test_add_dev(d2, fx, DEV2, "iommu1", NULL);
	st = stats(iommu1);
	EXPECT_EQ(2, st.alloc_calls);
	EXPECT_EQ(0, st.last_alloc_flags);

	/* -EOPNOTSUPP with the flag: retried without it. */
	d3 = fx_dev_alloc(fx, DEV3, "iommu2", NULL);
	ASSERT_FALSE(IS_ERR(d3));
	d3->fw.pasid_bits = 4;
	ASSERT_EQ(0, fx_dev_add(fx, d3));
	st = stats(iommu2);
	EXPECT_EQ(2, st.alloc_calls);
	EXPECT_EQ(0, st.last_alloc_flags);
	EXPECT_NOT_NULL(fx_default_domain(d3));

	/* Any other error: no retry. */
	ASSERT_EQ(0, mock_iommu_inject(iommu1, MOCK_FAIL_ALLOC_PAGING, 1, NULL,
				       -ENOSPC));
	d4 = fx_dev_alloc(fx, "0000:00:04.0", "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(d4));
	d4->fw.pasid_bits = 4;
	ASSERT_EQ(0, fx_dev_add(fx, d4));
	st = stats(iommu1);
	EXPECT_EQ(3, st.alloc_calls);
	EXPECT_EQ(IOMMU_HWPT_ALLOC_PASID, st.last_alloc_flags);
	EXPECT_NULL(fx_group(d4));
}

TEST_F(iommu_core, rule_11_direct_regions_only_in_dma_domains)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2;
	struct iommu_domain *def1, *def2, *p;
	struct fx_snap s;

	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	d1 = fx_dev_alloc(fx, DEV1, "iommu0", NULL);
	ASSERT_FALSE(IS_ERR(d1));
	d1->fw.resv[0] = (struct sio_fw_resv){ 0x100000, 0x3000,
		IOMMU_READ | IOMMU_WRITE, IOMMU_RESV_DIRECT };
	d1->fw.resv[1] = (struct sio_fw_resv){ 0x200000, 0x1000,
		IOMMU_READ | IOMMU_WRITE, IOMMU_RESV_RESERVED };
	d1->fw.num_resv = 2;
	ASSERT_EQ(0, fx_dev_add(fx, d1));
	d2 = fx_dev_alloc(fx, DEV2, "iommu0", NULL);
	ASSERT_FALSE(IS_ERR(d2));
	d2->fw.resv[0] = (struct sio_fw_resv){ 0x300000, 0x2000,
		IOMMU_READ | IOMMU_WRITE, IOMMU_RESV_DIRECT_RELAXABLE };
	d2->fw.num_resv = 1;
	ASSERT_EQ(0, fx_dev_add(fx, d2));

	def1 = fx_default_domain(d1);
	def2 = fx_default_domain(d2);
	ASSERT_NOT_NULL(def1);
	ASSERT_NOT_NULL(def2);
	ASSERT_TRUE(iommu_domain_type(def1) & __IOMMU_DOMAIN_DMA_API);
	EXPECT_EQ(0x100000, iommu_iova_to_phys(def1, 0x100000));
	EXPECT_EQ(0x102abc, iommu_iova_to_phys(def1, 0x102abc));
	EXPECT_EQ(0, iommu_iova_to_phys(def1, 0x103000));
	EXPECT_EQ(0, iommu_iova_to_phys(def1, 0x200000));
	EXPECT_EQ(0x301000, iommu_iova_to_phys(def2, 0x301000));

	/* DIRECT sets require_direct (no blocking domain); RELAXABLE does not. */
	fx_snap_take(fx, &s);
	test_err_claim_group(EINVAL, fx_group(d1), OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	test_claim_group(fx_group(d2), OWNER_A);

	/* Not mapped into a non-DMA-API (UNMANAGED) domain. */
	test_alloc_paging(p, d2);
	test_attach_dev(p, d2);
	EXPECT_EQ(0, iommu_iova_to_phys(p, 0x300000));
	iommu_detach_device(p, d2);
	iommu_domain_free(p);
	iommu_group_release_dma_owner(fx_group(d2));
}

TEST_F(iommu_core, rule_12_sysfs_type_eacces_and_einval)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	struct fx_snap s;
	char buf[64];

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	ASSERT_LT(0, fx_group_type_read(fx, d, buf, sizeof(buf)));
	fx_snap_take(fx, &s);
	ASSERT_EQ(0, sio_iommu_set_caps(fx->m, false));
	EXPECT_EQ(-EACCES, fx_group_type_write(fx, d, "identity"));
	EXPECT_EQ(-EACCES, fx_group_type_write(fx, d, "DMA"));
	ASSERT_STATE_UNCHANGED(fx, &s);
	ASSERT_EQ(0, sio_iommu_set_caps(fx->m, true));
	EXPECT_EQ(-EINVAL, fx_group_type_write(fx, d, "bogus"));
	EXPECT_EQ(-EINVAL, fx_group_type_write(fx, d, "blocked"));
	ASSERT_STATE_UNCHANGED(fx, &s);
}

TEST_F(iommu_core, rule_13_sysfs_dma_to_fq_with_driver_else_eperm)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *def;
	struct sio_device *d;
	struct fx_snap s;
	char buf[64];

	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	def = fx_default_domain(d);
	ASSERT_EQ(IOMMU_DOMAIN_DMA, iommu_domain_type(def));
	test_bind_dma(fx, d);
	ASSERT_EQ(1, fx_owner_cnt(d));

	/* DMA → DMA-FQ in place, with the driver bound. */
	EXPECT_EQ((ssize_t)strlen("DMA-FQ"), fx_group_type_write(fx, d, "DMA-FQ"));
	EXPECT_EQ(def, fx_default_domain(d));
	EXPECT_EQ(IOMMU_DOMAIN_DMA_FQ, iommu_domain_type(def));
	ASSERT_LT(0, fx_group_type_read(fx, d, buf, sizeof(buf)));
	EXPECT_STREQ("DMA-FQ", buf);

	/* Anything else with owner_cnt > 0: -EPERM. */
	fx_snap_take(fx, &s);
	EXPECT_EQ(-EPERM, fx_group_type_write(fx, d, "identity"));
	EXPECT_EQ(-EPERM, fx_group_type_write(fx, d, "DMA"));
	EXPECT_EQ(-EPERM, fx_group_type_write(fx, d, "auto"));
	ASSERT_STATE_UNCHANGED(fx, &s);

	fx_unbind(d);
	ASSERT_EQ(0, fx_owner_cnt(d));
	EXPECT_EQ((ssize_t)strlen("identity"),
		  fx_group_type_write(fx, d, "identity"));
	EXPECT_EQ(IOMMU_DOMAIN_IDENTITY,
		  iommu_domain_type(fx_default_domain(d)));
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));

	/* User-owned: -EPERM too. */
	test_claim_dev(d, OWNER_A);
	fx_snap_take(fx, &s);
	EXPECT_EQ(-EPERM, fx_group_type_write(fx, d, "DMA"));
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_device_release_dma_owner(d);
}

TEST_F(iommu_core, rule_14_last_device_leaves_frees_domains)
{
	struct mock_iommu_config cfg = { .flags = MOCK_IOMMU_F_NO_BLOCKED };
	struct sio_iommu_group_info gi;
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct iommu_group *g;
	struct sio_device *d1, *d2, *d3;
	struct iommu_domain *p;

	FX_REQUIRE_MOCK(fx);
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));

	/* Clean: claimed and released, so a paging blocking domain exists. */
	test_add_dev(d1, fx, DEV1, "iommu1", NULL);
	g = iommu_group_get(d1);
	ASSERT_NOT_NULL(g);
	test_claim_group(g, OWNER_A);
	iommu_group_release_dma_owner(g);
	ASSERT_EQ(0, sio_iommu_group_get_info(g, &gi));
	ASSERT_NOT_NULL(gi.blocking_domain);
	ASSERT_EQ(2, stats(iommu1).domains_live);
	fx_del_dev(fx, d1);
	ASSERT_EQ(0, sio_iommu_group_get_info(g, &gi));
	EXPECT_NULL(gi.domain);
	EXPECT_NULL(gi.default_domain);
	EXPECT_NULL(gi.blocking_domain);
	EXPECT_EQ(0, gi.num_devices);
	EXPECT_EQ(0, stats(iommu1).domains_live);
	iommu_group_put(g);
	EXPECT_EQ(0, NEW_WARNS());

	/* Still claimed when it leaves: WARN, domains freed anyway. */
	test_add_dev(d2, fx, DEV2, "iommu1", NULL);
	test_claim_dev(d2, OWNER_A);
	fx_del_dev(fx, d2);
	EXPECT_EQ(1, NEW_WARNS());
	EXPECT_EQ(0, stats(iommu1).domains_live);

	/* On an external domain when it leaves: WARN. */
	test_add_dev(d3, fx, DEV3, "iommu1", NULL);
	test_alloc_paging(p, d3);
	test_attach_dev(p, d3);
	fx_del_dev(fx, d3);
	EXPECT_EQ(2, NEW_WARNS());
	EXPECT_EQ(1, stats(iommu1).domains_live);
	iommu_domain_free(p);
	EXPECT_EQ(0, stats(iommu1).domains_live);
	EXPECT_EQ(0, stats(iommu1).checker_warns);
	test_expect_warns(2);
}

TEST_F(iommu_core, rule_15_group_get_without_group_null_put_null_noop)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	struct fx_snap s;

	test_add_dev(d, fx, DEV1, NULL, NULL);
	fx_snap_take(fx, &s);
	EXPECT_NULL(iommu_group_get(d));
	iommu_group_put(NULL);
	EXPECT_FALSE(device_iommu_mapped(d));
	ASSERT_STATE_UNCHANGED(fx, &s);
}

TEST_HARNESS_MAIN
