// SPDX-License-Identifier: BSD-3-Clause
/*
 * The scenario language's rows and what is generated from them: every row
 * is well formed, `help` lists them all within 78 columns, and the tables of
 * docs/scenario-language.md are what the rows generate, so the reference
 * cannot drift from the parser.  SIO_UPDATE_DOC=1 rewrites the doc's tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "machine/scn-area.h"

/* The longest one-line help: `help` fits in 78 columns. */
#define HELP_MAX	44

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len + 1 >= cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb)
				break;
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
	} while (n);
	fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* What @fn writes, as a string (free() it). */
static char *capture(int (*fn)(FILE *, const char *), const char *arg,
		     int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	*ret = fn(f, arg);
	fclose(f);
	return buf;
}

/* Do two command rows claim the same words? */
static bool same_words(const struct scn_cmd_row *a, const struct scn_cmd_row *b)
{
	if (strcmp(a->word, b->word))
		return false;
	if (a->sub && b->sub)
		return !strcmp(a->sub, b->sub);
	return !a->sub && !b->sub;
}

TEST(rows_are_well_formed)
{
	const struct scn_area *a, *b;
	size_t i, j, k, l;

	for (i = 0; i < scn_nareas; i++) {
		a = scn_areas[i];
		ASSERT_TRUE(a->name && a->title);
		for (k = 0; k < a->ncmds; k++) {
			const struct scn_cmd_row *r = &a->cmds[k];

			EXPECT_TRUE(r->word && r->synopsis && r->synopsis[0] &&
				    r->help && r->run);
			EXPECT_NULL(strchr(r->help, '\n'));
			EXPECT_LE(strlen(r->help), HELP_MAX);
			/* one row per "word sub" (and one default per word) */
			for (j = 0; j <= i; j++) {
				b = scn_areas[j];
				for (l = 0; l < b->ncmds && &b->cmds[l] != r; l++)
					EXPECT_FALSE(same_words(&b->cmds[l], r));
			}
			if (_metadata->failed)
				fprintf(stderr, "# row %s %s\n", r->word,
					r->sub ? r->sub : "");
		}
		for (k = 0; k < a->nexpects; k++) {
			const struct scn_expect_row *e = &a->expects[k];

			EXPECT_TRUE(e->word && e->synopsis && e->help &&
				    e->eval);
			EXPECT_NULL(strchr(e->help, '\n'));
			EXPECT_LE(strlen(e->help), HELP_MAX);
			/* a form claims its word, and no earlier form does */
			if (!e->match)
				EXPECT_TRUE(scn_expect_lookup(e->word, false) ==
					    e);
		}
	}
}

TEST(help_lists_every_row_within_78_columns)
{
	const struct scn_area *a;
	char *out, *line, *save;
	size_t i, k;
	int ret;

	out = capture(sio_scn_help, NULL, &ret);
	ASSERT_NOT_NULL(out);
	EXPECT_EQ(0, ret);
	for (i = 0; i < scn_nareas; i++) {
		a = scn_areas[i];
		for (k = 0; k < a->ncmds; k++)
			EXPECT_NOT_NULL(strstr(out, a->cmds[k].help));
		for (k = 0; k < a->nexpects; k++)
			EXPECT_NOT_NULL(strstr(out, a->expects[k].help));
	}
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) > 78)
			fprintf(stderr, "# too long: %s\n", line);
		EXPECT_LE(strlen(line), 78);
	}
	free(out);

	out = capture(sio_scn_help, "nic", &ret);
	EXPECT_EQ(0, ret);
	EXPECT_NOT_NULL(strstr(out, "nic rx DEV"));
	EXPECT_NOT_NULL(strstr(out, "expect nic DEV STAT == N"));
	free(out);
	out = capture(sio_scn_help, "frobnicate", &ret);
	EXPECT_EQ(-ENOENT, ret);
	free(out);
}

/* The first line of @doc, from @from on, that starts with @text. */
static char *find_line(char *doc, char *from, const char *text)
{
	char *p;

	for (p = strstr(from, text); p; p = strstr(p + 1, text))
		if (p == doc || p[-1] == '\n')
			return p;
	return NULL;
}

/*
 * The block of area @name in @doc: the text between its markers, or NULL
 * (@why says what is wrong).
 */
static char *find_block(char *doc, const char *name, char **end,
			const char **why)
{
	char begin[128], fin[128];
	char *b, *e;

	snprintf(begin, sizeof(begin), "<!-- generated: area %s -->\n", name);
	snprintf(fin, sizeof(fin), "<!-- end generated: area %s -->\n", name);
	b = find_line(doc, doc, begin);
	if (!b) {
		*why = "no begin marker";
		return NULL;
	}
	if (find_line(doc, b + 1, begin)) {
		*why = "two begin markers";
		return NULL;
	}
	b += strlen(begin);
	e = find_line(doc, b, fin);
	if (!e) {
		*why = "no end marker after the begin marker";
		return NULL;
	}
	*end = e;
	return b;
}

/* Print the first line where @want (the rows) and @got (the doc) differ. */
static void show_diff(const char *name, const char *want, const char *got)
{
	const char *w = want, *g = got;
	unsigned int line = 1;

	for (; *want && *want == *got; want++, got++) {
		if (*want == '\n') {
			line++;
			w = want + 1;
			g = got + 1;
		}
	}
	fprintf(stderr, "# area %s, line %u of its block differs:\n#  doc:  %.*s\n#  rows: %.*s\n",
		name, line, (int)strcspn(g, "\n"), g, (int)strcspn(w, "\n"), w);
}

TEST(doc_tables_are_generated_from_the_rows)
{
	const char *path = getenv("SIO_SCN_DOC");
	bool update = getenv("SIO_UPDATE_DOC") && *getenv("SIO_UPDATE_DOC");
	const char *name, *why = NULL;
	bool changed = false;
	unsigned int i;
	size_t len;
	char *doc, *p;

	ASSERT_NOT_NULL(path);
	doc = read_all(path, &len);
	ASSERT_NOT_NULL(doc);
	for (i = 0; (name = sio_scn_area_name(i)); i++) {
		char *md, *b, *e = NULL;
		int ret;

		md = capture(sio_scn_area_markdown, name, &ret);
		ASSERT_NOT_NULL(md);
		EXPECT_EQ(0, ret);
		b = find_block(doc, name, &e, &why);
		if (!b) {
			fprintf(stderr, "# %s: area %s: %s; add\n#   <!-- generated: area %s -->\n#   <!-- end generated: area %s -->\n# where its tables belong, then run with SIO_UPDATE_DOC=1\n",
				path, name, why, name, name);
			EXPECT_NOT_NULL(b);
		} else if ((size_t)(e - b) != strlen(md) ||
			   memcmp(b, md, strlen(md))) {
			if (update) {
				size_t blen = strlen(md);
				size_t off = (size_t)(b - doc);
				size_t tail = len - (size_t)(e - doc);
				char *nd = malloc(off + blen + tail + 1);

				ASSERT_NOT_NULL(nd);
				memcpy(nd, doc, off);
				memcpy(nd + off, md, blen);
				memcpy(nd + off + blen, e, tail + 1);
				free(doc);
				doc = nd;
				len = off + blen + tail;
				changed = true;
			} else {
				*e = '\0';
				show_diff(name, md, b);
				fprintf(stderr, "# the doc's tables are generated: run with SIO_UPDATE_DOC=1\n");
				EXPECT_TRUE(false);
				*e = '<';
			}
		}
		free(md);
	}
	/* every block names an area that exists */
	for (p = find_line(doc, doc, "<!-- generated: area "); p;
	     p = find_line(doc, p + 1, "<!-- generated: area ")) {
		char area[64];
		bool known = false;

		if (sscanf(p, "<!-- generated: area %63s", area) != 1)
			continue;
		for (i = 0; (name = sio_scn_area_name(i)); i++)
			known |= !strcmp(name, area);
		if (!known)
			fprintf(stderr, "# %s: a block for no area: %s\n", path,
				area);
		EXPECT_TRUE(known);
	}
	if (changed) {
		FILE *f = fopen(path, "w");

		ASSERT_NOT_NULL(f);
		fwrite(doc, 1, len, f);
		fclose(f);
		fprintf(stderr, "# updated %s\n", path);
	}
	free(doc);
}

TEST_HARNESS_MAIN
