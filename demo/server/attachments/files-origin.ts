/**
 * The separate origin uploaded files are served from (extensions.md §7). A file that a browser
 * could be tricked into rendering (an HTML page in a PNG's clothes, a PDF with script) then runs
 * on an origin that holds no session, no console and no API, as the large vendors keep user
 * content on its own domain. `FILES_ORIGIN` names it behind a proxy (ideally another registrable
 * domain); otherwise it is the API's own host on `FILES_PORT`, a different origin by port.
 */

/** Where the files server is reached from a client that called the API on `apiOrigin`. */
export interface FilesOrigin {
  /** The files origin (`scheme://host:port`, no path) for a request made to `apiOrigin`. */
  originFor(apiOrigin: string): string;
  /** The files server's real port, once it listens (port 0 picks a free one). */
  setPort(port: number): void;
  /** The port the files server listens on (0 before it does, when a free one was asked for). */
  port(): number;
}

/** The path under which the files origin serves signed file links. */
export const FILES_ROUTE = '/attachments';

export function createFilesOrigin(options: { filesOrigin?: string | undefined; filesPort: number; publicOrigins?: readonly string[] | undefined }): FilesOrigin {
  let port = options.filesPort;
  const fixed = options.filesOrigin === undefined ? undefined : new URL(options.filesOrigin).origin;
  // Behind a proxy that ends TLS the request URL says http: the configured public origin knows better.
  const publicSchemes = new Map((options.publicOrigins ?? []).map((origin) => [new URL(origin).hostname, new URL(origin).protocol]));
  return {
    originFor(apiOrigin) {
      if (fixed) return fixed;
      // Same scheme and host name the caller used (localhost stays localhost), the files port.
      let api: URL;
      try {
        api = new URL(apiOrigin);
      } catch {
        api = new URL('http://127.0.0.1');
      }
      // `hostname` keeps an IPv6 address's brackets.
      return `${publicSchemes.get(api.hostname) ?? api.protocol}//${api.hostname}:${port}`;
    },
    setPort(real) {
      port = real;
    },
    port: () => port,
  };
}
