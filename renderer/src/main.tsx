import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/client';
import { App } from './App';
import { useApp } from './stores/appStore';
import './styles.css';

const rootElement = document.getElementById('root');
if (rootElement) {
  void useApp.getState().init(createClient());
  createRoot(rootElement).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
