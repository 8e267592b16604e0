/*
 * product.c -- the smallest firmware that uses iotcert as a P-256 product would: the image
 * whose flash the footprint's targets are measured on.
 *
 * The test harness (main.c) calls iotcert_strerror, the memo and every option a scenario
 * sets, so it links parts a product that does not call them leaves out. This image links
 * what a device that checks its server's chain needs and nothing else: it builds a trust
 * store over one root given as DER (iotcert_trust_init_anchors: no bundle, no flash store, no
 * revocation list), sets the options (iotcert_options_init, the device's limits, the time,
 * server authentication, the expected DNS name) and calls iotcert_verify with a static
 * workspace of IOTCERT_WORKSPACE_BYTES(depth). It never calls iotcert_strerror.
 *
 * Built with -DPRODUCT_MEMO it also keeps a signature memo (iotcert_memo_init, options.memo)
 * and verifies the good chain a second time, which must find every signature in the memo: the
 * same product with the memo, so that the memo's flash is shown on its own.
 *
 * It proves that it verifies: the chain leaf <- intermediate <- root of the test PKI
 * (basic-p256) must give IOTCERT_OK, and the same root with a tampered leaf signature
 * (bad-signature-leaf) or a wrong host name (peer-dns-mismatch) must give the scenario's
 * code. The cases come from gen-chains.py like the harness's; the exit status is the number
 * of outcomes that differ, so `make product-run` fails on any.
 */
#include "cases.h"
#include "firmware.h"
#include "iotcert.h"

/* The device's limits, as in main.c: depth 4, 8 candidate issuers per certificate. */
#define PRODUCT_DEPTH_MAX 4u
#define PRODUCT_CANDIDATES_MAX 8u

static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(PRODUCT_DEPTH_MAX)];

#ifdef PRODUCT_MEMO
/* 8 slots: a few servers' chains (iotcert.h). */
static uint8_t memo[IOTCERT_MEMO_BYTES(8)];
#endif

/* One verification of case `c` as the product makes it; `res` is filled. */
static int verify(const fw_case *c, iotcert_result *res)
{
    iotcert_trust trust;
    int status = iotcert_trust_init_anchors(&trust, c->anchors, c->n_anchors, NULL, 0,
                                            c->build_time);
    if (status != IOTCERT_OK) {
        return status;
    }
    iotcert_options opt;
    iotcert_options_init(&opt);
    opt.depth_max = PRODUCT_DEPTH_MAX;
    opt.candidates_max = PRODUCT_CANDIDATES_MAX;
    opt.time = c->time;
    opt.purpose = IOTCERT_PURPOSE_SERVER_AUTH;
    opt.peer_kind = c->peer_kind;
    opt.peer = c->peer;
    opt.peer_len = c->peer_len;
#ifdef PRODUCT_MEMO
    opt.memo = memo;
    opt.memo_len = sizeof memo;
#endif
    *res = (iotcert_result){.struct_size = sizeof *res};
    return iotcert_verify(&trust, c->chain, c->n_chain, &opt, workspace, sizeof workspace, res);
}

/* "name: pass STATUS" (or FAIL, with the status expected); returns 1 on a difference. */
static int check(const fw_case *c, int status, const iotcert_result *res)
{
    int wrong = status != fw_expected_status(c);
    fw_print(c->name);
    fw_print(wrong ? ": FAIL " : ": pass ");
    fw_print(fw_status_name(status));
    if (wrong) {
        fw_print(" (expected ");
        fw_print(fw_status_name(fw_expected_status(c)));
        fw_print(")");
    }
    fw_print("\n");
    fw_print_metric("  signatures", res->signatures_checked, "");
    fw_print_metric("  memo_hits", res->memo_hits, "");
    return wrong;
}

/* A scenario the image needs that the generated table lacks is a build fault: counted. */
static int run_all(void)
{
    int failures = 0;
    int found_ok = 0;
    for (size_t i = 0; i < fw_case_count; i++) {
        const fw_case *c = &fw_cases[i];
        iotcert_result res;
        failures += check(c, verify(c, &res), &res);
        found_ok |= c->expected == IOTCERT_OK;
#ifdef PRODUCT_MEMO
        /* Again, with the memo filled by the first call: no elliptic-curve math at all. */
        if (c->expected == IOTCERT_OK) {
            uint32_t checked = res.signatures_checked;
            int status = verify(c, &res);
            failures += check(c, status, &res);
            failures += checked == 0 || res.memo_hits < checked;
        }
#endif
    }
    return failures + (found_ok == 0) + (fw_case_count < 2);
}

int main(void)
{
    fw_heap_init();
    fw_print("iotcert product image");
#ifdef PRODUCT_MEMO
    fw_print(" with the signature memo");
#endif
    fw_print(" on qemu mps2-an386 (Cortex-M4)\n");
    int failures = 0;
#ifdef PRODUCT_MEMO
    failures += iotcert_memo_init(memo, sizeof memo) != IOTCERT_OK;
#endif
    failures += run_all();
    fw_print_metric("failures", (uint64_t)failures, "");
    fw_print(failures == 0 ? "result: pass\n" : "result: FAIL\n");
    return failures;
}
