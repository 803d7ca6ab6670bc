/* SPDX-License-Identifier: MIT */
/*
 * src_image.h - stream one image layer (a tar, plain, gzip or zstd: the
 * compression is found from the magic bytes) straight from its byte range,
 * entry by entry, verifying the blob's digest on the way; never extracting.
 * src_image.c is the only scanner file with <archive.h>.
 */
#ifndef HUSH_SRC_IMAGE_H
#define HUSH_SRC_IMAGE_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "image.h"

enum src_image_type {
	SRC_IMAGE_FILE,
	SRC_IMAGE_DIR,
	SRC_IMAGE_SYMLINK,
	SRC_IMAGE_HARDLINK,
	SRC_IMAGE_OTHER,
};

struct src_image_entry {
	const char *path;      /* normalised: no "./", "/", "..", "//" */
	const char *link;      /* hard link target (normalised) or symlink, or NULL */
	enum src_image_type type;
	uint64_t size;         /* bytes of data */
};

struct src_image_limits {
	uint64_t max_layer;            /* decompressed bytes of one layer */
	uint64_t max_image;            /* of all layers together */
	atomic_ullong *image_total;    /* shared by the layers of one run */
	const atomic_bool *cancel;     /* stop early when set, or NULL */
};

struct src_image_layer;

/* Called for each entry; return 0 to go on or a negative hush_err. */
typedef int (*src_image_entry_cb)(struct src_image_layer *l,
	const struct src_image_entry *e, void *payload);

/**
 * Read the current entry's data; bytes not read are skipped after the
 * callback (still decompressed and counted).
 * @return bytes read (0 at the end of the entry) or a negative hush_err
 */
ssize_t src_image_read(struct src_image_layer *l, void *buf, size_t cap);

/**
 * Walk the layer in blob b. Every problem is one error naming what (for
 * example "IMAGE: layer 2 (sha256:...)") and the member: not a tar, a
 * truncated stream, a path with "..", a link that points outside, a limit,
 * or (once the blob is read to its end) a digest that does not match.
 * @param digest what the stored bytes must hash to, or "" to skip the check
 * @param media_type the descriptor's, or NULL; only checked to warn
 * @param[out] detected "tar", "gzip", "zstd", ... (static)
 * @return 0, the callback's error, or HUSH_EPARSE/HUSH_EIO/HUSH_ELIMIT/HUSH_ERROR
 */
int src_image_walk(const struct image_blob *b, const char *digest,
	const char *media_type, const char *what,
	const struct src_image_limits *lim, src_image_entry_cb cb,
	void *payload, const char **detected);

#endif
