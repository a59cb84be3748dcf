// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario area "shell and sysfs": echo (with >, >>, | tee), cat, ls,
 * readlink, modprobe, rmmod, dmesg, and the expects on files and the kernel
 * log.  They print what bash and coreutils print, errors included, so that
 * lines pasted from a bug report read the same.
 */
#include "machine/scn-parse-priv.h"
#include "machine/scn-run.h"

#define SCN_READ_MAX	(SIO_SYSFS_BUF_SIZE + 1)

/* Errors that a shell reports when opening the file, not when writing. */
static bool open_error(int err)
{
	return err == -ENOENT || err == -EACCES || err == -EISDIR ||
	       err == -ENOTDIR;
}

/* ---- echo ---- */

/* The words of "echo [-n] WORDS" up to an operator, joined: argv[0]. */
static int echo_value(struct scn_parser *p)
{
	bool newline = true;
	char *val = NULL;
	size_t vlen = 0;
	int ret;

	if (scn_accept(p, "-n"))
		newline = false;
	else
		scn_accept(p, "-e");
	for (;;) {
		const char *w = scn_at_end(p) || p->ln->tok[p->i].op ? NULL :
				scn_peek(p);
		size_t l = w ? strlen(w) : 0;
		char *n = krealloc(val, vlen + l + 2, GFP_KERNEL);

		if (!n) {
			kfree(val);
			return -ENOMEM;
		}
		val = n;
		if (!w) {
			if (newline)
				val[vlen++] = '\n';
			val[vlen] = '\0';
			break;
		}
		if (vlen)
			val[vlen++] = ' ';
		memcpy(val + vlen, w, l + 1);
		vlen += l;
		p->i++;
	}
	ret = scn_add_arg(p->cmd, val);
	kfree(val);
	return ret;
}

/* echo [-n] WORDS [> P | >> P | '|' [sudo] tee [-a] P [> /dev/null]] */
static int parse_echo(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret = echo_value(p);

	if (ret || scn_at_end(p))
		return ret;		/* no redirection: print the value */
	if (scn_accept(p, ">>")) {
		cmd->flags |= SCN_W_APPEND;
		return scn_take_path(p);
	}
	if (scn_accept(p, ">"))
		return scn_take_path(p);
	if (!scn_accept(p, "|"))
		return scn_expected(p, "'>', '>>' or '| tee'");
	scn_accept(p, "sudo");
	if (!scn_accept(p, "tee"))
		return scn_expected(p, "'tee' after '|'");
	cmd->flags |= SCN_W_TEE;
	if (scn_accept(p, "-a") || scn_accept(p, "--append"))
		cmd->flags |= SCN_W_APPEND;
	ret = scn_take_path(p);
	if (!ret && scn_accept(p, ">")) {
		if (!scn_accept(p, "/dev/null"))
			return scn_expected(p, "/dev/null");
		cmd->flags |= SCN_W_QUIET_TEE;
	}
	return ret;
}

/* A sysfs write: argv[0] the value, argv[1] the path. */
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

static void run_echo(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	if (cmd->argc > 1) {
		run_write(ctx, cmd);
		return;
	}
	scn_out(ctx, "%s", cmd->argv[0]);
	ctx->last_err = 0;
}

/* ---- cat, ls, readlink ---- */

/* @min to @max absolute paths, into argv. */
static int parse_paths(struct scn_parser *p, int min, int max)
{
	int n = 0, ret;

	while (!scn_at_end(p)) {
		if (n == max)
			return scn_want_end(p);
		ret = scn_take_path(p);
		if (ret)
			return ret;
		n++;
	}
	if (n < min)
		return scn_expected(p, "an absolute path");
	return 0;
}

static int parse_cat(struct scn_parser *p)
{
	return parse_paths(p, 1, 16);
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

#define SCN_LS_LONG	(1u << 0)	/* ls -l */

static int parse_ls(struct scn_parser *p)
{
	while (!scn_at_end(p) && scn_peek(p)[0] == '-' && !p->ln->tok[p->i].quoted) {
		const char *f = scn_peek(p) + 1;

		if (!*f)
			return scn_expected(p, "ls options among -l -a -1");
		for (; *f; f++) {
			if (*f == 'l')
				p->cmd->flags |= SCN_LS_LONG;
			else if (*f != 'a' && *f != '1')
				return scn_expected(p, "ls options among -l -a -1");
		}
		p->i++;
	}
	if (scn_at_end(p))
		return scn_add_arg(p->cmd, "/sys");
	return parse_paths(p, 1, 16);
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
			.long_fmt = cmd->flags & SCN_LS_LONG,
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

#define SCN_READLINK_F	(1u << 0)	/* readlink -f, -e or -m */

static int parse_readlink(struct scn_parser *p)
{
	if (scn_accept(p, "-f") || scn_accept(p, "-e") || scn_accept(p, "-m"))
		p->cmd->flags = SCN_READLINK_F;
	return parse_paths(p, 1, 1);
}

static void run_readlink(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	char target[1024];
	ssize_t n = sio_sysfs_readlink(ctx->m->sysfs, cmd->argv[0], target,
				       sizeof(target));

	ctx->last_err = n < 0 ? (int)n : 0;
	if (n >= 0)
		scn_out(ctx, "%s\n", target);
	else if (cmd->flags & SCN_READLINK_F && n == -EINVAL)
		/* readlink -f of a non-link prints the path itself */
		scn_out(ctx, "%s\n", cmd->argv[0]);
	/* plain readlink of a non-link prints nothing, like coreutils */
}

/* ---- modprobe, rmmod ---- */

#define SCN_MOD_VERBOSE	(1u << 0)	/* -v */
#define SCN_MOD_REMOVE	(1u << 1)	/* modprobe -r: rmmod */

static int parse_modprobe(struct scn_parser *p)
{
	for (;;) {
		if (scn_accept(p, "-v") || scn_accept(p, "--verbose"))
			p->cmd->flags |= SCN_MOD_VERBOSE;
		else if (scn_accept(p, "-r") || scn_accept(p, "--remove"))
			p->cmd->flags |= SCN_MOD_REMOVE;
		else if (scn_accept(p, "-rv"))
			p->cmd->flags |= SCN_MOD_VERBOSE | SCN_MOD_REMOVE;
		else
			break;
	}
	return scn_take_name_arg(p, "a module name");
}

static int parse_rmmod(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a module name");
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

static void run_rmmod(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	char name[SIO_NAME_LEN];
	int ret;

	module_name(name, cmd->argv[0]);
	if (cmd->flags & SCN_MOD_VERBOSE)
		scn_out(ctx, "rmmod %s\n", name);
	ret = sio_machine_remove_driver(ctx->m, NULL, name);
	ctx->last_err = ret ? -ENOENT : 0;
	if (ret)
		scn_out(ctx, "rmmod: ERROR: Module %s is not currently loaded\n",
			name);
}

/*
 * "modprobe arm-smmu-v3": the SMMU driver binds to every SMMU declared with
 * driver=later (quiet when there is none, like a loaded module).
 */
static void run_modprobe_smmu(struct sio_scn_ctx *ctx,
			      const struct sio_scn_cmd *cmd)
{
	int ret;

	if (cmd->flags & SCN_MOD_VERBOSE)
		scn_out(ctx, "insmod /lib/modules/softiommu/kernel/drivers/iommu/arm/arm-smmu-v3/arm_smmu_v3.ko\n");
	ret = sio_machine_bind_smmu_drivers(ctx->m);
	ctx->last_err = ret < 0 ? ret : 0;
	if (ret < 0)
		scn_out(ctx, "modprobe: ERROR: could not insert 'arm_smmu_v3': %s\n",
			sio_strerror(ret));
}

static void run_modprobe(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const struct scn_module *mod = NULL;
	struct sio_driver_decl decl;
	struct sio_bus *bus;
	char name[SIO_NAME_LEN];
	size_t i;
	int ret;

	if (cmd->flags & SCN_MOD_REMOVE) {
		run_rmmod(ctx, cmd);
		return;
	}
	module_name(name, cmd->argv[0]);
	if (!strcmp(name, "arm-smmu-v3")) {
		run_modprobe_smmu(ctx, cmd);
		return;
	}
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
	if (cmd->flags & SCN_MOD_VERBOSE)
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

/* ---- dmesg ---- */

#define SCN_DMESG_CLEAR		(1u << 0)	/* -c: print, then clear */
#define SCN_DMESG_ONLY_CLEAR	(1u << 1)	/* -C: clear only */

static int parse_dmesg(struct scn_parser *p)
{
	if (scn_accept(p, "-c"))
		p->cmd->flags = SCN_DMESG_CLEAR;
	else if (scn_accept(p, "-C"))
		p->cmd->flags = SCN_DMESG_ONLY_CLEAR;
	return 0;
}

static void run_dmesg(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	if (!(cmd->flags & SCN_DMESG_ONLY_CLEAR))
		scn_print_log_since(ctx, ctx->dmesg_start);
	if (cmd->flags)
		ctx->dmesg_start = sio_log_seq();
	ctx->last_err = 0;
}

static const struct scn_cmd_row shell_cmds[] = {
	{
		.word = "echo",
		.synopsis = "echo VALUE > PATH\necho VALUE >> PATH\necho VALUE | [sudo] tee [-a] PATH [> /dev/null]\necho TEXT",
		.help = "write VALUE to a sysfs file; print TEXT",
		.doc = "a sysfs write of `VALUE\\n` (`echo -n`: no newline; `echo > PATH` writes just `\\n`, which clears `driver_override`); tee prints VALUE first, like the real one. Without a redirection, print TEXT",
		.parse = parse_echo,
		.run = run_echo,
	},
	{
		.word = "cat",
		.synopsis = "cat PATH...",
		.help = "print files",
		.parse = parse_cat,
		.run = run_cat,
	},
	{
		.word = "ls",
		.synopsis = "ls [-l] [PATH...]",
		.help = "list directories (default /sys)",
		.doc = "list directories (default `/sys`); `-l` shows links as `name -> target`",
		.parse = parse_ls,
		.run = run_ls,
	},
	{
		.word = "readlink",
		.synopsis = "readlink [-f] PATH",
		.help = "print the target of a link",
		.doc = "prints the absolute target (sysfs links are shown resolved)",
		.parse = parse_readlink,
		.run = run_readlink,
	},
	{
		.word = "modprobe",
		.synopsis = "modprobe [-v] [-r] NAME",
		.help = "load (-r: unload) a known driver module",
		.doc = "load a known module: `vfio-pci` (kind vfio), `pci-stub` (stub), `e1000e`, `igb`, `ixgbe` (dma-api), `vfio-platform`, and `arm-smmu-v3` (binds the SMMU driver to every SMMU declared `driver=later`); `_` and `-` are the same; `-r` unloads it",
		.parse = parse_modprobe,
		.run = run_modprobe,
	},
	{
		.word = "rmmod",
		.synopsis = "rmmod NAME",
		.help = "unload the module (unbinding its devices)",
		.doc = "unregister that driver (unbinding its devices)",
		.parse = parse_rmmod,
		.run = run_rmmod,
	},
	{
		.word = "dmesg",
		.synopsis = "dmesg [-c | -C]",
		.help = "print the log (-c: and clear; -C: clear)",
		.doc = "print the kernel log (`-c` print then clear, `-C` clear)",
		.parse = parse_dmesg,
		.run = run_dmesg,
	},
};

/* ---- expect file | log | no-log ---- */

#define SCN_FILE_CONTAINS	(1u << 0)	/* expect file P contains "T" */

static int parse_expect_file(struct scn_parser *p)
{
	int ret = scn_take_path(p);

	if (ret)
		return ret;
	if (scn_accept(p, "contains"))
		p->cmd->flags |= SCN_FILE_CONTAINS;
	else if (!scn_accept(p, "==") && !scn_accept(p, "="))
		return scn_expected(p, "'==' or 'contains'");
	return scn_take_string(p, "a quoted string");
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

static bool eval_file(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		      char *got, size_t len)
{
	char *buf = kmalloc(SIO_SYSFS_BUF_SIZE + 1, GFP_KERNEL);
	bool ok = false;
	ssize_t n;

	if (!buf) {
		snprintf(got, len, "out of memory");
		return false;
	}
	n = read_file(ctx, cmd->argv[0], buf, SIO_SYSFS_BUF_SIZE + 1);
	if (n < 0) {
		snprintf(got, len, "%s", sio_strerror((int)n));
	} else {
		if (cmd->flags & SCN_FILE_CONTAINS)
			ok = strstr(buf, cmd->argv[1]);
		else
			ok = !strcmp(buf, cmd->argv[1]);
		snprintf(got, len, "\"%.500s\"", buf);
	}
	kfree(buf);
	return ok;
}

static int parse_expect_log(struct scn_parser *p)
{
	return scn_take_string(p, "a quoted pattern");
}

static bool eval_log(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		     char *got, size_t len)
{
	unsigned long n = sio_log_search(cmd->argv[0], ctx->log_start);

	snprintf(got, len, "%lu matching line(s)", n);
	return n > 0;
}

static bool eval_no_log(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
			char *got, size_t len)
{
	return !eval_log(ctx, cmd, got, len);
}

static const struct scn_expect_row shell_expects[] = {
	{
		.word = "file",
		.synopsis = "expect file PATH == \"TEXT\"\nexpect file PATH contains \"TEXT\"",
		.help = "the file reads TEXT / contains TEXT",
		.doc = "the file reads TEXT (one trailing newline ignored) / contains TEXT",
		.parse = parse_expect_file,
		.eval = eval_file,
	},
	{
		.word = "log",
		.synopsis = "expect log \"TEXT\"",
		.help = "a log line since the start contains TEXT",
		.parse = parse_expect_log,
		.eval = eval_log,
	},
	{
		.word = "no-log",
		.synopsis = "expect no-log \"TEXT\"",
		.help = "no log line since the start contains TEXT",
		.parse = parse_expect_log,
		.eval = eval_no_log,
	},
};

const struct scn_area scn_area_shell = {
	.name = "shell",
	.title = "Shell and sysfs",
	.cmds = shell_cmds,
	.ncmds = ARRAY_SIZE(shell_cmds),
	.expects = shell_expects,
	.nexpects = ARRAY_SIZE(shell_expects),
};
