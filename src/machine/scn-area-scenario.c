// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario area "the scenario itself": help, the expect command, and the
 * expect forms about the interpreter's own state - the errno of the
 * previous operation and the WARNs fired so far.
 */
#include "machine/scn-parse-priv.h"
#include "machine/scn-run.h"

/* ---- help [WORD] ---- */

static int parse_help(struct scn_parser *p)
{
	const char *s = scn_peek(p);

	if (!s)
		return 0;
	if (scn_peek_op(p) || !scn_help_known(s))
		return scn_expected(p, "a command or expect form to explain");
	return scn_take_string(p, "a command");
}

static void run_help(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	if (ctx->opts.flags & (SIO_SCN_QUIET | SIO_SCN_SILENT))
		return;
	sio_scn_help(ctx->out, cmd->argc ? cmd->argv[0] : NULL);
}

static const struct scn_cmd_row scenario_cmds[] = {
	{
		.word = "help",
		.synopsis = "help [WORD]",
		.help = "list the commands, or explain WORD",
		.doc = "list every command and expect form by area; `help WORD` explains the commands and expect forms called WORD (`help expect`: every expect form)",
		.parse = parse_help,
		.run = run_help,
	},
	{
		.word = "expect",
		.synopsis = "expect FORM ...",
		.help = "check the state so far (forms below)",
		.doc = "an assertion about the state so far: the forms are listed with their areas. A failed expect prints `FILE:LINE: expect failed: <what>: got <actual>` and the run goes on",
		.parse = scn_parse_expect,
		.run = scn_run_expect,
	},
};

/* ---- expect ok | -EXXX | fail ---- */

/* "EBUSY", "-EBUSY", or a number that is an errno. */
static bool errno_like(const char *s)
{
	int e;

	return s[0] == 'E' || (s[0] == '-' && s[1] == 'E') ||
	       (isdigit((unsigned char)s[0]) && !sio_errno_parse(s, &e));
}

static int parse_errno(struct scn_parser *p)
{
	int e;

	if (sio_errno_parse(scn_tok_str(p->ln, p->i - 1), &e))
		return scn_expected_prev(p, "an errno name such as -EBUSY");
	p->cmd->err = e;
	return 0;
}

static bool eval_errno(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		       char *got, size_t len)
{
	if (ctx->last_err)
		snprintf(got, len, "-%s", sio_errno_name(ctx->last_err));
	else
		snprintf(got, len, "ok");
	return ctx->last_err == cmd->err;
}

static bool eval_fail(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		      char *got, size_t len)
{
	snprintf(got, len, "ok");
	return ctx->last_err != 0;
}

/* ---- expect warn N [in FUNCTION] | no-warn ---- */

static int parse_warn(struct scn_parser *p)
{
	int ret = scn_take_u64(p, "a WARN count", &p->cmd->num[0]);

	if (!ret && scn_accept(p, "in"))
		ret = scn_take_string(p, "a function name");
	return ret;
}

/* A passed "expect warn" accounts for the WARNs it counted. */
static void account_warns(struct sio_scn_ctx *ctx,
			  const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o;

	if (cmd->argc < 1) {
		if (cmd->num[0] > ctx->warns_accounted)
			ctx->warns_accounted = cmd->num[0];
		return;
	}
	o = scn_obj_find(ctx, SCN_OBJ_WARN_FUNC, cmd->argv[0]);
	if (!o)
		o = scn_obj_add(ctx, SCN_OBJ_WARN_FUNC, cmd->argv[0]);
	if (o && cmd->num[0] > o->count)
		o->count = cmd->num[0];
}

static bool eval_warn(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		      char *got, size_t len)
{
	unsigned long n = cmd->argc ? sio_warn_count_func(cmd->argv[0]) :
				      sio_warn_count();
	bool ok = n == cmd->num[0];

	snprintf(got, len, "%lu", n);
	if (ok)
		account_warns(ctx, cmd);
	return ok;
}

static bool eval_no_warn(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
			 char *got, size_t len)
{
	unsigned long total = sio_warn_count();
	unsigned long acc = ctx->warns_accounted;
	/* no WARN beyond those an earlier "expect warn" accounted for */
	bool ok = total <= acc;

	if (!ok && acc == 0) {
		struct scn_obj *o;
		unsigned long fsum = 0;

		list_for_each_entry(o, &ctx->objs, node)
			if (o->type == SCN_OBJ_WARN_FUNC)
				fsum += o->count;
		ok = total <= fsum;
	}
	snprintf(got, len, "%lu WARN(s), %lu accounted for", total, acc);
	return ok;
}

static const struct scn_expect_row scenario_expects[] = {
	{
		.word = "ok",
		.flags = SCN_EXPECT_OP_RESULT,
		.synopsis = "expect ok",
		.help = "the previous operation succeeded",
		.eval = eval_errno,
	},
	{
		.word = "-EXXX",
		.match = errno_like,
		.flags = SCN_EXPECT_OP_RESULT,
		.synopsis = "expect -EBUSY\nexpect EBUSY",
		.help = "it failed with that errno",
		.doc = "it failed with that errno (any name `sio_errno_name` knows, `EPROBE_DEFER` included)",
		.parse = parse_errno,
		.eval = eval_errno,
	},
	{
		.word = "fail",
		.flags = SCN_EXPECT_OP_RESULT,
		.synopsis = "expect fail",
		.help = "it failed, whatever the errno",
		.eval = eval_fail,
	},
	{
		.word = "warn",
		.synopsis = "expect warn N\nexpect warn N in FUNCTION",
		.help = "N WARNs fired since the start (in FUNCTION)",
		.doc = "N WARNs fired since the scenario started (N of them at sites in FUNCTION); a passing one accounts for them",
		.parse = parse_warn,
		.eval = eval_warn,
	},
	{
		.word = "no-warn",
		.synopsis = "expect no-warn",
		.help = "no WARN that no expect warn accounted for",
		.doc = "no WARN beyond those an earlier `expect warn` accounted for",
		.eval = eval_no_warn,
	},
};

const struct scn_area scn_area_scenario = {
	.name = "scenario",
	.title = "The scenario",
	.cmds = scenario_cmds,
	.ncmds = ARRAY_SIZE(scenario_cmds),
	.expects = scenario_expects,
	.nexpects = ARRAY_SIZE(scenario_expects),
};
