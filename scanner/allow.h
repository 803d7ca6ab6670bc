/* SPDX-License-Identifier: MIT */
/*
 * allow.h - what the user told us to skip: the .hushignore allowlist at a scan
 * root (paths and fingerprints) and --baseline reports (fingerprints).
 */
#ifndef HUSH_ALLOW_H
#define HUSH_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

#define ALLOW_FILE ".hushignore"

struct allow_paths {
	struct strlist globs; /* relative to the root, fnmatch(3) without FNM_PATHNAME */
};

struct allow_fps {
	char **v; /* sorted lowercase hex fingerprints */
	size_t len, alloc;
};

/**
 * Read ROOT/.hushignore if it exists: "fingerprint:HEX" or a bare 64-hex
 * line adds a fingerprint, any other line a path glob; '#' starts a comment.
 * @return 0 (also when there is no file), HUSH_EIO, HUSH_EPARSE naming
 *         file:line, HUSH_ELIMIT
 */
int allow_load(struct allow_paths *paths, struct allow_fps *fps,
	const char *root);

/** Whether relpath (relative to the root, '/'-separated) is allowlisted. */
bool allow_path(const struct allow_paths *paths, const char *relpath);

void allow_paths_dispose(struct allow_paths *paths);

/** Add a fingerprint (64 hex digits). @return 0, HUSH_EPARSE, HUSH_ENOMEM */
int allow_fps_add(struct allow_fps *fps, const char *hex, size_t len);
/** Sort for lookups; call after the last add. */
void allow_fps_seal(struct allow_fps *fps);
bool allow_fps_has(const struct allow_fps *fps, const char *hex);
void allow_fps_dispose(struct allow_fps *fps);

/**
 * Add the fingerprints of an earlier `hush --format json` report.
 * @return 0, HUSH_EIO, HUSH_EPARSE ("FILE: ..."), HUSH_ELIMIT
 */
int baseline_load(struct allow_fps *fps, const char *file);

#endif
