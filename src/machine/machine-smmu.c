// SPDX-License-Identifier: BSD-3-Clause
/*
 * The "smmu" IOMMU kind of machine assembly: maps a declaration's options
 * onto the SMMU driver's configuration, and publishes debugfs-like files
 * for the instance under /sys/kernel/debug/iommu/<name>/ (iotlb, features,
 * stats), read through the driver's and the hardware model's public
 * accessors.
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3 (probe from firmware),
 * drivers/iommu/iommu-debugfs.c (the debugfs directory)
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "machine/machine-priv.h"
#include "drivers/smmu/smmu.h"

/* snprintf that returns what it stored (never more than @size - 1). */
static int dbgfs_emit(char *buf, size_t size, const char *fmt, ...)
	__printf(3, 4);
static int dbgfs_emit(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n >= size ? (int)size - 1 : n;
}

static struct sio_hw_smmu *mi_hw(struct machine_iommu *mi)
{
	return mi->hw;
}

static ssize_t smmu_iotlb_show(void *priv, char *buf)
{
	struct machine_iommu *mi = priv;
	struct sio_hw_smmu_stats st;

	sio_hw_smmu_get_stats(mi_hw(mi), &st);
	return dbgfs_emit(buf, SIO_SYSFS_BUF_SIZE,
			 "hits: %llu\nmisses: %llu\nfills: %llu\n"
			 "evictions: %llu\ninvalidations: %llu\n"
			 "invalidation-commands: %llu\nentries: %llu\n"
			 "capacity: %llu\npolicy: %s\n",
			 (unsigned long long)st.iotlb_hits,
			 (unsigned long long)st.iotlb_misses,
			 (unsigned long long)st.iotlb_fills,
			 (unsigned long long)st.iotlb_evictions,
			 (unsigned long long)st.iotlb_inv_entries,
			 (unsigned long long)st.iotlb_inv_cmds,
			 (unsigned long long)st.iotlb_valid,
			 (unsigned long long)st.iotlb_capacity,
			 mi->iotlb_random ? "random" : "clock");
}

/* "0" to the file zeroes the hardware counters (as a debugfs reset). */
static ssize_t smmu_iotlb_store(void *priv, const char *buf, size_t count)
{
	struct machine_iommu *mi = priv;

	if (strcmp(buf, "0\n") && strcmp(buf, "0"))
		return -EINVAL;
	sio_hw_smmu_reset_stats(mi_hw(mi));
	return (ssize_t)count;
}

/* What the ID registers say, as the driver's probe reads them. */
static ssize_t smmu_features_show(void *priv, char *buf)
{
	struct sio_hw_smmu *hw = mi_hw(priv);
	u32 idr0 = sio_hw_smmu_read32(hw, SIO_SMMU_IDR0);
	u32 idr1 = sio_hw_smmu_read32(hw, SIO_SMMU_IDR1);
	u32 idr5 = sio_hw_smmu_read32(hw, SIO_SMMU_IDR5);
	static const struct { u32 bit; const char *name; } f[] = {
		{ SIO_SMMU_IDR0_S1P, "stage1" }, { SIO_SMMU_IDR0_S2P, "stage2" },
		{ SIO_SMMU_IDR0_NEST, "nesting" }, { SIO_SMMU_IDR0_ATS, "ats" },
		{ SIO_SMMU_IDR0_PRI, "pri" }, { SIO_SMMU_IDR0_STALL, "stall" },
	};
	size_t i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(f); i++)
		if (idr0 & f[i].bit)
			n += dbgfs_emit(buf + n, SIO_SYSFS_BUF_SIZE - n, "%s%s",
				       n ? " " : "", f[i].name);
	n += dbgfs_emit(buf + n, SIO_SYSFS_BUF_SIZE - n,
		       "\nsid-bits: %u\nssid-bits: %u\nias: %u\noas: %u\ngranules:%s%s%s\niotlb-entries: %u\n",
		       (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_SIDSIZE, idr1),
		       (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_IDR1_SSIDSIZE, idr1),
		       (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_IDR5_IAS, idr5),
		       (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_IDR5_OAS, idr5),
		       idr5 & SIO_SMMU_IDR5_GRAN4K ? " 4K" : "",
		       idr5 & SIO_SMMU_IDR5_GRAN16K ? " 16K" : "",
		       idr5 & SIO_SMMU_IDR5_GRAN64K ? " 64K" : "",
		       sio_hw_smmu_read32(hw, SIO_SMMU_IDR2));
	return n;
}

/* Driver and queue counters. */
static ssize_t smmu_stats_show(void *priv, char *buf)
{
	struct machine_iommu *mi = priv;
	struct sio_hw_smmu_stats hs;
	struct smmu_iommu_stats ds;

	sio_hw_smmu_get_stats(mi_hw(mi), &hs);
	smmu_iommu_get_stats(mi->iommu, &ds);
	return dbgfs_emit(buf, SIO_SYSFS_BUF_SIZE,
			 "commands: %llu\nsyncs: %llu\ncommand-errors: %llu\n"
			 "events: %llu\nevents-dropped: %llu\n"
			 "faults-reported: %llu\nwalks: %llu\n"
			 "walk-reads: %llu\nconfig-cache-hits: %llu\n"
			 "config-cache-misses: %llu\npri-requests: %llu\n"
			 "stale-iotlb-hits: %llu\n",
			 (unsigned long long)ds.cmds,
			 (unsigned long long)ds.syncs,
			 (unsigned long long)ds.cmd_errors,
			 (unsigned long long)hs.events,
			 (unsigned long long)hs.events_dropped,
			 (unsigned long long)ds.faults_reported,
			 (unsigned long long)hs.walks,
			 (unsigned long long)hs.walk_reads,
			 (unsigned long long)hs.cfg_hits,
			 (unsigned long long)hs.cfg_misses,
			 (unsigned long long)hs.pri_requests,
			 (unsigned long long)hs.check_mismatches);
}

static const struct sio_attribute smmu_attr_iotlb = {
	.name = "iotlb", .mode = 0644,
	.show = smmu_iotlb_show, .store = smmu_iotlb_store,
};
static const struct sio_attribute smmu_attr_features = {
	.name = "features", .mode = 0444, .show = smmu_features_show,
};
static const struct sio_attribute smmu_attr_stats = {
	.name = "stats", .mode = 0444, .show = smmu_stats_show,
};
static const struct sio_attribute *const smmu_attrs[] = {
	&smmu_attr_iotlb, &smmu_attr_features, &smmu_attr_stats, NULL,
};

static int smmu_debugfs_create(struct sio_machine *m, struct machine_iommu *mi)
{
	struct machine_state *st = machine_state(m);
	struct sio_sysfs_node *dir;
	int ret;

	if (!st->debugfs_iommu) {
		dir = sio_sysfs_mkdir_p(m->sysfs, "/sys/kernel/debug/iommu");
		if (IS_ERR(dir))
			return (int)PTR_ERR(dir);
		st->debugfs_iommu = dir;
	}
	dir = sio_sysfs_mkdir(st->debugfs_iommu, mi->name, mi);
	if (IS_ERR(dir))
		return (int)PTR_ERR(dir);
	ret = sio_sysfs_create_files(dir, smmu_attrs);
	if (ret) {
		sio_sysfs_remove(dir);
		return ret;
	}
	mi->debugfs = dir;
	return 0;
}

#define SMMU_DECL_FEATURES                                                    \
	(SIO_SMMU_DECL_F_STAGE1 | SIO_SMMU_DECL_F_STAGE2 |                    \
	 SIO_SMMU_DECL_F_NESTING | SIO_SMMU_DECL_F_PRI | SIO_SMMU_DECL_F_ATS)
#define SMMU_DECL_GRANULES                                                    \
	(SIO_SMMU_DECL_GRAN_4K | SIO_SMMU_DECL_GRAN_16K | SIO_SMMU_DECL_GRAN_64K)

static void smmu_fill_config(struct sio_hw_smmu_config *hw,
			     struct smmu_iommu_config *cfg,
			     const struct sio_smmu_decl *o)
{
	memset(cfg, 0, sizeof(*cfg));
	sio_hw_smmu_config_default(hw);
	cfg->check_iotlb = !o || !o->no_check;
	if (!o)
		return;
	hw->gbpa_abort = o->gbpa_abort;
	if (o->features) {
		hw->stage1 = o->features & (SIO_SMMU_DECL_F_STAGE1 |
					    SIO_SMMU_DECL_F_NESTING);
		hw->stage2 = o->features & (SIO_SMMU_DECL_F_STAGE2 |
					    SIO_SMMU_DECL_F_NESTING);
		hw->nesting = o->features & SIO_SMMU_DECL_F_NESTING;
		hw->pri = o->features & SIO_SMMU_DECL_F_PRI;
		hw->ats = o->features & SIO_SMMU_DECL_F_ATS;
		hw->stall = false;
	}
	if (o->iotlb_entries)
		hw->iotlb_entries = o->iotlb_entries;
	if (o->iotlb_ways)
		hw->iotlb_ways = o->iotlb_ways;
	hw->iotlb_policy = o->iotlb_random ? SIO_HW_IOTLB_RANDOM :
					     SIO_HW_IOTLB_CLOCK;
	if (o->ssid_bits_set)
		hw->ssid_bits = o->ssid_bits;
	if (o->granules) {
		hw->granules = 0;
		if (o->granules & SIO_SMMU_DECL_GRAN_4K)
			hw->granules |= SIO_HW_SMMU_GRAN_4K;
		if (o->granules & SIO_SMMU_DECL_GRAN_16K)
			hw->granules |= SIO_HW_SMMU_GRAN_16K;
		if (o->granules & SIO_SMMU_DECL_GRAN_64K)
			hw->granules |= SIO_HW_SMMU_GRAN_64K;
	}
	if (o->ias)
		hw->ias = o->ias;
	if (o->oas)
		hw->oas = o->oas;
}

/**
 * machine_smmu_create() - an SMMU instance for "iommu smmu NAME ..."
 * @m: the machine (its memory is created with the default size if absent)
 * @decl: the declaration (name)
 * @opts: its SMMU options, or NULL for a full-featured SMMU
 * @mi: the instance record (gets the debugfs directory)
 *
 * Context: may sleep.
 * Return: the driver instance or ERR_PTR(-errno) (-EINVAL for feature or
 * granule bits the declaration does not define, or a configuration the
 * hardware or the driver refuses).
 */
struct iommu_device *machine_smmu_create(struct sio_machine *m,
					 const struct sio_iommu_decl *decl,
					 const struct sio_smmu_decl *opts,
					 struct machine_iommu *mi)
{
	struct sio_hw_smmu_config hwcfg;
	struct smmu_iommu_config cfg;
	struct iommu_device *iommu;
	struct sio_hw_smmu *hw;
	int ret;

	/* Bits the declaration does not define are a caller's mistake. */
	if (opts && ((opts->features & ~SMMU_DECL_FEATURES) ||
		     (opts->granules & ~SMMU_DECL_GRANULES)))
		return ERR_PTR(-EINVAL);
	ret = sio_machine_ensure_memory(m);
	if (ret)
		return ERR_PTR(ret);
	smmu_fill_config(&hwcfg, &cfg, opts);
	hwcfg.name = decl->name;
	mi->iotlb_random = hwcfg.iotlb_policy == SIO_HW_IOTLB_RANDOM;
	/* The machine makes the hardware and wires its devices to it ... */
	hw = sio_hw_smmu_add(m, &hwcfg);
	if (IS_ERR(hw))
		return ERR_CAST(hw);
	mi->hw = hw;
	mi->machine = m;
	mi->check_iotlb = cfg.check_iotlb;
	/* ... then the driver binds to it, now or at "modprobe arm-smmu-v3". */
	iommu = NULL;
	if (!opts || !opts->driver_later) {
		iommu = smmu_iommu_create(m, decl->name, &cfg);
		if (IS_ERR(iommu)) {
			ret = (int)PTR_ERR(iommu);
			goto err_remove_hw;
		}
	}
	mi->iommu = iommu;
	ret = smmu_debugfs_create(m, mi);
	if (ret)
		goto err_unbind;
	return iommu;

err_unbind:
	if (iommu)
		smmu_iommu_destroy(iommu);
	mi->iommu = NULL;
err_remove_hw:
	sio_hw_smmu_remove(m, hw);
	mi->hw = NULL;
	return ERR_PTR(ret);
}

/**
 * machine_smmu_destroy() - remove the debugfs files, then the instance
 * @mi: the instance record
 * Context: may sleep.
 */
void machine_smmu_destroy(struct machine_iommu *mi)
{
	if (mi->debugfs) {
		sio_sysfs_remove(mi->debugfs);
		mi->debugfs = NULL;
	}
	smmu_iommu_destroy(mi->iommu);
	mi->iommu = NULL;
	sio_hw_smmu_remove(mi->machine, mi->hw);
	mi->hw = NULL;
}

/* An SMMU of @m still waiting for its driver, marked as being bound. */
static struct machine_iommu *next_unbound_smmu(struct machine_state *st)
{
	struct machine_iommu *mi, *found = NULL;

	mutex_lock(&st->lock);
	list_for_each_entry(mi, &st->iommus, node) {
		if (machine_iommu_is_smmu(mi) && mi->hw && !mi->iommu &&
		    !mi->binding) {
			mi->binding = true;
			found = mi;
			break;
		}
	}
	mutex_unlock(&st->lock);
	return found;
}

/**
 * sio_machine_bind_smmu_drivers() - bind the SMMU driver to every SMMU of
 * @m that has none ("modprobe arm-smmu-v3")
 * @m: the machine
 *
 * Context: may sleep (each binding probes devices); takes the machine lock
 * around list walks only; not concurrently with sio_machine_destroy().
 * Return: the number of SMMUs bound, or -EINVAL (NULL or error-pointer @m), or the driver's
 * error for the first one that failed (earlier ones stay bound).
 */
int sio_machine_bind_smmu_drivers(struct sio_machine *m)
{
	struct smmu_iommu_config cfg;
	struct iommu_device *iommu;
	struct machine_state *st;
	struct machine_iommu *mi;
	int n = 0;

	if (IS_ERR_OR_NULL(m) || !m->user_state)
		return -EINVAL;
	st = machine_state(m);
	while ((mi = next_unbound_smmu(st))) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.check_iotlb = mi->check_iotlb;
		iommu = smmu_iommu_create(m, mi->name, &cfg);
		mutex_lock(&st->lock);
		mi->binding = false;
		if (!IS_ERR(iommu))
			mi->iommu = iommu;
		mutex_unlock(&st->lock);
		if (IS_ERR(iommu))
			return (int)PTR_ERR(iommu);
		n++;
	}
	return n;
}
