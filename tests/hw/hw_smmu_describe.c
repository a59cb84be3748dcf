// SPDX-License-Identifier: BSD-3-Clause
/*
 * sio_hw_smmu_describe_ste()/_cd(): a dump sees a stream's STE and CD
 * exactly as the transaction path decodes them (same geometry, same
 * refusals, same events), reads memory rather than the configuration
 * cache, and leaves caches, counters and queues untouched.
 */
#include "smmu-env.h"

#define SID	1
#define ASID	7
#define DATA	0x41000000ULL	/* inside the 64 MiB of RAM at 1 GiB */
#define DELTA	0x100000000ULL	/* IPA = PA + DELTA for nested S1 tables */

FIXTURE(describe)
{
	struct env e;
	struct pt pt;
	u64 cdtab;
};

FIXTURE_SETUP(describe)
{
	env_init(&self->e, NULL, 4, 2);
	pt_init(&self->e, &self->pt, false, 12, 48, 48, 0);
	self->cdtab = env_alloc(&self->e, 16 * SIO_SMMU_CD_SIZE);
	env_cd(&self->e, self->cdtab, &self->pt, ASID, 0);
	env_ste(&self->e, SID, ste0_s1(self->cdtab, 2, false),
		SIO_SMMU_FIELD_PREP(SIO_SMMU_STE1_S1DSS,
				    SIO_SMMU_STE1_S1DSS_SSID0), 0, 0);
}

FIXTURE_TEARDOWN(describe)
{
	env_fini(&self->e);
}

static int read_pa(void *ctx, u64 pa, arm_lpae_iopte *pte)
{
	struct env *e = ctx;

	return sio_phys_try_read64(e->mem, pa, pte);
}

static int tr(struct env *e, u32 sid, bool ssv, u32 ssid, u64 iova,
	      struct sio_hw_smmu_txn_result *res)
{
	return sio_hw_smmu_translate_ex(e->smmu, sid, ssv, ssid, iova,
					SIO_HW_ACCESS_READ, res);
}

/* The decoded CD walks to what the hardware translates to. */
TEST_F(describe, stage1_ste_and_cd_match_the_walker)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_ste_desc sd;
	struct sio_hw_smmu_cd_desc cd;
	struct arm_lpae_walk w;

	pt_map(&self->e, &self->pt, 0x12345000, DATA, 3, S1_RW);
	ASSERT_EQ(0, sio_hw_smmu_describe_ste(self->e.smmu, SID, &sd));
	EXPECT_EQ(SID, sd.sid);
	EXPECT_EQ(self->e.strtab + SID * SIO_SMMU_STE_SIZE, sd.pa);
	EXPECT_TRUE(sd.valid);
	EXPECT_EQ(0, sd.event);
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_S1_TRANS, sd.config);
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_S1_TRANS, sd.ste.config);
	EXPECT_STREQ("stage 1", sio_hw_smmu_ste_config_name(sd.config));
	EXPECT_EQ(self->cdtab, sd.ste.s1ctxptr);
	EXPECT_EQ(2, sd.ste.s1cdmax);
	EXPECT_EQ(rd64(&self->e, sd.pa), sd.ste.w[0]);

	ASSERT_EQ(0, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 0, &cd));
	EXPECT_EQ(self->cdtab, cd.addr);
	EXPECT_FALSE(cd.ipa);
	EXPECT_TRUE(cd.valid);
	EXPECT_EQ(0, cd.event);
	EXPECT_EQ(ASID, cd.cd.asid);
	EXPECT_EQ(self->pt.root, cd.cd.ttb);
	EXPECT_TRUE(cd.cd.record);
	EXPECT_EQ(self->pt.g.granule_shift, cd.cd.s1.granule_shift);
	EXPECT_EQ(self->pt.g.ias, cd.cd.s1.ias);
	EXPECT_EQ(self->pt.g.oas, cd.cd.s1.oas);
	EXPECT_EQ(self->pt.g.start_level, cd.cd.s1.start_level);

	ASSERT_EQ(0, arm_lpae_walk(&cd.cd.s1, cd.cd.ttb, 0x12345678, read_pa,
				   &self->e, &w));
	ASSERT_EQ(0, tr(&self->e, SID, false, 0, 0x12345678, &r));
	EXPECT_EQ(r.pa, w.oa);
	EXPECT_EQ(DATA + 0x678, w.oa);
}

/* Each refusal is the event a transaction records for the same stream. */
TEST_F(describe, refusals_name_the_transaction_event)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_ste_desc sd;
	struct sio_hw_smmu_cd_desc cd;
	u64 rec[4];

	/* Outside the stream table. */
	EXPECT_EQ(-ERANGE, sio_hw_smmu_describe_ste(self->e.smmu,
						    1U << ENV_STRTAB_LOG2,
						    &sd));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_STREAMID, sd.event);
	EXPECT_EQ(0, sd.pa);
	EXPECT_EQ(-EFAULT, tr(&self->e, 1U << ENV_STRTAB_LOG2, false, 0, 0,
			      &r));
	EXPECT_EQ(r.event, sd.event);

	/* STE0.V clear. */
	EXPECT_EQ(-ENOENT, sio_hw_smmu_describe_ste(self->e.smmu, 9, &sd));
	EXPECT_FALSE(sd.valid);
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_STE, sd.event);
	EXPECT_EQ(-EFAULT, tr(&self->e, 9, false, 0, 0, &r));
	EXPECT_EQ(r.event, sd.event);

	/* A reserved CONFIG value: valid, refused, config still reported. */
	env_ste(&self->e, 10, ste0(1), 0, 0, 0);
	EXPECT_EQ(-EINVAL, sio_hw_smmu_describe_ste(self->e.smmu, 10, &sd));
	EXPECT_TRUE(sd.valid);
	EXPECT_EQ(1, sd.config);
	EXPECT_STREQ("reserved", sio_hw_smmu_ste_config_name(sd.config));
	EXPECT_EQ(-EFAULT, tr(&self->e, 10, false, 0, 0, &r));
	EXPECT_EQ(r.event, sd.event);
	EXPECT_EQ(-ENODEV, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 0, &cd));

	/* A CD beyond S1CDMAX (4 CDs). */
	ASSERT_EQ(0, sio_hw_smmu_describe_ste(self->e.smmu, SID, &sd));
	EXPECT_EQ(-ERANGE, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 4, &cd));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, true, 4, 0, &r));
	EXPECT_EQ(r.event, cd.event);

	/* CD0.V clear. */
	EXPECT_EQ(-ENOENT, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 1, &cd));
	EXPECT_FALSE(cd.valid);
	EXPECT_EQ(self->cdtab + SIO_SMMU_CD_SIZE, cd.addr);
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, true, 1, 0, &r));
	EXPECT_EQ(r.event, cd.event);

	/* A geometry the hardware refuses (IAS 60 > 48). */
	env_cd(&self->e, self->cdtab + 2 * SIO_SMMU_CD_SIZE, &self->pt, 3, 0);
	wr64(&self->e, self->cdtab + 2 * SIO_SMMU_CD_SIZE,
	     (rd64(&self->e, self->cdtab + 2 * SIO_SMMU_CD_SIZE) &
	      ~SIO_SMMU_CD0_T0SZ) |
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_T0SZ, 4));
	EXPECT_EQ(-EINVAL, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 2, &cd));
	EXPECT_TRUE(cd.valid);
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, true, 2, 0, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_CD, cd.event);
	EXPECT_EQ(r.event, cd.event);

	/* A CD table outside RAM. */
	env_ste(&self->e, 11, ste0_s1(0x1000, 0, false), 0, 0, 0);
	ASSERT_EQ(0, sio_hw_smmu_describe_ste(self->e.smmu, 11, &sd));
	EXPECT_EQ(-EIO, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 0, &cd));
	EXPECT_FALSE(cd.stage2);
	EXPECT_EQ(-EFAULT, tr(&self->e, 11, false, 0, 0, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_CD_FETCH, cd.event);
	EXPECT_EQ(r.event, cd.event);

	while (env_evt_pop(&self->e, rec))
		;
}

/* A PS or IPS above the implemented OAS decodes as the OAS. */
TEST(describe_clamps_oas_like_the_walker)
{
	struct sio_hw_smmu_config cfg;
	struct sio_hw_smmu_ste_desc sd;
	struct sio_hw_smmu_cd_desc cd;
	struct pt s1, s2;
	struct env e;
	u64 cdtab;

	sio_hw_smmu_config_default(&cfg);
	cfg.oas = 40;
	env_init(&e, &cfg, 4, 2);
	pt_init(&e, &s1, false, 12, 39, 48, 1);
	pt_init(&e, &s2, true, 16, 40, 48, 2);
	cdtab = env_alloc(&e, 4096);
	env_cd(&e, cdtab, &s1, ASID, 0);
	env_ste(&e, 2, ste0_s1(cdtab, 0, false), 0, 0, 0);
	env_ste(&e, 3, ste0(SIO_SMMU_STE0_CONFIG_S2_TRANS), 0, ste2_s2(&s2, 5),
		s2.root);

	ASSERT_EQ(0, sio_hw_smmu_describe_ste(e.smmu, 2, &sd));
	ASSERT_EQ(0, sio_hw_smmu_describe_cd(e.smmu, &sd, 0, &cd));
	EXPECT_EQ(40, cd.cd.s1.oas);
	EXPECT_EQ(1, cd.cd.s1.start_level);

	ASSERT_EQ(0, sio_hw_smmu_describe_ste(e.smmu, 3, &sd));
	EXPECT_STREQ("stage 2", sio_hw_smmu_ste_config_name(sd.config));
	EXPECT_EQ(5, sd.ste.vmid);
	EXPECT_EQ(s2.root, sd.ste.s2ttb);
	EXPECT_EQ(16, sd.ste.s2.granule_shift);
	EXPECT_EQ(2, sd.ste.s2.start_level);
	EXPECT_EQ(40, sd.ste.s2.oas);
	EXPECT_TRUE(sd.ste.s2r);
	EXPECT_EQ(-ENODEV, sio_hw_smmu_describe_cd(e.smmu, &sd, 0, &cd));
	env_fini(&e);
}

/*
 * A dump reads memory: an STE rewritten without CFGI shows its new words
 * while transactions keep the cached ones; nothing is cached or counted.
 */
TEST_F(describe, reads_memory_not_the_configuration_cache)
{
	struct sio_hw_smmu_stats before, after;
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_ste_desc sd;
	struct sio_hw_smmu_cd_desc cd;
	u64 pa = self->e.strtab + SID * SIO_SMMU_STE_SIZE;

	pt_map(&self->e, &self->pt, 0x1000, DATA, 3, S1_RW);
	ASSERT_EQ(0, tr(&self->e, SID, false, 0, 0x1000, &r));
	sio_hw_smmu_get_stats(self->e.smmu, &before);
	ASSERT_EQ(0, sio_hw_smmu_describe_ste(self->e.smmu, SID, &sd));
	ASSERT_EQ(0, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 0, &cd));
	sio_hw_smmu_get_stats(self->e.smmu, &after);
	EXPECT_EQ(before.cfg_hits, after.cfg_hits);
	EXPECT_EQ(before.cfg_misses, after.cfg_misses);
	EXPECT_EQ(before.walks, after.walks);
	EXPECT_EQ(before.walk_reads, after.walk_reads);
	EXPECT_EQ(before.events, after.events);

	/* Abort the stream in memory only: the cache still translates. */
	wr64(&self->e, pa, ste0(SIO_SMMU_STE0_CONFIG_ABORT));
	ASSERT_EQ(0, sio_hw_smmu_describe_ste(self->e.smmu, SID, &sd));
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_ABORT, sd.ste.config);
	EXPECT_STREQ("abort", sio_hw_smmu_ste_config_name(sd.config));
	ASSERT_EQ(0, tr(&self->e, SID, false, 0, 0x1000, &r));
	EXPECT_EQ(DATA, r.pa);
	/* After CFGI_STE the transaction agrees with the dump. */
	EXPECT_EQ(0, env_cfgi_ste(&self->e, SID));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, false, 0, 0x1000, &r));
	EXPECT_EQ(0, r.event);
}

/* A nested stream's CD is fetched through stage 2, as the walker does. */
TEST_F(describe, nested_cd_is_read_through_stage2)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_ste_desc sd;
	struct sio_hw_smmu_cd_desc cd;
	u64 cdtab_pa = env_alloc(&self->e, 4096), rec[4];
	struct pt s1, s2;

	pt_init(&self->e, &s2, true, 12, 40, 48, 1);
	pt_init(&self->e, &s1, false, 12, 39, 40, 1);
	s1.delta = DELTA;
	pt_map(&self->e, &s2, cdtab_pa + DELTA, cdtab_pa, 3, S2_RO);
	env_cd(&self->e, cdtab_pa, &s1, 9, 0);
	env_ste(&self->e, 6, ste0_s1(cdtab_pa + DELTA, 1, true), 0,
		ste2_s2(&s2, 4), s2.root);

	ASSERT_EQ(0, sio_hw_smmu_describe_ste(self->e.smmu, 6, &sd));
	EXPECT_STREQ("nested", sio_hw_smmu_ste_config_name(sd.config));
	EXPECT_EQ(4, sd.ste.vmid);
	EXPECT_EQ(cdtab_pa + DELTA, sd.ste.s1ctxptr);
	ASSERT_EQ(0, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 0, &cd));
	EXPECT_TRUE(cd.ipa);
	EXPECT_EQ(cdtab_pa + DELTA, cd.addr);
	EXPECT_EQ(9, cd.cd.asid);
	EXPECT_EQ(s1.root + DELTA, cd.cd.ttb);

	/*
	 * A CD table at an IPA stage 2 does not map: a stage-2 translation
	 * fault on the fetch, as a transaction sees it.
	 */
	env_ste(&self->e, 7, ste0_s1(cdtab_pa + DELTA + 0x10000, 0, true), 0,
		ste2_s2(&s2, 4), s2.root);
	ASSERT_EQ(0, sio_hw_smmu_describe_ste(self->e.smmu, 7, &sd));
	EXPECT_EQ(-EIO, sio_hw_smmu_describe_cd(self->e.smmu, &sd, 0, &cd));
	EXPECT_TRUE(cd.stage2);
	EXPECT_EQ(SIO_SMMU_EVT_F_TRANSLATION, cd.event);
	EXPECT_EQ(-EFAULT, tr(&self->e, 7, false, 0, 0, &r));
	EXPECT_EQ(r.event, cd.event);
	EXPECT_TRUE(r.stage2);
	while (env_evt_pop(&self->e, rec))
		;
}

TEST_HARNESS_MAIN
