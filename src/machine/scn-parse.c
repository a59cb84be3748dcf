// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario parser: turns logical lines into commands, checking everything
 * that can be checked without a machine (keywords, options, numbers, errno
 * names, driver kinds, paths).  No global state: callable from a fuzzer.
 * This file: the operand helpers the rows' parsers use, and the dispatch of
 * a line to its row (scn-area.h); the rows' parsers live in scn-area-*.c.
 */
#include "machine/scn-parse-priv.h"

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

/**
 * scn_take_path() - take an absolute path into the command's next argv
 * @p: the parser
 *
 * Context: may sleep (allocates).
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_take_path(struct scn_parser *p)
{
	const char *s = scn_peek(p);

	if (!s || scn_peek_op(p) || s[0] != '/')
		return scn_expected(p, "an absolute path");
	if (strlen(s) >= 4096)
		return scn_expected(p, "a path shorter than 4096 bytes");
	p->i++;
	return scn_add_arg(p->cmd, s);
}

/**
 * scn_take_string() - take any word (quoted or not, not an operator) into
 * the command's next argv
 * @p: the parser
 * @what: what the word is, for the error message
 *
 * Context: may sleep (allocates).
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_take_string(struct scn_parser *p, const char *what)
{
	const char *s = scn_peek(p);

	if (!s || scn_peek_op(p))
		return scn_expected(p, what);
	p->i++;
	return scn_add_arg(p->cmd, s);
}

/**
 * sio_scn_parse_u64() - parse a scenario number
 * @s: the text: decimal, or hexadecimal with "0x" (a leading 0 alone reads
 *     as octal, as strtoull() does), optionally followed by one of K/k, M,
 *     G, T (times 2^10, 2^20, 2^30, 2^40); nothing may follow
 * @out: the value; left alone on failure
 *
 * "4K", "0x1000", "2M", "1G".  No sign and no leading blank is accepted.
 *
 * Context: any; touches only @out (and the calling thread's errno).
 * Return: 0, or -EINVAL if @s is NULL, empty, malformed, or the value does
 * not fit in 64 bits.
 */
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

/**
 * scn_take_word() - take one of the bare words @words[@n] into the
 * command's next argv
 * @p: the parser
 * @words: the words allowed here
 * @n: how many
 * @what: what is expected, for the error message
 *
 * Context: may sleep (allocates).
 * Return: the word's index, or -EINVAL with the error reported, -ENOMEM.
 */
int scn_take_word(struct scn_parser *p, const char *const *words, int n,
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

/**
 * scn_take_eq() - take "==" (or "=")
 * @p: the parser
 *
 * Context: any; writes only @p.
 * Return: 0, or -EINVAL with the error reported.
 */
int scn_take_eq(struct scn_parser *p)
{
	return scn_accept(p, "==") || scn_accept(p, "=") ? 0 : scn_expected(p, "'=='");
}

/**
 * scn_take_bus() - take a bus name ("pci" or "platform")
 * @p: the parser
 * @dst: where to copy it (at least 9 bytes)
 *
 * Context: any; touches only @p and @dst.
 * Return: 0, or -EINVAL with the error reported.
 */
int scn_take_bus(struct scn_parser *p, char *dst)
{
	const char *s = scn_peek(p);

	if (!s || (strcmp(s, "pci") && strcmp(s, "platform")))
		return scn_expected(p, "a bus (pci or platform)");
	strcpy(dst, s);
	p->i++;
	return 0;
}

/**
 * scn_expected_prev() - report @what at the token just taken (a value that
 * parsed but is refused)
 * @p: the parser
 * @what: what the grammar wanted there
 *
 * Context: any; writes only @p.
 * Return: -EINVAL, for the caller to pass up.
 */
int scn_expected_prev(struct scn_parser *p, const char *what)
{
	p->i--;
	return scn_expected(p, what);
}

static bool valid_var_name(const char *s)
{
	return scn_valid_name(s) && !strchr(s, '+');
}

/**
 * scn_take_as_var() - take "as NAME", NAME a scenario variable to bind,
 * into the command's next argv
 * @p: the parser
 *
 * Context: may sleep (allocates).
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_take_as_var(struct scn_parser *p)
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

/**
 * scn_take_addr() - take an address operand into p->cmd->num[@idx]
 * @p: the parser
 * @what: what the operand is, for the error message
 * @idx: which num[] (and var[]) slot to fill
 *
 * A number, or "$NAME" / "$NAME+OFF": a name bound by "dma map ... as NAME"
 * or "memory alloc as NAME", resolved at run time (scn_resolve()); then
 * var[@idx] holds NAME and num[@idx] the offset.
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

/**
 * scn_check_range() - refuse a constant range of @len bytes at num[@idx]
 * that wraps past the top of the address space
 * @p: the parser, just after the range's last operand (reported there)
 * @idx: the address operand
 * @len: the range's length
 *
 * Context: any; writes only @p.
 * Return: 0, or -EINVAL with the error reported.
 */
int scn_check_range(struct scn_parser *p, int idx, u64 len)
{
	if (!p->cmd->var[idx] && len && p->cmd->num[idx] + len - 1 <
					  p->cmd->num[idx])
		return scn_expected_prev(p, "a length that does not wrap the address space");
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

/* One 0xHEX word into the command's data. */
static int take_hex_word(struct scn_parser *p, const char *s)
{
	size_t n = strlen(s + 2), k;
	int ret;
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
	return 0;
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
		ret = take_hex_word(p, s);
		if (ret)
			return ret;
		p->i++;
	}
	return 0;
}

/**
 * scn_take_pasid_opt() - an optional "pasid=N" (N < 2^20) into num[1],
 * setting SCN_F_PASID
 * @p: the parser
 *
 * Context: any; touches only @p and its command.
 * Return: 0 (also when there is none), or -EINVAL with the error reported.
 */
int scn_take_pasid_opt(struct scn_parser *p)
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

/* ---- dispatch through the rows ---- */

/* The row of a command word @w (taken): its sub-command's, else its default. */
static const struct scn_cmd_row *take_row(struct scn_parser *p, const char *w)
{
	const struct scn_cmd_row *row = NULL;

	if (!scn_at_end(p) && !p->ln->tok[p->i].quoted)
		row = scn_cmd_lookup(w, scn_peek(p));
	if (row) {
		p->i++;
		return row;
	}
	return scn_cmd_lookup(w, NULL);
}

/* A whole line: [sudo...] WORD [SUB] operands, through the word's row. */
static int parse_command(struct scn_parser *p)
{
	const struct scn_cmd_row *row;
	char what[300];
	const char *w;
	int ret;

	while (scn_accept(p, "sudo"))
		;
	w = scn_peek(p);
	if (!w || p->ln->tok[p->i].op || p->ln->tok[p->i].quoted ||
	    !scn_word_known(w))
		return scn_expected(p, "a command");
	p->i++;
	row = take_row(p, w);
	if (!row) {
		scn_subs_expected(w, what, sizeof(what));
		return scn_expected(p, what);
	}
	p->cmd->row = row;
	if (row->payload_size) {
		p->cmd->payload = kzalloc(row->payload_size, GFP_KERNEL);
		if (!p->cmd->payload)
			return -ENOMEM;
	}
	ret = row->parse ? row->parse(p) : 0;
	return ret ?: scn_want_end(p);
}

/**
 * scn_parse_expect() - the rest of "expect FORM ...": the form's row
 * @p: the parser, after "expect"; sets p->cmd->expect
 *
 * Context: may sleep (allocates).
 * Return: 0, -EINVAL with the error reported, or -ENOMEM.
 */
int scn_parse_expect(struct scn_parser *p)
{
	const struct scn_expect_row *e;
	char what[300];

	if (scn_at_end(p))
		return scn_expected(p, "what to expect");
	e = scn_expect_lookup(scn_peek(p), p->ln->tok[p->i].quoted);
	if (!e) {
		scn_expects_expected(what, sizeof(what));
		return scn_expected(p, what);
	}
	p->cmd->expect = e;
	p->i++;
	return e->parse ? e->parse(p) : 0;
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
	kfree(cmd->payload);
	kfree(cmd->text);
	kfree(cmd);
}

/**
 * sio_scn_script_free() - free a script and all its commands
 * @s: a script from sio_scn_parse(), or NULL (nothing to do)
 *
 * A script is not referenced by the interpreter after sio_scn_ctx_run()
 * returns, so it may be freed as soon as it has run.
 *
 * Context: any thread; not while sio_scn_ctx_run() is running @s.
 */
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

/**
 * sio_scn_parse() - parse a scenario buffer into a script
 * @name: file name for messages (copied; NULL: "<scenario>")
 * @buf: the text; need not be NUL-terminated; any bytes (NULL: empty)
 * @len: its length
 * @first_line: line number of @buf's first line (1 for a file; the shell
 *              passes its running count; 0 counts as 1)
 * @out: the script on success (free with sio_scn_script_free()); NULL on
 *       failure
 * @err: where and why, on failure
 *
 * Lexes @buf into logical lines and hands each to the row its first words
 * name (scn-area.h), checking everything that needs no machine.  Pure: no
 * global state and no machine, so it is safe from several threads at once
 * and from a fuzzer.  Parsing stops at the first malformed line: no script
 * is returned then.
 *
 * Context: any thread, no lock needed or taken; may sleep (allocates).
 * Return: 0; -EINVAL, the text is malformed (@err says where and why);
 * -ENOMEM (@err says "out of memory" at the line reached).
 */
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

/**
 * sio_scn_format_error() - format a parse error for the user
 * @name: the scenario's file name
 * @err: the error sio_scn_parse() filled
 * @buf: receives "NAME:LINE:COL: error: MSG", truncated to fit
 * @len: size of @buf
 *
 * Context: any; touches only @buf.
 */
void sio_scn_format_error(const char *name, const struct sio_scn_error *err,
			  char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u:%u: error: %s", name, err->line, err->col,
		 err->msg);
}