/* SPDX-License-Identifier: MIT */
/*
 * t.h - the whole unit-test framework (Redis testhelp.h, YARA util.h scale).
 * Each test function is its own ctest case: T_MAIN runs the one named in
 * argv[1]. A failed check prints file:line and the test exits 1.
 */
#ifndef HUSH_T_H
#define HUSH_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hush/err.h"

#define T_FAIL(...)                                                           \
	do {                                                                  \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);               \
		fprintf(stderr, __VA_ARGS__);                                 \
		fputc('\n', stderr);                                          \
		exit(1);                                                      \
	} while (0)

#define T_ASSERT(e)                                                           \
	do {                                                                  \
		if (!(e))                                                     \
			T_FAIL("assertion failed: %s", #e);                   \
	} while (0)

#define T_EQ_INT(a, b)                                                        \
	do {                                                                  \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);       \
		if (t_a_ != t_b_)                                             \
			T_FAIL("%s == %lld, want %lld", #a, t_a_, t_b_);      \
	} while (0)

#define T_EQ_STR(a, b)                                                        \
	do {                                                                  \
		const char *t_a_ = (a), *t_b_ = (b);                          \
		if (strcmp(t_a_, t_b_) != 0)                                  \
			T_FAIL("%s == \"%s\", want \"%s\"", #a, t_a_, t_b_);  \
	} while (0)

#define T_EQ_MEM(a, b, n)                                                     \
	do {                                                                  \
		if (memcmp((a), (b), (n)) != 0)                               \
			T_FAIL("%s differs from %s", #a, #b);                 \
	} while (0)

#define T_OK(e)                                                               \
	do {                                                                  \
		int t_e_ = (e);                                               \
		if (t_e_ < 0)                                                 \
			T_FAIL("%s failed (%d): %s", #e, t_e_, hush_err_msg()); \
	} while (0)

struct t_case {
	const char *name;
	void (*fn)(void);
};

#define T_CASE(fn) { #fn, fn }

#define T_MAIN(...)                                                           \
	int main(int argc, char **argv)                                       \
	{                                                                     \
		static const struct t_case t_cases_[] = { __VA_ARGS__ };      \
		size_t t_i_;                                                  \
		for (t_i_ = 0; t_i_ < sizeof(t_cases_) / sizeof(*t_cases_);   \
		     t_i_++) {                                                \
			if (argc < 2 || !strcmp(argv[1], t_cases_[t_i_].name)) { \
				t_cases_[t_i_].fn();                          \
				if (argc >= 2)                                \
					return 0;                             \
			}                                                     \
		}                                                             \
		if (argc >= 2) {                                              \
			fprintf(stderr, "no test named %s\n", argv[1]);       \
			return 2;                                             \
		}                                                             \
		return 0;                                                     \
	}

#endif
