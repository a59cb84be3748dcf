// SPDX-License-Identifier: BSD-3-Clause
/*
 * Simulated physical memory: range checks, the buddy frame allocator
 * (alignment, zeroing, splitting and coalescing, exhaustion, misuse,
 * fail-nth, threads) and the 64-bit accessors.
 */
#include <pthread.h>

#include "harness.h"
#include "base/base.h"
#include "mem/phys-mem.h"

#define FRAME SIO_PHYS_FRAME_SIZE

TEST(create_and_ranges)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 0);
	u64 base = SIO_PHYS_MEM_DEFAULT_BASE;
	int local;
	u8 *p;

	ASSERT_FALSE(IS_ERR(mem));
	EXPECT_EQ(base, mem->base);
	EXPECT_EQ(SIO_PHYS_MEM_DEFAULT_SIZE, mem->size);
	EXPECT_EQ(SIO_PHYS_MEM_DEFAULT_SIZE / FRAME,
		  sio_phys_nr_free_pages(mem));
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));

	/* PA 0 and anything outside [base, base + size) is not RAM. */
	EXPECT_NULL(sio_phys_to_virt(mem, 0, 1));
	EXPECT_NULL(sio_phys_to_virt(mem, base - 1, 1));
	EXPECT_NULL(sio_phys_to_virt(mem, base - 1, 2));
	EXPECT_NULL(sio_phys_to_virt(mem, base + mem->size, 1));
	EXPECT_NULL(sio_phys_to_virt(mem, base + mem->size - 1, 2));
	EXPECT_NULL(sio_phys_to_virt(mem, base, mem->size + 1));
	EXPECT_NULL(sio_phys_to_virt(mem, ~0ULL, 2));
	p = sio_phys_to_virt(mem, base + mem->size - 8, 8);
	ASSERT_NOT_NULL(p);
	EXPECT_EQ(base + mem->size - 8, sio_virt_to_phys(mem, p));
	EXPECT_EQ(base, sio_virt_to_phys(mem, sio_phys_to_virt(mem, base, 0)));
	EXPECT_EQ(0, sio_virt_to_phys(mem, &local));
	EXPECT_EQ(0, sio_virt_to_phys(mem, p + 8));
	sio_phys_mem_destroy(mem);

	/* Bad geometry. */
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_phys_mem_create(0x40000800, FRAME)));
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_phys_mem_create(base, FRAME + 1)));
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_phys_mem_create(1ULL << 52, FRAME)));
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_phys_mem_create((1ULL << 52) - FRAME,
						       2 * FRAME)));
	sio_phys_mem_destroy(NULL);
}

TEST(alloc_alignment_zero_and_coalesce)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 64ULL << 20);
	u64 pa[SIO_PHYS_MAX_ORDER + 1];
	unsigned int order;
	long live = 0;
	u64 *p;

	ASSERT_FALSE(IS_ERR(mem));
	/* 0x40000000 is 1 GiB aligned: every order up to the maximum. */
	EXPECT_EQ(SIO_PHYS_MAX_ORDER, mem->max_order);
	for (order = 0; order <= 13; order++) {
		ASSERT_EQ(0, sio_phys_alloc_pages(mem, order, GFP_KERNEL,
						  &pa[order]));
		EXPECT_TRUE(IS_ALIGNED(pa[order], FRAME << order));
		EXPECT_TRUE(
			sio_phys_range_valid(mem, pa[order], FRAME << order));
		p = sio_phys_to_virt(mem, pa[order], FRAME << order);
		ASSERT_NOT_NULL(p);
		EXPECT_EQ(0, p[0]);
		EXPECT_EQ(0, p[((FRAME << order) / 8) - 1]);
		p[0] = 0xdead;
		p[((FRAME << order) / 8) - 1] = 0xbeef;
		live += 1L << order;
		EXPECT_EQ(live, sio_phys_nr_live_pages(mem));
	}
	/* Blocks never overlap. */
	for (order = 1; order <= 13; order++)
		EXPECT_TRUE(pa[order] + (FRAME << order) <= pa[order - 1] ||
			    pa[order - 1] + (FRAME << (order - 1)) <=
				    pa[order]);
	EXPECT_EQ(-EINVAL, sio_phys_alloc_pages(mem, SIO_PHYS_MAX_ORDER + 1,
						GFP_KERNEL, &pa[0]));
	for (order = 0; order <= 13; order++)
		sio_phys_free_pages(mem, pa[order], order);
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));
	EXPECT_EQ((64ULL << 20) / FRAME, sio_phys_nr_free_pages(mem));

	/* Everything coalesced back: the whole 64 MiB as one block. */
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 14, GFP_KERNEL, &pa[0]));
	EXPECT_EQ(mem->base, pa[0]);
	/* Freed frames come back zeroed. */
	p = sio_phys_to_virt(mem, pa[0], 64ULL << 20);
	ASSERT_NOT_NULL(p);
	for (order = 0; order < 8; order++)
		EXPECT_EQ(0, p[order * 512]);
	EXPECT_EQ(-ENOMEM, sio_phys_alloc_pages(mem, 0, GFP_KERNEL, &pa[1]));
	sio_phys_free_pages(mem, pa[0], 14);
	sio_phys_mem_destroy(mem);
}

TEST(max_order_follows_base_alignment)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0x40010000, 1ULL << 24);
	u64 pa;

	ASSERT_FALSE(IS_ERR(mem));
	EXPECT_EQ(4, mem->max_order); /* 64 KiB-aligned base */
	EXPECT_EQ(-EINVAL, sio_phys_alloc_pages(mem, 5, GFP_KERNEL, &pa));
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 4, GFP_KERNEL, &pa));
	EXPECT_TRUE(IS_ALIGNED(pa, FRAME << 4));
	sio_phys_free_pages(mem, pa, 4);
	sio_phys_mem_destroy(mem);
}

TEST(exhaustion_and_odd_size)
{
	/* 67 frames: blocks of 64 + 2 + 1. */
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 67 * FRAME);
	u64 pa[67], extra;
	int i;

	ASSERT_FALSE(IS_ERR(mem));
	for (i = 0; i < 67; i++)
		ASSERT_EQ(0, sio_phys_alloc_pages(mem, 0, GFP_KERNEL, &pa[i]));
	EXPECT_EQ(-ENOMEM, sio_phys_alloc_pages(mem, 0, GFP_KERNEL, &extra));
	EXPECT_EQ(0, sio_phys_nr_free_pages(mem));
	EXPECT_EQ(67, sio_phys_nr_live_pages(mem));
	for (i = 0; i < 67; i++)
		sio_phys_free_pages(mem, pa[i], 0);
	EXPECT_EQ(-ENOMEM, sio_phys_alloc_pages(mem, 7, GFP_KERNEL, &extra));
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 6, GFP_KERNEL, &extra));
	EXPECT_EQ(mem->base, extra);
	sio_phys_free_pages(mem, extra, 6);
	sio_phys_mem_destroy(mem);
}

TEST(misuse_warns)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 1ULL << 24);
	u64 pa, v;

	ASSERT_FALSE(IS_ERR(mem));
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 1, GFP_KERNEL, &pa));
	test_expect_warns(6);
	sio_phys_free_pages(mem, pa, 0); /* wrong order */
	sio_phys_free_pages(mem, pa + FRAME, 1); /* not a block head */
	sio_phys_free_pages(mem, 0x1000, 0); /* not RAM */
	EXPECT_EQ(2, sio_phys_nr_live_pages(mem));
	sio_phys_free_pages(mem, pa, 1);
	sio_phys_free_pages(mem, pa, 1); /* double free */
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));

	/* Bad 64-bit accesses: WARN and read 0 / drop the write. */
	EXPECT_EQ(0, sio_phys_read64(mem, mem->base + 4));
	sio_phys_write64(mem, mem->base + mem->size, 1);
	/* The walker's accessor reports without a WARN. */
	EXPECT_EQ(-EFAULT, sio_phys_try_read64(mem, 0x1000, &v));
	EXPECT_EQ(-EFAULT, sio_phys_try_read64(mem, mem->base + 1, &v));
	sio_phys_mem_destroy(mem);
}

TEST(destroy_with_live_pages_warns)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 1ULL << 24);
	u64 pa;

	ASSERT_FALSE(IS_ERR(mem));
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 0, GFP_KERNEL, &pa));
	test_expect_warns(1);
	sio_phys_mem_destroy(mem);
}

TEST(accessors_and_copies)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 1ULL << 24);
	char buf[64], out[64];
	u64 pa, old;

	ASSERT_FALSE(IS_ERR(mem));
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 0, GFP_KERNEL, &pa));
	sio_phys_write64(mem, pa, 0x1122334455667788ULL);
	EXPECT_EQ(0x1122334455667788ULL, sio_phys_read64(mem, pa));
	sio_phys_write64_release(mem, pa + 8, 5);
	EXPECT_EQ(5, sio_phys_read64_acquire(mem, pa + 8));
	old = 4;
	EXPECT_FALSE(sio_phys_cmpxchg64(mem, pa + 8, &old, 9));
	EXPECT_EQ(5, old);
	EXPECT_TRUE(sio_phys_cmpxchg64(mem, pa + 8, &old, 9));
	EXPECT_EQ(9, sio_phys_xchg64(mem, pa + 8, 10));
	EXPECT_EQ(0, sio_phys_try_read64(mem, pa + 8, &old));
	EXPECT_EQ(10, old);

	memset(buf, 0x5a, sizeof(buf));
	EXPECT_EQ(0, sio_phys_copy_to(mem, pa + 100, buf, sizeof(buf)));
	EXPECT_EQ(0, sio_phys_copy_from(mem, pa + 100, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(buf, out, sizeof(buf)));
	/* Crossing the end of RAM: nothing copied. */
	memset(out, 0, sizeof(out));
	EXPECT_EQ(-EFAULT, sio_phys_copy_to(mem, mem->base + mem->size - 8, buf,
					    sizeof(buf)));
	EXPECT_EQ(0, sio_phys_read64(mem, mem->base + mem->size - 8));
	EXPECT_EQ(-EFAULT, sio_phys_copy_from(mem, 0, out, sizeof(out)));
	sio_phys_free_pages(mem, pa, 0);
	sio_phys_mem_destroy(mem);
}

TEST(fail_nth_injection)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 1ULL << 24);
	u64 pa;

	ASSERT_FALSE(IS_ERR(mem));
	sio_fail_nth_set(1);
	EXPECT_EQ(-ENOMEM, sio_phys_alloc_pages(mem, 0, GFP_KERNEL, &pa));
	EXPECT_TRUE(sio_fail_nth_fired());
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));
	sio_fail_nth_set(2);
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 0, GFP_KERNEL, &pa));
	EXPECT_FALSE(sio_fail_nth_fired());
	sio_fail_nth_set(0);
	sio_phys_free_pages(mem, pa, 0);
	sio_phys_mem_destroy(mem);
}

/* Random alloc/free: blocks are disjoint and zero; all frames come back. */
TEST(random_alloc_free)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 16ULL << 20);
	struct {
		u64 pa;
		unsigned int order;
	} live[256];
	unsigned long seed = test_seed() | 1;
	int n = 0, i, step;

	ASSERT_FALSE(IS_ERR(mem));
	for (step = 0; step < 5000; step++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		if (n < 256 && ((seed >> 33) & 1)) {
			unsigned int order = (seed >> 40) % 6;
			u64 pa, *p;

			if (sio_phys_alloc_pages(mem, order, GFP_KERNEL, &pa))
				continue;
			p = sio_phys_to_virt(mem, pa, FRAME << order);
			ASSERT_NOT_NULL(p);
			for (i = 0; i < (int)((FRAME << order) / 8); i += 64)
				ASSERT_EQ(0, p[i]);
			/* Tag the block; a second owner would clobber it. */
			for (i = 0; i < (int)((FRAME << order) / 8); i += 64)
				p[i] = pa;
			live[n].pa = pa;
			live[n++].order = order;
		} else if (n) {
			int k = (seed >> 20) % n;
			u64 *p = sio_phys_to_virt(mem, live[k].pa, FRAME);

			ASSERT_EQ(live[k].pa, p[0]);
			sio_phys_free_pages(mem, live[k].pa, live[k].order);
			live[k] = live[--n];
		}
	}
	for (i = 0; i < n; i++)
		sio_phys_free_pages(mem, live[i].pa, live[i].order);
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));
	EXPECT_EQ((16ULL << 20) / FRAME, sio_phys_nr_free_pages(mem));
	ASSERT_EQ(0, sio_phys_alloc_pages(mem, 12, GFP_KERNEL, &live[0].pa));
	sio_phys_free_pages(mem, live[0].pa, 12);
	sio_phys_mem_destroy(mem);
}

static void *alloc_free_thread(void *arg)
{
	struct sio_phys_mem *mem = arg;
	u64 pa[16];
	int round, i;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < 16; i++)
			if (sio_phys_alloc_pages(mem, i % 3, GFP_KERNEL,
						 &pa[i]))
				return (void *)1;
		for (i = 0; i < 16; i++) {
			sio_phys_write64(mem, pa[i], pa[i]);
			if (sio_phys_read64(mem, pa[i]) != pa[i])
				return (void *)1;
		}
		for (i = 0; i < 16; i++)
			sio_phys_free_pages(mem, pa[i], i % 3);
	}
	return NULL;
}

TEST(threads)
{
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 16ULL << 20);
	pthread_t t[3];
	void *ret;
	int i;

	ASSERT_FALSE(IS_ERR(mem));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0,
			  pthread_create(&t[i], NULL, alloc_free_thread, mem));
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], &ret);
		EXPECT_NULL(ret);
	}
	EXPECT_EQ(0, sio_phys_nr_live_pages(mem));
	EXPECT_EQ((16ULL << 20) / FRAME, sio_phys_nr_free_pages(mem));
	sio_phys_mem_destroy(mem);
}

TEST_HARNESS_MAIN
