/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SMMU IOMMU driver: the driver contract implemented over the software
 * SMMU hardware model.  This header is what machine assembly and tests use:
 * create/destroy an instance, reach its hardware, submit a raw command.
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c
 */
#ifndef SIO_DRIVERS_SMMU_SMMU_H
#define SIO_DRIVERS_SMMU_SMMU_H

#include "base/base.h"
#include "hw/hw-smmu.h"
#include <softiommu/iommu-driver.h>

struct sio_machine;

/**
 * struct smmu_iommu_config - how the driver runs one SMMU
 * @cmdq_log2: command queue entries, log2 (0 = 8; clamped to IDR1.CMDQS)
 * @evtq_log2: event queue entries, log2 (0 = 7; clamped to IDR1.EVTQS)
 * @check_iotlb: turn the model's IOTLB coherency checker on (strict)
 *
 * What the hardware implements is the machine's (struct
 * sio_hw_smmu_config, given to sio_hw_smmu_add()), not the driver's.
 */
struct smmu_iommu_config {
	unsigned int cmdq_log2;
	unsigned int evtq_log2;
	bool check_iotlb;
};

/*
 * Bind the driver to the machine's SMMU @name; unbind.  Kernel-doc for the
 * functions of this header, with their lock rules, in smmu-main.c and
 * smmu-evtq.c.
 */
struct iommu_device *smmu_iommu_create(struct sio_machine *m, const char *name,
				       const struct smmu_iommu_config *cfg);

void smmu_iommu_destroy(struct iommu_device *iommu);

/* Return: true if @iommu is an SMMU driver instance.  Context: any. */
bool smmu_iommu_is(const struct iommu_device *iommu);

/* The hardware model of an instance, or NULL if @iommu is not an SMMU. */
struct sio_hw_smmu *smmu_iommu_hw(struct iommu_device *iommu);

/**
 * struct smmu_iommu_stats - driver-side counters (since creation)
 * @cmds: commands submitted (SYNCs included)
 * @syncs: CMD_SYNCs submitted
 * @cmd_errors: illegal commands the hardware refused and the driver skipped
 * @gerror_irqs: GERROR interrupts
 * @events: event records consumed by the event thread
 * @evtq_overflows: event queue overflow episodes seen
 * @faults_reported: report_iommu_fault() calls
 */
struct smmu_iommu_stats {
	u64 cmds;
	u64 syncs;
	u64 cmd_errors;
	u64 gerror_irqs;
	u64 events;
	u64 evtq_overflows;
	u64 faults_reported;
};

/* Snapshot the counters.  Context: any. */
void smmu_iommu_get_stats(struct iommu_device *iommu,
			  struct smmu_iommu_stats *st);

/*
 * Submit one raw command, then a CMD_SYNC (diagnostics and fault injection):
 * 0, -EIO (refused and skipped) or -EINVAL.
 */
int smmu_iommu_submit_cmd(struct iommu_device *iommu, u64 cmd0, u64 cmd1);

/* Wait until the event thread consumed the records queued so far. */
void smmu_iommu_flush_events(struct iommu_device *iommu);

/* The domain @dev's RID STEs were last programmed for, or NULL. */
struct iommu_domain *smmu_dev_attached_domain(struct sio_device *dev);

#endif /* SIO_DRIVERS_SMMU_SMMU_H */
