/*
 * lan9118.c -- polling driver for the SMSC LAN9118 (see lan9118.h).
 *
 * Register offsets and bits are those of the SMSC LAN9118 datasheet (rev. 1.5, section 5),
 * which QEMU's hw/net/lan9118.c follows. The controller is little-endian in 32-bit mode: the
 * first byte of a FIFO word is its least significant.
 */
#include "lan9118.h"

#include <stddef.h>

#define REG(offset) (*(volatile uint32_t *)(LAN9118_BASE + (offset)))

#define RX_DATA_FIFO REG(0x00)
#define TX_DATA_FIFO REG(0x20)
#define RX_STATUS_FIFO REG(0x40)
#define TX_STATUS_FIFO REG(0x48)
#define ID_REV REG(0x50)
#define INT_EN REG(0x5C)
#define BYTE_TEST REG(0x64)
#define RX_CFG REG(0x6C)
#define TX_CFG REG(0x70)
#define HW_CFG REG(0x74)
#define RX_FIFO_INF REG(0x7C)
#define TX_FIFO_INF REG(0x80)
#define PMT_CTRL REG(0x84)
#define MAC_CSR_CMD REG(0xA4)
#define MAC_CSR_DATA REG(0xA8)

#define BYTE_TEST_VALUE 0x87654321u
/* ID_REV's upper half: 0x0118 (LAN9118), 0x0117, 0x0116, 0x0115, 0x9220/0x9221 (LAN9220/1,
 * the part MPS2 boards carry), all with the same register interface. */
#define ID_LAN9118 0x0118u
#define ID_LAN9220 0x9220u
#define ID_LAN9221 0x9221u

#define HW_CFG_SRST (1u << 0)
#define PMT_CTRL_READY (1u << 0)
#define TX_CFG_TX_ON (1u << 1)
#define TX_CFG_TXSAO (1u << 2) /* status FIFO may overrun: statuses are not needed */
#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)

#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_FDPX (1u << 20)

#define MII_PHY_ADDRESS 1u /* the internal PHY */
#define MII_BUSY (1u << 0)
#define MII_WRITE (1u << 1)
#define PHY_BSR 1u
#define PHY_BSR_LINK (1u << 2)

#define TX_CMD_A_FIRST (1u << 13)
#define TX_CMD_A_LAST (1u << 12)
#define TX_CMD_A_OFFSET_SHIFT 16
#define TX_FIFO_INF_TDFREE 0xFFFFu

#define RX_STS_LENGTH(status) (((status) >> 16) & 0x3FFFu)
#define RX_STS_ERROR (1u << 15)
#define RX_FIFO_INF_STATUS_USED(inf) (((inf) >> 16) & 0xFFu)
#define FCS_BYTES 4u

/* Every busy/ready wait gives up after this many register reads. The datasheet's slowest
 * settle is the reset (under 10 ms); 1 000 000 reads take longer than that on any part
 * clocked at tens of MHz, and a few ms under QEMU, where the bits settle at once. */
#define LAN9118_SPIN_LIMIT 1000000u

/* Per-segment FIFO overhead: commands A and B, plus up to 3 bytes of start offset and 3 of
 * end padding. */
#define TX_SEGMENT_OVERHEAD 14u

static lan9118_counters counters;

/* The frame being read: bytes the caller may still take, words still in the FIFO, and the
 * unread bytes of the last word popped. */
static struct {
    uint32_t bytes_left;
    uint32_t words_left;
    uint32_t carry;
    uint32_t carry_bytes;
} rx;

static int wait_clear(volatile uint32_t *reg, uint32_t mask)
{
    for (uint32_t spin = 0; spin < LAN9118_SPIN_LIMIT; spin++) {
        if ((*reg & mask) == 0) {
            return LAN9118_OK;
        }
    }
    return LAN9118_ERR_TIMEOUT;
}

static int mac_write(uint32_t index, uint32_t value)
{
    if (wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY) != LAN9118_OK) {
        return LAN9118_ERR_TIMEOUT;
    }
    MAC_CSR_DATA = value;
    MAC_CSR_CMD = MAC_CSR_BUSY | index;
    return wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY);
}

static int mac_read(uint32_t index, uint32_t *value)
{
    if (wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY) != LAN9118_OK) {
        return LAN9118_ERR_TIMEOUT;
    }
    MAC_CSR_CMD = MAC_CSR_BUSY | MAC_CSR_READ | index;
    if (wait_clear(&MAC_CSR_CMD, MAC_CSR_BUSY) != LAN9118_OK) {
        return LAN9118_ERR_TIMEOUT;
    }
    *value = MAC_CSR_DATA;
    return LAN9118_OK;
}

static int phy_read(uint32_t reg, uint32_t *value)
{
    uint32_t access = 0;
    int status = mac_write(MAC_MII_ACC, (MII_PHY_ADDRESS << 11) | (reg << 6) | MII_BUSY);
    for (uint32_t spin = 0; status == LAN9118_OK && spin < LAN9118_SPIN_LIMIT; spin++) {
        status = mac_read(MAC_MII_ACC, &access);
        if (status == LAN9118_OK && (access & MII_BUSY) == 0) {
            return mac_read(MAC_MII_DATA, value);
        }
    }
    return status == LAN9118_OK ? LAN9118_ERR_TIMEOUT : status;
}

int lan9118_init(uint8_t mac[6])
{
    uint32_t id = ID_REV >> 16;
    if (BYTE_TEST != BYTE_TEST_VALUE ||
        (id != ID_LAN9118 && id != ID_LAN9220 && id != ID_LAN9221 &&
         (id < 0x0115u || id > 0x0117u))) {
        return LAN9118_ERR_ABSENT;
    }
    HW_CFG = HW_CFG_SRST;
    if (wait_clear(&HW_CFG, HW_CFG_SRST) != LAN9118_OK) {
        return LAN9118_ERR_TIMEOUT;
    }
    int status = LAN9118_ERR_TIMEOUT;
    for (uint32_t spin = 0; spin < LAN9118_SPIN_LIMIT; spin++) {
        if ((PMT_CTRL & PMT_CTRL_READY) != 0) {
            status = LAN9118_OK;
            break;
        }
    }
    if (status != LAN9118_OK) {
        return status;
    }
    INT_EN = 0; /* polled: no interrupt sources */
    uint32_t high = 0, low = 0;
    if (mac_read(MAC_ADDRH, &high) != LAN9118_OK || mac_read(MAC_ADDRL, &low) != LAN9118_OK) {
        return LAN9118_ERR_TIMEOUT;
    }
    for (int i = 0; i < 4; i++) {
        mac[i] = (uint8_t)(low >> (8 * i));
    }
    mac[4] = (uint8_t)high;
    mac[5] = (uint8_t)(high >> 8);
    TX_CFG = TX_CFG_TX_ON | TX_CFG_TXSAO;
    RX_CFG = 0; /* no start offset, word end alignment */
    /* Exact MAC match and broadcast (the reset value's promiscuous bit is cleared). */
    return mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX);
}

int lan9118_link_up(void)
{
    uint32_t bsr = 0;
    int status = phy_read(PHY_BSR, &bsr);
    return status != LAN9118_OK ? status : (bsr & PHY_BSR_LINK) != 0;
}

int lan9118_tx_begin(uint32_t frame_length, uint32_t segments)
{
    if (frame_length == 0 || frame_length > LAN9118_FRAME_MAX) {
        return LAN9118_ERR_LENGTH;
    }
    uint32_t needed = frame_length + segments * TX_SEGMENT_OVERHEAD;
    uint32_t total = (HW_CFG >> 16 & 0xFu) * 1024u - 512u; /* TX_FIF_SZ minus the status FIFO */
    for (uint32_t spin = 0; spin < LAN9118_SPIN_LIMIT; spin++) {
        uint32_t free_bytes = TX_FIFO_INF & TX_FIFO_INF_TDFREE;
        if (free_bytes >= needed) {
            if (total > free_bytes && total - free_bytes > counters.tx_fifo_peak_bytes) {
                counters.tx_fifo_peak_bytes = total - free_bytes;
            }
            return LAN9118_OK;
        }
    }
    return LAN9118_ERR_TX_FULL;
}

/* Writes `length` bytes from `data` as FIFO words. The segment starts at the word boundary
 * below `data` (the command's start offset skips the bytes before it), so every word is
 * assembled from bytes of the buffer only, with nothing read outside it. */
void lan9118_tx_segment(const uint8_t *data, uint32_t length, int first, int last,
                        uint32_t frame_length)
{
    uint32_t offset = (uint32_t)(uintptr_t)data & 3u;
    uint32_t command_a = length | (offset << TX_CMD_A_OFFSET_SHIFT) |
                         (first ? TX_CMD_A_FIRST : 0) | (last ? TX_CMD_A_LAST : 0);
    TX_DATA_FIFO = command_a;
    TX_DATA_FIFO = ((counters.tx_frames & 0xFFFFu) << 16) | frame_length;
    const uint8_t *start = data - offset;
    uint32_t span = offset + length;
    for (uint32_t at = 0; at < span; at += 4) {
        uint32_t word = 0;
        for (uint32_t byte = 0; byte < 4; byte++) {
            uint32_t index = at + byte;
            if (index >= offset && index < span) {
                word |= (uint32_t)start[index] << (8 * byte);
            }
        }
        TX_DATA_FIFO = word;
    }
    if (last) {
        counters.tx_frames++;
        (void)TX_STATUS_FIFO; /* keep the status FIFO drained; the status is not needed */
    }
}

int lan9118_rx_next(void)
{
    if (RX_FIFO_INF_STATUS_USED(RX_FIFO_INF) == 0) {
        return 0;
    }
    uint32_t status = RX_STATUS_FIFO;
    uint32_t length = RX_STS_LENGTH(status);
    rx.words_left = (length + 3u) / 4u;
    rx.carry_bytes = 0;
    if ((status & RX_STS_ERROR) != 0 || length <= FCS_BYTES ||
        length - FCS_BYTES > LAN9118_FRAME_MAX) {
        rx.bytes_left = 0;
        lan9118_rx_discard();
        return LAN9118_ERR_RX_FRAME;
    }
    rx.bytes_left = length - FCS_BYTES;
    return (int)rx.bytes_left;
}

void lan9118_rx_read(uint8_t *data, uint32_t length)
{
    for (uint32_t i = 0; i < length && rx.bytes_left > 0; i++) {
        if (rx.carry_bytes == 0) {
            rx.carry = rx.words_left > 0 ? RX_DATA_FIFO : 0;
            rx.words_left -= rx.words_left > 0;
            rx.carry_bytes = 4;
        }
        data[i] = (uint8_t)rx.carry;
        rx.carry >>= 8;
        rx.carry_bytes--;
        rx.bytes_left--;
    }
}

/* Reads out what is left of the frame word by word: the FCS and end padding after a full
 * read, or the whole frame when dropped (the datasheet's fast-forward needs at least 4
 * words left, which the tail of a frame seldom has). */
static void rx_drain(void)
{
    while (rx.words_left > 0) {
        (void)RX_DATA_FIFO;
        rx.words_left--;
    }
    rx.bytes_left = 0;
    rx.carry_bytes = 0;
}

void lan9118_rx_end(void)
{
    rx_drain();
    counters.rx_frames++;
}

void lan9118_rx_discard(void)
{
    rx_drain();
    counters.rx_dropped++;
}

const lan9118_counters *lan9118_counters_get(void)
{
    return &counters;
}
