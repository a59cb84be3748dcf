// SPDX-License-Identifier: BSD-3-Clause
/*
 * io-pgtable: the explicit table of page-table formats, and the generic
 * allocate / free entry points that dispatch through it.
 * Kernel counterpart: drivers/iommu/io-pgtable.c
 */
#include "base/base.h"
#include "pgtable/io-pgtable.h"

/* Every format softiommu implements.  Add new formats here. */
static const struct io_pgtable_init_fns
	*const io_pgtable_init_table[IO_PGTABLE_NUM_FMTS] = {
		[ARM_32_LPAE_S1] = &io_pgtable_arm_32_lpae_s1_init_fns,
		[ARM_32_LPAE_S2] = &io_pgtable_arm_32_lpae_s2_init_fns,
		[ARM_64_LPAE_S1] = &io_pgtable_arm_64_lpae_s1_init_fns,
		[ARM_64_LPAE_S2] = &io_pgtable_arm_64_lpae_s2_init_fns,
	};

static const char *const io_pgtable_fmt_names[IO_PGTABLE_NUM_FMTS] = {
	[ARM_32_LPAE_S1] = "arm-32-lpae-s1",
	[ARM_32_LPAE_S2] = "arm-32-lpae-s2",
	[ARM_64_LPAE_S1] = "arm-64-lpae-s1",
	[ARM_64_LPAE_S2] = "arm-64-lpae-s2",
};

const char *io_pgtable_fmt_name(enum io_pgtable_fmt fmt)
{
	if ((unsigned int)fmt >= IO_PGTABLE_NUM_FMTS ||
	    !io_pgtable_fmt_names[fmt])
		return "?";
	return io_pgtable_fmt_names[fmt];
}

struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt,
					    struct io_pgtable_cfg *cfg,
					    void *cookie)
{
	const struct io_pgtable_init_fns *fns;
	struct io_pgtable *iop;

	if ((unsigned int)fmt >= IO_PGTABLE_NUM_FMTS || !cfg || !cfg->mem)
		return NULL;
	fns = io_pgtable_init_table[fmt];
	if (!fns)
		return NULL;

	/* The format fills in @cfg's outputs; keep a copy with them. */
	iop = fns->alloc(cfg, cookie);
	if (!iop)
		return NULL;
	iop->fmt = fmt;
	iop->cookie = cookie;
	iop->cfg = *cfg;
	return &iop->ops;
}

void free_io_pgtable_ops(struct io_pgtable_ops *ops)
{
	struct io_pgtable *iop;

	if (!ops)
		return;
	iop = io_pgtable_ops_to_pgtable(ops);
	io_pgtable_tlb_flush_all(iop);
	io_pgtable_init_table[iop->fmt]->free(iop);
}

size_t io_pgtable_table_bytes(struct io_pgtable_ops *ops)
{
	return (size_t)atomic_long_read(
		&io_pgtable_ops_to_pgtable(ops)->table_bytes);
}
