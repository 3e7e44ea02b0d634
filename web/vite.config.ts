import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // `vite --config web/vite.config.ts` for hot reload against a running `npm start`.
  server: { port: 5173, proxy: { '/api': 'http://localhost:3000' } },
});
