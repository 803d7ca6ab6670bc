/* SPDX-License-Identifier: MIT */
/* image_fs.c - whiteouts, opaque folders and overwrites across layers */
#include <stdlib.h>
#include <string.h>

#include "hush/err.h"
#include "image_fs.h"

#define WH ".wh."
#define WH_META ".wh..wh."
#define WH_OPQ ".wh..wh..opq"

struct rec {
	char *path;
	enum image_fs_kind kind;
};

struct layer_recs {
	struct rec *v;
	size_t len, alloc;
};

struct image_fs {
	struct layer_recs *layers;
	size_t nlayers;
};

int image_fs_marker(const char *path, struct hush_buf *target)
{
	const char *base = strrchr(path, '/');
	size_t dir_len = base ? (size_t)(base - path) : 0;
	int error;

	base = base ? base + 1 : path;
	if (strncmp(base, WH, strlen(WH)) != 0)
		return IMAGE_FS_PLAIN;
	hush_buf_clear(target);
	if ((error = hush_buf_put(target, path, dir_len)) < 0)
		return error;
	if (!strcmp(base, WH_OPQ))
		return IMAGE_FS_OPQ;
	if (!strncmp(base, WH_META, strlen(WH_META)))
		return IMAGE_FS_META;
	if (base[strlen(WH)] == '\0')
		return hush_err_set(HUSH_EPARSE, "whiteout '%s' names nothing",
			path);
	if (dir_len && (error = hush_buf_putc(target, '/')) < 0)
		return error;
	if ((error = hush_buf_puts(target, base + strlen(WH))) < 0)
		return error;
	return IMAGE_FS_WH;
}

int image_fs_new(struct image_fs **out, size_t nlayers)
{
	struct image_fs *fs = calloc(1, sizeof(*fs));

	*out = NULL;
	if (!fs || (nlayers && (fs->layers = calloc(nlayers,
					sizeof(*fs->layers))) == NULL)) {
		free(fs);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	fs->nlayers = nlayers;
	*out = fs;
	return 0;
}

void image_fs_free(struct image_fs *fs)
{
	size_t i, j;

	if (!fs)
		return;
	for (i = 0; i < fs->nlayers; i++) {
		for (j = 0; j < fs->layers[i].len; j++)
			free(fs->layers[i].v[j].path);
		free(fs->layers[i].v);
	}
	free(fs->layers);
	free(fs);
}

int image_fs_add(struct image_fs *fs, size_t layer, const char *path,
	enum image_fs_kind kind)
{
	struct layer_recs *l = &fs->layers[layer];
	struct rec r;

	HUSH_ASSERT(layer < fs->nlayers);
	if (l->len == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 64;
		struct rec *v = realloc(l->v, na * sizeof(*v));

		if (!v)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
		l->v = v;
		l->alloc = na;
	}
	if ((r.path = strdup(path)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	r.kind = kind;
	l->v[l->len++] = r;
	return 0;
}

static int cmp_rec(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	int c = strcmp(a->path, b->path);

	return c ? c : (int)a->kind - (int)b->kind;
}

void image_fs_seal(struct image_fs *fs)
{
	size_t i;

	for (i = 0; i < fs->nlayers; i++)
		if (fs->layers[i].len > 1)
			qsort(fs->layers[i].v, fs->layers[i].len,
				sizeof(*fs->layers[i].v), cmp_rec);
}

/* Bit set of the kinds recorded for path[0, len) in layer l. */
static unsigned kinds_at(const struct layer_recs *l, const char *path,
	size_t len)
{
	size_t lo = 0, hi = l->len;
	unsigned bits = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(l->v[mid].path, path, len);

		if (c == 0 && l->v[mid].path[len] != '\0')
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < l->len; lo++) {
		if (strncmp(l->v[lo].path, path, len) != 0 ||
		    l->v[lo].path[len] != '\0')
			break;
		bits |= 1u << l->v[lo].kind;
	}
	return bits;
}

long image_fs_fate(const struct image_fs *fs, size_t layer, const char *path,
	bool *overwritten)
{
	size_t j, n = strlen(path);

	*overwritten = false;
	for (j = layer + 1; j < fs->nlayers; j++) {
		const struct layer_recs *l = &fs->layers[j];
		unsigned at = kinds_at(l, path, n);
		size_t k;

		if (at & (1u << IMAGE_FS_WHITEOUT))
			return (long)j;
		if (at & (1u << IMAGE_FS_NONDIR)) {
			*overwritten = true;
			return (long)j;
		}
		if (at & (1u << IMAGE_FS_DIR))
			return (long)j; /* a folder replaced the file */
		/* the ancestors: "" (the root), "a", "a/b" for "a/b/c" */
		for (k = 0; k <= n; k++) {
			unsigned up;

			if (k != 0 && (k == n || path[k] != '/'))
				continue;
			if (k == n)
				break;
			up = kinds_at(l, path, k);
			if (up & ((1u << IMAGE_FS_WHITEOUT) | (1u << IMAGE_FS_OPAQUE) |
				     (1u << IMAGE_FS_NONDIR)))
				return (long)j;
		}
	}
	return -1;
}
