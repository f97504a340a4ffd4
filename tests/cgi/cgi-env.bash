# Runs a built CGI as fcgiwrap does: an environment of CGI variables
# only, the body on stdin, the raw CGI answer on stdout.  Sourced by the
# tests/cgi/*.sh that need no database (after tests/lib.sh).
#
#   cgi_run CGI [VAR=VALUE...] [< BODY]
#       runs $CGI_BIN/CGI with exactly the given variables (plus
#       RENRAKUCHO_CONF); afterwards CGI_STATUS ("405"), CGI_HEAD (the
#       header lines, without CR, in order), CGI_BODY (a file) and
#       CGI_RAW (the whole answer, a file)
#   cgi_is_error STATUS TITLE NAME
#       the answer is the error page STATUS with the Japanese TITLE and
#       exactly the headers every answer carries
#   cgi_connections
#       how many connections the CGIs opened to the database so far
#
# The configuration points the CGIs at a unix socket in TEST_TMP where a
# listener counts connections and closes each at once: a page that
# connects gets no database (503), and a test can tell whether a refusal
# came before any connection.

CGI_CONF=$TEST_TMP/renrakucho.conf
CGI_DB_DIR=$TEST_TMP/db
CGI_DB_PORT=6432
CGI_DB_COUNT=$TEST_TMP/db-connections
mkdir -p "$CGI_DB_DIR"
cat > "$CGI_CONF" <<EOF
db_host = $CGI_DB_DIR
db_port = $CGI_DB_PORT
app_url = https://app.example.jp/
portal_url = https://portal.example.jp/
EOF

# The listener: one line per accepted connection in CGI_DB_COUNT.
: > "$CGI_DB_COUNT"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(16)
open(sys.argv[3], "w").close()
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write("connection\n")
    c.close()
' "$CGI_DB_DIR/.s.PGSQL.$CGI_DB_PORT" "$CGI_DB_COUNT" "$TEST_TMP/db-ready" &
CGI_DB_PID=$!
trap 'kill "$CGI_DB_PID" 2> /dev/null; rm -rf "$TEST_TMP"' EXIT
for _ in $(seq 50); do
	[ -e "$TEST_TMP/db-ready" ] && break
	sleep 0.1
done
[ -e "$TEST_TMP/db-ready" ] || bail "the database listener did not start"

cgi_connections() {
	wc -l < "$CGI_DB_COUNT" | tr -d ' '
}

cgi_run() {
	local cgi=$1
	shift
	[ -x "$CGI_BIN/$cgi" ] || bail "no CGI at $CGI_BIN/$cgi"
	CGI_RAW=$TEST_TMP/raw
	CGI_BODY=$TEST_TMP/body
	env -i "${SAN_ENV[@]}" RENRAKUCHO_CONF="$CGI_CONF" GATEWAY_INTERFACE=CGI/1.1 \
	    SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=192.0.2.10 "$@" \
	    "$CGI_BIN/$cgi" > "$CGI_RAW" 2> "$TEST_TMP/stderr"
	# The head ends at the first empty line (CRLF CRLF).
	CGI_HEAD=$(LC_ALL=C awk '{ sub(/\r$/, "") } $0 == "" { exit } { print }' \
	    "$CGI_RAW")
	# The body byte for byte, for Content-Length.
	LC_ALL=C perl -0777 -ne 'print $1 if /\r\n\r\n(.*)\z/s' "$CGI_RAW" \
	    > "$CGI_BODY"
	CGI_STATUS=$(printf '%s\n' "$CGI_HEAD" | sed -n 's/^Status: \([0-9]*\) .*/\1/p')
}

# The header lines every answer carries after Status, Content-Type and
# Content-Length, in order.
CGI_SECURITY_HEADERS="Content-Security-Policy: default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'
X-Content-Type-Options: nosniff
X-Frame-Options: DENY
Referrer-Policy: no-referrer
Strict-Transport-Security: max-age=31536000
Cache-Control: no-store"

cgi_status_text() {
	case $1 in
	400) echo 'Bad Request' ;;
	403) echo 'Forbidden' ;;
	404) echo 'Not Found' ;;
	405) echo 'Method Not Allowed' ;;
	413) echo 'Content Too Large' ;;
	415) echo 'Unsupported Media Type' ;;
	500) echo 'Internal Server Error' ;;
	503) echo 'Service Unavailable' ;;
	esac
}

# cgi_is_error STATUS TITLE NAME [BODYLESS]: BODYLESS=1 for HEAD, whose
# answer has the head only (Content-Length still the page's).
cgi_is_error() {
	local status=$1 title=$2 name=$3 bodyless=${4:-0} len want
	len=$(printf '%s\n' "$CGI_HEAD" | sed -n 's/^Content-Length: //p')
	want="Status: $status $(cgi_status_text "$status")
Content-Type: text/html; charset=utf-8
Content-Length: $len
$CGI_SECURITY_HEADERS"
	# The database away: come back later.
	[ "$status" = 503 ] && want+=$'\nRetry-After: 30'
	is "$CGI_HEAD" "$want" "$name: status $status and exactly the security headers"
	if [ "$bodyless" = 1 ]; then
		is "$(wc -c < "$CGI_BODY" | tr -d ' ')" 0 "$name: no body"
		return
	fi
	is "$len" "$(wc -c < "$CGI_BODY" | tr -d ' ')" "$name: Content-Length is the body's"
	like "$(cat "$CGI_BODY")" "<title>$title - 電子連絡帳</title>" "$name: title $title"
	like "$(cat "$CGI_BODY")" "<h1>$title</h1>" "$name: heading $title"
	like "$(cat "$CGI_BODY")" "エラー番号: $status<" "$name: error number $status"
}

# A syntactically valid client certificate (self-signed, made once per
# script), URL-escaped as nginx's $ssl_client_escaped_cert is.
cgi_make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$TEST_TMP/dev.key" -out "$TEST_TMP/dev.pem" -days 1 \
	    -subj '/CN=cgi test device' 2> /dev/null || bail "openssl req failed"
	CGI_CERT=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read(), safe=""))' "$TEST_TMP/dev.pem")
	CGI_SERIAL=$(openssl x509 -in "$TEST_TMP/dev.pem" -noout -serial | sed 's/^serial=//')
}
