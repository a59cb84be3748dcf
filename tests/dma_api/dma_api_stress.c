// SPDX-License-Identifier: BSD-3-Clause
/*
 * Two threads map, DMA through and unmap on one shared DMA domain (strict
 * and lazy), checking every transfer: bounded, seeded, TSan-clean.
 */
#include <pthread.h>

#include "dma-fixture.h"

#define STRESS_ITERS 1500
#define STRESS_PAGES 64

struct stress_arg {
	struct sio_device *dev;
	struct dfx_buf *buf; /* this thread's own RAM */
	unsigned long seed;
	int errors;
	unsigned long maps;
};

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *stress_thread(void *data)
{
	struct stress_arg *a = data;
	u8 out[3 * PAGE_SIZE], in[3 * PAGE_SIZE];
	unsigned int i;

	sio_rcu_register_thread();
	for (i = 0; i < STRESS_ITERS && !a->errors; i++) {
		unsigned long r = xorshift(&a->seed);
		size_t pages = 1 + r % 16;
		size_t off = (r >> 8) % ((STRESS_PAGES - pages) * PAGE_SIZE);
		size_t len = min_t(size_t, pages * PAGE_SIZE - (off & 7),
				   sizeof(out));
		dma_addr_t dma;

		dma = dma_map_phys(a->dev, a->buf->pa + off, len,
				   DMA_BIDIRECTIONAL);
		if (dma_mapping_error(a->dev, dma)) {
			a->errors++;
			break;
		}
		a->maps++;
		dfx_pattern(out, len, (unsigned int)r);
		if (sio_dma_write(a->dev, dma, out, len) ||
		    sio_dma_read(a->dev, dma, in, len) ||
		    memcmp(out, in, len) || memcmp(out, a->buf->cpu + off, len))
			a->errors++;
		dma_unmap_phys(a->dev, dma, len, DMA_BIDIRECTIONAL);
	}
	sio_rcu_unregister_thread();
	return NULL;
}

static void run_stress(struct __test_metadata *_metadata,
		       FIXTURE_DATA(dma_api) * self, enum dfx_mode mode)
{
	struct stress_arg args[2];
	struct dfx_buf bufs[2];
	struct iommu_dma_stats st;
	pthread_t th[2];
	struct sio_device *dev;
	int i;

	printf("# seed %lu mode %s\n", test_seed(), dfx_mode_name[mode]);
	dev = dfx_add(self, mode, true);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, dfx_buf_alloc(self, &bufs[i],
					   STRESS_PAGES * PAGE_SIZE));
		args[i] = (struct stress_arg){
			.dev = dev,
			.buf = &bufs[i],
			.seed = test_seed() * 2 + (unsigned long)i + 1,
		};
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, stress_thread,
					    &args[i]));
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, args[i].errors);
		EXPECT_EQ(STRESS_ITERS, args[i].maps);
	}
	st = dfx_stats(dev);
	EXPECT_EQ(st.maps, st.unmaps);
	EXPECT_EQ(2 * STRESS_ITERS, st.maps);
	if (mode == DFX_LAZY)
		EXPECT_EQ(st.unmaps, st.lazy_unmaps);
	else
		EXPECT_EQ(st.unmaps, st.strict_unmaps);
	if (self->kind == DFX_MOCK)
		EXPECT_EQ(0,
			  mock_domain_mapped_bytes(iommu_get_dma_domain(dev)));
	for (i = 0; i < 2; i++)
		dfx_buf_free(self, &bufs[i]);
}

TEST_F(dma_api, stress_two_threads_strict)
{
	run_stress(_metadata, self, DFX_STRICT);
}

TEST_F(dma_api, stress_two_threads_lazy)
{
	run_stress(_metadata, self, DFX_LAZY);
}

TEST_HARNESS_MAIN
