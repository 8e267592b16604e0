/*
 * ethif.h -- the LAN9118 as an lwIP network interface.
 */
#ifndef IOTCERT_ETHIF_H
#define IOTCERT_ETHIF_H

#include "lwip/netif.h"

/* netif_add's init callback: resets the controller and fills in the interface. */
err_t ethif_init(struct netif *netif);

/* Hands up to ETHIF_POLL_FRAMES waiting frames to lwIP; returns how many. */
#define ETHIF_POLL_FRAMES 8u
uint32_t ethif_poll(struct netif *netif);

#endif /* IOTCERT_ETHIF_H */
