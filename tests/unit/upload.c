/* upload: the type of a file from its first bytes only, the shortest
 * files that still are (or are not) one, and the constant strings a
 * download may keep. */
#include <stdio.h>
#include <string.h>

#include "upload.h"
#include "tap.h"

#define S(lit)	(lit), sizeof(lit) - 1

#define PDF	"application/pdf"
#define JPEG	"image/jpeg"
#define PNG	"image/png"

/* upload_name(name, type) in a buffer of n bytes, compared to want. */
static void
name_is(size_t n, const char *name, const char *type, const char *want,
    const char *what)
{
	char	 b[UPLOAD_NAME_MAX + 1];

	memset(b, 'X', sizeof(b));
	is_str(upload_name(b, n, name, type, "添付ファイル"), want, "%s", what);
}

static void
names(void)
{
	char	 b[UPLOAD_NAME_MAX + 1], in[1024], want[300];
	size_t	 i;

	/* The example: U+202E RIGHT-TO-LEFT OVERRIDE shows
	 * "紹介状tab.pdf" while the name ends in .bat. */
	name_is(sizeof(b), "紹介状\u202Efdp.bat", PDF, "紹介状fdp.bat.pdf",
	    "bidi override dropped, .pdf appended to .bat");
	name_is(sizeof(b), "紹介状.pdf", PDF, "紹介状.pdf", "clean name kept");

	/* Each class of character dropped. */
	name_is(sizeof(b), "a\u202Ab\u202Bc\u202Cd\u202De\u202Ef.pdf", PDF,
	    "abcdef.pdf", "bidi embeddings and overrides U+202A-U+202E");
	name_is(sizeof(b), "a\u2066b\u2067c\u2068d\u2069e.pdf", PDF,
	    "abcde.pdf", "bidi isolates U+2066-U+2069");
	name_is(sizeof(b), "a\u200Eb\u200Fc\u061Cd.pdf", PDF, "abcd.pdf",
	    "LRM, RLM, ALM");
	name_is(sizeof(b), "a\u200Bb\u200Cc\u200Dd\uFEFFe.pdf", PDF,
	    "abcde.pdf", "zero widths and BOM (Cf)");
	name_is(sizeof(b), "a\u2060b\u2061c\u2062d\u2063e\u2064f.pdf", PDF,
	    "abcdef.pdf", "word joiner and invisible operators U+2060-U+2064");
	name_is(sizeof(b), "re\u00ADport.pdf", PDF, "report.pdf",
	    "soft hyphen U+00AD");
	name_is(sizeof(b), "a\tb\rc\nd\x01" "e\x7f" "f\xc2\x85" "g\xc2\x9f" "h.pdf", PDF,
	    "abcdefgh.pdf", "C0, DEL and C1 controls");
	name_is(sizeof(b), "a\u2028b\u2029c.pdf", PDF, "abc.pdf",
	    "line and paragraph separators");
	name_is(sizeof(b), "../../etc/pass\\wd.pdf", PDF, "etcpasswd.pdf",
	    "path separators dropped, leading dots trimmed");
	name_is(sizeof(b), "a\xff\xc3" "b\xed\xa0\x80" "c.pdf", PDF, "abc.pdf",
	    "invalid UTF-8 and surrogates dropped");
	name_is(sizeof(b), "　 報告 書.pdf 　", PDF, "報告 書.pdf",
	    "spaces inside kept, at the ends trimmed");

	/* NFC. */
	name_is(sizeof(b), "か\u3099.png", PNG, "が.png", "NFD か+U+3099 -> が");
	name_is(sizeof(b), "Cafe\u0301.jpg", JPEG, "Caf\u00e9.jpg",
	    "e+U+0301 -> é");
	name_is(sizeof(b), "か\u200B\u3099.pdf", PDF, "が.pdf",
	    "composed once the format character between is gone");
	name_is(sizeof(b), "ｶﾞｲﾄﾞ.pdf", PDF, "ｶﾞｲﾄﾞ.pdf",
	    "NFC, not NFKC: half-width kana kept");

	/* The extension follows the content. */
	name_is(sizeof(b), "scan.JPG", JPEG, "scan.JPG", "JPEG: .JPG kept");
	name_is(sizeof(b), "scan.jpeg", JPEG, "scan.jpeg", "JPEG: .jpeg kept");
	name_is(sizeof(b), "scan.png", JPEG, "scan.png.jpg",
	    "JPEG named .png: .jpg appended");
	name_is(sizeof(b), "report", PDF, "report.pdf", "no extension: added");
	name_is(sizeof(b), "report.", PDF, "report.pdf",
	    "trailing dot: extension added");
	name_is(sizeof(b), "x.pdf.exe", PDF, "x.pdf.exe.pdf",
	    "only the last extension counts");
	name_is(sizeof(b), "x.ｐｄｆ", PDF, "x.ｐｄｆ.pdf",
	    "full-width pdf is not the extension");
	name_is(sizeof(b), "x.bat", "text/csv", "x.bat",
	    "no type of ours: no extension rule");

	/* Empty after cleaning: the default. */
	name_is(sizeof(b), "", PDF, "添付ファイル.pdf", "empty name");
	name_is(sizeof(b), NULL, PNG, "添付ファイル.png", "no name");
	name_is(sizeof(b), "\u202E\u200B/\\", PDF, "添付ファイル.pdf",
	    "nothing left after cleaning");
	name_is(sizeof(b), ".pdf", PDF, "添付ファイル.pdf", "only an extension");
	name_is(sizeof(b), " . .PNG", PNG, "添付ファイル.PNG",
	    "dots and spaces before an extension");

	/* Length: bytes, on a character boundary, extension kept. */
	for (i = 0; i < 100; i++)
		memcpy(in + 3 * i, "あ", 3);
	snprintf(in + 300, sizeof(in) - 300, ".pdf");
	for (i = 0; i < 83; i++)
		memcpy(want + 3 * i, "あ", 3);
	snprintf(want + 249, sizeof(want) - 249, ".pdf");
	name_is(sizeof(b), in, PDF, want,
	    "100 あ.pdf: 83 あ (249 bytes) + .pdf = 253 bytes <= 255");
	ok(strlen(upload_name(b, sizeof(b), in, PDF, "x")) <= UPLOAD_NAME_MAX,
	    "at most UPLOAD_NAME_MAX bytes");
	name_is(10, "あいうえお.pdf", PDF, "あ.pdf",
	    "9 bytes: one あ and .pdf, never part of い");
	name_is(11, "あいうえお.pdf", PDF, "あい.pdf", "10 bytes: あい.pdf");
	name_is(9, "か\u3099か\u3099.pdf", PDF, "が.pdf",
	    "cut after a composed character");
	name_is(9, "xq\u0302\u0303.pdf", PDF, "x.pdf",
	    "cut between graphemes: q with its marks, or nothing of it");
	name_is(11, "xq\u0302\u0303.pdf", PDF, "xq\u0302\u0303.pdf",
	    "a grapheme that fits is kept whole");
	name_is(12, "e\u0301\u0302\u0303\u0304.pdf", PDF,
	    "\u00e9\u0302\u0303.pdf",
	    "one grapheme longer than the room: cut between characters");
	name_is(11, "ab cd e.pdf", PDF, "ab cd.pdf",
	    "a cut stem ends without its space");
	name_is(5, "report.pdf", PDF, ".pdf", "no room for a stem: the extension");
	name_is(1, "report.pdf", PDF, "", "one byte: empty string");
	name_is(12, "renrakucho-事務PC.p12", "application/x-pkcs12",
	    "renraku.p12", "another type: its extension kept in a cut");
	name_is(sizeof(b), ".p12", "application/x-pkcs12", "添付ファイル.p12",
	    "another type: empty stem, the default");
	ok(upload_name(b, 0, "x", PDF, "y") == NULL, "bad: no room at all");
}

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

	ok(!upload_inline("application/pdf"), "PDF is downloaded");
	ok(upload_inline("image/jpeg") && upload_inline("image/png"),
	    "JPEG and PNG are shown inline");
	ok(!upload_inline("text/csv; charset=utf-8") && !upload_inline(NULL),
	    "anything else is downloaded");

	names();
	return tap_done();
}
