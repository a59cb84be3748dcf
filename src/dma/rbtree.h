/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Intrusive red-black tree with optional augmentation (a per-node value
 * computed from the node and its two children, kept exact across inserts,
 * erases and rotations).  The caller does the ordered descent and links the
 * new node; the tree only rebalances.  No locking: the owner serialises.
 * Kernel counterpart: include/linux/rbtree.h, include/linux/rbtree_augmented.h
 */
#ifndef SIO_DMA_RBTREE_H
#define SIO_DMA_RBTREE_H

#include "base/types.h"

struct rb_node {
	struct rb_node *rb_parent;
	struct rb_node *rb_left;
	struct rb_node *rb_right;
	bool rb_red;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT			    ((struct rb_root){ NULL })
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member)                      \
	({                                                    \
		__typeof__(ptr) __rbp = (ptr);                \
		__rbp ? rb_entry(__rbp, type, member) : NULL; \
	})

/*
 * Recompute @node's augmented value from the node itself and its children
 * (whose values are already exact).  Called bottom-up.
 */
typedef void (*rb_augment_fn)(struct rb_node *node);

static inline struct rb_node *rb_parent(const struct rb_node *node)
{
	return node->rb_parent;
}

static inline bool rb_is_red(const struct rb_node *node)
{
	return node && node->rb_red;
}

static inline bool RB_EMPTY_ROOT(const struct rb_root *root)
{
	return root->rb_node == NULL;
}

/**
 * rb_link_node() - attach a new red leaf where the descent ended
 * @node: the new node
 * @parent: the last node visited (NULL for an empty tree)
 * @link: &parent->rb_left, &parent->rb_right or &root->rb_node
 *
 * Follow with rb_insert_color() or rb_insert_augmented().
 * Context: caller serialises access to the tree.
 */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	node->rb_red = true;
	*link = node;
}

/* Rebalance after rb_link_node() (kernel-doc in rbtree.c). */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 rb_augment_fn aug);

static inline void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	rb_insert_augmented(node, root, NULL);
}

/* Unlink @node and rebalance (kernel-doc in rbtree.c). */
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			rb_augment_fn aug);

static inline void rb_erase(struct rb_node *node, struct rb_root *root)
{
	rb_erase_augmented(node, root, NULL);
}

/* Recompute @node and its ancestors (kernel-doc in rbtree.c). */
void rb_augment_propagate(struct rb_node *node, rb_augment_fn aug);

/* In-order navigation; NULL past either end.  O(log n) worst, O(1) amortised. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/*
 * Post-order navigation (children before parents), for freeing every node:
 * the successor is computed before the current node is freed.
 */
struct rb_node *rb_first_postorder(const struct rb_root *root);
struct rb_node *rb_next_postorder(const struct rb_node *node);

#endif /* SIO_DMA_RBTREE_H */
