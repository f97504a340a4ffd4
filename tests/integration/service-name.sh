#!/bin/bash
# The network's own name and contact everywhere: with an unusual
# service_name and secretariat contact in renrakucho.conf (markup
# characters, non-ASCII), the site rendered again (conf/render-site.sh,
# as after any change of them) serves every portal page and every
# manual page (listed from the source tree, so a new page is covered)
# with the name and the contact HTML-escaped and no 電子連絡帳 left; an
# app page's title and footer show them; a mail's subject is 【name】...
# The original configuration and site are restored at the end, for the
# scripts that run after this one on the same stack.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] && [ -n "${RUN_DIR:-}" ] || bail "no ADMIN/RUN_DIR: source demo.env"

U=$(date +%s%N | tail -c 9)
conf=${ADMIN##*--conf }
share=$PREFIX/share/renrakucho
[ -f "$conf" ] && [ -f "$share/conf/render-site.sh" ] || bail "no $conf or $share/conf/render-site.sh"
q() { psql_owner "$1"; }
render() { bash "$share/conf/render-site.sh" "$conf" "$share/www" "$RUN_DIR/www"; }

NAME="ルピナスネット出雲 <&\"'>"
NAME_HTML='ルピナスネット出雲 &lt;&amp;&quot;&#39;&gt;'
# In the app's element text (lib/html.c html_text) only & < > are
# escaped; render-site.sh escapes " and ' too.
APP_NAME_HTML="ルピナスネット出雲 &lt;&amp;\"'&gt;"
APP_SEC_HTML="出雲市 医療介護連携課 &lt;&amp;\"'&gt; 係"
SEC="出雲市 医療介護連携課 <&\"'> 係"
SEC_HTML='出雲市 医療介護連携課 &lt;&amp;&quot;&#39;&gt; 係'
PHONE=0853-21-9999
HOURS='平日 9:00〜17:00'

# The configuration as it was; the last value of a key counts, so the
# test's values are appended and the original written back at the end.
orig=$TEST_TMP/renrakucho.conf.orig
cat "$conf" > "$orig"
restore() { cat "$orig" > "$conf"; render; }
trap 'restore; _tap_exit' EXIT
{
	printf 'service_name = %s\n' "$NAME"
	printf 'secretariat_name = %s\n' "$SEC"
	printf 'secretariat_phone = %s\n' "$PHONE"
	printf 'secretariat_hours = %s\n' "$HOURS"
} >> "$conf"
render
is "$?" 0 'render-site.sh renders the site with the new values'

# --- every page, as nginx serves it ---------------------------------------------
check_page() {	# check_page LABEL
	local body
	body=$(cat "$HTTP_BODY")
	is "$HTTP_STATUS" 200 "$1: 200"
	case $body in *"$NAME_HTML"*) pass "$1: the service name, escaped" ;;
	*) fail "$1: the service name, escaped" ;; esac
	case $body in *"$SEC_HTML"*) pass "$1: the secretariat, escaped" ;;
	*) fail "$1: the secretariat, escaped" ;; esac
	case $body in *"<&\"'>"*) fail "$1: no raw markup from the configuration" ;;
	*) pass "$1: no raw markup from the configuration" ;; esac
	unlike "$body" '電子連絡帳' "$1: no fixed name 電子連絡帳"
	unlike "$body" '@[A-Z_]+@' "$1: no unfilled token"
}
npages=0
while IFS= read -r f; do
	p=${f#"$TOP/www/portal/"}
	p=${p%index.html}
	portal_get "/$p"
	check_page "portal /$p"
	npages=$((npages + 1))
done < <(find "$TOP/www/portal" -name '*.html' | sort)
while IFS= read -r f; do
	p=${f#"$TOP/www/manual/"}
	p=${p%index.html}
	http_get STAFF1 "/manual/$p"
	check_page "manual /manual/$p"
	npages=$((npages + 1))
done < <(find "$TOP/www/manual" -name '*.html' | sort)
ok "every page of the source tree was checked ($npages)" [ "$npages" -ge 12 ]
portal_get /
like "$(cat "$HTTP_BODY")" "<dd>$HOURS</dd>" 'portal: the secretariat hours'
like "$(cat "$HTTP_BODY")" "tel:$PHONE" 'portal: the secretariat phone as a link'

# --- the app: title and footer of a logged-in page --------------------------------
login_ok STAFF1
http_get STAFF1 /home
body=$(cat "$HTTP_BODY")
is "$HTTP_STATUS" 200 '/home: 200'
case $body in *"<title>ホーム - $APP_NAME_HTML</title>"*) pass '/home: the title names the service, escaped' ;;
*) fail '/home: the title names the service, escaped' ;; esac
case $body in *"お問い合わせ：$APP_SEC_HTML</span>　<span>電話 $PHONE（$HOURS）</span>"*)
	pass '/home: the footer shows the secretariat, its phone and hours' ;;
*) fail '/home: the footer shows the secretariat, its phone and hours' ;; esac
unlike "$body" '電子連絡帳' '/home: no fixed name 電子連絡帳'

# --- a mail's subject ----------------------------------------------------------------
LOGIN="svn$U"
printf '%s\n' "$(new_password Svc)" | $ADMIN account add --facility "$INSIDE_FACILITY_ID" \
    --login "$LOGIN" --name "名称 試験$U" --email "$LOGIN@example.jp" > /dev/null
is "$?" 0 'account add'
printf '%s\n' "$(new_password Svc)" | $ADMIN account passwd --login "$LOGIN" > /dev/null
is "$?" 0 'account passwd (mails the person)'
is "$(q "SELECT subject FROM renrakucho.mail_outbox WHERE to_addr = '$LOGIN@example.jp'")" \
    "【$NAME】パスワード変更のお知らせ" 'the mail subject names the service'
like "$(q "SELECT body FROM renrakucho.mail_outbox WHERE to_addr = '$LOGIN@example.jp'")" \
    "ルピナスネット出雲 <&\"'>のログインID $LOGIN のパスワードが変更されました" \
    'the mail body names the service'

# --- a value out of bounds: the CGIs refuse the file rather than show it ------------
printf 'service_name = %s\n' "$(printf 'あ%.0s' $(seq 41))" >> "$conf"
out=$($ADMIN facility list 2>&1)
like "$out" 'service_name refused \(1 to 40 characters\)' 'a service name of 41 characters is refused'

# --- restored ------------------------------------------------------------------------
restore
is "$(cat "$conf")" "$(cat "$orig")" 'restored: the configuration file as it was'
portal_get /
unlike "$(cat "$HTTP_BODY")" 'ルピナスネット出雲' 'restored: the portal shows the original name again'
done_testing
