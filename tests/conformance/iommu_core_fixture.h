/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FIXTURE(iommu_core) and its variants, one per IOMMU driver kind.  Include
 * once per test file (it defines the fixture objects of that executable).
 * Later issues add a variant per driver here (e.g. smmu).
 */
#ifndef SIO_TESTS_CONFORMANCE_IOMMU_CORE_FIXTURE_H
#define SIO_TESTS_CONFORMANCE_IOMMU_CORE_FIXTURE_H

#include "fixture.h"

FIXTURE(iommu_core)
{
	struct fx fx;
	unsigned long warns0;
};

FIXTURE_VARIANT(iommu_core)
{
	enum fx_kind kind;
};

FIXTURE_VARIANT_ADD(iommu_core, mock) {
	.kind = FX_KIND_MOCK,
};

FIXTURE_VARIANT_ADD(iommu_core, smmu) {
	.kind = FX_KIND_SMMU,
};

FIXTURE_SETUP(iommu_core)
{
	ASSERT_EQ(0, fx_init(&self->fx, variant->kind, false));
	self->warns0 = fx_warns();
}

FIXTURE_TEARDOWN(iommu_core)
{
	/* A clean test leaves the core consistent before teardown too. */
	if (self->fx.m && !_metadata->failed)
		EXPECT_EQ(0, sio_iommu_check_invariants(self->fx.m));
	fx_fini(&self->fx);
}

/* Cookies for DMA ownership. */
static int owner_a __maybe_unused, owner_b __maybe_unused;
#define OWNER_A ((void *)&owner_a)
#define OWNER_B ((void *)&owner_b)

/* The number of WARNs fired since setup. */
#define NEW_WARNS() (fx_warns() - self->warns0)

#endif /* SIO_TESTS_CONFORMANCE_IOMMU_CORE_FIXTURE_H */
