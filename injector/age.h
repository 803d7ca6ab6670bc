/* SPDX-License-Identifier: MIT */
/*
 * age.h - strict age v1 decryption (X25519 and scrypt recipients, header
 * MAC, STREAM payload, ASCII armor) and age identity files. Nothing is
 * released unless the whole file verified; crypto comes from seal.h.
 */
#ifndef HUSH_AGE_H
#define HUSH_AGE_H

#include <stddef.h>

#include "hush/buf.h"
#include "seal.h"

/*
 * The outcome of age_decrypt, in the classes of the age test suites (C2SP
 * CCTV and corpus/injector/age/README.md). Recipient-level hard errors (a
 * bad X25519 share, a low-order point, an scrypt stanza that is not alone,
 * a work factor over the limit) are header failures, as in CCTV.
 */
enum age_result {
	AGE_SUCCESS = 0,
	AGE_NO_MATCH,        /* header parsed, no stanza unwraps */
	AGE_HMAC_FAILURE,    /* file key found, header MAC wrong */
	AGE_HEADER_FAILURE,  /* header does not parse, or no payload nonce */
	AGE_ARMOR_FAILURE,   /* ASCII armor invalid */
	AGE_PAYLOAD_FAILURE, /* STREAM chunk forged, missing or extra data */
	AGE_OTHER_FAILURE,   /* out of memory, a size limit, no identities */
};

enum age_format {
	AGE_FORMAT_AUTO,    /* armored if it starts, after whitespace, "-----BEGIN" */
	AGE_FORMAT_BINARY,
	AGE_FORMAT_ARMORED, /* what sops stores in its `enc` fields */
};

/* Identities to try, in order: X25519 keys, then a passphrase (scrypt). */
struct age_identities;

/** Length of an age1... recipient string, without the NUL. */
#define AGE_RECIPIENT_LEN 62u

/**
 * Parse an identity file (keys.txt / SOPS_AGE_KEY): LF or CRLF lines; empty
 * lines and lines starting with '#' are skipped; every other line must be
 * exactly one AGE-SECRET-KEY-1... identity, not trimmed. Messages name the
 * line number, never its content.
 * @param[out] out the caller owns it; free with age_identities_free()
 * @return 0, HUSH_EPARSE (bad line, unsupported identity type, no
 *         identity), HUSH_ELIMIT or HUSH_ENOMEM
 */
int age_identities_parse(struct age_identities **out, const char *text,
	size_t len);

/**
 * An empty identity set, for passphrase-only use.
 * @param[out] out the caller owns it; free with age_identities_free()
 * @return 0 or HUSH_ENOMEM
 */
int age_identities_new(struct age_identities **out);

/**
 * Set the passphrase tried on scrypt stanzas; it is copied into secret
 * memory, so the caller may wipe its copy at once.
 * @return 0, HUSH_ELIMIT or HUSH_ENOMEM
 */
int age_identities_set_passphrase(struct age_identities *ids,
	const char *pass, size_t len);

/** Number of X25519 identities held. */
size_t age_identities_count(const struct age_identities *ids);

/**
 * The age1... recipient (public key) of X25519 identity i, as age-keygen
 * prints it.
 * @param[out] out AGE_RECIPIENT_LEN + 1 bytes, NUL-terminated
 * @return 0 or HUSH_ERROR (i out of range)
 */
int age_identities_recipient(char *out, const struct age_identities *ids,
	size_t i);

/** Wipe and release; age_identities_free(NULL) is a no-op. */
void age_identities_free(struct age_identities *ids);

/**
 * Decrypt a whole age file held in memory. The plaintext is returned only
 * when the header MAC and every STREAM chunk verified; on any failure all
 * partial plaintext is wiped, *out is NULL and the message names the
 * problem ("age: header MAC mismatch", ...).
 * @param[out] out the plaintext (len bytes of data); the caller owns it
 *             and releases it with secret_free()
 * @param[out] result_out the class of the outcome (may be NULL)
 * @return 0, HUSH_ENOTFOUND (no match), HUSH_EAUTH (HMAC or payload),
 *         HUSH_EPARSE (header or armor), HUSH_ELIMIT or HUSH_ENOMEM
 */
int age_decrypt(struct secret **out, enum age_result *result_out,
	const struct age_identities *ids, const unsigned char *data,
	size_t len, enum age_format format);

/**
 * Strip ASCII armor (age's strict reader: LF or CRLF, whitespace lines
 * around it, 64 columns, padded canonical base64, nothing else).
 * @param[out] out initialised here with cap HUSH_MAX_AGE_FILE; the caller
 *             disposes it; disposed on failure
 * @return 0, HUSH_EPARSE, HUSH_ELIMIT or HUSH_ENOMEM
 */
int age_armor_decode(struct hush_buf *out, const unsigned char *data,
	size_t len);

/** A stable name for r, e.g. "header failure"; never NULL. */
const char *age_result_name(enum age_result r);

#endif
