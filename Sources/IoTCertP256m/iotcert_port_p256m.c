/*
 * iotcert_port_p256m.c -- a heap-free crypto port (Include/iotcert_port.h) for P-256 devices.
 *
 * ECDSA P-256 verification by p256-m (Manuel Pegourie-Gonnard's P-256 implementation, shipped
 * in Mbed TLS 3.6 as 3rdparty/p256-m: fixed-size 32-bit limbs on the stack, no allocation, no
 * tables, well under 1 KB of stack); SHA-256 by Mbed TLS 2.28's sha256.c alone (no bignum, no
 * ECP, no heap). Neither is in this repository: both come from Debian source packages fetched
 * at build time (Examples/cortex-m4/fetch-debian-source.sh, fetch-mbedtls.sh).
 *
 * What a P-256-only product needs and nothing else. Everything outside it is the port's
 * "unsupported" (IOTCERT_PORT_UNSUPPORTED), which the core reports as a platform limit, never
 * as a bad certificate: SHA-384 and SHA-512 digests, the P-384 curve, every RSA key. A chain
 * that needs them wants the default port (Sources/IoTCertMbedTLS).
 *
 * No state is kept between calls: iotcert_port_release has nothing to drop.
 *
 * Build: this file, p256-m.c compiled with -DMBEDTLS_PSA_P256M_DRIVER_ENABLED and
 * -I Sources/IoTCertP256m/shim, and Mbed TLS 2.28's sha256.c and platform_util.c (on the host,
 * -lmbedcrypto). `make lib PORT=p256m` and `make -C Examples/cortex-m4 PORT=p256m` do it.
 */
#include "iotcert_port.h"

#include "p256-m.h"

/* chunks_valid and hash_sha256, shared with the Mbed TLS port. */
#include "../IoTCertMbedTLS/iotcert_port_sha256.h"

#include <string.h>

/* P-256: 32-byte coordinates, scalars and order. */
#define P256_BYTES 32u

/* ---- hashes ------------------------------------------------------------------------------ */

int iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks, size_t count,
                      uint8_t *out)
{
    if (!chunks_valid(chunks, count, out)) {
        return IOTCERT_PORT_FAILURE;
    }
    if (hash_alg != IOTCERT_HASH_SHA256) {
        return IOTCERT_PORT_UNSUPPORTED; /* SHA-384/512: the default port has them */
    }
    return hash_sha256(chunks, count, out);
}

/* ---- ECDSA P-256 ------------------------------------------------------------------------- */

/*
 * p256-m draws randomness only to make keys and signatures. Verification never calls this;
 * it exists because p256-m.c refers to it, and it fails so that nothing can ever sign with
 * numbers that are not random.
 */
int32_t psa_generate_random(uint8_t *output, size_t output_size);

int32_t psa_generate_random(uint8_t *output, size_t output_size)
{
    (void)output;
    (void)output_size;
    return -1;
}

/* The digests the core produces; p256-m keeps the leftmost 256 bits (SEC 1 4.1.4 step 5). */
static int digest_len_known(size_t len)
{
    return len == 32 || len == 48 || len == 64;
}

/*
 * One INTEGER of an Ecdsa-Sig-Value in strict DER, written right-aligned into `out` (32
 * bytes): short-form length, 1..33 content bytes, not negative, no redundant leading zero,
 * and at most 32 bytes once a sign byte is removed. Whether the value is in 1..n-1 is
 * p256-m's check. Returns the bytes consumed, or 0 when malformed.
 */
static size_t sig_integer(const uint8_t *p, size_t avail, uint8_t out[P256_BYTES])
{
    size_t len;
    const uint8_t *v;

    if (avail < 2 || p[0] != 0x02 || (p[1] & 0x80) != 0) {
        return 0;
    }
    len = p[1];
    v = p + 2;
    if (len == 0 || len > avail - 2 || (v[0] & 0x80) != 0) {
        return 0;
    }
    if (len > 1 && v[0] == 0x00 && (v[1] & 0x80) == 0) {
        return 0;
    }
    if (v[0] == 0x00 && len > 1) {
        v++;
        len--;
    }
    if (len > P256_BYTES) {
        return 0;
    }
    memset(out, 0, P256_BYTES - len);
    memcpy(out + P256_BYTES - len, v, len);
    return (size_t)(v + len - p);
}

/*
 * Ecdsa-Sig-Value ::= SEQUENCE {        -- RFC 5480 / RFC 3279
 *     r  INTEGER,
 *     s  INTEGER }
 * into p256-m's r || s (64 bytes, big-endian), with nothing after either the SEQUENCE or s.
 * Returns 1 when well-formed.
 */
static int sig_parse(const uint8_t *sig, size_t sig_len, uint8_t rs[2 * P256_BYTES])
{
    size_t at = 2;
    size_t used;

    /* Two INTEGERs of at most 33 content bytes, each with a 2-byte header: short form. */
    if (sig_len < 2 || sig[0] != 0x30 || (sig[1] & 0x80) != 0 || sig[1] != sig_len - 2) {
        return 0;
    }
    used = sig_integer(sig + at, sig_len - at, rs);
    if (used == 0) {
        return 0;
    }
    at += used;
    used = sig_integer(sig + at, sig_len - at, rs + P256_BYTES);
    if (used == 0) {
        return 0;
    }
    return at + used == sig_len;
}

/*
 * The header promises an uncompressed point (0x04 || X || Y). A compressed one is a real
 * SEC 1 form p256-m does not decode: unsupported. Any other length or prefix is a key that
 * verifies nothing: a bad signature. Whether X, Y is on the curve is p256-m's check.
 */
static int point_form_status(const uint8_t *point, size_t point_len)
{
    if (point_len == 1 + P256_BYTES && (point[0] == 0x02 || point[0] == 0x03)) {
        return IOTCERT_PORT_UNSUPPORTED;
    }
    if (point_len != 1 + 2 * P256_BYTES || point[0] != 0x04) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    return IOTCERT_PORT_OK;
}

/* INVALID_PUBKEY (off the curve, a coordinate >= p) and INVALID_SIGNATURE (r or s outside
 * 1..n-1, or no match) blame the certificate; anything else would be p256-m misbehaving. */
static int p256m_status(int ret)
{
    switch (ret) {
    case P256_SUCCESS:
        return IOTCERT_PORT_OK;
    case P256_INVALID_PUBKEY:
    case P256_INVALID_SIGNATURE:
        return IOTCERT_PORT_BAD_SIGNATURE;
    default:
        return IOTCERT_PORT_FAILURE;
    }
}

int iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                              const uint8_t *hash, size_t hash_len,
                              const uint8_t *sig, size_t sig_len)
{
    uint8_t rs[2 * P256_BYTES];
    int st;

    if (curve != IOTCERT_CURVE_P256 || !digest_len_known(hash_len)) {
        return IOTCERT_PORT_UNSUPPORTED; /* P-384 and unknown curves */
    }
    /* NULL with a length is a caller's bug; an empty signature is merely malformed. */
    if (point == NULL || hash == NULL || (sig == NULL && sig_len > 0)) {
        return IOTCERT_PORT_FAILURE;
    }
    st = point_form_status(point, point_len);
    if (st != IOTCERT_PORT_OK) {
        return st;
    }
    if (!sig_parse(sig, sig_len, rs)) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    return p256m_status(p256_ecdsa_verify(rs, point + 1, hash, hash_len));
}

/* ---- RSA and state ----------------------------------------------------------------------- */

#include "../IoTCertMbedTLS/iotcert_port_no_rsa.h"

void iotcert_port_release(void)
{
}
