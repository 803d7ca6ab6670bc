/* SPDX-License-Identifier: MIT */
/*
 * age.c - the age v1 file format, decryption side: strict header parsing,
 * X25519 and scrypt stanzas, header MAC, STREAM payload, ASCII armor and
 * Bech32 identity files. Spec: C2SP age.md; behaviour matches the Go
 * reference (filippo.io/age) and the C2SP CCTV vectors. No crypto here:
 * every primitive comes from seal.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hush/err.h"
#include "hush/limits.h"
#include "age.h"
#include "b64.h"

#define INTRO "age-encryption.org/v1\n"
#define ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define ARMOR_END "-----END AGE ENCRYPTED FILE-----"
#define ARMOR_COLUMNS 64u
#define ARMOR_MAX_WHITESPACE 1024u
#define BODY_LINE_BYTES 48u
#define FILE_KEY_BYTES 16u
#define MAC_BYTES 32u
#define PAYLOAD_NONCE_BYTES 16u
#define CHUNK_BYTES 65536u
#define CHUNK_CT_BYTES (CHUNK_BYTES + SEAL_AEAD_TAG_BYTES)
#define SCRYPT_SALT_BYTES 16u
#define SCRYPT_LABEL "age-encryption.org/v1/scrypt"
#define X25519_LABEL "age-encryption.org/v1/X25519"
#define KEYS_MAX_LINE (64u * 1024) /* Go bufio.Scanner's token limit */
#define MAX_PASSPHRASE 4096u
#define BECH32_MAX_DATA 128u       /* data chars; a 32-byte key needs 58 */

struct age_identities {
	struct secret *keys; /* n * 32-byte X25519 scalars */
	size_t n;
	struct secret *pass; /* NULL when no passphrase */
};

/* One stanza of a parsed header; all pointers borrow the input. */
struct stanza {
	const char *type;
	size_t type_len;
	const char *arg[2]; /* the first two arguments after the type */
	size_t arg_len[2];
	size_t nargs;       /* arguments after the type */
	const char *line0;  /* first body line, without its LF */
	size_t line0_len;
	size_t body_len;    /* decoded body bytes */
};

struct header {
	struct hush_buf stanzas; /* struct stanza[n] */
	size_t n;
	size_t mac_at;           /* offset of "---" */
	size_t end;              /* offset of the payload */
	unsigned char mac[MAC_BYTES];
};

const char *age_result_name(enum age_result r)
{
	switch (r) {
	case AGE_SUCCESS:
		return "success";
	case AGE_NO_MATCH:
		return "no match";
	case AGE_HMAC_FAILURE:
		return "HMAC failure";
	case AGE_HEADER_FAILURE:
		return "header failure";
	case AGE_ARMOR_FAILURE:
		return "armor failure";
	case AGE_PAYLOAD_FAILURE:
		return "payload failure";
	case AGE_OTHER_FAILURE:
		break;
	}
	return "other failure";
}

/* ---- Bech32 (BIP 173, no 90-character limit; age internal/bech32) ---- */

static const char bech32_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t bech32_polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
		0x3d4233dd, 0x2a1462b3 };
	uint32_t b = chk >> 25;
	int i;

	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((b >> i) & 1)
			chk ^= gen[i];
	return chk;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static uint32_t bech32_hrp_polymod(const char *hrp, size_t len)
{
	uint32_t chk = 1;
	size_t i;

	for (i = 0; i < len; i++)
		chk = bech32_polymod_step(chk, (unsigned char)lower(hrp[i]) >> 5);
	chk = bech32_polymod_step(chk, 0);
	for (i = 0; i < len; i++)
		chk = bech32_polymod_step(chk, (unsigned char)lower(hrp[i]) & 31);
	return chk;
}

/*
 * Decode s as Bech32 with human-readable part `hrp` (compared exactly, case
 * included, as Go does) into out, which must come out exactly cap bytes.
 * Sets a message without the key material and returns HUSH_EPARSE.
 */
static int bech32_decode(unsigned char *out, size_t cap, const char *s,
	size_t len, const char *hrp)
{
	unsigned char vals[BECH32_MAX_DATA];
	bool has_lower = false, has_upper = false;
	size_t i, sep = len, nvals, n = 0;
	uint32_t chk, acc = 0;
	unsigned bits = 0;
	const char *p;
	int error = HUSH_EPARSE;

	for (i = 0; i < len; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			has_lower = true;
		if (s[i] >= 'A' && s[i] <= 'Z')
			has_upper = true;
		if (s[i] == '1')
			sep = i;
	}
	if (has_lower && has_upper) {
		hush_err_set(error, "mixed-case Bech32 string");
		goto done;
	}
	if (sep == len || sep < 1 || sep + 7 > len) {
		hush_err_set(error, "Bech32 separator '1' missing or misplaced");
		goto done;
	}
	for (i = 0; i < sep; i++) {
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) {
			hush_err_set(error, "invalid character in the Bech32 "
				"human-readable part");
			goto done;
		}
	}
	nvals = len - sep - 1;
	if (nvals > BECH32_MAX_DATA) {
		hush_err_set(error, "Bech32 data part too long");
		goto done;
	}
	chk = bech32_hrp_polymod(s, sep);
	for (i = 0; i < nvals; i++) {
		p = memchr(bech32_charset, lower(s[sep + 1 + i]),
			sizeof(bech32_charset) - 1);
		if (p == NULL || s[sep + 1 + i] == '\0') {
			hush_err_set(error, "invalid character in the Bech32 "
				"data part");
			goto done;
		}
		vals[i] = (unsigned char)(p - bech32_charset);
		chk = bech32_polymod_step(chk, vals[i]);
	}
	if (chk != 1) {
		hush_err_set(error, "invalid Bech32 checksum");
		goto done;
	}
	if (sep != strlen(hrp) || memcmp(s, hrp, sep) != 0) {
		hush_err_set(error, "Bech32 prefix is not %s", hrp);
		goto done;
	}
	/* 5 -> 8 bits without padding: leftovers < 5 bits, all zero */
	for (i = 0; i + 6 < nvals; i++) {
		acc = ((acc << 5) | vals[i]) & 0xfff;
		bits += 5;
		while (bits >= 8) {
			bits -= 8;
			if (n == cap) {
				hush_err_set(error, "key is too long");
				goto done;
			}
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits >= 5 || ((acc << (8 - bits)) & 0xff) != 0) {
		hush_err_set(error, "invalid Bech32 padding");
		goto done;
	}
	if (n != cap) {
		hush_err_set(error, "key is %zu bytes, not %zu", n, cap);
		goto done;
	}
	error = 0;
done:
	seal_wipe(vals, sizeof(vals));
	seal_wipe(&acc, sizeof(acc));
	if (error < 0)
		seal_wipe(out, cap);
	return error;
}

/* Encode 32 bytes as lowercase Bech32 with hrp "age" (out: 63 bytes). */
static void bech32_encode_recipient(char *out, const unsigned char *key)
{
	unsigned char vals[BECH32_MAX_DATA];
	size_t i, n = 0, o = 0;
	uint32_t chk, acc = 0;
	unsigned bits = 0;

	for (i = 0; i < SEAL_X25519_BYTES; i++) {
		acc = ((acc << 8) | key[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			vals[n++] = (unsigned char)((acc >> bits) & 31);
		}
	}
	if (bits > 0)
		vals[n++] = (unsigned char)((acc << (5 - bits)) & 31);
	chk = bech32_hrp_polymod("age", 3);
	for (i = 0; i < n; i++)
		chk = bech32_polymod_step(chk, vals[i]);
	for (i = 0; i < 6; i++)
		chk = bech32_polymod_step(chk, 0);
	chk ^= 1;
	memcpy(out, "age1", 4);
	o = 4;
	for (i = 0; i < n; i++)
		out[o++] = bech32_charset[vals[i]];
	for (i = 0; i < 6; i++)
		out[o++] = bech32_charset[(chk >> (5 * (5 - i))) & 31];
	out[o] = '\0';
}

/* ---- identities ---- */

int age_identities_new(struct age_identities **out)
{
	struct age_identities *ids;

	*out = NULL;
	ids = calloc(1, sizeof(*ids));
	if (ids == NULL)
		return hush_err_set(HUSH_ENOMEM, "age: out of memory");
	*out = ids;
	return 0;
}

void age_identities_free(struct age_identities *ids)
{
	if (ids == NULL)
		return;
	secret_free(ids->keys);
	secret_free(ids->pass);
	free(ids);
}

size_t age_identities_count(const struct age_identities *ids)
{
	return ids ? ids->n : 0;
}

int age_identities_set_passphrase(struct age_identities *ids,
	const char *pass, size_t len)
{
	struct secret *s = NULL;
	int error;

	if (len > MAX_PASSPHRASE)
		return hush_err_set(HUSH_ELIMIT, "age: passphrase longer than "
			"%u bytes", MAX_PASSPHRASE);
	if ((error = secret_new(&s, len)) < 0)
		return error;
	if (len > 0)
		memcpy(s->data, pass, len);
	s->len = len;
	secret_free(ids->pass);
	ids->pass = s;
	return 0;
}

int age_identities_recipient(char *out, const struct age_identities *ids,
	size_t i)
{
	unsigned char pub[SEAL_X25519_BYTES];
	int error;

	out[0] = '\0';
	if (ids == NULL || i >= ids->n)
		return hush_err_set(HUSH_ERROR, "age: no identity %zu", i);
	if ((error = seal_x25519_base(pub,
		ids->keys->data + i * SEAL_X25519_BYTES)) < 0)
		return error;
	bech32_encode_recipient(out, pub);
	return 0;
}

/*
 * Next line of text[*pos..len): LF-terminated or the unterminated rest, one
 * trailing CR dropped (Go bufio.ScanLines). False at end of input.
 */
static bool next_line(const char *text, size_t len, size_t *pos,
	const char **line, size_t *line_len)
{
	const char *nl;
	size_t n;

	if (*pos >= len)
		return false;
	*line = text + *pos;
	nl = memchr(*line, '\n', len - *pos);
	n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += nl ? n + 1 : n;
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*line_len = n;
	return true;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static int parse_identity_line(unsigned char *key, const char *line,
	size_t len, size_t lineno)
{
	int error;

	if (has_prefix(line, len, "AGE-SECRET-KEY-PQ-1"))
		return hush_err_set(HUSH_EPARSE, "age: identity line %zu: "
			"post-quantum (ML-KEM) identities are not supported",
			lineno);
	if (has_prefix(line, len, "AGE-PLUGIN-"))
		return hush_err_set(HUSH_EPARSE, "age: identity line %zu: "
			"plugin identities are not supported", lineno);
	if (!has_prefix(line, len, "AGE-SECRET-KEY-1"))
		return hush_err_set(HUSH_EPARSE, "age: identity line %zu: "
			"unknown identity type", lineno);
	error = bech32_decode(key, SEAL_X25519_BYTES, line, len,
		"AGE-SECRET-KEY-");
	if (error < 0)
		return hush_err_set(error, "age: identity line %zu: malformed "
			"secret key: %s", lineno, hush_err_msg());
	return 0;
}

int age_identities_parse(struct age_identities **out, const char *text,
	size_t len)
{
	struct age_identities *ids = NULL;
	const char *line;
	size_t pos = 0, line_len, count = 0, lineno = 0;
	int error;

	*out = NULL;
	if (len > HUSH_MAX_AGE_KEYS_FILE) {
		error = hush_err_set(HUSH_ELIMIT, "age: identity file is larger "
			"than HUSH_MAX_AGE_KEYS_FILE (%u bytes)",
			HUSH_MAX_AGE_KEYS_FILE);
		goto done;
	}
	/* pass 1: line lengths, and how many identities to make room for */
	while (next_line(text, len, &pos, &line, &line_len)) {
		lineno++;
		if (line_len > KEYS_MAX_LINE) {
			error = hush_err_set(HUSH_ELIMIT, "age: identity line "
				"%zu is longer than %u bytes", lineno,
				KEYS_MAX_LINE);
			goto done;
		}
		if (line_len > 0 && line[0] != '#')
			count++;
	}
	if (count == 0) {
		error = hush_err_set(HUSH_EPARSE, "age: no identities found");
		goto done;
	}
	if (count > HUSH_MAX_AGE_IDENTITIES) {
		error = hush_err_set(HUSH_ELIMIT, "age: more than "
			"HUSH_MAX_AGE_IDENTITIES (%u) identities",
			HUSH_MAX_AGE_IDENTITIES);
		goto done;
	}
	if ((error = age_identities_new(&ids)) < 0)
		goto done;
	if ((error = secret_new(&ids->keys, count * SEAL_X25519_BYTES)) < 0)
		goto done;
	/* pass 2: parse */
	pos = 0;
	lineno = 0;
	while (next_line(text, len, &pos, &line, &line_len)) {
		lineno++;
		if (line_len == 0 || line[0] == '#')
			continue;
		error = parse_identity_line(ids->keys->data +
			ids->n * SEAL_X25519_BYTES, line, line_len, lineno);
		if (error < 0)
			goto done;
		ids->n++;
		ids->keys->len = ids->n * SEAL_X25519_BYTES;
	}
	*out = ids;
	ids = NULL;
done:
	age_identities_free(ids);
	return error;
}

/* ---- ASCII armor (age armor/armor.go, strict reader) ---- */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
		c == '\r';
}

static bool all_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_space((unsigned char)s[i]))
			return false;
	return true;
}

static bool line_is(const char *line, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(line, want, len) == 0;
}

/* After the END line: only whitespace, and less than 1 KiB of it. */
static int armor_trailer(const char *text, size_t len, size_t pos)
{
	if (!all_space(text + pos, len - pos))
		return hush_err_set(HUSH_EPARSE,
			"age: armor: data after the END line");
	if (len - pos >= ARMOR_MAX_WHITESPACE)
		return hush_err_set(HUSH_EPARSE,
			"age: armor: too much whitespace after the END line");
	return 0;
}

int age_armor_decode(struct hush_buf *out, const unsigned char *data,
	size_t len)
{
	const char *text = (const char *)data, *line;
	unsigned char tmp[BODY_LINE_BYTES];
	size_t pos = 0, line_len, removed = 0, n, lineno = 0;
	int error = HUSH_EPARSE;

	hush_buf_init(out, HUSH_MAX_AGE_FILE);
	for (;;) {
		if (!next_line(text, len, &pos, &line, &line_len)) {
			hush_err_set(error, "age: armor: no BEGIN line");
			goto done;
		}
		lineno++;
		if (all_space(line, line_len)) {
			removed += line_len + 1;
			if (removed > ARMOR_MAX_WHITESPACE) {
				hush_err_set(error, "age: armor: too much "
					"whitespace before the BEGIN line");
				goto done;
			}
			continue;
		}
		if (!line_is(line, line_len, ARMOR_BEGIN)) {
			hush_err_set(error, "age: armor: line %zu is not "
				"\"" ARMOR_BEGIN "\"", lineno);
			goto done;
		}
		break;
	}
	for (;;) {
		if (!next_line(text, len, &pos, &line, &line_len)) {
			hush_err_set(error, "age: armor: no END line");
			goto done;
		}
		lineno++;
		if (line_is(line, line_len, ARMOR_END)) {
			error = armor_trailer(text, len, pos);
			goto done;
		}
		if (line_len == 0) {
			hush_err_set(error, "age: armor: empty line %zu", lineno);
			goto done;
		}
		if (line_len > ARMOR_COLUMNS) {
			hush_err_set(error, "age: armor: line %zu is longer "
				"than %u columns", lineno, ARMOR_COLUMNS);
			goto done;
		}
		if (!b64_strict_decode(tmp, sizeof(tmp), &n, line, line_len, true)) {
			hush_err_set(error, "age: armor: line %zu is not "
				"canonical padded base64", lineno);
			goto done;
		}
		if ((error = hush_buf_put(out, tmp, n)) < 0) {
			if (error == HUSH_ELIMIT)
				hush_err_set(error, "age: armored file is larger "
					"than HUSH_MAX_AGE_FILE (%u bytes)",
					HUSH_MAX_AGE_FILE);
			goto done;
		}
		error = HUSH_EPARSE;
		if (n < BODY_LINE_BYTES) {
			/* a short line must be the last one */
			if (!next_line(text, len, &pos, &line, &line_len) ||
			    !line_is(line, line_len, ARMOR_END)) {
				hush_err_set(error, "age: armor: short line %zu "
					"is not followed by the END line",
					lineno);
				goto done;
			}
			error = armor_trailer(text, len, pos);
			goto done;
		}
	}
done:
	if (error < 0)
		hush_buf_dispose(out);
	return error;
}

/* ---- header (C2SP age.md "Header"; Go internal/format/format.go) ---- */

static bool valid_arg(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return false;
	return true;
}

/* The LF-terminated line at *pos (without the LF); false at EOF. */
static bool header_line(const char *d, size_t len, size_t *pos,
	const char **line, size_t *line_len)
{
	const char *nl;

	if (*pos >= len)
		return false;
	nl = memchr(d + *pos, '\n', len - *pos);
	if (nl == NULL)
		return false;
	*line = d + *pos;
	*line_len = (size_t)(nl - *line);
	*pos += *line_len + 1;
	return true;
}

static int parse_stanza(struct stanza *st, const char *d, size_t len,
	size_t *pos)
{
	unsigned char tmp[BODY_LINE_BYTES];
	const char *line, *f, *sp;
	size_t line_len, flen, rest, n, nfield = 0;
	int error = HUSH_EPARSE;

	memset(st, 0, sizeof(*st));
	if (!header_line(d, len, pos, &line, &line_len)) {
		hush_err_set(error, "age: header: unexpected end of file");
		goto done;
	}
	if (line_len < 2 || memcmp(line, "->", 2) != 0 ||
	    (line_len > 2 && line[2] != ' ')) {
		hush_err_set(error, "age: header: malformed stanza line");
		goto done;
	}
	/* fields after "->", separated by exactly one space */
	f = line + 2;
	rest = line_len - 2;
	while (rest > 0) {
		f++;            /* the space */
		rest--;
		sp = memchr(f, ' ', rest);
		flen = sp ? (size_t)(sp - f) : rest;
		if (!valid_arg(f, flen)) {
			hush_err_set(error, "age: header: stanza argument is "
				"empty or has a byte outside 0x21-0x7e");
			goto done;
		}
		if (nfield == 0) {
			st->type = f;
			st->type_len = flen;
		} else if (nfield <= 2) {
			st->arg[nfield - 1] = f;
			st->arg_len[nfield - 1] = flen;
		}
		nfield++;
		f += flen;
		rest -= flen;
	}
	if (nfield == 0) {
		hush_err_set(error, "age: header: stanza without a type");
		goto done;
	}
	st->nargs = nfield - 1;
	/* body: full 64-column lines, then one short (maybe empty) line */
	for (;;) {
		if (!header_line(d, len, pos, &line, &line_len)) {
			hush_err_set(error, "age: header: unexpected end of "
				"file in a stanza body");
			goto done;
		}
		if (!b64_strict_decode(tmp, sizeof(tmp), &n, line, line_len, false)) {
			if (has_prefix(line, line_len, "---") ||
			    has_prefix(line, line_len, "->"))
				hush_err_set(error, "age: header: stanza ended "
					"without a short line");
			else
				hush_err_set(error, "age: header: stanza body "
					"line is not canonical base64 of at "
					"most 64 columns");
			goto done;
		}
		if (st->line0 == NULL) {
			st->line0 = line;
			st->line0_len = line_len;
		}
		st->body_len += n;
		if (n < BODY_LINE_BYTES)
			break;
	}
	error = 0;
done:
	return error;
}

static int parse_header(struct header *h, const unsigned char *data,
	size_t len)
{
	const char *d = (const char *)data, *line;
	struct stanza st;
	size_t pos = 0, line_len, n;
	int error = HUSH_EPARSE;

	memset(h, 0, sizeof(*h));
	hush_buf_init(&h->stanzas, HUSH_MAX_AGE_STANZAS * sizeof(st));
	if (len == 0) {
		hush_err_set(error, "age: header: file is empty");
		goto done;
	}
	if (len < strlen(INTRO) || memcmp(d, INTRO, strlen(INTRO)) != 0) {
		hush_err_set(error, "age: header: not an age v1 file "
			"(bad version line)");
		goto done;
	}
	pos = strlen(INTRO);
	for (;;) {
		if (len - pos >= 3 && memcmp(d + pos, "---", 3) == 0)
			break;
		if (h->n == HUSH_MAX_AGE_STANZAS) {
			hush_err_set(error, "age: header: more than "
				"HUSH_MAX_AGE_STANZAS (%u) stanzas",
				HUSH_MAX_AGE_STANZAS);
			goto done;
		}
		if ((error = parse_stanza(&st, d, len, &pos)) < 0)
			goto done;
		if ((error = hush_buf_put(&h->stanzas, &st, sizeof(st))) < 0)
			goto done;
		error = HUSH_EPARSE;
		h->n++;
	}
	h->mac_at = pos;
	if (!header_line(d, len, &pos, &line, &line_len)) {
		hush_err_set(error, "age: header: unexpected end of file in "
			"the MAC line");
		goto done;
	}
	/* exactly "---" SP mac: no other fields, no trailing space */
	if (line_len < 4 || line[3] != ' ' ||
	    memchr(line + 4, ' ', line_len - 4) != NULL ||
	    !b64_strict_decode(h->mac, sizeof(h->mac), &n, line + 4, line_len - 4,
		false) || n != MAC_BYTES) {
		hush_err_set(error, "age: header: malformed MAC line");
		goto done;
	}
	if (h->n == 0) {
		hush_err_set(error, "age: header: no recipient stanza");
		goto done;
	}
	h->end = pos;
	error = 0;
done:
	return error;
}

static bool stanza_is(const struct stanza *st, const char *type)
{
	return st->type_len == strlen(type) &&
		memcmp(st->type, type, st->type_len) == 0;
}

/*
 * Decode a 32-byte stanza body (always one short line). A wrong length is a
 * hard error checked before the AEAD, to avoid partitioning oracles.
 */
static int stanza_body32(unsigned char *out, const struct stanza *st,
	const char *what)
{
	size_t n;

	if (st->body_len != FILE_KEY_BYTES + SEAL_AEAD_TAG_BYTES ||
	    !b64_strict_decode(out, FILE_KEY_BYTES + SEAL_AEAD_TAG_BYTES, &n,
		st->line0, st->line0_len, false))
		return hush_err_set(HUSH_EPARSE, "age: %s stanza: wrapped "
			"file key is not 16 bytes", what);
	return 0;
}

/*
 * Try X25519 identity `key` (our public key `pub`) on stanza st. Returns 0
 * with file_key set, 1 when the stanza is not for us, or HUSH_EPARSE for a
 * malformed stanza, which aborts decryption (Go x25519.go).
 */
static int unwrap_x25519(unsigned char *file_key, const struct stanza *st,
	const unsigned char *key, const unsigned char *pub)
{
	static const unsigned char zero_nonce[SEAL_AEAD_NONCE_BYTES];
	unsigned char share[SEAL_X25519_BYTES], shared[SEAL_X25519_BYTES];
	unsigned char salt[2 * SEAL_X25519_BYTES], wrap[SEAL_AEAD_KEY_BYTES];
	unsigned char body[FILE_KEY_BYTES + SEAL_AEAD_TAG_BYTES];
	size_t n;
	int error = HUSH_EPARSE;

	if (!stanza_is(st, "X25519")) {
		error = 1;
		goto done;
	}
	if (st->nargs != 1) {
		hush_err_set(error, "age: X25519 stanza: %zu arguments, "
			"want 1", st->nargs);
		goto done;
	}
	if (!b64_strict_decode(share, sizeof(share), &n, st->arg[0], st->arg_len[0],
		false) || n != sizeof(share)) {
		hush_err_set(error, "age: X25519 stanza: the share is not "
			"canonical base64 of 32 bytes");
		goto done;
	}
	if ((error = stanza_body32(body, st, "X25519")) < 0)
		goto done;
	if (seal_x25519(shared, key, share) < 0) {
		error = hush_err_set(HUSH_EPARSE, "age: X25519 stanza: "
			"low-order share (all-zero shared secret)");
		goto done;
	}
	memcpy(salt, share, sizeof(share));
	memcpy(salt + sizeof(share), pub, SEAL_X25519_BYTES);
	if ((error = seal_hkdf_sha256(wrap, sizeof(wrap), shared,
		sizeof(shared), salt, sizeof(salt),
		(const unsigned char *)X25519_LABEL, strlen(X25519_LABEL))) < 0)
		goto done;
	error = seal_aead_open(file_key, body, sizeof(body), zero_nonce, wrap);
	if (error == HUSH_EAUTH)
		error = 1;
done:
	seal_wipe(shared, sizeof(shared));
	seal_wipe(wrap, sizeof(wrap));
	return error;
}

/* scrypt work factor: ^[1-9][0-9]*$ and at most SEAL_SCRYPT_MAX_LOG_N */
static int parse_log_n(unsigned *out, const char *s, size_t len)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || s[0] < '1' || s[0] > '9')
		return hush_err_set(HUSH_EPARSE, "age: scrypt stanza: work "
			"factor is not a decimal number");
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return hush_err_set(HUSH_EPARSE, "age: scrypt stanza: "
				"work factor is not a decimal number");
		if (v <= SEAL_SCRYPT_MAX_LOG_N)
			v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > SEAL_SCRYPT_MAX_LOG_N)
		return hush_err_set(HUSH_EPARSE, "age: scrypt stanza: work "
			"factor is above the limit of %u",
			SEAL_SCRYPT_MAX_LOG_N);
	*out = v;
	return 0;
}

/* Like unwrap_x25519, for the passphrase on the (sole) scrypt stanza. */
static int unwrap_scrypt(unsigned char *file_key, const struct header *h,
	const struct secret *pass)
{
	static const unsigned char zero_nonce[SEAL_AEAD_NONCE_BYTES];
	const struct stanza *st = (const struct stanza *)h->stanzas.ptr;
	unsigned char salt[sizeof(SCRYPT_LABEL) - 1 + SCRYPT_SALT_BYTES];
	unsigned char body[FILE_KEY_BYTES + SEAL_AEAD_TAG_BYTES];
	unsigned char wrap[SEAL_AEAD_KEY_BYTES];
	const size_t label = sizeof(SCRYPT_LABEL) - 1;
	unsigned log_n = 0;
	size_t n;
	int error = HUSH_EPARSE;

	if (h->n != 1 || !stanza_is(st, "scrypt")) {
		error = 1;
		goto done;
	}
	if (st->nargs != 2) {
		hush_err_set(error, "age: scrypt stanza: %zu arguments, "
			"want 2", st->nargs);
		goto done;
	}
	memcpy(salt, SCRYPT_LABEL, label);
	if (!b64_strict_decode(salt + label, SCRYPT_SALT_BYTES, &n, st->arg[0],
		st->arg_len[0], false) || n != SCRYPT_SALT_BYTES) {
		hush_err_set(error, "age: scrypt stanza: the salt is not "
			"canonical base64 of 16 bytes");
		goto done;
	}
	if ((error = parse_log_n(&log_n, st->arg[1], st->arg_len[1])) < 0)
		goto done;
	if ((error = stanza_body32(body, st, "scrypt")) < 0)
		goto done;
	if ((error = seal_scrypt(wrap, sizeof(wrap), pass->data, pass->len,
		salt, sizeof(salt), log_n)) < 0)
		goto done;
	error = seal_aead_open(file_key, body, sizeof(body), zero_nonce, wrap);
	if (error == HUSH_EAUTH)
		error = 1;
done:
	seal_wipe(wrap, sizeof(wrap));
	return error;
}

/* Find the file key: 0, or HUSH_ENOTFOUND, or a hard stanza error. */
static int unwrap_file_key(unsigned char *file_key, const struct header *h,
	const struct age_identities *ids)
{
	const struct stanza *st = (const struct stanza *)h->stanzas.ptr;
	unsigned char pub[SEAL_X25519_BYTES];
	const unsigned char *key;
	size_t i, j;
	int error = 1;

	for (i = 0; i < h->n; i++) {
		if (stanza_is(&st[i], "scrypt") && h->n != 1) {
			error = hush_err_set(HUSH_EPARSE, "age: an scrypt "
				"stanza must be the only one in the header");
			goto done;
		}
	}
	for (i = 0; i < ids->n && error == 1; i++) {
		key = ids->keys->data + i * SEAL_X25519_BYTES;
		if ((error = seal_x25519_base(pub, key)) < 0)
			goto done;
		error = 1;
		for (j = 0; j < h->n && error == 1; j++)
			if ((error = unwrap_x25519(file_key, &st[j], key,
				pub)) < 0)
				goto done;
	}
	if (error == 1 && ids->pass != NULL)
		if ((error = unwrap_scrypt(file_key, h, ids->pass)) < 0)
			goto done;
	if (error == 1)
		error = hush_err_set(HUSH_ENOTFOUND,
			"age: no identity matches any recipient");
done:
	return error;
}

/* ---- payload (STREAM; Go internal/stream/stream.go) ---- */

static void chunk_nonce(unsigned char *nonce, uint64_t counter, bool last)
{
	int i;

	memset(nonce, 0, SEAL_AEAD_NONCE_BYTES);
	for (i = 0; i < 8; i++)
		nonce[10 - i] = (unsigned char)(counter >> (8 * i));
	nonce[11] = last ? 1 : 0;
}

/*
 * Decrypt every chunk of d[0..len) into out. A full-size chunk that fails
 * as a middle chunk is retried as the final one (a plaintext of k * 64 KiB
 * ends with a full final chunk); a short chunk must be final; the final
 * chunk must end the input, and only a sole final chunk may be empty.
 */
static int stream_open(struct secret *out, const unsigned char *d,
	size_t len, const unsigned char *key)
{
	unsigned char nonce[SEAL_AEAD_NONCE_BYTES];
	size_t pos = 0, clen;
	uint64_t counter = 0;
	bool last;
	int error = HUSH_EAUTH;

	for (;;) {
		if (pos == len) {
			error = hush_err_set(HUSH_EAUTH, "age: payload: "
				"unexpected end of "
				"file (no final chunk)");
			goto done;
		}
		last = len - pos < CHUNK_CT_BYTES;
		clen = last ? len - pos : CHUNK_CT_BYTES;
		if (last && clen == SEAL_AEAD_TAG_BYTES && counter != 0) {
			error = hush_err_set(HUSH_EAUTH, "age: payload: "
				"final chunk %llu "
				"is empty", (unsigned long long)counter);
			goto done;
		}
		chunk_nonce(nonce, counter, last);
		error = seal_aead_open(out->data + out->len, d + pos, clen,
			nonce, key);
		if (error < 0 && !last) {
			last = true;
			chunk_nonce(nonce, counter, last);
			error = seal_aead_open(out->data + out->len, d + pos,
				clen, nonce, key);
		}
		if (error < 0) {
			error = hush_err_set(HUSH_EAUTH, "age: payload: chunk "
				"%llu failed to authenticate",
				(unsigned long long)counter);
			goto done;
		}
		out->len += clen - SEAL_AEAD_TAG_BYTES;
		pos += clen;
		counter++;
		if (last)
			break;
	}
	if (pos != len) {
		error = hush_err_set(HUSH_EAUTH, "age: payload: trailing data "
			"after the final chunk");
		goto done;
	}
	error = 0;
done:
	return error;
}

/* ---- decryption ---- */

static bool looks_armored(const unsigned char *data, size_t len)
{
	size_t i = 0;

	while (i < len && is_space(data[i]))
		i++;
	return len - i >= 10 && memcmp(data + i, "-----BEGIN", 10) == 0;
}

int age_decrypt(struct secret **out, enum age_result *result_out,
	const struct age_identities *ids, const unsigned char *data,
	size_t len, enum age_format format)
{
	struct hush_buf dearmored = HUSH_BUF_INIT(HUSH_MAX_AGE_FILE);
	unsigned char file_key[FILE_KEY_BYTES], hkey[SEAL_SHA256_BYTES];
	unsigned char mac[MAC_BYTES], pkey[SEAL_AEAD_KEY_BYTES];
	enum age_result result = AGE_OTHER_FAILURE;
	struct secret *plain = NULL;
	struct header h;
	const unsigned char *nonce;
	int error;

	*out = NULL;
	memset(&h, 0, sizeof(h));
	if ((error = seal_init()) < 0)
		goto done;
	if (ids == NULL || (ids->n == 0 && ids->pass == NULL)) {
		error = hush_err_set(HUSH_EUSAGE, "age: no identities given");
		goto done;
	}
	if (len > HUSH_MAX_AGE_FILE) {
		error = hush_err_set(HUSH_ELIMIT, "age: file is larger than "
			"HUSH_MAX_AGE_FILE (%u bytes)", HUSH_MAX_AGE_FILE);
		goto done;
	}
	if (format == AGE_FORMAT_ARMORED ||
	    (format == AGE_FORMAT_AUTO && looks_armored(data, len))) {
		result = AGE_ARMOR_FAILURE;
		if ((error = age_armor_decode(&dearmored, data, len)) < 0)
			goto done;
		data = (const unsigned char *)dearmored.ptr;
		len = dearmored.len;
	}

	result = AGE_HEADER_FAILURE;
	if ((error = parse_header(&h, data, len)) < 0)
		goto done;
	if ((error = unwrap_file_key(file_key, &h, ids)) < 0) {
		if (error == HUSH_ENOTFOUND)
			result = AGE_NO_MATCH;
		goto done;
	}

	/* the MAC covers the header as read, through "---" */
	result = AGE_OTHER_FAILURE;
	if ((error = seal_hkdf_sha256(hkey, sizeof(hkey), file_key,
		sizeof(file_key), NULL, 0, (const unsigned char *)"header",
		6)) < 0)
		goto done;
	if ((error = seal_hmac_sha256(mac, hkey, sizeof(hkey), data,
		h.mac_at + 3)) < 0)
		goto done;
	if (!seal_equal(mac, h.mac, sizeof(mac))) {
		result = AGE_HMAC_FAILURE;
		error = hush_err_set(HUSH_EAUTH, "age: header MAC mismatch");
		goto done;
	}

	if (len - h.end < PAYLOAD_NONCE_BYTES) {
		result = AGE_HEADER_FAILURE;
		error = hush_err_set(HUSH_EPARSE, "age: payload nonce missing "
			"or short");
		goto done;
	}
	nonce = data + h.end;
	if ((error = seal_hkdf_sha256(pkey, sizeof(pkey), file_key,
		sizeof(file_key), nonce, PAYLOAD_NONCE_BYTES,
		(const unsigned char *)"payload", 7)) < 0)
		goto done;
	if ((error = secret_new(&plain, len - h.end - PAYLOAD_NONCE_BYTES)) < 0)
		goto done;
	result = AGE_PAYLOAD_FAILURE;
	if ((error = stream_open(plain, nonce + PAYLOAD_NONCE_BYTES,
		len - h.end - PAYLOAD_NONCE_BYTES, pkey)) < 0)
		goto done;

	result = AGE_SUCCESS;
	*out = plain;
	plain = NULL;
done:
	seal_wipe(file_key, sizeof(file_key));
	seal_wipe(hkey, sizeof(hkey));
	seal_wipe(pkey, sizeof(pkey));
	secret_free(plain);
	if (error == HUSH_ENOMEM)
		result = AGE_OTHER_FAILURE;
	hush_buf_dispose(&h.stanzas);
	hush_buf_dispose(&dearmored);
	if (result_out != NULL)
		*result_out = result;
	return error;
}
