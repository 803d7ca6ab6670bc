/* SPDX-License-Identifier: MIT */
/*
 * engine.c - one Hyperscan block database for all rules, PCRE2 confirmation,
 * filters and base64 rescans. The only file that includes <hs.h>.
 *
 * Hyperscan reports only (rule, end) because the database is compiled without
 * SOM, which is faster and smaller. The callback appends those pairs to a
 * preallocated array and never allocates. After hs_scan returns, each
 * candidate is confirmed by PCRE2:
 *   - a plain rule with its pattern anchored to end exactly at `end`, over a
 *     window bounded by the pattern's maximum width (hs_expression_info);
 *   - a prefilter rule with its full pattern, unanchored, over `window`
 *     bytes on both sides of the prefilter hit.
 */
#include <errno.h>
#include <fcntl.h>
#include <hs.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "engine.h"
#include "filter.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "regex.h"

#define HS_FLAGS HS_FLAG_MULTILINE
#define CACHE_MAGIC "HUSHDB01"

struct lazy_re {
	_Atomic(struct regex *) re;
};

struct engine {
	const struct rules *rules;
	hs_database_t *db;
	hs_scratch_t *proto;
	unsigned *width;     /* per rule: confirmation window */
	struct lazy_re *re;  /* per rule, compiled on first use */
	pthread_mutex_t re_lock;
	unsigned max_captures;
	size_t overlap;
	bool from_cache;
	bool decode;
};

struct cand {
	unsigned rule;
	unsigned long long end;
};

struct hit {
	unsigned rule;
	size_t start, end, s_start, s_end;
};

struct engine_worker {
	struct engine *e;
	hs_scratch_t *scratch;
	void *scratch_raw; /* the block our allocator handed Hyperscan */
	struct regex_md *md;
	struct cand *cand;
	size_t ncand;
	bool overflow;
	struct hit *hits;
	size_t nhits, hits_alloc;
	unsigned char *b64;
};

/*
 * Scratch allocations go through this allocator so that a worker knows the
 * raw block behind its scratch: if a SIGBUS (a file truncated under its
 * mapping) cuts hs_scan short, Hyperscan still marks the scratch in use and
 * refuses to free it, so we free the block ourselves.
 */
static _Thread_local void *last_scratch_block;

static void *scratch_alloc(size_t n)
{
	void *p = malloc(n);

	last_scratch_block = p;
	return p;
}

static void scratch_free(void *p)
{
	free(p);
}

static pthread_once_t alloc_once = PTHREAD_ONCE_INIT;

static void set_allocator(void)
{
	hs_set_scratch_allocator(scratch_alloc, scratch_free);
}

static const char *hs_pattern(const struct rule *r)
{
	return r->prefilter ? r->prefilter : r->pattern;
}

bool engine_from_cache(const struct engine *e)
{
	return e->from_cache;
}

size_t engine_overlap(const struct engine *e)
{
	return e->overlap;
}

/* The regex for rule i: compiled on first use, shared by all workers. */
static int rule_re(struct engine *e, unsigned i, struct regex **out)
{
	const struct rule *r = &e->rules->v[i];
	struct regex *re = atomic_load_explicit(&e->re[i].re, memory_order_acquire);
	int error = 0;

	if (re) {
		*out = re;
		return 0;
	}
	pthread_mutex_lock(&e->re_lock);
	re = atomic_load_explicit(&e->re[i].re, memory_order_relaxed);
	if (!re) {
		unsigned flags = REGEX_MULTILINE;

		if (!r->prefilter)
			flags |= REGEX_END_ANCHORED;
		if ((error = regex_compile(&re, r->pattern, flags)) < 0)
			hush_err_set(error, "%s:%u: rule %s: %s", r->file, r->line,
				r->id, hush_err_msg());
		else if (regex_capture_count(re) < 1 ||
			 regex_capture_count(re) > e->max_captures) {
			regex_free(re);
			re = NULL;
			error = hush_err_set(HUSH_EPARSE,
				"%s:%u: rule %s: pattern needs one to %u capture groups",
				r->file, r->line, r->id, e->max_captures);
		} else {
			atomic_store_explicit(&e->re[i].re, re, memory_order_release);
		}
	}
	pthread_mutex_unlock(&e->re_lock);
	*out = re;
	return error;
}

static int compile_db(struct engine *e)
{
	const struct rules *rs = e->rules;
	const char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL, i, n = 0;
	hs_compile_error_t *cerr = NULL;
	int error = HUSH_EPARSE;

	exprs = calloc(rs->len, sizeof(*exprs));
	flags = calloc(rs->len, sizeof(*flags));
	ids = calloc(rs->len, sizeof(*ids));
	if (!exprs || !flags || !ids) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < rs->len; i++) {
		const struct rule *r = &rs->v[i];
		hs_expr_info_t *info = NULL;

		if (!r->pattern)
			continue; /* a check: its findings come from code */
		exprs[n] = hs_pattern(r);
		flags[n] = HS_FLAGS;
		ids[n] = i;
		if (hs_expression_info(exprs[n], flags[n], &info, &cerr) !=
		    HS_SUCCESS) {
			error = hush_err_set(HUSH_EPARSE,
				"%s:%u: rule %s: hyperscan rejects the %s: %s",
				r->file, r->line, r->id,
				r->prefilter ? "prefilter" : "pattern",
				cerr ? cerr->message : "unknown error");
			goto done;
		}
		if (r->prefilter)
			e->width[i] = r->window;
		else if (info->max_width == UINT_MAX ||
			 info->max_width > HUSH_MAX_MATCH_WINDOW)
			e->width[i] = HUSH_MAX_MATCH_WINDOW;
		else
			e->width[i] = info->max_width;
		free(info);
		n++;
	}
	if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_BLOCK, NULL, &e->db,
		    &cerr) != HS_SUCCESS) {
		if (cerr && cerr->expression >= 0 &&
		    (unsigned)cerr->expression < n) {
			const struct rule *r = &rs->v[ids[cerr->expression]];

			error = hush_err_set(HUSH_EPARSE,
				"%s:%u: rule %s: hyperscan rejects the pattern: %s",
				r->file, r->line, r->id, cerr->message);
		} else {
			error = hush_err_set(HUSH_EPARSE, "hyperscan: %s",
				cerr ? cerr->message : "compile failed");
		}
		goto done;
	}
	error = 0;
done:
	if (cerr)
		hs_free_compile_error(cerr);
	free(exprs);
	free(flags);
	free(ids);
	return error;
}

/* The cache key covers everything that changes the database. */
static void cache_key(char hex[65], const struct rules *rs)
{
	unsigned char sum[DIGEST_SHA256_LEN];
	struct hush_buf b = HUSH_BUF_INIT((size_t)-1 / 2);
	const void *parts[1];
	size_t lens[1], i;
	int error = 0;

	error = hush_buf_printf(&b, "%s\n%s\n%u\n", CACHE_MAGIC, hs_version(),
		HS_FLAGS);
	/* checks have no pattern, but they shift nothing: ids are indexes */
	if (error == 0)
		error = hush_buf_printf(&b, "%zu\n", rs->len);
	for (i = 0; i < rs->len && error == 0; i++)
		if (rs->v[i].pattern)
			error = hush_buf_printf(&b, "%zu\n%s\n%u\n%s\n%s\n%u\n", i,
				rs->v[i].id, rs->v[i].prefilter ? 1u : 0u,
				hs_pattern(&rs->v[i]), rs->v[i].pattern,
				rs->v[i].window);
	parts[0] = b.ptr ? b.ptr : "";
	lens[0] = error == 0 ? b.len : 0;
	digest_sha256(sum, parts, lens, 1);
	digest_hex(hex, sum, sizeof(sum));
	hush_buf_dispose(&b);
}

static int cache_path(char *out, size_t cap, const char *dir, const char *key)
{
	int n = snprintf(out, cap, "%s/%s.hsdb", dir, key);

	if (n < 0 || (size_t)n >= cap)
		return hush_err_set(HUSH_ELIMIT, "cache path too long");
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Cache file: magic, rule count (u32), widths (u32 each), db size (u64),
 * then hs_serialize_database bytes. Anything that does not add up is
 * ignored and the database is compiled again.
 */
static bool cache_load(struct engine *e, const char *path)
{
	uint32_t n = 0;
	uint64_t dblen = 0;
	char magic[8];
	char *bytes = NULL;
	struct stat st;
	bool ok = false;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto done;
	if (read_full(fd, magic, sizeof(magic)) < 0 ||
	    memcmp(magic, CACHE_MAGIC, sizeof(magic)) != 0)
		goto done;
	if (read_full(fd, &n, sizeof(n)) < 0 || n != e->rules->len)
		goto done;
	if (read_full(fd, e->width, n * sizeof(*e->width)) < 0)
		goto done;
	if (read_full(fd, &dblen, sizeof(dblen)) < 0 ||
	    dblen != (uint64_t)st.st_size - sizeof(magic) - sizeof(n) -
			    n * sizeof(*e->width) - sizeof(dblen))
		goto done;
	if ((bytes = malloc(dblen)) == NULL || read_full(fd, bytes, dblen) < 0)
		goto done;
	if (hs_deserialize_database(bytes, dblen, &e->db) != HS_SUCCESS) {
		e->db = NULL;
		goto done;
	}
	ok = true;
done:
	free(bytes);
	close(fd);
	return ok;
}

/* Written to a temporary file and renamed, so readers never see half a db. */
static void cache_store(const struct engine *e, const char *dir,
	const char *path)
{
	char *bytes = NULL, tmp[HUSH_MAX_PATH];
	size_t len = 0;
	uint32_t n = (uint32_t)e->rules->len;
	uint64_t dblen;
	int fd = -1, k;

	if (hs_serialize_database(e->db, &bytes, &len) != HS_SUCCESS)
		return;
	(void)mkdir(dir, 0700);
	k = snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (k < 0 || (size_t)k >= sizeof(tmp))
		goto done;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		     0600)) < 0)
		goto done;
	dblen = len;
	if (write_full(fd, CACHE_MAGIC, 8) < 0 || write_full(fd, &n, sizeof(n)) < 0 ||
	    write_full(fd, e->width, n * sizeof(*e->width)) < 0 ||
	    write_full(fd, &dblen, sizeof(dblen)) < 0 ||
	    write_full(fd, bytes, len) < 0 || close(fd) < 0) {
		fd = -1;
		(void)unlink(tmp);
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		(void)unlink(tmp);
done:
	if (fd >= 0) {
		close(fd);
		(void)unlink(tmp);
	}
	free(bytes);
}

int engine_new(struct engine **out, const struct rules *rules,
	const struct engine_opts *opts)
{
	struct engine *e = NULL;
	char key[65], path[HUSH_MAX_PATH];
	bool have_path = false;
	size_t i;
	int error = HUSH_ENOMEM;

	*out = NULL;
	pthread_once(&alloc_once, set_allocator);
	if (rules->len == 0)
		return hush_err_set(HUSH_EUSAGE, "no rules to scan with");
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto nomem;
	e->rules = rules;
	e->decode = opts->decode;
	e->max_captures = 16;
	pthread_mutex_init(&e->re_lock, NULL);
	e->width = calloc(rules->len, sizeof(*e->width));
	e->re = calloc(rules->len, sizeof(*e->re));
	if (!e->width || !e->re)
		goto nomem;
	for (i = 0; i < rules->len; i++)
		atomic_init(&e->re[i].re, NULL);

	if (opts->cache_dir && *opts->cache_dir) {
		cache_key(key, rules);
		have_path = cache_path(path, sizeof(path), opts->cache_dir, key) == 0;
	}
	if (have_path && !opts->validate && cache_load(e, path)) {
		e->from_cache = true;
		hush_log_debug("database loaded from %s", path);
	} else {
		if ((error = compile_db(e)) < 0)
			goto done;
		/*
		 * A database that was just compiled gets every pattern
		 * checked before it is cached, so a cached database stands
		 * for a rule set whose patterns all compile in PCRE2 too.
		 */
		for (i = 0; i < rules->len; i++) {
			struct regex *re;

			if (rules->v[i].pattern &&
			    (error = rule_re(e, (unsigned)i, &re)) < 0)
				goto done;
		}
		if (have_path)
			cache_store(e, opts->cache_dir, path);
	}
	if (hs_alloc_scratch(e->db, &e->proto) != HS_SUCCESS) {
		error = hush_err_set(HUSH_ENOMEM, "hyperscan: cannot allocate scratch");
		goto done;
	}
	e->overlap = 0;
	for (i = 0; i < rules->len; i++) {
		size_t w = e->width[i] + (rules->v[i].prefilter ? e->width[i] : 0);

		if (w > e->overlap)
			e->overlap = w;
	}
	*out = e;
	e = NULL;
	error = 0;
	goto done;
nomem:
	error = hush_err_set(HUSH_ENOMEM, "out of memory");
done:
	engine_free(e);
	return error;
}

void engine_free(struct engine *e)
{
	size_t i;

	if (!e)
		return;
	if (e->re)
		for (i = 0; i < e->rules->len; i++)
			regex_free(atomic_load(&e->re[i].re));
	free(e->re);
	free(e->width);
	if (e->proto)
		hs_free_scratch(e->proto);
	if (e->db)
		hs_free_database(e->db);
	pthread_mutex_destroy(&e->re_lock);
	free(e);
}

static int clone_scratch(struct engine_worker *w)
{
	last_scratch_block = NULL;
	if (hs_clone_scratch(w->e->proto, &w->scratch) != HS_SUCCESS) {
		w->scratch = NULL;
		return hush_err_set(HUSH_ENOMEM, "hyperscan: cannot clone scratch");
	}
	w->scratch_raw = last_scratch_block;
	return 0;
}

int engine_worker_new(struct engine_worker **out, struct engine *e)
{
	struct engine_worker *w;
	int error = HUSH_ENOMEM;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	w->e = e;
	w->cand = malloc(HUSH_MAX_CANDIDATES * sizeof(*w->cand));
	w->b64 = malloc(HUSH_MAX_BASE64);
	if (!w->cand || !w->b64) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto fail;
	}
	if ((error = regex_md_new(&w->md, e->max_captures)) < 0)
		goto fail;
	if ((error = clone_scratch(w)) < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	engine_worker_free(w);
	return error;
}

void engine_worker_free(struct engine_worker *w)
{
	if (!w)
		return;
	if (w->scratch)
		hs_free_scratch(w->scratch);
	regex_md_free(w->md);
	free(w->cand);
	free(w->hits);
	free(w->b64);
	free(w);
}

int engine_worker_reset(struct engine_worker *w)
{
	/* the scratch may be marked in use: free its block directly */
	if (w->scratch && hs_free_scratch(w->scratch) != HS_SUCCESS)
		scratch_free(w->scratch_raw);
	w->scratch = NULL;
	w->scratch_raw = NULL;
	return clone_scratch(w);
}

/* Hyperscan callback: record, never allocate, stop when full. */
static int on_hs_match(unsigned int id, unsigned long long from,
	unsigned long long to, unsigned int flags, void *ctx)
{
	struct engine_worker *w = ctx;

	(void)from;
	(void)flags;
	if (w->ncand == HUSH_MAX_CANDIDATES) {
		w->overflow = true;
		return 1;
	}
	w->cand[w->ncand].rule = id;
	w->cand[w->ncand].end = to;
	w->ncand++;
	return 0;
}

static int add_hit(struct engine_worker *w, unsigned rule, const size_t span[4],
	size_t base)
{
	struct hit *h;

	if (w->nhits == w->hits_alloc) {
		size_t n = w->hits_alloc ? w->hits_alloc * 2 : 64;

		if (n > HUSH_MAX_CANDIDATES * 2)
			return hush_err_set(HUSH_ELIMIT,
				"more than %u confirmed matches in one scan",
				HUSH_MAX_CANDIDATES * 2);
		if ((h = realloc(w->hits, n * sizeof(*h))) == NULL)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		w->hits = h;
		w->hits_alloc = n;
	}
	h = &w->hits[w->nhits++];
	h->rule = rule;
	h->start = base + span[0];
	h->end = base + span[1];
	if (span[2] == (size_t)-1) {
		h->s_start = h->start;
		h->s_end = h->end;
	} else {
		h->s_start = base + span[2];
		h->s_end = base + span[3];
	}
	return 0;
}

/* Confirm one candidate; a PCRE2 limit only loses that candidate. */
static int confirm(struct engine_worker *w, const struct cand *c,
	const unsigned char *data, size_t len, bool *limited)
{
	struct engine *e = w->e;
	const struct rule *r = &e->rules->v[c->rule];
	struct regex *re;
	size_t end = (size_t)c->end, width = e->width[c->rule], span[4];
	int rc, error;

	if ((error = rule_re(e, c->rule, &re)) < 0)
		return error;
	if (!r->prefilter) {
		size_t start = end > width ? end - width : 0;

		rc = regex_match(re, w->md, data, end, start, span);
		if (rc == HUSH_ELIMIT)
			*limited = true;
		if (rc == 1 && span[1] == end)
			return add_hit(w, c->rule, span, 0);
		return rc < 0 && rc != HUSH_ELIMIT ? rc : 0;
	} else {
		size_t lo = end > width ? end - width : 0;
		size_t hi = len - end > width ? end + width : len;
		size_t at = lo;

		while (at < hi) {
			rc = regex_match(re, w->md, data, hi, at, span);
			if (rc == HUSH_ELIMIT)
				*limited = true;
			if (rc != 1)
				return rc < 0 && rc != HUSH_ELIMIT ? rc : 0;
			if ((error = add_hit(w, c->rule, span, 0)) < 0)
				return error;
			at = span[1] > at ? span[1] : at + 1;
		}
	}
	return 0;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1; /* longest first */
	return 0;
}

static int cmp_hit_pos(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return 0;
}

/* Drop duplicates and matches contained in a longer one of the same rule. */
static void prune_hits(struct engine_worker *w)
{
	size_t i, j = 0, keep_end = 0;
	unsigned keep_rule = UINT_MAX;

	if (w->nhits < 2)
		return;
	qsort(w->hits, w->nhits, sizeof(*w->hits), cmp_hit);
	for (i = 0; i < w->nhits; i++) {
		struct hit *h = &w->hits[i];

		if (h->rule == keep_rule && h->end <= keep_end)
			continue;
		keep_rule = h->rule;
		keep_end = h->end;
		w->hits[j++] = *h;
	}
	w->nhits = j;
	qsort(w->hits, w->nhits, sizeof(*w->hits), cmp_hit_pos);
}

static bool passes_filters(const struct engine *e, const struct hit *h,
	const unsigned char *data, size_t len)
{
	const struct rule *r = &e->rules->v[h->rule];
	const unsigned char *s = data + h->s_start;
	size_t n = h->s_end - h->s_start;

	if (r->min_entropy > 0 && filter_entropy(s, n) < r->min_entropy)
		return false;
	if (filter_is_placeholder(s, n))
		return false;
	if (filter_line_allowed(data, len, h->start))
		return false;
	return true;
}

/*
 * One Hyperscan pass over data plus confirmation; fills w->hits. When the
 * candidate array fills up, the candidates are confirmed and the scan goes on
 * from a little before the last one, so that a dense file is not cut short.
 */
static int scan_pass(struct engine_worker *w, const unsigned char *data,
	size_t len, bool *limited)
{
	size_t at = 0, i;
	int error = 0;
	hs_error_t hr;

	w->nhits = 0;
	while (at < len) {
		size_t n = len - at, last_end = 0;

		HUSH_ASSERT(n <= UINT_MAX);
		w->ncand = 0;
		w->overflow = false;
		hr = hs_scan(w->e->db, (const char *)data + at, (unsigned)n, 0,
			w->scratch, on_hs_match, w);
		if (hr != HS_SUCCESS && hr != HS_SCAN_TERMINATED)
			return hush_err_set(HUSH_ERROR, "hyperscan scan failed (%d)",
				(int)hr);
		for (i = 0; i < w->ncand; i++) {
			struct cand c = w->cand[i];

			c.end += at;
			if ((size_t)c.end > last_end)
				last_end = (size_t)c.end;
			if ((error = confirm(w, &c, data, len, limited)) < 0)
				return error;
		}
		if (!w->overflow)
			break;
		/* resume before the last candidate so nothing is skipped */
		{
			size_t resume = last_end > w->e->overlap
						? last_end - w->e->overlap
						: 0;

			if (resume <= at) {
				*limited = true;
				resume = last_end > at ? last_end : at + 1;
			}
			at = resume;
		}
	}
	prune_hits(w);
	return 0;
}

static int deliver(struct engine_worker *w, const unsigned char *data,
	size_t len, engine_match_cb cb, void *payload, bool decoded,
	size_t run_start, size_t run_end)
{
	size_t i;
	int error;

	for (i = 0; i < w->nhits; i++) {
		const struct hit *h = &w->hits[i];
		struct engine_match m;

		if (!passes_filters(w->e, h, data, len))
			continue;
		m.rule = h->rule;
		m.secret = data + h->s_start;
		m.secret_len = h->s_end - h->s_start;
		m.decoded = decoded;
		if (decoded) {
			m.start = run_start;
			m.end = run_end;
			m.secret_off = run_start;
		} else {
			m.start = h->start;
			m.end = h->end;
			m.secret_off = h->s_start;
		}
		if ((error = cb(&m, payload)) < 0)
			return error;
	}
	return 0;
}

enum { B64 = 1, B64_UPPER = 2, B64_LOWER = 4, B64_DIGIT = 8, B64_URL = 16,
	B64_STD = 32 };

/* Character classes for base64 runs; filled once (see b64_init). */
static unsigned char b64class[256];
static pthread_once_t b64_once = PTHREAD_ONCE_INIT;

static void b64_init(void)
{
	int c;

	for (c = 'A'; c <= 'Z'; c++)
		b64class[c] = B64 | B64_UPPER;
	for (c = 'a'; c <= 'z'; c++)
		b64class[c] = B64 | B64_LOWER;
	for (c = '0'; c <= '9'; c++)
		b64class[c] = B64 | B64_DIGIT;
	b64class['+'] = b64class['/'] = B64 | B64_STD;
	b64class['-'] = b64class['_'] = B64 | B64_URL;
}

static bool mostly_text(const unsigned char *s, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (!((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' ||
			    c == '\t'))
			bad++;
	}
	return bad * 20 <= n; /* at least 95% printable */
}

/* Decode one base64 run and scan the text it holds. */
static int scan_run(struct engine_worker *w, const unsigned char *data,
	size_t len, size_t s, size_t e, unsigned cls, engine_match_cb cb,
	void *payload, bool *limited)
{
	const unsigned need = B64_UPPER | B64_LOWER | B64_DIGIT;
	size_t n = e - s, end = e, out_len = 0;
	int error;

	/*
	 * Encoded text of 24+ bytes always mixes cases and digits; runs that
	 * do not are identifiers and hex, not worth a decode.
	 */
	if ((cls & need) != need || ((cls & B64_URL) && (cls & B64_STD)))
		return 0;
	if (n > HUSH_MAX_BASE64 / 3 * 4) {
		hush_log_debug("base64 run of %zu bytes not decoded (HUSH_MAX_BASE64)",
			n);
		return 0;
	}
	/* padding: at most 2, and never past the end of the data */
	while (end < s + n + 2 && end < len && data[end] == '=')
		end++;
	if (digest_base64_decode(w->b64, HUSH_MAX_BASE64, &out_len,
		    (const char *)data + s, end - s, (cls & B64_URL) != 0) < 0)
		return 0;
	if (out_len < 8 || !mostly_text(w->b64, out_len))
		return 0;
	if ((error = scan_pass(w, w->b64, out_len, limited)) < 0)
		return error;
	return deliver(w, w->b64, out_len, cb, payload, true, s, end);
}

/*
 * Base64 values (Kubernetes Secret data, docker auths, ...) are decoded and
 * scanned again once; decoded content is not decoded again. Only runs of at
 * least HUSH_MIN_BASE64 characters count, so the loop probes the byte where
 * such a run would have to reach: when it is not a base64 character, no run
 * starting before it qualifies and the loop jumps past it. Prose and code
 * are thus checked a word in every HUSH_MIN_BASE64 bytes.
 */
static int scan_decoded(struct engine_worker *w, const unsigned char *data,
	size_t len, engine_match_cb cb, void *payload, bool *limited)
{
	const size_t min = HUSH_MIN_BASE64;
	size_t i = 0;
	int error;

	pthread_once(&b64_once, b64_init);
	while (len >= min && i <= len - min) {
		size_t probe = i + min - 1, s, e;
		unsigned cls = 0;

		if (!(b64class[data[probe]] & B64)) {
			i = probe + 1;
			continue;
		}
		for (s = probe; s > i && (b64class[data[s - 1]] & B64); s--)
			;
		for (e = probe + 1; e < len && (b64class[data[e]] & B64); e++)
			;
		if (e - s >= min) {
			size_t k;

			for (k = s; k < e; k++)
				cls |= b64class[data[k]];
			if ((error = scan_run(w, data, len, s, e, cls, cb,
				     payload, limited)) < 0)
				return error;
		}
		i = e + 1;
	}
	return 0;
}

int engine_scan(struct engine_worker *w, const unsigned char *data, size_t len,
	engine_match_cb cb, void *payload)
{
	bool limited = false;
	int error;

	if (len == 0)
		return 0;
	if (len > UINT_MAX)
		return hush_err_set(HUSH_ELIMIT,
			"buffer of %zu bytes is larger than a Hyperscan scan", len);
	if ((error = scan_pass(w, data, len, &limited)) < 0)
		return error;
	if ((error = deliver(w, data, len, cb, payload, false, 0, 0)) < 0)
		return error;
	if (w->e->decode &&
	    (error = scan_decoded(w, data, len, cb, payload, &limited)) < 0)
		return error;
	if (limited)
		return hush_err_set(HUSH_ELIMIT,
			"match limit reached (HUSH_MAX_CANDIDATES or PCRE2 limits); "
			"some candidates were not confirmed");
	return 0;
}

static int count_match(unsigned int id, unsigned long long from,
	unsigned long long to, unsigned int flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	(*(size_t *)ctx)++;
	return 0;
}

int engine_rule_cost(const struct rules *rules, size_t rule,
	const unsigned char *data, size_t len, double *seconds,
	size_t *candidates)
{
	const struct rule *r = &rules->v[rule];
	hs_database_t *db = NULL;
	hs_scratch_t *scratch = NULL;
	hs_compile_error_t *cerr = NULL;
	struct timespec t0, t1;
	int error = HUSH_EPARSE;

	*seconds = 0;
	*candidates = 0;
	pthread_once(&alloc_once, set_allocator);
	if (hs_compile(hs_pattern(r), HS_FLAGS, HS_MODE_BLOCK, NULL, &db, &cerr) !=
	    HS_SUCCESS) {
		error = hush_err_set(HUSH_EPARSE, "rule %s: %s", r->id,
			cerr ? cerr->message : "compile failed");
		goto done;
	}
	if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
		error = hush_err_set(HUSH_ENOMEM, "hyperscan: cannot allocate scratch");
		goto done;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (len > UINT_MAX ||
	    hs_scan(db, (const char *)data, (unsigned)len, 0, scratch, count_match,
		    candidates) != HS_SUCCESS) {
		error = hush_err_set(HUSH_ERROR, "rule %s: scan failed", r->id);
		goto done;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*seconds = (double)(t1.tv_sec - t0.tv_sec) +
		   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	error = 0;
done:
	if (cerr)
		hs_free_compile_error(cerr);
	if (scratch)
		hs_free_scratch(scratch);
	if (db)
		hs_free_database(db);
	return error;
}
