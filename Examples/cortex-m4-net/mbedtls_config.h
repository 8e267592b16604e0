/*
 * mbedtls_config.h -- Mbed TLS 2.28 configuration for the networked Cortex-M4 firmware.
 *
 * A TLS 1.2 client with one cipher suite, ECDHE-ECDSA-AES128-GCM-SHA256, that presents the
 * device's certificate chain (mutual TLS) and leaves the broker's chain to iotcert. It is
 * Examples/cortex-m4/mbedtls_config.h (what the crypto port needs: SHA-2, ECDSA P-256/P-384,
 * RSA verification, the static heap; included at the end, which also runs Mbed TLS's
 * consistency check) plus what the SSL module needs: AES-GCM, ECDH, a DRBG fed by the
 * device's entropy source, X.509 certificate parsing (Mbed TLS reads the broker's key out
 * of its certificate to check the key exchange signature) and private-key parsing.
 *
 * Records are bounded (MBEDTLS_SSL_IN/OUT_CONTENT_LEN below): Mbed TLS 2.28 allocates its
 * two record buffers from these at mbedtls_ssl_setup; a handshake message must fit one
 * record (it does not reassemble fragmented handshake messages over TLS).
 */
#ifndef IOTCERT_NET_MBEDTLS_CONFIG_H
#define IOTCERT_NET_MBEDTLS_CONFIG_H

/* --- Key exchange, ciphers, random numbers ------------------------------------------------ */

#define MBEDTLS_ECDH_C
#define MBEDTLS_AES_C
/* The 8 KB of T-tables in flash become 2 KB; AES is a small share of a handshake. */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
/* The device's entropy source is added by transport.c (mbedtls_entropy_add_source); there
 * is no operating system to ask. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_CTR_DRBG_C

/* --- Keys and certificates ---------------------------------------------------------------- */

#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

/* --- TLS ---------------------------------------------------------------------------------- */

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
/* Incoming: the largest record the broker sends. Its Certificate message (two ECDSA
 * certificates, about 1.2 KB in the test PKI) must fit one record, and MQTT replies are a
 * few bytes. A broker that sent records above 4 KB would make the handshake fail with
 * MBEDTLS_ERR_SSL_INVALID_RECORD, not overrun a buffer. Outgoing: the device's own chain
 * (about the same size) and MQTT packets of a few hundred bytes. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 4096
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
/* iotcert_mbedtls_handshake reads the broker's parsed chain after the Certificate message
 * (Sources/IoTCertMbedTLS/ssl); Mbed TLS frees it with the session. */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE

/* --- Elliptic-curve speed ------------------------------------------------------------------ */

/* A handshake multiplies the generator several times (the ECDHE key pair, the chain and
 * ServerKeyExchange checks, CertificateVerify) and this device's heap is sized for TLS
 * records anyway, so it keeps the generator's comb table (window 4) that the verifier-only
 * configuration below leaves out to save RAM; MPI window 2 as before. */
#define MBEDTLS_ECP_WINDOW_SIZE 4
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1
#define MBEDTLS_MPI_WINDOW_SIZE 2

/* The crypto port's configuration, and Mbed TLS's check of the whole. */
#include "../cortex-m4/mbedtls_config.h"

#endif /* IOTCERT_NET_MBEDTLS_CONFIG_H */
