// SPDX-License-Identifier: BSD-3-Clause
/* errno names, parsing and texts. */
#include "harness.h"
#include "base/err.h"

TEST(errno_names)
{
	EXPECT_STREQ("EBUSY", sio_errno_name(-EBUSY));
	EXPECT_STREQ("EBUSY", sio_errno_name(EBUSY));
	EXPECT_STREQ("ENOMEM", sio_errno_name(-ENOMEM));
	EXPECT_STREQ("EPROBE_DEFER", sio_errno_name(-EPROBE_DEFER));
	EXPECT_STREQ("ENOTSUPP", sio_errno_name(-ENOTSUPP));
	EXPECT_STREQ("ERESTARTSYS", sio_errno_name(-ERESTARTSYS));
	EXPECT_STREQ("EOPNOTSUPP", sio_errno_name(-EOPNOTSUPP));
	EXPECT_STREQ("0", sio_errno_name(0));
	EXPECT_STREQ("E?4000", sio_errno_name(-4000));
}

TEST(errno_parse)
{
	int err = 1;

	ASSERT_EQ(0, sio_errno_parse("EBUSY", &err));
	EXPECT_EQ(-EBUSY, err);
	ASSERT_EQ(0, sio_errno_parse("-ENODEV", &err));
	EXPECT_EQ(-ENODEV, err);
	ASSERT_EQ(0, sio_errno_parse("EPROBE_DEFER", &err));
	EXPECT_EQ(-EPROBE_DEFER, err);
	ASSERT_EQ(0, sio_errno_parse("0", &err));
	EXPECT_EQ(0, err);
	ASSERT_EQ(0, sio_errno_parse("-22", &err));
	EXPECT_EQ(-EINVAL, err);
	ASSERT_EQ(0, sio_errno_parse("12", &err));
	EXPECT_EQ(-ENOMEM, err);
	EXPECT_EQ(-EINVAL, sio_errno_parse("EWHATEVER", &err));
	EXPECT_EQ(-EINVAL, sio_errno_parse("", &err));
	EXPECT_EQ(-EINVAL, sio_errno_parse("12abc", &err));
}

TEST(errno_round_trip)
{
	static const int errs[] = { EPERM, ENOENT, EIO, EAGAIN, ENOMEM, EBUSY,
				    EEXIST, ENODEV, EINVAL, ENOSPC, ERANGE,
				    EOPNOTSUPP, ETIMEDOUT, EOVERFLOW,
				    ERESTARTSYS, EPROBE_DEFER, ENOTSUPP };
	size_t i;
	int err;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		ASSERT_EQ(0, sio_errno_parse(sio_errno_name(errs[i]), &err));
		EXPECT_EQ(-errs[i], err);
	}
}

TEST(strerror_as_bash_prints_it)
{
	EXPECT_STREQ("Device or resource busy", sio_strerror(-EBUSY));
	EXPECT_STREQ("No such device", sio_strerror(ENODEV));
	EXPECT_STREQ("Invalid argument", sio_strerror(-EINVAL));
	EXPECT_STREQ("Unknown error 517", sio_strerror(-EPROBE_DEFER));
	EXPECT_STREQ("Unknown error 524", sio_strerror(-ENOTSUPP));
}

TEST(err_ptr)
{
	void *p = ERR_PTR(-ENOMEM);

	EXPECT_TRUE(IS_ERR(p));
	EXPECT_EQ(-ENOMEM, PTR_ERR(p));
	EXPECT_TRUE(IS_ERR_OR_NULL(NULL));
	EXPECT_FALSE(IS_ERR(&p));
	EXPECT_EQ(0, PTR_ERR_OR_ZERO(&p));
	EXPECT_EQ(-EBUSY, PTR_ERR_OR_ZERO(ERR_PTR(-EBUSY)));
}

TEST_HARNESS_MAIN
