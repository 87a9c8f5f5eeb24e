// Scenario 4: the UI follows prefers-color-scheme. Started with a dark GTK
// theme (GTK_THEME=Adwaita:dark), WebKitGTK reports a dark preference and
// the app draws its dark palette: screenshots dark-lock.png, dark-list.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  byTestId,
  cli,
  cliVault,
  closeApp,
  launchApp,
  screenshot,
  shown,
  storySteps,
  tempDir,
  waitForRows,
} from './lib/harness.mjs';

const PASSWORD = 'dark test passphrase, not for real use';
const DARK_BG = 'rgb(20, 22, 25)'; // --bg of the dark palette in ui/src/app.css

function isoDate(daysFromNow) {
  return new Date(Date.now() + daysFromNow * 86_400_000).toISOString().slice(0, 10);
}

describe('dark theme', () => {
  let app = null;
  let tmp;
  const step = storySteps(it, 'dark-theme', () => app);

  before(async () => {
    tmp = await tempDir('dark');
    const { vault, pwfile } = await cliVault(tmp.dir, PASSWORD);
    const add = (args, value) => cli(['--vault', vault, '--password-file', pwfile, 'add', ...args, '--value-stdin'], { stdin: value });
    await add(['api-key', 'openai-prod', '--service', 'OpenAI', '--env', 'OPENAI_API_KEY', '--tag', 'ai', '--expires', isoDate(12)], 'sk-e2e-1');
    await add(['api-key', 'stripe-live', '--service', 'Stripe', '--env', 'STRIPE_API_KEY', '--tag', 'payments'], 'sk-e2e-2');
    await add(['token', 'github-ci', '--service', 'GitHub', '--env', 'GITHUB_TOKEN', '--expires', isoDate(-3)], 'ghp-e2e-3');
    await add(['secret', 'a-very-long-item-name-that-might-not-fit-in-the-list-column-at-all', '--service', 'A service with a rather long name as well'], 'x');
    app = await launchApp({ TESSERA_VAULT: vault, GTK_THEME: 'Adwaita:dark' });
  });

  after(async () => {
    await closeApp(app);
    await tmp?.cleanup();
  });

  step('with a dark GTK theme the page prefers dark and paints the dark palette', async () => {
    await shown(app, 'unlock-password');
    const dark = await app.execute(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
    assert.equal(dark, true, 'WebKitGTK did not report prefers-color-scheme: dark');
    const bg = await app.execute(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, DARK_BG);
    await screenshot(app, 'dark-lock.png');
  });

  step('the unlocked list, dark', async () => {
    await app.$(byTestId('unlock-password')).setValue(PASSWORD);
    await app.keys('Enter');
    await shown(app, 'vault');
    await waitForRows(app, [
      'openai-prod',
      'stripe-live',
      'github-ci',
      'a-very-long-item-name-that-might-not-fit-in-the-list-column-at-all',
    ]);
    await screenshot(app, 'dark-list.png');
    await app.$(`${byTestId('item-row')}[data-name="openai-prod"]`).click();
    await shown(app, 'item-panel');
    await shown(app, 'version'); // the value history has loaded
    await screenshot(app, 'dark-item.png');
  });
});
