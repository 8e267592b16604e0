/*
 * main.c -- an MQTT sensor on the emulated Cortex-M4: mutual TLS to a real broker.
 *
 * Brings up Ethernet and lwIP, opens the trust bundle, connects to the broker through QEMU's
 * one forward, and runs device_report_once() (Examples/mqtt-device/device.c, the code the
 * host device runs): a TLS 1.2 handshake in which iotcert checks the broker's chain and
 * Mbed TLS checks none, the device's chain presented from the bundle, then MQTT CONNECT,
 * PUBLISH (QoS 1) and DISCONNECT. It prints what the connection cost and ends the run with
 * a status saying which step failed (0: published and acknowledged).
 *
 * Instructions: under -icount shift=0 each instruction advances the clock by 1 ns and
 * SysTick counts the 25 MHz core clock, so one tick is 40 instructions. Time spent waiting
 * for the broker is counted apart and left out of the handshake's figure.
 */
#include <string.h>

#include "device.h"
#include "device_inputs.h"
#include "firmware.h"
#include "iotcert.h"
#include "iotcert_mbedtls_ssl.h"
#include "lan9118.h"
#include "mbedtls/ssl_internal.h" /* the record buffers' sizes */
#include "mbedtls_count.h"
#include "net.h"
#include "phases.h"
#include "transport.h"

/* Exit statuses: which step failed. */
enum {
    EXIT_PUBLISHED = 0,
    EXIT_NET = 10,       /* no Ethernet controller, or lwIP would not start */
    EXIT_CONNECT = 11,   /* TCP connect to the broker failed or timed out */
    EXIT_BUNDLE = 12,    /* the trust bundle does not open */
    EXIT_SETUP = 20,     /* random generator, key, Mbed TLS configuration, own chain */
    EXIT_REFUSED = 21,   /* iotcert refused the broker's chain */
    EXIT_HANDSHAKE = 22, /* the handshake failed otherwise (alert, timeout, I/O) */
    EXIT_MQTT = 30,      /* CONNECT, PUBLISH or its PUBACK failed */
};

#define INSTRUCTIONS_PER_TICK 40u
#define CONNECT_TIMEOUT_MS 10000u
/* Every read of the handshake and every MQTT reply (device_config.timeout_ms). */
#define IO_TIMEOUT_MS 10000u
#define CLOSE_TIMEOUT_MS 2000u

/* Depth 8 covers the test PKI's paths (leaf, issuing CA, root) with room for cross-signs. */
#define DEVICE_DEPTH_MAX 8u
static uint8_t iotcert_workspace[IOTCERT_WORKSPACE_BYTES(DEVICE_DEPTH_MAX)]
    __attribute__((aligned(8)));
/* One MQTT packet at a time (mqtt.h); the publish below is well under it. */
static uint8_t mqtt_buffer[256];

static const uint8_t broker_address[4] = {10, 0, 2, 100};
#define BROKER_PORT 8883u

static iotcert_trust trust;
static transport_rng rng;
static mbedtls_pk_context key;
static device_session session;

/* --- Measurement wrappers (-Wl,--wrap): the handshake, and iotcert's part of it ----------- */

static struct {
    uint64_t handshake_ticks;
    uint64_t handshake_wait_ticks;
    uint64_t verify_ticks;
    uint32_t verify_calls;
    uint32_t verify_stack; /* deepest the stack went below iotcert_verify's caller */
} measured;

/* Repainting the stack for iotcert's own depth must not lose the run's deeper marks. */
extern uint32_t __stack_top[];
static uint32_t stack_lowest_seen = UINT32_MAX;

static void note_stack_low(void)
{
    uint32_t lowest = fw_stack_lowest();
    if (lowest < stack_lowest_seen) {
        stack_lowest_seen = lowest;
    }
}

int __real_iotcert_verify(const iotcert_trust *, const iotcert_buffer *, size_t,
                          const iotcert_options *, void *, size_t, iotcert_result *);
int __wrap_iotcert_verify(const iotcert_trust *, const iotcert_buffer *, size_t,
                          const iotcert_options *, void *, size_t, iotcert_result *);
int __wrap_iotcert_verify(const iotcert_trust *trust_in, const iotcert_buffer *chain,
                          size_t n_chain, const iotcert_options *options, void *workspace,
                          size_t workspace_len, iotcert_result *result)
{
    uint32_t sp = fw_stack_pointer();
    note_stack_low();
    fw_stack_paint();
    uint64_t before = fw_ticks_now();
    int status = __real_iotcert_verify(trust_in, chain, n_chain, options, workspace,
                                       workspace_len, result);
    measured.verify_ticks += fw_ticks_now() - before;
    measured.verify_calls++;
    uint32_t depth = sp - fw_stack_lowest();
    if (depth > measured.verify_stack) {
        measured.verify_stack = depth;
    }
    return status;
}

int __real_iotcert_mbedtls_handshake(mbedtls_ssl_context *, iotcert_mbedtls_check *);
int __wrap_iotcert_mbedtls_handshake(mbedtls_ssl_context *, iotcert_mbedtls_check *);
int __wrap_iotcert_mbedtls_handshake(mbedtls_ssl_context *ssl, iotcert_mbedtls_check *check)
{
    uint64_t wait_before = transport_wait_ticks();
    uint64_t before = fw_ticks_now();
    phases_begin();
    int ret = __real_iotcert_mbedtls_handshake(ssl, check);
    phases_end();
    measured.handshake_ticks += fw_ticks_now() - before;
    measured.handshake_wait_ticks += transport_wait_ticks() - wait_before;
    return ret;
}

/* --- Report ------------------------------------------------------------------------------- */

extern uint32_t __data_start[], __bss_end[];

static void report(void)
{
    uint64_t compute = measured.handshake_ticks - measured.handshake_wait_ticks;
    fw_print_metric("handshake_instructions", compute * INSTRUCTIONS_PER_TICK, "");
    fw_print_metric("handshake_wait_instructions",
                    measured.handshake_wait_ticks * INSTRUCTIONS_PER_TICK, "");
    fw_print_metric("iotcert_verify_instructions",
                    measured.verify_ticks * INSTRUCTIONS_PER_TICK, "");
    fw_print_metric("iotcert_share_permille",
                    compute == 0 ? 0 : measured.verify_ticks * 1000u / compute, "");
    for (int i = 0; i < PHASE_COUNT; i++) {
        fw_print_metric(phases_name((phase)i), phases_ticks((phase)i) * INSTRUCTIONS_PER_TICK,
                        "");
    }
    fw_print_metric("iotcert_verify_calls", measured.verify_calls, "");
    fw_print_metric("iotcert_signatures_checked", session.check.result.signatures_checked, "");
    fw_print_metric("iotcert_workspace_bytes", sizeof iotcert_workspace, "B");
    fw_print_metric("iotcert_workspace_high_water", session.check.result.workspace_high_water,
                    "B");
    fw_print_metric("iotcert_verify_stack", measured.verify_stack, "B");
    mbedtls_count counts = mbedtls_count_get();
    fw_print_metric("mbedtls_certificate_signatures", counts.certificate_signatures, "");
    fw_print_metric("mbedtls_chain_verifications", counts.chain_verifications, "");
    fw_print_metric("mbedtls_handshake_signatures", counts.handshake_signatures, "");
    fw_print_metric("mbedtls_heap_peak", fw_heap_bound(fw_heap_peak()), "B");
    fw_print_metric("mbedtls_heap_size", fw_heap_size(), "B");
    fw_print_metric("tls_in_content_len", MBEDTLS_SSL_IN_CONTENT_LEN, "B");
    fw_print_metric("tls_out_content_len", MBEDTLS_SSL_OUT_CONTENT_LEN, "B");
    fw_print_metric("tls_record_buffers", MBEDTLS_SSL_IN_BUFFER_LEN + MBEDTLS_SSL_OUT_BUFFER_LEN,
                    "B");
    fw_print_metric("mqtt_buffer_bytes", sizeof mqtt_buffer, "B");
    fw_print_metric("ram_static", (uint32_t)((uintptr_t)__bss_end - (uintptr_t)__data_start),
                    "B");
    note_stack_low();
    fw_print_metric("stack_peak", (uint32_t)(uintptr_t)__stack_top - stack_lowest_seen, "B");
    fw_print_metric("stack_size", fw_stack_size(), "B");
    fw_net_report();
}

/* --- The connection ----------------------------------------------------------------------- */

static int fail(const char *what, int code, int status)
{
    fw_print("device: ");
    fw_print(what);
    fw_print(" (");
    fw_print_hex32((uint32_t)code);
    fw_print(")\nresult: FAIL\n");
    return status;
}

static int exit_status(int result)
{
    switch (result) {
    case DEVICE_OK:
        fw_print("device: published and acknowledged\nresult: pass\n");
        return EXIT_PUBLISHED;
    case DEVICE_ERR_REFUSED:
        fw_print("device: iotcert refused the broker: ");
        fw_print(iotcert_strerror(session.check.status));
        fw_print("\n");
        fw_print_metric("iotcert_status", (uint32_t)session.check.status, "");
        return fail("handshake refused", session.check.status, EXIT_REFUSED);
    case DEVICE_ERR_TLS:
        return fail("handshake failed", session.tls_error, EXIT_HANDSHAKE);
    case DEVICE_ERR_MQTT:
        fw_print("device: mqtt: ");
        fw_print(mqtt_strerror(session.mqtt_status));
        fw_print("\n");
        return fail("mqtt", session.mqtt_status, EXIT_MQTT);
    default:
        return fail("setup", session.tls_error, EXIT_SETUP);
    }
}

int main(void)
{
    fw_heap_init();
    fw_ticks_start();
    int status = iotcert_bundle_open(&trust, device_bundle, device_bundle_len,
                                     device_owner_key, device_owner_key_len, NULL);
    if (status != IOTCERT_OK) {
        fw_print(iotcert_strerror(status));
        fw_print("\n");
        return fail("bundle", status, EXIT_BUNDLE);
    }
    if (fw_net_start() != NET_OK) {
        return fail("no network interface", 0, EXIT_NET);
    }
    fw_print_metric("eth_link_up", (uint64_t)(lan9118_link_up() == 1), "");
    status = fw_tcp_connect(broker_address, BROKER_PORT, CONNECT_TIMEOUT_MS);
    if (status != NET_OK) {
        return fail("tcp connect", status, EXIT_CONNECT);
    }
    fw_heap_peak_reset();
    mbedtls_pk_init(&key);
    status = transport_rng_seed(&rng);
    if (status == 0) {
        status = mbedtls_pk_parse_key(&key, device_key, device_key_len, NULL, 0);
    }
    if (status != 0) {
        return fail("random generator or key", status, EXIT_SETUP);
    }
    device_config config = {
        .bio = NULL,
        .send = transport_send,
        .recv_timeout = transport_recv_timeout,
        .rng = mbedtls_ctr_drbg_random,
        .rng_context = &rng.drbg,
        .key = &key,
        .trust = &trust,
        .broker_name = device_broker_name,
        .time = device_time,
        .flags = 0,
        .timeout_ms = IO_TIMEOUT_MS,
        .workspace = iotcert_workspace,
        .workspace_len = sizeof iotcert_workspace,
        .buffer = mqtt_buffer,
        .buffer_len = sizeof mqtt_buffer,
        .client_id = device_client_id,
        .topic = device_topic,
        .payload = (const uint8_t *)device_message,
        .payload_len = strlen(device_message),
    };
    int result = device_report_once(&config, &session);
    fw_tcp_close(CLOSE_TIMEOUT_MS);
    report();
    return exit_status(result);
}
