/*
 * device.h -- what a sensor does when it reports: one mutual-TLS connection to its MQTT
 * broker, in which iotcert verifies the broker's chain and the device presents its own
 * chain from its trust bundle, then MQTT CONNECT, one PUBLISH (QoS 1), DISCONNECT.
 * Portable C99 over Mbed TLS 2.28's SSL module; the platform supplies the transport, the
 * random generator and the device's key. The host program (host_device.c) and the
 * Cortex-M4 firmware both call device_report_once().
 *
 * INTERFACE (what the platform supplies, in device_config)
 *
 *   bio, send, recv_timeout   Mbed TLS's transport callbacks (mbedtls_ssl_set_bio): on the
 *                             host mbedtls_net_send / mbedtls_net_recv_timeout; on
 *                             firmware, lwIP wrappers. recv_timeout must wait at most its
 *                             timeout and then return MBEDTLS_ERR_SSL_TIMEOUT.
 *   rng, rng_context          Mbed TLS's random generator (mbedtls_ctr_drbg_random).
 *   key                       the device's private key (kept out of the bundle, which is
 *                             public).
 *   trust                     the device's trust, opened from its bundle (from the store);
 *                             its device chain is what the device presents.
 *   broker_name               the broker's DNS name: SNI and iotcert's expected peer.
 *   time                      now, seconds since 1970 (0 with IOTCERT_FLAG_TIME_UNKNOWN in
 *                             flags: the bundle's build time is the floor).
 *   timeout_ms                every wait: handshake reads, MQTT replies.
 *   workspace, workspace_len  iotcert's workspace (IOTCERT_WORKSPACE_BYTES(8)).
 *   memo, memo_len            optional (NULL/0): a signature memo (iotcert_memo_init) kept
 *                             across reports, so that reconnecting to the same broker
 *                             re-checks everything but the elliptic-curve math.
 *   buffer, buffer_len        MQTT's packet buffer (a packet at a time).
 *
 * Everything lives in device_session, which the caller allocates (static on firmware).
 */
#ifndef IOTCERT_EXAMPLE_DEVICE_H
#define IOTCERT_EXAMPLE_DEVICE_H

#include "iotcert.h"
#include "iotcert_mbedtls_ssl.h"
#include "mqtt.h"

#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the report stopped (device_result.stage). */
#define DEVICE_STAGE_SETUP 1     /* configuring TLS: see tls_error */
#define DEVICE_STAGE_HANDSHAKE 2 /* the TLS handshake: see tls_error and check.status */
#define DEVICE_STAGE_MQTT 3      /* MQTT: see mqtt_status */
#define DEVICE_STAGE_DONE 4      /* published and acknowledged */

/* What device_report_once() returns. */
#define DEVICE_OK 0
#define DEVICE_ERR_SETUP 1    /* Mbed TLS configuration failed, or no device chain */
#define DEVICE_ERR_REFUSED 2  /* iotcert refused the broker (check.status says why) */
#define DEVICE_ERR_TLS 3      /* the handshake failed otherwise (e.g. the broker refused
                                 the device's certificate: an alert) */
#define DEVICE_ERR_MQTT 4     /* an MQTT failure after the handshake (mqtt_status) */

typedef struct device_config {
    void *bio;
    mbedtls_ssl_send_t *send;
    mbedtls_ssl_recv_timeout_t *recv_timeout;
    int (*rng)(void *context, unsigned char *out, size_t len);
    void *rng_context;
    mbedtls_pk_context *key;
    const iotcert_trust *trust;
    const char *broker_name;
    int64_t time;
    uint32_t flags;                 /* IOTCERT_FLAG_* */
    uint32_t timeout_ms;
    void *workspace;
    size_t workspace_len;
    void *memo;
    size_t memo_len;
    uint8_t *buffer;
    size_t buffer_len;
    const char *client_id;
    const char *topic;
    const uint8_t *payload;
    size_t payload_len;
} device_config;

typedef struct device_session {
    mbedtls_ssl_config conf;        /* do not touch */
    mbedtls_ssl_context ssl;        /* do not touch */
    mbedtls_x509_crt own_chain;     /* do not touch: points into the bundle */
    /* The outcome. */
    int stage;                      /* DEVICE_STAGE_* reached */
    int tls_error;                  /* Mbed TLS's error code (0 when none) */
    int mqtt_status;                /* MQTT_* */
    uint8_t connack_code;
    iotcert_mbedtls_check check;    /* iotcert's verdict on the broker */
} device_session;

/* Connects, publishes once, disconnects; fills `session` (see DEVICE_ERR_*). Frees all
 * Mbed TLS state before returning; the transport stays the caller's to close. */
int device_report_once(const device_config *config, device_session *session);

/* An mqtt_io over an established Mbed TLS connection: mbedtls_ssl_write/read, whose read
 * timeout is the configuration's (mbedtls_ssl_conf_read_timeout). */
void device_mqtt_io(mqtt_io *io, mbedtls_ssl_context *ssl);

#ifdef __cplusplus
}
#endif

#endif /* IOTCERT_EXAMPLE_DEVICE_H */
