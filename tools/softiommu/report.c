// SPDX-License-Identifier: BSD-3-Clause
/*
 * The CLI's machine-readable report (--json): one object per scenario with
 * its counts, exit status and failures (file:line), and the overall status.
 */
#include "report.h"

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void cli_json_begin(FILE *f, const char *version)
{
	fputs("{\"version\":", f);
	cli_json_string(f, version);
	fputs(",\"scenarios\":[", f);
}

void cli_json_scenario(FILE *f, const char *file,
		       const struct sio_scn_result *res, bool first)
{
	unsigned int i;

	fprintf(f, "%s\n{\"file\":", first ? "" : ",");
	cli_json_string(f, file);
	fprintf(f, ",\"status\":%d,\"lines\":%u,\"commands\":%u,"
		"\"expects_passed\":%u,\"expects_failed\":%u,"
		"\"warns\":%lu,\"unexpected_warns\":%lu,\"parse_error\":",
		res->status, res->lines, res->commands, res->expects_passed,
		res->expects_failed, res->warns, res->unexpected_warns);
	if (res->parse_error[0])
		cli_json_string(f, res->parse_error);
	else
		fputs("null", f);
	fputs(",\"failures\":[", f);
	for (i = 0; i < res->num_failures; i++) {
		fprintf(f, "%s{\"file\":", i ? "," : "");
		cli_json_string(f, file);
		fprintf(f, ",\"line\":%u,\"message\":", res->failures[i].line);
		cli_json_string(f, res->failures[i].message);
		fputc('}', f);
	}
	fputs("]}", f);
}

void cli_json_end(FILE *f, int status)
{
	fprintf(f, "\n],\"status\":%d}\n", status);
}
