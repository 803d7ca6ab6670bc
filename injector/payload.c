/* SPDX-License-Identifier: MIT */
/*
 * payload.c - read-only JSON on cJSON; the only injector file that includes
 * <cjson/cJSON.h>. cJSON's hooks take malloc/free only, so each block keeps
 * its size in a header and the free hook wipes the block before releasing
 * it: decrypted JSON text never lingers in freed heap memory.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hush/err.h"
#include "hush/limits.h"
#include "payload.h"
#include "seal.h"

struct payload_json {
	cJSON *root;
};

static void hooks_init(void)
{
	static bool done;
	cJSON_Hooks hooks = { seal_wipe_malloc, seal_wipe_free };

	/* idempotent; the injector parses JSON on one thread */
	if (!done) {
		cJSON_InitHooks(&hooks);
		done = true;
	}
}

/* Reject repeated object keys and nesting past the limit. */
static int check_tree(const char *name, const cJSON *n, size_t depth)
{
	const cJSON *c, *d;
	int error;

	if (depth > HUSH_MAX_SOPS_DEPTH)
		return hush_err_set(HUSH_ELIMIT,
			"%s: JSON nested deeper than %u (HUSH_MAX_SOPS_DEPTH)",
			name, (unsigned)HUSH_MAX_SOPS_DEPTH);
	for (c = n->child; c != NULL; c = c->next) {
		if (cJSON_IsObject(n)) {
			for (d = n->child; d != c; d = d->next) {
				if (strcmp(d->string, c->string) == 0)
					return hush_err_set(HUSH_EPARSE,
						"%s: duplicate JSON key \"%s\"",
						name, c->string);
			}
		}
		if ((error = check_tree(name, c, depth + 1)) < 0)
			return error;
	}
	return 0;
}

int payload_json_parse(struct payload_json **out, const char *name,
	const unsigned char *data, size_t len)
{
	struct payload_json *doc = NULL;
	const char *end = NULL;
	int error = HUSH_EPARSE;

	*out = NULL;
	hooks_init();
	if (len > HUSH_MAX_SOPS_FILE) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: larger than %u bytes (HUSH_MAX_SOPS_FILE)", name,
			(unsigned)HUSH_MAX_SOPS_FILE);
		goto done;
	}
	if (len == 0) {
		hush_err_set(HUSH_EPARSE, "%s: empty, not a JSON text", name);
		goto done;
	}
	if (memchr(data, '\0', len) != NULL) {
		hush_err_set(HUSH_EPARSE, "%s: NUL byte in JSON text", name);
		goto done;
	}
	doc = calloc(1, sizeof(*doc));
	if (doc == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "%s: out of memory", name);
		goto done;
	}
	doc->root = cJSON_ParseWithLengthOpts((const char *)data, len, &end,
		false);
	if (doc->root == NULL) {
		hush_err_set(HUSH_EPARSE, "%s: invalid JSON near byte %zu",
			name, end != NULL && end >= (const char *)data ?
				(size_t)(end - (const char *)data) : (size_t)0);
		goto done;
	}
	for (; end < (const char *)data + len; end++) {
		if (*end != ' ' && *end != '\t' && *end != '\n' &&
		    *end != '\r') {
			hush_err_set(HUSH_EPARSE,
				"%s: trailing data after the JSON value", name);
			goto done;
		}
	}
	if ((error = check_tree(name, doc->root, 0)) < 0)
		goto done;
	*out = doc;
	doc = NULL;
	error = 0;
done:
	payload_json_free(doc);
	return error;
}

void payload_json_free(struct payload_json *doc)
{
	if (doc == NULL)
		return;
	cJSON_Delete(doc->root);
	free(doc);
}

const struct payload_node *payload_json_root(const struct payload_json *doc)
{
	return (const struct payload_node *)doc->root;
}

enum payload_kind payload_node_kind(const struct payload_node *n)
{
	const cJSON *j = (const cJSON *)n;

	if (cJSON_IsBool(j))
		return PAYLOAD_BOOL;
	if (cJSON_IsNumber(j))
		return PAYLOAD_NUMBER;
	if (cJSON_IsString(j))
		return PAYLOAD_STRING;
	if (cJSON_IsArray(j))
		return PAYLOAD_ARRAY;
	if (cJSON_IsObject(j))
		return PAYLOAD_OBJECT;
	return PAYLOAD_NULL;
}

const struct payload_node *payload_node_first(const struct payload_node *n)
{
	const cJSON *j = (const cJSON *)n;

	if (!cJSON_IsArray(j) && !cJSON_IsObject(j))
		return NULL;
	return (const struct payload_node *)j->child;
}

const struct payload_node *payload_node_next(const struct payload_node *n)
{
	return (const struct payload_node *)((const cJSON *)n)->next;
}

const char *payload_node_key(const struct payload_node *n)
{
	return ((const cJSON *)n)->string;
}

const struct payload_node *payload_node_get(const struct payload_node *n,
	const char *key)
{
	const cJSON *c;

	if (!cJSON_IsObject((const cJSON *)n))
		return NULL;
	for (c = ((const cJSON *)n)->child; c != NULL; c = c->next) {
		if (strcmp(c->string, key) == 0)
			return (const struct payload_node *)c;
	}
	return NULL;
}

const char *payload_node_string(const struct payload_node *n)
{
	const cJSON *j = (const cJSON *)n;

	return cJSON_IsString(j) ? j->valuestring : NULL;
}

double payload_node_number(const struct payload_node *n)
{
	const cJSON *j = (const cJSON *)n;

	return cJSON_IsNumber(j) ? j->valuedouble : 0.0;
}

bool payload_node_bool(const struct payload_node *n)
{
	return cJSON_IsTrue((const cJSON *)n) != 0;
}

/* ---- the writer ---- */

struct payload_writer {
	struct secret *out;
	size_t limit;
	size_t depth;
	bool object[HUSH_MAX_SOPS_DEPTH + 2];
	bool empty[HUSH_MAX_SOPS_DEPTH + 2];
	bool done;   /* the top-level value is complete */
};

int payload_writer_new(struct payload_writer **out, size_t limit)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return hush_err_set(HUSH_ENOMEM, "JSON writer: out of memory");
	(*out)->limit = limit;
	return 0;
}

void payload_writer_free(struct payload_writer *w)
{
	if (w == NULL)
		return;
	secret_free(w->out);
	free(w);
}

static int w_put(struct payload_writer *w, const void *p, size_t len)
{
	return secret_append(&w->out, p, len, w->limit);
}

static int w_indent(struct payload_writer *w, size_t depth)
{
	int error = w_put(w, "\n", 1);

	for (; error == 0 && depth > 0; depth--)
		error = w_put(w, "\t", 1);
	return error;
}

/* The length of a valid UTF-8 sequence at s (Go's rules), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
	    (n == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return 0;
	*cp = v;
	return n;
}

/* Go encoding/json string escaping with escapeHTML. */
static int w_string(struct payload_writer *w, const unsigned char *s,
	size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char esc[8];
	size_t i = 0, start = 0, n;
	unsigned cp = 0;
	int error;

	if ((error = w_put(w, "\"", 1)) < 0)
		return error;
	while (i < len) {
		const char *rep = NULL;
		size_t rep_len = 2;

		n = utf8_len(s + i, len - i, &cp);
		if (n == 1 && cp >= 0x20 && cp != '"' && cp != '\\' &&
		    cp != '<' && cp != '>' && cp != '&') {
			i++;
			continue;
		}
		if (n > 1 && cp != 0x2028 && cp != 0x2029) {
			i += n;
			continue;
		}
		switch (n == 1 ? cp : 0x100u) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			if (n == 0) {
				rep = "\\ufffd";
				n = 1;
			} else {
				memcpy(esc, "\\u", 2);
				esc[2] = hex[(cp >> 12) & 15];
				esc[3] = hex[(cp >> 8) & 15];
				esc[4] = hex[(cp >> 4) & 15];
				esc[5] = hex[cp & 15];
				rep = esc;
			}
			rep_len = 6;
			break;
		}
		if ((error = w_put(w, s + start, i - start)) < 0 ||
		    (error = w_put(w, rep, rep_len)) < 0)
			return error;
		i += n;
		start = i;
	}
	seal_wipe(esc, sizeof(esc));
	if ((error = w_put(w, s + start, i - start)) < 0)
		return error;
	return w_put(w, "\"", 1);
}

/* Separator, indentation and key before a value. */
static int w_member(struct payload_writer *w, const char *key,
	size_t key_len)
{
	int error;

	if (w->done)
		return hush_err_set(HUSH_ERROR, "JSON writer: value after end");
	if (w->depth == 0) {
		if (key != NULL)
			return hush_err_set(HUSH_ERROR,
				"JSON writer: key at the top");
		return 0;
	}
	if ((key != NULL) != w->object[w->depth])
		return hush_err_set(HUSH_ERROR,
			"JSON writer: key and container do not agree");
	if (!w->empty[w->depth] && (error = w_put(w, ",", 1)) < 0)
		return error;
	w->empty[w->depth] = false;
	if ((error = w_indent(w, w->depth)) < 0)
		return error;
	if (key != NULL &&
	    ((error = w_string(w, (const unsigned char *)key, key_len)) < 0 ||
	     (error = w_put(w, ": ", 2)) < 0))
		return error;
	return 0;
}

int payload_writer_open(struct payload_writer *w, const char *key,
	size_t key_len, bool object)
{
	int error;

	if (w->depth > HUSH_MAX_SOPS_DEPTH)
		return hush_err_set(HUSH_ELIMIT,
			"JSON writer: nested deeper than HUSH_MAX_SOPS_DEPTH");
	if ((error = w_member(w, key, key_len)) < 0 ||
	    (error = w_put(w, object ? "{" : "[", 1)) < 0)
		return error;
	w->depth++;
	w->object[w->depth] = object;
	w->empty[w->depth] = true;
	return 0;
}

int payload_writer_close(struct payload_writer *w)
{
	int error;

	if (w->depth == 0)
		return hush_err_set(HUSH_ERROR, "JSON writer: nothing open");
	if (!w->empty[w->depth] && (error = w_indent(w, w->depth - 1)) < 0)
		return error;
	if ((error = w_put(w, w->object[w->depth] ? "}" : "]", 1)) < 0)
		return error;
	w->depth--;
	if (w->depth == 0)
		w->done = true;
	return 0;
}

int payload_writer_string(struct payload_writer *w, const char *key,
	size_t key_len, const unsigned char *s, size_t len)
{
	int error;

	if ((error = w_member(w, key, key_len)) < 0 ||
	    (error = w_string(w, s, len)) < 0)
		return error;
	if (w->depth == 0)
		w->done = true;
	return 0;
}

int payload_writer_raw(struct payload_writer *w, const char *key,
	size_t key_len, const char *text, size_t len)
{
	int error;

	if ((error = w_member(w, key, key_len)) < 0 ||
	    (error = w_put(w, text, len)) < 0)
		return error;
	if (w->depth == 0)
		w->done = true;
	return 0;
}

int payload_writer_finish(struct secret **out, struct payload_writer *w)
{
	int error;

	*out = NULL;
	if (!w->done || w->depth != 0)
		return hush_err_set(HUSH_ERROR,
			"JSON writer: document not complete");
	if ((error = w_put(w, "\n", 1)) < 0)
		return error;
	*out = w->out;
	w->out = NULL;
	return 0;
}

int payload_node_print(struct secret **out, const char *name,
	const struct payload_node *n, size_t limit)
{
	struct secret *s = NULL;
	size_t cap = 256;
	int error;

	*out = NULL;
	hooks_init();
	if (limit > (size_t)INT_MAX - 1)
		limit = (size_t)INT_MAX - 1;
	/* cJSON prints into a caller's buffer or fails: grow until it fits */
	for (;;) {
		if (cap > limit + 1)
			cap = limit + 1;
		if ((error = secret_new(&s, cap)) < 0)
			goto done;
		/* cJSON_PrintPreallocated wants a mutable node; it reads only */
		if (cJSON_PrintPreallocated((cJSON *)(uintptr_t)n,
			    (char *)s->data, (int)cap, false)) {
			s->len = strlen((const char *)s->data);
			if (s->len <= limit)
				break;
		}
		secret_free(s);
		s = NULL;
		if (cap > limit) {
			error = hush_err_set(HUSH_ELIMIT,
				"%s: JSON text longer than %zu bytes", name,
				limit);
			goto done;
		}
		cap = cap > (SIZE_MAX / 4) ? SIZE_MAX / 2 : cap * 4;
	}
	*out = s;
	s = NULL;
	error = 0;
done:
	secret_free(s);
	return error;
}
