"""The hostile-input checks' driver (tests/integration/hostile-forms.sh):
HTTP over one kept-alive TLS connection a person (their device
certificate and their session cookie), SQL through one psql, TAP on
stdout.  Standard library only.

The payloads are those of hostile/lib.sh: NUL, overlong UTF-8, a lone
surrogate, 100,000 characters, markup, SQL, "\\r\\n" header injection,
full-width and combining characters (TEXT); for an id, a token, a number,
a date or a select's value, IDS: those that differ in kind, and numbers
beyond bigint and in full-width digits.  A certificate's label besides
gets 100 kanji (300 bytes: over the 256 of the certificate's subject),
85 kanji and 100 ASCII letters (within).

The verdicts (hostile/lib.sh's): a 4xx with a Japanese page and nothing
written (for an edit, the row as it was); or 2xx/3xx with exactly what
was sent stored (a payload that is not UTF-8 text is never accepted),
shown escaped on the page that shows it; never a 5xx, never a broken
connection; no answer carries an injected header.
"""
import http.client
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.parse

PAYLOADS = {
    'nul': b'a\x00b',
    'overlong': b'\xc0\xaf\xc0\xae/etc',
    'surrogate': b'x\xed\xa0\x80y',
    'long': ('あ' * 100000).encode(),
    'markup': b'<script>alert(1)</script><img src=x onerror=alert(2)>"\'&',
    'sql': b"x'); DROP TABLE renrakucho.account;-- ' OR '1'='1",
    'crlf': b'a\r\nSet-Cookie: rk=1\r\nX-Injected: 1',
    'fullwidth': 'ＡＢＣ＜ｓｃｒｉｐｔ＞１２３＠ｅｘａｍｐｌｅ'.encode(),
    'combining': 'か\u3099ﾞe\u0301 👩\u200d⚕️'.encode(),
    'bignum': b'99999999999999999999999',
    'negative': b'-1',
    'widedigit': '１２'.encode(),
    'kanji100': ('漢' * 100).encode(),
    'kanji85': ('漢' * 85).encode(),
    'ascii100': b'L' * 100,
}
TEXT = ['nul', 'overlong', 'surrogate', 'long', 'markup', 'sql', 'crlf',
        'fullwidth', 'combining']
IDS = ['nul', 'long', 'markup', 'crlf', 'bignum', 'widedigit']
LABEL = TEXT + ['kanji100', 'kanji85', 'ascii100']
JAPANESE = re.compile('[\u3041-\u30ff\u4e00-\u9fff]')
MARKUP = re.compile(rb'<script>alert\(1\)|<img src=x onerror')


def text_of(p, lf=False):
    """The payload as the app must store it, or None (never to be
    accepted): not UTF-8, or with NUL."""
    try:
        t = PAYLOADS[p].decode('utf-8')
    except UnicodeDecodeError:
        return None
    if '\x00' in t:
        return None
    return t.replace('\r\n', '\n') if lf else t


def pct(p):
    return urllib.parse.quote(PAYLOADS[p], safe='')


def path_seg(p):
    """A payload for a path segment: of the 100,000 characters, 800
    (7,200 bytes encoded: within nginx's 8 KB for a request line, so the
    application gets the id; over it, nginx answers 414 and may reset the
    connection before its answer is read, as hostile-input.sh's search
    does for the query string)."""
    if p == 'long':
        return urllib.parse.quote(('あ' * 800).encode(), safe='')
    return pct(p)


# --- TAP -----------------------------------------------------------------
N = 0
FAILED = []


def result(ok, name, why=''):
    global N
    N += 1
    if ok:
        print('ok %d - %s' % (N, name), flush=True)
    else:
        print('not ok %d - %s' % (N, name), flush=True)
        for line in str(why).splitlines() or ['']:
            print('# ' + line)
        FAILED.append(name)


def bail(why):
    print('Bail out! ' + why, flush=True)
    sys.exit(1)


def diag(s):
    for line in str(s).splitlines():
        print('# ' + line, flush=True)


# --- SQL: one psql as the owner ---------------------------------------------
class Psql:
    def __init__(self, dsn):
        self.p = subprocess.Popen(['psql', dsn, '-X', '-q', '-tA'],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)

    def q(self, sql):
        self.p.stdin.write(sql.encode() + b';\n\\echo __q_end__\n')
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                bail('psql ended')
            line = line.rstrip(b'\n').decode('utf-8', 'replace')
            if line == '__q_end__':
                break
            if line.startswith('ERROR:'):
                raise RuntimeError('SQL: %s: %s' % (line, sql[:200]))
            out.append(line)
        return '\n'.join(out)

    def hex_of(self, sql):
        return self.q("SELECT encode(convert_to((%s), 'UTF8'), 'hex')" % sql)


def lit(s):
    return "'" + s.replace("'", "''") + "'"


# --- HTTP ----------------------------------------------------------------------
class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def location(self):
        for k, v in self.headers:
            if k.lower() == 'location':
                return v
        return ''

    def input_value(self, name):
        m = re.search(rb'<input[^>]*name="' + name.encode() + rb'"[^>]*>', self.body)
        if not m:
            return ''
        v = re.search(rb'value="([^"]*)"', m.group(0))
        return v.group(1).decode() if v else ''


class Client:
    """One person: their certificate (None: none), their cookies, one
    kept-alive connection."""

    def __init__(self, base, pem=None, source=None):
        self.source = (source, 0) if source else None
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 443
        self.ctx = ssl.create_default_context(cafile=os.environ['CA_CERT'])
        if pem:
            self.ctx.load_cert_chain(pem)
        self.cookies = {}
        self.conn = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPSConnection(self.host, self.port,
                                                    context=self.ctx, timeout=60,
                                                    source_address=self.source)
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, ctype=None, headers=None):
        h = {'Host': '%s:%d' % (self.host, self.port)}
        if self.cookies:
            h['Cookie'] = '; '.join('%s=%s' % kv for kv in self.cookies.items())
        if ctype:
            h['Content-Type'] = ctype
        h.update(headers or {})
        # A request nginx answers before reading it all (a body over
        # client_max_body_size: 413; an address over its buffers: 414)
        # may lose the answer to the reset of its close (the unread rest
        # of the request): such a request, which never reached the
        # application, is sent again (at most three times).
        big = len(path) > 8000 or (body is not None and len(body) > 60000)
        tries = 3 if big else 2
        for attempt in range(1, tries + 1):
            c = self._conn()
            sent_all = True
            try:
                c.request(method, path, body=body, headers=h)
            except (BrokenPipeError, ConnectionResetError):
                # nginx answered (413, 414) before reading all of it:
                # its answer is still there to read.
                sent_all = False
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt < tries:
                    continue
                return Answer('000', [], b'')
            try:
                r = c.getresponse()
                data = r.read()
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError) as e:
                # A kept-alive connection the server had closed: once more
                # on a new one, unless the request was sent (then it
                # counts as the broken connection it was).
                self.close()
                if attempt < tries and (big or (sent_all and isinstance(
                        e, http.client.RemoteDisconnected))):
                    continue
                return Answer('000', [], b'')
            except (http.client.HTTPException, OSError):
                self.close()
                return Answer('000', [], b'')
            hdrs = r.getheaders()
            for k, v in hdrs:
                if k.lower() == 'set-cookie':
                    nv = v.split(';', 1)[0]
                    if '=' in nv:
                        n, val = nv.split('=', 1)
                        if val == '' or 'Max-Age=0' in v or 'max-age=0' in v:
                            self.cookies.pop(n.strip(), None)
                        else:
                            self.cookies[n.strip()] = val
            if r.will_close or not sent_all:
                self.close()
            return Answer(str(r.status), hdrs, data)
        return Answer('000', [], b'')

    def get(self, path):
        return self.request('GET', path)

    def post_form(self, path, pairs):
        """pairs: (name, already percent-encoded value)."""
        body = '&'.join('%s=%s' % kv for kv in pairs).encode()
        return self.request('POST', path, body, 'application/x-www-form-urlencoded')

    def post_multipart(self, path, parts):
        """parts: (name, bytes) or (name, bytes, filename-bytes, type)."""
        b = b'hostile%d' % (time.time_ns() % 10 ** 9)
        out = b''
        for part in parts:
            if len(part) == 2:
                out += (b'--' + b + b'\r\nContent-Disposition: form-data; name="' +
                        part[0].encode() + b'"\r\n\r\n' + part[1] + b'\r\n')
            else:
                out += (b'--' + b + b'\r\nContent-Disposition: form-data; name="' +
                        part[0].encode() + b'"; filename="' +
                        part[2].replace(b'"', b'%22') + b'"\r\nContent-Type: ' +
                        part[3].encode() + b'\r\n\r\n' + part[1] + b'\r\n')
        out += b'--' + b + b'--\r\n'
        return self.request('POST', path, out,
                            'multipart/form-data; boundary=' + b.decode())

    def login(self, login, password):
        # The test stack's login rate limit (nginx's, limits.sh) is
        # shared by every script from this address: a 429 waits for
        # the bucket and tries again, for at most 20 s.
        for _ in range(20):
            self.cookies = {}
            a = self.get('/login')
            tok = a.input_value('csrf')
            a = self.post_form('/login', [('login', pct_s(login)),
                                          ('password', pct_s(password)),
                                          ('csrf', pct_s(tok))])
            if a.status != '429':
                break
            time.sleep(1)
        if a.status != '303':
            bail('login %s: %s' % (login, a.status))
        return a

    def csrf(self, path='/home'):
        a = self.get(path)
        tok = a.input_value('csrf')
        if not tok:
            bail('no csrf token on %s (%s)' % (path, a.status))
        return tok


def pct_s(s):
    return urllib.parse.quote(s.encode(), safe='')


def form(base, field, p):
    """base: (name, plain text value) pairs; field's value replaced by
    the payload p (percent-encoded), the other pairs encoded."""
    out = []
    for k, v in base:
        out.append((k, pct(p) if k == field else pct_s(v)))
    if field not in [k for k, _ in base]:
        out.append((field, pct(p)))
    return out


# --- verdicts ------------------------------------------------------------------
def common(a):
    """What no answer may be: a 5xx, a broken connection, an injected
    header.  Returns a reason or ''."""
    if a.status == '000':
        return 'no answer (connection broken)'
    if a.status.startswith('5'):
        return 'answered %s' % a.status
    for k, v in a.headers:
        if k.lower() == 'x-injected' or (k.lower() == 'set-cookie' and v.startswith('rk=')):
            return 'an injected header: %s: %s' % (k, v)
    return ''


def refused_ok(a, before, after):
    why = []
    if not JAPANESE.search(a.body.decode('utf-8', 'replace')):
        why.append('a %s without a Japanese message' % a.status)
    if before != after:
        why.append('refused but changed (%s -> %s)' % (before[:200], after[:200]))
    return '; '.join(why)


def judge(what, a, why):
    result(not why, '%s: %s' % (what, a.status if not why else
                                'never a 500, never a partial write'), why)


def stored_ok(a, p, lf, db, stored_sql):
    """An acceptance: of a payload that is text, stored as it was sent
    (STORED, when given).  Returns a reason or ''."""
    t = text_of(p, lf)
    if t is None:
        return 'accepted (%s) a payload that is not UTF-8 text' % a.status
    if stored_sql and db.hex_of(stored_sql) != t.encode().hex():
        return 'stored differently: %s' % db.q(stored_sql)[:80]
    return ''


def verdict(what, a, db, state_sql, s0, on_accept):
    """The answer a, STATE (SQL) s0 before it: never a 5xx (common);
    a 4xx in Japanese with STATE as it was; or an acceptance that
    on_accept(STATE after) finds right (it returns a reason or '').
    True for a right acceptance."""
    why = common(a)
    if not why:
        s1 = db.q(state_sql)
        if a.status.startswith('4'):
            why = refused_ok(a, s0, s1)
        else:
            why = on_accept(s1)
    judge(what, a, why)
    return why == '' and not a.status.startswith('4')


def escaped(a, page, client):
    """An accepted payload shown escaped: on PAGE, or on the answer."""
    if page:
        return shown_escaped(client, page)
    return 'shown unescaped' if MARKUP.search(a.body) else ''


def v_insert(what, p, a, db, count_sql, c0, stored_sql=None, page=None,
             client=None, lf=False):
    """A form that adds rows: refused with COUNT unchanged, or accepted
    with one row more in each count and STORED the payload's text."""
    def accepted(c1):
        d = {int(y) - int(x) for x, y in zip(c0.split('|'), c1.split('|'))}
        if d != {1}:
            return 'accepted (%s) but rows %s -> %s, not one more each' % (a.status, c0, c1)
        return stored_ok(a, p, lf, db, stored_sql) or escaped(a, page, client)
    return verdict(what, a, db, count_sql, c0, accepted)


def v_update(what, p, a, db, snap_sql, s0, stored_sql, snap_rest_sql, r0,
             page=None, client=None, lf=False):
    """An edit: refused with the row (SNAP) as it was, or accepted with
    STORED the payload's text and the rest of the row (SNAP_REST) as it
    was."""
    def accepted(s1):
        why = stored_ok(a, p, lf, db, stored_sql)
        if not why and db.q(snap_rest_sql) != r0:
            why = 'the rest of the row changed: %s -> %s' % (r0[:200], db.q(snap_rest_sql)[:200])
        return why or escaped(a, page, client)
    return verdict(what, a, db, snap_sql, s0, accepted)


def v_none(what, a, db, state_sql, s0, ok_after=None, page=None, client=None):
    """A payload that must never take effect: refused (a 4xx in Japanese)
    or ignored (2xx/3xx), STATE as it was (or OK_AFTER on an answer
    that ignored it), and no markup shown."""
    def accepted(s1):
        if s1 != s0 and s1 != ok_after:
            return 'took effect (%s -> %s)' % (s0, s1)
        return ('shown unescaped' if MARKUP.search(a.body) else '') or \
            (shown_escaped(client, page) if page else '')
    verdict(what, a, db, state_sql, s0, accepted)


def shown_escaped(client, page):
    a = client.get(page)
    if a.status != '200':
        return 'the page that shows it, %s: %s' % (page, a.status)
    if MARKUP.search(a.body):
        return 'shown unescaped on %s' % page
    return ''


def done():
    print('1..%d' % N, flush=True)
    if FAILED:
        diag('%d failed' % len(FAILED))
    sys.exit(1 if FAILED else 0)
