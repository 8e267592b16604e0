/*
 * measure.c -- what the firmware reports about a call: time, stack depth, heap.
 *
 * Time is SysTick counting the processor clock. Under QEMU with -icount shift=0 every
 * instruction advances virtual time by exactly 1 ns, and the mps2 boards clock the core at
 * 25 MHz, so one tick is 40 instructions and a given program reads the same count on every
 * run, however busy the host is. (DWT's cycle counter is not emulated by QEMU.)
 */
#include "firmware.h"

#ifndef FW_NO_HEAP
#include "mbedtls/memory_buffer_alloc.h"
#endif

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)

#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_CPU (1u << 2)
#define SCB_ICSR_PENDSTSET (1u << 26)
#define SYST_MAX 0x00FFFFFFu /* the counter is 24 bits wide */

/* Extends the 24-bit counter: at 25 MHz it wraps every 0.67 s of virtual time. */
static volatile uint32_t tick_wraps;

void fw_ticks_start(void)
{
    SYST_CSR = 0;
    SYST_RVR = SYST_MAX;
    SYST_CVR = 0; /* any write clears it; it reloads on the next clock */
    tick_wraps = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE_CPU | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    /* Until the first reload the counter reads 0, which fw_ticks_now would take for the end
     * of a period (a reading 2^24 ticks too late); one tick later it counts normally. */
    while (SYST_CVR == 0) {
    }
}

void fw_ticks_wrapped(void)
{
    tick_wraps = tick_wraps + 1;
}

uint64_t fw_ticks_now(void)
{
    /* With interrupts masked, a wrap that happened after tick_wraps was last updated shows
     * as a pending SysTick; the counter is read again so it is known to be post-wrap. */
    __asm__ volatile("cpsid i" ::: "memory");
    uint32_t wraps = tick_wraps;
    uint32_t down = SYST_CVR;
    if ((SCB_ICSR & SCB_ICSR_PENDSTSET) != 0) {
        wraps++;
        down = SYST_CVR;
    }
    __asm__ volatile("cpsie i" ::: "memory");
    return ((uint64_t)wraps << 24) + (SYST_MAX - down);
}

/* --- Stack -------------------------------------------------------------------------------- */

extern uint32_t __stack_bottom[], __stack_top[];

/* Unlikely as data and as an address: a stack word equal to it would hide 4 bytes at most. */
#define STACK_PAINT 0xC5A5C5A5u
/* Words left unpainted just below the stack pointer: the painting loop's own spills. */
#define STACK_PAINT_MARGIN_WORDS 8u

uint32_t fw_stack_pointer(void)
{
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Runs at reset before .bss exists, so it uses nothing but linker symbols and registers. */
void fw_stack_paint(void)
{
    uint32_t *end = (uint32_t *)fw_stack_pointer() - STACK_PAINT_MARGIN_WORDS;
    for (volatile uint32_t *word = __stack_bottom; word < end; word++) {
        *word = STACK_PAINT;
    }
}

uint32_t fw_stack_lowest(void)
{
    const uint32_t *word = __stack_bottom;
    while (word < __stack_top && *word == STACK_PAINT) {
        word++;
    }
    return (uint32_t)(uintptr_t)word;
}

uint32_t fw_stack_peak(void)
{
    return (uint32_t)(uintptr_t)__stack_top - fw_stack_lowest();
}

uint32_t fw_stack_size(void)
{
    return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}

/* --- Heap --------------------------------------------------------------------------------- */

#ifdef FW_NO_HEAP

/* The P-256 port and BearSSL allocate nothing, so their images have no heap: every figure
 * is 0. */
void fw_heap_init(void)
{
}

void fw_heap_peak_reset(void)
{
}

fw_heap_usage fw_heap_peak(void)
{
    return (fw_heap_usage){0, 0};
}

fw_heap_usage fw_heap_current(void)
{
    return (fw_heap_usage){0, 0};
}

uint32_t fw_heap_bound(fw_heap_usage usage)
{
    return usage.bytes;
}

uint32_t fw_heap_size(void)
{
    return 0;
}

#else

#ifndef FW_HEAP_BYTES
/*
 * What the cases need plus a margin (`make run HEAP=n` to probe). The largest need is the
 * P-384 chain's (basic-p384): with the shipped configuration (mbedtls_config.h) a buffer of
 * 3,968 bytes fails it and 4,032 bytes pass every case, fragmentation included; 4,608 leaves
 * 576 bytes (14%) over that. A device that takes RSA keys above 2048 bits, or configures
 * Mbed TLS differently, probes its own figure.
 */
#define FW_HEAP_BYTES 4608
#endif

/* The allocator's per-block header (memory_header in memory_buffer_alloc.c: eight words
 * without MBEDTLS_MEMORY_BACKTRACE). Mbed TLS's own status report adds it the same way. */
#define FW_HEAP_HEADER_BYTES (8u * sizeof(size_t))

static unsigned char heap_buffer[FW_HEAP_BYTES] __attribute__((aligned(8)));

void fw_heap_init(void)
{
    mbedtls_memory_buffer_alloc_init(heap_buffer, sizeof heap_buffer);
}

void fw_heap_peak_reset(void)
{
    mbedtls_memory_buffer_alloc_max_reset();
}

fw_heap_usage fw_heap_peak(void)
{
    size_t bytes = 0, blocks = 0;
    mbedtls_memory_buffer_alloc_max_get(&bytes, &blocks);
    return (fw_heap_usage){(uint32_t)bytes, (uint32_t)blocks};
}

fw_heap_usage fw_heap_current(void)
{
    size_t bytes = 0, blocks = 0;
    mbedtls_memory_buffer_alloc_cur_get(&bytes, &blocks);
    return (fw_heap_usage){(uint32_t)bytes, (uint32_t)blocks};
}

uint32_t fw_heap_bound(fw_heap_usage usage)
{
    return usage.bytes + usage.blocks * FW_HEAP_HEADER_BYTES;
}

uint32_t fw_heap_size(void)
{
    return sizeof heap_buffer;
}

#endif /* FW_NO_HEAP */
