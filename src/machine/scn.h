/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The scenario language: parsed form (a script of commands), the parser (a
 * pure function of a buffer, no global state, fuzzable) and the interpreter
 * that runs a script against a machine.  docs/scenario-language.md is the
 * user's reference.
 */
#ifndef SIO_MACHINE_SCN_H
#define SIO_MACHINE_SCN_H

#include <stdio.h>
#include <softiommu/machine.h>
#include "base/base.h"
#include <softiommu/machine.h>

enum sio_scn_kind {
	SCN_BUS,		/* bus pci */
	SCN_IOMMU,		/* iommu mock smmu0 ... */
	SCN_DEVICE,		/* device [add] pci NAME ... */
	SCN_DEVICE_REMOVE,	/* device remove NAME */
	SCN_DRIVER,		/* driver pci NAME kind=... */
	SCN_CMDLINE,		/* cmdline ARG... / boot option ARG... */
	SCN_WRITE,		/* echo V > P, echo V >> P, echo V | tee P */
	SCN_PRINT,		/* echo V */
	SCN_CAT,
	SCN_LS,
	SCN_READLINK,
	SCN_MODPROBE,
	SCN_RMMOD,
	SCN_DMESG,
	SCN_VFIO,
	SCN_DOMAIN,
	SCN_CHECK_INVARIANTS,
	SCN_PROBE_WAIT,
	SCN_PROBE_TRIGGER,
	SCN_EXPECT,
	SCN_HELP,
	SCN_MEMORY,		/* memory SIZE [base=] / memory alloc|free */
	SCN_DMA,		/* dma read|write|map|unmap|flush */
	SCN_NIC,		/* nic rx|tx DEV "payload" */
	SCN_PGTABLE,		/* pgtable dump DEV [pasid=N] [IOVA SIZE] */
};

/* SCN_MEMORY sub-commands */
enum { SCN_MEM_DECL, SCN_MEM_ALLOC, SCN_MEM_FREE };

/* SCN_DMA sub-commands */
enum {
	SCN_DMA_READ, SCN_DMA_WRITE, SCN_DMA_MAP, SCN_DMA_UNMAP, SCN_DMA_FLUSH,
};

/* SCN_NIC sub-commands */
enum { SCN_NIC_RX, SCN_NIC_TX };

/* SCN_DMA/SCN_PGTABLE flags */
#define SCN_F_PASID	(1u << 8)	/* pasid=N given: num[1] */
#define SCN_F_RANGE	(1u << 9)	/* pgtable dump IOVA SIZE given */

/* SCN_VFIO sub-commands */
enum {
	SCN_VFIO_OPEN, SCN_VFIO_OPEN_GROUP, SCN_VFIO_CLOSE, SCN_VFIO_CLOSE_GROUP,
	SCN_VFIO_ATTACH, SCN_VFIO_DETACH, SCN_VFIO_MAP, SCN_VFIO_UNMAP,
};

/* SCN_DOMAIN sub-commands */
enum {
	SCN_DOM_ALLOC_BUS, SCN_DOM_ALLOC, SCN_DOM_ATTACH, SCN_DOM_DETACH,
	SCN_DOM_ATTACH_GROUP, SCN_DOM_DETACH_GROUP, SCN_DOM_FREE, SCN_DOM_MAP,
	SCN_DOM_UNMAP,
};

/* SCN_EXPECT forms */
enum {
	SCN_EXP_ERRNO,		/* expect ok / -EBUSY / EBUSY */
	SCN_EXP_FAIL,		/* expect fail (any errno) */
	SCN_EXP_WARN,		/* expect warn N [in FUNC] */
	SCN_EXP_NO_WARN,
	SCN_EXP_FILE_EQ,	/* expect file PATH == "text" */
	SCN_EXP_FILE_CONTAINS,
	SCN_EXP_LOG,
	SCN_EXP_NO_LOG,
	SCN_EXP_OWNER_CNT,	/* expect owner_cnt DEV == N */
	SCN_EXP_GROUP_DOMAIN,	/* expect group DEV domain == X */
	SCN_EXP_GROUP_OWNER,	/* expect group DEV owner == none|user|COOKIE */
	SCN_EXP_SAME_GROUP,	/* expect same-group DEV DEV */
	SCN_EXP_INVARIANTS,
	SCN_EXP_BOUND,		/* expect bound DEV DRIVER|none */
	SCN_EXP_DATA,		/* expect data "text" | 0xHEX (last dma read) */
	SCN_EXP_FAULT,		/* expect fault translation|permission|... */
	SCN_EXP_NIC,		/* expect nic DEV STAT == N | last-rx == "T" */
	SCN_EXP_DMA,		/* expect dma DEV STAT == N */
};

/* SCN_WRITE flags */
#define SCN_W_APPEND	(1u << 0)	/* >> or tee -a (same for sysfs) */
#define SCN_W_TEE	(1u << 1)	/* echo the value like tee does */
#define SCN_W_QUIET_TEE	(1u << 2)	/* tee ... > /dev/null */

/* SCN_CMDLINE values */
#define SCN_CMDLINE_UNSET	(-1)

/**
 * struct sio_scn_cmd - one command of a script
 * @kind, @sub: what it is
 * @line: 1-based source line (first line of a continued line)
 * @text: the command as written (continuations joined), for the transcript
 * @argv: operands (@argc), normalised: paths, names, values
 * @num: numbers (counts, addresses, sizes)
 * @err: expected errno (SCN_EXP_ERRNO), negative or 0
 * @flags: kind-specific flags
 * @decl: declarations
 * @smmu: options of an "iommu smmu" declaration
 * @var: when non-NULL, num[i] is an offset to add to the scenario variable
 *       var[i] ("$NAME" or "$NAME+OFF"), resolved when the command runs
 * @data: bytes (@len) of "dma write", "nic rx/tx", "expect data"
 */
struct sio_scn_cmd {
	enum sio_scn_kind kind;
	int sub;
	unsigned int line;
	char *text;
	int argc;
	char **argv;
	u64 num[4];
	int err;
	unsigned int flags;
	union {
		struct sio_iommu_decl iommu;
		struct sio_device_decl device;
		struct sio_driver_decl driver;
		struct {
			int passthrough;	/* 0/1 or SCN_CMDLINE_UNSET */
			int strict;
			int v7_order;
		} cmdline;
	} decl;
	struct sio_smmu_decl smmu;
	char *var[4];
	u8 *data;
	size_t len;
};

/** struct sio_scn_script - a parsed scenario */
struct sio_scn_script {
	char *name;
	unsigned int lines;
	unsigned int ncmds;
	struct sio_scn_cmd **cmds;
};

/** struct sio_scn_error - where and why parsing failed */
struct sio_scn_error {
	unsigned int line;
	unsigned int col;
	char msg[400];		/* "expected X, got Y" */
};

/**
 * sio_scn_parse() - parse a scenario buffer
 * @name: file name for messages (copied)
 * @buf: the text; need not be NUL-terminated; any bytes
 * @len: its length
 * @out: the script on success (free with sio_scn_script_free())
 * @err: filled on -EINVAL
 * @first_line: line number of @buf's first line (1 for a file; the shell
 *              passes its running count)
 *
 * Pure: no global state, safe to call from several threads and from a fuzzer.
 * Context: may sleep (allocates).
 * Return: 0, -EINVAL (malformed: see @err), -ENOMEM.
 */
int sio_scn_parse(const char *name, const char *buf, size_t len,
		  unsigned int first_line, struct sio_scn_script **out,
		  struct sio_scn_error *err);
void sio_scn_script_free(struct sio_scn_script *s);
/* "FILE:LINE:COL: error: MSG" into @buf. */
void sio_scn_format_error(const char *name, const struct sio_scn_error *err,
			  char *buf, size_t len);

/* Parse "4K", "0x1000", "2M", "1G", decimal.  Return: 0 or -EINVAL. */
int sio_scn_parse_u64(const char *s, u64 *out);

struct sio_scn_ctx;

/**
 * sio_scn_ctx_create() - interpreter state for running scripts on @m
 * @name: scenario name (file) for messages and the summary
 * Resets the log (virtual clock if SIO_LOG_CLOCK=virtual) and WARN counts.
 * Return: the context or ERR_PTR(-ENOMEM).
 */
struct sio_scn_ctx *sio_scn_ctx_create(struct sio_machine *m, const char *name,
				       const struct sio_scn_opts *opts);
/* Run every command of @s.  Return: 0 (failures are recorded, not returned). */
int sio_scn_ctx_run(struct sio_scn_ctx *ctx, const struct sio_scn_script *s);
/* Record a malformed line (shell mode): status becomes 2. */
void sio_scn_ctx_parse_error(struct sio_scn_ctx *ctx, const char *msg);
/*
 * sio_scn_ctx_finish() - free named objects (domains, cookies), account
 * WARNs, print the summary and fill @res; frees @ctx.  The machine stays.
 */
void sio_scn_ctx_finish(struct sio_scn_ctx *ctx, struct sio_scn_result *res);

#endif /* SIO_MACHINE_SCN_H */
