/*
 * arch/cc.h -- what lwIP needs from the compiler and platform (bare-metal Cortex-M4, GCC).
 *
 * Types come from <stdint.h>; byte order is little-endian (the default). Diagnostics are off
 * (LWIP_DEBUG is not defined); a failed lwIP assertion prints its message on the semihosting
 * console and ends the run with FW_NET_ASSERT_STATUS, so a broken invariant in the stack
 * shows as a failed run, never a hang.
 */
#ifndef IOTCERT_LWIP_ARCH_CC_H
#define IOTCERT_LWIP_ARCH_CC_H

#define LWIP_PLATFORM_DIAG(x) \
    do {                      \
    } while (0)

void fw_net_assert(const char *message, const char *file, int line);
#define LWIP_PLATFORM_ASSERT(x) fw_net_assert((x), __FILE__, __LINE__)

/* newlib's errno.h has the codes; lwIP does not need to define them. */
#define LWIP_ERRNO_STDINCLUDE 1

#endif /* IOTCERT_LWIP_ARCH_CC_H */
