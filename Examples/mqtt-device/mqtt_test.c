/*
 * mqtt_test.c -- the MQTT codec and session of mqtt.c against exact bytes: encodings,
 * every limit from both sides, and what a hostile broker can send (over-long and
 * non-minimal lengths, reserved flags, bodies that disagree with their type, packets
 * larger than the buffer, floods, trickles, silence). Built with ASan and UBSan.
 */
#include "mqtt.h"
#include "test_check.h"

#include <stdio.h>
#include <string.h>

/* ---- a scripted peer -------------------------------------------------------------------- */

typedef struct peer {
    const uint8_t *script;  /* what the broker sends */
    size_t len, at;
    size_t chunk;           /* most bytes per recv call (0: no limit) */
    int end;                /* what recv returns once the script is spent */
    uint8_t sent[512];      /* what the client sent */
    size_t sent_len;
    int recv_calls;
} peer;

static int peer_send(void *context, const uint8_t *data, size_t len, uint32_t timeout_ms)
{
    peer *p = context;
    (void)timeout_ms;
    if (len > sizeof p->sent - p->sent_len) {
        return MQTT_IO_ERROR;
    }
    memcpy(p->sent + p->sent_len, data, len);
    p->sent_len += len;
    return (int)len;
}

static int peer_recv(void *context, uint8_t *data, size_t cap, uint32_t timeout_ms)
{
    peer *p = context;
    (void)timeout_ms;
    p->recv_calls++;
    if (p->at == p->len) {
        return p->end;
    }
    size_t n = p->len - p->at;
    if (n > cap) n = cap;
    if (p->chunk != 0 && n > p->chunk) n = p->chunk;
    memcpy(data, p->script + p->at, n);
    p->at += n;
    return (int)n;
}

static uint8_t buffer[128];

/* A client whose broker sends `script`, then `end`; capacity `cap` (<= sizeof buffer). */
static void start(mqtt_client *c, peer *p, const uint8_t *script, size_t len, size_t cap,
                  int end)
{
    memset(p, 0, sizeof *p);
    p->script = script;
    p->len = len;
    p->end = end;
    mqtt_io io = { .context = p, .send = peer_send, .recv = peer_recv };
    mqtt_client_init(c, &io, buffer, cap, 100);
}

static const mqtt_connect_options connect_s1 = {
    .client_id = "s1", .client_id_len = 2, .keep_alive_seconds = 30, .clean_session = 1 };

static int connect_with(const uint8_t *script, size_t len, size_t cap, int end,
                        mqtt_client *c, peer *p)
{
    start(c, p, script, len, cap, end);
    return mqtt_connect(c, &connect_s1);
}

/* ---- encodings ---------------------------------------------------------------------- */

static void test_encodings(void)
{
    uint8_t out[32];
    size_t len = 0;
    static const uint8_t connect[] = { 0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30,
                                       0, 2, 's', '1' };
    CHECK(mqtt_encode_connect(out, sizeof out, &connect_s1, &len) == MQTT_OK);
    CHECK(len == sizeof connect && memcmp(out, connect, len) == 0);
    /* The buffer limit from both sides: exactly the packet fits, one byte less does not. */
    CHECK(mqtt_encode_connect(out, sizeof connect, &connect_s1, &len) == MQTT_OK);
    CHECK(mqtt_encode_connect(out, sizeof connect - 1, &connect_s1, &len) == MQTT_ERR_BUFFER);
    mqtt_connect_options empty = connect_s1;
    empty.client_id_len = 0;
    CHECK(mqtt_encode_connect(out, sizeof out, &empty, &len) == MQTT_ERR_ARGUMENT);

    static const uint8_t publish[] = { 0x32, 6, 0, 1, 't', 0, 7, 'x' };
    CHECK(mqtt_encode_publish(out, sizeof out, "t", 1, (const uint8_t *)"x", 1, 1, 7, &len) ==
          MQTT_OK);
    CHECK(len == sizeof publish && memcmp(out, publish, len) == 0);
    static const uint8_t publish0[] = { 0x30, 4, 0, 1, 't', 'x' };
    CHECK(mqtt_encode_publish(out, sizeof out, "t", 1, (const uint8_t *)"x", 1, 0, 0, &len) ==
          MQTT_OK);
    CHECK(len == sizeof publish0 && memcmp(out, publish0, len) == 0);
    CHECK(mqtt_encode_publish(out, sizeof out, "a/+", 3, NULL, 0, 0, 0, &len) ==
          MQTT_ERR_ARGUMENT);
    CHECK(mqtt_encode_publish(out, sizeof out, "a/#", 3, NULL, 0, 0, 0, &len) ==
          MQTT_ERR_ARGUMENT);
    CHECK(mqtt_encode_publish(out, sizeof out, "t", 1, NULL, 0, 2, 1, &len) ==
          MQTT_ERR_ARGUMENT); /* QoS 2 is not supported */
    CHECK(mqtt_encode_publish(out, sizeof out, "t", 1, NULL, 0, 1, 0, &len) ==
          MQTT_ERR_ARGUMENT); /* packet identifier 0 is reserved */

    /* Remaining lengths at each change of size: 127/128, 16383/16384. */
    static uint8_t big[16400], payload[16400];
    CHECK(mqtt_encode_publish(big, sizeof big, "t", 1, payload, 124, 0, 0, &len) == MQTT_OK);
    CHECK(len == 2 + 127 && big[1] == 127);
    CHECK(mqtt_encode_publish(big, sizeof big, "t", 1, payload, 125, 0, 0, &len) == MQTT_OK);
    CHECK(len == 3 + 128 && big[1] == 0x80 && big[2] == 0x01);
    CHECK(mqtt_encode_publish(big, sizeof big, "t", 1, payload, 16380, 0, 0, &len) == MQTT_OK);
    CHECK(big[1] == 0xff && big[2] == 0x7f);
    CHECK(mqtt_encode_publish(big, sizeof big, "t", 1, payload, 16381, 0, 0, &len) == MQTT_OK);
    CHECK(big[1] == 0x80 && big[2] == 0x80 && big[3] == 0x01);

    CHECK(mqtt_encode_disconnect(out, 2, &len) == MQTT_OK && len == 2 && out[0] == 0xe0 &&
          out[1] == 0);
    CHECK(mqtt_encode_disconnect(out, 1, &len) == MQTT_ERR_BUFFER);
}

static void test_fixed_header(void)
{
    uint8_t first;
    uint32_t remaining;
    size_t header;
    static const uint8_t four[] = { 0x30, 0xff, 0xff, 0xff, 0x7f };
    CHECK(mqtt_decode_fixed_header(four, sizeof four, &first, &remaining, &header) == MQTT_OK);
    CHECK(remaining == 268435455u && header == 5);
    static const uint8_t five[] = { 0x30, 0xff, 0xff, 0xff, 0xff, 0x01 };
    CHECK(mqtt_decode_fixed_header(five, sizeof five, &first, &remaining, &header) ==
          MQTT_ERR_MALFORMED);
    static const uint8_t non_minimal[] = { 0x20, 0x82, 0x00 };
    CHECK(mqtt_decode_fixed_header(non_minimal, sizeof non_minimal, &first, &remaining,
                                   &header) == MQTT_ERR_MALFORMED);
    CHECK(mqtt_decode_fixed_header(four, 3, &first, &remaining, &header) ==
          MQTT_ERR_INCOMPLETE);
    CHECK(mqtt_decode_fixed_header(four, 1, &first, &remaining, &header) ==
          MQTT_ERR_INCOMPLETE);
}

/* ---- the session against a hostile broker ---------------------------------------------- */

static void test_connect(void)
{
    mqtt_client c;
    peer p;
    static const uint8_t ok[] = { 0x20, 2, 0, 0 };
    CHECK(connect_with(ok, sizeof ok, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) == MQTT_OK);
    CHECK(p.sent_len == 16 && p.sent[0] == 0x10);
    static const uint8_t refused[] = { 0x20, 2, 0, 5 };
    CHECK(connect_with(refused, sizeof refused, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) ==
          MQTT_ERR_REFUSED && c.connack_code == 5);
    static const uint8_t reserved_code[] = { 0x20, 2, 0, 6 };
    static const uint8_t present_refused[] = { 0x20, 2, 1, 5 };
    static const uint8_t flags[] = { 0x21, 2, 0, 0 };
    static const uint8_t long_body[] = { 0x20, 3, 0, 0, 0 };
    static const uint8_t ack_flags[] = { 0x20, 2, 2, 0 };
    static const uint8_t five_length_bytes[] = { 0x20, 0xff, 0xff, 0xff, 0xff, 0x01 };
    static const uint8_t type0[] = { 0x00, 0 };
    const struct { const uint8_t *s; size_t n; } malformed[] = {
        { reserved_code, 4 }, { present_refused, 4 }, { flags, 4 }, { long_body, 5 },
        { ack_flags, 4 }, { five_length_bytes, 6 }, { type0, 2 } };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        CHECK(connect_with(malformed[i].s, malformed[i].n, sizeof buffer, MQTT_IO_TIMEOUT, &c,
                           &p) == MQTT_ERR_MALFORMED);
    }
    static const uint8_t suback[] = { 0x90, 3, 0, 1, 0 };
    CHECK(connect_with(suback, sizeof suback, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) ==
          MQTT_ERR_UNEXPECTED);
    CHECK(connect_with(ok, 0, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) == MQTT_ERR_TIMEOUT);
    CHECK(connect_with(ok, 0, sizeof buffer, MQTT_IO_CLOSED, &c, &p) == MQTT_ERR_CLOSED);
    CHECK(connect_with(ok, 2, sizeof buffer, MQTT_IO_ERROR, &c, &p) == MQTT_ERR_IO);
}

/* A packet larger than the buffer is refused before its body is read. */
static void test_buffer_limit(void)
{
    mqtt_client c;
    peer p;
    /* A PUBLISH of remaining length 30, then the CONNACK. Capacity 32: a header of two and
     * a body of 30 fit exactly; capacity 31 does not. */
    static uint8_t script[2 + 30 + 4] = { 0x30, 30, 0, 1, 't' };
    memcpy(script + 32, (const uint8_t[]){ 0x20, 2, 0, 0 }, 4);
    CHECK(connect_with(script, sizeof script, 32, MQTT_IO_TIMEOUT, &c, &p) == MQTT_OK);
    CHECK(connect_with(script, sizeof script, 31, MQTT_IO_TIMEOUT, &c, &p) ==
          MQTT_ERR_TOO_LARGE);
    CHECK(p.at == 2); /* the body was never read */
    static const uint8_t huge[] = { 0x30, 0xff, 0xff, 0xff, 0x7f };
    CHECK(connect_with(huge, sizeof huge, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) ==
          MQTT_ERR_TOO_LARGE);
}

/* Skipped packets: MQTT_SKIPPED_MAX may precede the CONNACK, one more may not. */
static void test_flood(void)
{
    mqtt_client c;
    peer p;
    static uint8_t script[(MQTT_SKIPPED_MAX + 1) * 2 + 4];
    size_t n = 0;
    for (int i = 0; i < MQTT_SKIPPED_MAX; i++) {
        script[n++] = 0xd0; /* PINGRESP */
        script[n++] = 0;
    }
    memcpy(script + n, (const uint8_t[]){ 0x20, 2, 0, 0 }, 4);
    CHECK(connect_with(script, n + 4, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) == MQTT_OK);
    script[n] = 0xd0;
    script[n + 1] = 0;
    memcpy(script + n + 2, (const uint8_t[]){ 0x20, 2, 0, 0 }, 4);
    CHECK(connect_with(script, n + 6, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) ==
          MQTT_ERR_UNEXPECTED);
    static const uint8_t qos3[] = { 0x36, 3, 0, 1, 't', 0x20, 2, 0, 0 };
    CHECK(connect_with(qos3, sizeof qos3, sizeof buffer, MQTT_IO_TIMEOUT, &c, &p) ==
          MQTT_ERR_MALFORMED);
}

/* A peer that sends a byte per call: MQTT_IO_CALLS_MAX calls per packet, then no more. */
static void test_trickle(void)
{
    mqtt_client c;
    peer p;
    /* Header 2 bytes (2 calls: the header is read a byte at a time), body in 1-byte
     * calls: a body of MQTT_IO_CALLS_MAX - 2 bytes is the most that arrives in time. */
    static uint8_t script[2 + MQTT_IO_CALLS_MAX + 4] = { 0x30, MQTT_IO_CALLS_MAX - 2, 0, 1,
                                                         't' };
    size_t body = MQTT_IO_CALLS_MAX - 2;
    memcpy(script + 2 + body, (const uint8_t[]){ 0x20, 2, 0, 0 }, 4);
    start(&c, &p, script, 2 + body + 4, sizeof buffer, MQTT_IO_TIMEOUT);
    p.chunk = 1;
    CHECK(mqtt_connect(&c, &connect_s1) == MQTT_OK);
    script[1] = (uint8_t)(body + 1);
    memcpy(script + 2 + body + 1, (const uint8_t[]){ 0x20, 2, 0, 0 }, 4);
    start(&c, &p, script, 2 + body + 1 + 4, sizeof buffer, MQTT_IO_TIMEOUT);
    p.chunk = 1;
    CHECK(mqtt_connect(&c, &connect_s1) == MQTT_ERR_TIMEOUT);
}

static void test_publish(void)
{
    mqtt_client c;
    peer p;
    static const uint8_t acked[] = { 0x40, 2, 0, 1 };
    start(&c, &p, acked, sizeof acked, sizeof buffer, MQTT_IO_TIMEOUT);
    CHECK(mqtt_publish(&c, "t", 1, (const uint8_t *)"x", 1, 1) == MQTT_OK);
    CHECK(p.sent_len == 8 && p.sent[0] == 0x32 && p.sent[6] == 1);
    static const uint8_t other_id[] = { 0x40, 2, 0, 2 };
    start(&c, &p, other_id, sizeof other_id, sizeof buffer, MQTT_IO_TIMEOUT);
    CHECK(mqtt_publish(&c, "t", 1, (const uint8_t *)"x", 1, 1) == MQTT_ERR_PACKET_ID);
    static const uint8_t id_zero[] = { 0x40, 2, 0, 0 };
    start(&c, &p, id_zero, sizeof id_zero, sizeof buffer, MQTT_IO_TIMEOUT);
    CHECK(mqtt_publish(&c, "t", 1, (const uint8_t *)"x", 1, 1) == MQTT_ERR_MALFORMED);
    start(&c, &p, acked, 0, sizeof buffer, MQTT_IO_TIMEOUT);
    CHECK(mqtt_publish(&c, "t", 1, (const uint8_t *)"x", 1, 1) == MQTT_ERR_TIMEOUT);
    start(&c, &p, acked, 0, sizeof buffer, MQTT_IO_TIMEOUT);
    CHECK(mqtt_publish(&c, "t", 1, (const uint8_t *)"x", 1, 0) == MQTT_OK); /* no wait */
    CHECK(p.recv_calls == 0);
    CHECK(mqtt_disconnect(&c) == MQTT_OK && p.sent[p.sent_len - 2] == 0xe0);
}

int main(void)
{
    test_encodings();
    test_fixed_header();
    test_connect();
    test_buffer_limit();
    test_flood();
    test_trickle();
    test_publish();
    return check_report("mqtt_test");
}
