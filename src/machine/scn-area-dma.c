// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario area "DMA": machine memory ("memory SIZE", "memory alloc"),
 * device-side DMA ("dma read/write", with the fault the hardware raised),
 * the kernel DMA API ("dma map/unmap/flush"), NIC traffic ("nic rx/tx"),
 * and the expects about all of these.
 * Kernel counterpart: none (a test driver's view of the DMA API).
 */
#include "machine/scn-parse-priv.h"
#include "machine/scn-run.h"
#include "dma/dma-mapping.h"
#include "dma/dma-iommu.h"
#include "endpoints/dma-endpoints.h"
#include "mem/phys-mem.h"

/* Bytes of a "dma read" shown in the transcript. */
#define SCN_DUMP_MAX	256

/* "0x..." or "$NAME+0x..." → text for messages. */
static const char *size_str(u64 n, char *buf, size_t len)
{
	if (n && !(n & ((1ULL << 30) - 1)))
		snprintf(buf, len, "%lluG", (unsigned long long)(n >> 30));
	else if (n && !(n & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%lluM", (unsigned long long)(n >> 20));
	else if (n && !(n & ((1ULL << 10) - 1)))
		snprintf(buf, len, "%lluK", (unsigned long long)(n >> 10));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
	return buf;
}

/* ---- memory ---- */

static void free_buffer(struct sio_scn_ctx *ctx, struct scn_obj *o)
{
	if (o->phys && ctx->m->mem)
		sio_phys_free_pages(ctx->m->mem, o->phys, o->order);
	o->phys = 0;
}

/* Zeroed pages of machine RAM for @size bytes into @o.  Return: 0/-errno. */
static int alloc_buffer(struct sio_scn_ctx *ctx, struct scn_obj *o, u64 size)
{
	struct sio_phys_mem *mem = ctx->m->mem;
	void *p;
	int ret;

	o->order = sio_phys_order_for_size(size);
	if (o->order > SIO_PHYS_MAX_ORDER)
		return -E2BIG;
	ret = sio_phys_alloc_pages(mem, o->order, GFP_KERNEL, &o->phys);
	if (ret)
		return ret;
	o->size = size;
	p = sio_phys_to_virt(mem, o->phys, SIO_PHYS_FRAME_SIZE << o->order);
	if (p)
		memset(p, 0, SIO_PHYS_FRAME_SIZE << o->order);
	return 0;
}

/* memory SIZE [base=ADDR] */
static int parse_memory(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s;
	int ret;

	ret = scn_take_u64(p, "a memory size (e.g. 256M) or alloc/free",
			   &cmd->num[0]);
	if (ret)
		return ret;
	if (!cmd->num[0] || (cmd->num[0] & 4095) || cmd->num[0] > (1ULL << 40))
		return scn_expected_prev(p, "a size that is a multiple of 4K, up to 1T");
	s = scn_peek(p);
	if (s && !strncmp(s, "base=", 5)) {
		if (sio_scn_parse_u64(s + 5, &cmd->num[1]) || !cmd->num[1] ||
		    (cmd->num[1] & 4095) ||
		    cmd->num[1] + cmd->num[0] < cmd->num[1])
			return scn_expected(p, "base=ADDR (4K aligned, not 0)");
		p->i++;
	}
	return 0;
}

static void run_memory(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	int ret = sio_machine_add_memory(ctx->m, cmd->num[1], cmd->num[0]);

	if (ret == -EEXIST)
		scn_op_error(ctx, ret, "memory: the machine already has memory (declare it before the first smmu)");
	else if (ret)
		scn_op_error(ctx, ret, "memory: %s", sio_strerror(ret));
	else
		ctx->last_err = 0;
}

/* memory alloc as NAME SIZE */
static int parse_memory_alloc(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	ret = scn_take_as_var(p) ?: scn_take_u64(p, "a size", &cmd->num[2]);
	if (!ret && (!cmd->num[2] || cmd->num[2] > (1ULL << 30)))
		return scn_expected_prev(p, "a size of 1..1G bytes");
	return ret;
}

static void run_memory_alloc(struct sio_scn_ctx *ctx,
			     const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o;
	char sz[32];
	int ret;

	if (scn_var_find(ctx, cmd->argv[0])) {
		scn_op_error(ctx, -EEXIST, "$%s already exists", cmd->argv[0]);
		return;
	}
	ret = sio_machine_ensure_memory(ctx->m);
	if (ret) {
		scn_op_error(ctx, ret, "memory: %s", sio_strerror(ret));
		return;
	}
	o = scn_obj_add(ctx, SCN_OBJ_MEM, cmd->argv[0]);
	if (!o) {
		scn_op_result(ctx, "memory alloc", -ENOMEM);
		return;
	}
	ret = alloc_buffer(ctx, o, cmd->num[2]);
	if (ret) {
		scn_obj_del(o);
		scn_op_result(ctx, "memory alloc", ret);
		return;
	}
	scn_out(ctx, "$%s = %#llx (%s of RAM)\n", o->name,
		(unsigned long long)o->phys, size_str(o->size, sz, sizeof(sz)));
	ctx->last_err = 0;
}

static int parse_memory_free(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a name from 'memory alloc'");
}

static void run_memory_free(struct sio_scn_ctx *ctx,
			    const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o = scn_obj_find(ctx, SCN_OBJ_MEM, cmd->argv[0]);

	if (!o) {
		scn_op_error(ctx, -ENOENT, "no memory named %s (from 'memory alloc')",
			     cmd->argv[0]);
		return;
	}
	free_buffer(ctx, o);
	scn_obj_del(o);
	ctx->last_err = 0;
}

/* ---- device DMA ---- */

struct event_scan {
	char *name;
	size_t len;
};

/* Find the first SMMU event line ("... event: F_TRANSLATION client: ..."). */
static int scan_event(const char *line, void *data)
{
	struct event_scan *es = data;
	const char *p = strstr(line, " event: ");
	size_t n;

	if (!p)
		return 0;
	p += strlen(" event: ");
	n = strcspn(p, " ");
	if (!n || n >= es->len)
		return 0;
	memcpy(es->name, p, n);
	es->name[n] = '\0';
	return 1;
}

/* The DMA just done (log since @seq) gave @ret: remember it for expects. */
static void record_dma(struct sio_scn_ctx *ctx, unsigned long seq, int ret)
{
	struct event_scan es = { ctx->dma_event, sizeof(ctx->dma_event) };

	/* The event thread logs asynchronously: let it catch up first. */
	sio_machine_flush_iommu_events(ctx->m);
	ctx->dma_done = true;
	ctx->dma_ret = ret;
	ctx->dma_event[0] = '\0';
	if (ret)
		sio_log_for_each(scan_event, &es, seq);
}

static void hexdump(struct sio_scn_ctx *ctx, u64 addr, const u8 *b, size_t n)
{
	size_t shown = min_t(size_t, n, SCN_DUMP_MAX), i, k;

	for (i = 0; i < shown; i += 16) {
		char hex[16 * 3 + 1] = "", asc[17] = "";

		for (k = 0; k < 16; k++) {
			if (i + k < shown) {
				u8 c = b[i + k];

				snprintf(hex + k * 3, 4, "%02x ", c);
				asc[k] = c >= 0x20 && c < 0x7f ? (char)c : '.';
			} else {
				snprintf(hex + k * 3, 4, "   ");
				asc[k] = '\0';
			}
		}
		asc[16] = '\0';
		scn_out(ctx, "%08llx: %s |%s|\n",
			(unsigned long long)(addr + i), hex, asc);
	}
	if (shown < n)
		scn_out(ctx, "... (%zu more bytes)\n", n - shown);
}

/* The device @dev reads (@rd) or writes the bytes of @cmd at its address. */
static void run_rw(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		   struct sio_device *dev, bool rd)
{
	bool pasid = cmd->flags & SCN_F_PASID;
	u32 pv = (u32)cmd->num[1];
	size_t len = rd ? (size_t)cmd->num[2] : cmd->len;
	unsigned long seq;
	char what[160];
	u64 addr;
	u8 *buf = NULL;
	int ret;

	if (!scn_resolve(ctx, cmd, 0, &addr))
		return;
	snprintf(what, sizeof(what), "dma %s %s %#llx", rd ? "read" : "write",
		 dev->name, (unsigned long long)addr);
	if (addr + len - 1 < addr) {
		scn_op_error(ctx, -EOVERFLOW, "%s: %zu bytes wrap the address space",
			     what, len);
		return;
	}
	if (!ctx->m->mem) {
		scn_op_error(ctx, -EINVAL,
			     "%s: the machine has no memory (declare 'memory SIZE' or an smmu)",
			     what);
		return;
	}
	if (rd) {
		buf = kzalloc(len, GFP_KERNEL);
		if (!buf) {
			scn_op_result(ctx, what, -ENOMEM);
			return;
		}
	}
	seq = sio_log_seq();
	if (rd)
		ret = pasid ? sio_dma_read_pasid(dev, pv, addr, buf, len) :
			      sio_dma_read(dev, addr, buf, len);
	else
		ret = pasid ? sio_dma_write_pasid(dev, pv, addr, cmd->data, len) :
			      sio_dma_write(dev, addr, cmd->data, len);
	record_dma(ctx, seq, ret);
	kfree(ctx->read_buf);
	ctx->read_buf = NULL;
	ctx->read_len = 0;
	if (ret) {
		kfree(buf);
		scn_op_result(ctx, what, ret);
		return;
	}
	if (rd) {
		hexdump(ctx, addr, buf, len);
		ctx->read_buf = buf;
		ctx->read_len = len;
	} else {
		scn_out(ctx, "wrote %zu bytes at %#llx%s\n", len,
			(unsigned long long)addr, pasid ? " (with PASID)" : "");
	}
	ctx->last_err = 0;
}

static const char *dir_name(int dir)
{
	switch (dir) {
	case DMA_TO_DEVICE: return "to-device";
	case DMA_FROM_DEVICE: return "from-device";
	default: return "bidirectional";
	}
}

/*
 * The scenario maps for @dev as a bound DMA-API driver would, so it holds
 * what such a driver holds: a use of the group's default domain
 * (iommu_device_use_default_domain(), which the bus takes before a
 * driver's probe), from the device's first live mapping to its last
 * unmap.  While it is held the group's owner_cnt counts it: a user cannot
 * claim the group and its default domain cannot be replaced (a "type"
 * store fails), as with a driver bound.
 */
static struct scn_obj *dma_use_find(struct sio_scn_ctx *ctx,
				    struct sio_device *dev)
{
	struct scn_obj *u;

	list_for_each_entry(u, &ctx->objs, node)
		if (u->type == SCN_OBJ_DMA_USE && u->dev == dev)
			return u;
	return NULL;
}

/* One more mapping for @dev: the first takes the use.  Return: 0/-errno. */
static int dma_use_get(struct sio_scn_ctx *ctx, struct sio_device *dev)
{
	struct scn_obj *u = dma_use_find(ctx, dev);
	int ret;

	if (u) {
		u->count++;
		return 0;
	}
	u = scn_obj_add(ctx, SCN_OBJ_DMA_USE, dev->name);
	if (!u)
		return -ENOMEM;
	ret = iommu_device_use_default_domain(dev);
	if (ret) {
		scn_obj_del(u);
		return ret;
	}
	u->dev = sio_get_device(dev);
	/* NULL without a group: then nothing was counted */
	u->group = iommu_group_get(dev);
	u->count = 1;
	return 0;
}

/* One mapping of @dev fewer: the last drops the use. */
static void dma_use_put(struct sio_scn_ctx *ctx, struct sio_device *dev)
{
	struct scn_obj *u = dma_use_find(ctx, dev);
	struct iommu_group *g;

	if (!u || --u->count)
		return;
	/*
	 * Undo only what was counted: in the group the use was taken in (a
	 * device that got its group later, or left it, has none to drop).
	 */
	g = iommu_group_get(dev);
	if (g && g == u->group)
		iommu_device_unuse_default_domain(dev);
	iommu_group_put(g);
	scn_obj_del(u);
}

static void run_map(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		    struct sio_device *dev)
{
	struct scn_obj *o;
	char what[160], sz[32];
	dma_addr_t iova;
	int ret;

	snprintf(what, sizeof(what), "dma map %s", dev->name);
	o = scn_var_find(ctx, cmd->argv[1]);
	if (o && (o->type != SCN_OBJ_DMA_MAP || o->mapped)) {
		scn_op_error(ctx, -EEXIST, "$%s already exists", cmd->argv[1]);
		return;
	}
	if (o)		/* a name whose mapping was undone: bind it again */
		scn_obj_del(o);
	if (!ctx->m->mem) {
		scn_op_error(ctx, -EINVAL,
			     "%s: the machine has no memory (declare 'memory SIZE' or an smmu)",
			     what);
		return;
	}
	o = scn_obj_add(ctx, SCN_OBJ_DMA_MAP, cmd->argv[1]);
	if (!o) {
		scn_op_result(ctx, what, -ENOMEM);
		return;
	}
	ret = alloc_buffer(ctx, o, cmd->num[2]);
	if (ret)
		goto del_obj;
	ret = dma_use_get(ctx, dev);
	if (ret)
		goto free_buf;
	o->dir = (int)cmd->flags;
	iova = dma_map_single(dev, sio_phys_to_virt(ctx->m->mem, o->phys,
						    (size_t)o->size),
			      (size_t)o->size, o->dir);
	if (dma_mapping_error(dev, iova)) {
		ret = -ENOMEM;
		goto put_use;
	}
	o->iova = iova;
	o->mapped = true;
	o->dev = sio_get_device(dev);
	scn_out(ctx, "$%s = %#llx (IOVA for %s: %s %s buffer at PA %#llx)\n",
		o->name, (unsigned long long)iova, dev->name,
		size_str(o->size, sz, sizeof(sz)), dir_name(o->dir),
		(unsigned long long)o->phys);
	ctx->last_err = 0;
	return;

put_use:
	dma_use_put(ctx, dev);
free_buf:
	free_buffer(ctx, o);
del_obj:
	scn_obj_del(o);
	scn_op_result(ctx, what, ret);
}

/* Undo a "dma map"; the name keeps its IOVA (to show a use after unmap). */
static void unmap_obj(struct sio_scn_ctx *ctx, struct scn_obj *o)
{
	if (o->dev && o->mapped) {
		dma_unmap_single(o->dev, o->iova, (size_t)o->size, o->dir);
		dma_use_put(ctx, o->dev);
	}
	o->mapped = false;
	free_buffer(ctx, o);
}

/**
 * scn_dma_forget_device() - unmap what the scenario's "dma map" left
 * mapped for @dev, as its driver would before the device goes away
 * @ctx: the interpreter
 * @dev: the device about to be removed
 *
 * The names keep their IOVAs, as after "dma unmap".
 *
 * Context: the interpreter thread.
 */
void scn_dma_forget_device(struct sio_scn_ctx *ctx, struct sio_device *dev)
{
	struct scn_obj *o;

	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == SCN_OBJ_DMA_MAP && o->mapped && o->dev == dev)
			unmap_obj(ctx, o);
}

/* dma read|write DEV ADDR ...: the device argv[0], around run_rw(). */
static void run_dma_rw(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		       bool rd)
{
	struct sio_device *dev = scn_get_device(ctx, cmd->argv[0]);

	if (!dev)
		return;
	run_rw(ctx, cmd, dev, rd);
	sio_put_device(dev);
}

static void run_dma_read(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	run_dma_rw(ctx, cmd, true);
}

static void run_dma_write(struct sio_scn_ctx *ctx,
			  const struct sio_scn_cmd *cmd)
{
	run_dma_rw(ctx, cmd, false);
}

static void run_dma_map(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev = scn_get_device(ctx, cmd->argv[0]);

	if (!dev)
		return;
	run_map(ctx, cmd, dev);
	sio_put_device(dev);
}

static void run_dma_unmap(struct sio_scn_ctx *ctx,
			  const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o = scn_obj_find(ctx, SCN_OBJ_DMA_MAP, cmd->argv[0]);

	if (!o || !o->mapped) {
		scn_op_error(ctx, -ENOENT, "no DMA mapping named %s (from 'dma map')",
			     cmd->argv[0]);
		return;
	}
	unmap_obj(ctx, o);
	ctx->last_err = 0;
}

static void run_dma_flush(struct sio_scn_ctx *ctx,
			  const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev = scn_get_device(ctx, cmd->argv[0]);
	struct iommu_domain *d;
	char what[160];

	if (!dev)
		return;
	snprintf(what, sizeof(what), "dma flush %s", dev->name);
	d = iommu_get_dma_domain(dev);
	scn_op_result(ctx, what, d ? iommu_dma_flush_fq(d) : -ENODEV);
	sio_put_device(dev);
}

/* Up to 64 bytes of @b as a C string literal (escapes for the rest). */
static const char *quote(const u8 *b, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	if (len < 8)
		return "";
	buf[o++] = '"';
	for (i = 0; i < n && i < 64 && o + 6 < len; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\')
			buf[o++] = (char)b[i];
		else
			o += snprintf(buf + o, len - o, "\\x%02x", b[i]);
	}
	buf[o++] = '"';
	buf[o] = '\0';
	if (i < n && o + 12 < len)
		snprintf(buf + o, len - o, " (+%zu)", n - i);
	return buf;
}

/* A frame arrives (@rx) or leaves through the NIC argv[0]. */
static void run_nic(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		    bool rx)
{
	struct sio_device *dev;
	unsigned long seq;
	u8 frame[SIO_NIC_BUF_SIZE];
	char what[160], q[300];
	ssize_t n;
	int ret;

	dev = scn_get_device(ctx, cmd->argv[0]);
	if (!dev)
		return;
	snprintf(what, sizeof(what), "nic %s %s", rx ? "rx" : "tx", dev->name);
	seq = sio_log_seq();
	ret = rx ? sio_nic_rx(dev, cmd->data, cmd->len) :
		   sio_nic_tx(dev, cmd->data, cmd->len);
	if (ret == -ENODEV) {
		scn_op_error(ctx, ret,
			     "%s: no NIC rings (bind a dma-api driver on a machine with memory)",
			     what);
		sio_put_device(dev);
		return;
	}
	record_dma(ctx, seq, ret);
	if (ret) {
		scn_op_result(ctx, what, ret);
		sio_put_device(dev);
		return;
	}
	n = rx ? sio_nic_last_rx(dev, frame, sizeof(frame)) :
		 sio_nic_last_tx(dev, frame, sizeof(frame));
	if (n > 0)
		scn_out(ctx, rx ? "rx: the device DMAed %zu bytes into the ring; the driver received %s\n" :
				  "tx: the device DMAed %zu bytes from the ring onto the wire: %s\n",
			cmd->len, quote(frame, min_t(size_t, (size_t)n,
						     sizeof(frame)), q, sizeof(q)));
	ctx->last_err = 0;
	sio_put_device(dev);
}

static void run_nic_rx(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	run_nic(ctx, cmd, true);
}

static void run_nic_tx(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	run_nic(ctx, cmd, false);
}

/* ---- parsers ---- */

/* dma read DEV ADDR LEN [pasid=N] */
static int parse_dma_read(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	ret = scn_take_name_arg(p, "a device name") ?:
	      scn_take_addr(p, "a DMA address", 0) ?:
	      scn_take_u64(p, "a length", &cmd->num[2]);
	if (ret)
		return ret;
	if (!cmd->num[2] || cmd->num[2] > SCN_MAX_DATA)
		return scn_expected_prev(p, "a length of 1..1M bytes");
	return scn_check_range(p, 0, cmd->num[2]) ?: scn_take_pasid_opt(p);
}

/* dma write DEV ADDR BYTES [pasid=N] */
static int parse_dma_write(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	ret = scn_take_name_arg(p, "a device name") ?:
	      scn_take_addr(p, "a DMA address", 0) ?: scn_take_bytes(p);
	if (ret)
		return ret;
	if (!cmd->var[0] && cmd->num[0] + cmd->len - 1 < cmd->num[0])
		return scn_expected_prev(p, "data that does not wrap the address space");
	return scn_take_pasid_opt(p);
}

/* dma map DEV as NAME SIZE [to-device|from-device|bidirectional] */
static int parse_dma_map(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	const char *s;
	int ret;

	ret = scn_take_name_arg(p, "a device name") ?: scn_take_as_var(p) ?:
	      scn_take_u64(p, "a size", &cmd->num[2]);
	if (ret)
		return ret;
	if (!cmd->num[2] || cmd->num[2] > (1ULL << 30))
		return scn_expected_prev(p, "a size of 1..1G bytes");
	cmd->flags = SIO_DMA_BIDIRECTIONAL;
	s = scn_peek(p);
	if (s) {
		if (!strcmp(s, "to-device"))
			cmd->flags = SIO_DMA_TO_DEVICE;
		else if (!strcmp(s, "from-device"))
			cmd->flags = SIO_DMA_FROM_DEVICE;
		else if (strcmp(s, "bidirectional"))
			return scn_expected(p, "to-device, from-device or bidirectional");
		p->i++;
	}
	return 0;
}

static int parse_dma_unmap(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a name from 'dma map'");
}

static int parse_dev(struct scn_parser *p)
{
	return scn_take_name_arg(p, "a device name");
}

/* nic rx|tx DEV BYTES */
static int parse_nic(struct scn_parser *p)
{
	return parse_dev(p) ?: scn_take_bytes(p);
}

static const struct scn_cmd_row dma_cmds[] = {
	{
		.word = "memory",
		.synopsis = "memory SIZE [base=ADDR]",
		.help = "the machine's RAM (default base 0x40000000)",
		.doc = "the machine's RAM (lazily backed; default base `0x40000000`). Declare it before the first `smmu`; a machine that needs RAM and has none gets 256M at `0x40000000`",
		.parse = parse_memory,
		.run = run_memory,
	},
	{
		.word = "memory", .sub = "alloc",
		.synopsis = "memory alloc as NAME SIZE",
		.help = "zeroed RAM pages; $NAME is their address",
		.doc = "zeroed pages of machine RAM; `$NAME` is their physical address (for `vfio map`, `domain map`)",
		.parse = parse_memory_alloc,
		.run = run_memory_alloc,
	},
	{
		.word = "memory", .sub = "free",
		.synopsis = "memory free NAME",
		.help = "free what memory alloc gave",
		.doc = "free what `memory alloc` gave",
		.parse = parse_memory_free,
		.run = run_memory_free,
	},
	{
		.word = "dma", .sub = "read",
		.synopsis = "dma read DEV ADDR LEN [pasid=N]",
		.help = "the device reads LEN bytes through its IOMMU",
		.doc = "the device reads LEN bytes (up to 1M) and the transcript shows them as hex and ASCII (the first 256)",
		.parse = parse_dma_read,
		.run = run_dma_read,
	},
	{
		.word = "dma", .sub = "write",
		.synopsis = "dma write DEV ADDR \"text\"|0xHEX... [pasid=N]",
		.help = "the device writes bytes through its IOMMU",
		.doc = "the device writes the bytes at DMA address ADDR through its IOMMU (`sio_dma_write[_pasid]()`); `0x0123 0x4567` writes 01 23 45 67",
		.parse = parse_dma_write,
		.run = run_dma_write,
	},
	{
		.word = "dma", .sub = "map",
		.synopsis = "dma map DEV as NAME SIZE [to-device|from-device|bidirectional]",
		.help = "dma_map_single() a buffer; $NAME is its IOVA",
		.doc = "`dma_map_single()` of a fresh zeroed buffer through DEV's default domain; prints the IOVA and binds `$NAME` to it (default `bidirectional`). Like a bound DMA-API driver, the scenario holds a use of the group's default domain (`iommu_device_use_default_domain()`, counted in `owner_cnt`) from DEV's first mapping to its last unmap: meanwhile the group's `type` cannot change and no user can claim it",
		.parse = parse_dma_map,
		.run = run_dma_map,
	},
	{
		.word = "dma", .sub = "unmap",
		.synopsis = "dma unmap NAME",
		.help = "dma_unmap_single() and free the buffer",
		.doc = "`dma_unmap_single()` and free the buffer; `$NAME` keeps its IOVA, to show a use after unmap",
		.parse = parse_dma_unmap,
		.run = run_dma_unmap,
	},
	{
		.word = "dma", .sub = "flush",
		.synopsis = "dma flush DEV",
		.help = "run the flush queue of DEV's DMA domain now",
		.doc = "run the flush queue of DEV's DMA domain now (`iommu_dma_flush_fq()`: what its timer does); `-ENOENT` without a flush queue",
		.parse = parse_dev,
		.run = run_dma_flush,
	},
	{
		.word = "nic", .sub = "rx",
		.synopsis = "nic rx DEV \"frame\"|0xHEX...",
		.help = "a frame arrives: the device DMAs it in",
		.doc = "a frame arrives: the device fetches an rx descriptor, DMAs the frame into the mapped buffer and writes the descriptor back; the driver unmaps, takes the frame, maps the buffer again. Prints what the driver received",
		.parse = parse_nic,
		.run = run_nic_rx,
	},
	{
		.word = "nic", .sub = "tx",
		.synopsis = "nic tx DEV \"frame\"|0xHEX...",
		.help = "the driver sends a frame: the device DMAs it",
		.doc = "the driver maps the frame `to-device` and posts it; the device DMAs it onto the wire; the driver unmaps. Prints what went on the wire",
		.parse = parse_nic,
		.run = run_nic_tx,
	},
};

/* ---- expects ---- */

static int parse_expect_data(struct scn_parser *p)
{
	return scn_take_bytes(p);
}

static bool eval_data(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		      char *got, size_t len)
{
	char q[300];

	if (!ctx->read_buf) {
		snprintf(got, len, "no successful 'dma read' before");
		return false;
	}
	/* The read may be longer than the data: compare its first bytes. */
	if (ctx->read_len >= cmd->len &&
	    !memcmp(ctx->read_buf, cmd->data, cmd->len))
		return true;
	snprintf(got, len, "%s",
		 quote(ctx->read_buf, ctx->read_len, q, sizeof(q)));
	return false;
}

static const struct {
	const char *event;
	const char *kind;
} event_kinds[] = {
	{ "F_TRANSLATION", "translation" },
	{ "F_PERMISSION", "permission" },
	{ "F_ACCESS", "access" },
	{ "F_ADDR_SIZE", "address-size" },
	{ "C_BAD_STE", "bad-ste" },
	{ "C_BAD_CD", "bad-cd" },
	{ "F_STREAM_DISABLED", "stream-disabled" },
	{ "C_BAD_SUBSTREAMID", "bad-substreamid" },
};

/* The fault kind of the last DMA: "none", a kind above, "abort", or errno. */
static const char *last_fault_kind(struct sio_scn_ctx *ctx)
{
	size_t k;

	if (!ctx->dma_ret)
		return "none";
	for (k = 0; k < ARRAY_SIZE(event_kinds); k++)
		if (!strcmp(ctx->dma_event, event_kinds[k].event))
			return event_kinds[k].kind;
	if (ctx->dma_event[0])
		return ctx->dma_event;
	return ctx->dma_ret == -EFAULT ? "abort" : sio_errno_name(ctx->dma_ret);
}

static int parse_expect_fault(struct scn_parser *p)
{
	static const char *const kinds[] = {
		"none", "any", "translation", "permission", "access",
		"address-size", "abort", "bad-ste", "bad-cd",
		"stream-disabled", "bad-substreamid",
	};
	int ret = scn_take_word(p, kinds, ARRAY_SIZE(kinds), "a fault kind (none, any, translation, permission, access, address-size, abort, bad-ste, bad-cd, stream-disabled, bad-substreamid)");

	return ret < 0 ? ret : 0;
}

static bool eval_fault(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		       char *got, size_t len)
{
	const char *want = cmd->argv[0], *kind;

	if (!ctx->dma_done) {
		snprintf(got, len, "no DMA yet");
		return false;
	}
	kind = last_fault_kind(ctx);
	if (!strcmp(want, "any") ? ctx->dma_ret != 0 : !strcmp(want, kind))
		return true;
	if (!ctx->dma_ret)
		snprintf(got, len, "none (the DMA succeeded)");
	else
		snprintf(got, len, "%s (-%s, event %s)", kind,
			 sio_errno_name(ctx->dma_ret),
			 ctx->dma_event[0] ? ctx->dma_event : "none");
	return false;
}

/* expect nic DEV STAT == N | nic DEV last-rx|last-tx == BYTES */
static int parse_expect_nic(struct scn_parser *p)
{
	static const char *const stats[] = {
		"rx", "tx", "rx-bytes", "tx-bytes", "rx-errors",
		"tx-errors", "rx-dropped", "last-rx", "last-tx",
	};
	int k, ret = parse_dev(p);

	if (ret)
		return ret;
	k = scn_take_word(p, stats, ARRAY_SIZE(stats), "a NIC counter (rx, tx, rx-bytes, tx-bytes, rx-errors, tx-errors, rx-dropped) or last-rx / last-tx");
	if (k < 0)
		return k;
	return scn_take_eq(p) ?:
	       (!strncmp(stats[k], "last-", 5) ? scn_take_bytes(p) :
		scn_take_u64(p, "a count", &p->cmd->num[0]));
}

/* expect nic DEV last-rx|last-tx == BYTES */
static bool eval_nic_frame(const struct sio_scn_cmd *cmd,
			   struct sio_device *dev, char *got, size_t len)
{
	u8 frame[SIO_NIC_BUF_SIZE];
	char q[300];
	ssize_t n;

	n = !strcmp(cmd->argv[1], "last-rx") ?
		sio_nic_last_rx(dev, frame, sizeof(frame)) :
		sio_nic_last_tx(dev, frame, sizeof(frame));
	if (n < 0) {
		snprintf(got, len, "%s", n == -ENOENT ? "no frame yet" :
						       "no NIC rings");
		return false;
	}
	if ((size_t)n == cmd->len && !memcmp(frame, cmd->data, cmd->len))
		return true;
	quote(frame, min_t(size_t, (size_t)n, sizeof(frame)), q, sizeof(q));
	snprintf(got, len, "%s", q);
	return false;
}

/* expect nic DEV STAT == N */
static bool eval_nic_stat(const struct sio_scn_cmd *cmd,
			  struct sio_device *dev, char *got, size_t len)
{
	const char *stat = cmd->argv[1];
	struct sio_nic_stats st;
	u64 v;

	if (sio_nic_get_stats(dev, &st)) {
		snprintf(got, len, "no NIC rings");
		return false;
	}
	if (!strcmp(stat, "rx"))
		v = st.rx_packets;
	else if (!strcmp(stat, "tx"))
		v = st.tx_packets;
	else if (!strcmp(stat, "rx-bytes"))
		v = st.rx_bytes;
	else if (!strcmp(stat, "tx-bytes"))
		v = st.tx_bytes;
	else if (!strcmp(stat, "rx-errors"))
		v = st.rx_errors;
	else if (!strcmp(stat, "tx-errors"))
		v = st.tx_errors;
	else
		v = st.rx_dropped;
	snprintf(got, len, "%llu", (unsigned long long)v);
	return v == cmd->num[0];
}

static bool eval_nic(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		     char *got, size_t len)
{
	struct sio_device *dev = sio_machine_find_device(ctx->m, cmd->argv[0]);
	bool ok;

	if (!dev) {
		snprintf(got, len, "no such device");
		return false;
	}
	ok = !strncmp(cmd->argv[1], "last-", 5) ?
		eval_nic_frame(cmd, dev, got, len) :
		eval_nic_stat(cmd, dev, got, len);
	sio_put_device(dev);
	return ok;
}

static int parse_expect_dma(struct scn_parser *p)
{
	static const char *const stats[] = {
		"maps", "unmaps", "map-failures", "strict-unmaps",
		"lazy-unmaps",
	};
	int ret = parse_dev(p);

	if (ret)
		return ret;
	ret = scn_take_word(p, stats, ARRAY_SIZE(stats), "a DMA API counter (maps, unmaps, map-failures, strict-unmaps, lazy-unmaps)");
	if (ret < 0)
		return ret;
	return scn_take_eq(p) ?: scn_take_u64(p, "a count", &p->cmd->num[0]);
}

static bool eval_dma(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		     char *got, size_t len)
{
	const char *stat = cmd->argv[1];
	struct sio_iommu_group_info info;
	struct iommu_dma_stats st;
	struct sio_device *dev;
	struct iommu_group *g;
	unsigned long v;
	int ret = -ENOENT;

	dev = sio_machine_find_device(ctx->m, cmd->argv[0]);
	if (!dev) {
		snprintf(got, len, "no such device");
		return false;
	}
	g = iommu_group_get(dev);
	sio_put_device(dev);
	/* The counters of the group's default (DMA API) domain. */
	if (g && !sio_iommu_group_get_info(g, &info) && info.default_domain)
		ret = iommu_dma_get_stats(info.default_domain, &st);
	iommu_group_put(g);
	if (ret) {
		snprintf(got, len, "no DMA API domain");
		return false;
	}
	if (!strcmp(stat, "maps"))
		v = st.maps;
	else if (!strcmp(stat, "unmaps"))
		v = st.unmaps;
	else if (!strcmp(stat, "map-failures"))
		v = st.map_failures;
	else if (!strcmp(stat, "strict-unmaps"))
		v = st.strict_unmaps;
	else
		v = st.lazy_unmaps;
	snprintf(got, len, "%lu", v);
	return v == cmd->num[0];
}

static const struct scn_expect_row dma_expects[] = {
	{
		.word = "data",
		.synopsis = "expect data \"TEXT\"\nexpect data 0xHEX...",
		.help = "the last dma read began with these bytes",
		.doc = "the last `dma read` succeeded and its first bytes are these",
		.parse = parse_expect_data,
		.eval = eval_data,
	},
	{
		.word = "fault",
		.synopsis = "expect fault KIND",
		.help = "the last device DMA ended with fault KIND",
		.doc = "the last device DMA (`dma read/write`, `nic rx/tx`) ended so. KIND: `none` (it succeeded), `any` (it failed), `translation`, `permission`, `access`, `address-size`, `bad-ste`, `bad-cd`, `stream-disabled`, `bad-substreamid` (the event the SMMU recorded, as its driver logged it: `F_TRANSLATION`...), `abort` (`-EFAULT` with no event: an aborting stream table entry, e.g. a blocked group)",
		.parse = parse_expect_fault,
		.eval = eval_fault,
	},
	{
		.word = "nic",
		.synopsis = "expect nic DEV STAT == N\nexpect nic DEV last-rx == \"TEXT\"\nexpect nic DEV last-tx == \"TEXT\"",
		.help = "a NIC counter, or its last frame",
		.doc = "a NIC counter: `rx`, `tx` (packets), `rx-bytes`, `tx-bytes`, `rx-errors`, `tx-errors`, `rx-dropped`; or the last frame the driver received / the device put on the wire (also `0xHEX`)",
		.parse = parse_expect_nic,
		.eval = eval_nic,
	},
	{
		.word = "dma",
		.synopsis = "expect dma DEV STAT == N",
		.help = "a counter of DEV's default DMA domain",
		.doc = "a counter of DEV's default DMA domain: `maps`, `unmaps`, `map-failures`, `strict-unmaps`, `lazy-unmaps`",
		.parse = parse_expect_dma,
		.eval = eval_dma,
	},
};

/*
 * Unmap what "dma map" left mapped and free the buffers of "dma map" and
 * "memory alloc": before the named domains are freed.
 */
static void dma_release(struct sio_scn_ctx *ctx)
{
	struct scn_obj *o, *n;

	/* First unmap (which may delete DMA-use records), then delete. */
	list_for_each_entry(o, &ctx->objs, node)
		if (o->type == SCN_OBJ_DMA_MAP)
			unmap_obj(ctx, o);
	list_for_each_entry_safe(o, n, &ctx->objs, node) {
		if (o->type == SCN_OBJ_DMA_MAP) {
			scn_obj_del(o);
		} else if (o->type == SCN_OBJ_MEM) {
			free_buffer(ctx, o);
			scn_obj_del(o);
		}
	}
	kfree(ctx->read_buf);
	ctx->read_buf = NULL;
}

const struct scn_area scn_area_dma = {
	.name = "dma",
	.title = "Memory, DMA and NIC traffic",
	.cmds = dma_cmds,
	.ncmds = ARRAY_SIZE(dma_cmds),
	.expects = dma_expects,
	.nexpects = ARRAY_SIZE(dma_expects),
	.release = dma_release,
};
