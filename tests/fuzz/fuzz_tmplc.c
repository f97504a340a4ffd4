/* libFuzzer harness: the template compiler (lib/cli/tmplc.c) on one
 * template, t.xhtml, whatever its bytes (handed over in memory):
 * libxml2's parse and every check and emitter of tmplc after it.  Its
 * messages go to stderr (run with -close_fd_mask=2). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define main tmplc_main
#include "../../lib/cli/tmplc.c"
#undef main

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xmlSetStructuredErrorFunc(NULL, xml_error);
	xmlSetExternalEntityLoader(no_loader);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb	 h = { NULL, 0, 0 }, c = { NULL, 0, 0 };
	size_t		 i;
	int		 rc;

	nerrors = 0;
	rc = compile("t.xhtml", (const char *)data, size, &h, &c);
	/* Success and errors agree. */
	if ((rc == 0) != (nerrors == 0))
		abort();
	if (rc == 0 && (h.p == NULL || c.p == NULL))
		abort();
	free(h.p);
	free(c.p);
	for (i = 0; i < nsymbols; i++)
		free(symbols[i]);
	free(symbols);
	symbols = NULL;
	nsymbols = 0;
	return 0;
}
