// SPDX-License-Identifier: BSD-3-Clause
/*
 * fail-nth sweeps over the IOMMU core, in the shape of the kernel's
 * iommufd_fail_nth: run an operation once, then again with the n-th
 * allocation failing for n = 1, 2, ... until a run completes without the
 * injection firing (limit 400).  Each run must either succeed or fail with
 * the documented errno, leaving the state exactly as before and nothing
 * leaked.  Covers claim, release, attach (group, device, handle), paging
 * domain allocation, default-domain setup at device add, iommu_map, and a
 * DMA-API driver bind.
 */
#include "../conformance/iommu_core_fixture.h"

#define FAIL_NTH_LIMIT	400
#define DEV0 "0000:00:01.0"
#define DEV1 "0000:00:02.0"
#define DEVN "0000:00:09.0"

/*
 * One sweep.  @op returns 0 or -errno; on success @undo brings the state
 * back to what it was.  After every run the state must equal the snapshot.
 * A run that fails must fail with @errno_ok (or -ENOMEM).
 */
struct sweep {
	int (*op)(struct fx *fx, void *ctx);
	void (*undo)(struct fx *fx, void *ctx);
	/* optional: checks after a successful op, before undo */
	bool (*check_ok)(struct fx *fx, void *ctx);
	int errno_ok;
};

static unsigned int run_sweep(struct __test_metadata *_metadata,
			      struct fx *fx, const struct sweep *sw, void *ctx)
{
	struct fx_snap s;
	unsigned int n;
	bool fired;
	int ret;

	/* Once without injection: it must work (and warm lazy state up). */
	ret = sw->op(fx, ctx);
	ASSERT_EQ(0, ret);
	if (sw->check_ok)
		ASSERT_TRUE(sw->check_ok(fx, ctx));
	sw->undo(fx, ctx);

	for (n = 1; n <= FAIL_NTH_LIMIT; n++) {
		unsigned long total = sio_alloc_total();

		fx_snap_take(fx, &s);
		sio_fail_nth_set(n);
		ret = sw->op(fx, ctx);
		fired = sio_fail_nth_fired();
		sio_fail_nth_set(0);
		if (!ret) {
			if (sw->check_ok)
				ASSERT_TRUE(sw->check_ok(fx, ctx));
			sw->undo(fx, ctx);
		} else if (ret != -ENOMEM) {
			ASSERT_EQ(sw->errno_ok, ret);
		}
		if (!fx_snap_same(fx, &s, NULL, 0) || ret)
			printf("# fail-nth %u: op returned %d%s, %ld new object(s) live\n",
			       n, ret, fired ? " (injection fired)" : "",
			       sio_alloc_report_leaks(total));
		ASSERT_STATE_UNCHANGED(fx, &s);
		ASSERT_EQ(0, sio_iommu_check_invariants(fx->m));
		if (!fired)
			break;
	}
	ASSERT_LT(n, FAIL_NTH_LIMIT + 1);
	return n;
}

struct ctx {
	struct sio_device *d0, *d1, *dn;
	struct iommu_group *g;
	struct iommu_domain *p, *q;
	struct iommu_attach_handle h;
	unsigned int nr;
};

/* Two devices sharing a group behind @iommu (DMA default domain). */
static void setup_pair(struct __test_metadata *_metadata, struct fx *fx,
		       const char *iommu, struct ctx *c)
{
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	test_add_dev(c->d0, fx, DEV0, iommu, "slot0");
	test_add_dev(c->d1, fx, DEV1, iommu, "slot0");
	c->g = fx_group(c->d0);
	ASSERT_NOT_NULL(c->g);
}

static struct iommu_device *noblocked_iommu(struct __test_metadata *_metadata,
					    struct fx *fx)
{
	struct mock_iommu_config cfg = { .flags = MOCK_IOMMU_F_NO_BLOCKED };
	struct iommu_device *iommu1 = fx_iommu_create(fx, "iommu1", &cfg);

	ASSERT_FALSE(IS_ERR(iommu1));
	return iommu1;
}

/* ---- claim / release ---- */

static int op_claim_group(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return iommu_group_claim_dma_owner(c->g, OWNER_A);
}

static void undo_claim_group(struct fx *fx, void *ctx)
{
	iommu_group_release_dma_owner(((struct ctx *)ctx)->g);
}

static bool claimed(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return fx_owner_cnt(c->d0) >= 1 &&
	       fx_group_domain(c->d0) == fx_blocking_domain(c->d0);
}

static int op_claim_dev(struct fx *fx, void *ctx)
{
	return iommu_device_claim_dma_owner(((struct ctx *)ctx)->d1, OWNER_A);
}

static void undo_claim_dev(struct fx *fx, void *ctx)
{
	iommu_device_release_dma_owner(((struct ctx *)ctx)->d1);
}

TEST_F(iommu_core, fail_nth_claim_group_and_device)
{
	const struct sweep grp = { op_claim_group, undo_claim_group, claimed,
				   -ENOMEM };
	const struct sweep dev = { op_claim_dev, undo_claim_dev, claimed,
				   -ENOMEM };
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };

	setup_pair(_metadata, fx, "iommu0", &c);
	run_sweep(_metadata, fx, &grp, &c);
	run_sweep(_metadata, fx, &dev, &c);
}

/*
 * A fresh group each run (device add + claim), so the paging blocking
 * domain of a driver without a static one is allocated under injection.
 */
static int op_add_claim(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;
	int ret;

	c->dn = fx_add_dev(fx, DEVN, "iommu1", NULL);
	if (IS_ERR(c->dn))
		return (int)PTR_ERR(c->dn);
	ret = iommu_device_claim_dma_owner(c->dn, OWNER_A);
	if (ret)
		fx_del_dev(fx, c->dn);
	return ret;
}

static void undo_add_claim(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	iommu_device_release_dma_owner(c->dn);
	fx_del_dev(fx, c->dn);
}

static bool dn_claimed(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return fx_owner_cnt(c->dn) == 1 && fx_blocking_domain(c->dn) &&
	       fx_group_domain(c->dn) == fx_blocking_domain(c->dn);
}

TEST_F(iommu_core, fail_nth_claim_with_paging_blocking_domain)
{
	/* -ENODEV: the device's IOMMU probe failed, so it has no group. */
	const struct sweep sw = { op_add_claim, undo_add_claim, dn_claimed,
				  -ENODEV };
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };

	FX_REQUIRE_MOCK(fx);
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	noblocked_iommu(_metadata, fx);
	run_sweep(_metadata, fx, &sw, &c);
}

/* Release cannot fail: under injection it must still fully release. */
static int op_claim_release(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;
	int ret;

	sio_fail_nth_set(0);
	ret = iommu_device_claim_dma_owner(c->d0, OWNER_B);
	if (ret)
		return ret;
	sio_fail_nth_set(c->nr);
	iommu_device_release_dma_owner(c->d0);
	return 0;
}

static bool released(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return fx_owner_cnt(c->d0) == 0 &&
	       fx_group_domain(c->d0) == fx_default_domain(c->d0);
}

TEST_F(iommu_core, fail_nth_release)
{
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };
	struct fx_snap s;
	bool fired;

	setup_pair(_metadata, fx, "iommu0", &c);
	for (c.nr = 1; c.nr <= FAIL_NTH_LIMIT; c.nr++) {
		fx_snap_take(fx, &s);
		ASSERT_EQ(0, op_claim_release(fx, &c));
		fired = sio_fail_nth_fired();
		sio_fail_nth_set(0);
		ASSERT_TRUE(released(fx, &c));
		ASSERT_STATE_UNCHANGED(fx, &s);
		if (!fired)
			break;
	}
	ASSERT_LT(c.nr, FAIL_NTH_LIMIT + 1);
}

/* ---- attach ---- */

static int op_attach_group(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return iommu_attach_group(c->p, c->g);
}

static void undo_attach_group(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	iommu_detach_group(c->p, c->g);
}

static bool on_p(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return fx_group_domain(c->d0) == c->p;
}

static int op_attach_dev(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return iommu_attach_device(c->q, c->dn);
}

static void undo_attach_dev(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	iommu_detach_device(c->q, c->dn);
}

static bool dn_on_q(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return fx_group_domain(c->dn) == c->q;
}

static int op_attach_handle(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return iommu_attach_group_handle(c->p, c->g, &c->h);
}

static void undo_attach_handle(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	iommu_detach_group_handle(c->p, c->g);
}

TEST_F(iommu_core, fail_nth_attach_group_device_handle)
{
	const struct sweep grp = { op_attach_group, undo_attach_group, on_p,
				   -ENOMEM };
	const struct sweep dev = { op_attach_dev, undo_attach_dev, dn_on_q,
				   -ENOMEM };
	const struct sweep hdl = { op_attach_handle, undo_attach_handle, on_p,
				   -ENOMEM };
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };

	setup_pair(_metadata, fx, "iommu0", &c);
	test_add_dev(c.dn, fx, DEVN, "iommu0", NULL);
	test_alloc_paging(c.p, c.d0);
	test_alloc_paging(c.q, c.dn);
	run_sweep(_metadata, fx, &grp, &c);
	run_sweep(_metadata, fx, &dev, &c);
	run_sweep(_metadata, fx, &hdl, &c);
	/* Owned: attach from the blocking domain. */
	test_claim_group(c.g, OWNER_A);
	run_sweep(_metadata, fx, &grp, &c);
	iommu_group_release_dma_owner(c.g);
	iommu_domain_free(c.p);
	iommu_domain_free(c.q);
}

/* ---- paging domain allocation ---- */

static int op_alloc(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	c->p = iommu_paging_domain_alloc_flags(c->d0, c->nr);
	return PTR_ERR_OR_ZERO(c->p);
}

static void undo_alloc(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	iommu_domain_free(c->p);
	c->p = NULL;
}

static bool alloc_ok(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return c->p && c->p->type == IOMMU_DOMAIN_UNMANAGED;
}

TEST_F(iommu_core, fail_nth_paging_domain_alloc)
{
	const struct sweep sw = { op_alloc, undo_alloc, alloc_ok, -ENOMEM };
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };

	setup_pair(_metadata, fx, "iommu0", &c);
	c.nr = 0;
	run_sweep(_metadata, fx, &sw, &c);
	c.nr = IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (fx_is_mock(fx))
		run_sweep(_metadata, fx, &sw, &c);
}

/* ---- default-domain setup at device add ---- */

static int op_add(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	c->dn = fx_add_dev(fx, DEVN, "iommu0", c->nr ? "slot0" : NULL);
	return PTR_ERR_OR_ZERO(c->dn);
}

static void undo_add(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	fx_del_dev(fx, c->dn);
	c->dn = NULL;
}

/*
 * Probed whole (group, default domain, attached to the group's domain: the
 * default one, or the blocking one of a user-owned group) or not at all.
 */
static bool add_ok(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;
	struct iommu_domain *def, *dom;

	if (!fx_group(c->dn))
		return !device_iommu_mapped(c->dn);
	def = fx_default_domain(c->dn);
	dom = fx_group_domain(c->dn);
	if (!def || !dom)
		return false;
	if (dom != def &&
	    !(fx_owner_cnt(c->dn) && dom == fx_blocking_domain(c->dn)))
		return false;
	return !fx_is_mock(fx) || fx_hw_domain(fx, c->dn) == dom;
}

TEST_F(iommu_core, fail_nth_device_add_default_domain)
{
	const struct sweep sw = { op_add, undo_add, add_ok, -ENOMEM };
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };

	setup_pair(_metadata, fx, "iommu0", &c);
	c.nr = 0;	/* a new group */
	run_sweep(_metadata, fx, &sw, &c);
	c.nr = 1;	/* joins slot0's group */
	run_sweep(_metadata, fx, &sw, &c);
	/* Joins a user-owned group: onto the blocking domain. */
	test_claim_group(c.g, OWNER_A);
	run_sweep(_metadata, fx, &sw, &c);
	iommu_group_release_dma_owner(c.g);
}

/* ---- iommu_map ---- */

#define MAP_IOVA 0x1ff000UL
#define MAP_SIZE 0x202000UL	/* 4K + 2M + 4K: three chunks */

static int op_map(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return iommu_map(c->p, MAP_IOVA, MAP_IOVA, MAP_SIZE,
			 IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
}

static void undo_map(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	iommu_unmap(c->p, MAP_IOVA, MAP_SIZE);
}

static bool mapped(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return iommu_iova_to_phys(c->p, MAP_IOVA) == MAP_IOVA &&
	       iommu_iova_to_phys(c->p, MAP_IOVA + MAP_SIZE - 1) ==
		       MAP_IOVA + MAP_SIZE - 1;
}

TEST_F(iommu_core, fail_nth_iommu_map)
{
	const struct sweep sw = { op_map, undo_map, mapped, -ENOMEM };
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };
	struct fx_snap s;

	setup_pair(_metadata, fx, "iommu0", &c);
	test_alloc_paging(c.p, c.d0);
	test_map(c.p, 0x10000000, 0x10000000, 0x1000);
	fx_snap_take(fx, &s);
	run_sweep(_metadata, fx, &sw, &c);
	/* A failed map never touched the earlier one. */
	EXPECT_EQ(0x10000000, iommu_iova_to_phys(c.p, 0x10000000));
	EXPECT_EQ(0, iommu_iova_to_phys(c.p, MAP_IOVA));
	if (fx_is_mock(fx))
		EXPECT_EQ(0x1000, mock_domain_mapped_bytes(c.p));
	EXPECT_EQ(0x1000, iommu_unmap(c.p, 0x10000000, 0x1000));
	iommu_domain_free(c.p);
}

/* ---- DMA-API driver bind (use_default_domain) ---- */

static int op_bind(struct fx *fx, void *ctx)
{
	return fx_bind_dma(fx, ((struct ctx *)ctx)->d1);
}

static void undo_bind(struct fx *fx, void *ctx)
{
	fx_unbind(((struct ctx *)ctx)->d1);
}

static bool bound(struct fx *fx, void *ctx)
{
	struct ctx *c = ctx;

	return READ_ONCE(c->d1->driver) && fx_owner_cnt(c->d1) == 1;
}

TEST_F(iommu_core, fail_nth_dma_api_bind)
{
	const struct sweep sw = { op_bind, undo_bind, bound, -ENOMEM };
	struct fx *fx = &self->fx;
	struct ctx c = { 0 };

	setup_pair(_metadata, fx, "iommu0", &c);
	run_sweep(_metadata, fx, &sw, &c);
}

TEST_HARNESS_MAIN
