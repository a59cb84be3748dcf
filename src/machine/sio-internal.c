// SPDX-License-Identifier: BSD-3-Clause
/*
 * The internal interface of softiommu's own programs
 * (include-internal/softiommu/internal.h): thin wrappers that give the CLI
 * what it needs with opaque types and standard C types only.  Including the
 * headers of the definitions next to the interface makes the compiler check
 * every prototype the interface repeats.  Also the compile-time checks that
 * public constants equal the private ones they mirror.
 */

#include "base/alloc.h"
#include "base/bug.h"
#include "base/err.h"
#include "base/rcu.h"
#include "base/types.h"
#include "machine/scn.h"
#include <softiommu/internal.h>
#include <softiommu/iommu.h>

/* iommu_map()'s public @gfp values are the library's own GFP flags. */
_Static_assert(SIO_GFP_KERNEL == GFP_KERNEL, "SIO_GFP_KERNEL drifted");
_Static_assert(SIO_GFP_ATOMIC == GFP_ATOMIC, "SIO_GFP_ATOMIC drifted");

/**
 * sio_scn_parse_text() - parse scenario text, formatting a syntax error
 * @name: file name for messages
 * @buf: the text (need not be NUL-terminated)
 * @len: its length
 * @first_line: line number of @buf's first line
 * @out: the script on success (sio_scn_script_free() it); NULL on failure
 * @msg: "NAME:LINE:COL: error: WHAT" on -EINVAL ("" otherwise)
 * @msglen: size of @msg
 *
 * sio_scn_parse() for a caller that sees struct sio_scn_error only as text.
 *
 * Context: any thread, no lock; may sleep (allocates).
 * Return: 0, -EINVAL (malformed: see @msg), -ENOMEM.
 */
int sio_scn_parse_text(const char *name, const char *buf, size_t len,
		       unsigned int first_line, struct sio_scn_script **out,
		       char *msg, size_t msglen)
{
	struct sio_scn_error err;
	int ret;

	if (msglen)
		msg[0] = '\0';
	ret = sio_scn_parse(name, buf, len, first_line, out, &err);
	if (ret == -EINVAL && msglen)
		sio_scn_format_error(name, &err, msg, msglen);
	return ret;
}

/**
 * sio_scn_script_ncmds() - number of commands of a parsed scenario
 * @s: the script
 *
 * Context: any; reads only @s.
 * Return: the count (0 for a text of blank lines and comments).
 */
unsigned int sio_scn_script_ncmds(const struct sio_scn_script *s)
{
	return s->ncmds;
}

/**
 * sio_alloc_live_settled() - live allocator objects once every RCU callback
 * queued so far has run (deferred frees included)
 *
 * Context: may sleep; not inside an RCU read-side section.
 * Return: the count.
 */
long sio_alloc_live_settled(void)
{
	rcu_barrier();
	return sio_alloc_live();
}

struct warn_sites_arg {
	int (*fn)(const struct sio_warn_info *w, void *data);
	void *data;
};

static int warn_site_fn(const struct sio_warn_site *site, void *data)
{
	struct warn_sites_arg *a = data;
	struct sio_warn_info w = {
		.func = site->func,
		.file = site->file,
		.line = site->line,
		.count = __atomic_load_n(&site->count, __ATOMIC_RELAXED),
	};

	return a->fn(&w, a->data);
}

/**
 * sio_warn_sites() - visit the WARN sites that fired since the last reset,
 * described with standard types
 * @fn: called for each site; a non-zero return stops the walk
 * @data: passed to @fn
 *
 * Context: any thread.
 * Return: 0 or the first non-zero value @fn returned.
 */
int sio_warn_sites(int (*fn)(const struct sio_warn_info *w, void *data),
		   void *data)
{
	struct warn_sites_arg a = { fn, data };

	return sio_warn_for_each_site(warn_site_fn, &a);
}
