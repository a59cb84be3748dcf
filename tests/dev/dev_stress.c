// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stress: sysfs readers and writers racing with removal.  Removal must
 * drain running callbacks, so no show/store ever sees freed private data
 * (ASan/TSan builds make a miss loud; the poison check makes it visible in
 * a plain build).  Bounded iterations, deterministic schedule choices from
 * the printed seed.
 */
#include <sched.h>
#include <stdlib.h>

#include "dev-test.h"

#define MAGIC 0x600dcafe
#define READERS 3

struct payload {
	int magic;
};

static int stop;
static int bad;
static int reads_ok;

static ssize_t slow_show(void *priv, char *buf)
{
	struct payload *p = priv;
	int i;

	for (i = 0; i < 20; i++) {
		if (__atomic_load_n(&p->magic, __ATOMIC_RELAXED) != MAGIC)
			__atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
		sched_yield();
	}
	return snprintf(buf, SIO_SYSFS_BUF_SIZE, "%x\n", p->magic);
}

static const struct sio_attribute slow_attr = {
	.name = "val", .mode = 0444, .show = slow_show,
};

static void *reader(void *arg)
{
	struct sio_sysfs *fs = arg;
	char buf[32];
	ssize_t r;

	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
		r = sio_sysfs_read(fs, "/sys/kernel/k/val", buf, sizeof(buf));
		if (r > 0)
			__atomic_add_fetch(&reads_ok, 1, __ATOMIC_SEQ_CST);
		else if (r != -ENOENT)
			__atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

TEST(sysfs_read_vs_removal)
{
	unsigned int seed = (unsigned int)test_seed();
	struct sio_machine *m = sio_machine_alloc("stress");
	pthread_t th[READERS];
	int i, j;

	ASSERT_FALSE(IS_ERR(m));
	for (i = 0; i < READERS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, reader, m->sysfs));
	for (i = 0; i < 400; i++) {
		struct payload *p = kzalloc(sizeof(*p), GFP_KERNEL);
		struct sio_sysfs_node *dir;
		int spins = rand_r(&seed) % 50;

		ASSERT_NOT_NULL(p);
		p->magic = MAGIC;
		dir = sio_sysfs_mkdir(m->kernel_kobj, "k", p);
		ASSERT_FALSE(IS_ERR(dir));
		ASSERT_EQ(0, sio_sysfs_create_file(dir, &slow_attr));
		for (j = 0; j < spins; j++)
			sched_yield();
		sio_sysfs_remove(dir);
		/* Drained: no show may still look at @p. */
		__atomic_store_n(&p->magic, 0, __ATOMIC_RELAXED);
		for (j = 0; j < 5; j++)
			sched_yield();
		kfree(p);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	printf("# reads that ran: %d\n", reads_ok);
	EXPECT_EQ(0, bad);
	sio_machine_free(m);
}

/* Devices come and go while other threads read, bind and unbind them. */
static struct sio_machine *churn_m;

static void *churner(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	char path[96], name[16], buf[64];
	ssize_t r;
	int op;

	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
		snprintf(name, sizeof(name), "d%d", rand_r(&seed) % 4);
		op = rand_r(&seed) % 4;
		switch (op) {
		case 0:
			snprintf(path, sizeof(path),
				 "/sys/bus/tbus/devices/%s/driver_override", name);
			r = sio_sysfs_read(churn_m->sysfs, path, buf, sizeof(buf));
			if (r < 0 && r != -ENOENT)
				__atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
			break;
		case 1:
			r = sio_sysfs_write(churn_m->sysfs,
					    "/sys/bus/tbus/drivers/tdrv/bind",
					    name, strlen(name));
			if (r < 0 && r != -ENODEV && r != -EBUSY && r != -ENOENT)
				__atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
			break;
		case 2:
			r = sio_sysfs_write(churn_m->sysfs,
					    "/sys/bus/tbus/drivers/tdrv/unbind",
					    name, strlen(name));
			if (r < 0 && r != -ENODEV && r != -ENOENT)
				__atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
			break;
		case 3:
			snprintf(path, sizeof(path),
				 "/sys/bus/tbus/devices/%s/driver_override", name);
			r = sio_sysfs_write(churn_m->sysfs, path, "tdrv\n", 5);
			if (r < 0 && r != -ENOENT)
				__atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
			break;
		}
	}
	return NULL;
}

TEST(device_churn_vs_sysfs)
{
	unsigned int seed = (unsigned int)test_seed();
	struct sio_driver drv = { .name = "tdrv", .ids = nic_ids,
				  .probe = t_probe, .remove = t_remove };
	struct sio_device *devs[4] = { NULL };
	struct sio_bus *bus;
	pthread_t th[READERS];
	char name[16];
	int i, k;

	churn_m = sio_machine_alloc("churn");
	ASSERT_FALSE(IS_ERR(churn_m));
	bus = sio_bus_register(churn_m, &tbus_type);
	ASSERT_FALSE(IS_ERR(bus));
	ASSERT_EQ(0, sio_driver_register(bus, &drv));
	for (i = 0; i < READERS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, churner,
					    (void *)(uintptr_t)(seed + i)));
	for (i = 0; i < 600; i++) {
		k = rand_r(&seed) % 4;
		if (devs[k]) {
			sio_device_unregister(devs[k]);
			devs[k] = NULL;
		} else {
			snprintf(name, sizeof(name), "d%d", k);
			devs[k] = tdev_new(bus, name, "acme,nic", NULL);
			ASSERT_NOT_NULL(devs[k]);
			ASSERT_EQ(0, sio_device_add(devs[k]));
		}
		if (i % 100 == 50) {
			/* Driver removal racing with bind writers too. */
			sio_driver_unregister(&drv);
			ASSERT_EQ(0, sio_driver_register(bus, &drv));
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	for (k = 0; k < 4; k++)
		if (devs[k])
			sio_device_unregister(devs[k]);
	sio_driver_unregister(&drv);
	sio_bus_unregister(bus);
	EXPECT_EQ(0, bad);
	sio_machine_free(churn_m);
}

TEST_HARNESS_MAIN
