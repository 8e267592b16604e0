/*
 * host_verify.c -- verify a certificate chain with iotcert, on a PC, the way firmware does.
 *
 *   host_verify -a ANCHOR [-a ANCHOR...] [-i STORED...] [options] CHAIN_FILE...
 *
 *   -a FILE                a trust anchor (DER, or PEM holding one or more certificates)
 *   -i FILE                an intermediate the device stores, to complete paths
 *   --host NAME            the peer's expected DNS name
 *   --ip ADDR              the peer's expected IPv4 or IPv6 address
 *   --time UNIX|unknown    the verification time (default: now); "unknown" for a device
 *                          without a trusted clock
 *   --build-time UNIX      when the trust store was built: with --time unknown, what had
 *                          expired by then is refused (default 0)
 *   --purpose server|client|any    what the leaf must be good for (default server)
 *   --workspace BYTES      give the verification only this much workspace (default: what
 *                          iotcert_workspace_size() asks for)
 *
 * The chain files are what the peer presents, leaf first; the others may come in any order.
 * Exit status: 0 when a valid path exists, 1 when not, 2 for usage and file errors.
 *
 * The program is written as firmware would be: every buffer is static and sized up front,
 * nothing is allocated, and the verification gets a workspace of a fixed size. Only the
 * loading of files is host-specific; Mbed TLS, linked anyway for the crypto port, decodes
 * the base64 of PEM files.
 */
#define _POSIX_C_SOURCE 200112L /* inet_pton */

#include "iotcert.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/base64.h"

/* ---- certificates, in static storage ----------------------------------------------------- */

/* More than any real chain or trust store on a device; the library's own limits are lower
 * (IOTCERT_DEPTH_CEILING, presented_max at most 255). */
#define CERTS_MAX 64
/* All certificates together, DER. 512 KiB is a few hundred certificates. */
#define STORAGE_BYTES (512u * 1024u)
/* One input file, as read. */
#define FILE_BYTES (256u * 1024u)
#define LABEL_BYTES 128

typedef struct cert_list {
    iotcert_buffer der[CERTS_MAX];
    char label[CERTS_MAX][LABEL_BYTES]; /* file name, with #n for the n-th of several */
    size_t count;
} cert_list;

static uint8_t storage[STORAGE_BYTES];
static size_t storage_used;
static uint8_t file_bytes[FILE_BYTES];

static cert_list anchors, stored, chain;

/* Appends one DER certificate to `list`, copied into `storage`. Returns 0 when full. */
static int add_certificate(cert_list *list, const uint8_t *der, size_t len, const char *label)
{
    if (list->count == CERTS_MAX || len > STORAGE_BYTES - storage_used) {
        fprintf(stderr, "%s: too many certificates (at most %d per list, %u bytes in all)\n",
                label, CERTS_MAX, STORAGE_BYTES);
        return 0;
    }
    memcpy(storage + storage_used, der, len);
    list->der[list->count] = (iotcert_buffer){ storage + storage_used, len };
    snprintf(list->label[list->count], LABEL_BYTES, "%s", label);
    storage_used += len;
    list->count++;
    return 1;
}

/* Decodes the base64 between `begin` and `end`, ignoring line breaks, into `out`. */
static int pem_body(const char *begin, const char *end, uint8_t *out, size_t cap,
                    size_t *out_len)
{
    static unsigned char compact[FILE_BYTES];
    size_t n = 0;
    for (const char *p = begin; p < end; p++) {
        if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t') {
            compact[n++] = (unsigned char)*p;
        }
    }
    return mbedtls_base64_decode(out, cap, out_len, compact, n) == 0;
}

/* Adds every certificate of PEM text `text` to `list`; returns how many, or -1. */
static int load_pem(cert_list *list, const char *text, const char *path)
{
    static const char begin_marker[] = "-----BEGIN CERTIFICATE-----";
    static const char end_marker[] = "-----END CERTIFICATE-----";
    static uint8_t der[FILE_BYTES];
    int found = 0;
    for (const char *at = strstr(text, begin_marker); at != NULL;
         at = strstr(at, begin_marker)) {
        const char *body = at + strlen(begin_marker);
        const char *end = strstr(body, end_marker);
        size_t len = 0;
        if (end == NULL || !pem_body(body, end, der, sizeof der, &len)) {
            fprintf(stderr, "%s: certificate %d is not valid PEM\n", path, found + 1);
            return -1;
        }
        char label[LABEL_BYTES];
        snprintf(label, sizeof label, "%s#%d", path, found + 1);
        if (!add_certificate(list, der, len, label)) {
            return -1;
        }
        found++;
        at = end;
    }
    return found;
}

/*
 * Adds the certificates of file `path` to `list`: a DER file is one certificate, a PEM file
 * one or more (labelled file#1, file#2... when there are several). Returns 0 on error.
 */
static int load_file(cert_list *list, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 0;
    }
    size_t len = fread(file_bytes, 1, sizeof file_bytes - 1, f);
    int too_long = !feof(f);
    fclose(f);
    if (too_long || len == 0) {
        fprintf(stderr, "%s: %s\n", path, len == 0 ? "empty" : "larger than 256 KiB");
        return 0;
    }
    /* DER starts with a SEQUENCE tag; PEM is text. The library judges the DER itself. */
    if (file_bytes[0] == 0x30) {
        return add_certificate(list, file_bytes, len, path);
    }
    file_bytes[len] = '\0';
    size_t first = list->count;
    int found = load_pem(list, (const char *)file_bytes, path);
    if (found == 0) {
        fprintf(stderr, "%s: neither DER nor a PEM certificate\n", path);
    } else if (found == 1) {
        snprintf(list->label[first], LABEL_BYTES, "%s", path); /* no "#1" for a lone one */
    }
    return found > 0;
}

/* ---- the command line -------------------------------------------------------------------- */

/* The workspace, static as on a device: enough for the deepest path the library allows. */
static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(IOTCERT_DEPTH_CEILING)];

typedef struct settings {
    iotcert_options options;
    int64_t build_time;
    int build_time_given;
    size_t workspace_len; /* 0: what the options need */
    uint8_t ip[16];
    const char *peer_text;
} settings;

static void usage(void)
{
    fputs("usage: host_verify -a ANCHOR [-a ANCHOR...] [-i STORED...]\n"
          "                   [--host NAME | --ip ADDR] [--time UNIX|unknown] [--build-time UNIX]\n"
          "                   [--purpose server|client|any] [--workspace BYTES] CHAIN_FILE...\n"
          "Chain files: the peer's certificates, leaf first, DER or PEM.\n"
          "Exit status: 0 valid, 1 invalid, 2 usage or file error.\n", stderr);
}

/* A whole decimal number in [min, max], or 0 on error. */
static int parse_number(const char *text, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "not a number in %" PRId64 "..%" PRId64 ": %s\n", min, max, text);
        return 0;
    }
    *out = v;
    return 1;
}

/* What parse_option() found wrong. */
#define ARGUMENT_OK 1
#define ARGUMENT_USAGE 0
#define ARGUMENT_FILE (-1)

/* Handles the option argv[*i] (and its value, which it steps over). */
static int parse_option(int argc, char **argv, int *i, settings *s)
{
    const char *option = argv[*i];
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s needs a value\n", option);
        return ARGUMENT_USAGE;
    }
    const char *value = argv[++*i];
    iotcert_options *o = &s->options;
    int64_t n;
    if (strcmp(option, "-a") == 0 || strcmp(option, "-i") == 0) {
        return load_file(option[1] == 'a' ? &anchors : &stored, value) ? ARGUMENT_OK
                                                                        : ARGUMENT_FILE;
    } else if (strcmp(option, "--host") == 0) {
        o->peer_kind = IOTCERT_PEER_DNS;
        o->peer = (const uint8_t *)value;
        o->peer_len = strlen(value);
        s->peer_text = value;
    } else if (strcmp(option, "--ip") == 0) {
        int v4 = inet_pton(AF_INET, value, s->ip) == 1;
        if (!v4 && inet_pton(AF_INET6, value, s->ip) != 1) {
            fprintf(stderr, "not an IP address: %s\n", value);
            return ARGUMENT_USAGE;
        }
        o->peer_kind = IOTCERT_PEER_IP;
        o->peer = s->ip;
        o->peer_len = v4 ? 4 : 16;
        s->peer_text = value;
    } else if (strcmp(option, "--time") == 0) {
        if (strcmp(value, "unknown") == 0) {
            o->flags |= IOTCERT_FLAG_TIME_UNKNOWN;
        } else if (!parse_number(value, INT64_MIN, INT64_MAX, &o->time)) {
            return ARGUMENT_USAGE;
        }
    } else if (strcmp(option, "--build-time") == 0) {
        if (!parse_number(value, INT64_MIN, INT64_MAX, &s->build_time)) {
            return ARGUMENT_USAGE;
        }
        s->build_time_given = 1;
    } else if (strcmp(option, "--purpose") == 0) {
        static const char *const names[] = { "any", "server", "client" };
        static const uint32_t purposes[] = { IOTCERT_PURPOSE_ANY, IOTCERT_PURPOSE_SERVER_AUTH,
                                             IOTCERT_PURPOSE_CLIENT_AUTH };
        for (size_t k = 0; k < 3; k++) {
            if (strcmp(value, names[k]) == 0) {
                o->purpose = purposes[k];
                return ARGUMENT_OK;
            }
        }
        fprintf(stderr, "--purpose is server, client or any, not %s\n", value);
        return ARGUMENT_USAGE;
    } else if (strcmp(option, "--workspace") == 0) {
        if (!parse_number(value, 1, sizeof workspace, &n)) {
            return ARGUMENT_USAGE;
        }
        s->workspace_len = (size_t)n;
    } else {
        fprintf(stderr, "unknown option %s\n", option);
        return ARGUMENT_USAGE;
    }
    return ARGUMENT_OK;
}

/* ---- the report -------------------------------------------------------------------------- */

static const char *time_text(int64_t t)
{
    static char text[32];
    time_t seconds = (time_t)t;
    struct tm tm;
    if (gmtime_r(&seconds, &tm) == NULL ||
        strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(text, sizeof text, "%" PRId64, t);
    }
    return text;
}

/* Prints certificate `index` as the result numbers it: presented ones first, then stored. */
static void print_certificate(int32_t index)
{
    if (index >= 0 && (size_t)index < chain.count) {
        printf("%s (presented #%" PRId32 ")\n", chain.label[index], index);
    } else if (index >= 0 && (size_t)index - chain.count < stored.count) {
        size_t k = (size_t)index - chain.count;
        printf("%s (stored #%zu)\n", stored.label[k], k);
    } else {
        printf("certificate #%" PRId32 "\n", index);
    }
}

static void print_settings(const settings *s, size_t needed)
{
    const iotcert_options *o = &s->options;
    static const char *const purposes[] = { "any", "server", "client" };
    printf("iotcert %s\n", iotcert_version());
    printf("trust:      %zu anchor(s), %zu stored certificate(s)", anchors.count, stored.count);
    printf(s->build_time_given ? "; store built %s\n" : "\n", time_text(s->build_time));
    printf("presented:  %zu certificate(s)\n", chain.count);
    printf("time:       %s\n", (o->flags & IOTCERT_FLAG_TIME_UNKNOWN) != 0
                                   ? "unknown (the store's build time is the lower bound)"
                                   : time_text(o->time));
    printf("purpose:    %s\n", purposes[o->purpose]);
    printf("peer:       %s%s\n",
           o->peer_kind == IOTCERT_PEER_DNS  ? "host "
           : o->peer_kind == IOTCERT_PEER_IP ? "address "
                                             : "any (no name checked)",
           s->peer_text != NULL ? s->peer_text : "");
    printf("workspace:  %zu bytes given, %zu needed for depth_max %" PRIu32 "\n",
           s->workspace_len, needed, o->depth_max);
}

static void print_result(int status, const iotcert_result *r)
{
    printf("\nstatus:     %s %d: %s\n", status == IOTCERT_OK ? "VALID" : "INVALID", status,
           iotcert_strerror(status));
    if (status == IOTCERT_OK) {
        for (uint32_t i = 0; i < r->path_len; i++) {
            printf(i == 0 ? "path:       " : "  issued by ");
            print_certificate(r->path[i]);
        }
        printf("  issued by anchor %s (anchor #%" PRId32 ")\n", anchors.label[r->anchor_index],
               r->anchor_index);
    } else if (r->failing_index >= 0) {
        printf("failing:    ");
        print_certificate(r->failing_index);
    }
    printf("signatures: %" PRIu32 " checked\n", r->signatures_checked);
    printf("search:     %" PRIu32 " step(s), %" PRIu32 " name-constraint comparison(s)\n",
           r->steps, r->name_comparisons);
    printf("workspace:  %" PRIu32 " bytes high-water\n", r->workspace_high_water);
}

int main(int argc, char **argv)
{
    settings s = { .build_time = 0 };
    iotcert_options_init(&s.options);
    s.options.time = (int64_t)time(NULL);
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            int parsed = parse_option(argc, argv, &i, &s);
            if (parsed == ARGUMENT_USAGE) {
                usage();
            }
            if (parsed != ARGUMENT_OK) {
                return 2;
            }
        } else if (!load_file(&chain, argv[i])) {
            return 2;
        }
    }
    if (anchors.count == 0 || chain.count == 0) {
        usage();
        return 2;
    }

    iotcert_trust trust;
    int status = iotcert_trust_init_certs(&trust, anchors.der, anchors.count, stored.der,
                                          stored.count, NULL, 0, s.build_time);
    if (status != IOTCERT_OK) {
        fprintf(stderr, "trust store: %s\n", iotcert_strerror(status));
        return 2;
    }
    size_t needed = iotcert_workspace_size(&s.options);
    if (s.workspace_len == 0) {
        s.workspace_len = needed;
    }
    print_settings(&s, needed);

    iotcert_result result = { .struct_size = sizeof result };
    status = iotcert_verify(&trust, chain.der, chain.count, &s.options, workspace,
                            s.workspace_len, &result);
    print_result(status, &result);
    return status == IOTCERT_OK ? 0 : 1;
}
