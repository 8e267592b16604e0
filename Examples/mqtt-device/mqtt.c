/*
 * mqtt.c -- MQTT 3.1.1 CONNECT / PUBLISH / DISCONNECT for a device (see mqtt.h).
 * Section numbers refer to the OASIS MQTT 3.1.1 specification.
 */
#include "mqtt.h"

#include <string.h>

/* The largest value four remaining-length bytes can carry (2.2.3). */
#define REMAINING_LENGTH_MAX 268435455u
/* Strings are prefixed with a two-byte length (1.5.3). */
#define STRING_MAX 65535u

/* ---- encoding ------------------------------------------------------------------------- */

/* Bytes the remaining length `n` takes (n <= REMAINING_LENGTH_MAX). */
static size_t remaining_length_size(size_t n)
{
    return n < 128u ? 1u : n < 16384u ? 2u : n < 2097152u ? 3u : 4u;
}

/* Writes a fixed header; returns its length. `out` has room (checked by the caller). */
static size_t put_fixed_header(uint8_t *out, uint8_t first, size_t remaining)
{
    size_t i = 0;
    out[i++] = first;
    do {
        uint8_t digit = (uint8_t)(remaining % 128u);
        remaining /= 128u;
        out[i++] = (uint8_t)(digit | (remaining > 0 ? 0x80u : 0u));
    } while (remaining > 0);
    return i;
}

/* Checks that a packet of `remaining` body bytes fits `cap`; sets *total. */
static int fits(size_t remaining, size_t cap, size_t *total)
{
    if (remaining > REMAINING_LENGTH_MAX) {
        return MQTT_ERR_BUFFER;
    }
    size_t need = 1u + remaining_length_size(remaining) + remaining;
    if (need > cap) {
        return MQTT_ERR_BUFFER;
    }
    *total = need;
    return MQTT_OK;
}

static size_t put_u16(uint8_t *out, size_t n)
{
    out[0] = (uint8_t)(n >> 8);
    out[1] = (uint8_t)n;
    return 2;
}

static size_t put_string(uint8_t *out, const void *s, size_t n)
{
    put_u16(out, n);
    memcpy(out + 2, s, n);
    return 2 + n;
}

/* CONNECT (3.1): protocol name "MQTT", level 4, flags, keep-alive, client identifier. */
int mqtt_encode_connect(uint8_t *out, size_t cap, const mqtt_connect_options *o, size_t *len)
{
    if (out == NULL || o == NULL || len == NULL || o->client_id == NULL ||
        o->client_id_len == 0 || o->client_id_len > STRING_MAX) {
        return MQTT_ERR_ARGUMENT;
    }
    size_t remaining = 10u + 2u + o->client_id_len, total;
    int st = fits(remaining, cap, &total);
    if (st != MQTT_OK) {
        return st;
    }
    size_t i = put_fixed_header(out, (uint8_t)(MQTT_CONNECT << 4), remaining);
    i += put_string(out + i, "MQTT", 4);
    out[i++] = 4;                                   /* protocol level 3.1.1 */
    out[i++] = o->clean_session ? 0x02u : 0x00u;    /* no will, user name or password */
    i += put_u16(out + i, o->keep_alive_seconds);
    i += put_string(out + i, o->client_id, o->client_id_len);
    *len = i;
    return MQTT_OK;
}

/* PUBLISH (3.3): topic name, packet identifier when QoS > 0, payload. */
int mqtt_encode_publish(uint8_t *out, size_t cap, const char *topic, size_t topic_len,
                        const uint8_t *payload, size_t payload_len, int qos,
                        uint16_t packet_id, size_t *len)
{
    if (out == NULL || topic == NULL || len == NULL || topic_len == 0 ||
        topic_len > STRING_MAX || (payload == NULL && payload_len > 0) ||
        (qos != 0 && qos != 1) || (qos == 1 && packet_id == 0)) {
        return MQTT_ERR_ARGUMENT;
    }
    /* Wildcards are for subscriptions only (4.7.1). */
    if (memchr(topic, '+', topic_len) != NULL || memchr(topic, '#', topic_len) != NULL) {
        return MQTT_ERR_ARGUMENT;
    }
    if (payload_len > REMAINING_LENGTH_MAX) {
        return MQTT_ERR_BUFFER;
    }
    size_t remaining = 2u + topic_len + (qos ? 2u : 0u) + payload_len, total;
    int st = fits(remaining, cap, &total);
    if (st != MQTT_OK) {
        return st;
    }
    size_t i = put_fixed_header(out, (uint8_t)(MQTT_PUBLISH << 4 | qos << 1), remaining);
    i += put_string(out + i, topic, topic_len);
    if (qos) {
        i += put_u16(out + i, packet_id);
    }
    if (payload_len > 0) {
        memcpy(out + i, payload, payload_len);
    }
    *len = i + payload_len;
    return MQTT_OK;
}

int mqtt_encode_disconnect(uint8_t *out, size_t cap, size_t *len)
{
    if (out == NULL || len == NULL) {
        return MQTT_ERR_ARGUMENT;
    }
    if (cap < 2) {
        return MQTT_ERR_BUFFER;
    }
    *len = put_fixed_header(out, (uint8_t)(MQTT_DISCONNECT << 4), 0);
    return MQTT_OK;
}

/* ---- decoding ------------------------------------------------------------------------- */

int mqtt_decode_fixed_header(const uint8_t *in, size_t len, uint8_t *first,
                             uint32_t *remaining, size_t *header_len)
{
    if (in == NULL || first == NULL || remaining == NULL || header_len == NULL) {
        return MQTT_ERR_ARGUMENT;
    }
    uint32_t value = 0;
    for (size_t k = 0; k < MQTT_REMAINING_LENGTH_BYTES_MAX; k++) {
        if (1 + k >= len) {
            return MQTT_ERR_INCOMPLETE;
        }
        uint8_t digit = in[1 + k];
        /* A zero continuation byte after the first adds nothing: not the shortest form. */
        if (k > 0 && digit == 0) {
            return MQTT_ERR_MALFORMED;
        }
        value |= (uint32_t)(digit & 0x7fu) << (7 * k);
        if ((digit & 0x80u) == 0) {
            *first = in[0];
            *remaining = value;
            *header_len = 2 + k;
            return MQTT_OK;
        }
    }
    return MQTT_ERR_MALFORMED; /* a fifth length byte */
}

/* CONNACK (3.2): flags 0, remaining length 2, acknowledge flags, return code 0..5. */
int mqtt_decode_connack(uint8_t first, const uint8_t *body, size_t len,
                        uint8_t *session_present, uint8_t *code)
{
    if (body == NULL || session_present == NULL || code == NULL) {
        return MQTT_ERR_ARGUMENT;
    }
    if (first >> 4 != MQTT_CONNACK) {
        return MQTT_ERR_UNEXPECTED;
    }
    if ((first & 0x0fu) != 0 || len != 2 || (body[0] & 0xfeu) != 0 || body[1] > 5 ||
        (body[1] != 0 && body[0] != 0)) {
        return MQTT_ERR_MALFORMED;
    }
    *session_present = body[0];
    *code = body[1];
    return MQTT_OK;
}

/* PUBACK (3.4): flags 0, remaining length 2, the packet identifier. */
int mqtt_decode_puback(uint8_t first, const uint8_t *body, size_t len, uint16_t *packet_id)
{
    if (body == NULL || packet_id == NULL) {
        return MQTT_ERR_ARGUMENT;
    }
    if (first >> 4 != MQTT_PUBACK) {
        return MQTT_ERR_UNEXPECTED;
    }
    if ((first & 0x0fu) != 0 || len != 2) {
        return MQTT_ERR_MALFORMED;
    }
    *packet_id = (uint16_t)(body[0] << 8 | body[1]);
    return *packet_id == 0 ? MQTT_ERR_MALFORMED : MQTT_OK;
}

/* ---- the session ---------------------------------------------------------------------- */

void mqtt_client_init(mqtt_client *c, const mqtt_io *io, uint8_t *buffer, size_t capacity,
                      uint32_t timeout_ms)
{
    if (c == NULL) {
        return;
    }
    memset(c, 0, sizeof *c);
    if (io != NULL) {
        c->io = *io;
    }
    c->buffer = buffer;
    c->capacity = capacity;
    c->timeout_ms = timeout_ms;
    c->next_packet_id = 1;
}

static int io_status(int ret)
{
    return ret == MQTT_IO_TIMEOUT ? MQTT_ERR_TIMEOUT
         : ret == MQTT_IO_CLOSED ? MQTT_ERR_CLOSED : MQTT_ERR_IO;
}

static int usable(const mqtt_client *c)
{
    return c != NULL && c->buffer != NULL && c->io.send != NULL && c->io.recv != NULL;
}

/* Sends buffer[0..len), in as many calls as the transport needs, at most MQTT_IO_CALLS_MAX. */
static int send_all(mqtt_client *c, size_t len)
{
    size_t done = 0;
    for (int calls = 0; done < len; calls++) {
        if (calls == MQTT_IO_CALLS_MAX) {
            return MQTT_ERR_TIMEOUT;
        }
        int n = c->io.send(c->io.context, c->buffer + done, len - done, c->timeout_ms);
        if (n <= 0 || (size_t)n > len - done) {
            return n <= 0 ? io_status(n) : MQTT_ERR_IO;
        }
        done += (size_t)n;
    }
    return MQTT_OK;
}

/* Reads exactly buffer[at..at+len), spending the packet's budget of calls. */
static int recv_exactly(mqtt_client *c, size_t at, size_t len, int *calls)
{
    size_t done = 0;
    while (done < len) {
        if ((*calls)++ == MQTT_IO_CALLS_MAX) {
            return MQTT_ERR_TIMEOUT;
        }
        int n = c->io.recv(c->io.context, c->buffer + at + done, len - done, c->timeout_ms);
        if (n <= 0 || (size_t)n > len - done) {
            return n <= 0 ? io_status(n) : MQTT_ERR_IO;
        }
        done += (size_t)n;
    }
    return MQTT_OK;
}

/*
 * Reads one packet into the buffer: the fixed header a byte at a time (so nothing of the
 * next packet is consumed), then the body, refused before reading when it cannot fit.
 */
static int recv_packet(mqtt_client *c, uint8_t *first, size_t *body_at, uint32_t *body_len)
{
    int calls = 0;
    size_t have = 0;
    if (c->capacity < 1 + MQTT_REMAINING_LENGTH_BYTES_MAX) {
        return MQTT_ERR_BUFFER;
    }
    for (;;) {
        int st = recv_exactly(c, have, 1, &calls);
        if (st != MQTT_OK) {
            return st;
        }
        have++;
        size_t header_len;
        st = mqtt_decode_fixed_header(c->buffer, have, first, body_len, &header_len);
        if (st == MQTT_ERR_INCOMPLETE) {
            continue;
        }
        if (st != MQTT_OK) {
            return st;
        }
        if (*body_len > c->capacity - header_len) {
            return MQTT_ERR_TOO_LARGE;
        }
        *body_at = header_len;
        return recv_exactly(c, header_len, *body_len, &calls);
    }
}

/*
 * Waits for a packet of type `want`, skipping at most MQTT_SKIPPED_MAX PUBLISH or PINGRESP
 * packets that may arrive first. Anything else is MQTT_ERR_UNEXPECTED.
 */
static int await(mqtt_client *c, int want, uint8_t *first, size_t *body_at, uint32_t *len)
{
    for (int skipped = 0; skipped <= MQTT_SKIPPED_MAX; skipped++) {
        int st = recv_packet(c, first, body_at, len);
        if (st != MQTT_OK) {
            return st;
        }
        int type = *first >> 4;
        if (type == want) {
            return MQTT_OK;
        }
        if (type == MQTT_PUBLISH && ((*first >> 1) & 3u) == 3u) {
            return MQTT_ERR_MALFORMED; /* QoS 3 does not exist (3.3.1.2) */
        }
        if (type != MQTT_PUBLISH && !(type == MQTT_PINGRESP && *first == 0xd0u && *len == 0)) {
            return type == 0 || type == 15 ? MQTT_ERR_MALFORMED : MQTT_ERR_UNEXPECTED;
        }
    }
    return MQTT_ERR_UNEXPECTED;
}

int mqtt_connect(mqtt_client *c, const mqtt_connect_options *options)
{
    if (!usable(c)) {
        return MQTT_ERR_ARGUMENT;
    }
    size_t len, at;
    int st = mqtt_encode_connect(c->buffer, c->capacity, options, &len);
    if (st == MQTT_OK) {
        st = send_all(c, len);
    }
    uint8_t first;
    uint32_t body_len;
    if (st == MQTT_OK) {
        st = await(c, MQTT_CONNACK, &first, &at, &body_len);
    }
    if (st == MQTT_OK) {
        st = mqtt_decode_connack(first, c->buffer + at, body_len, &c->session_present,
                                 &c->connack_code);
    }
    if (st == MQTT_OK && c->connack_code != 0) {
        st = MQTT_ERR_REFUSED;
    }
    return st;
}

int mqtt_publish(mqtt_client *c, const char *topic, size_t topic_len, const uint8_t *payload,
                 size_t payload_len, int qos)
{
    if (!usable(c)) {
        return MQTT_ERR_ARGUMENT;
    }
    uint16_t id = c->next_packet_id;
    size_t len, at;
    int st = mqtt_encode_publish(c->buffer, c->capacity, topic, topic_len, payload,
                                 payload_len, qos, id, &len);
    if (st == MQTT_OK) {
        st = send_all(c, len);
    }
    if (st != MQTT_OK || qos == 0) {
        return st;
    }
    c->next_packet_id = (uint16_t)(id == 0xffffu ? 1u : id + 1u);
    uint8_t first;
    uint32_t body_len;
    uint16_t acked;
    st = await(c, MQTT_PUBACK, &first, &at, &body_len);
    if (st == MQTT_OK) {
        st = mqtt_decode_puback(first, c->buffer + at, body_len, &acked);
    }
    if (st == MQTT_OK && acked != id) {
        st = MQTT_ERR_PACKET_ID;
    }
    return st;
}

int mqtt_disconnect(mqtt_client *c)
{
    if (!usable(c)) {
        return MQTT_ERR_ARGUMENT;
    }
    size_t len;
    int st = mqtt_encode_disconnect(c->buffer, c->capacity, &len);
    return st == MQTT_OK ? send_all(c, len) : st;
}

const char *mqtt_strerror(int status)
{
    switch (status) {
    case MQTT_OK: return "success";
    case MQTT_ERR_ARGUMENT: return "invalid argument";
    case MQTT_ERR_BUFFER: return "packet does not fit the buffer";
    case MQTT_ERR_TIMEOUT: return "timed out waiting for the peer";
    case MQTT_ERR_CLOSED: return "the peer closed the connection";
    case MQTT_ERR_IO: return "transport failure";
    case MQTT_ERR_MALFORMED: return "malformed MQTT packet";
    case MQTT_ERR_TOO_LARGE: return "MQTT packet larger than the buffer";
    case MQTT_ERR_UNEXPECTED: return "unexpected MQTT packet";
    case MQTT_ERR_REFUSED: return "the broker refused the connection";
    case MQTT_ERR_PACKET_ID: return "acknowledgement for another packet";
    case MQTT_ERR_INCOMPLETE: return "incomplete packet";
    default: return "unknown MQTT status";
    }
}
