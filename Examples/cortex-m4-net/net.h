/*
 * net.h -- the firmware's network: lwIP over the LAN9118, one TCP connection, polled.
 *
 * The address plan is QEMU's user-mode network (slirp): the device is 10.0.2.15/24 behind
 * the gateway 10.0.2.2, and the Makefile's single guestfwd rule makes 10.0.2.100:8883 reach
 * the broker on the host's 127.0.0.1. Nothing else leaves the emulator (restrict=on).
 *
 * Every wait is bounded by a deadline in milliseconds of the device clock (SysTick).
 */
#ifndef IOTCERT_NET_H
#define IOTCERT_NET_H

#include <stddef.h>
#include <stdint.h>

enum {
    NET_OK = 0,
    NET_ERR_DRIVER = -1,  /* the Ethernet controller did not come up */
    NET_ERR_TIMEOUT = -2, /* a connect, send or receive deadline passed */
    NET_ERR_REFUSED = -3, /* connection refused or reset by the peer */
    NET_ERR_CLOSED = -4,  /* the peer closed the connection */
    NET_ERR_MEMORY = -5,  /* lwIP had no PCB, segment or buffer */
    NET_WOULD_BLOCK = -6, /* nothing to read, or no room to write, right now */
};

/* Milliseconds since fw_net_start (lwIP's clock too). */
uint32_t fw_net_now_ms(void);

int fw_net_start(void);
/* Runs the driver and lwIP's timers once. */
void fw_net_poll(void);

/* Connects to a.b.c.d:port, polling until connected or `timeout_ms` passes. */
int fw_tcp_connect(const uint8_t address[4], uint16_t port, uint32_t timeout_ms);
/* Queues up to `length` bytes (copied) and pushes them out; returns the count queued (may
 * be less than `length`), NET_WOULD_BLOCK when there is no room, or an error. */
int fw_tcp_send(const uint8_t *data, size_t length);
/* Takes up to `length` received bytes; NET_WOULD_BLOCK when none is waiting, NET_ERR_CLOSED
 * once the peer has closed and everything was read. */
int fw_tcp_recv(uint8_t *data, size_t length);
/* Polls until received data is waiting, the connection failed or closed, or `timeout_ms`
 * passed; returns the bytes waiting (> 0), NET_ERR_TIMEOUT or the connection's error. */
int fw_tcp_wait_readable(uint32_t timeout_ms);
/* Waits (bounded) until everything sent was acknowledged, then closes (sends FIN; the
 * peer's is not awaited). NET_ERR_TIMEOUT when data was still unacknowledged. */
int fw_tcp_close(uint32_t timeout_ms);

/* Prints lwIP's memory use (each pool's size and peak, the heap's peak) as metric lines. */
void fw_net_report(void);

#endif /* IOTCERT_NET_H */
