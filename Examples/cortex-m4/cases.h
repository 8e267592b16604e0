/*
 * cases.h -- the verifications the firmware runs, as gen-chains.py writes them.
 *
 * The table itself (certificates as DER in flash, options, expected outcome) is generated at
 * build time from the committed test PKI (Tests/Fixtures/scenarios) into
 * build/firmware/gen/chains.h; chains.c compiles it, so the test data is one object of its
 * own in the size report.
 */
#ifndef IOTCERT_FW_CASES_H
#define IOTCERT_FW_CASES_H

#include "iotcert.h"

/* Limits a scenario sets for itself; 0 keeps the firmware's value (main.c). */
typedef struct fw_case_limits {
    uint32_t depth_max;
    uint32_t presented_max;
    uint32_t candidates_max;
    uint32_t signatures_max;
    uint32_t name_comparisons_max;
} fw_case_limits;

typedef struct fw_case {
    const char *name;
    /* What iotcert_verify must return, and the macro's name. */
    int expected;
    const char *expected_name;
    /* Trust store and presented chain (leaf first). */
    const iotcert_buffer *anchors;
    size_t n_anchors;
    const iotcert_buffer *stored;
    size_t n_stored;
    const iotcert_buffer *chain;
    size_t n_chain;
    int64_t time;          /* seconds since 1970, unless time_unknown */
    uint32_t time_unknown; /* 1: no clock; build_time is the lower bound */
    int64_t build_time;
    uint32_t purpose;   /* IOTCERT_PURPOSE_* */
    uint32_t peer_kind; /* IOTCERT_PEER_* */
    const uint8_t *peer;
    size_t peer_len;
    fw_case_limits limits;
    /* On success: the path (numbered as iotcert_result.path) and the anchor. */
    uint16_t expect_path[IOTCERT_DEPTH_CEILING];
    uint32_t expect_path_len;
    int32_t expect_anchor;
    /* On failure: the certificate at fault, or -1 when no single one is. */
    int32_t expect_failing_index;
} fw_case;

/*
 * The status case `c` must give. The failure drills (`make check-exit`, `make
 * check-product-exit`) build with FW_FAILURE_DRILL: the tampered signatures are then expected
 * to verify, so the run must report failure and QEMU must exit non-zero.
 */
static inline int fw_expected_status(const fw_case *c)
{
#ifdef FW_FAILURE_DRILL
    return c->expected == IOTCERT_ERR_PATH_BAD_SIGNATURE ? IOTCERT_OK : c->expected;
#else
    return c->expected;
#endif
}

/* chains.c */
extern const fw_case *const fw_cases;
extern const size_t fw_case_count;
const char *fw_status_name(int status);

#endif /* IOTCERT_FW_CASES_H */
