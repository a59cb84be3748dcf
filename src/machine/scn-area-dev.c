// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario area "devices and drivers": declarations of the machine ("bus",
 * "iommu", "device", "driver", "cmdline" / "boot option" and their
 * KEY[=VALUE] options), deferred probe, and "expect bound".
 */
#include "machine/scn-parse-priv.h"
#include "machine/scn-run.h"
#include <softiommu/iommu.h>

/* ---- bus ---- */

static int parse_bus(struct scn_parser *p)
{
	char bus[16];

	return scn_take_bus(p, bus) ?: scn_add_arg(p->cmd, bus);
}

static void run_bus(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	int ret = sio_machine_add_bus(ctx->m, cmd->argv[0]);

	if (ret)
		scn_op_error(ctx, ret, "bus %s: %s", cmd->argv[0],
			     ret == -EEXIST ? "already declared" :
			     sio_strerror(ret));
	else
		ctx->last_err = 0;
}

/* ---- option helpers ---- */

/*
 * One KEY or KEY=VALUE option at the parser's next token: @val is NULL when
 * there is no '='.  Returns 0, or -EINVAL after reporting the error at the
 * option.
 */
typedef int (*scn_opt_fn)(struct scn_parser *p, const char *key,
			  const char *val);

/* Every remaining token of the line is an option for @opt. */
static int parse_opts(struct scn_parser *p, scn_opt_fn opt)
{
	int ret;

	while (!scn_at_end(p)) {
		const char *tok = scn_peek(p);
		const char *eq = strchr(tok, '=');
		size_t n = eq ? (size_t)(eq - tok) : strlen(tok);
		char key[32];

		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, tok, n);
		key[n] = '\0';
		ret = opt(p, key, eq ? eq + 1 : NULL);
		if (ret)
			return ret;
		p->i++;
	}
	return 0;
}

/* A flag option: a bare KEY that sets a bit. */
struct scn_opt_flag {
	const char *key;
	unsigned int flag;
};

/* Set the bit of @key if it is one of @tbl's; false if it is not. */
static bool opt_flag(const struct scn_opt_flag *tbl, size_t n,
		     const char *key, unsigned int *flags)
{
	size_t k;

	for (k = 0; k < n; k++) {
		if (!strcmp(key, tbl[k].key)) {
			*flags |= tbl[k].flag;
			return true;
		}
	}
	return false;
}

/* VALUE is a number in [@min, @max]; @what names the option's form. */
static int opt_uint(struct scn_parser *p, const char *v, u64 min, u64 max,
		    const char *what, unsigned int *dst)
{
	u64 n;

	if (sio_scn_parse_u64(v, &n) || n < min || n > max)
		return scn_expected(p, what);
	*dst = (unsigned int)n;
	return 0;
}

/* VALUE is a name (device, driver, IOMMU). */
static int opt_name(struct scn_parser *p, const char *v, char *dst,
		    const char *what)
{
	if (!scn_valid_name(v))
		return scn_expected(p, what);
	strcpy(dst, v);
	return 0;
}

/*
 * Call @item on each element of the comma-separated list @v (shorter than
 * @max bytes, at most 511).  Return: 0, or -EINVAL for a list too long, with
 * no element, or with an element @item refuses.
 */
static int for_each_list_item(const char *v, size_t max,
			      int (*item)(const char *t, void *arg), void *arg)
{
	char buf[512];
	char *save, *t;
	int n = 0;

	if (strlen(v) >= max)
		return -EINVAL;
	strcpy(buf, v);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (item(t, arg))
			return -EINVAL;
		n++;
	}
	return n ? 0 : -EINVAL;
}

/* ---- iommu ---- */

static int pgsize_item(const char *t, void *arg)
{
	unsigned long *bitmap = arg;
	u64 sz;

	if (sio_scn_parse_u64(t, &sz) || !sz || (sz & (sz - 1)) ||
	    sz < 4096 || sz > (1ULL << 40))
		return -EINVAL;
	*bitmap |= (unsigned long)sz;
	return 0;
}

static int granule_item(const char *t, void *arg)
{
	unsigned int *mask = arg;

	if (!strcmp(t, "4K") || !strcmp(t, "4k"))
		*mask |= SIO_SMMU_DECL_GRAN_4K;
	else if (!strcmp(t, "16K") || !strcmp(t, "16k"))
		*mask |= SIO_SMMU_DECL_GRAN_16K;
	else if (!strcmp(t, "64K") || !strcmp(t, "64k"))
		*mask |= SIO_SMMU_DECL_GRAN_64K;
	else
		return -EINVAL;
	return 0;
}

static const char smmu_opts_help[] =
	"an SMMU option (iotlb=N, iotlb-ways=N, iotlb-policy=clock|random, "
	"stage1, stage2, nesting, pri, ats, ssid-bits=N, "
	"granules=4K,16K,64K, ias=N, oas=N, no-check-iotlb, gbpa=abort|bypass, "
	"driver=later)";

/* One option of "iommu smmu NAME ...". */
static int smmu_opt(struct scn_parser *p, const char *key, const char *v)
{
	static const struct scn_opt_flag feats[] = {
		{ "stage1", SIO_SMMU_DECL_F_STAGE1 },
		{ "stage2", SIO_SMMU_DECL_F_STAGE2 },
		{ "nesting", SIO_SMMU_DECL_F_NESTING },
		{ "pri", SIO_SMMU_DECL_F_PRI },
		{ "ats", SIO_SMMU_DECL_F_ATS },
	};
	struct scn_iommu_payload *pl = p->cmd->payload;
	struct sio_smmu_decl *o = &pl->smmu;
	u64 n;

	if (!v) {
		if (opt_flag(feats, ARRAY_SIZE(feats), key, &o->features))
			return 0;
		if (strcmp(key, "no-check-iotlb"))
			return scn_expected(p, smmu_opts_help);
		o->no_check = true;
		return 0;
	}
	if (!strcmp(key, "iotlb"))
		return opt_uint(p, v, 1, 65536, "iotlb=N (1..65536 entries)",
				&o->iotlb_entries);
	if (!strcmp(key, "iotlb-ways")) {
		if (sio_scn_parse_u64(v, &n) || !n || n > 16 || (n & (n - 1)))
			return scn_expected(p, "iotlb-ways=N (1, 2, 4, 8 or 16)");
		o->iotlb_ways = (unsigned int)n;
		return 0;
	}
	if (!strcmp(key, "iotlb-policy")) {
		if (!strcmp(v, "random"))
			o->iotlb_random = true;
		else if (!strcmp(v, "clock"))
			o->iotlb_random = false;
		else
			return scn_expected(p, "iotlb-policy=clock|random");
		return 0;
	}
	if (!strcmp(key, "ssid-bits")) {
		if (opt_uint(p, v, 0, 20, "ssid-bits=N (0..20)", &o->ssid_bits))
			return -EINVAL;
		o->ssid_bits_set = true;
		return 0;
	}
	if (!strcmp(key, "granules")) {
		o->granules = 0;
		if (for_each_list_item(v, 64, granule_item, &o->granules))
			return scn_expected(p, "granules=4K[,16K][,64K]");
		return 0;
	}
	if (!strcmp(key, "gbpa")) {
		if (!strcmp(v, "abort"))
			o->gbpa_abort = true;
		else if (!strcmp(v, "bypass"))
			o->gbpa_abort = false;
		else
			return scn_expected(p, "gbpa=abort|bypass");
		return 0;
	}
	if (!strcmp(key, "driver")) {
		if (strcmp(v, "later"))
			return scn_expected(p, "driver=later");
		o->driver_later = true;
		return 0;
	}
	if (!strcmp(key, "ias"))
		return opt_uint(p, v, 32, 52, "ias=N (32..52)", &o->ias);
	if (!strcmp(key, "oas")) {
		if (sio_scn_parse_u64(v, &n) || (n != 32 && n != 36 && n != 40 &&
		    n != 42 && n != 44 && n != 48 && n != 52))
			return scn_expected(p, "oas=32|36|40|42|44|48|52");
		o->oas = (unsigned int)n;
		return 0;
	}
	return scn_expected(p, smmu_opts_help);
}

/* One option of "iommu mock|mock2 NAME ...". */
static int iommu_opt(struct scn_parser *p, const char *key, const char *v)
{
	static const struct scn_opt_flag flags[] = {
		{ "no-identity", SIO_IOMMU_DECL_NO_IDENTITY },
		{ "no-blocked", SIO_IOMMU_DECL_NO_BLOCKED },
		{ "single-group", SIO_IOMMU_DECL_SINGLE_GROUP },
		{ "deferred-attach", SIO_IOMMU_DECL_DEFERRED_ATTACH },
		{ "legacy-default", SIO_IOMMU_DECL_LEGACY_DEFAULT },
	};
	struct scn_iommu_payload *pl = p->cmd->payload;
	struct sio_iommu_decl *d = &pl->decl;

	if (!v && opt_flag(flags, ARRAY_SIZE(flags), key, &d->flags))
		return 0;
	if (v && !strcmp(key, "pgsize")) {
		d->pgsize_bitmap = 0;
		if (for_each_list_item(v, 256, pgsize_item, &d->pgsize_bitmap))
			return scn_expected(p, "pgsize=SIZE[,SIZE...] (powers of two, 4K..1T)");
		return 0;
	}
	if (v && !strcmp(key, "pasids"))
		return opt_uint(p, v, 0, 1u << 20, "pasids=N (0..1048576)",
				&d->max_pasids);
	if (v && !strcmp(key, "def-domain")) {
		if (!strcmp(v, "identity"))
			d->def_domain_type = IOMMU_DOMAIN_IDENTITY;
		else if (!strcmp(v, "dma"))
			d->def_domain_type = IOMMU_DOMAIN_DMA;
		else if (!strcmp(v, "none"))
			d->def_domain_type = 0;
		else
			return scn_expected(p, "def-domain=identity|dma|none");
		return 0;
	}
	return scn_expected(p, "an IOMMU option (pgsize=, pasids=, def-domain=, no-identity, no-blocked, single-group, deferred-attach, legacy-default)");
}

/* iommu KIND NAME [OPTION...]: the payload is a struct scn_iommu_payload. */
static int parse_iommu(struct scn_parser *p)
{
	struct scn_iommu_payload *pl = p->cmd->payload;
	struct sio_iommu_decl *d = &pl->decl;
	const char *s = scn_peek(p);
	bool smmu;
	int ret;

	if (!s || strlen(s) >= sizeof(d->kind) || !sio_machine_iommu_kind_known(s))
		return scn_expected(p, "an IOMMU driver kind (mock, mock2, smmu)");
	strcpy(d->kind, s);
	smmu = !strcmp(s, "smmu");
	p->i++;
	ret = scn_take_name(p, "an IOMMU instance name", d->name);
	return ret ?: parse_opts(p, smmu ? smmu_opt : iommu_opt);
}

static void run_iommu(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const struct scn_iommu_payload *pl = cmd->payload;
	int ret;

	ret = sio_machine_add_iommu_opts(ctx->m, &pl->decl,
			!strcmp(pl->decl.kind, "smmu") ? &pl->smmu : NULL);
	if (ret)
		scn_op_error(ctx, ret, "iommu %s %s: %s", pl->decl.kind,
			     pl->decl.name, ret == -EEXIST ? "name already used" :
			     sio_strerror(ret));
	else
		ctx->last_err = 0;
}

/* ---- device ---- */

static int parse_resv(const char *v, struct sio_resv_decl *r)
{
	static const struct { const char *name; int type; } types[] = {
		{ "direct", IOMMU_RESV_DIRECT },
		{ "relaxable", IOMMU_RESV_DIRECT_RELAXABLE },
		{ "reserved", IOMMU_RESV_RESERVED },
		{ "msi", IOMMU_RESV_MSI },
		{ "sw-msi", IOMMU_RESV_SW_MSI },
	};
	char buf[128];
	char *colon, *plus;
	size_t k;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	colon = strchr(buf, ':');
	plus = strchr(buf, '+');
	if (!colon || !plus || plus < colon)
		return -EINVAL;
	*colon = *plus = '\0';
	for (k = 0; k < ARRAY_SIZE(types); k++)
		if (!strcmp(buf, types[k].name))
			break;
	if (k == ARRAY_SIZE(types))
		return -EINVAL;
	r->type = types[k].type;
	if (sio_scn_parse_u64(colon + 1, &r->start) ||
	    sio_scn_parse_u64(plus + 1, &r->length) || !r->length ||
	    r->start + r->length < r->start)
		return -EINVAL;
	return 0;
}

static int sid_item(const char *t, void *arg)
{
	struct sio_device_decl *d = arg;
	u64 n;

	if (d->num_ids >= SIO_DECL_MAX_IDS ||
	    sio_scn_parse_u64(t, &n) || n > 0xffffffffULL)
		return -EINVAL;
	d->ids[d->num_ids++] = (u32)n;
	return 0;
}

/* One option of "device BUS NAME ...". */
static int device_opt(struct scn_parser *p, const char *key, const char *v)
{
	struct sio_device_decl *d = p->cmd->payload;

	if (!v && !strcmp(key, "late")) {
		d->late = true;
		return 0;
	}
	if (!v && !strcmp(key, "untrusted")) {
		d->untrusted = true;
		return 0;
	}
	if (v && !strcmp(key, "compatible"))
		return opt_name(p, v, d->compatible, "compatible=NAME");
	if (v && !strcmp(key, "iommu"))
		return opt_name(p, v, d->iommu, "iommu=NAME");
	if (v && !strcmp(key, "alias"))
		return opt_name(p, v, d->alias, "alias=NAME");
	if (v && (!strcmp(key, "sid") || !strcmp(key, "sids"))) {
		d->num_ids = 0;
		if (for_each_list_item(v, 256, sid_item, d))
			return scn_expected(p, "sid=ID[,ID...] (up to 8)");
		return 0;
	}
	if (v && !strcmp(key, "pasid-bits"))
		return opt_uint(p, v, 0, 20, "pasid-bits=N (0..20)",
				&d->pasid_bits);
	if (v && !strcmp(key, "resv")) {
		if (d->num_resv >= SIO_DECL_MAX_RESV ||
		    parse_resv(v, &d->resv[d->num_resv]))
			return scn_expected(p, "resv=direct|relaxable|reserved|msi|sw-msi:START+LENGTH (up to 4)");
		d->num_resv++;
		return 0;
	}
	return scn_expected(p, "a device option (compatible=, iommu=, sid=, alias=, pasid-bits=, resv=, late, untrusted)");
}

/* device [add] BUS NAME [OPTION...]: the payload is a sio_device_decl. */
static int parse_device(struct scn_parser *p)
{
	struct sio_device_decl *d = p->cmd->payload;
	int ret;

	scn_accept(p, "add");
	ret = scn_take_bus(p, d->bus) ?:
	      scn_take_name(p, "a device name", d->name);
	return ret ?: parse_opts(p, device_opt);
}

static void run_device(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const struct sio_device_decl *d = cmd->payload;
	int ret = sio_machine_add_device(ctx->m, d);

	if (ret)
		scn_op_error(ctx, ret, "device %s %s: %s", d->bus, d->name,
			     ret == -ENODEV ? "bus not declared" :
			     ret == -EEXIST ? "name already used" :
			     sio_strerror(ret));
	else
		ctx->last_err = 0;
}

static int parse_device_remove(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a device name");
}

static void run_device_remove(struct sio_scn_ctx *ctx,
			      const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev = sio_machine_find_device(ctx->m, cmd->argv[0]);
	int ret;

	/* The scenario's DMA mappings go first, as its driver's would. */
	if (dev) {
		scn_dma_forget_device(ctx, dev);
		sio_put_device(dev);
	}
	ret = sio_machine_remove_device(ctx->m, cmd->argv[0]);

	if (ret)
		scn_op_error(ctx, ret, "device remove %s: no such device",
			     cmd->argv[0]);
	else
		ctx->last_err = 0;
}

/* ---- driver ---- */

static int driver_id_item(const char *t, void *arg)
{
	struct sio_driver_decl *d = arg;

	if (d->num_ids >= SIO_DECL_MAX_DRV_IDS || !scn_valid_name(t))
		return -EINVAL;
	strcpy(d->ids[d->num_ids++], t);
	return 0;
}

/* One option of "driver BUS NAME ...". */
static int driver_opt(struct scn_parser *p, const char *key, const char *v)
{
	struct sio_driver_decl *d = p->cmd->payload;

	if (v && !strcmp(key, "kind")) {
		if (strlen(v) >= sizeof(d->kind) ||
		    !sio_machine_driver_kind_known(v))
			return scn_expected(p, "kind=dma-api|vfio|stub");
		strcpy(d->kind, v);
		return 0;
	}
	if (v && !strcmp(key, "ids")) {
		d->num_ids = 0;
		if (for_each_list_item(v, 512, driver_id_item, d))
			return scn_expected(p, "ids=NAME[,NAME...] (up to 4)");
		return 0;
	}
	if (v && !strcmp(key, "needs"))
		return opt_name(p, v, d->needs, "needs=DEVICE");
	return scn_expected(p, "a driver option (kind=, ids=, needs=)");
}

/*
 * driver BUS NAME kind=KIND [OPTION...]: the payload is a struct
 * sio_driver_decl.  kind= is required.
 */
static int parse_driver(struct scn_parser *p)
{
	struct sio_driver_decl *d = p->cmd->payload;
	int ret;

	ret = scn_take_bus(p, d->bus) ?:
	      scn_take_name(p, "a driver name", d->name) ?:
	      parse_opts(p, driver_opt);
	if (ret)
		return ret;
	/* Only a known kind (never "") is ever copied in. */
	if (!d->kind[0])
		return scn_expected(p, "kind=dma-api|vfio|stub");
	return 0;
}

static void run_driver(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const struct sio_driver_decl *d = cmd->payload;
	int ret = sio_machine_add_driver(ctx->m, d);

	if (ret)
		scn_op_error(ctx, ret, "driver %s %s: %s", d->bus, d->name,
			     ret == -ENODEV ? "bus not declared" :
			     ret == -EEXIST ? "already registered" :
			     sio_strerror(ret));
	else
		ctx->last_err = 0;
}

/* ---- boot options ---- */

#define SCN_CMDLINE_UNSET	(-1)

/* The payload of "cmdline": each option 0/1, or SCN_CMDLINE_UNSET. */
struct scn_cmdline {
	int passthrough;
	int strict;
	int v7_order;
};

/* cmdline ARG... / boot option ARG...: each option also into argv. */
static int parse_cmdline(struct scn_parser *p)
{
	struct scn_cmdline *c = p->cmd->payload;
	int ret;

	c->passthrough = c->strict = c->v7_order = SCN_CMDLINE_UNSET;
	if (scn_at_end(p))
		return scn_expected(p, "a boot option");
	while (!scn_at_end(p)) {
		const char *s = scn_peek(p);

		if (!strcmp(s, "iommu.passthrough=0") || !strcmp(s, "iommu.passthrough=1"))
			c->passthrough = s[18] - '0';
		else if (!strcmp(s, "iommu.strict=0") || !strcmp(s, "iommu.strict=1"))
			c->strict = s[13] - '0';
		else if (!strcmp(s, "legacy-v7-order"))
			c->v7_order = 1;
		else
			return scn_expected(p, "a boot option (iommu.passthrough=0|1, iommu.strict=0|1, legacy-v7-order)");
		ret = scn_add_arg(p->cmd, s);
		if (ret)
			return ret;
		p->i++;
	}
	return 0;
}

static void run_cmdline(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const struct scn_cmdline *c = cmd->payload;
	char line[256] = "";
	int i, ret;

	for (i = 0; i < cmd->argc; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%s%s", i ? " " : "", cmd->argv[i]);
	pr_info("Kernel command line: %s", line);
	ret = sio_iommu_set_default_domain_policy(ctx->m,
		c->passthrough == SCN_CMDLINE_UNSET ? SIO_IOMMU_DEFAULT_UNSET :
						      c->passthrough,
		c->strict == SCN_CMDLINE_UNSET ? SIO_IOMMU_DEFAULT_UNSET :
						 c->strict);
	if (!ret && c->v7_order != SCN_CMDLINE_UNSET)
		ret = sio_iommu_set_legacy_v7_order(ctx->m, true);
	if (ret)
		scn_op_error(ctx, ret, "cmdline: %s", sio_strerror(ret));
	else
		ctx->last_err = 0;
}

/* ---- deferred probe ---- */

static void run_probe_wait(struct sio_scn_ctx *ctx,
			   const struct sio_scn_cmd *cmd)
{
	sio_wait_for_device_probe(ctx->m);
	ctx->last_err = 0;
}

static void run_probe_trigger(struct sio_scn_ctx *ctx,
			      const struct sio_scn_cmd *cmd)
{
	sio_deferred_probe_trigger(ctx->m);
	ctx->last_err = 0;
}

static const struct scn_cmd_row dev_cmds[] = {
	{
		.word = "bus",
		.synopsis = "bus pci\nbus platform",
		.help = "register a bus and hook the IOMMU core to it",
		.parse = parse_bus,
		.run = run_bus,
	},
	{
		.word = "iommu",
		.synopsis = "iommu KIND NAME [OPTION...]",
		.help = "an IOMMU instance; KIND: mock, mock2, smmu",
		.doc = "an IOMMU instance. KIND: `mock`, `mock2` (a second driver with its own ops, for two drivers behind one bus), `smmu` (the software SMMUv3 model with its driver). Options of mock and mock2: `pgsize=`, `pasids=`, `def-domain=`, `no-identity`, `no-blocked`, `single-group`, `deferred-attach`, `legacy-default`; of smmu: `iotlb=`, `iotlb-ways=`, `iotlb-policy=`, `stage1`, `stage2`, `nesting`, `pri`, `ats`, `ssid-bits=`, `granules=`, `ias=`, `oas=`, `no-check-iotlb`, `gbpa=abort|bypass`, `driver=later` (docs/scenario-language.md explains them after this table)",
		.payload_size = sizeof(struct scn_iommu_payload),
		.parse = parse_iommu,
		.run = run_iommu,
	},
	{
		.word = "device",
		.synopsis = "device [add] BUS NAME [OPTION...]",
		.help = "add a device with its firmware description",
		.doc = "add a device with its firmware description. Options: `compatible=NAME`, `iommu=NAME`, `sid=ID[,ID...]`, `alias=NAME`, `pasid-bits=N`, `resv=TYPE:START+LENGTH`, `late`, `untrusted` (docs/scenario-language.md explains them after this table)",
		.payload_size = sizeof(struct sio_device_decl),
		.parse = parse_device,
		.run = run_device,
	},
	{
		.word = "device", .sub = "remove",
		.synopsis = "device remove NAME",
		.help = "hot-unplug it",
		.doc = "hot-unplug it; what `dma map` left mapped for it is unmapped first, as its driver would",
		.parse = parse_device_remove,
		.run = run_device_remove,
	},
	{
		.word = "driver",
		.synopsis = "driver BUS NAME kind=KIND [ids=A,B] [needs=DEV]",
		.help = "a built-in driver; KIND: dma-api, vfio, stub",
		.doc = "register a built-in driver. KIND: `dma-api` (a NIC-like driver on the DMA API), `vfio` (VFIO-like passthrough), `stub` (pci-stub); `ids=` the compatibles it binds to (default: its own name); `needs=DEV` defers its probe until DEV has a driver",
		.payload_size = sizeof(struct sio_driver_decl),
		.parse = parse_driver,
		.run = run_driver,
	},
	{
		.word = "cmdline",
		.synopsis = "cmdline ARG...",
		.help = "kernel command-line options",
		.doc = "kernel command-line options: `iommu.passthrough=0|1`, `iommu.strict=0|1` (the default domain of groups set up afterwards), `legacy-v7-order` (model the v5.17 kernel of seed 000)",
		.payload_size = sizeof(struct scn_cmdline),
		.parse = parse_cmdline,
		.run = run_cmdline,
	},
	{
		.word = "boot", .sub = "option",
		.synopsis = "boot option ARG...",
		.help = "the same as cmdline",
		.doc = "the same as `cmdline`",
		.payload_size = sizeof(struct scn_cmdline),
		.parse = parse_cmdline,
		.run = run_cmdline,
	},
	{
		.word = "probe", .sub = "wait",
		.synopsis = "probe wait",
		.help = "wait for the deferred-probe list",
		.run = run_probe_wait,
	},
	{
		.word = "probe", .sub = "trigger",
		.synopsis = "probe trigger",
		.help = "retry the deferred-probe list",
		.run = run_probe_trigger,
	},
};

/* ---- expect bound ---- */

static int parse_expect_bound(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a device name") ?:
	       scn_take_name_arg(p, "a driver name or none");
}

static bool eval_bound(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		       char *got, size_t len)
{
	struct sio_device *dev = sio_machine_find_device(ctx->m, cmd->argv[0]);
	const char *drv;
	bool ok;

	if (!dev) {
		snprintf(got, len, "no such device");
		return false;
	}
	sio_device_lock(dev);
	drv = dev->driver ? dev->driver->name : "none";
	ok = !strcmp(drv, cmd->argv[1]);
	snprintf(got, len, "%s", drv);
	sio_device_unlock(dev);
	sio_put_device(dev);
	return ok;
}

static const struct scn_expect_row dev_expects[] = {
	{
		.word = "bound",
		.synopsis = "expect bound DEV DRIVER\nexpect bound DEV none",
		.help = "DEV is bound to DRIVER (to none)",
		.parse = parse_expect_bound,
		.eval = eval_bound,
	},
};

const struct scn_area scn_area_dev = {
	.name = "dev",
	.title = "Devices and drivers",
	.cmds = dev_cmds,
	.ncmds = ARRAY_SIZE(dev_cmds),
	.expects = dev_expects,
	.nexpects = ARRAY_SIZE(dev_expects),
};
