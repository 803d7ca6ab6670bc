/* SPDX-License-Identifier: MIT */
/* buf.c - growable byte buffer with a hard cap; the only growable memory */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hush/buf.h"

void hush_buf_init(struct hush_buf *b, size_t cap)
{
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void hush_buf_dispose(struct hush_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
}

void hush_buf_clear(struct hush_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static int grow(struct hush_buf *b, size_t add)
{
	size_t need, n;
	char *p;

	if (add > b->cap || b->len > b->cap - add) {
		hush_buf_dispose(b);
		return hush_err_set(HUSH_ELIMIT, "buffer limit of %zu bytes reached",
			b->cap);
	}
	need = b->len + add + 1;
	if (need <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n > (size_t)-1 / 2 ? need : n * 2;
	if (n > b->cap + 1)
		n = b->cap + 1;
	if ((p = realloc(b->ptr, n)) == NULL) {
		hush_buf_dispose(b);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	b->ptr = p;
	b->alloc = n;
	return 0;
}

int hush_buf_put(struct hush_buf *b, const void *data, size_t len)
{
	int error;

	if ((error = grow(b, len)) < 0)
		return error;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int hush_buf_puts(struct hush_buf *b, const char *s)
{
	return hush_buf_put(b, s, strlen(s));
}

int hush_buf_putc(struct hush_buf *b, char c)
{
	return hush_buf_put(b, &c, 1);
}

int hush_buf_vprintf(struct hush_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	int n, error;

	va_copy(cp, ap);
	n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return hush_err_set(HUSH_ERROR, "formatting failed");
	if ((size_t)n < sizeof(small))
		return hush_buf_put(b, small, (size_t)n);
	if ((error = grow(b, (size_t)n)) < 0)
		return error;
	n = vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	if (n < 0)
		return hush_err_set(HUSH_ERROR, "formatting failed");
	b->len += (size_t)n;
	return 0;
}

int hush_buf_printf(struct hush_buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = hush_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

char *hush_buf_detach(struct hush_buf *b)
{
	char *p = b->ptr;

	if (!p)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}
