/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workqueues: named queues served by worker threads (registered with RCU).
 * Unbound queues run up to max_active items at once; ordered queues run one
 * at a time in queueing order.  Delayed work arms a timer thread.
 * Kernel counterpart: include/linux/workqueue.h, kernel/workqueue.c
 */
#ifndef SIO_BASE_WORKQUEUE_H
#define SIO_BASE_WORKQUEUE_H

#include "base/atomic.h"
#include "base/list.h"

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	struct list_head entry;		/* on wq->pending, under the wq lock */
	work_func_t func;
	atomic_t pending;		/* 1 from queue_work() until func starts */
	struct workqueue_struct *wq;	/* last queue it was put on */
	unsigned long seq;		/* queueing sequence, for flush */
};

#define INIT_WORK(w, f)                                                       \
	do {                                                                  \
		INIT_LIST_HEAD(&(w)->entry);                                  \
		(w)->func = (f);                                              \
		atomic_set(&(w)->pending, 0);                                 \
		(w)->wq = NULL;                                               \
		(w)->seq = 0;                                                 \
	} while (0)

struct delayed_work {
	struct work_struct work;
	u64 expires_ns;			/* monotonic deadline while armed */
	struct list_head timer_entry;	/* on the timer list while armed */
	int timer_armed;		/* under the timer lock */
};

#define INIT_DELAYED_WORK(dw, f)                                              \
	do {                                                                  \
		INIT_WORK(&(dw)->work, (f));                                  \
		INIT_LIST_HEAD(&(dw)->timer_entry);                           \
		(dw)->timer_armed = 0;                                        \
	} while (0)

#define to_delayed_work(w) container_of(w, struct delayed_work, work)

#define WQ_UNBOUND	0x2u
#define WQ_ORDERED	0x20000u

/*
 * Create a queue and its workers; NULL on failure.  Kernel-doc for the whole
 * API, with each function's lock rules, in workqueue.c.
 */
struct workqueue_struct *alloc_workqueue(const char *name, unsigned int flags,
					 int max_active);
#define alloc_ordered_workqueue(name, flags)                                  \
	alloc_workqueue((name), (flags) | WQ_UNBOUND | WQ_ORDERED, 1)

/* Flush, stop the workers and free.  NULL is accepted. */
void destroy_workqueue(struct workqueue_struct *wq);

/* Return: false if @work was already pending (nothing done), else true. */
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);

/* Wait until every item queued before the call has finished. */
void flush_workqueue(struct workqueue_struct *wq);

/* Wait for @work to finish if pending or running. Return: true if it waited. */
bool flush_work(struct work_struct *work);

/* Remove @work if pending, then wait if running. Return: true if it was pending. */
bool cancel_work_sync(struct work_struct *work);

/* Queue after @delay_ms milliseconds; false if already pending or armed. */
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay_ms);
/* Disarm the timer, cancel if pending, wait if running. */
bool cancel_delayed_work_sync(struct delayed_work *dwork);

/* True if called from a worker of @wq. */
bool current_is_workqueue_worker(struct workqueue_struct *wq);

#endif /* SIO_BASE_WORKQUEUE_H */
