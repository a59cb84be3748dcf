// SPDX-License-Identifier: BSD-3-Clause
/*
 * Conformance: the mapping core — iommu_map alignment and rollback,
 * iommu_unmap byte counts and holes (spec §4.4, rules 75-76), plus tests
 * proving that the mock's checker catches what it claims to.
 */
#include "iommu_core_fixture.h"

#define DEV1 "0000:00:01.0"
#define SZ_4K 0x1000UL
#define SZ_2M 0x200000UL
#define RW (IOMMU_READ | IOMMU_WRITE)

static struct mock_iommu_stats stats(struct iommu_device *iommu)
{
	struct mock_iommu_stats st;

	mock_iommu_get_stats(iommu, &st);
	return st;
}

TEST_F(iommu_core, rule_75_map_misaligned_einval_midway_failure_unmaps_all)
{
	struct fx *fx = &self->fx;
	struct mock_iommu_stats st0;
	struct iommu_domain *p, *ident;
	struct sio_device *d;
	unsigned long off;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	test_alloc_paging(p, d);
	ASSERT_TRUE(p->pgsize_bitmap & SZ_4K);

	st0 = stats(fx->iommu);
	test_err_map(EINVAL, p, 0x10001, 0x20000, SZ_4K);
	test_err_map(EINVAL, p, 0x10000, 0x20001, SZ_4K);
	test_err_map(EINVAL, p, 0x10000, 0x20000, SZ_4K + 1);
	test_err_map(EINVAL, p, 0x10000, 0x20000, 0x800);
	EXPECT_EQ(0, iommu_iova_to_phys(p, 0x10000));
	if (fx_is_mock(fx)) {
		EXPECT_EQ(0, mock_domain_mapped_bytes(p));
		EXPECT_EQ(st0.map, stats(fx->iommu).map);
	}
	/* Not a paging domain. */
	ident = fx->iommu->ops->identity_domain;
	if (ident)
		test_err_map(EINVAL, ident, 0x10000, 0x10000, SZ_4K);

	/* 4 MiB at 4K+: 511 x 4K, 1 x 2M, 1 x 4K (three map_pages calls). */
	test_map(p, SZ_4K, SZ_4K, 2 * SZ_2M);
	for (off = 0; off < 2 * SZ_2M; off += 0x3f000)
		EXPECT_EQ(SZ_4K + off, iommu_iova_to_phys(p, SZ_4K + off));
	EXPECT_EQ(0, iommu_iova_to_phys(p, 0));
	EXPECT_EQ(0, iommu_iova_to_phys(p, SZ_4K + 2 * SZ_2M));
	if (fx_is_mock(fx)) {
		EXPECT_EQ(st0.map + 3, stats(fx->iommu).map);
		EXPECT_EQ(2 * SZ_2M, mock_domain_mapped_bytes(p));
	}
	/* Over an existing mapping: the driver's -EEXIST, nothing added. */
	test_err_map(EEXIST, p, 2 * SZ_2M, 0x900000, SZ_4K);
	EXPECT_EQ(2 * SZ_2M, iommu_unmap(p, SZ_4K, 2 * SZ_2M));
	EXPECT_EQ(0, iommu_iova_to_phys(p, SZ_4K));

	if (!fx_is_mock(fx))
		goto out_free;
	/* The second and the third chunk fail: all of the call is undone. */
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_MAP, 2, NULL,
				       -ENOMEM));
	test_err_map(ENOMEM, p, SZ_4K, SZ_4K, 2 * SZ_2M);
	EXPECT_EQ(0, mock_domain_mapped_bytes(p));
	EXPECT_EQ(0, iommu_iova_to_phys(p, SZ_4K));
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_MAP, 3, NULL,
				       -ENOSPC));
	test_err_map(ENOSPC, p, SZ_4K, SZ_4K, 2 * SZ_2M);
	EXPECT_EQ(0, mock_domain_mapped_bytes(p));
	EXPECT_EQ(0, iommu_iova_to_phys(p, SZ_2M));
	/* Earlier mappings of other calls survive a failed call. */
	test_map(p, 0x40000000, 0x40000000, SZ_4K);
	ASSERT_EQ(0, mock_iommu_inject(fx->iommu, MOCK_FAIL_MAP, 2, NULL,
				       -ENOMEM));
	test_err_map(ENOMEM, p, SZ_4K, SZ_4K, 2 * SZ_2M);
	EXPECT_EQ(SZ_4K, mock_domain_mapped_bytes(p));
	EXPECT_EQ(0x40000000, iommu_iova_to_phys(p, 0x40000000));
	EXPECT_EQ(SZ_4K, iommu_unmap(p, 0x40000000, SZ_4K));
	EXPECT_EQ(0, stats(fx->iommu).checker_warns);
out_free:
	iommu_domain_free(p);
}

TEST_F(iommu_core, rule_76_unmap_returns_bytes_stops_at_hole)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *p, *ident;
	struct sio_device *d;

	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	test_alloc_paging(p, d);

	/* [0x10000, 0x12000) mapped, a hole, [0x13000, 0x14000) mapped. */
	test_map(p, 0x10000, 0x80000, 0x2000);
	test_map(p, 0x13000, 0x93000, SZ_4K);
	EXPECT_EQ(0x2000, iommu_unmap(p, 0x10000, 0x4000));
	EXPECT_EQ(0, iommu_iova_to_phys(p, 0x11000));
	EXPECT_EQ(0x93000, iommu_iova_to_phys(p, 0x13000));
	/* Starting at the hole: nothing. */
	EXPECT_EQ(0, iommu_unmap(p, 0x12000, 0x2000));
	EXPECT_EQ(0x93000, iommu_iova_to_phys(p, 0x13000));
	EXPECT_EQ(SZ_4K, iommu_unmap(p, 0x13000, SZ_4K));

	/* One unmap may cover several maps. */
	test_map(p, 0x20000, 0xa0000, SZ_4K);
	test_map(p, 0x21000, 0xb0000, SZ_4K);
	test_map(p, 0x22000, 0xc0000, 0x2000);
	EXPECT_EQ(0x4000, iommu_unmap(p, 0x20000, 0x4000));
	EXPECT_EQ(0, iommu_iova_to_phys(p, 0x23000));

	/* A 2M page, unmapped whole. */
	test_map(p, SZ_2M, 0x40000000, SZ_2M);
	EXPECT_EQ(0x40001234, iommu_iova_to_phys(p, SZ_2M + 0x1234));
	EXPECT_EQ(SZ_2M, iommu_unmap(p, SZ_2M, SZ_2M));

	/* Nothing mapped; misaligned; not a paging domain: 0 bytes. */
	EXPECT_EQ(0, iommu_unmap(p, 0x50000, SZ_4K));
	test_map(p, 0x60000, 0x60000, SZ_4K);
	EXPECT_EQ(0, iommu_unmap(p, 0x60001, SZ_4K));
	EXPECT_EQ(0x60000, iommu_iova_to_phys(p, 0x60000));
	EXPECT_EQ(SZ_4K, iommu_unmap(p, 0x60000, SZ_4K));
	ident = fx->iommu->ops->identity_domain;
	if (ident)
		EXPECT_EQ(0, iommu_unmap(ident, 0x60000, SZ_4K));
	if (fx_is_mock(fx)) {
		EXPECT_EQ(0, mock_domain_mapped_bytes(p));
		EXPECT_EQ(0, stats(fx->iommu).checker_warns);
	}
	iommu_domain_free(p);
}

/* The checker must catch a split unmap (the selftest's superset rule). */
TEST_F(iommu_core, mock_checker_warns_on_split_unmap)
{
	struct fx *fx = &self->fx;
	struct iommu_domain *p;
	struct sio_device *d;

	FX_REQUIRE_MOCK(fx);
	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	test_alloc_paging(p, d);
	test_map(p, 0x10000, 0x80000, 0x3000);
	/* The tail of a map. */
	EXPECT_EQ(SZ_4K, iommu_unmap(p, 0x12000, SZ_4K));
	EXPECT_EQ(1, stats(fx->iommu).checker_warns);
	/* The head of the rest. */
	EXPECT_EQ(SZ_4K, iommu_unmap(p, 0x10000, SZ_4K));
	EXPECT_EQ(2, stats(fx->iommu).checker_warns);
	iommu_domain_free(p);
	test_expect_warns(2);
}

/*
 * The checker must catch a domain freed while a device is still attached,
 * and an attach of another driver's domain.  The driver ops are called
 * directly, behind the core's back, so the core's state stays sane.
 */
TEST_F(iommu_core, mock_checker_warns_on_free_while_attached_and_foreign)
{
	struct mock_iommu_config alt = { .flags = MOCK_IOMMU_F_ALT_DRIVER };
	struct fx *fx = &self->fx;
	struct iommu_domain *p, *q, *def;
	struct iommu_device *iommu1;
	struct sio_device *d, *d2;

	FX_REQUIRE_MOCK(fx);
	test_add_dev(d, fx, DEV1, "iommu0", NULL);
	def = fx_default_domain(d);
	test_alloc_paging(p, d);
	ASSERT_EQ(0, p->ops->attach_dev(p, d, def));
	EXPECT_EQ(p, fx_hw_domain(fx, d));
	iommu_domain_free(p);
	EXPECT_EQ(1, stats(fx->iommu).checker_warns);
	EXPECT_NULL(fx_hw_domain(fx, d));
	ASSERT_EQ(0, def->ops->attach_dev(def, d, NULL));
	EXPECT_EQ(def, fx_hw_domain(fx, d));

	iommu1 = fx_iommu_create(fx, "mock2-0", &alt);
	ASSERT_FALSE(IS_ERR(iommu1));
	test_add_dev(d2, fx, "0000:00:02.0", "mock2-0", NULL);
	test_alloc_paging(q, d2);
	EXPECT_EQ(-EINVAL, q->ops->attach_dev(q, d, def));
	EXPECT_EQ(2, stats(fx->iommu).checker_warns);
	EXPECT_EQ(def, fx_hw_domain(fx, d));
	iommu_domain_free(q);
	test_expect_warns(2);
}

TEST_HARNESS_MAIN
