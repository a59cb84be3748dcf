// SPDX-License-Identifier: BSD-3-Clause
/*
 * Virtual sysfs: the node tree, path resolution (".", "..", symlinks,
 * trailing slashes), attribute access and kernfs-style active references
 * that let removal wait for callbacks already running on a node.
 * Kernel counterpart: fs/kernfs/{dir,file,symlink}.c, fs/sysfs/file.c
 */
#include <pthread.h>
#include <string.h>

#include "dev/sysfs.h"

#define SYSFS_NAME_MAX		255
#define SYSFS_MAX_ACTIVE_NEST	8

/*
 * Locks of one tree, outermost first:
 *
 *  fs->lock (tree lock, struct mutex): the shape of the tree (children
 *	lists, ->parent, ->removed), node reference counts and the list of
 *	all nodes.  Held only for lookups and changes; never across a
 *	show/store callback and never while waiting for a drain.  Callers may
 *	hold device locks, bus notifier locks and IOMMU group mutexes when
 *	they create or remove nodes, so the tree lock nests inside all of them.
 *
 *  fs->drain_lock (raw pthread mutex, a leaf, not lockdep-tracked):
 *	->active of every node, and the condition variable removal waits on.
 *	Taken inside the tree lock or alone.
 *
 * Removal waits (without any sysfs lock) until no callback runs on the
 * removed nodes.  For deadlock purposes sio_sysfs_remove() therefore
 * behaves as if it took every lock the removed attributes' callbacks take:
 * do not remove a node while holding a lock its show/store takes.
 */
struct sio_sysfs {
	struct mutex lock;
	pthread_mutex_t drain_lock;
	pthread_cond_t drain_cond;
	struct sio_sysfs_node *root;
	struct list_head all;		/* every live node, under lock */
};

/*
 * A node.  Lifetime: @refs counts the parent's children list (while linked
 * or until the removed parent itself is freed), callers in the middle of an
 * access, a symlink pointing here, and the creator's reference returned by
 * sio_sysfs_mkdir() (dropped by sio_sysfs_remove()).  The memory goes with
 * the last reference, or at sio_sysfs_destroy().
 */
struct sio_sysfs_node {
	struct sio_sysfs *fs;
	char *name;
	char type;			/* 'd', 'f', 'l' */
	struct sio_sysfs_node *parent;	/* under fs->lock; NULL for root or when freed-from */
	struct list_head children;	/* sorted by name, under fs->lock */
	struct list_head sibling;	/* on parent->children */
	struct list_head all_node;	/* on fs->all */
	void *priv;			/* dirs: for attributes; files: the dir's */
	const struct sio_attribute *attr;	/* files */
	struct sio_sysfs_node *target;	/* links; holds a reference */
	int refs;			/* under fs->lock */
	int creator_refs;		/* under fs->lock */
	bool removed;			/* under fs->lock; never cleared */
	int active;			/* callbacks running; under drain_lock */
};

/* Nodes whose callback runs on this thread (to catch self-removal). */
static __thread struct sio_sysfs_node *active_stack[SYSFS_MAX_ACTIVE_NEST];
static __thread int active_depth;

static struct sio_sysfs_node *node_alloc(struct sio_sysfs *fs, const char *name,
					 char type)
{
	struct sio_sysfs_node *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	n->name = kstrdup(name, GFP_KERNEL);
	if (!n->name) {
		kfree(n);
		return NULL;
	}
	n->fs = fs;
	n->type = type;
	n->refs = 1;
	INIT_LIST_HEAD(&n->children);
	INIT_LIST_HEAD(&n->sibling);
	INIT_LIST_HEAD(&n->all_node);
	return n;
}

static void node_free(struct sio_sysfs_node *n)
{
	list_del(&n->all_node);
	kfree(n->name);
	kfree(n);
}

static void __node_put(struct sio_sysfs_node *n);

/* Drop a reference; frees the node (and releases its children) at zero. */
static void __node_put(struct sio_sysfs_node *n)
{
	struct sio_sysfs_node *c, *tmp;

	lockdep_assert_held(&n->fs->lock);
	if (WARN_ON(n->refs <= 0))
		return;
	if (--n->refs)
		return;
	/* Only removed (unlinked) nodes can reach zero. */
	WARN_ON(!n->removed);
	list_for_each_entry_safe(c, tmp, &n->children, sibling) {
		list_del_init(&c->sibling);
		c->parent = NULL;
		__node_put(c);		/* the children list's reference */
	}
	if (n->target)
		__node_put(n->target);
	node_free(n);
}

static int valid_name(const char *name)
{
	if (!name || !*name || strlen(name) > SYSFS_NAME_MAX)
		return -EINVAL;
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	return 0;
}

static struct sio_sysfs_node *__find_child(struct sio_sysfs_node *dir,
					   const char *name, size_t len)
{
	struct sio_sysfs_node *c;

	lockdep_assert_held(&dir->fs->lock);
	list_for_each_entry(c, &dir->children, sibling) {
		if (strlen(c->name) == len && !memcmp(c->name, name, len))
			return c;
	}
	return NULL;
}

/* Link @n under @dir, keeping the children sorted.  Return: 0 or -EEXIST. */
static int __link_child(struct sio_sysfs_node *dir, struct sio_sysfs_node *n)
{
	struct sio_sysfs_node *c;
	int cmp;

	lockdep_assert_held(&dir->fs->lock);
	lockdep_assert_held(&dir->fs->lock);
	if (dir->removed)
		return -ENOENT;
	list_for_each_entry(c, &dir->children, sibling) {
		cmp = strcmp(c->name, n->name);
		if (cmp == 0)
			return -EEXIST;
		if (cmp > 0)
			break;
	}
	/* Insert before @c (or at the tail when the walk ended). */
	list_add_tail(&n->sibling, &c->sibling);
	n->parent = dir;
	list_add_tail(&n->all_node, &dir->fs->all);
	return 0;
}

/**
 * sio_sysfs_create() - make an empty tree with only "/"
 *
 * Context: may sleep.
 * Return: the tree, or NULL when out of memory.
 */
struct sio_sysfs *sio_sysfs_create(void)
{
	struct sio_sysfs *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return NULL;
	mutex_init(&fs->lock);
	pthread_mutex_init(&fs->drain_lock, NULL);
	pthread_cond_init(&fs->drain_cond, NULL);
	INIT_LIST_HEAD(&fs->all);
	fs->root = node_alloc(fs, "/", 'd');
	if (!fs->root) {
		pthread_cond_destroy(&fs->drain_cond);
		pthread_mutex_destroy(&fs->drain_lock);
		mutex_destroy(&fs->lock);
		kfree(fs);
		return NULL;
	}
	list_add_tail(&fs->root->all_node, &fs->all);
	return fs;
}

/**
 * sio_sysfs_root() - the "/" directory of a tree
 * @fs: the tree
 *
 * Context: any; the root lives as long as the tree.
 * Return: the root node (never NULL).
 */
struct sio_sysfs_node *sio_sysfs_root(struct sio_sysfs *fs)
{
	return fs->root;
}

static int node_is_active_here(struct sio_sysfs_node *n)
{
	int i;

	for (i = 0; i < active_depth; i++)
		if (active_stack[i] == n)
			return 1;
	return 0;
}

/*
 * Find a node of @top's subtree (all removed) with running callbacks that
 * are not this thread's own.  Returns it referenced, or NULL.
 */
static struct sio_sysfs_node *__find_busy(struct sio_sysfs_node *n)
{
	struct sio_sysfs_node *c, *busy;
	int active;

	lockdep_assert_held(&n->fs->lock);
	pthread_mutex_lock(&n->fs->drain_lock);
	active = n->active;
	pthread_mutex_unlock(&n->fs->drain_lock);
	if (active && !node_is_active_here(n)) {
		n->refs++;
		return n;
	}
	list_for_each_entry(c, &n->children, sibling) {
		busy = __find_busy(c);
		if (busy)
			return busy;
	}
	return NULL;
}

/* Wait until no other thread runs a callback on @top or below. */
static void drain_subtree(struct sio_sysfs_node *top)
{
	struct sio_sysfs *fs = top->fs;
	struct sio_sysfs_node *busy;

	for (;;) {
		mutex_lock(&fs->lock);
		busy = __find_busy(top);
		mutex_unlock(&fs->lock);
		if (!busy)
			break;
		pthread_mutex_lock(&fs->drain_lock);
		while (busy->active)
			pthread_cond_wait(&fs->drain_cond, &fs->drain_lock);
		pthread_mutex_unlock(&fs->drain_lock);
		mutex_lock(&fs->lock);
		__node_put(busy);
		mutex_unlock(&fs->lock);
	}
}

static void __mark_removed(struct sio_sysfs_node *n)
{
	struct sio_sysfs_node *c;

	lockdep_assert_held(&n->fs->lock);
	n->removed = true;
	if (node_is_active_here(n))
		WARN(1, "sysfs: %s removes itself from its own callback",
		     n->name);
	list_for_each_entry(c, &n->children, sibling)
		__mark_removed(c);
}

/*
 * Unlink @n (referenced by the caller) from the tree and wait for its
 * callbacks.  Idempotent: a node already removed is only drained.
 */
static void remove_node(struct sio_sysfs_node *n)
{
	struct sio_sysfs *fs = n->fs;
	bool unlinked = false;

	mutex_lock(&fs->lock);
	if (!n->removed) {
		__mark_removed(n);
		if (n->parent) {
			list_del_init(&n->sibling);
			n->parent = NULL;
			unlinked = true;
		}
	}
	mutex_unlock(&fs->lock);

	drain_subtree(n);

	if (unlinked) {
		mutex_lock(&fs->lock);
		__node_put(n);		/* the parent's children list's */
		mutex_unlock(&fs->lock);
	}
}

/**
 * sio_sysfs_destroy() - free the whole tree
 * @fs: the tree (NULL accepted)
 *
 * Frees every node, including ones whose creator never removed them.
 * Context: no callback may be running and no other thread may use @fs.
 */
void sio_sysfs_destroy(struct sio_sysfs *fs)
{
	struct sio_sysfs_node *n, *tmp, *c, *ctmp;

	if (!fs)
		return;
	mutex_lock(&fs->lock);
	/* Break every link so the nodes can be freed in any order. */
	list_for_each_entry(n, &fs->all, all_node) {
		pthread_mutex_lock(&fs->drain_lock);
		WARN_ON(n->active);
		pthread_mutex_unlock(&fs->drain_lock);
		n->removed = true;
		list_for_each_entry_safe(c, ctmp, &n->children, sibling)
			list_del_init(&c->sibling);
	}
	list_for_each_entry_safe(n, tmp, &fs->all, all_node)
		node_free(n);
	mutex_unlock(&fs->lock);
	pthread_cond_destroy(&fs->drain_cond);
	pthread_mutex_destroy(&fs->drain_lock);
	mutex_destroy(&fs->lock);
	kfree(fs);
}

static struct sio_sysfs_node *__add_node(struct sio_sysfs_node *parent,
					 struct sio_sysfs_node *n)
{
	int ret;

	lockdep_assert_held(&parent->fs->lock);
	ret = __link_child(parent, n);
	if (ret) {
		/* Never linked: not on fs->all yet, free directly. */
		kfree(n->name);
		kfree(n);
		return ERR_PTR(ret);
	}
	return n;
}

/**
 * sio_sysfs_mkdir() - create directory @name under @parent
 * @parent: the parent directory
 * @name: the new directory's name (no '/', not "." or "..")
 * @priv: handed to every attribute of this directory
 *
 * The caller owns a reference on the node, dropped by sio_sysfs_remove()
 * (so the pointer stays valid even if an ancestor is removed first).
 *
 * Context: may sleep; takes the tree lock, which nests inside device locks,
 * bus notifier locks and IOMMU group mutexes.
 * Return: the node or ERR_PTR(-EINVAL) (NULL @parent, bad @name),
 * ERR_PTR(-ENOTDIR) (@parent is not a directory), ERR_PTR(-EEXIST),
 * ERR_PTR(-ENOMEM) or ERR_PTR(-ENOENT) (@parent already removed).
 */
struct sio_sysfs_node *sio_sysfs_mkdir(struct sio_sysfs_node *parent,
				       const char *name, void *priv)
{
	struct sio_sysfs *fs;
	struct sio_sysfs_node *n;

	if (!parent || valid_name(name))
		return ERR_PTR(-EINVAL);
	fs = parent->fs;
	n = node_alloc(fs, name, 'd');
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->priv = priv;
	mutex_lock(&fs->lock);
	if (parent->type != 'd') {
		mutex_unlock(&fs->lock);
		kfree(n->name);
		kfree(n);
		return ERR_PTR(-ENOTDIR);
	}
	n = __add_node(parent, n);
	if (!IS_ERR(n)) {
		n->refs++;		/* the creator's */
		n->creator_refs++;
	}
	mutex_unlock(&fs->lock);
	return n;
}

/**
 * sio_sysfs_mkdir_p() - create every missing directory of @path
 * @fs: the tree
 * @path: absolute path; symlinks are not followed
 *
 * Like sio_sysfs_mkdir(), the caller gets a reference on the last
 * directory (existing or new) and drops it with sio_sysfs_remove(), which
 * also removes the directory; or leaves it to sio_sysfs_destroy().
 *
 * Context: may sleep; takes the tree lock.
 * Return: the directory, or ERR_PTR(-ENOMEM / -ENOTDIR / -EINVAL).
 */
struct sio_sysfs_node *sio_sysfs_mkdir_p(struct sio_sysfs *fs, const char *path)
{
	struct sio_sysfs_node *cur, *n;
	char comp[SYSFS_NAME_MAX + 1];
	const char *p = path, *end;
	size_t len;

	if (!path || *path != '/')
		return ERR_PTR(-EINVAL);
	cur = fs->root;
	mutex_lock(&fs->lock);
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = end - p;
		if (len > SYSFS_NAME_MAX) {
			cur = ERR_PTR(-ENAMETOOLONG);
			goto out;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p = end;
		if (valid_name(comp)) {
			cur = ERR_PTR(-EINVAL);
			goto out;
		}
		n = __find_child(cur, comp, len);
		if (n) {
			if (n->type != 'd') {
				cur = ERR_PTR(-ENOTDIR);
				goto out;
			}
			cur = n;
			continue;
		}
		n = node_alloc(fs, comp, 'd');
		if (!n) {
			cur = ERR_PTR(-ENOMEM);
			goto out;
		}
		n = __add_node(cur, n);
		if (IS_ERR(n)) {
			cur = n;
			goto out;
		}
		cur = n;
	}
	cur->refs++;
	cur->creator_refs++;
out:
	mutex_unlock(&fs->lock);
	return cur;
}

/**
 * sio_sysfs_create_file() - create the file of attribute @attr in @dir
 * @dir: the directory; its private data is handed to @attr's callbacks
 * @attr: the attribute; must outlive the file
 *
 * The file goes away with sio_sysfs_remove_name() or with its directory.
 *
 * Context: may sleep; takes the tree lock (see sio_sysfs_mkdir()).
 * Return: 0, -EINVAL (NULL argument or bad name), -EEXIST, -ENOMEM, or
 * -ENOENT (@dir already removed).
 */
int sio_sysfs_create_file(struct sio_sysfs_node *dir,
			  const struct sio_attribute *attr)
{
	struct sio_sysfs *fs;
	struct sio_sysfs_node *n;

	if (!dir || !attr || valid_name(attr->name))
		return -EINVAL;
	fs = dir->fs;
	n = node_alloc(fs, attr->name, 'f');
	if (!n)
		return -ENOMEM;
	n->attr = attr;
	n->priv = dir->priv;
	mutex_lock(&fs->lock);
	n = __add_node(dir, n);
	mutex_unlock(&fs->lock);
	return PTR_ERR_OR_ZERO(n);
}

/**
 * sio_sysfs_create_files() - create each attribute of a NULL-terminated array
 *
 * All or nothing: on failure the files already made are removed again.
 * Context: may sleep; takes the tree lock.
 * Return: 0 or -EEXIST/-ENOMEM/-EINVAL.
 */
int sio_sysfs_create_files(struct sio_sysfs_node *dir,
			   const struct sio_attribute *const *attrs)
{
	int i, ret;

	for (i = 0; attrs[i]; i++) {
		ret = sio_sysfs_create_file(dir, attrs[i]);
		if (ret)
			goto remove_created;
	}
	return 0;

remove_created:
	while (--i >= 0)
		sio_sysfs_remove_name(dir, attrs[i]->name);
	return ret;
}

/**
 * sio_sysfs_create_link() - create symlink @name in @dir pointing at @target
 * @dir: the directory
 * @target: the node the link resolves to; the link holds a reference on it,
 *          and resolving the link fails with -ENOENT once @target is removed
 * @name: the link's name
 *
 * Context: may sleep; takes the tree lock (see sio_sysfs_mkdir()).
 * Return: 0, -EINVAL (NULL argument, bad name, or nodes of two trees),
 * -EEXIST, -ENOMEM, or -ENOENT (@dir or @target already removed).
 */
int sio_sysfs_create_link(struct sio_sysfs_node *dir,
			  struct sio_sysfs_node *target, const char *name)
{
	struct sio_sysfs *fs;
	struct sio_sysfs_node *n;

	if (!dir || !target || valid_name(name) || dir->fs != target->fs)
		return -EINVAL;
	fs = dir->fs;
	n = node_alloc(fs, name, 'l');
	if (!n)
		return -ENOMEM;
	mutex_lock(&fs->lock);
	if (target->removed) {
		mutex_unlock(&fs->lock);
		kfree(n->name);
		kfree(n);
		return -ENOENT;
	}
	n = __add_node(dir, n);
	if (!IS_ERR(n)) {
		n->target = target;
		target->refs++;		/* dropped when the link is freed */
	}
	mutex_unlock(&fs->lock);
	return PTR_ERR_OR_ZERO(n);
}

/**
 * sio_sysfs_remove_name() - remove an entry of @dir by name
 * @dir: the directory (NULL accepted)
 * @name: the entry: a file, a link or a directory with everything below it;
 *        a missing entry is not an error
 *
 * Waits, like sio_sysfs_remove(), until no other thread runs a callback on
 * the removed nodes.  A directory made by sio_sysfs_mkdir() keeps its
 * creator's reference until sio_sysfs_remove().
 *
 * Context: may sleep; must not hold any lock that a callback of the removed
 * attributes takes (it waits for them).
 */
void sio_sysfs_remove_name(struct sio_sysfs_node *dir, const char *name)
{
	struct sio_sysfs *fs;
	struct sio_sysfs_node *n;

	if (!dir || !name)
		return;
	fs = dir->fs;
	mutex_lock(&fs->lock);
	n = __find_child(dir, name, strlen(name));
	if (n)
		n->refs++;
	mutex_unlock(&fs->lock);
	if (!n)
		return;
	remove_node(n);
	mutex_lock(&fs->lock);
	__node_put(n);
	mutex_unlock(&fs->lock);
}

/**
 * sio_sysfs_remove() - remove a directory made by sio_sysfs_mkdir*()
 * @node: the directory (NULL and ERR_PTR accepted)
 *
 * Unlinks @node and everything below it, waits until no show/store runs on
 * any of them (other than the caller's own), then drops the creator's
 * reference.  A node already removed with its parent is only drained.
 *
 * Context: may sleep; must not hold any lock that a callback of the removed
 * attributes takes (it waits for them).
 */
void sio_sysfs_remove(struct sio_sysfs_node *node)
{
	struct sio_sysfs *fs;

	if (IS_ERR_OR_NULL(node))
		return;
	fs = node->fs;
	if (WARN_ON(node == fs->root))
		return;
	mutex_lock(&fs->lock);
	node->refs++;		/* keep it across the drain */
	mutex_unlock(&fs->lock);
	remove_node(node);
	mutex_lock(&fs->lock);
	if (node->creator_refs > 0) {
		node->creator_refs--;
		__node_put(node);
	}
	__node_put(node);
	mutex_unlock(&fs->lock);
}

static int __node_path(struct sio_sysfs_node *node, char *buf, size_t len)
{
	struct sio_sysfs_node *n;
	size_t total = 0, nl;
	char *p;

	lockdep_assert_held(&node->fs->lock);
	if (node->removed)
		return -ENOENT;
	if (node == node->fs->root) {
		if (len < 2)
			return -ENAMETOOLONG;
		strcpy(buf, "/");
		return 1;
	}
	for (n = node; n->parent; n = n->parent)
		total += strlen(n->name) + 1;
	if (total + 1 > len)
		return -ENAMETOOLONG;
	p = buf + total;
	*p = '\0';
	for (n = node; n->parent; n = n->parent) {
		nl = strlen(n->name);
		p -= nl;
		memcpy(p, n->name, nl);
		*--p = '/';
	}
	return (int)total;
}

/**
 * sio_sysfs_path() - absolute path of @node
 * @node: the node
 * @buf: where the NUL-terminated path is written
 * @len: size of @buf
 *
 * Context: may sleep; takes the tree lock.
 * Return: the path's length, -ENAMETOOLONG if it does not fit in @buf, or
 * -ENOENT if @node was removed.
 */
int sio_sysfs_path(struct sio_sysfs_node *node, char *buf, size_t len)
{
	int ret;

	mutex_lock(&node->fs->lock);
	ret = __node_path(node, buf, len);
	mutex_unlock(&node->fs->lock);
	return ret;
}

/*
 * Resolve @path (absolute; relative paths start at "/").  Symlinks in the
 * middle are always followed; the last one only if @follow.  A trailing
 * slash requires a directory and follows a final symlink.
 * Return: the node (not referenced; valid under the tree lock) or ERR_PTR.
 */
static struct sio_sysfs_node *__resolve(struct sio_sysfs *fs, const char *path,
					bool follow)
{
	struct sio_sysfs_node *cur = fs->root, *n;
	const char *p = path, *end;
	size_t len;
	bool last, slash;

	lockdep_assert_held(&fs->lock);
	if (!path)
		return ERR_PTR(-EINVAL);
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = end - p;
		slash = *end == '/';
		while (*end == '/')
			end++;
		last = !*end;
		if (cur->type != 'd')
			return ERR_PTR(-ENOTDIR);
		if (len > SYSFS_NAME_MAX)
			return ERR_PTR(-ENAMETOOLONG);
		if (len == 1 && p[0] == '.') {
			n = cur;
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			n = cur->parent ? cur->parent : fs->root;
		} else {
			n = __find_child(cur, p, len);
			if (!n)
				return ERR_PTR(-ENOENT);
		}
		if (n->type == 'l' && (!last || follow || slash)) {
			n = n->target;
			if (n->removed)
				return ERR_PTR(-ENOENT);
		}
		if (last && slash && n->type != 'd')
			return ERR_PTR(-ENOTDIR);
		cur = n;
		p = end;
	}
	return cur;
}

/* Start a callback on the file at @path: pins it (active + reference). */
static struct sio_sysfs_node *file_get_active(struct sio_sysfs *fs,
					      const char *path)
{
	struct sio_sysfs_node *n;

	mutex_lock(&fs->lock);
	n = __resolve(fs, path, true);
	if (IS_ERR(n))
		goto out;
	if (n->type == 'd') {
		n = ERR_PTR(-EISDIR);
		goto out;
	}
	pthread_mutex_lock(&fs->drain_lock);
	n->active++;
	pthread_mutex_unlock(&fs->drain_lock);
	n->refs++;
out:
	mutex_unlock(&fs->lock);
	if (!IS_ERR(n)) {
		if (active_depth < SYSFS_MAX_ACTIVE_NEST)
			active_stack[active_depth] = n;
		active_depth++;
	}
	return n;
}

/* Pairs with file_get_active(); wakes a remover waiting for @n. */
static void file_put_active(struct sio_sysfs_node *n)
{
	struct sio_sysfs *fs = n->fs;

	active_depth--;
	if (active_depth < SYSFS_MAX_ACTIVE_NEST)
		active_stack[active_depth] = NULL;
	pthread_mutex_lock(&fs->drain_lock);
	if (--n->active == 0)
		pthread_cond_broadcast(&fs->drain_cond);
	pthread_mutex_unlock(&fs->drain_lock);
	mutex_lock(&fs->lock);
	__node_put(n);
	mutex_unlock(&fs->lock);
}

/**
 * sio_sysfs_read() - read the attribute at @path, as cat does
 * @fs: the tree
 * @path: absolute path; ".", ".." and symlinks are resolved
 * @buf: where the NUL-terminated text is written
 * @len: size of @buf; longer text is cut to @len - 1 bytes
 *
 * The attribute's show() runs without any sysfs lock held, pinned so that
 * a concurrent removal waits for it.
 *
 * Context: may sleep; takes the tree lock around the lookup only.  Nothing
 * is held across show(), which takes its own locks.
 * Return: the bytes stored in @buf, or -ENOENT, -ENOTDIR, -EISDIR,
 * -ENAMETOOLONG, -EINVAL (NULL @path), -EACCES (not readable), -ENOMEM, or
 * whatever show() returned.
 */
ssize_t sio_sysfs_read(struct sio_sysfs *fs, const char *path, char *buf,
		       size_t len)
{
	struct sio_sysfs_node *n;
	const struct sio_attribute *attr;
	char *page;
	ssize_t ret;

	n = file_get_active(fs, path);
	if (IS_ERR(n))
		return PTR_ERR(n);
	attr = n->attr;
	if (!(attr->mode & 0444) || !attr->show) {
		ret = -EACCES;
		goto put;
	}
	page = kzalloc(SIO_SYSFS_BUF_SIZE, GFP_KERNEL);
	if (!page) {
		ret = -ENOMEM;
		goto put;
	}
	ret = attr->show(n->priv, page);
	if (ret >= 0) {
		if (WARN_ON(ret > (ssize_t)SIO_SYSFS_BUF_SIZE))
			ret = SIO_SYSFS_BUF_SIZE;
		if (len == 0) {
			ret = 0;
		} else {
			if ((size_t)ret > len - 1)
				ret = len - 1;
			memcpy(buf, page, ret);
			buf[ret] = '\0';
		}
	}
	kfree(page);
put:
	file_put_active(n);
	return ret;
}

/**
 * sio_sysfs_write() - write to the attribute at @path, as echo > does
 * @fs: the tree
 * @path: absolute path; ".", ".." and symlinks are resolved
 * @buf: the bytes to write (trailing newline included, as echo sends it)
 * @len: number of bytes; store() sees at most a page, as in kernfs
 *
 * store() gets a NUL-terminated copy and runs without any sysfs lock held,
 * pinned so that a concurrent removal waits for it.
 *
 * Context: may sleep; see sio_sysfs_read().
 * Return: what store() returned (the count consumed, or -errno), or
 * -ENOENT, -ENOTDIR, -EISDIR, -ENAMETOOLONG, -EINVAL, -EACCES (not
 * writable), -ENOMEM.
 */
ssize_t sio_sysfs_write(struct sio_sysfs *fs, const char *path,
			const char *buf, size_t len)
{
	struct sio_sysfs_node *n;
	const struct sio_attribute *attr;
	char *copy;
	ssize_t ret;

	n = file_get_active(fs, path);
	if (IS_ERR(n))
		return PTR_ERR(n);
	attr = n->attr;
	if (!(attr->mode & 0222) || !attr->store) {
		ret = -EACCES;
		goto put;
	}
	/* A write reaches store() in pieces of at most a page, as in kernfs. */
	if (len > SIO_SYSFS_BUF_SIZE)
		len = SIO_SYSFS_BUF_SIZE;
	copy = kmalloc(len + 1, GFP_KERNEL);
	if (!copy) {
		ret = -ENOMEM;
		goto put;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	ret = attr->store(n->priv, copy, len);
	kfree(copy);
put:
	file_put_active(n);
	return ret;
}

/**
 * sio_sysfs_readlink() - where @path leads, as readlink -f prints it
 * @fs: the tree
 * @path: absolute path; every symlink is followed (a path without symlinks
 *        gives itself back)
 * @buf: where the NUL-terminated absolute path is written
 * @len: size of @buf
 *
 * Context: may sleep; takes the tree lock.
 * Return: the length written, or -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EINVAL.
 */
ssize_t sio_sysfs_readlink(struct sio_sysfs *fs, const char *path, char *buf,
			   size_t len)
{
	struct sio_sysfs_node *n;
	int ret;

	mutex_lock(&fs->lock);
	n = __resolve(fs, path, true);
	ret = IS_ERR(n) ? (int)PTR_ERR(n) : __node_path(n, buf, len);
	mutex_unlock(&fs->lock);
	return ret;
}

/**
 * sio_sysfs_list() - names in a directory, sorted, one callback each
 * @fs: the tree
 * @path: the directory; symlinks are followed
 * @fn: called with each name and its type ('d' directory, 'f' file, 'l'
 *      link); a non-zero return stops the walk
 * @data: passed to @fn
 *
 * @fn runs without the tree lock and may itself use sysfs; entries added or
 * removed meanwhile are seen or not, but no name is visited twice.
 *
 * Context: may sleep; takes the tree lock between callbacks.
 * Return: 0, -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EINVAL, or @fn's first
 * non-zero value.
 */
int sio_sysfs_list(struct sio_sysfs *fs, const char *path,
		   int (*fn)(const char *name, char type, void *data), void *data)
{
	struct sio_sysfs_node *dir, *c;
	char name[SYSFS_NAME_MAX + 1] = "";
	bool first = true;
	char type;
	int ret;

	mutex_lock(&fs->lock);
	dir = __resolve(fs, path, true);
	if (IS_ERR(dir)) {
		mutex_unlock(&fs->lock);
		return PTR_ERR(dir);
	}
	if (dir->type != 'd') {
		mutex_unlock(&fs->lock);
		return -ENOTDIR;
	}
	dir->refs++;
	/*
	 * @fn runs without the tree lock (it may read sysfs); each round finds
	 * the first name after the previous one, so changes meanwhile are safe.
	 */
	for (;;) {
		type = 0;
		list_for_each_entry(c, &dir->children, sibling) {
			if (first || strcmp(c->name, name) > 0) {
				strcpy(name, c->name);
				type = c->type;
				break;
			}
		}
		mutex_unlock(&fs->lock);
		if (!type) {
			ret = 0;
			break;
		}
		first = false;
		ret = fn(name, type, data);
		if (ret)
			break;
		mutex_lock(&fs->lock);
	}
	mutex_lock(&fs->lock);
	__node_put(dir);
	mutex_unlock(&fs->lock);
	return ret;
}

/**
 * sio_sysfs_stat() - the type of the entry at @path
 * @fs: the tree
 * @path: absolute path; a final symlink is not followed (unless @path ends
 *        with '/')
 *
 * Context: may sleep; takes the tree lock.
 * Return: 'd', 'f' or 'l', or -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EINVAL.
 */
int sio_sysfs_stat(struct sio_sysfs *fs, const char *path)
{
	struct sio_sysfs_node *n;
	int ret;

	mutex_lock(&fs->lock);
	n = __resolve(fs, path, false);
	ret = IS_ERR(n) ? (int)PTR_ERR(n) : n->type;
	mutex_unlock(&fs->lock);
	return ret;
}
