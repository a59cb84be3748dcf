/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The internal interface of softiommu's own programs: what the softiommu
 * program (tools/softiommu) needs beyond the public API, and which private
 * headers the benchmarks (bench/) may include.  NOT INSTALLED and no ABI:
 * a library user needs none of it, and the symbols below are not exported
 * by libsoftiommu.so (the programs link the library's objects statically).
 *
 * tools/softiommu is compiled with include/ and include-internal/ only on
 * its include path, so it can reach nothing else.  Implemented by
 * src/machine/sio-internal.c and the scenario files (scn-parse.c,
 * scn-run.c); sio-internal.c includes this header next to machine/scn.h,
 * so a prototype here that drifts from its definition fails the build.
 */
#ifndef SOFTIOMMU_INTERNAL_H
#define SOFTIOMMU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <softiommu/machine.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ---- the scenario interpreter, piece by piece ----
 *
 * The public sio_machine_run_scenario() runs a whole text.  `softiommu
 * check` parses without running, and `softiommu shell` feeds one command
 * line at a time to an interpreter that lives across lines.
 */

/* A parsed scenario (opaque here). */
struct sio_scn_script;
/* Interpreter state bound to one machine (opaque here). */
struct sio_scn_ctx;

/*
 * sio_scn_parse_text() - parse scenario text
 * @name: file name for messages
 * @buf, @len: the text (need not be NUL-terminated)
 * @first_line: line number of @buf's first line
 * @out: the script on success (sio_scn_script_free() it)
 * @msg, @msglen: on -EINVAL, "NAME:LINE:COL: error: WHAT"
 * Return: 0, -EINVAL (malformed), -ENOMEM.
 */
int sio_scn_parse_text(const char *name, const char *buf, size_t len,
		       unsigned int first_line, struct sio_scn_script **out,
		       char *msg, size_t msglen);
/* Number of commands in @s. */
unsigned int sio_scn_script_ncmds(const struct sio_scn_script *s);
void sio_scn_script_free(struct sio_scn_script *s);

/*
 * Interpreter state for running scripts on @m: create (resets the log and
 * WARN counts; the context or an error pointer), run a script (failures
 * are recorded, 0 returned), record a malformed line (status 2), and
 * finish (frees named objects, prints the summary, fills @res, frees @ctx;
 * the machine stays).
 */
struct sio_scn_ctx *sio_scn_ctx_create(struct sio_machine *m, const char *name,
				       const struct sio_scn_opts *opts);
int sio_scn_ctx_run(struct sio_scn_ctx *ctx, const struct sio_scn_script *s);
void sio_scn_ctx_parse_error(struct sio_scn_ctx *ctx, const char *msg);
void sio_scn_ctx_finish(struct sio_scn_ctx *ctx, struct sio_scn_result *res);

/*
 * ---- leak accounting ----
 *
 * sio_alloc_live_settled() - objects the library's allocator holds once
 * every deferred (RCU) free queued so far has run.  The program compares
 * it before and after each scenario: a machine must free all it made.
 */
long sio_alloc_live_settled(void);

/*
 * ---- WARNs and allocation-failure injection (softiommu run --fail-nth) ----
 *
 * sio_warn_count() - WARNs fired since the last reset (each scenario's
 * start resets them).  sio_warn_sites() - call @fn for each WARN site
 * that fired since then, until it returns non-zero; Return: 0 or that
 * value.
 */
struct sio_warn_info {
	const char *func;		/* function of the WARN */
	const char *file;		/* its source file, as compiled */
	int line;
	unsigned long count;		/* times it fired */
};
unsigned long sio_warn_count(void);
int sio_warn_sites(int (*fn)(const struct sio_warn_info *w, void *data),
		   void *data);

/*
 * Fail-nth on the calling thread, as the kernel's
 * /proc/self/task/<tid>/fail-nth: sio_fail_nth_set(n) makes the n-th
 * allocation from now fail, once (0 disarms); both reset the counters.
 * sio_fail_nth_fired() - did the armed failure happen?
 * sio_fail_nth_calls() - allocations attempted on this thread since the
 * last sio_fail_nth_set() (the failure points of what ran meanwhile).
 * sio_fail_nth_site() - the function whose allocation failed, or NULL
 * (not fired, or an allocator that does not name its caller).
 */
void sio_fail_nth_set(unsigned int n);
bool sio_fail_nth_fired(void);
unsigned long sio_fail_nth_calls(void);
const char *sio_fail_nth_site(void);

/*
 * ---- benchmarks ----
 *
 * sio_bench_main() - `softiommu bench [NAME...] [--json] [--quick]
 * [--list]`; @argv[0] is "bench".  Defined in bench/bench-main.c (the
 * bench library the program links), not in libsoftiommu.  Call it before
 * any machine exists (it switches lockdep off).  Return: 0 when the
 * benchmarks ran, 2 for bad usage.
 */
int sio_bench_main(int argc, char **argv);

/*
 * ---- what bench/ may include ----
 *
 * The benchmarks measure internals no public API reaches (the IOVA
 * allocator, the hardware IOTLB, page-table walks), so bench/ includes
 * private headers: these, and no others.  The test internal-includes
 * (tests/install/check-includes.py) reads this list and checks every
 * #include "..." of bench/ against it.
 *
 * BENCH-PRIVATE-INCLUDES
 *   base/base.h             u64, WARN and allocator counts (every file)
 *   base/lockdep.h          lockdep off for the measured loops (bench-main)
 *   base/rcu.h              B3/B4 worker threads register as readers
 *   dma/dma-mapping.h       B1-B3 and scaling time the DMA API itself
 *   dma/iova.h              B4 ages the IOVA allocator directly
 *   hw/hw-smmu.h            B2/B5/B6: IOTLB statistics and raw translation
 *   mem/phys-mem.h          the rig's simulated RAM
 *   pgtable/io-pgtable.h    the rig writes its stage-1 tables itself
 *   dev/device.h            sys: the device's bound driver
 *   drivers/smmu/smmu.h     sys: an SMMU instance with chosen IOTLB size
 *   machine/machine-priv.h  sys: the machine's RAM, for buffers
 * END
 */

#ifdef __cplusplus
}
#endif

#endif /* SOFTIOMMU_INTERNAL_H */
