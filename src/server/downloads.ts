/**
 * Short-lived download links for generated PowerShell (DEP and key-roll refresh scripts).
 *
 * Why a link and not an attachment: a bot can attach arbitrary files in Teams only through the
 * personal-chat file consent flow (FileConsentCard → upload to the user's OneDrive), which does
 * not exist in group chats and channels and needs Graph permissions Keyward does not otherwise
 * ask for; an `Action.OpenUrl` with a `data:` URL is refused by browsers for top-level navigation.
 * So the bot's own server serves the file at `GET /downloads/<token>`:
 * - the token is 256 random bits (base64url); only its SHA-256 is stored, so the store alone never
 *   yields a working link;
 * - a link works for a limited time (default 60 minutes) and a limited number of downloads (link
 *   scanners and previews may fetch it once or twice), then answers 404 like an unknown token;
 * - the script holds no secrets (tenant id, subscription ids, vault, key and policy names only),
 *   so a leaked link discloses names, not access;
 * - the response is `text/plain` + `Content-Disposition: attachment` + `nosniff` + a CSP sandbox:
 *   a browser saves it and never renders or runs it; the card shows the file's SHA-256 so the
 *   operator can compare it with `Get-FileHash`.
 * The file is UTF-8 with a byte-order mark: Windows PowerShell 5.1 (which the SharePoint module
 * needs) reads a BOM-less .ps1 as ANSI and would garble non-ASCII values.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock, Logger } from '../core';
import type { AuditEventInput } from '../audit/auditRecord';
import { SYSTEM_ACTOR } from '../audit/auditRecord';
import type { DownloadOffer, DownloadOffers } from '../inventory/inventoryPorts';

export interface StoredDownload {
  tokenHash: string;
  fileName: string;
  /** The exact bytes served, base64. */
  contentBase64: string;
  fileSha256: string;
  ownerObjectId: string;
  purpose: string;
  createdAt: string;
  expiresAt: string;
  downloads: number;
  maxDownloads: number;
}

/** Persistence port (SQLite adapter: src/store/sqliteDepDownloadStore.ts). */
export interface DownloadStore {
  insert(download: StoredDownload): Promise<void>;
  get(tokenHash: string): Promise<StoredDownload | undefined>;
  /** Counts one download if still allowed; false when the link is used up. */
  countDownload(tokenHash: string, maxDownloads: number): Promise<boolean>;
  deleteExpired(nowIso: string): Promise<number>;
}

export interface DownloadResponse {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Buffer;
}

export interface DownloadServiceDeps {
  store: DownloadStore;
  clock: Clock;
  /** Public base URL of this server (https in production); undefined = no links, card only. */
  baseUrl(): string | undefined;
  ttlMs: number;
  maxDownloads?: number;
  audit?: { append(event: AuditEventInput): Promise<unknown> };
  logger?: Logger;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class DownloadService implements DownloadOffers {
  constructor(private readonly deps: DownloadServiceDeps) {}

  async offer(input: { fileName: string; content: string; ownerObjectId: string; purpose: string }): Promise<DownloadOffer> {
    const now = this.deps.clock.now();
    await this.deps.store.deleteExpired(now.toISOString());
    const bytes = Buffer.concat([BOM, Buffer.from(input.content, 'utf8')]);
    const fileSha256 = createHash('sha256').update(bytes).digest('hex');
    const expiresAt = new Date(now.getTime() + this.deps.ttlMs).toISOString();
    const base = this.deps.baseUrl();
    if (!base) return { expiresAt, fileSha256, bytes: bytes.length };
    const token = randomBytes(32).toString('base64url');
    await this.deps.store.insert({
      tokenHash: hashToken(token),
      fileName: safeFileName(input.fileName),
      contentBase64: bytes.toString('base64'),
      fileSha256,
      ownerObjectId: input.ownerObjectId.toLowerCase(),
      purpose: input.purpose,
      createdAt: now.toISOString(),
      expiresAt,
      downloads: 0,
      maxDownloads: this.deps.maxDownloads ?? 10,
    });
    return { url: `${base.replace(/\/$/, '')}/downloads/${token}`, expiresAt, fileSha256, bytes: bytes.length };
  }

  /** GET /downloads/<token>: the file, or the same 404 for unknown, expired and used-up links. */
  async serve(token: string): Promise<DownloadResponse> {
    const notFound: DownloadResponse = {
      status: 404,
      headers: { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
      body: Buffer.from('This download link is unknown or has expired. Ask Keyward for a new link on the card.\n'),
    };
    if (!TOKEN.test(token)) return notFound;
    const hash = hashToken(token);
    const found = await this.deps.store.get(hash);
    const now = this.deps.clock.now().toISOString();
    if (!found || found.expiresAt <= now) return notFound;
    if (!(await this.deps.store.countDownload(hash, found.maxDownloads))) return notFound;
    try {
      await this.deps.audit?.append({
        actor: SYSTEM_ACTOR,
        action: 'download.served',
        target: found.fileName,
        outcome: 'info',
        details: { purpose: found.purpose, fileSha256: found.fileSha256, owner: found.ownerObjectId, download: found.downloads + 1 },
      });
    } catch (error) {
      // The file is a script with no secrets; a failed audit write is logged, not fatal here.
      this.deps.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not audit a download');
    }
    return {
      status: 200,
      headers: {
        ...COMMON_HEADERS,
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="${found.fileName}"`,
        'x-keyward-sha256': found.fileSha256,
      },
      body: Buffer.from(found.contentBase64, 'base64'),
    };
  }
}

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; sandbox",
};

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A file name safe in a header: letters, digits, dot, hyphen, underscore; always .ps1. */
export function safeFileName(name: string): string {
  const stem =
    name
      .replace(/\.ps1$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 100) || 'keyward-script';
  return `${stem}.ps1`;
}
