/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scenario language as rows: each area of the language (scn-area-*.c)
 * declares its commands and its expect forms in two tables, and scn-area.c
 * lists the areas.  The parser, the interpreter, `help` and the reference
 * tables of docs/scenario-language.md all read these rows.
 */
#ifndef SIO_MACHINE_SCN_AREA_H
#define SIO_MACHINE_SCN_AREA_H

#include "machine/scn.h"

struct scn_parser;
struct sio_scn_ctx;

/**
 * struct scn_cmd_row - one command of the language
 * @word: its first word ("dma")
 * @sub: its second word ("map"), or NULL for the word's default form: the
 *       one parsed when the next word names no other row of @word.  A word
 *       with sub-commands and no default form rejects anything else with
 *       "expected 'wait' or 'trigger'" (one or two sub-commands) or
 *       "expected a dma operation (read, write, ...)" (more), in row order
 * @synopsis: how it is written, one form per line ("dma map DEV as NAME
 *            SIZE [DIR]"); shown by `help` and in the doc's tables
 * @help: one line for `help`, at most 44 characters (tests/cli/rows.c)
 * @doc: the full description (markdown) for `help WORD` and the doc's
 *       table; NULL: @help
 * @payload_size: bytes of area-specific operands (sio_scn_cmd.payload) the
 *                parser allocates zeroed before calling @parse; 0 for none
 * @parse: the rest of the line after @word (and @sub): fills the command's
 *         operands; NULL when there are none.  The parser then requires
 *         the end of the line.
 *         Called by sio_scn_parse(): pure, no machine.  Return: 0,
 *         -EINVAL after scn_expected() (or another error report), -ENOMEM.
 * @run: runs the command on the interpreter's machine, printing what it
 *       prints and recording the result (ctx->last_err, scn_op_error()).
 *       Called by sio_scn_ctx_run() on the interpreter thread.
 */
struct scn_cmd_row {
	const char *word;
	const char *sub;
	const char *synopsis;
	const char *help;
	const char *doc;
	size_t payload_size;
	int (*parse)(struct scn_parser *p);
	void (*run)(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd);
};

/* struct scn_expect_row.flags */
#define SCN_EXPECT_OP_RESULT	(1u << 0)	/* judges the previous
						 * operation's errno: an error
						 * it left is this expect's to
						 * judge, not a failure */

/**
 * struct scn_expect_row - one form of "expect"
 * @word: the word after "expect" ("fault"); also its name in the list an
 *        unknown form reports
 * @alias: another spelling of @word, or NULL
 * @match: for a form that is not a fixed word (an errno name): does the
 *         token claim this row?  NULL: the token must be the bare @word
 * @flags: SCN_EXPECT_*
 * @synopsis, @help, @doc: as in struct scn_cmd_row (with "expect ")
 * @parse: the rest of the line after @word; as scn_cmd_row.parse
 * @eval: does it hold now?  Writes what was found into @got (@len bytes),
 *        for "expect failed: ...: got <@got>".  Called on the interpreter
 *        thread.  Return: true if it holds.
 */
struct scn_expect_row {
	const char *word;
	const char *alias;
	bool (*match)(const char *tok);
	unsigned int flags;
	const char *synopsis;
	const char *help;
	const char *doc;
	int (*parse)(struct scn_parser *p);
	bool (*eval)(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		     char *got, size_t len);
};

/**
 * struct scn_area - one area of the language
 * @name: short name ("dma"): `help` and the doc's generated blocks use it
 * @title: heading for `help`
 * @cmds: its commands (@ncmds)
 * @expects: its expect forms (@nexpects)
 * @release: undo what the area's commands left behind (named objects the
 *           machine does not own), or NULL.  Called once at the end of a
 *           scenario, the last area of scn_areas[] first, then every
 *           remaining named object is deleted.
 */
struct scn_area {
	const char *name;
	const char *title;
	const struct scn_cmd_row *cmds;
	size_t ncmds;
	const struct scn_expect_row *expects;
	size_t nexpects;
	void (*release)(struct sio_scn_ctx *ctx);
};

/* The table of the areas (scn-area.c), in order. */
extern const struct scn_area *const scn_areas[];
extern const size_t scn_nareas;

/* scn-area.c: lookups for the parser and `help` */
bool scn_word_known(const char *word);
const struct scn_cmd_row *scn_cmd_lookup(const char *word, const char *sub);
void scn_subs_expected(const char *word, char *buf, size_t len);
const struct scn_expect_row *scn_expect_lookup(const char *tok, bool quoted);
void scn_expects_expected(char *buf, size_t len);
bool scn_help_known(const char *word);

/* scn-parse.c and scn-run.c: the "expect" command of scn_area_scenario */
int scn_parse_expect(struct scn_parser *p);
void scn_run_expect(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd);

/*
 * Operands that more than one file reads: an area and the operand helpers
 * of scn-parse.c, or an area and the parser's tests.
 */

/* sio_scn_cmd.flags of "echo" (scn-area-shell.c) */
#define SCN_W_APPEND	(1u << 0)	/* >> or tee -a (same for sysfs) */
#define SCN_W_TEE	(1u << 1)	/* echo the value like tee does */
#define SCN_W_QUIET_TEE	(1u << 2)	/* tee ... > /dev/null */

/* sio_scn_cmd.flags set by scn_take_pasid_opt() and "pgtable dump" */
#define SCN_F_PASID	(1u << 8)	/* pasid=N given: num[1] */
#define SCN_F_RANGE	(1u << 9)	/* pgtable dump IOVA SIZE given */

/* sio_scn_cmd.payload of "iommu KIND NAME ..." (scn-area-dev.c) */
struct scn_iommu_payload {
	struct sio_iommu_decl decl;
	struct sio_smmu_decl smmu;	/* options of "iommu smmu" */
};

#endif /* SIO_MACHINE_SCN_AREA_H */
