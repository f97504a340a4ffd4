/* The client of renrakucho-signer (see signer.h). */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "signer.h"

#define SIGNER_ANSWER_MAX	(4 * 1024 * 1024)	/* a CRL of many serials */

/* Sends req to the signer and reads its whole answer (bounded) into
 * *body after the "OK\n" line.  0, or -1 with err filled. */
static int
signer_ask(const char *req, char **body, size_t *lenp, char *err, size_t n)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { SIGNER_TIMEOUT, 0 };
	const char		*path = cfg_get(CFG_SIGNER_SOCKET);
	char			*buf = NULL, *nl, *p;
	size_t			 len = 0, cap = 0, rlen;
	ssize_t			 r;
	int			 fd, rc = -1;

	*body = NULL;
	if (lenp != NULL)
		*lenp = 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, n, "signer_socket: path too long");
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, n, "socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, n, "signer %s: %s", path, strerror(errno));
		goto out;
	}
	for (p = (char *)req, rlen = strlen(req); rlen > 0; ) {
		if ((r = write(fd, p, rlen)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, n, "signer: write: %s", strerror(errno));
			goto out;
		}
		p += r;
		rlen -= (size_t)r;
	}
	(void)shutdown(fd, SHUT_WR);
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= SIGNER_ANSWER_MAX) {
				snprintf(err, n, "signer: answer too long");
				goto out;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if ((p = realloc(buf, cap)) == NULL) {
				snprintf(err, n, "signer: out of memory");
				goto out;
			}
			buf = p;
		}
		if ((r = read(fd, buf + len, cap - len - 1)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, n, "signer: %s", errno == EAGAIN ||
			    errno == EWOULDBLOCK ? "no answer in time" :
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (buf == NULL || len == 0) {
		snprintf(err, n, "signer: empty answer");
		goto out;
	}
	buf[len] = '\0';
	if ((nl = memchr(buf, '\n', len)) == NULL) {
		snprintf(err, n, "signer: malformed answer");
		goto out;
	}
	*nl = '\0';
	if (strcmp(buf, "OK") != 0) {
		snprintf(err, n, "%s", strncmp(buf, "ERR ", 4) == 0 ?
		    buf + 4 : "signer: malformed answer");
		goto out;
	}
	len -= (size_t)(nl + 1 - buf);
	memmove(buf, nl + 1, len + 1);
	*body = buf;
	buf = NULL;
	if (lenp != NULL)
		*lenp = len;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

int
signer_ping(char *err, size_t n)
{
	char	*body;

	if (signer_ask("PING\n", &body, NULL, err, n) == -1)
		return -1;
	free(body);
	return 0;
}

int
signer_sign(const char *issuance_id, char **pem, char *err, size_t n)
{
	char	 req[48];
	size_t	 len;

	*pem = NULL;
	len = strlen(issuance_id);
	if (len == 0 || len > 19 ||
	    strspn(issuance_id, "0123456789") != len) {
		snprintf(err, n, "bad issuance id");
		return -1;
	}
	snprintf(req, sizeof(req), "SIGN %s\n", issuance_id);
	if (signer_ask(req, pem, &len, err, n) == -1)
		return -1;
	if (len == 0) {
		free(*pem);
		*pem = NULL;
		snprintf(err, n, "signer: no certificate in the answer");
		return -1;
	}
	return 0;
}

int
signer_crl(int days, char **pem, size_t *len, char *err, size_t n)
{
	char	 req[32];

	snprintf(req, sizeof(req), "CRL %d\n", days);
	if (signer_ask(req, pem, len, err, n) == -1)
		return -1;
	if (*len == 0) {
		free(*pem);
		*pem = NULL;
		snprintf(err, n, "signer: no CRL in the answer");
		return -1;
	}
	return 0;
}

int
signer_seal(long long seq, const char *hash, char *line, size_t ln,
    char *err, size_t n)
{
	char	 req[128], *body, *nl;
	size_t	 len;

	if (strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64) {
		snprintf(err, n, "bad hash");
		return -1;
	}
	snprintf(req, sizeof(req), "SEAL %lld %s\n", seq, hash);
	if (signer_ask(req, &body, &len, err, n) == -1)
		return -1;
	if ((nl = strchr(body, '\n')) != NULL)
		*nl = '\0';
	if (body[0] == '\0' || strlen(body) >= ln) {
		free(body);
		snprintf(err, n, "signer: no seal in the answer");
		return -1;
	}
	memcpy(line, body, strlen(body) + 1);
	free(body);
	return 0;
}
