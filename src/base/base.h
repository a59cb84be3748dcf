/* SPDX-License-Identifier: BSD-3-Clause */
/* Umbrella include for the base substrate (private to the library). */
#ifndef SIO_BASE_BASE_H
#define SIO_BASE_BASE_H

#include "base/types.h"
#include "base/err.h"
#include "base/list.h"
#include "base/log.h"
#include "base/bug.h"
#include "base/lockdep.h"
#include "base/mutex.h"
#include "base/atomic.h"
#include "base/refcount.h"
#include "base/rcu.h"
#include "base/alloc.h"
#include "base/xarray.h"
#include "base/ida.h"
#include "base/completion.h"
#include "base/workqueue.h"
#include "base/kthread.h"

#endif /* SIO_BASE_BASE_H */
