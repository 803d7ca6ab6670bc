/* SPDX-License-Identifier: MIT */
/* finding.c - ownership of findings and their list */
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "hush/err.h"

void finding_dispose(struct finding *f)
{
	if (f->secret) {
		/* the scanner's copy of a secret does not outlive the run */
		memset(f->secret, 0, f->secret_len);
		free(f->secret);
	}
	free(f->path);
	free(f->message);
	free(f->before);
	free(f->after);
	for (size_t i = 0; i < f->nattrs; i++) {
		free(f->attrs[i].key);
		free(f->attrs[i].value);
	}
	free(f->attrs);
	memset(f, 0, sizeof(*f));
}

int finding_attr_add(struct finding *f, const char *key, const char *value)
{
	struct finding_attr *v;
	char *k, *val;

	if (f->nattrs >= 64)
		return hush_err_set(HUSH_ELIMIT, "more than 64 attributes on one finding");
	v = realloc(f->attrs, (f->nattrs + 1) * sizeof(*v));
	if (v == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	f->attrs = v;
	k = strdup(key);
	val = strdup(value);
	if (k == NULL || val == NULL) {
		free(k);
		free(val);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	v[f->nattrs].key = k;
	v[f->nattrs].value = val;
	f->nattrs++;
	return 0;
}

static int reserve(struct findings *l, size_t add)
{
	struct finding *v;
	size_t n;

	if (l->len + add <= l->alloc)
		return 0;
	n = l->alloc ? l->alloc : 16;
	while (n < l->len + add)
		n *= 2;
	if ((v = realloc(l->v, n * sizeof(*v))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	l->v = v;
	l->alloc = n;
	return 0;
}

int findings_push(struct findings *l, struct finding *f)
{
	int error;

	if ((error = reserve(l, 1)) < 0) {
		finding_dispose(f);
		return error;
	}
	l->v[l->len++] = *f;
	memset(f, 0, sizeof(*f));
	return 0;
}

int findings_move(struct findings *dst, struct findings *src)
{
	int error;

	if (src->len == 0)
		return 0;
	if ((error = reserve(dst, src->len)) < 0)
		return error;
	memcpy(dst->v + dst->len, src->v, src->len * sizeof(*src->v));
	dst->len += src->len;
	src->len = 0;
	return 0;
}

void findings_dispose(struct findings *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		finding_dispose(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->len = l->alloc = 0;
}

int finding_cmp_place(const struct finding *a, const struct finding *b)
{
	int c;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if ((c = strcmp(a->path, b->path)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return (int)a->decoded - (int)b->decoded;
}

int finding_cmp(const struct finding *a, const struct finding *b)
{
	int c = strcmp(a->fingerprint, b->fingerprint);

	return c ? c : finding_cmp_place(a, b);
}
