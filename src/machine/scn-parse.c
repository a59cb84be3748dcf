// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario parser: turns logical lines into commands, checking everything
 * that can be checked without a machine (keywords, options, numbers, errno
 * names, driver kinds, paths).  No global state: callable from a fuzzer.
 * This file: the token helpers, shell-like commands, vfio/domain/expect and
 * the dispatch; declarations and data movement live in scn-parse-*.c.
 */
#include "machine/scn-parse-priv.h"
#include <softiommu/iommu.h>

static void perr_at(struct scn_parser *p, int i, const char *fmt, ...) __printf(3, 4);

/* Report an error at token @i (or at the end of the line). */
static void perr_at(struct scn_parser *p, int i, const char *fmt, ...)
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
static const char *got(struct scn_parser *p, int i, char *buf, size_t len)
{
	if (i >= p->ln->ntok)
		return "end of line";
	snprintf(buf, len, "'%.80s'", scn_tok_str(p->ln, i));
	return buf;
}

/**
 * scn_expected() - report "expected @what, got <next token>"
 * @p: the parser; the error points at its next token (or the end of line)
 * @what: what the grammar wanted there
 *
 * Context: any; writes only p->err.
 * Return: -EINVAL, for the caller to pass up.
 */
int scn_expected(struct scn_parser *p, const char *what)
{
	char b[100];

	perr_at(p, p->i, "expected %s, got %s", what, got(p, p->i, b, sizeof(b)));
	return -EINVAL;
}

/**
 * scn_want_end() - the line must end here
 * @p: the parser
 *
 * Context: any; writes only p->err.
 * Return: 0 at the end of the line, else -EINVAL with the error reported.
 */
int scn_want_end(struct scn_parser *p)
{
	return scn_at_end(p) ? 0 : scn_expected(p, "end of line");
}

/**
 * scn_add_arg() - append a copy of @s to @cmd's argv (kept NULL-terminated)
 * @cmd: the command
 * @s: the operand
 *
 * Context: may sleep (allocates).
 * Return: 0 or -ENOMEM (what was added so far is freed with @cmd).
 */
int scn_add_arg(struct sio_scn_cmd *cmd, const char *s)
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

/**
 * scn_valid_name() - is @s a name: non-empty, shorter than
 * SIO_DECL_NAME_LEN, letters, digits and "._:-+@" only
 * @s: the word
 *
 * Context: any.
 * Return: true if it is.
 */
bool scn_valid_name(const char *s)
{
	if (!*s || strlen(s) >= SIO_DECL_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || strchr("._:-+@", *s)))
			return false;
	return true;
}

/**
 * scn_take_name() - take a word that is a name (device, driver, IOMMU,
 * domain, cookie)
 * @p: the parser
 * @what: what the name is, for the error message
 * @dst: where to copy it (SIO_DECL_NAME_LEN bytes), or NULL
 *
 * Context: any; touches only @p and @dst.
 * Return: 0, or -EINVAL with the error reported.
 */
int scn_take_name(struct scn_parser *p, const char *what, char *dst)
{
	const char *s = scn_peek(p);

	if (!s || scn_peek_op(p) || !scn_valid_name(s))
		return scn_expected(p, what);
	if (dst)
		strcpy(dst, s);
	p->i++;
	return 0;
}

/**
 * scn_take_name_arg() - scn_take_name() into the command's next argv
 * @p: the parser
 * @what: what the name is, for the error message
 *
 * Context: may sleep (allocates).
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_take_name_arg(struct scn_parser *p, const char *what)
{
	char name[SIO_DECL_NAME_LEN];
	int ret = scn_take_name(p, what, name);

	return ret ?: scn_add_arg(p->cmd, name);
}

static int take_path(struct scn_parser *p)
{
	const char *s = scn_peek(p);

	if (!s || scn_peek_op(p) || s[0] != '/')
		return scn_expected(p, "an absolute path");
	if (strlen(s) >= 4096)
		return scn_expected(p, "a path shorter than 4096 bytes");
	p->i++;
	return scn_add_arg(p->cmd, s);
}

static int take_string(struct scn_parser *p, const char *what)
{
	const char *s = scn_peek(p);

	if (!s || scn_peek_op(p))
		return scn_expected(p, what);
	p->i++;
	return scn_add_arg(p->cmd, s);
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

/**
 * scn_take_u64() - take a number (sio_scn_parse_u64() syntax)
 * @p: the parser
 * @what: what the number is, for the error message
 * @out: the value
 *
 * Context: any; touches only @p and @out.
 * Return: 0, or -EINVAL with the error reported.
 */
int scn_take_u64(struct scn_parser *p, const char *what, u64 *out)
{
	const char *s = scn_peek(p);

	if (!s || scn_peek_op(p) || sio_scn_parse_u64(s, out))
		return scn_expected(p, what);
	p->i++;
	return 0;
}

/* ---- shell-like commands ---- */

/* echo [-n] WORDS [> P | >> P | '|' [sudo] tee [-a] P [> /dev/null]] */
static int parse_echo(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	char *val = NULL;
	size_t vlen = 0;
	bool newline = true;
	int ret = 0;

	if (scn_accept(p, "-n"))
		newline = false;
	else
		scn_accept(p, "-e");
	while (!scn_at_end(p) && !p->ln->tok[p->i].op) {
		const char *w = scn_peek(p);
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
	ret = scn_add_arg(cmd, val);		/* argv[0]: the value */
	kfree(val);
	if (ret)
		return ret;
	if (scn_at_end(p)) {
		cmd->kind = SCN_PRINT;
		return 0;
	}
	cmd->kind = SCN_WRITE;
	if (scn_accept(p, ">>")) {
		cmd->flags |= SCN_W_APPEND;
		ret = take_path(p);
	} else if (scn_accept(p, ">")) {
		ret = take_path(p);
	} else if (scn_accept(p, "|")) {
		scn_accept(p, "sudo");
		if (!scn_accept(p, "tee"))
			return scn_expected(p, "'tee' after '|'");
		cmd->flags |= SCN_W_TEE;
		if (scn_accept(p, "-a") || scn_accept(p, "--append"))
			cmd->flags |= SCN_W_APPEND;
		ret = take_path(p);
		if (!ret && scn_accept(p, ">")) {
			if (!scn_accept(p, "/dev/null"))
				return scn_expected(p, "/dev/null");
			cmd->flags |= SCN_W_QUIET_TEE;
		}
	} else {
		return scn_expected(p, "'>', '>>' or '| tee'");
	}
	return ret ?: scn_want_end(p);
}

static int parse_paths(struct scn_parser *p, int min, int max)
{
	int n = 0, ret;

	while (!scn_at_end(p)) {
		if (n == max)
			return scn_want_end(p);
		ret = take_path(p);
		if (ret)
			return ret;
		n++;
	}
	if (n < min)
		return scn_expected(p, "an absolute path");
	return 0;
}

static int parse_ls(struct scn_parser *p)
{
	while (!scn_at_end(p) && scn_peek(p)[0] == '-' && !p->ln->tok[p->i].quoted) {
		const char *f = scn_peek(p) + 1;

		if (!*f)
			return scn_expected(p, "ls options among -l -a -1");
		for (; *f; f++) {
			if (*f == 'l')
				p->cmd->flags |= 1;
			else if (*f != 'a' && *f != '1')
				return scn_expected(p, "ls options among -l -a -1");
		}
		p->i++;
	}
	if (scn_at_end(p))
		return scn_add_arg(p->cmd, "/sys");
	return parse_paths(p, 1, 16);
}

/* modprobe [-v] [-r] NAME | rmmod NAME (the kind says which was written) */
static int parse_modprobe(struct scn_parser *p)
{
	bool rmmod = p->cmd->kind == SCN_RMMOD;

	for (;;) {
		if (!rmmod && (scn_accept(p, "-v") || scn_accept(p, "--verbose"))) {
			p->cmd->flags |= 1;
		} else if (!rmmod && (scn_accept(p, "-r") || scn_accept(p, "--remove"))) {
			p->cmd->kind = SCN_RMMOD;
		} else if (!rmmod && scn_accept(p, "-rv")) {
			p->cmd->flags |= 1;
			p->cmd->kind = SCN_RMMOD;
		} else {
			break;
		}
	}
	return scn_take_name_arg(p, "a module name") ?: scn_want_end(p);
}

/* ---- softiommu operations ---- */

static int parse_vfio(struct scn_parser *p)
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
		if (scn_accept(p, subs[k].w))
			break;
	if (k == ARRAY_SIZE(subs))
		return scn_expected(p, "a vfio operation (open, open-group, close, close-group, attach, detach, map, unmap)");
	cmd->sub = subs[k].sub;
	switch (cmd->sub) {
	case SCN_VFIO_OPEN_GROUP:
	case SCN_VFIO_CLOSE_GROUP:
		ret = scn_take_u64(p, "an IOMMU group number", &cmd->num[0]);
		break;
	default:
		ret = scn_take_name_arg(p, "a device name");
		break;
	}
	if (ret)
		return ret;
	if (cmd->sub == SCN_VFIO_OPEN || cmd->sub == SCN_VFIO_OPEN_GROUP) {
		const char *s = scn_peek(p);

		if (s && !strncmp(s, "cookie=", 7)) {
			if (!scn_valid_name(s + 7))
				return scn_expected(p, "cookie=NAME");
			ret = scn_add_arg(cmd, s + 7);
			if (ret)
				return ret;
			p->i++;
		} else if (cmd->sub == SCN_VFIO_OPEN_GROUP) {
			return scn_expected(p, "cookie=NAME");
		}
	}
	if (cmd->sub == SCN_VFIO_MAP) {
		const char *s;

		ret = scn_take_addr(p, "an IOVA", 0) ?:
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
	} else if (cmd->sub == SCN_VFIO_UNMAP) {
		ret = scn_take_addr(p, "an IOVA", 0) ?:
		      scn_take_u64(p, "a size", &cmd->num[2]);
		if (ret)
			return ret;
	}
	return scn_want_end(p);
}

static int parse_domain(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	if (scn_accept(p, "alloc-bus")) {
		char bus[16];

		cmd->sub = SCN_DOM_ALLOC_BUS;
		ret = scn_take_bus(p, bus) ?: scn_add_arg(cmd, bus);
	} else if (scn_accept(p, "alloc")) {
		cmd->sub = SCN_DOM_ALLOC;
		ret = scn_take_name_arg(p, "a device name");
	} else if (scn_accept(p, "attach") || scn_accept(p, "detach")) {
		cmd->sub = strcmp(scn_tok_str(p->ln, p->i - 1), "attach") ?
			SCN_DOM_DETACH : SCN_DOM_ATTACH;
		ret = scn_take_name_arg(p, "a domain name") ?:
		      scn_take_name_arg(p, "a device name");
		return ret ?: scn_want_end(p);
	} else if (scn_accept(p, "attach-group") || scn_accept(p, "detach-group")) {
		cmd->sub = strcmp(scn_tok_str(p->ln, p->i - 1), "attach-group") ?
			SCN_DOM_DETACH_GROUP : SCN_DOM_ATTACH_GROUP;
		ret = scn_take_name_arg(p, "a domain name") ?:
		      scn_take_u64(p, "an IOMMU group number", &cmd->num[0]);
		return ret ?: scn_want_end(p);
	} else if (scn_accept(p, "free")) {
		cmd->sub = SCN_DOM_FREE;
		ret = scn_take_name_arg(p, "a domain name");
		return ret ?: scn_want_end(p);
	} else if (scn_accept(p, "map")) {
		cmd->sub = SCN_DOM_MAP;
		ret = scn_take_name_arg(p, "a domain name") ?:
		      scn_take_addr(p, "an IOVA", 0) ?:
		      scn_take_addr(p, "a physical address", 1) ?:
		      scn_take_u64(p, "a size", &cmd->num[2]);
		return ret ?: scn_want_end(p);
	} else if (scn_accept(p, "unmap")) {
		cmd->sub = SCN_DOM_UNMAP;
		ret = scn_take_name_arg(p, "a domain name") ?:
		      scn_take_addr(p, "an IOVA", 0) ?:
		      scn_take_u64(p, "a size", &cmd->num[2]);
		return ret ?: scn_want_end(p);
	} else {
		return scn_expected(p, "a domain operation (alloc, alloc-bus, attach, detach, attach-group, detach-group, free, map, unmap)");
	}
	if (ret)
		return ret;
	if (!scn_accept(p, "as"))
		return scn_expected(p, "'as NAME'");
	return scn_take_name_arg(p, "a domain name") ?: scn_want_end(p);
}


/*
 * One of the bare words @words[@n], added to argv.
 * Return: its index, or -EINVAL (@what reported), -ENOMEM.
 */
static int take_word(struct scn_parser *p, const char *const *words, int n,
		     const char *what)
{
	int k, ret;

	for (k = 0; k < n; k++)
		if (scn_peek_is(p, words[k]))
			break;
	if (k == n)
		return scn_expected(p, what);
	ret = scn_add_arg(p->cmd, words[k]);
	if (ret)
		return ret;
	p->i++;
	return k;
}

static int take_eq(struct scn_parser *p)
{
	return scn_accept(p, "==") || scn_accept(p, "=") ? 0 : scn_expected(p, "'=='");
}

static int parse_expect(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s = scn_peek(p);
	int ret, e;

	if (!s)
		return scn_expected(p, "what to expect");
	if (scn_accept(p, "ok")) {
		cmd->sub = SCN_EXP_ERRNO;
		cmd->err = 0;
	} else if (scn_accept(p, "fail")) {
		cmd->sub = SCN_EXP_FAIL;
	} else if ((s[0] == 'E' || (s[0] == '-' && s[1] == 'E') ||
		    isdigit((unsigned char)s[0])) && !sio_errno_parse(s, &e)) {
		cmd->sub = SCN_EXP_ERRNO;
		cmd->err = e;
		p->i++;
	} else if (s[0] == 'E' || (s[0] == '-' && s[1] == 'E')) {
		return scn_expected(p, "an errno name such as -EBUSY");
	} else if (scn_accept(p, "warn")) {
		cmd->sub = SCN_EXP_WARN;
		ret = scn_take_u64(p, "a WARN count", &cmd->num[0]);
		if (ret)
			return ret;
		if (scn_accept(p, "in")) {
			ret = take_string(p, "a function name");
			if (ret)
				return ret;
		}
	} else if (scn_accept(p, "no-warn")) {
		cmd->sub = SCN_EXP_NO_WARN;
	} else if (scn_accept(p, "file")) {
		ret = take_path(p);
		if (ret)
			return ret;
		if (scn_accept(p, "==") || scn_accept(p, "="))
			cmd->sub = SCN_EXP_FILE_EQ;
		else if (scn_accept(p, "contains"))
			cmd->sub = SCN_EXP_FILE_CONTAINS;
		else
			return scn_expected(p, "'==' or 'contains'");
		ret = take_string(p, "a quoted string");
		if (ret)
			return ret;
	} else if (scn_accept(p, "log") || scn_accept(p, "no-log")) {
		cmd->sub = strcmp(scn_tok_str(p->ln, p->i - 1), "log") ?
			SCN_EXP_NO_LOG : SCN_EXP_LOG;
		ret = take_string(p, "a quoted pattern");
		if (ret)
			return ret;
	} else if (scn_accept(p, "owner_cnt") || scn_accept(p, "owner-cnt")) {
		cmd->sub = SCN_EXP_OWNER_CNT;
		ret = scn_take_name_arg(p, "a device name") ?: take_eq(p) ?:
		      scn_take_u64(p, "a count", &cmd->num[0]);
		if (ret)
			return ret;
	} else if (scn_accept(p, "group")) {
		ret = scn_take_name_arg(p, "a device name");
		if (ret)
			return ret;
		if (scn_accept(p, "domain"))
			cmd->sub = SCN_EXP_GROUP_DOMAIN;
		else if (scn_accept(p, "owner"))
			cmd->sub = SCN_EXP_GROUP_OWNER;
		else
			return scn_expected(p, "'domain' or 'owner'");
		ret = take_eq(p) ?: scn_take_name_arg(p, cmd->sub == SCN_EXP_GROUP_DOMAIN ?
			"blocking, default, identity, unmanaged, dma, none or a domain name" :
			"none, user or a cookie name");
		if (ret)
			return ret;
	} else if (scn_accept(p, "same-group")) {
		cmd->sub = SCN_EXP_SAME_GROUP;
		ret = scn_take_name_arg(p, "a device name") ?:
		      scn_take_name_arg(p, "a device name");
		if (ret)
			return ret;
	} else if (scn_accept(p, "invariants")) {
		cmd->sub = SCN_EXP_INVARIANTS;
	} else if (scn_accept(p, "bound")) {
		cmd->sub = SCN_EXP_BOUND;
		ret = scn_take_name_arg(p, "a device name") ?:
		      scn_take_name_arg(p, "a driver name or none");
		if (ret)
			return ret;
	} else if (scn_accept(p, "data")) {
		cmd->sub = SCN_EXP_DATA;
		ret = scn_take_bytes(p);
		if (ret)
			return ret;
	} else if (scn_accept(p, "fault")) {
		static const char *const kinds[] = {
			"none", "any", "translation", "permission", "access",
			"address-size", "abort", "bad-ste", "bad-cd",
			"stream-disabled", "bad-substreamid",
		};

		cmd->sub = SCN_EXP_FAULT;
		ret = take_word(p, kinds, ARRAY_SIZE(kinds), "a fault kind (none, any, translation, permission, access, address-size, abort, bad-ste, bad-cd, stream-disabled, bad-substreamid)");
		if (ret < 0)
			return ret;
	} else if (scn_accept(p, "nic")) {
		static const char *const stats[] = {
			"rx", "tx", "rx-bytes", "tx-bytes", "rx-errors",
			"tx-errors", "rx-dropped", "last-rx", "last-tx",
		};
		int k;

		cmd->sub = SCN_EXP_NIC;
		ret = scn_take_name_arg(p, "a device name");
		if (ret)
			return ret;
		k = take_word(p, stats, ARRAY_SIZE(stats), "a NIC counter (rx, tx, rx-bytes, tx-bytes, rx-errors, tx-errors, rx-dropped) or last-rx / last-tx");
		if (k < 0)
			return k;
		ret = take_eq(p) ?:
		      (!strncmp(stats[k], "last-", 5) ? scn_take_bytes(p) :
		       scn_take_u64(p, "a count", &cmd->num[0]));
		if (ret)
			return ret;
	} else if (scn_accept(p, "dma")) {
		static const char *const stats[] = {
			"maps", "unmaps", "map-failures", "strict-unmaps",
			"lazy-unmaps",
		};

		cmd->sub = SCN_EXP_DMA;
		ret = scn_take_name_arg(p, "a device name");
		if (ret)
			return ret;
		ret = take_word(p, stats, ARRAY_SIZE(stats), "a DMA API counter (maps, unmaps, map-failures, strict-unmaps, lazy-unmaps)");
		if (ret < 0)
			return ret;
		ret = take_eq(p) ?: scn_take_u64(p, "a count", &cmd->num[0]);
		if (ret)
			return ret;
	} else {
		return scn_expected(p, "an expectation (ok, -EXXX, fail, warn, no-warn, file, log, no-log, owner_cnt, group, same-group, invariants, bound, data, fault, nic, dma)");
	}
	return scn_want_end(p);
}

/* ---- commands without a parser of their own ---- */

static int parse_bus(struct scn_parser *p)
{
	char *bus = p->cmd->decl.device.bus;

	return scn_take_bus(p, bus) ?: scn_add_arg(p->cmd, bus) ?:
	       scn_want_end(p);
}

static int parse_boot(struct scn_parser *p)
{
	if (!scn_accept(p, "option"))
		return scn_expected(p, "'option'");
	return scn_parse_cmdline(p);
}

static int parse_cat(struct scn_parser *p)
{
	return parse_paths(p, 1, 16);
}

static int parse_readlink(struct scn_parser *p)
{
	if (scn_accept(p, "-f") || scn_accept(p, "-e") || scn_accept(p, "-m"))
		p->cmd->flags = 1;
	return parse_paths(p, 1, 1);
}

static int parse_dmesg(struct scn_parser *p)
{
	if (scn_accept(p, "-c"))
		p->cmd->flags = 1;
	else if (scn_accept(p, "-C"))
		p->cmd->flags = 2;
	return scn_want_end(p);
}

static int parse_check(struct scn_parser *p)
{
	if (!scn_accept(p, "invariants"))
		return scn_expected(p, "'invariants'");
	return scn_want_end(p);
}

static int parse_probe(struct scn_parser *p)
{
	if (scn_accept(p, "wait"))
		p->cmd->kind = SCN_PROBE_WAIT;
	else if (scn_accept(p, "trigger"))
		p->cmd->kind = SCN_PROBE_TRIGGER;
	else
		return scn_expected(p, "'wait' or 'trigger'");
	return scn_want_end(p);
}

/*
 * The commands of the language (add new ones here): the first word, the kind
 * it gives the command, and the parser of the rest (which may refine the
 * kind, e.g. "modprobe -r", "echo ... > P").
 */
static const struct scn_command {
	const char *word;
	enum sio_scn_kind kind;
	int (*parse)(struct scn_parser *p);
} scn_commands[] = {
	{ "bus", SCN_BUS, parse_bus },
	{ "iommu", SCN_IOMMU, scn_parse_iommu },
	{ "device", SCN_DEVICE, scn_parse_device },
	{ "driver", SCN_DRIVER, scn_parse_driver },
	{ "cmdline", SCN_CMDLINE, scn_parse_cmdline },
	{ "boot", SCN_CMDLINE, parse_boot },
	{ "echo", SCN_PRINT, parse_echo },
	{ "cat", SCN_CAT, parse_cat },
	{ "ls", SCN_LS, parse_ls },
	{ "readlink", SCN_READLINK, parse_readlink },
	{ "modprobe", SCN_MODPROBE, parse_modprobe },
	{ "rmmod", SCN_RMMOD, parse_modprobe },
	{ "dmesg", SCN_DMESG, parse_dmesg },
	{ "vfio", SCN_VFIO, parse_vfio },
	{ "domain", SCN_DOMAIN, parse_domain },
	{ "check", SCN_CHECK_INVARIANTS, parse_check },
	{ "probe", SCN_PROBE_WAIT, parse_probe },
	{ "expect", SCN_EXPECT, parse_expect },
	{ "help", SCN_HELP, scn_want_end },
	{ "memory", SCN_MEMORY, scn_parse_memory },
	{ "dma", SCN_DMA, scn_parse_dma },
	{ "nic", SCN_NIC, scn_parse_nic },
	{ "pgtable", SCN_PGTABLE, scn_parse_pgtable },
};

static int parse_command(struct scn_parser *p)
{
	const char *w;
	size_t k;

	while (scn_accept(p, "sudo"))
		;
	w = scn_peek(p);
	if (!w || p->ln->tok[p->i].op || p->ln->tok[p->i].quoted)
		return scn_expected(p, "a command");
	for (k = 0; k < ARRAY_SIZE(scn_commands); k++) {
		if (!strcmp(w, scn_commands[k].word)) {
			p->cmd->kind = scn_commands[k].kind;
			p->i++;
			return scn_commands[k].parse(p);
		}
	}
	return scn_expected(p, "a command");
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
		struct scn_parser p = { .ln = &ln, .err = err };

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