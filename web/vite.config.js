// Builds the dashboard into web/dist: plain static files that `medallion
// serve --static-dir web/dist` hands out. No Node at run time.
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the files work from any mount point.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts is most of the bundle; one file keeps serving trivial.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a running `medallion serve` on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
