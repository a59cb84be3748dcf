// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario parser tests: what it accepts, the exact file:line:col and text of
 * what it rejects, fail-nth without leaks, and a small fuzz (random bytes and
 * random word soup) that must never crash or leak.
 */
#include <string.h>
#include "harness.h"
#include "machine/scn.h"
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
		"expect group 0000:01:00.0 domain == blocking\n";
	struct sio_scn_script *s;
	struct sio_scn_error err;
	const struct sio_scn_cmd *c;

	ASSERT_EQ(0, parse(text, &s, &err));
	ASSERT_EQ(17, s->ncmds);
	c = s->cmds[1];
	EXPECT_EQ(SCN_IOMMU, c->kind);
	EXPECT_STREQ("smmu0", c->decl.iommu.name);
	EXPECT_EQ((4096UL | (2UL << 20)), c->decl.iommu.pgsize_bitmap);
	EXPECT_EQ(16, c->decl.iommu.max_pasids);
	c = s->cmds[2];
	EXPECT_EQ(SCN_DEVICE, c->kind);
	EXPECT_EQ(4, c->line);
	EXPECT_EQ(2, c->decl.device.num_ids);
	EXPECT_EQ(0x101, c->decl.device.ids[1]);
	EXPECT_TRUE(c->decl.device.late);
	EXPECT_EQ(0x8000000, c->decl.device.resv[0].start);
	c = s->cmds[5];
	EXPECT_EQ(SCN_WRITE, c->kind);
	EXPECT_STREQ("vfio-pci\n", c->argv[0]);
	EXPECT_EQ(SCN_W_TEE | SCN_W_APPEND, c->flags);
	c = s->cmds[6];
	EXPECT_STREQ("/sys/bus/pci/drivers/e1000e/unbind", c->argv[1]);
	EXPECT_EQ(0, c->flags);
	EXPECT_EQ(SCN_MODPROBE, s->cmds[7]->kind);
	EXPECT_EQ(SCN_EXPECT, s->cmds[13]->kind);
	EXPECT_EQ(-EBUSY, s->cmds[13]->err);
	EXPECT_STREQ("a b", s->cmds[14]->argv[1]);
	EXPECT_STREQ("iommu_device_unuse_default_domain", s->cmds[15]->argv[0]);
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

	ASSERT_EQ(0, parse(text, &s, &err));
	ASSERT_EQ(16, s->ncmds);
	c = s->cmds[0];
	EXPECT_EQ(SCN_MEMORY, c->kind);
	EXPECT_EQ(512ULL << 20, c->num[0]);
	EXPECT_EQ(0x80000000ULL, c->num[1]);
	c = s->cmds[1];
	EXPECT_EQ(SIO_SMMU_DECL_F_STAGE1 | SIO_SMMU_DECL_F_PRI, c->smmu.features);
	EXPECT_EQ(64, c->smmu.iotlb_entries);
	EXPECT_TRUE(c->smmu.iotlb_random);
	EXPECT_EQ(8, c->smmu.ssid_bits);
	EXPECT_EQ(SIO_SMMU_DECL_GRAN_4K | SIO_SMMU_DECL_GRAN_64K, c->smmu.granules);
	EXPECT_EQ(44, c->smmu.oas);
	c = s->cmds[2];
	EXPECT_EQ(SCN_DMA_MAP, c->sub);
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
	EXPECT_EQ(SCN_EXP_DATA, s->cmds[6]->sub);
	EXPECT_EQ(2, s->cmds[6]->len);
	EXPECT_STREQ("permission", s->cmds[7]->argv[0]);
	EXPECT_STREQ("ubuf", s->cmds[9]->var[1]);
	EXPECT_EQ(SCN_NIC, s->cmds[10]->kind);
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
		  "expected an SMMU option (iotlb=N, iotlb-ways=N, iotlb-policy=clock|random, stage1, stage2, nesting, pri, ats, ssid-bits=N, granules=4K,16K,64K, ias=N, oas=N, no-check-iotlb), got 'pgsize=4K'" },
		{ "iommu smmu s0 oas=47\n", 1, 15,
		  "expected oas=32|36|40|42|44|48|52, got 'oas=47'" },
		{ "memory 1000\n", 1, 8,
		  "expected a size that is a multiple of 4K, up to 1T, got '1000'" },
		{ "expect fault sometimes\n", 1, 14,
		  "expected a fault kind (none, any, translation, permission, access, address-size, abort, bad-ste, bad-cd, stream-disabled, bad-substreamid), got 'sometimes'" },
		{ "nic rx d\n", 1, 9,
		  "expected a quoted string or 0xHEX bytes, got end of line" },
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
