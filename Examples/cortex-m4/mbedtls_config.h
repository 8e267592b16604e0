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
/* Public exponents are small: 65537 takes a 1-bit window whatever the maximum, and the port
 * refuses exponents above 32 bits. A larger maximum only sizes exp_mod's table of windows on
 * the stack (measured: 2 costs 40 bytes more in the RSA case, for no instruction saved). */
#ifndef MBEDTLS_MPI_WINDOW_SIZE
#define MBEDTLS_MPI_WINDOW_SIZE 1
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
 * RAM against time. A verification multiplies the generator and the public key by a scalar
 * with the comb method; window w means a table of 2^(w-1) points, built on the heap.
 * MBEDTLS_ECP_FIXED_POINT_OPTIM 1 builds the generator's table with w + 1 and keeps it in the
 * group, which the port keeps loaded: faster from the second verification on, but the tables
 * of both curves then stay in the heap under every later verification, RSA ones included.
 * Measured on the emulated M4 (make run ECP_WINDOW=w ECP_FIXED=f; instructions for the whole
 * basic-p256 and basic-p384 chains, two signatures each; RAM of one verification as main.c
 * counts it, max over the ECDSA cases and for the RSA-2048 case, addtrust-both-anchors):
 *   w  fixed  P-256 first  P-256 warm  P-384    RAM, ECDSA  RAM, RSA  heap peak
 *   4  1      43.70 M      36.64 M     83.07 M  12,148      12,000    8,880
 *   3  1      46.99 M      40.77 M     89.26 M   9,000      10,480    7,360
 *   2  1      55.08 M      50.12 M    105.40 M   8,260       9,960    6,840
 *   4  0      50.81 M      50.81 M     96.40 M   8,960       8,524    5,460
 *   3  0      53.17 M      53.17 M    101.25 M   7,244       8,524    5,404
 *   2  0      59.68 M      59.68 M    114.46 M   7,028       8,524    5,404
 * (MPI window 2 in these rows; 1 takes 40 bytes off the RSA case.) The general build's
 * target is 8,000 bytes for every case: 3 without the kept table is the fastest setting
 * that meets it for every ECDSA case, 21% more instructions than 4 with it for a first P-256
 * verification, 45% for a warm one, 22% for P-384. The RSA-2048 column is the same in every
 * row without the kept tables: its 5.4 KB of heap was Mbed TLS's bignum division computing
 * R^2 mod n, beyond any ECP setting. The port now computes R^2 mod n itself without a
 * division (rsa_radix_squared in Sources/IoTCertMbedTLS): with 3 and 0 the RSA-2048 case
 * takes 2,972 bytes of heap and 6,004 of RAM, for 2 M more instructions a signature, and
 * basic-p384 (7,244) is the general build's largest. A device that needs the speed more
 * than the RAM (the TLS device of Examples/cortex-m4-net) sets 4 and 1 before including this
 * file.
 */
#ifndef MBEDTLS_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_WINDOW_SIZE 3
#endif
#ifndef MBEDTLS_ECP_FIXED_POINT_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
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
