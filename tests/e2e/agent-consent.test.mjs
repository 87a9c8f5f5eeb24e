// Scenario: the running app serves the agent socket. `tessera get` with the
// app unlocked needs no password; the program's first request is asked
// about in the window; "Always" is stored and listed under Access, where it
// can be revoked; `tessera lock` locks the window.
import assert from 'node:assert/strict';
import { realpath } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  byTestId,
  cli,
  cliVault,
  closeApp,
  gone,
  launchApp,
  screenshot,
  shown,
  storySteps,
  tempDir,
} from './lib/harness.mjs';

const PASSWORD = 'agent consent passphrase, not for real use';
const VALUE = 'sk_live_AGENT_e2e_5d1f0c';

describe('the app serves the agent and asks consent in its window', () => {
  let app = null;
  let tmp;
  let vault;
  let pwfile;
  const step = storySteps(it, 'agent-consent', () => app);
  // No password file: only the app's unlocked vault can answer.
  const get = () => cli(['--vault', vault, 'get', 'stripe']);

  before(async () => {
    tmp = await tempDir('agent');
    ({ vault, pwfile } = await cliVault(tmp.dir, PASSWORD));
    await cli(['--vault', vault, '--password-file', pwfile, 'add', 'api-key', 'stripe', '--value-stdin'], {
      stdin: VALUE,
    });
    app = await launchApp({ TESSERA_VAULT: vault });
  });

  after(async () => {
    await closeApp(app);
    await tmp?.cleanup();
  });

  step('unlocked in the app', async () => {
    await (await shown(app, 'unlock-password')).setValue(PASSWORD);
    await app.keys('Enter');
    await shown(app, 'vault');
  });

  step('`tessera get` is asked about in the window; "Allow once" gives the value', async () => {
    const reading = get();
    const prompt = await shown(app, 'consent-prompt');
    const program = await app.$(byTestId('consent-program')).getText();
    assert.equal(program, await realpath(process.execPath), 'the program that ran tessera (node)');
    assert.match(await app.$(byTestId('consent-items')).getText(), /stripe/);
    await screenshot(app, 'consent-prompt.png');
    await (await prompt.$(byTestId('consent-once'))).click();
    assert.equal((await reading).trim(), VALUE);
    await gone(app, 'consent-prompt');
  });

  step('"Deny" is refused with consent.denied; nothing leaves the vault', async () => {
    const reading = get().then(
      () => assert.fail('a denied read succeeded'),
      (e) => e,
    );
    await (await shown(app, 'consent-deny')).click();
    const e = await reading;
    assert.match(e.message, /consent\.denied/);
    assert.doesNotMatch(e.message, new RegExp(VALUE));
  });

  step('the denial is listed under Access and revoked there', async () => {
    await (await shown(app, 'access')).click();
    await shown(app, 'access-dialog');
    assert.match(await app.$(byTestId('agent-state')).getText(), /agent-/);
    const row = await shown(app, 'grant');
    assert.match(await row.getText(), /stripe/);
    await screenshot(app, 'access-screen.png');
    await (await row.$(byTestId('revoke'))).click();
    await shown(app, 'access-empty');
    await app.keys('Escape');
    await gone(app, 'access-dialog');
  });

  step('"Always allow" is stored: the next read is not asked about', async () => {
    const first = get();
    await (await shown(app, 'consent-always')).click();
    assert.equal((await first).trim(), VALUE);
    await gone(app, 'consent-prompt');
    assert.equal((await get()).trim(), VALUE);
    assert.equal(await app.$(byTestId('consent-prompt')).isExisting(), false);
  });

  step('a key the CLI adds already expired shows on the Health badge and dashboard', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await cli(['--vault', vault, '--password-file', pwfile, 'add', 'api-key', 'old-key', '--expires', yesterday, '--value-stdin'], {
      stdin: 'sk_live_old_e2e_value_93ac',
    });
    const badge = await shown(app, 'health-badge');
    assert.equal(await badge.getText(), '1');
    await (await shown(app, 'health')).click();
    const item = await shown(app, 'health-item');
    assert.equal(await item.getAttribute('data-name'), 'old-key');
    assert.equal(await (await item.$(byTestId('finding'))).getAttribute('data-problem'), 'expired');
    await screenshot(app, 'health-dashboard.png');
    await app.keys('Escape');
    await gone(app, 'health-dialog');
  });

  step('`tessera lock` locks the window', async () => {
    await cli(['--vault', vault, 'lock']);
    await shown(app, 'unlock-password');
    assert.match(await app.$('main').getText(), /command line/);
  });
});
