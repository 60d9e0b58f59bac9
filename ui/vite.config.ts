import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a running server (SHARPFLOW_URL, default the server's default address).
const server = process.env.SHARPFLOW_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  // Relative URLs: the server serves index.html at `<static-prefix>/` with a <base> naming that root, so one build
  // works under any --static-prefix. Assets go under static-files/, MLflow's static route.
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'static-files/assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/ajax-api': server, '/api': server, '/get-artifact': server },
  },
});
