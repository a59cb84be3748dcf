/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hardware interface of the software SMMU: register offsets and fields,
 * and the in-memory layouts (stream table entry, context descriptor,
 * command, event record, page request) that a driver programs.
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h
 *
 * Modelled on Arm SMMUv3 (IHI 0070); where this model simplifies, the
 * encoding is our own and is described here.  Everything below is what the
 * driver may rely on; nothing else about the model is visible to it.
 *
 * Registers (little-endian, reached with sio_hw_smmu_read32/write32 and
 * read64/write64 from hw-smmu.h; an unknown offset or a wrong access width
 * reads as zero, ignores writes and WARNs, as it is a driver bug):
 *
 *   offset  width  name             access
 *   0x000   32     IDR0             RO  features
 *   0x004   32     IDR1             RO  ID sizes and queue sizes
 *   0x008   32     IDR2             RO  IOTLB capacity (entries)
 *   0x014   32     IDR5             RO  OAS, IAS, granules
 *   0x020   32     CR0              RW  enables
 *   0x024   32     CR0ACK           RO  mirrors CR0 once applied (at once)
 *   0x044   32     GBPA             RW  global bypass attribute
 *   0x050   32     IRQ_CTRL         RW  interrupt enables
 *   0x054   32     IRQ_CTRLACK      RO  mirrors IRQ_CTRL
 *   0x060   32     GERROR           RO  global errors (active: != GERRORN)
 *   0x064   32     GERRORN          RW  acknowledge by copying GERROR bits
 *   0x080   64     STRTAB_BASE      RW  stream table PA
 *   0x088   32     STRTAB_BASE_CFG  RW  stream table size and format
 *   0x090   64     CMDQ_BASE        RW  command queue PA + log2 size
 *   0x098   32     CMDQ_PROD        RW  driver's producer index
 *   0x09c   32     CMDQ_CONS        RO  model's consumer index + error
 *   0x0a0   64     EVTQ_BASE        RW  event queue PA + log2 size
 *   0x0a8   32     EVTQ_PROD        RO  model's producer index + overflow
 *   0x0ac   32     EVTQ_CONS        RW  driver's consumer index + ovf ack
 *   0x0c0   64     PRIQ_BASE        RW  PRI queue PA + log2 size
 *   0x0c8   32     PRIQ_PROD        RO  model's producer index + overflow
 *   0x0cc   32     PRIQ_CONS        RW  driver's consumer index + ovf ack
 *
 * The base and size registers of a queue (and of the stream table) may only
 * be written while that queue (SMMUEN for the stream table) is disabled in
 * CR0; a write while enabled is ignored with a WARN.
 *
 * Queues (SMMUv3 style): a queue of 2^LOG2SIZE entries lives at a PA aligned
 * to its size in bytes.  PROD and CONS hold the index in bits
 * [LOG2SIZE-1:0] and a wrap bit at bit LOG2SIZE; the queue is empty when
 * PROD == CONS and full when the indexes match but the wrap bits differ.
 *
 * Command queue: the driver writes commands at PROD, then writes CMDQ_PROD.
 * The model consumes every command up to PROD SYNCHRONOUSLY, in the thread
 * that wrote CMDQ_PROD, before that write returns; so when the write
 * returns, CMDQ_CONS == CMDQ_PROD unless an error stopped the queue.  A
 * CMD_SYNC therefore completes when it is consumed, and completes every
 * command before it.  An illegal command (unknown opcode, reserved value,
 * field out of range) stops consumption: CMDQ_CONS points at it with
 * CMDQ_CONS.ERR = CERROR_ILL, GERROR.CMDQ_ERR toggles, the GERROR interrupt
 * fires, and further CMDQ_PROD writes only record PROD.  The driver recovers
 * by rewriting the bad slot (e.g. with a CMD_SYNC) and acknowledging with
 * GERRORN; consumption then resumes from CMDQ_CONS in the acknowledging
 * thread.
 *
 * Event and PRI queues: the model writes a record at PROD and then advances
 * PROD; the driver reads records between CONS and PROD and writes CONS.  A
 * record that finds the queue full is dropped and PROD.OVFLG toggles (if it
 * was equal to CONS.OVACKFLG, i.e. one toggle per overflow episode); the
 * driver acknowledges by writing CONS with OVACKFLG = PROD.OVFLG.  A PRI
 * request with LAST=1 dropped on overflow gets an automatic PRG response
 * with code SUCCESS (so the device retries its translation); partial
 * requests are dropped silently, so the driver must discard any partial
 * groups it holds (iopf_queue_discard_partial()) when it sees the overflow.
 *
 * Interrupts: when a record is added to the event (PRI) queue and
 * IRQ_CTRL.EVTQ_IRQEN (PRIQ_IRQEN) is set, the model calls the handler
 * registered with sio_hw_smmu_set_irq_handler(); likewise for GERROR.  The
 * handler runs in the thread that caused it (a translating device thread or
 * the thread that wrote CMDQ_PROD) with no model lock held except the
 * interrupt line's own; it should wake the driver's thread.
 *
 * Translation structures are read by the model as hardware would: the
 * model caches STEs and CDs (a configuration cache filled on use) and
 * translations (the IOTLB).  After changing an STE the driver must issue
 * CFGI_STE (which also drops every cached CD of that stream); after
 * changing a CD, CFGI_CD; after changing page tables, TLBI; then CMD_SYNC.
 * Words of STEs, CDs and page tables should be written with the 64-bit
 * accessors of mem/phys-mem.h (single-copy atomic, as the model reads them).
 */
#ifndef SIO_HW_HW_SMMU_REGS_H
#define SIO_HW_HW_SMMU_REGS_H

#include "base/types.h"

/* Field helpers over a contiguous mask (the mask must be a constant). */
#define SIO_SMMU_FIELD_GET(mask, val)                                         \
	((u64)(((u64)(val) & (u64)(mask)) >> __builtin_ctzll((u64)(mask))))
#define SIO_SMMU_FIELD_PREP(mask, val)                                        \
	((((u64)(val)) << __builtin_ctzll((u64)(mask))) & (u64)(mask))

/* ---------------------------------------------------------------- registers */

#define SIO_SMMU_IDR0			0x000
#define SIO_SMMU_IDR0_S2P		BIT(0)	/* stage 2 */
#define SIO_SMMU_IDR0_S1P		BIT(1)	/* stage 1 */
#define SIO_SMMU_IDR0_NEST		BIT(2)	/* STE.CONFIG NESTED */
#define SIO_SMMU_IDR0_ATS		BIT(3)
#define SIO_SMMU_IDR0_PRI		BIT(4)	/* PRI queue, STE1.PRI */
#define SIO_SMMU_IDR0_STALL		BIT(5)	/* CD0.S stall model */
#define SIO_SMMU_IDR0_COHACC		BIT(6)	/* always 1: coherent walks */
#define SIO_SMMU_IDR0_ASID16		BIT(7)	/* always 1 */
#define SIO_SMMU_IDR0_VMID16		BIT(8)	/* always 1 */

#define SIO_SMMU_IDR1			0x004
#define SIO_SMMU_IDR1_SIDSIZE		GENMASK(5, 0)	/* StreamID bits */
#define SIO_SMMU_IDR1_SSIDSIZE		GENMASK(10, 6)	/* SubstreamID bits */
#define SIO_SMMU_IDR1_CMDQS		GENMASK(15, 11)	/* max log2 entries */
#define SIO_SMMU_IDR1_EVTQS		GENMASK(20, 16)
#define SIO_SMMU_IDR1_PRIQS		GENMASK(25, 21)

#define SIO_SMMU_IDR2			0x008	/* IOTLB entries (information) */

#define SIO_SMMU_IDR5			0x014
#define SIO_SMMU_IDR5_OAS		GENMASK(7, 0)	/* bits, e.g. 48 */
#define SIO_SMMU_IDR5_IAS		GENMASK(15, 8)	/* bits, e.g. 48 */
#define SIO_SMMU_IDR5_GRAN4K		BIT(16)
#define SIO_SMMU_IDR5_GRAN16K		BIT(17)
#define SIO_SMMU_IDR5_GRAN64K		BIT(18)

#define SIO_SMMU_CR0			0x020
#define SIO_SMMU_CR0_SMMUEN		BIT(0)	/* translate (else GBPA) */
#define SIO_SMMU_CR0_PRIQEN		BIT(1)
#define SIO_SMMU_CR0_EVTQEN		BIT(2)
#define SIO_SMMU_CR0_CMDQEN		BIT(3)
#define SIO_SMMU_CR0ACK			0x024

/*
 * GBPA: what happens to transactions while SMMUEN = 0.  ABORT = 1 terminates
 * them (no event), else they bypass (PA = IOVA).  Reset value: ABORT.
 * UPDATE (bit 31) is accepted and reads back as 0: updates are immediate.
 */
#define SIO_SMMU_GBPA			0x044
#define SIO_SMMU_GBPA_ABORT		BIT(20)
#define SIO_SMMU_GBPA_UPDATE		BIT(31)

#define SIO_SMMU_IRQ_CTRL		0x050
#define SIO_SMMU_IRQ_CTRL_GERROR_IRQEN	BIT(0)
#define SIO_SMMU_IRQ_CTRL_PRIQ_IRQEN	BIT(1)
#define SIO_SMMU_IRQ_CTRL_EVTQ_IRQEN	BIT(2)
#define SIO_SMMU_IRQ_CTRLACK		0x054

/* An error is active while its GERROR bit differs from the GERRORN bit. */
#define SIO_SMMU_GERROR			0x060
#define SIO_SMMU_GERRORN		0x064
#define SIO_SMMU_GERROR_CMDQ_ERR	BIT(0)
/* Writing a record hit memory outside RAM: the record was dropped. */
#define SIO_SMMU_GERROR_EVTQ_ABT_ERR	BIT(2)
#define SIO_SMMU_GERROR_PRIQ_ABT_ERR	BIT(3)

#define SIO_SMMU_STRTAB_BASE		0x080
#define SIO_SMMU_STRTAB_BASE_ADDR	GENMASK_ULL(51, 6)
#define SIO_SMMU_STRTAB_BASE_CFG	0x088
#define SIO_SMMU_STRTAB_CFG_LOG2SIZE	GENMASK(5, 0)	/* <= SIDSIZE */
#define SIO_SMMU_STRTAB_CFG_FMT		GENMASK(17, 16)
#define SIO_SMMU_STRTAB_CFG_FMT_LINEAR	0	/* the only format */

/* Queue base registers: PA (aligned to the queue size) | LOG2SIZE. */
#define SIO_SMMU_Q_BASE_ADDR		GENMASK_ULL(51, 5)
#define SIO_SMMU_Q_BASE_LOG2SIZE	GENMASK_ULL(4, 0)
#define SIO_SMMU_Q_OVF			BIT(31)	/* PROD.OVFLG / CONS.OVACKFLG */

#define SIO_SMMU_CMDQ_BASE		0x090
#define SIO_SMMU_CMDQ_PROD		0x098
#define SIO_SMMU_CMDQ_CONS		0x09c
#define SIO_SMMU_CMDQ_CONS_ERR		GENMASK(30, 24)
#define SIO_SMMU_CERROR_NONE		0
#define SIO_SMMU_CERROR_ILL		1	/* illegal command */
#define SIO_SMMU_CERROR_ABT		2	/* abort fetching the command */

#define SIO_SMMU_EVTQ_BASE		0x0a0
#define SIO_SMMU_EVTQ_PROD		0x0a8
#define SIO_SMMU_EVTQ_CONS		0x0ac

#define SIO_SMMU_PRIQ_BASE		0x0c0
#define SIO_SMMU_PRIQ_PROD		0x0c8
#define SIO_SMMU_PRIQ_CONS		0x0cc

#define SIO_SMMU_REG_SPACE		0x100

/* ------------------------------------------------ stream table entry (STE) */

/*
 * 64 bytes (8 little-endian u64 words), at STRTAB_BASE + SID * 64; the
 * table has 2^STRTAB_BASE_CFG.LOG2SIZE entries.  Words 4-7 are reserved.
 */
#define SIO_SMMU_STE_DWORDS		8
#define SIO_SMMU_STE_SIZE		64

#define SIO_SMMU_STE0_V			BIT_ULL(0)
#define SIO_SMMU_STE0_CONFIG		GENMASK_ULL(3, 1)
#define SIO_SMMU_STE0_CONFIG_ABORT	0	/* terminate, no event */
#define SIO_SMMU_STE0_CONFIG_BYPASS	4	/* PA = IOVA */
#define SIO_SMMU_STE0_CONFIG_S1_TRANS	5	/* stage 1 only */
#define SIO_SMMU_STE0_CONFIG_S2_TRANS	6	/* stage 2 only */
#define SIO_SMMU_STE0_CONFIG_NESTED	7	/* stage 1 then stage 2 */
#define SIO_SMMU_STE0_S1FMT		GENMASK_ULL(5, 4)	/* 0: linear */
/* CD table address; an IPA (translated by stage 2) when CONFIG = NESTED. */
#define SIO_SMMU_STE0_S1CTXPTR		GENMASK_ULL(51, 6)
/* log2 of the number of CDs; 0 = one CD and no substreams. */
#define SIO_SMMU_STE0_S1CDMAX		GENMASK_ULL(63, 59)

/* What a transaction without a SubstreamID does when S1CDMAX > 0. */
#define SIO_SMMU_STE1_S1DSS		GENMASK_ULL(1, 0)
#define SIO_SMMU_STE1_S1DSS_TERMINATE	0	/* F_STREAM_DISABLED event */
#define SIO_SMMU_STE1_S1DSS_BYPASS	1	/* skip stage 1 */
#define SIO_SMMU_STE1_S1DSS_SSID0	2	/* use CD 0 */
#define SIO_SMMU_STE1_S1STALLD		BIT_ULL(27)	/* CD0.S is illegal */
#define SIO_SMMU_STE1_EATS		GENMASK_ULL(29, 28)	/* ATS allowed */
/*
 * Own bit: PRI.  A stage-1 translation or permission fault on a transaction
 * of this stream becomes a page request on the PRI queue (no event) while
 * CR0.PRIQEN is set and the CD records faults; the device sees -EAGAIN and
 * retries after the PRI_RESP.  Requires IDR0.PRI.
 */
#define SIO_SMMU_STE1_PRI		BIT_ULL(32)

/*
 * Stage 2 (VTCR-like).  S2VMID also tags stage-1-only translations (set it
 * to 0 for plain stage 1, as Linux does).  S2TG: 0 = 4K, 1 = 64K, 2 = 16K.
 * S2SL0 is the VTCR.SL0 encoding: for 4K, 0/1/2 = start at level 2/1/0; for
 * 16K and 64K, 0/1/2 = start at level 3/2/1.  The top table may be a
 * concatenation of up to 16 tables (as the architecture allows).  S2PS:
 * 0..6 = 32, 36, 40, 42, 44, 48, 52 bits.  S2AFFD: access-flag faults
 * disabled.  S2R: record stage-2 faults as events (else they are silent).
 */
#define SIO_SMMU_STE2_S2VMID		GENMASK_ULL(15, 0)
#define SIO_SMMU_STE2_S2T0SZ		GENMASK_ULL(37, 32)
#define SIO_SMMU_STE2_S2SL0		GENMASK_ULL(39, 38)
#define SIO_SMMU_STE2_S2TG		GENMASK_ULL(47, 46)
#define SIO_SMMU_STE2_S2PS		GENMASK_ULL(50, 48)
#define SIO_SMMU_STE2_S2AA64		BIT_ULL(51)
#define SIO_SMMU_STE2_S2AFFD		BIT_ULL(53)
#define SIO_SMMU_STE2_S2R		BIT_ULL(58)

#define SIO_SMMU_STE3_S2TTB		GENMASK_ULL(51, 4)

/* Translation granule encodings of CD0.TG0 and STE2.S2TG. */
#define SIO_SMMU_TG_4K			0
#define SIO_SMMU_TG_64K			1
#define SIO_SMMU_TG_16K			2

/* ------------------------------------------------ context descriptor (CD) */

/*
 * 64 bytes (8 u64), at S1CTXPTR + SSID * 64 (linear CD table).  Only TTB0
 * (the lower half of the input space) is supported: addresses at or above
 * 2^(64 - T0SZ) fault with F_TRANSLATION.  The start level follows from
 * T0SZ and TG0.  IPS: as S2PS.  AFFD: access-flag faults disabled.
 * EPD0: walks disabled; IOTLB hits still translate, every miss faults.
 * S: stall faults (needs IDR0.STALL, not STE1.S1STALLD): a faulting
 * transaction is held, an event with STALL=1 and a STAG is recorded and the
 * device sees -EAGAIN until RESUME.  R: record faults (events, page
 * requests); R = 0 makes stage-1 faults silent (-EFAULT, nothing queued).
 *
 * The "quiet" CD used when an address space is released (SVA mm release):
 * V = 1, EPD0 = 1, R = 0 - the CD stays valid, nothing translates, nothing
 * is reported.
 */
#define SIO_SMMU_CD_DWORDS		8
#define SIO_SMMU_CD_SIZE		64

#define SIO_SMMU_CD0_T0SZ		GENMASK_ULL(5, 0)
#define SIO_SMMU_CD0_TG0		GENMASK_ULL(7, 6)
#define SIO_SMMU_CD0_EPD0		BIT_ULL(14)
#define SIO_SMMU_CD0_EPD1		BIT_ULL(30)
#define SIO_SMMU_CD0_V			BIT_ULL(31)
#define SIO_SMMU_CD0_IPS		GENMASK_ULL(34, 32)
#define SIO_SMMU_CD0_AFFD		BIT_ULL(35)
#define SIO_SMMU_CD0_AA64		BIT_ULL(41)
#define SIO_SMMU_CD0_S			BIT_ULL(44)
#define SIO_SMMU_CD0_R			BIT_ULL(45)
#define SIO_SMMU_CD0_A			BIT_ULL(46)
#define SIO_SMMU_CD0_ASID		GENMASK_ULL(63, 48)

#define SIO_SMMU_CD1_TTB0		GENMASK_ULL(51, 4)

/* ------------------------------------------------------------- commands */

/*
 * 16 bytes (2 u64).  CMD0[7:0] is the opcode (SMMUv3 values).  Fields:
 *
 *   CFGI_STE      SID; CMD1.LEAF (ignored)
 *   CFGI_ALL      -
 *   CFGI_CD       SID, SSID; CMD1.LEAF (ignored)
 *   CFGI_CD_ALL   SID
 *   TLBI_NH_ALL   VMID            stage-1 and nested entries of VMID
 *   TLBI_NH_ASID  VMID, ASID      stage-1 and nested entries of (VMID, ASID)
 *   TLBI_NH_VA    VMID, ASID, ADDR, RANGE, LEAF
 *   TLBI_S12_VMALL VMID           every entry of VMID
 *   TLBI_S2_IPA   VMID, ADDR, RANGE, LEAF   stage-2-only entries
 *   TLBI_NSNH_ALL -               everything
 *   ATC_INV       SID, SSID, SSV; CMD1.GLOBAL, CMD1.SIZE, ADDR
 *   PRI_RESP      SID, SSID, SSV; CMD1.GRPID, CMD1.RESP
 *   RESUME        SID, CMD0.RESUME_RESP; CMD1.STAG
 *   CMD_SYNC      CMD0.CS, CMD0.MSIDATA, CMD1.MSIADDR
 *
 * RANGE (TLBI_NH_VA, TLBI_S2_IPA): 0 invalidates the entries that contain
 * ADDR; 12..52 invalidates every entry overlapping [ADDR, ADDR + 2^RANGE),
 * ADDR aligned to 2^RANGE.  Combined (nested) entries are tagged by the
 * stage-1 address, so after changing a stage-2 table of a nested stream the
 * driver must also issue TLBI_NH_ALL or TLBI_S12_VMALL for the VMID (as the
 * Linux driver does for a nesting parent).
 *
 * CMD_SYNC with CS = SIG_IRQ and MSIADDR != 0 writes the 32-bit MSIDATA at
 * MSIADDR (4-byte aligned, in RAM) when it completes (the Linux driver's
 * MSI polling); CS = SIG_SEV and SIG_NONE just complete.
 */
#define SIO_SMMU_CMD_DWORDS		2
#define SIO_SMMU_CMD_SIZE		16

#define SIO_SMMU_CMD0_OP		GENMASK_ULL(7, 0)
#define SIO_SMMU_CMD0_SSV		BIT_ULL(11)
#define SIO_SMMU_CMD0_SSID		GENMASK_ULL(31, 12)
#define SIO_SMMU_CMD0_SID		GENMASK_ULL(63, 32)
#define SIO_SMMU_CMD0_VMID		GENMASK_ULL(47, 32)
#define SIO_SMMU_CMD0_ASID		GENMASK_ULL(63, 48)
#define SIO_SMMU_CMD0_RANGE		GENMASK_ULL(29, 24)
#define SIO_SMMU_CMD0_CS		GENMASK_ULL(13, 12)
#define SIO_SMMU_CMD0_RESUME_RESP	GENMASK_ULL(13, 12)
#define SIO_SMMU_CMD0_MSIDATA		GENMASK_ULL(63, 32)

#define SIO_SMMU_CMD1_LEAF		BIT_ULL(0)
#define SIO_SMMU_CMD1_ADDR		GENMASK_ULL(63, 12)
#define SIO_SMMU_CMD1_ATC_GLOBAL	BIT_ULL(0)
#define SIO_SMMU_CMD1_ATC_SIZE		GENMASK_ULL(5, 0) /* log2 4K pages */
#define SIO_SMMU_CMD1_GRPID		GENMASK_ULL(8, 0)
#define SIO_SMMU_CMD1_RESP		GENMASK_ULL(13, 12)
#define SIO_SMMU_CMD1_STAG		GENMASK_ULL(15, 0)
#define SIO_SMMU_CMD1_MSIADDR		GENMASK_ULL(51, 2)

#define SIO_SMMU_CMD_CFGI_STE		0x03
#define SIO_SMMU_CMD_CFGI_ALL		0x04
#define SIO_SMMU_CMD_CFGI_CD		0x05
#define SIO_SMMU_CMD_CFGI_CD_ALL	0x06
#define SIO_SMMU_CMD_TLBI_NH_ALL	0x10
#define SIO_SMMU_CMD_TLBI_NH_ASID	0x11
#define SIO_SMMU_CMD_TLBI_NH_VA		0x12
#define SIO_SMMU_CMD_TLBI_S12_VMALL	0x28
#define SIO_SMMU_CMD_TLBI_S2_IPA	0x2a
#define SIO_SMMU_CMD_TLBI_NSNH_ALL	0x30
#define SIO_SMMU_CMD_ATC_INV		0x40
#define SIO_SMMU_CMD_PRI_RESP		0x41
#define SIO_SMMU_CMD_RESUME		0x44
#define SIO_SMMU_CMD_SYNC		0x46

/* PRI_RESP codes (CMD1.RESP): PCIe PRG response codes. */
#define SIO_SMMU_PRI_RESP_DENY		0	/* Invalid Request */
#define SIO_SMMU_PRI_RESP_FAIL		1	/* Response Failure */
#define SIO_SMMU_PRI_RESP_SUCC		2	/* Success */

#define SIO_SMMU_RESUME_RETRY		0
#define SIO_SMMU_RESUME_ABORT		1

#define SIO_SMMU_SYNC_CS_NONE		0
#define SIO_SMMU_SYNC_CS_IRQ		1
#define SIO_SMMU_SYNC_CS_SEV		2

/* --------------------------------------------------------- event records */

/*
 * 32 bytes (4 u64).  For C_* (configuration) events only TYPE, SSV, SSID
 * and SID are meaningful.  For F_* faults: EVT1 describes the access
 * (RnW = 1 for a read, InD = instruction fetch, PnU = privileged), S2 says
 * the fault happened in stage 2, CLASS says what was being translated
 * (CD fetch, table walk fetch, or the input address); EVT2 is the input
 * address (IOVA); EVT3 is the IPA for stage-2 faults (the address stage 2
 * was asked to translate).  STALL = 1 with STAG: the transaction is held
 * until a RESUME with that STAG.
 */
#define SIO_SMMU_EVT_DWORDS		4
#define SIO_SMMU_EVT_SIZE		32

#define SIO_SMMU_EVT0_TYPE		GENMASK_ULL(7, 0)
#define SIO_SMMU_EVT0_SSV		BIT_ULL(11)
#define SIO_SMMU_EVT0_SSID		GENMASK_ULL(31, 12)
#define SIO_SMMU_EVT0_SID		GENMASK_ULL(63, 32)

#define SIO_SMMU_EVT1_STAG		GENMASK_ULL(15, 0)
#define SIO_SMMU_EVT1_STALL		BIT_ULL(31)
#define SIO_SMMU_EVT1_PNU		BIT_ULL(32)
#define SIO_SMMU_EVT1_IND		BIT_ULL(33)
#define SIO_SMMU_EVT1_RNW		BIT_ULL(34)
#define SIO_SMMU_EVT1_S2		BIT_ULL(35)
#define SIO_SMMU_EVT1_CLASS		GENMASK_ULL(37, 36)
#define SIO_SMMU_EVT_CLASS_CD		0
#define SIO_SMMU_EVT_CLASS_TT		1
#define SIO_SMMU_EVT_CLASS_IN		2

/* Event types (SMMUv3 values). */
#define SIO_SMMU_EVT_F_UUT		0x01
#define SIO_SMMU_EVT_C_BAD_STREAMID	0x02
#define SIO_SMMU_EVT_F_STE_FETCH	0x03
#define SIO_SMMU_EVT_C_BAD_STE		0x04
#define SIO_SMMU_EVT_F_BAD_ATS_TREQ	0x05
#define SIO_SMMU_EVT_F_STREAM_DISABLED	0x06
#define SIO_SMMU_EVT_C_BAD_SUBSTREAMID	0x08
#define SIO_SMMU_EVT_F_CD_FETCH		0x09
#define SIO_SMMU_EVT_C_BAD_CD		0x0a
#define SIO_SMMU_EVT_F_WALK_EABT	0x0b
#define SIO_SMMU_EVT_F_TRANSLATION	0x10
#define SIO_SMMU_EVT_F_ADDR_SIZE	0x11
#define SIO_SMMU_EVT_F_ACCESS		0x12
#define SIO_SMMU_EVT_F_PERMISSION	0x13

/* ------------------------------------------------------ PRI queue records */

/* 16 bytes (2 u64), the SMMUv3 layout. */
#define SIO_SMMU_PRI_DWORDS		2
#define SIO_SMMU_PRI_SIZE		16

#define SIO_SMMU_PRI0_SID		GENMASK_ULL(31, 0)
#define SIO_SMMU_PRI0_SSID		GENMASK_ULL(51, 32)
#define SIO_SMMU_PRI0_PRIV		BIT_ULL(58)
#define SIO_SMMU_PRI0_EXEC		BIT_ULL(59)
#define SIO_SMMU_PRI0_READ		BIT_ULL(60)
#define SIO_SMMU_PRI0_WRITE		BIT_ULL(61)
#define SIO_SMMU_PRI0_LAST		BIT_ULL(62)
#define SIO_SMMU_PRI0_SSV		BIT_ULL(63)

#define SIO_SMMU_PRI1_GRPID		GENMASK_ULL(8, 0)
#define SIO_SMMU_PRI1_ADDR		GENMASK_ULL(63, 12)

/* PA size encodings (CD0.IPS, STE2.S2PS) -> bits. */
static inline unsigned int sio_smmu_ps_to_bits(unsigned int ps)
{
	static const unsigned char bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return ps < ARRAY_SIZE(bits) ? bits[ps] : 0;
}

/* Bits -> PA size encoding, or -1 if @bits is not encodable. */
static inline int sio_smmu_bits_to_ps(unsigned int bits)
{
	static const unsigned char tbl[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tbl); i++)
		if (tbl[i] == bits)
			return (int)i;
	return -1;
}

#endif /* SIO_HW_HW_SMMU_REGS_H */
