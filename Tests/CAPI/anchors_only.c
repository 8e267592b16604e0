/*
 * anchors_only.c -- the smallest product: DER trust anchors, one verification, the status as
 * a number. It calls no bundle, store, memo, revocation or iotcert_strerror function, so
 * none of them may be in its executable: Tests/CAPI/check-lib.sh links it with
 * --gc-sections and lists what of the library it kept (nm).
 *
 * It also passes a memo laid out by hand (a valid header, one empty slot): a product that
 * never called iotcert_memo_init or iotcert_memo_attach has no memo code, and iotcert_verify
 * refuses the memo with IOTCERT_ERR_INVALID_ARGUMENT instead of using it.
 */
#include "iotcert.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    static const uint8_t nothing[1];
    iotcert_buffer anchor = { nothing, sizeof nothing };
    iotcert_trust trust;
    int init = iotcert_trust_init_certs(&trust, &anchor, 1, NULL, 0, NULL, 0, 0);

    iotcert_options options;
    iotcert_options_init(&options);
    static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(4)];
    options.depth_max = 4;
    iotcert_result result;
    memset(&result, 0, sizeof result);
    result.struct_size = sizeof result;
    int status = iotcert_verify(&trust, &anchor, 1, &options, workspace, sizeof workspace,
                                &result);
    /* "MEMO" little-endian, 1 slot, next slot 0, no entry in use, the slot. */
    static uint8_t memo[IOTCERT_MEMO_BYTES(1)] = { 'M', 'E', 'M', 'O', 1 };
    options.memo = memo;
    options.memo_len = sizeof memo;
    memset(&result, 0, sizeof result);
    result.struct_size = sizeof result;
    int with_memo = iotcert_verify(&trust, &anchor, 1, &options, workspace, sizeof workspace,
                                   &result);
    printf("anchors_only: trust init %d, verify %d, with a memo never attached %d\n", init,
           status, with_memo);
    /* A one-byte certificate must be refused, and the memo before anything is parsed. */
    return init == IOTCERT_OK && status != IOTCERT_OK && status != IOTCERT_ERR_INVALID_ARGUMENT
        && with_memo == IOTCERT_ERR_INVALID_ARGUMENT ? 0 : 1;
}
