/* SPDX-License-Identifier: MIT */
/* json.c - read-only JSON documents on cJSON; the only scanner file with <cjson/cJSON.h> */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "hush/err.h"
#include "json.h"

/* A json_val is a cJSON node; the document is its root. */
static const cJSON *node(const struct json_val *v)
{
	return (const cJSON *)(const void *)v;
}

static const struct json_val *val(const cJSON *c)
{
	return (const struct json_val *)(const void *)c;
}

int json_parse(struct json **out, const char *text, size_t len,
	const char *what)
{
	cJSON *root;

	*out = NULL;
	root = cJSON_ParseWithLength(text ? text : "", len);
	if (!root)
		return hush_err_set(HUSH_EPARSE, "%s: not valid JSON", what);
	*out = (struct json *)(void *)root;
	return 0;
}

void json_free(struct json *doc)
{
	cJSON_Delete((cJSON *)(void *)doc);
}

const struct json_val *json_root(const struct json *doc)
{
	return (const struct json_val *)(const void *)doc;
}

bool json_is_object(const struct json_val *v)
{
	return v && cJSON_IsObject(node(v));
}

bool json_is_array(const struct json_val *v)
{
	return v && cJSON_IsArray(node(v));
}

const struct json_val *json_get(const struct json_val *v, const char *key)
{
	if (!json_is_object(v))
		return NULL;
	return val(cJSON_GetObjectItemCaseSensitive(node(v), key));
}

const char *json_string(const struct json_val *v)
{
	if (!v || !cJSON_IsString(node(v)))
		return NULL;
	return node(v)->valuestring;
}

const char *json_get_string(const struct json_val *v, const char *key)
{
	return json_string(json_get(v, key));
}

bool json_is_true(const struct json_val *v)
{
	return v && cJSON_IsTrue(node(v));
}

bool json_number(const struct json_val *v, double *out)
{
	if (!v || !cJSON_IsNumber(node(v)))
		return false;
	*out = node(v)->valuedouble;
	return true;
}

const struct json_val *json_first(const struct json_val *v)
{
	if (!json_is_object(v) && !json_is_array(v))
		return NULL;
	return val(node(v)->child);
}

const struct json_val *json_next(const struct json_val *v)
{
	return v ? val(node(v)->next) : NULL;
}

const char *json_key(const struct json_val *v)
{
	return v ? node(v)->string : NULL;
}

size_t json_len(const struct json_val *v)
{
	const struct json_val *c;
	size_t n = 0;

	for (c = json_first(v); c; c = json_next(c))
		n++;
	return n;
}
