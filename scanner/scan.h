/* SPDX-License-Identifier: MIT */
/*
 * scan.h - the scan driver: a fixed pool of worker threads, each with its own
 * engine_worker, fed work items (files, buffers) through a bounded queue.
 * Turns engine matches into findings (line, column, fingerprint, snippet).
 */
#ifndef HUSH_SCAN_H
#define HUSH_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "finding.h"
#include "hush/err.h"

struct scan_opts {
	unsigned jobs;      /* worker threads, >= 1 */
	size_t chunk;       /* --max-file-size: larger inputs go in chunks */
	bool binary;        /* scan files that look binary */
	bool progress;      /* progress line on stderr (tty only) */
};

struct scan_stats {
	size_t files;          /* items scanned */
	size_t bytes;          /* bytes scanned */
	size_t binary_skipped; /* files skipped as binary */
	size_t allow_skipped;  /* paths skipped by the allowlist */
	size_t warnings;       /* problems that make the scan incomplete */
};

struct scan;

/**
 * @param[out] out owned by the caller, free with scan_free; the engine and
 *             rules must outlive it
 */
int scan_new(struct scan **out, struct engine *e, const struct rules *rules,
	const struct scan_opts *opts);

/** Start the workers. @return 0 or HUSH_ENOMEM/HUSH_ERROR */
int scan_start(struct scan *s);

/**
 * Queue a file for scanning; blocks while the queue is full.
 * @param path opened as given; display names it in findings (copied)
 * @param follow open through a symlink (only for paths the user named)
 */
int scan_submit_file(struct scan *s, const char *path, const char *display,
	bool follow);

/** Queue a buffer; the scan takes ownership of data (freed with free()). */
int scan_submit_buffer(struct scan *s, unsigned char *data, size_t len,
	const char *display);

/**
 * Hand the queued items to the workers and wait until the buffers submitted
 * and not yet scanned hold at most max bytes (a producer's memory bound).
 * Like the submit functions, call it from one producer thread at a time.
 */
void scan_wait_buffered(struct scan *s, size_t max);

/*
 * A source whose workers fetch the bytes of an item themselves, with state of
 * their own (hush git: a repository handle per worker reading blobs). Items
 * are submitted as numbers; findings in such an item carry the number in
 * their `order` (and the display name in `path`) until the source rewrites
 * them after scan_finish.
 */
struct scan_fetcher {
	void *src;
	/** Make one worker's state (called by scan_start before the threads run). */
	int (*worker_new)(void *src, void **wctx);
	void (*worker_free)(void *wctx);
	/**
	 * Fetch item id. @return 1 with data, len and display set (valid until
	 * release), 0 to skip the item silently (not an input: a git tree), or
	 * a negative hush_err after the source called scan_warn
	 */
	int (*fetch)(void *wctx, size_t id, const unsigned char **data,
		size_t *len, const char **display);
	/** Release what the last fetch returned. */
	void (*release)(void *wctx);
};

/** Use f for scan_submit_fetch items; call before scan_start. */
void scan_set_fetcher(struct scan *s, const struct scan_fetcher *f);

/** Queue item id of the fetcher. */
int scan_submit_fetch(struct scan *s, size_t id);

/** Record a problem that makes the scan incomplete (exit 3), and log it. */
void scan_warn(struct scan *s, const char *fmt, ...) HUSH_PRINTF(2, 3);

/** Count a path skipped by the allowlist. */
void scan_note_allowed(struct scan *s);

/** Wait for the queue to drain and the workers to stop. */
int scan_finish(struct scan *s);

/** All findings, borrowed until scan_free; valid after scan_finish. */
struct findings *scan_findings(struct scan *s);
/** Warning messages, borrowed; valid after scan_finish. */
const char *const *scan_warnings(const struct scan *s, size_t *n);
void scan_get_stats(struct scan *s, struct scan_stats *out);

void scan_free(struct scan *s);

#endif
