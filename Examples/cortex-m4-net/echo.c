/*
 * echo.c -- the network alone: the LAN9118 driver and lwIP carry a TCP exchange.
 *
 * Connects to 10.0.2.100:8883 (forwarded by QEMU to a test echo server on the host), sends a
 * line, expects the same bytes back, closes. `make echo-run` runs it; the exit status is 0
 * only if the bytes came back intact.
 */
#include "firmware.h"
#include "lan9118.h"
#include "net.h"

#include <string.h>

#define CONNECT_TIMEOUT_MS 5000u
#define ECHO_TIMEOUT_MS 5000u

static const uint8_t broker_address[4] = {10, 0, 2, 100};

int main(void)
{
    fw_ticks_start();
    if (fw_net_start() != NET_OK) {
        fw_print("echo: no Ethernet controller\n");
        return 2;
    }
    fw_print_metric("eth_link_up", (uint64_t)(lan9118_link_up() == 1), "");
    int status = fw_tcp_connect(broker_address, 8883, CONNECT_TIMEOUT_MS);
    if (status != NET_OK) {
        fw_print("echo: connect failed: ");
        fw_print_u32((uint32_t)-status);
        fw_print("\n");
        return 3;
    }
    static const char line[] = "iotcert lan9118 lwip echo\n";
    const size_t length = sizeof line - 1;
    size_t sent = 0;
    uint32_t start = fw_net_now_ms();
    while (sent < length && fw_net_now_ms() - start < ECHO_TIMEOUT_MS) {
        int n = fw_tcp_send((const uint8_t *)line + sent, length - sent);
        if (n > 0) {
            sent += (size_t)n;
        } else if (n != NET_WOULD_BLOCK) {
            return 4;
        }
    }
    uint8_t back[sizeof line];
    size_t got = 0;
    while (got < length && fw_net_now_ms() - start < ECHO_TIMEOUT_MS) {
        int n = fw_tcp_recv(back + got, length - got);
        if (n > 0) {
            got += (size_t)n;
        } else if (n != NET_WOULD_BLOCK) {
            break;
        }
    }
    fw_tcp_close(1000);
    fw_print_metric("echo_sent", sent, "B");
    fw_print_metric("echo_received", got, "B");
    fw_net_report();
    int ok = got == length && memcmp(back, line, length) == 0;
    fw_print(ok ? "result: pass\n" : "result: FAIL\n");
    return ok ? 0 : 1;
}
