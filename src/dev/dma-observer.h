/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An optional observer of what devices are granted and what they access:
 * every device transaction with its outcome (the DMA link), every
 * iommu_map()/unmap of a domain and when an unmapped range stops being
 * reachable (the IOMMU core and dma-iommu).  For test oracles
 * (tests/support/iso-oracle.c); unset, each event site costs one load and
 * one predictable branch.
 * Kernel counterpart: none.
 */
#ifndef SIO_DEV_DMA_OBSERVER_H
#define SIO_DEV_DMA_OBSERVER_H

#include "base/base.h"
#include "dev/dma-link.h"

struct iommu_domain;

/**
 * enum sio_dma_unmap_kind - what an unmap event promises
 * @SIO_DMA_UNMAP_STRICT: the range is unmapped and its IOTLB entries
 *	invalidated: no transaction that starts from now on may reach it
 * @SIO_DMA_UNMAP_DEFERRED: the range is unmapped, its invalidation is
 *	deferred (a flush queue): it may stay reachable until a
 *	%SIO_DMA_UNMAP_RELEASED event covers it
 * @SIO_DMA_UNMAP_RELEASED: a flush covering a deferred range completed and
 *	its IOVA goes back to the allocator: unreachable from now on
 */
enum sio_dma_unmap_kind {
	SIO_DMA_UNMAP_STRICT,
	SIO_DMA_UNMAP_DEFERRED,
	SIO_DMA_UNMAP_RELEASED,
};

/**
 * struct sio_dma_observer - callbacks; embed it in the observer's state
 * @txn_begin: a transaction of @txn->dev is about to be translated (or,
 *	without an IOMMU in the way, to go straight to memory).  Return: a
 *	token passed to the matching @txn_end.
 * @txn_end: its outcome: @ret is the translation's result (0, -EFAULT,
 *	-EAGAIN, ...); on success the device reaches @len bytes at @pa for
 *	@txn->addr.  @translated is false when no IOMMU was in the way.
 * @map_begin: iommu_map() is about to map [@iova, +@size) -> @paddr with
 *	@prot in @domain (before any entry is written).  Return: a token.
 * @map_end: that iommu_map() returned @ret (on failure, what it mapped
 *	was unmapped again, with its own unmap event).
 * @unmap: [@iova, +@size) of @domain is gone, as @kind says.
 * @domain_free: @domain is about to be freed; its pointer may be reused.
 *
 * Called from any thread, with locks of the caller held (the DMA API,
 * the core's map path, a flush queue's ring lock for %RELEASED): the
 * callbacks must only record, under a leaf lock of their own, and never
 * call back into softiommu except iommu_get_domain_for_dev()-like
 * lookups from @txn_begin/@txn_end, which run with no softiommu lock held.
 */
struct sio_dma_observer {
	u64 (*txn_begin)(struct sio_dma_observer *obs,
			 const struct sio_dma_txn *txn);
	void (*txn_end)(struct sio_dma_observer *obs,
			const struct sio_dma_txn *txn, u64 token,
			bool translated, int ret, u64 pa, size_t len);
	u64 (*map_begin)(struct sio_dma_observer *obs,
			 struct iommu_domain *domain, unsigned long iova,
			 u64 paddr, size_t size, int prot);
	void (*map_end)(struct sio_dma_observer *obs,
			struct iommu_domain *domain, u64 token, int ret);
	void (*unmap)(struct sio_dma_observer *obs, struct iommu_domain *domain,
		      unsigned long iova, size_t size,
		      enum sio_dma_unmap_kind kind);
	void (*domain_free)(struct sio_dma_observer *obs,
			    struct iommu_domain *domain);
};

/* The installed observer, or NULL; only through the helpers below. */
extern struct sio_dma_observer *sio_dma_observer_current;

/**
 * sio_dma_observer() - the installed observer, or NULL (the usual case)
 *
 * Context: any.
 * Return: the observer, or NULL.
 */
static inline struct sio_dma_observer *sio_dma_observer(void)
{
	return __atomic_load_n(&sio_dma_observer_current, __ATOMIC_ACQUIRE);
}

int sio_dma_observer_install(struct sio_dma_observer *obs);
void sio_dma_observer_remove(struct sio_dma_observer *obs);

/* Event helpers for the map/unmap sites: a no-op without an observer. */
static inline u64 sio_dma_observe_map_begin(struct iommu_domain *domain,
					    unsigned long iova, u64 paddr,
					    size_t size, int prot)
{
	struct sio_dma_observer *obs = sio_dma_observer();

	if (likely(!obs))
		return 0;
	return obs->map_begin(obs, domain, iova, paddr, size, prot);
}

static inline void sio_dma_observe_map_end(struct iommu_domain *domain,
					   u64 token, int ret)
{
	struct sio_dma_observer *obs = sio_dma_observer();

	if (unlikely(obs))
		obs->map_end(obs, domain, token, ret);
}

static inline void sio_dma_observe_unmap(struct iommu_domain *domain,
					 unsigned long iova, size_t size,
					 enum sio_dma_unmap_kind kind)
{
	struct sio_dma_observer *obs = sio_dma_observer();

	if (unlikely(obs) && size)
		obs->unmap(obs, domain, iova, size, kind);
}

static inline void sio_dma_observe_domain_free(struct iommu_domain *domain)
{
	struct sio_dma_observer *obs = sio_dma_observer();

	if (unlikely(obs))
		obs->domain_free(obs, domain);
}

#endif /* SIO_DEV_DMA_OBSERVER_H */
