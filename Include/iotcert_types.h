/*
 * iotcert_types.h -- plain data types and constants shared by the C API (iotcert.h) and the
 * Swift core. Included by iotcert.h; firmware need not include it directly.
 *
 * No C enum crosses the ABI (arm-none-eabi-gcc may make enums one byte wide): every
 * enumerated value is a #define'd integer stored in a fixed-width field.
 */
#ifndef IOTCERT_TYPES_H
#define IOTCERT_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* A byte range the caller owns: one DER certificate, a bundle, a name. */
typedef struct iotcert_buffer {
    const uint8_t *data; /* may be NULL only when len == 0 */
    size_t len;
} iotcert_buffer;

/* Purposes (iotcert_options.purpose). */
#define IOTCERT_PURPOSE_ANY 0u
#define IOTCERT_PURPOSE_SERVER_AUTH 1u
#define IOTCERT_PURPOSE_CLIENT_AUTH 2u

/* Kinds of expected peer name (iotcert_options.peer_kind). */
#define IOTCERT_PEER_NONE 0u
#define IOTCERT_PEER_DNS 1u   /* ASCII host name; one trailing dot is ignored */
#define IOTCERT_PEER_IP 2u    /* 4 or 16 bytes, network order */
#define IOTCERT_PEER_EMAIL 3u /* ASCII mailbox */

/* iotcert_options.flags */
#define IOTCERT_FLAG_TIME_UNKNOWN 0x1u /* ignore `time`: the device has no trusted clock */
/* The strict profile: RFC 5280's and the CABF BRs' issuance rules on top of the validation
 * rules (authorityKeyIdentifier, subjectKeyIdentifier, critical basicConstraints and
 * nameConstraints, positive serials, commonName copied into subjectAltName, ...; the table
 * is docs/validation-rules.md). Without it (the default profile) a chain that only breaks
 * an issuance rule is accepted, as Chromium, Go, Mbed TLS and OpenSSL accept it. */
#define IOTCERT_FLAG_STRICT_PROFILE 0x2u

/* Largest depth_max accepted; the size of iotcert_result.path. */
#define IOTCERT_DEPTH_CEILING 16

/* How to verify. Initialise with iotcert_options_init(), then set what you need. */
typedef struct iotcert_options {
    uint32_t struct_size;  /* sizeof(iotcert_options), set by iotcert_options_init */
    uint32_t flags;        /* IOTCERT_FLAG_* */
    int64_t time;          /* now, seconds since 1970-01-01T00:00:00Z (unless TIME_UNKNOWN) */
    uint32_t purpose;      /* IOTCERT_PURPOSE_* */
    uint32_t peer_kind;    /* IOTCERT_PEER_* */
    const uint8_t *peer;   /* the expected name; caller-owned, read during the call only */
    size_t peer_len;
    /* Limits. iotcert_options_init sets the defaults documented in iotcert.h. */
    uint32_t depth_max;            /* certificates in a path, leaf included, anchor not */
    uint32_t presented_max;        /* certificates the peer may present */
    uint32_t candidates_max;       /* issuer candidates per certificate */
    uint32_t signatures_max;       /* signature checks per verification */
    uint32_t name_comparisons_max; /* name-constraint comparisons per verification */
    uint32_t steps_max;            /* path-search steps per verification */
    /* The signature memo (iotcert_memo_init), or NULL for none (the default). Refused with
     * IOTCERT_ERR_INVALID_ARGUMENT before iotcert_memo_init or iotcert_memo_attach has
     * succeeded once since reset (the memo's code is reached only through them). */
    void *memo;
    size_t memo_len;
} iotcert_options;

/* What a verification found. */
typedef struct iotcert_result {
    uint32_t struct_size;        /* set by the caller: sizeof(iotcert_result) */
    int32_t status;              /* IOTCERT_OK or an IOTCERT_ERR_* code */
    uint16_t path[IOTCERT_DEPTH_CEILING]; /* certificate numbers, leaf first: i < chain_len
                                             is chain[i]; chain_len + j the trust store's
                                             j-th stored certificate */
    uint32_t path_len;           /* entries of `path` in use (0 on failure) */
    int32_t anchor_index;        /* trust anchor that ended the path, or -1 */
    int32_t failing_index;       /* certificate (numbered as in `path`) that caused
                                    `status`, or -1 when no single certificate did */
    uint32_t signatures_checked; /* signature verifications performed */
    uint32_t memo_hits;          /* signatures found in the memo instead of verified */
    uint32_t steps;              /* path-search steps taken */
    uint32_t name_comparisons;   /* name-constraint comparisons made */
    uint32_t workspace_high_water; /* most workspace bytes used */
} iotcert_result;

/*
 * A trust store: opaque. Fill with iotcert_trust_init_certs() (or, once bundles are used,
 * iotcert_bundle_open()). It refers to the caller's memory and must not outlive it.
 */
typedef struct iotcert_trust {
    uint32_t struct_size; /* do not touch */
    uint32_t state;       /* do not touch */
    uint64_t opaque[24];  /* do not touch */
} iotcert_trust;

/* What iotcert_bundle_get_info() reports about an opened bundle. */
typedef struct iotcert_bundle_info {
    uint32_t struct_size;  /* set by the caller: sizeof(iotcert_bundle_info) */
    uint32_t sequence;     /* the bundle's sequence number */
    int64_t build_time;    /* seconds since 1970 */
    uint32_t anchors;      /* trust anchors */
    uint32_t certificates; /* stored certificates */
    uint32_t device_chain; /* certificates of the device's own chain */
    uint32_t is_signed;    /* 1 when the bundle carries a signature */
} iotcert_bundle_info;

#endif /* IOTCERT_TYPES_H */
