// SPDX-License-Identifier: BSD-3-Clause
/*
 * Software SMMU transaction path: stream table entry -> context descriptor
 * (through the configuration cache; decoded by hw-smmu-decode.c) -> IOTLB
 * -> walk, with fault reporting (events, page requests, stalls) and the
 * IOTLB coherency checker.
 * Kernel counterpart: none (hardware)
 */
#include <string.h>
#include "hw/hw-smmu-priv.h"

/* Everything known about one transaction while it is translated. */
struct hw_smmu_txn {
	u32 sid;
	bool ssv;
	u32 ssid;
	u64 iova;
	unsigned int access;
	struct sio_hw_smmu_tls *x; /* this thread's state, or NULL */
	struct sio_hw_smmu_stream_cfg *sc; /* the stream's configuration */
};

/* Fetch (or find cached) and validate the STE.  Return: 0 or an event. */
static u8 hw_smmu_get_ste(struct sio_hw_smmu *smmu, u32 sid,
			  struct sio_hw_smmu_ste *ste)
{
	u64 key = sio_hw_smmu_cfg_key(false, sid, 0), w[4], epoch, pa;
	u8 ev;

	ev = sio_hw_smmu_ste_pa(smmu, sid, &pa);
	if (ev)
		return ev;
	if (sio_hw_smmu_cfg_lookup(smmu, key, w, 4))
		return sio_hw_smmu_decode_ste(smmu, w, ste);
	epoch = sio_hw_smmu_cfg_epoch(smmu);
	ev = sio_hw_smmu_fetch_ste(smmu, pa, w);
	if (ev)
		return ev;
	ev = sio_hw_smmu_decode_ste(smmu, w, ste);
	if (!ev)
		sio_hw_smmu_cfg_fill(smmu, key, epoch, w, 4);
	return ev;
}

/* Fetch (or find cached) and validate a CD.  Return: 0 or -EFAULT. */
static int hw_smmu_get_cd(struct sio_hw_smmu *smmu, struct hw_smmu_txn *t,
			  u32 ssid, struct sio_hw_smmu_fault *f)
{
	u64 key = sio_hw_smmu_cfg_key(true, t->sid, ssid), w[2], epoch;

	if (sio_hw_smmu_cfg_lookup(smmu, key, w, 2)) {
		f->event = sio_hw_smmu_decode_cd(smmu, w, &t->sc->ste,
						 &t->sc->cd);
		return f->event ? -EFAULT : 0;
	}
	epoch = sio_hw_smmu_cfg_epoch(smmu);
	if (sio_hw_smmu_fetch_cd(smmu, &t->sc->ste, ssid, w, f))
		return -EFAULT;
	f->event = sio_hw_smmu_decode_cd(smmu, w, &t->sc->ste, &t->sc->cd);
	if (f->event)
		return -EFAULT;
	sio_hw_smmu_cfg_fill(smmu, key, epoch, w, 2);
	return 0;
}

/* ------------------------------------------------------------- reporting */

static void hw_smmu_build_event(const struct hw_smmu_txn *t,
				const struct sio_hw_smmu_fault *f, bool stall,
				u16 stag, u64 rec[4])
{
	rec[0] = SIO_SMMU_FIELD_PREP(SIO_SMMU_EVT0_TYPE, f->event) |
		 SIO_SMMU_FIELD_PREP(SIO_SMMU_EVT0_SID, t->sid);
	if (t->ssv)
		rec[0] |= SIO_SMMU_EVT0_SSV |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_EVT0_SSID, t->ssid);
	rec[1] = SIO_SMMU_FIELD_PREP(SIO_SMMU_EVT1_CLASS, f->class);
	if (stall)
		rec[1] |= SIO_SMMU_EVT1_STALL |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_EVT1_STAG, stag);
	if (t->access & SIO_HW_ACCESS_PRIV)
		rec[1] |= SIO_SMMU_EVT1_PNU;
	if (t->access & SIO_HW_ACCESS_EXEC)
		rec[1] |= SIO_SMMU_EVT1_IND;
	if (!(t->access & SIO_HW_ACCESS_WRITE))
		rec[1] |= SIO_SMMU_EVT1_RNW;
	if (f->s2)
		rec[1] |= SIO_SMMU_EVT1_S2;
	rec[2] = t->iova;
	rec[3] = f->s2 ? f->ipa : 0;
}

/* A configuration error or fault that is always recorded. */
static int hw_smmu_report_cfg(struct sio_hw_smmu *smmu,
			      const struct hw_smmu_txn *t, u8 event,
			      struct sio_hw_smmu_txn_result *res)
{
	struct sio_hw_smmu_fault f = { .event = event };
	u64 rec[4];

	sio_hw_smmu_stat_inc(smmu, faults);
	res->event = event;
	hw_smmu_build_event(t, &f, false, 0, rec);
	sio_hw_smmu_evtq_record(smmu, rec);
	res->recorded = true;
	return -EFAULT;
}

/* Report a translation-time fault as the STE/CD ask.  Return: errno. */
static int hw_smmu_report_fault(struct sio_hw_smmu *smmu,
				const struct hw_smmu_txn *t,
				const struct sio_hw_smmu_fault *f,
				struct sio_hw_smmu_txn_result *res)
{
	u64 rec[4];

	sio_hw_smmu_stat_inc(smmu, faults);
	res->event = f->event;
	res->stage2 = f->s2;
	if (f->s2) {
		if (!t->sc->ste.s2r)
			return -EFAULT;
		goto record;
	}
	if (f->event == SIO_SMMU_EVT_F_WALK_EABT)
		goto record;
	if (!t->sc->cd.record)
		return -EFAULT;		/* R = 0: terminate silently */
	if (t->sc->ste.pri &&
	    (f->event == SIO_SMMU_EVT_F_TRANSLATION ||
	     f->event == SIO_SMMU_EVT_F_PERMISSION) &&
	    (sio_hw_smmu_cr0(smmu) & SIO_SMMU_CR0_PRIQEN)) {
		u16 grpid = atomic_fetch_add(&smmu->next_grpid, 1) & 0x1ff;
		int ret = sio_hw_smmu_priq_record(smmu, t->sid, t->ssv, t->ssid,
						  grpid, true, t->access,
						  t->iova & ~0xfffULL);

		if (ret != -ENODEV) {
			/* Queued, or dropped with an automatic response. */
			res->page_request = !ret;
			res->grpid = grpid;
			return -EAGAIN;
		}
	}
	if (t->sc->cd.stall) {
		u16 stag = atomic_fetch_add(&smmu->next_stag, 1);

		hw_smmu_build_event(t, f, true, stag, rec);
		res->recorded = true;
		if (!sio_hw_smmu_evtq_record(smmu, rec))
			return -EFAULT;	/* lost: the transaction aborts */
		sio_hw_smmu_stat_inc(smmu, stalls);
		res->stalled = true;
		res->stag = stag;
		return -EAGAIN;
	}
record:
	hw_smmu_build_event(t, f, false, 0, rec);
	sio_hw_smmu_evtq_record(smmu, rec);
	res->recorded = true;
	return -EFAULT;
}

/* ------------------------------------------------------------- translate */

/* Walk the regime of @t (no IOTLB).  Return: 0 or -EFAULT. */
static int hw_smmu_txn_walk(struct sio_hw_smmu *smmu,
			    const struct hw_smmu_txn *t, bool count,
			    struct sio_hw_smmu_walk_out *out)
{
	if (t->sc->use_s1)
		return sio_hw_smmu_walk_s1(smmu, &t->sc->cd,
					   t->sc->use_s2 ? &t->sc->ste : NULL,
					   t->iova, count, out);
	return sio_hw_smmu_walk_s2(smmu, &t->sc->ste, t->iova,
				   SIO_SMMU_EVT_CLASS_IN, count, out);
}

/* Leaf sizes the regime of @t can produce (bit n = 2^n bytes). */
static u64 hw_smmu_txn_shifts(const struct hw_smmu_txn *t)
{
	const struct arm_lpae_geom *gs[2] = {
		t->sc->use_s1 ? &t->sc->cd.s1 : NULL,
		t->sc->use_s2 ? &t->sc->ste.s2 : NULL,
	};
	u64 shifts = 0;
	unsigned int i, lvl;

	for (i = 0; i < 2; i++) {
		if (!gs[i])
			continue;
		for (lvl = gs[i]->start_level; lvl < ARM_LPAE_MAX_LEVELS; lvl++)
			if (arm_lpae_leaf_allowed(gs[i], lvl))
				shifts |= BIT_ULL(arm_lpae_lvl_shift(gs[i],
								     lvl));
	}
	return shifts;
}

/*
 * The coherency checker: does the hit still agree with the tables?
 * @looked_up: CMD_SYNCs completed before the lookup that hit began.
 *
 * A hit that disagrees may be legitimate: the tables changed and the
 * TLBI+SYNC that removes the entry has not completed yet, or completed
 * only after the lookup (the walk here runs later than the lookup).  In
 * AFTER_SYNC mode the first sighting of a slot's incarnation records the
 * next SYNC to come; a later hit on the same incarnation is stale only if
 * its lookup began after that SYNC completed.
 */
static void hw_smmu_check_hit(struct sio_hw_smmu *smmu,
			      const struct hw_smmu_txn *t, int mode, u64 pa,
			      unsigned int perms,
			      struct sio_hw_smmu_tlb_slot *slot, u64 seq,
			      u64 looked_up)
{
	struct sio_hw_smmu_walk_out w;
	u64 sync, cur, mine;
	int ret;

	ret = hw_smmu_txn_walk(smmu, t, false, &w);
	if (!ret && w.oa == pa && (w.s1_perms & w.s2_perms) == perms)
		return;
	sio_hw_smmu_stat_inc(smmu, check_mismatches);
	if (mode == SIO_HW_CHECK_AFTER_SYNC) {
		/* After the walk that saw the change. */
		sync = atomic_load(&smmu->sync_count);
		cur = atomic_load(&slot->suspect);
		mine = (seq & 0xffffffffULL) << 32;
		if (!cur || (cur & ~0xffffffffULL) != mine) {
			/* First sighting of this incarnation: note the sync. */
			atomic_compare_exchange_strong(&slot->suspect, &cur,
						       mine | ((sync + 1) &
							       0xffffffffULL));
			return;
		}
		/*
		 * Not (u32)cur against the count now: a lookup that began
		 * before that SYNC may have hit an entry its TLBI removed
		 * since.
		 */
		if ((s32)((u32)looked_up - (u32)cur) < 0)
			return;
	}
	if (ret)
		WARN(1, "%s: stale IOTLB entry: sid %u%s%u iova 0x%llx -> pa 0x%llx perms 0x%x, but the tables fault (event 0x%x%s)",
		     smmu->name, t->sid, t->ssv ? " ssid " : " no ssid ",
		     t->ssv ? t->ssid : 0, (unsigned long long)t->iova,
		     (unsigned long long)pa, perms, w.fault.event,
		     w.fault.s2 ? ", stage 2" : "");
	else
		WARN(1, "%s: stale IOTLB entry: sid %u%s%u iova 0x%llx -> pa 0x%llx perms 0x%x, but the tables say pa 0x%llx perms 0x%x",
		     smmu->name, t->sid, t->ssv ? " ssid " : " no ssid ",
		     t->ssv ? t->ssid : 0, (unsigned long long)t->iova,
		     (unsigned long long)pa, perms, (unsigned long long)w.oa,
		     w.s1_perms & w.s2_perms);
}

/* Translate through the IOTLB or a walk.  Return: 0 or errno. */
static int hw_smmu_txn_translate(struct sio_hw_smmu *smmu,
				 struct hw_smmu_txn *t,
				 struct sio_hw_smmu_txn_result *res)
{
	u64 tag = t->sc->tag;
	struct sio_hw_smmu_tlb_slot *slot;
	struct sio_hw_smmu_walk_out w;
	unsigned int shift, perms;
	int check =
		atomic_load_explicit(&smmu->check_mode, memory_order_relaxed);
	u64 pa, seq, epoch, looked_up = 0;

	/*
	 * The checker's clock, before the slot is read: a SYNC counted here
	 * finished its invalidations before the lookup (pairs with the
	 * increment in hw_smmu_cmd_sync()).
	 */
	if (check == SIO_HW_CHECK_AFTER_SYNC)
		looked_up = atomic_load(&smmu->sync_count);
	if (sio_hw_smmu_iotlb_lookup(smmu, tag, t->sc->shifts, t->iova, &pa,
				     &shift, &perms, &slot, &seq) &&
	    sio_hw_smmu_perms_allow(perms, t->access)) {
		sio_hw_smmu_hot_add(smmu, t->x, iotlb_hits, 1);
		if (check != SIO_HW_CHECK_OFF)
			hw_smmu_check_hit(smmu, t, check, pa, perms, slot, seq,
					  looked_up);
		res->iotlb_hit = true;
		res->pa = pa;
		res->contig = (1ULL << shift) - (t->iova & ((1ULL << shift) - 1));
		return 0;
	}
	/* A hit that denies the access re-walks to report the exact fault. */
	sio_hw_smmu_hot_add(smmu, t->x, iotlb_misses, 1);
	if (t->sc->use_s1 && t->sc->cd.epd0) {
		struct sio_hw_smmu_fault f = {
			.event = SIO_SMMU_EVT_F_TRANSLATION,
			.class = SIO_SMMU_EVT_CLASS_IN,
		};

		return hw_smmu_report_fault(smmu, t, &f, res);
	}
	epoch = sio_hw_smmu_iotlb_epoch(smmu);
	sio_hw_smmu_hot_add(smmu, t->x, walks, 1);
	if (hw_smmu_txn_walk(smmu, t, true, &w))
		return hw_smmu_report_fault(smmu, t, &w.fault, res);
	sio_hw_smmu_iotlb_fill(smmu, t->x, tag, epoch, t->iova, w.oa,
			       w.size_shift, w.s1_perms & w.s2_perms);
	if (!sio_hw_smmu_perms_allow(w.s1_perms, t->access) ||
	    !sio_hw_smmu_perms_allow(w.s2_perms, t->access)) {
		struct sio_hw_smmu_fault f = {
			.event = SIO_SMMU_EVT_F_PERMISSION,
			.class = SIO_SMMU_EVT_CLASS_IN,
		};

		if (sio_hw_smmu_perms_allow(w.s1_perms, t->access)) {
			/* Stage 2 refused: name the IPA it was given. */
			f.s2 = true;
			f.ipa = w.ipa;
		}
		return hw_smmu_report_fault(smmu, t, &f, res);
	}
	res->pa = w.oa;
	res->contig = (1ULL << w.size_shift) -
		      (t->iova & ((1ULL << w.size_shift) - 1));
	return 0;
}

/*
 * Resolve the configuration of @t's stream into *@t->sc (STE, then CD).
 * Return: 0 (t->sc->bypass or stages set), else the transaction's errno
 * with the configuration fault reported.
 */
static int hw_smmu_resolve(struct sio_hw_smmu *smmu, struct hw_smmu_txn *t,
			   struct sio_hw_smmu_txn_result *res)
{
	struct sio_hw_smmu_fault f = { 0 };
	u32 ssid = 0;
	u8 ev;

	ev = hw_smmu_get_ste(smmu, t->sid, &t->sc->ste);
	if (ev)
		return hw_smmu_report_cfg(smmu, t, ev, res);

	switch (t->sc->ste.config) {
	case SIO_SMMU_STE0_CONFIG_ABORT:
		sio_hw_smmu_stat_inc(smmu, faults);
		return -EFAULT;		/* terminated, no event */
	case SIO_SMMU_STE0_CONFIG_BYPASS:
		if (t->ssv)
			return hw_smmu_report_cfg(
				smmu, t, SIO_SMMU_EVT_C_BAD_SUBSTREAMID, res);
		goto bypass;
	case SIO_SMMU_STE0_CONFIG_S2_TRANS:
		if (t->ssv)
			return hw_smmu_report_cfg(
				smmu, t, SIO_SMMU_EVT_C_BAD_SUBSTREAMID, res);
		t->sc->use_s2 = true;
		return 0;
	}

	/* Stage 1 (and maybe stage 2). */
	t->sc->use_s2 = t->sc->ste.config == SIO_SMMU_STE0_CONFIG_NESTED;
	if (t->ssv) {
		if (!t->sc->ste.s1cdmax || (t->ssid >> t->sc->ste.s1cdmax))
			return hw_smmu_report_cfg(
				smmu, t, SIO_SMMU_EVT_C_BAD_SUBSTREAMID, res);
		ssid = t->ssid;
	} else if (t->sc->ste.s1cdmax) {
		switch (t->sc->ste.s1dss) {
		case SIO_SMMU_STE1_S1DSS_TERMINATE:
			return hw_smmu_report_cfg(
				smmu, t, SIO_SMMU_EVT_F_STREAM_DISABLED, res);
		case SIO_SMMU_STE1_S1DSS_BYPASS:
			if (t->sc->use_s2)
				return 0;
			goto bypass;
		}
	}
	if (hw_smmu_get_cd(smmu, t, ssid, &f)) {
		if (f.event == SIO_SMMU_EVT_F_CD_FETCH ||
		    f.event == SIO_SMMU_EVT_C_BAD_CD)
			return hw_smmu_report_cfg(smmu, t, f.event, res);
		return hw_smmu_report_fault(smmu, t, &f, res); /* stage 2 */
	}
	t->sc->use_s1 = true;
	t->sc->ncfg = 2;
	return 0;

bypass:
	t->sc->bypass = true;
	return 0;
}

/* Fill in what translation derives from the resolved stages. */
static void hw_smmu_stream_cfg_finish(struct hw_smmu_txn *t)
{
	struct sio_hw_smmu_stream_cfg *sc = t->sc;
	enum sio_hw_smmu_kind kind =
		sc->use_s1 ? (sc->use_s2 ? SIO_HW_SMMU_KIND_NESTED :
					   SIO_HW_SMMU_KIND_S1) :
			     SIO_HW_SMMU_KIND_S2;

	if (!sc->ncfg)
		sc->ncfg = 1;
	if (sc->bypass)
		return;
	sc->tag = sio_hw_smmu_tlb_tag(kind, sc->ste.vmid,
				      sc->use_s1 ? sc->cd.asid : 0);
	sc->shifts = hw_smmu_txn_shifts(t);
}

/* ----------------------------------------------------- per-thread state */

__thread struct sio_hw_smmu_tls sio_hw_smmu_tls[SIO_HW_SMMU_TLS_CTX];

/* Unique per live thread: the address of its own state. */
#define HW_SMMU_THREAD_TOKEN ((const void *)&sio_hw_smmu_tls[0])

/**
 * __sio_hw_smmu_tls_attach() - make this thread's state slot serve @smmu
 * @smmu: the SMMU
 *
 * Finds (or adds) this thread's counter block on @smmu and empties the
 * slot's decoded-configuration cache.
 *
 * Context: any thread; takes &smmu->tstats_lock; may allocate.
 * Return: the slot, or NULL when out of memory (callers then use the
 * shared atomic counters and no decoded-configuration cache).
 */
struct sio_hw_smmu_tls *__sio_hw_smmu_tls_attach(struct sio_hw_smmu *smmu)
{
	struct sio_hw_smmu_tls *x =
		&sio_hw_smmu_tls[smmu->id & (SIO_HW_SMMU_TLS_CTX - 1)];
	struct sio_hw_smmu_tstats *ts, *found = NULL;

	mutex_lock(&smmu->tstats_lock);
	list_for_each_entry(ts, &smmu->tstats, node) {
		if (ts->owner == HW_SMMU_THREAD_TOKEN) {
			found = ts;
			break;
		}
	}
	mutex_unlock(&smmu->tstats_lock);
	if (!found) {
		/* Only this thread adds blocks with its token. */
		found = kzalloc(sizeof(*found), GFP_KERNEL);
		if (!found)
			return NULL;
		found->owner = HW_SMMU_THREAD_TOKEN;
		mutex_lock(&smmu->tstats_lock);
		list_add(&found->node, &smmu->tstats);
		mutex_unlock(&smmu->tstats_lock);
	}
	memset(x->ent, 0, sizeof(x->ent));
	x->ts = found;
	x->smmu_id = smmu->id;
	return x;
}

/**
 * sio_hw_smmu_tstats_free() - free every thread's counter block
 * @smmu: the SMMU being destroyed
 *
 * Threads that translated through @smmu keep a stale slot keyed by its id,
 * which is never reused, so they attach afresh to any later SMMU.
 *
 * Context: sio_hw_smmu_destroy(); no other thread may use @smmu.
 */
void sio_hw_smmu_tstats_free(struct sio_hw_smmu *smmu)
{
	struct sio_hw_smmu_tstats *ts, *tmp;

	list_for_each_entry_safe(ts, tmp, &smmu->tstats, node) {
		list_del(&ts->node);
		kfree(ts);
	}
}

/**
 * sio_hw_smmu_tstats_sum() - add the per-thread hot-path counts to @sum
 * @smmu: the SMMU
 * @sum: SIO_HW_SMMU_TS_NR counters, added to (not cleared)
 *
 * Each block counts from the last sio_hw_smmu_tstats_reset().
 *
 * Context: any thread; takes tstats_lock (a leaf).  Racy against running
 * translations, but every counter is exact at the time it is read.
 */
void sio_hw_smmu_tstats_sum(struct sio_hw_smmu *smmu,
			    u64 sum[SIO_HW_SMMU_TS_NR])
{
	struct sio_hw_smmu_tstats *ts;
	int i;

	mutex_lock(&smmu->tstats_lock);
	list_for_each_entry(ts, &smmu->tstats, node)
		for (i = 0; i < SIO_HW_SMMU_TS_NR; i++)
			sum[i] += atomic_load_explicit(&ts->c[i],
						       memory_order_relaxed) -
				  ts->base[i];
	mutex_unlock(&smmu->tstats_lock);
}

/**
 * sio_hw_smmu_tstats_reset() - zero the per-thread hot-path counts
 * @smmu: the SMMU
 *
 * The blocks are only ever written by their threads, so the reset records
 * the current values as the new base rather than writing the counters.
 *
 * Context: any thread; takes tstats_lock (a leaf).
 */
void sio_hw_smmu_tstats_reset(struct sio_hw_smmu *smmu)
{
	struct sio_hw_smmu_tstats *ts;
	int i;

	mutex_lock(&smmu->tstats_lock);
	list_for_each_entry(ts, &smmu->tstats, node)
		for (i = 0; i < SIO_HW_SMMU_TS_NR; i++)
			ts->base[i] = atomic_load_explicit(
				&ts->c[i], memory_order_relaxed);
	mutex_unlock(&smmu->tstats_lock);
}

static u64 hw_smmu_scfg_key(const struct hw_smmu_txn *t)
{
	return SIO_HW_SMMU_CFG_KEY_VALID |
	       (t->ssv ? SIO_HW_SMMU_CFG_KEY_CD : 0) |
	       ((u64)(t->sid & 0xffffff) << 20) |
	       (t->ssv ? t->ssid & 0xfffff : 0);
}

/*
 * The decoded configuration of @t's stream cached by this thread, valid
 * while the configuration-cache epoch has not moved since it was built
 * (every CFGI moves it), or NULL.
 */
static struct sio_hw_smmu_stream_cfg *
hw_smmu_scfg_lookup(struct hw_smmu_txn *t, u64 key, u64 epoch, u32 strtab_cfg)
{
	unsigned int i;

	for (i = 0; i < SIO_HW_SMMU_SCFG_WAYS; i++) {
		if (t->x->ent[i].key == key && t->x->ent[i].epoch == epoch &&
		    t->x->ent[i].strtab_cfg == strtab_cfg)
			return &t->x->ent[i].sc;
	}
	return NULL;
}

static int hw_smmu_translate(struct sio_hw_smmu *smmu, struct hw_smmu_txn *t,
			     struct sio_hw_smmu_txn_result *res)
{
	struct sio_hw_smmu_stream_cfg local;
	u64 key = 0, epoch = 0;
	u32 strtab_cfg = 0;
	unsigned int i;
	int ret;

	if (!(sio_hw_smmu_cr0(smmu) & SIO_SMMU_CR0_SMMUEN)) {
		if (atomic_load(&smmu->gbpa) & SIO_SMMU_GBPA_ABORT) {
			sio_hw_smmu_stat_inc(smmu, faults);
			return -EFAULT;
		}
		goto bypass;
	}
	t->x = sio_hw_smmu_tls_get(smmu);
	if (t->x) {
		/*
		 * Acquire: the configuration read after this load is no older
		 * than the epoch; an odd epoch (a CFGI scanning) never matches
		 * a cached entry.
		 */
		epoch = atomic_load_explicit(&smmu->cfgc.epoch,
					     memory_order_acquire);
		strtab_cfg = atomic_load_explicit(&smmu->strtab_cfg,
						  memory_order_relaxed);
		key = hw_smmu_scfg_key(t);
		t->sc = hw_smmu_scfg_lookup(t, key, epoch, strtab_cfg);
		if (t->sc) {
			sio_hw_smmu_hot_add(smmu, t->x, cfg_hits, t->sc->ncfg);
			goto resolved;
		}
	}
	memset(&local, 0, sizeof(local));
	t->sc = &local;
	ret = hw_smmu_resolve(smmu, t, res);
	if (ret)
		return ret;
	hw_smmu_stream_cfg_finish(t);
	/*
	 * Keep it if no CFGI started since @epoch was read (all reads of the
	 * configuration are ordered before this load).
	 */
	atomic_thread_fence(memory_order_acquire);
	if (t->x && !(epoch & 1) &&
	    atomic_load_explicit(&smmu->cfgc.epoch, memory_order_relaxed) ==
		    epoch) {
		i = t->x->victim++ % SIO_HW_SMMU_SCFG_WAYS;
		t->x->ent[i].key = key;
		t->x->ent[i].epoch = epoch;
		t->x->ent[i].strtab_cfg = strtab_cfg;
		t->x->ent[i].sc = local;
		t->sc = &t->x->ent[i].sc;
	}
resolved:
	if (!t->sc->bypass)
		return hw_smmu_txn_translate(smmu, t, res);
bypass:
	res->pa = t->iova;
	res->contig = PAGE_SIZE - (t->iova & (PAGE_SIZE - 1));
	return 0;
}

/**
 * sio_hw_smmu_translate_ex() - sio_hw_smmu_translate() with details
 * @smmu: the SMMU
 * @sid: StreamID of the device
 * @ssid_valid: the transaction carries a SubstreamID (PASID)
 * @ssid: the SubstreamID
 * @iova: input address
 * @access: SIO_HW_ACCESS_* bits
 * @res: cleared, then filled in with the outcome
 *
 * Context: as sio_hw_smmu_translate().
 * Return: @res->ret, as sio_hw_smmu_translate() returns it.
 */
int sio_hw_smmu_translate_ex(struct sio_hw_smmu *smmu, u32 sid,
			     bool ssid_valid, u32 ssid, u64 iova,
			     unsigned int access,
			     struct sio_hw_smmu_txn_result *res)
{
	struct hw_smmu_txn t = {
		.sid = sid,
		.ssv = ssid_valid,
		.ssid = ssid,
		.iova = iova,
		.access = access,
	};

	memset(res, 0, sizeof(*res));
	if (!(access & (SIO_HW_ACCESS_READ | SIO_HW_ACCESS_WRITE)) ||
	    (access & ~(SIO_HW_ACCESS_READ | SIO_HW_ACCESS_WRITE |
			SIO_HW_ACCESS_EXEC | SIO_HW_ACCESS_PRIV))) {
		res->ret = -EINVAL;
		return res->ret;
	}
	res->ret = hw_smmu_translate(smmu, &t, res);
	return res->ret;
}

/**
 * sio_hw_smmu_translate() - translate one device transaction
 * @smmu: the SMMU
 * @sid: StreamID of the device
 * @ssid_valid: the transaction carries a SubstreamID (PASID)
 * @ssid: the SubstreamID
 * @iova: input address
 * @access: SIO_HW_ACCESS_* bits (READ and/or WRITE, optionally EXEC, PRIV)
 * @pa: where the output address is stored (on success)
 * @contig: if not NULL, bytes valid from @pa within the page (on success)
 *
 * Runs the stream table -> context descriptor -> IOTLB -> walk path.
 * While the SMMU is disabled (CR0.SMMUEN = 0) the transaction bypasses, or
 * aborts if GBPA.ABORT is set.  Faults are recorded in the event queue as
 * the STE/CD ask for; a stage-1 fault on a PRI stream becomes a page
 * request; a fault on a stalling CD becomes a stalled transaction.
 *
 * Context: any thread, concurrently with every other call; lock-free on an
 * IOTLB hit (a thread (re)attaching its per-SMMU state takes tstats_lock
 * and may allocate its counter block).  When it records something it
 * takes the event or PRI queue lock and then calls that queue's interrupt
 * handler in this thread, so the caller must hold no lock the handler
 * takes; on PRI queue overflow it may call the device's pri_response
 * callback.
 * Return: 0; -EFAULT when the transaction is terminated (fault, abort,
 * configuration error, with or without an event); -EAGAIN when a page
 * request was queued or the transaction stalled (retry after the response
 * or RESUME); -EINVAL for @access without READ or WRITE, or with unknown
 * bits.
 */
int sio_hw_smmu_translate(struct sio_hw_smmu *smmu, u32 sid, bool ssid_valid,
			  u32 ssid, u64 iova, unsigned int access, u64 *pa,
			  size_t *contig)
{
	struct sio_hw_smmu_txn_result res;
	int ret;

	ret = sio_hw_smmu_translate_ex(smmu, sid, ssid_valid, ssid, iova,
				       access, &res);
	if (!ret) {
		*pa = res.pa;
		if (contig)
			*contig = res.contig;
	}
	return ret;
}
