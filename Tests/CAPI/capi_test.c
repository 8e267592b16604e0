/*
 * capi_test.c -- the contract of Include/iotcert.h, exercised from C against
 * build/libiotcert.a (the Embedded Swift core and the Mbed TLS port), as firmware calls it.
 *
 *   build/capi/capi_test VECTORS     (VECTORS from Tests/CAPI/vectors.py; see the Makefile)
 *
 * VECTORS names the fixture directory, a "contract" scenario (a valid leaf and intermediate
 * that the contract checks build on) with a certificate unrelated to it, and the scenarios.
 *
 * Two halves. The contract: every NULL pointer, zero length, wrong struct_size, garbage trust
 * store, limit on both sides of its edge, oversized chain, every workspace size from 0 up to
 * what is needed at every alignment, and every status code's sentence. Then the committed
 * scenarios (Tests/Fixtures/scenarios), each verified through the C API with its expected
 * status, path, anchor and failing certificate.
 *
 * Every verification goes through run(), which surrounds the workspace and the result with
 * canary bytes and checks them afterwards: the library may write only inside the workspace
 * and the result, and must not touch the inputs it is given as const.
 *
 * The last line printed is "N passed, N failed"; the exit status is non-zero on any failure.
 * Tests compare status codes, never message text.
 */
#define _POSIX_C_SOURCE 200809L

#include "iotcert.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- checks ------------------------------------------------------------------------------ */

static unsigned passed, failed;

static void check(int ok, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void check(int ok, const char *format, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, format);
    fputs("FAIL ", stdout);
    vprintf(format, ap);
    putchar('\n');
    va_end(ap);
}

/* A status comparison whose failure message says both codes in words. */
static void check_status(int got, int want, const char *what)
{
    check(got == want, "%s: status %d (%s), want %d (%s)", what, got, iotcert_strerror(got),
          want, iotcert_strerror(want));
}

/* ---- guarded memory ---------------------------------------------------------------------- */

/* Certificates in one list of a scenario: presented_max's ceiling. */
#define LIST_MAX 255

/* Bytes of canary on each side of the workspace and of the result. */
#define GUARD 64u
#define CANARY 0xC5u
/* Room for the largest workspace any test asks for, at any of 16 alignments. */
#define WORKSPACE_MAX (IOTCERT_WORKSPACE_BYTES(IOTCERT_DEPTH_CEILING) + 256u)
#define ALIGNMENTS 16u

static uint8_t arena[GUARD + ALIGNMENTS + WORKSPACE_MAX + GUARD];

typedef struct guarded_result {
    uint8_t before[GUARD];
    iotcert_result result;
    uint8_t after[GUARD];
} guarded_result;

static int all_canary(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != CANARY) {
            return 0;
        }
    }
    return 1;
}

/* FNV-1a, to notice a write into a const input without keeping a copy of it. */
static uint64_t digest(const void *data, size_t len, uint64_t h)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * 1099511628211u;
    }
    return h;
}

static uint64_t chain_digest(const iotcert_buffer *chain, size_t n)
{
    uint64_t h = 14695981039346656037u;
    /* Every chain a test passes has at least LIST_MAX entries, even when n claims more. */
    for (size_t i = 0; chain != NULL && i < n && i < LIST_MAX; i++) {
        if (chain[i].data != NULL && chain[i].len < ((size_t)1 << 24)) {
            h = digest(chain[i].data, chain[i].len, h);
        }
    }
    return h;
}

/* One call of iotcert_verify, each argument chosen by the test. */
typedef struct call {
    const iotcert_trust *trust;
    const iotcert_buffer *chain;
    size_t n_chain;
    const iotcert_options *options;
    size_t workspace_offset; /* from an address aligned to ALIGNMENTS */
    size_t workspace_len;
    int workspace_null;
    int result_null;
    int result_size_wrong; /* result->struct_size is result_size, not sizeof */
    uint32_t result_size;
} call;

/*
 * Runs `c` with canaries around the workspace and the result, checks them and the const
 * inputs afterwards, and copies the result to `out` (may be NULL). Returns the status.
 */
static int run(const call *c, iotcert_result *out, const char *what)
{
    static guarded_result g;
    size_t base = GUARD + (ALIGNMENTS - (uintptr_t)(arena + GUARD) % ALIGNMENTS) % ALIGNMENTS;
    uint8_t *workspace = arena + base + c->workspace_offset % ALIGNMENTS;
    /* A length beyond the arena is a lie the library must refuse without writing at all. */
    size_t usable = c->workspace_len <= WORKSPACE_MAX ? c->workspace_len : 0;
    memset(arena, CANARY, sizeof arena);
    memset(&g, CANARY, sizeof g);
    uint32_t size = c->result_size_wrong ? c->result_size : (uint32_t)sizeof(iotcert_result);
    g.result.struct_size = size;

    iotcert_trust trust_before;
    iotcert_options options_before;
    memset(&trust_before, 0, sizeof trust_before);
    memset(&options_before, 0, sizeof options_before);
    if (c->trust != NULL) {
        trust_before = *c->trust;
    }
    if (c->options != NULL) {
        options_before = *c->options;
    }
    uint64_t chain_before = chain_digest(c->chain, c->n_chain);

    int status = iotcert_verify(c->trust, c->chain, c->n_chain, c->options,
                                c->workspace_null ? NULL : workspace, c->workspace_len,
                                c->result_null ? NULL : &g.result);

    check(all_canary(arena, (size_t)(workspace - arena)), "%s: wrote before the workspace",
          what);
    uint8_t *end = workspace + usable;
    check(all_canary(end, (size_t)(arena + sizeof arena - end)),
          "%s: wrote after the workspace", what);
    check(all_canary(g.before, GUARD) && all_canary(g.after, GUARD),
          "%s: wrote outside the result", what);
    check(c->trust == NULL || memcmp(&trust_before, c->trust, sizeof trust_before) == 0,
          "%s: changed the const trust store", what);
    check(c->options == NULL || memcmp(&options_before, c->options, sizeof options_before) == 0,
          "%s: changed the const options", what);
    check(chain_digest(c->chain, c->n_chain) == chain_before,
          "%s: changed the presented certificates", what);
    if (!c->result_null && size == sizeof(iotcert_result)) {
        check(g.result.status == status, "%s: result.status %d, returned %d", what,
              (int)g.result.status, status);
        check(g.result.struct_size == size, "%s: result.struct_size changed", what);
    }
    if (out != NULL) {
        *out = g.result;
    }
    return status;
}

/* A failed verification leaves no path and no anchor. */
static void check_no_path(const iotcert_result *r, const char *what)
{
    check(r->path_len == 0 && r->anchor_index == -1, "%s: path_len %" PRIu32
          ", anchor %" PRId32 " on failure", what, r->path_len, r->anchor_index);
}

/* ---- fixtures ---------------------------------------------------------------------------- */

#define FILES_MAX 512

typedef struct file {
    char name[128];
    uint8_t *data;
    size_t len;
} file;

static file files[FILES_MAX];
static size_t n_files;
static char fixture_dir[256] = ".";

/* The DER of fixture `name`, read once; exits when it cannot be read (a broken setup). */
static iotcert_buffer fixture(const char *name)
{
    for (size_t i = 0; i < n_files; i++) {
        if (strcmp(files[i].name, name) == 0) {
            return (iotcert_buffer){ files[i].data, files[i].len };
        }
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL || n_files == FILES_MAX || strlen(name) >= sizeof files[0].name) {
        fprintf(stderr, "capi_test: cannot load %s\n", path);
        exit(2);
    }
    file *e = &files[n_files++];
    snprintf(e->name, sizeof e->name, "%s", name);
    size_t cap = 4096;
    e->data = malloc(cap);
    for (size_t n; e->data != NULL && (n = fread(e->data + e->len, 1, cap - e->len, f)) > 0;) {
        e->len += n;
        if (e->len == cap) {
            cap *= 2;
            e->data = realloc(e->data, cap);
        }
    }
    fclose(f);
    if (e->data == NULL) {
        fprintf(stderr, "capi_test: out of memory\n");
        exit(2);
    }
    return (iotcert_buffer){ e->data, e->len };
}

/* One row of the vectors file (see Tests/CAPI/vectors.py for the format). */
typedef struct scenario {
    char name[96];
    int expect;
    int time_unknown;
    int64_t time;
    int64_t build_time;
    uint32_t purpose;
    uint32_t peer_kind;
    uint8_t peer[256];
    size_t peer_len;
    iotcert_buffer anchors[LIST_MAX], stored[LIST_MAX], presented[LIST_MAX];
    size_t n_anchors, n_stored, n_presented;
    uint16_t path[IOTCERT_DEPTH_CEILING];
    size_t path_len;
    int anchor;         /* -1: none expected */
    int failing;        /* INT_MIN: not checked */
    char limits[256];   /* "field=value,...", or "" */
    uint8_t revocations[2048];
    size_t revocations_len;
    int strict;         /* the strict profile (IOTCERT_FLAG_STRICT_PROFILE) */
    int in_bundle;      /* a "bundle-verify" line: the trust store is the vectors' bundle */
} scenario;

/* The bundle of the vectors' "bundle" line (its bytes start `skip` bytes into the file). */
static iotcert_buffer bundle_file;
static size_t bundle_skip;

/* The next `separator`-delimited token of *cursor, or NULL at the end. */
static char *token(char **cursor, char separator)
{
    char *start = *cursor;
    if (start == NULL || *start == '\0') {
        return NULL;
    }
    char *end = strchr(start, separator);
    if (end != NULL) {
        *end = '\0';
        *cursor = end + 1;
    } else {
        *cursor = start + strlen(start);
    }
    return start;
}

static int parse_list(char *text, iotcert_buffer *out, size_t *n)
{
    *n = 0;
    if (strcmp(text, "-") == 0) {
        return 1;
    }
    for (char *name; (name = token(&text, ',')) != NULL;) {
        if (*n == LIST_MAX) {
            return 0;
        }
        out[(*n)++] = fixture(name);
    }
    return 1;
}

static int parse_hex(const char *text, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(text);
    if (n % 2 != 0 || n / 2 > cap) {
        return 0;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned byte;
        if (sscanf(text + 2 * i, "%2x", &byte) != 1) {
            return 0;
        }
        out[i] = (uint8_t)byte;
    }
    *len = n / 2;
    return 1;
}

static int parse_peer(scenario *s, const char *kind, const char *value)
{
    static const char *const kinds[] = { "none", "dns", "ip", "email" };
    static const uint32_t codes[] = { IOTCERT_PEER_NONE, IOTCERT_PEER_DNS, IOTCERT_PEER_IP,
                                      IOTCERT_PEER_EMAIL };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kind, kinds[i]) == 0) {
            s->peer_kind = codes[i];
        }
    }
    if (s->peer_kind == IOTCERT_PEER_NONE) {
        return strcmp(kind, "none") == 0;
    }
    if (s->peer_kind == IOTCERT_PEER_IP) {
        return parse_hex(value, s->peer, sizeof s->peer, &s->peer_len);
    }
    s->peer_len = strlen(value);
    memcpy(s->peer, value, s->peer_len < sizeof s->peer ? s->peer_len : 0);
    return s->peer_len < sizeof s->peer;
}

/* Parses the fields after "verify"; returns 0 on a malformed line. */
static int parse_scenario(char *line, scenario *s)
{
    enum { NAME, EXPECT, TIME, BUILD, PURPOSE, PEER_KIND, PEER, ANCHORS, STORED, PRESENTED,
           PATH, ANCHOR, FAILING, LIMITS, REVOCATIONS, PROFILE, FIELDS };
    char *f[FIELDS];
    for (int i = 0; i < FIELDS; i++) {
        if ((f[i] = token(&line, ' ')) == NULL) {
            return 0;
        }
    }
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", f[NAME]);
    s->expect = atoi(f[EXPECT]);
    s->time_unknown = strcmp(f[TIME], "unknown") == 0;
    s->time = s->time_unknown ? 0 : strtoll(f[TIME], NULL, 10);
    s->build_time = strtoll(f[BUILD], NULL, 10);
    s->purpose = strcmp(f[PURPOSE], "client") == 0 ? IOTCERT_PURPOSE_CLIENT_AUTH
                 : strcmp(f[PURPOSE], "any") == 0  ? IOTCERT_PURPOSE_ANY
                                                   : IOTCERT_PURPOSE_SERVER_AUTH;
    if (!parse_peer(s, f[PEER_KIND], f[PEER]) ||
        !parse_list(f[ANCHORS], s->anchors, &s->n_anchors) ||
        !parse_list(f[STORED], s->stored, &s->n_stored) ||
        !parse_list(f[PRESENTED], s->presented, &s->n_presented)) {
        return 0;
    }
    char *cursor = strcmp(f[PATH], "-") == 0 ? NULL : f[PATH];
    for (char *index; (index = token(&cursor, ',')) != NULL;) {
        if (s->path_len == IOTCERT_DEPTH_CEILING) {
            return 0;
        }
        s->path[s->path_len++] = (uint16_t)atoi(index);
    }
    s->anchor = strcmp(f[ANCHOR], "-") == 0 ? -1 : atoi(f[ANCHOR]);
    s->failing = strcmp(f[FAILING], "-") == 0 ? INT_MIN : atoi(f[FAILING]);
    snprintf(s->limits, sizeof s->limits, "%s", strcmp(f[LIMITS], "-") == 0 ? "" : f[LIMITS]);
    if (strcmp(f[PROFILE], "strict") != 0 && strcmp(f[PROFILE], "default") != 0) {
        return 0;
    }
    s->strict = strcmp(f[PROFILE], "strict") == 0;
    return strcmp(f[REVOCATIONS], "-") == 0 ||
           parse_hex(f[REVOCATIONS], s->revocations, sizeof s->revocations,
                     &s->revocations_len);
}

/* Applies "field=value,..." to `o`; returns 0 on an unknown field. */
static int apply_limits(const char *text, iotcert_options *o)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        { "depth_max", offsetof(iotcert_options, depth_max) },
        { "presented_max", offsetof(iotcert_options, presented_max) },
        { "candidates_max", offsetof(iotcert_options, candidates_max) },
        { "signatures_max", offsetof(iotcert_options, signatures_max) },
        { "name_comparisons_max", offsetof(iotcert_options, name_comparisons_max) },
        { "steps_max", offsetof(iotcert_options, steps_max) },
    };
    char copy[256];
    snprintf(copy, sizeof copy, "%s", text);
    char *cursor = copy;
    for (char *item; (item = token(&cursor, ',')) != NULL;) {
        char *value = strchr(item, '=');
        size_t i = 0;
        while (i < sizeof fields / sizeof fields[0] &&
               (value == NULL || strncmp(item, fields[i].name, (size_t)(value - item)) != 0 ||
                fields[i].name[value - item] != '\0')) {
            i++;
        }
        if (i == sizeof fields / sizeof fields[0]) {
            return 0;
        }
        uint32_t v = (uint32_t)strtoul(value + 1, NULL, 10);
        memcpy((uint8_t *)o + fields[i].offset, &v, sizeof v);
    }
    return 1;
}

static void options_for(const scenario *s, iotcert_options *o)
{
    iotcert_options_init(o);
    o->flags = (s->time_unknown ? IOTCERT_FLAG_TIME_UNKNOWN : 0u) |
               (s->strict ? IOTCERT_FLAG_STRICT_PROFILE : 0u);
    o->time = s->time;
    o->purpose = s->purpose;
    o->peer_kind = s->peer_kind;
    o->peer = s->peer_kind == IOTCERT_PEER_NONE ? NULL : s->peer;
    o->peer_len = s->peer_len;
    check(apply_limits(s->limits, o), "%s: unknown limit in \"%s\"", s->name, s->limits);
}

static int trust_for(const scenario *s, iotcert_trust *trust)
{
    if (s->in_bundle) {
        if (bundle_file.len <= bundle_skip) {
            return IOTCERT_ERR_INVALID_ARGUMENT;
        }
        return iotcert_bundle_open(trust, bundle_file.data + bundle_skip,
                                   bundle_file.len - bundle_skip, NULL, 0, NULL);
    }
    return iotcert_trust_init_certs(trust, s->anchors, s->n_anchors,
                                    s->n_stored ? s->stored : NULL, s->n_stored,
                                    s->revocations_len ? s->revocations : NULL,
                                    s->revocations_len, s->build_time);
}

/* The contract tests' everyday chain: the scenario named on the vectors' "contract" line. */
static scenario good;
static iotcert_trust good_trust;
static iotcert_options good_options;

/* A call of the good verification, with the exact workspace its options need. */
static call good_call(void)
{
    return (call){ .trust = &good_trust, .chain = good.presented, .n_chain = good.n_presented,
                   .options = &good_options,
                   .workspace_len = iotcert_workspace_size(&good_options) };
}

/* ---- the library: version, status sentences --------------------------------------------- */

static const struct {
    const char *name;
    int value;
} codes[] = {
#define CODE(name) { #name, name },
#include "codes.h" /* generated from Include/iotcert.h by Tests/CAPI/Makefile */
#undef CODE
};
#define N_CODES (sizeof codes / sizeof codes[0])

static int is_defined(int status)
{
    for (size_t i = 0; i < N_CODES; i++) {
        if (codes[i].value == status) {
            return 1;
        }
    }
    return status == IOTCERT_OK;
}

static void test_version(void)
{
    const char *v = iotcert_version();
    unsigned major, minor, patch;
    char tail;
    check(v != NULL && sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &tail) == 3,
          "iotcert_version() is \"%s\", not major.minor.patch", v ? v : "(null)");
}

#ifdef IOTCERT_NO_MESSAGES
/* A library built with -D IOTCERT_NO_MESSAGES names each code: its macro without the
 * prefix, "OK" for success and "UNKNOWN" for anything else. */
static int is_message(const char *s, const char *macro)
{
    return s != NULL && strcmp(s, macro + strlen("IOTCERT_ERR_")) == 0;
}
#define SUCCESS_IS_MESSAGE(s) ((s) != NULL && strcmp((s), "OK") == 0)
#define FALLBACK_IS_MESSAGE(s) ((s) != NULL && strcmp((s), "UNKNOWN") == 0)
#else
/* A sentence: non-empty, capitalised, one line, ending with a full stop. */
static int is_sentence(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    return n > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[n - 1] == '.' && strchr(s, '\n') == NULL;
}

static int is_message(const char *s, const char *macro)
{
    (void)macro;
    return is_sentence(s);
}
#define SUCCESS_IS_MESSAGE(s) is_sentence(s)
#define FALLBACK_IS_MESSAGE(s) is_sentence(s)
#endif

static void test_strerror(void)
{
    const char *fallback = iotcert_strerror(-1);
    check(FALLBACK_IS_MESSAGE(fallback), "strerror(-1) is not the fallback text");
    check(SUCCESS_IS_MESSAGE(iotcert_strerror(IOTCERT_OK)), "strerror(IOTCERT_OK) is wrong");
    check(N_CODES > 80, "only %zu IOTCERT_ERR_* codes found in iotcert.h", N_CODES);
    for (size_t i = 0; i < N_CODES; i++) {
        const char *s = iotcert_strerror(codes[i].value);
        check(is_message(s, codes[i].name), "strerror(%s) is \"%s\", not its message",
              codes[i].name, s ? s : "(null)");
        if (s == NULL) {
            continue;
        }
        check(strcmp(s, fallback) != 0, "strerror(%s) is the unknown-code fallback",
              codes[i].name);
        check(strcmp(s, iotcert_strerror(IOTCERT_OK)) != 0, "strerror(%s) says success",
              codes[i].name);
        for (size_t j = 0; j < i; j++) {
            check(codes[i].value != codes[j].value, "%s and %s are both %d", codes[i].name,
                  codes[j].name, codes[i].value);
            check(strcmp(s, iotcert_strerror(codes[j].value)) != 0,
                  "%s and %s have the same sentence", codes[i].name, codes[j].name);
        }
    }
    /* Unknown: every gap in the ranges, both ends of int, and just past each range. */
    static const int far[] = { INT_MIN, -257, -2, -1, 272, 1000, 65536, INT_MAX };
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        check(iotcert_strerror(far[i]) != NULL && strcmp(iotcert_strerror(far[i]), fallback) == 0,
              "strerror(%d) of an unknown code is not the fallback", far[i]);
    }
    for (int status = 0; status < 300; status++) {
        if (!is_defined(status)) {
            check(strcmp(iotcert_strerror(status), fallback) == 0,
                  "strerror(%d) of an unknown code is not the fallback", status);
        }
    }
}

/* ---- workspace sizes --------------------------------------------------------------------- */

static void test_workspace_size(void)
{
    iotcert_options o;
    iotcert_options_init(&o);
    check(iotcert_workspace_size(NULL) == iotcert_workspace_size(&o) &&
          iotcert_workspace_size(NULL) > 0, "workspace_size(NULL) is not the defaults' size");
    size_t previous = 0;
    for (uint32_t d = 0; d <= IOTCERT_DEPTH_CEILING + 1; d++) {
        o.depth_max = d;
        size_t size = iotcert_workspace_size(&o);
        if (d == 0 || d > IOTCERT_DEPTH_CEILING) {
            check(size == 0, "workspace_size(depth_max %u) is %zu, want 0", d, size);
            continue;
        }
        check(size > previous, "workspace_size(depth_max %u) %zu does not grow", d, size);
        check(IOTCERT_WORKSPACE_BYTES(d) >= size, "IOTCERT_WORKSPACE_BYTES(%u) = %zu < %zu", d,
              IOTCERT_WORKSPACE_BYTES(d), size);
        previous = size;
    }
}

/*
 * Every workspace length from 0 up to the size iotcert_workspace_size() names, at `offset`
 * from an aligned address: 0 is an invalid argument, short ones are WORKSPACE_EXHAUSTED,
 * and from some length on (never above the named size) the verification gives `want`.
 * Returns the smallest length that was enough.
 */
static size_t sweep_workspace(const iotcert_options *o, size_t offset, int want)
{
    char what[96];
    call c = good_call();
    c.options = o;
    c.workspace_offset = offset;
    size_t needed = iotcert_workspace_size(o);
    size_t enough = 0;
    for (size_t len = 0; len <= needed; len++) {
        snprintf(what, sizeof what, "depth_max %" PRIu32 ", workspace %zu at +%zu",
                 o->depth_max, len, offset);
        c.workspace_len = len;
        iotcert_result r;
        int status = run(&c, &r, what);
        if (len == 0) {
            check_status(status, IOTCERT_ERR_INVALID_ARGUMENT, what);
        } else if (enough == 0 && status == IOTCERT_ERR_WORKSPACE_EXHAUSTED) {
            check_no_path(&r, what);
        } else {
            check_status(status, want, what);
            check(r.workspace_high_water <= len, "%s: high-water %" PRIu32, what,
                  r.workspace_high_water);
            enough = enough != 0 ? enough : len;
        }
    }
    check(enough != 0, "depth_max %" PRIu32 " at +%zu: %zu bytes were not enough",
          o->depth_max, offset, needed);
    return enough;
}

static void test_workspace_sweep(void)
{
    size_t most = 0;
    for (size_t offset = 0; offset < ALIGNMENTS; offset++) {
        size_t enough = sweep_workspace(&good_options, offset, IOTCERT_OK);
        most = enough > most ? enough : most;
    }
    /* The good path has two certificates: depth 1 is too shallow for it, 2..16 suffice. */
    for (uint32_t d = 1; d <= IOTCERT_DEPTH_CEILING; d++) {
        iotcert_options o = good_options;
        o.depth_max = d;
        for (size_t offset = 0; offset < ALIGNMENTS; offset += 5) {
            sweep_workspace(&o, offset, d == 1 ? IOTCERT_ERR_PATH_DEPTH_EXCEEDED : IOTCERT_OK);
        }
    }
    printf("workspace: depth_max %" PRIu32 " needs %zu bytes at worst alignment "
           "(iotcert_workspace_size: %zu; IOTCERT_WORKSPACE_BYTES: %zu)\n",
           good_options.depth_max, most, iotcert_workspace_size(&good_options),
           IOTCERT_WORKSPACE_BYTES(good_options.depth_max));
}

/* ---- options ----------------------------------------------------------------------------- */

static void test_options_init(void)
{
    iotcert_options_init(NULL); /* documented: ignored */
    iotcert_options o;
    memset(&o, 0xAB, sizeof o);
    iotcert_options_init(&o);
    check(o.struct_size == sizeof o && o.flags == 0 && o.time == 0 &&
          o.purpose == IOTCERT_PURPOSE_SERVER_AUTH && o.peer_kind == IOTCERT_PEER_NONE &&
          o.peer == NULL && o.peer_len == 0 && o.memo == NULL && o.memo_len == 0,
          "options_init: not the documented defaults");
    check(o.depth_max == 8 && o.presented_max == 64 && o.candidates_max == 16 &&
          o.signatures_max == 100 && o.name_comparisons_max == 50000 && o.steps_max == 20000,
          "options_init: limits are not the documented defaults");
}

/* ---- trust store ------------------------------------------------------------------------- */

typedef struct trust_case {
    const char *what;
    int null_trust;
    const iotcert_buffer *anchors;
    size_t n_anchors;
    const iotcert_buffer *stored;
    size_t n_stored;
    const uint8_t *revocations;
    size_t revocations_len;
    int64_t build_time;
    int want;
    int also; /* another acceptable answer (absurd counts), or -1 */
} trust_case;

static void test_trust_init(void)
{
    /* 65,535 entries is where the documented TOO_MANY_TRUSTED_CERTIFICATES starts. */
    enum { EDGE = 65535 };
    iotcert_buffer *many = malloc(EDGE * sizeof *many);
    if (many == NULL) {
        check(0, "out of memory");
        return;
    }
    for (size_t i = 0; i < EDGE; i++) {
        many[i] = good.anchors[0];
    }
    static const uint8_t garbage[7] = { 1, 2, 3, 4, 5, 6, 7 };
    const iotcert_buffer *a = good.anchors;
    const trust_case cases[] = {
        { "trust NULL", 1, a, 1, NULL, 0, NULL, 0, 0, IOTCERT_ERR_INVALID_ARGUMENT, -1 },
        { "anchors NULL", 0, NULL, 1, NULL, 0, NULL, 0, 0, IOTCERT_ERR_INVALID_ARGUMENT, -1 },
        { "anchors NULL, 0", 0, NULL, 0, NULL, 0, NULL, 0, 0, IOTCERT_ERR_INVALID_ARGUMENT, -1 },
        { "zero anchors", 0, a, 0, NULL, 0, NULL, 0, 0, IOTCERT_ERR_INVALID_ARGUMENT, -1 },
        { "stored NULL, 1", 0, a, 1, NULL, 1, NULL, 0, 0, IOTCERT_ERR_INVALID_ARGUMENT, -1 },
        { "stored NULL, 0", 0, a, 1, NULL, 0, NULL, 0, 0, IOTCERT_OK, -1 },
        { "stored set, 0", 0, a, 1, a, 0, NULL, 0, 0, IOTCERT_OK, -1 },
        { "revocations NULL, 1", 0, a, 1, NULL, 0, NULL, 1, 0, IOTCERT_ERR_INVALID_ARGUMENT,
          -1 },
        { "revocations set, 0", 0, a, 1, NULL, 0, garbage, 0, 0, IOTCERT_OK, -1 },
        { "revocations malformed", 0, a, 1, NULL, 0, garbage, sizeof garbage, 0,
          IOTCERT_ERR_BUNDLE_BAD_SECTION_CONTENT, -1 },
        { "build time INT64_MIN", 0, a, 1, NULL, 0, NULL, 0, INT64_MIN, IOTCERT_OK, -1 },
        { "build time INT64_MAX", 0, a, 1, NULL, 0, NULL, 0, INT64_MAX, IOTCERT_OK, -1 },
        { "65,534 anchors", 0, many, EDGE - 1, NULL, 0, NULL, 0, 0, IOTCERT_OK, -1 },
        { "65,535 anchors", 0, many, EDGE, NULL, 0, NULL, 0, 0,
          IOTCERT_ERR_TOO_MANY_TRUSTED_CERTIFICATES, -1 },
        { "65,534 stored", 0, a, 1, many, EDGE - 1, NULL, 0, 0, IOTCERT_OK, -1 },
        { "65,535 stored", 0, a, 1, many, EDGE, NULL, 0, 0,
          IOTCERT_ERR_TOO_MANY_TRUSTED_CERTIFICATES, -1 },
        /* Counts no array can have: either refusal is right, accepting them is not. */
        { "SIZE_MAX anchors", 0, a, SIZE_MAX, NULL, 0, NULL, 0, 0,
          IOTCERT_ERR_TOO_MANY_TRUSTED_CERTIFICATES, IOTCERT_ERR_INVALID_ARGUMENT },
        { "SIZE_MAX stored", 0, a, 1, a, SIZE_MAX, NULL, 0, 0,
          IOTCERT_ERR_TOO_MANY_TRUSTED_CERTIFICATES, IOTCERT_ERR_INVALID_ARGUMENT },
        { "SIZE_MAX revocations", 0, a, 1, NULL, 0, garbage, SIZE_MAX, 0,
          IOTCERT_ERR_INVALID_ARGUMENT, IOTCERT_ERR_BUNDLE_BAD_SECTION_CONTENT },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const trust_case *t = &cases[i];
        iotcert_trust trust;
        memset(&trust, 0, sizeof trust);
        /* Start from a usable store: a failed init must leave it unusable. */
        check_status(trust_for(&good, &trust), IOTCERT_OK, t->what);
        int status = iotcert_trust_init_certs(t->null_trust ? NULL : &trust, t->anchors,
                                              t->n_anchors, t->stored, t->n_stored,
                                              t->revocations, t->revocations_len,
                                              t->build_time);
        if (t->also >= 0 && status == t->also) {
            check_status(status, t->also, t->what);
        } else {
            check_status(status, t->want, t->what);
        }
        if (t->null_trust) {
            continue;
        }
        char what[96];
        snprintf(what, sizeof what, "verify after trust init \"%s\"", t->what);
        call c = good_call();
        c.trust = &trust;
        int verified = run(&c, NULL, what);
        if (status != IOTCERT_OK) {
            check_status(verified, IOTCERT_ERR_INVALID_ARGUMENT, what);
        } else if (t->n_stored < 2 && t->n_anchors < 2) {
            check_status(verified, IOTCERT_OK, what);
        }
    }
    free(many);
}

/* A store that was never initialised, whatever its memory holds, is refused. */
static void test_uninitialised_trust(void)
{
    static const uint8_t patterns[] = { 0x00, 0xFF, 0xA5, 0x5A };
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0] + 1; i++) {
        iotcert_trust trust;
        if (i < sizeof patterns / sizeof patterns[0]) {
            memset(&trust, patterns[i], sizeof trust);
        } else {
            srand(1);
            for (size_t k = 0; k < sizeof trust; k++) {
                ((uint8_t *)&trust)[k] = (uint8_t)rand();
            }
        }
        char what[64];
        snprintf(what, sizeof what, "uninitialised trust, pattern %zu", i);
        call c = good_call();
        c.trust = &trust;
        check_status(run(&c, NULL, what), IOTCERT_ERR_INVALID_ARGUMENT, what);
    }
    /* An initialised store whose header words were overwritten. */
    iotcert_trust copy = good_trust;
    copy.state ^= 1;
    call c = good_call();
    c.trust = &copy;
    check_status(run(&c, NULL, "trust with a corrupted state"), IOTCERT_ERR_INVALID_ARGUMENT,
                 "trust with a corrupted state");
    copy = good_trust;
    copy.struct_size += 8;
    check_status(run(&c, NULL, "trust with a wrong struct_size"),
                 IOTCERT_ERR_INVALID_ARGUMENT, "trust with a wrong struct_size");
}

/* ---- verify: arguments ------------------------------------------------------------------- */

/* Runs `fn` in a child process, so that a crash is one failed check, not the end of the run.
 * Returns the status `fn` returned, or -1000 - signal when it crashed. */
static int isolated(int (*fn)(void *), void *arg)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
        return -999;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(pipe_fds[0]);
        int status = fn(arg);
        fflush(stdout);
        _exit(write(pipe_fds[1], &status, sizeof status) == sizeof status ? 0 : 1);
    }
    close(pipe_fds[1]);
    int status = -999, wstatus = 0;
    ssize_t got = read(pipe_fds[0], &status, sizeof status);
    close(pipe_fds[0]);
    waitpid(pid, &wstatus, 0);
    if (WIFSIGNALED(wstatus)) {
        return -1000 - WTERMSIG(wstatus);
    }
    return got == sizeof status ? status : -999;
}

/* want: any status but OK is right (a malformed certificate has more than one fault). */
#define ANY_FAILURE INT_MIN

typedef struct argument_case {
    const char *what;
    call c;
    int replace_leaf;    /* chain[0] becomes `leaf` */
    iotcert_buffer leaf;
    int options_change;  /* see changed_options() */
    int want;
    int also;            /* another acceptable answer (absurd counts), or -1 */
} argument_case;

enum { SAME, PEER_NULL, PEER_EMPTY, PEER_NONE_WITH_NAME, PEER_IP_5, PEER_KIND_4, PURPOSE_3,
       FLAGS_4, PEER_LEN_MAX, TIME_UNKNOWN_TOO, MEMO_EMPTY, MEMO_LEN_MAX, MEMO_UNFORMATTED };

static iotcert_options changed_options(int change)
{
    iotcert_options o = good_options;
    static const uint8_t name[] = "server.example.com";
    static uint8_t memo[64];
    memset(memo, 0xEE, sizeof memo);
    switch (change) {
    case PEER_NULL: o.peer_kind = IOTCERT_PEER_DNS; o.peer = NULL; o.peer_len = 5; break;
    case PEER_EMPTY: o.peer_kind = IOTCERT_PEER_DNS; o.peer = name; o.peer_len = 0; break;
    case PEER_NONE_WITH_NAME: o.peer_kind = IOTCERT_PEER_NONE; o.peer = name; break;
    case PEER_IP_5: o.peer_kind = IOTCERT_PEER_IP; o.peer = name; o.peer_len = 5; break;
    case PEER_KIND_4: o.peer_kind = 4; break;
    case PURPOSE_3: o.purpose = 3; break;
    case FLAGS_4: o.flags = 4; break;
    case PEER_LEN_MAX: o.peer_kind = IOTCERT_PEER_DNS; o.peer = name; o.peer_len = SIZE_MAX;
        break;
    case TIME_UNKNOWN_TOO: o.flags = IOTCERT_FLAG_TIME_UNKNOWN; break;
    case MEMO_EMPTY: o.memo = memo; o.memo_len = 0; break;
    case MEMO_LEN_MAX: o.memo = memo; o.memo_len = SIZE_MAX; break;
    case MEMO_UNFORMATTED: o.memo = memo; o.memo_len = sizeof memo; break;
    default: break;
    }
    return o;
}

static int run_argument_case(void *arg)
{
    const argument_case *a = arg;
    iotcert_buffer chain[LIST_MAX] = { { NULL, 0 } };
    memcpy(chain, good.presented, good.n_presented * sizeof chain[0]);
    if (a->replace_leaf) {
        chain[0] = a->leaf;
    }
    iotcert_options o = changed_options(a->options_change);
    call c = a->c;
    c.chain = a->c.chain == good.presented ? chain : a->c.chain;
    c.options = a->c.options == &good_options ? &o : a->c.options;
    unsigned failed_before = failed;
    iotcert_result r;
    int status = run(&c, &r, a->what);
    if (status != IOTCERT_OK && !c.result_null) {
        check_no_path(&r, a->what);
    }
    /* The child's counters die with it: a failed check travels back in the status. */
    return failed != failed_before ? -998 : status;
}

static void test_verify_arguments(void)
{
    call g = good_call();
    call c[16];
    for (size_t i = 0; i < 16; i++) {
        c[i] = g;
    }
    c[0].result_null = 1;
    c[1].trust = NULL;
    c[2].chain = NULL;
    c[3].n_chain = 0;
    c[4].options = NULL;
    c[5].workspace_null = 1;
    c[6].workspace_len = 0;
    c[7].n_chain = SIZE_MAX;
    c[8].workspace_len = SIZE_MAX;
    const uint8_t *leaf = good.presented[0].data;
    size_t leaf_len = good.presented[0].len;
    const int invalid = IOTCERT_ERR_INVALID_ARGUMENT, bad_peer = IOTCERT_ERR_INVALID_PEER_NAME;
    const argument_case cases[] = {
        { "result NULL", c[0], 0, { 0 }, SAME, invalid, -1 },
        { "trust NULL", c[1], 0, { 0 }, SAME, invalid, -1 },
        { "chain NULL", c[2], 0, { 0 }, SAME, invalid, -1 },
        { "n_chain 0", c[3], 0, { 0 }, SAME, invalid, -1 },
        { "options NULL", c[4], 0, { 0 }, SAME, invalid, -1 },
        { "workspace NULL", c[5], 0, { 0 }, SAME, invalid, -1 },
        { "workspace_len 0", c[6], 0, { 0 }, SAME, invalid, -1 },
        { "n_chain SIZE_MAX", c[7], 0, { 0 }, SAME, invalid, IOTCERT_ERR_TOO_MANY_CERTIFICATES },
        { "workspace_len SIZE_MAX", c[8], 0, { 0 }, SAME, invalid, -1 },
        { "leaf {NULL, 0}", g, 1, { NULL, 0 }, SAME, ANY_FAILURE, -1 },
        { "leaf {NULL, 100}", g, 1, { NULL, 100 }, SAME, ANY_FAILURE, -1 },
        { "leaf of length 0", g, 1, { leaf, 0 }, SAME, ANY_FAILURE, -1 },
        { "leaf one byte short", g, 1, { leaf, leaf_len - 1 }, SAME, ANY_FAILURE, -1 },
        { "leaf of length SIZE_MAX", g, 1, { leaf, SIZE_MAX }, SAME, ANY_FAILURE, -1 },
        { "peer NULL", g, 0, { 0 }, PEER_NULL, invalid, -1 },
        { "peer_len 0", g, 0, { 0 }, PEER_EMPTY, bad_peer, -1 },
        { "peer_len SIZE_MAX", g, 0, { 0 }, PEER_LEN_MAX, invalid, -1 },
        { "IP peer of 5 bytes", g, 0, { 0 }, PEER_IP_5, bad_peer, -1 },
        { "peer_kind 4", g, 0, { 0 }, PEER_KIND_4, invalid, -1 },
        { "purpose 3", g, 0, { 0 }, PURPOSE_3, invalid, -1 },
        { "unknown flag", g, 0, { 0 }, FLAGS_4, invalid, -1 },
        { "peer kind none ignores the name", g, 0, { 0 }, PEER_NONE_WITH_NAME, IOTCERT_OK, -1 },
        { "time unknown, store built before", g, 0, { 0 }, TIME_UNKNOWN_TOO, IOTCERT_OK, -1 },
        { "memo of length 0", g, 0, { 0 }, MEMO_EMPTY, invalid, -1 },
        { "memo of length SIZE_MAX", g, 0, { 0 }, MEMO_LEN_MAX, invalid, -1 },
        { "memo never formatted", g, 0, { 0 }, MEMO_UNFORMATTED, invalid, -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const argument_case *a = &cases[i];
        int status = isolated(run_argument_case, (void *)a);
        if (status <= -1000) {
            check(0, "%s: crashed with signal %d", a->what, -1000 - status);
        } else if (status == -998) {
            check(0, "%s: a check failed in the child (see above)", a->what);
        } else if (a->want == ANY_FAILURE) {
            check(status != IOTCERT_OK && is_defined(status), "%s: status %d", a->what, status);
        } else if (a->also >= 0 && status == a->also) {
            check_status(status, a->also, a->what);
        } else {
            check_status(status, a->want, a->what);
        }
    }
    /* An empty extra certificate is just one more candidate that does not parse. */
    iotcert_buffer chain[LIST_MAX + 1] = { { NULL, 0 } };
    memcpy(chain, good.presented, good.n_presented * sizeof chain[0]);
    chain[good.n_presented] = (iotcert_buffer){ NULL, 0 };
    call extra = g;
    extra.chain = chain;
    extra.n_chain = good.n_presented + 1;
    check_status(run(&extra, NULL, "empty extra certificate"), IOTCERT_OK,
                 "empty extra certificate");
}

/* The functions around verification: each NULL pointer and zero length. */
static void test_other_functions(void)
{
    const int invalid = IOTCERT_ERR_INVALID_ARGUMENT;
    static uint8_t memo[IOTCERT_MEMO_BYTES(4)];
    static const uint8_t bytes[128];
    iotcert_trust trust;
    iotcert_bundle_info info = { .struct_size = sizeof info };
    iotcert_buffer out;
    const iotcert_trust *t = &good_trust;
    const struct {
        const char *what;
        int got;
        int want;
    } cases[] = {
        { "memo_init(NULL, n)", iotcert_memo_init(NULL, sizeof memo), invalid },
        { "memo_init(memo, 0)", iotcert_memo_init(memo, 0), invalid },
        { "memo_init(memo, 1)", iotcert_memo_init(memo, 1), invalid },
        { "memo_init(memo, SIZE_MAX)", iotcert_memo_init(memo, SIZE_MAX), invalid },
        { "memo_attach(NULL, n)", iotcert_memo_attach(NULL, sizeof memo), invalid },
        { "memo_attach(memo, 0)", iotcert_memo_attach(memo, 0), invalid },
        { "bundle_open(NULL, ...)", iotcert_bundle_open(NULL, bytes, sizeof bytes, NULL, 0, NULL),
          invalid },
        { "bundle_open(bundle NULL)", iotcert_bundle_open(&trust, NULL, 64, NULL, 0, NULL),
          invalid },
        { "bundle_open(len 0)", iotcert_bundle_open(&trust, bytes, 0, NULL, 0, NULL), invalid },
        { "bundle_open(len SIZE_MAX)", iotcert_bundle_open(&trust, bytes, SIZE_MAX, NULL, 0,
                                                           NULL), invalid },
        { "bundle_open(key of 64 bytes)", iotcert_bundle_open(&trust, bytes, sizeof bytes, bytes,
                                                              64, NULL), invalid },
        { "bundle_get_info(NULL, info)", iotcert_bundle_get_info(NULL, &info), invalid },
        { "bundle_get_info(trust, NULL)", iotcert_bundle_get_info(t, NULL), invalid },
        { "bundle_get_info(not a bundle)", iotcert_bundle_get_info(t, &info), invalid },
        { "bundle_device_certificate(NULL, 0, out)",
          iotcert_bundle_device_certificate(NULL, 0, &out), invalid },
        { "bundle_device_certificate(trust, 0, NULL)",
          iotcert_bundle_device_certificate(t, 0, NULL), invalid },
        { "bundle_device_certificate(not a bundle)",
          iotcert_bundle_device_certificate(t, 0, &out), invalid },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_status(cases[i].got, cases[i].want, cases[i].what);
    }
    /* A failed bundle_open leaves the store unusable, like a failed trust_init_certs. */
    trust = good_trust;
    check_status(iotcert_bundle_open(&trust, bytes, sizeof bytes, NULL, 0, NULL),
                 IOTCERT_ERR_BUNDLE_BAD_MAGIC, "bundle_open(zeros)");
    call c = good_call();
    c.trust = &trust;
    check_status(run(&c, NULL, "verify after a failed bundle_open"),
                 IOTCERT_ERR_INVALID_ARGUMENT, "verify after a failed bundle_open");
}

static void test_struct_sizes(void)
{
    static const int64_t deltas[] = { -(int64_t)sizeof(iotcert_options), -8, -1, 1, 8,
                                      UINT32_MAX - sizeof(iotcert_options) };
    for (size_t i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
        iotcert_options o = good_options;
        o.struct_size = (uint32_t)((int64_t)sizeof o + deltas[i]);
        call c = good_call();
        c.options = &o;
        c.workspace_len = WORKSPACE_MAX;
        char what[64];
        snprintf(what, sizeof what, "options.struct_size %" PRIu32, o.struct_size);
        iotcert_result r;
        check_status(run(&c, &r, what), IOTCERT_ERR_INVALID_ARGUMENT, what);
        check_no_path(&r, what);
    }
    static const uint32_t sizes[] = { 0, 4, sizeof(iotcert_result) - 4,
                                      sizeof(iotcert_result) + 4, UINT32_MAX };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        call c = good_call();
        c.result_size_wrong = 1;
        c.result_size = sizes[i];
        char what[64];
        snprintf(what, sizeof what, "result.struct_size %" PRIu32, sizes[i]);
        iotcert_result r;
        check_status(run(&c, &r, what), IOTCERT_ERR_INVALID_ARGUMENT, what);
        /* Documented: a result of the wrong size is not written at all. */
        check(r.struct_size == sizes[i] &&
              all_canary((const uint8_t *)&r + sizeof r.struct_size,
                         sizeof r - sizeof r.struct_size), "%s: the result was written", what);
    }
}

/* ---- verify: limits ---------------------------------------------------------------------- */

typedef struct limit_case {
    const char *field;
    uint32_t value;
    int want; /* with the good chain: leaf and one intermediate, two signatures, two steps */
} limit_case;

static void test_limits(void)
{
    const int range = IOTCERT_ERR_LIMIT_OUT_OF_RANGE;
    static const limit_case cases[] = {
        { "depth_max", 0, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "depth_max", 1, IOTCERT_ERR_PATH_DEPTH_EXCEEDED },
        { "depth_max", 2, IOTCERT_OK },
        { "depth_max", 16, IOTCERT_OK },
        { "depth_max", 17, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "depth_max", UINT32_MAX, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "presented_max", 0, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "presented_max", 1, IOTCERT_ERR_TOO_MANY_CERTIFICATES },
        { "presented_max", 2, IOTCERT_OK },
        { "presented_max", 255, IOTCERT_OK },
        { "presented_max", 256, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "candidates_max", 0, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "candidates_max", 1, IOTCERT_OK },
        { "candidates_max", 255, IOTCERT_OK },
        { "candidates_max", 256, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "signatures_max", 0, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "signatures_max", 1, IOTCERT_ERR_PATH_SIGNATURE_BUDGET_EXHAUSTED },
        { "signatures_max", 2, IOTCERT_OK },
        { "signatures_max", 65535, IOTCERT_OK },
        { "signatures_max", 65536, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "name_comparisons_max", 0, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "name_comparisons_max", 1, IOTCERT_OK },
        { "name_comparisons_max", UINT32_MAX, IOTCERT_OK },
        { "steps_max", 0, IOTCERT_ERR_LIMIT_OUT_OF_RANGE },
        { "steps_max", 1, IOTCERT_ERR_PATH_STEP_BUDGET_EXHAUSTED },
        { "steps_max", 2, IOTCERT_OK },
        { "steps_max", UINT32_MAX, IOTCERT_OK },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const limit_case *l = &cases[i];
        iotcert_options o = good_options;
        char setting[64], what[96];
        snprintf(setting, sizeof setting, "%s=%" PRIu32, l->field, l->value);
        snprintf(what, sizeof what, "limit %s", setting);
        check(apply_limits(setting, &o), "%s: unknown field", what);
        size_t size = iotcert_workspace_size(&o);
        check((size == 0) == (l->want == range), "%s: workspace_size %zu", what, size);
        call c = good_call();
        c.options = &o;
        c.workspace_len = size != 0 ? size : WORKSPACE_MAX;
        iotcert_result r;
        int status = run(&c, &r, what);
        check_status(status, l->want, what);
        if (status != IOTCERT_OK) {
            check_no_path(&r, what);
        }
    }
}

/* n_chain == presented_max is accepted, one more is TOO_MANY_CERTIFICATES, at several maxima.
 * The padding certificates are unrelated to the path, so the verification still succeeds. */
static void test_presented_max(const iotcert_buffer *filler)
{
    static const uint32_t maxima[] = { 2, 3, 16, 254, 255 };
    static iotcert_buffer chain[256];
    memcpy(chain, good.presented, good.n_presented * sizeof chain[0]);
    for (size_t k = good.n_presented; k < 256; k++) {
        chain[k] = *filler;
    }
    for (size_t i = 0; i < sizeof maxima / sizeof maxima[0]; i++) {
        iotcert_options o = good_options;
        o.presented_max = maxima[i];
        o.candidates_max = 255;
        for (uint32_t n = maxima[i]; n <= maxima[i] + 1; n++) {
            char what[96];
            snprintf(what, sizeof what, "%" PRIu32 " presented, presented_max %" PRIu32, n,
                     maxima[i]);
            call c = good_call();
            c.options = &o;
            c.chain = chain;
            c.n_chain = n;
            iotcert_result r;
            int status = run(&c, &r, what);
            check_status(status, n > maxima[i] ? IOTCERT_ERR_TOO_MANY_CERTIFICATES : IOTCERT_OK,
                         what);
        }
    }
}

/* ---- scenarios --------------------------------------------------------------------------- */

static void format_path(const uint16_t *path, size_t n, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && at < cap; i++) {
        at += (size_t)snprintf(out + at, cap - at, i ? ",%u" : "%u", path[i]);
    }
}

static void test_scenario(const scenario *s)
{
    iotcert_trust trust;
    int init = trust_for(s, &trust);
    check_status(init, IOTCERT_OK, s->name);
    iotcert_options o;
    options_for(s, &o);
    size_t needed = iotcert_workspace_size(&o);
    call c = { .trust = &trust, .chain = s->presented, .n_chain = s->n_presented,
               .options = &o, .workspace_len = needed };
    iotcert_result r;
    int status = run(&c, &r, s->name);
    check_status(status, s->expect, s->name);
    if (status == IOTCERT_OK && s->expect == IOTCERT_OK) {
        char got[128], want[128];
        format_path(r.path, r.path_len, got, sizeof got);
        format_path(s->path, s->path_len, want, sizeof want);
        check(r.path_len == s->path_len &&
              memcmp(r.path, s->path, s->path_len * sizeof s->path[0]) == 0,
              "%s: path %s, want %s", s->name, got, want);
        check(r.anchor_index == s->anchor, "%s: anchor %" PRId32 ", want %d", s->name,
              r.anchor_index, s->anchor);
        check(r.failing_index == -1, "%s: failing_index %" PRId32 " on success", s->name,
              r.failing_index);
    } else if (status != IOTCERT_OK) {
        check_no_path(&r, s->name);
        /* Only where the table names a certificate at fault, as the Swift scenario tests. */
        check(s->failing == INT_MIN || r.failing_index == s->failing,
              "%s: failing_index %" PRId32 ", want %d", s->name, r.failing_index, s->failing);
    }
    check(r.workspace_high_water > 0 && r.workspace_high_water <= needed,
          "%s: workspace high-water %" PRIu32 " of %zu", s->name, r.workspace_high_water,
          needed);
    /* The high-water mark is a sufficient size: firmware sizes its buffer from it. */
    if (r.workspace_high_water > 0 && r.workspace_high_water <= needed) {
        c.workspace_len = r.workspace_high_water;
        char what[128];
        snprintf(what, sizeof what, "%s with exactly its high-water workspace", s->name);
        check_status(run(&c, NULL, what), status, what);
    }
}

/* ---- main -------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS   (from Tests/CAPI/vectors.py)\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    size_t n = 0, cap = 0, in_bundles = 0;
    scenario *all = NULL;
    char contract[96] = "", filler[128] = "";
    static char line[1 << 16];
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *rest = line;
        char *kind = token(&rest, ' ');
        if (kind == NULL || kind[0] == '#') {
            continue;
        } else if (strcmp(kind, "dir") == 0) {
            snprintf(fixture_dir, sizeof fixture_dir, "%s", rest);
        } else if (strcmp(kind, "contract") == 0) {
            snprintf(contract, sizeof contract, "%s", token(&rest, ' '));
            snprintf(filler, sizeof filler, "%s", rest);
        } else if (strcmp(kind, "bundle") == 0) {
            char *name = token(&rest, ' ');
            char *skip = token(&rest, ' ');
            if (name == NULL || skip == NULL) {
                fprintf(stderr, "capi_test: bad bundle line\n");
                return 2;
            }
            bundle_file = fixture(name);
            bundle_skip = (size_t)atoi(skip);
        } else if (strcmp(kind, "verify") == 0 || strcmp(kind, "bundle-verify") == 0) {
            int in_bundle = strcmp(kind, "bundle-verify") == 0;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                all = realloc(all, cap * sizeof *all);
            }
            if (all == NULL || !parse_scenario(rest, &all[n])) {
                fprintf(stderr, "capi_test: bad vector line %zu\n", n + 1);
                return 2;
            }
            all[n].in_bundle = in_bundle;
            in_bundles += in_bundle;
            if (!in_bundle && strcmp(all[n].name, contract) == 0) {
                good = all[n];
            }
            n++;
        }
    }
    fclose(f);
    if (good.n_presented < 2 || good.expect != IOTCERT_OK) {
        fprintf(stderr, "capi_test: the contract scenario \"%s\" must be a valid chain of a "
                "leaf and an intermediate\n", contract);
        return 2;
    }
    check_status(trust_for(&good, &good_trust), IOTCERT_OK, "contract trust store");
    options_for(&good, &good_options);

    test_version();
    test_strerror();
    test_options_init();
    test_workspace_size();
    test_trust_init();
    test_uninitialised_trust();
    test_verify_arguments();
    test_other_functions();
    test_struct_sizes();
    test_limits();
    iotcert_buffer padding = fixture(filler);
    test_presented_max(&padding);
    test_workspace_sweep();
    unsigned before = failed;
    size_t valid = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned failed_before = failed;
        test_scenario(&all[i]);
        valid += all[i].expect == IOTCERT_OK;
        if (failed != failed_before) {
            printf("  scenario %s failed\n", all[i].name);
        }
    }
    printf("scenarios: %zu run through the C API (%zu valid, %zu refused; %zu of them with a "
           "bundle as the trust store), %u check(s) failed\n", n, valid, n - valid, in_bundles,
           failed - before);
    free(all);
    printf("%u passed, %u failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
