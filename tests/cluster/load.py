"""The cluster test's clients (tests/cluster/run).  Standard library only.

  load.py load URL SOURCE USERS TEAM SECONDS RATE OUT
      One thread a person of USERS (lines "login<TAB>password<TAB>pem"),
      all through the balancer at URL, connecting from the address SOURCE
      (the balancer passes it on in the PROXY protocol header).  Each
      person logs in and then repeats, at RATE requests a second shared
      by all: the timeline, a message post, the timeline, a 👍.  A post
      carries its own client token; until it is answered with the
      redirect (303) it is sent again, the same form with the same
      token, a second later (as a person presses the button again), for
      up to 90 seconds.  A connection is kept for at most 8 requests,
      so both web nodes get every person's requests.
      Writes OUT/requests.tsv (start end kind status detail) and
      OUT/posts.tsv (token acknowledged attempts), one line each.
  load.py get NODE PEM PATH [SOURCE]
      One GET on a web node directly (NODE addr:port), with a PROXY
      protocol header naming SOURCE (127.0.0.50), with or without
      (PEM "-") a device certificate; prints the status (000: the TLS
      handshake or the connection failed) and the page's <h1>.
  load.py login URL SOURCE PEM LOGIN PASSWORD
      One login through URL from SOURCE (within 20 seconds): "ok" or
      "failed".
  load.py sizing NODE SOURCE USERS TEAM SECONDS WORKERS OUT
      The same mix, closed loop (no pause), WORKERS threads on one web
      node directly; prints "requests N seconds S".
  load.py cpu WEB_DIR PGDATA...
      CPU time in clock ticks used so far by one web node's processes
      (every process whose command line names WEB_DIR: nginx, fcgiwrap
      and the CGIs it reaped, pgbouncer, the node's HAProxy) and by the
      PostgreSQL servers of PGDATA... (postmasters, their backends and
      the backends they reaped): "web N db N".

Statuses: 200, 303 and 503 are expected; a 503 must carry Retry-After
and a Japanese page.  000 is a connection that broke without an answer
(the balancer cutting a node that is down), "timeout" a request that had
no answer in 30 seconds.
"""
import http.client
import os
import random
import re
import socket
import ssl
import sys
import threading
import time
import urllib.parse

TIMEOUT = 30
JAPANESE = re.compile('[\u3041-\u30ff\u4e00-\u9fff]')
CA = os.environ.get('CA_CERT', '')


class ProxyConn(http.client.HTTPSConnection):
    """HTTPS that first sends a PROXY protocol v1 line naming src (as
    the balancer does), when proxy is set; from source_address."""

    def __init__(self, host, port, context, source, proxy):
        super().__init__(host, port, context=context, timeout=TIMEOUT,
                         source_address=(source, 0) if source else None)
        self.proxy = proxy
        self.src = source or '127.0.0.1'

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout,
                                        self.source_address)
        if self.proxy:
            sock.sendall(('PROXY TCP4 %s %s 40000 %d\r\n' % (
                self.src, self.host, self.port)).encode())
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Person:
    def __init__(self, url, source, pem, proxy=False):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=CA)
        self.ctx.check_hostname = False
        if pem and pem != '-':
            self.ctx.load_cert_chain(pem)
        self.source, self.proxy = source, proxy
        self.conn, self.used, self.cookies = None, 0, {}

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.conn, self.used = None, 0

    def req(self, method, path, body=None, ctype=None):
        """(status, headers dict, body bytes); status '000' or
        'timeout' when no answer came."""
        if self.conn is None or self.used >= 8:
            self.close()
            self.conn = ProxyConn(self.host, self.port, self.ctx,
                                  self.source, self.proxy)
        self.used += 1
        h = {}
        if self.cookies:
            h['Cookie'] = '; '.join('%s=%s' % kv for kv in self.cookies.items())
        if ctype:
            h['Content-Type'] = ctype
        try:
            self.conn.request(method, path, body=body, headers=h)
            r = self.conn.getresponse()
            data = r.read()
        except socket.timeout:
            self.close()
            return 'timeout', {}, b''
        except (http.client.HTTPException, OSError):
            self.close()
            return '000', {}, b''
        hd = {k.lower(): v for k, v in r.getheaders()}
        for k, v in r.getheaders():
            if k.lower() == 'set-cookie':
                name, _, value = v.split(';', 1)[0].partition('=')
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        if hd.get('connection', '').lower() == 'close':
            self.close()
        return str(r.status), hd, data


def input_value(body, name):
    m = re.search(rb'<input[^>]*name="' + name.encode() + rb'"[^>]*>', body)
    if not m:
        return ''
    v = re.search(rb'value="([^"]*)"', m.group(0))
    return v.group(1).decode() if v else ''


def form(fields):
    return urllib.parse.urlencode(fields).encode(), \
        'application/x-www-form-urlencoded'


def multipart(fields):
    b = '----rkcluster%d' % random.randrange(1 << 40)
    out = []
    for k, v in fields.items():
        out.append('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                   % (b, k, v))
    out.append('--%s--\r\n' % b)
    return ''.join(out).encode(), 'multipart/form-data; boundary=' + b


class Log:
    def __init__(self, out):
        self.lock = threading.Lock()
        self.req = open(os.path.join(out, 'requests.tsv'), 'w') if out else None
        self.posts = open(os.path.join(out, 'posts.tsv'), 'w') if out else None
        self.count = 0

    def request(self, t0, kind, st, hd, body):
        t1 = time.time()
        detail = '-'
        if st == '503':
            text = body.decode('utf-8', 'replace')
            detail = 'retry-after=%s,japanese=%d' % (
                hd.get('retry-after', 'none'), 1 if JAPANESE.search(text) else 0)
        with self.lock:
            self.count += 1
            if self.req:
                self.req.write('%.3f\t%.3f\t%s\t%s\t%s\n' % (t0, t1, kind, st, detail))

    def post(self, token, acked, attempts):
        with self.lock:
            if self.posts:
                self.posts.write('%s\t%d\t%d\n' % (token, acked, attempts))

    def close(self):
        for f in (self.req, self.posts):
            if f:
                f.close()


def call(p, log, kind, method, path, body=None, ctype=None):
    t0 = time.time()
    st, hd, data = p.req(method, path, body, ctype)
    log.request(t0, kind, st, hd, data)
    return st, hd, data


def login(p, log, user, password, until):
    """Logs in, again and again until it works or until: the timeline's
    CSRF token, or ''."""
    while time.time() < until:
        p.cookies = {}
        st, _, data = call(p, log, 'login-form', 'GET', '/login')
        csrf = input_value(data, 'csrf') if st == '200' else ''
        if csrf:
            b, ct = form({'login': user, 'password': password, 'csrf': csrf})
            st, hd, _ = call(p, log, 'login', 'POST', '/login', b, ct)
            if st == '303' and '/login' not in hd.get('location', ''):
                return True
        time.sleep(1)
    return False


class Run:
    def __init__(self, team, log, tag):
        self.team, self.log, self.tag = team, log, tag
        self.stop = threading.Event()
        # The newest message a timeline showed: what the 👍 goes to.
        self.like_id = None

    def session(self, p, user, password):
        """Logged in with the timeline's CSRF token, or None."""
        while not self.stop.is_set():
            if not login(p, self.log, user, password, time.time() + 5):
                continue
            st, _, data = call(p, self.log, 'timeline', 'GET',
                               '/teams/%s/messages' % self.team)
            csrf = input_value(data, 'csrf') if st == '200' else ''
            if csrf:
                return csrf
            time.sleep(1)
        return None

    def person(self, w, user, password, pem, url, source, proxy, gap):
        p = Person(url, source, pem, proxy)
        csrf = self.session(p, user, password)
        i = 0
        tl = '/teams/%s/messages' % self.team
        nxt = time.time() + random.random() * gap
        while csrf and not self.stop.is_set():
            i += 1
            step = i % 4
            if gap:
                nxt += gap
                time.sleep(max(0, nxt - time.time()))
            if step in (1, 3):
                st, _, data = call(p, self.log, 'timeline', 'GET', tl)
                if st == '200':
                    self.like_id = re.findall(
                        rb'/messages/([0-9]+)/like', data)[:1] or None
            elif step == 2:
                self.post(p, w, i, csrf, gap)
            else:
                ids = self.like_id
                if ids:
                    b, ct = form({'csrf': csrf})
                    call(p, self.log, 'like', 'POST', '%s/%s/like' % (
                        tl, ids[0].decode()), b, ct)
        p.close()

    def post(self, p, w, i, csrf, gap):
        token = '%s%02dx%08d' % (self.tag, w, i)
        fields = {'csrf': csrf, 'client_token': token,
                  'body': 'cluster %s' % token}
        t_end = time.time() + 90
        attempts = 0
        while time.time() < t_end:
            attempts += 1
            b, ct = multipart(fields)
            st, hd, _ = call(p, self.log, 'post', 'POST',
                             '/teams/%s/messages' % self.team, b, ct)
            if st == '303':
                self.log.post(token, 1, attempts)
                return
            time.sleep(1)
        self.log.post(token, 0, attempts)


def users_of(path):
    out = []
    for line in open(path):
        f = line.rstrip('\n').split('\t')
        if len(f) == 3:
            out.append(f)
    return out


def drive(url, source, proxy, users, team, seconds, gap_of, out, workers=None):
    log = Log(out)
    run = Run(team, log, 'c%04d' % random.randrange(10000))
    us = users_of(users)
    n = workers or len(us)
    th = []
    t0 = time.time()
    for w in range(n):
        u = us[w % len(us)]
        t = threading.Thread(target=run.person, args=(
            w, u[0], u[1], u[2], url, source, proxy, gap_of(n)))
        t.start()
        th.append(t)
    time.sleep(seconds)
    run.stop.set()
    for t in th:
        t.join()
    log.close()
    return log.count, time.time() - t0


def cpu(web_dir, pgdatas):
    """(web ticks, db ticks): utime+stime+cutime+cstime of the processes
    of each tier (fields 14-17 of /proc/PID/stat)."""
    procs = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            stat = open('/proc/%s/stat' % pid).read()
            cmd = open('/proc/%s/cmdline' % pid, 'rb').read().replace(
                b'\0', b' ').decode('utf-8', 'replace')
        except OSError:
            continue
        f = stat[stat.rindex(')') + 2:].split()
        procs[int(pid)] = (int(f[1]), sum(int(x) for x in f[11:15]), cmd)
    masters = {pid for pid, (_, _, cmd) in procs.items()
               if any(('-D ' + d) in cmd or ('-D' + d) in cmd or
                      ('config_file=' + d) in cmd for d in pgdatas)}
    web = sum(t for _, t, cmd in procs.values() if web_dir in cmd)
    db = sum(t for pid, (pp, t, _) in procs.items()
             if pid in masters or pp in masters)
    return web, db


def main():
    a = sys.argv[1:]
    if a[0] == 'load':
        url, source, users, team, seconds, rate, out = a[1:8]
        rate = float(rate)
        n, s = drive(url, source, False, users, team, float(seconds),
                     lambda n: n / rate, out)
        print('requests %d seconds %.1f' % (n, s))
    elif a[0] == 'get':
        node, pem, path = a[1:4]
        source = a[4] if len(a) > 4 else '127.0.0.50'
        p = Person('https://' + node, source, pem, proxy=True)
        st, _, data = p.req('GET', path)
        m = re.search(rb'<h1[^>]*>(.*?)</h1>', data, re.S)
        print(st, (m.group(1).decode('utf-8', 'replace').strip() if m else ''))
    elif a[0] == 'login':
        url, source, pem, user, password = a[1:6]
        p = Person(url, source, pem)
        print('ok' if login(p, Log(None), user, password, time.time() + 20)
              else 'failed')
    elif a[0] == 'sizing':
        node, source, users, team, seconds, workers, out = a[1:8]
        n, s = drive('https://' + node, source, not os.environ.get('RK_NO_PROXY'), users, team,
                     float(seconds), lambda n: 0, out, int(workers))
        print('requests %d seconds %.1f' % (n, s))
    elif a[0] == 'cpu':
        print('web %d db %d' % cpu(a[1], a[2:]))
    else:
        sys.exit('usage: see the docstring')


if __name__ == '__main__':
    main()
