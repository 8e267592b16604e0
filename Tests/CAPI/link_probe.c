/*
 * link_probe.c -- the smallest plain C program that uses every function of iotcert.h.
 *
 * Tests/CAPI/check-lib.sh links it with nothing but build/libiotcert.a and -lmbedcrypto: if
 * the archive needed anything from the Swift runtime, the link would fail here, which is
 * the failure a firmware build would otherwise discover first.
 */
#include "iotcert.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    iotcert_options options;
    iotcert_options_init(&options);
    size_t needed = iotcert_workspace_size(&options);

    /* No certificates: the trust store accepts an anchor it has not parsed yet, and the
     * verification fails on the empty leaf. Only the linking and the calls matter here. */
    static const uint8_t nothing[1];
    iotcert_buffer anchor = { nothing, sizeof nothing };
    iotcert_trust trust;
    int init = iotcert_trust_init_certs(&trust, &anchor, 1, NULL, 0, NULL, 0, 0);

    static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];
    iotcert_result result;
    memset(&result, 0, sizeof result);
    result.struct_size = sizeof result;
    int status = iotcert_verify(&trust, &anchor, 1, &options, workspace, sizeof workspace,
                                &result);

    printf("iotcert %s: workspace %zu bytes (macro: %zu); trust init %d; verify %d (%s)\n",
           iotcert_version(), needed, sizeof workspace, init, status, iotcert_strerror(status));
    /* Any failure status is fine; success on a one-byte certificate would be a bug. */
    return init == IOTCERT_OK && status != IOTCERT_OK && needed > 0 ? 0 : 1;
}
