/* libFuzzer harness: req_init, the CGI environment as nginx hands it
 * over (the request line's method, path and query, Content-Type,
 * Content-Length, Cookie, the client certificate's variables) and the
 * body on the standard input.  The input is cut at newlines into those
 * variables in the order of vars[] below; what follows the last one is
 * the body. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "req.h"
#include "keys.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const vars[] = {
	"REQUEST_METHOD", "DOCUMENT_URI", "SCRIPT_NAME", "PATH_INFO",
	"QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_COOKIE",
	"SSL_CLIENT_VERIFY", "SSL_CLIENT_SERIAL", "REMOTE_ADDR",
};
#define NVARS	(sizeof(vars) / sizeof(vars[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*in, *p, *nl;
	size_t		 i;
	int		 fd;
	enum req_err	 er;

	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	p = in;
	for (i = 0; i < NVARS; i++) {
		nl = memchr(p, '\n', (size_t)(in + size - p));
		if (nl != NULL)
			*nl = '\0';
		/* An empty variable is an unset one (as nginx leaves it). */
		if (*p == '\0' || memchr(p, '\0', (size_t)(nl != NULL ?
		    nl - p : in + size - p)) != NULL)
			unsetenv(vars[i]);
		else
			setenv(vars[i], p, 1);
		p = nl != NULL ? nl + 1 : in + size;
	}
	if ((fd = memfd_create("body", 0)) == -1)
		abort();
	if (write(fd, p, (size_t)(in + size - p)) !=
	    (ssize_t)(in + size - p) || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	er = req_init(&r, fkeys, F__MAX, 8192, fd);
	if (er == REQ_OK) {
		/* Whatever it keeps is a path from the root, or none. */
		if (r.path == NULL || (r.path[0] != '\0' && r.path[0] != '/'))
			abort();
		if (r.body != NULL && r.body[r.body_len] != '\0')
			abort();
	}
	req_free(&r);
	close(fd);
	free(in);
	return 0;
}
