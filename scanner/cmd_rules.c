/* SPDX-License-Identifier: MIT */
/*
 * cmd_rules.c - `hush rules list|check|export`. check compiles every rule
 * and verifies that each example is found by its own rule and each negative
 * example by no rule, then prints each rule's cost on a fixed sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "digest.h"
#include "engine.h"
#include "hush/err.h"
#include "hush/log.h"
#include "hush/opt.h"

enum { R_HELP = 1, R_VERBOSE, R_QUIET, R_RULES };

static const struct hush_opt rules_opts[] = {
	{ "rules", 0, HUSH_OPT_VALUE, "FILE", "list: add the rules in FILE (repeatable)", R_RULES },
	{ "verbose", 'v', HUSH_OPT_NONE, NULL, "check: print the cost of every rule", R_VERBOSE },
	{ "quiet", 'q', HUSH_OPT_NONE, NULL, "check: print failures only", R_QUIET },
	{ "help", 'h', HUSH_OPT_NONE, NULL, "show this help", R_HELP },
	{ NULL, 0, HUSH_OPT_NONE, NULL, NULL, 0 },
};

static void rules_help(void)
{
	printf("usage: hush rules list [--rules FILE]\n"
	       "       hush rules check [-v] [FILE...]\n"
	       "       hush rules export\n\n"
	       "list    one line per rule: id, severity, name\n"
	       "check   compile the embedded rules (or only FILE...), check that\n"
	       "        each example is found by its rule and each negative\n"
	       "        example by none, and print the slowest rules on a fixed\n"
	       "        sample; exit 1 when an example fails\n"
	       "export  each rule's pattern, one per line (for grep -E / rg)\n\n"
	       "Options:\n");
	hush_opt_help(stdout, rules_opts);
}

struct hits {
	unsigned char *seen; /* per rule */
	size_t any;
};

static int on_hit(const struct engine_match *m, void *payload)
{
	struct hits *h = payload;

	h->seen[m->rule] = 1;
	h->any++;
	return 0;
}

/* A fixed, deterministic sample: prose, code, hex and base64-ish runs. */
static unsigned char *make_sample(size_t len)
{
	static const char *const words[] = {
		"the", "config", "password", "token", "secret", "key", "return",
		"int", "static", "const", "value", "user", "name", "http://",
		"https://", "=", ":", "{", "}", "\"", "'", "api", "auth", "id",
		"data", "file", "path", "error", "\n", "\n", "    ", "export",
	};
	static const char alnum[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char *s = malloc(len);
	unsigned long long x = 88172645463325252ull;
	size_t i = 0;

	if (!s)
		return NULL;
	while (i < len) {
		size_t k, n;
		const char *w;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (x % 7 == 0) {
			n = 8 + x % 40;
			for (k = 0; k < n && i < len; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				s[i++] = (unsigned char)alnum[x % 64];
			}
		} else {
			w = words[x % (sizeof(words) / sizeof(*words))];
			for (k = 0; w[k] && i < len; k++)
				s[i++] = (unsigned char)w[k];
		}
		if (i < len)
			s[i++] = ' ';
	}
	return s;
}

struct cost {
	size_t rule;
	double seconds;
	size_t candidates;
};

static int cmp_cost(const void *a, const void *b)
{
	const struct cost *x = a, *y = b;

	return x->seconds < y->seconds ? 1 : x->seconds > y->seconds ? -1 : 0;
}

static void print_costs(const struct rules *rs, bool all)
{
	const size_t len = 1024 * 1024;
	unsigned char *sample = make_sample(len);
	struct cost *c = calloc(rs->len, sizeof(*c));
	size_t i, n;

	if (!sample || !c)
		goto done;
	for (i = 0; i < rs->len; i++) {
		c[i].rule = i;
		if (engine_rule_cost(rs, i, sample, len, &c[i].seconds,
			    &c[i].candidates) < 0)
			c[i].seconds = 0;
	}
	qsort(c, rs->len, sizeof(*c), cmp_cost);
	n = all ? rs->len : (rs->len < 10 ? rs->len : 10);
	printf("cost on a fixed 1 MiB sample (Hyperscan pass, %s):\n",
		all ? "every rule" : "slowest 10; -v for all");
	for (i = 0; i < n; i++)
		printf("  %-40s %8.0f MB/s %7zu candidates\n",
			rs->v[c[i].rule].id,
			c[i].seconds > 0 ? (double)len / 1e6 / c[i].seconds : 0.0,
			c[i].candidates);
done:
	free(sample);
	free(c);
}

static int check(struct rules *rs, bool verbose, bool quiet, size_t *failures)
{
	struct engine_opts eo = { NULL, true, true };
	struct engine *e = NULL;
	struct engine_worker *w = NULL;
	struct hits h = { NULL, 0 };
	size_t i, j, k, examples = 0;
	int error;

	*failures = 0;
	if ((error = rules_check_unique(rs)) < 0)
		goto done;
	if ((error = engine_new(&e, rs, &eo)) < 0 ||
	    (error = engine_worker_new(&w, e)) < 0)
		goto done;
	if ((h.seen = calloc(rs->len, 1)) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < rs->len; i++) {
		const struct rule *r = &rs->v[i];

		for (j = 0; j < r->examples.len + r->negatives.len; j++) {
			bool neg = j >= r->examples.len;
			const char *ex = neg ? r->negatives.v[j - r->examples.len]
					     : r->examples.v[j];

			memset(h.seen, 0, rs->len);
			h.any = 0;
			examples++;
			error = engine_scan(w, (const unsigned char *)ex, strlen(ex),
				on_hit, &h);
			if (error < 0)
				goto done;
			if (!neg && !h.seen[i]) {
				(*failures)++;
				fprintf(stderr, "hush: %s:%u: rule %s: example %zu is not found: %s\n",
					r->file, r->line, r->id, j + 1, ex);
			}
			if (neg && h.any) {
				for (k = 0; k < rs->len; k++)
					if (h.seen[k])
						break;
				(*failures)++;
				fprintf(stderr, "hush: %s:%u: rule %s: negative example %zu is found by rule %s: %s\n",
					r->file, r->line, r->id,
					j - r->examples.len + 1, rs->v[k].id, ex);
			}
		}
	}
	if (!quiet) {
		printf("%zu rules, %zu examples checked, %zu failure%s\n", rs->len,
			examples, *failures, *failures == 1 ? "" : "s");
		print_costs(rs, verbose);
	}
	error = 0;
done:
	free(h.seen);
	engine_worker_free(w);
	engine_free(e);
	return error;
}

struct cmd_result cmd_rules(int argc, char **argv)
{
	struct cmd_result res = { 0, 0, false, false };
	struct hush_opt_parser p;
	struct strlist args = { NULL, 0 }, files = { NULL, 0 };
	struct rules rs;
	const char *v;
	bool verbose = false, quiet = false;
	size_t i, failures = 0;
	int id, error = 0;

	rules_init(&rs);
	hush_opt_parser_init(&p, rules_opts, argc, argv);
	while ((id = hush_opt_next(&p, &v, false)) != HUSH_OPT_END) {
		if (id == HUSH_OPT_ERROR) {
			error = HUSH_EUSAGE;
			goto done;
		} else if (id == HUSH_OPT_ARG) {
			error = strlist_add(&args, v, strlen(v));
		} else if (id == R_RULES) {
			error = strlist_add(&files, v, strlen(v));
		} else if (id == R_VERBOSE) {
			verbose = true;
		} else if (id == R_QUIET) {
			quiet = true;
		} else if (id == R_HELP) {
			rules_help();
			res.done = true;
			goto done;
		}
		if (error < 0)
			goto done;
	}
	if (args.len == 0) {
		error = hush_err_set(HUSH_EUSAGE, "rules: say list, check or export");
		goto done;
	}
	if ((error = digest_init()) < 0)
		goto done;
	if (!strcmp(args.v[0], "check") && args.len > 1) {
		for (i = 1; i < args.len; i++)
			if ((error = rules_load_file(&rs, args.v[i])) < 0)
				goto done;
	} else if (args.len > 1) {
		error = hush_err_set(HUSH_EUSAGE, "rules %s: unexpected argument '%s'",
			args.v[0], args.v[1]);
		goto done;
	} else {
		if ((error = rules_load_embedded(&rs)) < 0)
			goto done;
		for (i = 0; i < files.len; i++)
			if ((error = rules_load_file(&rs, files.v[i])) < 0)
				goto done;
	}
	if ((error = rules_check_unique(&rs)) < 0)
		goto done;
	if (!strcmp(args.v[0], "list")) {
		for (i = 0; i < rs.len; i++)
			printf("%-40s %-8s %s\n", rs.v[i].id,
				rules_severity_name(rs.v[i].severity), rs.v[i].name);
		hush_log_info("%zu rules", rs.len);
	} else if (!strcmp(args.v[0], "export")) {
		for (i = 0; i < rs.len; i++)
			printf("%s\n", rs.v[i].pattern);
	} else if (!strcmp(args.v[0], "check")) {
		if ((error = check(&rs, verbose, quiet, &failures)) < 0)
			goto done;
		res.findings = failures;
	} else {
		error = hush_err_set(HUSH_EUSAGE, "rules: unknown action '%s'",
			args.v[0]);
	}
done:
	if (error < 0)
		res.error = error;
	strlist_dispose(&args);
	strlist_dispose(&files);
	rules_dispose(&rs);
	if (fflush(stdout) != 0 && res.error == 0)
		res.error = hush_err_set(HUSH_EIO, "cannot write to stdout");
	return res;
}
