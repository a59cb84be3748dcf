// SPDX-License-Identifier: BSD-3-Clause
/*
 * The device <-> IOMMU link (src/dev/dma-link.c): what a device's DMA does
 * at each stage (no IOMMU yet, SMMU out of reset, driver bound, removed),
 * messages back to the device, thousands of devices, and the removed-device
 * isolation regression (../shared/repro/removed-device-dma-bypasses-iommu.c).
 */
#include <string.h>

#include "harness.h"
#include "../conformance/fixture.h"
#include "dev/dma-link.h"
#include "drivers/smmu/smmu.h"
#include "hw/hw-smmu.h"
#include <softiommu/dma.h>
#include <softiommu/machine.h>


/* A machine with RAM at 0 and a PCI bus, no IOMMU. */
static int link_fx_init(struct fx *fx)
{
	int ret = fx_init(fx, FX_KIND_MOCK, true);

	if (ret)
		return ret;
	fx->mem = sio_phys_mem_create(0, 0);
	if (IS_ERR(fx->mem)) {
		ret = (int)PTR_ERR(fx->mem);
		fx->mem = NULL;
		return ret;
	}
	fx->m->mem = fx->mem;
	return 0;
}

/* fx_fini() frees the RAM too. */
static void link_fx_fini(struct fx *fx)
{
	fx_fini(fx);
}

/* A RAM page for the test to aim DMA at.  Return: its PA (0: none). */
static u64 ram_page(struct fx *fx)
{
	u64 pa = 0;

	if (sio_phys_alloc_pages(fx->mem, 0, GFP_KERNEL, &pa))
		return 0;
	return pa;
}

static u32 ram_word(struct fx *fx, u64 pa)
{
	u32 v = 0;

	sio_phys_copy_from(fx->mem, pa, &v, sizeof(v));
	return v;
}

/* ---- a test input side: identity, counting transactions per stream ---- */

#define NDEVS		10000
#define SID_BASE	0x100

struct fake_iommu {
	unsigned int txns[SID_BASE + NDEVS];
	unsigned int prs;
};

static int fake_translate(void *priv, const struct sio_dma_txn *txn, u64 *pa,
			  size_t *contig)
{
	struct fake_iommu *f = priv;

	if (txn->sid >= ARRAY_SIZE(f->txns))
		return -EFAULT;
	__atomic_fetch_add(&f->txns[txn->sid], 1, __ATOMIC_RELAXED);
	*pa = txn->addr;
	*contig = 0;
	return 0;
}

static int fake_page_request(void *priv, u32 sid, bool pasid_valid, u32 pasid,
			     u16 grpid, bool last, unsigned int perm, u64 addr)
{
	struct fake_iommu *f = priv;

	f->prs++;
	return 0;
}

static const struct sio_dma_target_ops fake_ops = {
	.name = "fake",
	.translate = fake_translate,
	.page_request = fake_page_request,
};

struct heard {
	unsigned int responses, resumes, atc;
	u16 grpid;
	enum sio_dma_prg_resp code;
	u16 stag;
	bool retry;
	u64 atc_addr, atc_size;
	bool atc_global;
};

static void heard_pri(void *data, bool pasid_valid, u32 pasid, u16 grpid,
		      enum sio_dma_prg_resp code)
{
	struct heard *h = data;

	h->responses++;
	h->grpid = grpid;
	h->code = code;
}

static void heard_resume(void *data, u16 stag, bool retry)
{
	struct heard *h = data;

	h->resumes++;
	h->stag = stag;
	h->retry = retry;
}

static void heard_atc(void *data, bool pasid_valid, u32 pasid, u64 addr,
		      u64 size, bool global)
{
	struct heard *h = data;

	h->atc++;
	h->atc_addr = addr;
	h->atc_size = size;
	h->atc_global = global;
}

static const struct sio_dma_link_dev_ops heard_ops = {
	.pri_response = heard_pri,
	.resume = heard_resume,
	.atc_inv = heard_atc,
};

/*
 * Ten thousand devices behind one IOMMU: half added before its input side
 * exists (untranslated until it appears), half after; every transaction
 * carries its own stream ID; messages reach exactly their device; removing
 * the input side cuts them all.  No fixed capacity anywhere.
 */
TEST(link_ten_thousand_devices)
{
	struct sio_device **devs;
	struct fake_iommu *f;
	struct sio_dma_target *t = NULL;
	struct heard *h;
	u64 buf;
	struct fx fx;
	unsigned int i;
	u32 v;

	ASSERT_EQ(0, link_fx_init(&fx));
	buf = ram_page(&fx);
	ASSERT_NE(0, buf);
	devs = calloc(NDEVS, sizeof(*devs));
	h = calloc(NDEVS, sizeof(*h));
	f = calloc(1, sizeof(*f));
	ASSERT_TRUE(devs && h && f);
	for (i = 0; i < NDEVS; i++) {
		char name[32];

		if (i == NDEVS / 2) {
			t = sio_dma_target_add(fx.m, "fake0", &fake_ops, f);
			ASSERT_FALSE(IS_ERR(t));
			/* One name, one input side. */
			EXPECT_EQ(-EEXIST, PTR_ERR(sio_dma_target_add(
						   fx.m, "fake0", &fake_ops, f)));
		}
		snprintf(name, sizeof(name), "0000:%02x:%02x.%x", i / 256,
			 (i / 8) % 32, i % 8);
		devs[i] = fx_dev_alloc(&fx, name, NULL, NULL);
		ASSERT_FALSE(IS_ERR(devs[i]));
		snprintf(devs[i]->fw.iommu, sizeof(devs[i]->fw.iommu), "fake0");
		devs[i]->fw.ids[0] = SID_BASE + i;
		devs[i]->fw.num_ids = 1;
		ASSERT_EQ(0, sio_device_add(devs[i]));
		if (i < NDEVS / 2)
			continue;
		EXPECT_EQ(SIO_DMA_LINK_LIVE, sio_dma_link_state(devs[i]));
	}
	/* The first half was wired when the input side appeared. */
	for (i = 0; i < NDEVS; i++) {
		ASSERT_EQ(SIO_DMA_LINK_LIVE, sio_dma_link_state(devs[i]));
		ASSERT_EQ(0, sio_dma_link_set_dev_ops(devs[i], &heard_ops,
						      &h[i]));
		v = i;
		ASSERT_EQ(0, sio_dma_write(devs[i], buf + 4 * (i % 1024), &v,
					   sizeof(v)));
	}
	for (i = 0; i < NDEVS; i++)
		ASSERT_EQ(1, f->txns[SID_BASE + i]);
	/* Identity: the last device's word landed where it aimed. */
	EXPECT_EQ(NDEVS - 1, ram_word(&fx, buf + 4 * ((NDEVS - 1) % 1024)));
	/* Messages by stream ID reach their device and no other. */
	for (i = 0; i < NDEVS; i += 97)
		sio_dma_target_pri_response(t, SID_BASE + i, false, 0,
					    (u16)(i & 0x1ff),
					    SIO_DMA_PRG_SUCCESS);
	for (i = 0; i < NDEVS; i++) {
		ASSERT_EQ(i % 97 ? 0u : 1u, h[i].responses);
		if (!(i % 97))
			ASSERT_EQ(i & 0x1ff, h[i].grpid);
	}
	EXPECT_EQ(0, sio_dma_link_page_request(devs[7], true, 3, 1, true,
					       SIO_DMA_READ, 0x2000));
	EXPECT_EQ(1, f->prs);

	/* The IOMMU goes: every device aborts, none goes untranslated. */
	sio_dma_target_remove(t);
	for (i = 0; i < NDEVS; i++) {
		ASSERT_EQ(SIO_DMA_LINK_DEAD, sio_dma_link_state(devs[i]));
		ASSERT_EQ(-ENODEV, sio_dma_read(devs[i], buf, &v, sizeof(v)));
	}
	for (i = 0; i < NDEVS; i++)
		sio_device_unregister(devs[i]);
	free(devs);
	free(h);
	free(f);
	sio_phys_free_pages(fx.mem, buf, 0);
	link_fx_fini(&fx);
}

/*
 * One device through every stage: declared before its SMMU (untranslated),
 * SMMU out of reset (GBPA bypass, then abort), driver bound (translated:
 * an unmapped address faults), removed (aborts, memory untouched).
 */
TEST(link_stages_over_smmu)
{
	struct sio_hw_smmu_config hwcfg;
	struct iommu_device *iommu;
	struct sio_device *dev;
	struct sio_hw_smmu *hw;
	u32 v = 0x11111111;
	struct fx fx;
	u64 buf;

	ASSERT_EQ(0, link_fx_init(&fx));
	buf = ram_page(&fx);
	ASSERT_NE(0, buf);
	dev = fx_add_dev(&fx, "0000:00:02.0", "smmu0", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	sio_get_device(dev);

	/* 1: no SMMU on the machine: as a machine without that IOMMU. */
	EXPECT_EQ(SIO_DMA_LINK_NONE, sio_dma_link_state(dev));
	EXPECT_EQ(0, sio_dma_write(dev, buf, &v, sizeof(v)));
	EXPECT_EQ(0x11111111, ram_word(&fx, buf));
	EXPECT_EQ(-EFAULT, sio_dma_write_pasid(dev, 1, buf, &v, sizeof(v)));

	/* 2a: the SMMU exists, no driver: reset state, GBPA bypass. */
	sio_hw_smmu_config_default(&hwcfg);
	hwcfg.name = "smmu0";
	hw = sio_hw_smmu_add(fx.m, &hwcfg);
	ASSERT_FALSE(IS_ERR(hw));
	EXPECT_EQ(SIO_DMA_LINK_LIVE, sio_dma_link_state(dev));
	v = 0x22222222;
	EXPECT_EQ(0, sio_dma_write(dev, buf, &v, sizeof(v)));
	EXPECT_EQ(0x22222222, ram_word(&fx, buf));
	sio_hw_smmu_remove(fx.m, hw);
	EXPECT_EQ(SIO_DMA_LINK_DEAD, sio_dma_link_state(dev));
	EXPECT_EQ(-ENODEV, sio_dma_write(dev, buf, &v, sizeof(v)));

	/* 2b: an SMMU whose GBPA resets to abort. */
	hwcfg.gbpa_abort = true;
	hw = sio_hw_smmu_add(fx.m, &hwcfg);
	ASSERT_FALSE(IS_ERR(hw));
	EXPECT_EQ(SIO_DMA_LINK_LIVE, sio_dma_link_state(dev));
	v = 0x33333333;
	EXPECT_EQ(-EFAULT, sio_dma_write(dev, buf, &v, sizeof(v)));
	EXPECT_EQ(0x22222222, ram_word(&fx, buf));

	/* 3: the driver binds and probes the device: translated, strict. */
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(fx.m, 0, 1));
	iommu = smmu_iommu_create(fx.m, "smmu0", NULL);
	ASSERT_FALSE(IS_ERR(iommu));
	ASSERT_NOT_NULL(fx_group(dev));
	EXPECT_EQ(-EFAULT, sio_dma_write(dev, buf, &v, sizeof(v)));
	EXPECT_EQ(0x22222222, ram_word(&fx, buf));

	/* 4: hot-unplug with a reference held: aborted, never physical. */
	fx_del_dev(&fx, dev);
	EXPECT_EQ(SIO_DMA_LINK_DEAD, sio_dma_link_state(dev));
	EXPECT_EQ(-ENODEV, sio_dma_write(dev, buf, &v, sizeof(v)));
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, buf, &v, sizeof(v)));
	EXPECT_EQ(0x22222222, ram_word(&fx, buf));
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR,
		  sio_dma_map(dev, buf, 4096, SIO_DMA_BIDIRECTIONAL));
	EXPECT_EQ(-ENODEV, sio_dma_link_set_dev_ops(dev, &heard_ops, NULL));
	sio_put_device(dev);

	smmu_iommu_destroy(iommu);
	sio_hw_smmu_remove(fx.m, hw);
	sio_phys_free_pages(fx.mem, buf, 0);
	link_fx_fini(&fx);
}

#define CMD0(op, sid) (SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP, (op)) | \
		       SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, (sid)))

/*
 * The SMMU's messages travel back up the link: a PRI_RESP, a RESUME and an
 * ATC_INV issued on the command queue reach the device's handlers with
 * their fields, in the device's own terms; after removal nothing does.
 */
TEST(link_smmu_messages_reach_the_device)
{
	struct iommu_device *iommu;
	struct sio_device *dev;
	struct heard h = { 0 };
	u32 sid;
	struct fx fx;

	ASSERT_EQ(0, link_fx_init(&fx));
	iommu = fx_smmu_create(fx.m, "smmu0", NULL);
	ASSERT_FALSE(IS_ERR(iommu));
	dev = fx_add_dev(&fx, "0000:00:03.0", "smmu0", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	sid = dev->fw.ids[0];
	ASSERT_EQ(0, sio_dma_link_set_dev_ops(dev, &heard_ops, &h));

	EXPECT_EQ(0, smmu_iommu_submit_cmd(iommu,
			CMD0(SIO_SMMU_CMD_PRI_RESP, sid),
			SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_GRPID, 5) |
			SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_RESP,
					    SIO_SMMU_PRI_RESP_DENY)));
	EXPECT_EQ(1, h.responses);
	EXPECT_EQ(5, h.grpid);
	EXPECT_EQ(SIO_DMA_PRG_INVALID, h.code);
	EXPECT_EQ(0, smmu_iommu_submit_cmd(iommu,
			CMD0(SIO_SMMU_CMD_RESUME, sid),
			SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD1_STAG, 9)));
	EXPECT_EQ(1, h.resumes);
	EXPECT_EQ(9, h.stag);
	EXPECT_EQ(0, smmu_iommu_submit_cmd(iommu,
			CMD0(SIO_SMMU_CMD_ATC_INV, sid),
			SIO_SMMU_CMD1_ATC_GLOBAL));
	EXPECT_EQ(1, h.atc);
	EXPECT_TRUE(h.atc_global);
	/* Another stream's message is not this device's. */
	EXPECT_EQ(0, smmu_iommu_submit_cmd(iommu,
			CMD0(SIO_SMMU_CMD_ATC_INV, sid + 1),
			SIO_SMMU_CMD1_ATC_GLOBAL));
	EXPECT_EQ(1, h.atc);

	fx_del_dev(&fx, dev);
	EXPECT_EQ(0, smmu_iommu_submit_cmd(iommu,
			CMD0(SIO_SMMU_CMD_ATC_INV, sid),
			SIO_SMMU_CMD1_ATC_GLOBAL));
	EXPECT_EQ(1, h.atc);
	fx_smmu_destroy(fx.m, iommu);
	link_fx_fini(&fx);
}

/*
 * Reproducer removed-device-dma-bypasses-iommu.c through the public API
 * only: after hot-unplug a still-referenced device behind an SMMU can
 * neither read nor write RAM, and gets no DMA address.
 */
TEST(removed_device_dma_never_reaches_ram)
{
	struct sio_device_decl nic = {
		.bus = "pci", .name = "0000:00:02.0", .iommu = "smmu0",
		.ids = { 0x10 }, .num_ids = 1,
	};
	struct sio_machine *m = sio_machine_create("t");
	struct sio_device *dev;
	char b[8] = { 0 };
	uint64_t d, p;
	char *c;

	ASSERT_FALSE(IS_ERR_OR_NULL(m));
	ASSERT_EQ(0, sio_machine_add_memory(m, 0x40000000, 16 << 20));
	ASSERT_EQ(0, sio_machine_add_bus(m, "pci"));
	ASSERT_EQ(0, sio_machine_add_smmu(m, "smmu0", NULL));
	ASSERT_EQ(0, sio_machine_add_device(m, &nic));
	dev = sio_machine_get_device(m, "0000:00:02.0");
	ASSERT_NOT_NULL(dev);
	c = sio_dma_alloc_coherent(dev, 4096, &d, &p);
	ASSERT_NOT_NULL(c);
	strcpy(c, "SECRET");
	/* Through the IOMMU, the physical address is not mapped. */
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, p, b, 6));
	EXPECT_EQ(0, sio_dma_read(dev, d, b, 6));
	EXPECT_STREQ("SECRET", b);

	EXPECT_EQ(0, sio_machine_remove_device(m, "0000:00:02.0"));
	memset(b, 0, sizeof(b));
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, p, b, 6));
	EXPECT_EQ(-ENODEV, sio_dma_read(dev, d, b, 6));
	EXPECT_STREQ("", b);
	EXPECT_EQ(-ENODEV, sio_dma_write(dev, p, "PWNED", 5));
	EXPECT_EQ(-ENODEV, sio_dma_write(dev, d, "PWNED", 5));
	EXPECT_STREQ("SECRET", c);
	EXPECT_EQ(SIO_DMA_MAPPING_ERROR,
		  sio_dma_map(dev, p, 4096, SIO_DMA_BIDIRECTIONAL));
	sio_dma_free_coherent(dev, 4096, c, d);
	sio_machine_put_device(dev);
	sio_machine_destroy(m);
}

TEST_HARNESS_MAIN
