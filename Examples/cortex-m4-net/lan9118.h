/*
 * lan9118.h -- a polling driver for the SMSC LAN9118 Ethernet controller.
 *
 * QEMU's mps2-an386 board has one at 0x40200000 (IRQ 13, not used here: the firmware polls).
 * The controller holds frames in on-chip FIFOs that are read and written one 32-bit word at a
 * time, so the driver needs no DMA memory and no frame buffer of its own: a transmitted frame
 * is written straight from lwIP's buffers (one FIFO segment per buffer), a received one is
 * read straight into them.
 *
 * Every wait on the hardware is bounded (LAN9118_SPIN_LIMIT) and ends in an error code.
 */
#ifndef IOTCERT_LAN9118_H
#define IOTCERT_LAN9118_H

#include <stdint.h>

#define LAN9118_BASE 0x40200000u

/* Largest frame handed to or taken from the controller: 1514 bytes of Ethernet frame, without
 * the 4-byte FCS the controller adds on transmit and appends on receive. */
#define LAN9118_FRAME_MAX 1514u

enum {
    LAN9118_OK = 0,
    LAN9118_ERR_ABSENT = -1,   /* BYTE_TEST or ID_REV do not read as a LAN9118 family part */
    LAN9118_ERR_TIMEOUT = -2,  /* a busy or ready bit did not settle within LAN9118_SPIN_LIMIT */
    LAN9118_ERR_LENGTH = -3,   /* a frame longer than LAN9118_FRAME_MAX, or empty */
    LAN9118_ERR_TX_FULL = -4,  /* no room in the TX data FIFO for the frame */
    LAN9118_ERR_RX_FRAME = -5, /* the controller flagged a received frame as bad (dropped) */
};

typedef struct lan9118_counters {
    uint32_t tx_frames;
    uint32_t rx_frames;
    uint32_t rx_dropped; /* bad frames, and frames no buffer could be found for */
    uint32_t tx_fifo_peak_bytes; /* most TX FIFO bytes in use seen before a write */
} lan9118_counters;

/* Resets the controller, reads its MAC address (loaded from its EEPROM; QEMU supplies one)
 * into `mac`, and enables the transmitter and receiver. */
int lan9118_init(uint8_t mac[6]);

/* PHY link state (basic status register), 1 up, 0 down, or a negative error. */
int lan9118_link_up(void);

/* Transmit: one frame of `frame_length` bytes given as `segments` buffers, in order.
 * lan9118_tx_begin checks that the frame fits the TX FIFO (waiting, bounded, for room). */
int lan9118_tx_begin(uint32_t frame_length, uint32_t segments);
void lan9118_tx_segment(const uint8_t *data, uint32_t length, int first, int last,
                        uint32_t frame_length);

/* Receive: the length of the next waiting frame (FCS excluded), 0 when none is waiting, or
 * LAN9118_ERR_RX_FRAME after discarding a bad one. Then exactly that many bytes are read with
 * lan9118_rx_read (in any number of calls), and lan9118_rx_end finishes the frame; or
 * lan9118_rx_discard drops it unread. */
int lan9118_rx_next(void);
void lan9118_rx_read(uint8_t *data, uint32_t length);
void lan9118_rx_end(void);
void lan9118_rx_discard(void);

const lan9118_counters *lan9118_counters_get(void);

#endif /* IOTCERT_LAN9118_H */
