/*
 * net.c -- lwIP in NO_SYS mode with one raw-API TCP connection (see net.h).
 */
#include "net.h"

#include "ethif.h"
#include "firmware.h"
#include "lan9118.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

/* The mps2 boards clock the core at 25 MHz; SysTick counts the core clock (measure.c). */
#define TICKS_PER_MS 25000u

static struct netif netif;

static struct {
    struct tcp_pcb *pcb;
    struct pbuf *received; /* chain of received, not yet read, data */
    int connected;
    int closed;            /* the peer sent FIN */
    int error;             /* NET_ERR_* after lwIP's error callback (the pcb is gone) */
} conn;

uint32_t fw_net_now_ms(void)
{
    return (uint32_t)(fw_ticks_now() / TICKS_PER_MS);
}

u32_t sys_now(void)
{
    return fw_net_now_ms();
}

/*
 * TCP's initial sequence numbers and local ports. A real device draws them from its TRNG
 * (predictable ISNs allow blind injection, RFC 6528); the emulator has none, so a fixed-seed
 * xorshift keeps runs reproducible. The TLS session's secrets do not depend on it.
 */
uint32_t fw_net_random(void)
{
    static uint32_t state = 0x2545F491u;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

/* lwIP's LWIP_PLATFORM_ASSERT (arch/cc.h). */
#define FW_NET_ASSERT_STATUS 201u
void fw_net_assert(const char *message, const char *file, int line)
{
    fw_print("lwip assertion: ");
    fw_print(message);
    fw_print(" at ");
    fw_print(file);
    fw_print(":");
    fw_print_u32((uint32_t)line);
    fw_print("\n");
    fw_semihost_exit(FW_NET_ASSERT_STATUS);
}

int fw_net_start(void)
{
    lwip_init();
    ip4_addr_t address, mask, gateway;
    IP4_ADDR(&address, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gateway, 10, 0, 2, 2);
    if (netif_add(&netif, &address, &mask, &gateway, NULL, ethif_init, ethernet_input) ==
        NULL) {
        return NET_ERR_DRIVER;
    }
    netif_set_default(&netif);
    netif_set_up(&netif);
    netif_set_link_up(&netif);
    return NET_OK;
}

void fw_net_poll(void)
{
    ethif_poll(&netif);
    sys_check_timeouts();
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    (void)pcb;
    conn.connected = err == ERR_OK;
    return ERR_OK;
}

static err_t on_received(void *arg, struct tcp_pcb *pcb, struct pbuf *data, err_t err)
{
    (void)arg;
    (void)pcb;
    if (data == NULL) {
        conn.closed = 1;
        return ERR_OK;
    }
    if (err != ERR_OK) {
        pbuf_free(data);
        return err;
    }
    if (conn.received == NULL) {
        conn.received = data;
    } else {
        pbuf_cat(conn.received, data);
    }
    return ERR_OK;
}

static void on_error(void *arg, err_t err)
{
    (void)arg;
    /* lwIP has freed the pcb already. */
    conn.pcb = NULL;
    conn.error = (err == ERR_RST || err == ERR_ABRT) ? NET_ERR_REFUSED : NET_ERR_CLOSED;
}

int fw_tcp_connect(const uint8_t address[4], uint16_t port, uint32_t timeout_ms)
{
    conn.pcb = tcp_new();
    if (conn.pcb == NULL) {
        return NET_ERR_MEMORY;
    }
    tcp_recv(conn.pcb, on_received);
    tcp_err(conn.pcb, on_error);
    tcp_nagle_disable(conn.pcb); /* TLS records are written whole; do not hold them back */
    ip_addr_t peer;
    IP_ADDR4(&peer, address[0], address[1], address[2], address[3]);
    if (tcp_connect(conn.pcb, &peer, port, on_connected) != ERR_OK) {
        return NET_ERR_MEMORY;
    }
    uint32_t start = fw_net_now_ms();
    while (!conn.connected) {
        if (conn.error != 0) {
            return conn.error;
        }
        if (fw_net_now_ms() - start > timeout_ms) {
            tcp_abort(conn.pcb);
            conn.pcb = NULL;
            return NET_ERR_TIMEOUT;
        }
        fw_net_poll();
    }
    return NET_OK;
}

int fw_tcp_send(const uint8_t *data, size_t length)
{
    if (conn.error != 0) {
        return conn.error;
    }
    if (conn.pcb == NULL) {
        return NET_ERR_CLOSED;
    }
    size_t room = tcp_sndbuf(conn.pcb);
    if (length > room) {
        length = room;
    }
    if (length == 0 || tcp_sndqueuelen(conn.pcb) >= TCP_SND_QUEUELEN) {
        fw_net_poll();
        return NET_WOULD_BLOCK;
    }
    err_t err = tcp_write(conn.pcb, data, (u16_t)length, TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM) {
        fw_net_poll();
        return NET_WOULD_BLOCK;
    }
    if (err != ERR_OK) {
        return NET_ERR_MEMORY;
    }
    tcp_output(conn.pcb);
    return (int)length;
}

int fw_tcp_recv(uint8_t *data, size_t length)
{
    if (conn.received == NULL) {
        fw_net_poll();
    }
    if (conn.received == NULL) {
        if (conn.error != 0) {
            return conn.error;
        }
        return conn.closed ? NET_ERR_CLOSED : NET_WOULD_BLOCK;
    }
    if (length > conn.received->tot_len) {
        length = conn.received->tot_len;
    }
    pbuf_copy_partial(conn.received, data, (u16_t)length, 0);
    /* Drop what was read (pbufs read to the end are freed) and open the window by as much. */
    conn.received = pbuf_free_header(conn.received, (u16_t)length);
    if (conn.pcb != NULL) {
        tcp_recved(conn.pcb, (u16_t)length);
    }
    return (int)length;
}

int fw_tcp_wait_readable(uint32_t timeout_ms)
{
    uint32_t start = fw_net_now_ms();
    while (conn.received == NULL) {
        if (conn.error != 0) {
            return conn.error;
        }
        if (conn.closed) {
            return NET_ERR_CLOSED;
        }
        if (fw_net_now_ms() - start > timeout_ms) {
            return NET_ERR_TIMEOUT;
        }
        fw_net_poll();
    }
    return conn.received->tot_len;
}

/* After tcp_close, how long to keep polling so that the FIN leaves. The peer's own FIN is
 * not awaited: everything the device sent was acknowledged already, and QEMU's forward does
 * not always pass on the broker's close. */
#define FIN_POLL_MS 20u

int fw_tcp_close(uint32_t timeout_ms)
{
    if (conn.pcb == NULL) {
        return conn.error != 0 ? conn.error : NET_OK;
    }
    int status = NET_OK;
    uint32_t start = fw_net_now_ms();
    while (conn.pcb != NULL && conn.pcb->unacked != NULL) {
        if (fw_net_now_ms() - start > timeout_ms) {
            status = NET_ERR_TIMEOUT;
            break;
        }
        fw_net_poll();
    }
    if (conn.pcb != NULL && tcp_close(conn.pcb) != ERR_OK) {
        tcp_abort(conn.pcb);
    }
    conn.pcb = NULL;
    start = fw_net_now_ms();
    while (fw_net_now_ms() - start <= FIN_POLL_MS) {
        fw_net_poll();
    }
    return status;
}

/* The pools' names, in memp_pools order (lwIP keeps them only in debug builds). */
static const char *const pool_names[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) desc,
#include "lwip/priv/memp_std.h"
};

void fw_net_report(void)
{
    uint32_t pools_bytes = 0;
    for (int i = 0; i < MEMP_MAX; i++) {
        const struct memp_desc *pool = memp_pools[i];
        pools_bytes += (uint32_t)pool->num * pool->size;
        fw_print("lwip_pool: ");
        fw_print(pool_names[i]);
        fw_print(" size=");
        fw_print_u32(pool->size);
        fw_print(" num=");
        fw_print_u32(pool->num);
        fw_print(" peak=");
        fw_print_u32(pool->stats->max);
        fw_print(" err=");
        fw_print_u32(pool->stats->err);
        fw_print("\n");
    }
    fw_print_metric("lwip_pools_bytes", pools_bytes, "B");
    fw_print_metric("lwip_heap_bytes", MEM_SIZE, "B");
    fw_print_metric("lwip_heap_peak", lwip_stats.mem.max, "B");
    const lan9118_counters *nic = lan9118_counters_get();
    fw_print_metric("eth_tx_frames", nic->tx_frames, "");
    fw_print_metric("eth_rx_frames", nic->rx_frames, "");
    fw_print_metric("eth_rx_dropped", nic->rx_dropped, "");
}
