import net from 'node:net';
import type { HostKind } from './emulatorRequest';

/**
 * One port, many Azure hosts: `localhost` / `management.localhost` (ARM, identity, control),
 * `graph.localhost`, `<vault>.vault.localhost` and `<hsm>.managedhsm.localhost`.
 */
export function classifyHost(hostname: string): HostKind {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === 'management.localhost' || isLoopbackAddress(host)) return { kind: 'arm' };
  if (host === 'graph.localhost') return { kind: 'graph' };
  const vault = /^([a-z0-9-]{1,24})\.vault\.localhost$/.exec(host);
  if (vault?.[1]) return { kind: 'vault', name: vault[1] };
  const hsm = /^([a-z0-9-]{1,24})\.managedhsm\.localhost$/.exec(host);
  if (hsm?.[1]) return { kind: 'hsm', name: hsm[1] };
  return { kind: 'unknown' };
}

/** Splits a Host header into name and `:port` suffix, IPv6 literals included. */
export function splitHostHeader(hostHeader: string): { hostname: string; portSuffix: string } {
  const match = /^(\[[^\]]+\]|[^:]+)(:\d+)?$/.exec(hostHeader.trim());
  if (!match) return { hostname: hostHeader.trim().toLowerCase(), portSuffix: '' };
  return { hostname: (match[1] ?? '').toLowerCase(), portSuffix: match[2] ?? '' };
}

export function vaultUri(name: string, portSuffix: string): string {
  return `https://${name.toLowerCase()}.vault.localhost${portSuffix}/`;
}

export function hsmUri(name: string, portSuffix: string): string {
  return `https://${name.toLowerCase()}.managedhsm.localhost${portSuffix}/`;
}

/**
 * A loopback IP literal as a Host names it: dotted-quad 127.0.0.0/8, or ::1 (bracketed or not, in
 * any spelling). Parsed, not prefix-matched, so `127.evil.example` is not one.
 */
export function isLoopbackAddress(host: string): boolean {
  if (net.isIPv4(host)) return Number(host.split('.')[0]) === 127;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!net.isIPv6(bare)) return false;
  return new URL(`https://[${bare}]/`).hostname === '[::1]';
}
