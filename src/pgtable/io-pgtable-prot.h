/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Permission and attribute bits of a page-table leaf as io-pgtable and the
 * format headers speak them: what map_pages() is asked to install and what
 * the format's decode helpers read back for the hardware walker.
 * Kernel counterpart: the IOMMU_* prot bits of include/linux/iommu.h, which
 * io-pgtable uses directly; here the formats sit below the IOMMU core and
 * have their own (an IOMMU driver translates at its map op).
 */
#ifndef SIO_PGTABLE_IO_PGTABLE_PROT_H
#define SIO_PGTABLE_IO_PGTABLE_PROT_H

/*
 * The bit positions happen to match the core's IOMMU_* bits, which keeps
 * dumps and logs comparable; code must still translate by name, never by
 * value.
 */
#define IO_PGTABLE_PROT_READ   (1 << 0) /* device reads allowed */
#define IO_PGTABLE_PROT_WRITE  (1 << 1) /* device writes allowed */
#define IO_PGTABLE_PROT_CACHE  (1 << 2) /* normal, write-back cacheable */
#define IO_PGTABLE_PROT_NOEXEC (1 << 3) /* instruction fetches refused */
#define IO_PGTABLE_PROT_MMIO   (1 << 4) /* device memory (wins over CACHE) */
#define IO_PGTABLE_PROT_PRIV   (1 << 5) /* privileged accesses only */

#endif /* SIO_PGTABLE_IO_PGTABLE_PROT_H */
