import { defineConfig } from 'vitest/config';

// The console is served by the gateway at /admin/; Maven packs target/classes/kvasir-admin into the admin-ui jar.
export default defineConfig({
  base: '/admin/',
  build: {
    outDir: '../../../target/classes/kvasir-admin',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
