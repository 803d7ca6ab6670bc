/* SPDX-License-Identifier: MIT */
/* b64.c - strict, canonical RFC 4648 base64 decoding for age and sops */
#include <stdint.h>

#include "b64.h"

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool b64_strict_decode(unsigned char *out, size_t cap, size_t *out_len,
	const char *in, size_t in_len, bool padded)
{
	const unsigned char *s = (const unsigned char *)in;
	uint32_t acc = 0;
	size_t i, n = 0, rem, full;
	int v;

	if (padded) {
		if (in_len % 4 != 0)
			return false;
		if (in_len > 0 && s[in_len - 1] == '=') {
			in_len--;
			if (s[in_len - 1] == '=')
				in_len--;
		}
	}
	rem = in_len % 4;
	if (rem == 1)
		return false;
	full = in_len / 4 * 3 + (rem ? rem - 1 : 0);
	if (full > cap)
		return false;
	for (i = 0; i < in_len; i++) {
		v = b64_value(s[i]);
		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		if (i % 4 == 3) {
			out[n++] = (unsigned char)(acc >> 16);
			out[n++] = (unsigned char)(acc >> 8);
			out[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if (rem == 2) {
		if (acc & 0xf)
			return false;
		out[n++] = (unsigned char)(acc >> 4);
	} else if (rem == 3) {
		if (acc & 0x3)
			return false;
		out[n++] = (unsigned char)(acc >> 10);
		out[n++] = (unsigned char)(acc >> 2);
	}
	*out_len = n;
	return true;
}
