/*
 * bench.c -- iotcert against Mbed TLS 2.28's X.509 verifier and against the bare crypto,
 * on the same machine, in one run (Tests/Bench/run.sh, `make bench`).
 *
 *   bench [--fixtures DIR] [--rounds N] [--json FILE]      timing, checks, allocations
 *   bench [--fixtures DIR] --callgrind [--reps K] [--case NAME]
 *                                                          under valgrind --tool=callgrind
 *                                                          --collect-atstart=no
 *   bench --list                                           the case names
 *
 * Exit status: 0, 1 when a check failed (an operation that did not do what it claims, or
 * an allocation by the iotcert core, which only bench-count sees), 2 on a usage or fixture
 * error.
 *
 * The cases are scenarios of Tests/Fixtures/scenarios/scenarios.json (build/bench/cases.h,
 * made by gen-cases.py), each verified with the scenario's time, purpose and peer name.
 * For every case the same operations are measured:
 *
 *   iot_first   iotcert_verify with no memo: every signature is verified. The port's curve
 *               groups are already loaded (the process warmed them up once), as on a device
 *               after its first handshake.
 *   iot_fresh   the same with a freshly formatted memo (a device that uses the memo, on its
 *               first connection to this server: one extra SHA-256 per link, for the key).
 *   iot_hit     with a memo that already holds the path's links: no elliptic-curve math.
 *   iot_cold    iotcert_port_release() first (not timed): the port reloads its groups and
 *               rebuilds the generator's comb table, as on the first handshake after boot.
 *   mbed        mbedtls_x509_crt_parse_der of the presented chain and of the anchors, then
 *               mbedtls_x509_crt_verify (same time, same host name), then free.
 *   floor       the crypto floor: for each link of the expected path, the port's hash of
 *               the child's TBS and the port's ECDSA check with the issuer's key. Nothing
 *               else. (floor_cold: the same after iotcert_port_release().)
 *   mbed_floor  Mbed TLS's own bare checks, as its verifier makes them: mbedtls_md over each
 *               TBS and mbedtls_pk_verify with the issuer's key (parsed beforehand).
 *   mbed_sysclk mbed with the real system clock instead of the scenario's time (timing and
 *               flags only: whether expiry changes Mbed TLS's work).
 *
 * Time: Mbed TLS reads the clock with time(); this program defines time() (the dynamic
 * linker binds libmbedx509's reference to it) and answers the scenario's time, so that both
 * verifiers judge validity at the same instant.
 *
 * Heap: built with -DBENCH_COUNT_ALLOCS=1, this program defines malloc, calloc, realloc and
 * free (forwarding to glibc's __libc_* entry points), so every allocation in the process is
 * counted, whoever makes it. The port functions are linked with -Wl,--wrap, so an
 * allocation made while a port function runs is the port's (Mbed TLS big numbers), and any
 * other made during an iotcert call is the core's. Counting costs a few instructions per
 * allocation and Mbed TLS allocates thousands per verification, so run.sh builds the
 * counting variant (bench-count) for the checks and heap figures only, and times and counts
 * instructions with the plain one.
 */
#define _GNU_SOURCE

#include "iotcert.h"
#include "iotcert_mbedtls.h"
#include "iotcert_port.h"

#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define HAVE_CALLGRIND 0
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_DUMP_STATS_AT(label) ((void)(label))
#define RUNNING_ON_VALGRIND 0
#endif

/* ---- the case table ---------------------------------------------------------------------- */

/* Certificates per list of one case; gen-cases.py checks its table against it. */
#define BENCH_LIST_MAX 8

typedef struct case_spec {
    const char *name;
    const char *label;
    const char *presented[BENCH_LIST_MAX];
    size_t n_presented;
    const char *anchors[BENCH_LIST_MAX];
    size_t n_anchors;
    const char *path[BENCH_LIST_MAX]; /* the expected path, leaf first */
    size_t n_path;
    const char *anchor;               /* the anchor that ends it */
    int64_t time;
    int64_t build_time;
    uint32_t purpose;
    const char *peer_dns;             /* NULL: no peer name */
} case_spec;

#include "cases.h"

#define CASE_COUNT (sizeof case_specs / sizeof case_specs[0])

/* ---- counting: heap and port calls -------------------------------------------------------- */

typedef struct counters {
    unsigned long allocs_core;  /* allocations outside any port function */
    unsigned long allocs_port;  /* allocations while a port function runs */
    unsigned long frees;
    unsigned long alloc_bytes;
    unsigned long hashes;       /* iotcert_port_hash calls */
    unsigned long hash_bytes;   /* bytes they hashed */
    unsigned long ecdsa;        /* iotcert_port_ecdsa_verify calls */
    unsigned long rsa;          /* iotcert_port_rsa_verify calls */
} counters;

static counters count;
static int in_port;

#ifndef BENCH_COUNT_ALLOCS
#define BENCH_COUNT_ALLOCS 0
#endif

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

#if BENCH_COUNT_ALLOCS
static void note_alloc(size_t size)
{
    if (in_port > 0) {
        count.allocs_port++;
    } else {
        count.allocs_core++;
    }
    count.alloc_bytes += size;
}

void *malloc(size_t size)
{
    note_alloc(size);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    note_alloc(n * size);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    note_alloc(size);
    return __libc_realloc(p, size);
}

void free(void *p)
{
    if (p != NULL) {
        count.frees++;
    }
    __libc_free(p);
}
#endif

int __real_iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks,
                             size_t n, uint8_t *out);
int __real_iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                                     const uint8_t *hash, size_t hash_len,
                                     const uint8_t *sig, size_t sig_len);
int __real_iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e,
                                   size_t e_len, uint32_t hash_alg, const uint8_t *hash,
                                   size_t hash_len, const uint8_t *sig, size_t sig_len);

int __wrap_iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks, size_t n,
                             uint8_t *out)
{
    int r;

    count.hashes++;
    for (size_t i = 0; chunks != NULL && i < n; i++) {
        count.hash_bytes += chunks[i].len;
    }
    in_port++;
    r = __real_iotcert_port_hash(hash_alg, chunks, n, out);
    in_port--;
    return r;
}

int __wrap_iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                                     const uint8_t *hash, size_t hash_len,
                                     const uint8_t *sig, size_t sig_len)
{
    int r;

    count.ecdsa++;
    in_port++;
    r = __real_iotcert_port_ecdsa_verify(curve, point, point_len, hash, hash_len, sig,
                                         sig_len);
    in_port--;
    return r;
}

int __wrap_iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e,
                                   size_t e_len, uint32_t hash_alg, const uint8_t *hash,
                                   size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    int r;

    count.rsa++;
    in_port++;
    r = __real_iotcert_port_rsa_verify(n, n_len, e, e_len, hash_alg, hash, hash_len, sig,
                                       sig_len);
    in_port--;
    return r;
}

/* ---- the clock Mbed TLS reads ------------------------------------------------------------ */

/* < 0: the real clock. */
static int64_t fixed_now = -1;

time_t time(time_t *out)
{
    struct timespec ts;
    time_t now;

    if (fixed_now >= 0) {
        now = (time_t)fixed_now;
    } else {
        clock_gettime(CLOCK_REALTIME, &ts);
        now = ts.tv_sec;
    }
    if (out != NULL) {
        *out = now;
    }
    return now;
}

/* ---- small helpers ----------------------------------------------------------------------- */

static void die(const char *format, const char *arg)
{
    fprintf(stderr, "bench: ");
    fprintf(stderr, format, arg);
    fputc('\n', stderr);
    exit(2);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A whole file; never freed (the process is short). Reading happens before any counting. */
static iotcert_buffer load(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    uint8_t *data;
    long len;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        die("cannot open %s", path);
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
        die("cannot size %s", path);
    }
    data = __libc_malloc((size_t)len);
    if (data == NULL || fread(data, 1, (size_t)len, f) != (size_t)len) {
        die("cannot read %s", path);
    }
    fclose(f);
    return (iotcert_buffer){ data, (size_t)len };
}

/* ---- a tiny DER walker, for the floor's offsets ------------------------------------------ */

typedef struct tlv {
    uint8_t tag;
    const uint8_t *tlv; /* the whole element */
    size_t tlv_len;
    const uint8_t *val; /* its content */
    size_t len;
} tlv;

/* Reads the element at *p (< end) into `out` and moves *p past it. 0 on success. */
static int der_next(const uint8_t **p, const uint8_t *end, tlv *out)
{
    const uint8_t *q = *p;
    size_t len = 0;

    if (end - q < 2) {
        return -1;
    }
    out->tag = q[0];
    out->tlv = q;
    if (q[1] < 0x80) {
        len = q[1];
        q += 2;
    } else {
        size_t octets = q[1] & 0x7F;
        if (octets == 0 || octets > 3 || (size_t)(end - q) < 2 + octets) {
            return -1;
        }
        for (size_t i = 0; i < octets; i++) {
            len = (len << 8) | q[2 + i];
        }
        q += 2 + octets;
    }
    if ((size_t)(end - q) < len) {
        return -1;
    }
    out->val = q;
    out->len = len;
    out->tlv_len = (size_t)(q + len - out->tlv);
    *p = q + len;
    return 0;
}

static int der_expect(const uint8_t **p, const uint8_t *end, uint8_t tag, tlv *out)
{
    return der_next(p, end, out) == 0 && out->tag == tag ? 0 : -1;
}

static int oid_is(const tlv *t, const uint8_t *oid, size_t len)
{
    return t->tag == 0x06 && t->len == len && memcmp(t->val, oid, len) == 0;
}

static const uint8_t OID_ECDSA_SHA256[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02 };
static const uint8_t OID_ECDSA_SHA384[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03 };
static const uint8_t OID_ECDSA_SHA512[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04 };
static const uint8_t OID_P256[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x2B, 0x81, 0x04, 0x00, 0x22 };

/* What the floor needs of one certificate. */
typedef struct cert_parts {
    const uint8_t *tbs;   /* the signed bytes: the whole TBSCertificate element */
    size_t tbs_len;
    uint32_t hash_alg;    /* of its signature algorithm */
    size_t digest_len;
    const uint8_t *sig;   /* Ecdsa-Sig-Value, the BIT STRING's content after unused bits */
    size_t sig_len;
    uint32_t curve;       /* of its own key */
    const uint8_t *point; /* its own key, uncompressed */
    size_t point_len;
    const uint8_t *spki;  /* its whole SubjectPublicKeyInfo, for Mbed TLS's pk parser */
    size_t spki_len;
} cert_parts;

static int parts_hash(const tlv *alg, cert_parts *out)
{
    const uint8_t *p = alg->val;
    tlv oid;

    if (der_expect(&p, alg->val + alg->len, 0x06, &oid) != 0) {
        return -1;
    }
    if (oid_is(&oid, OID_ECDSA_SHA256, sizeof OID_ECDSA_SHA256)) {
        out->hash_alg = IOTCERT_HASH_SHA256;
        out->digest_len = 32;
    } else if (oid_is(&oid, OID_ECDSA_SHA384, sizeof OID_ECDSA_SHA384)) {
        out->hash_alg = IOTCERT_HASH_SHA384;
        out->digest_len = 48;
    } else if (oid_is(&oid, OID_ECDSA_SHA512, sizeof OID_ECDSA_SHA512)) {
        out->hash_alg = IOTCERT_HASH_SHA512;
        out->digest_len = 64;
    } else {
        return -1; /* the floor models ECDSA chains only */
    }
    return 0;
}

/* SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { id-ecPublicKey, namedCurve }, BIT STRING } */
static int parts_key(const tlv *spki, cert_parts *out)
{
    const uint8_t *p = spki->val, *end = spki->val + spki->len;
    const uint8_t *a;
    tlv alg, algo, curve, bits;

    if (der_expect(&p, end, 0x30, &alg) != 0 || der_expect(&p, end, 0x03, &bits) != 0) {
        return -1;
    }
    a = alg.val;
    if (der_expect(&a, alg.val + alg.len, 0x06, &algo) != 0 ||
        der_expect(&a, alg.val + alg.len, 0x06, &curve) != 0) {
        return -1;
    }
    if (oid_is(&curve, OID_P256, sizeof OID_P256)) {
        out->curve = IOTCERT_CURVE_P256;
    } else if (oid_is(&curve, OID_P384, sizeof OID_P384)) {
        out->curve = IOTCERT_CURVE_P384;
    } else {
        return -1;
    }
    if (bits.len < 2 || bits.val[0] != 0) {
        return -1;
    }
    out->point = bits.val + 1;
    out->point_len = bits.len - 1;
    out->spki = spki->tlv;
    out->spki_len = spki->tlv_len;
    return 0;
}

/*
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
 *                               validity, subject, subjectPublicKeyInfo, ... }
 */
static int cert_split(iotcert_buffer der, cert_parts *out)
{
    const uint8_t *p = der.data, *end = der.data + der.len, *t;
    tlv cert, tbs, alg, bits, field;

    if (der_expect(&p, end, 0x30, &cert) != 0) {
        return -1;
    }
    p = cert.val;
    end = cert.val + cert.len;
    if (der_expect(&p, end, 0x30, &tbs) != 0 || der_expect(&p, end, 0x30, &alg) != 0 ||
        der_expect(&p, end, 0x03, &bits) != 0 || parts_hash(&alg, out) != 0) {
        return -1;
    }
    if (bits.len < 2 || bits.val[0] != 0) {
        return -1;
    }
    out->tbs = tbs.tlv;
    out->tbs_len = tbs.tlv_len;
    out->sig = bits.val + 1;
    out->sig_len = bits.len - 1;
    t = tbs.val;
    if (der_next(&t, tbs.val + tbs.len, &field) != 0) {
        return -1;
    }
    /* `field` is the version, or the serial when the version is absent (v1). Skip to the
     * subject: serial, signature, issuer, validity, subject are fields 1..5. */
    for (int i = field.tag == 0xA0 ? 0 : 1; i < 5; i++) {
        if (der_next(&t, tbs.val + tbs.len, &field) != 0) {
            return -1;
        }
    }
    if (der_expect(&t, tbs.val + tbs.len, 0x30, &field) != 0) {
        return -1;
    }
    return parts_key(&field, out);
}

/* ---- a loaded case ----------------------------------------------------------------------- */

/* One link of the expected path: `child`'s signature, checked with `issuer`'s key. */
typedef struct link {
    cert_parts child;
    cert_parts issuer;
    mbedtls_pk_context issuer_pk; /* the issuer's key, parsed once, for mbed_floor */
} link;

typedef struct bench_case {
    const case_spec *spec;
    iotcert_buffer presented[BENCH_LIST_MAX];
    iotcert_buffer anchors[BENCH_LIST_MAX];
    uint16_t path_index[BENCH_LIST_MAX]; /* expected result.path */
    int32_t anchor_index;
    link links[BENCH_LIST_MAX];
    size_t n_links;
} bench_case;

static bench_case cases[CASE_COUNT];

static int index_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void case_load(bench_case *c, const case_spec *s, const char *dir)
{
    c->spec = s;
    for (size_t i = 0; i < s->n_presented; i++) {
        c->presented[i] = load(dir, s->presented[i]);
    }
    for (size_t i = 0; i < s->n_anchors; i++) {
        c->anchors[i] = load(dir, s->anchors[i]);
    }
    c->anchor_index = index_of(s->anchors, s->n_anchors, s->anchor);
    if (c->anchor_index < 0) {
        die("%s: expected anchor is not an anchor", s->name);
    }
    c->n_links = s->n_path;
    for (size_t i = 0; i < s->n_path; i++) {
        int k = index_of(s->presented, s->n_presented, s->path[i]);
        iotcert_buffer issuer;
        if (k < 0) {
            die("%s: a path certificate is not presented", s->name);
        }
        c->path_index[i] = (uint16_t)k;
        if (i + 1 < s->n_path) {
            issuer = load(dir, s->path[i + 1]);
        } else {
            issuer = c->anchors[c->anchor_index];
        }
        if (cert_split(c->presented[k], &c->links[i].child) != 0 ||
            cert_split(issuer, &c->links[i].issuer) != 0) {
            die("%s: a path certificate is not an ECDSA certificate the floor can split",
                s->name);
        }
        mbedtls_pk_init(&c->links[i].issuer_pk);
        if (mbedtls_pk_parse_public_key(&c->links[i].issuer_pk, c->links[i].issuer.spki,
                                        c->links[i].issuer.spki_len) != 0) {
            die("%s: Mbed TLS cannot parse an issuer key", s->name);
        }
    }
}

/* ---- the operations ---------------------------------------------------------------------- */

static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];
static uint8_t memo_hit[IOTCERT_MEMO_BYTES(8)];
static uint8_t memo_fresh[IOTCERT_MEMO_BYTES(8)];

/* What the last operation reported, for the checks. */
static iotcert_result last_result;
static uint32_t last_mbed_flags;
static int last_status;

static int iot_verify(const bench_case *c, void *memo, size_t memo_len)
{
    const case_spec *s = c->spec;
    iotcert_trust trust;
    iotcert_options opt;
    int st;

    st = iotcert_trust_init_certs(&trust, c->anchors, s->n_anchors, NULL, 0, NULL, 0,
                                  s->build_time);
    if (st != IOTCERT_OK) {
        return st;
    }
    iotcert_options_init(&opt);
    opt.time = s->time;
    opt.purpose = s->purpose;
    if (s->peer_dns != NULL) {
        opt.peer_kind = IOTCERT_PEER_DNS;
        opt.peer = (const uint8_t *)s->peer_dns;
        opt.peer_len = strlen(s->peer_dns);
    }
    opt.memo = memo;
    opt.memo_len = memo_len;
    last_result.struct_size = sizeof last_result;
    return iotcert_verify(&trust, c->presented, s->n_presented, &opt, workspace,
                          sizeof workspace, &last_result);
}

static int op_iot_first(const bench_case *c)
{
    return iot_verify(c, NULL, 0);
}

static int op_iot_fresh(const bench_case *c)
{
    int st = iotcert_memo_init(memo_fresh, sizeof memo_fresh);
    return st != IOTCERT_OK ? st : iot_verify(c, memo_fresh, sizeof memo_fresh);
}

static int op_iot_hit(const bench_case *c)
{
    return iot_verify(c, memo_hit, sizeof memo_hit);
}

static int op_floor(const bench_case *c)
{
    for (size_t i = 0; i < c->n_links; i++) {
        const link *l = &c->links[i];
        uint8_t digest[64];
        iotcert_port_chunk chunk = { l->child.tbs, l->child.tbs_len };
        if (iotcert_port_hash(l->child.hash_alg, &chunk, 1, digest) != IOTCERT_PORT_OK ||
            iotcert_port_ecdsa_verify(l->issuer.curve, l->issuer.point, l->issuer.point_len,
                                      digest, l->child.digest_len, l->child.sig,
                                      l->child.sig_len) != IOTCERT_PORT_OK) {
            return -1;
        }
    }
    return 0;
}

static mbedtls_md_type_t md_type(uint32_t hash_alg)
{
    return hash_alg == IOTCERT_HASH_SHA256   ? MBEDTLS_MD_SHA256
           : hash_alg == IOTCERT_HASH_SHA384 ? MBEDTLS_MD_SHA384
                                             : MBEDTLS_MD_SHA512;
}

/*
 * Mbed TLS's own bare checks, as its verifier makes them (x509_crt_check_signature):
 * mbedtls_md over the TBS, then mbedtls_pk_verify with the issuer's parsed key. Unlike the
 * port, this rebuilds the curve group, and the generator's table, on every call.
 */
static int op_mbed_floor(const bench_case *c)
{
    for (size_t i = 0; i < c->n_links; i++) {
        link *l = (link *)&c->links[i];
        mbedtls_md_type_t md = md_type(l->child.hash_alg);
        uint8_t digest[64];
        if (mbedtls_md(mbedtls_md_info_from_type(md), l->child.tbs, l->child.tbs_len,
                       digest) != 0 ||
            mbedtls_pk_verify(&l->issuer_pk, md, digest, l->child.digest_len, l->child.sig,
                              l->child.sig_len) != 0) {
            return -1;
        }
    }
    return 0;
}

static int mbed_verify(const bench_case *c)
{
    const case_spec *s = c->spec;
    mbedtls_x509_crt chain, ca;
    int ret = 0;

    mbedtls_x509_crt_init(&chain);
    mbedtls_x509_crt_init(&ca);
    for (size_t i = 0; ret == 0 && i < s->n_presented; i++) {
        ret = mbedtls_x509_crt_parse_der(&chain, c->presented[i].data, c->presented[i].len);
    }
    for (size_t i = 0; ret == 0 && i < s->n_anchors; i++) {
        ret = mbedtls_x509_crt_parse_der(&ca, c->anchors[i].data, c->anchors[i].len);
    }
    last_mbed_flags = 0;
    if (ret == 0) {
        ret = mbedtls_x509_crt_verify(&chain, &ca, NULL, s->peer_dns, &last_mbed_flags, NULL,
                                      NULL);
    }
    mbedtls_x509_crt_free(&ca);
    mbedtls_x509_crt_free(&chain);
    return ret;
}

static int op_mbed(const bench_case *c)
{
    int ret;

    fixed_now = c->spec->time;
    ret = mbed_verify(c);
    fixed_now = -1;
    return ret;
}

static int op_mbed_sysclk(const bench_case *c)
{
    fixed_now = -1;
    return mbed_verify(c);
}

typedef struct op {
    const char *name;
    int (*run)(const bench_case *c);
    int cold;      /* iotcert_port_release() before each run, outside the measurement */
    int may_fail;  /* its result is reported, not required */
} op;

static const op ops[] = {
    { "iot_first", op_iot_first, 0, 0 },
    { "iot_fresh", op_iot_fresh, 0, 0 },
    { "iot_hit", op_iot_hit, 0, 0 },
    { "iot_cold", op_iot_first, 1, 0 },
    { "mbed", op_mbed, 0, 0 },
    { "floor", op_floor, 0, 0 },
    { "floor_cold", op_floor, 1, 0 },
    { "mbed_floor", op_mbed_floor, 0, 0 },
    /* With the real clock a fixture may have expired: Mbed TLS then says so. */
    { "mbed_sysclk", op_mbed_sysclk, 0, 1 },
};

#define OP_COUNT (sizeof ops / sizeof ops[0])

/* Ops that callgrind measures (mbed_sysclk is timing-only). */
static int op_in_callgrind(const op *o)
{
    return strcmp(o->name, "mbed_sysclk") != 0;
}

/* Runs `o` once on `c`; the cold release happens before, uncounted, unmeasured. */
static int op_run(const op *o, const bench_case *c)
{
    last_status = o->run(c);
    return last_status;
}

/* ---- checks: every operation does what it claims ----------------------------------------- */

static int failures;

static void check(int ok, const bench_case *c, const char *what)
{
    if (!ok) {
        fprintf(stderr, "bench: CHECK FAILED %s: %s\n", c->spec->name, what);
        failures++;
    }
}

static void check_path(const bench_case *c)
{
    const iotcert_result *r = &last_result;
    int same = r->status == IOTCERT_OK && r->path_len == c->spec->n_path &&
               r->anchor_index == c->anchor_index;
    for (size_t i = 0; same && i < c->spec->n_path; i++) {
        same = r->path[i] == c->path_index[i];
    }
    check(same, c, "iotcert did not return the scenario's expected path and anchor");
}

/* What one measured run of each op did: heap, port calls. Filled by check_case. */
typedef struct op_facts {
    counters counts;
    int status;
    uint32_t mbed_flags;
    uint32_t signatures_checked;
    uint32_t memo_hits;
    uint32_t steps;
} op_facts;

static op_facts facts[CASE_COUNT][OP_COUNT];

static void check_op(const bench_case *c, const op *o, const op_facts *f)
{
    const char *n = o->name;

    if (strncmp(n, "iot_", 4) == 0) {
        check(f->status == IOTCERT_OK, c, "iotcert verification failed");
        check_path(c);
        check(f->counts.allocs_core == 0, c, "the iotcert core allocated");
        if (strcmp(n, "iot_hit") == 0) {
            check(f->memo_hits == c->n_links && f->counts.ecdsa == 0, c,
                  "warm memo: not every link was a memo hit");
        } else {
            check(f->memo_hits == 0 && f->counts.ecdsa >= c->n_links, c,
                  "first verification: signatures were not all verified");
        }
    } else if (strcmp(n, "floor") == 0 || strcmp(n, "floor_cold") == 0) {
        check(f->status == 0 && f->counts.ecdsa == c->n_links, c, "the floor failed");
    } else if (strcmp(n, "mbed_floor") == 0) {
        check(f->status == 0, c, "Mbed TLS's bare checks failed");
    } else if (strcmp(n, "mbed") == 0) {
        check(f->status == 0 && f->mbed_flags == 0, c,
              "Mbed TLS did not accept the chain at the scenario's time");
    }
}

/* Runs every op once (after one warm-up run) with fresh counters and checks it. */
static void check_case(size_t ci)
{
    const bench_case *c = &cases[ci];

    for (size_t oi = 0; oi < OP_COUNT; oi++) {
        const op *o = &ops[oi];
        op_facts *f = &facts[ci][oi];
        op_run(o, c);
        if (o->cold) {
            iotcert_port_release();
        }
        memset(&count, 0, sizeof count);
        memset(&last_result, 0, sizeof last_result);
        last_mbed_flags = 0;
        f->status = op_run(o, c);
        f->counts = count;
        f->mbed_flags = last_mbed_flags;
        f->signatures_checked = last_result.signatures_checked;
        f->memo_hits = last_result.memo_hits;
        f->steps = last_result.steps;
        check_op(c, o, f);
    }
}

/* Formats memo_hit and fills it with the case's links. */
static void memo_fill(const bench_case *c)
{
    if (iotcert_memo_init(memo_hit, sizeof memo_hit) != IOTCERT_OK ||
        iot_verify(c, memo_hit, sizeof memo_hit) != IOTCERT_OK) {
        die("%s: cannot fill the memo", c->spec->name);
    }
}

/* ---- timing ------------------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct timing {
    double median_us;
    double min_us;
} timing;

static timing summarize(uint64_t *ns, size_t n)
{
    timing t;

    qsort(ns, n, sizeof *ns, cmp_u64);
    t.min_us = (double)ns[0] / 1000.0;
    t.median_us = n % 2 ? (double)ns[n / 2] / 1000.0
                        : (double)(ns[n / 2 - 1] + ns[n / 2]) / 2000.0;
    return t;
}

static timing timings[CASE_COUNT][OP_COUNT];

/*
 * Interleaved rounds: each round runs every op once, so that a slow spell of the machine
 * (another process, frequency scaling) is spread over all ops instead of hitting one.
 */
static void time_case(size_t ci, size_t rounds)
{
    const bench_case *c = &cases[ci];
    uint64_t *ns = __libc_malloc(sizeof(uint64_t) * rounds * OP_COUNT);

    if (ns == NULL) {
        die("%s", "out of memory");
    }
    for (size_t r = 0; r < rounds; r++) {
        for (size_t oi = 0; oi < OP_COUNT; oi++) {
            uint64_t t0;
            if (ops[oi].cold) {
                iotcert_port_release();
            }
            t0 = now_ns();
            if (op_run(&ops[oi], c) != 0 && !ops[oi].may_fail) {
                die("%s: an operation failed while timing", c->spec->name);
            }
            ns[oi * rounds + r] = now_ns() - t0;
        }
    }
    for (size_t oi = 0; oi < OP_COUNT; oi++) {
        timings[ci][oi] = summarize(ns + oi * rounds, rounds);
    }
    __libc_free(ns);
}

/* ---- output ------------------------------------------------------------------------------ */

static void json_op(FILE *out, size_t ci, size_t oi, int last)
{
    const op_facts *f = &facts[ci][oi];
    const timing *t = &timings[ci][oi];

    fprintf(out,
            "        \"%s\": {\"median_us\": %.3f, \"min_us\": %.3f, \"status\": %d, "
            "\"allocs_core\": %lu, \"allocs_port\": %lu, \"frees\": %lu, "
            "\"alloc_bytes\": %lu, \"hashes\": %lu, \"hash_bytes\": %lu, \"ecdsa\": %lu, "
            "\"mbed_flags\": %" PRIu32 ", \"signatures_checked\": %" PRIu32 ", "
            "\"memo_hits\": %" PRIu32 ", \"steps\": %" PRIu32 "}%s\n",
            ops[oi].name, t->median_us, t->min_us, f->status, f->counts.allocs_core,
            f->counts.allocs_port, f->counts.frees, f->counts.alloc_bytes, f->counts.hashes,
            f->counts.hash_bytes, f->counts.ecdsa, f->mbed_flags, f->signatures_checked,
            f->memo_hits, f->steps, last ? "" : ",");
}

/* The 1-minute load average (-1 when unknown): how busy the machine was while timing. */
static double loadavg(void)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double v = -1;

    if (f != NULL) {
        if (fscanf(f, "%lf", &v) != 1) {
            v = -1;
        }
        fclose(f);
    }
    return v;
}

static double load_before, load_after;

static void json_write(FILE *out, size_t rounds)
{
    fprintf(out,
            "{\n  \"rounds\": %zu,\n  \"allocs_counted\": %d,\n  \"mbedtls\": \"%s\",\n"
            "  \"loadavg_before\": %.2f,\n  \"loadavg_after\": %.2f,\n  \"cases\": [\n",
            rounds, BENCH_COUNT_ALLOCS, MBEDTLS_VERSION_STRING, load_before, load_after);
    for (size_t ci = 0; ci < CASE_COUNT; ci++) {
        const case_spec *s = cases[ci].spec;
        size_t tbs_bytes = 0;
        for (size_t i = 0; i < cases[ci].n_links; i++) {
            tbs_bytes += cases[ci].links[i].child.tbs_len;
        }
        fprintf(out, "    {\"name\": \"%s\", \"label\": \"%s\", \"links\": %zu, "
                     "\"presented\": %zu, \"anchors\": %zu, \"tbs_bytes\": %zu, "
                     "\"time\": %" PRId64 ",\n      \"ops\": {\n",
                s->name, s->label, cases[ci].n_links, s->n_presented, s->n_anchors,
                tbs_bytes, s->time);
        for (size_t oi = 0; oi < OP_COUNT; oi++) {
            json_op(out, ci, oi, oi + 1 == OP_COUNT);
        }
        fprintf(out, "      }}%s\n", ci + 1 == CASE_COUNT ? "" : ",");
    }
    fprintf(out, "  ]\n}\n");
}

static void print_human(void)
{
    for (size_t ci = 0; ci < CASE_COUNT; ci++) {
        printf("%s (%s)\n", cases[ci].spec->name, cases[ci].spec->label);
        for (size_t oi = 0; oi < OP_COUNT; oi++) {
            const op_facts *f = &facts[ci][oi];
            printf("  %-12s median %10.1f us  min %10.1f us  allocs core %lu port %lu  "
                   "ecdsa %lu hashes %lu (%lu B)  sigs %" PRIu32 " hits %" PRIu32
                   " flags 0x%" PRIx32 "\n",
                   ops[oi].name, timings[ci][oi].median_us, timings[ci][oi].min_us,
                   f->counts.allocs_core, f->counts.allocs_port, f->counts.ecdsa,
                   f->counts.hashes, f->counts.hash_bytes, f->signatures_checked,
                   f->memo_hits, f->mbed_flags);
        }
    }
}

/* ---- callgrind mode ---------------------------------------------------------------------- */

/*
 * Under valgrind --tool=callgrind --collect-atstart=no: for each op, one warm-up run, then
 * `reps` runs with collection toggled on around the op only (not around a cold op's
 * release), then a dump labelled "CASE OP REPS". Each dump holds only that op's events.
 */
static void callgrind_case(const bench_case *c, size_t reps)
{
    char label[160];

    memo_fill(c);
    for (size_t oi = 0; oi < OP_COUNT; oi++) {
        const op *o = &ops[oi];
        if (!op_in_callgrind(o)) {
            continue;
        }
        op_run(o, c);
        for (size_t r = 0; r < reps; r++) {
            if (o->cold) {
                iotcert_port_release();
            }
            CALLGRIND_TOGGLE_COLLECT;
            op_run(o, c);
            CALLGRIND_TOGGLE_COLLECT;
            if (last_status != 0 && !o->may_fail) {
                die("%s: an operation failed under callgrind", c->spec->name);
            }
        }
        snprintf(label, sizeof label, "%s %s %zu", c->spec->name, o->name, reps);
        CALLGRIND_DUMP_STATS_AT(label);
    }
}

/* ---- main -------------------------------------------------------------------------------- */

typedef struct args {
    const char *fixtures;
    const char *json;
    const char *only;
    size_t rounds;
    size_t reps;
    int callgrind;
    int list;
} args;

static size_t parse_count(const char *s)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > 100000) {
        die("bad count %s", s);
    }
    return (size_t)v;
}

static args parse_args(int argc, char **argv)
{
    args a = { "Tests/Fixtures/scenarios", NULL, NULL, 101, 3, 0, 0 };

    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--callgrind") == 0) {
            a.callgrind = 1;
            continue;
        }
        if (strcmp(argv[i], "--list") == 0) {
            a.list = 1;
            continue;
        }
        if (v == NULL) {
            die("%s needs a value", argv[i]);
        }
        if (strcmp(argv[i], "--fixtures") == 0) {
            a.fixtures = v;
        } else if (strcmp(argv[i], "--json") == 0) {
            a.json = v;
        } else if (strcmp(argv[i], "--case") == 0) {
            a.only = v;
        } else if (strcmp(argv[i], "--rounds") == 0) {
            a.rounds = parse_count(v);
        } else if (strcmp(argv[i], "--reps") == 0) {
            a.reps = parse_count(v);
        } else {
            die("unknown argument %s", argv[i]);
        }
        i++;
    }
    return a;
}

static int run_callgrind(const args *a)
{
    if (!HAVE_CALLGRIND) {
        die("%s", "built without valgrind/callgrind.h");
    }
    if (!RUNNING_ON_VALGRIND) {
        die("%s", "--callgrind: run under valgrind --tool=callgrind --collect-atstart=no");
    }
    for (size_t ci = 0; ci < CASE_COUNT; ci++) {
        if (a->only == NULL || strcmp(a->only, cases[ci].spec->name) == 0) {
            callgrind_case(&cases[ci], a->reps);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    args a = parse_args(argc, argv);

    if (a.list) {
        for (size_t ci = 0; ci < CASE_COUNT; ci++) {
            printf("%s\n", case_specs[ci].name);
        }
        return 0;
    }
    for (size_t ci = 0; ci < CASE_COUNT; ci++) {
        case_load(&cases[ci], &case_specs[ci], a.fixtures);
    }
    if (a.callgrind) {
        return run_callgrind(&a);
    }
    load_before = loadavg();
    for (size_t ci = 0; ci < CASE_COUNT; ci++) {
        memo_fill(&cases[ci]);
        check_case(ci);
        time_case(ci, a.rounds);
    }
    load_after = loadavg();
    print_human();
    if (a.json != NULL) {
        FILE *out = fopen(a.json, "w");
        if (out == NULL) {
            die("cannot write %s", a.json);
        }
        json_write(out, a.rounds);
        fclose(out);
    }
    return failures == 0 ? 0 : 1;
}
