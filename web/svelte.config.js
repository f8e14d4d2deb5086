import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The express server mounts build/handler.js, so API and web share one port.
    adapter: adapter({ out: 'build' }),
    // The API leaves the page CSP to us (api/src/http/security-headers.ts): scripts only from this origin plus the
    // inline bootstrap, so even text that slipped into markup could not run. 'auto': a fresh nonce per response on
    // server-rendered pages, hashes on prerendered ones. Hashes alone blocked the scripts SvelteKit streams after the
    // head is sent (a load's promise resolving late, as the Schema Explorer's access snapshot does): their content is
    // not known when the header goes out; the nonce is.
    // SvelteKit's own CSRF check stays on: a form posted with an Origin other than this server's answers 403. The
    // express server tells adapter-node the real scheme and host (importWebHandler/withExpressOrigin in api/src/server/web-handler.ts).
    csp: {
      mode: 'auto',
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
