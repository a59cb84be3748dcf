/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scenario internals shared by the lexer, the parser and the interpreter.
 */
#ifndef SIO_MACHINE_SCN_PRIV_H
#define SIO_MACHINE_SCN_PRIV_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "machine/scn.h"

#define SCN_MAX_TOKENS	64

/* A word of a logical line. */
struct scn_tok {
	size_t off;		/* into scn_line.tbuf (NUL-terminated) */
	unsigned int line;
	unsigned int col;
	bool quoted;		/* had quotes: never an operator or keyword */
	bool op;		/* '>', '>>', '|', ';' */
};

/* One logical line: its words and its text for the transcript. */
struct scn_line {
	unsigned int line;
	struct scn_tok tok[SCN_MAX_TOKENS];
	int ntok;
	char *tbuf;		/* token text, each NUL-terminated */
	size_t tlen, tcap;
	char *text;		/* the line as written, blanks squeezed */
	size_t xlen, xcap;
};

struct scn_lexer {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int line;
	unsigned int col;
	struct sio_scn_error *err;
};

int scn_lex_line(struct scn_lexer *lx, struct scn_line *ln);
void scn_line_release(struct scn_line *ln);

static inline const char *scn_tok_str(const struct scn_line *ln, int i)
{
	return ln->tbuf + ln->tok[i].off;
}

#endif /* SIO_MACHINE_SCN_PRIV_H */
