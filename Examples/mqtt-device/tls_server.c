/*
 * tls_server.c -- the reverse direction: a TLS server on Mbed TLS 2.28 that authenticates
 * its clients (devices) by certificate, with iotcert as the check (purpose clientAuth).
 *
 *   tls_server --port N --cert CHAIN.pem --key KEY.pem --anchors ROOTS.pem
 *              [--stored CAS.pem] --time UNIX [--timeout-ms N]
 *
 * Listens on 127.0.0.1:N (prints "listening" when ready), serves one client: a handshake
 * in which it presents CHAIN and asks for a client certificate, iotcert verifying the
 * client's chain to ROOTS (through CAS, the device-issuing CAs the server stores, so a
 * device may send its leaf alone) at the given time for client authentication; then it
 * greets the client by its certificate's common name and closes.
 *
 * Exit status: 0 the client was accepted and greeted; 1 iotcert refused it (the client got
 * a fatal alert); 2 usage or setup error; 3 the handshake failed otherwise; 5 no client
 * came within the timeout (default 10 s).
 */
#define _POSIX_C_SOURCE 200112L

#include "iotcert.h"
#include "iotcert_mbedtls.h"
#include "iotcert_mbedtls_ssl.h"
#include "mbedtls_count.h"

#include <inttypes.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/oid.h"

#define STORE_MAX 8 /* anchors, and stored CAs: a service's handful */

typedef struct settings {
    const char *port, *cert, *key, *anchors, *stored;
    int64_t time;
    int have_time;
    uint32_t timeout_ms;
} settings;

typedef struct server {
    mbedtls_net_context listener, client;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt own, anchors, stored;
    mbedtls_pk_context key;
    iotcert_trust trust;
} server;

static void print_mbedtls_error(const char *what, int ret)
{
    char text[160];
    mbedtls_strerror(ret, text, sizeof text);
    printf("%s: -0x%04X %s\n", what, (unsigned)-ret, text);
}

/* The DER of every certificate of `list`, for iotcert_trust_init_certs. */
static size_t ders(const mbedtls_x509_crt *list, iotcert_buffer out[STORE_MAX])
{
    size_t n = 0;
    for (; list != NULL && list->raw.p != NULL && n < STORE_MAX; list = list->next) {
        out[n++] = (iotcert_buffer){ list->raw.p, list->raw.len };
    }
    return n;
}

/* Files, keys, the trust store, the TLS configuration. Returns 0 or an Mbed TLS error. */
static int setup(server *s, const settings *o)
{
    static const char personalisation[] = "iotcert tls_server";
    int ret = mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy,
                                    (const unsigned char *)personalisation,
                                    sizeof personalisation - 1);
    if (ret == 0) ret = mbedtls_x509_crt_parse_file(&s->own, o->cert);
    if (ret == 0) ret = mbedtls_pk_parse_keyfile(&s->key, o->key, NULL);
    if (ret == 0) ret = mbedtls_x509_crt_parse_file(&s->anchors, o->anchors);
    if (ret == 0 && o->stored != NULL) ret = mbedtls_x509_crt_parse_file(&s->stored, o->stored);
    if (ret != 0) {
        return ret;
    }
    static iotcert_buffer anchors[STORE_MAX], stored[STORE_MAX];
    size_t na = ders(&s->anchors, anchors), ns = ders(&s->stored, stored);
    int st = iotcert_trust_init_certs(&s->trust, anchors, na, stored, ns, NULL, 0, 0);
    if (st != IOTCERT_OK) {
        printf("trust: status %d: %s\n", st, iotcert_strerror(st));
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    }
    ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret == 0) ret = iotcert_mbedtls_attach(&s->conf);
    if (ret == 0) ret = mbedtls_ssl_conf_own_cert(&s->conf, &s->own, &s->key);
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->drbg);
    mbedtls_ssl_conf_read_timeout(&s->conf, o->timeout_ms);
    return mbedtls_ssl_setup(&s->ssl, &s->conf);
}

/* Waits (bounded) for one client. Returns 0, 1 on timeout, or an Mbed TLS error. */
static int accept_one(server *s, const settings *o)
{
    int ret = mbedtls_net_bind(&s->listener, "127.0.0.1", o->port, MBEDTLS_NET_PROTO_TCP);
    if (ret != 0) {
        return ret;
    }
    printf("listening on 127.0.0.1:%s\n", o->port);
    fflush(stdout);
    struct pollfd p = { .fd = s->listener.fd, .events = POLLIN };
    if (poll(&p, 1, (int)o->timeout_ms) != 1) {
        return 1;
    }
    ret = mbedtls_net_accept(&s->listener, &s->client, NULL, 0, NULL);
    if (ret == 0) {
        mbedtls_ssl_set_bio(&s->ssl, &s->client, mbedtls_net_send, NULL,
                            mbedtls_net_recv_timeout);
    }
    return ret;
}

static void print_check(const iotcert_mbedtls_check *c)
{
    const iotcert_result *r = &c->result;
    if (c->status == IOTCERT_OK) {
        printf("iotcert: ACCEPTED client, path:");
        for (uint32_t i = 0; i < r->path_len; i++) {
            if (r->path[i] < c->presented) {
                printf(" sent #%u <-", r->path[i]);
            } else {
                printf(" stored #%zu <-", r->path[i] - c->presented);
            }
        }
        printf(" anchor #%" PRId32 "\n", r->anchor_index);
    } else if (c->status == IOTCERT_MBEDTLS_NOT_CHECKED) {
        printf("iotcert: REFUSED client: it sent no certificate\n");
    } else {
        printf("iotcert: REFUSED client, status %d: %s\n", c->status,
               iotcert_strerror(c->status));
    }
    mbedtls_count n = mbedtls_count_get();
    printf("iotcert: %zu certificate(s) sent, %" PRIu32 " signature(s) checked\n",
           c->presented, r->signatures_checked);
    printf("mbedtls: %" PRIu32 " certificate signature check(s), %" PRIu32
           " chain verification(s), %" PRIu32 " handshake signature check(s)\n",
           n.certificate_signatures, n.chain_verifications, n.handshake_signatures);
}

/* Greets the verified client by its leaf's common name. */
static int greet(server *s)
{
    char line[160] = "hello";
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&s->ssl);
    for (const mbedtls_x509_name *n = peer ? &peer->subject : NULL; n != NULL; n = n->next) {
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 && n->val.len < 128) {
            snprintf(line, sizeof line, "hello %.*s", (int)n->val.len, (const char *)n->val.p);
        }
    }
    printf("greeting: %s\n", line);
    strcat(line, "\n");
    int ret = mbedtls_ssl_write(&s->ssl, (const unsigned char *)line, strlen(line));
    (void)mbedtls_ssl_close_notify(&s->ssl);
    return ret < 0 ? ret : 0;
}

static int serve(server *s, const settings *o)
{
    static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];
    static iotcert_mbedtls_check check;
    iotcert_options options;
    iotcert_options_init(&options);
    options.time = o->time;
    options.purpose = IOTCERT_PURPOSE_CLIENT_AUTH;
    iotcert_mbedtls_check_init(&check, &s->trust, &options, workspace, sizeof workspace);
    int ret = accept_one(s, o);
    if (ret != 0) {
        if (ret == 1) {
            printf("accept: no client within %" PRIu32 " ms\n", o->timeout_ms);
            return 5;
        }
        print_mbedtls_error("accept", ret);
        return 2;
    }
    do {
        ret = iotcert_mbedtls_handshake(&s->ssl, &check);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (check.status != IOTCERT_MBEDTLS_NOT_CHECKED || ret == IOTCERT_MBEDTLS_ERR_REFUSED) {
        print_check(&check);
    }
    if (ret == IOTCERT_MBEDTLS_ERR_REFUSED) {
        return 1;
    }
    if (ret != 0) {
        print_mbedtls_error("tls: handshake failed", ret);
        return 3;
    }
    ret = greet(s);
    if (ret != 0) {
        print_mbedtls_error("tls: write failed", ret);
        return 3;
    }
    return 0;
}

static int parse(int argc, char **argv, settings *s)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        char *end = NULL;
        if (strcmp(o, "--port") == 0) s->port = v;
        else if (strcmp(o, "--cert") == 0) s->cert = v;
        else if (strcmp(o, "--key") == 0) s->key = v;
        else if (strcmp(o, "--anchors") == 0) s->anchors = v;
        else if (strcmp(o, "--stored") == 0) s->stored = v;
        else if (strcmp(o, "--time") == 0) {
            s->time = strtoll(v, &end, 10);
            s->have_time = *end == '\0' && end != v;
        } else if (strcmp(o, "--timeout-ms") == 0) {
            unsigned long t = strtoul(v, &end, 10);
            if (*end != '\0' || t == 0 || t > 60000) return 0;
            s->timeout_ms = (uint32_t)t;
        } else return 0;
    }
    return argc % 2 == 1 && s->port && s->cert && s->key && s->anchors && s->have_time;
}

int main(int argc, char **argv)
{
    settings o = { .timeout_ms = 10000 };
    if (!parse(argc, argv, &o)) {
        fputs("usage: tls_server --port N --cert CHAIN.pem --key KEY.pem --anchors ROOTS.pem\n"
              "                  [--stored CAS.pem] --time UNIX [--timeout-ms N]\n", stderr);
        return 2;
    }
    /* A peer that hangs up while we write is an error code (EPIPE), not a signal. */
    signal(SIGPIPE, SIG_IGN);
    static server s;
    mbedtls_net_init(&s.listener);
    mbedtls_net_init(&s.client);
    mbedtls_entropy_init(&s.entropy);
    mbedtls_ctr_drbg_init(&s.drbg);
    mbedtls_ssl_config_init(&s.conf);
    mbedtls_ssl_init(&s.ssl);
    mbedtls_x509_crt_init(&s.own);
    mbedtls_x509_crt_init(&s.anchors);
    mbedtls_x509_crt_init(&s.stored);
    mbedtls_pk_init(&s.key);
    int status = 2;
    int ret = setup(&s, &o);
    if (ret != 0) {
        print_mbedtls_error("setup", ret);
    } else {
        status = serve(&s, &o);
    }
    mbedtls_net_free(&s.client);
    mbedtls_net_free(&s.listener);
    mbedtls_ssl_free(&s.ssl);
    mbedtls_ssl_config_free(&s.conf);
    mbedtls_x509_crt_free(&s.own);
    mbedtls_x509_crt_free(&s.anchors);
    mbedtls_x509_crt_free(&s.stored);
    mbedtls_pk_free(&s.key);
    mbedtls_ctr_drbg_free(&s.drbg);
    mbedtls_entropy_free(&s.entropy);
    return status;
}
