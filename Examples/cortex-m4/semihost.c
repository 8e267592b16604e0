/*
 * semihost.c -- console output and exit through Arm semihosting.
 *
 * On M-profile cores a semihosting call is `bkpt 0xab` with the operation in r0 and its
 * argument in r1 (Arm "Semihosting for AArch32 and AArch64", v2.0). QEMU implements it when
 * started with -semihosting-config enable=on; without that the bkpt is a HardFault, and the
 * Makefile's timeout ends the run.
 */
#include "firmware.h"

#define SYS_WRITE0 0x04u
#define SYS_EXIT 0x18u
#define SYS_EXIT_EXTENDED 0x20u

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR_UNKNOWN 0x20023u

static uint32_t semihost_call(uint32_t operation, const void *argument)
{
    register uint32_t r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    /* "memory": the host reads the buffer r1 points to, so it must be written first. */
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void fw_semihost_write0(const char *text)
{
    semihost_call(SYS_WRITE0, text);
}

/*
 * On AArch32, plain SYS_EXIT takes only a reason code: QEMU maps ApplicationExit to 0 and
 * anything else to 1, so the status itself is lost. SYS_EXIT_EXTENDED (semihosting v2.0)
 * takes a {reason, subcode} block and QEMU exits with the subcode; it is tried first and plain
 * SYS_EXIT is the fallback for a host without the extension, which at least keeps 0 / non-0.
 */
_Noreturn void fw_semihost_exit(uint32_t status)
{
    /* A process exit status keeps only the low 8 bits: 256 must not turn into success. */
    uint32_t code = status == 0 ? 0 : (status > 255 ? 255 : status);
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, code};
    semihost_call(SYS_EXIT_EXTENDED, block);

    uint32_t reason = code == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUNTIME_ERROR_UNKNOWN;
    semihost_call(SYS_EXIT, (const void *)reason);
    for (;;) {
        __asm__ volatile("wfi");
    }
}
