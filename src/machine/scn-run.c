// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario interpreter: runs a parsed script against a machine, prints a
 * shell-like transcript with the new kernel log lines after each command,
 * evaluates expects and accounts WARNs.  Shell-like commands (echo, cat,
 * ls, modprobe...) live in scn-shell.c.
 */
#include "machine/scn-run.h"
#include "user/vfio.h"

/* ---- output ---- */

void scn_out(struct sio_scn_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->opts.flags & (SIO_SCN_QUIET | SIO_SCN_SILENT))
		return;
	va_start(ap, fmt);
	vfprintf(ctx->out, fmt, ap);
	va_end(ap);
}

static int add_failure(struct sio_scn_ctx *ctx, unsigned int line,
		       const char *msg)
{
	struct sio_scn_failure *n;

	n = krealloc(ctx->failures, sizeof(*n) * (ctx->nfail + 1), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	ctx->failures = n;
	n[ctx->nfail].line = line;
	n[ctx->nfail].message = kstrdup(msg, GFP_KERNEL);
	if (!n[ctx->nfail].message)
		return -ENOMEM;
	ctx->nfail++;
	return 0;
}

/*
 * scn_fail() - record a failure of the line being run and print
 * "FILE:LINE: <msg>" (even in quiet mode).
 */
void scn_fail(struct sio_scn_ctx *ctx, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (add_failure(ctx, ctx->line, msg))
		ctx->oom = true;
	if (!(ctx->opts.flags & SIO_SCN_SILENT))
		fprintf(ctx->out, ctx->line ? "%s:%u: %s\n" : "%s:%.0u %s\n",
			ctx->name, ctx->line, msg);
}

/*
 * scn_op_error() - an operation failed in a way a scenario author may want
 * to expect (a declaration refused, an unknown device).  Counted as a failure
 * unless the next command is "expect <errno>" or "expect fail".
 */
void scn_op_error(struct sio_scn_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	ctx->last_err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->pending, sizeof(ctx->pending), fmt, ap);
	va_end(ap);
	ctx->pending_line = ctx->line;
	scn_out(ctx, "softiommu: %s\n", ctx->pending);
}

static void commit_pending(struct sio_scn_ctx *ctx)
{
	unsigned int line = ctx->line;

	if (!ctx->pending[0])
		return;
	ctx->line = ctx->pending_line;
	scn_fail(ctx, "error: %s", ctx->pending);
	ctx->line = line;
	ctx->pending[0] = '\0';
}

static int print_log_line(const char *line, void *data)
{
	struct sio_scn_ctx *ctx = data;

	fprintf(ctx->out, "%s\n", line);
	return 0;
}

/* Print the log lines logged since @seq. */
void scn_print_log_since(struct sio_scn_ctx *ctx, unsigned long seq)
{
	if (ctx->opts.flags & (SIO_SCN_QUIET | SIO_SCN_SILENT))
		return;
	fflush(ctx->out);
	sio_log_for_each(print_log_line, ctx, seq);
}

/* ---- named objects ---- */

struct scn_obj *scn_obj_find(struct sio_scn_ctx *ctx, int type,
			     const char *name)
{
	struct scn_obj *o;

	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == type && !strcmp(o->name, name))
			return o;
	return NULL;
}

struct scn_obj *scn_obj_add(struct sio_scn_ctx *ctx, int type,
				   const char *name)
{
	struct scn_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return NULL;
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->type = type;
	list_add_tail(&o->node, &ctx->objs);
	return o;
}

void scn_obj_del(struct scn_obj *o)
{
	list_del(&o->node);
	if (o->dev)
		sio_put_device(o->dev);
	if (o->group)
		iommu_group_put(o->group);
	kfree(o);
}

/* The cookie object named @name, created on first use. */
static void *scn_cookie(struct sio_scn_ctx *ctx, const char *name)
{
	struct scn_obj *o = scn_obj_find(ctx, SCN_OBJ_COOKIE, name);

	if (!o)
		o = scn_obj_add(ctx, SCN_OBJ_COOKIE, name);
	return o;		/* the object's address is the cookie */
}

/* Domain name for messages: a named domain, else what the group uses it as. */
const char *scn_domain_desc(struct sio_scn_ctx *ctx, struct iommu_domain *d,
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

/* ---- context ---- */

struct sio_scn_ctx *sio_scn_ctx_create(struct sio_machine *m, const char *name,
				       const struct sio_scn_opts *opts)
{
	struct sio_scn_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	const char *clk = getenv("SIO_LOG_CLOCK");
	bool virt;

	if (!ctx)
		return ERR_PTR(-ENOMEM);
	ctx->m = m;
	if (opts)
		ctx->opts = *opts;
	ctx->out = ctx->opts.out ? ctx->opts.out : stdout;
	snprintf(ctx->name, sizeof(ctx->name), "%s", name ? name : "<scenario>");
	INIT_LIST_HEAD(&ctx->objs);
	virt = (ctx->opts.flags & SIO_SCN_VIRTUAL_CLOCK) ||
	       (clk && !strcmp(clk, "virtual"));
	sio_log_reset(virt ? SIO_LOG_CLOCK_VIRTUAL : SIO_LOG_CLOCK_REAL);
	sio_warn_reset();
	ctx->log_start = sio_log_seq();
	ctx->dmesg_start = ctx->log_start;
	return ctx;
}

void sio_scn_ctx_parse_error(struct sio_scn_ctx *ctx, const char *msg)
{
	ctx->malformed = true;
	if (!(ctx->opts.flags & SIO_SCN_SILENT))
		fprintf(ctx->out, "%s\n", msg);
	if (!ctx->parse_error[0])
		snprintf(ctx->parse_error, sizeof(ctx->parse_error), "%s", msg);
}

/* WARNs that no passed "expect warn" accounts for. */
static unsigned long unaccounted_warns(struct sio_scn_ctx *ctx)
{
	unsigned long total = sio_warn_count(), acc = ctx->warns_accounted;
	unsigned long fsum = 0;
	struct scn_obj *o;

	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == SCN_OBJ_WARN_FUNC)
			fsum += o->count;
	if (fsum > acc)
		acc = fsum;
	return total > acc ? total - acc : 0;
}

static int report_site(const struct sio_warn_site *site, void *data)
{
	struct sio_scn_ctx *ctx = data;

	const char *file = site->file, *p;

	/* "../../src/core/x.c" → "src/core/x.c", as the WARN report does */
	for (p = strstr(file, "src/"); p; p = strstr(p + 1, "src/"))
		if (p == site->file || p[-1] == '/')
			file = p;
	if (!(ctx->opts.flags & SIO_SCN_SILENT))
		fprintf(ctx->out, "  WARNING at %s (%s:%d) fired %lu time(s)\n",
			site->func, file, site->line, site->count);
	return 0;
}

/* Undo what the scenario left behind that the machine does not own. */
static void release_objects(struct sio_scn_ctx *ctx)
{
	struct scn_obj *o, *n;

	/* DMA mappings first: they live in domains freed below. */
	scn_release_dma_objects(ctx);
	list_for_each_entry_safe(o, n, &ctx->objs, node) {
		if (o->type == SCN_OBJ_GROUP_CLAIM && o->group)
			sio_vfio_group_close(o->group);
		if (o->type == SCN_OBJ_DOMAIN && o->domain) {
			if (o->dev && iommu_get_domain_for_dev(o->dev) == o->domain)
				iommu_detach_device(o->domain, o->dev);
			if (o->group) {
				struct sio_iommu_group_info info;

				if (!sio_iommu_group_get_info(o->group, &info) &&
				    info.domain == o->domain)
					iommu_detach_group(o->domain, o->group);
			}
			iommu_domain_free(o->domain);
		}
	}
	list_for_each_entry_safe(o, n, &ctx->objs, node)
		scn_obj_del(o);
}

void sio_scn_ctx_finish(struct sio_scn_ctx *ctx, struct sio_scn_result *res)
{
	unsigned long unexpected;

	commit_pending(ctx);
	sio_wait_for_device_probe(ctx->m);
	unexpected = unaccounted_warns(ctx);
	if (unexpected) {
		ctx->line = 0;
		scn_fail(ctx, "%lu unexpected WARN(s): no 'expect warn' accounts for them",
			 unexpected);
		sio_warn_for_each_site(report_site, ctx);
	}
	memset(res, 0, sizeof(*res));
	res->lines = ctx->lines;
	res->commands = ctx->commands;
	res->expects_passed = ctx->passed;
	res->expects_failed = ctx->failed;
	res->warns = sio_warn_count();
	res->unexpected_warns = unexpected;
	res->failures = ctx->failures;
	res->num_failures = ctx->nfail;
	snprintf(res->parse_error, sizeof(res->parse_error), "%s",
		 ctx->parse_error);
	res->status = ctx->malformed ? 2 : (ctx->nfail || ctx->oom) ? 1 : 0;
	if (ctx->opts.flags & SIO_SCN_DMESG && !(ctx->opts.flags & SIO_SCN_SILENT)) {
		fprintf(ctx->out, "---- dmesg ----\n");
		sio_log_dump(ctx->out);
	}
	if (!(ctx->opts.flags & (SIO_SCN_SILENT | SIO_SCN_NO_SUMMARY)))
		fprintf(ctx->out,
			"scenario %s: %u commands, %u expects passed, %u failed, %lu warns\n",
			ctx->name, ctx->commands, ctx->passed, ctx->failed,
			res->warns);
	release_objects(ctx);
	kfree(ctx);
}

void sio_scn_result_release(struct sio_scn_result *res)
{
	unsigned int i;

	for (i = 0; i < res->num_failures; i++)
		kfree(res->failures[i].message);
	kfree(res->failures);
	res->failures = NULL;
	res->num_failures = 0;
}

/* ---- lookups ---- */

/* Return: a referenced device, or NULL after recording an error. */
struct sio_device *scn_get_device(struct sio_scn_ctx *ctx, const char *name)
{
	struct sio_device *dev = sio_machine_find_device(ctx->m, name);

	if (!dev)
		scn_op_error(ctx, -ENODEV, "no device %s", name);
	return dev;
}

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

static struct scn_obj *scn_get_domain(struct sio_scn_ctx *ctx,
				      const char *name)
{
	struct scn_obj *o = scn_obj_find(ctx, SCN_OBJ_DOMAIN, name);

	if (!o)
		scn_op_error(ctx, -ENOENT, "no domain named %s", name);
	return o;
}

/* Print "<what>: <strerror> (<ENAME>)" for a failed operation. */
static void op_result(struct sio_scn_ctx *ctx, const char *what, int ret)
{
	ctx->last_err = ret < 0 ? ret : 0;
	if (ret < 0)
		scn_out(ctx, "%s: %s (%s)\n", what, sio_strerror(ret),
			sio_errno_name(ret));
}

/* ---- declarations ---- */

static void run_decl(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	int ret;

	switch (cmd->kind) {
	case SCN_BUS:
		ret = sio_machine_add_bus(ctx->m, cmd->argv[0]);
		if (ret)
			scn_op_error(ctx, ret, "bus %s: %s", cmd->argv[0],
				     ret == -EEXIST ? "already declared" :
				     sio_strerror(ret));
		else
			ctx->last_err = 0;
		break;
	case SCN_IOMMU:
		ret = sio_machine_add_iommu_opts(ctx->m, &cmd->decl.iommu,
			!strcmp(cmd->decl.iommu.kind, "smmu") ? &cmd->smmu : NULL);
		if (ret)
			scn_op_error(ctx, ret, "iommu %s %s: %s",
				     cmd->decl.iommu.kind, cmd->decl.iommu.name,
				     ret == -EEXIST ? "name already used" :
				     sio_strerror(ret));
		else
			ctx->last_err = 0;
		break;
	case SCN_DEVICE:
		ret = sio_machine_add_device(ctx->m, &cmd->decl.device);
		if (ret)
			scn_op_error(ctx, ret, "device %s %s: %s",
				     cmd->decl.device.bus, cmd->decl.device.name,
				     ret == -ENODEV ? "bus not declared" :
				     ret == -EEXIST ? "name already used" :
				     sio_strerror(ret));
		else
			ctx->last_err = 0;
		break;
	case SCN_DEVICE_REMOVE:
		ret = sio_machine_remove_device(ctx->m, cmd->argv[0]);
		if (ret)
			scn_op_error(ctx, ret, "device remove %s: no such device",
				     cmd->argv[0]);
		else
			ctx->last_err = 0;
		break;
	case SCN_DRIVER:
		ret = sio_machine_add_driver(ctx->m, &cmd->decl.driver);
		if (ret)
			scn_op_error(ctx, ret, "driver %s %s: %s",
				     cmd->decl.driver.bus, cmd->decl.driver.name,
				     ret == -ENODEV ? "bus not declared" :
				     ret == -EEXIST ? "already registered" :
				     sio_strerror(ret));
		else
			ctx->last_err = 0;
		break;
	case SCN_CMDLINE: {
		int pt = cmd->decl.cmdline.passthrough;
		int strict = cmd->decl.cmdline.strict;

		char line[256] = "";
		int i;

		for (i = 0; i < cmd->argc; i++)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 "%s%s", i ? " " : "", cmd->argv[i]);
		pr_info("Kernel command line: %s", line);
		ret = sio_iommu_set_default_domain_policy(ctx->m,
			pt == SCN_CMDLINE_UNSET ? SIO_IOMMU_DEFAULT_UNSET : pt,
			strict == SCN_CMDLINE_UNSET ? SIO_IOMMU_DEFAULT_UNSET : strict);
		if (!ret && cmd->decl.cmdline.v7_order != SCN_CMDLINE_UNSET)
			ret = sio_iommu_set_legacy_v7_order(ctx->m, true);
		if (ret)
			scn_op_error(ctx, ret, "cmdline: %s", sio_strerror(ret));
		else
			ctx->last_err = 0;
		break;
	}
	default:
		break;
	}
}

/* ---- vfio and domain operations ---- */

static void run_vfio(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	u64 iova = 0, pa = 0;
	struct sio_device *dev = NULL;
	struct iommu_group *g;
	struct scn_obj *o;
	char what[160];
	int ret;

	if (cmd->sub == SCN_VFIO_OPEN_GROUP || cmd->sub == SCN_VFIO_CLOSE_GROUP) {
		g = scn_get_group_by_id(ctx, cmd->num[0]);
		if (!g)
			return;
		snprintf(what, sizeof(what), "vfio: group %llu",
			 (unsigned long long)cmd->num[0]);
		if (cmd->sub == SCN_VFIO_OPEN_GROUP) {
			ret = sio_vfio_group_open(g, scn_cookie(ctx, cmd->argv[0]));
			if (!ret) {
				char oname[32];

				snprintf(oname, sizeof(oname), "group%llu",
					 (unsigned long long)cmd->num[0]);
				o = scn_obj_add(ctx, SCN_OBJ_GROUP_CLAIM, oname);
				if (o)
					o->group = iommu_group_ref_get(g);
			}
			op_result(ctx, what, ret);
		} else {
			list_for_each_entry(o, &ctx->objs, node)
				if (o->type == SCN_OBJ_GROUP_CLAIM && o->group == g)
					break;
			if (&o->node == &ctx->objs) {
				op_result(ctx, what, -EBADF);
			} else {
				sio_vfio_group_close(g);
				scn_obj_del(o);
				ctx->last_err = 0;
			}
		}
		iommu_group_put(g);
		return;
	}

	if ((cmd->sub == SCN_VFIO_MAP || cmd->sub == SCN_VFIO_UNMAP) &&
	    (!scn_resolve(ctx, cmd, 0, &iova) ||
	     (cmd->sub == SCN_VFIO_MAP && !scn_resolve(ctx, cmd, 1, &pa))))
		return;
	dev = scn_get_device(ctx, cmd->argv[0]);
	if (!dev)
		return;
	switch (cmd->sub) {
	case SCN_VFIO_OPEN:
		ret = sio_vfio_open(dev, scn_cookie(ctx, cmd->argc > 1 ?
						    cmd->argv[1] : "default"));
		break;
	case SCN_VFIO_CLOSE:
		ret = sio_vfio_close(dev);
		break;
	case SCN_VFIO_ATTACH:
		ret = sio_vfio_attach(dev);
		break;
	case SCN_VFIO_DETACH:
		ret = sio_vfio_detach(dev);
		break;
	case SCN_VFIO_MAP:
		ret = sio_vfio_map(dev, (unsigned long)iova, pa,
				   (size_t)cmd->num[2], (int)cmd->flags);
		break;
	default:
		ret = sio_vfio_unmap(dev, (unsigned long)iova,
				     (size_t)cmd->num[2]);
		break;
	}
	snprintf(what, sizeof(what), "vfio: %s", cmd->argv[0]);
	op_result(ctx, what, ret);
	sio_put_device(dev);
}

static void run_domain(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	struct iommu_domain *d;
	struct sio_device *dev;
	struct iommu_group *g;
	struct scn_obj *o;
	char what[160];
	int ret;

	if (cmd->sub == SCN_DOM_ALLOC_BUS || cmd->sub == SCN_DOM_ALLOC) {
		const char *name = cmd->argv[1];

		if (scn_obj_find(ctx, SCN_OBJ_DOMAIN, name)) {
			scn_op_error(ctx, -EEXIST, "domain %s already exists", name);
			return;
		}
		if (cmd->sub == SCN_DOM_ALLOC_BUS) {
			struct sio_bus *bus = sio_machine_bus(ctx->m, cmd->argv[0]);

			if (!bus) {
				scn_op_error(ctx, -ENODEV, "bus %s not declared",
					     cmd->argv[0]);
				return;
			}
			d = iommu_domain_alloc(bus);
			if (!d)
				d = ERR_PTR(-ENODEV);
		} else {
			dev = scn_get_device(ctx, cmd->argv[0]);
			if (!dev)
				return;
			d = iommu_paging_domain_alloc(dev);
			sio_put_device(dev);
		}
		snprintf(what, sizeof(what), "domain %s", name);
		if (IS_ERR(d)) {
			op_result(ctx, what, (int)PTR_ERR(d));
			return;
		}
		o = scn_obj_add(ctx, SCN_OBJ_DOMAIN, name);
		if (!o) {
			iommu_domain_free(d);
			op_result(ctx, what, -ENOMEM);
			return;
		}
		o->domain = d;
		scn_out(ctx, "domain %s: %s domain of driver %s\n", name,
			iommu_domain_type(d) == IOMMU_DOMAIN_UNMANAGED ?
			"unmanaged" : "paging",
			d->owner && d->owner->name ? d->owner->name : "?");
		ctx->last_err = 0;
		return;
	}

	o = scn_get_domain(ctx, cmd->argv[0]);
	if (!o)
		return;
	snprintf(what, sizeof(what), "domain %s", cmd->argv[0]);
	switch (cmd->sub) {
	case SCN_DOM_ATTACH:
	case SCN_DOM_DETACH:
		dev = scn_get_device(ctx, cmd->argv[1]);
		if (!dev)
			return;
		if (cmd->sub == SCN_DOM_ATTACH) {
			ret = iommu_attach_device(o->domain, dev);
			if (!ret && !o->dev)
				o->dev = sio_get_device(dev);
		} else {
			iommu_detach_device(o->domain, dev);
			ret = 0;
		}
		sio_put_device(dev);
		op_result(ctx, what, ret);
		return;
	case SCN_DOM_ATTACH_GROUP:
	case SCN_DOM_DETACH_GROUP:
		g = scn_get_group_by_id(ctx, cmd->num[0]);
		if (!g)
			return;
		if (cmd->sub == SCN_DOM_ATTACH_GROUP) {
			ret = iommu_attach_group(o->domain, g);
			if (!ret && !o->group)
				o->group = iommu_group_ref_get(g);
		} else {
			iommu_detach_group(o->domain, g);
			ret = 0;
		}
		iommu_group_put(g);
		op_result(ctx, what, ret);
		return;
	case SCN_DOM_FREE:
		iommu_domain_free(o->domain);
		scn_obj_del(o);
		ctx->last_err = 0;
		return;
	case SCN_DOM_MAP: {
		u64 iova, pa;

		if (!scn_resolve(ctx, cmd, 0, &iova) ||
		    !scn_resolve(ctx, cmd, 1, &pa))
			return;
		ret = iommu_map(o->domain, (unsigned long)iova, pa,
				(size_t)cmd->num[2], IOMMU_READ | IOMMU_WRITE,
				GFP_KERNEL);
		op_result(ctx, what, ret);
		return;
	}
	case SCN_DOM_UNMAP: {
		u64 iova;
		size_t n;

		if (!scn_resolve(ctx, cmd, 0, &iova))
			return;
		n = iommu_unmap(o->domain, (unsigned long)iova,
				(size_t)cmd->num[2]);

		if (n != cmd->num[2])
			scn_out(ctx, "%s: unmapped %zu of %llu bytes\n", what, n,
				(unsigned long long)cmd->num[2]);
		ctx->last_err = n ? 0 : -ENOENT;
		return;
	}
	default:
		return;
	}
}

static const char help_text[] =
"Declarations: bus pci|platform; iommu mock|mock2 NAME [pgsize=..] [pasids=N]\n"
"  [no-identity] [no-blocked] [single-group] [deferred-attach] [def-domain=..];\n"
"  iommu smmu NAME [iotlb=N] [iotlb-ways=N] [iotlb-policy=clock|random]\n"
"  [stage1] [stage2] [nesting] [pri] [ats] [ssid-bits=N] [granules=4K,16K,64K]\n"
"  [ias=N] [oas=N] [no-check-iotlb]; memory SIZE [base=ADDR];\n"
"  device [add] BUS NAME [compatible=X] [iommu=NAME] [sid=ID,..] [alias=G]\n"
"  [late] [untrusted] [pasid-bits=N] [resv=direct:START+LEN]; device remove NAME;\n"
"  driver BUS NAME kind=dma-api|vfio|stub [ids=a,b] [needs=DEV];\n"
"  cmdline iommu.passthrough=0|1 iommu.strict=0|1 legacy-v7-order\n"
"Shell: echo V > P | >> P | '| [sudo] tee [-a] P'; cat P; ls [-l] P;\n"
"  readlink [-f] P; modprobe [-v] [-r] M; rmmod M; dmesg [-c|-C]\n"
"Ops: vfio open DEV [cookie=C] | open-group N cookie=C | close DEV |\n"
"  close-group N | attach DEV | detach DEV | map DEV IOVA PA SIZE [r|w|rw] |\n"
"  unmap DEV IOVA SIZE; domain alloc DEV as D | alloc-bus BUS as D |\n"
"  attach D DEV | detach D DEV | attach-group D N | detach-group D N |\n"
"  map D IOVA PA SIZE | unmap D IOVA SIZE | free D; check invariants;\n"
"  probe wait | probe trigger; memory alloc as NAME SIZE | free NAME;\n"
"  dma read DEV ADDR LEN [pasid=N] | write DEV ADDR \"text\"|0xHEX.. [pasid=N] |\n"
"  map DEV as NAME SIZE [to-device|from-device|bidirectional] | unmap NAME |\n"
"  flush DEV; nic rx|tx DEV \"payload\"; pgtable dump DEV [pasid=N] [IOVA SIZE];\n"
"  addresses may be $NAME or $NAME+OFFSET\n"
"Expect: ok | -EXXX | fail | warn N [in FUNC] | no-warn | file P == \"T\" |\n"
"  file P contains \"T\" | log \"T\" | no-log \"T\" | owner_cnt DEV == N |\n"
"  group DEV domain == blocking|default|identity|unmanaged|dma|none|D |\n"
"  group DEV owner == none|user|C | same-group DEV DEV | invariants |\n"
"  bound DEV DRIVER|none | data \"T\"|0xHEX | fault none|any|translation|\n"
"  permission|access|address-size|abort|bad-ste|bad-cd|stream-disabled|\n"
"  bad-substreamid | nic DEV rx|tx|rx-bytes|tx-bytes|rx-errors|tx-errors|\n"
"  rx-dropped == N | nic DEV last-rx|last-tx == \"T\" |\n"
"  dma DEV maps|unmaps|map-failures|strict-unmaps|lazy-unmaps == N\n"
"See docs/scenario-language.md.\n";

static void run_one(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	switch (cmd->kind) {
	case SCN_BUS:
	case SCN_IOMMU:
	case SCN_DEVICE:
	case SCN_DEVICE_REMOVE:
	case SCN_DRIVER:
	case SCN_CMDLINE:
		run_decl(ctx, cmd);
		break;
	case SCN_VFIO:
		run_vfio(ctx, cmd);
		break;
	case SCN_DOMAIN:
		run_domain(ctx, cmd);
		break;
	case SCN_CHECK_INVARIANTS: {
		int n = sio_iommu_check_invariants(ctx->m);

		if (n)
			scn_out(ctx, "invariants: %d violation(s)\n", n);
		else
			scn_out(ctx, "invariants: OK\n");
		ctx->last_err = n ? -EINVAL : 0;
		break;
	}
	case SCN_PROBE_WAIT:
		sio_wait_for_device_probe(ctx->m);
		ctx->last_err = 0;
		break;
	case SCN_PROBE_TRIGGER:
		sio_deferred_probe_trigger(ctx->m);
		ctx->last_err = 0;
		break;
	case SCN_HELP:
		scn_out(ctx, "%s", help_text);
		break;
	case SCN_MEMORY:
		scn_run_memory(ctx, cmd);
		break;
	case SCN_DMA:
		scn_run_dma(ctx, cmd);
		break;
	case SCN_NIC:
		scn_run_nic(ctx, cmd);
		break;
	case SCN_PGTABLE:
		scn_run_pgtable(ctx, cmd);
		break;
	case SCN_EXPECT:
		scn_run_expect(ctx, cmd);
		break;
	default:
		scn_run_shell(ctx, cmd);
		break;
	}
}

int sio_scn_ctx_run(struct sio_scn_ctx *ctx, const struct sio_scn_script *s)
{
	unsigned int i;

	ctx->lines += s->lines;
	for (i = 0; i < s->ncmds; i++) {
		const struct sio_scn_cmd *cmd = s->cmds[i];
		bool is_exp = cmd->kind == SCN_EXPECT;
		unsigned long seq;

		if (is_exp && (cmd->sub == SCN_EXP_ERRNO || cmd->sub == SCN_EXP_FAIL))
			ctx->pending[0] = '\0';	/* the expect judges it */
		else
			commit_pending(ctx);
		ctx->line = cmd->line;
		if (!is_exp) {
			if (!(ctx->opts.flags & SIO_SCN_NO_ECHO))
				scn_out(ctx, "$ %s\n", cmd->text);
			ctx->commands++;
		}
		seq = sio_log_seq();
		run_one(ctx, cmd);
		/* Deferred probe runs on a workqueue: settle it, deterministically. */
		sio_wait_for_device_probe(ctx->m);
		scn_print_log_since(ctx, seq);
		fflush(ctx->out);
	}
	return 0;
}

int sio_machine_run_scenario(struct sio_machine *m, const char *name,
			     const char *buf, size_t len,
			     const struct sio_scn_opts *opts,
			     struct sio_scn_result *res)
{
	struct sio_scn_script *s = NULL;
	struct sio_scn_error err;
	struct sio_scn_ctx *ctx;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!name)
		name = "<scenario>";
	ret = sio_scn_parse(name, buf, len, 1, &s, &err);
	if (ret) {
		sio_scn_format_error(name, &err, res->parse_error,
				     sizeof(res->parse_error));
		if (!opts || !(opts->flags & SIO_SCN_SILENT))
			fprintf(opts && opts->out ? opts->out : stderr, "%s\n",
				res->parse_error);
		res->status = 2;
		return res->status;
	}
	ctx = sio_scn_ctx_create(m, name, opts);
	if (IS_ERR(ctx)) {
		sio_scn_script_free(s);
		res->status = 1;
		return res->status;
	}
	sio_scn_ctx_run(ctx, s);
	sio_scn_ctx_finish(ctx, res);
	sio_scn_script_free(s);
	return res->status;
}

int sio_machine_run_scenario_file(struct sio_machine *m, const char *path,
				  const struct sio_scn_opts *opts,
				  struct sio_scn_result *res)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int ret;

	memset(res, 0, sizeof(*res));
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(res->parse_error, sizeof(res->parse_error),
			 "%s: %s", path, strerror(errno));
		res->status = 2;
		return ret;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb = krealloc(buf, cap ? cap * 2 : 8192, GFP_KERNEL);

			if (!nb) {
				fclose(f);
				kfree(buf);
				res->status = 2;
				return -ENOMEM;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	ret = sio_machine_run_scenario(m, path, buf, len, opts, res);
	kfree(buf);
	return ret;
}
