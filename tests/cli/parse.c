// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario parser tests: what it accepts, the exact file:line:col and text of
 * what it rejects, fail-nth without leaks, and a small fuzz (random bytes and
 * random word soup) that must never crash or leak.
 */
#include <string.h>
#include "harness.h"
#include "machine/scn-area.h"
#include <softiommu/dma.h>

static int parse(const char *text, struct sio_scn_script **s,
		 struct sio_scn_error *err)
{
	return sio_scn_parse("t.scn", text, strlen(text), 1, s, err);
}

TEST(parse_accepts_the_language)
{
	static const char text[] =
		"# a comment\n"
		"bus pci\n"
		"iommu mock smmu0 pgsize=4K,2M pasids=16 no-identity def-domain=dma\n"
		"device pci 0000:01:00.0 compatible=e1000e iommu=smmu0 sid=0x100,0x101 \\\n"
		"    late alias=g0 resv=direct:0x8000000+0x100000\n"
		"driver pci e1000e kind=dma-api ids=e1000e,igb\n"
		"cmdline iommu.passthrough=0 iommu.strict=1 legacy-v7-order\n"
		"echo vfio-pci | sudo tee -a /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers/e1000e/unbind   # trailing comment\n"
		"sudo modprobe -v vfio-pci\n"
		"cat /sys/kernel/iommu_groups/0/type\n"
		"ls -l /sys/kernel/iommu_groups\n"
		"vfio open 0000:01:00.0 cookie=ctx\n"
		"vfio map 0000:01:00.0 0x1000 0x80000 4K r\n"
		"domain alloc-bus pci as legacy\n"
		"expect -EBUSY\n"
		"expect file /sys/x == \"a b\"\n"
		"expect warn 1 in iommu_device_unuse_default_domain\n"
		"expect group 0000:01:00.0 domain == blocking\n"
		"help\n"
		"help fault\n";
	struct sio_scn_script *s;
	struct sio_scn_error err;
	const struct sio_scn_cmd *c;
	const struct scn_iommu_payload *iommu;
	const struct sio_device_decl *dev;

	ASSERT_EQ(0, parse(text, &s, &err));
	ASSERT_EQ(19, s->ncmds);
	c = s->cmds[1];
	iommu = c->payload;
	EXPECT_STREQ("iommu", c->row->word);
	EXPECT_STREQ("smmu0", iommu->decl.name);
	EXPECT_EQ((4096UL | (2UL << 20)), iommu->decl.pgsize_bitmap);
	EXPECT_EQ(16, iommu->decl.max_pasids);
	c = s->cmds[2];
	dev = c->payload;
	EXPECT_STREQ("device", c->row->word);
	EXPECT_EQ(4, c->line);
	EXPECT_EQ(2, dev->num_ids);
	EXPECT_EQ(0x101, dev->ids[1]);
	EXPECT_TRUE(dev->late);
	EXPECT_EQ(0x8000000, dev->resv[0].start);
	c = s->cmds[5];
	EXPECT_STREQ("echo", c->row->word);
	EXPECT_EQ(2, c->argc);		/* a write: value and path */
	EXPECT_STREQ("vfio-pci\n", c->argv[0]);
	EXPECT_EQ(SCN_W_TEE | SCN_W_APPEND, c->flags);
	c = s->cmds[6];
	EXPECT_STREQ("/sys/bus/pci/drivers/e1000e/unbind", c->argv[1]);
	EXPECT_EQ(0, c->flags);
	EXPECT_STREQ("modprobe", s->cmds[7]->row->word);
	EXPECT_NULL(s->cmds[7]->expect);
	EXPECT_STREQ("expect", s->cmds[13]->row->word);
	EXPECT_STREQ("-EXXX", s->cmds[13]->expect->word);
	EXPECT_EQ(-EBUSY, s->cmds[13]->err);
	EXPECT_STREQ("a b", s->cmds[14]->argv[1]);
	EXPECT_STREQ("iommu_device_unuse_default_domain", s->cmds[15]->argv[0]);
	EXPECT_EQ(0, s->cmds[17]->argc);
	EXPECT_STREQ("fault", s->cmds[18]->argv[0]);
	sio_scn_script_free(s);
}

TEST(parse_accepts_the_dma_language)
{
	static const char text[] =
		"memory 512M base=0x80000000\n"
		"iommu smmu smmu0 iotlb=64 iotlb-policy=random stage1 pri ssid-bits=8 granules=4K,64K ias=40 oas=44\n"
		"dma map 0000:01:00.0 as rxbuf 8K from-device\n"
		"dma write 0000:01:00.0 $rxbuf+0x10 \"hi\" pasid=3\n"
		"dma write 0000:01:00.0 0x1000 0xdead 0xbeef\n"
		"dma read 0000:01:00.0 $rxbuf 16\n"
		"expect data 0x6869\n"
		"expect fault permission\n"
		"memory alloc as ubuf 2M\n"
		"vfio map 0000:01:00.0 0x100000 $ubuf 2M r\n"
		"nic rx 0000:01:00.0 \"payload\"\n"
		"expect nic 0000:01:00.0 rx == 1\n"
		"expect nic 0000:01:00.0 last-tx == \"x\"\n"
		"expect dma 0000:01:00.0 lazy-unmaps == 2\n"
		"pgtable dump 0000:01:00.0 pasid=1 $ubuf 4K\n"
		"dma unmap rxbuf\n";
	struct sio_scn_script *s;
	struct sio_scn_error err;
	const struct sio_scn_cmd *c;
	const struct sio_smmu_decl *smmu;

	ASSERT_EQ(0, parse(text, &s, &err));
	ASSERT_EQ(16, s->ncmds);
	c = s->cmds[0];
	EXPECT_STREQ("memory", c->row->word);
	EXPECT_NULL(c->row->sub);
	EXPECT_EQ(512ULL << 20, c->num[0]);
	EXPECT_EQ(0x80000000ULL, c->num[1]);
	c = s->cmds[1];
	smmu = &((const struct scn_iommu_payload *)c->payload)->smmu;
	EXPECT_EQ(SIO_SMMU_DECL_F_STAGE1 | SIO_SMMU_DECL_F_PRI, smmu->features);
	EXPECT_EQ(64, smmu->iotlb_entries);
	EXPECT_TRUE(smmu->iotlb_random);
	EXPECT_EQ(8, smmu->ssid_bits);
	EXPECT_EQ(SIO_SMMU_DECL_GRAN_4K | SIO_SMMU_DECL_GRAN_64K, smmu->granules);
	EXPECT_EQ(44, smmu->oas);
	c = s->cmds[2];
	EXPECT_STREQ("dma", c->row->word);
	EXPECT_STREQ("map", c->row->sub);
	EXPECT_STREQ("rxbuf", c->argv[1]);
	EXPECT_EQ(SIO_DMA_FROM_DEVICE, c->flags);
	c = s->cmds[3];
	EXPECT_STREQ("rxbuf", c->var[0]);
	EXPECT_EQ(0x10, c->num[0]);
	EXPECT_EQ(2, c->len);
	EXPECT_EQ(3, c->num[1]);
	EXPECT_TRUE(c->flags & SCN_F_PASID);
	c = s->cmds[4];
	ASSERT_EQ(4, c->len);
	EXPECT_EQ(0xde, c->data[0]);
	EXPECT_EQ(0xef, c->data[3]);
	EXPECT_STREQ("data", s->cmds[6]->expect->word);
	EXPECT_EQ(2, s->cmds[6]->len);
	EXPECT_STREQ("permission", s->cmds[7]->argv[0]);
	EXPECT_STREQ("ubuf", s->cmds[9]->var[1]);
	EXPECT_STREQ("nic", s->cmds[10]->row->word);
	EXPECT_STREQ("rx", s->cmds[10]->row->sub);
	EXPECT_EQ(7, s->cmds[10]->len);
	EXPECT_TRUE(s->cmds[14]->flags & SCN_F_RANGE);
	EXPECT_EQ(4096, s->cmds[14]->num[2]);
	sio_scn_script_free(s);
}

struct bad_case {
	const char *text;
	unsigned int line, col;
	const char *msg;
};

TEST(parse_errors_name_line_column_and_what_was_expected)
{
	static const struct bad_case cases[] = {
		{ "bus pci\nfrobnicate now\n", 2, 1,
		  "expected a command, got 'frobnicate'" },
		{ "bus isa\n", 1, 5, "expected a bus (pci or platform), got 'isa'" },
		{ "iommu intel x\n", 1, 7,
		  "expected an IOMMU driver kind (mock, mock2, smmu), got 'intel'" },
		{ "driver pci foo kind=magic\n", 1, 16,
		  "expected kind=dma-api|vfio|stub, got 'kind=magic'" },
		{ "driver pci foo\n", 1, 15,
		  "expected kind=dma-api|vfio|stub, got end of line" },
		{ "echo 1 > relative/path\n", 1, 10,
		  "expected an absolute path, got 'relative/path'" },
		{ "echo 1 |\n", 1, 9, "expected 'tee' after '|', got end of line" },
		{ "expect -EWHATEVER\n", 1, 8,
		  "expected an errno name such as -EBUSY, got '-EWHATEVER'" },
		{ "expect file /sys/a \"x\"\n", 1, 20,
		  "expected '==' or 'contains', got 'x'" },
		{ "echo \"unterminated > /sys/x\n", 1, 6,
		  "expected a closing \", got end of line" },
		{ "cat /sys/a extra\n", 1, 12,
		  "expected an absolute path, got 'extra'" },
		{ "device pci 0000:00:01.0 sid=zz\n", 1, 25,
		  "expected sid=ID[,ID...] (up to 8), got 'sid=zz'" },
		{ "domain alloc 0000:00:01.0\n", 1, 26,
		  "expected 'as NAME', got end of line" },
		{ "check everything\n", 1, 7,
		  "expected 'invariants', got 'everything'" },
		{ "expect warn many\n", 1, 13, "expected a WARN count, got 'many'" },
		{ "dmesg -x\n", 1, 7, "expected end of line, got '-x'" },
		{ "dma write d 0x1000 0xabc\n", 1, 20,
		  "expected 0xHEX with an even number of digits, got '0xabc'" },
		{ "dma write d 0x1000 0xzz\n", 1, 20,
		  "expected 0xHEX bytes (digits 0-9, a-f), got '0xzz'" },
		{ "dma write d 0x1000 hello\n", 1, 20,
		  "expected a quoted string or 0xHEX bytes, got 'hello'" },
		{ "dma read d 0xfffffffffffffff0 0x20\n", 1, 31,
		  "expected a length that does not wrap the address space, got '0x20'" },
		{ "dma read d $ 4\n", 1, 12,
		  "expected $NAME or $NAME+OFFSET, got '$'" },
		{ "iommu smmu s0 pgsize=4K\n", 1, 15,
		  "expected an SMMU option (iotlb=N, iotlb-ways=N, iotlb-policy=clock|random, stage1, stage2, nesting, pri, ats, ssid-bits=N, granules=4K,16K,64K, ias=N, oas=N, no-check-iotlb, gbpa=abort|bypass, driver=later), got 'pgsize=4K'" },
		{ "iommu smmu s0 oas=47\n", 1, 15,
		  "expected oas=32|36|40|42|44|48|52, got 'oas=47'" },
		{ "memory 1000\n", 1, 8,
		  "expected a size that is a multiple of 4K, up to 1T, got '1000'" },
		{ "expect fault sometimes\n", 1, 14,
		  "expected a fault kind (none, any, translation, permission, access, address-size, abort, bad-ste, bad-cd, stream-disabled, bad-substreamid), got 'sometimes'" },
		{ "nic rx d\n", 1, 9,
		  "expected a quoted string or 0xHEX bytes, got end of line" },
		/* what may follow a word or "expect" comes from the rows */
		{ "probe now\n", 1, 7, "expected 'wait' or 'trigger', got 'now'" },
		{ "dma frob\n", 1, 5,
		  "expected a dma operation (read, write, map, unmap, flush), got 'frob'" },
		{ "expect bogus\n", 1, 8,
		  "expected an expectation (ok, -EXXX, fail, warn, no-warn, file, log, no-log, owner_cnt, group, same-group, invariants, bound, data, fault, nic, dma), got 'bogus'" },
		{ "help frobnicate\n", 1, 6,
		  "expected a command or expect form to explain, got 'frobnicate'" },
		{ "help dma map\n", 1, 10, "expected end of line, got 'map'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sio_scn_script *s = NULL;
		struct sio_scn_error err;
		char msg[600];

		EXPECT_EQ(-EINVAL, parse(cases[i].text, &s, &err));
		EXPECT_NULL(s);
		EXPECT_EQ(cases[i].line, err.line);
		EXPECT_EQ(cases[i].col, err.col);
		EXPECT_STREQ(cases[i].msg, err.msg);
		if (_metadata->failed)
			fprintf(stderr, "# case %zu: %u:%u %s\n", i, err.line,
				err.col, err.msg);
		sio_scn_format_error("t.scn", &err, msg, sizeof(msg));
		EXPECT_EQ(0, strncmp(msg, "t.scn:", 6));
	}
}

TEST(parse_buffer_is_not_nul_terminated_and_may_hold_nul)
{
	static const char text[] = "bus pci\nbus platform";
	struct sio_scn_script *s;
	struct sio_scn_error err;

	/* only the first line is inside the length */
	ASSERT_EQ(0, sio_scn_parse("t", text, 8, 1, &s, &err));
	EXPECT_EQ(1, s->ncmds);
	sio_scn_script_free(s);
	EXPECT_EQ(-EINVAL, sio_scn_parse("t", "bus\0pci\n", 8, 1, &s, &err));
	EXPECT_EQ(1, err.line);
	EXPECT_EQ(4, err.col);
	EXPECT_EQ(0, sio_scn_parse("t", NULL, 0, 1, &s, &err));
	EXPECT_EQ(0, s->ncmds);
	sio_scn_script_free(s);
}

TEST(parse_fail_nth_returns_enomem_without_leaks)
{
	static const char text[] =
		"bus pci\ndevice pci 0000:00:01.0 iommu=a\n"
		"echo x | tee -a /sys/bus/pci/devices/0000:00:01.0/driver_override\n"
		"expect file /sys/a == \"b\"\n";
	unsigned int nth;
	bool done = false;

	for (nth = 1; nth < 200 && !done; nth++) {
		struct sio_scn_script *s = NULL;
		struct sio_scn_error err;
		int ret;

		sio_fail_nth_set(nth);
		ret = parse(text, &s, &err);
		done = !sio_fail_nth_fired();
		sio_fail_nth_set(0);
		if (done) {
			ASSERT_EQ(0, ret);
			EXPECT_EQ(4, s->ncmds);
		} else {
			ASSERT_EQ(-ENOMEM, ret);
			ASSERT_NULL(s);
		}
		sio_scn_script_free(s);
	}
	EXPECT_TRUE(done);
}

static const char *const soup[] = {
	"bus", "pci", "platform", "iommu", "mock", "mock2", "device", "driver",
	"echo", ">", ">>", "|", "tee", "-a", "sudo", "cat", "ls", "-l", "expect",
	"ok", "-EBUSY", "warn", "1", "in", "file", "==", "\"x y\"", "'q'",
	"/sys/a", "kind=vfio", "sid=0x1,0x2", "pgsize=4K", "vfio", "open",
	"domain", "alloc", "as", "d0", "#", "\\", "\"", "=", "0000:00:01.0",
	"resv=direct:1+2", "late", "modprobe", "-v", "dmesg", "-c", "check",
	"invariants", "group", "domain", "owner_cnt", "cmdline",
	"iommu.passthrough=1", "\t", "", "log", "\"pat", "map", "0x1000",
};

TEST(parse_fuzz_never_crashes)
{
	unsigned long seed = test_seed();
	unsigned int iter, accepted = 0, rejected = 0;

	srandom((unsigned int)seed);
	for (iter = 0; iter < 3000; iter++) {
		char buf[512];
		size_t len = 0;
		struct sio_scn_script *s = NULL;
		struct sio_scn_error err;
		int ret, w, nw = (int)(random() % 12);

		if (iter % 3 == 0) {
			/* raw random bytes */
			len = (size_t)(random() % sizeof(buf));
			for (size_t i = 0; i < len; i++)
				buf[i] = (char)(random() & 0xff);
		} else {
			for (w = 0; w < nw; w++) {
				const char *t = soup[random() % ARRAY_SIZE(soup)];
				size_t l = strlen(t);

				if (len + l + 2 >= sizeof(buf))
					break;
				memcpy(buf + len, t, l);
				len += l;
				buf[len++] = random() % 5 ? ' ' : '\n';
			}
		}
		ret = sio_scn_parse("fuzz", buf, len, 1, &s, &err);
		ASSERT_TRUE(ret == 0 || ret == -EINVAL);
		if (ret == 0) {
			ASSERT_NOT_NULL(s);
			accepted++;
		} else {
			ASSERT_NULL(s);
			ASSERT_TRUE(err.line >= 1 && err.col >= 1);
			ASSERT_TRUE(err.msg[0] != '\0');
			rejected++;
		}
		sio_scn_script_free(s);
	}
	/* the soup must exercise both paths, or the fuzz proves nothing */
	EXPECT_GT(accepted, 0);
	EXPECT_GT(rejected, 0);
}

TEST_HARNESS_MAIN
