/* SPDX-License-Identifier: MIT */
/*
 * image.h - container image inputs for `hush image`: a docker save tarball
 * (legacy, or Docker 25+ with an OCI layout inside), an OCI layout folder or
 * an OCI archive. image.c finds the images in one (manifests, configs,
 * layers), verifying the digest of every JSON blob it reads; it never
 * extracts anything. See spec/build-context-and-images.md 2 and 3.
 */
#ifndef HUSH_IMAGE_H
#define HUSH_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hush/buf.h"

/* "sha256:" and 64 hex digits */
#define IMAGE_DIGEST_LEN 71

/* Where a blob's bytes lie: a byte range of a file. */
struct image_blob {
	const char *file;   /* borrowed from the image_src */
	uint64_t off, size;
	char name[256];     /* the member or file, for messages */
};

struct image_layer {
	char digest[IMAGE_DIGEST_LEN + 1]; /* what the bytes must hash to; "" if unknown */
	char *media_type;   /* owned; NULL in a docker archive */
	struct image_blob blob;
};

/* One image: a config and its layers, bottom first. */
struct image_one {
	char *name;          /* owned; the tag, ref name or manifest digest */
	char *platform;      /* owned; "os/arch[/variant]" or NULL */
	char config_digest[IMAGE_DIGEST_LEN + 1];
	struct hush_buf config; /* the config JSON, verified */
	struct image_layer *layers;
	size_t nlayers;
	char manifest_digest[IMAGE_DIGEST_LEN + 1]; /* "" in a legacy archive */
	/* BuildKit attestations of this image (provenance, SBOM): their
	 * in-toto JSON layers, verified, scanned as text */
	struct hush_buf *attest;
	size_t nattest;
};

struct image_src;

struct image_select {
	const char *platform; /* --platform, or NULL for all */
	const char *tag;      /* --tag, or NULL for all */
};

/**
 * Open path and find its images (those sel selects).
 * @param[out] out owned by the caller, free with image_src_free
 * @return 0, or HUSH_EPARSE / HUSH_EIO / HUSH_ENOTFOUND / HUSH_ELIMIT with
 *         one line naming the member or blob, or HUSH_EUSAGE when sel matches
 *         nothing
 */
int image_src_open(struct image_src **out, const char *path,
	const struct image_select *sel);
void image_src_free(struct image_src *src);

/** The images found, borrowed until image_src_free. */
struct image_one *image_src_images(struct image_src *src, size_t *n);

/** "docker-archive", "oci-archive" or "oci-layout": what path was. */
const char *image_src_kind(const struct image_src *src);

/**
 * Whether name is a valid "sha256:<64 lowercase hex>" digest.
 */
bool image_digest_valid(const char *name);

#endif
