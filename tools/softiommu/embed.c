// SPDX-License-Identifier: BSD-3-Clause
/*
 * Build helper: turn a text file into a C source defining a NUL-terminated
 * char array and its length (embeds scenarios/default.scn in the program).
 * Usage: embed INPUT OUTPUT SYMBOL
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	FILE *in, *out;
	unsigned long n = 0;
	int c;

	if (argc != 4) {
		fprintf(stderr, "usage: embed INPUT OUTPUT SYMBOL\n");
		return 2;
	}
	in = fopen(argv[1], "rb");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		fclose(in);
		return 1;
	}
	fprintf(out, "/* Generated from %s by embed; do not edit. */\n"
		"#include <stddef.h>\nconst char %s[] = {\n", argv[1], argv[3]);
	while ((c = fgetc(in)) != EOF) {
		fprintf(out, "%d,%s", c, (++n % 16) ? "" : "\n");
	}
	fprintf(out, "0\n};\nconst size_t %s_len = %lu;\n", argv[3], n);
	fclose(in);
	return fclose(out) ? 1 : 0;
}
