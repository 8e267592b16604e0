/*
 * iotcert_store_types.h -- plain data types of the on-device trust store (iotcert_store.h),
 * shared by the C API and the Swift core. Included by iotcert_store.h; firmware need not
 * include it directly. No C enum crosses the ABI.
 */
#ifndef IOTCERT_STORE_TYPES_H
#define IOTCERT_STORE_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* Largest program unit the store supports: it keeps one partial unit of an update in RAM
 * (inside iotcert_store) between iotcert_store_update_write() calls. 256 covers the
 * page-program flashes (RP2040's 256-byte pages) as well as the 1..32-byte units of on-chip
 * NOR (STM32H7's 32-byte flash word). */
#define IOTCERT_STORE_PROGRAM_UNIT_MAX 256u

/* Bytes of one commit record (docs/store.md), before padding to the program unit. A sector
 * must hold one record padded to the program unit. */
#define IOTCERT_STORE_RECORD_BYTES 96u

/*
 * The flash the firmware gives the store: geometry, where the store's three regions are, and
 * the driver. Offsets are the driver's (any numbering the driver understands: device
 * addresses, or offsets into a partition). The store never touches flash outside
 *     [slot_a_offset, slot_a_offset + slot_size)
 *     [slot_b_offset, slot_b_offset + slot_size)
 *     [commit_offset, commit_offset + 2 * sector_size)
 * and these must not overlap. Erased flash may read as anything (0xFF on NOR, 0x00 on some
 * ECC flashes): the store never relies on the erased value.
 *
 * Every driver function returns 0 on success and anything else on failure (the store then
 * answers IOTCERT_ERR_STORE_FLASH_FAILURE). They are called from the thread that called the
 * store, one at a time, and may block.
 */
typedef struct iotcert_flash {
    uint32_t struct_size;   /* sizeof(iotcert_flash) */
    uint32_t sector_size;   /* erase unit in bytes; a multiple of program_unit, holding at
                               least one commit record padded to program_unit */
    uint32_t program_unit;  /* program granularity and alignment: a power of two,
                               1 ... IOTCERT_STORE_PROGRAM_UNIT_MAX */
    uint32_t slot_size;     /* bytes per slot: a non-zero multiple of sector_size; the
                               largest bundle the store can hold */
    uint32_t slot_a_offset; /* first byte of slot A: a multiple of sector_size */
    uint32_t slot_b_offset; /* first byte of slot B: a multiple of sector_size */
    uint32_t commit_offset; /* first of the two commit sectors (consecutive): a multiple of
                               sector_size */
    void *ctx;              /* passed to every driver function; the store never reads it */

    /* Copies len bytes at offset into buf. Must not fault on a torn or half-erased area
     * (on ECC flash: report the ECC error as a failure, or return the raw bytes). */
    int (*read)(void *ctx, uint32_t offset, uint8_t *buf, uint32_t len);

    /* Erases the sector starting at offset (a multiple of sector_size). */
    int (*erase)(void *ctx, uint32_t offset);

    /* Programs len bytes from buf at offset. offset and len are multiples of program_unit;
     * the range lies inside one sector, erased since it was last programmed (each unit is
     * programmed at most once per erase, as ECC flashes require). buf has no particular
     * alignment. A chip whose page program may not cross a page boundary (SPI NOR) splits
     * the call into pages itself. */
    int (*program)(void *ctx, uint32_t offset, const uint8_t *buf, uint32_t len);

    /* Optional (NULL when flash is not memory-mapped). Returns a pointer through which the
     * CPU reads the len bytes at offset directly, or NULL. With it, the active bundle is
     * read in place from flash (no copy, no RAM buffer); what it returns must reflect every
     * program and erase done through this driver (invalidate caches in those functions if
     * the part caches flash reads). */
    const uint8_t *(*map)(void *ctx, uint32_t offset, uint32_t len);
} iotcert_flash;

/* An open trust store: opaque, in memory the caller owns (static, typically). */
typedef struct iotcert_store {
    uint32_t struct_size; /* do not touch */
    uint32_t state;       /* do not touch */
    uint64_t opaque[80];  /* do not touch */
} iotcert_store;

/* What iotcert_store_get_info() reports. */
typedef struct iotcert_store_info {
    uint32_t struct_size;    /* set by the caller: sizeof(iotcert_store_info) */
    int32_t status;          /* IOTCERT_OK when a bundle is active; otherwise why none is:
                                IOTCERT_ERR_STORE_EMPTY or IOTCERT_ERR_STORE_FLASH_FAILURE */
    uint32_t slot;           /* the active bundle's slot: 0 (A) or 1 (B) */
    uint32_t sequence;       /* the active bundle's sequence number */
    uint32_t generation;     /* the active commit record's generation (commits so far) */
    uint32_t length;         /* the active bundle's length in bytes */
    uint32_t update_length;  /* the update in progress: its announced length, or 0 */
    uint32_t update_written; /* bytes of it received so far */
} iotcert_store_info;

#endif /* IOTCERT_STORE_TYPES_H */
