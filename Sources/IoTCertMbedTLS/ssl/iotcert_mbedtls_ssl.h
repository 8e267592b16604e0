/*
 * iotcert_mbedtls_ssl.h -- iotcert as the certificate check of Mbed TLS 2.28's SSL module,
 * in one call, for a client (a device that connects to a broker or server) or a server
 * (a service that authenticates devices by their client certificate).
 *
 * WHAT IT DOES
 *
 * iotcert_mbedtls_attach() configures an mbedtls_ssl_config so that Mbed TLS verifies no
 * certificate itself, and iotcert_mbedtls_handshake() drives the handshake one step at a
 * time in place of mbedtls_ssl_handshake(): in the step right after Mbed TLS has parsed the
 * peer's Certificate message, it hands the chain exactly as received (DER, in the order
 * sent) to iotcert_verify() with the caller's trust, options and workspace. When iotcert
 * refuses, the handshake stops there: a fatal alert matching iotcert's status is sent
 * (unknown_ca, certificate_expired, bad_certificate, ...) and the call returns
 * IOTCERT_MBEDTLS_ERR_REFUSED with the status in check->status. The client has then sent
 * nothing beyond its hello; the server has not read the client's key exchange.
 *
 * Why not Mbed TLS's verify callback: Mbed TLS calls it only after its own chain search,
 * which checks the signature of every presented certificate whose issuer name matches
 * another. Here Mbed TLS spends no signature check on certificates:
 *  - client: authmode VERIFY_NONE, so Mbed TLS parses the server's chain but neither
 *    searches nor verifies it (no CA list, no callback);
 *  - server: authmode VERIFY_OPTIONAL, the least that makes Mbed TLS request and parse a
 *    client certificate, with no CA list: Mbed TLS's search then has no anchor to find
 *    and checks a signature only where one sent certificate names another as its issuer
 *    (none for a device that sends its leaf alone, the common case, since the server
 *    stores the device-issuing CAs in its trust). Its verdict is ignored; iotcert decides.
 * After the check, mbedtls_ssl_get_verify_result() reports iotcert's verdict as Mbed TLS
 * flags.
 *
 * NEEDS
 *
 * MBEDTLS_SSL_KEEP_PEER_CERTIFICATE (Mbed TLS's default), so the parsed chain is still
 * there after the Certificate message. No session resumption: a handshake that ends
 * without a certificate having been checked is refused (IOTCERT_MBEDTLS_ERR_REFUSED,
 * check->status IOTCERT_MBEDTLS_NOT_CHECKED). No allocation here; iotcert's workspace is
 * the caller's. Mbed TLS still parses the peer's certificates (it needs the leaf's key): a
 * certificate its parser refuses (an unknown critical extension, say) ends the handshake
 * with Mbed TLS's error before iotcert sees the chain, check->status still
 * IOTCERT_MBEDTLS_NOT_CHECKED.
 *
 * USE (a device)
 *
 *     static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];
 *     static iotcert_mbedtls_check check;
 *     iotcert_options opt;
 *     iotcert_options_init(&opt);
 *     opt.time = now; opt.peer_kind = IOTCERT_PEER_DNS;
 *     opt.peer = (const uint8_t *)"broker.example"; opt.peer_len = 14;
 *     iotcert_mbedtls_check_init(&check, &trust, &opt, workspace, sizeof workspace);
 *     mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, ...);
 *     iotcert_mbedtls_attach(&conf);
 *     iotcert_mbedtls_own_chain(&trust, &own);     the device's chain from the bundle
 *     mbedtls_ssl_conf_own_cert(&conf, &own, &key);
 *     mbedtls_ssl_setup(&ssl, &conf); ... set_bio ...
 *     int ret;
 *     do ret = iotcert_mbedtls_handshake(&ssl, &check);
 *     while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
 *     if (ret == IOTCERT_MBEDTLS_ERR_REFUSED) log(iotcert_strerror(check.status));
 *
 * The caller keeps `trust` (and the bundle under it) and the workspace alive for the
 * handshake; `own` points into the bundle (parsed without copying).
 */
#ifndef IOTCERT_MBEDTLS_SSL_H
#define IOTCERT_MBEDTLS_SSL_H

#include "iotcert.h"

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What iotcert_mbedtls_handshake returns when iotcert refused the peer (Mbed TLS's own
 * "certificate verification failed" code, so existing error handling applies). */
#define IOTCERT_MBEDTLS_ERR_REFUSED MBEDTLS_ERR_X509_CERT_VERIFY_FAILED

/* check->status before the peer's certificate was checked. */
#define IOTCERT_MBEDTLS_NOT_CHECKED (-1)

/* Certificates a peer may send that are passed on: iotcert's default presented_max (64;
 * BetterTLS sends up to 36). The list of pointers lives on the handshake's stack (8 bytes a
 * certificate on a 32-bit device). Mbed TLS's own bound on one handshake message
 * (MBEDTLS_SSL_IN_CONTENT_LEN, 16 KB by default) usually comes first. */
#define IOTCERT_MBEDTLS_CHAIN_MAX 64

typedef struct iotcert_mbedtls_check {
    /* Set by iotcert_mbedtls_check_init; the caller may adjust options before the
     * handshake (e.g. the time, once it is known). */
    const iotcert_trust *trust;
    iotcert_options options;
    void *workspace;
    size_t workspace_len;
    /* Filled by the check: iotcert's status (IOTCERT_MBEDTLS_NOT_CHECKED until then), its
     * result record, and how many certificates the peer sent. */
    int status;
    iotcert_result result;
    size_t presented;
} iotcert_mbedtls_check;

/* Prepares `check` for one handshake; `options` is copied. NULL check is ignored. */
void iotcert_mbedtls_check_init(iotcert_mbedtls_check *check, const iotcert_trust *trust,
                                const iotcert_options *options, void *workspace,
                                size_t workspace_len);

/*
 * Makes `conf` (after mbedtls_ssl_config_defaults) leave certificate checks to
 * iotcert_mbedtls_handshake: authmode and no CA list, as described above. Call again if
 * the application changes authmode or the CA list later.
 * Returns 0, or MBEDTLS_ERR_SSL_BAD_INPUT_DATA for NULL.
 */
int iotcert_mbedtls_attach(mbedtls_ssl_config *conf);

/*
 * mbedtls_ssl_handshake() with iotcert's check of the peer's chain (see above). Returns 0
 * when the handshake completed and iotcert accepted the peer; MBEDTLS_ERR_SSL_WANT_READ /
 * _WANT_WRITE on a non-blocking transport (call again); IOTCERT_MBEDTLS_ERR_REFUSED when
 * iotcert refused (check->status, check->result); MBEDTLS_ERR_SSL_BAD_INPUT_DATA for NULL
 * arguments; any other Mbed TLS error from the handshake itself. After a refusal every
 * further call with the same `check` returns IOTCERT_MBEDTLS_ERR_REFUSED again; the
 * context is done (mbedtls_ssl_session_reset() or mbedtls_ssl_free(), never
 * mbedtls_ssl_handshake(), which would carry on past the refused certificate).
 */
int iotcert_mbedtls_handshake(mbedtls_ssl_context *ssl, iotcert_mbedtls_check *check);

/*
 * Parses the device's own chain stored in the bundle `trust` was opened from
 * (iotcert_bundle_device_certificate), leaf first, into `chain` (initialised by the caller)
 * without copying: `chain` points into the bundle. For mbedtls_ssl_conf_own_cert().
 * Returns 0; MBEDTLS_ERR_X509_BAD_INPUT_DATA when `trust` is not a bundle or carries no
 * device chain; an Mbed TLS parse error.
 */
int iotcert_mbedtls_own_chain(const iotcert_trust *trust, mbedtls_x509_crt *chain);

/* The TLS alert (MBEDTLS_SSL_ALERT_MSG_*) that reports iotcert status `status`. */
unsigned char iotcert_mbedtls_alert(int status);

/* The Mbed TLS verification flags (MBEDTLS_X509_BADCERT_*) that stand for `status`. */
uint32_t iotcert_mbedtls_flags(int status);

#ifdef __cplusplus
}
#endif

#endif /* IOTCERT_MBEDTLS_SSL_H */
