import type { EmulatorRequest, HandlerResult } from './emulatorRequest';

export type RouteParams = Record<string, string>;
export type RouteHandler = (request: EmulatorRequest, params: RouteParams) => HandlerResult | Promise<HandlerResult>;

export interface Route {
  methods: readonly string[];
  /** Matched against the path (no query); named groups become decoded params. */
  pattern: RegExp;
  handler: RouteHandler;
}

/** `route('GET', /^\/keys\/(?<name>[^/]+)$/i, handler)`. */
export function route(methods: string | readonly string[], pattern: RegExp, handler: RouteHandler): Route {
  return { methods: typeof methods === 'string' ? [methods] : methods, pattern, handler };
}

/** First route whose method and pattern match, with its params; undefined when none does. */
export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: RouteParams } | undefined {
  for (const candidate of routes) {
    if (!candidate.methods.includes(method)) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const params: RouteParams = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      if (value !== undefined) params[name] = safeDecode(value);
    }
    return { route: candidate, params };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
