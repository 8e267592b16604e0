/*
 * psa/crypto.h -- the one declaration p256-m.c takes from Mbed TLS 3.6's PSA header.
 *
 * p256-m (Mbed TLS 3.6, 3rdparty/p256-m) is written as a PSA driver and includes this header
 * for psa_generate_random, which only its key generation and signing use. The port verifies
 * and nothing else, so it links none of PSA: iotcert_port_p256m.c defines the function, and it
 * always fails. This directory comes first on the include path of p256-m.c alone.
 */
#ifndef IOTCERT_P256M_SHIM_PSA_CRYPTO_H
#define IOTCERT_P256M_SHIM_PSA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t psa_status_t;

psa_status_t psa_generate_random(uint8_t *output, size_t output_size);

#endif
