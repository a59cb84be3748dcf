// SPDX-License-Identifier: BSD-3-Clause
/*
 * Conformance: DMA ownership — DMA-API use counts, user claims, release,
 * and the bus dma_configure ordering (spec §3, rules 32-46; seed 000).
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

/* Two devices in one group behind a PASID-capable instance "iommu1". */
static struct iommu_device *pasid_pair(struct __test_metadata *_metadata,
				       struct fx *fx, struct sio_device **d1,
				       struct sio_device **d2)
{
	struct mock_iommu_config cfg = { .max_pasids = 64 };
	struct iommu_device *iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	struct sio_device *d;

	ASSERT_FALSE(IS_ERR(iommu1));
	d = fx_dev_alloc(fx, DEV1, "iommu1", "slot1");
	ASSERT_FALSE(IS_ERR(d));
	d->fw.pasid_bits = 4;
	ASSERT_EQ(0, fx_dev_add(fx, d));
	*d1 = d;
	d = fx_dev_alloc(fx, DEV2, "iommu1", "slot1");
	ASSERT_FALSE(IS_ERR(d));
	d->fw.pasid_bits = 4;
	ASSERT_EQ(0, fx_dev_add(fx, d));
	*d2 = d;
	ASSERT_EQ(fx_group(*d1), fx_group(*d2));
	return iommu1;
}

TEST_F(iommu_core, rule_32_use_default_domain_no_group_counts_nothing)
{
	struct fx *fx = &self->fx;
	struct sio_device *bare, *d;
	struct fx_snap s;

	test_add_dev(bare, fx, DEV1, NULL, NULL);
	test_add_dev(d, fx, DEV2, "iommu0", NULL);
	fx_snap_take(fx, &s);
	test_use_default(bare);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_device_unuse_default_domain(bare);
	ASSERT_STATE_UNCHANGED(fx, &s);
	/* Binding a DMA-API driver to it works and counts nothing. */
	test_bind_dma(fx, bare);
	EXPECT_NULL(fx_group(bare));
	EXPECT_EQ(0, fx_owner_cnt(d));
	fx_unbind(bare);
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(0, NEW_WARNS());
}

/* Bus-scan observer: use_default_domain on a half-set-up group. */
static struct sio_device *rule33_first;
static int rule33_ret = 1;

static void rule33_probe_hook(struct sio_device *dev, void *data)
{
	if (dev != rule33_first && rule33_ret == 1)
		rule33_ret = iommu_device_use_default_domain(rule33_first);
}

TEST_F(iommu_core, rule_33_use_default_domain_before_default_eprobe_defer)
{
	struct mock_iommu_config cfg = { .probe_hook = rule33_probe_hook };
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2;

	FX_REQUIRE_MOCK(fx);
	test_add_dev(d1, fx, DEV1, "iommu1", NULL);
	test_add_dev(d2, fx, DEV2, "iommu1", NULL);
	rule33_first = d1;
	iommu1 = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu1));
	EXPECT_EQ(-EPROBE_DEFER, rule33_ret);
	ASSERT_NOT_NULL(fx_default_domain(d1));
	EXPECT_EQ(0, fx_owner_cnt(d1));
}

TEST_F(iommu_core, rule_34_use_default_domain_busy_cases)
{
	struct fx *fx = &self->fx;
	struct iommu_device *iommu1;
	struct sio_device *d1, *d2;
	struct iommu_domain *p;
	struct iommu_group *g;
	struct fx_snap s;

	FX_REQUIRE_MOCK(fx);
	iommu1 = pasid_pair(_metadata, fx, &d1, &d2);
	(void)iommu1;
	g = fx_group(d1);
	test_alloc_paging(p, d1);

	/* owner_cnt > 0, default domain, no owner, no PASID: counted. */
	test_bind_dma(fx, d1);
	ASSERT_EQ(1, fx_owner_cnt(d1));
	test_use_default(d2);
	EXPECT_EQ(2, fx_owner_cnt(d1));
	iommu_device_unuse_default_domain(d2);
	EXPECT_EQ(1, fx_owner_cnt(d1));

	/* A non-default domain. */
	test_attach_group(p, g);
	fx_snap_take(fx, &s);
	test_err_use_default(EBUSY, d2);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_detach_group(p, g);

	/* A PASID attachment. */
	test_ok(iommu_attach_device_pasid(p, d1, 1, NULL));
	fx_snap_take(fx, &s);
	test_err_use_default(EBUSY, d2);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_detach_device_pasid(p, d1, 1);
	test_use_default(d2);
	EXPECT_EQ(2, fx_owner_cnt(d1));
	iommu_device_unuse_default_domain(d2);
	fx_unbind(d1);

	/* An owner (owner_cnt 1 from the claim). */
	test_claim_group(g, OWNER_A);
	fx_snap_take(fx, &s);
	test_err_use_default(EBUSY, d2);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_group_release_dma_owner(g);
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_35_group_claim_with_dma_api_driver_eperm)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2;
	struct fx_snap s;

	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	test_bind_dma(fx, d1);
	ASSERT_EQ(1, fx_owner_cnt(d2));
	fx_snap_take(fx, &s);
	test_err_claim_group(EPERM, fx_group(d2), OWNER_A);
	test_err_claim_dev(EPERM, d2, OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	fx_unbind(d1);
	test_claim_group(fx_group(d2), OWNER_A);
	iommu_group_release_dma_owner(fx_group(d2));
}

TEST_F(iommu_core, rule_36_group_claim_owned_group_eperm_same_cookie)
{
	struct fx *fx = &self->fx;
	struct iommu_group *g;
	struct sio_device *d;
	struct fx_snap s;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	g = fx_group(d);
	test_claim_group(g, OWNER_A);
	fx_snap_take(fx, &s);
	test_err_claim_group(EPERM, g, OWNER_A);
	test_err_claim_group(EPERM, g, OWNER_B);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_group_release_dma_owner(g);

	/* Owned through a device claim: the same. */
	test_claim_dev(d, OWNER_A);
	fx_snap_take(fx, &s);
	test_err_claim_group(EPERM, g, OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_device_release_dma_owner(d);
	EXPECT_EQ(0, fx_owner_cnt(d));
}

TEST_F(iommu_core, rule_37_device_claim_same_cookie_counts_other_eperm)
{
	struct fx *fx = &self->fx;
	struct sio_iommu_group_info gi;
	struct sio_device *d1, *d2;
	struct iommu_domain *blocking;
	unsigned long c0 = 0;
	struct fx_snap s;

	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	test_claim_dev(d1, OWNER_A);
	blocking = fx_group_domain(d1);
	ASSERT_EQ(fx_blocking_domain(d1), blocking);
	if (fx_is_mock(fx))
		c0 = attach_calls(fx->iommu);
	test_claim_dev(d2, OWNER_A);
	ASSERT_EQ(0, fx_group_info(d1, &gi));
	EXPECT_EQ(2, gi.owner_cnt);
	EXPECT_EQ(OWNER_A, gi.owner);
	EXPECT_EQ(blocking, gi.domain);
	if (fx_is_mock(fx))
		EXPECT_EQ(c0, attach_calls(fx->iommu));

	fx_snap_take(fx, &s);
	test_err_claim_dev(EPERM, d1, OWNER_B);
	test_err_claim_dev(EPERM, d2, OWNER_B);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_device_release_dma_owner(d2);
	iommu_device_release_dma_owner(d1);
	EXPECT_EQ(0, fx_owner_cnt(d1));
}

TEST_F(iommu_core, rule_38_null_owner_einval_warn_no_group_enodev)
{
	struct fx *fx = &self->fx;
	struct sio_device *d, *bare;
	struct fx_snap s;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	test_add_dev(bare, fx, DEV2, NULL, NULL);
	fx_snap_take(fx, &s);
	test_err_claim_group(EINVAL, fx_group(d), NULL);
	EXPECT_EQ(1, NEW_WARNS());
	test_err_claim_dev(EINVAL, d, NULL);
	EXPECT_EQ(2, NEW_WARNS());
	test_err_claim_dev(ENODEV, bare, OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	test_expect_warns(2);
}

TEST_F(iommu_core, rule_39_claim_switches_to_blocking_or_changes_nothing)
{
	struct fx *fx = &self->fx;
	struct sio_iommu_group_info gi;
	struct sio_device *d1, *d2;
	struct iommu_domain *def;
	struct fx_snap s;

	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	def = fx_default_domain(d1);

	test_claim_group(fx_group(d1), OWNER_A);
	ASSERT_EQ(0, fx_group_info(d1, &gi));
	EXPECT_NOT_NULL(gi.blocking_domain);
	EXPECT_EQ(gi.blocking_domain, gi.domain);
	EXPECT_EQ(OWNER_A, gi.owner);
	EXPECT_EQ(1, gi.owner_cnt);
	if (fx_is_mock(fx)) {
		EXPECT_EQ(gi.blocking_domain, fx_hw_domain(fx, d1));
		EXPECT_EQ(gi.blocking_domain, fx_hw_domain(fx, d2));
	}
	iommu_group_release_dma_owner(fx_group(d1));
	EXPECT_EQ(def, fx_group_domain(d1));

	if (!fx_is_mock(fx))
		return;
	/* The switch fails at the second device: nothing changes. */
	fx_snap_take(fx, &s);
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ATTACH, 1, DEV2,
				       -ENOSPC));
	test_err_claim_group(ENOSPC, fx_group(d1), OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_ATTACH, 1, DEV1,
				       -ENOSPC));
	test_err_claim_dev(ENOSPC, d2, OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(def, fx_hw_domain(fx, d1));
	EXPECT_EQ(def, fx_hw_domain(fx, d2));
}

TEST_F(iommu_core, rule_40_claim_external_domain_or_pasid_ebusy)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2;
	struct iommu_domain *p;
	struct iommu_group *g;
	struct fx_snap s;

	FX_REQUIRE_MOCK(fx);
	pasid_pair(_metadata, fx, &d1, &d2);
	g = fx_group(d1);
	test_alloc_paging(p, d1);

	test_attach_group(p, g);
	fx_snap_take(fx, &s);
	test_err_claim_group(EBUSY, g, OWNER_A);
	test_err_claim_dev(EBUSY, d1, OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_detach_group(p, g);

	test_ok(iommu_attach_device_pasid(p, d1, 3, NULL));
	fx_snap_take(fx, &s);
	test_err_claim_group(EBUSY, g, OWNER_A);
	test_err_claim_dev(EBUSY, d2, OWNER_A);
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_detach_device_pasid(p, d1, 3);
	test_claim_group(g, OWNER_A);
	iommu_group_release_dma_owner(g);
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_41_use_default_domain_while_owned_ebusy)
{
	int probes0 = fx_dma_probe_calls;
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2;
	struct fx_snap s;

	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	test_claim_dev(d1, OWNER_A);
	fx_snap_take(fx, &s);
	test_err_use_default(EBUSY, d1);
	test_err_use_default(EBUSY, d2);
	/* So a DMA-API driver's probe fails, as in the kernel. */
	test_err_bind_dma(EBUSY, fx, d2);
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_NULL(READ_ONCE(d2->driver));
	EXPECT_EQ(probes0, fx_dma_probe_calls);
	iommu_device_release_dma_owner(d1);
	test_bind_dma(fx, d2);
	EXPECT_EQ(1, fx_owner_cnt(d2));
	fx_unbind(d2);
}

TEST_F(iommu_core, rule_42_release_decrements_last_restores_default)
{
	struct fx *fx = &self->fx;
	struct sio_iommu_group_info gi;
	struct sio_device *d1, *d2;
	struct iommu_domain *p, *def;

	test_add_dev(d1, fx, DEV1, "iommu0", "slot0");
	test_add_dev(d2, fx, DEV2, "iommu0", "slot0");
	def = fx_default_domain(d1);
	test_claim_dev(d1, OWNER_A);
	test_claim_dev(d2, OWNER_A);
	test_alloc_paging(p, d1);
	test_attach_group(p, fx_group(d1));

	iommu_device_release_dma_owner(d2);
	ASSERT_EQ(0, fx_group_info(d1, &gi));
	EXPECT_EQ(1, gi.owner_cnt);
	EXPECT_EQ(OWNER_A, gi.owner);
	EXPECT_EQ(p, gi.domain);

	iommu_device_release_dma_owner(d1);
	ASSERT_EQ(0, fx_group_info(d1, &gi));
	EXPECT_EQ(0, gi.owner_cnt);
	EXPECT_NULL(gi.owner);
	EXPECT_EQ(def, gi.domain);
	if (fx_is_mock(fx)) {
		EXPECT_EQ(def, fx_hw_domain(fx, d1));
		EXPECT_EQ(def, fx_hw_domain(fx, d2));
	}
	/* p was dropped: it can be freed, nothing uses it. */
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_43_release_with_pasid_attached_warns_no_change)
{
	struct fx *fx = &self->fx;
	struct sio_device *d1, *d2;
	struct iommu_domain *p;
	struct iommu_group *g;
	struct fx_snap s;

	FX_REQUIRE_MOCK(fx);
	pasid_pair(_metadata, fx, &d1, &d2);
	g = fx_group(d1);
	test_alloc_paging(p, d1);
	test_claim_group(g, OWNER_A);
	test_ok(iommu_attach_device_pasid(p, d1, 5, NULL));

	fx_snap_take(fx, &s);
	iommu_group_release_dma_owner(g);
	EXPECT_EQ(1, NEW_WARNS());
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(OWNER_A, s.d[0].gi.owner);
	iommu_detach_device_pasid(p, d1, 5);
	iommu_group_release_dma_owner(g);
	EXPECT_EQ(0, fx_owner_cnt(d1));

	/* The device-level release: the same. */
	test_claim_dev(d2, OWNER_A);
	test_ok(iommu_attach_device_pasid(p, d2, 5, NULL));
	fx_snap_take(fx, &s);
	iommu_device_release_dma_owner(d2);
	EXPECT_EQ(2, NEW_WARNS());
	ASSERT_STATE_UNCHANGED(fx, &s);
	iommu_detach_device_pasid(p, d2, 5);
	iommu_device_release_dma_owner(d2);
	EXPECT_EQ(0, fx_owner_cnt(d2));
	iommu_domain_free(p);
	test_expect_warns(2);
}

TEST_F(iommu_core, rule_44_unuse_with_zero_count_warns_no_underflow)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	struct fx_snap s;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	fx_snap_take(fx, &s);
	iommu_device_unuse_default_domain(d);
	EXPECT_EQ(1, NEW_WARNS());
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_EQ(0, fx_owner_cnt(d));
	test_bind_dma(fx, d);
	EXPECT_EQ(1, fx_owner_cnt(d));
	fx_unbind(d);
	EXPECT_EQ(0, fx_owner_cnt(d));
	test_expect_warns(1);
}

TEST_F(iommu_core, rule_45_owner_claimed_iff_owner_cnt)
{
	struct fx *fx = &self->fx;
	struct iommu_group *g;
	struct sio_device *d;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	g = fx_group(d);
	EXPECT_FALSE(iommu_group_dma_owner_claimed(g));
	test_bind_dma(fx, d);
	EXPECT_TRUE(iommu_group_dma_owner_claimed(g));
	fx_unbind(d);
	EXPECT_FALSE(iommu_group_dma_owner_claimed(g));
	test_claim_group(g, OWNER_A);
	EXPECT_TRUE(iommu_group_dma_owner_claimed(g));
	iommu_group_release_dma_owner(g);
	EXPECT_FALSE(iommu_group_dma_owner_claimed(g));
	test_claim_dev(d, OWNER_B);
	EXPECT_TRUE(iommu_group_dma_owner_claimed(g));
	iommu_device_release_dma_owner(d);
	EXPECT_FALSE(iommu_group_dma_owner_claimed(g));
}

TEST_F(iommu_core, rule_46_dma_configure_order_and_driver_managed_dma)
{
	int vprobes0 = fx_vfio_probe_calls, probes0;
	struct fx *fx = &self->fx;
	struct sio_device *d1, *late, *d3;
	struct fx_snap s;

	test_add_dev(d1, fx, DEV1, "iommu0", NULL);
	/* driver_managed_dma: never counted. */
	test_bind_vfio(fx, d1);
	EXPECT_EQ(vprobes0 + 1, fx_vfio_probe_calls);
	EXPECT_EQ(0, fx_owner_cnt(d1));
	fx_unbind(d1);
	EXPECT_EQ(0, fx_owner_cnt(d1));
	/* A DMA-API driver: counted while bound. */
	test_bind_dma(fx, d1);
	EXPECT_EQ(1, fx_owner_cnt(d1));
	fx_unbind(d1);
	EXPECT_EQ(0, fx_owner_cnt(d1));

	/*
	 * A device the IOMMU learns of only from the firmware step of
	 * dma_configure: the core runs that step at probe with no driver
	 * (nothing counted), and a later bind counts after it.
	 */
	late = fx_dev_alloc(fx, DEV2, "iommu0", NULL);
	ASSERT_FALSE(IS_ERR(late));
	late->fw.late = true;
	ASSERT_EQ(0, fx_dev_add(fx, late));
	ASSERT_NOT_NULL(fx_group(late));
	EXPECT_EQ(0, fx_owner_cnt(late));
	test_bind_dma(fx, late);
	EXPECT_EQ(1, fx_owner_cnt(late));
	fx_unbind(late);
	EXPECT_EQ(0, fx_owner_cnt(late));

	/* use_default_domain fails: the bind fails with its error. */
	test_add_dev(d3, fx, DEV3, "iommu0", NULL);
	test_claim_dev(d3, OWNER_A);
	probes0 = fx_dma_probe_calls;
	fx_snap_take(fx, &s);
	test_err_bind_dma(EBUSY, fx, d3);
	ASSERT_STATE_UNCHANGED(fx, &s);
	EXPECT_NULL(READ_ONCE(d3->driver));
	EXPECT_EQ(probes0, fx_dma_probe_calls);
	/* A driver_managed_dma driver binds to the owned device. */
	test_bind_vfio(fx, d3);
	EXPECT_EQ(1, fx_owner_cnt(d3));
	fx_unbind(d3);
	iommu_device_release_dma_owner(d3);
	EXPECT_EQ(0, NEW_WARNS());
}

TEST_F(iommu_core, rule_46_v7_order_late_group_unuse_stays_symmetric)
{
	struct fx *fx = &self->fx;
	struct sio_device *late;

	/* The v5.17 order of seed 000: use before the firmware step. */
	ASSERT_EQ(0, sio_iommu_set_legacy_v7_order(fx->m, true));
	late = fx_dev_alloc(fx, DEV1, "iommu0", NULL);
	ASSERT_FALSE(IS_ERR(late));
	late->fw.late = true;
	ASSERT_EQ(0, fx_dev_add(fx, late));
	EXPECT_NULL(fx_group(late));
	test_bind_dma(fx, late);
	/* The group appeared during the bind, after use counted nothing. */
	ASSERT_NOT_NULL(fx_group(late));
	EXPECT_EQ(0, fx_owner_cnt(late));
	/* Divergence: unuse is symmetric, so no WARN and no underflow. */
	fx_unbind(late);
	EXPECT_EQ(0, fx_owner_cnt(late));
	EXPECT_EQ(0, NEW_WARNS());
}

TEST_HARNESS_MAIN
