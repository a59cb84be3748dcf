// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the IOMMU core's own design points (beyond the conformance
 * rules): the per-device DMA-API accounting divergence, the v7 ordering
 * knob, the invariant checker, sysfs files, PASIDs, fail-nth unwinding.
 */
#include <string.h>

#include "../conformance/iommu_core_fixture.h"
#include "core/core-priv.h"

static struct iommu_group *grp(struct sio_device *dev)
{
	return fx_group(dev);
}

/* Seed 000's v7 ordering: no WARN, nothing counted, exact afterwards. */
TEST_F(iommu_core, v7_order_late_device_is_symmetric)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	unsigned long seq;

	ASSERT_EQ(0, sio_iommu_set_legacy_v7_order(fx->m, true));
	d = fx_dev_alloc(fx, "0004:01:00.0", "iommu0", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	d->fw.late = true;
	ASSERT_EQ(0, fx_dev_add(fx, d));
	/* The v5.17 kernel did not run dma_configure at device_add. */
	ASSERT_NULL(grp(d));

	seq = sio_log_seq();
	test_bind_dma(fx, d);
	ASSERT_NE(NULL, grp(d));
	EXPECT_EQ(0, fx_owner_cnt(d));		/* use ran before the group */
	EXPECT_FALSE(d->dma_use_counted);
	EXPECT_EQ(0, NEW_WARNS());		/* that kernel had no such WARN */

	fx_unbind(d);				/* Eric's WARN in the kernel */
	EXPECT_EQ(0, NEW_WARNS());
	EXPECT_EQ(1, sio_log_search("DMA API use was not counted", seq));
	EXPECT_EQ(0, fx_owner_cnt(d));

	test_bind_dma(fx, d);			/* now the group exists */
	EXPECT_EQ(1, fx_owner_cnt(d));
	EXPECT_TRUE(d->dma_use_counted);
	ASSERT_INVARIANTS(fx);
	fx_unbind(d);
	EXPECT_EQ(0, fx_owner_cnt(d));
	EXPECT_EQ(0, NEW_WARNS());
}

/* Today's order: a late device gets its group at device_add. */
TEST_F(iommu_core, late_device_grouped_before_bind)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;

	d = fx_dev_alloc(fx, "0004:01:00.0", "iommu0", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	d->fw.late = true;
	ASSERT_EQ(0, fx_dev_add(fx, d));
	ASSERT_NE(NULL, grp(d));
	EXPECT_TRUE(d->fw_configured);
	test_bind_dma(fx, d);
	EXPECT_EQ(1, fx_owner_cnt(d));
	fx_unbind(d);
	EXPECT_EQ(0, fx_owner_cnt(d));
	EXPECT_EQ(0, NEW_WARNS());
}

/* A late device whose IOMMU is not there yet defers, then binds. */
TEST_F(iommu_core, late_device_defers_until_iommu_registers)
{
	struct fx *fx = &self->fx;
	struct iommu_device *iommu;
	struct sio_device *d;

	d = fx_dev_alloc(fx, "0000:00:05.0", "later", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	d->fw.late = true;
	ASSERT_EQ(0, fx_dev_add(fx, d));
	ASSERT_NULL(grp(d));
	/* The bind defers (the device model reports it as it likes). */
	EXPECT_NE(0, fx_bind_dma(fx, d));
	EXPECT_NULL(READ_ONCE(d->driver));
	iommu = fx_iommu_create(fx, "later", NULL);
	ASSERT_FALSE(IS_ERR(iommu));
	sio_wait_for_device_probe(fx->m);
	ASSERT_NE(NULL, grp(d));
	if (!READ_ONCE(d->driver))
		test_bind_dma(fx, d);
	EXPECT_EQ(1, fx_owner_cnt(d));
	fx_unbind(d);
	EXPECT_EQ(0, NEW_WARNS());
}

/* An unuse that nothing counted WARNs and changes nothing (rule 44 too). */
TEST_F(iommu_core, unbalanced_unuse_warns)
{
	struct fx *fx = &self->fx;
	struct sio_device *a, *b;

	test_add_dev(a, fx, "0000:00:01.0", "iommu0", "slot");
	test_add_dev(b, fx, "0000:00:01.1", "iommu0", "slot");
	ASSERT_EQ(grp(a), grp(b));
	test_bind_dma(fx, a);
	EXPECT_EQ(1, fx_owner_cnt(a));
	/* The kernel would silently take a's count here. */
	iommu_device_unuse_default_domain(b);
	EXPECT_EQ(1, NEW_WARNS());
	EXPECT_EQ(1, fx_owner_cnt(a));
	ASSERT_INVARIANTS(fx);
	fx_unbind(a);
	EXPECT_EQ(0, fx_owner_cnt(a));
	test_expect_warns(1);
}

TEST_F(iommu_core, invariant_checker_reports_bad_state)
{
	struct fx *fx = &self->fx;
	struct iommu_group *g;
	struct iommu_domain *saved;
	struct sio_device *d;

	test_add_dev(d, fx, "0000:00:01.0", "iommu0", NULL);
	g = grp(d);
	ASSERT_EQ(0, sio_iommu_check_invariants(fx->m));

	mutex_lock(&g->mutex);
	g->owner_cnt++;			/* a count nobody holds */
	mutex_unlock(&g->mutex);
	EXPECT_EQ(1, sio_iommu_check_invariants(fx->m));
	mutex_lock(&g->mutex);
	g->owner_cnt--;
	saved = d->iommu->attached;	/* device not on the group domain */
	d->iommu->attached = NULL;
	mutex_unlock(&g->mutex);
	EXPECT_EQ(1, sio_iommu_check_invariants(fx->m));
	mutex_lock(&g->mutex);
	d->iommu->attached = saved;
	mutex_unlock(&g->mutex);
	EXPECT_EQ(0, sio_iommu_check_invariants(fx->m));
	test_expect_warns(2);
}

/*
 * Issue 8 defect 7: a group claim and a device claim by the same owner
 * coexist (owner_cnt 2, as in the kernel); releasing the device first and
 * then the group is clean, and the checker agrees at every step.
 */
TEST_F(iommu_core, group_claim_plus_device_claim_same_owner)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	struct iommu_group *g;

	test_add_dev(d, fx, "0000:00:01.0", "iommu0", NULL);
	g = grp(d);
	test_claim_group(g, OWNER_A);
	test_claim_dev(d, OWNER_A);
	EXPECT_EQ(2, fx_owner_cnt(d));
	ASSERT_INVARIANTS(fx);
	iommu_device_release_dma_owner(d);
	EXPECT_EQ(1, fx_owner_cnt(d));
	EXPECT_EQ(fx_blocking_domain(d), fx_group_domain(d));
	ASSERT_INVARIANTS(fx);
	iommu_group_release_dma_owner(g);
	EXPECT_EQ(0, fx_owner_cnt(d));
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));
	ASSERT_INVARIANTS(fx);
	EXPECT_EQ(0, NEW_WARNS());
}

/*
 * The reverse order: the group release drops every claim, so the device's
 * release finds nothing to release and WARNs, as the kernel's
 * __iommu_release_dma_ownership() does; the state stays consistent.
 */
TEST_F(iommu_core, group_release_before_device_release_warns)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	struct iommu_group *g;

	test_add_dev(d, fx, "0000:00:01.0", "iommu0", NULL);
	g = grp(d);
	test_claim_group(g, OWNER_A);
	test_claim_dev(d, OWNER_A);
	iommu_group_release_dma_owner(g);
	EXPECT_EQ(0, fx_owner_cnt(d));
	ASSERT_INVARIANTS(fx);
	EXPECT_EQ(0, NEW_WARNS());
	iommu_device_release_dma_owner(d);
	EXPECT_EQ(1, NEW_WARNS());
	EXPECT_EQ(0, fx_owner_cnt(d));
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));
	ASSERT_INVARIANTS(fx);
	test_expect_warns(1);
}

/*
 * Attaching a group while a DMA-API driver is bound is allowed (the kernel's
 * iommu_attach_group() does not look at DMA-API users); the checker accepts
 * the state.
 */
TEST_F(iommu_core, attach_group_with_dma_api_driver_bound)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *p;
	struct sio_device *d;

	test_add_dev(d, fx, "0000:00:01.0", "iommu0", NULL);
	test_bind_dma(fx, d);
	test_alloc_paging(p, d);
	test_attach_group(p, grp(d));
	EXPECT_EQ(p, fx_group_domain(d));
	EXPECT_EQ(1, fx_owner_cnt(d));
	ASSERT_INVARIANTS(fx);
	iommu_detach_group(p, grp(d));
	EXPECT_EQ(fx_default_domain(d), fx_group_domain(d));
	iommu_domain_free(p);
	fx_unbind(d);
	ASSERT_INVARIANTS(fx);
	EXPECT_EQ(0, NEW_WARNS());
}

/*
 * Issue 8 defect 2 (library side): freeing a domain that is still attached
 * (to a device, a group, or a group's own default domain) WARNs and frees
 * nothing, so nobody is left using freed memory and the caller can detach
 * and free it again.  A divergence: the kernel frees it anyway.
 */
TEST_F(iommu_core, free_of_attached_domain_is_refused)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *p, *q, *def;
	struct sio_device *d;

	test_add_dev(d, fx, "0000:00:01.0", "iommu0", NULL);
	def = fx_default_domain(d);
	test_alloc_paging(p, d);
	test_attach_dev(p, d);
	test_map(p, 0x10000, 0x80000, 0x1000);
	iommu_domain_free(p);
	EXPECT_EQ(1, NEW_WARNS());
	EXPECT_EQ(p, fx_group_domain(d));
	EXPECT_EQ(0x80000ULL, iommu_iova_to_phys(p, 0x10000));
	ASSERT_INVARIANTS(fx);

	/* The group's default domain is the core's. */
	iommu_domain_free(def);
	EXPECT_EQ(2, NEW_WARNS());
	EXPECT_EQ(def, fx_default_domain(d));

	iommu_detach_device(p, d);
	EXPECT_EQ(def, fx_group_domain(d));
	iommu_domain_free(p);
	EXPECT_EQ(2, NEW_WARNS());

	/* Attached to a claimed group. */
	test_alloc_paging(q, d);
	test_claim_group(grp(d), OWNER_A);
	test_attach_group(q, grp(d));
	iommu_domain_free(q);
	EXPECT_EQ(3, NEW_WARNS());
	EXPECT_EQ(q, fx_group_domain(d));
	iommu_detach_group(q, grp(d));
	iommu_group_release_dma_owner(grp(d));
	iommu_domain_free(q);
	ASSERT_INVARIANTS(fx);
	test_expect_warns(3);
}

/* Unregistering an IOMMU under bound drivers keeps the survivors exact. */
TEST_F(iommu_core, unregister_under_bound_drivers)
{
	struct fx *fx = &self->fx;
	struct iommu_device *iommu;
	struct sio_device *a, *b;

	iommu = fx_iommu_create(fx, "iommu1", NULL);
	ASSERT_FALSE(IS_ERR(iommu));
	test_add_dev(a, fx, "0000:00:03.0", "iommu1", "slot");
	test_add_dev(b, fx, "0000:00:03.1", "iommu1", "slot");
	test_bind_dma(fx, a);
	test_bind_dma(fx, b);
	EXPECT_EQ(2, fx_owner_cnt(a));
	fx_iommu_destroy(fx, iommu);
	/* The kernel's WARN: the group emptied while still used. */
	EXPECT_EQ(1, NEW_WARNS());
	EXPECT_NULL(grp(a));
	EXPECT_FALSE(a->dma_use_counted);
	fx_unbind(a);
	fx_unbind(b);
	EXPECT_EQ(1, NEW_WARNS());
	test_expect_warns(1);
}

TEST_F(iommu_core, sysfs_reserved_regions_and_direct_mappings)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	struct iommu_domain *dom;
	char path[128], buf[512];
	ssize_t n;

	d = fx_dev_alloc(fx, "0000:00:04.0", "iommu0", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	d->fw.resv[0] = (struct sio_fw_resv){ 0x9000000, 0x2000,
		IOMMU_READ | IOMMU_WRITE, IOMMU_RESV_DIRECT };
	d->fw.resv[1] = (struct sio_fw_resv){ 0x9002000, 0x1000,
		IOMMU_READ | IOMMU_WRITE, IOMMU_RESV_DIRECT };
	d->fw.resv[2] = (struct sio_fw_resv){ 0xfee00000, 0x100000, 0,
		IOMMU_RESV_RESERVED };
	d->fw.num_resv = 3;
	ASSERT_EQ(0, fx_dev_add(fx, d));

	snprintf(path, sizeof(path),
		 "/sys/kernel/iommu_groups/%d/reserved_regions",
		 iommu_group_id(grp(d)));
	n = sio_sysfs_read(fx->m->sysfs, path, buf, sizeof(buf) - 1);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	/*
	 * Adjacent DIRECT regions merge.  Drivers add regions of their own
	 * (the SMMU's software MSI window), so look for the firmware's lines.
	 */
	EXPECT_NOT_NULL(strstr(buf, "0x0000000009000000 0x0000000009002fff direct\n"));
	EXPECT_NOT_NULL(strstr(buf, "0x00000000fee00000 0x00000000feefffff reserved\n"));
	EXPECT_NULL(strstr(buf, "0x0000000009002000"));
	dom = fx_default_domain(d);
	ASSERT_NE(NULL, dom);
	EXPECT_EQ(0x9001000ULL, iommu_iova_to_phys(dom, 0x9001000));
	EXPECT_EQ(0ULL, iommu_iova_to_phys(dom, 0xfee00000));
	/* A require_direct device cannot be blocked (rule 19 via claim). */
	test_err_claim_group(EINVAL, grp(d), OWNER_A);
	EXPECT_EQ(dom, fx_group_domain(d));

	/* The group link from the device, and the device in the group. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 sio_dev_name(d));
	EXPECT_EQ('l', sio_sysfs_stat(fx->m->sysfs, path));
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices/%s",
		 iommu_group_id(grp(d)), sio_dev_name(d));
	EXPECT_EQ('l', sio_sysfs_stat(fx->m->sysfs, path));
}

TEST_F(iommu_core, sysfs_type_store)
{
	struct fx *fx = &self->fx;
	struct sio_device *d;
	char buf[64];

	test_add_dev(d, fx, "0000:00:06.0", "iommu0", NULL);
	ASSERT_GT(fx_group_type_read(fx, d, buf, sizeof(buf)), 0);
	EXPECT_STREQ("DMA-FQ", buf);

	ASSERT_EQ(0, sio_iommu_set_caps(fx->m, false));
	EXPECT_EQ(-EACCES, fx_group_type_write(fx, d, "identity\n"));
	ASSERT_EQ(0, sio_iommu_set_caps(fx->m, true));
	EXPECT_EQ(-EINVAL, fx_group_type_write(fx, d, "bogus\n"));

	EXPECT_EQ(9, fx_group_type_write(fx, d, "identity\n"));
	ASSERT_GT(fx_group_type_read(fx, d, buf, sizeof(buf)), 0);
	EXPECT_STREQ("identity", buf);
	EXPECT_EQ(4, fx_group_type_write(fx, d, "DMA\n"));

	test_bind_dma(fx, d);
	EXPECT_EQ(-EPERM, fx_group_type_write(fx, d, "identity\n"));
	/* DMA → DMA-FQ in place, drivers bound. */
	EXPECT_EQ(7, fx_group_type_write(fx, d, "DMA-FQ\n"));
	ASSERT_GT(fx_group_type_read(fx, d, buf, sizeof(buf)), 0);
	EXPECT_STREQ("DMA-FQ", buf);
	fx_unbind(d);
	ASSERT_INVARIANTS(fx);
}

TEST_F(iommu_core, pasid_attach_replace_detach)
{
	struct mock_iommu_config cfg = { .max_pasids = 16 };
	struct iommu_attach_handle h1, h2;
	struct fx *fx = &self->fx;
	struct iommu_domain *a, *b;
	struct iommu_device *iommu;
	struct sio_device *d;
	unsigned int p, limit;

	iommu = fx_iommu_create(fx, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR(iommu));
	d = fx_dev_alloc(fx, "0000:00:07.0", "iommu1", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	d->fw.pasid_bits = 8;
	ASSERT_EQ(0, fx_dev_add(fx, d));
	/* min(device capability 2^8, the instance's limit: 16 on the mock) */
	limit = min(256U, iommu->max_pasids);
	EXPECT_EQ(limit, d->iommu->max_pasids);
	test_alloc_paging(a, d);
	test_alloc_paging(b, d);

	EXPECT_EQ(-EINVAL, iommu_attach_device_pasid(a, d, 0, &h1));
	EXPECT_EQ(-EINVAL, iommu_attach_device_pasid(a, d, limit, &h1));
	ASSERT_EQ(0, iommu_attach_device_pasid(a, d, 3, &h1));
	EXPECT_EQ(a, h1.domain);
	EXPECT_EQ(&h1, iommu_attach_handle_get(grp(d), 3, 0));
	EXPECT_EQ(ERR_PTR(-EBUSY),
		  iommu_attach_handle_get(grp(d), 3, IOMMU_DOMAIN_SVA));
	EXPECT_EQ(ERR_PTR(-ENOENT), iommu_attach_handle_get(grp(d), 4, 0));
	EXPECT_EQ(-EBUSY, iommu_attach_device_pasid(a, d, 3, &h2));
	/* Owning the group is refused while a PASID is attached. */
	test_err_claim_group(EBUSY, grp(d), OWNER_A);

	ASSERT_EQ(0, iommu_replace_device_pasid(b, d, 3, &h2));
	EXPECT_EQ(&h2, iommu_attach_handle_get(grp(d), 3, 0));
	EXPECT_EQ(b, h2.domain);
	ASSERT_INVARIANTS(fx);
	iommu_detach_device_pasid(b, d, 3);
	EXPECT_EQ(ERR_PTR(-ENOENT), iommu_attach_handle_get(grp(d), 3, 0));

	p = iommu_alloc_global_pasid(d);
	EXPECT_NE(IOMMU_PASID_INVALID, p);
	EXPECT_GE(p, 1U);
	EXPECT_LT(p, limit);
	iommu_free_global_pasid(d, p);

	iommu_domain_free(a);
	iommu_domain_free(b);
	EXPECT_EQ(0, NEW_WARNS());
}

/* A PASID-capable device behind a new instance "iommu1" of @fx. */
static struct sio_device *pasid_dev(struct fx *fx, const char *name)
{
	struct mock_iommu_config cfg = { .max_pasids = 16 };
	struct iommu_device *iommu;
	struct sio_device *d;

	iommu = fx_iommu_create(fx, "iommu1", &cfg);
	if (IS_ERR(iommu))
		return NULL;
	d = fx_dev_alloc(fx, name, "iommu1", NULL);
	if (IS_ERR_OR_NULL(d))
		return NULL;
	d->fw.pasid_bits = 8;
	if (fx_dev_add(fx, d))
		return NULL;
	return d;
}

/* Each machine has its own global PASID space (a divergence). */
TEST_F(iommu_core, global_pasid_space_is_per_machine)
{
	struct fx *fx = &self->fx, fx2;
	struct sio_device *a, *b;
	unsigned int pa1, pa2, pb1;

	a = pasid_dev(fx, "0000:00:07.0");
	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, fx_init(&fx2, variant->kind, false));
	b = pasid_dev(&fx2, "0000:00:07.0");
	ASSERT_NE(NULL, b);

	pa1 = iommu_alloc_global_pasid(a);
	ASSERT_NE(IOMMU_PASID_INVALID, pa1);
	/* The other machine's space is untouched: it hands out the same. */
	pb1 = iommu_alloc_global_pasid(b);
	EXPECT_EQ(pa1, pb1);
	pa2 = iommu_alloc_global_pasid(a);
	ASSERT_NE(IOMMU_PASID_INVALID, pa2);
	EXPECT_NE(pa1, pa2);

	iommu_free_global_pasid(a, pa1);
	EXPECT_EQ(pa1, iommu_alloc_global_pasid(a));
	iommu_free_global_pasid(a, pa1);
	iommu_free_global_pasid(a, pa2);
	iommu_free_global_pasid(b, pb1);
	EXPECT_EQ(0, NEW_WARNS());

	/* Freeing with no device, or what was never allocated, WARNs. */
	iommu_free_global_pasid(NULL, pa1);
	EXPECT_EQ(1, NEW_WARNS());
	iommu_free_global_pasid(b, pb1);
	EXPECT_EQ(2, NEW_WARNS());
	fx_fini(&fx2);
	test_expect_warns(2);
}

/* iommu_group_alloc() makes a group in the machine of the device named. */
TEST_F(iommu_core, group_alloc_takes_the_device_machine)
{
	struct fx *fx = &self->fx, fx2;
	struct iommu_group *g, *g2;
	struct sio_device *a, *b;

	test_add_dev(a, fx, "0000:00:02.0", "iommu0", NULL);
	ASSERT_EQ(0, fx_init(&fx2, variant->kind, false));
	test_add_dev(b, &fx2, "0000:00:02.0", "iommu0", NULL);

	g = iommu_group_alloc(a);
	ASSERT_FALSE(IS_ERR_OR_NULL(g));
	EXPECT_EQ(fx->m, g->machine);
	EXPECT_NE(iommu_group_id(grp(a)), iommu_group_id(g));
	g2 = iommu_group_alloc(b);
	ASSERT_FALSE(IS_ERR_OR_NULL(g2));
	EXPECT_EQ(fx2.m, g2->machine);
	/* Group ids are per machine too. */
	EXPECT_EQ(iommu_group_id(g), iommu_group_id(g2));
	EXPECT_EQ(ERR_PTR(-EINVAL), iommu_group_alloc(NULL));

	iommu_group_put(g);
	iommu_group_put(g2);
	EXPECT_EQ(0, NEW_WARNS());
	fx_fini(&fx2);
}

/* Every allocation failure of claim/attach/alloc/probe unwinds exactly. */
TEST_F(iommu_core, fail_nth_unwinds)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *dom;
	struct sio_device *d, *n;
	struct fx_snap s;
	unsigned int i;
	bool fired;
	int ret;

	test_add_dev(d, fx, "0000:00:08.0", "iommu0", NULL);
	test_alloc_paging(dom, d);

	for (i = 1;; i++) {			/* claim (blocking domain) */
		fx_snap_take(fx, &s);
		sio_fail_nth_set(i);
		ret = iommu_group_claim_dma_owner(grp(d), OWNER_A);
		sio_fail_nth_set(0);
		if (!ret)
			break;
		ASSERT_STATE_UNCHANGED(fx, &s);
		ASSERT_LT(i, 100U);
	}
	for (i = 1;; i++) {			/* attach */
		sio_fail_nth_set(i);
		ret = iommu_attach_group(dom, grp(d));
		sio_fail_nth_set(0);
		if (!ret)
			break;
		EXPECT_NE(dom, fx_group_domain(d));
		ASSERT_LT(i, 100U);
	}
	iommu_detach_group(dom, grp(d));
	iommu_group_release_dma_owner(grp(d));
	iommu_domain_free(dom);
	ASSERT_INVARIANTS(fx);

	for (i = 1;; i++) {			/* paging domain alloc */
		long live = sio_alloc_live();

		sio_fail_nth_set(i);
		dom = iommu_paging_domain_alloc(d);
		sio_fail_nth_set(0);
		if (!IS_ERR(dom))
			break;
		EXPECT_EQ(live, sio_alloc_live());
		ASSERT_LT(i, 100U);
	}
	iommu_domain_free(dom);

	n = fx_dev_alloc(fx, "0000:00:09.0", "iommu0", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(n));
	ASSERT_EQ(0, fx_dev_add(fx, n));
	for (i = 1;; i++) {			/* probe at device_add */
		iommu_release_device(n);
		ASSERT_NULL(grp(n));
		sio_fail_nth_set(i);
		ret = iommu_probe_device(n);
		fired = sio_fail_nth_fired();
		sio_fail_nth_set(0);
		if (!fired) {
			ASSERT_EQ(0, ret);
			break;
		}
		if (ret)
			ASSERT_NULL(n->iommu);
		ASSERT_EQ(0, sio_iommu_check_invariants(fx->m));
		ASSERT_LT(i, 200U);
	}
	ASSERT_NE(NULL, grp(n));
	EXPECT_EQ(0, NEW_WARNS());
}

TEST_HARNESS_MAIN
