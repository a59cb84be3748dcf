/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CLI's machine-readable report (--json).
 */
#ifndef SIO_TOOLS_REPORT_H
#define SIO_TOOLS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <softiommu/machine.h>

/* Write @s as a JSON string (quoted, escaped). */
void cli_json_string(FILE *f, const char *s);
/* {"version":..,"scenarios":[ */
void cli_json_begin(FILE *f, const char *version);
/* One scenario object; @first: no comma before it. */
void cli_json_scenario(FILE *f, const char *file,
		       const struct sio_scn_result *res, bool first);
/* ],"status":N}\n */
void cli_json_end(FILE *f, int status);

#endif /* SIO_TOOLS_REPORT_H */
