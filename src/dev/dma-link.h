/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device <-> IOMMU link: how a device's transactions reach the input
 * side of the IOMMU its firmware description names, and how that IOMMU's
 * messages (page responses, stall resumes, ATC invalidations) reach the
 * device.  The machine wires it when the device is created; IOMMU drivers
 * never touch it.
 * Kernel counterpart: none (the PCIe fabric and firmware's IORT/DT links).
 */
#ifndef SIO_DEV_DMA_LINK_H
#define SIO_DEV_DMA_LINK_H

#include "base/base.h"
#include "dev/device.h"

struct sio_dma_target;

/*
 * What a device's DMA does, by stage (docs/design.md, "The device <-> IOMMU
 * link"):
 *  - no IOMMU named, or the named IOMMU instance does not exist (yet): the
 *    transaction is untranslated, as on a machine without that IOMMU;
 *  - the instance exists: every transaction goes to its input side, which
 *    decides (an SMMU whose driver has not bound applies its reset state,
 *    GBPA; a bound driver's tables translate);
 *  - the device was removed, or its IOMMU instance was: aborted (-ENODEV),
 *    never untranslated.
 */

/* Kind of transaction (PCIe Address Type). */
enum sio_dma_txn_type {
	SIO_DMA_TXN_UNTRANSLATED = 0,	/* AT=00: the IOMMU translates */
	SIO_DMA_TXN_ATS_REQUEST,	/* AT=01: ATS translation request */
	SIO_DMA_TXN_TRANSLATED,		/* AT=10: address from the device's ATC */
};

/**
 * struct sio_dma_txn - one transaction as it enters an IOMMU
 * @dev: the requester
 * @sid: its stream ID (the first one its firmware description lists)
 * @pasid_valid: the transaction carries a PASID
 * @pasid: the PASID
 * @addr: input address (IOVA, or a translated address for
 *	SIO_DMA_TXN_TRANSLATED)
 * @access: SIO_DMA_READ and/or SIO_DMA_WRITE
 * @type: enum sio_dma_txn_type
 */
struct sio_dma_txn {
	struct sio_device *dev;
	u32 sid;
	bool pasid_valid;
	u32 pasid;
	u64 addr;
	unsigned int access;
	enum sio_dma_txn_type type;
};

/**
 * struct sio_dma_target_ops - an IOMMU instance's input side
 * @name: for messages ("smmu", "mock")
 * @translate: translate @txn; on success store the output address in *@pa
 *	and the bytes valid from it in *@contig (0: up to the end of the 4 KiB
 *	page).  For SIO_DMA_TXN_ATS_REQUEST nothing is accessed: the result
 *	is what the device may cache.  Called from any thread, concurrently,
 *	with no lock of the link held; must not sleep on a hit.  Return: 0,
 *	-EFAULT (terminated), -EAGAIN (page request queued or stalled: retry),
 *	-EINVAL (bad access), -EOPNOTSUPP (a transaction type the IOMMU does
 *	not implement).
 * @page_request: optional; a PRI page request from the device (ATS path).
 *	Return: 0 queued, -ENOSPC dropped on overflow, -ENODEV no PRI.
 */
struct sio_dma_target_ops {
	const char *name;
	int (*translate)(void *priv, const struct sio_dma_txn *txn, u64 *pa,
			 size_t *contig);
	int (*page_request)(void *priv, u32 sid, bool pasid_valid, u32 pasid,
			    u16 grpid, bool last, unsigned int perm, u64 addr);
};

/* PCIe Page Request Group Response codes, as a device receives them. */
enum sio_dma_prg_resp {
	SIO_DMA_PRG_SUCCESS = 0x0,
	SIO_DMA_PRG_INVALID = 0x1,
	SIO_DMA_PRG_FAILURE = 0xf,
};

/**
 * struct sio_dma_link_dev_ops - what an IOMMU says to a device
 * @pri_response: response for page request group @grpid
 * @resume: a stalled transaction @stag is retried (@retry) or terminated
 * @atc_inv: invalidate the device's ATC for [@addr, @addr + @size) of
 *	@pasid (when @pasid_valid); @global with @size 0 means everything
 *
 * Called from the IOMMU's command-consuming thread with the target's lock
 * held: record and wake only, never call back into the link or the IOMMU.
 * Any member may be NULL.
 */
struct sio_dma_link_dev_ops {
	void (*pri_response)(void *data, bool pasid_valid, u32 pasid,
			     u16 grpid, enum sio_dma_prg_resp code);
	void (*resume)(void *data, u16 stag, bool retry);
	void (*atc_inv)(void *data, bool pasid_valid, u32 pasid, u64 addr,
			u64 size, bool global);
};

/* Targets (IOMMU instances' input sides), by name on a machine. */
struct sio_dma_target *sio_dma_target_add(struct sio_machine *m,
					  const char *name,
					  const struct sio_dma_target_ops *ops,
					  void *priv);
void sio_dma_target_remove(struct sio_dma_target *t);
struct sio_dma_target *sio_dma_target_lookup(struct sio_machine *m,
					     const char *name,
					     const struct sio_dma_target_ops *ops);
void *sio_dma_target_priv(struct sio_dma_target *t);

/* Messages from a target to the device that owns stream @sid. */
void sio_dma_target_pri_response(struct sio_dma_target *t, u32 sid,
				 bool pasid_valid, u32 pasid, u16 grpid,
				 enum sio_dma_prg_resp code);
void sio_dma_target_resume(struct sio_dma_target *t, u32 sid, u16 stag,
			   bool retry);
void sio_dma_target_atc_inv(struct sio_dma_target *t, u32 sid,
			    bool pasid_valid, u32 pasid, u64 addr, u64 size,
			    bool global);

/* The device side. */
int sio_dma_link_set_dev_ops(struct sio_device *dev,
			     const struct sio_dma_link_dev_ops *ops,
			     void *data);
int sio_dma_link_page_request(struct sio_device *dev, bool pasid_valid,
			      u32 pasid, u16 grpid, bool last,
			      unsigned int perm, u64 addr);
int sio_dma_link_translate(struct sio_device *dev, bool pasid_valid,
			   u32 pasid, u64 addr, unsigned int access,
			   enum sio_dma_txn_type type, u64 *pa,
			   size_t *contig);

/* Link states a caller may ask about. */
enum sio_dma_link_state {
	SIO_DMA_LINK_NONE = 0,	/* no IOMMU in the way: untranslated */
	SIO_DMA_LINK_LIVE,	/* transactions go to the IOMMU */
	SIO_DMA_LINK_DEAD,	/* removed: every transaction aborts */
};
enum sio_dma_link_state sio_dma_link_state(struct sio_device *dev);

/* Device-model hooks (src/dev/device.c only). */
int sio_dma_link_connect(struct sio_device *dev);
void sio_dma_link_disconnect(struct sio_device *dev);
void sio_dma_link_unwire(struct sio_device *dev);
void sio_dma_link_release(struct sio_device *dev);
void sio_dma_link_machine_free(struct sio_machine *m);

#endif /* SIO_DEV_DMA_LINK_H */
