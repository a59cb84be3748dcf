// SPDX-License-Identifier: BSD-3-Clause
/*
 * The isolation oracle (iso-oracle.h): grant records per domain, fed by
 * the DMA observer (src/dev/dma-observer.h), and the check of every device
 * access against them.
 *
 * Each domain has a list of ranges [iova, iova + size) -> pa with IOMMU_*
 * permissions, in one of three states: LIVE (mapped), PENDING (a lazy
 * unmap cleared it; reachable until the flush queue releases it) and DEAD
 * (revoked while some access was in flight: still allowed to accesses
 * that began before it died).  A successful access is allowed when every
 * page of it lies in such a range with the same output address and a
 * permission for the access, in a domain the device was attached to when
 * the access began or ended.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iso-oracle.h"
#include "core/core-priv.h"
#include "dev/dma-observer.h"
#include <softiommu/dma.h>

#define ISO_PAGE	4096ULL
#define ISO_PROBE_RING	32 /* recently revoked ranges kept per domain */
#define ISO_PROBE_PAGES 4 /* pages of each probed per range */
#define ISO_MSG_LEN	512

enum iso_state { ISO_LIVE, ISO_PENDING, ISO_DEAD };

struct iso_range {
	struct iso_range *next;
	u64 iova, size, pa;
	int prot;
	enum iso_state state;
	u64 map_token; /* while its iommu_map() runs; 0 after */
	u64 dead_at; /* ISO_DEAD: the clock when it was revoked */
};

struct iso_domain {
	struct iso_domain *next;
	struct iommu_domain *domain;
	struct iso_range *ranges;
	u64 revoked[ISO_PROBE_RING]; /* page IOVAs, for iso_oracle_probe() */
	unsigned int nrevoked;
};

/* An access between txn_begin and txn_end. */
struct iso_txn {
	u64 begin; /* the clock at txn_begin; 0: free */
	struct iommu_domain *domain; /* what the device used then */
	bool known; /* @domain was resolved */
};

struct iso_oracle {
	struct sio_dma_observer obs;
	unsigned int flags;
	pthread_mutex_t lock; /* everything below; a leaf */
	u64 clock; /* event counter */
	struct iso_domain *domains;
	struct iso_txn *txns;
	unsigned int ntxns, txn_cap;
	struct iso_oracle_stats st;
	char first[ISO_MSG_LEN];
};

/* ------------------------------------------------------------ records */

static struct iso_domain *iso_domain(struct iso_oracle *o,
				     struct iommu_domain *domain, bool create)
{
	struct iso_domain *d;

	for (d = o->domains; d; d = d->next)
		if (d->domain == domain)
			return d;
	if (!create)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->domain = domain;
	d->next = o->domains;
	o->domains = d;
	return d;
}

static struct iso_range *iso_range_add(struct iso_domain *d, u64 iova, u64 size,
				       u64 pa, int prot, enum iso_state state)
{
	struct iso_range *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	r->iova = iova;
	r->size = size;
	r->pa = pa;
	r->prot = prot;
	r->state = state;
	r->next = d->ranges;
	d->ranges = r;
	return r;
}

/* The oldest access still in flight, or the clock if none. */
static u64 iso_oldest_txn(struct iso_oracle *o)
{
	u64 oldest = o->clock + 1;
	unsigned int i;

	for (i = 0; i < o->ntxns; i++)
		if (o->txns[i].begin && o->txns[i].begin < oldest)
			oldest = o->txns[i].begin;
	return oldest;
}

/* Drop dead ranges no access in flight may still use. */
static void iso_prune(struct iso_oracle *o)
{
	u64 oldest = iso_oldest_txn(o);
	struct iso_range **pp, *r;
	struct iso_domain *d;

	for (d = o->domains; d; d = d->next) {
		for (pp = &d->ranges; (r = *pp);) {
			if (r->state == ISO_DEAD && r->dead_at <= oldest) {
				*pp = r->next;
				free(r);
				continue;
			}
			pp = &r->next;
		}
	}
}

static void iso_note_revoked(struct iso_domain *d, u64 iova, u64 size)
{
	u64 p;
	int n = 0;

	for (p = iova & ~(ISO_PAGE - 1); p < iova + size && n < ISO_PROBE_PAGES;
	     p += ISO_PAGE, n++)
		d->revoked[d->nrevoked++ % ISO_PROBE_RING] = p;
}

/*
 * Apply an unmap of [@iova, +@size) to the ranges in state @from: the
 * overlapping part of each goes to @to (PENDING, or DEAD stamped with the
 * clock); the parts outside stay as they were.
 */
static void iso_cut(struct iso_oracle *o, struct iso_domain *d, u64 iova,
		    u64 size, unsigned int from_mask, enum iso_state to)
{
	u64 end = iova + size;
	struct iso_range *r, *next;

	for (r = d->ranges; r; r = next) {
		u64 rend = r->iova + r->size, lo, hi;

		next = r->next;
		if (!(from_mask & (1U << r->state)) || rend <= iova ||
		    r->iova >= end)
			continue;
		lo = r->iova > iova ? r->iova : iova;
		hi = rend < end ? rend : end;
		/* Split off what stays: the head and the tail. */
		if (r->iova < lo)
			iso_range_add(d, r->iova, lo - r->iova, r->pa, r->prot,
				      r->state)
				->map_token = r->map_token;
		if (hi < rend)
			iso_range_add(d, hi, rend - hi, r->pa + (hi - r->iova),
				      r->prot, r->state)
				->map_token = r->map_token;
		r->pa += lo - r->iova;
		r->iova = lo;
		r->size = hi - lo;
		r->state = to;
		r->map_token = 0;
		r->dead_at = ++o->clock;
	}
}

/* ------------------------------------------------------------- checks */

/*
 * A write grant also lets the device read: ARM LPAE stage 1 (as most
 * IOMMUs) cannot express write-only, and reading a buffer the device may
 * write reaches no memory outside its grants.
 */
static bool iso_prot_allows(int prot, unsigned int access)
{
	if ((access & SIO_DMA_READ) && !(prot & (IOMMU_READ | IOMMU_WRITE)))
		return false;
	if ((access & SIO_DMA_WRITE) && !(prot & IOMMU_WRITE))
		return false;
	return true;
}

/* Does a range of @d let @iova -> @pa for @access, for an access from @begin? */
static bool iso_page_allowed(struct iso_domain *d, u64 iova, u64 pa,
			     unsigned int access, u64 begin)
{
	struct iso_range *r;

	if (!d)
		return false;
	for (r = d->ranges; r; r = r->next) {
		if (iova < r->iova || iova - r->iova >= r->size)
			continue;
		if (r->state == ISO_DEAD && r->dead_at <= begin)
			continue;
		if (r->pa + (iova - r->iova) == pa &&
		    iso_prot_allows(r->prot, access))
			return true;
	}
	return false;
}

enum iso_verdict { ISO_OK, ISO_UNCHECKED, ISO_VIOLATION };

static enum iso_verdict iso_check_domain(struct iso_oracle *o,
					 struct iommu_domain *domain,
					 const struct sio_dma_txn *txn,
					 u64 begin, u64 pa, size_t len)
{
	struct iso_domain *d;
	u64 off;

	if (!domain)
		/* A PASID with nothing attached must not translate. */
		return txn->pasid_valid ? ISO_VIOLATION : ISO_UNCHECKED;
	if (domain->type == IOMMU_DOMAIN_BLOCKED)
		return ISO_VIOLATION;
	if (domain->type == IOMMU_DOMAIN_IDENTITY)
		return pa == txn->addr ? ISO_OK : ISO_VIOLATION;
	if (!(domain->type & __IOMMU_DOMAIN_PAGING) ||
	    (domain->type & (__IOMMU_DOMAIN_SVA | __IOMMU_DOMAIN_NESTED)))
		return ISO_UNCHECKED;
	d = iso_domain(o, domain, false);
	/* Every page the access touches. */
	for (off = 0; off < len;
	     off += ISO_PAGE - ((txn->addr + off) & (ISO_PAGE - 1))) {
		if (!iso_page_allowed(d, txn->addr + off, pa + off, txn->access,
				      begin))
			return ISO_VIOLATION;
	}
	return ISO_OK;
}

static void iso_violation(struct iso_oracle *o, const char *fmt, ...)
{
	char msg[ISO_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->st.violations++;
	if (!o->first[0])
		snprintf(o->first, sizeof(o->first), "%s", msg);
	if (!(o->flags & ISO_ORACLE_QUIET))
		fprintf(stderr, "# iso-oracle: %s\n", msg);
	if (o->flags & ISO_ORACLE_ABORT)
		abort();
}

static void iso_report(struct iso_oracle *o, const struct sio_dma_txn *txn,
		       bool translated, struct iommu_domain *domain, u64 pa,
		       size_t len)
{
	char who[32] = "rid";

	if (txn->pasid_valid)
		snprintf(who, sizeof(who), "pasid %u", txn->pasid);
	iso_violation(
		o,
		"%s %s%s %s iova %#llx +%#zx -> pa %#llx: outside every grant of domain %p (type %#x%s)",
		txn->dev->name, who, translated ? "" : " (no IOMMU in the way)",
		txn->access & SIO_DMA_WRITE ? "write" : "read",
		(unsigned long long)txn->addr, len, (unsigned long long)pa,
		(void *)domain, domain ? domain->type : 0,
		domain && !iso_domain(o, domain, false) ?
			", nothing ever granted" :
			"");
}

/*
 * What @dev's @txn goes through now: the RID's domain, or what is attached
 * at its PASID.  *@known is false without an IOMMU group.
 */
static struct iommu_domain *iso_resolve(const struct sio_dma_txn *txn,
					bool *known)
{
	struct iommu_group *group = iommu_group_get(txn->dev);
	struct iommu_domain *domain = NULL;

	*known = group;
	if (!group)
		return NULL;
	mutex_lock(&group->mutex);
	if (txn->pasid_valid)
		domain = pasid_array_entry_to_domain(
			xa_load(&group->pasid_array, txn->pasid));
	else
		domain = group->domain;
	mutex_unlock(&group->mutex);
	iommu_group_put(group);
	return domain;
}

/* ---------------------------------------------------- observer callbacks */

static struct iso_oracle *to_oracle(struct sio_dma_observer *obs)
{
	return container_of(obs, struct iso_oracle, obs);
}

static u64 iso_txn_begin(struct sio_dma_observer *obs,
			 const struct sio_dma_txn *txn)
{
	struct iso_oracle *o = to_oracle(obs);
	struct iommu_domain *domain;
	unsigned int i;
	bool known;

	domain = iso_resolve(txn, &known);
	pthread_mutex_lock(&o->lock);
	for (i = 0; i < o->ntxns && o->txns[i].begin; i++)
		;
	if (i == o->ntxns) {
		if (o->ntxns == o->txn_cap) {
			o->txn_cap = o->txn_cap ? 2 * o->txn_cap : 16;
			o->txns =
				realloc(o->txns, o->txn_cap * sizeof(*o->txns));
			if (!o->txns)
				abort();
		}
		o->ntxns++;
	}
	o->txns[i].begin = ++o->clock;
	o->txns[i].domain = domain;
	o->txns[i].known = known;
	pthread_mutex_unlock(&o->lock);
	return i;
}

static void iso_txn_end(struct sio_dma_observer *obs,
			const struct sio_dma_txn *txn, u64 token,
			bool translated, int ret, u64 pa, size_t len)
{
	struct iso_oracle *o = to_oracle(obs);
	struct iommu_domain *domain;
	enum iso_verdict v = ISO_UNCHECKED;
	struct iso_txn *t;
	bool known = false;

	domain = ret ? NULL : iso_resolve(txn, &known);
	pthread_mutex_lock(&o->lock);
	t = &o->txns[token];
	if (ret) {
		o->st.refused++;
	} else if (txn->type == SIO_DMA_TXN_TRANSLATED || !len) {
		o->st.unchecked++;
	} else {
		if (known)
			v = iso_check_domain(o, domain, txn, t->begin, pa, len);
		if (v == ISO_VIOLATION && t->known && t->domain != domain)
			v = iso_check_domain(o, t->domain, txn, t->begin, pa,
					     len);
		if (v == ISO_OK)
			o->st.checked++;
		else if (v == ISO_UNCHECKED)
			o->st.unchecked++;
		else
			iso_report(o, txn, translated, domain, pa, len);
	}
	t->begin = 0;
	iso_prune(o);
	pthread_mutex_unlock(&o->lock);
}

static u64 iso_map_begin(struct sio_dma_observer *obs,
			 struct iommu_domain *domain, unsigned long iova,
			 u64 paddr, size_t size, int prot)
{
	struct iso_oracle *o = to_oracle(obs);
	struct iso_range *r;
	u64 token;

	pthread_mutex_lock(&o->lock);
	r = iso_range_add(iso_domain(o, domain, true), iova, size, paddr, prot,
			  ISO_LIVE);
	token = r->map_token = ++o->clock;
	o->st.grants++;
	pthread_mutex_unlock(&o->lock);
	return token;
}

static void iso_map_end(struct sio_dma_observer *obs,
			struct iommu_domain *domain, u64 token, int ret)
{
	struct iso_oracle *o = to_oracle(obs);
	struct iso_domain *d;
	struct iso_range *r;

	pthread_mutex_lock(&o->lock);
	d = iso_domain(o, domain, false);
	for (r = d ? d->ranges : NULL; r; r = r->next) {
		if (r->map_token != token)
			continue;
		r->map_token = 0;
		if (ret && r->state != ISO_DEAD) {
			/* Never granted; an access during the call may use it. */
			r->state = ISO_DEAD;
			r->dead_at = ++o->clock;
		}
	}
	if (ret) {
		o->st.grants--;
		iso_prune(o);
	}
	pthread_mutex_unlock(&o->lock);
}

static void iso_unmap(struct sio_dma_observer *obs, struct iommu_domain *domain,
		      unsigned long iova, size_t size,
		      enum sio_dma_unmap_kind kind)
{
	struct iso_oracle *o = to_oracle(obs);
	struct iso_domain *d;

	pthread_mutex_lock(&o->lock);
	d = iso_domain(o, domain, false);
	if (!d)
		goto out;
	switch (kind) {
	case SIO_DMA_UNMAP_STRICT:
		o->st.strict_unmaps++;
		iso_cut(o, d, iova, size, 1U << ISO_LIVE | 1U << ISO_PENDING,
			ISO_DEAD);
		iso_note_revoked(d, iova, size);
		break;
	case SIO_DMA_UNMAP_DEFERRED:
		o->st.deferred_unmaps++;
		iso_cut(o, d, iova, size, 1U << ISO_LIVE, ISO_PENDING);
		break;
	case SIO_DMA_UNMAP_RELEASED:
		o->st.releases++;
		iso_cut(o, d, iova, size, 1U << ISO_PENDING, ISO_DEAD);
		iso_note_revoked(d, iova, size);
		break;
	}
	iso_prune(o);
out:
	pthread_mutex_unlock(&o->lock);
}

static void iso_domain_free(struct sio_dma_observer *obs,
			    struct iommu_domain *domain)
{
	struct iso_oracle *o = to_oracle(obs);
	struct iso_domain **pp, *d;
	struct iso_range *r;

	pthread_mutex_lock(&o->lock);
	for (pp = &o->domains; (d = *pp); pp = &d->next) {
		if (d->domain != domain)
			continue;
		*pp = d->next;
		while ((r = d->ranges)) {
			d->ranges = r->next;
			free(r);
		}
		free(d);
		break;
	}
	pthread_mutex_unlock(&o->lock);
}

/* ------------------------------------------------------------------ API */

struct iso_oracle *iso_oracle_start(unsigned int flags)
{
	struct iso_oracle *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->flags = flags;
	pthread_mutex_init(&o->lock, NULL);
	o->obs = (struct sio_dma_observer){
		.txn_begin = iso_txn_begin,
		.txn_end = iso_txn_end,
		.map_begin = iso_map_begin,
		.map_end = iso_map_end,
		.unmap = iso_unmap,
		.domain_free = iso_domain_free,
	};
	if (sio_dma_observer_install(&o->obs)) {
		pthread_mutex_destroy(&o->lock);
		free(o);
		return NULL;
	}
	return o;
}

unsigned long iso_oracle_stop(struct iso_oracle *o)
{
	unsigned long violations;
	struct iso_domain *d;
	struct iso_range *r;

	if (!o)
		return 0;
	sio_dma_observer_remove(&o->obs);
	violations = o->st.violations;
	while ((d = o->domains)) {
		o->domains = d->next;
		while ((r = d->ranges)) {
			d->ranges = r->next;
			free(r);
		}
		free(d);
	}
	free(o->txns);
	pthread_mutex_destroy(&o->lock);
	free(o);
	return violations;
}

unsigned long iso_oracle_violations(struct iso_oracle *o)
{
	unsigned long n;

	pthread_mutex_lock(&o->lock);
	n = o->st.violations;
	pthread_mutex_unlock(&o->lock);
	return n;
}

void iso_oracle_get_stats(struct iso_oracle *o, struct iso_oracle_stats *st)
{
	struct iso_domain *d;
	struct iso_range *r;

	pthread_mutex_lock(&o->lock);
	*st = o->st;
	st->live = st->pending = 0;
	for (d = o->domains; d; d = d->next) {
		for (r = d->ranges; r; r = r->next) {
			if (r->state == ISO_LIVE)
				st->live++;
			else if (r->state == ISO_PENDING)
				st->pending++;
		}
	}
	pthread_mutex_unlock(&o->lock);
}

const char *iso_oracle_first_violation(struct iso_oracle *o)
{
	return o->first;
}

unsigned int iso_oracle_probe(struct iso_oracle *o, struct sio_device *dev)
{
	const struct sio_dma_txn txn = { .dev = dev };
	u64 pages[ISO_PROBE_RING], pa;
	struct iommu_domain *domain;
	unsigned int i, n = 0;
	struct iso_domain *d;
	bool known;

	domain = iso_resolve(&txn, &known);
	if (!domain)
		return 0;
	pthread_mutex_lock(&o->lock);
	d = iso_domain(o, domain, false);
	if (d) {
		n = d->nrevoked < ISO_PROBE_RING ? d->nrevoked : ISO_PROBE_RING;
		memcpy(pages, d->revoked, n * sizeof(pages[0]));
	}
	pthread_mutex_unlock(&o->lock);
	/* Each goes through the observer like any device transaction. */
	for (i = 0; i < n; i++)
		sio_dma_translate(dev, pages[i], SIO_DMA_READ, &pa);
	return n;
}
