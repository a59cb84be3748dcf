// SPDX-License-Identifier: BSD-3-Clause
/*
 * The device <-> IOMMU link: per-machine targets (IOMMU input sides, by
 * name), per-device links wired from the firmware description when a
 * device is added, device DMA (sio_dma_read/write/translate) walking
 * straight down device -> link -> target -> memory, and the way back up
 * for page responses, resumes and ATC invalidations.
 * Kernel counterpart: none (the PCIe fabric; firmware's IORT/DT links).
 */
#include <string.h>

#include "dev/dma-link.h"
#include "dev/dma-observer.h"
#include "mem/phys-mem.h"
#include <softiommu/dma.h>

#define DMA_TARGET_HASH_BITS	8
#define DMA_TARGET_HASH_SIZE	(1u << DMA_TARGET_HASH_BITS)

/* One stream ID of a link, on its target's hash while the link is live. */
struct sio_dma_link_sid {
	struct list_head node;
	u32 sid;
	struct sio_dma_link *link;
};

/**
 * struct sio_dma_link - one device's wire to its IOMMU's input side
 * @target: the IOMMU input side (holds a reference); NULL only for the
 *	shared dead link of removed devices that had none
 * @dev: the device, which owns the link (freed at its release)
 * @sid: the stream ID its transactions carry (the first one listed)
 * @state: enum sio_dma_link_state; written under the machine's
 *	dma_link_lock, read with acquire loads by DMA
 * @nr_sids: entries of @sids on @target's hash
 * @dev_ops: the device's message handlers; under @target->lock
 * @dev_data: their argument
 * @prev: the link this one replaced when the device's IOMMU instance went
 *	away and came back (kept until release: a reader may still use it)
 */
struct sio_dma_link {
	struct sio_dma_target *target;
	struct sio_device *dev;
	u32 sid;
	int state;
	unsigned int nr_sids;
	struct sio_dma_link_sid sids[SIO_FW_MAX_IDS];
	const struct sio_dma_link_dev_ops *dev_ops;
	void *dev_data;
	struct sio_dma_link *prev;
};

/**
 * struct sio_dma_target - an IOMMU instance's input side on one machine
 * @name: the instance name firmware descriptions use
 * @machine: the machine; NULL once removed
 * @ops: NULL once removed (acquire loads on the DMA path)
 * @priv: the ops' argument (immutable)
 * @ref: one for the machine's list, one per link
 * @lock: protects @hash, the links' @dev_ops, and is held around every
 *	device message; nests inside the machine's dma_link_lock and inside
 *	whatever lock the IOMMU model holds when it sends a message
 * @hash: stream ID -> link
 * @node: on machine->dma_targets, under machine->dma_link_lock
 */
struct sio_dma_target {
	char name[SIO_NAME_LEN];
	struct sio_machine *machine;
	const struct sio_dma_target_ops *ops;
	void *priv;
	refcount_t ref;
	struct mutex lock;
	struct list_head hash[DMA_TARGET_HASH_SIZE];
	struct list_head node;
};

/* What every removed device without a link of its own points at. */
static struct sio_dma_link dma_link_dead = {
	.state = SIO_DMA_LINK_DEAD,
};

static unsigned int sid_hash(u32 sid)
{
	return (sid * 0x9e3779b1u) >> (32 - DMA_TARGET_HASH_BITS);
}

static struct sio_dma_link *dev_link(struct sio_device *dev)
{
	return __atomic_load_n(&dev->dma_link, __ATOMIC_ACQUIRE);
}

static int link_state(struct sio_dma_link *link)
{
	return __atomic_load_n(&link->state, __ATOMIC_ACQUIRE);
}

static void target_put(struct sio_dma_target *t)
{
	if (!refcount_dec_and_test(&t->ref))
		return;
	mutex_destroy(&t->lock);
	kfree(t);
}

/* The live target named @name, or NULL.  Context: dma_link_lock held. */
static struct sio_dma_target *__target_find(struct sio_machine *m,
					    const char *name)
{
	struct sio_dma_target *t;

	lockdep_assert_held(&m->dma_link_lock);
	list_for_each_entry(t, &m->dma_targets, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* A link of @dev to @t, not yet visible.  Return: the link or NULL. */
static struct sio_dma_link *link_alloc(struct sio_device *dev,
				       struct sio_dma_target *t)
{
	struct sio_dma_link *link;
	unsigned int i;

	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return NULL;
	link->dev = dev;
	link->target = t;
	link->nr_sids = dev->fw.num_ids;
	link->sid = dev->fw.num_ids ? dev->fw.ids[0] : 0;
	for (i = 0; i < link->nr_sids; i++) {
		INIT_LIST_HEAD(&link->sids[i].node);
		link->sids[i].sid = dev->fw.ids[i];
		link->sids[i].link = link;
	}
	return link;
}

/*
 * Make @link the way @dev's transactions go.  Context: dma_link_lock held;
 * takes the target lock.
 */
static void __link_publish(struct sio_dma_link *link)
{
	struct sio_dma_target *t = link->target;
	struct sio_device *dev = link->dev;
	unsigned int i;

	lockdep_assert_held(&dev->machine->dma_link_lock);
	refcount_inc(&t->ref);
	mutex_lock(&t->lock);
	for (i = 0; i < link->nr_sids; i++)
		list_add_tail(&link->sids[i].node,
			      &t->hash[sid_hash(link->sids[i].sid)]);
	mutex_unlock(&t->lock);
	link->state = SIO_DMA_LINK_LIVE;
	link->prev = dev->dma_link;	/* a dead one, or NULL */
	/* Release: a reader that sees the link sees it initialised. */
	__atomic_store_n(&dev->dma_link, link, __ATOMIC_RELEASE);
}

/*
 * Cut @link: every later transaction aborts, no message reaches the device.
 * Context: dma_link_lock held; takes the target lock.
 */
static void __link_kill(struct sio_dma_link *link)
{
	struct sio_dma_target *t = link->target;
	unsigned int i;

	__atomic_store_n(&link->state, SIO_DMA_LINK_DEAD, __ATOMIC_RELEASE);
	mutex_lock(&t->lock);
	for (i = 0; i < link->nr_sids; i++)
		list_del_init(&link->sids[i].node);
	link->dev_ops = NULL;
	link->dev_data = NULL;
	mutex_unlock(&t->lock);
}

static bool dev_wants(struct sio_device *dev, const char *name)
{
	return dev->fw.iommu[0] && !strcmp(dev->fw.iommu, name);
}

/* Devices of @m that need a link to @t now.  Context: dma_link_lock held. */
static int __target_collect(struct sio_machine *m, struct sio_dma_target *t,
			    struct sio_device ***out, unsigned int *nr)
{
	struct sio_device **devs = NULL, **tmp, *dev;
	unsigned int n = 0, cap = 0;
	struct sio_bus *bus;
	int ret = 0;

	mutex_lock(&m->lock);
	list_for_each_entry(bus, &m->buses, machine_node) {
		mutex_lock(&bus->lock);
		list_for_each_entry(dev, &bus->devices, bus_node) {
			struct sio_dma_link *link = dev->dma_link;

			if (!dev_wants(dev, t->name) ||
			    (link && link->state == SIO_DMA_LINK_LIVE) ||
			    link == &dma_link_dead)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				tmp = krealloc(devs, cap * sizeof(*devs),
					       GFP_KERNEL);
				if (!tmp) {
					ret = -ENOMEM;
					break;
				}
				devs = tmp;
			}
			devs[n++] = dev;
		}
		mutex_unlock(&bus->lock);
		if (ret)
			break;
	}
	mutex_unlock(&m->lock);
	if (ret) {
		kfree(devs);
		return ret;
	}
	*out = devs;
	*nr = n;
	return 0;
}

/**
 * sio_dma_target_add() - an IOMMU instance's input side appears on @m
 * @m: the machine
 * @name: the instance name device firmware descriptions use
 * @ops: its input side (static storage)
 * @priv: passed to @ops
 *
 * Every device already on @m whose firmware names @name is wired to it
 * (their transactions stop being untranslated), as is every device added
 * later.
 *
 * Context: may sleep; takes the machine's dma_link_lock, machine->lock and
 * bus locks, then each target lock.
 * Return: the target, or ERR_PTR(-EINVAL) (bad argument), -EEXIST (a live
 * target has that name), -ENOMEM; on error nothing changed.
 */
struct sio_dma_target *sio_dma_target_add(struct sio_machine *m,
					  const char *name,
					  const struct sio_dma_target_ops *ops,
					  void *priv)
{
	struct sio_dma_link **links = NULL;
	struct sio_device **devs = NULL;
	struct sio_dma_target *t;
	unsigned int i, n = 0;
	int ret;

	if (!m || !name || !name[0] || strlen(name) >= SIO_NAME_LEN || !ops ||
	    !ops->translate)
		return ERR_PTR(-EINVAL);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	strcpy(t->name, name);
	t->machine = m;
	t->ops = ops;
	t->priv = priv;
	refcount_set(&t->ref, 1);
	mutex_init(&t->lock);
	for (i = 0; i < DMA_TARGET_HASH_SIZE; i++)
		INIT_LIST_HEAD(&t->hash[i]);

	mutex_lock(&m->dma_link_lock);
	ret = -EEXIST;
	if (__target_find(m, name))
		goto err_unlock;
	ret = __target_collect(m, t, &devs, &n);
	if (ret)
		goto err_unlock;
	ret = -ENOMEM;
	if (n) {
		links = kcalloc(n, sizeof(*links), GFP_KERNEL);
		if (!links)
			goto err_free_links;
	}
	for (i = 0; i < n; i++) {
		links[i] = link_alloc(devs[i], t);
		if (!links[i])
			goto err_free_links;
	}
	/* Nothing can fail from here: publish. */
	list_add_tail(&t->node, &m->dma_targets);
	for (i = 0; i < n; i++)
		__link_publish(links[i]);
	mutex_unlock(&m->dma_link_lock);
	kfree(links);
	kfree(devs);
	return t;

err_free_links:
	for (i = 0; links && i < n; i++)
		kfree(links[i]);
	kfree(links);
	kfree(devs);
err_unlock:
	mutex_unlock(&m->dma_link_lock);
	mutex_destroy(&t->lock);
	kfree(t);
	return ERR_PTR(ret);
}

/**
 * sio_dma_target_remove() - the IOMMU instance's input side goes away
 * @t: the target (NULL and ERR_PTR accepted)
 *
 * Every link to it is cut: its devices' transactions abort from now on
 * (-ENODEV), and no message reaches them.  The caller may free what @priv
 * points at once no transaction is still inside @ops->translate (the
 * machine tears IOMMUs down after its devices; DMA racing with that
 * teardown is a caller bug, see docs/design.md).
 *
 * Context: may sleep; takes the machine's dma_link_lock and the target
 * lock; no message handler of this target may be running in the caller.
 */
void sio_dma_target_remove(struct sio_dma_target *t)
{
	struct sio_machine *m;
	unsigned int i;

	if (IS_ERR_OR_NULL(t))
		return;
	m = t->machine;
	mutex_lock(&m->dma_link_lock);
	list_del_init(&t->node);
	mutex_lock(&t->lock);
	for (i = 0; i < DMA_TARGET_HASH_SIZE; i++) {
		struct sio_dma_link_sid *s, *tmp;

		list_for_each_entry_safe(s, tmp, &t->hash[i], node) {
			struct sio_dma_link *link = s->link;

			__atomic_store_n(&link->state, SIO_DMA_LINK_DEAD,
					 __ATOMIC_RELEASE);
			link->dev_ops = NULL;
			link->dev_data = NULL;
			list_del_init(&s->node);
		}
	}
	__atomic_store_n(&t->ops, NULL, __ATOMIC_RELEASE);
	t->machine = NULL;
	mutex_unlock(&t->lock);
	mutex_unlock(&m->dma_link_lock);
	target_put(t);
}

/**
 * sio_dma_target_lookup() - the live target named @name, of kind @ops
 * @m: the machine
 * @name: instance name
 * @ops: only a target with these ops matches (its kind)
 *
 * The target stays valid until its owner removes it; only that owner may
 * use the result beyond this call.
 *
 * Context: takes the machine's dma_link_lock.
 * Return: the target, or NULL if there is none (a lookup).
 */
struct sio_dma_target *sio_dma_target_lookup(struct sio_machine *m,
					     const char *name,
					     const struct sio_dma_target_ops *ops)
{
	struct sio_dma_target *t;

	if (!m || !name)
		return NULL;
	mutex_lock(&m->dma_link_lock);
	t = __target_find(m, name);
	if (t && t->ops != ops)
		t = NULL;
	mutex_unlock(&m->dma_link_lock);
	return t;
}

/**
 * sio_dma_target_priv() - what @t's ops are called with
 * @t: the target
 *
 * Context: any.
 * Return: the @priv given to sio_dma_target_add().
 */
void *sio_dma_target_priv(struct sio_dma_target *t)
{
	return t->priv;
}

/* ------------------------------------------------- messages to devices */

/* The live link owning @sid.  Context: @t->lock held. */
static struct sio_dma_link *__target_lookup(struct sio_dma_target *t, u32 sid)
{
	struct sio_dma_link_sid *s;

	lockdep_assert_held(&t->lock);
	list_for_each_entry(s, &t->hash[sid_hash(sid)], node)
		if (s->sid == sid)
			return s->link;
	return NULL;
}

/**
 * sio_dma_target_pri_response() - deliver a page response to stream @sid
 * @t: the target sending it
 * @sid: stream ID
 * @pasid_valid: the response carries a PASID
 * @pasid: the PASID
 * @grpid: page request group index
 * @code: the PCIe response code
 *
 * Context: the IOMMU's command-consuming thread; takes the target lock and
 * calls the device's handler under it.  A stream with no live link or no
 * handler drops the message (as a removed device would).
 */
void sio_dma_target_pri_response(struct sio_dma_target *t, u32 sid,
				 bool pasid_valid, u32 pasid, u16 grpid,
				 enum sio_dma_prg_resp code)
{
	struct sio_dma_link *link;

	mutex_lock(&t->lock);
	link = __target_lookup(t, sid);
	if (link && link->dev_ops && link->dev_ops->pri_response)
		link->dev_ops->pri_response(link->dev_data, pasid_valid, pasid,
					    grpid, code);
	mutex_unlock(&t->lock);
}

/**
 * sio_dma_target_resume() - deliver a stall resume to stream @sid
 * @t: the target
 * @sid: stream ID
 * @stag: the stalled transaction's tag
 * @retry: retry it (else it is terminated)
 *
 * Context: as sio_dma_target_pri_response().
 */
void sio_dma_target_resume(struct sio_dma_target *t, u32 sid, u16 stag,
			   bool retry)
{
	struct sio_dma_link *link;

	mutex_lock(&t->lock);
	link = __target_lookup(t, sid);
	if (link && link->dev_ops && link->dev_ops->resume)
		link->dev_ops->resume(link->dev_data, stag, retry);
	mutex_unlock(&t->lock);
}

/**
 * sio_dma_target_atc_inv() - deliver an ATC invalidation to stream @sid
 * @t: the target
 * @sid: stream ID
 * @pasid_valid: for one PASID only
 * @pasid: the PASID
 * @addr: first address
 * @size: bytes (0 with @global: everything)
 * @global: invalidate every entry
 *
 * Context: as sio_dma_target_pri_response().
 */
void sio_dma_target_atc_inv(struct sio_dma_target *t, u32 sid,
			    bool pasid_valid, u32 pasid, u64 addr, u64 size,
			    bool global)
{
	struct sio_dma_link *link;

	mutex_lock(&t->lock);
	link = __target_lookup(t, sid);
	if (link && link->dev_ops && link->dev_ops->atc_inv)
		link->dev_ops->atc_inv(link->dev_data, pasid_valid, pasid, addr,
				       size, global);
	mutex_unlock(&t->lock);
}

/* ------------------------------------------------------ the device side */

/**
 * sio_dma_link_set_dev_ops() - say where @dev hears its IOMMU's messages
 * @dev: the device
 * @ops: handlers (static storage), or NULL to stop hearing them
 * @data: their argument
 *
 * Context: may sleep; takes the target lock, so that on return no handler
 * of the previous @ops is running.
 * Return: 0; -EINVAL (NULL @dev); -ENODEV (@dev has no live link: no IOMMU
 * in the way, or removed).
 */
int sio_dma_link_set_dev_ops(struct sio_device *dev,
			     const struct sio_dma_link_dev_ops *ops,
			     void *data)
{
	struct sio_dma_link *link;
	int ret = -ENODEV;

	if (!dev || !dev->machine)
		return -EINVAL;
	mutex_lock(&dev->machine->dma_link_lock);
	link = dev->dma_link;
	if (link && link->state == SIO_DMA_LINK_LIVE) {
		mutex_lock(&link->target->lock);
		link->dev_ops = ops;
		link->dev_data = ops ? data : NULL;
		mutex_unlock(&link->target->lock);
		ret = 0;
	}
	mutex_unlock(&dev->machine->dma_link_lock);
	return ret;
}

/**
 * sio_dma_link_state() - what @dev's transactions do now
 * @dev: the device
 *
 * Context: any thread; lock-free.
 * Return: enum sio_dma_link_state.
 */
enum sio_dma_link_state sio_dma_link_state(struct sio_device *dev)
{
	struct sio_dma_link *link;

	if (!dev)
		return SIO_DMA_LINK_NONE;
	link = dev_link(dev);
	return link ? (enum sio_dma_link_state)link_state(link) :
		      SIO_DMA_LINK_NONE;
}

/* The live target of @dev's link with its ops, or an errno. */
static int link_target(struct sio_device *dev, struct sio_dma_link **plink,
		       const struct sio_dma_target_ops **pops)
{
	struct sio_dma_link *link = dev_link(dev);

	*plink = link;
	if (!link)
		return 0;
	if (link_state(link) != SIO_DMA_LINK_LIVE)
		return -ENODEV;
	*pops = __atomic_load_n(&link->target->ops, __ATOMIC_ACQUIRE);
	return *pops ? 0 : -ENODEV;
}

/* Bytes of a transfer one translation covers: @valid, else to the page end. */
static size_t xfer_chunk(u64 iova, size_t valid, size_t len)
{
	size_t chunk = valid ? valid : PAGE_SIZE - (iova & (PAGE_SIZE - 1));

	return chunk < len ? chunk : len;
}

/**
 * sio_dma_link_translate() - send one translation through @dev's link
 * @dev: the device
 * @pasid_valid: tagged with @pasid
 * @pasid: the PASID
 * @addr: input address
 * @access: SIO_DMA_READ and/or SIO_DMA_WRITE
 * @type: enum sio_dma_txn_type
 * @pa: output address on success
 * @contig: bytes valid from @pa (0: to the end of the page)
 *
 * With no IOMMU in the way an untranslated transaction is its own output;
 * PASID-tagged and ATS transactions then fail (-EFAULT: nothing to take
 * them).
 *
 * Context: any thread; lock-free up to the IOMMU's input side.
 * Return: 0, -EFAULT, -EAGAIN, -EOPNOTSUPP as the target's translate;
 * -ENODEV (removed device or IOMMU); -EINVAL (bad argument).
 */
int sio_dma_link_translate(struct sio_device *dev, bool pasid_valid,
			   u32 pasid, u64 addr, unsigned int access,
			   enum sio_dma_txn_type type, u64 *pa,
			   size_t *contig)
{
	const struct sio_dma_target_ops *ops = NULL;
	struct sio_dma_observer *obs;
	struct sio_dma_link *link;
	struct sio_dma_txn txn;
	u64 token = 0;
	int ret;

	if (!dev || !pa || !contig || !access ||
	    (access & ~(SIO_DMA_READ | SIO_DMA_WRITE)) ||
	    type > SIO_DMA_TXN_TRANSLATED)
		return -EINVAL;
	ret = link_target(dev, &link, &ops);
	if (ret)
		return ret;
	obs = sio_dma_observer();
	if (!link) {
		if (pasid_valid || type != SIO_DMA_TXN_UNTRANSLATED)
			return -EFAULT;
		*pa = addr;
		*contig = 0;
		if (unlikely(obs)) {
			txn = (struct sio_dma_txn){ .dev = dev,
						    .addr = addr,
						    .access = access };
			token = obs->txn_begin(obs, &txn);
			obs->txn_end(obs, &txn, token, false, 0, addr,
				     PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
		}
		return 0;
	}
	txn = (struct sio_dma_txn){
		.dev = dev, .sid = link->sid, .pasid_valid = pasid_valid,
		.pasid = pasid, .addr = addr, .access = access, .type = type,
	};
	if (likely(!obs))
		return ops->translate(link->target->priv, &txn, pa, contig);
	token = obs->txn_begin(obs, &txn);
	ret = ops->translate(link->target->priv, &txn, pa, contig);
	if (ret)
		obs->txn_end(obs, &txn, token, true, ret, 0, 0);
	else
		obs->txn_end(obs, &txn, token, true, 0, *pa,
			     xfer_chunk(addr, *contig, SIZE_MAX));
	return ret;
}

/**
 * sio_dma_link_page_request() - @dev sends a PRI page request
 * @dev: the device
 * @pasid_valid: the request carries a PASID
 * @pasid: the PASID
 * @grpid: page request group index
 * @last: last request of the group
 * @perm: SIO_DMA_READ/SIO_DMA_WRITE wanted
 * @addr: page address
 *
 * Context: any thread.
 * Return: as the target's page_request; -ENODEV (no IOMMU in the way, one
 * without PRI, or removed); -EINVAL (NULL @dev).
 */
int sio_dma_link_page_request(struct sio_device *dev, bool pasid_valid,
			      u32 pasid, u16 grpid, bool last,
			      unsigned int perm, u64 addr)
{
	const struct sio_dma_target_ops *ops = NULL;
	struct sio_dma_link *link;
	int ret;

	if (!dev)
		return -EINVAL;
	ret = link_target(dev, &link, &ops);
	if (ret)
		return ret;
	if (!link || !ops->page_request)
		return -ENODEV;
	return ops->page_request(link->target->priv, link->sid, pasid_valid,
				 pasid, grpid, last, perm, addr);
}

/* ----------------------------------------------------- device-model hooks */

/**
 * sio_dma_link_connect() - wire a device being added to its IOMMU
 * @dev: the device (sio_device_add(), before any driver can bind)
 *
 * A device whose firmware names no IOMMU, or one that does not exist yet,
 * stays unwired (untranslated) until that IOMMU's target is added.
 *
 * Context: may sleep; takes the machine's dma_link_lock and a target lock.
 * Return: 0 or -ENOMEM (nothing changed).
 */
int sio_dma_link_connect(struct sio_device *dev)
{
	struct sio_machine *m = dev->machine;
	struct sio_dma_target *t;
	struct sio_dma_link *link;
	int ret = 0;

	if (!m)
		return 0;
	mutex_lock(&m->dma_link_lock);
	/* Added again after a removal: back on the fabric. */
	if (dev->dma_link == &dma_link_dead)
		__atomic_store_n(&dev->dma_link, NULL, __ATOMIC_RELEASE);
	t = dev->fw.iommu[0] ? __target_find(m, dev->fw.iommu) : NULL;
	if (t && (!dev->dma_link || dev->dma_link->state != SIO_DMA_LINK_LIVE)) {
		link = link_alloc(dev, t);
		if (link)
			__link_publish(link);
		else
			ret = -ENOMEM;
	}
	mutex_unlock(&m->dma_link_lock);
	return ret;
}

/**
 * sio_dma_link_disconnect() - a device was removed: its DMA aborts from now
 * @dev: the device (end of sio_device_del())
 *
 * Context: may sleep; takes the machine's dma_link_lock and a target lock.
 */
void sio_dma_link_disconnect(struct sio_device *dev)
{
	struct sio_machine *m = dev->machine;
	struct sio_dma_link *link;

	if (!m)
		return;
	mutex_lock(&m->dma_link_lock);
	link = dev->dma_link;
	if (link && link->state == SIO_DMA_LINK_LIVE)
		__link_kill(link);
	else if (!link)
		__atomic_store_n(&dev->dma_link, &dma_link_dead,
				 __ATOMIC_RELEASE);
	mutex_unlock(&m->dma_link_lock);
}

/**
 * sio_dma_link_unwire() - undo sio_dma_link_connect() (a failed add)
 * @dev: the device
 *
 * Context: may sleep; takes the machine's dma_link_lock and a target lock.
 */
void sio_dma_link_unwire(struct sio_device *dev)
{
	struct sio_machine *m = dev->machine;
	struct sio_dma_link *link;

	if (!m)
		return;
	mutex_lock(&m->dma_link_lock);
	link = dev->dma_link;
	if (link && link->state == SIO_DMA_LINK_LIVE)
		__link_kill(link);
	mutex_unlock(&m->dma_link_lock);
}

/**
 * sio_dma_link_release() - free @dev's links (its last reference went)
 * @dev: the device
 *
 * Context: no reference to @dev is left, so no transaction is running.
 */
void sio_dma_link_release(struct sio_device *dev)
{
	struct sio_dma_link *link = dev->dma_link, *prev;

	dev->dma_link = NULL;
	for (; link && link != &dma_link_dead; link = prev) {
		prev = link->prev;
		WARN_ON(link->state == SIO_DMA_LINK_LIVE);
		target_put(link->target);
		kfree(link);
	}
}

/**
 * sio_dma_link_machine_free() - the machine goes: drop leftover targets
 * @m: the machine
 *
 * Every IOMMU model removes its target before the machine is freed; one
 * that did not is a bug (WARN), removed here so nothing leaks.
 *
 * Context: may sleep; no device of @m is left on a bus.
 */
void sio_dma_link_machine_free(struct sio_machine *m)
{
	struct sio_dma_target *t;

	for (;;) {
		mutex_lock(&m->dma_link_lock);
		t = list_first_entry_or_null(&m->dma_targets,
					     struct sio_dma_target, node);
		mutex_unlock(&m->dma_link_lock);
		if (!t)
			break;
		WARN(1, "IOMMU input %s still on machine %s at its end",
		     t->name, m->name);
		sio_dma_target_remove(t);
	}
	mutex_destroy(&m->dma_link_lock);
}

/* ------------------------------------------------------------ device DMA */

/*
 * One transfer, page by page through the link (or straight to RAM with no
 * IOMMU in the way).  @rbuf for reads, @wbuf for writes.
 */
static int sio_dma_xfer(struct sio_device *dev, bool pasid_valid, u32 pasid,
			u64 iova, void *rbuf, const void *wbuf, size_t len)
{
	unsigned int access = rbuf ? SIO_DMA_READ : SIO_DMA_WRITE;
	const struct sio_dma_target_ops *ops = NULL;
	struct sio_dma_observer *obs;
	struct sio_dma_link *link;
	struct sio_phys_mem *mem;
	struct sio_dma_txn txn;
	u64 token = 0;
	int ret;

	if (!dev || (!rbuf && !wbuf) || !dev->machine)
		return -EINVAL;
	ret = link_target(dev, &link, &ops);
	if (ret)
		return ret;
	mem = READ_ONCE(dev->machine->mem);
	if (!mem)
		return -EINVAL;
	if (!len)
		return 0;

	obs = sio_dma_observer();
	if (!link) {
		if (pasid_valid)
			return -EFAULT; /* no PASID without an IOMMU */
		if (iova + len < iova)
			return -EFAULT;
		if (unlikely(obs)) {
			txn = (struct sio_dma_txn){ .dev = dev,
						    .addr = iova,
						    .access = access };
			token = obs->txn_begin(obs, &txn);
			obs->txn_end(obs, &txn, token, false, 0, iova, len);
		}
		return rbuf ? sio_phys_copy_from(mem, iova, rbuf, len) :
			      sio_phys_copy_to(mem, iova, wbuf, len);
	}

	txn = (struct sio_dma_txn){
		.dev = dev, .sid = link->sid, .pasid_valid = pasid_valid,
		.pasid = pasid, .access = access,
		.type = SIO_DMA_TXN_UNTRANSLATED,
	};
	while (len) {
		size_t valid = 0, chunk;
		u64 pa;

		txn.addr = iova;
		if (unlikely(obs))
			token = obs->txn_begin(obs, &txn);
		ret = ops->translate(link->target->priv, &txn, &pa, &valid);
		if (unlikely(obs))
			obs->txn_end(obs, &txn, token, true, ret, ret ? 0 : pa,
				     ret ? 0 : xfer_chunk(iova, valid, len));
		if (ret)
			return ret;
		chunk = xfer_chunk(iova, valid, len);
		ret = rbuf ? sio_phys_copy_from(mem, pa, rbuf, chunk) :
			     sio_phys_copy_to(mem, pa, wbuf, chunk);
		if (ret)
			return ret;
		if (rbuf)
			rbuf = (u8 *)rbuf + chunk;
		else
			wbuf = (const u8 *)wbuf + chunk;
		iova += chunk;
		len -= chunk;
		/* Wrapped around the address space: a fault on real hardware. */
		if (len && !iova)
			return -EFAULT;
	}
	return 0;
}

/**
 * sio_dma_read() - the device reads @len bytes at DMA address @iova
 * @dev: the device
 * @iova: DMA address
 * @buf: destination
 * @len: bytes
 *
 * Context: any thread; no core lock.
 * Return: 0, -EFAULT, -EAGAIN, -ENODEV, -EINVAL (see include/softiommu/dma.h).
 */
int sio_dma_read(struct sio_device *dev, uint64_t iova, void *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, false, 0, iova, buf, NULL, len);
}

/**
 * sio_dma_write() - the device writes @len bytes of @buf at @iova
 * @dev: the device
 * @iova: DMA address
 * @buf: source
 * @len: bytes
 *
 * Context: any thread.
 * Return: as sio_dma_read().
 */
int sio_dma_write(struct sio_device *dev, uint64_t iova, const void *buf,
		  size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, false, 0, iova, NULL, buf, len);
}

/**
 * sio_dma_read_pasid() - sio_dma_read() tagged with @pasid
 * @dev: the device
 * @pasid: the PASID (substream ID)
 * @iova: DMA address in that address space
 * @buf: destination
 * @len: bytes
 *
 * Context: any thread.
 * Return: as sio_dma_read().
 */
int sio_dma_read_pasid(struct sio_device *dev, uint32_t pasid, uint64_t iova,
		       void *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, true, pasid, iova, buf, NULL, len);
}

/**
 * sio_dma_write_pasid() - sio_dma_write() tagged with @pasid
 * @dev: the device
 * @pasid: the PASID
 * @iova: DMA address
 * @buf: source
 * @len: bytes
 *
 * Context: any thread.
 * Return: as sio_dma_read().
 */
int sio_dma_write_pasid(struct sio_device *dev, uint32_t pasid, uint64_t iova,
			const void *buf, size_t len)
{
	if (!buf)
		return -EINVAL;
	return sio_dma_xfer(dev, true, pasid, iova, NULL, buf, len);
}

/**
 * sio_dma_translate() - translate one address as a transaction would
 * @dev: the device
 * @iova: DMA address
 * @access: SIO_DMA_READ and/or SIO_DMA_WRITE
 * @pa: result
 *
 * Context: any thread.
 * Return: as sio_dma_read(); -EINVAL for bad @access.
 */
int sio_dma_translate(struct sio_device *dev, uint64_t iova,
		      unsigned int access, uint64_t *pa)
{
	size_t contig;

	return sio_dma_link_translate(dev, false, 0, iova, access,
				      SIO_DMA_TXN_UNTRANSLATED, pa, &contig);
}

/**
 * sio_dma_translate_pasid() - sio_dma_translate() tagged with @pasid
 * @dev: the device
 * @pasid: the PASID
 * @iova: DMA address
 * @access: SIO_DMA_READ and/or SIO_DMA_WRITE
 * @pa: result
 *
 * Context: any thread.
 * Return: as sio_dma_translate().
 */
int sio_dma_translate_pasid(struct sio_device *dev, uint32_t pasid,
			    uint64_t iova, unsigned int access, uint64_t *pa)
{
	size_t contig;

	return sio_dma_link_translate(dev, true, pasid, iova, access,
				      SIO_DMA_TXN_UNTRANSLATED, pa, &contig);
}

/* ------------------------------------------------------------- observer */

struct sio_dma_observer *sio_dma_observer_current;

/**
 * sio_dma_observer_install() - install @obs for every machine of the process
 * @obs: the observer (all callbacks set)
 *
 * Context: no DMA, map or unmap may run anywhere in the process (an event
 * pair would straddle the change); test setup.
 * Return: 0; -EBUSY (another observer is installed); -EINVAL (NULL, or a
 * callback missing).
 */
int sio_dma_observer_install(struct sio_dma_observer *obs)
{
	struct sio_dma_observer *none = NULL;

	if (!obs || !obs->txn_begin || !obs->txn_end || !obs->map_begin ||
	    !obs->map_end || !obs->unmap || !obs->domain_free)
		return -EINVAL;
	if (!__atomic_compare_exchange_n(&sio_dma_observer_current, &none, obs,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return -EBUSY;
	return 0;
}

/**
 * sio_dma_observer_remove() - undo sio_dma_observer_install()
 * @obs: the installed observer (anything else is left alone)
 *
 * Context: as sio_dma_observer_install(); no callback runs after it.
 */
void sio_dma_observer_remove(struct sio_dma_observer *obs)
{
	__atomic_compare_exchange_n(&sio_dma_observer_current, &obs, NULL,
				    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
