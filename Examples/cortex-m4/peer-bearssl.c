/*
 * peer-bearssl.c -- the footprint run's peer: BearSSL 0.6's x509_minimal verifying the same
 * chain as iotcert, on the same emulated Cortex-M4, measured the same way.
 *
 * Same start-up (startup.c), console and semihosting, same stack painting and SysTick
 * counting (measure.c) under the same `-icount shift=0`, same compiler flags (-Os,
 * -ffunction-sections, --gc-sections) and the same linker script, whose groups put BearSSL's
 * X.509 engine and its crypto in separate spans of flash. BearSSL comes from Debian's
 * bearssl source package (fetched at build time, never committed).
 *
 * Two images: PEER_FULL set, the algorithms iotcert's general build verifies (ECDSA on P-256
 * with BearSSL's own br_ec_p256_m31 and on P-384 with the generic br_ec_prime_i31, RSA
 * PKCS#1 v1.5 with i31, SHA-256/384/512); unset, P-256 and SHA-256 only.
 *
 * x509_minimal builds no paths: it takes the chain in order, leaf first, and checks less than
 * iotcert (no name constraints, no policies, no EKU on CAs). It keeps nothing between runs, so
 * its first and its warm verification cost the same; it has no memo.
 *
 * Output: "peer.NAME: value" lines that footprint.py reads; exit status 0 when the chain
 * verified and a tampered copy of it did not.
 */
#include "firmware.h"

#include "bearssl.h"

typedef struct peer_certificate {
    const unsigned char *data;
    size_t len;
} peer_certificate;

#include "peer_chain.h"

#define PEER_CHAIN_LEN (sizeof peer_chain / sizeof peer_chain[0])

/* The caller's structures: the engine's context (the anchor table is const, in flash). */
static br_x509_minimal_context ctx;

/* BearSSL takes non-const pointers in its anchor table but only ever reads through them. */
static const br_x509_trust_anchor anchors[1] = {{
    .dn = {(unsigned char *)peer_anchor_dn, sizeof peer_anchor_dn},
    .flags = BR_X509_TA_CA,
    .pkey = {.key_type = BR_KEYTYPE_EC,
             .key.ec = {PEER_ANCHOR_CURVE, (unsigned char *)peer_anchor_point,
                        sizeof peer_anchor_point}},
}};

#ifdef PEER_FULL

/* P-256 on BearSSL's dedicated code, every other curve (P-384) on the generic one. */
static const br_ec_impl *ec_for(int curve)
{
    return curve == BR_EC_secp256r1 ? &br_ec_p256_m31 : &br_ec_prime_i31;
}

static const unsigned char *peer_generator(int curve, size_t *len)
{
    return ec_for(curve)->generator(curve, len);
}

static const unsigned char *peer_order(int curve, size_t *len)
{
    return ec_for(curve)->order(curve, len);
}

static size_t peer_xoff(int curve, size_t *len)
{
    return ec_for(curve)->xoff(curve, len);
}

static uint32_t peer_mul(unsigned char *g, size_t glen, const unsigned char *x, size_t xlen,
                         int curve)
{
    return ec_for(curve)->mul(g, glen, x, xlen, curve);
}

static size_t peer_mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
    return ec_for(curve)->mulgen(r, x, xlen, curve);
}

static uint32_t peer_muladd(unsigned char *a, const unsigned char *b, size_t len,
                            const unsigned char *x, size_t xlen, const unsigned char *y,
                            size_t ylen, int curve)
{
    return ec_for(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

static const br_ec_impl peer_ec = {
    (uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_secp384r1,
    peer_generator, peer_order, peer_xoff, peer_mul, peer_mulgen, peer_muladd,
};

static void configure(void)
{
    br_x509_minimal_init(&ctx, &br_sha256_vtable, anchors, 1);
    br_x509_minimal_set_hash(&ctx, br_sha256_ID, &br_sha256_vtable);
    br_x509_minimal_set_hash(&ctx, br_sha384_ID, &br_sha384_vtable);
    br_x509_minimal_set_hash(&ctx, br_sha512_ID, &br_sha512_vtable);
    br_x509_minimal_set_rsa(&ctx, &br_rsa_i31_pkcs1_vrfy);
    br_x509_minimal_set_ecdsa(&ctx, &peer_ec, &br_ecdsa_i31_vrfy_asn1);
}

#define PEER_FLAVOUR "iotcert's algorithms"

#else

static void configure(void)
{
    br_x509_minimal_init(&ctx, &br_sha256_vtable, anchors, 1);
    br_x509_minimal_set_hash(&ctx, br_sha256_ID, &br_sha256_vtable);
    br_x509_minimal_set_ecdsa(&ctx, &br_ec_p256_m31, &br_ecdsa_i31_vrfy_asn1);
}

#define PEER_FLAVOUR "P-256 only"

#endif

/* One whole verification, configuration included; returns end_chain's status. */
static unsigned verify(const unsigned char *leaf, size_t leaf_len)
{
    const br_x509_class **engine = &ctx.vtable;

    configure();
    br_x509_minimal_set_time(&ctx, PEER_DAYS, PEER_SECONDS);
    (*engine)->start_chain(engine, PEER_SERVER_NAME);
    for (size_t i = 0; i < PEER_CHAIN_LEN; i++) {
        const unsigned char *data = i == 0 ? leaf : peer_chain[i].data;
        size_t len = i == 0 ? leaf_len : peer_chain[i].len;
        (*engine)->start_cert(engine, (uint32_t)len);
        (*engine)->append(engine, data, len);
        (*engine)->end_cert(engine);
    }
    return (*engine)->end_chain(engine);
}

typedef struct peer_cost {
    unsigned status;
    uint64_t ticks;
    uint32_t stack; /* below the caller */
} peer_cost;

static peer_cost measure(const unsigned char *leaf, size_t leaf_len)
{
    peer_cost cost;
    fw_stack_paint();
    uint32_t sp = fw_stack_pointer();
    uint64_t start = fw_ticks_now();
    cost.status = verify(leaf, leaf_len);
    cost.ticks = fw_ticks_now() - start;
    cost.stack = sp - fw_stack_lowest();
    return cost;
}

/* A copy of the leaf with one bit of its signature flipped: must not verify. */
static unsigned char tampered[sizeof peer_cert_0];

extern const uint8_t __flash_peer_x509_start[], __flash_peer_x509_end[];
extern const uint8_t __flash_peer_crypto_start[], __flash_peer_crypto_end[];

static uint32_t span(const void *start, const void *end)
{
    return (uint32_t)((uintptr_t)end - (uintptr_t)start);
}

int main(void)
{
    fw_ticks_start();
    fw_print("BearSSL 0.6 x509_minimal (" PEER_FLAVOUR ") on qemu mps2-an386, chain "
             PEER_CASE "\n");
    uint32_t x509 = span(__flash_peer_x509_start, __flash_peer_x509_end);
    uint32_t crypto = span(__flash_peer_crypto_start, __flash_peer_crypto_end);
    fw_print_metric("peer.flash.x509", x509, "bytes (x509_minimal)");
    fw_print_metric("peer.flash.crypto", crypto, "bytes (EC, ECDSA, RSA, hashes, big integers)");
    fw_print_metric("peer.flash.product", x509 + crypto, "bytes");

    peer_cost first = measure(peer_cert_0, sizeof peer_cert_0);
    peer_cost warm = measure(peer_cert_0, sizeof peer_cert_0);
    for (size_t i = 0; i < sizeof tampered; i++) {
        tampered[i] = peer_cert_0[i];
    }
    tampered[sizeof tampered - 3] ^= 0x01; /* inside the signature's s */
    peer_cost bad = measure(tampered, sizeof tampered);

    uint32_t stack = first.stack > warm.stack ? first.stack : warm.stack;
    fw_print_metric("peer.status", first.status, "(0: the chain is trusted)");
    fw_print_metric("peer.tampered_status", bad.status, "(BR_ERR_X509_BAD_SIGNATURE is 52)");
    fw_print_metric("peer.first_ticks", first.ticks, "");
    fw_print_metric("peer.warm_ticks", warm.ticks, "");
    fw_print_metric("peer.stack", stack, "bytes below the caller");
    fw_print_metric("peer.context", sizeof ctx, "bytes (br_x509_minimal_context)");
    fw_print_metric("peer.ram", stack + sizeof ctx, "bytes (context + stack)");
    /* end_chain returns 0 for a trusted chain, else a BR_ERR_X509_* code. */
    int ok = first.status == 0 && warm.status == 0 && bad.status == BR_ERR_X509_BAD_SIGNATURE;
    fw_print(ok ? "result: pass\n" : "result: FAIL\n");
    return ok ? 0 : 1;
}
