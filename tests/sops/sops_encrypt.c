/* SPDX-License-Identifier: MIT */
/*
 * sops_encrypt - test-only sops writer for round trips (spec B.2-B.8):
 *   sops_encrypt [options] FORMAT PLAINFILE RECIPIENT  > encrypted file
 *   sops_encrypt --render FORMAT PLAINFILE             > the plain tree as
 *                                                        sops_render writes it
 * FORMAT: yaml, json, dotenv, ini, binary. Options: --unencrypted-suffix S,
 * --encrypted-suffix S, --unencrypted-regex R, --encrypted-regex R,
 * --mac-only-encrypted, --groups N --threshold T (Shamir key groups, every
 * group to RECIPIENT). A fresh data key; ENC[AES256_GCM,...] values with a
 * 32-byte IV and the key-path AAD; the MAC over the values, encrypted with
 * lastmodified as AAD; the data key (or each share) encrypted to RECIPIENT
 * by the age CLI (`age -a -r`). The plaintext is read with the library's
 * own loaders: the file plus a metadata block that encrypts nothing.
 */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <yaml.h>

#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "payload.h"
#include "sops.h"

#define LASTMOD "2026-01-02T03:04:05Z"
#define MAX_GROUPS 16

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sops_encrypt: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(3);
}

/* ---- options and state ---- */

enum sel { UNENC_SUFFIX, ENC_SUFFIX, UNENC_REGEX, ENC_REGEX };
static const char *const sel_names[] = { "unencrypted_suffix",
	"encrypted_suffix", "unencrypted_regex", "encrypted_regex" };

static enum sel sel = UNENC_SUFFIX;
static const char *sel_value = "_unencrypted";
static bool sel_given;
static regex_t re;
static bool mac_only;
static unsigned char key[32];
static EVP_MD_CTX *mac;
static const char *comp[128];
static size_t ncomp;

struct rcpt {
	char *recipient;
	char *enc; /* armored age file */
};
static struct rcpt groups[MAX_GROUPS];
static size_t ngroups;     /* 0: top-level age list */
static unsigned threshold;

static bool comp_match(const char *k)
{
	size_t kl = strlen(k), sl = strlen(sel_value);

	if (sel == UNENC_SUFFIX || sel == ENC_SUFFIX)
		return kl >= sl && memcmp(k + kl - sl, sel_value, sl) == 0;
	return regexec(&re, k, 0, NULL, 0) == 0;
}

static bool should_encrypt(void)
{
	size_t i;
	bool any = false;

	for (i = 0; i < ncomp; i++)
		any = any || comp_match(comp[i]);
	return sel == UNENC_SUFFIX || sel == UNENC_REGEX ? !any : any;
}

/* ---- crypto ---- */

static char *b64(const unsigned char *p, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out == NULL)
		die("out of memory");
	EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	return out;
}

static char *path_aad(void)
{
	struct hush_buf b = HUSH_BUF_INIT(1 << 20);
	size_t i;

	if (hush_buf_put(&b, "", 0) < 0)
		die("out of memory");
	for (i = 0; i < ncomp; i++) {
		if (hush_buf_puts(&b, comp[i]) < 0 || hush_buf_putc(&b, ':') < 0)
			die("out of memory");
	}
	return hush_buf_detach(&b);
}

static char *enc_value(const unsigned char *pt, size_t len, const char *type,
	const char *aad)
{
	unsigned char iv[32], tag[16], *ct = malloc(len + 1);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	char *d, *i, *t, *out;
	int n = 0;
	size_t cap;

	if (ct == NULL || c == NULL || RAND_bytes(iv, sizeof(iv)) != 1)
		die("crypto setup");
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, sizeof(iv), NULL) != 1 ||
	    EVP_EncryptInit_ex(c, NULL, NULL, key, iv) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)aad,
		    (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(c, ct, &n, pt, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, ct + n, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
		die("AES-GCM");
	EVP_CIPHER_CTX_free(c);
	d = b64(ct, len);
	i = b64(iv, sizeof(iv));
	t = b64(tag, sizeof(tag));
	cap = strlen(d) + strlen(i) + strlen(t) + strlen(type) + 64;
	out = malloc(cap);
	if (out == NULL || snprintf(out, cap,
		"ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:%s]", d, i, t, type) < 0)
		die("out of memory");
	free(d);
	free(i);
	free(t);
	free(ct);
	return out;
}

static const char *type_of(enum sops_kind k)
{
	switch (k) {
	case SOPS_INT: return "int";
	case SOPS_FLOAT: return "float";
	case SOPS_BOOL: return "bool";
	case SOPS_TIME: return "time";
	case SOPS_COMMENT: return "comment";
	default: return "str";
	}
}

/*
 * A leaf as written in the encrypted file: ENC[...] (or "" for an empty
 * string), or NULL when it stays as it is. Hashes it for the MAC.
 */
static char *leaf_out(const struct sops_node *n)
{
	char *aad, *out = NULL;
	bool enc;

	if (n->kind == SOPS_NULL)
		return NULL;
	enc = should_encrypt();
	if (n->kind != SOPS_COMMENT && (!mac_only || enc))
		EVP_DigestUpdate(mac, n->value->data, n->value->len);
	if (!enc)
		return NULL;
	if (n->value->len == 0)
		return strdup("");
	aad = path_aad();
	out = enc_value(n->value->data, n->value->len, type_of(n->kind), aad);
	free(aad);
	return out;
}

static char *mac_enc(void)
{
	unsigned char d[64];
	char hex[129];
	unsigned int n = 0;
	size_t i;

	EVP_DigestFinal_ex(mac, d, &n);
	for (i = 0; i < 64; i++) {
		if (snprintf(hex + 2 * i, 3, "%02X", d[i]) < 0)
			die("snprintf");
	}
	return enc_value((const unsigned char *)hex, 128, "str", LASTMOD);
}

/* The age CLI encrypts p to recipient, armored. */
static char *age_encrypt(const unsigned char *p, size_t len,
	const char *recipient)
{
	char tmpl[] = "/tmp/sops_encrypt.XXXXXX", cmd[512];
	struct hush_buf out;
	FILE *f;
	int fd = mkstemp(tmpl);

	if (fd < 0)
		die("mkstemp");
	close(fd);
	if (snprintf(cmd, sizeof(cmd), "age -a -r '%s' -o '%s'", recipient,
		    tmpl) < 0 || (f = popen(cmd, "w")) == NULL)
		die("cannot run age");
	if (fwrite(p, 1, len, f) != len || pclose(f) != 0)
		die("age failed");
	if (hush_fs_read_all(&out, tmpl, 1 << 20, "age output") < 0)
		die("%s", hush_err_msg());
	unlink(tmpl);
	return hush_buf_detach(&out);
}

/* Shamir split over GF(2^8) (AES polynomial): share = y bytes || x. */
static unsigned char gmul(unsigned char a, unsigned char b)
{
	unsigned char r = 0;

	while (b) {
		if (b & 1)
			r ^= a;
		a = (unsigned char)((a << 1) ^ ((a & 0x80) ? 0x1B : 0));
		b >>= 1;
	}
	return r;
}

static void make_groups(const char *recipient)
{
	unsigned char coef[MAX_GROUPS], share[33], x;
	size_t g, b, c;

	if (ngroups == 0) {
		groups[0].recipient = strdup(recipient);
		groups[0].enc = age_encrypt(key, sizeof(key), recipient);
		return;
	}
	for (g = 0; g < ngroups; g++) {
		groups[g].recipient = strdup(recipient);
	}
	for (b = 0; b < sizeof(key); b++) {
		if (RAND_bytes(coef, (int)threshold) != 1)
			die("RAND_bytes");
		coef[0] = key[b];
		for (g = 0; g < ngroups; g++) {
			unsigned char y = 0, xp = 1;

			x = (unsigned char)(g * 37 + 11); /* distinct, non-zero */
			for (c = 0; c < threshold; c++) {
				y ^= gmul(coef[c], xp);
				xp = gmul(xp, x);
			}
			/* shares are kept in enc temporarily, raw */
			if (groups[g].enc == NULL &&
			    (groups[g].enc = calloc(1, 33)) == NULL)
				die("out of memory");
			groups[g].enc[b] = (char)y;
			groups[g].enc[32] = (char)x;
		}
	}
	for (g = 0; g < ngroups; g++) {
		memcpy(share, groups[g].enc, 33);
		free(groups[g].enc);
		groups[g].enc = age_encrypt(share, 33, recipient);
	}
}

/* ---- YAML ---- */

static yaml_emitter_t ye;

static void y_ev(yaml_event_t *ev, int made)
{
	if (!made || !yaml_emitter_emit(&ye, ev))
		die("YAML emitter: %s", ye.problem ? ye.problem : "failed");
}

static void y_str(const char *s, size_t len, const char *tag,
	yaml_scalar_style_t st)
{
	yaml_event_t ev;

	y_ev(&ev, yaml_scalar_event_initialize(&ev, NULL,
		(yaml_char_t *)(uintptr_t)tag, (yaml_char_t *)(uintptr_t)s,
		(int)len, tag == NULL, tag == NULL, st));
}

static void y_map(bool start)
{
	yaml_event_t ev;

	if (start)
		y_ev(&ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL,
			1, YAML_BLOCK_MAPPING_STYLE));
	else
		y_ev(&ev, yaml_mapping_end_event_initialize(&ev));
}

static void y_seq(bool start)
{
	yaml_event_t ev;

	if (start)
		y_ev(&ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL,
			1, YAML_BLOCK_SEQUENCE_STYLE));
	else
		y_ev(&ev, yaml_sequence_end_event_initialize(&ev));
}

static void y_kv(const char *k, const char *v)
{
	y_str(k, strlen(k), NULL, YAML_PLAIN_SCALAR_STYLE);
	y_str(v, strlen(v), NULL, strchr(v, '\n') ? YAML_LITERAL_SCALAR_STYLE :
		YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

static void y_node(const struct sops_node *n)
{
	const struct sops_node *c;
	char *e;
	const char *tag = NULL;

	if (n->kind == SOPS_MAP || n->kind == SOPS_LIST) {
		n->kind == SOPS_MAP ? y_map(true) : y_seq(true);
		for (c = n->child; c != NULL; c = c->next) {
			if (n->kind == SOPS_MAP) {
				y_str(c->key, c->key_len, NULL,
					YAML_DOUBLE_QUOTED_SCALAR_STYLE);
				comp[ncomp++] = c->key;
			}
			y_node(c);
			if (n->kind == SOPS_MAP)
				ncomp--;
		}
		n->kind == SOPS_MAP ? y_map(false) : y_seq(false);
		return;
	}
	e = leaf_out(n);
	if (e != NULL) {
		y_str(e, strlen(e), NULL, *e ? YAML_PLAIN_SCALAR_STYLE :
			YAML_DOUBLE_QUOTED_SCALAR_STYLE);
		free(e);
		return;
	}
	switch (n->kind) {
	case SOPS_NULL:
		y_str("null", 4, NULL, YAML_PLAIN_SCALAR_STYLE);
		return;
	case SOPS_INT: tag = "tag:yaml.org,2002:int"; break;
	case SOPS_FLOAT: tag = "tag:yaml.org,2002:float"; break;
	case SOPS_BOOL: tag = "tag:yaml.org,2002:bool"; break;
	case SOPS_TIME: tag = "tag:yaml.org,2002:timestamp"; break;
	default: break;
	}
	if (tag != NULL && n->kind == SOPS_TIME)
		tag = NULL; /* plain RFC 3339 resolves to a time */
	y_str((const char *)n->value->data, n->value->len, tag,
		n->kind == SOPS_STR || n->kind == SOPS_BYTES ?
			YAML_DOUBLE_QUOTED_SCALAR_STYLE :
			YAML_PLAIN_SCALAR_STYLE);
}

static int y_write(void *data, unsigned char *b, size_t n)
{
	(void)data;
	return fwrite(b, 1, n, stdout) == n;
}

static void y_rcpts(const struct rcpt *r)
{
	y_seq(true);
	y_map(true);
	y_kv("recipient", r->recipient);
	y_kv("enc", r->enc);
	y_map(false);
	y_seq(false);
}

static void emit_yaml(const struct sops_tree *t)
{
	yaml_event_t ev;
	const struct sops_node *d = sops_tree_doc(t, 0), *c;
	char *m, th[16];
	size_t g;

	if (!yaml_emitter_initialize(&ye))
		die("yaml");
	yaml_emitter_set_output(&ye, y_write, NULL);
	yaml_emitter_set_indent(&ye, 4);
	y_ev(&ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	y_ev(&ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	y_map(true);
	for (c = d->child; c != NULL; c = c->next) {
		y_str(c->key, c->key_len, NULL, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
		comp[ncomp++] = c->key;
		y_node(c);
		ncomp--;
	}
	m = mac_enc();
	y_str("sops", 4, NULL, YAML_PLAIN_SCALAR_STYLE);
	y_map(true);
	if (ngroups == 0) {
		y_str("age", 3, NULL, YAML_PLAIN_SCALAR_STYLE);
		y_rcpts(&groups[0]);
	} else {
		y_str("key_groups", 10, NULL, YAML_PLAIN_SCALAR_STYLE);
		y_seq(true);
		for (g = 0; g < ngroups; g++) {
			y_map(true);
			y_str("age", 3, NULL, YAML_PLAIN_SCALAR_STYLE);
			y_rcpts(&groups[g]);
			y_map(false);
		}
		y_seq(false);
		if (snprintf(th, sizeof(th), "%u", threshold) < 0)
			die("snprintf");
		y_str("shamir_threshold", 16, NULL, YAML_PLAIN_SCALAR_STYLE);
		y_str(th, strlen(th), NULL, YAML_PLAIN_SCALAR_STYLE);
	}
	y_kv("lastmodified", LASTMOD);
	y_kv("mac", m);
	if (sel_given)
		y_kv(sel_names[sel], sel_value);
	if (mac_only) {
		y_str("mac_only_encrypted", 18, NULL, YAML_PLAIN_SCALAR_STYLE);
		y_str("true", 4, NULL, YAML_PLAIN_SCALAR_STYLE);
	}
	y_kv("version", "3.9.0");
	y_map(false);
	y_map(false);
	y_ev(&ev, yaml_document_end_event_initialize(&ev, 1));
	y_ev(&ev, yaml_stream_end_event_initialize(&ev));
	yaml_emitter_delete(&ye);
	free(m);
}

/* ---- JSON and binary ---- */

static struct payload_writer *jw;

static void jok(int rc)
{
	if (rc < 0)
		die("JSON: %s", hush_err_msg());
}

static void j_str(const char *k, const char *v)
{
	jok(payload_writer_string(jw, k, k ? strlen(k) : 0,
		(const unsigned char *)v, strlen(v)));
}

static void j_node(const struct sops_node *n)
{
	const struct sops_node *c;
	char *e;

	if (n->kind == SOPS_MAP || n->kind == SOPS_LIST) {
		jok(payload_writer_open(jw, n->key, n->key_len,
			n->kind == SOPS_MAP));
		for (c = n->child; c != NULL; c = c->next) {
			if (n->kind == SOPS_MAP)
				comp[ncomp++] = c->key;
			j_node(c);
			if (n->kind == SOPS_MAP)
				ncomp--;
		}
		jok(payload_writer_close(jw));
		return;
	}
	e = leaf_out(n);
	if (e != NULL) {
		j_str(n->key, e);
		free(e);
	} else if (n->kind == SOPS_NULL) {
		jok(payload_writer_raw(jw, n->key, n->key_len, "null", 4));
	} else if (n->kind == SOPS_BOOL) {
		jok(payload_writer_raw(jw, n->key, n->key_len,
			n->value->len == 4 ? "true" : "false",
			n->value->len == 4 ? 4 : 5));
	} else if (n->kind == SOPS_INT || n->kind == SOPS_FLOAT) {
		jok(payload_writer_raw(jw, n->key, n->key_len,
			(const char *)n->value->data, n->value->len));
	} else {
		jok(payload_writer_string(jw, n->key, n->key_len,
			n->value->data, n->value->len));
	}
}

static void j_rcpts(const struct rcpt *r)
{
	jok(payload_writer_open(jw, "age", 3, false));
	jok(payload_writer_open(jw, NULL, 0, true));
	j_str("recipient", r->recipient);
	j_str("enc", r->enc);
	jok(payload_writer_close(jw));
	jok(payload_writer_close(jw));
}

static void emit_json(const struct sops_node *doc)
{
	const struct sops_node *c;
	struct secret *out = NULL;
	char *m, th[16];
	size_t g;

	jok(payload_writer_new(&jw, 1u << 30));
	jok(payload_writer_open(jw, NULL, 0, true));
	for (c = doc->child; c != NULL; c = c->next) {
		comp[ncomp++] = c->key;
		j_node(c);
		ncomp--;
	}
	m = mac_enc();
	jok(payload_writer_open(jw, "sops", 4, true));
	if (ngroups == 0) {
		j_rcpts(&groups[0]);
	} else {
		jok(payload_writer_open(jw, "key_groups", 10, false));
		for (g = 0; g < ngroups; g++) {
			jok(payload_writer_open(jw, NULL, 0, true));
			j_rcpts(&groups[g]);
			jok(payload_writer_close(jw));
		}
		jok(payload_writer_close(jw));
		if (snprintf(th, sizeof(th), "%u", threshold) < 0)
			die("snprintf");
		jok(payload_writer_raw(jw, "shamir_threshold", 16, th,
			strlen(th)));
	}
	j_str("lastmodified", LASTMOD);
	j_str("mac", m);
	if (sel_given)
		j_str(sel_names[sel], sel_value);
	if (mac_only)
		jok(payload_writer_raw(jw, "mac_only_encrypted", 18, "true", 4));
	j_str("version", "3.9.0");
	jok(payload_writer_close(jw));
	jok(payload_writer_close(jw));
	jok(payload_writer_finish(&out, jw));
	if (fwrite(out->data, 1, out->len, stdout) != out->len)
		die("write");
	secret_free(out);
	payload_writer_free(jw);
	free(m);
}

/* ---- dotenv and INI: flattened metadata ---- */

/* Print v with every newline written as the two characters \n. */
static void put_escaped(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (v[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(v[i]);
	}
}

static void flat_meta(const char *prefix, const char *sep)
{
	char *m = mac_enc();
	size_t g;

	if (ngroups == 0) {
		printf("%sage__list_0__map_recipient%s%s\n", prefix, sep,
			groups[0].recipient);
		printf("%sage__list_0__map_enc%s", prefix, sep);
		put_escaped(groups[0].enc, strlen(groups[0].enc));
		putchar('\n');
	}
	for (g = 0; g < ngroups; g++) {
		printf("%skey_groups__list_%zu__map_age__list_0__map_recipient"
			"%s%s\n", prefix, g, sep, groups[g].recipient);
		printf("%skey_groups__list_%zu__map_age__list_0__map_enc%s",
			prefix, g, sep);
		put_escaped(groups[g].enc, strlen(groups[g].enc));
		putchar('\n');
	}
	if (ngroups > 0)
		printf("%sshamir_threshold%s%u\n", prefix, sep, threshold);
	printf("%slastmodified%s%s\n", prefix, sep, LASTMOD);
	printf("%smac%s%s\n", prefix, sep, m);
	if (sel_given)
		printf("%s%s%s%s\n", prefix, sel_names[sel], sep, sel_value);
	if (mac_only)
		printf("%smac_only_encrypted%strue\n", prefix, sep);
	printf("%sversion%s3.9.0\n", prefix, sep);
	free(m);
}

static void emit_dotenv(const struct sops_node *doc)
{
	const struct sops_node *c;
	char *e;

	for (c = doc->child; c != NULL; c = c->next) {
		if (c->kind == SOPS_COMMENT) {
			e = leaf_out(c);
			printf("#%s\n", e != NULL ? e :
				(const char *)c->value->data);
			free(e);
			continue;
		}
		comp[ncomp++] = c->key;
		e = leaf_out(c);
		ncomp--;
		printf("%s=", c->key);
		if (e != NULL)
			fputs(e, stdout);
		else
			put_escaped((const char *)c->value->data,
				c->value->len);
		putchar('\n');
		free(e);
	}
	flat_meta("sops_", "=");
}

/* A comment item as ini.v1 writes it: "; text". */
static void ini_comment_line(const struct sops_node *c)
{
	char *e = leaf_out(c);

	printf("; %s\n", e != NULL ? e : (const char *)c->value->data);
	free(e);
}

/*
 * As ini.v1 writes what sops gives it: a section's first comment before
 * its header, a key's comment (the item after it) before the key.
 */
static void emit_ini(const struct sops_node *doc)
{
	const struct sops_node *s, *c, *first, *cm;
	char *e;

	for (s = doc->child; s != NULL; s = s->next) {
		comp[ncomp++] = s->key;
		first = s->child;
		if (first != NULL && first->kind == SOPS_COMMENT) {
			ini_comment_line(first);
			first = first->next;
		}
		printf("[%s]\n", s->key);
		for (c = first; c != NULL; c = c->next) {
			if (c->kind == SOPS_COMMENT)
				continue;
			for (cm = c->next; cm != NULL &&
			     cm->kind == SOPS_COMMENT; cm = cm->next)
				ini_comment_line(cm);
			comp[ncomp++] = c->key;
			e = leaf_out(c);
			ncomp--;
			printf("%s = %s\n", c->key, e != NULL ? e :
				(const char *)c->value->data);
			free(e);
		}
		ncomp--;
		putchar('\n');
	}
	puts("[sops]");
	flat_meta("", " = ");
}

/* ---- reading the plaintext with the library ---- */

static const char *const meta_block[] = {
	[SOPS_FORMAT_YAML] = "\nsops:\n    age:\n        - recipient: x\n"
		"          enc: x\n    lastmodified: \"" LASTMOD "\"\n"
		"    unencrypted_regex: \".\"\n",
	[SOPS_FORMAT_DOTENV] = "\nsops_age__list_0__map_recipient=x\n"
		"sops_age__list_0__map_enc=x\nsops_lastmodified=" LASTMOD "\n"
		"sops_unencrypted_regex=.\n",
	[SOPS_FORMAT_INI] = "\n[sops]\nage__list_0__map_recipient = x\n"
		"age__list_0__map_enc = x\nlastmodified = " LASTMOD "\n"
		"unencrypted_regex = .\n",
};
#define JSON_META "\"sops\": {\"age\": [{\"recipient\": \"x\", \"enc\": " \
	"\"x\"}], \"lastmodified\": \"" LASTMOD "\", \"unencrypted_regex\": \".\"}}"

static struct sops_tree *load_plain(enum sops_format fmt, const char *path)
{
	struct hush_buf in, b = HUSH_BUF_INIT(1u << 30);
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	unsigned char zero[32] = { 0 };
	size_t end;

	if (hush_fs_read_all(&in, path, 1u << 30, "input") < 0)
		die("%s", hush_err_msg());
	if (fmt == SOPS_FORMAT_BINARY) {
		if (hush_buf_puts(&b, "{\"data\": ") < 0)
			die("out of memory");
		/* the bytes as a JSON string: the library's writer escapes */
		{
			struct payload_writer *w;
			struct secret *s = NULL;

			jok(payload_writer_new(&w, 1u << 30));
			jok(payload_writer_string(w, NULL, 0,
				(const unsigned char *)in.ptr, in.len));
			jok(payload_writer_finish(&s, w));
			if (hush_buf_put(&b, s->data, s->len - 1) < 0)
				die("out of memory");
			secret_free(s);
			payload_writer_free(w);
		}
		if (hush_buf_puts(&b, ", " JSON_META) < 0)
			die("out of memory");
	} else if (fmt == SOPS_FORMAT_JSON) {
		end = in.len;
		while (end > 0 && in.ptr[end - 1] != '}')
			end--;
		if (end == 0)
			die("%s: not a JSON object", path);
		if (hush_buf_put(&b, in.ptr, end - 1) < 0)
			die("out of memory");
		while (b.len > 0 && strchr(" \t\r\n", b.ptr[b.len - 1]))
			b.len--;
		if (hush_buf_puts(&b, b.ptr[b.len - 1] == '{' ? "" : ",") < 0 ||
		    hush_buf_puts(&b, JSON_META) < 0)
			die("out of memory");
	} else {
		if (hush_buf_put(&b, in.ptr, in.len) < 0 ||
		    hush_buf_puts(&b, meta_block[fmt]) < 0)
			die("out of memory");
	}
	if (sops_load(&f, path, (const unsigned char *)b.ptr, b.len, fmt) < 0 ||
	    sops__decrypt_with_key(&t, f, zero, SOPS_IGNORE_MAC) < 0)
		die("%s", hush_err_msg());
	sops_file_free(f);
	hush_buf_dispose(&in);
	hush_buf_dispose(&b);
	return t;
}

int main(int argc, char **argv)
{
	static const char *const fmts[] = { "", "yaml", "json", "dotenv", "ini",
		"binary" };
	enum sops_format fmt = SOPS_FORMAT_AUTO;
	struct sops_tree *t;
	struct secret *r = NULL;
	bool render = false;
	int i = 1;
	size_t k;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--render") == 0) {
			render = true;
		} else if (strcmp(argv[i], "--mac-only-encrypted") == 0) {
			mac_only = true;
		} else if (i + 1 < argc && strcmp(argv[i], "--groups") == 0) {
			ngroups = strtoul(argv[++i], NULL, 10);
		} else if (i + 1 < argc && strcmp(argv[i], "--threshold") == 0) {
			threshold = (unsigned)strtoul(argv[++i], NULL, 10);
		} else {
			for (k = 0; k < 4; k++) {
				char opt[64];

				if (snprintf(opt, sizeof(opt), "--%s",
					    sel_names[k]) < 0)
					die("snprintf");
				for (char *p = opt; *p; p++)
					if (*p == '_')
						*p = '-';
				if (i + 1 < argc && strcmp(argv[i], opt) == 0)
					break;
			}
			if (k == 4)
				die("unknown option %s", argv[i]);
			sel = (enum sel)k;
			sel_value = argv[++i];
			sel_given = true;
		}
	}
	if (argc - i != (render ? 2 : 3))
		die("usage: sops_encrypt [options] FORMAT PLAINFILE RECIPIENT");
	for (k = 1; k < 6; k++) {
		if (strcmp(argv[i], fmts[k]) == 0)
			fmt = (enum sops_format)k;
	}
	if (fmt == SOPS_FORMAT_AUTO)
		die("unknown format %s", argv[i]);
	if (ngroups > MAX_GROUPS || (ngroups > 0 &&
		    (threshold < 2 || threshold > ngroups)))
		die("bad --groups / --threshold");
	if ((sel == UNENC_REGEX || sel == ENC_REGEX) &&
	    regcomp(&re, sel_value, REG_EXTENDED | REG_NOSUB) != 0)
		die("bad regex");
	t = load_plain(fmt, argv[i + 1]);
	if (render) {
		if (sops_render(&r, t) < 0)
			die("%s", hush_err_msg());
		if (fwrite(r->data, 1, r->len, stdout) != r->len)
			die("write");
		secret_free(r);
		sops_tree_free(t);
		return 0;
	}
	if (RAND_bytes(key, sizeof(key)) != 1 ||
	    (mac = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(mac, EVP_sha512(), NULL) != 1)
		die("crypto setup");
	if (mac_only) {
		unsigned char h[32];
		unsigned int n = 0;

		EVP_Digest("sops", 4, h, &n, EVP_sha256(), NULL);
		EVP_DigestUpdate(mac, h, sizeof(h));
	}
	make_groups(argv[i + 2]);
	switch (fmt) {
	case SOPS_FORMAT_YAML: emit_yaml(t); break;
	case SOPS_FORMAT_DOTENV: emit_dotenv(sops_tree_doc(t, 0)); break;
	case SOPS_FORMAT_INI: emit_ini(sops_tree_doc(t, 0)); break;
	default: emit_json(sops_tree_doc(t, 0)); break;
	}
	EVP_MD_CTX_free(mac);
	sops_tree_free(t);
	return fflush(stdout) == 0 ? 0 : 3;
}
