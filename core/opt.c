/* SPDX-License-Identifier: MIT */
/* opt.c - table-driven, reentrant command-line parsing and help text */
#include <string.h>

#include "hush/err.h"
#include "hush/opt.h"

void hush_opt_parser_init(struct hush_opt_parser *p, const struct hush_opt *opts,
	int argc, char **argv)
{
	p->opts = opts;
	p->argc = argc;
	p->argv = argv;
	p->idx = 0;
	p->rest = NULL;
	p->done = false;
}

static const struct hush_opt *find_long(const struct hush_opt *o,
	const char *name, size_t len)
{
	for (; o->name; o++)
		if (strlen(o->name) == len && memcmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct hush_opt *find_short(const struct hush_opt *o, int c)
{
	for (; o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

static int next_short(struct hush_opt_parser *p, const char **value)
{
	const struct hush_opt *o = find_short(p->opts, (unsigned char)*p->rest);
	int c = (unsigned char)*p->rest;

	p->rest++;
	if (!o) {
		p->rest = NULL;
		return hush_err_set(HUSH_OPT_ERROR, "unknown option '-%c'", c);
	}
	if (o->arg == HUSH_OPT_NONE) {
		if (!*p->rest)
			p->rest = NULL;
		return o->id;
	}
	if (*p->rest) {
		*value = p->rest;
	} else if (p->idx < p->argc) {
		*value = p->argv[p->idx++];
	} else {
		p->rest = NULL;
		return hush_err_set(HUSH_OPT_ERROR, "option '-%c' needs a value", c);
	}
	p->rest = NULL;
	return o->id;
}

int hush_opt_next(struct hush_opt_parser *p, const char **value,
	bool stop_at_dashdash)
{
	const struct hush_opt *o;
	const char *a, *eq;

	*value = NULL;
	if (p->rest)
		return next_short(p, value);
	if (p->idx >= p->argc)
		return HUSH_OPT_END;
	a = p->argv[p->idx++];
	if (p->done || a[0] != '-' || a[1] == '\0') {
		*value = a;
		return HUSH_OPT_ARG;
	}
	if (a[1] != '-') {
		p->rest = a + 1;
		return next_short(p, value);
	}
	if (a[2] == '\0') {
		if (stop_at_dashdash)
			return HUSH_OPT_END;
		p->done = true;
		return hush_opt_next(p, value, stop_at_dashdash);
	}
	a += 2;
	eq = strchr(a, '=');
	o = find_long(p->opts, a, eq ? (size_t)(eq - a) : strlen(a));
	if (!o)
		return hush_err_set(HUSH_OPT_ERROR, "unknown option '--%.*s'",
			eq ? (int)(eq - a) : (int)strlen(a), a);
	if (o->arg == HUSH_OPT_NONE) {
		if (eq)
			return hush_err_set(HUSH_OPT_ERROR,
				"option '--%s' takes no value", o->name);
		return o->id;
	}
	if (eq) {
		*value = eq + 1;
	} else if (p->idx < p->argc) {
		*value = p->argv[p->idx++];
	} else {
		return hush_err_set(HUSH_OPT_ERROR, "option '--%s' needs a value",
			o->name);
	}
	return o->id;
}

void hush_opt_help(FILE *f, const struct hush_opt *opts)
{
	const struct hush_opt *o;

	for (o = opts; o->name; o++) {
		char left[64];
		int n;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c, --%s%s%s",
				o->short_name, o->name, o->argname ? " " : "",
				o->argname ? o->argname : "");
		else
			n = snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				o->argname ? " " : "", o->argname ? o->argname : "");
		if (n < 0 || (size_t)n >= sizeof(left))
			fprintf(f, "  %s\n%30s%s\n", left, "", o->help);
		else
			fprintf(f, "  %-28s%s\n", left, o->help);
	}
}
