/* SPDX-License-Identifier: MIT */
/*
 * scan.c - worker pool, bounded queue, chunked and mmapped file scanning,
 * engine matches -> findings.
 *
 * Files larger than HUSH_READ_MAX are mmapped, smaller ones read into a
 * per-worker buffer. A mapped file that shrinks while it is mapped raises SIGBUS
 * when a vanished page is touched; each worker guards its scan with
 * sigsetjmp, so that file becomes a warning instead of a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "filter.h"
#include "hush/buf.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "scan.h"

/* Items the walker hands over per lock, and a worker takes per lock at most. */
#define SCAN_BATCH 32
#define SCAN_TAKE 8

struct item {
	char *path;          /* NULL for a buffer */
	char *display;
	unsigned char *data; /* buffer items */
	size_t len;
	bool follow;         /* the user named this path: follow a symlink */
	bool fetch;          /* the worker fetches item id (scan_fetcher) */
	size_t id;
};

/* Aligned so that workers' counters never share a cache line. */
struct worker {
	_Alignas(64) struct scan *s;
	atomic_size_t files, bytes, binary_skipped; /* summed by scan_get_stats */
	pthread_t thread;
	bool started;
	struct engine_worker *ew;
	struct findings found;
	unsigned char *buf; /* small files are read here, not mapped */
	size_t buf_alloc;
	void *fctx;         /* the fetcher's state for this worker */
};

struct scan {
	struct engine *engine;
	const struct rules *rules;
	struct scan_opts opts;
	struct worker *workers;
	unsigned nworkers;

	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct item queue[HUSH_QUEUE_DEPTH];
	size_t qhead, qlen;
	bool closing;

	struct scan_fetcher fetcher;
	bool has_fetcher;

	struct findings findings;
	char **warnings;   /* the messages kept */
	size_t nwarnings;
	size_t warn_count; /* every warning, kept or not */
	bool findings_limit_hit;

	atomic_size_t allow_skipped, total_findings;
	atomic_size_t buffered; /* bytes of queued buffer items */

	/* the walker's batch, pushed whole to cut lock traffic (one producer) */
	struct item batch[SCAN_BATCH];
	size_t nbatch;
	bool running; /* every worker started */

	pthread_t progress;
	bool progress_started;
	pthread_mutex_t plock;
	pthread_cond_t pcond;
	bool pstop;
};

/* One scan of one chunk: turns engine matches into findings. */
struct chunk_ctx {
	struct worker *w;
	const struct item *it;
	const unsigned char *map; /* mapped bytes, map[0] is offset map_off */
	size_t map_off, map_len;
	size_t accept_after;      /* drop matches ending at or before this */
	struct findings pending;  /* this chunk's findings, sorted later */
	size_t *offs;             /* secret offsets of pending, same order */
	size_t item_findings;
	bool item_limit_warned;
	int error;
};

static _Thread_local sigjmp_buf *bus_jmp;

static void on_sigbus(int sig)
{
	if (bus_jmp)
		siglongjmp(*bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

void scan_warn(struct scan *s, const char *fmt, ...)
{
	char msg[1024];
	char **v, *copy;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	hush_log_warn("%s", msg);
	pthread_mutex_lock(&s->lock);
	/* counted even when it cannot be kept: the exit code says incomplete */
	s->warn_count++;
	copy = s->nwarnings < 10000 ? strdup(msg) : NULL;
	v = copy ? realloc(s->warnings, (s->nwarnings + 1) * sizeof(*v)) : NULL;
	if (v) {
		v[s->nwarnings++] = copy;
		s->warnings = v;
	} else {
		free(copy);
	}
	pthread_mutex_unlock(&s->lock);
}

void scan_note_allowed(struct scan *s)
{
	atomic_fetch_add(&s->allow_skipped, 1);
}

static char *sanitize(const unsigned char *p, size_t n)
{
	char *out = malloc(n + 1);
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
	out[n] = '\0';
	return out;
}

static int make_finding(struct chunk_ctx *c, const struct engine_match *m)
{
	const struct rule *r = &c->w->s->rules->v[m->rule];
	struct finding f;
	unsigned char sum[DIGEST_SHA256_LEN];
	const void *parts[3];
	size_t lens[3], slen = m->secret_len, a, b, i;
	size_t *offs;
	int error;

	memset(&f, 0, sizeof(f));
	if (slen > HUSH_MAX_SECRET)
		slen = HUSH_MAX_SECRET;
	f.rule = r;
	f.decoded = m->decoded;
	f.secret_len = slen;
	if ((f.secret = malloc(slen + 1)) == NULL)
		goto nomem;
	memcpy(f.secret, m->secret, slen);
	f.secret[slen] = '\0';
	parts[0] = r->id;
	lens[0] = strlen(r->id) + 1; /* the NUL separates id and secret */
	parts[1] = m->secret;
	lens[1] = m->secret_len;
	digest_sha256(sum, parts, lens, 2);
	digest_hex(f.fingerprint, sum, sizeof(sum));
	digest_sha256(sum, &parts[1], &lens[1], 1);
	digest_hex(f.secret_sha256, sum, sizeof(sum));
	if ((f.path = strdup(c->it->display)) == NULL)
		goto nomem;
	if (c->it->fetch)
		f.order = c->it->id;
	/* snippet: same line only, bounded context on each side */
	if (!m->decoded) {
		size_t so = m->secret_off, se = m->secret_off + m->secret_len;

		a = so;
		for (i = 0; i < HUSH_SNIPPET_CONTEXT && a > 0 &&
			    c->map[a - 1] != '\n' && c->map[a - 1] != '\r';
		     i++)
			a--;
		b = se;
		for (i = 0; i < HUSH_SNIPPET_CONTEXT && b < c->map_len &&
			    c->map[b] != '\n' && c->map[b] != '\r';
		     i++)
			b++;
		f.before = sanitize(c->map + a, so - a);
		f.after = sanitize(c->map + se, b - se);
	} else {
		f.before = strdup("");
		f.after = strdup("");
	}
	if (!f.before || !f.after)
		goto nomem;
	offs = realloc(c->offs, (c->pending.len + 1) * sizeof(*offs));
	if (!offs)
		goto nomem;
	c->offs = offs;
	offs[c->pending.len] = m->secret_off;
	if ((error = findings_push(&c->pending, &f)) < 0)
		return error;
	return 0;
nomem:
	finding_dispose(&f);
	return hush_err_set(HUSH_ENOMEM, "out of memory");
}

static int on_match(const struct engine_match *m, void *payload)
{
	struct chunk_ctx *c = payload;
	struct scan *s = c->w->s;

	if (c->accept_after && c->map_off + m->end <= c->accept_after)
		return 0; /* the previous chunk saw it */
	if (c->item_findings >= HUSH_MAX_FINDINGS_PER_ITEM) {
		if (!c->item_limit_warned)
			scan_warn(s, "%s: more than %u findings; the rest are not "
				     "reported (HUSH_MAX_FINDINGS_PER_ITEM)",
				c->it->display, HUSH_MAX_FINDINGS_PER_ITEM);
		c->item_limit_warned = true;
		return 0;
	}
	if (atomic_fetch_add(&s->total_findings, 1) >= HUSH_MAX_FINDINGS) {
		pthread_mutex_lock(&s->lock);
		if (!s->findings_limit_hit) {
			s->findings_limit_hit = true;
			pthread_mutex_unlock(&s->lock);
			scan_warn(s, "more than %u findings; the rest are not "
				     "reported (HUSH_MAX_FINDINGS)",
				HUSH_MAX_FINDINGS);
		} else {
			pthread_mutex_unlock(&s->lock);
		}
		return 0;
	}
	c->item_findings++;
	return make_finding(c, m);
}

/* Line-number state carried from chunk to chunk. */
struct lines {
	size_t base_off;  /* offset where counting stands */
	size_t base_line; /* newlines before base_off */
	size_t last_nl;   /* offset just after the last newline before base_off */
};

/* Count lines from the chunk start to each pending finding, in order. */
static int place_pending(struct chunk_ctx *c, struct lines *ln)
{
	struct worker *w = c->w;
	size_t i, cur = 0, lines = ln->base_line, line_start = ln->last_nl;
	size_t *order = NULL;
	int error = 0;

	if (c->pending.len == 0)
		return 0;
	if ((order = malloc(c->pending.len * sizeof(*order))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	for (i = 0; i < c->pending.len; i++)
		order[i] = i;
	/* insertion sort by offset: few findings per chunk, mostly in order */
	for (i = 1; i < c->pending.len; i++) {
		size_t x = order[i], j = i;

		while (j > 0 && c->offs[order[j - 1]] > c->offs[x]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = x;
	}
	HUSH_ASSERT(ln->base_off == c->map_off);
	for (i = 0; i < c->pending.len; i++) {
		struct finding *f = &c->pending.v[order[i]];
		size_t off = c->offs[order[i]];

		while (cur < off) {
			const unsigned char *nl =
				memchr(c->map + cur, '\n', off - cur);

			if (!nl)
				break;
			lines++;
			cur = (size_t)(nl - c->map) + 1;
			line_start = c->map_off + cur;
		}
		cur = off > cur ? off : cur;
		f->line = lines + 1;
		f->column = c->map_off + off - line_start + 1;
	}
	for (i = 0; i < c->pending.len && error == 0; i++)
		error = findings_push(&w->found, &c->pending.v[order[i]]);
	for (; i < c->pending.len; i++)
		finding_dispose(&c->pending.v[order[i]]);
	c->pending.len = 0;
	free(order);
	return error;
}

static void advance_lines(struct lines *ln, const unsigned char *map,
	size_t map_off, size_t to)
{
	size_t cur = ln->base_off - map_off, end = to - map_off;

	while (cur < end) {
		const unsigned char *nl = memchr(map + cur, '\n', end - cur);

		if (!nl)
			break;
		ln->base_line++;
		cur = (size_t)(nl - map) + 1;
		ln->last_nl = map_off + cur;
	}
	ln->base_off = to;
}

static size_t page_round_up(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) / pg * pg;
}

#define SCAN_SIGBUS 1
#define SCAN_BINARY 2

/*
 * Everything that touches mapped bytes runs here, under the SIGBUS guard.
 * Nothing is modified between sigsetjmp and a longjmp but memory the caller
 * owns, so no local is clobbered.
 * @return 0, SCAN_BINARY, SCAN_SIGBUS or a negative hush_err
 */
static int guarded_scan(struct worker *w, struct chunk_ctx *c, struct lines *ln,
	bool sniff, size_t next_off)
{
	sigjmp_buf jb;
	int error;

	if (sigsetjmp(jb, 1) != 0) {
		bus_jmp = NULL;
		return SCAN_SIGBUS;
	}
	bus_jmp = &jb;
	if (sniff && filter_is_binary(c->map, c->map_len)) {
		bus_jmp = NULL;
		return SCAN_BINARY;
	}
	error = engine_scan(w->ew, c->map, c->map_len, on_match, c);
	if (error == HUSH_ELIMIT) {
		scan_warn(w->s, "%s: %s", c->it->display, hush_err_msg());
		error = 0;
	}
	if (error == 0)
		error = place_pending(c, ln);
	if (error == 0 && next_off)
		advance_lines(ln, c->map, c->map_off, next_off);
	bus_jmp = NULL;
	return error;
}

/*
 * Scan [0, size) of an item in chunks of opts.chunk bytes that overlap by the
 * engine's largest match: chunk k maps [k*step - overlap, (k+1)*step) and
 * keeps only matches that end after k*step, which chunk k-1 could not see.
 */
static int scan_chunks(struct worker *w, const struct item *it, int fd,
	const unsigned char *data, size_t size)
{
	struct scan *s = w->s;
	size_t step = s->opts.chunk, overlap = page_round_up(engine_overlap(s->engine));
	struct lines ln = { 0, 0, 0 };
	struct chunk_ctx c;
	size_t k;
	int error = 0;

	memset(&c, 0, sizeof(c));
	c.w = w;
	c.it = it;
	if (step < 2 * overlap)
		step = 2 * overlap;
	step = page_round_up(step);
	for (k = 0; k * step < size; k++) {
		size_t chunk_start = k * step;
		size_t map_off = k > 0 ? chunk_start - overlap : 0;
		size_t map_end = size - chunk_start > step ? chunk_start + step : size;
		size_t map_len = map_end - map_off;
		unsigned char *map;
		int rc;

		if (fd >= 0) {
			void *p = mmap(NULL, map_len, PROT_READ, MAP_PRIVATE, fd,
				(off_t)map_off);

			if (p == MAP_FAILED) {
				scan_warn(s, "%s: cannot map %zu bytes at %zu: %s",
					it->display, map_len, map_off, strerror(errno));
				error = HUSH_EIO;
				break;
			}
			(void)posix_madvise(p, map_len, POSIX_MADV_SEQUENTIAL);
			map = p;
		} else {
			map = (unsigned char *)(uintptr_t)(data + map_off);
		}
		c.map = map;
		c.map_off = map_off;
		c.map_len = map_len;
		c.accept_after = k > 0 ? chunk_start : 0;
		rc = guarded_scan(w, &c, &ln, k == 0 && !s->opts.binary,
			map_end < size ? map_end - overlap : 0);
		if (fd >= 0)
			munmap(map, map_len);
		if (rc == SCAN_BINARY) {
			atomic_fetch_add_explicit(&w->binary_skipped, 1, memory_order_relaxed);
			hush_log_info("%s: binary, skipped (use --binary to scan)",
				it->display);
			break;
		}
		if (rc == SCAN_SIGBUS) {
			scan_warn(s, "%s: file changed while it was read (now shorter "
				     "than %zu bytes); scan incomplete",
				it->display, size);
			findings_dispose(&c.pending);
			if (engine_worker_reset(w->ew) < 0)
				scan_warn(s, "%s", hush_err_msg());
			error = HUSH_EIO;
			break;
		}
		atomic_fetch_add_explicit(&w->bytes, map_end - chunk_start,
			memory_order_relaxed);
		if (rc < 0) {
			scan_warn(s, "%s: %s", it->display, hush_err_msg());
			error = rc;
			break;
		}
	}
	findings_dispose(&c.pending);
	free(c.offs);
	return error;
}

/*
 * Read a small file into the worker's buffer. Mapping it would cost more:
 * each munmap in a threaded process shoots down the TLBs of the other
 * workers' cores.
 * @return bytes read, or -1 (warned)
 */
static ssize_t read_small(struct worker *w, const struct item *it, int fd,
	size_t size)
{
	size_t got = 0;

	if (size > w->buf_alloc) {
		unsigned char *p = realloc(w->buf, HUSH_READ_MAX);

		if (!p) {
			scan_warn(w->s, "%s: out of memory", it->display);
			return -1;
		}
		w->buf = p;
		w->buf_alloc = HUSH_READ_MAX;
	}
	while (got < size) {
		ssize_t n = read(fd, w->buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			scan_warn(w->s, "%s: read failed: %s", it->display,
				strerror(errno));
			return -1;
		}
		if (n == 0) {
			scan_warn(w->s, "%s: file changed while it was read (now "
					"shorter than %zu bytes); scan incomplete",
				it->display, size);
			break;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void scan_file(struct worker *w, const struct item *it)
{
	struct scan *s = w->s;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
				    (it->follow ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		scan_warn(s, "%s: cannot open: %s", it->display, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0) {
		scan_warn(s, "%s: cannot stat: %s", it->display, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		hush_log_info("%s: not a regular file, skipped", it->display);
	} else if (st.st_size > 0 && (size_t)st.st_size <= HUSH_READ_MAX) {
		atomic_fetch_add_explicit(&w->files, 1, memory_order_relaxed);
		if ((n = read_small(w, it, fd, (size_t)st.st_size)) > 0)
			(void)scan_chunks(w, it, -1, w->buf, (size_t)n);
	} else {
		atomic_fetch_add_explicit(&w->files, 1, memory_order_relaxed);
		if (st.st_size > 0)
			(void)scan_chunks(w, it, fd, NULL, (size_t)st.st_size);
	}
	close(fd);
}

/* An item whose bytes the fetcher gives: scanned like a buffer. */
static void fetch_item(struct worker *w, const struct item *it)
{
	struct scan *s = w->s;
	const unsigned char *data = NULL;
	const char *display = NULL;
	struct item view = *it;
	size_t len = 0;
	int rc;

	rc = s->fetcher.fetch(w->fctx, it->id, &data, &len, &display);
	if (rc <= 0)
		return;
	atomic_fetch_add_explicit(&w->files, 1, memory_order_relaxed);
	view.display = (char *)(uintptr_t)display;
	if (len > 0)
		(void)scan_chunks(w, &view, -1, data, len);
	s->fetcher.release(w->fctx);
}

static void run_item(struct worker *w, struct item *it)
{
	if (it->fetch) {
		fetch_item(w, it);
	} else if (it->path) {
		scan_file(w, it);
	} else {
		atomic_fetch_add_explicit(&w->files, 1, memory_order_relaxed);
		(void)scan_chunks(w, it, -1, it->data, it->len);
		atomic_fetch_sub(&w->s->buffered, it->len);
	}
	free(it->path);
	free(it->display);
	free(it->data);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;
	struct item got[SCAN_TAKE];
	size_t n, i;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (s->qlen == 0 && !s->closing)
			pthread_cond_wait(&s->not_empty, &s->lock);
		if (s->qlen == 0) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		/* take a fair share, so that big batches do not starve others */
		n = s->qlen / s->nworkers;
		n = n < 1 ? 1 : n > SCAN_TAKE ? SCAN_TAKE : n;
		for (i = 0; i < n; i++) {
			got[i] = s->queue[s->qhead];
			s->qhead = (s->qhead + 1) % HUSH_QUEUE_DEPTH;
		}
		s->qlen -= n;
		pthread_cond_signal(&s->not_full);
		pthread_mutex_unlock(&s->lock);
		for (i = 0; i < n; i++)
			run_item(w, &got[i]);
	}
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A progress line on a tty, for runs of more than about a second. */
static void *progress_main(void *arg)
{
	struct scan *s = arg;
	double t0 = now();
	bool shown = false;

	pthread_mutex_lock(&s->plock);
	while (!s->pstop) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->pcond, &s->plock, &until);
		if (s->pstop || now() - t0 < 1.0)
			continue;
		{
			struct scan_stats st;

			scan_get_stats(s, &st);
			fprintf(stderr, "\rhush: %zu files, %.1f MB scanned, %zu "
					"findings\033[K",
				st.files, (double)st.bytes / 1e6,
				atomic_load(&s->total_findings));
		}
		shown = true;
	}
	pthread_mutex_unlock(&s->plock);
	if (shown)
		fprintf(stderr, "\r\033[K");
	return NULL;
}

int scan_new(struct scan **out, struct engine *e, const struct rules *rules,
	const struct scan_opts *opts)
{
	struct scan *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	s->engine = e;
	s->rules = rules;
	s->opts = *opts;
	if (s->opts.jobs < 1)
		s->opts.jobs = 1;
	if (s->opts.chunk < 1024 * 1024)
		s->opts.chunk = 1024 * 1024;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->not_empty, NULL);
	pthread_cond_init(&s->not_full, NULL);
	pthread_mutex_init(&s->plock, NULL);
	pthread_cond_init(&s->pcond, NULL);
	*out = s;
	return 0;
}

int scan_start(struct scan *s)
{
	struct sigaction sa;
	unsigned i;
	int error;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);

	if ((s->workers = calloc(s->opts.jobs, sizeof(*s->workers))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	s->nworkers = s->opts.jobs;
	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		w->s = s;
		if ((error = engine_worker_new(&w->ew, s->engine)) < 0)
			return error;
		if (s->has_fetcher &&
		    (error = s->fetcher.worker_new(s->fetcher.src, &w->fctx)) < 0)
			return error;
	}
	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
			return hush_err_set(HUSH_ERROR, "cannot start a worker thread");
		w->started = true;
	}
	s->running = true;
	if (s->opts.progress && isatty(2)) {
		if (pthread_create(&s->progress, NULL, progress_main, s) == 0)
			s->progress_started = true;
	}
	return 0;
}

/* Push the walker's batch, waiting while the queue is full. */
static void flush_batch(struct scan *s)
{
	size_t i = 0;

	if (!s->running)
		return; /* nothing would take them; scan_free frees them */
	while (i < s->nbatch) {
		pthread_mutex_lock(&s->lock);
		while (s->qlen == HUSH_QUEUE_DEPTH)
			pthread_cond_wait(&s->not_full, &s->lock);
		while (i < s->nbatch && s->qlen < HUSH_QUEUE_DEPTH) {
			s->queue[(s->qhead + s->qlen) % HUSH_QUEUE_DEPTH] =
				s->batch[i++];
			s->qlen++;
		}
		pthread_cond_broadcast(&s->not_empty);
		pthread_mutex_unlock(&s->lock);
	}
	s->nbatch = 0;
}

static int submit(struct scan *s, struct item *it)
{
	s->batch[s->nbatch++] = *it;
	if (s->nbatch == SCAN_BATCH)
		flush_batch(s);
	return 0;
}

int scan_submit_file(struct scan *s, const char *path, const char *display,
	bool follow)
{
	struct item it = { NULL, NULL, NULL, 0, follow, false, 0 };

	it.path = strdup(path);
	it.display = strdup(display);
	if (!it.path || !it.display) {
		free(it.path);
		free(it.display);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	return submit(s, &it);
}

void scan_set_fetcher(struct scan *s, const struct scan_fetcher *f)
{
	s->fetcher = *f;
	s->has_fetcher = true;
}

int scan_submit_fetch(struct scan *s, size_t id)
{
	struct item it = { NULL, NULL, NULL, 0, false, true, id };

	return submit(s, &it);
}

int scan_submit_buffer(struct scan *s, unsigned char *data, size_t len,
	const char *display)
{
	struct item it = { NULL, NULL, data, len, false, false, 0 };

	if ((it.display = strdup(display)) == NULL) {
		free(data);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	atomic_fetch_add(&s->buffered, len);
	return submit(s, &it);
}

int scan_finish(struct scan *s)
{
	unsigned i;
	int error = 0;

	flush_batch(s);
	pthread_mutex_lock(&s->lock);
	s->closing = true;
	pthread_cond_broadcast(&s->not_empty);
	pthread_mutex_unlock(&s->lock);
	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		if (w->started) {
			pthread_join(w->thread, NULL);
			w->started = false;
		}
		if (error == 0)
			error = findings_move(&s->findings, &w->found);
	}
	if (s->progress_started) {
		pthread_mutex_lock(&s->plock);
		s->pstop = true;
		pthread_cond_signal(&s->pcond);
		pthread_mutex_unlock(&s->plock);
		pthread_join(s->progress, NULL);
		s->progress_started = false;
	}
	return error;
}

struct findings *scan_findings(struct scan *s)
{
	return &s->findings;
}

const char *const *scan_warnings(const struct scan *s, size_t *n)
{
	*n = s->nwarnings;
	return (const char *const *)s->warnings;
}

void scan_get_stats(struct scan *s, struct scan_stats *out)
{
	unsigned i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = &s->workers[i];

		out->files += atomic_load_explicit(&w->files, memory_order_relaxed);
		out->bytes += atomic_load_explicit(&w->bytes, memory_order_relaxed);
		out->binary_skipped += atomic_load_explicit(&w->binary_skipped,
			memory_order_relaxed);
	}
	out->allow_skipped = atomic_load(&s->allow_skipped);
	pthread_mutex_lock(&s->lock);
	out->warnings = s->warn_count;
	pthread_mutex_unlock(&s->lock);
}

void scan_free(struct scan *s)
{
	unsigned i;
	size_t j;

	if (!s)
		return;
	(void)scan_finish(s);
	for (i = 0; i < s->nworkers; i++) {
		free(s->workers[i].buf);
		if (s->has_fetcher && s->workers[i].fctx)
			s->fetcher.worker_free(s->workers[i].fctx);
		engine_worker_free(s->workers[i].ew);
		findings_dispose(&s->workers[i].found);
	}
	free(s->workers);
	while (s->qlen) {
		struct item *it = &s->queue[s->qhead];

		free(it->path);
		free(it->display);
		free(it->data);
		s->qhead = (s->qhead + 1) % HUSH_QUEUE_DEPTH;
		s->qlen--;
	}
	for (j = 0; j < s->nbatch; j++) {
		free(s->batch[j].path);
		free(s->batch[j].display);
		free(s->batch[j].data);
	}
	findings_dispose(&s->findings);
	for (j = 0; j < s->nwarnings; j++)
		free(s->warnings[j]);
	free(s->warnings);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->not_empty);
	pthread_cond_destroy(&s->not_full);
	pthread_mutex_destroy(&s->plock);
	pthread_cond_destroy(&s->pcond);
	free(s);
}

void scan_wait_buffered(struct scan *s, size_t max)
{
	struct timespec nap = { 0, 200 * 1000 };

	flush_batch(s);
	if (!s->running)
		return;
	while (atomic_load(&s->buffered) > max)
		nanosleep(&nap, NULL);
}
