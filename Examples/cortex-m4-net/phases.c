/*
 * phases.c -- the timing wrappers of phases.h.
 */
#include "phases.h"

#include "firmware.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

static uint64_t ticks[PHASE_COUNT];
static int measuring;

void phases_begin(void)
{
    measuring = 1;
}

void phases_end(void)
{
    measuring = 0;
}

uint64_t phases_ticks(phase which)
{
    return ticks[which];
}

const char *phases_name(phase which)
{
    static const char *const names[PHASE_COUNT] = {
        "phase_ecdh_instructions",
        "phase_ske_verify_instructions",
        "phase_sign_instructions",
        "phase_x509_parse_instructions",
    };
    return names[which];
}

static void add(phase which, uint64_t since)
{
    if (measuring) {
        ticks[which] += fw_ticks_now() - since;
    }
}

/* --- The wrappers, as the linker's --wrap names them ------------------------------------- */

/* The two ECDH steps share a signature and a phase: one definition makes both wrappers. */
#define ECDH_WRAPPER(name)                                                                     \
    int __real_##name(mbedtls_ecdh_context *, size_t *, unsigned char *, size_t,              \
                      int (*)(void *, unsigned char *, size_t), void *);                      \
    int __wrap_##name(mbedtls_ecdh_context *, size_t *, unsigned char *, size_t,              \
                      int (*)(void *, unsigned char *, size_t), void *);                      \
    int __wrap_##name(mbedtls_ecdh_context *ctx, size_t *olen, unsigned char *buf,            \
                      size_t blen, int (*f_rng)(void *, unsigned char *, size_t),             \
                      void *p_rng)                                                            \
    {                                                                                          \
        uint64_t start = fw_ticks_now();                                                       \
        int ret = __real_##name(ctx, olen, buf, blen, f_rng, p_rng);                           \
        add(PHASE_ECDH, start);                                                                \
        return ret;                                                                            \
    }

ECDH_WRAPPER(mbedtls_ecdh_make_public)
ECDH_WRAPPER(mbedtls_ecdh_calc_secret)

int __real_mbedtls_ecdsa_read_signature(mbedtls_ecdsa_context *, const unsigned char *, size_t,
                                        const unsigned char *, size_t);
int __wrap_mbedtls_ecdsa_read_signature(mbedtls_ecdsa_context *, const unsigned char *, size_t,
                                        const unsigned char *, size_t);
int __wrap_mbedtls_ecdsa_read_signature(mbedtls_ecdsa_context *ctx, const unsigned char *hash,
                                        size_t hlen, const unsigned char *sig, size_t slen)
{
    uint64_t start = fw_ticks_now();
    int ret = __real_mbedtls_ecdsa_read_signature(ctx, hash, hlen, sig, slen);
    add(PHASE_SKE_VERIFY, start);
    return ret;
}

int __real_mbedtls_pk_sign_restartable(mbedtls_pk_context *, mbedtls_md_type_t,
                                       const unsigned char *, size_t, unsigned char *, size_t *,
                                       int (*)(void *, unsigned char *, size_t), void *,
                                       mbedtls_pk_restart_ctx *);
int __wrap_mbedtls_pk_sign_restartable(mbedtls_pk_context *, mbedtls_md_type_t,
                                       const unsigned char *, size_t, unsigned char *, size_t *,
                                       int (*)(void *, unsigned char *, size_t), void *,
                                       mbedtls_pk_restart_ctx *);
int __wrap_mbedtls_pk_sign_restartable(mbedtls_pk_context *ctx, mbedtls_md_type_t md_alg,
                                       const unsigned char *hash, size_t hash_len,
                                       unsigned char *sig, size_t *sig_len,
                                       int (*f_rng)(void *, unsigned char *, size_t),
                                       void *p_rng, mbedtls_pk_restart_ctx *rs_ctx)
{
    uint64_t start = fw_ticks_now();
    int ret = __real_mbedtls_pk_sign_restartable(ctx, md_alg, hash, hash_len, sig, sig_len,
                                                 f_rng, p_rng, rs_ctx);
    add(PHASE_SIGN, start);
    return ret;
}

/* Both ways of parsing a certificate into a chain, copying or not, count as X.509 parsing. */
#define X509_PARSE_WRAPPER(name)                                                               \
    int __real_##name(mbedtls_x509_crt *, const unsigned char *, size_t);                     \
    int __wrap_##name(mbedtls_x509_crt *, const unsigned char *, size_t);                     \
    int __wrap_##name(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)          \
    {                                                                                          \
        uint64_t start = fw_ticks_now();                                                       \
        int ret = __real_##name(chain, buf, len);                                              \
        add(PHASE_X509_PARSE, start);                                                          \
        return ret;                                                                            \
    }

X509_PARSE_WRAPPER(mbedtls_x509_crt_parse_der)
X509_PARSE_WRAPPER(mbedtls_x509_crt_parse_der_nocopy)
