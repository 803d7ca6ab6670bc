/* SPDX-License-Identifier: MIT */
/*
 * report.h - findings -> text, json, jsonl or sarif on stdout; grouping by
 * fingerprint, redaction, the summary line. The only file that prints results.
 */
#ifndef HUSH_REPORT_H
#define HUSH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "finding.h"
#include "rules.h"
#include "scan.h"

enum report_format {
	REPORT_TEXT = 0,
	REPORT_JSON,
	REPORT_JSONL,
	REPORT_SARIF,
};

struct report_opts {
	enum report_format format;
	bool show_secrets;
	bool color;
	const char *command; /* "dir", for the sarif invocation */
};

/** Parse a --format value. @return 0 or HUSH_EUSAGE */
int report_format_parse(enum report_format *out, const char *s);

/**
 * Redact a secret for display: "AKIAIOSFODNN7EXAMPLE" -> "AKIA****************",
 * short ones fully. @param[out] out holds at least REPORT_REDACT_MAX bytes
 */
#define REPORT_REDACT_MAX 40
void report_redact(char *out, const char *secret, size_t len);

/**
 * Sort and group findings (in place) and write them in the chosen format.
 * @return 0, or HUSH_EIO when the output cannot be written
 * @param[out] unique number of distinct secrets (groups)
 */
int report_write(FILE *out, struct findings *fs, const char *const *warnings, size_t nwarnings,
	const struct scan_stats *stats, const struct report_opts *opts,
	size_t *unique);

#endif
