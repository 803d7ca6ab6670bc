/* SPDX-License-Identifier: MIT */
/*
 * context_walk.h - what `docker build` sends from a context folder, decided
 * for both builders in one lexical walk: BuildKit (fsutil FilterFS.Walk)
 * and the legacy builder (docker/cli + go-archive TarWithOptions). See
 * ../shared/spec/build-context-and-images.md 1.4.
 *
 * Not done here, the caller's job (spec 1.5): the Dockerfile and
 * .dockerignore always leave the client out of band (BuildKit transfers
 * them separately, plus <Dockerfile>.dockerignore and a sibling lowercase
 * "dockerfile"; the legacy CLI force-includes them with
 * dockerignore_add_build_files() on the legacy matcher), and a
 * <Dockerfile>.dockerignore replaces the root .dockerignore for BuildKit.
 */
#ifndef HUSH_CONTEXT_WALK_H
#define HUSH_CONTEXT_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "dockerignore.h"
#include "hush/limits.h"


enum context_entry_type {
	CONTEXT_ENTRY_FILE,
	CONTEXT_ENTRY_DIR,
	CONTEXT_ENTRY_SYMLINK, /* sent as a link, never followed */
	CONTEXT_ENTRY_OTHER,   /* fifo, socket, device: sent, no content */
};

/*
 * One path of the context. Strings are borrowed for the callback only.
 * `which*` are pattern indexes for dockerignore_pattern_*(), or -1.
 */
struct context_entry {
	const char *path;      /* relative, '/'-separated, no leading "./" */
	const char *full_path; /* root + "/" + path, to lstat or open */
	enum context_entry_type type;
	uint64_t size;         /* lstat st_size */
	bool sent_buildkit;    /* in BuildKit's context transfer */
	bool sent_legacy;      /* in the legacy builder's tar */
	bool excluded;         /* MatchesOrParentMatches (the documented rule),
				  with the BuildKit patterns */
	int which;             /* the pattern deciding `excluded` */
	int which_buildkit;    /* the pattern deciding BuildKit's walk (-1 also
				  when BuildKit never reaches the path) */
	int which_legacy;      /* the same for the legacy walk */
	bool descended;        /* folders: some builder walks into it */
};

enum context_warning_kind {
	CONTEXT_WARN_UNREADABLE, /* a folder that cannot be opened or read */
	CONTEXT_WARN_STAT,       /* an entry that cannot be lstat'ed */
	CONTEXT_WARN_DEPTH,      /* HUSH_MAX_DEPTH */
	CONTEXT_WARN_PATH,       /* HUSH_MAX_PATH */
	CONTEXT_WARN_ENTRIES,    /* HUSH_MAX_DIR_ENTRIES */
};

/* A path not (fully) walked; the listing is incomplete (exit 3). */
struct context_warning {
	enum context_warning_kind kind;
	const char *path;    /* full path (cut for CONTEXT_WARN_PATH) */
	const char *message; /* one line naming the path and errno or limit */
	int errnum;          /* errno, or 0 */
	bool excluded;       /* every builder that reaches it excludes it (for
				an unreadable folder: BuildKit ignores the
				error, legacy logs it) */
};

typedef int (*context_walk_cb)(const struct context_entry *e, void *payload);
typedef int (*context_walk_warn_cb)(const struct context_warning *w,
	void *payload);

enum {
	/*
	 * Also report what no builder sends: files, symlinks and others
	 * a walk reaches but excludes, and every folder the walks reach and
	 * exclude (descended tells whether a builder still walks into it).
	 */
	CONTEXT_WALK_EXCLUDED = 1,
};

struct context_walk_opts {
	const struct dockerignore *buildkit; /* NULL: nothing excluded */
	const struct dockerignore *legacy;   /* NULL: same as buildkit */
	unsigned flags;                      /* CONTEXT_WALK_* */
	context_walk_cb on_entry;            /* required */
	context_walk_warn_cb on_warning;     /* NULL: hush_log_warn */
	void *payload;
};

/**
 * Walk root (followed if it is a symlink, as docker resolves the context)
 * in lexical byte order without following symlinks below it, and call
 * on_entry, in that order, for every regular file, symlink and other
 * non-folder that at least one builder sends (and more with
 * CONTEXT_WALK_EXCLUDED). Folders are walked when either builder walks
 * them:
 *  - BuildKit skips an excluded folder unless
 *    dockerignore_buildkit_walks_excluded_dir(); it creates excluded
 *    folders (empty) only as parents of what it sends inside them;
 *  - legacy skips it unless dockerignore_legacy_walks_excluded_dir(), and
 *    never sends an excluded folder itself.
 * Both decide each path with dockerignore_matches_parent().
 * A folder that cannot be read, a depth or path limit becomes a warning
 * and the walk goes on. A callback returning < 0 stops the walk.
 * @return 0, a callback's error, HUSH_EIO (root is not a folder),
 *         HUSH_ENOMEM, or a match error (HUSH_ELIMIT: PCRE2 match limit)
 */
int context_walk(const char *root, const struct context_walk_opts *opts);

#endif
