import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/trpc': api, '/v1': api, '/api': api, '/healthz': api },
  },
  build: { outDir: 'dist', sourcemap: true },
});
