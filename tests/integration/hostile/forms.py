"""Hostile input in every field of the forms hostile-input.sh does not
cover (run by tests/integration/hostile-forms.sh, demo.env in the
environment).  See driver.py for the payloads and the verdicts.

Destructive forms (delete, revoke, leave, remove, withdraw) are aimed at
throwaway accounts and rows made here, and with a payload in any field
must refuse without doing it.
"""
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from driver import (IDS, LABEL, MARKUP, TEXT, Client, Psql, bail, diag, done,  # noqa: E402
                    form, lit, path_seg, pct, pct_s, v_insert, v_none, v_update,
                    PAYLOADS, result)

E = os.environ
APP, PORTAL = E['APP_URL'], E['PORTAL_URL']
TMP = tempfile.mkdtemp(prefix='rk-hostile-')
U = '%d%d' % (int(time.time()), os.getpid())
db = Psql(E['OWNER_DSN'])
FAC = E['INSIDE_FACILITY_ID']
MUNI_CODE = E.get('MUNICIPALITY_CODE', '32203')
MUNI_NAME = E.get('MUNICIPALITY_NAME', '島根県出雲市')
T0 = time.time()


def admin(*args, stdin=None):
    r = subprocess.run(E['ADMIN'] + ' ' + ' '.join(shq(a) for a in args), shell=True,
                       input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        bail('renrakucho-admin %s: %s' % (args[:2], r.stderr.strip()[:300]))
    return r.stdout


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def new_password(prefix):
    for _ in range(10):
        pw = '%s-%s-x' % (prefix, ''.join(random.choice(
            'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789') for _ in range(12)))
        r = subprocess.run(['/usr/sbin/cracklib-check'], input=pw + '\n',
                           capture_output=True, text=True)
        if r.stdout.strip() == pw + ': OK':
            return pw
    bail('cracklib refused ten passwords')


def rand_kana():
    k = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ'
    return ''.join(random.choice(k) for _ in range(8))


class Person:
    """A throwaway staff account (with its own device certificate when
    cert) of the inside facility."""

    def __init__(self, tag, cert=True, name=None, kana=None, prof='看護師'):
        self.login = 'hx-%s-%s' % (tag, U)
        self.password = new_password('Hx')
        self.name = name or '敵対 %s' % tag
        self.kana = kana or 'テキタイ'
        self.prof = prof
        self.email = '%s@example.jp' % self.login
        self.id = admin('account', 'add', '--own-password', '--facility', FAC,
                        '--login', self.login, '--name', self.name, '--kana', self.kana,
                        '--profession', prof, '--email', self.email, '--role', 'staff',
                        stdin=self.password + '\n').strip().splitlines()[-1].strip()
        self.pem = None
        if cert:
            self.pem = os.path.join(TMP, tag + '.pem')
            admin('cert', 'issue', '--login', self.login, '--label', 'hx ' + tag,
                  '--p12', os.path.join(TMP, tag + '.p12'), '--pem', self.pem)
            self.serial = db.q("SELECT serial FROM renrakucho.device_cert WHERE facility_id = %s"
                               " AND label = %s" % (FAC, lit('hx ' + tag)))
            self.c = Client(APP, self.pem)
            self.c.login(self.login, self.password)

    def reset_failures(self):
        db.q("DELETE FROM renrakucho.login_failure WHERE account_id = %s OR cert_serial = %s;"
             " UPDATE renrakucho.account SET fail_count = 0, fail_window_start = NULL,"
             " locked_until = NULL WHERE id = %s" % (self.id, lit(self.serial), self.id))


def demo(who):
    c = Client(APP, E[who + '_PEM'])
    c.login(E[who + '_LOGIN'], E[who + '_PASSWORD'])
    return c


def section(name):
    diag('--- %s (%.0f s)' % (name, time.time() - T0))


# --- the people and rows ---------------------------------------------------------
ME = Person('me')            # profile, join requester, registrant, a member who leaves
DEL = Person('del')          # deletes itself (and must not, with a payload)
T1 = Person('t1', cert=False, name='敵対 一郎', kana='テキタイ イチロウ')   # edited
T2 = Person('t2', cert=False)   # deleted, reset, its certificate revoked: never
admin('cert', 'issue', '--login', T2.login, '--label', 'hx t2',
      '--p12', os.path.join(TMP, 't2.p12'), '--pem', os.path.join(TMP, 't2.pem'))
T2.serial = db.q("SELECT serial FROM renrakucho.device_cert WHERE label = 'hx t2' AND"
                 " facility_id = %s ORDER BY issued_at DESC LIMIT 1" % FAC)
ADMINC = demo('FACILITY_ADMIN')
OPC = demo('OPERATOR')
S1 = demo('STAFF1')
S1_ID = db.q("SELECT id FROM renrakucho.account WHERE login = %s AND deleted_at IS NULL"
             % lit(E['STAFF1_LOGIN']))


def make_patient(kana, birth, sex):
    pid = db.q("INSERT INTO renrakucho.patient (name, kana, kana_key, birth_date, sex, address,"
               " municipality_code, registered_by) SELECT '敵対 患者', %s,"
               " renrakucho.kana_key(%s), %s, %s, %s, %s, %s RETURNING id"
               % (lit(kana), lit(kana), lit(birth), lit(sex), lit(MUNI_NAME + '今市町5番地'),
                  lit(MUNI_CODE), S1_ID))
    db.q("INSERT INTO renrakucho.consent (patient_id, obtained_by, obtained_on, signer,"
         " explainer_name, explainer_facility, form_kind, doc_type, doc_name, doc_size,"
         " doc_sha256, doc) VALUES (%s, %s, current_date, 'patient', '斐川 次郎',"
         " '出雲中央クリニック', 'city', 'application/pdf', 'consent.pdf', 5,"
         " repeat('0', 64), '\\x255044462d')" % (pid, S1_ID))
    return pid


def make_team(pid, lead, *members):
    tid = db.q("INSERT INTO renrakucho.team (patient_id) VALUES (%s) RETURNING id" % pid)
    rows = ['(%s, %s, \'lead\')' % (tid, lead)] + ['(%s, %s, \'member\')' % (tid, m) for m in members]
    db.q("INSERT INTO renrakucho.team_member (team_id, account_id, role) VALUES " + ', '.join(rows))
    return tid


KANA = rand_kana()
PID = make_patient(KANA, '1938-03-04', 'female')
TID = make_team(PID, S1_ID, T1.id)                  # ME is not a member
PID2 = make_patient(rand_kana(), '1939-05-06', 'male')
TID2 = make_team(PID2, S1_ID, ME.id)                # ME leaves it (never)


def lookups_reset():
    db.q("DELETE FROM renrakucho.patient_lookup WHERE account_id = %s" % ME.id)


def ids_in_path(what, c, template, slots, csrf, state_sql, extra=(), ok_after=None):
    """The id-only form TEMPLATE ("/teams/{0}/.../{1}/like", slots its
    real ids): each IDS payload in each id of the path, then in the
    CSRF token, with the real ids; STATE as it was."""
    for i in range(len(slots)):
        for p in IDS:
            ids = list(slots)
            ids[i] = path_seg(p)
            s0 = db.q(state_sql)
            a = c.post_form(template.format(*ids), [('csrf', pct_s(csrf))] + list(extra))
            v_none('%s id%d %s' % (what, i + 1, p), a, db, state_sql, s0)
    for p in IDS:
        s0 = db.q(state_sql)
        a = c.post_form(template.format(*slots), [('csrf', pct(p))] + list(extra))
        v_none('%s csrf %s' % (what, p), a, db, state_sql, s0)


# --- /certificate-pickup (the portal's form, no certificate) -----------------------
section('certificate-pickup')
# From an address of its own (the failures of an address are counted:
# 20 an hour), whose failures go afterwards.
PADDR = '127.0.0.%d' % random.randint(20, 219)
PORT = Client(PORTAL, source=PADDR)
PSTATE = "SELECT md5(coalesce(string_agg(p::text, ',' ORDER BY id), '')) FROM renrakucho.pickup p"
for f in ('pickup_no', 'pickup_password'):
    for p in TEXT:
        s0 = db.q(PSTATE)
        a = PORT.post_form('/certificate-pickup', form(
            [('pickup_no', '12345678'), ('pickup_password', 'not-the-password')], f, p))
        v_none('pickup %s %s' % (f, p), a, db, PSTATE, s0)
db.q("DELETE FROM renrakucho.pickup_failure WHERE remote_addr = %s::inet" % lit(PADDR))

# --- an address no location serves: nginx's 404, in Japanese ------------------------
for c, where in ((S1, 'app'), (PORT, 'portal')):
    a = c.post_form('/teams/%s/messages/1/like' % pct('markup'), [('csrf', 'x')]) \
        if where == 'app' else c.get('/no-such-page/%s' % pct('markup'))
    result(a.status == '404' and 'ページが見つかりません'.encode() in a.body and
           b'<center>nginx</center>' not in a.body and not MARKUP.search(a.body),
           '%s: an address no location serves: 404, ページが見つかりません' % where,
           '%s %s' % (a.status, a.body[:200]))

# --- a staff member's edit (facility administrator) -------------------------------------
section('facility staff edit')
BASE_T1 = [('name', T1.name), ('kana', T1.kana), ('profession', T1.prof), ('email', T1.email)]
SNAP = ("SELECT (to_jsonb(a) - 'password_hash')::text FROM renrakucho.account a WHERE id = %s")
REST = ("SELECT (to_jsonb(a) - 'password_hash' - %s)::text FROM renrakucho.account a WHERE id = %s")
RESTORE_T1 = ("UPDATE renrakucho.account SET name = %s, kana = %s, profession = %s, email = %s,"
              " email_is_placeholder = false WHERE id = %s"
              % (lit(T1.name), lit(T1.kana), lit(T1.prof), lit(T1.email), T1.id))
tok = ADMINC.csrf('/facility/staff/%s' % T1.id)
for f in ('name', 'kana', 'profession', 'email'):
    for p in TEXT:
        s0 = db.q(SNAP % T1.id)
        r0 = db.q(REST % (lit(f), T1.id))
        a = ADMINC.post_form('/facility/staff/%s' % T1.id,
                             [('csrf', pct_s(tok))] + form(BASE_T1, f, p))
        if v_update('staff edit %s %s' % (f, p), p, a, db, SNAP % T1.id, s0,
                    'SELECT %s FROM renrakucho.account WHERE id = %s' % (f, T1.id),
                    REST % (lit(f), T1.id), r0, '/facility/staff/%s' % T1.id, ADMINC):
            db.q(RESTORE_T1)
for p in TEXT:     # the login ID is shown, never changed
    s0 = db.q(SNAP % T1.id)
    a = ADMINC.post_form('/facility/staff/%s' % T1.id,
                         [('csrf', pct_s(tok))] + form(BASE_T1, 'login', p))
    v_none('staff edit login %s' % p, a, db, SNAP % T1.id, s0)
    db.q(RESTORE_T1)
for f in ('placeholder', 'is_admin'):
    for p in IDS:
        s0 = db.q(SNAP % T1.id)
        a = ADMINC.post_form('/facility/staff/%s' % T1.id,
                             [('csrf', pct_s(tok))] + form(BASE_T1, f, p))
        v_none('staff edit %s %s' % (f, p), a, db, SNAP % T1.id, s0)
        db.q(RESTORE_T1)

section('facility staff delete, password, devices')
ALIVE = ("SELECT count(*) FILTER (WHERE deleted_at IS NULL), string_agg(password_hash, ',')"
         " FILTER (WHERE id = %s) FROM renrakucho.account" % T2.id)
ids_in_path('staff delete', ADMINC, '/facility/staff/{0}/delete', [T2.id], tok, ALIVE)
LOCK = ("SELECT fail_count || '|' || coalesce(locked_until::text, '-') FROM renrakucho.account"
        " WHERE id = %s" % T2.id)
db.q("UPDATE renrakucho.account SET locked_until = now() + interval '1 hour', fail_count = 9"
     " WHERE id = %s" % T2.id)
ids_in_path('staff unlock', ADMINC, '/facility/staff/{0}/unlock', [T2.id], tok, LOCK)


def password_form(what, c, base, csrf):
    """A temporary password for T2 (BASE/{id}/password): payloads in
    its id, its CSRF token and its stamp: T2's password as it was."""
    ids_in_path(what, c, base + '/{0}/password', [T2.id], csrf, ALIVE)
    for p in IDS + ['negative']:
        s0 = db.q(ALIVE)
        a = c.post_form('%s/%s/password' % (base, T2.id), [('csrf', pct_s(csrf)), ('stamp', pct(p))])
        v_none('%s stamp %s' % (what, p), a, db, ALIVE, s0)


password_form('staff password', ADMINC, '/facility/staff', tok)
REVOKED = "SELECT count(*) FILTER (WHERE revoked_at IS NOT NULL) FROM renrakucho.device_cert"


def revoke_form(what, c, path, csrf):
    """A revocation by serial: each IDS payload as the serial, then as
    the CSRF token with a live serial (T2's): nothing revoked."""
    for p in IDS:
        s0 = db.q(REVOKED)
        a = c.post_form(path, [('csrf', pct_s(csrf)), ('serial', pct(p))])
        v_none('%s serial %s' % (what, p), a, db, REVOKED, s0)
        s0 = db.q(REVOKED)
        a = c.post_form(path, [('csrf', pct(p)), ('serial', T2.serial)])
        v_none('%s csrf %s' % (what, p), a, db, REVOKED, s0)


revoke_form('devices revoke', ADMINC, '/facility/devices/revoke', tok)

# --- a join request, and deciding one ---------------------------------------------------
section('join requests')
mtok = ME.c.csrf()
JCOUNT = "SELECT count(*) FROM renrakucho.join_request WHERE team_id = %s" % TID
BASE_J = [('kana', KANA), ('birth', '1938-03-04'), ('sex', 'female'), ('message', 'よろしく')]
for f, ps in (('kana', TEXT), ('birth', IDS), ('sex', IDS), ('message', TEXT)):
    for p in ps:
        lookups_reset()
        c0 = db.q(JCOUNT)
        a = ME.c.post_form('/teams/%s/join-requests' % TID,
                           [('csrf', pct_s(mtok))] + form(BASE_J, f, p))
        v_insert('join %s %s' % (f, p), p, a, db, JCOUNT, c0,
                 "SELECT message FROM renrakucho.join_request WHERE team_id = %s AND"
                 " account_id = %s AND state = 'pending'" % (TID, ME.id) if f == 'message' else None,
                 '/teams/%s/join-requests' % TID, S1, lf=True)
        db.q("DELETE FROM renrakucho.join_request WHERE team_id = %s AND account_id = %s"
             % (TID, ME.id))
lookups_reset()
RID = db.q("INSERT INTO renrakucho.join_request (team_id, account_id, message) VALUES"
           " (%s, %s, '') RETURNING id" % (TID, ME.id))
RSTATE = "SELECT state FROM renrakucho.join_request WHERE id = %s" % RID
stok = S1.csrf()
for act, c, t in (('approve', S1, stok), ('reject', S1, stok), ('withdraw', ME.c, mtok)):
    ids_in_path('join ' + act, c, '/teams/{0}/join-requests/{1}/' + act, [TID, RID], t, RSTATE)

# --- messages: like, withdraw -------------------------------------------------------------
section('messages like, withdraw')
MID = db.q("INSERT INTO renrakucho.message (team_id, author_id, body, client_token) VALUES"
           " (%s, %s, '敵対 入力の試験', %s) RETURNING id" % (TID, S1_ID, lit('hostile-' + U)))
MSTATE = ("SELECT (SELECT count(*) FROM renrakucho.message_like WHERE message_id = %s),"
          " (SELECT withdrawn_at IS NULL FROM renrakucho.message WHERE id = %s)" % (MID, MID))
ids_in_path('message like', S1, '/teams/{0}/messages/{1}/like', [TID, MID], stok, MSTATE)
ids_in_path('message withdraw', S1, '/teams/{0}/messages/{1}/withdraw', [TID, MID], stok, MSTATE)

# --- a team's members: lead, member, remove; leave ------------------------------------------
section('team members')
TSTATE = ("SELECT string_agg(account_id || ':' || role, ',' ORDER BY account_id)"
          " FROM renrakucho.team_member WHERE team_id IN (%s, %s)" % (TID, TID2))
for act in ('lead', 'member', 'remove'):
    ids_in_path('member ' + act, S1, '/patients/{0}/members/{1}/' + act, [PID, T1.id], stok, TSTATE)
ids_in_path('leave', ME.c, '/patients/{0}/leave', [PID2], mtok, TSTATE)

# --- a facility's edit, a facility's administrator (operator) -------------------------------------
section('operator facility edit')
otok = OPC.csrf('/operator')
FID = admin('facility', 'add', '--name', 'hx施設' + U, '--municipality-code', MUNI_CODE,
            '--municipality', MUNI_NAME, '--email', 'hxf%s@example.jp' % U,
            '--address', MUNI_NAME + '今市町9番地', '--phone', '0853-99-0000'
            ).strip().splitlines()[-1].strip()
BASE_F = [('fac_name', 'hx施設' + U), ('address', MUNI_NAME + '今市町9番地'),
          ('municipality_name', MUNI_NAME), ('municipality_code', MUNI_CODE),
          ('fac_email', 'hxf%s@example.jp' % U), ('phone', '0853-99-0000')]
FCOL = {'fac_name': 'name', 'address': 'address', 'municipality_name': 'municipality_name',
        'municipality_code': 'municipality_code', 'fac_email': 'email', 'phone': 'phone'}
FSNAP = "SELECT to_jsonb(f)::text FROM renrakucho.facility f WHERE id = %s" % FID
FREST = "SELECT (to_jsonb(f) - %s)::text FROM renrakucho.facility f WHERE id = {}".format(FID)
FRESTORE = ("UPDATE renrakucho.facility SET " + ', '.join(
    '%s = %s' % (FCOL[k], lit(v)) for k, v in BASE_F) + " WHERE id = %s" % FID)
for f in FCOL:
    for p in TEXT:
        s0 = db.q(FSNAP)
        r0 = db.q(FREST % lit(FCOL[f]))
        a = OPC.post_form('/operator/facilities/%s' % FID, [('csrf', pct_s(otok))] + form(BASE_F, f, p))
        if v_update('facility edit %s %s' % (f, p), p, a, db, FSNAP, s0,
                    'SELECT %s FROM renrakucho.facility WHERE id = %s' % (FCOL[f], FID),
                    FREST % lit(FCOL[f]), r0, '/operator/facilities/%s' % FID, OPC):
            db.q(FRESTORE)
for p in IDS:
    s0 = db.q(FSNAP)
    a = OPC.post_form('/operator/facilities/%s' % FID,
                      [('csrf', pct_s(otok))] + form(BASE_F, 'status', p))
    v_none('facility edit status %s' % p, a, db, FSNAP, s0)
    db.q(FRESTORE)

section('operator admins new')
ACOUNT = "SELECT count(*) FROM renrakucho.account"
i = 0
for f in ('login', 'name', 'kana', 'profession', 'email', 'password', 'password2'):
    for p in TEXT:
        i += 1
        pw = new_password('Hx') if i % 20 == 1 else pw
        base = [('login', 'hxa%s-%d' % (U, i)), ('name', '敵対 管理者'), ('kana', 'テキタイ'),
                ('profession', '看護師'), ('email', 'hxa%s-%d@example.jp' % (U, i)),
                ('password', pw), ('password2', pw)]
        key = "login = 'hxa%s-%d'" % (U, i) if f != 'login' else "email = 'hxa%s-%d@example.jp'" % (U, i)
        c0 = db.q(ACOUNT)
        a = OPC.post_form('/operator/facilities/%s/admins/new' % FID,
                          [('csrf', pct_s(otok))] + form(base, f, p))
        v_insert('admin new %s %s' % (f, p), p, a, db, ACOUNT, c0,
                 'SELECT %s FROM renrakucho.account WHERE %s' % (f, key)
                 if f not in ('password', 'password2') else None)
for p in IDS:
    i += 1
    base = [('login', 'hxa%s-%d' % (U, i)), ('name', '敵対 管理者'), ('kana', 'テキタイ'),
            ('profession', '看護師'), ('email', 'hxa%s-%d@example.jp' % (U, i)),
            ('password', pw), ('password2', pw)]
    c0 = db.q(ACOUNT)
    a = OPC.post_form('/operator/facilities/%s/admins/new' % FID,
                      [('csrf', pct_s(otok))] + form(base, 'placeholder', p))
    # A checkbox's value it does not know: refused, or unchecked.
    v_none('admin new placeholder %s' % p, a, db, ACOUNT, c0, ok_after=str(int(c0) + 1))
db.q("UPDATE renrakucho.account SET deleted_at = now() WHERE login LIKE 'hxa%s-%%'"
     " AND deleted_at IS NULL" % U)

# --- an account's certificate and password (operator) ----------------------------------------------
section('operator pickup, password, revoke')
CCOUNT = "SELECT count(*) FROM renrakucho.device_cert WHERE issued_by = %s"
OP_ID = db.q("SELECT id FROM renrakucho.account WHERE login = %s AND deleted_at IS NULL"
             % lit(E['OPERATOR_LOGIN']))
NEWEST = ("SELECT label FROM renrakucho.device_cert WHERE issued_by = %s"
          " ORDER BY issued_at DESC, serial LIMIT 1")
for p in LABEL:
    c0 = db.q(CCOUNT % T2.id)
    a = OPC.post_form('/operator/accounts/%s/pickup' % T2.id,
                      [('csrf', pct_s(otok)), ('label', pct(p))])
    v_insert('operator pickup label %s' % p, p, a, db, CCOUNT % T2.id, c0, NEWEST % T2.id,
             '/operator/accounts/%s' % T2.id, OPC)
    if p == 'kanji100':
        result(a.status == '422' and '端末名が長すぎます'.encode() in a.body,
               'operator pickup label of 100 kanji (300 bytes): 422, 端末名が長すぎます', a.status)
for p in IDS:
    c0 = db.q(CCOUNT % T2.id)
    a = OPC.post_form('/operator/accounts/%s/pickup' % T2.id,
                      [('csrf', pct(p)), ('label', pct_s('hx端末'))])
    v_none('operator pickup csrf %s' % p, a, db, CCOUNT % T2.id, c0)
    c0 = db.q(CCOUNT % T2.id)
    a = OPC.post_form('/operator/accounts/%s/pickup' % path_seg(p),
                      [('csrf', pct_s(otok)), ('label', pct_s('hx端末'))])
    v_none('operator pickup id %s' % p, a, db, CCOUNT % T2.id, c0)
ids_in_path('operator unlock', OPC, '/operator/accounts/{0}/unlock', [T2.id], otok, LOCK)
db.q("UPDATE renrakucho.account SET locked_until = NULL, fail_count = 0 WHERE id = %s" % T2.id)
password_form('operator password', OPC, '/operator/accounts', otok)
revoke_form('operator revoke', OPC, '/operator/certificates/revoke', otok)

# renrakucho-admin refuses it too, before asking the signer.
r = subprocess.run(E['ADMIN'] + ' cert issue --login %s --label %s --p12 %s --pem %s' % (
    shq(T2.login), shq('漢' * 100), shq(os.path.join(TMP, 'k.p12')), shq(os.path.join(TMP, 'k.pem'))),
    shell=True, capture_output=True, text=True)
result(r.returncode == 2 and '端末名が長すぎます' in r.stderr,
       'renrakucho-admin cert issue --label of 100 kanji: exit 2, 端末名が長すぎます',
       '%d %s' % (r.returncode, r.stderr[:300]))

# --- notices ----------------------------------------------------------------------------------------
section('operator notices')
NCOUNT = "SELECT count(*) FROM renrakucho.notice"
# To come (in 200 days: shown to nobody before they are withdrawn).
FROM = time.strftime('%Y-%m-%dT09:00', time.localtime(time.time() + 200 * 86400))
BASE_N = [('title', 'hx お知らせ ' + U), ('body', '敵対入力の試験です。'),
          ('show_from', FROM), ('show_until', FROM[:11] + '10:00')]
for f in ('title', 'body', 'show_from', 'show_until'):
    for p in TEXT:
        c0 = db.q(NCOUNT)
        a = OPC.post_form('/operator/notices', [('csrf', pct_s(otok))] + form(BASE_N, f, p))
        key = "title = %s" % lit(BASE_N[0][1]) if f != 'title' else "body = %s" % lit(BASE_N[1][1])
        v_insert('notice %s %s' % (f, p), p, a, db, NCOUNT, c0,
                 'SELECT %s FROM renrakucho.notice WHERE %s ORDER BY id DESC LIMIT 1' % (f, key)
                 if f in ('title', 'body') else None,
                 '/operator/notices', OPC, lf=True)
        db.q("UPDATE renrakucho.notice SET withdrawn_at = now() WHERE withdrawn_at IS NULL AND"
             " (title LIKE 'hx お知らせ %s%%' OR body = '敵対入力の試験です。')" % U)
for p in IDS:
    c0 = db.q(NCOUNT)
    a = OPC.post_form('/operator/notices', [('csrf', pct_s(otok))] + form(BASE_N, 'on_portal', p))
    v_none('notice on_portal %s' % p, a, db,
           "SELECT count(*) FILTER (WHERE on_portal) FROM renrakucho.notice", db.q(
               "SELECT count(*) FILTER (WHERE on_portal) FROM renrakucho.notice"))
db.q("UPDATE renrakucho.notice SET withdrawn_at = now() WHERE withdrawn_at IS NULL AND"
     " (title LIKE 'hx お知らせ %s%%' OR body = '敵対入力の試験です。')" % U)
NID = db.q("INSERT INTO renrakucho.notice (title, body, show_from, show_until, created_by)"
           " VALUES ('hx 取り下げ', '本文', '2026-01-01', '2026-01-02', %s) RETURNING id" % OP_ID)
ids_in_path('notice withdraw', OPC, '/operator/notices/{0}/withdraw', [NID],
            otok, "SELECT withdrawn_at IS NULL FROM renrakucho.notice WHERE id = %s" % NID)

# --- a patient's registration: the lookup (step 1), the consent (step 2, multipart) ----------------
section('patients new')
PCOUNT = ("SELECT (SELECT count(*) FROM renrakucho.patient) || '|' || (SELECT count(*) FROM"
          " renrakucho.consent) || '|' || (SELECT count(*) FROM renrakucho.team)")
ADDR = MUNI_NAME + '今市町7番地'


def step1_base(kana):
    return [('name', '敵対 花子'), ('kana', kana), ('birth_mode', 'seireki'),
            ('birth', '1941-02-03'), ('era', 'showa'), ('era_year', '16'),
            ('birth_month', '2'), ('birth_day', '3'), ('sex', 'female'),
            ('muni_code', MUNI_CODE), ('muni_name', MUNI_NAME), ('address', ADDR)]


S1_FIELDS = [(f, TEXT) for f in ('name', 'kana', 'muni_name', 'address')] + \
    [(f, IDS) for f in ('birth_mode', 'birth', 'era', 'era_year', 'birth_month', 'birth_day',
                        'sex', 'muni_code')]
for f, ps in S1_FIELDS:
    for p in ps:
        lookups_reset()
        c0 = db.q(PCOUNT)
        a = ME.c.post_form('/patients/new', [('csrf', pct_s(mtok))] + form(step1_base(rand_kana()), f, p))
        v_none('patient lookup %s %s' % (f, p), a, db, PCOUNT, c0)

PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
PCOL = {'name': 'p.name', 'kana': 'p.kana', 'address': 'p.address', 'phone': 'p.phone',
        'care_level': 'p.care_level', 'diseases': 'p.main_diseases',
        'emergency': 'p.emergency_contact', 'notes': 'p.notes',
        'proxy_name': 'c.proxy_name', 'proxy_rel': 'c.proxy_relationship',
        'explainer': 'c.explainer_name', 'explainer_facility': 'c.explainer_facility'}
S2_FIELDS = [(f, TEXT) for f in ('name', 'kana', 'muni_name', 'address', 'proxy_name', 'proxy_rel',
                                 'explainer', 'explainer_facility', 'care_level', 'diseases',
                                 'phone', 'emergency', 'notes', 'doc-filename')] + \
    [(f, IDS) for f in ('birth_mode', 'birth', 'sex', 'muni_code', 'consent_date', 'signer',
                        'form_kind', 'distinct')]
for f, ps in S2_FIELDS:
    for p in ps:
        lookups_reset()
        kana = rand_kana()
        base = step1_base(kana)[:4] + step1_base(kana)[8:] + [
            ('consent_date', '2024-04-01'), ('signer', 'proxy'), ('proxy_name', '敵対 代理'),
            ('proxy_rel', '長女'), ('explainer', '説明 太郎'), ('explainer_facility', '出雲中央クリニック'),
            ('form_kind', 'city'), ('care_level', '要介護1'), ('diseases', '高血圧'),
            ('phone', '0853-00-0000'), ('emergency', '長女 0853-00-0001'), ('notes', '備考')]
        parts = [('csrf', mtok.encode())]
        for k, v in base:
            parts.append((k, PAYLOADS[p] if k == f else v.encode()))
        if f not in [k for k, _ in base] and f != 'doc-filename':
            parts.append((f, PAYLOADS[p]))
        parts.append(('doc', PDF, PAYLOADS[p] if f == 'doc-filename' else b'consent.pdf',
                      'application/pdf'))
        c0 = db.q(PCOUNT)
        a = ME.c.post_multipart('/patients/new/consent', parts)
        m = re.match(r'/patients/(\d+)', a.location())
        page = '/patients/%s' % m.group(1) if m else None
        key = ("p.kana = %s" % lit(kana)) if f != 'kana' else "p.name = '敵対 花子' AND p.registered_by = %s AND p.id = (SELECT max(id) FROM renrakucho.patient)" % ME.id
        stored = ('SELECT %s FROM renrakucho.patient p JOIN renrakucho.consent c ON c.patient_id'
                  ' = p.id WHERE %s' % (PCOL[f], key)) if f in PCOL else None
        if f in ('doc-filename', 'birth_mode', 'distinct'):
            # The file's name is stored as a name of its own making
            # (upload_name); a mode or a checkbox it does not know is
            # the default (西暦, not someone else): accepted, the
            # patient's page shows it escaped.
            after = '|'.join(str(int(x) + 1) for x in c0.split('|'))
            v_none('patient consent %s %s' % (f, p), a, db, PCOUNT, c0, ok_after=after,
                   page=page, client=ME.c)
        else:
            v_insert('patient consent %s %s' % (f, p), p, a, db, PCOUNT, c0, stored, page, ME.c,
                     lf=f in ('diseases', 'notes'))

# --- my profile ---------------------------------------------------------------------------------------
section('profile')
PWSTATE = "SELECT password_hash || email || notify FROM renrakucho.account WHERE id = %s" % ME.id
NEWPW = new_password('Hx')
BASE_PW = [('current_password', ME.password), ('new_password', NEWPW), ('new_password2', NEWPW)]
for f in ('current_password', 'new_password', 'new_password2'):
    for p in TEXT:
        s0 = db.q(PWSTATE)
        a = ME.c.post_form('/profile/password', [('csrf', pct_s(mtok))] + form(BASE_PW, f, p))
        v_none('profile password %s %s' % (f, p), a, db, PWSTATE, s0)
        ME.reset_failures()
ESTATE = ("SELECT %s || '|' || (SELECT count(*) FROM renrakucho.email_change WHERE account_id = %s)"
          % (PWSTATE.replace('SELECT ', '(SELECT ', 1) + ')', ME.id))
BASE_E = [('email', 'hxnew%s@example.jp' % U), ('current_password', ME.password)]
for f, ps in (('email', TEXT), ('current_password', TEXT), ('placeholder', IDS)):
    for p in ps:
        s0 = db.q(ESTATE)
        a = ME.c.post_form('/profile/email', [('csrf', pct_s(mtok))] + form(BASE_E, f, p))
        # An e-mail change asked (placeholder ignored): a confirmation
        # pending, nothing else.
        ok_after = s0.rsplit('|', 1)[0] + '|' + str(int(s0.rsplit('|', 1)[1]) + 1)
        v_none('profile email %s %s' % (f, p), a, db, ESTATE, s0,
               ok_after=ok_after if f == 'placeholder' else None)
        ME.reset_failures()
for p in IDS:
    s0 = db.q(ESTATE)
    a = ME.c.post_form('/profile/email/confirm', [('csrf', pct_s(mtok)), ('t', pct(p))])
    v_none('profile email confirm t %s' % p, a, db, ESTATE, s0)
    s0 = db.q(ESTATE)
    a = ME.c.post_form('/profile/email/confirm', [('csrf', pct(p)), ('t', 'A' * 43)])
    v_none('profile email confirm csrf %s' % p, a, db, ESTATE, s0)
NSTATE = "SELECT notify FROM renrakucho.account WHERE id = %s" % ME.id
for p in IDS:
    s0 = db.q(NSTATE)
    a = ME.c.post_form('/profile/notify', [('csrf', pct_s(mtok)), ('notify', pct(p))])
    v_none('profile notify %s' % p, a, db, NSTATE, s0, ok_after='f')  # unchecked
    db.q("UPDATE renrakucho.account SET notify = true WHERE id = %s" % ME.id)

section('profile certificates')
MCOUNT = CCOUNT % ME.id
MNEWEST = NEWEST % ME.id


def revoke_mine():
    """My certificates issued here revoked straight away (five live at
    most), but for KEEP."""
    db.q("UPDATE renrakucho.device_cert SET revoked_at = now(), revoked_by = %s,"
         " revoke_reason = 'hostile test' WHERE revoked_at IS NULL AND serial IN (SELECT"
         " serial FROM renrakucho.pickup WHERE created_by = %s) AND serial <> ALL(%s)"
         % (ME.id, ME.id, 'ARRAY[%s]::text[]' % ','.join(lit(s) for s in KEEP)))


KEEP = []
BASE_C = [('label', 'hx端末'), ('current_password', ME.password)]
for f, ps in (('label', LABEL), ('current_password', TEXT), ('replace', IDS)):
    for p in ps:
        c0 = db.q(MCOUNT)
        a = ME.c.post_form('/profile/certificates', [('csrf', pct_s(mtok))] + form(BASE_C, f, p))
        if f == 'label':
            v_insert('profile certificate label %s' % p, p, a, db, MCOUNT, c0, MNEWEST, '/profile', ME.c)
            if p == 'kanji100':
                result(a.status == '422' and '端末名が長すぎます'.encode() in a.body,
                       'profile certificate label of 100 kanji (300 bytes): 422, 端末名が長すぎます',
                       a.status)
        else:
            v_none('profile certificate %s %s' % (f, p), a, db, MCOUNT, c0,
                   ok_after=str(int(c0) + 1) if f == 'replace' else None)
        ME.reset_failures()
        revoke_mine()
# One to revoke and to download (never, with a payload).
a = ME.c.post_form('/profile/certificates', [('csrf', pct_s(mtok))] + form(BASE_C, 'x', 'sql'))
KP = db.q("SELECT id || '|' || serial FROM renrakucho.pickup WHERE created_by = %s ORDER BY id DESC"
          " LIMIT 1" % ME.id)
if a.status != '200' or not KP:
    bail('a certificate of my own: %s' % a.status)
KPID, KSERIAL = KP.split('|')
KEEP.append(KSERIAL)
KSTATE = ("SELECT (SELECT revoked_at IS NULL FROM renrakucho.device_cert WHERE serial = %s) || '|' ||"
          " (SELECT fetched_at IS NULL FROM renrakucho.pickup WHERE id = %s)" % (lit(KSERIAL), KPID))
ids_in_path('profile certificate revoke', ME.c, '/profile/certificates/{0}/revoke', [KPID], mtok,
            KSTATE)
for p in IDS:
    s0 = db.q(KSTATE)
    a = ME.c.post_form('/profile/certificates/%s/revoke' % KPID,
                       [('csrf', pct(p)), ('confirm', pct(p))])
    v_none('profile certificate revoke confirm %s' % p, a, db, KSTATE, s0)
ids_in_path('profile pickup download', ME.c, '/profile/pickups/{0}/download', [KPID], mtok, KSTATE)

# --- a patient's registration edited, its information sheet, the end of support ---------------
section('patient edit')
PROW = "SELECT to_jsonb(p)::text FROM renrakucho.patient p WHERE id = %s" % PID
PSNAP = ("SELECT (SELECT to_jsonb(p)::text FROM renrakucho.patient p WHERE id = %s) || '|' ||"
         " (SELECT count(*) FROM renrakucho.patient_change WHERE patient_id = %s)" % (PID, PID))
P0 = db.q("SELECT name || '|' || kana || '|' || address FROM renrakucho.patient WHERE id = %s"
          % PID).split('|')
BASE_E = [('name', P0[0]), ('kana', P0[1]), ('reason', '敵対入力の試験'), ('address', P0[2]),
          ('phone', ''), ('care_level', ''), ('diseases', ''), ('emergency', ''), ('notes', '')]
COLS = {'name': 'name', 'kana': 'kana', 'address': 'address', 'phone': 'phone',
        'diseases': 'main_diseases', 'emergency': 'emergency_contact', 'notes': 'notes'}
RESTORE_P = ("UPDATE renrakucho.patient SET name = %s, kana = %s, kana_key = renrakucho.kana_key(%s),"
             " address = %s, phone = '', care_level = '', main_diseases = '', emergency_contact = '',"
             " notes = '' WHERE id = %s" % (lit(P0[0]), lit(P0[1]), lit(P0[1]), lit(P0[2]), PID))
for f, col in COLS.items():
    for p in TEXT:
        s0 = db.q(PSNAP)
        rest = ("SELECT (to_jsonb(p) - %s%s)::text FROM renrakucho.patient p WHERE id = %s"
                % (lit(col), " - 'kana_key'" if f == 'kana' else '', PID))
        r0 = db.q(rest)
        a = S1.post_form('/patients/%s/edit' % PID, [('csrf', pct_s(stok))] + form(BASE_E, f, p))
        v_update('patient edit %s %s' % (f, p), p, a, db, PSNAP, s0,
                 'SELECT %s FROM renrakucho.patient WHERE id = %s' % (col, PID), rest, r0,
                 '/patients/%s' % PID, S1, lf=f in ('diseases', 'notes'))
        db.q(RESTORE_P)
for f, ps in (('reason', TEXT), ('care_level', IDS), ('csrf', IDS)):
    for p in ps:
        s0 = db.q(PROW)
        pairs = form(BASE_E, f, p) if f != 'csrf' else form(BASE_E, 'x', 'sql')
        a = S1.post_form('/patients/%s/edit' % PID,
                         ([('csrf', pct(p))] if f == 'csrf' else [('csrf', pct_s(stok))]) + pairs)
        v_none('patient edit %s %s' % (f, p), a, db, PROW, s0, page='/patients/%s' % PID,
               client=S1)
        db.q(RESTORE_P)

section('patient sheet')
SCOUNT = "SELECT count(*) FROM renrakucho.sheet_entry WHERE patient_id = %s" % PID


def sheet_version(sec):
    return db.q("SELECT coalesce(max(version), 0) FROM renrakucho.sheet_entry"
                " WHERE patient_id = %s AND section = %s" % (PID, lit(sec)))


for p in TEXT:
    c0 = db.q(SCOUNT)
    a = S1.post_form('/patients/%s/sheet/edit' % PID,
                     [('csrf', pct_s(stok)), ('section', 'family'),
                      ('version', sheet_version('family')), ('body', pct(p))])
    v_insert('sheet body %s' % p, p, a, db, SCOUNT, c0,
             "SELECT body FROM renrakucho.sheet_entry WHERE patient_id = %s AND section = 'family'"
             " ORDER BY version DESC LIMIT 1" % PID, '/patients/%s/sheet' % PID, S1, lf=True)
for f in ('section', 'version', 'evacuation', 'csrf'):
    for p in IDS:
        c0 = db.q(SCOUNT)
        base = {'csrf': pct_s(stok), 'section': 'evacuation', 'version': sheet_version('evacuation'),
                'body': pct_s('避難所へ'), 'evacuation': 'need'}
        base[f] = pct(p)
        a = S1.post_form('/patients/%s/sheet/edit' % PID, list(base.items()))
        v_none('sheet %s %s' % (f, p), a, db, SCOUNT, c0)

section('team close')
TODAY = time.strftime('%Y-%m-%d')
for p in TEXT:       # the note of その他: each on a team of its own, ended when accepted
    cp = make_patient(rand_kana(), '1930-01-02', 'female')
    ct = make_team(cp, S1_ID)
    state = "SELECT closed_at IS NULL FROM renrakucho.team WHERE id = %s" % ct
    s0 = db.q(state)
    a = S1.post_form('/patients/%s/close' % cp, [('csrf', pct_s(stok)), ('close_reason', 'other'),
                                                  ('close_note', pct(p)), ('closed_on', TODAY)])
    v_update('team close note %s' % p, p, a, db, state, s0,
             "SELECT close_note FROM renrakucho.team WHERE id = %s" % ct,
             "SELECT patient_id FROM renrakucho.team WHERE id = %s" % ct, str(cp),
             '/patients/%s' % cp, S1)
CP = make_patient(rand_kana(), '1930-03-04', 'male')
CT = make_team(CP, S1_ID)
CSTATE = "SELECT closed_at IS NULL FROM renrakucho.team WHERE id = %s" % CT
BASE_X = [('close_reason', 'death'), ('close_note', ''), ('closed_on', TODAY)]
for f in ('close_reason', 'closed_on', 'csrf'):
    for p in IDS:
        s0 = db.q(CSTATE)
        pairs = form(BASE_X, f, p) if f != 'csrf' else form(BASE_X, 'x', 'sql')
        a = S1.post_form('/patients/%s/close' % CP,
                         ([('csrf', pct(p))] if f == 'csrf' else [('csrf', pct_s(stok))]) + pairs)
        v_none('team close %s %s' % (f, p), a, db, CSTATE, s0)
result(db.q(CSTATE) == 't', 'the team whose end had payloads is still open')

section('consent new, withdraw')
CCOUNT = "SELECT count(*) FROM renrakucho.consent WHERE patient_id = %s" % PID
CCOLS = {'proxy_name': 'proxy_name', 'proxy_rel': 'proxy_relationship',
         'explainer': 'explainer_name', 'explainer_facility': 'explainer_facility'}
BASE_CN = [('consent_date', TODAY), ('signer', 'proxy'), ('proxy_name', '敵対 代理'),
           ('proxy_rel', '長女'), ('explainer', '説明 太郎'), ('explainer_facility', '出雲中央クリニック'),
           ('form_kind', 'city')]


def consent_parts(base, f, p, csrf=None):
    parts = [('csrf', (csrf if csrf is not None else stok.encode()))]
    for k, v in base:
        parts.append((k, PAYLOADS[p] if k == f else v.encode()))
    parts.append(('doc', PDF, PAYLOADS[p] if f == 'doc-filename' else b'consent.pdf',
                  'application/pdf'))
    return parts


for f, ps in list((k, TEXT) for k in CCOLS) + [('consent_date', IDS), ('signer', IDS),
                                               ('form_kind', IDS), ('doc-filename', TEXT),
                                               ('csrf', IDS)]:
    for p in ps:
        c0 = db.q(CCOUNT)
        a = S1.post_multipart('/patients/%s/consent/new' % PID,
                              consent_parts(BASE_CN, f, p, PAYLOADS[p] if f == 'csrf' else None))
        if f in CCOLS:
            v_insert('consent new %s %s' % (f, p), p, a, db, CCOUNT, c0,
                     'SELECT %s FROM renrakucho.consent WHERE patient_id = %s ORDER BY id DESC'
                     ' LIMIT 1' % (CCOLS[f], PID), '/patients/%s/consent' % PID, S1)
        else:
            # A file's name is stored as a name of its own making.
            v_none('consent new %s %s' % (f, p), a, db, CCOUNT, c0,
                   ok_after=str(int(c0) + 1) if f == 'doc-filename' else None,
                   page='/patients/%s/consent' % PID, client=S1)

BASE_W = [('withdrawn_on', TODAY), ('signer', 'proxy'), ('proxy_name', '敵対 代理'),
          ('proxy_rel', '長女')]
WCOLS = {'proxy_name': 'proxy_name', 'proxy_rel': 'proxy_relationship'}
for f in WCOLS:      # each on a patient of its own: an accepted withdrawal ends its writes
    for p in TEXT:
        wp = make_patient(rand_kana(), '1931-02-03', 'female')
        make_team(wp, S1_ID)
        state = "SELECT count(*) FROM renrakucho.consent_withdrawal WHERE patient_id = %s" % wp
        c0 = db.q(state)
        a = S1.post_multipart('/patients/%s/consent/withdraw' % wp,
                              [('csrf', stok.encode())] +
                              [(k, PAYLOADS[p] if k == f else v.encode()) for k, v in BASE_W])
        v_insert('consent withdraw %s %s' % (f, p), p, a, db, state, c0,
                 'SELECT %s FROM renrakucho.consent_withdrawal WHERE patient_id = %s'
                 % (WCOLS[f], wp), '/patients/%s' % wp, S1)
WP = make_patient(rand_kana(), '1931-04-05', 'male')
make_team(WP, S1_ID)
WSTATE = "SELECT count(*) FROM renrakucho.consent_withdrawal WHERE patient_id = %s" % WP
for f in ('withdrawn_on', 'signer', 'csrf'):
    for p in IDS:
        s0 = db.q(WSTATE)
        parts = [('csrf', PAYLOADS[p] if f == 'csrf' else stok.encode())] + \
            [(k, PAYLOADS[p] if k == f else v.encode()) for k, v in BASE_W]
        a = S1.post_multipart('/patients/%s/consent/withdraw' % WP, parts)
        v_none('consent withdraw %s %s' % (f, p), a, db, WSTATE, s0)
result(db.q(WSTATE) == '0', 'the consent whose withdrawal had payloads is not withdrawn')

section('operator teams, successors')


def orphan_team(*members):
    """An open team with members and no 担当者 (担当者不在)."""
    pid = make_patient(rand_kana(), '1932-06-07', 'female')
    tid = db.q("INSERT INTO renrakucho.team (patient_id) VALUES (%s) RETURNING id" % pid)
    db.q("INSERT INTO renrakucho.team_member (team_id, account_id, role) VALUES "
         + ', '.join("(%s, %s, 'member')" % (tid, m) for m in members))
    return tid


OT = orphan_team(T1.id)
OSTATE = ("SELECT string_agg(account_id || ':' || role, ',') || '|' || (SELECT closed_at IS NULL"
          " FROM renrakucho.team WHERE id = %s) FROM renrakucho.team_member WHERE team_id = %s"
          % (OT, OT))
for f in ('account', 'csrf'):
    for p in IDS:
        s0 = db.q(OSTATE)
        pairs = [('csrf', pct(p) if f == 'csrf' else pct_s(otok)),
                 ('account', pct(p) if f == 'account' else str(T1.id))]
        a = OPC.post_form('/operator/teams/%s/lead' % OT, pairs)
        v_none('operator team lead %s %s' % (f, p), a, db, OSTATE, s0)
for p in TEXT:       # the note: each on a team of its own, ended when accepted
    ct = orphan_team(T1.id)
    state = "SELECT closed_at IS NULL FROM renrakucho.team WHERE id = %s" % ct
    s0 = db.q(state)
    a = OPC.post_form('/operator/teams/%s/close' % ct, [('csrf', pct_s(otok)), ('note', pct(p))])
    v_update('operator team close note %s' % p, p, a, db, state, s0,
             "SELECT close_note FROM renrakucho.team WHERE id = %s" % ct,
             "SELECT patient_id FROM renrakucho.team WHERE id = %s" % ct,
             db.q("SELECT patient_id FROM renrakucho.team WHERE id = %s" % ct))
for p in IDS:
    s0 = db.q(OSTATE)
    a = OPC.post_form('/operator/teams/%s/close' % OT, [('csrf', pct(p)), ('note', pct_s('終了'))])
    v_none('operator team close csrf %s' % p, a, db, OSTATE, s0)

# The last 担当者 of a team deleted (by themselves, by the facility
# administrator, by the operator): a successor chosen in the same form.
LEADER = Person('lead')
LT = make_team(make_patient(rand_kana(), '1933-08-09', 'male'), LEADER.id, T1.id)
LEADER2 = Person('lead2', cert=False)
LT2 = make_team(make_patient(rand_kana(), '1933-10-11', 'female'), LEADER2.id, T1.id)
LEADER3 = Person('lead3', cert=False)
LT3 = make_team(make_patient(rand_kana(), '1933-12-13', 'male'), LEADER3.id, T1.id)
ltok = LEADER.c.csrf('/profile')
for who, tid, post in ((LEADER, LT, lambda v: LEADER.c.post_form(
        '/profile/delete', [('csrf', pct_s(ltok)), ('current_password', pct_s(LEADER.password)),
                            ('successor1', v)])),
                       (LEADER2, LT2, lambda v: ADMINC.post_form(
        '/facility/staff/%s/delete' % LEADER2.id, [('csrf', pct_s(tok)), ('successor1', v)])),
                       (LEADER3, LT3, lambda v: OPC.post_form(
        '/operator/accounts/%s/delete' % LEADER3.id, [('csrf', pct_s(otok)), ('successor1', v)]))):
    state = ("SELECT (SELECT deleted_at IS NULL FROM renrakucho.account WHERE id = %s) || '|' ||"
             " (SELECT string_agg(account_id || ':' || role, ',' ORDER BY account_id)"
             " FROM renrakucho.team_member WHERE team_id = %s)" % (who.id, tid))
    for p in IDS + ['sql', 'surrogate']:
        s0 = db.q(state)
        a = post(pct(p))
        v_none('successor of %s %s' % (who.login, p), a, db, state, s0)
        if who is LEADER:
            LEADER.reset_failures()
    # another team's member named as the successor: refused
    s0 = db.q(state)
    a = post('%s-%s' % (tid, ME.id))
    v_none('successor of %s not a member' % who.login, a, db, state, s0)
    result(db.q(state) == s0 and a.status == '422',
           'successor of %s: a non-member is refused (422)' % who.login, a.status)

section('operator stats')
for p in IDS:
    a = OPC.get('/operator/stats.csv?kind=' + pct(p))
    v_none('operator stats kind %s' % p, a, db, "SELECT 1", '1')

section('profile delete')
dtok = DEL.c.csrf('/profile')
DSTATE = "SELECT deleted_at IS NULL FROM renrakucho.account WHERE id = %s" % DEL.id
for p in TEXT:
    s0 = db.q(DSTATE)
    a = DEL.c.post_form('/profile/delete', [('csrf', pct_s(dtok)), ('current_password', pct(p))])
    v_none('profile delete current_password %s' % p, a, db, DSTATE, s0)
    DEL.reset_failures()
for p in IDS:
    s0 = db.q(DSTATE)
    a = DEL.c.post_form('/profile/delete', [('csrf', pct(p)),
                                            ('current_password', pct_s(DEL.password))])
    v_none('profile delete csrf %s' % p, a, db, DSTATE, s0)
result(db.q(DSTATE) == 't', 'the account whose deletion had payloads is there')
result(db.q("SELECT count(*) FROM renrakucho.account WHERE login = %s AND deleted_at IS NULL"
            % lit(E['STAFF1_LOGIN'])) == '1', 'the SQL payloads changed nothing: the accounts are there')

# Tidy: the throwaway accounts go (their certificates with them).
db.q("UPDATE renrakucho.account SET deleted_at = now() WHERE login LIKE 'hx-%%-%s'"
     " AND deleted_at IS NULL" % U)
diag('done in %.0f s' % (time.time() - T0))
done()
