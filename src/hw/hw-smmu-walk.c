// SPDX-License-Identifier: BSD-3-Clause
/*
 * Software SMMU table walker: stage 1, stage 2 and nested (every stage-1
 * table address is itself translated by stage 2).  Tables are decoded only
 * through the ARM LPAE format header, so the writer (io-pgtable) and this
 * reader check each other.
 * Kernel counterpart: none (hardware; the writer is io-pgtable-arm.c)
 *
 * Not modelled: hierarchical table attributes (APTable, XNTable), TTB1,
 * hardware access-flag and dirty-state updates, walk caches (walks are not
 * cached; only final translations are, in the IOTLB).
 */
#include <string.h>
#include "hw/hw-smmu-priv.h"

struct hw_smmu_read_ctx {
	struct sio_hw_smmu *smmu;
	const struct sio_hw_smmu_ste *nest; /* translate via stage 2 */
	bool count;
	struct sio_hw_smmu_fault *fault;
};

/* Descriptor reader for arm_lpae_walk().  Return: 0, -EIO, -EREMOTE. */
static int hw_smmu_read_desc(void *vctx, u64 addr, arm_lpae_iopte *pte)
{
	struct hw_smmu_read_ctx *ctx = vctx;

	if (ctx->count)
		sio_hw_smmu_stat_inc(ctx->smmu, walk_reads);
	if (ctx->nest)
		return sio_hw_smmu_s2_fetch64(ctx->smmu, ctx->nest, addr,
					      SIO_SMMU_EVT_CLASS_TT, pte,
					      ctx->fault);
	/* Outside RAM: an external abort on the walk, not a driver WARN. */
	return sio_phys_try_read64(ctx->smmu->mem, addr, pte) ? -EIO : 0;
}

static u8 hw_smmu_walk_err_event(int err)
{
	switch (err) {
	case -ERANGE:
		return SIO_SMMU_EVT_F_ADDR_SIZE;
	case -EIO:
		return SIO_SMMU_EVT_F_WALK_EABT;
	default:
		return SIO_SMMU_EVT_F_TRANSLATION;
	}
}

static unsigned int hw_smmu_s2_perms(arm_lpae_iopte pte)
{
	int prot = arm_lpae_s2_pte_prot(pte);
	unsigned int perms = SIO_HW_SMMU_PERM_U;

	if (prot & IO_PGTABLE_PROT_READ)
		perms |= SIO_HW_SMMU_PERM_R;
	if (prot & IO_PGTABLE_PROT_WRITE)
		perms |= SIO_HW_SMMU_PERM_W;
	if (!(prot & IO_PGTABLE_PROT_NOEXEC))
		perms |= SIO_HW_SMMU_PERM_X;
	return perms;
}

static unsigned int hw_smmu_s1_perms(arm_lpae_iopte pte)
{
	int prot = arm_lpae_s1_pte_prot(pte);
	unsigned int perms = 0;

	if (prot & IO_PGTABLE_PROT_READ)
		perms |= SIO_HW_SMMU_PERM_R;
	if (prot & IO_PGTABLE_PROT_WRITE)
		perms |= SIO_HW_SMMU_PERM_W;
	if (!(prot & IO_PGTABLE_PROT_NOEXEC))
		perms |= SIO_HW_SMMU_PERM_X;
	if (!(prot & IO_PGTABLE_PROT_PRIV))
		perms |= SIO_HW_SMMU_PERM_U;
	return perms;
}

/**
 * sio_hw_smmu_walk_s2() - stage-2 walk of one IPA
 * @smmu: the SMMU
 * @ste: a validated STE with stage 2
 * @ipa: the address
 * @class: what is being translated (for the fault record)
 * @count: account descriptor reads in the statistics
 * @out: result; on a fault @out->fault has s2 set and @ipa
 *
 * Context: any thread; lock-free.
 * Return: 0 or -EFAULT (see @out->fault).
 */
int sio_hw_smmu_walk_s2(struct sio_hw_smmu *smmu,
			const struct sio_hw_smmu_ste *ste, u64 ipa, u8 class,
			bool count, struct sio_hw_smmu_walk_out *out)
{
	struct hw_smmu_read_ctx ctx = { .smmu = smmu, .count = count };
	struct arm_lpae_walk w;
	int ret;

	memset(out, 0, sizeof(*out));
	out->fault.s2 = true;
	out->fault.class = class;
	out->fault.ipa = ipa;
	if (ste->s2.ias < 64 && (ipa >> ste->s2.ias)) {
		out->fault.event = SIO_SMMU_EVT_F_TRANSLATION;
		return -EFAULT;
	}
	ret = arm_lpae_walk(&ste->s2, ste->s2ttb, ipa, hw_smmu_read_desc, &ctx,
			    &w);
	if (ret) {
		out->fault.event = hw_smmu_walk_err_event(ret);
		return -EFAULT;
	}
	if (!(w.pte & ARM_LPAE_PTE_AF) && !ste->s2affd) {
		out->fault.event = SIO_SMMU_EVT_F_ACCESS;
		return -EFAULT;
	}
	out->oa = w.oa;
	out->ipa = ipa;
	out->size_shift = __builtin_ctzll(w.leaf_size);
	out->s1_perms = SIO_HW_SMMU_PERM_ALL;
	out->s2_perms = hw_smmu_s2_perms(w.pte);
	out->fault.event = 0;
	return 0;
}

/**
 * sio_hw_smmu_s2_fetch64() - read a word at an IPA (a nested structure fetch)
 * @smmu: the SMMU
 * @ste: the stream's STE (stage 2)
 * @ipa: address of the word
 * @class: SIO_SMMU_EVT_CLASS_CD or _TT
 * @val: the word
 * @fault: filled in on a stage-2 fault
 *
 * Stage 2 must grant read permission for the fetch.
 *
 * Context: any thread.
 * Return: 0; -EREMOTE for a stage-2 fault (@fault set); -EIO when the PA
 * is outside RAM (@fault not set: the caller names the abort).
 */
int sio_hw_smmu_s2_fetch64(struct sio_hw_smmu *smmu,
			   const struct sio_hw_smmu_ste *ste, u64 ipa, u8 class,
			   u64 *val, struct sio_hw_smmu_fault *fault)
{
	struct sio_hw_smmu_walk_out out;

	if (sio_hw_smmu_walk_s2(smmu, ste, ipa, class, false, &out)) {
		*fault = out.fault;
		return -EREMOTE;
	}
	if (!(out.s2_perms & SIO_HW_SMMU_PERM_R)) {
		*fault = out.fault;
		fault->event = SIO_SMMU_EVT_F_PERMISSION;
		return -EREMOTE;
	}
	return sio_phys_try_read64(smmu->mem, out.oa, val) ? -EIO : 0;
}

/**
 * sio_hw_smmu_walk_s1() - stage-1 walk, nested through stage 2 if @nest_ste
 * @smmu: the SMMU
 * @cd: a validated CD
 * @nest_ste: the STE when the stream is nested (tables and output are
 *	IPAs), else NULL
 * @iova: input address
 * @count: account descriptor reads in the statistics
 * @out: result: on success the final output address, the size of the
 *	combined translation and both stages' permissions
 *
 * Walks even when CD0.EPD0 is set (the caller decides whether to walk).
 *
 * Context: any thread; lock-free.
 * Return: 0 or -EFAULT (see @out->fault).
 */
int sio_hw_smmu_walk_s1(struct sio_hw_smmu *smmu,
			const struct sio_hw_smmu_cd *cd,
			const struct sio_hw_smmu_ste *nest_ste, u64 iova,
			bool count, struct sio_hw_smmu_walk_out *out)
{
	struct sio_hw_smmu_fault s2fault = { 0 };
	struct hw_smmu_read_ctx ctx = {
		.smmu = smmu,
		.nest = nest_ste,
		.count = count,
		.fault = &s2fault,
	};
	struct sio_hw_smmu_walk_out o2;
	struct arm_lpae_walk w;
	int ret;

	memset(out, 0, sizeof(*out));
	out->fault.class = SIO_SMMU_EVT_CLASS_IN;
	if (cd->s1.ias < 64 && (iova >> cd->s1.ias)) {
		out->fault.event = SIO_SMMU_EVT_F_TRANSLATION;
		return -EFAULT;
	}
	ret = arm_lpae_walk(&cd->s1, cd->ttb, iova, hw_smmu_read_desc, &ctx,
			    &w);
	if (ret == -EREMOTE) {
		out->fault = s2fault;
		return -EFAULT;
	}
	if (ret) {
		out->fault.event = hw_smmu_walk_err_event(ret);
		if (ret == -EIO)
			out->fault.class = SIO_SMMU_EVT_CLASS_TT;
		return -EFAULT;
	}
	if (!(w.pte & ARM_LPAE_PTE_AF) && !cd->affd) {
		out->fault.event = SIO_SMMU_EVT_F_ACCESS;
		return -EFAULT;
	}
	out->oa = w.oa;
	out->ipa = w.oa;
	out->size_shift = __builtin_ctzll(w.leaf_size);
	out->s1_perms = hw_smmu_s1_perms(w.pte);
	out->s2_perms = SIO_HW_SMMU_PERM_ALL;
	if (!nest_ste)
		return 0;

	if (sio_hw_smmu_walk_s2(smmu, nest_ste, w.oa, SIO_SMMU_EVT_CLASS_IN,
				count, &o2)) {
		out->fault = o2.fault;
		return -EFAULT;
	}
	out->oa = o2.oa;
	out->size_shift = min(out->size_shift, o2.size_shift);
	out->s2_perms = o2.s2_perms;
	return 0;
}
