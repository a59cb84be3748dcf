// SPDX-License-Identifier: BSD-3-Clause
/*
 * The DMA layer's shared workqueue (depot trimming, flush-queue timeouts)
 * and the mapping of the calling thread to a per-CPU slot.
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "base/bug.h"
#include "dma/dma-priv.h"

/*
 * Protects sio_dma_wq and sio_dma_wq_users.  A leaf: taken inside the DMA
 * cookie's creation lock and flush-queue mutex (the users' bring-up and
 * teardown), around workqueue creation only; the queue is destroyed after
 * it is dropped.
 */
static struct mutex sio_dma_wq_lock;
static pthread_once_t sio_dma_wq_once = PTHREAD_ONCE_INIT;
static struct workqueue_struct *sio_dma_wq;
static unsigned long sio_dma_wq_users;

static void sio_dma_wq_lock_init(void)
{
	mutex_init(&sio_dma_wq_lock);
}

/**
 * sio_dma_wq_get() - take a reference on the DMA layer's workqueue
 *
 * Created on first use, destroyed when the last user puts it (the kernel
 * uses system_wq and timers).
 * Context: may sleep.
 * Return: the workqueue, or NULL on allocation failure.
 */
struct workqueue_struct *sio_dma_wq_get(void)
{
	struct workqueue_struct *wq;

	pthread_once(&sio_dma_wq_once, sio_dma_wq_lock_init);
	mutex_lock(&sio_dma_wq_lock);
	if (!sio_dma_wq)
		sio_dma_wq = alloc_workqueue("dma_iova", WQ_UNBOUND, 2);
	wq = sio_dma_wq;
	if (wq)
		sio_dma_wq_users++;
	mutex_unlock(&sio_dma_wq_lock);
	return wq;
}

/**
 * sio_dma_wq_put() - drop a reference taken by sio_dma_wq_get()
 *
 * Context: may sleep; must not run on the workqueue itself, and every work
 * item of the caller must already be cancelled.
 */
void sio_dma_wq_put(void)
{
	struct workqueue_struct *dead = NULL;

	pthread_once(&sio_dma_wq_once, sio_dma_wq_lock_init);
	mutex_lock(&sio_dma_wq_lock);
	if (!WARN_ON(!sio_dma_wq_users) && --sio_dma_wq_users == 0) {
		dead = sio_dma_wq;
		sio_dma_wq = NULL;
	}
	mutex_unlock(&sio_dma_wq_lock);
	/* Outside the lock: destroying joins the workers. */
	destroy_workqueue(dead);
}

/**
 * sio_dma_nr_cpu_slots() - how many "per-CPU" slots per-CPU arrays get
 *
 * Context: any.
 * Return: the configured CPU count, at least 1 and at most 256.
 */
unsigned int sio_dma_nr_cpu_slots(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	if (n < 1)
		return 1;
	return n > 256 ? 256 : (unsigned int)n;
}

/**
 * sio_dma_cpu_slot() - the slot of the CPU the caller runs on
 * @nr_slots: length of the per-CPU array
 *
 * A thread may migrate right after; slots are locked, so that only costs
 * locality.
 * Context: any.
 * Return: sched_getcpu() modulo @nr_slots (0 if unknown).
 */
unsigned int sio_dma_cpu_slot(unsigned int nr_slots)
{
	int cpu = sched_getcpu();

	if (cpu < 0 || nr_slots <= 1)
		return 0;
	return (unsigned int)cpu % nr_slots;
}
