/** The dashboard page's entry point (bundled by ../build.mjs into /assets/app.js). */
import { render } from 'preact';
import { App } from './app';
import './style.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
