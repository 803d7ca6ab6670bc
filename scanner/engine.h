/* SPDX-License-Identifier: MIT */
/*
 * engine.h - rule table -> one Hyperscan block database (no SOM) + PCRE2
 * confirmation, filters and base64 decode-and-rescan. The database is shared
 * read-only; each worker thread owns an engine_worker (its own scratch).
 */
#ifndef HUSH_ENGINE_H
#define HUSH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

struct engine;
struct engine_worker;

struct engine_match {
	unsigned rule;       /* index into the rule table */
	size_t start, end;   /* match in data; for decoded: the encoded run */
	size_t secret_off;   /* offset of the secret in data (decoded: run start) */
	const unsigned char *secret; /* borrowed for the callback only */
	size_t secret_len;
	bool decoded;        /* found in base64-decoded content */
};

/* Return 0 to go on, or a negative hush_err to stop the scan with it. */
typedef int (*engine_match_cb)(const struct engine_match *m, void *payload);

struct engine_opts {
	const char *cache_dir; /* NULL: no database cache */
	bool validate;         /* compile every PCRE2 pattern now (rules check) */
	bool decode;           /* base64 decode-and-rescan */
};

/**
 * Compile (or load from the cache) the database for rules, which must
 * outlive the engine.
 * @param[out] out owned by the caller, free with engine_free
 * @return 0, or HUSH_EPARSE naming the rule file, rule id and problem
 */
int engine_new(struct engine **out, const struct rules *rules,
	const struct engine_opts *opts);
void engine_free(struct engine *e);

/** Whether the database came from the cache (for -v and the benchmark). */
bool engine_from_cache(const struct engine *e);

/** Largest match the engine confirms; chunks overlap by this much. */
size_t engine_overlap(const struct engine *e);

/** @param[out] out one per thread; free with engine_worker_free */
int engine_worker_new(struct engine_worker **out, struct engine *e);
void engine_worker_free(struct engine_worker *w);

/**
 * Drop and recreate the worker's scratch after a scan was cut short by a
 * signal (a file truncated under its mapping).
 */
int engine_worker_reset(struct engine_worker *w);

/**
 * Scan data; every confirmed, filtered match goes to cb in offset order.
 * Matches contained in a longer match of the same rule are dropped.
 * @return 0, the callback's error, or HUSH_ELIMIT (a candidate or PCRE2
 *         limit was hit; the matches found so far were delivered)
 */
int engine_scan(struct engine_worker *w, const unsigned char *data, size_t len,
	engine_match_cb cb, void *payload);

/**
 * Scan data with a one-rule database to measure its cost.
 * @param[out] seconds wall time of the Hyperscan pass
 * @param[out] candidates how many candidates it reported
 */
int engine_rule_cost(const struct rules *rules, size_t rule,
	const unsigned char *data, size_t len, double *seconds,
	size_t *candidates);

#endif
