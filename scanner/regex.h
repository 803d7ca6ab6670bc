/* SPDX-License-Identifier: MIT */
/* regex.h - PCRE2 (JIT) confirmation; the boundary around <pcre2.h> */
#ifndef HUSH_REGEX_H
#define HUSH_REGEX_H

#include <stdbool.h>
#include <stddef.h>

struct regex;
struct regex_md; /* per-thread match data */

enum {
	REGEX_END_ANCHORED = 1, /* a match must end at the end of the subject */
	REGEX_MULTILINE = 2,    /* ^ and $ at line boundaries */
};

/**
 * Compile pattern with JIT.
 * @param[out] out owned by the caller, free with regex_free
 * @return 0 or HUSH_EPARSE with "offset N: message"
 */
int regex_compile(struct regex **out, const char *pattern, unsigned flags);
void regex_free(struct regex *re);
unsigned regex_capture_count(const struct regex *re);

/** Match data able to hold max_captures groups; free with regex_md_free. */
int regex_md_new(struct regex_md **out, unsigned max_captures);
void regex_md_free(struct regex_md *md);

/**
 * Search subject[start..len) (bytes before start are visible to lookbehind
 * and \b). On a match, span[0..1] is the whole match and span[2..3] group 1
 * (span[2] == span[3] == (size_t)-1 when group 1 did not take part).
 * @return 1 on a match, 0 on none, HUSH_ELIMIT when PCRE2 hit its match
 *         limit, HUSH_ERROR otherwise
 */
int regex_match(const struct regex *re, struct regex_md *md,
	const unsigned char *subject, size_t len, size_t start, size_t span[4]);

#endif
