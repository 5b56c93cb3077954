import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_PEOPLE, LOCAL_TENANT_ID } from '../../../src/core';
import { renderPlaygroundConfig } from '../../../src/cli/playgroundConfig';
import { parseCommandText } from '../../../src/bot/commandText';

describe('playground configuration', () => {
  it('when compared with the local tenant, then the checked-in .m365agentsplayground.yml is exactly what the generator writes', () => {
    const checkedIn = fs.readFileSync(path.resolve(__dirname, '../../../.m365agentsplayground.yml'), 'utf8');
    assert.equal(checkedIn, renderPlaygroundConfig('operator'));
  });

  it('when rendered for an approver, then that approver is the current user, the operator a member, and at least five others exist', () => {
    const yml = renderPlaygroundConfig('approverAlex');
    assert.match(yml, new RegExp(`currentUser:\\n  id: ${LOCAL_PEOPLE.approverAlex.teamsId}`));
    assert.match(yml, new RegExp(`- id: ${LOCAL_PEOPLE.operator.teamsId}`));
    assert.ok((yml.match(/^ {2}- id: /gm) ?? []).length >= 5);
    assert.match(yml, new RegExp(`tenantId: ${LOCAL_TENANT_ID}`));
  });
});

describe('command text', () => {
  for (const [input, name, args] of [
    ['help', 'help', ''],
    ['  Setup   hsm ', 'setup', 'hsm'],
    ['/status', 'status', ''],
    ['<at>Keyward</at> approvals now', 'approvals', 'now'],
    ['', '', ''],
  ] as const) {
    it(`when the text is "${input}", then the command is "${name}" with args "${args}"`, () => {
      assert.deepEqual(parseCommandText(input), { name, args });
    });
  }
});
