// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the software SMMU model, driven only through its registers
 * and simulated memory: ID registers, STE/CD configurations, stage-1,
 * stage-2 and nested walks, faults and events, the command queue (and its
 * illegal-command error), IOTLB invalidation and the coherency checker,
 * event/PRI queue overflow, stalls, statistics.
 */
#include "smmu-env.h"

#define SID	1
#define ASID	7
#define DATA	0x41000000ULL	/* inside the 64 MiB of RAM at 1 GiB */

FIXTURE(smmu)
{
	struct env e;
	struct pt pt;
	u64 cdtab;
};

FIXTURE_SETUP(smmu)
{
	env_init(&self->e, NULL, 4, 2);
	pt_init(&self->e, &self->pt, false, 12, 48, 48, 0);
	self->cdtab = env_alloc(&self->e, 16 * SIO_SMMU_CD_SIZE);
	env_cd(&self->e, self->cdtab, &self->pt, ASID, 0);
	env_ste(&self->e, SID, ste0_s1(self->cdtab, 0, false), 0, 0, 0);
	sio_hw_smmu_set_check_iotlb(self->e.smmu, true);
}

FIXTURE_TEARDOWN(smmu)
{
	env_fini(&self->e);
}

static int tr(struct env *e, u32 sid, u64 iova, unsigned int access,
	      struct sio_hw_smmu_txn_result *res)
{
	return sio_hw_smmu_translate_ex(e->smmu, sid, false, 0, iova, access,
					res);
}

TEST(idr_registers_report_config)
{
	struct sio_hw_smmu_config cfg;
	struct env e;
	u32 idr0, idr1, idr5;

	sio_hw_smmu_config_default(&cfg);
	cfg.stage2 = false;
	cfg.nesting = false;
	cfg.pri = false;
	cfg.ssid_bits = 5;
	cfg.oas = 44;
	cfg.granules = SIO_HW_SMMU_GRAN_4K | SIO_HW_SMMU_GRAN_64K;
	cfg.iotlb_entries = 100;
	env_init(&e, &cfg, 4, 2);
	idr0 = sio_hw_smmu_read32(e.smmu, SIO_SMMU_IDR0);
	idr1 = sio_hw_smmu_read32(e.smmu, SIO_SMMU_IDR1);
	idr5 = sio_hw_smmu_read32(e.smmu, SIO_SMMU_IDR5);
	EXPECT_TRUE(idr0 & SIO_SMMU_IDR0_S1P);
	EXPECT_FALSE(idr0 & SIO_SMMU_IDR0_S2P);
	EXPECT_FALSE(idr0 & SIO_SMMU_IDR0_NEST);
	EXPECT_FALSE(idr0 & SIO_SMMU_IDR0_PRI);
	EXPECT_EQ(16, SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_SIDSIZE, idr1));
	EXPECT_EQ(5, SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_SSIDSIZE, idr1));
	EXPECT_EQ(44, SIO_SMMU_FIELD_GET(SIO_SMMU_IDR5_OAS, idr5));
	EXPECT_EQ(48, SIO_SMMU_FIELD_GET(SIO_SMMU_IDR5_IAS, idr5));
	EXPECT_TRUE(idr5 & SIO_SMMU_IDR5_GRAN4K);
	EXPECT_FALSE(idr5 & SIO_SMMU_IDR5_GRAN16K);
	EXPECT_TRUE(idr5 & SIO_SMMU_IDR5_GRAN64K);
	EXPECT_EQ(128, sio_hw_smmu_read32(e.smmu, SIO_SMMU_IDR2));
	/* PRIQEN cannot be set without PRI. */
	EXPECT_FALSE(sio_hw_smmu_read32(e.smmu, SIO_SMMU_CR0ACK) &
		     SIO_SMMU_CR0_PRIQEN);
	/* Stage-2 commands are illegal without stage 2. */
	EXPECT_EQ(SIO_SMMU_CERROR_ILL,
		  env_cmd(&e, op(SIO_SMMU_CMD_TLBI_S12_VMALL), 0));
	env_fini(&e);
}

TEST(create_rejects_bad_config)
{
	struct sio_hw_smmu_config cfg;
	struct sio_phys_mem *mem = sio_phys_mem_create(0, 16ULL << 20);

	ASSERT_FALSE(IS_ERR(mem));
	sio_hw_smmu_config_default(&cfg);
	cfg.oas = 47;
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_hw_smmu_create(mem, &cfg)));
	sio_hw_smmu_config_default(&cfg);
	cfg.stage1 = cfg.stage2 = false;
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_hw_smmu_create(mem, &cfg)));
	sio_hw_smmu_config_default(&cfg);
	cfg.stage2 = false;	/* nesting without stage 2 */
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_hw_smmu_create(mem, &cfg)));
	sio_hw_smmu_config_default(&cfg);
	cfg.iotlb_ways = 3;
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_hw_smmu_create(mem, &cfg)));
	EXPECT_EQ(-EINVAL, PTR_ERR(sio_hw_smmu_create(NULL, NULL)));
	sio_phys_mem_destroy(mem);
}

TEST_F(smmu, s1_page_miss_then_hit)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_stats st;

	pt_map(&self->e, &self->pt, 0x12345000, DATA, 3, S1_RW);
	ASSERT_EQ(0, tr(&self->e, SID, 0x12345678, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(DATA + 0x678, r.pa);
	EXPECT_EQ(0x1000 - 0x678, r.contig);
	EXPECT_FALSE(r.iotlb_hit);
	ASSERT_EQ(0, tr(&self->e, SID, 0x12345010, SIO_HW_ACCESS_WRITE, &r));
	EXPECT_EQ(DATA + 0x10, r.pa);
	EXPECT_TRUE(r.iotlb_hit);
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(1, st.iotlb_hits);
	EXPECT_EQ(1, st.iotlb_misses);
	EXPECT_EQ(1, st.iotlb_fills);
	EXPECT_EQ(1, st.walks);
	EXPECT_EQ(4, st.walk_reads);	/* levels 0..3 */
	EXPECT_EQ(1, st.iotlb_valid);
	EXPECT_EQ(0, st.events);
	EXPECT_EQ(0, self->e.irqs[SIO_HW_SMMU_IRQ_EVTQ]);
}

TEST_F(smmu, s1_block_mapping)
{
	struct sio_hw_smmu_txn_result r;
	u64 pa;
	size_t contig;

	pt_map(&self->e, &self->pt, 0x40000000, 0x40200000, 2, S1_RW);
	ASSERT_EQ(0, sio_hw_smmu_translate(self->e.smmu, SID, false, 0,
					   0x40123456, SIO_HW_ACCESS_READ,
					   &pa, &contig));
	EXPECT_EQ(0x40323456, pa);
	EXPECT_EQ(0x200000 - 0x123456, contig);
	/* Another page of the same block hits the same entry. */
	ASSERT_EQ(0, tr(&self->e, SID, 0x401ff000, SIO_HW_ACCESS_READ, &r));
	EXPECT_TRUE(r.iotlb_hit);
	EXPECT_EQ(0x403ff000, r.pa);
}

TEST_F(smmu, bypass_abort_and_gbpa)
{
	struct sio_hw_smmu_txn_result r;
	u64 rec[4];

	env_ste(&self->e, 2, ste0(SIO_SMMU_STE0_CONFIG_BYPASS), 0, 0, 0);
	ASSERT_EQ(0, tr(&self->e, 2, 0x1234, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(0x1234, r.pa);
	env_ste(&self->e, 3, ste0(SIO_SMMU_STE0_CONFIG_ABORT), 0, 0, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, 3, 0x1234, SIO_HW_ACCESS_READ, &r));
	EXPECT_FALSE(r.recorded);
	EXPECT_FALSE(env_evt_pop(&self->e, rec));

	/* SMMUEN = 0: GBPA decides. */
	sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_CR0, SIO_SMMU_CR0_CMDQEN);
	sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_GBPA, SIO_SMMU_GBPA_ABORT);
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x1234, SIO_HW_ACCESS_READ, &r));
	sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_GBPA, 0);
	ASSERT_EQ(0, tr(&self->e, SID, 0x5678, SIO_HW_ACCESS_WRITE, &r));
	EXPECT_EQ(0x5678, r.pa);
}

/* GBPA.ABORT out of reset is the configuration's (default: bypass). */
TEST(gbpa_reset_value_is_configurable)
{
	struct sio_hw_smmu_config cfg;
	struct sio_phys_mem *mem;
	struct sio_hw_smmu *smmu;
	u64 pa;

	mem = sio_phys_mem_create(0, 1 << 20);
	ASSERT_FALSE(IS_ERR(mem));
	sio_hw_smmu_config_default(&cfg);
	smmu = sio_hw_smmu_create(mem, &cfg);
	ASSERT_FALSE(IS_ERR(smmu));
	EXPECT_EQ(0, sio_hw_smmu_read32(smmu, SIO_SMMU_GBPA));
	EXPECT_EQ(0, sio_hw_smmu_translate(smmu, 1, false, 0, 0x3000,
					   SIO_HW_ACCESS_READ, &pa, NULL));
	EXPECT_EQ(0x3000, pa);
	sio_hw_smmu_destroy(smmu);

	cfg.gbpa_abort = true;
	smmu = sio_hw_smmu_create(mem, &cfg);
	ASSERT_FALSE(IS_ERR(smmu));
	EXPECT_EQ(SIO_SMMU_GBPA_ABORT, sio_hw_smmu_read32(smmu, SIO_SMMU_GBPA));
	EXPECT_EQ(-EFAULT, sio_hw_smmu_translate(smmu, 1, false, 0, 0x3000,
						 SIO_HW_ACCESS_READ, &pa, NULL));
	sio_hw_smmu_destroy(smmu);
	sio_phys_mem_destroy(mem);
}

TEST_F(smmu, translation_fault_records_event)
{
	struct sio_hw_smmu_txn_result r;
	u64 rec[4];

	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0xdead000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_TRANSLATION, r.event);
	EXPECT_TRUE(r.recorded);
	EXPECT_EQ(1, self->e.irqs[SIO_HW_SMMU_IRQ_EVTQ]);
	ASSERT_TRUE(env_evt_pop(&self->e, rec));
	EXPECT_EQ(SIO_SMMU_EVT_F_TRANSLATION, evt_type(rec));
	EXPECT_EQ(SID, SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_SID, rec[0]));
	EXPECT_FALSE(rec[0] & SIO_SMMU_EVT0_SSV);
	EXPECT_TRUE(rec[1] & SIO_SMMU_EVT1_RNW);
	EXPECT_FALSE(rec[1] & SIO_SMMU_EVT1_S2);
	EXPECT_EQ(SIO_SMMU_EVT_CLASS_IN,
		  SIO_SMMU_FIELD_GET(SIO_SMMU_EVT1_CLASS, rec[1]));
	EXPECT_EQ(0xdead000, rec[2]);
	EXPECT_FALSE(env_evt_pop(&self->e, rec));
	/* Beyond T0SZ: a translation fault too. */
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 1ULL << 50, SIO_HW_ACCESS_READ,
			      &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_TRANSLATION, r.event);
}

TEST_F(smmu, permission_faults)
{
	struct sio_hw_smmu_txn_result r;
	u64 rec[4];

	pt_map(&self->e, &self->pt, 0x1000, DATA, 3, S1_RO);
	pt_map(&self->e, &self->pt, 0x2000, DATA, 3,
	       (S1_RW & ~ARM_LPAE_PTE_AP_UNPRIV));
	pt_map(&self->e, &self->pt, 0x3000, DATA, 3, S1_RW | ARM_LPAE_PTE_XN);

	ASSERT_EQ(0, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_WRITE, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_PERMISSION, r.event);
	ASSERT_TRUE(env_evt_pop(&self->e, rec));
	EXPECT_EQ(SIO_SMMU_EVT_F_PERMISSION, evt_type(rec));
	EXPECT_FALSE(rec[1] & SIO_SMMU_EVT1_RNW);

	/* Privileged-only page. */
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x2000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_PERMISSION, r.event);
	EXPECT_EQ(0, tr(&self->e, SID, 0x2000,
			SIO_HW_ACCESS_READ | SIO_HW_ACCESS_PRIV, &r));
	/* Execute-never page. */
	EXPECT_EQ(0, tr(&self->e, SID, 0x3000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x3000,
			      SIO_HW_ACCESS_READ | SIO_HW_ACCESS_EXEC, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_PERMISSION, r.event);
	ASSERT_TRUE(env_evt_pop(&self->e, rec));
	ASSERT_TRUE(env_evt_pop(&self->e, rec));
	EXPECT_TRUE(rec[1] & SIO_SMMU_EVT1_IND);
	/* Bad access arguments. */
	EXPECT_EQ(-EINVAL, tr(&self->e, SID, 0x1000, 0, &r));
	EXPECT_EQ(-EINVAL, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_EXEC, &r));
}

TEST_F(smmu, access_flag_and_address_size)
{
	struct sio_hw_smmu_txn_result r;
	struct pt pt32;
	u64 cd1 = self->cdtab + SIO_SMMU_CD_SIZE;

	pt_map(&self->e, &self->pt, 0x1000, DATA, 3,
	       S1_RW & ~ARM_LPAE_PTE_AF);
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_ACCESS, r.event);
	/* AFFD: the access flag is ignored. */
	env_cd(&self->e, self->cdtab, &self->pt, ASID, SIO_SMMU_CD0_AFFD);
	env_cfgi_cd(&self->e, SID, 0);
	EXPECT_EQ(0, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));

	/* A 32-bit output space cannot reach PA 2^33. */
	pt_init(&self->e, &pt32, false, 12, 32, 32, 1);
	pt_map(&self->e, &pt32, 0x5000, 1ULL << 33, 3, S1_RW);
	env_cd(&self->e, cd1, &pt32, ASID + 1, 0);
	env_ste(&self->e, 4, ste0_s1(cd1, 0, false), 0, 0, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, 4, 0x5000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_ADDR_SIZE, r.event);
}

TEST_F(smmu, bad_configurations)
{
	struct sio_hw_smmu_txn_result r;
	u64 cd = self->cdtab + 2 * SIO_SMMU_CD_SIZE;
	u64 rec[4];

	/* Invalid STE. */
	EXPECT_EQ(-EFAULT, tr(&self->e, 9, 0, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_STE, r.event);
	/* Reserved CONFIG value. */
	env_ste(&self->e, 10, ste0(1), 0, 0, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, 10, 0, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_STE, r.event);
	/* Outside the stream table. */
	EXPECT_EQ(-EFAULT, tr(&self->e, 1U << ENV_STRTAB_LOG2, 0,
			      SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_STREAMID, r.event);
	/* Invalid CD. */
	env_ste(&self->e, 11, ste0_s1(cd, 0, false), 0, 0, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, 11, 0, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_CD, r.event);
	/* Unsupported T0SZ (ias 60 > 48). */
	env_cd(&self->e, cd, &self->pt, 3, 0);
	wr64(&self->e, cd, (rd64(&self->e, cd) & ~SIO_SMMU_CD0_T0SZ) |
			   SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_T0SZ, 4));
	env_cfgi_cd(&self->e, 11, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, 11, 0, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_CD, r.event);
	/* SubstreamID on a stream without substreams. */
	EXPECT_EQ(-EFAULT, sio_hw_smmu_translate_ex(self->e.smmu, SID, true, 1,
						    0, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_SUBSTREAMID, r.event);
	/* No SubstreamID with S1DSS = terminate. */
	env_ste(&self->e, 12, ste0_s1(self->cdtab, 2, false), 0, 0, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, 12, 0, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_STREAM_DISABLED, r.event);
	/* Every one of them was recorded. */
	while (env_evt_pop(&self->e, rec))
		;
	EXPECT_EQ(7, atomic_load(&self->e.irqs[SIO_HW_SMMU_IRQ_EVTQ]));
}

TEST_F(smmu, substreams_select_cds)
{
	struct sio_hw_smmu_txn_result r;
	struct pt pt2;

	pt_init(&self->e, &pt2, false, 12, 48, 48, 0);
	pt_map(&self->e, &self->pt, 0x1000, DATA, 3, S1_RW);
	pt_map(&self->e, &pt2, 0x1000, DATA + 0x5000, 3, S1_RW);
	env_cd(&self->e, self->cdtab + 3 * SIO_SMMU_CD_SIZE, &pt2, ASID + 3, 0);
	env_ste(&self->e, SID, ste0_s1(self->cdtab, 2, false),
		SIO_SMMU_FIELD_PREP(SIO_SMMU_STE1_S1DSS,
				    SIO_SMMU_STE1_S1DSS_SSID0), 0, 0);
	ASSERT_EQ(0, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(DATA, r.pa);
	ASSERT_EQ(0, sio_hw_smmu_translate_ex(self->e.smmu, SID, true, 3,
					      0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(DATA + 0x5000, r.pa);
	/* SSID 4 is beyond S1CDMAX = 2 (4 CDs): bad substream. */
	EXPECT_EQ(-EFAULT, sio_hw_smmu_translate_ex(self->e.smmu, SID, true, 4,
						    0x1000, SIO_HW_ACCESS_READ,
						    &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_SUBSTREAMID, r.event);
	/* SSID 1 has no valid CD. */
	EXPECT_EQ(-EFAULT, sio_hw_smmu_translate_ex(self->e.smmu, SID, true, 1,
						    0x1000, SIO_HW_ACCESS_READ,
						    &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_CD, r.event);
}

TEST_F(smmu, quiet_cd_faults_silently)
{
	struct sio_hw_smmu_txn_result r;
	u64 rec[4];

	pt_map(&self->e, &self->pt, 0x1000, DATA, 3, S1_RW);
	/* Released address space: valid, no walks, no fault records. */
	env_cd(&self->e, self->cdtab, &self->pt, ASID, SIO_SMMU_CD0_EPD0);
	wr64(&self->e, self->cdtab,
	     rd64(&self->e, self->cdtab) & ~SIO_SMMU_CD0_R);
	env_cfgi_cd(&self->e, SID, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_TRANSLATION, r.event);
	EXPECT_FALSE(r.recorded);
	EXPECT_FALSE(env_evt_pop(&self->e, rec));
}

TEST_F(smmu, config_cache_needs_cfgi)
{
	struct sio_hw_smmu_txn_result r;
	u64 ste = self->e.strtab + SID * SIO_SMMU_STE_SIZE;

	pt_map(&self->e, &self->pt, 0x1000, DATA, 3, S1_RW);
	ASSERT_EQ(0, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	/* Make the STE abort without telling the SMMU: still cached. */
	wr64(&self->e, ste, ste0(SIO_SMMU_STE0_CONFIG_ABORT));
	EXPECT_EQ(0, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(0, env_cfgi_ste(&self->e, SID));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));

	/* Same for a CD: invalidate it in memory, the cached copy lives on. */
	env_ste(&self->e, SID, ste0_s1(self->cdtab, 0, false), 0, 0, 0);
	ASSERT_EQ(0, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	wr64(&self->e, self->cdtab, 0);
	EXPECT_EQ(0, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(0, env_cfgi_cd(&self->e, SID, 0));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x1000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_CD, r.event);
}

TEST_F(smmu, tlbi_va_removes_stale_entry)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_stats st;
	u64 ptep = pt_map(&self->e, &self->pt, 0x7000, DATA, 3, S1_RW);

	sio_hw_smmu_set_check_iotlb(self->e.smmu, false);
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	/* Remap without invalidation: the IOTLB still says DATA. */
	wr64(&self->e, ptep, arm_lpae_paddr_to_pte(DATA + 0x3000, 12) | S1_RW |
			     ARM_LPAE_PTE_TYPE_PAGE);
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(DATA, r.pa);
	/* A TLBI for another ASID or address leaves it. */
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID + 1, 0x7000, 0));
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, 0x8000, 0));
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(DATA, r.pa);
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, 0x7000, 0));
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(DATA + 0x3000, r.pa);
	EXPECT_FALSE(r.iotlb_hit);
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(1, st.iotlb_inv_entries);
	EXPECT_EQ(3, st.iotlb_inv_cmds);
}

TEST_F(smmu, checker_warns_on_missing_invalidation)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_stats st;
	u64 ptep = pt_map(&self->e, &self->pt, 0x7000, DATA, 3, S1_RW);

	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_WRITE, &r));
	/* Unmap without TLBI: the next hit is stale and the checker WARNs. */
	wr64(&self->e, ptep, 0);
	test_expect_warns(1);
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_WRITE, &r));
	EXPECT_TRUE(r.iotlb_hit);
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(1, st.check_mismatches);
	EXPECT_EQ(1, sio_warn_count());
	/* With the TLBI, the fault is seen and nothing more WARNs. */
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, 0x7000, 0));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_WRITE, &r));
}

TEST_F(smmu, checker_after_sync_mode_tolerates_pending_tlbi)
{
	struct sio_hw_smmu_txn_result r;
	u64 ptep = pt_map(&self->e, &self->pt, 0x7000, DATA, 3, S1_RW);

	sio_hw_smmu_set_check_mode(self->e.smmu, SIO_HW_CHECK_AFTER_SYNC);
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	wr64(&self->e, ptep, 0);
	/* Stale hits before any SYNC: the TLBI may still be on its way. */
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(0, sio_warn_count());
	/* A SYNC went by and the entry is still there: a missing TLBI. */
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_SYNC), 0));
	test_expect_warns(1);
	ASSERT_EQ(0, tr(&self->e, SID, 0x7000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(1, sio_warn_count());
}

TEST_F(smmu, tlbi_asid_range_and_all)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_stats st;
	struct pt pt2;
	u64 iova;

	pt_init(&self->e, &pt2, false, 12, 48, 48, 0);
	env_cd(&self->e, self->cdtab + SIO_SMMU_CD_SIZE, &pt2, ASID + 1, 0);
	env_ste(&self->e, 2, ste0_s1(self->cdtab + SIO_SMMU_CD_SIZE, 0, false),
		0, 0, 0);
	for (iova = 0x200000; iova < 0x210000; iova += 0x1000) {
		pt_map(&self->e, &self->pt, iova, DATA, 3, S1_RW);
		pt_map(&self->e, &pt2, iova, DATA, 3, S1_RW);
		ASSERT_EQ(0, tr(&self->e, SID, iova, SIO_HW_ACCESS_READ, &r));
		ASSERT_EQ(0, tr(&self->e, 2, iova, SIO_HW_ACCESS_READ, &r));
	}
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(32, st.iotlb_valid);
	/* Range: 2^15 bytes = 8 pages of ASID only. */
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, 0x208000, 15));
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(24, st.iotlb_valid);
	ASSERT_EQ(0, tr(&self->e, SID, 0x207000, SIO_HW_ACCESS_READ, &r));
	EXPECT_TRUE(r.iotlb_hit);
	ASSERT_EQ(0, tr(&self->e, SID, 0x208000, SIO_HW_ACCESS_READ, &r));
	EXPECT_FALSE(r.iotlb_hit);
	/* A misaligned range is an illegal command. */
	EXPECT_EQ(SIO_SMMU_CERROR_ILL,
		  env_tlbi_va(&self->e, 0, ASID, 0x201000, 15));
	/* Acknowledging without fixing it re-runs it: stopped again. */
	sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_GERRORN,
			    sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_GERROR));
	EXPECT_EQ(SIO_SMMU_CERROR_ILL,
		  SIO_SMMU_FIELD_GET(SIO_SMMU_CMDQ_CONS_ERR,
				     sio_hw_smmu_read32(self->e.smmu,
							SIO_SMMU_CMDQ_CONS)));
	{
		u32 cons = sio_hw_smmu_read32(self->e.smmu,
					      SIO_SMMU_CMDQ_CONS);
		u64 slot = self->e.cmdq + (u64)(cons & 63) * 16;

		wr64(&self->e, slot, op(SIO_SMMU_CMD_SYNC));
		wr64(&self->e, slot + 8, 0);
		sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_GERRORN,
				    sio_hw_smmu_read32(self->e.smmu,
						       SIO_SMMU_GERROR));
	}
	EXPECT_EQ(self->e.cmdq_prod,
		  sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_CMDQ_CONS));
	/* ASID: all of ASID + 1. */
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_TLBI_NH_ASID) |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_ASID,
						     ASID + 1), 0));
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(9, st.iotlb_valid);
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_TLBI_NSNH_ALL), 0));
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(0, st.iotlb_valid);
}

TEST_F(smmu, illegal_command_stops_queue_until_fixed)
{
	u32 cons, gerror, gerrorn;
	u64 slot;

	env_cmd_queue(&self->e, op(SIO_SMMU_CMD_SYNC), 0);
	env_cmd_queue(&self->e, op(0xff), 0);		/* illegal */
	env_cmd_queue(&self->e, op(SIO_SMMU_CMD_SYNC), 0);
	EXPECT_EQ(SIO_SMMU_CERROR_ILL, env_cmd_submit(&self->e));
	cons = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_CMDQ_CONS);
	gerror = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_GERROR);
	gerrorn = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_GERRORN);
	EXPECT_TRUE((gerror ^ gerrorn) & SIO_SMMU_GERROR_CMDQ_ERR);
	EXPECT_EQ(1, atomic_load(&self->e.irqs[SIO_HW_SMMU_IRQ_GERROR]));
	/* CONS points at the bad command (after 1 STE setup + 2 + 1 SYNC). */
	slot = self->e.cmdq + (u64)(cons & 63) * SIO_SMMU_CMD_SIZE;
	EXPECT_EQ(0xff, rd64(&self->e, slot) & 0xff);

	/* More commands are not consumed while the error is active. */
	env_cmd_queue(&self->e, op(SIO_SMMU_CMD_SYNC), 0);
	EXPECT_EQ(SIO_SMMU_CERROR_ILL, env_cmd_submit(&self->e));
	EXPECT_EQ(cons, sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_CMDQ_CONS));

	/* Recover: replace it with a SYNC and acknowledge. */
	wr64(&self->e, slot, op(SIO_SMMU_CMD_SYNC));
	sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_GERRORN, gerror);
	EXPECT_EQ(self->e.cmdq_prod,
		  sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_CMDQ_CONS));
	/* Field errors are illegal too: PRI_RESP code 3, SID out of range. */
	EXPECT_EQ(SIO_SMMU_CERROR_ILL,
		  env_cmd(&self->e, op(SIO_SMMU_CMD_PRI_RESP),
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_RESP, 3)));
	EXPECT_EQ(2, atomic_load(&self->e.irqs[SIO_HW_SMMU_IRQ_GERROR]));
}

TEST_F(smmu, sync_writes_msi)
{
	u64 word = env_alloc(&self->e, 4096);

	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_SYNC) |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_CS,
						     SIO_SMMU_SYNC_CS_IRQ) |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_MSIDATA,
						     0xabcd),
			     word & SIO_SMMU_CMD1_MSIADDR));
	EXPECT_EQ(0xabcd, rd64(&self->e, word) & 0xffffffff);
}

TEST_F(smmu, event_queue_overflow)
{
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_stats st;
	u32 prod, cons;
	u64 rec[4];
	int i, n = 0;

	/* 16-entry event queue; 20 faults. */
	for (i = 0; i < 20; i++)
		EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x100000 + i * 0x1000,
				      SIO_HW_ACCESS_READ, &r));
	prod = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_EVTQ_PROD);
	cons = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_EVTQ_CONS);
	EXPECT_NE(prod & SIO_SMMU_Q_OVF, cons & SIO_SMMU_Q_OVF);
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(16, st.events);
	EXPECT_EQ(4, st.events_dropped);
	while (env_evt_pop(&self->e, rec)) {
		EXPECT_EQ(0x100000 + n * 0x1000, rec[2]);
		n++;
	}
	EXPECT_EQ(16, n);
	/* Acknowledge the overflow; new events flow again. */
	cons = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_EVTQ_CONS);
	sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_EVTQ_CONS,
			    (cons & ~SIO_SMMU_Q_OVF) | (prod & SIO_SMMU_Q_OVF));
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x900000, SIO_HW_ACCESS_READ, &r));
	ASSERT_TRUE(env_evt_pop(&self->e, rec));
	EXPECT_EQ(0x900000, rec[2]);
	prod = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_EVTQ_PROD);
	cons = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_EVTQ_CONS);
	EXPECT_EQ(prod & SIO_SMMU_Q_OVF, cons & SIO_SMMU_Q_OVF);
}

struct dev_log {
	int responses;
	u32 sid;
	u16 grpid;
	enum sio_hw_pri_resp code;
	int resumes;
	u16 stag;
	bool retry;
	int atc;
};

static void dev_pri_response(void *data, u32 sid, bool ssv, u32 ssid,
			     u16 grpid, enum sio_hw_pri_resp code)
{
	struct dev_log *l = data;

	l->responses++;
	l->sid = sid;
	l->grpid = grpid;
	l->code = code;
}

static void dev_resume(void *data, u32 sid, u16 stag, bool retry)
{
	struct dev_log *l = data;

	l->resumes++;
	l->stag = stag;
	l->retry = retry;
}

static void dev_atc_inv(void *data, u32 sid, bool ssv, u32 ssid, u64 addr,
			u64 size, bool global)
{
	((struct dev_log *)data)->atc++;
}

static const struct sio_hw_smmu_dev_ops dev_ops = {
	.pri_response = dev_pri_response,
	.resume = dev_resume,
	.atc_inv = dev_atc_inv,
};

TEST_F(smmu, pri_page_request_and_response)
{
	struct sio_hw_smmu_txn_result r;
	struct dev_log log = { 0 };
	u64 rec[2], evt[4];

	sio_hw_smmu_set_dev_ops(self->e.smmu, &dev_ops, &log);
	env_ste(&self->e, SID, ste0_s1(self->cdtab, 2, false),
		SIO_SMMU_STE1_PRI, 0, 0);
	env_cd(&self->e, self->cdtab + 2 * SIO_SMMU_CD_SIZE, &self->pt, ASID,
	       0);
	EXPECT_EQ(-EAGAIN, sio_hw_smmu_translate_ex(self->e.smmu, SID, true, 2,
						    0x5123, SIO_HW_ACCESS_WRITE,
						    &r));
	EXPECT_TRUE(r.page_request);
	EXPECT_FALSE(env_evt_pop(&self->e, evt));
	EXPECT_EQ(1, atomic_load(&self->e.irqs[SIO_HW_SMMU_IRQ_PRIQ]));
	ASSERT_TRUE(env_pri_pop(&self->e, rec));
	EXPECT_EQ(SID, SIO_SMMU_FIELD_GET(SIO_SMMU_PRI0_SID, rec[0]));
	EXPECT_EQ(2, SIO_SMMU_FIELD_GET(SIO_SMMU_PRI0_SSID, rec[0]));
	EXPECT_TRUE(rec[0] & SIO_SMMU_PRI0_SSV);
	EXPECT_TRUE(rec[0] & SIO_SMMU_PRI0_WRITE);
	EXPECT_FALSE(rec[0] & SIO_SMMU_PRI0_READ);
	EXPECT_TRUE(rec[0] & SIO_SMMU_PRI0_LAST);
	EXPECT_EQ(0x5000, rec[1] & SIO_SMMU_PRI1_ADDR);
	EXPECT_EQ(r.grpid, SIO_SMMU_FIELD_GET(SIO_SMMU_PRI1_GRPID, rec[1]));

	/* The "driver" fixes the page and answers the group. */
	pt_map(&self->e, &self->pt, 0x5000, DATA, 3, S1_RW);
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_PRI_RESP) |
				 SIO_SMMU_CMD0_SSV |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, SID) |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SSID, 2),
			     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_GRPID, r.grpid) |
			     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_RESP,
						 SIO_SMMU_PRI_RESP_SUCC)));
	EXPECT_EQ(1, log.responses);
	EXPECT_EQ(r.grpid, log.grpid);
	EXPECT_EQ(SIO_HW_PRI_RESP_SUCC, log.code);
	EXPECT_EQ(0, sio_hw_smmu_translate_ex(self->e.smmu, SID, true, 2,
					      0x5123, SIO_HW_ACCESS_WRITE, &r));
	EXPECT_EQ(DATA + 0x123, r.pa);
	/* ATC_INV reaches the device side. */
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_ATC_INV) |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, SID),
			     SIO_SMMU_CMD1_ATC_GLOBAL));
	EXPECT_EQ(1, log.atc);
	sio_hw_smmu_set_dev_ops(self->e.smmu, NULL, NULL);
}

TEST_F(smmu, pri_queue_overflow_auto_responds)
{
	struct dev_log log = { 0 };
	struct sio_hw_smmu_stats st;
	u64 rec[2];
	u32 prod, cons;

	sio_hw_smmu_set_dev_ops(self->e.smmu, &dev_ops, &log);
	/* 4-entry PRI queue. */
	EXPECT_EQ(0, sio_hw_smmu_page_request(self->e.smmu, SID, true, 1, 5,
					      false, SIO_HW_ACCESS_READ,
					      0x1000));
	EXPECT_EQ(0, sio_hw_smmu_page_request(self->e.smmu, SID, true, 1, 5,
					      false, SIO_HW_ACCESS_READ,
					      0x2000));
	EXPECT_EQ(0, sio_hw_smmu_page_request(self->e.smmu, SID, true, 1, 5,
					      false, SIO_HW_ACCESS_READ,
					      0x3000));
	EXPECT_EQ(0, sio_hw_smmu_page_request(self->e.smmu, SID, true, 1, 6,
					      true, SIO_HW_ACCESS_READ,
					      0x4000));
	/* Full: a partial is dropped silently, a last one answered. */
	EXPECT_EQ(-ENOSPC, sio_hw_smmu_page_request(self->e.smmu, SID, true, 1,
						    7, false,
						    SIO_HW_ACCESS_READ,
						    0x5000));
	EXPECT_EQ(0, log.responses);
	EXPECT_EQ(-ENOSPC, sio_hw_smmu_page_request(self->e.smmu, SID, true, 1,
						    7, true,
						    SIO_HW_ACCESS_READ,
						    0x6000));
	EXPECT_EQ(1, log.responses);
	EXPECT_EQ(7, log.grpid);
	EXPECT_EQ(SIO_HW_PRI_RESP_SUCC, log.code);
	prod = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_PRIQ_PROD);
	cons = sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_PRIQ_CONS);
	EXPECT_NE(prod & SIO_SMMU_Q_OVF, cons & SIO_SMMU_Q_OVF);
	sio_hw_smmu_get_stats(self->e.smmu, &st);
	EXPECT_EQ(4, st.pri_requests);
	EXPECT_EQ(2, st.pri_dropped);
	EXPECT_EQ(1, st.pri_auto_responses);
	ASSERT_TRUE(env_pri_pop(&self->e, rec));
	EXPECT_EQ(5, SIO_SMMU_FIELD_GET(SIO_SMMU_PRI1_GRPID, rec[1]));
	EXPECT_FALSE(rec[0] & SIO_SMMU_PRI0_LAST);
	/* Bad arguments. */
	EXPECT_EQ(-EINVAL, sio_hw_smmu_page_request(self->e.smmu, SID, false,
						    0, 0x200, true,
						    SIO_HW_ACCESS_READ, 0));
	EXPECT_EQ(-EINVAL, sio_hw_smmu_page_request(self->e.smmu, 1U << 16,
						    false, 0, 1, true,
						    SIO_HW_ACCESS_READ, 0));
	sio_hw_smmu_set_dev_ops(self->e.smmu, NULL, NULL);
}

TEST_F(smmu, stall_and_resume)
{
	struct sio_hw_smmu_txn_result r;
	struct dev_log log = { 0 };
	u64 evt[4];

	sio_hw_smmu_set_dev_ops(self->e.smmu, &dev_ops, &log);
	env_cd(&self->e, self->cdtab, &self->pt, ASID, SIO_SMMU_CD0_S);
	env_cfgi_cd(&self->e, SID, 0);
	EXPECT_EQ(-EAGAIN, tr(&self->e, SID, 0x9000, SIO_HW_ACCESS_READ, &r));
	EXPECT_TRUE(r.stalled);
	ASSERT_TRUE(env_evt_pop(&self->e, evt));
	EXPECT_TRUE(evt[1] & SIO_SMMU_EVT1_STALL);
	EXPECT_EQ(r.stag, SIO_SMMU_FIELD_GET(SIO_SMMU_EVT1_STAG, evt[1]));
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_RESUME) |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, SID),
			     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_STAG, r.stag)));
	EXPECT_EQ(1, log.resumes);
	EXPECT_EQ(r.stag, log.stag);
	EXPECT_TRUE(log.retry);
	/* A stalling CD on a stream with S1STALLD is a bad CD. */
	env_ste(&self->e, SID, ste0_s1(self->cdtab, 0, false),
		SIO_SMMU_STE1_S1STALLD, 0, 0);
	EXPECT_EQ(-EFAULT, tr(&self->e, SID, 0x9000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_CD, r.event);
	sio_hw_smmu_set_dev_ops(self->e.smmu, NULL, NULL);
}

TEST_F(smmu, stage2_translation_and_faults)
{
	struct sio_hw_smmu_txn_result r;
	struct pt s2;
	u64 evt[4];

	/* 40-bit IPA, 4K, walk starts at level 1 (SL0 = 1). */
	pt_init(&self->e, &s2, true, 12, 40, 48, 1);
	pt_map(&self->e, &s2, 0x80000000, DATA, 3, S2_RO);
	pt_map(&self->e, &s2, 0x80200000, DATA, 2, S2_RW);
	env_ste(&self->e, 5, ste0(SIO_SMMU_STE0_CONFIG_S2_TRANS), 0,
		ste2_s2(&s2, 3), s2.root);
	ASSERT_EQ(0, tr(&self->e, 5, 0x80000abc, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(DATA + 0xabc, r.pa);
	ASSERT_EQ(0, tr(&self->e, 5, 0x80300000, SIO_HW_ACCESS_WRITE, &r));
	EXPECT_EQ(DATA + 0x100000, r.pa);
	EXPECT_EQ(-EFAULT, tr(&self->e, 5, 0x80000000, SIO_HW_ACCESS_WRITE,
			      &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_PERMISSION, r.event);
	EXPECT_TRUE(r.stage2);
	ASSERT_TRUE(env_evt_pop(&self->e, evt));
	EXPECT_TRUE(evt[1] & SIO_SMMU_EVT1_S2);
	EXPECT_EQ(0x80000000, evt[3]);
	EXPECT_EQ(-EFAULT, tr(&self->e, 5, 0x90000000, SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_TRANSLATION, r.event);
	/* TLBI_S2_IPA drops the stage-2 entry. */
	ASSERT_EQ(0, tr(&self->e, 5, 0x80300000, SIO_HW_ACCESS_READ, &r));
	EXPECT_TRUE(r.iotlb_hit);
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_TLBI_S2_IPA) |
				 SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_VMID, 3),
			     0x80200000));
	ASSERT_EQ(0, tr(&self->e, 5, 0x80300000, SIO_HW_ACCESS_READ, &r));
	EXPECT_FALSE(r.iotlb_hit);
	/* An SSID on a stage-2-only stream. */
	EXPECT_EQ(-EFAULT, sio_hw_smmu_translate_ex(self->e.smmu, 5, true, 1,
						    0x80000000,
						    SIO_HW_ACCESS_READ, &r));
	EXPECT_EQ(SIO_SMMU_EVT_C_BAD_SUBSTREAMID, r.event);
}

/* Reference: the nested result composes two independent walks. */
static int ref_read(void *ctx, u64 pa, arm_lpae_iopte *pte)
{
	struct env *e = ctx;

	return sio_phys_try_read64(e->mem, pa, pte);
}

#define DELTA	0x100000000ULL	/* IPA = PA + DELTA for S1 tables */

TEST_F(smmu, nested_walk_composes_stages)
{
	struct sio_hw_smmu_txn_result r;
	struct pt s1, s2;
	u64 cdtab_pa = env_alloc(&self->e, 4096), i, evt[4];
	unsigned int t;

	pt_init(&self->e, &s2, true, 12, 40, 48, 1);
	pt_init(&self->e, &s1, false, 12, 39, 40, 1);
	s1.delta = DELTA;
	/* S1: iova -> IPA (0x2000_0000 + ...); S2: that IPA -> DATA + ... */
	for (i = 0; i < 16; i++) {
		pt_map(&self->e, &s1, 0x10000000 + i * 0x1000,
		       0x20000000 + (15 - i) * 0x1000, 3, S1_RW);
		pt_map(&self->e, &s2, 0x20000000 + i * 0x1000,
		       DATA + i * 0x1000, 3, i == 3 ? S2_RO : S2_RW);
	}
	/* Stage 2 maps the stage-1 tables and the CD table at PA + DELTA. */
	for (t = 0; t < s1.nr_tables; t++)
		pt_map(&self->e, &s2, s1.tables[t] + DELTA, s1.tables[t], 3,
		       S2_RO);
	pt_map(&self->e, &s2, cdtab_pa + DELTA, cdtab_pa, 3, S2_RO);
	env_cd(&self->e, cdtab_pa, &s1, 9, 0);
	env_ste(&self->e, 6, ste0_s1(cdtab_pa + DELTA, 0, true), 0,
		ste2_s2(&s2, 4), s2.root);

	for (i = 0; i < 16; i++) {
		struct arm_lpae_walk w1, w2;
		u64 iova = 0x10000000 + i * 0x1000 + 0x24;

		ASSERT_EQ(0, tr(&self->e, 6, iova, SIO_HW_ACCESS_READ, &r));
		/* S1 reference walk with table IPAs mapped back by hand. */
		ASSERT_EQ(0, arm_lpae_walk(&s2.g, s2.root, s1.root + DELTA,
					   ref_read, &self->e, &w2));
		ASSERT_EQ(s1.root, w2.oa);
		{
			/* Tables are at PA = IPA - DELTA by construction. */
			struct arm_lpae_geom g = s1.g;
			u64 table = s1.root;
			unsigned int lvl;
			arm_lpae_iopte pte = 0;

			for (lvl = g.start_level; lvl < 4; lvl++) {
				pte = rd64(&self->e, table +
					   arm_lpae_lvl_idx(&g, iova, lvl) * 8);
				if (!arm_lpae_pte_is_table(pte, lvl))
					break;
				table = arm_lpae_pte_to_paddr(pte, 12) - DELTA;
			}
			w1.oa = arm_lpae_pte_to_paddr(pte, 12) | (iova & 0xfff);
		}
		ASSERT_EQ(0, arm_lpae_walk(&s2.g, s2.root, w1.oa, ref_read,
					   &self->e, &w2));
		EXPECT_EQ(w2.oa, r.pa);
		EXPECT_EQ(DATA + (15 - i) * 0x1000 + 0x24, r.pa);
	}
	/* Stage-2 read-only page under a stage-1 writable one. */
	EXPECT_EQ(-EFAULT, tr(&self->e, 6, 0x10000000 + 12 * 0x1000,
			      SIO_HW_ACCESS_WRITE, &r));
	EXPECT_EQ(SIO_SMMU_EVT_F_PERMISSION, r.event);
	EXPECT_TRUE(r.stage2);
	ASSERT_TRUE(env_evt_pop(&self->e, evt));
	EXPECT_EQ(0x20000000 + 3 * 0x1000, evt[3]);

	/* Remove the stage-2 mapping of the stage-1 leaf table: TT fault. */
	sio_hw_smmu_set_check_iotlb(self->e.smmu, false);
	{
		u64 leaf_table_ipa = s1.tables[s1.nr_tables - 1] + DELTA;
		u64 ptep = pt_map(&self->e, &s2, leaf_table_ipa,
				  s1.tables[s1.nr_tables - 1], 3, S2_RO);

		wr64(&self->e, ptep, 0);
		EXPECT_EQ(0, env_cmd(&self->e,
				     op(SIO_SMMU_CMD_TLBI_S12_VMALL) |
				     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_VMID, 4),
				     0));
		EXPECT_EQ(-EFAULT, tr(&self->e, 6, 0x10000000,
				      SIO_HW_ACCESS_READ, &r));
		EXPECT_EQ(SIO_SMMU_EVT_F_TRANSLATION, r.event);
		EXPECT_TRUE(r.stage2);
		ASSERT_TRUE(env_evt_pop(&self->e, evt));
		EXPECT_EQ(SIO_SMMU_EVT_CLASS_TT,
			  SIO_SMMU_FIELD_GET(SIO_SMMU_EVT1_CLASS, evt[1]));
		EXPECT_EQ(leaf_table_ipa, evt[3] & ~0xfffULL);
	}
}

TEST(iotlb_capacity_and_eviction)
{
	static const enum sio_hw_iotlb_policy pol[] = {
		SIO_HW_IOTLB_CLOCK, SIO_HW_IOTLB_RANDOM,
	};
	unsigned int p;

	for (p = 0; p < ARRAY_SIZE(pol); p++) {
		struct sio_hw_smmu_config cfg;
		struct sio_hw_smmu_txn_result r;
		struct sio_hw_smmu_stats st;
		struct env e;
		struct pt pt;
		u64 cd, i;

		sio_hw_smmu_config_default(&cfg);
		cfg.iotlb_entries = 8;
		cfg.iotlb_ways = 2;
		cfg.iotlb_policy = pol[p];
		env_init(&e, &cfg, 4, 2);
		sio_hw_smmu_set_check_iotlb(e.smmu, true);
		pt_init(&e, &pt, false, 12, 48, 48, 0);
		cd = env_alloc(&e, 4096);
		env_cd(&e, cd, &pt, 1, 0);
		env_ste(&e, SID, ste0_s1(cd, 0, false), 0, 0, 0);
		for (i = 0; i < 64; i++)
			pt_map(&e, &pt, i << 12, DATA + (i << 12), 3, S1_RW);
		for (i = 0; i < 64; i++) {
			ASSERT_EQ(0, tr(&e, SID, i << 12, SIO_HW_ACCESS_READ,
					&r));
			EXPECT_EQ(DATA + (i << 12), r.pa);
		}
		sio_hw_smmu_get_stats(e.smmu, &st);
		EXPECT_EQ(8, st.iotlb_capacity);
		EXPECT_EQ(8, st.iotlb_valid);
		EXPECT_EQ(64, st.iotlb_misses);
		EXPECT_EQ(56, st.iotlb_evictions);
		/* The last pages are still cached. */
		ASSERT_EQ(0, tr(&e, SID, 63 << 12, SIO_HW_ACCESS_READ, &r));
		EXPECT_TRUE(r.iotlb_hit);
		sio_hw_smmu_reset_stats(e.smmu);
		sio_hw_smmu_get_stats(e.smmu, &st);
		EXPECT_EQ(0, st.iotlb_hits);
		env_fini(&e);
	}
}

/*
 * Range invalidations larger than the IOTLB (the model then skips entry
 * sizes whose regions hold nothing, or scans every slot) still remove
 * every entry they cover: block entries by their own size, pages beyond
 * what per-page probing would reach; and only those.
 */
TEST(tlbi_range_beyond_capacity_removes_blocks_and_pages)
{
	struct sio_hw_smmu_config cfg;
	struct sio_hw_smmu_txn_result r;
	struct sio_hw_smmu_stats st;
	struct env e;
	struct pt pt;
	u64 cd, i;

	sio_hw_smmu_config_default(&cfg);
	cfg.iotlb_entries = 16;
	cfg.iotlb_ways = 2;
	env_init(&e, &cfg, 4, 2);
	sio_hw_smmu_set_check_iotlb(e.smmu, true);
	pt_init(&e, &pt, false, 12, 48, 48, 0);
	cd = env_alloc(&e, 4096);
	env_cd(&e, cd, &pt, ASID, 0);
	env_ste(&e, SID, ste0_s1(cd, 0, false), 0, 0, 0);
	/* A 2 MiB block at 1 GiB, and 8 pages in the next 2 MiB. */
	pt_map(&e, &pt, 0x40000000, 0x40200000, 2, S1_RW);
	for (i = 0; i < 8; i++)
		pt_map(&e, &pt, 0x40200000 + (i << 12), DATA + (i << 12), 3,
		       S1_RW);
	ASSERT_EQ(0, tr(&e, SID, 0x40123000, SIO_HW_ACCESS_READ, &r));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, tr(&e, SID, 0x40200000 + (i << 12),
				SIO_HW_ACCESS_READ, &r));
	sio_hw_smmu_get_stats(e.smmu, &st);
	ASSERT_EQ(9, st.iotlb_valid);

	/* The block's 2 MiB (512 pages > 16 entries): only the block goes. */
	EXPECT_EQ(0, env_tlbi_va(&e, 0, ASID, 0x40000000, 21));
	sio_hw_smmu_get_stats(e.smmu, &st);
	EXPECT_EQ(8, st.iotlb_valid);
	ASSERT_EQ(0, tr(&e, SID, 0x401ff000, SIO_HW_ACCESS_READ, &r));
	EXPECT_FALSE(r.iotlb_hit);
	EXPECT_EQ(0x403ff000, r.pa);
	ASSERT_EQ(0, tr(&e, SID, 0x40207000, SIO_HW_ACCESS_READ, &r));
	EXPECT_TRUE(r.iotlb_hit);

	/* An 8 KiB range inside the (refilled) block removes it too. */
	ASSERT_EQ(0, tr(&e, SID, 0x40000000, SIO_HW_ACCESS_READ, &r));
	sio_hw_smmu_get_stats(e.smmu, &st);
	ASSERT_EQ(9, st.iotlb_valid);
	EXPECT_EQ(0, env_tlbi_va(&e, 0, ASID, 0x40100000, 13));
	sio_hw_smmu_get_stats(e.smmu, &st);
	EXPECT_EQ(8, st.iotlb_valid);

	/* The pages' 2 MiB: all 8 pages, found by the region counters. */
	EXPECT_EQ(0, env_tlbi_va(&e, 0, ASID, 0x40200000, 21));
	sio_hw_smmu_get_stats(e.smmu, &st);
	EXPECT_EQ(0, st.iotlb_valid);
	/* Unmap one page: no stale entry may serve it (checker strict). */
	wr64(&e, pt_map(&e, &pt, 0x40203000, DATA + 0x3000, 3, S1_RW), 0);
	EXPECT_EQ(-EFAULT, tr(&e, SID, 0x40203000, SIO_HW_ACCESS_READ, &r));

	/* Refill both, then one 4 MiB range covering everything. */
	ASSERT_EQ(0, tr(&e, SID, 0x40000000, SIO_HW_ACCESS_READ, &r));
	for (i = 0; i < 8; i++)
		if (i != 3)
			ASSERT_EQ(0, tr(&e, SID, 0x40200000 + (i << 12),
					SIO_HW_ACCESS_READ, &r));
	sio_hw_smmu_get_stats(e.smmu, &st);
	ASSERT_EQ(8, st.iotlb_valid);
	EXPECT_EQ(0, env_tlbi_va(&e, 0, ASID, 0x40000000, 22));
	sio_hw_smmu_get_stats(e.smmu, &st);
	EXPECT_EQ(0, st.iotlb_valid);
	env_fini(&e);
}

TEST_F(smmu, register_misuse_warns)
{
	test_expect_warns(3);
	/* Stream table base while SMMUEN: ignored. */
	sio_hw_smmu_write64(self->e.smmu, SIO_SMMU_STRTAB_BASE, 0x1000);
	EXPECT_EQ(self->e.strtab,
		  sio_hw_smmu_read64(self->e.smmu, SIO_SMMU_STRTAB_BASE));
	EXPECT_EQ(0, sio_hw_smmu_read32(self->e.smmu, 0x7f0));
	sio_hw_smmu_write32(self->e.smmu, SIO_SMMU_IDR0, 0);
	EXPECT_NE(0, sio_hw_smmu_read32(self->e.smmu, SIO_SMMU_IDR0));
}

TEST_HARNESS_MAIN
