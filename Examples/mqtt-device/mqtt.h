/*
 * mqtt.h -- the MQTT 3.1.1 a sensor needs, and nothing more: CONNECT/CONNACK,
 * PUBLISH (QoS 0 and 1)/PUBACK, DISCONNECT. Portable C99, no allocation, no platform
 * code: the same file runs on the host and on the Cortex-M4 firmware.
 *
 * INTERFACE (what the platform supplies)
 *
 *     typedef struct mqtt_io {
 *         void *context;
 *         int (*send)(void *context, const uint8_t *data, size_t len, uint32_t timeout_ms);
 *         int (*recv)(void *context, uint8_t *data, size_t cap, uint32_t timeout_ms);
 *     } mqtt_io;
 *
 *   send: writes up to len bytes (len >= 1); returns how many (>= 1), or MQTT_IO_TIMEOUT
 *         when nothing could be written within timeout_ms, MQTT_IO_CLOSED, MQTT_IO_ERROR.
 *   recv: reads up to cap bytes (cap >= 1); returns how many (>= 1), or MQTT_IO_TIMEOUT
 *         when nothing arrived within timeout_ms, MQTT_IO_CLOSED when the peer closed the
 *         stream, MQTT_IO_ERROR.
 * Over TLS these wrap mbedtls_ssl_write / mbedtls_ssl_read (mqtt_tls.h does it for Mbed TLS).
 *
 * USE
 *
 *     static uint8_t buffer[512];
 *     mqtt_client c;
 *     mqtt_client_init(&c, &io, buffer, sizeof buffer, 5000);
 *     mqtt_connect_options o = { .client_id = "sensor-1", .client_id_len = 8,
 *                                .keep_alive_seconds = 60, .clean_session = 1 };
 *     int st = mqtt_connect(&c, &o);                       CONNECT, waits for CONNACK
 *     if (st == MQTT_OK) st = mqtt_publish(&c, "t", 1, data, n, 1);   QoS 1: waits PUBACK
 *     mqtt_disconnect(&c);
 *     if (st != MQTT_OK) log(mqtt_strerror(st));
 *
 * BOUNDS
 *
 * Every wait is bounded: each send/recv call gets `timeout_ms`, and one packet may take at
 * most MQTT_IO_CALLS_MAX calls, so a peer that trickles a byte at a time cannot hold the
 * device for more than MQTT_IO_CALLS_MAX * timeout_ms. A packet larger than the caller's
 * buffer is refused (MQTT_ERR_TOO_LARGE) before it is read; a remaining length of more than
 * four bytes, reserved flags, or a body that disagrees with its type is MQTT_ERR_MALFORMED.
 * The buffer holds one packet at a time: the one being sent or the one being received.
 *
 * Not supported (a device that publishes does not need them): QoS 2, SUBSCRIBE, will
 * messages, user name and password (the device authenticates with its TLS certificate).
 * An incoming PUBLISH or PINGRESP while a CONNACK or PUBACK is awaited is skipped.
 */
#ifndef IOTCERT_EXAMPLE_MQTT_H
#define IOTCERT_EXAMPLE_MQTT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What mqtt_io's send and recv return instead of a byte count. */
#define MQTT_IO_TIMEOUT (-1)
#define MQTT_IO_CLOSED (-2)
#define MQTT_IO_ERROR (-3)

/* Status codes of the functions below. */
#define MQTT_OK 0
/** A NULL pointer, an empty client identifier or topic, a QoS other than 0 or 1. */
#define MQTT_ERR_ARGUMENT 1
/** The packet to send does not fit the caller's buffer. */
#define MQTT_ERR_BUFFER 2
/** The peer sent or accepted nothing within the timeout. */
#define MQTT_ERR_TIMEOUT 3
/** The peer closed the connection. */
#define MQTT_ERR_CLOSED 4
/** The transport failed. */
#define MQTT_ERR_IO 5
/** A packet that breaks MQTT 3.1.1's encoding (remaining length, flags, body). */
#define MQTT_ERR_MALFORMED 6
/** A packet larger than the caller's buffer. */
#define MQTT_ERR_TOO_LARGE 7
/** A packet the protocol does not allow here (a CONNACK answered by something else). */
#define MQTT_ERR_UNEXPECTED 8
/** The broker refused the connection: mqtt_client.connack_code says why (1..5). */
#define MQTT_ERR_REFUSED 9
/** A PUBACK for a packet identifier that was not sent. */
#define MQTT_ERR_PACKET_ID 10
/** Not enough bytes yet to decode (the decoders only; never returned by the session). */
#define MQTT_ERR_INCOMPLETE 11

/* A remaining length is at most four bytes of seven bits (MQTT 3.1.1, 2.2.3). */
#define MQTT_REMAINING_LENGTH_BYTES_MAX 4
/* send/recv calls one packet may take: bounds the time a trickling peer can hold us. */
#define MQTT_IO_CALLS_MAX 64
/* Packets skipped while one reply is awaited (PUBLISH, PINGRESP): bounds a chatty peer. */
#define MQTT_SKIPPED_MAX 8

/* Packet types (the high nibble of the first byte). */
#define MQTT_CONNECT 1
#define MQTT_CONNACK 2
#define MQTT_PUBLISH 3
#define MQTT_PUBACK 4
#define MQTT_PINGRESP 13
#define MQTT_DISCONNECT 14

typedef struct mqtt_io {
    void *context;
    int (*send)(void *context, const uint8_t *data, size_t len, uint32_t timeout_ms);
    int (*recv)(void *context, uint8_t *data, size_t cap, uint32_t timeout_ms);
} mqtt_io;

typedef struct mqtt_connect_options {
    const char *client_id;          /* 1..65,535 bytes; brokers must accept 1..23 */
    size_t client_id_len;
    uint16_t keep_alive_seconds;    /* 0: no keep-alive */
    int clean_session;              /* 1: start a fresh session */
} mqtt_connect_options;

typedef struct mqtt_client {
    mqtt_io io;                     /* do not touch after init */
    uint8_t *buffer;                /* do not touch after init */
    size_t capacity;
    uint32_t timeout_ms;
    uint16_t next_packet_id;
    uint8_t connack_code;           /* the broker's CONNACK return code (0 accepted) */
    uint8_t session_present;
} mqtt_client;

/* Binds `client` to `io` and `buffer` (caller-owned, used by every later call). */
void mqtt_client_init(mqtt_client *client, const mqtt_io *io, uint8_t *buffer, size_t capacity,
                      uint32_t timeout_ms);

/* Sends CONNECT and waits for the CONNACK. MQTT_OK when the broker accepted. */
int mqtt_connect(mqtt_client *client, const mqtt_connect_options *options);

/* Sends PUBLISH; with qos 1 waits for the PUBACK of its packet identifier. */
int mqtt_publish(mqtt_client *client, const char *topic, size_t topic_len,
                 const uint8_t *payload, size_t payload_len, int qos);

/* Sends DISCONNECT (the broker then discards a will; the caller closes the transport). */
int mqtt_disconnect(mqtt_client *client);

/* A short description of a status code; never NULL. */
const char *mqtt_strerror(int status);

/* ---- the codec, for tests and for other transports ------------------------------------- */

/* Encodes CONNECT into out[0..cap); *len receives its length. */
int mqtt_encode_connect(uint8_t *out, size_t cap, const mqtt_connect_options *options,
                        size_t *len);

/* Encodes PUBLISH (qos 0: packet_id unused). */
int mqtt_encode_publish(uint8_t *out, size_t cap, const char *topic, size_t topic_len,
                        const uint8_t *payload, size_t payload_len, int qos,
                        uint16_t packet_id, size_t *len);

/* Encodes DISCONNECT (two bytes). */
int mqtt_encode_disconnect(uint8_t *out, size_t cap, size_t *len);

/*
 * Decodes a fixed header from in[0..len): the first byte, the remaining length and the
 * header's own length (2..5). MQTT_ERR_INCOMPLETE when more bytes are needed,
 * MQTT_ERR_MALFORMED for a remaining length over four bytes or not minimally encoded.
 */
int mqtt_decode_fixed_header(const uint8_t *in, size_t len, uint8_t *first,
                             uint32_t *remaining, size_t *header_len);

/* Decodes a CONNACK's first byte and body (MQTT 3.1.1, 3.2). */
int mqtt_decode_connack(uint8_t first, const uint8_t *body, size_t len,
                        uint8_t *session_present, uint8_t *code);

/* Decodes a PUBACK's first byte and body (3.4). */
int mqtt_decode_puback(uint8_t first, const uint8_t *body, size_t len, uint16_t *packet_id);

#ifdef __cplusplus
}
#endif

#endif /* IOTCERT_EXAMPLE_MQTT_H */
