// The status page: one self-contained HTML string (inline CSS and JS, no external assets).
// Plugin pages are reachable without login (NapCat #1625), so the page carries NO data:
// it fetches everything from the authenticated /api/Plugin/ext/<id>/stats route with the
// WebUI token. Token lookup order: `?token=` in the URL (then removed from the address
// bar), one pasted into the page (kept in sessionStorage), the WebUI's own login token
// (localStorage key `token`, possibly JSON-quoted).
// Every counter has `data-field="<snapshot path>"` and, once filled, `data-value="<raw>"`,
// so browser tests can read the DOM without parsing formatted text.

/** Dotted snapshot path, Chinese / English label, display format. */
const CARDS: readonly [string, string, 'int' | 'bytes' | 'ms'][] = [
  ['sends.seen', '媒体发送 / Sends seen', 'int'],
  ['store.hits', '缓存命中 / Store hits', 'int'],
  ['store.misses', '缓存未命中 / Store misses', 'int'],
  ['store.coalescedPuts', '合并写入 / Coalesced puts', 'int'],
  ['store.bytesNotWritten', '省下的写入 / Bytes not written', 'bytes'],
  ['store.bytes', '缓存大小 / Store size', 'bytes'],
  ['store.entries', '缓存条目 / Store entries', 'int'],
  ['ntqq.copiesMade', 'NTQQ 复制 / NTQQ copies made', 'int'],
  ['ntqq.copiesAvoided', '省下的复制 / NTQQ copies avoided', 'int'],
  ['uploads.led', '领头上传 / Uploads led', 'int'],
  ['uploads.followed', '跟随上传 / Uploads followed', 'int'],
  ['uploads.passed', '直接通过 / Uploads passed', 'int'],
  ['uploads.retries', '重试 / Retries', 'int'],
  ['leaders.succeeded', '领头成功 / Leaders succeeded', 'int'],
  ['leaders.failed', '领头失败 / Leaders failed', 'int'],
  ['leaders.timedOut', '领头超时 / Leaders timed out', 'int'],
  ['url.hits', 'URL 缓存命中 / URL cache hits', 'int'],
  ['url.revalidated', 'URL 304 校验 / URL revalidations', 'int'],
  ['url.shared', 'URL 共享下载 / URL shared downloads', 'int'],
  ['url.downloads', 'URL 下载 / URL downloads', 'int'],
  ['url.bytesNotDownloaded', '省下的下载 / Bytes not downloaded', 'bytes'],
  ['pacing.queued', '限速排队 / Pacing queue', 'int'],
  ['pacing.waitMs', '当前等待 / Current wait', 'ms'],
  ['pacing.sends', '限速发送 / Paced sends', 'int'],
  ['pacing.waitedMs.p95', '限速等待 p95 / Pacing wait p95', 'ms'],
  ['pacing.waitedMs.max', '限速最长等待 / Longest pacing wait', 'ms'],
  ['leasesHeld', '持有租约 / Leases held', 'int'],
  ['addedLatencyMs.p50', '附加延迟 p50 / Added latency p50', 'ms'],
  ['addedLatencyMs.p95', '附加延迟 p95 / Added latency p95', 'ms'],
  ['addedLatencyMs.count', '延迟样本 / Latency samples', 'int'],
];

/** Poll period; the chart keeps the last CHART_MINUTES of points. */
const POLL_MS = 1500;
const CHART_MINUTES = 5;

export function statusPageHtml(pluginId: string): string {
  // JSON.stringify plus `<` escaping keeps the id inert inside <script>.
  const id = JSON.stringify(pluginId).replace(/</g, '\\u003c');
  const cards = CARDS.map(
    ([field, label, format]) =>
      `<div class="card"><div class="label">${label}</div>` +
      `<div class="value" data-field="${field}" data-format="${format}">—</div></div>`,
  ).join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>富媒体发送缓存 · 状态 / Media cache status</title>
<style>
  :root { color-scheme: light dark; --fg: #1f2328; --muted: #656d76; --bg: #f6f8fa; --card: #fff; --line: #d0d7de;
          --a: #0969da; --b: #1a7f37; --warn: #9a6700; --err: #cf222e; }
  @media (prefers-color-scheme: dark) {
    :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --card: #161b22; --line: #30363d;
            --a: #4493f8; --b: #3fb950; --warn: #d29922; --err: #f85149; }
  }
  body { margin: 0; padding: 16px; font: 14px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
  h1 { font-size: 18px; margin: 0 0 4px; }
  .meta, .label, .hint { color: var(--muted); font-size: 12px; }
  #status { margin: 8px 0 12px; padding: 8px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); }
  #status[data-state="error"] { border-color: var(--err); color: var(--err); }
  #status[data-state="auth"] { border-color: var(--warn); color: var(--warn); }
  #auth { margin: 0 0 12px; display: flex; gap: 8px; flex-wrap: wrap; }
  #auth[hidden] { display: none; }
  #token-input { flex: 1 1 280px; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
  button { padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); cursor: pointer; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
  .value { font-size: 20px; font-variant-numeric: tabular-nums; }
  section { margin-top: 16px; }
  h2 { font-size: 14px; margin: 0 0 6px; }
  canvas { width: 100%; height: 200px; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
  .legend span { margin-right: 12px; font-size: 12px; }
  .sw { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin-right: 4px; }
  ul { margin: 0; padding-left: 18px; }
  table { border-collapse: collapse; background: var(--card); border: 1px solid var(--line); font-variant-numeric: tabular-nums; }
  th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: right; }
  th:first-child, td:first-child { text-align: left; font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>富媒体发送缓存 · 状态 <span class="meta">Media cache status</span></h1>
<div class="meta">版本 / Version <span id="version">—</span> · 运行 / Uptime <span id="uptime">—</span></div>
<div id="status" role="status" data-state="loading">加载中… / Loading…</div>
<form id="auth" hidden>
  <input id="token-input" type="password" autocomplete="off" placeholder="粘贴 WebUI 令牌 / Paste the WebUI token">
  <button id="token-save" type="submit">使用 / Use</button>
</form>
<div class="grid">
${cards}
</div>
<section>
  <h2>最近 ${CHART_MINUTES} 分钟 / Last ${CHART_MINUTES} minutes</h2>
  <canvas id="chart" width="800" height="200"></canvas>
  <div class="legend"><span><i class="sw" style="background:var(--a)"></i>发送/秒 / sends/s</span><span><i class="sw" style="background:var(--b)"></i>命中率 / hit rate</span></div>
</section>
<section>
  <h2>失败（按原因）/ Failures by reason</h2>
  <ul id="failures"><li class="hint">—</li></ul>
</section>
<section>
  <h2>返回给客户端的失败（按类别，见 docs/errors.md）/ Failures reported to clients by category</h2>
  <ul id="categories"><li class="hint">—</li></ul>
</section>
<section>
  <h2>各内容的领头上传结果（最近）/ Leader outcomes per content (latest first)</h2>
  <table id="leaders-table"><thead><tr><th>内容 md5 / Content</th><th>成功 / OK</th><th>失败 / Failed</th><th>超时 / Timed out</th><th>最近 / Last</th></tr></thead>
  <tbody id="leaders"><tr><td class="hint" colspan="5">—</td></tr></tbody></table>
</section>
<section>
  <h2>回退到 NapCat 原流程（按原因）/ Fallbacks to NapCat's path by reason</h2>
  <ul id="fallbacks"><li class="hint">—</li></ul>
</section>
<p class="hint">数据来自需登录的接口 /api/Plugin/ext/…/stats，本页本身不含数据 / Data comes from the authenticated route /api/Plugin/ext/…/stats; this page holds none.</p>
<script>
(function () {
  'use strict';
  var PLUGIN_ID = ${id};
  var POLL_MS = ${POLL_MS};
  var MAX_POINTS = Math.ceil(${CHART_MINUTES} * 60000 / POLL_MS);
  var OWN_KEY = PLUGIN_ID + '.token';
  // Same origin as the WebUI; keep any reverse-proxy prefix in front of /plugin/.
  var prefix = location.pathname.split('/plugin/')[0];
  var STATS_URL = prefix + '/api/Plugin/ext/' + encodeURIComponent(PLUGIN_ID) + '/stats';

  var statusEl = document.getElementById('status');
  var authForm = document.getElementById('auth');
  var tokenInput = document.getElementById('token-input');
  var token = initialToken();
  var tokenFromWebUi = token !== '' && token === webUiToken();
  var points = [];
  var last = null;
  var timer = 0;

  function storageGet(store, key) { try { return store.getItem(key) || ''; } catch (e) { return ''; } }
  function storageSet(store, key, value) { try { store.setItem(key, value); } catch (e) { /* storage blocked */ } }

  function webUiToken() {
    var raw = storageGet(localStorage, 'token');
    if (!raw) return '';
    try { var parsed = JSON.parse(raw); return typeof parsed === 'string' ? parsed : raw; } catch (e) { return raw; }
  }

  function initialToken() {
    var params = new URLSearchParams(location.search);
    var fromUrl = params.get('token');
    if (fromUrl) {
      storageSet(sessionStorage, OWN_KEY, fromUrl);
      params.delete('token');
      var rest = params.toString();
      window.history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
      return fromUrl;
    }
    return storageGet(sessionStorage, OWN_KEY) || webUiToken();
  }

  function setStatus(state, text) {
    statusEl.setAttribute('data-state', state);
    statusEl.textContent = text;
    authForm.hidden = state !== 'auth';
  }

  function pick(obj, path) {
    var parts = path.split('.');
    for (var i = 0; i < parts.length; i++) { if (obj == null) return null; obj = obj[parts[i]]; }
    return obj == null ? null : obj;
  }

  function formatValue(value, format) {
    if (typeof value !== 'number') return '—';
    if (format === 'ms') return (value < 10 ? value.toFixed(2) : value.toFixed(0)) + ' ms';
    if (format === 'bytes') {
      var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      var i = 0;
      while (value >= 1024 && i < units.length - 1) { value /= 1024; i++; }
      return (i === 0 ? value.toFixed(0) : value.toFixed(1)) + ' ' + units[i];
    }
    return value.toLocaleString();
  }

  function formatUptime(ms) {
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm ' + (s % 60) + 's';
  }

  function renderReasons(id, map) {
    var list = document.getElementById(id);
    var keys = Object.keys(map || {}).sort(function (a, b) { return map[b] - map[a]; });
    list.textContent = '';
    if (keys.length === 0) {
      var none = document.createElement('li');
      none.className = 'hint';
      none.textContent = '无 / none';
      list.appendChild(none);
      return;
    }
    keys.forEach(function (k) {
      var li = document.createElement('li');
      li.setAttribute('data-reason', k);
      li.setAttribute('data-value', String(map[k]));
      li.textContent = k + ': ' + map[k];
      list.appendChild(li);
    });
  }

  function renderLeaders(contents) {
    var body = document.getElementById('leaders');
    body.textContent = '';
    if (!contents || contents.length === 0) {
      var none = document.createElement('tr');
      var cell = document.createElement('td');
      cell.className = 'hint';
      cell.setAttribute('colspan', '5');
      cell.textContent = '无 / none';
      none.appendChild(cell);
      body.appendChild(none);
      return;
    }
    contents.forEach(function (c) {
      var row = document.createElement('tr');
      row.setAttribute('data-content', c.content);
      [c.content, c.succeeded, c.failed, c.timedOut, new Date(c.lastAt).toLocaleTimeString()].forEach(function (v) {
        var td = document.createElement('td');
        td.textContent = String(v);
        row.appendChild(td);
      });
      body.appendChild(row);
    });
  }

  function render(snap) {
    document.getElementById('version').textContent = String(snap.version);
    document.getElementById('uptime').textContent = formatUptime(snap.uptimeMs);
    var cells = document.querySelectorAll('[data-field]');
    for (var i = 0; i < cells.length; i++) {
      var value = pick(snap, cells[i].getAttribute('data-field'));
      cells[i].setAttribute('data-value', value === null ? '' : String(value));
      cells[i].textContent = formatValue(value, cells[i].getAttribute('data-format'));
    }
    renderReasons('failures', snap.failures);
    renderReasons('categories', snap.failuresByCategory);
    renderLeaders(snap.leaders && snap.leaders.contents);
    renderReasons('fallbacks', snap.fallbacks);
  }

  function addPoint(snap, at) {
    // A reload of the plugin restarts its counters: start the chart over instead of plotting negatives.
    if (last && snap.uptimeMs >= last.snap.uptimeMs) {
      var dt = (at - last.at) / 1000;
      var dHits = snap.store.hits - last.snap.store.hits;
      var dMiss = snap.store.misses - last.snap.store.misses;
      points.push({
        rate: dt > 0 ? (snap.sends.seen - last.snap.sends.seen) / dt : 0,
        hit: dHits + dMiss > 0 ? dHits / (dHits + dMiss) : null
      });
      if (points.length > MAX_POINTS) points.shift();
    } else {
      points = [];
    }
    last = { snap: snap, at: at };
    drawChart();
  }

  function drawChart() {
    var canvas = document.getElementById('chart');
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || 800, h = canvas.clientHeight || 200;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    var g = canvas.getContext('2d');
    if (!g) return;
    var css = getComputedStyle(document.documentElement);
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var pad = 28, plotW = w - pad * 2, plotH = h - pad;
    var peak = 1;
    points.forEach(function (p) { if (p.rate > peak) peak = p.rate; });
    g.strokeStyle = css.getPropertyValue('--line');
    g.fillStyle = css.getPropertyValue('--muted');
    g.font = '11px system-ui, sans-serif';
    g.lineWidth = 1;
    for (var k = 0; k <= 4; k++) {
      var y = 8 + (plotH - 8) * k / 4;
      g.beginPath(); g.moveTo(pad, y); g.lineTo(w - pad, y); g.stroke();
    }
    g.fillText(peak.toFixed(peak < 10 ? 1 : 0) + '/s', 2, 14);
    g.fillText('100%', w - pad + 2, 14);
    g.fillText('0', 2, plotH);
    function line(color, valueOf) {
      g.strokeStyle = color; g.lineWidth = 2; g.beginPath();
      var open = false;
      points.forEach(function (p, i) {
        var v = valueOf(p);
        if (v === null) { open = false; return; }
        var x = pad + plotW * (MAX_POINTS - points.length + i) / (MAX_POINTS - 1);
        var y = 8 + (plotH - 8) * (1 - v);
        if (open) g.lineTo(x, y); else g.moveTo(x, y);
        open = true;
      });
      g.stroke();
    }
    line(css.getPropertyValue('--a'), function (p) { return p.rate / peak; });
    line(css.getPropertyValue('--b'), function (p) { return p.hit; });
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(poll, POLL_MS); }

  function poll() {
    clearTimeout(timer);
    if (!token) {
      setStatus('auth', '未找到 WebUI 登录令牌：请先在本浏览器登录 NapCat WebUI，或在下方粘贴令牌 / No WebUI token found: log in to the NapCat WebUI in this browser, or paste a token below.');
      return;
    }
    if (document.hidden) { schedule(); return; }
    fetch(STATS_URL, { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        if (res.status === 401 || res.status === 403) {
          setStatus('auth', tokenFromWebUi
            ? 'WebUI 登录已失效（' + res.status + '）：请重新登录 WebUI，或在下方粘贴令牌 / WebUI login rejected (' + res.status + '): log in again or paste a token below.'
            : '令牌无效（' + res.status + '）：请粘贴正确的 WebUI 令牌 / Token rejected (' + res.status + '): paste a valid WebUI token.');
          return null;
        }
        return res.json().then(function (body) {
          if (!body || body.code !== 0) throw new Error((body && body.message) || ('HTTP ' + res.status));
          render(body.data);
          addPoint(body.data, Date.now());
          setStatus('ok', '已连接，每 ' + (POLL_MS / 1000) + ' 秒刷新 / Live, refreshing every ' + (POLL_MS / 1000) + ' s · ' + new Date().toLocaleTimeString());
          schedule();
          return null;
        });
      })
      .catch(function (err) {
        setStatus('error', '获取数据失败，稍后重试 / Could not fetch stats, retrying: ' + (err && err.message ? err.message : String(err)));
        schedule();
      });
  }

  authForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var value = tokenInput.value.trim();
    if (!value) return;
    token = value;
    tokenFromWebUi = false;
    tokenInput.value = '';
    storageSet(sessionStorage, OWN_KEY, value);
    setStatus('loading', '加载中… / Loading…');
    poll();
  });
  document.addEventListener('visibilitychange', function () { if (!document.hidden) poll(); });
  poll();
})();
</script>
</body>
</html>
`;
}
