// SPDX-License-Identifier: BSD-3-Clause
/*
 * Domain allocation and freeing: the per-device paging allocator, identity
 * domains, the legacy bus-wide iommu_domain_alloc(), driver compatibility,
 * and the live-domain list the invariant checker uses.
 * Kernel counterpart: drivers/iommu/iommu.c (__iommu_paging_domain_alloc_flags,
 * iommu_domain_init, iommu_domain_free, iommu_domain_alloc ≤ v6.12)
 */
#include "core/core-priv.h"
#include "dev/dma-observer.h"

/**
 * iommu_domain_init() - the core's part of a new domain: type, owner, ops
 * and page sizes the driver left unset, live-domain tracking
 * @domain: fresh from the driver
 * @type: IOMMU_DOMAIN_*
 * @ops: the driver that allocated it
 * @s: the machine's core state
 *
 * Context: any; takes the subsys lock.
 * Return: 0, -ENOMEM (the caller frees the domain through the driver).
 */
int iommu_domain_init(struct iommu_domain *domain, unsigned int type,
		      const struct iommu_ops *ops, struct iommu_subsys *s)
{
	struct iommu_domain_track *track;

	if (!domain->ops)
		domain->ops = ops->default_domain_ops;
	track = kzalloc(sizeof(*track), GFP_KERNEL);
	if (!track)
		return -ENOMEM;
	domain->type = type;
	domain->owner = ops;
	if (!domain->pgsize_bitmap)
		domain->pgsize_bitmap = ops->pgsize_bitmap;

	track->domain = domain;
	track->subsys = s;
	domain->core_priv = track;
	mutex_lock(&s->lock);
	list_add_tail(&track->node, &s->domains);
	mutex_unlock(&s->lock);
	return 0;
}

/* A driver's domain that the core could not initialise goes back to it. */
static struct iommu_domain *iommu_domain_init_or_free(
	struct iommu_domain *domain, unsigned int type,
	const struct iommu_ops *ops, struct sio_device *dev)
{
	int ret;

	if (WARN(!domain->ops && !ops->default_domain_ops,
		 "%s: domain without ops", ops->name ? ops->name : "iommu"))
		return ERR_PTR(-EINVAL);
	ret = iommu_domain_init(domain, type, ops, dev_subsys(dev));
	if (ret) {
		if (domain->ops->free)
			domain->ops->free(domain);
		return ERR_PTR(ret);
	}
	return domain;
}

/**
 * __iommu_paging_domain_alloc_flags() - allocate a paging domain of @type
 * for @dev from its driver
 * @dev: a probed device (for group-wide domains: the group's first device)
 * @type: a paging IOMMU_DOMAIN_* type
 * @flags: IOMMU_HWPT_ALLOC_* flags
 *
 * Context: may sleep; group mutex held or not.
 * Return: the domain, or ERR_PTR(-ENODEV) (no IOMMU), -EOPNOTSUPP (no paging
 * op for these flags), -ENOMEM (also for a driver returning NULL), or the
 * driver's error.
 */
struct iommu_domain *__iommu_paging_domain_alloc_flags(struct sio_device *dev,
						       unsigned int type,
						       unsigned int flags)
{
	const struct iommu_ops *ops;
	struct iommu_domain *domain;

	if (!dev || !dev_has_iommu(dev))
		return ERR_PTR(-ENODEV);
	ops = dev_iommu_ops(dev);

	if (ops->domain_alloc_paging && !flags)
		domain = ops->domain_alloc_paging(dev);
	else if (ops->domain_alloc_paging_flags)
		domain = ops->domain_alloc_paging_flags(dev, flags, NULL);
	else
		return ERR_PTR(-EOPNOTSUPP);

	if (IS_ERR(domain))
		return domain;
	if (!domain)
		return ERR_PTR(-ENOMEM);
	return iommu_domain_init_or_free(domain, type, ops, dev);
}

/**
 * iommu_paging_domain_alloc_flags() - an UNMANAGED paging domain for @dev
 * @dev: a probed device
 * @flags: IOMMU_HWPT_ALLOC_* flags
 *
 * Context: may sleep; must not hold the group mutex.
 * Return: the domain or ERR_PTR (see __iommu_paging_domain_alloc_flags()).
 */
struct iommu_domain *iommu_paging_domain_alloc_flags(struct sio_device *dev,
						     unsigned int flags)
{
	return __iommu_paging_domain_alloc_flags(dev, IOMMU_DOMAIN_UNMANAGED,
						 flags);
}

/**
 * iommu_paging_domain_alloc() - iommu_paging_domain_alloc_flags() with no
 * flags
 * @dev: a probed device
 *
 * Context: may sleep; must not hold the group mutex.
 * Return: the domain or ERR_PTR (see __iommu_paging_domain_alloc_flags()).
 */
struct iommu_domain *iommu_paging_domain_alloc(struct sio_device *dev)
{
	return iommu_paging_domain_alloc_flags(dev, 0);
}

/**
 * __iommu_alloc_identity_domain() - the driver's static identity domain, or
 * one from domain_alloc_identity
 * @dev: a probed device
 *
 * Context: group mutex held or not.
 * Return: the domain, ERR_PTR(-EOPNOTSUPP) if the driver has none,
 * -ENOMEM, or the driver's error.
 */
struct iommu_domain *__iommu_alloc_identity_domain(struct sio_device *dev)
{
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	struct iommu_domain *domain;

	if (ops->identity_domain)
		return ops->identity_domain;
	if (!ops->domain_alloc_identity)
		return ERR_PTR(-EOPNOTSUPP);
	domain = ops->domain_alloc_identity(dev);
	if (IS_ERR(domain))
		return domain;
	if (!domain)
		return ERR_PTR(-ENOMEM);
	return iommu_domain_init_or_free(domain, IOMMU_DOMAIN_IDENTITY, ops,
					 dev);
}

/**
 * iommu_domain_is_static() - is @domain one of a driver's static domains?
 * @domain: the domain
 *
 * Static domains (the driver's identity/blocked/release/default ones) never
 * went through iommu_domain_init() and are never freed.
 *
 * Context: any.
 * Return: true for a static domain (no core tracking).
 */
bool iommu_domain_is_static(const struct iommu_domain *domain)
{
	return !domain->core_priv;
}

/**
 * iommu_domain_is_live() - is @d a static domain of a registered instance,
 * or allocated by the core and not yet freed?
 * @s: the machine's core state
 * @d: a domain pointer, possibly freed (it is only compared, not read)
 *
 * Context: takes the subsys lock (a leaf).
 * Return: true if @d may be used.
 */
bool iommu_domain_is_live(struct iommu_subsys *s, struct iommu_domain *d)
{
	struct iommu_domain_track *t;
	struct iommu_device_priv *p;
	bool live = false;

	mutex_lock(&s->lock);
	list_for_each_entry(t, &s->domains, node) {
		if (t->domain == d) {
			live = true;
			break;
		}
	}
	if (!live) {
		list_for_each_entry(p, &s->iommus, node) {
			const struct iommu_ops *ops = p->iommu->ops;

			if (d == ops->identity_domain ||
			    d == ops->blocked_domain ||
			    d == ops->release_domain ||
			    d == ops->default_domain) {
				live = true;
				break;
			}
		}
	}
	mutex_unlock(&s->lock);
	return live;
}

/**
 * __iommu_domain_free() - release a domain the core allocated, unchecked
 * @domain: the domain; NULL and static domains are ignored
 *
 * For the core's own domains (default, blocking), which it frees under the
 * group mutex once nothing uses them.
 *
 * Context: may sleep; group mutex held or not.
 */
void __iommu_domain_free(struct iommu_domain *domain)
{
	struct iommu_domain_track *track;

	if (!domain || iommu_domain_is_static(domain))
		return;
	track = domain->core_priv;
	mutex_lock(&track->subsys->lock);
	list_del(&track->node);
	mutex_unlock(&track->subsys->lock);
	domain->core_priv = NULL;
	kfree(track);

	/* The DMA IOVA cookie (src/dma) is released by the layer that made it. */
	if (domain->cookie_put)
		domain->cookie_put(domain);
	sio_dma_observe_domain_free(domain);
	if (domain->ops && domain->ops->free)
		domain->ops->free(domain);
}

/* Does @group use @domain in any way?  Context: group mutex held. */
static bool __iommu_group_uses_domain(struct iommu_group *group,
				      struct iommu_domain *domain)
{
	struct group_device *gdev;
	unsigned long index;
	void *entry;

	lockdep_assert_held(&group->mutex);
	if (group->domain == domain || group->default_domain == domain ||
	    group->blocking_domain == domain ||
	    group->resetting_domain == domain)
		return true;
	for_each_group_device(group, gdev)
		if (gdev->dev->iommu && gdev->dev->iommu->attached == domain)
			return true;
	xa_for_each(&group->pasid_array, index, entry)
		if (pasid_array_entry_to_domain(entry) == domain)
			return true;
	return false;
}

/* The group after @pos on @s's list (the first for NULL), referenced. */
static struct iommu_group *next_group_ref(struct iommu_subsys *s,
					  struct iommu_group *pos)
{
	struct iommu_group *group;

	mutex_lock(&s->lock);
	/* @pos is referenced, so it is still on the list. */
	group = pos ? list_next_entry(pos, node) :
		      list_first_entry(&s->groups, struct iommu_group, node);
	for (; &group->node != &s->groups;
	     group = list_next_entry(group, node)) {
		/* Skip a group whose last reference is going away. */
		if (refcount_inc_not_zero(&group->ref))
			break;
	}
	mutex_unlock(&s->lock);
	return &group->node == &s->groups ? NULL : group;
}

/* Is @domain attached to, or owned by, any group of @s? */
static bool iommu_domain_in_use(struct iommu_subsys *s,
				struct iommu_domain *domain)
{
	struct iommu_group *group, *next;
	bool used = false;

	for (group = next_group_ref(s, NULL); group; group = next) {
		mutex_lock(&group->mutex);
		used = __iommu_group_uses_domain(group, domain);
		mutex_unlock(&group->mutex);
		next = used ? NULL : next_group_ref(s, group);
		iommu_group_put(group);
	}
	return used;
}

/**
 * iommu_domain_free() - release a domain allocated through the core
 * @domain: the domain; NULL and static domains are ignored
 *
 * Divergence (docs/divergences.md): a domain that is still attached (a
 * group's or device's current domain, a PASID's, or a group's default or
 * blocking domain) is not freed: the call WARNs and leaves everything as it
 * was, so the caller may detach and free it again.  The kernel frees it
 * anyway, and the group, the driver and the hardware go on using freed
 * memory.
 *
 * Context: may sleep; takes each group mutex in turn, so the caller must
 * hold none.
 */
void iommu_domain_free(struct iommu_domain *domain)
{
	struct iommu_domain_track *track;

	if (!domain || iommu_domain_is_static(domain))
		return;
	track = domain->core_priv;
	if (WARN(iommu_domain_in_use(track->subsys, domain),
		 "iommu: freeing a domain that is still attached; not freed"))
		return;
	__iommu_domain_free(domain);
}

/**
 * iommu_domain_type() - @domain's IOMMU_DOMAIN_* type
 * @domain: the domain, or NULL
 *
 * Context: any.
 * Return: the type; IOMMU_DOMAIN_BLOCKED (0) for NULL.
 */
unsigned int iommu_domain_type(const struct iommu_domain *domain)
{
	return domain ? domain->type : IOMMU_DOMAIN_BLOCKED;
}

/**
 * domain_iommu_ops_compatible() - may @domain be attached to devices of the
 * driver @ops?
 * @ops: the driver of the devices
 * @domain: the domain
 *
 * Context: any.
 * Return: true for the driver's own domains and its own static
 * identity/blocked ones.
 */
bool domain_iommu_ops_compatible(const struct iommu_ops *ops,
				 struct iommu_domain *domain)
{
	if (domain->owner == ops)
		return true;
	return domain == ops->blocked_domain || domain == ops->identity_domain;
}

struct iommu_bus_alloc_ctx {
	struct iommu_group *group;	/* first group found, with a reference */
	const struct iommu_ops *ops;
	bool multiple;
};

static int iommu_domain_alloc_find(struct sio_device *dev, void *data)
{
	struct iommu_bus_alloc_ctx *ctx = data;
	struct iommu_subsys *s = dev_subsys(dev);
	const struct iommu_ops *ops = NULL;
	struct iommu_group *group;

	/* The probe lock keeps dev->iommu_group from being released. */
	mutex_lock(&s->probe_lock);
	group = iommu_group_get(dev);
	mutex_unlock(&s->probe_lock);
	if (!group)
		return 0;

	/* Under its group lock, as Jason suggested: is it still populated? */
	mutex_lock(&group->mutex);
	if (!list_empty(&group->devices) && dev->iommu_group == group &&
	    dev_has_iommu(dev))
		ops = dev_iommu_ops(dev);
	mutex_unlock(&group->mutex);

	if (ops && !ctx->group) {
		ctx->group = group;	/* keeps the reference */
		ctx->ops = ops;
		return 0;
	}
	if (ops && ops != ctx->ops)
		ctx->multiple = true;
	iommu_group_put(group);
	return 0;
}

/**
 * iommu_domain_alloc() - legacy bus-wide UNMANAGED domain allocation
 * @bus: the bus
 *
 * Finds the first device of @bus with an IOMMU (under its group lock) and
 * allocates from that device's driver.  If devices of @bus sit behind
 * different drivers, WARNs once and still allocates from the first one (the
 * behaviour issue 3 settled on; upstream's v5 returned NULL, and upstream
 * removed this function around v6.13: see docs/divergences.md).
 *
 * Context: may sleep; takes the probe lock and group mutexes one at a time.
 * Return: a domain, or NULL (no device with an IOMMU on @bus, allocation
 * failure).
 */
struct iommu_domain *iommu_domain_alloc(struct sio_bus *bus)
{
	struct iommu_bus_alloc_ctx ctx = { 0 };
	struct iommu_domain *domain = NULL;
	struct sio_device *dev;

	if (!bus || !bus->machine || !bus->machine->iommu)
		return NULL;

	sio_bus_for_each_dev(bus, &ctx, iommu_domain_alloc_find);
	/* Once per machine (the base WARN_ONCE still counts every hit). */
	if (ctx.multiple) {
		struct iommu_subsys *s = bus->machine->iommu;

		mutex_lock(&s->lock);
		if (s->multi_drivers_warned)
			ctx.multiple = false;
		s->multi_drivers_warned = true;
		mutex_unlock(&s->lock);
	}
	WARN(ctx.multiple,
		  "Multiple IOMMU drivers present for bus %s, which the public IOMMU API can't fully support yet. You will still need to disable one or more for this to work, sorry!",
		  bus->type->name);
	if (!ctx.group)
		return NULL;

	mutex_lock(&ctx.group->mutex);
	dev = iommu_group_first_dev(ctx.group);
	if (dev) {
		domain = __iommu_paging_domain_alloc_flags(
			dev, IOMMU_DOMAIN_UNMANAGED, 0);
		if (IS_ERR(domain))
			domain = NULL;
	}
	mutex_unlock(&ctx.group->mutex);
	iommu_group_put(ctx.group);
	return domain;
}
