/* SPDX-License-Identifier: MIT */
/* filter.h - cheap checks that drop false positives after confirmation */
#ifndef HUSH_FILTER_H
#define HUSH_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/** Shannon entropy of s in bits per byte (0 for an empty string). */
double filter_entropy(const unsigned char *s, size_t len);

/**
 * Whether s looks like a placeholder or a variable reference rather than a
 * secret: EXAMPLE, xxxx, ${VAR}, {{ .x }}, <your-token>, one repeated char...
 */
bool filter_is_placeholder(const unsigned char *s, size_t len);

/**
 * Whether the line holding data[pos] carries an inline allow comment:
 * hush:allow, gitleaks:allow or "pragma: allowlist secret".
 */
bool filter_line_allowed(const unsigned char *data, size_t len, size_t pos);

/** Whether the first bytes of data look binary (a NUL byte, as git does). */
bool filter_is_binary(const unsigned char *data, size_t len);

#endif
