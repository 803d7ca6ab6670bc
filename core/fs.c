/* SPDX-License-Identifier: MIT */
/* fs.c - bounded whole-file reads */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hush/err.h"
#include "hush/fs.h"

int hush_fs_read_all(struct hush_buf *out, const char *path, size_t cap,
	const char *what)
{
	char chunk[65536];
	ssize_t n;
	int fd, error = 0;

	hush_buf_init(out, cap);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return hush_err_set_errno(errno == ENOENT ? HUSH_ENOTFOUND : HUSH_EIO,
			"%s: cannot open", path);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = hush_err_set_errno(HUSH_EIO, "%s: read failed", path);
			break;
		}
		if ((error = hush_buf_put(out, chunk, (size_t)n)) < 0) {
			if (error == HUSH_ELIMIT)
				hush_err_set(error, "%s: larger than %zu bytes (%s)",
					path, cap, what);
			break;
		}
	}
	close(fd);
	if (error < 0)
		hush_buf_dispose(out);
	return error;
}
