/* SPDX-License-Identifier: MIT */
/* err.c - thread-local error message; errors are values (STYLE.md 3) */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hush/err.h"

static _Thread_local char err_msg[1024];

static void vset(const char *fmt, va_list ap) HUSH_VPRINTF(1);
static void vset(const char *fmt, va_list ap)
{
	int n = vsnprintf(err_msg, sizeof(err_msg), fmt, ap);

	if (n < 0)
		err_msg[0] = '\0';
	/* a cut message is still useful; truncation is marked */
	else if ((size_t)n >= sizeof(err_msg))
		memcpy(err_msg + sizeof(err_msg) - 4, "...", 4);
}

int hush_err_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	return code;
}

int hush_err_set_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	used = strlen(err_msg);
	if (used < sizeof(err_msg) - 1) {
		int n = snprintf(err_msg + used, sizeof(err_msg) - used, ": %s",
			strerror(saved));
		if (n < 0)
			err_msg[used] = '\0';
	}
	errno = saved;
	return code;
}

const char *hush_err_msg(void)
{
	return err_msg[0] ? err_msg : "unknown error";
}

void hush_err_clear(void)
{
	err_msg[0] = '\0';
}

void hush_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
	abort();
}
