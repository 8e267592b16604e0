/*
 * iotcert_port.h -- what a platform supplies to iotcert.
 *
 * The core never touches a hash or a big number itself. Every digest and every signature
 * check goes through the four functions below, so that firmware can back them with Mbed TLS
 * (the default port, Sources/IoTCertMbedTLS), with p256-m for a P-256-only product that
 * allocates nothing (Sources/IoTCertP256m: it answers IOTCERT_PORT_UNSUPPORTED for P-384,
 * RSA, SHA-384 and SHA-512), a hardware crypto block, or anything else.
 *
 * Contract, for every function:
 *  - inputs are read only during the call and never retained;
 *  - the functions are called from one thread at a time (the core is not reentrant across
 *    one workspace, and the default port keeps per-curve state between calls);
 *  - no function may call back into iotcert.
 *
 * Return values: IOTCERT_PORT_OK (0) when the digest was computed or the signature is
 * valid; IOTCERT_PORT_BAD_SIGNATURE when the signature is well-formed input that does not
 * verify (or is malformed as a signature); IOTCERT_PORT_UNSUPPORTED when the port cannot do
 * the operation (unknown curve, hash, key size); IOTCERT_PORT_FAILURE for anything else
 * (out of memory in the crypto library, hardware fault). The core maps the last two to
 * distinct error codes so that a platform problem is never reported as a bad certificate.
 */
#ifndef IOTCERT_PORT_H
#define IOTCERT_PORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOTCERT_PORT_OK 0
#define IOTCERT_PORT_BAD_SIGNATURE 1
#define IOTCERT_PORT_UNSUPPORTED (-1)
#define IOTCERT_PORT_FAILURE (-2)

/* Hash algorithms, as passed in `hash_alg`. Plain integers: no C enum crosses the ABI. */
#define IOTCERT_HASH_SHA256 1u /* 32-byte digest */
#define IOTCERT_HASH_SHA384 2u /* 48-byte digest */
#define IOTCERT_HASH_SHA512 3u /* 64-byte digest */

/* Named curves, as passed in `curve`. */
#define IOTCERT_CURVE_P256 1u
#define IOTCERT_CURVE_P384 2u

/* One piece of a message hashed in several parts (see iotcert_port_hash). */
typedef struct iotcert_port_chunk {
    const uint8_t *data; /* may be NULL only when len == 0 */
    size_t len;
} iotcert_port_chunk;

/*
 * Digest of the concatenation of `count` chunks with `hash_alg`, written to `out`, which has
 * room for the algorithm's digest (32, 48 or 64 bytes).
 */
int iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks, size_t count,
                      uint8_t *out);

/*
 * ECDSA verification of `sig` (the DER Ecdsa-Sig-Value exactly as found in the certificate's
 * BIT STRING) over the digest `hash` (hash_len bytes) with the public key `point`, an
 * uncompressed SEC 1 point (0x04 || X || Y: 65 bytes for P-256, 97 for P-384) on `curve`.
 * The core has already checked the point's length and form, not that it is on the curve:
 * the port must (Mbed TLS's mbedtls_ecp_check_pubkey does).
 */
int iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                              const uint8_t *hash, size_t hash_len,
                              const uint8_t *sig, size_t sig_len);

/*
 * RSASSA-PKCS1-v1_5 verification of `sig` (sig_len bytes, the raw signature) over the digest
 * `hash` computed with `hash_alg`, for the key with big-endian modulus `n` and exponent `e`
 * (leading zero bytes already stripped by the core).
 */
int iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                            uint32_t hash_alg, const uint8_t *hash, size_t hash_len,
                            const uint8_t *sig, size_t sig_len);

/*
 * Drops any state the port keeps between calls (loaded curve groups, their precomputed
 * tables). Optional for firmware that never tears the library down; the host tests call it
 * to prove that nothing leaks.
 */
void iotcert_port_release(void);

#ifdef __cplusplus
}
#endif

#endif /* IOTCERT_PORT_H */
