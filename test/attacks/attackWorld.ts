import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID, type LocalPerson } from '../../src/core';
import type { AuditRecord } from '../../src/audit';
import type { ApprovalRequest } from '../../src/approvals';
import { VERBS } from '../../src/bot/cards/verbs';
import { planHash, type Plan } from '../../src/customerKey';
import type { SetupJourney } from '../../src/journeys/setupJourney';
import { invokeActivity, postActivity } from '../helpers/activities';
import { collect } from '../helpers/collect';
import { DatabaseWriter } from '../helpers/databaseWriter';
import { newTestDatabase } from '../helpers/postgresServer';
import type { StoreEngine } from '../../src/store/sqlDatabase';
import { installFakePwsh, type FakePwsh } from '../helpers/fakePwsh';
import { actionData, GROUP, startOpsWorld, type Card, type OpsWorld } from '../bot/inventory/opsWorld';
import { LOCAL_POLICY_JSON } from '../unit/approvals/approvalFixtures';

export { GROUP };
export const P = LOCAL_PEOPLE;

/** What an attack must not change: votes, what is approved, runs, journeys, Azure, signed digests. */
export interface Protected {
  votes: string[];
  approved: string[];
  runs: string[];
  journeys: number;
  azureWrites: number;
  digests: number;
}

/** A click's answer over HTTP: status, the card the clicker gets, or the message. */
export interface Answer {
  status: number;
  card?: Card;
  text: string;
}

/**
 * Keyward as it runs, attacked from outside: the real server (restify, botbuilder, teams-ai) over
 * HTTP, SQLite on disk (or the embedded PostgreSQL), the emulator over HTTPS, a hand-moved clock,
 * Exchange app-only with a fake `pwsh` first on the PATH, and a policy whose operators group is
 * Olivia alone. The database writer opens the store directly (its own connection, plain SQL). One world for the whole suite; each attack makes its own requests.
 */
export class AttackWorld {
  private constructor(
    readonly ops: OpsWorld,
    readonly pwsh: FakePwsh,
    private readonly restorePath: () => void,
    private readonly policyDir: string,
    private readonly postgresUrl?: string,
  ) {}

  /** `postgres`: Keyward runs on a fresh database of the embedded PostgreSQL server instead of SQLite. */
  static async start(options: { engine?: StoreEngine } = {}): Promise<AttackWorld> {
    const pwsh = installFakePwsh();
    const restorePath = pwsh.firstOnPath();
    const policyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-attack-policy-'));
    const policy = JSON.parse(JSON.stringify(LOCAL_POLICY_JSON)) as Record<string, unknown> & { groups: Record<string, unknown> };
    policy.groups.operators = { name: 'Key operators', members: [LOCAL_PEOPLE.operator.objectId] };
    policy.operators = 'operators';
    const policyFile = path.join(policyDir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(policy));
    const postgresUrl = options.engine === 'postgres' ? await newTestDatabase() : undefined;
    const store: Record<string, string> = postgresUrl ? { KEYWARD_STORE: 'postgres', KEYWARD_POSTGRES_URL: postgresUrl } : {};
    const ops = await startOpsWorld({ env: { KEYWARD_POLICY_FILE: policyFile, KEYWARD_DEP_APP_ONLY: 'true', KEYWARD_EXCHANGE_ORGANIZATION: 'contoso.onmicrosoft.com', ...store } });
    return new AttackWorld(ops, pwsh, restorePath, policyDir, postgresUrl);
  }

  get keyward() {
    return this.ops.harness.keyward;
  }

  get url(): string {
    return this.ops.harness.url;
  }

  get serviceUrl(): string {
    return this.ops.harness.connector.url;
  }

  /** Where the store is: the SQLite file, or the PostgreSQL connection string. */
  get storeLocation(): string {
    return this.postgresUrl ?? path.join(this.ops.harness.dataDir, 'keyward.sqlite');
  }

  async close(): Promise<void> {
    await this.ops.close();
    this.restorePath();
    this.pwsh.remove();
    fs.rmSync(this.policyDir, { recursive: true, force: true });
  }

  actor(person: LocalPerson) {
    return { aadObjectId: person.objectId, channelUserId: person.teamsId, name: person.displayName, tenantId: LOCAL_TENANT_ID };
  }

  /** A plan the executor can run (its journey holds it), submitted by Olivia; pending, no votes. */
  async pendingWithPlan(plan: Plan): Promise<ApprovalRequest> {
    const hash = planHash(plan);
    const now = this.ops.clock.now().toISOString();
    const journey: SetupJourney = {
      id: `setup_${hash.slice(0, 16)}`,
      kind: 'setup',
      owner: { aadObjectId: P.operator.objectId, name: P.operator.displayName, tenantId: LOCAL_TENANT_ID },
      conversationId: this.ops.conversationOf(P.operator),
      origin: this.ops.origin(P.operator),
      status: 'submitted',
      stage: 'preview',
      draft: {},
      errors: {},
      warnings: {},
      plan,
      planHash: hash,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.keyward.store.journeys.insert(journey);
    const request = await this.keyward.approvals.service.submit({
      planHash: hash,
      operationClass: 'create',
      title: plan.title,
      summaryLines: plan.steps.slice(0, 50).map((s) => s.summary.slice(0, 480)),
      targets: plan.keys.map((k) => `${k.containerName}/${k.keyName}`),
      requester: this.actor(P.operator),
      reason: 'Our own keys.',
      origin: this.ops.origin(P.operator),
      journeyId: journey.id,
    });
    await this.ops.settle();
    return request;
  }

  /** A request without a plan Keyward could run (what a journey submits before its plan is stored). */
  async pending(journeyId: string, planText = journeyId): Promise<ApprovalRequest> {
    const request = await this.keyward.approvals.service.submit({
      planHash: planHash({ text: planText } as unknown as Plan),
      operationClass: 'create',
      title: `Set up Customer Key (${journeyId})`,
      summaryLines: ['Create vaults and keys.'],
      targets: ['kv-a', 'kv-b'],
      requester: this.actor(P.operator),
      reason: 'Our own keys.',
      origin: this.ops.origin(P.operator),
      journeyId,
    });
    await this.ops.settle();
    return request;
  }

  /** The approval card as posted in the approvers' chat, and the data of one of its buttons. */
  card(requestId: string): { messageId: string; card: Card } {
    return this.ops.cardIn(GROUP, new RegExp(requestId));
  }

  buttonData(requestId: string, verb: string): Record<string, unknown> {
    return actionData(this.card(requestId).card, verb);
  }

  /** Clicks as `person` over HTTP; any status is returned (refusals included). */
  async click(
    person: LocalPerson,
    verb: string,
    data: Record<string, unknown>,
    options: { conversationId?: string; conversationType?: 'personal' | 'groupChat'; tenantId?: string; activity?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const conversationId = options.conversationId ?? GROUP;
    const activity =
      options.activity ??
      invokeActivity(verb, data, {
        serviceUrl: this.serviceUrl,
        from: person,
        conversationId,
        conversationType: options.conversationType ?? (conversationId === GROUP ? 'groupChat' : 'personal'),
        tenantId: options.tenantId,
        replyToId: this.safeMessageId(data),
      });
    const response = await postActivity(this.url, activity, options.headers);
    await this.ops.settle();
    return answerOf(response);
  }

  async approve(person: LocalPerson, requestId: string): Promise<Answer> {
    return this.click(person, VERBS.approvalApprove, { ...this.buttonData(requestId, VERBS.approvalApprove), reason: `Reviewed by ${person.givenName}.` });
  }

  /** Everything that must survive an attack unchanged. */
  async snapshot(): Promise<Protected> {
    const db = this.keyward.store.db;
    const votes = (
      await db.all<{ request_id: string; voter_object_id: string; decision: string }>(
        'SELECT request_id, voter_object_id, decision FROM approval_votes ORDER BY request_id, voter_object_id',
      )
    ).map((r) => `${r.request_id}:${r.voter_object_id}:${r.decision}`);
    const approved = (await db.all<{ id: string }>("SELECT id FROM approval_requests WHERE status IN ('approved', 'executing', 'succeeded') ORDER BY id")).map((r) => r.id);
    const runs = (await db.all<{ id: string; status: string; document: string }>('SELECT id, status, document FROM executor_runs ORDER BY id')).map(
      (r) => `${r.id}:${r.status}:${(JSON.parse(r.document) as { attempt: number }).attempt}`,
    );
    const journeys = Number((await db.get<{ n: number }>('SELECT (SELECT COUNT(*) FROM journeys) + (SELECT COUNT(*) FROM ops_journeys) AS n'))?.n ?? 0);
    const azureWrites = (await this.ops.emulator.emulator.control.requests()).filter((r) => r.method !== 'GET' && r.status < 400 && !/\/(wrapkey|unwrapkey)$/i.test(r.path)).length;
    const digests = (await this.keyward.store.audit.digests()).length;
    return { votes, approved, runs, journeys, azureWrites, digests };
  }

  async audit(): Promise<AuditRecord[]> {
    return collect(this.keyward.approvals.audit.records());
  }

  /** The database writer: another connection to the store (SQLite file or PostgreSQL), holding no key. */
  databaseWriter(): Promise<DatabaseWriter> {
    return DatabaseWriter.open(this.storeLocation);
  }

  /** Keyward restarts (as after a deployment or a crash): what is approved in the store is picked up. */
  async restart(): Promise<void> {
    await this.ops.harness.restart();
    await this.ops.settle();
  }

  private safeMessageId(data: Record<string, unknown>): string | undefined {
    const requestId = typeof data.requestId === 'string' ? data.requestId : undefined;
    if (!requestId) return undefined;
    try {
      return this.card(requestId).messageId;
    } catch {
      return undefined;
    }
  }
}

export function answerOf(response: { status: number; body: unknown }): Answer {
  const body = (response.body ?? {}) as { type?: string; value?: unknown; error?: { code?: string; message?: string } };
  if (body.type === 'application/vnd.microsoft.card.adaptive') return { status: response.status, card: body.value as Card, text: JSON.stringify(body.value) };
  if (body.error) return { status: response.status, text: `${body.error.code}: ${body.error.message}` };
  return { status: response.status, text: typeof body.value === 'string' ? body.value : JSON.stringify(body) };
}

/** Asserts that two snapshots agree on everything the attack must not change. */
export function assertUnchanged(before: Protected, after: Protected, what: string): void {
  assert.deepEqual(after, before, `${what}: protected state changed`);
}
