/* SPDX-License-Identifier: MIT */
/*
 * json.h - a small read-only JSON document API; json.c is the scanner's only
 * file with <cjson/cJSON.h>. Values are borrowed from their document and live
 * until json_free.
 */
#ifndef HUSH_JSON_H
#define HUSH_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct json;     /* a parsed document */
struct json_val; /* a value inside one */

/**
 * Parse len bytes of text.
 * @param[out] out owned by the caller, free with json_free
 * @param what names the text in the error ("manifest.json")
 * @return 0, HUSH_EPARSE ("WHAT: not valid JSON") or HUSH_ENOMEM
 */
int json_parse(struct json **out, const char *text, size_t len,
	const char *what);
void json_free(struct json *doc);

const struct json_val *json_root(const struct json *doc);

bool json_is_object(const struct json_val *v);
bool json_is_array(const struct json_val *v);
/** The member key of an object, case-sensitively; NULL if v is no object. */
const struct json_val *json_get(const struct json_val *v, const char *key);
/** The string, or NULL if v is NULL or not a string. */
const char *json_string(const struct json_val *v);
/** The member key's string value, or NULL. */
const char *json_get_string(const struct json_val *v, const char *key);
/** Whether v is the literal true. */
bool json_is_true(const struct json_val *v);
/** Whether v is a number; its value in *out. */
bool json_number(const struct json_val *v, double *out);

/** First element (array) or member (object), or NULL. */
const struct json_val *json_first(const struct json_val *v);
/** Next sibling, or NULL. */
const struct json_val *json_next(const struct json_val *v);
/** The name of an object member, or NULL. */
const char *json_key(const struct json_val *v);
/** Elements of an array or members of an object; 0 for others. */
size_t json_len(const struct json_val *v);

#endif
