import assert from 'node:assert/strict';
import { cardBytes, MAX_CARD_BYTES } from '../../../src/bot/cards/adaptiveCard';
import { renderRunCard } from '../../../src/bot/cards/runCard';
import { renderVerifyCard } from '../../../src/bot/cards/runVerifyCard';
import { parseRunCardData, runActionData } from '../../../src/bot/cards/runCardData';
import { VERBS } from '../../../src/bot/cards/verbs';
import { evaluateReadiness } from '../../../src/customerKey';
import { EMULATOR_KEY_URI_OPTIONS } from '../../../src/executor';
import { assertValidCard } from '../../helpers/cardRules';
import { hsmPlan, premiumPlan, runOf } from '../../executor/executorFixtures';

const NOW = new Date(Date.UTC(2026, 0, 5, 10, 0));

describe('run cards', () => {
  const premium = premiumPlan({ workloads: ['multiWorkload', 'exchange', 'sharePoint'] });

  it('when a run is running, waiting for officers, stopped, done or failed, then each card passes the card rules, says its state in words and has a progress bar', () => {
    const hsm = hsmPlan({ workloads: ['multiWorkload', 'exchange', 'sharePoint'] });
    const cases: Array<[string, ReturnType<typeof renderRunCard>, RegExp]> = [
      ['running', renderRunCard({ run: runOf(premium, 'running', 4), now: NOW }), /Running: .*Step 5 of 33: Create key /],
      [
        'waiting',
        renderRunCard({
          run: runOf(hsm, 'waitingForInput', 2, { waitingFor: '1 of 3 officers have handed in their public certificate.' }),
          now: NOW,
          officers: [
            { name: 'Alex', submitted: true, thumbprint: 'abcdefghijklmnopqrstu' },
            { name: 'Bruno', submitted: false },
            { name: 'Chen', submitted: false },
          ],
        }),
        /Waiting for people.*Never paste a private key.*Bruno: \*\*waiting\*\*/,
      ],
      [
        'stopped',
        renderRunCard({
          run: runOf(premium, 'stopped', 6, {
            lastError: {
              code: 'AzureForbidden',
              message: 'Azure refused to create key ck-a (ForbiddenByRbac). Grant "Key Vault Crypto Officer" at scope https://kv.vault.azure.net to Keyward\'s identity.',
              transient: false,
              stepId: 'ensureKey:A:exchange',
              azure: {
                status: 403,
                azureCode: 'Forbidden',
                innerCode: 'ForbiddenByRbac',
                requiredRole: 'Key Vault Crypto Officer',
                scope: 'https://kv.vault.azure.net',
                operation: 'create key ck-a',
              },
            },
          }),
          now: NOW,
        }),
        /Stopped: .*Retry is possible until 2026-01-05 13:00 UTC.*Role needed.*Key Vault Crypto Officer.*Retry from the failed step/,
      ],
      [
        'done',
        renderRunCard({ run: runOf(premium, 'succeeded', 99), now: NOW, keyUriOptions: EMULATOR_KEY_URI_OPTIONS }),
        /Done: .*Key URIs.*Register-SPODataEncryptionPolicy -PrimaryKeyVaultName/,
      ],
      [
        'failed',
        renderRunCard({ run: runOf(premium, 'failed', 3, { lastError: { code: 'AzureThrottled', message: 'Throttled.', transient: true } }), now: NOW }),
        /Failed: .*closed as failed/,
      ],
    ];
    for (const [name, card, words] of cases) {
      assertValidCard(card, `${name} run card`);
      assert.ok(cardBytes(card) < MAX_CARD_BYTES, `${name}: ${cardBytes(card)} bytes`);
      assert.match(JSON.stringify(card), words, name);
      assert.match(JSON.stringify(card), /[▓░]{10}  \d+ of \d+ steps done/, name);
    }
  });

  it('when a stopped run is past its execution window, then the card offers no Retry and says to submit again', () => {
    const card = JSON.stringify(
      renderRunCard({
        run: runOf(premium, 'stopped', 2, { lastError: { code: 'SubscriptionNotEnabled', message: 'Disabled.', transient: false } }),
        now: new Date(Date.UTC(2026, 0, 6)),
      }),
    );
    assert.doesNotMatch(card, /Retry from the failed step/);
    assert.match(card, /execution window has closed/);
  });

  it('when the run is done, then the key URIs are versionless (what the DEP cmdlets take) and SharePoint gets vault, key and version', () => {
    const card = JSON.stringify(renderRunCard({ run: runOf(premium, 'succeeded', 99), now: NOW, keyUriOptions: EMULATOR_KEY_URI_OPTIONS }));
    for (const ref of premium.keys) assert.match(card, new RegExp(`https://${ref.containerName}\\.vault\\.localhost:8443/keys/${ref.keyName}"`));
    assert.match(card, /-PrimaryKeyVersion 0123456789abcdef0123456789abcdef/);
    assert.match(card, /\/var\/keyward\/backups\//);
  });

  it('when card data comes back, then only run id, card version and verb are read, strictly', () => {
    const run = runOf(premium, 'stopped', 1);
    const data = runActionData(run, VERBS.runRetry);
    assert.deepEqual(parseRunCardData({ ...data, aadObjectId: 'someone-else' }, VERBS.runRetry), { ok: true, data: { runId: run.id, cardVersion: 7, verb: VERBS.runRetry } });
    assert.equal(parseRunCardData(data, VERBS.runCertificate).ok, false);
    assert.equal(parseRunCardData({ ...data, runId: '../etc' }, VERBS.runRetry).ok, false);
  });

  it('when verify finds red lines, then the card says not ready, lists red lines first with their fixes, and passes the card rules', () => {
    const [a, b] = premium.keys;
    const lines = evaluateReadiness({
      now: NOW,
      keys: [a!, b!].map((ref, i) => ({
        ref,
        principalObjectId: 'c0ffee00-0000-4000-8000-0000000000c0',
        observed: {
          key: {
            ok: true as const,
            value: {
              kid: `https://${ref.containerName}.vault.azure.net/keys/${ref.keyName}/0123456789abcdef0123456789abcdef`,
              kty: 'RSA-HSM',
              keyOps: ['wrapKey', 'unwrapKey'],
              enabled: i === 0,
              expires: null,
              recoveryLevel: 'Recoverable+ProtectedSubscription',
            },
          },
          backup: { ok: true as const, value: { present: i === 0 } },
        },
      })),
    });
    const card = renderVerifyCard({
      run: { id: 'run_abcdefghijkl', requestId: 'r', title: premium.title },
      report: { checkedAt: NOW.toISOString(), keys: [a!, b!], lines, ready: false, probed: false },
    });
    assertValidCard(card, 'verify card');
    const text = JSON.stringify(card);
    assert.match(text, /Not ready: \d+ red/);
    assert.ok(text.indexOf('FAIL') < text.indexOf('PASS') || !text.includes('PASS'), 'red lines first');
    assert.match(text, /Fix:/);
  });
});
