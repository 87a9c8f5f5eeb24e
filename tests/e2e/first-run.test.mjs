// Scenario 1, the first run: create a vault, add keys, search, open, reveal,
// copy, lock, a wrong password, unlock. One app launch, steps in order.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  byTestId,
  closeApp,
  focused,
  gone,
  launchApp,
  readClipboard,
  rowNames,
  screenshot,
  shown,
  storySteps,
  tempDir,
  textOf,
  typeKeys,
  waitForRows,
} from './lib/harness.mjs';

const PASSWORD = 'violet otter harbour quarry 1987!';
const WRONG = 'violet otter harbour quarry 1986!';
const STRIPE = { name: 'stripe-live', service: 'Stripe', env: 'STRIPE_API_KEY', value: 'sk_live_e2e_4f9a8b7c6d5e3f2a' };
const GITHUB = { name: 'github-ci', service: 'GitHub', env: 'GITHUB_TOKEN', value: 'ghp_e2eTokenValue0123456789abcdef' };

describe('first run: create, add, search, reveal, copy, lock, unlock', () => {
  let app = null;
  let tmp;
  let vault;
  const step = storySteps(it, 'first-run', () => app);

  before(async () => {
    tmp = await tempDir('first-run');
    vault = join(tmp.dir, 'vault.db');
    app = await launchApp({ TESSERA_VAULT: vault });
  });

  after(async () => {
    await closeApp(app);
    await tmp?.cleanup();
  });

  const meter = () => app.$(`${byTestId('strength')} [role="meter"]`);

  step('first run shows the create screen with the focus in the password field', async () => {
    await shown(app, 'create-password');
    assert.equal(await focused(app), 'create-password');
    assert.equal(await app.$(byTestId('create-submit')).isEnabled(), false);
    assert.equal(existsSync(vault), false, 'no vault file before Create');
  });

  step('the strength meter reacts to a weak and then a strong password', async () => {
    const pw = await app.$(byTestId('create-password'));
    await pw.setValue('abc');
    const label = await shown(app, 'strength-label');
    await app.waitUntil(async () => ['Very weak', 'Weak'].includes(await label.getText()), {
      timeoutMsg: 'a weak password was not rated weak',
    });
    assert.ok(Number(await (await meter()).getAttribute('aria-valuenow')) <= 1);
    await shown(app, 'create-accept-weak');

    await pw.setValue(PASSWORD);
    await app.waitUntil(async () => Number(await (await meter()).getAttribute('aria-valuenow')) >= 3, {
      timeoutMsg: 'a long passphrase was not rated strong',
    });
    assert.match(await app.$(byTestId('strength-label')).getText(), /^(Strong|Very strong)$/);
    await gone(app, 'create-accept-weak');
  });

  step('the confirmation must match before Create is enabled', async () => {
    const confirm = await app.$(byTestId('create-confirm'));
    await confirm.setValue(`${PASSWORD}x`);
    await shown(app, 'create-mismatch');
    assert.equal(await app.$(byTestId('create-submit')).isEnabled(), false);
    await confirm.setValue(PASSWORD);
    await gone(app, 'create-mismatch');
    await app.$(byTestId('create-submit')).waitForEnabled({ timeoutMsg: 'Create stayed disabled' });
    await screenshot(app, 'create.png');
  });

  step('Create makes the vault file and opens the empty vault', async () => {
    await app.$(byTestId('create-submit')).click();
    await shown(app, 'vault', 30_000);
    await shown(app, 'empty-vault');
    assert.equal(existsSync(vault), true, 'the vault file exists');
    assert.equal(await focused(app), 'search', 'the search box has the focus');
  });

  async function addItem({ kind, name, service, env, value }) {
    await app.$(byTestId('add')).click();
    await shown(app, 'add-dialog');
    assert.equal(await focused(app), 'add-name', 'the dialog focuses the name field');
    if (kind) await app.$(byTestId('add-kind')).selectByAttribute('value', kind);
    await app.$(byTestId('add-name')).setValue(name);
    await app.$(byTestId('add-service')).setValue(service);
    await app.$(byTestId('add-env')).setValue(env);
    await app.$(byTestId('add-value')).setValue(value);
    await app.$(byTestId('add-submit')).click();
    await gone(app, 'add-dialog');
    // The new item opens, and a toast says so.
    await app.waitUntil(async () => (await app.$(byTestId('item-name')).getText().catch(() => '')) === name, {
      timeoutMsg: `${name} did not open after Add`,
    });
    const toasts = await app.$$(byTestId('toast')).map((t) => t.getText());
    assert.ok(
      toasts.some((t) => t.includes(`Added “${name}”`)),
      `an "Added" toast, got ${JSON.stringify(toasts)}`,
    );
  }

  step('an API key added in the dialog appears in the list', async () => {
    await addItem({ ...STRIPE, kind: 'api_key' });
    await waitForRows(app, [STRIPE.name]);
    const row = await textOf(app, `${byTestId('item-row')}[data-name="${STRIPE.name}"]`);
    assert.match(row, /stripe-live/);
    assert.match(row, /Stripe/);
    assert.match(row, /API key/i);
  });

  step('a second item (a token) joins it', async () => {
    await addItem({ ...GITHUB, kind: 'token' });
    await waitForRows(app, [STRIPE.name, GITHUB.name]);
    await app.$('button[aria-label="Close item"]').click();
    await gone(app, 'item-panel');
    await screenshot(app, 'list.png');
  });

  step('the search box filters by name and service, and says when nothing matches', async () => {
    const search = await app.$(byTestId('search'));
    await search.setValue('stripe');
    await waitForRows(app, [STRIPE.name]);
    await search.setValue('GitHub');
    await waitForRows(app, [GITHUB.name]);
    await search.setValue('no-such-thing');
    await shown(app, 'no-results');
    // Escape in the search box clears it.
    await app.keys('Escape');
    await waitForRows(app, [STRIPE.name, GITHUB.name]);
    assert.equal(await search.getValue(), '');
  });

  step(
    'the search box finds an item by its environment variable',
    async () => {
      const search = await app.$(byTestId('search'));
      try {
        await search.setValue('STRIPE_API');
        await waitForRows(app, [STRIPE.name], 3_000);
      } finally {
        // Escape in the search box clears it.
        await search.click();
        await app.keys('Escape');
        await waitForRows(app, [STRIPE.name, GITHUB.name]);
      }
    },
  );

  step('typing with the focus on the list goes to the search box', async () => {
    await app.$(`${byTestId('item-row')}[data-name="${GITHUB.name}"]`).click();
    await shown(app, 'item-panel');
    assert.equal(await focused(app), 'item-list');
    await typeKeys(app, 'str');
    await waitForRows(app, [STRIPE.name]);
    assert.equal(await app.$(byTestId('search')).getValue(), 'str');
    assert.equal(await focused(app), 'search');
    await app.keys('Escape');
    await waitForRows(app, [STRIPE.name, GITHUB.name]);
  });

  step('typing with nothing focused goes to the search box', async () => {
    await app.execute(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
    assert.equal(await focused(app), 'body');
    await typeKeys(app, 'git');
    await waitForRows(app, [GITHUB.name]);
    assert.equal(await app.$(byTestId('search')).getValue(), 'git');
    assert.equal(await focused(app), 'search');
    await app.keys('Escape');
    await waitForRows(app, [STRIPE.name, GITHUB.name]);
  });

  step('the opened item masks its value; Reveal shows it', async () => {
    await app.$(`${byTestId('item-row')}[data-name="${STRIPE.name}"]`).click();
    await app.waitUntil(async () => (await app.$(byTestId('item-name')).getText()) === STRIPE.name, {
      timeoutMsg: 'the Stripe item did not open',
    });
    const panel = await app.$(byTestId('item-panel'));
    assert.match(await panel.getText(), /Stripe/);
    assert.match(await panel.getText(), /STRIPE_API_KEY/);
    const value = await app.$(byTestId('value'));
    assert.ok(!(await value.getText()).includes(STRIPE.value), 'the value is masked');
    assert.ok(!(await app.getPageSource()).includes(STRIPE.value), 'the value is nowhere in the page');

    await app.$(byTestId('reveal')).click();
    await app.waitUntil(async () => (await value.getText()).trim() === STRIPE.value, {
      timeoutMsg: 'Reveal did not show the value',
    });
    assert.equal(await app.$(byTestId('reveal')).getAttribute('aria-pressed'), 'true');
    await shown(app, 'version'); // the value history has loaded
    await screenshot(app, 'item.png');
  });

  step('Copy puts the value on the clipboard and says so', async (t) => {
    await app.$(byTestId('copy')).click();
    await app.waitUntil(
      async () => (await app.$$(byTestId('toast')).map((e) => e.getText())).some((s) => /^Copied; clears in \d+ s/.test(s)),
      { timeoutMsg: 'no "Copied" toast' },
    );
    let clip = await readClipboard();
    if (clip === null) {
      t.diagnostic('xclip is not installed: the clipboard was not checked');
      return;
    }
    for (let i = 0; i < 20 && clip !== STRIPE.value; i++) {
      await sleep(100);
      clip = await readClipboard();
    }
    assert.equal(clip, STRIPE.value, 'the X clipboard holds the value');
  });

  step('Lock shows the lock screen and leaves no item in the page', async () => {
    await app.$(byTestId('lock')).click();
    await shown(app, 'unlock-password');
    await gone(app, 'vault');
    assert.equal(await focused(app), 'unlock-password');
    const source = await app.getPageSource();
    for (const secret of [STRIPE, GITHUB]) {
      for (const text of [secret.name, secret.service, secret.env, secret.value]) {
        assert.ok(!source.includes(text), `"${text}" is still in the page after Lock`);
      }
    }
    // The real Secret Service (gnome-keyring) is reachable: no "no keyring" notice.
    assert.equal(await app.$(byTestId('no-keyring')).isExisting(), false, 'the app found no OS keyring');
    await screenshot(app, 'lock.png');
  });

  step('a wrong password: the error shows, the field keeps the focus and the text', async () => {
    const pw = await app.$(byTestId('unlock-password'));
    await pw.setValue(WRONG);
    await app.$(byTestId('unlock-submit')).click();
    const error = await shown(app, 'unlock-error');
    assert.notEqual((await error.getText()).trim(), '');
    await app.$(byTestId('unlock-submit')).waitForEnabled();
    assert.equal(await focused(app), 'unlock-password');
    assert.equal(await pw.getValue(), WRONG);
    assert.equal(await pw.getAttribute('aria-invalid'), 'true');
    const selection = await app.execute(() => {
      const el = document.activeElement;
      return el instanceof HTMLInputElement ? [el.selectionStart, el.selectionEnd] : null;
    });
    assert.deepEqual(selection, [0, WRONG.length], 'the typed text is selected for a retype');
    await screenshot(app, 'lock-wrong-password.png');
  });

  step('the right password (typed over the selection, Enter) unlocks; the items are still there', async () => {
    await typeKeys(app, PASSWORD);
    assert.equal(await app.$(byTestId('unlock-password')).getValue(), PASSWORD, 'typing replaced the selection');
    await app.keys('Enter');
    await shown(app, 'vault', 30_000);
    await gone(app, 'unlock-password');
    await waitForRows(app, [STRIPE.name, GITHUB.name]);
    assert.deepEqual((await rowNames(app)).length, 2);
  });
});
