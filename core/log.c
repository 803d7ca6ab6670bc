/* SPDX-License-Identifier: MIT */
/* log.c - "prog: message" diagnostics on stderr, gated by level (tini) */
#include <stdarg.h>
#include <stdio.h>

#include "hush/log.h"

static const char *log_prog = "hush";
static enum hush_log_level log_level = HUSH_LOG_WARN;

void hush_log_setup(const char *prog, enum hush_log_level level)
{
	log_prog = prog;
	log_level = level;
}

enum hush_log_level hush_log_level_get(void)
{
	return log_level;
}

static void vlog(const char *kind, const char *fmt, va_list ap)
	HUSH_VPRINTF(2);
static void vlog(const char *kind, const char *fmt, va_list ap)
{
	/* one fprintf per line so that lines from threads do not interleave */
	char line[2048];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return;
	fprintf(stderr, "%s: %s%s\n", log_prog, kind, line);
}

void hush_log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void hush_log_warn(const char *fmt, ...)
{
	va_list ap;

	if (log_level < HUSH_LOG_WARN)
		return;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void hush_log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_level < HUSH_LOG_INFO)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void hush_log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level < HUSH_LOG_DEBUG)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}
