/* SPDX-License-Identifier: MIT */
/* test_filter.c - entropy, placeholders, inline allow, binary sniffing */
#include <math.h>

#include "filter.h"
#include "t.h"

#define S(x) (const unsigned char *)(x), strlen(x)

static void entropy(void)
{
	T_ASSERT(filter_entropy(S("")) == 0);
	T_ASSERT(filter_entropy(S("aaaa")) == 0);
	T_ASSERT(fabs(filter_entropy(S("abab")) - 1.0) < 1e-9);
	T_ASSERT(fabs(filter_entropy(S("abcdefgh")) - 3.0) < 1e-9);
}

static void placeholder(void)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{ "AKIAIOSFODNN7EXAMPLE", 1 },
		{ "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1 },
		{ "${DB_PASSWORD}", 1 },
		{ "$DB_PASSWORD", 1 },
		{ "$(cat /run/secret)", 1 },
		{ "{{ .Values.secret }}", 1 },
		{ "<your-token>", 1 },
		{ "changeme", 1 },
		{ "your_api_key_here", 1 },
		{ "********", 1 },
		{ "aaaaaaaaaaaa", 1 },
		{ "", 1 },
		{ "PASSWORD", 1 },
		{ "{password}", 1 },
		{ "Password2024x", 0 },
		{ "Zq8v1LmR4tXw9kP2", 0 },
		{ "$apr1$Qx7Yw2Lp$K9mF3vT8nR1cZ5hJ6bD0e.", 0 },
		{ "$2y$10$Vb8Kq1Lm4Nx7Rt2Pz9Wc5eYhJ3gF6dS0aQ1wE2rT3yU4iO5pA6sD", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		if ((int)filter_is_placeholder(S(cases[i].in)) != cases[i].want)
			T_FAIL("placeholder(\"%s\") != %d", cases[i].in,
				cases[i].want);
}

static void allow_comment(void)
{
	const char *t = "a = 1\nkey = \"v\" # hush:allow\nb = 2 // gitleaks:allow\n"
			"c = 3 # pragma: allowlist secret\nd = 4\n";
	const unsigned char *d = (const unsigned char *)t;
	size_t n = strlen(t);

	T_ASSERT(!filter_line_allowed(d, n, 0));
	T_ASSERT(filter_line_allowed(d, n, (size_t)(strstr(t, "key") - t)));
	T_ASSERT(filter_line_allowed(d, n, (size_t)(strstr(t, "b =") - t)));
	T_ASSERT(filter_line_allowed(d, n, (size_t)(strstr(t, "c =") - t)));
	T_ASSERT(!filter_line_allowed(d, n, (size_t)(strstr(t, "d =") - t)));
}

static void binary(void)
{
	unsigned char z[10] = { 'a', 'b', 0, 'c' };

	T_ASSERT(filter_is_binary(z, sizeof(z)));
	T_ASSERT(!filter_is_binary(S("plain text\n")));
}

T_MAIN(T_CASE(entropy), T_CASE(placeholder), T_CASE(allow_comment),
	T_CASE(binary))
