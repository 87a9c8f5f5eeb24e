// What every end-to-end test needs: start the real Tessera binary under
// tauri-driver (WebKitWebDriver), each launch with its own environment
// (vault path, idle limit, GTK theme), drive the real CLI, take screenshots,
// read the X clipboard, and make sure no app process outlives its test.
//
// scripts/e2e.sh builds everything and sets these variables:
//   TESSERA_E2E_APP     the desktop binary (built with --features custom-protocol)
//   TESSERA_E2E_CLI     the `tessera` binary
//   TESSERA_E2E_DRIVER  tauri-driver's port (default 4444)
//   TESSERA_E2E_SHOTS   where screenshots go
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { remote } from 'webdriverio';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the end-to-end tests with scripts/e2e.sh`);
  return v;
}

export const APP = required('TESSERA_E2E_APP');
export const CLI = required('TESSERA_E2E_CLI');
export const SHOTS = required('TESSERA_E2E_SHOTS');
const DRIVER_PORT = Number(process.env.TESSERA_E2E_DRIVER ?? 4444);

/** Every wait in the tests is bounded; an Argon2 unlock takes about a second. */
export const WAIT_MS = 15_000;

/** A fresh directory for one test file's vault; removed by the returned cleanup. */
export async function tempDir(prefix) {
  const dir = await mkdtemp(join(tmpdir(), `tessera-e2e-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the CLI; resolves with stdout, rejects with its stderr on a non-zero exit. */
export function cli(args, { stdin = '', env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      CLI,
      args,
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`tessera ${args.join(' ')} failed (${err.code}): ${stderr.trim()}`));
        else resolve(stdout);
      },
    );
    // A command that does not read its input may exit before we finish
    // writing it: that EPIPE is not the command's failure.
    child.stdin.on('error', (e) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    child.stdin.end(stdin);
  });
}

/**
 * A vault made by the CLI with the cheapest KDF the core accepts, so that
 * the tests which are not about creating a vault unlock in milliseconds.
 */
export async function cliVault(dir, password) {
  const vault = join(dir, 'vault.db');
  const pwfile = join(dir, 'password');
  await writeFile(pwfile, password, { mode: 0o600 });
  await cli([
    '--vault', vault, '--password-file', pwfile, 'init',
    '--kdf-memory-mib', '19', '--kdf-iterations', '2', '--kdf-parallelism', '1',
  ]);
  return { vault, pwfile };
}

/** Pids of the app processes started with this vault (there should be at most one). */
export async function appPids(vault) {
  const pids = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readlink(`/proc/${entry}/exe`)) !== APP) continue;
      const environ = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0');
      if (environ.includes(`TESSERA_VAULT=${vault}`)) pids.push(Number(entry));
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return pids;
}

/**
 * Starts the app with `env` added to its environment and opens a WebDriver
 * session on its window. tauri-driver starts `application` with `args`, and
 * the app inherits the driver's environment: so the application is env(1),
 * which sets this launch's variables and then execs the real binary.
 */
export async function launchApp(env) {
  if (!env.TESSERA_VAULT) throw new Error('launchApp needs TESSERA_VAULT');
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const browser = await remote({
    hostname: '127.0.0.1',
    port: DRIVER_PORT,
    logLevel: 'warn',
    connectionRetryCount: 0,
    connectionRetryTimeout: 60_000,
    waitforTimeout: WAIT_MS,
    capabilities: {
      browserName: 'wry',
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: '/usr/bin/env', args: [...assignments, APP] },
    },
  });
  browser.tesseraVault = env.TESSERA_VAULT;
  return browser;
}

/**
 * Ends the session and waits for the app to be gone (the single-instance
 * plugin would hand the next launch over to a straggler). A process that
 * does not leave within 5 s is killed, by its pid.
 */
export async function closeApp(browser) {
  if (!browser) return;
  const vault = browser.tesseraVault;
  try {
    await browser.deleteSession();
  } catch {
    // The app may have gone already; the pid check below is what counts.
  }
  const deadline = Date.now() + 5_000;
  let pids = await appPids(vault);
  while (pids.length > 0 && Date.now() < deadline) {
    await sleep(100);
    pids = await appPids(vault);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export const byTestId = (id) => `[data-testid="${id}"]`;

/** The elements with this data-testid, once at least one is displayed. */
export async function shown(browser, id, timeout = WAIT_MS) {
  const el = await browser.$(byTestId(id));
  await el.waitForDisplayed({ timeout, timeoutMsg: `[data-testid="${id}"] was not shown within ${timeout} ms` });
  return el;
}

export async function gone(browser, id, timeout = WAIT_MS) {
  await browser.$(byTestId(id)).waitForExist({
    reverse: true,
    timeout,
    timeoutMsg: `[data-testid="${id}"] was still there after ${timeout} ms`,
  });
}

/** The names of the rows the list shows, in order. */
export async function rowNames(browser) {
  return browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="item-row"]')).map((r) => r.getAttribute('data-name')),
  );
}

/** Waits until the list shows exactly these names (order ignored). */
export async function waitForRows(browser, expected, timeout = WAIT_MS) {
  const want = [...expected].sort();
  let last = [];
  await browser.waitUntil(
    async () => {
      last = (await rowNames(browser)).sort();
      return JSON.stringify(last) === JSON.stringify(want);
    },
    { timeout, interval: 100, timeoutMsg: `rows never became ${JSON.stringify(want)}` },
  ).catch((e) => {
    throw new Error(`${e.message}; last seen ${JSON.stringify(last)}`);
  });
}

/** data-testid (or tag) of the focused element. */
export async function focused(browser) {
  return browser.execute(() => {
    const el = document.activeElement;
    if (!el) return null;
    return el.getAttribute('data-testid') ?? el.tagName.toLowerCase();
  });
}

/**
 * Types with real key events into whatever has the focus, one key down and
 * up per character. (browser.keys() presses all its keys before releasing
 * any: a chord, which drops repeated letters.)
 */
export async function typeKeys(browser, text) {
  const keys = browser.action('key');
  for (const ch of text) keys.down(ch).up(ch);
  await keys.perform();
}

/** Resolves after the page has painted twice (or 1 s, whichever is first). */
export async function painted(browser) {
  await browser.execute(
    () =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, 1000);
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            clearTimeout(timer);
            resolve();
          }),
        );
      }),
  );
}

export async function screenshot(browser, name) {
  const path = join(SHOTS, name);
  await painted(browser);
  await browser.saveScreenshot(path);
  return path;
}

/** The X clipboard, or null when xclip is not installed. */
export function readClipboard() {
  return new Promise((resolve) => {
    const child = spawn('xclip', ['-o', '-selection', 'clipboard'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? out : '');
    });
  });
}

/**
 * `it` for steps of one story: once a step fails the later ones are skipped
 * (they would only fail for the same reason), and the window at the moment
 * of the failure is saved as FAILED-<story>-<step>.png. A step given
 * `{ todo: 'why' }` documents a known app bug: it runs, its failure is
 * reported as TODO and does not stop the story (it must leave the window
 * as it found it, pass or fail).
 */
export function storySteps(it, story, getBrowser) {
  let failedStep = null;
  return (name, fn, { todo } = {}) =>
    it(name, { todo }, async (t) => {
      if (failedStep !== null) {
        t.skip(`skipped: "${failedStep}" failed`);
        return;
      }
      try {
        await fn(t);
      } catch (e) {
        const browser = getBrowser();
        if (!todo) {
          failedStep = name;
          if (browser) {
            const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
            await screenshot(browser, `FAILED-${story}-${slug}.png`).catch(() => undefined);
          }
        }
        throw e;
      }
    });
}

/**
 * An element's textContent. (WebKitWebDriver's "visible text" misses the
 * text of the list rows, which are absolutely placed inside a contained box.)
 */
export async function textOf(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? null, selector);
}
