/*
 * mbedtls_config.h -- Mbed TLS 2.28 configuration for the Cortex-M4 firmware.
 *
 * The device only ever checks signatures: iotcert's core parses certificates itself, so none
 * of Mbed TLS's X.509, PK, PEM, cipher, entropy, DRBG, network or file modules are built. What
 * remains is what Include/iotcert_port.h needs: SHA-256/384/512, ECDSA verification on P-256
 * and P-384, and RSA PKCS#1 v1.5 verification for mixed public chains.
 *
 * Memory comes from one static buffer (MBEDTLS_MEMORY_BUFFER_ALLOC_C) so that the heap is
 * bounded at link time and its high-water mark can be read back; MBEDTLS_MEMORY_DEBUG is what
 * makes mbedtls_memory_buffer_alloc_max_get() available.
 *
 * Selected with -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"' by Examples/cortex-m4/Makefile.
 */
#ifndef IOTCERT_FW_MBEDTLS_CONFIG_H
#define IOTCERT_FW_MBEDTLS_CONFIG_H

/* --- System ------------------------------------------------------------------------------- */

/* Thumb-2 multiply-accumulate assembly in bignum: several times faster than portable C. */
#define MBEDTLS_HAVE_ASM
/* No MBEDTLS_HAVE_TIME: the device may have no clock, and nothing here needs one. */

/* --- Memory and platform ------------------------------------------------------------------ */

#include <stddef.h> /* size_t, for the declarations below */

#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
/* No libc calloc/free/printf/exit behind Mbed TLS: until the firmware hands it the static
 * buffer, every allocation fails instead of reaching a heap the device does not have. */
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG

/* With MBEDTLS_MEMORY_DEBUG the allocator reports heap corruption with fprintf(stderr, ...)
 * and then calls exit(1). The firmware has neither, so both go to its semihosting console
 * (firmware.h); the stream argument is dropped unevaluated, so stderr need not exist. */
void fw_alloc_fatal(const char *format, ...);
void fw_exit(int status);
#define MBEDTLS_PLATFORM_FPRINTF_MACRO(stream, ...) fw_alloc_fatal(__VA_ARGS__)
#define MBEDTLS_PLATFORM_EXIT_MACRO fw_exit
/* Only oid.c's OID-to-text helper formats text (X.509 uses it; the firmware does not, and
 * -gc-sections drops it); without a declaration it would not compile. */
int fw_snprintf(char *buffer, size_t size, const char *format, ...);
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO fw_snprintf

/* --- Big numbers -------------------------------------------------------------------------- */

#define MBEDTLS_BIGNUM_C
/* RSA-4096 is the largest key the core accepts, so no MPI ever needs more than 512 bytes;
 * the default (1024) only raises the size of temporaries. */
#define MBEDTLS_MPI_MAX_SIZE 512
/* Public exponents are small (65537 takes a 1-bit window); a large window only costs RAM for
 * the rare odd exponent. */
#ifndef MBEDTLS_MPI_WINDOW_SIZE
#define MBEDTLS_MPI_WINDOW_SIZE 2
#endif

/* --- Elliptic curves ---------------------------------------------------------------------- */

#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
/* Fast reduction modulo the NIST primes instead of generic big-number division. */
#define MBEDTLS_ECP_NIST_OPTIM
/* Verification handles no secret, so the blinding RNG (and a DRBG module) is not needed. */
#define MBEDTLS_ECP_NO_INTERNAL_RNG
/*
 * Comb window w: a precomputed table holds 2^(w-1) points. The port keeps each group loaded,
 * so the generator's table (built with w + 1, capped here) stays in the heap between
 * verifications; the public key's table is rebuilt on every call. Measured on the emulated
 * M4 (make ECP_WINDOW=w run; instructions per warm verify, heap with both groups cached):
 *   w  P-256   P-384   cached tables  heap peak
 *   2  25.2 M  48.0 M  1.5 KB         4.8 KB
 *   3  20.4 M  38.6 M  1.9 KB         5.4 KB
 *   4  18.2 M  34.7 M  3.6 KB         8.8 KB
 *   5  17.5 M  33.1 M  6.5 KB         15.0 KB
 * 4 is the knee: 5 saves 4% of the time for 6.2 KB more RAM; 3 saves 3.4 KB for 11% more.
 */
#ifndef MBEDTLS_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_WINDOW_SIZE 4
#endif
#ifndef MBEDTLS_ECP_FIXED_POINT_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1
#endif

#define MBEDTLS_ECDSA_C
/* The port walks the DER Ecdsa-Sig-Value with mbedtls_asn1_get_tag. */
#define MBEDTLS_ASN1_PARSE_C
/* Required by MBEDTLS_ECDSA_C (check_config.h) for signing, which the firmware never links;
 * -gc-sections drops it. */
#define MBEDTLS_ASN1_WRITE_C

/* --- RSA ---------------------------------------------------------------------------------- */

#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
/* PKCS#1 v1.5 verification rebuilds the DigestInfo, whose algorithm OID comes from here. */
#define MBEDTLS_OID_C

/* --- Hashes ------------------------------------------------------------------------------- */

#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
/* SHA-512 also provides SHA-384. */
#define MBEDTLS_SHA512_C
/* Rolled-up loops: 1.4 KB (SHA-256) and 2 KB (SHA-512) less flash, at some speed, which
 * matters little next to one signature check: certificates are short. */
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_SMALLER

#include "mbedtls/check_config.h"

#endif /* IOTCERT_FW_MBEDTLS_CONFIG_H */
