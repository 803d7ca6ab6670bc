/* SPDX-License-Identifier: MIT */
/* filter.c - entropy, placeholder, inline-allow and binary checks; no deps */
#include <math.h>
#include <string.h>

#include "filter.h"
#include "hush/limits.h"

double filter_entropy(const unsigned char *s, size_t len)
{
	size_t count[256] = { 0 }, i;
	double h = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		count[s[i]]++;
	for (i = 0; i < 256; i++) {
		if (count[i]) {
			double p = (double)count[i] / (double)len;

			h -= p * log2(p);
		}
	}
	return h;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Case-insensitive memmem for a lowercase needle. */
static bool contains(const unsigned char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	if (n > len)
		return false;
	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n && lower(s[i + j]) == (unsigned char)needle[j]; j++)
			;
		if (j == n)
			return true;
	}
	return false;
}

/* Lowercase; documented in patterns/README.md, keep the two in step. */
static const char *const placeholder_words[] = {
	"example", "xxxx", "****", "....", "placeholder", "changeme", "change_me",
	"your_", "your-", "yourpass", "redacted", "replace_me", "dummy", "<", ">",
};

/* Whole values that name a field instead of holding one (lowercase). */
static const char *const placeholder_values[] = {
	"password", "passwd", "pass", "pwd", "secret", "token", "apikey",
	"api_key", "username", "user", "string", "null", "none", "true", "false",
};

static const char *const placeholder_prefixes[] = {
	"${", "{{", "%(", "#{",
};

bool filter_is_placeholder(const unsigned char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return true;
	for (i = 0; i < sizeof(placeholder_words) / sizeof(*placeholder_words); i++)
		if (contains(s, len, placeholder_words[i]))
			return true;
	for (i = 0; i < sizeof(placeholder_values) / sizeof(*placeholder_values); i++)
		if (strlen(placeholder_values[i]) == len &&
		    contains(s, len, placeholder_values[i]))
			return true;
	/* {name}, a template field */
	if (len > 2 && s[0] == '{' && s[len - 1] == '}')
		return true;
	for (i = 0; i < sizeof(placeholder_prefixes) / sizeof(*placeholder_prefixes);
	     i++) {
		size_t n = strlen(placeholder_prefixes[i]);

		if (len >= n && memcmp(s, placeholder_prefixes[i], n) == 0)
			return true;
	}
	/* $VAR, $(cmd): a shell or make reference, not a value ($2y$ hashes are) */
	if (s[0] == '$' && len > 1) {
		if (s[1] == '(')
			return true;
		for (i = 1; i < len && (s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
			(lower(s[i]) >= 'a' && lower(s[i]) <= 'z')); i++)
			;
		if (i == len)
			return true;
	}
	for (i = 1; i < len && s[i] == s[0]; i++)
		;
	return i == len;
}

static const char *const allow_markers[] = {
	"hush:allow", "gitleaks:allow", "pragma: allowlist secret",
};

bool filter_line_allowed(const unsigned char *data, size_t len, size_t pos)
{
	size_t a = pos, b = pos, i;

	/* bounded both ways: a minified file may be one huge line */
	while (a > 0 && data[a - 1] != '\n' && pos - a < 4096)
		a--;
	while (b < len && data[b] != '\n' && b - pos < 4096)
		b++;
	for (i = 0; i < sizeof(allow_markers) / sizeof(*allow_markers); i++) {
		size_t n = strlen(allow_markers[i]);
		const unsigned char *p = data + a;

		while ((size_t)(data + b - p) >= n) {
			p = memchr(p, allow_markers[i][0], (size_t)(data + b - p));
			if (!p || (size_t)(data + b - p) < n)
				break;
			if (memcmp(p, allow_markers[i], n) == 0)
				return true;
			p++;
		}
	}
	return false;
}

bool filter_is_binary(const unsigned char *data, size_t len)
{
	if (len > HUSH_SNIFF_BYTES)
		len = HUSH_SNIFF_BYTES;
	return memchr(data, '\0', len) != NULL;
}
