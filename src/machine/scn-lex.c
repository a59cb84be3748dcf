// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario lexer: splits a buffer into logical lines (comments, quotes,
 * backslash continuations) and words with their line:column.  No global
 * state; any byte sequence is handled without crashing.
 */
#include "machine/scn-priv.h"

static void lex_error(struct scn_lexer *lx, unsigned int line,
		      unsigned int col, const char *fmt, ...) __printf(4, 5);

static void lex_error(struct scn_lexer *lx, unsigned int line,
		      unsigned int col, const char *fmt, ...)
{
	va_list ap;

	lx->err->line = line;
	lx->err->col = col;
	va_start(ap, fmt);
	vsnprintf(lx->err->msg, sizeof(lx->err->msg), fmt, ap);
	va_end(ap);
}

/* Make room for @need bytes in *@buf (capacity *@cap), doubling it. */
static int buf_reserve(char **buf, size_t *cap, size_t need)
{
	size_t ncap;
	char *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 128;
	n = krealloc(*buf, ncap, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	*buf = n;
	*cap = ncap;
	return 0;
}

static int tbuf_putc(struct scn_line *ln, char c)
{
	if (buf_reserve(&ln->tbuf, &ln->tcap, ln->tlen + 2))
		return -ENOMEM;
	ln->tbuf[ln->tlen++] = c;
	return 0;
}

static int text_putc(struct scn_line *ln, char c)
{
	if (buf_reserve(&ln->text, &ln->xcap, ln->xlen + 2))
		return -ENOMEM;
	ln->text[ln->xlen++] = c;
	ln->text[ln->xlen] = '\0';
	return 0;
}

void scn_line_release(struct scn_line *ln)
{
	kfree(ln->tbuf);
	kfree(ln->text);
	memset(ln, 0, sizeof(*ln));
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_word_end(char c)
{
	return is_blank(c) || c == '\n' || c == '>' || c == '|' || c == ';';
}

/* Advance one byte, keeping line:col. */
static char lx_get(struct scn_lexer *lx)
{
	char c = lx->buf[lx->pos++];

	if (c == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	return c;
}

static bool lx_at_continuation(struct scn_lexer *lx)
{
	if (lx->pos + 1 < lx->len && lx->buf[lx->pos] == '\\' &&
	    lx->buf[lx->pos + 1] == '\n')
		return true;
	return lx->pos + 2 < lx->len && lx->buf[lx->pos] == '\\' &&
	       lx->buf[lx->pos + 1] == '\r' && lx->buf[lx->pos + 2] == '\n';
}

static int lx_check_byte(struct scn_lexer *lx, char c)
{
	unsigned char u = (unsigned char)c;

	if (u == 0) {
		lex_error(lx, lx->line, lx->col, "expected text, got a NUL byte");
		return -EINVAL;
	}
	if (u < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
	    c != '\v') {
		lex_error(lx, lx->line, lx->col,
			  "expected printable text, got byte 0x%02x", u);
		return -EINVAL;
	}
	return 0;
}

/* Record the token that starts at tbuf offset @start. */
static int lx_push_token(struct scn_lexer *lx, struct scn_line *ln,
			 size_t start, unsigned int line, unsigned int col,
			 bool quoted, bool op)
{
	struct scn_tok *t;
	int ret;

	if (ln->ntok >= SCN_MAX_TOKENS) {
		lex_error(lx, line, col, "expected at most %d words on a line, got more",
			  SCN_MAX_TOKENS);
		return -EINVAL;
	}
	ret = tbuf_putc(ln, '\0');
	if (ret)
		return ret;
	t = &ln->tok[ln->ntok++];
	t->off = start;
	t->line = line;
	t->col = col;
	t->quoted = quoted;
	t->op = op;
	return 0;
}

/* Read a quoted section starting at the opening quote. */
static int lx_quoted(struct scn_lexer *lx, struct scn_line *ln)
{
	unsigned int qline = lx->line, qcol = lx->col;
	char q = lx_get(lx);
	int ret = text_putc(ln, q);

	if (ret)
		return ret;

	for (;;) {
		char c;

		if (lx->pos >= lx->len || lx->buf[lx->pos] == '\n') {
			lex_error(lx, qline, qcol,
				  "expected a closing %c, got end of line", q);
			return -EINVAL;
		}
		ret = lx_check_byte(lx, lx->buf[lx->pos]);
		if (ret)
			return ret;
		c = lx_get(lx);
		ret = text_putc(ln, c);
		if (ret)
			return ret;
		if (c == q)
			return 0;
		if (q == '"' && c == '\\' && lx->pos < lx->len &&
		    (lx->buf[lx->pos] == '"' || lx->buf[lx->pos] == '\\')) {
			c = lx_get(lx);
			ret = text_putc(ln, c);
			if (ret)
				return ret;
		}
		ret = tbuf_putc(ln, c);
		if (ret)
			return ret;
	}
}

/**
 * scn_lex_line() - read the next logical line
 * @lx: lexer over the buffer
 * @ln: filled with the words (released and reset first)
 *
 * Context: may sleep (allocates).
 * Return: 1 a line was read (possibly with no words), 0 end of buffer,
 * -EINVAL (lx->err filled), -ENOMEM.
 */
int scn_lex_line(struct scn_lexer *lx, struct scn_line *ln)
{
	bool in_word = false, quoted = false, have_text = false;
	unsigned int wline = 0, wcol = 0;
	size_t wstart = 0;
	int ret;

	ln->ntok = 0;
	ln->tlen = 0;
	ln->xlen = 0;
	if (ln->text)
		ln->text[0] = '\0';
	if (lx->pos >= lx->len)
		return 0;
	ln->line = lx->line;

	for (;;) {
		char c;

		if (lx->pos < lx->len && lx_at_continuation(lx)) {
			/* backslash-newline: the line goes on */
			while (lx->buf[lx->pos] != '\n')
				lx_get(lx);
			lx_get(lx);
			if (in_word) {
				ret = lx_push_token(lx, ln, wstart, wline, wcol,
						    quoted, false);
				if (ret)
					return ret;
				in_word = false;
			}
			if (have_text && ln->text[ln->xlen - 1] != ' ' &&
			    (ret = text_putc(ln, ' ')))
				return ret;
			continue;
		}
		if (lx->pos >= lx->len || lx->buf[lx->pos] == '\n' ||
		    (lx->buf[lx->pos] == '#' && !in_word)) {
			if (in_word) {
				ret = lx_push_token(lx, ln, wstart, wline, wcol,
						    quoted, false);
				if (ret)
					return ret;
			}
			/* skip a comment to the end of the physical line */
			while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
				lx_get(lx);
			if (lx->pos < lx->len)
				lx_get(lx);
			break;
		}
		ret = lx_check_byte(lx, lx->buf[lx->pos]);
		if (ret)
			return ret;
		c = lx->buf[lx->pos];
		if (is_blank(c)) {
			lx_get(lx);
			if (in_word) {
				ret = lx_push_token(lx, ln, wstart, wline, wcol,
						    quoted, false);
				if (ret)
					return ret;
				in_word = false;
			}
			if (have_text && ln->text[ln->xlen - 1] != ' ' &&
			    (ret = text_putc(ln, ' ')))
				return ret;
			continue;
		}
		have_text = true;
		if (!in_word && (c == '>' || c == '|' || c == ';')) {
			unsigned int oline = lx->line, ocol = lx->col;
			size_t start = ln->tlen;

			lx_get(lx);
			ret = text_putc(ln, c) ?: tbuf_putc(ln, c);
			if (!ret && c == '>' && lx->pos < lx->len &&
			    lx->buf[lx->pos] == '>') {
				lx_get(lx);
				ret = text_putc(ln, '>') ?: tbuf_putc(ln, '>');
			}
			if (!ret)
				ret = lx_push_token(lx, ln, start, oline, ocol,
						    false, true);
			if (ret)
				return ret;
			continue;
		}
		if (in_word && is_word_end(c)) {
			ret = lx_push_token(lx, ln, wstart, wline, wcol, quoted,
					    false);
			if (ret)
				return ret;
			in_word = false;
			continue;
		}
		if (!in_word) {
			in_word = true;
			quoted = false;
			wstart = ln->tlen;
			wline = lx->line;
			wcol = lx->col;
		}
		if (c == '"' || c == '\'') {
			quoted = true;
			ret = lx_quoted(lx, ln);
			if (ret)
				return ret;
			continue;
		}
		lx_get(lx);
		ret = text_putc(ln, c);
		if (ret)
			return ret;
		if (c == '\\' && lx->pos < lx->len && lx->buf[lx->pos] != '\n') {
			ret = lx_check_byte(lx, lx->buf[lx->pos]);
			if (ret)
				return ret;
			c = lx_get(lx);
			ret = text_putc(ln, c);
			if (ret)
				return ret;
		}
		ret = tbuf_putc(ln, c);
		if (ret)
			return ret;
	}
	/* drop trailing blank of the transcript text */
	while (ln->xlen && ln->text[ln->xlen - 1] == ' ')
		ln->text[--ln->xlen] = '\0';
	if (!ln->text) {
		ret = text_putc(ln, ' ');
		if (ret)
			return ret;
		ln->text[--ln->xlen] = '\0';
	}
	return 1;
}
