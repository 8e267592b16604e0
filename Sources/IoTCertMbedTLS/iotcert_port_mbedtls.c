/*
 * iotcert_port_mbedtls.c -- the default crypto port (Include/iotcert_port.h) over Mbed TLS 2.28.
 *
 * Builds for the host (Debian libmbedtls-dev, -lmbedcrypto) and for bare-metal Cortex-M
 * against a cross-compiled Mbed TLS: C99 and Mbed TLS headers only, no stdio, no allocation
 * of its own (Mbed TLS allocates big numbers through its own calloc hook).
 *
 * State kept between calls: one mbedtls_ecp_group per curve, loaded on first use. Mbed TLS
 * 2.28 caches the comb table of multiples of the generator in the group it is handed
 * (ecp_mul_comb stores it in grp->T when the point being multiplied is grp->G, which is
 * always the case for the u1*G half of mbedtls_ecdsa_verify), so keeping the group keeps
 * the table, and every verification after the first on a curve skips its precomputation.
 * That needs MBEDTLS_ECP_FIXED_POINT_OPTIM == 1, Mbed TLS's default; with 0 the groups are
 * still reused but nothing is cached in them (the Cortex-M4 verifier's configuration,
 * Examples/cortex-m4/mbedtls_config.h, sets 0 to save RAM: the measured trade is there).
 *
 * Mapping of Mbed TLS errors (see the *_status functions): what says the certificate's
 * signature or key is wrong is IOTCERT_PORT_BAD_SIGNATURE; what says this build of Mbed TLS
 * lacks a feature is IOTCERT_PORT_UNSUPPORTED; out of memory and everything unexpected is
 * IOTCERT_PORT_FAILURE, so a platform problem is never blamed on a certificate.
 */
#include "iotcert_port.h"
#include "iotcert_mbedtls.h"
#include "iotcert_port_sha256.h"

#include "mbedtls/asn1.h"
#include "mbedtls/bignum.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha512.h"

/* ---- Mbed TLS error codes ---------------------------------------------------------------- */

/*
 * Mbed TLS 2.x error codes are negative and may add a high-level code (0x1000..0x7F80, e.g.
 * RSA_PUBLIC_FAILED) to the low-level code that caused it (0x0002..0x007F, e.g.
 * MPI_ALLOC_FAILED): compare each part on its own.
 */
static int err_high(int ret)
{
    return -((-ret) & 0x7F80);
}

static int err_low(int ret)
{
    return -((-ret) & 0x007F);
}

/* Out of memory anywhere in Mbed TLS: the platform's problem, never the certificate's. */
static int err_is_alloc(int ret)
{
    return err_low(ret) == MBEDTLS_ERR_MPI_ALLOC_FAILED ||
           err_low(ret) == MBEDTLS_ERR_ASN1_ALLOC_FAILED ||
           err_high(ret) == MBEDTLS_ERR_ECP_ALLOC_FAILED;
}

/* ---- counters ---------------------------------------------------------------------------- */

static iotcert_mbedtls_stats port_stats;

void iotcert_mbedtls_stats_get(iotcert_mbedtls_stats *out)
{
    if (out != NULL) {
        *out = port_stats;
    }
}

void iotcert_mbedtls_stats_reset(void)
{
    port_stats.ecdsa_verifies = 0;
    port_stats.rsa_verifies = 0;
    port_stats.group_loads = 0;
}

/* ---- hashes ------------------------------------------------------------------------------ */

/* SHA-384 is SHA-512 with other initial values, truncated: Mbed TLS's `is384` flag. */
static int hash_sha512(int is384, const iotcert_port_chunk *chunks, size_t count, uint8_t *out)
{
    mbedtls_sha512_context ctx;
    size_t i;
    int ret;

    mbedtls_sha512_init(&ctx);
    ret = mbedtls_sha512_starts_ret(&ctx, is384);
    for (i = 0; ret == 0 && i < count; i++) {
        if (chunks[i].len > 0) {
            ret = mbedtls_sha512_update_ret(&ctx, chunks[i].data, chunks[i].len);
        }
    }
    if (ret == 0) {
        ret = mbedtls_sha512_finish_ret(&ctx, out);
    }
    mbedtls_sha512_free(&ctx);
    return ret == 0 ? IOTCERT_PORT_OK : IOTCERT_PORT_FAILURE;
}

int iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks, size_t count,
                      uint8_t *out)
{
    if (!chunks_valid(chunks, count, out)) {
        return IOTCERT_PORT_FAILURE;
    }
    switch (hash_alg) {
    case IOTCERT_HASH_SHA256:
        return hash_sha256(chunks, count, out);
    case IOTCERT_HASH_SHA384:
#if defined(MBEDTLS_SHA512_NO_SHA384)
        /* A size-trimmed Mbed TLS build may leave SHA-384 out. */
        return IOTCERT_PORT_UNSUPPORTED;
#else
        return hash_sha512(1, chunks, count, out);
#endif
    case IOTCERT_HASH_SHA512:
        return hash_sha512(0, chunks, count, out);
    default:
        return IOTCERT_PORT_UNSUPPORTED;
    }
}

/* ---- curve groups, kept between calls ---------------------------------------------------- */

typedef struct curve_info {
    mbedtls_ecp_group_id group_id;
    size_t coord_len; /* bytes in one coordinate, and in the largest r or s */
} curve_info;

/* Indexed by IOTCERT_CURVE_* - 1. */
static const curve_info curves[] = {
    { MBEDTLS_ECP_DP_SECP256R1, 32 },
    { MBEDTLS_ECP_DP_SECP384R1, 48 },
};

#define CURVE_COUNT (sizeof curves / sizeof curves[0])

/*
 * Zero-initialised, which is what mbedtls_ecp_group_init produces: id MBEDTLS_ECP_DP_NONE
 * means "not loaded", and mbedtls_ecp_group_free returns a group to that state.
 */
static mbedtls_ecp_group groups[CURVE_COUNT];

static const curve_info *curve_lookup(uint32_t curve)
{
    if (curve < 1 || curve > CURVE_COUNT) {
        return NULL;
    }
    return &curves[curve - 1];
}

/*
 * The loaded group of `curve`. mbedtls_ecdsa_verify takes it non-const precisely because
 * it may store the generator's comb table in it; that table must survive, so the group is
 * never copied, only lent.
 */
static int group_get(uint32_t curve, mbedtls_ecp_group **out)
{
    mbedtls_ecp_group *grp = &groups[curve - 1];
    int ret;

    if (grp->id == MBEDTLS_ECP_DP_NONE) {
        mbedtls_ecp_group_init(grp);
        ret = mbedtls_ecp_group_load(grp, curves[curve - 1].group_id);
        port_stats.group_loads++;
        if (ret != 0) {
            mbedtls_ecp_group_free(grp);
            /* FEATURE_UNAVAILABLE: this Mbed TLS build has the curve compiled out. */
            if (ret == MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE) {
                return IOTCERT_PORT_UNSUPPORTED;
            }
            return IOTCERT_PORT_FAILURE;
        }
    }
    *out = grp;
    return IOTCERT_PORT_OK;
}

void iotcert_port_release(void)
{
    size_t i;

    /* Frees grp->T too; a group that was never loaded is all zero and frees nothing. */
    for (i = 0; i < CURVE_COUNT; i++) {
        mbedtls_ecp_group_free(&groups[i]);
    }
}

int iotcert_mbedtls_generator_table_cached(uint32_t curve)
{
    if (curve_lookup(curve) == NULL) {
        return 0;
    }
    return groups[curve - 1].id != MBEDTLS_ECP_DP_NONE && groups[curve - 1].T != NULL;
}

/* ---- ECDSA ------------------------------------------------------------------------------- */

/* The digests the core produces: SHA-256, SHA-384, SHA-512. */
static int digest_len_known(size_t len)
{
    return len == 32 || len == 48 || len == 64;
}

/*
 * The header promises an uncompressed point of the curve's exact length. A compressed one
 * (0x02/0x03 || X) is a real SEC 1 form that Mbed TLS 2.28 cannot decode: unsupported. Any
 * other length or prefix is a key that cannot verify anything: a bad signature.
 */
static int point_form_status(const curve_info *ci, const uint8_t *point, size_t point_len)
{
    if (point_len == 1 + ci->coord_len && (point[0] == 0x02 || point[0] == 0x03)) {
        return IOTCERT_PORT_UNSUPPORTED;
    }
    if (point_len != 1 + 2 * ci->coord_len || point[0] != 0x04) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    return IOTCERT_PORT_OK;
}

/*
 * Errors from reading and checking the key and from mbedtls_ecdsa_verify. INVALID_KEY is a
 * point that is not on the curve (or a coordinate >= p): the certificate is wrong, so it is
 * a bad signature, the same as VERIFY_FAILED (which also covers r or s outside 1..n-1).
 * FEATURE_UNAVAILABLE is a build of Mbed TLS without the needed code. BAD_INPUT_DATA can
 * only come from this port misusing Mbed TLS, and RANDOM_FAILED / HW_ACCEL_FAILED /
 * CORRUPTION_DETECTED are platform faults: all FAILURE.
 */
static int ecdsa_status(int ret)
{
    if (ret == 0) {
        return IOTCERT_PORT_OK;
    }
    if (err_is_alloc(ret)) {
        return IOTCERT_PORT_FAILURE;
    }
    switch (ret) {
    case MBEDTLS_ERR_ECP_VERIFY_FAILED:
    case MBEDTLS_ERR_ECP_INVALID_KEY:
        return IOTCERT_PORT_BAD_SIGNATURE;
    case MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE:
        return IOTCERT_PORT_UNSUPPORTED;
    default:
        return IOTCERT_PORT_FAILURE;
    }
}

static int key_read(mbedtls_ecp_group *grp, mbedtls_ecp_point *q, const uint8_t *point,
                    size_t point_len)
{
    int ret = mbedtls_ecp_point_read_binary(grp, q, point, point_len);

    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(grp, q);
    }
    return ecdsa_status(ret);
}

/*
 * One INTEGER of the signature, in strict DER: short-form length (the largest, 49 bytes for
 * P-384, never needs the long form), at least one content byte, not negative, no redundant
 * leading zero, and no longer than the group order plus a sign byte. Mbed TLS's own
 * mbedtls_asn1_get_mpi accepts a negative or padded INTEGER as a positive number, which
 * would make a signature malleable, so the checks are made here first.
 */
static int sig_integer(unsigned char **p, const unsigned char *end, size_t coord_len,
                       mbedtls_mpi *x)
{
    const unsigned char *v;
    size_t len;

    if (end - *p < 2 || ((*p)[1] & 0x80) != 0) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    if (mbedtls_asn1_get_tag(p, end, &len, MBEDTLS_ASN1_INTEGER) != 0) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    v = *p;
    if (len == 0 || len > coord_len + 1 || (v[0] & 0x80) != 0) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    if (len > 1 && v[0] == 0x00 && (v[1] & 0x80) == 0) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    *p += len;
    /* The value is now known to be small; only allocation can fail. */
    return mbedtls_mpi_read_binary(x, v, len) == 0 ? IOTCERT_PORT_OK : IOTCERT_PORT_FAILURE;
}

/*
 * Ecdsa-Sig-Value ::= SEQUENCE {        -- RFC 5480 / RFC 3279
 *     r  INTEGER,
 *     s  INTEGER }
 * with nothing after either the SEQUENCE or its second INTEGER. Any deviation is a
 * malformed signature, hence BAD_SIGNATURE.
 */
static int sig_parse(const uint8_t *sig, size_t sig_len, size_t coord_len, mbedtls_mpi *r,
                     mbedtls_mpi *s)
{
    /* mbedtls_asn1_get_tag moves a non-const cursor but never writes through it. */
    unsigned char *p = (unsigned char *)sig;
    const unsigned char *end = p + sig_len;
    size_t len;
    int st;

    /* Two INTEGERs of at most coord_len + 1 bytes, each with a 2-byte header. */
    if (sig_len < 2 || sig_len > 2 + 2 * (2 + coord_len + 1) || (p[1] & 0x80) != 0) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    if (mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        p + len != end) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    st = sig_integer(&p, end, coord_len, r);
    if (st == IOTCERT_PORT_OK) {
        st = sig_integer(&p, end, coord_len, s);
    }
    if (st == IOTCERT_PORT_OK && p != end) {
        st = IOTCERT_PORT_BAD_SIGNATURE;
    }
    return st;
}

/* Everything after argument checks: key, signature, then the one expensive call. */
static int ecdsa_run(uint32_t curve, const uint8_t *point, size_t point_len,
                     const uint8_t *hash, size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    mbedtls_ecp_group *grp = NULL;
    mbedtls_ecp_point q;
    mbedtls_mpi r, s;
    int st = group_get(curve, &grp);

    if (st != IOTCERT_PORT_OK) {
        return st;
    }
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    st = key_read(grp, &q, point, point_len);
    if (st == IOTCERT_PORT_OK) {
        st = sig_parse(sig, sig_len, curves[curve - 1].coord_len, &r, &s);
    }
    if (st == IOTCERT_PORT_OK) {
        port_stats.ecdsa_verifies++;
        st = ecdsa_status(mbedtls_ecdsa_verify(grp, hash, hash_len, &q, &r, &s));
    }
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    return st;
}

int iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                              const uint8_t *hash, size_t hash_len,
                              const uint8_t *sig, size_t sig_len)
{
    const curve_info *ci = curve_lookup(curve);
    int st;

    if (ci == NULL || !digest_len_known(hash_len)) {
        return IOTCERT_PORT_UNSUPPORTED;
    }
    /* NULL with a length is a caller's bug; an empty signature is merely malformed. */
    if (point == NULL || hash == NULL || (sig == NULL && sig_len > 0)) {
        return IOTCERT_PORT_FAILURE;
    }
    if (sig_len == 0) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    st = point_form_status(ci, point, point_len);
    if (st != IOTCERT_PORT_OK) {
        return st;
    }
    return ecdsa_run(curve, point, point_len, hash, hash_len, sig, sig_len);
}

/* ---- RSA --------------------------------------------------------------------------------- */

#if defined(MBEDTLS_RSA_C) && defined(MBEDTLS_PKCS1_V15)

/*
 * Modulus sizes the port verifies. The top is BearSSL's figure too (RSA-4096 is the largest
 * key in public PKI); it bounds the big numbers Mbed TLS allocates and the time one
 * verification takes. The bottom keeps the DigestInfo of SHA-512 (83 bytes) well inside the
 * encoded message; the core's own policy asks for 2048 bits anyway.
 */
#define RSA_MODULUS_BITS_MIN 1024u
#define RSA_MODULUS_BITS_MAX 4096u

/*
 * Public exponents above 32 bits turn a verification into the cost of a private-key
 * operation, a cheap denial of service on a device; every issued key uses 65537, and
 * BearSSL and Go cap the exponent at 32 bits likewise.
 */
#define RSA_EXPONENT_BITS_MAX 32u

/* Bits in a big-endian unsigned integer, leading zero bytes allowed. */
static size_t be_bit_len(const uint8_t *v, size_t len)
{
    size_t i = 0;
    size_t bits;
    uint8_t top;

    while (i < len && v[i] == 0) {
        i++;
    }
    if (i == len) {
        return 0;
    }
    bits = (len - i) * 8;
    for (top = v[i]; (top & 0x80) == 0; top = (uint8_t)(top << 1)) {
        bits--;
    }
    return bits;
}

static int rsa_md(uint32_t hash_alg, mbedtls_md_type_t *md, size_t *digest_len)
{
    switch (hash_alg) {
    case IOTCERT_HASH_SHA256:
        *md = MBEDTLS_MD_SHA256;
        *digest_len = 32;
        return 1;
    case IOTCERT_HASH_SHA384:
#if defined(MBEDTLS_SHA512_NO_SHA384)
        return 0; /* as in iotcert_port_hash */
#else
        *md = MBEDTLS_MD_SHA384;
        *digest_len = 48;
        return 1;
#endif
    case IOTCERT_HASH_SHA512:
        *md = MBEDTLS_MD_SHA512;
        *digest_len = 64;
        return 1;
    default:
        return 0;
    }
}

/*
 * Errors from importing and checking the key. BAD_INPUT_DATA (alone, from
 * mbedtls_rsa_complete) and KEY_CHECK_FAILED say n or e is no usable RSA public key (even
 * modulus, e < 3, even e, e >= n): the certificate is wrong, so BAD_SIGNATURE.
 */
static int rsa_key_status(int ret)
{
    if (ret == 0) {
        return IOTCERT_PORT_OK;
    }
    if (err_is_alloc(ret)) {
        return IOTCERT_PORT_FAILURE;
    }
    if (ret == MBEDTLS_ERR_RSA_BAD_INPUT_DATA || ret == MBEDTLS_ERR_RSA_KEY_CHECK_FAILED) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    return IOTCERT_PORT_FAILURE;
}

/*
 * Errors from mbedtls_rsa_pkcs1_verify. PUBLIC_FAILED + MPI_BAD_INPUT_DATA is a signature
 * whose value is >= n (RFC 8017 RSAVP1: "signature representative out of range"), a
 * malformed signature. RSA_BAD_INPUT_DATA here would mean an unknown digest or a modulus
 * too short for it, both excluded before the call: FAILURE, like platform faults.
 */
static int rsa_verify_status(int ret)
{
    if (ret == 0) {
        return IOTCERT_PORT_OK;
    }
    if (err_is_alloc(ret)) {
        return IOTCERT_PORT_FAILURE;
    }
    if (ret == MBEDTLS_ERR_RSA_VERIFY_FAILED || ret == MBEDTLS_ERR_RSA_INVALID_PADDING ||
        ret == MBEDTLS_ERR_RSA_PUBLIC_FAILED + MBEDTLS_ERR_MPI_BAD_INPUT_DATA) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    return IOTCERT_PORT_FAILURE;
}

/*
 * R^2 mod n, into ctx->RN, where mbedtls_mpi_exp_mod takes it instead of computing it
 * (R = 2^(bits of a limb * limbs of n): Montgomery's radix). Mbed TLS computes it with one
 * division of a number twice as long as n, whose temporaries (about 2.5 KB for RSA-2048) are
 * the peak of a verification's heap. Doubling 2^(bits of n - 1), which is below n, one bit at
 * a time and subtracting n when it is reached needs no temporary: the heap holds RN alone.
 * It costs about 2 * bits of n shift-and-compare steps, about 2 M instructions for RSA-2048
 * on a Cortex-M4 (make -C Examples/cortex-m4 run, addtrust-both-anchors). n is odd and at
 * least RSA_MODULUS_BITS_MIN bits here (mbedtls_rsa_check_pubkey passed).
 */
static int rsa_radix_squared(mbedtls_rsa_context *ctx)
{
    const mbedtls_mpi *n = &ctx->N;
    size_t bits = mbedtls_mpi_bitlen(n);
    size_t target = 2 * n->n * 8 * sizeof(mbedtls_mpi_uint);
    int ret = mbedtls_mpi_lset(&ctx->RN, 1);

    if (ret == 0) {
        ret = mbedtls_mpi_shift_l(&ctx->RN, bits - 1);
    }
    for (size_t k = bits - 1; ret == 0 && k < target; k++) {
        ret = mbedtls_mpi_shift_l(&ctx->RN, 1);
        if (ret == 0 && mbedtls_mpi_cmp_mpi(&ctx->RN, n) >= 0) {
            ret = mbedtls_mpi_sub_abs(&ctx->RN, &ctx->RN, n);
        }
    }
    return ret;
}

/* The context lives for one call: RSA keys differ from certificate to certificate. */
static int rsa_run(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                   mbedtls_md_type_t md, const uint8_t *hash, size_t hash_len,
                   const uint8_t *sig)
{
    mbedtls_rsa_context ctx;
    int ret;
    int st;

    mbedtls_rsa_init(&ctx, MBEDTLS_RSA_PKCS_V15, 0);
    ret = mbedtls_rsa_import_raw(&ctx, n, n_len, NULL, 0, NULL, 0, NULL, 0, e, e_len);
    if (ret == 0) {
        ret = mbedtls_rsa_complete(&ctx);
    }
    if (ret == 0) {
        ret = mbedtls_rsa_check_pubkey(&ctx);
    }
    if (ret == 0) {
        ret = rsa_radix_squared(&ctx);
    }
    st = rsa_key_status(ret);
    if (st == IOTCERT_PORT_OK) {
        port_stats.rsa_verifies++;
        ret = mbedtls_rsa_pkcs1_verify(&ctx, NULL, NULL, MBEDTLS_RSA_PUBLIC, md,
                                       (unsigned int)hash_len, hash, sig);
        st = rsa_verify_status(ret);
    }
    mbedtls_rsa_free(&ctx);
    return st;
}

int iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                            uint32_t hash_alg, const uint8_t *hash, size_t hash_len,
                            const uint8_t *sig, size_t sig_len)
{
    mbedtls_md_type_t md;
    size_t digest_len;
    size_t n_bits;

    /* A digest length that is not the algorithm's is no hash this port knows. */
    if (!rsa_md(hash_alg, &md, &digest_len) || hash_len != digest_len) {
        return IOTCERT_PORT_UNSUPPORTED;
    }
    if (n == NULL || e == NULL || hash == NULL || (sig == NULL && sig_len > 0)) {
        return IOTCERT_PORT_FAILURE;
    }
    n_bits = be_bit_len(n, n_len);
    if (n_bits < RSA_MODULUS_BITS_MIN || n_bits > RSA_MODULUS_BITS_MAX ||
        be_bit_len(e, e_len) > RSA_EXPONENT_BITS_MAX) {
        return IOTCERT_PORT_UNSUPPORTED;
    }
    /* RFC 8017 8.2.2 step 1; Mbed TLS also reads exactly that many bytes from `sig`. */
    if (sig_len != (n_bits + 7) / 8) {
        return IOTCERT_PORT_BAD_SIGNATURE;
    }
    return rsa_run(n, n_len, e, e_len, md, hash, hash_len, sig);
}

#else /* RSA left out of this Mbed TLS build: an ECDSA-only device saves its code. */

#include "iotcert_port_no_rsa.h"

#endif
