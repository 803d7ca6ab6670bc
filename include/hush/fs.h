/* SPDX-License-Identifier: MIT */
/* fs.h - bounded file reading shared by both binaries */
#ifndef HUSH_FS_H
#define HUSH_FS_H

#include <stddef.h>

#include "hush/buf.h"

/**
 * Read the whole file at path into out (initialised here with cap).
 * @param what the limit's name, for the message when the file is too big
 * @return 0, HUSH_ENOTFOUND, HUSH_EIO, HUSH_ELIMIT or HUSH_ENOMEM; on
 *         failure out is disposed
 */
int hush_fs_read_all(struct hush_buf *out, const char *path, size_t cap,
	const char *what);

#endif
