// SPDX-License-Identifier: BSD-3-Clause
/*
 * VFIO-like passthrough driver kinds and user DMA ownership on top of the
 * IOMMU core's ownership API (spec §3).
 * Kernel counterpart: drivers/vfio/vfio_main.c, drivers/vfio/group.c,
 *                    drivers/pci/pci-stub.c
 */
#include "user/vfio.h"
#include <softiommu/iommu.h>
#include <softiommu/iommu-driver.h>
#include "mem/phys-mem.h"

/*
 * Per bound device; dev->driver_data.  Every field is protected by the
 * device lock (device_lock), which nests outside the IOMMU group mutex.
 */
struct sio_vfio_device {
	struct sio_device *dev;
	bool open;
	void *cookie;
	struct iommu_domain *domain;	/* user paging domain, while attached */
};

/**
 * sio_vfio_probe() - bind the passthrough driver (driver_managed_dma)
 * @dev: the device
 *
 * The bus dma_configure did not count a default-domain use: ownership is
 * claimed only when a user opens the device.
 * Context: device lock held.
 * Return: 0 or -ENOMEM.
 */
int sio_vfio_probe(struct sio_device *dev)
{
	struct sio_vfio_device *vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);

	if (!vdev)
		return -ENOMEM;
	vdev->dev = dev;
	dev->driver_data = vdev;
	dev_info(dev, "vfio: ready for user ownership");
	return 0;
}

static void vfio_detach_locked(struct sio_vfio_device *vdev)
{
	struct iommu_group *group = iommu_group_get(vdev->dev);

	if (group) {
		iommu_detach_group(vdev->domain, group);
		iommu_group_put(group);
	}
	iommu_domain_free(vdev->domain);
	vdev->domain = NULL;
}

static void vfio_close_locked(struct sio_vfio_device *vdev)
{
	if (vdev->domain)
		vfio_detach_locked(vdev);
	iommu_device_release_dma_owner(vdev->dev);
	vdev->open = false;
	vdev->cookie = NULL;
	dev_info(vdev->dev, "vfio: user ownership released");
}

/**
 * sio_vfio_remove() - unbind; a device still open is closed first (the real
 * VFIO waits for the user to close instead)
 * @dev: the device
 *
 * Context: device lock held.
 */
void sio_vfio_remove(struct sio_device *dev)
{
	struct sio_vfio_device *vdev = dev->driver_data;

	if (!vdev)
		return;
	if (vdev->open) {
		dev_warn(dev, "vfio: unbound while open, closing the user's device");
		vfio_close_locked(vdev);
	}
	dev->driver_data = NULL;
	kfree(vdev);
}

/**
 * sio_stub_probe() - bind pci-stub: driver_managed_dma, it only keeps other
 * drivers off the device and never claims DMA ownership
 * @dev: the device
 *
 * Context: device lock held.
 * Return: 0.
 */
int sio_stub_probe(struct sio_device *dev)
{
	dev_info(dev, "claimed by %s", dev->driver ? dev->driver->name : "stub");
	return 0;
}

/**
 * sio_stub_remove() - unbind pci-stub (nothing to undo)
 * @dev: the device
 *
 * Context: device lock held.
 */
void sio_stub_remove(struct sio_device *dev)
{
}

/* Return the vfio state of @dev with its device lock held, or ERR_PTR. */
static struct sio_vfio_device *vfio_lock(struct sio_device *dev)
{
	sio_device_lock(dev);
	if (!dev->driver || dev->driver->probe != sio_vfio_probe ||
	    !dev->driver_data) {
		sio_device_unlock(dev);
		return ERR_PTR(-ENODEV);
	}
	return dev->driver_data;
}

/**
 * sio_vfio_open() - a user opens @dev: claim its DMA ownership with @cookie
 * @dev: a device bound to a "vfio" driver
 * @cookie: the owner (devices of one group opened with the same cookie
 *	share the claim)
 *
 * Context: may sleep; takes the device lock, then the IOMMU group mutex.
 * Return: 0; -ENODEV (not bound to a vfio driver, or no group); -EBUSY
 * (already open, or an external domain or PASIDs on the group); -EPERM
 * (DMA-API drivers bound in the group, or another owner); the blocking
 * domain's error.
 */
int sio_vfio_open(struct sio_device *dev, void *cookie)
{
	struct sio_vfio_device *vdev = vfio_lock(dev);
	int ret;

	if (IS_ERR(vdev))
		return (int)PTR_ERR(vdev);
	if (vdev->open) {
		ret = -EBUSY;
		goto unlock;
	}
	ret = iommu_device_claim_dma_owner(dev, cookie);
	if (ret) {
		dev_info(dev, "vfio: claiming DMA ownership failed: %s",
			 sio_errno_name(ret));
		goto unlock;
	}
	vdev->open = true;
	vdev->cookie = cookie;
	dev_info(dev, "vfio: opened, user owns DMA");
unlock:
	sio_device_unlock(dev);
	return ret;
}

/**
 * sio_vfio_close() - the user closes @dev: detach and free its user domain,
 * release DMA ownership
 * @dev: a device bound to a "vfio" driver
 *
 * Context: may sleep; takes the device lock, then the IOMMU group mutex.
 * Return: 0; -ENODEV (not bound to a vfio driver); -EBADF (not open).
 */
int sio_vfio_close(struct sio_device *dev)
{
	struct sio_vfio_device *vdev = vfio_lock(dev);
	int ret = 0;

	if (IS_ERR(vdev))
		return (int)PTR_ERR(vdev);
	if (!vdev->open)
		ret = -EBADF;
	else
		vfio_close_locked(vdev);
	sio_device_unlock(dev);
	return ret;
}

/**
 * sio_vfio_attach() - allocate a user paging domain and attach @dev's group
 * to it
 * @dev: an open device
 *
 * Context: may sleep; takes the device lock, then the IOMMU group mutex.
 * Return: 0; -ENODEV (not bound to a vfio driver, or no group); -EBADF (not
 * open); -EBUSY (a user domain is already attached); the core's allocation
 * or attach error (-EINVAL, -ENOMEM, ...).
 */
int sio_vfio_attach(struct sio_device *dev)
{
	struct sio_vfio_device *vdev = vfio_lock(dev);
	struct iommu_group *group;
	struct iommu_domain *domain;
	int ret;

	if (IS_ERR(vdev))
		return (int)PTR_ERR(vdev);
	ret = -EBADF;
	if (!vdev->open)
		goto unlock;
	ret = -EBUSY;
	if (vdev->domain)
		goto unlock;
	ret = -ENODEV;
	group = iommu_group_get(dev);
	if (!group)
		goto unlock;
	domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(domain)) {
		ret = (int)PTR_ERR(domain);
		goto put_group;
	}
	ret = iommu_attach_group(domain, group);
	if (ret) {
		iommu_domain_free(domain);
		goto put_group;
	}
	vdev->domain = domain;
	dev_info(dev, "vfio: user paging domain attached");
put_group:
	iommu_group_put(group);
unlock:
	sio_device_unlock(dev);
	return ret;
}

/**
 * sio_vfio_detach() - detach @dev's group from its user domain and free it
 * @dev: an open device
 *
 * Context: may sleep; takes the device lock, then the IOMMU group mutex.
 * Return: 0; -ENODEV (not bound to a vfio driver); -EBADF (not open);
 * -ENOENT (no user domain).
 */
int sio_vfio_detach(struct sio_device *dev)
{
	struct sio_vfio_device *vdev = vfio_lock(dev);
	int ret = 0;

	if (IS_ERR(vdev))
		return (int)PTR_ERR(vdev);
	if (!vdev->open)
		ret = -EBADF;
	else if (!vdev->domain)
		ret = -ENOENT;
	else
		vfio_detach_locked(vdev);
	sio_device_unlock(dev);
	return ret;
}

/*
 * What VFIO type1 and iommufd check before they touch the IOMMU: a
 * non-empty range that does not wrap, aligned to the domain's smallest page,
 * inside the domain's aperture (the kernel's io-pgtable and drivers WARN
 * beyond it: a user must get -EINVAL, never a kernel WARN).
 */
static int vfio_iova_range_ok(const struct iommu_domain *domain,
			      unsigned long iova, size_t size)
{
	const struct iommu_domain_geometry *geo = &domain->geometry;
	unsigned long min_pgsize;
	u64 last;

	if (!size || !domain->pgsize_bitmap)
		return -EINVAL;
	last = (u64)iova + size - 1;
	if (last < iova)
		return -EINVAL;
	min_pgsize = 1UL << __ffs(domain->pgsize_bitmap);
	if ((iova | size) & (min_pgsize - 1))
		return -EINVAL;
	if (iova < geo->aperture_start || last > geo->aperture_end)
		return -EINVAL;
	return 0;
}

/**
 * sio_vfio_map() - map [@iova, +@size) to @paddr in @dev's user domain
 * @dev: an open device with a user domain
 * @iova: I/O virtual address
 * @paddr: physical address
 * @size: bytes
 * @prot: IOMMU_READ and/or IOMMU_WRITE, maybe more IOMMU_* bits
 *
 * The range is checked first, as VFIO and iommufd do, so a user never
 * reaches a driver or page-table WARN.
 *
 * Context: may sleep; takes the device lock, then the driver's map locks.
 * Return: 0; -ENODEV (not bound to a vfio driver); -EBADF (not open);
 * -ENOENT (no user domain); -EINVAL (no READ/WRITE in @prot, empty,
 * wrapping or misaligned range, or outside the domain's aperture);
 * -EFAULT (@paddr range not in the machine's RAM, when it has RAM: nothing
 * a user could have pinned); iommu_map()'s error.
 */
int sio_vfio_map(struct sio_device *dev, unsigned long iova, u64 paddr,
		 size_t size, int prot)
{
	struct sio_vfio_device *vdev = vfio_lock(dev);
	struct sio_phys_mem *mem;
	int ret;

	if (IS_ERR(vdev))
		return (int)PTR_ERR(vdev);
	ret = -EBADF;
	if (!vdev->open)
		goto unlock;
	ret = -ENOENT;
	if (!vdev->domain)
		goto unlock;
	ret = -EINVAL;
	if (!(prot & (IOMMU_READ | IOMMU_WRITE)) || paddr + size - 1 < paddr)
		goto unlock;
	ret = vfio_iova_range_ok(vdev->domain, iova, size);
	if (ret)
		goto unlock;
	/*
	 * VFIO maps what it pinned: memory outside RAM cannot be pinned.  A
	 * machine without RAM (mock-only) has nothing to check against.
	 */
	mem = READ_ONCE(dev->machine->mem);
	ret = -EFAULT;
	if (mem && !sio_phys_range_valid(mem, paddr, size))
		goto unlock;
	ret = iommu_map(vdev->domain, iova, paddr, size, prot, GFP_KERNEL);
unlock:
	sio_device_unlock(dev);
	return ret;
}

/**
 * sio_vfio_unmap() - unmap [@iova, +@size) from @dev's user domain
 * @dev: an open device with a user domain
 * @iova: I/O virtual address
 * @size: bytes
 *
 * Context: may sleep; takes the device lock, then the driver's unmap locks.
 * Return: 0; -ENODEV (not bound to a vfio driver); -EBADF (not open);
 * -ENOENT (no user domain, or nothing mapped there); -EINVAL (empty,
 * wrapping or misaligned range, or outside the domain's aperture).
 */
int sio_vfio_unmap(struct sio_device *dev, unsigned long iova, size_t size)
{
	struct sio_vfio_device *vdev = vfio_lock(dev);
	int ret;

	if (IS_ERR(vdev))
		return (int)PTR_ERR(vdev);
	ret = -EBADF;
	if (!vdev->open)
		goto unlock;
	ret = -ENOENT;
	if (!vdev->domain)
		goto unlock;
	ret = vfio_iova_range_ok(vdev->domain, iova, size);
	if (ret)
		goto unlock;
	ret = iommu_unmap(vdev->domain, iova, size) ? 0 : -ENOENT;
unlock:
	sio_device_unlock(dev);
	return ret;
}

/**
 * sio_vfio_user_domain() - the user paging domain of an open device
 * @dev: a device bound to a "vfio" driver
 *
 * Context: takes the device lock.
 * Return: the domain; NULL if @dev is not bound to a vfio driver, not open
 * or has no user domain (a lookup).
 */
struct iommu_domain *sio_vfio_user_domain(struct sio_device *dev)
{
	struct sio_vfio_device *vdev = vfio_lock(dev);
	struct iommu_domain *d;

	if (IS_ERR(vdev))
		return NULL;
	d = vdev->open ? vdev->domain : NULL;
	sio_device_unlock(dev);
	return d;
}

/*
 * Legacy group opens (sio_vfio_group_open()).  The kernel's VFIO revokes a
 * group's user ownership (detaches its container) when the last device of
 * the group is unregistered, before the IOMMU core releases that device, so
 * the core never sees an owned group empty out.  Here a group can be opened
 * without any device bound to a vfio driver, so the revocation hangs off
 * the bus notifier instead (sio_vfio_bus_notifier()).
 *
 * vfio_groups_lock protects vfio_groups and every record on it.  It nests
 * inside bus->notifier_lock (the notifier) and outside the IOMMU group
 * mutex (it is held across the release of a claim).  Initialised once.
 */
struct vfio_group_open {
	struct list_head node;
	struct iommu_group *group;	/* holds a reference */
	struct sio_machine *machine;	/* the group's */
	bool revoked;			/* its last device left: claim dropped */
};

static struct mutex vfio_groups_lock;
static LIST_HEAD(vfio_groups);
static pthread_once_t vfio_groups_once = PTHREAD_ONCE_INIT;

static void vfio_groups_init(void)
{
	mutex_init(&vfio_groups_lock);
}

/* The open record of @group (a live one first).  vfio_groups_lock held. */
static struct vfio_group_open *__vfio_group_find(struct iommu_group *group)
{
	struct vfio_group_open *vg, *revoked = NULL;

	lockdep_assert_held(&vfio_groups_lock);
	list_for_each_entry(vg, &vfio_groups, node) {
		if (vg->group != group)
			continue;
		if (!vg->revoked)
			return vg;
		revoked = vg;
	}
	return revoked;
}

static int vfio_group_machine_fn(struct sio_device *dev, void *data)
{
	*(struct sio_machine **)data = dev->machine;
	return 1;
}

/**
 * sio_vfio_group_open() - the legacy VFIO group path: a user opens @group
 * and claims its DMA ownership
 * @group: the group
 * @cookie: the owner
 *
 * The claim lasts until sio_vfio_group_close(), or until the group's last
 * device is removed (then it is revoked first, as VFIO does).
 *
 * Context: may sleep; takes the IOMMU group mutex, then vfio_groups_lock.
 * Return: 0, -ENOMEM, or iommu_group_claim_dma_owner()'s error (-EINVAL,
 * -EPERM, -EBUSY, -ENODEV, the blocking domain's error).
 */
int sio_vfio_group_open(struct iommu_group *group, void *cookie)
{
	struct vfio_group_open *vg;
	int ret;

	pthread_once(&vfio_groups_once, vfio_groups_init);
	vg = kzalloc(sizeof(*vg), GFP_KERNEL);
	if (!vg)
		return -ENOMEM;
	ret = iommu_group_claim_dma_owner(group, cookie);
	if (ret) {
		kfree(vg);
		return ret;
	}
	/* A claimed group has a device (an empty one cannot be claimed). */
	iommu_group_for_each_dev(group, &vg->machine, vfio_group_machine_fn);
	vg->group = iommu_group_ref_get(group);
	mutex_lock(&vfio_groups_lock);
	list_add_tail(&vg->node, &vfio_groups);
	mutex_unlock(&vfio_groups_lock);
	pr_info("vfio: iommu group %d: opened, user owns DMA",
		iommu_group_id(group));
	return 0;
}

/**
 * sio_vfio_group_close() - undo sio_vfio_group_open()
 * @group: the group
 *
 * A claim revoked because the group's last device went is not released
 * again.  A group this layer did not open is released anyway (the core
 * WARNs if it is not owned), as before.
 *
 * Context: may sleep; takes vfio_groups_lock, then the IOMMU group mutex.
 */
void sio_vfio_group_close(struct iommu_group *group)
{
	struct vfio_group_open *vg;

	if (!group)
		return;
	pthread_once(&vfio_groups_once, vfio_groups_init);
	mutex_lock(&vfio_groups_lock);
	vg = __vfio_group_find(group);
	if (vg)
		list_del(&vg->node);
	if (!vg || !vg->revoked)
		iommu_group_release_dma_owner(group);
	mutex_unlock(&vfio_groups_lock);
	pr_info("vfio: iommu group %d: user ownership released",
		iommu_group_id(group));
	if (vg) {
		iommu_group_put(vg->group);
		kfree(vg);
	}
}

/**
 * sio_vfio_bus_notifier() - a bus notifier (priority
 * SIO_VFIO_NOTIFIER_PRIORITY, so it runs before the IOMMU core's): when a
 * removed device is the last one of a group a user opened, the user's
 * claim is revoked before the core releases the device
 * @nb: the notifier block
 * @action: enum sio_bus_notify
 * @data: the device
 *
 * Context: bus->notifier_lock held; takes vfio_groups_lock, then the IOMMU
 * group mutex.
 * Return: NOTIFY_DONE.
 */
int sio_vfio_bus_notifier(struct sio_notifier_block *nb, unsigned long action,
			  void *data)
{
	struct sio_iommu_group_info info;
	struct sio_device *dev = data;
	struct vfio_group_open *vg;
	struct iommu_group *group;

	(void)nb;
	if (action != SIO_BUS_NOTIFY_REMOVED_DEVICE)
		return NOTIFY_DONE;
	group = iommu_group_get(dev);
	if (!group)
		return NOTIFY_DONE;
	pthread_once(&vfio_groups_once, vfio_groups_init);
	mutex_lock(&vfio_groups_lock);
	vg = __vfio_group_find(group);
	if (vg && !vg->revoked && !sio_iommu_group_get_info(group, &info) &&
	    info.num_devices == 1) {
		/* The kernel's vfio_device_remove_group(): detach first. */
		iommu_group_release_dma_owner(group);
		vg->revoked = true;
		pr_info("vfio: iommu group %d: last device %s removed, user ownership revoked",
			iommu_group_id(group), sio_dev_name(dev));
	}
	mutex_unlock(&vfio_groups_lock);
	iommu_group_put(group);
	return NOTIFY_DONE;
}

/**
 * sio_vfio_machine_exit() - forget the group opens of @m (its devices are
 * gone, so every one of them was revoked)
 * @m: the machine being destroyed, before its IOMMU core state goes
 *
 * Context: may sleep; takes vfio_groups_lock; puts groups without it.
 */
void sio_vfio_machine_exit(struct sio_machine *m)
{
	struct vfio_group_open *vg, *tmp;
	LIST_HEAD(gone);

	pthread_once(&vfio_groups_once, vfio_groups_init);
	mutex_lock(&vfio_groups_lock);
	list_for_each_entry_safe(vg, tmp, &vfio_groups, node)
		if (vg->machine == m)
			list_move_tail(&vg->node, &gone);
	mutex_unlock(&vfio_groups_lock);
	list_for_each_entry_safe(vg, tmp, &gone, node) {
		WARN_ON(!vg->revoked);
		list_del(&vg->node);
		iommu_group_put(vg->group);
		kfree(vg);
	}
}
