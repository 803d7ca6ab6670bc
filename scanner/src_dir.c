/* SPDX-License-Identifier: MIT */
/* src_dir.c - folder walk without following symlinks; stdin */
#define _DEFAULT_SOURCE /* d_type and DT_* in <dirent.h> */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hush/buf.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "src_dir.h"

struct walk {
	struct scan *s;
	const struct allow_paths *allow;
	size_t root_len;     /* bytes of the root prefix, including its '/' */
	size_t display_skip; /* bytes not shown: the "./" of a "." root */
	int error;       /* fatal only */
};

static const char *relative(const struct walk *w, const char *path)
{
	return strlen(path) > w->root_len ? path + w->root_len : "";
}

static void walk_dir(struct walk *w, struct hush_buf *path, unsigned depth)
{
	DIR *d;
	struct dirent *de;
	size_t base = path->len;

	if (depth > HUSH_MAX_DEPTH) {
		scan_warn(w->s, "%s: folders nested deeper than %u levels are not "
				"scanned (HUSH_MAX_DEPTH)",
			path->ptr, HUSH_MAX_DEPTH);
		return;
	}
	if ((d = opendir(path->ptr)) == NULL) {
		scan_warn(w->s, "%s: cannot open folder: %s", path->ptr,
			strerror(errno));
		return;
	}
	while (w->error == 0) {
		struct stat st;
		const char *name;

		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno)
				scan_warn(w->s, "%s: cannot read folder: %s",
					path->ptr, strerror(errno));
			break;
		}
		name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		path->len = base;
		path->ptr[base] = '\0';
		if (base + 1 + strlen(name) >= HUSH_MAX_PATH) {
			/* the start of the path names it well enough */
			scan_warn(w->s, "%.200s...: path longer than %u bytes, not "
					"scanned (HUSH_MAX_PATH)",
				path->ptr, HUSH_MAX_PATH);
			continue;
		}
		if ((base && path->ptr[base - 1] != '/' &&
			    hush_buf_putc(path, '/') < 0) ||
		    hush_buf_puts(path, name) < 0) {
			/* only out of memory is left: the buffer is gone */
			w->error = HUSH_ENOMEM;
			break;
		}
		/* d_type saves an lstat per entry; some filesystems leave it out */
		switch (de->d_type) {
		case DT_REG:
			st.st_mode = S_IFREG;
			break;
		case DT_DIR:
			st.st_mode = S_IFDIR;
			break;
		case DT_LNK:
			st.st_mode = S_IFLNK;
			break;
		case DT_UNKNOWN:
			if (lstat(path->ptr, &st) < 0) {
				scan_warn(w->s, "%s: cannot stat: %s", path->ptr,
					strerror(errno));
				continue;
			}
			break;
		default:
			continue; /* sockets, fifos and devices are not content */
		}
		if (allow_path(w->allow, relative(w, path->ptr))) {
			scan_note_allowed(w->s);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (!strcmp(name, ".git"))
				continue; /* history is `hush git`'s job */
			walk_dir(w, path, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			if (!strcmp(name, ".git"))
				continue; /* a worktree's or submodule's link */
			if ((w->error = scan_submit_file(w->s, path->ptr,
				     path->ptr + w->display_skip, false)) < 0)
				break;
		} else if (S_ISLNK(st.st_mode)) {
			hush_log_debug("%s: symlink, not followed", path->ptr);
		}
		/* sockets, fifos and devices are not content */
	}
	closedir(d);
	if (path->ptr && w->error == 0) {
		path->len = base;
		path->ptr[base] = '\0';
	}
}

int src_dir_walk(struct scan *s, const char *root,
	const struct allow_paths *allow)
{
	struct hush_buf path = HUSH_BUF_INIT(HUSH_MAX_PATH);
	struct walk w = { s, allow, 0, 0, 0 };
	struct stat st;
	int error;

	/* a path the user names is followed even when it is a symlink */
	if (stat(root, &st) < 0) {
		scan_warn(s, "%s: cannot stat: %s", root, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (!S_ISREG(st.st_mode)) {
			scan_warn(s, "%s: not a regular file or folder", root);
			return 0;
		}
		return scan_submit_file(s, root, root, true);
	}
	if ((error = hush_buf_puts(&path, root)) < 0)
		return hush_err_set(error, "%s: path too long", root);
	while (path.len > 1 && path.ptr[path.len - 1] == '/')
		path.ptr[--path.len] = '\0';
	w.root_len = path.len + (path.ptr[path.len - 1] == '/' ? 0 : 1);
	/* "." walks as "./a/b" but prints as "a/b" */
	w.display_skip = strcmp(path.ptr, ".") == 0 ? 2 : 0;
	walk_dir(&w, &path, 0);
	hush_buf_dispose(&path);
	return w.error;
}

int src_dir_stdin(struct scan *s)
{
	struct hush_buf b = HUSH_BUF_INIT(HUSH_MAX_STDIN);
	char chunk[65536];
	ssize_t n;
	int error = 0;

	while ((n = read(0, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			scan_warn(s, "<stdin>: read failed: %s", strerror(errno));
			break;
		}
		if (b.len + (size_t)n > HUSH_MAX_STDIN) {
			scan_warn(s, "<stdin>: larger than %u bytes; only the first "
				     "%zu bytes were scanned (HUSH_MAX_STDIN)",
				HUSH_MAX_STDIN, b.len);
			break;
		}
		if ((error = hush_buf_put(&b, chunk, (size_t)n)) < 0)
			return error;
	}
	if (b.len == 0) {
		hush_buf_dispose(&b);
		return 0;
	}
	n = (ssize_t)b.len;
	return scan_submit_buffer(s, (unsigned char *)hush_buf_detach(&b),
		(size_t)n, "<stdin>");
}
