/* SPDX-License-Identifier: MIT */
/*
 * sops.h - sops files, decryption side (spec: sops-and-age.md Part B):
 * the `sops` metadata, the data key from the age recipients, ENC[...]
 * values (AES-256-GCM, AAD = key path), the MAC, and the decrypted tree.
 * YAML (libyaml), JSON, binary (payload.h), dotenv and INI stores. Plaintext lives only
 * in struct secret memory; a failed decryption releases nothing.
 */
#ifndef HUSH_SOPS_H
#define HUSH_SOPS_H

#include <stdbool.h>
#include <stddef.h>

#include "age.h"
#include "seal.h"

#define SOPS_DATA_KEY_BYTES 32u

enum sops_format {
	SOPS_FORMAT_AUTO,   /* by file name, as sops does: see below */
	SOPS_FORMAT_YAML,
	SOPS_FORMAT_JSON,
	SOPS_FORMAT_DOTENV, /* key=value lines; sops_ lines are the metadata */
	SOPS_FORMAT_INI,    /* [section] key = value; [sops] is the metadata */
	SOPS_FORMAT_BINARY, /* a JSON document {"data": ENC[...], "sops": ...} */
};

enum sops_kind {
	SOPS_MAP,
	SOPS_LIST,
	SOPS_STR,
	SOPS_INT,
	SOPS_FLOAT,
	SOPS_BOOL,
	SOPS_TIME,
	SOPS_BYTES,
	SOPS_NULL,
	SOPS_COMMENT,
};

/*
 * A node of a tree. Maps and lists chain their members through `child`
 * and `next` in document order; a map member carries its `key`, except a
 * SOPS_COMMENT (dotenv, INI), whose key is NULL. A dotenv document is one
 * map of strings; an INI document is a map of sections (DEFAULT first),
 * each a map of strings. In a tree
 * returned by sops_decrypt() every leaf except SOPS_NULL has `value`: the
 * bytes as sops serialises them for its MAC (str and bytes verbatim, int
 * decimal, float Go 'f' -1 formatting, bool True/False, time RFC 3339),
 * whether the file held it encrypted (`encrypted`) or in clear. Nodes are
 * owned by their tree and read-only to callers.
 */
struct sops_node {
	enum sops_kind kind;
	char *key;        /* map members: NUL-terminated, not secret */
	size_t key_len;
	struct sops_node *child;
	struct sops_node *next;
	char *raw;        /* loaded files: the leaf as written, NUL-terminated */
	size_t raw_len;
	struct secret *value; /* decrypted trees: the plaintext */
	bool encrypted;   /* sops encrypts it: ENC[...] in the file, or "" */
};

/* A loaded, still encrypted sops file; opaque. */
struct sops_file;

/* A decrypted document; opaque apart from its nodes. */
struct sops_tree;

/* sops_decrypt flags */
#define SOPS_IGNORE_MAC 1u /* accept a wrong or missing MAC; caller warns */

/**
 * The store sops picks for a file name: .yaml/.yml YAML, .json JSON, .env
 * dotenv, .ini INI, anything else binary.
 */
enum sops_format sops_format_from_name(const char *name);

/**
 * Parse a sops file held in memory and its metadata; nothing is decrypted.
 * @param name the file name, for messages and SOPS_FORMAT_AUTO
 * @param[out] out the caller owns it; release with sops_file_free()
 * @return 0, HUSH_EPARSE (syntax, anchors or aliases, duplicate keys,
 *         bad metadata, incomplete or conflicting flattened metadata),
 *         HUSH_ELIMIT, HUSH_EUSAGE (an unknown format) or HUSH_ENOMEM
 */
int sops_load(struct sops_file **out, const char *name,
	const unsigned char *data, size_t len, enum sops_format format);

/** Release; sops_file_free(NULL) is a no-op. */
void sops_file_free(struct sops_file *f);

/**
 * Recover the data key with ids (every identity is tried on every age
 * recipient), decrypt every value and verify the MAC. On failure *out is
 * NULL and every plaintext decrypted so far is wiped.
 * @param flags 0 or SOPS_IGNORE_MAC (then see sops_tree_mac_ok())
 * @param[out] out the caller owns it; release with sops_tree_free()
 * @return 0, HUSH_ENOTFOUND (no identity opens any age recipient; PGP- or
 *         KMS-only file), HUSH_EAUTH (a value or the MAC does not verify),
 *         HUSH_EPARSE (a malformed value), HUSH_ELIMIT or HUSH_ENOMEM
 */
int sops_decrypt(struct sops_tree **out, const struct sops_file *f,
	const struct age_identities *ids, unsigned flags);

/**
 * sops_decrypt with a known data key instead of age identities: tests, and
 * files whose key came from elsewhere.
 */
int sops__decrypt_with_key(struct sops_tree **out, const struct sops_file *f,
	const unsigned char *key, unsigned flags);

/** Wipe and release; sops_tree_free(NULL) is a no-op. */
void sops_tree_free(struct sops_tree *t);

/** True when the MAC verified (false only with SOPS_IGNORE_MAC). */
bool sops_tree_mac_ok(const struct sops_tree *t);

/** The store the file was read with. */
enum sops_format sops_tree_format(const struct sops_tree *t);

/** Number of documents (YAML `---`); 1 for the other stores. */
size_t sops_tree_doc_count(const struct sops_tree *t);

/** Document i, a SOPS_MAP without the `sops` key; borrowed until the tree
 * is freed. NULL when i is out of range. */
const struct sops_node *sops_tree_doc(const struct sops_tree *t, size_t i);

/**
 * Find a node of document 0 by a dotted path: map keys and list indexes,
 * e.g. "app2.db.user" or "an_array.0" (keys containing '.' cannot be
 * addressed).
 * @param[out] out borrowed until the tree is freed; NULL when not found
 * @return 0 or HUSH_ENOTFOUND
 */
int sops_tree_lookup(const struct sops_node **out, const struct sops_tree *t,
	const char *path);

/* One leaf seen by sops_tree_walk: `aad` is its key path as sops builds
 * the AAD ("app2:db:user:"), borrowed for the callback only. */
struct sops_leaf {
	const char *aad;
	size_t aad_len;
	const struct sops_node *node;
};

typedef int (*sops_leaf_cb)(const struct sops_leaf *leaf, void *payload);

/**
 * Call cb for every leaf (nulls and comments included) of every document
 * in tree order; a negative return from cb stops the walk and is returned.
 * @return 0, cb's error, or HUSH_ELIMIT
 */
int sops_tree_walk(const struct sops_tree *t, sops_leaf_cb cb,
	void *payload);

/**
 * The whole decrypted document in its own format, as `sops --decrypt`
 * writes it: YAML through libyaml's emitter (indent 4, go-yaml v3's
 * quoting of strings that would read back as another type; comments are
 * not written, and a sequence inside a mapping is not indented as go-yaml
 * does), JSON as Go's encoding/json with tab indentation and a final
 * newline, dotenv `key=value` lines (newlines as \n, `#comment`), INI as
 * gopkg.in/ini.v1 (>= 1.66.5, as in sops 3.13) writes it (aligned " = ",
 * a blank line between sections, none after the last), binary as the raw bytes of `data`.
 * @param[out] out the text in secret memory; the caller owns it
 * @return 0, HUSH_EPARSE (a tree the format cannot hold), HUSH_ELIMIT or
 *         HUSH_ENOMEM
 */
int sops_render(struct secret **out, const struct sops_tree *t);

/**
 * One node (a map, a list or a scalar) as JSON, laid out as sops' JSON
 * store writes it, with a final newline.
 */
int sops_render_node_json(struct secret **out, const struct sops_node *n);

/**
 * Combine Shamir shares (y bytes then the x byte) by Lagrange
 * interpolation at 0 over GF(2^8), as sops' shamir package does.
 * @param[out] out len - 1 bytes
 * @return 0, HUSH_EAUTH (fewer than 2, different lengths, duplicate x) or
 *         HUSH_ENOMEM
 */
int sops__shamir_combine(struct secret **out, struct secret *const *shares,
	size_t n);

#endif
