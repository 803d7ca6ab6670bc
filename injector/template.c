/* SPDX-License-Identifier: MIT */
/* template.c - "{{ .NAME }}" substitution into guarded memory; see template.h */
#include <string.h>

#include "config.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "template.h"

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

int template_walk(const char *where, const char *tmpl, template_piece_cb cb,
	void *payload)
{
	const char *p = tmpl, *open, *name, *end;
	size_t tlen = strlen(tmpl), nlen;
	int error;

	if (tlen > HUSH_MAX_INJECT_TEMPLATE)
		return hush_err_set(HUSH_ELIMIT,
			"%s: template longer than %u bytes "
			"(HUSH_MAX_INJECT_TEMPLATE)", where,
			(unsigned)HUSH_MAX_INJECT_TEMPLATE);
	while (*p) {
		open = strstr(p, "{{");
		if (open == NULL)
			open = p + strlen(p);
		if (open > p && (error = cb(p, (size_t)(open - p), false,
				payload)) < 0)
			return error;
		if (*open == '\0')
			break;
		name = open + 2;
		while (is_space(*name))
			name++;
		if (*name != '.')
			return hush_err_set(HUSH_EUSAGE,
				"%s: template: \"{{\" at byte %zu is not "
				"\"{{ .NAME }}\"", where, (size_t)(open - tmpl));
		name++;
		end = name;
		while ((*end >= 'A' && *end <= 'Z') ||
		       (*end >= 'a' && *end <= 'z') ||
		       (*end >= '0' && *end <= '9') || *end == '_')
			end++;
		nlen = (size_t)(end - name);
		if (!config_name_ok(name, nlen))
			return hush_err_set(HUSH_EUSAGE,
				"%s: template: bad secret name at byte %zu",
				where, (size_t)(name - tmpl));
		while (is_space(*end))
			end++;
		if (end[0] != '}' || end[1] != '}')
			return hush_err_set(HUSH_EUSAGE,
				"%s: template: \"{{ .%.*s\" at byte %zu is not "
				"closed by \"}}\"", where, (int)nlen, name,
				(size_t)(open - tmpl));
		if ((error = cb(name, nlen, true, payload)) < 0)
			return error;
		p = end + 2;
	}
	return 0;
}

struct render {
	const char *where;
	struct secret *out;
	template_lookup_cb lookup;
	void *payload;
	bool sizing;
	size_t need;
};

static int render_piece(const char *text, size_t len, bool is_name,
	void *payload)
{
	struct render *r = payload;
	const struct secret *s = NULL;
	const unsigned char *src = (const unsigned char *)text;

	if (is_name) {
		s = r->lookup(text, len, r->payload);
		if (s == NULL)
			return hush_err_set(HUSH_ENOTFOUND,
				"%s: template: secret %.*s has no value",
				r->where, (int)len, text);
		src = s->data;
		len = s->len;
	}
	if (r->sizing) {
		if (len > HUSH_MAX_INJECT_FILE - r->need)
			return hush_err_set(HUSH_ELIMIT,
				"%s: rendered template larger than %u bytes "
				"(HUSH_MAX_INJECT_FILE)", r->where,
				(unsigned)HUSH_MAX_INJECT_FILE);
		r->need += len;
		return 0;
	}
	/* the sizing pass saw the same values, so this fits */
	if (len > r->out->cap - r->out->len)
		return hush_err_set(HUSH_ERROR, "%s: template changed size",
			r->where);
	if (len > 0)
		memcpy(r->out->data + r->out->len, src, len);
	r->out->len += len;
	return 0;
}

int template_render(struct secret **out, const char *where, const char *tmpl,
	template_lookup_cb lookup, void *payload)
{
	struct render r = { where, NULL, lookup, payload, true, 0 };
	int error;

	*out = NULL;
	/* two passes: size, then copy, so no secret byte is ever realloc'd */
	if ((error = template_walk(where, tmpl, render_piece, &r)) < 0)
		goto done;
	if ((error = secret_new(&r.out, r.need)) < 0)
		goto done;
	r.sizing = false;
	if ((error = template_walk(where, tmpl, render_piece, &r)) < 0)
		goto done;
	*out = r.out;
	r.out = NULL;
done:
	secret_free(r.out);
	return error;
}
