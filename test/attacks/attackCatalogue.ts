import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { isAppError, LOCAL_IDENTITIES, LOCAL_TENANT_ID, sha256Hex } from '../../src/core';
import { loadConfig } from '../../src/config';
import { VERBS } from '../../src/bot/cards/verbs';
import { DEP_VERBS } from '../../src/bot/dep/depVerbs';
import { invokeActivity, messageActivity } from '../helpers/activities';
import { premiumPlan } from '../executor/executorFixtures';
import { addressOf } from '../bot/inventory/opsWorld';
import { throughOnboarding } from '../helpers/onboardingClicks';
import { answerOf, GROUP, P, type Answer, type AttackWorld, type Protected } from './attackWorld';

/**
 * Every attack the suite tries (issue 12 item 11): each approval rule, and each item of issue 12.
 * Runtime attacks must be refused, recorded in Keyward's audit log, and change nothing that is
 * protected (votes, what is approved, runs, journeys, Azure, signed digests). Start-up guards
 * refuse to start at all: nothing runs yet that could write a record, so they are counted apart.
 * The README's count line is generated from this list (npm run docs:attacks) and checked by a test.
 */
export interface Attack {
  id: string;
  /** What it attacks: an approval rule, or an item of issue 12. */
  against: string;
  /** "when <title>, then it is refused, audited, and nothing changes". */
  title: string;
  /** runtime: against the running Keyward; startup: a configuration Keyward refuses to start with; emulator: against the local emulator (a test double without an audit log). */
  kind: 'runtime' | 'startup' | 'emulator';
  /** Runtime: the audit record the refusal must leave (action, reason). */
  audit?: { action: string; reason: string };
  /** Runs whatever the attack needs first (legitimate steps); the protected state is read after it. */
  prepare?(world: AttackWorld): Promise<Record<string, unknown>>;
  /** The attack itself. */
  attempt(world: AttackWorld | undefined, prepared: Record<string, unknown>): Promise<Answer>;
  /** Asserts that Keyward refused it (and said why). */
  refused(answer: Answer): void;
  /** What else must hold (beyond the protected state), e.g. no cmdlet ran, the chain still verifies. */
  alsoUnchanged?(world: AttackWorld, prepared: Record<string, unknown>, before: Protected, after: Protected): Promise<void>;
  /** The protected state this attack may change in a way that is not the attacker's gain (a refused request closes as failed). */
  ignore?: ReadonlyArray<keyof Protected>;
  /** A database writer's attack (rows changed with plain SQL): tried on SQLite and again on PostgreSQL. */
  writesStore?: true;
}

const says = (pattern: RegExp) => (answer: Answer) => assert.match(answer.text, pattern, answer.text.slice(0, 500));
const httpStatus = (status: number, code: string) => (answer: Answer) => {
  assert.equal(answer.status, status, answer.text);
  assert.match(answer.text, new RegExp(code));
};

/** A raw HTTP request (fetch cannot choose the Host header; DNS rebinding can). */
function rawPost(url: string, host: string, body: string, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL('/api/messages', url);
    const request = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { host, 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // keep text
          }
          resolve(answerOf({ status: response.statusCode ?? 0, body: parsed }));
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

let journeys = 0;
const journey = (name: string) => `atk-${name}-${(journeys += 1)}`;
const world = (w: AttackWorld | undefined): AttackWorld => {
  assert.ok(w);
  return w;
};

export const ATTACKS: readonly Attack[] = [
  // ------------------------------------------------------------------ the approval rules
  {
    id: 'self-approval',
    against: 'approval rule: no self-approval',
    title: 'the requester approves their own request',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'SelfApprovalForbidden' },
    prepare: async (w) => ({ request: (await w.pending(journey('self'))).id }),
    attempt: async (w, p) => world(w).approve(P.operator, String(p.request)),
    refused: says(/SelfApprovalForbidden/),
  },
  {
    id: 'non-approver',
    against: 'approval rule: only approvers vote',
    title: 'someone the policy names in no approver group approves',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'NotAnApprover' },
    prepare: async (w) => ({ request: (await w.pending(journey('outsider'))).id }),
    attempt: async (w, p) => world(w).approve(P.observer, String(p.request)),
    refused: says(/NotAnApprover/),
  },
  {
    id: 'other-tenant',
    against: 'approval rule: one tenant',
    title: "an approver's click arrives from another tenant",
    kind: 'runtime',
    audit: { action: 'server.request.refused', reason: 'TenantNotAllowed' },
    prepare: async (w) => ({ request: (await w.pending(journey('tenant'))).id }),
    attempt: async (w, p) =>
      world(w).click(
        P.approverAlex,
        VERBS.approvalApprove,
        { ...world(w).buttonData(String(p.request), VERBS.approvalApprove), reason: 'ok' },
        { tenantId: '99999999-9999-4999-8999-999999999999' },
      ),
    refused: httpStatus(403, 'TenantNotAllowed'),
  },
  {
    id: 'replayed-card',
    against: 'approval rule: votes bind to the plan',
    title: 'an old card payload is replayed after the plan was replaced',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'PlanChanged' },
    prepare: async (w) => {
      const id = journey('replay');
      const old = await w.pending(id, `${id} v1`);
      const data = w.buttonData(old.id, VERBS.approvalApprove);
      await w.pending(id, `${id} v2`);
      return { data };
    },
    attempt: async (w, p) => world(w).click(P.approverAlex, VERBS.approvalApprove, { ...(p.data as Record<string, unknown>), reason: 'replayed' }),
    refused: says(/PlanChanged/),
  },
  {
    id: 'changed-plan',
    against: 'approval rule: votes bind to the plan',
    title: 'a click carries another plan hash than the request',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'PlanChanged' },
    prepare: async (w) => ({ request: (await w.pending(journey('hash'))).id }),
    attempt: async (w, p) =>
      world(w).click(P.approverAlex, VERBS.approvalApprove, {
        ...world(w).buttonData(String(p.request), VERBS.approvalApprove),
        planHash: sha256Hex('another plan'),
        reason: 'ok',
      }),
    refused: says(/PlanChanged/),
  },
  {
    id: 'second-vote',
    against: 'approval rule: one vote per person',
    title: 'an approver votes a second time',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'AlreadyVoted' },
    prepare: async (w) => {
      const request = await w.pending(journey('twice'));
      assert.match((await w.approve(P.approverAlex, request.id)).text, /recorded/i);
      return { request: request.id };
    },
    attempt: async (w, p) => world(w).approve(P.approverAlex, String(p.request)),
    refused: says(/AlreadyVoted/),
  },
  {
    id: 'expired',
    against: 'approval rule: approval window',
    title: 'an approver votes after the approval window closed',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'RequestExpired' },
    prepare: async (w) => {
      const request = await w.pending(journey('late'));
      const data = w.buttonData(request.id, VERBS.approvalApprove);
      w.ops.clock.advance(25 * 3_600_000);
      return { data };
    },
    attempt: async (w, p) => world(w).click(P.approverAlex, VERBS.approvalApprove, { ...(p.data as Record<string, unknown>), reason: 'late' }),
    refused: says(/RequestExpired/),
  },
  {
    id: 'cancel-while-running',
    against: 'approval rule: the requester cancels only what has not started',
    title: 'the requester cancels an approved request once it is running',
    kind: 'runtime',
    audit: { action: 'approval.cancel.refused', reason: 'RequestNotPending' },
    prepare: async (w) => {
      const request = await w.pending(journey('cancel'));
      const data = w.buttonData(request.id, VERBS.approvalCancel);
      await w.approve(P.approverAlex, request.id);
      await w.approve(P.approverBruno, request.id);
      // The executor claims it (this request has no plan Keyward runs, so the claim is made here).
      await w.keyward.approvals.service.beginExecution(request.id);
      return { data };
    },
    attempt: async (w, p) => world(w).click(P.operator, VERBS.approvalCancel, { ...(p.data as Record<string, unknown>), reason: 'changed my mind' }),
    refused: says(/RequestNotPending/),
  },
  {
    id: 'forged-identity-field',
    against: 'approval rule: identity from the activity only',
    title: "a non-approver puts an approver's object id into the card data",
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'NotAnApprover' },
    prepare: async (w) => ({ request: (await w.pending(journey('forged-id'))).id }),
    attempt: async (w, p) =>
      world(w).click(P.observer, VERBS.approvalApprove, {
        ...world(w).buttonData(String(p.request), VERBS.approvalApprove),
        reason: 'ok',
        aadObjectId: P.approverAlex.objectId,
        from: { aadObjectId: P.approverAlex.objectId },
      }),
    refused: says(/NotAnApprover/),
  },
  {
    id: 'forged-verb-in-data',
    against: 'approval rule: typed card data',
    title: 'the Approve button\'s data is edited to say "reject"',
    kind: 'runtime',
    audit: { action: 'approval.card.refused', reason: 'TamperedCardData' },
    prepare: async (w) => ({ request: (await w.pending(journey('forged-verb'))).id }),
    attempt: async (w, p) =>
      world(w).click(P.approverAlex, VERBS.approvalApprove, { ...world(w).buttonData(String(p.request), VERBS.approvalApprove), verb: VERBS.approvalReject, reason: 'x' }),
    refused: says(/card's data is not valid, so nothing was done/),
  },
  {
    id: 'unknown-verb',
    against: 'approval rule: typed card verbs',
    title: 'a verb no Keyward button carries is sent',
    kind: 'runtime',
    audit: { action: 'card.verb.refused', reason: 'UnknownVerb' },
    prepare: async (w) => ({ request: (await w.pending(journey('verb'))).id }),
    attempt: async (w, p) =>
      world(w).click(P.approverAlex, 'keyward.approval.approveAll', { ...world(w).buttonData(String(p.request), VERBS.approvalApprove), verb: 'keyward.approval.approveAll' }),
    refused: says(/This button is no longer supported/),
  },
  {
    id: 'newer-card-version',
    against: 'approval rule: cards are views of server state',
    title: 'a card version Keyward never issued is sent',
    kind: 'runtime',
    audit: { action: 'approval.card.refused', reason: 'StaleCard' },
    prepare: async (w) => ({ request: (await w.pending(journey('version'))).id }),
    attempt: async (w, p) =>
      world(w).click(P.approverAlex, VERBS.approvalApprove, { ...world(w).buttonData(String(p.request), VERBS.approvalApprove), cardVersion: 999, reason: 'ok' }),
    refused: says(/claims a version Keyward never issued/),
  },
  {
    id: 'foreign-conversation',
    against: 'approval rule: a click from where the card is',
    title: "an approver's click arrives from another person's personal chat, where the card never was",
    kind: 'runtime',
    audit: { action: 'approval.card.refused', reason: 'NotInConversation' },
    prepare: async (w) => ({ request: (await w.pending(journey('elsewhere'))).id }),
    attempt: async (w, p) =>
      world(w).click(
        P.approverAlex,
        VERBS.approvalApprove,
        { ...world(w).buttonData(String(p.request), VERBS.approvalApprove), reason: 'ok' },
        { conversationId: `conv-${P.approverBruno.teamsId}`, conversationType: 'personal' },
      ),
    refused: says(/not posted in this conversation/),
  },
  {
    id: 'invoke-twice',
    against: 'approval rule: exactly once at the Teams edge',
    title: 'the same invoke is delivered twice (Teams retries an invoke it thinks unanswered)',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'AlreadyVoted' },
    prepare: async (w) => {
      const request = await w.pending(journey('retry'));
      const activity = invokeActivity(
        VERBS.approvalApprove,
        { ...w.buttonData(request.id, VERBS.approvalApprove), reason: 'once' },
        { serviceUrl: w.serviceUrl, from: P.approverAlex, conversationId: GROUP, conversationType: 'groupChat' },
      );
      assert.match((await w.click(P.approverAlex, VERBS.approvalApprove, {}, { activity })).text, /recorded/i);
      return { activity };
    },
    attempt: async (w, p) => world(w).click(P.approverAlex, VERBS.approvalApprove, {}, { activity: p.activity as Record<string, unknown> }),
    refused: says(/AlreadyVoted/),
  },
  // ------------------------------------------------------------------ issue 12
  {
    id: 'item1-lone-surrogate',
    against: 'issue 12 item 1: text that breaks the audit chain',
    title: 'a hand-made click names its sender "\\ud800" and cuts its reason through an emoji',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'NotAnApprover' },
    prepare: async (w) => ({ request: (await w.pending(journey('surrogate'))).id }),
    attempt: async (w, p) => {
      const activity = invokeActivity(
        VERBS.approvalApprove,
        { ...world(w).buttonData(String(p.request), VERBS.approvalApprove), reason: `${'x'.repeat(499)}😀`.slice(0, 500) },
        { serviceUrl: world(w).serviceUrl, from: P.observer, conversationId: GROUP, conversationType: 'groupChat' },
      );
      (activity.from as { name: string }).name = '\ud800';
      return world(w).click(P.observer, VERBS.approvalApprove, {}, { activity });
    },
    refused: says(/NotAnApprover/),
    alsoUnchanged: async (w) => assert.equal((await w.keyward.approvals.audit.verify()).ok, true, 'the audit chain still verifies'),
  },
  {
    id: 'item2-pwsh-after-error',
    against: 'issue 12 item 2: PowerShell goes on after an error',
    title: 'an approved Exchange DEP script whose policy creation fails goes on to assign the policy to the mailboxes',
    kind: 'runtime',
    audit: { action: 'execution.step.failed', reason: '' },
    ignore: ['runs', 'journeys', 'approved', 'votes', 'azureWrites'],
    prepare: async (w) => {
      const plan = premiumPlan({ workloads: ['exchange'] });
      await w.ops.finishedSetup(plan);
      // Since issue 11 a script Keyward runs itself has no onboarding validation (an operator's step);
      // the first failing statement is then the policy's creation, and the assignment follows it.
      w.pwsh.configure({ failCmdlet: 'New-DataEncryptionPolicy' });
      const pairId = (await w.keyward.operations.inventory.pairs()).find((p) => p.A.ref.containerName === plan.keys[0]!.containerName)!.pairId;
      return { pairId, calls: w.pwsh.calls().length };
    },
    attempt: async (w, p) => {
      const ops = world(w).ops;
      const chat = ops.conversationOf(P.operator);
      await ops.say('dep');
      let card = ops.cardIn(chat, /Which policy, and which keys\?/).card;
      // The tenant's onboarding for Customer Key is recorded first (the DEP journey's step 2), as in any DEP.
      card = (
        await throughOnboarding(
          await ops.click(DEP_VERBS.submitScope, { ...addressOf(card), scope: 'exchange', source: 'inventory', pairId: p.pairId }),
          (verb, data) => ops.click(verb, data),
          addressOf,
          'EXO',
        )
      ).card!;
      const review = await ops.click(DEP_VERBS.submitDetails, { ...addressOf(card), policyName: 'Contoso-Attack', mailboxScope: 'all', validate: 'true' });
      await ops.click(DEP_VERBS.keyward, { ...addressOf(review.card!), reason: 'All mailboxes.' });
      const dep = await world(w).keyward.operations.dep.get(addressOf(review.card!).journeyId);
      await ops.approveAs(dep.requestId!, [P.approverAlex, P.approverBruno]);
      await ops.settle();
      const run = await world(w).keyward.executor.service.getByRequest(dep.requestId!);
      return { status: 200, text: JSON.stringify({ status: run?.status, lastError: run?.lastError }) };
    },
    refused: (answer) => {
      assert.doesNotMatch(answer.text, /"status":"succeeded"/, 'the run does not record success');
      assert.match(answer.text, /exit code 1/);
    },
    alsoUnchanged: async (w, p) => {
      const names = w.pwsh
        .calls()
        .slice(Number(p.calls))
        .flatMap((c) => c.cmdlets.map((x) => x.name));
      assert.ok(names.includes('New-DataEncryptionPolicy'), `the creation was tried (ran: ${names.join(', ')})`);
      assert.ok(!names.includes('Set-Mailbox'), `nothing was assigned after the failed creation (ran: ${names.join(', ')})`);
      assert.notEqual((await w.keyward.operations.inventory.dep('exchange:contoso-attack'))?.state, 'Registered');
    },
  },
  {
    id: 'item3-dns-rebinding',
    against: 'issue 12 item 3: local mode reached from outside',
    title: 'a web page using DNS rebinding posts an approval with its own Host',
    kind: 'runtime',
    audit: { action: 'server.request.refused', reason: 'MisdirectedRequest' },
    prepare: async (w) => ({ request: (await w.pending(journey('rebind'))).id }),
    attempt: async (w, p) => {
      const activity = invokeActivity(
        VERBS.approvalApprove,
        { ...world(w).buttonData(String(p.request), VERBS.approvalApprove), reason: 'ok' },
        { serviceUrl: world(w).serviceUrl, from: P.approverAlex, conversationId: GROUP, conversationType: 'groupChat' },
      );
      return rawPost(world(w).url, `attacker.example:${new URL(world(w).url).port}`, JSON.stringify(activity));
    },
    refused: httpStatus(421, 'MisdirectedRequest'),
  },
  {
    id: 'item3-forged-service-url',
    against: 'issue 12 item 3: replies sent anywhere',
    title: 'a message names a serviceUrl off this machine (a reply hijack)',
    kind: 'runtime',
    audit: { action: 'server.request.refused', reason: 'BadRequest' },
    attempt: async (w) => {
      const before = world(w).ops.harness.connector.calls.length;
      const answer = answerOf(await postJson(world(w).url, messageActivity('approvals', { serviceUrl: 'https://attacker.example/', from: P.approverAlex })));
      assert.equal(world(w).ops.harness.connector.calls.length, before, 'no reply went anywhere');
      return answer;
    },
    refused: httpStatus(400, 'BadRequest'),
  },
  {
    id: 'item4-flip-approved',
    writesStore: true,
    against: 'issue 12 item 4: a database writer approves',
    title: 'a database writer flips a request with one vote of two to approved, and Keyward restarts',
    kind: 'runtime',
    audit: { action: 'execution.refused', reason: 'ApprovalNotVerified' },
    // The restart itself signs digests and settles what earlier attacks left open (other requests);
    // what must not change for this request is checked below.
    ignore: ['digests', 'approved', 'runs'],
    prepare: async (w) => {
      const request = await w.pendingWithPlan(premiumPlan());
      await w.approve(P.approverAlex, request.id);
      return { request: request.id };
    },
    attempt: async (w, p) => {
      const writer = await world(w).databaseWriter();
      const stored = await writer.request(String(p.request));
      await writer.writeRequest({ ...stored, status: 'approved', decidedAt: stored.createdAt, executeBy: new Date(world(w).ops.clock.now().getTime() + 3_600_000).toISOString() });
      await writer.close();
      await world(w).restart();
      const after = await world(w).keyward.approvals.service.get(String(p.request));
      return { status: 200, text: JSON.stringify({ status: after?.status, detail: after?.execution?.detail }) };
    },
    refused: says(/"status":"failed".*not backed by votes Keyward signed/),
    alsoUnchanged: async (w, p, before, after) => {
      assert.equal(await w.keyward.executor.service.getByRequest(String(p.request)), undefined, 'no run for the flipped request');
      assert.ok(!after.approved.includes(String(p.request)), 'the flipped request is not approved');
      assert.deepEqual(
        after.runs.filter((r) => !before.runs.includes(r) && !before.runs.some((b) => b.split(':')[0] === r.split(':')[0])),
        [],
        'no new run',
      );
    },
  },
  {
    id: 'item4-forged-vote',
    writesStore: true,
    against: 'issue 12 item 4: a database writer adds a vote',
    title: 'a database writer adds a forged approval to a pending request, and the last approver clicks',
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'ApprovalNotVerified' },
    prepare: async (w) => {
      const request = await w.pending(journey('forged-vote'));
      const writer = await w.databaseWriter();
      const stored = await writer.request(request.id);
      await writer.writeRequest({
        ...stored,
        votes: [
          {
            voter: { objectId: P.approverAlex.objectId, tenantId: LOCAL_TENANT_ID, name: P.approverAlex.displayName },
            decision: 'approve',
            reason: 'forged',
            at: stored.createdAt,
            planHash: stored.planHash,
            signature: { alg: 'Ed25519', keyFingerprint: '0'.repeat(64), value: 'Zm9yZ2Vk' },
          },
        ],
      });
      await writer.close();
      return { request: request.id };
    },
    attempt: async (w, p) => world(w).approve(P.approverBruno, String(p.request)),
    refused: says(/ApprovalNotVerified/),
  },
  {
    id: 'item4-edited-rule',
    writesStore: true,
    against: 'issue 12 item 4: a database writer changes who must approve',
    title: "a database writer makes a pending request's rule one approval from Alex alone, and Alex approves",
    kind: 'runtime',
    audit: { action: 'approval.vote.refused', reason: 'ApprovalNotVerified' },
    prepare: async (w) => {
      const request = await w.pending(journey('rule'));
      const writer = await w.databaseWriter();
      const stored = await writer.request(request.id);
      await writer.writeRequest({
        ...stored,
        rule: { ...stored.rule, factors: [{ groupId: 'keyApprovers', groupName: 'Key approvers', members: [P.approverAlex.objectId], approvals: 1 }] },
      });
      await writer.close();
      return { request: request.id };
    },
    attempt: async (w, p) => world(w).approve(P.approverAlex, String(p.request)),
    refused: says(/ApprovalNotVerified/),
  },
  {
    id: 'item5-chosen-custodian',
    against: 'issue 12 item 5: the requester chooses the custodians',
    title: "a key-roll requester names a custodian outside the policy's custodian group",
    kind: 'runtime',
    audit: { action: 'approval.submit.refused', reason: 'CustodianNotInPolicy' },
    attempt: async (w) => {
      try {
        await world(w).keyward.approvals.service.submit({
          planHash: sha256Hex(`roll ${randomUUID()}`),
          operationClass: 'keyRoll',
          title: 'Roll key A',
          summaryLines: ['New version of key A.'],
          targets: ['kv-a/ck-a'],
          keySides: { A: [P.observer.objectId], B: [P.approverDana.objectId] },
          requester: world(w).actor(P.operator),
          reason: 'Yearly roll.',
          origin: world(w).ops.origin(P.operator),
          journeyId: journey('roll'),
        });
        return { status: 200, text: 'accepted' };
      } catch (error) {
        return { status: 0, text: isAppError(error) ? `${error.code}: ${error.message}` : String(error) };
      }
    },
    refused: says(/SeparationOfDuties: Key custodians must be members of the policy group "Key custodians"/),
  },
  {
    id: 'item6-not-an-operator',
    against: 'issue 12 item 6: operators',
    title: "someone outside the operators group presses the welcome card's Set up button",
    kind: 'runtime',
    audit: { action: 'operator.refused', reason: 'NotAnOperator' },
    attempt: async (w) => world(w).click(P.observer, VERBS.runCommand, { command: 'setup' }, { conversationId: `conv-${P.observer.teamsId}`, conversationType: 'personal' }),
    refused: says(/Only members of Key operators may start a journey/),
  },
  {
    id: 'item7-flood',
    against: 'issue 12 item 7: refusals flood the logs',
    title: 'thirty requests with a foreign Host arrive within a minute',
    kind: 'runtime',
    audit: { action: 'server.request.refused', reason: 'RefusalsNotLogged' },
    attempt: async (w) => {
      const clock = world(w).ops.clock;
      clock.advance(61_000);
      const statuses: number[] = [];
      for (let i = 0; i < 30; i += 1) statuses.push((await rawPost(world(w).url, 'attacker.example', '{}')).status);
      clock.advance(61_000);
      statuses.push((await rawPost(world(w).url, 'attacker.example', '{}')).status);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { status: statuses.every((s) => s === 421) ? 421 : 0, text: `MisdirectedRequest x${statuses.length}` };
    },
    refused: httpStatus(421, 'MisdirectedRequest'),
    alsoUnchanged: async (w) => {
      const records = (await w.audit()).filter((r) => r.action === 'server.request.refused');
      const summary = records.filter((r) => r.reason === 'RefusalsNotLogged').pop();
      assert.ok(summary && Number(summary.details.dropped) >= 10, 'what was not logged one by one is counted in one record');
    },
  },
  {
    id: 'item9-retry-by-requester',
    against: 'issue 12 item 9: Retry by someone who is not an approver',
    title: 'the requester (no approver) presses Retry on a stopped run',
    kind: 'runtime',
    audit: { action: 'execution.retry.refused', reason: 'NotAnApprover' },
    prepare: async (w) => {
      const plan = premiumPlan();
      const keyA = plan.keys.find((k) => k.site === 'A')!;
      const rule = await w.ops.emulator.emulator.control.injectFault({
        match: { method: 'POST', path: `^/keys/${keyA.keyName}/create$` },
        effect: { type: 'status', status: 400, code: 'BadParameter', message: 'injected' },
        count: null,
      });
      const request = await w.pendingWithPlan(plan);
      await w.approve(P.approverAlex, request.id);
      await w.approve(P.approverBruno, request.id);
      await w.ops.settle();
      await w.ops.emulator.emulator.control.removeFault(rule.id);
      const run = (await w.keyward.executor.service.getByRequest(request.id))!;
      assert.equal(run.status, 'stopped');
      return { run: run.id, version: run.version };
    },
    attempt: async (w, p) =>
      world(w).click(
        P.operator,
        VERBS.runRetry,
        { runId: p.run, cardVersion: p.version, verb: VERBS.runRetry },
        { conversationId: `conv-${P.operator.teamsId}`, conversationType: 'personal' },
      ),
    refused: says(/NotAnApprover/),
  },
  {
    id: 'item12-multipart',
    against: "issue 12 item 12: restify's old formidable",
    title: 'a multipart upload is posted to /api/messages',
    kind: 'runtime',
    audit: { action: 'server.request.refused', reason: 'UnsupportedMediaType' },
    attempt: async (w) => {
      const boundary = 'keyward-boundary';
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.ps1"\r\nContent-Type: application/octet-stream\r\n\r\nWrite-Host hi\r\n--${boundary}--\r\n`;
      return rawPost(world(w).url, new URL(world(w).url).host, body, `multipart/form-data; boundary=${boundary}`);
    },
    refused: httpStatus(415, 'UnsupportedMediaType'),
  },
  {
    // Last among the runtime attacks: it leaves the log rewritten (the digester then refuses for good).
    id: 'item4-rewritten-audit',
    writesStore: true,
    against: 'issue 12 item 4: a database writer rewrites recent audit records',
    title: 'a database writer turns a signed rejection recorded since the last digest into an approval and recomputes the chain',
    kind: 'runtime',
    audit: { action: 'audit.digest.refused', reason: 'signatureInvalid' },
    prepare: async (w) => {
      await w.keyward.digestNow();
      const request = await w.pending(journey('rewrite'));
      await w.click(P.approverAlex, VERBS.approvalReject, { ...w.buttonData(request.id, VERBS.approvalReject), reason: 'not now' });
      return { request: request.id };
    },
    attempt: async (w, p) => {
      const writer = await world(w).databaseWriter();
      const vote = (await writer.auditRecords()).find((r) => r.action === 'approval.vote.recorded' && r.requestId === p.request)!;
      await writer.rewriteAuditTail(vote.sequence, (r) => (r.sequence === vote.sequence ? { ...r, details: { ...r.details, decision: 'approve' } } : r));
      await writer.close();
      try {
        await world(w).keyward.digestNow();
        return { status: 200, text: 'signed' };
      } catch (error) {
        return { status: 0, text: isAppError(error) ? `${error.code}: ${error.message}` : String(error) };
      }
    },
    refused: says(/AuditChainBroken: Keyward did not sign an audit digest/),
  },
  // ------------------------------------------------------------------ the local emulator
  {
    id: 'item10-token-for-anyone',
    against: 'issue 12 item 10: the emulator issues tokens for anyone',
    title: "a local process asks the emulator's identity endpoint for a token of an identity that does not exist",
    kind: 'emulator',
    attempt: async () => {
      const endpoint = process.env.IDENTITY_ENDPOINT;
      assert.ok(endpoint, "the emulator's identity endpoint");
      const response = await fetch(
        `${endpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://management.azure.com')}&client_id=11111111-2222-4333-8444-555555555555`,
        { headers: { 'x-identity-header': process.env.IDENTITY_HEADER ?? '' } },
      );
      const text = await response.text();
      assert.doesNotMatch(text, /access_token/, 'no token issued');
      return { status: response.status, text };
    },
    refused: (answer) => {
      assert.equal(answer.status, 400);
      assert.match(answer.text, /Identity not found/);
    },
  },
  // ------------------------------------------------------------------ start-up guards
  {
    id: 'startup-local-real-azure',
    against: 'issue 12 item 3: anonymous local mode against real Azure',
    title: 'local mode (no sign-in) is pointed at real Azure',
    kind: 'startup',
    attempt: async () => configRefusal({ KEYWARD_AZURE_ARM_ENDPOINT: 'https://management.azure.com' }),
    refused: says(/KEYWARD_AZURE_ARM_ENDPOINT.*only talks to the local emulator/),
  },
  {
    id: 'startup-production-key-file',
    against: 'issue 12 item 8: signing keys on the host in Azure',
    title: 'production is configured with a signing key file instead of a Key Vault key',
    kind: 'startup',
    attempt: async () =>
      configRefusal({
        MicrosoftAppId: LOCAL_IDENTITIES.writer.clientId,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: LOCAL_TENANT_ID,
        KEYWARD_AUDIT_SIGNING_KEY_FILE: '/srv/keyward/signing.pem',
      }),
    refused: says(/KEYWARD_SIGNING_KEY_ID: is required in production.*KEYWARD_AUDIT_SIGNING_KEY_FILE: is for local mode only/s),
  },
];

function configRefusal(env: Record<string, string>): Promise<Answer> {
  try {
    loadConfig(env);
    return Promise.resolve({ status: 200, text: 'started' });
  } catch (error) {
    return Promise.resolve({ status: 0, text: isAppError(error) ? `${error.code}: ${error.message}` : String(error) });
  }
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: text };
  }
}

/** The README line, computed from the list above: what was tried, refused, audited. */
export function attackSummaryLine(attacks: readonly Attack[] = ATTACKS): string {
  const count = (kind: Attack['kind']) => attacks.filter((a) => a.kind === kind).length;
  const writers = attacks.filter((a) => a.writesStore).length;
  return `Attack suite (test/attacks): ${attacks.length} attacks tried, ${attacks.length} refused, ${count('runtime')} audited in Keyward's audit log with nothing changed (the ${writers} database-writer attacks on SQLite and again on PostgreSQL); the other ${count('startup') + count('emulator')} are ${count('startup')} start-up guards that refuse to start (before there is anything to audit) and ${count('emulator')} refused by the local emulator (a test double without an audit log).`;
}
