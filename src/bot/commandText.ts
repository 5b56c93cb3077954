/**
 * Splits a chat message into a command word and its arguments: "Setup  hsm" → {name: "setup",
 * args: "hsm"}. Mentions are removed by teams-ai before this; a leading "/" is tolerated because
 * people type slash commands out of habit.
 */
export function parseCommandText(text: string): { name: string; args: string } {
  const trimmed = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const [first = '', ...rest] = trimmed.split(' ');
  return { name: first.replace(/^\//, '').toLowerCase(), args: rest.join(' ') };
}
