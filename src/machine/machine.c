// SPDX-License-Identifier: BSD-3-Clause
/*
 * Machine assembly: turns declarations (buses, IOMMU instances, devices with
 * their firmware description, built-in drivers) into device-model and IOMMU
 * objects, and tears everything down again without leaks.  The IOMMU driver
 * kinds and the driver kinds are explicit tables below.
 */
#include <string.h>
#include "machine/machine-priv.h"
#include "bus/bus.h"
#include "core/subsys.h"
#include "drivers/mock/mock.h"
#include "drivers/smmu/smmu.h"
#include "user/vfio.h"
#include "endpoints/dma-endpoints.h"
#include "mem/phys-mem.h"

/* ---- IOMMU driver kinds (add new drivers here) ---- */

/*
 * @create gets the SMMU options of the declaration (NULL for defaults) and
 * the instance record (for per-instance files); @destroy undoes it.
 */
struct machine_iommu_kind {
	const char *name;
	struct iommu_device *(*create)(struct sio_machine *m,
				       const struct machine_iommu_kind *kind,
				       const struct sio_iommu_decl *decl,
				       const struct sio_smmu_decl *smmu,
				       struct machine_iommu *mi);
	void (*destroy)(struct machine_iommu *mi);
	unsigned int mock_flags;
};

static struct iommu_device *mock_kind_create(struct sio_machine *m,
					     const struct machine_iommu_kind *kind,
					     const struct sio_iommu_decl *decl,
					     const struct sio_smmu_decl *smmu,
					     struct machine_iommu *mi)
{
	struct mock_iommu_config cfg = {
		.pgsize_bitmap = decl->pgsize_bitmap,
		.max_pasids = decl->max_pasids,
		.flags = kind->mock_flags,
		.def_domain_type = decl->def_domain_type,
	};

	(void)smmu;
	(void)mi;
	if (decl->flags & SIO_IOMMU_DECL_NO_IDENTITY)
		cfg.flags |= MOCK_IOMMU_F_NO_IDENTITY;
	if (decl->flags & SIO_IOMMU_DECL_NO_BLOCKED)
		cfg.flags |= MOCK_IOMMU_F_NO_BLOCKED;
	if (decl->flags & SIO_IOMMU_DECL_SINGLE_GROUP)
		cfg.flags |= MOCK_IOMMU_F_SINGLE_GROUP;
	if (decl->flags & SIO_IOMMU_DECL_DEFERRED_ATTACH)
		cfg.flags |= MOCK_IOMMU_F_DEFERRED_ATTACH;
	if (decl->flags & SIO_IOMMU_DECL_LEGACY_DEFAULT)
		cfg.flags |= MOCK_IOMMU_F_LEGACY_DEFAULT;
	return mock_iommu_create(m, decl->name, &cfg);
}

static void mock_kind_destroy(struct machine_iommu *mi)
{
	mock_iommu_destroy(mi->iommu);
}

static struct iommu_device *smmu_kind_create(struct sio_machine *m,
					     const struct machine_iommu_kind *kind,
					     const struct sio_iommu_decl *decl,
					     const struct sio_smmu_decl *smmu,
					     struct machine_iommu *mi)
{
	(void)kind;
	return machine_smmu_create(m, decl, smmu, mi);
}

static const struct machine_iommu_kind machine_iommu_kinds[] = {
	{ "mock", mock_kind_create, mock_kind_destroy, 0 },
	{ "mock2", mock_kind_create, mock_kind_destroy, MOCK_IOMMU_F_ALT_DRIVER },
	{ "smmu", smmu_kind_create, machine_smmu_destroy, 0 },
};

/**
 * machine_iommu_is_smmu() - whether @mi is of the "smmu" IOMMU kind
 * @mi: an instance record of the machine
 *
 * Context: any thread; takes no lock and does not sleep (@mi->kind is set
 * before the record is listed and never changes).
 * Return: true for an SMMU instance, false for a mock one.
 */
bool machine_iommu_is_smmu(const struct machine_iommu *mi)
{
	return mi->kind == &machine_iommu_kinds[2];
}

static const struct machine_iommu_kind *iommu_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(machine_iommu_kinds); i++)
		if (!strcmp(machine_iommu_kinds[i].name, name))
			return &machine_iommu_kinds[i];
	return NULL;
}

/**
 * sio_machine_iommu_kind_known() - see include/softiommu/machine.h
 * @kind: an IOMMU driver kind name ("mock", "mock2", "smmu"), or NULL
 *
 * Context: any thread; reads a constant table, takes no lock, does not
 * sleep.
 * Return: true if @kind names a built-in IOMMU driver kind; false for any
 * other name and for NULL.
 */
bool sio_machine_iommu_kind_known(const char *kind)
{
	return kind && iommu_kind_find(kind);
}

/* ---- driver kinds (add new built-in drivers here) ---- */

struct machine_driver_kind {
	const char *name;
	int (*probe)(struct sio_device *dev);
	void (*remove)(struct sio_device *dev);
	bool driver_managed_dma;
};

static void machine_dev_release(struct sio_device *dev);

/* Our wrapper of @dev, or NULL for a device the machine did not create. */
static struct machine_dev *to_machine_dev(struct sio_device *dev)
{
	return dev->release == machine_dev_release ?
		container_of(dev, struct machine_dev, dev) : NULL;
}

/*
 * The "dma-api" kind: the NIC-like driver's probe, plus its DMA rings
 * (src/endpoints/nic-dma.c) when the machine has memory, so that scenarios
 * can move packets ("nic rx/tx").  Without memory nothing changes: the
 * mock-only scenarios see exactly the old driver.
 */
static int machine_nic_probe(struct sio_device *dev)
{
	struct machine_dev *md = to_machine_dev(dev);
	struct sio_nic_stats st;
	struct sio_nic_dma *nic;
	int ret;

	ret = sio_nic_probe(dev);
	if (ret || !md || !dev->machine->mem)
		return ret;
	/* The endpoint driver may already have set its rings up itself. */
	if (!sio_nic_get_stats(dev, &st))
		return 0;
	nic = sio_nic_dma_create(dev, NULL);
	if (IS_ERR(nic)) {
		dev_err(dev, "cannot set up DMA rings: %s",
			sio_errno_name((int)PTR_ERR(nic)));
		sio_nic_remove(dev);
		return (int)PTR_ERR(nic);
	}
	md->nic_dma = nic;
	return 0;
}

static void machine_nic_remove(struct sio_device *dev)
{
	struct machine_dev *md = to_machine_dev(dev);

	if (md && md->nic_dma) {
		sio_nic_dma_destroy(md->nic_dma);
		md->nic_dma = NULL;
	}
	sio_nic_remove(dev);
}

static const struct machine_driver_kind machine_driver_kinds[] = {
	{ "dma-api", machine_nic_probe, machine_nic_remove, false },
	{ "vfio", sio_vfio_probe, sio_vfio_remove, true },
	{ "stub", sio_stub_probe, sio_stub_remove, true },
};

static const struct machine_driver_kind *driver_kind_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(machine_driver_kinds); i++)
		if (!strcmp(machine_driver_kinds[i].name, name))
			return &machine_driver_kinds[i];
	return NULL;
}

/**
 * sio_machine_driver_kind_known() - see include/softiommu/machine.h
 * @kind: a driver kind name ("dma-api", "vfio", "stub"), or NULL
 *
 * Context: any thread; reads a constant table, takes no lock, does not
 * sleep.
 * Return: true if @kind names a built-in driver kind; false for any other
 * name and for NULL.
 */
bool sio_machine_driver_kind_known(const char *kind)
{
	return kind && driver_kind_find(kind);
}

/* ---- machine ---- */

/**
 * sio_machine_create() - see include/softiommu/machine.h
 * @name: for log messages; NULL means "softiommu"
 *
 * Context: any thread; may sleep.  The new machine is not shared yet, so
 * no lock is taken.
 * Return: the machine, or ERR_PTR(-ENOMEM) (sio_ptr_err() for the user);
 * nothing is left allocated on failure.
 */
struct sio_machine *sio_machine_create(const char *name)
{
	struct machine_state *st;
	struct sio_machine *m;
	int ret = -ENOMEM;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return ERR_PTR(-ENOMEM);
	mutex_init(&st->lock);
	INIT_LIST_HEAD(&st->iommus);
	INIT_LIST_HEAD(&st->devices);
	INIT_LIST_HEAD(&st->drivers);
	st->shell = kzalloc(sizeof(*st->shell), GFP_KERNEL);
	if (!st->shell)
		goto free_state;
	mutex_init(&st->shell->lock);
	INIT_LIST_HEAD(&st->shell->live);
	refcount_set(&st->shell->ref, 1);

	m = sio_machine_alloc(name ? name : "softiommu");
	if (IS_ERR_OR_NULL(m)) {
		ret = m ? (int)PTR_ERR(m) : -ENOMEM;
		goto free_shell;
	}
	m->user_state = st;
	ret = iommu_subsys_init(m);
	if (ret)
		goto free_machine;
	return m;

free_machine:
	sio_machine_free(m);
free_shell:
	if (st->shell)
		mutex_destroy(&st->shell->lock);
	kfree(st->shell);
free_state:
	mutex_destroy(&st->lock);
	kfree(st);
	return ERR_PTR(ret);
}

/*
 * A machine pointer from the user: neither NULL nor an error pointer (what
 * sio_machine_create() may have returned).
 */
static bool machine_ok(struct sio_machine *m)
{
	return !IS_ERR_OR_NULL(m) && m->user_state;
}

/*
 * A fixed-size string field of a declaration: NUL-terminated inside the
 * field, and not empty when @need.
 */
static bool decl_str_ok(const char *s, size_t size, bool need)
{
	size_t n = strnlen(s, size);

	return n < size && (n || !need);
}

#define DECL_STR_OK(field, need) decl_str_ok(field, sizeof(field), need)

static int bus_index(const char *kind)
{
	if (!strcmp(kind, "pci"))
		return 0;
	if (!strcmp(kind, "platform"))
		return 1;
	return -1;
}

/**
 * sio_machine_bus() - the bus of kind @kind, if @m declared one
 * @m: a live machine (not checked)
 * @kind: "pci" or "platform"; NULL or another name finds nothing
 *
 * Context: any thread; takes no lock and does not sleep.  A bus is set by
 * sio_machine_add_bus() and stays until sio_machine_destroy().
 * Return: the bus (not referenced), or NULL.
 */
struct sio_bus *sio_machine_bus(struct sio_machine *m, const char *kind)
{
	int i = kind ? bus_index(kind) : -1;

	return i < 0 ? NULL : machine_state(m)->buses[i];
}

/**
 * sio_machine_add_bus() - see include/softiommu/machine.h
 * @m: the machine
 * @kind: "pci" or "platform"
 *
 * Registers the bus, hooks the IOMMU core and then the VFIO-like layer's
 * notifier to it; a failure undoes the steps already done.
 *
 * Context: may sleep.  Takes no machine lock: the bus slot is read and set
 * unlocked; a concurrent declaration of the same kind fails in the device
 * model (-EEXIST).
 * Return: 0; -EINVAL (NULL or error-pointer @m, NULL or unknown @kind);
 * -EEXIST (@m has that bus already); -ENOMEM; or the error of the device
 * model or of the IOMMU core's bus hook.
 */
int sio_machine_add_bus(struct sio_machine *m, const char *kind)
{
	static const struct sio_bus_type *const types[] = {
		&sio_pci_bus_type, &sio_platform_bus_type,
	};
	struct machine_state *st;
	struct sio_bus *bus;
	int i = kind ? bus_index(kind) : -1;
	int ret;

	if (!machine_ok(m) || i < 0)
		return -EINVAL;
	st = machine_state(m);
	if (st->buses[i])
		return -EEXIST;
	bus = sio_bus_register(m, types[i]);
	if (IS_ERR_OR_NULL(bus))
		return bus ? (int)PTR_ERR(bus) : -ENOMEM;
	ret = iommu_bus_init(bus);
	if (ret)
		goto unregister;
	st->vfio_nb[i].notifier_call = sio_vfio_bus_notifier;
	st->vfio_nb[i].priority = SIO_VFIO_NOTIFIER_PRIORITY;
	ret = sio_bus_register_notifier(bus, &st->vfio_nb[i]);
	if (ret)
		goto iommu_exit;
	st->buses[i] = bus;
	return 0;

iommu_exit:
	iommu_bus_exit(bus);
unregister:
	sio_bus_unregister(bus);
	return ret;
}

/**
 * sio_machine_add_iommu() - see include/softiommu/machine.h
 * @m: the machine
 * @decl: the instance; an "smmu" kind gets the model's default hardware
 *
 * Context: may sleep; see sio_machine_add_iommu_opts().
 * Return: as sio_machine_add_iommu_opts().
 */
int sio_machine_add_iommu(struct sio_machine *m,
			  const struct sio_iommu_decl *decl)
{
	return sio_machine_add_iommu_opts(m, decl, NULL);
}

/**
 * sio_machine_get_device() - see include/softiommu/machine.h
 * @m: the machine
 * @name: device name, looked up on every bus
 *
 * Context: any thread; may sleep (takes the machine's and the buses' list
 * locks around the lookup).
 * Return: the device with a reference (drop it with
 * sio_machine_put_device()), or NULL: no device of that name, or a NULL or
 * error-pointer @m, or a NULL @name.
 */
struct sio_device *sio_machine_get_device(struct sio_machine *m,
					  const char *name)
{
	if (!machine_ok(m) || !name)
		return NULL;
	return sio_machine_find_device(m, name);
}

/**
 * sio_machine_put_device() - see include/softiommu/machine.h
 * @dev: a device from sio_machine_get_device(); NULL or an error pointer
 *	is a no-op
 *
 * Context: may sleep (the last reference frees the device, and may free
 * what its destroyed machine left behind).
 */
void sio_machine_put_device(struct sio_device *dev)
{
	if (!IS_ERR_OR_NULL(dev))
		sio_put_device(dev);
}

/**
 * sio_machine_add_smmu() - see include/softiommu/machine.h
 * @m: the machine
 * @name: instance name
 * @hw: the hardware, or NULL for the model's defaults
 *
 * Context: may sleep; see sio_machine_add_iommu_opts().
 * Return: -EINVAL for a NULL or error-pointer @m, or a NULL, empty or too
 * long @name; otherwise as sio_machine_add_iommu_opts().
 */
int sio_machine_add_smmu(struct sio_machine *m, const char *name,
			 const struct sio_smmu_decl *hw)
{
	struct sio_iommu_decl decl = { .kind = "smmu" };

	if (!machine_ok(m) || !name || !name[0] ||
	    strnlen(name, sizeof(decl.name)) >= sizeof(decl.name))
		return -EINVAL;
	memcpy(decl.name, name, strlen(name) + 1);
	return sio_machine_add_iommu_opts(m, &decl, hw);
}

/* struct sio_iommu_decl.flags every kind understands. */
#define IOMMU_DECL_FLAGS                                                      \
	(SIO_IOMMU_DECL_NO_IDENTITY | SIO_IOMMU_DECL_NO_BLOCKED |             \
	 SIO_IOMMU_DECL_SINGLE_GROUP | SIO_IOMMU_DECL_DEFERRED_ATTACH |        \
	 SIO_IOMMU_DECL_LEGACY_DEFAULT)

/**
 * sio_machine_add_iommu_opts() - sio_machine_add_iommu() with the options
 * of an SMMU declaration
 * @m: the machine
 * @decl: kind and name (the mock options are ignored for an SMMU)
 * @smmu: SMMU options, or NULL for the defaults (ignored for a mock)
 *
 * Creating the instance registers it with the IOMMU core, which probes the
 * devices behind it; an SMMU declared with @smmu->driver_later gets only
 * its hardware, and its driver binds in sio_machine_bind_smmu_drivers().
 *
 * Context: may sleep.  Takes the machine lock for the name check and again
 * to list the instance, never while creating it (so the check does not
 * exclude a concurrent declaration of the same name).
 * Return: 0; -EINVAL (NULL or error-pointer @m, NULL @decl, an empty or
 * unterminated @kind or @name, @flags bits not defined in machine.h, a
 * @def_domain_type other than 0, IOMMU_DOMAIN_DMA and
 * IOMMU_DOMAIN_IDENTITY, an unknown kind, or SMMU options the driver or
 * the hardware model refuses); -EEXIST (an instance of that name exists);
 * -ENOMEM; or the driver's or the IOMMU core's error.
 */
int sio_machine_add_iommu_opts(struct sio_machine *m,
			       const struct sio_iommu_decl *decl,
			       const struct sio_smmu_decl *smmu)
{
	struct machine_state *st;
	const struct machine_iommu_kind *kind;
	struct machine_iommu *mi, *pos;
	struct iommu_device *iommu;

	if (!machine_ok(m) || !decl || !DECL_STR_OK(decl->kind, true) ||
	    !DECL_STR_OK(decl->name, true) || (decl->flags & ~IOMMU_DECL_FLAGS))
		return -EINVAL;
	if (decl->def_domain_type && decl->def_domain_type != IOMMU_DOMAIN_DMA &&
	    decl->def_domain_type != IOMMU_DOMAIN_IDENTITY)
		return -EINVAL;
	st = machine_state(m);
	kind = iommu_kind_find(decl->kind);
	if (!kind)
		return -EINVAL;
	mutex_lock(&st->lock);
	list_for_each_entry(pos, &st->iommus, node) {
		if (!strcmp(pos->name, decl->name)) {
			mutex_unlock(&st->lock);
			return -EEXIST;
		}
	}
	mutex_unlock(&st->lock);

	mi = kzalloc(sizeof(*mi), GFP_KERNEL);
	if (!mi)
		return -ENOMEM;
	mi->kind = kind;
	snprintf(mi->name, sizeof(mi->name), "%s", decl->name);
	/* NULL: hardware only, its driver binds later (an SMMU). */
	iommu = kind->create(m, kind, decl, smmu, mi);
	if (IS_ERR(iommu)) {
		kfree(mi);
		return (int)PTR_ERR(iommu);
	}
	mi->iommu = iommu;
	mutex_lock(&st->lock);
	list_add_tail(&mi->node, &st->iommus);
	mutex_unlock(&st->lock);
	return 0;
}

/* Drop a reference on @shell; the last one frees it and its RAM. */
static void machine_shell_put(struct machine_shell *shell)
{
	if (!refcount_dec_and_test(&shell->ref))
		return;
	if (shell->orphans) {
		/* Every orphan is gone: nothing can reach the RAM now. */
		sio_phys_mem_destroy(shell->m.mem);
		mutex_destroy(&shell->m.dma_link_lock);
		mutex_destroy(&shell->m.lock);
	}
	mutex_destroy(&shell->lock);
	kfree(shell);
}

static void machine_dev_release(struct sio_device *dev)
{
	struct machine_dev *md = container_of(dev, struct machine_dev, dev);
	struct machine_shell *shell = md->shell;

	mutex_lock(&shell->lock);
	list_del(&md->live_node);
	mutex_unlock(&shell->lock);
	kfree(md);
	machine_shell_put(shell);
}

/*
 * @m is going with @shell->live devices still referenced by the user: point
 * them at the shell, which takes over @m's RAM.  From then on they have no
 * bus and no IOMMU; their DMA link is dead already (-ENODEV).
 */
static void machine_orphan_devices(struct sio_machine *m,
				   struct machine_shell *shell)
{
	struct sio_machine *sm = &shell->m;
	struct machine_dev *md;

	mutex_lock(&shell->lock);
	if (list_empty(&shell->live))
		goto unlock;
	snprintf(sm->name, sizeof(sm->name), "%s", m->name);
	mutex_init(&sm->lock);
	mutex_init(&sm->dma_link_lock);
	INIT_LIST_HEAD(&sm->buses);
	INIT_LIST_HEAD(&sm->deferred);
	INIT_LIST_HEAD(&sm->deferred_active);
	INIT_LIST_HEAD(&sm->dma_targets);
	sm->mem = m->mem;
	m->mem = NULL;
	shell->orphans = true;
	list_for_each_entry(md, &shell->live, live_node) {
		WRITE_ONCE(md->dev.bus, NULL);
		WRITE_ONCE(md->dev.machine, sm);
	}
unlock:
	mutex_unlock(&shell->lock);
}

/* A reserved region a declaration may describe. */
static bool resv_decl_ok(const struct sio_resv_decl *r)
{
	return r->length && r->start + r->length - 1 >= r->start &&
	       r->type >= IOMMU_RESV_DIRECT && r->type <= IOMMU_RESV_SW_MSI;
}

/* The PCIe PASID capability is at most 20 bits wide. */
#define DEVICE_DECL_MAX_PASID_BITS	20

static int device_decl_check(const struct sio_device_decl *decl)
{
	unsigned int i;

	if (!decl || !DECL_STR_OK(decl->bus, true) ||
	    !DECL_STR_OK(decl->name, true) ||
	    !DECL_STR_OK(decl->compatible, false) ||
	    !DECL_STR_OK(decl->iommu, false) ||
	    !DECL_STR_OK(decl->alias, false) ||
	    decl->num_ids > SIO_FW_MAX_IDS ||
	    decl->num_resv > SIO_FW_MAX_RESV ||
	    decl->pasid_bits > DEVICE_DECL_MAX_PASID_BITS)
		return -EINVAL;
	for (i = 0; i < decl->num_resv; i++)
		if (!resv_decl_ok(&decl->resv[i]))
			return -EINVAL;
	return 0;
}

/**
 * sio_machine_add_device() - see include/softiommu/machine.h
 * @m: the machine
 * @decl: the device and its firmware description
 *
 * Adding the device lets the IOMMU core probe it and, if the bus
 * autoprobes, binds a matching driver, all in the calling thread.
 *
 * Context: may sleep; no device lock held.  Takes the shell lock and then
 * the machine lock, each only to list the device.
 * Return: 0; -EINVAL (NULL or error-pointer @m, NULL @decl, an empty or
 * unterminated @bus or @name, an unterminated optional field, @num_ids or
 * @num_resv beyond the SIO_DECL_MAX_*, @pasid_bits above 20, or a reserved
 * region that is empty, wraps or has no such type); -ENODEV (@bus not
 * declared); -EEXIST (the name is taken); -ENOMEM; or the device model's
 * error.
 */
int sio_machine_add_device(struct sio_machine *m,
			   const struct sio_device_decl *decl)
{
	struct machine_state *st;
	struct sio_device *old;
	struct machine_dev *md;
	struct sio_bus *bus;
	unsigned int i;
	int ret;

	if (!machine_ok(m))
		return -EINVAL;
	ret = device_decl_check(decl);
	if (ret)
		return ret;
	st = machine_state(m);
	bus = sio_machine_bus(m, decl->bus);
	if (!bus)
		return -ENODEV;
	old = sio_machine_find_device(m, decl->name);
	if (old) {
		sio_put_device(old);
		return -EEXIST;
	}
	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	/* The device holds the shell until its release (whatever comes first). */
	md->shell = st->shell;
	refcount_inc(&md->shell->ref);
	mutex_lock(&md->shell->lock);
	list_add_tail(&md->live_node, &md->shell->live);
	mutex_unlock(&md->shell->lock);
	sio_device_initialize(&md->dev, bus, decl->name);
	md->dev.release = machine_dev_release;
	snprintf(md->dev.compatible, sizeof(md->dev.compatible), "%s",
		 decl->compatible);
	snprintf(md->dev.fw.iommu, sizeof(md->dev.fw.iommu), "%s", decl->iommu);
	snprintf(md->dev.fw.alias, sizeof(md->dev.fw.alias), "%s", decl->alias);
	for (i = 0; i < decl->num_ids; i++)
		md->dev.fw.ids[i] = decl->ids[i];
	md->dev.fw.num_ids = decl->num_ids;
	md->dev.fw.late = decl->late;
	md->dev.fw.pasid_bits = decl->pasid_bits;
	for (i = 0; i < decl->num_resv; i++) {
		md->dev.fw.resv[i].start = decl->resv[i].start;
		md->dev.fw.resv[i].length = decl->resv[i].length;
		md->dev.fw.resv[i].type = decl->resv[i].type;
		md->dev.fw.resv[i].prot = IOMMU_READ | IOMMU_WRITE;
	}
	md->dev.fw.num_resv = decl->num_resv;
	md->dev.untrusted = decl->untrusted;

	ret = sio_device_add(&md->dev);
	if (ret) {
		sio_put_device(&md->dev);	/* frees @md */
		return ret;
	}
	mutex_lock(&st->lock);
	list_add_tail(&md->node, &st->devices);
	mutex_unlock(&st->lock);
	return 0;
}

/**
 * sio_machine_remove_device() - see include/softiommu/machine.h
 * @m: the machine
 * @name: device name
 *
 * Context: may sleep; no device lock held.  Takes the machine lock only to
 * take the device off the machine's list, then unbinds and unregisters it
 * without it.
 * Return: 0; -EINVAL (NULL or error-pointer @m, NULL @name); -ENODEV (no
 * such device, or already removed).
 */
int sio_machine_remove_device(struct sio_machine *m, const char *name)
{
	struct machine_dev *md, *found = NULL;
	struct machine_state *st;

	if (!machine_ok(m) || !name)
		return -EINVAL;
	st = machine_state(m);
	mutex_lock(&st->lock);
	list_for_each_entry(md, &st->devices, node) {
		if (!strcmp(md->dev.name, name)) {
			found = md;
			list_del(&md->node);
			break;
		}
	}
	mutex_unlock(&st->lock);
	if (!found)
		return -ENODEV;
	sio_device_unregister(&found->dev);
	return 0;
}

/**
 * sio_machine_add_driver() - see include/softiommu/machine.h
 * @m: the machine
 * @decl: the driver instance
 *
 * Registering the driver binds it to every matching unbound device of its
 * bus (their probe runs in the calling thread); probe failures are not
 * returned.
 *
 * Context: may sleep; no device lock held.  Takes the machine lock only to
 * list the driver.
 * Return: 0; -EINVAL (NULL or error-pointer @m, NULL @decl, an empty or
 * unterminated @bus, @name, @kind or id, an unterminated @needs, @num_ids
 * beyond SIO_DECL_MAX_DRV_IDS, an unknown @kind); -ENODEV (@bus not
 * declared); -EEXIST (a driver of that name is on the bus); -ENOMEM; or
 * the device model's error.
 */
int sio_machine_add_driver(struct sio_machine *m,
			   const struct sio_driver_decl *decl)
{
	const struct machine_driver_kind *kind;
	struct machine_state *st;
	struct machine_driver *md;
	struct sio_bus *bus;
	unsigned int i;
	int ret;

	if (!machine_ok(m) || !decl || !DECL_STR_OK(decl->bus, true) ||
	    !DECL_STR_OK(decl->name, true) || !DECL_STR_OK(decl->kind, true) ||
	    !DECL_STR_OK(decl->needs, false) ||
	    decl->num_ids > SIO_DECL_MAX_DRV_IDS)
		return -EINVAL;
	for (i = 0; i < decl->num_ids; i++)
		if (!DECL_STR_OK(decl->ids[i], true))
			return -EINVAL;
	st = machine_state(m);
	kind = driver_kind_find(decl->kind);
	if (!kind)
		return -EINVAL;
	bus = sio_machine_bus(m, decl->bus);
	if (!bus)
		return -ENODEV;
	if (sio_driver_find(bus, decl->name))
		return -EEXIST;
	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	md->decl = *decl;
	for (i = 0; i < decl->num_ids; i++)
		md->ids[i] = md->decl.ids[i];
	/* A DMA-API driver without ids binds to devices compatible with its name. */
	if (!i && !kind->driver_managed_dma)
		md->ids[i++] = md->decl.name;
	md->ids[i] = NULL;
	snprintf(md->nic_cfg.needs, sizeof(md->nic_cfg.needs), "%s",
		 decl->needs);
	md->drv.name = md->decl.name;
	md->drv.ids = md->ids;
	md->drv.probe = kind->probe;
	md->drv.remove = kind->remove;
	md->drv.driver_managed_dma = kind->driver_managed_dma;
	md->drv.owner_data = &md->nic_cfg;

	ret = sio_driver_register(bus, &md->drv);
	if (ret) {
		kfree(md);
		return ret;
	}
	mutex_lock(&st->lock);
	list_add_tail(&md->node, &st->drivers);
	mutex_unlock(&st->lock);
	return 0;
}

/**
 * sio_machine_remove_driver() - see include/softiommu/machine.h
 * @m: the machine
 * @bus: "pci" or "platform", or NULL for any bus
 * @name: driver name
 *
 * Context: may sleep; no device lock held.  Takes the machine lock only to
 * take the driver off the machine's list, then unregisters it (unbinding
 * its devices) without it.
 * Return: 0; -EINVAL (NULL or error-pointer @m, NULL @name); -ENODEV (no
 * such driver).
 */
int sio_machine_remove_driver(struct sio_machine *m, const char *bus,
			      const char *name)
{
	struct machine_driver *md, *found = NULL;
	struct machine_state *st;

	if (!machine_ok(m) || !name)
		return -EINVAL;
	st = machine_state(m);
	mutex_lock(&st->lock);
	list_for_each_entry(md, &st->drivers, node) {
		if ((!bus || !strcmp(md->decl.bus, bus)) &&
		    !strcmp(md->decl.name, name)) {
			found = md;
			list_del(&md->node);
			break;
		}
	}
	mutex_unlock(&st->lock);
	if (!found)
		return -ENODEV;
	sio_driver_unregister(&found->drv);
	kfree(found);
	return 0;
}

/**
 * sio_machine_for_each_device() - call @fn on every device @m created
 * @m: a live machine (not checked)
 * @data: passed to @fn
 * @fn: called with a reference held on the device; non-zero stops the walk
 *
 * Walks a snapshot taken under the machine lock, in add order: a device
 * added meanwhile is not seen, one removed meanwhile still is.
 *
 * Context: may sleep; takes the machine lock for the snapshot only, so @fn
 * runs without it and may call into the device model or the core.
 * Return: 0, the first non-zero value @fn returned, or -ENOMEM (no device
 * visited).
 */
int sio_machine_for_each_device(struct sio_machine *m, void *data,
				int (*fn)(struct sio_device *dev, void *data))
{
	struct machine_state *st = machine_state(m);
	struct sio_device **devs = NULL;
	struct machine_dev *md;
	unsigned int n = 0, i;
	int ret = 0;

	/* Snapshot with references, so @fn runs without the machine lock. */
	mutex_lock(&st->lock);
	list_for_each_entry(md, &st->devices, node)
		n++;
	devs = kcalloc(n ? n : 1, sizeof(*devs), GFP_KERNEL);
	if (!devs) {
		mutex_unlock(&st->lock);
		return -ENOMEM;
	}
	i = 0;
	list_for_each_entry(md, &st->devices, node)
		devs[i++] = sio_get_device(&md->dev);
	mutex_unlock(&st->lock);
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = fn(devs[i], data);
		sio_put_device(devs[i]);
	}
	kfree(devs);
	return ret;
}

struct find_group_arg {
	int id;
	struct iommu_group *group;
};

static int find_group_fn(struct sio_device *dev, void *data)
{
	struct find_group_arg *a = data;
	struct iommu_group *g = iommu_group_get(dev);

	if (!g)
		return 0;
	if (iommu_group_id(g) == a->id) {
		a->group = g;
		return 1;
	}
	iommu_group_put(g);
	return 0;
}

/**
 * sio_machine_find_group() - the group with id @id among @m's devices
 * @m: a live machine (not checked)
 * @id: iommu_group_id() of the group
 *
 * Context: may sleep; see sio_machine_for_each_device().
 * Return: the group with a reference (drop it with iommu_group_put()), or
 * NULL: no device of @m is in such a group, or memory ran out.
 */
struct iommu_group *sio_machine_find_group(struct sio_machine *m, int id)
{
	struct find_group_arg a = { .id = id };

	sio_machine_for_each_device(m, &a, find_group_fn);
	return a.group;
}

/**
 * sio_machine_add_memory() - see include/softiommu/machine.h
 * @m: the machine
 * @base: first physical address (0 = MACHINE_MEM_DEFAULT_BASE)
 * @size: bytes, a non-zero multiple of the 4 KiB frame
 *
 * Context: may sleep.  Takes no lock: @m->mem is set once, before any
 * IOMMU or endpoint reads it (struct sio_machine, src/dev/device.h).
 * Return: 0; -EINVAL (NULL or error-pointer @m, a zero or unaligned @size,
 * an unaligned @base, a range that wraps, or one the memory model refuses;
 * checked before -EEXIST); -EEXIST (@m has memory already); -ENOMEM.
 */
int sio_machine_add_memory(struct sio_machine *m, u64 base, u64 size)
{
	struct sio_phys_mem *mem;

	if (!machine_ok(m))
		return -EINVAL;
	if (!base)
		base = MACHINE_MEM_DEFAULT_BASE;
	if (!size || (size & (SIO_PHYS_FRAME_SIZE - 1)) ||
	    (base & (SIO_PHYS_FRAME_SIZE - 1)) || base + size < base)
		return -EINVAL;
	if (m->mem)
		return -EEXIST;
	mem = sio_phys_mem_create(base, size);
	if (IS_ERR_OR_NULL(mem))
		return mem ? (int)PTR_ERR(mem) : -ENOMEM;
	/* Set once, before any IOMMU or endpoint reads it (device.h). */
	m->mem = mem;
	pr_info("Memory: %lluK at %#llx", (unsigned long long)(size >> 10),
		(unsigned long long)base);
	return 0;
}

/**
 * sio_machine_ensure_memory() - give @m the default RAM if it has none
 * @m: a live machine (not checked)
 *
 * MACHINE_MEM_DEFAULT_SIZE bytes at MACHINE_MEM_DEFAULT_BASE, for an SMMU
 * or DMA on a machine that declared no memory.
 *
 * Context: may sleep; takes no lock (see sio_machine_add_memory()).
 * Return: 0 (memory there already, or created), or -ENOMEM.
 */
int sio_machine_ensure_memory(struct sio_machine *m)
{
	if (m->mem)
		return 0;
	return sio_machine_add_memory(m, MACHINE_MEM_DEFAULT_BASE,
				      MACHINE_MEM_DEFAULT_SIZE);
}

/**
 * sio_machine_dev_iommu() - the IOMMU instance @dev's firmware names
 * @m: a live machine (not checked)
 * @dev: a device of @m
 *
 * Context: may sleep; takes the machine lock (a leaf) around the lookup.
 * Return: the instance record, or NULL (@dev names no IOMMU, or none of
 * that name was declared).  Instances live until sio_machine_destroy(), so
 * the record stays valid without a reference.
 */
struct machine_iommu *sio_machine_dev_iommu(struct sio_machine *m,
					    struct sio_device *dev)
{
	struct machine_state *st = machine_state(m);
	struct machine_iommu *mi, *found = NULL;

	if (!dev->fw.iommu[0])
		return NULL;
	mutex_lock(&st->lock);
	list_for_each_entry(mi, &st->iommus, node) {
		if (!strcmp(mi->name, dev->fw.iommu)) {
			found = mi;
			break;
		}
	}
	mutex_unlock(&st->lock);
	return found;
}

/**
 * sio_machine_flush_iommu_events() - wait until every SMMU event thread of
 * @m logged what the hardware queued so far
 * @m: a live machine (not checked)
 *
 * Mock instances have no event queue and are skipped.
 *
 * Context: may sleep (waits for the event threads).  Walks the instance
 * list without the machine lock, so only from the thread that declares
 * the machine (the one running the scenario).
 */
void sio_machine_flush_iommu_events(struct sio_machine *m)
{
	struct machine_state *st = machine_state(m);
	struct machine_iommu *mi;

	/*
	 * Without the machine lock: smmu_iommu_flush_events() sleeps and the
	 * lock is a leaf.  Instances are only removed by sio_machine_destroy()
	 * and only added by declarations, on the thread that runs the scenario
	 * (the caller).
	 */
	list_for_each_entry(mi, &st->iommus, node)
		if (machine_iommu_is_smmu(mi))
			smmu_iommu_flush_events(mi->iommu);
}

/**
 * sio_machine_sysfs_read() - see include/softiommu/machine.h
 * @m: the machine
 * @path: absolute path in @m's virtual sysfs
 * @buf: gets at most @len - 1 bytes and a terminating NUL
 * @len: size of @buf (0: nothing stored)
 *
 * Context: any thread; may sleep.  The attribute's show() runs in the
 * calling thread with no sysfs or machine lock held.
 * Return: the bytes stored in @buf; -EINVAL (NULL or error-pointer @m,
 * NULL @path or @buf); or the error of the sysfs lookup (-ENOENT,
 * -ENOTDIR, -EISDIR, -ENAMETOOLONG, -EACCES for a file that cannot be
 * read, -ENOMEM) or of show().
 */
ssize_t sio_machine_sysfs_read(struct sio_machine *m, const char *path,
			       char *buf, size_t len)
{
	if (!machine_ok(m) || !path || !buf)
		return -EINVAL;
	return sio_sysfs_read(m->sysfs, path, buf, len);
}

/**
 * sio_machine_sysfs_write() - see include/softiommu/machine.h
 * @m: the machine
 * @path: absolute path in @m's virtual sysfs
 * @buf: the bytes to write (a value stops at its first NUL)
 * @len: number of bytes in @buf
 *
 * Context: any thread; may sleep.  The attribute's store() runs in the
 * calling thread with no sysfs or machine lock held, and may bind, unbind
 * or probe devices.
 * Return: what store() returned (the bytes consumed, or -errno); -EINVAL
 * (NULL or error-pointer @m, NULL @path or @buf); or the error of the
 * sysfs lookup (-ENOENT, -ENOTDIR, -EISDIR, -ENAMETOOLONG, -EACCES for a
 * file that cannot be written, -ENOMEM).
 */
ssize_t sio_machine_sysfs_write(struct sio_machine *m, const char *path,
				const char *buf, size_t len)
{
	if (!machine_ok(m) || !path || !buf)
		return -EINVAL;
	return sio_sysfs_write(m->sysfs, path, buf, len);
}

/**
 * sio_machine_destroy() - see include/softiommu/machine.h
 * @m: the machine; NULL or an error pointer is a no-op
 *
 * Context: may sleep; no other thread may use @m or any of its devices
 * (device-side DMA included) until it returns, which is why the machine's
 * lists are emptied without the machine lock.  Takes the shell lock to
 * orphan the devices still referenced.
 */
void sio_machine_destroy(struct sio_machine *m)
{
	struct machine_state *st;
	struct machine_driver *drv;
	struct machine_iommu *mi;
	struct machine_dev *md;
	int i;

	if (IS_ERR_OR_NULL(m))
		return;
	st = machine_state(m);
	sio_wait_for_device_probe(m);
	/* Unregistering a driver unbinds its devices (remove, dma_cleanup). */
	while (!list_empty(&st->drivers)) {
		drv = list_last_entry(&st->drivers, struct machine_driver, node);
		list_del(&drv->node);
		sio_driver_unregister(&drv->drv);
		kfree(drv);
	}
	while (!list_empty(&st->devices)) {
		md = list_last_entry(&st->devices, struct machine_dev, node);
		list_del(&md->node);
		sio_device_unregister(&md->dev);
	}
	/* Group opens hold groups (revoked with their last device). */
	sio_vfio_machine_exit(m);
	while (!list_empty(&st->iommus)) {
		mi = list_last_entry(&st->iommus, struct machine_iommu, node);
		list_del(&mi->node);
		mi->kind->destroy(mi);
		kfree(mi);
	}
	if (st->debugfs_iommu)
		sio_sysfs_remove(st->debugfs_iommu);
	/* The core unhooks its bus notifiers: before the buses go. */
	iommu_subsys_exit(m);
	for (i = ARRAY_SIZE(st->buses) - 1; i >= 0; i--) {
		if (!st->buses[i])
			continue;
		sio_bus_unregister_notifier(st->buses[i], &st->vfio_nb[i]);
		sio_bus_unregister(st->buses[i]);
	}
	m->user_state = NULL;
	/* Devices the user still holds keep the shell (and the RAM). */
	machine_orphan_devices(m, st->shell);
	/* Last: every IOMMU table and device buffer lived in it. */
	if (m->mem) {
		sio_phys_mem_destroy(m->mem);
		m->mem = NULL;
	}
	sio_machine_free(m);
	machine_shell_put(st->shell);
	mutex_destroy(&st->lock);
	kfree(st);
}
