// SPDX-License-Identifier: BSD-3-Clause
/*
 * xarray: a radix tree of 64-slot nodes (6 index bits per level) whose
 * height grows on demand.  Writers hold xa_lock and publish with
 * rcu_assign_pointer(); readers walk under RCU; removed nodes are freed
 * after a grace period.  A store preallocates every node it needs before
 * touching the tree, so an allocation failure changes nothing.
 * Kernel counterpart: lib/xarray.c
 */
#include "base/alloc.h"
#include "base/bug.h"
#include "base/rcu.h"
#include "base/xarray.h"

#define XA_CHUNK_SHIFT	6
#define XA_CHUNK_SIZE	(1U << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK	(XA_CHUNK_SIZE - 1)
#define XA_MAX_SHIFT	60	/* top level of a full 64-bit index */
#define XA_MAX_LEVELS	(XA_MAX_SHIFT / XA_CHUNK_SHIFT + 1)

struct xa_node {
	unsigned char shift;		/* index bits below this node's slots */
	unsigned char offset;		/* slot in parent; writers only */
	unsigned char count;		/* non-NULL slots; writers only */
	struct xa_node *parent;		/* writers only */
	/*
	 * RCU-protected: child nodes when shift > 0, entries (or the reserved
	 * marker) when shift == 0.
	 */
	void *slots[XA_CHUNK_SIZE];
	struct rcu_head rcu;
};

/*
 * A reserved index holds this marker: readers see NULL, xa_insert() sees it
 * occupied.  Its address cannot be a caller's object.
 */
static const unsigned int xa_reserved_marker __attribute__((aligned(8)));
#define XA_RESERVED ((void *)&xa_reserved_marker)

static inline bool xa_is_reserved(const void *entry)
{
	return entry == XA_RESERVED;
}

static inline void *xa_mk_err(int err)
{
	return (void *)(long)err;
}

/* Highest index a tree whose top node has @shift can hold. */
static inline unsigned long xa_max_index(unsigned int shift)
{
	if (shift + XA_CHUNK_SHIFT >= 64)
		return ULONG_MAX;
	return (1UL << (shift + XA_CHUNK_SHIFT)) - 1;
}

/* Smallest top shift that covers @index. */
static unsigned int xa_shift_for(unsigned long index)
{
	unsigned int s = 0;

	while (s + XA_CHUNK_SHIFT < 64 && (index >> (s + XA_CHUNK_SHIFT)))
		s += XA_CHUNK_SHIFT;
	return s;
}

static inline unsigned int xa_offset(unsigned long index, unsigned int shift)
{
	return (unsigned int)(index >> shift) & XA_CHUNK_MASK;
}

static void xa_node_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct xa_node, rcu));
}

/* Readers may still be walking @node: free it after a grace period. */
static void xa_node_retire(struct xa_node *node)
{
	call_rcu(&node->rcu, xa_node_free_rcu);
}

/**
 * xa_init_flags() - set up an empty xarray (xa_init() passes no flags)
 * @xa: the array
 * @flags: XA_FLAGS_ALLOC or XA_FLAGS_ALLOC1 for arrays used with xa_alloc()
 *
 * Context: any thread; @xa must not be in use.
 */
void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	spin_lock_init(&xa->xa_lock);
	xa->xa_flags = flags;
	RCU_INIT_POINTER(xa->xa_head, NULL);
	xa->xa_next_alloc = 0;
}

static void xa_destroy_node(struct xa_node *node)
{
	unsigned int i;

	if (node->shift)
		for (i = 0; i < XA_CHUNK_SIZE; i++)
			if (node->slots[i])
				xa_destroy_node(node->slots[i]);
	xa_node_retire(node);
}

/**
 * xa_destroy() - remove every entry and free the nodes
 * @xa: the array; empty (and reusable) afterwards
 *
 * The entries themselves are the caller's to free.  Nodes are freed after a
 * grace period, so a concurrent reader stays safe (and may see old entries
 * until it leaves its read-side section).
 *
 * Context: takes xa_lock (one class for every xarray: the caller must not
 * hold another xarray's lock).
 */
void xa_destroy(struct xarray *xa)
{
	struct xa_node *head;

	xa_lock(xa);
	head = xa->xa_head;
	RCU_INIT_POINTER(xa->xa_head, NULL);
	if (head)
		xa_destroy_node(head);
	xa_unlock(xa);
}

/* Walk to the leaf slot of @index, or NULL if absent.  Reader or writer. */
static void **xa_leaf_slot(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = rcu_dereference(xa->xa_head);

	if (!node || index > xa_max_index(node->shift))
		return NULL;
	while (node->shift) {
		node = rcu_dereference(node->slots[xa_offset(index, node->shift)]);
		if (!node)
			return NULL;
	}
	return &node->slots[index & XA_CHUNK_MASK];
}

/**
 * xa_load() - the entry at @index
 * @xa: the array
 * @index: the index
 *
 * Context: any thread; takes the RCU read lock itself (a thread that is not
 * registered is registered by it).  The entry is only safe to use while the
 * caller holds a lock or reference that keeps it alive (or is inside its
 * own rcu_read_lock()).
 * Return: the entry, or NULL if none or reserved.
 */
void *xa_load(struct xarray *xa, unsigned long index)
{
	void **slot;
	void *entry = NULL;

	rcu_read_lock();
	slot = xa_leaf_slot(xa, index);
	if (slot)
		entry = rcu_dereference(*slot);
	rcu_read_unlock();
	return xa_is_reserved(entry) ? NULL : entry;
}

/* The raw entry at @index (reserved marker included).  Caller holds xa_lock. */
static void *__xa_peek(struct xarray *xa, unsigned long index)
{
	void **slot = xa_leaf_slot(xa, index);

	return slot ? *slot : NULL;
}

/* Nodes a store of a non-NULL entry at @index must allocate.  Under xa_lock. */
static unsigned int xa_nodes_needed(struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa->xa_head;
	unsigned int want = xa_shift_for(index), t, n;

	if (!node)
		return want / XA_CHUNK_SHIFT + 1;
	if (node->shift < want) {
		/*
		 * New top levels; the old tree hangs at their slot 0, and
		 * @index leaves that path at the first level where its
		 * offset is not 0: everything below is new too.
		 */
		n = (want - node->shift) / XA_CHUNK_SHIFT;
		for (t = want; t > node->shift; t -= XA_CHUNK_SHIFT)
			if (xa_offset(index, t))
				return n + t / XA_CHUNK_SHIFT;
		return n;	/* not reached: @index is above the old tree */
	}
	n = 0;
	while (node->shift) {
		struct xa_node *child = node->slots[xa_offset(index, node->shift)];

		if (!child)
			return n + node->shift / XA_CHUNK_SHIFT;
		node = child;
	}
	return n;
}

/* Worst case: a full set of new top levels plus a new path below the top. */
struct xa_prealloc {
	struct xa_node *nodes[2 * XA_MAX_LEVELS];
	unsigned int nr;
};

static int xa_prealloc_fill(struct xa_prealloc *pa, unsigned int n, gfp_t gfp)
{
	BUG_ON(n > ARRAY_SIZE(pa->nodes));
	pa->nr = 0;
	while (pa->nr < n) {
		struct xa_node *node = kzalloc(sizeof(*node), gfp);

		if (!node)
			goto free_nodes;
		pa->nodes[pa->nr++] = node;
	}
	return 0;

free_nodes:
	while (pa->nr)
		kfree(pa->nodes[--pa->nr]);
	return -ENOMEM;
}

static struct xa_node *xa_prealloc_take(struct xa_prealloc *pa,
					unsigned int shift,
					struct xa_node *parent,
					unsigned int offset)
{
	struct xa_node *node;

	BUG_ON(!pa->nr);
	node = pa->nodes[--pa->nr];
	node->shift = (unsigned char)shift;
	node->parent = parent;
	node->offset = (unsigned char)offset;
	return node;
}

/* Remove empty nodes from @node upwards, then shrink the height. */
static void xa_prune(struct xarray *xa, struct xa_node *node)
{
	struct xa_node *parent, *head, *child;

	while (node && !node->count) {
		parent = node->parent;
		if (parent) {
			RCU_INIT_POINTER(parent->slots[node->offset], NULL);
			parent->count--;
		} else {
			RCU_INIT_POINTER(xa->xa_head, NULL);
		}
		xa_node_retire(node);
		node = parent;
	}
	/* A top node whose only child is at slot 0 adds a useless level. */
	for (;;) {
		head = xa->xa_head;
		if (!head || !head->shift || head->count != 1 || !head->slots[0])
			break;
		child = head->slots[0];
		child->parent = NULL;
		rcu_assign_pointer(xa->xa_head, child);
		xa_node_retire(head);
	}
}

/* Erase @index.  Return: the raw old entry.  Caller holds xa_lock. */
static void *xa_store_null(struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf;
	void **slot;
	void *old;

	slot = xa_leaf_slot(xa, index);
	if (!slot || !*slot)
		return NULL;
	old = *slot;
	leaf = container_of(slot - (index & XA_CHUNK_MASK), struct xa_node,
			    slots[0]);
	RCU_INIT_POINTER(*slot, NULL);
	leaf->count--;
	xa_prune(xa, leaf);
	return old;
}

/*
 * Store @entry (non-NULL, maybe the reserved marker) at @index.
 * Return: the raw old entry, or xa_mk_err(-ENOMEM) with the tree unchanged.
 * Caller holds xa_lock.
 */
static void *xa_store_raw(struct xarray *xa, unsigned long index, void *entry,
			  gfp_t gfp)
{
	struct xa_prealloc pa;
	struct xa_node *node, *child;
	unsigned int want = xa_shift_for(index), off;
	void *old;

	if (xa_prealloc_fill(&pa, xa_nodes_needed(xa, index), gfp))
		return xa_mk_err(-ENOMEM);

	node = xa->xa_head;
	if (!node) {
		node = xa_prealloc_take(&pa, want, NULL, 0);
		rcu_assign_pointer(xa->xa_head, node);
	}
	/* Grow: a new top holds the old tree at slot 0. */
	while (node->shift < want) {
		struct xa_node *top;

		top = xa_prealloc_take(&pa, node->shift + XA_CHUNK_SHIFT, NULL, 0);
		top->slots[0] = node;
		top->count = 1;
		node->parent = top;
		node->offset = 0;
		rcu_assign_pointer(xa->xa_head, top);
		node = top;
	}
	/* Descend, creating missing nodes; each is published initialised. */
	while (node->shift) {
		off = xa_offset(index, node->shift);
		child = node->slots[off];
		if (!child) {
			child = xa_prealloc_take(&pa,
						 node->shift - XA_CHUNK_SHIFT,
						 node, off);
			rcu_assign_pointer(node->slots[off], child);
			node->count++;
		}
		node = child;
	}
	WARN_ON(pa.nr);
	off = index & XA_CHUNK_MASK;
	old = node->slots[off];
	if (!old)
		node->count++;
	rcu_assign_pointer(node->slots[off], entry);
	return old;
}

/**
 * __xa_store() - xa_store() with xa_lock already held
 * @xa: the array
 * @index: the index
 * @entry: the new entry; NULL erases (a reservation too)
 * @gfp: allocation flags for new nodes
 *
 * Context: the caller holds @xa's xa_lock.  Allocates and queues RCU
 * callbacks under it.
 * Return: see xa_store().
 */
void *__xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	lockdep_assert_held(&xa->xa_lock);
	if (WARN_ON_ONCE(xa_is_err(entry) || xa_is_reserved(entry)))
		return xa_mk_err(-EINVAL);
	if (!entry)
		old = xa_store_null(xa, index);
	else
		old = xa_store_raw(xa, index, entry, gfp);
	return xa_is_reserved(old) ? NULL : old;
}

/**
 * xa_store() - store @entry at @index, replacing what was there
 * @xa: the array
 * @index: the index
 * @entry: the new entry (4-byte aligned); NULL erases (a reservation too)
 * @gfp: allocation flags for new nodes
 *
 * Every node the store needs is allocated before the tree is touched, so a
 * failed store changes nothing.
 *
 * Context: takes xa_lock; see xa_destroy() on nesting.
 * Return: the old entry (NULL if none or reserved), or an xa_err()-encoded
 * -ENOMEM (nothing stored) or -EINVAL (@entry is an error pointer; WARN).
 */
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	xa_lock(xa);
	old = __xa_store(xa, index, entry, gfp);
	xa_unlock(xa);
	return old;
}

/**
 * __xa_insert() - xa_insert() with xa_lock already held
 * @xa: the array
 * @index: the index
 * @entry: the new entry, or NULL to reserve @index
 * @gfp: allocation flags for new nodes
 *
 * Context: the caller holds @xa's xa_lock.
 * Return: see xa_insert().
 */
int __xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	lockdep_assert_held(&xa->xa_lock);
	if (WARN_ON_ONCE(xa_is_err(entry) || xa_is_reserved(entry)))
		return -EINVAL;
	if (__xa_peek(xa, index))
		return -EBUSY;
	/* Inserting NULL reserves the index, as in the kernel. */
	old = xa_store_raw(xa, index, entry ? entry : XA_RESERVED, gfp);
	return xa_is_err(old) ? xa_err(old) : 0;
}

/**
 * xa_insert() - store @entry at @index only if the index is free
 * @xa: the array
 * @index: the index
 * @entry: the new entry, or NULL to reserve @index (as in the kernel)
 * @gfp: allocation flags for new nodes
 *
 * Context: takes xa_lock; see xa_destroy() on nesting.
 * Return: 0, -EBUSY if @index holds an entry or a reservation, -ENOMEM
 * (nothing stored), -EINVAL if @entry is an error pointer (WARN).
 */
int xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	int ret;

	xa_lock(xa);
	ret = __xa_insert(xa, index, entry, gfp);
	xa_unlock(xa);
	return ret;
}

/**
 * __xa_cmpxchg() - xa_cmpxchg() with xa_lock already held
 * @xa: the array
 * @index: the index
 * @old: the entry expected at @index
 * @entry: the new entry; NULL erases
 * @gfp: allocation flags for new nodes
 *
 * Context: the caller holds @xa's xa_lock.
 * Return: see xa_cmpxchg().
 */
void *__xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		   void *entry, gfp_t gfp)
{
	void *cur, *seen, *ret;

	lockdep_assert_held(&xa->xa_lock);
	if (WARN_ON_ONCE(xa_is_err(entry) || xa_is_reserved(entry)))
		return xa_mk_err(-EINVAL);
	cur = __xa_peek(xa, index);
	seen = xa_is_reserved(cur) ? NULL : cur;
	if (seen != old)
		return seen;
	if (entry == cur)
		return seen;
	if (!entry)
		xa_store_null(xa, index);
	else {
		ret = xa_store_raw(xa, index, entry, gfp);
		if (xa_is_err(ret))
			return ret;
	}
	return seen;
}

/**
 * xa_cmpxchg() - store @entry at @index if the current entry is @old
 * @xa: the array
 * @index: the index
 * @old: the entry expected at @index; NULL also matches a reservation
 * @entry: the new entry; NULL erases
 * @gfp: allocation flags for new nodes
 *
 * Context: takes xa_lock; see xa_destroy() on nesting.
 * Return: the entry that was there (NULL for none or a reservation): equal
 * to @old if the exchange happened.  Or an xa_err()-encoded -ENOMEM
 * (nothing stored) or -EINVAL (@entry is an error pointer; WARN).
 */
void *xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		 void *entry, gfp_t gfp)
{
	void *ret;

	xa_lock(xa);
	ret = __xa_cmpxchg(xa, index, old, entry, gfp);
	xa_unlock(xa);
	return ret;
}

/**
 * xa_reserve() - reserve @index if it is empty
 * @xa: the array
 * @index: the index
 * @gfp: allocation flags for new nodes
 *
 * A reserved index reads as NULL but makes xa_insert() and xa_alloc() treat
 * it as taken.  An occupied index is left alone.
 *
 * Context: takes xa_lock; see xa_destroy() on nesting.
 * Return: 0 (reserved, or already occupied) or -ENOMEM.
 */
int xa_reserve(struct xarray *xa, unsigned long index, gfp_t gfp)
{
	void *ret;
	int err = 0;

	xa_lock(xa);
	if (!__xa_peek(xa, index)) {
		ret = xa_store_raw(xa, index, XA_RESERVED, gfp);
		if (xa_is_err(ret))
			err = xa_err(ret);
	}
	xa_unlock(xa);
	return err;
}

/**
 * xa_release() - drop a reservation made by xa_reserve() or xa_insert(NULL)
 * @xa: the array
 * @index: the index; an index holding an entry is left alone
 *
 * Context: takes xa_lock; see xa_destroy() on nesting.
 */
void xa_release(struct xarray *xa, unsigned long index)
{
	xa_lock(xa);
	if (xa_is_reserved(__xa_peek(xa, index)))
		xa_store_null(xa, index);
	xa_unlock(xa);
}

/**
 * __xa_erase() - xa_erase() with xa_lock already held
 * @xa: the array
 * @index: the index
 *
 * Context: the caller holds @xa's xa_lock.
 * Return: see xa_erase().
 */
void *__xa_erase(struct xarray *xa, unsigned long index)
{
	void *old;

	lockdep_assert_held(&xa->xa_lock);
	old = xa_store_null(xa, index);
	return xa_is_reserved(old) ? NULL : old;
}

/**
 * xa_erase() - remove the entry or reservation at @index
 * @xa: the array
 * @index: the index
 *
 * Nodes left empty are freed after a grace period.
 *
 * Context: takes xa_lock; see xa_destroy() on nesting.  Never fails.
 * Return: the old entry (NULL if none or reserved).
 */
void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *old;

	xa_lock(xa);
	old = __xa_erase(xa, index);
	xa_unlock(xa);
	return old;
}

/**
 * xa_empty() - does @xa hold nothing at all?
 * @xa: the array
 *
 * Context: any thread; a lock-free snapshot.
 * Return: true if no entry and no reservation is present.
 */
bool xa_empty(const struct xarray *xa)
{
	return !rcu_access_pointer(((struct xarray *)xa)->xa_head);
}

/*
 * First slot holding something at index in [@start, @max] under @node,
 * whose first index is @base.  Reserved slots count only if @reserved.
 * Works under xa_lock or RCU.  Return: the raw entry and its index in
 * *@found, or NULL.
 */
static void *xa_node_find(struct xa_node *node, unsigned long base,
			  unsigned long start, unsigned long max,
			  bool reserved, unsigned long *found)
{
	unsigned int shift = node->shift, off;
	unsigned long slot_base;
	void *e, *r;

	off = start > base ? xa_offset(start, shift) : 0;
	for (; off < XA_CHUNK_SIZE; off++) {
		if (shift && off > (ULONG_MAX >> shift))
			break;
		slot_base = base + ((unsigned long)off << shift);
		if (slot_base > max)
			break;
		e = rcu_dereference(node->slots[off]);
		if (!e)
			continue;
		if (!shift) {
			if (xa_is_reserved(e) && !reserved)
				continue;
			*found = slot_base;
			return e;
		}
		r = xa_node_find(e, slot_base, start > slot_base ? start : slot_base,
				 max, reserved, found);
		if (r)
			return r;
	}
	return NULL;
}

static void *xa_find_raw(struct xarray *xa, unsigned long start,
			 unsigned long max, bool reserved, unsigned long *found)
{
	struct xa_node *head = rcu_dereference(xa->xa_head);

	if (!head || start > max || start > xa_max_index(head->shift))
		return NULL;
	return xa_node_find(head, 0, start, max, reserved, found);
}

/**
 * xa_find() - first present entry at an index in [*@index, @max]
 * @xa: the array
 * @index: in: where to start; out: the entry's index (untouched if none)
 * @max: last index to look at
 *
 * Reserved indexes are skipped.  With xa_find_after(), what xa_for_each()
 * is made of.
 *
 * Context: any thread; takes the RCU read lock itself.  The same lifetime
 * rule as for xa_load() applies to the entry.
 * Return: the entry, or NULL if there is none in the range.
 */
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max)
{
	unsigned long found;
	void *entry;

	rcu_read_lock();
	entry = xa_find_raw(xa, *index, max, false, &found);
	rcu_read_unlock();
	if (entry)
		*index = found;
	return entry;
}

/**
 * xa_find_after() - first present entry at an index in (*@index, @max]
 * @xa: the array
 * @index: in: the index to start after; out: the entry's index (untouched
 *         if none)
 * @max: last index to look at
 *
 * Context: any thread; see xa_find().
 * Return: the entry, or NULL if there is none in the range.
 */
void *xa_find_after(struct xarray *xa, unsigned long *index, unsigned long max)
{
	unsigned long start;
	void *entry;

	if (*index == ULONG_MAX)
		return NULL;
	start = *index + 1;
	entry = xa_find(xa, &start, max);
	if (entry)
		*index = start;
	return entry;
}

/**
 * xa_alloc() - store @entry at the lowest free index in @limit
 * @xa: the array, initialised with XA_FLAGS_ALLOC (ids from 0) or
 *      XA_FLAGS_ALLOC1 (ids from 1)
 * @id: where the index is stored on success
 * @entry: the new entry, or NULL to reserve the index
 * @limit: the range of acceptable indexes
 * @gfp: allocation flags for new nodes
 *
 * Reserved indexes count as taken.
 *
 * Context: takes xa_lock; see xa_destroy() on nesting.
 * Return: 0 with *@id set; -EBUSY if every index in @limit is taken;
 * -ENOMEM (nothing stored); -EINVAL if @xa is not an allocating array or
 * @entry is an error pointer (WARN).
 */
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit,
	     gfp_t gfp)
{
	unsigned long idx, max = limit.max;
	void *ret;
	int err = -EBUSY;

	if (WARN_ON_ONCE(!(xa->xa_flags & (XA_FLAGS_ALLOC | XA_FLAGS_ALLOC1))))
		return -EINVAL;
	if (WARN_ON_ONCE(xa_is_err(entry) || xa_is_reserved(entry)))
		return -EINVAL;
	idx = limit.min;
	if ((xa->xa_flags & XA_FLAGS_ALLOC1) && idx == 0)
		idx = 1;
	xa_lock(xa);
	if (idx > max)
		goto unlock;
	/* Lowest free id: reserved ids are taken. */
	while (__xa_peek(xa, idx)) {
		if (idx == max)
			goto unlock;
		idx++;
	}
	ret = xa_store_raw(xa, idx, entry ? entry : XA_RESERVED, gfp);
	if (xa_is_err(ret)) {
		err = xa_err(ret);
		goto unlock;
	}
	*id = (u32)idx;
	err = 0;
unlock:
	xa_unlock(xa);
	return err;
}
