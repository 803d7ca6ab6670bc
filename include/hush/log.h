/* SPDX-License-Identifier: MIT */
/* log.h - leveled diagnostics on stderr, "prog: message", one line each */
#ifndef HUSH_LOG_H
#define HUSH_LOG_H

#include "hush/err.h"

enum hush_log_level {
	HUSH_LOG_QUIET = 0, /* errors only */
	HUSH_LOG_WARN = 1,  /* default */
	HUSH_LOG_INFO = 2,  /* -v */
	HUSH_LOG_DEBUG = 3, /* -vv */
};

/** Set the program name printed before each line and the level. */
void hush_log_setup(const char *prog, enum hush_log_level level);
enum hush_log_level hush_log_level_get(void);

void hush_log_error(const char *fmt, ...) HUSH_PRINTF(1, 2);
void hush_log_warn(const char *fmt, ...) HUSH_PRINTF(1, 2);
void hush_log_info(const char *fmt, ...) HUSH_PRINTF(1, 2);
void hush_log_debug(const char *fmt, ...) HUSH_PRINTF(1, 2);

#endif
