/*
 * mbedtls_count.c -- the counting side of the link-time wrappers (see mbedtls_count.h).
 */
#include "mbedtls_count.h"

#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

static mbedtls_count counts;

mbedtls_count mbedtls_count_get(void)
{
    return counts;
}

void mbedtls_count_reset(void)
{
    counts = (mbedtls_count){ 0 };
}

/* The real functions, as the linker's --wrap names them. */
int __real_mbedtls_pk_verify_ext(mbedtls_pk_type_t type, const void *options,
                                 mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                                 const unsigned char *hash, size_t hash_len,
                                 const unsigned char *sig, size_t sig_len);
int __real_mbedtls_pk_verify_restartable(mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                                         const unsigned char *hash, size_t hash_len,
                                         const unsigned char *sig, size_t sig_len,
                                         mbedtls_pk_restart_ctx *rs_ctx);
int __real_mbedtls_x509_crt_verify_restartable(
    mbedtls_x509_crt *crt, mbedtls_x509_crt *trust_ca, mbedtls_x509_crl *ca_crl,
    const mbedtls_x509_crt_profile *profile, const char *cn, uint32_t *flags,
    int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *), void *p_vrfy,
    mbedtls_x509_crt_restart_ctx *rs_ctx);

int __wrap_mbedtls_pk_verify_ext(mbedtls_pk_type_t type, const void *options,
                                 mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                                 const unsigned char *hash, size_t hash_len,
                                 const unsigned char *sig, size_t sig_len);
int __wrap_mbedtls_pk_verify_ext(mbedtls_pk_type_t type, const void *options,
                                 mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                                 const unsigned char *hash, size_t hash_len,
                                 const unsigned char *sig, size_t sig_len)
{
    counts.certificate_signatures++;
    return __real_mbedtls_pk_verify_ext(type, options, ctx, md_alg, hash, hash_len, sig,
                                        sig_len);
}

int __wrap_mbedtls_pk_verify_restartable(mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                                         const unsigned char *hash, size_t hash_len,
                                         const unsigned char *sig, size_t sig_len,
                                         mbedtls_pk_restart_ctx *rs_ctx);
int __wrap_mbedtls_pk_verify_restartable(mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                                         const unsigned char *hash, size_t hash_len,
                                         const unsigned char *sig, size_t sig_len,
                                         mbedtls_pk_restart_ctx *rs_ctx)
{
    counts.handshake_signatures++;
    return __real_mbedtls_pk_verify_restartable(ctx, md_alg, hash, hash_len, sig, sig_len,
                                                rs_ctx);
}

int __real_mbedtls_pk_verify(mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                             const unsigned char *hash, size_t hash_len,
                             const unsigned char *sig, size_t sig_len);
int __wrap_mbedtls_pk_verify(mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                             const unsigned char *hash, size_t hash_len,
                             const unsigned char *sig, size_t sig_len);
int __wrap_mbedtls_pk_verify(mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                             const unsigned char *hash, size_t hash_len,
                             const unsigned char *sig, size_t sig_len)
{
    counts.handshake_signatures++;
    return __real_mbedtls_pk_verify(ctx, md_alg, hash, hash_len, sig, sig_len);
}

int __wrap_mbedtls_x509_crt_verify_restartable(
    mbedtls_x509_crt *crt, mbedtls_x509_crt *trust_ca, mbedtls_x509_crl *ca_crl,
    const mbedtls_x509_crt_profile *profile, const char *cn, uint32_t *flags,
    int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *), void *p_vrfy,
    mbedtls_x509_crt_restart_ctx *rs_ctx);
int __wrap_mbedtls_x509_crt_verify_restartable(
    mbedtls_x509_crt *crt, mbedtls_x509_crt *trust_ca, mbedtls_x509_crl *ca_crl,
    const mbedtls_x509_crt_profile *profile, const char *cn, uint32_t *flags,
    int (*f_vrfy)(void *, mbedtls_x509_crt *, int, uint32_t *), void *p_vrfy,
    mbedtls_x509_crt_restart_ctx *rs_ctx)
{
    counts.chain_verifications++;
    return __real_mbedtls_x509_crt_verify_restartable(crt, trust_ca, ca_crl, profile, cn,
                                                      flags, f_vrfy, p_vrfy, rs_ctx);
}
