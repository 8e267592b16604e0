/*
 * tls_client.c -- a TLS client on Mbed TLS 2.28 whose certificate check is iotcert.
 *
 *   tls_client --port N (--host NAME | --ip ADDR) -a ANCHORS [--connect ADDR]
 *              [--verifier iotcert|mbedtls] [--time UNIX]
 *
 * Connects to ADDR:N (default 127.0.0.1), completes a TLS handshake, sends one HTTP GET and
 * prints the first line of the answer (openssl s_server -www answers with a status page).
 * ANCHORS is a PEM (or DER) file of trusted roots. --verifier mbedtls runs Mbed TLS's own
 * verification instead, for comparison. Exit status: 0 when the server was verified and
 * answered, 1 when its certificate was rejected, 2 for anything else.
 *
 * How the check is delegated: iotcert_mbedtls_attach() and iotcert_mbedtls_handshake()
 * (Sources/IoTCertMbedTLS/ssl/). Mbed TLS parses the server's Certificate message but
 * verifies nothing; in the handshake step right after it, the whole chain the server sent
 * (in the order received) goes to iotcert_verify(), and when iotcert refuses, the
 * handshake stops there with a TLS alert matching iotcert's status. Mbed TLS spends no
 * signature check on certificates.
 *
 * Why not let Mbed TLS decide: it picks one issuer per certificate and never backtracks.
 * A server that sends a cross-signed intermediate first (for old clients) makes it follow
 * that certificate to a root the device does not trust, or one that has expired, and fail.
 * iotcert searches every candidate path, checking each certificate as the path grows.
 *
 * --verifier mbedtls: Mbed TLS's REQUIRED mode with the anchors as its CA list, and a verify
 * callback that only records the path Mbed TLS built, to show where it goes wrong.
 */
#define _POSIX_C_SOURCE 200112L /* inet_pton */

#include "iotcert.h"
#include "iotcert_mbedtls_ssl.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

/* Certificates a server may send: iotcert's default presented_max. */
#define CHAIN_MAX 64

/* ---- the verify callback ----------------------------------------------------------------- */

/* One certificate the server sent, as text: Mbed TLS frees the chain when a handshake fails,
 * and a failed handshake is when the chain is most interesting. */
typedef struct sent_certificate {
    char subject[128];
    char issuer[128];
    mbedtls_x509_time valid_to;
} sent_certificate;

/* Both verifiers' setup and verdicts, and what the server sent. */
typedef struct certificate_check {
    iotcert_trust trust;
    iotcert_options options;
    const mbedtls_x509_crt *anchors;
    iotcert_mbedtls_check verdict; /* iotcert's (status IOTCERT_MBEDTLS_NOT_CHECKED until) */
    sent_certificate sent[CHAIN_MAX];
    size_t sent_count;
    /* The path Mbed TLS built, by depth: "sent #k" or "anchor #k". */
    char mbedtls_path[CHAIN_MAX + 1][24];
    const mbedtls_x509_crt *mbedtls_path_crt[CHAIN_MAX + 1];
    int mbedtls_path_len;
} certificate_check;

/* The workspace for a path of up to 8 certificates (the default depth_max). */
static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];

/* Where `crt` is: "sent #k" in the server's chain, or "anchor #k". */
static void locate(const mbedtls_x509_crt *crt, const mbedtls_x509_crt *sent,
                   const mbedtls_x509_crt *anchors, char text[24])
{
    int k = 0;
    for (const mbedtls_x509_crt *c = sent; c != NULL; c = c->next, k++) {
        if (c == crt) {
            snprintf(text, 24, "sent #%d", k);
            return;
        }
    }
    k = 0;
    for (const mbedtls_x509_crt *c = anchors; c != NULL; c = c->next, k++) {
        if (c == crt) {
            snprintf(text, 24, "anchor #%d", k);
            return;
        }
    }
    snprintf(text, 24, "?");
}

/* Keeps, as text, the chain the server sent and the path Mbed TLS built through it. */
static void record(certificate_check *check, const mbedtls_x509_crt *leaf)
{
    check->sent_count = 0;
    for (const mbedtls_x509_crt *c = leaf; c != NULL && c->raw.p != NULL; c = c->next) {
        if (check->sent_count == CHAIN_MAX) {
            break;
        }
        sent_certificate *e = &check->sent[check->sent_count++];
        if (mbedtls_x509_dn_gets(e->subject, sizeof e->subject, &c->subject) < 0 ||
            mbedtls_x509_dn_gets(e->issuer, sizeof e->issuer, &c->issuer) < 0) {
            snprintf(e->subject, sizeof e->subject, "?");
        }
        e->valid_to = c->valid_to;
    }
    for (int d = 0; d < check->mbedtls_path_len; d++) {
        locate(check->mbedtls_path_crt[d], leaf, check->anchors, check->mbedtls_path[d]);
    }
}

/*
 * mbedtls_ssl_conf_verify() callback of --verifier mbedtls. Mbed TLS calls it for each
 * certificate of the path it built, from the top down to the leaf (depth 0); it records
 * that path and leaves Mbed TLS's verdict alone.
 */
static int check_certificate(void *context, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    certificate_check *check = context;
    if (depth <= CHAIN_MAX) {
        check->mbedtls_path_crt[depth] = crt;
        if (depth >= check->mbedtls_path_len) {
            check->mbedtls_path_len = depth + 1;
        }
    }
    (void)flags;
    if (depth == 0) {
        record(check, crt);
    }
    return 0;
}

/* ---- printing ---------------------------------------------------------------------------- */

static const char *subject(const mbedtls_x509_crt *c, char *text, size_t cap)
{
    if (c == NULL || mbedtls_x509_dn_gets(text, cap, &c->subject) < 0) {
        snprintf(text, cap, "?");
    }
    return text;
}

static const mbedtls_x509_crt *nth(const mbedtls_x509_crt *list, long index)
{
    for (long i = 0; list != NULL && i < index; i++) {
        list = list->next;
    }
    return list;
}

static const char *sent_subject(const certificate_check *check, long index)
{
    return index >= 0 && (size_t)index < check->sent_count ? check->sent[index].subject : "?";
}

static void print_sent(const certificate_check *check)
{
    printf("server sent:\n");
    for (size_t i = 0; i < check->sent_count; i++) {
        const sent_certificate *e = &check->sent[i];
        printf("  #%zu %s\n     issued by %s, valid until %04d-%02d-%02d%s\n", i, e->subject,
               e->issuer, e->valid_to.year, e->valid_to.mon, e->valid_to.day,
               mbedtls_x509_time_is_past(&e->valid_to) ? " (EXPIRED)" : "");
    }
}

static void print_mbedtls_verdict(const certificate_check *check, uint32_t flags)
{
    char info[512] = "";
    mbedtls_x509_crt_verify_info(info, sizeof info, "  ", flags);
    printf("Mbed TLS: %s\n%s", flags == 0 ? "ACCEPTED" : "REJECTED", info);
    printf("  the path it built:");
    for (int d = 0; d < check->mbedtls_path_len; d++) {
        printf("%s%s", d ? " <- " : " ", check->mbedtls_path[d]);
    }
    printf("\n");
}

static void print_iotcert(const certificate_check *check)
{
    char name[256];
    const iotcert_result *r = &check->verdict.result;
    int status = check->verdict.status;
    if (status == IOTCERT_MBEDTLS_NOT_CHECKED) {
        printf("iotcert: not run (the handshake failed before certificate verification)\n");
        return;
    }
    printf("iotcert: %s, status %d: %s\n", status == IOTCERT_OK ? "ACCEPTED" : "REJECTED",
           status, iotcert_strerror(status));
    if (status == IOTCERT_OK) {
        printf("  path, leaf first:\n");
        for (uint32_t i = 0; i < r->path_len; i++) {
            printf("    sent #%u   %s\n", r->path[i], sent_subject(check, r->path[i]));
        }
        printf("    anchor #%" PRId32 " %s\n", r->anchor_index,
               subject(nth(check->anchors, r->anchor_index), name, sizeof name));
    } else if (r->failing_index >= 0) {
        printf("  at fault: sent #%" PRId32 " %s\n", r->failing_index,
               sent_subject(check, r->failing_index));
    }
    printf("  %" PRIu32 " signature(s) checked, %" PRIu32 " search step(s), workspace "
           "high-water %" PRIu32 " of %zu bytes\n", r->signatures_checked, r->steps,
           r->workspace_high_water, sizeof workspace);
}

static void print_mbedtls_error(const char *what, int ret)
{
    char text[160];
    mbedtls_strerror(ret, text, sizeof text);
    printf("%s: -0x%04X %s\n", what, (unsigned)-ret, text);
}

/* ---- the connection ---------------------------------------------------------------------- */

typedef struct settings {
    const char *address;
    const char *port;
    const char *host;       /* expected DNS name, also sent as SNI */
    const char *ip;         /* or expected IP address */
    const char *anchors;
    int use_mbedtls;        /* 1: Mbed TLS's own verification, for comparison */
    int64_t time;
} settings;

typedef struct tls {
    mbedtls_net_context net;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config config;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt anchors;
} tls;

/* iotcert's trust store and options, over the anchors Mbed TLS parsed. Returns 0 on error. */
static int setup_iotcert(const settings *s, const mbedtls_x509_crt *anchors,
                         certificate_check *check, uint8_t ip[16])
{
    static iotcert_buffer der[CHAIN_MAX];
    size_t n = 0;
    for (const mbedtls_x509_crt *c = anchors; c != NULL && c->raw.p != NULL; c = c->next) {
        if (n == CHAIN_MAX) {
            fprintf(stderr, "%s: more than %d anchors\n", s->anchors, CHAIN_MAX);
            return 0;
        }
        der[n++] = (iotcert_buffer){ c->raw.p, c->raw.len };
    }
    /* The time is known, so the store's build time (the floor for an unknown time) is moot. */
    int status = iotcert_trust_init_certs(&check->trust, der, n, NULL, 0, NULL, 0, 0);
    if (status != IOTCERT_OK) {
        fprintf(stderr, "trust store: %s\n", iotcert_strerror(status));
        return 0;
    }
    iotcert_options_init(&check->options);
    check->options.time = s->time;
    check->options.purpose = IOTCERT_PURPOSE_SERVER_AUTH;
    if (s->host != NULL) {
        check->options.peer_kind = IOTCERT_PEER_DNS;
        check->options.peer = (const uint8_t *)s->host;
        check->options.peer_len = strlen(s->host);
    } else {
        int v4 = inet_pton(AF_INET, s->ip, ip) == 1;
        if (!v4 && inet_pton(AF_INET6, s->ip, ip) != 1) {
            fprintf(stderr, "not an IP address: %s\n", s->ip);
            return 0;
        }
        check->options.peer_kind = IOTCERT_PEER_IP;
        check->options.peer = ip;
        check->options.peer_len = v4 ? 4 : 16;
    }
    check->anchors = anchors;
    iotcert_mbedtls_check_init(&check->verdict, &check->trust, &check->options, workspace,
                               sizeof workspace);
    return 1;
}

/* Mbed TLS client configuration; returns an Mbed TLS error code (0 on success). */
static int setup_tls(tls *t, const settings *s, certificate_check *check)
{
    static const char personalisation[] = "iotcert tls_client";
    int ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
                                    (const unsigned char *)personalisation,
                                    sizeof personalisation - 1);
    if (ret == 0) {
        ret = mbedtls_ssl_config_defaults(&t->config, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    }
    if (ret != 0) {
        return ret;
    }
    mbedtls_ssl_conf_rng(&t->config, mbedtls_ctr_drbg_random, &t->drbg);
    if (s->use_mbedtls) {
        mbedtls_ssl_conf_authmode(&t->config, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_ca_chain(&t->config, &t->anchors, NULL);
        mbedtls_ssl_conf_verify(&t->config, check_certificate, check);
    } else {
        ret = iotcert_mbedtls_attach(&t->config);
    }
    if (ret == 0) {
        ret = mbedtls_ssl_setup(&t->ssl, &t->config);
    }
    /* SNI, and the name Mbed TLS's own check compares with; iotcert has its own copy. */
    if (ret == 0 && s->host != NULL) {
        ret = mbedtls_ssl_set_hostname(&t->ssl, s->host);
    }
    if (ret == 0) {
        ret = mbedtls_net_connect(&t->net, s->address, s->port, MBEDTLS_NET_PROTO_TCP);
    }
    mbedtls_ssl_set_bio(&t->ssl, &t->net, mbedtls_net_send, mbedtls_net_recv, NULL);
    return ret;
}

/* One HTTP request over the verified connection; prints the status line. */
static int exchange(tls *t)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    int ret;
    while ((ret = mbedtls_ssl_write(&t->ssl, (const unsigned char *)request,
                                    sizeof request - 1)) <= 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            return ret;
        }
    }
    unsigned char answer[512];
    do {
        ret = mbedtls_ssl_read(&t->ssl, answer, sizeof answer - 1);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret <= 0) {
        return ret == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : ret;
    }
    answer[ret] = '\0';
    answer[strcspn((const char *)answer, "\r\n")] = '\0';
    printf("server answered: %s\n", answer);
    mbedtls_ssl_close_notify(&t->ssl);
    return 0;
}

/* Handshake, verdict, request. Returns the exit status. */
static int run(tls *t, const settings *s, certificate_check *check)
{
    int ret = setup_tls(t, s, check);
    if (ret != 0) {
        print_mbedtls_error("setup", ret);
        return 2;
    }
    printf("connecting to %s:%s, expecting %s; certificate check by %s\n", s->address,
           s->port, s->host ? s->host : s->ip, s->use_mbedtls ? "Mbed TLS" : "iotcert");
    do {
        ret = s->use_mbedtls ? mbedtls_ssl_handshake(&t->ssl)
                             : iotcert_mbedtls_handshake(&t->ssl, &check->verdict);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (!s->use_mbedtls) {
        /* The chain Mbed TLS parsed: still in the handshake's session when it stopped. */
        record(check, t->ssl.session_negotiate != NULL ? t->ssl.session_negotiate->peer_cert
                                                       : mbedtls_ssl_get_peer_cert(&t->ssl));
    }
    print_sent(check);
    if (s->use_mbedtls) {
        print_mbedtls_verdict(check, mbedtls_ssl_get_verify_result(&t->ssl));
    } else {
        print_iotcert(check);
    }
    if (ret != 0) {
        print_mbedtls_error("handshake failed", ret);
        return ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ? 1 : 2;
    }
    printf("handshake: %s, %s\n", mbedtls_ssl_get_version(&t->ssl),
           mbedtls_ssl_get_ciphersuite(&t->ssl));
    ret = exchange(t);
    if (ret != 0) {
        print_mbedtls_error("request failed", ret);
        return 2;
    }
    return 0;
}

static void usage(void)
{
    fputs("usage: tls_client --port N (--host NAME | --ip ADDR) -a ANCHORS [--connect ADDR]\n"
          "                  [--verifier iotcert|mbedtls] [--time UNIX]\n", stderr);
}

/* Fills `s` from the command line; returns 0 on a usage error. */
static int parse(int argc, char **argv, settings *s)
{
    for (int i = 1; i < argc; i += 2) {
        const char *option = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (value == NULL) {
            return 0;
        } else if (strcmp(option, "--port") == 0) {
            s->port = value;
        } else if (strcmp(option, "--connect") == 0) {
            s->address = value;
        } else if (strcmp(option, "--host") == 0) {
            s->host = value;
        } else if (strcmp(option, "--ip") == 0) {
            s->ip = value;
        } else if (strcmp(option, "-a") == 0) {
            s->anchors = value;
        } else if (strcmp(option, "--verifier") == 0 &&
                   (strcmp(value, "iotcert") == 0 || strcmp(value, "mbedtls") == 0)) {
            s->use_mbedtls = value[0] == 'm';
        } else if (strcmp(option, "--time") == 0) {
            char *end;
            s->time = strtoll(value, &end, 10);
            if (*end != '\0' || end == value) {
                return 0;
            }
        } else {
            return 0;
        }
    }
    return s->port != NULL && s->anchors != NULL && (s->host == NULL) != (s->ip == NULL);
}

int main(int argc, char **argv)
{
    settings s = { .address = "127.0.0.1", .time = (int64_t)time(NULL) };
    if (!parse(argc, argv, &s)) {
        usage();
        return 2;
    }
    static tls t;
    static certificate_check check;
    static uint8_t ip[16];
    mbedtls_net_init(&t.net);
    mbedtls_entropy_init(&t.entropy);
    mbedtls_ctr_drbg_init(&t.drbg);
    mbedtls_ssl_config_init(&t.config);
    mbedtls_ssl_init(&t.ssl);
    mbedtls_x509_crt_init(&t.anchors);

    int exit_status = 2;
    int ret = mbedtls_x509_crt_parse_file(&t.anchors, s.anchors);
    if (ret != 0) {
        print_mbedtls_error(s.anchors, ret);
    } else if (setup_iotcert(&s, &t.anchors, &check, ip)) {
        exit_status = run(&t, &s, &check);
    }

    mbedtls_net_free(&t.net);
    mbedtls_ssl_free(&t.ssl);
    mbedtls_ssl_config_free(&t.config);
    mbedtls_ctr_drbg_free(&t.drbg);
    mbedtls_entropy_free(&t.entropy);
    mbedtls_x509_crt_free(&t.anchors);
    return exit_status;
}
