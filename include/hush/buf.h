/* SPDX-License-Identifier: MIT */
/* buf.h - growable byte buffer with a hard cap (curl's dynbuf "toobig") */
#ifndef HUSH_BUF_H
#define HUSH_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "hush/err.h"

/*
 * The buffer is always NUL-terminated when ptr is not NULL, so it can be used
 * as a C string; len does not count that NUL. Appending past `cap` fails with
 * HUSH_ELIMIT and frees the buffer, so a half-built value is never used.
 */
struct hush_buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t cap;
};

#define HUSH_BUF_INIT(limit) { NULL, 0, 0, (limit) }

void hush_buf_init(struct hush_buf *b, size_t cap);
/** Release the memory; the struct may be reused after hush_buf_init. */
void hush_buf_dispose(struct hush_buf *b);
/** Keep the memory, forget the content. */
void hush_buf_clear(struct hush_buf *b);
/** @return 0, HUSH_ENOMEM or HUSH_ELIMIT (the buffer is then disposed) */
int hush_buf_put(struct hush_buf *b, const void *data, size_t len);
int hush_buf_puts(struct hush_buf *b, const char *s);
int hush_buf_putc(struct hush_buf *b, char c);
int hush_buf_printf(struct hush_buf *b, const char *fmt, ...) HUSH_PRINTF(2, 3);
int hush_buf_vprintf(struct hush_buf *b, const char *fmt, va_list ap)
	HUSH_VPRINTF(2);
/**
 * Take the content; the caller owns it and frees it with free(). The buffer
 * is left empty. Returns "" (still owned by the caller) for an empty buffer,
 * or NULL when out of memory.
 */
char *hush_buf_detach(struct hush_buf *b);

#endif
