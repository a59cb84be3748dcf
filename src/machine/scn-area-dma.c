// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario DMA operations: machine memory ("memory SIZE", "memory alloc"),
 * device-side DMA ("dma read/write", with the fault the hardware raised),
 * the kernel DMA API ("dma map/unmap/flush"), NIC traffic ("nic rx/tx"),
 * scenario variables ($NAME) and the expects about all of these.
 * Kernel counterpart: none (a test driver's view of the DMA API).
 */
#include "scn-run.h"
#include "../dma/dma-mapping.h"
#include "../dma/dma-iommu.h"
#include "../endpoints/dma-endpoints.h"
#include "../hw/mem.h"

/* Bytes of a "dma read" shown in the transcript. */
#define SCN_DUMP_MAX	256

static struct scn_obj *find_var(struct sio_scn_ctx *ctx, const char *name)
{
	return scn_obj_find(ctx, SCN_OBJ_DMA_MAP, name) ?:
	       scn_obj_find(ctx, SCN_OBJ_MEM, name);
}

/**
 * scn_resolve() - the value of address operand @idx of @cmd
 * @ctx: the interpreter
 * @cmd: the command
 * @idx: operand (num[idx], var[idx])
 * @out: the address
 *
 * Context: the interpreter thread.
 * Return: true; false after recording an error (unknown variable, or an
 * offset that wraps).
 */
bool scn_resolve(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		 int idx, u64 *out)
{
	struct scn_obj *o;
	u64 base;

	if (!cmd->var[idx]) {
		*out = cmd->num[idx];
		return true;
	}
	o = find_var(ctx, cmd->var[idx]);
	if (!o) {
		scn_op_error(ctx, -ENOENT,
			     "no variable $%s (names come from 'dma map ... as NAME' and 'memory alloc as NAME')",
			     cmd->var[idx]);
		return false;
	}
	base = o->type == SCN_OBJ_DMA_MAP ? o->iova : o->phys;
	if (base + cmd->num[idx] < base) {
		scn_op_error(ctx, -EOVERFLOW, "$%s+%#llx wraps the address space",
			     cmd->var[idx], (unsigned long long)cmd->num[idx]);
		return false;
	}
	*out = base + cmd->num[idx];
	return true;
}

/* Print "<what>: <strerror> (<ENAME>)" and record the errno. */
static void dma_result(struct sio_scn_ctx *ctx, const char *what, int ret)
{
	ctx->last_err = ret < 0 ? ret : 0;
	if (ret < 0)
		scn_out(ctx, "%s: %s (%s)\n", what, sio_strerror(ret),
			sio_errno_name(ret));
}

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

void scn_run_memory(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	struct scn_obj *o;
	char sz[32];
	int ret;

	switch (cmd->sub) {
	case SCN_MEM_DECL:
		ret = sio_machine_add_memory(ctx->m, cmd->num[1], cmd->num[0]);
		if (ret == -EEXIST)
			scn_op_error(ctx, ret, "memory: the machine already has memory (declare it before the first smmu)");
		else if (ret)
			scn_op_error(ctx, ret, "memory: %s", sio_strerror(ret));
		else
			ctx->last_err = 0;
		return;
	case SCN_MEM_ALLOC:
		if (find_var(ctx, cmd->argv[0])) {
			scn_op_error(ctx, -EEXIST, "$%s already exists",
				     cmd->argv[0]);
			return;
		}
		ret = sio_machine_ensure_memory(ctx->m);
		if (ret) {
			scn_op_error(ctx, ret, "memory: %s", sio_strerror(ret));
			return;
		}
		o = scn_obj_add(ctx, SCN_OBJ_MEM, cmd->argv[0]);
		if (!o) {
			dma_result(ctx, "memory alloc", -ENOMEM);
			return;
		}
		ret = alloc_buffer(ctx, o, cmd->num[2]);
		if (ret) {
			scn_obj_del(o);
			dma_result(ctx, "memory alloc", ret);
			return;
		}
		scn_out(ctx, "$%s = %#llx (%s of RAM)\n", o->name,
			(unsigned long long)o->phys,
			size_str(o->size, sz, sizeof(sz)));
		ctx->last_err = 0;
		return;
	default:
		o = scn_obj_find(ctx, SCN_OBJ_MEM, cmd->argv[0]);
		if (!o) {
			scn_op_error(ctx, -ENOENT,
				     "no memory named %s (from 'memory alloc')",
				     cmd->argv[0]);
			return;
		}
		free_buffer(ctx, o);
		scn_obj_del(o);
		ctx->last_err = 0;
		return;
	}
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

static void run_rw(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		   struct sio_device *dev)
{
	bool pasid = cmd->flags & SCN_F_PASID;
	u32 pv = (u32)cmd->num[1];
	bool rd = cmd->sub == SCN_DMA_READ;
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
			dma_result(ctx, what, -ENOMEM);
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
		dma_result(ctx, what, ret);
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

static void run_map(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd,
		    struct sio_device *dev)
{
	struct scn_obj *o;
	char what[160], sz[32];
	dma_addr_t iova;
	int ret;

	snprintf(what, sizeof(what), "dma map %s", dev->name);
	o = find_var(ctx, cmd->argv[1]);
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
		dma_result(ctx, what, -ENOMEM);
		return;
	}
	ret = alloc_buffer(ctx, o, cmd->num[2]);
	if (ret) {
		scn_obj_del(o);
		dma_result(ctx, what, ret);
		return;
	}
	o->dir = (int)cmd->flags;
	iova = dma_map_single(dev, sio_phys_to_virt(ctx->m->mem, o->phys,
						    (size_t)o->size),
			      (size_t)o->size, o->dir);
	if (dma_mapping_error(dev, iova)) {
		free_buffer(ctx, o);
		scn_obj_del(o);
		dma_result(ctx, what, -ENOMEM);
		return;
	}
	o->iova = iova;
	o->mapped = true;
	o->dev = sio_get_device(dev);
	scn_out(ctx, "$%s = %#llx (IOVA for %s: %s %s buffer at PA %#llx)\n",
		o->name, (unsigned long long)iova, dev->name,
		size_str(o->size, sz, sizeof(sz)), dir_name(o->dir),
		(unsigned long long)o->phys);
	ctx->last_err = 0;
}

/* Undo a "dma map"; the name keeps its IOVA (to show a use after unmap). */
static void unmap_obj(struct sio_scn_ctx *ctx, struct scn_obj *o)
{
	if (o->dev && o->mapped)
		dma_unmap_single(o->dev, o->iova, (size_t)o->size, o->dir);
	o->mapped = false;
	free_buffer(ctx, o);
}

void scn_run_dma(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	struct sio_device *dev;
	struct iommu_domain *d;
	struct scn_obj *o;
	char what[160];

	if (cmd->sub == SCN_DMA_UNMAP) {
		o = scn_obj_find(ctx, SCN_OBJ_DMA_MAP, cmd->argv[0]);
		if (!o || !o->mapped) {
			scn_op_error(ctx, -ENOENT,
				     "no DMA mapping named %s (from 'dma map')",
				     cmd->argv[0]);
			return;
		}
		unmap_obj(ctx, o);
		ctx->last_err = 0;
		return;
	}
	dev = scn_get_device(ctx, cmd->argv[0]);
	if (!dev)
		return;
	switch (cmd->sub) {
	case SCN_DMA_READ:
	case SCN_DMA_WRITE:
		run_rw(ctx, cmd, dev);
		break;
	case SCN_DMA_MAP:
		run_map(ctx, cmd, dev);
		break;
	default:	/* SCN_DMA_FLUSH */
		snprintf(what, sizeof(what), "dma flush %s", dev->name);
		d = iommu_get_dma_domain(dev);
		dma_result(ctx, what, d ? iommu_dma_flush_fq(d) : -ENODEV);
		break;
	}
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

void scn_run_nic(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	bool rx = cmd->sub == SCN_NIC_RX;
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
		dma_result(ctx, what, ret);
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

/* ---- expects ---- */

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

static void expect_fault(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const char *want = cmd->argv[0], *kind;
	bool ok;

	if (!ctx->dma_done) {
		scn_expect_fail(ctx, cmd, "no DMA yet");
		return;
	}
	kind = last_fault_kind(ctx);
	if (!strcmp(want, "any"))
		ok = ctx->dma_ret != 0;
	else
		ok = !strcmp(want, kind);
	if (ok) {
		scn_expect_pass(ctx, cmd);
	} else if (!ctx->dma_ret) {
		scn_expect_fail(ctx, cmd, "none (the DMA succeeded)");
	} else {
		scn_expect_fail(ctx, cmd, "%s (-%s, event %s)", kind,
				sio_errno_name(ctx->dma_ret),
				ctx->dma_event[0] ? ctx->dma_event : "none");
	}
}

static void expect_data(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	char q[300];

	if (!ctx->read_buf) {
		scn_expect_fail(ctx, cmd, "no successful 'dma read' before");
		return;
	}
	/* The read may be longer than the data: compare its first bytes. */
	if (ctx->read_len >= cmd->len &&
	    !memcmp(ctx->read_buf, cmd->data, cmd->len))
		scn_expect_pass(ctx, cmd);
	else
		scn_expect_fail(ctx, cmd, "%s",
				quote(ctx->read_buf, ctx->read_len, q, sizeof(q)));
}

static void expect_nic(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	const char *stat = cmd->argv[1];
	struct sio_nic_stats st;
	struct sio_device *dev;
	u8 frame[SIO_NIC_BUF_SIZE];
	char q[300];
	u64 v;
	ssize_t n;

	dev = sio_machine_find_device(ctx->m, cmd->argv[0]);
	if (!dev) {
		scn_expect_fail(ctx, cmd, "no such device");
		return;
	}
	if (!strncmp(stat, "last-", 5)) {
		n = !strcmp(stat, "last-rx") ?
			sio_nic_last_rx(dev, frame, sizeof(frame)) :
			sio_nic_last_tx(dev, frame, sizeof(frame));
		sio_put_device(dev);
		if (n < 0)
			scn_expect_fail(ctx, cmd, "%s", n == -ENOENT ?
					"no frame yet" : "no NIC rings");
		else if ((size_t)n == cmd->len && !memcmp(frame, cmd->data, cmd->len))
			scn_expect_pass(ctx, cmd);
		else
			scn_expect_fail(ctx, cmd, "%s", quote(frame,
					min_t(size_t, (size_t)n, sizeof(frame)),
					q, sizeof(q)));
		return;
	}
	n = sio_nic_get_stats(dev, &st);
	sio_put_device(dev);
	if (n) {
		scn_expect_fail(ctx, cmd, "no NIC rings");
		return;
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
	if (v == cmd->num[0])
		scn_expect_pass(ctx, cmd);
	else
		scn_expect_fail(ctx, cmd, "%llu", (unsigned long long)v);
}

static void expect_dma_stat(struct sio_scn_ctx *ctx,
			    const struct sio_scn_cmd *cmd)
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
		scn_expect_fail(ctx, cmd, "no such device");
		return;
	}
	g = iommu_group_get(dev);
	sio_put_device(dev);
	/* The counters of the group's default (DMA API) domain. */
	if (g && !sio_iommu_group_get_info(g, &info) && info.default_domain)
		ret = iommu_dma_get_stats(info.default_domain, &st);
	iommu_group_put(g);
	if (ret) {
		scn_expect_fail(ctx, cmd, "no DMA API domain");
		return;
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
	if (v == cmd->num[0])
		scn_expect_pass(ctx, cmd);
	else
		scn_expect_fail(ctx, cmd, "%lu", v);
}

/**
 * scn_expect_dma() - expect data / fault / nic / dma
 * @ctx: the interpreter
 * @cmd: an SCN_EXPECT with sub SCN_EXP_DATA, _FAULT, _NIC or _DMA
 *
 * Context: the interpreter thread.
 */
void scn_expect_dma(struct sio_scn_ctx *ctx, const struct sio_scn_cmd *cmd)
{
	switch (cmd->sub) {
	case SCN_EXP_DATA:
		expect_data(ctx, cmd);
		break;
	case SCN_EXP_FAULT:
		expect_fault(ctx, cmd);
		break;
	case SCN_EXP_NIC:
		expect_nic(ctx, cmd);
		break;
	default:
		expect_dma_stat(ctx, cmd);
		break;
	}
}

/**
 * scn_release_dma_objects() - unmap what "dma map" left mapped and free
 * the buffers of "dma map" and "memory alloc"
 * @ctx: the interpreter
 *
 * Context: the interpreter thread, at the end of the scenario, before the
 * named domains are freed.
 */
void scn_release_dma_objects(struct sio_scn_ctx *ctx)
{
	struct scn_obj *o, *n;

	list_for_each_entry_safe(o, n, &ctx->objs, node) {
		if (o->type == SCN_OBJ_DMA_MAP) {
			unmap_obj(ctx, o);
			scn_obj_del(o);
		} else if (o->type == SCN_OBJ_MEM) {
			free_buffer(ctx, o);
			scn_obj_del(o);
		}
	}
	kfree(ctx->read_buf);
	ctx->read_buf = NULL;
}
