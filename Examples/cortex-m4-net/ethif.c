/*
 * ethif.c -- glue between lwIP and the LAN9118 driver (polled, NO_SYS).
 *
 * Frames go from lwIP's buffers to the controller's FIFO and back with no frame buffer in
 * between: a pbuf chain is one FIFO segment per pbuf; a received frame is read into a chain
 * from PBUF_POOL (whose buffers hold a whole frame, lwipopts.h).
 */
#include "ethif.h"

#include "lan9118.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/snmp.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

static err_t ethif_output(struct netif *netif, struct pbuf *frame)
{
    (void)netif;
    uint32_t segments = 0;
    for (const struct pbuf *q = frame; q != NULL; q = q->next) {
        segments += q->len > 0;
    }
    if (lan9118_tx_begin(frame->tot_len, segments) != LAN9118_OK) {
        LINK_STATS_INC(link.drop);
        return ERR_IF;
    }
    uint32_t written = 0;
    for (const struct pbuf *q = frame; q != NULL; q = q->next) {
        if (q->len == 0) {
            continue;
        }
        written += q->len;
        lan9118_tx_segment(q->payload, q->len, written == q->len, written == frame->tot_len,
                           frame->tot_len);
    }
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

err_t ethif_init(struct netif *netif)
{
    if (lan9118_init(netif->hwaddr) != LAN9118_OK) {
        return ERR_IF;
    }
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->name[0] = 'e';
    netif->name[1] = '0';
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = ethif_output;
    return ERR_OK;
}

uint32_t ethif_poll(struct netif *netif)
{
    uint32_t frames = 0;
    while (frames < ETHIF_POLL_FRAMES) {
        int length = lan9118_rx_next();
        if (length == 0) {
            break;
        }
        frames++;
        if (length < 0) {
            LINK_STATS_INC(link.drop);
            continue;
        }
        struct pbuf *frame = pbuf_alloc(PBUF_RAW, (u16_t)length, PBUF_POOL);
        if (frame == NULL) {
            /* Out of receive buffers: TCP will retransmit what is dropped here. */
            lan9118_rx_discard();
            LINK_STATS_INC(link.memerr);
            continue;
        }
        for (struct pbuf *q = frame; q != NULL; q = q->next) {
            lan9118_rx_read(q->payload, q->len);
        }
        lan9118_rx_end();
        LINK_STATS_INC(link.recv);
        if (netif->input(frame, netif) != ERR_OK) {
            pbuf_free(frame);
        }
    }
    return frames;
}
