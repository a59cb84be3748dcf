// SPDX-License-Identifier: BSD-3-Clause
/*
 * Kernel-style threads: named pthreads, registered with RCU for their whole
 * life, that can be woken and asked to stop.
 * Kernel counterpart: kernel/kthread.c
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/kthread.h"
#include "base/rcu.h"

struct sio_kthread {
	pthread_t tid;
	int (*fn)(void *data);
	void *data;
	char name[16];
	int ret;
	/* lock protects should_stop and woken; cond signals either. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool should_stop;
	bool woken;
};

static __thread struct sio_kthread *current_kthread;

static void *kthread_main(void *arg)
{
	struct sio_kthread *k = arg;

	current_kthread = k;
	sio_rcu_register_thread();
	k->ret = k->fn(k->data);
	sio_rcu_unregister_thread();
	current_kthread = NULL;
	return NULL;
}

/**
 * sio_kthread_run() - start @fn(@data) on a new thread named @name
 * @fn: the thread function; its return value is handed to sio_kthread_stop()
 * @data: passed to @fn
 * @name: thread name, cut to 15 characters (NULL gives "kthread")
 *
 * The thread is registered with RCU before @fn runs and unregistered after,
 * so @fn may enter read-side sections freely.  @fn should loop until
 * sio_kthread_should_stop().
 *
 * Context: may sleep.
 * Return: the thread, or ERR_PTR(-ENOMEM) / ERR_PTR(-EAGAIN) (no thread
 * could be created).
 */
struct sio_kthread *sio_kthread_run(int (*fn)(void *data), void *data,
				    const char *name)
{
	pthread_condattr_t attr;
	struct sio_kthread *k;
	int err;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->fn = fn;
	k->data = data;
	snprintf(k->name, sizeof(k->name), "%s", name ? name : "kthread");
	pthread_mutex_init(&k->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cond, &attr);
	pthread_condattr_destroy(&attr);
	err = pthread_create(&k->tid, NULL, kthread_main, k);
	if (err) {
		pthread_cond_destroy(&k->cond);
		pthread_mutex_destroy(&k->lock);
		kfree(k);
		return ERR_PTR(-EAGAIN);
	}
	pthread_setname_np(k->tid, k->name);
	return k;
}

/**
 * sio_kthread_stop() - ask a thread to stop, wake it, wait for it and free it
 * @k: the thread from sio_kthread_run(); invalid once this returns
 *
 * Context: sleeps until @fn returns, so the caller must not hold a lock @fn
 * takes before it next checks sio_kthread_should_stop(), and must not be
 * @k itself.
 * Return: the value @fn returned.
 */
int sio_kthread_stop(struct sio_kthread *k)
{
	int ret;

	pthread_mutex_lock(&k->lock);
	k->should_stop = true;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->tid, NULL);
	ret = k->ret;
	pthread_cond_destroy(&k->cond);
	pthread_mutex_destroy(&k->lock);
	kfree(k);
	return ret;
}

/**
 * sio_kthread_should_stop() - has sio_kthread_stop() been called on us?
 *
 * Context: the thread's own function; takes its private lock (a leaf).
 * Return: true once sio_kthread_stop() was called for the calling thread;
 * always false on a thread not started by sio_kthread_run().
 */
bool sio_kthread_should_stop(void)
{
	struct sio_kthread *k = current_kthread;
	bool stop;

	if (!k)
		return false;
	pthread_mutex_lock(&k->lock);
	stop = k->should_stop;
	pthread_mutex_unlock(&k->lock);
	return stop;
}

/**
 * sio_kthread_sleep_ms() - sleep up to @ms milliseconds
 * @ms: the limit (monotonic clock)
 *
 * On a kthread, returns early when asked to stop or woken by
 * sio_kthread_wake() (a wake-up before the sleep is not lost: it ends the
 * next sleep at once).  On any other thread, simply sleeps @ms.
 *
 * Context: sleeps; call with no lock held that a waker needs.
 */
void sio_kthread_sleep_ms(unsigned long ms)
{
	struct sio_kthread *k = current_kthread;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	if (!k) {
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		return;
	}
	pthread_mutex_lock(&k->lock);
	while (!k->should_stop && !k->woken)
		if (pthread_cond_timedwait(&k->cond, &k->lock, &ts) == ETIMEDOUT)
			break;
	k->woken = false;
	pthread_mutex_unlock(&k->lock);
}

/**
 * sio_kthread_wake() - end the current or next sio_kthread_sleep_ms() of @k
 * @k: the thread
 *
 * Context: any thread, under any lock (@k's private lock is a leaf, not
 * lockdep-tracked).  Does not sleep.
 */
void sio_kthread_wake(struct sio_kthread *k)
{
	pthread_mutex_lock(&k->lock);
	k->woken = true;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
}
