/* SPDX-License-Identifier: MIT */
/*
 * test_dockerignore.c - .dockerignore semantics: every vector of
 * corpus/dockerignore/{cases,parse_cases}.jsonl (copied from upstream tests
 * and docs), then the quirks of the spec (1.1-1.4) on both builders' walks.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context_walk.h"
#include "dockerignore.h"
#include "hush/buf.h"
#include "hush/limits.h"
#include "regex.h"
#include "t.h"

/* ---- helpers ---------------------------------------------------------- */

/* the repository root, from this file's path (CMake passes it absolute) */
static void source_path(char *out, size_t n, const char *rel)
{
	const char *me = __FILE__, *tail = "tests/unit/test_dockerignore.c";
	size_t ml = strlen(me), tl = strlen(tail);

	T_ASSERT(ml >= tl && strcmp(me + ml - tl, tail) == 0);
	T_ASSERT(snprintf(out, n, "%.*s%s", (int)(ml - tl), me, rel) <
		 (int)n);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		T_FAIL("cannot open %s", path);
	T_ASSERT(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	T_ASSERT(n >= 0 && fseek(f, 0, SEEK_SET) == 0);
	T_ASSERT((buf = malloc((size_t)n + 1)) != NULL);
	T_ASSERT(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * root/rel as a file, its folders made. Relative *at calls, so that paths
 * longer than PATH_MAX (walk_limits) can be built.
 */
static void make_file(const char *root, const char *rel)
{
	char part[4096];
	const char *p = rel, *slash;
	int dfd, next, fd;

	T_ASSERT((dfd = open(root, O_RDONLY | O_DIRECTORY)) >= 0);
	while ((slash = strchr(p, '/')) != NULL) {
		T_ASSERT((size_t)(slash - p) < sizeof(part));
		memcpy(part, p, (size_t)(slash - p));
		part[slash - p] = '\0';
		if (mkdirat(dfd, part, 0755) < 0 && errno != EEXIST)
			T_FAIL("mkdir %s: %s", part, strerror(errno));
		T_ASSERT((next = openat(dfd, part, O_RDONLY | O_DIRECTORY)) >= 0);
		close(dfd);
		dfd = next;
		p = slash + 1;
	}
	if ((fd = openat(dfd, p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		T_FAIL("create %s: %s", rel, strerror(errno));
	T_ASSERT(write(fd, "x\n", 2) == 2);
	close(fd);
	close(dfd);
}

static void make_tmp(char *dir, size_t n)
{
	T_ASSERT(snprintf(dir, n, "/tmp/hush-di-XXXXXX") < (int)n);
	T_ASSERT(mkdtemp(dir) != NULL);
}

static void rm_at(int dfd, const char *name)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dfd, name, 0);
		return;
	}
	if (fchmodat(dfd, name, 0700, 0) < 0)
		st.st_mode = 0; /* a folder we cannot list stays */
	if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) >= 0) {
		if ((d = fdopendir(fd)) == NULL) {
			close(fd);
		} else {
			while ((de = readdir(d)) != NULL)
				if (strcmp(de->d_name, ".") &&
				    strcmp(de->d_name, ".."))
					rm_at(dirfd(d), de->d_name);
			closedir(d);
		}
	}
	unlinkat(dfd, name, AT_REMOVEDIR);
}

static void rm_rf(const char *path)
{
	rm_at(AT_FDCWD, path);
}

/* What a walk reported. */
#define MAX_GOT 64
struct got_entry {
	char path[512];
	enum context_entry_type type;
	bool sent_buildkit, sent_legacy, excluded, descended;
	int which, which_buildkit, which_legacy;
};

struct got {
	struct got_entry e[MAX_GOT];
	size_t n;
	enum context_warning_kind warn_kind[MAX_GOT];
	char warn_msg[MAX_GOT][1024];
	size_t nwarn;
};

static int got_entry(const struct context_entry *e, void *payload)
{
	struct got *g = payload;
	struct got_entry *x;

	if (g->n >= MAX_GOT)
		T_FAIL("more than %d entries", MAX_GOT);
	x = &g->e[g->n++];
	T_ASSERT(strlen(e->path) < sizeof(x->path));
	strncpy(x->path, e->path, sizeof(x->path) - 1);
	x->path[sizeof(x->path) - 1] = '\0';
	x->type = e->type;
	x->sent_buildkit = e->sent_buildkit;
	x->sent_legacy = e->sent_legacy;
	x->excluded = e->excluded;
	x->descended = e->descended;
	x->which = e->which;
	x->which_buildkit = e->which_buildkit;
	x->which_legacy = e->which_legacy;
	return 0;
}

static int got_warning(const struct context_warning *w, void *payload)
{
	struct got *g = payload;

	if (g->nwarn >= MAX_GOT)
		T_FAIL("more than %d warnings", MAX_GOT);
	g->warn_kind[g->nwarn] = w->kind;
	strncpy(g->warn_msg[g->nwarn], w->message,
		sizeof(g->warn_msg[0]) - 1);
	g->warn_msg[g->nwarn][sizeof(g->warn_msg[0]) - 1] = '\0';
	g->nwarn++;
	return 0;
}

static const struct got_entry *got_find(const struct got *g, const char *p)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->e[i].path, p))
			return &g->e[i];
	return NULL;
}

static void walk(struct got *g, const char *root,
	const struct dockerignore *bk, const struct dockerignore *lg,
	unsigned flags)
{
	struct context_walk_opts o;

	memset(g, 0, sizeof(*g));
	memset(&o, 0, sizeof(o));
	o.buildkit = bk;
	o.legacy = lg;
	o.flags = flags;
	o.on_entry = got_entry;
	o.on_warning = got_warning;
	o.payload = g;
	T_OK(context_walk(root, &o));
}

static struct dockerignore *parse_str(const char *text)
{
	struct dockerignore *d;

	T_OK(dockerignore_parse(&d, ".dockerignore", text, strlen(text)));
	return d;
}

static struct regex_md *md_new(void)
{
	struct regex_md *md;

	T_OK(regex_md_new(&md, 0));
	return md;
}

static bool excluded(const struct dockerignore *d, struct regex_md *md,
	const char *path)
{
	bool ex;

	T_OK(dockerignore_matches(d, md, path, &ex, NULL));
	return ex;
}

/* ---- the vectors ------------------------------------------------------ */

static bool is_walker_api(const char *api)
{
	return strstr(api, "FilterFS") != NULL ||
	       strncmp(api, "BuildKit main context", 21) == 0;
}

/* a vector's matcher: file lines through ReadAll, or API patterns */
static int vec_matcher(struct dockerignore **out, const cJSON *v)
{
	const cJSON *pats = cJSON_GetObjectItemCaseSensitive(v, "patterns");
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(v, "input");
	const char *list[64];
	struct hush_buf text = HUSH_BUF_INIT(1 << 20);
	size_t n = 0;
	const cJSON *p;
	int error;

	cJSON_ArrayForEach(p, pats) {
		T_ASSERT(cJSON_IsString(p) && n < 64);
		list[n++] = p->valuestring;
	}
	if (cJSON_IsString(input) &&
	    !strcmp(input->valuestring, "ignorefile_lines")) {
		size_t i;

		for (i = 0; i < n; i++) {
			T_OK(hush_buf_puts(&text, list[i]));
			T_OK(hush_buf_putc(&text, '\n'));
		}
		error = dockerignore_parse(out, ".dockerignore",
			text.ptr ? text.ptr : "", text.len);
	} else {
		error = dockerignore_from_patterns(out, list, n);
	}
	hush_buf_dispose(&text);
	return error;
}

static void vec_describe(const cJSON *v, const char *got)
{
	char *s = cJSON_PrintUnformatted(v);

	fprintf(stderr, "FAIL %s\n  vector: %s\n",
		got, s ? s : "(unprintable)");
	free(s);
}

/* one MatchesOrParentMatches-level vector; true when it passes */
static bool vec_match(const cJSON *v, struct regex_md *md)
{
	const char *api =
		cJSON_GetObjectItemCaseSensitive(v, "api")->valuestring;
	const char *path =
		cJSON_GetObjectItemCaseSensitive(v, "path")->valuestring;
	bool want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "excluded"));
	bool want_err = cJSON_GetObjectItemCaseSensitive(v, "error") != NULL;
	struct hush_buf clean = HUSH_BUF_INIT(4096);
	struct dockerignore *d = NULL;
	char why[512];
	bool ex = false, ok;
	int rc;

	rc = vec_matcher(&d, v);
	if (rc < 0) {
		ok = want_err && !want;
		snprintf(why, sizeof(why), "construction failed: %s",
			hush_err_msg());
		goto out;
	}
	/* the package-level functions and docker/cli clean the path first */
	if (!strncmp(api, "filepathMatches", 15) || !strncmp(api, "Matches (", 9)) {
		T_OK(dockerignore_clean(&clean, path, strlen(path)));
		path = clean.ptr;
	}
	rc = dockerignore_matches(d, md, path, &ex, NULL);
	if (rc < 0) {
		ok = want_err;
		snprintf(why, sizeof(why), "match failed: %s", hush_err_msg());
	} else {
		ok = !want_err && ex == want;
		snprintf(why, sizeof(why), "excluded=%s%s", ex ? "true" : "false",
			want_err ? " but an error was expected" : "");
	}
out:
	if (!ok)
		vec_describe(v, why);
	dockerignore_free(d);
	hush_buf_dispose(&clean);
	return ok;
}

/* one walker vector: the path, as a file in a temporary context */
static bool vec_walk(const cJSON *v)
{
	const char *path =
		cJSON_GetObjectItemCaseSensitive(v, "path")->valuestring;
	bool want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "excluded"));
	const struct got_entry *e;
	struct dockerignore *d = NULL;
	static struct got g;
	char dir[64], why[512];
	bool ok, ex;

	if (vec_matcher(&d, v) < 0) {
		snprintf(why, sizeof(why), "construction failed: %s",
			hush_err_msg());
		vec_describe(v, why);
		return false;
	}
	make_tmp(dir, sizeof(dir));
	make_file(dir, path);
	walk(&g, dir, d, NULL, CONTEXT_WALK_EXCLUDED);
	e = got_find(&g, path);
	ex = !e || !e->sent_buildkit;
	ok = ex == want;
	if (!ok) {
		snprintf(why, sizeof(why), "BuildKit %s it", ex ? "excludes" :
								  "sends");
		vec_describe(v, why);
	}
	rm_rf(dir);
	dockerignore_free(d);
	return ok;
}

static void run_cases(bool walkers)
{
	char path[4096], *text, *line, *next;
	size_t pass = 0, fail = 0;
	struct regex_md *md = md_new();

	source_path(path, sizeof(path), "corpus/dockerignore/cases.jsonl");
	text = slurp(path);
	for (line = text; *line; line = next) {
		cJSON *v;
		const cJSON *api;
		bool ok;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (!*line)
			continue;
		if ((v = cJSON_Parse(line)) == NULL)
			T_FAIL("bad JSON line in %s: %.80s", path, line);
		api = cJSON_GetObjectItemCaseSensitive(v, "api");
		T_ASSERT(cJSON_IsString(api));
		if (is_walker_api(api->valuestring) != walkers) {
			cJSON_Delete(v);
			continue;
		}
		ok = walkers ? vec_walk(v) : vec_match(v, md);
		if (ok)
			pass++;
		else
			fail++;
		cJSON_Delete(v);
	}
	fprintf(stderr, "%s vectors: %zu passed, %zu failed\n",
		walkers ? "walker" : "matcher", pass, fail);
	free(text);
	regex_md_free(md);
	T_ASSERT(pass > 0);
	T_EQ_INT(fail, 0);
}

static void vectors_match(void)
{
	run_cases(false);
}

static void vectors_walk(void)
{
	run_cases(true);
}

/* the 1-based line of the first bare "!" in text, or 0 */
static unsigned bare_bang_line(const char *text)
{
	unsigned line = 1;
	const char *p = text;

	while (*p) {
		const char *e = strchr(p, '\n'), *s = p;

		if (!e)
			e = p + strlen(p);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (s < e && *s == '!') {
			const char *r = s + 1;

			while (r < e && (*r == ' ' || *r == '\t' || *r == '\r'))
				r++;
			if (r == e)
				return line;
		}
		p = *e ? e + 1 : e;
		line++;
	}
	return 0;
}

/* text without its bare "!" lines (each replaced by an empty line) */
static void drop_bare_bangs(char *text)
{
	unsigned line;

	while ((line = bare_bang_line(text)) != 0) {
		char *p = text, *e;
		unsigned l;

		for (l = 1; l < line; l++)
			p = strchr(p, '\n') + 1;
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		memmove(p, e, strlen(e) + 1);
	}
}

static bool parse_vector(const cJSON *v)
{
	const cJSON *input = cJSON_GetObjectItemCaseSensitive(v, "input");
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(v, "patterns");
	struct hush_buf got = HUSH_BUF_INIT(1 << 20);
	struct dockerignore *d = NULL;
	char *text = NULL, why[512] = "", at[64];
	bool ok = true, bare = false;
	const cJSON *w;
	size_t i = 0;
	unsigned line;

	cJSON_ArrayForEach(w, want)
		if (!strcmp(w->valuestring, "!"))
			bare = true;
	text = strdup(cJSON_IsString(input) ? input->valuestring : "");
	T_ASSERT(text != NULL);
	if (bare) {
		/* New rejects the file; check that, then the other lines */
		line = bare_bang_line(text);
		snprintf(at, sizeof(at),
			".dockerignore:%u: illegal exclusion pattern: \"!\"",
			line);
		if (dockerignore_parse(&d, ".dockerignore", text,
			    strlen(text)) != HUSH_EPARSE ||
		    strcmp(hush_err_msg(), at) != 0) {
			snprintf(why, sizeof(why), "want error '%s', got '%s'", at,
				d ? "(none)" : hush_err_msg());
			ok = false;
			goto out;
		}
		drop_bare_bangs(text);
	}
	if (dockerignore_parse(&d, ".dockerignore", text, strlen(text)) < 0) {
		snprintf(why, sizeof(why), "parse failed: %s", hush_err_msg());
		ok = false;
		goto out;
	}
	cJSON_ArrayForEach(w, want) {
		if (!strcmp(w->valuestring, "!"))
			continue;
		hush_buf_clear(&got);
		if (i < dockerignore_count(d)) {
			T_OK(hush_buf_puts(&got,
				dockerignore_pattern_is_exception(d, i) ? "!" : ""));
			T_OK(hush_buf_puts(&got, dockerignore_pattern_string(d, i)));
		}
		if (i >= dockerignore_count(d) || strcmp(got.ptr, w->valuestring)) {
			snprintf(why, sizeof(why), "pattern %zu is '%s', want '%s'",
				i, got.ptr ? got.ptr : "(none)", w->valuestring);
			ok = false;
			goto out;
		}
		i++;
	}
	if (i != dockerignore_count(d)) {
		snprintf(why, sizeof(why), "%zu patterns, want %zu",
			dockerignore_count(d), i);
		ok = false;
	}
out:
	if (!ok)
		vec_describe(v, why);
	dockerignore_free(d);
	hush_buf_dispose(&got);
	free(text);
	return ok;
}

static void vectors_parse(void)
{
	char path[4096], *text, *line, *next;
	size_t pass = 0, fail = 0;

	source_path(path, sizeof(path), "corpus/dockerignore/parse_cases.jsonl");
	text = slurp(path);
	for (line = text; *line; line = next) {
		cJSON *v;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (!*line)
			continue;
		if ((v = cJSON_Parse(line)) == NULL)
			T_FAIL("bad JSON line in %s: %.80s", path, line);
		if (parse_vector(v))
			pass++;
		else
			fail++;
		cJSON_Delete(v);
	}
	fprintf(stderr, "parse vectors: %zu passed, %zu failed\n", pass, fail);
	free(text);
	T_ASSERT(pass > 0);
	T_EQ_INT(fail, 0);
}

/* ---- focused cases ---------------------------------------------------- */

/* upstream TestCompile: kind and RE2 expression */
static void compile_kinds(void)
{
	static const struct {
		const char *pattern;
		enum dockerignore_kind kind;
		const char *re;
	} cases[] = {
		{ "*", DOCKERIGNORE_REGEX, "^[^/]*$" },
		{ "file*", DOCKERIGNORE_REGEX, "^file[^/]*$" },
		{ "*file", DOCKERIGNORE_REGEX, "^[^/]*file$" },
		{ "a*/b", DOCKERIGNORE_REGEX, "^a[^/]*/b$" },
		{ "**", DOCKERIGNORE_SUFFIX, NULL },
		{ "**/**", DOCKERIGNORE_REGEX, "^(.*/)?.*$" },
		{ "dir/**", DOCKERIGNORE_PREFIX, NULL },
		{ "**/dir", DOCKERIGNORE_SUFFIX, NULL },
		{ "**/dir2/*", DOCKERIGNORE_REGEX, "^(.*/)?dir2/[^/]*$" },
		{ "**/dir2/**", DOCKERIGNORE_REGEX, "^(.*/)?dir2/.*$" },
		{ "**file", DOCKERIGNORE_SUFFIX, NULL },
		{ "**/file*txt", DOCKERIGNORE_REGEX, "^(.*/)?file[^/]*txt$" },
		{ "**/**/*.txt", DOCKERIGNORE_REGEX,
			"^(.*/)?(.*/)?[^/]*\\.txt$" },
		{ "a[b-d]e", DOCKERIGNORE_REGEX, "^a[b-d]e$" },
		{ ".*", DOCKERIGNORE_REGEX, "^\\.[^/]*$" },
		{ "abc.def", DOCKERIGNORE_EXACT, NULL },
		{ "abc?def", DOCKERIGNORE_REGEX, "^abc[^/]def$" },
		{ "**/foo/bar", DOCKERIGNORE_SUFFIX, NULL },
		{ "a(b)c/def", DOCKERIGNORE_EXACT, NULL },
		{ "a.|)$(}+{bc", DOCKERIGNORE_EXACT, NULL },
		{ "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
			DOCKERIGNORE_EXACT, NULL },
		/* ours: escapes make a regex, a trailing "**" after one too */
		{ "a\\*b", DOCKERIGNORE_REGEX, "^a\\*b$" },
		{ "a\\b**", DOCKERIGNORE_REGEX, "^a\\b.*$" },
		{ "abc**", DOCKERIGNORE_PREFIX, NULL },
		{ "**.txt", DOCKERIGNORE_SUFFIX, NULL },
		{ "**x?", DOCKERIGNORE_REGEX, "^(.*/)?x[^/]$" },
	};
	struct dockerignore *d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *p = cases[i].pattern;
		const char *re;

		T_OK(dockerignore_from_patterns(&d, &p, 1));
		T_EQ_INT(dockerignore_count(d), 1);
		if (dockerignore_pattern_kind(d, 0) != cases[i].kind)
			T_FAIL("%s: kind %d, want %d", p,
				(int)dockerignore_pattern_kind(d, 0),
				(int)cases[i].kind);
		re = dockerignore_pattern_regex(d, 0);
		if (cases[i].re)
			T_EQ_STR(re ? re : "(null)", cases[i].re);
		else
			T_ASSERT(re == NULL);
		dockerignore_free(d);
	}
}

/*
 * Matching beyond the vectors: the rest of upstream TestMatches, and what
 * RE2 does with what patternmatcher passes through ([ ] and \x).
 */
static void regex_semantics(void)
{
	static const struct {
		const char *pattern, *path;
		bool excluded;
	} cases[] = {
		/* upstream TestMatches rows not in the vectors */
		{ "**/", "file", true },
		{ "**/", "/", true },
		{ "**/", "dir/file", true },
		{ "dir/**", "dir/dir2/file/", true },
		{ "**/dir", "dir", true },
		{ "**/dir", "dir/file", true },
		{ "**/dir2/*", "dir/dir2/file/", true },
		{ "**/dir2/**", "dir/dir2/dir3/file", true },
		{ "**/file*", "dir/dir/file.txt", true },
		{ "**/file*.txt*", "dir/dir/file.txt", true },
		{ "a/*.txt**", "a/file.txt", true },
		{ "a[b-d]e", "ace", true },
		{ "a[^b-d]e", "aze", true },
		{ ".*", ".foo", true },
		{ ".*", "foo", false },
		{ "abc.def", "abc.def", true },
		{ "**/foo/bar", "foo/bar", true },
		{ "**/foo/bar", "dir/dir2/foo/bar", true },
		{ "abc/**", "abc", false },
		{ "abc/**", "abc/def", true },
		{ "a(b)c/def", "a(b)c/def", true },
		{ "a(b)c/def", "a(b)c/xyz", false },
		{ "dist/*.whl",
			"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
			true },
		{ "a\\\\", "a\\", true },
		{ "a\\*b", "a*b", true },
		{ "a\\*b", "ab", false },
		{ "*c", "abc", true },
		{ "a*", "ab/c", true }, /* through the parent "ab" */
		{ "a*b*c*d*e*/f", "axbxcxdxe/f", true },
		{ "a*b?c*x", "abxbbxdbxebxczzy", false },
		{ "ab[b-d]", "abc", true },
		{ "ab[e-g]", "abc", false },
		{ "a[^a]b", "a\xe2\x98\xba" "b", true },
		{ "[a-\xce\xb6]*", "\xce\xb1", true },
		{ "[\\-]", "-", true },
		{ "[x\\-]", "z", false },
		{ "*x", "xxx", true },
		/* RE2 escapes, not filepath.Match literals (spec 1.3) */
		{ "a\\d", "a5", true },
		{ "a\\d", "ad", false },
		{ "[\\d]", "7", true },
		{ "[\\d]", "d", false },
		{ "\\x41", "A", true },
		{ "\\101", "A", true },
		{ "a\\.b", "a.b", true },
		{ "a\\.b", "axb", false },
		{ "\\p{Greek}", "\xce\xb1", true },
		{ "\\p{Greek}", "a", false },
		{ "\\P{Greek}?", "ab", true },
		{ "\\p{^Lu}", "a", true },
		{ "\\p{Lu}", "a", false },
		{ "\\p{Any}", "\xe2\x98\xba", true },
		{ "\\pL", "\xc3\xa9", true },
		{ "\\pL", "1", false },
		{ "\\PL", "1", true },
		{ "[[:alpha:]]", "x", true },
		{ "[[:alpha:]]", "1", false },
		{ "[[:^alpha:]]x", "1x", true },
		{ "\\#foo", "#foo", true },
		/* ^ is an anchor only in the regex kind */
		{ "a^b", "a^b", true },
		{ "a^b*", "a^b", false },
		{ "^ab*", "abc", true },
		/*
		 * '|', '{' and '}' are not escaped (upstream's bitmap has no
		 * bit for them): alternation and repetition in the regex kind
		 */
		{ "*.pem|*.key", "a.pem", true },
		{ "*.pem|*.key", "a.pem.bak", true },
		{ "*.pem|*.key", "dir/x.key", true },
		{ "*.pem|*.key", "dir/x.pem", false },
		{ "a|b", "a|b", true },
		{ "a|b", "a", false },
		{ "|*", "any/thing", true }, /* "^" or "[^/]*$" */
		{ "a{2}*", "aab", true },
		{ "a{2}*", "a{2}", false },
		{ "x{*", "x{y", true },
		{ "x}*", "x}y", true },
		/* [*] reaches RE2 as [[^/]*]: a class of [ ^ /, a star, a ] */
		{ "[*]", "*", false },
		{ "[*]", "]", true },
		{ "[*]", "[^/]", true },
		/* \Q...\E: the translation is taken literally */
		{ "\\Qa*\\E", "a[^/]*", true },
		{ "\\Qa*\\E", "ab", false },
		/* ".*" from ** does not cross a newline; the suffix kind does */
		{ "**/b*", "a\nc/bz", false },
		{ "**/b*", "ac/bz", true },
		{ "**/b", "a\nc/b", true },
		/* an invalid byte is one rune (U+FFFD), as in Go */
		{ "a?b", "a\xff" "b", true },
		{ "a??b", "a\xff" "b", false },
		{ "a[^x]b", "a\xff" "b", true },
		{ "a\xff?", "a\xef\xbf\xbdz", true },
		{ "a\xff?", "a\xfe" "z", true },
		{ "a\xff" "*", "a\xfe" "z", true },
		/* prefix and suffix kinds compare bytes */
		{ "\xff**", "\xfe" "a", false },
		{ "\xff**", "\xff" "a", true },
	};
	struct regex_md *md = md_new();
	struct dockerignore *d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *p = cases[i].pattern;

		if (dockerignore_from_patterns(&d, &p, 1) < 0)
			T_FAIL("%s: %s", p, hush_err_msg());
		if (excluded(d, md, cases[i].path) != cases[i].excluded)
			T_FAIL("pattern '%s' path '%s': want excluded=%d (regex %s)",
				p, cases[i].path, (int)cases[i].excluded,
				dockerignore_pattern_regex(d, 0) ?
					dockerignore_pattern_regex(d, 0) :
					"none");
		dockerignore_free(d);
	}
	regex_md_free(md);
}

static void parse_details(void)
{
	static const char file[] =
		"\xEF\xBB\xBF# a comment after the BOM\n"
		"  # not a comment\n"
		"\\#escaped\n"
		"! /inverted/abs/path\r\n"
		"/foo/bar/\n"
		"\n"
		"   \t\n"
		"a//b/./c/../d\n"
		"./\n"
		"!a/../b\n"
		"\xE2\x80\x83spaced\xC2\xA0\n"
		"last";
	static const struct {
		const char *text, *str;
		unsigned line;
		bool exception;
	} want[] = {
		{ "# not a comment", "# not a comment", 2, false },
		{ "\\#escaped", "\\#escaped", 3, false },
		{ "! /inverted/abs/path", "inverted/abs/path", 4, true },
		{ "/foo/bar/", "foo/bar", 5, false },
		{ "a//b/./c/../d", "a/b/d", 8, false },
		{ "./", ".", 9, false },
		{ "!a/../b", "b", 10, true },
		{ "spaced", "spaced", 11, false },
		{ "last", "last", 12, false },
	};
	struct regex_md *md = md_new();
	struct dockerignore *d;
	const char *api[] = { "!a/../b", "  ", "x/" };
	size_t i;

	T_OK(dockerignore_parse(&d, ".dockerignore", file, sizeof(file) - 1));
	T_EQ_INT(dockerignore_count(d), sizeof(want) / sizeof(*want));
	for (i = 0; i < sizeof(want) / sizeof(*want); i++) {
		T_EQ_STR(dockerignore_pattern_text(d, i), want[i].text);
		T_EQ_STR(dockerignore_pattern_string(d, i), want[i].str);
		T_EQ_INT(dockerignore_pattern_line(d, i), want[i].line);
		T_EQ_INT(dockerignore_pattern_is_exception(d, i),
			want[i].exception);
	}
	T_EQ_STR(dockerignore_file(d), ".dockerignore");
	T_ASSERT(dockerignore_has_exceptions(d));
	/* "." never excludes the root; a file is excluded by "foo/bar/" */
	T_ASSERT(!excluded(d, md, "."));
	T_ASSERT(excluded(d, md, "foo/bar"));
	T_ASSERT(excluded(d, md, "foo/bar/x"));
	T_ASSERT(excluded(d, md, "#escaped"));
	T_ASSERT(excluded(d, md, "# not a comment"));
	dockerignore_free(d);

	/* New cleans before the '!' test: "!a/../b" is the plain "b" */
	T_OK(dockerignore_from_patterns(&d, api, 3));
	T_EQ_INT(dockerignore_count(d), 2);
	T_EQ_STR(dockerignore_pattern_string(d, 0), "b");
	T_ASSERT(!dockerignore_pattern_is_exception(d, 0));
	T_EQ_INT(dockerignore_pattern_line(d, 0), 0);
	T_EQ_STR(dockerignore_pattern_string(d, 1), "x");
	T_ASSERT(!dockerignore_has_exceptions(d));
	T_OK(dockerignore_add(d, "!x/keep"));
	T_EQ_INT(dockerignore_count(d), 3);
	T_ASSERT(excluded(d, md, "x/other"));
	T_ASSERT(!excluded(d, md, "x/keep"));
	dockerignore_free(d);

	/* an empty file, and no data at all */
	T_OK(dockerignore_parse(&d, "e", NULL, 0));
	T_EQ_INT(dockerignore_count(d), 0);
	T_ASSERT(!excluded(d, md, "a"));
	dockerignore_free(d);
	regex_md_free(md);
}

static void parse_errors(void)
{
	static const struct {
		const char *file, *msg;
		int code;
	} cases[] = {
		{ "a\n!\n", ".dockerignore:2: illegal exclusion pattern: \"!\"",
			HUSH_EPARSE },
		{ "  !  \n", ".dockerignore:1: illegal exclusion pattern: \"!\"",
			HUSH_EPARSE },
		{ "ok\n[]a]\n", ".dockerignore:2: invalid pattern '[]a]': syntax "
				"error in pattern",
			HUSH_EPARSE },
		{ "[-]", ".dockerignore:1: invalid pattern '[-]': syntax error "
			 "in pattern",
			HUSH_EPARSE },
		{ "[x-]", "syntax error in pattern", HUSH_EPARSE },
		{ "[-x]", "syntax error in pattern", HUSH_EPARSE },
		{ "[a-b-c]", "syntax error in pattern", HUSH_EPARSE },
		{ "[abc", "syntax error in pattern", HUSH_EPARSE },
		{ "a[", "syntax error in pattern", HUSH_EPARSE },
		{ "[^", "syntax error in pattern", HUSH_EPARSE },
		{ "a\\", "syntax error in pattern", HUSH_EPARSE },
		{ "[\xff]", "syntax error in pattern", HUSH_EPARSE },
		/* RE2 rejects these only when Go first matches: we fail now */
		{ "x\n[Local-Only]/\n",
			".dockerignore:2: invalid pattern '[Local-Only]/': error "
			"parsing regexp: invalid character class range: `l-O`",
			HUSH_EPARSE },
		{ "\\e", ".dockerignore:1: invalid pattern '\\e': error parsing "
			 "regexp: invalid escape sequence: `\\e`",
			HUSH_EPARSE },
		{ "a\\q*", "invalid escape sequence: `\\q`", HUSH_EPARSE },
		{ "\\1", "invalid escape sequence: `\\1`", HUSH_EPARSE },
		{ "\\C", "invalid escape sequence: `\\C`", HUSH_EPARSE },
		{ "\\x4*", "invalid escape sequence", HUSH_EPARSE },
		{ "\\p{Foo}", "invalid character class range: `\\p{Foo}`",
			HUSH_EPARSE },
		{ "\\p{greek}", "invalid character class range", HUSH_EPARSE },
		{ "\\p{Greek", "invalid character class range", HUSH_EPARSE },
		{ "a{2}{3}*", "invalid nested repetition operator: `{2}{3}`",
			HUSH_EPARSE },
		{ "a{1001}*", "invalid repeat count: `{1001}`", HUSH_EPARSE },
		{ "|{2}*", "missing argument to repetition operator: `{2}`",
			HUSH_EPARSE },
		{ "\\pX", "invalid character class range: `\\pX`", HUSH_EPARSE },
		{ "[[:foo:]]", "invalid character class range: `[:foo:]`",
			HUSH_EPARSE },
		{ "[[:alpha:]", "missing closing ]", HUSH_EPARSE },
		{ "[z-a]", "invalid character class range: `z-a`", HUSH_EPARSE },
		{ "a\0b", "a pattern contains a NUL byte", HUSH_EPARSE },
	};
	struct dockerignore *d;
	char longline[DOCKERIGNORE_MAX_LINE + 3];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t len = strlen(cases[i].file);
		int rc;

		if (!strcmp(cases[i].file, "a"))
			len = 3; /* the NUL case */
		rc = dockerignore_parse(&d, ".dockerignore", cases[i].file, len);
		if (rc != cases[i].code)
			T_FAIL("'%s': rc %d, want %d (%s)", cases[i].file, rc,
				cases[i].code, hush_err_msg());
		T_ASSERT(d == NULL);
		if (!strstr(hush_err_msg(), cases[i].msg))
			T_FAIL("'%s': message '%s', want '%s'", cases[i].file,
				hush_err_msg(), cases[i].msg);
	}
	/* Go's bufio.Scanner: a 65535-byte line is fine, 65536 is not */
	memset(longline, 'a', sizeof(longline));
	T_OK(dockerignore_parse(&d, ".dockerignore", longline,
		DOCKERIGNORE_MAX_LINE));
	dockerignore_free(d);
	longline[DOCKERIGNORE_MAX_LINE] = '\r';
	longline[DOCKERIGNORE_MAX_LINE + 1] = '\n';
	T_EQ_INT(dockerignore_parse(&d, ".dockerignore", longline,
			 DOCKERIGNORE_MAX_LINE + 2),
		HUSH_ELIMIT);
	T_ASSERT(strstr(hush_err_msg(), ".dockerignore:1: line longer") != NULL);
	/* the API names the pattern's position */
	{
		const char *p[] = { "a", "!" };

		T_EQ_INT(dockerignore_from_patterns(&d, p, 2), HUSH_EPARSE);
		T_EQ_STR(hush_err_msg(),
			"<patterns>:2: illegal exclusion pattern: \"!\"");
	}
}

/* docker/cli TrimBuildFilesFromExcludes, for the legacy matcher */
static void build_files(void)
{
	struct regex_md *md = md_new();
	struct dockerignore *d;

	d = parse_str("*\n");
	T_OK(dockerignore_add_build_files(d, md, "Dockerfile", false));
	T_EQ_INT(dockerignore_count(d), 3);
	T_EQ_STR(dockerignore_pattern_text(d, 1), "!.dockerignore");
	T_EQ_STR(dockerignore_pattern_text(d, 2), "!Dockerfile");
	T_ASSERT(!excluded(d, md, "Dockerfile"));
	T_ASSERT(excluded(d, md, "other"));
	dockerignore_free(d);

	/* nothing to add when neither is excluded; stdin is never added */
	d = parse_str("*.md\n");
	T_OK(dockerignore_add_build_files(d, md, "Dockerfile", false));
	T_EQ_INT(dockerignore_count(d), 1);
	dockerignore_free(d);
	d = parse_str("build\n");
	T_OK(dockerignore_add_build_files(d, md, "build/Dockerfile", true));
	T_EQ_INT(dockerignore_count(d), 1);
	/* docker/cli passes filepath.Rel's clean path; Clean("!" + p) would
	 * keep a leading "!." element ("!./x" is not "!x") */
	T_OK(dockerignore_add_build_files(d, md, "build//Dockerfile", false));
	T_EQ_INT(dockerignore_count(d), 2);
	T_EQ_STR(dockerignore_pattern_string(d, 1), "build/Dockerfile");
	T_ASSERT(dockerignore_legacy_walks_excluded_dir(d, "build"));
	dockerignore_free(d);
	regex_md_free(md);
}

/*
 * spec 1.4 [D]: "secrets", "!secrets/public", "secrets". The walkers skip
 * the third pattern for the folder "secrets" and record it as not matched,
 * so both send secrets/public; MatchesOrParentMatches excludes it.
 */
static void quirk_secrets(void)
{
	struct dockerignore *d = parse_str("secrets\n!secrets/public\nsecrets\n");
	struct regex_md *md = md_new();
	const struct got_entry *e;
	static struct got g;
	char dir[64];

	make_tmp(dir, sizeof(dir));
	make_file(dir, "secrets/public");
	make_file(dir, "secrets/private");
	make_file(dir, "app");
	walk(&g, dir, d, NULL, CONTEXT_WALK_EXCLUDED);
	T_ASSERT((e = got_find(&g, "secrets/public")) != NULL);
	T_ASSERT(e->sent_buildkit && e->sent_legacy);
	T_ASSERT(e->excluded);
	T_EQ_INT(e->which, 2);
	T_EQ_INT(e->which_buildkit, 1);
	T_EQ_INT(e->which_legacy, 1);
	T_ASSERT((e = got_find(&g, "secrets/private")) != NULL);
	T_ASSERT(!e->sent_buildkit && !e->sent_legacy && e->excluded);
	T_ASSERT((e = got_find(&g, "secrets")) != NULL);
	T_ASSERT(e->type == CONTEXT_ENTRY_DIR && e->descended);
	T_EQ_INT(e->which, 0);
	T_ASSERT((e = got_find(&g, "app")) != NULL);
	T_ASSERT(e->sent_buildkit && e->sent_legacy && !e->excluded);
	T_EQ_INT(e->which, -1);
	T_ASSERT(excluded(d, md, "secrets/public"));
	T_EQ_INT(g.nwarn, 0);
	/* without CONTEXT_WALK_EXCLUDED only what is sent is reported */
	walk(&g, dir, d, NULL, 0);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.e[0].path, "app");
	T_EQ_STR(g.e[1].path, "secrets/public");
	rm_rf(dir);
	dockerignore_free(d);
	regex_md_free(md);
}

/* spec 1.4 [D]: an exception with a wildcard makes BuildKit walk docs/ */
static void docs_readme_glob(void)
{
	struct dockerignore *d = parse_str("docs\n!**/README.md\n");
	const struct got_entry *e;
	static struct got g;
	char dir[64];

	make_tmp(dir, sizeof(dir));
	make_file(dir, "docs/README.md");
	make_file(dir, "docs/guide.md");
	make_file(dir, "README.md");
	T_ASSERT(dockerignore_buildkit_walks_excluded_dir(d, "docs"));
	T_ASSERT(!dockerignore_legacy_walks_excluded_dir(d, "docs"));
	walk(&g, dir, d, NULL, CONTEXT_WALK_EXCLUDED);
	T_ASSERT((e = got_find(&g, "docs/README.md")) != NULL);
	T_ASSERT(e->sent_buildkit && !e->sent_legacy && !e->excluded);
	T_EQ_INT(e->which, 1);
	T_EQ_INT(e->which_legacy, -1);
	T_ASSERT((e = got_find(&g, "docs/guide.md")) != NULL);
	T_ASSERT(!e->sent_buildkit && !e->sent_legacy && e->excluded);
	T_ASSERT((e = got_find(&g, "README.md")) != NULL);
	T_ASSERT(e->sent_buildkit && e->sent_legacy);
	/* lexical order */
	T_EQ_STR(g.e[0].path, "README.md");
	T_EQ_STR(g.e[1].path, "docs");
	T_EQ_STR(g.e[2].path, "docs/README.md");
	T_EQ_STR(g.e[3].path, "docs/guide.md");
	rm_rf(dir);
	dockerignore_free(d);
}

/* "!docs/" + "*.md" starts with docs/ literally: both builders descend */
static void docs_md_prefix(void)
{
	struct dockerignore *d = parse_str("docs\n!docs/*.md\n");
	const struct got_entry *e;
	static struct got g;
	char dir[64];

	make_tmp(dir, sizeof(dir));
	make_file(dir, "docs/README.md");
	make_file(dir, "docs/a.txt");
	make_file(dir, "docs/sub/b.md");
	walk(&g, dir, d, NULL, 0);
	T_ASSERT((e = got_find(&g, "docs/README.md")) != NULL);
	T_ASSERT(e->sent_buildkit && e->sent_legacy && !e->excluded);
	T_ASSERT(got_find(&g, "docs/a.txt") == NULL);
	T_ASSERT(got_find(&g, "docs/sub/b.md") == NULL);
	T_EQ_INT(g.n, 1);
	rm_rf(dir);
	dockerignore_free(d);

	/* a prefix-only exception: only its folders are walked */
	d = parse_str("*\n!keep/this\n");
	make_tmp(dir, sizeof(dir));
	make_file(dir, "keep/this");
	make_file(dir, "keep/that");
	make_file(dir, "other/this");
	walk(&g, dir, d, NULL, CONTEXT_WALK_EXCLUDED);
	T_ASSERT((e = got_find(&g, "keep/this")) != NULL);
	T_ASSERT(e->sent_buildkit && e->sent_legacy);
	T_ASSERT((e = got_find(&g, "other")) != NULL);
	T_ASSERT(!e->descended);
	T_ASSERT(got_find(&g, "other/this") == NULL);
	rm_rf(dir);
	dockerignore_free(d);
}

/* symlinks are sent as links and never followed: a loop cannot recurse */
static void symlink_loop(void)
{
	const struct got_entry *e;
	static struct got g;
	char dir[64], p[256];

	make_tmp(dir, sizeof(dir));
	make_file(dir, "a/file");
	snprintf(p, sizeof(p), "%s/a/loop", dir);
	T_ASSERT(symlink("..", p) == 0);
	snprintf(p, sizeof(p), "%s/self", dir);
	T_ASSERT(symlink("self", p) == 0);
	snprintf(p, sizeof(p), "%s/b", dir);
	T_ASSERT(symlink("a", p) == 0);
	snprintf(p, sizeof(p), "%s/key", dir);
	T_ASSERT(symlink("/etc/hostname", p) == 0);
	walk(&g, dir, NULL, NULL, 0);
	T_EQ_INT(g.n, 5);
	T_EQ_STR(g.e[0].path, "a/file");
	T_EQ_STR(g.e[1].path, "a/loop");
	T_EQ_STR(g.e[2].path, "b");
	T_EQ_STR(g.e[3].path, "key");
	T_EQ_STR(g.e[4].path, "self");
	T_ASSERT((e = got_find(&g, "a/loop")) != NULL);
	T_ASSERT(e->type == CONTEXT_ENTRY_SYMLINK && e->sent_buildkit &&
		 e->sent_legacy);
	T_ASSERT(got_find(&g, "a/loop/file") == NULL);
	T_ASSERT(got_find(&g, "b/file") == NULL);
	T_EQ_INT(g.nwarn, 0);
	/* the root itself may be a symlink: docker resolves it */
	snprintf(p, sizeof(p), "%s/b", dir);
	walk(&g, p, NULL, NULL, 0);
	T_EQ_INT(g.n, 2);
	T_EQ_STR(g.e[0].path, "file");
	rm_rf(dir);
}

static void unreadable_dir(void)
{
	struct dockerignore *d;
	static struct got g;
	char dir[64], p[256];

	if (geteuid() == 0) {
		fprintf(stderr, "unreadable_dir: skipped, root reads every "
				"folder\n");
		return;
	}
	make_tmp(dir, sizeof(dir));
	make_file(dir, "locked/secret");
	make_file(dir, "open/file");
	snprintf(p, sizeof(p), "%s/locked", dir);
	T_ASSERT(chmod(p, 0) == 0);
	walk(&g, dir, NULL, NULL, 0);
	T_EQ_INT(g.nwarn, 1);
	T_EQ_INT(g.warn_kind[0], CONTEXT_WARN_UNREADABLE);
	T_ASSERT(strstr(g.warn_msg[0], "/locked: cannot open folder") != NULL);
	T_ASSERT(got_find(&g, "open/file") != NULL);
	/* an excluded folder nobody walks into is never opened */
	d = parse_str("locked\n");
	walk(&g, dir, d, NULL, 0);
	T_EQ_INT(g.nwarn, 0);
	dockerignore_free(d);
	T_ASSERT(chmod(p, 0700) == 0);
	rm_rf(dir);
}

/* HUSH_MAX_DEPTH and HUSH_MAX_PATH are warnings; the walk goes on */
static void walk_limits(void)
{
	static struct got g;
	char dir[64], name[201];
	struct hush_buf p = HUSH_BUF_INIT(1 << 16);
	unsigned i;

	make_tmp(dir, sizeof(dir));
	T_OK(hush_buf_puts(&p, "deep"));
	for (i = 0; i < HUSH_MAX_DEPTH + 1; i++)
		T_OK(hush_buf_puts(&p, "/d"));
	T_OK(hush_buf_puts(&p, "/file"));
	make_file(dir, p.ptr);
	make_file(dir, "shallow");
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	hush_buf_clear(&p);
	T_OK(hush_buf_puts(&p, "long"));
	for (i = 0; i < HUSH_MAX_PATH / sizeof(name) + 1; i++)
		T_OK(hush_buf_printf(&p, "/%s", name));
	T_OK(hush_buf_puts(&p, "/file"));
	make_file(dir, p.ptr);
	walk(&g, dir, NULL, NULL, 0);
	T_EQ_INT(g.n, 1);
	T_EQ_STR(g.e[0].path, "shallow");
	T_EQ_INT(g.nwarn, 2);
	T_EQ_INT(g.warn_kind[0], CONTEXT_WARN_DEPTH);
	T_ASSERT(strstr(g.warn_msg[0], "HUSH_MAX_DEPTH") != NULL);
	T_EQ_INT(g.warn_kind[1], CONTEXT_WARN_PATH);
	T_ASSERT(strstr(g.warn_msg[1], "HUSH_MAX_PATH") != NULL);
	hush_buf_dispose(&p);
	rm_rf(dir);
}

T_MAIN(T_CASE(vectors_match), T_CASE(vectors_walk), T_CASE(vectors_parse),
	T_CASE(compile_kinds), T_CASE(regex_semantics), T_CASE(parse_details),
	T_CASE(parse_errors), T_CASE(build_files), T_CASE(quirk_secrets),
	T_CASE(docs_readme_glob), T_CASE(docs_md_prefix), T_CASE(symlink_loop),
	T_CASE(unreadable_dir), T_CASE(walk_limits))
