/* Host-only helpers in C over Mbed TLS 2.28, for the iotcert tool (never firmware). */
#ifndef IOTCERT_HOST_H
#define IOTCERT_HOST_H

#include <stddef.h>
#include <stdint.h>

/* An RSA key generated from a seed: the same seed gives the same key with the same Mbed TLS
 * version. Big-endian magnitudes, each buffer `bits / 8` bytes (n, d) or `bits / 16` (p, q),
 * left-padded with zeros; e is 65537. Returns 0, or an Mbed TLS error code. */
int iotcert_host_rsa_from_seed(const uint8_t *seed, size_t seed_len, unsigned bits,
                               uint8_t *n, uint8_t *d, uint8_t *p, uint8_t *q);

/* A deterministic (RFC 6979) ECDSA signature over `hash` (SHA-256, -384 or -512 output) with
 * the private scalar of a P-256 (curve_bits 256) or P-384 (384) key, `scalar_len` = curve
 * bytes. Writes r and s big-endian, curve_bits / 8 bytes each. Returns 0, or an Mbed TLS
 * error code. */
int iotcert_host_ecdsa_sign_det(unsigned curve_bits, const uint8_t *scalar, size_t scalar_len,
                                const uint8_t *hash, size_t hash_len, uint8_t *r_out,
                                uint8_t *s_out);

#endif
