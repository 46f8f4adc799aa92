// Browser tests of the site, in the machine's headless Chromium (Debian's package) driven by
// playwright-core: checklist, language switch, drift marks, search, XSS, CSP, axe-core, and
// the Nu HTML Checker over every page. Usage (from the repository root, after a build):
//   node tests/browser/run.mjs [--screenshots DIR]
// Environment: PREFLIGHT (the binary, default target/release/preflight), CHROMIUM
// (default /usr/bin/chromium).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(new URL('../..', import.meta.url).pathname);
const here = join(root, 'tests/browser');
const preflight = process.env.PREFLIGHT || join(root, 'target/release/preflight');
const shotsArg = process.argv.indexOf('--screenshots');
const shots = shotsArg > 0 ? resolve(process.argv[shotsArg + 1]) : null;
const tmp = mkdtempSync(join(tmpdir(), 'preflight-browser-'));
let failures = 0;
const servers = [];

function check(ok, what) {
  if (ok) { console.log(`ok    ${what}`); } else { failures += 1; console.log(`FAIL  ${what}`); }
}

/** Start `preflight serve` on an ephemeral port; resolves to its base URL and out folder. */
function serve(src) {
  const out = join(tmp, src.replace(/\W+/g, '-'));
  const child = spawn(preflight, ['serve', '--src', src, '--out', out, '--port', '0', '--templates', 'templates'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve ${src}: no address within 60 s`)), 60000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) { clearTimeout(timer); ok({ base: m[1], site: join(out, 'site') }); }
    });
    child.on('exit', (code) => fail(new Error(`serve ${src} exited ${code}`)));
  });
}

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.html')).sort();
}

async function main() {
  const docs = await serve('docs-src');
  const fx = await serve('tests/fixtures/site');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60000,
  });
  try {
    await run(browser, docs, fx);
  } finally {
    await browser.close();
  }
}

/** A page that records console errors, page errors, dialogs, CSP violations and alerts. */
async function watched(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') { problems.push(`console ${m.type()}: ${m.text()}`); } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    const hook = (name) => { const f = window[name]; window[name] = (...a) => { window.__violations.push(`${name}(${a.join(',')})`); return f && undefined; }; };
    ['alert', 'confirm', 'prompt'].forEach(hook);
  });
  const done = async (what) => {
    const violations = await page.evaluate(() => window.__violations).catch(() => []);
    const all = problems.concat(violations.map((v) => `violation: ${v}`));
    check(all.length === 0, `${what}: no console errors, CSP violations or dialogs${all.length ? ` (${all.join('; ')})` : ''}`);
    problems.length = 0;
  };
  return { page, done };
}

async function run(browser, docs, fx) {
  const context = await browser.newContext({ acceptDownloads: true });
  const { page, done } = await watched(context);

  // Every page of both sites loads clean under its CSP.
  for (const [name, site] of [['docs-src', docs], ['fixtures', fx]]) {
    for (const file of htmlFiles(site.site)) {
      await page.goto(site.base + file, { waitUntil: 'load' });
      await page.waitForTimeout(50);
      await done(`${name} ${file}`);
    }
  }

  // Switching language lands on the same step.
  const step = 'task_emr_prepare_account.s5.p1.1.2';
  await page.goto(`${docs.base}en-US/emr/prepare-account.html#${step}`);
  await page.click('a.pf-switch');
  await page.waitForURL(/zh-CN\/emr\/prepare-account\.html#/);
  check(page.url().endsWith(`zh-CN/emr/prepare-account.html#${step}`), `switch keeps the step (${page.url()})`);
  check(await page.locator(`[id="${step}"]`).isVisible(), 'the step is there in zh-CN');

  // A ticked step stays ticked after a reload and in the other language; progress follows.
  await page.goto(`${docs.base}en-US/emr/prepare-account.html`);
  const progress = () => page.$eval('#pf-progress', (p) => p.value);
  check(await progress() === 0, 'progress starts at 0');
  await page.check(`[id="tick-${step}"]`);
  check(await progress() === 1, 'progress is 1 after one tick');
  check((await page.textContent('#pf-progress-text')).includes('1 of 15'), 'progress text says 1 of 15');
  await page.reload();
  check(await page.isChecked(`[id="tick-${step}"]`), 'ticked after reload');
  await page.goto(`${docs.base}zh-CN/emr/prepare-account.html`);
  check(await page.isChecked(`[id="tick-${step}"]`), 'ticked in zh-CN too');
  check((await page.textContent('#pf-progress-text')).includes('1 / 15'), 'zh-CN progress says 1 / 15');

  // Export: the results format of `preflight run`.
  const schema = JSON.parse(readFileSync(join(root, 'generated/schema/results.schema.json'), 'utf8'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#pf-export')]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const required = (s) => s.required || [];
  check(required(schema).every((k) => k in exported), `export has every required field of results.schema.json (${required(schema).join(', ')})`);
  const item = schema.$defs && schema.$defs.CheckResult;
  check(!item || exported.checks.every((c) => required(item).every((k) => k in c)), 'every exported check has the required fields of CheckResult');
  const states = ['pass', 'fail', 'error', 'timeout', 'skipped', 'not_reviewed'];
  check(exported.checks.every((c) => states.includes(c.state)), 'exported states are states of preflight run');
  check(exported.checks.filter((c) => c.state === 'pass').map((c) => c.id).join() === step, 'exactly the ticked step passes');
  check(exported.results_version === 2 && exported.guides.length === 1 && exported.guides[0].guide === 'task_emr_prepare_account' && exported.checks.every((c) => c.guide === 'task_emr_prepare_account') && exported.lang === 'zh-CN' && exported.counts.pass === 1, 'export names guide, language and counts');
  await page.click('#pf-reset');
  check(await progress() === 0 && !(await page.isChecked(`[id="tick-${step}"]`)), 'reset clears the page');

  // Loading a results file shows which checks passed.
  const resultsFile = join(tmp, 'results.json');
  const checkId = 'task_emr_prepare_account.s2.p1.1~named-role-exists:AliyunEMRDefaultRole';
  writeFileSync(resultsFile, JSON.stringify({ ...exported, checks: [{ ...exported.checks[0], id: checkId, state: 'pass' }, { ...exported.checks[0], id: 'task_emr_prepare_account.s2.p1.1~named-role-exists:AliyunEmrEcsDefaultRole', state: 'fail' }] }));
  await page.setInputFiles('#pf-results', resultsFile);
  await page.waitForSelector('.pf-check .pf-state-pass');
  check(await page.locator(`[data-check="${checkId}"] .pf-state-pass`).count() === 1, 'a loaded pass is shown on its check');
  check(await page.locator('.pf-check .pf-state-fail').count() === 1, 'a loaded fail is shown on its check');
  check((await page.textContent('#pf-results-status')).includes('1 项通过'), 'the results summary is in the page language');
  await done('checklist pages');

  // Drift marks.
  await page.goto(`${fx.base}zh-CN/drift.html`);
  check(await page.locator('.pf-banner-drift').isVisible(), 'drifted page shows the banner');
  // The step only zh-CN has is marked; zh step 5, which is en step 4, has its id and agrees.
  check(await page.locator('li.pf-step-unmatched').count() === 1 && await page.locator('li.pf-step-drift').count() === 0, 'the extra step is marked, the others agree');
  const other = await page.getAttribute('[id="task_sync_base.zh-CN.s1.p1.4"] > .pf-sync a', 'href');
  check(other === '../en-US/drift.html', `the extra step's mark opens the English page (${other})`);
  check(await page.locator('[id="task_sync_base.s1.p1.5"]').count() === 0, 'no step keeps a structural id its en counterpart does not have');
  await page.goto(`${fx.base}zh-CN/drift.html#task_sync_base.s1.p1.4`);
  await page.click('a.pf-switch');
  await page.waitForURL(/en-US\/drift\.html/);
  check(page.url().endsWith('#task_sync_base.s1.p1.4'), 'switching from a step lands on the same step in the other language');
  await page.goto(`${fx.base}zh-CN/only-english.html`);
  check((await page.textContent('h1')).includes('暂无中文版'), 'a guide missing in zh-CN says so');

  // Search: a two-character Chinese query finds its page (fetch over http).
  await page.goto(`${docs.base}en-US/index.html`);
  await page.fill('#pf-q', '授权');
  await page.waitForSelector('#pf-search-results a');
  const hrefs = await page.$$eval('#pf-search-results a', (as) => as.map((a) => a.getAttribute('href')));
  check(hrefs.some((h) => h.startsWith('../zh-CN/emr/assign-roles.html')), `授权 finds zh-CN/emr/assign-roles.html (${hrefs.slice(0, 3).join(', ')})`);
  await page.fill('#pf-q', 'accesskey');
  const english = await page.waitForFunction(() => document.querySelector('#pf-search-results').textContent.includes('AccessKey')).then(() => true, () => false);
  check(english, 'an English word finds its steps');
  await done('search');

  // Search is safe from JavaScript's prototype: `constructor` and friends are plain words.
  // See issue 11 item 8 (a TypeError, nothing shown).
  for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    await page.goto(`${docs.base}en-US/index.html`);
    await page.fill('#pf-q', word);
    const answered = await page.waitForFunction(() => document.querySelector('#pf-search-results').textContent.length > 0).then(() => true, () => false);
    check(answered, `search for ${word} answers`);
  }
  await done('search for prototype names');

  // Search shows more than 20 results, each with its path and a snippet; the arrow keys
  // move through them; Enter opens the first.
  await page.goto(`${docs.base}en-US/index.html`);
  await page.fill('#pf-q', 'accesskey');
  await page.waitForSelector('#pf-search-results li');
  const shown = await page.locator('#pf-search-results li').count();
  check(shown > 20, `more than 20 results (${shown})`);
  check(await page.locator('#pf-search-results li').first().locator('.pf-result-path').count() === 1, 'a result shows its path');
  check(await page.locator('#pf-search-results .pf-result-snippet').count() > 0, 'results show snippets');
  await page.focus('#pf-q');
  await page.keyboard.press('ArrowDown');
  check(await page.evaluate(() => document.activeElement === document.querySelector('#pf-search-results a')), 'ArrowDown moves to the first result');
  await page.keyboard.press('ArrowUp');
  check(await page.evaluate(() => document.activeElement.id === 'pf-q'), 'ArrowUp goes back to the query');
  await page.goto(`${fx.base}en-US/index.html`);
  await page.fill('#pf-q', 'rotate');
  await page.press('#pf-q', 'Enter');
  await page.waitForURL(/Rotate%20a%20key_%20steps\.html/).catch(() => {});
  check(decodeURIComponent(page.url()).includes('Rotate a key_ steps.html'), `Enter opens the first result (${page.url()})`);
  await done('search keyboard');

  // Navigation: sidebar (current page marked, its folder open), breadcrumbs, contents,
  // prev/next.
  const rotate = `${fx.base}en-US/Access%20keys/Rotate%20a%20key_%20steps.html`;
  await page.goto(rotate);
  await page.waitForSelector('#pf-nav .pf-nav-tree');
  const current = page.locator('#pf-nav a[aria-current="page"]');
  check(await current.count() === 1 && (await current.textContent()) === 'Rotate an AccessKey pair', 'the sidebar marks the current page');
  check(await current.isVisible(), "the current page's folder is open");
  check(await page.locator('#pf-nav a').count() >= 6, 'the sidebar lists the guides');
  await page.click('a[rel="next"]');
  await page.waitForURL(/What%20is%20an%20AccessKey%20pair_\.html/);
  check(true, 'next goes to the next guide in sidebar order');
  await page.click('a[rel="prev"]');
  await page.waitForURL(/Rotate%20a%20key_%20steps\.html/);
  check(true, 'previous goes back');
  await page.click('.pf-crumbs a[href*="dir-"]');
  await page.waitForURL(/index\.html#dir-Access_keys/);
  check(await page.locator('[id="dir-Access_keys"]').evaluate((d) => d.open), 'a folder breadcrumb opens its folder in the index');
  await page.goto(`${fx.base}en-US/Access%20keys/What%20is%20an%20AccessKey%20pair_.html`);
  check(await page.locator('.pf-toc a').count() === 2, 'the page lists its contents');
  await page.click('.pf-toc a >> nth=1');
  check(page.url().endsWith('#section_related'), 'a contents link goes to its heading');
  // A page with no procedure has no checkboxes and no progress.
  check(await page.locator('input.pf-tick').count() === 0 && await page.locator('#pf-progress').count() === 0, 'a concept page has no checkboxes or progress');
  await done('navigation');

  // Ticks are shared across languages on a pair whose file names differ.
  await page.goto(rotate);
  await page.check('[id="tick-task_rotate_key.s1.p1.2"]');
  await page.click('a.pf-switch');
  await page.waitForURL(/zh-CN\//);
  check(decodeURIComponent(page.url()).includes('zh-CN/访问密钥/轮换密钥（步骤）.html'), `the switcher goes to the translation (${decodeURIComponent(page.url())})`);
  check(await page.isChecked('[id="tick-task_rotate_key.s1.p1.2"]'), 'the tick is there in zh-CN');
  check((await page.textContent('#pf-progress-text')).includes('1 / 4'), 'zh-CN progress counts it');
  await page.click('#pf-reset');
  await done('ticks across names');

  // 390 px wide: no horizontal scroll, the toolbar does not stick over the page.
  const narrow = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await narrow.newPage();
  for (const [base, file] of [[docs.base, 'en-US/emr/assign-roles.html'], [docs.base, 'zh-CN/emr/prepare-account.html'], [docs.base, 'en-US/index.html'], [fx.base, 'en-US/drift.html'], [fx.base, 'zh-CN/drift.html'], [fx.base, 'en-US/Access%20keys/Keys%20_2%20at%20100_.html']]) {
    await phone.goto(base + file);
    await phone.waitForTimeout(100);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `390 px: ${decodeURIComponent(file)} has no horizontal scroll (${width})`);
    const sticky = await phone.evaluate(() => { const t = document.querySelector('#pf-toolbar'); return t ? getComputedStyle(t).position : 'none'; });
    check(sticky !== 'sticky', `390 px: ${decodeURIComponent(file)} toolbar is not sticky (${sticky})`);
  }
  await narrow.close();

  // The crawl: every relative link of every page (and of the sidebar data) names a page
  // that exists, and every fragment an id on it. See issue 8.
  const cache = new Map();
  const fetchText = async (url) => {
    if (!cache.has(url)) { const r = await fetch(url); cache.set(url, { status: r.status, text: await r.text() }); }
    return cache.get(url);
  };
  let followed = 0;
  const broken = [];
  for (const site of [docs, fx]) {
    const sources = htmlFiles(site.site).map((file) => {
      const html = readFileSync(join(site.site, file), 'utf8');
      return [file, [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))];
    });
    // The sidebar's links, as the page script makes them: relative to the locale's folder.
    for (const file of readdirSync(site.site, { recursive: true }).filter((f) => /^[^/]+\/nav\.js$/.test(f))) {
      const data = JSON.parse(readFileSync(join(site.site, file), 'utf8').replace(/^window\.PREFLIGHT_NAV = /, '').replace(/;\s*$/, ''));
      const hrefs = [];
      const walk = (items) => items.forEach((i) => { if (Array.isArray(i[1])) { walk(i[1]); } else { hrefs.push(i[1]); } });
      walk(data.t);
      sources.push([file.replace('nav.js', 'nav'), hrefs]);
    }
    for (const [file, hrefs] of sources) {
      const pageUrl = new URL(file.split('/').map(encodeURIComponent).join('/'), site.base).href;
      for (const href of hrefs) {
        if (/^(https?:|mailto:|data:)/.test(href)) { continue; }
        const url = new URL(href, pageUrl);
        const target = url.href.split('#')[0];
        const got = await fetchText(target);
        followed += 1;
        if (got.status !== 200) { broken.push(`${file}: ${href} (${got.status})`); continue; }
        const fragment = decodeURIComponent(url.hash.slice(1));
        if (fragment && target.endsWith('.html') && !got.text.includes(` id="${fragment}"`)) { broken.push(`${file}: ${href} (no #${fragment})`); }
      }
    }
  }
  check(broken.length === 0 && followed > 200, `crawl: ${followed} relative links followed, ${broken.length} broken${broken.length ? `: ${broken.slice(0, 5).join('; ')}` : ''}`);

  // The XSS fixture runs nothing: hover and click everything, no dialog, no error.
  for (const lang of ['en-US', 'zh-CN']) {
    await page.goto(`${fx.base}${lang}/xss.html`);
    for (const el of await page.$$('main *')) { await el.hover({ force: true, timeout: 1000 }).catch(() => {}); }
    for (const el of await page.$$('main .pf-text-link, main h1, main h2')) { await el.click({ force: true, timeout: 1000 }).catch(() => {}); }
    await page.waitForTimeout(200);
    check(page.url().startsWith(`${fx.base}${lang}/xss.html`), `${lang} xss: nothing navigated away`);
    await done(`${lang} xss`);
  }
  await context.close();

  // From disk (file://): loads clean, saves ticks, searches through search-index.js.
  const fileContext = await browser.newContext();
  const disk = await watched(fileContext);
  const url = pathToFileURL(join(docs.site, 'zh-CN/emr/assign-roles.html')).href;
  await disk.page.goto(url);
  await disk.page.check('[id="tick-task_emr_assign_roles.s3.p1.1"]');
  await disk.page.reload();
  check(await disk.page.isChecked('[id="tick-task_emr_assign_roles.s3.p1.1"]'), 'file://: ticked after reload');
  await disk.page.fill('#pf-q', '授权');
  await disk.page.waitForSelector('#pf-search-results a');
  check((await disk.page.$$('#pf-search-results a')).length > 0, 'file://: search works');
  await disk.page.click('a.pf-switch');
  await disk.page.waitForURL(/en-US\/emr\/assign-roles\.html/);
  await disk.done('file:// pages');
  if (shots) {
    for (const [lang, file, width] of [['en-US', 'en-US/emr/prepare-account.html', 1280], ['zh-CN', 'zh-CN/emr/prepare-account.html', 1280], ['en-US', 'en-US/emr/prepare-account.html', 390], ['zh-CN', 'zh-CN/emr/prepare-account.html', 390]]) {
      await disk.page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
      await disk.page.goto(pathToFileURL(join(docs.site, file)).href);
      await disk.page.waitForTimeout(300);
      await disk.page.screenshot({ path: join(shots, `nav-${lang}-${width}.png`) });
    }
    await disk.page.setViewportSize({ width: 1000, height: 1500 });
    for (const lang of ['en-US', 'zh-CN']) {
      await disk.page.goto(pathToFileURL(join(docs.site, `${lang}/emr/assign-roles.html`)).href);
      await disk.page.check('[id="tick-task_emr_assign_roles.s3.p1.1"]').catch(() => {});
      await disk.page.screenshot({ path: join(shots, `guide-${lang}.png`) });
    }
  }
  await fileContext.close();

  // axe-core on every page: no serious or critical violations.
  const axeContext = await browser.newContext({ bypassCSP: true });
  const axePage = await axeContext.newPage();
  for (const [name, site] of [['docs-src', docs], ['fixtures', fx]]) {
    for (const file of htmlFiles(site.site)) {
      await axePage.goto(site.base + file);
      await axePage.addScriptTag({ path: join(here, 'node_modules/axe-core/axe.min.js') });
      const result = await axePage.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      check(bad.length === 0, `axe ${name} ${file}${bad.length ? `: ${bad.map((v) => `${v.id} (${v.nodes.length})`).join(', ')}` : ''}`);
    }
  }
  await axeContext.close();

  // The Nu HTML Checker on every page as built.
  const files = [docs, fx].flatMap((s) => htmlFiles(s.site).map((f) => join(s.site, f)));
  const vnu = spawnSync('java', ['-jar', join(here, 'node_modules/vnu-jar/build/dist/vnu.jar'), '--errors-only', '--format', 'text', ...files], { encoding: 'utf8', timeout: 180000 });
  const report = `${vnu.stdout}${vnu.stderr}`.trim();
  check(vnu.status === 0, `Nu HTML Checker: ${files.length} pages${vnu.status === 0 ? '' : `\n${report.split(tmp).join('')}`}`);
}

main()
  .catch((e) => { failures += 1; console.error(e); })
  .finally(() => {
    servers.forEach((s) => s.kill('SIGINT'));
    console.log(failures ? `${failures} browser checks failed` : 'all browser checks passed');
    process.exit(failures ? 1 : 0);
  });
