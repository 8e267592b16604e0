/*
 * iotcert_port_sha256.h -- the part of iotcert_port_hash that both C ports share: checking the
 * chunk list, and SHA-256 over it with Mbed TLS 2.28's sha256.c. Included by
 * iotcert_port_mbedtls.c and by Sources/IoTCertP256m/iotcert_port_p256m.c (which takes nothing
 * else from Mbed TLS); its functions are static, so each port gets its own copy.
 */
#ifndef IOTCERT_PORT_SHA256_H
#define IOTCERT_PORT_SHA256_H

#include "iotcert_port.h"

#include "mbedtls/sha256.h"

/* Rejects what only a caller's bug produces, before any hashing starts. */
static int chunks_valid(const iotcert_port_chunk *chunks, size_t count, const uint8_t *out)
{
    size_t i;

    if (out == NULL || (chunks == NULL && count > 0)) {
        return 0;
    }
    for (i = 0; i < count; i++) {
        if (chunks[i].data == NULL && chunks[i].len > 0) {
            return 0;
        }
    }
    return 1;
}

/*
 * The *_ret functions of 2.28 return non-zero only for alternative (hardware)
 * implementations that fail: a platform fault.
 */
static int hash_sha256(const iotcert_port_chunk *chunks, size_t count, uint8_t *out)
{
    mbedtls_sha256_context ctx;
    size_t i;
    int ret;

    mbedtls_sha256_init(&ctx);
    ret = mbedtls_sha256_starts_ret(&ctx, 0);
    for (i = 0; ret == 0 && i < count; i++) {
        if (chunks[i].len > 0) {
            ret = mbedtls_sha256_update_ret(&ctx, chunks[i].data, chunks[i].len);
        }
    }
    if (ret == 0) {
        ret = mbedtls_sha256_finish_ret(&ctx, out);
    }
    mbedtls_sha256_free(&ctx);
    return ret == 0 ? IOTCERT_PORT_OK : IOTCERT_PORT_FAILURE;
}

#endif /* IOTCERT_PORT_SHA256_H */
