// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario parser: turns logical lines into commands, checking everything
 * that can be checked without a machine (keywords, options, numbers, errno
 * names, driver kinds, paths).  No global state: callable from a fuzzer.
 */
#include "scn-priv.h"
#include <softiommu/iommu.h>
#include <softiommu/dma.h>

struct parser {
	const struct scn_line *ln;
	int i;				/* next token */
	struct sio_scn_error *err;
	struct sio_scn_cmd *cmd;
};

static void perr_at(struct parser *p, int i, const char *fmt, ...) __printf(3, 4);

/* Report an error at token @i (or at the end of the line). */
static void perr_at(struct parser *p, int i, const char *fmt, ...)
{
	va_list ap;

	if (i < p->ln->ntok) {
		p->err->line = p->ln->tok[i].line;
		p->err->col = p->ln->tok[i].col;
	} else {
		p->err->line = p->ln->ntok ? p->ln->tok[p->ln->ntok - 1].line :
					     p->ln->line;
		p->err->col = p->ln->ntok ?
			p->ln->tok[p->ln->ntok - 1].col +
			(unsigned int)strlen(scn_tok_str(p->ln, p->ln->ntok - 1)) +
			(p->ln->tok[p->ln->ntok - 1].quoted ? 2 : 0) : 1;
	}
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

/* "'word'" or "end of line" for the token at @i, into a per-parser buffer. */
static const char *got(struct parser *p, int i, char *buf, size_t len)
{
	if (i >= p->ln->ntok)
		return "end of line";
	snprintf(buf, len, "'%.80s'", scn_tok_str(p->ln, i));
	return buf;
}

static int expected(struct parser *p, const char *what)
{
	char b[100];

	perr_at(p, p->i, "expected %s, got %s", what, got(p, p->i, b, sizeof(b)));
	return -EINVAL;
}

static bool at_end(struct parser *p)
{
	return p->i >= p->ln->ntok;
}

static const char *peek(struct parser *p)
{
	return at_end(p) ? NULL : scn_tok_str(p->ln, p->i);
}

/* Is the next token the bare word (or operator) @w? */
static bool peek_is(struct parser *p, const char *w)
{
	return !at_end(p) && !p->ln->tok[p->i].quoted &&
	       !strcmp(scn_tok_str(p->ln, p->i), w);
}

static bool accept(struct parser *p, const char *w)
{
	if (!peek_is(p, w))
		return false;
	p->i++;
	return true;
}

static int want_end(struct parser *p)
{
	return at_end(p) ? 0 : expected(p, "end of line");
}

static int add_arg(struct sio_scn_cmd *cmd, const char *s)
{
	char **n = krealloc(cmd->argv, sizeof(char *) * (cmd->argc + 2),
			    GFP_KERNEL);

	if (!n)
		return -ENOMEM;
	cmd->argv = n;
	n[cmd->argc] = kstrdup(s, GFP_KERNEL);
	if (!n[cmd->argc])
		return -ENOMEM;
	n[++cmd->argc] = NULL;
	return 0;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) >= SIO_DECL_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr("._:-+@", *s)))
			return false;
	return true;
}

/* A word that is a name (device, driver, IOMMU, domain, cookie). */
static int take_name(struct parser *p, const char *what, char *dst)
{
	const char *s = peek(p);

	if (!s || p->ln->tok[p->i].op || !valid_name(s))
		return expected(p, what);
	if (dst)
		strcpy(dst, s);
	p->i++;
	return 0;
}

static int take_name_arg(struct parser *p, const char *what)
{
	char name[SIO_DECL_NAME_LEN];
	int ret = take_name(p, what, name);

	return ret ?: add_arg(p->cmd, name);
}

static int take_path(struct parser *p)
{
	const char *s = peek(p);

	if (!s || p->ln->tok[p->i].op || s[0] != '/')
		return expected(p, "an absolute path");
	if (strlen(s) >= 4096)
		return expected(p, "a path shorter than 4096 bytes");
	p->i++;
	return add_arg(p->cmd, s);
}

static int take_string(struct parser *p, const char *what)
{
	const char *s = peek(p);

	if (!s || p->ln->tok[p->i].op)
		return expected(p, what);
	p->i++;
	return add_arg(p->cmd, s);
}

int sio_scn_parse_u64(const char *s, u64 *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		mul = 1ULL << 10;
	else if (*end == 'M')
		mul = 1ULL << 20;
	else if (*end == 'G')
		mul = 1ULL << 30;
	else if (*end == 'T')
		mul = 1ULL << 40;
	if (mul != 1)
		end++;
	if (*end || (v && mul > ~0ULL / v))
		return -EINVAL;
	*out = v * mul;
	return 0;
}

static int take_u64(struct parser *p, const char *what, u64 *out)
{
	const char *s = peek(p);

	if (!s || p->ln->tok[p->i].op || sio_scn_parse_u64(s, out))
		return expected(p, what);
	p->i++;
	return 0;
}

/* Largest transfer of one "dma read/write", "nic rx/tx" or "expect data". */
#define SCN_MAX_DATA	(1u << 20)

static bool valid_var_name(const char *s)
{
	return valid_name(s) && !strchr(s, '+');
}

/*
 * An address operand: a number, or "$NAME" / "$NAME+OFF" (a name bound by
 * "dma map ... as NAME" or "memory alloc as NAME", resolved at run time).
 */
static int take_addr(struct parser *p, const char *what, int idx)
{
	const char *s = peek(p);
	char name[SIO_DECL_NAME_LEN];
	const char *plus;
	size_t n;

	if (!s || p->ln->tok[p->i].op || s[0] != '$')
		return take_u64(p, what, &p->cmd->num[idx]);
	plus = strchr(s + 1, '+');
	n = plus ? (size_t)(plus - s - 1) : strlen(s + 1);
	if (!n || n >= sizeof(name))
		return expected(p, "$NAME or $NAME+OFFSET");
	memcpy(name, s + 1, n);
	name[n] = '\0';
	if (!valid_var_name(name))
		return expected(p, "$NAME or $NAME+OFFSET");
	p->cmd->num[idx] = 0;
	if (plus && sio_scn_parse_u64(plus + 1, &p->cmd->num[idx]))
		return expected(p, "$NAME+OFFSET with a numeric offset");
	p->cmd->var[idx] = kstrdup(name, GFP_KERNEL);
	if (!p->cmd->var[idx])
		return -ENOMEM;
	p->i++;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int append_data(struct sio_scn_cmd *cmd, const u8 *b, size_t n)
{
	u8 *d;

	if (cmd->len + n > SCN_MAX_DATA)
		return -E2BIG;
	d = krealloc(cmd->data, cmd->len + n + 1, GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	memcpy(d + cmd->len, b, n);
	cmd->data = d;
	cmd->len += n;
	d[cmd->len] = 0;
	return 0;
}

/*
 * Bytes: one quoted string, or one or more 0xHEX words (each an even number
 * of digits, bytes in the order written: 0xdead = de ad).  Stops at a word
 * that is neither (an option such as pasid=).
 */
static int take_bytes(struct parser *p)
{
	const char *s = peek(p);
	int ret;

	if (s && !p->ln->tok[p->i].op && p->ln->tok[p->i].quoted) {
		if (!*s)
			return expected(p, "a non-empty string");
		ret = append_data(p->cmd, (const u8 *)s, strlen(s));
		if (ret == -E2BIG)
			return expected(p, "at most 1M bytes");
		if (!ret)
			p->i++;
		return ret;
	}
	if (!s || p->ln->tok[p->i].op || strncmp(s, "0x", 2))
		return expected(p, "a quoted string or 0xHEX bytes");
	while ((s = peek(p)) && !p->ln->tok[p->i].quoted &&
	       !p->ln->tok[p->i].op && !strncmp(s, "0x", 2)) {
		size_t n = strlen(s + 2), k;
		u8 b;

		if (!n || (n & 1))
			return expected(p, "0xHEX with an even number of digits");
		for (k = 0; k < n; k += 2) {
			int hi = hexval(s[2 + k]), lo = hexval(s[3 + k]);

			if (hi < 0 || lo < 0)
				return expected(p, "0xHEX bytes (digits 0-9, a-f)");
			b = (u8)(hi << 4 | lo);
			ret = append_data(p->cmd, &b, 1);
			if (ret == -E2BIG)
				return expected(p, "at most 1M bytes");
			if (ret)
				return ret;
		}
		p->i++;
	}
	return 0;
}

/* Optional "pasid=N" (N < 2^20) into num[1]. */
static int take_pasid_opt(struct parser *p)
{
	const char *s = peek(p);
	u64 n;

	if (!s || strncmp(s, "pasid=", 6))
		return 0;
	if (sio_scn_parse_u64(s + 6, &n) || n >= (1u << 20))
		return expected(p, "pasid=N (0..1048575)");
	p->cmd->num[1] = n;
	p->cmd->flags |= SCN_F_PASID;
	p->i++;
	return 0;
}

/* ---- declarations ---- */

static int take_bus(struct parser *p, char *dst)
{
	const char *s = peek(p);

	if (!s || (strcmp(s, "pci") && strcmp(s, "platform")))
		return expected(p, "a bus (pci or platform)");
	strcpy(dst, s);
	p->i++;
	return 0;
}

/* Split "key=value" at the token; @val NULL when there is no '='. */
static void split_opt(const char *tok, char *key, size_t klen,
		      const char **val)
{
	const char *eq = strchr(tok, '=');
	size_t n = eq ? (size_t)(eq - tok) : strlen(tok);

	if (n >= klen)
		n = klen - 1;
	memcpy(key, tok, n);
	key[n] = '\0';
	*val = eq ? eq + 1 : NULL;
}

static int opt_err(struct parser *p, const char *what)
{
	return expected(p, what);
}

static int parse_pgsizes(const char *v, unsigned long *bitmap)
{
	char buf[256];
	char *save, *t;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	*bitmap = 0;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		u64 sz;

		if (sio_scn_parse_u64(t, &sz) || !sz || (sz & (sz - 1)) ||
		    sz < 4096 || sz > (1ULL << 40))
			return -EINVAL;
		*bitmap |= (unsigned long)sz;
	}
	return *bitmap ? 0 : -EINVAL;
}

static int parse_granules(const char *v, unsigned int *mask)
{
	char buf[64];
	char *save, *t;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	*mask = 0;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "4K") || !strcmp(t, "4k"))
			*mask |= MACHINE_SMMU_GRAN_4K;
		else if (!strcmp(t, "16K") || !strcmp(t, "16k"))
			*mask |= MACHINE_SMMU_GRAN_16K;
		else if (!strcmp(t, "64K") || !strcmp(t, "64k"))
			*mask |= MACHINE_SMMU_GRAN_64K;
		else
			return -EINVAL;
	}
	return *mask ? 0 : -EINVAL;
}

static const char smmu_opts_help[] =
	"an SMMU option (iotlb=N, iotlb-ways=N, iotlb-policy=clock|random, "
	"stage1, stage2, nesting, pri, ats, ssid-bits=N, "
	"granules=4K,16K,64K, ias=N, oas=N, no-check-iotlb)";

/* One option of "iommu smmu NAME ...": 0, or -EINVAL after an error. */
static int parse_smmu_opt(struct parser *p, const char *key, const char *v)
{
	struct machine_smmu_opts *o = &p->cmd->smmu;
	static const struct { const char *name; unsigned int f; } feats[] = {
		{ "stage1", MACHINE_SMMU_F_STAGE1 },
		{ "stage2", MACHINE_SMMU_F_STAGE2 },
		{ "nesting", MACHINE_SMMU_F_NESTING },
		{ "pri", MACHINE_SMMU_F_PRI },
		{ "ats", MACHINE_SMMU_F_ATS },
	};
	size_t k;
	u64 n;

	for (k = 0; !v && k < ARRAY_SIZE(feats); k++) {
		if (!strcmp(key, feats[k].name)) {
			o->features |= feats[k].f;
			return 0;
		}
	}
	if (!v && !strcmp(key, "no-check-iotlb")) {
		o->no_check = true;
	} else if (v && !strcmp(key, "iotlb")) {
		if (sio_scn_parse_u64(v, &n) || !n || n > 65536)
			return opt_err(p, "iotlb=N (1..65536 entries)");
		o->iotlb_entries = (unsigned int)n;
	} else if (v && !strcmp(key, "iotlb-ways")) {
		if (sio_scn_parse_u64(v, &n) || !n || n > 16 || (n & (n - 1)))
			return opt_err(p, "iotlb-ways=N (1, 2, 4, 8 or 16)");
		o->iotlb_ways = (unsigned int)n;
	} else if (v && !strcmp(key, "iotlb-policy")) {
		if (!strcmp(v, "random"))
			o->iotlb_random = true;
		else if (!strcmp(v, "clock"))
			o->iotlb_random = false;
		else
			return opt_err(p, "iotlb-policy=clock|random");
	} else if (v && !strcmp(key, "ssid-bits")) {
		if (sio_scn_parse_u64(v, &n) || n > 20)
			return opt_err(p, "ssid-bits=N (0..20)");
		o->ssid_bits = (unsigned int)n;
		o->ssid_bits_set = true;
	} else if (v && !strcmp(key, "granules")) {
		if (parse_granules(v, &o->granules))
			return opt_err(p, "granules=4K[,16K][,64K]");
	} else if (v && !strcmp(key, "ias")) {
		if (sio_scn_parse_u64(v, &n) || n < 32 || n > 52)
			return opt_err(p, "ias=N (32..52)");
		o->ias = (unsigned int)n;
	} else if (v && !strcmp(key, "oas")) {
		if (sio_scn_parse_u64(v, &n) || (n != 32 && n != 36 && n != 40 &&
		    n != 42 && n != 44 && n != 48 && n != 52))
			return opt_err(p, "oas=32|36|40|42|44|48|52");
		o->oas = (unsigned int)n;
	} else {
		return opt_err(p, smmu_opts_help);
	}
	return 0;
}

static int parse_iommu(struct parser *p)
{
	struct sio_iommu_decl *d = &p->cmd->decl.iommu;
	const char *s = peek(p);
	bool smmu;
	int ret;

	if (!s || strlen(s) >= sizeof(d->kind) || !sio_machine_iommu_kind_known(s))
		return expected(p, "an IOMMU driver kind (mock, mock2, smmu)");
	strcpy(d->kind, s);
	smmu = !strcmp(s, "smmu");
	p->i++;
	ret = take_name(p, "an IOMMU instance name", d->name);
	if (ret)
		return ret;
	while (!at_end(p)) {
		char key[32];
		const char *v;
		u64 n;

		split_opt(peek(p), key, sizeof(key), &v);
		if (smmu) {
			ret = parse_smmu_opt(p, key, v);
			if (ret)
				return ret;
		} else if (!strcmp(key, "pgsize") && v) {
			if (parse_pgsizes(v, &d->pgsize_bitmap))
				return opt_err(p, "pgsize=SIZE[,SIZE...] (powers of two, 4K..1T)");
		} else if (!strcmp(key, "pasids") && v) {
			if (sio_scn_parse_u64(v, &n) || n > (1u << 20))
				return opt_err(p, "pasids=N (0..1048576)");
			d->max_pasids = (unsigned int)n;
		} else if (!strcmp(key, "def-domain") && v) {
			if (!strcmp(v, "identity"))
				d->def_domain_type = IOMMU_DOMAIN_IDENTITY;
			else if (!strcmp(v, "dma"))
				d->def_domain_type = IOMMU_DOMAIN_DMA;
			else if (!strcmp(v, "none"))
				d->def_domain_type = 0;
			else
				return opt_err(p, "def-domain=identity|dma|none");
		} else if (!v && !strcmp(key, "no-identity")) {
			d->flags |= SIO_IOMMU_DECL_NO_IDENTITY;
		} else if (!v && !strcmp(key, "no-blocked")) {
			d->flags |= SIO_IOMMU_DECL_NO_BLOCKED;
		} else if (!v && !strcmp(key, "single-group")) {
			d->flags |= SIO_IOMMU_DECL_SINGLE_GROUP;
		} else if (!v && !strcmp(key, "deferred-attach")) {
			d->flags |= SIO_IOMMU_DECL_DEFERRED_ATTACH;
		} else if (!v && !strcmp(key, "legacy-default")) {
			d->flags |= SIO_IOMMU_DECL_LEGACY_DEFAULT;
		} else {
			return opt_err(p, "an IOMMU option (pgsize=, pasids=, def-domain=, no-identity, no-blocked, single-group, deferred-attach, legacy-default)");
		}
		p->i++;
	}
	return 0;
}

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

static int parse_sids(const char *v, struct sio_device_decl *d)
{
	char buf[256];
	char *save, *t;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	d->num_ids = 0;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		u64 n;

		if (d->num_ids >= SIO_DECL_MAX_IDS ||
		    sio_scn_parse_u64(t, &n) || n > 0xffffffffULL)
			return -EINVAL;
		d->ids[d->num_ids++] = (u32)n;
	}
	return d->num_ids ? 0 : -EINVAL;
}

static int parse_device(struct parser *p)
{
	struct sio_device_decl *d = &p->cmd->decl.device;
	int ret;

	if (accept(p, "remove")) {
		p->cmd->kind = SCN_DEVICE_REMOVE;
		ret = take_name_arg(p, "a device name");
		return ret ?: want_end(p);
	}
	accept(p, "add");
	ret = take_bus(p, d->bus);
	if (!ret)
		ret = take_name(p, "a device name", d->name);
	if (ret)
		return ret;
	while (!at_end(p)) {
		char key[32];
		const char *v;
		u64 n;

		split_opt(peek(p), key, sizeof(key), &v);
		if (!strcmp(key, "compatible") && v) {
			if (!valid_name(v))
				return opt_err(p, "compatible=NAME");
			strcpy(d->compatible, v);
		} else if (!strcmp(key, "iommu") && v) {
			if (!valid_name(v))
				return opt_err(p, "iommu=NAME");
			strcpy(d->iommu, v);
		} else if (!strcmp(key, "alias") && v) {
			if (!valid_name(v))
				return opt_err(p, "alias=NAME");
			strcpy(d->alias, v);
		} else if ((!strcmp(key, "sid") || !strcmp(key, "sids")) && v) {
			if (parse_sids(v, d))
				return opt_err(p, "sid=ID[,ID...] (up to 8)");
		} else if (!strcmp(key, "pasid-bits") && v) {
			if (sio_scn_parse_u64(v, &n) || n > 20)
				return opt_err(p, "pasid-bits=N (0..20)");
			d->pasid_bits = (unsigned int)n;
		} else if (!strcmp(key, "resv") && v) {
			if (d->num_resv >= SIO_DECL_MAX_RESV ||
			    parse_resv(v, &d->resv[d->num_resv]))
				return opt_err(p, "resv=direct|relaxable|reserved|msi|sw-msi:START+LENGTH (up to 4)");
			d->num_resv++;
		} else if (!v && !strcmp(key, "late")) {
			d->late = true;
		} else if (!v && !strcmp(key, "untrusted")) {
			d->untrusted = true;
		} else {
			return opt_err(p, "a device option (compatible=, iommu=, sid=, alias=, pasid-bits=, resv=, late, untrusted)");
		}
		p->i++;
	}
	return 0;
}

static int parse_driver_ids(const char *v, struct sio_driver_decl *d)
{
	char buf[512];
	char *save, *t;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	d->num_ids = 0;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (d->num_ids >= SIO_DECL_MAX_DRV_IDS || !valid_name(t))
			return -EINVAL;
		strcpy(d->ids[d->num_ids++], t);
	}
	return d->num_ids ? 0 : -EINVAL;
}

static int parse_driver(struct parser *p)
{
	struct sio_driver_decl *d = &p->cmd->decl.driver;
	bool have_kind = false;
	int ret;

	ret = take_bus(p, d->bus);
	if (!ret)
		ret = take_name(p, "a driver name", d->name);
	if (ret)
		return ret;
	while (!at_end(p)) {
		char key[32];
		const char *v;

		split_opt(peek(p), key, sizeof(key), &v);
		if (!strcmp(key, "kind") && v) {
			if (strlen(v) >= sizeof(d->kind) ||
			    !sio_machine_driver_kind_known(v))
				return opt_err(p, "kind=dma-api|vfio|stub");
			strcpy(d->kind, v);
			have_kind = true;
		} else if (!strcmp(key, "ids") && v) {
			if (parse_driver_ids(v, d))
				return opt_err(p, "ids=NAME[,NAME...] (up to 4)");
		} else if (!strcmp(key, "needs") && v) {
			if (!valid_name(v))
				return opt_err(p, "needs=DEVICE");
			strcpy(d->needs, v);
		} else {
			return opt_err(p, "a driver option (kind=, ids=, needs=)");
		}
		p->i++;
	}
	if (!have_kind)
		return expected(p, "kind=dma-api|vfio|stub");
	return 0;
}

static int parse_cmdline(struct parser *p)
{
	typeof(p->cmd->decl.cmdline) *c = &p->cmd->decl.cmdline;
	int ret;

	c->passthrough = c->strict = c->v7_order = SCN_CMDLINE_UNSET;
	if (at_end(p))
		return expected(p, "a boot option");
	while (!at_end(p)) {
		const char *s = peek(p);

		if (!strcmp(s, "iommu.passthrough=0") || !strcmp(s, "iommu.passthrough=1"))
			c->passthrough = s[18] - '0';
		else if (!strcmp(s, "iommu.strict=0") || !strcmp(s, "iommu.strict=1"))
			c->strict = s[13] - '0';
		else if (!strcmp(s, "legacy-v7-order"))
			c->v7_order = 1;
		else
			return expected(p, "a boot option (iommu.passthrough=0|1, iommu.strict=0|1, legacy-v7-order)");
		ret = add_arg(p->cmd, s);
		if (ret)
			return ret;
		p->i++;
	}
	return 0;
}

/* ---- shell-like commands ---- */

/* echo [-n] WORDS [> P | >> P | '|' [sudo] tee [-a] P [> /dev/null]] */
static int parse_echo(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	char *val = NULL;
	size_t vlen = 0;
	bool newline = true;
	int ret = 0;

	if (accept(p, "-n"))
		newline = false;
	else
		accept(p, "-e");
	while (!at_end(p) && !p->ln->tok[p->i].op) {
		const char *w = peek(p);
		size_t l = strlen(w);
		char *n = krealloc(val, vlen + l + 2, GFP_KERNEL);

		if (!n) {
			kfree(val);
			return -ENOMEM;
		}
		val = n;
		if (vlen)
			val[vlen++] = ' ';
		memcpy(val + vlen, w, l + 1);
		vlen += l;
		p->i++;
	}
	{
		char *n = krealloc(val, vlen + 2, GFP_KERNEL);

		if (!n) {
			kfree(val);
			return -ENOMEM;
		}
		val = n;
		if (newline)
			val[vlen++] = '\n';
		val[vlen] = '\0';
	}
	ret = add_arg(cmd, val);		/* argv[0]: the value */
	kfree(val);
	if (ret)
		return ret;
	if (at_end(p)) {
		cmd->kind = SCN_PRINT;
		return 0;
	}
	cmd->kind = SCN_WRITE;
	if (accept(p, ">>")) {
		cmd->flags |= SCN_W_APPEND;
		ret = take_path(p);
	} else if (accept(p, ">")) {
		ret = take_path(p);
	} else if (accept(p, "|")) {
		accept(p, "sudo");
		if (!accept(p, "tee"))
			return expected(p, "'tee' after '|'");
		cmd->flags |= SCN_W_TEE;
		if (accept(p, "-a") || accept(p, "--append"))
			cmd->flags |= SCN_W_APPEND;
		ret = take_path(p);
		if (!ret && accept(p, ">")) {
			if (!accept(p, "/dev/null"))
				return expected(p, "/dev/null");
			cmd->flags |= SCN_W_QUIET_TEE;
		}
	} else {
		return expected(p, "'>', '>>' or '| tee'");
	}
	return ret ?: want_end(p);
}

static int parse_paths(struct parser *p, int min, int max)
{
	int n = 0, ret;

	while (!at_end(p)) {
		if (n == max)
			return want_end(p);
		ret = take_path(p);
		if (ret)
			return ret;
		n++;
	}
	if (n < min)
		return expected(p, "an absolute path");
	return 0;
}

static int parse_ls(struct parser *p)
{
	while (!at_end(p) && peek(p)[0] == '-' && !p->ln->tok[p->i].quoted) {
		const char *f = peek(p) + 1;

		if (!*f)
			return expected(p, "ls options among -l -a -1");
		for (; *f; f++) {
			if (*f == 'l')
				p->cmd->flags |= 1;
			else if (*f != 'a' && *f != '1')
				return expected(p, "ls options among -l -a -1");
		}
		p->i++;
	}
	if (at_end(p))
		return add_arg(p->cmd, "/sys");
	return parse_paths(p, 1, 16);
}

static int parse_modprobe(struct parser *p, bool rmmod)
{
	for (;;) {
		if (!rmmod && (accept(p, "-v") || accept(p, "--verbose"))) {
			p->cmd->flags |= 1;
		} else if (!rmmod && (accept(p, "-r") || accept(p, "--remove"))) {
			p->cmd->kind = SCN_RMMOD;
		} else if (!rmmod && accept(p, "-rv")) {
			p->cmd->flags |= 1;
			p->cmd->kind = SCN_RMMOD;
		} else {
			break;
		}
	}
	return take_name_arg(p, "a module name") ?: want_end(p);
}

/* ---- softiommu operations ---- */

static int parse_vfio(struct parser *p)
{
	static const struct { const char *w; int sub; } subs[] = {
		{ "open", SCN_VFIO_OPEN }, { "open-group", SCN_VFIO_OPEN_GROUP },
		{ "close", SCN_VFIO_CLOSE }, { "close-group", SCN_VFIO_CLOSE_GROUP },
		{ "attach", SCN_VFIO_ATTACH }, { "detach", SCN_VFIO_DETACH },
		{ "map", SCN_VFIO_MAP }, { "unmap", SCN_VFIO_UNMAP },
	};
	struct sio_scn_cmd *cmd = p->cmd;
	size_t k;
	int ret;

	for (k = 0; k < ARRAY_SIZE(subs); k++)
		if (accept(p, subs[k].w))
			break;
	if (k == ARRAY_SIZE(subs))
		return expected(p, "a vfio operation (open, open-group, close, close-group, attach, detach, map, unmap)");
	cmd->sub = subs[k].sub;
	switch (cmd->sub) {
	case SCN_VFIO_OPEN_GROUP:
	case SCN_VFIO_CLOSE_GROUP:
		ret = take_u64(p, "an IOMMU group number", &cmd->num[0]);
		break;
	default:
		ret = take_name_arg(p, "a device name");
		break;
	}
	if (ret)
		return ret;
	if (cmd->sub == SCN_VFIO_OPEN || cmd->sub == SCN_VFIO_OPEN_GROUP) {
		const char *s = peek(p);

		if (s && !strncmp(s, "cookie=", 7)) {
			if (!valid_name(s + 7))
				return expected(p, "cookie=NAME");
			ret = add_arg(cmd, s + 7);
			if (ret)
				return ret;
			p->i++;
		} else if (cmd->sub == SCN_VFIO_OPEN_GROUP) {
			return expected(p, "cookie=NAME");
		}
	}
	if (cmd->sub == SCN_VFIO_MAP) {
		const char *s;

		ret = take_addr(p, "an IOVA", 0) ?:
		      take_addr(p, "a physical address", 1) ?:
		      take_u64(p, "a size", &cmd->num[2]);
		if (ret)
			return ret;
		cmd->flags = IOMMU_READ | IOMMU_WRITE;
		s = peek(p);
		if (s) {
			if (!strcmp(s, "r"))
				cmd->flags = IOMMU_READ;
			else if (!strcmp(s, "w"))
				cmd->flags = IOMMU_WRITE;
			else if (strcmp(s, "rw"))
				return expected(p, "r, w or rw");
			p->i++;
		}
	} else if (cmd->sub == SCN_VFIO_UNMAP) {
		ret = take_addr(p, "an IOVA", 0) ?:
		      take_u64(p, "a size", &cmd->num[2]);
		if (ret)
			return ret;
	}
	return want_end(p);
}

static int parse_domain(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	if (accept(p, "alloc-bus")) {
		char bus[16];

		cmd->sub = SCN_DOM_ALLOC_BUS;
		ret = take_bus(p, bus) ?: add_arg(cmd, bus);
	} else if (accept(p, "alloc")) {
		cmd->sub = SCN_DOM_ALLOC;
		ret = take_name_arg(p, "a device name");
	} else if (accept(p, "attach")) {
		cmd->sub = SCN_DOM_ATTACH;
		ret = take_name_arg(p, "a domain name") ?:
		      take_name_arg(p, "a device name");
		return ret ?: want_end(p);
	} else if (accept(p, "detach")) {
		cmd->sub = SCN_DOM_DETACH;
		ret = take_name_arg(p, "a domain name") ?:
		      take_name_arg(p, "a device name");
		return ret ?: want_end(p);
	} else if (accept(p, "attach-group") || accept(p, "detach-group")) {
		cmd->sub = strcmp(scn_tok_str(p->ln, p->i - 1), "attach-group") ?
			SCN_DOM_DETACH_GROUP : SCN_DOM_ATTACH_GROUP;
		ret = take_name_arg(p, "a domain name") ?:
		      take_u64(p, "an IOMMU group number", &cmd->num[0]);
		return ret ?: want_end(p);
	} else if (accept(p, "free")) {
		cmd->sub = SCN_DOM_FREE;
		ret = take_name_arg(p, "a domain name");
		return ret ?: want_end(p);
	} else if (accept(p, "map")) {
		cmd->sub = SCN_DOM_MAP;
		ret = take_name_arg(p, "a domain name") ?:
		      take_addr(p, "an IOVA", 0) ?:
		      take_addr(p, "a physical address", 1) ?:
		      take_u64(p, "a size", &cmd->num[2]);
		return ret ?: want_end(p);
	} else if (accept(p, "unmap")) {
		cmd->sub = SCN_DOM_UNMAP;
		ret = take_name_arg(p, "a domain name") ?:
		      take_addr(p, "an IOVA", 0) ?:
		      take_u64(p, "a size", &cmd->num[2]);
		return ret ?: want_end(p);
	} else {
		return expected(p, "a domain operation (alloc, alloc-bus, attach, detach, attach-group, detach-group, free, map, unmap)");
	}
	if (ret)
		return ret;
	if (!accept(p, "as"))
		return expected(p, "'as NAME'");
	return take_name_arg(p, "a domain name") ?: want_end(p);
}

/* "as NAME" binding a scenario variable. */
static int take_as_var(struct parser *p)
{
	const char *s;

	if (!accept(p, "as"))
		return expected(p, "'as NAME'");
	s = peek(p);
	if (!s || p->ln->tok[p->i].op || !valid_var_name(s))
		return expected(p, "a name (letters, digits, ._:-@)");
	p->i++;
	return add_arg(p->cmd, s);
}

/* Refuse a constant range that wraps past the top of the address space. */
static int check_range(struct parser *p, int idx, u64 len)
{
	if (!p->cmd->var[idx] && len && p->cmd->num[idx] + len - 1 <
					  p->cmd->num[idx]) {
		p->i--;
		return expected(p, "a length that does not wrap the address space");
	}
	return 0;
}

/* memory SIZE [base=ADDR] | memory alloc as NAME SIZE | memory free NAME */
static int parse_memory(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s;
	int ret;

	if (accept(p, "alloc")) {
		cmd->sub = SCN_MEM_ALLOC;
		ret = take_as_var(p) ?: take_u64(p, "a size", &cmd->num[2]);
		if (!ret && (!cmd->num[2] || cmd->num[2] > (1ULL << 30))) {
			p->i--;
			return expected(p, "a size of 1..1G bytes");
		}
		return ret ?: want_end(p);
	}
	if (accept(p, "free")) {
		cmd->sub = SCN_MEM_FREE;
		return take_name_arg(p, "a name from 'memory alloc'") ?:
		       want_end(p);
	}
	cmd->sub = SCN_MEM_DECL;
	ret = take_u64(p, "a memory size (e.g. 256M) or alloc/free",
		       &cmd->num[0]);
	if (ret)
		return ret;
	if (!cmd->num[0] || (cmd->num[0] & 4095) || cmd->num[0] > (1ULL << 40)) {
		p->i--;
		return expected(p, "a size that is a multiple of 4K, up to 1T");
	}
	s = peek(p);
	if (s && !strncmp(s, "base=", 5)) {
		if (sio_scn_parse_u64(s + 5, &cmd->num[1]) || !cmd->num[1] ||
		    (cmd->num[1] & 4095) ||
		    cmd->num[1] + cmd->num[0] < cmd->num[1])
			return expected(p, "base=ADDR (4K aligned, not 0)");
		p->i++;
	}
	return want_end(p);
}

static int parse_dma(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	if (accept(p, "read")) {
		cmd->sub = SCN_DMA_READ;
		ret = take_name_arg(p, "a device name") ?:
		      take_addr(p, "a DMA address", 0) ?:
		      take_u64(p, "a length", &cmd->num[2]);
		if (ret)
			return ret;
		if (!cmd->num[2] || cmd->num[2] > SCN_MAX_DATA) {
			p->i--;
			return expected(p, "a length of 1..1M bytes");
		}
		ret = check_range(p, 0, cmd->num[2]) ?: take_pasid_opt(p);
		return ret ?: want_end(p);
	}
	if (accept(p, "write")) {
		cmd->sub = SCN_DMA_WRITE;
		ret = take_name_arg(p, "a device name") ?:
		      take_addr(p, "a DMA address", 0) ?: take_bytes(p);
		if (ret)
			return ret;
		if (!cmd->var[0] && cmd->num[0] + cmd->len - 1 < cmd->num[0]) {
			p->i--;
			return expected(p, "data that does not wrap the address space");
		}
		return take_pasid_opt(p) ?: want_end(p);
	}
	if (accept(p, "map")) {
		const char *s;

		cmd->sub = SCN_DMA_MAP;
		ret = take_name_arg(p, "a device name") ?: take_as_var(p) ?:
		      take_u64(p, "a size", &cmd->num[2]);
		if (ret)
			return ret;
		if (!cmd->num[2] || cmd->num[2] > (1ULL << 30)) {
			p->i--;
			return expected(p, "a size of 1..1G bytes");
		}
		cmd->flags = SIO_DMA_BIDIRECTIONAL;
		s = peek(p);
		if (s) {
			if (!strcmp(s, "to-device"))
				cmd->flags = SIO_DMA_TO_DEVICE;
			else if (!strcmp(s, "from-device"))
				cmd->flags = SIO_DMA_FROM_DEVICE;
			else if (strcmp(s, "bidirectional"))
				return expected(p, "to-device, from-device or bidirectional");
			p->i++;
		}
		return want_end(p);
	}
	if (accept(p, "unmap")) {
		cmd->sub = SCN_DMA_UNMAP;
		return take_name_arg(p, "a name from 'dma map'") ?: want_end(p);
	}
	if (accept(p, "flush")) {
		cmd->sub = SCN_DMA_FLUSH;
		return take_name_arg(p, "a device name") ?: want_end(p);
	}
	return expected(p, "a dma operation (read, write, map, unmap, flush)");
}

static int parse_nic(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;

	if (accept(p, "rx"))
		cmd->sub = SCN_NIC_RX;
	else if (accept(p, "tx"))
		cmd->sub = SCN_NIC_TX;
	else
		return expected(p, "'rx' or 'tx'");
	return take_name_arg(p, "a device name") ?: take_bytes(p) ?:
	       want_end(p);
}

/* pgtable dump DEV [pasid=N] [IOVA SIZE] */
static int parse_pgtable(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	if (!accept(p, "dump"))
		return expected(p, "'dump'");
	ret = take_name_arg(p, "a device name") ?: take_pasid_opt(p);
	if (ret || at_end(p))
		return ret;
	ret = take_addr(p, "an IOVA", 0) ?:
	      take_u64(p, "a size", &cmd->num[2]);
	if (ret)
		return ret;
	if (!cmd->num[2]) {
		p->i--;
		return expected(p, "a non-zero size");
	}
	cmd->flags |= SCN_F_RANGE;
	return check_range(p, 0, cmd->num[2]) ?: want_end(p);
}

static int take_eq(struct parser *p)
{
	return accept(p, "==") || accept(p, "=") ? 0 : expected(p, "'=='");
}

static int parse_expect(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s = peek(p);
	int ret, e;

	if (!s)
		return expected(p, "what to expect");
	if (accept(p, "ok")) {
		cmd->sub = SCN_EXP_ERRNO;
		cmd->err = 0;
	} else if (accept(p, "fail")) {
		cmd->sub = SCN_EXP_FAIL;
	} else if ((s[0] == 'E' || (s[0] == '-' && s[1] == 'E') ||
		    isdigit((unsigned char)s[0])) && !sio_errno_parse(s, &e)) {
		cmd->sub = SCN_EXP_ERRNO;
		cmd->err = e;
		p->i++;
	} else if (s[0] == 'E' || (s[0] == '-' && s[1] == 'E')) {
		return expected(p, "an errno name such as -EBUSY");
	} else if (accept(p, "warn")) {
		cmd->sub = SCN_EXP_WARN;
		ret = take_u64(p, "a WARN count", &cmd->num[0]);
		if (ret)
			return ret;
		if (accept(p, "in")) {
			ret = take_string(p, "a function name");
			if (ret)
				return ret;
		}
	} else if (accept(p, "no-warn")) {
		cmd->sub = SCN_EXP_NO_WARN;
	} else if (accept(p, "file")) {
		ret = take_path(p);
		if (ret)
			return ret;
		if (accept(p, "==") || accept(p, "="))
			cmd->sub = SCN_EXP_FILE_EQ;
		else if (accept(p, "contains"))
			cmd->sub = SCN_EXP_FILE_CONTAINS;
		else
			return expected(p, "'==' or 'contains'");
		ret = take_string(p, "a quoted string");
		if (ret)
			return ret;
	} else if (accept(p, "log") || accept(p, "no-log")) {
		cmd->sub = strcmp(scn_tok_str(p->ln, p->i - 1), "log") ?
			SCN_EXP_NO_LOG : SCN_EXP_LOG;
		ret = take_string(p, "a quoted pattern");
		if (ret)
			return ret;
	} else if (accept(p, "owner_cnt") || accept(p, "owner-cnt")) {
		cmd->sub = SCN_EXP_OWNER_CNT;
		ret = take_name_arg(p, "a device name") ?: take_eq(p) ?:
		      take_u64(p, "a count", &cmd->num[0]);
		if (ret)
			return ret;
	} else if (accept(p, "group")) {
		ret = take_name_arg(p, "a device name");
		if (ret)
			return ret;
		if (accept(p, "domain"))
			cmd->sub = SCN_EXP_GROUP_DOMAIN;
		else if (accept(p, "owner"))
			cmd->sub = SCN_EXP_GROUP_OWNER;
		else
			return expected(p, "'domain' or 'owner'");
		ret = take_eq(p) ?: take_name_arg(p, cmd->sub == SCN_EXP_GROUP_DOMAIN ?
			"blocking, default, identity, unmanaged, dma, none or a domain name" :
			"none, user or a cookie name");
		if (ret)
			return ret;
	} else if (accept(p, "same-group")) {
		cmd->sub = SCN_EXP_SAME_GROUP;
		ret = take_name_arg(p, "a device name") ?:
		      take_name_arg(p, "a device name");
		if (ret)
			return ret;
	} else if (accept(p, "invariants")) {
		cmd->sub = SCN_EXP_INVARIANTS;
	} else if (accept(p, "bound")) {
		cmd->sub = SCN_EXP_BOUND;
		ret = take_name_arg(p, "a device name") ?:
		      take_name_arg(p, "a driver name or none");
		if (ret)
			return ret;
	} else if (accept(p, "data")) {
		cmd->sub = SCN_EXP_DATA;
		ret = take_bytes(p);
		if (ret)
			return ret;
	} else if (accept(p, "fault")) {
		static const char *const kinds[] = {
			"none", "any", "translation", "permission", "access",
			"address-size", "abort", "bad-ste", "bad-cd",
			"stream-disabled", "bad-substreamid",
		};
		size_t k;

		cmd->sub = SCN_EXP_FAULT;
		for (k = 0; k < ARRAY_SIZE(kinds); k++)
			if (peek_is(p, kinds[k]))
				break;
		if (k == ARRAY_SIZE(kinds))
			return expected(p, "a fault kind (none, any, translation, permission, access, address-size, abort, bad-ste, bad-cd, stream-disabled, bad-substreamid)");
		ret = add_arg(cmd, kinds[k]);
		if (ret)
			return ret;
		p->i++;
	} else if (accept(p, "nic")) {
		static const char *const stats[] = {
			"rx", "tx", "rx-bytes", "tx-bytes", "rx-errors",
			"tx-errors", "rx-dropped", "last-rx", "last-tx",
		};
		size_t k;

		cmd->sub = SCN_EXP_NIC;
		ret = take_name_arg(p, "a device name");
		if (ret)
			return ret;
		for (k = 0; k < ARRAY_SIZE(stats); k++)
			if (peek_is(p, stats[k]))
				break;
		if (k == ARRAY_SIZE(stats))
			return expected(p, "a NIC counter (rx, tx, rx-bytes, tx-bytes, rx-errors, tx-errors, rx-dropped) or last-rx / last-tx");
		ret = add_arg(cmd, stats[k]);
		if (ret)
			return ret;
		p->i++;
		ret = take_eq(p);
		if (ret)
			return ret;
		ret = !strncmp(stats[k], "last-", 5) ? take_bytes(p) :
		      take_u64(p, "a count", &cmd->num[0]);
		if (ret)
			return ret;
	} else if (accept(p, "dma")) {
		static const char *const stats[] = {
			"maps", "unmaps", "map-failures", "strict-unmaps",
			"lazy-unmaps",
		};
		size_t k;

		cmd->sub = SCN_EXP_DMA;
		ret = take_name_arg(p, "a device name");
		if (ret)
			return ret;
		for (k = 0; k < ARRAY_SIZE(stats); k++)
			if (peek_is(p, stats[k]))
				break;
		if (k == ARRAY_SIZE(stats))
			return expected(p, "a DMA API counter (maps, unmaps, map-failures, strict-unmaps, lazy-unmaps)");
		ret = add_arg(cmd, stats[k]);
		if (ret)
			return ret;
		p->i++;
		ret = take_eq(p) ?: take_u64(p, "a count", &cmd->num[0]);
		if (ret)
			return ret;
	} else {
		return expected(p, "an expectation (ok, -EXXX, fail, warn, no-warn, file, log, no-log, owner_cnt, group, same-group, invariants, bound, data, fault, nic, dma)");
	}
	return want_end(p);
}

static int parse_command(struct parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *w;

	while (accept(p, "sudo"))
		;
	w = peek(p);
	if (!w || p->ln->tok[p->i].op || p->ln->tok[p->i].quoted)
		return expected(p, "a command");
	p->i++;
	if (!strcmp(w, "bus")) {
		cmd->kind = SCN_BUS;
		return take_bus(p, cmd->decl.device.bus) ?:
		       add_arg(cmd, cmd->decl.device.bus) ?: want_end(p);
	}
	if (!strcmp(w, "iommu")) {
		cmd->kind = SCN_IOMMU;
		return parse_iommu(p);
	}
	if (!strcmp(w, "device")) {
		cmd->kind = SCN_DEVICE;
		return parse_device(p);
	}
	if (!strcmp(w, "driver")) {
		cmd->kind = SCN_DRIVER;
		return parse_driver(p);
	}
	if (!strcmp(w, "cmdline")) {
		cmd->kind = SCN_CMDLINE;
		return parse_cmdline(p);
	}
	if (!strcmp(w, "boot")) {
		cmd->kind = SCN_CMDLINE;
		if (!accept(p, "option"))
			return expected(p, "'option'");
		return parse_cmdline(p);
	}
	if (!strcmp(w, "echo"))
		return parse_echo(p);
	if (!strcmp(w, "cat")) {
		cmd->kind = SCN_CAT;
		return parse_paths(p, 1, 16);
	}
	if (!strcmp(w, "ls")) {
		cmd->kind = SCN_LS;
		return parse_ls(p);
	}
	if (!strcmp(w, "readlink")) {
		cmd->kind = SCN_READLINK;
		if (accept(p, "-f") || accept(p, "-e") || accept(p, "-m"))
			cmd->flags = 1;
		return parse_paths(p, 1, 1);
	}
	if (!strcmp(w, "modprobe")) {
		cmd->kind = SCN_MODPROBE;
		return parse_modprobe(p, false);
	}
	if (!strcmp(w, "rmmod")) {
		cmd->kind = SCN_RMMOD;
		return parse_modprobe(p, true);
	}
	if (!strcmp(w, "dmesg")) {
		cmd->kind = SCN_DMESG;
		if (accept(p, "-c"))
			cmd->flags = 1;
		else if (accept(p, "-C"))
			cmd->flags = 2;
		return want_end(p);
	}
	if (!strcmp(w, "vfio")) {
		cmd->kind = SCN_VFIO;
		return parse_vfio(p);
	}
	if (!strcmp(w, "domain")) {
		cmd->kind = SCN_DOMAIN;
		return parse_domain(p);
	}
	if (!strcmp(w, "check")) {
		cmd->kind = SCN_CHECK_INVARIANTS;
		if (!accept(p, "invariants"))
			return expected(p, "'invariants'");
		return want_end(p);
	}
	if (!strcmp(w, "probe")) {
		if (accept(p, "wait"))
			cmd->kind = SCN_PROBE_WAIT;
		else if (accept(p, "trigger"))
			cmd->kind = SCN_PROBE_TRIGGER;
		else
			return expected(p, "'wait' or 'trigger'");
		return want_end(p);
	}
	if (!strcmp(w, "expect")) {
		cmd->kind = SCN_EXPECT;
		return parse_expect(p);
	}
	if (!strcmp(w, "help")) {
		cmd->kind = SCN_HELP;
		return want_end(p);
	}
	if (!strcmp(w, "memory")) {
		cmd->kind = SCN_MEMORY;
		return parse_memory(p);
	}
	if (!strcmp(w, "dma")) {
		cmd->kind = SCN_DMA;
		return parse_dma(p);
	}
	if (!strcmp(w, "nic")) {
		cmd->kind = SCN_NIC;
		return parse_nic(p);
	}
	if (!strcmp(w, "pgtable")) {
		cmd->kind = SCN_PGTABLE;
		return parse_pgtable(p);
	}
	p->i--;
	return expected(p, "a command");
}

static void cmd_free(struct sio_scn_cmd *cmd)
{
	int i;

	if (!cmd)
		return;
	for (i = 0; i < cmd->argc; i++)
		kfree(cmd->argv[i]);
	for (i = 0; i < (int)ARRAY_SIZE(cmd->var); i++)
		kfree(cmd->var[i]);
	kfree(cmd->argv);
	kfree(cmd->data);
	kfree(cmd->text);
	kfree(cmd);
}

void sio_scn_script_free(struct sio_scn_script *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->ncmds; i++)
		cmd_free(s->cmds[i]);
	kfree(s->cmds);
	kfree(s->name);
	kfree(s);
}

static int script_append(struct sio_scn_script *s, struct sio_scn_cmd *cmd)
{
	struct sio_scn_cmd **n;

	n = krealloc(s->cmds, sizeof(*n) * (s->ncmds + 1), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	s->cmds = n;
	n[s->ncmds++] = cmd;
	return 0;
}

int sio_scn_parse(const char *name, const char *buf, size_t len,
		  unsigned int first_line, struct sio_scn_script **out,
		  struct sio_scn_error *err)
{
	struct scn_lexer lx = {
		.buf = buf, .len = buf ? len : 0, .line = first_line ?: 1,
		.col = 1, .err = err,
	};
	struct sio_scn_script *s;
	struct scn_line ln;
	int ret;

	memset(err, 0, sizeof(*err));
	memset(&ln, 0, sizeof(ln));
	*out = NULL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->name = kstrdup(name ? name : "<scenario>", GFP_KERNEL);
	if (!s->name) {
		ret = -ENOMEM;
		goto free_script;
	}
	for (;;) {
		struct parser p = { .ln = &ln, .err = err };

		ret = scn_lex_line(&lx, &ln);
		if (ret <= 0)
			break;
		if (!ln.ntok)
			continue;
		p.cmd = kzalloc(sizeof(*p.cmd), GFP_KERNEL);
		if (!p.cmd) {
			ret = -ENOMEM;
			break;
		}
		p.cmd->line = ln.tok[0].line;
		p.cmd->text = kstrdup(ln.text, GFP_KERNEL);
		ret = p.cmd->text ? parse_command(&p) : -ENOMEM;
		if (!ret)
			ret = script_append(s, p.cmd);
		if (ret) {
			cmd_free(p.cmd);
			break;
		}
	}
	s->lines = lx.line - (first_line ?: 1) +
		   (lx.len && lx.buf[lx.len - 1] != '\n' ? 1 : 0);
	scn_line_release(&ln);
	if (ret < 0)
		goto free_script;
	*out = s;
	return 0;

free_script:
	sio_scn_script_free(s);
	if (ret == -ENOMEM) {
		err->line = lx.line;
		err->col = lx.col;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	return ret;
}

void sio_scn_format_error(const char *name, const struct sio_scn_error *err,
			  char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u:%u: error: %s", name, err->line, err->col,
		 err->msg);
}
