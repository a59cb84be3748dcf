// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario area "domains and ownership": a VFIO-like user of a device
 * ("vfio open/attach/map..."), domains driven by hand ("domain alloc/
 * attach/map..."), the core's invariants, and the expects on IOMMU groups
 * (owner count, domain, owner, membership).
 */
#include "machine/scn-parse-priv.h"
#include "machine/scn-run.h"
#include "user/vfio.h"

/* ---- lookups ---- */

/* The cookie object named @name, created on first use. */
static void *scn_cookie(struct sio_scn_ctx *ctx, const char *name)
{
	struct scn_obj *o = scn_obj_find(ctx, SCN_OBJ_COOKIE, name);

	if (!o)
		o = scn_obj_add(ctx, SCN_OBJ_COOKIE, name);
	return o;		/* the object's address is the cookie */
}

/* Return: a referenced group, or NULL after recording an error. */
static struct iommu_group *scn_get_group_by_id(struct sio_scn_ctx *ctx,
					       u64 id)
{
	struct iommu_group *g = id > INT_MAX ? NULL :
		sio_machine_find_group(ctx->m, (int)id);

	if (!g)
		scn_op_error(ctx, -ENODEV, "no IOMMU group %llu",
			     (unsigned long long)id);
	return g;
}

/* Return: the domain named @name, or NULL after recording an error. */
static struct scn_obj *scn_get_domain(struct sio_scn_ctx *ctx,
				      const char *name)
{
	struct scn_obj *o = scn_obj_find(ctx, SCN_OBJ_DOMAIN, name);

	if (!o)
		scn_op_error(ctx, -ENOENT, "no domain named %s", name);
	return o;
}

/* ---- vfio ---- */

static int parse_vfio_dev(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a device name");
}

static int parse_vfio_group(struct scn_parser *p)
{
	return scn_take_u64(p, "an IOMMU group number", &p->cmd->num[0]);
}

/* "cookie=NAME" into the next argv; optional unless @required. */
static int take_cookie(struct scn_parser *p, bool required)
{
	const char *s = scn_peek(p);
	int ret;

	if (!s || strncmp(s, "cookie=", 7))
		return required ? scn_expected(p, "cookie=NAME") : 0;
	if (!scn_valid_name(s + 7))
		return scn_expected(p, "cookie=NAME");
	ret = scn_add_arg(p->cmd, s + 7);
	if (!ret)
		p->i++;
	return ret;
}

static int parse_vfio_open(struct scn_parser *p)
{
	return parse_vfio_dev(p) ?: take_cookie(p, false);
}

static int parse_vfio_open_group(struct scn_parser *p)
{
	return parse_vfio_group(p) ?: take_cookie(p, true);
}

/* vfio map DEV IOVA PADDR SIZE [r|w|rw] */
static int parse_vfio_map(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s;
	int ret;

	ret = parse_vfio_dev(p) ?:
	      scn_take_addr(p, "an IOVA", 0) ?:
	      scn_take_addr(p, "a physical address", 1) ?:
	      scn_take_u64(p, "a size", &cmd->num[2]);
	if (ret)
		return ret;
	cmd->flags = IOMMU_READ | IOMMU_WRITE;
	s = scn_peek(p);
	if (s) {
		if (!strcmp(s, "r"))
			cmd->flags = IOMMU_READ;
		else if (!strcmp(s, "w"))
			cmd->flags = IOMMU_WRITE;
		else if (strcmp(s, "rw"))
			return scn_expected(p, "r, w or rw");
		p->i++;
	}
	return 0;
}

static int parse_vfio_unmap(struct scn_parser *p)
{
	return parse_vfio_dev(p) ?: scn_take_addr(p, "an IOVA", 0) ?:
	       scn_take_u64(p, "a size", &p->cmd->num[2]);
}

/* The end of every "vfio OP DEV": report @ret and drop @dev. */
static void vfio_done(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		      struct sio_device *dev, int ret)
{
	char what[160];

	snprintf(what, sizeof(what), "vfio: %s", cmd->argv[0]);
	scn_op_result(ctx, what, ret);
	sio_put_device(dev);
}

/* The record of the scenario's open of @dev, or NULL. */
static struct scn_obj *vfio_open_find(struct sio_scn_ctx *ctx,
				      struct sio_device *dev)
{
	struct scn_obj *o;

	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == SCN_OBJ_VFIO_OPEN && o->dev == dev)
			return o;
	return NULL;
}

/*
 * A device the scenario opened is closed at its end (before the group
 * claims are released): the record is made before the open, so that an
 * open is never unknown to the cleanup.
 */
static void run_vfio_open(struct sio_scn_ctx *ctx,
			  const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev = scn_get_device(ctx, cmd->argv[0]);
	struct scn_obj *o;
	void *cookie;
	bool fresh;
	int ret;

	if (!dev)
		return;
	o = vfio_open_find(ctx, dev);
	fresh = !o;
	if (fresh) {
		o = scn_obj_add(ctx, SCN_OBJ_VFIO_OPEN, dev->name);
		if (o)
			o->dev = sio_get_device(dev);
	}
	cookie = scn_cookie(ctx, cmd->argc > 1 ? cmd->argv[1] : "default");
	ret = !o || !cookie ? -ENOMEM : sio_vfio_open(dev, cookie);
	if (ret && fresh && o)
		scn_obj_del(o);
	vfio_done(ctx, cmd, dev, ret);
}

/* vfio close|attach|detach DEV: @op on the device. */
static void run_vfio_op(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
			int (*op)(struct sio_device *dev))
{
	struct sio_device *dev = scn_get_device(ctx, cmd->argv[0]);

	if (dev)
		vfio_done(ctx, cmd, dev, op(dev));
}

static void run_vfio_close(struct sio_scn_ctx *ctx,
			   const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev = scn_get_device(ctx, cmd->argv[0]);
	struct scn_obj *o;
	int ret;

	if (!dev)
		return;
	ret = sio_vfio_close(dev);
	o = vfio_open_find(ctx, dev);
	if (!ret && o)
		scn_obj_del(o);
	vfio_done(ctx, cmd, dev, ret);
}

static void run_vfio_attach(struct sio_scn_ctx *ctx,
			    const struct sio_scn_cmd *cmd)
{
	run_vfio_op(ctx, cmd, sio_vfio_attach);
}

static void run_vfio_detach(struct sio_scn_ctx *ctx,
			    const struct sio_scn_cmd *cmd)
{
	run_vfio_op(ctx, cmd, sio_vfio_detach);
}

static void run_vfio_map(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev;
	u64 iova, pa;

	if (!scn_resolve(ctx, cmd, 0, &iova) || !scn_resolve(ctx, cmd, 1, &pa))
		return;
	dev = scn_get_device(ctx, cmd->argv[0]);
	if (dev)
		vfio_done(ctx, cmd, dev, sio_vfio_map(dev, (unsigned long)iova,
			  pa, (size_t)cmd->num[2], (int)cmd->flags));
}

static void run_vfio_unmap(struct sio_scn_ctx *ctx,
			   const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev;
	u64 iova;

	if (!scn_resolve(ctx, cmd, 0, &iova))
		return;
	dev = scn_get_device(ctx, cmd->argv[0]);
	if (dev)
		vfio_done(ctx, cmd, dev,
			  sio_vfio_unmap(dev, (unsigned long)iova,
					 (size_t)cmd->num[2]));
}

static void run_vfio_open_group(struct sio_scn_ctx *ctx,
				const struct sio_scn_cmd *cmd)
{
	struct iommu_group *g = scn_get_group_by_id(ctx, cmd->num[0]);
	char what[160], oname[32];
	struct scn_obj *o;
	void *cookie;
	int ret = -ENOMEM;

	if (!g)
		return;
	snprintf(what, sizeof(what), "vfio: group %llu",
		 (unsigned long long)cmd->num[0]);
	/* released at the end of the scenario if still held: recorded first */
	snprintf(oname, sizeof(oname), "group%llu",
		 (unsigned long long)cmd->num[0]);
	o = scn_obj_add(ctx, SCN_OBJ_GROUP_CLAIM, oname);
	cookie = scn_cookie(ctx, cmd->argv[0]);
	if (o && cookie)
		ret = sio_vfio_group_open(g, cookie);
	if (!ret)
		o->group = iommu_group_ref_get(g);
	else if (o)
		scn_obj_del(o);
	scn_op_result(ctx, what, ret);
	iommu_group_put(g);
}

static void run_vfio_close_group(struct sio_scn_ctx *ctx,
				 const struct sio_scn_cmd *cmd)
{
	struct iommu_group *g = scn_get_group_by_id(ctx, cmd->num[0]);
	struct scn_obj *o, *claim = NULL;
	char what[160];

	if (!g)
		return;
	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == SCN_OBJ_GROUP_CLAIM && o->group == g)
			claim = claim ?: o;
	if (!claim) {
		snprintf(what, sizeof(what), "vfio: group %llu",
			 (unsigned long long)cmd->num[0]);
		scn_op_result(ctx, what, -EBADF);
	} else {
		sio_vfio_group_close(g);
		scn_obj_del(claim);
		ctx->last_err = 0;
	}
	iommu_group_put(g);
}

/* ---- domain ---- */

/* "as NAME" naming a domain, into the next argv. */
static int take_domain_as(struct scn_parser *p)
{
	if (!scn_accept(p, "as"))
		return scn_expected(p, "'as NAME'");
	return scn_take_name_arg(p, "a domain name");
}

static int parse_domain_alloc(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a device name") ?: take_domain_as(p);
}

static int parse_domain_alloc_bus(struct scn_parser *p)
{
	char bus[16];

	return scn_take_bus(p, bus) ?: scn_add_arg(p->cmd, bus) ?:
	       take_domain_as(p);
}

static int parse_domain_name(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a domain name");
}

static int parse_domain_dev(struct scn_parser *p)
{
	return parse_domain_name(p) ?: scn_take_name_arg(p, "a device name");
}

static int parse_domain_group(struct scn_parser *p)
{
	return parse_domain_name(p) ?:
	       scn_take_u64(p, "an IOMMU group number", &p->cmd->num[0]);
}

static int parse_domain_map(struct scn_parser *p)
{
	return parse_domain_name(p) ?:
	       scn_take_addr(p, "an IOVA", 0) ?:
	       scn_take_addr(p, "a physical address", 1) ?:
	       scn_take_u64(p, "a size", &p->cmd->num[2]);
}

static int parse_domain_unmap(struct scn_parser *p)
{
	return parse_domain_name(p) ?: scn_take_addr(p, "an IOVA", 0) ?:
	       scn_take_u64(p, "a size", &p->cmd->num[2]);
}

/* Name the domain @d (or an ERR_PTR) argv[1]; the end of both allocs. */
static void domain_named(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
			 struct iommu_domain *d)
{
	const char *name = cmd->argv[1];
	struct scn_obj *o;
	char what[160];

	snprintf(what, sizeof(what), "domain %s", name);
	if (IS_ERR(d)) {
		scn_op_result(ctx, what, (int)PTR_ERR(d));
		return;
	}
	o = scn_obj_add(ctx, SCN_OBJ_DOMAIN, name);
	if (!o) {
		iommu_domain_free(d);
		scn_op_result(ctx, what, -ENOMEM);
		return;
	}
	o->domain = d;
	scn_out(ctx, "domain %s: %s domain of driver %s\n", name,
		iommu_domain_type(d) == IOMMU_DOMAIN_UNMANAGED ?
		"unmanaged" : "paging",
		d->owner && d->owner->name ? d->owner->name : "?");
	ctx->last_err = 0;
}

/* Is argv[1] free for a new domain?  Records -EEXIST if not. */
static bool domain_name_free(struct sio_scn_ctx *ctx,
			     const struct sio_scn_cmd *cmd)
{
	if (!scn_obj_find(ctx, SCN_OBJ_DOMAIN, cmd->argv[1]))
		return true;
	scn_op_error(ctx, -EEXIST, "domain %s already exists", cmd->argv[1]);
	return false;
}

static void run_domain_alloc(struct sio_scn_ctx *ctx,
			     const struct sio_scn_cmd *cmd)
{
	struct iommu_domain *d;
	struct sio_device *dev;

	if (!domain_name_free(ctx, cmd))
		return;
	dev = scn_get_device(ctx, cmd->argv[0]);
	if (!dev)
		return;
	d = iommu_paging_domain_alloc(dev);
	sio_put_device(dev);
	domain_named(ctx, cmd, d);
}

static void run_domain_alloc_bus(struct sio_scn_ctx *ctx,
				 const struct sio_scn_cmd *cmd)
{
	struct iommu_domain *d;
	struct sio_bus *bus;

	if (!domain_name_free(ctx, cmd))
		return;
	bus = sio_machine_bus(ctx->m, cmd->argv[0]);
	if (!bus) {
		scn_op_error(ctx, -ENODEV, "bus %s not declared", cmd->argv[0]);
		return;
	}
	d = iommu_domain_alloc(bus);
	domain_named(ctx, cmd, d ?: ERR_PTR(-ENODEV));
}

/* The domain argv[0] names, and "domain NAME" into @what; NULL if none. */
static struct scn_obj *domain_of(struct sio_scn_ctx *ctx,
				 const struct sio_scn_cmd *cmd, char *what,
				 size_t len)
{
	struct scn_obj *o = scn_get_domain(ctx, cmd->argv[0]);

	snprintf(what, len, "domain %s", cmd->argv[0]);
	return o;
}

/* ---- where the named domains are attached ---- */

/* Is @g populated and on @d now? */
static bool group_on_domain(struct iommu_group *g, struct iommu_domain *d)
{
	struct sio_iommu_group_info info;

	return g && !sio_iommu_group_get_info(g, &info) && info.num_devices &&
	       info.domain == d;
}

/* The record of @d's attachment to @g, or NULL. */
static struct scn_obj *attach_find(struct sio_scn_ctx *ctx,
				   struct iommu_domain *d,
				   struct iommu_group *g)
{
	struct scn_obj *a;

	list_for_each_entry(a, &ctx->objs, node)
		if (a->type == SCN_OBJ_ATTACH && a->domain == d && a->group == g)
			return a;
	return NULL;
}

/*
 * The record for attaching the named domain @o to @g, made before the
 * attach so that an attach the scenario did is never unknown to its
 * cleanup; *@fresh: made now (delete it if the attach fails).
 * Return: the record, or NULL (out of memory).
 */
static struct scn_obj *attach_prepare(struct sio_scn_ctx *ctx,
				      struct scn_obj *o, struct iommu_group *g,
				      bool *fresh)
{
	struct scn_obj *a = attach_find(ctx, o->domain, g);

	*fresh = !a;
	if (a)
		return a;
	a = scn_obj_add(ctx, SCN_OBJ_ATTACH, o->name);
	if (a) {
		a->domain = o->domain;
		a->group = iommu_group_ref_get(g);
	}
	return a;
}

/* Forget the attachments of @d that no longer hold (all, if @all). */
static void attach_prune(struct sio_scn_ctx *ctx, struct iommu_domain *d,
			 bool all)
{
	struct scn_obj *a, *n;

	list_for_each_entry_safe(a, n, &ctx->objs, node)
		if (a->type == SCN_OBJ_ATTACH && a->domain == d &&
		    (all || !group_on_domain(a->group, d)))
			scn_obj_del(a);
}

/* A populated group @d is attached to, or NULL. */
static struct iommu_group *attach_busy(struct sio_scn_ctx *ctx,
				       struct iommu_domain *d)
{
	struct scn_obj *a;

	list_for_each_entry(a, &ctx->objs, node)
		if (a->type == SCN_OBJ_ATTACH && a->domain == d &&
		    group_on_domain(a->group, d))
			return a->group;
	return NULL;
}

static void run_domain_attach(struct sio_scn_ctx *ctx,
			      const struct sio_scn_cmd *cmd)
{
	struct iommu_group *g = NULL;
	struct sio_device *dev;
	struct scn_obj *o, *a = NULL;
	char what[160];
	bool fresh = false;
	int ret;

	o = domain_of(ctx, cmd, what, sizeof(what));
	dev = o ? scn_get_device(ctx, cmd->argv[1]) : NULL;
	if (!dev)
		return;
	g = iommu_group_get(dev);
	if (g) {
		a = attach_prepare(ctx, o, g, &fresh);
		if (!a) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = iommu_attach_device(o->domain, dev);
	if (ret && fresh)
		scn_obj_del(a);
	else if (!ret && a && !a->dev)
		a->dev = sio_get_device(dev);
out:
	iommu_group_put(g);
	sio_put_device(dev);
	scn_op_result(ctx, what, ret);
}

static void run_domain_detach(struct sio_scn_ctx *ctx,
			      const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev;
	struct scn_obj *o;
	char what[160];

	o = domain_of(ctx, cmd, what, sizeof(what));
	dev = o ? scn_get_device(ctx, cmd->argv[1]) : NULL;
	if (!dev)
		return;
	iommu_detach_device(o->domain, dev);
	attach_prune(ctx, o->domain, false);
	sio_put_device(dev);
	scn_op_result(ctx, what, 0);
}

static void run_domain_attach_group(struct sio_scn_ctx *ctx,
				    const struct sio_scn_cmd *cmd)
{
	struct iommu_group *g;
	struct scn_obj *o, *a;
	char what[160];
	bool fresh;
	int ret;

	o = domain_of(ctx, cmd, what, sizeof(what));
	g = o ? scn_get_group_by_id(ctx, cmd->num[0]) : NULL;
	if (!g)
		return;
	a = attach_prepare(ctx, o, g, &fresh);
	if (!a) {
		ret = -ENOMEM;
	} else {
		ret = iommu_attach_group(o->domain, g);
		if (ret && fresh)
			scn_obj_del(a);
	}
	iommu_group_put(g);
	scn_op_result(ctx, what, ret);
}

static void run_domain_detach_group(struct sio_scn_ctx *ctx,
				    const struct sio_scn_cmd *cmd)
{
	struct iommu_group *g;
	struct scn_obj *o;
	char what[160];

	o = domain_of(ctx, cmd, what, sizeof(what));
	g = o ? scn_get_group_by_id(ctx, cmd->num[0]) : NULL;
	if (!g)
		return;
	iommu_detach_group(o->domain, g);
	attach_prune(ctx, o->domain, false);
	iommu_group_put(g);
	scn_op_result(ctx, what, 0);
}

/*
 * iommu_domain_free() of a domain still attached is a caller bug the
 * kernel does not check: a user-facing layer refuses it (-EBUSY), as
 * iommufd refuses to destroy a HWPT that devices are attached to.
 */
static void run_domain_free(struct sio_scn_ctx *ctx,
			    const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o = scn_get_domain(ctx, cmd->argv[0]);
	struct iommu_group *g;

	if (!o)
		return;
	g = attach_busy(ctx, o->domain);
	if (g) {
		scn_op_error(ctx, -EBUSY,
			     "domain %s is attached to IOMMU group %d: detach it first",
			     o->name, iommu_group_id(g));
		return;
	}
	attach_prune(ctx, o->domain, true);
	iommu_domain_free(o->domain);
	scn_obj_del(o);
	ctx->last_err = 0;
}

static void run_domain_map(struct sio_scn_ctx *ctx,
			   const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o;
	char what[160];
	u64 iova, pa;
	int ret;

	o = domain_of(ctx, cmd, what, sizeof(what));
	if (!o || !scn_resolve(ctx, cmd, 0, &iova) ||
	    !scn_resolve(ctx, cmd, 1, &pa))
		return;
	ret = iommu_map(o->domain, (unsigned long)iova, pa, (size_t)cmd->num[2],
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	scn_op_result(ctx, what, ret);
}

static void run_domain_unmap(struct sio_scn_ctx *ctx,
			     const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o;
	char what[160];
	u64 iova;
	size_t n;

	o = domain_of(ctx, cmd, what, sizeof(what));
	if (!o || !scn_resolve(ctx, cmd, 0, &iova))
		return;
	n = iommu_unmap(o->domain, (unsigned long)iova, (size_t)cmd->num[2]);
	if (n != cmd->num[2])
		scn_out(ctx, "%s: unmapped %zu of %llu bytes\n", what, n,
			(unsigned long long)cmd->num[2]);
	ctx->last_err = n ? 0 : -ENOENT;
}

/* ---- check invariants ---- */

static void run_check_invariants(struct sio_scn_ctx *ctx,
				 const struct sio_scn_cmd *cmd)
{
	int n = sio_iommu_check_invariants(ctx->m);

	if (n)
		scn_out(ctx, "invariants: %d violation(s)\n", n);
	else
		scn_out(ctx, "invariants: OK\n");
	ctx->last_err = n ? -EINVAL : 0;
}

static const struct scn_cmd_row domain_cmds[] = {
	{
		.word = "vfio", .sub = "open",
		.synopsis = "vfio open DEV [cookie=NAME]",
		.help = "claim DEV's DMA ownership for a user",
		.doc = "open a device bound to a `vfio` driver: `iommu_device_claim_dma_owner(dev, cookie)` (default cookie `default`; devices opened with the same cookie share ownership)",
		.parse = parse_vfio_open,
		.run = run_vfio_open,
	},
	{
		.word = "vfio", .sub = "open-group",
		.synopsis = "vfio open-group N cookie=NAME",
		.help = "claim group N's DMA ownership (legacy)",
		.doc = "`iommu_group_claim_dma_owner()` (the legacy VFIO group path; as VFIO, the claim is revoked when the group's last device is removed)",
		.parse = parse_vfio_open_group,
		.run = run_vfio_open_group,
	},
	{
		.word = "vfio", .sub = "close",
		.synopsis = "vfio close DEV",
		.help = "release DEV's DMA ownership",
		.doc = "`iommu_device_release_dma_owner()` (detaching and freeing the user domain first)",
		.parse = parse_vfio_dev,
		.run = run_vfio_close,
	},
	{
		.word = "vfio", .sub = "close-group",
		.synopsis = "vfio close-group N",
		.help = "release group N's DMA ownership",
		.doc = "`iommu_group_release_dma_owner()`",
		.parse = parse_vfio_group,
		.run = run_vfio_close_group,
	},
	{
		.word = "vfio", .sub = "attach",
		.synopsis = "vfio attach DEV",
		.help = "attach DEV's group to a new user domain",
		.doc = "`iommu_paging_domain_alloc()` + `iommu_attach_group()` while open",
		.parse = parse_vfio_dev,
		.run = run_vfio_attach,
	},
	{
		.word = "vfio", .sub = "detach",
		.synopsis = "vfio detach DEV",
		.help = "detach and free the user domain",
		.parse = parse_vfio_dev,
		.run = run_vfio_detach,
	},
	{
		.word = "vfio", .sub = "map",
		.synopsis = "vfio map DEV IOVA PADDR SIZE [r|w|rw]",
		.help = "map into the user domain",
		.doc = "`iommu_map()` on the user domain, after VFIO's checks: `-EINVAL` for a range outside the domain's aperture, empty, wrapping or not page-aligned; `-EFAULT` for a physical range outside the machine's RAM",
		.parse = parse_vfio_map,
		.run = run_vfio_map,
	},
	{
		.word = "vfio", .sub = "unmap",
		.synopsis = "vfio unmap DEV IOVA SIZE",
		.help = "unmap from the user domain",
		.doc = "`iommu_unmap()` on the user domain, after VFIO's checks (`-EINVAL` for a range outside the aperture, empty, wrapping or not page-aligned)",
		.parse = parse_vfio_unmap,
		.run = run_vfio_unmap,
	},
	{
		.word = "domain", .sub = "alloc",
		.synopsis = "domain alloc DEV as NAME",
		.help = "allocate a paging domain for DEV",
		.doc = "`iommu_paging_domain_alloc(dev)`",
		.parse = parse_domain_alloc,
		.run = run_domain_alloc,
	},
	{
		.word = "domain", .sub = "alloc-bus",
		.synopsis = "domain alloc-bus BUS as NAME",
		.help = "allocate a domain the legacy way, by bus",
		.doc = "the legacy `iommu_domain_alloc(bus)` (seed 002)",
		.parse = parse_domain_alloc_bus,
		.run = run_domain_alloc_bus,
	},
	{
		.word = "domain", .sub = "attach",
		.synopsis = "domain attach NAME DEV",
		.help = "attach DEV to the domain",
		.doc = "`iommu_attach_device()`",
		.parse = parse_domain_dev,
		.run = run_domain_attach,
	},
	{
		.word = "domain", .sub = "detach",
		.synopsis = "domain detach NAME DEV",
		.help = "detach DEV from the domain",
		.doc = "`iommu_detach_device()`",
		.parse = parse_domain_dev,
		.run = run_domain_detach,
	},
	{
		.word = "domain", .sub = "attach-group",
		.synopsis = "domain attach-group NAME N",
		.help = "attach IOMMU group N to the domain",
		.doc = "`iommu_attach_group()`",
		.parse = parse_domain_group,
		.run = run_domain_attach_group,
	},
	{
		.word = "domain", .sub = "detach-group",
		.synopsis = "domain detach-group NAME N",
		.help = "detach IOMMU group N from the domain",
		.doc = "`iommu_detach_group()`",
		.parse = parse_domain_group,
		.run = run_domain_detach_group,
	},
	{
		.word = "domain", .sub = "free",
		.synopsis = "domain free NAME",
		.help = "free the domain",
		.doc = "`iommu_domain_free()`; refused with `-EBUSY` while a group is attached to it (detach it first)",
		.parse = parse_domain_name,
		.run = run_domain_free,
	},
	{
		.word = "domain", .sub = "map",
		.synopsis = "domain map NAME IOVA PADDR SIZE",
		.help = "map a range into the domain (read-write)",
		.doc = "`iommu_map()` (read-write)",
		.parse = parse_domain_map,
		.run = run_domain_map,
	},
	{
		.word = "domain", .sub = "unmap",
		.synopsis = "domain unmap NAME IOVA SIZE",
		.help = "unmap a range from the domain",
		.doc = "`iommu_unmap()`",
		.parse = parse_domain_unmap,
		.run = run_domain_unmap,
	},
	{
		.word = "check", .sub = "invariants",
		.synopsis = "check invariants",
		.help = "check owner counts, domains, attachments",
		.doc = "`sio_iommu_check_invariants()`: owner counts, domains, attachments; prints the number of violations",
		.run = run_check_invariants,
	},
};

/* ---- expects on IOMMU groups ---- */

/*
 * Group info of device @name (and its group, referenced, if @gp).
 * Return: 0, -ENODEV (no device), -ENOENT (no group).
 */
static int dev_group_info(struct sio_scn_ctx *ctx, const char *name,
			  struct iommu_group **gp,
			  struct sio_iommu_group_info *info)
{
	struct sio_device *dev = sio_machine_find_device(ctx->m, name);
	struct iommu_group *g;
	int ret;

	if (!dev)
		return -ENODEV;
	g = iommu_group_get(dev);
	sio_put_device(dev);
	if (!g)
		return -ENOENT;
	ret = sio_iommu_group_get_info(g, info);
	if (gp)
		*gp = g;
	else
		iommu_group_put(g);
	return ret;
}

static const char *group_err(int ret)
{
	return ret == -ENODEV ? "no such device" :
	       ret == -ENOENT ? "device has no IOMMU group" : sio_strerror(ret);
}

static int parse_expect_owner_cnt(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a device name") ?: scn_take_eq(p) ?:
	       scn_take_u64(p, "a count", &p->cmd->num[0]);
}

static bool eval_owner_cnt(struct sio_scn_ctx *ctx,
			   const struct sio_scn_cmd *cmd, char *got, size_t len)
{
	struct sio_iommu_group_info info;
	int ret = dev_group_info(ctx, cmd->argv[0], NULL, &info);

	if (ret) {
		snprintf(got, len, "%s", group_err(ret));
		return false;
	}
	snprintf(got, len, "%u", info.owner_cnt);
	return info.owner_cnt == cmd->num[0];
}

#define SCN_GROUP_OWNER		(1u << 0)	/* group DEV owner == X */

static int parse_expect_group(struct scn_parser *p)
{
	int ret = scn_take_name_arg(p, "a device name");

	if (ret)
		return ret;
	if (scn_accept(p, "owner"))
		p->cmd->flags |= SCN_GROUP_OWNER;
	else if (!scn_accept(p, "domain"))
		return scn_expected(p, "'domain' or 'owner'");
	return scn_take_eq(p) ?:
	       scn_take_name_arg(p, p->cmd->flags & SCN_GROUP_OWNER ?
			"none, user or a cookie name" :
			"blocking, default, identity, unmanaged, dma, none or a domain name");
}

/* Domain name for messages: a named domain, else what the group uses it as. */
static const char *scn_domain_desc(struct sio_scn_ctx *ctx,
				   struct iommu_domain *d,
				   const struct sio_iommu_group_info *info,
				   char *buf, size_t len)
{
	struct scn_obj *o;
	const char *type;

	if (!d)
		return "none";
	list_for_each_entry(o, &ctx->objs, node) {
		if (o->type == SCN_OBJ_DOMAIN && o->domain == d) {
			snprintf(buf, len, "%s", o->name);
			return buf;
		}
	}
	switch (iommu_domain_type(d)) {
	case IOMMU_DOMAIN_BLOCKED: type = "blocked"; break;
	case IOMMU_DOMAIN_IDENTITY: type = "identity"; break;
	case IOMMU_DOMAIN_UNMANAGED: type = "unmanaged"; break;
	case IOMMU_DOMAIN_DMA: type = "DMA"; break;
	case IOMMU_DOMAIN_DMA_FQ: type = "DMA-FQ"; break;
	default: type = "other"; break;
	}
	if (info && d == info->default_domain)
		snprintf(buf, len, "default (%s)", type);
	else if (info && d == info->blocking_domain)
		snprintf(buf, len, "blocking (%s)", type);
	else
		snprintf(buf, len, "%s", type);
	return buf;
}

static bool domain_matches(struct sio_scn_ctx *ctx, const char *want,
			   const struct sio_iommu_group_info *info, bool *known)
{
	struct iommu_domain *d = info->domain;
	unsigned int type = d ? iommu_domain_type(d) : 0;
	struct scn_obj *o;

	*known = true;
	if (!strcmp(want, "none"))
		return !d;
	if (!strcmp(want, "blocking"))
		return d && d == info->blocking_domain;
	if (!strcmp(want, "default"))
		return d && d == info->default_domain;
	if (!strcmp(want, "identity"))
		return d && type == IOMMU_DOMAIN_IDENTITY;
	if (!strcmp(want, "blocked"))
		return d && type == IOMMU_DOMAIN_BLOCKED;
	if (!strcmp(want, "unmanaged"))
		return d && type == IOMMU_DOMAIN_UNMANAGED;
	if (!strcmp(want, "dma"))
		return d && (type == IOMMU_DOMAIN_DMA ||
			     type == IOMMU_DOMAIN_DMA_FQ);
	o = scn_obj_find(ctx, SCN_OBJ_DOMAIN, want);
	if (!o) {
		*known = false;
		return false;
	}
	return d == o->domain;
}

static bool eval_group_domain(struct sio_scn_ctx *ctx,
			      const struct sio_scn_cmd *cmd,
			      const struct sio_iommu_group_info *info,
			      char *got, size_t len)
{
	char d1[80];
	bool known, ok = domain_matches(ctx, cmd->argv[1], info, &known);

	if (!known) {
		snprintf(got, len, "no domain named %s", cmd->argv[1]);
		return false;
	}
	snprintf(got, len, "%s",
		 scn_domain_desc(ctx, info->domain, info, d1, sizeof(d1)));
	return ok;
}

static bool eval_group_owner(struct sio_scn_ctx *ctx,
			     const struct sio_scn_cmd *cmd,
			     const struct sio_iommu_group_info *info,
			     char *got, size_t len)
{
	struct scn_obj *o;
	bool ok;

	if (!strcmp(cmd->argv[1], "none")) {
		ok = !info->owner;
	} else if (!strcmp(cmd->argv[1], "user")) {
		ok = !!info->owner;
	} else {
		o = scn_obj_find(ctx, SCN_OBJ_COOKIE, cmd->argv[1]);
		ok = o && info->owner == (void *)o;
	}
	if (!info->owner) {
		snprintf(got, len, "none");
		return ok;
	}
	snprintf(got, len, "a cookie not named in the scenario");
	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == SCN_OBJ_COOKIE && (void *)o == info->owner)
			snprintf(got, len, "%s", o->name);
	return ok;
}

static bool eval_group(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		       char *got, size_t len)
{
	struct sio_iommu_group_info info;
	int ret = dev_group_info(ctx, cmd->argv[0], NULL, &info);

	if (ret) {
		snprintf(got, len, "%s", group_err(ret));
		return false;
	}
	if (cmd->flags & SCN_GROUP_OWNER)
		return eval_group_owner(ctx, cmd, &info, got, len);
	return eval_group_domain(ctx, cmd, &info, got, len);
}

static int parse_expect_same_group(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a device name") ?:
	       scn_take_name_arg(p, "a device name");
}

static bool eval_same_group(struct sio_scn_ctx *ctx,
			    const struct sio_scn_cmd *cmd,
			    char *got, size_t len)
{
	struct iommu_group *g1 = NULL, *g2 = NULL;
	struct sio_iommu_group_info i1, i2;
	int r1 = dev_group_info(ctx, cmd->argv[0], &g1, &i1);
	int r2 = dev_group_info(ctx, cmd->argv[1], &g2, &i2);
	bool ok = false;

	if (r1 || r2) {
		snprintf(got, len, "%s: %s", r1 ? cmd->argv[0] : cmd->argv[1],
			 group_err(r1 ? r1 : r2));
	} else {
		ok = g1 == g2;
		snprintf(got, len, "groups %d and %d", i1.id, i2.id);
	}
	iommu_group_put(g1);
	iommu_group_put(g2);
	return ok;
}

static bool eval_invariants(struct sio_scn_ctx *ctx,
			    const struct sio_scn_cmd *cmd,
			    char *got, size_t len)
{
	int ret = sio_iommu_check_invariants(ctx->m);

	snprintf(got, len, "%d violation(s)", ret);
	return ret == 0;
}

static const struct scn_expect_row domain_expects[] = {
	{
		.word = "owner_cnt", .alias = "owner-cnt",
		.synopsis = "expect owner_cnt DEV == N",
		.help = "DEV's group owner_cnt",
		.doc = "DEV's group `owner_cnt`",
		.parse = parse_expect_owner_cnt,
		.eval = eval_owner_cnt,
	},
	{
		.word = "group",
		.synopsis = "expect group DEV domain == X\nexpect group DEV owner == X",
		.help = "the domain / the DMA owner of DEV's group",
		.doc = "the domain DEV's group is attached to, X: `default`, `blocking`, `identity`, `blocked`, `unmanaged`, `dma` (DMA or DMA-FQ), `none`, or a domain NAME; its DMA owner, X: `none`, `user` (any cookie), or a cookie NAME",
		.parse = parse_expect_group,
		.eval = eval_group,
	},
	{
		.word = "same-group",
		.synopsis = "expect same-group DEV1 DEV2",
		.help = "the two devices share an IOMMU group",
		.parse = parse_expect_same_group,
		.eval = eval_same_group,
	},
	{
		.word = "invariants",
		.synopsis = "expect invariants",
		.help = "the core's invariants hold",
		.doc = "`sio_iommu_check_invariants()` found nothing",
		.eval = eval_invariants,
	},
};

/*
 * Undo what the scenario left, in the order a VFIO user tears down: detach
 * each named domain from every group it is still attached to and free it;
 * close the devices it opened; then release its group claims.  A group
 * claim and a device claim by the same owner may coexist (owner_cnt 2),
 * and releasing the group first WARNs in the kernel too: the device
 * claims go first.
 */
static void domain_release(struct sio_scn_ctx *ctx)
{
	struct scn_obj *o, *a, *n;

	list_for_each_entry(o, &ctx->objs, node) {
		if (o->type != SCN_OBJ_DOMAIN || !o->domain)
			continue;
		list_for_each_entry(a, &ctx->objs, node)
			if (a->type == SCN_OBJ_ATTACH && a->domain == o->domain &&
			    group_on_domain(a->group, o->domain))
				iommu_detach_group(o->domain, a->group);
		attach_prune(ctx, o->domain, true);
		if (!attach_busy(ctx, o->domain))
			iommu_domain_free(o->domain);
		o->domain = NULL;
	}
	list_for_each_entry_safe(o, n, &ctx->objs, node) {
		if (o->type != SCN_OBJ_VFIO_OPEN)
			continue;
		sio_vfio_close(o->dev);	/* -EBADF/-ENODEV: closed already */
		scn_obj_del(o);
	}
	list_for_each_entry_safe(o, n, &ctx->objs, node) {
		if (o->type != SCN_OBJ_GROUP_CLAIM)
			continue;
		if (o->group)
			sio_vfio_group_close(o->group);
		scn_obj_del(o);
	}
}

const struct scn_area scn_area_domain = {
	.name = "domain",
	.title = "Domains and DMA ownership",
	.cmds = domain_cmds,
	.ncmds = ARRAY_SIZE(domain_cmds),
	.expects = domain_expects,
	.nexpects = ARRAY_SIZE(domain_expects),
	.release = domain_release,
};
