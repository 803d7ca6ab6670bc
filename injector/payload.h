/* SPDX-License-Identifier: MIT */
/*
 * payload.h - JSON documents, read-only: sops JSON files, Vault responses
 * and test expectations. payload.c is the only injector file that includes
 * <cjson/cJSON.h>; cJSON allocates through a zero-on-free allocator, so
 * parsed text is wiped when the document is freed.
 */
#ifndef HUSH_PAYLOAD_H
#define HUSH_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "seal.h"

enum payload_kind {
	PAYLOAD_NULL,
	PAYLOAD_BOOL,
	PAYLOAD_NUMBER,
	PAYLOAD_STRING,
	PAYLOAD_ARRAY,
	PAYLOAD_OBJECT,
};

/* A parsed document (owns every node) and one node in it (borrowed). */
struct payload_json;
struct payload_node;

/**
 * Parse a whole JSON text (RFC 8259; nothing but whitespace after it).
 * Objects with a repeated key are rejected. Messages name `name`.
 * @param[out] out the caller owns it; release with payload_json_free()
 * @return 0, HUSH_EPARSE, HUSH_ELIMIT (over HUSH_MAX_SOPS_FILE or nested
 *         deeper than HUSH_MAX_SOPS_DEPTH) or HUSH_ENOMEM
 */
int payload_json_parse(struct payload_json **out, const char *name,
	const unsigned char *data, size_t len);

/** Wipe and release; payload_json_free(NULL) is a no-op. */
void payload_json_free(struct payload_json *doc);

/** The root; borrowed until payload_json_free(doc). */
const struct payload_node *payload_json_root(const struct payload_json *doc);

enum payload_kind payload_node_kind(const struct payload_node *n);

/** First element or member of an array or object; NULL when none. */
const struct payload_node *payload_node_first(const struct payload_node *n);

/** The next sibling; NULL at the end. */
const struct payload_node *payload_node_next(const struct payload_node *n);

/** The member name of an object member, else NULL. */
const char *payload_node_key(const struct payload_node *n);

/** The member of object n named key, or NULL. */
const struct payload_node *payload_node_get(const struct payload_node *n,
	const char *key);

/** A string's NUL-terminated text, else NULL. */
const char *payload_node_string(const struct payload_node *n);

/** A number's value (0 for other kinds). */
double payload_node_number(const struct payload_node *n);

/** A boolean's value (false for other kinds). */
bool payload_node_bool(const struct payload_node *n);

/**
 * n as compact JSON (no whitespace), written straight into guarded secret
 * memory, NUL-terminated (len does not count the NUL). Messages name
 * `name`. Used for whole Vault secrets and non-string fields.
 * @param[out] out the caller owns it; release with secret_free()
 * @return 0, HUSH_ELIMIT (longer than limit bytes) or HUSH_ENOMEM
 */
int payload_node_print(struct secret **out, const char *name,
	const struct payload_node *n, size_t limit);

#endif
