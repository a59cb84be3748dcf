// SPDX-License-Identifier: BSD-3-Clause
/*
 * Red-black tree rebalancing (textbook insert/erase fix-ups with explicit
 * NULL leaves) and navigation, with optional augmentation.
 * Kernel counterpart: lib/rbtree.c
 */
#include "dma/rbtree.h"

/* Make @new take @old's place under @parent (or as the root). */
static void rb_replace_child(struct rb_root *root, struct rb_node *parent,
			     struct rb_node *old, struct rb_node *new)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 * Rotations keep every ancestor's subtree the same set of nodes, so only the
 * two nodes that moved need recomputing: the lower one first.
 */
static void rb_rotate_left(struct rb_root *root, struct rb_node *x,
			   rb_augment_fn aug)
{
	struct rb_node *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left)
		y->rb_left->rb_parent = x;
	y->rb_parent = x->rb_parent;
	rb_replace_child(root, x->rb_parent, x, y);
	y->rb_left = x;
	x->rb_parent = y;
	if (aug) {
		aug(x);
		aug(y);
	}
}

static void rb_rotate_right(struct rb_root *root, struct rb_node *x,
			    rb_augment_fn aug)
{
	struct rb_node *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right)
		y->rb_right->rb_parent = x;
	y->rb_parent = x->rb_parent;
	rb_replace_child(root, x->rb_parent, x, y);
	y->rb_right = x;
	x->rb_parent = y;
	if (aug) {
		aug(x);
		aug(y);
	}
}

/**
 * rb_augment_propagate() - recompute @node and all its ancestors
 * @node: a node whose own inputs changed (NULL does nothing)
 * @aug: recompute callback
 *
 * Context: caller serialises access to the tree.
 */
void rb_augment_propagate(struct rb_node *node, rb_augment_fn aug)
{
	for (; node; node = node->rb_parent)
		aug(node);
}

/**
 * rb_insert_augmented() - rebalance after rb_link_node()
 * @node: the node just linked
 * @root: the tree
 * @aug: recompute callback, or NULL for a plain tree
 *
 * With @aug, recomputes @node and every ancestor, then keeps the values
 * exact through the rotations.  O(log n).
 * Context: caller serialises access to the tree.
 */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 rb_augment_fn aug)
{
	struct rb_node *n = node, *p, *g, *u;

	if (aug)
		rb_augment_propagate(node, aug);

	while ((p = n->rb_parent) && p->rb_red) {
		g = p->rb_parent; /* a red node is never the root */
		if (p == g->rb_left) {
			u = g->rb_right;
			if (rb_is_red(u)) {
				p->rb_red = false;
				u->rb_red = false;
				g->rb_red = true;
				n = g;
				continue;
			}
			if (n == p->rb_right) {
				rb_rotate_left(root, p, aug);
				n = p;
				p = n->rb_parent;
			}
			p->rb_red = false;
			g->rb_red = true;
			rb_rotate_right(root, g, aug);
		} else {
			u = g->rb_left;
			if (rb_is_red(u)) {
				p->rb_red = false;
				u->rb_red = false;
				g->rb_red = true;
				n = g;
				continue;
			}
			if (n == p->rb_left) {
				rb_rotate_right(root, p, aug);
				n = p;
				p = n->rb_parent;
			}
			p->rb_red = false;
			g->rb_red = true;
			rb_rotate_left(root, g, aug);
		}
	}
	root->rb_node->rb_red = false;
}

/*
 * Restore the black height after a black node was removed above @x (which
 * may be NULL, a leaf) whose parent is @xp.
 */
static void rb_erase_fixup(struct rb_root *root, struct rb_node *x,
			   struct rb_node *xp, rb_augment_fn aug)
{
	struct rb_node *w;

	while (x != root->rb_node && !rb_is_red(x)) {
		if (x == xp->rb_left) {
			w = xp->rb_right; /* non-NULL: x's side lost a black */
			if (w->rb_red) {
				w->rb_red = false;
				xp->rb_red = true;
				rb_rotate_left(root, xp, aug);
				w = xp->rb_right;
			}
			if (!rb_is_red(w->rb_left) && !rb_is_red(w->rb_right)) {
				w->rb_red = true;
				x = xp;
				xp = x->rb_parent;
				continue;
			}
			if (!rb_is_red(w->rb_right)) {
				w->rb_left->rb_red = false;
				w->rb_red = true;
				rb_rotate_right(root, w, aug);
				w = xp->rb_right;
			}
			w->rb_red = xp->rb_red;
			xp->rb_red = false;
			w->rb_right->rb_red = false;
			rb_rotate_left(root, xp, aug);
		} else {
			w = xp->rb_left;
			if (w->rb_red) {
				w->rb_red = false;
				xp->rb_red = true;
				rb_rotate_right(root, xp, aug);
				w = xp->rb_left;
			}
			if (!rb_is_red(w->rb_left) && !rb_is_red(w->rb_right)) {
				w->rb_red = true;
				x = xp;
				xp = x->rb_parent;
				continue;
			}
			if (!rb_is_red(w->rb_left)) {
				w->rb_right->rb_red = false;
				w->rb_red = true;
				rb_rotate_left(root, w, aug);
				w = xp->rb_left;
			}
			w->rb_red = xp->rb_red;
			xp->rb_red = false;
			w->rb_left->rb_red = false;
			rb_rotate_right(root, xp, aug);
		}
		x = root->rb_node;
		break;
	}
	if (x)
		x->rb_red = false;
}

/**
 * rb_erase_augmented() - unlink @node and rebalance
 * @node: a node in @root
 * @root: the tree
 * @aug: recompute callback, or NULL
 *
 * @node's own fields are left stale.  O(log n).
 * Context: caller serialises access to the tree.
 */
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			rb_augment_fn aug)
{
	struct rb_node *y, *x, *xp;
	bool removed_red;

	/* y: the node physically unlinked (node itself or its successor) */
	if (!node->rb_left || !node->rb_right) {
		y = node;
	} else {
		y = node->rb_right;
		while (y->rb_left)
			y = y->rb_left;
	}
	x = y->rb_left ? y->rb_left : y->rb_right;
	xp = y->rb_parent;
	removed_red = y->rb_red;

	if (x)
		x->rb_parent = xp;
	rb_replace_child(root, xp, y, x);

	if (y != node) {
		/* The successor takes over node's position and colour. */
		if (xp == node)
			xp = y;
		removed_red = y->rb_red;
		y->rb_left = node->rb_left;
		y->rb_right = node->rb_right;
		y->rb_parent = node->rb_parent;
		y->rb_red = node->rb_red;
		if (y->rb_left)
			y->rb_left->rb_parent = y;
		if (y->rb_right)
			y->rb_right->rb_parent = y;
		rb_replace_child(root, node->rb_parent, node, y);
	}

	/* xp's path to the root covers every node whose subtree changed. */
	if (aug)
		rb_augment_propagate(xp, aug);

	if (!removed_red && root->rb_node)
		rb_erase_fixup(root, x, xp, aug);
}

/**
 * rb_first() - the leftmost (smallest) node of @root
 * @root: the tree
 *
 * Context: caller serialises access to the tree.
 * Return: the node, or NULL for an empty tree.
 */
struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

/**
 * rb_last() - the rightmost (largest) node of @root
 * @root: the tree
 *
 * Context: caller serialises access to the tree.
 * Return: the node, or NULL for an empty tree.
 */
struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

/**
 * rb_next() - the in-order successor of @node
 * @node: a node in a tree
 *
 * Context: caller serialises access to the tree.
 * Return: the successor, or NULL past the end (O(1) amortised).
 */
struct rb_node *rb_next(const struct rb_node *node)
{
	const struct rb_node *p;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((p = node->rb_parent) && node == p->rb_right)
		node = p;
	return (struct rb_node *)p;
}

/**
 * rb_prev() - the in-order predecessor of @node
 * @node: a node in a tree
 *
 * Context: caller serialises access to the tree.
 * Return: the predecessor, or NULL before the start.
 */
struct rb_node *rb_prev(const struct rb_node *node)
{
	const struct rb_node *p;

	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((p = node->rb_parent) && node == p->rb_left)
		node = p;
	return (struct rb_node *)p;
}

static struct rb_node *rb_deepest_left(const struct rb_node *node)
{
	for (;;) {
		if (node->rb_left)
			node = node->rb_left;
		else if (node->rb_right)
			node = node->rb_right;
		else
			return (struct rb_node *)node;
	}
}

/**
 * rb_first_postorder() - the first node of a post-order walk (children
 * before parents)
 * @root: the tree
 *
 * Context: caller serialises access to the tree.
 * Return: the node, or NULL for an empty tree.
 */
struct rb_node *rb_first_postorder(const struct rb_root *root)
{
	return root->rb_node ? rb_deepest_left(root->rb_node) : NULL;
}

/**
 * rb_next_postorder() - the post-order successor of @node, computed from
 * its links only, so @node may be freed right after
 * @node: a node in a tree
 *
 * Context: caller serialises access to the tree.
 * Return: the successor, or NULL after the root.
 */
struct rb_node *rb_next_postorder(const struct rb_node *node)
{
	const struct rb_node *p = node->rb_parent;

	if (!p)
		return NULL;
	if (node == p->rb_left && p->rb_right)
		return rb_deepest_left(p->rb_right);
	return (struct rb_node *)p;
}
