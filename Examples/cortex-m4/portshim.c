/*
 * portshim.c -- measures the stack the iotcert core itself needs, without Mbed TLS's.
 *
 * Painting the stack around iotcert_verify gives the depth of everything it calls, and most of
 * that is Mbed TLS's big-number and curve arithmetic under the port. To see the core alone,
 * the link redirects the core's calls into the port (-Wl,--wrap=iotcert_port_*) through the
 * wrappers below. While a measurement is on, each wrapper, before calling the real port:
 *   - notes its stack pointer: the core's depth at the call (an over-estimate by the
 *     wrapper's own saved registers, a few dozen bytes);
 *   - scans the paint for the lowest word written since the last repaint: the deepest the
 *     core went since then, in functions that are not port calls; then repaints below its
 *     stack pointer;
 * and after the port returns, notes how deep the port went (for comparison), then repaints
 * everything below its stack pointer, erasing the port's (and Mbed TLS's) traces so that the
 * next scan sees only the core again. The core's peak is the deepest of all the core
 * readings, and of a last scan when iotcert_verify returns.
 *
 * Scanning and repainting are inline loops in the wrapper's own frame: a helper call would
 * leave a frame below the wrapper and be counted as the core's. With the measurement off the
 * wrappers cost a load and a branch.
 */
#include "firmware.h"
#include "iotcert_port.h"

extern uint32_t __stack_bottom[], __stack_top[];

/* Must match measure.c's paint. */
#define STACK_PAINT 0xC5A5C5A5u

static volatile uint32_t shim_on;
/* Lowest address the core has reached since fw_core_stack_begin, and the lowest any port
 * call reached (the core's frames above it included). */
static uint32_t core_lowest;
static uint32_t entry_lowest; /* lowest stack pointer at a port call (a wrapper's) */
static uint32_t port_lowest;
static uint32_t port_calls;

__attribute__((always_inline)) static inline uint32_t current_sp(void)
{
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Lowest word written (not paint) below `limit`, or `limit` when all is paint. */
__attribute__((always_inline)) static inline uint32_t lowest_written(uint32_t limit)
{
    const volatile uint32_t *word = __stack_bottom;
    while ((uint32_t)(uintptr_t)word < limit && *word == STACK_PAINT) {
        word++;
    }
    return (uint32_t)(uintptr_t)word;
}

__attribute__((always_inline)) static inline void repaint_below(uint32_t limit)
{
    for (volatile uint32_t *word = __stack_bottom; (uint32_t)(uintptr_t)word < limit; word++) {
        *word = STACK_PAINT;
    }
}

__attribute__((always_inline)) static inline uint32_t shim_enter(void)
{
    uint32_t sp = current_sp();
    uint32_t low = lowest_written(sp);
    if (sp < entry_lowest) {
        entry_lowest = sp;
    }
    if (sp < core_lowest) {
        core_lowest = sp;
    }
    if (low < core_lowest) {
        core_lowest = low;
    }
    /* The core's traces are counted: erase them, so that the port's reading is its own. */
    repaint_below(sp);
    port_calls++;
    return sp;
}

/* After the port returns: note how deep it went, then erase its traces. */
__attribute__((always_inline)) static inline void shim_leave(uint32_t sp)
{
    uint32_t low = lowest_written(sp);
    if (low < port_lowest) {
        port_lowest = low;
    }
    repaint_below(sp);
}

int __real_iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks, size_t count,
                             uint8_t *out);
int __real_iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                                     const uint8_t *hash, size_t hash_len, const uint8_t *sig,
                                     size_t sig_len);
int __real_iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e,
                                   size_t e_len, uint32_t hash_alg, const uint8_t *hash,
                                   size_t hash_len, const uint8_t *sig, size_t sig_len);

int __wrap_iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks, size_t count,
                             uint8_t *out);
int __wrap_iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                                     const uint8_t *hash, size_t hash_len, const uint8_t *sig,
                                     size_t sig_len);
int __wrap_iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e,
                                   size_t e_len, uint32_t hash_alg, const uint8_t *hash,
                                   size_t hash_len, const uint8_t *sig, size_t sig_len);

int __wrap_iotcert_port_hash(uint32_t hash_alg, const iotcert_port_chunk *chunks, size_t count,
                             uint8_t *out)
{
    if (!shim_on) {
        return __real_iotcert_port_hash(hash_alg, chunks, count, out);
    }
    uint32_t sp = shim_enter();
    int status = __real_iotcert_port_hash(hash_alg, chunks, count, out);
    shim_leave(sp);
    return status;
}

int __wrap_iotcert_port_ecdsa_verify(uint32_t curve, const uint8_t *point, size_t point_len,
                                     const uint8_t *hash, size_t hash_len, const uint8_t *sig,
                                     size_t sig_len)
{
    if (!shim_on) {
        return __real_iotcert_port_ecdsa_verify(curve, point, point_len, hash, hash_len, sig,
                                                sig_len);
    }
    uint32_t sp = shim_enter();
    int status = __real_iotcert_port_ecdsa_verify(curve, point, point_len, hash, hash_len, sig,
                                                  sig_len);
    shim_leave(sp);
    return status;
}

int __wrap_iotcert_port_rsa_verify(const uint8_t *n, size_t n_len, const uint8_t *e,
                                   size_t e_len, uint32_t hash_alg, const uint8_t *hash,
                                   size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    if (!shim_on) {
        return __real_iotcert_port_rsa_verify(n, n_len, e, e_len, hash_alg, hash, hash_len, sig,
                                              sig_len);
    }
    uint32_t sp = shim_enter();
    int status = __real_iotcert_port_rsa_verify(n, n_len, e, e_len, hash_alg, hash, hash_len,
                                                sig, sig_len);
    shim_leave(sp);
    return status;
}

void fw_core_stack_begin(void)
{
    core_lowest = (uint32_t)(uintptr_t)__stack_top;
    port_lowest = (uint32_t)(uintptr_t)__stack_top;
    entry_lowest = (uint32_t)(uintptr_t)__stack_top;
    port_calls = 0;
    fw_stack_paint();
    shim_on = 1;
}

fw_core_stack fw_core_stack_end(uint32_t caller_sp)
{
    shim_on = 0;
    uint32_t low = fw_stack_lowest();
    if (low < core_lowest) {
        core_lowest = low;
    }
    uint32_t port = port_calls == 0 ? 0 : caller_sp - port_lowest;
    uint32_t entry = port_calls == 0 ? 0 : caller_sp - entry_lowest;
    return (fw_core_stack){caller_sp - core_lowest, entry, port, port_calls};
}
