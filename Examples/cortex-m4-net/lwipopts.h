/*
 * lwipopts.h -- lwIP 2.1 configuration for the networked Cortex-M4 firmware.
 *
 * One TCP connection (the broker's), IPv4 with ARP over Ethernet, a static address: the
 * smallest stack that does the job. NO_SYS: no RTOS, no threads; the firmware calls the
 * driver and lwIP's timers from its own loop (net.c) and uses the raw TCP API.
 *
 * Memory is static and sized here: lwIP's heap (MEM_SIZE, for outgoing segments) and its
 * pools (MEMP_*, PBUF_POOL_*); net.c prints what each used at its peak (LWIP_STATS).
 */
#ifndef IOTCERT_LWIPOPTS_H
#define IOTCERT_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* single-threaded, no interrupt handler touches lwIP */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1 /* answers pings; costs no RAM of its own */
#define LWIP_RAW 0
#define LWIP_UDP 0  /* static address, no DNS: nothing uses UDP */
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_TCP 1
#define IP_REASSEMBLY 0 /* TCP segments fit the MTU; no fragment is expected */
#define IP_FRAG 0

#define MEM_ALIGNMENT 4
/* lwIP's heap: TCP_WRITE_FLAG_COPY segments waiting for an ACK (at most TCP_SND_BUF) and
 * their headers. */
#define MEM_SIZE (4 * 1024)
/* TCP: the MSS of an Ethernet path. Two segments of window carry the broker's first flight
 * (ServerHello to ServerHelloDone, about 1.6 KB with the test PKI) at once; a larger record
 * takes one more round trip, never more RAM. */
#define TCP_MSS 1460
#define TCP_WND (2 * TCP_MSS)
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCP_SND_QUEUELEN 8
#define MEMP_NUM_TCP_SEG 12
#define MEMP_NUM_TCP_PCB 1
#define MEMP_NUM_TCP_PCB_LISTEN 0
#define MEMP_NUM_PBUF 4 /* PBUF_ROM/REF: not used by the copying TCP writes */
#define MEMP_NUM_SYS_TIMEOUT 4
#define ARP_TABLE_SIZE 2 /* the gateway and the forwarded broker address */
#define ARP_QUEUEING 0
/* Received frames: each pool buffer holds a whole frame; a full window plus one for ARP or
 * a pure ACK arriving meanwhile, plus one spare (runs peak at 2). */
#define PBUF_POOL_SIZE 4
#define PBUF_POOL_BUFSIZE 1536

#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF 1

/* Statistics: the firmware reports each pool's and the heap's peak. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 1
#define MEMP_STATS 1
#define LINK_STATS 1
#define TCP_STATS 1
#define IP_STATS 0
#define ICMP_STATS 0
#define ETHARP_STATS 0
#define SYS_STATS 0

/* TCP's initial sequence numbers and ports: see fw_net_random in net.c. */
#include <stdint.h>
uint32_t fw_net_random(void);
#define LWIP_RAND() fw_net_random()

#endif /* IOTCERT_LWIPOPTS_H */
