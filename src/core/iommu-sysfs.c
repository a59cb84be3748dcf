// SPDX-License-Identifier: BSD-3-Clause
/*
 * The core's sysfs: /sys/kernel/iommu_groups/<id>/{devices/,type,
 * reserved_regions} (with the "type" store rules) and a debugfs-like
 * /sys/kernel/debug/iommu/groups/<id>/{owner_cnt,owner,domain}.
 * Kernel counterpart: drivers/iommu/iommu.c (iommu_group_store_type,
 * iommu_group_show_type, iommu_group_show_resv_regions)
 *
 * Group attributes take no group reference: a group's nodes are removed
 * (draining running callbacks) before the group is freed, and a group is
 * never put with its mutex held.
 */
#include <stdio.h>
#include <string.h>

#include "core/core-priv.h"

/* Does @buf (as written, maybe newline-terminated) equal @s? */
static bool sysfs_streq(const char *buf, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(buf, s, n))
		return false;
	return buf[n] == '\0' || (buf[n] == '\n' && buf[n + 1] == '\0');
}

static ssize_t iommu_group_show_type(void *priv, char *buf)
{
	struct iommu_group *group = priv;
	const char *type = "unknown";

	mutex_lock(&group->mutex);
	if (group->default_domain)
		type = iommu_domain_type_name(group->default_domain->type);
	mutex_unlock(&group->mutex);
	return snprintf(buf, SIO_SYSFS_BUF_SIZE, "%s\n", type);
}

/*
 * Change the default domain type.  DMA→DMA-FQ is done in place even with
 * drivers bound; anything else needs a populated group nobody uses.
 */
static ssize_t iommu_group_store_type(void *priv, const char *buf,
				      size_t count)
{
	struct iommu_group *group = priv;
	struct iommu_subsys *s = group->subsys;
	int ret, req_type;
	bool admin;

	mutex_lock(&s->lock);
	admin = s->caps_admin;
	mutex_unlock(&s->lock);
	if (!admin)
		return -EACCES;

	if (sysfs_streq(buf, "identity"))
		req_type = IOMMU_DOMAIN_IDENTITY;
	else if (sysfs_streq(buf, "DMA"))
		req_type = IOMMU_DOMAIN_DMA;
	else if (sysfs_streq(buf, "DMA-FQ"))
		req_type = IOMMU_DOMAIN_DMA_FQ;
	else if (sysfs_streq(buf, "auto"))
		req_type = 0;
	else
		return -EINVAL;

	mutex_lock(&group->mutex);
	if (!group->default_domain) {
		ret = -EINVAL;
		goto out_unlock;
	}
	/* A flush queue can be brought up without a new domain. */
	if (req_type == IOMMU_DOMAIN_DMA_FQ &&
	    group->default_domain->type == IOMMU_DOMAIN_DMA) {
		group->default_domain->type = IOMMU_DOMAIN_DMA_FQ;
		ret = 0;
		goto out_unlock;
	}
	/* Otherwise the group must be populated and unused. */
	if (list_empty(&group->devices) || group->owner_cnt) {
		ret = -EPERM;
		goto out_unlock;
	}
	ret = iommu_setup_default_domain(group, req_type);
out_unlock:
	mutex_unlock(&group->mutex);
	return ret ? ret : (ssize_t)count;
}

static ssize_t iommu_group_show_resv(void *priv, char *buf)
{
	return iommu_group_show_resv_regions(priv, buf);
}

static const struct sio_attribute iommu_group_attr_type = {
	.name = "type", .mode = 0644,
	.show = iommu_group_show_type, .store = iommu_group_store_type,
};
static const struct sio_attribute iommu_group_attr_resv = {
	.name = "reserved_regions", .mode = 0444,
	.show = iommu_group_show_resv,
};
static const struct sio_attribute *const iommu_group_attrs[] = {
	&iommu_group_attr_type, &iommu_group_attr_resv, NULL,
};

static ssize_t debug_show_owner_cnt(void *priv, char *buf)
{
	struct iommu_group *group = priv;
	unsigned int cnt;

	mutex_lock(&group->mutex);
	cnt = group->owner_cnt;
	mutex_unlock(&group->mutex);
	return snprintf(buf, SIO_SYSFS_BUF_SIZE, "%u\n", cnt);
}

static ssize_t debug_show_owner(void *priv, char *buf)
{
	struct iommu_group *group = priv;
	ssize_t len;

	mutex_lock(&group->mutex);
	if (group->owner)
		len = snprintf(buf, SIO_SYSFS_BUF_SIZE, "user\n");
	else if (group->owner_cnt)
		len = snprintf(buf, SIO_SYSFS_BUF_SIZE, "dma-api\n");
	else
		len = snprintf(buf, SIO_SYSFS_BUF_SIZE, "none\n");
	mutex_unlock(&group->mutex);
	return len;
}

static ssize_t debug_show_domain(void *priv, char *buf)
{
	struct iommu_group *group = priv;
	const char *role;
	ssize_t len;

	mutex_lock(&group->mutex);
	if (!group->domain) {
		len = snprintf(buf, SIO_SYSFS_BUF_SIZE, "none\n");
		goto out;
	}
	if (group->domain == group->default_domain)
		role = "default";
	else if (group->domain == group->blocking_domain)
		role = "blocking";
	else
		role = "external";
	len = snprintf(buf, SIO_SYSFS_BUF_SIZE, "%s %s\n",
		       iommu_domain_type_name(group->domain->type), role);
out:
	mutex_unlock(&group->mutex);
	return len;
}

static const struct sio_attribute debug_attr_owner_cnt = {
	.name = "owner_cnt", .mode = 0444, .show = debug_show_owner_cnt,
};
static const struct sio_attribute debug_attr_owner = {
	.name = "owner", .mode = 0444, .show = debug_show_owner,
};
static const struct sio_attribute debug_attr_domain = {
	.name = "domain", .mode = 0444, .show = debug_show_domain,
};
static const struct sio_attribute *const iommu_group_debug_attrs[] = {
	&debug_attr_owner_cnt, &debug_attr_owner, &debug_attr_domain, NULL,
};

/**
 * iommu_group_sysfs_add() - create the group's directories and files
 * Context: may sleep; no group lock needed (the group is not public yet).
 * Return: 0 or the sysfs error (nothing left behind).
 */
int iommu_group_sysfs_add(struct iommu_group *group)
{
	struct iommu_subsys *s = group->subsys;
	struct sio_sysfs_node *n;
	int ret;

	if (!s->groups_kobj)
		return 0;
	n = sio_sysfs_mkdir(s->groups_kobj, group->name, group);
	if (IS_ERR(n))
		return PTR_ERR(n);
	group->kobj = n;
	ret = sio_sysfs_create_files(n, iommu_group_attrs);
	if (ret)
		goto err_remove;
	n = sio_sysfs_mkdir(group->kobj, "devices", group);
	if (IS_ERR(n)) {
		ret = PTR_ERR(n);
		goto err_remove;
	}
	group->devices_kobj = n;

	n = sio_sysfs_mkdir(s->debug_kobj, group->name, group);
	if (IS_ERR(n)) {
		ret = PTR_ERR(n);
		goto err_remove;
	}
	group->debug_kobj = n;
	ret = sio_sysfs_create_files(n, iommu_group_debug_attrs);
	if (ret)
		goto err_remove;
	return 0;

err_remove:
	iommu_group_sysfs_remove(group);
	return ret;
}

/**
 * iommu_group_sysfs_remove() - remove @group's sysfs nodes
 * @group: the group (nodes never created are skipped)
 *
 * Context: may sleep: waits for callbacks running on the nodes, so no group
 * mutex may be held.
 */
void iommu_group_sysfs_remove(struct iommu_group *group)
{
	if (group->debug_kobj)
		sio_sysfs_remove(group->debug_kobj);
	if (group->devices_kobj)
		sio_sysfs_remove(group->devices_kobj);
	if (group->kobj)
		sio_sysfs_remove(group->kobj);
	group->debug_kobj = NULL;
	group->devices_kobj = NULL;
	group->kobj = NULL;
}

/**
 * iommu_subsys_sysfs_init() - create /sys/kernel/iommu_groups and
 * /sys/kernel/debug/iommu/groups for the machine
 * @s: the machine's core state (a machine without sysfs gets nothing)
 *
 * Context: may sleep; from iommu_subsys_init().
 * Return: 0, or the sysfs error with nothing left behind.
 */
int iommu_subsys_sysfs_init(struct iommu_subsys *s)
{
	struct sio_sysfs *fs = s->machine->sysfs;
	struct sio_sysfs_node *n;

	if (!fs)
		return 0;
	n = sio_sysfs_mkdir_p(fs, "/sys/kernel/iommu_groups");
	if (IS_ERR(n))
		return PTR_ERR(n);
	s->groups_kobj = n;
	n = sio_sysfs_mkdir_p(fs, "/sys/kernel/debug/iommu");
	if (IS_ERR(n))
		goto err;
	s->debug_root = n;
	n = sio_sysfs_mkdir(s->debug_root, "groups", NULL);
	if (IS_ERR(n))
		goto err;
	s->debug_kobj = n;
	return 0;
err:
	iommu_subsys_sysfs_exit(s);
	return PTR_ERR(n);
}

/**
 * iommu_subsys_sysfs_exit() - remove what iommu_subsys_sysfs_init() made
 * @s: the machine's core state
 *
 * Context: may sleep (waits for running callbacks); no core lock held.
 */
void iommu_subsys_sysfs_exit(struct iommu_subsys *s)
{
	if (s->debug_root)
		sio_sysfs_remove(s->debug_root);
	if (s->groups_kobj)
		sio_sysfs_remove(s->groups_kobj);
	s->debug_root = NULL;
	s->debug_kobj = NULL;
	s->groups_kobj = NULL;
}
