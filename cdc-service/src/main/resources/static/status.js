// Tidelog status page: polls GET /admin/status with the admin bearer token and draws the pipeline.
// Plain JavaScript, no dependencies. Every value from the server is written with textContent.
'use strict';
(function () {
  const TOKEN_KEY = 'tidelog.adminToken';
  const POLL_MS = 1000;
  const WINDOW_MS = 5 * 60 * 1000;        // the chart's span
  const STALE_MS = 5000;                   // no fresh status for this long: say so
  const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#db2777', '#0891b2', '#65a30d'];
  const NUM = new Intl.NumberFormat('en-US');
  const DEC = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  const $ = (id) => document.getElementById(id);

  let token = sessionStorage.getItem(TOKEN_KEY);
  let timer = null;
  let polling = false;
  let pollAgain = false;
  let running = false;
  let lastOkAt = 0;
  let previous = null;                     // the previous report, for per-second deltas
  const samples = [];                      // {t, series: {label: rate}} for the chart, oldest first
  const sinkCards = new Map();             // sink name -> its card's elements
  const busy = new Set();                  // sinks with an action in flight

  // ---- formatting --------------------------------------------------------------------------

  function num(n) { return n === null || n === undefined ? '–' : NUM.format(n); }
  function dec(n) { return n === null || n === undefined ? '–' : DEC.format(n); }
  function bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : DEC.format(n)) + ' ' + units[i];
  }
  function seconds(s) {
    if (s === null || s === undefined) return '–';
    if (s < 60) return DEC.format(s) + ' s';
    if (s < 3600) return DEC.format(s / 60) + ' min';
    return DEC.format(s / 3600) + ' h';
  }
  function ago(iso, now) {
    if (!iso) return '–';
    const ms = now - Date.parse(iso);
    return ms < 1000 ? 'just now' : seconds(ms / 1000) + ' ago';
  }
  function setNum(el, n) { el.textContent = num(n); el.dataset.value = String(n); }
  function stateClass(state) {
    switch (state) {
      case 'running': case 'completed': return 'ok';
      case 'paused': case 'starting': case 'retrying': case 'new': case 'stopping':
      case 'requested': case 'cancelling': case 'cancelled': case 'interrupted': return 'warn';
      case 'failed': return 'bad';
      default: return '';
    }
  }
  function setState(el, state) {
    el.textContent = state || 'unknown';
    el.classList.remove('ok', 'warn', 'bad');
    el.classList.add('pill');
    if (stateClass(state)) el.classList.add(stateClass(state));
    el.dataset.state = state || '';
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- messages and token ------------------------------------------------------------------

  function message(text, bad) {
    const m = $('message');
    m.textContent = text || '';
    m.className = 'message' + (bad ? ' bad' : '');
    m.hidden = !text;
  }

  function askForToken(why) {
    stop();
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('forget').hidden = true;
    $('token-form').hidden = false;
    $('token-error').textContent = why || '';
    $('token-error').hidden = !why;
    conn(why ? 'token rejected' : 'token needed', 'bad');
    $('token').value = '';
    $('token').focus();
  }

  function conn(text, cls) {
    const c = $('conn');
    c.textContent = text;
    c.className = 'pill ' + (cls || '');
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      if (body && body.error) return body.error + (body.field ? ' (field: ' + body.field + ')' : '');
    } catch (e) { /* not JSON */ }
    return response.status + ' ' + response.statusText;
  }

  const UNAUTHORIZED = 'The admin API answered 401 Unauthorized: the token is missing or wrong. '
      + 'Enter the admin token (tidelog.admin.token / TIDELOG_ADMIN_TOKEN).';

  async function call(method, path, body, timeoutMs) {
    const abort = new AbortController();
    const t = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const headers = { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      return await fetch(path, {
        method, headers, cache: 'no-store', signal: abort.signal,
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    } finally {
      clearTimeout(t);
    }
  }

  // ---- polling -----------------------------------------------------------------------------

  function start() {
    running = true;
    $('token-form').hidden = true;
    $('token-error').hidden = true;
    $('forget').hidden = false;
    conn('connecting…', '');
    poll();
  }

  function stop() {
    running = false;
    clearTimeout(timer);
    timer = null;
  }

  function schedule(ms) {
    clearTimeout(timer);
    if (running) timer = setTimeout(poll, ms);
  }

  async function poll() {
    if (!running) return;
    if (polling) { pollAgain = true; return; }
    polling = true;
    let next = POLL_MS;
    try {
      const r = await call('GET', 'admin/status', undefined, 8000);
      if (r.status === 401) { askForToken(UNAUTHORIZED); return; }
      if (!r.ok) {
        const why = await errorText(r);
        message('GET /admin/status failed: ' + why, true);
        conn(r.status === 403 ? 'locked' : 'error', 'bad');
        next = 5000;
        return;
      }
      const report = await r.json();
      lastOkAt = Date.now();
      message('');
      conn('live', 'ok');
      render(report);
    } catch (e) {
      message('Cannot reach the service (' + (e && e.name === 'AbortError' ? 'timed out' : e.message) + '); retrying.', true);
      conn(lastOkAt && Date.now() - lastOkAt < STALE_MS ? 'live' : 'unreachable', 'bad');
      next = 2000;
    } finally {
      polling = false;
      if (pollAgain) { pollAgain = false; next = 0; }
      schedule(next);
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  function render(report) {
    $('dashboard').hidden = false;
    const now = Date.parse(report.generatedAt) || Date.now();
    $('updated').textContent = 'updated ' + new Date(now).toLocaleTimeString();
    renderSource(report.source, now);
    renderLog(report.log, now);
    renderSinks(report.sinks || [], now);
    renderSnapshots(report.snapshots || [], report.adHocSnapshots || []);
    sample(report, now);
    drawChart(now);
    const flowing = report.source && report.source.eventsPerSecond > 0;
    document.querySelector('.pipeline').classList.toggle('flowing', !!flowing);
  }

  function renderSource(s, now) {
    if (!s) return;
    setState($('src-state'), s.state);
    $('src-conn').textContent = s.connected ? 'connected' : 'not connected';
    setNum($('src-captured'), s.eventsCaptured);
    $('src-rate').textContent = dec(s.eventsPerSecond);
    $('src-role').textContent = s.role === 'standby'
      ? 'standby (' + (s.leaseHolder || 'another instance') + ' captures)' : (s.role || 'active');
    $('src-slot').textContent = s.slot + (s.slotExists === false ? ' (missing)' : '');
    $('src-wal').textContent = bytes(s.walLagBytes);
    $('src-lsn').textContent = s.confirmedFlushLsn || '–';
    $('src-last').textContent = ago(s.lastEventAt, now);
    $('src-error').textContent = s.error || '';
    $('src-error').hidden = !s.error;
  }

  function renderLog(log, now) {
    if (!log) return;
    setNum($('log-appended'), log.recordsAppended);
    $('log-bytes').textContent = bytes(log.bytesAppended);
    $('log-compactions').textContent = num(log.compactionRuns);
    $('log-reclaimed').textContent = bytes(log.bytesReclaimed);
    $('log-last').textContent = ago(log.lastCompactionAt, now);
    if (previous && previous.log) {
      const dt = (now - Date.parse(previous.generatedAt)) / 1000;
      if (dt > 0) $('log-rate').textContent = dec(Math.max(0, log.recordsAppended - previous.log.recordsAppended) / dt);
    }
    const box = $('log-topics');
    const parts = [];
    let internal = 0;
    let internalRecords = 0;
    for (const t of log.topics || []) {
      if (t.internal) { internal++; internalRecords += t.records; continue; }
      const topic = el('div', 'topic');
      topic.dataset.topic = t.name;
      const name = el('div', 'name', t.name + ' ');
      name.append(el('span', 'muted', t.partitions + ' partitions · ' + num(t.records) + ' records'
          + (t.sizeBytes !== null && t.sizeBytes !== undefined ? ' · ' + bytes(t.sizeBytes) : '')));
      topic.append(name);
      const row = el('div', 'partitions');
      for (const [p, end] of Object.entries(t.endOffsets || {})) {
        const chip = el('span', 'partition');
        chip.title = 'partition ' + p + ': offsets ' + (t.startOffsets || {})[p] + ' to ' + end;
        chip.append(el('b', null, 'p' + p), document.createTextNode(num(end)));
        row.append(chip);
      }
      topic.append(row);
      parts.push(topic);
    }
    if (internal) parts.push(el('div', 'muted', internal + ' internal topics · ' + num(internalRecords) + ' records'));
    if (!parts.length) parts.push(el('div', 'muted', 'no topics yet'));
    box.replaceChildren(...parts);
  }

  function sinkCard(name) {
    let card = sinkCards.get(name);
    if (card) return card;
    const root = el('div', 'sink');
    root.dataset.sink = name;
    const head = el('div', 'head');
    const title = el('h3', null, name);
    const type = el('span', 'type');
    const state = el('span', 'pill state');
    head.append(title, type, state);
    const big = el('div', 'big');
    const written = el('span', 'written');
    big.append(written, el('small', null, 'records written'));
    const dl = el('dl');
    const field = (label, cls) => {
      const dd = el('dd', cls);
      dl.append(el('dt', null, label), dd);
      return dd;
    };
    const rate = field('rate', 'rate');
    const lag = field('lag', 'lag');
    const lagSeconds = field('lag age', 'lag-seconds');
    const applied = field('last applied', 'applied');
    const dlq = field('dead letters', 'dlq');
    const retries = field('retries / errors', 'retries');
    const tables = field('tables', 'tables');
    const error = el('p', 'error last-error');
    error.hidden = true;
    const actions = el('div', 'actions');
    const pause = el('button', 'pause', 'Pause');
    const resume = el('button', 'resume', 'Resume');
    const reset = el('button', 'reset danger', 'Reset to earliest');
    for (const b of [pause, resume, reset]) b.type = 'button';
    const feedback = el('span', 'feedback');
    actions.append(pause, resume, reset, feedback);
    root.append(head, big, dl, error, actions);
    pause.addEventListener('click', () => act(name, 'pause'));
    resume.addEventListener('click', () => act(name, 'resume'));
    reset.addEventListener('click', () => {
      const ok = window.confirm('Reset sink "' + name + '" to the earliest offsets?\n\n'
          + 'It rebuilds the sink from the compacted log (the database is not touched); '
          + 'until it has caught up again the target may be behind.');
      if (ok) act(name, 'reset', { to: 'earliest' });
    });
    card = { root, type, state, written, rate, lag, lagSeconds, applied, dlq, retries, tables, error,
      pause, resume, reset, feedback };
    sinkCards.set(name, card);
    return card;
  }

  function renderSinks(sinks, now) {
    const names = new Set(sinks.map((s) => s.name));
    for (const [name, card] of sinkCards) {
      if (!names.has(name)) { card.root.remove(); sinkCards.delete(name); }
    }
    const box = $('sinks');
    if (!sinks.length) {
      box.replaceChildren(el('div', 'stage muted', 'No sinks configured.'));
      return;
    }
    const cards = sinks.map((s) => {
      const c = sinkCard(s.name);
      c.type.textContent = s.type || '';
      setState(c.state, s.state);
      setNum(c.written, s.recordsWritten);
      c.rate.textContent = dec(s.recordsPerSecond) + ' /s';
      c.lag.textContent = num(s.lagRecords) + ' records';
      c.lag.dataset.value = String(s.lagRecords);
      c.lagSeconds.textContent = seconds(s.lagSeconds);
      c.applied.textContent = ago(s.lastAppliedCommitTime, now);
      c.dlq.textContent = num(s.deadLetterCount) + (s.deadLettered ? ' (' + num(s.deadLettered) + ' since start)' : '');
      c.retries.textContent = num(s.retries) + ' / ' + num(s.errors);
      c.tables.textContent = (s.tables || []).join(', ') || '–';
      c.error.textContent = s.lastError ? 'last error ' + ago(s.lastError.at, now) + ': ' + s.lastError.message : '';
      c.error.hidden = !s.lastError;
      c.root.classList.toggle('lagging', s.lagRecords > 0 && s.lagSeconds > 5);
      c.root.classList.toggle('failed', s.state === 'failed');
      const inFlight = busy.has(s.name);
      c.pause.disabled = inFlight || !['starting', 'running', 'retrying'].includes(s.state);
      c.resume.disabled = inFlight || !['paused', 'failed'].includes(s.state);
      c.reset.disabled = inFlight || s.state === 'stopped';
      return c.root;
    });
    if (cards.length !== box.children.length || cards.some((c, i) => box.children[i] !== c)) {
      box.replaceChildren(...cards);
    }
  }

  async function act(name, action, body) {
    const card = sinkCards.get(name);
    busy.add(name);
    for (const b of [card.pause, card.resume, card.reset]) b.disabled = true;
    card.feedback.className = 'feedback';
    card.feedback.textContent = action + '…';
    try {
      const r = await call('POST', 'admin/sinks/' + encodeURIComponent(name) + '/' + action, body, 20000);
      if (r.status === 401) { card.feedback.textContent = ''; askForToken(UNAUTHORIZED); return; }
      if (!r.ok) {
        card.feedback.className = 'feedback bad';
        card.feedback.textContent = action + ' failed: ' + await errorText(r);
        return;
      }
      const answer = await r.json();
      card.feedback.textContent = action === 'reset'
          ? 'reset to ' + answer.to + ': ' + answer.status
          : action + 'd: now ' + answer.state;
    } catch (e) {
      card.feedback.className = 'feedback bad';
      card.feedback.textContent = action + ' failed: ' + e.message;
    } finally {
      busy.delete(name);
      if (running) poll();
    }
  }

  /** A snapshot's percent clamped to 0-100; 0 when it has none. */
  function percentOf(s) {
    return s.percent === null || s.percent === undefined ? 0 : Math.max(0, Math.min(100, s.percent));
  }

  /** The progress bar of a snapshot; `unknown` is its tooltip when the snapshot has no percent. */
  function progressBar(s, unknown) {
    const bar = el('div', 'bar' + (s.state === 'completed' ? ' done' : ''));
    const fill = el('div');
    fill.style.width = percentOf(s) + '%';
    bar.title = s.percent === null || s.percent === undefined ? unknown : dec(s.percent) + '%';
    bar.append(fill);
    return bar;
  }

  function renderSnapshots(snapshots, adHocSnapshots) {
    const rows = snapshots.map((s) => {
      const row = el('div', 'snapshot');
      row.dataset.table = s.table;
      const state = el('span');
      setState(state, s.state);
      const pct = percentOf(s);
      const bar = progressBar(s, 'no snapshot running');
      let detail;
      switch (s.state) {
        case 'running':
          detail = dec(pct) + '% · ' + num(s.rows) + (s.estimatedRows ? ' of ~' + num(s.estimatedRows) : '') + ' rows'
              + (s.rowsPerSecond ? ' · ' + dec(s.rowsPerSecond) + ' rows/s' : '')
              + (s.etaSeconds !== null && s.etaSeconds !== undefined ? ' · ETA ' + seconds(s.etaSeconds) : '');
          break;
        case 'completed':
          detail = num(s.rows) + ' rows' + (s.consistentLsn ? ' · consistent at ' + s.consistentLsn : '');
          break;
        case 'started':
          detail = 'begun by an earlier run that did not finish: taken again at the next start';
          break;
        default:
          detail = 'no snapshot';
      }
      row.append(el('span', 'table', s.table), state, bar, el('div', 'detail', detail));
      return row;
    });
    // Ad-hoc snapshots (POST /admin/snapshots): the newest few, running ones first.
    const adHoc = adHocSnapshots.slice(-5).reverse()
        .sort((a, b) => (b.state === 'running' || b.state === 'requested') - (a.state === 'running' || a.state === 'requested'));
    for (const s of adHoc) {
      const row = el('div', 'snapshot ad-hoc');
      row.dataset.snapshot = s.id;
      const state = el('span');
      setState(state, s.state);
      const bar = progressBar(s, 'no estimate (filtered)');
      let detail = s.mode + ' · ' + num(s.rows) + (s.estimatedRows ? ' of ~' + num(s.estimatedRows) : '') + ' rows';
      if (s.state === 'running' || s.state === 'requested') {
        detail += (s.rowsPerSecond ? ' · ' + num(s.rowsPerSecond) + ' rows/s' : '')
            + (s.etaSeconds !== null && s.etaSeconds !== undefined ? ' · ETA ' + seconds(s.etaSeconds) : '');
      }
      if (s.errors && s.errors.length) detail += ' · ' + s.errors.join('; ');
      row.append(el('span', 'table', 'ad hoc: ' + s.tables.map((t) => t.table).join(', ')), state, bar,
          el('div', 'detail', detail));
      rows.push(row);
    }
    $('snapshots').replaceChildren(...(rows.length ? rows : [el('div', 'muted', 'no captured tables')]));
  }

  // ---- the throughput chart ----------------------------------------------------------------

  function sample(report, now) {
    if (previous) {
      const dt = (now - Date.parse(previous.generatedAt)) / 1000;
      if (dt > 0) {
        const series = {};
        const rate = (a, b) => Math.max(0, (a - b) / dt);
        series['captured'] = rate(report.source.eventsCaptured, previous.source.eventsCaptured);
        const before = new Map((previous.sinks || []).map((s) => [s.name, s.recordsWritten]));
        for (const s of report.sinks || []) {
          if (before.has(s.name)) series['sink ' + s.name] = rate(s.recordsWritten, before.get(s.name));
        }
        samples.push({ t: now, series });
      }
    }
    previous = report;
    while (samples.length && samples[0].t < now - WINDOW_MS) samples.shift();
  }

  function niceMax(v) {
    if (v <= 1) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function drawChart(now) {
    const chart = $('chart');
    const W = Math.max(320, Math.round(chart.getBoundingClientRect().width) || 720), H = 200, L = 44, R = 10, T = 10, B = 22;
    chart.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    // The x axis spans the samples kept, from 1 minute up to the full 5-minute window.
    const span = Math.min(WINDOW_MS, Math.max(60000, samples.length ? now - samples[0].t : 0));
    const step = span > 120000 ? 60000 : span > 60000 ? 30000 : 15000;
    const labels = [];
    let max = 0;
    for (const s of samples) {
      for (const k in s.series) {
        if (!labels.includes(k)) labels.push(k);
        max = Math.max(max, s.series[k]);
      }
    }
    max = niceMax(max);
    const x = (t) => L + (W - L - R) * (1 - (now - t) / span);
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const nodes = [];
    for (const f of [0, 0.5, 1]) {
      nodes.push(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(max * f), y2: y(max * f) }));
      nodes.push(svg('text', { x: L - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, DEC.format(max * f)));
    }
    for (let back = 0; back <= span + 1; back += step) {
      const label = back === 0 ? 'now' : back % 60000 === 0 ? '-' + back / 60000 + ' min' : '-' + back / 1000 + ' s';
      const anchor = back === 0 ? 'end' : back + step > span + 1 ? 'start' : 'middle';
      nodes.push(svg('line', { class: 'grid tick', x1: x(now - back), x2: x(now - back), y1: H - B, y2: H - B + 4 }));
      nodes.push(svg('text', { x: x(now - back), y: H - 6, 'text-anchor': anchor }, label));
    }
    const legend = [];
    labels.forEach((label, i) => {
      const color = COLORS[i % COLORS.length];
      const points = samples.filter((s) => label in s.series)
          .map((s) => x(s.t).toFixed(1) + ',' + y(s.series[label]).toFixed(1)).join(' ');
      nodes.push(svg('polyline', { points, stroke: color, 'data-series': label }));
      const latest = samples.length ? samples[samples.length - 1].series[label] : undefined;
      const item = el('span');
      const swatch = el('i');
      swatch.style.background = color;
      item.append(swatch, document.createTextNode(label + ' ' + dec(latest) + '/s'));
      legend.push(item);
    });
    if (!labels.length) {
      nodes.push(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'collecting samples…'));
    }
    chart.replaceChildren(...nodes);
    $('legend').replaceChildren(...legend);
  }

  // ---- wiring ------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const value = $('token').value.trim();
      if (!value) return;
      token = value;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('token').value = '';
      start();
    });
    $('forget').addEventListener('click', () => {
      askForToken('');
      message('');
    });
    setInterval(() => {
      if (running && lastOkAt && Date.now() - lastOkAt > STALE_MS) conn('stale', 'warn');
    }, 1000);
    if (token) start(); else askForToken('');
  });
})();
