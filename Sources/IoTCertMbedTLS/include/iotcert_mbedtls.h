/*
 * iotcert_mbedtls.h -- extras of the default crypto port (Mbed TLS 2.28).
 *
 * The port itself is the interface in Include/iotcert_port.h; this file only adds what tests
 * and benchmarks need to see inside it. It deliberately does not include iotcert_port.h:
 * Swift sees that header through the CIoTCert module, and including it here too would put
 * the same declarations in two Clang modules.
 *
 * Everything here is cheap (a few counters incremented next to the expensive calls) and
 * shares the port's threading rule: one thread at a time.
 */
#ifndef IOTCERT_MBEDTLS_H
#define IOTCERT_MBEDTLS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Work the port has done since start-up or the last iotcert_mbedtls_stats_reset(). */
typedef struct iotcert_mbedtls_stats {
    /* Calls that reached mbedtls_ecdsa_verify: signatures refused earlier (bad DER, key off
     * the curve, unknown curve) are not counted, so a test can tell a memo hit, which must
     * do no elliptic-curve math, from a miss. */
    uint32_t ecdsa_verifies;
    /* Calls that reached mbedtls_rsa_pkcs1_verify, likewise. */
    uint32_t rsa_verifies;
    /* mbedtls_ecp_group_load calls: one per curve until iotcert_port_release, which shows
     * that groups (and their precomputed tables) are reused between verifications. */
    uint32_t group_loads;
} iotcert_mbedtls_stats;

/* Copies the counters to `out` (ignored when NULL). */
void iotcert_mbedtls_stats_get(iotcert_mbedtls_stats *out);

/* Sets every counter to zero. Does not touch the loaded groups. */
void iotcert_mbedtls_stats_reset(void);

/*
 * 1 when the group of `curve` (IOTCERT_CURVE_*) is loaded and holds Mbed TLS's precomputed
 * multiples of the generator (grp->T, built by the first verification on that curve), 0
 * otherwise, including for unknown curves.
 */
int iotcert_mbedtls_generator_table_cached(uint32_t curve);

#ifdef __cplusplus
}
#endif

#endif /* IOTCERT_MBEDTLS_H */
