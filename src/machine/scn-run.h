/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scenario interpreter internals shared by scn-run.c (the run loop, output,
 * named objects and variables) and the runners of the areas' rows
 * (scn-area-*.c).
 */
#ifndef SIO_MACHINE_SCN_RUN_H
#define SIO_MACHINE_SCN_RUN_H

#include "machine/scn-priv.h"
#include "machine/scn-area.h"
#include "machine/machine-priv.h"
#include <softiommu/iommu.h>

/*
 * Named objects of the scenario, by the area that makes them: released by
 * that area's ->release at the end, then deleted.  A new kind of object
 * is a new type here (and fields in struct scn_obj if it needs them).
 */
enum {
	SCN_OBJ_DOMAIN,		/* "domain alloc ... as NAME" */
	SCN_OBJ_COOKIE,		/* an ownership cookie; its address is the cookie */
	SCN_OBJ_GROUP_CLAIM,	/* vfio open-group, to release at the end */
	SCN_OBJ_WARN_FUNC,	/* WARNs accounted for by "expect warn N in F" */
	SCN_OBJ_DMA_MAP,	/* "dma map DEV as NAME": $NAME is the IOVA */
	SCN_OBJ_MEM,		/* "memory alloc as NAME": $NAME is the PA */
	SCN_OBJ_ATTACH,		/* a named domain attached to @group (and
				 * @dev, by "domain attach"): named after
				 * the domain, one per group */
	SCN_OBJ_VFIO_OPEN,	/* "vfio open DEV": @dev, to close at the end */
	SCN_OBJ_DMA_USE,	/* the DMA-API use of @dev its "dma map"s
				 * hold (@count of them), taken in @group */
};

/* A named object of the scenario (only the interpreter thread uses them). */
struct scn_obj {
	struct list_head node;
	int type;
	char name[SIO_NAME_LEN];
	struct iommu_domain *domain;	/* DOMAIN, ATTACH */
	struct sio_device *dev;		/* referenced, if set */
	struct iommu_group *group;	/* referenced, if set */
	unsigned long count;		/* WARN_FUNC: WARNs it accounts for;
					 * DMA_USE: live mappings */
	/* SCN_OBJ_DMA_MAP (@dev referenced) and SCN_OBJ_MEM: */
	u64 iova;			/* the DMA address (DMA_MAP) */
	u64 phys;			/* the buffer in machine RAM */
	u64 size;			/* bytes mapped / asked for */
	unsigned int order;		/* of the page allocation */
	int dir;			/* enum dma_data_direction (DMA_MAP) */
	bool mapped;			/* DMA_MAP: not unmapped yet ($NAME
					 * stays usable after "dma unmap") */
};

/*
 * struct sio_scn_ctx - interpreter state for one scenario.  Used by one
 * thread only (the one running the scenario), so it has no lock.
 */
struct sio_scn_ctx {
	struct sio_machine *m;
	struct sio_scn_opts opts;
	FILE *out;
	char name[256];
	unsigned int line;		/* line being run */
	unsigned int lines;
	unsigned int commands;
	unsigned int passed, failed;
	int last_err;			/* errno of the previous operation */
	unsigned long log_start;	/* log seq at scenario start */
	unsigned long dmesg_start;	/* moved by dmesg -c / -C */
	unsigned long warns_accounted;
	char pending[400];		/* an op error an expect may account for */
	unsigned int pending_line;
	bool malformed;
	bool oom;
	char parse_error[512];
	struct sio_scn_failure *failures;
	unsigned int nfail;
	struct list_head objs;		/* struct scn_obj */
	/* the DMA area's: the last device DMA (dma read/write, nic rx/tx) */
	bool dma_done;
	int dma_ret;
	char dma_event[32];		/* "F_TRANSLATION"..., "" none seen */
	u8 *read_buf;			/* the last "dma read" (@read_len) */
	size_t read_len;
	/* fail-nth: the injected failure happened, @nfail was then this */
	bool injected;
	unsigned int nfail_injected;
};

/* scn-run.c: what every area's runner uses */
void scn_out(struct sio_scn_ctx *ctx, const char *fmt, ...) __printf(2, 3);
void scn_fail(struct sio_scn_ctx *ctx, const char *fmt, ...) __printf(2, 3);
void scn_op_error(struct sio_scn_ctx *ctx, int err, const char *fmt, ...)
	__printf(3, 4);
void scn_op_result(struct sio_scn_ctx *ctx, const char *what, int ret);
void scn_print_log_since(struct sio_scn_ctx *ctx, unsigned long seq);
struct scn_obj *scn_obj_find(struct sio_scn_ctx *ctx, int type,
			     const char *name);
void scn_obj_del(struct scn_obj *o);
struct scn_obj *scn_obj_add(struct sio_scn_ctx *ctx, int type,
			    const char *name);
struct scn_obj *scn_var_find(struct sio_scn_ctx *ctx, const char *name);
bool scn_resolve(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		 int idx, u64 *out);
struct sio_device *scn_get_device(struct sio_scn_ctx *ctx, const char *name);

/* scn-area-dma.c: for "device remove" (scn-area-dev.c) */
void scn_dma_forget_device(struct sio_scn_ctx *ctx, struct sio_device *dev);

#endif /* SIO_MACHINE_SCN_RUN_H */
