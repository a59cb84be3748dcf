/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Virtual sysfs: a tree of directories, attributes (show/store callbacks
 * returning the kernel's errno) and symlinks, addressed by absolute path.
 * Removal drains in-flight callbacks (like kernfs active references), so a
 * callback never runs on a removed node's private data.
 * Kernel counterpart: fs/kernfs/, fs/sysfs/
 */
#ifndef SIO_DEV_SYSFS_H
#define SIO_DEV_SYSFS_H

#include "base/base.h"

struct sio_sysfs;		/* one tree per machine */
struct sio_sysfs_node;

#define SIO_SYSFS_BUF_SIZE PAGE_SIZE

/**
 * struct sio_attribute - a file
 * @name: file name
 * @mode: 0444 read-only, 0200 write-only, 0644 read-write
 * @show: fill @buf (SIO_SYSFS_BUF_SIZE bytes); return length or -errno.
 *        Called without any sysfs lock held; may sleep.
 * @store: consume @count bytes of @buf (NUL-terminated, as written, trailing
 *         newline included); return @count on success or -errno.  Called
 *         without any sysfs lock held; may sleep; may remove other nodes,
 *         but not its own.
 */
struct sio_attribute {
	const char *name;
	umode_t mode;
	ssize_t (*show)(void *priv, char *buf);
	ssize_t (*store)(void *priv, const char *buf, size_t count);
};

/*
 * Kernel-doc for every function below, with its lock rules, in sysfs.c.
 * Creation and removal take the tree lock, which nests inside device locks,
 * bus notifier locks and IOMMU group mutexes.
 */
struct sio_sysfs *sio_sysfs_create(void);
void sio_sysfs_destroy(struct sio_sysfs *fs);
struct sio_sysfs_node *sio_sysfs_root(struct sio_sysfs *fs);

/*
 * Create directory @name under @parent; the caller owns a reference, dropped
 * by sio_sysfs_remove().
 */
struct sio_sysfs_node *sio_sysfs_mkdir(struct sio_sysfs_node *parent,
				       const char *name, void *priv);
/* Create every missing directory of @path ("/sys/bus/pci"). */
struct sio_sysfs_node *sio_sysfs_mkdir_p(struct sio_sysfs *fs, const char *path);
/* Return: 0 or -EEXIST/-ENOMEM. */
int sio_sysfs_create_file(struct sio_sysfs_node *dir,
			  const struct sio_attribute *attr);
int sio_sysfs_create_files(struct sio_sysfs_node *dir,
			   const struct sio_attribute *const *attrs);
/* Symlink @name in @dir pointing at @target.  Return: 0 or -EEXIST/-ENOMEM. */
int sio_sysfs_create_link(struct sio_sysfs_node *dir,
			  struct sio_sysfs_node *target, const char *name);
/* Remove an entry of @dir by name (file, link or empty/non-empty dir). */
void sio_sysfs_remove_name(struct sio_sysfs_node *dir, const char *name);
/*
 * Remove @node (made by sio_sysfs_mkdir*) and everything below it; waits
 * for running callbacks (not the caller's own), then drops the creator's
 * reference.  Do not hold a lock that the removed callbacks take.
 */
void sio_sysfs_remove(struct sio_sysfs_node *node);
/* Absolute path of @node into @buf.  Return: length, -ENAMETOOLONG, or
 * -ENOENT if @node was removed. */
int sio_sysfs_path(struct sio_sysfs_node *node, char *buf, size_t len);

/*
 * Access by path, as a shell does.  Paths are absolute; "." and ".." and
 * symlinks are resolved.  Errors: -ENOENT (no such file), -ENOTDIR,
 * -EISDIR, -EACCES (mode forbids: write to a read-only attribute, read of a
 * write-only one), or whatever the callback returned.
 */
ssize_t sio_sysfs_read(struct sio_sysfs *fs, const char *path, char *buf,
		       size_t len);
ssize_t sio_sysfs_write(struct sio_sysfs *fs, const char *path,
			const char *buf, size_t len);
/* Fill @buf with the link target, as readlink -f would print it. */
ssize_t sio_sysfs_readlink(struct sio_sysfs *fs, const char *path, char *buf,
			   size_t len);
/* Names in a directory, sorted; @type: 'd' directory, 'f' file, 'l' link. */
int sio_sysfs_list(struct sio_sysfs *fs, const char *path,
		   int (*fn)(const char *name, char type, void *data), void *data);
/* Return: 'd', 'f', 'l' or -ENOENT. */
int sio_sysfs_stat(struct sio_sysfs *fs, const char *path);

#endif /* SIO_DEV_SYSFS_H */
