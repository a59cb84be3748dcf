// SPDX-License-Identifier: BSD-3-Clause
/*
 * Completions over a pthread mutex and condition variable.
 * Kernel counterpart: kernel/sched/completion.c
 */
#include <errno.h>
#include <time.h>

#include "base/completion.h"

/**
 * init_completion() - set up a completion, not done
 * @x: the completion
 *
 * Waits time out on the monotonic clock.  Undo with destroy_completion().
 *
 * Context: any thread; @x must not be in use.
 */
void init_completion(struct completion *x)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&x->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&x->cond, &attr);
	pthread_condattr_destroy(&attr);
	x->done = 0;
}

/**
 * reinit_completion() - make an initialised completion not done again
 * @x: the completion
 *
 * Context: any thread; takes @x's private lock.  The caller makes sure no
 * complete() for the previous round is still on its way.
 */
void reinit_completion(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = 0;
	pthread_mutex_unlock(&x->lock);
}

/**
 * complete() - signal one done event, waking one waiter
 * @x: the completion
 *
 * Each complete() lets one wait_for_completion() return.
 *
 * Context: any thread, under any lock (@x's private lock is a leaf, not
 * lockdep-tracked).  Does not sleep.
 */
void complete(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	if (x->done != UINT_MAX)
		x->done++;
	pthread_cond_signal(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

/**
 * complete_all() - mark @x done for good, waking every waiter
 * @x: the completion
 *
 * Every current and later wait returns at once until reinit_completion().
 *
 * Context: any thread, under any lock (@x's private lock is a leaf).
 */
void complete_all(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = UINT_MAX;
	pthread_cond_broadcast(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

/**
 * wait_for_completion() - sleep until @x is completed, and consume one event
 * @x: the completion
 *
 * Waits without limit and cannot be interrupted.
 *
 * Context: sleeps; completions are not lockdep-tracked, so the caller must
 * not hold a lock the completing thread needs.
 */
void wait_for_completion(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	while (!x->done)
		pthread_cond_wait(&x->cond, &x->lock);
	if (x->done != UINT_MAX)
		x->done--;
	pthread_mutex_unlock(&x->lock);
}

/**
 * wait_for_completion_timeout() - wait_for_completion() with a time limit
 * @x: the completion
 * @ms: the limit in milliseconds (monotonic clock)
 *
 * Unlike the kernel's (jiffies, remaining time), this takes milliseconds
 * and does not report the time left.
 *
 * Context: sleeps up to @ms; see wait_for_completion() on locks.
 * Return: 0 on timeout (no event consumed), 1 once an event was consumed.
 */
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long ms)
{
	struct timespec ts;
	unsigned long ret = 1;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&x->lock);
	while (!x->done) {
		if (pthread_cond_timedwait(&x->cond, &x->lock, &ts) == ETIMEDOUT &&
		    !x->done) {
			ret = 0;
			goto unlock;
		}
	}
	if (x->done != UINT_MAX)
		x->done--;
unlock:
	pthread_mutex_unlock(&x->lock);
	return ret;
}

/**
 * completion_done() - test whether @x has an event pending
 * @x: the completion
 *
 * Context: any thread; takes @x's private lock (a leaf).
 * Return: true if a wait would return at once.
 */
bool completion_done(struct completion *x)
{
	bool done;

	pthread_mutex_lock(&x->lock);
	done = x->done != 0;
	pthread_mutex_unlock(&x->lock);
	return done;
}

/**
 * destroy_completion() - release what init_completion() set up
 * @x: the completion
 *
 * Context: any thread; nobody may wait on or complete @x any more.
 */
void destroy_completion(struct completion *x)
{
	pthread_cond_destroy(&x->cond);
	pthread_mutex_destroy(&x->lock);
}
