/* SPDX-License-Identifier: MIT */
/*
 * b64.h - strict base64 (RFC 4648 standard alphabet) as age and sops need
 * it: canonical only, so one value has one encoding.
 */
#ifndef HUSH_INJECT_B64_H
#define HUSH_INJECT_B64_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Decode in[0..in_len) into out (at most cap bytes). The unused low bits of
 * the last character must be zero (Go's Strict()). With padded, the length
 * must be a multiple of 4 and '=' may only end it; without, '=' is illegal.
 * Any byte outside the alphabet (CR, LF, space) is an error.
 * @param[out] out_len bytes written
 * @return true, or false on any error (out may hold partial bytes)
 */
bool b64_strict_decode(unsigned char *out, size_t cap, size_t *out_len,
	const char *in, size_t in_len, bool padded);

#endif
