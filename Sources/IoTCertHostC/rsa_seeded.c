/* Deterministic RSA key generation for demonstration PKIs (`iotcert gen --seed`): Mbed TLS's
 * own prime search, fed by SHA-256 in counter mode over the seed instead of an entropy
 * source. A big-number library in Swift took minutes per key in a debug build; this takes a
 * fraction of a second. Not for real keys: the seed is the whole secret. */

#include "iotcert_host.h"

#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>
#include <string.h>

/* SHA-256(seed || counter) blocks, handed out in order. */
struct seeded_stream {
    const uint8_t *seed;
    size_t seed_len;
    uint64_t counter;
    uint8_t block[32];
    size_t used;
};

static int next_block(struct seeded_stream *s) {
    uint8_t counter[8];
    mbedtls_sha256_context sha;
    int ret;
    for (int i = 0; i < 8; i++) counter[i] = (uint8_t)(s->counter >> (8 * i));
    s->counter++;
    mbedtls_sha256_init(&sha);
    ret = mbedtls_sha256_starts_ret(&sha, 0);
    if (ret == 0) ret = mbedtls_sha256_update_ret(&sha, s->seed, s->seed_len);
    if (ret == 0) ret = mbedtls_sha256_update_ret(&sha, counter, sizeof counter);
    if (ret == 0) ret = mbedtls_sha256_finish_ret(&sha, s->block);
    mbedtls_sha256_free(&sha);
    s->used = 0;
    return ret;
}

/* The f_rng Mbed TLS calls for candidates and Miller-Rabin witnesses. */
static int seeded_random(void *context, unsigned char *out, size_t len) {
    struct seeded_stream *s = context;
    while (len > 0) {
        if (s->used == sizeof s->block) {
            int ret = next_block(s);
            if (ret != 0) return ret;
        }
        size_t n = sizeof s->block - s->used;
        if (n > len) n = len;
        memcpy(out, s->block + s->used, n);
        s->used += n;
        out += n;
        len -= n;
    }
    return 0;
}

int iotcert_host_rsa_from_seed(const uint8_t *seed, size_t seed_len, unsigned bits,
                               uint8_t *n, uint8_t *d, uint8_t *p, uint8_t *q) {
    struct seeded_stream stream = {seed, seed_len, 0, {0}, sizeof stream.block};
    mbedtls_rsa_context rsa;
    int ret;
    mbedtls_rsa_init(&rsa, MBEDTLS_RSA_PKCS_V15, 0);
    ret = mbedtls_rsa_gen_key(&rsa, seeded_random, &stream, bits, 65537);
    if (ret == 0) {
        ret = mbedtls_rsa_export_raw(&rsa, n, bits / 8, p, bits / 16, q, bits / 16,
                                     d, bits / 8, NULL, 0);
    }
    mbedtls_rsa_free(&rsa);
    return ret;
}
