/* SPDX-License-Identifier: MIT */
/* rules.c - YAML rule files -> rule table; the only file that includes <yaml.h> */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "rules.h"

void rules_init(struct rules *rs)
{
	rs->v = NULL;
	rs->len = 0;
	rs->alloc = 0;
}

int strlist_add(struct strlist *l, const char *s, size_t len)
{
	char **v, *copy;

	if ((copy = malloc(len + 1)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	memcpy(copy, s, len);
	copy[len] = '\0';
	if ((v = realloc(l->v, (l->len + 1) * sizeof(*v))) == NULL) {
		free(copy);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	v[l->len++] = copy;
	l->v = v;
	return 0;
}

void strlist_dispose(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->len = 0;
}

static void rule_dispose(struct rule *r)
{
	free(r->id);
	free(r->name);
	free(r->pattern);
	free(r->prefilter);
	free(r->description);
	free(r->confidence);
	free(r->file);
	strlist_dispose(&r->keywords);
	strlist_dispose(&r->references);
	strlist_dispose(&r->examples);
	strlist_dispose(&r->negatives);
	memset(r, 0, sizeof(*r));
}

void rules_dispose(struct rules *rs)
{
	size_t i;

	for (i = 0; i < rs->len; i++)
		rule_dispose(&rs->v[i]);
	free(rs->v);
	rules_init(rs);
}

const char *rules_severity_name(enum rule_severity s)
{
	switch (s) {
	case RULE_SEV_CRITICAL:
		return "critical";
	case RULE_SEV_HIGH:
		return "high";
	case RULE_SEV_MEDIUM:
		return "medium";
	case RULE_SEV_LOW:
		break;
	}
	return "low";
}

/* Everything below walks a libyaml document tree. */

struct ctx {
	yaml_document_t *doc;
	const char *file;
};

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
						  : NULL;
}

static unsigned node_line(yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

/* "FILE:LINE: rule ID: what" with what formatted from fmt */
static int bad(const struct ctx *c, yaml_node_t *n, const char *id,
	const char *fmt, ...) HUSH_PRINTF(4, 5);
static int bad(const struct ctx *c, yaml_node_t *n, const char *id,
	const char *fmt, ...)
{
	struct hush_buf b = HUSH_BUF_INIT(1024);
	va_list ap;

	va_start(ap, fmt);
	if (id)
		(void)hush_buf_printf(&b, "%s:%u: rule %s: ", c->file, node_line(n),
			id);
	else
		(void)hush_buf_printf(&b, "%s:%u: ", c->file, node_line(n));
	(void)hush_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	hush_err_set(HUSH_EPARSE, "%s", b.ptr ? b.ptr : "bad rule file");
	hush_buf_dispose(&b);
	return HUSH_EPARSE;
}

static int dup_scalar(char **out, const struct ctx *c, yaml_node_t *n,
	const char *id, const char *key)
{
	const char *s = scalar(n);

	if (!s)
		return bad(c, n, id, "'%s' must be a string", key);
	if (*out)
		return bad(c, n, id, "'%s' given twice", key);
	if ((*out = strdup(s)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	return 0;
}

static int get_list(struct strlist *out, const struct ctx *c, yaml_node_t *n,
	const char *id, const char *key)
{
	yaml_node_item_t *it;
	int error;

	if (n->type == YAML_SCALAR_NODE)
		return strlist_add(out, (const char *)n->data.scalar.value,
			n->data.scalar.length);
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(c, n, id, "'%s' must be a list of strings", key);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it);

		if (!e || e->type != YAML_SCALAR_NODE)
			return bad(c, e ? e : n, id, "'%s' must be a list of strings",
				key);
		if ((error = strlist_add(out, (const char *)e->data.scalar.value,
			     e->data.scalar.length)) < 0)
			return error;
	}
	return 0;
}

static int get_number(double *out, const struct ctx *c, yaml_node_t *n,
	const char *id, const char *key, double lo, double hi)
{
	const char *s = scalar(n);
	char *end = NULL;
	double d;

	errno = 0;
	d = s ? strtod(s, &end) : 0;
	if (!s || !*s || *end || errno || d < lo || d > hi)
		return bad(c, n, id, "'%s' must be a number from %g to %g", key,
			lo, hi);
	*out = d;
	return 0;
}

/* The id comes first so that every later message can name the rule. */
static const char *find_id(const struct ctx *c, yaml_node_t *m)
{
	yaml_node_pair_t *p;

	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(c->doc, p->key));

		if (k && strcmp(k, "id") == 0)
			return scalar(yaml_document_get_node(c->doc, p->value));
	}
	return NULL;
}

static bool valid_id(const char *id)
{
	const char *p;

	if (!*id || strlen(id) > 128)
		return false;
	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '.' || *p == '_' || *p == '-'))
			return false;
	return true;
}

static int parse_rule(struct rule *r, const struct ctx *c, yaml_node_t *m)
{
	const char *id;
	yaml_node_pair_t *p;
	double d;
	int error = 0;

	if (m->type != YAML_MAPPING_NODE)
		return bad(c, m, NULL, "each rule must be a mapping");
	if ((id = find_id(c, m)) == NULL)
		return bad(c, m, NULL, "rule has no 'id'");
	if (!valid_id(id))
		return bad(c, m, id, "%s",
			"id must be lowercase letters, digits, '.', '_' or '-'");
	r->line = node_line(m);
	r->window = HUSH_DEFAULT_PREFILTER_WINDOW;
	r->severity = RULE_SEV_HIGH;
	for (p = m->data.mapping.pairs.start;
	     p < m->data.mapping.pairs.top && error == 0; p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		const char *k = scalar(kn);

		if (!k || !vn) {
			error = bad(c, m, id, "keys must be strings");
		} else if (!strcmp(k, "id")) {
			error = dup_scalar(&r->id, c, vn, id, k);
		} else if (!strcmp(k, "name")) {
			error = dup_scalar(&r->name, c, vn, id, k);
		} else if (!strcmp(k, "pattern")) {
			error = dup_scalar(&r->pattern, c, vn, id, k);
		} else if (!strcmp(k, "prefilter")) {
			error = dup_scalar(&r->prefilter, c, vn, id, k);
		} else if (!strcmp(k, "description")) {
			error = dup_scalar(&r->description, c, vn, id, k);
		} else if (!strcmp(k, "confidence")) {
			error = dup_scalar(&r->confidence, c, vn, id, k);
			if (!error && strcmp(r->confidence, "high") &&
			    strcmp(r->confidence, "medium") &&
			    strcmp(r->confidence, "low"))
				error = bad(c, vn, id,
					"confidence must be high, medium or low");
		} else if (!strcmp(k, "severity")) {
			const char *s = scalar(vn);

			if (s && !strcmp(s, "critical"))
				r->severity = RULE_SEV_CRITICAL;
			else if (s && !strcmp(s, "high"))
				r->severity = RULE_SEV_HIGH;
			else if (s && !strcmp(s, "medium"))
				r->severity = RULE_SEV_MEDIUM;
			else if (s && !strcmp(s, "low"))
				r->severity = RULE_SEV_LOW;
			else
				error = bad(c, vn, id,
					"severity must be critical, high, medium or low");
		} else if (!strcmp(k, "min_entropy")) {
			error = get_number(&r->min_entropy, c, vn, id, k, 0, 8);
		} else if (!strcmp(k, "window")) {
			error = get_number(&d, c, vn, id, k, 1,
				HUSH_MAX_PREFILTER_WINDOW);
			r->window = (unsigned)d;
		} else if (!strcmp(k, "keywords")) {
			error = get_list(&r->keywords, c, vn, id, k);
		} else if (!strcmp(k, "references")) {
			error = get_list(&r->references, c, vn, id, k);
		} else if (!strcmp(k, "examples")) {
			error = get_list(&r->examples, c, vn, id, k);
		} else if (!strcmp(k, "negative_examples")) {
			error = get_list(&r->negatives, c, vn, id, k);
		} else if (!strcmp(k, "categories") || !strcmp(k, "tags")) {
			struct strlist ignored = { NULL, 0 };

			/* accepted for Nosey Parker compatibility */
			error = get_list(&ignored, c, vn, id, k);
			strlist_dispose(&ignored);
		} else {
			error = bad(c, kn, id, "unknown key '%.100s'", k);
		}
	}
	if (error)
		return error;
	if (!r->name)
		return bad(c, m, id, "rule has no 'name'");
	if (!r->pattern || !*r->pattern)
		return bad(c, m, id, "rule has no 'pattern'");
	if (strlen(r->pattern) > HUSH_MAX_PATTERN ||
	    (r->prefilter && strlen(r->prefilter) > HUSH_MAX_PATTERN))
		return bad(c, m, id, "pattern is longer than HUSH_MAX_PATTERN");
	if (r->prefilter && !*r->prefilter)
		return bad(c, m, id, "'prefilter' is empty");
	if (r->examples.len == 0)
		return bad(c, m, id, "rule has no 'examples'");
	if (r->negatives.len == 0)
		return bad(c, m, id, "rule has no 'negative_examples'");
	if (!r->confidence && (r->confidence = strdup("high")) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	if ((r->file = strdup(c->file)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	return 0;
}

static int add_rule(struct rules *rs, struct rule **out)
{
	struct rule *v;
	size_t n;

	if (rs->len >= HUSH_MAX_RULES)
		return hush_err_set(HUSH_ELIMIT,
			"more than %u rules (HUSH_MAX_RULES)", HUSH_MAX_RULES);
	if (rs->len == rs->alloc) {
		n = rs->alloc ? rs->alloc * 2 : 256;
		if ((v = realloc(rs->v, n * sizeof(*v))) == NULL)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		rs->v = v;
		rs->alloc = n;
	}
	*out = &rs->v[rs->len];
	memset(*out, 0, sizeof(**out));
	return 0;
}

int rules_add_check(struct rules *rs, const char *id, const char *name,
	enum rule_severity severity, const char *description)
{
	struct rule *r = NULL;
	int error;

	if ((error = add_rule(rs, &r)) < 0)
		return error;
	r->id = strdup(id);
	r->name = strdup(name);
	r->description = description ? strdup(description) : NULL;
	r->confidence = strdup("high");
	r->file = strdup("(built in)");
	r->severity = severity;
	if (!r->id || !r->name || !r->confidence || !r->file ||
	    (description && !r->description)) {
		rule_dispose(r);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	rs->len++;
	return 0;
}

const struct rule *rules_find(const struct rules *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->len; i++)
		if (!strcmp(rs->v[i].id, id))
			return &rs->v[i];
	return NULL;
}

int rules_load_buffer(struct rules *rs, const char *name,
	const unsigned char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *list = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	struct ctx c = { &doc, name };
	size_t first = rs->len;
	bool have_doc = false;
	int error = HUSH_EPARSE;

	if (!yaml_parser_initialize(&parser))
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		error = hush_err_set(HUSH_EPARSE, "%s:%zu: yaml error: %s", name,
			parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "malformed document");
		goto done;
	}
	have_doc = true;
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		error = hush_err_set(HUSH_EPARSE, "%s: empty rule file", name);
		goto done;
	}
	if (root->type != YAML_MAPPING_NODE) {
		error = bad(&c, root, NULL, "top level must be a mapping with 'rules:'");
		goto done;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(yaml_document_get_node(&doc, p->key));

		if (k && !strcmp(k, "rules"))
			list = yaml_document_get_node(&doc, p->value);
	}
	if (!list || list->type != YAML_SEQUENCE_NODE) {
		error = bad(&c, root, NULL, "'rules' must be a list");
		goto done;
	}
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top;
	     it++) {
		struct rule *r = NULL;

		if ((error = add_rule(rs, &r)) < 0)
			goto done;
		rs->len++;
		if ((error = parse_rule(r, &c, yaml_document_get_node(&doc, *it))) < 0)
			goto done;
	}
	error = 0;
done:
	if (error < 0) {
		/* nothing half-parsed stays in the table */
		while (rs->len > first)
			rule_dispose(&rs->v[--rs->len]);
	}
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return error;
}

int rules_load_file(struct rules *rs, const char *path)
{
	struct hush_buf b;
	int error;

	if ((error = hush_fs_read_all(&b, path, HUSH_MAX_RULE_FILE,
		     "HUSH_MAX_RULE_FILE")) < 0)
		return error;
	error = rules_load_buffer(rs, path,
		(const unsigned char *)(b.ptr ? b.ptr : ""), b.len);
	hush_buf_dispose(&b);
	return error;
}

int rules_load_embedded(struct rules *rs)
{
	const struct rules_embedded *e;
	int error;

	for (e = rules_embedded; e->name; e++)
		if ((error = rules_load_buffer(rs, e->name, e->data, e->len)) < 0)
			return error;
	return 0;
}

static int cmp_idx(size_t x, size_t y, const struct rules *r)
{
	return strcmp(r->v[x].id, r->v[y].id);
}

/* A small merge sort, since qsort_r is not in C11/POSIX. */
static void sort_idx(size_t *v, size_t *tmp, size_t n, const struct rules *rs)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	sort_idx(v, tmp, mid, rs);
	sort_idx(v + mid, tmp, n - mid, rs);
	while (i < mid && j < n)
		tmp[k++] = cmp_idx(v[j], v[i], rs) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

int rules_check_unique(const struct rules *rs)
{
	size_t *idx, *tmp, i;
	int error = 0;

	if (rs->len < 2)
		return 0;
	idx = malloc(rs->len * sizeof(*idx));
	tmp = malloc(rs->len * sizeof(*tmp));
	if (!idx || !tmp) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < rs->len; i++)
		idx[i] = i;
	sort_idx(idx, tmp, rs->len, rs);
	for (i = 1; i < rs->len; i++) {
		const struct rule *a = &rs->v[idx[i - 1]], *b = &rs->v[idx[i]];

		if (strcmp(a->id, b->id) == 0) {
			if (idx[i - 1] > idx[i]) {
				const struct rule *t = a;

				a = b;
				b = t;
			}
			error = hush_err_set(HUSH_EPARSE,
				"%s:%u: rule %s: duplicate id (first defined at %s:%u)",
				b->file, b->line, b->id, a->file, a->line);
			break;
		}
	}
done:
	free(idx);
	free(tmp);
	return error;
}

static bool in_list(const struct strlist *ids, const char *id)
{
	size_t i, n = strlen(id);

	for (i = 0; i < ids->len; i++) {
		const char *s = ids->v[i];

		while (*s) {
			size_t w = strcspn(s, ",");

			if (w == n && memcmp(s, id, n) == 0)
				return true;
			s += w;
			if (*s == ',')
				s++;
		}
	}
	return false;
}

int rules_keep_only(struct rules *rs, const struct strlist *ids)
{
	size_t i, j = 0;

	for (i = 0; i < rs->len; i++) {
		if (in_list(ids, rs->v[i].id))
			rs->v[j++] = rs->v[i];
		else
			rule_dispose(&rs->v[i]);
	}
	rs->len = j;
	if (j == 0)
		return hush_err_set(HUSH_EUSAGE, "--only matches no rule id");
	return 0;
}
