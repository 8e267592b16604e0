/*
 * iotcert_store.h -- the on-device trust store: power-safe trust-bundle updates on the
 * firmware's flash. Included by iotcert.h.
 *
 * WHAT IT DOES
 *
 * The store keeps the device's trust bundle (docs/bundle-format.md) in one of two flash
 * slots, A and B, and names the one in use with a commit record in one of two small commit
 * sectors. An update arriving over the network in pieces is programmed into the other slot,
 * verified where it lies (SHA-256 digest, ECDSA signature by the pinned bundle-signing key,
 * sequence number newer than the active bundle's), and then committed: the commit sector
 * the active record does not occupy is erased and one self-checking 96-byte record naming
 * the new slot is programmed into it. That program is the single step that switches
 * bundles. At boot, iotcert_store_open() reads both records and serves the bundle named by
 * the newest valid one, after checking that the slot holds exactly that bundle.
 *
 * POWER CUTS
 *
 * Power may fail during any erase or program; a torn program may leave any bits in the
 * unit being written. After the reboot the store serves the old bundle or the new one,
 * byte for byte, never neither and never a mixture; calling the update again completes it.
 * Why: before the commit record is completely programmed, nothing the active record or the
 * active slot occupies has been touched, and the new record does not count (its SHA-256
 * does not check) until every byte of it is programmed; once it is, the new slot has been
 * verified in full. docs/store.md walks through every step. Not covered: flash that
 * reports success for a program that did not happen (the store reads back the record,
 * and every bundle is digest-checked at every open, so such a failure is detected, but an
 * update can then be lost), and parts that fault on reading a torn ECC word (the driver's
 * read must return an error instead).
 *
 * MEMORY
 *
 * No allocation. iotcert_store (648 bytes) holds the store's state, including one
 * partial program unit of an update between writes. The bundle is read in place:
 *  - with memory-mapped flash (iotcert_flash.map set), straight from flash: no RAM buffer,
 *    no copy; the trust opened from the store points into flash;
 *  - otherwise (external SPI flash without execute-in-place), the caller gives a RAM
 *    buffer of at least slot_size bytes; the active bundle is read into it, and the trust
 *    points into it.
 * Verifying an update needs the same: the update is checked where it was programmed (mapped)
 * or after reading it back into the buffer.
 *
 * LIFETIMES
 *
 * A trust from iotcert_store_trust() stays valid while an update downloads (TLS
 * connections that bring the update keep verifying with it) and until:
 *  - mapped flash: the iotcert_store_update_begin() that follows a successful update (it
 *    erases the slot the old bundle occupies);
 *  - RAM buffer: the next iotcert_store_update_finish() (it reads the update into the
 *    buffer), whatever it returns.
 * After a successful update, call iotcert_store_trust() again for the new bundle.
 *
 * USE
 *
 *     static iotcert_store store;
 *     static const iotcert_flash flash = {
 *         .struct_size = sizeof flash, .sector_size = 4096, .program_unit = 8,
 *         .slot_size = 16384, .slot_a_offset = 0x70000, .slot_b_offset = 0x74000,
 *         .commit_offset = 0x78000, .read = my_read, .erase = my_erase,
 *         .program = my_program, .map = my_map };
 *     iotcert_store_open(&store, &flash, OWNER_KEY, 65, NULL, 0);
 *     iotcert_trust trust;
 *     if (iotcert_store_trust(&store, &trust) != IOTCERT_OK) { ... no bundle yet ... }
 *     ...
 *     iotcert_store_update_begin(&store, update_length);
 *     while (more) iotcert_store_update_write(&store, piece, piece_len);
 *     if (iotcert_store_update_finish(&store) == IOTCERT_OK)
 *         iotcert_store_trust(&store, &trust);
 */
#ifndef IOTCERT_STORE_H
#define IOTCERT_STORE_H

#include "iotcert_types.h"
#include "iotcert_store_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Opens the store on `flash` (read during the call only: the store keeps a copy) and
 * selects the bundle to serve.
 *   store:             caller memory for the store's state, used by every later call.
 *   flash:             geometry, regions and driver (iotcert_store_types.h).
 *   signing_key, klen: the owner's bundle-signing key, an uncompressed P-256 point (klen
 *                      65; the store keeps a copy): every update must be signed by it.
 *                      NULL/0 accepts unsigned updates (integrity and sequence only): for
 *                      development, not for devices in the field.
 *   buffer, len:       without flash->map: RAM of at least flash->slot_size bytes that the
 *                      store reads bundles into, used until the store is no longer used.
 *                      Ignored with flash->map (pass NULL/0).
 * Returns IOTCERT_OK when the store is open, whether or not it holds a bundle (on first
 * boot it holds none: iotcert_store_trust() says IOTCERT_ERR_STORE_EMPTY, and an update
 * installs the first bundle). Otherwise the store is left unusable:
 * IOTCERT_ERR_INVALID_ARGUMENT (NULL store or flash, a driver function missing, a wrong
 * struct_size, a key that is not 65 bytes starting 0x04), IOTCERT_ERR_STORE_BAD_GEOMETRY
 * (a rule of iotcert_flash broken), IOTCERT_ERR_STORE_BUFFER_TOO_SMALL, or
 * IOTCERT_ERR_CRYPTO_FAILURE (the port could not hash a commit record).
 */
int iotcert_store_open(iotcert_store *store, const iotcert_flash *flash,
                       const uint8_t *signing_key, size_t signing_key_len,
                       uint8_t *buffer, size_t buffer_len);

/*
 * Opens the active bundle into `trust`, in place (see LIFETIMES), after checking it again:
 * its digest, and that it is the exact bundle its commit record names.
 * Returns IOTCERT_OK; IOTCERT_ERR_STORE_EMPTY or IOTCERT_ERR_STORE_FLASH_FAILURE when the
 * store has no bundle (none was ever committed, or the driver failed while the store looked
 * for one); an IOTCERT_ERR_BUNDLE_* code when the active slot changed under the store;
 * IOTCERT_ERR_INVALID_ARGUMENT for NULL or a store not opened. On failure `trust` is left
 * unusable.
 */
int iotcert_store_trust(const iotcert_store *store, iotcert_trust *trust);

/*
 * The active bundle's bytes (checked as iotcert_store_trust() checks them), e.g. to pass to
 * iotcert_bundle_open() with options of one's own. `out` points into mapped flash or the
 * RAM buffer. Returns as iotcert_store_trust(); on failure `out` is {NULL, 0}.
 */
int iotcert_store_bundle(const iotcert_store *store, iotcert_buffer *out);

/*
 * Describes the store: the active bundle (or why there is none) and the update in progress.
 * info->struct_size must be sizeof(iotcert_store_info). Reads no flash.
 * Returns IOTCERT_OK or IOTCERT_ERR_INVALID_ARGUMENT.
 */
int iotcert_store_get_info(const iotcert_store *store, iotcert_store_info *info);

/*
 * Starts an update of `length` bytes (the whole bundle's length, known before its first
 * byte arrives), abandoning any update in progress. Erases the sectors of the inactive slot
 * the update will occupy; the active bundle is not touched.
 * Returns IOTCERT_OK; IOTCERT_ERR_INVALID_ARGUMENT (length 0, store not opened);
 * IOTCERT_ERR_STORE_UPDATE_TOO_LARGE (length > slot_size: nothing erased);
 * IOTCERT_ERR_STORE_FLASH_FAILURE (an erase failed: begin again).
 */
int iotcert_store_update_begin(iotcert_store *store, size_t length);

/*
 * Takes the next `len` bytes of the update, in order; pieces may have any size (0
 * included) and alignment. Whole program units are programmed straight from `data`; a
 * trailing partial unit is copied into the store until the next call. `data` is read during
 * the call only.
 * Returns IOTCERT_OK; IOTCERT_ERR_STORE_UPDATE_NOT_STARTED;
 * IOTCERT_ERR_STORE_UPDATE_LENGTH_MISMATCH (more bytes than announced);
 * IOTCERT_ERR_STORE_FLASH_FAILURE; IOTCERT_ERR_INVALID_ARGUMENT (NULL data with len > 0,
 * store not opened). Every failure ends the update.
 */
int iotcert_store_update_write(iotcert_store *store, const uint8_t *data, size_t len);

/*
 * Ends the update: programs the last partial unit, verifies the new bundle where it lies
 * (as iotcert_bundle_open() with the pinned key and the active bundle's sequence number:
 * header, digest, signature, sequence, sections), and commits it. The update ends whatever
 * this returns.
 * Returns IOTCERT_OK: the new bundle is active (call iotcert_store_trust() again). On any
 * failure the active bundle is unchanged (on flash and in the store):
 * IOTCERT_ERR_STORE_UPDATE_NOT_STARTED; IOTCERT_ERR_STORE_UPDATE_LENGTH_MISMATCH (fewer
 * bytes than announced); IOTCERT_ERR_BUNDLE_DIGEST_MISMATCH (corrupted in transit or on
 * flash), IOTCERT_ERR_BUNDLE_BAD_SIGNATURE (unsigned, or not by the pinned key),
 * IOTCERT_ERR_BUNDLE_ROLLBACK (sequence not newer), any other IOTCERT_ERR_BUNDLE_* code;
 * IOTCERT_ERR_STORE_FLASH_FAILURE (a program, erase or read failed, or the record read back
 * wrong: the store then re-reads the commit records, so it serves what a reboot would);
 * IOTCERT_ERR_CRYPTO_*.
 */
int iotcert_store_update_finish(iotcert_store *store);

/* Abandons the update in progress, if any; the active bundle is untouched. NULL and a store
 * not opened are ignored. */
void iotcert_store_update_abort(iotcert_store *store);

#ifdef __cplusplus
}
#endif

#endif /* IOTCERT_STORE_H */
