// SPDX-License-Identifier: BSD-3-Clause
/*
 * Software SMMU configuration decoder: where a stream's STE is, fetching
 * STEs and CDs (a nested CD through stage 2), and turning their words into
 * the validated fields the transaction path walks with.  The same code
 * describes an STE or CD to a debugger (sio_hw_smmu_describe_ste/_cd()).
 * Kernel counterpart: none (hardware; the writer is arm-smmu-v3.c)
 */
#include <string.h>
#include "hw/hw-smmu-priv.h"

static int hw_smmu_granule_ok(struct sio_hw_smmu *smmu, unsigned int gs)
{
	switch (gs) {
	case 12:
		return smmu->cfg.granules & SIO_HW_SMMU_GRAN_4K;
	case 14:
		return smmu->cfg.granules & SIO_HW_SMMU_GRAN_16K;
	case 16:
		return smmu->cfg.granules & SIO_HW_SMMU_GRAN_64K;
	}
	return 0;
}

/**
 * sio_hw_smmu_decode_ste() - decode and validate the words of an STE
 * @smmu: the SMMU (what it implements decides what is valid)
 * @w: the four words as fetched
 * @ste: filled in (@ste->w always; the fields up to the first one refused)
 *
 * A PS above the implemented OAS decodes as the OAS, as the hardware
 * behaves.  @w must not point into @ste.
 *
 * Context: any thread; reads nothing but @w and the constant configuration.
 * Return: 0, or SIO_SMMU_EVT_C_BAD_STE (also for STE0.V clear).
 */
u8 sio_hw_smmu_decode_ste(struct sio_hw_smmu *smmu, const u64 *w,
			  struct sio_hw_smmu_ste *ste)
{
	const u8 bad = SIO_SMMU_EVT_C_BAD_STE;
	bool s1 = false, s2 = false;
	unsigned int ps_bits;
	int gs, lvl;

	memset(ste, 0, sizeof(*ste));
	memcpy(ste->w, w, sizeof(ste->w));
	if (!(w[0] & SIO_SMMU_STE0_V))
		return bad;
	ste->config = SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_CONFIG, w[0]);
	switch (ste->config) {
	case SIO_SMMU_STE0_CONFIG_ABORT:
	case SIO_SMMU_STE0_CONFIG_BYPASS:
		break;
	case SIO_SMMU_STE0_CONFIG_S1_TRANS:
		if (!smmu->cfg.stage1)
			return bad;
		s1 = true;
		break;
	case SIO_SMMU_STE0_CONFIG_S2_TRANS:
		if (!smmu->cfg.stage2)
			return bad;
		s2 = true;
		break;
	case SIO_SMMU_STE0_CONFIG_NESTED:
		if (!smmu->cfg.nesting)
			return bad;
		s1 = s2 = true;
		break;
	default:
		return bad;
	}
	ste->pri = w[1] & SIO_SMMU_STE1_PRI;
	if (ste->pri && !smmu->cfg.pri)
		return bad;
	if (smmu->cfg.stage2)
		ste->vmid = SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2VMID, w[2]);

	if (s1) {
		if (SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_S1FMT, w[0]))
			return bad;
		ste->s1ctxptr = w[0] & SIO_SMMU_STE0_S1CTXPTR;
		ste->s1cdmax = SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_S1CDMAX, w[0]);
		ste->s1dss = SIO_SMMU_FIELD_GET(SIO_SMMU_STE1_S1DSS, w[1]);
		ste->s1stalld = w[1] & SIO_SMMU_STE1_S1STALLD;
		if (ste->s1cdmax > smmu->cfg.ssid_bits || ste->s1dss > 2)
			return bad;
	}
	if (s2) {
		gs = arm_lpae_tg_to_granule(SIO_SMMU_FIELD_GET(
				SIO_SMMU_STE2_S2TG, w[2]));
		if (gs < 0 || !hw_smmu_granule_ok(smmu, gs))
			return bad;
		ps_bits = sio_smmu_ps_to_bits(SIO_SMMU_FIELD_GET(
				SIO_SMMU_STE2_S2PS, w[2]));
		if (!ps_bits)
			return bad;
		/* A PS above the implemented OAS behaves as the OAS. */
		ps_bits = min(ps_bits, smmu->oas);
		lvl = arm_lpae_s2_sl0_to_level(gs, SIO_SMMU_FIELD_GET(
				SIO_SMMU_STE2_S2SL0, w[2]));
		if (lvl < 0)
			return bad;
		if (64 - SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2T0SZ, w[2]) >
		    smmu->ias)
			return bad;
		if (arm_lpae_geom_init(&ste->s2, gs,
				       64 - SIO_SMMU_FIELD_GET(
					       SIO_SMMU_STE2_S2T0SZ, w[2]),
				       ps_bits, lvl))
			return bad;
		ste->s2ttb = w[3] & SIO_SMMU_STE3_S2TTB;
		ste->s2affd = w[2] & SIO_SMMU_STE2_S2AFFD;
		ste->s2r = w[2] & SIO_SMMU_STE2_S2R;
	}
	return 0;
}

/**
 * sio_hw_smmu_decode_cd() - decode and validate the words of a CD
 * @smmu: the SMMU
 * @w: the two words as fetched
 * @ste: the decoded STE the CD belongs to (S1STALLD)
 * @cd: filled in (@cd->w always; the fields up to the first one refused)
 *
 * Context: any thread; reads nothing but @w, @ste and the configuration.
 * Return: 0, or SIO_SMMU_EVT_C_BAD_CD (also for CD0.V clear).
 */
u8 sio_hw_smmu_decode_cd(struct sio_hw_smmu *smmu, const u64 *w,
			 const struct sio_hw_smmu_ste *ste,
			 struct sio_hw_smmu_cd *cd)
{
	const u8 bad = SIO_SMMU_EVT_C_BAD_CD;
	unsigned int ias, ps_bits;
	int gs;

	memset(cd, 0, sizeof(*cd));
	cd->w[0] = w[0];
	cd->w[1] = w[1];
	if (!(w[0] & SIO_SMMU_CD0_V))
		return bad;
	gs = arm_lpae_tg_to_granule(SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_TG0, w[0]));
	if (gs < 0 || !hw_smmu_granule_ok(smmu, gs))
		return bad;
	ias = 64 - SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_T0SZ, w[0]);
	if (ias > smmu->ias)
		return bad;
	ps_bits = sio_smmu_ps_to_bits(SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_IPS,
							 w[0]));
	if (!ps_bits)
		return bad;
	ps_bits = min(ps_bits, smmu->oas);
	if (arm_lpae_geom_init(&cd->s1, gs, ias, ps_bits,
			       4 - arm_lpae_levels(gs, ias)) ||
	    arm_lpae_geom_concat(&cd->s1) != 1)
		return bad;
	cd->stall = w[0] & SIO_SMMU_CD0_S;
	if (cd->stall && (!smmu->cfg.stall || ste->s1stalld))
		return bad;
	cd->ttb = w[1] & SIO_SMMU_CD1_TTB0;
	cd->asid = SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_ASID, w[0]);
	cd->epd0 = w[0] & SIO_SMMU_CD0_EPD0;
	cd->affd = w[0] & SIO_SMMU_CD0_AFFD;
	cd->record = w[0] & SIO_SMMU_CD0_R;
	return 0;
}

/**
 * sio_hw_smmu_ste_pa() - where the STE of @sid is
 * @smmu: the SMMU
 * @sid: the StreamID
 * @pa: its physical address, on success
 *
 * Context: any thread; reads STRTAB_BASE and STRTAB_BASE_CFG.
 * Return: 0, or SIO_SMMU_EVT_C_BAD_STREAMID (not a linear table, or @sid
 * beyond its size or the implemented StreamID bits).
 */
u8 sio_hw_smmu_ste_pa(struct sio_hw_smmu *smmu, u32 sid, u64 *pa)
{
	u32 cfg = atomic_load(&smmu->strtab_cfg);
	u64 base = atomic_load(&smmu->strtab_base);
	unsigned int log2 = SIO_SMMU_FIELD_GET(SIO_SMMU_STRTAB_CFG_LOG2SIZE,
					       cfg);

	if (SIO_SMMU_FIELD_GET(SIO_SMMU_STRTAB_CFG_FMT, cfg) !=
		    SIO_SMMU_STRTAB_CFG_FMT_LINEAR ||
	    (u64)sid >> min(log2, smmu->cfg.sid_bits))
		return SIO_SMMU_EVT_C_BAD_STREAMID;
	*pa = base + (u64)sid * SIO_SMMU_STE_SIZE;
	return 0;
}

/**
 * sio_hw_smmu_fetch_ste() - read the four words of an STE from memory
 * @smmu: the SMMU
 * @pa: from sio_hw_smmu_ste_pa()
 * @w: the words
 *
 * Context: any thread; lock-free.
 * Return: 0, or SIO_SMMU_EVT_F_STE_FETCH when the STE is not in RAM.
 */
u8 sio_hw_smmu_fetch_ste(struct sio_hw_smmu *smmu, u64 pa, u64 w[4])
{
	int i;

	for (i = 0; i < 4; i++)
		if (sio_phys_try_read64(smmu->mem, pa + 8 * i, &w[i]))
			return SIO_SMMU_EVT_F_STE_FETCH;
	return 0;
}

/**
 * sio_hw_smmu_fetch_cd() - read the two words of CD @ssid of a stream
 * @smmu: the SMMU
 * @ste: the stream's decoded STE (stage 1 or nested)
 * @ssid: index in the CD table (not checked against S1CDMAX)
 * @w: the words
 * @f: on failure, the fault: F_CD_FETCH (not in RAM), or a stage-2 fault
 *	of a nested stream (@f->s2 set)
 *
 * Context: any thread; lock-free; counts nothing.
 * Return: 0 or -EFAULT.
 */
int sio_hw_smmu_fetch_cd(struct sio_hw_smmu *smmu,
			 const struct sio_hw_smmu_ste *ste, u32 ssid, u64 w[2],
			 struct sio_hw_smmu_fault *f)
{
	u64 addr = ste->s1ctxptr + (u64)ssid * SIO_SMMU_CD_SIZE;
	bool nested = ste->config == SIO_SMMU_STE0_CONFIG_NESTED;
	int i, ret;

	for (i = 0; i < 2; i++) {
		if (nested)
			ret = sio_hw_smmu_s2_fetch64(smmu, ste, addr + 8 * i,
						     SIO_SMMU_EVT_CLASS_CD,
						     &w[i], f);
		else
			ret = sio_phys_try_read64(smmu->mem, addr + 8 * i,
						  &w[i]) ? -EIO : 0;
		if (ret == -EIO)
			f->event = SIO_SMMU_EVT_F_CD_FETCH;
		if (ret)
			return -EFAULT;
	}
	return 0;
}

/* ------------------------------------------------------------ describe */

/**
 * sio_hw_smmu_ste_config_name() - name of an STE0.Config value
 * @config: SIO_SMMU_STE0_CONFIG_*
 *
 * Context: any.
 * Return: "abort", "bypass", "stage 1", "stage 2", "nested" or "reserved".
 */
const char *sio_hw_smmu_ste_config_name(unsigned int config)
{
	switch (config) {
	case SIO_SMMU_STE0_CONFIG_ABORT:
		return "abort";
	case SIO_SMMU_STE0_CONFIG_BYPASS:
		return "bypass";
	case SIO_SMMU_STE0_CONFIG_S1_TRANS:
		return "stage 1";
	case SIO_SMMU_STE0_CONFIG_S2_TRANS:
		return "stage 2";
	case SIO_SMMU_STE0_CONFIG_NESTED:
		return "nested";
	default:
		return "reserved";
	}
}

/**
 * sio_hw_smmu_describe_ste() - decode the STE of a stream, as the hardware
 * would for a transaction
 * @smmu: the SMMU
 * @sid: the StreamID
 * @d: filled in (see struct sio_hw_smmu_ste_desc), whatever the result
 *
 * Finds the STE through STRTAB_BASE/STRTAB_BASE_CFG, reads it from memory
 * and decodes it with the transaction path's decoder: what a transaction
 * would see once the STE's configuration-cache entry is invalidated.  The
 * configuration cache is neither consulted nor filled and nothing is
 * counted or recorded, whether the SMMU is enabled or not.
 *
 * Context: any thread; lock-free.
 * Return: 0 (the STE is used as @d->ste says); -ERANGE (@sid is outside the
 * stream table); -EIO (the STE is not in RAM); -ENOENT (STE0.V is clear);
 * -EINVAL (the hardware refuses the STE).  @d->event names the event.
 */
int sio_hw_smmu_describe_ste(struct sio_hw_smmu *smmu, u32 sid,
			     struct sio_hw_smmu_ste_desc *d)
{
	u64 w[4];

	memset(d, 0, sizeof(*d));
	d->sid = sid;
	d->event = sio_hw_smmu_ste_pa(smmu, sid, &d->pa);
	if (d->event)
		return -ERANGE;
	d->event = sio_hw_smmu_fetch_ste(smmu, d->pa, w);
	if (d->event)
		return -EIO;
	d->valid = w[0] & SIO_SMMU_STE0_V;
	d->config = SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_CONFIG, w[0]);
	d->event = sio_hw_smmu_decode_ste(smmu, w, &d->ste);
	if (!d->valid)
		return -ENOENT;
	return d->event ? -EINVAL : 0;
}

/**
 * sio_hw_smmu_describe_cd() - decode CD @ssid of a stream, as the hardware
 * would for a transaction
 * @smmu: the SMMU
 * @ste: the stream's STE from sio_hw_smmu_describe_ste()
 * @ssid: the SubstreamID (0 for the CD of transactions without one)
 * @d: filled in (see struct sio_hw_smmu_cd_desc), whatever the result
 *
 * Reads the CD from the STE's CD table (through stage 2 when the stream is
 * nested) and decodes it with the transaction path's decoder; caches,
 * counters and queues are untouched, as for sio_hw_smmu_describe_ste().
 *
 * Context: any thread; lock-free.
 * Return: 0 (the CD is used as @d->cd says); -ENODEV (@ste is not a valid
 * stage-1 or nested STE); -ERANGE (@ssid beyond S1CDMAX); -EIO (the fetch
 * failed: not in RAM, or a stage-2 fault); -ENOENT (CD0.V is clear);
 * -EINVAL (the hardware refuses the CD).  @d->event names the event.
 */
int sio_hw_smmu_describe_cd(struct sio_hw_smmu *smmu,
			    const struct sio_hw_smmu_ste_desc *ste, u32 ssid,
			    struct sio_hw_smmu_cd_desc *d)
{
	struct sio_hw_smmu_fault f = { 0 };
	u64 w[2];

	memset(d, 0, sizeof(*d));
	d->ssid = ssid;
	if (ste->event || (ste->ste.config != SIO_SMMU_STE0_CONFIG_S1_TRANS &&
			   ste->ste.config != SIO_SMMU_STE0_CONFIG_NESTED))
		return -ENODEV;
	d->ipa = ste->ste.config == SIO_SMMU_STE0_CONFIG_NESTED;
	d->addr = ste->ste.s1ctxptr + (u64)ssid * SIO_SMMU_CD_SIZE;
	/* As a transaction with a SubstreamID (SSID 0 is always there). */
	if (ssid >> ste->ste.s1cdmax) {
		d->event = SIO_SMMU_EVT_C_BAD_SUBSTREAMID;
		return -ERANGE;
	}
	if (sio_hw_smmu_fetch_cd(smmu, &ste->ste, ssid, w, &f)) {
		d->event = f.event;
		d->stage2 = f.s2;
		return -EIO;
	}
	d->valid = w[0] & SIO_SMMU_CD0_V;
	d->event = sio_hw_smmu_decode_cd(smmu, w, &ste->ste, &d->cd);
	if (!d->valid)
		return -ENOENT;
	return d->event ? -EINVAL : 0;
}
