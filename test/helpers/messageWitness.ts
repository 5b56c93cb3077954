/**
 * A mocha root hook (loaded by .mocharc.json): every `Message` the code makes while the tests run
 * is held against the catalogue at the end. The catalogue must know its id; its English, formatted
 * with its values, must be exactly the domain's English text (what logs, the audit log and the
 * hashed plan keep), so a card never shows a translation of anything else; and German and French
 * must be able to say it with those values.
 */
import { witnessMessages, type Message } from '../../src/core';
import { formatMessage, isMessageId, localizer } from '../../src/bot/i18n/localizer';

const seen = new Map<string, Message>();

export const mochaHooks = {
  beforeAll(): void {
    witnessMessages((message) => {
      const key = JSON.stringify(message);
      if (!seen.has(key) && seen.size < 50_000) seen.set(key, message);
    });
  },
  afterAll(): void {
    witnessMessages(undefined);
    const problems = messageProblems([...seen.values()]);
    if (problems.length > 0) throw new Error(`Messages the catalogue does not say as the domain does (${problems.length}):\n${problems.slice(0, 40).join('\n')}`);
  },
};

/** What is wrong with each message, as one line per problem. */
export function messageProblems(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  const en = localizer('en');
  for (const message of messages) {
    if (!isMessageId(message.id)) {
      problems.push(`${message.id}: not in the catalogue ("${message.text}")`);
      continue;
    }
    const english = formatMessage(en, message);
    if (english !== message.text) problems.push(`${message.id}: the catalogue says "${english ?? '(cannot format)'}"\n    the domain says   "${message.text}"`);
    for (const tag of ['de', 'fr'])
      if (formatMessage(localizer(tag), message) === undefined) problems.push(`${message.id}: ${tag} cannot say it with ${JSON.stringify(message.values ?? {})}`);
  }
  return problems;
}
