/*
 * transport.h -- what the device's TLS client needs from this platform: Mbed TLS's transport
 * callbacks over lwIP's TCP connection, and its random generator seeded from the device's
 * entropy source. Examples/mqtt-device/device.c does the rest (the same code as on the host).
 *
 * The time spent waiting for the broker is counted (transport_wait_ticks), so that a run can
 * report the instructions the device itself spent on a handshake.
 */
#ifndef IOTCERT_FW_TRANSPORT_H
#define IOTCERT_FW_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"

typedef struct transport_rng {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
} transport_rng;

/* Adds the device's entropy source and seeds the DRBG; 0 or an Mbed TLS error. */
int transport_rng_seed(transport_rng *rng);

/* mbedtls_ssl_send_t and mbedtls_ssl_recv_timeout_t over fw_tcp_* (net.h); `context` is
 * unused (one connection). recv waits at most `timeout_ms`, then MBEDTLS_ERR_SSL_TIMEOUT. */
int transport_send(void *context, const unsigned char *data, size_t length);
int transport_recv_timeout(void *context, unsigned char *data, size_t length,
                           uint32_t timeout_ms);

/* SysTick ticks spent in transport_recv_timeout waiting for bytes, since start-up. */
uint64_t transport_wait_ticks(void);
/* The transport's last failure (NET_ERR_*), 0 if none. */
int transport_error(void);

#endif /* IOTCERT_FW_TRANSPORT_H */
