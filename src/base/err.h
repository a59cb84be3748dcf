/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error pointers and errno helpers.  Every int-returning function returns 0
 * or a negative errno; every pointer-returning one a valid pointer or
 * ERR_PTR(-E...).  Kernel-internal errno values are defined here.
 * Kernel counterpart: include/linux/err.h, include/linux/errno.h
 */
#ifndef SIO_BASE_ERR_H
#define SIO_BASE_ERR_H

#include <errno.h>
#include <softiommu/error.h>	/* sio_is_err(), sio_strerror(), sio_errno_name() */
#include "base/types.h"

/* Kernel-internal errno values that libc does not define. */
#define ERESTARTSYS	512
#define EPROBE_DEFER	517
#define ENOTSUPP	524

#define MAX_ERRNO	SIO_MAX_ERRNO

#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return unlikely(!ptr) || IS_ERR_VALUE((unsigned long)ptr);
}

static inline void *ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

static inline int PTR_ERR_OR_ZERO(const void *ptr)
{
	return IS_ERR(ptr) ? (int)PTR_ERR(ptr) : 0;
}

/* Parse "EBUSY", "-EBUSY" or a number into *@err (kernel-doc in err.c). */
int sio_errno_parse(const char *name, int *err);

#endif /* SIO_BASE_ERR_H */
