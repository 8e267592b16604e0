/*
 * iotcert_types.h -- plain data types shared by the C API (iotcert.h) and the Swift core.
 * Included by iotcert.h; firmware need not include it directly.
 */
#ifndef IOTCERT_TYPES_H
#define IOTCERT_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* A byte range the caller owns: one DER certificate, a bundle, a name. */
typedef struct iotcert_buffer {
    const uint8_t *data; /* may be NULL only when len == 0 */
    size_t len;
} iotcert_buffer;

#endif /* IOTCERT_TYPES_H */
