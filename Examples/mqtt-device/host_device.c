/*
 * host_device.c -- the sensor of device.c, on the host: its flash is a file, its network
 * a TCP socket to 127.0.0.1.
 *
 *   mqtt_device --flash IMAGE --owner-key OWNER.pub.pem [--update BUNDLE] [--no-connect]
 *               --port N [--connect ADDR] --key DEVICE.key --broker NAME
 *               (--time UNIX | --time-unknown) [--topic T] [--message M]
 *               [--client-id ID] [--timeout-ms N] [--reports N]
 *
 * Boot: IMAGE (created erased when missing) is the device's flash: two bundle slots and
 * the commit sectors of the power-safe store (iotcert_store.h), read into RAM and written
 * back at exit. --update installs BUNDLE through the store, in 256-byte pieces as if it
 * arrived over the network; the store accepts it only when signed by the owner's key and
 * newer than the active bundle. Then the device reports once (device.c) with the trust
 * the store serves: mutual TLS to ADDR:N, iotcert checking the broker's chain for NAME at
 * the given time, the device presenting the chain its bundle carries, MQTT PUBLISH.
 * --reports N reconnects and reports N times (default 1), with a signature memo in RAM:
 * after the first, iotcert re-checks the broker's chain without elliptic-curve math.
 *
 * Prints one line per stage (store, update, connect, iotcert, tls, mbedtls, mqtt). Exit
 * status: 0 published and acknowledged; 1 iotcert refused the broker; 2 usage or setup
 * error; 3 the TLS handshake failed otherwise (the broker refused the device: an alert);
 * 4 MQTT failed (malformed frame, refusal, timeout); 5 no connection (broker down);
 * 6 the update was refused (the device keeps its bundle).
 */
#define _POSIX_C_SOURCE 200112L

#include "device.h"
#include "iotcert_mbedtls.h"
#include "mbedtls_count.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"

/* ---- flash: a RAM array mirrored in a file ------------------------------------------- */

/* Geometry of a small MCU's internal flash: 4 KiB sectors, 8-byte program unit. */
#define SECTOR 4096u
#define SLOT (8u * SECTOR)
#define FLASH_BYTES (2u * SLOT + 2u * SECTOR)

static uint8_t flash_memory[FLASH_BYTES];

static int flash_read(void *ctx, uint32_t offset, uint8_t *buf, uint32_t len)
{
    (void)ctx;
    if (offset > FLASH_BYTES || len > FLASH_BYTES - offset) {
        return -1;
    }
    memcpy(buf, flash_memory + offset, len);
    return 0;
}

static int flash_erase(void *ctx, uint32_t offset)
{
    (void)ctx;
    if (offset % SECTOR != 0 || offset >= FLASH_BYTES) {
        return -1;
    }
    memset(flash_memory + offset, 0xff, SECTOR);
    return 0;
}

/* NOR flash: programming can only clear bits. */
static int flash_program(void *ctx, uint32_t offset, const uint8_t *buf, uint32_t len)
{
    (void)ctx;
    if (offset > FLASH_BYTES || len > FLASH_BYTES - offset) {
        return -1;
    }
    for (uint32_t i = 0; i < len; i++) {
        flash_memory[offset + i] &= buf[i];
    }
    return 0;
}

static const uint8_t *flash_map(void *ctx, uint32_t offset, uint32_t len)
{
    (void)ctx;
    return offset <= FLASH_BYTES && len <= FLASH_BYTES - offset ? flash_memory + offset : NULL;
}

static const iotcert_flash flash = {
    .struct_size = sizeof(iotcert_flash), .sector_size = SECTOR, .program_unit = 8,
    .slot_size = SLOT, .slot_a_offset = 0, .slot_b_offset = SLOT,
    .commit_offset = 2 * SLOT, .read = flash_read, .erase = flash_erase,
    .program = flash_program, .map = flash_map,
};

/* Loads the image (a missing file is an erased flash); 0 on error. */
static int flash_load(const char *path)
{
    memset(flash_memory, 0xff, sizeof flash_memory);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return 1;
    }
    size_t n = fread(flash_memory, 1, sizeof flash_memory, f);
    fclose(f);
    if (n != sizeof flash_memory) {
        fprintf(stderr, "%s: not a flash image of %u bytes\n", path, FLASH_BYTES);
        return 0;
    }
    return 1;
}

static int flash_save(const char *path)
{
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(flash_memory, 1, sizeof flash_memory, f) == sizeof flash_memory;
    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "%s: cannot write the flash image\n", path);
    }
    return ok;
}

/* ---- inputs ----------------------------------------------------------------------------- */

typedef struct settings {
    const char *flash, *owner_key, *update, *address, *port, *key, *broker;
    const char *topic, *message, *client_id;
    int connect, time_unknown, have_time, reports;
    int64_t time;
    uint32_t timeout_ms;
} settings;

static void print_mbedtls_error(const char *what, int ret)
{
    char text[160];
    mbedtls_strerror(ret, text, sizeof text);
    printf("%s: -0x%04X %s\n", what, (unsigned)-ret, text);
}

/* The owner's bundle-signing public key as the uncompressed point the store pins. */
static int owner_point(const char *path, uint8_t point[65])
{
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int ret = mbedtls_pk_parse_public_keyfile(&pk, path);
    size_t n = 0;
    if (ret == 0 && mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY) {
        ret = MBEDTLS_ERR_PK_TYPE_MISMATCH;
    }
    if (ret == 0) {
        const mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pk);
        ret = mbedtls_ecp_point_write_binary(&ec->grp, &ec->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &n,
                                             point, 65);
    }
    mbedtls_pk_free(&pk);
    if (ret != 0 || n != 65) {
        print_mbedtls_error(path, ret != 0 ? ret : MBEDTLS_ERR_PK_KEY_INVALID_FORMAT);
        return 0;
    }
    return 1;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        return NULL;
    }
    static uint8_t data[SLOT + 1];
    *len = fread(data, 1, sizeof data, f);
    fclose(f);
    if (*len == sizeof data) {
        fprintf(stderr, "%s: larger than a slot (%u bytes)\n", path, SLOT);
        return NULL;
    }
    return data;
}

/* ---- the store -------------------------------------------------------------------------- */

static void print_active(const iotcert_store *store, const iotcert_trust *trust)
{
    iotcert_store_info si = { .struct_size = sizeof si };
    iotcert_bundle_info bi = { .struct_size = sizeof bi };
    iotcert_store_get_info(store, &si);
    iotcert_bundle_get_info(trust, &bi);
    printf("store: active bundle sequence %" PRIu32 " in slot %c (%" PRIu32 " anchor(s), %"
           PRIu32 " stored certificate(s), %" PRIu32 " device certificate(s))\n",
           si.sequence, si.slot ? 'B' : 'A', bi.anchors, bi.certificates, bi.device_chain);
}

/* The update, in pieces as it would arrive. Returns the store's status. */
static int install(iotcert_store *store, const char *path)
{
    size_t len;
    const uint8_t *data = read_file(path, &len);
    if (data == NULL) {
        return IOTCERT_ERR_INVALID_ARGUMENT;
    }
    int st = iotcert_store_update_begin(store, len);
    for (size_t at = 0; st == IOTCERT_OK && at < len; at += 256) {
        st = iotcert_store_update_write(store, data + at, len - at < 256 ? len - at : 256);
    }
    if (st == IOTCERT_OK) {
        st = iotcert_store_update_finish(store);
    }
    if (st == IOTCERT_OK) {
        iotcert_store_info si = { .struct_size = sizeof si };
        iotcert_store_get_info(store, &si);
        printf("update: installed sequence %" PRIu32 " (%zu bytes)\n", si.sequence, len);
    } else {
        printf("update: REFUSED, status %d: %s\n", st, iotcert_strerror(st));
    }
    return st;
}

/* ---- the report ------------------------------------------------------------------------- */

static void print_check(const iotcert_mbedtls_check *check, const char *broker)
{
    const iotcert_result *r = &check->result;
    if (check->status == IOTCERT_MBEDTLS_NOT_CHECKED) {
        printf("iotcert: not run (the handshake failed before the broker's certificate)\n");
        return;
    }
    if (check->status != IOTCERT_OK) {
        printf("iotcert: REFUSED broker %s, status %d: %s", broker, check->status,
               iotcert_strerror(check->status));
        if (r->failing_index >= 0) {
            printf(" (at fault: certificate #%" PRId32 ")", r->failing_index);
        }
        printf("\n");
    } else {
        printf("iotcert: ACCEPTED broker %s, path:", broker);
        for (uint32_t i = 0; i < r->path_len; i++) {
            if (r->path[i] < check->presented) {
                printf(" sent #%u <-", r->path[i]);
            } else {
                printf(" stored #%zu <-", r->path[i] - check->presented);
            }
        }
        printf(" anchor #%" PRId32 "\n", r->anchor_index);
    }
    printf("iotcert: %zu certificate(s) sent, %" PRIu32 " signature(s) checked, %" PRIu32
           " memo hit(s), %" PRIu32 " step(s), workspace high-water %" PRIu32 " bytes\n",
           check->presented, r->signatures_checked, r->memo_hits, r->steps,
           r->workspace_high_water);
}

static void print_counts(void)
{
    mbedtls_count c = mbedtls_count_get();
    iotcert_mbedtls_stats port;
    iotcert_mbedtls_stats_get(&port);
    printf("mbedtls: %" PRIu32 " certificate signature check(s), %" PRIu32
           " chain verification(s), %" PRIu32 " handshake signature check(s)\n",
           c.certificate_signatures, c.chain_verifications, c.handshake_signatures);
    printf("port: %" PRIu32 " ECDSA verification(s) made for iotcert\n", port.ecdsa_verifies);
}

/*
 * The transport: a TCP connection with bounded waits. The connect itself waits at most the
 * timeout (a blocking connect to a broker whose SYNs go unanswered would take minutes),
 * then sends wait at most as long (reads are bounded by Mbed TLS's read timeout).
 * Returns 0, 1 when the connect timed out, or an Mbed TLS error.
 */
static int dial(mbedtls_net_context *net, const settings *s)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV }, *a = NULL;
    if (getaddrinfo(s->address, s->port, &hints, &a) != 0 || a == NULL) {
        return MBEDTLS_ERR_NET_UNKNOWN_HOST;
    }
    int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    int ret = fd < 0 ? MBEDTLS_ERR_NET_SOCKET_FAILED : 0;
    if (ret == 0) {
        int flags = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            int error = 0;
            socklen_t len = sizeof error;
            if (errno != EINPROGRESS) {
                ret = MBEDTLS_ERR_NET_CONNECT_FAILED;
            } else if (poll(&p, 1, (int)s->timeout_ms) != 1) {
                ret = 1;
            } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
                ret = MBEDTLS_ERR_NET_CONNECT_FAILED;
            }
        }
        fcntl(fd, F_SETFL, flags);
    }
    freeaddrinfo(a);
    if (ret != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return ret;
    }
    net->fd = fd;
    struct timeval tv = { .tv_sec = s->timeout_ms / 1000,
                          .tv_usec = (s->timeout_ms % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return 0;
}

static int report(const settings *s, const iotcert_trust *trust, mbedtls_pk_context *key,
                  mbedtls_ctr_drbg_context *drbg)
{
    static uint8_t workspace[IOTCERT_WORKSPACE_BYTES(8)];
    static uint8_t memo[IOTCERT_MEMO_BYTES(8)];
    static int memo_ready;
    static uint8_t buffer[1024];
    static device_session session;
    mbedtls_net_context net;
    mbedtls_net_init(&net);
    int ret = dial(&net, s);
    if (ret == 1) {
        printf("connect: no connection to the broker: timed out after %" PRIu32 " ms\n",
               s->timeout_ms);
        return 5;
    }
    if (ret != 0) {
        print_mbedtls_error("connect: no connection to the broker", ret);
        return 5;
    }
    printf("connect: %s:%s\n", s->address, s->port);
    if (!memo_ready) {
        memo_ready = iotcert_memo_init(memo, sizeof memo) == IOTCERT_OK;
    }
    iotcert_mbedtls_stats_reset(); /* this connection's own work, not the update's */
    mbedtls_count_reset();
    device_config c = {
        .bio = &net, .send = mbedtls_net_send, .recv_timeout = mbedtls_net_recv_timeout,
        .rng = mbedtls_ctr_drbg_random, .rng_context = drbg, .key = key, .trust = trust,
        .broker_name = s->broker, .time = s->time,
        .flags = s->time_unknown ? IOTCERT_FLAG_TIME_UNKNOWN : 0, .timeout_ms = s->timeout_ms,
        .workspace = workspace, .workspace_len = sizeof workspace,
        .memo = memo_ready ? memo : NULL, .memo_len = memo_ready ? sizeof memo : 0,
        .buffer = buffer, .buffer_len = sizeof buffer, .client_id = s->client_id,
        .topic = s->topic, .payload = (const uint8_t *)s->message,
        .payload_len = strlen(s->message),
    };
    int result = device_report_once(&c, &session);
    mbedtls_net_free(&net);
    if (session.stage >= DEVICE_STAGE_HANDSHAKE) {
        print_check(&session.check, s->broker);
    }
    print_counts();
    switch (result) {
    case DEVICE_OK:
        printf("mqtt: published %zu byte(s) to %s, acknowledged (QoS 1)\n", c.payload_len,
               s->topic);
        return 0;
    case DEVICE_ERR_REFUSED:
        print_mbedtls_error("tls: handshake stopped by iotcert", session.tls_error);
        return 1;
    case DEVICE_ERR_TLS:
        print_mbedtls_error("tls: handshake failed", session.tls_error);
        return 3;
    case DEVICE_ERR_MQTT:
        printf("mqtt: FAILED, status %d: %s", session.mqtt_status,
               mqtt_strerror(session.mqtt_status));
        if (session.mqtt_status == MQTT_ERR_REFUSED) {
            printf(" (CONNACK code %u)", session.connack_code);
        }
        printf("\n");
        return 4;
    default:
        print_mbedtls_error("tls: setup failed", session.tls_error);
        return 2;
    }
}

/* ---- main ------------------------------------------------------------------------------- */

static int parse(int argc, char **argv, settings *s)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--no-connect") == 0) {
            s->connect = 0;
            continue;
        }
        if (strcmp(o, "--time-unknown") == 0) {
            s->time_unknown = 1;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        if (v == NULL) {
            return 0;
        }
        char *end = NULL;
        if (strcmp(o, "--flash") == 0) s->flash = v;
        else if (strcmp(o, "--owner-key") == 0) s->owner_key = v;
        else if (strcmp(o, "--update") == 0) s->update = v;
        else if (strcmp(o, "--connect") == 0) s->address = v;
        else if (strcmp(o, "--port") == 0) s->port = v;
        else if (strcmp(o, "--key") == 0) s->key = v;
        else if (strcmp(o, "--broker") == 0) s->broker = v;
        else if (strcmp(o, "--topic") == 0) s->topic = v;
        else if (strcmp(o, "--message") == 0) s->message = v;
        else if (strcmp(o, "--client-id") == 0) s->client_id = v;
        else if (strcmp(o, "--time") == 0) {
            s->time = strtoll(v, &end, 10);
            s->have_time = *end == '\0' && end != v;
            if (!s->have_time) return 0;
        } else if (strcmp(o, "--reports") == 0) {
            long n = strtol(v, &end, 10);
            if (*end != '\0' || end == v || n < 1 || n > 100) return 0;
            s->reports = (int)n;
        } else if (strcmp(o, "--timeout-ms") == 0) {
            unsigned long t = strtoul(v, &end, 10);
            if (*end != '\0' || end == v || t == 0 || t > 60000) return 0;
            s->timeout_ms = (uint32_t)t;
        } else return 0;
    }
    if (s->flash == NULL || s->owner_key == NULL) {
        return 0;
    }
    return !s->connect || (s->port != NULL && s->key != NULL && s->broker != NULL &&
                           (s->have_time != s->time_unknown));
}

static void usage(void)
{
    fputs("usage: mqtt_device --flash IMAGE --owner-key PUB.pem [--update BUNDLE]\n"
          "                   [--no-connect] --port N [--connect ADDR] --key DEVICE.key\n"
          "                   --broker NAME (--time UNIX | --time-unknown) [--topic T]\n"
          "                   [--message M] [--client-id ID] [--timeout-ms N]\n"
          "                   [--reports N]\n", stderr);
}

/* The store, the optional update, the trust it serves. Returns an exit status or -1. */
static int boot(const settings *s, iotcert_store *store, iotcert_trust *trust, int *updated)
{
    uint8_t owner[65];
    if (!owner_point(s->owner_key, owner) || !flash_load(s->flash)) {
        return 2;
    }
    int st = iotcert_store_open(store, &flash, owner, sizeof owner, NULL, 0);
    if (st != IOTCERT_OK) {
        printf("store: cannot open, status %d: %s\n", st, iotcert_strerror(st));
        return 2;
    }
    *updated = s->update == NULL || install(store, s->update) == IOTCERT_OK;
    if (!flash_save(s->flash)) {
        return 2;
    }
    st = iotcert_store_trust(store, trust);
    if (st != IOTCERT_OK) {
        printf("store: no bundle, status %d: %s\n", st, iotcert_strerror(st));
        return *updated ? 2 : 6;
    }
    print_active(store, trust);
    return -1;
}

int main(int argc, char **argv)
{
    settings s = { .address = "127.0.0.1", .connect = 1, .timeout_ms = 3000, .reports = 1,
                   .topic = "fleet/telemetry", .message = "hello", .client_id = "sensor" };
    if (!parse(argc, argv, &s)) {
        usage();
        return 2;
    }
    /* A peer that hangs up while we write is an error code (EPIPE), not a signal. */
    signal(SIGPIPE, SIG_IGN);
    static iotcert_store store;
    static iotcert_trust trust;
    int updated = 1;
    int status = boot(&s, &store, &trust, &updated);
    if (status >= 0 || !s.connect) {
        return status >= 0 ? status : updated ? 0 : 6;
    }
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context key;
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_pk_init(&key);
    static const char personalisation[] = "iotcert mqtt_device";
    int ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                                    (const unsigned char *)personalisation,
                                    sizeof personalisation - 1);
    if (ret == 0) {
        ret = mbedtls_pk_parse_keyfile(&key, s.key, NULL);
    }
    if (ret != 0) {
        print_mbedtls_error(s.key, ret);
        status = 2;
    } else {
        status = 0;
        for (int k = 1; k <= s.reports && status == 0; k++) {
            if (s.reports > 1) {
                printf("report %d of %d\n", k, s.reports);
            }
            status = report(&s, &trust, &key, &drbg);
        }
        if (status == 0 && !updated) {
            status = 6;
        }
    }
    mbedtls_pk_free(&key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    return status;
}
