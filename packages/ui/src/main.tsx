import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Order matters: tokens and controls first, then what builds on them.
import './styles/base.css';
import './styles/components.css';
import './styles/pages.css';
import './styles/timeline.css';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
