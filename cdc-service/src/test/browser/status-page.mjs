// Drives the status page in a real headless Chromium (Debian's) through playwright-core.
// Run by StatusPageIT against a live Tidelog (demo profile: embedded PostgreSQL + write load).
//
// Environment: BASE_URL (http://127.0.0.1:port), ADMIN_TOKEN, SINK (the sink to steer), CHROMIUM (the
// browser binary), SCREENSHOT (where to save the page), optionally CHART_SAMPLES (chart points to wait
// for before the screenshot, default 10). Exits 0 when every check passed, 1 with a
// "FAIL:" line otherwise. Waits with waitForFunction/waitForSelector and timeouts, never fixed sleeps.
import { chromium } from 'playwright-core';

const BASE = required('BASE_URL').replace(/\/$/, '');
const TOKEN = required('ADMIN_TOKEN');
const SINK = process.env.SINK || 'cache';
const CHROMIUM = required('CHROMIUM');
const SCREENSHOT = required('SCREENSHOT');
const CHART_SAMPLES = Number(process.env.CHART_SAMPLES || 10);   // more for a fuller chart in the screenshot
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const t0 = Date.now();

function required(name) {
  const v = process.env[name];
  if (!v) {
    console.log(`FAIL: environment variable ${name} is not set`);
    process.exit(2);
  }
  return v;
}

function step(text) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${text}`);
}

function check(condition, text) {
  if (!condition) throw new Error(text);
}

async function api(method, path, json) {
  const headers = { Authorization: `Bearer ${TOKEN}` };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(BASE + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const body = await r.text();
  check(r.ok, `${method} ${path} answered ${r.status}: ${body}`);
  return JSON.parse(body);
}

const sinkSel = `[data-sink="${SINK}"]`;

/** The numbers the page shows (their raw values, from data-value), or null where it shows none yet. */
async function shown(page) {
  return page.evaluate((sel) => {
    const value = (q) => {
      const e = document.querySelector(q);
      return e && e.dataset.value !== '' && e.dataset.value !== undefined && !isNaN(Number(e.dataset.value))
        ? Number(e.dataset.value) : null;
    };
    const text = (q) => { const e = document.querySelector(q); return e ? e.innerText.trim() : null; };
    return {
      captured: value('#src-captured'), capturedText: text('#src-captured'),
      appended: value('#log-appended'), appendedText: text('#log-appended'),
      written: value(`${sel} .written`), writtenText: text(`${sel} .written`),
      lag: value(`${sel} .lag`), state: text(`${sel} .state`)
    };
  }, sinkSel);
}

async function waitFor(page, what, fn, arg, timeout = 20000) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 200 });
  } catch (e) {
    const why = e.name === 'TimeoutError' ? `timed out after ${timeout} ms` : `failed (${e.message.split('\n')[0]})`;
    const snapshots = await page.evaluate(() => document.querySelector('#snapshots').innerText);
    throw new Error(`${why} waiting until ${what}; the page shows ${JSON.stringify(await shown(page))}, snapshots "${snapshots}"`);
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60000 });
let page;
const pageErrors = [];
try {
  step(`chromium ${browser.version()} (${CHROMIUM}), page ${BASE}/`);
  const context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });

  // The page and its assets are public; the admin API is not.
  const response = await page.goto(BASE + '/', { waitUntil: 'load' });
  check(response.status() === 200, `GET / answered ${response.status()}`);
  for (const asset of ['/index.html', '/status.js', '/status.css']) {
    const r = await page.request.get(BASE + asset);
    check(r.status() === 200, `GET ${asset} without a token answered ${r.status()}: it must not be behind the token`);
  }
  const anonymous = await page.request.get(BASE + '/admin/status');
  check(anonymous.status() === 401, `GET /admin/status without a token answered ${anonymous.status()}, expected 401`);
  step('/, /index.html, /status.js, /status.css served without a token; /admin/status without one: 401');

  // A wrong token: a clear 401 message, and the form stays.
  await page.waitForSelector('#token-form', { state: 'visible', timeout: 10000 });
  await page.fill('#token', 'not-the-' + TOKEN);
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('#token-error', { state: 'visible', timeout: 10000 });
  const rejected = await page.innerText('#token-error');
  check(/401/.test(rejected) && /token/i.test(rejected), `the 401 message is unclear: "${rejected}"`);
  check(await page.isVisible('#token-form'), 'the token form is gone after a 401');
  step(`wrong token -> "${rejected}"`);

  // The right token: numbers appear.
  await page.fill('#token', TOKEN);
  await page.click('#token-form button[type=submit]');
  await waitFor(page, 'the counters show numbers', (sel) => {
    const ok = (q) => { const e = document.querySelector(q); return e && /\d/.test(e.innerText) && e.dataset.value !== ''; };
    return ok('#src-captured') && ok('#log-appended') && ok(`${sel} .written`)
      && document.querySelector('#conn').innerText.toLowerCase() === 'live';
  }, sinkSel, 30000);
  check(await page.isHidden('#token-form'), 'the token form is still shown after a good token');
  check(await page.evaluate(() => sessionStorage.getItem('tidelog.adminToken')) === TOKEN,
    'the token is not kept in sessionStorage');
  const first = await shown(page);
  step(`counters: captured ${first.capturedText}, appended ${first.appendedText}, ${SINK} written ${first.writtenText}, state ${first.state}`);

  // They change while the demo load writes.
  const changedAt = Date.now();
  await waitFor(page, 'captured, appended and written all increase', ([sel, f]) => {
    const v = (q) => Number(document.querySelector(q).dataset.value);
    return v('#src-captured') > f.captured && v('#log-appended') > f.appended && v(`${sel} .written`) > f.written;
  }, [sinkSel, first]);
  const later = await shown(page);
  step(`after ${((Date.now() - changedAt) / 1000).toFixed(1)} s: captured ${first.capturedText} -> ${later.capturedText}, `
    + `appended ${first.appendedText} -> ${later.appendedText}, ${SINK} written ${first.writtenText} -> ${later.writtenText}`);

  // Pause: the page shows PAUSED, the API agrees, nothing more is written while lag builds up.
  await page.click(`${sinkSel} button.pause`);
  await waitFor(page, `the ${SINK} sink shows PAUSED`,
    (sel) => document.querySelector(`${sel} .state`).innerText === 'PAUSED', sinkSel);
  const pausedApi = await api('GET', `/admin/sinks/${SINK}`);
  check(pausedApi.state === 'paused', `the page shows PAUSED but GET /admin/sinks/${SINK} says ${pausedApi.state}`);
  await waitFor(page, 'Pause is disabled and Resume enabled while paused', (sel) =>
    document.querySelector(`${sel} button.pause`).disabled && !document.querySelector(`${sel} button.resume`).disabled,
    sinkSel, 10000);
  const paused = await shown(page);
  await waitFor(page, `the ${SINK} sink lags while paused and writes nothing`, ([sel, written]) => {
    const v = (q) => Number(document.querySelector(q).dataset.value);
    return v(`${sel} .lag`) > 0 && v(`${sel} .written`) === written;
  }, [sinkSel, pausedApi.recordsWritten]);
  const whilePaused = await shown(page);
  const stillPaused = await api('GET', `/admin/sinks/${SINK}`);
  check(stillPaused.recordsWritten === pausedApi.recordsWritten,
    `records written moved while paused: ${pausedApi.recordsWritten} -> ${stillPaused.recordsWritten}`);
  step(`pause -> page ${paused.state}, API "${pausedApi.state}"; written stays ${whilePaused.writtenText}, lag ${whilePaused.lag} records`);

  // Resume: RUNNING again, it writes again and catches up.
  await page.click(`${sinkSel} button.resume`);
  await waitFor(page, `the ${SINK} sink shows RUNNING`,
    (sel) => document.querySelector(`${sel} .state`).innerText === 'RUNNING', sinkSel);
  const resumedApi = await api('GET', `/admin/sinks/${SINK}`);
  check(resumedApi.state === 'running', `the page shows RUNNING but GET /admin/sinks/${SINK} says ${resumedApi.state}`);
  await waitFor(page, `the ${SINK} sink writes again and catches up`, ([sel, written]) => {
    const v = (q) => Number(document.querySelector(q).dataset.value);
    return v(`${sel} .written`) > written && v(`${sel} .lag`) === 0;
  }, [sinkSel, whilePaused.written]);
  const resumed = await shown(page);
  step(`resume -> page ${resumed.state}, API "${resumedApi.state}"; written ${whilePaused.writtenText} -> ${resumed.writtenText}, lag ${resumed.lag}`);

  // Reset asks first: dismissed, nothing is sent; accepted, the sink is rebuilt from the compacted log.
  const postsBefore = posts.length;
  let dialogText = '';
  page.once('dialog', (d) => { dialogText = d.message(); d.dismiss(); });
  await page.click(`${sinkSel} button.reset`);
  check(/earliest/.test(dialogText), `reset did not ask for a confirmation mentioning earliest: "${dialogText}"`);
  check(posts.length === postsBefore, `a dismissed reset still sent ${posts.slice(postsBefore)}`);
  const beforeReset = await shown(page);
  page.once('dialog', (d) => d.accept());
  await page.click(`${sinkSel} button.reset`);
  await waitFor(page, 'the reset is reported', (sel) =>
    /reset to earliest: (applied|queued)/.test(document.querySelector(`${sel} .feedback`).innerText), sinkSel);
  await waitFor(page, `the ${SINK} sink rewrites the compacted log`, ([sel, written]) =>
    Number(document.querySelector(`${sel} .written`).dataset.value) >= written + 50, [sinkSel, beforeReset.written]);
  const afterReset = await shown(page);
  step(`reset (confirmed) -> "${await page.innerText(`${sinkSel} .feedback`)}"; written ${beforeReset.writtenText} -> ${afterReset.writtenText}`);

  // The chart has a line per series; the snapshot bars are drawn.
  await waitFor(page, `the chart has drawn at least ${CHART_SAMPLES} samples`, (n) => {
    const line = document.querySelector('#chart polyline[data-series="captured"]');
    return line && line.getAttribute('points').trim().split(' ').length >= n;
  }, CHART_SAMPLES, 20000 + CHART_SAMPLES * 1500);
  const series = await page.$$eval('#chart polyline', (ls) => ls.map((l) => l.dataset.series));
  check(series.includes(`sink ${SINK}`), `the chart has no line for sink ${SINK}: ${series}`);
  // An ad-hoc incremental snapshot through the API shows up as a bar of its own and completes.
  // Debezium 3.6.3's read-only incremental snapshot now and then stops a table's read with a
  // NullPointerException in its progress notification (IncrementalSnapshotNotificationService.notifyInProgress,
  // before the first chunk's end is set); the page then shows the snapshot FAILED with Debezium's reason.
  // That is shown as it is, and the snapshot is asked for once more.
  const table = (await api('GET', '/admin/status')).snapshots[0].table;
  let adHoc;
  for (let attempt = 1; ; attempt++) {
    adHoc = await api('POST', '/admin/snapshots', { tables: [table], mode: 'incremental' });
    await waitFor(page, `the ad-hoc snapshot ${adHoc.id} shows as completed or failed (API: ${JSON.stringify(adHoc)})`, (id) => {
      const row = document.querySelector(`#snapshots .ad-hoc[data-snapshot="${id}"]`);
      const state = row && row.querySelector('.pill').dataset.state;
      return state === 'failed' || state === 'completed' && /incremental · [0-9,]+ (of ~[0-9,]+ )?rows/i.test(row.innerText);
    }, adHoc.id, 60000);
    const state = await page.$eval(`#snapshots .ad-hoc[data-snapshot="${adHoc.id}"] .pill`, (p) => p.dataset.state);
    if (state === 'completed') break;
    const shownText = (await page.innerText(`#snapshots .ad-hoc[data-snapshot="${adHoc.id}"]`)).replace(/\s+/g, ' ');
    check(attempt < 2, `the ad-hoc snapshot failed twice; the page shows "${shownText}"`);
    step(`ad-hoc snapshot ${adHoc.id} failed in Debezium, the page shows "${shownText}"; asking again`);
  }
  step(`ad-hoc snapshot of ${table}: "${(await page.innerText(`#snapshots .ad-hoc[data-snapshot="${adHoc.id}"]`)).replace(/\s+/g, ' ')}"`);

  const bars = await page.$$eval('#snapshots .snapshot', (rows) => rows.map((r) => r.dataset.table + ' ' + r.querySelector('.pill').innerText));
  check(bars.length > 0, 'no snapshot rows');
  step(`chart series ${JSON.stringify(series)}; snapshots ${JSON.stringify(bars)}`);

  check(pageErrors.length === 0, `errors in the page: ${pageErrors.join('; ')}`);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  step(`screenshot ${SCREENSHOT}`);
  console.log('PASS: status page checks passed');
} catch (e) {
  console.log(`FAIL: ${e.message}`);
  if (pageErrors.length) console.log(`page errors: ${pageErrors.join('; ')}`);
  if (page) {
    const failed = SCREENSHOT.replace(/\.png$/, '') + '-failure.png';
    await page.screenshot({ path: failed, fullPage: true }).catch(() => {});
    console.log(`failure screenshot ${failed}`);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
