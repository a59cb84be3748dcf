// SPDX-License-Identifier: BSD-3-Clause
/*
 * The SMMU model's injected erratum (sio_hw_smmu_inject_drop_tlbi()): a
 * dropped TLBI leaves a stale IOTLB entry, and the model's own coherency
 * checker still reports it in AFTER_SYNC mode once a lookup begins after
 * a completed SYNC (the mode's rule since issue 8, defect 8).
 */
#include "smmu-env.h"

#define SID  1
#define ASID 7
#define IOVA 0x7000ULL
#define DATA 0x41000000ULL /* inside the 64 MiB of RAM at 1 GiB */

FIXTURE(inject)
{
	struct env e;
	struct pt pt;
	u64 cdtab;
	u64 ptep;
};

FIXTURE_SETUP(inject)
{
	env_init(&self->e, NULL, 4, 2);
	pt_init(&self->e, &self->pt, false, 12, 48, 48, 0);
	self->cdtab = env_alloc(&self->e, 16 * SIO_SMMU_CD_SIZE);
	env_cd(&self->e, self->cdtab, &self->pt, ASID, 0);
	env_ste(&self->e, SID, ste0_s1(self->cdtab, 0, false), 0, 0, 0);
	self->ptep = pt_map(&self->e, &self->pt, IOVA, DATA, 3, S1_RW);
}

FIXTURE_TEARDOWN(inject)
{
	env_fini(&self->e);
}

static int tr(struct env *e, struct sio_hw_smmu_txn_result *res)
{
	return sio_hw_smmu_translate_ex(e->smmu, SID, false, 0, IOVA,
					SIO_HW_ACCESS_READ, res);
}

/* The next @n TLBIs do nothing; the one after works again. */
TEST_F(inject, dropped_tlbi_leaves_the_entry)
{
	struct sio_hw_smmu_txn_result r;

	ASSERT_EQ(0, tr(&self->e, &r));
	wr64(&self->e, self->ptep, 0);
	sio_hw_smmu_inject_drop_tlbi(self->e.smmu, 2);
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, IOVA, 0));
	EXPECT_EQ(0,
		  env_cmd(&self->e,
			  op(SIO_SMMU_CMD_TLBI_NH_ASID) |
				  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_ASID, ASID),
			  0));
	ASSERT_EQ(0, tr(&self->e, &r));
	EXPECT_TRUE(r.iotlb_hit);
	EXPECT_EQ(DATA, r.pa);
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, IOVA, 0));
	EXPECT_EQ(-EFAULT, tr(&self->e, &r));
}

/*
 * AFTER_SYNC: the first stale hit after the dropped TLBI+SYNC is a first
 * sighting; a lookup after the next SYNC finds the entry still there and
 * the checker WARNs.
 */
TEST_F(inject, after_sync_checker_reports_dropped_tlbi)
{
	struct sio_hw_smmu_txn_result r;

	sio_hw_smmu_set_check_mode(self->e.smmu, SIO_HW_CHECK_AFTER_SYNC);
	ASSERT_EQ(0, tr(&self->e, &r));
	wr64(&self->e, self->ptep, 0);
	sio_hw_smmu_inject_drop_tlbi(self->e.smmu, 1);
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, IOVA, 0));
	ASSERT_EQ(0, tr(&self->e, &r));
	EXPECT_EQ(0, sio_warn_count());
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_SYNC), 0));
	test_expect_warns(1);
	ASSERT_EQ(0, tr(&self->e, &r));
	EXPECT_EQ(1, sio_warn_count());
}

/* Without the erratum the same sequence faults and nothing WARNs. */
TEST_F(inject, tlbi_without_injection_removes_the_entry)
{
	struct sio_hw_smmu_txn_result r;

	sio_hw_smmu_set_check_mode(self->e.smmu, SIO_HW_CHECK_AFTER_SYNC);
	ASSERT_EQ(0, tr(&self->e, &r));
	wr64(&self->e, self->ptep, 0);
	sio_hw_smmu_inject_drop_tlbi(self->e.smmu, 1);
	sio_hw_smmu_inject_drop_tlbi(self->e.smmu, 0); /* cancelled */
	EXPECT_EQ(0, env_tlbi_va(&self->e, 0, ASID, IOVA, 0));
	EXPECT_EQ(-EFAULT, tr(&self->e, &r));
	EXPECT_EQ(0, env_cmd(&self->e, op(SIO_SMMU_CMD_SYNC), 0));
	EXPECT_EQ(-EFAULT, tr(&self->e, &r));
}

TEST_HARNESS_MAIN
