// SARIF from `preflight sync` against the SARIF 2.1.0 JSON Schema (the copy Microsoft ships
// in @microsoft/jest-sarif, validated with the ajv that package brings): the whole report and
// the pull-request report of `--since`, on a small git repository with drift and a stale step.
// Usage (from the repository root): node tests/browser/sarif.mjs
// Environment: PREFLIGHT (the binary, default target/release/preflight).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

const root = resolve(new URL('../..', import.meta.url).pathname);
// Resolved against the repository root: the commands run inside a temporary repository.
const preflight = resolve(root, process.env.PREFLIGHT || 'target/release/preflight');
let failures = 0;
let passes = 0;
function check(ok, what) {
  if (ok) { passes += 1; console.log(`ok    ${what}`); } else { failures += 1; console.log(`FAIL  ${what}`); }
}

const ajv = new Ajv({ schemaId: 'auto', allErrors: true, unknownFormats: 'ignore' });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
const validate = ajv.compile(schema);

// A project in git: both pages committed, then the en-US step rewritten and a zh-CN step added.
const repo = mkdtempSync(join(tmpdir(), 'preflight-sarif-'));
const git = (args, date) => {
  const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  const r = spawnSync('git', ['-c', 'user.name=Docs', '-c', 'user.email=docs@example.invalid', ...args], { cwd: repo, env });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
};
const write = (rel, text) => {
  mkdirSync(join(repo, rel, '..'), { recursive: true });
  writeFileSync(join(repo, rel), text);
};
write('en-US/user.md', '# Create a user\n\n1.  Open the console.\n\n2.  Click **Create User**.\n');
write('zh-CN/user.md', '# 创建用户\n\n1.  打开控制台。\n\n2.  单击**创建用户**。\n');
git(['init', '-q'], '2026-01-01T00:00:00Z');
git(['add', '.'], '2026-01-01T00:00:00Z');
git(['commit', '-q', '-m', 'both pages'], '2026-01-01T00:00:00Z');
write('en-US/user.md', '# Create a user\n\n1.  Sign in to the RAM console with your account.\n\n2.  Click **Create User**.\n');
write('zh-CN/user.md', '# 创建用户\n\n1.  打开控制台。\n\n2.  单击**创建用户**。\n\n3.  单击**确定**。\n');
git(['add', '.'], '2026-02-01T00:00:00Z');
git(['commit', '-q', '-m', 'rewrite the first step; zh adds one'], '2026-02-01T00:00:00Z');

for (const args of [['sync', '--format', 'sarif'], ['sync', '--format', 'sarif', '--since', 'HEAD~1']]) {
  const r = spawnSync(preflight, args, { cwd: repo, encoding: 'utf8' });
  let log = null;
  try { log = JSON.parse(r.stdout); } catch (e) { /* reported below */ }
  check(log !== null && r.status === 1, `${args.join(' ')}: a SARIF log, exit 1 (got ${r.status}${r.error ? `: ${r.error.message}` : ''})`);
  if (!log) continue;
  const ok = validate(log);
  check(ok, `${args.join(' ')}: valid against the SARIF 2.1.0 schema${ok ? '' : `: ${ajv.errorsText(validate.errors)}`}`);
  const codes = new Set(log.runs[0].results.map((x) => x.ruleId));
  check(codes.has('sync::stale-step') && codes.has('sync::extra-step'), `${args.join(' ')}: reports the stale and the extra step (${[...codes].join(', ')})`);
}

console.log(`sarif: ${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
