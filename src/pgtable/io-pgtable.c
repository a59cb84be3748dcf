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

/**
 * io_pgtable_fmt_name() - name of a page-table format, for logs
 * @fmt: the format
 *
 * Context: any.
 * Return: a static string such as "arm-64-lpae-s1", or "?" for a value
 * that names no format.
 */
const char *io_pgtable_fmt_name(enum io_pgtable_fmt fmt)
{
	if ((unsigned int)fmt >= IO_PGTABLE_NUM_FMTS ||
	    !io_pgtable_fmt_names[fmt])
		return "?";
	return io_pgtable_fmt_names[fmt];
}

/**
 * alloc_io_pgtable_ops() - allocate a page table of format @fmt
 * @fmt: the format, looked up in the explicit table of formats
 * @cfg: inputs (see struct io_pgtable_cfg); outputs are written back here,
 *       and the table keeps its own copy of the result
 * @cookie: passed to the flush ops
 *
 * Context: may sleep (allocates with GFP_KERNEL); takes no lock but the
 * frame allocator's.
 * Return: the ops, or NULL (as in the kernel) if @fmt or @cfg is
 * unsupported (no @cfg->mem included) or memory ran out.
 */
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

/**
 * free_io_pgtable_ops() - flush the TLB (tlb_flush_all) and free the table
 * @ops: from alloc_io_pgtable_ops(), or NULL
 *
 * tlb_flush_all runs once, before any table frame is freed, on the
 * caller's thread and under the caller's locks.
 *
 * Context: may sleep; no other user of @ops may be running.
 */
void free_io_pgtable_ops(struct io_pgtable_ops *ops)
{
	struct io_pgtable *iop;

	if (!ops)
		return;
	iop = io_pgtable_ops_to_pgtable(ops);
	io_pgtable_tlb_flush_all(iop);
	io_pgtable_init_table[iop->fmt]->free(iop);
}

/**
 * io_pgtable_table_bytes() - physical memory held by a table's pages
 * @ops: the table
 *
 * Context: any; a racy snapshot while maps/unmaps run.
 * Return: bytes of table memory (whole frames) in use.
 */
size_t io_pgtable_table_bytes(struct io_pgtable_ops *ops)
{
	return (size_t)atomic_long_read(
		&io_pgtable_ops_to_pgtable(ops)->table_bytes);
}
