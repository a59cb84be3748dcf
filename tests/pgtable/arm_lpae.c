// SPDX-License-Identifier: BSD-3-Clause
/*
 * ARM LPAE io-pgtable tests: the kernel selftest sweep (every granule x
 * page-size set x oas x ias, stage 1 and 2), rules 77 and 78, flush-op
 * contract, fail-nth, table memory, and a software walk through
 * fmt/arm-lpae.h that must agree with iova_to_phys.
 * Kernel counterpart: drivers/iommu/io-pgtable-arm-selftests.c
 */
#include <pthread.h>

#include "harness.h"
#include "base/base.h"
#include "mem/phys-mem.h"
#include "pgtable/io-pgtable.h"
#include "pgtable/fmt/arm-lpae.h"
#include <softiommu/iommu-driver.h>

#define SZ_4K	(1UL << 12)
#define SZ_16K	(1UL << 14)
#define SZ_64K	(1UL << 16)
#define SZ_2M	(1UL << 21)
#define SZ_32M	(1UL << 25)
#define SZ_512M (1UL << 29)
#define SZ_1G	(1UL << 30)
#define SZ_4T	(1UL << 42)

static const unsigned long pgsize_sets[] = {
	SZ_4K | SZ_2M | SZ_1G,
	SZ_16K | SZ_32M,
	SZ_64K | SZ_512M,
};
static const unsigned int address_sizes[] = { 32, 36, 40, 42, 44, 48 };

/* ---- Dummy flush ops: check the cookie and every flushed size ----------- */

struct flush_log {
	unsigned long pgsize_bitmap;
	unsigned long flush_all, flush_walk, add_page;
	unsigned long errors; /* wrong cookie, or a size not in the bitmap */
	unsigned long last_iova;
	size_t last_size;
	const struct iommu_iotlb_gather *last_gather;
};

static struct flush_log flog;

static void check_size(void *cookie, size_t size)
{
	if (cookie != &flog || !is_power_of_2(size) ||
	    !(size & flog.pgsize_bitmap))
		flog.errors++;
}

static void dummy_tlb_flush_all(void *cookie)
{
	if (cookie != &flog)
		flog.errors++;
	flog.flush_all++;
}

static void dummy_tlb_flush_walk(unsigned long iova, size_t size,
				 size_t granule, void *cookie)
{
	check_size(cookie, size);
	check_size(cookie, granule);
	flog.flush_walk++;
	flog.last_iova = iova;
	flog.last_size = size;
}

static void dummy_tlb_add_page(struct iommu_iotlb_gather *gather,
			       unsigned long iova, size_t granule, void *cookie)
{
	check_size(cookie, granule);
	flog.add_page++;
	flog.last_iova = iova;
	flog.last_size = granule;
	flog.last_gather = gather;
}

static const struct iommu_flush_ops dummy_tlb_ops = {
	.tlb_flush_all = dummy_tlb_flush_all,
	.tlb_flush_walk = dummy_tlb_flush_walk,
	.tlb_add_page = dummy_tlb_add_page,
};

static struct io_pgtable_cfg make_cfg(struct sio_phys_mem *mem,
				      unsigned long pgsizes, unsigned int ias,
				      unsigned int oas, unsigned long quirks)
{
	struct io_pgtable_cfg cfg = {
		.quirks = quirks,
		.pgsize_bitmap = pgsizes,
		.ias = ias,
		.oas = oas,
		.coherent_walk = true,
		.tlb = &dummy_tlb_ops,
		.mem = mem,
	};

	memset(&flog, 0, sizeof(flog));
	flog.pgsize_bitmap = pgsizes;
	return cfg;
}

static bool fmt_is_s2(enum io_pgtable_fmt fmt)
{
	return fmt == ARM_64_LPAE_S2 || fmt == ARM_32_LPAE_S2;
}

/* ---- The hardware's view: geometry from TCR/VTCR, walk through the header */

/*
 * Derive the walk geometry from the programmed fields only, as the SMMU
 * does, and check it matches what io-pgtable says it built.
 */
static void hw_geom(struct __test_metadata *_metadata,
		    const struct io_pgtable_cfg *cfg, bool s2,
		    struct arm_lpae_geom *g, u64 *ttbr)
{
	int gs, oas, start;
	unsigned int ias;

	if (!s2) {
		gs = arm_lpae_tg_to_granule(cfg->arm_lpae_s1_cfg.tcr.tg);
		oas = arm_lpae_ps_to_oas(cfg->arm_lpae_s1_cfg.tcr.ips);
		ias = 64 - cfg->arm_lpae_s1_cfg.tcr.tsz;
		ASSERT_GT(gs, 0);
		start = ARM_LPAE_MAX_LEVELS - arm_lpae_levels(gs, ias);
		*ttbr = cfg->arm_lpae_s1_cfg.ttbr;
	} else {
		gs = arm_lpae_tg_to_granule(cfg->arm_lpae_s2_cfg.vtcr.tg);
		oas = arm_lpae_ps_to_oas(cfg->arm_lpae_s2_cfg.vtcr.ps);
		ias = 64 - cfg->arm_lpae_s2_cfg.vtcr.tsz;
		ASSERT_GT(gs, 0);
		start = arm_lpae_s2_sl0_to_level(gs,
						 cfg->arm_lpae_s2_cfg.vtcr.sl);
		*ttbr = cfg->arm_lpae_s2_cfg.vttbr;
	}
	ASSERT_GT(oas, 0);
	ASSERT_GE(start, 0);
	ASSERT_EQ(0, arm_lpae_geom_init(g, gs, ias, oas, start));
	ASSERT_EQ(cfg->arm_lpae_geom.granule_shift, g->granule_shift);
	ASSERT_EQ(cfg->arm_lpae_geom.start_level, g->start_level);
	ASSERT_EQ(cfg->arm_lpae_geom.pgd_bits, g->pgd_bits);
	ASSERT_EQ(cfg->ias, g->ias);
	ASSERT_EQ(cfg->oas, g->oas);
	ASSERT_TRUE(IS_ALIGNED(*ttbr, arm_lpae_pgd_bytes(g)));
}

/*
 * Software walk using only the step helpers of fmt/arm-lpae.h.
 * Return: the output address, or 0 with no translation.
 */
static u64 sw_walk(struct sio_phys_mem *mem, const struct arm_lpae_geom *g,
		   u64 ttbr, u64 iova, arm_lpae_iopte *leaf, u64 *leaf_size)
{
	u64 table = ttbr;
	unsigned int lvl;

	if (iova >> g->ias)
		return 0;
	for (lvl = g->start_level; lvl < ARM_LPAE_MAX_LEVELS; lvl++) {
		arm_lpae_iopte pte;
		u64 pa, blk;

		if (sio_phys_try_read64(
			    mem, table + 8 * arm_lpae_lvl_idx(g, iova, lvl),
			    &pte))
			return 0;
		if (!arm_lpae_pte_valid(pte))
			return 0;
		pa = arm_lpae_pte_to_paddr(pte, g->granule_shift);
		if (arm_lpae_pte_is_table(pte, lvl)) {
			table = pa;
			continue;
		}
		if (!arm_lpae_pte_is_leaf(pte, lvl) ||
		    !arm_lpae_leaf_allowed(g, lvl))
			return 0;
		blk = arm_lpae_block_size(g, lvl);
		if (leaf)
			*leaf = pte;
		if (leaf_size)
			*leaf_size = blk;
		return (pa & ~(blk - 1)) | (iova & (blk - 1));
	}
	return 0;
}

static int read_desc(void *ctx, u64 pa, arm_lpae_iopte *pte)
{
	return sio_phys_try_read64(ctx, pa, pte);
}

/* Map [iova, iova + pgsize * pgcount), looping over partial maps. */
static int map_all(struct io_pgtable_ops *ops, unsigned long iova, u64 paddr,
		   size_t pgsize, size_t pgcount, int prot)
{
	while (pgcount) {
		size_t mapped = 0;
		int ret = ops->map_pages(ops, iova, paddr, pgsize, pgcount,
					 prot, GFP_KERNEL, &mapped);

		if (ret)
			return ret;
		if (!mapped || mapped % pgsize)
			return -EIO;
		iova += mapped;
		paddr += mapped;
		pgcount -= mapped / pgsize;
	}
	return 0;
}

/* Unmap looping over partial unmaps.  Return: bytes unmapped. */
static size_t unmap_all(struct io_pgtable_ops *ops, unsigned long iova,
			size_t pgsize, size_t pgcount,
			struct iommu_iotlb_gather *gather)
{
	size_t total = 0;

	while (pgcount) {
		size_t n = ops->unmap_pages(ops, iova, pgsize, pgcount, gather);

		if (!n)
			break;
		total += n;
		iova += n;
		pgcount -= n / pgsize;
	}
	return total;
}

/* ---- The kernel selftest sweep (spec 9.4) -------------------------------- */

static void run_selftest_cfg(struct __test_metadata *_metadata,
			     struct sio_phys_mem *mem, enum io_pgtable_fmt fmt,
			     unsigned long pgsizes, unsigned int ias,
			     unsigned int oas)
{
	struct io_pgtable_cfg cfg =
		make_cfg(mem, pgsizes, ias, oas, IO_PGTABLE_QUIRK_NO_WARN);
	bool s2 = fmt_is_s2(fmt);
	struct io_pgtable_ops *ops;
	struct arm_lpae_geom g;
	unsigned long iova, size;
	size_t mapped;
	unsigned int j;
	u64 ttbr;

	ops = alloc_io_pgtable_ops(fmt, &cfg, &flog);
	ASSERT_NOT_NULL(ops);
	ASSERT_EQ(pgsizes, cfg.pgsize_bitmap);
	hw_geom(_metadata, &cfg, s2, &g, &ttbr);

	/* 1. A fresh table translates nothing (rule 77). */
	EXPECT_EQ(0, ops->iova_to_phys(ops, 42));
	EXPECT_EQ(0, ops->iova_to_phys(ops, SZ_1G + 42));
	EXPECT_EQ(0, ops->iova_to_phys(ops, 2 * SZ_1G + 42));
	EXPECT_EQ(0, sw_walk(mem, &g, ttbr, 42, NULL, NULL));

	/* 2. Map every size, one per GiB; overlaps fail (rule 77). */
	iova = 0;
	for (j = 0; j < 64; j++) {
		if (!(pgsizes & (1UL << j)))
			continue;
		size = 1UL << j;
		mapped = 0;
		ASSERT_EQ(0, ops->map_pages(ops, iova, iova, size, 1,
					    IO_PGTABLE_PROT_READ |
						    IO_PGTABLE_PROT_WRITE |
						    IO_PGTABLE_PROT_NOEXEC |
						    IO_PGTABLE_PROT_CACHE,
					    GFP_KERNEL, &mapped));
		EXPECT_EQ(size, mapped);
		mapped = 0;
		EXPECT_EQ(-EEXIST,
			  ops->map_pages(ops, iova, iova + size, size, 1,
					 IO_PGTABLE_PROT_READ |
						 IO_PGTABLE_PROT_NOEXEC,
					 GFP_KERNEL, &mapped));
		EXPECT_EQ(0, mapped);
		EXPECT_EQ(iova + 42, ops->iova_to_phys(ops, iova + 42));
		EXPECT_EQ(iova + 42,
			  sw_walk(mem, &g, ttbr, iova + 42, NULL, NULL));
		iova += SZ_1G;
	}

	/* 3. Unmap returns the size; remap write-only. */
	iova = 0;
	for (j = 0; j < 64; j++) {
		if (!(pgsizes & (1UL << j)))
			continue;
		size = 1UL << j;
		EXPECT_EQ(size, ops->unmap_pages(ops, iova, size, 1, NULL));
		EXPECT_EQ(0, ops->iova_to_phys(ops, iova + 42));
		EXPECT_EQ(0, sw_walk(mem, &g, ttbr, iova + 42, NULL, NULL));
		ASSERT_EQ(0, ops->map_pages(ops, iova, iova, size, 1,
					    IO_PGTABLE_PROT_WRITE, GFP_KERNEL,
					    &mapped));
		EXPECT_EQ(iova + 42, ops->iova_to_phys(ops, iova + 42));
		iova += SZ_1G;
	}

	/* 4. The largest page at the very top of the IAS. */
	size = 1UL << __fls(pgsizes);
	iova = (1UL << ias) - size;
	mapped = 0;
	ASSERT_EQ(0,
		  ops->map_pages(ops, iova, iova, size, 1,
				 IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE,
				 GFP_KERNEL, &mapped));
	EXPECT_EQ(size, mapped);
	EXPECT_EQ(iova + 42, ops->iova_to_phys(ops, iova + 42));
	EXPECT_EQ(iova + 42, sw_walk(mem, &g, ttbr, iova + 42, NULL, NULL));
	EXPECT_EQ(size, ops->unmap_pages(ops, iova, size, 1, NULL));
	EXPECT_EQ(0, ops->iova_to_phys(ops, iova + 42));

	/* 5. Free: one flush of everything, every table page returned. */
	free_io_pgtable_ops(ops);
	EXPECT_EQ(1, flog.flush_all);
	EXPECT_EQ(0, flog.errors);
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));
}

static void sweep(struct __test_metadata *_metadata, enum io_pgtable_fmt fmt,
		  unsigned int max_ias, unsigned int max_oas, int *ncfg)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 1ULL << 30);
	unsigned int i, o, a;

	ASSERT_FALSE(IS_ERR(mem));
	for (i = 0; i < ARRAY_SIZE(pgsize_sets); i++) {
		/* The 32-bit formats take 4K sizes only. */
		if ((fmt == ARM_32_LPAE_S1 || fmt == ARM_32_LPAE_S2) && i)
			continue;
		for (o = 0; o < ARRAY_SIZE(address_sizes); o++) {
			unsigned int oas = address_sizes[o];

			if (oas > max_oas)
				continue;
			for (a = 0; a <= o; a++) {
				unsigned int ias = address_sizes[a];
				int was_failed = _metadata->failed;

				if (ias > max_ias)
					continue;
				run_selftest_cfg(_metadata, mem, fmt,
						 pgsize_sets[i], ias, oas);
				if (_metadata->failed && !was_failed)
					printf("# failed: %s pgsizes %#lx ias %u oas %u\n",
					       io_pgtable_fmt_name(fmt),
					       pgsize_sets[i], ias, oas);
				(*ncfg)++;
			}
		}
	}
	sio_phys_mem_destroy(mem);
}

TEST(selftest_sweep_64_s1)
{
	int n = 0;

	sweep(_metadata, ARM_64_LPAE_S1, 48, 48, &n);
	EXPECT_EQ(3 * 21, n);
	EXPECT_EQ(0, sio_warn_count());
}

TEST(selftest_sweep_64_s2)
{
	int n = 0;

	sweep(_metadata, ARM_64_LPAE_S2, 48, 48, &n);
	EXPECT_EQ(3 * 21, n);
	EXPECT_EQ(0, sio_warn_count());
}

TEST(selftest_sweep_32)
{
	int n = 0;

	sweep(_metadata, ARM_32_LPAE_S1, 32, 40, &n);
	EXPECT_EQ(3, n); /* ias 32 x oas {32, 36, 40} */
	n = 0;
	sweep(_metadata, ARM_32_LPAE_S2, 40, 40, &n);
	EXPECT_EQ(6, n); /* ias <= oas <= 40 */
}

/* ---- Configuration: what is refused, what is programmed ----------------- */

FIXTURE(lpae)
{
	struct sio_phys_mem *mem;
};

FIXTURE_SETUP(lpae)
{
	self->mem = sio_phys_mem_create(0, 1ULL << 30);
	ASSERT_FALSE(IS_ERR(self->mem));
}

FIXTURE_TEARDOWN(lpae)
{
	EXPECT_EQ(0, sio_phys_nr_live_pages(self->mem));
	sio_phys_mem_destroy(self->mem);
}

static struct io_pgtable_ops *try_alloc(struct sio_phys_mem *mem,
					enum io_pgtable_fmt fmt,
					unsigned long pgsizes, unsigned int ias,
					unsigned int oas, unsigned long quirks,
					struct io_pgtable_cfg *out)
{
	struct io_pgtable_cfg cfg = make_cfg(mem, pgsizes, ias, oas, quirks);
	struct io_pgtable_ops *ops = alloc_io_pgtable_ops(fmt, &cfg, &flog);

	if (out)
		*out = cfg;
	return ops;
}

TEST_F(lpae, alloc_refuses_unsupported)
{
	struct io_pgtable_cfg cfg = make_cfg(NULL, SZ_4K, 48, 48, 0);

	/* No granule among the offered sizes. */
	EXPECT_NULL(try_alloc(self->mem, ARM_64_LPAE_S1, 0, 48, 48, 0, NULL));
	EXPECT_NULL(try_alloc(self->mem, ARM_64_LPAE_S1, 1UL << 13, 48, 48, 0,
			      NULL));
	EXPECT_NULL(
		try_alloc(self->mem, ARM_64_LPAE_S1, SZ_2M, 48, 48, 0, NULL));
	/* Sizes above 52 bits, and output sizes IPS cannot encode. */
	EXPECT_NULL(
		try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 53, 48, 0, NULL));
	EXPECT_NULL(
		try_alloc(self->mem, ARM_64_LPAE_S2, SZ_4K, 48, 53, 0, NULL));
	EXPECT_NULL(
		try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 32, 39, 0, NULL));
	EXPECT_NULL(
		try_alloc(self->mem, ARM_64_LPAE_S2, SZ_4K, 32, 33, 0, NULL));
	/* Quirks the stage does not know. */
	EXPECT_NULL(try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 48, 48,
			      IO_PGTABLE_QUIRK_ARM_S2FWB, NULL));
	EXPECT_NULL(try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 48, 48,
			      IO_PGTABLE_QUIRK_ARM_TTBR1, NULL));
	EXPECT_NULL(try_alloc(self->mem, ARM_64_LPAE_S2, SZ_4K, 48, 48,
			      IO_PGTABLE_QUIRK_ARM_HD, NULL));
	/* 32-bit formats: ias and oas limits, 4K sizes only. */
	EXPECT_NULL(
		try_alloc(self->mem, ARM_32_LPAE_S1, SZ_4K, 33, 40, 0, NULL));
	EXPECT_NULL(
		try_alloc(self->mem, ARM_32_LPAE_S1, SZ_4K, 32, 42, 0, NULL));
	EXPECT_NULL(
		try_alloc(self->mem, ARM_32_LPAE_S2, SZ_4K, 42, 42, 0, NULL));
	EXPECT_NULL(try_alloc(self->mem, ARM_32_LPAE_S1, SZ_16K | SZ_32M, 32,
			      40, 0, NULL));
	/* No memory, bad format. */
	EXPECT_NULL(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &flog));
	cfg.mem = self->mem;
	EXPECT_NULL(alloc_io_pgtable_ops(IO_PGTABLE_NUM_FMTS, &cfg, &flog));
	EXPECT_NULL(
		alloc_io_pgtable_ops((enum io_pgtable_fmt) - 1, &cfg, &flog));
	EXPECT_EQ(0, sio_phys_nr_live_pages(self->mem));
}

TEST_F(lpae, granule_choice_and_clamping)
{
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;

	/* 4K preferred when offered; the other granules' sizes dropped. */
	ops = try_alloc(self->mem, ARM_64_LPAE_S1,
			SZ_4K | SZ_16K | SZ_64K | SZ_2M | SZ_32M | SZ_512M, 48,
			48, 0, &cfg);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(SZ_4K | SZ_2M, cfg.pgsize_bitmap);
	free_io_pgtable_ops(ops);

	/* Without 4K: the smallest granule above it. */
	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_16K | SZ_64K | SZ_512M,
			48, 48, 0, &cfg);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(SZ_16K, cfg.pgsize_bitmap);
	free_io_pgtable_ops(ops);

	/* 4K and 16K clamp to 48 bits; 64K goes to 52 and gains 4T blocks. */
	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 52, 52, 0, &cfg);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(48, cfg.ias);
	EXPECT_EQ(48, cfg.oas);
	free_io_pgtable_ops(ops);
	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_64K | SZ_512M | SZ_4T, 52,
			52, 0, &cfg);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(52, cfg.ias);
	EXPECT_EQ(SZ_64K | SZ_512M | SZ_4T, cfg.pgsize_bitmap);
	EXPECT_EQ(ARM_LPAE_TCR_PS_52_BIT, cfg.arm_lpae_s1_cfg.tcr.ips);
	free_io_pgtable_ops(ops);
	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_64K | SZ_512M | SZ_4T, 48,
			48, 0, &cfg);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(SZ_64K | SZ_512M, cfg.pgsize_bitmap);
	free_io_pgtable_ops(ops);
}

TEST_F(lpae, s1_outputs)
{
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 48,
			44, 0, &cfg);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(16, cfg.arm_lpae_s1_cfg.tcr.tsz);
	EXPECT_EQ(ARM_LPAE_TCR_TG0_4K, cfg.arm_lpae_s1_cfg.tcr.tg);
	EXPECT_EQ(ARM_LPAE_TCR_PS_44_BIT, cfg.arm_lpae_s1_cfg.tcr.ips);
	EXPECT_EQ(ARM_LPAE_TCR_SH_IS, cfg.arm_lpae_s1_cfg.tcr.sh);
	EXPECT_EQ(ARM_LPAE_TCR_RGN_WBWA, cfg.arm_lpae_s1_cfg.tcr.irgn);
	EXPECT_EQ(ARM_LPAE_TCR_RGN_WBWA, cfg.arm_lpae_s1_cfg.tcr.orgn);
	EXPECT_EQ(0xf404ff44ULL, cfg.arm_lpae_s1_cfg.mair);
	EXPECT_EQ(0, cfg.arm_lpae_geom.start_level);
	EXPECT_EQ(9, cfg.arm_lpae_geom.pgd_bits);
	EXPECT_TRUE(sio_phys_range_valid(self->mem, cfg.arm_lpae_s1_cfg.ttbr,
					 SZ_4K));
	EXPECT_EQ(SZ_4K, io_pgtable_table_bytes(ops));
	free_io_pgtable_ops(ops);

	/* Non-coherent walk: outer shareable, non-cacheable. */
	cfg = make_cfg(self->mem, SZ_16K | SZ_32M, 36, 40, 0);
	cfg.coherent_walk = false;
	ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &flog);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(28, cfg.arm_lpae_s1_cfg.tcr.tsz);
	EXPECT_EQ(ARM_LPAE_TCR_TG0_16K, cfg.arm_lpae_s1_cfg.tcr.tg);
	EXPECT_EQ(ARM_LPAE_TCR_SH_OS, cfg.arm_lpae_s1_cfg.tcr.sh);
	EXPECT_EQ(ARM_LPAE_TCR_RGN_NC, cfg.arm_lpae_s1_cfg.tcr.irgn);
	EXPECT_EQ(ARM_LPAE_TCR_RGN_NC, cfg.arm_lpae_s1_cfg.tcr.orgn);
	/* 36 bits with 16K: 22 bits over 2 levels; the top one has 11 bits. */
	EXPECT_EQ(2, cfg.arm_lpae_geom.start_level);
	EXPECT_EQ(11, cfg.arm_lpae_geom.pgd_bits);
	free_io_pgtable_ops(ops);
}

struct s2_case {
	unsigned long pgsizes;
	unsigned int ias, oas;
	unsigned int start_level, sl0, concat;
};

TEST_F(lpae, s2_concatenation_and_vtcr)
{
	static const struct s2_case cases[] = {
		/* 4K starting at level 0 with oas 40/42: concatenate. */
		{ SZ_4K, 40, 40, 1, 1, 2 },
		{ SZ_4K, 42, 42, 1, 1, 8 },
		/* 4K from level 0 with oas 44/48: no concatenation. */
		{ SZ_4K, 44, 44, 0, 2, 1 },
		{ SZ_4K, 48, 48, 0, 2, 1 },
		/* 4K starting at level 1 anyway. */
		{ SZ_4K, 32, 32, 1, 1, 1 },
		{ SZ_4K, 36, 40, 1, 1, 1 },
		/* 16K at level 0 with 48 bits; at level 1 with oas 40. */
		{ SZ_16K, 48, 48, 1, 2, 2 },
		{ SZ_16K, 40, 40, 2, 1, 16 },
		{ SZ_16K, 40, 42, 1, 2, 1 },
		{ SZ_16K, 36, 36, 2, 1, 1 },
		/* 64K never concatenates here. */
		{ SZ_64K, 48, 48, 1, 2, 1 },
		{ SZ_64K, 42, 42, 2, 1, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct s2_case *c = &cases[i];
		struct io_pgtable_cfg cfg;
		struct io_pgtable_ops *ops;
		struct arm_lpae_geom g;
		unsigned long iova;
		u64 ttbr;

		ops = try_alloc(self->mem, ARM_64_LPAE_S2, c->pgsizes, c->ias,
				c->oas, 0, &cfg);
		ASSERT_NOT_NULL(ops);
		EXPECT_EQ(c->start_level, cfg.arm_lpae_geom.start_level);
		EXPECT_EQ(c->sl0, cfg.arm_lpae_s2_cfg.vtcr.sl);
		EXPECT_EQ(c->concat, arm_lpae_geom_concat(&cfg.arm_lpae_geom));
		EXPECT_EQ(64 - c->ias, cfg.arm_lpae_s2_cfg.vtcr.tsz);
		EXPECT_EQ(arm_lpae_oas_to_ps(c->oas),
			  cfg.arm_lpae_s2_cfg.vtcr.ps);
		EXPECT_EQ(ALIGN(arm_lpae_pgd_bytes(&cfg.arm_lpae_geom), SZ_4K),
			  io_pgtable_table_bytes(ops));
		hw_geom(_metadata, &cfg, true, &g, &ttbr);

		/* The last granule of the last concatenated table works. */
		iova = (1UL << c->ias) - c->pgsizes;
		ASSERT_EQ(0, map_all(ops, iova, 0x1000000UL, c->pgsizes, 1,
				     IO_PGTABLE_PROT_READ));
		EXPECT_EQ(0x1000000UL + 7, ops->iova_to_phys(ops, iova + 7));
		EXPECT_EQ(0x1000000UL + 7,
			  sw_walk(self->mem, &g, ttbr, iova + 7, NULL, NULL));
		free_io_pgtable_ops(ops);
	}
}

/* ---- Rule 77: -EEXIST, partial unmap refused, fresh table empty ---------- */

TEST_F(lpae, rule_77_map_over_leaf_eexist)
{
	struct io_pgtable_ops *ops;
	size_t mapped = 0;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 48,
			48, 0, NULL);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(0, ops->iova_to_phys(ops, 0x1000));
	ASSERT_EQ(0, map_all(ops, SZ_2M, 0x80000000UL, SZ_2M, 1,
			     IO_PGTABLE_PROT_READ));

	test_expect_warns(2);
	/* Same size over the leaf. */
	EXPECT_EQ(-EEXIST,
		  ops->map_pages(ops, SZ_2M, SZ_1G, SZ_2M, 1,
				 IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped));
	/* A smaller page inside the block: a leaf where a table is needed. */
	EXPECT_EQ(-EEXIST,
		  ops->map_pages(ops, SZ_2M + SZ_4K, 0x1000, SZ_4K, 1,
				 IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped));
	EXPECT_EQ(0, mapped);
	EXPECT_EQ(0x80000000UL + 5, ops->iova_to_phys(ops, SZ_2M + 5));

	/* A multi-page map stops before writing anything if one slot is taken. */
	ASSERT_EQ(0, map_all(ops, 0x10000, 0x10000, SZ_4K, 1,
			     IO_PGTABLE_PROT_READ));
	sio_warn_reset();
	test_expect_warns(1);
	EXPECT_EQ(-EEXIST,
		  ops->map_pages(ops, 0, 0x40000000UL, SZ_4K, 32,
				 IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped));
	EXPECT_EQ(0, mapped);
	EXPECT_EQ(0, ops->iova_to_phys(ops, 0));
	EXPECT_EQ(0x10000, ops->iova_to_phys(ops, 0x10000));
	free_io_pgtable_ops(ops);
}

TEST_F(lpae, rule_77_partial_unmap_refused)
{
	struct io_pgtable_ops *ops;

	ops = try_alloc(self->mem, ARM_64_LPAE_S2, SZ_4K | SZ_2M | SZ_1G, 40,
			40, 0, NULL);
	ASSERT_NOT_NULL(ops);
	ASSERT_EQ(0,
		  map_all(ops, SZ_1G, SZ_1G, SZ_1G, 1, IO_PGTABLE_PROT_READ));
	ASSERT_EQ(0, map_all(ops, 4 * SZ_2M, 0x200000000UL, SZ_2M, 1,
			     IO_PGTABLE_PROT_WRITE));

	test_expect_warns(2);
	EXPECT_EQ(0, ops->unmap_pages(ops, SZ_1G + SZ_2M, SZ_2M, 1, NULL));
	EXPECT_EQ(0, ops->unmap_pages(ops, 4 * SZ_2M + SZ_4K, SZ_4K, 1, NULL));
	EXPECT_EQ(2, sio_warn_count_func("__arm_lpae_unmap"));
	/* Both blocks still translate, nothing was flushed. */
	EXPECT_EQ(SZ_1G + SZ_2M + 3, ops->iova_to_phys(ops, SZ_1G + SZ_2M + 3));
	EXPECT_EQ(0x200000000UL + SZ_4K,
		  ops->iova_to_phys(ops, 4 * SZ_2M + SZ_4K));
	EXPECT_EQ(0, flog.add_page + flog.flush_walk);
	/* The whole block unmaps fine. */
	EXPECT_EQ(SZ_1G, ops->unmap_pages(ops, SZ_1G, SZ_1G, 1, NULL));
	free_io_pgtable_ops(ops);
}

TEST_F(lpae, rule_77_no_warn_quirk_and_holes)
{
	struct io_pgtable_ops *ops;
	size_t mapped = 0;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 48,
			48, IO_PGTABLE_QUIRK_NO_WARN, NULL);
	ASSERT_NOT_NULL(ops);
	ASSERT_EQ(0, map_all(ops, 0, SZ_2M, SZ_2M, 1, IO_PGTABLE_PROT_READ));
	EXPECT_EQ(0, ops->unmap_pages(ops, SZ_4K, SZ_4K, 1, NULL));
	EXPECT_EQ(-EEXIST,
		  ops->map_pages(ops, 0, 0, SZ_2M, 1, IO_PGTABLE_PROT_READ,
				 GFP_KERNEL, &mapped));
	/* A hole: 0 bytes. */
	EXPECT_EQ(0, ops->unmap_pages(ops, SZ_1G, SZ_4K, 1, NULL));
	EXPECT_EQ(0, sio_warn_count());
	free_io_pgtable_ops(ops);

	/* Without the quirk, unmapping a hole WARNs. */
	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 48, 48, 0, NULL);
	ASSERT_NOT_NULL(ops);
	test_expect_warns(1);
	EXPECT_EQ(0, ops->unmap_pages(ops, SZ_1G, SZ_4K, 1, NULL));
	free_io_pgtable_ops(ops);
}

TEST_F(lpae, bad_arguments)
{
	struct io_pgtable_ops *ops;
	size_t mapped = 0;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M, 40, 36, 0,
			NULL);
	ASSERT_NOT_NULL(ops);
	/* No READ or WRITE: -EINVAL without a WARN. */
	EXPECT_EQ(-EINVAL,
		  ops->map_pages(ops, 0, 0, SZ_4K, 1, IO_PGTABLE_PROT_CACHE,
				 GFP_KERNEL, &mapped));
	EXPECT_EQ(0, sio_warn_count());

	test_expect_warns(7);
	/* pgsize 0, not offered, or two sizes at once. */
	EXPECT_EQ(-EINVAL, ops->map_pages(ops, 0, 0, 0, 1, IO_PGTABLE_PROT_READ,
					  GFP_KERNEL, &mapped));
	EXPECT_EQ(-EINVAL,
		  ops->map_pages(ops, 0, 0, SZ_1G, 1, IO_PGTABLE_PROT_READ,
				 GFP_KERNEL, &mapped));
	EXPECT_EQ(-EINVAL,
		  ops->map_pages(ops, 0, 0, SZ_4K | SZ_2M, 1,
				 IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped));
	/* Beyond ias, beyond oas. */
	EXPECT_EQ(-ERANGE,
		  ops->map_pages(ops, 1UL << 40, 0, SZ_4K, 1,
				 IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped));
	EXPECT_EQ(-ERANGE,
		  ops->map_pages(ops, 0, 1UL << 36, SZ_4K, 1,
				 IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped));
	/* Unmap: bad size, zero count. */
	EXPECT_EQ(0, ops->unmap_pages(ops, 0, SZ_16K, 1, NULL));
	EXPECT_EQ(0, ops->unmap_pages(ops, 0, SZ_4K, 0, NULL));
	EXPECT_EQ(0, mapped);
	EXPECT_EQ(SZ_4K, io_pgtable_table_bytes(ops));
	free_io_pgtable_ops(ops);
}

/* ---- Rule 78: permission encodings -------------------------------------- */

static arm_lpae_iopte leaf_of(struct __test_metadata *_metadata,
			      struct sio_phys_mem *mem,
			      const struct io_pgtable_cfg *cfg, bool s2,
			      unsigned long iova)
{
	struct arm_lpae_geom g;
	arm_lpae_iopte pte = 0;
	u64 ttbr;

	hw_geom(_metadata, cfg, s2, &g, &ttbr);
	EXPECT_NE(0, sw_walk(mem, &g, ttbr, iova, &pte, NULL));
	return pte;
}

TEST_F(lpae, rule_78_s1_permissions)
{
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;
	arm_lpae_iopte pte;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M, 48, 48,
			IO_PGTABLE_QUIRK_ARM_NS, &cfg);
	ASSERT_NOT_NULL(ops);
	ASSERT_EQ(0,
		  map_all(ops, 0x1000, 0x5000, SZ_4K, 1, IO_PGTABLE_PROT_READ));
	ASSERT_EQ(0, map_all(ops, 0x2000, 0x6000, SZ_4K, 1,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE |
				     IO_PGTABLE_PROT_NOEXEC));
	ASSERT_EQ(0, map_all(ops, 0x3000, 0x7000, SZ_4K, 1,
			     IO_PGTABLE_PROT_WRITE | IO_PGTABLE_PROT_CACHE |
				     IO_PGTABLE_PROT_PRIV));
	ASSERT_EQ(0, map_all(ops, SZ_2M, 0x8000000, SZ_2M, 1,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_MMIO));

	/* Read-only sets AP[2]. */
	pte = leaf_of(_metadata, self->mem, &cfg, false, 0x1000);
	EXPECT_TRUE(pte & ARM_LPAE_PTE_AP_RDONLY);
	EXPECT_EQ(ARM_LPAE_PTE_TYPE_PAGE, pte & ARM_LPAE_PTE_TYPE_MASK);
	EXPECT_TRUE(pte & ARM_LPAE_PTE_AF);
	EXPECT_TRUE(pte & ARM_LPAE_PTE_nG);
	EXPECT_TRUE(pte & ARM_LPAE_PTE_NS);
	EXPECT_TRUE(pte & ARM_LPAE_PTE_AP_UNPRIV);
	EXPECT_EQ(0, pte & ARM_LPAE_PTE_XN);
	EXPECT_EQ(ARM_LPAE_PTE_SH_OS, pte & ARM_LPAE_PTE_SH_MASK);
	EXPECT_EQ(IO_PGTABLE_PROT_READ, arm_lpae_s1_pte_prot(pte));
	EXPECT_EQ(0x5000, arm_lpae_pte_to_paddr(pte, 12));

	/* Read-write clears AP[2]; NOEXEC sets both XN bits. */
	pte = leaf_of(_metadata, self->mem, &cfg, false, 0x2000);
	EXPECT_FALSE(pte & ARM_LPAE_PTE_AP_RDONLY);
	EXPECT_EQ(ARM_LPAE_PTE_XN, pte & ARM_LPAE_PTE_XN);
	EXPECT_EQ(IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE |
			  IO_PGTABLE_PROT_NOEXEC,
		  arm_lpae_s1_pte_prot(pte));

	/* Write-only is read-write at stage 1; CACHE: IS, AttrIndx 1; PRIV. */
	pte = leaf_of(_metadata, self->mem, &cfg, false, 0x3000);
	EXPECT_FALSE(pte & ARM_LPAE_PTE_AP_RDONLY);
	EXPECT_FALSE(pte & ARM_LPAE_PTE_AP_UNPRIV);
	EXPECT_EQ(ARM_LPAE_PTE_SH_IS, pte & ARM_LPAE_PTE_SH_MASK);
	EXPECT_EQ(1ULL << ARM_LPAE_PTE_ATTRINDX_SHIFT,
		  pte & ARM_LPAE_PTE_ATTRINDX_MASK);
	EXPECT_EQ(IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE |
			  IO_PGTABLE_PROT_CACHE | IO_PGTABLE_PROT_PRIV,
		  arm_lpae_s1_pte_prot(pte));

	/* MMIO block: AttrIndx 2, type BLOCK. */
	pte = leaf_of(_metadata, self->mem, &cfg, false, SZ_2M + 0x123);
	EXPECT_EQ(ARM_LPAE_PTE_TYPE_BLOCK, pte & ARM_LPAE_PTE_TYPE_MASK);
	EXPECT_EQ(2ULL << ARM_LPAE_PTE_ATTRINDX_SHIFT,
		  pte & ARM_LPAE_PTE_ATTRINDX_MASK);
	EXPECT_EQ(IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_MMIO,
		  arm_lpae_s1_pte_prot(pte));
	free_io_pgtable_ops(ops);
}

TEST_F(lpae, rule_78_s2_permissions)
{
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;
	arm_lpae_iopte pte;

	ops = try_alloc(self->mem, ARM_64_LPAE_S2, SZ_4K | SZ_2M, 44, 44, 0,
			&cfg);
	ASSERT_NOT_NULL(ops);
	ASSERT_EQ(0,
		  map_all(ops, 0x1000, 0x5000, SZ_4K, 1, IO_PGTABLE_PROT_READ));
	ASSERT_EQ(0, map_all(ops, 0x2000, 0x6000, SZ_4K, 1,
			     IO_PGTABLE_PROT_WRITE));
	ASSERT_EQ(0, map_all(ops, 0x3000, 0x7000, SZ_4K, 1,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE |
				     IO_PGTABLE_PROT_NOEXEC |
				     IO_PGTABLE_PROT_CACHE));
	ASSERT_EQ(0, map_all(ops, 0x4000, 0x8000, SZ_4K, 1,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_MMIO));

	pte = leaf_of(_metadata, self->mem, &cfg, true, 0x1000);
	EXPECT_EQ(ARM_LPAE_PTE_HAP_READ,
		  pte & (ARM_LPAE_PTE_HAP_READ | ARM_LPAE_PTE_HAP_WRITE));
	EXPECT_EQ(ARM_LPAE_PTE_MEMATTR_NC << ARM_LPAE_PTE_MEMATTR_SHIFT,
		  pte & ARM_LPAE_PTE_MEMATTR_MASK);
	EXPECT_EQ(IO_PGTABLE_PROT_READ, arm_lpae_s2_pte_prot(pte));
	EXPECT_FALSE(pte & ARM_LPAE_PTE_nG);

	pte = leaf_of(_metadata, self->mem, &cfg, true, 0x2000);
	EXPECT_EQ(ARM_LPAE_PTE_HAP_WRITE,
		  pte & (ARM_LPAE_PTE_HAP_READ | ARM_LPAE_PTE_HAP_WRITE));
	EXPECT_EQ(IO_PGTABLE_PROT_WRITE, arm_lpae_s2_pte_prot(pte));

	pte = leaf_of(_metadata, self->mem, &cfg, true, 0x3000);
	EXPECT_EQ(ARM_LPAE_PTE_HAP_READ | ARM_LPAE_PTE_HAP_WRITE,
		  pte & (ARM_LPAE_PTE_HAP_READ | ARM_LPAE_PTE_HAP_WRITE));
	EXPECT_EQ(ARM_LPAE_PTE_XN, pte & ARM_LPAE_PTE_XN);
	EXPECT_EQ(ARM_LPAE_PTE_MEMATTR_OIWB << ARM_LPAE_PTE_MEMATTR_SHIFT,
		  pte & ARM_LPAE_PTE_MEMATTR_MASK);
	EXPECT_EQ(IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE |
			  IO_PGTABLE_PROT_NOEXEC | IO_PGTABLE_PROT_CACHE,
		  arm_lpae_s2_pte_prot(pte));

	pte = leaf_of(_metadata, self->mem, &cfg, true, 0x4000);
	EXPECT_EQ(IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_MMIO,
		  arm_lpae_s2_pte_prot(pte));
	free_io_pgtable_ops(ops);

	/* S2FWB: cacheable is MemAttr 0x6. */
	ops = try_alloc(self->mem, ARM_64_LPAE_S2, SZ_4K, 44, 44,
			IO_PGTABLE_QUIRK_ARM_S2FWB, &cfg);
	ASSERT_NOT_NULL(ops);
	ASSERT_EQ(0, map_all(ops, 0x1000, 0x5000, SZ_4K, 1,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_CACHE));
	pte = leaf_of(_metadata, self->mem, &cfg, true, 0x1000);
	EXPECT_EQ(ARM_LPAE_PTE_MEMATTR_FWB_WB << ARM_LPAE_PTE_MEMATTR_SHIFT,
		  pte & ARM_LPAE_PTE_MEMATTR_MASK);
	free_io_pgtable_ops(ops);
}

/* ---- Flush ops, page counts, table replacement -------------------------- */

TEST_F(lpae, flush_ops_and_gather)
{
	struct iommu_iotlb_gather gather = { .start = ULONG_MAX };
	struct io_pgtable_ops *ops;
	struct io_pgtable_cfg cfg;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 48,
			48, 0, &cfg);
	ASSERT_NOT_NULL(ops);

	/* Leaf unmap: one tlb_add_page per page, with the page size. */
	ASSERT_EQ(0, map_all(ops, 0, 0x100000, SZ_4K, 8, IO_PGTABLE_PROT_READ));
	EXPECT_EQ(8 * SZ_4K, ops->unmap_pages(ops, 0, SZ_4K, 8, &gather));
	EXPECT_EQ(8, flog.add_page);
	EXPECT_EQ(7 * SZ_4K, flog.last_iova);
	EXPECT_EQ(SZ_4K, flog.last_size);
	EXPECT_EQ(0, flog.flush_walk);

	EXPECT_TRUE(flog.last_gather == &gather);

	/*
	 * The gather is the driver's: the format hands it over untouched, also
	 * when it is queued (lazy mode), and the driver decides what to add.
	 */
	ASSERT_EQ(0, map_all(ops, 0, 0x100000, SZ_4K, 4, IO_PGTABLE_PROT_READ));
	gather.queued = true;
	flog.last_gather = NULL;
	EXPECT_EQ(4 * SZ_4K, ops->unmap_pages(ops, 0, SZ_4K, 4, &gather));
	EXPECT_EQ(12, flog.add_page);
	EXPECT_TRUE(flog.last_gather == &gather);
	EXPECT_TRUE(gather.queued);
	gather.queued = false;

	/* Unmap at a table's size removes the table: flush_walk, then free. */
	ASSERT_EQ(0, map_all(ops, SZ_2M + SZ_4K, 0x100000, SZ_4K, 3,
			     IO_PGTABLE_PROT_READ));
	EXPECT_EQ(SZ_2M, ops->unmap_pages(ops, SZ_2M, SZ_2M, 1, &gather));
	EXPECT_EQ(1, flog.flush_walk);
	EXPECT_EQ(SZ_2M, flog.last_iova);
	EXPECT_EQ(SZ_2M, flog.last_size);
	EXPECT_EQ(12, flog.add_page);
	EXPECT_EQ(0, ops->iova_to_phys(ops, SZ_2M + SZ_4K));

	/* A block mapped over a table replaces (and frees) the table. */
	ASSERT_EQ(0, map_all(ops, 4 * SZ_2M, 0x100000, SZ_4K, 1,
			     IO_PGTABLE_PROT_READ));
	ASSERT_EQ(0, map_all(ops, 4 * SZ_2M, 0x40000000UL, SZ_2M, 1,
			     IO_PGTABLE_PROT_READ));
	EXPECT_EQ(2, flog.flush_walk);
	EXPECT_EQ(0x40000000UL + 5, ops->iova_to_phys(ops, 4 * SZ_2M + 5));

	EXPECT_EQ(0, flog.errors);
	EXPECT_EQ(0, flog.flush_all);
	free_io_pgtable_ops(ops);
	EXPECT_EQ(1, flog.flush_all);
	EXPECT_EQ(0, flog.errors);
}

TEST_F(lpae, pgcount_stops_at_table_end)
{
	struct io_pgtable_ops *ops;
	size_t mapped = 0;
	unsigned long i, iova = 510 * SZ_4K;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M, 48, 48, 0,
			NULL);
	ASSERT_NOT_NULL(ops);
	/* 8 pages from index 510: only 2 fit in this last-level table. */
	ASSERT_EQ(0, ops->map_pages(ops, iova, 0x1000000, SZ_4K, 8,
				    IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped));
	EXPECT_EQ(2 * SZ_4K, mapped);
	EXPECT_EQ(0, ops->iova_to_phys(ops, iova + 2 * SZ_4K));
	ASSERT_EQ(0, map_all(ops, iova + mapped, 0x1000000 + mapped, SZ_4K, 6,
			     IO_PGTABLE_PROT_READ));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0x1000000 + i * SZ_4K + 1,
			  ops->iova_to_phys(ops, iova + i * SZ_4K + 1));
	/* Unmap likewise stops at the table end, and at the first hole. */
	EXPECT_EQ(2 * SZ_4K, ops->unmap_pages(ops, iova, SZ_4K, 8, NULL));
	EXPECT_EQ(6 * SZ_4K, unmap_all(ops, iova + 2 * SZ_4K, SZ_4K, 6, NULL));
	ASSERT_EQ(0,
		  map_all(ops, 0, 0x1000000, SZ_4K, 3, IO_PGTABLE_PROT_READ));
	EXPECT_EQ(3 * SZ_4K, ops->unmap_pages(ops, 0, SZ_4K, 10, NULL));
	free_io_pgtable_ops(ops);
}

/* ---- Hardware dirty tracking (QUIRK_ARM_HD) ------------------------------ */

struct dirty_rec {
	unsigned long iova[8];
	size_t size[8];
	int n;
};

static void record_dirty(void *priv, unsigned long iova, size_t size)
{
	struct dirty_rec *r = priv;

	if (r->n < 8) {
		r->iova[r->n] = iova;
		r->size[r->n] = size;
	}
	r->n++;
}

TEST_F(lpae, read_and_clear_dirty)
{
	struct dirty_rec rec = { .n = 0 };
	struct io_pgtable_dirty_sink sink = { record_dirty, &rec };
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;
	arm_lpae_iopte pte;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M, 48, 48,
			IO_PGTABLE_QUIRK_ARM_HD, &cfg);
	ASSERT_NOT_NULL(ops);
	ASSERT_EQ(0, map_all(ops, 0x1000, 0x5000, SZ_4K, 1,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE));
	ASSERT_EQ(0,
		  map_all(ops, 0x2000, 0x6000, SZ_4K, 1, IO_PGTABLE_PROT_READ));
	ASSERT_EQ(0, map_all(ops, SZ_2M, SZ_2M, SZ_2M, 1,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE));
	/* Writeable leaves start writeable-dirty (DBM set, AP[2] clear). */
	pte = leaf_of(_metadata, self->mem, &cfg, false, 0x1000);
	EXPECT_TRUE(arm_lpae_s1_pte_writeable_dirty(pte));
	pte = leaf_of(_metadata, self->mem, &cfg, false, 0x2000);
	EXPECT_FALSE(arm_lpae_s1_pte_dbm(pte));

	/* NO_CLEAR reports and leaves them dirty. */
	EXPECT_EQ(0,
		  ops->read_and_clear_dirty(ops, 0, 2 * SZ_2M,
					    IO_PGTABLE_DIRTY_NO_CLEAR, &sink));
	EXPECT_EQ(2, rec.n);
	EXPECT_EQ(0x1000, rec.iova[0]);
	EXPECT_EQ(SZ_4K, rec.size[0]);
	EXPECT_EQ(SZ_2M, rec.iova[1]);
	EXPECT_EQ(SZ_2M, rec.size[1]);
	/* Clearing: reported once, then clean (AP[2] set, DBM kept). */
	rec.n = 0;
	EXPECT_EQ(0, ops->read_and_clear_dirty(ops, 0, 2 * SZ_2M, 0, &sink));
	EXPECT_EQ(2, rec.n);
	rec.n = 0;
	EXPECT_EQ(0, ops->read_and_clear_dirty(ops, 0, 2 * SZ_2M, 0, &sink));
	EXPECT_EQ(0, rec.n);
	pte = leaf_of(_metadata, self->mem, &cfg, false, 0x1000);
	EXPECT_TRUE(arm_lpae_s1_pte_dbm(pte));
	EXPECT_TRUE(pte & ARM_LPAE_PTE_AP_RDONLY);

	test_expect_warns(1);
	EXPECT_EQ(-EINVAL, ops->read_and_clear_dirty(ops, 0, 0, 0, &sink));
	free_io_pgtable_ops(ops);

	/* Stage 2 has no dirty tracking here. */
	ops = try_alloc(self->mem, ARM_64_LPAE_S2, SZ_4K, 48, 48, 0, &cfg);
	ASSERT_NOT_NULL(ops);
	EXPECT_EQ(-EINVAL, ops->read_and_clear_dirty(ops, 0, SZ_4K, 0, &sink));
	free_io_pgtable_ops(ops);
}

/* ---- fail-nth: table allocation failure ---------------------------------- */

TEST_F(lpae, fail_nth_map)
{
	struct io_pgtable_ops *ops;
	unsigned int n;
	size_t bytes;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 48, 48, 0, NULL);
	ASSERT_NOT_NULL(ops);
	/* A 4K page in an empty 48-bit table needs tables at levels 1-3. */
	for (n = 1;; n++) {
		unsigned long iova = (unsigned long)n << 39;
		size_t mapped = 0;
		int ret;

		ASSERT_LE(n, 10);
		bytes = io_pgtable_table_bytes(ops);
		sio_fail_nth_set(n);
		ret = ops->map_pages(ops, iova, 0x1000, SZ_4K, 1,
				     IO_PGTABLE_PROT_READ, GFP_KERNEL, &mapped);
		if (!ret) {
			EXPECT_FALSE(sio_fail_nth_fired());
			EXPECT_EQ(SZ_4K, mapped);
			EXPECT_EQ(bytes + 3 * SZ_4K,
				  io_pgtable_table_bytes(ops));
			break;
		}
		EXPECT_EQ(-ENOMEM, ret);
		EXPECT_TRUE(sio_fail_nth_fired());
		EXPECT_EQ(0, mapped);
		EXPECT_EQ(0, ops->iova_to_phys(ops, iova));
		/* The tables installed before the failure stay, none leak. */
		EXPECT_EQ(bytes + (n - 1) * SZ_4K, io_pgtable_table_bytes(ops));
	}
	sio_fail_nth_set(0);
	EXPECT_EQ(4, n);
	EXPECT_EQ(0, sio_warn_count());
	free_io_pgtable_ops(ops);
}

TEST_F(lpae, fail_nth_alloc)
{
	struct io_pgtable_ops *ops;
	unsigned int n;

	for (n = 1;; n++) {
		struct io_pgtable_cfg cfg =
			make_cfg(self->mem, SZ_4K, 48, 48, 0);

		ASSERT_LE(n, 10);
		sio_fail_nth_set(n);
		ops = alloc_io_pgtable_ops(ARM_64_LPAE_S2, &cfg, &flog);
		if (ops)
			break;
		EXPECT_TRUE(sio_fail_nth_fired());
		EXPECT_EQ(0, sio_phys_nr_live_pages(self->mem));
	}
	sio_fail_nth_set(0);
	EXPECT_EQ(3, n); /* the descriptor, then the pgd */
	free_io_pgtable_ops(ops);
}

/* ---- Table memory per mapped GiB ----------------------------------------- */

TEST_F(lpae, table_memory_per_gib)
{
	struct io_pgtable_ops *ops;
	size_t base, used;

	ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 48,
			48, 0, NULL);
	ASSERT_NOT_NULL(ops);
	base = io_pgtable_table_bytes(ops);

	/* 1 GiB of 4K pages: 512 last-level tables + one L2 + one L1. */
	ASSERT_EQ(0, map_all(ops, SZ_1G, SZ_1G, SZ_4K, SZ_1G / SZ_4K,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE));
	used = io_pgtable_table_bytes(ops) - base;
	printf("# 4K pages: %zu bytes of tables per GiB (minimum %lu)\n", used,
	       (SZ_1G / SZ_4K) * 8);
	EXPECT_EQ((512 + 2) * SZ_4K, used);
	EXPECT_EQ(SZ_1G, unmap_all(ops, SZ_1G, SZ_4K, SZ_1G / SZ_4K, NULL));

	/* 1 GiB of 2M blocks: one L2 table + the L1 table below the pgd. */
	ASSERT_EQ(0, map_all(ops, 4 * SZ_1G, 4 * SZ_1G, SZ_2M, SZ_1G / SZ_2M,
			     IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE));
	used = io_pgtable_table_bytes(ops) - base - (512 + 2) * SZ_4K;
	printf("# 2M blocks: %zu bytes of tables per GiB (minimum %lu)\n", used,
	       (SZ_1G / SZ_2M) * 8);
	/* The L1 table is shared with the 4K range: one new L2 table. */
	EXPECT_EQ(SZ_4K, used);
	free_io_pgtable_ops(ops);
}

/* ---- Random mappings: software walks agree with iova_to_phys ------------- */

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

struct rmap {
	unsigned long iova;
	u64 paddr;
	size_t size; /* total: pgsize * pgcount */
	size_t pgsize;
	int prot;
	bool live;
};

static int expected_prot(int prot, bool s2)
{
	int attr = (prot & IO_PGTABLE_PROT_MMIO)  ? IO_PGTABLE_PROT_MMIO :
		   (prot & IO_PGTABLE_PROT_CACHE) ? IO_PGTABLE_PROT_CACHE :
						    0;

	if (s2)
		return (prot & (IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE |
				IO_PGTABLE_PROT_NOEXEC)) |
		       attr;
	return IO_PGTABLE_PROT_READ |
	       (prot & (IO_PGTABLE_PROT_WRITE | IO_PGTABLE_PROT_NOEXEC |
			IO_PGTABLE_PROT_PRIV)) |
	       attr;
}

struct rcfg {
	enum io_pgtable_fmt fmt;
	unsigned long pgsizes;
	unsigned int ias, oas;
};

static void check_translation(struct __test_metadata *_metadata,
			      struct sio_phys_mem *mem,
			      struct io_pgtable_ops *ops,
			      const struct arm_lpae_geom *g, u64 ttbr, bool s2,
			      unsigned long iova, u64 want, int want_prot,
			      size_t want_leaf)
{
	struct arm_lpae_walk w;
	arm_lpae_iopte leaf = 0;
	u64 leaf_size = 0;
	int ret;

	EXPECT_EQ(want, ops->iova_to_phys(ops, iova));
	EXPECT_EQ(want, sw_walk(mem, g, ttbr, iova, &leaf, &leaf_size));
	ret = arm_lpae_walk(g, ttbr, iova, read_desc, mem, &w);
	if (!want) {
		EXPECT_EQ(-ENOENT, ret);
		return;
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(want, w.oa);
	EXPECT_EQ(want_leaf, w.leaf_size);
	EXPECT_EQ(want_leaf, leaf_size);
	EXPECT_EQ(want_prot,
		  s2 ? arm_lpae_s2_pte_prot(leaf) : arm_lpae_s1_pte_prot(leaf));
}

static bool overlaps(const struct rmap *m, int n, unsigned long iova,
		     size_t size)
{
	int i;

	for (i = 0; i < n; i++)
		if (m[i].live && iova < m[i].iova + m[i].size &&
		    m[i].iova < iova + size)
			return true;
	return false;
}

#define NR_RANDOM 200

static void random_walks(struct __test_metadata *_metadata,
			 struct sio_phys_mem *mem, const struct rcfg *rc)
{
	static const int prots[] = {
		IO_PGTABLE_PROT_READ,
		IO_PGTABLE_PROT_WRITE,
		IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE,
		IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_NOEXEC,
		IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_CACHE,
		IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE |
			IO_PGTABLE_PROT_CACHE | IO_PGTABLE_PROT_NOEXEC,
		IO_PGTABLE_PROT_WRITE | IO_PGTABLE_PROT_MMIO,
		IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_PRIV,
	};
	struct io_pgtable_cfg cfg =
		make_cfg(mem, rc->pgsizes, rc->ias, rc->oas, 0);
	bool s2 = fmt_is_s2(rc->fmt);
	struct io_pgtable_ops *ops;
	struct rmap *m;
	struct arm_lpae_geom g;
	unsigned int sizes[8], nsizes = 0, j;
	int i, n = 0, tries;
	u64 ttbr;

	ops = alloc_io_pgtable_ops(rc->fmt, &cfg, &flog);
	ASSERT_NOT_NULL(ops);
	hw_geom(_metadata, &cfg, s2, &g, &ttbr);
	for (j = 0; j < 64; j++)
		if (cfg.pgsize_bitmap & (1UL << j))
			sizes[nsizes++] = j;
	m = calloc(NR_RANDOM, sizeof(*m));
	ASSERT_NOT_NULL(m);

	for (tries = 0; n < NR_RANDOM && tries < 20 * NR_RANDOM; tries++) {
		/* Mostly small pages; large ones now and then. */
		unsigned int s = sizes[(rnd() % 8 == 0) ? rnd() % nsizes : 0];
		size_t pgsize = 1UL << s, pgcount = 1 + rnd() % 4;
		unsigned long iova;
		u64 paddr;

		if ((rnd() & 1) && s + 2 < cfg.ias)
			pgcount = 1;
		iova = (rnd() & ((1UL << cfg.ias) - 1)) & ~(pgsize - 1);
		paddr = (rnd() & ((1ULL << cfg.oas) - 1)) & ~(u64)(pgsize - 1);
		if (!paddr || iova + pgsize * pgcount > (1UL << cfg.ias) ||
		    paddr + pgsize * pgcount > (1ULL << cfg.oas) ||
		    overlaps(m, n, iova, pgsize * pgcount))
			continue;
		m[n] = (struct rmap){ iova,
				      paddr,
				      pgsize * pgcount,
				      pgsize,
				      prots[rnd() % ARRAY_SIZE(prots)],
				      true };
		ASSERT_EQ(0, map_all(ops, iova, paddr, pgsize, pgcount,
				     m[n].prot));
		n++;
	}
	EXPECT_EQ(NR_RANDOM, n);

	for (i = 0; i < n; i++) {
		u64 off = rnd() % m[i].size;

		check_translation(_metadata, mem, ops, &g, ttbr, s2,
				  m[i].iova + off, m[i].paddr + off,
				  expected_prot(m[i].prot, s2), m[i].pgsize);
	}
	/* Unmapped addresses translate nowhere, in every walker. */
	for (i = 0; i < NR_RANDOM; i++) {
		unsigned long iova = rnd() & ((1UL << cfg.ias) - 1);

		if (!overlaps(m, n, iova, 1))
			check_translation(_metadata, mem, ops, &g, ttbr, s2,
					  iova, 0, 0, 0);
	}
	/* Unmap every other mapping; the rest stay intact. */
	for (i = 0; i < n; i += 2) {
		EXPECT_EQ(m[i].size, unmap_all(ops, m[i].iova, m[i].pgsize,
					       m[i].size / m[i].pgsize, NULL));
		m[i].live = false;
	}
	for (i = 0; i < n; i++)
		check_translation(_metadata, mem, ops, &g, ttbr, s2,
				  m[i].iova + m[i].size / 2,
				  m[i].live ? m[i].paddr + m[i].size / 2 : 0,
				  expected_prot(m[i].prot, s2), m[i].pgsize);
	free(m);
	free_io_pgtable_ops(ops);
	EXPECT_EQ(0, flog.errors);
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));
}

TEST_F(lpae, software_walk_agrees_random)
{
	static const struct rcfg cfgs[] = {
		{ ARM_64_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 48, 48 },
		{ ARM_64_LPAE_S2, SZ_4K | SZ_2M | SZ_1G, 40, 40 },
		{ ARM_64_LPAE_S2, SZ_4K | SZ_2M | SZ_1G, 42, 42 },
		{ ARM_64_LPAE_S1, SZ_16K | SZ_32M, 47, 48 },
		{ ARM_64_LPAE_S2, SZ_16K | SZ_32M, 40, 40 },
		{ ARM_64_LPAE_S2, SZ_16K | SZ_32M, 48, 48 },
		{ ARM_64_LPAE_S1, SZ_64K | SZ_512M | SZ_4T, 52, 52 },
		{ ARM_64_LPAE_S2, SZ_64K | SZ_512M, 48, 44 },
		{ ARM_32_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 32, 40 },
	};
	unsigned int i;

	rng_state = test_seed() | 1;
	for (i = 0; i < ARRAY_SIZE(cfgs); i++) {
		int was_failed = _metadata->failed;

		random_walks(_metadata, self->mem, &cfgs[i]);
		if (_metadata->failed && !was_failed)
			printf("# failed: %s pgsizes %#lx ias %u oas %u\n",
			       io_pgtable_fmt_name(cfgs[i].fmt),
			       cfgs[i].pgsizes, cfgs[i].ias, cfgs[i].oas);
	}
}

/* ---- Concurrency: mappers racing to install tables, a walker reading ---- */

struct race {
	struct io_pgtable_ops *ops;
	struct sio_phys_mem *mem;
	struct arm_lpae_geom g;
	u64 ttbr;
	int id;
	int errors; /* atomic */
	bool stop; /* atomic */
	pthread_barrier_t start; /* the two mappers start together */
};

/*
 * Both mappers map one page in each of RACE_REGIONS 2 MiB regions, in the
 * same order, so they race to install every last-level table.
 */
#define RACE_REGIONS		1024
#define RACE_IOVA(region, page) ((region)*SZ_2M + (page)*SZ_4K)
#define RACE_PA(iova)		(SZ_1G + (iova))

static void *race_mapper(void *arg)
{
	struct race *r = arg;
	unsigned long i;
	int id = __atomic_fetch_add(&r->id, 1, __ATOMIC_RELAXED);

	pthread_barrier_wait(&r->start);
	for (i = 0; i < RACE_REGIONS; i++) {
		unsigned long iova = RACE_IOVA(i, id);
		size_t mapped = 0;

		if (r->ops->map_pages(r->ops, iova, RACE_PA(iova), SZ_4K, 1,
				      IO_PGTABLE_PROT_READ, GFP_KERNEL,
				      &mapped) ||
		    mapped != SZ_4K)
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *race_walker(void *arg)
{
	struct race *r = arg;
	unsigned long i = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned long iova = RACE_IOVA(i % RACE_REGIONS, i & 1);
		struct arm_lpae_walk w;
		u64 pa = r->ops->iova_to_phys(r->ops, iova);
		int ret = arm_lpae_walk(&r->g, r->ttbr, iova, read_desc, r->mem,
					&w);

		/* Either not there yet, or exactly right. */
		if ((pa && pa != RACE_PA(iova)) ||
		    (!ret && w.oa != RACE_PA(iova)))
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
		i += 7;
	}
	return NULL;
}

TEST_F(lpae, concurrent_map_and_walk)
{
	struct io_pgtable_cfg cfg;
	struct race r = { .errors = 0 };
	pthread_t t[3];
	unsigned long i;

	r.mem = self->mem;
	r.ops = try_alloc(self->mem, ARM_64_LPAE_S1, SZ_4K, 48, 48, 0, &cfg);
	ASSERT_NOT_NULL(r.ops);
	hw_geom(_metadata, &cfg, false, &r.g, &r.ttbr);
	ASSERT_EQ(0, pthread_barrier_init(&r.start, NULL, 2));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, race_walker, &r));
	ASSERT_EQ(0, pthread_create(&t[0], NULL, race_mapper, &r));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, race_mapper, &r));
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	pthread_join(t[2], NULL);
	pthread_barrier_destroy(&r.start);

	EXPECT_EQ(0, r.errors);
	for (i = 0; i < 2 * RACE_REGIONS; i++) {
		unsigned long iova = RACE_IOVA(i / 2, i & 1);

		EXPECT_EQ(RACE_PA(iova) + 9,
			  r.ops->iova_to_phys(r.ops, iova + 9));
	}
	/*
	 * Losers freed their tables: pgd + L1 + two L2 (2 GiB) + one
	 * last-level table per region.
	 */
	EXPECT_EQ((4 + RACE_REGIONS) * SZ_4K, io_pgtable_table_bytes(r.ops));
	free_io_pgtable_ops(r.ops);
}

TEST_HARNESS_MAIN
