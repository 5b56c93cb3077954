import net from 'node:net';

export interface LoopbackOptions {
  /**
   * Count `*.localhost` names as loopback (RFC 6761 reserves them). Only where Keyward resolves
   * them itself (its Azure clients pin `*.localhost` to 127.0.0.1; a Host header is only text); not
   * for an address the operating system resolves, which may ask a DNS server about them.
   */
  localhostSubdomains?: boolean;
}

/**
 * True when `host` names this machine's loopback interface: an IPv4 address in 127.0.0.0/8, the
 * IPv6 loopback `::1` (with or without brackets, in any spelling, or IPv4-mapped
 * `::ffff:127.x.y.z`), or the name `localhost` (a trailing dot allowed). Addresses are parsed, not
 * matched by prefix: `127.evil.example` and `localhost.evil.example` are names anyone can point
 * anywhere.
 */
export function isLoopbackHost(host: string, options: LoopbackOptions = {}): boolean {
  let value = host.trim().toLowerCase();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (net.isIPv4(value)) return value.split('.')[0] === '127';
  if (net.isIPv6(value)) {
    // The URL parser writes every IPv6 spelling in one canonical, compressed form.
    const canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
    if (canonical === '::1') return true;
    const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(canonical);
    return !!mapped && parseInt(mapped[1]!, 16) >> 8 === 127;
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name === 'localhost') return true;
  return !!options.localhostSubdomains && name.endsWith('.localhost') && /^[a-z0-9.-]+$/.test(name) && !name.split('.').some((label) => label === '');
}

/**
 * The host of an HTTP Host header (`127.0.0.1:3978`, `[::1]:3978`, `localhost`), or undefined when
 * it is not a valid host[:port].
 */
export function hostOfHostHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return url.hostname;
  } catch {
    return undefined;
  }
}

/** True when `url` is an http(s) URL whose host is loopback (see isLoopbackHost). */
export function isLoopbackUrl(url: string, options: LoopbackOptions = {}): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.username && !parsed.password && isLoopbackHost(parsed.hostname, options);
  } catch {
    return false;
  }
}
