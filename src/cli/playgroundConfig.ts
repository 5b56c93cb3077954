import { LOCAL_PEOPLE, LOCAL_TENANT_ID, type LocalPerson } from '../core';

/** Who the playground's browser user is; the others are chat members reachable through its API. */
export type PlaygroundUserKey = keyof typeof LOCAL_PEOPLE;

export const PLAYGROUND_BOT = { id: 'keyward-local-bot', name: 'Keyward' } as const;
export const PLAYGROUND_CONVERSATIONS = {
  personalChat: 'personal-chat-keyward',
  groupChat: { id: 'group-chat-key-approvers', name: 'Key approvers' },
  team: { id: 'team-keyward', name: 'Customer Key', aadGroupId: 'b7c1d2e3-0000-4000-8000-0000000000a1', channel: { id: 'channel-key-approvals', name: 'Key approvals' } },
} as const;

/**
 * The Agents Playground configuration for the local tenant (src/core/localTenant.ts). The
 * checked-in `.m365agentsplayground.yml` is this with the operator as current user; a test keeps
 * the two identical. The playground insists on at least five other users.
 */
export function renderPlaygroundConfig(current: PlaygroundUserKey = 'operator'): string {
  const me = LOCAL_PEOPLE[current];
  const others = (Object.keys(LOCAL_PEOPLE) as PlaygroundUserKey[]).filter((key) => key !== current).map((key) => LOCAL_PEOPLE[key]);
  const user = (person: LocalPerson, indent: string) =>
    [
      `${indent}id: ${person.teamsId}`,
      `${indent}name: ${person.displayName}`,
      `${indent}userPrincipleName: ${person.upn}`,
      `${indent}aadObjectId: ${person.objectId}`,
      `${indent}givenName: ${person.givenName}`,
      `${indent}surname: ${person.surname}`,
      `${indent}email: ${person.upn}`,
    ].join('\n');
  const lines = [
    "# Microsoft 365 Agents Playground configuration for Keyward's local stack (npm start).",
    '# Generated from src/core/localTenant.ts by src/cli/playgroundConfig.ts; a test keeps them equal.',
    "# The ids are fake and match the local emulator's tenant, so these people are the operator,",
    '# the approvers and the key custodians of the local approval policy (config/policy.local.json).',
    'version: "0.1.1"',
    `tenantId: ${LOCAL_TENANT_ID}`,
    'bot:',
    `  id: ${PLAYGROUND_BOT.id}`,
    `  name: ${PLAYGROUND_BOT.name}`,
    'currentUser:',
    user(me, '  '),
    'users:',
    ...others.map((person) => user(person, '    ').replace(/^ {4}/, '  - ')),
    'personalChat:',
    `  id: ${PLAYGROUND_CONVERSATIONS.personalChat}`,
    'groupChat:',
    `  id: ${PLAYGROUND_CONVERSATIONS.groupChat.id}`,
    `  name: ${PLAYGROUND_CONVERSATIONS.groupChat.name}`,
    'team:',
    `  id: ${PLAYGROUND_CONVERSATIONS.team.id}`,
    `  name: ${PLAYGROUND_CONVERSATIONS.team.name}`,
    `  aadGroupId: ${PLAYGROUND_CONVERSATIONS.team.aadGroupId}`,
    '  channels:',
    `    - id: ${PLAYGROUND_CONVERSATIONS.team.channel.id}`,
    `      name: ${PLAYGROUND_CONVERSATIONS.team.channel.name}`,
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  process.stdout.write(renderPlaygroundConfig((process.argv[2] as PlaygroundUserKey | undefined) ?? 'operator'));
}
