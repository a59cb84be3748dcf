/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Circular doubly linked lists (intrusive), with RCU-safe traversal.
 * Kernel counterpart: include/linux/list.h, include/linux/rculist.h
 */
#ifndef SIO_BASE_LIST_H
#define SIO_BASE_LIST_H

#include "base/types.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	list->prev = list;
}

static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = new;
	new->next = next;
	new->prev = prev;
	WRITE_ONCE(prev->next, new);
}

static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	__list_add(new, head->prev, head);
}

static inline void __list_del(struct list_head *prev, struct list_head *next)
{
	next->prev = prev;
	WRITE_ONCE(prev->next, next);
}

static inline void list_del(struct list_head *entry)
{
	__list_del(entry->prev, entry->next);
	entry->next = NULL;
	entry->prev = NULL;
}

static inline void list_del_init(struct list_head *entry)
{
	__list_del(entry->prev, entry->next);
	INIT_LIST_HEAD(entry);
}

static inline void list_move_tail(struct list_head *list, struct list_head *head)
{
	__list_del(list->prev, list->next);
	list_add_tail(list, head);
}

static inline bool list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

static inline void list_splice_tail_init(struct list_head *list,
					 struct list_head *head)
{
	if (!list_empty(list)) {
		struct list_head *first = list->next, *last = list->prev;
		struct list_head *at = head->prev;

		first->prev = at;
		at->next = first;
		last->next = head;
		head->prev = last;
		INIT_LIST_HEAD(list);
	}
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member) list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member)                          \
	(list_empty(ptr) ? NULL : list_first_entry(ptr, type, member))
#define list_next_entry(pos, member)                                          \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_prev_entry(pos, member)                                          \
	list_entry((pos)->member.prev, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))

#define list_for_each(pos, head)                                              \
	for (pos = (head)->next; pos != (head); pos = pos->next)

#define list_for_each_entry(pos, head, member)                                \
	for (pos = list_first_entry(head, __typeof__(*pos), member);          \
	     !list_entry_is_head(pos, head, member);                          \
	     pos = list_next_entry(pos, member))

#define list_for_each_entry_reverse(pos, head, member)                        \
	for (pos = list_last_entry(head, __typeof__(*pos), member);           \
	     !list_entry_is_head(pos, head, member);                          \
	     pos = list_prev_entry(pos, member))

#define list_for_each_entry_safe(pos, n, head, member)                        \
	for (pos = list_first_entry(head, __typeof__(*pos), member),          \
	    n = list_next_entry(pos, member);                                 \
	     !list_entry_is_head(pos, head, member);                          \
	     pos = n, n = list_next_entry(n, member))

#define list_for_each_entry_continue_reverse(pos, head, member)               \
	for (pos = list_prev_entry(pos, member);                              \
	     !list_entry_is_head(pos, head, member);                          \
	     pos = list_prev_entry(pos, member))

/*
 * RCU variants: writers (serialised by their own lock) publish with a
 * release store; readers inside rcu_read_lock() walk with acquire loads.
 * A node removed with list_del_rcu() keeps its ->next for readers still
 * on it: free it after a grace period (kfree_rcu/call_rcu).
 */
static inline void list_add_rcu(struct list_head *new, struct list_head *head)
{
	struct list_head *next = head->next;

	new->next = next;
	new->prev = head;
	__atomic_store_n(&head->next, new, __ATOMIC_RELEASE);
	next->prev = new;
}

static inline void list_add_tail_rcu(struct list_head *new,
				     struct list_head *head)
{
	struct list_head *prev = head->prev;

	new->next = head;
	new->prev = prev;
	__atomic_store_n(&prev->next, new, __ATOMIC_RELEASE);
	head->prev = new;
}

static inline void list_del_rcu(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	__atomic_store_n(&entry->prev->next, entry->next, __ATOMIC_RELAXED);
	entry->prev = NULL;	/* ->next stays valid for readers */
}

#define __list_next_rcu(p) __atomic_load_n(&(p)->next, __ATOMIC_ACQUIRE)

#define list_for_each_entry_rcu(pos, head, member)                            \
	for (pos = list_entry(__list_next_rcu(head), __typeof__(*pos), member); \
	     !list_entry_is_head(pos, head, member);                          \
	     pos = list_entry(__list_next_rcu(&(pos)->member),                \
			      __typeof__(*pos), member))

static inline bool list_empty_rcu(const struct list_head *head)
{
	return __atomic_load_n(&head->next, __ATOMIC_RELAXED) == head;
}

static inline size_t list_count_nodes(const struct list_head *head)
{
	size_t n = 0;
	const struct list_head *p;

	for (p = head->next; p != head; p = p->next)
		n++;
	return n;
}

#endif /* SIO_BASE_LIST_H */
