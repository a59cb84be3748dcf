// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario expect forms: errno of the previous operation, WARN accounting,
 * file contents, log lines, IOMMU group state, invariants, driver binding.
 */
#include "machine/scn-run.h"

static const char *errno_desc(int err, char *buf, size_t len)
{
	if (!err)
		return "ok";
	snprintf(buf, len, "-%s", sio_errno_name(err));
	return buf;
}

/* Group info of device @name.  Return: 0, -ENODEV (no device), -ENOENT (no group). */
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
		return d && (type == IOMMU_DOMAIN_DMA || type == IOMMU_DOMAIN_DMA_FQ);
	o = scn_obj_find(ctx, SCN_OBJ_DOMAIN, want);
	if (!o) {
		*known = false;
		return false;
	}
	return d == o->domain;
}

static void account_warns(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o;

	if (cmd->argc < 1) {
		if (cmd->num[0] > ctx->warns_accounted)
			ctx->warns_accounted = cmd->num[0];
		return;
	}
	o = scn_obj_find(ctx, SCN_OBJ_WARN_FUNC, cmd->argv[0]);
	if (!o)
		o = scn_obj_add(ctx, SCN_OBJ_WARN_FUNC, cmd->argv[0]);
	if (o && cmd->num[0] > o->count)
		o->count = cmd->num[0];
}

/* Read @path whole; strip one trailing newline.  Return: length or -errno. */
static ssize_t read_file(struct sio_scn_ctx *ctx, const char *path, char *buf,
			 size_t len)
{
	ssize_t n;

	if (sio_sysfs_stat(ctx->m->sysfs, path) == 'd')
		return -EISDIR;
	n = sio_sysfs_read(ctx->m->sysfs, path, buf, len - 1);
	if (n < 0)
		return n;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/* Count a held expect and print "[ok] ...". */
void scn_expect_pass(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	ctx->passed++;
	scn_out(ctx, "  [ok] %s\n", cmd->text);
}

/* Count a failed expect: "FILE:LINE: expect failed: <what>: got <fmt...>". */
void scn_expect_fail(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		     const char *fmt, ...)
{
	const char *what = strstr(cmd->text, "expect");
	char got[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	what = what ? what + strlen("expect") : cmd->text;
	while (*what == ' ')
		what++;
	ctx->failed++;
	scn_fail(ctx, "expect failed: %s: got %s", what, got);
}

void scn_run_expect(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	struct sio_iommu_group_info info;
	char got[600], d1[80];
	char *buf = NULL;
	bool ok = false;
	int ret;

	got[0] = '\0';
	switch (cmd->sub) {
	case SCN_EXP_DATA:
	case SCN_EXP_FAULT:
	case SCN_EXP_NIC:
	case SCN_EXP_DMA:
		scn_expect_dma(ctx, cmd);	/* scn-dma.c */
		return;
	case SCN_EXP_ERRNO:
		ok = ctx->last_err == cmd->err;
		errno_desc(ctx->last_err, got, sizeof(got));
		if (!ctx->last_err)
			snprintf(got, sizeof(got), "ok");
		break;
	case SCN_EXP_FAIL:
		ok = ctx->last_err != 0;
		snprintf(got, sizeof(got), "ok");
		break;
	case SCN_EXP_WARN: {
		unsigned long n = cmd->argc ? sio_warn_count_func(cmd->argv[0]) :
					      sio_warn_count();

		ok = n == cmd->num[0];
		snprintf(got, sizeof(got), "%lu", n);
		if (ok)
			account_warns(ctx, cmd);
		break;
	}
	case SCN_EXP_NO_WARN: {
		unsigned long total = sio_warn_count();
		unsigned long acc = ctx->warns_accounted;

		/* no WARN beyond those an earlier "expect warn" accounted for */
		ok = total <= acc;
		if (!ok && acc == 0) {
			struct scn_obj *o;
			unsigned long fsum = 0;

			list_for_each_entry(o, &ctx->objs, node)
				if (o->type == SCN_OBJ_WARN_FUNC)
					fsum += o->count;
			ok = total <= fsum;
		}
		snprintf(got, sizeof(got), "%lu WARN(s), %lu accounted for",
			 total, acc);
		break;
	}
	case SCN_EXP_FILE_EQ:
	case SCN_EXP_FILE_CONTAINS: {
		ssize_t n;

		buf = kmalloc(SIO_SYSFS_BUF_SIZE + 1, GFP_KERNEL);
		if (!buf) {
			snprintf(got, sizeof(got), "out of memory");
			break;
		}
		n = read_file(ctx, cmd->argv[0], buf, SIO_SYSFS_BUF_SIZE + 1);
		if (n < 0) {
			snprintf(got, sizeof(got), "%s", sio_strerror((int)n));
			break;
		}
		ok = cmd->sub == SCN_EXP_FILE_EQ ? !strcmp(buf, cmd->argv[1]) :
						   !!strstr(buf, cmd->argv[1]);
		snprintf(got, sizeof(got), "\"%.500s\"", buf);
		break;
	}
	case SCN_EXP_LOG:
	case SCN_EXP_NO_LOG: {
		unsigned long n = sio_log_search(cmd->argv[0], ctx->log_start);

		ok = cmd->sub == SCN_EXP_LOG ? n > 0 : n == 0;
		snprintf(got, sizeof(got), "%lu matching line(s)", n);
		break;
	}
	case SCN_EXP_OWNER_CNT:
		ret = dev_group_info(ctx, cmd->argv[0], NULL, &info);
		if (ret) {
			snprintf(got, sizeof(got), "%s", group_err(ret));
			break;
		}
		ok = info.owner_cnt == cmd->num[0];
		snprintf(got, sizeof(got), "%u", info.owner_cnt);
		break;
	case SCN_EXP_GROUP_DOMAIN: {
		bool known;

		ret = dev_group_info(ctx, cmd->argv[0], NULL, &info);
		if (ret) {
			snprintf(got, sizeof(got), "%s", group_err(ret));
			break;
		}
		ok = domain_matches(ctx, cmd->argv[1], &info, &known);
		if (!known) {
			snprintf(got, sizeof(got), "no domain named %s",
				 cmd->argv[1]);
			break;
		}
		snprintf(got, sizeof(got), "%s",
			 scn_domain_desc(ctx, info.domain, &info, d1, sizeof(d1)));
		break;
	}
	case SCN_EXP_GROUP_OWNER: {
		struct scn_obj *o;

		ret = dev_group_info(ctx, cmd->argv[0], NULL, &info);
		if (ret) {
			snprintf(got, sizeof(got), "%s", group_err(ret));
			break;
		}
		o = NULL;
		if (!strcmp(cmd->argv[1], "none")) {
			ok = !info.owner;
		} else if (!strcmp(cmd->argv[1], "user")) {
			ok = !!info.owner;
		} else {
			o = scn_obj_find(ctx, SCN_OBJ_COOKIE, cmd->argv[1]);
			ok = o && info.owner == (void *)o;
		}
		if (!info.owner) {
			snprintf(got, sizeof(got), "none");
		} else {
			struct scn_obj *c;

			snprintf(got, sizeof(got), "a cookie not named in the scenario");
			list_for_each_entry(c, &ctx->objs, node)
				if (c->type == SCN_OBJ_COOKIE && (void *)c == info.owner)
					snprintf(got, sizeof(got), "%s", c->name);
		}
		break;
	}
	case SCN_EXP_SAME_GROUP: {
		struct iommu_group *g1 = NULL, *g2 = NULL;
		struct sio_iommu_group_info i2;
		int r1 = dev_group_info(ctx, cmd->argv[0], &g1, &info);
		int r2 = dev_group_info(ctx, cmd->argv[1], &g2, &i2);

		if (r1 || r2) {
			snprintf(got, sizeof(got), "%s: %s", r1 ? cmd->argv[0] :
				 cmd->argv[1], group_err(r1 ? r1 : r2));
		} else {
			ok = g1 == g2;
			snprintf(got, sizeof(got), "groups %d and %d", info.id,
				 i2.id);
		}
		iommu_group_put(g1);
		iommu_group_put(g2);
		break;
	}
	case SCN_EXP_INVARIANTS:
		ret = sio_iommu_check_invariants(ctx->m);
		ok = ret == 0;
		snprintf(got, sizeof(got), "%d violation(s)", ret);
		break;
	case SCN_EXP_BOUND: {
		struct sio_device *dev = sio_machine_find_device(ctx->m,
								 cmd->argv[0]);
		const char *drv;

		if (!dev) {
			snprintf(got, sizeof(got), "no such device");
			break;
		}
		sio_device_lock(dev);
		drv = dev->driver ? dev->driver->name : "none";
		ok = !strcmp(drv, cmd->argv[1]);
		snprintf(got, sizeof(got), "%s", drv);
		sio_device_unlock(dev);
		sio_put_device(dev);
		break;
	}
	default:
		break;
	}
	kfree(buf);
	if (ok)
		scn_expect_pass(ctx, cmd);
	else
		scn_expect_fail(ctx, cmd, "%s", got);
}
