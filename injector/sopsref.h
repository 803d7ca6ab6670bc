/* SPDX-License-Identifier: MIT */
/*
 * sopsref.h - what hush-inject needs from sops: the age identities, found
 * where sops looks for them, and `sops:<file>[#<key.path>]` references
 * read into secret memory (spec: sops-and-age.md B.9, B.1).
 */
#ifndef HUSH_SOPSREF_H
#define HUSH_SOPSREF_H

#include <stdbool.h>

#include "age.h"
#include "seal.h"
#include "sops.h"

/* sops_keys_load flags */
#define SOPS_KEYS_QUIET 1u /* no warnings for skipped key sources */

/**
 * Load the age identities as sops does (B.9): every source is used and
 * the identities are concatenated, in this order:
 *   SOPS_AGE_KEY       key material; empty and '#' lines skipped, every
 *                      whitespace-separated word is one identity;
 *   SOPS_AGE_KEY_FILE  a keys file;
 *   SOPS_AGE_KEY_CMD   run as /bin/sh -c CMD with envp, stdin /dev/null,
 *                      stderr inherited; its stdout (at most
 *                      HUSH_MAX_SOPS_KEY_CMD_OUTPUT bytes) is a keys file;
 *                      a non-zero exit fails that source;
 *   the default file   $XDG_CONFIG_HOME/sops/age/keys.txt when
 *                      XDG_CONFIG_HOME is an absolute path, else
 *                      $HOME/.config/sops/age/keys.txt; a missing file is
 *                      not an error.
 * As in sops, a source that fails (unreadable, a line that does not parse,
 * a passphrase-protected file, a failing command) is skipped as a whole;
 * when other sources give identities, one warning line lists the skipped
 * ones; when none does, it is an error: one line that names every place
 * looked at and why each gave nothing. Key files are
 * followed through symlinks but must be regular files. Variables are read
 * only from envp. SOPS_AGE_SSH_PRIVATE_KEY_FILE / _CMD: SSH identities are
 * not supported; they are ignored, and the warning or the error says so (as are
 * ~/.ssh/id_ed25519 and id_rsa, which sops would also try).
 * Key material is read into secret memory only.
 * @param flags 0 or SOPS_KEYS_QUIET
 * @param[out] out the caller owns it; free with age_identities_free()
 * @return 0, HUSH_ENOTFOUND (no identity anywhere), HUSH_ENOMEM or
 *         HUSH_EUSAGE (unknown flags)
 */
int sops_keys_load(struct age_identities **out, char *const *envp,
	unsigned flags);

/**
 * True for the variables sops_keys_load reads key material or key
 * locations from (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD,
 * SOPS_AGE_SSH_PRIVATE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_CMD); the child
 * must not inherit them. name is a bare name or a "NAME=value" entry.
 */
bool sops_env_is_bootstrap(const char *name);

/**
 * Read a sops reference: ref is the text after "sops:", either `<file>`
 * (the whole document, rendered by sops_render() in the file's own format)
 * or `<file>#<key.path>` (split at the first '#'; the path as in
 * sops_tree_lookup(): map keys and list indexes joined by '.'). One value
 * is written as its bytes: a string as it is, an int in decimal, a float
 * in Go 'f' -1 form, a bool as true/false, null as nothing; a map or list
 * as JSON (sops_render_node_json()). The file format comes from its name
 * (sops_format_from_name()). The file is followed through symlinks, must
 * be a regular file and at most HUSH_MAX_SOPS_FILE bytes. Messages name
 * the file. Nothing is returned unless everything verified.
 * @param flags 0 or SOPS_IGNORE_MAC (then a warning says the MAC did not
 *        verify)
 * @param[out] out the plaintext; the caller owns it (secret_free())
 * @return 0, HUSH_EUSAGE (empty file name or key path), HUSH_EIO,
 *         HUSH_ENOTFOUND (no file, no key, no identity opens it),
 *         HUSH_EPARSE, HUSH_EAUTH, HUSH_ELIMIT or HUSH_ENOMEM
 */
int sops_ref_read(struct secret **out, const char *ref,
	const struct age_identities *ids, unsigned flags);

#endif
