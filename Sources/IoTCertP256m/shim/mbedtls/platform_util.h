/*
 * mbedtls/platform_util.h -- what p256-m.c takes from Mbed TLS's platform layer: the
 * zeroization that the compiler may not optimise away. Mbed TLS 2.28's platform_util.c
 * provides it (the host's libmbedcrypto, the firmware's own build of that file), so this
 * header only declares it, with 2.28's signature, instead of pulling in 3.6's configuration.
 */
#ifndef IOTCERT_P256M_SHIM_PLATFORM_UTIL_H
#define IOTCERT_P256M_SHIM_PLATFORM_UTIL_H

#include <stddef.h>

void mbedtls_platform_zeroize(void *buf, size_t len);

#endif
