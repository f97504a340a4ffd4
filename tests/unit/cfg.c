/* cfg: defaults, overrides, refusal of unknown keys and malformed lines. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "tap.h"

static int
cfg_write(char *path, const char *text)
{
	int	 fd;

	snprintf(path, 64, "/tmp/cfg-test-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
main(void)
{
	char	 p[64];

	is_str(cfg_get(CFG_MUNICIPALITY_CODE), "32203", "default municipality code");
	is_str(cfg_get(CFG_CERT_DAYS), "730", "default certificate lifetime");
	ok(cfg_get(CFG__MAX) != NULL, "out-of-range key gives a string");

	ok(cfg_write(p, "# comment\n\n db_port = 7000 \n"
	    "service_name=電子連絡帳 テスト\nsecretariat_fax =\n") == 0,
	    "write config");
	ok(cfg_load_file(p) == 0, "good file loads");
	is_str(cfg_get(CFG_DB_PORT), "7000", "value trimmed");
	is_str(cfg_get(CFG_SERVICE_NAME), "電子連絡帳 テスト",
	    "UTF-8 value with inner space kept");
	is_str(cfg_get(CFG_SECRETARIAT_FAX), "", "empty value allowed");
	unlink(p);

	ok(cfg_write(p, "no_such_key = 1\n") == 0, "write config");
	ok(cfg_load_file(p) == -1, "config-bad-unknown-key refused");
	unlink(p);
	ok(cfg_write(p, "db_port 7000\n") == 0, "write config");
	ok(cfg_load_file(p) == -1, "config-bad-no-equals refused");
	unlink(p);
	ok(cfg_load_file("/nonexistent/renrakucho.conf") == -1,
	    "config-bad-missing-file refused");

	setenv("RENRAKUCHO_CONF", "/nonexistent/x.conf", 1);
	return tap_done();
}
