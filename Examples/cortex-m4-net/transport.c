/*
 * transport.c -- Mbed TLS's transport and random generator on the device (see transport.h).
 */
#include "transport.h"

#include "firmware.h"
#include "mbedtls/net_sockets.h" /* its error codes only */
#include "mbedtls/ssl.h"
#include "net.h"

/*
 * The device's entropy source. A real device feeds its hardware TRNG here (on an STM32 the
 * RNG peripheral's data register, on a Nordic part the RNG task), and only that: the DRBG,
 * and with it every ECDHE key and ECDSA nonce, depends on it. The emulated board has no
 * TRNG, so this fills requests from a fixed-seed xorshift stream: reproducible runs, and
 * keys that anybody could predict. Never ship it.
 */
#define ENTROPY_SEED 0x9E3779B97F4A7C15ull
/* Bytes the source must supply before the DRBG is seeded (a full-entropy 256-bit seed). */
#define ENTROPY_THRESHOLD 32u

static int emulator_entropy(void *context, unsigned char *output, size_t length,
                            size_t *produced)
{
    static uint64_t state = ENTROPY_SEED;
    (void)context;
    for (size_t i = 0; i < length; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        output[i] = (unsigned char)(state >> 32);
    }
    *produced = length;
    return 0;
}

int transport_rng_seed(transport_rng *rng)
{
    static const unsigned char personalization[] = "iotcert-mqtt-device";
    mbedtls_entropy_init(&rng->entropy);
    mbedtls_ctr_drbg_init(&rng->drbg);
    int ret = mbedtls_entropy_add_source(&rng->entropy, emulator_entropy, NULL,
                                         ENTROPY_THRESHOLD, MBEDTLS_ENTROPY_SOURCE_STRONG);
    if (ret == 0) {
        ret = mbedtls_ctr_drbg_seed(&rng->drbg, mbedtls_entropy_func, &rng->entropy,
                                    personalization, sizeof personalization - 1);
    }
    return ret;
}

static uint64_t wait_ticks;
static int last_error;

uint64_t transport_wait_ticks(void)
{
    return wait_ticks;
}

int transport_error(void)
{
    return last_error;
}

/* lwIP queues what fits its send buffer; the rest waits for ACKs, which only polling brings
 * in. The send deadline bounds a peer that stops acknowledging. */
#define SEND_TIMEOUT_MS 10000u

int transport_send(void *context, const unsigned char *data, size_t length)
{
    (void)context;
    uint32_t start = fw_net_now_ms();
    for (;;) {
        int n = fw_tcp_send(data, length);
        if (n > 0) {
            return n;
        }
        if (n != NET_WOULD_BLOCK) {
            last_error = n;
            return n == NET_ERR_REFUSED ? MBEDTLS_ERR_NET_CONN_RESET
                                        : MBEDTLS_ERR_NET_SEND_FAILED;
        }
        if (fw_net_now_ms() - start > SEND_TIMEOUT_MS) {
            last_error = NET_ERR_TIMEOUT;
            return MBEDTLS_ERR_NET_SEND_FAILED;
        }
    }
}

int transport_recv_timeout(void *context, unsigned char *data, size_t length,
                           uint32_t timeout_ms)
{
    (void)context;
    int n = fw_tcp_recv(data, length);
    if (n == NET_WOULD_BLOCK) {
        uint64_t before = fw_ticks_now();
        int waiting = fw_tcp_wait_readable(timeout_ms);
        wait_ticks += fw_ticks_now() - before;
        if (waiting == NET_ERR_TIMEOUT) {
            return MBEDTLS_ERR_SSL_TIMEOUT;
        }
        n = fw_tcp_recv(data, length);
    }
    if (n > 0) {
        return n;
    }
    if (n == NET_ERR_CLOSED) {
        return 0; /* end of stream: Mbed TLS reports MBEDTLS_ERR_SSL_CONN_EOF */
    }
    last_error = n;
    return n == NET_ERR_REFUSED ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}
