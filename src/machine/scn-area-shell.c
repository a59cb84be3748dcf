// SPDX-License-Identifier: BSD-3-Clause
/*
 * Shell-like scenario commands: echo (with >, >>, | tee), cat, ls, readlink,
 * modprobe, rmmod, dmesg.  They print what bash and coreutils print, errors
 * included, so that lines pasted from a bug report read the same.
 */
#include "scn-run.h"

#define SCN_READ_MAX	(SIO_SYSFS_BUF_SIZE + 1)

/* Errors that a shell reports when opening the file, not when writing. */
static bool open_error(int err)
{
	return err == -ENOENT || err == -EACCES || err == -EISDIR ||
	       err == -ENOTDIR;
}

static void run_write(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const char *val = cmd->argv[0], *path = cmd->argv[1];
	bool tee = cmd->flags & SCN_W_TEE;
	ssize_t ret;

	/* tee copies its input to stdout before the file. */
	if (tee && !(cmd->flags & SCN_W_QUIET_TEE))
		scn_out(ctx, "%s", val);
	if (sio_sysfs_stat(ctx->m->sysfs, path) == 'd')
		ret = -EISDIR;
	else
		ret = sio_sysfs_write(ctx->m->sysfs, path, val, strlen(val));
	ctx->last_err = ret < 0 ? (int)ret : 0;
	if (ret >= 0)
		return;
	if (tee)
		scn_out(ctx, "tee: %s: %s\n", path, sio_strerror((int)ret));
	else if (open_error((int)ret))
		scn_out(ctx, "bash: %s: %s\n", path, sio_strerror((int)ret));
	else
		scn_out(ctx, "bash: echo: write error: %s\n",
			sio_strerror((int)ret));
}

static void run_cat(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	char *buf = kmalloc(SCN_READ_MAX, GFP_KERNEL);
	int i;

	if (!buf) {
		ctx->last_err = -ENOMEM;
		return;
	}
	ctx->last_err = 0;
	for (i = 0; i < cmd->argc; i++) {
		ssize_t n;

		if (sio_sysfs_stat(ctx->m->sysfs, cmd->argv[i]) == 'd')
			n = -EISDIR;
		else
			n = sio_sysfs_read(ctx->m->sysfs, cmd->argv[i], buf,
					   SCN_READ_MAX - 1);
		if (n < 0) {
			scn_out(ctx, "cat: %s: %s\n", cmd->argv[i],
				sio_strerror((int)n));
			ctx->last_err = (int)n;
			continue;
		}
		buf[n] = '\0';
		scn_out(ctx, "%s%s", buf, n && buf[n - 1] != '\n' ? "\n" : "");
	}
	kfree(buf);
}

struct ls_state {
	struct sio_scn_ctx *ctx;
	const char *dir;
	bool long_fmt;
	unsigned int n;
};

static int ls_entry(const char *name, char type, void *data)
{
	struct ls_state *ls = data;
	struct sio_scn_ctx *ctx = ls->ctx;

	if (!ls->long_fmt) {
		scn_out(ctx, "%s%s", ls->n ? "  " : "", name);
	} else if (type == 'l') {
		char path[1024], target[1024];
		ssize_t n;

		snprintf(path, sizeof(path), "%s%s%s", ls->dir,
			 ls->dir[strlen(ls->dir) - 1] == '/' ? "" : "/", name);
		n = sio_sysfs_readlink(ctx->m->sysfs, path, target,
				       sizeof(target));
		scn_out(ctx, "lrwxrwxrwx %s -> %s\n", name,
			n < 0 ? "?" : target);
	} else {
		scn_out(ctx, "%s %s\n", type == 'd' ? "drwxr-xr-x" : "-rw-r--r--",
			name);
	}
	ls->n++;
	return 0;
}

static void run_ls(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	int i;

	ctx->last_err = 0;
	for (i = 0; i < cmd->argc; i++) {
		struct ls_state ls = {
			.ctx = ctx, .dir = cmd->argv[i],
			.long_fmt = cmd->flags & 1,
		};
		int t = sio_sysfs_stat(ctx->m->sysfs, cmd->argv[i]);
		int ret;

		if (t < 0) {
			scn_out(ctx, "ls: cannot access '%s': %s\n",
				cmd->argv[i], sio_strerror(t));
			ctx->last_err = t;
			continue;
		}
		if (cmd->argc > 1)
			scn_out(ctx, "%s%s:\n", i ? "\n" : "", cmd->argv[i]);
		if (t == 'f') {
			scn_out(ctx, "%s\n", cmd->argv[i]);
			continue;
		}
		ret = sio_sysfs_list(ctx->m->sysfs, cmd->argv[i], ls_entry, &ls);
		if (ret == -ENOTDIR) {
			scn_out(ctx, "%s\n", cmd->argv[i]);
			continue;
		}
		if (ret < 0) {
			scn_out(ctx, "ls: cannot open directory '%s': %s\n",
				cmd->argv[i], sio_strerror(ret));
			ctx->last_err = ret;
			continue;
		}
		if (!ls.long_fmt && ls.n)
			scn_out(ctx, "\n");
	}
}

static void run_readlink(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	char target[1024];
	ssize_t n = sio_sysfs_readlink(ctx->m->sysfs, cmd->argv[0], target,
				       sizeof(target));

	ctx->last_err = n < 0 ? (int)n : 0;
	if (n >= 0)
		scn_out(ctx, "%s\n", target);
	else if (cmd->flags & 1 && n == -EINVAL)
		/* readlink -f of a non-link prints the path itself */
		scn_out(ctx, "%s\n", cmd->argv[0]);
	/* plain readlink of a non-link prints nothing, like coreutils */
}

/*
 * Modules modprobe knows: the built-in driver kinds under their kernel
 * names.  Add entries here; names use '-' ("vfio_pci" is normalised).
 */
static const struct scn_module {
	const char *name;
	const char *bus;
	const char *kind;
	const char *id;		/* compatible it binds to, or NULL */
	const char *path;	/* for modprobe -v */
} scn_modules[] = {
	{ "vfio-pci", "pci", "vfio", NULL, "drivers/vfio/pci/vfio-pci.ko" },
	{ "pci-stub", "pci", "stub", NULL, "drivers/pci/pci-stub.ko" },
	{ "e1000e", "pci", "dma-api", "e1000e",
	  "drivers/net/ethernet/intel/e1000e/e1000e.ko" },
	{ "igb", "pci", "dma-api", "igb", "drivers/net/ethernet/intel/igb/igb.ko" },
	{ "ixgbe", "pci", "dma-api", "ixgbe",
	  "drivers/net/ethernet/intel/ixgbe/ixgbe.ko" },
	{ "vfio-platform", "platform", "vfio", NULL,
	  "drivers/vfio/platform/vfio-platform.ko" },
};

/* @arg as a module name: '_' and '-' are the same ("vfio_pci"). */
static void module_name(char name[SIO_NAME_LEN], const char *arg)
{
	size_t i;

	snprintf(name, SIO_NAME_LEN, "%s", arg);
	for (i = 0; name[i]; i++)
		if (name[i] == '_')
			name[i] = '-';
}

static void run_modprobe(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const struct scn_module *mod = NULL;
	struct sio_driver_decl decl;
	struct sio_bus *bus;
	char name[SIO_NAME_LEN];
	size_t i;
	int ret;

	module_name(name, cmd->argv[0]);
	for (i = 0; i < ARRAY_SIZE(scn_modules); i++)
		if (!strcmp(scn_modules[i].name, name))
			mod = &scn_modules[i];
	if (!mod) {
		scn_out(ctx, "modprobe: FATAL: Module %s not found in directory /lib/modules/softiommu\n",
			cmd->argv[0]);
		ctx->last_err = -ENOENT;
		return;
	}
	bus = sio_machine_bus(ctx->m, mod->bus);
	if (!bus) {
		scn_out(ctx, "modprobe: ERROR: could not insert '%s': No such device (no %s bus declared)\n",
			mod->name, mod->bus);
		ctx->last_err = -ENODEV;
		return;
	}
	ctx->last_err = 0;
	if (sio_driver_find(bus, mod->name))
		return;			/* already loaded: modprobe is quiet */
	if (cmd->flags & 1)
		scn_out(ctx, "insmod /lib/modules/softiommu/kernel/%s\n", mod->path);
	memset(&decl, 0, sizeof(decl));
	snprintf(decl.bus, sizeof(decl.bus), "%s", mod->bus);
	snprintf(decl.name, sizeof(decl.name), "%s", mod->name);
	snprintf(decl.kind, sizeof(decl.kind), "%s", mod->kind);
	if (mod->id) {
		snprintf(decl.ids[0], sizeof(decl.ids[0]), "%s", mod->id);
		decl.num_ids = 1;
	}
	ret = sio_machine_add_driver(ctx->m, &decl);
	if (ret) {
		scn_out(ctx, "modprobe: ERROR: could not insert '%s': %s\n",
			mod->name, sio_strerror(ret));
		ctx->last_err = ret;
	}
}

static void run_rmmod(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	char name[SIO_NAME_LEN];
	int ret;

	module_name(name, cmd->argv[0]);
	if (cmd->flags & 1)
		scn_out(ctx, "rmmod %s\n", name);
	ret = sio_machine_remove_driver(ctx->m, NULL, name);
	ctx->last_err = ret ? -ENOENT : 0;
	if (ret)
		scn_out(ctx, "rmmod: ERROR: Module %s is not currently loaded\n",
			name);
}

void scn_run_shell(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	switch (cmd->kind) {
	case SCN_WRITE:
		run_write(ctx, cmd);
		break;
	case SCN_PRINT:
		scn_out(ctx, "%s", cmd->argv[0]);
		ctx->last_err = 0;
		break;
	case SCN_CAT:
		run_cat(ctx, cmd);
		break;
	case SCN_LS:
		run_ls(ctx, cmd);
		break;
	case SCN_READLINK:
		run_readlink(ctx, cmd);
		break;
	case SCN_MODPROBE:
		run_modprobe(ctx, cmd);
		break;
	case SCN_RMMOD:
		run_rmmod(ctx, cmd);
		break;
	case SCN_DMESG:
		/* dmesg -c prints then clears; -C only clears */
		if (cmd->flags != 2)
			scn_print_log_since(ctx, ctx->dmesg_start);
		if (cmd->flags)
			ctx->dmesg_start = sio_log_seq();
		ctx->last_err = 0;
		break;
	default:
		break;
	}
}
