/* SPDX-License-Identifier: MIT */
/*
 * dockerignore.h - .dockerignore exactly as docker reads it: moby/patternmatcher
 * (ignorefile.ReadAll, New, the four match kinds and its RE2 translation),
 * and the directory-pruning rules of BuildKit (tonistiigi/fsutil) and of the
 * legacy builder (docker/cli + moby/go-archive). Quirks are reproduced, not
 * fixed; see ../shared/spec/build-context-and-images.md sections 1.1-1.4.
 *
 * Paths are relative to the context, '/'-separated, without a leading "./".
 * A struct dockerignore is read-only once built and may be shared between
 * threads; each thread passes its own struct regex_md (regex_md_new(&md, 0)).
 */
#ifndef HUSH_DOCKERIGNORE_H
#define HUSH_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "hush/buf.h"
#include "hush/limits.h"

struct dockerignore;
struct regex_md;

/*
 * Longest line of an ignore file: Go's bufio.Scanner stops with "token too
 * long" at 64 KiB (the '\r' of a CRLF line counts), and docker fails the
 * build, so we do too.
 */
#define DOCKERIGNORE_MAX_LINE 65535u

/* How a pattern is tested (patternmatcher compile). */
enum dockerignore_kind {
	DOCKERIGNORE_EXACT,  /* no wildcard: path == pattern */
	DOCKERIGNORE_PREFIX, /* a literal, then a final double star: the
				path starts with the literal */
	DOCKERIGNORE_SUFFIX, /* a leading double star, no later wildcard: the
				path ends with the rest (see match_one) */
	DOCKERIGNORE_REGEX,  /* everything else: an anchored RE2 expression */
};

/*
 * Per-directory results that MatchesUsingParentResults hands down to the
 * children of a directory: one flag per pattern. `has` false is Go's zero
 * MatchInfo (no information: the parent-prefix fallback is used).
 */
struct dockerignore_info {
	unsigned char *matched;
	size_t n;
	bool has;
};

/**
 * Read an ignore file (ignorefile.ReadAll) and build its matcher
 * (patternmatcher.New). Per line: a UTF-8 BOM is dropped on line 1; a line
 * whose raw text starts with '#' is a comment; TrimSpace; a leading '!'
 * marks an exception (TrimSpace again); filepath.Clean; one leading '/' is
 * dropped. Every pattern is validated and compiled here, including those Go
 * would only reject when first matched ("[Local-Only]/"), so a bad file
 * fails the whole run.
 * @param[out] out owned by the caller, free with dockerignore_free
 * @param file name used in messages ("FILE:LINE: ...") and by
 *        dockerignore_file(); copied
 * @param data the file's bytes (may be NULL when len is 0)
 * @return 0, HUSH_EPARSE ("FILE:LINE: invalid pattern 'P': why", or
 *         "FILE:LINE: illegal exclusion pattern: \"!\""), HUSH_ELIMIT
 *         (line or pattern count), HUSH_ENOMEM
 */
int dockerignore_parse(struct dockerignore **out, const char *file,
	const char *data, size_t len);

/**
 * patternmatcher.New over patterns that are already split (API level, as
 * BuildKit's ExcludePatterns). Note the quirk of New: filepath.Clean runs
 * before the '!' test, so "!a/../b" becomes the plain pattern "b".
 * Messages name "<patterns>:N" with N counted from 1.
 * @param[out] out owned by the caller, free with dockerignore_free
 * @return 0, HUSH_EPARSE, HUSH_ELIMIT or HUSH_ENOMEM
 */
int dockerignore_from_patterns(struct dockerignore **out,
	const char *const *patterns, size_t n);

/**
 * Append one more pattern with patternmatcher.New's rules (line 0).
 * @return 0, HUSH_EPARSE, HUSH_ELIMIT or HUSH_ENOMEM (d is unchanged then)
 */
int dockerignore_add(struct dockerignore *d, const char *pattern);

/**
 * docker/cli TrimBuildFilesFromExcludes, for the legacy builder only:
 * append "!.dockerignore" when .dockerignore is excluded, then "!DOCKERFILE"
 * when the Dockerfile (its path relative to the context) is excluded and
 * was not read from stdin. Parse the file a second time for this matcher:
 * BuildKit does not add these exceptions, and they change the legacy walk.
 * @return 0, HUSH_EPARSE, HUSH_ELIMIT, HUSH_ENOMEM or a match error
 */
int dockerignore_add_build_files(struct dockerignore *d, struct regex_md *md,
	const char *dockerfile, bool dockerfile_from_stdin);

/** Free d; NULL is a no-op. */
void dockerignore_free(struct dockerignore *d);

/** The file name given to dockerignore_parse ("<patterns>" otherwise). */
const char *dockerignore_file(const struct dockerignore *d);

/** Number of patterns (empty lines and comments are not patterns). */
size_t dockerignore_count(const struct dockerignore *d);

/** Whether any pattern is an exception ('!'): patternmatcher Exclusions(). */
bool dockerignore_has_exceptions(const struct dockerignore *d);

/*
 * Accessors for pattern i < dockerignore_count(d). Strings are borrowed
 * until dockerignore_free.
 *   text:   as written, after BOM removal and TrimSpace ("! /secrets/x");
 *           the pattern itself for dockerignore_from_patterns/_add
 *   string: Pattern.String(): cleaned, without the '!' ("secrets/x")
 *   line:   1-based line in the file; 0 for API patterns
 *   regex:  the RE2 expression patternmatcher builds (REGEX kind), else NULL
 */
const char *dockerignore_pattern_text(const struct dockerignore *d, size_t i);
const char *dockerignore_pattern_string(const struct dockerignore *d,
	size_t i);
unsigned dockerignore_pattern_line(const struct dockerignore *d, size_t i);
bool dockerignore_pattern_is_exception(const struct dockerignore *d,
	size_t i);
enum dockerignore_kind dockerignore_pattern_kind(const struct dockerignore *d,
	size_t i);
const char *dockerignore_pattern_regex(const struct dockerignore *d,
	size_t i);

/**
 * MatchesOrParentMatches, the documented rule: in file order, a pattern that
 * matches the path or one of its parent folders sets excluded to its
 * polarity; the last one wins. The path is used as given (not cleaned), as
 * the method does; the context root "." is never excluded.
 * @param[out] excluded the verdict
 * @param[out] which index of the deciding pattern, or -1 (may be NULL)
 * @return 0, HUSH_ELIMIT (PCRE2 match limit), HUSH_ENOMEM or HUSH_ERROR
 */
int dockerignore_matches(const struct dockerignore *d, struct regex_md *md,
	const char *path, bool *excluded, int *which);

/**
 * Size info for d's patterns, with has = false (Go's zero MatchInfo).
 * @return 0 or HUSH_ENOMEM; dispose with dockerignore_info_dispose
 */
int dockerignore_info_init(struct dockerignore_info *info,
	const struct dockerignore *d);
/** Release info's memory; a zeroed struct is a no-op. */
void dockerignore_info_dispose(struct dockerignore_info *info);

/**
 * MatchesUsingParentResults, what both builders' walkers call. A pattern
 * the parent matched counts as matched; otherwise the pattern is tested
 * against the path alone (no parent fallback), and it is skipped, and
 * recorded as not matched, when its polarity cannot change the verdict so
 * far. That skip is the quirk of spec 1.4: with "secrets", "!secrets/public",
 * "secrets" the walkers send secrets/public although
 * dockerignore_matches() excludes it.
 * @param parent the parent folder's results, NULL or has == false for a
 *        top-level path (then parent folders are tested as in
 *        dockerignore_matches)
 * @param[out] out results for this path (initialised for d, distinct from
 *        parent), to pass down when the path is a folder
 * @param[out] which index of the deciding pattern, or -1 (may be NULL)
 * @return 0, HUSH_ELIMIT, HUSH_ENOMEM or HUSH_ERROR
 */
int dockerignore_matches_parent(const struct dockerignore *d,
	struct regex_md *md, const char *path,
	const struct dockerignore_info *parent, struct dockerignore_info *out,
	bool *excluded, int *which);

/**
 * BuildKit (fsutil FilterFS.Walk) for a folder the patterns exclude: walk
 * into it anyway? Yes when any exception has a wildcard (any of *[]?^\ once
 * a trailing slash-** or slash-* is cut); no when there is no exception;
 * otherwise yes only when such a cut exception, plus "/", starts with
 * dir + "/".
 */
bool dockerignore_buildkit_walks_excluded_dir(const struct dockerignore *d,
	const char *dir);

/**
 * Legacy builder (go-archive TarWithOptions) for a folder the patterns
 * exclude: walk into it only when some exception + "/" starts with
 * dir + "/", a literal string test that ignores wildcards.
 */
bool dockerignore_legacy_walks_excluded_dir(const struct dockerignore *d,
	const char *dir);

/**
 * Go's filepath.Clean (POSIX): collapse "//", drop "." elements, resolve
 * ".." lexically, drop a trailing '/'; "" becomes ".".
 * @param[out] out replaced with the result (its cap must allow len + 1)
 * @return 0, HUSH_ELIMIT or HUSH_ENOMEM (out is disposed then)
 */
int dockerignore_clean(struct hush_buf *out, const char *path, size_t len);

#endif
