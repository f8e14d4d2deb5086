import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The express server mounts build/handler.js, so API and web share one port.
    adapter: adapter({ out: 'build' }),
  },
};
