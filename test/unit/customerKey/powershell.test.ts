import assert from 'node:assert/strict';
import { isAppError } from '../../../src/core';
import { lit, litList, psAssign, psCode, psCommand, psLiteral, psSwitchValue } from '../../../src/customerKey';
import { loadPowerShellChecker, type PowerShellChecker } from '../../helpers/psScriptChecker';

/** Values an attacker (or a careless paste) might put in a field that accepts free text. */
const HOSTILE = [
  "'; Remove-Item -Recurse C:\\ #",
  "x' ; Invoke-Expression 'calc",
  '$(Remove-Item -Recurse C:\\)',
  '${env:PATH}',
  '`$(whoami)`',
  '@(1,2); whoami',
  "''''",
  "'",
  '"; whoami; "',
  '-Confirm:$false',
  '#> Remove-Item C:\\ <#',
];

/** Characters that must never reach a script at all. */
const REFUSED = [
  'line one\nRemove-Item -Recurse C:\\',
  'carriage\rreturn',
  'nul\u0000byte',
  'next\u0085line',
  'smart \u2018quote\u2019 here',
  'low \u201A and reversed \u201B quotes',
  'bidi \u202E override',
  'zero\u200Bwidth',
  'separator\u2028line',
];

describe('PowerShell literals', () => {
  let checker: PowerShellChecker;
  before(async () => {
    checker = await loadPowerShellChecker();
  });

  for (const value of HOSTILE) {
    it(`when ${JSON.stringify(value)} is emitted, then it stays one literal that decodes to itself`, () => {
      const line = `Write-Warning -Message ${psLiteral(value)} -WarningAction 'Continue'`;
      const lexed = checker.literalSkeleton(line);
      assert.equal(lexed.skeleton, 'Write-Warning -Message <L> -WarningAction <L>');
      assert.deepEqual(checker.check(line), []);
      assert.deepEqual(lexed.literals, [value, 'Continue']);
    });
  }

  for (const value of REFUSED) {
    it(`when ${JSON.stringify(value)} is emitted, then it is refused`, () => {
      assert.throws(
        () => psLiteral(value),
        (e: unknown) => isAppError(e, 'ValidationFailed'),
      );
    });
  }

  it('when a list is emitted, then each item is its own literal', () => {
    const lexed = checker.literalSkeleton(`Format-List -Property ${psLiteralListOf(["a'b", '$c'])}`);
    assert.equal(lexed.skeleton, 'Format-List -Property <L>, <L>');
    assert.deepEqual(lexed.literals, ["a'b", '$c']);
  });

  it('when a command is rendered, then names are checked and code fragments must be variables or constants', () => {
    assert.equal(
      psCommand('Set-Mailbox', [
        ['Identity', lit('a@b.com')],
        ['DataEncryptionPolicy', lit('P')],
      ]),
      "Set-Mailbox -Identity 'a@b.com' -DataEncryptionPolicy 'P'",
    );
    assert.equal(
      psCommand('Get-X', [
        ['Ids', litList(['1', '2'])],
        ['Flag', psCode('$false')],
      ]),
      "Get-X -Ids '1', '2' -Flag $false",
    );
    assert.equal(psCommand('Connect-ExchangeOnline', [['ShowBanner', psSwitchValue(false)]]), 'Connect-ExchangeOnline -ShowBanner:$false');
    assert.throws(
      () => psCommand('Get-X; rm', []),
      (e: unknown) => isAppError(e, 'Internal'),
    );
    assert.throws(
      () => psCommand('Get-X', [['A B', lit('x')]]),
      (e: unknown) => isAppError(e, 'Internal'),
    );
    assert.throws(
      () => psCommand('Get-X', [['A', psCode('$(whoami)')]]),
      (e: unknown) => isAppError(e, 'Internal'),
    );
    assert.throws(
      () => psAssign('a; rm', 'x'),
      (e: unknown) => isAppError(e, 'Internal'),
    );
  });
});

function psLiteralListOf(values: string[]): string {
  return values.map(psLiteral).join(', ');
}
