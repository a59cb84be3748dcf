// SPDX-License-Identifier: BSD-3-Clause
/*
 * The mock IOMMU driver: instances, device probe/release, grouping, static
 * identity/blocked domains, attach and PASID attach with the checker, failure
 * injection and statistics.  Paging domains live in mock-domain.c.
 * Kernel counterpart: drivers/iommu/iommufd/selftest.c
 */
#include <pthread.h>
#include <string.h>

#include "drivers/mock/mock-priv.h"

/*
 * mock_lock protects every instance's mutable state, the device records,
 * the live-domain registry and domain user counts.  It is a leaf lock: taken
 * inside the probe lock and the group mutex, never held across a call into
 * the core, and never held together with a mock_domain's lock.
 */
struct mutex mock_lock;
static LIST_HEAD(mock_instances);		/* struct mock_iommu, mock_lock */
static pthread_once_t mock_once = PTHREAD_ONCE_INIT;

/*
 * One const struct iommu_ops per combination of the flags that change the
 * ops table (MOCK_OPS_FLAGS), so that two instances with the same flags are
 * "the same driver" (compatible domains) and "mock2" is another driver.
 * These flags cannot be per-op checks on the instance: the core reads the
 * driver name, the static identity/blocked/legacy-default domains and the
 * presence of the paging alloc ops from the table itself.  Every other
 * flag is tested on the instance (mi->cfg.flags) by the op it affects.
 *
 * A variant's index is its bits below; each table points at its own static
 * domains, whose owner points back at the table.
 */
#define MOCK_V_NO_IDENTITY	1	/* MOCK_IOMMU_F_NO_IDENTITY */
#define MOCK_V_NO_BLOCKED	2	/* MOCK_IOMMU_F_NO_BLOCKED */
#define MOCK_V_LEGACY_DEFAULT	4	/* MOCK_IOMMU_F_LEGACY_DEFAULT */
#define MOCK_V_ALT_DRIVER	8	/* MOCK_IOMMU_F_ALT_DRIVER */
#define MOCK_V_NO_PAGING_OP	16	/* MOCK_IOMMU_F_NO_PAGING_OP */
#define MOCK_NR_VARIANTS	32

/* Apply @M to every variant index, as a comma-separated list. */
#define MOCK_VARIANTS_4(M, i) M(i), M((i) + 1), M((i) + 2), M((i) + 3)
#define MOCK_FOR_EACH_VARIANT(M)                                              \
	MOCK_VARIANTS_4(M, 0), MOCK_VARIANTS_4(M, 4), MOCK_VARIANTS_4(M, 8),  \
	MOCK_VARIANTS_4(M, 12), MOCK_VARIANTS_4(M, 16),                       \
	MOCK_VARIANTS_4(M, 20), MOCK_VARIANTS_4(M, 24), MOCK_VARIANTS_4(M, 28)

static const struct iommu_ops mock_ops[MOCK_NR_VARIANTS];
static const struct iommu_domain_ops mock_identity_ops;
static const struct iommu_domain_ops mock_blocked_ops;

#define MOCK_STATIC_DOMAIN(i, t, o) [i] = {                                   \
		.type = (t), .ops = &(o), .owner = &mock_ops[i],               \
	}
#define MOCK_IDENTITY(i) MOCK_STATIC_DOMAIN(i, IOMMU_DOMAIN_IDENTITY,         \
					    mock_identity_ops)
#define MOCK_BLOCKED(i) MOCK_STATIC_DOMAIN(i, IOMMU_DOMAIN_BLOCKED,           \
					   mock_blocked_ops)

/*
 * Static domains of each variant (only the ones its table names are used).
 * Not const: the core's struct iommu_ops hands them out as mutable domains.
 */
static struct iommu_domain mock_identity[MOCK_NR_VARIANTS] = {
	MOCK_FOR_EACH_VARIANT(MOCK_IDENTITY)
};
static struct iommu_domain mock_blocked[MOCK_NR_VARIANTS] = {
	MOCK_FOR_EACH_VARIANT(MOCK_BLOCKED)
};
/* The legacy default of a variant without a blocked domain. */
static struct iommu_domain mock_legacy[MOCK_NR_VARIANTS] = {
	MOCK_FOR_EACH_VARIANT(MOCK_BLOCKED)
};

static unsigned int mock_variant_index(unsigned int flags)
{
	unsigned int idx = 0;

	if (flags & MOCK_IOMMU_F_NO_IDENTITY)
		idx |= MOCK_V_NO_IDENTITY;
	if (flags & MOCK_IOMMU_F_NO_BLOCKED)
		idx |= MOCK_V_NO_BLOCKED;
	if (flags & MOCK_IOMMU_F_LEGACY_DEFAULT)
		idx |= MOCK_V_LEGACY_DEFAULT;
	if (flags & MOCK_IOMMU_F_ALT_DRIVER)
		idx |= MOCK_V_ALT_DRIVER;
	if (flags & MOCK_IOMMU_F_NO_PAGING_OP)
		idx |= MOCK_V_NO_PAGING_OP;
	return idx;
}

static struct mock_iommu *mock_iommu_of(struct iommu_device *iommu)
{
	return container_of(iommu, struct mock_iommu, iommu);
}

/* ---- lookups and checker helpers (mock_lock held) ---- */

/**
 * mock_dev_find_locked() - the mock record of @dev, if a mock probed it
 * @dev: any device
 * Context: mock_lock held.
 * Return: the record or NULL.
 */
struct mock_dev *mock_dev_find_locked(struct sio_device *dev)
{
	struct mock_iommu *mi;
	struct mock_dev *md;

	lockdep_assert_held(&mock_lock);
	list_for_each_entry(mi, &mock_instances, node)
		list_for_each_entry(md, &mi->devices, node)
			if (md->dev == dev)
				return md;
	return NULL;
}

static struct mock_iommu *mock_find_instance_locked(struct sio_device *dev)
{
	struct mock_iommu *mi;

	lockdep_assert_held(&mock_lock);
	list_for_each_entry(mi, &mock_instances, node)
		if (mi->iommu.machine == dev->machine &&
		    !strcmp(mi->iommu.name, dev->fw.iommu))
			return mi;
	return NULL;
}

/**
 * mock_checker_warn_locked() - count a misuse the checker detected
 * @mi: the instance that saw it (NULL: unknown)
 * Context: mock_lock held; the caller already WARNed.
 */
void mock_checker_warn_locked(struct mock_iommu *mi)
{
	lockdep_assert_held(&mock_lock);
	if (mi)
		mi->st.checker_warns++;
}

/**
 * mock_inject_check_locked() - consume one call at an injection point
 * @mi: the instance
 * @p: the point
 * @dev: the device the call is for (NULL: counts for any filter)
 * Context: mock_lock held.
 * Return: 0, or the injected negative errno when this call must fail.
 */
int mock_inject_check_locked(struct mock_iommu *mi, enum mock_fail_point p,
			     struct sio_device *dev)
{
	struct mock_inject *inj = &mi->inject[p];

	lockdep_assert_held(&mock_lock);
	if (!inj->nth)
		return 0;
	if (inj->dev_name[0] && (!dev || strcmp(inj->dev_name, dev->name)))
		return 0;
	if (--inj->nth)
		return 0;
	return inj->err;
}

/**
 * mock_domain_scrub_locked() - forget every attachment to @d
 * @d: a paging domain being freed while still attached (a core bug the
 *     checker already WARNed about); later attaches must not touch it
 * Context: mock_lock held.
 */
void mock_domain_scrub_locked(struct iommu_domain *d)
{
	struct mock_iommu *mi;
	struct mock_dev *md;
	struct iommu_domain *cur;
	unsigned long pasid;

	lockdep_assert_held(&mock_lock);
	list_for_each_entry(mi, &mock_instances, node) {
		list_for_each_entry(md, &mi->devices, node) {
			if (md->domain == d)
				md->domain = NULL;
			xa_for_each(&md->pasids, pasid, cur)
				if (cur == d)
					xa_erase(&md->pasids, pasid);
		}
	}
	to_mock_domain(d)->users = 0;
}

static bool mock_static_domain(const struct iommu_domain *d)
{
	return (d >= mock_identity && d < mock_identity + MOCK_NR_VARIANTS) ||
	       (d >= mock_blocked && d < mock_blocked + MOCK_NR_VARIANTS) ||
	       (d >= mock_legacy && d < mock_legacy + MOCK_NR_VARIANTS);
}

/* Whether @d may be attached to a device behind @mi (same driver). */
static bool mock_compatible(struct mock_iommu *mi, const struct iommu_domain *d)
{
	const struct iommu_ops *ops = mi->iommu.ops;

	if (d == ops->identity_domain || d == ops->blocked_domain ||
	    d == ops->default_domain)
		return true;
	return !mock_static_domain(d) && d->owner == ops;
}

static bool mock_is_paging(const struct iommu_domain *d)
{
	return d && !mock_static_domain(d);
}

static void mock_users_move_locked(struct iommu_domain *from,
				   struct iommu_domain *to)
{
	if (mock_is_paging(from) && mock_domain_live_locked(from))
		to_mock_domain(from)->users--;
	if (mock_is_paging(to))
		to_mock_domain(to)->users++;
}

/* The checks common to attach_dev and set_dev_pasid.  Return: 0/-errno. */
static int mock_attach_checks_locked(struct iommu_domain *domain,
				     struct sio_device *dev,
				     struct mock_dev **mdp)
{
	struct mock_dev *md = mock_dev_find_locked(dev);

	if (!md) {
		WARN(1, "mock: attach of %s, a device no mock driver probed",
		     dev->name);
		return -ENODEV;
	}
	*mdp = md;
	/* Checked before anything reads the domain: it may be freed memory. */
	if (!mock_static_domain(domain) && !mock_domain_live_locked(domain)) {
		WARN(1, "mock: %s attached to a freed domain", dev->name);
		mock_checker_warn_locked(md->mi);
		return -EINVAL;
	}
	if (!mock_compatible(md->mi, domain)) {
		WARN(1, "mock: %s attached to a domain of another driver",
		     dev->name);
		mock_checker_warn_locked(md->mi);
		return -EINVAL;
	}
	return 0;
}

/**
 * mock_attach_dev() - attach_dev of every mock domain
 * @domain: the new domain
 * @dev: the device
 * @old: the domain the core thinks the device was on
 * Context: group mutex held; takes mock_lock.
 * Return: 0, -EINVAL (incompatible: the checker also WARNs, the core should
 * have refused), or an injected error.
 */
int mock_attach_dev(struct iommu_domain *domain, struct sio_device *dev,
		    struct iommu_domain *old)
{
	struct mock_dev *md;
	int ret;

	mutex_lock(&mock_lock);
	ret = mock_attach_checks_locked(domain, dev, &md);
	if (ret)
		goto out_unlock;
	md->mi->st.attach_calls++;
	ret = mock_inject_check_locked(md->mi, MOCK_FAIL_ATTACH, dev);
	if (ret)
		goto out_unlock;
	mock_users_move_locked(md->domain, domain);
	md->domain = domain;
	md->mi->st.attach++;
out_unlock:
	mutex_unlock(&mock_lock);
	return ret;
}

/**
 * mock_set_dev_pasid() - set_dev_pasid of paging and blocked mock domains
 * @domain: the domain (a blocked one detaches the PASID)
 * @dev: the device
 * @pasid: the PASID (never 0, below the device's max_pasids)
 * @old: the previous domain at @pasid, or NULL
 * Context: group mutex held; takes mock_lock.
 * Return: 0, -EINVAL, -ENOMEM, or an injected error.
 */
int mock_set_dev_pasid(struct iommu_domain *domain, struct sio_device *dev,
		       unsigned int pasid, struct iommu_domain *old)
{
	struct iommu_domain *cur;
	struct mock_dev *md;
	void *prev;
	int ret;

	mutex_lock(&mock_lock);
	ret = mock_attach_checks_locked(domain, dev, &md);
	if (ret)
		goto out_unlock;
	if (WARN(pasid == IOMMU_NO_PASID || pasid >= md->mi->cfg.max_pasids,
		 "mock: %s: set_dev_pasid with PASID %u out of range",
		 dev->name, pasid)) {
		mock_checker_warn_locked(md->mi);
		ret = -EINVAL;
		goto out_unlock;
	}
	ret = mock_inject_check_locked(md->mi, MOCK_FAIL_SET_PASID, dev);
	if (ret)
		goto out_unlock;
	cur = xa_load(&md->pasids, pasid);
	if (domain->type == IOMMU_DOMAIN_BLOCKED) {
		xa_erase(&md->pasids, pasid);
		mock_users_move_locked(cur, NULL);
	} else {
		prev = xa_store(&md->pasids, pasid, domain, GFP_KERNEL);
		if (xa_is_err(prev)) {
			ret = xa_err(prev);
			goto out_unlock;
		}
		mock_users_move_locked(cur, domain);
	}
	md->mi->st.set_pasid++;
out_unlock:
	mutex_unlock(&mock_lock);
	return ret;
}

/* ---- driver ops ---- */

static struct mock_iommu *mock_dev_instance(struct sio_device *dev)
{
	struct mock_dev *md;
	struct mock_iommu *mi;

	mutex_lock(&mock_lock);
	md = mock_dev_find_locked(dev);
	mi = md ? md->mi : mock_find_instance_locked(dev);
	mutex_unlock(&mock_lock);
	return mi;
}

static struct iommu_device *mock_probe_device(struct sio_device *dev)
{
	struct mock_iommu *mi;
	struct mock_dev *md;
	unsigned int num = 0;
	int ret;

	sio_dev_iommu_ids(dev, &num);
	if (!num)
		return ERR_PTR(-ENODEV);

	mutex_lock(&mock_lock);
	mi = mock_find_instance_locked(dev);
	if (!mi) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (WARN(mock_dev_find_locked(dev), "mock: %s probed twice",
		 dev->name)) {
		mock_checker_warn_locked(mi);
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = mock_inject_check_locked(mi, MOCK_FAIL_PROBE, dev);
	if (ret)
		goto out_unlock;
	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	md->dev = dev;
	md->mi = mi;
	xa_init(&md->pasids);
	list_add_tail(&md->node, &mi->devices);
	mi->st.probed++;
	mutex_unlock(&mock_lock);
	/* Test hook: runs with the core's probe lock held, no mock lock. */
	if (mi->cfg.probe_hook)
		mi->cfg.probe_hook(dev, mi->cfg.hook_data);
	return &mi->iommu;

out_unlock:
	mutex_unlock(&mock_lock);
	return ERR_PTR(ret);
}

static void mock_release_device(struct sio_device *dev)
{
	struct iommu_domain *d;
	struct mock_dev *md;
	unsigned long pasid;

	mutex_lock(&mock_lock);
	md = mock_dev_find_locked(dev);
	if (WARN(!md, "mock: release of %s, never probed", dev->name)) {
		mutex_unlock(&mock_lock);
		return;
	}
	/* The device leaves the hardware: drop its attachments. */
	mock_users_move_locked(md->domain, NULL);
	xa_for_each(&md->pasids, pasid, d)
		mock_users_move_locked(d, NULL);
	xa_destroy(&md->pasids);
	list_del(&md->node);
	md->mi->st.probed--;
	mutex_unlock(&mock_lock);
	kfree(md);
}

static struct iommu_group *mock_device_group(struct sio_device *dev)
{
	struct mock_iommu *mi = mock_dev_instance(dev);
	unsigned int flags = mi ? mi->cfg.flags : 0;

	if (flags & MOCK_IOMMU_F_NULL_GROUP)
		return NULL;
	if (flags & MOCK_IOMMU_F_SINGLE_GROUP)
		return generic_single_device_group(dev);
	if (dev->fw.alias[0])
		return sio_alias_device_group(dev);
	return generic_device_group(dev);
}

static int mock_def_domain_type(struct sio_device *dev)
{
	struct mock_iommu *mi;
	unsigned int i;
	int type = 0;

	mutex_lock(&mock_lock);
	mi = mock_dev_find_locked(dev) ? mock_dev_find_locked(dev)->mi :
					 mock_find_instance_locked(dev);
	if (mi) {
		type = mi->cfg.def_domain_type;
		for (i = 0; i < MOCK_MAX_DEV_WISHES; i++)
			if (mi->wishes[i].dev_name[0] &&
			    !strcmp(mi->wishes[i].dev_name, dev->name))
				type = mi->wishes[i].type;
	}
	mutex_unlock(&mock_lock);
	return type;
}

static bool mock_is_attach_deferred(struct sio_device *dev)
{
	struct mock_iommu *mi = mock_dev_instance(dev);

	return mi && (mi->cfg.flags & MOCK_IOMMU_F_DEFERRED_ATTACH);
}

static bool mock_capable(struct sio_device *dev, enum iommu_cap cap)
{
	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
	case IOMMU_CAP_ENFORCE_CACHE_COHERENCY:
	case IOMMU_CAP_DEFERRED_FLUSH:
		return true;
	default:
		return false;
	}
}

static void mock_page_response(struct sio_device *dev, struct iopf_fault *evt,
			       struct iommu_page_response *msg)
{
	struct mock_dev *md;

	mutex_lock(&mock_lock);
	md = mock_dev_find_locked(dev);
	if (md)
		md->mi->st.page_response++;
	mutex_unlock(&mock_lock);
}

static struct iommu_domain *mock_alloc_paging(struct sio_device *dev)
{
	struct mock_iommu *mi = mock_dev_instance(dev);

	if (WARN(!mi, "mock: paging alloc for %s, not a mock device",
		 dev->name))
		return ERR_PTR(-ENODEV);
	return mock_domain_alloc(mi, dev, 0);
}

static struct iommu_domain *mock_alloc_paging_flags(struct sio_device *dev,
						    unsigned int flags,
						    const void *user_data)
{
	struct mock_iommu *mi = mock_dev_instance(dev);
	unsigned int supported = IOMMU_HWPT_ALLOC_NEST_PARENT |
				 IOMMU_HWPT_ALLOC_PASID;

	if (WARN(!mi, "mock: paging alloc for %s, not a mock device",
		 dev->name))
		return ERR_PTR(-ENODEV);
	if (mi->cfg.flags & MOCK_IOMMU_F_NO_ALLOC_PASID)
		supported &= ~IOMMU_HWPT_ALLOC_PASID;
	if ((flags & ~supported) || user_data) {
		mutex_lock(&mock_lock);
		mi->st.alloc_calls++;
		mi->st.last_alloc_flags = flags;
		mutex_unlock(&mock_lock);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return mock_domain_alloc(mi, dev, flags);
}

static const struct iommu_domain_ops mock_identity_ops = {
	.attach_dev = mock_attach_dev,
};

static const struct iommu_domain_ops mock_blocked_ops = {
	.attach_dev = mock_attach_dev,
	.set_dev_pasid = mock_set_dev_pasid,
};

/*
 * Variant @i's table.  Like the kernel selftest, the blocked domain doubles
 * as the legacy default domain; without one, mock_legacy[i] does.
 */
#define MOCK_OPS(i) [i] = {                                                   \
		.name = ((i) & MOCK_V_ALT_DRIVER) ? "mock2" : "mock",          \
		.capable = mock_capable,                                       \
		.domain_alloc_paging = ((i) & MOCK_V_NO_PAGING_OP) ?           \
				NULL : mock_alloc_paging,                      \
		.domain_alloc_paging_flags = ((i) & MOCK_V_NO_PAGING_OP) ?     \
				NULL : mock_alloc_paging_flags,                \
		.probe_device = mock_probe_device,                             \
		.release_device = mock_release_device,                         \
		.device_group = mock_device_group,                             \
		.def_domain_type = mock_def_domain_type,                       \
		.is_attach_deferred = mock_is_attach_deferred,                 \
		.page_response = mock_page_response,                           \
		.default_domain_ops = &mock_paging_ops,                        \
		.identity_domain = ((i) & MOCK_V_NO_IDENTITY) ?                \
				NULL : &mock_identity[i],                      \
		.blocked_domain = ((i) & MOCK_V_NO_BLOCKED) ?                  \
				NULL : &mock_blocked[i],                       \
		.default_domain = !((i) & MOCK_V_LEGACY_DEFAULT) ? NULL :      \
				((i) & MOCK_V_NO_BLOCKED) ? &mock_legacy[i] :  \
							    &mock_blocked[i],  \
		.pgsize_bitmap = MOCK_DEFAULT_PGSIZES,                         \
	}

static const struct iommu_ops mock_ops[MOCK_NR_VARIANTS] = {
	MOCK_FOR_EACH_VARIANT(MOCK_OPS)
};

static void mock_once_init(void)
{
	mutex_init(&mock_lock);
}

/**
 * mock_lock_init() - initialise mock_lock (once)
 * Context: any thread.
 */
void mock_lock_init(void)
{
	pthread_once(&mock_once, mock_once_init);
}

/* ---- public API ---- */

/* Copy a NULL-terminated wish list into @mi (not yet visible). */
static int mock_copy_wishes(struct mock_iommu *mi, const char *const *names,
			    int type)
{
	unsigned int i, n = 0;

	while (n < MOCK_MAX_DEV_WISHES && mi->wishes[n].dev_name[0])
		n++;
	for (i = 0; names && names[i]; i++, n++) {
		if (n >= MOCK_MAX_DEV_WISHES ||
		    strlen(names[i]) >= SIO_NAME_LEN)
			return -EINVAL;
		strcpy(mi->wishes[n].dev_name, names[i]);
		mi->wishes[n].type = type;
	}
	return 0;
}

/**
 * mock_iommu_create() - allocate a mock IOMMU instance and register it
 * @m: the machine
 * @name: instance name (devices name it in their firmware description)
 * @cfg: behaviour, NULL for defaults
 *
 * Context: may sleep; registration probes the devices behind the instance.
 * Return: the instance or ERR_PTR(-EINVAL/-EEXIST/-ENOMEM).
 */
struct iommu_device *mock_iommu_create(struct sio_machine *m, const char *name,
				       const struct mock_iommu_config *cfg)
{
	static const struct mock_iommu_config defaults;
	struct mock_iommu *mi;
	int ret;

	if (!m || !name || !name[0] || strlen(name) >= sizeof(mi->iommu.name))
		return ERR_PTR(-EINVAL);
	if (!cfg)
		cfg = &defaults;
	if (cfg->pgsize_bitmap && !(cfg->pgsize_bitmap & ~0xfffUL) &&
	    !(cfg->pgsize_bitmap & 0xfffUL))
		return ERR_PTR(-EINVAL);
	mock_lock_init();

	mi = kzalloc(sizeof(*mi), GFP_KERNEL);
	if (!mi)
		return ERR_PTR(-ENOMEM);
	mi->cfg = *cfg;
	ret = mock_copy_wishes(mi, cfg->wish_identity, IOMMU_DOMAIN_IDENTITY);
	if (!ret)
		ret = mock_copy_wishes(mi, cfg->wish_dma, IOMMU_DOMAIN_DMA);
	if (ret) {
		kfree(mi);
		return ERR_PTR(ret);
	}
	mi->cfg.wish_identity = NULL;
	mi->cfg.wish_dma = NULL;
	if (!mi->cfg.pgsize_bitmap)
		mi->cfg.pgsize_bitmap = MOCK_DEFAULT_PGSIZES;
	strcpy(mi->iommu.name, name);
	mi->iommu.max_pasids = cfg->max_pasids;
	mi->iommu.machine = m;
	INIT_LIST_HEAD(&mi->devices);
	/* The "hardware" is there before the driver probes anything. */
	ret = mock_target_add(mi);
	if (ret) {
		kfree(mi);
		return ERR_PTR(ret);
	}

	/* Visible before registration: registration probes devices. */
	mutex_lock(&mock_lock);
	list_add_tail(&mi->node, &mock_instances);
	mutex_unlock(&mock_lock);

	ret = iommu_device_register(&mi->iommu,
				    &mock_ops[mock_variant_index(cfg->flags)], m);
	if (ret)
		goto err_unlist;
	mutex_lock(&mock_lock);
	mi->registered = true;
	mutex_unlock(&mock_lock);
	return &mi->iommu;

err_unlist:
	mutex_lock(&mock_lock);
	WARN(!list_empty(&mi->devices),
	     "mock: failed registration left devices probed");
	list_del(&mi->node);
	mutex_unlock(&mock_lock);
	mock_target_remove(mi);
	kfree(mi);
	return ERR_PTR(ret);
}

/**
 * mock_iommu_destroy() - unregister and free an instance
 * @iommu: from mock_iommu_create(); NULL/ERR_PTR is a no-op
 * Context: may sleep; releases every device behind the instance.
 */
void mock_iommu_destroy(struct iommu_device *iommu)
{
	struct mock_iommu *mi;

	if (IS_ERR_OR_NULL(iommu))
		return;
	mi = mock_iommu_of(iommu);
	iommu_device_unregister(iommu);
	mutex_lock(&mock_lock);
	WARN(!list_empty(&mi->devices),
	     "mock: %s unregistered with devices still probed", iommu->name);
	list_del(&mi->node);
	mutex_unlock(&mock_lock);
	mock_target_remove(mi);
	kfree(mi);
}

/**
 * mock_iommu_inject() - arm a one-shot failure at an injection point
 * @iommu: the instance
 * @point: which op
 * @nth: 1 = next call; 0 disarms
 * @dev_name: only count calls for this device (NULL = any)
 * @err: negative errno to return
 * Context: any thread.
 * Return: 0 or -EINVAL.
 */
int mock_iommu_inject(struct iommu_device *iommu, enum mock_fail_point point,
		      unsigned int nth, const char *dev_name, int err)
{
	struct mock_inject *inj;

	if (IS_ERR_OR_NULL(iommu) || (unsigned int)point >= MOCK_FAIL_NR ||
	    (nth && err >= 0) ||
	    (dev_name && strlen(dev_name) >= SIO_NAME_LEN))
		return -EINVAL;
	mutex_lock(&mock_lock);
	inj = &mock_iommu_of(iommu)->inject[point];
	inj->nth = nth;
	inj->err = err;
	snprintf(inj->dev_name, sizeof(inj->dev_name), "%s",
		 dev_name ? dev_name : "");
	mutex_unlock(&mock_lock);
	return 0;
}

/**
 * mock_iommu_set_def_domain_type() - per-device def_domain_type() answer
 * @iommu: the instance
 * @dev_name: the device
 * @type: 0, IOMMU_DOMAIN_IDENTITY or IOMMU_DOMAIN_DMA
 * Context: any thread.
 * Return: 0, -EINVAL, -ENOSPC.
 */
int mock_iommu_set_def_domain_type(struct iommu_device *iommu,
				   const char *dev_name, int type)
{
	struct mock_iommu *mi;
	struct mock_dev_wish *free_slot = NULL;
	unsigned int i;
	int ret = 0;

	if (IS_ERR_OR_NULL(iommu) || !dev_name || !dev_name[0] ||
	    strlen(dev_name) >= SIO_NAME_LEN)
		return -EINVAL;
	mi = mock_iommu_of(iommu);
	mutex_lock(&mock_lock);
	for (i = 0; i < MOCK_MAX_DEV_WISHES; i++) {
		if (!strcmp(mi->wishes[i].dev_name, dev_name)) {
			mi->wishes[i].type = type;
			goto out_unlock;
		}
		if (!mi->wishes[i].dev_name[0] && !free_slot)
			free_slot = &mi->wishes[i];
	}
	if (!free_slot) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	strcpy(free_slot->dev_name, dev_name);
	free_slot->type = type;
out_unlock:
	mutex_unlock(&mock_lock);
	return ret;
}

/* Is @iommu an instance of a mock variant (not another driver's)? */
static bool mock_iommu_is(const struct iommu_device *iommu)
{
	unsigned int i;

	for (i = 0; i < MOCK_NR_VARIANTS; i++)
		if (iommu->ops == &mock_ops[i])
			return true;
	return false;
}

/**
 * mock_iommu_get_stats() - snapshot an instance's counters
 * @iommu: the instance; another driver's instance (tests run one body over
 *	every driver) has none: all zero
 * @st: filled in
 * Context: any thread.
 */
void mock_iommu_get_stats(struct iommu_device *iommu,
			  struct mock_iommu_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (IS_ERR_OR_NULL(iommu) || !mock_iommu_is(iommu))
		return;
	mutex_lock(&mock_lock);
	*st = mock_iommu_of(iommu)->st;
	mutex_unlock(&mock_lock);
}

/**
 * mock_domain_is() - whether a mock driver allocated @d (or owns it statically)
 * @d: any domain, or NULL
 * Context: any thread.
 * Return: true or false.
 */
bool mock_domain_is(const struct iommu_domain *d)
{
	if (IS_ERR_OR_NULL(d))
		return false;
	return mock_static_domain(d) || d->ops == &mock_paging_ops;
}

/**
 * mock_dev_attached_domain() - the RID domain the mock hardware uses for @dev
 * @dev: the device
 * Context: any thread.
 * Return: the domain or NULL.
 */
struct iommu_domain *mock_dev_attached_domain(struct sio_device *dev)
{
	struct iommu_domain *d = NULL;
	struct mock_dev *md;

	mock_lock_init();
	mutex_lock(&mock_lock);
	md = mock_dev_find_locked(dev);
	if (md)
		d = md->domain;
	mutex_unlock(&mock_lock);
	return d;
}

/**
 * mock_dev_pasid_domain() - the domain the mock hardware uses for @pasid
 * @dev: the device
 * @pasid: the PASID
 * Context: any thread.
 * Return: the domain, or NULL (none or blocked).
 */
struct iommu_domain *mock_dev_pasid_domain(struct sio_device *dev,
					   unsigned int pasid)
{
	struct iommu_domain *d = NULL;
	struct mock_dev *md;

	mock_lock_init();
	mutex_lock(&mock_lock);
	md = mock_dev_find_locked(dev);
	if (md)
		d = xa_load(&md->pasids, pasid);
	mutex_unlock(&mock_lock);
	return d;
}
