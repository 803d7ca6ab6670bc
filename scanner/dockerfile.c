/* SPDX-License-Identifier: MIT */
/*
 * dockerfile.c - a Dockerfile parser that follows BuildKit, and the checks of
 * hush context on its instructions. The parser mirrors
 * moby/buildkit frontend/dockerfile/parser (parser.go, line_parsers.go,
 * split_command.go, directives.go) and the parse-time errors of
 * frontend/dockerfile/instructions/parse.go; each quirk it keeps says so.
 * See: https://github.com/moby/buildkit/tree/master/frontend/dockerfile
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dockerfile.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "sensitive.h"

/*
 * BuildKit reads lines with a default bufio.Scanner: a line longer than
 * bufio.MaxScanTokenSize - 1 fails the parse. A compatibility constant, not
 * a hush limit.
 */
#define DF_MAX_LINE 65535u

/* ------------------------------------------------------------------ */
/* small helpers */

static int nomem(void)
{
	return hush_err_set(HUSH_ENOMEM, "out of memory");
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Room for element len of an array whose capacity is implied by its length
 * (8, then powers of two), so public structs need no capacity field.
 * @return the array, moved, or NULL when out of memory (v is then intact)
 */
static void *reserve(void *v, size_t len, size_t size)
{
	size_t n;

	if (len != 0 && (len < 8 || (len & (len - 1)) != 0))
		return v;
	n = len ? len * 2 : 8;
	if (n > SIZE_MAX / size)
		return NULL;
	return realloc(v, n * size);
}

/* Append a copy of s[0..n) to a string array. */
static int strv_add(char ***v, size_t *len, const char *s, size_t n)
{
	char **p = reserve(*v, *len, sizeof(**v));
	char *copy;

	if (!p)
		return nomem();
	*v = p;
	if ((copy = dup_n(s, n)) == NULL)
		return nomem();
	p[(*len)++] = copy;
	return 0;
}

static void strv_free(char **v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		free(v[i]);
	free(v);
}

/* Length of the UTF-8 sequence that starts with byte c (1 when invalid). */
static size_t rune_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * Length of the white-space rune at p, or 0: Go's unicode.IsSpace, which
 * BuildKit uses to trim and split (ASCII blanks, NEL, NBSP, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
 */
static size_t space_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = (size_t)(end - p);

	if (n == 0)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if ((u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) ||
		(u[0] == 0xe2 && u[1] == 0x80 &&
			(u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 ||
				u[2] == 0xaf)) ||
		(u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) ||
		(u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80))
		return 3;
	return 0;
}

/* Length of a white-space rune that ends at end, or 0. */
static size_t space_len_back(const char *s, const char *end)
{
	size_t k;

	for (k = 1; k <= 3 && (size_t)(end - s) >= k; k++)
		if (space_len(end - k, end) == k)
			return k;
	return 0;
}

static const char *trim_left(const char *s, const char *e)
{
	size_t k;

	while ((k = space_len(s, e)) > 0)
		s += k;
	return s;
}

static const char *trim_right(const char *s, const char *e)
{
	size_t k;

	while (e > s && (k = space_len_back(s, e)) > 0)
		e -= k;
	return e;
}

/* BuildKit's tokenWhitespace / reWhitespace: [\t\v\f\r ] */
static bool is_tok_space(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Go's unicode.IsSpace on one byte taken as a rune (split_command.go) */
static bool is_byte_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xa0;
}

/* RE2's \s: [\t\n\f\r ] */
static bool is_re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 32);
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

/* ------------------------------------------------------------------ */
/* the parser */

struct parser {
	const char *path;
	const char *data;
	size_t len, pos;
	unsigned lineno; /* physical lines read so far */
	struct dockerfile *df;
	bool dir_done, seen_escape, seen_syntax, seen_check;
	struct hush_buf logical; /* the instruction being joined */
	struct dockerfile_seg *segs;
	size_t nsegs;
	unsigned start_line;
	int stage;
};

static int perr(const struct parser *p, unsigned line, const char *fmt, ...)
	HUSH_PRINTF(3, 4);

/* Set "PATH:LINE: message" and return HUSH_EPARSE. */
static int perr(const struct parser *p, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	return hush_err_set(HUSH_EPARSE, "%s:%u: %s", p->path, line, msg);
}

/*
 * The next physical line, without its '\n' (a '\r' before it stays; callers
 * trim it where BuildKit does). *nl tells whether a '\n' ended it.
 * @return 1, 0 at the end, or an error
 */
static int next_line(struct parser *p, const char **s, size_t *n, bool *nl)
{
	const char *start = p->data + p->pos, *end;
	size_t left = p->len - p->pos;

	if (p->pos >= p->len)
		return 0;
	if (p->lineno >= HUSH_MAX_DOCKERFILE_LINES)
		return hush_err_set(HUSH_ELIMIT,
			"%s: more than HUSH_MAX_DOCKERFILE_LINES (%u) lines",
			p->path, HUSH_MAX_DOCKERFILE_LINES);
	end = memchr(start, '\n', left);
	*nl = end != NULL;
	if (!end)
		end = start + left;
	p->lineno++;
	p->pos += (size_t)(end - start) + (*nl ? 1 : 0);
	if ((size_t)(end - start) > DF_MAX_LINE)
		return perr(p, p->lineno,
			"dockerfile line greater than max allowed size of %u",
			DF_MAX_LINE);
	/* the first line loses a UTF-8 byte-order mark */
	if (p->lineno == 1 && end - start >= 3 &&
		memcmp(start, "\xef\xbb\xbf", 3) == 0)
		start += 3;
	*s = start;
	*n = (size_t)(end - start);
	return 1;
}

/* bytes.TrimRight(line, "\r\n") */
static size_t trim_newline(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n;
}

/* isComment: '#' after leading white space */
static bool is_comment(const char *s, size_t n)
{
	const char *t = trim_left(s, s + n);

	return t < s + n && *t == '#';
}

/*
 * Match directives.go's ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ on
 * s[0..n). On a match, key and value point into s.
 */
static bool directive_match(const char *s, size_t n, const char **key,
	size_t *key_len, const char **val, size_t *val_len)
{
	size_t i = 1, j, k;

	if (n == 0 || s[0] != '#')
		return false;
	while (i < n && is_re_space(s[i]))
		i++;
	if (i >= n || !is_alpha(s[i]))
		return false;
	*key = s + i;
	while (i < n && (is_alpha(s[i]) || is_digit(s[i])))
		i++;
	*key_len = (size_t)(s + i - *key);
	while (i < n && is_re_space(s[i]))
		i++;
	if (i >= n || s[i] != '=')
		return false;
	i++;
	if (i >= n)
		return false;
	j = n;
	while (j > i && is_re_space(s[j - 1]))
		j--;
	if (j == i) {
		/* only blanks: the lazy (.+?) takes the last one */
		*val = s + n - 1;
		*val_len = 1;
		return true;
	}
	k = i;
	while (k < j && is_re_space(s[k]))
		k++;
	*val = s + k;
	*val_len = j - k;
	return true;
}

/*
 * possibleParserDirective: directives come first; the first line that is not
 * one (an instruction, a blank line, another comment) ends them. A repeated
 * directive or a bad escape character is an error.
 */
static int parse_directive(struct parser *p, const char *s, size_t n)
{
	const char *key, *val;
	size_t key_len, val_len;
	bool *seen;
	char **store = NULL;

	if (p->dir_done)
		return 0;
	if (!directive_match(s, n, &key, &key_len, &val, &val_len)) {
		p->dir_done = true;
		return 0;
	}
	if (key_len == 6 && strncasecmp(key, "syntax", 6) == 0) {
		seen = &p->seen_syntax;
		store = &p->df->syntax;
	} else if (key_len == 6 && strncasecmp(key, "escape", 6) == 0) {
		seen = &p->seen_escape;
	} else if (key_len == 5 && strncasecmp(key, "check", 5) == 0) {
		seen = &p->seen_check;
		store = &p->df->check;
	} else {
		p->dir_done = true;
		return 0;
	}
	if (*seen)
		return perr(p, p->lineno,
			"only one %.*s parser directive can be used",
			(int)key_len, key);
	*seen = true;
	if (!store) {
		if (val_len != 1 || (val[0] != '\\' && val[0] != '`'))
			return perr(p, p->lineno,
				"invalid escape token '%.*s' does not match ` or \\",
				(int)(val_len > 64 ? 64 : val_len), val);
		p->df->escape = val[0];
		return 0;
	}
	if ((*store = dup_n(val, val_len)) == NULL)
		return nomem();
	return 0;
}

/*
 * trimContinuationCharacter: ([^E])E[ \t]*$|^E[ \t]*$ with E the escape
 * character. On a match the escape and the blanks after it go.
 * @return the new length, and *cont
 */
static size_t trim_continuation(const char *s, size_t n, char esc, bool *cont)
{
	size_t j = n;

	*cont = false;
	while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t'))
		j--;
	if (j == 0 || s[j - 1] != esc)
		return n;
	if (j >= 2 && s[j - 2] == esc)
		return n; /* an escaped escape: no continuation */
	*cont = true;
	return j - 1;
}

static int seg_add(struct parser *p, size_t off, unsigned line)
{
	struct dockerfile_seg *v = reserve(p->segs, p->nsegs, sizeof(*v));

	if (!v)
		return nomem();
	p->segs = v;
	v[p->nsegs].off = off;
	v[p->nsegs].line = line;
	p->nsegs++;
	return 0;
}

/* ---- words ---- */

/*
 * extractBuilderFlags: leading words that start with "--" are flags (quotes
 * removed, '\' escapes the next byte whatever the escape directive says);
 * a lone "--" ends them. @return where the arguments start
 */
static int extract_flags(struct dockerfile_instr *in, const char *s,
	const char *e, const char **args)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	struct hush_buf w = HUSH_BUF_INIT((size_t)(e - s) + 1);
	bool blank_ok = false;
	char quote = 0, ch;
	const char *pos;
	int error = 0;

	*args = e;
	for (pos = s; pos <= e; pos++) {
		ch = pos < e ? *pos : 0;
		if (phase == SPACES) {
			if (pos == e)
				break;
			if (is_byte_space((unsigned char)ch))
				continue;
			if (ch != '-' || pos + 1 == e || pos[1] != '-') {
				*args = pos;
				goto done;
			}
			phase = WORD;
		}
		if (pos == e) {
			if (!(w.len == 2 && memcmp(w.ptr, "--", 2) == 0) &&
				(blank_ok || w.len > 0))
				error = strv_add(&in->flags, &in->nflags,
					w.ptr ? w.ptr : "", w.len);
			break;
		}
		if (phase == WORD) {
			if (is_byte_space((unsigned char)ch)) {
				phase = SPACES;
				if (w.len == 2 && memcmp(w.ptr, "--", 2) == 0) {
					*args = pos;
					goto done;
				}
				if (blank_ok || w.len > 0) {
					error = strv_add(&in->flags, &in->nflags,
						w.ptr ? w.ptr : "", w.len);
					if (error < 0)
						goto done;
				}
				hush_buf_clear(&w);
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				phase = QUOTE;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == e)
					continue;
				ch = *++pos;
			}
		} else {
			if (ch == quote) {
				phase = WORD;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == e) {
					phase = WORD;
					continue;
				}
				ch = *++pos;
			}
		}
		if ((error = hush_buf_putc(&w, ch)) < 0)
			goto done;
	}
done:
	hush_buf_dispose(&w);
	return error;
}

/*
 * parseWords (line_parsers.go): split on white space outside quotes, keeping
 * quotes and escapes as written; the escape character escapes even a quote.
 */
static int parse_words(char ***out, size_t *count, const char *s,
	const char *e, char esc)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	struct hush_buf w = HUSH_BUF_INIT((size_t)(e - s) + 1);
	bool blank_ok = false;
	char quote = 0;
	const char *pos = s;
	int error = 0;

	for (;;) {
		size_t sp = pos < e ? space_len(pos, e) : 0;
		size_t rl = pos < e ? rune_len((unsigned char)*pos) : 0;

		if (rl > (size_t)(e - pos))
			rl = (size_t)(e - pos);
		if (phase == SPACES) {
			if (pos == e)
				break;
			if (sp) {
				pos += sp;
				continue;
			}
			phase = WORD;
		}
		if (pos == e) {
			if (blank_ok || w.len > 0)
				error = strv_add(out, count, w.ptr ? w.ptr : "",
					w.len);
			break;
		}
		if (phase == WORD) {
			if (sp) {
				phase = SPACES;
				if (blank_ok || w.len > 0) {
					error = strv_add(out, count,
						w.ptr ? w.ptr : "", w.len);
					if (error < 0)
						break;
				}
				hush_buf_clear(&w);
				blank_ok = false;
				pos += sp;
				continue;
			}
			if (*pos == '\'' || *pos == '"') {
				quote = *pos;
				blank_ok = true;
				phase = QUOTE;
			}
			if (*pos == esc) {
				if (pos + 1 == e) {
					pos++;
					continue;
				}
				if ((error = hush_buf_putc(&w, esc)) < 0)
					break;
				pos++;
				rl = rune_len((unsigned char)*pos);
				if (rl > (size_t)(e - pos))
					rl = (size_t)(e - pos);
			}
		} else {
			if (*pos == quote)
				phase = WORD;
			if (*pos == esc && quote != '\'') {
				if (pos + 1 == e) {
					phase = WORD;
					pos++;
					continue;
				}
				if ((error = hush_buf_putc(&w, esc)) < 0)
					break;
				pos++;
				rl = rune_len((unsigned char)*pos);
				if (rl > (size_t)(e - pos))
					rl = (size_t)(e - pos);
			}
		}
		if ((error = hush_buf_put(&w, pos, rl)) < 0)
			break;
		pos += rl;
	}
	hush_buf_dispose(&w);
	return error;
}

/* Split on runs of [\t\v\f\r ] (parseStringsWhitespaceDelimited). */
static int split_blanks(char ***out, size_t *count, const char *s,
	const char *e)
{
	const char *w;
	int error;

	while (s < e) {
		w = s;
		while (s < e && !is_tok_space(*s))
			s++;
		if ((error = strv_add(out, count, w, (size_t)(s - w))) < 0)
			return error;
		while (s < e && is_tok_space(*s))
			s++;
	}
	return 0;
}

/*
 * Remove shell quotes as BuildKit's word expansion does, without expanding
 * variables: '...' literal, "..." where esc escapes " $ and esc, esc outside
 * quotes escapes the next character. '$' is kept.
 */
static char *unquote(const char *s, size_t n, char esc)
{
	char *out = malloc(n + 1), *o = out;
	size_t i = 0;

	if (!out)
		return NULL;
	while (i < n) {
		char c = s[i];

		if (c == '\'') {
			for (i++; i < n && s[i] != '\''; i++)
				*o++ = s[i];
			i++;
		} else if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++) {
				if (s[i] == esc && i + 1 < n &&
					(s[i + 1] == '"' || s[i + 1] == '$' ||
						s[i + 1] == esc))
					i++;
				else if (s[i] == esc && i + 1 == n)
					continue;
				*o++ = s[i];
			}
			i++;
		} else if (c == esc) {
			if (i + 1 < n)
				*o++ = s[i + 1];
			i += 2;
		} else {
			*o++ = c;
			i++;
		}
	}
	*o = '\0';
	return out;
}

/* ---- JSON (exec) form ---- */

static const char *json_ws(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool json_hex4(const char *s, const char *e, unsigned *v)
{
	int i, h;

	if (e - s < 4)
		return false;
	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((h = hexval(s[i])) < 0)
			return false;
		*v = *v * 16 + (unsigned)h;
	}
	return true;
}

static int put_utf8(struct hush_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return hush_buf_put(b, u, n);
}

/*
 * A JSON string at *sp (on its opening quote) into b (when not NULL).
 * @return 1 parsed, 0 not valid JSON, <0 error. A \u0000 counts as not
 * valid: C strings cannot hold it (Go would accept it; such a Dockerfile
 * falls back to the shell form here).
 */
static int json_string(const char **sp, const char *e, struct hush_buf *b)
{
	const char *s = *sp + 1;
	unsigned cp, lo;
	int error;

	while (s < e && *s != '"') {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20)
			return 0;
		if (c != '\\') {
			if (b && (error = hush_buf_putc(b, (char)c)) < 0)
				return error;
			s++;
			continue;
		}
		if (++s >= e)
			return 0;
		switch (*s) {
		case '"':
		case '\\':
		case '/':
			cp = (unsigned char)*s;
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (!json_hex4(s + 1, e, &cp))
				return 0;
			s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && e - s >= 7 &&
				s[1] == '\\' && s[2] == 'u' &&
				json_hex4(s + 3, e, &lo) && lo >= 0xdc00 &&
				lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd; /* a lone surrogate, as Go does */
			}
			if (cp == 0)
				return 0;
			break;
		default:
			return 0;
		}
		if (b && (error = put_utf8(b, cp)) < 0)
			return error;
		s++;
	}
	if (s >= e)
		return 0;
	*sp = s + 1;
	return 1;
}

/*
 * Skip any JSON value. depth bounds the recursion: Go's decoder allows
 * 10000 levels; deeper than 512 counts as not JSON here (the shell form).
 */
static int json_skip(const char **sp, const char *e, unsigned depth)
{
	const char *s = json_ws(*sp, e);
	int r;

	if (s >= e || depth > 512)
		return 0;
	if (*s == '"') {
		if ((r = json_string(&s, e, NULL)) <= 0)
			return r;
	} else if (*s == '[' || *s == '{') {
		char close = *s == '[' ? ']' : '}';

		s = json_ws(s + 1, e);
		if (s < e && *s == close) {
			s++;
		} else {
			for (;;) {
				if (close == '}') {
					s = json_ws(s, e);
					if (s >= e || *s != '"')
						return 0;
					if ((r = json_string(&s, e, NULL)) <= 0)
						return r;
					s = json_ws(s, e);
					if (s >= e || *s++ != ':')
						return 0;
				}
				if ((r = json_skip(&s, e, depth + 1)) <= 0)
					return r;
				s = json_ws(s, e);
				if (s < e && *s == ',') {
					s++;
					continue;
				}
				if (s < e && *s == close) {
					s++;
					break;
				}
				return 0;
			}
		}
	} else if (e - s >= 4 && (memcmp(s, "true", 4) == 0 ||
		memcmp(s, "null", 4) == 0)) {
		s += 4;
	} else if (e - s >= 5 && memcmp(s, "false", 5) == 0) {
		s += 5;
	} else {
		if (s < e && *s == '-')
			s++;
		if (s >= e || !is_digit(*s))
			return 0;
		if (*s == '0')
			s++;
		else
			while (s < e && is_digit(*s))
				s++;
		if (s < e && *s == '.') {
			if (++s >= e || !is_digit(*s))
				return 0;
			while (s < e && is_digit(*s))
				s++;
		}
		if (s < e && (*s == 'e' || *s == 'E')) {
			s++;
			if (s < e && (*s == '+' || *s == '-'))
				s++;
			if (s >= e || !is_digit(*s))
				return 0;
			while (s < e && is_digit(*s))
				s++;
		}
	}
	*sp = s;
	return 1;
}

enum json_result { JSON_NOT = 0, JSON_STRINGS = 1, JSON_OTHER = 2 };

/*
 * parseJSON: a JSON array at the start of s (text after it is ignored, as
 * Go's json.Decoder reads one value). JSON_STRINGS appends the strings to
 * argv; JSON_OTHER is a valid array holding something else than strings (a
 * BuildKit error); JSON_NOT falls back to the shell form (argv untouched).
 * @return a json_result or <0
 */
static int json_array(char ***argv, size_t *argc, const char *s,
	const char *e)
{
	struct hush_buf b = HUSH_BUF_INIT((size_t)(e - s) + 1);
	char **v = NULL;
	size_t n = 0, i;
	bool other = false;
	int r = JSON_NOT;

	s = trim_left(s, e);
	if (s >= e || *s != '[')
		goto done;
	s = json_ws(s + 1, e);
	if (s < e && *s == ']') {
		r = JSON_STRINGS;
		goto done;
	}
	for (;;) {
		s = json_ws(s, e);
		if (s < e && *s == '"') {
			hush_buf_clear(&b);
			if ((r = json_string(&s, e, &b)) <= 0)
				goto done;
			r = strv_add(&v, &n, b.ptr ? b.ptr : "", b.len);
			if (r < 0)
				goto done;
		} else {
			if ((r = json_skip(&s, e, 1)) <= 0)
				goto done;
			other = true;
		}
		s = json_ws(s, e);
		if (s < e && *s == ',') {
			s++;
			continue;
		}
		if (s < e && *s == ']')
			break;
		r = JSON_NOT;
		goto done;
	}
	r = other ? JSON_OTHER : JSON_STRINGS;
	for (i = 0; r == JSON_STRINGS && i < n; i++)
		if ((r = strv_add(argv, argc, v[i], strlen(v[i]))) == 0)
			r = JSON_STRINGS;
done:
	hush_buf_dispose(&b);
	strv_free(v, n);
	return r;
}

/* ---- instructions ---- */

enum parse_mode {
	P_JSON_OR_LIST,   /* ADD COPY VOLUME: parseMaybeJSONToList */
	P_NAME_OR_VAL,    /* ARG: parseNameOrNameVal */
	P_JSON_OR_STRING, /* CMD ENTRYPOINT RUN SHELL: parseMaybeJSON */
	P_NAME_VAL,       /* ENV LABEL: parseNameVal */
	P_BLANKS,         /* EXPOSE FROM: parseStringsWhitespaceDelimited */
	P_HEALTH,         /* HEALTHCHECK: parseHealthConfig */
	P_STRING,         /* MAINTAINER STOPSIGNAL USER WORKDIR: parseString */
	P_SUB,            /* ONBUILD: parseSubCommand */
};

static const struct keyword {
	const char *name;
	enum parse_mode mode;
} keywords[] = {
	{ "add", P_JSON_OR_LIST },
	{ "arg", P_NAME_OR_VAL },
	{ "cmd", P_JSON_OR_STRING },
	{ "copy", P_JSON_OR_LIST },
	{ "entrypoint", P_JSON_OR_STRING },
	{ "env", P_NAME_VAL },
	{ "expose", P_BLANKS },
	{ "from", P_BLANKS },
	{ "healthcheck", P_HEALTH },
	{ "label", P_NAME_VAL },
	{ "maintainer", P_STRING },
	{ "onbuild", P_SUB },
	{ "run", P_JSON_OR_STRING },
	{ "shell", P_JSON_OR_STRING },
	{ "stopsignal", P_STRING },
	{ "user", P_STRING },
	{ "volume", P_JSON_OR_LIST },
	{ "workdir", P_STRING },
};

static const struct keyword *keyword_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(*keywords); i++)
		if (strlen(keywords[i].name) == n &&
			strncasecmp(keywords[i].name, s, n) == 0)
			return &keywords[i];
	return NULL;
}

static bool is_kw(const struct dockerfile_instr *in, const char *kw)
{
	return in && in->keyword && strcmp(in->keyword, kw) == 0;
}

static int kv_add(struct dockerfile_instr *in, const char *k, size_t kn,
	const char *v, size_t vn, bool has_value, char esc)
{
	struct dockerfile_kv *p = reserve(in->kv, in->nkv, sizeof(*p));

	if (!p)
		return nomem();
	in->kv = p;
	p[in->nkv].key = unquote(k, kn, esc);
	p[in->nkv].value = has_value ? unquote(v, vn, esc) : NULL;
	in->nkv++;
	if (!p[in->nkv - 1].key || (has_value && !p[in->nkv - 1].value))
		return nomem();
	return 0;
}

/* parseNameVal + parseKvps (ENV, LABEL) */
static int parse_name_val(struct parser *p, struct dockerfile_instr *in,
	const char *s, const char *e)
{
	char **words = NULL;
	size_t nwords = 0, i;
	int error;
	char esc = p->df->escape;

	if ((error = parse_words(&words, &nwords, s, e, esc)) < 0)
		goto done;
	if (nwords == 0) {
		error = perr(p, p->start_line, "%s requires at least one argument",
			in->keyword);
		goto done;
	}
	if (!strchr(words[0], '=')) {
		/* the legacy form: KEY value (everything after the first blanks) */
		const char *k = s, *v;

		while (s < e && !is_tok_space(*s))
			s++;
		v = s;
		while (v < e && is_tok_space(*v))
			v++;
		if (v == e) {
			error = perr(p, p->start_line, "%s must have two arguments",
				in->keyword);
			goto done;
		}
		error = kv_add(in, k, (size_t)(s - k), v, (size_t)(e - v), true,
			esc);
		goto done;
	}
	for (i = 0; i < nwords; i++) {
		const char *eq = strchr(words[i], '=');

		if (!eq) {
			error = perr(p, p->start_line,
				"Syntax error - can't find = in \"%s\". Must be of "
				"the form: name=value",
				words[i]);
			goto done;
		}
		if (eq == words[i]) {
			error = perr(p, p->start_line, "%s names can not be blank",
				in->keyword);
			goto done;
		}
		error = kv_add(in, words[i], (size_t)(eq - words[i]), eq + 1,
			strlen(eq + 1), true, esc);
		if (error < 0)
			goto done;
	}
done:
	strv_free(words, nwords);
	return error;
}

/* parseNameOrNameVal + parseArg */
static int parse_arg(struct parser *p, struct dockerfile_instr *in,
	const char *s, const char *e)
{
	char **words = NULL;
	size_t nwords = 0, i;
	int error;

	if ((error = parse_words(&words, &nwords, s, e, p->df->escape)) < 0)
		goto done;
	if (nwords == 0) {
		error = perr(p, p->start_line, "ARG requires at least one argument");
		goto done;
	}
	for (i = 0; i < nwords && error == 0; i++) {
		const char *eq = strchr(words[i], '=');
		size_t kn = eq ? (size_t)(eq - words[i]) : strlen(words[i]);

		error = kv_add(in, words[i], kn, eq ? eq + 1 : "",
			eq ? strlen(eq + 1) : 0, eq != NULL, p->df->escape);
	}
done:
	strv_free(words, nwords);
	return error;
}

/* parseMaybeJSON: JSON form, or the whole text as a shell command */
static int parse_maybe_json(struct parser *p, struct dockerfile_instr *in,
	const char *s, const char *e)
{
	int r;

	if (s == e)
		return 0;
	r = json_array(&in->argv, &in->argc, s, e);
	if (r < 0)
		return r;
	if (r == JSON_OTHER)
		return perr(p, p->start_line,
			"when using JSON array syntax, arrays must be comprised of "
			"strings only");
	if (r == JSON_STRINGS)
		in->form = DOCKERFILE_FORM_JSON;
	return 0;
}

static int build_instr(struct parser *p, struct dockerfile_instr *in,
	const char *text, size_t len, size_t base_off);

/* FROM: one argument, or three with AS; the stage name rule */
static int check_from(struct parser *p, struct dockerfile_instr *in)
{
	struct dockerfile_stage *st;
	char *name = NULL;
	size_t i;
	int error = 0;

	if (in->argc == 3 && strcasecmp(in->argv[1], "as") == 0) {
		if ((name = dup_n(in->argv[2], strlen(in->argv[2]))) == NULL)
			return nomem();
		lower(name);
		for (i = 0; name[i]; i++)
			if (!(name[i] >= 'a' && name[i] <= 'z') &&
				(i == 0 || !(is_digit(name[i]) || name[i] == '-' ||
						   name[i] == '_' || name[i] == '.')))
				break;
		if (name[i] || i == 0) {
			error = perr(p, p->start_line,
				"invalid name for build stage: \"%s\", name can't "
				"start with a number or contain symbols",
				in->argv[2]);
			goto done;
		}
	} else if (in->argc != 1) {
		error = perr(p, p->start_line,
			"FROM requires either one or three arguments");
		goto done;
	}
	st = reserve(p->df->stages, p->df->nstages, sizeof(*st));
	if (!st) {
		error = nomem();
		goto done;
	}
	p->df->stages = st;
	st += p->df->nstages;
	st->name = name;
	st->line = p->start_line;
	if ((st->base = dup_n(in->argv[0], strlen(in->argv[0]))) == NULL) {
		st->name = NULL;
		error = nomem();
		goto done;
	}
	name = NULL;
	p->stage = (int)p->df->nstages++;
done:
	free(name);
	return error;
}

/*
 * The parse-time errors of instructions/parse.go that do not depend on
 * variables: argument counts, HEALTHCHECK types, SHELL's JSON form, ONBUILD
 * triggers.
 */
static int check_args(struct parser *p, struct dockerfile_instr *in,
	const struct keyword *kw)
{
	const char *k = in->keyword;
	bool empty = in->args[0] == '\0';

	if (kw->mode == P_STRING && empty)
		return perr(p, p->start_line, "%s requires exactly one argument",
			k);
	if (((is_kw(in, "EXPOSE") || is_kw(in, "VOLUME") ||
		     is_kw(in, "ONBUILD")) && in->argc == 0 && empty) ||
		(is_kw(in, "HEALTHCHECK") && in->argc == 0))
		return perr(p, p->start_line, "%s requires at least one argument",
			k);
	if ((is_kw(in, "COPY") || is_kw(in, "ADD")) && in->argc < 2)
		return perr(p, p->start_line,
			"%s requires at least two arguments, but only one was "
			"provided. Destination could not be determined",
			k);
	if (is_kw(in, "SHELL") && in->form != DOCKERFILE_FORM_JSON)
		return perr(p, p->start_line,
			"SHELL requires the arguments to be in JSON form");
	if (is_kw(in, "HEALTHCHECK")) {
		const char *t = in->argv[0];

		if (strcasecmp(t, "NONE") == 0) {
			if (in->argc > 1 || in->args[4] != '\0')
				return perr(p, p->start_line,
					"HEALTHCHECK NONE takes no arguments");
		} else if (strcasecmp(t, "CMD") != 0) {
			return perr(p, p->start_line,
				"Unknown type \"%s\" in HEALTHCHECK (try CMD)", t);
		} else if (in->form != DOCKERFILE_FORM_JSON &&
			trim_left(in->args + 3, in->args + strlen(in->args)) ==
				in->args + strlen(in->args)) {
			return perr(p, p->start_line,
				"Missing command after HEALTHCHECK CMD");
		} else if (in->form == DOCKERFILE_FORM_JSON && in->argc == 1) {
			return perr(p, p->start_line,
				"Missing command after HEALTHCHECK CMD");
		}
	}
	if (is_kw(in, "ONBUILD")) {
		if (is_kw(in->sub, "ONBUILD"))
			return perr(p, p->start_line,
				"Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
		if (is_kw(in->sub, "MAINTAINER") || is_kw(in->sub, "FROM"))
			return perr(p, p->start_line,
				"%s isn't allowed as an ONBUILD trigger",
				in->sub->keyword);
	}
	return 0;
}

/*
 * newNodeFromLine + splitCommand + the line parser of the keyword. text is
 * the joined instruction (or an ONBUILD trigger), base_off where it starts
 * in the joined text.
 */
static int build_instr(struct parser *p, struct dockerfile_instr *in,
	const char *text, size_t len, size_t base_off)
{
	const char *s = trim_left(text, text + len);
	const char *e = trim_right(s, text + len);
	const char *cmd = s, *rest, *args, *ae;
	const struct keyword *kw;
	int error = 0;

	while (s < e && !is_tok_space(*s))
		s++;
	if ((in->keyword = dup_n(cmd, (size_t)(s - cmd))) == NULL)
		return nomem();
	upper(in->keyword);
	rest = s;
	while (rest < e && is_tok_space(*rest))
		rest++;
	args = e;
	if (rest < e && (error = extract_flags(in, rest, e, &args)) < 0)
		return error;
	args = trim_left(args, e);
	ae = trim_right(args, e);
	in->args_off = base_off + (size_t)(args - text);
	if ((in->args = dup_n(args, (size_t)(ae - args))) == NULL)
		return nomem();
	kw = keyword_find(cmd, (size_t)(s - cmd));
	if (!kw)
		return perr(p, p->start_line, "unknown instruction: %s",
			in->keyword);
	switch (kw->mode) {
	case P_JSON_OR_LIST:
		error = json_array(&in->argv, &in->argc, args, ae);
		if (error == JSON_OTHER)
			return perr(p, p->start_line,
				"when using JSON array syntax, arrays must be "
				"comprised of strings only");
		if (error == JSON_STRINGS)
			in->form = DOCKERFILE_FORM_JSON;
		else if (error == JSON_NOT)
			error = split_blanks(&in->argv, &in->argc, args, ae);
		break;
	case P_NAME_OR_VAL:
		error = parse_arg(p, in, args, ae);
		break;
	case P_JSON_OR_STRING:
		error = parse_maybe_json(p, in, args, ae);
		break;
	case P_NAME_VAL:
		error = parse_name_val(p, in, args, ae);
		break;
	case P_BLANKS:
		error = split_blanks(&in->argv, &in->argc, args, ae);
		break;
	case P_HEALTH: {
		const char *t = args;

		while (t < ae && !is_byte_space((unsigned char)*t))
			t++;
		if (t == args)
			break;
		if ((error = strv_add(&in->argv, &in->argc, args,
			     (size_t)(t - args))) < 0)
			break;
		t = trim_left(t, ae);
		error = parse_maybe_json(p, in, t, ae);
		break;
	}
	case P_STRING:
		break;
	case P_SUB:
		if (args == ae)
			break;
		if ((in->sub = calloc(1, sizeof(*in->sub))) == NULL)
			return nomem();
		in->sub->start_line = in->start_line;
		in->sub->end_line = in->end_line;
		in->sub->stage = in->stage;
		error = build_instr(p, in->sub, args, (size_t)(ae - args),
			in->args_off);
		break;
	}
	if (error < 0)
		return error;
	return check_args(p, in, kw);
}

/* ---- heredocs ---- */

struct heredoc_spec {
	char *name;
	unsigned fd;
	bool chomp, expand;
};

static void specs_free(struct heredoc_spec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/*
 * The heredoc word rest (after <<), processed as the shell lexer does:
 * quotes removed (kept when keep_quotes), '\' escapes. @return NULL when it
 * is not a single word, or out of memory (*error says which)
 */
static char *heredoc_name(const char *s, size_t n, bool keep_quotes,
	int *error)
{
	struct hush_buf b = HUSH_BUF_INIT(n + 1);
	size_t i = 0;
	char *name = NULL;

	*error = 0;
	while (i < n) {
		char c = s[i];

		if (c == '\'' || c == '"') {
			if (keep_quotes)
				*error = hush_buf_putc(&b, c);
			for (i++; i < n && s[i] != c && *error == 0; i++) {
				if (c == '"' && s[i] == '\\' && i + 1 < n &&
					strchr("\"$\\", s[i + 1]))
					i++;
				*error = hush_buf_putc(&b, s[i]);
			}
			if (i >= n)
				goto done; /* unterminated: the lexer fails */
			if (keep_quotes && *error == 0)
				*error = hush_buf_putc(&b, c);
			i++;
		} else if (c == '\\') {
			if (i + 1 < n)
				*error = hush_buf_putc(&b, s[i + 1]);
			i += 2;
		} else {
			*error = hush_buf_putc(&b, c);
			i++;
		}
		if (*error < 0)
			goto done;
	}
	/* an empty word is no word: `<<""` is not a heredoc */
	if (b.len > 0 && (name = hush_buf_detach(&b)) == NULL)
		*error = nomem();
done:
	hush_buf_dispose(&b);
	return name;
}

static size_t count_quotes(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (*s == '\'' || *s == '"')
			n++;
	return n;
}

/*
 * ParseHeredoc on one raw word: ^(\d*)<<(-?)([^<]*)$. @return 1 and *spec,
 * 0 when the word is not a heredoc, or <0
 */
static int heredoc_word(struct heredoc_spec *spec, const char *w, size_t n)
{
	size_t i = 0, j;
	unsigned long fd = 0;
	char *raw;
	int error;

	while (i < n && is_digit(w[i])) {
		fd = fd * 10 + (unsigned long)(w[i] - '0');
		if (fd > 0xffffffffUL)
			fd = 0xffffffffUL + 1UL;
		i++;
	}
	if (n - i < 2 || w[i] != '<' || w[i + 1] != '<')
		return 0;
	i += 2;
	spec->chomp = i < n && w[i] == '-';
	if (spec->chomp)
		i++;
	for (j = i; j < n; j++)
		if (w[j] == '<')
			return 0;
	if (i == n)
		return 0;
	spec->name = heredoc_name(w + i, n - i, false, &error);
	if (!spec->name)
		return error;
	raw = heredoc_name(w + i, n - i, true, &error);
	if (!raw) {
		free(spec->name);
		spec->name = NULL;
		return error < 0 ? error : 0;
	}
	spec->expand = count_quotes(spec->name) == count_quotes(raw);
	free(raw);
	/* strconv.ParseUint fails past the range; BuildKit then keeps 0 */
	spec->fd = fd > 0xffffffffUL ? 0 : (unsigned)fd;
	return 1;
}

/*
 * heredocsFromLine: the shell lexer's raw words of the whole line (quotes
 * and escapes kept, '\' as escape whatever the directive says). An
 * unterminated quote or ${ makes the lexer fail: no heredocs then.
 */
static int find_heredocs(struct heredoc_spec **out, size_t *count,
	const char *s, size_t n)
{
	const char *e = s + n, *w = NULL;
	int error = 0, r;

	while (s <= e) {
		size_t sp = s < e ? space_len(s, e) : 0;

		if (s == e || sp) {
			if (w) {
				struct heredoc_spec spec = { NULL, 0, false, false };
				struct heredoc_spec *v;

				r = heredoc_word(&spec, w, (size_t)(s - w));
				if (r < 0)
					return r;
				if (r == 1) {
					v = reserve(*out, *count, sizeof(*v));
					if (!v) {
						free(spec.name);
						return nomem();
					}
					*out = v;
					v[(*count)++] = spec;
				}
				w = NULL;
			}
			if (s == e)
				break;
			s += sp;
			continue;
		}
		if (!w)
			w = s;
		if (*s == '\'' || *s == '"') {
			const char *q = s + 1;

			while (q < e && *q != *s) {
				if (*s == '"' && *q == '\\' && q + 1 < e)
					q++;
				q++;
			}
			if (q >= e)
				goto none;
			s = q + 1;
		} else if (*s == '\\') {
			s += s + 1 < e ? 2 : 1;
		} else if (*s == '$' && s + 1 < e && s[1] == '{') {
			const char *q = memchr(s, '}', (size_t)(e - s));

			if (!q)
				goto none;
			s = q + 1;
		} else {
			s++;
		}
	}
	return error;
none:
	specs_free(*out, *count);
	*out = NULL;
	*count = 0;
	return 0;
}

/* canContainHeredoc: RUN, COPY, ADD (also as ONBUILD triggers), shell form */
static bool can_have_heredoc(const struct dockerfile_instr *in)
{
	if (is_kw(in, "ONBUILD") && in->sub)
		in = in->sub;
	return (is_kw(in, "RUN") || is_kw(in, "COPY") || is_kw(in, "ADD")) &&
	       in->form != DOCKERFILE_FORM_JSON;
}

/* strings.Contains(line, "<<") */
static bool has_heredoc_mark(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '<' && s[i + 1] == '<')
			return true;
	return false;
}

/* Read the bodies of the heredocs the line opened. */
static int read_heredocs(struct parser *p, struct dockerfile_instr *in,
	const char *line, size_t n)
{
	struct heredoc_spec *specs = NULL;
	size_t nspecs = 0, i;
	int error;

	if (!can_have_heredoc(in) || !has_heredoc_mark(line, n))
		return 0;
	if ((error = find_heredocs(&specs, &nspecs, line, n)) < 0)
		goto done;
	for (i = 0; i < nspecs; i++) {
		struct hush_buf body = HUSH_BUF_INIT(HUSH_MAX_HEREDOC);
		struct dockerfile_heredoc *hd;
		const char *s;
		size_t len, t;
		bool nl, terminated = false;
		unsigned first = p->lineno + 1;
		size_t name_len = strlen(specs[i].name);

		while ((error = next_line(p, &s, &len, &nl)) == 1) {
			const char *c = s;

			t = trim_newline(s, len);
			if (specs[i].chomp)
				while (t > 0 && *c == '\t') {
					c++;
					t--;
				}
			if (t == name_len && memcmp(c, specs[i].name, t) == 0) {
				terminated = true;
				break;
			}
			error = hush_buf_put(&body, s, len);
			if (error == 0 && nl)
				error = hush_buf_putc(&body, '\n');
			if (error == HUSH_ELIMIT)
				error = hush_err_set(HUSH_ELIMIT,
					"%s:%u: heredoc larger than HUSH_MAX_HEREDOC "
					"(%u bytes)",
					p->path, p->start_line, HUSH_MAX_HEREDOC);
			if (error < 0)
				break;
		}
		if (error == 0 && !terminated)
			error = perr(p, p->start_line, "unterminated heredoc");
		if (error < 0) {
			hush_buf_dispose(&body);
			goto done;
		}
		hd = reserve(in->heredocs, in->nheredocs, sizeof(*hd));
		if (!hd) {
			hush_buf_dispose(&body);
			error = nomem();
			goto done;
		}
		in->heredocs = hd;
		hd += in->nheredocs++;
		hd->body_len = body.len;
		hd->body = hush_buf_detach(&body);
		hd->name = specs[i].name;
		specs[i].name = NULL;
		hd->line = first;
		hd->fd = specs[i].fd;
		hd->chomp = specs[i].chomp;
		hd->expand = specs[i].expand;
		if (!hd->body) {
			error = nomem();
			goto done;
		}
	}
	error = 0;
done:
	specs_free(specs, nspecs);
	return error;
}

/* ---- the whole file ---- */

static void instr_dispose(struct dockerfile_instr *in)
{
	size_t i;

	if (!in)
		return;
	free(in->keyword);
	strv_free(in->flags, in->nflags);
	free(in->args);
	strv_free(in->argv, in->argc);
	for (i = 0; i < in->nkv; i++) {
		free(in->kv[i].key);
		free(in->kv[i].value);
	}
	free(in->kv);
	for (i = 0; i < in->nheredocs; i++) {
		free(in->heredocs[i].name);
		free(in->heredocs[i].body);
	}
	free(in->heredocs);
	if (in->sub) {
		instr_dispose(in->sub);
		free(in->sub);
	}
	free(in->segs);
}

void dockerfile_free(struct dockerfile *df)
{
	size_t i;

	if (!df)
		return;
	for (i = 0; i < df->len; i++)
		instr_dispose(&df->v[i]);
	free(df->v);
	for (i = 0; i < df->nstages; i++) {
		free(df->stages[i].name);
		free(df->stages[i].base);
	}
	free(df->stages);
	free(df->path);
	free(df->syntax);
	free(df->check);
	free(df);
}

static int copy_segs(struct parser *p, struct dockerfile_instr *in)
{
	size_t n = p->nsegs * sizeof(*p->segs);

	if ((in->segs = malloc(n)) == NULL)
		return nomem();
	memcpy(in->segs, p->segs, n);
	in->nsegs = p->nsegs;
	if (in->sub)
		return copy_segs(p, in->sub);
	return 0;
}

/* One joined instruction: build it, place it in a stage, read heredocs. */
static int add_instr(struct parser *p)
{
	struct dockerfile_instr *v, *in;
	const char *line = p->logical.ptr ? p->logical.ptr : "";
	int error;

	v = reserve(p->df->v, p->df->len, sizeof(*v));
	if (!v)
		return nomem();
	p->df->v = v;
	in = &v[p->df->len++];
	memset(in, 0, sizeof(*in));
	in->start_line = in->end_line = p->start_line;
	in->stage = p->stage;
	if ((error = build_instr(p, in, line, p->logical.len, 0)) < 0)
		return error;
	if (is_kw(in, "FROM")) {
		if ((error = check_from(p, in)) < 0)
			return error;
		in->stage = p->stage;
	} else if (p->stage < 0 && !is_kw(in, "ARG")) {
		return perr(p, p->start_line, "no build stage in current context");
	}
	if ((error = copy_segs(p, in)) < 0)
		return error;
	if ((error = read_heredocs(p, in, line, p->logical.len)) < 0)
		return error;
	in->end_line = p->lineno;
	if (in->sub)
		in->sub->end_line = in->end_line;
	return 0;
}

/*
 * ParseLintOptions on the # check= value: "skip=A,B;error=true". The value
 * comes from ParseDirective, which skips a BOM and a #! first line.
 */
static int parse_check(struct parser *p)
{
	const char *s = p->data, *e = p->data + p->len, *nl;
	const char *key, *val = NULL, *vs, *ve;
	size_t key_len, val_len = 0, parts = 0;
	bool seen = false;
	unsigned line = 0, check_line = 0;

	if (e - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if (e - s >= 2 && memcmp(s, "#!", 2) == 0) {
		nl = memchr(s, '\n', (size_t)(e - s));
		s = nl ? nl + 1 : e;
		line++;
	}
	while (s < e) {
		const char *k2, *v2;
		size_t kl, vl, n;

		nl = memchr(s, '\n', (size_t)(e - s));
		n = (size_t)((nl ? nl : e) - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		line++;
		if (!directive_match(s, n, &k2, &kl, &v2, &vl))
			break;
		if (kl == 5 && strncasecmp(k2, "check", 5) == 0) {
			if (seen)
				break;
			seen = true;
			val = v2;
			val_len = vl;
			check_line = line;
		} else if (!((kl == 6 && strncasecmp(k2, "syntax", 6) == 0) ||
				   (kl == 6 && strncasecmp(k2, "escape", 6) == 0))) {
			break;
		}
		s = nl ? nl + 1 : e;
	}
	if (!val)
		return 0;
	vs = trim_left(val, val + val_len);
	ve = trim_right(vs, val + val_len);
	if (vs == ve)
		return 0;
	for (;;) {
		/* strings.SplitN(v, ";", 3): the third part keeps its ';' */
		const char *pe = ++parts < 3 ?
			memchr(vs, ';', (size_t)(ve - vs)) : NULL;
		const char *eq, *v, *vend;

		if (!pe)
			pe = ve;
		eq = memchr(vs, '=', (size_t)(pe - vs));
		if (!eq)
			return perr(p, check_line,
				"failed to parse check options: invalid check option "
				"\"%.*s\"",
				(int)(pe - vs), vs);
		key = trim_left(vs, eq);
		key_len = (size_t)(trim_right(key, eq) - key);
		v = trim_left(eq + 1, pe);
		vend = trim_right(v, pe);
		if (key_len == 4 && memcmp(key, "skip", 4) == 0) {
			const char *it = v;

			if (vend - v == 3 && memcmp(v, "all", 3) == 0)
				p->df->skip_secrets_check = true;
			while (it < vend) {
				const char *c = memchr(it, ',', (size_t)(vend - it));
				const char *rs, *re;

				if (!c)
					c = vend;
				rs = trim_left(it, c);
				re = trim_right(rs, c);
				if (re - rs == 21 &&
					memcmp(rs, "SecretsUsedInArgOrEnv", 21) == 0)
					p->df->skip_secrets_check = true;
				it = c < vend ? c + 1 : vend;
			}
		} else if (key_len == 5 && memcmp(key, "error", 5) == 0) {
			static const char *const bools[] = { "1", "t", "T", "TRUE",
				"true", "True", "0", "f", "F", "FALSE", "false",
				"False" };
			size_t i, bl = (size_t)(vend - v);

			for (i = 0; i < sizeof(bools) / sizeof(*bools); i++)
				if (strlen(bools[i]) == bl &&
					memcmp(bools[i], v, bl) == 0)
					break;
			if (i == sizeof(bools) / sizeof(*bools))
				return perr(p, check_line,
					"failed to parse check options: failed to "
					"parse check option \"%.*s\": invalid syntax",
					(int)(pe - vs), vs);
		} else if (!(key_len == 12 &&
				     memcmp(key, "experimental", 12) == 0)) {
			return perr(p, check_line,
				"failed to parse check options: invalid check option "
				"\"%.*s\"",
				(int)key_len, key);
		}
		if (pe == ve)
			break;
		vs = pe + 1;
	}
	return 0;
}

int dockerfile_parse(struct dockerfile **out, const char *path,
	const unsigned char *data, size_t len)
{
	struct parser p;
	const char *s;
	size_t n;
	bool nl, cont;
	int error, r;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.data = (const char *)data;
	p.len = len;
	p.stage = -1;
	hush_buf_init(&p.logical, HUSH_MAX_DOCKERFILE);
	if (len > HUSH_MAX_DOCKERFILE) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: larger than HUSH_MAX_DOCKERFILE (%u bytes)", path,
			HUSH_MAX_DOCKERFILE);
		goto done;
	}
	if ((p.df = calloc(1, sizeof(*p.df))) == NULL ||
		(p.df->path = dup_n(path, strlen(path))) == NULL) {
		error = nomem();
		goto done;
	}
	p.df->escape = '\\';
	if (len == 0) {
		error = perr(&p, 1, "the Dockerfile cannot be empty");
		goto done;
	}
	if (memchr(data, '\0', len)) {
		const char *z = memchr(data, '\0', len);
		unsigned line = 1;

		for (s = p.data; s < z; s++)
			line += *s == '\n';
		error = perr(&p, line, "NUL byte in the Dockerfile");
		goto done;
	}
	if ((error = parse_check(&p)) < 0)
		goto done;
	while ((r = next_line(&p, &s, &n, &nl)) == 1) {
		const char *t;

		n = trim_newline(s, n);
		t = trim_left(s, s + n);
		n -= (size_t)(t - s);
		s = t;
		if ((error = parse_directive(&p, s, n)) < 0)
			goto done;
		if (is_comment(s, n))
			n = 0;
		p.start_line = p.lineno;
		n = trim_continuation(s, n, p.df->escape, &cont);
		if (!cont && n == 0)
			continue;
		hush_buf_clear(&p.logical);
		p.nsegs = 0;
		if ((error = seg_add(&p, 0, p.lineno)) < 0 ||
			(error = hush_buf_put(&p.logical, s, n)) < 0)
			goto done;
		while (cont && (r = next_line(&p, &s, &n, &nl)) == 1) {
			if (is_comment(s, n))
				continue;
			n = trim_newline(s, n);
			if (trim_left(s, s + n) == s + n)
				continue; /* an empty continuation line */
			n = trim_continuation(s, n, p.df->escape, &cont);
			if ((error = seg_add(&p, p.logical.len, p.lineno)) < 0 ||
				(error = hush_buf_put(&p.logical, s, n)) < 0)
				goto done;
		}
		if (r < 0) {
			error = r;
			goto done;
		}
		if ((error = add_instr(&p)) < 0)
			goto done;
	}
	if (r < 0) {
		error = r;
		goto done;
	}
	if (p.df->len == 0) {
		error = perr(&p, p.lineno ? p.lineno : 1,
			"file with no instructions");
		goto done;
	}
	if (p.df->nstages == 0) {
		error = perr(&p, p.df->v[0].start_line,
			"dockerfile contains no stages to build");
		goto done;
	}
	*out = p.df;
	p.df = NULL;
	error = 0;
done:
	hush_buf_dispose(&p.logical);
	free(p.segs);
	dockerfile_free(p.df);
	return error;
}

int dockerfile_load(struct dockerfile **out, const char *path)
{
	struct hush_buf b;
	int error;

	*out = NULL;
	error = hush_fs_read_all(&b, path, HUSH_MAX_DOCKERFILE,
		"HUSH_MAX_DOCKERFILE");
	if (error == 0)
		error = dockerfile_parse(out, path,
			(const unsigned char *)(b.ptr ? b.ptr : ""), b.len);
	hush_buf_dispose(&b);
	return error;
}

unsigned dockerfile_line_at(const struct dockerfile_instr *in, size_t off)
{
	size_t lo = 0, hi = in->nsegs, at = in->args_off + off;

	/* the last segment that starts at or before at */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->segs[mid].off <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? in->segs[lo - 1].line : in->start_line;
}

/* ------------------------------------------------------------------ */
/* checks */

enum check_index {
	C_SECRET_ARG_ENV,
	C_COPY_SENSITIVE,
	C_COPY_CONTEXT,
	C_ADD_URL,
	C_URL_CREDENTIALS,
	C_RUN_CREDENTIAL,
	C_BUILD_ARG_CREDENTIAL,
	C_COUNT
};

const struct dockerfile_check_info dockerfile_checks[] = {
	[C_SECRET_ARG_ENV] = { "dockerfile.secret_arg_env",
		"ARG or ENV name looks secret", RULE_SEV_MEDIUM,
		"BuildKit's SecretsUsedInArgOrEnv: ARG and ENV values are kept "
		"in the image history and config" },
	[C_COPY_SENSITIVE] = { "dockerfile.copy_sensitive",
		"COPY or ADD of a sensitive file", RULE_SEV_HIGH,
		"a .env file, private key or credential store copied from the "
		"build context into an image layer" },
	[C_COPY_CONTEXT] = { "dockerfile.copy_context",
		"COPY or ADD of the whole build context", RULE_SEV_LOW,
		"everything .dockerignore lets through ends up in the image" },
	[C_ADD_URL] = { "dockerfile.add_url", "ADD from a URL without checksum",
		RULE_SEV_LOW,
		"ADD downloads at build time; pin the content with --checksum" },
	[C_URL_CREDENTIALS] = { "dockerfile.url_credentials",
		"credentials in a URL", RULE_SEV_HIGH,
		"user:password@ or a token in a URL of ADD or RUN is kept in the "
		"image history" },
	[C_RUN_CREDENTIAL] = { "dockerfile.run_credential",
		"literal credential in RUN", RULE_SEV_HIGH,
		"a password or token passed on a RUN command line is kept in the "
		"image history; use RUN --mount=type=secret" },
	[C_BUILD_ARG_CREDENTIAL] = { "dockerfile.build_arg_credential",
		"build arg used as a credential", RULE_SEV_HIGH,
		"build arg values are kept in the image history; use RUN "
		"--mount=type=secret" },
};

const size_t dockerfile_checks_len = C_COUNT;

/* Marks the '$' of a shell expansion in a tokenised word. */
#define VAR_MARK '\001'

/*
 * Where the text being checked comes from, to name physical lines. at and
 * at_line remember the last heredoc offset counted: lookups move from there,
 * so words looked up near each other cost little.
 */
struct src {
	const struct dockerfile_instr *in;   /* its args, or NULL */
	const struct dockerfile_heredoc *hd; /* a heredoc body, or NULL */
	unsigned line;                       /* otherwise this line */
	size_t at;
	unsigned at_line;
};

struct span {
	const char *s;
	size_t n;
};

/* A set of names (a stage's ARGs, env= of secret mounts): open addressing. */
struct name_set {
	struct span *v; /* v[i].s == NULL: a free slot */
	size_t cap, len;
};

static size_t name_hash(const char *s, size_t n)
{
	size_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static bool set_has(const struct name_set *set, const char *s, size_t n)
{
	size_t i;

	if (set->len == 0)
		return false;
	for (i = name_hash(s, n) & (set->cap - 1); set->v[i].s;
		i = (i + 1) & (set->cap - 1))
		if (set->v[i].n == n && memcmp(set->v[i].s, s, n) == 0)
			return true;
	return false;
}

/* Add s[0..n) (borrowed: it must outlive the set's use). */
static int set_add(struct name_set *set, const char *s, size_t n)
{
	size_t i;

	if (set_has(set, s, n))
		return 0;
	if ((set->len + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16, k;
		struct span *v;

		if (cap > SIZE_MAX / sizeof(*v) ||
			(v = calloc(cap, sizeof(*v))) == NULL)
			return nomem();
		for (k = 0; k < set->cap; k++) {
			if (!set->v[k].s)
				continue;
			i = name_hash(set->v[k].s, set->v[k].n) & (cap - 1);
			while (v[i].s)
				i = (i + 1) & (cap - 1);
			v[i] = set->v[k];
		}
		free(set->v);
		set->v = v;
		set->cap = cap;
	}
	i = name_hash(s, n) & (set->cap - 1);
	while (set->v[i].s)
		i = (i + 1) & (set->cap - 1);
	set->v[i].s = s;
	set->v[i].n = n;
	set->len++;
	return 0;
}

static void set_clear(struct name_set *set)
{
	if (set->len)
		memset(set->v, 0, set->cap * sizeof(*set->v));
	set->len = 0;
}

struct ctx {
	const struct dockerfile *df;
	struct dockerfile_issues *out;
	struct name_set args;        /* ARG names declared so far in the stage */
	bool no_args;                /* an ONBUILD trigger: ARGs unknown */
	struct name_set secret_envs; /* env= of the RUN's secret mounts */
	unsigned depth;              /* sh -c nesting */
};

static unsigned src_line(struct src *src, size_t off)
{
	size_t i;

	if (src->hd) {
		if (src->at_line == 0)
			src->at_line = src->hd->line;
		if (off > src->hd->body_len)
			off = src->hd->body_len;
		for (i = src->at; i < off; i++)
			src->at_line += src->hd->body[i] == '\n';
		for (i = src->at; i > off; i--)
			src->at_line -= src->hd->body[i - 1] == '\n';
		src->at = off;
		return src->at_line;
	}
	if (src->in)
		return dockerfile_line_at(src->in, off);
	return src->line;
}

static int issue_add(struct ctx *c, unsigned line, enum check_index check,
	enum rule_severity sev, const char *subject, const char *fmt, ...)
	HUSH_PRINTF(6, 7);

/* Append an issue; past HUSH_MAX_DOCKERFILE_ISSUES mark the list cut. */
static int issue_add(struct ctx *c, unsigned line, enum check_index check,
	enum rule_severity sev, const char *subject, const char *fmt, ...)
{
	struct dockerfile_issues *l = c->out;
	struct hush_buf m = HUSH_BUF_INIT(256u * 1024);
	struct dockerfile_issue *is;
	va_list ap;
	int error;

	if (l->len >= HUSH_MAX_DOCKERFILE_ISSUES) {
		l->truncated = true;
		return 0;
	}
	if (l->len == l->alloc) {
		size_t n = l->alloc ? l->alloc * 2 : 16;

		if ((is = realloc(l->v, n * sizeof(*is))) == NULL)
			return nomem();
		l->v = is;
		l->alloc = n;
	}
	va_start(ap, fmt);
	error = hush_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	is = &l->v[l->len];
	is->line = line;
	is->check = dockerfile_checks[check].id;
	is->severity = sev;
	is->subject = dup_n(subject, strlen(subject));
	is->message = hush_buf_detach(&m);
	if (!is->subject || !is->message) {
		free(is->subject);
		free(is->message);
		return nomem();
	}
	l->len++;
	return 0;
}

void dockerfile_issues_dispose(struct dockerfile_issues *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		free(l->v[i].subject);
		free(l->v[i].message);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Append s[0..n) for display: an expansion mark shows as '$', control
 * characters as '?', and at most 120 bytes (then "...").
 */
static int put_shown(struct hush_buf *b, const char *s, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && i < 120 && error == 0; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == (unsigned char)VAR_MARK)
			ch = '$';
		else if (ch < 0x20 || ch == 0x7f)
			ch = '?';
		error = hush_buf_putc(b, (char)ch);
	}
	if (error == 0 && n > 120)
		error = hush_buf_puts(b, "...");
	return error;
}

/* ---- ARG and ENV names: BuildKit's SecretsUsedInArgOrEnv ---- */

/*
 * Whether one of words is a whole '_'-delimited part of key, ASCII
 * case-insensitively: (?i)(?:_|^)(?:w1|w2...)(?:_|$). Go's (?i) also folds
 * the Kelvin sign into 'k'; such names are not worth the table.
 */
static bool has_word(const char *key, const char *const *words, size_t n)
{
	const char *p = key;

	for (;;) {
		const char *e = strchr(p, '_');
		size_t len = e ? (size_t)(e - p) : strlen(p), i;

		for (i = 0; i < n; i++)
			if (strlen(words[i]) == len &&
				strncasecmp(p, words[i], len) == 0)
				return true;
		if (!e)
			return false;
		p = e + 1;
	}
}

static const char *const secret_words[] = {
	"apikey", "auth", "credential", "credentials", "key", "password",
	"pword", "passwd", "secret", "token",
};
static const char *const allow_words[] = { "public", "file", "version" };

/* getSecretsRegex: deny && !allow, on the name only */
static bool secret_name(const char *key)
{
	return has_word(key, secret_words,
		       sizeof(secret_words) / sizeof(*secret_words)) &&
	       !has_word(key, allow_words,
		       sizeof(allow_words) / sizeof(*allow_words));
}

bool dockerfile_secret_name(const char *name)
{
	return secret_name(name);
}

static int check_arg_env(struct ctx *c, const struct dockerfile_instr *in)
{
	size_t i;
	int error = 0;

	for (i = 0; i < in->nkv && error == 0; i++)
		if (secret_name(in->kv[i].key))
			error = issue_add(c, in->start_line, C_SECRET_ARG_ENV,
				RULE_SEV_MEDIUM, in->kv[i].key,
				"Do not use ARG or ENV instructions for sensitive "
				"data (%s \"%s\"): the value is kept in the image; "
				"use RUN --mount=type=secret",
				in->keyword, in->kv[i].key);
	return error;
}

/* ---- URLs ---- */

/* A token-looking user name: long, of token characters, letters and digits */
static bool looks_like_token(const char *s, size_t n)
{
	static const char *const prefixes[] = { "ghp_", "gho_", "ghu_", "ghs_",
		"ghr_", "github_pat_", "glpat-" };
	bool alpha = false, digit = false;
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (n > strlen(prefixes[i]) &&
			strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	if (n < 20)
		return false;
	for (i = 0; i < n; i++) {
		if (is_alpha(s[i]))
			alpha = true;
		else if (is_digit(s[i]))
			digit = true;
		else if (s[i] != '_' && s[i] != '-' && s[i] != '.')
			return false;
	}
	return alpha && digit;
}

enum cls { CLS_QUIET, CLS_LITERAL, CLS_ARG };

/* An ARG of the stage, not shadowed by a secret mount's env= */
static bool is_build_arg(const struct ctx *c, const char *s, size_t n)
{
	return !c->no_args && set_has(&c->args, s, n) &&
	       !set_has(&c->secret_envs, s, n);
}

/* The variable name after a VAR_MARK at s (s[0] is the mark). */
static struct span var_name(const char *s, const char *e)
{
	struct span v = { s + 1, 0 };

	if (v.s < e && *v.s == '{') {
		v.s++;
		while (v.s < e && (*v.s == '#' || *v.s == '!'))
			v.s++;
	}
	while (v.s + v.n < e && is_name_char(v.s[v.n]))
		v.n++;
	return v;
}

/*
 * How a credential value is written. shell: a shell expands it ($VAR is a
 * variable); otherwise (exec form) '$' is literal text, not a secret.
 * cmdsub: it holds $(...) or backquotes (read from a file at run time).
 * On CLS_ARG, *arg names the build arg.
 */
static enum cls classify(const struct ctx *c, const char *s, size_t n,
	bool cmdsub, bool shell, struct span *arg)
{
	const char *e = s + n, *p;
	bool var = false;

	if (n == 0)
		return CLS_QUIET;
	if (!shell)
		return memchr(s, '$', n) ? CLS_QUIET : CLS_LITERAL;
	for (p = s; p < e; p++) {
		if (*p != VAR_MARK)
			continue;
		var = true;
		*arg = var_name(p, e);
		if (arg->n && is_build_arg(c, arg->s, arg->n))
			return CLS_ARG;
	}
	if (var || cmdsub)
		return CLS_QUIET;
	return CLS_LITERAL;
}

/* The build-arg issue: the value of ARG name is used as a credential. */
static int report_arg(struct ctx *c, unsigned line, struct span arg,
	const char *what)
{
	char name[128];
	int n = snprintf(name, sizeof(name), "%.*s",
		(int)(arg.n > 100 ? 100 : arg.n), arg.s);

	if (n < 0)
		name[0] = '\0';
	return issue_add(c, line, C_BUILD_ARG_CREDENTIAL,
		dockerfile_checks[C_BUILD_ARG_CREDENTIAL].severity, name,
		"build arg %s is used as a credential (%s); build arg values end "
		"up in the image history: pass it with RUN "
		"--mount=type=secret,id=%s,env=%s instead of ARG",
		name, what, name, name);
}

/*
 * Credentials in the URLs of s[0..n): scheme://user:password@host, a
 * token as the user (https://TOKEN@host) or TOKEN:x-oauth-basic.
 * check is C_URL_CREDENTIALS; the message depends on where (ADD or RUN).
 * @return 1 when something was reported, 0 when not, or <0
 */
static int check_url_creds(struct ctx *c, unsigned line, const char *s,
	size_t n, bool cmdsub, bool shell, const char *where)
{
	const char *e = s + n, *p = s;
	int reported = 0, error;

	while (p + 3 <= e) {
		const char *sep = p, *sch, *a, *ae, *at = NULL, *colon, *secret;
		const char *q;
		size_t secret_n;
		struct hush_buf subj = HUSH_BUF_INIT(512);
		struct span arg;
		enum cls k;
		bool user_token;

		if (memcmp(p, "://", 3) != 0) {
			p++;
			continue;
		}
		/* the scheme: [A-Za-z][A-Za-z0-9+.-]* before "://" */
		sch = sep;
		while (sch > s && (is_alpha(sch[-1]) || is_digit(sch[-1]) ||
				       sch[-1] == '+' || sch[-1] == '-' ||
				       sch[-1] == '.'))
			sch--;
		while (sch < sep && !is_alpha(*sch))
			sch++;
		/* the authority, up to the path; the last '@' ends userinfo */
		a = sep + 3;
		for (ae = a; ae < e && !strchr("/?#\"' \t\n\\", *ae); ae++)
			if (*ae == '@')
				at = ae;
		p = ae;
		if (sch == sep || !at)
			continue;
		colon = memchr(a, ':', (size_t)(at - a));
		user_token = false;
		if (colon && (size_t)(at - colon - 1) > 0 &&
			!(at - colon - 1 == 13 &&
				memcmp(colon + 1, "x-oauth-basic", 13) == 0)) {
			secret = colon + 1;
			secret_n = (size_t)(at - secret);
		} else {
			secret = a;
			secret_n = (size_t)((colon ? colon : at) - a);
			user_token = true;
			/* a plain user name (git@, deploy@) is no credential */
			if (!colon && !memchr(secret, VAR_MARK, secret_n) &&
				!looks_like_token(secret, secret_n))
				continue;
		}
		k = classify(c, secret, secret_n, cmdsub, shell, &arg);
		if (k == CLS_QUIET)
			continue;
		if (k == CLS_ARG) {
			error = report_arg(c, line, arg, "in a URL");
			if (error < 0)
				return error;
			reported = 1;
			continue;
		}
		error = put_shown(&subj, sch, (size_t)(a - sch));
		if (error == 0 && !user_token) {
			error = put_shown(&subj, a, (size_t)(colon - a));
			if (error == 0)
				error = hush_buf_putc(&subj, ':');
		}
		if (error == 0)
			error = hush_buf_puts(&subj, "****@");
		for (q = at + 1; error == 0 && q < ae && *q != '/'; q++)
			error = put_shown(&subj, q, 1);
		if (error == 0)
			error = issue_add(c, line, C_URL_CREDENTIALS,
				dockerfile_checks[C_URL_CREDENTIALS].severity,
				subj.ptr,
				"%s has a %s in the URL %s; it is kept in the image "
				"history: %s",
				where, user_token ? "token" : "password", subj.ptr,
				strcmp(where, "ADD") == 0 ?
					"download it in RUN --mount=type=secret "
					"instead" :
					"read it from RUN --mount=type=secret "
					"instead");
		hush_buf_dispose(&subj);
		if (error < 0)
			return error;
		reported = 1;
	}
	return reported;
}

/* ---- COPY and ADD ---- */

/*
 * Clean a COPY source: no "./" or "." parts, no leading or doubled '/'
 * (sources are relative to the context root). "" stands for the root.
 */
static char *clean_source(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n > 0 && !(n == 1 && *s == '.')) {
			if (o > out)
				*o++ = '/';
			memcpy(o, s, n);
			o += n;
		}
		s += n + (e != NULL);
	}
	*o = '\0';
	return out;
}

static bool is_remote(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	       strncasecmp(s, "https://", 8) == 0 ||
	       strncmp(s, "git://", 6) == 0 || strncmp(s, "git@", 4) == 0 ||
	       strncmp(s, "ssh://", 6) == 0;
}

static bool has_flag(const struct dockerfile_instr *in, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < in->nflags; i++)
		if (strncmp(in->flags[i], name, n) == 0 &&
			(in->flags[i][n] == '\0' || in->flags[i][n] == '='))
			return true;
	return false;
}

/* Turn the '$' of a Dockerfile variable ($X, ${X}) into VAR_MARK. */
static void mark_vars(char *s)
{
	for (; *s; s++)
		if (*s == VAR_MARK)
			*s = '?';
		else if (*s == '$' && (s[1] == '{' || s[1] == '_' ||
					      is_alpha(s[1])))
			*s = VAR_MARK;
}

/* A URL for display: credentials and the query replaced by "****". */
static int put_url(struct hush_buf *b, const char *u)
{
	const char *a = strstr(u, "://"), *ae, *at = NULL, *q;
	int error;

	if (!a)
		return put_shown(b, u, strlen(u));
	a += 3;
	for (ae = a; *ae && !strchr("/?#", *ae); ae++)
		if (*ae == '@')
			at = ae;
	if ((error = put_shown(b, u, (size_t)(a - u))) < 0)
		return error;
	if (at && (error = hush_buf_puts(b, "****@")) < 0)
		return error;
	q = strchr(ae, '?');
	if ((error = put_shown(b, at ? at + 1 : a,
		     (size_t)((q ? q : ae + strlen(ae)) - (at ? at + 1 : a)))) < 0)
		return error;
	return q ? hush_buf_puts(b, "?****") : 0;
}

static int check_source(struct ctx *c, const struct dockerfile_instr *in,
	const char *raw)
{
	/* a suggestion escapes at most every byte of the path */
	struct hush_buf sub = HUSH_BUF_INIT(4096),
			sug = HUSH_BUF_INIT(2 * strlen(raw) + 64);
	const struct sensitive_kind *k;
	struct heredoc_spec spec = { NULL, 0, false, false };
	char *src = NULL, *clean = NULL;
	const char *kw = in->keyword;
	unsigned line = in->start_line;
	int error;

	/* a heredoc source is content, not a path */
	if ((error = heredoc_word(&spec, raw, strlen(raw))) != 0) {
		free(spec.name);
		return error < 0 ? error : 0;
	}
	src = in->form == DOCKERFILE_FORM_JSON ?
		dup_n(raw, strlen(raw)) :
		unquote(raw, strlen(raw), c->df->escape);
	if (!src) {
		error = nomem();
		goto done;
	}
	if (is_kw(in, "ADD") && is_remote(src)) {
		mark_vars(src);
		error = check_url_creds(c, line, src, strlen(src), false, true,
			"ADD");
		if (error < 0 || has_flag(in, "--checksum"))
			goto done;
		if ((error = put_url(&sub, src)) < 0)
			goto done;
		error = issue_add(c, line, C_ADD_URL,
			dockerfile_checks[C_ADD_URL].severity, sub.ptr,
			"ADD downloads %s at build time without --checksum: pin it "
			"with ADD --checksum=sha256:<digest>, or fetch it in a RUN "
			"step (RUN --mount=type=secret when it needs a login)",
			sub.ptr);
		goto done;
	}
	if ((clean = clean_source(src)) == NULL) {
		error = nomem();
		goto done;
	}
	if (clean[0] == '\0' || strcmp(clean, "*") == 0) {
		if ((error = put_shown(&sub, src, strlen(src))) < 0)
			goto done;
		error = issue_add(c, line, C_COPY_CONTEXT,
			dockerfile_checks[C_COPY_CONTEXT].severity, ".",
			"%s %s copies the whole build context: everything "
			".dockerignore lets through ends up in the image; copy "
			"what the image needs, or check .dockerignore",
			kw, sub.ptr);
		goto done;
	}
	k = sensitive_match_glob(clean);
	if (!k)
		goto done;
	if (strpbrk(clean, "*?[\\")) {
		/* a glob is already a pattern: float its last part */
		const char *q = strrchr(clean, '/');

		error = hush_buf_puts(&sug, "**/");
		for (q = q ? q + 1 : clean; error == 0 && *q; q++)
			error = hush_buf_putc(&sug,
				(unsigned char)*q < 0x20 ? '?' : *q);
	} else {
		error = sensitive_suggest(&sug, k, clean);
	}
	if (error == 0)
		error = put_shown(&sub, clean, strlen(clean));
	if (error == 0)
		error = issue_add(c, line, C_COPY_SENSITIVE, k->severity, sub.ptr,
			"%s copies %s (%s) into an image layer: %s. Keep it out "
			"with '%s' in .dockerignore and pass it with RUN "
			"--mount=type=secret",
			kw, sub.ptr, k->name, k->description, sug.ptr);
done:
	hush_buf_dispose(&sub);
	hush_buf_dispose(&sug);
	free(src);
	free(clean);
	return error;
}

static int check_copy(struct ctx *c, const struct dockerfile_instr *in)
{
	size_t i;
	int error = 0;

	/* COPY --from takes its sources from a stage or image, not the context */
	if (has_flag(in, "--from") || in->argc < 2)
		return 0;
	for (i = 0; i + 1 < in->argc && error == 0; i++)
		error = check_source(c, in, in->argv[i]);
	return error;
}

/* ---- RUN: a small POSIX shell tokenizer ---- */

struct sh_word {
	char *s;          /* unquoted text; VAR_MARK for an expansion's '$' */
	size_t off;       /* where it starts in the text */
	bool cmdsub;      /* holds $(...) or `...` */
	bool op;          /* a control operator: ; & | && || ( ) newline */
	bool redir;       /* a redirection operator */
	bool quoted;      /* starts with a quote or an escape */
	bool done;        /* already reported */
};

struct sh_words {
	struct sh_word *v;
	size_t len;
};

static void sh_words_dispose(struct sh_words *w)
{
	size_t i;

	for (i = 0; i < w->len; i++)
		free(w->v[i].s);
	free(w->v);
	w->v = NULL;
	w->len = 0;
}

static int sh_push(struct sh_words *w, const char *s, size_t n, size_t off)
{
	struct sh_word *v = reserve(w->v, w->len, sizeof(*v));

	if (!v)
		return nomem();
	w->v = v;
	memset(&v[w->len], 0, sizeof(*v));
	v[w->len].off = off;
	if ((v[w->len].s = dup_n(s, n)) == NULL)
		return nomem();
	w->len++;
	return 0;
}

struct sh_lex {
	const char *t;
	size_t n, i;
	char esc;            /* '\\'; '`' for # escape=` (PowerShell-like) */
	struct hush_buf w;   /* the word being read */
	bool in_word, cmdsub, quoted;
	size_t off;
	struct sh_words *out;
};

static int lex_put(struct sh_lex *l, char ch)
{
	return hush_buf_putc(&l->w, ch == VAR_MARK ? '?' : ch);
}

static int lex_end_word(struct sh_lex *l)
{
	int error;

	if (!l->in_word)
		return 0;
	error = sh_push(l->out, l->w.ptr ? l->w.ptr : "", l->w.len, l->off);
	if (error == 0) {
		l->out->v[l->out->len - 1].cmdsub = l->cmdsub;
		l->out->v[l->out->len - 1].quoted = l->quoted;
	}
	hush_buf_clear(&l->w);
	l->in_word = false;
	return error;
}

/* Copy a nested construct from i to its closing character, raw. */
static int lex_copy_nested(struct sh_lex *l, char open, char close)
{
	int depth = 0, error = 0;

	while (l->i < l->n && error == 0) {
		char ch = l->t[l->i];

		if (ch == '\\' && l->i + 1 < l->n) {
			error = lex_put(l, ch);
			l->i++;
			ch = l->t[l->i];
		} else if (ch == open) {
			depth++;
		} else if (ch == close && --depth == 0) {
			error = lex_put(l, ch);
			l->i++;
			break;
		}
		if (error == 0)
			error = lex_put(l, ch);
		l->i++;
	}
	return error;
}

/* $NAME, ${...}, $(...), $((...)), $1, $@... at l->i (on the '$') */
static int lex_dollar(struct sh_lex *l)
{
	char nx = l->i + 1 < l->n ? l->t[l->i + 1] : '\0';
	int error;

	if (nx == '(') {
		l->cmdsub = true;
		if ((error = lex_put(l, '$')) < 0)
			return error;
		l->i++;
		return lex_copy_nested(l, '(', ')');
	}
	if (nx == '{') {
		if ((error = hush_buf_putc(&l->w, VAR_MARK)) < 0)
			return error;
		l->i++;
		return lex_copy_nested(l, '{', '}');
	}
	if (is_alpha(nx) || nx == '_') {
		if ((error = hush_buf_putc(&l->w, VAR_MARK)) < 0)
			return error;
		for (l->i++; l->i < l->n && is_name_char(l->t[l->i]); l->i++)
			if ((error = lex_put(l, l->t[l->i])) < 0)
				return error;
		return 0;
	}
	if (nx && (is_digit(nx) || strchr("@*#?-$!", nx))) {
		if ((error = hush_buf_putc(&l->w, VAR_MARK)) < 0 ||
			(error = lex_put(l, nx)) < 0)
			return error;
		l->i += 2;
		return 0;
	}
	l->i++;
	return lex_put(l, '$');
}

/* `...` at l->i: a command substitution, copied raw */
static int lex_backquote(struct sh_lex *l)
{
	int error = lex_put(l, '`');

	l->cmdsub = true;
	for (l->i++; l->i < l->n && error == 0; l->i++) {
		char ch = l->t[l->i];

		if (ch == '\\' && l->i + 1 < l->n) {
			error = lex_put(l, ch);
			ch = l->t[++l->i];
		} else if (ch == '`') {
			error = lex_put(l, ch);
			l->i++;
			break;
		}
		if (error == 0)
			error = lex_put(l, ch);
	}
	return error;
}

/*
 * Split shell text into words and operators. Good enough to find options
 * and their values: quotes are removed, expansions marked, comments,
 * redirections and control operators recognised. Nothing is executed or
 * expanded. esc is '\\', or '`' where the Dockerfile made the backquote its
 * escape (a Windows Dockerfile, whose shell is not POSIX).
 */
static int sh_split(struct sh_words *out, const char *t, size_t n, char esc)
{
	struct sh_lex l;
	int error = 0;

	memset(&l, 0, sizeof(l));
	l.t = t;
	l.n = n;
	l.esc = esc;
	l.out = out;
	hush_buf_init(&l.w, n + 16);
	while (l.i < n && error == 0) {
		char ch = t[l.i];

		if (ch == ' ' || ch == '\t' || ch == '\r') {
			error = lex_end_word(&l);
			l.i++;
			continue;
		}
		if (ch == '\n' || strchr(";&|()", ch)) {
			size_t len = 1;

			if ((error = lex_end_word(&l)) < 0)
				break;
			if (ch != '\n' && l.i + 1 < n &&
				((t[l.i + 1] == ch && ch != '(' && ch != ')') ||
					(ch == '|' && t[l.i + 1] == '&')))
				len = 2;
			if ((error = sh_push(out, t + l.i, len, l.i)) < 0)
				break;
			out->v[out->len - 1].op = true;
			l.i += len;
			continue;
		}
		if (ch == '<' || ch == '>') {
			size_t j = l.i + 1;

			if ((error = lex_end_word(&l)) < 0)
				break;
			while (j < n && strchr("<>&|-", t[j]))
				j++;
			if ((error = sh_push(out, t + l.i, j - l.i, l.i)) < 0)
				break;
			out->v[out->len - 1].redir = true;
			l.i = j;
			continue;
		}
		if (!l.in_word) {
			if (ch == '#') {
				while (l.i < n && t[l.i] != '\n')
					l.i++;
				continue;
			}
			l.in_word = true;
			l.off = l.i;
			l.cmdsub = false;
			l.quoted = ch == '\'' || ch == '"' || ch == esc;
		}
		if (ch == esc) {
			if (l.i + 1 < n && t[l.i + 1] != '\n')
				error = lex_put(&l, t[l.i + 1]);
			l.i += 2;
		} else if (ch == '\'') {
			for (l.i++; l.i < n && t[l.i] != '\'' && error == 0; l.i++)
				error = lex_put(&l, t[l.i]);
			l.i++;
		} else if (ch == '"') {
			for (l.i++; l.i < n && t[l.i] != '"' && error == 0;) {
				char d = t[l.i];

				if (d == esc && l.i + 1 < n && t[l.i + 1] != '\0' &&
					strchr("$`\"\n", t[l.i + 1])) {
					if (t[l.i + 1] != '\n')
						error = lex_put(&l, t[l.i + 1]);
					l.i += 2;
				} else if (d == esc && l.i + 1 < n && t[l.i + 1] == esc) {
					error = lex_put(&l, esc);
					l.i += 2;
				} else if (d == '$') {
					error = lex_dollar(&l);
				} else if (d == '`' && esc != '`') {
					error = lex_backquote(&l);
				} else {
					error = lex_put(&l, d);
					l.i++;
				}
			}
			l.i++;
		} else if (ch == '$') {
			error = lex_dollar(&l);
		} else if (ch == '`' && esc != '`') {
			error = lex_backquote(&l);
		} else {
			error = lex_put(&l, ch);
			l.i++;
		}
	}
	if (error == 0)
		error = lex_end_word(&l);
	hush_buf_dispose(&l.w);
	return error;
}

/* ---- RUN: credentials on command lines ---- */

enum opt_kind { O_USERPASS, O_SECRET, O_HEADER };

enum { F_SEP = 1, F_EQ = 2, F_ATT = 4 };

#define REGISTRY_CLIS "docker podman buildah skopeo nerdctl helm oras crane"
#define MYSQL_CLIS "mysql mysqldump mysqladmin mysqlimport mysqlshow " \
	"mysqlcheck mysqlpump mariadb mariadb-dump mariadb-admin"

/*
 * Options whose value is a credential. progs: space-separated program
 * names, NULL for any program. sub: a word that must come before the option
 * (docker *login* -p). forms: --name VALUE (F_SEP), --name=VALUE (F_EQ),
 * -xVALUE (F_ATT). The first row that names the option for the program
 * decides: mysql's "--password" takes no separate value, so the generic
 * row below it never sees mysql.
 */
static const struct cred_opt {
	const char *progs;
	const char *sub;
	const char *name;
	unsigned forms;
	enum opt_kind kind;
} cred_opts[] = {
	{ "curl", NULL, "-u", F_SEP | F_ATT, O_USERPASS },
	{ "curl", NULL, "--user", F_SEP | F_EQ, O_USERPASS },
	{ "curl", NULL, "-U", F_SEP | F_ATT, O_USERPASS },
	{ "curl", NULL, "--proxy-user", F_SEP | F_EQ, O_USERPASS },
	{ "curl", NULL, "--oauth2-bearer", F_SEP | F_EQ, O_SECRET },
	{ "curl", NULL, "-H", F_SEP | F_ATT, O_HEADER },
	{ "curl wget", NULL, "--header", F_SEP | F_EQ, O_HEADER },
	{ "wget", NULL, "--http-password", F_SEP | F_EQ, O_SECRET },
	{ "wget", NULL, "--ftp-password", F_SEP | F_EQ, O_SECRET },
	{ "wget", NULL, "--proxy-password", F_SEP | F_EQ, O_SECRET },
	{ MYSQL_CLIS, NULL, "-p", F_ATT, O_SECRET },
	{ MYSQL_CLIS, NULL, "--password", F_EQ, O_SECRET },
	{ REGISTRY_CLIS, "login", "-p", F_SEP | F_ATT, O_SECRET },
	{ REGISTRY_CLIS, "login", "--password", F_SEP | F_EQ, O_SECRET },
	{ "sshpass", NULL, "-p", F_SEP | F_ATT, O_SECRET },
	{ "az", "login", "-p", F_SEP, O_SECRET },
	{ "az", "login", "--password", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--password", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--passwd", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--token", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--api-key", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--apikey", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--access-token", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--auth-token", F_SEP | F_EQ, O_SECRET },
	{ NULL, NULL, "--client-secret", F_SEP | F_EQ, O_SECRET },
};

/* HTTP headers whose value is a credential (lowercase). */
static const char *const auth_headers[] = {
	"authorization", "proxy-authorization", "private-token", "job-token",
	"x-api-key", "api-key", "x-auth-token", "x-access-token",
	"x-vault-token", "x-jfrog-art-api",
};

/* npmrc keys whose value is a credential ("//host/:_authToken=..."). */
static const char *const npmrc_keys[] = { "_authToken", "_auth", "_password" };

static const char *const shells[] = { "sh", "bash", "dash", "ash", "zsh",
	"ksh" };

static bool in_list(const char *list, const char *w)
{
	size_t n = strlen(w);

	while (*list) {
		const char *e = strchr(list, ' ');
		size_t len = e ? (size_t)(e - list) : strlen(list);

		if (len == n && strncmp(list, w, n) == 0)
			return true;
		list += len + (e != NULL);
	}
	return false;
}

static const char *base_name(const char *s)
{
	const char *slash = strrchr(s, '/');

	return slash ? slash + 1 : s;
}

/* NAME=... with an unquoted shell name; @return the name's length or 0 */
static size_t assignment(const struct sh_word *w)
{
	size_t i = 0;

	if (w->quoted || !(is_alpha(w->s[0]) || w->s[0] == '_'))
		return 0;
	while (is_name_char(w->s[i]))
		i++;
	return w->s[i] == '=' ? i : 0;
}

struct cmd {
	struct ctx *c;
	struct src *src;
	struct sh_word *w;
	size_t n;
	bool shell;
	const char *sub;  /* the last cred_opt sub looked up ... */
	size_t sub_at;    /* ... and its first word, n when absent */
};

static unsigned word_line(const struct cmd *m, size_t j)
{
	return src_line(m->src, m->w[j].off);
}

/*
 * Report the credential value v of word j (literal: run_credential with
 * subject, a build arg: build_arg_credential naming `what`).
 */
static int report_value(struct cmd *m, size_t j, const char *v, size_t n,
	const char *subject, const char *what)
{
	struct span arg;
	enum cls k = classify(m->c, v, n, m->w[j].cmdsub, m->shell, &arg);
	int error = 0;

	if (k == CLS_ARG)
		error = report_arg(m->c, word_line(m, j), arg, what);
	else if (k == CLS_LITERAL)
		error = issue_add(m->c, word_line(m, j), C_RUN_CREDENTIAL,
			dockerfile_checks[C_RUN_CREDENTIAL].severity, subject,
			"%s passes a literal credential; RUN command lines are kept "
			"in the image history: mount it with RUN "
			"--mount=type=secret,id=<id> and read /run/secrets/<id> "
			"(or env=<VAR>)",
			subject);
	m->w[j].done = true;
	return error;
}

/* The subject of a value: prefix, then "****". */
static int subject_of(struct hush_buf *b, const char *prefix, size_t n)
{
	int error = put_shown(b, prefix, n);

	return error < 0 ? error : hush_buf_puts(b, "****");
}

static int check_header(struct cmd *m, size_t j, const char *s, size_t n,
	const char *what)
{
	struct hush_buf subj = HUSH_BUF_INIT(512);
	const char *colon = memchr(s, ':', n), *v, *e = s + n, *name = s;
	size_t i, name_n;
	int error = 0;

	if (!colon)
		return 0;
	while (name < colon && (*name == ' ' || *name == '\t'))
		name++;
	name_n = (size_t)(colon - name);
	for (i = 0; i < sizeof(auth_headers) / sizeof(*auth_headers); i++)
		if (strlen(auth_headers[i]) == name_n &&
			strncasecmp(name, auth_headers[i], name_n) == 0)
			break;
	if (i == sizeof(auth_headers) / sizeof(*auth_headers))
		return 0;
	v = colon + 1;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	/* an auth scheme (Bearer, Basic, token) is not the secret */
	for (i = 0; v + i < e && is_alpha(v[i]); i++)
		;
	if (i > 0 && v + i < e && v[i] == ' ' &&
		memchr(v + i + 1, ' ', (size_t)(e - v - i - 1)) == NULL) {
		v += i + 1;
		while (v < e && *v == ' ')
			v++;
	}
	if (v == e)
		return 0;
	error = subject_of(&subj, name, (size_t)(v - name));
	if (error == 0)
		error = report_value(m, j, v, (size_t)(e - v), subj.ptr, what);
	hush_buf_dispose(&subj);
	return error;
}

/* One option row on word j; @return 1 when it named the option, 0, <0 */
static int apply_opt(struct cmd *m, const struct cred_opt *o, size_t j,
	const char *prog)
{
	const char *s = m->w[j].s, *v = NULL;
	size_t nl = strlen(o->name), vj = j, vn;
	bool named = false;
	struct hush_buf subj = HUSH_BUF_INIT(512);
	int error = 0;

	if (strcmp(s, o->name) == 0) {
		named = true;
		if ((o->forms & F_SEP) && j + 1 < m->n && !m->w[j + 1].op &&
			!m->w[j + 1].redir &&
			!(m->w[j + 1].s[0] == '-' && m->w[j + 1].s[1])) {
			vj = j + 1;
			v = m->w[vj].s;
		}
	} else if (strncmp(s, o->name, nl) == 0 && s[nl] == '=' &&
		o->name[1] == '-') {
		named = true;
		if (o->forms & F_EQ)
			v = s + nl + 1;
	} else if (nl == 2 && o->name[1] != '-' && s[0] == '-' &&
		strncmp(s, o->name, 2) == 0 && s[2]) {
		named = true;
		if (o->forms & F_ATT)
			v = s + 2;
	} else if (nl == 2 && o->name[1] != '-' && (o->forms & F_SEP) &&
		s[0] == '-' && s[1] != '-' && strlen(s) > 2 &&
		s[strlen(s) - 1] == o->name[1]) {
		/* a cluster of short options ending in this one: -fsSLu */
		size_t i;

		for (i = 1; is_alpha(s[i]); i++)
			;
		if (s[i] == '\0' && j + 1 < m->n && !m->w[j + 1].op) {
			named = true;
			vj = j + 1;
			v = m->w[vj].s;
		}
	}
	if (!named)
		return 0;
	if (o->sub) {
		if (m->sub != o->sub) {
			m->sub = o->sub;
			for (m->sub_at = 0; m->sub_at < m->n; m->sub_at++)
				if (strcmp(m->w[m->sub_at].s, o->sub) == 0)
					break;
		}
		if (m->sub_at >= j)
			return 0;
	}
	if (!v)
		return 1;
	vn = strlen(v);
	if (o->kind == O_HEADER) {
		char what[64];
		int w = snprintf(what, sizeof(what), "%s %s", prog, o->name);

		if (w < 0)
			what[0] = '\0';
		error = check_header(m, vj, v, vn, what);
		m->w[vj].done = true;
		m->w[j].done = true;
		return error < 0 ? error : 1;
	}
	error = put_shown(&subj, prog, strlen(prog));
	if (error == 0 && o->sub)
		error = hush_buf_printf(&subj, " %s", o->sub);
	if (o->kind == O_USERPASS) {
		const char *colon = strchr(v, ':');
		bool only_var = v[0] == VAR_MARK && var_name(v, v + vn).n > 0;
		bool pass = colon && colon[1] &&
			strcmp(colon + 1, "x-oauth-basic") != 0;

		/* -u user alone makes curl ask for the password */
		if (!colon && !only_var) {
			hush_buf_dispose(&subj);
			return 1;
		}
		if (error == 0)
			error = hush_buf_printf(&subj, " %s ", o->name);
		/* user:password shows the user; TOKEN: is all secret */
		if (error == 0 && pass && colon > v &&
			!memchr(v, VAR_MARK, (size_t)(colon - v)))
			error = put_shown(&subj, v, (size_t)(colon - v) + 1);
		if (error == 0)
			error = hush_buf_puts(&subj, "****");
		if (pass) {
			vn -= (size_t)(colon + 1 - v);
			v = colon + 1;
		} else if (colon) {
			vn = (size_t)(colon - v);
		}
	} else if (error == 0) {
		error = hush_buf_printf(&subj, " %s%s****", o->name,
			vj != j ? " " : (o->name[1] == '-' ? "=" : ""));
	}
	if (error == 0) {
		char what[64];
		int w = snprintf(what, sizeof(what), "%s %s", prog, o->name);

		if (w < 0)
			what[0] = '\0';
		error = report_value(m, vj, v, vn, subj.ptr, what);
		m->w[j].done = true;
	}
	hush_buf_dispose(&subj);
	return error < 0 ? error : 1;
}

static int check_options(struct cmd *m, size_t first, const char *prog)
{
	size_t j, r;
	int error;

	for (j = first + 1; j < m->n; j++) {
		if (m->w[j].op || m->w[j].redir || m->w[j].done)
			continue;
		if (strcmp(m->w[j].s, "--") == 0)
			break;
		if (m->w[j].s[0] != '-')
			continue;
		for (r = 0; r < sizeof(cred_opts) / sizeof(*cred_opts); r++) {
			const struct cred_opt *o = &cred_opts[r];

			if (o->progs && !in_list(o->progs, prog))
				continue;
			if ((error = apply_opt(m, o, j, prog)) < 0)
				return error;
			if (error == 1)
				break;
		}
	}
	return 0;
}

/*
 * npm/yarn/pnpm config set KEY VALUE with an auth key, and
 * aws configure set aws_secret_access_key VALUE.
 */
static int check_config_set(struct cmd *m, size_t first, const char *prog)
{
	static const char *const npm_keys[] = { "_authToken", "_auth",
		"_password", "npmAuthToken", "npmAuthIdent" };
	static const char *const aws_keys[] = { "aws_secret_access_key",
		"aws_session_token" };
	const char *const *keys;
	size_t nkeys, j, i;
	bool npm = in_list("npm yarn pnpm", prog);

	if (!npm && strcmp(prog, "aws") != 0)
		return 0;
	keys = npm ? npm_keys : aws_keys;
	nkeys = npm ? sizeof(npm_keys) / sizeof(*npm_keys) :
		      sizeof(aws_keys) / sizeof(*aws_keys);
	for (j = first + 1; j + 2 < m->n; j++) {
		const char *key = m->w[j + 1].s, *tail;
		struct hush_buf subj = HUSH_BUF_INIT(512);
		int error;

		if (strcmp(m->w[j].s, "set") != 0 || m->w[j + 2].op ||
			m->w[j + 2].redir || strchr(key, '='))
			continue;
		tail = key + strlen(key);
		while (tail > key && tail[-1] != ':' && tail[-1] != '/' &&
			tail[-1] != '.')
			tail--;
		for (i = 0; i < nkeys; i++)
			if (strcmp(tail, keys[i]) == 0)
				break;
		if (i == nkeys)
			continue;
		error = put_shown(&subj, prog, strlen(prog));
		if (error == 0)
			error = hush_buf_puts(&subj, npm ? " config set " :
							   " configure set ");
		if (error == 0)
			error = put_shown(&subj, key, strlen(key));
		if (error == 0)
			error = hush_buf_puts(&subj, " ****");
		if (error == 0)
			error = report_value(m, j + 2, m->w[j + 2].s,
				strlen(m->w[j + 2].s), subj.ptr, key);
		hush_buf_dispose(&subj);
		if (error < 0)
			return error;
		m->w[j + 1].done = true;
		return 0;
	}
	return 0;
}

/* Rules for any word: URLs with credentials, npmrc auth keys, headers. */
static int check_word(struct cmd *m, size_t j)
{
	const char *s = m->w[j].s, *p2;
	size_t n = strlen(s), i;
	int r;

	r = check_url_creds(m->c, word_line(m, j), s, n, m->w[j].cmdsub,
		m->shell, "RUN");
	if (r != 0)
		return r < 0 ? r : 0;
	for (i = 0; i < sizeof(npmrc_keys) / sizeof(*npmrc_keys); i++) {
		size_t kl = strlen(npmrc_keys[i]);
		const char *p = s;

		while ((p = strstr(p, npmrc_keys[i])) != NULL) {
			const char *v = p + kl, *e;
			struct hush_buf subj = HUSH_BUF_INIT(256);
			int error;

			if (*v != '=' || (p > s && !strchr(":/ \"'", p[-1]))) {
				p = v;
				continue;
			}
			for (e = ++v; *e && !strchr(" \t\n\"'\\", *e); e++)
				;
			error = subject_of(&subj, p, kl + 1);
			if (error == 0)
				error = report_value(m, j, v, (size_t)(e - v),
					subj.ptr, npmrc_keys[i]);
			hush_buf_dispose(&subj);
			return error;
		}
	}
	/* a header written out: git -c http.extraHeader="Authorization: ..." */
	if ((r = check_header(m, j, s, n, "a header")) < 0 || m->w[j].done)
		return r;
	if ((p2 = strchr(s, '=')) != NULL)
		return check_header(m, j, p2 + 1, n - (size_t)(p2 + 1 - s),
			"a header");
	return 0;
}

static int analyze_text(struct ctx *c, struct src *src, const char *t,
	size_t n, bool shell);

/* sh -c SCRIPT: check the script as its own text, at the word's line */
static int check_shell_c(struct cmd *m, size_t first)
{
	size_t j;

	for (j = first + 1; j + 1 < m->n; j++) {
		const char *s = m->w[j].s;
		struct src inner = { NULL, NULL, word_line(m, j + 1), 0, 0 };
		char *script, *p;
		int error;

		if (s[0] != '-' || s[1] == '-' || !strchr(s, 'c'))
			continue;
		if (m->c->depth >= 4 || m->w[j + 1].op)
			return 0;
		script = dup_n(m->w[j + 1].s, strlen(m->w[j + 1].s));
		if (!script)
			return nomem();
		for (p = script; *p; p++)
			if (*p == VAR_MARK)
				*p = '$';
		m->c->depth++;
		error = analyze_text(m->c, &inner, script, strlen(script), true);
		m->c->depth--;
		free(script);
		m->w[j + 1].done = true;
		return error;
	}
	return 0;
}

static bool is_reserved(const char *s)
{
	static const char *const words[] = { "if", "then", "else", "elif",
		"fi", "do", "done", "while", "until", "case", "esac", "!", "{",
		"}", "for", "in", "select" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

/* NAME=VALUE with a secret-looking NAME (export TOKEN=..., TOKEN=... cmd) */
static int check_assignment(struct cmd *m, size_t j, size_t name_len)
{
	struct hush_buf subj = HUSH_BUF_INIT(256);
	char name[128];
	const char *v = m->w[j].s + name_len + 1;
	int error;

	if (name_len >= sizeof(name))
		return 0;
	memcpy(name, m->w[j].s, name_len);
	name[name_len] = '\0';
	if (!secret_name(name))
		return 0;
	error = subject_of(&subj, m->w[j].s, name_len + 1);
	if (error == 0)
		error = report_value(m, j, v, strlen(v), subj.ptr, name);
	hush_buf_dispose(&subj);
	return error;
}

/*
 * The program of a simple command and its own rules: leading assignments,
 * reserved words and wrappers (sudo, env, ...) are stepped over.
 */
static int analyze_program(struct cmd *m)
{
	size_t i = 0, j, k;
	const char *prog;
	int error;

	while (i < m->n) {
		if (is_reserved(m->w[i].s)) {
			i++;
		} else if (m->shell && (k = assignment(&m->w[i])) > 0) {
			if ((error = check_assignment(m, i, k)) < 0)
				return error;
			i++;
		} else {
			break;
		}
	}
	while (i < m->n) {
		prog = base_name(m->w[i].s);
		if (in_list("export declare local readonly typeset", prog)) {
			for (j = i + 1; j < m->n; j++)
				if (m->shell && (k = assignment(&m->w[j])) > 0 &&
					(error = check_assignment(m, j, k)) < 0)
					return error;
			return 0;
		}
		if (!in_list("sudo env exec nohup time command builtin nice "
			     "timeout",
			    prog))
			break;
		for (i++; i < m->n && m->w[i].s[0] == '-'; i++)
			if (in_list("-u -g -h -p -C -U -D -r -t", m->w[i].s))
				i++;
		if (strcmp(prog, "timeout") == 0 && i < m->n)
			i++; /* the duration */
		while (i < m->n && m->shell && (k = assignment(&m->w[i])) > 0) {
			if ((error = check_assignment(m, i, k)) < 0)
				return error;
			i++;
		}
	}
	if (i >= m->n)
		return 0;
	prog = base_name(m->w[i].s);
	for (j = 0; j < sizeof(shells) / sizeof(*shells); j++)
		if (strcmp(prog, shells[j]) == 0)
			return check_shell_c(m, i);
	if ((error = check_options(m, i, prog)) < 0)
		return error;
	return check_config_set(m, i, prog);
}

/*
 * One simple command: words m->w[0..n) between control operators. The
 * program's rules first, then the rules for any word (a URL with
 * credentials is one wherever it is, a line of a heredoc body too).
 */
static int analyze_cmd(struct cmd *m)
{
	size_t j;
	int error;

	if ((error = analyze_program(m)) < 0)
		return error;
	for (j = 0; j < m->n; j++)
		if (!m->w[j].op && !m->w[j].redir && !m->w[j].done &&
			(error = check_word(m, j)) < 0)
			return error;
	return 0;
}

static int analyze_words(struct ctx *c, struct src *src,
	struct sh_words *w, bool shell)
{
	size_t i = 0, j;
	int error;

	while (i < w->len) {
		struct cmd m;

		for (j = i; j < w->len && !w->v[j].op; j++)
			;
		memset(&m, 0, sizeof(m));
		m.c = c;
		m.src = src;
		m.w = w->v + i;
		m.n = j - i;
		m.shell = shell;
		if (m.n && (error = analyze_cmd(&m)) < 0)
			return error;
		i = j + 1;
	}
	return 0;
}

static int analyze_text(struct ctx *c, struct src *src, const char *t,
	size_t n, bool shell)
{
	struct sh_words w = { NULL, 0 };
	char esc = c->df->escape == '`' ? '`' : '\\';
	int error;

	if ((error = sh_split(&w, t, n, esc)) == 0)
		error = analyze_words(c, src, &w, shell);
	sh_words_dispose(&w);
	return error;
}

/* The env= names of --mount=type=secret flags: those variables are safe */
static int secret_mounts(struct ctx *c, const struct dockerfile_instr *in)
{
	size_t i;
	int error;

	set_clear(&c->secret_envs);
	for (i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i], *p, *env = NULL;
		size_t env_n = 0;
		bool secret = false;

		if (strncmp(f, "--mount=", 8) != 0)
			continue;
		for (p = f + 8; *p;) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);

			if (n == 11 && strncmp(p, "type=secret", 11) == 0)
				secret = true;
			else if (n > 4 && strncmp(p, "env=", 4) == 0) {
				env = p + 4;
				env_n = n - 4;
			}
			p += n + (e != NULL);
		}
		if (secret && env &&
			(error = set_add(&c->secret_envs, env, env_n)) < 0)
			return error;
	}
	return 0;
}

/* RUN: its command line (shell or exec form) and its heredoc bodies. */
static int check_run(struct ctx *c, const struct dockerfile_instr *in,
	const struct dockerfile_instr *owner)
{
	struct sh_words w = { NULL, 0 };
	size_t i;
	int error;

	if ((error = secret_mounts(c, in)) < 0)
		return error;
	if (in->form == DOCKERFILE_FORM_JSON) {
		struct src src = { NULL, NULL, in->start_line, 0, 0 };

		for (i = 0; i < in->argc && error == 0; i++)
			error = sh_push(&w, in->argv[i], strlen(in->argv[i]), 0);
		if (error == 0)
			error = analyze_words(c, &src, &w, false);
		sh_words_dispose(&w);
	} else {
		struct src src = { in, NULL, 0, 0, 0 };

		error = analyze_text(c, &src, in->args, strlen(in->args), true);
	}
	for (i = 0; i < owner->nheredocs && error == 0; i++) {
		struct src src = { NULL, &owner->heredocs[i], 0, 0, 0 };

		error = analyze_text(c, &src, owner->heredocs[i].body,
			owner->heredocs[i].body_len, true);
	}
	return error;
}

/* The checks of one instruction (an ONBUILD trigger runs in a later build). */
static int check_instr(struct ctx *c, const struct dockerfile_instr *in,
	const struct dockerfile_instr *owner)
{
	if (is_kw(in, "RUN"))
		return check_run(c, in, owner);
	if (is_kw(in, "COPY") || is_kw(in, "ADD"))
		return check_copy(c, in);
	return 0;
}

/* A sort key: line first, then the order of discovery (qsort is unstable) */
struct issue_key {
	unsigned line;
	size_t k;
};

static int cmp_key(const void *a, const void *b)
{
	const struct issue_key *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* Sort out->v[first..] by line, keeping the order within a line. */
static int sort_issues(struct dockerfile_issues *out, size_t first)
{
	size_t n = out->len - first, i;
	struct dockerfile_issue *tmp = NULL;
	struct issue_key *keys = NULL;
	int error = 0;

	if (n < 2)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	keys = malloc(n * sizeof(*keys));
	if (!tmp || !keys) {
		error = nomem();
		goto done;
	}
	for (i = 0; i < n; i++) {
		keys[i].line = out->v[first + i].line;
		keys[i].k = i;
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (i = 0; i < n; i++)
		tmp[i] = out->v[first + keys[i].k];
	memcpy(out->v + first, tmp, n * sizeof(*tmp));
done:
	free(tmp);
	free(keys);
	return error;
}

int dockerfile_check(struct dockerfile_issues *out,
	const struct dockerfile *df)
{
	struct ctx c;
	size_t i, first = out->len, j;
	int error = 0;

	memset(&c, 0, sizeof(c));
	c.df = df;
	c.out = out;
	for (i = 0; i < df->len && error == 0; i++) {
		const struct dockerfile_instr *in = &df->v[i];

		if (is_kw(in, "FROM")) {
			set_clear(&c.args);
			continue;
		}
		if (is_kw(in, "ARG") && in->stage >= 0)
			for (j = 0; j < in->nkv && error == 0; j++)
				error = set_add(&c.args, in->kv[j].key,
					strlen(in->kv[j].key));
		if (error < 0)
			break;
		/* BuildKit lints ARG and ENV as it dispatches stages: not the
		 * global ARGs before the first FROM */
		if ((is_kw(in, "ARG") || is_kw(in, "ENV")) && in->stage >= 0 &&
			!df->skip_secrets_check) {
			error = check_arg_env(&c, in);
		} else if (is_kw(in, "ONBUILD") && in->sub) {
			/* the trigger runs in another build: its ARGs are unknown */
			c.no_args = true;
			error = check_instr(&c, in->sub, in);
			c.no_args = false;
		} else {
			error = check_instr(&c, in, in);
		}
	}
	/* within an instruction, heredoc issues may precede the command's */
	if (error == 0)
		error = sort_issues(out, first);
	free(c.args.v);
	free(c.secret_envs.v);
	return error;
}
