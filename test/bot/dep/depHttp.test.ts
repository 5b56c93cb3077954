import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID, silentLogger } from '../../../src/core';
import { AzureGateway, createAzureCredential } from '../../../src/azure';
import { DEP_VERBS } from '../../../src/bot/dep/depVerbs';
import type { Plan } from '../../../src/customerKey';
import { premiumPlan } from '../../executor/executorFixtures';
import { loadPowerShellChecker } from '../../helpers/psScriptChecker';
import { throughOnboarding } from '../../helpers/onboardingClicks';
import { addressOf, startOpsWorld, type Card, type OpsWorld } from '../inventory/opsWorld';

/** The text of the card's code block (the RichTextBlock's monospace TextRun). */
function codeOf(card: Card): string {
  let code = '';
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (record.type === 'TextRun' && record.fontType === 'Monospace' && typeof record.text === 'string' && record.text.includes("$ErrorActionPreference = 'Stop'"))
      code = record.text;
    Object.values(record).forEach(walk);
  };
  walk(card);
  return code;
}

function downloadUrl(card: Card): string {
  const match = /"type":"Action\.OpenUrl","title":"Download [^"]+","url":"([^"]+)"/.exec(JSON.stringify(card));
  assert.ok(match, 'the card offers the .ps1 download');
  return match[1]!;
}

/**
 * The DEP journey through HTTP activities against the emulator: keys from a finished setup or
 * adopted by URI (verified through Azure first), hostile input through the card, the script in a
 * code block and as a short-lived download served by the bot's own server, and the pasted Get-
 * output recorded in the inventory.
 */
describe('Data Encryption Policy journey through HTTP against the Azure emulator', function () {
  this.timeout(120_000);
  let world: OpsWorld;
  let plan: Plan;
  const chat = () => world.conversationOf(LOCAL_PEOPLE.operator);
  const ops = () => world.harness.keyward.operations;

  before(async () => {
    world = await startOpsWorld();
    plan = premiumPlan({ workloads: ['exchange'] });
    await world.finishedSetup(plan);
  });
  after(async () => {
    await world?.close();
  });

  const pairId = async () => (await ops().inventory.pairs()).find((p) => p.A.ref.containerName === plan.keys[0]!.containerName)!.pairId;

  async function toDetails(): Promise<Card> {
    await world.say('dep');
    const first = world.cardIn(chat(), /Which policy, and which keys\?/).card;
    const details = await throughOnboarding(
      await world.click(DEP_VERBS.submitScope, { ...addressOf(first), scope: 'exchange', source: 'inventory', pairId: await pairId() }),
      (verb, data) => world.click(verb, data),
      addressOf,
      'EXO',
    );
    assert.match(details.text, /Policy details/, details.text.slice(0, 2000));
    return details.card!;
  }

  it("when hostile values are typed on the card, then each is refused at its field with the text kept; a tricky but valid value becomes an inert literal in the card's script and in the download", async () => {
    const details = await toDetails();
    const refused = await world.click(DEP_VERBS.submitDetails, {
      ...addressOf(details),
      policyName: "EX'; Remove-Mailbox * -Confirm:$false #",
      description: 'Legal \u2019; Stop-Computer',
      mailboxScope: 'list',
      mailboxes: 'adele@contoso.com\n$(Invoke-Expression $env:SECRET)',
      validate: 'true',
    });
    assert.match(refused.text, /Policy details/);
    assert.match(refused.text, /The policy name/);
    assert.match(refused.text, /typographic quote/);
    assert.match(refused.text, /Mailbox 2:/);
    assert.match(refused.text, /"value":"EX'; Remove-Mailbox \* -Confirm:\$false #"/, 'the typed value is kept on the card');
    assert.doesNotMatch(refused.text, /New-DataEncryptionPolicy/, 'no script');

    const review = await world.click(DEP_VERBS.submitDetails, {
      ...addressOf(refused.card!),
      policyName: 'Contoso-EX',
      description: "Legal's mailboxes'; Remove-Mailbox -Identity * #",
      mailboxScope: 'list',
      mailboxes: "adele@contoso.com\no'brien@contoso.com",
      validate: 'true',
    });
    assert.match(review.text, /Your ready-to-run script/, review.text.slice(0, 2000));
    const code = codeOf(review.card!);
    assert.match(code, /-Description 'Legal''s mailboxes''; Remove-Mailbox -Identity \* #'/);
    assert.match(code, /Set-Mailbox -Identity 'o''brien@contoso\.com' -DataEncryptionPolicy 'Contoso-EX'/);
    assert.match(
      code,
      /New-DataEncryptionPolicy -Name 'Contoso-EX' -AzureKeyIDs 'https:\/\/[a-z0-9]+\.vault\.azure\.net\/keys\/ck-exchange-a', 'https:\/\/[a-z0-9]+\.vault\.azure\.net\/keys\/ck-exchange-b'/,
    );
    const checker = await loadPowerShellChecker();
    assert.deepEqual(checker.check(code), [], 'the script on the card parses and matches the cmdlet pages');
    const lexed = checker.literalSkeleton(code);
    assert.ok(lexed.literals.includes("Legal's mailboxes'; Remove-Mailbox -Identity * #"));
    assert.doesNotMatch(lexed.skeleton, /Remove-Mailbox/, 'the hostile text is only ever inside a literal');

    // The .ps1 from the bot's own server: the same script, UTF-8 with BOM, the SHA-256 on the card.
    const url = downloadUrl(review.card!);
    assert.ok(url.startsWith(`${world.harness.url}/downloads/`));
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="keyward-dep-exchange-Contoso-EX\.ps1"$/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bytes.subarray(3).toString('utf8'), code);
    const sha = createHash('sha256').update(bytes).digest('hex');
    assert.match(review.text, new RegExp(`File SHA-256:\\*\\* ${sha}`));
    assert.equal((await fetch(`${world.harness.url}/downloads/${'A'.repeat(43)}`)).status, 404, 'an unknown token is a plain 404');
    world.clock.advance(61 * 60_000);
    assert.equal((await fetch(url)).status, 404, 'the link expires');
    const fresh = await world.click(DEP_VERBS.newLink, addressOf(review.card!));
    assert.equal((await fetch(downloadUrl(fresh.card!))).status, 200, 'a new link works');

    // Paste what PowerShell printed: recorded as Registered.
    const evidenceCard = (await world.click(DEP_VERBS.ranIt, addressOf(fresh.card!))).card!;
    const [a, b] = plan.keys.map((k) => k.versionlessUri);
    const output = [
      'PS C:\\> Get-DataEncryptionPolicy -Identity Contoso-EX | Format-List',
      '',
      `AzureKeyIDs                 : {${a}, ${b}}`,
      'Description                 : Legal',
      'Enabled                     : True',
      'PermanentDataPurgeRequested : False',
      'Name                        : Contoso-EX',
    ].join('\r\n');
    const recorded = await world.click(DEP_VERBS.evidence, { ...addressOf(evidenceCard), 'evidence.policy': output });
    assert.match(recorded.text, /Policy state recorded/, recorded.text.slice(0, 1500));
    const dep = (await ops().inventory.dep('exchange:contoso-ex'))!;
    assert.equal(dep.state, 'Registered');
    assert.deepEqual(dep.assignment, { kind: 'mailboxes', mailboxes: ['adele@contoso.com', "o'brien@contoso.com"], verified: false });

    // status: the policy, the keys with versions, the vaults.
    await world.say('status');
    const status = JSON.stringify(world.cardIn(chat(), /Data Encryption Policies/).card);
    assert.match(status, /Exchange mailbox DEP 'Contoso-EX'\*\* — Registered/);
    assert.match(status, /ck-exchange-a in vault [a-z0-9]+ — 1 version/);
    assert.match(status, /Vault [a-z0-9]+\*\* — active/);
  });

  it('when existing keys are given by URI, then Keyward finds them through ARM, checks them for real (a wrap and unwrap as Exchange Online) and adopts them; a wrong resource group is named at its field', async () => {
    const writer = new AzureGateway({
      credential: createAzureCredential(LOCAL_IDENTITIES.writer.clientId),
      armEndpoint: world.emulator.emulator.armEndpoint,
      graphEndpoint: world.emulator.emulator.graphEndpoint,
      logger: silentLogger,
    });
    const exchange = LOCAL_M365_SERVICE_PRINCIPALS.find((sp) => sp.displayName === 'Office 365 Exchange Online')!;
    const made: Array<{ uri: string; sub: string; rg: string }> = [];
    for (const [i, sub] of [LOCAL_SUBSCRIPTIONS.primary.id, LOCAL_SUBSCRIPTIONS.secondary.id].entries()) {
      const name = `kv-old-${i}-${Date.now().toString(36).slice(-5)}`;
      const rg = `rg-old-${i}`;
      await writer.ensureResourceGroup(sub, rg, i === 0 ? 'westeurope' : 'swedencentral', {});
      const vault = await writer.createVault({
        subscriptionId: sub,
        resourceGroup: rg,
        name,
        location: i === 0 ? 'westeurope' : 'swedencentral',
        tenantId: LOCAL_TENANT_ID,
        sku: 'premium',
        softDeleteRetentionDays: 90,
        purgeProtection: true,
        rbacAuthorization: false,
        accessPolicies: [
          { objectId: LOCAL_IDENTITIES.writer.objectId, tenantId: LOCAL_TENANT_ID, keys: ['get', 'list', 'create'] },
          { objectId: exchange.objectId, tenantId: LOCAL_TENANT_ID, keys: ['get', 'wrapKey', 'unwrapKey'] },
          // Keyward checks keys as its reader identity (issue 12 item 6): an adopted vault grants it read access.
          { objectId: LOCAL_IDENTITIES.reader.objectId, tenantId: LOCAL_TENANT_ID, keys: ['get', 'list'] },
        ],
        tags: {},
      });
      await writer.createKey({ containerUrl: vault.vaultUri, name: 'legacy-ex', keyType: 'RSA-HSM', keySize: 2048, keyOps: ['wrapKey', 'unwrapKey'], tags: {} });
      made.push({ uri: `${vault.vaultUri.replace(/\/$/, '')}/keys/legacy-ex`, sub, rg });
    }
    await world.say('dep');
    const first = world.cardIn(chat(), /Which policy, and which keys\?/).card;
    const fields = (rgA: string) => ({
      scope: 'exchange',
      source: 'uri',
      'keyA.uri': made[0]!.uri,
      'keyA.subscriptionId': made[0]!.sub,
      'keyA.resourceGroup': rgA,
      'keyB.uri': made[1]!.uri,
      'keyB.subscriptionId': made[1]!.sub,
      'keyB.resourceGroup': made[1]!.rg,
    });
    const wrong = await world.click(DEP_VERBS.submitScope, { ...addressOf(first), ...fields('rg-elsewhere') });
    assert.match(wrong.text, /Keyward found no vault named kv-old-0-[a-z0-9]+ in resource group rg-elsewhere/);
    const details = await throughOnboarding(
      await world.click(DEP_VERBS.submitScope, { ...addressOf(wrong.card!), ...fields(made[0]!.rg) }),
      (verb, data) => world.click(verb, data),
      addressOf,
      'EXO',
    );
    assert.match(details.text, /Policy details/, details.text.slice(0, 3000));
    assert.match(details.text, /https:\/\/kv-old-0-[a-z0-9]+\.vault\.azure\.net\/keys\/legacy-ex/, 'the policy names the keys as Microsoft 365 sees them');
    const journey = await ops().dep.get(addressOf(details.card!).journeyId);
    assert.ok(
      journey.verification?.lines.some((l) => /:probe$/.test(l.id) && l.status === 'pass'),
      'a real wrap and unwrap as Exchange Online succeeded',
    );
    assert.ok((await ops().inventory.containers()).some((c) => c.name.startsWith('kv-old-0-') && c.source === 'adopted'));
  });
});
