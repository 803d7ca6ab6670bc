/* SPDX-License-Identifier: MIT */
/* err.h - error codes and the thread-local error message; see STYLE.md 3 */
#ifndef HUSH_ERR_H
#define HUSH_ERR_H

enum hush_err {
	HUSH_OK = 0,
	HUSH_ERROR = -1,
	HUSH_ENOMEM = -2,
	HUSH_EIO = -3,
	HUSH_EPARSE = -4,
	HUSH_ELIMIT = -5,
	HUSH_ENOTFOUND = -6,
	HUSH_EAUTH = -7,
	HUSH_EUSAGE = -8,
};

#if defined(__GNUC__)
#define HUSH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HUSH_PRINTF(a, b)
#endif
/* for functions that take a va_list: HUSH_VPRINTF(n) with n the format's */
#define HUSH_VPRINTF(a) HUSH_PRINTF(a, 0)

/**
 * Set the calling thread's error message.
 * @return code, so that callers can write `return hush_err_set(...)`
 */
int hush_err_set(int code, const char *fmt, ...) HUSH_PRINTF(2, 3);

/** Like hush_err_set, and appends ": strerror(errno)". */
int hush_err_set_errno(int code, const char *fmt, ...) HUSH_PRINTF(2, 3);

/** The calling thread's last message; never NULL, borrowed until the next set. */
const char *hush_err_msg(void);

/** Forget the calling thread's message. */
void hush_err_clear(void);

/** Abort with file:line; for programmer errors only, never for input. */
#define HUSH_ASSERT(expr) \
	((expr) ? (void)0 : hush_assert_fail(#expr, __FILE__, __LINE__))
void hush_assert_fail(const char *expr, const char *file, int line)
	__attribute__((noreturn));

#endif
