// SPDX-License-Identifier: BSD-3-Clause
/*
 * The table of the scenario language's areas, the lookups the parser makes
 * in their rows, and what is generated from the rows: `help` and the
 * reference tables of docs/scenario-language.md.
 */
#include "machine/scn-area.h"
#include <string.h>

/* Each area is one file, scn-area-NAME.c, defining scn_area_NAME. */
extern const struct scn_area scn_area_scenario;
extern const struct scn_area scn_area_shell;
extern const struct scn_area scn_area_domain;
extern const struct scn_area scn_area_dev;
extern const struct scn_area scn_area_dma;
extern const struct scn_area scn_area_pgtable;

/*
 * The areas of the language (add new ones here, and declare them above).
 * The order is that of `help`, of the list an unknown expect form reports,
 * and the reverse of the end-of-scenario release (an area may release
 * objects that live in an earlier area's: DMA mappings in domains).
 */
const struct scn_area *const scn_areas[] = {
	&scn_area_scenario,
	&scn_area_shell,
	&scn_area_domain,
	&scn_area_dev,
	&scn_area_dma,
	&scn_area_pgtable,
};
const size_t scn_nareas = ARRAY_SIZE(scn_areas);

/**
 * scn_word_known() - is @word the first word of a command?
 * @word: the word
 *
 * Context: any (reads constant tables).
 * Return: true if some row starts with it.
 */
bool scn_word_known(const char *word)
{
	size_t i, k;

	for (i = 0; i < scn_nareas; i++)
		for (k = 0; k < scn_areas[i]->ncmds; k++)
			if (!strcmp(scn_areas[i]->cmds[k].word, word))
				return true;
	return false;
}

/**
 * scn_cmd_lookup() - the row of "@word @sub", or of @word's default form
 * @word: the command word
 * @sub: the next word, or NULL for the default form (the row with no sub)
 *
 * Context: any (reads constant tables).
 * Return: the row, or NULL if there is none.
 */
const struct scn_cmd_row *scn_cmd_lookup(const char *word, const char *sub)
{
	size_t i, k;

	for (i = 0; i < scn_nareas; i++) {
		for (k = 0; k < scn_areas[i]->ncmds; k++) {
			const struct scn_cmd_row *r = &scn_areas[i]->cmds[k];

			if (strcmp(r->word, word))
				continue;
			if (sub ? r->sub && !strcmp(r->sub, sub) : !r->sub)
				return r;
		}
	}
	return NULL;
}

/**
 * scn_subs_expected() - what may follow @word, for "expected ..., got X"
 * @word: a command word with sub-commands and no default form
 * @buf: the text: "'wait' or 'trigger'" for one or two sub-commands, else
 *       "a dma operation (read, write, map, unmap, flush)"
 * @len: its size
 *
 * Context: any (reads constant tables).
 */
void scn_subs_expected(const char *word, char *buf, size_t len)
{
	const char *subs[32];
	size_t i, k, n = 0, o;

	for (i = 0; i < scn_nareas; i++) {
		const struct scn_area *a = scn_areas[i];

		for (k = 0; k < a->ncmds; k++)
			if (a->cmds[k].sub && !strcmp(a->cmds[k].word, word) &&
			    n < ARRAY_SIZE(subs))
				subs[n++] = a->cmds[k].sub;
	}
	if (n <= 2) {
		snprintf(buf, len, n == 2 ? "'%s' or '%s'" : "'%s'",
			 n ? subs[0] : "", n == 2 ? subs[1] : "");
		return;
	}
	o = (size_t)snprintf(buf, len, "a %s operation (", word);
	for (k = 0; k < n && o < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", k ? ", " : "",
				      subs[k]);
	if (o < len)
		snprintf(buf + o, len - o, ")");
}

static bool expect_matches(const struct scn_expect_row *e, const char *tok,
			   bool quoted)
{
	if (e->match)
		return e->match(tok);
	return !quoted && (!strcmp(tok, e->word) ||
			   (e->alias && !strcmp(tok, e->alias)));
}

/**
 * scn_expect_lookup() - the expect form the word after "expect" names
 * @tok: that word
 * @quoted: it was quoted (then only a form with a match function claims it)
 *
 * Context: any (reads constant tables).
 * Return: the row, or NULL if no form claims the word.
 */
const struct scn_expect_row *scn_expect_lookup(const char *tok, bool quoted)
{
	size_t i, k;

	for (i = 0; i < scn_nareas; i++)
		for (k = 0; k < scn_areas[i]->nexpects; k++)
			if (expect_matches(&scn_areas[i]->expects[k], tok,
					   quoted))
				return &scn_areas[i]->expects[k];
	return NULL;
}

/**
 * scn_expects_expected() - "an expectation (ok, -EXXX, fail, ...)": every
 * form, in area order, for an unknown form's error
 * @buf: the text
 * @len: its size
 *
 * Context: any (reads constant tables).
 */
void scn_expects_expected(char *buf, size_t len)
{
	size_t i, k, o, n = 0;

	o = (size_t)snprintf(buf, len, "an expectation (");
	for (i = 0; i < scn_nareas; i++)
		for (k = 0; k < scn_areas[i]->nexpects && o < len; k++)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      n++ ? ", " : "",
					      scn_areas[i]->expects[k].word);
	if (o < len)
		snprintf(buf + o, len - o, ")");
}

/* Does @word name something `help WORD` can explain? */
static bool help_word_matches(const char *word, const char *row_word,
			      const char *alias)
{
	return !strcmp(word, row_word) || (alias && !strcmp(word, alias));
}

/**
 * scn_help_known() - can "help @word" explain something?
 * @word: a command word, an expect form's word, or "expect"
 *
 * Context: any (reads constant tables).
 * Return: true if so.
 */
bool scn_help_known(const char *word)
{
	size_t i, k;

	if (scn_word_known(word))
		return true;
	for (i = 0; i < scn_nareas; i++)
		for (k = 0; k < scn_areas[i]->nexpects; k++)
			if (help_word_matches(word,
					      scn_areas[i]->expects[k].word,
					      scn_areas[i]->expects[k].alias))
				return true;
	return false;
}

/* ---- help ---- */

#define HELP_COL	34	/* where the one-line help starts */
#define HELP_WIDTH	78	/* wrap `help WORD` text here */

/* @synopsis (one form per line) with @help beside its first line. */
static void help_entry(FILE *out, const char *synopsis, const char *help)
{
	const char *s = synopsis;
	bool first = true;

	while (*s) {
		size_t n = strcspn(s, "\n");

		if (first && n + 4 <= HELP_COL)
			fprintf(out, "  %-*.*s%s\n", HELP_COL - 2, (int)n, s, help);
		else if (first)
			fprintf(out, "  %.*s\n%*s%s\n", (int)n, s, HELP_COL, "",
				help);
		else
			fprintf(out, "  %.*s\n", (int)n, s);
		first = false;
		s += n + (s[n] == '\n');
	}
}

/* @synopsis, one form per line. */
static void help_synopsis(FILE *out, const char *synopsis)
{
	const char *s = synopsis;

	while (*s) {
		size_t n = strcspn(s, "\n");

		fprintf(out, "  %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
}

/* @text word-wrapped at HELP_WIDTH, indented 4, without markdown's `. */
static void help_wrap(FILE *out, const char *text)
{
	char line[HELP_WIDTH + 1];
	size_t col = 0;
	const char *s = text;

	while (*s) {
		size_t n = strcspn(s, " "), k, w = 0;
		char word[HELP_WIDTH + 1];

		for (k = 0; k < n && w < HELP_WIDTH - 4; k++)
			if (s[k] != '`')
				word[w++] = s[k];
		word[w] = '\0';
		if (col && col + 1 + w > HELP_WIDTH - 4) {
			fprintf(out, "    %s\n", line);
			col = 0;
		}
		if (w)
			col += (size_t)snprintf(line + col, sizeof(line) - col,
						"%s%s", col ? " " : "", word);
		s += n;
		while (*s == ' ')
			s++;
	}
	if (col)
		fprintf(out, "    %s\n", line);
}

/* "help": every row, by area. */
static void help_all(FILE *out)
{
	size_t i, k;

	fprintf(out, "The commands by area; 'help WORD' explains one, and\ndocs/scenario-language.md has the whole language.\n");
	for (i = 0; i < scn_nareas; i++) {
		const struct scn_area *a = scn_areas[i];

		fprintf(out, "%s:\n", a->title);
		for (k = 0; k < a->ncmds; k++)
			help_entry(out, a->cmds[k].synopsis, a->cmds[k].help);
		for (k = 0; k < a->nexpects; k++)
			help_entry(out, a->expects[k].synopsis,
				   a->expects[k].help);
	}
	fprintf(out, "Addresses may be $NAME or $NAME+OFFSET; a leading 'sudo' is ignored.\n");
}

/* "help WORD": the rows of @word in full ("expect": every expect form). */
static int help_word(FILE *out, const char *word)
{
	bool all_expects = !strcmp(word, "expect");
	size_t i, k;
	int found = 0;

	for (i = 0; i < scn_nareas; i++) {
		const struct scn_area *a = scn_areas[i];

		for (k = 0; k < a->ncmds; k++) {
			const struct scn_cmd_row *r = &a->cmds[k];

			if (strcmp(r->word, word))
				continue;
			help_synopsis(out, r->synopsis);
			help_wrap(out, r->doc ? r->doc : r->help);
			found++;
		}
		for (k = 0; k < a->nexpects; k++) {
			const struct scn_expect_row *e = &a->expects[k];

			if (!all_expects &&
			    !help_word_matches(word, e->word, e->alias))
				continue;
			help_synopsis(out, e->synopsis);
			help_wrap(out, e->doc ? e->doc : e->help);
			found++;
		}
	}
	return found ? 0 : -ENOENT;
}

/**
 * sio_scn_help() - what "help [WORD]" prints, from the rows
 * @out: where to print it
 * @word: NULL for every command and expect form by area; else the full
 *        description of the commands and expect forms called @word
 *        ("expect": every expect form)
 *
 * Context: any (reads constant tables).
 * Return: 0, or -ENOENT if nothing is called @word.
 */
int sio_scn_help(FILE *out, const char *word)
{
	if (word)
		return help_word(out, word);
	help_all(out);
	return 0;
}

/* ---- the doc's tables ---- */

/* @s with '|' escaped for a markdown table cell. */
static void md_cell(FILE *out, const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n && s[k]; k++) {
		if (s[k] == '|')
			fputc('\\', out);
		fputc(s[k], out);
	}
}

/* One table row: each synopsis line as code, then the description. */
static void md_row(FILE *out, const char *synopsis, const char *doc)
{
	const char *s = synopsis;

	fputs("| ", out);
	while (*s) {
		size_t n = strcspn(s, "\n");

		fputs(s == synopsis ? "`" : " / `", out);
		md_cell(out, s, n);
		fputc('`', out);
		s += n + (s[n] == '\n');
	}
	fputs(" | ", out);
	md_cell(out, doc, strlen(doc));
	fputs(" |\n", out);
}

/**
 * sio_scn_area_name() - the name of area @i of the language
 * @i: 0, 1, ... in the order of scn_areas[]
 *
 * Context: any.
 * Return: the name, or NULL past the last area.
 */
const char *sio_scn_area_name(unsigned int i)
{
	return i < scn_nareas ? scn_areas[i]->name : NULL;
}

/**
 * sio_scn_area_markdown() - the reference tables of area @name as
 * docs/scenario-language.md holds them between its "generated" markers
 * @out: where to print them
 * @name: the area
 *
 * A table of the area's commands, then one of its expect forms; each row
 * is the synopsis (one code span per form) and the description.
 *
 * Context: any (reads constant tables).
 * Return: 0, or -ENOENT if there is no such area.
 */
int sio_scn_area_markdown(FILE *out, const char *name)
{
	const struct scn_area *a = NULL;
	size_t i, k;

	for (i = 0; i < scn_nareas; i++)
		if (!strcmp(scn_areas[i]->name, name))
			a = scn_areas[i];
	if (!a)
		return -ENOENT;
	if (a->ncmds) {
		fputs("| Line | Meaning |\n|------|---------|\n", out);
		for (k = 0; k < a->ncmds; k++)
			md_row(out, a->cmds[k].synopsis, a->cmds[k].doc ?
			       a->cmds[k].doc : a->cmds[k].help);
	}
	if (a->ncmds && a->nexpects)
		fputc('\n', out);
	if (a->nexpects) {
		fputs("| Expect | Holds when |\n|--------|------------|\n", out);
		for (k = 0; k < a->nexpects; k++)
			md_row(out, a->expects[k].synopsis, a->expects[k].doc ?
			       a->expects[k].doc : a->expects[k].help);
	}
	return 0;
}
