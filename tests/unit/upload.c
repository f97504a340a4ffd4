/* upload: the type of a file from its first bytes only, the shortest
 * files that still are (or are not) one, and the constant strings a
 * download may keep. */
#include <stdio.h>
#include <string.h>

#include "upload.h"
#include "tap.h"

#define S(lit)	(lit), sizeof(lit) - 1

int
main(void)
{
	static const char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF";
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	char	 stored[32];

	is_str(upload_sniff(S("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")),
	    "application/pdf", "PDF");
	is_str(upload_sniff(S("%PDF-")), "application/pdf",
	    "PDF: the magic alone is enough");
	ok(upload_sniff(S("%PDF")) == NULL, "bad: PDF magic cut short");
	ok(upload_sniff(S("%pdf-1.4")) == NULL, "bad: lower-case %%pdf-");
	ok(upload_sniff(S(" %PDF-1.4")) == NULL, "bad: PDF magic not first");
	is_str(upload_sniff(jpeg, sizeof(jpeg) - 1), "image/jpeg", "JPEG");
	is_str(upload_sniff(S("\xff\xd8\xff")), "image/jpeg",
	    "JPEG: three bytes");
	ok(upload_sniff(S("\xff\xd8")) == NULL, "bad: JPEG cut short");
	ok(upload_sniff(S("\xff\xd8\xfe")) == NULL, "bad: not a JPEG marker");
	is_str(upload_sniff(png, sizeof(png) - 1), "image/png", "PNG");
	is_str(upload_sniff(S("\x89PNG\r\n\x1a\n")), "image/png",
	    "PNG: the signature alone");
	ok(upload_sniff(S("\x89PNG\r\n\x1a")) == NULL, "bad: PNG cut short");
	ok(upload_sniff(S("\x89PNG\n\n\x1a\n")) == NULL,
	    "bad: PNG signature mangled by a text transfer");
	ok(upload_sniff(S("GIF89a")) == NULL, "bad: GIF is not accepted");
	ok(upload_sniff(S("<html><script>alert(1)</script>")) == NULL,
	    "bad: HTML is not accepted");
	ok(upload_sniff(S("MZ\x90\0")) == NULL, "bad: an executable");
	ok(upload_sniff("", 0) == NULL, "bad: empty file");
	ok(upload_sniff(NULL, 0) == NULL, "bad: no data");
	ok(upload_sniff(NULL, 8) == NULL, "bad: no data, a length");

	/* A stored type comes back as the library's own constant. */
	snprintf(stored, sizeof(stored), "%s", "image/png");
	ok(upload_type(stored) == upload_sniff(png, sizeof(png) - 1),
	    "stored image/png: the same constant as the sniffer's");
	is_str(upload_type("application/pdf"), "application/pdf",
	    "stored application/pdf");
	is_str(upload_type("image/jpeg"), "image/jpeg", "stored image/jpeg");
	ok(upload_type("text/html") == NULL, "bad: stored text/html refused");
	ok(upload_type("image/png; charset=utf-8") == NULL,
	    "bad: stored type with parameters refused");
	ok(upload_type("IMAGE/PNG") == NULL, "bad: stored type upper-case");
	ok(upload_type("") == NULL, "bad: stored empty type");
	ok(upload_type(NULL) == NULL, "bad: no stored type");

	is_str(upload_ext("application/pdf"), ".pdf", "extension of PDF");
	is_str(upload_ext("image/jpeg"), ".jpg", "extension of JPEG");
	is_str(upload_ext("image/png"), ".png", "extension of PNG");
	is_str(upload_ext("text/plain"), "", "bad: no extension for text");
	is_str(upload_ext(NULL), "", "bad: no extension for no type");
	return tap_done();
}
