/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the softiommu program's files share: the parsed command line and
 * the scenario-level fail-nth runs (fail-nth.c).
 */
#ifndef SIO_TOOLS_CLI_H
#define SIO_TOOLS_CLI_H

#include <stdbool.h>

/* The options of the command line. */
struct cli {
	unsigned int flags; /* SIO_SCN_* */
	bool json;
	bool virtual_clock;
	unsigned int fail_nth; /* --fail-nth=N: fail the N-th allocation */
	unsigned int fail_nth_step; /* --fail-nth-sweep[=K]: K; 0 = no sweep */
};

int cli_fail_nth(const struct cli *c, unsigned int nth, unsigned int step,
		 char **files, int nfiles);

#endif /* SIO_TOOLS_CLI_H */
