/*
 * main.c -- iotcert on an emulated Cortex-M4: verify real certificate chains through the C
 * API, exactly as product firmware would, and report what each verification cost.
 *
 * The chains come from the committed test PKI (Tests/Fixtures/scenarios), turned into flash
 * arrays by gen-chains.py (cases.h). For each case the firmware builds a trust store over the
 * anchors (and stored intermediates), sets the options (time, purpose, expected peer name),
 * calls iotcert_verify with a static workspace, and compares the status (and, on success, the
 * path and anchor; on failure, the certificate at fault) with what the scenario expects. The
 * exit status is the number of cases that differ, so `make run` fails as soon as one does.
 *
 * Measured per case: SysTick ticks (deterministic under -icount), signatures checked, path
 * steps, workspace high-water (iotcert_result), stack depth below the caller (painting), and
 * Mbed TLS heap peak. A second pass runs every case again with the port shim (portshim.c) on,
 * to measure the stack the core needs on its own, without the port's and Mbed TLS's.
 *
 * Output lines are "name: value [unit]" or "case: key=value ...", for scripts to compare.
 */
#include "cases.h"
#include "firmware.h"
#include "iotcert.h"
#include "iotcert_port.h"

/* Under -icount shift=0 one instruction takes 1 ns and SysTick counts the 25 MHz core clock. */
#define INSTRUCTIONS_PER_TICK 40u

/*
 * The limits this device verifies with. Depth 4 covers a leaf, two intermediates and a
 * cross-certificate (the anchor is not counted); 8 candidate issuers per certificate is twice
 * what the cross-signed public roots need. The workspace follows from the depth alone.
 */
#define FW_DEPTH_MAX 4u
#define FW_CANDIDATES_MAX 8u

/*
 * The targets this example reports against (bytes), from the footprint issue: a P-256-only
 * product (PORT=p256m) must beat BearSSL's x509_minimal on the same chain; the general build
 * (Mbed TLS 2.28: P-256, P-384, RSA) has looser ones. "product" is everything a P-256-only
 * product links for verification: core + port + crypto.
 */
#ifdef FW_PORT_P256M
#define TARGET_CORE_FLASH 20000u
#define TARGET_PRODUCT_FLASH 24000u
#define TARGET_VERIFY_RAM 4500u
#else
#define TARGET_CORE_FLASH 24000u
#define TARGET_VERIFY_RAM 8000u
#endif
#define TARGET_CORE_RAM 3000u

/* The chain the footprint compares with BearSSL: P-256 leaf <- intermediate <- root. */
#define REFERENCE_CASE "basic-p256"

/* Sized at compile time from the depth; main() checks it against iotcert_workspace_size(). */
static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(FW_DEPTH_MAX)];

/* --- Output ------------------------------------------------------------------------------- */

static void print_kv(const char *key, uint64_t value)
{
    fw_print(" ");
    fw_print(key);
    fw_print("=");
    fw_print_u64(value);
}

static void print_signed_kv(const char *key, int32_t value)
{
    fw_print(" ");
    fw_print(key);
    fw_print(value < 0 ? "=-" : "=");
    fw_print_u32(value < 0 ? (uint32_t)-value : (uint32_t)value);
}

static void print_path(const uint16_t *path, uint32_t len)
{
    fw_print(" path=");
    if (len == 0) {
        fw_print("-");
    }
    for (uint32_t i = 0; i < len; i++) {
        fw_print(i == 0 ? "" : ",");
        fw_print_u32(path[i]);
    }
}

/* One target line: "label: value unit (target <= t: met)". */
static void print_target(const char *label, uint32_t value, uint32_t target)
{
    fw_print(label);
    fw_print(": ");
    fw_print_u32(value);
    fw_print(" bytes (target <= ");
    fw_print_u32(target);
    fw_print(value <= target ? ": met)\n" : ": MISSED)\n");
}

/* --- Options and checks ------------------------------------------------------------------- */

static uint32_t or_default(uint32_t value, uint32_t fallback)
{
    return value != 0 ? value : fallback;
}

/* The options a case verifies with: the library's defaults, this device's limits, then what
 * the scenario sets. */
static void case_options(const fw_case *c, iotcert_options *opt)
{
    iotcert_options_init(opt);
    if (c->time_unknown) {
        opt->flags |= IOTCERT_FLAG_TIME_UNKNOWN;
    } else {
        opt->time = c->time;
    }
    opt->purpose = c->purpose;
    opt->peer_kind = c->peer_kind;
    opt->peer = c->peer;
    opt->peer_len = c->peer_len;
    opt->depth_max = or_default(c->limits.depth_max, FW_DEPTH_MAX);
    opt->candidates_max = or_default(c->limits.candidates_max, FW_CANDIDATES_MAX);
    opt->presented_max = or_default(c->limits.presented_max, opt->presented_max);
    opt->signatures_max = or_default(c->limits.signatures_max, opt->signatures_max);
    opt->name_comparisons_max =
        or_default(c->limits.name_comparisons_max, opt->name_comparisons_max);
}

/*
 * What differs from the scenario's expectation, or NULL when nothing does: the status, and on
 * success the path and anchor. These fail the run.
 */
static const char *mismatch(const fw_case *c, int status, const iotcert_result *res)
{
    if (status != fw_expected_status(c)) {
        return "status";
    }
    if (status != IOTCERT_OK || status != c->expected) {
        return NULL;
    }
    if (res->path_len != c->expect_path_len || res->anchor_index != c->expect_anchor) {
        return "path";
    }
    for (uint32_t i = 0; i < res->path_len; i++) {
        if (res->path[i] != c->expect_path[i]) {
            return "path";
        }
    }
    return NULL;
}

/*
 * On an expected failure, whether the certificate blamed is the one the scenario names. A
 * difference is printed as a note, not counted: which certificate a failure belongs to is a
 * diagnostic, and its conventions are the host tests' business; the device checks outcomes.
 */
static int failing_index_differs(const fw_case *c, int status, const iotcert_result *res)
{
    return status == c->expected && status != IOTCERT_OK &&
           res->failing_index != c->expect_failing_index;
}

/* --- Running the cases -------------------------------------------------------------------- */

/* Maxima over all cases, for the summary. */
typedef struct totals {
    uint32_t workspace_high;
    uint32_t stack;       /* below the caller of iotcert_verify, port and Mbed TLS included */
    uint32_t core_stack;  /* the core alone (second pass) */
    uint32_t stack_from_top; /* the firmware's whole stack need, from the top */
    uint32_t heap;        /* Mbed TLS heap peak, headers included */
    uint32_t verify_ram;  /* workspace + stack + heap + the caller's structures */
    uint32_t signatures;
    uint64_t ticks;
    uint32_t notes;
} totals;

static uint32_t max_u32(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

/* RAM one verification holds at its peak: the workspace buffer, its stack, the heap, and
 * the three structures the caller keeps for it. */
static uint32_t verify_ram(uint32_t stack, uint32_t heap)
{
    return (uint32_t)(sizeof workspace + sizeof(iotcert_trust) + sizeof(iotcert_options) +
                      sizeof(iotcert_result)) + stack + heap;
}

/* The reference chain's first verification, from the main pass (the port is cold then). */
static uint64_t ref_first_ticks;
static uint32_t ref_first_ram;

static int is_reference(const fw_case *c)
{
    const char *a = c->name;
    const char *b = REFERENCE_CASE;
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static int init_trust(const fw_case *c, iotcert_trust *trust)
{
    int status = iotcert_trust_init_certs(trust, c->anchors, c->n_anchors, c->stored,
                                          c->n_stored, NULL, 0, c->build_time);
    if (status != IOTCERT_OK) {
        fw_print(c->name);
        fw_print(": FAIL iotcert_trust_init_certs returned ");
        fw_print(fw_status_name(status));
        fw_print("\n");
    }
    return status;
}

static int workspace_fits(const fw_case *c, const iotcert_options *opt)
{
    size_t need = iotcert_workspace_size(opt);
    if (need != 0 && need <= sizeof workspace) {
        return 1;
    }
    fw_print(c->name);
    fw_print(": FAIL limits out of range or workspace too small, needs ");
    fw_print_u32((uint32_t)need);
    fw_print("\n");
    return 0;
}

/* What one verification cost. */
typedef struct case_cost {
    uint64_t ticks;
    uint32_t stack;    /* below the caller */
    uint32_t from_top; /* from the top of the stack */
    uint32_t heap;     /* Mbed TLS heap peak, headers included */
} case_cost;

/* "name: pass STATUS (expected STATUS)", the status sentence, then the measurements. */
static void print_case(const fw_case *c, int status, const iotcert_result *res,
                       const char *wrong, const case_cost *cost)
{
    fw_print(c->name);
    fw_print(wrong == NULL ? ": pass " : ": FAIL ");
    fw_print(fw_status_name(status));
    fw_print(" (expected ");
    fw_print(fw_expected_status(c) == c->expected ? c->expected_name
                                               : fw_status_name(fw_expected_status(c)));
    fw_print(")");
    if (wrong != NULL) {
        fw_print(", wrong ");
        fw_print(wrong);
    }
    fw_print("\n  \"");
    fw_print(iotcert_strerror(status));
    fw_print("\"\n ");
    print_kv("ticks", cost->ticks);
    print_kv("signatures", res->signatures_checked);
    print_kv("steps", res->steps);
    print_kv("workspace_high", res->workspace_high_water);
    print_kv("stack", cost->stack);
    print_kv("heap", cost->heap);
    print_kv("ram", verify_ram(cost->stack, cost->heap));
    print_path(res->path, res->path_len);
    print_signed_kv("anchor", res->anchor_index);
    print_signed_kv("failing", res->failing_index);
    fw_print("\n");
    if (failing_index_differs(c, status, res)) {
        fw_print("  note: failing certificate");
        print_signed_kv("is", res->failing_index);
        print_signed_kv("scenario_expects", c->expect_failing_index);
        fw_print("\n");
    }
}

/* Runs one case with fresh stack paint and heap marks; returns 1 if its outcome was wrong. */
static int run_case(const fw_case *c, totals *t)
{
    iotcert_trust trust;
    iotcert_options opt;
    if (init_trust(c, &trust) != IOTCERT_OK) {
        return 1;
    }
    case_options(c, &opt);
    if (!workspace_fits(c, &opt)) {
        return 1;
    }
    iotcert_result res = {.struct_size = sizeof res};
    case_cost cost;

    fw_stack_paint();
    fw_heap_peak_reset();
    uint32_t sp = fw_stack_pointer();
    uint64_t start = fw_ticks_now();
    int status = iotcert_verify(&trust, c->chain, c->n_chain, &opt, workspace,
                                sizeof workspace, &res);
    cost.ticks = fw_ticks_now() - start;
    cost.stack = sp - fw_stack_lowest();
    cost.from_top = fw_stack_peak();
    cost.heap = fw_heap_bound(fw_heap_peak());

    const char *wrong = mismatch(c, status, &res);
    print_case(c, status, &res, wrong, &cost);
    t->notes += (uint32_t)failing_index_differs(c, status, &res);
    t->workspace_high = max_u32(t->workspace_high, res.workspace_high_water);
    t->stack = max_u32(t->stack, cost.stack);
    t->stack_from_top = max_u32(t->stack_from_top, cost.from_top);
    t->heap = max_u32(t->heap, cost.heap);
    t->verify_ram = max_u32(t->verify_ram, verify_ram(cost.stack, cost.heap));
    t->signatures += res.signatures_checked;
    t->ticks += cost.ticks;
    if (is_reference(c) && ref_first_ticks == 0) {
        ref_first_ticks = cost.ticks;
        ref_first_ram = verify_ram(cost.stack, cost.heap);
    }
    return wrong != NULL;
}

/* The same verification with the port shim on: the core's own stack depth. */
static void run_core_stack(const fw_case *c, totals *t)
{
    iotcert_trust trust;
    iotcert_options opt;
    if (init_trust(c, &trust) != IOTCERT_OK) {
        return;
    }
    case_options(c, &opt);
    iotcert_result res = {.struct_size = sizeof res};

    fw_core_stack_begin();
    uint32_t sp = fw_stack_pointer();
    (void)iotcert_verify(&trust, c->chain, c->n_chain, &opt, workspace, sizeof workspace, &res);
    fw_core_stack core = fw_core_stack_end(sp);

    fw_print(c->name);
    fw_print(":");
    print_kv("core_stack", core.bytes);
    print_kv("port_entry", core.entry_bytes);
    print_kv("port_deepest", core.port_bytes);
    print_kv("port_calls", core.port_calls);
    fw_print("\n");
    t->core_stack = max_u32(t->core_stack, core.bytes);
}

/* --- The reference chain: warm, and from the signature memo --------------------------------- */

static uint8_t memo[IOTCERT_MEMO_BYTES(8)];

/* One measured verification of `c` with `memo_len` bytes of memo (0: none). */
static int measure_once(const fw_case *c, size_t memo_len, case_cost *cost,
                        iotcert_result *res)
{
    iotcert_trust trust;
    iotcert_options opt;
    if (init_trust(c, &trust) != IOTCERT_OK) {
        return -1;
    }
    case_options(c, &opt);
    opt.memo = memo_len != 0 ? memo : NULL;
    opt.memo_len = memo_len;
    *res = (iotcert_result){.struct_size = sizeof *res};
    fw_stack_paint();
    fw_heap_peak_reset();
    uint32_t sp = fw_stack_pointer();
    uint64_t start = fw_ticks_now();
    int status = iotcert_verify(&trust, c->chain, c->n_chain, &opt, workspace,
                                sizeof workspace, res);
    cost->ticks = fw_ticks_now() - start;
    cost->stack = sp - fw_stack_lowest();
    cost->heap = fw_heap_bound(fw_heap_peak());
    return status;
}

/*
 * "ref.*" lines for the footprint table: the reference chain first (from the main pass),
 * warm (again, the port's state kept), and as a memo hit (a memo filled by one verification,
 * then a second one that finds both signatures in it). Returns 1 if an outcome was wrong.
 */
static int run_reference(void)
{
    const fw_case *c = NULL;
    for (size_t i = 0; i < fw_case_count; i++) {
        if (is_reference(&fw_cases[i])) {
            c = &fw_cases[i];
        }
    }
    if (c == NULL || ref_first_ticks == 0) {
        fw_print("FAIL: the reference case " REFERENCE_CASE " did not run\n");
        return 1;
    }
    case_cost warm, hit;
    iotcert_result res, hit_res;
    int wrong = measure_once(c, 0, &warm, &res) != IOTCERT_OK;
    wrong |= iotcert_memo_init(memo, sizeof memo) != IOTCERT_OK;
    wrong |= measure_once(c, sizeof memo, &hit, &hit_res) != IOTCERT_OK;
    wrong |= measure_once(c, sizeof memo, &hit, &hit_res) != IOTCERT_OK;
    /* A hit does no elliptic-curve math: every signature the warm run checked is found. */
    wrong |= hit_res.memo_hits == 0 || hit_res.memo_hits < res.signatures_checked;
    fw_print_metric("ref.signatures", res.signatures_checked, "(" REFERENCE_CASE ")");
    fw_print_metric("ref.first_ticks", ref_first_ticks, "(first verification)");
    fw_print_metric("ref.first_ram", ref_first_ram, "bytes");
    fw_print_metric("ref.warm_ticks", warm.ticks, "(again, port state kept)");
    fw_print_metric("ref.warm_stack", warm.stack, "bytes below the caller");
    fw_print_metric("ref.warm_heap", warm.heap, "bytes");
    fw_print_metric("ref.warm_ram", verify_ram(warm.stack, warm.heap), "bytes");
    fw_print_metric("ref.memo_hit_ticks", hit.ticks, "(both signatures from the memo)");
    fw_print_metric("ref.memo_hits", hit_res.memo_hits, "");
    fw_print_metric("ref.memo_hit_ram", verify_ram(hit.stack, hit.heap) + sizeof memo,
                    "bytes (memo included)");
    if (wrong) {
        fw_print("FAIL: the reference chain's warm or memo verification\n");
    }
    return wrong;
}

/* --- Footprint, from the linker's symbols (mps2-an386.ld) -------------------------------- */

extern const uint8_t __flash_core_start[], __flash_core_rodata[], __flash_core_end[];
extern const uint8_t __flash_port_start[], __flash_port_end[];
extern const uint8_t __flash_mbedtls_start[], __flash_mbedtls_end[];
extern const uint8_t __flash_chains_start[], __flash_chains_end[];
extern const uint8_t __flash_libc_start[], __flash_libc_end[];
extern const uint8_t __flash_firmware_start[], __flash_firmware_end[];
extern const uint8_t __exidx_start[], __exidx_end[];
extern uint32_t __data_start[], __data_end[], __bss_start[], __bss_end[];

static uint32_t span(const void *start, const void *end)
{
    return (uint32_t)((uintptr_t)end - (uintptr_t)start);
}

static uint32_t print_flash(uint32_t *product)
{
    /* The vector table sits at 0, before the first group: the firmware's. */
    uint32_t core = span(__flash_core_start, __flash_core_end);
    uint32_t firmware = (uint32_t)(uintptr_t)__flash_core_start +
                        span(__flash_firmware_start, __flash_firmware_end);
    uint32_t data = span(__data_start, __data_end);
    uint32_t total = span((const void *)0, __exidx_end) + data;
    fw_print_metric("flash", total, "bytes (text+rodata, unwind index, .data initializers)");
    fw_print_metric("flash.core", core, "bytes (iotcert core, Embedded Swift)");
    fw_print_metric("flash.core.code", span(__flash_core_start, __flash_core_rodata), "bytes");
    fw_print_metric("flash.core.rodata", span(__flash_core_rodata, __flash_core_end),
                    "bytes (mostly iotcert_strerror's sentences)");
    fw_print_metric("flash.port", span(__flash_port_start, __flash_port_end), "bytes");
    fw_print_metric("flash.mbedtls", span(__flash_mbedtls_start, __flash_mbedtls_end),
                    "bytes");
    fw_print_metric("flash.firmware", firmware, "bytes (startup, console, measurement, main)");
    fw_print_metric("flash.chains", span(__flash_chains_start, __flash_chains_end),
                    "bytes (test chains and expectations)");
    fw_print_metric("flash.libc", span(__flash_libc_start, __flash_libc_end),
                    "bytes (newlib-nano mem*, libgcc)");
    fw_print_metric("flash.unwind_index", span(__exidx_start, __exidx_end), "bytes");
    fw_print_metric("flash.data_init", data, "bytes");
    *product = core + span(__flash_port_start, __flash_port_end) +
               span(__flash_mbedtls_start, __flash_mbedtls_end);
    fw_print_metric("flash.product", *product, "bytes (core + port + crypto)");
    return core;
}

static void print_static_ram(void)
{
    uint32_t data = span(__data_start, __data_end);
    uint32_t bss = span(__bss_start, __bss_end);
    fw_print_metric("static_ram", data + bss, "bytes (.data + .bss, stack not included)");
    fw_print_metric("static_ram.heap_buffer", fw_heap_size(), "bytes (Mbed TLS heap)");
    fw_print_metric("static_ram.workspace", sizeof workspace, "bytes (iotcert workspace)");
    fw_print_metric("static_ram.other", data + bss - fw_heap_size() - sizeof workspace,
                    "bytes");
    fw_print_metric("stack_reserved", fw_stack_size(), "bytes");
}

/* --- Main --------------------------------------------------------------------------------- */

/* The static workspace must hold what the library says the device's limits need. */
static int check_workspace(size_t *needed)
{
    iotcert_options opt;
    iotcert_options_init(&opt);
    opt.depth_max = FW_DEPTH_MAX;
    opt.candidates_max = FW_CANDIDATES_MAX;
    *needed = iotcert_workspace_size(&opt);
    fw_print_metric("workspace_buffer", sizeof workspace, "bytes (IOTCERT_WORKSPACE_BYTES(4))");
    fw_print_metric("workspace_needed", *needed, "bytes (iotcert_workspace_size, depth 4)");
    fw_print_metric("workspace_needed_default", iotcert_workspace_size(NULL),
                    "bytes (defaults, depth 8)");
    if (*needed == 0 || *needed > sizeof workspace) {
        fw_print("FAIL: IOTCERT_WORKSPACE_BYTES is smaller than iotcert_workspace_size\n");
        return 1;
    }
    return 0;
}

/* Nothing may stay allocated once the port has dropped its cached groups. */
static int check_release(void)
{
    fw_print_metric("heap_cached_groups", fw_heap_bound(fw_heap_current()), "bytes");
    iotcert_port_release();
    fw_heap_usage left = fw_heap_current();
    fw_print_metric("heap_after_release", fw_heap_bound(left), "bytes");
    if (left.bytes != 0 || left.blocks != 0) {
        fw_print("FAIL: heap still in use after iotcert_port_release\n");
        return 1;
    }
    return 0;
}

int main(void)
{
    int failures = 0;
    totals t = {0};
    size_t needed = 0;

    fw_heap_init();
    fw_ticks_start();
#ifdef FW_FAULT_DRILL
    /* `make check-fault` builds this: the trap an Embedded Swift precondition compiles to
     * (udf) must end the run with the fault report and a non-zero status. */
    __builtin_trap();
#endif
    fw_print("iotcert ");
    fw_print(iotcert_version());
    fw_print(" on qemu mps2-an386 (Cortex-M4)\n");
    fw_print_metric("sizeof.iotcert_trust", sizeof(iotcert_trust), "bytes");
    fw_print_metric("sizeof.iotcert_options", sizeof(iotcert_options), "bytes");
    fw_print_metric("sizeof.iotcert_result", sizeof(iotcert_result), "bytes");
    uint32_t product_flash = 0;
    uint32_t core_flash = print_flash(&product_flash);
    print_static_ram();
    failures += check_workspace(&needed);

    fw_print("-- verifications\n");
    for (size_t i = 0; i < fw_case_count; i++) {
        failures += run_case(&fw_cases[i], &t);
    }
    fw_print("-- the core's own stack (port shim)\n");
    for (size_t i = 0; i < fw_case_count; i++) {
        run_core_stack(&fw_cases[i], &t);
    }
    fw_print("-- the reference chain\n");
    failures += run_reference();
    fw_print("-- summary\n");
    failures += check_release();
    fw_print_metric("cases", fw_case_count, "");
    fw_print_metric("signatures_checked", t.signatures, "");
    fw_print_metric("ticks_total", t.ticks, "(25 MHz SysTick)");
    fw_print_metric("workspace_high_water", t.workspace_high, "bytes (max over cases)");
    fw_print_metric("stack_peak", t.stack, "bytes below the caller (max over cases)");
    fw_print_metric("stack_peak_core", t.core_stack, "bytes below the caller, port excluded");
    fw_print_metric("stack_peak_firmware", t.stack_from_top, "bytes from the top of the stack");
    fw_print_metric("heap_peak", t.heap, "bytes with headers (max over cases)");
    print_target("core_flash", core_flash, TARGET_CORE_FLASH);
#ifdef TARGET_PRODUCT_FLASH
    print_target("product_flash", product_flash, TARGET_PRODUCT_FLASH);
#else
    (void)product_flash;
#endif
    print_target("core_ram", (uint32_t)needed + t.core_stack, TARGET_CORE_RAM);
    print_target("verify_ram_peak", t.verify_ram, TARGET_VERIFY_RAM);
    if (t.stack_from_top >= fw_stack_size()) {
        fw_print("FAIL: stack overflow\n");
        failures++;
    }
    fw_print_metric("notes", t.notes, "(failing-certificate differences, not counted)");
    fw_print_metric("failures", (uint64_t)failures, "");
    fw_print(failures == 0 ? "result: pass\n" : "result: FAIL\n");
    return failures;
}
