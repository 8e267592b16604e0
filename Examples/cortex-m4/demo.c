/*
 * demo.c -- the device half of `make demo`: the firmware opens the trust bundle that
 * `iotcert pack --format c` produced (compiled into flash), checks its signature with the
 * owner's pinned key, and verifies the chain a server presents, exactly as on the host.
 * A second verification with a wrong host name must fail. Exit status 0 when both verdicts
 * are the expected ones.
 */
#include <stdint.h>

#include "demo_chain.h" /* generated: the chain, the host name, the time, the signing key */
#include "firmware.h"
#include "iotcert.h"

extern const uint8_t iotcert_bundle[];
extern const size_t iotcert_bundle_len;

static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];

static void print_result(const char *what, int status, const iotcert_result *r)
{
    fw_print(what);
    fw_print(": ");
    fw_print(status == IOTCERT_OK ? "valid" : "refused");
    fw_print(" (");
    fw_print(iotcert_strerror(status));
    fw_print(")\n");
    if (status == IOTCERT_OK) {
        fw_print("  path:");
        for (uint32_t i = 0; i < r->path_len; i++) {
            fw_print(" #");
            fw_print_u32(r->path[i]);
        }
        fw_print(" -> anchor #");
        fw_print_u32((uint32_t)r->anchor_index);
        fw_print("\n");
    }
    fw_print_metric("  signatures checked", r->signatures_checked, "");
    fw_print_metric("  workspace high-water", r->workspace_high_water, "bytes");
}

static int verify(const iotcert_trust *trust, const char *host, size_t host_len,
                  iotcert_result *result)
{
    iotcert_options opt;
    iotcert_options_init(&opt);
    opt.time = DEMO_TIME;
    opt.purpose = IOTCERT_PURPOSE_SERVER_AUTH;
    opt.peer_kind = IOTCERT_PEER_DNS;
    opt.peer = (const uint8_t *)host;
    opt.peer_len = host_len;
    result->struct_size = sizeof *result;
    return iotcert_verify(trust, demo_chain, DEMO_CHAIN_LEN, &opt, workspace,
                          sizeof workspace, result);
}

int main(void)
{
    fw_heap_init();
    fw_print("iotcert demo on qemu mps2-an386 (Cortex-M4)\n");
    iotcert_trust trust;
    int status = iotcert_bundle_open(&trust, iotcert_bundle, iotcert_bundle_len,
                                     demo_signing_key, sizeof demo_signing_key, NULL);
    fw_print("bundle: ");
    fw_print(iotcert_strerror(status));
    fw_print("\n");
    if (status != IOTCERT_OK) fw_semihost_exit(1);
    iotcert_bundle_info info = { .struct_size = sizeof info };
    if (iotcert_bundle_get_info(&trust, &info) == IOTCERT_OK) {
        fw_print_metric("  bytes", iotcert_bundle_len, "");
        fw_print_metric("  sequence", info.sequence, "");
        fw_print_metric("  anchors", info.anchors, "");
        fw_print_metric("  stored certificates", info.certificates, "");
    }

    iotcert_result result;
    int good = verify(&trust, DEMO_HOST, sizeof DEMO_HOST - 1, &result);
    print_result("chain for " DEMO_HOST, good, &result);
    static const char wrong[] = "wrong." DEMO_HOST;
    int bad = verify(&trust, wrong, sizeof wrong - 1, &result);
    print_result("same chain for wrong." DEMO_HOST, bad, &result);

    int ok = good == IOTCERT_OK && bad == IOTCERT_ERR_PATH_PEER_NAME_MISMATCH;
    fw_print(ok ? "demo: device verdicts as expected\n" : "demo: UNEXPECTED verdicts\n");
    fw_semihost_exit(ok ? 0 : 1);
}
