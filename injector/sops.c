/* SPDX-License-Identifier: MIT */
/*
 * sops.c - sops files, decryption side (sops-and-age.md Part B): stores
 * (YAML on libyaml, JSON and binary through payload.h), metadata, data key
 * recovery through age.h, ENC[...] values through aesgcm.h, and the MAC;
 * dotenv and INI are read here (flat text, flattened metadata).
 * The only file that includes <yaml.h>. Every decrypted value is built into
 * a fresh tree that is wiped whole when anything fails.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "hush/buf.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "aesgcm.h"
#include "payload.h"
#include "b64.h"
#include "sops.h"

#define ENC_PREFIX "ENC[AES256_GCM,data:"
#define MAC_HEX_LEN (2u * AESGCM_SHA512_BYTES)
#define FLOAT_BUF 400u /* %f of DBL_MAX has 309 digits before the point */

enum selector {
	SEL_UNENCRYPTED_SUFFIX,
	SEL_ENCRYPTED_SUFFIX,
	SEL_UNENCRYPTED_REGEX,
	SEL_ENCRYPTED_REGEX,
	SEL_UNENCRYPTED_COMMENT_REGEX,
	SEL_ENCRYPTED_COMMENT_REGEX,
	SEL_COUNT,
};

static const char *const selector_names[SEL_COUNT] = {
	"unencrypted_suffix", "encrypted_suffix", "unencrypted_regex",
	"encrypted_regex", "unencrypted_comment_regex",
	"encrypted_comment_regex",
};

struct sops_file {
	char *name;
	enum sops_format format;
	struct sops_node *docs;  /* SOPS_MAP roots chained through next */
	size_t ndocs;
	struct sops_node *meta;  /* the `sops` map, unlinked from doc 0 */
	const char *lastmodified;
	char mac_aad[40];        /* lastmodified as Go time.RFC3339 */
	const struct sops_node *mac; /* NULL: the file has no MAC */
	enum selector sel;
	const char *sel_value;
	regex_t re;
	bool has_re;
	bool mac_only_encrypted;
};

struct sops_tree {
	enum sops_format format;
	struct sops_node *docs;
	size_t ndocs;
	bool mac_ok;
};

/* The state of one decryption walk. */
struct dctx {
	const struct sops_file *f;
	const unsigned char *key;
	struct hush_buf path;    /* the AAD of the current position */
	const char *comp[HUSH_MAX_SOPS_DEPTH + 2];
	size_t ncomp;
	struct aesgcm_sha512 *h;
};

/* ---- nodes ---- */

static void node_free(struct sops_node *n)
{
	struct sops_node *next;

	for (; n != NULL; n = next) {
		next = n->next;
		node_free(n->child);
		free(n->key);
		if (n->raw != NULL) {
			seal_wipe(n->raw, n->raw_len);
			free(n->raw);
		}
		secret_free(n->value);
		free(n);
	}
}

static int node_new(struct sops_node **out, const char *name,
	enum sops_kind kind)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return hush_err_set(HUSH_ENOMEM, "%s: out of memory", name);
	(*out)->kind = kind;
	return 0;
}

static int dup_text(char **out, const char *name, const char *s, size_t len)
{
	*out = malloc(len + 1);
	if (*out == NULL)
		return hush_err_set(HUSH_ENOMEM, "%s: out of memory", name);
	memcpy(*out, s, len);
	(*out)[len] = '\0';
	return 0;
}

/* Append c to the children of parent, tail known. */
static void node_append(struct sops_node *parent, struct sops_node **tail,
	struct sops_node *c)
{
	if (*tail == NULL)
		parent->child = c;
	else
		(*tail)->next = c;
	*tail = c;
}

static const struct sops_node *map_get(const struct sops_node *map,
	const char *key)
{
	const struct sops_node *c;

	if (map == NULL || map->kind != SOPS_MAP)
		return NULL;
	for (c = map->child; c != NULL; c = c->next) {
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return c;
	}
	return NULL;
}

/* ---- number and time formatting the Go way ---- */

/*
 * Go strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read
 * back as v, written without an exponent. out has FLOAT_BUF bytes.
 */
static void format_go_float(char *out, double v)
{
	char e[40], digits[24];
	size_t nd = 0, o = 0, i;
	int prec, exp10 = 0;
	const char *p;

	if (isnan(v)) {
		memcpy(out, "NaN", 4);
		return;
	}
	if (isinf(v)) {
		memcpy(out, v > 0 ? "+Inf" : "-Inf", 5);
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		if (snprintf(e, sizeof(e), "%.*e", prec, v) < 0)
			continue;
		if (strtod(e, NULL) == v)
			break;
	}
	p = e;
	if (*p == '-') {
		out[o++] = '-';
		p++;
	}
	for (; *p != 'e' && *p != '\0'; p++) {
		if (*p != '.' && nd < sizeof(digits))
			digits[nd++] = *p;
	}
	if (*p == 'e')
		exp10 = (int)strtol(p + 1, NULL, 10);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (exp10 >= 0) {
		for (i = 0; i <= (size_t)exp10 || i < nd; i++) {
			if (i == (size_t)exp10 + 1)
				out[o++] = '.';
			out[o++] = i < nd ? digits[i] : '0';
		}
	} else {
		out[o++] = '0';
		out[o++] = '.';
		for (i = 1; i < (size_t)-exp10; i++)
			out[o++] = '0';
		for (i = 0; i < nd; i++)
			out[o++] = digits[i];
	}
	out[o] = '\0';
	seal_wipe(e, sizeof(e));
	seal_wipe(digits, sizeof(digits));
}

static bool all_digits(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/*
 * Strict RFC 3339 (Go time.RFC3339 parsing): "YYYY-MM-DDTHH:MM:SS", an
 * optional fraction, then "Z" or "+hh:mm"/"-hh:mm". Writes the Go
 * time.RFC3339 form (fraction dropped, zero offset as Z) to out (40 bytes)
 * when out is not NULL.
 */
static bool rfc3339_norm(char *out, const char *s, size_t len)
{
	size_t i = 19, frac_end;

	if (len < 20 || !all_digits(s, 4) || s[4] != '-' ||
	    !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2) ||
	    s[10] != 'T' || !all_digits(s + 11, 2) || s[13] != ':' ||
	    !all_digits(s + 14, 2) || s[16] != ':' || !all_digits(s + 17, 2))
		return false;
	if (s[i] == '.') {
		frac_end = i + 1;
		while (frac_end < len && s[frac_end] >= '0' &&
		       s[frac_end] <= '9')
			frac_end++;
		if (frac_end == i + 1)
			return false;
		i = frac_end;
	}
	if (len - i == 1 && s[i] == 'Z') {
		if (out != NULL) {
			memcpy(out, s, 19);
			memcpy(out + 19, "Z", 2);
		}
		return true;
	}
	if (len - i != 6 || (s[i] != '+' && s[i] != '-') ||
	    !all_digits(s + i + 1, 2) || s[i + 3] != ':' ||
	    !all_digits(s + i + 4, 2))
		return false;
	if (out != NULL) {
		memcpy(out, s, 19);
		if (memcmp(s + i + 1, "00:00", 5) == 0) {
			memcpy(out + 19, "Z", 2);
		} else {
			memcpy(out + 19, s + i, 6);
			out[25] = '\0';
		}
	}
	return true;
}

/* ---- YAML scalars, resolved as go-yaml v3 does into interface{} ---- */

static bool is_one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++) {
		if (strcmp(s, *set) == 0)
			return true;
	}
	return false;
}

static const char *const yaml_nulls[] = { "", "~", "null", "Null", "NULL",
	NULL };
static const char *const yaml_trues[] = { "true", "True", "TRUE", NULL };
static const char *const yaml_falses[] = { "false", "False", "FALSE", NULL };

/* yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s)
{
	size_t n = 0;

	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			n++;
		}
		if (n == 0)
			return false;
	} else {
		while (*s >= '0' && *s <= '9') {
			s++;
			n++;
		}
		if (n == 0)
			return false;
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		n = 0;
		while (*s >= '0' && *s <= '9') {
			s++;
			n++;
		}
		if (n == 0)
			return false;
	}
	return *s == '\0';
}

/* Go strconv.ParseInt(s, 0, 64) on s without underscores. */
static bool go_parse_int(long long *out, const char *s)
{
	const char *p = s;
	int base = 10;
	bool neg = false;
	unsigned long long v;
	char *end = NULL;

	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1] != '\0') {
		base = 8;
		p++;
	}
	if (*p == '\0' || *p == '+' || *p == '-' || *p == ' ')
		return false;
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno != 0 || *end != '\0')
		return false;
	if (neg ? v > (unsigned long long)LLONG_MAX + 1 : v > LLONG_MAX)
		return false;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return true;
}

/* YYYY-M-D, as go-yaml's timestamp formats accept it. */
static bool yaml_date(char *out, size_t cap, const char *s)
{
	unsigned y, m, d;
	char tail;

	if (!all_digits(s, 4) || s[4] != '-')
		return false;
	if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return false;
	return snprintf(out, cap, "%04u-%02u-%02uT00:00:00Z", y, m, d) > 0;
}

/*
 * The kind and the MAC form (sops ToBytes) of an untagged plain YAML
 * scalar. Writes a replacement text to canon (FLOAT_BUF bytes) when it
 * differs from the input; canon[0] == '\0' keeps the input.
 */
static int yaml_resolve(enum sops_kind *kind, char *canon, const char *name,
	size_t line, const char *v, const char *tag)
{
	char plain[128];
	size_t i, o = 0;
	long long iv;
	bool want_any = tag == NULL;

	canon[0] = '\0';
	*kind = SOPS_STR;
	if ((want_any || strcmp(tag, "tag:yaml.org,2002:null") == 0) &&
	    is_one_of(v, yaml_nulls)) {
		*kind = SOPS_NULL;
		return 0;
	}
	if ((want_any || strcmp(tag, "tag:yaml.org,2002:bool") == 0) &&
	    (is_one_of(v, yaml_trues) || is_one_of(v, yaml_falses))) {
		*kind = SOPS_BOOL;
		if (is_one_of(v, yaml_trues))
			memcpy(canon, "True", 5);
		else
			memcpy(canon, "False", 6);
		return 0;
	}
	if (want_any && yaml_date(canon, FLOAT_BUF, v)) {
		*kind = SOPS_TIME;
		return 0;
	}
	if (want_any && rfc3339_norm(NULL, v, strlen(v))) {
		*kind = SOPS_TIME; /* already in MarshalText form */
		return 0;
	}
	for (i = 0; v[i] != '\0' && o + 1 < sizeof(plain); i++) {
		if (v[i] != '_')
			plain[o++] = v[i];
	}
	plain[o] = '\0';
	if (v[i] == '\0' &&
	    (want_any || strcmp(tag, "tag:yaml.org,2002:int") == 0) &&
	    go_parse_int(&iv, plain)) {
		*kind = SOPS_INT;
		if (snprintf(canon, FLOAT_BUF, "%lld", iv) < 0)
			return hush_err_set(HUSH_ERROR, "%s: snprintf", name);
		return 0;
	}
	if (v[i] == '\0' &&
	    (want_any || strcmp(tag, "tag:yaml.org,2002:float") == 0)) {
		if (yaml_style_float(plain)) {
			*kind = SOPS_FLOAT;
			format_go_float(canon, strtod(plain, NULL));
			return 0;
		}
		if (strcmp(v, ".inf") == 0 || strcmp(v, ".Inf") == 0 ||
		    strcmp(v, ".INF") == 0 || strcmp(v, "+.inf") == 0 ||
		    strcmp(v, "+.Inf") == 0 || strcmp(v, "+.INF") == 0) {
			*kind = SOPS_FLOAT;
			memcpy(canon, "+Inf", 5);
			return 0;
		}
		if (strcmp(v, "-.inf") == 0 || strcmp(v, "-.Inf") == 0 ||
		    strcmp(v, "-.INF") == 0) {
			*kind = SOPS_FLOAT;
			memcpy(canon, "-Inf", 5);
			return 0;
		}
		if (strcmp(v, ".nan") == 0 || strcmp(v, ".NaN") == 0 ||
		    strcmp(v, ".NAN") == 0) {
			*kind = SOPS_FLOAT;
			memcpy(canon, "NaN", 4);
			return 0;
		}
	}
	if (!want_any && strcmp(tag, "tag:yaml.org,2002:str") != 0)
		return hush_err_set(HUSH_EPARSE,
			"%s: line %zu: value does not match its tag %s", name,
			line, tag);
	return 0;
}

/* ---- YAML store ---- */

struct yparse {
	yaml_parser_t p;
	const char *name;
	size_t nodes;
};

static size_t ev_line(const yaml_event_t *ev)
{
	return ev->start_mark.line + 1;
}

static int y_next(struct yparse *y, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&y->p, ev))
		return hush_err_set(HUSH_EPARSE, "%s: line %zu: YAML: %s",
			y->name, y->p.problem_mark.line + 1,
			y->p.problem != NULL ? y->p.problem : "syntax error");
	return 0;
}

static int y_node(struct yparse *y, yaml_event_t *ev, struct sops_node **out,
	size_t depth);

static int y_scalar(struct yparse *y, yaml_event_t *ev,
	struct sops_node **out)
{
	struct sops_node *n = NULL;
	char canon[FLOAT_BUF];
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	enum sops_kind kind = SOPS_STR;
	int error;

	canon[0] = '\0';
	if (tag != NULL && strcmp(tag, "!") == 0)
		tag = NULL; /* a quoted scalar's non-specific tag */
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE || tag != NULL) {
		if (memchr(v, '\0', len) != NULL) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: line %zu: NUL in a plain scalar",
				y->name, ev_line(ev));
			goto done;
		}
		if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
		    tag == NULL)
			kind = SOPS_STR;
		else if ((error = yaml_resolve(&kind, canon, y->name,
				  ev_line(ev), v, tag)) < 0)
			goto done;
	}
	if ((error = node_new(&n, y->name, kind)) < 0)
		goto done;
	if (canon[0] != '\0')
		error = dup_text(&n->raw, y->name, canon, strlen(canon));
	else
		error = dup_text(&n->raw, y->name, v, len);
	if (error < 0)
		goto done;
	n->raw_len = strlen(canon) > 0 ? strlen(canon) : len;
	*out = n;
	n = NULL;
done:
	seal_wipe(canon, sizeof(canon));
	node_free(n);
	return error;
}

static bool has_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor != NULL;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor != NULL;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor != NULL;
	default:
		return ev->type == YAML_ALIAS_EVENT;
	}
}

static int y_children(struct yparse *y, struct sops_node *parent,
	size_t depth)
{
	yaml_event_t ev;
	struct sops_node *tail = NULL, *c = NULL, *k = NULL;
	const struct sops_node *d;
	bool have = false;
	int error = 0;

	for (;;) {
		if ((error = y_next(y, &ev)) < 0)
			goto done;
		have = true;
		if (ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (parent->kind == SOPS_MAP) {
			/* the key: a plain string scalar */
			if (ev.type != YAML_SCALAR_EVENT) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: line %zu: mapping key is not a "
					"scalar", y->name, ev_line(&ev));
				goto done;
			}
			have = false;
			if ((error = y_node(y, &ev, &k, depth + 1)) < 0)
				goto done;
			if (k->kind != SOPS_STR) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: mapping key \"%s\" is not a "
					"string", y->name, k->raw);
				goto done;
			}
			if (k->raw_len > HUSH_MAX_SOPS_KEY ||
			    strlen(k->raw) != k->raw_len) {
				error = hush_err_set(HUSH_ELIMIT,
					"%s: mapping key too long or with NUL "
					"(HUSH_MAX_SOPS_KEY)", y->name);
				goto done;
			}
			for (d = parent->child; d != NULL; d = d->next) {
				if (strcmp(d->key, k->raw) == 0) {
					error = hush_err_set(HUSH_EPARSE,
						"%s: duplicate key \"%s\"",
						y->name, k->raw);
					goto done;
				}
			}
			if ((error = y_next(y, &ev)) < 0)
				goto done;
			have = true;
		}
		have = false;
		if ((error = y_node(y, &ev, &c, depth + 1)) < 0)
			goto done;
		if (k != NULL) {
			c->key = k->raw;
			c->key_len = k->raw_len;
			k->raw = NULL;
			node_free(k);
			k = NULL;
		}
		node_append(parent, &tail, c);
		c = NULL;
	}
done:
	if (have)
		yaml_event_delete(&ev);
	node_free(k);
	node_free(c);
	return error;
}

/* Build the node that starts with ev; ev is consumed. */
static int y_node(struct yparse *y, yaml_event_t *ev, struct sops_node **out,
	size_t depth)
{
	struct sops_node *n = NULL;
	int error = HUSH_EPARSE;

	*out = NULL;
	if (has_anchor(ev)) {
		hush_err_set(HUSH_EPARSE,
			"%s: line %zu: YAML anchors and aliases are not "
			"allowed in sops files", y->name, ev_line(ev));
		goto done;
	}
	if (++y->nodes > HUSH_MAX_SOPS_NODES || depth > HUSH_MAX_SOPS_DEPTH) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: line %zu: more than %u nodes or deeper than %u "
			"(HUSH_MAX_SOPS_NODES, HUSH_MAX_SOPS_DEPTH)", y->name,
			ev_line(ev), (unsigned)HUSH_MAX_SOPS_NODES,
			(unsigned)HUSH_MAX_SOPS_DEPTH);
		goto done;
	}
	if (ev->type == YAML_SCALAR_EVENT) {
		error = y_scalar(y, ev, out);
		goto done;
	}
	if (ev->type != YAML_SEQUENCE_START_EVENT &&
	    ev->type != YAML_MAPPING_START_EVENT) {
		hush_err_set(HUSH_EPARSE, "%s: line %zu: unexpected YAML event",
			y->name, ev_line(ev));
		goto done;
	}
	if ((error = node_new(&n, y->name,
		     ev->type == YAML_MAPPING_START_EVENT ? SOPS_MAP :
							    SOPS_LIST)) < 0)
		goto done;
	yaml_event_delete(ev);
	ev = NULL;
	if ((error = y_children(y, n, depth)) < 0)
		goto done;
	*out = n;
	n = NULL;
done:
	if (ev != NULL)
		yaml_event_delete(ev);
	node_free(n);
	return error;
}

static int yaml_load(struct sops_file *f, const unsigned char *data,
	size_t len)
{
	struct yparse y;
	yaml_event_t ev;
	struct sops_node *doc = NULL, *tail = NULL;
	bool have = false;
	int error;

	memset(&y, 0, sizeof(y));
	y.name = f->name;
	if (!yaml_parser_initialize(&y.p))
		return hush_err_set(HUSH_ENOMEM, "%s: out of memory", f->name);
	yaml_parser_set_input_string(&y.p, data, len);
	if ((error = y_next(&y, &ev)) < 0)
		goto done;
	yaml_event_delete(&ev); /* STREAM-START */
	for (;;) {
		if ((error = y_next(&y, &ev)) < 0)
			goto done;
		have = true;
		if (ev.type == YAML_STREAM_END_EVENT)
			break;
		yaml_event_delete(&ev); /* DOCUMENT-START */
		have = false;
		if ((error = y_next(&y, &ev)) < 0)
			goto done;
		if ((error = y_node(&y, &ev, &doc, 0)) < 0)
			goto done;
		if (doc->kind == SOPS_NULL) {
			node_free(doc);
			doc = NULL;
			if ((error = node_new(&doc, f->name, SOPS_MAP)) < 0)
				goto done;
		}
		if (doc->kind != SOPS_MAP) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: YAML document %zu is not a mapping",
				f->name, f->ndocs + 1);
			goto done;
		}
		if (tail == NULL)
			f->docs = doc;
		else
			tail->next = doc;
		tail = doc;
		doc = NULL;
		f->ndocs++;
		if ((error = y_next(&y, &ev)) < 0)
			goto done;
		yaml_event_delete(&ev); /* DOCUMENT-END */
	}
done:
	if (have)
		yaml_event_delete(&ev);
	node_free(doc);
	yaml_parser_delete(&y.p);
	return error;
}

/* ---- JSON and binary stores ---- */

static int json_node(struct sops_node **out, const char *name,
	const struct payload_node *j, size_t *count)
{
	struct sops_node *n = NULL, *c = NULL, *tail = NULL;
	const struct payload_node *jc;
	char num[FLOAT_BUF];
	const char *s;
	double d;
	int error = 0;

	*out = NULL;
	num[0] = '\0';
	if (++*count > HUSH_MAX_SOPS_NODES) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: more than %u nodes (HUSH_MAX_SOPS_NODES)", name,
			(unsigned)HUSH_MAX_SOPS_NODES);
		goto done;
	}
	switch (payload_node_kind(j)) {
	case PAYLOAD_OBJECT:
	case PAYLOAD_ARRAY:
		if ((error = node_new(&n, name,
			     payload_node_kind(j) == PAYLOAD_OBJECT ?
				     SOPS_MAP : SOPS_LIST)) < 0)
			goto done;
		for (jc = payload_node_first(j); jc != NULL;
		     jc = payload_node_next(jc)) {
			if ((error = json_node(&c, name, jc, count)) < 0)
				goto done;
			if (n->kind == SOPS_MAP) {
				s = payload_node_key(jc);
				c->key_len = strlen(s);
				if (c->key_len > HUSH_MAX_SOPS_KEY) {
					error = hush_err_set(HUSH_ELIMIT,
						"%s: key longer than %u bytes "
						"(HUSH_MAX_SOPS_KEY)", name,
						(unsigned)HUSH_MAX_SOPS_KEY);
					goto done;
				}
				if ((error = dup_text(&c->key, name, s,
					     c->key_len)) < 0)
					goto done;
			}
			node_append(n, &tail, c);
			c = NULL;
		}
		break;
	case PAYLOAD_STRING:
		s = payload_node_string(j);
		if ((error = node_new(&n, name, SOPS_STR)) < 0)
			goto done;
		n->raw_len = strlen(s);
		error = dup_text(&n->raw, name, s, n->raw_len);
		break;
	case PAYLOAD_NUMBER:
		/*
		 * sops: int when the text parses as int64, else float64.
		 * cJSON keeps only the double, which is exact below 2^53;
		 * an integral value between 2^53 and 2^64 is ambiguous.
		 */
		d = payload_node_number(j);
		if (d == floor(d) && fabs(d) < 9007199254740992.0) {
			if ((error = node_new(&n, name, SOPS_INT)) < 0)
				goto done;
			if (snprintf(num, sizeof(num), "%.0f", d) < 0) {
				error = hush_err_set(HUSH_ERROR, "snprintf");
				goto done;
			}
			if (strcmp(num, "-0") == 0)
				memcpy(num, "0", 2);
		} else if (d == floor(d) && fabs(d) < 18446744073709551616.0) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: integer beyond 2^53 cannot be handled "
				"exactly", name);
			goto done;
		} else {
			if ((error = node_new(&n, name, SOPS_FLOAT)) < 0)
				goto done;
			format_go_float(num, d);
		}
		n->raw_len = strlen(num);
		error = dup_text(&n->raw, name, num, n->raw_len);
		break;
	case PAYLOAD_BOOL:
		if ((error = node_new(&n, name, SOPS_BOOL)) < 0)
			goto done;
		s = payload_node_bool(j) ? "True" : "False";
		n->raw_len = strlen(s);
		error = dup_text(&n->raw, name, s, n->raw_len);
		break;
	case PAYLOAD_NULL:
		error = node_new(&n, name, SOPS_NULL);
		break;
	}
	if (error < 0)
		goto done;
	*out = n;
	n = NULL;
done:
	node_free(c);
	node_free(n);
	return error;
}

static int json_load(struct sops_file *f, const unsigned char *data,
	size_t len)
{
	struct payload_json *doc = NULL;
	const struct payload_node *root;
	const struct sops_node *c;
	size_t count = 0;
	int error;

	if ((error = payload_json_parse(&doc, f->name, data, len)) < 0)
		goto done;
	root = payload_json_root(doc);
	if (payload_node_kind(root) != PAYLOAD_OBJECT) {
		error = hush_err_set(HUSH_EPARSE,
			"%s: the JSON top level is not an object", f->name);
		goto done;
	}
	if ((error = json_node(&f->docs, f->name, root, &count)) < 0)
		goto done;
	f->ndocs = 1;
	if (f->format == SOPS_FORMAT_BINARY) {
		for (c = f->docs->child; c != NULL; c = c->next) {
			if ((strcmp(c->key, "data") != 0 &&
			     strcmp(c->key, "sops") != 0) ||
			    (strcmp(c->key, "data") == 0 &&
			     c->kind != SOPS_STR)) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: a binary sops file holds only "
					"\"data\" and \"sops\"", f->name);
				goto done;
			}
		}
		if (map_get(f->docs, "data") == NULL) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: binary sops file without \"data\"",
				f->name);
			goto done;
		}
	}
done:
	payload_json_free(doc);
	return error;
}

/* ---- dotenv and INI stores: flat text, all values strings ---- */

/* One line of a text store: [s, s + len) with its '\n' when there is one. */
struct lines {
	const char *p, *end;
	size_t no;
};

static bool line_next(struct lines *l, const char **s, size_t *len)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	*s = l->p;
	*len = nl != NULL ? (size_t)(nl - l->p) + 1 : (size_t)(l->end - l->p);
	l->p += *len;
	l->no++;
	return true;
}

static size_t count_lines(const unsigned char *data, size_t len)
{
	size_t n = 1, i;

	for (i = 0; i < len; i++)
		n += data[i] == '\n';
	return n;
}

/* A new node, counted against HUSH_MAX_SOPS_NODES. */
static int text_node(struct sops_node **out, const char *name, size_t line,
	enum sops_kind kind, size_t *count)
{
	*out = NULL;
	if (++*count > HUSH_MAX_SOPS_NODES)
		return hush_err_set(HUSH_ELIMIT,
			"%s: line %zu: more than %u nodes (HUSH_MAX_SOPS_NODES)",
			name, line, (unsigned)HUSH_MAX_SOPS_NODES);
	return node_new(out, name, kind);
}

/* Set a node's key, checked against HUSH_MAX_SOPS_KEY and NUL bytes. */
static int text_key(struct sops_node *n, const char *name, size_t line,
	const char *k, size_t len)
{
	if (len > HUSH_MAX_SOPS_KEY || memchr(k, '\0', len) != NULL)
		return hush_err_set(HUSH_ELIMIT,
			"%s: line %zu: key longer than %u bytes or with NUL "
			"(HUSH_MAX_SOPS_KEY)", name, line,
			(unsigned)HUSH_MAX_SOPS_KEY);
	n->key_len = len;
	return dup_text(&n->key, name, k, len);
}

/* The member of map with key k, or NULL; comments have no key. */
static struct sops_node *map_find(struct sops_node *map, const char *k,
	size_t len)
{
	struct sops_node *c;

	for (c = map->child; c != NULL; c = c->next) {
		if (c->key != NULL && c->key_len == len &&
		    memcmp(c->key, k, len) == 0)
			return c;
	}
	return NULL;
}

/* Set n->raw to s with every two-character `\n` turned into a newline
 * when unescape is set (dotenv values, INI metadata). */
static int text_value(struct sops_node *n, const char *name, const char *s,
	size_t len, bool unescape)
{
	size_t i, o = 0;

	if ((n->raw = malloc(len + 1)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "%s: out of memory", name);
	for (i = 0; i < len; i++) {
		if (unescape && s[i] == '\\' && i + 1 < len &&
		    s[i + 1] == 'n') {
			n->raw[o++] = '\n';
			i++;
		} else {
			n->raw[o++] = s[i];
		}
	}
	n->raw[o] = '\0';
	n->raw_len = o;
	return 0;
}

#define FLAT_MAP "__map_"
#define FLAT_LIST "__list_"

/* The next `__map_` or `__list_` in [p, end), or end. */
static const char *flat_token(const char *p, const char *end)
{
	for (; p < end; p++) {
		if ((size_t)(end - p) >= sizeof(FLAT_MAP) - 1 &&
		    memcmp(p, FLAT_MAP, sizeof(FLAT_MAP) - 1) == 0)
			return p;
		if ((size_t)(end - p) >= sizeof(FLAT_LIST) - 1 &&
		    memcmp(p, FLAT_LIST, sizeof(FLAT_LIST) - 1) == 0)
			return p;
	}
	return end;
}

/*
 * Insert one flattened metadata item (sops stores/flatten.go), e.g.
 * `age__list_0__map_enc`, into the map meta. Lists grow with SOPS_NULL
 * placeholders up to the index; flat_complete() then rejects any left.
 * List indexes are bounded by max_index (the file's line count).
 */
static int flat_insert(struct sops_node *meta, const char *name, size_t line,
	const char *k, size_t klen, const char *v, size_t vlen,
	bool unescape, size_t max_index, size_t *count)
{
	struct sops_node *cur = meta, *c = NULL, *tail, *n = NULL;
	const char *end = k + klen, *seg = k, *seg_end;
	size_t idx, i, depth = 0;
	bool in_list = false, last;
	enum sops_kind want;
	int error = 0;

	for (;;) {
		seg_end = flat_token(seg, end);
		last = seg_end == end;
		if (++depth > HUSH_MAX_SOPS_DEPTH) {
			error = hush_err_set(HUSH_ELIMIT,
				"%s: line %zu: sops metadata key nested deeper "
				"than %u (HUSH_MAX_SOPS_DEPTH)", name, line,
				(unsigned)HUSH_MAX_SOPS_DEPTH);
			goto done;
		}
		if (in_list) {
			if (!all_digits(seg, (size_t)(seg_end - seg)) ||
			    seg_end - seg > 9) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: line %zu: bad list index in sops "
					"metadata key \"%.*s\"", name, line,
					(int)klen, k);
				goto done;
			}
			for (idx = 0; seg < seg_end; seg++)
				idx = idx * 10 + (size_t)(*seg - '0');
			if (idx >= max_index) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: line %zu: list index %zu out of "
					"range in sops metadata", name, line,
					idx);
				goto done;
			}
			tail = NULL;
			for (c = cur->child, i = 0; c != NULL && i < idx;
			     c = c->next, i++)
				tail = c;
			for (; c == NULL; i++) {
				if ((error = text_node(&n, name, line,
					     SOPS_NULL, count)) < 0)
					goto done;
				node_append(cur, &tail, n);
				c = i == idx ? n : NULL;
				n = NULL;
			}
		} else {
			if (seg == seg_end) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: line %zu: empty name in sops "
					"metadata key \"%.*s\"", name, line,
					(int)klen, k);
				goto done;
			}
			c = map_find(cur, seg, (size_t)(seg_end - seg));
			if (c == NULL) {
				if ((error = text_node(&n, name, line,
					     SOPS_NULL, count)) < 0 ||
				    (error = text_key(n, name, line, seg,
					     (size_t)(seg_end - seg))) < 0)
					goto done;
				n->next = cur->child; /* order is irrelevant */
				cur->child = n;
				c = n;
				n = NULL;
			}
		}
		if (last)
			want = SOPS_STR;
		else if ((size_t)(end - seg_end) >= sizeof(FLAT_LIST) - 1 &&
			 memcmp(seg_end, FLAT_LIST, sizeof(FLAT_LIST) - 1) == 0)
			want = SOPS_LIST;
		else
			want = SOPS_MAP;
		if (c->kind != SOPS_NULL && (last || c->kind != want)) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: line %zu: duplicate or conflicting sops "
				"metadata key \"%.*s\"", name, line, (int)klen,
				k);
			goto done;
		}
		c->kind = want;
		if (last) {
			error = text_value(c, name, v, vlen, unescape);
			goto done;
		}
		cur = c;
		in_list = want == SOPS_LIST;
		seg = seg_end + (in_list ? sizeof(FLAT_LIST) - 1 :
					   sizeof(FLAT_MAP) - 1);
	}
done:
	node_free(n);
	return error;
}

/* Every list of unflattened metadata must hold indexes 0..n-1. */
static int flat_complete(const struct sops_node *n, const char *name)
{
	const struct sops_node *c;
	int error;

	for (c = n->child; c != NULL; c = c->next) {
		if (c->kind == SOPS_NULL)
			return hush_err_set(HUSH_EPARSE,
				"%s: sops metadata list \"%s\" has a missing "
				"index (incomplete list)", name,
				n->key != NULL ? n->key : "?");
		if ((error = flat_complete(c, name)) < 0)
			return error;
	}
	return 0;
}

#define DOTENV_META "sops_"

/*
 * dotenv (sops stores/dotenv/store.go): lines split on '\n' only, empty
 * lines skipped, `#text` a comment, else key=value with `\n` escapes;
 * `sops_` keys are the flattened metadata (MetadataFlattenFull).
 */
static int dotenv_load(struct sops_file *f, const unsigned char *data,
	size_t len)
{
	struct lines l = { (const char *)data, (const char *)data + len, 0 };
	struct sops_node *doc = NULL, *n = NULL, *tail = NULL;
	const char *s, *eq;
	size_t n_len, count = 0, max_index = count_lines(data, len);
	int error;

	if ((error = text_node(&doc, f->name, 0, SOPS_MAP, &count)) < 0)
		goto done;
	while (line_next(&l, &s, &n_len)) {
		if (n_len > 0 && s[n_len - 1] == '\n')
			n_len--;
		if (n_len == 0)
			continue;
		if (s[0] == '#') {
			if ((error = text_node(&n, f->name, l.no, SOPS_COMMENT,
				     &count)) < 0 ||
			    (error = text_value(n, f->name, s + 1, n_len - 1,
				     false)) < 0)
				goto done;
			node_append(doc, &tail, n);
			n = NULL;
			continue;
		}
		if ((eq = memchr(s, '=', n_len)) == NULL) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: line %zu: invalid dotenv line (no '=')",
				f->name, l.no);
			goto done;
		}
		if ((size_t)(eq - s) >= sizeof(DOTENV_META) - 1 &&
		    memcmp(s, DOTENV_META, sizeof(DOTENV_META) - 1) == 0) {
			if (f->meta == NULL &&
			    (error = text_node(&f->meta, f->name, l.no,
				     SOPS_MAP, &count)) < 0)
				goto done;
			if ((error = flat_insert(f->meta, f->name, l.no,
				     s + sizeof(DOTENV_META) - 1,
				     (size_t)(eq - s) - (sizeof(DOTENV_META) - 1),
				     eq + 1, n_len - (size_t)(eq - s) - 1, true,
				     max_index, &count)) < 0)
				goto done;
			continue;
		}
		if (map_find(doc, s, (size_t)(eq - s)) != NULL) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: line %zu: duplicate key \"%.*s\"", f->name,
				l.no, (int)(eq - s), s);
			goto done;
		}
		if ((error = text_node(&n, f->name, l.no, SOPS_STR,
			     &count)) < 0 ||
		    (error = text_key(n, f->name, l.no, s,
			     (size_t)(eq - s))) < 0 ||
		    (error = text_value(n, f->name, eq + 1,
			     n_len - (size_t)(eq - s) - 1, true)) < 0)
			goto done;
		node_append(doc, &tail, n);
		n = NULL;
	}
	if (f->meta != NULL && (error = flat_complete(f->meta, f->name)) < 0)
		goto done;
	f->docs = doc;
	f->ndocs = 1;
	doc = NULL;
done:
	node_free(n);
	node_free(doc);
	return error;
}

/* ---- INI, as gopkg.in/ini.v1 (default options) reads it ---- */

static bool ini_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
		c == '\f';
}

static void ini_ltrim(const char **s, size_t *len)
{
	while (*len > 0 && ini_space(**s)) {
		(*s)++;
		(*len)--;
	}
}

static void ini_trim(const char **s, size_t *len)
{
	ini_ltrim(s, len);
	while (*len > 0 && ini_space((*s)[*len - 1]))
		(*len)--;
}

/* The last occurrence of needle in [s, s + len), or NULL. */
static const char *last_index(const char *s, size_t len, const char *needle,
	size_t nlen)
{
	size_t i;

	if (len < nlen)
		return NULL;
	for (i = len - nlen + 1; i-- > 0;) {
		if (memcmp(s + i, needle, nlen) == 0)
			return s + i;
	}
	return NULL;
}

static const char *index_any(const char *s, size_t len, const char *set)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (strchr(set, s[i]) != NULL && s[i] != '\0')
			return s + i;
	}
	return NULL;
}

struct ini {
	struct sops_file *f;
	struct lines l;
	struct hush_buf comment; /* pending comment lines (ini.v1 p.comment) */
	struct hush_buf val;
	size_t count;
};

/*
 * ini.v1 readValue on the text after the delimiter (line end included):
 * `"""`/backquote values (multi-line up to the closing quote),
 * continuation lines ending in `\`, inline `#`/`;` comments and
 * surrounding quotes. The value is left in in->val.
 */
static int ini_value(struct ini *in, const char *s, size_t len)
{
	const char *q = NULL, *close, *hash, *t;
	size_t qlen = 0, tlen;
	int error = 0;

	hush_buf_clear(&in->val);
	ini_ltrim(&s, &len);
	if (len == 0)
		return hush_buf_put(&in->val, "", 0);
	if (len > 3 && memcmp(s, "\"\"\"", 3) == 0) {
		q = "\"\"\"";
		qlen = 3;
	} else if (s[0] == '`') {
		q = "`";
		qlen = 1;
	}
	if (q != NULL) {
		close = last_index(s + qlen, len - qlen, q, qlen);
		if (close != NULL)
			return hush_buf_put(&in->val, s + qlen,
				(size_t)(close - s - qlen));
		if ((error = hush_buf_put(&in->val, s + qlen, len - qlen)) < 0)
			return error;
		for (;;) {
			if (!line_next(&in->l, &t, &tlen))
				return hush_err_set(HUSH_EPARSE,
					"%s: line %zu: missing closing %s",
					in->f->name, in->l.no, q);
			close = last_index(t, tlen, q, qlen);
			if (close != NULL) {
				hash = index_any(close, tlen -
					(size_t)(close - t), "#;");
				if (hash != NULL && (error = hush_buf_put(
					     &in->comment, hash, tlen -
					     (size_t)(hash - t))) < 0)
					return error;
				return hush_buf_put(&in->val, t,
					(size_t)(close - t));
			}
			if ((error = hush_buf_put(&in->val, t, tlen)) < 0)
				return error;
		}
	}
	ini_trim(&s, &len);
	if (s[len - 1] == '\\') {
		if ((error = hush_buf_put(&in->val, s, len - 1)) < 0)
			return error;
		while (line_next(&in->l, &t, &tlen)) {
			ini_trim(&t, &tlen);
			if (tlen == 0)
				break;
			if ((error = hush_buf_put(&in->val, t, tlen)) < 0)
				return error;
			if (t[tlen - 1] != '\\')
				break;
			in->val.len--;
			in->val.ptr[in->val.len] = '\0';
		}
		return 0;
	}
	if ((hash = index_any(s, len, "#;")) != NULL) {
		if ((error = hush_buf_put(&in->comment, hash,
			     len - (size_t)(hash - s))) < 0)
			return error;
		len = (size_t)(hash - s);
		ini_trim(&s, &len);
	}
	if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0] &&
	    memchr(s + 1, s[0], len - 2) == NULL) {
		s++;
		len -= 2;
	}
	return hush_buf_put(&in->val, s, len);
}

/* sops stripCommentChar on the trimmed pending comment; appends a
 * SOPS_COMMENT item to sec when there is one. */
static int ini_comment(struct ini *in, struct sops_node *sec,
	struct sops_node **tail)
{
	struct sops_node *n = NULL;
	const char *s = in->comment.ptr;
	size_t len = in->comment.len;
	char lead;
	int error = 0;

	if (s == NULL)
		return 0;
	ini_trim(&s, &len);
	if (len > 0 && sec != NULL) {
		lead = s[0];
		if (lead == ';' || lead == '#') {
			while (len > 0 && (*s == lead || *s == ' ')) {
				s++;
				len--;
			}
		}
		if ((error = text_node(&n, in->f->name, in->l.no,
			     SOPS_COMMENT, &in->count)) < 0 ||
		    (error = text_value(n, in->f->name, s, len, false)) < 0)
			goto done;
		node_append(sec, tail, n);
		n = NULL;
	}
	hush_buf_clear(&in->comment);
done:
	node_free(n);
	return error;
}

/* ini.v1 readKeyName: a plain or quoted name, then `=` or `:`. */
static int ini_key(struct ini *in, const char *s, size_t len,
	const char **key, size_t *key_len, size_t *offset)
{
	const char *q = NULL, *close, *d;
	size_t qlen = 0;

	if (s[0] == '"') {
		q = len > 6 && memcmp(s, "\"\"\"", 3) == 0 ? "\"\"\"" : "\"";
		qlen = strlen(q);
	} else if (s[0] == '`') {
		q = "`";
		qlen = 1;
	}
	if (q != NULL) {
		close = NULL;
		for (d = s + qlen; d + qlen <= s + len; d++) {
			if (memcmp(d, q, qlen) == 0) {
				close = d;
				break;
			}
		}
		if (close == NULL)
			return hush_err_set(HUSH_EPARSE,
				"%s: line %zu: missing closing key quote",
				in->f->name, in->l.no);
		d = index_any(close + qlen, len - (size_t)(close + qlen - s),
			"=:");
		*key = s + qlen;
		*key_len = (size_t)(close - s) - qlen;
	} else {
		d = index_any(s, len, "=:");
		*key = s;
		*key_len = d != NULL ? (size_t)(d - s) : 0;
		if (d == s)
			return hush_err_set(HUSH_EPARSE,
				"%s: line %zu: empty key name", in->f->name,
				in->l.no);
	}
	if (d == NULL)
		return hush_err_set(HUSH_EPARSE,
			"%s: line %zu: no '=' or ':' after the key",
			in->f->name, in->l.no);
	ini_trim(key, key_len);
	*offset = (size_t)(d - s) + 1;
	return 0;
}

/*
 * INI (sops stores/ini/store.go): one document whose members are the
 * sections (the implicit DEFAULT first), each a map of string values with
 * their comments; the [sops] section is the flattened metadata (`\n`
 * escapes, no prefix).
 */
static int ini_load(struct sops_file *f, const unsigned char *data,
	size_t len)
{
	struct ini in;
	struct sops_node *doc = NULL, *sec, *n = NULL, *tail = NULL;
	struct sops_node *sec_tail = NULL;
	const char *s, *close, *key, *hash;
	size_t n_len, key_len = 0, off = 0;
	size_t max_index = count_lines(data, len);
	bool is_meta = false;
	int error;

	memset(&in, 0, sizeof(in));
	in.f = f;
	in.l.p = (const char *)data;
	in.l.end = (const char *)data + len;
	hush_buf_init(&in.comment, HUSH_MAX_SOPS_FILE);
	hush_buf_init(&in.val, HUSH_MAX_SOPS_FILE);
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		in.l.p += 3;
	if ((error = text_node(&doc, f->name, 0, SOPS_MAP, &in.count)) < 0 ||
	    (error = text_node(&sec, f->name, 0, SOPS_MAP, &in.count)) < 0)
		goto done;
	node_append(doc, &tail, sec);
	if ((error = text_key(sec, f->name, 0, "DEFAULT", 7)) < 0)
		goto done;
	while (line_next(&in.l, &s, &n_len)) {
		ini_ltrim(&s, &n_len);
		if (n_len == 0)
			continue;
		if (s[0] == '#' || s[0] == ';') {
			if ((error = hush_buf_put(&in.comment, s, n_len)) < 0)
				goto done;
			continue;
		}
		if (s[0] == '[') {
			close = last_index(s, n_len, "]", 1);
			if (close == NULL) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: line %zu: unclosed section",
					f->name, in.l.no);
				goto done;
			}
			hash = index_any(close + 1,
				n_len - (size_t)(close + 1 - s), "#;");
			if (hash != NULL &&
			    (error = hush_buf_put(&in.comment, hash, n_len -
				     (size_t)(hash - s))) < 0)
				goto done;
			key = s + 1;
			key_len = (size_t)(close - s) - 1;
			is_meta = key_len == 4 && memcmp(key, "sops", 4) == 0;
			sec = is_meta ? f->meta : map_find(doc, key, key_len);
			if (sec != NULL && !(key_len == 7 &&
				    memcmp(key, "DEFAULT", 7) == 0)) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: line %zu: duplicate section "
					"[%.*s]", f->name, in.l.no,
					(int)key_len, key);
				goto done;
			}
			if (sec == NULL) {
				if ((error = text_node(&sec, f->name, in.l.no,
					     SOPS_MAP, &in.count)) < 0 ||
				    (error = text_key(sec, f->name, in.l.no,
					     key, key_len)) < 0) {
					node_free(sec);
					goto done;
				}
				if (is_meta)
					f->meta = sec;
				else
					node_append(doc, &tail, sec);
			}
			for (sec_tail = sec->child;
			     sec_tail != NULL && sec_tail->next != NULL;)
				sec_tail = sec_tail->next;
			if ((error = ini_comment(&in, is_meta ? NULL : sec,
				     &sec_tail)) < 0)
				goto done;
			continue;
		}
		if ((error = ini_key(&in, s, n_len, &key, &key_len,
			     &off)) < 0 ||
		    (error = ini_value(&in, s + off, n_len - off)) < 0)
			goto done;
		if (is_meta) {
			if ((error = flat_insert(f->meta, f->name, in.l.no,
				     key, key_len, in.val.ptr, in.val.len, true,
				     max_index, &in.count)) < 0)
				goto done;
			hush_buf_clear(&in.comment);
			continue;
		}
		if (map_find(sec, key, key_len) != NULL) {
			error = hush_err_set(HUSH_EPARSE,
				"%s: line %zu: duplicate key \"%.*s\" in "
				"section [%s]", f->name, in.l.no, (int)key_len,
				key, sec->key);
			goto done;
		}
		if ((error = text_node(&n, f->name, in.l.no, SOPS_STR,
			     &in.count)) < 0 ||
		    (error = text_key(n, f->name, in.l.no, key, key_len)) < 0 ||
		    (error = text_value(n, f->name, in.val.ptr, in.val.len,
			     false)) < 0)
			goto done;
		node_append(sec, &sec_tail, n);
		n = NULL;
		if ((error = ini_comment(&in, sec, &sec_tail)) < 0)
			goto done;
	}
	if (f->meta != NULL && (error = flat_complete(f->meta, f->name)) < 0)
		goto done;
	f->docs = doc;
	f->ndocs = 1;
	doc = NULL;
done:
	hush_buf_dispose(&in.val);
	hush_buf_dispose(&in.comment);
	node_free(n);
	node_free(doc);
	return error;
}

/* ---- metadata ---- */

/* A scalar metadata value as text, or NULL when absent, null or empty. */
static const char *meta_text(const struct sops_node *map, const char *key)
{
	const struct sops_node *n = map_get(map, key);

	if (n == NULL || n->raw == NULL || n->raw_len == 0)
		return NULL;
	return n->raw;
}

/* Unlink and return the `sops` member of a document, NULL if none. */
static struct sops_node *take_sops(struct sops_node *doc)
{
	struct sops_node **pp, *n;

	for (pp = &doc->child; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->key != NULL && strcmp((*pp)->key, "sops") == 0) {
			n = *pp;
			*pp = n->next;
			n->next = NULL;
			return n;
		}
	}
	return NULL;
}

static bool is_key_list(const char *k)
{
	static const char *const lists[] = { "kms", "gcp_kms", "hckms",
		"azure_kv", "hc_vault", "pgp", "age", NULL };

	return is_one_of(k, lists);
}

static int meta_load(struct sops_file *f)
{
	struct sops_node *d, *extra;
	const struct sops_node *c, *kg;
	const char *v, *b;
	size_t nsel = 0, i;
	bool keys = false;
	int rc;

	if (f->format != SOPS_FORMAT_DOTENV && f->format != SOPS_FORMAT_INI) {
		/* dotenv and INI: the loader set f->meta (flattened) */
		f->meta = take_sops(f->docs);
		for (d = f->docs->next; d != NULL; d = d->next) {
			extra = take_sops(d);
			node_free(extra);
		}
	}
	if (f->meta == NULL)
		return hush_err_set(HUSH_EPARSE,
			"%s: no sops metadata (not a sops file?)", f->name);
	if (f->meta->kind != SOPS_MAP)
		return hush_err_set(HUSH_EPARSE,
			"%s: the sops metadata is not a map", f->name);
	f->lastmodified = meta_text(f->meta, "lastmodified");
	if (f->lastmodified == NULL ||
	    !rfc3339_norm(f->mac_aad, f->lastmodified,
		    strlen(f->lastmodified)))
		return hush_err_set(HUSH_EPARSE,
			"%s: sops lastmodified missing or not RFC 3339",
			f->name);
	c = map_get(f->meta, "mac");
	if (c != NULL && c->raw != NULL && c->raw_len > 0)
		f->mac = c;
	for (i = 0; i < SEL_COUNT; i++) {
		v = meta_text(f->meta, selector_names[i]);
		if (v == NULL)
			continue;
		nsel++;
		f->sel = (enum selector)i;
		f->sel_value = v;
	}
	if (nsel > 1)
		return hush_err_set(HUSH_EPARSE,
			"%s: more than one of the sops suffix/regex selectors "
			"is set", f->name);
	if (nsel == 0) {
		f->sel = SEL_UNENCRYPTED_SUFFIX;
		f->sel_value = "_unencrypted";
	}
	if (f->sel == SEL_UNENCRYPTED_REGEX || f->sel == SEL_ENCRYPTED_REGEX) {
		rc = regcomp(&f->re, f->sel_value, REG_EXTENDED | REG_NOSUB);
		if (rc != 0)
			return hush_err_set(HUSH_EPARSE,
				"%s: sops %s is not a valid regex", f->name,
				selector_names[f->sel]);
		f->has_re = true;
	}
	b = meta_text(f->meta, "mac_only_encrypted");
	f->mac_only_encrypted = b != NULL &&
		(strcmp(b, "True") == 0 || strcmp(b, "true") == 0 ||
		 strcmp(b, "TRUE") == 0 || strcmp(b, "1") == 0 ||
		 strcmp(b, "t") == 0 || strcmp(b, "T") == 0);
	for (c = f->meta->child; c != NULL; c = c->next) {
		if (is_key_list(c->key) && c->kind == SOPS_LIST &&
		    c->child != NULL)
			keys = true;
	}
	kg = map_get(f->meta, "key_groups");
	if (!keys && (kg == NULL || kg->kind != SOPS_LIST || kg->child == NULL))
		return hush_err_set(HUSH_EPARSE, "%s: No keys found in file",
			f->name);
	return 0;
}

enum sops_format sops_format_from_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return SOPS_FORMAT_BINARY;
	if (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)
		return SOPS_FORMAT_YAML;
	if (strcmp(dot, ".json") == 0)
		return SOPS_FORMAT_JSON;
	if (strcmp(dot, ".env") == 0)
		return SOPS_FORMAT_DOTENV;
	if (strcmp(dot, ".ini") == 0)
		return SOPS_FORMAT_INI;
	return SOPS_FORMAT_BINARY;
}

int sops_load(struct sops_file **out, const char *name,
	const unsigned char *data, size_t len, enum sops_format format)
{
	struct sops_file *f = NULL;
	int error;

	*out = NULL;
	if (len > HUSH_MAX_SOPS_FILE)
		return hush_err_set(HUSH_ELIMIT,
			"%s: larger than %u bytes (HUSH_MAX_SOPS_FILE)", name,
			(unsigned)HUSH_MAX_SOPS_FILE);
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return hush_err_set(HUSH_ENOMEM, "%s: out of memory", name);
	if ((error = dup_text(&f->name, name, name, strlen(name))) < 0)
		goto done;
	f->format = format == SOPS_FORMAT_AUTO ? sops_format_from_name(name) :
						 format;
	switch (f->format) {
	case SOPS_FORMAT_YAML:
		error = yaml_load(f, data, len);
		break;
	case SOPS_FORMAT_JSON:
	case SOPS_FORMAT_BINARY:
		error = json_load(f, data, len);
		break;
	case SOPS_FORMAT_DOTENV:
		error = dotenv_load(f, data, len);
		break;
	case SOPS_FORMAT_INI:
		error = ini_load(f, data, len);
		break;
	default:
		error = hush_err_set(HUSH_EUSAGE, "%s: unknown sops format",
			name);
		break;
	}
	if (error < 0)
		goto done;
	if (f->docs == NULL) {
		error = hush_err_set(HUSH_EPARSE, "%s: empty document", name);
		goto done;
	}
	if ((error = meta_load(f)) < 0)
		goto done;
	*out = f;
	f = NULL;
done:
	sops_file_free(f);
	return error;
}

void sops_file_free(struct sops_file *f)
{
	if (f == NULL)
		return;
	if (f->has_re)
		regfree(&f->re);
	node_free(f->docs);
	node_free(f->meta);
	free(f->name);
	free(f);
}

/* ---- ENC[...] values ---- */

struct enc {
	const char *data, *iv, *tag, *type;
	size_t data_len, iv_len, tag_len, type_len;
};

/* Split ENC[AES256_GCM,data:..,iv:..,tag:..,type:..]; nothing may follow. */
static bool enc_split(struct enc *e, const char *s, size_t len)
{
	const char *p, *end = s + len, *q;

	if (len < sizeof(ENC_PREFIX) ||
	    memcmp(s, ENC_PREFIX, sizeof(ENC_PREFIX) - 1) != 0 ||
	    s[len - 1] != ']')
		return false;
	end--;
	p = s + sizeof(ENC_PREFIX) - 1;
	e->data = p;
	if ((q = memchr(p, ',', (size_t)(end - p))) == NULL)
		return false;
	e->data_len = (size_t)(q - p);
	p = q + 1;
	if ((size_t)(end - p) < 3 || memcmp(p, "iv:", 3) != 0)
		return false;
	e->iv = p += 3;
	if ((q = memchr(p, ',', (size_t)(end - p))) == NULL)
		return false;
	e->iv_len = (size_t)(q - p);
	p = q + 1;
	if ((size_t)(end - p) < 4 || memcmp(p, "tag:", 4) != 0)
		return false;
	e->tag = p += 4;
	if ((q = memchr(p, ',', (size_t)(end - p))) == NULL)
		return false;
	e->tag_len = (size_t)(q - p);
	p = q + 1;
	if ((size_t)(end - p) < 5 || memcmp(p, "type:", 5) != 0)
		return false;
	e->type = p += 5;
	e->type_len = (size_t)(end - p);
	return e->data_len > 0 && e->iv_len > 0 && e->tag_len > 0 &&
		e->type_len > 0 && memchr(e->type, ',', e->type_len) == NULL;
}

/* Strict padded standard base64 (canonical: zero pad bits); never empty. */
static bool b64_decode(unsigned char *out, size_t cap, size_t *out_len,
	const char *s, size_t len)
{
	return len > 0 && b64_strict_decode(out, cap, out_len, s, len, true);
}

/* Go strconv.ParseBool */
static int parse_bool(bool *out, const struct secret *pt)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True",
		NULL };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false",
		"False", NULL };
	char buf[8];

	if (pt->len >= sizeof(buf))
		return -1;
	memcpy(buf, pt->data, pt->len);
	buf[pt->len] = '\0';
	*out = is_one_of(buf, t);
	if (!*out && !is_one_of(buf, f))
		return -1;
	return 0;
}

/*
 * Turn the plaintext of an `int` or `float` into the form sops hashes
 * (strconv.Itoa / FormatFloat(v, 'f', -1, 64)); pt->data has a spare byte
 * for the NUL. Returns false when it does not parse as its type.
 */
static int canon_number(struct secret **out, struct secret *pt, bool is_int)
{
	char buf[FLOAT_BUF];
	char *end = NULL;
	const char *s = (const char *)pt->data;
	long long iv;
	double d;
	size_t n;
	int error = HUSH_EPARSE;

	*out = NULL;
	pt->data[pt->len] = '\0';
	if (pt->len == 0 || memchr(s, '\0', pt->len) != NULL || *s == ' ' ||
	    *s == '\t' || *s == '\n')
		goto done;
	errno = 0;
	if (is_int) {
		if (!((s[0] == '-' || s[0] == '+') ? all_digits(s + 1,
							     pt->len - 1) :
						     all_digits(s, pt->len)))
			goto done;
		iv = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' ||
		    snprintf(buf, sizeof(buf), "%lld", iv) < 0)
			goto done;
	} else {
		d = strtod(s, &end);
		if (errno != 0 || *end != '\0')
			goto done;
		format_go_float(buf, d);
	}
	n = strlen(buf);
	if ((error = secret_new(out, n + 1)) < 0)
		goto done;
	memcpy((*out)->data, buf, n);
	(*out)->len = n;
done:
	seal_wipe(buf, sizeof(buf));
	return error;
}

/* Decrypt one ENC[...] string with the current path as AAD. */
static int enc_decrypt(struct secret **out, enum sops_kind *kind,
	struct dctx *c, const char *s, size_t len, const char *aad,
	size_t aad_len, const char *what)
{
	struct enc e;
	struct hush_buf ct = HUSH_BUF_INIT(HUSH_MAX_SOPS_VALUE);
	unsigned char iv[HUSH_MAX_SOPS_IV], tag[AESGCM_TAG_BYTES];
	struct secret *pt = NULL, *conv = NULL;
	size_t iv_len = 0, tag_len = 0, ct_len = 0;
	bool b;
	int error = HUSH_EPARSE;

	*out = NULL;
	if (!enc_split(&e, s, len)) {
		hush_err_set(HUSH_EPARSE,
			"%s: %s: not a valid ENC[AES256_GCM,...] value",
			c->f->name, what);
		goto done;
	}
	if (e.data_len > HUSH_MAX_SOPS_VALUE / 3 * 4) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: %s: value larger than HUSH_MAX_SOPS_VALUE",
			c->f->name, what);
		goto done;
	}
	/* room for the decoded data, which is shorter than its base64 */
	if ((error = hush_buf_put(&ct, e.data, e.data_len)) < 0)
		goto done;
	if (!b64_decode((unsigned char *)ct.ptr, ct.len, &ct_len, e.data,
		    e.data_len) ||
	    !b64_decode(iv, sizeof(iv), &iv_len, e.iv, e.iv_len) ||
	    !b64_decode(tag, sizeof(tag), &tag_len, e.tag, e.tag_len) ||
	    tag_len != AESGCM_TAG_BYTES) {
		error = hush_err_set(HUSH_EPARSE,
			"%s: %s: bad base64 or length in data, iv or tag",
			c->f->name, what);
		goto done;
	}
	if ((error = aesgcm_decrypt(&pt, c->key, iv, iv_len,
		     (const unsigned char *)ct.ptr, ct_len, tag,
		     (const unsigned char *)aad, aad_len)) < 0) {
		hush_err_set(error, "%s: %s: %s", c->f->name, what,
			error == HUSH_EAUTH ?
				"authentication failed (tampered value, "
				"wrong key or key path)" :
				"cannot decrypt");
		goto done;
	}
	error = HUSH_EPARSE;
#define TYPE_IS(t) (e.type_len == sizeof(t) - 1 && \
	memcmp(e.type, t, sizeof(t) - 1) == 0)
	if (TYPE_IS("str")) {
		*kind = SOPS_STR;
	} else if (TYPE_IS("bytes")) {
		*kind = SOPS_BYTES;
	} else if (TYPE_IS("int") || TYPE_IS("int64") || TYPE_IS("float")) {
		*kind = TYPE_IS("float") ? SOPS_FLOAT : SOPS_INT;
		if (canon_number(&conv, pt, *kind == SOPS_INT) < 0)
			goto bad_type;
		secret_free(pt);
		pt = conv;
		conv = NULL;
	} else if (TYPE_IS("bool")) {
		*kind = SOPS_BOOL;
		if (parse_bool(&b, pt) < 0)
			goto bad_type;
		if ((error = secret_new(&conv, 6)) < 0)
			goto done;
		conv->len = b ? 4 : 5;
		memcpy(conv->data, b ? "True" : "False", conv->len);
		secret_free(pt);
		pt = conv;
		conv = NULL;
	} else if (TYPE_IS("time")) {
		*kind = SOPS_TIME;
		if (!rfc3339_norm(NULL, (const char *)pt->data, pt->len))
			goto bad_type;
	} else if (TYPE_IS("comment")) {
		*kind = SOPS_COMMENT;
	} else {
		hush_err_set(HUSH_EPARSE, "%s: %s: Unknown datatype",
			c->f->name, what);
		goto done;
	}
#undef TYPE_IS
	*out = pt;
	pt = NULL;
	error = 0;
	goto done;
bad_type:
	hush_err_set(HUSH_EPARSE,
		"%s: %s: decrypted value does not parse as its type",
		c->f->name, what);
done:
	secret_free(conv);
	secret_free(pt);
	hush_buf_dispose(&ct);
	seal_wipe(&e, sizeof(e));
	return error;
}

/* ---- the tree walk: decrypt, hash, copy ---- */

static bool comp_matches(const struct dctx *c, const char *k)
{
	const struct sops_file *f = c->f;
	size_t kl = strlen(k), sl = strlen(f->sel_value);

	switch (f->sel) {
	case SEL_UNENCRYPTED_SUFFIX:
	case SEL_ENCRYPTED_SUFFIX:
		return kl >= sl && memcmp(k + kl - sl, f->sel_value, sl) == 0;
	case SEL_UNENCRYPTED_REGEX:
	case SEL_ENCRYPTED_REGEX:
		return regexec(&f->re, k, 0, NULL, 0) == 0;
	default:
		return false;
	}
}

/* sops shouldBeEncrypted over every component of the current path. */
static bool should_encrypt(const struct dctx *c)
{
	size_t i;
	bool any = false;

	if (c->f->sel == SEL_UNENCRYPTED_COMMENT_REGEX ||
	    c->f->sel == SEL_ENCRYPTED_COMMENT_REGEX)
		return true; /* comment selectors do not apply: no comments */
	for (i = 0; i < c->ncomp; i++) {
		if (comp_matches(c, c->comp[i]))
			any = true;
	}
	if (c->f->sel == SEL_UNENCRYPTED_SUFFIX ||
	    c->f->sel == SEL_UNENCRYPTED_REGEX)
		return !any;
	return any;
}

/*
 * A comment (dotenv, INI) uses the path of the branch that holds it. sops
 * keeps an encrypted-looking comment that does not decrypt as it is (with
 * a warning), and hashes only what decrypts to a non-comment type.
 */
static int comment_decrypt(struct dctx *c, const struct sops_node *in,
	struct sops_node *n)
{
	enum sops_kind kind = SOPS_COMMENT;
	int error;

	if (should_encrypt(c) && in->raw_len > 0) {
		error = enc_decrypt(&n->value, &kind, c, in->raw, in->raw_len,
			c->path.ptr, c->path.len, c->path.ptr);
		if (error == HUSH_ENOMEM)
			return error;
		if (error == 0) {
			n->encrypted = true;
			if (kind == SOPS_COMMENT)
				return 0;
			return aesgcm_sha512_update(c->h, n->value->data,
				n->value->len);
		}
	}
	if ((error = secret_new(&n->value, in->raw_len + 1)) < 0)
		return error;
	memcpy(n->value->data, in->raw, in->raw_len);
	n->value->len = in->raw_len;
	return 0;
}

static int leaf_decrypt(struct dctx *c, const struct sops_node *in,
	struct sops_node *n)
{
	enum sops_kind kind = in->kind;
	int error;

	n->kind = in->kind;
	if (in->kind == SOPS_NULL)
		return 0; /* neither decrypted nor hashed */
	if (in->kind == SOPS_COMMENT)
		return comment_decrypt(c, in, n);
	if (should_encrypt(c)) {
		n->encrypted = true;
		if (in->kind != SOPS_STR)
			return hush_err_set(HUSH_EPARSE,
				"%s: %s: Expected encrypted value as string",
				c->f->name, c->path.ptr);
		if (in->raw_len > 0) {
			if ((error = enc_decrypt(&n->value, &kind, c, in->raw,
				     in->raw_len, c->path.ptr, c->path.len,
				     c->path.ptr)) < 0)
				return error;
			if (kind == SOPS_COMMENT)
				return hush_err_set(HUSH_EPARSE,
					"%s: %s: a value of type comment",
					c->f->name, c->path.ptr);
			n->kind = kind;
		}
	}
	if (n->value == NULL) {
		if ((error = secret_new(&n->value, in->raw_len + 1)) < 0)
			return error;
		memcpy(n->value->data, in->raw, in->raw_len);
		n->value->len = in->raw_len;
		if (c->f->mac_only_encrypted && !n->encrypted)
			return 0;
	}
	return aesgcm_sha512_update(c->h, n->value->data, n->value->len);
}

static int walk_decrypt(struct dctx *c, const struct sops_node *in,
	struct sops_node **out, size_t depth)
{
	struct sops_node *n = NULL, *ch = NULL, *tail = NULL;
	const struct sops_node *ic;
	size_t mark;
	bool keyed;
	int error;

	*out = NULL;
	if (depth > HUSH_MAX_SOPS_DEPTH) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: nested deeper than HUSH_MAX_SOPS_DEPTH",
			c->f->name);
		goto done;
	}
	if ((error = node_new(&n, c->f->name, in->kind)) < 0)
		goto done;
	if (in->key != NULL &&
	    (error = dup_text(&n->key, c->f->name, in->key, in->key_len)) < 0)
		goto done;
	n->key_len = in->key_len;
	if (in->kind != SOPS_MAP && in->kind != SOPS_LIST) {
		error = leaf_decrypt(c, in, n);
		goto done;
	}
	for (ic = in->child; ic != NULL; ic = ic->next) {
		mark = c->path.len;
		keyed = in->kind == SOPS_MAP && ic->key != NULL;
		if (keyed) {
			if ((error = hush_buf_put(&c->path, ic->key,
				     ic->key_len)) < 0 ||
			    (error = hush_buf_putc(&c->path, ':')) < 0) {
				hush_err_set(error, "%s: key path longer than "
					"HUSH_MAX_SOPS_PATH", c->f->name);
				goto done;
			}
			c->comp[c->ncomp++] = ic->key;
		}
		error = walk_decrypt(c, ic, &ch, depth + 1);
		if (keyed)
			c->ncomp--;
		c->path.len = mark;
		c->path.ptr[mark] = '\0';
		if (error < 0)
			goto done;
		node_append(n, &tail, ch);
		ch = NULL;
	}
done:
	if (error < 0) {
		node_free(n);
		n = NULL;
	}
	*out = n;
	return error;
}

static void hex_upper(char *out, const unsigned char *d, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
}

static int decrypt_tree(struct sops_tree **out, const struct sops_file *f,
	const unsigned char *key, unsigned flags)
{
	struct dctx c;
	struct sops_tree *t = NULL;
	struct sops_node *d = NULL, *tail = NULL;
	const struct sops_node *in;
	struct secret *stored = NULL;
	unsigned char digest[AESGCM_SHA512_BYTES], h_sops[SEAL_SHA256_BYTES];
	char computed[MAC_HEX_LEN];
	enum sops_kind kind = SOPS_STR;
	int error;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.key = key;
	hush_buf_init(&c.path, HUSH_MAX_SOPS_PATH);
	if ((error = aesgcm_sha512_new(&c.h)) < 0)
		goto done;
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "%s: out of memory", f->name);
		goto done;
	}
	t->format = f->format;
	if (f->mac_only_encrypted) {
		seal_sha256(h_sops, (const unsigned char *)"sops", 4);
		if ((error = aesgcm_sha512_update(c.h, h_sops,
			     sizeof(h_sops))) < 0)
			goto done;
	}
	if ((error = hush_buf_put(&c.path, "", 0)) < 0)
		goto done;
	for (in = f->docs; in != NULL; in = in->next) {
		if ((error = walk_decrypt(&c, in, &d, 0)) < 0)
			goto done;
		if (tail == NULL)
			t->docs = d;
		else
			tail->next = d;
		tail = d;
		d = NULL;
		t->ndocs++;
	}
	if ((error = aesgcm_sha512_final(digest, c.h)) < 0)
		goto done;
	hex_upper(computed, digest, sizeof(digest));
	if (f->mac == NULL) {
		if (!(flags & SOPS_IGNORE_MAC)) {
			error = hush_err_set(HUSH_EAUTH,
				"%s: MAC mismatch. File has no MAC", f->name);
			goto done;
		}
	} else {
		error = enc_decrypt(&stored, &kind, &c, f->mac->raw,
			f->mac->raw_len, f->mac_aad, strlen(f->mac_aad),
			"sops mac");
		if (error == HUSH_EAUTH)
			hush_err_set(HUSH_EAUTH,
				"%s: MAC mismatch (the stored MAC does not "
				"verify: tampered, or lastmodified changed)",
				f->name);
		if (error == 0 && (kind != SOPS_STR ||
				   stored->len != MAC_HEX_LEN ||
				   !seal_equal(stored->data,
					   (const unsigned char *)computed,
					   MAC_HEX_LEN)))
			error = hush_err_set(HUSH_EAUTH,
				"%s: MAC mismatch (the file was modified or "
				"lastmodified changed)", f->name);
		if (error == 0)
			t->mac_ok = true;
		else if (!(flags & SOPS_IGNORE_MAC))
			goto done;
		error = 0;
	}
	*out = t;
	t = NULL;
done:
	seal_wipe(digest, sizeof(digest));
	seal_wipe(computed, sizeof(computed));
	secret_free(stored);
	node_free(d);
	sops_tree_free(t);
	aesgcm_sha512_free(c.h);
	hush_buf_dispose(&c.path);
	return error;
}

int sops__decrypt_with_key(struct sops_tree **out, const struct sops_file *f,
	const unsigned char *key, unsigned flags)
{
	return decrypt_tree(out, f, key, flags);
}

/* ---- the data key ---- */

/* Try every age `enc` of one key group; 0 with a key, or an error. */
static int group_key(struct secret **out, const struct sops_file *f,
	const struct sops_node *group, const struct age_identities *ids,
	size_t want, size_t *n_age, size_t *n_pgp, size_t *n_other)
{
	const struct sops_node *l, *e, *enc;
	struct secret *k = NULL;
	int error;

	*out = NULL;
	for (l = group->child; l != NULL; l = l->next) {
		if (!is_key_list(l->key) || l->kind != SOPS_LIST)
			continue;
		for (e = l->child; e != NULL; e = e->next) {
			if (strcmp(l->key, "pgp") == 0) {
				(*n_pgp)++;
				continue;
			}
			if (strcmp(l->key, "age") != 0) {
				(*n_other)++;
				continue;
			}
			(*n_age)++;
			enc = map_get(e, "enc");
			if (enc == NULL || enc->raw == NULL)
				continue;
			error = age_decrypt(&k, NULL, ids,
				(const unsigned char *)enc->raw, enc->raw_len,
				AGE_FORMAT_ARMORED);
			if (error == 0 && (want == 0 ? k->len > 1 :
						  k->len == want)) {
				*out = k;
				return 0;
			}
			secret_free(k);
			k = NULL;
		}
	}
	(void)f;
	return HUSH_ENOTFOUND;
}

/* GF(2^8) with the AES polynomial, as sops' shamir package. */
static unsigned char gf_mul(unsigned char a, unsigned char b)
{
	unsigned char r = 0, hi;
	int i;

	for (i = 0; i < 8; i++) {
		if (b & 1)
			r ^= a;
		hi = a & 0x80;
		a = (unsigned char)(a << 1);
		if (hi)
			a ^= 0x1B;
		b >>= 1;
	}
	return r;
}

static unsigned char gf_inv(unsigned char a)
{
	unsigned char r = a;
	int i;

	/* a^254 = a^-1 */
	for (i = 0; i < 6; i++) {
		r = gf_mul(r, r);
		r = gf_mul(r, a);
	}
	return gf_mul(r, r);
}

int sops__shamir_combine(struct secret **out, struct secret *const *shares,
	size_t n)
{
	struct secret *k = NULL;
	size_t len, i, j, b;
	unsigned char acc, basis;
	int error;

	*out = NULL;
	if (n < 2)
		return hush_err_set(HUSH_EAUTH, "shamir: fewer than 2 parts");
	len = shares[0]->len;
	if (len < 2)
		return hush_err_set(HUSH_EAUTH, "shamir: parts too short");
	for (i = 0; i < n; i++) {
		if (shares[i]->len != len)
			return hush_err_set(HUSH_EAUTH,
				"shamir: parts of different lengths");
		for (j = 0; j < i; j++) {
			if (shares[i]->data[len - 1] ==
			    shares[j]->data[len - 1])
				return hush_err_set(HUSH_EAUTH,
					"shamir: duplicate part");
		}
	}
	if ((error = secret_new(&k, len)) < 0)
		return error;
	for (b = 0; b + 1 < len; b++) {
		acc = 0;
		for (i = 0; i < n; i++) {
			basis = 1;
			for (j = 0; j < n; j++) {
				if (i == j)
					continue;
				/* (0 - x_j) / (x_i - x_j) */
				basis = gf_mul(basis, gf_mul(
					shares[j]->data[len - 1],
					gf_inv(shares[i]->data[len - 1] ^
						shares[j]->data[len - 1])));
			}
			acc ^= gf_mul(shares[i]->data[b], basis);
		}
		k->data[b] = acc;
	}
	k->len = len - 1;
	acc = 0;
	basis = 0;
	*out = k;
	return 0;
}

static int key_error(const struct sops_file *f, size_t n_age, size_t n_pgp)
{
	if (n_age == 0 && n_pgp > 0)
		return hush_err_set(HUSH_ENOTFOUND,
			"%s: PGP recipients are not supported, add an age "
			"recipient", f->name);
	if (n_age == 0)
		return hush_err_set(HUSH_ENOTFOUND,
			"%s: no age recipient (only cloud KMS keys, which are "
			"not supported)", f->name);
	return hush_err_set(HUSH_ENOTFOUND,
		"%s: no age identity opens any of the %zu age recipients",
		f->name, n_age);
}

int sops_decrypt(struct sops_tree **out, const struct sops_file *f,
	const struct age_identities *ids, unsigned flags)
{
	const struct sops_node *kg, *g, *l;
	struct secret *key = NULL, *parts[HUSH_MAX_SOPS_GROUPS];
	size_t n_age = 0, n_pgp = 0, n_other = 0, ngroups = 0, nparts = 0, i;
	const char *th;
	char *end = NULL;
	unsigned long threshold;
	bool top = false;
	int error = HUSH_ENOTFOUND;

	*out = NULL;
	for (l = f->meta->child; l != NULL; l = l->next) {
		if (is_key_list(l->key) && l->kind == SOPS_LIST &&
		    l->child != NULL)
			top = true;
	}
	kg = map_get(f->meta, "key_groups");
	if (top) {
		error = group_key(&key, f, f->meta, ids, SOPS_DATA_KEY_BYTES,
			&n_age, &n_pgp, &n_other);
	} else {
		for (g = kg->child; g != NULL; g = g->next)
			ngroups++;
		if (ngroups > HUSH_MAX_SOPS_GROUPS) {
			error = hush_err_set(HUSH_ELIMIT,
				"%s: more than %u key groups "
				"(HUSH_MAX_SOPS_GROUPS)", f->name,
				(unsigned)HUSH_MAX_SOPS_GROUPS);
			goto done;
		}
		if (ngroups == 1 && kg->child->kind == SOPS_MAP)
			error = group_key(&key, f, kg->child, ids,
				SOPS_DATA_KEY_BYTES, &n_age, &n_pgp, &n_other);
		if (ngroups > 1) {
			th = meta_text(f->meta, "shamir_threshold");
			threshold = th != NULL ? strtoul(th, &end, 10) : 0;
			if (th == NULL || *end != '\0' || threshold < 1 ||
			    !all_digits(th, strlen(th))) {
				error = hush_err_set(HUSH_EPARSE,
					"%s: %zu key groups need a positive "
					"shamir_threshold", f->name, ngroups);
				goto done;
			}
			for (g = kg->child; g != NULL; g = g->next) {
				if (g->kind != SOPS_MAP)
					continue;
				if (group_key(&parts[nparts], f, g, ids, 0,
					    &n_age, &n_pgp, &n_other) == 0)
					nparts++;
			}
			if (nparts == 0) {
				error = key_error(f, n_age, n_pgp);
				goto done;
			}
			if (nparts < threshold) {
				error = hush_err_set(HUSH_ENOTFOUND,
					"%s: only %zu of the %lu key groups "
					"needed (shamir_threshold) could be "
					"opened", f->name, nparts, threshold);
				goto done;
			}
			if ((error = sops__shamir_combine(&key, parts,
				     nparts)) < 0) {
				char msg[128];

				if (snprintf(msg, sizeof(msg), "%s",
					    hush_err_msg()) < 0)
					msg[0] = '\0';
				hush_err_set(error, "%s: %s", f->name, msg);
				goto done;
			}
			if (key->len != SOPS_DATA_KEY_BYTES) {
				error = hush_err_set(HUSH_EAUTH,
					"%s: the key groups combine to %zu "
					"bytes, not a data key", f->name,
					key->len);
				goto done;
			}
		}
	}
	if (key == NULL) {
		error = key_error(f, n_age, n_pgp);
		goto done;
	}
	error = decrypt_tree(out, f, key->data, flags);
done:
	for (i = 0; i < nparts; i++)
		secret_free(parts[i]);
	secret_free(key);
	return error;
}

/* ---- the decrypted tree ---- */

void sops_tree_free(struct sops_tree *t)
{
	if (t == NULL)
		return;
	node_free(t->docs);
	free(t);
}

bool sops_tree_mac_ok(const struct sops_tree *t)
{
	return t->mac_ok;
}

enum sops_format sops_tree_format(const struct sops_tree *t)
{
	return t->format;
}

size_t sops_tree_doc_count(const struct sops_tree *t)
{
	return t->ndocs;
}

const struct sops_node *sops_tree_doc(const struct sops_tree *t, size_t i)
{
	const struct sops_node *d = t->docs;

	for (; d != NULL && i > 0; i--)
		d = d->next;
	return d;
}

int sops_tree_lookup(const struct sops_node **out, const struct sops_tree *t,
	const char *path)
{
	const struct sops_node *n = t->docs, *c;
	const char *p = path, *dot;
	size_t len, idx;
	char *end = NULL;

	*out = NULL;
	while (n != NULL && *p != '\0') {
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		c = NULL;
		if (n->kind == SOPS_MAP) {
			for (c = n->child; c != NULL; c = c->next) {
				if (c->key != NULL && c->key_len == len &&
				    memcmp(c->key, p, len) == 0)
					break;
			}
		} else if (n->kind == SOPS_LIST && all_digits(p, len)) {
			idx = (size_t)strtoul(p, &end, 10);
			for (c = n->child; c != NULL && idx > 0; c = c->next)
				idx--;
			while (c != NULL && c->kind == SOPS_COMMENT)
				c = c->next;
		}
		n = c;
		p = dot != NULL ? dot + 1 : p + len;
	}
	if (n == NULL)
		return hush_err_set(HUSH_ENOTFOUND, "sops: no key \"%s\"",
			path);
	*out = n;
	return 0;
}

static int walk_leaves(const struct sops_node *n, struct hush_buf *path,
	sops_leaf_cb cb, void *payload)
{
	const struct sops_node *c;
	struct sops_leaf leaf;
	size_t mark;
	int error;

	if (n->kind != SOPS_MAP && n->kind != SOPS_LIST) {
		leaf.aad = path->ptr;
		leaf.aad_len = path->len;
		leaf.node = n;
		return cb(&leaf, payload);
	}
	for (c = n->child; c != NULL; c = c->next) {
		mark = path->len;
		if (n->kind == SOPS_MAP && c->key != NULL &&
		    ((error = hush_buf_put(path, c->key, c->key_len)) < 0 ||
		     (error = hush_buf_putc(path, ':')) < 0))
			return error;
		error = walk_leaves(c, path, cb, payload);
		path->len = mark;
		path->ptr[mark] = '\0';
		if (error < 0)
			return error;
	}
	return 0;
}

int sops_tree_walk(const struct sops_tree *t, sops_leaf_cb cb, void *payload)
{
	struct hush_buf path = HUSH_BUF_INIT(HUSH_MAX_SOPS_PATH);
	const struct sops_node *d;
	int error = 0;

	if ((error = hush_buf_put(&path, "", 0)) < 0)
		goto done;
	for (d = t->docs; d != NULL; d = d->next) {
		if ((error = walk_leaves(d, &path, cb, payload)) < 0)
			goto done;
	}
done:
	hush_buf_dispose(&path);
	return error;
}

/* ---- rendering the decrypted document as sops --decrypt writes it ---- */

#define RENDER_LIMIT ((size_t)HUSH_MAX_SOPS_FILE * 2u)

/*
 * The shortest decimal digits of v that read back as v, and the decimal
 * exponent of the first digit (v = 0.d1d2... * 10^(dp)); v finite, > 0.
 */
static size_t shortest_digits(char *digits, int *dp, double v)
{
	char e[40];
	size_t nd = 0;
	int prec;
	const char *p;

	for (prec = 0; prec < 17; prec++) {
		if (snprintf(e, sizeof(e), "%.*e", prec, v) < 0)
			continue;
		if (strtod(e, NULL) == v)
			break;
	}
	for (p = e; *p != 'e' && *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9' && nd < 24)
			digits[nd++] = *p;
	}
	*dp = (*p == 'e' ? (int)strtol(p + 1, NULL, 10) : 0) + 1;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	seal_wipe(e, sizeof(e));
	return nd;
}

/* Go strconv 'e' with precision -1: d[.ddd]e±XX. */
static void go_fmt_e(char *out, const char *d, size_t nd, int dp, bool neg)
{
	size_t o = 0, i;
	int x = dp - 1;

	if (neg)
		out[o++] = '-';
	out[o++] = d[0];
	if (nd > 1) {
		out[o++] = '.';
		for (i = 1; i < nd; i++)
			out[o++] = d[i];
	}
	out[o++] = 'e';
	out[o++] = x < 0 ? '-' : '+';
	if (x < 0)
		x = -x;
	if (x >= 100)
		out[o++] = (char)('0' + x / 100);
	out[o++] = (char)('0' + x / 10 % 10);
	out[o++] = (char)('0' + x % 10);
	out[o] = '\0';
}

/*
 * A float for output: yaml (go-yaml: FormatFloat 'g' -1, .inf/.nan) or
 * JSON (encoding/json: 'f' -1, or 'e' below 1e-6 and from 1e21, "e-07"
 * written "e-7"). text is the MAC form; out has FLOAT_BUF bytes.
 * @return false for a non-finite value in JSON
 */
static bool float_out(char *out, const char *text, bool yaml)
{
	char d[24];
	double v = strtod(text, NULL), a;
	size_t nd;
	int dp;
	bool e;

	if (isnan(v) || isinf(v)) {
		if (!yaml)
			return false;
		memcpy(out, isnan(v) ? ".nan" : v > 0 ? ".inf" : "-.inf",
			isnan(v) ? 5 : v > 0 ? 5 : 6);
		return true;
	}
	a = fabs(v);
	if (a == 0) {
		memcpy(out, signbit(v) ? "-0" : "0", signbit(v) ? 3 : 2);
		return true;
	}
	nd = shortest_digits(d, &dp, a);
	if (yaml) /* 'g' with the shortest precision decides with 6 */
		e = dp - 1 < -4 || dp - 1 >= 6;
	else
		e = a < 1e-6 || a >= 1e21;
	if (e) {
		go_fmt_e(out, d, nd, dp, v < 0);
		if (!yaml) {
			size_t n = strlen(out);

			if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' &&
			    out[n - 2] == '0') {
				out[n - 2] = out[n - 1];
				out[n - 1] = '\0';
			}
		}
	} else {
		format_go_float(out, v);
	}
	seal_wipe(d, sizeof(d));
	return true;
}

/* ---- YAML through libyaml's emitter ---- */

struct yemit {
	yaml_emitter_t e;
	struct secret *out;
	int error;
};

static int y_write(void *data, unsigned char *buffer, size_t size)
{
	struct yemit *y = data;

	if (y->error == 0)
		y->error = secret_append(&y->out, buffer, size, RENDER_LIMIT);
	return y->error == 0;
}

static int y_emit(struct yemit *y, yaml_event_t *ev, bool made)
{
	if (!made)
		return hush_err_set(HUSH_ENOMEM, "YAML emitter: out of memory");
	if (!yaml_emitter_emit(&y->e, ev)) {
		if (y->error < 0)
			return y->error;
		return hush_err_set(HUSH_ERROR, "YAML emitter: %s",
			y->e.problem != NULL ? y->e.problem : "failed");
	}
	return 0;
}

static const char *const yaml_old_bools[] = { "y", "Y", "yes", "Yes", "YES",
	"n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
	NULL };

/* The style go-yaml v3 picks for a string. */
static yaml_scalar_style_t y_str_style(const unsigned char *s, size_t len)
{
	struct secret *tmp = NULL;
	char canon[FLOAT_BUF];
	enum sops_kind kind = SOPS_STR;
	yaml_scalar_style_t st = YAML_PLAIN_SCALAR_STYLE;

	if (len == 0 || memchr(s, '\0', len) != NULL)
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (memchr(s, '\n', len) != NULL)
		return YAML_LITERAL_SCALAR_STYLE;
	if (len > FLOAT_BUF || secret_new(&tmp, len + 1) < 0)
		return st;
	memcpy(tmp->data, s, len);
	if (yaml_resolve(&kind, canon, "yaml", 0, (const char *)tmp->data,
		    NULL) < 0 || kind != SOPS_STR ||
	    is_one_of((const char *)tmp->data, yaml_old_bools))
		st = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	secret_free(tmp);
	seal_wipe(canon, sizeof(canon));
	return st;
}

static int y_scalar_out(struct yemit *y, const unsigned char *s, size_t len,
	yaml_scalar_style_t style)
{
	yaml_event_t ev;

	/* libyaml copies the value; its API only lacks the const */
	return y_emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
		(yaml_char_t *)(uintptr_t)s, (int)len, 1, 1, style) != 0);
}

static int y_str_out(struct yemit *y, const unsigned char *s, size_t len)
{
	if (len > INT_MAX)
		return hush_err_set(HUSH_ELIMIT, "YAML emitter: value too long");
	return y_scalar_out(y, s, len, y_str_style(s, len));
}

static int y_emit_node(struct yemit *y, const struct sops_node *n)
{
	const struct sops_node *c;
	yaml_event_t ev;
	char buf[FLOAT_BUF];
	const char *t = NULL;
	int error = 0;

	switch (n->kind) {
	case SOPS_MAP:
	case SOPS_LIST:
		if (n->kind == SOPS_MAP)
			error = y_emit(y, &ev,
				yaml_mapping_start_event_initialize(&ev, NULL,
					NULL, 1, YAML_BLOCK_MAPPING_STYLE) != 0);
		else
			error = y_emit(y, &ev,
				yaml_sequence_start_event_initialize(&ev, NULL,
					NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) != 0);
		for (c = n->child; error == 0 && c != NULL; c = c->next) {
			if (c->kind == SOPS_COMMENT)
				continue; /* libyaml cannot emit comments */
			if (n->kind == SOPS_MAP)
				error = y_str_out(y, (const unsigned char *)c->key,
					c->key_len);
			if (error == 0)
				error = y_emit_node(y, c);
		}
		if (error < 0)
			return error;
		if (n->kind == SOPS_MAP)
			return y_emit(y, &ev,
				yaml_mapping_end_event_initialize(&ev) != 0);
		return y_emit(y, &ev,
			yaml_sequence_end_event_initialize(&ev) != 0);
	case SOPS_NULL:
		t = "null";
		break;
	case SOPS_BOOL:
		t = n->value->len == 4 ? "true" : "false";
		break;
	case SOPS_FLOAT:
		if (n->value->len >= FLOAT_BUF)
			return hush_err_set(HUSH_ELIMIT, "YAML: float too long");
		memcpy(buf, n->value->data, n->value->len);
		buf[n->value->len] = '\0';
		float_out(buf, buf, true);
		t = buf;
		break;
	case SOPS_INT:
	case SOPS_TIME:
		return y_scalar_out(y, n->value->data, n->value->len,
			YAML_PLAIN_SCALAR_STYLE);
	default:
		return y_str_out(y, n->value->data, n->value->len);
	}
	error = y_scalar_out(y, (const unsigned char *)t, strlen(t),
		YAML_PLAIN_SCALAR_STYLE);
	seal_wipe(buf, sizeof(buf));
	return error;
}

static int render_yaml(struct secret **out, const struct sops_tree *t)
{
	struct yemit y;
	yaml_event_t ev;
	const struct sops_node *d;
	int error;

	memset(&y, 0, sizeof(y));
	if (!yaml_emitter_initialize(&y.e))
		return hush_err_set(HUSH_ENOMEM, "YAML emitter: out of memory");
	yaml_emitter_set_output(&y.e, y_write, &y);
	yaml_emitter_set_indent(&y.e, 4);
	yaml_emitter_set_width(&y.e, -1);
	yaml_emitter_set_unicode(&y.e, 1);
	if ((error = y_emit(&y, &ev, yaml_stream_start_event_initialize(&ev,
			YAML_UTF8_ENCODING) != 0)) < 0)
		goto done;
	for (d = t->docs; d != NULL; d = d->next) {
		if ((error = y_emit(&y, &ev,
			     yaml_document_start_event_initialize(&ev, NULL,
				     NULL, NULL, 1) != 0)) < 0 ||
		    (error = y_emit_node(&y, d)) < 0 ||
		    (error = y_emit(&y, &ev,
			     yaml_document_end_event_initialize(&ev, 1) !=
				     0)) < 0)
			goto done;
	}
	if ((error = y_emit(&y, &ev, yaml_stream_end_event_initialize(&ev) !=
			0)) < 0)
		goto done;
	if (!yaml_emitter_flush(&y.e)) {
		error = y.error < 0 ? y.error : hush_err_set(HUSH_ERROR,
			"YAML emitter: flush failed");
		goto done;
	}
	if (y.out == NULL && (error = secret_new(&y.out, 1)) < 0)
		goto done;
	*out = y.out;
	y.out = NULL;
done:
	/* libyaml frees without wiping: clear its output buffers first */
	if (y.e.buffer.start != NULL)
		seal_wipe(y.e.buffer.start,
			(size_t)(y.e.buffer.end - y.e.buffer.start));
	if (y.e.raw_buffer.start != NULL)
		seal_wipe(y.e.raw_buffer.start,
			(size_t)(y.e.raw_buffer.end - y.e.raw_buffer.start));
	yaml_emitter_delete(&y.e);
	secret_free(y.out);
	return error;
}

/* ---- JSON ---- */

static int json_emit_node(struct payload_writer *w, const struct sops_node *n)
{
	const struct sops_node *c;
	char buf[FLOAT_BUF];
	const char *t;
	int error = 0;

	switch (n->kind) {
	case SOPS_MAP:
	case SOPS_LIST:
		if ((error = payload_writer_open(w, n->key, n->key_len,
			     n->kind == SOPS_MAP)) < 0)
			return error;
		for (c = n->child; c != NULL; c = c->next) {
			if (c->kind == SOPS_COMMENT)
				continue;
			if ((error = json_emit_node(w, c)) < 0)
				return error;
		}
		return payload_writer_close(w);
	case SOPS_NULL:
		return payload_writer_raw(w, n->key, n->key_len, "null", 4);
	case SOPS_BOOL:
		t = n->value->len == 4 ? "true" : "false";
		return payload_writer_raw(w, n->key, n->key_len, t, strlen(t));
	case SOPS_INT:
		return payload_writer_raw(w, n->key, n->key_len,
			(const char *)n->value->data, n->value->len);
	case SOPS_FLOAT:
		if (n->value->len >= FLOAT_BUF)
			return hush_err_set(HUSH_ELIMIT, "JSON: float too long");
		memcpy(buf, n->value->data, n->value->len);
		buf[n->value->len] = '\0';
		if (!float_out(buf, buf, false))
			error = hush_err_set(HUSH_EPARSE,
				"JSON: unsupported value %s", buf);
		else
			error = payload_writer_raw(w, n->key, n->key_len, buf,
				strlen(buf));
		seal_wipe(buf, sizeof(buf));
		return error;
	default:
		return payload_writer_string(w, n->key, n->key_len,
			n->value->data, n->value->len);
	}
}

int sops_render_node_json(struct secret **out, const struct sops_node *n)
{
	struct payload_writer *w = NULL;
	struct sops_node top;
	int error;

	*out = NULL;
	if ((error = payload_writer_new(&w, RENDER_LIMIT)) < 0)
		return error;
	top = *n;
	top.key = NULL; /* the node is the top-level value */
	top.key_len = 0;
	if ((error = json_emit_node(w, &top)) == 0)
		error = payload_writer_finish(out, w);
	payload_writer_free(w);
	return error;
}

/* ---- dotenv, INI, binary ---- */

static int put(struct secret **s, const void *p, size_t len)
{
	return secret_append(s, p, len, RENDER_LIMIT);
}

static int put_str(struct secret **s, const char *p)
{
	return put(s, p, strlen(p));
}

static int render_dotenv(struct secret **out, const struct sops_node *doc)
{
	const struct sops_node *c;
	const unsigned char *v, *p, *nl;
	size_t left;
	int error = 0;

	for (c = doc->child; error == 0 && c != NULL; c = c->next) {
		if (c->kind == SOPS_MAP || c->kind == SOPS_LIST)
			return hush_err_set(HUSH_EPARSE,
				"dotenv: a complex value at \"%s\"", c->key);
		if (c->kind == SOPS_COMMENT) {
			if ((error = put_str(out, "#")) < 0 ||
			    (error = put(out, c->value->data,
				     c->value->len)) < 0)
				return error;
		} else {
			if ((error = put(out, c->key, c->key_len)) < 0 ||
			    (error = put_str(out, "=")) < 0)
				return error;
			if (c->kind == SOPS_NULL) {
				v = NULL;
				left = 0;
			} else {
				v = c->value->data;
				left = c->value->len;
			}
			for (p = v; left > 0 &&
			     (nl = memchr(p, '\n', left)) != NULL;) {
				if ((error = put(out, p, (size_t)(nl - p))) < 0 ||
				    (error = put_str(out, "\\n")) < 0)
					return error;
				left -= (size_t)(nl - p) + 1;
				p = nl + 1;
			}
			if (left > 0 && (error = put(out, p, left)) < 0)
				return error;
		}
		error = put_str(out, "\n");
	}
	return error;
}

static bool has_any(const unsigned char *s, size_t len, const char *set)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != '\0' && strchr(set, s[i]) != NULL)
			return true;
	}
	return false;
}

static bool ini_sp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
		c == '\f';
}

/* ini.v1 comment lines: "; text" or the marker kept, one per line. */
static int ini_comment_out(struct secret **out, const struct secret *v,
	bool trim_plain)
{
	const unsigned char *p = v->data, *end = v->data + v->len, *nl, *a, *b;
	int error;

	while (p <= end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		a = p;
		b = nl;
		if (a == b) {
			/* go would index an empty line; write it empty */
		} else if (*a == '#' || *a == ';') {
			if ((error = put(out, a, 1)) < 0 ||
			    (error = put_str(out, " ")) < 0)
				return error;
			a++;
			while (a < b && ini_sp(*a))
				a++;
			while (b > a && ini_sp(b[-1]))
				b--;
		} else {
			if ((error = put_str(out, "; ")) < 0)
				return error;
			if (trim_plain) {
				while (a < b && ini_sp(*a))
					a++;
				while (b > a && ini_sp(b[-1]))
					b--;
			}
		}
		if ((error = put(out, a, (size_t)(b - a))) < 0 ||
		    (error = put_str(out, "\n")) < 0)
			return error;
		p = nl + 1;
	}
	return 0;
}

static size_t ini_key_len(const struct sops_node *k)
{
	const unsigned char *s = (const unsigned char *)k->key;

	if (has_any(s, k->key_len, "\"=:"))
		return k->key_len + 2;
	if (has_any(s, k->key_len, "`"))
		return k->key_len + 6;
	return k->key_len;
}

static int ini_value_out(struct secret **out, const struct sops_node *k)
{
	const unsigned char *v = k->value != NULL ? k->value->data : NULL;
	size_t len = k->value != NULL ? k->value->len : 0;
	const char *q = "";
	int error;

	if (has_any(v, len, "\n`"))
		q = "\"\"\"";
	else if (has_any(v, len, "#;"))
		q = "`";
	else if (len > 0 && (ini_sp(v[0]) || ini_sp(v[len - 1])))
		q = "\"";
	if ((error = put_str(out, " = ")) < 0 || (error = put_str(out, q)) < 0 ||
	    (len > 0 && (error = put(out, v, len)) < 0) ||
	    (error = put_str(out, q)) < 0)
		return error;
	return put_str(out, "\n");
}

static int render_ini(struct secret **out, const struct sops_node *doc)
{
	const struct sops_node *sec, *k, *c, *first, *cm;
	size_t align, i, idx = 0, nkeys;
	int error = 0;

	for (sec = doc->child; sec != NULL; sec = sec->next, idx++) {
		if (sec->kind == SOPS_COMMENT) {
			idx--;
			continue;
		}
		if (sec->kind != SOPS_MAP)
			return hush_err_set(HUSH_EPARSE,
				"INI: section \"%s\" is not a map", sec->key);
		first = sec->child;
		if (first != NULL && first->kind == SOPS_COMMENT) {
			if ((error = ini_comment_out(out, first->value,
				     false)) < 0)
				return error;
			first = first->next;
		}
		align = 0;
		nkeys = 0;
		for (k = first; k != NULL; k = k->next) {
			if (k->kind == SOPS_COMMENT)
				continue;
			nkeys++;
			if (ini_key_len(k) > align)
				align = ini_key_len(k);
		}
		if (idx > 0 || strcmp(sec->key, "DEFAULT") != 0) {
			if ((error = put_str(out, "[")) < 0 ||
			    (error = put(out, sec->key, sec->key_len)) < 0 ||
			    (error = put_str(out, "]\n")) < 0)
				return error;
		} else if (nkeys == 0) {
			continue;
		}
		for (k = first; k != NULL; k = k->next) {
			if (k->kind == SOPS_COMMENT)
				continue;
			cm = NULL;
			for (c = k->next; c != NULL && c->kind == SOPS_COMMENT;
			     c = c->next)
				cm = c;
			if (cm != NULL && cm->value->len > 0 &&
			    (error = ini_comment_out(out, cm->value,
				     true)) < 0)
				return error;
			if (has_any((const unsigned char *)k->key, k->key_len,
				    "\"=:"))
				error = put_str(out, "`");
			else if (has_any((const unsigned char *)k->key,
					 k->key_len, "`"))
				error = put_str(out, "\"\"\"");
			if (error < 0 ||
			    (error = put(out, k->key, k->key_len)) < 0)
				return error;
			if (has_any((const unsigned char *)k->key, k->key_len,
				    "\"=:"))
				error = put_str(out, "`");
			else if (has_any((const unsigned char *)k->key,
					 k->key_len, "`"))
				error = put_str(out, "\"\"\"");
			for (i = ini_key_len(k); error == 0 && i < align; i++)
				error = put_str(out, " ");
			if (error < 0 || (error = ini_value_out(out, k)) < 0)
				return error;
		}
		/* ini.v1 >= 1.66.5 (PrettySection): a blank line between
		 * sections, none after the last one */
		for (c = sec->next; c != NULL && c->kind == SOPS_COMMENT;
		     c = c->next)
			;
		if (c != NULL && (error = put_str(out, "\n")) < 0)
			return error;
	}
	return 0;
}

int sops_render(struct secret **out, const struct sops_tree *t)
{
	const struct sops_node *data;
	struct secret *s = NULL;
	int error;

	*out = NULL;
	switch (t->format) {
	case SOPS_FORMAT_YAML:
		return render_yaml(out, t);
	case SOPS_FORMAT_JSON:
		return sops_render_node_json(out, t->docs);
	case SOPS_FORMAT_BINARY:
		data = map_get(t->docs, "data");
		if (data == NULL || data->value == NULL ||
		    (data->kind != SOPS_STR && data->kind != SOPS_BYTES))
			return hush_err_set(HUSH_EPARSE,
				"binary sops file: no string \"data\" value");
		error = put(&s, data->value->data, data->value->len);
		break;
	case SOPS_FORMAT_DOTENV:
		error = render_dotenv(&s, t->docs);
		break;
	case SOPS_FORMAT_INI:
		error = render_ini(&s, t->docs);
		break;
	default:
		return hush_err_set(HUSH_EUSAGE, "sops: unknown format");
	}
	if (error == 0 && s == NULL)
		error = secret_new(&s, 1);
	if (error < 0) {
		secret_free(s);
		return error;
	}
	*out = s;
	return 0;
}
