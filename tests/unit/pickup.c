/* pickup: the key of a remote address's pickup failures: an IPv4
 * address as itself, an IPv6 address as its /64, so that the addresses
 * one host takes from its /64 share one counter.  And a device's label
 * (cert_v_label): a line of 1-100 characters that fits the certificate's
 * subject (256 bytes of UTF-8). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cert.h"
#include "pickup.h"
#include "req.h"
#include "tap.h"

/* cert_v_label on s: 1 valid, 0 refused (*err its reason). */
static int
label_ok(const char *s, const char **err)
{
	static const struct req_key	 k = CERT_LABEL_KEY;
	static char			 buf[1024];
	struct req_val			 v;

	snprintf(buf, sizeof(buf), "%s", s);
	memset(&v, 0, sizeof(v));
	v.present = 1;
	v.s = buf;
	v.len = strlen(buf);
	*err = NULL;
	if (k.valid(&v, &k))
		return 1;
	*err = v.err != NULL ? v.err : "";
	return 0;
}

static const char *
key(const char *addr)
{
	static char	 out[64];

	if (pickup_addr_key(addr, out, sizeof(out)) == -1)
		return "ERR";
	return out;
}

/* n kanji (U+6F22, three bytes each) into out. */
static void
kanji(char *out, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		memcpy(out + i * 3, "\xe6\xbc\xa2", 3);
	out[n * 3] = '\0';
}

int
main(void)
{
	char		 small[8], a[64], b[64], big[512];
	const char	*err;

	is_str(key("192.0.2.7"), "192.0.2.7", "IPv4: the address itself");
	is_str(key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64",
	    "IPv6: its /64");
	snprintf(a, sizeof(a), "%s", key("2001:db8:1:2::1"));
	snprintf(b, sizeof(b), "%s", key("2001:db8:1:2:ffff::9"));
	is_str(a, b, "two IPv6 addresses in one /64: one key");
	is_str(a, "2001:db8:1:2::/64", "... the /64 itself");
	snprintf(b, sizeof(b), "%s", key("2001:db8:1:3::1"));
	is_str(b, "2001:db8:1:3::/64", "the neighbouring /64: its own key");
	ok(strcmp(a, b) != 0, "IPv6 addresses in neighbouring /64s: two keys");
	is_str(key("::1"), "::/64", "IPv6 loopback: its /64");
	is_str(key("::ffff:192.0.2.7"), "192.0.2.7",
	    "IPv4-mapped IPv6: the IPv4 address");
	is_str(key("fe80::1%eth0"), "ERR", "a scoped address is refused");
	is_str(key("2001:db8::1/64"), "ERR", "a network is no address");
	is_str(key(""), "ERR", "empty: refused");
	is_str(key("192.0.2.300"), "ERR", "a bad IPv4 address: refused");
	ok(pickup_addr_key("2001:db8:1:2::1", small, sizeof(small)) == -1,
	    "a buffer too small: refused");

	/* Labels: 100 ASCII letters (100 bytes) and 85 kanji (255 bytes)
	 * fit; 86 kanji (258 bytes) and 100 (300) do not, with the reason
	 * in Japanese; 101 letters are over the 100 characters. */
	memset(big, 'L', 100);
	big[100] = '\0';
	ok(label_ok(big, &err), "a label of 100 ASCII letters: valid");
	big[100] = 'L';
	big[101] = '\0';
	ok(!label_ok(big, &err), "101 ASCII letters: refused");
	kanji(big, 85);
	ok(label_ok(big, &err), "85 kanji (255 bytes): valid");
	kanji(big, 86);
	ok(!label_ok(big, &err) && strstr(err, "端末名が長すぎます") != NULL,
	    "86 kanji (258 bytes): refused, 端末名が長すぎます");
	kanji(big, 100);
	ok(!label_ok(big, &err) && strstr(err, "85文字まで") != NULL,
	    "100 kanji (300 bytes, within 100 characters): refused, the limit said");
	ok(label_ok("訪問用タブレット2", &err), "an ordinary label: valid");
	ok(!label_ok("a\r\nb", &err), "a label of two lines: refused");
	return tap_done();
}
