/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scenario parser internals shared by the parser (scn-parse.c) and the
 * parsers of the areas' rows (scn-area-*.c): the cursor over one logical
 * line and the operand helpers every row's parser uses.
 */
#ifndef SIO_MACHINE_SCN_PARSE_PRIV_H
#define SIO_MACHINE_SCN_PARSE_PRIV_H

#include "machine/scn-priv.h"
#include "machine/scn-area.h"

/* Largest transfer of one "dma read/write", "nic rx/tx" or "expect data". */
#define SCN_MAX_DATA	(1u << 20)

/*
 * The parser's cursor over one logical line.  Owned by one sio_scn_parse()
 * call on its stack: no locking.
 */
struct scn_parser {
	const struct scn_line *ln;
	int i;				/* next token */
	struct sio_scn_error *err;
	struct sio_scn_cmd *cmd;	/* the command being filled */
};

static inline bool scn_at_end(const struct scn_parser *p)
{
	return p->i >= p->ln->ntok;
}

/* The next token's text, or NULL at the end of the line. */
static inline const char *scn_peek(const struct scn_parser *p)
{
	return scn_at_end(p) ? NULL : scn_tok_str(p->ln, p->i);
}

/* Is the next token the bare word (or operator) @w? */
static inline bool scn_peek_is(const struct scn_parser *p, const char *w)
{
	return !scn_at_end(p) && !p->ln->tok[p->i].quoted &&
	       !strcmp(scn_tok_str(p->ln, p->i), w);
}

/* Consume the next token if it is the bare word @w. */
static inline bool scn_accept(struct scn_parser *p, const char *w)
{
	if (!scn_peek_is(p, w))
		return false;
	p->i++;
	return true;
}

/* Is the next token an operator ('>', '>>', '|', ';')?  False at the end. */
static inline bool scn_peek_op(const struct scn_parser *p)
{
	return !scn_at_end(p) && p->ln->tok[p->i].op;
}

/* scn-parse.c: operand helpers for the rows' parsers */
int scn_expected(struct scn_parser *p, const char *what);
int scn_expected_prev(struct scn_parser *p, const char *what);
int scn_want_end(struct scn_parser *p);
int scn_add_arg(struct sio_scn_cmd *cmd, const char *s);
bool scn_valid_name(const char *s);
int scn_take_name(struct scn_parser *p, const char *what, char *dst);
int scn_take_name_arg(struct scn_parser *p, const char *what);
int scn_take_path(struct scn_parser *p);
int scn_take_string(struct scn_parser *p, const char *what);
int scn_take_word(struct scn_parser *p, const char *const *words, int n,
		  const char *what);
int scn_take_eq(struct scn_parser *p);
int scn_take_u64(struct scn_parser *p, const char *what, u64 *out);
int scn_take_bus(struct scn_parser *p, char *dst);
int scn_take_as_var(struct scn_parser *p);
int scn_take_addr(struct scn_parser *p, const char *what, int idx);
int scn_check_range(struct scn_parser *p, int idx, u64 len);
int scn_take_bytes(struct scn_parser *p);
int scn_take_pasid_opt(struct scn_parser *p);

#endif /* SIO_MACHINE_SCN_PARSE_PRIV_H */
