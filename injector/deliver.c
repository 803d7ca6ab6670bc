/* SPDX-License-Identifier: MIT */
/* deliver.c - secret files in a tmpfs folder, written atomically; see deliver.h */
#define _GNU_SOURCE /* statfs, renameat, getrandom */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "deliver.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"

/* <linux/magic.h> */
#define TMPFS_MAGIC_ 0x01021994
#define RAMFS_MAGIC_ 0x858458f6

int deliver_open(struct deliver_dir *out, const char *path, bool allow_disk)
{
	struct statfs sfs;
	struct stat st;
	size_t len = strlen(path);
	int fd = -1, error = HUSH_EIO;

	out->fd = -1;
	out->path[0] = '\0';
	out->memory = false;
	if (len == 0 || len >= sizeof(out->path) || path[0] != '/') {
		error = hush_err_set(HUSH_EUSAGE,
			"--dir '%.200s': not an absolute path", path);
		goto done;
	}
	/* O_NOFOLLOW: the folder itself must not be a symlink */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			error = hush_err_set(HUSH_ERROR,
				"--dir %s: not a folder (a symlink or a file)",
				path);
		else
			error = hush_err_set_errno(errno == ENOENT ?
				HUSH_ENOTFOUND : HUSH_EIO, "--dir %s", path);
		goto done;
	}
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "--dir %s", path);
		goto done;
	}
	out->memory = sfs.f_type == TMPFS_MAGIC_ || sfs.f_type == RAMFS_MAGIC_;
	if (!out->memory && !allow_disk) {
		char owner[64] = "";

		/* not root: the tmpfs must belong to us to be writable */
		if (geteuid() != 0 && snprintf(owner, sizeof(owner),
				",uid=%lu,gid=%lu", (unsigned long)geteuid(),
				(unsigned long)getegid()) < 0)
			owner[0] = '\0';
		error = hush_err_set(HUSH_ERROR,
			"--dir %s is not a tmpfs or ramfs (filesystem type "
			"0x%lx): secrets would be written to disk; mount a tmpfs "
			"there (docker run --tmpfs %s:mode=0700%s, or a "
			"Kubernetes emptyDir with medium: Memory) or pass "
			"--allow-disk", path, (unsigned long)sfs.f_type, path,
			owner);
		goto done;
	}
	if (!out->memory)
		hush_log_warn("--dir %s is not a tmpfs or ramfs: --allow-disk "
			"writes secrets to disk", path);
	/* safe for our writes (O_EXCL, rename), but others may replace files */
	if (st.st_mode & S_IWOTH && !(st.st_mode & S_ISVTX))
		hush_log_info("--dir %s is writable by every user", path);
	memcpy(out->path, path, len + 1);
	out->fd = fd;
	fd = -1;
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	return error;
}

int deliver_check_user(const struct deliver_dir *d,
	const struct inject_owner *user)
{
	struct stat st;
	bool ok;

	if (!user->set || user->uid == 0)
		return 0;
	if (fstat(d->fd, &st) < 0)
		return hush_err_set_errno(HUSH_EIO, "--dir %s", d->path);
	if (st.st_uid == user->uid)
		ok = st.st_mode & S_IXUSR;
	else if (st.st_gid == user->gid)
		ok = st.st_mode & S_IXGRP;
	else
		ok = st.st_mode & S_IXOTH;
	if (!ok)
		return hush_err_set(HUSH_ERROR,
			"--dir %s (owner %lu:%lu, mode %04o): user %lu:%lu could "
			"not open the files in it; mount it for that user "
			"(docker run --tmpfs %s:mode=0700,uid=%lu,gid=%lu) or "
			"make it searchable",
			d->path, (unsigned long)st.st_uid,
			(unsigned long)st.st_gid, (unsigned)(st.st_mode & 07777),
			(unsigned long)user->uid, (unsigned long)user->gid,
			d->path, (unsigned long)user->uid,
			(unsigned long)user->gid);
	return 0;
}

int deliver_path(char *out, size_t n, const struct deliver_dir *d,
	const char *name)
{
	int w = snprintf(out, n, "%s%s%s", d->path,
		d->path[strlen(d->path) - 1] == '/' ? "" : "/", name);

	if (w < 0 || (size_t)w >= n)
		return hush_err_set(HUSH_ELIMIT, "%s/%s: path too long "
			"(HUSH_MAX_PATH)", d->path, name);
	return 0;
}

/* A temporary name nobody can guess: ".NAME.hush-XXXXXXXXXXXXXXXX". */
static int temp_name(char *out, size_t n, const char *name)
{
	unsigned char r[8];
	size_t i;
	int w;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return hush_err_set_errno(HUSH_EIO, "getrandom");
	w = snprintf(out, n, ".%s.hush-", name);
	if (w < 0 || (size_t)w + 2 * sizeof(r) >= n)
		return hush_err_set(HUSH_ELIMIT, "%s: name too long", name);
	for (i = 0; i < sizeof(r); i++) {
		out[w + 2 * i] = "0123456789abcdef"[r[i] >> 4];
		out[w + 2 * i + 1] = "0123456789abcdef"[r[i] & 15];
	}
	out[w + 2 * sizeof(r)] = '\0';
	return 0;
}

int deliver_write(struct deliver_dir *d, const char *name,
	const unsigned char *data, size_t len, unsigned mode,
	const struct inject_owner *owner)
{
	char tmp[HUSH_MAX_INJECT_NAME + 32];
	size_t off = 0;
	ssize_t w;
	int fd = -1, error, tries;
	bool created = false;

	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0')
		return hush_err_set(HUSH_ERROR, "bad file name '%s'", name);
	if (len > HUSH_MAX_INJECT_FILE)
		return hush_err_set(HUSH_ELIMIT,
			"%s/%s: %zu bytes, more than HUSH_MAX_INJECT_FILE",
			d->path, name, len);
	for (tries = 0; tries < 8 && fd < 0; tries++) {
		if ((error = temp_name(tmp, sizeof(tmp), name)) < 0)
			goto done;
		/* final mode at creation: the file is never more open */
		fd = openat(d->fd, tmp, O_WRONLY | O_CREAT | O_EXCL |
			O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
		if (fd < 0 && errno != EEXIST) {
			error = hush_err_set_errno(HUSH_EIO,
				"%s/%s: cannot create", d->path, tmp);
			goto done;
		}
	}
	if (fd < 0) {
		error = hush_err_set(HUSH_EIO, "%s: cannot create a temporary "
			"file (8 names taken)", d->path);
		goto done;
	}
	created = true;
	/* the umask may have taken bits away; set exactly what was asked */
	if (fchmod(fd, (mode_t)mode) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s/%s: chmod", d->path,
			tmp);
		goto done;
	}
	if (owner->set && fchown(fd, owner->uid, owner->gid) < 0) {
		error = hush_err_set_errno(HUSH_EIO,
			"%s/%s: cannot give it to %lu:%lu", d->path, name,
			(unsigned long)owner->uid, (unsigned long)owner->gid);
		goto done;
	}
	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			error = hush_err_set_errno(HUSH_EIO,
				"%s/%s: write failed", d->path, name);
			goto done;
		}
		off += (size_t)w;
	}
	/* tmpfs needs no fsync; a disk folder (--allow-disk) does */
	if (!d->memory && fsync(fd) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s/%s: fsync", d->path,
			name);
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		error = hush_err_set_errno(HUSH_EIO, "%s/%s: close", d->path,
			name);
		goto done;
	}
	fd = -1;
	/* rename replaces whatever is at name, a symlink included, itself */
	if (renameat(d->fd, tmp, d->fd, name) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s/%s: rename", d->path,
			name);
		goto done;
	}
	created = false;
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	if (created)
		(void)unlinkat(d->fd, tmp, 0);
	return error;
}

int deliver_remove(struct deliver_dir *d, const char *name)
{
	if (unlinkat(d->fd, name, 0) < 0 && errno != ENOENT)
		return hush_err_set_errno(HUSH_EIO, "%s/%s: cannot remove",
			d->path, name);
	return 0;
}

void deliver_close(struct deliver_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
