// SPDX-License-Identifier: BSD-3-Clause
/* Keeps the test-support library non-empty before any support file exists. */
int sio_test_support_placeholder;
