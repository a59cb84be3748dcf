// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stress of the SMMU model: device threads translate while a driver thread
 * remaps pages break-before-make (clear, TLBI, SYNC, install) and throws in
 * ASID/global invalidations and CD re-validations.  Every successful
 * translation must be one of the two legitimate targets, the coherency
 * checker (AFTER_SYNC mode) must stay quiet, and TSan must find no race.
 * Bounded and deterministic in its choices given SIO_TEST_SEED.
 */
#include <pthread.h>
#include <sched.h>
#include "smmu-env.h"

#define SID		1
#define ASID		3
#define NPAGES		64	/* at most */
#define NTHREADS	3	/* translator threads, at most */
#define IOVA0		0x100000ULL
#define PA_A		0x41000000ULL
#define PA_B		0x41100000ULL
#define PROGRESS	8	/* translations between two remaps */

/*
 * Per page: (generation << 1) | remap-in-progress.  Even generations map
 * to PA_A, odd ones to PA_B.  A translation that starts and ends within
 * one settled generation must give exactly that generation's target.
 */
struct stress {
	struct env *e;
	unsigned int npages;
	unsigned int nthreads;
	long max_translates;
	atomic_int done;
	atomic_int finished;	/* translator threads that returned */
	atomic_long ok, faults, bad, progress;
	atomic_uint state[NPAGES];
	unsigned long seed;
};

static u64 xorshift(u64 *s)
{
	u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

struct worker {
	struct stress *s;
	u64 rng;
};

static void *translator(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	long n;

	for (n = 0; n < s->max_translates && !atomic_load(&s->done); n++) {
		u64 i = xorshift(&w->rng) % s->npages, pa;
		u64 off = i * 0x1000 + (i * 8 & 0xfff);
		unsigned int s1, s2;
		int ret;

		s1 = atomic_load(&s->state[i]);
		ret = sio_hw_smmu_translate(s->e->smmu, SID, false, 0,
					    IOVA0 + off, SIO_HW_ACCESS_READ,
					    &pa, NULL);
		s2 = atomic_load(&s->state[i]);
		atomic_fetch_add(&s->progress, 1);
		if (s1 == s2 && !(s1 & 1)) {
			/* Settled: exactly the current target. */
			if (!ret && pa == ((s1 >> 1) & 1 ? PA_B : PA_A) + off)
				atomic_fetch_add(&s->ok, 1);
			else
				atomic_fetch_add(&s->bad, 1);
		} else if (!ret && (pa == PA_A + off || pa == PA_B + off)) {
			atomic_fetch_add(&s->ok, 1);
		} else if (ret == -EFAULT) {
			atomic_fetch_add(&s->faults, 1);
		} else {
			atomic_fetch_add(&s->bad, 1);
		}
	}
	atomic_fetch_add(&s->finished, 1);
	return NULL;
}

/*
 * @npages pages remapped @remaps times under @nthreads translators, each
 * of which stops after @max_translates translations (or at the end).
 */
static void translate_vs_invalidate(struct __test_metadata *_metadata,
				    unsigned int npages, unsigned int nthreads,
				    int remaps, long max_translates)
{
	struct stress s = { 0 };
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	struct env e;
	struct pt pt;
	u64 cd, ptep[NPAGES], rng;
	bool on_b[NPAGES] = { false };
	struct sio_hw_smmu_stats st;
	int i, t;

	ASSERT_LE(npages, NPAGES);
	ASSERT_LE(nthreads, NTHREADS);
	s.npages = npages;
	s.nthreads = nthreads;
	s.max_translates = max_translates;
	s.seed = test_seed();
	rng = s.seed | 1;
	env_init(&e, NULL, 4, 2);
	s.e = &e;
	sio_hw_smmu_set_check_mode(e.smmu, SIO_HW_CHECK_AFTER_SYNC);
	pt_init(&e, &pt, false, 12, 48, 48, 0);
	cd = env_alloc(&e, 4096);
	env_cd(&e, cd, &pt, ASID, 0);
	env_ste(&e, SID, ste0_s1(cd, 0, false), 0, 0, 0);
	for (i = 0; i < (int)npages; i++)
		ptep[i] = pt_map(&e, &pt, IOVA0 + i * 0x1000,
				 PA_A + i * 0x1000, 3, S1_RW);

	for (t = 0; t < (int)nthreads; t++) {
		w[t].s = &s;
		w[t].rng = (s.seed + 1) * (t + 7) | 1;
		ASSERT_EQ(0, pthread_create(&th[t], NULL, translator, &w[t]));
	}
	for (i = 0; i < remaps; i++) {
		u64 r = xorshift(&rng);
		unsigned int p = r % npages, spins;
		long seen = atomic_load(&s.progress);
		u64 pa;

		/* Let the device threads make progress between remaps. */
		for (spins = 0; spins < 100000 &&
		     atomic_load(&s.finished) < (int)nthreads &&
		     atomic_load(&s.progress) - seen < PROGRESS; spins++)
			sched_yield();
		atomic_fetch_add(&s.state[p], 1);	/* in progress */
		/* Break: no translation, invalidate, wait. */
		wr64(&e, ptep[p], 0);
		env_tlbi_va(&e, 0, ASID, IOVA0 + p * 0x1000, 0);
		/* Make: the other target. */
		on_b[p] = !on_b[p];
		pa = (on_b[p] ? PA_B : PA_A) + p * 0x1000;
		sio_phys_write64_release(e.mem, ptep[p],
					 arm_lpae_paddr_to_pte(pa, 12) | S1_RW |
					 ARM_LPAE_PTE_TYPE_PAGE);
		/* Settled: next generation (the TLBI above completed). */
		atomic_fetch_add(&s.state[p], 1);
		switch ((r >> 32) % 64) {
		case 0:
			env_cmd(&e, op(SIO_SMMU_CMD_TLBI_NH_ASID) |
				SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_ASID, ASID),
				0);
			break;
		case 1:
			env_cmd(&e, op(SIO_SMMU_CMD_TLBI_NSNH_ALL), 0);
			break;
		case 2:
			env_cfgi_cd(&e, SID, 0);
			break;
		case 3:
			env_cfgi_ste(&e, SID);
			break;
		}
		/* Drain events so the queue keeps moving. */
		if (!(i % 16)) {
			u64 rec[4];

			while (env_evt_pop(&e, rec))
				;
		}
	}
	atomic_store(&s.done, 1);
	for (t = 0; t < (int)nthreads; t++)
		pthread_join(th[t], NULL);

	sio_hw_smmu_get_stats(e.smmu, &st);
	printf("# seed %lu: ok %ld faults %ld bad %ld hits %llu misses %llu fills %llu inv %llu mismatches %llu\n",
	       s.seed, atomic_load(&s.ok), atomic_load(&s.faults),
	       atomic_load(&s.bad), (unsigned long long)st.iotlb_hits,
	       (unsigned long long)st.iotlb_misses,
	       (unsigned long long)st.iotlb_fills,
	       (unsigned long long)st.iotlb_inv_entries,
	       (unsigned long long)st.check_mismatches);
	EXPECT_EQ(0, atomic_load(&s.bad));
	EXPECT_GT(atomic_load(&s.ok), 0);
	EXPECT_EQ(0, SIO_SMMU_FIELD_GET(SIO_SMMU_CMDQ_CONS_ERR,
					sio_hw_smmu_read32(e.smmu,
							   SIO_SMMU_CMDQ_CONS)));
	/* After the storm, every page translates to its final target. */
	for (i = 0; i < (int)npages; i++) {
		u64 pa;

		ASSERT_EQ(0, sio_hw_smmu_translate(e.smmu, SID, false, 0,
						   IOVA0 + i * 0x1000,
						   SIO_HW_ACCESS_READ, &pa,
						   NULL));
		EXPECT_EQ((on_b[i] ? PA_B : PA_A) + i * 0x1000, pa);
	}
	env_fini(&e);
}

/* 64 pages, two translators that stop after 400,000 translations each. */
TEST(translate_vs_invalidate)
{
	translate_vs_invalidate(_metadata, 64, 2, 4000, 400000);
}

/*
 * Two pages and three translators, running until the last remap: nearly
 * every remap hits a page a translator is using, and a translator is
 * often preempted between its IOTLB lookup and the checker's walk (the
 * window of the checker's false "stale IOTLB entry" report, issue 8
 * defect 8).
 */
TEST(translate_vs_invalidate_hot)
{
	translate_vs_invalidate(_metadata, 2, 3, 3000, 1L << 40);
}

TEST_HARNESS_MAIN
