/* placeholder until the feature lands: every path answers 404. */
#include "config.h"

#include "app.h"

static const struct app_page pages[] = { { "/-", APP_GET, APP_NOCERT, NULL } };

int
main(void)
{
	return app_main("patient", pages, 0, NULL, 0, 1024);
}
