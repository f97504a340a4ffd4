'use strict';
// Runs the flows in flows/ (file name order) and prints TAP: for each flow
// "<flow>: <title>" (its steps ran without error), then its checks: no
// serious or critical axe-core violation (when axe ran: not on pages with
// JavaScript off), no horizontal scrolling at tablet and phone size, no
// document (a page opened, a form's landing page) answered 4xx or 5xx
// unless the flow expected that status, no console error.  A flow that fails part-way still has its checks
// reported for the pages it reached; one that took no screenshot has none.
//
//   node run.js [FILTER...]   only the flows whose file name contains one
const fs = require('node:fs');
const path = require('node:path');
const { Flow, closeAll } = require('./lib/browser');

const FLOW_TIMEOUT = 60000;
let n = 0;
let failed = 0;

function tap(ok, name, diags = []) {
	n++;
	console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
	if (!ok)
		failed++;
	for (const d of diags)
		for (const line of String(d).split('\n'))
			console.log(`# ${line}`);
}

// The message and the stack frames in the tests' own files.
function brief(e) {
	const lines = String(e.stack || e).split('\n');
	const head = lines.filter((l) => !/^\s+at /.test(l));
	const own = lines.filter((l) => /^\s+at /.test(l) &&
	    l.includes(__dirname) && !l.includes('node_modules'));
	return [...head, ...own.slice(0, 3)].join('\n');
}

function withTimeout(promise, ms) {
	let timer;
	return Promise.race([promise, new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(
		    `flow took longer than ${ms / 1000} s`)), ms);
	})]).finally(() => clearTimeout(timer));
}

async function main() {
	const filters = process.argv.slice(2);
	const dir = path.join(__dirname, 'flows');
	const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js'))
	    .sort()
	    .filter((f) => filters.length === 0 ||
		filters.some((x) => f.includes(x)));
	if (files.length === 0)
		throw new Error(`no flow matches ${filters.join(' ')}`);
	for (const f of files) {
		const name = f.replace(/^\d+-/, '').replace(/\.js$/, '');
		const flow = require(path.join(dir, f));
		const t = new Flow(name);
		const started = Date.now();
		let error = null;
		try {
			await withTimeout(flow.run(t), FLOW_TIMEOUT);
		} catch (e) {
			error = e;
		}
		await t.close();
		const secs = ((Date.now() - started) / 1000).toFixed(1);
		tap(!error, `${name}: ${flow.title}`, error ?
		    [brief(error), `screenshots: ${t.dir}`] :
		    [`${t.nshot} steps in ${secs} s, screenshots: ${t.dir}`]);
		// A flow stopped by its timeout may still be running: closing
		// its pages (above) ends it; its checks cover what it reached.
		if (t.nshot === 0)
			continue;
		if (t.axeRuns > 0)
			tap(t.axe.length === 0,
			    `${name}: no serious accessibility violations (axe-core)`,
			    [...t.axe, ...t.axeNotes.map((x) => `note: ${x}`)]);
		tap(t.overflow.length === 0,
		    `${name}: no horizontal scrolling at 768 and 390 px`,
		    t.overflow);
		tap(t.badDocs.length === 0,
		    `${name}: every page it opened or a form landed on answered as expected`,
		    t.badDocs.map((d) => `${d.status} for ${d.method} ${d.url}`));
		tap(t.console.length === 0, `${name}: no console errors`,
		    [...t.console, ...t.notes.map((x) => `note: ${x}`)]);
	}
}

main().catch((e) => {
	tap(false, 'browser: the runner failed', [e.stack || String(e)]);
}).finally(async () => {
	await closeAll();
	console.log(`1..${n}`);
	process.exitCode = failed ? 1 : 0;
});
