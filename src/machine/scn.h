/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scenario language: parsed form (a script of commands), the parser (a
 * pure function of a buffer, no global state, fuzzable) and the interpreter
 * that runs a script against a machine.  The commands themselves are rows
 * of per-area tables (scn-area.h).  docs/scenario-language.md is the
 * user's reference.
 */
#ifndef SIO_MACHINE_SCN_H
#define SIO_MACHINE_SCN_H

#include <stdio.h>
#include <softiommu/machine.h>
#include "base/base.h"
#include <softiommu/machine.h>

struct scn_cmd_row;
struct scn_expect_row;

/**
 * struct sio_scn_cmd - one command of a script
 * @row: what it is: the row of its area that parsed it and runs it
 *       (scn-area.h)
 * @expect: for "expect ...", the row of the form; NULL for other commands
 * @line: 1-based source line (first line of a continued line)
 * @text: the command as written (continuations joined), for the transcript
 *
 * The operands, normalised by the row's parser; what each one means is the
 * row's business:
 * @argv: words (@argc; NULL-terminated): paths, names, values
 * @num: numbers (counts, addresses, sizes)
 * @var: when non-NULL, num[i] is an offset to add to the scenario variable
 *       var[i] ("$NAME" or "$NAME+OFF"), resolved when the command runs
 * @data: bytes (@len) of "dma write", "nic rx/tx", "expect data"
 * @flags: row-specific flags
 * @err: an errno operand ("expect -EBUSY"), negative or 0
 * @payload: the area's own operands (@row->payload_size bytes), or NULL
 */
struct sio_scn_cmd {
	const struct scn_cmd_row *row;
	const struct scn_expect_row *expect;
	unsigned int line;
	char *text;
	int argc;
	char **argv;
	u64 num[4];
	char *var[4];
	u8 *data;
	size_t len;
	unsigned int flags;
	int err;
	void *payload;
};

/** struct sio_scn_script - a parsed scenario */
struct sio_scn_script {
	char *name;
	unsigned int lines;
	unsigned int ncmds;
	struct sio_scn_cmd **cmds;
};

/** struct sio_scn_error - where and why parsing failed */
struct sio_scn_error {
	unsigned int line;
	unsigned int col;
	char msg[400];		/* "expected X, got Y" */
};

/*
 * The parser (scn-parse.c) and the interpreter (scn-run.c); their kernel-doc
 * is at the definitions.  A script is parsed with no machine, then run by a
 * context bound to one machine and used by one thread.
 */

/* Parse @buf into *@out.  Return: 0, -EINVAL (see @err), -ENOMEM. */
int sio_scn_parse(const char *name, const char *buf, size_t len,
		  unsigned int first_line, struct sio_scn_script **out,
		  struct sio_scn_error *err);
void sio_scn_script_free(struct sio_scn_script *s);
/* "FILE:LINE:COL: error: MSG" into @buf. */
void sio_scn_format_error(const char *name, const struct sio_scn_error *err,
			  char *buf, size_t len);

/* Parse "4K", "0x1000", "2M", "1G", decimal.  Return: 0 or -EINVAL. */
int sio_scn_parse_u64(const char *s, u64 *out);

struct sio_scn_ctx;

/* Start a scenario on @m.  Return: the context or ERR_PTR(-ENOMEM). */
struct sio_scn_ctx *sio_scn_ctx_create(struct sio_machine *m, const char *name,
				       const struct sio_scn_opts *opts);
/* Run every command of @s.  Return: 0 (failures are recorded, not returned). */
int sio_scn_ctx_run(struct sio_scn_ctx *ctx, const struct sio_scn_script *s);
/* Record a malformed line (shell mode): status becomes 2. */
void sio_scn_ctx_parse_error(struct sio_scn_ctx *ctx, const char *msg);
/* End the scenario: fill @res, release its objects, free @ctx. */
void sio_scn_ctx_finish(struct sio_scn_ctx *ctx, struct sio_scn_result *res);

/* Generated from the rows (scn-area.c): "help [WORD]" and the doc's tables. */
int sio_scn_help(FILE *out, const char *word);
const char *sio_scn_area_name(unsigned int i);
int sio_scn_area_markdown(FILE *out, const char *name);

#endif /* SIO_MACHINE_SCN_H */
