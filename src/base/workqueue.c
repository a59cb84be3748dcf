// SPDX-License-Identifier: BSD-3-Clause
/*
 * Workqueues: per-queue worker threads (registered with RCU), FIFO pending
 * lists, flush by queueing sequence, cancel, and delayed work through one
 * timer thread per process.  Running a work item "holds" the queue's
 * lockdep map and flushing "takes" it, so lockdep-lite sees deadlocks
 * through flushes (a flush under a lock that a work item takes).
 * Kernel counterpart: kernel/workqueue.c
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/bug.h"
#include "base/err.h"
#include "base/lockdep.h"
#include "base/rcu.h"
#include "base/workqueue.h"

#define WQ_DEFAULT_ACTIVE	2
#define WQ_NAME_KEYS		256

struct wq_worker {
	pthread_t tid;
	struct workqueue_struct *wq;
	struct work_struct *current_work;	/* under wq_pool_lock */
	unsigned long current_seq;		/* its queueing sequence */
	bool started;
};

struct workqueue_struct {
	char name[64];
	unsigned int flags;
	int max_active;
	/* All below under wq_pool_lock. */
	struct list_head pending;	/* work_struct.entry, FIFO */
	unsigned long next_seq;		/* last sequence handed out */
	bool stopping;
	pthread_cond_t more_work;	/* workers wait for items */
	pthread_cond_t done;		/* flushers wait for completions */
	int nr_workers;
	struct wq_worker *workers;
	/* "Held" while a work item runs, "taken" by flushes. */
	struct lockdep_map dep_map;
};

/*
 * wq_pool_lock protects every queue's pending list, sequence numbers and
 * worker state, each work_struct's entry/seq/wq, and the timer list.  An
 * internal leaf (pthread, untracked): work functions run without it.
 */
static pthread_mutex_t wq_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(wq_timer_list);	/* delayed_work.timer_entry by expiry */
static pthread_cond_t wq_timer_cond;
static bool wq_timer_started;

/* Lockdep classes of queues, one per queue name (under wq_keys_lock). */
static pthread_mutex_t wq_keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char name[64];
	struct lock_class_key key;
} wq_keys[WQ_NAME_KEYS];
static struct lock_class_key wq_key_overflow;

static __thread struct wq_worker *current_worker;

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static struct timespec ns_to_ts(u64 ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };
	return ts;
}

static void cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

static const struct lock_class_key *wq_name_key(const char *name)
{
	const struct lock_class_key *key = &wq_key_overflow;
	int i;

	pthread_mutex_lock(&wq_keys_lock);
	for (i = 0; i < WQ_NAME_KEYS; i++) {
		if (!wq_keys[i].name[0])
			snprintf(wq_keys[i].name, sizeof(wq_keys[i].name), "%s",
				 name);
		if (strncmp(wq_keys[i].name, name, sizeof(wq_keys[i].name) - 1) == 0) {
			key = &wq_keys[i].key;
			break;
		}
	}
	pthread_mutex_unlock(&wq_keys_lock);
	return key;
}

/* Is @work running on a worker of its queue?  Caller holds wq_pool_lock. */
static struct wq_worker *__work_running(struct workqueue_struct *wq,
					struct work_struct *work,
					unsigned long max_seq)
{
	int i;

	for (i = 0; wq && i < wq->nr_workers; i++)
		if (wq->workers[i].current_work == work &&
		    wq->workers[i].current_seq <= max_seq)
			return &wq->workers[i];
	return NULL;
}

/* Caller holds wq_pool_lock; @work->pending is already 1. */
static void __queue_work_locked(struct workqueue_struct *wq,
				struct work_struct *work)
{
	work->wq = wq;
	work->seq = ++wq->next_seq;
	list_add_tail(&work->entry, &wq->pending);
	pthread_cond_signal(&wq->more_work);
}

/* First pending item not already running elsewhere (no self-concurrency). */
static struct work_struct *__pick_work(struct workqueue_struct *wq)
{
	struct work_struct *w;

	list_for_each_entry(w, &wq->pending, entry)
		if (!__work_running(wq, w, ULONG_MAX))
			return w;
	return NULL;
}

static void *worker_main(void *arg)
{
	struct wq_worker *me = arg;
	struct workqueue_struct *wq = me->wq;
	struct work_struct *work;

	current_worker = me;
	sio_rcu_register_thread();
	pthread_mutex_lock(&wq_pool_lock);
	for (;;) {
		work = __pick_work(wq);
		if (!work) {
			if (wq->stopping)
				break;
			pthread_cond_wait(&wq->more_work, &wq_pool_lock);
			continue;
		}
		list_del_init(&work->entry);
		me->current_work = work;
		me->current_seq = work->seq;
		/* Cleared before the call so that the item may requeue itself. */
		atomic_set(&work->pending, 0);
		pthread_mutex_unlock(&wq_pool_lock);

		lock_acquire(&wq->dep_map, 0, false, "process_one_work");
		work->func(work);	/* may free @work */
		lock_release(&wq->dep_map);
		WARN(sio_lockdep_depth() != 0,
		     "workqueue %s: work function returned with locks held",
		     wq->name);

		pthread_mutex_lock(&wq_pool_lock);
		me->current_work = NULL;
		pthread_cond_broadcast(&wq->done);
		/* Another worker may have skipped an item that was running here. */
		pthread_cond_broadcast(&wq->more_work);
	}
	pthread_mutex_unlock(&wq_pool_lock);
	sio_rcu_unregister_thread();
	current_worker = NULL;
	return NULL;
}

static void wq_stop_workers(struct workqueue_struct *wq)
{
	int i;

	pthread_mutex_lock(&wq_pool_lock);
	wq->stopping = true;
	pthread_cond_broadcast(&wq->more_work);
	pthread_mutex_unlock(&wq_pool_lock);
	for (i = 0; i < wq->nr_workers; i++)
		if (wq->workers[i].started)
			pthread_join(wq->workers[i].tid, NULL);
}

/**
 * alloc_workqueue() - create a queue and start its workers
 * @name: printable name ("iopf_queue/mock-iopfq"); queues of one name share
 *        a lockdep class
 * @flags: WQ_UNBOUND, WQ_ORDERED
 * @max_active: concurrent items (0 = default of 2; forced to 1 if ordered)
 *
 * Each worker is a thread registered with RCU for its whole life.
 *
 * Context: may sleep.
 * Return: the queue, or NULL on allocation or thread creation failure (as
 * the kernel's, not an ERR_PTR).
 */
struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags,
					 int max_active)
{
	struct workqueue_struct *wq;
	char tname[16];
	int i;

	if (max_active <= 0)
		max_active = WQ_DEFAULT_ACTIVE;
	if (flags & WQ_ORDERED)
		max_active = 1;
	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return NULL;
	wq->workers = kcalloc((size_t)max_active, sizeof(*wq->workers),
			      GFP_KERNEL);
	if (!wq->workers)
		goto free_wq;
	snprintf(wq->name, sizeof(wq->name), "%s", name ? name : "wq");
	wq->flags = flags;
	wq->max_active = max_active;
	INIT_LIST_HEAD(&wq->pending);
	pthread_cond_init(&wq->more_work, NULL);
	pthread_cond_init(&wq->done, NULL);
	lockdep_init_map(&wq->dep_map, wq->name, wq_name_key(wq->name));
	wq->nr_workers = max_active;
	for (i = 0; i < max_active; i++) {
		wq->workers[i].wq = wq;
		if (pthread_create(&wq->workers[i].tid, NULL, worker_main,
				   &wq->workers[i]))
			goto stop_workers;
		wq->workers[i].started = true;
		snprintf(tname, sizeof(tname), "kworker/%.7s", wq->name);
		pthread_setname_np(wq->workers[i].tid, tname);
	}
	return wq;

stop_workers:
	wq_stop_workers(wq);
	pthread_cond_destroy(&wq->more_work);
	pthread_cond_destroy(&wq->done);
	kfree(wq->workers);
free_wq:
	kfree(wq);
	return NULL;
}

/**
 * queue_work() - queue @work on @wq unless it is already pending
 * @wq: the queue
 * @work: the item, set up with INIT_WORK()
 *
 * An item may requeue itself from its function: it is no longer pending
 * once its function has started.  A queue being destroyed accepts items
 * only from its own workers; anyone else gets a WARN and false.
 *
 * Context: any thread, under any lock (the pool lock is an internal leaf);
 * does not sleep.
 * Return: true if queued, false if @work was already pending (nothing
 * done) or @wq is dying.
 */
bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	bool queued = false;

	pthread_mutex_lock(&wq_pool_lock);
	if (atomic_read(&work->pending))
		goto unlock;
	/* A dying queue only accepts items chained from its own workers. */
	if (WARN(wq->stopping && !(current_worker && current_worker->wq == wq),
		 "queueing work on dying workqueue %s", wq->name))
		goto unlock;
	atomic_set(&work->pending, 1);
	__queue_work_locked(wq, work);
	queued = true;
unlock:
	pthread_mutex_unlock(&wq_pool_lock);
	return queued;
}

/* Smallest sequence still pending or running on @wq.  Under wq_pool_lock. */
static unsigned long __oldest_outstanding(struct workqueue_struct *wq)
{
	unsigned long oldest = ULONG_MAX;
	struct work_struct *w;
	int i;

	list_for_each_entry(w, &wq->pending, entry)
		oldest = min(oldest, w->seq);
	for (i = 0; i < wq->nr_workers; i++)
		if (wq->workers[i].current_work)
			oldest = min(oldest, wq->workers[i].current_seq);
	return oldest;
}

/* Tell lockdep this thread waits for @wq's work items. */
static void wq_lockdep_wait(struct workqueue_struct *wq, const char *func)
{
	lock_acquire(&wq->dep_map, 0, false, func);
	lock_release(&wq->dep_map);
}

/**
 * flush_workqueue() - wait until every item queued on @wq before the call
 * has finished
 * @wq: the queue
 *
 * Items queued after the call (chained ones included) are not waited for.
 *
 * Context: sleeps.  Counts for lockdep as taking @wq, so the caller must
 * not hold a lock that any of its items takes.  From one of @wq's own
 * workers it would deadlock: WARNs and returns at once.
 */
void flush_workqueue(struct workqueue_struct *wq)
{
	unsigned long target;

	if (WARN(current_worker && current_worker->wq == wq,
		 "flush_workqueue(%s) from its own worker would deadlock",
		 wq->name))
		return;
	wq_lockdep_wait(wq, "flush_workqueue");
	pthread_mutex_lock(&wq_pool_lock);
	target = wq->next_seq;
	while (__oldest_outstanding(wq) <= target)
		pthread_cond_wait(&wq->done, &wq_pool_lock);
	pthread_mutex_unlock(&wq_pool_lock);
}

/*
 * Annotate a wait for @work's queue before looking at its state, so that a
 * wait under a lock the work takes is reported whether or not the work
 * happens to be pending right now.  As in the kernel, only single-threaded
 * queues make "wait for one item" a wait for the whole queue.
 */
static void work_lockdep_wait(struct work_struct *work, const char *func)
{
	struct workqueue_struct *wq;

	pthread_mutex_lock(&wq_pool_lock);
	wq = work->wq;
	pthread_mutex_unlock(&wq_pool_lock);
	if (wq && wq->max_active == 1 &&
	    !(current_worker && current_worker->current_work == work))
		wq_lockdep_wait(wq, func);
}

/**
 * flush_work() - wait for the last queueing of @work to finish
 * @work: the item
 *
 * Context: sleeps.  The caller must not hold a lock @work's function takes
 * (lockdep sees it on single-threaded queues, as in the kernel).  From
 * @work's own function it WARNs and returns false.
 * Return: true if @work was pending or running and has now finished, false
 * if it was idle.
 */
bool flush_work(struct work_struct *work)
{
	struct workqueue_struct *wq;
	struct wq_worker *w;
	unsigned long target = 0;

	work_lockdep_wait(work, "flush_work");
	pthread_mutex_lock(&wq_pool_lock);
	wq = work->wq;
	if (!wq)
		goto unlock;
	if (!list_empty(&work->entry)) {
		target = work->seq;
	} else {
		w = __work_running(wq, work, ULONG_MAX);
		if (w)
			target = w->current_seq;
	}
	if (!target)
		goto unlock;
	if (WARN(current_worker && current_worker->current_work == work,
		 "flush_work() of the running work item from itself")) {
		target = 0;
		goto unlock;
	}
	while ((!list_empty(&work->entry) && work->wq == wq &&
		work->seq <= target) ||
	       __work_running(wq, work, target))
		pthread_cond_wait(&wq->done, &wq_pool_lock);
unlock:
	pthread_mutex_unlock(&wq_pool_lock);
	return target != 0;
}

/**
 * cancel_work_sync() - take @work off its queue and wait if it is running
 * @work: the item
 *
 * Unlike the kernel's, requeueing is not blocked meanwhile: an item that
 * requeues itself while running stays queued, so the caller stops it from
 * doing so first.
 *
 * Context: sleeps; same lock rule as flush_work().  From @work's own
 * function it WARNs and does not wait.
 * Return: true if @work was pending (and will now not run), false otherwise.
 */
bool cancel_work_sync(struct work_struct *work)
{
	struct workqueue_struct *wq;
	bool was_pending = false;

	work_lockdep_wait(work, "cancel_work_sync");
	pthread_mutex_lock(&wq_pool_lock);
	wq = work->wq;
	if (!list_empty(&work->entry)) {
		list_del_init(&work->entry);
		atomic_set(&work->pending, 0);
		was_pending = true;
		if (wq)
			pthread_cond_broadcast(&wq->done);
	}
	if (wq && __work_running(wq, work, ULONG_MAX)) {
		if (WARN(current_worker && current_worker->current_work == work,
			 "cancel_work_sync() of the running work item from itself"))
			goto unlock;
		while (__work_running(wq, work, ULONG_MAX))
			pthread_cond_wait(&wq->done, &wq_pool_lock);
	}
unlock:
	pthread_mutex_unlock(&wq_pool_lock);
	return was_pending;
}

/* The timer thread: moves expired delayed work to its queue. */
static void *wq_timer_main(void *arg)
{
	struct delayed_work *dw;
	struct timespec ts;
	u64 now;

	(void)arg;
	pthread_mutex_lock(&wq_pool_lock);
	for (;;) {
		if (list_empty(&wq_timer_list)) {
			pthread_cond_wait(&wq_timer_cond, &wq_pool_lock);
			continue;
		}
		dw = list_first_entry(&wq_timer_list, struct delayed_work,
				      timer_entry);
		now = mono_ns();
		if (now < dw->expires_ns) {
			ts = ns_to_ts(dw->expires_ns);
			pthread_cond_timedwait(&wq_timer_cond, &wq_pool_lock, &ts);
			continue;
		}
		list_del_init(&dw->timer_entry);
		dw->timer_armed = 0;
		__queue_work_locked(dw->work.wq, &dw->work);
	}
	return NULL;
}

/* Caller holds wq_pool_lock.  Return: 0 or -EAGAIN. */
static int __wq_timer_start(void)
{
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	if (wq_timer_started)
		return 0;
	cond_init_mono(&wq_timer_cond);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, wq_timer_main, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		pthread_cond_destroy(&wq_timer_cond);
		return -EAGAIN;
	}
	pthread_setname_np(tid, "wq-timer");
	wq_timer_started = true;
	return 0;
}

/**
 * queue_delayed_work() - queue @dwork on @wq after a delay
 * @wq: the queue
 * @dwork: the item, set up with INIT_DELAYED_WORK()
 * @delay_ms: delay in milliseconds; 0 queues at once
 *
 * A process-wide timer thread, started on first use, moves expired items to
 * their queues.  If it cannot be started the item is queued at once rather
 * than lost.
 *
 * Context: any thread, under any lock; does not sleep (but may create the
 * timer thread).
 * Return: true if armed or queued, false if @dwork was already pending or
 * armed, or @wq is dying (WARN).
 */
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay_ms)
{
	struct delayed_work *pos;
	bool queued = false;

	pthread_mutex_lock(&wq_pool_lock);
	if (atomic_read(&dwork->work.pending) || dwork->timer_armed)
		goto unlock;
	if (WARN(wq->stopping, "queueing work on dying workqueue %s", wq->name))
		goto unlock;
	atomic_set(&dwork->work.pending, 1);
	/* No timer thread (or no delay): queue now rather than lose it. */
	if (!delay_ms || __wq_timer_start()) {
		__queue_work_locked(wq, &dwork->work);
		queued = true;
		goto unlock;
	}
	dwork->work.wq = wq;
	dwork->expires_ns = mono_ns() + (u64)delay_ms * 1000000ull;
	dwork->timer_armed = 1;
	list_for_each_entry(pos, &wq_timer_list, timer_entry)
		if (pos->expires_ns > dwork->expires_ns)
			break;
	list_add_tail(&dwork->timer_entry, &pos->timer_entry);
	pthread_cond_signal(&wq_timer_cond);
	queued = true;
unlock:
	pthread_mutex_unlock(&wq_pool_lock);
	return queued;
}

/**
 * cancel_delayed_work_sync() - disarm @dwork, take it off its queue and
 * wait if it is running
 * @dwork: the item
 *
 * Context: sleeps; see cancel_work_sync().
 * Return: true if @dwork was armed or pending, false otherwise.
 */
bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	bool was_armed = false;

	pthread_mutex_lock(&wq_pool_lock);
	if (dwork->timer_armed) {
		list_del_init(&dwork->timer_entry);
		dwork->timer_armed = 0;
		atomic_set(&dwork->work.pending, 0);
		was_armed = true;
	}
	pthread_mutex_unlock(&wq_pool_lock);
	return cancel_work_sync(&dwork->work) || was_armed;
}

/**
 * destroy_workqueue() - flush @wq, stop its workers and free it
 * @wq: the queue; NULL is a no-op
 *
 * Delayed items still armed for @wq are queued at once rather than lost;
 * items chained by running items are drained before the workers exit.
 *
 * Context: sleeps; counts as a flush for lockdep (see flush_workqueue()).
 * Not from one of @wq's own workers.  Nobody else may queue on @wq any more.
 */
void destroy_workqueue(struct workqueue_struct *wq)
{
	struct delayed_work *dw, *tmp;

	if (!wq)
		return;
	/* Armed delayed work for this queue runs now instead of being lost. */
	pthread_mutex_lock(&wq_pool_lock);
	list_for_each_entry_safe(dw, tmp, &wq_timer_list, timer_entry) {
		if (dw->work.wq != wq)
			continue;
		list_del_init(&dw->timer_entry);
		dw->timer_armed = 0;
		__queue_work_locked(wq, &dw->work);
	}
	pthread_mutex_unlock(&wq_pool_lock);
	flush_workqueue(wq);
	/* Workers drain anything chained meanwhile, then exit. */
	wq_stop_workers(wq);
	pthread_cond_destroy(&wq->more_work);
	pthread_cond_destroy(&wq->done);
	kfree(wq->workers);
	kfree(wq);
}

/**
 * current_is_workqueue_worker() - is the caller one of @wq's workers?
 * @wq: the queue
 *
 * Context: any thread.
 * Return: true if called from a work function running on @wq.
 */
bool current_is_workqueue_worker(struct workqueue_struct *wq)
{
	return current_worker && current_worker->wq == wq;
}
