/* The benchmark's floor: the cheapest CGI there is.  It prints a fixed
 * page of about the size of a real one, with the same headers, and
 * exits; built with `cc -static -O2`, so an exec maps one file and runs
 * no dynamic loader.  Every page is measured against its rate. */
#include <unistd.h>

static const char page[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Cache-Control: no-store\r\n"
    "\r\n"
    "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"/>"
    "<title>floor</title></head><body><p>hello</p></body></html>\n";

int
main(void)
{
	size_t	 off = 0, n = sizeof(page) - 1;
	ssize_t	 w;

	while (off < n) {
		if ((w = write(STDOUT_FILENO, page + off, n - off)) <= 0)
			return 1;
		off += (size_t)w;
	}
	return 0;
}
