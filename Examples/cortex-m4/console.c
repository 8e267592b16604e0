/*
 * console.c -- text and numbers on the semihosting console, without printf.
 *
 * newlib's printf would pull in its stdio, locale and reentrancy machinery (several KB of
 * flash and a heap) for what is only ever a label and an unsigned number.
 */
#include "firmware.h"

void fw_print(const char *text)
{
    fw_semihost_write0(text);
}

void fw_print_u64(uint64_t value)
{
    /* 20 digits hold 2^64 - 1; one more for the NUL. */
    char digits[21];
    char *cursor = &digits[sizeof digits - 1];
    *cursor = '\0';
    do {
        *--cursor = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0);
    fw_print(cursor);
}

void fw_print_u32(uint32_t value)
{
    fw_print_u64(value);
}

void fw_print_hex32(uint32_t value)
{
    static const char hex[] = "0123456789abcdef";
    char text[11] = "0x";
    for (int i = 0; i < 8; i++) {
        text[2 + i] = hex[(value >> (28 - 4 * i)) & 0xFu];
    }
    text[10] = '\0';
    fw_print(text);
}

void fw_print_metric(const char *label, uint64_t value, const char *unit)
{
    fw_print(label);
    fw_print(": ");
    fw_print_u64(value);
    if (unit[0] != '\0') {
        fw_print(" ");
        fw_print(unit);
    }
    fw_print("\n");
}

/* The allocator calls this (through mbedtls_config.h) on heap corruption, then exit(1). Its
 * format has printf conversions that are not expanded here: the text alone says what broke. */
void fw_alloc_fatal(const char *format, ...)
{
    fw_print("mbedtls heap: ");
    fw_print(format);
}

_Noreturn void fw_exit(int status)
{
    fw_semihost_exit((uint32_t)status);
}

/* Only mbedtls_oid_get_numeric_string() would call this, and the firmware never does; an error
 * return makes any caller fail cleanly instead of printing something half-formatted. */
int fw_snprintf(char *buffer, size_t size, const char *format, ...)
{
    (void)format;
    if (size > 0) {
        buffer[0] = '\0';
    }
    return -1;
}
