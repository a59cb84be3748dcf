// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stress: concurrent DMA-API driver bind/unbind on the devices of one
 * shared group, against user DMA-ownership claim/release (with a user
 * domain attached and mapped while owned) and device removal/re-add.
 * Bounded rounds; threads quiesce at a barrier after each round and the
 * core's invariants are checked.  Deterministic op choice given the seed.
 */
#include <pthread.h>

#include "../conformance/iommu_core_fixture.h"

#define NDEVS		4
#define ROUNDS		30
#define OPS_PER_ROUND	40
#define NTHREADS	3	/* two binders, one user; the main thread removes */

struct slot {
	struct sio_device *dev;		/* NULL while removed */
	bool user_busy;			/* the user thread works on it */
	unsigned int gen;
};

struct stress {
	struct fx *fx;
	pthread_mutex_t lock;		/* protects slots (test-only lock) */
	struct slot slots[NDEVS];
	pthread_barrier_t round_done, round_go;
	unsigned long seed;
	int unexpected;			/* unexpected return codes (atomic) */
	int last_bad;
	unsigned long ops;		/* atomic */
	unsigned long binds, claims, attaches, removes;	/* successes, atomic */
};

static unsigned long rnd(unsigned long *s)
{
	/* xorshift64*: deterministic per thread given the seed */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717UL;
}

static void bad(struct stress *st, int ret)
{
	__atomic_add_fetch(&st->unexpected, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&st->last_bad, ret, __ATOMIC_RELAXED);
}

/* A referenced device from slot @i, or NULL; optionally marks it busy. */
static struct sio_device *slot_get(struct stress *st, unsigned int i,
				   bool busy)
{
	struct sio_device *dev = NULL;

	pthread_mutex_lock(&st->lock);
	if (st->slots[i].dev && !st->slots[i].user_busy) {
		dev = sio_get_device(st->slots[i].dev);
		if (busy)
			st->slots[i].user_busy = true;
	}
	pthread_mutex_unlock(&st->lock);
	return dev;
}

static void slot_unbusy(struct stress *st, unsigned int i)
{
	pthread_mutex_lock(&st->lock);
	st->slots[i].user_busy = false;
	pthread_mutex_unlock(&st->lock);
}

static void binder_op(struct stress *st, unsigned long *rs)
{
	unsigned int i = rnd(rs) % NDEVS;
	struct sio_device *dev = slot_get(st, i, false);
	int ret;

	if (!dev)
		return;
	if (rnd(rs) % 2) {
		ret = fx_bind_dma(st->fx, dev);
		if (!ret)
			__atomic_add_fetch(&st->binds, 1, __ATOMIC_RELAXED);
		/* owned group: -EBUSY; already bound / being removed: others */
		if (ret && ret != -EBUSY && ret != -ENODEV &&
		    ret != -EPROBE_DEFER && ret != -EEXIST)
			bad(st, ret);
	} else {
		fx_unbind(dev);
	}
	sio_put_device(dev);
}

static void user_op(struct stress *st, unsigned long *rs)
{
	unsigned int i = rnd(rs) % NDEVS;
	struct sio_device *dev = slot_get(st, i, true);
	struct iommu_domain *p;
	struct iommu_group *g;
	int ret;

	if (!dev)
		return;
	ret = iommu_device_claim_dma_owner(dev, OWNER_A);
	if (ret) {
		/* DMA-API drivers bound: -EPERM; mid-removal: -ENODEV */
		if (ret != -EPERM && ret != -ENODEV && ret != -EBUSY)
			bad(st, ret);
		goto out;
	}
	__atomic_add_fetch(&st->claims, 1, __ATOMIC_RELAXED);
	g = iommu_group_get(dev);
	if (g && rnd(rs) % 2) {
		p = iommu_paging_domain_alloc(dev);
		if (IS_ERR(p)) {
			bad(st, (int)PTR_ERR(p));
		} else {
			ret = iommu_attach_group(p, g);
			if (!ret) {
				__atomic_add_fetch(&st->attaches, 1,
						   __ATOMIC_RELAXED);
				if (iommu_map(p, 0x100000, 0x200000, 0x2000,
					      IOMMU_READ, GFP_KERNEL) ||
				    iommu_unmap(p, 0x100000, 0x2000) != 0x2000)
					bad(st, -EIO);
				iommu_detach_group(p, g);
			} else if (ret != -EBUSY) {
				bad(st, ret);
			}
			iommu_domain_free(p);
		}
	}
	iommu_group_put(g);
	iommu_device_release_dma_owner(dev);
out:
	slot_unbusy(st, i);
	sio_put_device(dev);
}

struct worker {
	struct stress *st;
	int id;
	pthread_t thread;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *st = w->st;
	unsigned long rs = st->seed * 31 + (unsigned long)w->id + 1;
	int r, k;

	sio_rcu_register_thread();
	for (r = 0; r < ROUNDS; r++) {
		for (k = 0; k < OPS_PER_ROUND; k++) {
			if (w->id == 0)
				user_op(st, &rs);
			else
				binder_op(st, &rs);
			__atomic_add_fetch(&st->ops, 1, __ATOMIC_RELAXED);
		}
		pthread_barrier_wait(&st->round_done);
		pthread_barrier_wait(&st->round_go);
	}
	sio_rcu_unregister_thread();
	return NULL;
}

static char names[NDEVS][16];

static struct sio_device *add_slot_dev(struct fx *fx, unsigned int i)
{
	snprintf(names[i], sizeof(names[i]), "0000:00:%02x.0", i + 1);
	return fx_add_dev(fx, names[i], "iommu0", "slot0");
}

/* Main thread, during a round: remove a device and add it back. */
static void remover_op(struct __test_metadata *_metadata, struct stress *st,
		       unsigned long *rs)
{
	unsigned int i = rnd(rs) % NDEVS;
	struct sio_device *dev;

	pthread_mutex_lock(&st->lock);
	dev = st->slots[i].user_busy ? NULL : st->slots[i].dev;
	if (dev)
		st->slots[i].dev = NULL;
	pthread_mutex_unlock(&st->lock);
	if (!dev)
		return;
	/* The fixture drops its registration reference; users hold theirs. */
	fx_del_dev(st->fx, dev);
	st->removes++;
	dev = add_slot_dev(st->fx, i);
	ASSERT_FALSE(IS_ERR(dev));
	pthread_mutex_lock(&st->lock);
	st->slots[i].dev = dev;
	st->slots[i].gen++;
	pthread_mutex_unlock(&st->lock);
}

TEST_F(iommu_core, stress_bind_claim_remove_one_group)
{
	struct worker w[NTHREADS];
	struct stress st = { 0 };
	struct fx *fx = &self->fx;
	unsigned long rs;
	unsigned int i;
	int r, k;

	st.fx = fx;
	st.seed = test_seed();
	rs = st.seed ^ 0x5eed;
	pthread_mutex_init(&st.lock, NULL);
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx->m, 0, 1));
	for (i = 0; i < NDEVS; i++) {
		st.slots[i].dev = add_slot_dev(fx, i);
		ASSERT_FALSE(IS_ERR(st.slots[i].dev));
	}
	ASSERT_EQ(fx_group(st.slots[0].dev), fx_group(st.slots[NDEVS - 1].dev));
	pthread_barrier_init(&st.round_done, NULL, NTHREADS + 1);
	pthread_barrier_init(&st.round_go, NULL, NTHREADS + 1);
	for (i = 0; i < NTHREADS; i++) {
		w[i].st = &st;
		w[i].id = (int)i;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn, &w[i]));
	}

	for (r = 0; r < ROUNDS; r++) {
		for (k = 0; k < 3; k++)
			remover_op(_metadata, &st, &rs);
		pthread_barrier_wait(&st.round_done);
		/* Quiesced: deferred probes done, then the invariants hold. */
		sio_wait_for_device_probe(fx->m);
		EXPECT_EQ(0, sio_iommu_check_invariants(fx->m));
		pthread_barrier_wait(&st.round_go);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(w[i].thread, NULL);
	sio_wait_for_device_probe(fx->m);
	printf("# %lu ops in %d rounds, seed %lu: %lu binds, %lu claims, %lu user attaches, %lu removals\n",
	       st.ops, ROUNDS, st.seed, st.binds, st.claims, st.attaches,
	       st.removes);
	/* The mix really exercised every path. */
	EXPECT_LT(0, st.binds);
	EXPECT_LT(0, st.claims);
	EXPECT_LT(0, st.attaches);
	EXPECT_LT(0, st.removes);
	EXPECT_EQ(0, st.unexpected);
	if (st.unexpected)
		printf("# last unexpected return: %d\n", st.last_bad);

	/* Everything unbound: the group is back on its default domain. */
	for (i = 0; i < NDEVS; i++)
		fx_unbind(st.slots[i].dev);
	EXPECT_EQ(0, fx_owner_cnt(st.slots[0].dev));
	EXPECT_EQ(fx_default_domain(st.slots[0].dev),
		  fx_group_domain(st.slots[0].dev));
	EXPECT_EQ(0, sio_iommu_check_invariants(fx->m));
	pthread_barrier_destroy(&st.round_done);
	pthread_barrier_destroy(&st.round_go);
	pthread_mutex_destroy(&st.lock);
}

TEST_HARNESS_MAIN
