/* SPDX-License-Identifier: MIT */
/*
 * template.h - one file rendered from several secrets. The syntax is a
 * deliberately small subset of Go's text/template: "{{ .NAME }}" (spaces
 * inside the braces optional) is replaced by the bytes of secret NAME;
 * everything else is copied as is. Any other "{{" is an error, so a typo
 * never renders as literal text. There are no functions, conditions,
 * loops or escapes: the template cannot run anything.
 */
#ifndef HUSH_INJECT_TEMPLATE_H
#define HUSH_INJECT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "seal.h"

/*
 * Called for each piece in order: literal text (is_name false) or the name
 * inside a placeholder (is_name true); text is not NUL-terminated.
 * Return 0 to go on, or a negative HUSH_E* code to stop.
 */
typedef int (*template_piece_cb)(const char *text, size_t len, bool is_name,
	void *payload);

/**
 * Parse tmpl and call cb for each piece.
 * @param where the origin for messages (the secret's name)
 * @return 0, HUSH_EUSAGE (bad syntax: "where: template: ... at byte N"),
 *         HUSH_ELIMIT (over HUSH_MAX_INJECT_TEMPLATE) or cb's code
 */
int template_walk(const char *where, const char *tmpl, template_piece_cb cb,
	void *payload);

/*
 * The value of secret `name` (len bytes, not NUL-terminated), or NULL
 * when there is none (an optional secret that failed).
 */
typedef const struct secret *(*template_lookup_cb)(const char *name,
	size_t len, void *payload);

/**
 * Render tmpl into guarded memory.
 * @param[out] out the caller owns it; release with secret_free()
 * @return 0, HUSH_EUSAGE (syntax), HUSH_ENOTFOUND (a secret without a
 *         value), HUSH_ELIMIT (output over HUSH_MAX_INJECT_FILE) or
 *         HUSH_ENOMEM
 */
int template_render(struct secret **out, const char *where, const char *tmpl,
	template_lookup_cb lookup, void *payload);

#endif
