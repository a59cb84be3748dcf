/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry point of `softiommu bench` for the command-line program.
 */
#ifndef SIO_BENCH_BENCH_MAIN_H
#define SIO_BENCH_BENCH_MAIN_H

/**
 * sio_bench_main() - run `softiommu bench [NAME...] [--json] [--quick] [--list]`
 * @argc: argument count
 * @argv: arguments; @argv[0] is the subcommand ("bench"), options follow
 *
 * Context: the main thread, registered as an RCU reader, holding no lock
 * and with no machine built (lockdep is switched off for the run).
 * Return: 0 when the benchmarks ran (a ratio missing its bar does not fail
 * the run), 2 for bad usage.
 */
int sio_bench_main(int argc, char **argv);

#endif /* SIO_BENCH_BENCH_MAIN_H */
