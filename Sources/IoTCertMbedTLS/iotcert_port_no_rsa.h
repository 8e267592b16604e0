/*
 * iotcert_port_no_rsa.h -- iotcert_port_rsa_verify for a port built without RSA: every RSA
 * signature is IOTCERT_PORT_UNSUPPORTED, whatever its arguments. Included by
 * Sources/IoTCertP256m/iotcert_port_p256m.c (P-256 only) and by iotcert_port_mbedtls.c when
 * its Mbed TLS configuration leaves RSA out. It defines the port's exported function, so a
 * port includes it once, in the file that would otherwise define that function.
 */
#ifndef IOTCERT_PORT_NO_RSA_H
#define IOTCERT_PORT_NO_RSA_H

#include "iotcert_port.h"

int iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                            uint32_t hash_alg, const uint8_t *hash, size_t hash_len,
                            const uint8_t *sig, size_t sig_len)
{
    (void)n;
    (void)n_len;
    (void)e;
    (void)e_len;
    (void)hash_alg;
    (void)hash;
    (void)hash_len;
    (void)sig;
    (void)sig_len;
    return IOTCERT_PORT_UNSUPPORTED;
}

#endif /* IOTCERT_PORT_NO_RSA_H */
