/*
 * mbedtls_count.h -- counts the signature checks Mbed TLS makes on its own, so a test can
 * show that iotcert's attachment leaves it none to make on certificates.
 *
 * The program is linked with Mbed TLS's static libraries and
 *     -Wl,--wrap=mbedtls_pk_verify_ext -Wl,--wrap=mbedtls_x509_crt_verify_restartable
 *     -Wl,--wrap=mbedtls_pk_verify_restartable -Wl,--wrap=mbedtls_pk_verify
 * so that every call from Mbed TLS's X.509 and SSL code to these functions goes through the
 * counters in mbedtls_count.c first (calls inside one object file are not redirected, and
 * none of these is called from its own file). What each counts:
 *   certificate_signatures  mbedtls_pk_verify_ext: the X.509 module checking a
 *                           certificate's (or CRL's) signature, the only way it does.
 *   chain_verifications     mbedtls_x509_crt_verify_restartable: the SSL module running
 *                           Mbed TLS's own chain search.
 *   handshake_signatures    mbedtls_pk_verify_restartable and mbedtls_pk_verify: the SSL
 *                           module checking the peer's handshake signature (a client the
 *                           ServerKeyExchange, a server the client's CertificateVerify),
 *                           which is TLS, not certificate, work. (Mbed TLS's X.509 code
 *                           would call the first too, for certificates, only with
 *                           MBEDTLS_ECP_RESTARTABLE, which this build does not define.)
 * iotcert's own checks go through its port (mbedtls_ecdsa_verify), not through these.
 */
#ifndef IOTCERT_EXAMPLE_MBEDTLS_COUNT_H
#define IOTCERT_EXAMPLE_MBEDTLS_COUNT_H

#include <stdint.h>

typedef struct mbedtls_count {
    uint32_t certificate_signatures;
    uint32_t chain_verifications;
    uint32_t handshake_signatures;
} mbedtls_count;

/* The counts since start-up or the last mbedtls_count_reset(). */
mbedtls_count mbedtls_count_get(void);

void mbedtls_count_reset(void);

#endif /* IOTCERT_EXAMPLE_MBEDTLS_COUNT_H */
