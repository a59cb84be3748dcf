// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario parser, data movement: address operands ($NAME+OFF), byte
 * operands ("text" / 0xHEX), and the "memory", "dma", "nic" and "pgtable"
 * commands.
 */
#include "machine/scn-parse-priv.h"
#include <softiommu/dma.h>

/* Report @what at the token just taken (a value that parsed but is refused). */
static int expected_prev(struct scn_parser *p, const char *what)
{
	p->i--;
	return scn_expected(p, what);
}

static bool valid_var_name(const char *s)
{
	return scn_valid_name(s) && !strchr(s, '+');
}

/**
 * scn_take_addr() - take an address operand into p->cmd->num[@idx]
 * @p: the parser
 * @what: what the operand is, for the error message
 * @idx: which num[] (and var[]) slot to fill
 *
 * A number, or "$NAME" / "$NAME+OFF": a name bound by "dma map ... as NAME"
 * or "memory alloc as NAME", resolved at run time; then var[@idx] holds NAME
 * and num[@idx] the offset.
 *
 * Context: any; touches only @p and its command.
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_take_addr(struct scn_parser *p, const char *what, int idx)
{
	const char *s = scn_peek(p);
	char name[SIO_DECL_NAME_LEN];
	const char *plus;
	size_t n;

	if (!s || scn_peek_op(p) || s[0] != '$')
		return scn_take_u64(p, what, &p->cmd->num[idx]);
	plus = strchr(s + 1, '+');
	n = plus ? (size_t)(plus - s - 1) : strlen(s + 1);
	if (!n || n >= sizeof(name))
		return scn_expected(p, "$NAME or $NAME+OFFSET");
	memcpy(name, s + 1, n);
	name[n] = '\0';
	if (!valid_var_name(name))
		return scn_expected(p, "$NAME or $NAME+OFFSET");
	p->cmd->num[idx] = 0;
	if (plus && sio_scn_parse_u64(plus + 1, &p->cmd->num[idx]))
		return scn_expected(p, "$NAME+OFFSET with a numeric offset");
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

/* Append @n bytes to cmd->data.  Return: 0, -E2BIG, -ENOMEM. */
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

/* append_data(), with -E2BIG reported as a parse error. */
static int take_data(struct scn_parser *p, const u8 *b, size_t n)
{
	int ret = append_data(p->cmd, b, n);

	return ret == -E2BIG ? scn_expected(p, "at most 1M bytes") : ret;
}

/**
 * scn_take_bytes() - take a byte operand into p->cmd->data / ->len
 * @p: the parser
 *
 * One quoted string, or one or more 0xHEX words (each an even number of
 * digits, bytes in the order written: 0xdead = de ad).  Stops at a word that
 * is neither (an option such as pasid=).  At most SCN_MAX_DATA bytes.
 *
 * Context: any; touches only @p and its command.
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_take_bytes(struct scn_parser *p)
{
	const char *s = scn_peek(p);
	int ret;

	if (s && !scn_peek_op(p) && p->ln->tok[p->i].quoted) {
		if (!*s)
			return scn_expected(p, "a non-empty string");
		ret = take_data(p, (const u8 *)s, strlen(s));
		if (!ret)
			p->i++;
		return ret;
	}
	if (!s || scn_peek_op(p) || strncmp(s, "0x", 2))
		return scn_expected(p, "a quoted string or 0xHEX bytes");
	while ((s = scn_peek(p)) && !p->ln->tok[p->i].quoted &&
	       !scn_peek_op(p) && !strncmp(s, "0x", 2)) {
		size_t n = strlen(s + 2), k;
		u8 b;

		if (!n || (n & 1))
			return scn_expected(p, "0xHEX with an even number of digits");
		for (k = 0; k < n; k += 2) {
			int hi = hexval(s[2 + k]), lo = hexval(s[3 + k]);

			if (hi < 0 || lo < 0)
				return scn_expected(p, "0xHEX bytes (digits 0-9, a-f)");
			b = (u8)(hi << 4 | lo);
			ret = take_data(p, &b, 1);
			if (ret)
				return ret;
		}
		p->i++;
	}
	return 0;
}

/* Optional "pasid=N" (N < 2^20) into num[1]. */
static int take_pasid_opt(struct scn_parser *p)
{
	const char *s = scn_peek(p);
	u64 n;

	if (!s || strncmp(s, "pasid=", 6))
		return 0;
	if (sio_scn_parse_u64(s + 6, &n) || n >= (1u << 20))
		return scn_expected(p, "pasid=N (0..1048575)");
	p->cmd->num[1] = n;
	p->cmd->flags |= SCN_F_PASID;
	p->i++;
	return 0;
}

/* "as NAME" binding a scenario variable. */
static int take_as_var(struct scn_parser *p)
{
	const char *s;

	if (!scn_accept(p, "as"))
		return scn_expected(p, "'as NAME'");
	s = scn_peek(p);
	if (!s || scn_peek_op(p) || !valid_var_name(s))
		return scn_expected(p, "a name (letters, digits, ._:-@)");
	p->i++;
	return scn_add_arg(p->cmd, s);
}

/*
 * Refuse a constant range of @len bytes at num[@idx] that wraps past the top
 * of the address space (reported at the token just taken).
 */
static int check_range(struct scn_parser *p, int idx, u64 len)
{
	if (!p->cmd->var[idx] && len && p->cmd->num[idx] + len - 1 <
					  p->cmd->num[idx])
		return expected_prev(p, "a length that does not wrap the address space");
	return 0;
}

/**
 * scn_parse_memory() - the rest of "memory SIZE [base=ADDR]",
 * "memory alloc as NAME SIZE" or "memory free NAME"
 * @p: the parser, after "memory"
 *
 * Context: any; touches only @p and its command.
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_parse_memory(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s;
	int ret;

	if (scn_accept(p, "alloc")) {
		cmd->sub = SCN_MEM_ALLOC;
		ret = take_as_var(p) ?: scn_take_u64(p, "a size", &cmd->num[2]);
		if (!ret && (!cmd->num[2] || cmd->num[2] > (1ULL << 30)))
			return expected_prev(p, "a size of 1..1G bytes");
		return ret ?: scn_want_end(p);
	}
	if (scn_accept(p, "free")) {
		cmd->sub = SCN_MEM_FREE;
		return scn_take_name_arg(p, "a name from 'memory alloc'") ?:
		       scn_want_end(p);
	}
	cmd->sub = SCN_MEM_DECL;
	ret = scn_take_u64(p, "a memory size (e.g. 256M) or alloc/free",
			   &cmd->num[0]);
	if (ret)
		return ret;
	if (!cmd->num[0] || (cmd->num[0] & 4095) || cmd->num[0] > (1ULL << 40))
		return expected_prev(p, "a size that is a multiple of 4K, up to 1T");
	s = scn_peek(p);
	if (s && !strncmp(s, "base=", 5)) {
		if (sio_scn_parse_u64(s + 5, &cmd->num[1]) || !cmd->num[1] ||
		    (cmd->num[1] & 4095) ||
		    cmd->num[1] + cmd->num[0] < cmd->num[1])
			return scn_expected(p, "base=ADDR (4K aligned, not 0)");
		p->i++;
	}
	return scn_want_end(p);
}

/* dma map DEV as NAME SIZE [to-device|from-device|bidirectional] */
static int parse_dma_map(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s;
	int ret;

	ret = scn_take_name_arg(p, "a device name") ?: take_as_var(p) ?:
	      scn_take_u64(p, "a size", &cmd->num[2]);
	if (ret)
		return ret;
	if (!cmd->num[2] || cmd->num[2] > (1ULL << 30))
		return expected_prev(p, "a size of 1..1G bytes");
	cmd->flags = SIO_DMA_BIDIRECTIONAL;
	s = scn_peek(p);
	if (s) {
		if (!strcmp(s, "to-device"))
			cmd->flags = SIO_DMA_TO_DEVICE;
		else if (!strcmp(s, "from-device"))
			cmd->flags = SIO_DMA_FROM_DEVICE;
		else if (strcmp(s, "bidirectional"))
			return scn_expected(p, "to-device, from-device or bidirectional");
		p->i++;
	}
	return scn_want_end(p);
}

/**
 * scn_parse_dma() - the rest of "dma read|write|map|unmap|flush ..."
 * @p: the parser, after "dma"
 *
 * Context: any; touches only @p and its command.
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_parse_dma(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	if (scn_accept(p, "read")) {
		cmd->sub = SCN_DMA_READ;
		ret = scn_take_name_arg(p, "a device name") ?:
		      scn_take_addr(p, "a DMA address", 0) ?:
		      scn_take_u64(p, "a length", &cmd->num[2]);
		if (ret)
			return ret;
		if (!cmd->num[2] || cmd->num[2] > SCN_MAX_DATA)
			return expected_prev(p, "a length of 1..1M bytes");
		ret = check_range(p, 0, cmd->num[2]) ?: take_pasid_opt(p);
		return ret ?: scn_want_end(p);
	}
	if (scn_accept(p, "write")) {
		cmd->sub = SCN_DMA_WRITE;
		ret = scn_take_name_arg(p, "a device name") ?:
		      scn_take_addr(p, "a DMA address", 0) ?: scn_take_bytes(p);
		if (ret)
			return ret;
		if (!cmd->var[0] && cmd->num[0] + cmd->len - 1 < cmd->num[0])
			return expected_prev(p, "data that does not wrap the address space");
		return take_pasid_opt(p) ?: scn_want_end(p);
	}
	if (scn_accept(p, "map")) {
		cmd->sub = SCN_DMA_MAP;
		return parse_dma_map(p);
	}
	if (scn_accept(p, "unmap")) {
		cmd->sub = SCN_DMA_UNMAP;
		return scn_take_name_arg(p, "a name from 'dma map'") ?:
		       scn_want_end(p);
	}
	if (scn_accept(p, "flush")) {
		cmd->sub = SCN_DMA_FLUSH;
		return scn_take_name_arg(p, "a device name") ?: scn_want_end(p);
	}
	return scn_expected(p, "a dma operation (read, write, map, unmap, flush)");
}

/**
 * scn_parse_nic() - the rest of "nic rx|tx DEV BYTES"
 * @p: the parser, after "nic"
 *
 * Context: any; touches only @p and its command.
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_parse_nic(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;

	if (scn_accept(p, "rx"))
		cmd->sub = SCN_NIC_RX;
	else if (scn_accept(p, "tx"))
		cmd->sub = SCN_NIC_TX;
	else
		return scn_expected(p, "'rx' or 'tx'");
	return scn_take_name_arg(p, "a device name") ?: scn_take_bytes(p) ?:
	       scn_want_end(p);
}

/**
 * scn_parse_pgtable() - the rest of "pgtable dump DEV [pasid=N] [IOVA SIZE]"
 * @p: the parser, after "pgtable"
 *
 * Context: any; touches only @p and its command.
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_parse_pgtable(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	if (!scn_accept(p, "dump"))
		return scn_expected(p, "'dump'");
	ret = scn_take_name_arg(p, "a device name") ?: take_pasid_opt(p);
	if (ret || scn_at_end(p))
		return ret;
	ret = scn_take_addr(p, "an IOVA", 0) ?:
	      scn_take_u64(p, "a size", &cmd->num[2]);
	if (ret)
		return ret;
	if (!cmd->num[2])
		return expected_prev(p, "a non-zero size");
	cmd->flags |= SCN_F_RANGE;
	return check_range(p, 0, cmd->num[2]) ?: scn_want_end(p);
}
