import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { t } from '../src/lib/i18n';
import { emitEvent, makeItems } from './backend';
import { renderUnlocked } from './helpers';

describe('import', () => {
  test('reads the file as text, shows progress, then the report', async () => {
    const { backend } = await renderUnlocked(makeItems(1));
    let finish: (v: unknown) => void = () => undefined;
    backend.on('import_items', () => new Promise((resolve) => (finish = resolve)));

    await fireEvent.click(screen.getByTestId('import'));
    const dialog = await screen.findByRole('dialog');
    await fireEvent.change(within(dialog).getByTestId('import-format'), { target: { value: 'dotenv' } });
    const file = new File(['A_KEY=1\nB_KEY=2\n'], '.env', { type: 'text/plain' });
    await fireEvent.change(within(dialog).getByTestId('import-file'), { target: { files: [file] } });
    await fireEvent.click(within(dialog).getByTestId('import-submit'));

    const call = await backend.waitForCall('import_items');
    expect(call.args).toEqual({ format: 'dotenv', contents: 'A_KEY=1\nB_KEY=2\n' });

    await emitEvent('import-progress', { done: 1, total: 2 });
    await waitFor(() =>
      expect(within(dialog).getByText(t('import.progress', { done: 1, total: 2, percent: 50 }))).toBeTruthy(),
    );
    expect((within(dialog).getByTestId('import-progress') as HTMLProgressElement).value).toBe(1);

    finish({ imported: 1, skipped: [{ record: 'line 2', reason: 'duplicate' }], renamed: [['a', 'a-2']] });
    const report = await within(dialog).findByTestId('import-report');
    expect(report.textContent).toContain(t('import.imported', { count: 1 }));
    expect(report.textContent).toContain('line 2');
    expect(report.textContent).toContain('duplicate');
    expect(report.textContent).toContain(t('import.renamed_row', { from: 'a', to: 'a-2' }));
  });

  test('an invalid file shows the backend reason', async () => {
    const { backend } = await renderUnlocked(makeItems(1));
    backend.on('import_items', () => {
      throw { code: 'import.invalid', message: 'cannot import: not a Bitwarden export' };
    });
    await fireEvent.click(screen.getByTestId('import'));
    const dialog = await screen.findByRole('dialog');
    await fireEvent.change(within(dialog).getByTestId('import-format'), { target: { value: 'bitwarden' } });
    const file = new File(['{}'], 'x.json');
    await fireEvent.change(within(dialog).getByTestId('import-file'), { target: { files: [file] } });
    await fireEvent.click(within(dialog).getByTestId('import-submit'));
    expect(await within(dialog).findByText('cannot import: not a Bitwarden export')).toBeTruthy();
  });
});
