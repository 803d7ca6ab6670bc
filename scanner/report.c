/* SPDX-License-Identifier: MIT */
/* report.c - text, json, jsonl and sarif 2.1.0 output; redaction and grouping */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hush/buf.h"
#include "hush/err.h"
#include "hush/version.h"
#include "report.h"

int report_format_parse(enum report_format *out, const char *s)
{
	if (!strcmp(s, "text"))
		*out = REPORT_TEXT;
	else if (!strcmp(s, "json"))
		*out = REPORT_JSON;
	else if (!strcmp(s, "jsonl"))
		*out = REPORT_JSONL;
	else if (!strcmp(s, "sarif"))
		*out = REPORT_SARIF;
	else
		return hush_err_set(HUSH_EUSAGE,
			"unknown format '%s' (text, json, jsonl or sarif)", s);
	return 0;
}

void report_redact(char *out, const char *secret, size_t len)
{
	size_t keep = len > 8 ? 4 : 0, stars = len - keep, i, n = 0;

	if (stars > REPORT_REDACT_MAX - 1 - keep)
		stars = REPORT_REDACT_MAX - 1 - keep;
	for (i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)secret[i];

		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
	}
	for (i = 0; i < stars; i++)
		out[n++] = '*';
	out[n] = '\0';
}

/* Findings sort by fingerprint, then place, so that groups are runs. */
static int cmp_fp(const void *x, const void *y)
{
	return finding_cmp(x, y);
}

struct group {
	struct finding *first;
	size_t n;
};

static int cmp_group(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	int c = finding_cmp_place(a->first, b->first);

	if (c)
		return c;
	return strcmp(a->first->rule->id, b->first->rule->id);
}

static int make_groups(struct group **out, size_t *n, struct findings *fs)
{
	struct group *g;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (fs->len == 0)
		return 0;
	qsort(fs->v, fs->len, sizeof(*fs->v), cmp_fp);
	if ((g = calloc(fs->len, sizeof(*g))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	for (i = 0; i < fs->len; i++) {
		if (k && !strcmp(g[k - 1].first->fingerprint, fs->v[i].fingerprint)) {
			g[k - 1].n++;
			continue;
		}
		g[k].first = &fs->v[i];
		g[k].n = 1;
		k++;
	}
	qsort(g, k, sizeof(*g), cmp_group);
	*out = g;
	*n = k;
	return 0;
}

/* JSON string with UTF-8 validated; bad bytes become U+FFFD. */
static void json_str(FILE *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;

	fputc('"', o);
	while (p < e) {
		unsigned char c = *p;
		size_t n = 0, i;

		if (c == '"' || c == '\\') {
			fputc('\\', o);
			fputc(c, o);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n':
				fputs("\\n", o);
				break;
			case '\r':
				fputs("\\r", o);
				break;
			case '\t':
				fputs("\\t", o);
				break;
			default:
				fprintf(o, "\\u%04x", c);
			}
			p++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, o);
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		for (i = 1; n && i <= n; i++)
			if (p + i >= e || (p[i] & 0xc0) != 0x80)
				n = 0;
		/* overlongs and surrogates */
		if (n == 2 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
			n = 0;
		if (n == 3 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
			n = 0;
		if (!n) {
			fputs("\\ufffd", o);
			p++;
			continue;
		}
		fwrite(p, 1, n + 1, o);
		p += n + 1;
	}
	fputc('"', o);
}

static void json_cstr(FILE *o, const char *s)
{
	json_str(o, s, strlen(s));
}

static void shown_secret(char *buf, size_t cap, const struct finding *f,
	const struct report_opts *opts, const char **s, size_t *n)
{
	(void)cap;
	if (opts->show_secrets) {
		*s = f->secret;
		*n = f->secret_len;
	} else {
		report_redact(buf, f->secret, f->secret_len);
		*s = buf;
		*n = strlen(buf);
	}
}

/* A check may rate one finding above or below its rule's default. */
static enum rule_severity sev_of(const struct finding *f)
{
	return f->has_severity ? (enum rule_severity)f->severity
			       : f->rule->severity;
}

static const char *sev_color(enum rule_severity sev)
{
	switch (sev) {
	case RULE_SEV_CRITICAL:
		return "\033[1;31m";
	case RULE_SEV_HIGH:
		return "\033[31m";
	case RULE_SEV_MEDIUM:
		return "\033[33m";
	case RULE_SEV_LOW:
		break;
	}
	return "\033[36m";
}

/* The secret as one display line: newlines and controls become '.'. */
static void text_secret(FILE *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c >= 0x20 && c != 0x7f ? c : '.', o);
	}
	if (n > 200)
		fputs("...", o);
}

/* The value of a place's attribute key, or NULL. */
static const char *attr_of(const struct finding *f, const char *key)
{
	for (size_t i = 0; i < f->nattrs; i++)
		if (!strcmp(f->attrs[i].key, key))
			return f->attrs[i].value;
	return NULL;
}

/* " in commit ID" after an "also at" place from git history */
static void text_also_commit(FILE *o, const struct finding *a)
{
	const char *commit = attr_of(a, "commit");

	if (commit)
		fprintf(o, " in commit %.12s", commit);
	else if (a->kind && !strcmp(a->kind, "unreachable"))
		fputs(" (unreachable)", o);
}

/* a source's attributes of the first place, "    key value" */
static void text_attrs(FILE *o, const struct finding *f)
{
	for (size_t i = 0; i < f->nattrs; i++) {
		fprintf(o, "    %-6s ", f->attrs[i].key);
		text_secret(o, f->attrs[i].value, strlen(f->attrs[i].value));
		fputc('\n', o);
	}
}

static void write_text(FILE *o, const struct group *g, size_t ng,
	const struct report_opts *opts)
{
	const char *bold = opts->color ? "\033[1m" : "";
	const char *reset = opts->color ? "\033[0m" : "";
	size_t i, j;

	for (i = 0; i < ng; i++) {
		const struct finding *f = g[i].first;
		const struct rule *r = f->rule;
		char red[REPORT_REDACT_MAX];
		const char *s;
		size_t n;

		fprintf(o, "%s%s:%zu:%zu%s: %s%s%s [%s] %s\n", bold, f->path, f->line,
			f->column, reset, opts->color ? sev_color(sev_of(f)) : "",
			r->id, reset, rules_severity_name(sev_of(f)), r->name);
		text_attrs(o, f);
		if (f->message) {
			fprintf(o, "    %s\n", f->message);
			fprintf(o, "    fingerprint %s\n", f->fingerprint);
			for (j = 1; j < g[i].n; j++)
				fprintf(o, "    also at %s:%zu:%zu\n",
					g[i].first[j].path, g[i].first[j].line,
					g[i].first[j].column);
			fputc('\n', o);
			continue;
		}
		shown_secret(red, sizeof(red), f, opts, &s, &n);
		fputs("    secret ", o);
		text_secret(o, s, n);
		fprintf(o, "%s\n", f->decoded ? " (base64-decoded)" : "");
		if (!f->decoded) {
			fprintf(o, "    line   %s", f->before);
			text_secret(o, s, n);
			fprintf(o, "%s\n", f->after);
		}
		fprintf(o, "    fingerprint %s\n", f->fingerprint);
		for (j = 1; j < g[i].n; j++) {
			const struct finding *a = &g[i].first[j];

			fprintf(o, "    also at %s:%zu:%zu%s", a->path, a->line,
				a->column, a->decoded ? " (base64-decoded)" : "");
			text_also_commit(o, a);
			fputc('\n', o);
		}
		fputc('\n', o);
	}
}

/* before + secret + after as one JSON string */
static void json_snippet(FILE *o, const struct finding *a, const char *s,
	size_t n)
{
	struct hush_buf b = HUSH_BUF_INIT(64 * 1024);

	if (hush_buf_puts(&b, a->before) == 0 && hush_buf_put(&b, s, n) == 0 &&
	    hush_buf_puts(&b, a->after) == 0)
		json_str(o, b.ptr, b.len);
	else
		json_cstr(o, "");
	hush_buf_dispose(&b);
}

static void json_group(FILE *o, const struct group *g,
	const struct report_opts *opts)
{
	const struct finding *f = g->first;
	const struct rule *r = f->rule;
	char red[REPORT_REDACT_MAX];
	const char *s = NULL;
	size_t n = 0, j;

	if (!f->message)
		shown_secret(red, sizeof(red), f, opts, &s, &n);
	fputs("{\"rule_id\":", o);
	json_cstr(o, r->id);
	fputs(",\"rule_name\":", o);
	json_cstr(o, r->name);
	fprintf(o, ",\"severity\":\"%s\",\"confidence\":",
		rules_severity_name(sev_of(f)));
	json_cstr(o, r->confidence);
	fprintf(o, ",\"fingerprint\":\"%s\"", f->fingerprint);
	if (f->message) {
		fputs(",\"message\":", o);
		json_cstr(o, f->message);
	} else {
		fprintf(o, ",\"secret_sha256\":\"%s\",\"secret\":", f->secret_sha256);
		json_str(o, s, n);
		fprintf(o, ",\"redacted\":%s", opts->show_secrets ? "false" : "true");
	}
	fprintf(o, ",\"count\":%zu,\"locations\":[", g->n);
	for (j = 0; j < g->n; j++) {
		const struct finding *a = &g->first[j];

		fputs(j ? ",{\"kind\":" : "{\"kind\":", o);
		json_cstr(o, a->kind ? a->kind : "file");
		fputs(",\"path\":", o);
		json_cstr(o, a->path);
		for (size_t k = 0; k < a->nattrs; k++) {
			fputc(',', o);
			json_cstr(o, a->attrs[k].key);
			fputc(':', o);
			json_cstr(o, a->attrs[k].value);
		}
		fprintf(o, ",\"line\":%zu,\"column\":%zu", a->line, a->column);
		if (a->decoded)
			fputs(",\"decoded\":\"base64\"", o);
		else if (!a->message) {
			fputs(",\"snippet\":", o);
			json_snippet(o, a, s, n);
		}
		fputc('}', o);
	}
	fputs("]}", o);
}

static void write_json(FILE *o, const struct group *g, size_t ng,
	const char *const *warnings, size_t nwarnings,
	const struct scan_stats *st, const struct report_opts *opts,
	size_t total)
{
	size_t i;

	fprintf(o, "{\"tool\":{\"name\":\"hush\",\"version\":\"%s\"},\n\"findings\":[",
		HUSH_VERSION);
	for (i = 0; i < ng; i++) {
		fputs(i ? ",\n" : "\n", o);
		json_group(o, &g[i], opts);
	}
	fputs("\n],\n\"warnings\":[", o);
	for (i = 0; i < nwarnings; i++) {
		fputs(i ? "," : "", o);
		json_cstr(o, warnings[i]);
	}
	fprintf(o,
		"],\n\"summary\":{\"files\":%zu,\"bytes\":%zu,\"findings\":%zu,"
		"\"secrets\":%zu,\"binary_skipped\":%zu,\"allowlisted_paths\":%zu,"
		"\"warnings\":%zu,\"complete\":%s}}\n",
		st->files, st->bytes, total, ng, st->binary_skipped,
		st->allow_skipped, st->warnings, st->warnings ? "false" : "true");
}

static const char *sarif_level(enum rule_severity s)
{
	return s >= RULE_SEV_HIGH ? "error" : s == RULE_SEV_MEDIUM ? "warning" : "note";
}

static const char *security_severity(enum rule_severity s)
{
	switch (s) {
	case RULE_SEV_CRITICAL:
		return "9.5";
	case RULE_SEV_HIGH:
		return "8.0";
	case RULE_SEV_MEDIUM:
		return "5.5";
	case RULE_SEV_LOW:
		break;
	}
	return "3.0";
}

/* A relative path as a URI reference: RFC 3986 unreserved and '/' stay. */
static void json_uri(FILE *o, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;

	if (p[0] == '.' && p[1] == '/')
		p += 2;
	fputc('"', o);
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, o);
		else
			fprintf(o, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	fputc('"', o);
}

static int cmp_rule_ptr(const void *x, const void *y)
{
	const struct rule *a = *(const struct rule *const *)x;
	const struct rule *b = *(const struct rule *const *)y;

	return strcmp(a->id, b->id);
}

/* Index of r in the sorted, distinct list of the rules that fired. */
static size_t rule_index(const struct rule *const *used, size_t n,
	const struct rule *r)
{
	const struct rule *const *p = bsearch(&r, used, n, sizeof(*used),
		cmp_rule_ptr);

	return p ? (size_t)(p - used) : 0;
}

static void sarif_rule(FILE *o, const struct rule *r, bool first)
{
	fputs(first ? "\n{\"id\":" : ",\n{\"id\":", o);
	json_cstr(o, r->id);
	fputs(",\"name\":", o);
	json_cstr(o, r->id);
	fputs(",\"shortDescription\":{\"text\":", o);
	json_cstr(o, r->name);
	fputs("},\"fullDescription\":{\"text\":", o);
	json_cstr(o, r->description ? r->description : r->name);
	fprintf(o, "},\"defaultConfiguration\":{\"level\":\"%s\"},",
		sarif_level(r->severity));
	if (r->references.len) {
		fputs("\"helpUri\":", o);
		json_cstr(o, r->references.v[0]);
		fputc(',', o);
	}
	fprintf(o, "\"properties\":{\"tags\":[\"security\",\"secret\"],"
		   "\"security-severity\":\"%s\",\"precision\":",
		security_severity(r->severity));
	json_cstr(o, r->confidence && !strcmp(r->confidence, "medium") ? "medium"
		     : r->confidence && !strcmp(r->confidence, "low")  ? "low"
									: "high");
	fputs("}}", o);
}

static void sarif_result(FILE *o, const struct finding *f, size_t ri,
	size_t count, const struct report_opts *opts, bool first)
{
	const struct rule *r = f->rule;
	struct hush_buf m = HUSH_BUF_INIT(4096);
	char red[REPORT_REDACT_MAX];
	const char *s;
	size_t n;

	fputs(first ? "\n{\"ruleId\":" : ",\n{\"ruleId\":", o);
	json_cstr(o, r->id);
	fprintf(o, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":",
		ri, sarif_level(sev_of(f)));
	if (f->message) {
		if (hush_buf_printf(&m, "%s: %s", r->name, f->message) < 0)
			hush_buf_init(&m, 0);
	} else {
		shown_secret(red, sizeof(red), f, opts, &s, &n);
		if (hush_buf_printf(&m, "%s%s: ", r->name,
			    f->decoded ? " (in base64-decoded content)" : "") < 0 ||
		    hush_buf_put(&m, s, n < 200 ? n : 200) < 0)
			hush_buf_init(&m, 0);
	}
	if (m.ptr)
		json_str(o, m.ptr, m.len);
	else
		json_cstr(o, r->name);
	hush_buf_dispose(&m);
	fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", o);
	json_uri(o, f->path);
	fprintf(o, "},\"region\":{\"startLine\":%zu,\"startColumn\":%zu}}}],",
		f->line, f->column);
	fprintf(o, "\"partialFingerprints\":{\"hush/secret/v1\":\"%s\"",
		f->fingerprint);
	if (attr_of(f, "commit")) {
		/* history findings: the commit, as gitleaks names it */
		fputs(",\"commitSha\":", o);
		json_cstr(o, attr_of(f, "commit"));
	}
	fprintf(o, "},\"properties\":{\"fingerprint\":\"%s\",\"severity\":\"%s\","
		   "\"occurrences\":%zu%s",
		f->fingerprint, rules_severity_name(sev_of(f)), count,
		f->decoded ? ",\"decoded\":\"base64\"" : "");
	if (f->kind) {
		fputs(",\"kind\":", o);
		json_cstr(o, f->kind);
	}
	for (size_t k = 0; k < f->nattrs; k++) {
		fputc(',', o);
		json_cstr(o, f->attrs[k].key);
		fputc(':', o);
		json_cstr(o, f->attrs[k].value);
	}
	fputs("}}", o);
}

static int write_sarif(FILE *o, const struct group *g, size_t ng,
	const struct report_opts *opts, bool complete)
{
	const struct rule **used = calloc(ng ? ng : 1, sizeof(*used));
	size_t i, j, nused = 0;
	bool first = true;

	if (!used)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	for (i = 0; i < ng; i++)
		used[i] = g[i].first->rule;
	if (ng > 1)
		qsort(used, ng, sizeof(*used), cmp_rule_ptr);
	for (i = 0; i < ng; i++)
		if (nused == 0 || used[nused - 1] != used[i])
			used[nused++] = used[i];
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
	      "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
	      "\"name\":\"hush\",",
		o);
	fprintf(o, "\"version\":\"%s\",\"semanticVersion\":\"%s\",\"rules\":[",
		HUSH_VERSION, HUSH_VERSION);
	for (i = 0; i < nused; i++)
		sarif_rule(o, used[i], i == 0);
	fputs("]}},\n\"invocations\":[{\"executionSuccessful\":", o);
	fprintf(o, "%s}],\n\"results\":[", complete ? "true" : "false");
	for (i = 0; i < ng; i++) {
		size_t ri = rule_index(used, nused, g[i].first->rule);

		for (j = 0; j < g[i].n; j++) {
			sarif_result(o, &g[i].first[j], ri, g[i].n, opts, first);
			first = false;
		}
	}
	fputs("\n]}]}\n", o);
	free(used);
	return 0;
}

int report_write(FILE *out, struct findings *fs, const char *const *warnings, size_t nwarnings,
	const struct scan_stats *stats, const struct report_opts *opts,
	size_t *unique)
{
	struct group *g = NULL;
	size_t ng = 0, i;
	int error;

	*unique = 0;
	if ((error = make_groups(&g, &ng, fs)) < 0)
		return error;
	switch (opts->format) {
	case REPORT_TEXT:
		write_text(out, g, ng, opts);
		break;
	case REPORT_JSON:
		write_json(out, g, ng, warnings, nwarnings, stats, opts,
			fs->len);
		break;
	case REPORT_JSONL:
		for (i = 0; i < ng; i++) {
			json_group(out, &g[i], opts);
			fputc('\n', out);
		}
		break;
	case REPORT_SARIF:
		error = write_sarif(out, g, ng, opts, stats->warnings == 0);
		break;
	}
	free(g);
	*unique = ng;
	if (fflush(out) != 0 || ferror(out))
		return hush_err_set_errno(HUSH_EIO, "cannot write the report");
	return 0;
}
