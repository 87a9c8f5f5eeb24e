// The desktop app's performance targets, measured on the release build in
// the same session the end-to-end tests use (Xvfb, D-Bus, tauri-driver):
//
//   1. cold start to an interactive lock screen (hyperfine over a build
//      that exits when its first screen is painted: TESSERA_EXIT_WHEN_READY);
//   2. search keystroke to updated list with 10,000 items;
//   3. idle memory of all the app's processes with 10,000 items unlocked;
//   4. the release binaries' sizes;
//   5. beside 1 and 3, the same for the smallest Tauri app
//      (benches/tauri-baseline, $BASELINE_APP): the floor Tauri and
//      WebKitGTK set on this machine, timed in the same hyperfine run.
//
// Run by scripts/bench/app.sh, which builds the release binaries and stages
// them; prints a summary and writes it as JSON to $BENCH_OUT.
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { APP, CLI, byTestId, cli, closeApp, launchApp, screenshot, shown, tempDir, appPids } from '../lib/harness.mjs';

const run = promisify(execFile);
const N = Number(process.env.BENCH_ITEMS ?? 10_000);
const BASELINE = process.env.BASELINE_APP ?? '';
const PASSWORD = 'bench password for the app';
const out = {};

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: at(0.5), p95: at(0.95), min: s[0], max: s[s.length - 1] };
}

async function makeVault(dir) {
  const vault = join(dir, 'vault.db');
  const pwfile = join(dir, 'password');
  await writeFile(pwfile, PASSWORD, { mode: 0o600 });
  let env = '';
  for (let i = 1; i <= N; i++) {
    env += `KEY_${String(i).padStart(6, '0')}=sk_live_${(i * 2654435761).toString(16).padStart(12, '0')}\n`;
  }
  await writeFile(join(dir, 'items.env'), env, { mode: 0o600 });
  await cli(['--vault', vault, '--password-file', pwfile, 'init',
    '--kdf-memory-mib', '19', '--kdf-iterations', '2', '--kdf-parallelism', '1']);
  await cli(['--vault', vault, '--password-file', pwfile, 'import', 'dotenv', join(dir, 'items.env')]);
  return vault;
}

async function coldStart(vault, dir) {
  const json = join(dir, 'cold.json');
  // env(1) sets the variables and execs the app: no shell in the timing.
  // One hyperfine run for both apps, so the ratio holds on a noisy machine.
  const commands = [`env TESSERA_VAULT=${vault} TESSERA_EXIT_WHEN_READY=1 ${APP}`];
  if (BASELINE) commands.push(`env BASELINE_EXIT_WHEN_READY=1 ${BASELINE}`);
  await run('hyperfine', [
    '--warmup', '3', '--runs', process.env.BENCH_RUNS ?? '30', '-N', '--export-json', json, ...commands,
  ], { maxBuffer: 1 << 24 });
  const ms = (x) => Math.round(x * 1000 * 10) / 10;
  const figures = (r) => ({ mean: ms(r.mean), stddev: ms(r.stddev), median: ms(r.median), min: ms(r.min), max: ms(r.max), runs: r.times.length });
  const [tessera, baseline] = JSON.parse(await readFile(json, 'utf8')).results;
  out.cold_start_ms = figures(tessera);
  if (baseline) out.baseline_cold_start_ms = figures(baseline);
}

/**
 * Idle memory of an app started directly (not through the WebDriver, whose
 * automation session adds its own): started, left alone, measured, killed.
 */
async function idleMemoryOf(command, env) {
  const child = spawn(command, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    await sleep(Number(process.env.BENCH_IDLE_MS ?? 15_000));
    if (child.exitCode !== null) throw new Error(`${command} exited early (${child.exitCode})`);
    return await memory(child.pid);
  } finally {
    for (const p of (await processTree(child.pid)).reverse()) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
  }
}

/**
 * One keystroke: the search box gets its new text and an input event, as
 * typing does. Two times come back: when the list's DOM shows the matching
 * rows (a MutationObserver sees it), and when the next frame after that has
 * been painted (requestAnimationFrame: the next frame, at 60 Hz under Xvfb).
 */
async function keystroke(browser, text) {
  return browser.execute(async (text) => {
    const input = document.querySelector('[data-testid="search"]');
    const first = () => document.querySelector('[data-testid="item-row"]')?.getAttribute('data-name') ?? '';
    const list = document.querySelector('[data-testid="vault"]');
    const t0 = performance.now();
    const dom = new Promise((resolve, reject) => {
      const done = () => {
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      };
      const observer = new MutationObserver(() => {
        if (first().includes(text)) done();
      });
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`no rows for ${text}`));
      }, 5000);
      observer.observe(list, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const t1 = await dom;
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    return { dom: t1 - t0, painted: performance.now() - t0 };
  }, text);
}

/** The app's pid and every process below it (WebKit's web and network processes). */
async function processTree(root) {
  const parents = new Map();
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = await readFile(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(e), ppid);
    } catch {
      // Gone.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

async function memory(pid) {
  let rssKiB = 0;
  let pssKiB = 0;
  const procs = [];
  for (const p of await processTree(pid)) {
    try {
      const status = await readFile(`/proc/${p}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? '?';
      const rollup = await readFile(`/proc/${p}/smaps_rollup`, 'utf8');
      const pss = Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 0);
      rssKiB += rss;
      pssKiB += pss;
      procs.push({ pid: p, name, rss_mib: Math.round(rss / 102.4) / 10 });
    } catch {
      // Gone.
    }
  }
  return { rss_mib: Math.round(rssKiB / 102.4) / 10, pss_mib: Math.round(pssKiB / 102.4) / 10, processes: procs };
}

async function sizes() {
  const size = async (p) => Math.round(((await stat(p)).size / 1048576) * 10) / 10;
  out.binary_mib = { app: await size(APP), cli: await size(CLI) };
  for (const [name, path] of [['app', APP], ['cli', CLI]]) {
    const stripped = `${path}.stripped`;
    await run('strip', ['-o', stripped, path]);
    out.binary_mib[`${name}_stripped`] = await size(stripped);
  }
}

const tmp = await tempDir('bench');
let browser = null;
try {
  const started = Date.now();
  const vault = await makeVault(tmp.dir);
  console.log(`vault of ${N} items made in ${Date.now() - started} ms`);
  await coldStart(vault, tmp.dir);
  console.log('cold start', out.cold_start_ms);
  if (BASELINE) {
    console.log('baseline cold start', out.baseline_cold_start_ms);
    out.baseline_idle_memory = await idleMemoryOf(BASELINE, {});
    console.log('baseline idle memory', out.baseline_idle_memory);
    out.lock_screen_memory_direct = await idleMemoryOf(APP, { TESSERA_VAULT: vault });
    console.log('lock screen memory, started directly', out.lock_screen_memory_direct);
  }

  browser = await launchApp({ TESSERA_VAULT: vault });
  const unlockField = await shown(browser, 'unlock-password');
  // The floor WebKitGTK sets: the same processes at the lock screen.
  await sleep(Number(process.env.BENCH_IDLE_MS ?? 15_000));
  out.lock_screen_memory = await memory((await appPids(vault))[0]);
  console.log('lock screen memory', out.lock_screen_memory);
  await unlockField.setValue(PASSWORD);
  await browser.keys('Enter');
  await shown(browser, 'vault');
  await browser.waitUntil(async () => (await browser.$$(byTestId('item-row'))).length > 5, { timeout: 30_000 });
  // Warm up (first search compiles code paths), then 40 keystrokes whose
  // results all differ: KEY_0010 .. KEY_0049 match 100 items each.
  for (const q of ['KEY_0001', 'KEY_0002', 'KEY_0003']) await keystroke(browser, q);
  const samples = [];
  for (let i = 10; i < 50; i++) samples.push(await keystroke(browser, `KEY_00${i}`));
  const round = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  out.keystroke_ms = {
    dom_updated: round(stats(samples.map((s) => s.dom))),
    painted: round(stats(samples.map((s) => s.painted))),
  };
  console.log('keystroke', out.keystroke_ms);
  // Back to the whole list, then idle.
  await keystroke(browser, 'KEY_');
  await screenshot(browser, 'bench-10k-list.png');
  await sleep(Number(process.env.BENCH_IDLE_MS ?? 15_000));
  const [pid] = await appPids(vault);
  out.idle_memory = await memory(pid);
  console.log('idle memory', out.idle_memory);
  await sizes();
  console.log('binaries (MiB)', out.binary_mib);
  if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, JSON.stringify(out, null, 2));
} finally {
  await closeApp(browser);
  await tmp.cleanup();
}
