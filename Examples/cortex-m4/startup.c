/*
 * startup.c -- vector table and reset for the Cortex-M4 firmware (see mps2-an386.ld).
 *
 * An M-profile core needs no assembly to start: at reset it loads SP from the first word of
 * the vector table and jumps to the second, so the reset handler is an ordinary C function
 * that must only avoid relying on .data and .bss before it has set them up.
 */
#include "firmware.h"

int main(void);

/* Provided by mps2-an386.ld. */
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
extern const uint8_t __flash_end[];

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

/* Exit status for a fault, distinct from any count of failed checks the firmware reports. */
#define FAULT_EXIT_STATUS 200u

static void copy_data_and_zero_bss(void)
{
    const uint32_t *from = __data_load;
    for (uint32_t *to = __data_start; to < __data_end; to++) {
        *to = *from++;
    }
    for (uint32_t *to = __bss_start; to < __bss_end; to++) {
        *to = 0;
    }
}

/*
 * Swift's armv7em-none-none-eabi target assumes the Cortex-M4F's FPU (its objects say
 * Tag_FP_arch: VFPv4-D16) and LLVM may move 64-bit values through VFP registers even in
 * integer code. The FPU is off at reset, so such an instruction would fault (NOCP).
 * Enabling it costs nothing; the C code is built with -mfloat-abi=soft and never uses it.
 */
static void enable_fpu(void)
{
    SCB_CPACR |= 0xFu << 20; /* CP10 and CP11: full access */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

_Noreturn void fw_reset_handler(void)
{
    fw_stack_paint();
    copy_data_and_zero_bss();
    enable_fpu();
    fw_semihost_exit((uint32_t)main());
}

/*
 * What the core did when it faulted. On exception entry the core pushes r0-r3, r12, lr, pc
 * and xPSR onto the stack that was in use (EXC_RETURN bit 2 in lr says which), so the
 * faulting pc is the frame's seventh word. Embedded Swift traps (a failed precondition, an
 * overflow, an out-of-bounds index) compile to `udf`, which faults as an undefined
 * instruction (UsageFault, escalated to HardFault because it is not enabled on its own):
 * the pc then points at a 16-bit 0xDExx, and the firmware says so. `make run` maps the pc
 * to a function with addr2line.
 */
#define UDF_T1_MASK 0xFF00u
#define UDF_T1 0xDE00u

typedef struct exception_frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
} exception_frame;

static _Noreturn void report_fault(const char *name, const exception_frame *frame)
{
    fw_print("fault: ");
    fw_print(name);
    fw_print(" CFSR=");
    fw_print_hex32(SCB_CFSR);
    fw_print(" HFSR=");
    fw_print_hex32(SCB_HFSR);
    fw_print(" MMFAR=");
    fw_print_hex32(SCB_MMFAR);
    fw_print(" BFAR=");
    fw_print_hex32(SCB_BFAR);
    fw_print("\n");
    fw_print("fault: pc=");
    fw_print_hex32(frame->pc);
    fw_print(" lr=");
    fw_print_hex32(frame->lr);
    fw_print(" sp=");
    fw_print_hex32((uint32_t)(uintptr_t)frame);
    fw_print(" xpsr=");
    fw_print_hex32(frame->xpsr);
    fw_print("\n");
    /* Only read the instruction when pc is inside the image: a wild pc would fault again. */
    uint32_t pc = frame->pc & ~1u;
    if (pc < (uint32_t)(uintptr_t)__flash_end &&
        ((*(const volatile uint16_t *)(uintptr_t)pc) & UDF_T1_MASK) == UDF_T1) {
        fw_print("fault: udf at pc: a trap (Embedded Swift precondition, overflow or bounds)\n");
    }
    fw_semihost_exit(FAULT_EXIT_STATUS);
}

/* Called by fault_entry with the stacked frame. */
__attribute__((used)) static _Noreturn void fault_dispatch(const exception_frame *frame)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    switch (ipsr & 0x1FFu) {
    case 2:
        report_fault("NMI", frame);
    case 3:
        report_fault("HardFault", frame);
    case 4:
        report_fault("MemManage", frame);
    case 5:
        report_fault("BusFault", frame);
    case 6:
        report_fault("UsageFault", frame);
    default:
        report_fault("unexpected exception", frame);
    }
}

/* Every fault vector: find the frame, then report in C. Naked, so nothing is pushed first. */
__attribute__((naked)) static void fault_entry(void)
{
    __asm__ volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "b fault_dispatch\n\t");
}

static void systick_handler(void) { fw_ticks_wrapped(); }

typedef void (*fw_vector)(void);

/* The first 16 entries, the core's own exceptions. The firmware enables no device interrupt,
 * so the table stops there. */
__attribute__((section(".vectors"), used))
static const fw_vector vector_table[16] = {
    (fw_vector)__stack_top,
    fw_reset_handler,
    fault_entry, /* NMI */
    fault_entry, /* HardFault */
    fault_entry, /* MemManage */
    fault_entry, /* BusFault */
    fault_entry, /* UsageFault */
    0, 0, 0, 0,
    fault_entry, /* SVCall: never used, reported as unexpected */
    fault_entry, /* DebugMonitor */
    0,
    fault_entry, /* PendSV */
    systick_handler,
};
