'use strict';
// Shared helpers for the flows: one Chromium per account profile, pages
// that record console errors, screenshots at three sizes with the layout
// and accessibility checks, and login.
//
// A flow (flows/NN-name.js) exports { title, async run(t) } and uses t:
//   const page = await t.page('STAFF1')   fresh page, no session cookie
//                                         ({ js: false }: JavaScript off)
//   await t.goto(page, '/login')          app path, portal URL or full URL;
//                                         fails unless the status is 200
//                                         (or { status: N })
//   await t.shot(page, 'login-form')      screenshots + checks (below)
//   await t.login(page, 'STAFF1')         login form -> /home
//   await t.submit(page, 'button...')     click and wait for the new page;
//                                         fails unless it answered 200
//                                         (or { status: N })
//   await t.login(page, 'STAFF1')         the same for the login form
//   t.env(name)                           a demo.env value (required)
//   shared.x = ...; t.need('x')           state for later flows
//   t.pdf(name), t.png(name)              small files for setInputFiles
//   assert from node:assert for the flow's own expectations
//
// t.shot saves SCREENSHOT_DIR/<flow>/<size>-<NN>-<step>.png at pc
// (1366x768), tablet (768x1024) and phone (390x844), and at tablet and
// phone size runs axe-core (serious/critical violations fail the flow's
// axe check; not with JavaScript off, as axe needs the page's timers)
// and the no-horizontal-scrolling check.  Console errors (CSP
// violations, script errors, failed subresources) fail the flow's console
// check.  Every document a page loads (a link followed, a form sent, a
// redirect's target) is recorded with its status: one answered 4xx or 5xx
// that the flow did not ask for (t.goto or t.submit with { status: N })
// fails the flow's status check.
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

// check: the no-horizontal-scrolling check and axe-core run at that size
// (at PC size neither has found anything the smaller sizes miss, and each
// costs time).
const SIZES = [
	{ name: 'pc', width: 1366, height: 768, check: false },
	{ name: 'tablet', width: 768, height: 1024, check: true },
	{ name: 'phone', width: 390, height: 844, check: true },
];
// Flows act at tablet size: the care workers' usual device.
const WORK_SIZE = SIZES[1];
const TIMEOUT = 10000;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync', '--lang=ja'];
const AXE_SOURCE = fs.readFileSync(
	require.resolve('axe-core/axe.min.js'), 'utf8');

const contexts = new Map();
// What one flow leaves for the next (the patient and team of the team
// flows); a flow that needs a missing value fails and says which.
const shared = {};

// Small valid upload files, made in memory.
const SAMPLE_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>' +
    'endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj' +
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer' +
    '<</Root 1 0 R>>\n%%EOF\n');
const SAMPLE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSnc' +
    'AAAAEUlEQVR4nGOQS1mAFTEMLQkAM+xIgRJjUlQAAAAASUVORK5CYII=', 'base64');

function env(name) {
	const v = process.env[name];
	if (v === undefined || v === '')
		throw new Error(`${name} is not set (demo.env)`);
	return v;
}

// One persistent Chromium per profile (PROFILES/<who>, made by run.sh):
// HOME points at the profile so that Chromium uses its NSS database.  A
// browser with JavaScript turned off has a user data directory of its
// own, with the same NSS database.
async function browserFor(who, js) {
	const key = js ? who : `${who}-nojs`;
	if (contexts.has(key))
		return contexts.get(key);
	const home = path.join(env('PROFILES'), who);
	const ctx = await chromium.launchPersistentContext(
	    path.join(home, js ? 'profile' : 'profile-nojs'), {
		javaScriptEnabled: js,
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: CHROMIUM_ARGS,
		// Japanese browser UI (file inputs, date fields), as the users
		// have it; needs chromium-l10n.
		env: { ...process.env, HOME: home, LANGUAGE: 'ja', LANG: 'ja_JP.UTF-8' },
		viewport: { width: WORK_SIZE.width, height: WORK_SIZE.height },
		locale: 'ja-JP',
		timezoneId: 'Asia/Tokyo',
	});
	ctx.setDefaultTimeout(TIMEOUT);
	contexts.set(key, ctx);
	return ctx;
}

async function closeAll() {
	for (const ctx of contexts.values())
		await ctx.close().catch(() => {});
	contexts.clear();
}

function describeNodes(nodes) {
	return nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
}

class Flow {
	constructor(name) {
		this.name = name;
		this.dir = path.join(env('SCREENSHOT_DIR'), name);
		this.nshot = 0;
		this.axeRuns = 0;
		this.axe = [];		// serious/critical violations
		this.axeNotes = [];	// moderate/minor: diagnostics only
		this.overflow = [];
		this.console = [];
		this.notes = [];
		this.documents = new Set();
		this.badDocs = [];	// documents answered >= 400, not expected
		this.lastDoc = new Map();	// page -> its last document response
		this.pages = [];
		// axe-core needs the page's timers: not run with JavaScript off.
		this.noJs = new Set();
		fs.rmSync(this.dir, { recursive: true, force: true });
		fs.mkdirSync(this.dir, { recursive: true });
	}

	env(name) { return env(name); }

	// shared.NAME, failing clearly when an earlier flow did not set it.
	need(name) {
		if (shared[name] === undefined)
			throw new Error(`needs ${name} from an earlier flow, which failed or did not run`);
		return shared[name];
	}

	pdf(name) {
		return { name, mimeType: 'application/pdf', buffer: SAMPLE_PDF };
	}

	png(name) {
		return { name, mimeType: 'image/png', buffer: SAMPLE_PNG };
	}

	url(p) {
		return /^https?:\/\//.test(p) ? p : env('APP_URL') + p;
	}

	// A fresh page in WHO's profile (NONE: no certificate), without the
	// cookies an earlier flow left; { js: false } for a browser with
	// JavaScript turned off.
	async page(who, { js = true } = {}) {
		const ctx = await browserFor(who, js);
		await ctx.clearCookies();
		const page = await ctx.newPage();
		page.on('console', (m) => this.onConsole(page, m));
		page.on('pageerror', (e) => this.console.push(`script error: ${e.message}`));
		page.on('response', (r) => {
			if (r.request().resourceType() === 'document') {
				this.documents.add(r.url());
				if (r.frame() === page.mainFrame())
					this.lastDoc.set(page, r);
				if (r.status() >= 400)
					this.badDocs.push({ url: r.url(), status: r.status(),
					    method: r.request().method() });
			} else if (r.status() >= 400)
				this.console.push(`${r.status()} for ${r.url()}`);
		});
		page.on('requestfailed', (r) => {
			if (r.resourceType() !== 'document')
				this.console.push(`failed: ${r.url()} ${r.failure()?.errorText || ''}`);
		});
		this.pages.push(page);
		if (!js)
			this.noJs.add(page);
		return page;
	}

	onConsole(page, m) {
		if (m.type() !== 'error')
			return;
		const where = m.location()?.url || '';
		if (/^Failed to load resource/.test(m.text())) {
			// A document's own status is checked by the flow; the
			// browser's own favicon.ico request is noted, not failed.
			if (this.documents.has(where))
				return;
			if (/\/favicon\.ico$/.test(where)) {
				const n = `no favicon: ${where} (add <link rel="icon">)`;
				if (!this.notes.includes(n))
					this.notes.push(n);
				return;
			}
		}
		this.console.push(`${m.text()} ${where}`.trim());
	}

	// The response R answered STATUS, as the flow expects (an expected
	// error status is no longer counted against the status check).
	expectStatus(r, status, what) {
		assert.ok(r, `no response for ${what}`);
		assert.equal(r.status(), status, `HTTP status of ${what}`);
		if (status >= 400) {
			const i = this.badDocs.findLastIndex((d) =>
			    d.url === r.url() && d.status === status);
			if (i >= 0)
				this.badDocs.splice(i, 1);
		}
		return r;
	}

	async goto(page, p, { status = 200 } = {}) {
		return this.expectStatus(await page.goto(this.url(p)), status, p);
	}

	// Clicks SELECTOR and waits until the page it leads to has loaded;
	// that page (after any redirect) must answer STATUS.
	async submit(page, selector, { status = 200 } = {}) {
		const [r] = await Promise.all([
			page.waitForNavigation({ waitUntil: 'load' }),
			page.click(selector),
		]);
		// A form sent by script (the upload progress bar) and then
		// followed has no navigation response of its own: the page's
		// last document is the one it landed on.
		return this.expectStatus(r ?? this.lastDoc.get(page), status,
		    `the page ${selector} leads to (${page.url()})`);
	}

	// The login form: /home (200) after the redirect, or { status: N }
	// for a login that is refused.
	async login(page, who, password, { status = 200 } = {}) {
		await this.goto(page, '/login');
		await page.fill('#login', env(`${who}_LOGIN`));
		await page.fill('#password', password ?? env(`${who}_PASSWORD`));
		return this.submit(page, 'main form button[type=submit]', { status });
	}

	async logout(page) {
		await this.submit(page, 'form[action="/logout"] button');
	}

	async runAxe(page, size, step) {
		const has = await page.evaluate(() => typeof window.axe === 'object');
		if (!has)	// evaluate is not subject to the page's CSP
			await page.evaluate(AXE_SOURCE);
		const res = await page.evaluate(() => window.axe.run(document,
		    { resultTypes: ['violations'] }));
		this.axeRuns++;
		for (const v of res.violations) {
			const line = `${step} (${size}): ${v.id} [${v.impact}] ` +
			    `${v.help}: ${describeNodes(v.nodes)}`;
			const list = (v.impact === 'serious' ||
			    v.impact === 'critical') ? this.axe : this.axeNotes;
			// The same violation at several sizes is listed once.
			const key = line.replace(/ \([a-z]+\):/, ':');
			if (!list.some((l) => l.replace(/ \([a-z]+\):/, ':') === key))
				list.push(line);
		}
	}

	async checkScroll(page, size, step) {
		const r = await page.evaluate(() => {
			const w = window.innerWidth;
			const sw = document.documentElement.scrollWidth;
			if (sw <= w)
				return null;
			// The widest offenders, to say what to fix.
			const wide = [];
			for (const el of document.body.querySelectorAll('*')) {
				const b = el.getBoundingClientRect();
				if (b.right > w + 1 && b.width > 0) {
					let sel = el.tagName.toLowerCase();
					if (el.id) sel += '#' + el.id;
					if (el.className && typeof el.className === 'string')
						sel += '.' + el.className.trim().split(/\s+/).join('.');
					wide.push(`${sel} (right ${Math.round(b.right)})`);
				}
			}
			return `scrollWidth ${sw} > ${w}: ${wide.slice(0, 4).join(', ')}`;
		});
		if (r)
			this.overflow.push(`${step} (${size}): ${r}`);
	}

	// Screenshots of the page as it is now, at each size, with checks.
	async shot(page, step) {
		this.nshot++;
		const id = `${String(this.nshot).padStart(2, '0')}-${step}`;
		for (const s of SIZES) {
			await page.setViewportSize({ width: s.width, height: s.height });
			if (s.check) {
				await this.checkScroll(page, s.name, id);
				if (!this.noJs.has(page))
					await this.runAxe(page, s.name, id);
			}
			await page.screenshot({ fullPage: true,
			    path: path.join(this.dir, `${s.name}-${id}.png`) });
		}
		await page.setViewportSize({ width: WORK_SIZE.width,
		    height: WORK_SIZE.height });
	}

	async close() {
		for (const p of this.pages)
			await p.close().catch(() => {});
	}
}

module.exports = { Flow, closeAll, assert, shared };
