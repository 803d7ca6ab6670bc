/* SPDX-License-Identifier: MIT */
/*
 * deliver.h - secret files in a memory-backed folder. The folder is opened
 * once (O_DIRECTORY|O_NOFOLLOW) and every file operation is relative to
 * that descriptor, so a symlink swapped in for the folder or planted at a
 * file's name is never followed. Each file is written under a fresh
 * temporary name created with O_EXCL and its final mode and owner, then
 * renamed over the target: readers see the old file or the new one,
 * never a part.
 */
#ifndef HUSH_INJECT_DELIVER_H
#define HUSH_INJECT_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

struct deliver_dir {
	int fd;                   /* -1 when closed */
	char path[HUSH_MAX_PATH];
	bool memory;              /* tmpfs or ramfs */
};

/**
 * Open the folder and check that it lives in memory (statfs f_type
 * TMPFS_MAGIC or RAMFS_MAGIC). Any other filesystem is refused, with the
 * ways to mount a tmpfs, unless allow_disk (then a warning).
 * @param[out] out opened; release with deliver_close()
 * @return 0, HUSH_EUSAGE (not an absolute path), HUSH_ERROR (a disk
 *         folder, a symlink), HUSH_ENOTFOUND or HUSH_EIO
 */
int deliver_open(struct deliver_dir *out, const char *path, bool allow_disk);

/**
 * Check that user can reach files in the folder (search permission for
 * its uid and gid, no supplementary groups), so a child running as user
 * can open them.
 * @return 0 or HUSH_ERROR with the fix
 */
int deliver_check_user(const struct deliver_dir *d,
	const struct inject_owner *user);

/**
 * Write data atomically to name (a secret name, no '/') with mode and,
 * when owner->set, that owner.
 * @return 0, HUSH_EIO or HUSH_ELIMIT; on failure nothing is left behind
 *         and an existing file keeps its old content
 */
int deliver_write(struct deliver_dir *d, const char *name,
	const unsigned char *data, size_t len, unsigned mode,
	const struct inject_owner *owner);

/** Remove name. @return 0 (also when it is already gone) or HUSH_EIO */
int deliver_remove(struct deliver_dir *d, const char *name);

/**
 * The full path of name in the folder, for NAME_FILE.
 * @param[out] out caller's storage of size n
 * @return 0 or HUSH_ELIMIT
 */
int deliver_path(char *out, size_t n, const struct deliver_dir *d,
	const char *name);

/** Close the folder; safe after a failed open and twice. */
void deliver_close(struct deliver_dir *d);

#endif
