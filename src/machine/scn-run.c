// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario interpreter: runs a parsed script against a machine through
 * each command's row (scn-area.h), prints a shell-like transcript with the
 * new kernel log lines after each command, evaluates expects, keeps the
 * scenario's named objects and variables, and accounts WARNs.
 */
#include "machine/scn-run.h"

/* ---- output ---- */

/**
 * scn_out() - print to the transcript (nothing in quiet or silent mode)
 * @ctx: the interpreter
 * @fmt: printf format and arguments
 *
 * Context: the interpreter thread.
 */
void scn_out(struct sio_scn_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->opts.flags & (SIO_SCN_QUIET | SIO_SCN_SILENT))
		return;
	va_start(ap, fmt);
	vfprintf(ctx->out, fmt, ap);
	va_end(ap);
}

static int add_failure(struct sio_scn_ctx *ctx, unsigned int line,
		       const char *msg)
{
	struct sio_scn_failure *n;

	n = krealloc(ctx->failures, sizeof(*n) * (ctx->nfail + 1), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	ctx->failures = n;
	n[ctx->nfail].line = line;
	n[ctx->nfail].message = kstrdup(msg, GFP_KERNEL);
	if (!n[ctx->nfail].message)
		return -ENOMEM;
	ctx->nfail++;
	return 0;
}

/**
 * scn_fail() - record a failure of the line being run and print
 * "FILE:LINE: <msg>" (even in quiet mode)
 * @ctx: the interpreter
 * @fmt: printf format and arguments of <msg>
 *
 * Context: the interpreter thread.  On allocation failure the failure is
 * still printed and the scenario's status becomes 1 (ctx->oom).
 */
void scn_fail(struct sio_scn_ctx *ctx, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (add_failure(ctx, ctx->line, msg))
		ctx->oom = true;
	if (!(ctx->opts.flags & SIO_SCN_SILENT))
		fprintf(ctx->out, ctx->line ? "%s:%u: %s\n" : "%s:%.0u %s\n",
			ctx->name, ctx->line, msg);
}

/**
 * scn_op_error() - an operation failed in a way a scenario author may want
 * to expect (a declaration refused, an unknown device)
 * @ctx: the interpreter
 * @err: the negative errno it gave (recorded as the command's result)
 * @fmt: printf format and arguments of the message
 *
 * Prints "softiommu: <msg>"; counted as a failure unless the next command
 * is an expect that judges the operation's result ("expect -EXXX", "expect
 * fail", "expect ok").
 *
 * Context: the interpreter thread.
 */
void scn_op_error(struct sio_scn_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	ctx->last_err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->pending, sizeof(ctx->pending), fmt, ap);
	va_end(ap);
	ctx->pending_line = ctx->line;
	scn_out(ctx, "softiommu: %s\n", ctx->pending);
}

static void commit_pending(struct sio_scn_ctx *ctx)
{
	unsigned int line = ctx->line;

	if (!ctx->pending[0])
		return;
	ctx->line = ctx->pending_line;
	scn_fail(ctx, "error: %s", ctx->pending);
	ctx->line = line;
	ctx->pending[0] = '\0';
}

static int print_log_line(const char *line, void *data)
{
	struct sio_scn_ctx *ctx = data;

	fprintf(ctx->out, "%s\n", line);
	return 0;
}

/**
 * scn_print_log_since() - print the kernel log lines logged since @seq
 * @ctx: the interpreter (nothing is printed in quiet or silent mode)
 * @seq: a log sequence number (sio_log_seq())
 *
 * Context: the interpreter thread.
 */
void scn_print_log_since(struct sio_scn_ctx *ctx, unsigned long seq)
{
	if (ctx->opts.flags & (SIO_SCN_QUIET | SIO_SCN_SILENT))
		return;
	fflush(ctx->out);
	sio_log_for_each(print_log_line, ctx, seq);
}

/* ---- named objects ---- */

/**
 * scn_obj_find() - the named object of @type called @name
 * @ctx: the interpreter
 * @type: SCN_OBJ_*
 * @name: its name
 *
 * Context: the interpreter thread.
 * Return: the object, or NULL if there is none.
 */
struct scn_obj *scn_obj_find(struct sio_scn_ctx *ctx, int type,
			     const char *name)
{
	struct scn_obj *o;

	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == type && !strcmp(o->name, name))
			return o;
	return NULL;
}

/**
 * scn_obj_add() - a new named object (zeroed), at the end of the list
 * @ctx: the interpreter
 * @type: SCN_OBJ_*
 * @name: its name (truncated to SIO_NAME_LEN)
 *
 * Context: the interpreter thread; may sleep (allocates).
 * Return: the object, or NULL (out of memory).
 */
struct scn_obj *scn_obj_add(struct sio_scn_ctx *ctx, int type,
			    const char *name)
{
	struct scn_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return NULL;
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->type = type;
	list_add_tail(&o->node, &ctx->objs);
	return o;
}

/**
 * scn_obj_del() - unlink and free a named object, dropping its device and
 * group references
 * @o: the object (what it names must already be released)
 *
 * Context: the interpreter thread.
 */
void scn_obj_del(struct scn_obj *o)
{
	list_del(&o->node);
	if (o->dev)
		sio_put_device(o->dev);
	if (o->group)
		iommu_group_put(o->group);
	kfree(o);
}

/* ---- context ---- */

/**
 * sio_scn_ctx_create() - interpreter state for running scripts on @m
 * @m: the machine the commands act on; it must outlive the context
 *     (sio_scn_ctx_finish() still uses it)
 * @name: scenario name (file) for messages and the summary (copied,
 *        truncated to 255 bytes; NULL: "<scenario>")
 * @opts: output options, copied (NULL: defaults; a NULL @opts->out: stdout)
 *
 * Starts a scenario: resets the kernel log, with the virtual clock if
 * @opts asks for it or SIO_LOG_CLOCK=virtual is set, and the WARN counts,
 * so that the transcript and the WARN accounting cover this scenario only.
 *
 * Context: any thread; may sleep (allocates).  Takes the log lock (a leaf).
 * The log and the WARN counts are process-wide: one scenario at a time per
 * process.  The context has no lock: one thread at a time uses it, from
 * here to sio_scn_ctx_finish().
 * Return: the context, or ERR_PTR(-ENOMEM).
 */
struct sio_scn_ctx *sio_scn_ctx_create(struct sio_machine *m, const char *name,
				       const struct sio_scn_opts *opts)
{
	struct sio_scn_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	const char *clk = getenv("SIO_LOG_CLOCK");
	bool virt;

	if (!ctx)
		return ERR_PTR(-ENOMEM);
	ctx->m = m;
	if (opts)
		ctx->opts = *opts;
	ctx->out = ctx->opts.out ? ctx->opts.out : stdout;
	snprintf(ctx->name, sizeof(ctx->name), "%s", name ? name : "<scenario>");
	INIT_LIST_HEAD(&ctx->objs);
	virt = (ctx->opts.flags & SIO_SCN_VIRTUAL_CLOCK) ||
	       (clk && !strcmp(clk, "virtual"));
	sio_log_reset(virt ? SIO_LOG_CLOCK_VIRTUAL : SIO_LOG_CLOCK_REAL);
	sio_warn_reset();
	ctx->log_start = sio_log_seq();
	ctx->dmesg_start = ctx->log_start;
	return ctx;
}

/**
 * sio_scn_ctx_parse_error() - record a malformed line (shell mode)
 * @ctx: the interpreter
 * @msg: the formatted error ("NAME:LINE:COL: error: WHAT")
 *
 * Prints @msg (unless silent) and makes the scenario's status 2; the first
 * such message becomes the result's parse_error.  Nothing is run.
 *
 * Context: the interpreter thread; takes no softiommu lock.
 */
void sio_scn_ctx_parse_error(struct sio_scn_ctx *ctx, const char *msg)
{
	ctx->malformed = true;
	if (!(ctx->opts.flags & SIO_SCN_SILENT))
		fprintf(ctx->out, "%s\n", msg);
	if (!ctx->parse_error[0])
		snprintf(ctx->parse_error, sizeof(ctx->parse_error), "%s", msg);
}

/* WARNs that no passed "expect warn" accounts for. */
static unsigned long unaccounted_warns(struct sio_scn_ctx *ctx)
{
	unsigned long total = sio_warn_count(), acc = ctx->warns_accounted;
	unsigned long fsum = 0;
	struct scn_obj *o;

	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == SCN_OBJ_WARN_FUNC)
			fsum += o->count;
	if (fsum > acc)
		acc = fsum;
	return total > acc ? total - acc : 0;
}

static int report_site(const struct sio_warn_site *site, void *data)
{
	struct sio_scn_ctx *ctx = data;

	const char *file = site->file, *p;

	/* "../../src/core/x.c" → "src/core/x.c", as the WARN report does */
	for (p = strstr(file, "src/"); p; p = strstr(p + 1, "src/"))
		if (p == site->file || p[-1] == '/')
			file = p;
	if (!(ctx->opts.flags & SIO_SCN_SILENT))
		fprintf(ctx->out, "  WARNING at %s (%s:%d) fired %lu time(s)\n",
			site->func, file, site->line, site->count);
	return 0;
}

/*
 * Undo what the scenario left behind that the machine does not own: each
 * area's objects, the last area first (DMA mappings live in domains), then
 * whatever named objects remain.
 */
static void release_objects(struct sio_scn_ctx *ctx)
{
	struct scn_obj *o, *n;
	size_t i;

	for (i = scn_nareas; i-- > 0;)
		if (scn_areas[i]->release)
			scn_areas[i]->release(ctx);
	/* but the WARN accounting, which the summary still needs */
	list_for_each_entry_safe(o, n, &ctx->objs, node)
		if (o->type != SCN_OBJ_WARN_FUNC)
			scn_obj_del(o);
}

/**
 * sio_scn_ctx_finish() - end a scenario: account, summarise, release, free
 * @ctx: the interpreter; freed on return
 * @res: filled (its previous contents are overwritten, not released);
 *       release with sio_scn_result_release()
 *
 * Commits an operation error no expect judged as a failure, settles
 * deferred probe, fails the scenario on WARNs no "expect warn" accounts for
 * (listing every WARN site), fills @res, prints the whole log (--dmesg)
 * and the summary as the options ask, then undoes what the scenario left
 * that the machine does not own (each area's ->release, the last area
 * first: DMA mappings and buffers, group claims, named domains) and frees
 * @ctx.  The failures move from @ctx to @res.  @res is filled before that
 * release, so it does not count WARNs the release fires.  The machine
 * stays; destroy it afterwards if it is no longer needed.
 *
 * Context: the interpreter thread, before @ctx's machine is destroyed;
 * may sleep.  Holding no softiommu lock and not from a softiommu callback
 * or work item: it waits for the machine's deferred-probe worker, and the
 * release takes IOMMU group mutexes.
 */
void sio_scn_ctx_finish(struct sio_scn_ctx *ctx, struct sio_scn_result *res)
{
	unsigned long unexpected;
	struct scn_obj *o, *n;

	commit_pending(ctx);
	sio_wait_for_device_probe(ctx->m);
	/*
	 * The cleanup is part of the run: a WARN it causes is unexpected,
	 * and the invariants must hold once it is done (a domain freed while
	 * still attached somewhere is "a freed domain" in the checker).
	 */
	ctx->line = 0;
	release_objects(ctx);
	sio_wait_for_device_probe(ctx->m);
	if (sio_iommu_check_invariants(ctx->m))
		scn_fail(ctx, "the invariants do not hold after the end-of-scenario cleanup");
	unexpected = unaccounted_warns(ctx);
	if (unexpected) {
		scn_fail(ctx, "%lu unexpected WARN(s): no 'expect warn' accounts for them",
			 unexpected);
		sio_warn_for_each_site(report_site, ctx);
	}
	memset(res, 0, sizeof(*res));
	res->lines = ctx->lines;
	res->commands = ctx->commands;
	res->expects_passed = ctx->passed;
	res->expects_failed = ctx->failed;
	res->warns = sio_warn_count();
	res->unexpected_warns = unexpected;
	res->failures = ctx->failures;
	res->num_failures = ctx->nfail;
	snprintf(res->parse_error, sizeof(res->parse_error), "%s",
		 ctx->parse_error);
	res->status = ctx->malformed ? 2 : (ctx->nfail || ctx->oom) ? 1 : 0;
	if (ctx->opts.flags & SIO_SCN_DMESG && !(ctx->opts.flags & SIO_SCN_SILENT)) {
		fprintf(ctx->out, "---- dmesg ----\n");
		sio_log_dump(ctx->out);
	}
	if (!(ctx->opts.flags & (SIO_SCN_SILENT | SIO_SCN_NO_SUMMARY)))
		fprintf(ctx->out,
			"scenario %s: %u commands, %u expects passed, %u failed, %lu warns\n",
			ctx->name, ctx->commands, ctx->passed, ctx->failed,
			res->warns);
	list_for_each_entry_safe(o, n, &ctx->objs, node)
		scn_obj_del(o);
	kfree(ctx);
}

/**
 * sio_scn_result_release() - free what a scenario result owns
 * @res: a result filled by sio_machine_run_scenario(),
 *       sio_machine_run_scenario_file() or sio_scn_ctx_finish()
 *
 * Frees the failures and leaves @res with none; the counts, status and
 * parse error stay.  Calling it again, or on a zeroed result, does nothing.
 *
 * Context: any thread, also after the scenario's machine was destroyed;
 * takes no softiommu lock.
 */
void sio_scn_result_release(struct sio_scn_result *res)
{
	unsigned int i;

	if (!res)
		return;
	for (i = 0; i < res->num_failures; i++)
		kfree(res->failures[i].message);
	kfree(res->failures);
	res->failures = NULL;
	res->num_failures = 0;
}

/* ---- lookups ---- */

/**
 * scn_get_device() - the device called @name
 * @ctx: the interpreter
 * @name: the device's name
 *
 * Context: the interpreter thread.
 * Return: a referenced device (sio_put_device() it), or NULL after
 * recording -ENODEV with scn_op_error().
 */
struct sio_device *scn_get_device(struct sio_scn_ctx *ctx, const char *name)
{
	struct sio_device *dev = sio_machine_find_device(ctx->m, name);

	if (!dev)
		scn_op_error(ctx, -ENODEV, "no device %s", name);
	return dev;
}

/**
 * scn_op_result() - record the result of an operation, printing
 * "<what>: <strerror> (<ENAME>)" if it failed
 * @ctx: the interpreter
 * @what: the operation, for the message
 * @ret: 0 or a negative errno (a positive value counts as success)
 *
 * Context: the interpreter thread.
 */
void scn_op_result(struct sio_scn_ctx *ctx, const char *what, int ret)
{
	ctx->last_err = ret < 0 ? ret : 0;
	if (ret < 0)
		scn_out(ctx, "%s: %s (%s)\n", what, sio_strerror(ret),
			sio_errno_name(ret));
}

/* ---- scenario variables ---- */

/**
 * scn_var_find() - the object a scenario variable $@name is bound to
 * @ctx: the interpreter
 * @name: the variable, without '$'
 *
 * Context: the interpreter thread.
 * Return: the "dma map ... as NAME" or "memory alloc as NAME" object, or
 * NULL if there is none.
 */
struct scn_obj *scn_var_find(struct sio_scn_ctx *ctx, const char *name)
{
	return scn_obj_find(ctx, SCN_OBJ_DMA_MAP, name) ?:
	       scn_obj_find(ctx, SCN_OBJ_MEM, name);
}

/**
 * scn_resolve() - the value of address operand @idx of @cmd
 * @ctx: the interpreter
 * @cmd: the command
 * @idx: operand (num[idx], var[idx]; see scn_take_addr())
 * @out: the address
 *
 * Context: the interpreter thread.
 * Return: true; false after recording an error (unknown variable, or an
 * offset that wraps).
 */
bool scn_resolve(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		 int idx, u64 *out)
{
	struct scn_obj *o;
	u64 base;

	if (!cmd->var[idx]) {
		*out = cmd->num[idx];
		return true;
	}
	o = scn_var_find(ctx, cmd->var[idx]);
	if (!o) {
		scn_op_error(ctx, -ENOENT,
			     "no variable $%s (names come from 'dma map ... as NAME' and 'memory alloc as NAME')",
			     cmd->var[idx]);
		return false;
	}
	base = o->type == SCN_OBJ_DMA_MAP ? o->iova : o->phys;
	if (base + cmd->num[idx] < base) {
		scn_op_error(ctx, -EOVERFLOW, "$%s+%#llx wraps the address space",
			     cmd->var[idx], (unsigned long long)cmd->num[idx]);
		return false;
	}
	*out = base + cmd->num[idx];
	return true;
}

/*
 * An allocation failure injected by fail-nth (softiommu run --fail-nth)
 * happened during the command just run: whatever it failed, the core's
 * invariants must hold now.  A violation WARNs (the checker's own WARN)
 * and is a failure of the line.
 *
 * The run then goes on until its first failure (an expect that no longer
 * holds, an error no expect judges): from there on the script no longer
 * describes the machine, and its next lines would be caller bugs of the
 * script's (a detach of a domain whose attach failed WARNs, as in the
 * kernel), not the library's.  The end-of-scenario cleanup still runs.
 */
static void check_after_injection(struct sio_scn_ctx *ctx)
{
	const char *site = sio_fail_nth_site();
	int n = sio_iommu_check_invariants(ctx->m);

	if (n)
		scn_fail(ctx, "%d invariant violation(s) after the injected allocation failure (in %s)",
			 n, site ? site : "an allocator");
}

/* ---- expect ---- */

/* Count a held expect and print "[ok] ...". */
static void expect_pass(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	ctx->passed++;
	scn_out(ctx, "  [ok] %s\n", cmd->text);
}

/* Count a failed expect: "FILE:LINE: expect failed: <what>: got <got>". */
static void expect_fail(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
			const char *got)
{
	const char *what = strstr(cmd->text, "expect");

	what = what ? what + strlen("expect") : cmd->text;
	while (*what == ' ')
		what++;
	ctx->failed++;
	scn_fail(ctx, "expect failed: %s: got %s", what, got);
}

/**
 * scn_run_expect() - run "expect FORM": evaluate the form's row, count and
 * print the outcome
 * @ctx: the interpreter
 * @cmd: the command (cmd->expect is the form's row)
 *
 * Context: the interpreter thread.
 */
void scn_run_expect(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	char got[600];

	got[0] = '\0';
	if (cmd->expect->eval(ctx, cmd, got, sizeof(got)))
		expect_pass(ctx, cmd);
	else
		expect_fail(ctx, cmd, got);
}

/**
 * sio_scn_ctx_run() - run every command of @s through its row
 * @ctx: the interpreter
 * @s: the script
 *
 * Echoes each command, runs it, settles deferred probe and prints the log
 * lines it produced; an operation error is committed as a failure unless
 * the next command is an expect that judges it.
 *
 * Context: the interpreter thread; may sleep.
 * Return: 0 (failures are recorded in @ctx, not returned).
 */
int sio_scn_ctx_run(struct sio_scn_ctx *ctx, const struct sio_scn_script *s)
{
	unsigned int i;

	ctx->lines += s->lines;
	for (i = 0; i < s->ncmds; i++) {
		const struct sio_scn_cmd *cmd = s->cmds[i];
		bool is_exp = cmd->expect != NULL, fired;
		unsigned int nfail;
		unsigned long seq;

		if (is_exp && (cmd->expect->flags & SCN_EXPECT_OP_RESULT))
			ctx->pending[0] = '\0';	/* the expect judges it */
		else
			commit_pending(ctx);
		if (ctx->injected && ctx->nfail > ctx->nfail_injected) {
			scn_out(ctx, "fail-nth: stopping at the first failure after the injected one\n");
			break;
		}
		ctx->line = cmd->line;
		if (!is_exp) {
			if (!(ctx->opts.flags & SIO_SCN_NO_ECHO))
				scn_out(ctx, "$ %s\n", cmd->text);
			ctx->commands++;
		}
		seq = sio_log_seq();
		fired = sio_fail_nth_fired();
		nfail = ctx->nfail;
		cmd->row->run(ctx, cmd);
		/* Deferred probe runs on a workqueue: settle it, deterministically. */
		sio_wait_for_device_probe(ctx->m);
		/* fail-nth armed on this thread: check_after_injection() */
		if (!fired && sio_fail_nth_fired()) {
			ctx->injected = true;
			ctx->nfail_injected = nfail;
			check_after_injection(ctx);
		}
		scn_print_log_since(ctx, seq);
		fflush(ctx->out);
	}
	return 0;
}

/**
 * sio_machine_run_scenario() - parse a scenario text and run it against @m
 * @m: the machine (usually fresh from sio_machine_create())
 * @name: file name used in messages (NULL: "<scenario>")
 * @buf: the scenario text (need not be NUL-terminated)
 * @len: its length
 * @opts: output options (NULL: defaults)
 * @res: filled (its previous contents are overwritten, not released);
 *       release with sio_scn_result_release()
 *
 * The whole text is parsed first: a malformed text runs nothing, and its
 * error is printed to @opts->out (stderr if none) unless silent.  Otherwise
 * the log and the WARN counters are reset, every command runs in order
 * and the scenario ends as sio_scn_ctx_finish() describes.  The public
 * declaration (softiommu/machine.h) is what library users read.
 *
 * Context: any thread, which runs every command itself; may sleep.
 * Holding no softiommu lock and not from a softiommu callback or work item
 * (commands take device locks and group mutexes, and wait for the
 * machine's deferred-probe worker).  The log and the WARN counters are
 * process-wide: one scenario at a time per process.
 * Return: @res->status: 0 everything held; 1 a
 * failed expect, a runtime error, an unexpected WARN, or no memory for the
 * interpreter; 2 the text is malformed or there was no memory to parse it
 * (@res->parse_error says which and where); -EINVAL (and status 2) for a
 * NULL @m, @buf or @res.
 */
int sio_machine_run_scenario(struct sio_machine *m, const char *name,
			     const char *buf, size_t len,
			     const struct sio_scn_opts *opts,
			     struct sio_scn_result *res)
{
	struct sio_scn_script *s = NULL;
	struct sio_scn_error err;
	struct sio_scn_ctx *ctx;
	int ret;

	if (!res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	if (IS_ERR_OR_NULL(m) || !buf) {
		res->status = 2;
		return -EINVAL;
	}
	if (!name)
		name = "<scenario>";
	ret = sio_scn_parse(name, buf, len, 1, &s, &err);
	if (ret) {
		sio_scn_format_error(name, &err, res->parse_error,
				     sizeof(res->parse_error));
		if (!opts || !(opts->flags & SIO_SCN_SILENT))
			fprintf(opts && opts->out ? opts->out : stderr, "%s\n",
				res->parse_error);
		res->status = 2;
		return res->status;
	}
	ctx = sio_scn_ctx_create(m, name, opts);
	if (IS_ERR(ctx)) {
		sio_scn_script_free(s);
		res->status = 1;
		return res->status;
	}
	sio_scn_ctx_run(ctx, s);
	sio_scn_ctx_finish(ctx, res);
	sio_scn_script_free(s);
	return res->status;
}

/**
 * sio_machine_run_scenario_file() - run the scenario in the file @path
 * @m: the machine
 * @path: the file; also the scenario's name in messages
 * @opts: output options (NULL: defaults)
 * @res: filled (its previous contents are overwritten, not released);
 *       release with sio_scn_result_release()
 *
 * Reads the whole file into memory, then runs it as
 * sio_machine_run_scenario() does.
 *
 * Context: as sio_machine_run_scenario().
 * Return: as sio_machine_run_scenario() once the file is read; a negative
 * errno if @path cannot be opened or read (a directory: -EISDIR)
 * (@res->status 2, @res->parse_error "PATH: reason"); -ENOMEM if its text
 * does not fit in memory (@res->status 2, @res->parse_error empty);
 * -EINVAL for a NULL @m, @path or @res.
 */
int sio_machine_run_scenario_file(struct sio_machine *m, const char *path,
				  const struct sio_scn_opts *opts,
				  struct sio_scn_result *res)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int ret;

	if (!res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	if (IS_ERR_OR_NULL(m) || !path) {
		res->status = 2;
		return -EINVAL;
	}
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(res->parse_error, sizeof(res->parse_error),
			 "%s: %s", path, strerror(errno));
		res->status = 2;
		return ret;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb = krealloc(buf, cap ? cap * 2 : 8192, GFP_KERNEL);

			if (!nb) {
				fclose(f);
				kfree(buf);
				res->status = 2;
				return -ENOMEM;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	/* A directory opens but does not read: not an empty scenario. */
	if (ferror(f)) {
		ret = errno ? -errno : -EIO;
		snprintf(res->parse_error, sizeof(res->parse_error),
			 "%s: %s", path, strerror(-ret));
		fclose(f);
		kfree(buf);
		res->status = 2;
		return ret;
	}
	fclose(f);
	ret = sio_machine_run_scenario(m, path, buf, len, opts, res);
	kfree(buf);
	return ret;
}
