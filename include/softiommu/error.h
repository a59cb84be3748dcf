/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * softiommu public error conventions: testing a returned pointer for an
 * error, reading its errno, making one (drivers), and naming errno values
 * in messages.
 * Kernel counterpart: include/linux/err.h (ERR_PTR, IS_ERR, PTR_ERR)
 *
 * Every int-returning function of the API returns 0 (or a count) or a
 * negative errno.  Every pointer-returning one returns a valid pointer or an
 * error pointer that encodes a negative errno: test it with sio_is_err()
 * BEFORE using it, never against NULL, unless its kernel-doc says it returns
 * NULL ("not found" lookups).
 */
#ifndef SOFTIOMMU_ERROR_H
#define SOFTIOMMU_ERROR_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/* Error pointers encode -1 .. -SIO_MAX_ERRNO, the last page of addresses. */
#define SIO_MAX_ERRNO	4095

/**
 * sio_err_ptr() - encode a negative errno as an error pointer (what a driver
 * behind softiommu/iommu-driver.h returns from a failed op; the kernel's
 * ERR_PTR())
 * @err: -1 .. -SIO_MAX_ERRNO
 *
 * Context: any.  Return: the error pointer.
 */
static inline void *sio_err_ptr(int err)
{
	return (void *)(intptr_t)err;
}

/**
 * sio_is_err() - is @ptr an error pointer?
 * @ptr: a pointer an API function returned
 *
 * Context: any.  Return: true for an encoded errno (read it with
 * sio_ptr_err()); false for NULL and for a valid pointer.
 */
static inline bool sio_is_err(const void *ptr)
{
	return (uintptr_t)ptr >= (uintptr_t)-SIO_MAX_ERRNO;
}

/**
 * sio_is_err_or_null() - is @ptr an error pointer or NULL?
 * @ptr: a pointer an API function returned
 *
 * Context: any.  Return: true for NULL or an encoded errno.
 */
static inline bool sio_is_err_or_null(const void *ptr)
{
	return !ptr || sio_is_err(ptr);
}

/**
 * sio_ptr_err() - the errno an error pointer encodes
 * @ptr: a pointer for which sio_is_err() is true
 *
 * Context: any.  Return: the negative errno (-ENOMEM, -EINVAL, ...);
 * meaningless for a pointer sio_is_err() rejects.
 */
static inline int sio_ptr_err(const void *ptr)
{
	return (int)(intptr_t)ptr;
}

/*
 * sio_errno_name() - symbolic name of an errno, either sign: "EBUSY", and
 * the kernel-internal ones ("EPROBE_DEFER").  Context: any thread.
 * Return: a static string, or "E?<n>" in a per-thread buffer for a value it
 * does not know (valid until the thread's next call).
 */
const char *sio_errno_name(int err);

/*
 * sio_strerror() - human text of an errno, either sign, as a shell prints
 * it ("Device or resource busy").  Context: any thread.  Return: a static
 * string, or "Unknown error <n>" in a per-thread buffer.
 */
const char *sio_strerror(int err);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* SOFTIOMMU_ERROR_H */
