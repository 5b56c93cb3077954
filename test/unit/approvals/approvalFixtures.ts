import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, ManualClock, sha256Hex, type LocalPerson } from '../../../src/core';
import { ChainedAuditLog, type AuditLog } from '../../../src/audit';
import { ApprovalService, parseApprovalPolicy, type ApprovalPolicy, type ApprovalRequest, type ClassRule, type Person, type SubmitRequest } from '../../../src/approvals';
import { openSqliteDatabase, type SqliteDatabase } from '../../../src/store/sqliteDatabase';
import { auditMigrations, SqlAuditStore } from '../../../src/store/sqlAuditStore';
import { approvalMigrations, SqlApprovalStore } from '../../../src/store/sqlApprovalStore';
import { testSigner } from '../../helpers/testSigner';

export const LOCAL_POLICY_JSON = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../config/policy.local.json'), 'utf8')) as Record<string, unknown>;

export const P = LOCAL_PEOPLE;
export const HASH_1 = sha256Hex('plan one');
export const HASH_2 = sha256Hex('plan two');

/** The local policy with some operation rules replaced (a deep copy; the file is untouched). */
export function policyWith(operations: Record<string, Record<string, unknown>> = {}, extra: Record<string, unknown> = {}): ApprovalPolicy {
  const json = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as Record<string, unknown> & { operations: Record<string, unknown> };
  for (const [name, rule] of Object.entries(operations)) json.operations[name] = rule;
  return parseApprovalPolicy({ ...json, ...extra });
}

export function actor(person: LocalPerson, tenantId = LOCAL_TENANT_ID) {
  return { aadObjectId: person.objectId, channelUserId: person.teamsId, name: person.displayName, tenantId };
}

export function personOf(person: LocalPerson): Person {
  return { objectId: person.objectId, tenantId: LOCAL_TENANT_ID, name: person.displayName, channelUserId: person.teamsId };
}

export const ORIGIN = { channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'conv-olivia', conversationType: 'personal' }, bot: { id: 'bot' } };

export function submission(overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  return {
    planHash: HASH_1,
    operationClass: 'create',
    title: 'Set up Customer Key for Contoso',
    summaryLines: ['Create vault A in West Europe', 'Create key A (RSA-HSM 3072)', 'Purge protection cannot be turned off later.'],
    targets: ['kv-contoso-a', 'kv-contoso-b'],
    requester: actor(P.operator),
    reason: 'Compliance requires our own keys by March.',
    origin: ORIGIN,
    journeyId: 'journey-1',
    ...overrides,
  };
}

export interface ServiceWorld {
  db: SqliteDatabase;
  clock: ManualClock;
  audit: AuditLog;
  auditStore: SqlAuditStore;
  store: SqlApprovalStore;
  service: ApprovalService;
  close(): Promise<void>;
}

/** The real service over an in-memory SQLite store, with a hand-moved clock. */
export async function serviceWorld(options: { policy?: ApprovalPolicy; audit?: (inner: AuditLog) => AuditLog; file?: string } = {}): Promise<ServiceWorld> {
  const db = await openSqliteDatabase({ file: options.file ?? ':memory:', migrations: [...auditMigrations, ...approvalMigrations] });
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0));
  const auditStore = new SqlAuditStore(db);
  const inner = new ChainedAuditLog(auditStore, clock);
  const audit = options.audit ? options.audit(inner) : inner;
  const store = new SqlApprovalStore(db);
  const service = new ApprovalService({ signer: testSigner(), store, audit, atomic: db.atomic, policy: options.policy ?? policyWith(), clock });
  return { db, clock, audit, auditStore, store, service, close: () => db.close() };
}

/** A request in the given state, built directly (for the pure transition table). */
export function requestIn(status: ApprovalRequest['status'], overrides: Partial<ApprovalRequest> = {}, rule?: ClassRule): ApprovalRequest {
  const policy = policyWith();
  const created = Date.UTC(2026, 0, 5, 9, 0);
  const base: ApprovalRequest = {
    id: '3f1c2b9a-1111-4222-8333-444455556666',
    version: 3,
    status,
    operationClass: 'create',
    title: 'Set up Customer Key',
    summaryLines: ['step'],
    targets: ['kv-a'],
    planHash: HASH_1,
    requester: personOf(P.operator),
    reason: 'because',
    origin: ORIGIN,
    rule: rule ?? policy.rules.create,
    policyHash: policy.hash,
    createdAt: new Date(created).toISOString(),
    expiresAt: new Date(created + 24 * 3600_000).toISOString(),
    votes: [],
  };
  if (status === 'approved' || status === 'executing' || status === 'succeeded' || status === 'failed') {
    base.decidedAt = new Date(created + 3600_000).toISOString();
    base.executeBy = new Date(created + 5 * 3600_000).toISOString();
    base.votes = [
      { voter: personOf(P.approverAlex), decision: 'approve', reason: 'ok', at: base.decidedAt, planHash: HASH_1 },
      { voter: personOf(P.approverBruno), decision: 'approve', reason: 'ok', at: base.decidedAt, planHash: HASH_1 },
    ];
  }
  if (status === 'executing' || status === 'succeeded' || status === 'failed') base.execution = { startedAt: new Date(created + 2 * 3600_000).toISOString() };
  return { ...base, ...overrides };
}

export const T0 = new Date(Date.UTC(2026, 0, 5, 9, 0));
export const at = (minutesAfterT0: number) => new Date(T0.getTime() + minutesAfterT0 * 60_000);
