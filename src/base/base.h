/* SPDX-License-Identifier: BSD-3-Clause */
/* Umbrella include for the base substrate (private to the library). */
#ifndef SIO_BASE_BASE_H
#define SIO_BASE_BASE_H

#include "types.h"
#include "err.h"
#include "list.h"
#include "log.h"
#include "bug.h"
#include "lockdep.h"
#include "mutex.h"
#include "atomic.h"
#include "refcount.h"
#include "rcu.h"
#include "alloc.h"
#include "xarray.h"
#include "ida.h"
#include "completion.h"
#include "workqueue.h"
#include "kthread.h"

#endif /* SIO_BASE_BASE_H */
