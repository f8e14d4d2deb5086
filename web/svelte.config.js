import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The express server mounts build/handler.js, so API and web share one port.
    adapter: adapter({ out: 'build' }),
    // The API leaves the page CSP to us (api/src/http/security-headers.ts): scripts only from this origin plus the
    // hashed inline bootstrap, so even text that slipped into markup could not run.
    // Mounted in express without ORIGIN/PROTOCOL_HEADER, adapter-node takes every request for https, so its built-in
    // origin check would refuse our own forms on plain http. hooks.server.ts checks the origin against the Host instead.
    csrf: { trustedOrigins: ['*'] },
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
