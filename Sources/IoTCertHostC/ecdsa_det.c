/* Deterministic ECDSA (RFC 6979) for `iotcert gen` and `pack --sign-key`, so that a
 * demonstration PKI and a signed bundle are byte-identical from run to run: swift-crypto
 * randomizes its ECDSA nonces and offers no deterministic mode; Mbed TLS 2.28 has
 * mbedtls_ecdsa_sign_det_ext. The blinding generator below only masks the computation (it
 * never changes the signature), so a fixed stream is enough on a host tool. */

#include "iotcert_host.h"

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <string.h>

static int blinding_bytes(void *context, unsigned char *out, size_t len) {
    unsigned *counter = context;
    for (size_t i = 0; i < len; i++) out[i] = (unsigned char)(0x5A ^ (*counter)++);
    return 0;
}

int iotcert_host_ecdsa_sign_det(unsigned curve_bits, const uint8_t *scalar, size_t scalar_len,
                                const uint8_t *hash, size_t hash_len, uint8_t *r_out,
                                uint8_t *s_out) {
    mbedtls_ecp_group grp;
    mbedtls_mpi d, r, s;
    unsigned counter = 0;
    size_t size = curve_bits / 8;
    mbedtls_ecp_group_id id = curve_bits == 256 ? MBEDTLS_ECP_DP_SECP256R1
                            : curve_bits == 384 ? MBEDTLS_ECP_DP_SECP384R1 : MBEDTLS_ECP_DP_NONE;
    mbedtls_md_type_t md = hash_len == 32 ? MBEDTLS_MD_SHA256
                         : hash_len == 48 ? MBEDTLS_MD_SHA384
                         : hash_len == 64 ? MBEDTLS_MD_SHA512 : MBEDTLS_MD_NONE;
    int ret;
    if (id == MBEDTLS_ECP_DP_NONE || md == MBEDTLS_MD_NONE || scalar_len != size) {
        return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    mbedtls_ecp_group_init(&grp);
    mbedtls_mpi_init(&d);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    ret = mbedtls_ecp_group_load(&grp, id);
    if (ret == 0) ret = mbedtls_mpi_read_binary(&d, scalar, scalar_len);
    if (ret == 0) {
        ret = mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, hash, hash_len, md, blinding_bytes,
                                         &counter);
    }
    if (ret == 0) ret = mbedtls_mpi_write_binary(&r, r_out, size);
    if (ret == 0) ret = mbedtls_mpi_write_binary(&s, s_out, size);
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&d);
    mbedtls_ecp_group_free(&grp);
    return ret;
}
