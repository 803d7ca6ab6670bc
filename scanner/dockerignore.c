/* SPDX-License-Identifier: MIT */
/*
 * dockerignore.c - .dockerignore as docker reads and applies it
 * (moby/patternmatcher, fsutil, go-archive). patternmatcher hands RE2 the
 * expressions it builds; here they are checked with RE2's rules and
 * translated into PCRE2 (UTF mode) with the same meaning, so every pattern
 * is validated up front. PCRE2 stays behind regex.h.
 * See: ../shared/spec/build-context-and-images.md 1.1-1.4
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dockerignore.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "regex.h"

#define RUNE_ERROR 0xFFFDu
#define MAX_RUNE 0x10FFFFu
#define MSG_MAX 200 /* bytes of a pattern quoted in a message */
#define API_FILE "<patterns>"

struct pattern {
	char *text;       /* as written: the trimmed line */
	char *str;        /* Pattern.String(): cleaned, without '!' */
	size_t len;       /* strlen(str) */
	char *go_regex;   /* the RE2 expression (REGEX kind), else NULL */
	struct regex *re; /* its PCRE2 translation */
	unsigned line;
	enum dockerignore_kind kind;
	bool exception;
};

struct dockerignore {
	char *file;
	struct hush_buf pats; /* struct pattern[n] */
	size_t n;
	bool exceptions;             /* Exclusions() */
	bool only_prefix_exceptions; /* fsutil onlyPrefixExcludeExceptions */
};

static struct pattern *pat_at(const struct dockerignore *d, size_t i)
{
	HUSH_ASSERT(i < d->n);
	return (struct pattern *)(void *)d->pats.ptr + i;
}

static char *dup_mem(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * UTF-8 as Go decodes it (utf8.DecodeRune): an invalid, overlong, surrogate
 * or cut sequence is U+FFFD and consumes one byte.
 */
static size_t decode_rune(const unsigned char *s, size_t n, uint32_t *r)
{
	unsigned char lo = 0x80, hi = 0xBF;
	uint32_t c;
	size_t need, i;

	*r = RUNE_ERROR;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*r = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 2;
		c = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 3;
		c = s[0] & 0x0Fu;
		if (s[0] == 0xE0)
			lo = 0xA0;
		else if (s[0] == 0xED)
			hi = 0x9F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 4;
		c = s[0] & 0x07u;
		if (s[0] == 0xF0)
			lo = 0x90;
		else if (s[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 1;
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return 1;
	c = (c << 6) | (s[1] & 0x3Fu);
	for (i = 2; i < need; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 1;
		c = (c << 6) | (s[i] & 0x3Fu);
	}
	*r = c;
	return need;
}

/* utf8.DecodeLastRune */
static size_t decode_last_rune(const unsigned char *s, size_t n, uint32_t *r)
{
	size_t start, lim, w;

	*r = RUNE_ERROR;
	if (n == 0)
		return 0;
	start = n - 1;
	if (s[start] < 0x80) {
		*r = s[start];
		return 1;
	}
	lim = n >= 4 ? n - 4 : 0;
	while (start > lim && (s[start] & 0xC0) == 0x80)
		start--;
	w = decode_rune(s + start, n - start, r);
	if (start + w != n) {
		*r = RUNE_ERROR;
		return 1;
	}
	return w;
}

static int put_rune(struct hush_buf *b, uint32_t r)
{
	char u[4];
	size_t n;

	if (r < 0x80) {
		u[0] = (char)r;
		n = 1;
	} else if (r < 0x800) {
		u[0] = (char)(0xC0 | (r >> 6));
		u[1] = (char)(0x80 | (r & 0x3F));
		n = 2;
	} else if (r < 0x10000) {
		u[0] = (char)(0xE0 | (r >> 12));
		u[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		u[2] = (char)(0x80 | (r & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (r >> 18));
		u[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		u[3] = (char)(0x80 | (r & 0x3F));
		n = 4;
	}
	return hush_buf_put(b, u, n);
}

static bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0, w;
	uint32_t r;

	while (i < n) {
		w = decode_rune((const unsigned char *)s + i, n - i, &r);
		if (r == RUNE_ERROR && w == 1)
			return false;
		i += w;
	}
	return true;
}

/* unicode.IsSpace */
static bool is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return true;
	default:
		return r >= 0x2000 && r <= 0x200A;
	}
}

/* strings.TrimSpace */
static void trim_space(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t len = *n, w;
	uint32_t r;

	while (len > 0) {
		w = decode_rune(p, len, &r);
		if (!is_space(r))
			break;
		p += w;
		len -= w;
	}
	while (len > 0) {
		w = decode_last_rune(p, len, &r);
		if (!is_space(r))
			break;
		len -= w;
	}
	*s = (const char *)p;
	*n = len;
}

int dockerignore_clean(struct hush_buf *out, const char *path, size_t len)
{
	size_t r = 0, w = 0, dotdot = 0;
	bool rooted = len > 0 && path[0] == '/';
	char *o;
	int error;

	hush_buf_clear(out);
	/* the result is never longer than the input, or "." */
	if ((error = hush_buf_put(out, path, len)) < 0 ||
	    (error = hush_buf_putc(out, '.')) < 0)
		return error;
	o = out->ptr;
	if (rooted) {
		o[w++] = '/';
		r = dotdot = 1;
	}
	while (r < len) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' &&
			   (r + 1 == len || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' &&
			   (r + 2 == len || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && o[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					o[w++] = '/';
				o[w++] = '.';
				o[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				o[w++] = '/';
			for (; r < len && path[r] != '/'; r++)
				o[w++] = path[r];
		}
	}
	if (w == 0)
		o[w++] = '.';
	out->len = w;
	o[w] = '\0';
	return 0;
}

/* filepath.Dir: Clean of everything up to the last '/' ("." if none) */
static int parent_dir(struct hush_buf *out, const char *path, size_t len)
{
	size_t i = len;

	while (i > 0 && path[i - 1] != '/')
		i--;
	return dockerignore_clean(out, path, i);
}

/* getEsc of filepath.Match: one class character, maybe escaped */
static bool glob_class_char(const char *p, size_t n, size_t *i)
{
	uint32_t r;
	size_t w;

	if (*i >= n || p[*i] == '-' || p[*i] == ']')
		return false;
	if (p[*i] == '\\' && ++*i >= n)
		return false;
	w = decode_rune((const unsigned char *)p + *i, n - *i, &r);
	if (r == RUNE_ERROR && w == 1)
		return false;
	*i += w;
	return *i < n;
}

/*
 * The syntax check patternmatcher.New gets from filepath.Match(p, "."):
 * Go's Match parses the whole pattern whatever the name, so this is a
 * plain scan. '*' and '?' need no check; '[' opens a class that needs at
 * least one character or range before its ']'.
 */
static bool glob_syntax_ok(const char *p, size_t n)
{
	size_t i = 0, nrange;

	while (i < n) {
		if (p[i] == '\\') {
			if (++i >= n)
				return false;
			i++;
		} else if (p[i] == '[') {
			i++;
			if (i < n && p[i] == '^')
				i++;
			for (nrange = 0;; nrange++) {
				if (i < n && p[i] == ']' && nrange > 0) {
					i++;
					break;
				}
				if (!glob_class_char(p, n, &i))
					return false;
				if (p[i] == '-') {
					i++;
					if (!glob_class_char(p, n, &i))
						return false;
				}
			}
		} else {
			i++;
		}
	}
	return true;
}

/*
 * patternmatcher compile(): the match kind, and for the regex kind the RE2
 * expression, built rune by rune as text/scanner reads the pattern (a BOM
 * first is skipped, an invalid byte reads as U+FFFD).
 */
static int go_regex_build(struct hush_buf *re, enum dockerignore_kind *kind,
	const char *pat, size_t n)
{
	const unsigned char *p = (const unsigned char *)pat;
	enum dockerignore_kind k = DOCKERIGNORE_EXACT;
	size_t pos = 0, i;
	uint32_t ch;
	int error;

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		pos = 3;
	if ((error = hush_buf_putc(re, '^')) < 0)
		return error;
	for (i = 0; pos < n && error == 0; i++) {
		pos += decode_rune(p + pos, n - pos, &ch);
		if (ch == '*' && pos < n && p[pos] == '*') {
			pos++;
			if (pos < n && p[pos] == '/')
				pos++; /* "**" + "/" is one token */
			if (pos < n) {
				error = hush_buf_puts(re, "(.*/)?");
				k = DOCKERIGNORE_REGEX;
			} else if (k == DOCKERIGNORE_EXACT) {
				k = DOCKERIGNORE_PREFIX;
			} else {
				error = hush_buf_puts(re, ".*");
				k = DOCKERIGNORE_REGEX;
			}
			if (i == 0)
				k = DOCKERIGNORE_SUFFIX;
		} else if (ch == '*') {
			error = hush_buf_puts(re, "[^/]*");
			k = DOCKERIGNORE_REGEX;
		} else if (ch == '?') {
			error = hush_buf_puts(re, "[^/]");
			k = DOCKERIGNORE_REGEX;
		} else if (ch < 0x80 && ch != 0 && strchr(".+()$", (int)ch)) {
			/*
			 * Upstream means to escape ".+()|{}$" too, but its
			 * bitmap (shouldEscape) is [8]byte, which has no bit for
			 * characters from 64 up: '|', '{' and '}' reach RE2 as
			 * alternation and repetition. Reproduced.
			 */
			if ((error = hush_buf_putc(re, '\\')) == 0)
				error = hush_buf_putc(re, (char)ch);
		} else if (ch == '\\') {
			/* the next rune goes to RE2 as an escape, unchecked */
			if ((error = hush_buf_putc(re, '\\')) == 0 && pos < n) {
				pos += decode_rune(p + pos, n - pos, &ch);
				error = put_rune(re, ch);
				k = DOCKERIGNORE_REGEX;
			}
		} else if (ch == '[' || ch == ']') {
			error = hush_buf_putc(re, (char)ch);
			k = DOCKERIGNORE_REGEX;
		} else {
			error = put_rune(re, ch);
		}
	}
	if (error == 0 && k == DOCKERIGNORE_REGEX)
		error = hush_buf_putc(re, '$');
	*kind = k;
	return error;
}

/*
 * RE2 (Go regexp/syntax, Perl flags) to PCRE2. Every construct is emitted
 * in a form whose meaning does not depend on PCRE2 options: literals as
 * \x{H}, classes as explicit ranges (RE2's \s, \w, [:space:] ... are ASCII
 * and differ from PCRE2's in details), '.' as [^\n], '^' and '$' as \A and
 * \z (RE2 without (?m)), groups as (?:...).
 * See: https://github.com/google/re2/wiki/Syntax
 */
struct range {
	uint32_t lo, hi;
};

struct group {
	const char *name; /* "\\d" or "[:alpha:]" */
	const struct range *r;
	size_t n;
};

static const struct range r_digit[] = { { '0', '9' } };
static const struct range r_space[] = { { '\t', '\n' }, { '\f', '\r' },
	{ ' ', ' ' } };
static const struct range r_word[] = { { '0', '9' }, { 'A', 'Z' },
	{ '_', '_' }, { 'a', 'z' } };
static const struct range r_alnum[] = { { '0', '9' }, { 'A', 'Z' },
	{ 'a', 'z' } };
static const struct range r_alpha[] = { { 'A', 'Z' }, { 'a', 'z' } };
static const struct range r_ascii[] = { { 0, 0x7F } };
static const struct range r_blank[] = { { '\t', '\t' }, { ' ', ' ' } };
static const struct range r_cntrl[] = { { 0, 0x1F }, { 0x7F, 0x7F } };
static const struct range r_graph[] = { { '!', '~' } };
static const struct range r_lower[] = { { 'a', 'z' } };
static const struct range r_print[] = { { ' ', '~' } };
static const struct range r_punct[] = { { '!', '/' }, { ':', '@' },
	{ '[', '`' }, { '{', '~' } };
static const struct range r_pspace[] = { { '\t', '\r' }, { ' ', ' ' } };
static const struct range r_upper[] = { { 'A', 'Z' } };
static const struct range r_xdigit[] = { { '0', '9' }, { 'A', 'F' },
	{ 'a', 'f' } };

#define GROUP(name, r) { name, r, sizeof(r) / sizeof(*(r)) }
static const struct group perl_groups[] = {
	GROUP("d", r_digit), GROUP("s", r_space), GROUP("w", r_word),
};
static const struct group posix_groups[] = {
	GROUP("alnum", r_alnum), GROUP("alpha", r_alpha),
	GROUP("ascii", r_ascii), GROUP("blank", r_blank),
	GROUP("cntrl", r_cntrl), GROUP("digit", r_digit),
	GROUP("graph", r_graph), GROUP("lower", r_lower),
	GROUP("print", r_print), GROUP("punct", r_punct),
	GROUP("space", r_pspace), GROUP("upper", r_upper),
	GROUP("word", r_word), GROUP("xdigit", r_xdigit),
};
#undef GROUP

/* Go's one-letter Unicode classes; its C has no Cn (unassigned) */
static const char unicode_letters[] = "CLMNPSZ";

/* Go's two-letter general categories (unicode.Categories) */
static const char unicode_categories[] =
	"Cc Cf Co Cs Ll Lm Lo Lt Lu Mc Me Mn Nd Nl No Pc Pd Pe Pf Pi Po Ps "
	"Sc Sk Sm So Zl Zp Zs";

/*
 * Go's unicode.Scripts (Unicode 15, Go 1.21 on). Go 1.25 also takes
 * aliases and any case; those are refused here, an error rather than a
 * different meaning.
 */
static const char *const unicode_scripts[] = {
	"Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian",
	"Avestan", "Balinese", "Bamum", "Bassa_Vah", "Batak", "Bengali",
	"Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid",
	"Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma",
	"Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform",
	"Cypriot", "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari",
	"Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs", "Elbasan",
	"Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha",
	"Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul",
	"Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana",
	"Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi",
	"Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana",
	"Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer",
	"Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A",
	"Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar",
	"Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi",
	"Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive",
	"Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani",
	"Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue",
	"Newa", "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki",
	"Old_Hungarian", "Old_Italic", "Old_North_Arabian", "Old_Permic",
	"Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic",
	"Old_Uyghur", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong",
	"Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician",
	"Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra",
	"Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian",
	"Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac",
	"Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri",
	"Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan",
	"Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai", "Vithkuqi",
	"Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square"
};

enum re2_prev {
	PREV_NONE,   /* start, '(' or '|': nothing to repeat */
	PREV_ATOM,   /* literal, class, '.', group */
	PREV_WRAP,   /* ^ $ \A \z \b \B, or a repeat then an empty \Q\E:
			repeatable in RE2, wrapped in (?:) for PCRE2 */
	PREV_REPEAT, /* a quantifier: another one is an error in Perl mode */
};

struct re2 {
	const char *s; /* the RE2 expression, valid UTF-8 */
	size_t n, i;
	struct hush_buf *out;
	enum re2_prev prev; /* what a quantifier would apply to */
	size_t atom;        /* where in out the last node starts */
	size_t rep;         /* where in s the last quantifier starts */
	size_t depth;       /* open groups */
	struct hush_buf ranges; /* class being built: struct range[] */
	struct hush_buf props;  /* class being built: \p items */
	const char *code;       /* error: Go's message ... */
	size_t err_from, err_to; /* ... and the part of s it names */
};

static int re2_fail(struct re2 *t, const char *code, size_t from, size_t to)
{
	t->code = code;
	t->err_from = from;
	t->err_to = to > t->n ? t->n : to;
	return HUSH_EPARSE;
}

static uint32_t re2_rune(struct re2 *t, size_t *w)
{
	uint32_t r;

	*w = decode_rune((const unsigned char *)t->s + t->i, t->n - t->i, &r);
	return r;
}

static int hexval(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

static bool is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Go parseEscape, at a '\\': one escaped rune */
static int re2_escape(struct re2 *t, uint32_t *out)
{
	const char *invalid = "invalid escape sequence";
	size_t start = t->i, w, k;
	uint32_t c, r;
	int x, y, nhex;

	t->i++;
	if (t->i >= t->n)
		return re2_fail(t, "trailing backslash at end of expression",
			start, start);
	c = re2_rune(t, &w);
	t->i += w;
	if (c >= '1' && c <= '7' &&
	    (t->i >= t->n || t->s[t->i] < '0' || t->s[t->i] > '7'))
		return re2_fail(t, invalid, start, t->i); /* a backreference */
	if (c >= '0' && c <= '7') {
		r = c - '0';
		for (k = 1; k < 3 && t->i < t->n && t->s[t->i] >= '0' &&
			    t->s[t->i] <= '7';
		     k++)
			r = r * 8 + (uint32_t)(t->s[t->i++] - '0');
		*out = r;
		return 0;
	}
	switch (c) {
	case 'x':
		if (t->i >= t->n)
			return re2_fail(t, invalid, start, t->i);
		c = re2_rune(t, &w);
		t->i += w;
		if (c == '{') {
			for (r = 0, nhex = 0;; nhex++) {
				if (t->i >= t->n)
					return re2_fail(t, invalid, start, t->i);
				c = re2_rune(t, &w);
				t->i += w;
				if (c == '}')
					break;
				if ((x = hexval(c)) < 0 ||
				    (r = r * 16 + (uint32_t)x) > MAX_RUNE)
					return re2_fail(t, invalid, start, t->i);
			}
			if (nhex == 0)
				return re2_fail(t, invalid, start, t->i);
			*out = r;
			return 0;
		}
		x = hexval(c);
		c = t->i < t->n ? re2_rune(t, &w) : RUNE_ERROR;
		t->i += t->i < t->n ? w : 0;
		y = hexval(c);
		if (x < 0 || y < 0)
			return re2_fail(t, invalid, start, t->i);
		*out = (uint32_t)(x * 16 + y);
		return 0;
	case 'a':
		*out = '\a';
		return 0;
	case 'f':
		*out = '\f';
		return 0;
	case 'n':
		*out = '\n';
		return 0;
	case 'r':
		*out = '\r';
		return 0;
	case 't':
		*out = '\t';
		return 0;
	case 'v':
		*out = '\v';
		return 0;
	default:
		if (c < 0x80 && !is_alnum(c)) {
			*out = c; /* escaped punctuation is itself */
			return 0;
		}
		return re2_fail(t, invalid, start, t->i);
	}
}

static int add_range(struct re2 *t, uint32_t lo, uint32_t hi)
{
	struct range r;

	r.lo = lo;
	r.hi = hi;
	return hush_buf_put(&t->ranges, &r, sizeof(r));
}

/* a group's ranges (sorted), or their complement */
static int add_group(struct re2 *t, const struct group *g, bool negate)
{
	uint32_t next = 0;
	size_t k;
	int error = 0;

	for (k = 0; k < g->n && error == 0; k++) {
		if (!negate)
			error = add_range(t, g->r[k].lo, g->r[k].hi);
		else if (g->r[k].lo > next)
			error = add_range(t, next, g->r[k].lo - 1);
		next = g->r[k].hi + 1;
	}
	if (error == 0 && negate && next <= MAX_RUNE)
		error = add_range(t, next, MAX_RUNE);
	return error;
}

/* \d \D \s \S \w \W at t->i; *found false when it is not one */
static int re2_perl_group(struct re2 *t, bool *found)
{
	size_t k;
	char c;

	*found = false;
	if (t->n - t->i < 2 || t->s[t->i] != '\\')
		return 0;
	c = t->s[t->i + 1];
	for (k = 0; k < sizeof(perl_groups) / sizeof(*perl_groups); k++) {
		if (c == perl_groups[k].name[0] ||
		    c == perl_groups[k].name[0] - 'a' + 'A') {
			*found = true;
			t->i += 2;
			return add_group(t, &perl_groups[k], c < 'a');
		}
	}
	return 0;
}

/* [:alpha:] or [:^alpha:] at t->i (after "[:"), inside a class */
static int re2_posix_group(struct re2 *t, bool *found)
{
	const char *p = t->s + t->i, *end;
	size_t k, len, rest = t->n - t->i;
	bool negate;

	*found = false;
	if (rest <= 2 || p[0] != '[' || p[1] != ':')
		return 0;
	/* Go looks for the first ":]" anywhere after, like this */
	for (end = NULL, k = 2; k + 1 < rest; k++) {
		if (p[k] == ':' && p[k + 1] == ']') {
			end = p + k;
			break;
		}
	}
	if (!end)
		return 0; /* not a named class: '[' is a literal */
	*found = true;
	negate = p[2] == '^';
	len = (size_t)(end - p) - (negate ? 3 : 2);
	for (k = 0; k < sizeof(posix_groups) / sizeof(*posix_groups); k++) {
		if (strlen(posix_groups[k].name) == len &&
		    memcmp(posix_groups[k].name, p + (negate ? 3 : 2), len) ==
			    0) {
			t->i += (size_t)(end - p) + 2;
			return add_group(t, &posix_groups[k], negate);
		}
	}
	return re2_fail(t, "invalid character class range", t->i,
		t->i + (size_t)(end - p) + 2);
}

/* 1: a category (or Any) Go knows, 2: a script, 0: neither */
static int unicode_kind(const char *name, size_t n)
{
	size_t k;

	if (n == 1)
		return strchr(unicode_letters, name[0]) ? 1 : 0;
	if (n == 3 && memcmp(name, "Any", 3) == 0)
		return 1;
	for (k = 0; n == 2 && k + 2 <= sizeof(unicode_categories); k += 3)
		if (memcmp(unicode_categories + k, name, 2) == 0)
			return 1;
	for (k = 0; k < sizeof(unicode_scripts) / sizeof(*unicode_scripts); k++)
		if (strlen(unicode_scripts[k]) == n &&
		    memcmp(unicode_scripts[k], name, n) == 0)
			return 2;
	return 0;
}

/* the PCRE2 item for Go's \p{name} (kind from unicode_kind) */
static int unicode_item(struct re2 *t, const char *name, size_t n, int kind,
	bool negate)
{
	const char *p = negate ? "P" : "p";

	if (n == 1 && name[0] == 'C')
		return hush_buf_puts(&t->props, negate ? "\\P{C}\\p{Cn}" :
				"\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}");
	/* sc: the Script property, as Go; a bare name is Script_Extensions */
	return hush_buf_printf(&t->props, "\\%s{%s%.*s}", p,
		kind == 2 ? "sc:" : "", (int)n, name);
}

/*
 * \pX, \PX, \p{Name}, \P{Name} (and \p{^Name}) at t->i, as Go's
 * parseUnicodeClass.
 */
static int re2_unicode_group(struct re2 *t, bool *found)
{
	const char *invalid = "invalid character class range";
	size_t start = t->i, w, end, nstart;
	bool negate;
	uint32_t c;
	int kind;

	*found = false;
	if (t->n - t->i < 2 || t->s[t->i] != '\\' ||
	    (t->s[t->i + 1] != 'p' && t->s[t->i + 1] != 'P'))
		return 0;
	*found = true;
	negate = t->s[t->i + 1] == 'P';
	t->i += 2;
	c = t->i < t->n ? re2_rune(t, &w) : RUNE_ERROR;
	if (c != '{') {
		/* a one-letter name */
		nstart = t->i;
		t->i += t->i < t->n ? w : 0;
		end = t->i;
	} else {
		for (end = t->i; end < t->n && t->s[end] != '}'; end++)
			;
		if (end >= t->n)
			return re2_fail(t, invalid, start, t->n);
		nstart = t->i + 1;
		t->i = end + 1;
	}
	if (nstart < end && t->s[nstart] == '^') {
		negate = !negate;
		nstart++;
	}
	if (nstart >= end ||
	    (kind = unicode_kind(t->s + nstart, end - nstart)) == 0)
		return re2_fail(t, invalid, start, t->i);
	return unicode_item(t, t->s + nstart, end - nstart, kind, negate);
}

static int emit_rune(struct hush_buf *out, uint32_t r)
{
	if (is_alnum(r))
		return hush_buf_putc(out, (char)r);
	return hush_buf_printf(out, "\\x{%X}", (unsigned)r);
}

/*
 * Write the class in t->ranges and t->props. Surrogates cannot occur in
 * the (valid UTF-8) subject, and PCRE2 rejects them as range ends.
 */
static int re2_emit_class(struct re2 *t, bool negate)
{
	const struct range *r =
		(const struct range *)(const void *)t->ranges.ptr;
	size_t k, n = t->ranges.len / sizeof(*r), start = t->out->len;
	size_t items = 0;
	uint32_t lo, hi;
	int error;

	if ((error = hush_buf_puts(t->out, negate ? "[^" : "[")) < 0)
		return error;
	for (k = 0; k < n && error == 0; k++) {
		lo = r[k].lo >= 0xD800 && r[k].lo <= 0xDFFF ? 0xE000 : r[k].lo;
		hi = r[k].hi >= 0xD800 && r[k].hi <= 0xDFFF ? 0xD7FF : r[k].hi;
		if (lo > hi)
			continue;
		items++;
		error = hush_buf_printf(t->out, "\\x{%X}", (unsigned)lo);
		if (error == 0 && hi != lo)
			error = hush_buf_printf(t->out, "-\\x{%X}",
				(unsigned)hi);
	}
	if (error == 0 && t->props.len > 0) {
		items++;
		error = hush_buf_put(t->out, t->props.ptr, t->props.len);
	}
	if (error < 0)
		return error;
	if (items == 0) {
		/* surrogates only: nothing matches (or, negated, everything) */
		t->out->len = start;
		t->out->ptr[start] = '\0';
		return hush_buf_puts(t->out, negate ? "[\\x{0}-\\x{10FFFF}]" :
						      "[^\\x{0}-\\x{10FFFF}]");
	}
	return hush_buf_putc(t->out, ']');
}

/* Go parseClassChar */
static int re2_class_char(struct re2 *t, size_t class_start, uint32_t *r)
{
	size_t w;

	if (t->i >= t->n)
		return re2_fail(t, "missing closing ]", class_start, t->n);
	if (t->s[t->i] == '\\')
		return re2_escape(t, r);
	*r = re2_rune(t, &w);
	t->i += w;
	return 0;
}

/* Go parseClass, at '[' */
static int re2_class(struct re2 *t)
{
	size_t start = t->i, rng;
	bool negate = false, first = true, found;
	uint32_t lo, hi;
	int error = 0;

	hush_buf_clear(&t->ranges);
	hush_buf_clear(&t->props);
	t->i++;
	if (t->i < t->n && t->s[t->i] == '^') {
		negate = true;
		t->i++;
	}
	while (t->i >= t->n || t->s[t->i] != ']' || first) {
		first = false;
		if ((error = re2_posix_group(t, &found)) < 0)
			return error;
		if (found)
			continue;
		if ((error = re2_unicode_group(t, &found)) < 0)
			return error;
		if (found)
			continue;
		if ((error = re2_perl_group(t, &found)) < 0)
			return error;
		if (found)
			continue;
		rng = t->i;
		if ((error = re2_class_char(t, start, &lo)) < 0)
			return error;
		hi = lo;
		if (t->n - t->i >= 2 && t->s[t->i] == '-' &&
		    t->s[t->i + 1] != ']') {
			t->i++;
			if ((error = re2_class_char(t, start, &hi)) < 0)
				return error;
			if (hi < lo)
				return re2_fail(t, "invalid character class range",
					rng, t->i);
		}
		if ((error = add_range(t, lo, hi)) < 0)
			return error;
	}
	t->i++; /* the ']' */
	return re2_emit_class(t, negate);
}

/* Go parseInt: digits, no leading zero, -1 past 1e8; false if none */
static bool re2_int(const struct re2 *t, size_t *i, long *v)
{
	if (*i >= t->n || t->s[*i] < '0' || t->s[*i] > '9')
		return false;
	if (t->s[*i] == '0' && *i + 1 < t->n && t->s[*i + 1] >= '0' &&
	    t->s[*i + 1] <= '9')
		return false;
	for (*v = 0; *i < t->n && t->s[*i] >= '0' && t->s[*i] <= '9'; ++*i) {
		if (*v >= 100000000)
			*v = -1;
		if (*v >= 0)
			*v = *v * 10 + (t->s[*i] - '0');
	}
	return true;
}

/* Go parseRepeat: "{n}", "{n,}", "{n,m}" at t->i; false: a literal '{' */
static bool re2_repeat_braces(const struct re2 *t, long *min, long *max,
	size_t *end)
{
	size_t i = t->i + 1;

	if (!re2_int(t, &i, min))
		return false;
	if (i < t->n && t->s[i] == ',') {
		i++;
		if (i < t->n && t->s[i] == '}')
			*max = -1;
		else if (!re2_int(t, &i, max))
			return false;
	} else {
		*max = *min;
	}
	if (i >= t->n || t->s[i] != '}')
		return false;
	*end = i + 1;
	return true;
}

/* wrap out[at..] in (?:...) so that a quantifier applies to all of it */
static int wrap_group(struct hush_buf *b, size_t at)
{
	size_t tail = b->len - at;
	int error;

	if ((error = hush_buf_put(b, "(?:", 3)) < 0)
		return error;
	memmove(b->ptr + at + 3, b->ptr + at, tail);
	memcpy(b->ptr + at, "(?:", 3);
	return hush_buf_putc(b, ')');
}


/* a quantifier at t->i: * + ? or {n,m} (end after it), maybe lazy */
static int re2_repeat(struct re2 *t, bool braces, long min, long max,
	size_t end)
{
	size_t from = t->i;
	int error;

	t->i = braces ? end : t->i + 1;
	if (t->i < t->n && t->s[t->i] == '?')
		t->i++; /* non-greedy */
	if (braces && (min < 0 || min > 1000 || max > 1000 ||
			      (max >= 0 && min > max)))
		return re2_fail(t, "invalid repeat count", from, end);
	if (t->prev == PREV_REPEAT)
		return re2_fail(t, "invalid nested repetition operator", t->rep,
			t->i);
	if (t->prev == PREV_NONE)
		return re2_fail(t, "missing argument to repetition operator",
			from, t->i);
	if (t->prev == PREV_WRAP && (error = wrap_group(t->out, t->atom)) < 0)
		return error;
	t->prev = PREV_REPEAT;
	t->rep = from;
	return hush_buf_put(t->out, t->s + from, t->i - from);
}

/*
 * \Q...\E at t->i: literal text up to \E or the end. An empty one leaves
 * the node before it to a following quantifier, as in Go.
 */
static int re2_quote(struct re2 *t, enum re2_prev was, size_t was_atom)
{
	size_t w;
	uint32_t c;
	int error = 0;

	t->i += 2;
	t->prev = was == PREV_REPEAT ? PREV_WRAP : was;
	t->atom = was_atom;
	while (t->i < t->n && error == 0 &&
	       !(t->s[t->i] == '\\' && t->i + 1 < t->n &&
		       t->s[t->i + 1] == 'E')) {
		t->atom = t->out->len;
		t->prev = PREV_ATOM;
		c = re2_rune(t, &w);
		t->i += w;
		error = emit_rune(t->out, c);
	}
	if (error == 0 && t->i < t->n)
		t->i += 2;
	return error;
}

/* a backslash outside a class, at t->i (Go parse, case '\\') */
static int re2_backslash(struct re2 *t, enum re2_prev was, size_t was_atom)
{
	char e = t->i + 1 < t->n ? t->s[t->i + 1] : '\0';
	bool found;
	uint32_t c;
	int error;

	if (e == 'A' || e == 'b' || e == 'B' || e == 'z') {
		t->i += 2;
		t->prev = PREV_WRAP;
		return hush_buf_printf(t->out, "\\%c", e);
	}
	if (e == 'C') /* any byte: RE2 refuses it */
		return re2_fail(t, "invalid escape sequence", t->i, t->i + 2);
	if (e == 'Q')
		return re2_quote(t, was, was_atom);
	hush_buf_clear(&t->ranges);
	hush_buf_clear(&t->props);
	if ((error = re2_unicode_group(t, &found)) < 0)
		return error;
	if (!found && (error = re2_perl_group(t, &found)) < 0)
		return error;
	if (found)
		return re2_emit_class(t, false);
	if ((error = re2_escape(t, &c)) < 0)
		return error;
	return emit_rune(t->out, c);
}

/* one node at t->i that is not a quantifier (Go parse's big switch) */
static int re2_node(struct re2 *t)
{
	enum re2_prev was = t->prev;
	size_t was_atom = t->atom, w;
	char ch = t->s[t->i];
	uint32_t c;

	t->atom = t->out->len;
	t->prev = PREV_ATOM;
	switch (ch) {
	case '(':
		if (t->i + 1 < t->n && t->s[t->i + 1] == '?')
			return re2_fail(t, "(? groups are not supported by hush",
				t->i, t->i + 2);
		t->i++;
		t->depth++;
		t->prev = PREV_NONE;
		return hush_buf_puts(t->out, "(?:");
	case ')':
		if (t->depth == 0)
			return re2_fail(t, "unexpected )", 0, t->n);
		t->i++;
		t->depth--;
		return hush_buf_putc(t->out, ')');
	case '|':
		t->i++;
		t->prev = PREV_NONE;
		return hush_buf_putc(t->out, '|');
	case '^':
	case '$':
		t->i++;
		t->prev = PREV_WRAP;
		return hush_buf_puts(t->out, ch == '^' ? "\\A" : "\\z");
	case '.':
		t->i++;
		return hush_buf_puts(t->out, "[^\\n]");
	case '[':
		return re2_class(t);
	case '\\':
		return re2_backslash(t, was, was_atom);
	default:
		c = re2_rune(t, &w);
		t->i += w;
		return emit_rune(t->out, c);
	}
}

static int re2_translate(struct re2 *t)
{
	size_t end = 0;
	long min = 0, max = 0;
	int error;

	t->prev = PREV_NONE;
	if ((error = hush_buf_puts(t->out, "(*UTF)")) < 0)
		return error;
	while (t->i < t->n && error == 0) {
		char ch = t->s[t->i];
		bool braces = ch == '{' &&
			      re2_repeat_braces(t, &min, &max, &end);

		if (ch == '*' || ch == '+' || ch == '?' || braces)
			error = re2_repeat(t, braces, min, max, end);
		else
			error = re2_node(t);
	}
	if (error == 0 && t->depth > 0)
		return re2_fail(t, "missing closing )", 0, t->n);
	return error;
}

/* quote at most MSG_MAX bytes of s in a message */
static int msg_len(size_t n)
{
	return (int)(n > MSG_MAX ? MSG_MAX : n);
}

static int where_err(int code, const char *file, unsigned line,
	const char *text, size_t text_len, const char *why, const char *detail,
	size_t detail_len)
{
	char at[32] = "";

	if (line > 0 && snprintf(at, sizeof(at), ":%u", line) < 0)
		at[0] = '\0';
	return hush_err_set(code, "%s%s: invalid pattern '%.*s%s': %s%.*s",
		file, at, msg_len(text_len), text,
		text_len > MSG_MAX ? "..." : "",
		why, msg_len(detail_len), detail);
}

/*
 * Compile p (already cleaned, '!' stripped): kind, RE2 check and PCRE2
 * translation. On failure the message names file:line and text.
 */
static int pattern_compile(struct pattern *pt, const char *p, size_t n,
	const char *file, unsigned line, const char *text, size_t text_len)
{
	/*
	 * n <= DOCKERIGNORE_MAX_LINE. A pattern byte grows into at most 6
	 * bytes of RE2 (three bytes, two stars and a slash, become six), and
	 * an RE2 byte into at most 32 bytes of PCRE2 ("\D" is two ranges of
	 * "\x{H}-\x{H}").
	 */
	struct hush_buf go = HUSH_BUF_INIT(6 * n + 16);
	struct hush_buf pc = HUSH_BUF_INIT(32 * (6 * n + 16));
	struct re2 t;
	int error;

	memset(&t, 0, sizeof(t));
	hush_buf_init(&t.ranges, 32 * (6 * n + 16));
	hush_buf_init(&t.props, 32 * (6 * n + 16));
	if (!glob_syntax_ok(p, n)) {
		error = where_err(HUSH_EPARSE, file, line, text, text_len,
			"syntax error in pattern", "", 0);
		goto done;
	}
	if ((error = go_regex_build(&go, &pt->kind, p, n)) < 0)
		goto done;
	if (pt->kind != DOCKERIGNORE_REGEX)
		goto done;
	t.s = go.ptr;
	t.n = go.len;
	t.out = &pc;
	if ((error = re2_translate(&t)) == HUSH_EPARSE && t.code) {
		char detail[MSG_MAX + 64];
		int k = snprintf(detail, sizeof(detail), "%s: `%.*s`", t.code,
			msg_len(t.err_to - t.err_from), t.s + t.err_from);

		if (k < 0)
			detail[0] = '\0';
		error = where_err(HUSH_EPARSE, file, line, text, text_len,
			"error parsing regexp: ", detail, strlen(detail));
		goto done;
	}
	if (error < 0)
		goto done;
	if ((error = regex_compile(&pt->re, pc.ptr, 0)) < 0) {
		/* Go would take it; PCRE2 has its own limits (size) */
		char detail[256];
		int k = snprintf(detail, sizeof(detail), "%s", hush_err_msg());

		if (k < 0)
			detail[0] = '\0';
		error = where_err(HUSH_EPARSE, file, line, text, text_len,
			"cannot be compiled by hush: ", detail, strlen(detail));
		goto done;
	}
	if ((pt->go_regex = hush_buf_detach(&go)) == NULL)
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
done:
	hush_buf_dispose(&t.ranges);
	hush_buf_dispose(&t.props);
	hush_buf_dispose(&go);
	hush_buf_dispose(&pc);
	return error;
}

static void pattern_dispose(struct pattern *pt)
{
	free(pt->text);
	free(pt->str);
	free(pt->go_regex);
	regex_free(pt->re);
}

/* fsutil patternWithoutTrailingGlob: cut a final slash + two stars,
 * then a final slash + star */
static size_t without_trailing_glob(const char *s, size_t n)
{
	if (n >= 3 && memcmp(s + n - 3, "/**", 3) == 0)
		n -= 3;
	if (n >= 2 && memcmp(s + n - 2, "/*", 2) == 0)
		n -= 2;
	return n;
}

/*
 * Append pt to d->pats. A failed hush_buf_put frees its buffer, which would
 * lose the patterns already there: when the array is full it is grown in
 * a new buffer, and the old one is kept until that worked.
 */
static int append_pattern(struct dockerignore *d, const struct pattern *pt)
{
	struct hush_buf nb = HUSH_BUF_INIT(d->pats.cap);
	int error;

	if (d->pats.len + sizeof(*pt) < d->pats.alloc) {
		error = hush_buf_put(&d->pats, pt, sizeof(*pt)); /* no realloc */
	} else if ((error = hush_buf_put(&nb, d->pats.ptr, d->pats.len)) == 0 &&
		   (error = hush_buf_put(&nb, pt, sizeof(*pt))) == 0) {
		hush_buf_dispose(&d->pats);
		d->pats = nb;
	}
	if (error == 0)
		d->n++;
	return error;
}

/*
 * patternmatcher.New for one pattern: TrimSpace, skip if empty,
 * filepath.Clean (the '!' included), '!' test, syntax check, compile.
 * text is what the user wrote (for messages and --explain).
 */
static int add_pattern(struct dockerignore *d, const char *p, size_t n,
	const char *text, size_t text_len, unsigned line, const char *file,
	unsigned msg_line)
{
	struct hush_buf clean = HUSH_BUF_INIT(DOCKERIGNORE_MAX_LINE + 1);
	struct pattern pt;
	const char *body;
	size_t blen, k, m;
	bool wild = false;
	int error;

	memset(&pt, 0, sizeof(pt));
	trim_space(&p, &n);
	if (n == 0)
		return 0;
	if (n > DOCKERIGNORE_MAX_LINE) {
		error = where_err(HUSH_ELIMIT, file, msg_line, text, text_len,
			"longer than 65535 bytes", "", 0);
		goto done;
	}
	if (d->n >= HUSH_MAX_IGNORE_PATTERNS) {
		error = hush_err_set(HUSH_ELIMIT, "%s: more than %u patterns "
						  "(HUSH_MAX_IGNORE_PATTERNS)",
			file, HUSH_MAX_IGNORE_PATTERNS);
		goto done;
	}
	if ((error = dockerignore_clean(&clean, p, n)) < 0)
		goto done;
	body = clean.ptr;
	blen = clean.len;
	if (body[0] == '!') {
		char at[32] = "";

		if (blen == 1) {
			if (msg_line > 0 &&
			    snprintf(at, sizeof(at), ":%u", msg_line) < 0)
				at[0] = '\0';
			error = hush_err_set(HUSH_EPARSE,
				"%s%s: illegal exclusion pattern: \"!\"", file,
				at);
			goto done;
		}
		pt.exception = true;
		body++;
		blen--;
	}
	pt.line = line;
	if ((error = pattern_compile(&pt, body, blen, file, msg_line, text,
		     text_len)) < 0)
		goto done;
	pt.text = dup_mem(text, text_len);
	pt.str = dup_mem(body, blen);
	pt.len = blen;
	if (!pt.text || !pt.str) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	/* fsutil: an exception with a wildcard makes it walk every folder */
	m = pt.exception ? without_trailing_glob(body, blen) : 0;
	for (k = 0; k < m; k++)
		wild = wild || strchr("*[]?^\\", body[k]) != NULL;
	if ((error = append_pattern(d, &pt)) < 0)
		goto done;
	memset(&pt, 0, sizeof(pt)); /* owned by d now */
	d->exceptions = d->exceptions || pat_at(d, d->n - 1)->exception;
	d->only_prefix_exceptions = d->only_prefix_exceptions && !wild;
done:
	pattern_dispose(&pt);
	hush_buf_dispose(&clean);
	return error;
}

static int alloc_ignore(struct dockerignore **out, const char *file)
{
	struct dockerignore *d;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	hush_buf_init(&d->pats,
		(size_t)HUSH_MAX_IGNORE_PATTERNS * sizeof(struct pattern));
	d->only_prefix_exceptions = true;
	if ((d->file = dup_mem(file, strlen(file))) == NULL) {
		free(d);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	*out = d;
	return 0;
}

int dockerignore_parse(struct dockerignore **out, const char *file,
	const char *data, size_t len)
{
	struct dockerignore *d = NULL;
	struct hush_buf clean = HUSH_BUF_INIT(DOCKERIGNORE_MAX_LINE + 1);
	struct hush_buf line = HUSH_BUF_INIT(DOCKERIGNORE_MAX_LINE + 1);
	size_t pos = 0;
	unsigned lineno = 0;
	int error;

	*out = NULL;
	if ((error = alloc_ignore(&d, file)) < 0)
		goto done;
	while (pos < len) {
		const char *l = data + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos;
		const char *text, *body;
		size_t tl, bl;
		bool invert;

		pos += ll + (nl ? 1 : 0);
		lineno++;
		if (ll > DOCKERIGNORE_MAX_LINE) {
			error = hush_err_set(HUSH_ELIMIT,
				"%s:%u: line longer than %u bytes: docker stops "
				"with \"bufio.Scanner: token too long\"",
				file, lineno, DOCKERIGNORE_MAX_LINE);
			goto done;
		}
		if (ll > 0 && l[ll - 1] == '\r')
			ll--;
		if (lineno == 1 && ll >= 3 &&
		    memcmp(l, "\xEF\xBB\xBF", 3) == 0) {
			l += 3;
			ll -= 3;
		}
		if (ll > 0 && l[0] == '#')
			continue; /* only in column 1 */
		if (memchr(l, '\0', ll)) {
			error = hush_err_set(HUSH_EPARSE,
				"%s:%u: a pattern contains a NUL byte", file,
				lineno);
			goto done;
		}
		text = l;
		tl = ll;
		trim_space(&text, &tl);
		if (tl == 0)
			continue;
		body = text;
		bl = tl;
		invert = body[0] == '!';
		if (invert) {
			body++;
			bl--;
			trim_space(&body, &bl);
		}
		hush_buf_clear(&line);
		if ((error = hush_buf_puts(&line, invert ? "!" : "")) < 0)
			goto done;
		if (bl > 0) {
			if ((error = dockerignore_clean(&clean, body, bl)) < 0)
				goto done;
			body = clean.ptr;
			bl = clean.len;
			if (bl > 1 && body[0] == '/') {
				body++;
				bl--;
			}
			if ((error = hush_buf_put(&line, body, bl)) < 0)
				goto done;
		}
		if ((error = add_pattern(d, line.ptr, line.len, text, tl, lineno,
			     file, lineno)) < 0)
			goto done;
	}
	*out = d;
	d = NULL;
done:
	hush_buf_dispose(&line);
	hush_buf_dispose(&clean);
	dockerignore_free(d);
	return error;
}

int dockerignore_from_patterns(struct dockerignore **out,
	const char *const *patterns, size_t n)
{
	struct dockerignore *d = NULL;
	size_t i;
	int error;

	*out = NULL;
	if ((error = alloc_ignore(&d, API_FILE)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		size_t len = strlen(patterns[i]);

		if ((error = add_pattern(d, patterns[i], len, patterns[i], len,
			     0,
			     API_FILE, (unsigned)(i + 1))) < 0)
			goto done;
	}
	*out = d;
	d = NULL;
done:
	dockerignore_free(d);
	return error;
}

int dockerignore_add(struct dockerignore *d, const char *pattern)
{
	size_t len = strlen(pattern);

	return add_pattern(d, pattern, len, pattern, len, 0, d->file, 0);
}

void dockerignore_free(struct dockerignore *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		pattern_dispose(pat_at(d, i));
	hush_buf_dispose(&d->pats);
	free(d->file);
	free(d);
}

const char *dockerignore_file(const struct dockerignore *d)
{
	return d->file;
}

size_t dockerignore_count(const struct dockerignore *d)
{
	return d->n;
}

bool dockerignore_has_exceptions(const struct dockerignore *d)
{
	return d->exceptions;
}

const char *dockerignore_pattern_text(const struct dockerignore *d, size_t i)
{
	return pat_at(d, i)->text;
}

const char *dockerignore_pattern_string(const struct dockerignore *d,
	size_t i)
{
	return pat_at(d, i)->str;
}

unsigned dockerignore_pattern_line(const struct dockerignore *d, size_t i)
{
	return pat_at(d, i)->line;
}

bool dockerignore_pattern_is_exception(const struct dockerignore *d,
	size_t i)
{
	return pat_at(d, i)->exception;
}

enum dockerignore_kind dockerignore_pattern_kind(const struct dockerignore *d,
	size_t i)
{
	return pat_at(d, i)->kind;
}

const char *dockerignore_pattern_regex(const struct dockerignore *d,
	size_t i)
{
	return pat_at(d, i)->go_regex;
}

/*
 * Pattern.match on s[0..n). Go's regexp reads an invalid byte as U+FFFD;
 * PCRE2 in UTF mode refuses invalid subjects, so such a path is matched
 * in a copy where each invalid byte is U+FFFD: the same runes.
 */
static int match_one(const struct pattern *p, struct regex_md *md,
	const char *s, size_t n, bool *out)
{
	struct hush_buf fixed = HUSH_BUF_INIT(3 * n + 1);
	size_t span[4], i, w, sl;
	const char *suffix;
	uint32_t r;
	int rc = 0;

	*out = false;
	switch (p->kind) {
	case DOCKERIGNORE_EXACT:
		*out = n == p->len && memcmp(s, p->str, n) == 0;
		return 0;
	case DOCKERIGNORE_PREFIX:
		*out = n >= p->len - 2 && memcmp(s, p->str, p->len - 2) == 0;
		return 0;
	case DOCKERIGNORE_SUFFIX:
		suffix = p->str + 2;
		sl = p->len - 2;
		*out = (n >= sl && memcmp(s + n - sl, suffix, sl) == 0) ||
		       (sl > 0 && suffix[0] == '/' && n == sl - 1 &&
			       memcmp(s, suffix + 1, sl - 1) == 0);
		return 0;
	case DOCKERIGNORE_REGEX:
		break;
	}
	if (!utf8_valid(s, n)) {
		for (i = 0; i < n && rc == 0; i += w) {
			w = decode_rune((const unsigned char *)s + i, n - i, &r);
			rc = put_rune(&fixed, r);
		}
		if (rc < 0)
			return rc;
		s = fixed.ptr;
		n = fixed.len;
	}
	rc = regex_match(p->re, md, (const unsigned char *)s, n, 0, span);
	hush_buf_dispose(&fixed);
	if (rc < 0)
		return rc;
	*out = rc == 1;
	return 0;
}

/* the parent fallback: does p match one of parent's prefixes a, a/b, ...? */
static int match_parents(const struct pattern *p, struct regex_md *md,
	const struct hush_buf *parent, bool *out)
{
	size_t i;
	int error;

	*out = false;
	for (i = 0; i <= parent->len && !*out; i++) {
		if (i < parent->len && parent->ptr[i] != '/')
			continue;
		if ((error = match_one(p, md, parent->ptr, i, out)) < 0)
			return error;
	}
	return 0;
}

int dockerignore_matches(const struct dockerignore *d, struct regex_md *md,
	const char *path, bool *excluded, int *which)
{
	size_t len = strlen(path), i;
	struct hush_buf parent = HUSH_BUF_INIT(len + 1);
	bool matched = false, m, has_parent;
	int w = -1, error = 0;

	*excluded = false;
	if (which)
		*which = -1;
	if (strcmp(path, ".") == 0)
		return 0; /* never exclude the context itself */
	if ((error = parent_dir(&parent, path, len)) < 0)
		goto done;
	has_parent = strcmp(parent.ptr, ".") != 0;
	for (i = 0; i < d->n; i++) {
		const struct pattern *p = pat_at(d, i);

		/* a pattern that cannot change the verdict is not tested */
		if (p->exception != matched)
			continue;
		if ((error = match_one(p, md, path, len, &m)) < 0)
			goto done;
		if (!m && has_parent &&
		    (error = match_parents(p, md, &parent, &m)) < 0)
			goto done;
		if (m) {
			matched = !p->exception;
			w = (int)i;
		}
	}
	*excluded = matched;
	if (which)
		*which = w;
done:
	hush_buf_dispose(&parent);
	return error;
}

int dockerignore_info_init(struct dockerignore_info *info,
	const struct dockerignore *d)
{
	info->n = d->n;
	info->has = false;
	if ((info->matched = calloc(d->n ? d->n : 1, 1)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	return 0;
}

void dockerignore_info_dispose(struct dockerignore_info *info)
{
	free(info->matched);
	info->matched = NULL;
	info->n = 0;
	info->has = false;
}

int dockerignore_matches_parent(const struct dockerignore *d,
	struct regex_md *md, const char *path,
	const struct dockerignore_info *parent, struct dockerignore_info *out,
	bool *excluded, int *which)
{
	size_t len = strlen(path), i;
	struct hush_buf pdir = HUSH_BUF_INIT(len + 1);
	bool info = parent && parent->has, matched = false, m;
	bool has_parent = false;
	int w = -1, error = 0;

	HUSH_ASSERT(out->n == d->n && out->matched && out != parent);
	HUSH_ASSERT(!info || parent->n == d->n);
	*excluded = false;
	if (which)
		*which = -1;
	memset(out->matched, 0, d->n);
	out->has = false;
	if (!info) {
		if ((error = parent_dir(&pdir, path, len)) < 0)
			goto done;
		has_parent = strcmp(pdir.ptr, ".") != 0;
	}
	for (i = 0; i < d->n; i++) {
		const struct pattern *p = pat_at(d, i);

		m = info && parent->matched[i];
		if (!m) {
			/* skipped: recorded as not matched (spec 1.4) */
			if (p->exception != matched)
				continue;
			if ((error = match_one(p, md, path, len, &m)) < 0)
				goto done;
			if (!m && has_parent &&
			    (error = match_parents(p, md, &pdir, &m)) < 0)
				goto done;
		}
		out->matched[i] = m;
		if (m) {
			matched = !p->exception;
			w = (int)i;
		}
	}
	out->has = true;
	*excluded = matched;
	if (which)
		*which = w;
done:
	hush_buf_dispose(&pdir);
	return error;
}

/* HasPrefix(s[0..n) + "/", dir + "/") */
static bool slash_prefix(const char *s, size_t n, const char *dir)
{
	size_t dl = strlen(dir);

	return n >= dl && memcmp(s, dir, dl) == 0 && (n == dl || s[dl] == '/');
}

bool dockerignore_buildkit_walks_excluded_dir(const struct dockerignore *d,
	const char *dir)
{
	size_t i;

	if (!d->only_prefix_exceptions)
		return true;
	if (!d->exceptions)
		return false;
	for (i = 0; i < d->n; i++) {
		const struct pattern *p = pat_at(d, i);

		if (p->exception &&
		    slash_prefix(p->str, without_trailing_glob(p->str, p->len),
			    dir))
			return true;
	}
	return false;
}

bool dockerignore_legacy_walks_excluded_dir(const struct dockerignore *d,
	const char *dir)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct pattern *p = pat_at(d, i);

		if (p->exception && slash_prefix(p->str, p->len, dir))
			return true;
	}
	return false;
}

/* the package-level MatchesOrParentMatches: Clean, and "." never */
static int matches_cleaned(const struct dockerignore *d, struct regex_md *md,
	const char *path, bool *excluded)
{
	struct hush_buf c = HUSH_BUF_INIT(strlen(path) + 1);
	int error;

	if ((error = dockerignore_clean(&c, path, strlen(path))) == 0)
		error = dockerignore_matches(d, md, c.ptr, excluded, NULL);
	hush_buf_dispose(&c);
	return error;
}

int dockerignore_add_build_files(struct dockerignore *d, struct regex_md *md,
	const char *dockerfile, bool dockerfile_from_stdin)
{
	struct hush_buf p = HUSH_BUF_INIT(strlen(dockerfile) + 2);
	bool ex;
	int error;

	if ((error = matches_cleaned(d, md, ".dockerignore", &ex)) < 0)
		goto done;
	if (ex && (error = dockerignore_add(d, "!.dockerignore")) < 0)
		goto done;
	if ((error = matches_cleaned(d, md, dockerfile, &ex)) < 0)
		goto done;
	if (!ex || dockerfile_from_stdin)
		goto done;
	if ((error = hush_buf_putc(&p, '!')) < 0 ||
	    (error = hush_buf_puts(&p, dockerfile)) < 0)
		goto done;
	error = dockerignore_add(d, p.ptr);
done:
	hush_buf_dispose(&p);
	return error;
}
