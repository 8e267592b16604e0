/*
 * mbedtls_config_p256m.h -- Mbed TLS 2.28 configuration of the PORT=p256m firmware.
 *
 * The heap-free P-256 port (Sources/IoTCertP256m) takes one thing from Mbed TLS: SHA-256.
 * The elliptic-curve math is p256-m's, so no bignum, ECP, ECDSA, RSA, MD, OID, platform or
 * allocator module is built, and nothing here ever allocates. platform_util.c is compiled for
 * mbedtls_platform_zeroize, which sha256.c and p256-m use to wipe their state.
 *
 * Selected with -DMBEDTLS_CONFIG_FILE='"mbedtls_config_p256m.h"' by the Makefile.
 */
#ifndef IOTCERT_FW_MBEDTLS_CONFIG_P256M_H
#define IOTCERT_FW_MBEDTLS_CONFIG_P256M_H

#define MBEDTLS_SHA256_C
/* Rolled-up loops: 1.4 KB less flash for a few percent of hashing time, which is small next
 * to one signature check (certificates are short). */
#define MBEDTLS_SHA256_SMALLER

#include "mbedtls/check_config.h"

#endif /* IOTCERT_FW_MBEDTLS_CONFIG_P256M_H */
