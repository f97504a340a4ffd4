/* The audit trail's actions and columns (audit_actions.h): the one place
 * they are described.  Rows in the order of the documentation (sign-in,
 * home, patients, join requests, messages, profile, facility
 * administrator, operator, admin CLI, signer).  object_id says what
 * object_id holds and, where set, patient_id; "-" in an example is
 * NULL. */
#include "config.h"

#include <string.h>

#include "audit_actions.h"

const struct audit_action audit_actions[] = {
	/* --- sign-in ---------------------------------------------------- */
	{ "login", "/login", "account", "success failure denied",
	  "the account (NULL for an unknown login ID or a refused form);"
	  " login holds the login ID typed",
	  "NULL on success; failure: unknown login, wrong password, wrong"
	  " password; account locked; denied: account locked, certificate of"
	  " another facility (refused before any password check), csrf token"
	  " missing or wrong, device throttled (20 failures from the device"
	  " certificate in 15 minutes), password change required (the right"
	  " password of an account whose password someone else set: the"
	  " change form is shown), password policy, new password not"
	  " accepted (the change refused)",
	  "failure | 12 | wrong password" },
	{ "login.password", "/login (the first login's password change)",
	  "account", "success",
	  "the account, whose password someone else had set; with the"
	  " login event of the same login", "NULL", "success | 12 | -" },
	{ "logout", "/logout", "session", "success",
	  "the session ended (session.id)", "NULL",
	  "success | 3051 | -" },
	{ "certificate", "every app page (front line)", "device_cert",
	  "denied",
	  "the serial of the client certificate presented",
	  "inactive or unknown certificate",
	  "denied | 5F3A9C... | inactive or unknown certificate" },
	{ "session", "every app page (front line)", "session", "denied",
	  "NULL (the cookie belongs to another device's session)",
	  "session cookie presented with another certificate",
	  "denied | - | session cookie presented with another certificate" },
	{ "csrf", "every app form (front line)", "", "denied",
	  "NULL", "the path posted to",
	  "denied | - | /teams/4/messages" },
	{ "pickup", "/certificate-pickup (portal), /profile/pickups/{id}/download",
	  "pickup", "success failure denied",
	  "the pickup (pickup.id) when known; on the portal's success"
	  " cert_serial is the certificate fetched",
	  "portal: portal (success), wrong number or password, already"
	  " fetched, expired, locked, missing input (failure), foreign"
	  " origin (denied); My Profile: direct download (success), used,"
	  " expired (denied)",
	  "failure | - | wrong number or password" },
	{ "staff.access", "the staff pages (front line): /patients/new...,"
	  " /teams/{id}/join-requests...", "", "denied", "NULL",
	  "the path (the account has not the staff role)",
	  "denied | - | /patients/new" },
	/* --- home ------------------------------------------------------- */
	{ "home.view", "/home", "", "success", "NULL", "NULL",
	  "success | - | -" },
	/* --- patients --------------------------------------------------- */
	{ "patient.lookup", "/patients/new (POST)", "patient", "success denied",
	  "the patient found (also patient_id), NULL when none",
	  "found, not found, not found (a support that ended) (only an"
	  " archived registration of the person: registered anew), found"
	  " several, none at this address (more than"
	  " one with the kana, birth date and sex, none at the address"
	  " given: NULL); denied: outside the service area, hourly limit"
	  " (lookup_hourly_limit reached; never the name or birth date"
	  " looked up)",
	  "success | 41 | found" },
	{ "patient.distinct", "/patients/new (POST, distinct=1)", "patient",
	  "success denied",
	  "the one registered at the address given (also patient_id) when"
	  " denied, the only one registered when one; NULL when several",
	  "someone else: N registered, none at this address; denied: the"
	  " same address (the registrant confirmed that a person with the"
	  " kana, birth date and sex of someone registered is someone else)",
	  "success | 41 | someone else: 1 registered, none at this address" },
	{ "patient.create", "/patients/new/consent", "patient", "success",
	  "the new patient (also patient_id)",
	  "patient, consent document, team; with \"; someone else with the"
	  " same kana, birth date and sex\" after patient.distinct, \"; after"
	  " a support that ended\" when linked to an archived registration"
	  " (patient.previous_id)",
	  "success | 42 | patient, consent document, team" },
	{ "patient.view", "/patients/{id}, /patients/{id}/edit (the form)",
	  "patient", "success denied",
	  "the patient asked for; patient_id on success only",
	  "NULL on the patient page; edit form (the edit page's form, filled"
	  " with the registration); denied: not a team member",
	  "denied | 41 | not a team member" },
	{ "patient.edit", "/patients/{id}/edit (POST)", "patient",
	  "success failure denied",
	  "the patient asked for; patient_id except when denied",
	  "the columns changed, never their values (name, kana, address,"
	  " phone, care_level, main_diseases, emergency_contact, notes; one"
	  " patient_change row each); failure: identity in use (the new kana"
	  " with the birth date and sex is another patient's: nothing"
	  " changed); denied: not a team member.  A refused form or a form"
	  " without a change writes no event",
	  "success | 41 | address, phone" },
	{ "patient.history", "/patients/{id}/history", "patient",
	  "success denied",
	  "the patient asked for; patient_id on success only",
	  "NULL; denied: not a team member", "success | 41 | -" },
	{ "consent.view", "/patients/{id}/consent", "patient",
	  "success denied",
	  "the patient asked for; patient_id on success only",
	  "NULL; denied: not a team member", "success | 41 | -" },
	{ "consent.download", "/patients/{id}/consent-document (the latest),"
	  " /patients/{id}/consent/{id}/document,"
	  " /patients/{id}/consent/withdraw/document",
	  "patient (the latest; and when not a member), consent,"
	  " consent_withdrawal", "success denied",
	  "the patient (the latest), the consent or the withdrawal whose"
	  " document was served, patient_id the patient; when not a member:"
	  " the patient asked for",
	  "NULL; denied: not a team member, no such document (a member"
	  " asking for another patient's consent, or a withdrawal without a"
	  " scan)", "success | 57 | -" },
	{ "consent.add", "/patients/{id}/consent/new (GET, POST)",
	  "consent (patient when refused)", "success failure denied",
	  "the newer consent stored, patient_id its patient; refused: the"
	  " patient asked for",
	  "success: the signer (patient or proxy, never a name); failure:"
	  " invalid input; denied: team_closed, consent_withdrawn (the team"
	  " is read-only), not a team member",
	  "success | 58 | proxy" },
	{ "consent.withdraw", "/patients/{id}/consent/withdraw (GET, POST)",
	  "consent_withdrawal (patient when refused)",
	  "success failure denied",
	  "the withdrawal recorded, patient_id its patient; refused: the"
	  " patient asked for",
	  "who reported it (patient or proxy, never a name), \", with a"
	  " scan\" when one was uploaded, and \"N pending join requests"
	  " rejected\"; failure: invalid input; denied: not a lead,"
	  " team_closed, consent_withdrawn, not a team member",
	  "success | 3 | proxy, with a scan; 0 pending join requests"
	  " rejected" },
	{ "team.lead", "/patients/{id}/members/{id}/lead",
	  "account (patient when not a member)", "success denied",
	  "the member made person in charge, patient_id the patient; when"
	  " not a member: the patient asked for",
	  "NULL; denied: not a lead, not a team member",
	  "success | 12 | -" },
	{ "team.member", "/patients/{id}/members/{id}/member",
	  "account (patient when not a member)", "success denied",
	  "the person in charge made a plain member, patient_id the patient;"
	  " when not a member: the patient asked for",
	  "NULL; denied: not a lead, last lead, not a team member",
	  "denied | 12 | last lead" },
	{ "team.leave", "/patients/{id}/leave", "patient", "success denied",
	  "the patient whose team was left (also patient_id, except when not"
	  " a member)", "NULL; denied: last lead, not a team member",
	  "success | 41 | -" },
	{ "team.remove", "/patients/{id}/members/{id}/remove",
	  "account (patient when not a member)", "success denied",
	  "the member removed by a person in charge, patient_id the patient;"
	  " when not a member: the patient asked for",
	  "NULL; denied: not a lead, a lead, not a team member",
	  "success | 12 | -" },
	{ "team.close", "/patients/{id}/close (GET, POST)",
	  "team (patient when not a member)", "success failure denied",
	  "the team whose support ended, patient_id its patient; when not a"
	  " member: the patient asked for",
	  "the reason's code (death, moved, facility, other; never the note)"
	  " and \"N pending join requests rejected\"; failure: invalid input;"
	  " denied: not a lead, already closed, consent withdrawn, not a"
	  " team member",
	  "success | 7 | moved; 0 pending join requests rejected" },
	{ "sheet.view", "/patients/{id}/sheet, /patients/{id}/sheet/edit"
	  "?section=... (GET)", "patient", "success denied",
	  "the patient asked for; patient_id on success only",
	  "NULL for the whole sheet; the section's key (family, services,"
	  " history, adl, medication, meals, excretion, disaster_place,"
	  " evacuation, safety) for one section's edit form; denied: not a"
	  " team member",
	  "success | 41 | medication" },
	{ "sheet.edit", "/patients/{id}/sheet/edit (POST)", "patient",
	  "success failure denied",
	  "the patient whose sheet was saved; patient_id on success and"
	  " failure only",
	  "the section's key (never its text); failure: KEY: invalid input"
	  " (over 2,000 characters, no 要/不要/未確認, no version), KEY:"
	  " saved by someone else (the version the form was based on is no"
	  " longer the latest: nothing stored); denied: not a team member",
	  "failure | 41 | adl: saved by someone else" },
	{ "sheet.history", "/patients/{id}/sheet/history?section=...",
	  "patient", "success denied",
	  "the patient asked for; patient_id on success only",
	  "the section's key; denied: not a team member",
	  "success | 41 | family" },
	/* --- join requests ---------------------------------------------- */
	{ "join.request", "/teams/{id}/join-requests (POST)", "team",
	  "success denied",
	  "the team asked to join, patient_id its patient (not when refused:"
	  " the kana, birth date and sex given do not match it)",
	  "NULL; denied: not a member or requester, hourly limit"
	  " (lookup_hourly_limit reached)", "success | 4 | -" },
	{ "join.list", "/teams/{id}/join-requests", "team", "success denied",
	  "the team whose pending requests a member saw, patient_id its"
	  " patient (a requester's own request: no event; neither: denied)",
	  "NULL; denied: not a member or requester", "success | 4 | -" },
	{ "join.approve", "/teams/{id}/join-requests/{id}/approve",
	  "join_request (team when refused)", "success denied",
	  "the request decided, patient_id the patient; when refused: the"
	  " team", "NULL; denied: not a member or requester",
	  "success | 9 | -" },
	{ "join.reject", "/teams/{id}/join-requests/{id}/reject",
	  "join_request (team when refused)", "success denied",
	  "the request decided, patient_id the patient; when refused: the"
	  " team", "NULL; denied: not a member or requester",
	  "denied | 4 | not a member or requester" },
	{ "join.withdraw", "/teams/{id}/join-requests/{id}/withdraw",
	  "join_request (team when refused)", "success denied",
	  "the request withdrawn by its requester, patient_id the patient;"
	  " when refused: the team",
	  "NULL; denied: not a member or requester", "success | 9 | -" },
	/* --- messages ---------------------------------------------------- */
	{ "message.view", "/teams/{id}/messages", "team", "success denied",
	  "the team whose timeline was shown, patient_id its patient (not"
	  " when refused)", "NULL, or older page (a page further back);"
	  " denied: not a member", "success | 4 | -" },
	{ "message.post", "/teams/{id}/messages (POST)",
	  "message (team unless stored)", "success failure denied",
	  "the new message; the team when nothing was stored; patient_id the"
	  " patient (not when refused)",
	  "attachments: N; failure: invalid input, duplicate submission;"
	  " denied: not a member",
	  "success | 311 | attachments: 1" },
	{ "message.like", "/teams/{id}/messages/{id}/like",
	  "message (team when refused)", "success denied",
	  "the message liked, patient_id the patient; when refused: the team",
	  "NULL; denied: not a member", "success | 311 | -" },
	{ "message.unlike", "/teams/{id}/messages/{id}/like (again)",
	  "message", "success",
	  "the message whose like was taken back, patient_id the patient",
	  "NULL", "success | 311 | -" },
	{ "message.withdraw", "/teams/{id}/messages/{id}/withdraw",
	  "message (team when refused)", "success denied",
	  "the message withdrawn, patient_id the patient; when refused: the"
	  " team", "NULL; denied: not a member", "success | 311 | -" },
	{ "message.attachment", "/teams/{id}/messages/{id}/attachments/{id}",
	  "message_attachment (team when refused)", "success denied",
	  "the attachment downloaded, patient_id the patient; when refused:"
	  " the team", "NULL; denied: not a member", "success | 27 | -" },
	{ "receipts.view", "/teams/{id}/receipts (and export.csv, refused)",
	  "team", "success denied",
	  "the team, patient_id its patient (not when refused)",
	  "all members (a person in charge), own status; denied: not a"
	  " member", "success | 4 | all members" },
	{ "receipts.export", "/teams/{id}/receipts/export.csv", "team",
	  "success denied", "the team, patient_id its patient",
	  "csv; denied: not a lead (a member who is not its person in"
	  " charge)", "success | 4 | csv" },
	/* --- profile ----------------------------------------------------- */
	{ "profile.password", "/profile/password", "account",
	  "success failure denied", "the account itself",
	  "NULL; failure: wrong current password; denied: password policy"
	  " (the new password refused by password_check)",
	  "failure | 12 | wrong current password" },
	{ "profile.email", "/profile/email, /profile/email/confirm", "account",
	  "success failure", "the account itself",
	  "confirmed (the link mailed to the new address), placeholder (a"
	  " forwarding address); failure: wrong current password, invalid"
	  " link (unknown, used, cancelled or expired)",
	  "success | 12 | confirmed" },
	{ "profile.notify", "/profile/notify", "account", "success",
	  "the account itself", "on, off", "success | 12 | off" },
	{ "certificate.issue", "/profile/certificates", "device_cert or account",
	  "success failure", "the serial of the new certificate; failure:"
	  " the account itself",
	  "pickup <pickup id>, or pickup <pickup id>, replaces <serial> (a"
	  " replacement of the issuing device's certificate); failure: wrong"
	  " current password",
	  "success | 5F3A9C... | pickup 17" },
	{ "certificate.revoke", "/profile/certificates/{serial}/revoke",
	  "device_cert", "success", "the serial revoked",
	  "N sessions ended", "success | 5F3A9C... | 1 sessions ended" },
	{ "account.delete", "/profile/delete", "account", "success failure",
	  "the account itself",
	  "by the account itself; N certificates revoked, M pickups cancelled"
	  " (its waiting pickups, and its certificates no other live account"
	  " of the facility uses), then, when it was the last 担当者 of open"
	  " teams (lib/leave.h), \"; successors: team T account A, ...\""
	  " and/or \"N teams without a lead\" (担当者不在); failure: wrong"
	  " current password, successor missing, bad successor",
	  "success | 12 | by the account itself; 1 certificates revoked,"
	  " 0 pickups cancelled; successors: team 3 account 14" },
	{ "profile.email.request", "/profile/email", "account", "success",
	  "the account itself (the new address is in no event: the link goes"
	  " to it, a notice to the present one)", "NULL",
	  "success | 12 | -" },
	/* --- facility administrator -------------------------------------- */
	{ "facility.access", "/facility...", "account or none", "denied",
	  "NULL (not a facility administrator), or the operator's account"
	  " asked for", "the path (not a facility administrator), or"
	  " operator account", "denied | - | /facility" },
	{ "facility.staff.list", "/facility", "facility", "success",
	  "the administrator's facility", "NULL", "success | 2 | -" },
	{ "facility.staff.create", "/facility/staff/new", "account",
	  "success denied", "the new account; NULL when denied",
	  "NULL, or facility-admin; denied: password policy (the initial"
	  " password refused by password_check)",
	  "success | 15 | facility-admin" },
	{ "facility.staff.view", "/facility/staff/{id}", "account",
	  "success", "the account shown", "NULL", "success | 15 | -" },
	{ "facility.staff.update", "/facility/staff/{id} (POST)", "account",
	  "success", "the account changed",
	  "NULL, or placeholder (a forwarding address)", "success | 15 | -" },
	{ "facility.staff.delete", "/facility/staff/{id}/delete", "account",
	  "success failure denied", "the account deleted (or refused)",
	  "N certificates revoked, M pickups cancelled, then its successors"
	  " and teams without a lead (as account.delete); failure: successor"
	  " missing, bad successor; denied: own account, last operator",
	  "success | 15 | 1 certificates revoked, 0 pickups cancelled;"
	  " 1 teams without a lead" },
	{ "facility.staff.unlock", "/facility/staff/{id}/unlock", "account",
	  "success", "the account unlocked", "NULL", "success | 15 | -" },
	{ "facility.device.list", "/facility/devices", "facility",
	  "success", "the administrator's facility", "NULL",
	  "success | 2 | -" },
	{ "facility.device.revoke", "/facility/devices/revoke",
	  "device_cert", "success", "the serial revoked", "N sessions ended",
	  "success | 5F3A9C... | 0 sessions ended" },
	{ "facility.staff.password_reset", "/facility/staff/{id}/password"
	  " (POST)", "account", "success denied",
	  "the account given a temporary password (the administrator's own"
	  " when denied as own account)",
	  "N sessions ended (the person's, all of them); denied: own account"
	  " (My Profile changes it), stale form (the form was shown before"
	  " the account's last reset: a reload or a second POST; nothing"
	  " reset or shown)",
	  "success | 15 | 1 sessions ended" },
	/* --- service operator -------------------------------------------- */
	{ "operator.access", "/operator...", "", "denied", "NULL",
	  "the path (not an operator)", "denied | - | /operator" },
	{ "operator.facility.list", "/operator", "", "success", "NULL",
	  "NULL", "success | - | -" },
	{ "operator.facility.create", "/operator/facilities/new", "facility",
	  "success", "the new facility",
	  "inside, outside (of the service area)", "success | 3 | outside" },
	{ "operator.facility.view", "/operator/facilities/{id}", "facility",
	  "success", "the facility shown", "NULL", "success | 3 | -" },
	{ "operator.facility.update", "/operator/facilities/{id} (POST)",
	  "facility", "success", "the facility changed",
	  "active, suspended (its status after the change)",
	  "success | 3 | suspended" },
	{ "operator.admin.create", "/operator/facilities/{id}/admins/new",
	  "account", "success denied", "the new facility administrator;"
	  " NULL when denied", "the facility's id; denied: password policy"
	  " (the initial password refused by password_check)",
	  "success | 16 | 3" },
	{ "operator.account.search", "/operator/accounts?q=", "",
	  "success", "NULL", "NULL (never the search words)",
	  "success | - | -" },
	{ "operator.account.view", "/operator/accounts/{id}", "account",
	  "success", "the account shown", "NULL", "success | 16 | -" },
	{ "operator.account.unlock", "/operator/accounts/{id}/unlock",
	  "account", "success", "the account unlocked", "NULL",
	  "success | 16 | -" },
	{ "operator.account.delete", "/operator/accounts/{id}/delete",
	  "account", "success failure denied",
	  "the account deleted (or refused)",
	  "as facility.staff.delete: N certificates revoked, M pickups"
	  " cancelled, then its successors and teams without a lead;"
	  " failure: successor missing, bad successor; denied: own account,"
	  " last operator",
	  "success | 16 | 0 certificates revoked, 0 pickups cancelled;"
	  " successors: team 7 account 21" },
	{ "operator.pickup.create", "/operator/accounts/{id}/pickup",
	  "device_cert", "success",
	  "the serial of the first certificate issued",
	  "the id of the account it is for", "success | 5F3A9C... | 16" },
	{ "operator.device.list", "/operator/certificates", "facility",
	  "success", "NULL (all facilities)", "NULL", "success | - | -" },
	{ "operator.device.revoke", "/operator/certificates/revoke",
	  "device_cert", "success", "the serial revoked", "N sessions ended",
	  "success | 5F3A9C... | 2 sessions ended" },
	{ "operator.account.password_reset", "/operator/accounts/{id}/password"
	  " (POST)", "account", "success denied",
	  "the account given a temporary password (the operator's own when"
	  " denied as own account)",
	  "as facility.staff.password_reset: N sessions ended; denied: own"
	  " account, stale form",
	  "success | 16 | 0 sessions ended" },
	{ "operator.notice.list", "/operator/notices", "", "success",
	  "NULL", "NULL", "success | - | -" },
	{ "operator.notice.create", "/operator/notices (POST)", "notice",
	  "success", "the new notice",
	  "home (shown on /home), portal (also meant for the portal)",
	  "success | 4 | home" },
	{ "operator.notice.withdraw", "/operator/notices/{id}/withdraw",
	  "notice", "success", "the notice withdrawn", "NULL",
	  "success | 4 | -" },
	{ "operator.stats.view", "/operator/stats", "", "success", "NULL",
	  "NULL (the page shows counts only)", "success | - | -" },
	{ "operator.stats.export", "/operator/stats.csv?kind=", "", "success",
	  "NULL", "the CSV downloaded: summary, patients (new patients a"
	  " month), messages (messages a month)", "success | - | patients" },
	{ "operator.team.list", "/operator/teams", "", "success", "NULL",
	  "NULL (the teams without a 担当者, by number: no patient data)",
	  "success | - | -" },
	{ "operator.team.lead", "/operator/teams/{id}/lead", "team",
	  "success failure denied", "the team, patient_id its patient",
	  "account A (the live staff member made 担当者); failure: not a"
	  " member; denied: not without a lead (it has a live 担当者 or is"
	  " closed)", "success | 3 | account 14" },
	{ "operator.team.close", "/operator/teams/{id}/close", "team",
	  "success failure denied", "the team, patient_id its patient",
	  "as team.close: other; N pending join requests rejected (never the"
	  " note); failure: invalid input; denied: not without a lead",
	  "success | 3 | other; 0 pending join requests rejected" },
	/* --- renrakucho-admin (login cli:<unix user>) --------------------- */
	{ "cli.migrate", "renrakucho-admin migrate", "schema_migration",
	  "success", "the file applied (002_jobs.sql)",
	  "the SHA-256 of the file",
	  "success | 002_jobs.sql | 9f86d081884c7d65..." },
	{ "cli.facility.add", "renrakucho-admin facility add, setup",
	  "facility", "success", "the new facility", "its name",
	  "success | 1 | 出雲市役所" },
	{ "cli.account.add", "renrakucho-admin account add, setup",
	  "account", "success", "the new account",
	  "its roles (staff,facility-admin,operator)",
	  "success | 1 | staff,facility-admin,operator" },
	{ "cli.account.unlock", "renrakucho-admin account unlock", "account",
	  "success", "the account unlocked", "NULL", "success | 12 | -" },
	{ "cli.account.passwd", "renrakucho-admin account passwd", "account",
	  "success", "the account", "N sessions ended, and \"; to be"
	  " changed at the next login\" unless --own-password",
	  "success | 12 | 1 sessions ended; to be changed at the next login" },
	{ "cli.cert.issue", "renrakucho-admin cert issue, setup",
	  "device_cert", "success", "the serial of the new certificate",
	  "for login <login ID> (cert issue), or the device's label (setup)",
	  "success | 5F3A9C... | for login staff1" },
	{ "cli.cert.revoke", "renrakucho-admin cert revoke", "device_cert",
	  "success", "the serial revoked", "N sessions ended",
	  "success | 5F3A9C... | 0 sessions ended" },
	{ "cli.crl.update", "renrakucho-admin crl update (timer)",
	  "device_cert", "success", "NULL",
	  "N revoked (the serials the CRL written lists)",
	  "success | - | 3 revoked" },
	{ "cli.mail.deliver", "renrakucho-admin mail deliver (timer)",
	  "mail_outbox", "success", "NULL (only when something was tried)",
	  "sent N, failed N, gave up N", "success | - | sent 2, failed 0,"
	  " gave up 0" },
	{ "cli.mail.purge", "renrakucho-admin mail purge (timer)",
	  "mail_outbox", "success", "NULL",
	  "N mails deleted, M bodies emptied (sent mail past"
	  " mail_body_keep_days)",
	  "success | - | 40 mails deleted, 12 bodies emptied" },
	{ "cli.session.purge", "renrakucho-admin session purge (timer)",
	  "session", "success", "NULL", "N sessions deleted",
	  "success | - | 120 sessions deleted" },
	{ "cli.pickup.purge", "renrakucho-admin pickup purge (timer)",
	  "pickup", "success", "NULL",
	  "N bundles deleted, M failures deleted (failed pickup attempts"
	  " past pickup_failure_keep_days)",
	  "success | - | 1 bundles deleted, 4 failures deleted" },
	{ "cli.auditor.add", "renrakucho-admin auditor add", "role", "success",
	  "the auditor's role name", "password generated, password from"
	  " standard input",
	  "success | akiyama_k | password generated" },
	{ "cli.auditor.remove", "renrakucho-admin auditor remove", "role",
	  "success", "the auditor's role name", "NULL",
	  "success | akiyama_k | -" },
	{ "cli.audit.report", "renrakucho-admin audit report (timer)",
	  "audit_event", "success", "NULL",
	  "the day and how many lines of each kind, whether it was mailed",
	  "success | - | day 2026-12-01: views 1, lookups 2, refused 2,"
	  " mailed yes" },
	{ "cli.audit.export", "renrakucho-admin audit export", "audit_event",
	  "success", "NULL", "the days, the format and how many events",
	  "success | - | 2026-04-01..2026-04-30, csv, 1234 events" },
	{ "cli.audit.archive", "renrakucho-admin audit archive", "audit_event",
	  "success", "the month archived (YYYY-MM)",
	  "the month, its count, first and last id, the export's SHA-256",
	  "success | 2021-03 | 2021-03: 5120 events, ids 1 to 5120, sha256"
	  " 9f86d0..." },
	{ "cli.audit.partitions", "renrakucho-admin audit partitions (timer)",
	  "audit_event", "success", "NULL",
	  "N partitions made (written only when N > 0)",
	  "success | - | 1 partitions made" },
	{ "cli.audit.verify", "renrakucho-admin audit verify", "audit_event",
	  "success failure", "NULL",
	  "success: how many events from which seq, how many seals;"
	  " failure: the first finding, naming the event's seq and id",
	  "failure | - | event seq 57 (id 60) was changed: its content does"
	  " not give its hash" },
	{ "cli.audit.seal", "renrakucho-admin audit seal (timer)",
	  "audit_event", "success",
	  "the seq sealed (NULL when written as the jobs' role)",
	  "the seq and hash sealed",
	  "success | 1234 | seq 1234 hash 9f86d081884c7d65..." },
	{ "cli.cert.expiry_notice", "renrakucho-admin cert expiry-notice"
	  " (timer)", "device_cert", "success", "NULL",
	  "how many certificates got their 30-day and their 7-day notice"
	  " in this run, and the mails queued (cert_expiry_notice holds"
	  " which)", "success | - | 2 at 30 days, 1 at 7 days, 5 mails"
	  " queued" },
	/* --- auditors (login db:<role>) --------------------------------- */
	{ "auditor.verify", "renrakucho-admin audit verify --db (an auditor's"
	  " role), through auditor_verified()", "audit_event",
	  "success failure", "NULL",
	  "as cli.audit.verify: how many events and seals, or the first"
	  " finding",
	  "success | - | checked 1234 events from seq 1, 12 seals" },
	{ "auditor.query", "the auditor functions (auditor_*)", "audit_event",
	  "success", "NULL",
	  "the function and its arguments; a kana and birth date written as"
	  " ?, the patients found",
	  "success | - | auditor_patient_events_by_kana(?, ?, 2026-11-01,"
	  " 2026-12-01): patients {42}" },
	/* --- the certificate signer (login renrakucho-signer) ------------- */
	{ "signer.seal", "renrakucho-signer", "audit_event", "success denied",
	  "the seq to seal",
	  "hash <64 hex>; denied: no such chain event, cannot sign the seal",
	  "success | 1234 | hash 9f86d081884c7d65..." },
	{ "signer.sign", "renrakucho-signer", "cert_issuance",
	  "success denied",
	  "the issuance (cert_issuance.id); NULL when malformed",
	  "serial <hex>; denied: malformed issuance id, no such issuance,"
	  " issuance already signed, issuance too old, facility not active,"
	  " cannot sign this issuance",
	  "success | 17 | serial 5F3A9C..." },
};

const size_t audit_nactions = sizeof(audit_actions) / sizeof(audit_actions[0]);

/* Verbatim the COMMENT ON COLUMN audit_event.* of schema/ (base.sql,
 * the deltas): tests/cgi/audit-doc.sh compares them. */
const struct audit_column audit_columns[] = {
	{ "id", "Event number, in the order written." },
	{ "at", "When the event was written (clock time, not the"
	  " transaction's start)." },
	{ "account_id", "Who (account.id); NULL when nobody was logged in (a"
	  " failed login, the portal, renrakucho-admin)." },
	{ "login", "The login ID: of account_id, or the one attempted on a"
	  " failed login; cli:<unix user> for renrakucho-admin." },
	{ "cert_serial", "From which device: the serial of the client"
	  " certificate presented (device_cert.serial, or one refused)." },
	{ "remote_addr", "From which address." },
	{ "action", "What was done, e.g. login, patient.view, message.post,"
	  " cli.migrate: every action, with what object_type, object_id and"
	  " detail hold, in doc/audit.md (renrakucho-admin audit actions)." },
	{ "object_type", "The kind of object acted on: team, patient,"
	  " account, device_cert, ... (per action in doc/audit.md); NULL when"
	  " none." },
	{ "object_id", "Which object of object_type, as text." },
	{ "patient_id", "The patient whose data it was (patient.id), when it"
	  " was." },
	{ "outcome", "success, failure (e.g. a wrong password) or denied"
	  " (refused: not a member, no CSRF token, ...)." },
	{ "detail", "More about the event, in words (never a password or"
	  " patient data); per action in doc/audit.md." },
	{ "seq", "Place in the hash chain: 1, 2, 3, ... without gaps, in the"
	  " order written (set by the database, not the writer)." },
	{ "prev_hash", "hash of the event seq - 1 (32 zero bytes for seq 1)." },
	{ "hash", "SHA-256 of prev_hash followed by the event's canonical"
	  " content (004_audit_chain.sql, README \"The audit trail\");"
	  " computed by the database on insert." },
};

const size_t audit_ncolumns = sizeof(audit_columns) / sizeof(audit_columns[0]);

const struct audit_action *
audit_action_find(const char *action)
{
	size_t	 i;

	for (i = 0; action != NULL && i < audit_nactions; i++)
		if (strcmp(audit_actions[i].action, action) == 0)
			return &audit_actions[i];
	return NULL;
}
