/* SPDX-License-Identifier: MIT */
/*
 * image_fs.h - what each layer of an image adds, replaces and deletes, to
 * tell whether a file of layer M is still in the final filesystem or was
 * removed (whiteout, opaque folder) or overwritten in a later layer N.
 * See spec/build-context-and-images.md 2.5.
 */
#ifndef HUSH_IMAGE_FS_H
#define HUSH_IMAGE_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "hush/buf.h"

enum image_fs_kind {
	IMAGE_FS_DIR,      /* a folder entry (only updates a lower folder) */
	IMAGE_FS_NONDIR,   /* a file, link or device: replaces what was there */
	IMAGE_FS_WHITEOUT, /* .wh.NAME: deletes NAME of lower layers */
	IMAGE_FS_OPAQUE,   /* .wh..wh..opq: hides the lower folder's content */
};

enum image_fs_marker {
	IMAGE_FS_PLAIN = 0,  /* an ordinary entry */
	IMAGE_FS_WH,         /* a whiteout; target is what it deletes */
	IMAGE_FS_OPQ,        /* an opaque marker; target is its folder */
	IMAGE_FS_META,       /* another .wh..wh. name: ignored */
};

/**
 * Classify a cleaned layer path by its last part; target gets the deleted
 * path or the opaque folder ("" for the root).
 * @return an enum image_fs_marker, or HUSH_EPARSE for ".wh." with no name
 */
int image_fs_marker(const char *path, struct hush_buf *target);

struct image_fs;

/** @param[out] out owned by the caller, free with image_fs_free */
int image_fs_new(struct image_fs **out, size_t nlayers);
void image_fs_free(struct image_fs *fs);

/**
 * Record an entry of one layer. Different layers may be recorded from
 * different threads at once; one layer from one thread.
 */
int image_fs_add(struct image_fs *fs, size_t layer, const char *path,
	enum image_fs_kind kind);

/** Sort what was recorded; call once, after every image_fs_add. */
void image_fs_seal(struct image_fs *fs);

/**
 * The first layer above layer (0-based) that removes or replaces path.
 * @param[out] overwritten whether a later file replaced it (else removed)
 * @return that layer's index, or -1 when path is in the final filesystem
 */
long image_fs_fate(const struct image_fs *fs, size_t layer, const char *path,
	bool *overwritten);

#endif
