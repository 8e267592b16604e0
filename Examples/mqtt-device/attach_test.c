/*
 * attach_test.c -- iotcert_mbedtls_attach / iotcert_mbedtls_handshake on their own: a client
 * and a server in one process, Mbed TLS on both ends, the records passed through memory.
 *
 *   attach_test PKI_DIR        (the fleet PKI of gen-fleet-pki.py)
 *
 * Checks: mutual TLS with iotcert on both ends (the client checks the server for
 * serverAuth and its name, the server checks the client for clientAuth); Mbed TLS makes no
 * certificate signature check on either end when each sends only what the other does not
 * store; a refusal ends the handshake with the alert for iotcert's status, which the peer
 * receives; a refused handshake stays refused when called again; NULL arguments.
 */
#include "iotcert.h"
#include "iotcert_mbedtls_ssl.h"
#include "mbedtls_count.h"
#include "test_check.h"

#include <stdio.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"

/* ---- a wire in memory ------------------------------------------------------------------ */

typedef struct wire {
    unsigned char data[32768];
    size_t len;
} wire;

typedef struct end {
    wire *in, *out;
} end;

static int pipe_send(void *context, const unsigned char *buf, size_t len)
{
    end *e = context;
    if (len > sizeof e->out->data - e->out->len) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    memcpy(e->out->data + e->out->len, buf, len);
    e->out->len += len;
    return (int)len;
}

static int pipe_recv(void *context, unsigned char *buf, size_t len)
{
    end *e = context;
    if (e->in->len == 0) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    size_t n = len < e->in->len ? len : e->in->len;
    memcpy(buf, e->in->data, n);
    memmove(e->in->data, e->in->data + n, e->in->len - n);
    e->in->len -= n;
    return (int)n;
}

/* ---- one side ------------------------------------------------------------------------- */

typedef struct side {
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt own, anchors, stored;
    mbedtls_pk_context key;
    iotcert_trust trust;
    iotcert_buffer anchor_der[2], stored_der[2];
    iotcert_mbedtls_check check;
    uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];
    end bio;
    int ret, done;
} side;

static mbedtls_ctr_drbg_context drbg;
static char dir[512];

static int load(mbedtls_x509_crt *crt, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return mbedtls_x509_crt_parse_file(crt, path);
}

/* A side that presents CHAIN (NAME-chain.pem with NAME.key), trusts ANCHOR and stores
 * STORED (NULL: none), and checks its peer for `purpose` (and `peer` name, or NULL). */
static int side_init(side *s, int endpoint, const char *name, const char *anchor,
                     const char *stored, uint32_t purpose, const char *peer)
{
    char file[128], path[600];
    memset(s, 0, sizeof *s);
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_ssl_init(&s->ssl);
    mbedtls_x509_crt_init(&s->own);
    mbedtls_x509_crt_init(&s->anchors);
    mbedtls_x509_crt_init(&s->stored);
    mbedtls_pk_init(&s->key);
    snprintf(file, sizeof file, "%s-chain.pem", name);
    int ret = load(&s->own, file);
    snprintf(path, sizeof path, "%s/%s.key", dir, name);
    if (ret == 0) ret = mbedtls_pk_parse_keyfile(&s->key, path, NULL);
    if (ret == 0) ret = load(&s->anchors, anchor);
    if (ret == 0 && stored != NULL) ret = load(&s->stored, stored);
    if (ret != 0) {
        return ret;
    }
    s->anchor_der[0] = (iotcert_buffer){ s->anchors.raw.p, s->anchors.raw.len };
    s->stored_der[0] = (iotcert_buffer){ s->stored.raw.p, s->stored.raw.len };
    if (iotcert_trust_init_certs(&s->trust, s->anchor_der, 1, s->stored_der,
                                 stored != NULL ? 1 : 0, NULL, 0, 0) != IOTCERT_OK) {
        return -1;
    }
    iotcert_options o;
    iotcert_options_init(&o);
    o.time = 1780272000; /* 2026-06-01 */
    o.purpose = purpose;
    if (peer != NULL) {
        o.peer_kind = IOTCERT_PEER_DNS;
        o.peer = (const uint8_t *)peer;
        o.peer_len = strlen(peer);
    }
    iotcert_mbedtls_check_init(&s->check, &s->trust, &o, s->workspace, sizeof s->workspace);
    ret = mbedtls_ssl_config_defaults(&s->conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret == 0) ret = iotcert_mbedtls_attach(&s->conf);
    if (ret == 0) ret = mbedtls_ssl_conf_own_cert(&s->conf, &s->own, &s->key);
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &drbg);
    ret = mbedtls_ssl_setup(&s->ssl, &s->conf);
    if (ret == 0 && endpoint == MBEDTLS_SSL_IS_CLIENT && peer != NULL) {
        ret = mbedtls_ssl_set_hostname(&s->ssl, peer);
    }
    mbedtls_ssl_set_bio(&s->ssl, &s->bio, pipe_send, pipe_recv, NULL);
    return ret;
}

static void side_free(side *s)
{
    mbedtls_ssl_free(&s->ssl);
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->own);
    mbedtls_x509_crt_free(&s->anchors);
    mbedtls_x509_crt_free(&s->stored);
    mbedtls_pk_free(&s->key);
}

/* Steps both handshakes in turn until each has finished or failed (bounded). */
static void run(side *client, side *server)
{
    static wire to_server, to_client;
    to_server.len = to_client.len = 0;
    client->bio = (end){ &to_client, &to_server };
    server->bio = (end){ &to_server, &to_client };
    for (int turn = 0; turn < 200 && !(client->done && server->done); turn++) {
        side *s = turn % 2 ? server : client;
        if (s->done) {
            continue;
        }
        s->ret = iotcert_mbedtls_handshake(&s->ssl, &s->check);
        s->done = s->ret != MBEDTLS_ERR_SSL_WANT_READ && s->ret != MBEDTLS_ERR_SSL_WANT_WRITE;
    }
}

/* Device-1, which wants the broker to be SERVER_NAME, against broker-1, which stores the
 * device CA; Mbed TLS's counts start here. The device sends the device CA too
 * (device-1-chain.pem), so the server's Mbed TLS links the two it was sent. */
static void handshake(side *client, side *server, const char *server_name)
{
    mbedtls_count_reset();
    CHECK(side_init(client, MBEDTLS_SSL_IS_CLIENT, "device-1", "r1.pem", NULL,
                    IOTCERT_PURPOSE_SERVER_AUTH, server_name) == 0);
    CHECK(side_init(server, MBEDTLS_SSL_IS_SERVER, "broker-1", "r1.pem", "devices-1.pem",
                    IOTCERT_PURPOSE_CLIENT_AUTH, NULL) == 0);
    run(client, server);
}

static void test_mutual(void)
{
    static side client, server;
    handshake(&client, &server, "broker.fleet.test");
    CHECK(client.ret == 0 && client.check.status == IOTCERT_OK);
    CHECK(server.ret == 0 && server.check.status == IOTCERT_OK);
    CHECK(client.check.presented == 2 && server.check.presented == 2);
    CHECK(client.check.result.signatures_checked == 2);
    CHECK(mbedtls_ssl_get_verify_result(&client.ssl) == 0);
    CHECK(mbedtls_ssl_get_verify_result(&server.ssl) == 0);
    /* The server's link of the device certificate to the device CA: one signature, as
     * documented. */
    mbedtls_count n = mbedtls_count_get();
    CHECK(n.certificate_signatures == 1 && n.chain_verifications == 1);
    side_free(&client);
    side_free(&server);
}

static void test_refused(void)
{
    static side client, server;
    handshake(&client, &server, "other.fleet.test");
    CHECK(client.ret == IOTCERT_MBEDTLS_ERR_REFUSED);
    CHECK(client.check.status == IOTCERT_ERR_PATH_PEER_NAME_MISMATCH);
    CHECK(mbedtls_ssl_get_verify_result(&client.ssl) == MBEDTLS_X509_BADCERT_CN_MISMATCH);
    /* The server got the alert: bad_certificate, fatal. */
    CHECK(server.ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
    CHECK(server.ssl.in_msg[0] == MBEDTLS_SSL_ALERT_LEVEL_FATAL &&
          server.ssl.in_msg[1] == MBEDTLS_SSL_ALERT_MSG_BAD_CERT);
    /* Refused stays refused. */
    CHECK(iotcert_mbedtls_handshake(&client.ssl, &client.check) == IOTCERT_MBEDTLS_ERR_REFUSED);
    /* The client stopped before the ServerKeyExchange: no signature of any kind by Mbed TLS
     * on the client; the server never reached the client's certificate. */
    mbedtls_count n = mbedtls_count_get();
    CHECK(n.certificate_signatures == 0 && n.handshake_signatures == 0);
    side_free(&client);
    side_free(&server);
}

static void test_arguments(void)
{
    iotcert_mbedtls_check check;
    iotcert_mbedtls_check_init(&check, NULL, NULL, NULL, 0);
    CHECK(check.status == IOTCERT_MBEDTLS_NOT_CHECKED && check.result.failing_index == -1);
    CHECK(iotcert_mbedtls_attach(NULL) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(iotcert_mbedtls_handshake(NULL, &check) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    mbedtls_x509_crt chain;
    mbedtls_x509_crt_init(&chain);
    CHECK(iotcert_mbedtls_own_chain(NULL, &chain) == MBEDTLS_ERR_X509_BAD_INPUT_DATA);
    iotcert_mbedtls_check_init(NULL, NULL, NULL, NULL, 0); /* ignored */
    CHECK(iotcert_mbedtls_alert(IOTCERT_ERR_PATH_REVOKED) == MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED);
    CHECK(iotcert_mbedtls_alert(IOTCERT_ERR_PATH_NO_TRUST_ANCHOR) ==
          MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA);
    CHECK(iotcert_mbedtls_flags(IOTCERT_OK) == 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: attach_test PKI_DIR\n", stderr);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argv[1]);
    mbedtls_entropy_context entropy;
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) != 0) {
        return 2;
    }
    test_arguments();
    test_mutual();
    test_refused();
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    return check_report("attach_test");
}
