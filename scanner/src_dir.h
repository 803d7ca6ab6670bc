/* SPDX-License-Identifier: MIT */
/* src_dir.h - files and folders (and stdin) as scan items */
#ifndef HUSH_SRC_DIR_H
#define HUSH_SRC_DIR_H

#include "allow.h"
#include "scan.h"

/**
 * Walk path (a file or a folder) and submit every regular file. Symlinks
 * below the path are never followed; .git folders are skipped (history is
 * `hush git`'s job). Paths matched by allow (relative to path) are skipped.
 * Unreadable entries become scan warnings and the walk goes on.
 * @return 0, or a fatal error (HUSH_ENOMEM)
 */
int src_dir_walk(struct scan *s, const char *path,
	const struct allow_paths *allow);

/** Read stdin (bounded by HUSH_MAX_STDIN) and submit it as "<stdin>". */
int src_dir_stdin(struct scan *s);

#endif
