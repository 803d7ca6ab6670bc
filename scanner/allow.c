/* SPDX-License-Identifier: MIT */
/* allow.c - .hushignore: path globs and fingerprints to skip */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "allow.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"

static bool is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			    (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

int allow_fps_add(struct allow_fps *fps, const char *hex, size_t len)
{
	char **v, *copy;
	size_t i;

	if (!is_hex64(hex, len))
		return hush_err_set(HUSH_EPARSE, "not a fingerprint (64 hex digits)");
	if (fps->len == fps->alloc) {
		size_t n = fps->alloc ? fps->alloc * 2 : 64;

		if ((v = realloc(fps->v, n * sizeof(*v))) == NULL)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		fps->v = v;
		fps->alloc = n;
	}
	if ((copy = malloc(65)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	for (i = 0; i < 64; i++)
		copy[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] + 32 : hex[i]);
	copy[64] = '\0';
	fps->v[fps->len++] = copy;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void allow_fps_seal(struct allow_fps *fps)
{
	if (fps->len > 1)
		qsort(fps->v, fps->len, sizeof(*fps->v), cmp_str);
}

bool allow_fps_has(const struct allow_fps *fps, const char *hex)
{
	return fps->len &&
	       bsearch(&hex, fps->v, fps->len, sizeof(*fps->v), cmp_str) != NULL;
}

void allow_fps_dispose(struct allow_fps *fps)
{
	size_t i;

	for (i = 0; i < fps->len; i++)
		free(fps->v[i]);
	free(fps->v);
	memset(fps, 0, sizeof(*fps));
}

void allow_paths_dispose(struct allow_paths *paths)
{
	strlist_dispose(&paths->globs);
}

/* Whether glob g (n bytes, no trailing '/') matches path or a folder above it. */
static bool glob_covers(const char *g, size_t n, const char *path)
{
	char pat[HUSH_MAX_PATH], pre[HUSH_MAX_PATH];
	size_t i, len = strlen(path);

	if (n >= sizeof(pat) || len >= sizeof(pre))
		return false;
	memcpy(pat, g, n);
	pat[n] = '\0';
	if (fnmatch(pat, path, 0) == 0)
		return true;
	for (i = 0; i < len; i++) {
		if (path[i] != '/')
			continue;
		memcpy(pre, path, i);
		pre[i] = '\0';
		if (fnmatch(pat, pre, 0) == 0)
			return true;
	}
	return false;
}

bool allow_path(const struct allow_paths *paths, const char *relpath)
{
	size_t i;

	for (i = 0; i < paths->globs.len; i++) {
		const char *g = paths->globs.v[i];
		size_t n = strlen(g);

		/* "dir/", "dir" and "build-*" cover everything below them */
		while (n > 1 && g[n - 1] == '/')
			n--;
		if (glob_covers(g, n, relpath))
			return true;
	}
	return false;
}

int allow_load(struct allow_paths *paths, struct allow_fps *fps,
	const char *root)
{
	struct hush_buf b, path = HUSH_BUF_INIT(HUSH_MAX_PATH);
	const char *p, *end;
	unsigned lineno = 0;
	int error;

	if ((error = hush_buf_printf(&path, "%s/%s", root, ALLOW_FILE)) < 0)
		return error;
	error = hush_fs_read_all(&b, path.ptr, HUSH_MAX_ALLOWLIST,
		"HUSH_MAX_ALLOWLIST");
	if (error == HUSH_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	for (p = b.ptr ? b.ptr : ""; *p; p = *end ? end + 1 : end) {
		const char *s = p, *e;

		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		e = end;
		lineno++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#')
			continue;
		if ((size_t)(e - s) > 12 && strncmp(s, "fingerprint:", 12) == 0) {
			if ((error = allow_fps_add(fps, s + 12, (size_t)(e - s - 12))) < 0) {
				hush_err_set(error, "%s:%u: not a fingerprint (64 hex digits)",
					path.ptr, lineno);
				goto done;
			}
		} else if (is_hex64(s, (size_t)(e - s))) {
			if ((error = allow_fps_add(fps, s, 64)) < 0)
				goto done;
		} else {
			if (*s == '/')
				s++; /* rooted and relative mean the same here */
			if ((error = strlist_add(&paths->globs, s, (size_t)(e - s))) < 0)
				goto done;
		}
	}
done:
	hush_buf_dispose(&b);
	hush_buf_dispose(&path);
	return error;
}
