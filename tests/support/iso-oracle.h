/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The isolation oracle: a shadow record of what every device was granted
 * (the live mappings of the domains it is attached to, with their
 * permissions, and the ranges a lazy unmap left waiting for a flush), and
 * a check of every device access against it.  Tests and fuzzers start it
 * before they build a machine and ask it for violations at the end (or
 * after every step).  docs/testing.md describes what it checks.
 */
#ifndef SIO_TESTS_SUPPORT_ISO_ORACLE_H
#define SIO_TESTS_SUPPORT_ISO_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

struct iso_oracle;
struct sio_device;

/* iso_oracle_start() flags */
#define ISO_ORACLE_ABORT (1U << 0) /* abort() at the first violation */
#define ISO_ORACLE_QUIET (1U << 1) /* do not print violations to stderr */

/**
 * struct iso_oracle_stats - what the oracle saw (since its start)
 * @checked: successful device accesses checked against a grant record
 * @refused: accesses the IOMMU refused (faults; never a violation)
 * @unchecked: successful accesses through a domain the oracle does not
 *	shadow (SVA, nested, platform) or with no IOMMU in the way
 * @violations: accesses that reached memory no grant allowed
 * @grants: iommu_map() calls recorded
 * @strict_unmaps: ranges revoked at once (iommu_unmap(), strict DMA unmap)
 * @deferred_unmaps: ranges left pending by a lazy DMA unmap
 * @releases: pending ranges whose flush completed
 * @live: ranges granted now; @pending: ranges waiting for a flush now
 */
struct iso_oracle_stats {
	unsigned long checked, refused, unchecked, violations;
	unsigned long grants, strict_unmaps, deferred_unmaps, releases;
	unsigned long live, pending;
};

/*
 * iso_oracle_start() - install the oracle for every machine of the process
 * @flags: ISO_ORACLE_*
 *
 * Start it before the machine under test maps anything (earlier mappings
 * are unknown to it, and accesses to them are violations).  At most one
 * oracle runs at a time.  Context: no DMA, map or unmap running.
 * Return: the oracle, or NULL (one is already running, or out of memory).
 */
struct iso_oracle *iso_oracle_start(unsigned int flags);

/*
 * iso_oracle_stop() - uninstall and free @o (NULL is ignored)
 * Context: as iso_oracle_start().
 * Return: the number of violations it saw.
 */
unsigned long iso_oracle_stop(struct iso_oracle *o);

/* Violations so far.  Context: any. */
unsigned long iso_oracle_violations(struct iso_oracle *o);

/* A snapshot of the counters.  Context: any. */
void iso_oracle_get_stats(struct iso_oracle *o, struct iso_oracle_stats *st);

/*
 * The first violation's report (a line of text), or "" if none.  The
 * string lives until iso_oracle_stop().
 */
const char *iso_oracle_first_violation(struct iso_oracle *o);

/*
 * iso_oracle_probe() - let @dev try to read every page the oracle saw
 * revoked recently (strict unmaps and completed flushes of the domains
 * @dev's RID is attached to): each try goes through the DMA link like any
 * transaction, so a stale translation shows up as a violation even when
 * the code under test never touches that address again.
 * Context: no lock held; @dev must stay valid.
 * Return: how many addresses were tried.
 */
unsigned int iso_oracle_probe(struct iso_oracle *o, struct sio_device *dev);

#endif /* SIO_TESTS_SUPPORT_ISO_ORACLE_H */
