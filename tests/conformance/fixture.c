// SPDX-License-Identifier: BSD-3-Clause
/*
 * Shared test fixture for the IOMMU core tests: machine, PCI bus, IOMMU
 * instances per driver kind, devices, test drivers, state snapshots.
 */
#include "fixture.h"

int fx_dma_probe_calls, fx_dma_remove_calls;
int fx_vfio_probe_calls, fx_vfio_remove_calls;

static const char *const fx_ids[] = { "fx,dev", NULL };

static int fx_dma_probe(struct sio_device *dev)
{
	__atomic_add_fetch(&fx_dma_probe_calls, 1, __ATOMIC_RELAXED);
	return 0;
}

static void fx_dma_remove(struct sio_device *dev)
{
	__atomic_add_fetch(&fx_dma_remove_calls, 1, __ATOMIC_RELAXED);
}

static int fx_vfio_probe(struct sio_device *dev)
{
	__atomic_add_fetch(&fx_vfio_probe_calls, 1, __ATOMIC_RELAXED);
	return 0;
}

static void fx_vfio_remove(struct sio_device *dev)
{
	__atomic_add_fetch(&fx_vfio_remove_calls, 1, __ATOMIC_RELAXED);
}

bool fx_is_mock(const struct fx *fx)
{
	return fx->kind == FX_KIND_MOCK;
}

void fx_smmu_config_default(struct fx_smmu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	sio_hw_smmu_config_default(&cfg->hw);
	cfg->drv.check_iotlb = true;
}

struct iommu_device *fx_smmu_create(struct sio_machine *m, const char *name,
				    const struct fx_smmu_config *cfg)
{
	struct fx_smmu_config def;
	struct sio_hw_smmu_config hwcfg;
	struct iommu_device *iommu;
	struct sio_hw_smmu *hw;

	if (!cfg) {
		fx_smmu_config_default(&def);
		cfg = &def;
	}
	hwcfg = cfg->hw;
	hwcfg.name = name;
	hw = sio_hw_smmu_add(m, &hwcfg);
	if (IS_ERR(hw))
		return ERR_CAST(hw);
	iommu = smmu_iommu_create(m, name, &cfg->drv);
	if (IS_ERR(iommu))
		sio_hw_smmu_remove(m, hw);
	return iommu;
}

void fx_smmu_destroy(struct sio_machine *m, struct iommu_device *iommu)
{
	struct sio_hw_smmu *hw = smmu_iommu_hw(iommu);

	smmu_iommu_destroy(iommu);
	sio_hw_smmu_remove(m, hw);
}

struct iommu_device *fx_iommu_create(struct fx *fx, const char *name,
				     const struct mock_iommu_config *cfg)
{
	struct iommu_device *iommu;

	if (fx->niommus >= FX_MAX_IOMMUS)
		return ERR_PTR(-ENOSPC);
	switch (fx->kind) {
	case FX_KIND_MOCK:
		iommu = mock_iommu_create(fx->m, name, cfg);
		break;
	case FX_KIND_SMMU:
		/* The mock config's knobs do not apply; the checker is on. */
		iommu = fx_smmu_create(fx->m, name, NULL);
		break;
	default:
		return ERR_PTR(-EINVAL);
	}
	if (!IS_ERR(iommu))
		fx->iommus[fx->niommus++] = iommu;
	return iommu;
}

void fx_iommu_destroy(struct fx *fx, struct iommu_device *iommu)
{
	unsigned int i;

	for (i = 0; i < fx->niommus; i++) {
		if (fx->iommus[i] != iommu)
			continue;
		fx->iommus[i] = fx->iommus[--fx->niommus];
		fx->iommus[fx->niommus] = NULL;
		if (fx->iommu == iommu)
			fx->iommu = NULL;
		switch (fx->kind) {
		case FX_KIND_MOCK:
			mock_iommu_destroy(iommu);
			break;
		case FX_KIND_SMMU:
			fx_smmu_destroy(fx->m, iommu);
			break;
		}
		return;
	}
}

int fx_init(struct fx *fx, enum fx_kind kind, bool no_iommu)
{
	struct iommu_device *iommu;
	int ret;

	memset(fx, 0, sizeof(*fx));
	fx->kind = kind;
	fx->next_sid = 0x10;
	fx->m = sio_machine_alloc("fx");
	if (IS_ERR_OR_NULL(fx->m)) {
		ret = fx->m ? (int)PTR_ERR(fx->m) : -ENOMEM;
		fx->m = NULL;
		return ret;
	}
	if (kind == FX_KIND_SMMU) {
		fx->mem = sio_phys_mem_create(0, 0);
		if (IS_ERR(fx->mem)) {
			ret = (int)PTR_ERR(fx->mem);
			fx->mem = NULL;
			return ret;
		}
		fx->m->mem = fx->mem;
	}
	ret = iommu_subsys_init(fx->m);
	if (ret)
		return ret;
	fx->pci = sio_bus_register(fx->m, &sio_pci_bus_type);
	if (IS_ERR_OR_NULL(fx->pci)) {
		ret = fx->pci ? (int)PTR_ERR(fx->pci) : -ENOMEM;
		fx->pci = NULL;
		return ret;
	}
	ret = iommu_bus_init(fx->pci);
	if (ret)
		return ret;
	/* Tests bind explicitly. */
	fx->pci->drivers_autoprobe = false;

	fx->dma_drv.name = "fx-dma";
	fx->dma_drv.ids = fx_ids;
	fx->dma_drv.probe = fx_dma_probe;
	fx->dma_drv.remove = fx_dma_remove;
	fx->vfio_drv.name = "fx-vfio";
	fx->vfio_drv.ids = fx_ids;
	fx->vfio_drv.probe = fx_vfio_probe;
	fx->vfio_drv.remove = fx_vfio_remove;
	fx->vfio_drv.driver_managed_dma = true;
	ret = sio_driver_register(fx->pci, &fx->dma_drv);
	if (ret)
		return ret;
	ret = sio_driver_register(fx->pci, &fx->vfio_drv);
	if (ret) {
		sio_driver_unregister(&fx->dma_drv);
		return ret;
	}
	fx->drivers_registered = true;

	if (!no_iommu) {
		iommu = fx_iommu_create(fx, "iommu0", NULL);
		if (IS_ERR(iommu))
			return (int)PTR_ERR(iommu);
		fx->iommu = iommu;
	}
	return 0;
}

void fx_fini(struct fx *fx)
{
	if (!fx->m)
		return;
	while (fx->ndevs)
		fx_del_dev(fx, fx->devs[fx->ndevs - 1]);
	if (fx->drivers_registered) {
		sio_driver_unregister(&fx->vfio_drv);
		sio_driver_unregister(&fx->dma_drv);
		fx->drivers_registered = false;
	}
	while (fx->niommus)
		fx_iommu_destroy(fx, fx->iommus[fx->niommus - 1]);
	if (fx->pci)
		iommu_bus_exit(fx->pci);
	iommu_subsys_exit(fx->m);
	sio_machine_free(fx->m);
	fx->m = NULL;
	if (fx->mem) {
		sio_phys_mem_destroy(fx->mem);
		fx->mem = NULL;
	}
}

static void fx_dev_release(struct sio_device *dev)
{
	kfree(dev);
}

struct sio_device *fx_dev_alloc(struct fx *fx, const char *name,
				const char *iommu, const char *alias)
{
	struct sio_device *dev;

	dev = sio_kmalloc_nofail_inject(sizeof(*dev), GFP_KERNEL | __GFP_ZERO,
					__func__);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	sio_device_initialize(dev, fx->pci, name);
	dev->release = fx_dev_release;
	snprintf(dev->compatible, sizeof(dev->compatible), "fx,dev");
	if (iommu && iommu[0]) {
		snprintf(dev->fw.iommu, sizeof(dev->fw.iommu), "%s", iommu);
		dev->fw.ids[0] = fx->next_sid++;
		dev->fw.num_ids = 1;
	}
	if (alias)
		snprintf(dev->fw.alias, sizeof(dev->fw.alias), "%s", alias);
	dev->dma_mask = ~0ULL;
	return dev;
}

int fx_dev_add(struct fx *fx, struct sio_device *dev)
{
	int ret;

	if (fx->ndevs >= FX_MAX_DEVS) {
		sio_put_device(dev);
		return -ENOSPC;
	}
	ret = sio_device_add(dev);
	if (ret) {
		sio_put_device(dev);
		return ret;
	}
	fx->devs[fx->ndevs++] = dev;
	return 0;
}

struct sio_device *fx_add_dev(struct fx *fx, const char *name,
			      const char *iommu, const char *alias)
{
	struct sio_device *dev = fx_dev_alloc(fx, name, iommu, alias);
	int ret;

	if (IS_ERR(dev))
		return dev;
	ret = fx_dev_add(fx, dev);
	return ret ? ERR_PTR(ret) : dev;
}

void fx_del_dev(struct fx *fx, struct sio_device *dev)
{
	unsigned int i;

	for (i = 0; i < fx->ndevs; i++) {
		if (fx->devs[i] != dev)
			continue;
		memmove(&fx->devs[i], &fx->devs[i + 1],
			(fx->ndevs - i - 1) * sizeof(fx->devs[0]));
		fx->ndevs--;
		sio_device_unregister(dev);
		return;
	}
}

int fx_bind_dma(struct fx *fx, struct sio_device *dev)
{
	return sio_device_driver_attach(&fx->dma_drv, dev);
}

int fx_bind_vfio(struct fx *fx, struct sio_device *dev)
{
	return sio_device_driver_attach(&fx->vfio_drv, dev);
}

void fx_unbind(struct sio_device *dev)
{
	sio_device_release_driver(dev);
}

struct iommu_group *fx_group(struct sio_device *dev)
{
	struct iommu_group *group = iommu_group_get(dev);

	/* The device's own reference keeps it alive while dev is in it. */
	iommu_group_put(group);
	return group;
}

int fx_group_info(struct sio_device *dev, struct sio_iommu_group_info *info)
{
	struct iommu_group *group = iommu_group_get(dev);
	int ret;

	memset(info, 0, sizeof(*info));
	if (!group)
		return -ENODEV;
	ret = sio_iommu_group_get_info(group, info);
	iommu_group_put(group);
	return ret;
}

unsigned int fx_owner_cnt(struct sio_device *dev)
{
	struct sio_iommu_group_info gi;

	fx_group_info(dev, &gi);
	return gi.owner_cnt;
}

struct iommu_domain *fx_group_domain(struct sio_device *dev)
{
	struct sio_iommu_group_info gi;

	fx_group_info(dev, &gi);
	return gi.domain;
}

struct iommu_domain *fx_default_domain(struct sio_device *dev)
{
	struct sio_iommu_group_info gi;

	fx_group_info(dev, &gi);
	return gi.default_domain;
}

struct iommu_domain *fx_blocking_domain(struct sio_device *dev)
{
	struct sio_iommu_group_info gi;

	fx_group_info(dev, &gi);
	return gi.blocking_domain;
}

struct iommu_domain *fx_hw_domain(struct fx *fx, struct sio_device *dev)
{
	switch (fx->kind) {
	case FX_KIND_MOCK:
		return mock_dev_attached_domain(dev);
	case FX_KIND_SMMU:
		return smmu_dev_attached_domain(dev);
	}
	return NULL;
}

unsigned long fx_warns(void)
{
	return sio_warn_count();
}

void fx_snap_take(struct fx *fx, struct fx_snap *s)
{
	struct mock_iommu_stats st;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->ndevs = fx->ndevs;
	for (i = 0; i < fx->ndevs; i++) {
		s->d[i].dev = fx->devs[i];
		s->d[i].has_group = !fx_group_info(fx->devs[i], &s->d[i].gi);
		s->d[i].hw = fx_hw_domain(fx, fx->devs[i]);
	}
	for (i = 0; i < fx->niommus; i++) {
		if (fx_is_mock(fx)) {
			mock_iommu_get_stats(fx->iommus[i], &st);
			s->domains_live[i] = st.domains_live;
		}
	}
	/* Objects freed after a grace period (xarray nodes) are gone first. */
	rcu_barrier();
	s->alloc_live = sio_alloc_live();
}

bool fx_snap_same(struct fx *fx, const struct fx_snap *s, char *buf,
		  size_t len)
{
	struct fx_snap now;
	char dummy[8];

	if (!buf) {
		buf = dummy;
		len = sizeof(dummy);
	}
	unsigned int i;

	fx_snap_take(fx, &now);
	if (now.ndevs != s->ndevs) {
		snprintf(buf, len, "device count %u -> %u", s->ndevs, now.ndevs);
		return false;
	}
	for (i = 0; i < s->ndevs; i++) {
		const struct sio_iommu_group_info *a = &s->d[i].gi, *b = &now.d[i].gi;
		const char *n = s->d[i].dev->name;

		if (s->d[i].has_group != now.d[i].has_group) {
			snprintf(buf, len, "%s: has group %d -> %d", n,
				 s->d[i].has_group, now.d[i].has_group);
			return false;
		}
		if (a->id != b->id || a->owner_cnt != b->owner_cnt ||
		    a->owner != b->owner || a->domain != b->domain ||
		    a->default_domain != b->default_domain ||
		    a->num_devices != b->num_devices ||
		    a->num_pasids != b->num_pasids) {
			snprintf(buf, len,
				 "%s: group %d->%d owner_cnt %u->%u owner %p->%p domain %p->%p default %p->%p devices %u->%u pasids %u->%u",
				 n, a->id, b->id, a->owner_cnt, b->owner_cnt,
				 a->owner, b->owner, (void *)a->domain,
				 (void *)b->domain, (void *)a->default_domain,
				 (void *)b->default_domain, a->num_devices,
				 b->num_devices, a->num_pasids, b->num_pasids);
			return false;
		}
		if (s->d[i].hw != now.d[i].hw) {
			snprintf(buf, len, "%s: hardware domain %p -> %p", n,
				 (void *)s->d[i].hw, (void *)now.d[i].hw);
			return false;
		}
	}
	for (i = 0; i < FX_MAX_IOMMUS; i++) {
		if (s->domains_live[i] != now.domains_live[i]) {
			snprintf(buf, len, "iommu %u: live domains %lu -> %lu", i,
				 s->domains_live[i], now.domains_live[i]);
			return false;
		}
	}
	if (s->alloc_live != now.alloc_live) {
		snprintf(buf, len, "live allocations %ld -> %ld", s->alloc_live,
			 now.alloc_live);
		return false;
	}
	return true;
}

static int fx_group_type_path(struct sio_device *dev, char *path, size_t len)
{
	struct iommu_group *group = iommu_group_get(dev);
	int id;

	if (!group)
		return -ENODEV;
	id = iommu_group_id(group);
	iommu_group_put(group);
	snprintf(path, len, "/sys/kernel/iommu_groups/%d/type", id);
	return 0;
}

ssize_t fx_group_type_write(struct fx *fx, struct sio_device *dev,
			    const char *type)
{
	char path[128];
	int ret = fx_group_type_path(dev, path, sizeof(path));

	if (ret)
		return ret;
	return sio_sysfs_write(fx->m->sysfs, path, type, strlen(type));
}

ssize_t fx_group_type_read(struct fx *fx, struct sio_device *dev, char *buf,
			   size_t len)
{
	char path[128];
	ssize_t n;
	int ret = fx_group_type_path(dev, path, sizeof(path));

	if (ret)
		return ret;
	n = sio_sysfs_read(fx->m->sysfs, path, buf, len - 1);
	if (n >= 0) {
		buf[n] = 0;
		while (n > 0 && buf[n - 1] == '\n')
			buf[--n] = 0;
	}
	return n;
}
