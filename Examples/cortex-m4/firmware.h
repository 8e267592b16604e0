/*
 * firmware.h -- the pieces of the Cortex-M4 example firmware, shared between its C files.
 *
 * The firmware is bare metal: no RTOS, no libc I/O. Its only channel to the outside is Arm
 * semihosting (QEMU's -semihosting-config), which gives it a console and a way to end the
 * emulator with an exit status, so that `make run` fails when the firmware reports failure.
 */
#ifndef IOTCERT_FIRMWARE_H
#define IOTCERT_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

/* --- semihost.c: the host's console and exit ---------------------------------------------- */

/* Writes a NUL-terminated string to the host's console. */
void fw_semihost_write0(const char *text);

/* Ends the emulation; QEMU exits with `status` (0 = success). Never returns. */
_Noreturn void fw_semihost_exit(uint32_t status);

/* --- console.c: text and numbers, without printf ------------------------------------------ */

void fw_print(const char *text);
/* Decimal, no padding. */
void fw_print_u32(uint32_t value);
void fw_print_u64(uint64_t value);
/* "0x" and 8 hex digits. */
void fw_print_hex32(uint32_t value);
/* One "label: value unit" line, the format the Makefile and tests read back. */
void fw_print_metric(const char *label, uint64_t value, const char *unit);

/* Hooks named by mbedtls_config.h for the allocator's diagnostics and oid.c's formatter. */
void fw_alloc_fatal(const char *format, ...);
_Noreturn void fw_exit(int status);
int fw_snprintf(char *buffer, size_t size, const char *format, ...);

/* --- measure.c: cycles, stack, heap ------------------------------------------------------- */

/* Starts SysTick as a free-running counter of the processor clock, extended past 24 bits. */
void fw_ticks_start(void);
/* Processor-clock ticks since fw_ticks_start. */
uint64_t fw_ticks_now(void);
/* Called from the SysTick exception on each 24-bit wrap. */
void fw_ticks_wrapped(void);

/* Fills the unused part of the stack (below the caller's frame) with a known pattern. */
void fw_stack_paint(void);
/* Lowest stack address written since the last paint: its peak depth. */
uint32_t fw_stack_lowest(void);
/* Bytes of stack touched since the last paint, from the top of the stack. A peak equal to
 * fw_stack_size() means the stack overflowed into .bss. */
uint32_t fw_stack_peak(void);
/* Current stack pointer, to turn fw_stack_peak into the depth of one call. */
uint32_t fw_stack_pointer(void);
/* Bytes reserved for the stack by the linker script. */
uint32_t fw_stack_size(void);

/* Heap use as Mbed TLS's buffer allocator counts it: payload bytes and blocks. The two peaks
 * may come from different moments, so fw_heap_bound() of a peak is an upper bound. */
typedef struct fw_heap_usage {
    uint32_t bytes;
    uint32_t blocks;
} fw_heap_usage;

/* Hands Mbed TLS the static heap buffer. */
void fw_heap_init(void);
/* Forgets the high-water marks, so the next reading covers only what follows. */
void fw_heap_peak_reset(void);
fw_heap_usage fw_heap_peak(void);
/* In use now: after the work, non-zero only for what is kept on purpose (the port's loaded
 * curve groups and their tables) or leaked. */
fw_heap_usage fw_heap_current(void);
/* Buffer bytes that `usage` occupies, the allocator's per-block header included. */
uint32_t fw_heap_bound(fw_heap_usage usage);
/* Size of the static heap buffer. */
uint32_t fw_heap_size(void);

/* --- portshim.c: the core's own stack, without the port's ---------------------------------- */

typedef struct fw_core_stack {
    uint32_t bytes;      /* deepest the core itself went below the caller's stack pointer */
    uint32_t entry_bytes; /* deepest port call's entry (stack pointer in the shim's wrapper) */
    uint32_t port_bytes; /* deepest any port call went, the core's frames above it included */
    uint32_t port_calls; /* calls into the port during the measurement */
} fw_core_stack;

/* Paints the stack and starts watching the core's calls into the port. */
void fw_core_stack_begin(void);
/* Stops watching; `caller_sp` is fw_stack_pointer() read just before the measured call. */
fw_core_stack fw_core_stack_end(uint32_t caller_sp);

#endif /* IOTCERT_FIRMWARE_H */
