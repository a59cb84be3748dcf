// SPDX-License-Identifier: BSD-3-Clause
/*
 * Completions over a pthread mutex and condition variable.
 * Kernel counterpart: kernel/sched/completion.c
 */
#include <errno.h>
#include <time.h>

#include "base/completion.h"

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

void reinit_completion(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = 0;
	pthread_mutex_unlock(&x->lock);
}

void complete(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	if (x->done != UINT_MAX)
		x->done++;
	pthread_cond_signal(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

void complete_all(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = UINT_MAX;
	pthread_cond_broadcast(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

void wait_for_completion(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	while (!x->done)
		pthread_cond_wait(&x->cond, &x->lock);
	if (x->done != UINT_MAX)
		x->done--;
	pthread_mutex_unlock(&x->lock);
}

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

bool completion_done(struct completion *x)
{
	bool done;

	pthread_mutex_lock(&x->lock);
	done = x->done != 0;
	pthread_mutex_unlock(&x->lock);
	return done;
}

void destroy_completion(struct completion *x)
{
	pthread_cond_destroy(&x->cond);
	pthread_mutex_destroy(&x->lock);
}
