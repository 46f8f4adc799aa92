// preflight site script: checklist with saved progress, export and import of results in
// the format of `preflight run`, copy buttons, search, and a language switch that keeps
// the step. No framework, no build step, no inline script: loaded with <script src defer>
// under the page's Content-Security-Policy. Text from files or the index is only ever set
// with textContent, never parsed as HTML.
(function () {
  'use strict';
  var body = document.body;
  var $ = function (sel, el) { return (el || document).querySelector(sel); };
  var $$ = function (sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); };
  function t(key, vars) {
    var s = body.getAttribute('data-t-' + key) || '';
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  }
  var STATES = ['pass', 'fail', 'error', 'timeout', 'skipped', 'not_reviewed'];

  // ---- checklist: one key per step id, shared by both languages (same ids)
  var KEY = 'preflight:done:';
  function saved(id) { try { return localStorage.getItem(KEY + id) === '1'; } catch (e) { return false; } }
  function save(id, done) {
    try { if (done) { localStorage.setItem(KEY + id, '1'); } else { localStorage.removeItem(KEY + id); } } catch (e) { /* private mode */ }
  }
  var ticks = $$('input.pf-tick');
  var progress = $('#pf-progress');
  var progressText = $('#pf-progress-text');
  function refresh() {
    var done = 0;
    ticks.forEach(function (c) {
      c.checked = saved(c.getAttribute('data-step'));
      if (c.checked) { done += 1; }
      c.closest('li.pf-step').classList.toggle('pf-done', c.checked);
    });
    if (progress) {
      progress.value = done;
      progress.textContent = done + ' / ' + ticks.length;
      progressText.textContent = t('progress', { done: done, total: ticks.length });
    }
  }
  ticks.forEach(function (c) {
    c.addEventListener('change', function () { save(c.getAttribute('data-step'), c.checked); refresh(); });
  });
  window.addEventListener('storage', refresh);
  window.addEventListener('pageshow', refresh);
  refresh();

  var toolbar = $('#pf-toolbar');
  if (toolbar) { toolbar.hidden = false; }
  var reset = $('#pf-reset');
  if (reset) {
    reset.addEventListener('click', function () {
      ticks.forEach(function (c) { save(c.getAttribute('data-step'), false); });
      refresh();
    });
  }

  // ---- export: the progress as the results JSON of `preflight run`
  var article = $('article.pf-guide');
  function results() {
    var guide = article.getAttribute('data-guide');
    var checks = [];
    ticks.forEach(function (c) {
      var step = c.closest('li.pf-step');
      var state = c.checked ? 'pass' : 'not_reviewed';
      var message = c.checked ? 'ticked in the published checklist' : 'not ticked in the published checklist';
      var own = $$(':scope > .pf-checks .pf-check', step);
      var title = $('.pf-command', step).textContent.replace(/\s+/g, ' ').trim();
      if (own.length === 0) {
        checks.push({ guide: guide, id: c.getAttribute('data-step'), kind: 'manual', title: title, required: true, state: state, message: message, duration_ms: 0 });
      }
      own.forEach(function (el) {
        checks.push({ guide: guide, id: el.getAttribute('data-check'), kind: el.getAttribute('data-kind'), title: el.getAttribute('data-title'), required: true, state: state, message: message, duration_ms: 0 });
      });
    });
    var counts = { total: checks.length, pass: 0, fail: 0, error: 0, timeout: 0, skipped: 0, not_reviewed: 0 };
    checks.forEach(function (c) { counts[c.state] += 1; });
    var exitCode = counts.pass === counts.total ? 0 : 1;
    // Results version 2, as `preflight run` writes them for one manifest.
    return {
      results_version: 2,
      lang: body.getAttribute('data-lang'),
      exit_code: exitCode,
      counts: counts,
      guides: [{
        guide: guide,
        manifest: article.getAttribute('data-manifest'),
        title: article.getAttribute('data-title'),
        exit_code: exitCode,
        counts: counts
      }],
      checks: checks
    };
  }
  var exportButton = $('#pf-export');
  if (exportButton) {
    exportButton.addEventListener('click', function () {
      var data = results();
      var blob = new Blob([JSON.stringify(data, null, 2) + '\n'], { type: 'application/json' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = data.guides[0].guide + '.results.json';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
  }

  // ---- import: show which checks of a `preflight run` results file passed
  var fileInput = $('#pf-results');
  var status = $('#pf-results-status');
  function badge(host, state) {
    var el = $(':scope > .pf-state', host) || host.appendChild(document.createElement('span'));
    el.className = 'pf-state pf-state-' + state;
    el.textContent = t('state-' + state);
  }
  function showResults(text) {
    var data = null;
    try { data = JSON.parse(text); } catch (e) { data = null; }
    if (!data || typeof data.results_version !== 'number' || !Array.isArray(data.checks)) {
      status.textContent = t('invalid');
      return;
    }
    var byId = {};
    data.checks.forEach(function (c) {
      if (c && typeof c.id === 'string' && STATES.indexOf(c.state) >= 0) { byId[c.id] = c.state; }
    });
    $$('.pf-state').forEach(function (el) { el.remove(); });
    $$('.pf-check').forEach(function (el) {
      var state = byId[el.getAttribute('data-check')];
      el.removeAttribute('data-state');
      if (state) { el.setAttribute('data-state', state); badge(el, state); }
    });
    $$('li.pf-step').forEach(function (step) {
      var state = byId[step.getAttribute('data-step')];
      step.removeAttribute('data-result');
      if (state) { step.setAttribute('data-result', state); badge($('.pf-step-head', step), state); }
    });
    var n = { pass: 0, fail: 0, other: 0 };
    Object.keys(byId).forEach(function (id) {
      var s = byId[id];
      if (s === 'pass') { n.pass += 1; } else if (s === 'fail') { n.fail += 1; } else { n.other += 1; }
    });
    var message = t('loaded', n);
    // Version 2 lists its guides; version 1 named one.
    var guides = Array.isArray(data.guides) ? data.guides.map(function (g) { return g && g.guide; }) : [data.guide];
    if (article && guides.indexOf(article.getAttribute('data-guide')) < 0) {
      message += ' ' + t('other-guide', { guide: String(guides[0]) });
    }
    status.textContent = message;
  }
  if (fileInput) {
    fileInput.addEventListener('change', function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) { return; }
      var reader = new FileReader();
      reader.onload = function () { showResults(String(reader.result)); };
      reader.readAsText(file);
    });
  }

  // ---- copy buttons
  if (navigator.clipboard) {
    $$('.pf-code').forEach(function (block) {
      var button = $('.pf-copy', block);
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener('click', function () {
        navigator.clipboard.writeText($('pre', block).textContent).then(function () {
          button.textContent = t('copied');
          setTimeout(function () { button.textContent = label; }, 1500);
        }, function () { /* no permission: nothing to do */ });
      });
    });
  }

  // ---- language switch: the same step in the other language
  var switcher = $('a.pf-switch');
  function currentStep() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el) { return el; }
    if (window.scrollY < 10) { return null; }
    return $$('li.pf-step').filter(function (s) { return s.getBoundingClientRect().top >= 0; })[0] || null;
  }
  if (switcher) {
    var base = switcher.getAttribute('href').split('#')[0];
    switcher.addEventListener('click', function () {
      var el = currentStep();
      var id = el && (el.getAttribute('data-counterpart') || el.id);
      switcher.setAttribute('href', id ? base + '#' + encodeURIComponent(id) : base + location.hash);
    });
  }

  // ---- search: index built by `preflight build`; English words, Chinese bigrams
  var form = $('#pf-search');
  var query = $('#pf-q');
  var out = $('#pf-search-results');
  var root = body.getAttribute('data-root') || '';
  var index = null;
  function isCjk(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
      (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
  }
  // Query terms, split as the index was (src/render/site/search.rs): a CJK run of two or
  // more characters becomes its bigrams, one character stays itself; words are lower-cased.
  function terms(text) {
    var words = [];
    var word = '';
    var run = [];
    function flush() {
      if (word) { words.push(word); word = ''; }
      if (run.length === 1) { words.push(run[0]); }
      for (var i = 0; i + 1 < run.length; i += 1) { words.push(run[i] + run[i + 1]); }
      run = [];
    }
    Array.from(text.toLowerCase()).forEach(function (ch) {
      if (isCjk(ch)) { if (word) { words.push(word); word = ''; } run.push(ch); }
      else if (/[\p{L}\p{N}]/u.test(ch)) { if (run.length) { flush(); } word += ch; }
      else { flush(); }
    });
    flush();
    return words;
  }
  // The index's terms as a Map: a plain object would answer `constructor`, `toString` or
  // `__proto__` from its prototype (a query for "constructor" broke search).
  function prepare(json) {
    var terms = new Map();
    Object.keys(json.terms || {}).forEach(function (k) {
      if (Object.prototype.hasOwnProperty.call(json.terms, k)) { terms.set(k, json.terms[k]); }
    });
    return { entries: json.entries || [], terms: terms };
  }
  var LIMIT = 50;
  function search(text) {
    var list = terms(text);
    if (!list.length) { return []; }
    var hits = null;
    list.forEach(function (term, i) {
      var found = new Set();
      var keys = index.terms.has(term) ? [term] : [];
      if (i === list.length - 1 && /^[a-z0-9]/.test(term)) {
        keys = [];
        index.terms.forEach(function (_, k) { if (k.indexOf(term) === 0) { keys.push(k); } });
      }
      keys.forEach(function (k) { index.terms.get(k).forEach(function (n) { found.add(n); }); });
      if (hits === null) { hits = found; } else {
        var both = new Set();
        hits.forEach(function (n) { if (found.has(n)) { both.add(n); } });
        hits = both;
      }
    });
    // Order: this language first, then titles that hold every term, then pages before
    // steps, then index order.
    var lang = body.getAttribute('data-lang');
    var last = list.length - 1;
    function inTitle(e) {
      var words = terms(e.t);
      return list.every(function (term, i) {
        return words.some(function (w) { return w === term || (i === last && w.indexOf(term) === 0); });
      });
    }
    var rank = new Map();
    hits.forEach(function (n) {
      var e = index.entries[n];
      rank.set(n, (e.l === lang ? 0 : 4) + (inTitle(e) ? 0 : 2) + (e.g ? 1 : 0));
    });
    return Array.from(hits).sort(function (a, b) {
      return rank.get(a) - rank.get(b) || a - b;
    }).map(function (n) { return index.entries[n]; });
  }
  function show() {
    out.textContent = '';
    var text = query.value.trim();
    if (!text || !index) { return; }
    var found = search(text);
    if (!found.length) {
      var none = document.createElement('p');
      none.textContent = t('no-results');
      out.appendChild(none);
      return;
    }
    var count = document.createElement('p');
    count.className = 'pf-search-count';
    count.textContent = t('count', { shown: Math.min(found.length, LIMIT), n: found.length });
    out.appendChild(count);
    var ul = document.createElement('ul');
    found.slice(0, LIMIT).forEach(function (e) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = root + e.u;
      a.lang = e.l;
      var title = document.createElement('span');
      title.className = 'pf-result-title';
      title.textContent = e.t;
      a.appendChild(title);
      var where = document.createElement('span');
      where.className = 'pf-result-path';
      where.textContent = [e.l].concat(e.p ? [e.p] : [], e.g ? [e.g] : []).join(' › ');
      a.appendChild(where);
      if (e.s) {
        var snippet = document.createElement('span');
        snippet.className = 'pf-result-snippet';
        snippet.textContent = e.s;
        a.appendChild(snippet);
      }
      li.appendChild(a);
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }
  function resultLinks() { return $$('#pf-search-results a'); }
  function withIndex(then) {
    if (index) { then(); return; }
    var viaScript = function () {
      var s = document.createElement('script');
      s.src = root + 'search-index.js';
      s.onload = function () { index = window.PREFLIGHT_SEARCH ? prepare(window.PREFLIGHT_SEARCH) : null; then(); };
      document.head.appendChild(s);
    };
    if (window.PREFLIGHT_SEARCH) { index = prepare(window.PREFLIGHT_SEARCH); then(); return; }
    // fetch works over http; pages opened from disk load the same index as a script.
    if (location.protocol === 'http:' || location.protocol === 'https:') {
      fetch(root + 'search-index.json').then(function (r) { return r.json(); })
        .then(function (j) { index = prepare(j); then(); }, viaScript);
    } else {
      viaScript();
    }
  }
  if (form) {
    form.hidden = false;
    var timer = null;
    query.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { withIndex(show); }, 120);
    });
    // Enter opens the first result (searching first if the results are not shown yet).
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      clearTimeout(timer);
      withIndex(function () {
        show();
        var first = resultLinks()[0];
        if (first) { location.href = first.href; }
      });
    });
    // Arrow keys move between the query and the results; Escape clears.
    form.addEventListener('keydown', function (e) {
      var links = resultLinks();
      var at = links.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && links.length) {
        e.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (e.key === 'ArrowUp' && at >= 0) {
        e.preventDefault();
        if (at === 0) { query.focus(); } else { links[at - 1].focus(); }
      } else if (e.key === 'Escape') {
        query.value = '';
        out.textContent = '';
        query.focus();
      }
    });
  }

  // ---- sidebar: the locale's tree (nav.js, one file per locale rather than a copy in
  // every page), with the current page marked and its folders open.
  var sidebar = $('#pf-nav');
  function buildNav(data) {
    var here = location.href.split('#')[0];
    var base = root + data.l + '/';
    var current = null;
    function list(items, depth) {
      var ul = document.createElement('ul');
      items.forEach(function (item) {
        var li = document.createElement('li');
        if (Array.isArray(item[1])) {
          var details = document.createElement('details');
          var summary = document.createElement('summary');
          summary.textContent = item[0];
          details.appendChild(summary);
          details.appendChild(list(item[1], depth + 1));
          li.appendChild(details);
        } else {
          var a = document.createElement('a');
          a.href = base + item[1];
          a.textContent = item[0];
          if (a.href === here) { a.setAttribute('aria-current', 'page'); current = a; }
          li.appendChild(a);
        }
        ul.appendChild(li);
      });
      return ul;
    }
    var tree = list(data.t, 0);
    tree.className = 'pf-nav-tree';
    sidebar.appendChild(tree);
    for (var el = current; el && el !== sidebar; el = el.parentElement) {
      if (el.tagName === 'DETAILS') { el.open = true; }
    }
    if (current && current.scrollIntoView && sidebar.scrollHeight > sidebar.clientHeight) {
      sidebar.scrollTop = Math.max(0, current.offsetTop - sidebar.clientHeight / 3);
    }
  }
  if (sidebar) {
    var navScript = document.createElement('script');
    navScript.src = sidebar.getAttribute('data-nav');
    navScript.onload = function () { if (window.PREFLIGHT_NAV) { buildNav(window.PREFLIGHT_NAV); } };
    document.head.appendChild(navScript);
  }

  // ---- a #fragment inside closed <details> (a folder of the index): open them.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (; el; el = el.parentElement) {
      if (el.tagName === 'DETAILS') { el.open = true; }
    }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
}());
