/* SPDX-License-Identifier: MIT */
/*
 * context_walk.c - one lexical walk of a build context that decides, for
 * BuildKit and for the legacy builder, what each sends. Symlinks are never
 * followed, so a link loop cannot recurse; depth and path length are bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "context_walk.h"
#include "hush/buf.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "regex.h"

struct walker {
	const struct context_walk_opts *o;
	const struct dockerignore *bk, *lg;
	struct regex_md *md;
	struct hush_buf full; /* root "/" relative path */
	size_t root_len;      /* bytes before the relative path */
};

/* one builder's view of the children of a folder */
struct side {
	bool visible;                           /* its walk reaches them */
	const struct dockerignore_info *parent; /* the folder's results */
};

static int walk_dir(struct walker *w, unsigned depth, struct side bk,
	struct side lg, bool dir_excluded);

static int warn(struct walker *w, enum context_warning_kind kind, int errnum,
	bool excluded, const char *fmt, ...) HUSH_PRINTF(5, 6);

static int warn(struct walker *w, enum context_warning_kind kind, int errnum,
	bool excluded, const char *fmt, ...)
{
	struct hush_buf msg = HUSH_BUF_INIT(HUSH_MAX_PATH + 512);
	struct context_warning cw;
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = hush_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	cw.kind = kind;
	cw.path = w->full.ptr;
	cw.message = msg.ptr;
	cw.errnum = errnum;
	cw.excluded = excluded;
	if (w->o->on_warning) {
		error = w->o->on_warning(&cw, w->o->payload);
	} else {
		hush_log_warn("%s", msg.ptr);
		error = 0;
	}
	hush_buf_dispose(&msg);
	return error;
}

static int cmp_name(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y); /* bytes, as Go's os.ReadDir sorts */
}

/*
 * The names in the folder w->full, sorted, as pointers into names.
 * An unreadable folder is a warning and an empty list.
 */
static int read_names(struct walker *w, struct hush_buf *names,
	struct hush_buf *list, size_t *count, bool excluded)
{
	const char *path = w->full.ptr;
	struct dirent *de;
	size_t n = 0, off, k;
	DIR *dir;
	int error = 0, e;

	*count = 0;
	if ((dir = opendir(path)) == NULL) {
		e = errno;
		return warn(w, CONTEXT_WARN_UNREADABLE, e, excluded,
			"%s: cannot open folder: %s", path, strerror(e));
	}
	while (error == 0) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if ((e = errno) != 0)
				error = warn(w, CONTEXT_WARN_UNREADABLE, e,
					excluded, "%s: cannot read folder: %s",
					path, strerror(e));
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n >= HUSH_MAX_DIR_ENTRIES) {
			error = warn(w, CONTEXT_WARN_ENTRIES, 0, excluded,
				"%s: more than %u entries, the rest are not "
				"listed (HUSH_MAX_DIR_ENTRIES)",
				path, HUSH_MAX_DIR_ENTRIES);
			break;
		}
		if ((error = hush_buf_put(names, de->d_name,
			     strlen(de->d_name) + 1)) < 0)
			break;
		n++;
	}
	closedir(dir);
	for (off = 0, k = 0; error == 0 && k < n; k++) {
		const char *name = names->ptr + off;

		error = hush_buf_put(list, &name, sizeof(name));
		off += strlen(name) + 1;
	}
	if (error < 0)
		return error;
	if (n > 1)
		qsort(list->ptr, n, sizeof(const char *), cmp_name);
	*count = n;
	return 0;
}

static enum context_entry_type entry_type(mode_t mode)
{
	if (S_ISREG(mode))
		return CONTEXT_ENTRY_FILE;
	if (S_ISDIR(mode))
		return CONTEXT_ENTRY_DIR;
	if (S_ISLNK(mode))
		return CONTEXT_ENTRY_SYMLINK;
	return CONTEXT_ENTRY_OTHER;
}

/*
 * Decide the path in w->full for each builder that reaches it, report it,
 * and walk into a folder that some builder walks into. bk_info and lg_info
 * receive this path's results, handed down to its children.
 */
static int visit(struct walker *w, unsigned depth, const struct side *bk,
	const struct side *lg, const struct stat *st,
	struct dockerignore_info *bk_info, struct dockerignore_info *lg_info)
{
	const char *rel = w->full.ptr + w->root_len;
	struct context_entry e;
	struct side cbk, clg;
	bool bk_ex = false, lg_ex = false, all_excluded;
	int error;

	memset(&e, 0, sizeof(e));
	e.path = rel;
	e.full_path = w->full.ptr;
	e.type = entry_type(st->st_mode);
	e.size = st->st_size > 0 ? (uint64_t)st->st_size : 0;
	e.which_buildkit = e.which_legacy = -1;
	if (bk->visible &&
	    (error = dockerignore_matches_parent(w->bk, w->md, rel, bk->parent,
		     bk_info, &bk_ex, &e.which_buildkit)) < 0)
		return error;
	if (lg->visible &&
	    (error = dockerignore_matches_parent(w->lg, w->md, rel, lg->parent,
		     lg_info, &lg_ex, &e.which_legacy)) < 0)
		return error;
	if ((error = dockerignore_matches(w->bk, w->md, rel, &e.excluded,
		     &e.which)) < 0)
		return error;
	all_excluded = (!bk->visible || bk_ex) && (!lg->visible || lg_ex);
	if (e.type != CONTEXT_ENTRY_DIR) {
		e.sent_buildkit = bk->visible && !bk_ex;
		e.sent_legacy = lg->visible && !lg_ex;
		if (all_excluded && !(w->o->flags & CONTEXT_WALK_EXCLUDED))
			return 0;
		return w->o->on_entry(&e, w->o->payload);
	}
	cbk.visible = bk->visible &&
		      (!bk_ex ||
			      dockerignore_buildkit_walks_excluded_dir(w->bk, rel));
	clg.visible = lg->visible &&
		      (!lg_ex ||
			      dockerignore_legacy_walks_excluded_dir(w->lg, rel));
	cbk.parent = bk_info;
	clg.parent = lg_info;
	e.descended = cbk.visible || clg.visible;
	if (all_excluded && (w->o->flags & CONTEXT_WALK_EXCLUDED) &&
	    (error = w->o->on_entry(&e, w->o->payload)) < 0)
		return error;
	if (!e.descended)
		return 0;
	if (depth + 1 > HUSH_MAX_DEPTH)
		return warn(w, CONTEXT_WARN_DEPTH, 0, all_excluded,
			"%s: folders nested deeper than %u levels are not "
			"walked (HUSH_MAX_DEPTH)",
			w->full.ptr, HUSH_MAX_DEPTH);
	return walk_dir(w, depth + 1, cbk, clg, all_excluded);
}

static int walk_dir(struct walker *w, unsigned depth, struct side bk,
	struct side lg, bool dir_excluded)
{
	struct hush_buf names =
		HUSH_BUF_INIT((size_t)HUSH_MAX_DIR_ENTRIES * 256);
	struct hush_buf list =
		HUSH_BUF_INIT((size_t)HUSH_MAX_DIR_ENTRIES * sizeof(char *));
	struct dockerignore_info bk_info = { NULL, 0, false };
	struct dockerignore_info lg_info = { NULL, 0, false };
	const char *const *v;
	size_t base = w->full.len, count = 0, k;
	int error;

	if ((error = read_names(w, &names, &list, &count, dir_excluded)) < 0 ||
	    count == 0)
		goto done;
	if ((error = dockerignore_info_init(&bk_info, w->bk)) < 0 ||
	    (error = dockerignore_info_init(&lg_info, w->lg)) < 0)
		goto done;
	v = (const char *const *)(const void *)list.ptr;
	for (k = 0; k < count; k++) {
		struct stat st;
		int e;

		w->full.len = base;
		w->full.ptr[base] = '\0';
		if (base + 1 + strlen(v[k]) >= HUSH_MAX_PATH) {
			/* the start of the path names it well enough */
			if ((error = warn(w, CONTEXT_WARN_PATH, 0, dir_excluded,
				     "%.200s/...: path longer than %u bytes, "
				     "not walked (HUSH_MAX_PATH)",
				     w->full.ptr, HUSH_MAX_PATH)) < 0)
				goto done;
			continue;
		}
		if ((base && w->full.ptr[base - 1] != '/' &&
			    (error = hush_buf_putc(&w->full, '/')) < 0) ||
		    (error = hush_buf_puts(&w->full, v[k])) < 0)
			goto done;
		if (lstat(w->full.ptr, &st) < 0) {
			e = errno;
			if ((error = warn(w, CONTEXT_WARN_STAT, e, dir_excluded,
				     "%s: cannot stat: %s", w->full.ptr,
				     strerror(e))) < 0)
				goto done;
			continue;
		}
		if ((error = visit(w, depth, &bk, &lg, &st, &bk_info,
			     &lg_info)) < 0)
			goto done;
	}
done:
	if (w->full.ptr) {
		w->full.len = base;
		w->full.ptr[base] = '\0';
	}
	dockerignore_info_dispose(&lg_info);
	dockerignore_info_dispose(&bk_info);
	hush_buf_dispose(&list);
	hush_buf_dispose(&names);
	return error;
}

int context_walk(const char *root, const struct context_walk_opts *opts)
{
	struct dockerignore *empty = NULL;
	struct side bk = { true, NULL }, lg = { true, NULL };
	struct walker w;
	struct stat st;
	int error;

	HUSH_ASSERT(opts && opts->on_entry);
	memset(&w, 0, sizeof(w));
	w.o = opts;
	hush_buf_init(&w.full, HUSH_MAX_PATH);
	/* docker resolves the context folder itself through symlinks */
	if (stat(root, &st) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s: cannot open the build "
						     "context",
			root);
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		error = hush_err_set(HUSH_EIO, "%s: the build context is not a "
					       "folder",
			root);
		goto done;
	}
	if (!opts->buildkit &&
	    (error = dockerignore_from_patterns(&empty, NULL, 0)) < 0)
		goto done;
	w.bk = opts->buildkit ? opts->buildkit : empty;
	w.lg = opts->legacy ? opts->legacy : w.bk;
	if ((error = regex_md_new(&w.md, 0)) < 0)
		goto done;
	if ((error = hush_buf_puts(&w.full, root)) < 0) {
		error = hush_err_set(error, "%.200s...: path longer than %u "
					    "bytes (HUSH_MAX_PATH)",
			root, HUSH_MAX_PATH);
		goto done;
	}
	while (w.full.len > 1 && w.full.ptr[w.full.len - 1] == '/')
		w.full.ptr[--w.full.len] = '\0';
	w.root_len = w.full.len + (w.full.ptr[w.full.len - 1] == '/' ? 0 : 1);
	error = walk_dir(&w, 0, bk, lg, false);
done:
	hush_buf_dispose(&w.full);
	regex_md_free(w.md);
	dockerignore_free(empty);
	return error;
}
