/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Options of an "iommu smmu NAME ..." declaration, as the scenario parser
 * fills them and machine assembly maps them onto the SMMU driver's config.
 * Kept apart from machine-priv.h so that the pure parser needs no driver
 * header.
 */
#ifndef SIO_MACHINE_MACHINE_SMMU_H
#define SIO_MACHINE_MACHINE_SMMU_H

#include <stdbool.h>

/* struct machine_smmu_opts.features (explicit feature list) */
#define MACHINE_SMMU_F_STAGE1	(1u << 0)
#define MACHINE_SMMU_F_STAGE2	(1u << 1)
#define MACHINE_SMMU_F_NESTING	(1u << 2)
#define MACHINE_SMMU_F_PRI	(1u << 3)
#define MACHINE_SMMU_F_ATS	(1u << 4)

/* Granule bits of struct machine_smmu_opts.granules */
#define MACHINE_SMMU_GRAN_4K	(1u << 0)
#define MACHINE_SMMU_GRAN_16K	(1u << 1)
#define MACHINE_SMMU_GRAN_64K	(1u << 2)

/**
 * struct machine_smmu_opts - what an SMMU declaration asks for; zero means
 * "the hardware model's default" for every field
 * @features: MACHINE_SMMU_F_*; 0 = every feature (the model's default);
 *	non-zero = exactly these (nesting implies both stages)
 * @iotlb_entries: IOTLB capacity
 * @iotlb_ways: IOTLB associativity
 * @iotlb_random: random replacement (else clock)
 * @ssid_bits: SubstreamID bits; only when @ssid_bits_set
 * @granules: MACHINE_SMMU_GRAN_*
 * @ias, @oas: address sizes in bits
 * @no_check: leave the IOTLB coherency checker off (scenarios turn it on)
 */
struct machine_smmu_opts {
	unsigned int features;
	unsigned int iotlb_entries;
	unsigned int iotlb_ways;
	bool iotlb_random;
	bool ssid_bits_set;
	unsigned int ssid_bits;
	unsigned int granules;
	unsigned int ias;
	unsigned int oas;
	bool no_check;
};

#endif /* SIO_MACHINE_MACHINE_SMMU_H */
