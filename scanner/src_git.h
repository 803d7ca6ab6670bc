/* SPDX-License-Identifier: MIT */
/*
 * src_git.h - git history as a scan source (hush git): every object of the
 * object database, each unique blob and every commit message scanned once by
 * the workers (a database handle each), then findings attributed to the
 * first commit and path that introduced their blob. The only user of libgit2.
 */
#ifndef HUSH_SRC_GIT_H
#define HUSH_SRC_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "rules.h"
#include "scan.h"

struct git_src_opts {
	const char *repo;                /* as the user named it */
	bool staged;                     /* the index against HEAD only */
	const char *since;               /* NULL or a revision to exclude */
	const struct strlist *branches;  /* empty: every ref */
};

struct git_src;

/**
 * Open the repository (a work tree, a bare repository or a .git folder).
 * @param scan where problems found later are reported (scan_warn)
 * @return 0, HUSH_EIO ("REPO: not a git repository ..."), HUSH_EUSAGE (an
 *         unknown --since or --branch revision), HUSH_ENOMEM
 */
int git_src_open(struct git_src **out, struct scan *scan,
	const struct git_src_opts *opts);

/**
 * Choose what to scan: list the object database (or the staged blobs), walk
 * the commits of the refs oldest first and mark where each object first
 * appears. Missing and unreadable objects and broken refs become warnings.
 * Registers the source's fetcher with the scan: call before scan_start.
 */
int git_src_select(struct git_src *g);

/** Queue the chosen objects; call after scan_start. */
int git_src_submit(struct git_src *g);

/**
 * After scan_finish: give each finding its commit, author, date, summary
 * and path (or "unreachable"), and its order (the commit's topological
 * index, oldest first).
 */
int git_src_attribute(struct git_src *g, struct findings *fs);

/** The work tree's root, or NULL for a bare repository; borrowed. */
const char *git_src_workdir(const struct git_src *g);

/** Objects listed, blobs read and commits walked, for -v. */
void git_src_counts(const struct git_src *g, size_t *objects,
	size_t *commits);

void git_src_free(struct git_src *g);

#endif
