#!/bin/sh
# size-report.sh IMAGE.elf -- flash and RAM use of the firmware, in total and by component.
#
# Flash is what a real part must store: code and read-only data (.text, .ARM.exidx) plus the
# initial values of .data. Static RAM is .data + .bss (which hold the Mbed TLS heap buffer and
# the iotcert workspace); the stack is a fixed block after them. The split by component reads
# the symbols the linker script puts around each component's code and read-only data
# (mps2-an386.ld), so it counts only what survived --gc-sections; the firmware prints the same
# figures at run time from the same symbols.
set -eu

elf=$1

arm-none-eabi-size "$elf"
# mawk (Debian's default awk) has no strtonum.
arm-none-eabi-nm -S "$elf" | awk '
    function hex(s,   i, n) {
        n = 0
        s = tolower(s)
        for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        return n
    }
    NF == 3 { at[$3] = hex($1) }
    NF == 4 { at[$4] = hex($1); size[$4] = hex($2) }
    END {
        data = at["__data_end"] - at["__data_start"]
        bss = at["__bss_end"] - at["__bss_start"]
        exidx = at["__exidx_end"] - at["__exidx_start"]
        printf "flash: %d bytes (text+rodata %d, unwind index %d, .data initializers %d)\n",
            at["__exidx_end"] + data, at["__exidx_start"], exidx, data
        n = split("core port mbedtls chains libc", parts, " ")
        for (i = 1; i <= n; i++) {
            p = parts[i]
            printf "flash.%s: %d bytes\n", p, at["__flash_" p "_end"] - at["__flash_" p "_start"]
        }
        printf "flash.core.code: %d bytes\n", at["__flash_core_rodata"] - at["__flash_core_start"]
        printf "flash.core.rodata: %d bytes\n", at["__flash_core_end"] - at["__flash_core_rodata"]
        # The vector table, before the first group, is the firmware'\''s.
        printf "flash.firmware: %d bytes\n", \
            at["__flash_core_start"] + at["__flash_firmware_end"] - at["__flash_firmware_start"]
        printf "static_ram: %d bytes (.data %d, .bss %d)\n", data + bss, data, bss
        printf "static_ram.heap_buffer: %d bytes\n", size["heap_buffer"]
        printf "static_ram.workspace: %d bytes\n", size["workspace"]
        printf "stack_reserved: %d bytes\n", at["__stack_top"] - at["__stack_bottom"]
    }
'
