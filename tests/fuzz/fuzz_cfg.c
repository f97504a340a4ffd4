/* libFuzzer harness: the configuration file parser (cfg_load_file) on
 * any file, then every key read back.  Its messages go to stderr (run
 * with -close_fd_mask=2). */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 path[64];
	const char	*v;
	int		 fd, i, rc;

	if ((fd = memfd_create("renrakucho.conf", 0)) == -1)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = cfg_load_file(path);
	for (i = 0; i < CFG__MAX; i++) {
		if ((v = cfg_get((enum cfg_key)i)) == NULL)
			abort();
		if (cfg_def((enum cfg_key)i) == NULL)
			abort();
		/* A value never keeps its line's end or surrounding blanks. */
		if (rc == 0 && (strchr(v, '\n') != NULL ||
		    (v[0] == ' ' || v[0] == '\t')))
			abort();
	}
	close(fd);
	return 0;
}
