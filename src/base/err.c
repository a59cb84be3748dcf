// SPDX-License-Identifier: BSD-3-Clause
/*
 * errno names and texts: symbolic names for logs and scenario expectations,
 * and the human text bash prints for a failed write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct errno_name {
	int err;
	const char *name;
};

/* Ordered by value; aliases (EWOULDBLOCK, EDEADLOCK) are left out. */
static const struct errno_name errno_names[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },
	{ ENOEXEC, "ENOEXEC" },
	{ EBADF, "EBADF" },
	{ ECHILD, "ECHILD" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ ENOTBLK, "ENOTBLK" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" },
	{ EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" },
	{ EFBIG, "EFBIG" },
	{ ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" },
	{ EROFS, "EROFS" },
	{ EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" },
	{ EDOM, "EDOM" },
	{ ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOLCK, "ENOLCK" },
	{ ENOSYS, "ENOSYS" },
	{ ENOTEMPTY, "ENOTEMPTY" },
	{ ELOOP, "ELOOP" },
	{ ENOMSG, "ENOMSG" },
	{ EIDRM, "EIDRM" },
	{ ENOSTR, "ENOSTR" },
	{ ENODATA, "ENODATA" },
	{ ETIME, "ETIME" },
	{ ENOSR, "ENOSR" },
	{ ENOLINK, "ENOLINK" },
	{ EPROTO, "EPROTO" },
	{ EBADMSG, "EBADMSG" },
	{ EOVERFLOW, "EOVERFLOW" },
	{ EILSEQ, "EILSEQ" },
	{ EUSERS, "EUSERS" },
	{ ENOTSOCK, "ENOTSOCK" },
	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ EPROTOTYPE, "EPROTOTYPE" },
	{ ENOPROTOOPT, "ENOPROTOOPT" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETDOWN, "ENETDOWN" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ECONNABORTED, "ECONNABORTED" },
	{ ECONNRESET, "ECONNRESET" },
	{ ENOBUFS, "ENOBUFS" },
	{ EISCONN, "EISCONN" },
	{ ENOTCONN, "ENOTCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" },
	{ ESTALE, "ESTALE" },
	{ EDQUOT, "EDQUOT" },
	{ ECANCELED, "ECANCELED" },
	{ EOWNERDEAD, "EOWNERDEAD" },
	{ ENOTRECOVERABLE, "ENOTRECOVERABLE" },
	{ ERESTARTSYS, "ERESTARTSYS" },
	{ EPROBE_DEFER, "EPROBE_DEFER" },
	{ ENOTSUPP, "ENOTSUPP" },
};

static __thread char errno_buf[32];

/**
 * sio_errno_name() - symbolic name of an errno value (public: softiommu/error.h)
 * @err: errno, either sign (-EBUSY and EBUSY both give "EBUSY")
 *
 * Context: any.
 * Return: a static string such as "EBUSY" or "EPROBE_DEFER"; "E?<n>" style
 * text in a per-thread buffer for values it does not know.
 */
const char *sio_errno_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (err == 0)
		return "0";
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(errno_buf, sizeof(errno_buf), "E?%d", err);
	return errno_buf;
}

/**
 * sio_errno_parse() - parse a symbolic errno name
 * @name: "EBUSY", "-EBUSY", "0" or a decimal number
 * @err: where the value is stored, as a negative errno (or 0)
 *
 * Context: any.
 * Return: 0 on success, -EINVAL if @name is not an errno name.
 */
int sio_errno_parse(const char *name, int *err)
{
	const char *p = name;
	char *end;
	long v;
	size_t i;

	if (!p || !*p)
		return -EINVAL;
	if (*p == '-')
		p++;
	if (*p >= '0' && *p <= '9') {
		v = strtol(p, &end, 10);
		if (*end || v > MAX_ERRNO)
			return -EINVAL;
		*err = (int)-v;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(errno_names); i++) {
		if (strcmp(errno_names[i].name, p) == 0) {
			*err = -errno_names[i].err;
			return 0;
		}
	}
	/* Accepted aliases. */
	if (strcmp(p, "EWOULDBLOCK") == 0) {
		*err = -EAGAIN;
		return 0;
	}
	if (strcmp(p, "EDEADLOCK") == 0) {
		*err = -EDEADLK;
		return 0;
	}
	return -EINVAL;
}

/**
 * sio_strerror() - human text of an errno, as bash would print it (public:
 * softiommu/error.h)
 * @err: errno, either sign
 *
 * Context: any.
 * Return: a static string ("Device or resource busy"), or "Unknown error
 * <n>" in a per-thread buffer.
 */
const char *sio_strerror(int err)
{
	const char *s;

	if (err < 0)
		err = -err;
	s = strerrordesc_np(err);
	if (s)
		return s;
	snprintf(errno_buf, sizeof(errno_buf), "Unknown error %d", err);
	return errno_buf;
}
