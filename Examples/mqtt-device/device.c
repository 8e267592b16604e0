/*
 * device.c -- one report of a sensor to its broker over mutual TLS (see device.h).
 */
#include "device.h"

#include <string.h>

#include "mbedtls/net_sockets.h" /* MBEDTLS_ERR_NET_CONN_RESET; a header only */

/* ---- MQTT over Mbed TLS --------------------------------------------------------------- */

static int tls_send(void *context, const uint8_t *data, size_t len, uint32_t timeout_ms)
{
    (void)timeout_ms; /* the transport's own send timeout applies */
    int ret = mbedtls_ssl_write(context, data, len);
    if (ret > 0) {
        return ret;
    }
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE
               ? MQTT_IO_TIMEOUT
               : ret == MBEDTLS_ERR_NET_CONN_RESET ? MQTT_IO_CLOSED : MQTT_IO_ERROR;
}

static int tls_recv(void *context, uint8_t *data, size_t cap, uint32_t timeout_ms)
{
    (void)timeout_ms; /* mbedtls_ssl_conf_read_timeout, set from the same figure */
    int ret = mbedtls_ssl_read(context, data, cap);
    if (ret > 0) {
        return ret;
    }
    switch (ret) {
    case MBEDTLS_ERR_SSL_TIMEOUT:
    case MBEDTLS_ERR_SSL_WANT_READ:
    case MBEDTLS_ERR_SSL_WANT_WRITE:
        return MQTT_IO_TIMEOUT;
    case 0:
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
    case MBEDTLS_ERR_SSL_CONN_EOF:
    case MBEDTLS_ERR_NET_CONN_RESET:
        return MQTT_IO_CLOSED;
    default:
        return MQTT_IO_ERROR;
    }
}

void device_mqtt_io(mqtt_io *io, mbedtls_ssl_context *ssl)
{
    io->context = ssl;
    io->send = tls_send;
    io->recv = tls_recv;
}

/* ---- the report ----------------------------------------------------------------------- */

/* iotcert's view of the broker: server authentication of broker_name at `time`. */
static void check_setup(const device_config *c, device_session *s)
{
    iotcert_options options;
    iotcert_options_init(&options);
    options.time = c->time;
    options.flags = c->flags;
    options.purpose = IOTCERT_PURPOSE_SERVER_AUTH;
    options.peer_kind = IOTCERT_PEER_DNS;
    options.peer = (const uint8_t *)c->broker_name;
    options.peer_len = strlen(c->broker_name);
    options.memo = c->memo;
    options.memo_len = c->memo_len;
    iotcert_mbedtls_check_init(&s->check, c->trust, &options, c->workspace, c->workspace_len);
}

/* The client configuration: iotcert attached, the device's chain from the bundle. */
static int tls_setup(const device_config *c, device_session *s)
{
    int ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret == 0) {
        ret = iotcert_mbedtls_attach(&s->conf);
    }
    if (ret == 0) {
        ret = iotcert_mbedtls_own_chain(c->trust, &s->own_chain);
    }
    if (ret == 0) {
        ret = mbedtls_ssl_conf_own_cert(&s->conf, &s->own_chain, c->key);
    }
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_rng(&s->conf, c->rng, c->rng_context);
    mbedtls_ssl_conf_read_timeout(&s->conf, c->timeout_ms);
    ret = mbedtls_ssl_setup(&s->ssl, &s->conf);
    if (ret == 0) {
        ret = mbedtls_ssl_set_hostname(&s->ssl, c->broker_name); /* SNI */
    }
    if (ret == 0) {
        mbedtls_ssl_set_bio(&s->ssl, c->bio, c->send, NULL, c->recv_timeout);
    }
    return ret;
}

static int handshake(device_session *s)
{
    int ret;
    do {
        ret = iotcert_mbedtls_handshake(&s->ssl, &s->check);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    s->tls_error = ret;
    if (ret == IOTCERT_MBEDTLS_ERR_REFUSED && s->check.status != IOTCERT_OK) {
        return DEVICE_ERR_REFUSED;
    }
    return ret == 0 ? DEVICE_OK : DEVICE_ERR_TLS;
}

static int report(const device_config *c, device_session *s)
{
    mqtt_io io;
    mqtt_client client;
    device_mqtt_io(&io, &s->ssl);
    mqtt_client_init(&client, &io, c->buffer, c->buffer_len, c->timeout_ms);
    mqtt_connect_options o = { .client_id = c->client_id, .client_id_len = strlen(c->client_id),
                               .keep_alive_seconds = 30, .clean_session = 1 };
    int st = mqtt_connect(&client, &o);
    s->connack_code = client.connack_code;
    if (st == MQTT_OK) {
        st = mqtt_publish(&client, c->topic, strlen(c->topic), c->payload, c->payload_len, 1);
    }
    if (st == MQTT_OK) {
        st = mqtt_disconnect(&client);
    }
    s->mqtt_status = st;
    return st == MQTT_OK ? DEVICE_OK : DEVICE_ERR_MQTT;
}

int device_report_once(const device_config *c, device_session *s)
{
    memset(s, 0, sizeof *s);
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_ssl_init(&s->ssl);
    mbedtls_x509_crt_init(&s->own_chain);
    s->stage = DEVICE_STAGE_SETUP;
    check_setup(c, s);
    int result = DEVICE_ERR_SETUP;
    s->tls_error = tls_setup(c, s);
    if (s->tls_error == 0) {
        s->stage = DEVICE_STAGE_HANDSHAKE;
        result = handshake(s);
    }
    if (result == DEVICE_OK) {
        s->stage = DEVICE_STAGE_MQTT;
        result = report(c, s);
        if (result == DEVICE_OK) {
            s->stage = DEVICE_STAGE_DONE;
            (void)mbedtls_ssl_close_notify(&s->ssl);
        }
    }
    mbedtls_ssl_free(&s->ssl);
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->own_chain);
    return result;
}
