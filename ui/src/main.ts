import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { t } from './lib/i18n';

document.title = t('app.name');

// `VITE_MOCK_BACKEND=1 npm run dev` runs the UI in a browser against a fake
// backend, and so does the a11y build (`vite build --mode a11y`, into
// dist-a11y, for the axe-core checks); the production build drops this
// branch entirely.
if ((import.meta.env.DEV || import.meta.env.MODE === 'a11y') && import.meta.env.VITE_MOCK_BACKEND === '1') {
  await import('./dev/mockBackend');
}

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
