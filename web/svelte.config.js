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
    // SvelteKit's own CSRF check stays on: a form posted with an Origin other than this server's answers 403. The
    // express server tells adapter-node the real scheme and host (importWebHandler/withExpressOrigin in api/src/server/web-handler.ts).
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
