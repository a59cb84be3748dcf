/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * softiommu public machine API: build a simulated machine (buses, IOMMU
 * instances, devices, built-in drivers), poke its virtual sysfs, and run
 * scenario text against it.  The scenario language is documented in
 * docs/scenario-language.md.
 *
 * Threads: any thread may call the public API (machine.h, iommu.h, dma.h)
 * with no set-up.  The library's RCU registers a calling thread at its first
 * call that needs it and unregisters it when the thread exits.
 * Functions returning a pointer return a valid one or an error pointer
 * (sio_is_err(), softiommu/error.h) unless the comment says "or NULL".
 *
 * Arguments: a NULL (or error-pointer) machine, a NULL declaration, name,
 * path, buffer or result, and a declaration whose fixed-size string field
 * is not NUL-terminated inside the field get -EINVAL (NULL from a lookup)
 * and change nothing; destroy and put accept NULL as a no-op.
 *
 * Device references (sio_machine_get_device()) outlive removal and the
 * machine itself:
 *  - after sio_machine_remove_device() the device is off the machine: its
 *    device-side DMA (softiommu/dma.h) fails with -ENODEV (never reaching
 *    RAM untranslated), the DMA API maps nothing (SIO_DMA_MAPPING_ERROR,
 *    NULL) and unmaps/frees what it mapped before, and the IOMMU API
 *    (softiommu/iommu.h) sees a device without an IOMMU (no group; -ENODEV
 *    from what needs one; iommu_probe_device() does not take it back);
 *  - after sio_machine_destroy() the same holds, and the device no longer
 *    touches the destroyed machine: it keeps only the machine's RAM, so a
 *    buffer from sio_dma_alloc_coherent() stays valid until it is freed or
 *    the last device reference goes;
 *  - sio_machine_put_device() is always safe; the last put frees the device
 *    (and, after a destroy, what the machine left for it).
 * Domains and groups are different: free and put them before destroying
 * their machine (the destroy WARNs about those left).  DMA (or any call)
 * on a device running in another thread *while* sio_machine_destroy() runs
 * is a caller bug: stop it first.  Removing one device meanwhile is fine.
 */
#ifndef SOFTIOMMU_MACHINE_H
#define SOFTIOMMU_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

struct sio_machine;
struct sio_device;

#define SIO_DECL_NAME_LEN	64
#define SIO_DECL_MAX_IDS	8
#define SIO_DECL_MAX_RESV	4
#define SIO_DECL_MAX_DRV_IDS	4

/* struct sio_iommu_decl.flags */
#define SIO_IOMMU_DECL_NO_IDENTITY	(1u << 0)
#define SIO_IOMMU_DECL_NO_BLOCKED	(1u << 1)
#define SIO_IOMMU_DECL_SINGLE_GROUP	(1u << 2)
#define SIO_IOMMU_DECL_DEFERRED_ATTACH	(1u << 3)
#define SIO_IOMMU_DECL_LEGACY_DEFAULT	(1u << 4)

/**
 * struct sio_iommu_decl - an IOMMU instance ("iommu mock smmu0 ...")
 * @kind: driver kind: "mock", "mock2" (a second driver, other ops) or
 *        "smmu" (defaults; sio_machine_add_smmu() takes its hardware)
 * @name: instance name, referenced by devices' @iommu
 * @pgsize_bitmap: page sizes (0 = driver default)
 * @max_pasids: PASIDs supported (0 = none)
 * @flags: SIO_IOMMU_DECL_*
 * @def_domain_type: driver's def_domain_type answer (0, IOMMU_DOMAIN_IDENTITY
 *                   or IOMMU_DOMAIN_DMA)
 */
struct sio_iommu_decl {
	char kind[16];
	char name[SIO_DECL_NAME_LEN];
	unsigned long pgsize_bitmap;
	unsigned int max_pasids;
	unsigned int flags;
	int def_domain_type;
};

/* struct sio_smmu_decl.features (an explicit feature list) */
#define SIO_SMMU_DECL_F_STAGE1		(1u << 0)
#define SIO_SMMU_DECL_F_STAGE2		(1u << 1)
#define SIO_SMMU_DECL_F_NESTING		(1u << 2)
#define SIO_SMMU_DECL_F_PRI		(1u << 3)
#define SIO_SMMU_DECL_F_ATS		(1u << 4)

/* struct sio_smmu_decl.granules */
#define SIO_SMMU_DECL_GRAN_4K		(1u << 0)
#define SIO_SMMU_DECL_GRAN_16K		(1u << 1)
#define SIO_SMMU_DECL_GRAN_64K		(1u << 2)

/**
 * struct sio_smmu_decl - the hardware of a software SMMU instance ("iommu
 * smmu NAME ..."); zero means "the hardware model's default" for every field
 * @features: SIO_SMMU_DECL_F_*; 0 = every feature; non-zero = exactly these
 *	(nesting implies both stages)
 * @iotlb_entries: IOTLB capacity
 * @iotlb_ways: IOTLB associativity
 * @iotlb_random: random replacement (else clock)
 * @ssid_bits_set: @ssid_bits is meaningful (0 is a valid width)
 * @ssid_bits: SubstreamID (PASID) bits
 * @granules: SIO_SMMU_DECL_GRAN_*
 * @ias: input address bits
 * @oas: output address bits
 * @no_check: leave the IOTLB coherency checker off
 * @gbpa_abort: out of reset (before a driver binds) the SMMU aborts
 *	incoming transactions; default: they bypass it (GBPA.ABORT = 0, as
 *	QEMU's SMMUv3 and most implementations ship)
 * @driver_later: only the hardware appears; the SMMU driver binds when
 *	sio_machine_bind_smmu_drivers() runs ("modprobe arm-smmu-v3").  Until
 *	then the devices behind it see the SMMU's reset state (GBPA).
 */
struct sio_smmu_decl {
	unsigned int features;
	unsigned int iotlb_entries;
	unsigned int iotlb_ways;
	bool iotlb_random;
	bool ssid_bits_set;
	unsigned int ssid_bits;
	unsigned int granules;
	unsigned int ias;
	unsigned int oas;
	bool no_check;
	bool gbpa_abort;
	bool driver_later;
};

/**
 * struct sio_resv_decl - a firmware reserved region
 * @type: enum iommu_resv_type
 */
struct sio_resv_decl {
	uint64_t start;
	uint64_t length;
	int type;
};

/**
 * struct sio_device_decl - a device and its firmware description
 * @bus: "pci" or "platform"
 * @name: device name ("0000:01:00.0")
 * @compatible: matched against driver ids ("" = none)
 * @iommu: IOMMU instance the device sits behind ("" = none)
 * @ids: stream IDs (@num_ids)
 * @late: the IOMMU learns of the device only at dma_configure (seed 000)
 * @untrusted: external-facing device (forces a DMA default domain)
 * @pasid_bits: PASID capability width
 * @alias: devices with the same alias behind one IOMMU share a group
 * @resv: reserved regions (@num_resv)
 */
struct sio_device_decl {
	char bus[16];
	char name[SIO_DECL_NAME_LEN];
	char compatible[SIO_DECL_NAME_LEN];
	char iommu[SIO_DECL_NAME_LEN];
	uint32_t ids[SIO_DECL_MAX_IDS];
	unsigned int num_ids;
	bool late;
	bool untrusted;
	unsigned int pasid_bits;
	char alias[SIO_DECL_NAME_LEN];
	struct sio_resv_decl resv[SIO_DECL_MAX_RESV];
	unsigned int num_resv;
};

/**
 * struct sio_driver_decl - a built-in driver instance
 * @bus: "pci" or "platform"
 * @name: driver name (/sys/bus/<bus>/drivers/<name>)
 * @kind: "dma-api" (a NIC-like driver on the DMA API), "vfio"
 *        (driver_managed_dma passthrough, user ownership on open), "stub"
 *        (driver_managed_dma, never claims)
 * @ids: compatible strings it binds to (@num_ids; none = only through
 *       driver_override)
 * @needs: probe returns -EPROBE_DEFER until this device has a driver ("" none)
 */
struct sio_driver_decl {
	char bus[16];
	char name[SIO_DECL_NAME_LEN];
	char kind[16];
	char ids[SIO_DECL_MAX_DRV_IDS][SIO_DECL_NAME_LEN];
	unsigned int num_ids;
	char needs[SIO_DECL_NAME_LEN];
};

/**
 * sio_machine_create() - a machine with no bus, no IOMMU, no device
 * @name: for log messages
 *
 * Context: may sleep.
 * Return: the machine or an error pointer: sio_ptr_err() gives -ENOMEM.
 */
struct sio_machine *sio_machine_create(const char *name);

/**
 * sio_machine_destroy() - unbind every driver, remove every device, destroy
 * the IOMMU instances and buses, and free the machine
 * @m: the machine; NULL or an error pointer is a no-op
 *
 * Devices the caller still holds references to are orphaned, not freed:
 * see "Device references" at the top of this file.
 *
 * Context: may sleep; no other thread may use @m or any of its devices
 * (device-side DMA included) until it returns.
 */
void sio_machine_destroy(struct sio_machine *m);

/*
 * Declarations.  Each returns 0 or -errno: -EINVAL (NULL or error-pointer
 * machine, NULL declaration, an empty or unterminated name/kind/bus field,
 * an unterminated optional field, counts beyond the SIO_DECL_MAX_*, bits or
 * values the declaration does not define, unknown kind), -EEXIST (name
 * taken), -ENODEV (bus not declared), -ENOMEM, or what the device model or
 * the IOMMU core returned.  A device declaration also gets -EINVAL for a
 * reserved region that is empty, wraps or has no such type, and for
 * @pasid_bits above 20 (the PCIe PASID width).  Context: may sleep.
 */
int sio_machine_add_bus(struct sio_machine *m, const char *kind);
int sio_machine_add_iommu(struct sio_machine *m,
			  const struct sio_iommu_decl *decl);
/**
 * sio_machine_add_memory() - give @m its RAM (scenario: "memory SIZE")
 * @m: the machine
 * @base: first physical address (0 = 0x40000000, so PA 0 is never RAM)
 * @size: bytes (a multiple of 4 KiB, > 0)
 *
 * Needed before an SMMU or any DMA; a machine that declares an SMMU without
 * memory gets 256 MiB at 0x40000000.
 * Context: may sleep.  Return: 0, -EEXIST (the machine has memory already),
 * -EINVAL (bad size or base), -ENOMEM.
 */
int sio_machine_add_memory(struct sio_machine *m, uint64_t base,
			   uint64_t size);

/**
 * sio_machine_add_smmu() - add a software SMMU (hardware model + driver)
 * @m: the machine
 * @name: instance name, referenced by devices' @iommu
 * @hw: the hardware, or NULL for the model's defaults
 *
 * Context: may sleep.  Return: as sio_machine_add_iommu(); -EINVAL for
 * hardware the driver cannot use (no stage, no usable granule) or that the
 * model does not have (bad IOTLB geometry, address or SSID widths), and for
 * feature or granule bits not defined above.
 */
int sio_machine_add_smmu(struct sio_machine *m, const char *name,
			 const struct sio_smmu_decl *hw);

/**
 * sio_machine_bind_smmu_drivers() - "modprobe arm-smmu-v3": bind the SMMU
 * driver to every SMMU of @m that has none (declared with @driver_later)
 * @m: the machine
 *
 * Each binding probes the devices behind that SMMU; from then on their DMA
 * is translated.
 *
 * Context: may sleep; not concurrently with sio_machine_destroy().
 * Return: the number of SMMUs bound (0: none was waiting), or -EINVAL (NULL
 * @m) or the driver's error for the first SMMU it could not bind (those
 * bound before it stay bound).
 */
int sio_machine_bind_smmu_drivers(struct sio_machine *m);
int sio_machine_add_device(struct sio_machine *m,
			   const struct sio_device_decl *decl);

/**
 * sio_machine_remove_device() - hot-unplug the device named @name
 * @m: the machine
 * @name: device name
 *
 * Its driver is unbound and the IOMMU core releases it; references held
 * elsewhere stay valid (see "Device references" above).
 *
 * Context: may sleep.  Return: 0, -EINVAL (NULL argument), -ENODEV (no such
 * device, or already removed).
 */
int sio_machine_remove_device(struct sio_machine *m, const char *name);

/**
 * sio_machine_get_device() - look a device of @m up by name (any bus)
 * @m: the machine
 * @name: device name ("0000:00:02.0")
 *
 * For the device-side and DMA APIs (include/softiommu/dma.h), which take a
 * device.  Context: may sleep.  Return: the device with a reference (drop
 * it with sio_machine_put_device()), or NULL if there is none (or for a
 * NULL argument).
 */
struct sio_device *sio_machine_get_device(struct sio_machine *m,
					  const char *name);
/* Drop a reference from sio_machine_get_device(); NULL is a no-op.  Valid
 * after the device's removal and after its machine's destroy. */
void sio_machine_put_device(struct sio_device *dev);
int sio_machine_add_driver(struct sio_machine *m,
			   const struct sio_driver_decl *decl);
/* Unregister driver @name (of @bus, or of any bus for NULL), unbinding its
 * devices.  Return: 0, -EINVAL (NULL @m or @name), -ENODEV (none). */
int sio_machine_remove_driver(struct sio_machine *m, const char *bus,
			      const char *name);

/* True if @kind names a built-in IOMMU driver kind / driver kind. */
bool sio_machine_iommu_kind_known(const char *kind);
bool sio_machine_driver_kind_known(const char *kind);

/*
 * Virtual sysfs access by absolute path.  A read stores at most @len - 1
 * bytes and a terminating NUL (nothing for @len 0); a write passes @len
 * bytes (a value stops at its first NUL, as in kernfs).  Return: bytes
 * read or written, or -errno (-EINVAL for a NULL argument).
 */
ssize_t sio_machine_sysfs_read(struct sio_machine *m, const char *path,
			       char *buf, size_t len);
ssize_t sio_machine_sysfs_write(struct sio_machine *m, const char *path,
				const char *buf, size_t len);

/* ---- scenarios ---- */

/* struct sio_scn_opts.flags */
#define SIO_SCN_QUIET		(1u << 0)	/* only failures and summary */
#define SIO_SCN_SILENT		(1u << 1)	/* nothing at all (--json) */
#define SIO_SCN_NO_SUMMARY	(1u << 2)
#define SIO_SCN_DMESG		(1u << 3)	/* print the whole log at the end */
#define SIO_SCN_VIRTUAL_CLOCK	(1u << 4)	/* +1us per message (golden output) */
#define SIO_SCN_NO_ECHO		(1u << 5)	/* do not echo "$ command" lines */

/**
 * struct sio_scn_opts - how a scenario is run
 * @out: transcript stream (NULL = stdout)
 * @flags: SIO_SCN_*
 */
struct sio_scn_opts {
	FILE *out;
	unsigned int flags;
};

/** struct sio_scn_failure - one failed expect or runtime error */
struct sio_scn_failure {
	unsigned int line;
	char *message;
};

/**
 * struct sio_scn_result - what running a scenario gave
 * @status: 0 all good, 1 a failed expect / runtime error / unexpected WARN,
 *          2 malformed scenario
 * @lines: source lines; @commands: commands run
 * @expects_passed, @expects_failed: expect forms
 * @warns: WARNs fired; @unexpected_warns: those no expect accounted for
 * @failures: @num_failures entries (release with sio_scn_result_release())
 * @parse_error: "FILE:LINE:COL: error: ..." when @status is 2
 */
struct sio_scn_result {
	int status;
	unsigned int lines;
	unsigned int commands;
	unsigned int expects_passed;
	unsigned int expects_failed;
	unsigned long warns;
	unsigned long unexpected_warns;
	struct sio_scn_failure *failures;
	unsigned int num_failures;
	char parse_error[512];
};

/**
 * sio_machine_run_scenario() - parse @buf and run it against @m
 * @m: the machine (usually fresh from sio_machine_create())
 * @name: file name used in messages
 * @buf, @len: the scenario text
 * @opts: output options (NULL = defaults)
 * @res: filled; release with sio_scn_result_release()
 *
 * Resets the log and the WARN counters first.  A NUL byte in @buf is a
 * parse error (status 2), so @buf need not be NUL-terminated.
 * Context: may sleep.
 * Return: @res->status; -EINVAL (and nothing run) for a NULL @m, @buf or
 * @res.
 */
int sio_machine_run_scenario(struct sio_machine *m, const char *name,
			     const char *buf, size_t len,
			     const struct sio_scn_opts *opts,
			     struct sio_scn_result *res);
/* Same, reading the file @path (-errno if it cannot be read, -EINVAL for a
 * NULL @path). */
int sio_machine_run_scenario_file(struct sio_machine *m, const char *path,
				  const struct sio_scn_opts *opts,
				  struct sio_scn_result *res);
void sio_scn_result_release(struct sio_scn_result *res);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* SOFTIOMMU_MACHINE_H */
