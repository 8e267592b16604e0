/*
 * phases.h -- where a handshake's instructions go, measured on the device.
 *
 * Linked with -Wl,--wrap for the Mbed TLS calls named below, so each is timed with SysTick
 * where the SSL module calls it (calls inside one object file are not redirected; none of
 * these is). Only calls made between phases_begin() and phases_end() count.
 */
#ifndef IOTCERT_FW_PHASES_H
#define IOTCERT_FW_PHASES_H

#include <stdint.h>

typedef enum phase {
    PHASE_ECDH,        /* mbedtls_ecdh_make_public + mbedtls_ecdh_calc_secret: ECDHE */
    PHASE_SKE_VERIFY,  /* mbedtls_ecdsa_read_signature: the ServerKeyExchange signature */
    PHASE_SIGN,        /* mbedtls_pk_sign_restartable: the device's CertificateVerify */
    PHASE_X509_PARSE,  /* mbedtls_x509_crt_parse_der(_nocopy): the broker's chain */
    PHASE_COUNT
} phase;

void phases_begin(void);
void phases_end(void);
/* SysTick ticks spent in `which` while measuring. */
uint64_t phases_ticks(phase which);
/* Its label in the run's metric lines. */
const char *phases_name(phase which);

#endif /* IOTCERT_FW_PHASES_H */
