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

/**
 * scn_line_release() - free a line's buffers and zero it
 * @ln: the line scn_lex_line() filled (or a zeroed one)
 *
 * @ln may be filled again by scn_lex_line() afterwards.
 *
 * Context: any; touches only @ln, which its one owner (a sio_scn_parse()
 * call) keeps on its stack.
 */
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

/* The word scn_lex_line() is reading. */
struct lx_word {
	bool in;		/* inside a word */
	bool quoted;		/* it had quotes: never an operator or keyword */
	size_t start;		/* its text in ln->tbuf */
	unsigned int line, col;
};

/* The word being read (if any) ends here. */
static int lx_end_word(struct scn_lexer *lx, struct scn_line *ln,
		       struct lx_word *w)
{
	if (!w->in)
		return 0;
	w->in = false;
	return lx_push_token(lx, ln, w->start, w->line, w->col, w->quoted,
			     false);
}

/* Blanks between words: one ' ' in the transcript text. */
static int lx_text_blank(struct scn_line *ln, bool have_text)
{
	if (have_text && ln->text[ln->xlen - 1] != ' ')
		return text_putc(ln, ' ');
	return 0;
}

/* A backslash-newline: the logical line goes on, the word ends. */
static int lx_continuation(struct scn_lexer *lx, struct scn_line *ln,
			   struct lx_word *w, bool have_text)
{
	while (lx->buf[lx->pos] != '\n')
		lx_get(lx);
	lx_get(lx);
	return lx_end_word(lx, ln, w) ?: lx_text_blank(ln, have_text);
}

/* Is this the end of the logical line: the buffer's, a newline, a comment? */
static bool lx_at_line_end(const struct scn_lexer *lx, const struct lx_word *w)
{
	return lx->pos >= lx->len || lx->buf[lx->pos] == '\n' ||
	       (lx->buf[lx->pos] == '#' && !w->in);
}

/* End the line: the last word, then skip a comment and the newline. */
static int lx_line_end(struct scn_lexer *lx, struct scn_line *ln,
		       struct lx_word *w)
{
	int ret = lx_end_word(lx, ln, w);

	if (ret)
		return ret;
	while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
		lx_get(lx);
	if (lx->pos < lx->len)
		lx_get(lx);
	return 0;
}

/* An operator token: '>', '>>', '|' or ';'. */
static int lx_operator(struct scn_lexer *lx, struct scn_line *ln)
{
	unsigned int oline = lx->line, ocol = lx->col;
	size_t start = ln->tlen;
	char c = lx_get(lx);
	int ret = text_putc(ln, c) ?: tbuf_putc(ln, c);

	if (!ret && c == '>' && lx->pos < lx->len && lx->buf[lx->pos] == '>') {
		lx_get(lx);
		ret = text_putc(ln, '>') ?: tbuf_putc(ln, '>');
	}
	return ret ?: lx_push_token(lx, ln, start, oline, ocol, false, true);
}

/* The next byte of a word (starting one): a quoted part, an escape, a char. */
static int lx_word_byte(struct scn_lexer *lx, struct scn_line *ln,
			struct lx_word *w)
{
	char c = lx->buf[lx->pos];
	int ret;

	if (!w->in) {
		w->in = true;
		w->quoted = false;
		w->start = ln->tlen;
		w->line = lx->line;
		w->col = lx->col;
	}
	if (c == '"' || c == '\'') {
		w->quoted = true;
		return lx_quoted(lx, ln);
	}
	lx_get(lx);
	ret = text_putc(ln, c);
	if (ret)
		return ret;
	if (c == '\\' && lx->pos < lx->len && lx->buf[lx->pos] != '\n') {
		/* an escaped byte stands for itself */
		ret = lx_check_byte(lx, lx->buf[lx->pos]);
		if (ret)
			return ret;
		c = lx_get(lx);
		ret = text_putc(ln, c);
		if (ret)
			return ret;
	}
	return tbuf_putc(ln, c);
}

/* One step inside a line: a blank, an operator, a word's end or byte. */
static int lx_step(struct scn_lexer *lx, struct scn_line *ln,
		   struct lx_word *w, bool *have_text)
{
	char c = lx->buf[lx->pos];
	int ret = lx_check_byte(lx, c);

	if (ret)
		return ret;
	if (is_blank(c)) {
		lx_get(lx);
		return lx_end_word(lx, ln, w) ?: lx_text_blank(ln, *have_text);
	}
	*have_text = true;
	if (!w->in && (c == '>' || c == '|' || c == ';'))
		return lx_operator(lx, ln);
	if (w->in && is_word_end(c))
		return lx_end_word(lx, ln, w);	/* the operator comes next */
	return lx_word_byte(lx, ln, w);
}

/* The transcript text: no trailing blank, and never NULL. */
static int lx_finish_text(struct scn_line *ln)
{
	int ret;

	while (ln->xlen && ln->text[ln->xlen - 1] == ' ')
		ln->text[--ln->xlen] = '\0';
	if (!ln->text) {
		ret = text_putc(ln, ' ');
		if (ret)
			return ret;
		ln->text[--ln->xlen] = '\0';
	}
	return 0;
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
	struct lx_word w = { 0 };
	bool have_text = false;
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
		if (lx_at_continuation(lx))
			ret = lx_continuation(lx, ln, &w, have_text);
		else if (lx_at_line_end(lx, &w))
			break;
		else
			ret = lx_step(lx, ln, &w, &have_text);
		if (ret)
			return ret;
	}
	ret = lx_line_end(lx, ln, &w) ?: lx_finish_text(ln);
	return ret ?: 1;
}
