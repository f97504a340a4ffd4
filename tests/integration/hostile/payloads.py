#!/usr/bin/env python3
# Writes the hostile-input suite's payloads into DIR: for each, NAME.pct
# (percent-encoded, for urlencoded bodies and query strings), NAME.raw
# (the bytes, for multipart fields) and, when the bytes are UTF-8,
# NAME.txt (the text a form that accepts it must store).  Prints the
# names, one per line.
import sys, urllib.parse, os

d = sys.argv[1]
P = [
    ('nul', b'a\x00b'),
    ('overlong', b'\xc0\xaf\xc0\xae/etc'),
    ('surrogate', b'x\xed\xa0\x80y'),
    ('long', ('あ' * 100000).encode()),
    ('markup', b'<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'),
    ('sql', b"x'); DROP TABLE renrakucho.account;-- ' OR '1'='1"),
    ('crlf', b'a\r\nSet-Cookie: rk=1\r\nX-Injected: 1'),
    ('fullwidth', 'ＡＢＣ＜ｓｃｒｉｐｔ＞１２３＠ｅｘａｍｐｌｅ'.encode()),
    ('combining', 'か\u3099ﾞe\u0301 👩\u200d⚕️'.encode()),
]
for name, raw in P:
    with open(os.path.join(d, name + '.raw'), 'wb') as f:
        f.write(raw)
    with open(os.path.join(d, name + '.pct'), 'w') as f:
        f.write(urllib.parse.quote(raw, safe=''))
    try:
        t = raw.decode('utf-8')
        if '\x00' not in t:
            with open(os.path.join(d, name + '.txt'), 'w', newline='') as f:
                f.write(t)
    except UnicodeDecodeError:
        pass
    print(name)
