/*
 * iotcert_mbedtls_ssl.c -- iotcert as Mbed TLS 2.28's certificate check (see the header).
 *
 * Mbed TLS 2.28 keeps its handshake state machine in public fields (ssl->state,
 * ssl->session_negotiate, conf->endpoint); the stepping below relies on them, as the
 * library's own mbedtls_ssl_handshake() does. Mbed TLS 3 made them private: a port to it
 * would use its verify callback with a CA callback instead.
 */
#include "iotcert_mbedtls_ssl.h"

#include <string.h>

#if !defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
#error "iotcert_mbedtls_ssl needs MBEDTLS_SSL_KEEP_PEER_CERTIFICATE (the parsed peer chain)"
#endif

void iotcert_mbedtls_check_init(iotcert_mbedtls_check *check, const iotcert_trust *trust,
                                const iotcert_options *options, void *workspace,
                                size_t workspace_len)
{
    if (check == NULL) {
        return;
    }
    memset(check, 0, sizeof *check);
    check->trust = trust;
    if (options != NULL) {
        check->options = *options;
    } else {
        iotcert_options_init(&check->options);
    }
    check->workspace = workspace;
    check->workspace_len = workspace_len;
    check->status = IOTCERT_MBEDTLS_NOT_CHECKED;
    check->result.struct_size = sizeof check->result;
    /* As iotcert_verify leaves them when no single certificate is at fault, for a refusal
     * made here (too many certificates, none). */
    check->result.status = IOTCERT_MBEDTLS_NOT_CHECKED;
    check->result.anchor_index = -1;
    check->result.failing_index = -1;
}

int iotcert_mbedtls_attach(mbedtls_ssl_config *conf)
{
    if (conf == NULL) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    /* A client that says NONE still parses the server's chain; a server that says NONE
     * would not even ask for a client certificate, so it says OPTIONAL (see the header). */
    mbedtls_ssl_conf_authmode(conf, conf->endpoint == MBEDTLS_SSL_IS_CLIENT
                                        ? MBEDTLS_SSL_VERIFY_NONE
                                        : MBEDTLS_SSL_VERIFY_OPTIONAL);
    mbedtls_ssl_conf_ca_chain(conf, NULL, NULL);
    mbedtls_ssl_conf_verify(conf, NULL, NULL);
    return 0;
}

uint32_t iotcert_mbedtls_flags(int status)
{
    switch (status) {
    case IOTCERT_OK:
        return 0;
    case IOTCERT_ERR_PATH_EXPIRED:
    case IOTCERT_ERR_PATH_ANCHOR_EXPIRED:
        return MBEDTLS_X509_BADCERT_EXPIRED;
    case IOTCERT_ERR_PATH_NOT_YET_VALID:
        return MBEDTLS_X509_BADCERT_FUTURE;
    case IOTCERT_ERR_PATH_PEER_NAME_MISMATCH:
    case IOTCERT_ERR_PATH_NO_SUBJECT_ALT_NAME:
        return MBEDTLS_X509_BADCERT_CN_MISMATCH;
    case IOTCERT_ERR_PATH_REVOKED:
        return MBEDTLS_X509_BADCERT_REVOKED;
    case IOTCERT_ERR_PATH_LEAF_KEY_USAGE:
        return MBEDTLS_X509_BADCERT_KEY_USAGE;
    case IOTCERT_ERR_PATH_LEAF_EXTENDED_KEY_USAGE:
        return MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
    case IOTCERT_MBEDTLS_NOT_CHECKED:
        return MBEDTLS_X509_BADCERT_MISSING;
    default:
        return MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    }
}

unsigned char iotcert_mbedtls_alert(int status)
{
    switch (status) {
    case IOTCERT_ERR_PATH_EXPIRED:
    case IOTCERT_ERR_PATH_ANCHOR_EXPIRED:
    case IOTCERT_ERR_PATH_NOT_YET_VALID:
        return MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED;
    case IOTCERT_ERR_PATH_REVOKED:
        return MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED;
    case IOTCERT_ERR_PATH_NO_TRUST_ANCHOR:
        return MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA;
    case IOTCERT_ERR_PATH_LEAF_KEY_USAGE:
    case IOTCERT_ERR_PATH_LEAF_EXTENDED_KEY_USAGE:
    case IOTCERT_ERR_CERT_UNSUPPORTED_SIGNATURE_ALGORITHM:
    case IOTCERT_ERR_CERT_UNSUPPORTED_KEY_ALGORITHM:
    case IOTCERT_ERR_CERT_UNSUPPORTED_CURVE:
        return MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT;
    case IOTCERT_MBEDTLS_NOT_CHECKED:
        return MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    case IOTCERT_ERR_WORKSPACE_EXHAUSTED:
    case IOTCERT_ERR_INVALID_ARGUMENT:
    case IOTCERT_ERR_CRYPTO_FAILURE:
        return MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR;
    default:
        return MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
    }
}

/* iotcert's verdict on the chain Mbed TLS parsed from the peer's Certificate message. */
static int check_peer(mbedtls_ssl_context *ssl, iotcert_mbedtls_check *check)
{
    iotcert_buffer chain[IOTCERT_MBEDTLS_CHAIN_MAX];
    size_t n = 0;
    const mbedtls_x509_crt *c = ssl->session_negotiate->peer_cert;
    /* Mbed TLS parsed the whole message, so the list is as long as the record allows. */
    for (; c != NULL && c->raw.p != NULL; c = c->next) {
        if (n < IOTCERT_MBEDTLS_CHAIN_MAX) {
            chain[n] = (iotcert_buffer){ c->raw.p, c->raw.len };
        }
        n++;
    }
    check->presented = n;
    if (n > IOTCERT_MBEDTLS_CHAIN_MAX) {
        check->result.status = IOTCERT_ERR_TOO_MANY_CERTIFICATES;
        return IOTCERT_ERR_TOO_MANY_CERTIFICATES;
    }
    if (n == 0) {
        return IOTCERT_MBEDTLS_NOT_CHECKED; /* a server's peer that sent no certificate */
    }
    check->result.struct_size = sizeof check->result;
    return iotcert_verify(check->trust, chain, n, &check->options, check->workspace,
                          check->workspace_len, &check->result);
}

/* Ends the handshake on iotcert's refusal: the alert, and Mbed TLS's flags to match. */
static int refuse(mbedtls_ssl_context *ssl, iotcert_mbedtls_check *check)
{
    if (ssl->session_negotiate != NULL) {
        ssl->session_negotiate->verify_result = iotcert_mbedtls_flags(check->status);
    }
    (void)mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                         iotcert_mbedtls_alert(check->status));
    return IOTCERT_MBEDTLS_ERR_REFUSED;
}

int iotcert_mbedtls_handshake(mbedtls_ssl_context *ssl, iotcert_mbedtls_check *check)
{
    if (ssl == NULL || check == NULL || ssl->conf == NULL) {
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    if (check->status != IOTCERT_MBEDTLS_NOT_CHECKED && check->status != IOTCERT_OK) {
        return IOTCERT_MBEDTLS_ERR_REFUSED; /* a refused handshake stays refused */
    }
    const int peer_certificate = ssl->conf->endpoint == MBEDTLS_SSL_IS_CLIENT
                                     ? MBEDTLS_SSL_SERVER_CERTIFICATE
                                     : MBEDTLS_SSL_CLIENT_CERTIFICATE;
    while (ssl->state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        const int before = ssl->state;
        int ret = mbedtls_ssl_handshake_step(ssl);
        if (ret != 0) {
            return ret; /* WANT_READ/WRITE resume in the same state */
        }
        /* The step that read the peer's Certificate message has just ended. */
        if (before == peer_certificate && ssl->state != peer_certificate &&
            check->status == IOTCERT_MBEDTLS_NOT_CHECKED) {
            check->status = check_peer(ssl, check);
            if (check->status != IOTCERT_OK) {
                return refuse(ssl, check);
            }
            ssl->session_negotiate->verify_result = 0;
        }
    }
    if (check->status != IOTCERT_OK) {
        return IOTCERT_MBEDTLS_ERR_REFUSED; /* a handshake without a certificate to check */
    }
    return 0;
}

int iotcert_mbedtls_own_chain(const iotcert_trust *trust, mbedtls_x509_crt *chain)
{
    iotcert_bundle_info info = { .struct_size = sizeof info };
    if (trust == NULL || chain == NULL || iotcert_bundle_get_info(trust, &info) != IOTCERT_OK ||
        info.device_chain == 0) {
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    }
    for (uint32_t i = 0; i < info.device_chain; i++) {
        iotcert_buffer der;
        if (iotcert_bundle_device_certificate(trust, i, &der) != IOTCERT_OK) {
            return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
        }
        int ret = mbedtls_x509_crt_parse_der_nocopy(chain, der.data, der.len);
        if (ret != 0) {
            return ret;
        }
    }
    return 0;
}
