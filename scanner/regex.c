/* SPDX-License-Identifier: MIT */
/* regex.c - PCRE2 compile and match with JIT; the only file with <pcre2.h> */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "hush/err.h"
#include "regex.h"

struct regex {
	pcre2_code *code;
	unsigned captures;
};

struct regex_md {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
};

int regex_compile(struct regex **out, const char *pattern, unsigned flags)
{
	struct regex *re = NULL;
	PCRE2_SIZE erroff = 0;
	uint32_t opts = 0, cap = 0;
	int errcode = 0, error = HUSH_EPARSE;

	*out = NULL;
	if (flags & REGEX_END_ANCHORED)
		opts |= PCRE2_ENDANCHORED;
	if (flags & REGEX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if ((re = calloc(1, sizeof(*re))) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
		&errcode, &erroff, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		error = hush_err_set(HUSH_EPARSE, "pcre2: offset %zu: %s",
			(size_t)erroff, (const char *)msg);
		goto done;
	}
	/* JIT is an optimisation: where it is unavailable, interpret */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &cap);
	re->captures = cap;
	*out = re;
	re = NULL;
	error = 0;
done:
	regex_free(re);
	return error;
}

void regex_free(struct regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	free(re);
}

unsigned regex_capture_count(const struct regex *re)
{
	return re->captures;
}

int regex_md_new(struct regex_md **out, unsigned max_captures)
{
	struct regex_md *md;

	*out = NULL;
	if ((md = calloc(1, sizeof(*md))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	md->md = pcre2_match_data_create(max_captures + 1, NULL);
	md->mctx = pcre2_match_context_create(NULL);
	if (!md->md || !md->mctx) {
		regex_md_free(md);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	/* bounded work per candidate: hostile input must not hang a worker */
	pcre2_set_match_limit(md->mctx, 1000000);
	pcre2_set_depth_limit(md->mctx, 10000);
	*out = md;
	return 0;
}

void regex_md_free(struct regex_md *md)
{
	if (!md)
		return;
	pcre2_match_data_free(md->md);
	pcre2_match_context_free(md->mctx);
	free(md);
}

int regex_match(const struct regex *re, struct regex_md *md,
	const unsigned char *subject, size_t len, size_t start, size_t span[4])
{
	PCRE2_SIZE *ov;
	int rc;

	rc = pcre2_match(re->code, subject, len, start, 0, md->md, md->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return hush_err_set(HUSH_ELIMIT, "pcre2 match limit reached");
	if (rc < 0) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(rc, msg, sizeof(msg));
		return hush_err_set(HUSH_ERROR, "pcre2: %s", (const char *)msg);
	}
	ov = pcre2_get_ovector_pointer(md->md);
	span[0] = ov[0];
	span[1] = ov[1];
	if (rc >= 2 || pcre2_get_ovector_count(md->md) >= 2) {
		span[2] = ov[2] == PCRE2_UNSET ? (size_t)-1 : ov[2];
		span[3] = ov[3] == PCRE2_UNSET ? (size_t)-1 : ov[3];
	} else {
		span[2] = span[3] = (size_t)-1;
	}
	if (rc < 2)
		span[2] = span[3] = (size_t)-1;
	return 1;
}
