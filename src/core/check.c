// SPDX-License-Identifier: BSD-3-Clause
/*
 * The invariant checker: walks every group and device of a machine and
 * checks ownership counts, domain/owner agreement, per-device attachment and
 * that no freed domain is referenced.
 * Kernel counterpart: none (softiommu's own; issue 3 deliverable 8)
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/core-priv.h"

struct check_ctx {
	struct iommu_group *group;
	int violations;
};

static void __printf(2, 3) violation(struct check_ctx *c, const char *fmt,
				     ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->violations++;
	pr_err("iommu: invariant violated: group %d: %s", c->group->id, msg);
	WARN(1, "IOMMU invariant violated: group %d: %s", c->group->id, msg);
}

static void check_live(struct check_ctx *c, struct iommu_domain *d,
		       const char *what)
{
	if (d && !iommu_domain_is_live(c->group->subsys, d))
		violation(c, "%s %p is a freed domain", what, (void *)d);
}

static void check_group(struct check_ctx *c)
{
	struct iommu_group *group = c->group;
	unsigned int uses = 0, claims = 0, n = 0;
	struct group_device *gdev;
	unsigned long index;
	void *entry;

	lockdep_assert_held(&group->mutex);

	/* No freed domain is referenced. */
	check_live(c, group->domain, "domain");
	check_live(c, group->default_domain, "default_domain");
	check_live(c, group->blocking_domain, "blocking_domain");
	xa_for_each(&group->pasid_array, index, entry) {
		struct iommu_domain *d = pasid_array_entry_to_domain(entry);

		if (!d)
			violation(c, "pasid %lu has no domain", index);
		else if (!iommu_domain_is_live(group->subsys, d))
			violation(c, "pasid %lu uses freed domain %p", index,
				  (void *)d);
	}

	for_each_group_device(group, gdev) {
		struct sio_device *dev = gdev->dev;
		struct dev_iommu *di = dev->iommu;

		n++;
		if (dev->iommu_group != group || !di) {
			violation(c, "%s is listed but not probed into it",
				  sio_dev_name(dev));
			continue;
		}
		uses += di->dma_use_cnt;
		claims += di->claim_cnt;
		if (dev->dma_use_counted != (di->dma_use_cnt != 0))
			violation(c, "%s dma_use_counted disagrees with its count",
				  sio_dev_name(dev));
		check_live(c, di->attached, "device attachment");

		/* Every device translates through the group's domain. */
		if (group->resetting_domain &&
		    (di->attached == group->resetting_domain ||
		     di->attached == group->domain))
			continue;
		if (di->attach_deferred && group->domain == group->default_domain &&
		    !di->attached)
			continue;
		if (di->attached != group->domain)
			violation(c, "%s is attached to %s domain %p, group domain is %s %p",
				  sio_dev_name(dev),
				  di->attached ? iommu_domain_type_name(
							 di->attached->type) :
						 "no",
				  (void *)di->attached,
				  group->domain ? iommu_domain_type_name(
							  group->domain->type) :
						  "no",
				  (void *)group->domain);
	}
	if (n != group->num_devices)
		violation(c, "num_devices %u but %u listed", group->num_devices,
			  n);

	/*
	 * owner_cnt counts DMA-API uses, or the owner's claims: one for a
	 * group claim plus one per device claim, which the same owner may add
	 * on top of it (as in the kernel).  DMA-API users do not pin the
	 * group to its default domain: iommu_attach_group() and
	 * iommu_attach_device() do not look at them, in the kernel either.
	 */
	if (!group->owner) {
		if (group->owner_cnt != uses)
			violation(c, "owner_cnt %u but %u counted DMA-API uses",
				  group->owner_cnt, uses);
		if (claims || group->group_claimed)
			violation(c, "claims recorded (%u) without an owner",
				  claims);
	} else {
		unsigned int want = claims + (group->group_claimed ? 1 : 0);

		if (uses)
			violation(c, "owned but %u DMA-API uses counted", uses);
		if (!group->owner_cnt || group->owner_cnt != want)
			violation(c, "owned with owner_cnt %u but %u claims",
				  group->owner_cnt, want);
		if (group->domain && group->domain == group->default_domain)
			violation(c, "owned but on the default domain");
	}

	/* A populated, set-up group has a domain. */
	if (n && group->default_domain && !group->domain)
		violation(c, "default domain set but no current domain");
	if (!n && (group->default_domain || group->blocking_domain ||
		   group->domain))
		violation(c, "empty group still holds domains");
}

/* Next group with id > @after, with a reference; NULL when done. */
static struct iommu_group *next_group(struct iommu_subsys *s, int after)
{
	struct iommu_group *group, *best = NULL;

	mutex_lock(&s->lock);
	for (;;) {
		best = NULL;
		list_for_each_entry(group, &s->groups, node) {
			if (group->id > after &&
			    (!best || group->id < best->id))
				best = group;
		}
		/* Skip a group whose last reference is going away. */
		if (!best || refcount_inc_not_zero(&best->ref))
			break;
		after = best->id;
	}
	mutex_unlock(&s->lock);
	return best;
}

/**
 * sio_iommu_check_invariants() - check every group of @m (see iommu.h)
 * @m: the machine
 *
 * Context: may sleep; takes the probe lock and each group mutex in turn.
 * Return: the number of violations, each logged and WARNed (0 for a NULL
 * machine or one without IOMMU state).
 */
int sio_iommu_check_invariants(struct sio_machine *m)
{
	struct iommu_subsys *s = m ? m->iommu : NULL;
	struct check_ctx c = { 0 };
	struct iommu_group *group;
	int last = -1;

	if (!s)
		return 0;
	mutex_lock(&s->probe_lock);
	while ((group = next_group(s, last))) {
		last = group->id;
		c.group = group;
		mutex_lock(&group->mutex);
		check_group(&c);
		mutex_unlock(&group->mutex);
		mutex_unlock(&s->probe_lock);
		iommu_group_put(group);
		mutex_lock(&s->probe_lock);
	}
	mutex_unlock(&s->probe_lock);
	return c.violations;
}
